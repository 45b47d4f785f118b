"""Input handling shared by the inequality analyses: periods (via the one panel reader), groups, checks.

``_periods`` turns every accepted input (array, Series, 2-D array, wide or long
DataFrame) into a list of :class:`_Period` (values, groups, row index), reading
panels with :func:`spatialregion._panel.read_panel`; the checks raise the
package's errors naming the offending rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._panel import read_panel
from .._validation import column_values, describe_rows
from ..errors import ConstantError, InputError, MissingValueError


# ---------------------------------------------------------------------------
# input handling shared by the three analyses
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class _Period:
    label: Any
    values: np.ndarray
    groups: np.ndarray | None
    index: pd.Index


def _group_array(data: Any, groups: Any, n: int, index: pd.Index) -> np.ndarray:
    """One group label per row: a column of ``data`` or an array / Series (aligned by index to a table)."""
    if isinstance(groups, str) and isinstance(data, pd.DataFrame):
        if groups not in data.columns:
            raise InputError(f"groups column {groups!r} not in the data; available: {list(data.columns)[:20]}")
        g = data[groups]
        name = f"groups column {groups!r}"
    else:
        if isinstance(groups, str):
            raise InputError(f"groups={groups!r} names a column, but the data is not a table; pass one group label per row")
        g = groups.reindex(index) if isinstance(groups, pd.Series) and isinstance(data, pd.DataFrame | pd.Series) else groups
        name = "groups"
    g = pd.Series(np.asarray(g, dtype=object)) if not isinstance(g, pd.Series) else g
    if len(g) != n:
        raise InputError(f"{name} has {len(g)} entries but the data has {n} rows; pass one group label per row")
    miss = pd.isna(g.to_numpy())
    if miss.any():
        raise MissingValueError(
            f"{name} is missing for {describe_rows(index[np.nonzero(miss)[0]])}; give every row a group"
        )
    return g.to_numpy(dtype=object)


def _long_groups(data: pd.DataFrame, groups: Any, id_column: str, index: pd.Index) -> np.ndarray:
    """Groups of a long table: a column constant within each unit, one label per unit of ``index``."""
    if not isinstance(groups, str):
        raise InputError("with a long table, groups= must name a column (one group per unit, repeated on its rows)")
    if groups not in data.columns:
        raise InputError(f"groups column {groups!r} not in the data; available: {list(data.columns)[:20]}")
    varying = data.groupby(id_column, sort=False)[groups].nunique(dropna=False)
    if (varying > 1).any():
        raise InputError(f"groups column {groups!r} changes over time for units {varying.index[varying > 1].tolist()[:8]}; a unit belongs to one group")
    per_unit = data.drop_duplicates(id_column).set_index(id_column)[groups].reindex(index)
    return _group_array(None, per_unit.to_numpy(), len(index), index)


def _periods(
    data: Any,
    columns: Any = None,
    groups: Any = None,
    *,
    id_column: str | None = None,
    period_column: str | None = None,
    value_column: str | None = None,
    periods: Sequence[Any] | None = None,
) -> list[_Period]:
    """Split the accepted inputs into periods with :func:`spatialregion._panel.read_panel`.

    A 1-D array or Series is one period (labelled ``None``); a wide table gives one
    period per column of ``columns`` (labelled by the column); a long table one per
    period label; an (n, T) array one per column (labelled 0 … T-1).
    """
    if period_column is not None or value_column is not None:
        panel = read_panel(
            data, id_column=id_column, period_column=period_column, value_column=value_column, periods=periods, min_periods=1
        )
        g = None if groups is None else _long_groups(data, groups, id_column, panel.index)
        return [_Period(p, panel.values[:, j], g, panel.index) for j, p in enumerate(panel.periods)]
    if isinstance(data, pd.DataFrame):
        if columns is None:
            raise InputError(
                "pass columns=[...] naming the value column(s), one per period (a single period is a list of one), "
                "or id_column=, period_column=, value_column= for a long table"
            )
        panel = read_panel(data, columns, id_column=id_column, min_periods=1)
        g = None if groups is None else _group_array(data, groups, panel.n, panel.index)
        return [_Period(p, panel.values[:, j], g, panel.index) for j, p in enumerate(panel.periods)]
    if columns is not None:
        raise InputError(f"columns= names columns of a table, but the data is a {type(data).__name__}; pass a DataFrame")
    if isinstance(data, pd.Series):
        vals, idx = column_values(data)
        g = None if groups is None else _group_array(data, groups, len(idx), idx)
        return [_Period(None, vals, g, idx)]
    arr = np.asarray(data)
    if arr.ndim == 2:
        panel = read_panel(arr, min_periods=1)
        g = None if groups is None else _group_array(None, groups, panel.n, panel.index)
        return [_Period(p, panel.values[:, j], g, panel.index) for j, p in enumerate(panel.periods)]
    vals, idx = column_values(arr)
    g = None if groups is None else _group_array(None, groups, len(vals), idx)
    return [_Period(None, vals, g, idx)]


def _check_nonnegative(values: np.ndarray, index: pd.Index, what: str, period: Any) -> None:
    at = "" if period is None else f" (period {period!r})"
    neg = values < 0
    if neg.any():
        raise InputError(
            f"{what} needs non-negative values but {describe_rows(index[np.nonzero(neg)[0]])}{at} are negative; "
            "shift or transform the variable first (inequality indices are defined for y >= 0)"
        )
    if not values.any():
        raise InputError(f"{what} is undefined when all values are zero{at} (the mean is 0)")
    if np.ptp(values) == 0:
        raise ConstantError(
            f"values are constant ({values[0]!r}){at}: there is no inequality to decompose (every index is 0)"
        )


def _codes(groups: np.ndarray, labels: Sequence[Any]) -> np.ndarray:
    """Integer code of each row's group in ``labels`` (vectorised)."""
    return pd.Categorical(groups, categories=list(labels)).codes.astype(np.intp)


def _group_order(values: np.ndarray, groups: np.ndarray, order: Sequence[Any] | None) -> list[Any]:
    present = pd.unique(groups)
    if order is not None:
        order = list(order)
        missing = [g for g in present if g not in order]
        extra = [g for g in order if g not in set(present)]
        if missing:
            raise InputError(f"order= lacks the groups {missing}; list every group once")
        return [g for g in order if g not in extra]
    means = pd.Series(values).groupby(groups, sort=False).mean()
    # descending mean (Dagum: mu_1 >= mu_2 >= ...); ties by first appearance
    return list(means.sort_values(ascending=False, kind="stable").index)
