"""Tests of spatialregion.inequality (Dagum Gini, Theil, kernel density).

Cases covered
-------------
Dagum Gini
* two hand-computed cases (no transvariation; with transvariation, D = 0.5), every field exact;
* brute-force O(n^2) reference for G, G_jj, G_jh, d_jh, p_jh on random data (rel. 1e-10);
* total equals ``inequality.gini.Gini`` (peer, rel. 1e-12) on the AI index and random data;
* hypothesis properties: G_w + G_nb + G_t = G, contributions sum to 100, scale invariance,
  relabelling/permuting rows leaves the numbers unchanged, 0 <= D_jh <= 1;
* panel inputs: wide DataFrame, 2-D array and long DataFrame agree; ``panel[period]``;
  ``order=`` changes display only;
* the AI-index example (paper's Table 5 values are not in the repository, see
  examples/dagum_ai_index.py): internal consistency and peer Gini per year;
* one-member groups (G_jj = 0, noted in the summary), a single group (G = G_w);
* bad input: negative values, all zeros, constant values, NaN values, NaN groups,
  wrong-length groups, missing groups, unknown columns; inputs not mutated.
Theil
* T total/between/within equal ``inequality.theil.Theil``/``TheilD`` (rel. 1e-10);
* L against the direct formula mean(ln(mu/y)) and a brute-force group decomposition;
* within + between = total (hypothesis), no groups => between = 0; L rejects zeros.
Kernel density
* bandwidth = n^(-1/5) s (Scott) and (3n/4)^(-1/5) s (Silverman);
* density equals the analytic Gaussian mixture and scipy.stats.gaussian_kde (peer, rel. 1e-9), integrates to 1;
* FWHM and main peak of a two-point sample against root finding on the analytic mixture;
* two separated clusters give two peaks near their centres; min_peak_fraction filters;
* plots (overlaid, 3-D, ridge, panel lines, bars) draw the expected artists.
Calling convention and contract (issue 12)
* dagum_gini/theil/kernel_density(data, columns, *, groups=...): a str where the list of
  periods belongs raises with a hint (``theil(df, "ai2022")``), groups keyword-only,
  missing columns/groups, gini(data, column); long tables need a unit's group constant;
  one period (a list of one) gives the single-period result;
* every result is a TableResult: to_frame, summary, plot, to_gpkg raises, ==; Theil shares
  sum to 1 and weight the within part; the KDE's tidy density table integrates to 1.
"""

from __future__ import annotations

import itertools

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import brentq
from scipy.stats import norm

from spatialregion import datasets
from spatialregion.errors import ConstantError, InputError, MissingValueError
from spatialregion.inequality import (
    DagumResult,
    InequalityPanel,
    dagum_gini,
    gini,
    kernel_density,
    theil,
)

inequality = pytest.importorskip("inequality")
YEARS = ["ai2011", "ai2015", "ai2019", "ai2022"]


# ---------------------------------------------------------------------------
# independent brute-force reference (n^2 differences, straight from Dagum 1997)
# ---------------------------------------------------------------------------
def brute_dagum(y: np.ndarray, g: np.ndarray) -> dict:
    n, mu = y.size, y.mean()
    G = np.abs(y[:, None] - y[None, :]).sum() / (2 * n * n * mu)
    labels = sorted(set(g), key=lambda lab: -y[g == lab].mean())
    out = {"G": G, "Gjj": {}, "Gjh": {}, "d": {}, "p": {}}
    gw = gnb = gt = 0.0
    for lab in labels:
        yj = y[g == lab]
        out["Gjj"][lab] = np.abs(yj[:, None] - yj[None, :]).sum() / (2 * yj.size**2 * yj.mean())
        gw += out["Gjj"][lab] * (yj.size / n) * (yj.size * yj.mean() / (n * mu))
    for a, b in itertools.combinations(labels, 2):
        yj, yh = y[g == a], y[g == b]
        diff = yj[:, None] - yh[None, :]
        gjh = np.abs(diff).sum() / (yj.size * yh.size * (yj.mean() + yh.mean()))
        d = np.clip(diff, 0, None).mean()
        p = np.clip(-diff, 0, None).mean()
        D = (d - p) / (d + p)
        pj, ph = yj.size / n, yh.size / n
        sj, sh = yj.size * yj.mean() / (n * mu), yh.size * yh.mean() / (n * mu)
        gnb += gjh * (pj * sh + ph * sj) * D
        gt += gjh * (pj * sh + ph * sj) * (1 - D)
        out["Gjh"][frozenset((a, b))] = gjh
        out["d"][frozenset((a, b))] = d
        out["p"][frozenset((a, b))] = p
    out.update(Gw=gw, Gnb=gnb, Gt=gt)
    return out


def _between(res: DagumResult, a, b) -> float:
    return {frozenset(k): v for k, v in res.between.items()}[frozenset((a, b))]


# ---------------------------------------------------------------------------
# Dagum: hand-computed cases
# ---------------------------------------------------------------------------
def test_dagum_hand_case_no_transvariation():
    # A = [1, 2], B = [3, 6]: sum |y_i - y_r| over ordered pairs = 32, n = 4, mu = 3
    r = dagum_gini([1.0, 2.0, 3.0, 6.0], groups=["A", "A", "B", "B"])
    assert r.total == pytest.approx(32 / 96, rel=1e-14)
    assert list(r.within.index) == ["B", "A"]  # descending mean
    assert r.within["A"] == pytest.approx(1 / 6) and r.within["B"] == pytest.approx(1 / 6)
    assert r.between[("B", "A")] == pytest.approx(0.5)  # 12 / (2*2*(1.5+4.5))
    assert r.pairs.loc[("B", "A"), "d"] == pytest.approx(3.0)
    assert r.pairs.loc[("B", "A"), "p"] == pytest.approx(0.0)
    assert r.pairs.loc[("B", "A"), "D"] == pytest.approx(1.0)
    assert r.components["G_w"] == pytest.approx(1 / 12)
    assert r.components["G_nb"] == pytest.approx(1 / 4)
    assert r.components["G_t"] == pytest.approx(0.0, abs=1e-15)
    np.testing.assert_allclose(r.contributions.to_numpy(), [25.0, 75.0, 0.0], atol=1e-12)
    assert r.groups.loc["A", "s"] == pytest.approx(0.25) and r.groups.loc["B", "p"] == pytest.approx(0.5)


def test_dagum_hand_case_with_transvariation():
    # A = [1, 4] (mean 2.5), B = [2, 5] (mean 3.5); B - A over pairs: 1, -2, 4, 1
    r = dagum_gini(np.array([1.0, 4.0, 2.0, 5.0]), groups=np.array(["A", "A", "B", "B"]))
    assert r.pairs.loc[("B", "A"), "d"] == pytest.approx(1.5)
    assert r.pairs.loc[("B", "A"), "p"] == pytest.approx(0.5)
    assert r.pairs.loc[("B", "A"), "D"] == pytest.approx(0.5)
    assert r.between[("B", "A")] == pytest.approx(8 / 24)
    # G: unordered |diffs| 3,1,4,2,1,3 = 14 -> 28 / (2*16*3)
    assert r.total == pytest.approx(28 / 96)
    assert r.components["G_nb"] == pytest.approx(r.components["G_t"])  # D = 0.5 splits equally


# ---------------------------------------------------------------------------
# Dagum vs brute force and the inequality package
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_dagum_matches_brute_force(seed):
    rng = np.random.default_rng(seed)
    n = 120
    y = rng.lognormal(1.0, 0.8, n)
    g = rng.choice(np.array(["east", "central", "west", "ne"]), n)
    r = dagum_gini(y, groups=g)
    ref = brute_dagum(y, g)
    assert r.total == pytest.approx(ref["G"], rel=1e-10)
    for lab, v in ref["Gjj"].items():
        assert r.within[lab] == pytest.approx(v, rel=1e-10)
    for (a, b), row in r.pairs.iterrows():
        key = frozenset((a, b))
        assert row["gini"] == pytest.approx(ref["Gjh"][key], rel=1e-10)
        assert row["d"] == pytest.approx(ref["d"][key], rel=1e-10)
        assert row["p"] == pytest.approx(ref["p"][key], rel=1e-10)
        assert r.groups.loc[a, "mean"] >= r.groups.loc[b, "mean"]
    assert r.components["G_w"] == pytest.approx(ref["Gw"], rel=1e-10)
    assert r.components["G_nb"] == pytest.approx(ref["Gnb"], rel=1e-10)
    assert r.components["G_t"] == pytest.approx(ref["Gt"], rel=1e-10)
    assert r.total == pytest.approx(inequality.gini.Gini(y).g, rel=1e-12)


def test_gini_function_matches_peer(rng):
    y = rng.gamma(2.0, 3.0, 1000)
    assert gini(y) == pytest.approx(inequality.gini.Gini(y).g, rel=1e-12)
    assert gini(pd.Series(y)) == pytest.approx(gini(y))


values_st = st.lists(st.floats(0.0, 1e4, allow_nan=False, allow_infinity=False), min_size=3, max_size=40)


@settings(max_examples=60, deadline=None)
@given(values=values_st, data=st.data())
def test_dagum_properties(values, data):
    y = np.array(values)
    if np.ptp(y) <= 1e-9 * max(1.0, y.max()):
        return
    k = data.draw(st.integers(1, 4))
    g = np.array(data.draw(st.lists(st.integers(0, k - 1), min_size=y.size, max_size=y.size)))
    r = dagum_gini(y, groups=g)
    assert r.components.sum() == pytest.approx(r.total, rel=1e-9, abs=1e-12)
    assert r.contributions.sum() == pytest.approx(100.0, rel=1e-9)
    assert r.total == pytest.approx(inequality.gini.Gini(y).g, rel=1e-9, abs=1e-12)
    assert ((r.pairs["D"] >= -1e-12) & (r.pairs["D"] <= 1 + 1e-12)).all()
    # scale invariance
    c = data.draw(st.floats(1e-3, 1e3))
    r2 = dagum_gini(y * c, groups=g)
    assert r2.total == pytest.approx(r.total, rel=1e-8, abs=1e-12)
    np.testing.assert_allclose(r2.components.to_numpy(), r.components.to_numpy(), rtol=1e-8, atol=1e-12)
    # relabelling groups and permuting rows change nothing
    perm = np.random.default_rng(0).permutation(y.size)
    relabel = np.array([f"g{v}" for v in g])
    r3 = dagum_gini(y[perm], groups=relabel[perm])
    assert r3.total == pytest.approx(r.total, rel=1e-9, abs=1e-12)
    for lab in set(g):
        a, b = r3.within[f"g{lab}"], r.within[lab]
        assert (np.isnan(a) and np.isnan(b)) or a == pytest.approx(b, rel=1e-9, abs=1e-12)
    np.testing.assert_allclose(r3.components.to_numpy(), r.components.to_numpy(), rtol=1e-9, atol=1e-12)


def test_dagum_large_sample_precision(rng):
    # 200k values: O(n log n) kernel against the peer's sorted formula
    y = rng.lognormal(3, 1, 200_000)
    g = rng.integers(0, 3, y.size)
    r = dagum_gini(y, groups=g)
    assert r.total == pytest.approx(inequality.gini.Gini(y).g, rel=1e-10)
    assert r.components.sum() == pytest.approx(r.total, rel=1e-10)


# ---------------------------------------------------------------------------
# panels and the AI index example
# ---------------------------------------------------------------------------
def test_panel_forms_agree():
    df = datasets.ai_index()
    wide = dagum_gini(df, YEARS, groups="region")
    arr = dagum_gini(df[YEARS].to_numpy(), groups=df["region"].to_numpy())
    long = df.melt(id_vars=["province", "region"], value_vars=YEARS, var_name="year", value_name="ai")
    lng = dagum_gini(long.sample(frac=1, random_state=4), groups="region", id_column="province", period_column="year", value_column="ai")
    assert isinstance(wide, InequalityPanel) and len(wide) == 4
    np.testing.assert_allclose(wide.total.to_numpy(), arr.total.to_numpy(), rtol=1e-14)
    np.testing.assert_allclose(wide.total.to_numpy(), lng.total.to_numpy(), rtol=1e-14)
    np.testing.assert_allclose(wide.contributions.to_numpy(), lng.contributions.to_numpy(), rtol=1e-12)
    assert list(lng.periods) == YEARS
    one = dagum_gini(df, ["ai2022"], groups="region")  # one period: a list of one
    assert wide["ai2022"].total == one.total
    with pytest.raises(KeyError, match="periods"):
        wide["ai1999"]


def test_ai_index_consistency_and_peer():
    """Table 5 printed values are not in the repository: check consistency and the peer Gini."""
    df = datasets.ai_index()
    res = dagum_gini(df, YEARS, groups="region", order=["东部", "中部", "西部"])
    table = res.to_frame()
    assert list(table.columns.get_level_values(1)[:7]) == ["G", "东部", "中部", "西部", "东部-中部", "东部-西部", "中部-西部"]
    for year in YEARS:
        r = res[year]
        assert r.total == pytest.approx(inequality.gini.Gini(df[year].to_numpy()).g, rel=1e-12)
        assert r.components.sum() == pytest.approx(r.total, rel=1e-12)
        assert r.contributions.sum() == pytest.approx(100.0)
        ref = brute_dagum(df[year].to_numpy(), df["region"].to_numpy())
        for lab in ("东部", "中部", "西部"):
            assert r.within[lab] == pytest.approx(ref["Gjj"][lab], rel=1e-12)
        assert _between(r, "东部", "西部") == pytest.approx(ref["Gjh"][frozenset(("东部", "西部"))], rel=1e-12)
    assert res.within.columns.tolist() == ["东部", "中部", "西部"]
    assert res.between.shape == (4, 3)
    # display order does not change numbers
    res2 = dagum_gini(df, YEARS, groups="region")
    np.testing.assert_allclose(res2.contributions.to_numpy(), res.contributions.to_numpy(), rtol=1e-14)
    text = str(res.summary())
    assert "超变密度" in text and "ai2022" in text
    assert "# By period" in res.summary().to_csv()


def test_single_member_group_and_single_group():
    y = np.array([1.0, 2.0, 3.0, 10.0])
    r = dagum_gini(y, groups=["a", "a", "a", "b"])
    assert r.within["b"] == 0.0
    assert any("one member" in n for n in r.summary().notes)
    assert r.components.sum() == pytest.approx(r.total)
    one = dagum_gini(y, groups=["x"] * 4)
    assert one.components["G_w"] == pytest.approx(one.total) and one.between.empty


def test_dagum_bad_input():
    with pytest.raises(InputError, match="negative"):
        dagum_gini([1.0, -2.0, 3.0], groups=["a", "b", "b"])
    with pytest.raises(InputError, match="all values are zero"):
        dagum_gini([0.0, 0.0, 0.0], groups=["a", "b", "b"])
    with pytest.raises(ConstantError):
        dagum_gini([2.0, 2.0, 2.0], groups=["a", "b", "b"])
    with pytest.raises(MissingValueError):
        dagum_gini([1.0, np.nan, 3.0], groups=["a", "b", "b"])
    with pytest.raises(MissingValueError, match="groups"):
        dagum_gini([1.0, 2.0, 3.0], groups=["a", None, "b"])
    with pytest.raises(InputError, match="3 rows"):
        dagum_gini([1.0, 2.0, 3.0], groups=["a", "b"])
    with pytest.raises(InputError, match="groups="):
        dagum_gini([1.0, 2.0, 3.0], groups=None)
    df = datasets.ai_index()
    with pytest.raises(InputError, match="regionx"):
        dagum_gini(df, ["ai2011"], groups="regionx")
    with pytest.raises(InputError, match="not in the data"):
        dagum_gini(df, ["ai1999"], groups="region")
    with pytest.raises(InputError, match="lacks the groups"):
        dagum_gini(df, ["ai2011"], groups="region", order=["东部", "中部"])
    with pytest.raises(InputError, match="negative.*北京"):
        dagum_gini(df.set_index("province").assign(ai2011=lambda d: d.ai2011.where(d.index != "北京", -1.0)), ["ai2011"], groups="region")


def test_inputs_not_mutated():
    df = datasets.ai_index()
    before = df.copy()
    dagum_gini(df, YEARS, groups="region")
    theil(df, YEARS, groups="region")
    kernel_density(df, YEARS)
    pd.testing.assert_frame_equal(df, before)


# ---------------------------------------------------------------------------
# Theil
# ---------------------------------------------------------------------------
def test_theil_t_matches_inequality_package():
    df = datasets.ai_index()
    y = df[YEARS].to_numpy()
    peer = inequality.theil.TheilD(y, df["region"].to_numpy())
    res = theil(df, YEARS, groups="region")
    np.testing.assert_allclose(res.total.to_numpy(), peer.T, rtol=1e-10)
    np.testing.assert_allclose(res.between.to_numpy(), peer.bg, rtol=1e-10)
    np.testing.assert_allclose(res._stack("within").to_numpy(), peer.wg, rtol=1e-10)
    assert theil(df["ai2011"]).total == pytest.approx(inequality.theil.Theil(df["ai2011"].to_numpy()).T, rel=1e-10)


def test_theil_l_direct_formula(rng):
    y = rng.lognormal(0, 1, 300)
    g = rng.integers(0, 4, 300)
    r = theil(y, groups=g, measure="L")
    assert r.total == pytest.approx(np.mean(np.log(y.mean() / y)), rel=1e-12)
    between = sum((g == k).mean() * np.log(y.mean() / y[g == k].mean()) for k in range(4))
    within = sum((g == k).mean() * np.mean(np.log(y[g == k].mean() / y[g == k])) for k in range(4))
    assert r.between == pytest.approx(between, rel=1e-12)
    assert r.within == pytest.approx(within, rel=1e-12)
    assert r.contributions["within"] + r.contributions["between"] == pytest.approx(100.0)


@settings(max_examples=40, deadline=None)
@given(values=st.lists(st.floats(0.01, 1e4), min_size=3, max_size=30), data=st.data())
def test_theil_additive(values, data):
    y = np.array(values)
    if np.ptp(y) <= 1e-9 * y.max():
        return
    g = np.array(data.draw(st.lists(st.integers(0, 2), min_size=y.size, max_size=y.size)))
    for m in ("T", "L"):
        r = theil(y, groups=g, measure=m)
        assert r.within + r.between == pytest.approx(r.total, rel=1e-9, abs=1e-12)
        assert (r.shares * r.by_group).sum() == pytest.approx(r.within, rel=1e-9, abs=1e-12)
    assert theil(y).between == pytest.approx(0.0, abs=1e-12)


def test_theil_bad_input():
    with pytest.raises(InputError, match="strictly positive"):
        theil([0.0, 1.0, 2.0], measure="L")
    assert theil([0.0, 1.0, 2.0]).total > 0  # T accepts zeros (0 ln 0 = 0)
    with pytest.raises(InputError, match="measure"):
        theil([1.0, 2.0], measure="X")
    with pytest.raises(InputError, match="negative"):
        theil([1.0, -2.0, 3.0])


# ---------------------------------------------------------------------------
# kernel density
# ---------------------------------------------------------------------------
def test_kde_bandwidth_and_density(rng):
    y = rng.normal(5, 2, 80)
    k = kernel_density(y)
    s = y.std(ddof=1)
    assert k.table["bandwidth"].iloc[0] == pytest.approx(80 ** (-1 / 5) * s, rel=1e-12)
    ks = kernel_density(y, bw_method="silverman")
    assert ks.table["bandwidth"].iloc[0] == pytest.approx((80 * 3 / 4) ** (-1 / 5) * s, rel=1e-12)
    h = k.table["bandwidth"].iloc[0]
    x = k.grid
    analytic = norm.pdf((x[:, None] - y[None, :]) / h).mean(axis=1) / h
    np.testing.assert_allclose(k.density.iloc[:, 0].to_numpy(), analytic, rtol=1e-10, atol=1e-14)
    assert np.trapezoid(analytic, x) == pytest.approx(1.0, abs=1e-3)


@pytest.mark.parametrize("bw", ["scott", "silverman", 0.3])
def test_kde_matches_scipy_gaussian_kde(rng, bw):
    from scipy.stats import gaussian_kde

    y = rng.gamma(2.0, 2.0, 5000)  # > one chunk of the kernel
    k = kernel_density(y, bw_method=bw, n_grid=300)
    peer = gaussian_kde(y, bw_method=bw)
    np.testing.assert_allclose(k.density.iloc[:, 0].to_numpy(), peer(k.grid), rtol=1e-9, atol=1e-15)
    assert k.table["bandwidth"].iloc[0] == pytest.approx(np.sqrt(peer.covariance[0, 0]), rel=1e-12)


def test_kde_peak_and_fwhm_against_root_finding():
    y = np.array([-1.0, 1.0])
    h = 2 ** (-1 / 5) * np.sqrt(2.0)  # Scott factor x s.d.
    f = lambda x: 0.5 * (norm.pdf(x, -1, h) + norm.pdf(x, 1, h))  # noqa: E731
    half = f(0.0) / 2
    right = brentq(lambda x: f(x) - half, 0.0, 10.0)
    k = kernel_density(y, n_grid=20001)
    row = k.table.iloc[0]
    assert row["main_peak"] == pytest.approx(0.0, abs=1e-3)
    assert row["n_peaks"] == 1
    assert row["peak_density"] == pytest.approx(f(0.0), rel=1e-6)
    assert row["fwhm"] == pytest.approx(2 * right, rel=1e-3)


def test_kde_two_peaks(rng):
    y = np.concatenate([rng.normal(0, 1, 200), rng.normal(12, 1, 100)])
    k = kernel_density(pd.Series(y, name="v"), bw_method=0.1)
    row = k.table.iloc[0]
    assert row["n_peaks"] == 2
    peaks = [float(p) for p in row["peaks"].split(",")]
    assert peaks[0] == pytest.approx(0.0, abs=0.5) and peaks[1] == pytest.approx(12.0, abs=0.5)
    assert row["main_peak"] == pytest.approx(0.0, abs=0.5)
    assert kernel_density(y, bw_method=0.1, min_peak_fraction=0.9).table["n_peaks"].iloc[0] == 1


def test_kde_panel_and_bad_input():
    df = datasets.ai_index()
    k = kernel_density(df, YEARS)
    assert list(k.table.index) == YEARS and k.density.shape == (512, 4)
    assert (k.table["main_peak"].diff().dropna() > 0).all()  # the distribution moves right over time
    with pytest.raises(ConstantError):
        kernel_density([1.0, 1.0, 1.0])
    with pytest.raises(InputError, match="bw_method"):
        kernel_density([1.0, 2.0, 3.0], bw_method="foo")
    with pytest.raises(InputError, match="grid"):
        kernel_density([1.0, 2.0, 3.0], grid=[3.0, 2.0, 1.0])


def test_plots():
    df = datasets.ai_index()
    k = kernel_density(df, YEARS)
    ax = k.plot()
    assert len(ax.lines) == 4
    ax3 = k.plot_3d()
    assert ax3.name == "3d"
    axr = k.plot_ridge()
    assert len(axr.collections) == 4
    panel = dagum_gini(df, YEARS, groups="region", order=["东部", "中部", "西部"])
    axp = panel.plot()
    assert len(axp.lines) == 1 + 3 + 3
    axb = panel["ai2022"].plot()
    assert len(axb.patches) == 6
    plt.close("all")


def test_plot_3d_kinds():
    k = kernel_density(datasets.ai_index(), YEARS)
    assert len(k.plot_3d(kind="waterfall").collections) == 1
    assert len(k.plot_3d(kind="surface").collections) == 1
    with pytest.raises(InputError, match="kind"):
        k.plot_3d(kind="bars")
    plt.close("all")


def test_cli_and_demo(tmp_path):
    import typer
    from typer.testing import CliRunner

    from spatialregion.commands import inequality as cmd
    from spatialregion.commands._common import DemoContext

    app = typer.Typer()
    app.callback()(lambda: None)  # keep sub-command mode with a single command
    cmd.register(app)
    csv = datasets.table_path("ai_index_provinces.csv")
    res = CliRunner().invoke(
        app, ["inequality", str(csv), "-c", ",".join(YEARS), "-g", "region", "--order", "东部,中部,西部", "-o", str(tmp_path / "cli"), "--no-figures"]
    )
    assert res.exit_code == 0, res.output
    table = pd.read_csv(tmp_path / "cli" / "dagum_gini.csv", encoding="utf-8-sig", index_col=0)
    ref = dagum_gini(datasets.ai_index(), YEARS, groups="region")
    np.testing.assert_allclose(table["Total 总体 | G"].to_numpy(), ref.total.to_numpy(), rtol=1e-12)
    assert "超变密度" in res.output
    ctx = DemoContext(out=tmp_path / "demo", provinces=datasets.ai_index(), weights=None, echo=lambda s: None)
    ctx.out.mkdir()
    cmd.demo(ctx)
    assert {p.name for p in ctx.written} >= {"dagum_gini_ai_index.csv", "kernel_density_ai_index.png"}
    assert all(p.exists() for p in ctx.written)


def test_example_comparison_machinery(load_example):
    """The example's compare(): brute-force values rounded as a paper prints them agree; a wrong one does not."""
    ex = load_example("dagum_ai_index", "dagum_ai_index_example")
    ours = ex.our_table()
    df = datasets.ai_index()
    ref = brute_dagum(df["ai2022"].to_numpy(), df["region"].to_numpy())
    printed = {"ai2022": {"G": round(ref["G"], 3), "东部": round(ref["Gjj"]["东部"], 3),
                          "中部-西部": round(ref["Gjh"][frozenset(("中部", "西部"))], 3),
                          "within": round(100 * ref["Gw"] / ref["G"], 2), "transvariation": round(100 * ref["Gt"] / ref["G"], 2)}}
    cmp = ex.compare(ours, printed)
    assert cmp["agrees"].all(), cmp
    assert ex.compare(ours, {"ai2022": {"G": f"{ref['G']:.3f}"}})["tolerance"].iloc[0] == pytest.approx(0.0005 + 0.001)
    printed["ai2022"]["G"] = round(ref["G"], 3) + 0.01
    assert not ex.compare(ours, printed).set_index("statistic").loc["G", "agrees"]


def test_paper_table5(load_example):
    """Our table against the paper's printed Table 5 — runs once its values are pasted into the example."""
    ex = load_example("dagum_ai_index", "dagum_ai_index_example")
    if not ex.PRINTED_TABLE5:
        pytest.skip("Table 5 of the AI-index paper is not in the repository (paste it into examples/dagum_ai_index.py)")
    cmp = ex.compare(ex.our_table(), ex.PRINTED_TABLE5)
    assert cmp["agrees"].all(), cmp[~cmp["agrees"]]


# ---------------------------------------------------------------------------
# the public calling convention (issue 12) and the table-result contract
# ---------------------------------------------------------------------------
def test_calling_convention_and_wrong_calls(tmp_path):
    df = datasets.ai_index()
    with pytest.raises(InputError, match=r"list of column names.*columns=\['ai2022'"):
        theil(df, "ai2022")  # once read as the groups; now a str where a list of periods belongs
    with pytest.raises(InputError, match="list of column names"):
        dagum_gini(df, "ai2022", groups="region")
    with pytest.raises(TypeError):
        dagum_gini(df, YEARS, "region")  # groups is keyword-only
    with pytest.raises(InputError, match="groups="):
        dagum_gini(df, YEARS)
    with pytest.raises(InputError, match="columns="):
        kernel_density(df)
    with pytest.raises(InputError, match="column must be a column name"):
        gini(df)
    assert gini(df, "ai2022") == pytest.approx(inequality.gini.Gini(df["ai2022"].to_numpy()).g, rel=1e-12)
    with pytest.raises(InputError, match="one column name"):
        gini(df, YEARS)
    long = df.melt(id_vars=["province", "region"], value_vars=YEARS, var_name="year", value_name="ai")
    long.loc[long.index[0], "region"] = "西部" if long.loc[long.index[0], "region"] != "西部" else "东部"
    with pytest.raises(InputError, match="changes over time"):
        dagum_gini(long, groups="region", id_column="province", period_column="year", value_column="ai")
    # one period (a list of one) gives the single-period result; several give the panel
    assert isinstance(theil(df, ["ai2022"], groups="region"), type(theil(df["ai2022"], groups=df["region"])))
    assert isinstance(theil(df, YEARS, groups="region"), InequalityPanel)


def test_table_results_contract(tmp_path):
    from spatialregion.results import TableResult

    df = datasets.ai_index()
    results = [
        dagum_gini(df, ["ai2022"], groups="region"),
        dagum_gini(df, YEARS, groups="region"),
        theil(df, ["ai2022"], groups="region"),
        theil(df, YEARS, groups="region", measure="L"),
        kernel_density(df, YEARS),
    ]
    for r in results:
        assert isinstance(r, TableResult)
        assert len(r.to_frame()) >= 1 and str(r.summary())
        assert r.plot() is not None
        with pytest.raises(InputError, match="table"):
            r.to_gpkg(tmp_path / "x.gpkg")
        assert r == r
    plt.close("all")
    th = results[2]
    assert th.shares.sum() == pytest.approx(1.0)  # income shares s_g of Theil T
    assert (th.shares * th.by_group).sum() == pytest.approx(th.within, rel=1e-12)
    tidy = results[4].density_frame()
    assert list(tidy.columns) == ["period", "x", "density"] and len(tidy) == 4 * 512
    dens = tidy[tidy.period == "ai2022"]["density"].to_numpy()
    assert np.trapezoid(dens, results[4].grid) == pytest.approx(1.0, abs=1e-3)
