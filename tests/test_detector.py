"""Tests of spatialregion.detector (geographic detector).

Cases covered
-------------
* Peer: the `geodetector` PyPI package on its bundled example data (disease.csv, 185 units,
  factors type/region/level): factor q and p (1e-8), interaction q12 (1e-8) and types,
  ecological F and p (1e-8), risk-detector Welch t and p (1e-8); continuous factors
  discretised by quantiles / equal_interval / fisher_jenks give the same strata and q/p as the package;
  the optimal discretisation picks the same method and k.
* Hand-computed: q = 0.8 on a 4-unit table; λ = 1.6; F = 8; p from the Poisson-mixture series
  of the non-central F (scipy.special.betainc), independent of scipy.stats.ncf.
  ``singletons="keep"`` on a hand table (Wang 2010 formula with σ_h² = 0); the risk detector
  skips one-member strata and its Welch t/p equal scipy.stats.ttest_ind;
  std_mean equals mapclassify.StdMean (edges and classes for k = 3…6); std_mean and geometric
  break edges by formula.
* Interaction-type rules at and around every boundary.
* Properties (hypothesis): q ∈ [0, 1]; q invariant to relabelling strata, to permuting units and
  to positive affine transforms of y; q = 1 when y is constant within strata.
* Bad input: NaN in y or a factor, constant y, single stratum, singleton strata with
  ``singletons="raise"``, continuous factor without discretisation, unknown columns/schemes
  (old names such as "quantile" included), the old positional factors, a list as column,
  optimal search with no admissible candidate.
* Result object: summary renders (text/HTML/LaTeX/CSV), interaction matrices are symmetric,
  to_frame is the tidy factor table, strata keep the index, to_gpkg raises (a table result), plots draw.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special, stats

from spatialregion import detector as D
from spatialregion.errors import ConstantError, InputError, MissingValueError

geodetector = pytest.importorskip("geodetector")

FACTORS = ["type", "region", "level"]
TYPE_CODES = {0: "nonlinear_weaken", 1: "univariate_weaken", 2: "bivariate_enhance", 3: "independent", 4: "nonlinear_enhance"}


@pytest.fixture(scope="module")
def disease():
    return geodetector.dataset.load_disease()


@pytest.fixture(scope="module")
def ours(disease):
    return D.geodetector(disease, "incidence", factors=FACTORS)


@pytest.fixture(scope="module")
def peer(disease):
    return geodetector.GeoDetector(factors=FACTORS, target="incidence").fit(disease)


# -- peer comparison -----------------------------------------------------------
def test_factor_q_and_p_equal_geodetector(ours, peer):
    ref = peer.q_values_.set_index("variable")
    np.testing.assert_allclose(ours.factor.loc[FACTORS, "q"], ref.loc[FACTORS, "q_value"], rtol=0, atol=1e-8)
    np.testing.assert_allclose(ours.factor.loc[FACTORS, "p"], ref.loc[FACTORS, "p_value"], rtol=0, atol=1e-8)
    assert (ours.factor["n_excluded"] == 0).all()


def test_interaction_q_and_types_equal_geodetector(ours, peer):
    q_ref = peer.interaction_q_
    t_ref = peer.interaction_type_
    for (a, b), row in ours.interaction.iterrows():
        assert row["q12"] == pytest.approx(q_ref.loc[a, b], abs=1e-8)
        assert row["type"] == TYPE_CODES[int(t_ref.loc[a, b])]
    mat = ours.interaction_matrix()
    np.testing.assert_allclose(mat.loc[FACTORS, FACTORS].to_numpy(dtype=float), q_ref.loc[FACTORS, FACTORS].to_numpy(), atol=1e-8)


def test_ecological_equal_geodetector(ours, peer):
    ref = peer.ecological_result_.set_index(["factor_1", "factor_2"])
    for key, row in ours.ecological.iterrows():
        assert row["F"] == pytest.approx(ref.loc[key, "f_stat"], abs=1e-8)
        assert row["p"] == pytest.approx(ref.loc[key, "p_value"], abs=1e-8)
        assert row["significant"] == ref.loc[key, "significant"]


def test_risk_equal_geodetector(ours, peer):
    for f in FACTORS:
        ref = peer.risk_result_[f].set_index(["stratum_1", "stratum_2"])
        got = ours.risk_tests[f].set_index(["stratum_1", "stratum_2"])
        assert len(got) == len(ref)
        np.testing.assert_allclose(got.loc[ref.index, "t"], ref["t_stat"], atol=1e-8)
        np.testing.assert_allclose(got.loc[ref.index, "p"], ref["p_value"], atol=1e-8)
        # stratum means by plain groupby
        disease = peer._data_cache
        means = disease.groupby(f)["incidence"].mean()
        np.testing.assert_allclose(ours.risk_means[f].loc[means.index, "mean"], means, atol=1e-12)


PEER_METHOD = {"quantiles": "quantile", "equal_interval": "equal", "fisher_jenks": "natural"}


@pytest.mark.parametrize("scheme", ["quantiles", "equal_interval", "fisher_jenks"])
def test_discretised_continuous_factor_equals_geodetector(scheme):
    rng = np.random.default_rng(7)
    x = rng.gamma(2.0, size=150)
    y = x + rng.normal(size=150)
    df = pd.DataFrame({"y": y, "x": x})
    method = PEER_METHOD[scheme]
    assert (D.discretize(x, scheme=scheme, k=5).codes == geodetector.discretize(x, discretize_method=method, n_strata=5)).all()
    assert (D.discretize(df, "x", scheme=scheme, k=5).codes == D.discretize(x, scheme=scheme, k=5).codes).all()
    fd = geodetector.FactorDetector(discretize_method=method, n_strata=5).fit(df[["x"]], df["y"])
    r = D.geodetector(df, "y", factors=["x"], scheme=scheme, k=5)
    assert r.factor.at["x", "q"] == pytest.approx(fd.q_value_, abs=1e-8)
    assert r.factor.at["x", "p"] == pytest.approx(fd.p_value_, abs=1e-8)


def test_optimal_discretisation_matches_geodetector():
    rng = np.random.default_rng(11)
    x = rng.gamma(2.0, size=120)
    y = np.sin(x) + rng.normal(scale=0.3, size=120)
    od = geodetector.OptimalDiscretizer(discretize_methods=["quantile", "equal", "natural"], k_range=(3, 6))
    od.fit(pd.DataFrame({"x": x}), y)
    d, table = D.optimal_discretization(pd.DataFrame({"y": y, "x": x}), "y", factor="x",
                                        schemes=["quantiles", "equal_interval", "fisher_jenks"], k_range=(3, 6), min_size=2)
    assert (PEER_METHOD[d.scheme], d.k) == (od.best_method_["x"], od.best_k_["x"])
    assert table["q"].where(table["admissible"]).max() == pytest.approx(od.best_q_["x"], abs=1e-8)
    assert len(table) == 3 * 4


# -- hand-computed -------------------------------------------------------------
def _ncf_sf_series(f, v1, v2, lam, terms=200):
    """P(F' > f) as a Poisson mixture of regularised incomplete beta functions."""
    x = v1 * f / (v1 * f + v2)
    j = np.arange(terms)
    logw = -lam / 2 + j * np.log(lam / 2) - special.gammaln(j + 1)
    cdf = np.sum(np.exp(logw) * special.betainc(v1 / 2 + j, v2 / 2, x))
    return 1 - cdf


def test_hand_computed_q_lambda_f_p():
    y = np.array([1.0, 2.0, 3.0, 4.0])
    r = D.q_kernel(y, np.array([0, 0, 1, 1]))
    # SST = 5, SSW = 0.5 + 0.5 = 1 → q = 0.8
    assert r["q"] == pytest.approx(0.8, abs=1e-14)
    # λ = (1.5² + 3.5² − (√2·1.5 + √2·3.5)²/4) / (5/4) = (14.5 − 12.5) / 1.25 = 1.6
    assert r["lam"] == pytest.approx(1.6, abs=1e-12)
    # F = (N−L)/(L−1) · q/(1−q) = 2 · 4 = 8
    assert r["F"] == pytest.approx(8.0, abs=1e-12)
    assert r["p"] == pytest.approx(_ncf_sf_series(8.0, 1, 2, 1.6), abs=1e-10)


def test_singletons_policies_by_hand():
    df = pd.DataFrame({"y": [1.0, 2.0, 3.0, 4.0, 10.0], "x": ["a", "a", "b", "b", "c"]})
    keep = D.geodetector(df, "y", factors=["x"], singletons="keep")
    # keep: SSW = 1 (σ_c² = 0), SST = Σ(y−4)² = 9+4+1+0+36 = 50 → q = 0.98
    assert keep.factor.at["x", "q"] == pytest.approx(0.98, abs=1e-14)
    drop = D.geodetector(df, "y", factors=["x"], singletons="drop")
    # drop: the 'c' unit is excluded → q = 0.8 on the first four
    assert drop.factor.at["x", "q"] == pytest.approx(0.8, abs=1e-14)
    assert drop.factor.at["x", "n_excluded"] == 1 and drop.factor.at["x", "n"] == 4
    assert drop.factor.at["x", "q"] == pytest.approx(geodetector.q_statistic(df["y"].to_numpy(), pd.factorize(df["x"])[0]), abs=1e-12)
    with pytest.raises(InputError, match="single member"):
        D.geodetector(df, "y", factors=["x"], singletons="raise")
    # the risk detector leaves the one-member stratum out of the t tests: only a vs b
    tests = keep.risk_tests["x"]
    assert list(zip(tests["stratum_1"], tests["stratum_2"])) == [("a", "b")]
    ref = stats.ttest_ind([1.0, 2.0], [3.0, 4.0], equal_var=False)
    assert tests["t"].iloc[0] == pytest.approx(ref.statistic, abs=1e-12)
    assert tests["p"].iloc[0] == pytest.approx(ref.pvalue, abs=1e-12)
    assert keep.risk_means["x"].loc["c", "n"] == 1


@pytest.mark.parametrize(("k", "multiples"), [(5, [-2, -1, 1, 2]), (4, [-1, 0, 1]), (3, [-1, 1]), (6, [-2, -1, 0, 1, 2])])
def test_std_mean_equals_mapclassify(k, multiples):
    mapclassify = pytest.importorskip("mapclassify")
    x = np.random.default_rng(5).normal(10, 3, size=400)
    ref = mapclassify.StdMean(x, multiples=multiples)
    d = D.discretize(x, scheme="std_mean", k=k)
    inner = ref.bins[(ref.bins >= x.min()) & (ref.bins < x.max())]
    np.testing.assert_allclose(d.breaks[1:-1], inner, rtol=0, atol=1e-12)
    # the same classes as mapclassify's yb (right-closed); classes below min are dropped, so shift
    shift = int((ref.bins < x.min()).sum())
    assert (d.codes == ref.yb - shift).all()


def test_std_and_geometric_edges():
    x = np.array([1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    d = D.discretize(x, scheme="std_mean", k=4)
    m, s = x.mean(), x.std(ddof=1)
    np.testing.assert_allclose(d.breaks, [1, m - s, m, m + s, 10])
    g = D.discretize(x, scheme="geometric", k=2)
    np.testing.assert_allclose(g.breaks, [1, np.sqrt(10), 10])
    assert (g.codes == (x > np.sqrt(10)).astype(int)).all()
    e = D.discretize(x, scheme="equal_interval", k=3)
    np.testing.assert_allclose(e.breaks, [1, 4, 7, 10])
    assert e.counts.tolist() == [4, 3, 3]


@pytest.mark.parametrize(
    ("q1", "q2", "q12", "key"),
    [
        (0.3, 0.4, 0.2, "nonlinear_weaken"),
        (0.3, 0.4, 0.3, "univariate_weaken"),
        (0.3, 0.4, 0.35, "univariate_weaken"),
        (0.3, 0.4, 0.4, "univariate_weaken"),
        (0.3, 0.4, 0.5, "bivariate_enhance"),
        (0.3, 0.4, 0.7, "independent"),
        (0.3, 0.4, 0.7 + 5e-11, "independent"),
        (0.3, 0.4, 0.7 - 1e-6, "bivariate_enhance"),
        (0.3, 0.4, 0.75, "nonlinear_enhance"),
        (0.0, 0.0, 0.0, "independent"),
    ],
)
def test_interaction_type_rules(q1, q2, q12, key):
    assert D.interaction_type(q1, q2, q12) == key


# -- properties ----------------------------------------------------------------
@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.floats(-100, 100, allow_nan=False), min_size=6, max_size=30),
    st.integers(0, 2**31 - 1),
    st.floats(0.1, 10),
    st.floats(-50, 50),
)
def test_q_invariances(values, seed, a, b):
    y = np.asarray(values)
    if np.ptp(y) < 1e-6:
        return
    rng = np.random.default_rng(seed)
    codes = rng.integers(0, 3, size=y.size)
    if np.unique(codes).size < 2:
        return
    q = D.q_kernel(y, codes)["q"]
    assert 0.0 <= q <= 1.0
    perm = rng.permutation(y.size)
    assert D.q_kernel(y[perm], codes[perm])["q"] == pytest.approx(q, abs=1e-9)
    relabel = np.array([2, 0, 1])[codes]
    assert D.q_kernel(y, relabel)["q"] == pytest.approx(q, abs=1e-9)
    assert D.q_kernel(a * y + b, codes)["q"] == pytest.approx(q, abs=1e-7)
    means = np.array([y[codes == h].mean() if (codes == h).any() else 0 for h in range(3)])
    assert D.q_kernel(means[codes] + 0.0, codes)["q"] == pytest.approx(1.0) or np.ptp(means[codes]) == 0


# -- bad input -----------------------------------------------------------------
def test_bad_input(disease):
    df = disease.copy()
    df.loc[3, "type"] = np.nan
    with pytest.raises(MissingValueError, match="type"):
        D.geodetector(df, "incidence", factors=FACTORS)
    df = disease.copy()
    df.loc[5, "incidence"] = np.nan
    with pytest.raises(MissingValueError, match="incidence"):
        D.geodetector(df, "incidence", factors=FACTORS)
    df = disease.assign(one=1)
    with pytest.raises(ConstantError, match="single stratum"):
        D.geodetector(df, "incidence", factors=["one"])
    with pytest.raises(ConstantError, match="constant"):
        D.geodetector(disease.assign(incidence=2.0), "incidence", factors=FACTORS)
    with pytest.raises(InputError, match="continuous"):
        D.geodetector(disease.assign(cont=np.linspace(0, 1, len(disease))), "incidence", factors=["cont"])
    with pytest.raises(InputError, match="not in the data"):
        D.geodetector(disease, "incidence", factors=["nope"])
    with pytest.raises(InputError, match="scheme"):
        D.geodetector(disease.assign(cont=np.linspace(0, 1, len(disease))), "incidence", factors=["cont"], scheme="natural")
    with pytest.raises(InputError, match="scheme"):
        D.geodetector(disease, "incidence", factors=["type"], scheme={"nope": "quantiles"})
    with pytest.raises(InputError, match="min_size"):
        D.optimal_discretization(disease.assign(x2=disease["incidence"] * 2), "incidence", factor="x2", k_range=(8, 8), min_size=60)
    with pytest.raises(InputError, match="k="):
        D.discretize([1.0, 2, 3], scheme="quantiles", k=1)
    with pytest.raises(InputError, match="scheme"):
        D.discretize([1.0, 2, 3], scheme="quantile")  # mapclassify's name is "quantiles"
    # the old positional form fails loudly
    with pytest.raises(TypeError):
        D.geodetector(disease, "incidence", FACTORS)
    with pytest.raises(InputError, match="one column name"):
        D.geodetector(disease, ["incidence"], factors=FACTORS)
    with pytest.raises(InputError, match="factors=\\['type'\\]"):
        D.geodetector(disease, "incidence", factors="type")


def test_inputs_unchanged_and_index_kept(disease):
    before = disease.copy()
    df = disease.set_index(pd.Index([f"u{i}" for i in range(len(disease))]))
    r = D.geodetector(df, "incidence", factors=FACTORS)
    pd.testing.assert_frame_equal(disease, before)
    assert r.strata.index.equals(df.index)
    assert r.to_frame()["factor"].tolist() == FACTORS  # a tidy table, one row per factor


# -- result object -------------------------------------------------------------
def test_summary_and_plots(ours):
    s = ours.summary()
    text = str(s)
    assert "Factor detector" in text and "双因子增强" in text
    assert s.to_html() and s.to_latex() and s.to_csv()
    mat = ours.interaction_matrix()
    np.testing.assert_allclose(mat.to_numpy(dtype=float), mat.to_numpy(dtype=float).T)
    pytest.importorskip("spatialregion.maps")
    assert ours.plot(kind="factor") is not None
    assert ours.plot(kind="interaction") is not None


def test_table_result_contract(ours, tmp_path):
    from spatialregion.results import TableResult

    assert isinstance(ours, TableResult)
    with pytest.raises(InputError, match="to_csv"):
        ours.to_gpkg(tmp_path / "d.gpkg")
    frame = ours.to_frame()
    assert list(frame.columns[:4]) == ["factor", "q", "F", "p"]
    assert ours == ours and not (ours == D.geodetector(ours.strata, "incidence", factors=["type"]))


# -- CLI -------------------------------------------------------------------------
def test_cli_detector(disease, tmp_path):
    import typer
    from typer.testing import CliRunner

    from spatialregion.commands import detector as cmd

    app = typer.Typer()

    @app.callback()
    def _group() -> None:  # keep sub-command mode with a single command
        pass

    cmd.register(app)
    csv = tmp_path / "disease.csv"
    disease.to_csv(csv, index=False)
    res = CliRunner().invoke(app, ["detector", str(csv), "-c", "incidence", "-f", "type,region,level", "-o", str(tmp_path / "o"), "--no-figure"])
    assert res.exit_code == 0, res.output
    fac = pd.read_csv(tmp_path / "o" / "detector_factor.csv", encoding="utf-8-sig").set_index("factor")
    ref = D.geodetector(disease, "incidence", factors=FACTORS).factor
    np.testing.assert_allclose(fac.loc[FACTORS, "q"], ref["q"], atol=1e-12)
    assert "Interaction detector" in res.output
