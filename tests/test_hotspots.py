"""Tests of spatialregion.hotspots (Getis–Ord Gi*/Gi, bins, FDR, classes, emerging hot spots).

Cases covered
-------------
* z and G equal esda.G_Local within 1e-8 for transform B/R × star True/False on
  the 31 provinces (queen) and a 100×100 rook lattice (Graph and W inputs).
* Hand-computed Gi* on a 4-unit path graph (formula of Ord & Getis 1995).
* Permutation p_sim agrees with esda's p_sim in distribution (mean absolute
  difference and correlation with tolerances, "directed" = esda's definition);
  same seed ⇒ same result; p_sim in (0, 1]; thread-independence is implied by
  per-unit streams (same result with a different chunking = different n_jobs).
* Under the null (iid data) p_sim is ~uniform (KS test, tolerance).
* Gi_Bin thresholds 90/95/99 % two-sided; FDR bins equal BH step-up thresholds
  computed by hand; classes from natural breaks equal mapclassify.FisherJenks;
  user breaks; alternative greater/less/directed.
* Bad input: NaN, constant column, length mismatch, ids in another order
  (aligned by id, same numbers), unknown ids, islands (z NaN, listed), bad
  breaks / transform / alternative.
* Results: to_frame columns, GeoDataFrame with geometry, summary, style,
  plot and to_gpkg on provinces.
* Mann–Kendall S, variance with ties and Z against hand values and scipy's
  Kendall tau; every one of the 17 emerging patterns from constructed series;
  an end-to-end emerging panel (wide and long give identical results).
* Issue 12: weights as given by default ("O"): inverse-distance Gi* finite; G equal to esda's
  with the same weights, z = esda's numerator over Ord–Getis's exact variance (S1 = sum w^2),
  equal to a dense computation; binary default equals esda's binary Gi*; wrong calls (list or
  Graph as column, positional weights, bad self_weight, scheme names); id/name/value columns in
  to_frame and GeoPackage; shuffled rows and id_column align by id.
* Emerging hot spots: space-time Gi* equal to an independent dense (nT x nT) computation for
  time_step 1 and 2, weights "O" and "B"; time_step=0 equals per-period getis_ord (with FDR);
  12x12x10 synthetic cubes (block hot every other period -> persistent_hot, per period
  sporadic_hot; common upward trend -> consecutive_hot everywhere, the bin series checked
  against the documented rules); overlapping rules resolved in ArcGIS's order; Mann–Kendall
  with and without continuity correction; wide/long panels, month labels needing periods=,
  numeric periods; wrong calls; CLI `emerging` and `hotspots` CSV/GeoPackage with ids/names/values.
* Hypothesis: Gi* z invariant to affine transforms a·x + b (a > 0), and
  relabelling units permutes the outputs.
"""

from __future__ import annotations

import sqlite3
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from libpysal.graph import Graph
from libpysal.weights import lat2W
from scipy import sparse as sp
from scipy import stats

from spatialregion import hotspots as H
from spatialregion.errors import AlignmentError, ConstantError, InputError, MissingValueError, WeightsError

esda = pytest.importorskip("esda")


def _esda_g(x, w, transform, star, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return esda.G_Local(x, w, transform=transform, star=star, **kw)


@pytest.fixture(scope="module")
def lattice_graph():
    """100 x 100 rook lattice (10,000 units)."""
    return Graph.from_W(lat2W(100, 100))


# ---------------------------------------------------------------------------
# equality with esda
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("transform", ["B", "R"])
@pytest.mark.parametrize("star", [True, False])
def test_equals_esda_lattice(transform, star, lattice_graph):
    x = np.random.default_rng(1).lognormal(size=10_000)
    e = _esda_g(x, lattice_graph, transform, star, permutations=0)
    r = H.getis_ord(x, weights=lattice_graph, transform=transform, star=star, scheme=None)
    np.testing.assert_allclose(r.z, e.Zs, rtol=0, atol=1e-8)
    np.testing.assert_allclose(r.G, e.Gs, rtol=1e-10, atol=0)
    np.testing.assert_allclose(r.p, 2 * e.p_norm, rtol=1e-8, atol=1e-12)


@pytest.mark.parametrize("transform", ["B", "R"])
@pytest.mark.parametrize("star", [True, False])
def test_equals_esda_W_input(transform, star):
    x = np.random.default_rng(2).normal(size=400) + 10
    e = _esda_g(x, lat2W(20, 20), transform, star, permutations=0)
    w = lat2W(20, 20)
    before = dict(w.weights)
    r = H.getis_ord(x, weights=w, transform=transform, star=star)
    np.testing.assert_allclose(r.z, e.Zs, atol=1e-8)
    assert w.weights == before and w.transform == "O"  # caller's W untouched


@pytest.mark.parametrize("transform", ["B", "R"])
@pytest.mark.parametrize("star", [True, False])
def test_equals_esda_provinces(provinces, provinces_queen, transform, star):
    x = np.random.default_rng(3).lognormal(size=len(provinces)) * 100
    df = provinces.assign(v=x)
    e = _esda_g(x, provinces_queen, transform, star, permutations=0)
    r = H.getis_ord(df, "v", weights=provinces_queen, transform=transform, star=star)
    np.testing.assert_allclose(r.z, e.Zs, atol=1e-8)


def test_hand_computed_path_graph():
    # path 0-1-2-3, x = 1,2,3,10; Gi* binary, unit 1: neighbours {0,1,2}
    x = np.array([1.0, 2.0, 3.0, 10.0])
    g = Graph.from_arrays([0, 1, 1, 2, 2, 3], [1, 0, 2, 1, 3, 2], np.ones(6))
    r = H.getis_ord(x, weights=g, scheme=None)
    n, xbar, S = 4, x.mean(), x.std()
    W = np.array([2, 3, 3, 2.0])
    lag = np.array([3.0, 6.0, 15.0, 13.0])
    z = (lag - xbar * W) / (S * np.sqrt((n * W - W**2) / (n - 1)))
    np.testing.assert_allclose(r.z, z, atol=1e-12)
    # Gi (no self), unit 0: others {2,3,10}: mean 5, var
    r0 = H.getis_ord(x, weights=g, star=False, scheme=None)
    o = np.array([2.0, 3.0, 10.0])
    z0 = (2.0 - o.mean() * 1) / (o.std() * np.sqrt((3 * 1 - 1) / 2))
    assert r0.z[0] == pytest.approx(z0, abs=1e-12)


def test_values_summing_to_zero_give_numpy_division_semantics():
    """Centred data (sum exactly 0): G = lag / 0 is inf or NaN as in numpy, never an error from
    the compiled kernel; z is unaffected."""
    x = np.array([-1.0, 1.0, -2.0, 2.0, 0.5, -0.5])
    g = Graph.from_arrays([0, 1, 1, 2, 2, 3, 3, 4, 4, 5], [1, 0, 2, 1, 3, 2, 4, 3, 5, 4], np.ones(10))
    r = H.getis_ord(x, weights=g, scheme=None)
    lag = np.array([0.0, -2.0, 1.0, 0.5, 2.0, 0.0])  # x_i plus its path neighbours
    with np.errstate(divide="ignore", invalid="ignore"):
        np.testing.assert_array_equal(r.G, lag / 0.0)
    W = np.array([2, 3, 3, 3, 3, 2.0])
    z = lag / (x.std() * np.sqrt((6 * W - W**2) / 5))
    np.testing.assert_allclose(r.z, z, rtol=0, atol=1e-14)


def test_row_max_in_the_pass_equals_gi_weights():
    """gi_z(off, "max", x) (the default path) gives bit for bit what gi_weights' self weights give."""
    rng = np.random.default_rng(4)
    A = sp.random(300, 300, density=0.02, random_state=5, format="csr")
    A = ((A + A.T) * 0.5).tocsr()
    A.setdiag(0)
    A.eliminate_zeros()
    x = rng.lognormal(size=300)
    off, own = H.gi_weights(A)
    ref = H.gi_z(off, own, x)
    got = H.gi_z(A, "max", x)
    for key in ref:
        np.testing.assert_array_equal(got[key], ref[key])
    np.testing.assert_array_equal(got["own"], [A[[i]].toarray().max() for i in range(300)])
    with pytest.raises(InputError, match="'max'"):
        H.gi_z(A, "min", x)
    with pytest.raises(InputError, match="four cut points"):
        H.classify_z(ref["z"], [0.0, 1.0])


# ---------------------------------------------------------------------------
# permutations
# ---------------------------------------------------------------------------
@pytest.mark.slow  # esda's numba kernels compile for ~40 s on first use
def test_p_sim_agrees_with_esda_in_distribution():
    w = lat2W(30, 30)
    x = np.random.default_rng(4).lognormal(size=900)
    x[:60] += 3  # a hot corner
    e = _esda_g(x, Graph.from_W(w), "B", True, permutations=999, seed=11, n_jobs=1)
    r = H.getis_ord(x, weights=w, permutations=999, seed=5, alternative="directed")
    r2 = H.getis_ord(x, weights=w, permutations=999, seed=6, alternative="directed")
    diff = np.abs(r.p_sim - e.p_sim)
    own = np.abs(r.p_sim - r2.p_sim)  # Monte-Carlo spread between two of our own runs
    # same null distribution: ours-vs-esda differences look like ours-vs-ours
    assert diff.mean() < 1.25 * own.mean() + 0.004
    # no systematic shift; esda reuses one table of draws for all units, so its
    # mean p_sim moves by ~0.01 between seeds (0.221-0.229 for seeds 11-14)
    assert abs(np.mean(r.p_sim - e.p_sim)) < 0.015
    assert np.quantile(diff, 0.99) < 0.06
    assert np.corrcoef(r.p_sim, e.p_sim)[0, 1] > 0.99
    dz = np.abs(r.z_sim - e.z_sim)
    assert np.median(dz) < 0.05 and np.corrcoef(r.z_sim, e.z_sim)[0, 1] > 0.995
    two = H.getis_ord(x, weights=w, permutations=999, seed=5)
    np.testing.assert_allclose(two.p_sim, np.minimum(1, 2 * r.p_sim))


def test_p_sim_matches_exact_enumeration():
    """Exact conditional-permutation p by enumerating every neighbour set."""
    from itertools import combinations

    n = 9
    x = np.array([3.0, 9.0, 1.0, 7.0, 2.0, 8.0, 5.0, 4.0, 6.0])
    f = [0, 1, 1, 2, 3, 3, 3, 4]
    nb = [1, 0, 2, 1, 4, 5, 6, 3]
    g = Graph.from_arrays(f + [5, 6, 7, 8], nb + [3, 3, 8, 7], np.ones(12))
    r = H.getis_ord(x, weights=g, permutations=19999, seed=2, alternative="greater", scheme=None)
    A = g.sparse.toarray()
    for i in range(n):
        nbrs = np.nonzero(A[i])[0]
        others = np.delete(x, i)
        obs = x[nbrs].sum()
        sums = np.array([others[list(c)].sum() for c in combinations(range(n - 1), len(nbrs))])
        exact = (sums >= obs - 1e-12).mean()
        # Monte-Carlo s.d. with 19,999 draws <= 0.0036; 4.5 s.d. tolerance
        assert r.p_sim[i] == pytest.approx(exact, abs=0.017), i


def test_same_seed_same_result_and_range():
    w = lat2W(15, 15)
    x = np.random.default_rng(6).normal(size=225)
    a = H.getis_ord(x, weights=w, permutations=199, seed=42)
    b = H.getis_ord(x, weights=w, permutations=199, seed=np.random.default_rng(42))
    c = H.getis_ord(x, weights=w, permutations=199, seed=43)
    np.testing.assert_array_equal(a.p_sim, b.p_sim)
    assert not np.array_equal(a.p_sim, c.p_sim)
    assert np.all((a.p_sim > 0) & (a.p_sim <= 1))
    assert a.sims is None


def test_p_sim_uniform_under_null_and_keep_simulations():
    w = lat2W(40, 40)
    x = np.random.default_rng(7).normal(size=1600)
    r = H.getis_ord(x, weights=w, permutations=199, seed=1, alternative="greater", keep_simulations=True)
    # one-sided p under H0 ~ U(0,1) (discrete, 200 levels); KS with generous tolerance
    assert stats.kstest(r.p_sim, "uniform").statistic < 0.06
    assert r.sims.shape == (1600, 199)
    # counts re-derived from the kept simulations
    A = lat2W(40, 40).sparse
    xc = x - x.mean()
    lag_off = A @ xc
    ge = (r.sims >= lag_off[:, None] - 1e-9).sum(1)
    np.testing.assert_allclose(r.p_sim, (1 + ge) / 200)


def test_small_n_fisher_yates_path():
    # 31-like small n with many neighbours: exercises the Fisher-Yates branch
    n = 12
    d = np.abs(np.subtract.outer(np.arange(n), np.arange(n)))
    f, nb = np.nonzero((d >= 1) & (d <= 4))  # band of up to 8 neighbours out of 11
    g = Graph.from_arrays(f, nb, np.ones(f.size))
    x = np.arange(n, dtype=float)
    r = H.getis_ord(x, weights=g, permutations=999, seed=3, keep_simulations=True, scheme=None)
    assert np.isfinite(r.p_sim).all()
    # draws are distinct neighbours: simulated lag mean equals k * mean(others)
    k = r.neighbors
    xc = x - x.mean()
    exp = k * (xc.sum() - xc) / (n - 1)
    np.testing.assert_allclose(r.sims.mean(axis=1), exp, atol=0.35)


# ---------------------------------------------------------------------------
# bins, FDR, classes
# ---------------------------------------------------------------------------
def test_bins_thresholds():
    z = np.array([3.0, 2.0, 1.7, 1.0, -1.7, -2.0, -2.6, np.nan])
    p = 2 * stats.norm.sf(np.abs(z))
    np.testing.assert_array_equal(H.gi_bins(z, p), [3, 2, 1, 0, -1, -2, -3, 0])


def test_fdr_equals_bh_step_up():
    rng = np.random.default_rng(8)
    z = np.r_[rng.normal(size=200), rng.normal(3, 1, size=30)]
    p = 2 * stats.norm.sf(np.abs(z))
    got = H.gi_bins(z, p, fdr=True)
    m = p.size
    ps = np.sort(p)
    exp = np.zeros(m, dtype=int)
    for lv, a in enumerate((0.10, 0.05, 0.01), start=1):
        ok = np.nonzero(ps <= a * np.arange(1, m + 1) / m)[0]
        if ok.size:
            exp[p <= ps[ok.max()]] = lv
    np.testing.assert_array_equal(got, np.sign(z).astype(int) * exp)
    assert (np.abs(got) <= np.abs(H.gi_bins(z, p))).all()


def test_classes_natural_breaks_match_mapclassify():
    import mapclassify

    w = lat2W(12, 12)
    x = np.random.default_rng(9).lognormal(size=144)
    r = H.getis_ord(x, weights=w)
    fj = mapclassify.FisherJenks(r.z, k=5)
    np.testing.assert_allclose(r.breaks, fj.bins[:-1])
    keys = np.array(["cold", "sub_cold", "transition", "sub_hot", "hot"], dtype=object)
    np.testing.assert_array_equal(r.classes, keys[fj.yb])


def test_user_breaks_and_bad_breaks():
    w = lat2W(8, 8)
    x = np.random.default_rng(10).normal(size=64)
    r = H.getis_ord(x, weights=w, scheme="user_defined", breaks=[-1.96, -1, 1, 1.96])
    assert set(r.classes[r.z > 1.96]) <= {"hot"}
    assert set(r.classes[(r.z > -1) & (r.z <= 1)]) <= {"transition"}
    with pytest.raises(InputError, match="four increasing"):
        H.getis_ord(x, weights=w, scheme="user_defined", breaks=[1, 0, 2, 3])
    with pytest.raises(InputError, match="user_defined"):
        H.getis_ord(x, weights=w, breaks=[-1.96, -1, 1, 1.96])  # breaks without the scheme
    with pytest.raises(InputError, match="needs breaks"):
        H.getis_ord(x, weights=w, scheme="user_defined")
    with pytest.raises(InputError, match="scheme"):
        H.getis_ord(x, weights=w, scheme="natural_breaks")  # not mapclassify's name
    assert H.getis_ord(x, weights=w, scheme=None).classes is None


def test_alternatives():
    w = lat2W(8, 8)
    x = np.random.default_rng(11).normal(size=64)
    r2 = H.getis_ord(x, weights=w, alternative="two-sided")
    rg = H.getis_ord(x, weights=w, alternative="greater")
    rl = H.getis_ord(x, weights=w, alternative="less")
    np.testing.assert_allclose(rg.p + rl.p, 1)
    np.testing.assert_allclose(r2.p, 2 * np.minimum(rg.p, rl.p))
    with pytest.raises(InputError, match="alternative"):
        H.getis_ord(x, weights=w, alternative="both")
    with pytest.raises(InputError, match="transform"):
        H.getis_ord(x, weights=w, transform="V")


# ---------------------------------------------------------------------------
# bad input and alignment
# ---------------------------------------------------------------------------
def test_normal_p_values_equal_scipy():
    """p_from_z (every local statistic's analytic p) against scipy.stats.norm, to the last bit
    outside the subnormal range."""
    from spatialregion._local import p_from_z

    z = np.r_[np.random.default_rng(6).normal(scale=4, size=20_000), np.linspace(-37, 37, 7_401), 0.0, -0.0, np.nan]
    expected = {
        "two-sided": 2 * stats.norm.sf(np.abs(z)),
        "directed": stats.norm.sf(np.abs(z)),
        "greater": stats.norm.sf(z),
        "less": stats.norm.cdf(z),
    }
    for alternative, ref in expected.items():
        np.testing.assert_array_equal(p_from_z(z, alternative), ref, err_msg=alternative)


def test_bad_input():
    w = lat2W(5, 5)
    x = np.random.default_rng(12).normal(size=25)
    with pytest.raises(MissingValueError):
        H.getis_ord(np.r_[x[:-1], np.nan], weights=w)
    with pytest.raises(ConstantError):
        H.getis_ord(np.ones(25), weights=w)
    with pytest.raises(AlignmentError):
        H.getis_ord(x[:20], weights=w)
    with pytest.raises(WeightsError, match="GeoDataFrame"):
        H.getis_ord(x, weights=None)  # default queen needs geometry
    with pytest.raises(InputError, match="permutations"):
        H.getis_ord(x, weights=w, permutations=-1)


def test_ids_in_other_order_are_aligned():
    g = Graph.from_W(lat2W(6, 6))
    x = np.random.default_rng(13).normal(size=36)
    ref = H.getis_ord(pd.Series(x), weights=g, scheme=None)
    perm = np.random.default_rng(0).permutation(36)
    s = pd.Series(x[perm], index=perm)
    r = H.getis_ord(s, weights=g, scheme=None)
    np.testing.assert_allclose(r.z, ref.z[perm], atol=1e-12)
    assert list(r.to_frame().index) == list(perm)
    with pytest.raises(AlignmentError, match="not in the weights"):
        H.getis_ord(pd.Series(x, index=np.arange(36) + 100), weights=g)


def test_islands_reported_and_nan():
    f = [0, 1, 1, 2]
    nb = [1, 0, 2, 1]
    g = Graph.from_arrays(f + [3], nb + [3], [1.0, 1, 1, 1, 0])  # unit 3 isolated
    x = np.array([1.0, 5.0, 2.0, 7.0])
    for star in (True, False):
        r = H.getis_ord(x, weights=g, star=star, scheme="user_defined", breaks=[-1, -0.5, 0.5, 1])
        assert r.islands == (3,)
        assert np.isnan(r.z[3]) and r.gi_bin[3] == 0 and r.classes[3] == "no_neighbours"
        assert np.isfinite(r.z[:3]).all()
        assert "3" in str(r.summary())


# ---------------------------------------------------------------------------
# results on provinces
# ---------------------------------------------------------------------------
def test_result_frame_style_plot_gpkg(provinces, provinces_queen, tmp_path):
    import geopandas as gpd

    df = provinces.assign(v=np.random.default_rng(14).lognormal(size=len(provinces)))
    r = H.getis_ord(df, "v", weights=provinces_queen, permutations=99, seed=1)
    fr = r.to_frame()
    assert isinstance(fr, gpd.GeoDataFrame)
    assert {"GiZScore", "GiPValue", "Gi_Bin", "class", "class_zh", "class_en", "p_sim"} <= set(fr.columns)
    assert fr.index.equals(df.index)
    s = r.summary()
    assert "Gi_Bin" in str(s) and "热点" in str(s)
    assert r._style().column == "class" and r._style("Gi_Bin").column == "Gi_Bin"
    ax = r.plot()
    assert ax is not None
    path = r.to_gpkg(tmp_path / "hs.gpkg")
    back = gpd.read_file(path, layer="hotspots")
    assert len(back) == len(df)


def test_default_weights_queen(provinces):
    df = provinces.assign(v=np.arange(len(provinces), dtype=float))
    r = H.getis_ord(df, "v")
    assert r.weights_info and len(r.z) == len(df)


def _esda_as_given(x, graph):
    """esda's G_Local statistic and moments with the weights exactly as given (esda's
    constructor only offers "B"/"R", so the object is filled in and its calc() run)."""
    e = object.__new__(esda.G_Local)
    e.y, e.n, e.w, e.star = np.asarray(x, float), len(x), graph, True
    e.calc()
    return e


def test_inverse_distance_weights_as_given_vs_esda(provinces):
    """Issue 12: getis_ord(prov, col, weights=build(prov, "inverse_distance")) gives finite, correct z."""
    import spatialregion as sr

    w = sr.weights.build(provinces, "inverse_distance")
    x = np.random.default_rng(15).lognormal(size=len(provinces)) * 10
    df = provinces.assign(v=x)
    r = H.getis_ord(df, "v", weights=w)
    assert np.isfinite(r.z).all() and r.transform == "O"
    A = w.sparse.toarray()
    np.fill_diagonal(A, 0)
    own = A.max(axis=1)  # self_weight="max"
    e = _esda_as_given(x, w.assign_self_weight(own))
    np.testing.assert_allclose(r.G, e.Gs, rtol=1e-12)  # same statistic with the same weights
    # esda's variance treats the row as binary (S1_i := W_i); Ord & Getis's (and ArcGIS's) uses S1_i = sum w_ij^2:
    # the numerators agree, the variances differ by exactly that factor
    M = A + np.diag(own)
    n, W, S1 = len(x), M.sum(1), (M**2).sum(1)
    factor = np.sqrt((n * W - W**2) / (n * S1 - W**2))
    np.testing.assert_allclose(r.z, e.Zs * factor, rtol=1e-10)
    # independent dense computation of the ArcGIS formula
    z = (M @ x - x.mean() * W) / (x.std() * np.sqrt((n * S1 - W**2) / (n - 1)))
    np.testing.assert_allclose(r.z, z, rtol=1e-12)
    # the binary transform makes the (complete) graph constant: z undefined, reported
    b = H.getis_ord(df, "v", weights=w, transform="b", scheme=None)
    assert np.isnan(b.z).all() and len(b.undefined) == len(df)
    # a numeric self weight, and distance units do not matter with "max"
    one = H.getis_ord(df, "v", weights=w, self_weight=1.0)
    M1 = A + np.eye(n)
    W1, S11 = M1.sum(1), (M1**2).sum(1)
    np.testing.assert_allclose(one.z, (M1 @ x - x.mean() * W1) / (x.std() * np.sqrt((n * S11 - W1**2) / (n - 1))), rtol=1e-12)
    scaled = H.getis_ord(df, "v", weights=sp.csr_matrix(A * 1000.0))
    np.testing.assert_allclose(scaled.z, r.z, rtol=1e-10)


def test_binary_default_equals_esda_binary(provinces, provinces_queen):
    x = np.random.default_rng(16).lognormal(size=len(provinces))
    r = H.getis_ord(provinces.assign(v=x), "v")  # default: queen, transform "O" (weights 1)
    e = _esda_g(x, provinces_queen, "B", True, permutations=0)
    np.testing.assert_allclose(r.z, e.Zs, atol=1e-10)


def test_wrong_calls_and_ids(provinces, provinces_queen, tmp_path):
    import geopandas as gpd

    x = np.random.default_rng(17).lognormal(size=len(provinces))
    df = provinces.assign(v=x)
    with pytest.raises(InputError, match="one column name"):
        H.getis_ord(df, ["v"])
    with pytest.raises(InputError, match="weights="):
        H.getis_ord(df, provinces_queen)  # a Graph where the column goes
    with pytest.raises(InputError, match="not a column"):
        H.getis_ord(df, "nope")
    with pytest.raises(TypeError):
        H.getis_ord(df, "v", provinces_queen)  # weights are keyword-only
    with pytest.raises(InputError, match="self_weight"):
        H.getis_ord(df, "v", self_weight="min")
    ref = H.getis_ord(df, "v", weights=provinces_queen)
    fr = ref.to_frame()
    assert list(fr.columns[:4]) == ["adcode", "name", "name_short", "v"]
    np.testing.assert_allclose(fr["v"], x)
    # shuffled rows with the weights built on the original order: aligned by id
    perm = np.random.default_rng(0).permutation(len(df))
    sh = H.getis_ord(df.iloc[perm], "v", weights=provinces_queen)
    np.testing.assert_allclose(sh.z, ref.z[perm], atol=1e-12)
    assert list(sh.to_frame()["name"]) == list(df["name"].iloc[perm])
    # id_column: a fresh RangeIndex, units named by adcode; default queen weights built from the column
    by_code = H.getis_ord(df.iloc[perm].reset_index(drop=True), "v", id_column="adcode")
    np.testing.assert_allclose(by_code.z, ref.z[perm], atol=1e-12)
    assert list(by_code.index) == list(df["adcode"].iloc[perm])
    back = gpd.read_file(by_code.to_gpkg(tmp_path / "h.gpkg"), layer="hotspots")
    assert {"adcode", "name", "v", "GiZScore", "class_zh"} <= set(back.columns)
    np.testing.assert_allclose(back.set_index("adcode").loc[df["adcode"], "GiZScore"], ref.z, atol=1e-12)


# ---------------------------------------------------------------------------
# Mann-Kendall and emerging hot spots
# ---------------------------------------------------------------------------
def test_mann_kendall_hand_and_scipy():
    y = np.array([[1.0, 2.0, 2.0, 5.0, 4.0, 6.0]])
    mk = H.mann_kendall(y)
    # pairs: S by hand
    v = y[0]
    S = sum(np.sign(v[b] - v[a]) for a in range(6) for b in range(a + 1, 6))
    assert mk["S"][0] == S == 12
    var = (6 * 5 * 17 - 2 * 1 * 9) / 18
    assert mk["var"][0] == pytest.approx(var)
    assert mk["z"][0] == pytest.approx((S - 1) / np.sqrt(var))
    # S relates to scipy's tau-b: S = tau_b * sqrt(n0 (n0 - n_ties))
    tb = stats.kendalltau(np.arange(6), v).statistic
    n0 = 15
    assert S == pytest.approx(tb * np.sqrt(n0 * (n0 - 1)))
    flat = H.mann_kendall(np.ones((1, 5)))
    assert flat["z"][0] == 0 and flat["p"][0] == 1


T10 = 10


def _series(pattern: str):
    """hot/cold boolean series (T = 10) and trend for each target pattern."""
    H_, C_, N_ = "H", "C", "."
    table = {
        "new": ("........." + H_, 0.0, 1.0),
        "consecutive": ("......." + H_ * 3, 0.0, 1.0),
        "intensifying": (H_ * 10, 3.0, 0.001),
        "persistent": (H_ * 10, 0.5, 0.6),
        "diminishing": (H_ * 10, -3.0, 0.001),
        "sporadic": ("H..H..H..H", 0.0, 1.0),
        "oscillating": ("C..H...C.H", 0.0, 1.0),
        "historical": ("HHHHHHHHH.", -2.5, 0.01),
        "no": ("..........", 0.0, 1.0),
    }
    s, tz, tp = table[pattern]
    return np.array([c == H_ for c in s]), np.array([c == C_ for c in s]), tz, tp


@pytest.mark.parametrize(
    "name", ["new", "consecutive", "intensifying", "persistent", "diminishing", "sporadic", "oscillating", "historical"]
)
def test_all_17_patterns(name):
    hot, cold, tz, tp = _series(name)
    assert H.classify_emerging(hot, cold, tz, tp) == f"{name}_hot"
    # mirror: swap hot and cold, flip the trend
    assert H.classify_emerging(cold, hot, -tz, tp) == f"{name}_cold"


def test_no_pattern_and_keys():
    hot, cold, tz, tp = _series("no")
    assert H.classify_emerging(hot, cold, tz, tp) == "no_pattern"
    keys = {lab.key for lab in H.EMERGING_PATTERNS}
    assert len(keys) == 17 and "no_pattern" in keys


def test_pattern_edge_rules():
    # hot in 9/10 periods with the last hot and no trend: persistent (not historical)
    s = np.array([c == "H" for c in ".HHHHHHHHH"])
    assert H.classify_emerging(s, np.zeros(10, bool), 0.1, 0.9) == "persistent_hot"
    # final run of length 1 after earlier hot: sporadic, not consecutive
    s = np.array([c == "H" for c in "HH.......H"])
    assert H.classify_emerging(s, np.zeros(10, bool), 0.1, 0.9) == "sporadic_hot"
    # consecutive needs share < 90 %
    s = np.array([c == "H" for c in ".HHHHHHHHH"])
    assert H.classify_emerging(s, np.zeros(10, bool), 3.0, 0.001) == "intensifying_hot"


def test_mann_kendall_continuity_option():
    y = np.array([[1.0, 3.0, 2.0, 5.0, 4.0, 7.0, 6.0, 8.0]])
    a = H.mann_kendall(y)
    b = H.mann_kendall(y, continuity=False)
    assert a["S"][0] == b["S"][0] == 28 - 2 * 3  # 28 pairs, 3 discordant (the swapped neighbours)
    var = 8 * 7 * 21 / 18
    assert b["z"][0] == pytest.approx(22 / np.sqrt(var))
    assert a["z"][0] == pytest.approx(21 / np.sqrt(var))
    assert a["p"][0] > b["p"][0]


def _dense_space_time_gi(A, own, Y, tau):
    """Independent space-time Gi*: the full (nT x nT) weight matrix written out bin by bin."""
    n, T = Y.shape
    M = np.zeros((n * T, n * T))
    full = A + np.diag(own)
    for i in range(n):
        for t in range(T):
            for j in range(n):
                for s in range(max(0, t - tau), t + 1):
                    M[i * T + t, j * T + s] = full[i, j]
    x = Y.ravel()
    N = x.size
    xbar, S = x.mean(), np.sqrt((x**2).mean() - x.mean() ** 2)
    W = M.sum(1)
    S1 = (M**2).sum(1)
    z = (M @ x - xbar * W) / (S * np.sqrt((N * S1 - W**2) / (N - 1)))
    return z.reshape(n, T)


@pytest.mark.parametrize("tau", [1, 2])
@pytest.mark.parametrize("transform", ["O", "B"])
def test_space_time_gi_equals_dense(tau, transform):
    rng = np.random.default_rng(21)
    n, T = 16, 6
    A = np.asarray(lat2W(4, 4, rook=False).sparse.todense(), dtype=float)
    A = A * rng.uniform(0.2, 3.0, size=A.shape)  # non-binary weights, used as given with "O"
    Y = rng.lognormal(size=(n, T))
    cols = [f"y{t}" for t in range(T)]
    r = H.emerging_hotspots(pd.DataFrame(Y, columns=cols), cols, weights=A, time_step=tau, transform=transform)
    Ab = (A > 0).astype(float) if transform == "B" else A
    own = np.ones(n) if transform == "B" else Ab.max(axis=1)
    ref = _dense_space_time_gi(Ab, own, Y, tau)
    np.testing.assert_allclose(r.z, ref, rtol=0, atol=1e-10)
    np.testing.assert_allclose(r.p, 2 * stats.norm.sf(np.abs(ref)), atol=1e-12)
    mk = H.mann_kendall(ref)
    np.testing.assert_allclose(r.trend_z, mk["z"], atol=1e-12)


def test_time_step_zero_is_per_period_gi():
    rng = np.random.default_rng(22)
    w = lat2W(6, 6)
    Y = rng.normal(size=(36, 5))
    cols = list("abcde")
    r = H.emerging_hotspots(pd.DataFrame(Y, columns=cols), cols, weights=w, time_step=0, fdr=True)
    for t in range(5):
        g = H.getis_ord(Y[:, t], weights=w, scheme=None, fdr=True)
        np.testing.assert_allclose(r.z[:, t], g.z, atol=1e-12)
        np.testing.assert_array_equal(r.gi_bin[:, t], g.gi_bin)
    assert "each period separately" in str(r.summary())


_LATTICE12 = Graph.from_W(lat2W(12, 12, rook=False))
_BLOCK = [r * 12 + c for r in range(4, 8) for c in range(4, 8)]
_CENTRE = [5 * 12 + 5, 5 * 12 + 6, 6 * 12 + 5, 6 * 12 + 6]
_COLS = [f"y{2013 + t}" for t in range(10)]


def test_block_hot_every_other_period():
    """Block of 4x4 cells raised in periods 1, 3, ..., 9 (the last included) on a 12x12 queen lattice."""
    rng = np.random.default_rng(0)
    Y = rng.normal(0, 1, (144, 10))
    Y[np.ix_(_BLOCK, range(1, 10, 2))] += 4
    df = pd.DataFrame(Y, columns=_COLS)
    st = H.emerging_hotspots(df, _COLS, weights=_LATTICE12)  # time_step=1
    per = H.emerging_hotspots(df, _COLS, weights=_LATTICE12, time_step=0)
    for i in _CENTRE:
        # space-time: an off period's neighbourhood holds the hot previous period -> hot in >= 90 % of periods,
        # no significant trend -> persistent (ArcGIS's rule 4)
        hot = st.gi_bin[i] >= 1
        assert 10 * hot.sum() >= 9 * 10 and st.trend_p[i] > 0.05
        assert st.pattern[i] == "persistent_hot"
        # per period: hot only in the raised periods (5 of 10, the last one included), never cold -> sporadic
        hot0 = per.gi_bin[i] >= 1
        np.testing.assert_array_equal(hot0, np.arange(10) % 2 == 1)
        assert not (per.gi_bin[i] <= -1).any() and per.pattern[i] == "sporadic_hot"


def test_common_upward_trend():
    """Every cell rises by 1 s.d. per period: no cluster within a period, but the cube's late bins are hot."""
    rng = np.random.default_rng(1)
    Y = rng.normal(0, 1, (144, 10)) + np.arange(10.0)[None, :]
    df = pd.DataFrame(Y, columns=_COLS)
    st = H.emerging_hotspots(df, _COLS, weights=_LATTICE12)
    assert (st.pattern == "consecutive_hot").all()
    for i in range(144):
        hot = st.gi_bin[i] >= 1
        run = 10 - np.flatnonzero(~hot).max() - 1
        # rule 2: one uninterrupted final run of >= 2 hot periods, never hot before it, < 90 % hot;
        # the early cold periods make rule 7 (oscillating) hold too, but consecutive comes first
        assert run >= 2 and hot.sum() == run and hot.sum() < 9 and (st.gi_bin[i, :3] <= -1).all()
    per = H.emerging_hotspots(df, _COLS, weights=_LATTICE12, time_step=0)
    assert (per.pattern == "no_pattern").mean() > 0.85  # per-period means remove the common trend


@pytest.mark.parametrize(
    "hot, cold, tz, tp, expected",
    [
        ("C........H", "", 0.0, 1.0, "new_hot"),  # never hot before (cold before is allowed)
        ("C......HHH", "", 0.0, 1.0, "consecutive_hot"),
        ("C.H....H.H", "", 0.0, 1.0, "oscillating_hot"),
        (".HHHHHHHHH", "", 0.0, 0.9, "persistent_hot"),
        ("HHHHHHHHH.", "", 0.0, 0.9, "persistent_hot"),  # ArcGIS's persistent rule has no final-period clause
        ("HHHHHHHHH.", "", -2.5, 0.01, "historical_hot"),
        ("HHHHHHHHH.", "", 2.5, 0.01, "historical_hot"),
        ("HHHHHHHHHC", "", 0.0, 0.5, "persistent_hot"),  # hot rules come before cold ones
        ("H........H", "", 0.0, 1.0, "sporadic_hot"),
        ("H.........", "", 0.0, 1.0, "no_pattern"),  # ArcGIS's sporadic needs the final period
    ],
)
def test_documented_order(hot, cold, tz, tp, expected):
    h = np.array([c == "H" for c in hot])
    c = np.array([ch == "C" for ch in hot])
    assert H.classify_emerging(h, c, tz, tp) == expected


def test_emerging_wide_long_periods_and_units(provinces, provinces_queen, tmp_path):
    import geopandas as gpd

    rng = np.random.default_rng(3)
    cols = [f"v{y}" for y in range(2015, 2021)]
    wide = provinces.assign(**{c: rng.lognormal(size=len(provinces)) for c in cols})
    r = H.emerging_hotspots(wide, cols, weights=provinces_queen)
    fr = r.to_frame()
    assert list(fr.columns[:3]) == ["adcode", "name", "name_short"] and set(cols) <= set(fr.columns)
    assert isinstance(fr, gpd.GeoDataFrame)
    back = gpd.read_file(r.to_gpkg(tmp_path / "e.gpkg"), layer="emerging_hotspots")
    assert {"adcode", "name", "pattern", "pattern_zh"} <= set(back.columns) and len(back) == 31
    assert "Space-time Gi*" in str(r.summary()) and "ArcGIS" in str(r.summary())
    # default weights (queen from the geometry) = the fixture's queen graph
    np.testing.assert_allclose(H.emerging_hotspots(wide, cols).z, r.z, atol=1e-12)
    # long form, rows shuffled, periods as month labels that sort wrongly as text
    months = [f"{m}月" for m in (1, 2, 3, 10, 11, 12)]
    long = pd.DataFrame(
        {
            "adcode": np.repeat(wide["adcode"].to_numpy(), 6),
            "month": np.tile(months, 31),
            "v": wide[cols].to_numpy().ravel(),
        }
    ).sample(frac=1.0, random_state=1)
    g = provinces_queen
    ids = dict(zip(wide.index, wide["adcode"]))
    g_ad = Graph.from_arrays(
        [ids[f] for f in g.adjacency.index.get_level_values(0)],
        [ids[j] for j in g.adjacency.index.get_level_values(1)],
        g.adjacency.to_numpy(),
    )
    with pytest.raises(InputError, match="periods="):
        H.emerging_hotspots(long, weights=g_ad, id_column="adcode", period_column="month", value_column="v")
    rl = H.emerging_hotspots(long, weights=g_ad, id_column="adcode", period_column="month", value_column="v", periods=months)
    pos = pd.Index(rl.index).get_indexer(wide["adcode"])
    np.testing.assert_allclose(rl.z[pos], r.z, atol=1e-12)
    np.testing.assert_array_equal(rl.pattern[pos], r.pattern)
    # numeric period labels are ordered as numbers
    ln = long.assign(month=long["month"].str.rstrip("月").astype(int))
    rn = H.emerging_hotspots(ln, weights=g_ad, id_column="adcode", period_column="month", value_column="v")
    assert rn.periods == (1, 2, 3, 10, 11, 12)
    np.testing.assert_allclose(rn.z, rl.z, atol=1e-12)


def test_emerging_wrong_calls():
    g = _LATTICE12
    df = pd.DataFrame(np.random.default_rng(4).normal(size=(144, 5)), columns=list("abcde"))
    with pytest.raises(InputError, match="columns"):
        H.emerging_hotspots(df, weights=g)
    with pytest.raises(InputError, match="list of column names"):
        H.emerging_hotspots(df, "a", weights=g)
    with pytest.raises(InputError, match="time_step"):
        H.emerging_hotspots(df, list("abcde"), weights=g, time_step=5)
    with pytest.raises(InputError, match="alpha"):
        H.emerging_hotspots(df, list("abcde"), weights=g, alpha=0.2)
    with pytest.raises(TypeError):
        H.emerging_hotspots(df, list("abcde"), g)  # weights are keyword-only


def test_cli_emerging_and_hotspots(provinces, tmp_path):
    from typer.testing import CliRunner

    from spatialregion import cli

    cli._register_all()
    rng = np.random.default_rng(5)
    cols = ["v2019", "v2020", "v2021", "v2022"]
    src = tmp_path / "panel.gpkg"
    provinces.assign(**{c: rng.lognormal(size=len(provinces)) for c in cols}).to_file(src, layer="units")
    out = tmp_path / "em"
    res = CliRunner().invoke(cli.app, ["emerging", str(src), *cols, "--out", str(out)])
    assert res.exit_code == 0, res.output + repr(res.exception)
    table = pd.read_csv(out / "emerging.csv", encoding="utf-8-sig")
    assert list(table.columns[:3]) == ["adcode", "name", "name_short"]
    assert {*cols, "pattern", "pattern_zh", "MK_Z", "GiZ_v2022"} <= set(table.columns) and len(table) == 31
    assert (out / "emerging.png").stat().st_size > 0
    with sqlite3.connect(out / "emerging.gpkg") as con:
        assert ("emerging",) in con.execute("select f_table_name from layer_styles").fetchall()
    out2 = tmp_path / "hs"
    res = CliRunner().invoke(cli.app, ["hotspots", str(src), "v2022", "--out", str(out2)])
    assert res.exit_code == 0, res.output + repr(res.exception)
    table = pd.read_csv(out2 / "hotspots.csv", encoding="utf-8-sig")
    assert list(table.columns[:4]) == ["adcode", "name", "name_short", "v2022"] and "GiZScore" in table.columns


# ---------------------------------------------------------------------------
# properties
# ---------------------------------------------------------------------------
_W6 = Graph.from_W(lat2W(6, 6))


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.floats(-1e3, 1e3, allow_nan=False), min_size=36, max_size=36).filter(lambda v: np.ptp(v) > 1e-3),
    st.floats(0.01, 100),
    st.floats(-1e3, 1e3),
)
def test_affine_invariance(values, a, b):
    x = np.array(values)
    z1 = H.getis_ord(x, weights=_W6, scheme=None).z
    z2 = H.getis_ord(a * x + b, weights=_W6, scheme=None).z
    np.testing.assert_allclose(z1, z2, atol=1e-6)


@settings(max_examples=15, deadline=None)
@given(st.permutations(list(range(36))))
def test_relabelling_permutes(perm):
    x = np.sin(np.arange(36.0)) + np.arange(36.0) / 10
    ref = H.getis_ord(pd.Series(x), weights=_W6, scheme=None)
    perm = np.array(perm)
    r = H.getis_ord(pd.Series(x[perm], index=perm), weights=_W6, scheme=None)
    np.testing.assert_allclose(r.z, ref.z[perm], atol=1e-10)


def test_natural_breaks_exact_up_to_max_sample_then_stated_sample():
    """Up to 10,000 finite z the classes are exact Fisher–Jenks (equal to mapclassify on the full z);
    above, the breaks come from 10,000 evenly spaced order statistics and the summary says so."""
    import mapclassify
    from spatialregion.hotspots._kernels import NATURAL_BREAKS_MAX_SAMPLE

    assert NATURAL_BREAKS_MAX_SAMPLE == 10_000
    z = np.random.default_rng(21).normal(size=3_000)
    np.testing.assert_allclose(H.natural_breaks(z), mapclassify.FisherJenks(z, k=5).bins[:-1], rtol=1e-12)
    side = 101  # 10,201 units > 10,000
    x = np.random.default_rng(22).lognormal(size=side * side)
    r = H.getis_ord(x, weights=lat2W(side, side))
    assert r.breaks_sample == 10_000
    v = np.sort(r.z[np.isfinite(r.z)])
    sample = v[np.round(np.linspace(0, v.size - 1, 10_000)).astype(np.int64)]
    from spatialregion._classify import fisher_jenks_bins

    np.testing.assert_array_equal(r.breaks, fisher_jenks_bins(sample, 5)[:-1])

    def within_ss(cuts):  # the Fisher-Jenks objective on the sample
        cls = np.searchsorted(np.asarray(cuts), sample)
        return sum(((sample[cls == c] - sample[cls == c].mean()) ** 2).sum() for c in range(5))

    # mapclassify's breaks differ in one cut by 3e-4 here; ours have the smaller (optimal) within-class SS
    assert within_ss(r.breaks) <= within_ss(mapclassify.FisherJenks(sample, k=5).bins[:-1]) * (1 + 1e-12)
    assert any("10,000 evenly spaced order statistics" in note for note in r.summary().notes)
    small = H.getis_ord(x[:144], weights=lat2W(12, 12))
    assert small.breaks_sample is None
    assert not any("order statistics" in note for note in small.summary().notes)
    # NaN and infinite z are left out; the breaks are those of the finite values
    noisy = np.r_[np.inf, z[:1500], np.nan, -np.inf, z[1500:], np.nan]
    np.testing.assert_array_equal(H.natural_breaks(noisy), H.natural_breaks(z))
    with pytest.raises(InputError, match="at least 5 distinct z values, got 4"):
        H.natural_breaks(np.r_[np.repeat([1.0, 2.0, 3.0, 4.0], 5_000), np.nan, np.inf])
