"""Maximum-likelihood kernels on stacked arrays (period-major: T blocks of N).

Cross-sections are the case T = 1 without fixed effects.  Lag models (SAR,
SDM): y = ρWy + Xβ + ε; error models (SEM, SDEM): y = Xβ + u, u = λWu + ε.
With fixed effects the data are transformed *after* the spatial lags are
formed (Wy, WX from the raw data, then the within transformation Q), and the
log-likelihood is the direct approach of Elhorst (2014, ch. 3):

    log L = −NT/2 log(2πσ²) + T log|I − ρW| − ε'ε/(2σ²),

concentrated in ρ (or λ) and maximised by bounded Brent search on the stable
interval.  Standard errors come from the analytic information matrix
(Anselin 1988, eq. 6.5; Elhorst 2014, eq. 3.6), as spreg and Elhorst's code.

References: Anselin L. (1988) Spatial Econometrics: Methods and Models;
Elhorst J.P. (2014) Spatial Econometrics: From Cross-Sectional Data to
Spatial Panels; Lee L.-F., Yu J. (2010) J. Econometrics 154: 165–185.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize_scalar

from ..errors import ConvergenceWarning, SpatialRegionWarning
from ._logdet import Spectrum

_LN2PI = np.log(2.0 * np.pi)


def within(a: np.ndarray, n: int, t: int, effects: str | None) -> np.ndarray:
    """The within transformation Q·a of stacked rows (period-major).

    ``individual``: minus unit means; ``time``: minus period means;
    ``twoway``: minus both plus the grand mean.
    """
    if effects is None:
        return a
    shape = a.shape
    A = a.reshape(t, n, -1)
    if effects in ("individual", "twoway"):
        A = A - A.mean(axis=0, keepdims=True)
    if effects in ("time", "twoway"):
        A = A - A.mean(axis=1, keepdims=True)
    return A.reshape(shape)


def lag(W, a: np.ndarray, n: int, t: int) -> np.ndarray:
    """(I_T ⊗ W)·a for stacked rows."""
    A = a.reshape(t, n, -1)
    out = np.stack([W @ A[s] for s in range(t)])
    return out.reshape(a.shape)


def fe_dof(n: int, t: int, effects: str | None) -> int:
    """Rank of Q: the observations left after the fixed effects."""
    return {None: n * t, "individual": n * (t - 1), "time": (n - 1) * t, "twoway": (n - 1) * (t - 1)}[effects]


@dataclass
class MLFit:
    """Raw output of one ML fit (params ordered β…, ρ|λ, σ²)."""

    params: np.ndarray
    cov: np.ndarray
    llf: float
    resid: np.ndarray
    fitted: np.ndarray
    at_bound: bool = False
    bias: np.ndarray | None = None


def _maximise(neg_llf, bounds: tuple[float, float], what: str) -> tuple[float, bool]:
    lo, hi = bounds
    lo = max(lo, -0.999999) if np.isinf(lo) else lo
    span = hi - lo
    eps = 1e-7 * span
    res = minimize_scalar(neg_llf, bounds=(lo + eps, hi - eps), method="bounded", options={"xatol": 1e-11, "maxiter": 500})
    if not res.success:  # pragma: no cover - bounded Brent converges on a continuous function
        warnings.warn(f"the search for {what} did not converge: {res.message}", ConvergenceWarning, stacklevel=4)
    x = float(res.x)
    at_bound = min(x - lo, hi - x) < 1e-4 * span
    if at_bound:
        warnings.warn(
            f"{what} = {x:.6f} is at the edge of the stable interval ({lo:.4f}, {hi:.4f}); the likelihood has no "
            "interior maximum, so estimates and standard errors are unreliable — check the model (omitted "
            "variables, fixed effects) and the weights",
            SpatialRegionWarning,
            stacklevel=4,
        )
    return x, at_bound


def _inv(info: np.ndarray) -> np.ndarray:
    try:
        return np.linalg.inv(info)
    except np.linalg.LinAlgError:  # pragma: no cover - singular only for degenerate designs
        return np.full_like(info, np.nan)


# -- lag models (SAR, SDM) ------------------------------------------------------

def lag_info(beta: np.ndarray, rho: float, sigma2: float, X: np.ndarray, spec: Spectrum, t: int) -> np.ndarray:
    """Information matrix of (β, ρ, σ²) of the lag model (Elhorst's sar_panel_FE; spreg ML_Lag)."""
    n = spec.n
    k = X.shape[1]
    tr1, tr2, tr3 = spec.info_traces(rho)
    solve = spec.solver(rho)
    xb = (X @ beta).reshape(t, n).T  # N × T
    wpy = (spec.W @ solve(xb)).T.reshape(-1)  # (I_T ⊗ WB) Xβ
    info = np.zeros((k + 2, k + 2))
    info[:k, :k] = X.T @ X / sigma2
    info[:k, k] = info[k, :k] = X.T @ wpy / sigma2
    info[k, k] = t * (tr2 + tr3) + wpy @ wpy / sigma2
    info[k, k + 1] = info[k + 1, k] = t * tr1 / sigma2
    info[k + 1, k + 1] = n * t / (2.0 * sigma2**2)
    return info


def fit_lag(y: np.ndarray, wy: np.ndarray, X: np.ndarray, spec: Spectrum, t: int) -> tuple[np.ndarray, float, float, float, bool]:
    """ML of y = ρWy + Xβ + ε on transformed arrays; returns (β, ρ, σ², llf, at_bound)."""
    nt = y.size
    XtX_inv_Xt = np.linalg.solve(X.T @ X, X.T)
    b0 = XtX_inv_Xt @ y
    bd = XtX_inv_Xt @ wy
    e0 = y - X @ b0
    ed = wy - X @ bd
    a00, a01, a11 = e0 @ e0, e0 @ ed, ed @ ed

    def neg(rho: float) -> float:
        ssr = a00 - 2 * rho * a01 + rho * rho * a11
        return nt / 2.0 * np.log(ssr / nt) - t * spec.logdet(rho)

    rho, at_bound = _maximise(neg, spec.bounds, "ρ (rho)")
    sigma2 = (a00 - 2 * rho * a01 + rho * rho * a11) / nt
    llf = -neg(rho) - nt / 2.0 * (_LN2PI + 1.0)
    return b0 - rho * bd, rho, float(sigma2), float(llf), at_bound


# -- error models (SEM, SDEM) ---------------------------------------------------

def _error_gls(lam: float, y, wy, X, WX):
    ys = y - lam * wy
    xs = X - lam * WX
    beta = np.linalg.solve(xs.T @ xs, xs.T @ ys)
    e = ys - xs @ beta
    return beta, e, xs


def error_info(lam: float, sigma2: float, xs: np.ndarray, spec: Spectrum, t: int) -> np.ndarray:
    """Information matrix of (β, λ, σ²) of the error model (block diagonal in β; spreg ML_Error)."""
    n = spec.n
    k = xs.shape[1]
    tr1, tr2, tr3 = spec.info_traces(lam)
    info = np.zeros((k + 2, k + 2))
    info[:k, :k] = xs.T @ xs / sigma2
    info[k, k] = t * (tr2 + tr3)
    info[k, k + 1] = info[k + 1, k] = t * tr1 / sigma2
    info[k + 1, k + 1] = n * t / (2.0 * sigma2**2)
    return info


def fit_error(y, wy, X, WX, spec: Spectrum, t: int) -> tuple[np.ndarray, float, float, float, bool]:
    """ML of y = Xβ + u, u = λWu + ε on transformed arrays; returns (β, λ, σ², llf, at_bound)."""
    nt = y.size

    def neg(lam: float) -> float:
        _, e, _ = _error_gls(lam, y, wy, X, WX)
        return nt / 2.0 * np.log(e @ e / nt) - t * spec.logdet(lam)

    lam, at_bound = _maximise(neg, spec.bounds, "λ (lambda)")
    beta, e, _ = _error_gls(lam, y, wy, X, WX)
    llf = -neg(lam) - nt / 2.0 * (_LN2PI + 1.0)
    return beta, lam, float(e @ e / nt), float(llf), at_bound


# -- Lee–Yu bias correction -------------------------------------------------------

def lee_yu(params: np.ndarray, info: np.ndarray, n: int, t: int, effects: str | None) -> np.ndarray:
    """Lee & Yu (2010) bias-corrected (β, ρ, σ²) as Elhorst's sar/sem_panel_FE (info.bc = 1).

    individual effects: σ² ← σ²·T/(T−1); time effects: σ² ← σ²·N/(N−1);
    two-way: θ ← θ + (I(θ)/NT)⁻¹·[0, 1/(1−ρ), 1/(2σ²)]'/N, then σ² ← σ²·T/(T−1).
    """
    out = params.copy()
    if effects == "individual":
        out[-1] *= t / (t - 1)
    elif effects == "time":
        out[-1] *= n / (n - 1)
    elif effects == "twoway":
        k = params.size - 2
        rho, sigma2 = params[-2], params[-1]
        g = np.concatenate([np.zeros(k), [1.0 / (1.0 - rho), 1.0 / (2.0 * sigma2)]])
        out = params + np.linalg.solve(info / (n * t), g) / n
        out[-1] *= t / (t - 1)
    return out


def run_lag(y, wy, X, spec: Spectrum, t: int, effects: str | None, bias_correction: bool) -> MLFit:
    """Fit, bias-correct (optionally) and compute the covariance of a lag model."""
    beta, rho, sigma2, llf, at_bound = fit_lag(y, wy, X, spec, t)
    params = np.concatenate([beta, [rho, sigma2]])
    bias = None
    if bias_correction and effects is not None:
        info0 = lag_info(beta, rho, sigma2, X, spec, t) if effects == "twoway" else None
        new = lee_yu(params, info0, spec.n, t, effects)
        bias, params = new - params, new
    k = X.shape[1]
    info = lag_info(params[:k], params[k], params[k + 1], X, spec, t)
    resid = y - params[k] * wy - X @ params[:k]
    return MLFit(params, _inv(info), llf, resid, y - resid, at_bound, bias)


def run_error(y, wy, X, WX, spec: Spectrum, t: int, effects: str | None, bias_correction: bool) -> MLFit:
    """Fit, bias-correct (optionally) and compute the covariance of an error model."""
    beta, lam, sigma2, llf, at_bound = fit_error(y, wy, X, WX, spec, t)
    params = np.concatenate([beta, [lam, sigma2]])
    bias = None
    k = X.shape[1]
    if bias_correction and effects is not None:
        info0 = error_info(lam, sigma2, X - lam * WX, spec, t) if effects == "twoway" else None
        new = lee_yu(params, info0, spec.n, t, effects)
        bias, params = new - params, new
    lam = params[k]
    xs = X - lam * WX
    info = error_info(lam, params[k + 1], xs, spec, t)
    resid = (y - lam * wy) - xs @ params[:k]
    return MLFit(params, _inv(info), llf, resid, X @ params[:k], at_bound, bias)


def run_ols(y, X, dof: int) -> MLFit:
    """OLS with σ² = e'e/(dof − k) for the covariance and the Gaussian log-likelihood at σ²_ML = e'e/NT."""
    nt, k = X.shape
    XtXi = np.linalg.inv(X.T @ X)
    beta = XtXi @ (X.T @ y)
    e = y - X @ beta
    s2 = e @ e / (dof - k)
    llf = -nt / 2.0 * (_LN2PI + np.log(e @ e / nt) + 1.0)
    cov = np.zeros((k + 1, k + 1))
    cov[:k, :k] = s2 * XtXi
    cov[k, k] = 2.0 * s2**2 / (dof - k)
    return MLFit(np.concatenate([beta, [s2]]), cov, float(llf), e, y - e)
