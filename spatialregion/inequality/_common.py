"""Input handling shared by the inequality analyses: periods, groups, checks.

``_periods`` turns every accepted input (array, Series, 2-D array, wide or long
DataFrame) into a list of :class:`_Period` (values, groups, row index); the
checks raise the package's errors naming the offending rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._validation import column_values, describe_rows, finite_array
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
    if isinstance(groups, str) and isinstance(data, pd.DataFrame):
        if groups not in data.columns:
            raise InputError(f"groups column {groups!r} not in the data; available: {list(data.columns)[:20]}")
        g = data[groups]
        name = f"groups column {groups!r}"
    else:
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


def _periods(data: Any, column: Any = None, groups: Any = None, period: str | None = None) -> tuple[list[_Period], bool]:
    """Split the accepted inputs into periods.  Returns ``(periods, is_panel)``."""
    if period is not None:
        if not isinstance(data, pd.DataFrame):
            raise InputError("period= names a column of a long DataFrame; pass a DataFrame with that column")
        if period not in data.columns:
            raise InputError(f"period column {period!r} not in the data; available: {list(data.columns)[:20]}")
        if not isinstance(column, str):
            raise InputError("with period= (long panel) pass column=<name of the value column>")
        per = data[period]
        if per.isna().any():
            raise MissingValueError(f"period column {period!r} is missing for {describe_rows(data.index[per.isna()])}")
        out = []
        for label in sorted(per.unique()):
            sub = data.loc[(per == label).to_numpy()]
            vals, idx = column_values(sub, column)
            g = None if groups is None else _group_array(sub, groups if isinstance(groups, str) else _sub_groups(groups, data, per == label), len(vals), idx)
            out.append(_Period(label, vals, g, idx))
        return out, True

    if isinstance(data, pd.DataFrame) and column is not None and not isinstance(column, str):
        cols = list(column)
        vals, idx = column_values(data, cols)
        g = None if groups is None else _group_array(data, groups, len(idx), idx)
        return [_Period(c, vals[:, i], g, idx) for i, c in enumerate(cols)], True

    if isinstance(data, pd.DataFrame | pd.Series):
        vals, idx = column_values(data, column)
        g = None if groups is None else _group_array(data, groups, len(idx), idx)
        return [_Period(None, vals, g, idx)], False

    arr = np.asarray(data)
    if arr.ndim == 2:
        arr = finite_array(arr, "values", ndim=2)
        idx = pd.RangeIndex(arr.shape[0])
        g = None if groups is None else _group_array(None, groups, arr.shape[0], idx)
        return [_Period(j, arr[:, j], g, idx) for j in range(arr.shape[1])], True
    vals, idx = column_values(arr)
    g = None if groups is None else _group_array(None, groups, len(vals), idx)
    return [_Period(None, vals, g, idx)], False


def _sub_groups(groups: Any, data: pd.DataFrame, mask: pd.Series) -> Any:
    g = np.asarray(groups, dtype=object)
    if len(g) != len(data):
        raise InputError(f"groups has {len(g)} entries but the long table has {len(data)} rows")
    return g[mask.to_numpy()]


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


def _use_cjk() -> None:
    """Register the CJK font for figure text."""
    from .. import maps

    maps.use_cjk_font()
