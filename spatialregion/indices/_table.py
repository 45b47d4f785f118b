"""Input handling of the entropy methods: indicator table, directions, value checks, period blocks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._validation import check_choice, check_unique_ids, describe_rows, finite_array
from ..errors import ConstantError, InputError


@dataclass(frozen=True)
class _Table:
    """Indicator matrix in long form plus the bookkeeping to give results back."""

    x: np.ndarray  # (rows, m)
    columns: list[str]
    index: pd.Index  # row labels (input index; (unit, period) for wide input)
    period: np.ndarray | None  # period label per row
    wide: bool
    geometry: Any
    ids: pd.Series | None = None  # unit id per row (id_column), long panels / cross-sections


def _as_table(data: Any, columns: Sequence[str] | None, period: str | None, id_column: str | None = None) -> _Table:
    if isinstance(data, Mapping):
        raise InputError(
            "pass a DataFrame: a long panel with period=<column>, or a wide panel with "
            "two-level columns (indicator, period), e.g. pd.concat(frames_by_year, axis=1, names=[..])"
        )
    if not isinstance(data, pd.DataFrame):
        arr = finite_array(data, "data", ndim=2)
        data = pd.DataFrame(arr, columns=[f"x{j + 1}" for j in range(arr.shape[1])])
    check_unique_ids(data.index, "data index")
    import geopandas as gpd

    geometry = data.geometry if isinstance(data, gpd.GeoDataFrame) else None

    if isinstance(data.columns, pd.MultiIndex):
        if id_column is not None:
            raise InputError("id_column is for long panels and cross-sections; a wide panel's units are its index")
        if data.columns.nlevels != 2:
            raise InputError("a wide panel needs two column levels (indicator, period)")
        if period is not None:
            raise InputError("period= is for long panels; a wide panel carries periods in its second column level")
        ind = list(dict.fromkeys(data.columns.get_level_values(0)))
        if columns is not None:
            unknown = [c for c in columns if c not in ind]
            if unknown:
                raise InputError(f"indicator(s) {unknown} not in the first column level {ind}")
            ind = list(columns)
        per = list(dict.fromkeys(data.columns.get_level_values(1)))
        full = pd.MultiIndex.from_product([ind, per])
        missing = [c for c in full if c not in data.columns]
        if missing:
            raise InputError(f"wide panel lacks (indicator, period) column(s) {missing[:6]}; every indicator needs every period")
        long = data[full].stack(level=1, future_stack=True)[ind]
        long.index = long.index.set_names([data.index.name or "unit", "period"])
        x = finite_array(long.to_numpy(dtype=float, na_value=np.nan), "indicator values", list(long.index), ndim=2)
        return _Table(x, [str(c) for c in ind], long.index, long.index.get_level_values(1).to_numpy(), True, geometry)

    skip = {c for c in (period, id_column) if c is not None}
    if geometry is not None:
        skip.add(geometry.name)
    if columns is None:
        columns = [c for c in data.columns if c not in skip and pd.api.types.is_numeric_dtype(data[c])]
        if not columns:
            raise InputError("data has no numeric indicator columns; pass columns=[...]")
    else:
        columns = list(columns)
        unknown = [c for c in columns if c not in data.columns]
        if unknown:
            raise InputError(f"indicator column(s) {unknown} not in the data; available: {list(data.columns)[:20]}")
    per = None
    if period is not None:
        if period not in data.columns:
            raise InputError(f"period column {period!r} not in the data; available: {list(data.columns)[:20]}")
        if data[period].isna().any():
            raise InputError(f"period column {period!r} has missing values in {describe_rows(data.index[data[period].isna()])}")
        per = data[period].to_numpy()
    bad = [c for c in columns if not pd.api.types.is_numeric_dtype(data[c]) or pd.api.types.is_bool_dtype(data[c])]
    if bad:
        raise InputError(f"indicator column(s) {bad} are not numeric")
    x = finite_array(data[columns].to_numpy(dtype=float, na_value=np.nan), "indicator values", list(data.index), ndim=2)
    ids = None
    if id_column is not None:
        if id_column not in data.columns:
            raise InputError(f"id_column {id_column!r} not in the data; available: {list(data.columns)[:20]}")
        ids = data[id_column]
        if ids.isna().any():
            raise InputError(f"id_column {id_column!r} has missing values in {describe_rows(data.index[ids.isna()])}")
        keys = pd.MultiIndex.from_arrays([ids, data[period]]) if period is not None else pd.Index(ids)
        check_unique_ids(keys, f"id_column {id_column!r}" + (f" × period {period!r}" if period is not None else ""))
    return _Table(x, [str(c) for c in columns], data.index, per, False, geometry, ids)


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
    """Row blocks the method runs on: one block (pooled / cross-section) or one per period."""
    n = t.x.shape[0]
    if t.period is None or panel == "pooled":
        return [(None, np.arange(n))]
    codes, uniq = pd.factorize(t.period, sort=True)
    return [(p, np.nonzero(codes == i)[0]) for i, p in enumerate(uniq)]


def _validate_common(shift: float, normalize: str, constant: str, panel: str) -> None:
    check_choice("normalize", normalize, ("minmax", "max"))
    check_choice("constant", constant, ("raise", "zero"))
    check_choice("panel", panel, ("pooled", "per_period"))
    if not np.isfinite(shift) or shift < 0:
        raise InputError(f"shift={shift!r} must be a finite number >= 0 (papers use 0, 1e-4 or 0.01)")
