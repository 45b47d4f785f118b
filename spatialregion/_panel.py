"""The one reader of panels (units × periods) used by every analysis that takes ``columns``.

Accepted forms, the same in every function:

* **wide**: ``data`` a (Geo)DataFrame and ``columns`` a list of period (or
  indicator) columns, in the order given (oldest first);
* **long**: ``data`` a DataFrame with ``id_column``, ``period_column`` and
  ``value_column``; periods are ordered numerically when they are numbers
  (or strings that are all numbers, e.g. ``"2011"``), chronologically for
  dates, by ``periods=`` when given, and otherwise only when the plain and
  the natural (digit-aware) sort agree — ``"1月" … "12月"`` sorts
  differently by the two rules, so it raises and asks for ``periods=``;
* **array**: an (n, T) array, rows by position (``labelled=False``).

``id_column`` with a wide table names the unit ids (the index otherwise).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ._validation import check_columns, check_unique_ids, column_values, describe_rows
from .errors import DuplicateIdError, InputError, MissingValueError

__all__ = ["Panel", "order_periods", "read_panel"]


@dataclass(frozen=True)
class Panel:
    """A validated ``(n, T)`` panel with its unit ids, period labels and geometry.

    Attributes
    ----------
    values : ndarray, shape (n, T)
        Finite floats, one row per unit, one column per period.
    index : pandas.Index
        Unit ids (the data's index, or ``id_column``), row order of ``values``.
    periods : tuple
        Period labels in time order.
    geometry : GeoSeries or None
        The units' geometry aligned to ``index`` when the data had it.
    labelled : bool
        False for bare arrays: rows then follow the order of the weights.
    units : DataFrame or None
        Id/name/value columns for per-unit outputs (see
        :func:`spatialregion.results.unit_columns`).
    columns : tuple
        The data columns the values came from (wide: ``columns``; long: the
        value column once per period).
    """

    values: np.ndarray
    index: pd.Index
    periods: tuple[Any, ...]
    geometry: Any = None
    labelled: bool = True
    units: Any = None
    columns: tuple[Any, ...] = ()

    @property
    def n(self) -> int:
        return self.values.shape[0]

    @property
    def T(self) -> int:
        return self.values.shape[1]


_DIGITS = re.compile(r"(\d+)")


def _natural_key(s: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in _DIGITS.split(s))


def order_periods(labels: Sequence[Any], periods: Sequence[Any] | None = None, *, what: str = "period") -> list[Any]:
    """Period labels in time order (rules in the module docstring).

    Raises
    ------
    InputError
        ``periods`` misses or adds labels, or string labels sort ambiguously.
    """
    labels = list(pd.unique(pd.Series(list(labels), dtype=object)))
    if periods is not None:
        periods = list(periods)
        missing = [p for p in labels if p not in periods]
        extra = [p for p in periods if p not in labels]
        if missing or extra:
            raise InputError(
                f"periods= must list every {what} once: missing {missing[:10]}, not in the data {extra[:10]}"
            )
        if len(set(map(repr, periods))) != len(periods):
            raise InputError(f"periods= lists a {what} more than once: {periods}")
        return periods
    if all(isinstance(p, (int, float, np.integer, np.floating)) and not isinstance(p, bool) for p in labels):
        return sorted(labels)
    if all(isinstance(p, (pd.Timestamp, np.datetime64, pd.Period)) for p in labels):
        return sorted(labels)
    if all(isinstance(p, str) for p in labels):
        try:
            nums = [float(p) for p in labels]
            return [p for _, p in sorted(zip(nums, labels))]
        except ValueError:
            pass
        plain, natural = sorted(labels), sorted(labels, key=_natural_key)
        if plain == natural:
            return plain
        raise InputError(
            f"{what} labels {labels[:6]} sort differently as text ({plain[:4]} …) and by their numbers "
            f"({natural[:4]} …); pass periods=[...] in time order"
        )
    raise InputError(f"{what} labels mix types ({sorted({type(p).__name__ for p in labels})}); pass periods=[...] in time order")


def read_panel(
    data: Any,
    columns: Sequence[Any] | None = None,
    *,
    id_column: str | None = None,
    period_column: str | None = None,
    value_column: str | None = None,
    periods: Sequence[Any] | None = None,
    min_periods: int = 2,
    name: str = "data",
) -> Panel:
    """Read a wide, long or array panel into a :class:`Panel` (rules in the module docstring).

    Parameters
    ----------
    data : DataFrame, GeoDataFrame or array of shape (n, T)
    columns : list of str, optional
        Wide form: the period (or indicator) columns in order.
    id_column, period_column, value_column : str, optional
        Long form (all three); ``id_column`` alone with ``columns`` names the ids.
    periods : sequence, optional
        Time order of the long form's period labels.
    min_periods : int
        Fewest periods accepted.
    name : str
        Used in error messages.

    Returns
    -------
    Panel
    """
    from .results import unit_columns

    if isinstance(data, Panel):
        return data
    if period_column is not None or value_column is not None:
        panel = _long(data, id_column, period_column, value_column, periods, name)
    elif isinstance(data, pd.DataFrame):
        if columns is None:
            raise InputError(
                f"{name}: pass columns=[...] naming the period columns in time order "
                "(or id_column=, period_column=, value_column= for a long table)"
            )
        cols = check_columns(columns, data, min_len=min_periods, what="period columns")
        frame = data
        if id_column is not None:
            if id_column not in data.columns:
                raise InputError(f"id_column={id_column!r} is not a column; available: {list(data.columns)[:20]}")
            frame = data.set_index(data[id_column].to_numpy())
            frame.index.name = id_column
        check_unique_ids(frame.index, id_column or "index")
        values, index = column_values(frame, cols, name=name)
        geometry = _geometry(frame)
        units = unit_columns(frame, index, id_column=id_column, values=cols)
        panel = Panel(values, index, tuple(cols), geometry, True, units, tuple(cols))
    elif isinstance(data, pd.Series):
        raise InputError(f"{name} is a Series (one period); a panel needs at least {min_periods} periods")
    else:
        arr = np.asarray(data)
        if arr.ndim != 2:
            raise InputError(f"{name} must be an (n, T) array with units in rows and periods in columns, got shape {arr.shape}")
        values, index = column_values(arr, name=name)
        panel = Panel(values, index, tuple(range(arr.shape[1])), None, False, None, ())
    if panel.values.shape[1] < min_periods:
        raise InputError(f"{name} needs at least {min_periods} periods; got {panel.values.shape[1]}")
    if panel.values.shape[0] < 1:
        raise InputError(f"{name} has no units (rows)")
    return panel


def _geometry(data: Any) -> Any:
    try:
        import geopandas as gpd
    except ImportError:  # pragma: no cover
        return None
    return data.geometry if isinstance(data, gpd.GeoDataFrame) else None


def _long(data: Any, id_column: Any, period_column: Any, value_column: Any, periods: Any, name: str) -> Panel:
    from .results import unit_columns

    if not isinstance(data, pd.DataFrame):
        raise InputError(f"{name}: a long panel must be a DataFrame with id, period and value columns")
    given = {"id_column": id_column, "period_column": period_column, "value_column": value_column}
    lacking = [k for k, v in given.items() if v is None]
    if lacking:
        raise InputError(f"{name}: a long table needs id_column, period_column and value_column; missing {lacking}")
    missing = [v for v in given.values() if v not in data.columns]
    if missing:
        raise InputError(f"{name}: column(s) {missing} not in the table; available: {list(data.columns)[:20]}")
    for c in (id_column, period_column):
        na = data[c].isna().to_numpy()
        if na.any():
            raise MissingValueError(f"{name}: {c!r} is missing in {describe_rows(data.index[na])}")
    keys = data[[id_column, period_column]]
    dup = keys.duplicated(keep=False)
    if dup.any():
        pairs = list(keys[dup].drop_duplicates().itertuples(index=False, name=None))
        raise DuplicateIdError(f"{name}: (id, period) pairs appear more than once: {pairs[:8]}; each unit needs one value per period")
    order = order_periods(data[period_column].tolist(), periods)
    ids = pd.Index(pd.unique(data[id_column]), name=id_column)
    wide = data.pivot(index=id_column, columns=period_column, values=value_column).reindex(index=ids, columns=order)
    holes = wide.isna().any(axis=1)
    if holes.any():
        gaps = [(wide.index[i], wide.columns[j]) for i, j in zip(*np.nonzero(wide.isna().to_numpy()))][:6]
        raise MissingValueError(
            f"{name}: units {describe_rows(wide.index[holes])} lack a value for some period, e.g. (id, period) = {gaps} "
            f"({value_column!r} is NaN or the row is absent); balance the panel first"
        )
    values, index = column_values(wide, list(wide.columns), name=value_column)
    first = data.drop_duplicates(id_column).set_index(id_column, drop=False)
    first.index.name = id_column
    geom = _geometry(data)
    geometry = first.geometry.reindex(index) if geom is not None else None
    units = unit_columns(first, index, id_column=id_column)
    vals = pd.DataFrame(values, index=index, columns=[f"{value_column}_{p}" for p in order])
    units = vals if units is None else pd.concat([units, vals], axis=1)
    return Panel(values, index, tuple(order), geometry, True, units, tuple([value_column] * len(order)))
