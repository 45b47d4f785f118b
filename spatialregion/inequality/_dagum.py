"""Gini coefficient and the Dagum (1997) decomposition: O(n log n) kernels and :class:`DagumResult`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._validation import check_column
from ..errors import InputError
from ..results import Summary, SummaryTable, TableResult
from ._common import (
    _check_nonnegative,
    _codes,
    _group_order,
    _Period,
    _periods,
)
from ._panel import InequalityPanel, _dagum_notes, _pair_label


# ---------------------------------------------------------------------------
# Gini kernels: O(n log n) sums of |y_i - y_r| from sorted cumulative sums
# ---------------------------------------------------------------------------
def _within_abs_sum(y_sorted: np.ndarray) -> float:
    """Σ_i Σ_r |y_i − y_r| over all ordered pairs of one sorted sample.

    With y sorted ascending and ranks i = 1 … n: Σ_i Σ_r |y_i − y_r| = 2 Σ_i (2i − n − 1) y_(i).
    """
    n = y_sorted.size
    coef = 2.0 * np.arange(1, n + 1, dtype=float) - n - 1.0
    return float(2.0 * np.dot(coef, y_sorted))


def _cross_sums(x: np.ndarray, y_sorted: np.ndarray) -> tuple[float, float]:
    """``(Σ_i Σ_r max(x_i − y_r, 0), Σ_i Σ_r max(y_r − x_i, 0))`` in O((n + m) log m).

    For each x_i, with k_i = #{y_r <= x_i} and S_k the sum of the k smallest y:
    Σ_r max(x_i − y_r, 0) = k_i x_i − S_k and Σ_r max(y_r − x_i, 0) = (S_m − S_k) − (m − k_i) x_i.
    """
    m = y_sorted.size
    csum = np.concatenate(([0.0], np.cumsum(y_sorted)))
    k = np.searchsorted(y_sorted, x, side="right")
    s_k = csum[k]
    above = float(np.sum(k * x - s_k))
    below = float(np.sum((csum[-1] - s_k) - (m - k) * x))
    return max(above, 0.0), max(below, 0.0)


def gini(data: Any, column: str | None = None) -> float:
    """Gini coefficient G = Σ_i Σ_r |y_i − y_r| / (2 n² μ) (population form), O(n log n).

    Parameters
    ----------
    data : array-like, Series or DataFrame
        Non-negative values, not all zero (a DataFrame with ``column``).
    column : str, optional
        The value column when ``data`` is a DataFrame.

    Returns
    -------
    float
        G in [0, 1 − 1/n].

    References
    ----------
    Dagum (1997), eq. 1; identical to ``inequality.gini.Gini(y).g``.
    """
    if isinstance(data, pd.DataFrame):
        check_column(column, data)
        data = data[column]
    elif column is not None:
        raise InputError(f"column={column!r} names a column of a DataFrame, but the data is a {type(data).__name__}")
    [p] = _periods(data)
    _check_nonnegative(p.values, p.index, "the Gini coefficient", None)
    y = p.values
    centred = np.sort(y - y.mean())
    return _within_abs_sum(centred) / (2.0 * y.size**2 * y.mean())


def _dagum_kernel(values: np.ndarray, codes: np.ndarray, k: int) -> dict[str, np.ndarray]:
    """Dagum (1997) decomposition for group codes ``0 … k-1``.

    Returns arrays: ``n``, ``mean``, ``within_sum`` (k,) = Σ_i Σ_r |y_ji − y_jr|;
    ``above``/``below`` (k, k): for j ≠ h, above[j, h] = Σ_i Σ_r max(y_ji − y_hr, 0)
    (n_j n_h d_jh when μ_j > μ_h) and below[j, h] = Σ_i Σ_r max(y_hr − y_ji, 0).
    Sums use values centred on the overall mean (differences are translation invariant),
    so the cumulative sums stay well conditioned for millions of values.
    """
    centred = values - values.mean()
    sorted_groups = [np.sort(centred[codes == j]) for j in range(k)]
    n = np.array([s.size for s in sorted_groups], dtype=float)
    mean = np.array([values[codes == j].mean() for j in range(k)])
    within_sum = np.array([_within_abs_sum(s) for s in sorted_groups])
    above = np.zeros((k, k))
    below = np.zeros((k, k))
    for j in range(k):
        for h in range(j + 1, k):
            a, b = _cross_sums(sorted_groups[j], sorted_groups[h])
            above[j, h], below[j, h] = a, b
            above[h, j], below[h, j] = b, a
    return {"n": n, "mean": mean, "within_sum": within_sum, "above": above, "below": below}


# ---------------------------------------------------------------------------
# Dagum result
# ---------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class DagumResult(TableResult):
    """Dagum (1997) Gini decomposition of one period.

    Attributes
    ----------
    total : float
        G = Σ_j Σ_h Σ_i Σ_r |y_ji − y_hr| / (2 n² μ).
    within : Series
        G_jj = Σ_i Σ_r |y_ji − y_jr| / (2 n_j² μ_j) by group, groups in descending mean.
        A group with one member has G_jj = 0 (no pair of distinct units).
    between : Series
        G_jh = Σ_i Σ_r |y_ji − y_hr| / (n_j n_h (μ_j + μ_h)), indexed by the pair
        ``(group_j, group_h)`` with μ_j ≥ μ_h (MultiIndex ``group_j, group_h``).
    contributions : Series
        ``within``, ``between`` (net, G_nb), ``transvariation`` (G_t) in percent of G (sum 100).
    components : Series
        G_w, G_nb, G_t in Gini units (sum G).
    groups : DataFrame
        Per group: ``n``, ``mean``, ``p`` = n_j/n, ``s`` = n_j μ_j/(n μ), ``gini`` (= G_jj).
    pairs : DataFrame
        Per pair: ``gini`` (G_jh), ``d`` (d_jh), ``p`` (p_jh), ``D`` (D_jh), ``net`` and
        ``transvariation`` (the pair's parts of G_nb and G_t).
    period : label or None
        The period (column name or period label) of the decomposition.
    """

    total: float
    within: pd.Series
    between: pd.Series
    contributions: pd.Series
    components: pd.Series
    groups: pd.DataFrame
    pairs: pd.DataFrame
    period: Any = None

    def to_frame(self) -> pd.DataFrame:
        """The paper row: total, within by group, between by pair, contributions (%).

        Returns
        -------
        DataFrame
            One row (the period) with two-level columns (part, group or pair).
        """
        return self._row().to_frame().T.rename(index={0: self.period})

    def _row(self, order: Sequence[Any] | None = None, pair_order: Sequence[tuple[Any, Any]] | None = None) -> pd.Series:
        order = list(self.within.index) if order is None else list(order)
        cells: dict[tuple[str, str], float] = {("Total 总体", "G"): self.total}
        for g in order:
            cells[("Within 组内 G_jj", str(g))] = float(self.within.get(g, np.nan))
        lookup = {frozenset(k): v for k, v in self.between.items()}
        if pair_order is None:
            pair_order = [(order[i], order[j]) for i in range(len(order)) for j in range(i + 1, len(order))]
        for a, b in pair_order:
            cells[("Between 组间 G_jh", _pair_label(a, b))] = float(lookup.get(frozenset((a, b)), np.nan))
        for key, zh in (("within", "组内"), ("between", "组间"), ("transvariation", "超变密度")):
            cells[("Contribution 贡献率 %", f"{key} {zh}")] = float(self.contributions[key])
        s = pd.Series(cells)
        s.index = pd.MultiIndex.from_tuples(s.index)
        return s

    def summary(self) -> Summary:
        """The paper tables: decomposition row, components, groups and group pairs.

        Returns
        -------
        Summary
        """
        detail = self.pairs.copy()
        detail.index = [_pair_label(a, b) for a, b in detail.index]
        comp = pd.DataFrame({"value": self.components, "percent": self.contributions.to_numpy()})
        return Summary(
            title="Dagum Gini decomposition 基尼系数分解" + ("" if self.period is None else f" ({self.period})"),
            tables=(
                SummaryTable("Gini decomposition", self.to_frame()),
                SummaryTable("Components (G_w + G_nb + G_t = G)", comp),
                SummaryTable("Groups (descending mean)", self.groups),
                SummaryTable("Group pairs", detail),
            ),
            notes=_dagum_notes(self.groups),
        )

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Bar chart of the within- and between-group Gini coefficients.

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
        labels = [str(g) for g in self.within.index] + [_pair_label(a, b) for a, b in self.between.index]
        vals = list(self.within.to_numpy()) + list(self.between.to_numpy())
        colors = ["#4c72b0"] * len(self.within) + ["#dd8452"] * len(self.between)
        ax.bar(labels, vals, color=colors, **kwargs)
        ax.axhline(self.total, color="k", lw=1, ls="--", label=f"G = {self.total:.3f}")
        ax.set_ylabel("Gini")
        ax.legend()
        return ax


def _dagum_one(p: _Period, order: Sequence[Any] | None) -> DagumResult:
    y = p.values
    _check_nonnegative(y, p.index, "the Dagum Gini decomposition", p.label)
    groups_order = _group_order(y, p.groups, order)
    # codes in descending-mean order regardless of the display order
    means = pd.Series(y).groupby(p.groups, sort=False).mean()
    by_mean = list(means.sort_values(ascending=False, kind="stable").index)
    codes = _codes(p.groups, by_mean)
    k = len(by_mean)
    ker = _dagum_kernel(y, codes, k)
    n_tot, mu = float(y.size), float(y.mean())
    n_j, mu_j = ker["n"], ker["mean"]
    p_j = n_j / n_tot
    s_j = n_j * mu_j / (n_tot * mu)
    with np.errstate(invalid="ignore", divide="ignore"):
        g_jj = np.where(mu_j > 0, ker["within_sum"] / (2.0 * n_j**2 * np.where(mu_j > 0, mu_j, 1.0)), np.nan)
    within_part = ker["within_sum"] / (2.0 * n_tot**2 * mu)  # = G_jj p_j s_j
    pair_rows = []
    g_w = float(within_part.sum())
    g_nb = g_t = 0.0
    for j in range(k):
        for h in range(j + 1, k):  # mu_j >= mu_h
            nn = n_j[j] * n_j[h]
            d_jh = ker["above"][j, h] / nn
            p_jh = ker["below"][j, h] / nn
            absdiff = d_jh + p_jh
            g_jh = absdiff / (mu_j[j] + mu_j[h]) if mu_j[j] + mu_j[h] > 0 else np.nan
            big_d = (d_jh - p_jh) / absdiff if absdiff > 0 else 0.0
            weight_part = nn * absdiff / (n_tot**2 * mu)  # = G_jh (p_j s_h + p_h s_j)
            net, trans = weight_part * big_d, weight_part * (1.0 - big_d)
            g_nb += net
            g_t += trans
            pair_rows.append((by_mean[j], by_mean[h], g_jh, d_jh, p_jh, big_d, net, trans))
    total = _within_abs_sum(np.sort(y - mu)) / (2.0 * n_tot**2 * mu)
    comps = pd.Series({"G_w": g_w, "G_nb": g_nb, "G_t": g_t})
    pct = comps.to_numpy() / comps.sum() * 100.0
    grp = pd.DataFrame({"n": n_j.astype(int), "mean": mu_j, "p": p_j, "s": s_j, "gini": g_jj}, index=pd.Index(by_mean, name="group"))
    grp = grp.loc[groups_order]
    pairs = pd.DataFrame(pair_rows, columns=["group_j", "group_h", "gini", "d", "p", "D", "net", "transvariation"]).set_index(["group_j", "group_h"])
    # display order of pairs follows the display order of groups
    pos = {g: i for i, g in enumerate(groups_order)}
    pairs = pairs.iloc[sorted(range(len(pairs)), key=lambda i: sorted((pos[pairs.index[i][0]], pos[pairs.index[i][1]])))] if len(pairs) else pairs
    return DagumResult(
        total=float(total),
        within=grp["gini"].rename("within"),
        between=pairs["gini"].rename("between"),
        contributions=pd.Series(pct, index=["within", "between", "transvariation"], name="percent"),
        components=comps,
        groups=grp,
        pairs=pairs,
        period=p.label,
    )


def dagum_gini(
    data: Any,
    columns: Sequence[str] | None = None,
    *,
    groups: Any = None,
    order: Sequence[Any] | None = None,
    id_column: str | None = None,
    period_column: str | None = None,
    value_column: str | None = None,
    periods: Sequence[Any] | None = None,
) -> DagumResult | InequalityPanel:
    """Dagum (1997) Gini coefficient decomposed by groups (regions).

    G = Σ_j Σ_h Σ_i Σ_r |y_ji − y_hr| / (2 n² μ) splits exactly into
    G = G_w + G_nb + G_t with, for groups ordered by mean (μ_1 ≥ … ≥ μ_k),
    p_j = n_j/n, s_j = n_j μ_j/(n μ),

    * G_jj = Σ_i Σ_r |y_ji − y_jr| / (2 n_j² μ_j),        G_w  = Σ_j G_jj p_j s_j
    * G_jh = Σ_i Σ_r |y_ji − y_hr| / (n_j n_h (μ_j + μ_h)),
      D_jh = (d_jh − p_jh)/(d_jh + p_jh),
      G_nb = Σ_{j<h} G_jh (p_j s_h + p_h s_j) D_jh,  G_t = Σ_{j<h} G_jh (p_j s_h + p_h s_j)(1 − D_jh)

    where d_jh = E[(y_j − y_h)⁺] and p_jh = E[(y_h − y_j)⁺] over all cross pairs (the
    first moments of transvariation; j the group of larger mean, so D_jh ≥ 0).

    Every sum of |differences| is computed from sorted cumulative sums in
    O(n log n) per group pair; no n² matrix is formed (1 million values in seconds).

    Parameters
    ----------
    data : DataFrame, GeoDataFrame, Series or array
        A table with ``columns`` (wide: one column per period), a long table
        (``id_column``, ``period_column``, ``value_column``), a Series or 1-D
        array (one period) or an (n, T) array (periods by position).
    columns : list of str, optional
        Value columns of a wide table, one per period in time order; a single
        period is a list of one (``["ai2022"]``).
        Values must be ≥ 0, not all zero, and not constant within a period.
    groups : str or array-like
        Group label of each row (e.g. 东部/中部/西部) or the name of the column holding it
        (in a long table: a column constant within each unit).  A group with one member
        is allowed: its G_jj is 0 (noted in the summary).
    order : sequence, optional
        Display order of the groups in tables (e.g. ``["东部", "中部", "西部"]``);
        default descending mean (pooled over periods for a panel).  Does not change
        any number: D_jh always takes j as the group of larger mean in that period.
    id_column : str, optional
        Unit ids (long table: required; wide table: default the index).
    period_column, value_column : str, optional
        Period and value columns of a long table.
    periods : sequence, optional
        Time order of a long table's period labels.

    Returns
    -------
    DagumResult or InequalityPanel
        A :class:`DagumResult` for one period (a 1-D array or Series, or one
        column); an :class:`InequalityPanel` of them for several periods
        (``summary()`` is the table by year papers print).

    References
    ----------
    Dagum, C. (1997). A new approach to the decomposition of the Gini income
    inequality ratio. *Empirical Economics* 22(4): 515–531.
    """
    if groups is None:
        raise InputError("dagum_gini needs groups=: one label per row or the name of a group column (e.g. groups='region')")
    periods = _periods(
        data, columns, groups, id_column=id_column, period_column=period_column, value_column=value_column, periods=periods
    )
    is_panel = len(periods) > 1
    if order is None and is_panel:
        vals = np.concatenate([p.values for p in periods])
        grp = np.concatenate([p.groups for p in periods])
        order = _group_order(vals, grp, None)
    results = [_dagum_one(p, order) for p in periods]
    if not is_panel:
        return results[0]
    return InequalityPanel(results=tuple(results), kind="dagum", order=tuple(order))
