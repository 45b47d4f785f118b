"""Panel input and class building: quantile breaks, classing with ties to the lower class, labels."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._validation import column_values, describe_rows
from ..errors import (
    DuplicateIdError,
    InputError,
    MissingValueError,
    SpatialRegionWarning,
)
from ..labels import markov_classes


@dataclass(frozen=True)
class Panel:
    """A validated ``(n, T)`` panel with its unit index, period labels and geometry."""

    values: np.ndarray
    index: pd.Index
    periods: tuple[Any, ...]
    geometry: Any = None
    #: False for bare arrays: rows then follow the order of the weights' ids
    labelled: bool = True


def as_panel(
    y: Any,
    *,
    columns: Sequence[Any] | None = None,
    id_column: str | None = None,
    period_column: str | None = None,
    value_column: str | None = None,
    name: str = "y",
    min_periods: int = 2,
) -> Panel:
    """Read a panel given as an ``(n, T)`` array, a wide or a long table (see the module docstring)."""
    if isinstance(y, Panel):
        return y
    geometry = None
    labelled = True
    if isinstance(y, pd.DataFrame):
        if id_column is not None or period_column is not None or value_column is not None:
            values, index, periods = _long_panel(y, id_column, period_column, value_column, name)
        else:
            geom_col = y.geometry.name if hasattr(y, "geometry") and hasattr(y, "crs") else None
            if columns is None:
                columns = [c for c in y.columns if c != geom_col]
            columns = list(columns)
            non_numeric = [c for c in columns if c in y.columns and not pd.api.types.is_numeric_dtype(y[c])]
            if non_numeric:
                raise InputError(
                    f"{name}: columns {non_numeric} are not numeric; pass columns=[...] naming the period "
                    "columns in time order (or id_column/period_column/value_column for a long table)"
                )
            values, index = column_values(y, columns, name=name)
            periods = tuple(columns)
            if geom_col is not None:
                geometry = y.geometry
    elif isinstance(y, pd.Series):
        raise InputError(f"{name} is a Series (one period); a panel needs at least {min_periods} periods")
    else:
        arr = np.asarray(y)
        if arr.ndim != 2:
            raise InputError(f"{name} must be an (n, T) array with units in rows and periods in columns, got shape {arr.shape}")
        values, index = column_values(arr, name=name)
        periods = tuple(range(arr.shape[1]))
        labelled = False
    if values.ndim != 2 or values.shape[1] < min_periods:
        raise InputError(f"{name} needs at least {min_periods} periods (columns); got shape {values.shape}")
    if values.shape[0] < 1:
        raise InputError(f"{name} has no units (rows)")
    return Panel(values, index, periods, geometry, labelled)


def _long_panel(df: pd.DataFrame, id_column: str | None, period_column: str | None, value_column: str | None, name: str):
    given = {"id_column": id_column, "period_column": period_column, "value_column": value_column}
    lacking = [k for k, v in given.items() if v is None]
    if lacking:
        raise InputError(f"{name}: a long table needs id_column, period_column and value_column; missing {lacking}")
    missing = [v for v in given.values() if v not in df.columns]
    if missing:
        raise InputError(f"{name}: column(s) {missing} not in the table; available: {list(df.columns)[:20]}")
    keys = df[[id_column, period_column]]
    dup = keys.duplicated(keep=False)
    if dup.any():
        pairs = list(keys[dup].drop_duplicates().itertuples(index=False, name=None))
        raise DuplicateIdError(f"{name}: (id, period) pairs appear more than once: {pairs[:8]}; each unit needs one value per period")
    wide = df.pivot(index=id_column, columns=period_column, values=value_column).sort_index(axis=1)
    holes = wide.isna().any(axis=1)
    if holes.any():
        raise MissingValueError(
            f"{name}: units {describe_rows(wide.index[holes])} lack a value for some period "
            f"({value_column!r} is NaN or the row is absent); balance the panel first"
        )
    values, index = column_values(wide, list(wide.columns), name=value_column)
    return values, index, tuple(wide.columns)


def _percentiles(k: int) -> np.ndarray:
    step = 100.0 / k
    p = np.arange(step, 100.0 + step, step)
    p[p > 100.0] = 100.0
    return p


def quantile_breaks(values: np.ndarray, k: int) -> np.ndarray:
    """Interior quantile breaks (``k - 1`` or fewer when quantiles repeat).

    The ``q``-th quantile is the linear interpolation between order statistics
    at position ``q (N - 1)`` (``scipy.stats.scoreatpercentile``, as used by
    mapclassify ``Quantiles``); repeated values are merged (fewer classes).
    """
    x = np.asarray(values, dtype=float).ravel()
    n = x.size
    pos = _percentiles(k) / 100.0 * (n - 1)
    lo = np.floor(pos).astype(np.int64)
    hi = np.minimum(lo + 1, n - 1)
    part = np.partition(x, np.unique(np.concatenate([lo, hi])))
    frac = pos - lo
    exact = frac == 0
    w_lo = (lo + 1) - pos
    w_hi = pos - lo
    q = np.where(exact, part[lo], (part[lo] * w_lo + part[hi] * w_hi) / np.where(exact, 1.0, w_lo + w_hi))
    return np.unique(q)[:-1]


def classify(values: np.ndarray, breaks: np.ndarray) -> np.ndarray:
    """Class codes ``0 … len(breaks)``: ``breaks[c-1] < x <= breaks[c]`` (ties go to the lower class)."""
    return np.searchsorted(np.asarray(breaks, dtype=float), values, side="left").astype(np.int64, copy=False)


def _panel_breaks(values: np.ndarray, k: int, breaks: Any, fixed: bool, what: str) -> tuple[np.ndarray, np.ndarray, int]:
    """Classes (n, T), breaks ((k-1,) pooled or (T, k-1) per period) and the effective k."""
    t = values.shape[1]
    if breaks is not None:
        b = np.asarray(breaks, dtype=float)
        if b.ndim == 1:
            _check_breaks(b, what)
            return classify(values, b), b, len(b) + 1
        if b.ndim == 2 and b.shape[0] == t:
            for row in b:
                _check_breaks(row, what)
            return _classify_periods(values, b), b, b.shape[1] + 1
        raise InputError(f"{what} breaks must be 1-D (pooled) or (T={t}, k-1) per period, got shape {b.shape}")
    if not isinstance(k, (int, np.integer)) or k < 2:
        raise InputError(f"k must be an integer >= 2 (number of {what} classes), got {k!r}")
    if fixed:
        b = quantile_breaks(values, int(k))
        if len(b) + 1 < k:
            warnings.warn(
                f"{what}: only {len(b) + 1} distinct pooled quantile classes exist (ties); using k={len(b) + 1} instead of {k}",
                SpatialRegionWarning,
                stacklevel=3,
            )
        return classify(values, b), b, len(b) + 1
    rows = []
    for j in range(t):
        bj = quantile_breaks(values[:, j], int(k))
        if len(bj) + 1 < k:
            raise InputError(
                f"{what}: period {j} has too many ties for {k} per-period quantile classes "
                f"(only {len(bj) + 1}); use fixed=True, a smaller k or explicit breaks"
            )
        rows.append(bj)
    b = np.vstack(rows)
    return _classify_periods(values, b), b, int(k)


def _classify_periods(values: np.ndarray, breaks: np.ndarray) -> np.ndarray:
    """Classes (n, T) of each period's column with its own row of ``breaks`` (T, k-1)."""
    return np.column_stack([classify(values[:, j], breaks[j]) for j in range(values.shape[1])])


def _check_breaks(b: np.ndarray, what: str) -> None:
    if b.size == 0:
        raise InputError(f"{what} breaks are empty; give k-1 interior cut points (k >= 2 classes)")
    if not np.isfinite(b).all():
        raise InputError(f"{what} breaks must be finite interior cut points, got {b.tolist()} (do not include ±inf)")
    if (np.diff(b) <= 0).any():
        raise InputError(f"{what} breaks must be strictly increasing, got {b.tolist()}")


def _class_labels(breaks: np.ndarray, k: int, prefix: str = "C") -> tuple[str, ...]:
    """Class labels from :func:`spatialregion.labels.markov_classes` with the value range of pooled breaks.

    E.g. ``"低水平 Low (≤0.52)"``, ``"中低水平 Medium-low (0.52–0.71)"``; ``k`` without
    named levels gives ``"C1 (≤0.52)"`` (``prefix`` + number); per-period breaks give names only.
    """
    names = [lab.zh if lab.zh == lab.en else f"{lab.zh} {lab.en}" for lab in markov_classes(k, prefix)]
    if breaks.ndim != 1:
        return tuple(names)
    f = "{:.4g}".format
    out = []
    for c in range(k):
        if c == 0:
            rng = f"≤{f(breaks[0])}"
        elif c == k - 1:
            rng = f">{f(breaks[-1])}"
        else:
            rng = f"{f(breaks[c - 1])}–{f(breaks[c])}"
        out.append(f"{names[c]} ({rng})")
    return tuple(out)


def _discrete_classes(values: np.ndarray, labels: Sequence[str] | None) -> tuple[np.ndarray, tuple[str, ...], int]:
    """Integer codes for a panel of discrete states: 0 … k-1 directly, else sorted unique values."""
    if labels is not None:
        k = len(labels)
        if np.any(values != np.round(values)) or values.min() < 0 or values.max() >= k:
            raise InputError(f"discrete states must be integer codes 0 … {k - 1} matching the {k} labels")
        return values.astype(np.int64), tuple(labels), k
    uniq, codes = np.unique(values, return_inverse=True)
    return codes.reshape(values.shape).astype(np.int64), tuple(f"{v:g}" for v in uniq), len(uniq)


def _classes_of(panel: Panel, k: int, breaks: Any, fixed: bool, discrete: bool, labels: Sequence[str] | None):
    if discrete:
        classes, labs, k = _discrete_classes(panel.values, labels)
        return classes, np.empty(0), k, labs
    classes, b, k = _panel_breaks(panel.values, k, breaks, fixed, "y")
    labs = tuple(labels) if labels is not None else _class_labels(b, k)
    if len(labs) != k:
        raise InputError(f"labels has {len(labs)} entries but there are {k} classes")
    return classes, b, k, labs
