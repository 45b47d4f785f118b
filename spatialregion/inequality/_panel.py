"""Panels of decompositions (one Dagum or Theil result per period) and the Dagum notes they share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..results import Summary, SummaryTable, TableResult


def _pair_label(a: Any, b: Any) -> str:
    return f"{a}-{b}"


def _dagum_notes(groups: pd.DataFrame) -> tuple[str, ...]:
    notes = [
        "G = G_w + G_nb + G_t (Dagum 1997); groups ordered by descending mean; "
        "D_jh = (d_jh - p_jh)/(d_jh + p_jh) with j the group of larger mean."
    ]
    single = [str(g) for g, n in groups["n"].items() if n == 1]
    if single:
        notes.append(f"groups with one member ({', '.join(single)}): within-group Gini is 0 by definition")
    return tuple(notes)


# ---------------------------------------------------------------------------
# panels of decompositions
# ---------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class InequalityPanel(TableResult):
    """One decomposition per period (Dagum or Theil), printed as the table by year.

    ``panel[period]`` gives that period's :class:`DagumResult` / :class:`TheilResult`;
    ``total``, ``within``, ``between``, ``contributions`` stack the per-period fields
    (Series by period for scalars, DataFrames period × group/pair/component otherwise).

    Attributes
    ----------
    results : tuple of DagumResult or TheilResult
        One decomposition per period, in time order.
    kind : {"dagum", "theil_T", "theil_L"}
        Which decomposition.
    order : tuple
        Display order of the groups.
    """

    results: tuple[Any, ...]
    kind: str
    order: tuple[Any, ...] = ()

    @property
    def periods(self) -> list[Any]:
        return [r.period for r in self.results]

    def __getitem__(self, period: Any) -> Any:
        for r in self.results:
            if r.period == period:
                return r
        raise KeyError(f"no period {period!r}; periods are {self.periods}")

    def __len__(self) -> int:
        return len(self.results)

    def _stack(self, attr: str) -> pd.Series | pd.DataFrame:
        vals = [getattr(r, attr) for r in self.results]
        idx = pd.Index(self.periods, name="period")
        if isinstance(vals[0], pd.Series):
            return pd.DataFrame([v.to_numpy() for v in vals], index=idx, columns=vals[0].index) if all(
                v.index.equals(vals[0].index) for v in vals
            ) else pd.DataFrame(vals, index=idx)
        return pd.Series(vals, index=idx, name=attr)

    @property
    def total(self) -> pd.Series:
        return self._stack("total")

    @property
    def within(self) -> pd.Series | pd.DataFrame:
        out = self._stack("within")
        return out[list(self.order)] if isinstance(out, pd.DataFrame) and set(self.order) <= set(out.columns) else out

    @property
    def between(self) -> pd.Series | pd.DataFrame:
        if self.kind != "dagum":
            return self._stack("between")
        rows = []
        pairs = [(self.order[i], self.order[j]) for i in range(len(self.order)) for j in range(i + 1, len(self.order))]
        for r in self.results:
            lookup = {frozenset(k): v for k, v in r.between.items()}
            rows.append([lookup.get(frozenset(p), np.nan) for p in pairs])
        cols = pd.MultiIndex.from_tuples(pairs, names=["group_j", "group_h"]) if pairs else pd.Index([])
        return pd.DataFrame(rows, index=pd.Index(self.periods, name="period"), columns=cols)

    @property
    def contributions(self) -> pd.DataFrame:
        return self._stack("contributions")

    def to_frame(self) -> pd.DataFrame:
        """The paper table: one row per period.

        Returns
        -------
        DataFrame
            Rows: periods; two-level columns (part, group or pair).
        """
        order = list(self.order)
        frame = pd.DataFrame([r._row(order) for r in self.results])
        frame.index = pd.Index(self.periods, name="period")
        return frame

    def summary(self) -> Summary:
        """The table by period papers print.

        Returns
        -------
        Summary
        """
        title = "Dagum Gini decomposition 基尼系数分解" if self.kind == "dagum" else f"Theil {self.kind[-1]} decomposition 泰尔指数分解"
        notes: tuple[str, ...] = ()
        if self.kind == "dagum":
            notes = _dagum_notes(self.results[0].groups)
        return Summary(title=title, tables=(SummaryTable("By period", self.to_frame()),), notes=notes)

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Lines over periods: total, within-group and between-group indices.

        Parameters
        ----------
        ax : Axes, optional
            Axes to draw in.
        **kwargs
            Passed to ``ax.plot``.

        Returns
        -------
        Axes
        """
        from ..maps._font import chart_axes

        ax = chart_axes(ax, figsize=(6.5, 3.8))
        x = [str(p) for p in self.periods]
        ax.plot(x, self.total.to_numpy(), "k-o", lw=2, label="total 总体", **kwargs)
        within = self.within
        if isinstance(within, pd.DataFrame):
            for g in within.columns:
                ax.plot(x, within[g].to_numpy(), "-s", label=f"{g}", **kwargs)
        if self.kind == "dagum":
            for col in self.between.columns:
                ax.plot(x, self.between[col].to_numpy(), "--^", label=_pair_label(*col), **kwargs)
        ax.set_xlabel("period")
        ax.set_ylabel("Gini" if self.kind == "dagum" else f"Theil {self.kind[-1]}")
        ax.legend(fontsize=8, ncol=2)
        return ax
