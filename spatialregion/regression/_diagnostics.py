"""Spatial diagnostics of OLS residuals: Moran's I and the LM tests.

With e the OLS residuals of the (within-transformed) regression, σ² = e'e/NT,
𝒲 = I_T ⊗ W, T_W = T·tr(W'W + WW) and Wy, WX lagged before the within
transformation Q:

* LM-error  = (e'𝒲e/σ²)² / T_W
* LM-lag    = (e'𝒲y/σ²)² / J,  J = [(Q𝒲Xβ)'M(Q𝒲Xβ) + T_W σ²] / σ²
* robust LM-lag   = (e'𝒲y/σ² − e'𝒲e/σ²)² / (J − T_W)
* robust LM-error = (e'𝒲e/σ² − (T_W/J)·e'𝒲y/σ²)² / (T_W (1 − T_W/J))
* LM-SARMA = robust LM-lag + LM-error (χ²₂)

(Anselin, Bera, Florax & Yoon 1996, Regional Science and Urban Economics 26:
77–104; the panel forms as Elhorst's LMsarsem_panel, Elhorst 2014 §3.5.)
Moran's I = (N/S0)·e'𝒲e/e'e with its exact mean and variance under normal
errors for residuals M̃ε, M̃ = Q − QX(X'QX)⁻¹X'Q (Cliff & Ord 1981, §8.3),
the traces taken through the Kronecker form Q = Q_T ⊗ Q_N.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy import stats

from ._ml import lag, within

ROWS = ("Moran's I (residuals)", "LM-lag", "Robust LM-lag", "LM-error", "Robust LM-error", "LM-SARMA")


def _q_traces(W: sp.csr_matrix, n: int, t: int, effects: str | None) -> tuple[float, float, float, float]:
    """tr(Q𝒲), tr(Q𝒲Q𝒲'), tr(Q𝒲Q𝒲) and tr(Q) for Q = Q_T ⊗ Q_N, 𝒲 = I_T ⊗ W."""
    tq = t - 1 if effects in ("individual", "twoway") else t
    trW = W.diagonal().sum()
    trWWt = W.multiply(W).sum()
    trWW = W.multiply(W.T).sum()
    nq = n
    if effects in ("time", "twoway"):
        one = np.ones(n)
        w1, wt1 = W @ one, W.T @ one
        s = w1.sum()
        trW -= s / n
        trWWt += -(w1 @ w1) / n - (wt1 @ wt1) / n + s * s / n**2
        trWW += -2.0 * (wt1 @ w1) / n + s * s / n**2
        nq = n - 1
    return tq * trW, tq * trWWt, tq * trWW, tq * nq


def moran_residuals(e: np.ndarray, Xt: np.ndarray, W: sp.csr_matrix, n: int, t: int, effects: str | None) -> tuple[float, float, float, float]:
    """Moran's I of (within) OLS residuals with its exact mean and variance: (I, E[I], z, p two-sided)."""
    We = lag(W, e, n, t)
    S0 = W.sum()
    I = n / S0 * (e @ We) / (e @ e)
    A = np.linalg.inv(Xt.T @ Xt)
    WX = lag(W, Xt, n, t)
    WtX = lag(W.T.tocsr(), Xt, n, t)
    XWX = Xt.T @ WX
    trQW, trQWQWt, trQWQW, trQ = _q_traces(W, n, t, effects)
    tr_mw = trQW - np.trace(A @ XWX)
    QWX = within(WX, n, t, effects)
    QWtX = within(WtX, n, t, effects)
    tr_mwmwt = trQWQWt - np.trace(A @ (WX.T @ QWX)) - np.trace(A @ (WtX.T @ QWtX)) + np.trace(A @ XWX @ A @ XWX.T)
    tr_mwmw = trQWQW - 2.0 * np.trace(A @ (WtX.T @ QWX)) + np.trace(A @ XWX @ A @ XWX)
    r = trQ - Xt.shape[1]
    scale = n / S0
    mean = scale * tr_mw / r
    var = scale**2 * (tr_mwmwt + tr_mwmw + tr_mw**2) / (r * (r + 2.0)) - mean**2
    z = (I - mean) / np.sqrt(var)
    return float(I), float(mean), float(z), float(2.0 * stats.norm.sf(abs(z)))


def lm_table(y_raw: np.ndarray, X_raw: np.ndarray, W: sp.csr_matrix, n: int, t: int, effects: str | None) -> pd.DataFrame:
    """The diagnostics table (statistic, dof, p; z and E[I] for Moran's I) of the OLS fit of y on X."""
    y = within(y_raw, n, t, effects)
    X = within(X_raw, n, t, effects)
    beta = np.linalg.lstsq(X, y, rcond=None)[0]
    e = y - X @ beta
    nt = y.size
    s2 = e @ e / nt
    wy = within(lag(W, y_raw, n, t), n, t, effects)
    We = lag(W, e, n, t)
    wxb = within(lag(W, X_raw @ beta, n, t), n, t, effects)
    mwxb = wxb - X @ np.linalg.lstsq(X, wxb, rcond=None)[0]
    tw = t * (W.multiply(W).sum() + W.multiply(W.T).sum())
    J = (wxb @ mwxb + tw * s2) / s2
    dl = e @ wy / s2
    de = e @ We / s2
    lm_lag = dl**2 / J
    lm_err = de**2 / tw
    rlm_lag = (dl - de) ** 2 / (J - tw)
    rlm_err = (de - tw / J * dl) ** 2 / (tw * (1.0 - tw / J))
    sarma = rlm_lag + lm_err
    I, EI, z, p = moran_residuals(e, X, W, n, t, effects)
    stat = [I, lm_lag, rlm_lag, lm_err, rlm_err, sarma]
    dof = [np.nan, 1, 1, 1, 1, 2]
    pv = [p] + [float(stats.chi2.sf(s, d)) for s, d in zip(stat[1:], dof[1:])]
    return pd.DataFrame(
        {"statistic": stat, "dof": dof, "p": pv, "z": [z] + [np.nan] * 5, "expected": [EI] + [np.nan] * 5},
        index=pd.Index(ROWS, name="test"),
    )
