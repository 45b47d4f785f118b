"""Spatial econometric models (spatialregion.regression).

Covers:
- OLS diagnostics (Moran's I of residuals, LM-lag/-error, robust forms, SARMA) equal to spreg's
  ``OLS(spat_diag=True, moran=True)`` on columbus (1e-8); panel diagnostics equal to a dense
  computation of the same formulas and of Moran's exact moments under the within transformation;
- cross-section ML SAR, SEM, SDM equal to spreg ML_Lag / ML_Error / ML_Lag(slx_lags=1) on columbus
  (coefficients 1e-5, standard errors 1e-3 relative, llf, AIC); row order does not matter;
- individual-FE panels equal to spreg ML_LagFE / ML_ErrorFE (simulated panel on columbus, 1e-6;
  NAT in the slow run, 1e-5, spreg's own betas); Lee–Yu σ² rescaling; long and wide layouts agree;
- two-way and time FE equal to an independent dense concentrated-likelihood computation on
  lag-then-demean data, and the two-way Lee–Yu correction equal to Elhorst's formula recomputed densely;
- effects equal to the dense S_k(W) = (I − ρW)⁻¹(β_k I + θ_k W) (point, delta SEs by numerical
  gradient, simulation SEs with the same draws); the series route within 4e-4;
- Wald/LR SDM→SAR/SEM, LR tests of the fixed effects, Hausman;
- output: to_frame, paper table with stars, summary renderings, residual map;
- bad input: unbalanced panels, collinearity, absorbed regressors, islands, NaN, formulas, ρ at a bound.
"""

from __future__ import annotations

import warnings

import geopandas as gpd
import libpysal
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import spreg
from libpysal.examples import get_path
from scipy.optimize import minimize_scalar

from spatialregion import regression as R
from spatialregion.errors import InputError, IslandError, MissingValueError, SpatialRegionWarning
from spatialregion.regression import _ml

FORMULA = "HOVAL ~ INC + CRIME"


@pytest.fixture(scope="module")
def columbus():
    df = gpd.read_file(get_path("columbus.shp"))
    w = libpysal.weights.Queen.from_dataframe(df, use_index=False, silence_warnings=True)
    w.transform = "r"
    return df, w, libpysal.graph.Graph.from_W(w)


def _spreg_xy(df):
    return df[["HOVAL"]].to_numpy(), df[["INC", "CRIME"]].to_numpy()


# -- diagnostics -----------------------------------------------------------------------

def test_lm_tests_equal_spreg(columbus):
    df, w, g = columbus
    y, X = _spreg_xy(df)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ols = spreg.OLS(y, X, w=w, spat_diag=True, moran=True)
    tab = R.lm_tests(df, FORMULA, weights=g)
    ref = {"Moran's I (residuals)": (ols.moran_res[0], ols.moran_res[2]), "LM-lag": ols.lm_lag, "Robust LM-lag": ols.rlm_lag,
           "LM-error": ols.lm_error, "Robust LM-error": ols.rlm_error, "LM-SARMA": ols.lm_sarma}
    for row, (stat, p) in ref.items():
        assert tab.at[row, "statistic"] == pytest.approx(stat, abs=1e-8)
        assert tab.at[row, "p"] == pytest.approx(p, abs=1e-8)
    assert tab.at["Moran's I (residuals)", "z"] == pytest.approx(ols.moran_res[1], abs=1e-8)
    res = R.fit(df, FORMULA, weights=g)
    np.testing.assert_allclose(res.params.iloc[:3], ols.betas.ravel(), atol=1e-8)
    np.testing.assert_allclose(res.bse.iloc[:3], ols.std_err, rtol=1e-8)
    pd.testing.assert_frame_equal(res.diagnostics, tab)


def _sim_panel(W, n, t, rho=0.4, lam=0.0, theta=(0.0, 0.0), seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(t, n, 2))
    mu = rng.normal(size=n)
    alpha = rng.normal(size=t) * 2
    B = np.linalg.inv(np.eye(n) - rho * W.toarray())
    C = np.linalg.inv(np.eye(n) - lam * W.toarray())
    y = np.empty((t, n))
    for s in range(t):
        xb = X[s] @ [1.0, -0.5] + (W @ X[s]) @ np.asarray(theta) + mu + alpha[s]
        y[s] = B @ (xb + C @ rng.normal(size=n))
    ids = np.arange(100, 100 + n)
    long = pd.DataFrame({"unit": np.tile(ids, t), "year": np.repeat(np.arange(2001, 2001 + t), n),
                         "y": y.ravel(), "x1": X[..., 0].ravel(), "x2": X[..., 1].ravel()})
    return long, ids


def _dense_lm(y, X, W, n, t, Q):
    """Elhorst's panel LM statistics and Moran's exact moments, dense (independent of the package)."""
    Wb = np.kron(np.eye(t), W)
    yq, Xq = Q @ y, Q @ X
    b = np.linalg.lstsq(Xq, yq, rcond=None)[0]
    e = yq - Xq @ b
    s2 = e @ e / (n * t)
    M = Q - Xq @ np.linalg.pinv(Xq)
    tw = t * np.trace(W.T @ W + W @ W)
    wxb = Q @ Wb @ X @ b
    J = (wxb @ M @ wxb + tw * s2) / s2
    dl, de = e @ (Q @ Wb @ y) / s2, e @ Wb @ e / s2
    I = n / W.sum() * (e @ Wb @ e) / (e @ e)
    MW = M @ Wb
    r = np.trace(M)
    EI = n / W.sum() * np.trace(MW) / r
    VI = (n / W.sum()) ** 2 * (np.trace(MW @ M @ Wb.T) + np.trace(MW @ MW) + np.trace(MW) ** 2) / (r * (r + 2)) - EI**2
    return {"LM-lag": dl**2 / J, "LM-error": de**2 / tw, "Robust LM-lag": (dl - de) ** 2 / (J - tw),
            "Robust LM-error": (de - tw / J * dl) ** 2 / (tw * (1 - tw / J)), "z": (I - EI) / np.sqrt(VI), "I": I}


def _Q(n, t, effects):
    Jt, Jn = np.ones((t, t)) / t, np.ones((n, n)) / n
    qt = np.eye(t) - Jt if effects in ("individual", "twoway") else np.eye(t)
    qn = np.eye(n) - Jn if effects in ("time", "twoway") else np.eye(n)
    return np.kron(qt, qn)


@pytest.mark.parametrize("effects", ["individual", "time", "twoway"])
def test_panel_lm_tests_equal_dense(columbus, effects):
    _, w, g = columbus
    W = w.sparse.toarray()
    n, t = 49, 4
    long, ids = _sim_panel(w.sparse, n, t, rho=0.3, seed=3)
    gg = libpysal.graph.Graph.from_arrays(*_relabel(g, ids))
    tab = R.lm_tests(long, "y ~ x1 + x2", weights=gg, effects=effects, id_column="unit", period_column="year")
    ref = _dense_lm(long["y"].to_numpy(), long[["x1", "x2"]].to_numpy(), W, n, t, _Q(n, t, effects))
    for row in ("LM-lag", "LM-error", "Robust LM-lag", "Robust LM-error"):
        assert tab.at[row, "statistic"] == pytest.approx(ref[row], rel=1e-9)
    assert tab.at["Moran's I (residuals)", "statistic"] == pytest.approx(ref["I"], rel=1e-9)
    assert tab.at["Moran's I (residuals)", "z"] == pytest.approx(ref["z"], rel=1e-9)


def _relabel(g, ids):
    adj = g.adjacency
    f = ids[adj.index.get_level_values(0).to_numpy()]
    nb = ids[adj.index.get_level_values(1).to_numpy()]
    return f, nb, adj.to_numpy()


# -- cross-section ML --------------------------------------------------------------------

def _close_coef(ours, ref):
    """1e-5 absolute, relative above 1."""
    ours, ref = np.asarray(ours, float), np.asarray(ref, float)
    np.testing.assert_array_less(np.abs(ours - ref), 1e-5 * np.maximum(1.0, np.abs(ref)))


@pytest.mark.parametrize("model", ["sar", "sem", "sdm"])
def test_cross_section_equal_spreg(columbus, model):
    df, w, g = columbus
    y, X = _spreg_xy(df)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = {"sar": lambda: spreg.ML_Lag(y, X, w=w), "sem": lambda: spreg.ML_Error(y, X, w=w),
             "sdm": lambda: spreg.ML_Lag(y, X, w=w, slx_lags=1)}[model]()
    res = R.fit(df, FORMULA, model=model, weights=g)
    k = len(m.betas)
    _close_coef(res.params.iloc[:k], m.betas.ravel())
    np.testing.assert_allclose(res.bse.iloc[:k], m.std_err, rtol=1e-3)
    assert res.llf == pytest.approx(float(np.ravel(m.logll)[0]), abs=1e-6)
    # spreg's ML_Error does not count λ among the parameters of its AIC (ML_Lag counts ρ); we count both
    assert res.aic == pytest.approx(float(np.ravel(m.aic)[0]) + (2.0 if model == "sem" else 0.0), abs=1e-5)
    assert res.r2 == pytest.approx(m.pr2, abs=1e-6)
    assert res.params.index[-2] == ("lambda" if model == "sem" else "rho")
    if model == "sdm":
        assert list(res.params.index[:5]) == ["const", "INC", "CRIME", "W_INC", "W_CRIME"]


def test_row_order_and_logdet_method_do_not_matter(columbus):
    df, _, g = columbus
    a = R.fit(df, FORMULA, model="sdm", weights=g)
    shuffled = df.sample(frac=1.0, random_state=4)
    b = R.fit(shuffled, FORMULA, model="sdm", weights=g)
    c = R.fit(df, FORMULA, model="sdm", weights=g, logdet="lu")
    pd.testing.assert_series_equal(a.params, b.params, rtol=1e-9)
    pd.testing.assert_series_equal(a.bse, c.bse, rtol=1e-7)
    assert c.logdet == "lu" and a.logdet == "eigen"


def test_slx_sdem_and_default_queen(columbus):
    df, w, g = columbus
    slx = R.fit(df, FORMULA, model="slx", weights=g)
    WX = w.sparse @ df[["INC", "CRIME"]].to_numpy()
    Xf = np.column_stack([np.ones(49), df[["INC", "CRIME"]].to_numpy(), WX])
    b = np.linalg.lstsq(Xf, df["HOVAL"].to_numpy(), rcond=None)[0]
    np.testing.assert_allclose(slx.params.iloc[:5], b, rtol=1e-9)
    sdem = R.fit(df, FORMULA, model="sdem", weights=g)
    assert "lambda" in sdem.params.index and "W_INC" in sdem.params.index
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = spreg.ML_Error(df[["HOVAL"]].to_numpy(), Xf[:, 1:], w=w)
    _close_coef(sdem.params.iloc[:6], m.betas.ravel())
    default = R.fit(df.set_crs(4326, allow_override=True), FORMULA, model="sar")  # queen built from the geometry
    assert default.params["rho"] == pytest.approx(R.fit(df, FORMULA, model="sar", weights=g).params["rho"], abs=1e-6)


# -- panels ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def panel(columbus):
    _, w, g = columbus
    long, ids = _sim_panel(w.sparse, 49, 5, rho=0.35, seed=1)
    gg = libpysal.graph.Graph.from_arrays(*_relabel(g, ids))
    return long, ids, gg, w


def _to_w(gg):
    w = gg.to_W()
    w.transform = "r"
    return w


@pytest.mark.parametrize("model", ["sar", "sem"])
def test_individual_fe_equal_spreg(panel, model):
    long, ids, gg, _ = panel
    wide_y = long.pivot(index="unit", columns="year", values="y").loc[ids].to_numpy()
    wide_x = np.hstack([long.pivot(index="unit", columns="year", values=c).loc[ids].to_numpy() for c in ("x1", "x2")])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = (spreg.ML_LagFE if model == "sar" else spreg.ML_ErrorFE)(wide_y, wide_x, _to_w(gg))
    shuffled = long.sample(frac=1.0, random_state=2)
    res = R.fit(shuffled, "y ~ x1 + x2", model=model, weights=gg, effects="individual", id_column="unit",
                period_column="year", bias_correction=False)
    _close_coef(res.params.iloc[:3], m.betas.ravel())
    np.testing.assert_allclose(res.bse.iloc[:3], m.std_err, rtol=1e-6)
    assert res.llf == pytest.approx(float(np.ravel(m.logll)[0]), abs=1e-6)
    bc = R.fit(long, "y ~ x1 + x2", model=model, weights=gg, effects="individual", id_column="unit",
               period_column="year")
    pd.testing.assert_series_equal(bc.params.iloc[:3], res.params.iloc[:3])
    assert bc.params["sigma2"] == pytest.approx(res.params["sigma2"] * 5 / 4, rel=1e-9)


def test_wide_equals_long(panel):
    long, ids, gg, _ = panel
    wide = long.pivot(index="unit", columns="year", values=["y", "x1", "x2"])
    wide.columns = [f"{v}{p}" for v, p in wide.columns]
    a = R.fit(long, "y ~ x1 + x2", model="sdm", weights=gg, effects="twoway", id_column="unit", period_column="year")
    b = R.fit(wide, "y ~ x1 + x2", model="sdm", weights=gg, effects="twoway", periods=range(2001, 2006))
    pd.testing.assert_series_equal(a.params, b.params, rtol=1e-10)


def _dense_lag_fit(y, wy, X, W, t):
    """Concentrated log-likelihood over ρ with dense slogdet (independent of the package)."""
    nt = y.size
    n = W.shape[0]

    def negll(r):
        b = np.linalg.lstsq(X, y - r * wy, rcond=None)[0]
        e = y - r * wy - X @ b
        return nt / 2 * np.log(e @ e / nt) - t * np.linalg.slogdet(np.eye(n) - r * W)[1]

    rho = minimize_scalar(negll, bounds=(-0.99, 0.99), method="bounded", options={"xatol": 1e-12}).x
    b = np.linalg.lstsq(X, y - rho * wy, rcond=None)[0]
    e = y - rho * wy - X @ b
    return b, rho, e @ e / nt, -negll(rho) - nt / 2 * (np.log(2 * np.pi) + 1)


@pytest.mark.parametrize("effects", ["time", "twoway"])
@pytest.mark.parametrize("model", ["sar", "sdm"])
def test_time_and_twoway_equal_dense(panel, effects, model):
    long, ids, gg, w = panel
    n, t = 49, 5
    W = _to_w(gg).sparse.toarray()
    Q = _Q(n, t, effects)
    Wb = np.kron(np.eye(t), W)
    y = long["y"].to_numpy()
    X = long[["x1", "x2"]].to_numpy()
    if model == "sdm":
        X = np.column_stack([X, Wb @ X])
    yq, wyq, Xq = Q @ y, Q @ (Wb @ y), Q @ X  # lag first, then demean
    b, rho, s2, llf = _dense_lag_fit(yq, wyq, Xq, W, t)
    res = R.fit(long, "y ~ x1 + x2", model=model, weights=gg, effects=effects, id_column="unit",
                period_column="year", bias_correction=False)
    k = X.shape[1]
    np.testing.assert_allclose(res.params.iloc[:k], b, atol=1e-6)
    assert res.params["rho"] == pytest.approx(rho, abs=1e-6)
    assert res.params["sigma2"] == pytest.approx(s2, rel=1e-6)
    assert res.llf == pytest.approx(llf, abs=1e-6)
    # demeaning first and lagging the demeaned data is a different (wrong) estimator for time effects
    wrong = _dense_lag_fit(yq, Wb @ yq, Xq, W, t)[1]
    assert abs(wrong - rho) > 1e-4
    # Elhorst's Lee–Yu correction, recomputed with a dense information matrix
    B = np.linalg.inv(np.eye(n) - rho * W)
    WB = W @ B
    WBb = np.kron(np.eye(t), WB)
    v = WBb @ Xq @ b
    info = np.zeros((k + 2, k + 2))
    info[:k, :k] = Xq.T @ Xq / s2
    info[:k, k] = info[k, :k] = Xq.T @ v / s2
    info[k, k] = t * np.trace(WB @ WB + WB.T @ WB) + v @ v / s2
    info[k, k + 1] = info[k + 1, k] = t * np.trace(WB) / s2
    info[k + 1, k + 1] = n * t / (2 * s2**2)
    bc = R.fit(long, "y ~ x1 + x2", model=model, weights=gg, effects=effects, id_column="unit", period_column="year")
    parm = np.concatenate([b, [rho, s2]])
    if effects == "twoway":
        expect = parm + np.linalg.solve(info / (n * t), np.r_[np.zeros(k), 1 / (1 - rho), 1 / (2 * s2)]) / n
        expect[-1] *= t / (t - 1)
    else:
        expect = parm.copy()
        expect[-1] *= n / (n - 1)
    np.testing.assert_allclose(bc.params.to_numpy(), expect, rtol=1e-5, atol=1e-7)
    if effects == "twoway":
        assert abs(bc.params["rho"] - rho) > 1e-4  # two-way correction moves ρ


def test_twoway_sem_equals_dense(panel):
    long, ids, gg, _ = panel
    n, t = 49, 5
    W = _to_w(gg).sparse.toarray()
    Q = _Q(n, t, "twoway")
    Wb = np.kron(np.eye(t), W)
    y, X = long["y"].to_numpy(), long[["x1", "x2"]].to_numpy()
    yq, wyq, Xq, WXq = Q @ y, Q @ Wb @ y, Q @ X, Q @ Wb @ X

    def negll(lam):
        ys, xs = yq - lam * wyq, Xq - lam * WXq
        e = ys - xs @ np.linalg.lstsq(xs, ys, rcond=None)[0]
        return n * t / 2 * np.log(e @ e / (n * t)) - t * np.linalg.slogdet(np.eye(n) - lam * W)[1]

    lam = minimize_scalar(negll, bounds=(-0.99, 0.99), method="bounded", options={"xatol": 1e-12}).x
    res = R.fit(long, "y ~ x1 + x2", model="sem", weights=gg, effects="twoway", id_column="unit", period_column="year",
                bias_correction=False)
    assert res.params["lambda"] == pytest.approx(lam, abs=1e-6)


# -- effects ---------------------------------------------------------------------------------

def _dense_effects(p, W, k):
    beta, theta, rho = p[:k], p[k : 2 * k], p[-1]
    n = W.shape[0]
    Binv = np.linalg.inv(np.eye(n) - rho * W)
    out = []
    for j in range(k):
        S = Binv @ (beta[j] * np.eye(n) + theta[j] * W)
        d, tot = np.trace(S) / n, S.sum() / n
        out.append([d, tot - d, tot])
    return np.array(out).T  # (3, k)


def test_effects_equal_dense(columbus):
    df, w, g = columbus
    W = w.sparse.toarray()
    res = R.fit(df, FORMULA, model="sdm", weights=g)
    names = ["INC", "CRIME", "W_INC", "W_CRIME", "rho"]
    p = res.params[names].to_numpy()
    V = res.cov.loc[names, names].to_numpy()
    point = _dense_effects(p, W, 2)
    delta = res.effects(method="delta")
    for e, kind in enumerate(("direct", "indirect", "total")):
        np.testing.assert_allclose(delta[kind], point[e], rtol=1e-10)
    # delta-method SEs: numerical gradient of the dense function
    h = 1e-6
    G = np.stack([(_dense_effects(p + h * np.eye(5)[i], W, 2) - _dense_effects(p - h * np.eye(5)[i], W, 2)) / (2 * h)
                  for i in range(5)], axis=-1)
    se = np.sqrt(np.einsum("ekp,pq,ekq->ek", G, V, G))
    for e, kind in enumerate(("direct", "indirect", "total")):
        np.testing.assert_allclose(delta[f"{kind}_se"], se[e], rtol=1e-6)
    # simulation SEs: the same draws through the dense computation
    sim = res.effects(method="simulation", draws=200, seed=7)
    draws = np.random.default_rng(7).multivariate_normal(p, V, size=200, method="eigh")
    dense = np.stack([_dense_effects(d, W, 2) for d in draws])
    for e, kind in enumerate(("direct", "indirect", "total")):
        np.testing.assert_allclose(sim[f"{kind}_se"], dense[:, e].std(axis=0, ddof=1), rtol=1e-9)
    assert list(sim.columns[:4]) == ["direct", "direct_se", "direct_z", "direct_p"]
    pd.testing.assert_frame_equal(sim, res.effects(method="simulation", draws=200, seed=7))
    # the series route (sparse LU, no eigenvalues)
    lu = R.fit(df, FORMULA, model="sdm", weights=g, logdet="lu").effects(method="delta")
    for e, kind in enumerate(("direct", "indirect", "total")):
        np.testing.assert_allclose(lu[kind], point[e], rtol=4e-4)  # measured 1.6e-4 (tr(W^j) exact to j = 4, Hutchinson above)


def test_sar_effects_total_is_beta_over_one_minus_rho(panel):
    long, ids, gg, _ = panel
    res = R.fit(long, "y ~ x1 + x2", model="sar", weights=gg, effects="twoway", id_column="unit", period_column="year")
    eff = res.effects(method="delta")
    rho = res.params["rho"]
    np.testing.assert_allclose(eff["total"], res.params[["x1", "x2"]] / (1 - rho), rtol=1e-12)


# -- tests papers report ----------------------------------------------------------------------

def test_sdm_wald_lr(panel):
    long, ids, gg, _ = panel
    kw = dict(weights=gg, effects="twoway", id_column="unit", period_column="year")
    sdm = R.fit(long, "y ~ x1 + x2", model="sdm", **kw)
    tab = R.sdm_tests(sdm)
    sar = R.fit(long, "y ~ x1 + x2", model="sar", **kw)
    sem = R.fit(long, "y ~ x1 + x2", model="sem", **kw)
    assert tab.at["LR SDM→SAR (θ=0)", "statistic"] == pytest.approx(2 * (sdm.llf - sar.llf), rel=1e-10)
    assert tab.at["LR SDM→SEM (θ+ρβ=0)", "statistic"] == pytest.approx(2 * (sdm.llf - sem.llf), rel=1e-10)
    th = sdm.params[["W_x1", "W_x2"]].to_numpy()
    Vt = sdm.cov.loc[["W_x1", "W_x2"], ["W_x1", "W_x2"]].to_numpy()
    assert tab.at["Wald SDM→SAR (θ=0)", "statistic"] == pytest.approx(th @ np.linalg.solve(Vt, th), rel=1e-10)
    names = ["x1", "x2", "W_x1", "W_x2", "rho"]
    p, V = sdm.params[names].to_numpy(), sdm.cov.loc[names, names].to_numpy()

    def g(q):
        return q[2:4] + q[4] * q[0:2]

    J = np.stack([(g(p + 1e-6 * np.eye(5)[i]) - g(p - 1e-6 * np.eye(5)[i])) / 2e-6 for i in range(5)], axis=1)
    assert tab.at["Wald SDM→SEM (θ+ρβ=0)", "statistic"] == pytest.approx(g(p) @ np.linalg.solve(J @ V @ J.T, g(p)), rel=1e-6)
    assert (tab["dof"] == 2).all() and tab["p"].between(0, 1).all()
    # the DGP has θ = 0: SAR not rejected at 1 %
    assert tab.at["LR SDM→SAR (θ=0)", "p"] > 0.01


def test_fixed_effects_lr_and_hausman(panel):
    long, ids, gg, _ = panel
    kw = dict(weights=gg, id_column="unit", period_column="year")
    res = R.fit(long, "y ~ x1 + x2", model="sar", effects="twoway", **kw)
    tab = R.fixed_effects_tests(res)
    ind = R.fit(long, "y ~ x1 + x2", model="sar", effects="individual", **kw)
    tim = R.fit(long, "y ~ x1 + x2", model="sar", effects="time", **kw)
    assert tab.iloc[0]["statistic"] == pytest.approx(2 * (res.llf - tim.llf), rel=1e-10)
    assert tab.iloc[1]["statistic"] == pytest.approx(2 * (res.llf - ind.llf), rel=1e-10)
    assert list(tab["dof"]) == [48, 4]
    assert (tab["p"] < 1e-6).all()  # the DGP has both effects
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SpatialRegionWarning)  # V_FE − V_RE need not be positive definite
        h = R.hausman(res)
    assert h.iloc[0]["dof"] == 3 and np.isfinite(h.iloc[0]["statistic"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wide_y = long.pivot(index="unit", columns="year", values="y").loc[ids].to_numpy()
        wide_x = np.hstack([long.pivot(index="unit", columns="year", values=c).loc[ids].to_numpy() for c in ("x1", "x2")])
        re = spreg.ML_LagRE(wide_y, wide_x, _to_w(gg))
    d = ind.params.iloc[:3].to_numpy() - re.betas.ravel()[1:4]
    Vd = ind.cov.iloc[:3, :3].to_numpy() - re.vm[1:4, 1:4]
    assert h.iloc[0]["statistic"] == pytest.approx(d @ np.linalg.pinv(Vd) @ d, rel=1e-8)


# -- output -------------------------------------------------------------------------------------

def test_output_tables(columbus, tmp_path):
    df, _, g = columbus
    sar = R.fit(df, FORMULA, model="sar", weights=g)
    sdm = R.fit(df, FORMULA, model="sdm", weights=g)
    frame = sar.to_frame()
    assert list(frame.columns) == ["coef", "std_err", "z", "p", "stars"]
    assert frame.at["CRIME", "p"] < 0.05 and frame.at["CRIME", "stars"] == R.stars(frame.at["CRIME", "p"]) != ""
    table = R.paper_table([sar, sdm])
    assert table.loc["CRIME", "SAR"] == f"{sar.params['CRIME']:.4f}{R.stars(sar.pvalues['CRIME'])}" and table.loc["Log-likelihood", "SDM"] == f"{sdm.llf:.3f}"
    s = sdm.summary()
    text = str(s)
    assert "Direct" in text and "rho" in text and "Log-likelihood" in text
    assert "W\\_INC" in s.to_latex()
    s.to_csv(tmp_path / "s.csv")
    assert (tmp_path / "s.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    pytest.importorskip("openpyxl")
    s.to_excel(tmp_path / "s.xlsx")
    assert (tmp_path / "s.xlsx").stat().st_size > 0
    with pytest.raises(InputError):
        sar.to_gpkg(tmp_path / "x.gpkg")


def test_residual_map(columbus, tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import spatialregion as sr
    from spatialregion import datasets

    panel = datasets.provincial_sdm_panel()
    gdf = sr.load("provinces").merge(panel[panel["year"] == panel["year"].max()], on="adcode")
    w = sr.weights.build(gdf, method="queen", id_column="adcode")
    res = R.fit(gdf, "y ~ x1 + x2", model="sem", weights=w, id_column="adcode")
    frame = res.residual_frame()
    assert isinstance(frame, gpd.GeoDataFrame) and len(frame) == 31
    # the package's map style: std-dev classes of the residuals, legend with counts
    style = res.residual_style()
    r = frame["residual"].to_numpy()
    s = r.std()
    edges = [c.upper for c in style.classes[:-1]]
    np.testing.assert_allclose(edges, [-2 * s, -s, s, 2 * s], rtol=1e-12)
    counts = np.histogram(r, [-np.inf, -2 * s, -s, s, 2 * s, np.inf])[0]
    ax = res.plot()
    ax.figure.savefig(tmp_path / "resid.png")
    assert "residuals" in ax.get_title() and "SEM" in ax.get_title()
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[:5] == [f"{c.label} ({n})" for c, n in zip(style.classes, counts)], legend
    assert any("No data" in t for t in legend)  # whole territory: 台湾, 香港, 澳门 drawn as no data
    texts = [t.get_text() for t in ax.figure.findobj(matplotlib.text.Text)]
    assert "南海诸岛" in texts and "N" in texts and any(t.endswith(" km") for t in texts)  # inset, north arrow, scale bar
    df, _, g = columbus
    df2 = pd.DataFrame(df.drop(columns="geometry"))
    with pytest.raises(InputError, match="geometry"):
        R.fit(df2, FORMULA, model="sem", weights=g).plot()


# -- bad input --------------------------------------------------------------------------------------

def test_bad_input(columbus, panel):
    df, w, g = columbus
    long, ids, gg, _ = panel
    kw = dict(weights=gg, id_column="unit", period_column="year")
    with pytest.raises(InputError, match="unbalanced"):
        R.fit(long.iloc[1:], "y ~ x1 + x2", model="sar", effects="individual", **kw)
    with pytest.raises(InputError, match="more than once"):
        R.fit(pd.concat([long, long.iloc[:1]]), "y ~ x1 + x2", model="sar", **kw)
    coll = df.assign(INC2=2 * df["INC"])
    with pytest.raises(InputError, match="collinearity.*INC2"):
        R.fit(coll, "HOVAL ~ INC + INC2", model="sar", weights=g)
    fixed = long.assign(z=long["unit"] * 1.0)
    with pytest.raises(InputError, match="absorbed"):
        R.fit(fixed, "y ~ x1 + z", model="sar", effects="individual", **kw)
    bad = df.copy()
    bad.loc[3, "INC"] = np.nan
    with pytest.raises(MissingValueError, match="INC"):
        R.fit(bad, FORMULA, model="sar", weights=g)
    with pytest.raises(InputError, match="plain column"):
        R.fit(df, "HOVAL ~ log(INC)", weights=g)
    with pytest.raises(InputError, match="needs a panel"):
        R.fit(df, FORMULA, model="sar", weights=g, effects="twoway")
    with pytest.raises(InputError, match="model"):
        R.fit(df, FORMULA, model="sac", weights=g)
    W = w.sparse.tolil()
    W[0, :] = 0
    W[:, 0] = 0
    with pytest.raises(IslandError, match="without neighbours"):
        R.fit(df, FORMULA, model="sar", weights=sp.csr_matrix(W))
    with pytest.raises(InputError):
        R.sdm_tests(R.fit(df, FORMULA, model="sar", weights=g))


def test_rho_at_bound_warns(columbus):
    with pytest.warns(SpatialRegionWarning, match="edge of the stable interval"):
        x, at = _ml._maximise(lambda r: -r, (-1.0, 1.0), "ρ")
    assert at and x > 0.999
    # end to end: y = the eigenvector of W's smallest eigenvalue ω_min pushes ρ and λ to 1/ω_min
    df, w, g = columbus
    ev, vec = np.linalg.eig(w.sparse.toarray())
    low = np.argmin(ev.real)
    df = df.assign(yb=vec[:, low].real + 1e-6 * np.random.default_rng(0).normal(size=len(df)))
    for model, name in (("sar", "rho"), ("sem", "lambda")):
        with pytest.warns(SpatialRegionWarning, match=f"{name}.*edge of the stable interval"):
            res = R.fit(df, "yb ~ INC", model=model, weights=g)
        assert res.at_bound and res.params[name] == pytest.approx(1.0 / ev.real[low], rel=1e-4)
        assert "edge of the stable interval" in str(res.summary(effects=None))


def test_non_finite_values(columbus, panel):
    df, _, g = columbus
    for bad_value in (np.inf, -np.inf, np.nan):
        bad = df.copy()
        bad.loc[5, "CRIME"] = bad_value
        with pytest.raises(MissingValueError, match="CRIME"):
            R.fit(bad, FORMULA, model="sdm", weights=g)
    long, ids, gg, _ = panel
    bad = long.copy()
    bad.loc[bad.index[7], "y"] = np.inf
    with pytest.raises(MissingValueError, match="'y'|y"):
        R.fit(bad, "y ~ x1 + x2", model="sdm", weights=gg, effects="twoway", id_column="unit", period_column="year")
    W = sp.csr_matrix(g.sparse)
    W.data[0] = np.nan
    with pytest.raises(InputError, match=r"non-finite entries.*\[0\]"):
        R.fit(df, FORMULA, model="sar", weights=W)


# -- NAT (spreg's own panel test data) ---------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("model", ["sar", "sem"])
def test_nat_equal_spreg(model):
    from spatialregion import datasets

    df, g = datasets.nat(), datasets.nat_weights()
    res = R.fit(df, "HR ~ RD + PS", model=model, weights=g, effects="individual", id_column="FIPSNO",
                periods=["70", "80", "90"], bias_correction=False)
    w = g.to_W()
    w.transform = "r"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = (spreg.ML_LagFE if model == "sar" else spreg.ML_ErrorFE)(
            df[["HR70", "HR80", "HR90"]].to_numpy(), df[["RD70", "RD80", "RD90", "PS70", "PS80", "PS90"]].to_numpy(), w)
    _close_coef(res.params.iloc[:3], m.betas.ravel())
    np.testing.assert_allclose(res.bse.iloc[:3], m.std_err, rtol=1e-5)
    assert res.llf == pytest.approx(float(np.ravel(m.logll)[0]), abs=1e-5)
    if model == "sar":  # the values in spreg's test suite (README of the data)
        _close_coef(res.params[["RD", "PS", "rho"]], [0.80058859, -2.60035236, 0.19030424])


def test_cli_regress(tmp_path):
    from typer.testing import CliRunner

    import spatialregion as sr
    from spatialregion import cli, datasets

    cli._register_all()
    app = cli.app

    csv = datasets.table_path("provincial_sdm_panel.csv")
    r = CliRunner().invoke(app, ["regress", "provinces", "--table", str(csv), "--key", "adcode", "--year-column", "year",
                                 "--y", "y", "--x", "x1,x2", "--model", "sdm", "--effects", "twoway", "-o", str(tmp_path)])
    assert r.exit_code == 0, r.output
    coef = pd.read_csv(tmp_path / "regress_coefficients.csv", encoding="utf-8-sig").set_index("parameter")
    ref = R.fit(datasets.provincial_sdm_panel(), "y ~ x1 + x2", model="sdm", effects="twoway", id_column="adcode",
                period_column="year", weights=sr.weights.build(sr.load("provinces"), method="queen", id_column="adcode"))
    np.testing.assert_allclose(coef["coef"].to_numpy(), ref.params.to_numpy(), rtol=1e-10)
    assert (tmp_path / "regress_sdm_tests.csv").exists() and "Wald SDM" in r.output
