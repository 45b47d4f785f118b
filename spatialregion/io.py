"""One reader for the files users bring: vector layers and tables, in the encodings Chinese
Windows writes.

:func:`read` reads GeoPackage, shapefile, GeoJSON (and any other vector format GDAL opens),
CSV/TXT/TSV and Excel (XLSX/XLS) files.

Encodings
---------
GeoPackage and GeoJSON are UTF-8 by definition.  A shapefile's DBF names its encoding in a
``.cpg`` sidecar or in the code-page byte (language driver id, byte 29 of the header); GDAL
uses them.  Shapefiles saved by ArcGIS, QGIS or Excel on Chinese Windows often have neither
(no ``.cpg``, byte 29 = 0), and GDAL then assumes ISO-8859-1, which turns 城市 into
``³ÇÊÐ``.  For such a DBF, and for CSV/TXT files, :func:`read` decodes the raw bytes of the
text fields as UTF-8 when they are valid UTF-8 and otherwise as GB18030 (the superset of
GBK/GB2312 that Excel's "CSV" uses on Chinese Windows); :func:`detect_encoding` implements the
rule.  UTF-8 is a strict code: a non-ASCII GBK text of more than a couple of characters is
almost never valid UTF-8, so the test is reliable.  The choice is logged (logger
``spatialregion``) and stored in ``result.attrs["encoding"]``; ``encoding=`` overrides it.

Numbers
-------
Text columns holding only yearbook-style numbers (``"12,345"``, full-width digits, ``"—"``,
``".."`` for missing) become numeric (see :mod:`spatialregion._numbers`); columns with any
other text stay text, so an analysis on them raises an error showing two offending cells.
"""

from __future__ import annotations

import csv
import io as _stdio
import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from ._numbers import NA_VALUES, parse_number, parse_numbers, to_numeric
from .errors import InputError

__all__ = ["read", "detect_encoding", "dbf_text_bytes", "parse_number", "to_numeric", "parse_numbers", "NA_VALUES"]

logger = logging.getLogger("spatialregion")

TABLE_SUFFIXES = (".csv", ".txt", ".tsv", ".tab")
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")
_EXCEL_HINT = "pip install spatialregion[excel]"
#: DBF language-driver ids (byte 29) of the Chinese code pages; others are left to GDAL.
_LDID = {0x4D: "cp936", 0x7A: "cp936", 0x4E: "cp949", 0x4F: "cp950", 0x78: "cp950", 0x57: "cp1252"}


def detect_encoding(data: bytes | Iterable[bytes]) -> str:
    """``"utf-8"`` when every chunk of ``data`` is valid UTF-8, else ``"gb18030"``.

    Parameters
    ----------
    data : bytes or iterable of bytes
        Raw text (a whole CSV file, or the DBF text fields one by one: decoding them separately
        avoids a multibyte character being judged across a field boundary).

    Returns
    -------
    str
        ``"utf-8"`` (pure ASCII included) or ``"gb18030"``.

    Raises
    ------
    InputError
        The bytes are neither UTF-8 nor GB18030 (the message suggests ``encoding=``).
    """
    chunks = [data] if isinstance(data, (bytes, bytearray)) else list(data)
    try:
        for chunk in chunks:
            bytes(chunk).decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        for chunk in chunks:
            bytes(chunk).decode("gb18030")
        return "gb18030"
    except UnicodeDecodeError as exc:
        raise InputError(
            f"text is neither UTF-8 nor GB18030/GBK ({exc.reason} at byte {exc.start}); "
            "pass the encoding explicitly, e.g. encoding='big5' (--encoding big5)"
        ) from None


def dbf_text_bytes(path: str | Path, max_records: int = 50_000) -> tuple[int, list[bytes]]:
    """Code-page byte and the raw bytes of field names and text (``C``) fields of a DBF file.

    Reads the dBASE header (record count at byte 4, header and record lengths at bytes 8 and
    10, 32-byte field descriptors from byte 32 up to the 0x0D terminator) and the first
    ``max_records`` records.

    Parameters
    ----------
    path : str or Path
        The ``.dbf`` file.
    max_records : int
        Records read at most (enough to judge the encoding).

    Returns
    -------
    (ldid, chunks) : (int, list of bytes)
        Byte 29 of the header (0 = no code page) and the non-blank text chunks.
    """
    raw = Path(path).read_bytes()
    if len(raw) < 32:
        raise InputError(f"{path} is not a dBASE file (only {len(raw)} bytes)")
    ldid = raw[29]
    n_records = int.from_bytes(raw[4:8], "little")
    header_len = int.from_bytes(raw[8:10], "little")
    record_len = int.from_bytes(raw[10:12], "little")
    chunks: list[bytes] = []
    fields: list[tuple[int, int]] = []  # (offset in record, length) of C fields
    offset = 1  # deletion flag
    pos = 32
    while pos + 32 <= header_len and raw[pos] != 0x0D:
        desc = raw[pos : pos + 32]
        chunks.append(desc[:11].split(b"\x00", 1)[0])
        ftype, flen = chr(desc[11]), desc[16]
        if ftype == "C":
            flen += desc[17] * 256  # long character fields use the decimal-count byte
            fields.append((offset, flen))
        offset += flen
        pos += 32
    for r in range(min(n_records, max_records)):
        start = header_len + r * record_len
        rec = raw[start : start + record_len]
        for off, flen in fields:
            cell = rec[off : off + flen].strip(b" \x00")
            if cell:
                chunks.append(cell)
    return ldid, [c for c in chunks if any(b > 0x7F for b in c)]


def _shapefile_encoding(path: Path) -> tuple[str | None, str]:
    """(encoding to pass to pyogrio or None for GDAL's own, how it was chosen)."""
    dbf = next((path.with_suffix(s) for s in (".dbf", ".DBF") if path.with_suffix(s).exists()), None)
    cpg = next((path.with_suffix(s) for s in (".cpg", ".CPG") if path.with_suffix(s).exists()), None)
    if cpg is not None:
        return None, f"{cpg.read_text(errors='replace').strip() or 'unnamed'} (from {cpg.name})"
    if dbf is None:
        return None, "no .dbf"
    ldid, chunks = dbf_text_bytes(dbf)
    if ldid in _LDID:
        return _LDID[ldid], f"{_LDID[ldid]} (DBF code-page byte 0x{ldid:02X})"
    if ldid:
        return None, f"DBF code-page byte 0x{ldid:02X} (GDAL's mapping)"
    enc = detect_encoding(chunks)
    return enc, f"{enc} (no .cpg and no DBF code page: {'valid UTF-8' if enc == 'utf-8' else 'not UTF-8, read as GB18030'})"


def _read_text(path: Path, encoding: str | None) -> tuple[str, str, str]:
    """(text, encoding, how it was chosen) of a CSV/TXT file; a UTF-8 BOM is honoured."""
    raw = path.read_bytes()
    if encoding is not None:
        how = f"{encoding} (given)"
    elif raw.startswith(b"\xef\xbb\xbf"):
        raw, encoding, how = raw[3:], "utf-8", "utf-8 (byte-order mark)"
    else:
        encoding = detect_encoding(raw)
        how = f"{encoding} ({'valid UTF-8' if encoding == 'utf-8' else 'not UTF-8, read as GB18030'})"
    try:
        text = raw.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise InputError(f"cannot decode {path.name} as {encoding}: {exc}; try another encoding=") from None
    return text.lstrip("\ufeff"), encoding, how


def _delimiter(path: Path, text: str) -> str:
    if path.suffix.lower() in (".tsv", ".tab"):
        return "\t"
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",\t;|").delimiter
    except csv.Error:
        return ","


def _finish(frame: Any, path: Path, encoding: str | None, how: str, na_values: Iterable[str] | None) -> Any:
    frame = parse_numbers(frame, na_values=na_values)
    frame.attrs["encoding"] = encoding
    frame.attrs["encoding_reason"] = how
    frame.attrs["source"] = str(path)
    logger.info("read %s: %d rows, encoding %s", path, len(frame), how)
    return frame


def read(
    path: str | Path,
    *,
    layer: str | int | None = None,
    encoding: str | None = None,
    na_values: Iterable[str] | None = None,
) -> Any:
    """Read a vector file or a table, decoding Chinese text and yearbook numbers.

    Parameters
    ----------
    path : str or Path
        ``.gpkg``, ``.shp``, ``.geojson``/``.json`` or any vector file GDAL opens (→
        GeoDataFrame); ``.csv``, ``.txt``, ``.tsv`` (delimiter sniffed among ``, \\t ; |``) and
        ``.xlsx``/``.xls`` (→ DataFrame; XLSX needs ``openpyxl``: ``pip install
        spatialregion[excel]``).
    layer : str or int, optional
        Layer of a multi-layer vector file, or sheet of a workbook (default: the first).
    encoding : str, optional
        Text encoding (``"gbk"``, ``"gb18030"``, ``"utf-8"``, ``"big5"``, ...).  By default a
        shapefile uses its ``.cpg``/code-page byte and, when it has neither, UTF-8 if its text
        fields are valid UTF-8 else GB18030; CSV/TXT likewise (a UTF-8 BOM is honoured).
    na_values : iterable of str, optional
        Further cell texts that mean "missing", added to :data:`NA_VALUES` (blank, ``—``,
        ``-``, ``..``, ``...``, ``NA``, ...).

    Returns
    -------
    GeoDataFrame or DataFrame
        Text columns holding only numbers are numeric.  ``attrs["encoding"]`` is the encoding
        used (``None`` where GDAL decided from a ``.cpg``/code page), ``attrs["encoding_reason"]``
        says why, ``attrs["source"]`` is the path.

    Raises
    ------
    InputError
        The file does not exist, cannot be decoded, or its format is unknown.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"file not found: {path}")
    suffix = path.suffix.lower()
    if suffix in TABLE_SUFFIXES:
        text, enc, how = _read_text(path, encoding)
        try:
            frame = pd.read_csv(
                _stdio.StringIO(text), sep=_delimiter(path, text), dtype=str, keep_default_na=False,
                skipinitialspace=True,
            )
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise InputError(f"cannot parse {path.name} as a table: {exc}") from None
        frame.columns = [str(c).strip() for c in frame.columns]
        frame = frame.apply(lambda s: s.str.strip())
        return _finish(frame, path, enc, how, na_values)
    if suffix in EXCEL_SUFFIXES:
        try:
            frame = pd.read_excel(path, sheet_name=0 if layer is None else layer, dtype=object)
        except ImportError as exc:
            raise InputError(f"reading {path.name} needs an Excel reader ({exc}): `{_EXCEL_HINT}`") from None
        except ValueError as exc:
            raise InputError(f"cannot read sheet {layer!r} of {path.name}: {exc}") from None
        frame.columns = [str(c).strip() for c in frame.columns]
        frame = frame.map(lambda v: v.strip() if isinstance(v, str) else v)
        return _finish(frame, path, None, "Excel workbooks store Unicode", na_values)
    import pyogrio

    how = "given" if encoding is not None else "UTF-8 by the format's definition"
    enc = encoding
    if encoding is None and suffix in (".shp", ".dbf"):
        enc, how = _shapefile_encoding(path)
    elif encoding is None:
        enc = None
    try:
        frame = pyogrio.read_dataframe(path, layer=layer, encoding=enc)
    except pyogrio.errors.DataSourceError as exc:
        raise InputError(f"cannot open {path} as a vector file or table: {exc}") from None
    except pyogrio.errors.DataLayerError as exc:
        raise InputError(f"cannot read layer {layer!r} of {path}: {exc}") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"cannot decode {path.name} as {enc}: {exc}; pass another encoding=") from None
    reported = enc if enc is not None else ("utf-8" if suffix not in (".shp", ".dbf") else None)
    return _finish(frame, path, reported, how, na_values)
