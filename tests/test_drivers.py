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
* Rank consistency (two scales: type by the sign of rank_index − rank_reference, level by
  |diff| <= threshold): hand-computed ranks, differences, types and levels; ties share the best
  rank; reference given as ranks; counts by region; the AI-index paper's 2022 table (the AI rank
  computed from datasets.ai_index() equals the printed rank; every type/level follows from the
  printed ranks; regional counts); threshold validation, NaN; frame/summary/style/GeoPackage with
  ids and names.
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
    return Dr.random_forest_drivers(synthetic, "y", factors=["x1", "x2", "x3"], groups="grp", n_estimators=30, permutations=5,
                                    scheme="quantiles", k=4, seed=3)


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
    r = Dr.random_forest_drivers(df, "y", factors=["x1", "flat"], groups="grp", n_estimators=20, permutations=3, scheme=None, seed=1)
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
    again = Dr.random_forest_drivers(synthetic, "y", factors=["x1", "x2", "x3"], groups="grp", n_estimators=30, permutations=5,
                                     scheme="quantiles", k=4, seed=3)
    pd.testing.assert_frame_equal(again.importance, fitted.importance)
    pd.testing.assert_frame_equal(again.predictions, fitted.predictions)


def test_kmeans_blocks(provinces):
    b1 = Dr.spatial_blocks(provinces, n_blocks=5, seed=0)
    b2 = Dr.spatial_blocks(provinces, n_blocks=5, seed=0)
    assert (b1 == b2).all() and set(b1) == set(range(5))
    gdf = provinces[["geometry"]].copy()
    rng = np.random.default_rng(0)
    gdf["x"] = rng.normal(size=len(gdf))
    gdf["y"] = 2 * gdf["x"] + rng.normal(scale=0.1, size=len(gdf))
    r = Dr.random_forest_drivers(gdf, "y", factors=["x"], n_blocks=4, n_estimators=20, permutations=2, scheme=None, seed=5)
    assert r.cv["n_test"].sum() == len(gdf) and len(r.cv) == 4
    assert r.predictions.index.equals(gdf.index) and set(r.predictions["block"]) == set(range(4))
    assert r.to_frame()["factor"].tolist() == ["x"]  # a table result: the importance table
    with pytest.raises(InputError, match="n_blocks"):
        Dr.spatial_blocks(provinces, n_blocks=1)


def test_q_comparison_and_spearman(synthetic):
    q = pd.DataFrame({"q": [0.9, 0.1, 0.5, 0.3]}, index=["x1", "x2", "x3", "x4"])
    df = synthetic.assign(x4=synthetic["x2"] * 0.5 + synthetic["x1"] * 0.1)
    r = Dr.random_forest_drivers(df, "y", factors=["x1", "x2", "x3", "x4"], groups="grp", n_estimators=30, permutations=3,
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
        Dr.random_forest_drivers(synthetic, "y", factors=["zz"], groups="grp")
    with pytest.raises(TypeError):  # factors are keyword-only
        Dr.random_forest_drivers(synthetic, "y", ["x1"], groups="grp")
    with pytest.raises(MissingValueError, match="x2"):
        Dr.random_forest_drivers(synthetic.assign(x2=np.r_[np.nan, synthetic["x2"][1:]]), "y", factors=["x2"], groups="grp")
    with pytest.raises(ConstantError):
        Dr.random_forest_drivers(synthetic.assign(y=1.0), "y", factors=["x1"], groups="grp")
    with pytest.raises(InputError, match="single group"):
        Dr.random_forest_drivers(synthetic.assign(grp="a"), "y", factors=["x1"], groups="grp")
    with pytest.raises(InputError, match="GeoDataFrame"):
        Dr.random_forest_drivers(synthetic, "y", factors=["x1"])
    real_import = builtins.__import__

    def no_sklearn(name, *args, **kwargs):
        if name == "sklearn" or name.startswith("sklearn."):
            raise ImportError("no sklearn")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_sklearn)
    with pytest.raises(ImportError, match=r"spatialregion\[ml\]"):
        Dr.random_forest_drivers(synthetic, "y", factors=["x1"], groups="grp")


# -- rank consistency -----------------------------------------------------------
def test_rank_consistency_by_hand():
    df = pd.DataFrame({"idx": [5.0, 4, 3, 2, 1], "gdp": [1.0, 2, 3, 4, 5]}, index=list("ABCDE"))
    r = Dr.rank_consistency(df, "idx", reference="gdp", threshold=2)
    f = r.frame
    assert f["rank_index"].tolist() == [1, 2, 3, 4, 5]
    assert f["rank_reference"].tolist() == [5, 4, 3, 2, 1]
    assert f["diff"].tolist() == [-4, -2, 0, 2, 4]  # rank_index − rank_reference
    assert f["type"].tolist() == ["ahead", "ahead", "in_step", "lagging", "lagging"]
    assert f["type_zh"].tolist() == ["超前", "超前", "同步", "滞后", "滞后"]
    assert f["level"].tolist() == ["low", "high", "high", "high", "low"]  # |diff| <= 2
    assert f["level_zh"].tolist() == ["一致性水平较低", "一致性水平较高", "一致性水平较高", "一致性水平较高", "一致性水平较低"]
    tied = Dr.rank_consistency(pd.DataFrame({"a": [3.0, 3, 1], "b": [1.0, 2, 3]}), "a", reference="b", threshold=1)
    assert tied.frame["rank_index"].tolist() == [1, 1, 3]
    # ranks of b: (3, 2, 1) → diff = (−2, −1, 2)
    assert tied.frame["diff"].tolist() == [-2, -1, 2]
    assert tied.frame["type"].tolist() == ["ahead", "ahead", "lagging"]
    assert tied.frame["level"].tolist() == ["low", "high", "low"]
    assert "Spearman" in str(r.summary())


def test_rank_consistency_reference_ranks_and_regions():
    df = pd.DataFrame({"idx": [9.0, 7, 8, 1], "gdp_rank": [1, 3, 2, 4], "region": ["东部", "东部", "西部", "西部"],
                       "code": ["a", "b", "c", "d"]})
    r = Dr.rank_consistency(df, "idx", reference="gdp_rank", reference_ranks=True, threshold=0, region_column="region", id_column="code")
    assert r.frame["diff"].tolist() == [0, 0, 0, 0] and set(r.frame["type"]) == {"in_step"}
    df["gdp_rank"] = [2, 1, 3, 4]
    r = Dr.rank_consistency(df, "idx", reference="gdp_rank", reference_ranks=True, threshold=0, region_column="region", id_column="code")
    assert r.frame["diff"].tolist() == [-1, 2, -1, 0]
    table = r.by_region()
    assert table.loc["东部", ["超前", "同步", "滞后"]].tolist() == [1, 0, 1]
    assert table.loc["西部", ["超前", "同步", "滞后", "一致性水平较高", "一致性水平较低"]].tolist() == [1, 1, 0, 1, 1]
    assert table.loc["合计 total", "units"] == 4
    assert r.to_frame().columns[:3].tolist() == ["code", "idx", "gdp_rank"]
    with pytest.raises(InputError, match="rank 1"):
        Dr.rank_consistency(df.assign(gdp_rank=[1, 2, 3, 9]), "idx", reference="gdp_rank", reference_ranks=True)


def test_rank_consistency_paper_table_2022():
    """The AI-index paper's Table 6 (2022): ranks recomputed from datasets.ai_index() and the printed GDP ranks."""
    from spatialregion import datasets

    ranks = datasets.ai_gdp_pc_ranks()
    df = datasets.ai_index().merge(ranks, on="province", validate="one_to_one")
    assert len(df) == 31
    r = Dr.rank_consistency(df, "ai2022", reference="gdp_pc_rank_2022", reference_ranks=True, id_column="province",
                            region_column="region")
    f = r.frame
    # the AI rank computed from the printed index equals the printed AI rank
    assert (f["rank_index"].to_numpy() == df["ai_rank_2022"].to_numpy()).all()
    # each province's type and level follow from the printed ranks (independent computation)
    d = df["ai_rank_2022"].to_numpy() - df["gdp_pc_rank_2022"].to_numpy()
    expect_type = np.select([d < 0, d == 0], ["超前", "同步"], "滞后")
    expect_level = np.where(np.abs(d) <= 3, "一致性水平较高", "一致性水平较低")
    assert (f["type_zh"].to_numpy() == expect_type).all() and (f["level_zh"].to_numpy() == expect_level).all()
    assert f.set_index(df["province"]).loc["海南", "diff"] == 2 - 21  # AI rank 2, GDP-per-capita rank 21
    table = r.by_region()
    counts = pd.crosstab(df["region"], expect_type)
    for region in ("东部", "中部", "西部"):
        for t in ("超前", "同步", "滞后"):
            assert table.loc[region, t] == counts.loc[region].get(t, 0)
    assert table.loc["合计 total", "units"] == 31 and table.loc[["东部", "中部", "西部"], "units"].tolist() == [11, 8, 12]


def test_rank_consistency_bad_input():
    df = pd.DataFrame({"a": [1.0, 2, 3], "b": [1.0, np.nan, 3]})
    with pytest.raises(MissingValueError, match="'b'|b"):
        Dr.rank_consistency(df, "a", reference="b")
    for bad in (1.5, -1, True):
        with pytest.raises(InputError, match="threshold"):
            Dr.rank_consistency(df.fillna(0), "a", reference="b", threshold=bad)
    with pytest.raises(InputError, match="same column"):
        Dr.rank_consistency(df, "a", reference="a")
    with pytest.raises(InputError, match="not a column"):
        Dr.rank_consistency(df, "a", reference="zz")
    with pytest.raises(TypeError):  # reference is keyword-only
        Dr.rank_consistency(df, "a", "b")


def test_rank_consistency_geometry(provinces, tmp_path):
    gdf = provinces[["name_short", "geometry"]].copy()
    gdf["idx"] = np.arange(len(gdf), dtype=float)
    gdf["gdp"] = np.arange(len(gdf), dtype=float)[::-1]
    r = Dr.rank_consistency(gdf, "idx", reference="gdp")
    frame = r.to_frame()
    assert frame.crs == gdf.crs and frame.index.equals(gdf.index)
    assert frame.columns[:3].tolist() == ["name_short", "idx", "gdp"]
    style = r._style()
    assert [c.value for c in style.classes] == ["ahead", "in_step", "lagging"] or [c.value for c in style.classes] == ["ahead", "lagging"]
    assert r._style("level").column == "level"
    import geopandas as gpd

    layer = gpd.read_file(r.to_gpkg(tmp_path / "rank.gpkg"), layer="rankconsistency")
    assert layer["name_short"].tolist() == gdf["name_short"].tolist() and (layer["diff"] == r.frame["diff"].to_numpy()).all()


@pytest.mark.slow
def test_plots(fitted, provinces):
    """Importance bars, partial-dependence panels, and a rank-consistency map (slow: fonts, maps)."""
    assert fitted.plot(kind="importance") is not None
    assert fitted.plot(kind="partial_dependence") is not None
    gdf = provinces[["geometry"]].assign(idx=np.arange(len(provinces), dtype=float), gdp=np.arange(len(provinces), dtype=float)[::-1])
    r = Dr.rank_consistency(gdf, "idx", reference="gdp")
    assert r.plot() is not None and r.plot(kind="level") is not None
