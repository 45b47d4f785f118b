"""Numbers as statistical yearbooks write them.

Chinese statistical yearbooks (统计年鉴) and the spreadsheets copied from them write numbers
with thousands separators (``"12,345"``, ``"12，345"``), in full-width digits (``"１２３４５"``),
with stray spaces, and mark missing values with dashes and dots (``"—"``, ``"-"``, ``".."``,
``"..."``, ``"…"``) or leave the cell blank.  :func:`parse_number` turns one such cell into a
float; :func:`to_numeric` does a whole column and raises, naming the column and two offending
values, when a cell is not a number; :func:`parse_numbers` converts every column of a table
that is entirely numbers in this sense.

Rules (applied in this order):

1. Unicode NFKC normalisation (full-width digits, signs, commas and points become ASCII;
   ``"１２，３４５．６"`` → ``"12,345.6"``); the minus signs ``−`` (U+2212) and ``－`` become ``-``.
2. Leading/trailing white space is removed; a cell that is then empty, or one of
   :data:`NA_VALUES` (or the caller's extra ``na_values``), is missing (NaN).
3. Thousands separators are removed: a comma, a thin/ordinary space or an apostrophe between
   digit groups of three (``"1,234,567.8"``, ``"1 234"``).  A comma that does not separate
   groups of three (``"1,5"``) is not a number: decimal commas are not guessed.
4. What remains must be a Python float literal (``"-12.5"``, ``"1e3"``); ``"inf"``/``"nan"``
   spelled out are refused (write blanks or dashes for missing values).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from .errors import InputError

__all__ = ["NA_VALUES", "parse_number", "to_numeric", "parse_numbers", "offending_values"]

#: Cell texts read as missing: blank, dashes and dots as yearbooks print them, and the usual
#: spreadsheet spellings.  Compared after NFKC normalisation and stripping.
NA_VALUES: frozenset[str] = frozenset(
    {
        "", "-", "--", "---", "—", "——", "–", "―", "─", ".", "..", "...", "…", "……", "·", "×",
        "/", "na", "n/a", "nan", "null", "none", "#n/a", "#value!", "#div/0!", "无", "空",
    }
)

_GROUPED = re.compile(r"^[+-]?\d{1,3}(?:[,' \u00a0\u2009\u202f]\d{3})+(?:\.\d*)?$")
_PLAIN = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")
_MINUS = str.maketrans({"\u2212": "-", "\ufe63": "-", "\uff0d": "-"})


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).translate(_MINUS).strip()


def _na_set(na_values: Iterable[str] | None) -> frozenset[str]:
    if na_values is None:
        return NA_VALUES
    if isinstance(na_values, str):
        na_values = [na_values]
    return NA_VALUES | {_normalise(str(v)).casefold() for v in na_values}


def parse_number(value: Any, *, na_values: Iterable[str] | None = None) -> float | None:
    """One cell as a float, NaN when it marks a missing value, ``None`` when it is not a number.

    Parameters
    ----------
    value : str, int, float or None
        The cell.  Numbers are returned as floats; ``None``/NaN as NaN; text by the module rules.
    na_values : iterable of str, optional
        Further texts meaning "missing", in addition to :data:`NA_VALUES`.

    Returns
    -------
    float or None
        ``None`` signals text that is not a number (the caller decides how to report it).

    Examples
    --------
    >>> parse_number("12,345"), parse_number("１２３"), parse_number("—"), parse_number("abc")
    (12345.0, 123.0, nan, None)
    """
    return _parse(value, _na_set(na_values))


def _parse(value: Any, na: frozenset[str]) -> float | None:
    if value is None or value is pd.NA or value is pd.NaT:
        return np.nan
    if isinstance(value, (bool, np.bool_)):
        return None
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value)
    text = _normalise(str(value))
    if text.casefold() in na:
        return np.nan
    if _GROUPED.match(text):
        text = re.sub(r"[,' \u00a0\u2009\u202f]", "", text)
    if not _PLAIN.match(text):
        return None
    return float(text)


def offending_values(values: Any, *, na_values: Iterable[str] | None = None, limit: int = 2) -> list[Any]:
    """The first ``limit`` distinct cells of ``values`` that are neither numbers nor missing."""
    na = _na_set(na_values)
    out: list[Any] = []
    for v in pd.Series(values, dtype=object).tolist():
        if _parse(v, na) is None and v not in out:
            out.append(v)
            if len(out) >= limit:
                break
    return out


def to_numeric(values: Any, *, name: str = "values", na_values: Iterable[str] | None = None) -> pd.Series:
    """A column of yearbook cells as float64 (missing → NaN).

    Parameters
    ----------
    values : Series or array-like
        The cells; a Series keeps its index.
    name : str
        Column name used in the error message.
    na_values : iterable of str, optional
        Further texts meaning "missing", in addition to :data:`NA_VALUES`.

    Returns
    -------
    pandas.Series of float64

    Raises
    ------
    InputError
        A cell is text that is not a number; the message names the column, the number of such
        cells and shows two of them.
    """
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    if pd.api.types.is_numeric_dtype(series.dtype):
        return series.astype("float64")
    na = _na_set(na_values)
    parsed = [_parse(v, na) for v in series.tolist()]
    bad = [v for v, p in zip(series.tolist(), parsed) if p is None]
    if bad:
        shown = ", ".join(repr(v) for v in list(dict.fromkeys(map(str, bad)))[:2])
        raise InputError(
            f"column {name!r} is not numeric: {len(bad)} cell(s) are text, e.g. {shown}; "
            "fix or blank them (blanks, '—', '-', '..' and '...' are read as missing)"
        )
    return pd.Series(np.array(parsed, dtype="float64"), index=series.index, name=series.name)


def parse_numbers(
    frame: pd.DataFrame,
    *,
    columns: Iterable[str] | None = None,
    na_values: Iterable[str] | None = None,
    skip: Iterable[str] = (),
) -> pd.DataFrame:
    """Convert the text columns of ``frame`` that hold only yearbook numbers to float64.

    Parameters
    ----------
    frame : DataFrame
        Not modified.
    columns : iterable of str, optional
        Convert exactly these columns and raise (:func:`to_numeric`) when one is not numeric.
        By default every object/string column whose non-missing cells all parse, and that has
        at least one number, is converted; the others (names, codes with letters) stay text.
    na_values : iterable of str, optional
        Further texts meaning "missing".
    skip : iterable of str
        Columns never converted (keys such as region names or codes).

    Returns
    -------
    DataFrame
        A copy; converted columns are float64, or int64 when every cell is a whole number and
        none is missing (adcodes, years).
    """
    out = frame.copy()
    skip = set(skip)
    na = _na_set(na_values)
    if columns is not None:
        for col in columns:
            out[col] = to_numeric(out[col], name=str(col), na_values=na_values)
        return out
    for col in out.columns:
        if col in skip or col == "geometry":
            continue
        s = out[col]
        if not (pd.api.types.is_object_dtype(s.dtype) or pd.api.types.is_string_dtype(s.dtype)):
            continue
        parsed = [_parse(v, na) for v in s.tolist()]
        if any(p is None for p in parsed):
            continue
        arr = np.array(parsed, dtype="float64")
        if not np.isfinite(arr).any() and all(_normalise(str(v)) == "" for v in s.tolist() if v is not None):
            continue  # an empty column: nothing says it is numeric
        if np.isfinite(arr).all() and np.all(arr == np.round(arr)) and np.abs(arr).max() < 2**53:
            out[col] = arr.astype("int64")
        else:
            out[col] = arr
    return out
