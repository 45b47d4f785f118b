"""Tests of spatialregion.drivers (random-forest drivers, rank consistency).

Cases covered
-------------
* Random forest on synthetic data (y = 3·x1 + small noise, x2/x3 pure noise, 6 spatial groups):
  x1 ranks first by permutation and impurity importance; the noise factors' permutation
  importance is near 0; the partial dependence of y on x1 rises with x1 (Spearman > 0.9).
* A factor the forest cannot split on (constant) has exactly zero permutation and impurity
  importance — the permutation machinery changes nothing it should not.
* Blocked CV: every fold holds out whole groups (n_test = group size, test groups never in
  training), each unit predicted once; k-means blocks from a GeoDataFrame (n_blocks labels,
  deterministic for a seed); the same seed gives identical results.
* The q comparison: q and q ranks taken from a supplied detector result; Spearman ρ equals the
  textbook 1 − 6Σd²/(n(n²−1)) for untied ranks; by default the detector is run.
* Bad input: unknown columns, NaN, constant response, one group, no geometry and no groups,
  scikit-learn missing (clear ImportError naming the ``ml`` extra).
* Rank consistency: hand-computed ranks, differences and classes (threshold 2), ties share the
  lowest rank, threshold validation, NaN; result frame/summary/style with geometry.
"""

from __future__ import annotations

import builtins
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from spatialregion import drivers as Dr
from spatialregion.errors import ConstantError, InputError, MissingValueError

pytest.importorskip("sklearn")


@pytest.fixture(scope="module")
def synthetic():
    rng = np.random.default_rng(42)
    n = 60
    df = pd.DataFrame(
        {
            "x1": rng.uniform(0, 10, n),
            "x2": rng.normal(size=n),
            "x3": rng.normal(size=n),
            "grp": np.repeat(list("abcdef"), 10),
        }
    )
    df["y"] = 3 * df["x1"] + rng.normal(scale=0.1, size=n)
    return df


@pytest.fixture(scope="module")
def fitted(synthetic):
    return Dr.random_forest_drivers(synthetic, "y", ["x1", "x2", "x3"], groups="grp", n_estimators=30, permutations=5,
                                    discretize="quantiles", k=4, seed=3)


def test_signal_factor_dominates(fitted):
    imp = fitted.importance
    assert imp.loc["x1", "permutation_rank"] == 1 and imp.loc["x1", "impurity_rank"] == 1
    assert imp.loc["x1", "permutation"] > 1.0  # shuffling x1 destroys the fit (R² drop > 1)
    assert abs(imp.loc["x2", "permutation"]) < 0.05 and abs(imp.loc["x3", "permutation"]) < 0.05
    assert imp["impurity"].sum() == pytest.approx(1.0)
    pdp = fitted.partial_dependence["x1"]
    assert len(pdp) == 20
    from scipy.stats import spearmanr

    assert spearmanr(pdp["value"], pdp["average"])[0] > 0.9
    assert fitted.cv["r2"].min() > 0.8


def test_constant_factor_has_zero_importance(synthetic):
    df = synthetic.assign(flat=1.0)
    r = Dr.random_forest_drivers(df, "y", ["x1", "flat"], groups="grp", n_estimators=20, permutations=3, discretize=None, seed=1)
    assert r.importance.loc["flat", "permutation"] == 0.0
    assert r.importance.loc["flat", "permutation_sd"] == 0.0
    assert r.importance.loc["flat", "impurity"] == 0.0
    assert r.rank_correlation.empty


def test_blocked_folds(fitted, synthetic):
    cv = fitted.cv
    assert len(cv) == 6 and (cv["n_test"] == 10).all() and (cv["n_train"] == 50).all()
    assert sorted(cv["test_blocks"]) == [str(i) for i in range(6)]
    pred = fitted.predictions
    assert pred.index.equals(synthetic.index)
    codes = pd.factorize(synthetic["grp"], sort=True)[0]
    assert (pred["block"].to_numpy() == codes).all()
    np.testing.assert_allclose(pred["residual"], pred["y"] - pred["prediction"])


def test_same_seed_same_result(synthetic, fitted):
    again = Dr.random_forest_drivers(synthetic, "y", ["x1", "x2", "x3"], groups="grp", n_estimators=30, permutations=5,
                                     discretize="quantiles", k=4, seed=3)
    pd.testing.assert_frame_equal(again.importance, fitted.importance)
    pd.testing.assert_frame_equal(again.predictions, fitted.predictions)


def test_kmeans_blocks(provinces):
    b1 = Dr.spatial_blocks(provinces, 5, seed=0)
    b2 = Dr.spatial_blocks(provinces, 5, seed=0)
    assert (b1 == b2).all() and set(b1) == set(range(5))
    gdf = provinces[["geometry"]].copy()
    rng = np.random.default_rng(0)
    gdf["x"] = rng.normal(size=len(gdf))
    gdf["y"] = 2 * gdf["x"] + rng.normal(scale=0.1, size=len(gdf))
    r = Dr.random_forest_drivers(gdf, "y", ["x"], n_blocks=4, n_estimators=20, permutations=2, discretize=None, seed=5)
    assert r.cv["n_test"].sum() == len(gdf) and len(r.cv) == 4
    assert r.to_frame().crs == provinces.crs
    assert r._style().column == "block"
    with pytest.raises(InputError, match="n_blocks"):
        Dr.spatial_blocks(provinces, 1)


def test_q_comparison_and_spearman(synthetic):
    q = pd.DataFrame({"q": [0.9, 0.1, 0.5, 0.3]}, index=["x1", "x2", "x3", "x4"])
    df = synthetic.assign(x4=synthetic["x2"] * 0.5 + synthetic["x1"] * 0.1)
    r = Dr.random_forest_drivers(df, "y", ["x1", "x2", "x3", "x4"], groups="grp", n_estimators=30, permutations=3,
                                 detector=SimpleNamespace(factor=q), seed=2)
    imp = r.importance.loc[["x1", "x2", "x3", "x4"]]
    assert imp["q_rank"].tolist() == [1, 4, 2, 3]
    for kind in ("permutation", "impurity"):
        d = imp[f"{kind}_rank"] - imp["q_rank"]
        if imp[f"{kind}_rank"].nunique() == 4:
            rho = 1 - 6 * (d**2).sum() / (4 * (16 - 1))
            got = r.rank_correlation.set_index("importance").loc[kind, "spearman_rho"]
            assert got == pytest.approx(rho, abs=1e-12)


def test_detector_run_by_default(fitted):
    assert {"q", "q_rank"} <= set(fitted.importance.columns)
    assert set(fitted.rank_correlation["importance"]) == {"permutation", "impurity"}
    s = fitted.summary()
    assert "Spearman" in str(s) and s.to_html()


def test_drivers_bad_input(synthetic, monkeypatch):
    with pytest.raises(InputError, match="not in the data"):
        Dr.random_forest_drivers(synthetic, "y", ["zz"], groups="grp")
    with pytest.raises(MissingValueError, match="x2"):
        Dr.random_forest_drivers(synthetic.assign(x2=np.r_[np.nan, synthetic["x2"][1:]]), "y", ["x2"], groups="grp")
    with pytest.raises(ConstantError):
        Dr.random_forest_drivers(synthetic.assign(y=1.0), "y", ["x1"], groups="grp")
    with pytest.raises(InputError, match="single group"):
        Dr.random_forest_drivers(synthetic.assign(grp="a"), "y", ["x1"], groups="grp")
    with pytest.raises(InputError, match="GeoDataFrame"):
        Dr.random_forest_drivers(synthetic, "y", ["x1"])
    real_import = builtins.__import__

    def no_sklearn(name, *args, **kwargs):
        if name == "sklearn" or name.startswith("sklearn."):
            raise ImportError("no sklearn")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_sklearn)
    with pytest.raises(ImportError, match=r"spatialregion\[ml\]"):
        Dr.random_forest_drivers(synthetic, "y", ["x1"], groups="grp")


# -- rank consistency -----------------------------------------------------------
def test_rank_consistency_by_hand():
    df = pd.DataFrame({"idx": [5.0, 4, 3, 2, 1], "gdp": [1.0, 2, 3, 4, 5]}, index=list("ABCDE"))
    r = Dr.rank_consistency(df, "idx", "gdp", threshold=2)
    f = r.frame
    assert f["rank_index"].tolist() == [1, 2, 3, 4, 5]
    assert f["rank_reference"].tolist() == [5, 4, 3, 2, 1]
    assert f["diff"].tolist() == [4, 2, 0, -2, -4]
    assert f["class"].tolist() == ["ahead", "ahead", "in_step", "lagging", "lagging"]
    assert f["class_zh"].tolist() == ["超前", "超前", "同步", "滞后", "滞后"]
    tied = Dr.rank_consistency(pd.DataFrame({"a": [3.0, 3, 1], "b": [1.0, 2, 3]}), "a", "b", threshold=1)
    assert tied.frame["rank_index"].tolist() == [1, 1, 3]
    # ranks of b: (3, 2, 1) → diff = (2, 1, −2)
    assert tied.frame["class"].tolist() == ["ahead", "ahead", "lagging"]
    assert "Spearman" in str(r.summary())


def test_rank_consistency_bad_input():
    df = pd.DataFrame({"a": [1.0, 2, 3], "b": [1.0, np.nan, 3]})
    with pytest.raises(MissingValueError, match="'b'|b"):
        Dr.rank_consistency(df, "a", "b")
    for bad in (0, 1.5, -1, True):
        with pytest.raises(InputError, match="threshold"):
            Dr.rank_consistency(df.fillna(0), "a", "b", threshold=bad)
    with pytest.raises(InputError, match="same column"):
        Dr.rank_consistency(df, "a", "a")
    with pytest.raises(InputError, match="not in the data"):
        Dr.rank_consistency(df, "a", "zz")


def test_rank_consistency_geometry(provinces, tmp_path):
    gdf = provinces[["name_short", "geometry"]].copy()
    gdf["idx"] = np.arange(len(gdf), dtype=float)
    gdf["gdp"] = np.arange(len(gdf), dtype=float)[::-1]
    r = Dr.rank_consistency(gdf, "idx", "gdp")
    frame = r.to_frame()
    assert frame.crs == gdf.crs and frame.index.equals(gdf.index)
    style = r._style()
    assert [c.value for c in style.classes] == ["lagging", "in_step", "ahead"]
    assert r.to_gpkg(tmp_path / "rank.gpkg").exists()


@pytest.mark.slow
def test_plots(fitted, provinces):
    """Importance bars, partial-dependence panels, and a rank-consistency map (slow: fonts, maps)."""
    assert fitted.plot(kind="importance") is not None
    assert fitted.plot(kind="partial_dependence") is not None
    gdf = provinces[["geometry"]].assign(idx=np.arange(len(provinces), dtype=float), gdp=np.arange(len(provinces), dtype=float)[::-1])
    assert Dr.rank_consistency(gdf, "idx", "gdp").plot() is not None
