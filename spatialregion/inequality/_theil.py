"""Theil T (GE(1)) and L (GE(0)) indices with the within/between decomposition."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from .._validation import check_choice, describe_rows
from ..errors import InputError
from ..results import Summary, SummaryTable, TableResult
from ._common import _check_nonnegative, _codes, _group_order, _periods
from ._panel import InequalityPanel


def _xlogx_mean(r: np.ndarray) -> float:
    """mean(r ln r) with 0 ln 0 = 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(r > 0, r * np.log(np.where(r > 0, r, 1.0)), 0.0)
    return float(t.mean())


def _theil_kernel(values: np.ndarray, codes: np.ndarray, k: int, measure: str) -> dict[str, np.ndarray]:
    """Theil T or L by group.

    T (GE(1)) = (1/n) Σ (y/μ) ln(y/μ) = Σ_g s_g T_g + Σ_g s_g ln(μ_g/μ),  s_g = n_g μ_g/(n μ);
    L (GE(0)) = (1/n) Σ ln(μ/y)       = Σ_g p_g L_g + Σ_g p_g ln(μ/μ_g),  p_g = n_g/n.
    """
    n = float(values.size)
    mu = values.mean()
    n_g = np.bincount(codes, minlength=k).astype(float)
    mu_g = np.bincount(codes, weights=values, minlength=k) / n_g
    by_group = np.empty(k)
    if measure == "T":
        total = _xlogx_mean(values / mu)
        weight = n_g * mu_g / (n * mu)
        for g in range(k):
            by_group[g] = _xlogx_mean(values[codes == g] / mu_g[g]) if mu_g[g] > 0 else 0.0
        with np.errstate(divide="ignore", invalid="ignore"):
            between = float(np.sum(np.where(weight > 0, weight * np.log(np.where(mu_g > 0, mu_g, 1.0) / mu), 0.0)))
    else:
        total = float(np.mean(np.log(mu / values)))
        weight = n_g / n
        for g in range(k):
            yg = values[codes == g]
            by_group[g] = float(np.mean(np.log(mu_g[g] / yg)))
        between = float(np.sum(weight * np.log(mu / mu_g)))
    within = float(np.sum(weight * by_group))
    return {"total": total, "within": within, "between": between, "by_group": by_group, "weight": weight, "n": n_g, "mean": mu_g}


@dataclass(frozen=True, eq=False)
class TheilResult(TableResult):
    """Theil index (T or L) of one period with its within/between decomposition.

    Attributes
    ----------
    measure : {"T", "L"}
        T = GE(1) (Theil 1967, income-share weights), L = GE(0) (mean log deviation,
        population-share weights).
    total, within, between : float
        total = within + between (exact).
    by_group : Series
        The index computed inside each group (T_g or L_g); 0 for a one-member group.
    shares : Series
        s_g = n_g μ_g/(n μ) (T, income shares) or p_g = n_g/n (L, population shares);
        within = Σ_g shares_g · by_group_g.
    contributions : Series
        ``within`` and ``between`` in percent of the total, plus each group's share of the
        total (``within <group>``) — all in percent.
    groups : DataFrame
        Per group: ``n``, ``mean``, ``share`` and the index within the group.
    period : label or None
        The period (column name or period label).
    """

    measure: str
    total: float
    within: float
    between: float
    by_group: pd.Series
    shares: pd.Series
    contributions: pd.Series
    groups: pd.DataFrame = field(default=None, repr=False)  # type: ignore[assignment]
    period: Any = None

    def to_frame(self) -> pd.DataFrame:
        """The paper row: total, within, between, the index by group, contributions (%).

        Returns
        -------
        DataFrame
            One row (the period) with two-level columns.
        """
        return self._row().to_frame().T.rename(index={0: self.period})

    def _row(self, order: Sequence[Any] | None = None, pair_order: Any = None) -> pd.Series:
        order = list(self.by_group.index) if order is None else list(order)
        name = f"Theil {self.measure}"
        cells = {("Total 总体", name): self.total, ("Total 总体", "within 组内"): self.within, ("Total 总体", "between 组间"): self.between}
        for g in order:
            cells[("By group 区域内", str(g))] = float(self.by_group.get(g, np.nan))
        cells[("Contribution 贡献率 %", "within 组内")] = float(self.contributions["within"])
        cells[("Contribution 贡献率 %", "between 组间")] = float(self.contributions["between"])
        s = pd.Series(cells)
        s.index = pd.MultiIndex.from_tuples(s.index)
        return s

    def summary(self) -> Summary:
        """The paper tables: decomposition row and groups.

        Returns
        -------
        Summary
        """
        return Summary(
            title=f"Theil {self.measure} decomposition 泰尔指数分解" + ("" if self.period is None else f" ({self.period})"),
            tables=(SummaryTable("Theil decomposition", self.to_frame()), SummaryTable("Groups", self.groups)),
            notes=(
                "T = GE(1): within weights are income shares s_g; L = GE(0): population shares p_g. "
                "total = within + between exactly.",
            ),
        )

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Bar chart of the index within each group, with the total, within and between parts as lines.

        Parameters
        ----------
        ax : Axes, optional
            Axes to draw in.
        **kwargs
            Passed to ``ax.bar``.

        Returns
        -------
        Axes
        """
        from ..maps._font import chart_axes

        ax = chart_axes(ax, figsize=(6, 3.5))
        ax.bar([str(g) for g in self.by_group.index], self.by_group.to_numpy(), color="#4c72b0", **kwargs)
        for value, style, label in ((self.total, "-", "total 总体"), (self.within, "--", "within 组内"), (self.between, ":", "between 组间")):
            ax.axhline(value, color="k", lw=1, ls=style, label=f"{label} = {value:.3f}")
        ax.set_ylabel(f"Theil {self.measure}")
        ax.legend(fontsize=8)
        return ax


def theil(
    data: Any,
    columns: Sequence[str] | None = None,
    *,
    groups: Any = None,
    measure: Literal["T", "L"] = "T",
    order: Sequence[Any] | None = None,
    id_column: str | None = None,
    period_column: str | None = None,
    value_column: str | None = None,
    periods: Sequence[Any] | None = None,
) -> TheilResult | InequalityPanel:
    """Theil T (GE(1)) or L (GE(0)) index with the within/between-group decomposition.

    T = (1/n) Σ_i (y_i/μ) ln(y_i/μ) = Σ_g s_g T_g + Σ_g s_g ln(μ_g/μ)  (s_g = n_g μ_g/(nμ))

    L = (1/n) Σ_i ln(μ/y_i)          = Σ_g p_g L_g + Σ_g p_g ln(μ/μ_g)  (p_g = n_g/n)

    Parameters
    ----------
    data : DataFrame, GeoDataFrame, Series or array
        A table with ``columns`` (wide: one column per period), a long table
        (``id_column``, ``period_column``, ``value_column``), a Series or 1-D
        array (one period) or an (n, T) array (periods by position).
    columns : list of str, optional
        Value columns of a wide table, one per period in time order; a single
        period is a list of one (``["ai2022"]``).
        T needs y ≥ 0 (0 ln 0 = 0); L needs y > 0.
    groups : str or array-like, optional
        Any grouping (regions, provinces for city data, ...): one label per row or
        a column name.  Without groups the whole sample is one group (between = 0).
    measure : {"T", "L"}
        Theil T (GE(1)) or L (GE(0), mean log deviation).
    order : sequence, optional
        Display order of groups.
    id_column : str, optional
        Unit ids (long table: required; wide table: default the index).
    period_column, value_column : str, optional
        Period and value columns of a long table.
    periods : sequence, optional
        Time order of a long table's period labels.

    Returns
    -------
    TheilResult or InequalityPanel
        A :class:`TheilResult` for one period, an :class:`InequalityPanel` of them
        for several.

    References
    ----------
    Theil, H. (1967). *Economics and Information Theory*; Shorrocks, A. F. (1980)
    The class of additively decomposable inequality measures, *Econometrica* 48: 613–625.
    Peer: ``inequality.theil.TheilD`` (T only; it adds a tiny constant to zeros).
    """
    check_choice("measure", measure, ("T", "L"))
    periods = _periods(
        data, columns, groups, id_column=id_column, period_column=period_column, value_column=value_column, periods=periods
    )
    is_panel = len(periods) > 1
    if order is None and is_panel and periods[0].groups is not None:
        order = _group_order(np.concatenate([p.values for p in periods]), np.concatenate([p.groups for p in periods]), None)
    results = []
    for p in periods:
        _check_nonnegative(p.values, p.index, f"Theil {measure}", p.label)
        if measure == "L" and (p.values <= 0).any():
            bad = p.index[np.nonzero(p.values <= 0)[0]]
            raise InputError(f"Theil L (mean log deviation) needs strictly positive values; {describe_rows(bad)} are 0; use measure='T'")
        g = p.groups if p.groups is not None else np.full(p.values.size, "all", dtype=object)
        labels = _group_order(p.values, g, order)
        codes = _codes(g, labels)
        ker = _theil_kernel(p.values, codes, len(labels), measure)
        idx = pd.Index(labels, name="group")
        by_group = pd.Series(ker["by_group"], index=idx, name=f"Theil {measure}")
        shares = pd.Series(ker["weight"], index=idx, name="share")
        tot = ker["total"]
        contrib = {"within": ker["within"] / tot * 100.0, "between": ker["between"] / tot * 100.0}
        for lab, w, t in zip(labels, ker["weight"], ker["by_group"]):
            contrib[f"within {lab}"] = w * t / tot * 100.0
        grp = pd.DataFrame({"n": ker["n"].astype(int), "mean": ker["mean"], "share": ker["weight"], f"theil_{measure}": ker["by_group"]}, index=idx)
        results.append(
            TheilResult(
                measure=measure,
                total=tot,
                within=ker["within"],
                between=ker["between"],
                by_group=by_group,
                shares=shares,
                contributions=pd.Series(contrib, name="percent"),
                groups=grp,
                period=p.label,
            )
        )
    if not is_panel:
        return results[0]
    return InequalityPanel(results=tuple(results), kind=f"theil_{measure}", order=tuple(order) if order is not None else ("all",))
