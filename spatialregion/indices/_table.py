"""Input handling of the entropy methods: indicator table, directions, value checks, period blocks.

A cross-section is a table with one row per unit and one column per
indicator; a long panel adds ``id_column`` and ``period_column`` and is read
indicator by indicator with the package's one panel reader
(:func:`spatialregion._panel.read_panel`: period order, balance, duplicate
(id, period) pairs).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._panel import read_panel
from .._validation import check_choice, check_columns, check_unique_ids, describe_rows, finite_array
from ..errors import ConstantError, InputError
from ..results import unit_columns


@dataclass(frozen=True)
class _Table:
    """Indicator matrix, one row per observation (unit, or unit-period), plus the unit bookkeeping."""

    x: np.ndarray  # (rows, m)
    columns: list[str]
    index: pd.Index  # observation labels: the data index, or (id, period) for a long panel
    period: np.ndarray | None  # period label of every row (long panels)
    periods: tuple[Any, ...] | None  # periods in time order (long panels)
    geometry: Any  # one geometry per unit
    units: pd.DataFrame | None  # id / name / value columns per unit


def _geometry(data: Any) -> Any:
    import geopandas as gpd

    return data.geometry if isinstance(data, gpd.GeoDataFrame) else None


def _as_table(
    data: Any,
    columns: Sequence[str] | None,
    id_column: str | None = None,
    period_column: str | None = None,
    periods: Sequence[Any] | None = None,
) -> _Table:
    if isinstance(data, Mapping):
        raise InputError(
            "data must be a DataFrame (one row per unit, or a long panel with id_column= and period_column=) "
            "or an (n, m) array, not a mapping"
        )
    if not isinstance(data, pd.DataFrame):
        if id_column is not None or period_column is not None:
            raise InputError("id_column and period_column name columns of a DataFrame; an array has none")
        arr = finite_array(data, "data", ndim=2)
        data = pd.DataFrame(arr, columns=[f"x{j + 1}" for j in range(arr.shape[1])])
    if isinstance(data.columns, pd.MultiIndex):
        raise InputError(
            "data has two-level columns; pass a long panel instead (one row per unit and period) with "
            "id_column= and period_column=, e.g. data.stack(level=1).reset_index()"
        )
    geometry = _geometry(data)
    skip = {c for c in (period_column, id_column) if c is not None}
    if geometry is not None:
        skip.add(geometry.name)
    if columns is None:
        cols = [c for c in data.columns if c not in skip and pd.api.types.is_numeric_dtype(data[c])]
        if not cols:
            raise InputError("data has no numeric indicator columns; pass columns=[...]")
    else:
        cols = check_columns(columns, data, what="indicator columns")
    bad = [c for c in cols if not pd.api.types.is_numeric_dtype(data[c]) or pd.api.types.is_bool_dtype(data[c])]
    if bad:
        raise InputError(f"indicator column(s) {bad} are not numeric")
    if period_column is not None:
        return _long_table(data, cols, id_column, period_column, periods)
    if periods is not None:
        raise InputError("periods= orders a long panel's periods; pass period_column= (and id_column=) as well")
    x = finite_array(data[cols].to_numpy(dtype=float, na_value=np.nan), "indicator values", list(data.index), ndim=2)
    check_unique_ids(data.index, "data index")
    if id_column is not None:
        if id_column not in data.columns:
            raise InputError(f"id_column {id_column!r} not in the data; available: {list(data.columns)[:20]}")
        ids = data[id_column]
        if ids.isna().any():
            raise InputError(f"id_column {id_column!r} has missing values in {describe_rows(data.index[ids.isna()])}")
        check_unique_ids(ids, f"id_column {id_column!r}")
    units = unit_columns(data, data.index, id_column=id_column, values=cols)
    return _Table(x, [str(c) for c in cols], data.index, None, None, geometry, units)


def _long_table(data: pd.DataFrame, cols: list[Any], id_column: str | None, period_column: str, periods: Any) -> _Table:
    if id_column is None:
        raise InputError(
            f"a long panel (period_column={period_column!r}) needs id_column= naming the unit ids, "
            "so that each unit's periods can be matched"
        )
    panels = [
        read_panel(data, id_column=id_column, period_column=period_column, value_column=c, periods=periods,
                   min_periods=1, name=f"indicator {c!r}")
        for c in cols
    ]
    first = panels[0]
    n, t = first.values.shape
    x = np.column_stack([p.values.reshape(-1) for p in panels])  # row i*T + t: unit i, period t
    index = pd.MultiIndex.from_product([first.index, list(first.periods)], names=[id_column, period_column])
    period = np.tile(np.asarray(first.periods, dtype=object), n)
    units = first.units.iloc[:, : first.units.shape[1] - t] if first.units is not None else None
    return _Table(x, [str(c) for c in cols], index, period, tuple(first.periods), first.geometry, units)


def _directions(directions: Any, columns: list[str]) -> np.ndarray:
    """Boolean 'benefit' mask from None / mapping / sequence of +1,-1,'+','-'."""

    def one(v: Any, name: str) -> bool:
        if v in (1, "+", "positive", "benefit", True):
            return True
        if v in (-1, "-", "negative", "cost", False):
            return False
        raise InputError(f"direction of indicator {name!r} is {v!r}; use '+' (benefit) or '-' (cost)")

    if directions is None:
        return np.ones(len(columns), dtype=bool)
    if isinstance(directions, str):
        if len(directions) == len(columns) and set(directions) <= {"+", "-"}:
            return np.array([c == "+" for c in directions])
        return np.array([one(directions, c) for c in columns])
    if isinstance(directions, Mapping):
        unknown = [k for k in directions if k not in columns]
        if unknown:
            raise InputError(f"directions given for unknown indicator(s) {unknown}; indicators are {columns}")
        return np.array([one(directions.get(c, "+"), c) for c in columns])
    seq = list(directions)
    if len(seq) != len(columns):
        raise InputError(f"directions has {len(seq)} entries but there are {len(columns)} indicators {columns}")
    return np.array([one(v, c) for v, c in zip(seq, columns)])


def _check_values(t: _Table, positive: np.ndarray, normalize: str, constant: str, rows: np.ndarray, label: str) -> None:
    x = t.x[rows]
    if x.shape[0] < 2:
        raise InputError(f"{label}: the entropy method needs at least 2 rows, got {x.shape[0]}")
    if normalize == "max":
        for j, c in enumerate(t.columns):
            neg = x[:, j] < 0 if positive[j] else x[:, j] <= 0
            if neg.any():
                what = "negative" if positive[j] else "zero or negative (cost indicators use min/x)"
                raise InputError(
                    f"normalize='max' needs non-negative values (the log of p is taken), but indicator {c!r} "
                    f"has {what} values in {describe_rows(t.index[rows][neg])}; use normalize='minmax'"
                )
    if constant == "raise":
        const = np.ptp(x, axis=0) == 0
        if const.any():
            names = [t.columns[j] for j in np.nonzero(const)[0]]
            raise ConstantError(
                f"{label}: indicator(s) {names} are constant, so their entropy weight is undefined; "
                "drop them or pass constant='zero' to give them weight 0"
            )


def _groups(t: _Table, panel: str) -> list[tuple[Any, np.ndarray]]:
    """Row blocks the method runs on: one block (pooled / cross-section) or one per period, in time order."""
    n = t.x.shape[0]
    if t.periods is None or panel == "pooled":
        return [(None, np.arange(n))]
    steps = len(t.periods)
    return [(p, np.arange(k, n, steps)) for k, p in enumerate(t.periods)]


def _validate_common(shift: float, normalize: str, constant: str, panel: str) -> None:
    check_choice("normalize", normalize, ("minmax", "max"))
    check_choice("constant", constant, ("raise", "zero"))
    check_choice("panel", panel, ("pooled", "per_period"))
    if not np.isfinite(shift) or shift < 0:
        raise InputError(f"shift={shift!r} must be a finite number >= 0 (papers use 0, 1e-4 or 0.01)")
