"""Tests of spatialregion.indices (entropy weights, entropy-TOPSIS, coupling coordination).

Cases covered
-------------
* Hand-computed 3 × 3 table (two benefit, one cost indicator): entropies
  e = 1/3 + (2/3)·ln 1.5 / ln 3 and 0, weights, scores; TOPSIS distances and closeness by
  their closed form; the shift variant and the vector-normalised TOPSIS against plain loops.
* Panels: pooled long panel = cross-section of the stacked rows (scores indexed by (id, period),
  to_frame one row per unit with score_<period>); shuffled rows give the same result; per-period =
  separate cross-sections; id_column carried through and checked for duplicated (id, period)
  pairs and unbalanced panels; the old positional directions and two-level columns raise.
* Properties (hypothesis): weights sum to 1 and lie in [0, 1]; invariance to positive affine
  rescaling of an indicator (min–max) and to positive scaling (x/max); flipping a direction
  equals negating the column; permuting rows permutes scores and keeps weights.
* Coupling coordination: hand values for both variants (2 and 3 subsystems), sqrt = standard / n,
  C = 1 for equal subsystems, class boundaries at 0.1 steps (incl. 0.3, 0.7, 1.0), all-zero rows.
* BTH example: P1/P2 (pooled entropy within each chain), U (sqrt variant) and D for 13 cities ×
  4 years pinned against an independent plain-numpy computation (1e-12); loose sanity check
  against the paper (Beijing U ≈ 0.50, Tianjin D 2023 ≈ 0.42, within 0.1).
* Bad input: constant indicator (ConstantError; constant="zero" gives weight 0), negative values
  with normalize="max", NaN, bad directions / shift / choices, single row, U outside [0, 1],
  subsystems passed the old way (separate arguments), bad coefficients.
* Result objects: summaries render, to_frame keeps index and geometry, styles, GeoPackage;
  maps of a cross-section and of one period of a long panel (slow).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from spatialregion import indices as I
from spatialregion import labels
from spatialregion.errors import AlignmentError, ConstantError, InputError, MissingValueError

X3 = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [1.0, 1.0, 4.0], "c": [3.0, 2.0, 1.0]})
E1 = 1 / 3 + (2 / 3) * np.log(1.5) / np.log(3)  # entropy of p = (0, 1/3, 2/3)


def cc(*u, **kw):
    """coupling_coordination of subsystems given as lists (columns U1, U2, ...)."""
    frame = pd.DataFrame({f"U{i + 1}": v for i, v in enumerate(u)})
    return I.coupling_coordination(frame, list(frame.columns), **kw)


def cc_frame(frame, **kw):
    frame = frame.rename(columns=str)
    return I.coupling_coordination(frame, list(frame.columns), **kw)


# -- hand-computed -------------------------------------------------------------
def test_entropy_hand_table():
    r = I.entropy_weights(X3, directions="++-")
    # z: a = (0, .5, 1); b = (0, 0, 1); c (cost) = (3 - x)/2 = (0, .5, 1)
    np.testing.assert_allclose(r.normalized.to_numpy(), [[0, 0, 0], [0.5, 0, 0.5], [1, 1, 1]], atol=1e-15)
    np.testing.assert_allclose(r.entropy, [E1, 0.0, E1], atol=1e-14)
    d = np.array([1 - E1, 1.0, 1 - E1])
    np.testing.assert_allclose(r.divergence, d, atol=1e-14)
    np.testing.assert_allclose(r.indicator_weights, d / d.sum(), atol=1e-14)
    w = d / d.sum()
    np.testing.assert_allclose(r.scores, [0.0, 0.5 * (w[0] + w[2]), 1.0], atol=1e-14)
    assert list(r.table["direction"]) == ["+", "+", "-"]


def test_entropy_shift_against_plain_loop():
    s = 0.01
    r = I.entropy_weights(X3, directions={"c": "-"}, shift=s)
    z = np.array([[0, 0, 0], [0.5, 0, 0.5], [1, 1, 1]]) + s
    e = []
    for j in range(3):
        p = z[:, j] / z[:, j].sum()
        e.append(-sum(pi * np.log(pi) for pi in p) / np.log(3))
    d = 1 - np.array(e)
    np.testing.assert_allclose(r.indicator_weights, d / d.sum(), atol=1e-14)


def test_topsis_hand_table():
    t = I.entropy_topsis(X3, directions="++-")
    w = I.entropy_weights(X3, directions="++-").indicator_weights.to_numpy()
    z = np.array([[0, 0, 0], [0.5, 0, 0.5], [1, 1, 1]])
    dp = np.sqrt(((w * (1 - z)) ** 2).sum(axis=1))  # ideal = w (column max of w·z)
    dm = np.sqrt(((w * z) ** 2).sum(axis=1))  # anti-ideal = 0
    np.testing.assert_allclose(t.d_plus, dp, atol=1e-14)
    np.testing.assert_allclose(t.d_minus, dm, atol=1e-14)
    np.testing.assert_allclose(t.closeness, dm / (dp + dm), atol=1e-14)
    assert t.rank.tolist() == [3, 2, 1]


def test_topsis_vector_against_plain_loop():
    rng = np.random.default_rng(3)
    x = pd.DataFrame(rng.uniform(1, 10, size=(7, 4)), columns=list("pqrs"))
    dirs = ["+", "-", "+", "-"]
    t = I.entropy_topsis(x, directions=dirs, normalization="vector")
    w = t.indicator_weights.to_numpy()
    closeness = []
    for i in range(7):
        dp = dm = 0.0
        for j in range(4):
            col = x.iloc[:, j].to_numpy()
            v = w[j] * col / np.sqrt((col**2).sum())
            best, worst = (v.max(), v.min()) if dirs[j] == "+" else (v.min(), v.max())
            dp += (v[i] - best) ** 2
            dm += (v[i] - worst) ** 2
        closeness.append(np.sqrt(dm) / (np.sqrt(dp) + np.sqrt(dm)))
    np.testing.assert_allclose(t.closeness, closeness, atol=1e-13)


# -- panels --------------------------------------------------------------------
def _panel(rng, n=6, periods=(2015, 2020, 2025)):
    rows = []
    for p in periods:
        for u in range(n):
            rows.append({"unit": f"u{u}", "year": p, "a": rng.normal(), "b": rng.uniform(0, 5), "c": rng.gamma(2)})
    return pd.DataFrame(rows)


def _key(long):
    return pd.MultiIndex.from_frame(long[["unit", "year"]])


def test_pooled_panel_equals_stacked_cross_section(rng):
    long = _panel(rng)
    pooled = I.entropy_weights(long, ["a", "b", "c"], directions="+-+", id_column="unit", period_column="year")
    cross = I.entropy_weights(long, ["a", "b", "c"], directions="+-+")
    np.testing.assert_allclose(pooled.indicator_weights, cross.indicator_weights, atol=1e-14)
    # per-observation scores are indexed by (id, period), units in order of appearance, periods in time order
    assert pooled.scores.index.names == ["unit", "year"]
    assert pooled.scores.index[:3].tolist() == [("u0", 2015), ("u0", 2020), ("u0", 2025)]
    np.testing.assert_allclose(pooled.scores.loc[_key(long)], cross.scores, atol=1e-14)
    # to_frame: one row per unit, one score column per period
    frame = pooled.to_frame()
    assert list(frame.columns) == ["unit", "score_2015", "score_2020", "score_2025"]
    expect = long.assign(score=cross.scores).pivot(index="unit", columns="year", values="score")
    np.testing.assert_allclose(frame[["score_2015", "score_2020", "score_2025"]].to_numpy(), expect.loc[frame.index].to_numpy(), atol=1e-14)


def test_shuffled_long_panel_gives_the_same_result(rng):
    long = _panel(rng)
    r = I.entropy_topsis(long, ["a", "b", "c"], id_column="unit", period_column="year")
    shuffled = long.sample(frac=1.0, random_state=1)
    rs = I.entropy_topsis(shuffled, ["a", "b", "c"], id_column="unit", period_column="year")
    np.testing.assert_allclose(rs.closeness.loc[r.closeness.index], r.closeness, atol=1e-14)
    assert list(rs.periods) == [2015, 2020, 2025]


def test_per_period_equals_separate_cross_sections(rng):
    long = _panel(rng)
    per = I.entropy_weights(long, ["a", "b", "c"], id_column="unit", period_column="year", panel="per_period")
    assert per.indicator_weights.shape == (3, 3)
    for year, sub in long.groupby("year"):
        one = I.entropy_weights(sub, ["a", "b", "c"])
        np.testing.assert_allclose(per.indicator_weights[year], one.indicator_weights, atol=1e-14)
        np.testing.assert_allclose(per.scores.loc[_key(sub)], one.scores, atol=1e-14)
    top = I.entropy_topsis(long, ["a", "b", "c"], id_column="unit", period_column="year", panel="per_period")
    for year in (2015, 2020, 2025):
        assert sorted(top.rank.xs(year, level="year")) == list(range(1, 7))


def test_id_column(rng):
    from spatialregion.errors import DuplicateIdError

    long = _panel(rng, n=4, periods=(1, 2))
    r = I.entropy_weights(long, ["a", "b", "c"], id_column="unit", period_column="year")
    frame = r.to_frame()
    assert frame["unit"].tolist() == ["u0", "u1", "u2", "u3"]
    table = r.summary().frames()["Composite score per unit"]
    assert table.loc["u2", 2] == pytest.approx(r.scores[("u2", 2)])
    with pytest.raises(DuplicateIdError, match="u0"):
        I.entropy_weights(pd.concat([long, long.iloc[:1]], ignore_index=True), ["a"], id_column="unit", period_column="year")
    with pytest.raises(InputError, match="id_column"):
        I.entropy_weights(long, ["a", "b"], id_column="nope")
    with pytest.raises(InputError, match="id_column"):
        I.entropy_weights(long, ["a", "b"], period_column="year")
    with pytest.raises(MissingValueError, match="balance"):
        I.entropy_weights(long.iloc[1:], ["a", "b"], id_column="unit", period_column="year")
    cross = long[long["year"] == 1]
    rc = I.entropy_weights(cross, ["a", "b", "c"], id_column="unit")
    assert rc.to_frame().columns[:4].tolist() == ["unit", "a", "b", "c"]


def test_old_calls_fail_clearly():
    with pytest.raises(InputError, match="list of column names.*'\\+\\+-'"):
        I.entropy_weights(X3, "++-")  # directions are keyword-only now
    wide = pd.concat({"a": X3[["a", "b"]], "b": X3[["a", "b"]]}, axis=1)
    with pytest.raises(InputError, match="long panel"):
        I.entropy_weights(wide)


# -- properties ----------------------------------------------------------------
matrices = arrays(
    np.float64,
    st.tuples(st.integers(3, 12), st.integers(2, 5)),
    elements=st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False),
)


def _ok(x: np.ndarray) -> bool:
    return bool((np.ptp(x, axis=0) > 1e-6 * (1 + np.abs(x).max())).all())


@settings(max_examples=50, deadline=None)
@given(matrices, st.floats(0.01, 100), st.floats(-100, 100), st.integers(0, 2**31 - 1))
def test_entropy_properties(x, a, b, seed):
    if not _ok(x):
        return
    df = pd.DataFrame(x, columns=[f"x{j}" for j in range(x.shape[1])])
    r = I.entropy_weights(df)
    w = r.indicator_weights.to_numpy()
    assert w.sum() == pytest.approx(1.0, abs=1e-12)
    assert ((w >= 0) & (w <= 1)).all()
    assert ((r.scores >= -1e-12) & (r.scores <= 1 + 1e-12)).all()
    # positive affine rescaling of one indicator leaves min–max results unchanged
    scaled = df.assign(x0=a * df["x0"] + b)
    np.testing.assert_allclose(I.entropy_weights(scaled).indicator_weights, w, atol=1e-8)
    # flipping a direction equals negating the column
    flipped = I.entropy_weights(df, directions={"x1": "-"})
    negated = I.entropy_weights(df.assign(x1=-df["x1"]))
    np.testing.assert_allclose(flipped.indicator_weights, negated.indicator_weights, atol=1e-12)
    np.testing.assert_allclose(flipped.scores, negated.scores, atol=1e-12)
    # permuting rows permutes scores, keeps weights
    perm = np.random.default_rng(seed).permutation(len(df))
    rp = I.entropy_weights(df.iloc[perm])
    np.testing.assert_allclose(rp.indicator_weights, w, atol=1e-12)
    np.testing.assert_allclose(rp.scores.to_numpy(), r.scores.to_numpy()[perm], atol=1e-12)


@settings(max_examples=30, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(3, 10), st.integers(2, 4)), elements=st.floats(0.1, 1e3)), st.floats(0.01, 100))
def test_max_normalisation_scale_invariance(x, a):
    if not _ok(x):
        return
    df = pd.DataFrame(x, columns=[f"x{j}" for j in range(x.shape[1])])
    r = I.entropy_weights(df, normalize="max")
    r2 = I.entropy_weights(df.assign(x0=a * df["x0"]), normalize="max")
    np.testing.assert_allclose(r2.indicator_weights, r.indicator_weights, atol=1e-9)
    assert r.indicator_weights.sum() == pytest.approx(1.0)


@settings(max_examples=50, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 8), st.integers(2, 4)), elements=st.floats(0, 1)))
def test_coupling_properties(u):
    k = u.shape[1]
    std = cc_frame(pd.DataFrame(u))
    sq = cc_frame(pd.DataFrame(u), variant="sqrt")
    assert ((std.c >= 0) & (std.c <= 1 + 1e-12)).all()
    np.testing.assert_allclose(sq.c, std.c / k, atol=1e-12)
    np.testing.assert_allclose(std.d, np.sqrt(std.c * u.mean(axis=1)), atol=1e-12)
    rev = cc_frame(pd.DataFrame(u[:, ::-1]))
    np.testing.assert_allclose(rev.d, std.d, atol=1e-12)


# -- coupling by hand ------------------------------------------------------------
def test_coupling_hand_values():
    r = cc([0.25, 0.5], [1.0, 0.5])
    # standard: C = 2·√0.25/1.25 = 0.8; T = 0.625; D = √0.5
    np.testing.assert_allclose(r.c, [0.8, 1.0], atol=1e-15)
    np.testing.assert_allclose(r.t, [0.625, 0.5], atol=1e-15)
    np.testing.assert_allclose(r.d, [np.sqrt(0.5), np.sqrt(0.5)], atol=1e-15)
    assert r.klass.tolist() == ["intermediate_coordination"] * 2
    s = cc([0.25, 0.5], [1.0, 0.5], variant="sqrt")
    np.testing.assert_allclose(s.c, [0.4, 0.5], atol=1e-15)
    np.testing.assert_allclose(s.d, [0.5, 0.5], atol=1e-15)
    assert s.klass.tolist() == ["barely_coordinated"] * 2
    three = cc([0.2], [0.4], [0.8], coefficients=[0.5, 0.25, 0.25])
    c = 3 * (0.2 * 0.4 * 0.8) ** (1 / 3) / 1.4
    assert three.c.iloc[0] == pytest.approx(c, abs=1e-14)
    assert three.t.iloc[0] == pytest.approx(0.1 + 0.1 + 0.2, abs=1e-14)
    assert three.d.iloc[0] == pytest.approx(np.sqrt(c * 0.4), abs=1e-14)
    zero = cc([0.0, 0.0], [0.0, 0.3])
    assert zero.c.tolist() == [0.0, 0.0] and zero.d.tolist() == [0.0, 0.0]


def test_coupling_class_boundaries():
    d = np.array([0.0, 0.0999999, 0.1, 0.3, 0.1 + 0.2, 0.6, 0.7, 0.89999, 0.9, 0.99, 1.0])
    assert I.coupling_class(d).tolist() == [0, 0, 1, 3, 3, 6, 7, 8, 9, 9, 9]
    assert [x.zh for x in labels.COUPLING_CLASSES][0] == "极度失调"
    r = cc([0.09, 1.0], [0.09, 1.0])  # D = √(1·0.09) = 0.3 exactly in theory
    assert r.klass.tolist() == ["mild_imbalance", "quality_coordination"]
    frame = r.to_frame()
    assert frame["class_zh"].tolist() == ["轻度失调", "优质协调"]
    assert frame["class_en"].tolist() == ["Mild imbalance", "High-quality coordination"]


# -- BTH example -----------------------------------------------------------------
def _bth_plain():
    """P1, P2, U (sqrt form), D by plain numpy, independent of spatialregion.indices."""
    from spatialregion import datasets

    raw = datasets.bth_chains()
    out = {}
    for chain, name in (("industry", "P1"), ("innovation", "P2")):
        m = raw[raw["chain"] == chain].pivot_table(index=["city", "year"], columns="indicator", values="value")
        x = m.to_numpy()
        z = (x - x.min(axis=0)) / (x.max(axis=0) - x.min(axis=0))
        p = z / z.sum(axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            e = -np.nansum(np.where(p > 0, p * np.log(p), 0.0), axis=0) / np.log(len(x))
        w = (1 - e) / (1 - e).sum()
        out[name] = pd.Series(z @ w, index=m.index)
    df = pd.DataFrame(out)
    df["U"] = np.sqrt(df.P1 * df.P2) / (df.P1 + df.P2)
    df["D"] = np.sqrt(df.U * (df.P1 + df.P2) / 2)
    return df


def test_bth_example_pinned(load_example):
    mod = load_example("bth_coupling")
    ref = _bth_plain()
    res = mod.coupling(variant="sqrt")
    frame = res.to_frame()
    assert len(frame) == 52
    frame = frame.loc[ref.index]
    np.testing.assert_allclose(frame["P1"], ref["P1"], atol=1e-12)
    np.testing.assert_allclose(frame["P2"], ref["P2"], atol=1e-12)
    np.testing.assert_allclose(frame["C"], ref["U"], atol=1e-12)
    np.testing.assert_allclose(frame["D"], ref["D"], atol=1e-12)
    # loose sanity check against the paper's printed values (see examples/README.md)
    bj = frame.xs("北京", level="city")["C"]
    assert (np.abs(bj - 0.50) < 0.1).all()
    assert abs(frame.loc[("天津", 2023), "D"] - 0.42) < 0.1
    table = mod.paper_table(res)
    assert table.index[0] == "北京" and table.shape == (13, 12)


# -- bad input -------------------------------------------------------------------
def test_bad_input():
    with pytest.raises(ConstantError, match="'b'"):
        I.entropy_weights(X3.assign(b=2.0))
    r = I.entropy_weights(X3.assign(b=2.0), constant="zero")
    assert r.indicator_weights["b"] == 0 and r.entropy["b"] == 1 and r.indicator_weights.sum() == pytest.approx(1)
    neg = X3.assign(a=[-1.0, 0.5, 2.0])
    I.entropy_weights(neg)  # negative raw values are fine after min–max
    with pytest.raises(InputError, match="normalize='max'.*'a'"):
        I.entropy_weights(neg, normalize="max")
    with pytest.raises(InputError, match="'c'"):
        I.entropy_weights(X3.assign(c=[0.0, 1.0, 2.0]), directions="++-", normalize="max")
    with pytest.raises(MissingValueError):
        I.entropy_weights(X3.assign(a=[1.0, np.nan, 3.0]))
    with pytest.raises(InputError, match="direction"):
        I.entropy_weights(X3, directions=["+", "x", "-"])
    with pytest.raises(InputError, match="3 indicators"):
        I.entropy_weights(X3, directions=["+", "-"])
    with pytest.raises(InputError, match="unknown indicator"):
        I.entropy_weights(X3, directions={"zz": "-"})
    with pytest.raises(InputError, match="shift"):
        I.entropy_weights(X3, shift=-1)
    with pytest.raises(InputError, match="panel"):
        I.entropy_weights(X3, panel="yearly")
    with pytest.raises(InputError, match="at least 2 rows"):
        I.entropy_weights(X3.iloc[:1])
    with pytest.raises(InputError, match="not in the data"):
        I.entropy_weights(X3, columns=["a", "zz"])
    with pytest.raises(InputError, match="unit"):
        I.entropy_weights(X3, id_column="unit", period_column="year")
    with pytest.raises(InputError, match="normalization"):
        I.entropy_topsis(X3, normalization="l1")


def test_coupling_bad_input():
    with pytest.raises(InputError, match="at least 2"):
        cc([0.1, 0.2])
    with pytest.raises(InputError, match=r"\[0, 1\]"):
        cc([0.1, 1.2], [0.3, 0.4])
    with pytest.raises(InputError, match=r"\[0, 1\]"):
        cc([0.1, -0.2], [0.3, 0.4])
    with pytest.raises(InputError, match="columns"):  # the old form: subsystems as separate arguments
        I.coupling_coordination(pd.Series([0.1, 0.2]), pd.Series([0.1, 0.2]))
    with pytest.raises(InputError, match="list of column names"):
        I.coupling_coordination(pd.DataFrame({"a": [0.1], "b": [0.2]}), "a")
    with pytest.raises(InputError, match="columns="):
        I.coupling_coordination(pd.DataFrame({"a": [0.1], "b": [0.2]}))
    with pytest.raises(InputError, match="coefficients"):
        cc([0.1], [0.2], coefficients=[0.7, 0.7])
    with pytest.raises(TypeError):  # alpha is a significance level, never subsystem weights
        cc([0.1], [0.2], alpha=[0.5, 0.5])
    with pytest.raises(InputError, match="variant"):
        cc([0.1], [0.2], variant="square")
    with pytest.raises(MissingValueError):
        cc([0.1, np.nan], [0.2, 0.3])


def test_inputs_unchanged():
    before = X3.copy()
    I.entropy_topsis(X3, directions="++-")
    pd.testing.assert_frame_equal(X3, before)


# -- result objects with geometry --------------------------------------------------
def test_results_with_geometry(provinces, tmp_path, rng):
    gdf = provinces[["name_short", "geometry"]].copy()
    for c in ("g1", "g2", "g3"):
        gdf[c] = rng.uniform(0, 10, len(gdf))
    r = I.entropy_topsis(gdf, directions="++-")
    frame = r.to_frame()
    assert frame.index.equals(gdf.index) and frame.crs == gdf.crs
    assert {"closeness", "rank", "g1_norm"} <= set(frame.columns)
    for s in (r.summary(), I.entropy_weights(gdf).summary()):
        assert str(s) and s.to_html() and s.to_latex() and s.to_csv()
    assert r.to_gpkg(tmp_path / "t.gpkg").exists()
    assert frame.columns[:4].tolist() == ["name_short", "g1", "g2", "g3"]  # ids, names, values first
    e = I.entropy_weights(gdf)
    both = gdf.assign(entropy=e.scores, topsis=r.closeness)
    cc = I.coupling_coordination(both, ["entropy", "topsis"])
    cframe = cc.to_frame()
    assert cframe.crs == gdf.crs and cframe.columns[:3].tolist() == ["name_short", "entropy", "topsis"]
    import geopandas as gpd

    layer = gpd.read_file(cc.to_gpkg(tmp_path / "c.gpkg"), layer="coupling")
    assert layer["name_short"].tolist() == gdf["name_short"].tolist()
    np.testing.assert_allclose(layer["D"], cc.d, atol=1e-12)
    style = cc._style()
    assert set(c.value for c in style.classes) == set(cc.klass)
    assert "耦合协调" in str(cc.summary())


@pytest.mark.slow
def test_plots(provinces, rng):
    """Maps of a cross-section and of one period of a long panel (first map loads fonts: slow)."""
    gdf = provinces[["geometry"]].assign(a=rng.uniform(size=len(provinces)), b=rng.uniform(size=len(provinces)))
    assert I.entropy_topsis(gdf).plot() is not None
    rows = []
    for year in (2020, 2021):
        g = provinces[["adcode", "geometry"]].copy()
        g["year"] = year
        g["a"] = rng.uniform(size=len(g))
        g["b"] = rng.uniform(size=len(g))
        rows.append(g)
    import geopandas as gpd

    panel = gpd.GeoDataFrame(pd.concat(rows, ignore_index=True), crs=provinces.crs)
    r = I.entropy_weights(panel, ["a", "b"], id_column="adcode", period_column="year")
    with pytest.raises(InputError, match="period"):
        r.plot(period=1999)
    assert r.plot(period=2020) is not None


# -- CLI ---------------------------------------------------------------------------
def _app():
    import typer

    from spatialregion.commands import indices as cmd

    app = typer.Typer()
    cmd.register(app)
    return app


def test_cli_index_and_coupling(tmp_path):
    from typer.testing import CliRunner

    csv = tmp_path / "x.csv"
    X3.assign(u1=[0.25, 0.5, 0.0], u2=[1.0, 0.5, 0.0]).to_csv(csv, index=False)
    runner = CliRunner()
    res = runner.invoke(_app(), ["index", str(csv), "-c", "a,b,c", "-d", "++-", "-m", "topsis", "-o", str(tmp_path / "o")])
    assert res.exit_code == 0, res.output
    assert "closeness" in res.output and (tmp_path / "o" / "topsis.csv").exists()
    weights = pd.read_csv(tmp_path / "o" / "topsis_weights.csv", encoding="utf-8-sig")
    np.testing.assert_allclose(weights["weight"], I.entropy_weights(X3, directions="++-").indicator_weights, atol=1e-12)
    res = runner.invoke(_app(), ["coupling", str(csv), "-c", "u1,u2", "-o", str(tmp_path / "c")])
    assert res.exit_code == 0, res.output
    out = pd.read_csv(tmp_path / "c" / "coupling.csv", encoding="utf-8-sig")
    np.testing.assert_allclose(out["C"], [0.8, 1.0, 0.0], atol=1e-12)
    assert out.columns[:2].tolist() == ["u1", "u2"]  # the analysed values come first
    res = runner.invoke(_app(), ["coupling", str(csv), "-c", "u1,zz", "-o", str(tmp_path / "c")])
    assert res.exit_code != 0 and "zz" in str(res.exception)


def test_demo_matches_example(tmp_path):
    from spatialregion.commands import indices as cmd

    demo = cmd.bth_scores()
    ref = _bth_plain()
    np.testing.assert_allclose(demo.loc[ref.index, "P1"], ref["P1"], atol=1e-12)
    np.testing.assert_allclose(demo.loc[ref.index, "P2"], ref["P2"], atol=1e-12)


def test_coupling_out_of_range_names_the_unit(provinces):
    p = provinces.assign(u1=0.5, u2=0.3)
    p.loc[p["name_short"] == "山西", "u2"] = 1.3
    with pytest.raises(InputError, match=r"'u2' must lie in \[0, 1\].*山西省 \(140000\)"):
        I.coupling_coordination(p, ["u1", "u2"])
