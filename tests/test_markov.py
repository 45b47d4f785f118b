"""Tests of spatialregion.markov.

Cases covered
-------------
* giddy equality on libpysal's ``us_income`` (48 states, relative income, queen
  weights from us48.shp aligned by name): classic ``Markov`` counts/probabilities
  (1e-10), steady state and first passage (1e-8 relative); ``Spatial_Markov``
  with k = m = 5 and k = m = 4, pooled (fixed=True) and per-period
  (fixed=False) classes, explicit ``cutoffs``/``lag_cutoffs``: T, P (1e-10),
  breaks, Bickenbach–Bode Q, LR, dof and p-values, per-class χ² (1e-8), steady
  states and first passage per lag class.
* ``LISA_Markov``: quadrants, counts, probabilities, move types, significant
  moves (from giddy's own p-values), steady state, χ² with the giddy reference;
  the published χ² (period means) checked against an independent computation.
* discrete spatial Markov equals giddy ``Spatial_Markov(discrete=True)`` where
  the neighbour mode has no ties (two states, three nearest neighbours).
* class breaks equal mapclassify ``Quantiles`` (hypothesis, incl. heavy ties);
  ties at a break go to the lower class (hand case and mapclassify
  ``UserDefined``); user breaks, per-period breaks.
* hand-computed counts; Kemeny–Snell "Land of Oz" steady state and first
  passage; a reducible chain (giddy's doc example); empty rows → NaN,
  warning, no crash (restrict and absorbing policies; absorbing equals giddy
  ``fill_empty_classes``); several closed classes; homogeneity dof with a
  fully empty row (documented difference to giddy).
* inputs: array, wide DataFrame, long table give the same result; long-table
  duplicates/holes, NaN, bad breaks, bad k, misaligned weights raise named
  errors; inputs are not mutated.
* hypothesis invariants: P rows sum to 1, counts total n(T-1), permuting
  units leaves T/P unchanged, spatial T sums to the classic T.
* results: summary tables, to_frame (the tidy transition table; chains are
  table results whose to_gpkg raises), unit_classes (per-unit classes with
  ids/names/values, GeoDataFrame, to_gpkg), heat-map plots (one panel per lag
  class); provinces smoke test.
* calling convention (issue 12): markov(data, columns, *, k=...) on a table
  with unrelated columns, k/weights keyword-only, wrong calls (a number or a
  str as columns, bad transform/lag_breaks, no geometry for weights=None)
  raise; weights=None equals queen; a Graph with self-loops gives the same
  spatial and LISA counts as without; shuffled rows and a long table align to
  the weights by id; CLI CSVs carry id/name/value columns, tidy transitions
  and a BOM.
* class labels: 低水平 … 高水平 with English twins and value ranges for k = 3,
  4, 5 (rows/columns of the summary table, heat-map row labels with n), the
  ``C1 … Ck`` / ``L1 … Lm`` fallback for other k, names only for per-period
  breaks.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from spatialregion import markov as mk
from spatialregion.errors import (
    AlignmentError,
    DuplicateIdError,
    InputError,
    MissingValueError,
    SpatialRegionWarning,
)

giddy_markov = pytest.importorskip("giddy.markov")
libpysal = pytest.importorskip("libpysal")

PROB = 1e-10
STAT = 1e-8


# ---------------------------------------------------------------------------
# fixtures: us_income panel
# ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def us():
    import geopandas as gpd
    from libpysal.graph import Graph

    libpysal.examples.load_example("us_income")
    d = pd.read_csv(libpysal.examples.get_path("usjoin.csv"))
    shp = gpd.read_file(libpysal.examples.get_path("us48.shp"))
    years = [str(y) for y in range(1929, 2010)]
    gdf = shp.set_index("STATE_NAME").loc[d["Name"]]
    pci = d[years].to_numpy(float)
    rel = pci / pci.mean(axis=0)
    wide = gpd.GeoDataFrame(pd.DataFrame(rel, index=d["Name"].to_numpy(), columns=years), geometry=gdf.geometry.values, crs=shp.crs or "EPSG:4326")
    w = libpysal.weights.Queen.from_dataframe(gdf.reset_index(), use_index=False, silence_warnings=True)
    w.transform = "r"
    graph = Graph.build_contiguity(wide, rook=False)
    return {"rel": rel, "pci": pci, "wide": wide, "w": w, "graph": graph, "years": years}


def _giddy_sm(rel, w, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return giddy_markov.Spatial_Markov(rel, w, **kw)


# ---------------------------------------------------------------------------
# equality with giddy
# ---------------------------------------------------------------------------
def test_classic_equals_giddy(us):
    sm = _giddy_sm(us["rel"], us["w"], k=5, m=5, fixed=True)
    g = giddy_markov.Markov(sm.class_ids, summary=False)
    r = mk.markov(us["rel"], k=5)
    np.testing.assert_array_equal(r.classes, sm.class_ids)
    np.testing.assert_array_equal(r.T, g.transitions)
    np.testing.assert_allclose(r.P, g.p, atol=PROB, rtol=0)
    np.testing.assert_allclose(r.breaks, sm.cutoffs, atol=0, rtol=0)
    np.testing.assert_allclose(r.steady_state, g.steady_state, atol=1e-12)
    np.testing.assert_allclose(r.first_passage, g.mfpt, rtol=1e-8)


@pytest.mark.parametrize("k", [4, 5])
@pytest.mark.parametrize("fixed", [True, False])
def test_spatial_equals_giddy(us, k, fixed):
    sm = _giddy_sm(us["rel"], us["w"], k=k, m=k, fixed=fixed)
    r = mk.spatial_markov(us["wide"], us["years"], weights=us["graph"], k=k, m=k, fixed=fixed)
    np.testing.assert_array_equal(r.T, sm.T)
    np.testing.assert_allclose(r.P, sm.P, atol=PROB, rtol=0)
    np.testing.assert_allclose(r.classic.P, sm.p, atol=PROB, rtol=0)
    if fixed:
        np.testing.assert_allclose(r.lag_breaks, sm.lag_cutoffs, rtol=0, atol=0)
    h = r.homogeneity
    assert h.dof == sm.dof_hom
    assert h.Q == pytest.approx(sm.Q, abs=STAT, rel=STAT)
    assert h.LR == pytest.approx(sm.LR, abs=STAT, rel=STAT)
    assert h.Q_p == pytest.approx(sm.Q_p_value, abs=STAT)
    assert h.LR_p == pytest.approx(sm.LR_p_value, abs=STAT)
    for (chi, p, dof), (gchi, gp, gdof) in zip(r.chi2.itertuples(index=False), sm.chi2):
        assert chi == pytest.approx(gchi, rel=STAT)
        assert p == pytest.approx(gp, abs=STAT)
        assert dof == gdof
    assert r.chi2_total == pytest.approx(sm.x2, rel=STAT)
    assert r.chi2_dof == sm.x2_dof  # m == k: giddy's k(k-1)^2 equals the sum of the per-class dof
    assert r.chi2_p == pytest.approx(sm.x2_pvalue, abs=STAT)
    for ours, theirs in zip(r.steady_state, sm.S):
        theirs = np.asarray(theirs, dtype=float)
        if theirs.ndim == 1:
            np.testing.assert_allclose(ours, theirs, atol=1e-10)
        else:  # several closed classes: giddy lists one distribution each, ours is a mixture of them
            coef, *_ = np.linalg.lstsq(theirs.T, ours, rcond=None)
            np.testing.assert_allclose(theirs.T @ coef, ours, atol=1e-10)
            assert coef.sum() == pytest.approx(1.0) and (coef >= -1e-12).all()
    np.testing.assert_allclose(r.first_passage, sm.F, rtol=1e-8)


def test_spatial_explicit_breaks_equal_giddy(us):
    cut = [0.85, 0.95, 1.05, 1.15]
    lag_cut = [0.9, 1.0, 1.1]
    sm = _giddy_sm(us["rel"], us["w"], cutoffs=cut, lag_cutoffs=lag_cut)
    r = mk.spatial_markov(us["rel"], weights=us["w"], breaks=cut, lag_breaks=lag_cut)
    assert (r.k, r.m) == (5, 4)
    np.testing.assert_array_equal(r.T, sm.T)
    np.testing.assert_allclose(r.P, sm.P, atol=PROB, rtol=0)
    assert r.homogeneity.Q == pytest.approx(sm.Q, rel=STAT)
    assert r.homogeneity.LR == pytest.approx(sm.LR, rel=STAT)
    assert r.homogeneity.dof == sm.dof_hom
    # per-class chi2 equal; the total dof is the sum of per-class dof (m (k-1)^2 = 64), giddy hard-codes k (k-1)^2 = 80
    for (chi, _, dof), (gchi, _, gdof) in zip(r.chi2.itertuples(index=False), sm.chi2):
        assert chi == pytest.approx(gchi, rel=STAT) and dof == gdof
    assert r.chi2_dof == 4 * 16 and sm.x2_dof == 80


def test_lag_breaks_same_uses_y_breaks(us):
    r = mk.spatial_markov(us["rel"], weights=us["w"], k=5, lag_breaks="same")
    np.testing.assert_array_equal(r.lag_breaks, r.breaks)
    lag = us["w"].sparse @ us["rel"]
    np.testing.assert_array_equal(r.lag_classes, np.searchsorted(r.breaks, lag, side="left"))
    with pytest.raises(InputError, match="m=3"):
        mk.spatial_markov(us["rel"], weights=us["w"], k=5, m=3, lag_breaks="same")


def test_lisa_markov_equals_giddy(us):
    w = libpysal.io.open(libpysal.examples.get_path("states48.gal")).read()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lm = giddy_markov.LISA_Markov(us["pci"], w)
    r = mk.lisa_markov(us["pci"], weights=w, chi2_reference="giddy")
    np.testing.assert_array_equal(r.quadrants + 1, lm.q)
    np.testing.assert_array_equal(r.T, lm.transitions)
    np.testing.assert_allclose(r.P, lm.p, atol=PROB, rtol=0)
    np.testing.assert_array_equal(r.move_types, lm.move_types)
    np.testing.assert_allclose(r.steady_state, lm.steady_state, atol=1e-12)
    np.testing.assert_allclose(r.expected, lm.expected_t, rtol=1e-10)
    assert r.chi2 == pytest.approx(lm.chi_2[0], rel=STAT)
    assert r.chi2_p == pytest.approx(lm.chi_2[1], abs=STAT)
    assert r.chi2_dof == lm.chi_2[2]


def test_lisa_significant_move_codes(us):
    """Every (q0, q1, sig0, sig1) combination gets giddy's MOVE_TYPES code."""
    w = libpysal.io.open(libpysal.examples.get_path("states48.gal")).read()
    y = us["pci"][:, :9]
    pv = np.random.default_rng(3).uniform(0, 0.1, size=y.shape)
    r = mk.lisa_markov(y, weights=w, p_values=pv, alpha=0.05)
    sig = pv <= 0.05
    q = r.quadrants + 1
    for i in range(y.shape[0]):
        for t in range(y.shape[1] - 1):
            key = (q[i, t], q[i, t + 1], bool(sig[i, t]), bool(sig[i, t + 1]))
            assert r.significant_moves[i, t] == giddy_markov.MOVE_TYPES[key]
    with pytest.raises(AlignmentError, match="p_values"):
        mk.lisa_markov(y, weights=w, p_values=pv[:, :3])


@pytest.mark.slow
def test_lisa_markov_permutation_moves_equal_giddy(us):
    w = libpysal.io.open(libpysal.examples.get_path("states48.gal")).read()
    np.random.seed(10)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lm = giddy_markov.LISA_Markov(us["pci"], w, permutations=99)
    r = mk.lisa_markov(us["pci"], weights=w, p_values=lm.p_values)
    np.testing.assert_array_equal(r.significant_moves, lm.significant_moves)


def test_lisa_markov_published_chi2_independent(us):
    """Period-mean null: E = diag(n_i) A (P_own ⊗ P_lag) A' computed here with loops."""
    y = us["pci"]
    w = us["w"]
    W = w.sparse.toarray()
    n, t = y.shape
    own = np.zeros((2, 2))
    lag = np.zeros((2, 2))
    for j in range(t - 1):
        for i in range(n):
            a0 = int(y[i, j] < y[:, j].mean())
            a1 = int(y[i, j + 1] < y[:, j + 1].mean())
            own[a0, a1] += 1
            l0 = int(W[i] @ y[:, j] < y[:, j].mean())
            l1 = int(W[i] @ y[:, j + 1] < y[:, j + 1].mean())
            lag[l0, l1] += 1
    po = own / own.sum(1, keepdims=True)
    pl = lag / lag.sum(1, keepdims=True)
    # states (own, lag): HH=(0,0) LH=(1,0) LL=(1,1) HL=(0,1)
    st_ = [(0, 0), (1, 0), (1, 1), (0, 1)]
    r = mk.lisa_markov(y, weights=w)
    exp = np.array([[po[a[0], b[0]] * pl[a[1], b[1]] for b in st_] for a in st_]) * r.T.sum(1)[:, None]
    np.testing.assert_allclose(r.expected, exp, rtol=1e-12)
    chi = ((r.T - exp) ** 2 / exp).sum()
    assert r.chi2 == pytest.approx(chi, rel=1e-12)
    assert r.chi2_dof == 9


def test_discrete_spatial_equals_giddy(rng):
    from libpysal.weights import KNN

    pts = rng.uniform(size=(40, 2))
    w = KNN.from_array(pts, k=3)
    states = rng.integers(0, 2, size=(40, 6))
    sm = _giddy_sm(states, w, discrete=True)
    r = mk.spatial_markov(states, weights=w, discrete=True, transform="b")
    np.testing.assert_array_equal(r.lag_classes, sm.lclass_ids)
    np.testing.assert_array_equal(r.T, sm.T)
    np.testing.assert_allclose(r.P, sm.P, atol=PROB)


# ---------------------------------------------------------------------------
# classes, breaks, ties
# ---------------------------------------------------------------------------
@settings(max_examples=60, deadline=None)
@given(
    arrays(np.float64, st.integers(8, 80), elements=st.sampled_from([0.0, 1.0, 1.5, 2.0, 3.25, 7.0, -4.0])) | arrays(
        np.float64, st.integers(8, 80), elements=st.floats(-1e3, 1e3, allow_nan=False)
    ),
    st.integers(2, 7),
)
def test_quantile_breaks_equal_mapclassify(values, k):
    """Pooled quantile classes of a two-period panel are mapclassify's Quantiles of all its values."""
    import mapclassify

    panel = np.column_stack([values, values[::-1] * 0.5 + 1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        q = mapclassify.Quantiles(panel.ravel(), k=k)
        r = mk.markov(panel, k=k)
    np.testing.assert_array_equal(r.breaks, q.bins[:-1])
    np.testing.assert_array_equal(r.classes.ravel(), q.yb)


def test_ties_go_to_lower_class():
    import mapclassify

    x = np.array([0.0, 1.0, 1.0, 1.5, 2.0, 2.5, 3.0])
    b = np.array([1.0, 2.0])
    np.testing.assert_array_equal(mk.classify(x, b), [0, 0, 0, 1, 1, 2, 2])
    np.testing.assert_array_equal(mk.classify(x, b), mapclassify.UserDefined(x, [1.0, 2.0, np.inf]).yb)


def test_user_and_per_period_breaks():
    y = np.array([[1.0, 2.0, 3.0], [2.0, 2.0, 1.0], [3.0, 1.0, 2.0]])
    r = mk.markov(y, breaks=[1.0, 2.0])
    np.testing.assert_array_equal(r.classes, [[0, 1, 2], [1, 1, 0], [2, 0, 1]])
    # hand count: 0->1,1->2 | 1->1,1->0 | 2->0,0->1
    T = np.zeros((3, 3))
    for a, b in [(0, 1), (1, 2), (1, 1), (1, 0), (2, 0), (0, 1)]:
        T[a, b] += 1
    np.testing.assert_array_equal(r.T, T)
    np.testing.assert_allclose(r.P, T / T.sum(1, keepdims=True))
    per = mk.markov(y, breaks=[[1.5, 2.5], [1.0, 1.5], [1.5, 2.5]])
    np.testing.assert_array_equal(per.classes, [[0, 2, 2], [1, 2, 0], [2, 0, 1]])
    with pytest.raises(InputError, match="strictly increasing"):
        mk.markov(y, breaks=[2.0, 1.0])
    with pytest.raises(InputError, match="k must be"):
        mk.markov(y, k=1)
    with pytest.raises(InputError, match="ties"):
        mk.markov(np.ones((4, 3)) + np.arange(3), k=3, fixed=False)


def test_pooled_ties_collapse_with_warning():
    y = np.array([[0.0, 0.0], [0.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    with pytest.warns(SpatialRegionWarning, match="distinct"):
        r = mk.markov(y, k=4)
    assert r.k == 2


# ---------------------------------------------------------------------------
# long-run measures
# ---------------------------------------------------------------------------
OZ = np.array([[0.5, 0.25, 0.25], [0.5, 0.0, 0.5], [0.25, 0.25, 0.5]])


def test_land_of_oz():
    """Kemeny & Snell (1976) §4.4: π = (.4, .2, .4); M given in giddy's docs."""
    counts = OZ * 40
    np.testing.assert_allclose(mk.steady_state(counts), [0.4, 0.2, 0.4], atol=1e-14)
    expected = np.array([[2.5, 4.0, 10 / 3], [8 / 3, 5.0, 8 / 3], [10 / 3, 4.0, 2.5]])
    np.testing.assert_allclose(mk.first_passage_times(counts), expected, rtol=1e-12)


def test_reducible_chain_matches_giddy():
    from giddy.ergodic import mfpt

    P = np.array([[0.5, 0.5, 0.0], [0.2, 0.8, 0.0], [0.0, 0.0, 1.0]])
    np.testing.assert_allclose(mk.first_passage_times(P * 10), mfpt(P), rtol=1e-12)
    # two closed classes: limit from the observed origin shares (7/17 of the origins are in {0, 1})
    counts = np.array([[5.0, 5.0, 0.0], [2.0, 8.0, 0.0], [0.0, 0.0, 10.0]])
    ss = mk.steady_state(counts)
    np.testing.assert_allclose(ss, [2 / 7 * 2 / 3, 5 / 7 * 2 / 3, 1 / 3], rtol=1e-12)


def test_transient_state_first_passage_hand():
    """0 → {0: .5, 1: .5}; 1 ↔ 2 deterministic: m_01 = 2, m_02 = 3, m_10 = inf, m_00 = inf."""
    counts = np.array([[1.0, 1.0, 0.0], [0.0, 0.0, 3.0], [0.0, 3.0, 0.0]])
    f = mk.first_passage_times(counts)
    assert f[0, 1] == pytest.approx(2.0) and f[0, 2] == pytest.approx(3.0)
    assert np.isinf(f[1, 0]) and np.isinf(f[0, 0])
    assert f[1, 1] == pytest.approx(2.0) and f[1, 2] == pytest.approx(1.0)
    np.testing.assert_allclose(mk.steady_state(counts), [0.0, 0.5, 0.5])


def test_empty_rows_restrict_and_absorbing():
    from giddy.ergodic import mfpt, steady_state

    # class 2 is entered (from class 1) but never left; class 3 never visited
    y = np.array([[0, 1, 2], [1, 0, 1], [0, 0, 1], [1, 1, 0]])
    with pytest.warns(SpatialRegionWarning, match="no transitions start"):
        r = mk.markov(y, discrete=True, labels=["a", "b", "c", "d"])
    assert r.empty == (2, 3)
    assert np.isnan(r.P[2]).all() and np.isnan(r.P[3]).all()
    # restrict: chain on {a, b}, the one b→c transition discarded
    # counts a→(a, b) = (1, 3), b→(a, b) = (2, 1): π_a · 3/4 = π_b · 2/3 → π = (8/17, 9/17)
    np.testing.assert_allclose(r.steady_state[:2], [8 / 17, 9 / 17], rtol=1e-12)
    assert np.isnan(r.steady_state[2:]).all()
    assert np.isnan(r.first_passage[2:]).all() and np.isnan(r.first_passage[:, 2:]).all()
    # absorbing: giddy's fill_empty_classes=True
    with pytest.warns(SpatialRegionWarning):
        a = mk.markov(y, discrete=True, labels=["a", "b", "c", "d"], empty="absorbing")
    P0 = np.nan_to_num(a.P)
    np.testing.assert_allclose(a.first_passage, mfpt(P0, fill_empty_classes=True), rtol=1e-12)
    g = steady_state(P0, fill_empty_classes=True)
    # giddy returns one distribution per closed class ({c}, {d}); ours weights them by the origins (all reach c)
    np.testing.assert_allclose(a.steady_state, g[0])


def test_homogeneity_dof_with_empty_row():
    M = np.array(
        [
            [[3, 1, 0], [1, 2, 0], [0, 0, 0]],
            [[2, 2, 0], [0, 4, 0], [0, 0, 0]],
        ],
        dtype=float,
    )
    h = mk.homogeneity(M)
    g = giddy_markov.homogeneity(M)
    assert h.Q == pytest.approx(g.Q, rel=1e-12) and h.LR == pytest.approx(g.LR, rel=1e-12)
    # rows: (2-1)(2-1) + (2-1)(2-1) = 2; giddy adds (0-1)(0-1) = 1 for the empty row
    assert h.dof == 2 and g.dof == 3


def test_homogeneity_hand():
    """Two regimes with identical probabilities: Q = LR = 0."""
    T = np.array([[4.0, 1.0], [2.0, 3.0]])
    h = mk.homogeneity(np.stack([T, 2 * T]))
    assert h.Q == pytest.approx(0.0, abs=1e-14) and h.LR == pytest.approx(0.0, abs=1e-14)
    assert h.dof == 2 and h.Q_p == pytest.approx(1.0)


def test_chi2_test_hand():
    T1 = np.array([[8.0, 2.0], [1.0, 9.0]])
    T2 = np.array([[5.0, 5.0], [5.0, 5.0]])
    stat, p, dof = mk.chi2_test(T1, T2)
    assert stat == pytest.approx(2 * (9 / 5 + 9 / 5) + 0 * 0 + (16 / 5 + 16 / 5) - 2 * (9 / 5 + 9 / 5) + (9 / 5 + 9 / 5))
    assert dof == 1
    from scipy import stats

    assert p == pytest.approx(stats.chi2.sf(stat, 1))


def test_categorical_lag_ties():
    import scipy.sparse as sp

    # states 0, 1, 2, 2.  unit 0 neighbours 1, 2 (states 1, 2: tie, own 0 not tied → lower code 1); unit 1 neighbours
    # 0, 2 (0, 2 tie, own 1 not tied → 0); unit 2 neighbours 0, 1, 3 (0, 1, 2: three-way tie incl. own 2 → 2);
    # unit 3 neighbour 2 → 2; second period: unit 2 neighbours 0, 1, 3 in states 0, 1, 0 → 0 (no tie)
    W = sp.csr_matrix(np.array([[0, 1, 1, 0], [1, 0, 1, 0], [1, 1, 0, 1], [0, 0, 1, 0]], dtype=float))
    states = np.array([[0, 0], [1, 1], [2, 2], [2, 0]])
    lag = mk.categorical_lag(states, W, 3)
    np.testing.assert_array_equal(lag[:, 0], [1, 0, 2, 2])
    assert lag[2, 1] == 0


# ---------------------------------------------------------------------------
# inputs
# ---------------------------------------------------------------------------
def test_wide_long_and_array_agree(us):
    wide = pd.DataFrame(us["rel"][:, :6], index=[f"s{i}" for i in range(48)], columns=us["years"][:6])
    long = wide.rename_axis("state").reset_index().melt(id_vars="state", var_name="year", value_name="rel")
    a = mk.markov(wide.to_numpy(), k=4)
    b = mk.markov(wide, list(wide.columns), k=4)
    c = mk.markov(long.sample(frac=1, random_state=1), k=4, id_column="state", period_column="year", value_column="rel")
    np.testing.assert_array_equal(a.T, b.T)
    np.testing.assert_array_equal(a.T, c.T)
    assert sorted(c.index) == sorted(wide.index)  # units in order of first appearance in the long table
    np.testing.assert_array_equal(c.unit_classes.to_frame().loc[wide.index, "class_1934"], b.unit_classes.to_frame()["class_1934"])
    with pytest.raises(DuplicateIdError, match="more than once"):
        mk.markov(pd.concat([long, long.iloc[:1]]), id_column="state", period_column="year", value_column="rel")
    with pytest.raises(MissingValueError, match="balance"):
        mk.markov(long.iloc[1:], id_column="state", period_column="year", value_column="rel")
    with pytest.raises(InputError, match="value_column"):
        mk.markov(long, id_column="state", period_column="year")


def test_input_errors_and_no_mutation(us):
    y = us["rel"][:, :5].copy()
    before = y.copy()
    mk.spatial_markov(y, weights=us["w"], k=3)
    np.testing.assert_array_equal(y, before)
    assert us["w"].transform == "R"
    bad = y.copy()
    bad[3, 2] = np.nan
    with pytest.raises(MissingValueError, match="NaN"):
        mk.markov(bad)
    with pytest.raises(InputError, match=r"\(n, T\)"):
        mk.markov(np.arange(5.0))
    with pytest.raises(InputError, match="at least 2 periods"):
        mk.markov(np.ones((5, 1)))
    with pytest.raises(AlignmentError):
        mk.spatial_markov(y[:40], weights=us["w"], k=3)
    frame = pd.DataFrame(y, index=[f"x{i}" for i in range(48)])
    with pytest.raises(AlignmentError, match="different units"):
        mk.spatial_markov(frame, list(frame.columns), weights=us["graph"], k=3)
    with pytest.raises(InputError, match="pass columns"):
        mk.markov(frame)
    with pytest.raises(InputError, match=r"\['nope'\] not in the data"):
        mk.markov(frame, [0, "nope"])
    with pytest.raises(InputError, match="empty="):
        mk.markov(y, empty="drop")


def test_islands_warn():
    from libpysal.graph import Graph

    adj = pd.Series([1.0, 1.0, 0.0], index=pd.MultiIndex.from_arrays([[0, 1, 2], [1, 0, 2]], names=["focal", "neighbor"]), name="weight")
    g = Graph(adj)
    y = np.array([[1.0, 2.0], [2.0, 3.0], [3.0, 1.0]])
    with pytest.warns(SpatialRegionWarning, match="no neighbours"):
        r = mk.spatial_markov(y, weights=g, k=2)
    assert r.islands == (2,)


# ---------------------------------------------------------------------------
# invariants
# ---------------------------------------------------------------------------
@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(6, 30), st.integers(2, 6), st.integers(2, 5))
def test_invariants(seed, n, t, k):
    from libpysal.weights import KNN

    rng = np.random.default_rng(seed)
    y = rng.normal(size=(n, t)).cumsum(axis=1)
    pts = rng.uniform(size=(n, 2))
    w = KNN.from_array(pts, k=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SpatialRegionWarning)
        r = mk.spatial_markov(y, weights=w, k=k)
        perm = rng.permutation(n)
        w2 = KNN.from_array(pts[perm], k=2)
        r2 = mk.spatial_markov(y[perm], weights=w2, k=k)
    assert r.classic.T.sum() == n * (t - 1)
    np.testing.assert_array_equal(r.T.sum(axis=0), r.classic.T)
    full = ~np.isnan(r.P).any(axis=2)
    np.testing.assert_allclose(r.P.sum(axis=2)[full], 1.0)
    np.testing.assert_array_equal(r.T, r2.T)
    np.testing.assert_array_equal(r.classic.T, r2.classic.T)
    ss = r.classic.steady_state
    assert np.nansum(ss) == pytest.approx(1.0)
    assert (ss[~np.isnan(ss)] >= -1e-12).all()


# ---------------------------------------------------------------------------
# results, plots, export
# ---------------------------------------------------------------------------
def test_summary_frame_plot_gpkg(us, tmp_path):
    import geopandas as gpd

    r = mk.spatial_markov(us["wide"], us["years"], weights=us["graph"], k=4)
    s = r.summary()
    text = str(s)
    assert "Spatial Markov" in text and "Q (Pearson)" in text
    table = r.transition_table()
    assert table.shape == (16, 5) and list(table.columns[:1]) == ["n"]
    assert table["n"].sum() == 48 * 80
    tidy = r.to_frame()
    assert list(tidy.columns) == ["lag_class", "lag_label", "from_class", "from_label", "to_class", "to_label", "count", "probability"]
    assert len(tidy) == 4 * 4 * 4 and tidy["count"].sum() == 48 * 80
    row = tidy[(tidy.lag_class == 2) & (tidy.from_class == 3) & (tidy.to_class == 4)].iloc[0]
    assert row["count"] == r.T[1, 2, 3] and row["probability"] == pytest.approx(r.P[1, 2, 3])
    classic = r.classic.to_frame()
    np.testing.assert_array_equal(classic["count"].to_numpy().reshape(4, 4), r.classic.T)
    with pytest.raises(InputError, match="table"):
        r.to_gpkg(tmp_path / "no.gpkg")
    frame = r.unit_classes.to_frame()
    assert isinstance(frame, gpd.GeoDataFrame)
    assert list(frame.index) == list(us["wide"].index)
    assert list(frame.columns[:81]) == us["years"]  # the analysed values first
    np.testing.assert_array_equal(frame[us["years"]].to_numpy(), us["rel"])
    assert frame.shape[1] == 81 + 2 * 81 + 1 and frame["class_1929"].between(1, 4).all()
    path = r.unit_classes.to_gpkg(tmp_path / "m.gpkg")
    back = gpd.read_file(path, layer="markovclasses")
    assert len(back) == 48 and "1929" in back.columns
    axes = r.plot()
    assert len(axes) == 4
    assert len(r.plot(include_classic=True)) == 5
    ax = r.classic.plot()
    assert ax.get_title()
    assert "steady state" in r.classic.long_run_table().columns
    ls = mk.lisa_markov(us["wide"], us["years"], weights=us["graph"])
    assert "HH" in str(ls.summary())
    assert ls.unit_classes.to_frame()["quadrant_2009"].isin(["HH", "LH", "LL", "HL"]).all()
    np.testing.assert_allclose(ls.to_frame()["expected"].to_numpy().reshape(4, 4), ls.expected)
    import matplotlib.pyplot as plt

    plt.close("all")


def test_class_labels_zh_en_with_ranges():
    import matplotlib.pyplot as plt

    # 3 units x 3 periods; breaks 1, 2, 3 → classes by hand: 0.5, 1 → class 0 (ties go down), 1.5 → 1, 2.5 → 2, 4 → 3
    y = np.array([[0.5, 1.5, 4.0], [1.0, 2.5, 4.0], [1.5, 1.0, 2.5]])
    with pytest.warns(SpatialRegionWarning, match="no transitions start in 高水平 High"):
        r = mk.markov(y, breaks=[1, 2, 3])
    expected = ("低水平 Low (≤1)", "中低水平 Medium-low (1–2)", "中高水平 Medium-high (2–3)", "高水平 High (>3)")
    assert r.labels == expected
    table = r.transition_table()
    assert tuple(table.index) == expected and tuple(table.columns[1:]) == expected
    assert "低水平 Low (≤1)" in str(r.summary())
    ax = r.plot()
    # origins (periods 1 and 2): class 0 three times (0.5, 1.0, 1.0), class 1 twice (1.5, 1.5), class 2 once (2.5)
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "低水平 Low\n(≤1; n=3)", "中低水平 Medium-low\n(1–2; n=2)", "中高水平 Medium-high\n(2–3; n=1)", "高水平 High\n(>3; n=0)",
    ]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["低水平", "中低水平", "中高水平", "高水平"]
    plt.close("all")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SpatialRegionWarning)  # empty top classes, as above
        assert mk.markov(y, breaks=[1, 3]).labels == ("低水平 Low (≤1)", "中水平 Medium (1–3)", "高水平 High (>3)")
        assert mk.markov(y, breaks=[1, 2, 3, 3.5]).labels[2] == "中等水平 Medium (2–3)"
        six = ("C1 (≤1)", "C2 (1–2)", "C3 (2–3)", "C4 (3–3.5)", "C5 (3.5–3.8)", "C6 (>3.8)")
        assert mk.markov(y, breaks=[1, 2, 3, 3.5, 3.8]).labels == six
    assert mk.markov(y, breaks=[[1, 2], [1, 2], [1, 2]]).labels == ("低水平 Low", "中水平 Medium", "高水平 High")
    rng = np.random.default_rng(1)
    panel = rng.normal(size=(48, 4))
    sm = mk.spatial_markov(panel, weights=libpysal.weights.lat2W(6, 8), k=3, m=2)
    assert sm.labels[0].startswith("低水平 Low (≤") and sm.lag_labels[0].startswith("L1 (≤")
    assert tuple(sm.transition_table().index.get_level_values("lag class").unique()) == sm.lag_labels


def test_provinces_ai_index(provinces_queen):
    from spatialregion.cli import demo_provinces

    prov = demo_provinces()
    cols = ["ai2011", "ai2015", "ai2019", "ai2022"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SpatialRegionWarning)
        r = mk.spatial_markov(prov, cols, weights=provinces_queen, k=4)
    assert r.classic.T.sum() == 31 * 3
    assert r.T.shape == (4, 4, 4)
    # pooled quartiles: every class holds 31 (±ties) of the 124 values
    counts = np.bincount(r.classic.classes.ravel(), minlength=4)
    assert counts.sum() == 124 and counts.min() >= 30


def test_no_closed_observed_part_falls_back_to_absorbing():
    # every path ends in class 0, which is never left: restriction would remove all classes
    counts = np.array([[0, 0, 0], [1, 0, 1], [1, 0, 0]], dtype=float)
    with pytest.warns(SpatialRegionWarning, match="absorbing"):
        ss = mk.steady_state(counts)
    np.testing.assert_allclose(ss, [1.0, 0.0, 0.0])
    np.testing.assert_allclose(ss, mk.steady_state(counts, empty="absorbing"))


# ---------------------------------------------------------------------------
# the public calling convention (issue 12)
# ---------------------------------------------------------------------------
AI = ["ai2011", "ai2015", "ai2019", "ai2022"]


@pytest.fixture(scope="module")
def prov():
    from spatialregion.cli import demo_provinces

    return demo_provinces()


def test_calling_convention_and_wrong_calls(prov, provinces_queen):
    """markov(data, columns, *, k=...) and spatial_markov(data, columns, *, weights=...) on a table with other columns."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SpatialRegionWarning)
        r = mk.markov(prov, AI, k=4)
        sm = mk.spatial_markov(prov, AI, k=4)  # unrelated columns (name, region, geometry) are ignored
        sm_w = mk.spatial_markov(prov, AI, weights=provinces_queen, k=4, transform="r")
        sm_name = mk.spatial_markov(prov, AI, weights="queen", k=4)
    assert r.k == 4 and r.T.sum() == 31 * 3
    np.testing.assert_array_equal(sm.T, sm_w.T)  # weights=None is queen contiguity with the island policy of build
    np.testing.assert_array_equal(sm.T, sm_name.T)
    with pytest.raises(TypeError):
        mk.markov(prov, AI, 4)  # k is keyword-only
    with pytest.raises(InputError, match="k=4"):
        mk.markov(prov, 4)
    with pytest.raises(InputError, match="list of column names"):
        mk.markov(prov, "ai2011")
    with pytest.raises(TypeError):
        mk.spatial_markov(prov, AI, provinces_queen)  # weights is keyword-only
    with pytest.raises(InputError, match="transform"):
        mk.spatial_markov(prov, AI, transform="X")
    with pytest.raises(InputError, match="lag_breaks"):
        mk.spatial_markov(prov, AI, lag_breaks="quantile")
    with pytest.raises(InputError, match="weights="):
        mk.spatial_markov(prov[AI].to_numpy(), k=4)  # an array has no geometry to build weights from
    with pytest.raises(Exception, match="GeoDataFrame"):
        mk.spatial_markov(pd.DataFrame(prov[AI]), AI, k=4)


def test_self_loops_do_not_change_spatial_counts(prov, provinces_queen):
    """One self-loop policy: w_ii is dropped (as_sparse), so a Graph with self-loops gives the same counts."""
    from libpysal.graph import Graph

    adj = provinces_queen.adjacency
    ids = provinces_queen.unique_ids
    loops = pd.Series(1.0, index=pd.MultiIndex.from_arrays([ids, ids], names=adj.index.names), name=adj.name)
    looped = Graph(pd.concat([adj, loops]).sort_index())
    assert (looped.adjacency.index.get_level_values(0) == looped.adjacency.index.get_level_values(1)).sum() == len(ids)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SpatialRegionWarning)
        a = mk.spatial_markov(prov, AI, weights=provinces_queen, k=4)
        b = mk.spatial_markov(prov, AI, weights=looped, k=4)
        c = mk.lisa_markov(prov, AI, weights=provinces_queen)
        d = mk.lisa_markov(prov, AI, weights=looped)
    np.testing.assert_array_equal(a.T, b.T)
    np.testing.assert_array_equal(a.lag_classes, b.lag_classes)
    np.testing.assert_array_equal(c.quadrants, d.quadrants)


def test_shuffled_rows_align_to_weights_by_id(prov, provinces_queen):
    """Rows in another order (and a long table) give the same counts; per-unit classes follow the ids."""
    shuffled = prov.sample(frac=1, random_state=7)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SpatialRegionWarning)
        a = mk.spatial_markov(prov, AI, weights=provinces_queen, k=4)
        b = mk.spatial_markov(shuffled, AI, weights=provinces_queen, k=4)
        long = pd.DataFrame(prov[AI]).rename_axis("pid").reset_index().melt(id_vars="pid", var_name="year", value_name="ai")
        long["year"] = long["year"].str[2:].astype(int)
        c = mk.spatial_markov(long.sample(frac=1, random_state=2), weights=provinces_queen, k=4,
                              id_column="pid", period_column="year", value_column="ai")
    np.testing.assert_array_equal(a.T, b.T)
    np.testing.assert_array_equal(a.T, c.T)
    fa, fb = a.unit_classes.to_frame(), b.unit_classes.to_frame()
    assert list(fb.index) == list(shuffled.index)
    pd.testing.assert_frame_equal(pd.DataFrame(fa.drop(columns="geometry")), pd.DataFrame(fb.drop(columns="geometry")).loc[fa.index])
    fc = c.unit_classes.to_frame()
    assert list(fc.columns[:1]) == ["pid"] and "ai_2011" in fc.columns
    np.testing.assert_array_equal(fc.loc[prov.index, "class_2022"], fa["class_ai2022"])


def test_unit_classes_carry_ids_names_values(prov, tmp_path):
    import geopandas as gpd

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SpatialRegionWarning)
        r = mk.spatial_markov(prov, AI, k=4)
    frame = r.unit_classes.to_frame()
    assert list(frame.columns[:7]) == ["adcode", "name", "name_short", *AI]
    assert list(frame.columns[7:11]) == [f"class_{c}" for c in AI]
    assert (frame["name"] == prov["name"]).all()
    np.testing.assert_array_equal(frame[AI].to_numpy(), prov[AI].to_numpy())
    back = gpd.read_file(r.unit_classes.to_gpkg(tmp_path / "c.gpkg"))
    assert {"adcode", "name", "name_short", *AI, "class_ai2022", "lag_class_ai2022"} <= set(back.columns)
    assert str(r.unit_classes.summary())
    ax = r.unit_classes.plot(labels="name_short")
    assert ax is not None
    assert r == r and r != mk.markov(prov, AI, k=4)  # results compare without raising
    import matplotlib.pyplot as plt

    plt.close("all")


def test_cli_markov_writes_ids_names_values(prov, tmp_path):
    import typer
    from typer.testing import CliRunner

    from spatialregion.commands import markov as markov_command

    app = typer.Typer()
    markov_command.register(app)
    gpkg = tmp_path / "ai.gpkg"
    prov[["adcode", "name", "name_short", *AI, "geometry"]].to_file(gpkg)
    res = CliRunner().invoke(app, ["markov", str(gpkg), "--columns", ",".join(AI), "--k", "4", "-o", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    classes = pd.read_csv(tmp_path / "out" / "markov_classes.csv", encoding="utf-8-sig")
    assert list(classes.columns[:7]) == ["adcode", "name", "name_short", *AI]
    assert classes["name"].str.contains("省|市|自治区").all() and len(classes) == 31
    tidy = pd.read_csv(tmp_path / "out" / "markov_transitions.csv", encoding="utf-8-sig")
    assert {"lag_class", "from_class", "to_class", "count", "probability"} <= set(tidy.columns)
    assert tidy["count"].sum() == 31 * 3
    assert (tmp_path / "out" / "markov_tables.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_classify_equals_searchsorted_left_with_ties_and_nan():
    """Markov class codes (comparison passes for few breaks) equal np.searchsorted(side="left"):
    a value on a break goes to the lower class; NaN to the top code, as searchsorted puts it."""
    from spatialregion.markov._classes import classify

    rng = np.random.default_rng(11)
    breaks = np.array([-1.0, -0.25, 0.25, 1.0])
    values = rng.normal(size=(500, 7))
    values[:4, 0] = breaks  # exactly on the breaks
    values[10, 3] = np.nan
    got = classify(values, breaks)
    assert got.dtype == np.int64 and got.shape == values.shape
    np.testing.assert_array_equal(got, np.searchsorted(breaks, values, side="left"))
    many = np.linspace(-2, 2, 30)  # more than 16 breaks: the binary search itself
    np.testing.assert_array_equal(classify(values, many), np.searchsorted(many, values, side="left"))
