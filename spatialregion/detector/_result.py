"""The geographic detector's result: factor, interaction, risk and ecological tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from .. import labels
from .._validation import check_choice
from ..errors import InputError
from ..results import Summary, SummaryTable, TableResult
from ._discretize import Discretization


def _stars(p: float) -> str:
    if not np.isfinite(p):
        return ""
    return "***" if p < 0.01 else "**" if p < 0.05 else "*" if p < 0.1 else ""


@dataclass(frozen=True, eq=False)
class GeoDetectorResult(TableResult):
    r"""Factor, interaction, risk and ecological detector results (a table result).

    Formulas in :mod:`spatialregion.detector`.

    Attributes
    ----------
    column : str
        Response column.
    factors : tuple of str
        Factor columns.
    strata : DataFrame
        The response and the stratum of every unit for every factor (rows as the input).
    factor : DataFrame
        Per factor: ``q``, ``F``, ``p`` (non-central F, one-sided upper tail),
        ``lambda``, ``strata`` (L), ``n`` (observations used), ``n_excluded``
        (observations of single-member strata dropped), ``discretization``, ``significant``.
    interaction : DataFrame
        Per pair: ``q1, q2, q12, type`` (key of
        :data:`~spatialregion.labels.INTERACTION_TYPES`), ``type_zh``, ``type_en``,
        ``n_excluded``.
    risk_means : dict of DataFrame
        Per factor: ``n``, ``mean``, ``std`` (ddof=1) of Y by stratum (and the
        stratum's value ``range`` for discretised factors).
    risk_tests : dict of DataFrame
        Per factor: Welch t test of every pair of strata (``t, df, p,
        significant``; p two-sided).
    ecological : DataFrame
        Per pair: ``F``, ``df1``, ``df2``, ``p`` and ``significant``.
    discretization : dict
        Factor → :class:`Discretization` for discretised factors.
    singletons, alpha, tol, alternative
        Settings used (``alpha``: significance level of the ``significant`` columns).

    References
    ----------
    Wang, J.F., Zhang, T.L., Fu, B.J. (2016). A measure of spatial stratified heterogeneity.
    Ecological Indicators 67: 250–256.
    """

    column: str
    factors: tuple[str, ...]
    strata: pd.DataFrame
    factor: pd.DataFrame
    interaction: pd.DataFrame
    risk_means: dict[str, pd.DataFrame]
    risk_tests: dict[str, pd.DataFrame]
    ecological: pd.DataFrame
    discretization: dict[str, Discretization] = field(default_factory=dict)
    singletons: str = "drop"
    alpha: float = 0.05
    tol: float = 1e-10
    alternative: str = "two-sided"

    @property
    def q(self) -> pd.Series:
        """q of every factor."""
        return self.factor["q"]

    def interaction_matrix(self, value: Literal["q12", "type"] = "q12") -> pd.DataFrame:
        """Symmetric factor × factor matrix of q12 (diagonal: q) or of type keys.

        Parameters
        ----------
        value : {"q12", "type"}
            Matrix entries.

        Returns
        -------
        DataFrame
        """
        f = list(self.factors)
        if value == "q12":
            mat = pd.DataFrame(np.diag(self.factor["q"].to_numpy()), index=f, columns=f)
        else:
            mat = pd.DataFrame("", index=f, columns=f)
        for (a, b), row in self.interaction.iterrows():
            mat.loc[a, b] = mat.loc[b, a] = row[value]
        return mat

    def to_frame(self) -> pd.DataFrame:
        """The factor detector as a tidy table: one row per factor (``factor`` column first).

        Returns
        -------
        DataFrame
            ``factor, q, F, p, lambda, strata, n, n_excluded, discretization, significant``.
        """
        return self.factor.reset_index()

    def summary(self) -> Summary:
        """The paper tables: factor detector, interaction matrix (q12 and type), ecological and risk detectors.

        Returns
        -------
        Summary
        """
        fac = self.factor[["q", "p", "strata", "n", "n_excluded", "discretization"]].copy()
        fac.insert(2, "sig.", [_stars(p) for p in fac["p"]])
        tables = [SummaryTable("Factor detector 因子探测", fac)]
        if len(self.factors) >= 2:
            q12 = self.interaction_matrix("q12")
            typ = self.interaction_matrix("type")
            zh = {x.key: x.zh for x in labels.INTERACTION_TYPES}
            f = list(self.factors)
            lower = pd.DataFrame("", index=f, columns=f)
            for i, a in enumerate(f):
                for j, b in enumerate(f):
                    if j < i:
                        lower.loc[a, b] = f"{q12.loc[a, b]:.4f} {zh[typ.loc[a, b]]}"
                    elif i == j:
                        lower.loc[a, b] = f"{q12.loc[a, b]:.4f}"
            tables.append(SummaryTable("Interaction detector 交互探测 (q12, type)", lower))
            tables.append(SummaryTable(f"Ecological detector 生态探测 (F test, {self.alternative})", self.ecological.copy()))
        for fname, means in self.risk_means.items():
            tables.append(SummaryTable(f"Risk detector 风险探测: mean of {self.column} by stratum of {fname}", means))
        notes = [
            "p of q: non-central F (Wang, Zhang & Fu 2016); *** p<0.01, ** p<0.05, * p<0.1.",
            f"Singleton strata: {self.singletons} (n_excluded counts dropped observations).",
            f"Interaction 'independent' when |q12 − (q1+q2)| <= {self.tol:g}.",
        ]
        return Summary(f"Geographic detector 地理探测器: {self.column}", tuple(tables), tuple(notes))

    def plot(self, ax: Any = None, kind: Literal["factor", "interaction"] = "factor", **kwargs: Any):
        """Bar chart of q (``kind="factor"``, significant factors in red) or the interaction heat map.

        Parameters
        ----------
        ax : matplotlib Axes, optional
            Axes to draw on (a new figure by default).
        kind : {"factor", "interaction"}
            The chart.
        **kwargs
            ``title=`` overrides the title.

        Returns
        -------
        matplotlib Axes
        """
        from ..maps._font import chart_axes

        check_choice("kind", kind, ("factor", "interaction"))
        ax = chart_axes(ax, figsize=(6, 0.5 + 0.45 * len(self.factors)) if kind == "factor" else (6, 5))
        if kind == "factor":
            fac = self.factor.sort_values("q")
            colors = ["#b2182b" if p < self.alpha else "#999999" for p in fac["p"]]
            ax.barh(fac.index.astype(str), fac["q"], color=colors)
            for i, (q, p) in enumerate(zip(fac["q"], fac["p"])):
                ax.text(q, i, f" {q:.3f}{_stars(p)}", va="center", fontsize=8)
            ax.set_xlabel("q")
            ax.set_xlim(0, min(1.0, fac["q"].max() * 1.25 + 0.05))
            ax.set_title(kwargs.get("title", f"Factor detector: {self.column}"))
        else:
            mat = self.interaction_matrix("q12").astype(float)
            im = ax.imshow(mat.to_numpy(), cmap="YlOrRd", vmin=0, vmax=1)
            ax.set_xticks(range(len(mat)), mat.columns, rotation=45, ha="right")
            ax.set_yticks(range(len(mat)), mat.index)
            for i in range(len(mat)):
                for j in range(len(mat)):
                    ax.text(j, i, f"{mat.iat[i, j]:.2f}", ha="center", va="center", fontsize=8)
            ax.figure.colorbar(im, ax=ax, label="q12")
            ax.set_title(kwargs.get("title", f"Interaction detector: {self.column}"))
        return ax
