"""The public front: :func:`fit` and :func:`lm_tests`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._validation import check_choice
from ..errors import InputError
from . import _ml
from ._data import Design, build_design, check_rank, model_matrix
from ._diagnostics import lm_table
from ._logdet import Spectrum
from ._results import RegressionResult


@dataclass(frozen=True, eq=False)
class _State:
    """What refits, effects and tests need besides the published numbers."""

    design: Design
    spectrum: Spectrum | None
    dof: int
    one_w_one: float
    logdet_method: str


def estimate(d: Design, model: str, effects: str | None, *, bias_correction: bool, spectrum: Spectrum | None,
             formula: str, logdet: str = "auto") -> RegressionResult:
    """Fit ``model`` with ``effects`` on a prepared design (shared by :func:`fit` and the tests' refits)."""
    check_choice("model", model, ("ols", "slx", "sar", "sem", "sdm", "sdem"))
    if effects is not None and d.t < 2:
        raise InputError(f"effects={effects!r} needs at least two periods")
    n, t = d.n, d.t
    X, names = model_matrix(d, model, effects)
    Xt = _ml.within(X, n, t, effects)
    yt = _ml.within(d.y, n, t, effects)
    check_rank(Xt, names)
    if np.ptp(yt) < 1e-12 * (1 + np.abs(yt).max()):
        raise InputError(f"the response {d.yname!r} is constant after the fixed-effects transformation")
    dof = _ml.fe_dof(n, t, effects)
    diagnostics = None
    spatial = model in ("sar", "sem", "sdm", "sdem")
    if spatial and spectrum is None:
        spectrum = Spectrum(d.W, method=logdet)
    if model in ("ols", "slx"):
        res = _ml.run_ols(yt, Xt, dof)
        diagnostics = lm_table(d.y, X, d.W, n, t, effects)
        extra: list[str] = []
    elif model in ("sar", "sdm"):
        wy = _ml.within(_ml.lag(d.W, d.y, n, t), n, t, effects)
        res = _ml.run_lag(yt, wy, Xt, spectrum, t, effects, bias_correction)
        extra = ["rho"]
    else:
        wy = _ml.within(_ml.lag(d.W, d.y, n, t), n, t, effects)
        WX = _ml.within(_ml.lag(d.W, X, n, t), n, t, effects)
        res = _ml.run_error(yt, wy, Xt, WX, spectrum, t, effects, bias_correction)
        extra = ["lambda"]
    index = pd.Index([*names, *extra, "sigma2"], name="parameter")
    params = pd.Series(res.params, index=index)
    cov = pd.DataFrame(res.cov, index=index, columns=index)
    r2 = float(np.corrcoef(yt, res.fitted)[0, 1] ** 2)
    bias = None if res.bias is None else pd.Series(res.bias, index=index)
    one_w_one = float(d.W.sum() / n)
    return RegressionResult(
        model=model, formula=formula, params=params, cov=cov, llf=res.llf, nobs=n * t, n_units=n, n_periods=t,
        fixed_effects=effects, bias_correction=bool(bias_correction and effects is not None), transform=d.transform,
        logdet=None if spectrum is None else spectrum.method, r2=r2, resid=res.resid, fitted=res.fitted,
        ids=d.ids, periods=d.periods, diagnostics=diagnostics, bias=bias, at_bound=res.at_bound,
        _state=_State(d, spectrum, dof, one_w_one, logdet), geometry=d.geometry,
    )


def fit(
    data: Any,
    formula: str,
    *,
    model: str = "ols",
    weights: Any = None,
    effects: str | None = None,
    id_column: str | None = None,
    period_column: str | None = None,
    periods: Sequence[Any] | None = None,
    bias_correction: bool = True,
    transform: str = "R",
    logdet: str = "auto",
) -> RegressionResult:
    """Fit a spatial regression by maximum likelihood (OLS for ``"ols"``/``"slx"``).

    Models (Anselin 1988; LeSage & Pace 2009; Elhorst 2014):

    * ``"ols"``  y = Xβ + ε, with Moran's I and the LM tests of its residuals
    * ``"slx"``  y = Xβ + WXθ + ε (OLS)
    * ``"sar"``  y = ρWy + Xβ + ε
    * ``"sem"``  y = Xβ + u, u = λWu + ε
    * ``"sdm"``  y = ρWy + Xβ + WXθ + ε
    * ``"sdem"`` y = Xβ + WXθ + u, u = λWu + ε

    Parameters
    ----------
    data : pandas.DataFrame or geopandas.GeoDataFrame
        A cross-section (one row per unit), a long panel (``id_column`` and
        ``period_column``) or a wide panel (``periods``).
    formula : str
        ``"y ~ x1 + x2"``: plain column names (wide panels: the stems; column
        ``f"{stem}{period}"`` holds a period).  A constant is added when there
        are no fixed effects.
    model : {"ols", "slx", "sar", "sem", "sdm", "sdem"}
    weights : libpysal Graph or W, scipy sparse, method name, optional
        Spatial weights; None = queen contiguity of the GeoDataFrame.  Units
        are aligned to the weights by id (``id_column`` or the index), whatever
        the row order.  Units without neighbours raise :class:`IslandError`.
    effects : {None, "individual", "time", "twoway"}
        Fixed effects of a panel, removed by the within transformation after the
        spatial lags Wy, WX are formed from the raw data.
    id_column, period_column : str, optional
        Unit ids (cross-sections too) and periods of a long panel; the panel
        must be balanced.
    periods : sequence, optional
        Period suffixes of a wide panel.
    bias_correction : bool
        Lee & Yu (2010) correction with fixed effects, as Elhorst's code:
        σ²·T/(T−1) with individual, σ²·N/(N−1) with time effects; with two-way
        effects also ρ/λ and β (see :func:`spatialregion.regression._ml.lee_yu`).
    transform : {"R", "B", "O"}
        Transform of the weights; default row-standardised (as spreg, GeoDa,
        Elhorst).
    logdet : {"auto", "eigen", "lu"}
        log|I − ρW| by eigenvalues (default for N ≤ 3,000) or exact sparse LU.

    Returns
    -------
    RegressionResult
        ``params``, ``bse``, ``tvalues``, ``pvalues``, ``llf``, ``aic``,
        ``nobs``, ``summary()``, ``to_frame()``, ``effects()``.

    Raises
    ------
    InputError
        Unknown columns, non-finite values, unbalanced panels, perfect
        collinearity or regressors absorbed by the fixed effects.
    IslandError, AlignmentError
        Units without neighbours; weights and data on different units.
    """
    check_choice("logdet", logdet, ("auto", "eigen", "lu"))
    d = build_design(data, formula, model=model, weights=weights, effects=effects, id_column=id_column,
                     period_column=period_column, periods=periods, transform=transform)
    return estimate(d, model, effects, bias_correction=bias_correction, spectrum=None, formula=formula, logdet=logdet)


def lm_tests(
    data: Any,
    formula: str,
    *,
    weights: Any = None,
    effects: str | None = None,
    id_column: str | None = None,
    period_column: str | None = None,
    periods: Sequence[Any] | None = None,
    transform: str = "R",
) -> pd.DataFrame:
    """Moran's I of the OLS residuals, LM-lag, LM-error, their robust forms and LM-SARMA.

    Cross-sections: Anselin, Bera, Florax & Yoon (1996), equal to spreg's
    ``OLS(spat_diag=True, moran=True)``; panels (pooled or with fixed effects):
    the same statistics on the (within-transformed) OLS residuals with
    T·tr(W'W + WW), as Elhorst's LMsarsem_panel (Elhorst 2014, §3.5).

    Parameters
    ----------
    data, formula, weights, effects, id_column, period_column, periods, transform
        As :func:`fit`.

    Returns
    -------
    pandas.DataFrame
        Rows Moran's I, LM-lag, Robust LM-lag, LM-error, Robust LM-error,
        LM-SARMA; columns ``statistic``, ``dof`` (χ² degrees of freedom), ``p``,
        and for Moran's I ``z`` and ``expected`` (p two-sided normal).
    """
    return fit(data, formula, model="ols", weights=weights, effects=effects, id_column=id_column,
               period_column=period_column, periods=periods, transform=transform).diagnostics
