"""Result objects and paper-style tables of the regression models."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from ..results import Summary, SummaryTable, TableResult
from . import _effects

MODEL_NAMES = {
    "ols": "OLS",
    "slx": "SLX (spatial lag of X)",
    "sar": "SAR (spatial lag) 空间滞后模型",
    "sem": "SEM (spatial error) 空间误差模型",
    "sdm": "SDM (spatial Durbin) 空间杜宾模型",
    "sdem": "SDEM (spatial Durbin error)",
}
#: diverging colours of the residual classes (ColorBrewer RdBu, 5 classes, reversed)
RESIDUAL_COLORS = ("#0571b0", "#92c5de", "#f7f7f7", "#f4a582", "#ca0020")
FE_NAMES = {None: "none", "individual": "individual (spatial) 个体固定", "time": "time 时间固定", "twoway": "two-way 双向固定"}


def stars(p: float) -> str:
    """Significance stars: ``***`` p < 0.01, ``**`` p < 0.05, ``*`` p < 0.1 (as Chinese journals print them).

    Parameters
    ----------
    p : float
        A p-value.

    Returns
    -------
    str
        The stars (empty for p ≥ 0.1 or NaN).
    """
    if not np.isfinite(p):
        return ""
    return "***" if p < 0.01 else "**" if p < 0.05 else "*" if p < 0.1 else ""


def _cell(est: float, p: float, digits: int) -> str:
    return f"{est:.{digits}f}{stars(p)}"


@dataclass(frozen=True, eq=False)
class RegressionResult(TableResult):
    """A fitted spatial regression (names as statsmodels).

    Attributes
    ----------
    model : str
        ``"ols" | "slx" | "sar" | "sem" | "sdm" | "sdem"``.
    params : pandas.Series
        Coefficients by regressor (``const``, ``x1``, spatial lags ``W_x1``),
        then ``rho`` (lag models) or ``lambda`` (error models), then ``sigma2``.
        With ``bias_correction=True`` and fixed effects, the Lee–Yu corrected values.
    llf : float
        Maximised log-likelihood (of the direct ML estimates, before any bias
        correction — the value LR tests use).
    nobs, n_units, n_periods : int
        N·T, N and T.
    fixed_effects : str or None
        ``None | "individual" | "time" | "twoway"``.
    r2 : float
        Squared correlation of y (within-transformed with fixed effects) and the
        fitted values (y − ε for OLS and lag models, Xβ for error models), as
        spreg's pseudo R².
    resid : numpy.ndarray
        Innovations ε (stacked period by period).
    diagnostics : pandas.DataFrame or None
        Moran's I and LM tests of the OLS residuals (OLS and SLX).
    formula : str
        The formula fitted.
    cov : pandas.DataFrame
        Covariance of all parameters (see :meth:`cov_params`).
    bias_correction : bool
        Whether the Lee–Yu correction was applied (fixed effects only).
    transform : str
        Transform of the weights (``"R"`` row-standardised by default).
    logdet : str or None
        ``"eigen"`` or ``"lu"`` (see :class:`Spectrum`); None for OLS/SLX.
    fitted : numpy.ndarray
        Fitted values (see ``r2``).
    ids, periods : pandas.Index
        Unit ids (the order of W) and periods of the stacked arrays.
    bias : pandas.Series or None
        The Lee–Yu correction added to each parameter.
    at_bound : bool
        ρ/λ ended at the edge of the stable interval (a warning was raised).
    _state : object
        Internal: the design, W's spectrum and settings for effects and refits.
    """

    model: str
    formula: str
    params: pd.Series
    cov: pd.DataFrame = field(repr=False)
    llf: float
    nobs: int
    n_units: int
    n_periods: int
    fixed_effects: str | None
    bias_correction: bool
    transform: str
    logdet: str | None
    r2: float
    resid: np.ndarray = field(repr=False)
    fitted: np.ndarray = field(repr=False)
    ids: pd.Index = field(repr=False)
    periods: pd.Index = field(repr=False)
    diagnostics: pd.DataFrame | None = field(default=None, repr=False)
    bias: pd.Series | None = field(default=None, repr=False)
    at_bound: bool = False
    _state: Any = field(default=None, repr=False, compare=False)

    # -- statsmodels names ----------------------------------------------------
    def cov_params(self) -> pd.DataFrame:
        """Asymptotic covariance of all parameters (inverse information matrix; OLS: s²(X'X)⁻¹)."""
        return self.cov

    @property
    def bse(self) -> pd.Series:
        """Standard errors."""
        return pd.Series(np.sqrt(np.diag(self.cov)), index=self.params.index)

    @property
    def tvalues(self) -> pd.Series:
        """z statistics params/bse (t for OLS)."""
        return self.params / self.bse

    @property
    def pvalues(self) -> pd.Series:
        """Two-sided p-values (normal; Student t with N·T − k dof for OLS and SLX)."""
        z = np.abs(self.tvalues.to_numpy())
        if self.model in ("ols", "slx"):
            p = 2.0 * stats.t.sf(z, self._state.dof - (len(self.params) - 1))
        else:
            p = 2.0 * stats.norm.sf(z)
        return pd.Series(p, index=self.params.index)

    @property
    def k(self) -> int:
        """Number of estimated coefficients counted by the information criteria (σ² excluded, as spreg)."""
        return len(self.params) - 1

    @property
    def aic(self) -> float:
        """−2 llf + 2k."""
        return -2.0 * self.llf + 2.0 * self.k

    @property
    def bic(self) -> float:
        """−2 llf + k ln(NT)."""
        return -2.0 * self.llf + self.k * np.log(self.nobs)

    @property
    def rho(self) -> float:
        """ρ (lag models) or λ (error models); NaN otherwise."""
        for name in ("rho", "lambda"):
            if name in self.params.index:
                return float(self.params[name])
        return float("nan")

    # -- tables -----------------------------------------------------------------
    def to_frame(self) -> pd.DataFrame:
        """Coefficient table: ``coef, std_err, z, p`` (and ``stars``) by parameter."""
        return pd.DataFrame(
            {"coef": self.params, "std_err": self.bse, "z": self.tvalues, "p": self.pvalues,
             "stars": [stars(p) for p in self.pvalues]},
        ).rename_axis("parameter")

    def stats_frame(self) -> pd.Series:
        """Model statistics: log-likelihood, AIC, BIC, R², σ², N, T, fixed effects, settings."""
        return pd.Series(
            {
                "Model": MODEL_NAMES[self.model],
                "Fixed effects": FE_NAMES[self.fixed_effects],
                "Lee–Yu bias correction": ("yes" if self.bias_correction else "no") if self.fixed_effects else "n/a",
                "Log-likelihood": self.llf,
                "AIC": self.aic,
                "BIC": self.bic,
                "R2": self.r2,
                "sigma2": float(self.params["sigma2"]),
                "N (units)": self.n_units,
                "T (periods)": self.n_periods,
                "Observations": self.nobs,
                "Weights": f"transform {self.transform!r}",
                "log-determinant": self.logdet or "n/a",
            },
            name="value",
        )

    def effects(self, method: str = "simulation", draws: int = 1000, seed=None) -> pd.DataFrame:
        """Direct, indirect and total effects with standard errors, z and p.

        Parameters
        ----------
        method : {"simulation", "delta"}
            Simulation from the estimates' asymptotic distribution (LeSage & Pace
            2009) or the delta method; see :mod:`spatialregion.regression._effects`.
        draws : int
            Number of simulation draws.
        seed : int or numpy.random.Generator, optional

        Returns
        -------
        pandas.DataFrame
            Indexed by regressor; columns ``direct, direct_se, direct_z, direct_p``,
            the same for ``indirect`` and ``total``.  ``attrs["method"]`` says how.
        """
        st = self._state
        names = [c for c in self.params.index if c not in ("rho", "lambda", "sigma2")]
        lag = self.model in ("sar", "sdm")
        return _effects.compute(names, self.params.to_numpy(), self.cov.to_numpy(), st.spectrum, lag,
                                method=method, draws=draws, seed=seed, one_w_one=st.one_w_one)

    def paper_table(self, inference: str = "se", digits: int = 4) -> pd.DataFrame:
        """This model's column of :func:`paper_table`."""
        return paper_table([self], inference=inference, digits=digits)

    def summary(self, effects: str | None = "delta", draws: int = 1000, seed=None) -> Summary:
        """Coefficients, model statistics, the paper table, diagnostics and (lag/Durbin models) effects.

        Parameters
        ----------
        effects : {"delta", "simulation", None}
            How the effects table's standard errors are computed (None: no effects table).
        """
        tables = [
            SummaryTable("Coefficients", self.to_frame()),
            SummaryTable("Model", self.stats_frame().to_frame()),
            SummaryTable("Paper table (standard errors in parentheses)", self.paper_table(), float_format="{}"),
        ]
        if self.diagnostics is not None:
            tables.append(SummaryTable("Spatial diagnostics of the OLS residuals", self.diagnostics))
        if effects and self.model != "ols":
            eff = self.effects(method=effects, draws=draws, seed=seed)
            tables.append(SummaryTable(f"Effects ({eff.attrs['method']})", effects_table(eff), float_format="{}"))
        notes = [
            "*** p<0.01, ** p<0.05, * p<0.1; standard errors from the analytic information matrix"
            + (" (OLS: s²(X'X)⁻¹)" if self.model in ("ols", "slx") else ""),
        ]
        if self.fixed_effects:
            notes.append("spatial lags formed before the within transformation (lag first, then demean)")
            if self.bias_correction:
                notes.append("Lee & Yu (2010) bias correction as Elhorst's code: σ²·T/(T−1) (individual), σ²·N/(N−1) (time); "
                             "two-way also corrects ρ/λ and the coefficients")
        if self.at_bound:
            notes.append("ρ/λ at the edge of the stable interval: estimates unreliable")
        return Summary(f"{MODEL_NAMES[self.model]}: {self.formula}", tuple(tables), tuple(notes))

    # -- map ----------------------------------------------------------------
    def residual_frame(self) -> pd.DataFrame:
        """Per-unit residuals (cross-sections; panels: mean over periods) with geometry when known."""
        r = self.resid.reshape(self.n_periods, self.n_units).mean(axis=0)
        f = self.fitted.reshape(self.n_periods, self.n_units).mean(axis=0)
        frame = pd.DataFrame({"fitted": f, "residual": r}, index=self.ids)
        return self._with_geometry(frame)

    def residual_style(self) -> Any:
        """Diverging standard-deviation classes of the unit residuals (as mapclassify's ``StdMean``).

        Five classes with inner edges at ``−2s, −s, s, 2s`` (s the standard
        deviation of the per-unit residuals, centred on zero): below −2s, −2s to
        −s, within ±s, s to 2s, above 2s; blue for over-prediction, red for
        under-prediction.

        Returns
        -------
        spatialregion.export.Style
            A graduated style on the ``residual`` column of :meth:`residual_frame`.
        """
        from ..export import graduated

        r = self.residual_frame()["residual"].to_numpy(dtype=float)
        s = float(np.std(r)) or 1.0
        inner = [-2.0 * s, -s, s, 2.0 * s]
        edges = [min(float(r.min()), inner[0]), *inner, max(float(r.max()), inner[-1])]
        labels = ["< −2σ", "−2σ – −1σ", "−1σ – 1σ", "1σ – 2σ", "> 2σ"]
        return graduated("residual", edges, list(RESIDUAL_COLORS), labels, title=f"Residual 残差 (σ = {s:.3g})")

    def plot(self, ax=None, **kwargs: Any):
        """Map of the residuals in the package's map style (:func:`spatialregion.maps.plot_style`).

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Axes to draw on; a new figure when None.
        **kwargs
            :func:`spatialregion.maps.plot_style` options (``title``, ``labels``, ``inset``, ...).

        Returns
        -------
        matplotlib.axes.Axes
            The map: classes of :meth:`residual_style`, CJK text, 南海诸岛 inset, north arrow,
            scale bar and legend (national maps of China).

        Raises
        ------
        InputError
            The model was fitted on a plain DataFrame (no geometry).
        """
        frame = self.residual_frame()
        if not hasattr(frame, "geometry"):
            from ..errors import InputError

            raise InputError("no geometry: fit the model on a GeoDataFrame to map its residuals")
        from .. import maps

        what = "mean residuals over the periods" if self.n_periods > 1 else "residuals"
        kwargs.setdefault("title", f"{MODEL_NAMES[self.model].split(' ')[0]} {what} 残差: {self.formula}")
        return maps.plot_style(frame, self.residual_style(), ax=ax, **kwargs)


def paper_table(results: Sequence[RegressionResult], inference: str = "se", digits: int = 4,
                labels: Sequence[str] | None = None) -> pd.DataFrame:
    """Side-by-side coefficient table as papers print it.

    Each coefficient takes two rows: the estimate with stars and, beneath, the
    standard error (``inference="se"``) or z (``"z"``) in parentheses; then ρ/λ,
    σ², log-likelihood, R², AIC, N, T and the fixed effects.

    Parameters
    ----------
    results : sequence of RegressionResult
    inference : {"se", "z"}
    digits : int
    labels : sequence of str, optional
        Column labels (default: the model names).

    Returns
    -------
    pandas.DataFrame
        Formatted cells (strings), one column per model.
    """
    from .._validation import check_choice

    check_choice("inference", inference, ("se", "z"))
    order: list[str] = []
    for r in results:
        for c in r.params.index:
            if c not in order and c not in ("rho", "lambda", "sigma2"):
                order.append(c)
    order += [c for c in ("rho", "lambda") if any(c in r.params.index for r in results)]
    cols = {}
    for i, r in enumerate(results):
        label = labels[i] if labels else r.model.upper() + (f" ({r.fixed_effects})" if r.fixed_effects else "")
        if label in cols:
            label = f"{label} [{i + 1}]"
        vals: dict[str, str] = {}
        for c in order:
            if c in r.params.index:
                p = r.pvalues[c]
                second = r.bse[c] if inference == "se" else r.tvalues[c]
                vals[c] = _cell(r.params[c], p, digits)
                vals[f"{c} ({inference})"] = f"({second:.{digits}f})"
            else:
                vals[c] = vals[f"{c} ({inference})"] = ""
        vals["sigma2"] = f"{r.params['sigma2']:.{digits}f}"
        vals["Log-likelihood"] = f"{r.llf:.3f}"
        vals["R2"] = f"{r.r2:.4f}"
        vals["AIC"] = f"{r.aic:.3f}"
        vals["N"] = str(r.n_units)
        vals["T"] = str(r.n_periods)
        vals["Individual FE"] = "Yes" if r.fixed_effects in ("individual", "twoway") else "No"
        vals["Time FE"] = "Yes" if r.fixed_effects in ("time", "twoway") else "No"
        cols[label] = vals
    frame = pd.DataFrame(cols)
    frame.index = [i if not i.endswith(f" ({inference})") else "" for i in frame.index]
    return frame


def effects_table(effects: pd.DataFrame, digits: int = 4, inference: str = "se") -> pd.DataFrame:
    """Effects as papers print them: estimate with stars over (se) or (z), one column per kind.

    Parameters
    ----------
    effects : pandas.DataFrame
        The output of :meth:`RegressionResult.effects`.
    digits : int
        Decimals.
    inference : {"se", "z"}
        What goes in parentheses.

    Returns
    -------
    pandas.DataFrame
        Columns Direct, Indirect, Total; two rows per regressor.
    """
    rows: dict[str, dict[str, str]] = {}
    for var in effects.index:
        top, bottom = {}, {}
        for kind in _effects.KINDS:
            top[kind] = _cell(effects.at[var, kind], effects.at[var, f"{kind}_p"], digits)
            second = effects.at[var, f"{kind}_se" if inference == "se" else f"{kind}_z"]
            bottom[kind] = f"({second:.{digits}f})"
        rows[var] = top
        rows[f"{var} ({inference})"] = bottom
    frame = pd.DataFrame(rows).T
    frame.columns = ["Direct 直接效应", "Indirect 间接效应", "Total 总效应"]
    frame.index = [i if not i.endswith(f" ({inference})") else "" for i in frame.index]
    return frame
