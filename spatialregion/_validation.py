"""Input validation shared by every analysis (scipy's ``_<name>_iv`` pattern).

Each helper raises a :mod:`spatialregion.errors` subclass whose message names
the parameter / column / row at fault and how to fix it.  Nothing here
mutates its input.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .errors import (
    ConstantError,
    CRSError,
    DuplicateIdError,
    GeometryError,
    InputError,
    MissingValueError,
)

__all__ = [
    "check_choice",
    "nonnegative_number",
    "check_column",
    "check_columns",
    "sample_weight_values",
    "check_crs",
    "check_not_constant",
    "check_polygons",
    "check_unique_ids",
    "column_values",
    "finite_array",
    "rng_from_seed",
    "describe_rows",
    "unit_labels",
]


def describe_rows(labels: Iterable[Any], limit: int = 8) -> str:
    """``"3 rows (a, b, c)"`` — used in error messages, truncated after ``limit``."""
    labels = list(labels)
    shown = ", ".join(str(x) for x in labels[:limit])
    more = f", … {len(labels) - limit} more" if len(labels) > limit else ""
    return f"{len(labels)} row{'s' if len(labels) != 1 else ''} ({shown}{more})"


def check_choice(name: str, value: Any, allowed: Sequence[Any]) -> Any:
    """Raise :class:`InputError` unless ``value`` is one of ``allowed``."""
    if value not in allowed:
        raise InputError(f"{name}={value!r} is not supported; use one of {', '.join(map(repr, allowed))}")
    return value


def nonnegative_number(name: str, value: Any, hint: str = "") -> float:
    """``value`` as a float, raising :class:`InputError` unless it is a finite number ≥ 0.

    Parameters
    ----------
    name : str
        Parameter name for the message.
    value : Any
        The value to check.
    hint : str, optional
        What the number means / what it may also be, appended to the message.

    Returns
    -------
    float
        The value.
    """
    try:
        v = float(value)
    except (TypeError, ValueError):
        v = np.nan
    if not np.isfinite(v) or v < 0:
        raise InputError(f"{name}={value!r} must be a finite number ≥ 0{hint}")
    return v


def finite_array(
    values: Any, name: str = "values", index: Sequence[Any] | Callable[[], Sequence[Any]] | None = None, ndim: int | None = 1
) -> np.ndarray:
    """Return ``values`` as a float array, raising on NaN/inf (naming the rows).

    ``index`` labels the rows in the error message; it may be a callable
    returning the labels, called only when an error is raised (building
    labels such as ``"石家庄市 (130100)"`` for every unit costs time).
    """
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        from ._numbers import offending_values

        flat = np.asarray(values, dtype=object).ravel()
        shown = ", ".join(repr(v) for v in offending_values(flat)) or str(exc)
        raise InputError(
            f"{name} must be numeric but holds text such as {shown}; read the file with "
            "spatialregion.read (which parses '12,345', full-width digits and '—'/'..' as missing) "
            "or convert the column with spatialregion.io.to_numeric"
        ) from None
    if ndim is not None and arr.ndim != ndim:
        raise InputError(f"{name} must be {ndim}-dimensional, got shape {arr.shape}")
    bad = ~np.isfinite(arr)
    if bad.any():
        rows = np.nonzero(bad.any(axis=tuple(range(1, arr.ndim))) if arr.ndim > 1 else bad)[0]
        if callable(index):
            index = index()
        labels = [index[i] for i in rows] if index is not None else rows.tolist()
        raise MissingValueError(
            f"{name} has NaN or infinite values in {describe_rows(labels)}; "
            "drop or impute them first (spatialregion never drops rows silently)"
        )
    return arr


def column_values(data: Any, column: str | Sequence[str] | None = None, name: str = "values") -> tuple[np.ndarray, pd.Index]:
    """Extract analysed values and the unit index from the accepted inputs.

    ``data`` may be a (Geo)DataFrame with ``column`` (a name, or a list of names
    for a wide panel), a Series, or an array-like (then the index is
    ``RangeIndex``).  Returns ``(float array, index)``; raises on NaN/inf,
    unknown columns and duplicated index labels.
    """
    if isinstance(data, pd.DataFrame):
        if column is None:
            raise InputError(f"{name}: a DataFrame was given, so pass column=<name of the analysed column>")
        cols = [column] if isinstance(column, str) else list(column)
        missing = [c for c in cols if c not in data.columns]
        if missing:
            raise InputError(f"column(s) {missing} not in the data; available: {list(data.columns)[:20]}")
        check_unique_ids(data.index, "index")
        label = column if isinstance(column, str) else name
        arr = finite_array(_numeric_block(data, cols), label, lambda: unit_labels(data), ndim=2)
        return (arr[:, 0] if isinstance(column, str) else arr), data.index
    if isinstance(data, pd.Series):
        check_unique_ids(data.index, "index")
        return finite_array(data.to_numpy(dtype=float, na_value=np.nan), data.name or name, data.index), data.index
    arr = np.asarray(data)
    arr = finite_array(arr, name, ndim=arr.ndim if arr.ndim in (1, 2) else 1)
    return arr, pd.RangeIndex(arr.shape[0])


def unit_labels(data: pd.DataFrame) -> list[Any]:
    """Labels naming the rows of ``data`` in error messages: ``"石家庄市 (130100)"`` when the
    data has a ``name`` and/or ``adcode`` column (or ``name_short``), else the index labels."""
    name_col = next((c for c in ("name", "name_short", "NAME", "Name") if c in data.columns), None)
    code_col = next((c for c in ("adcode", "ADCODE", "code") if c in data.columns), None)
    if name_col is None and code_col is None:
        return list(data.index)
    names = data[name_col].astype(str).tolist() if name_col is not None else None
    codes = data[code_col].tolist() if code_col is not None else None
    if names is None:
        return [f"adcode {c}" for c in codes]
    if codes is None:
        return names
    return [f"{n} ({c})" for n, c in zip(names, codes)]


def _numeric_block(data: pd.DataFrame, cols: list[str]) -> np.ndarray:
    """``data[cols]`` as floats; text columns of yearbook numbers are parsed, other text raises
    an :class:`InputError` naming the column and two offending cells."""
    from ._numbers import to_numeric

    if not cols:
        return np.empty((len(data), 0))
    if data.columns.is_unique:  # one Series per column: no list indexing (~10x faster on one column)
        series = [data[c] for c in cols]
    else:
        block = data[cols]
        series = [block.iloc[:, i] for i in range(block.shape[1])]
    if all(pd.api.types.is_numeric_dtype(s.dtype) for s in series):
        if len(series) == 1:
            return series[0].to_numpy(dtype=float, na_value=np.nan)[:, None]
        return np.column_stack([s.to_numpy(dtype=float, na_value=np.nan) for s in series])
    return np.column_stack([to_numeric(s, name=str(s.name)).to_numpy() for s in series])


def check_unique_ids(ids: Iterable[Any], name: str = "id column") -> None:
    """Raise :class:`DuplicateIdError` listing the duplicated ids."""
    s = pd.Index(ids)
    if not s.is_unique:
        dups = s[s.duplicated()].unique().tolist()
        raise DuplicateIdError(f"{name} has duplicated ids: {dups[:10]}; every unit must appear once")


def check_not_constant(values: np.ndarray, name: str = "values") -> None:
    """Raise :class:`ConstantError` when all values are equal."""
    v = np.asarray(values)
    if v.size and np.ptp(v) == 0:
        raise ConstantError(f"{name} is constant ({v.flat[0]!r} everywhere); the statistic is undefined")


def check_crs(*gdfs: Any, names: Sequence[str] | None = None) -> None:
    """Raise :class:`CRSError` if any GeoDataFrame lacks a CRS or the CRSs differ."""
    names = list(names) if names is not None else [f"input {i + 1}" for i in range(len(gdfs))]
    for g, n in zip(gdfs, names):
        if getattr(g, "crs", None) is None:
            raise CRSError(f"{n} has no CRS; set it with .set_crs(...) (boundaries from spatialregion.load are EPSG:4490)")
    crss = [g.crs for g in gdfs]
    for g, n in zip(gdfs[1:], names[1:]):
        if not g.crs.equals(crss[0]) and not _same_datum_geographic(g.crs, crss[0]):
            raise CRSError(f"{n} is in {g.crs.to_string()} but {names[0]} is in {crss[0].to_string()}; reproject with .to_crs()")


def _same_datum_geographic(a: Any, b: Any) -> bool:
    """EPSG:4490 (CGCS2000) and EPSG:4326 (WGS 84) are interchangeable at map scale."""
    codes = {a.to_epsg(), b.to_epsg()}
    return codes <= {4326, 4490}


def check_polygons(gdf: Any, name: str = "units") -> None:
    """Raise :class:`GeometryError` unless every geometry is a non-empty (Multi)Polygon."""
    geom = gdf.geometry
    missing = geom.isna() | geom.is_empty
    if missing.any():
        raise GeometryError(f"{name} has missing or empty geometry in {describe_rows(gdf.index[missing])}")
    bad = ~geom.geom_type.isin(["Polygon", "MultiPolygon"])
    if bad.any():
        kinds = sorted(set(geom.geom_type[bad]))
        raise GeometryError(
            f"{name} must be polygons but {describe_rows(gdf.index[bad])} are {kinds}; "
            "use polygon boundaries (e.g. spatialregion.load('provinces'))"
        )


def rng_from_seed(seed: int | np.random.Generator | None) -> np.random.Generator:
    """The one way randomness enters: an int seed, a Generator, or None (fresh entropy)."""
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None or isinstance(seed, (int, np.integer)):
        return np.random.default_rng(seed)
    raise InputError(f"seed must be an int, a numpy Generator or None, got {type(seed).__name__}")


def _not_in(data: Any, cols: Sequence[Any]) -> list[Any]:
    return [c for c in cols if c not in getattr(data, "columns", ())]


def check_column(column: Any, data: Any = None, *, what: str = "column") -> str:
    """``column`` must be one column name (a str); a list gets a hint to use ``columns=``.

    With ``data`` (a DataFrame) the column must exist.  Returns ``column``.
    """
    if isinstance(column, (list, tuple, pd.Index, np.ndarray)):
        raise InputError(
            f"{what} must be one column name (a str), got a {type(column).__name__} {list(column)[:6]}; "
            "functions that analyse several periods or indicators take columns=[...]"
        )
    if not isinstance(column, str):
        kind = type(column).__name__
        hint = " (spatial weights go to weights=, value weights to sample_weight=)" if kind in ("Graph", "W") else ""
        raise InputError(f"{what} must be a column name (str), got {kind}{hint}")
    if data is not None and isinstance(data, pd.DataFrame) and column not in data.columns:
        raise InputError(f"{what} {column!r} is not a column of the data; available: {list(data.columns)[:20]}")
    return column


def check_columns(columns: Any, data: Any = None, *, min_len: int = 1, what: str = "columns") -> list[Any]:
    """``columns`` must be a list of column names (ordered); a single str gets a hint to use ``column=``.

    With ``data`` (a DataFrame) every name must exist.  Returns the list.
    """
    if isinstance(columns, str):
        raise InputError(
            f"{what} must be a list of column names, got the string {columns!r}; "
            f"write columns=[{columns!r}, ...] (functions analysing one variable take column=)"
        )
    if columns is None or not isinstance(columns, (list, tuple, pd.Index, np.ndarray)):
        kind = type(columns).__name__
        hint = "; spatial weights go to weights=" if kind in ("Graph", "W") or hasattr(columns, "tocsr") else ""
        raise InputError(f"{what} must be a list of column names, got {kind}{hint}")
    cols = list(columns)
    if len(cols) < min_len:
        raise InputError(f"{what} needs at least {min_len} names, got {len(cols)}: {cols}")
    dups = [c for c in pd.unique(pd.Series(cols, dtype=object)) if cols.count(c) > 1]
    if dups:
        raise InputError(f"{what} lists {dups} more than once")
    if data is not None and isinstance(data, pd.DataFrame):
        missing = _not_in(data, cols)
        if missing:
            raise InputError(f"{what} {missing} not in the data; available: {list(data.columns)[:20]}")
    return cols


def sample_weight_values(data: Any, sample_weight: Any, n: int, index: Sequence[Any] | None = None) -> np.ndarray | None:
    """Per-unit value weights (scikit-learn's ``sample_weight``) as a non-negative float array.

    ``sample_weight`` is a column name of ``data`` or an array-like of length
    ``n``; ``None`` gives ``None`` (unweighted).  Spatial weights (Graph, W,
    sparse matrices) are rejected with a pointer to ``weights=``.
    """
    if sample_weight is None:
        return None
    kind = type(sample_weight).__name__
    if kind in ("Graph", "W") or hasattr(sample_weight, "tocsr"):
        raise InputError(
            f"sample_weight is per-unit value weights (a column name or one number per unit), got a {kind}; "
            "spatial weights go to weights="
        )
    if isinstance(sample_weight, str):
        if not isinstance(data, pd.DataFrame) or sample_weight not in data.columns:
            cols = list(getattr(data, "columns", []))[:20]
            raise InputError(f"sample_weight={sample_weight!r} is not a column of the data; available: {cols}")
        w = finite_array(data[sample_weight].to_numpy(dtype=float, na_value=np.nan), f"sample_weight column {sample_weight!r}", index)
    else:
        w = finite_array(sample_weight, "sample_weight", index)
    if w.shape != (n,):
        raise InputError(f"sample_weight has {w.size} values but the data has {n} units")
    if (w < 0).any():
        raise InputError(f"sample_weight must be >= 0; negative in {describe_rows(np.asarray(index if index is not None else range(n))[w < 0])}")
    if not w.any():
        raise InputError("sample_weight is zero for every unit")
    return w
