"""CSV and Excel tables (geometry dropped, non-default index kept)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import InputError


def _table(df: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(df, (pd.DataFrame, pd.Series)):
        raise InputError(f"expected a DataFrame, got {type(df).__name__}")
    if isinstance(df, pd.Series):
        df = df.to_frame()
    geo = [c for c in df.columns if str(df[c].dtype) == "geometry"]
    return df.drop(columns=geo) if geo else df


def _keep_index(df: pd.DataFrame) -> bool:
    idx = df.index
    return not (isinstance(idx, pd.RangeIndex) and idx.start == 0 and idx.step == 1 and idx.name is None)


def to_csv(df: pd.DataFrame, path: str | Path) -> Path:
    """Write a table as UTF-8 CSV with a byte-order mark (Excel opens Chinese correctly).

    Parameters
    ----------
    df : DataFrame or Series
        The table (a GeoDataFrame is fine).  Geometry columns are dropped; a
        non-default index (e.g. adcodes) is kept as the first column, a
        default ``RangeIndex`` is not written.
    path : str or Path
        Output file; parent folders are created.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    InputError
        If ``df`` is not a DataFrame or Series.
    """
    path = Path(path)
    table = _table(df)
    path.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(path, index=_keep_index(table), encoding="utf-8-sig")
    return path


def require_openpyxl() -> None:
    """Raise :class:`InputError` with the install hint unless openpyxl (extra ``[excel]``) is installed."""
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        raise InputError(
            "to_excel needs the optional package openpyxl: pip install 'spatialregion[excel]' "
            "(or use to_csv, which Excel opens directly)"
        ) from None


def to_excel(df: pd.DataFrame, path: str | Path, sheet_name: str = "data") -> Path:
    """Write a table as an ``.xlsx`` workbook (needs ``openpyxl``).

    Parameters
    ----------
    df : DataFrame or Series
        The table (a GeoDataFrame is fine).  Geometry columns are dropped; a
        non-default index is kept as the first column.
    path : str or Path
        Output file, ending in ``.xlsx``; parent folders are created.
    sheet_name : str, default "data"
        Name of the worksheet (Excel allows at most 31 characters).

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    InputError
        If the optional package openpyxl is not installed (the message says
        how to install it), ``path`` does not end in ``.xlsx`` or ``df`` is not
        a table.
    """
    require_openpyxl()
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise InputError(f"path {str(path)!r} must end in .xlsx")
    table = _table(df)
    path.parent.mkdir(parents=True, exist_ok=True)
    table.to_excel(path, sheet_name=sheet_name, index=_keep_index(table))
    return path
