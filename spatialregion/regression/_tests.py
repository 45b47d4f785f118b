"""The specification tests papers report after a spatial panel model.

* :func:`sdm_tests` — Wald and LR tests of the SDM against the SAR (H0: θ = 0)
  and against the SEM (H0: θ + ρβ = 0, the common-factor restriction), each
  χ² with k dof (Elhorst 2014, §2.7; LeSage & Pace 2009, §6.1).
* :func:`fixed_effects_tests` — LR tests of the joint significance of the
  individual (spatial) fixed effects (two-way against time-only, χ² with N − 1
  dof) and of the time fixed effects (two-way against individual-only, χ²
  with T − 1 dof) (Elhorst 2014, §3.5).
* :func:`hausman` — fixed against random individual effects: H = d'(V_FE −
  V_RE)⁻¹d over β and ρ/λ, χ² with their number as dof (Hausman 1978; Elhorst
  2014, §3.4).  The random-effects model is spreg's ``ML_LagRE`` /
  ``ML_ErrorRE`` (Elhorst 2003) on the same data.
"""

from __future__ import annotations

import contextlib
import io
import warnings

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import InputError, SpatialRegionWarning
from ._fit import estimate
from ._results import RegressionResult

_COLUMNS = ["statistic", "dof", "p"]


def _refit(result: RegressionResult, model: str, effects: str | None) -> RegressionResult:
    st = result._state
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SpatialRegionWarning)
        return estimate(st.design, model, effects, bias_correction=result.bias_correction,
                        spectrum=st.spectrum, formula=result.formula, logdet=st.logdet_method)


def _row(stat: float, dof: int) -> list[float]:
    return [float(stat), int(dof), float(stats.chi2.sf(stat, dof))]


def sdm_tests(result: RegressionResult) -> pd.DataFrame:
    """Wald and LR tests of SDM → SAR (θ = 0) and SDM → SEM (θ + ρβ = 0).

    Parameters
    ----------
    result : RegressionResult
        A fitted ``model="sdm"``; the SAR and SEM for the LR tests are fitted on
        the same data with the same fixed effects and bias correction.

    Returns
    -------
    pandas.DataFrame
        Rows ``Wald SDM→SAR``, ``LR SDM→SAR``, ``Wald SDM→SEM``, ``LR SDM→SEM``;
        columns ``statistic, dof, p``.  The Wald SDM→SEM test uses the delta
        method for g = θ + ρβ with Jacobian [ρI, I, β].
    """
    if result.model != "sdm":
        raise InputError(f"sdm_tests needs a model='sdm' result, got model={result.model!r}")
    names = list(result.params.index)
    base = [c for c in names if f"W_{c}" in names]
    ib = [names.index(c) for c in base]
    it = [names.index(f"W_{c}") for c in base]
    ir = names.index("rho")
    p = result.params.to_numpy()
    V = result.cov.to_numpy()
    k = len(base)
    theta = p[it]
    w_sar = theta @ np.linalg.solve(V[np.ix_(it, it)], theta)
    beta, rho = p[ib], p[ir]
    g = theta + rho * beta
    pos = ib + it + [ir]
    G = np.hstack([rho * np.eye(k), np.eye(k), beta[:, None]])
    w_sem = g @ np.linalg.solve(G @ V[np.ix_(pos, pos)] @ G.T, g)
    sar = _refit(result, "sar", result.fixed_effects)
    sem = _refit(result, "sem", result.fixed_effects)
    rows = {
        "Wald SDM→SAR (θ=0)": _row(w_sar, k),
        "LR SDM→SAR (θ=0)": _row(2.0 * (result.llf - sar.llf), k),
        "Wald SDM→SEM (θ+ρβ=0)": _row(w_sem, k),
        "LR SDM→SEM (θ+ρβ=0)": _row(2.0 * (result.llf - sem.llf), k),
    }
    return pd.DataFrame.from_dict(rows, orient="index", columns=_COLUMNS).rename_axis("test")


def fixed_effects_tests(result: RegressionResult) -> pd.DataFrame:
    """LR tests of the individual and the time fixed effects of a panel model.

    Parameters
    ----------
    result : RegressionResult
        A panel result; the same model is fitted with two-way, individual-only
        and time-only effects.

    Returns
    -------
    pandas.DataFrame
        ``LR individual FE`` (two-way vs time: 2Δllf ~ χ²(N − 1)) and ``LR time
        FE`` (two-way vs individual: 2Δllf ~ χ²(T − 1)); columns ``statistic,
        dof, p`` and the log-likelihoods compared.
    """
    if result.n_periods < 2:
        raise InputError("fixed_effects_tests needs a panel result (T ≥ 2)")
    fits = {e: (result if result.fixed_effects == e else _refit(result, result.model, e)) for e in ("twoway", "individual", "time")}
    n, t = result.n_units, result.n_periods
    rows = {
        "LR individual FE (two-way vs time)": _row(2.0 * (fits["twoway"].llf - fits["time"].llf), n - 1)
        + [fits["twoway"].llf, fits["time"].llf],
        "LR time FE (two-way vs individual)": _row(2.0 * (fits["twoway"].llf - fits["individual"].llf), t - 1)
        + [fits["twoway"].llf, fits["individual"].llf],
    }
    return pd.DataFrame.from_dict(rows, orient="index", columns=[*_COLUMNS, "llf_unrestricted", "llf_restricted"]).rename_axis("test")


def _libpysal_w(W):
    from libpysal.weights import WSP

    return WSP(W.tocsr()).to_W(silence_warnings=True)


def hausman(result: RegressionResult) -> pd.DataFrame:
    """Hausman test of individual fixed effects against random effects.

    Parameters
    ----------
    result : RegressionResult
        A SAR/SEM/SDM/SDEM panel result; it is refitted with individual fixed
        effects if it has other effects.

    Returns
    -------
    pandas.DataFrame
        One row ``Hausman (FE vs RE)`` with ``statistic, dof, p``; a
        significant statistic rejects random effects.  When V_FE − V_RE is not
        positive definite the Moore–Penrose inverse is used and a warning says so.
    """
    import spreg

    if result.model not in ("sar", "sdm", "sem", "sdem") or result.n_periods < 2:
        raise InputError("hausman needs a spatial panel result (model sar/sem/sdm/sdem, T ≥ 2)")
    fe = result if result.fixed_effects == "individual" else _refit(result, result.model, "individual")
    d = fe._state.design
    from ._data import model_matrix

    X, names = model_matrix(d, fe.model, "individual")
    w = _libpysal_w(d.W)
    lag = fe.model in ("sar", "sdm")
    cls = spreg.ML_LagRE if lag else spreg.ML_ErrorRE
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):  # spreg prints its title
        warnings.simplefilter("ignore")
        re = cls(d.y[:, None], X, w)
    k = len(names)
    b_re = np.asarray(re.betas).ravel()[1 : k + 2]  # drop the constant; β…, ρ/λ
    v_re = np.asarray(re.vm)[1 : k + 2, 1 : k + 2]
    sel = list(range(k + 1))
    b_fe = fe.params.to_numpy()[sel]
    v_fe = fe.cov.to_numpy()[np.ix_(sel, sel)]
    diff = b_fe - b_re
    Vd = v_fe - v_re
    if np.any(np.linalg.eigvalsh((Vd + Vd.T) / 2) <= 0):
        warnings.warn("V_FE − V_RE is not positive definite; the Hausman statistic uses its pseudo-inverse",
                      SpatialRegionWarning, stacklevel=2)
        stat = diff @ np.linalg.pinv(Vd) @ diff
    else:
        stat = diff @ np.linalg.solve(Vd, diff)
    out = pd.DataFrame.from_dict({"Hausman (FE vs RE)": _row(stat, k + 1)}, orient="index", columns=_COLUMNS)
    return out.rename_axis("test")
