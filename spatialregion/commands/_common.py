"""Helpers shared by the CLI sub-commands: the one input stage, the ``--weights`` spec, outputs.

Adopting the input stage in a command (the pattern every command follows)::

    from ._common import (DropMissingOpt, EncodingOpt, KeyOpt, LayerOpt, MergeOpt, TableOpt,
                          UnitsArg, WeightsOpt, YearColumnOpt, build_weights, load_input)

    def cmd(units: UnitsArg, column: str, weights: WeightsOpt = "queen", table: TableOpt = None,
            key: KeyOpt = None, year_column: YearColumnOpt = None, encoding: EncodingOpt = None,
            drop_missing: DropMissingOpt = False, merge: MergeOpt = "raise", layer: LayerOpt = None):
        gdf = load_input(units, layer=layer, table=table, key=key, year_column=year_column,
                         encoding=encoding, drop_missing=drop_missing, merge=merge, columns=[column])
        w = build_weights(gdf, weights)
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import typer

__all__ = [
    "DemoContext",
    "read_units",
    "ensure_out",
    "load_input",
    "parse_weights",
    "build_weights",
    "check_distinct_units",
    "UnitsArg",
    "TableOpt",
    "KeyOpt",
    "YearColumnOpt",
    "EncodingOpt",
    "DropMissingOpt",
    "MergeOpt",
    "LayerOpt",
    "WeightsOpt",
    "WEIGHTS_HELP",
]

WEIGHTS_HELP = (
    "spatial weights: queen, rook, knn:K (e.g. knn:6), distance_band:D (e.g. distance_band:300km), "
    "inverse_distance[:POWER[,Dkm]] (e.g. inverse_distance:2), economic:COLUMN (e.g. economic:gdp)"
)

# Typer option bundle: use these as parameter annotations in command functions.
UnitsArg = Annotated[str, typer.Argument(help="vector file (GeoPackage, shapefile, GeoJSON) or embedded layer (provinces, prefectures)")]
TableOpt = Annotated[
    Path | None,
    typer.Option("--table", help="table (CSV, TXT, XLSX) joined to the units by --key (yearbook names, old names and codes accepted)"),
]
KeyOpt = Annotated[str | None, typer.Option("--key", help="column of --table naming the region of each row")]
YearColumnOpt = Annotated[str | None, typer.Option("--year-column", help="year column of a long --table (one row per unit and year)")]
EncodingOpt = Annotated[str | None, typer.Option("--encoding", help="text encoding of the input files (default: UTF-8 if valid, else GB18030)")]
DropMissingOpt = Annotated[bool, typer.Option("--drop-missing", help="drop units with missing values in the analysed columns (they are listed)")]
MergeOpt = Annotated[
    str,
    typer.Option("--merge", help="rows of merged units (莱芜 → 济南): raise, sum (totals) or drop (ratios)"),
]
LayerOpt = Annotated[str | None, typer.Option("--layer", help="layer of a multi-layer vector file, or sheet of a workbook")]
WeightsOpt = Annotated[str, typer.Option("--weights", help=WEIGHTS_HELP)]


@dataclass
class DemoContext:
    """What each demo step gets: output folder, mainland provinces with the
    AI index joined (columns ai2011 … ai2022, region), their weights, and echo."""

    out: Path
    provinces: Any  # GeoDataFrame
    weights: Any  # libpysal Graph
    echo: Callable[[str], None] = print
    written: list[Path] = field(default_factory=list)

    def wrote(self, path: Path) -> Path:
        self.written.append(Path(path))
        return Path(path)


def ensure_out(out: Path) -> Path:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    return out


def read_units(spec: str, layer: str | None = None, encoding: str | None = None):
    """A GeoDataFrame from an embedded layer name (``provinces``, ``prefectures``, ``counties``)
    or from any vector file, read by :func:`spatialregion.read` (encoding detection)."""
    from ..errors import InputError
    from ..io import read
    from ..regions import LAYERS, load

    if spec in LAYERS:
        return load(spec)
    path = Path(spec)
    if not path.exists():
        raise InputError(f"{spec!r} is neither an embedded layer ({', '.join(LAYERS)}) nor an existing file")
    gdf = read(path, layer=layer, encoding=encoding)
    if not hasattr(gdf, "geometry") or "geometry" not in getattr(gdf, "columns", []):
        raise InputError(
            f"{path.name} has no geometry; to analyse a table, pass an embedded layer as the units and the "
            f"file as --table FILE --key COLUMN (e.g. `prefectures --table {path.name} --key 城市`)"
        )
    return gdf


_LEVEL_OF_LAYER = {"provinces": "province", "prefectures": "prefecture", "counties": "county"}


def load_input(
    units: str,
    *,
    layer: str | None = None,
    table: str | Path | None = None,
    key: str | None = None,
    year_column: str | None = None,
    encoding: str | None = None,
    drop_missing: bool = False,
    merge: str = "raise",
    unmatched: str = "raise",
    columns: Sequence[str] | None = None,
    echo: Callable[[str], None] | None = typer.echo,
):
    """The input stage of every CLI command: units, optionally a table joined onto them.

    Parameters
    ----------
    units : str
        Embedded layer (``provinces``, ``prefectures``, ``counties``) or a vector file.
    layer : str, optional
        Layer of a multi-layer vector file.
    table : path, optional
        Table (CSV/TXT/XLSX, or a vector file's attributes) joined to the units through
        :func:`spatialregion.regions.join` on ``key`` (names as yearbooks write them, old names
        and codes, a match report is echoed).
    key : str, optional
        Column of ``table`` naming the regions (required with ``table``).
    year_column : str, optional
        Year column of a long table.
    encoding : str, optional
        Encoding of the files (default: detected, UTF-8 else GB18030).
    drop_missing : bool
        Drop units with missing values in ``columns`` and list them; otherwise the analysis
        raises an error naming them.
    merge, unmatched : str
        Passed to :func:`spatialregion.regions.join`.
    columns : sequence of str, optional
        Analysed columns (checked to exist; used by ``drop_missing``).
    echo : callable or None
        Where to report the encoding, the match report and dropped units.

    Returns
    -------
    GeoDataFrame
        One row per unit (per unit and year with ``year_column``).

    Raises
    ------
    InputError
        Missing ``--key``, unknown columns, duplicate units (same adcode/id or identical
        geometry) and the errors of the reader and of the join.
    """
    from .. import regions
    from ..errors import InputError
    from ..io import read

    say = echo or (lambda _msg: None)
    gdf = read_units(units, layer=layer, encoding=encoding)
    enc = gdf.attrs.get("encoding_reason")
    if enc and Path(str(units)).exists():
        say(f"read {units}: {len(gdf)} units, encoding {enc}")
    if table is None:
        if key is not None or year_column is not None:
            raise InputError("--key and --year-column need --table FILE")
        check_distinct_units(gdf)
    else:
        if key is None:
            raise InputError("--table needs --key COLUMN: the column of the table that names the regions")
        tab = read(table, encoding=encoding)
        say(f"read {table}: {len(tab)} rows, encoding {tab.attrs.get('encoding_reason')}")
        level = _LEVEL_OF_LAYER.get(str(units))
        if level is None:
            if "adcode" not in gdf.columns:
                raise InputError(
                    f"the units in {units} have no 'adcode' column, so --table cannot be joined to them; "
                    "use an embedded layer (provinces, prefectures) as the units"
                )
            level = _guess_level(gdf)
        check_distinct_units(gdf)
        gdf = regions.join(tab, key, level=level, year_column=year_column, unmatched=unmatched, merge=merge, units=gdf)
        say("match report: " + gdf.attrs["match_report"])
        for msg in gdf.attrs.get("dropped", []):
            say(msg)
    if columns:
        absent = [c for c in columns if c not in gdf.columns]
        if absent:
            raise InputError(f"column(s) {absent} not found; available: {[c for c in gdf.columns if c != 'geometry'][:30]}")
        if drop_missing:
            gdf = _drop_missing(gdf, list(columns), say)
    return gdf


def _guess_level(gdf: Any) -> str:
    codes = gdf["adcode"].astype("int64")
    if (codes % 10000 == 0).all():
        return "province"
    if (codes % 100 == 0).mean() > 0.5:
        return "prefecture"
    return "county"


def _drop_missing(gdf: Any, columns: list[str], say: Callable[[str], None]):
    from .._numbers import to_numeric
    from .._validation import unit_labels

    values = gdf[columns].apply(lambda s: to_numeric(s, name=str(s.name)))
    bad = values.isna().any(axis=1).to_numpy()
    if bad.any():
        labels = [lab for lab, b in zip(unit_labels(gdf), bad) if b]
        shown = ", ".join(map(str, labels[:30])) + (f", … {len(labels) - 30} more" if len(labels) > 30 else "")
        say(f"dropped {len(labels)} unit(s) with missing {', '.join(columns)}: {shown}")
        gdf = gdf.loc[~bad].reset_index(drop=True)
    return gdf


def check_distinct_units(gdf: Any, id_column: str | None = None) -> None:
    """Raise :class:`~spatialregion.errors.DuplicateIdError` when two units share an id
    (``id_column``, else ``adcode`` when present) or an identical geometry: either would make a
    unit its own neighbour silently."""
    import shapely

    from .._validation import check_unique_ids
    from ..errors import DuplicateIdError

    col = id_column or ("adcode" if "adcode" in gdf.columns else None)
    if col is not None:
        check_unique_ids(gdf[col], f"id column {col!r}")
    if "geometry" in gdf.columns and len(gdf):
        geoms = gdf.geometry.to_numpy()
        valid = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
        wkb = shapely.to_wkb(shapely.normalize(geoms[valid]))
        import pandas as pd

        dup = pd.Series(wkb).duplicated(keep=False).to_numpy()
        if dup.any():
            from .._validation import unit_labels

            labels = [lab for lab, d in zip([x for x, v in zip(unit_labels(gdf), valid) if v], dup) if d]
            raise DuplicateIdError(
                f"{len(labels)} units have identical geometries: {', '.join(map(str, labels[:10]))}; "
                "each unit must appear once (a long table? pass it as --table with --year-column)"
            )


_NUMBER = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:[eE][+-]?\d+)?)\s*(km)?\s*$", re.IGNORECASE)


def parse_weights(spec: str) -> tuple[str, dict[str, Any]]:
    """``--weights`` text → ``(method, keyword arguments of weights.build)``.

    Parameters
    ----------
    spec : str
        ``queen``, ``rook``; ``knn:6``; ``distance_band:300km`` (``km`` optional);
        ``inverse_distance``, ``inverse_distance:2`` (power), ``inverse_distance:2,500km``
        (power and cut-off); ``economic:gdp`` (column; ``economic:gdp,queen`` also sets the
        base), or any other method name of :func:`spatialregion.weights.build`.

    Returns
    -------
    (str, dict)

    Raises
    ------
    WeightsError
        A parameter the method does not take, or a malformed number.
    """
    from ..errors import WeightsError

    method, _, rest = str(spec).strip().partition(":")
    method = method.strip().lower().replace("-", "_")
    params = [p.strip() for p in rest.split(",") if p.strip()] if rest else []
    kwargs: dict[str, Any] = {}
    example = {"knn": "knn:6", "distance_band": "distance_band:300km", "inverse_distance": "inverse_distance:2",
               "economic": "economic:gdp"}

    def number(text: str, what: str) -> tuple[float, bool]:
        m = _NUMBER.match(text)
        if not m:
            raise WeightsError(f"--weights {spec!r}: {what} must be a number, got {text!r} (e.g. {example.get(method, method)})")
        return float(m.group(1)), bool(m.group(2))

    if method == "knn":
        if len(params) > 1:
            raise WeightsError(f"--weights {spec!r}: knn takes one number of neighbours, e.g. knn:6")
        if params:
            k, _ = number(params[0], "the number of neighbours")
            if not float(k).is_integer() or k < 1:
                raise WeightsError(f"--weights {spec!r}: the number of neighbours must be a whole number ≥ 1")
            kwargs[_knn_name()] = int(k)
    elif method == "distance_band":
        if len(params) != 1:
            raise WeightsError(f"--weights {spec!r}: distance_band needs its threshold, e.g. distance_band:300km")
        kwargs["threshold_km"], _ = number(params[0], "the threshold (km)")
    elif method == "inverse_distance":
        for p in params:
            value, is_km = number(p, "the power or the cut-off (km)")
            kwargs["threshold_km" if is_km else "power"] = value
    elif method == "economic":
        if not params:
            raise WeightsError(f"--weights {spec!r}: economic weights need the economic column, e.g. economic:gdp")
        kwargs["column"] = params[0]
        if len(params) > 1:
            kwargs["base"] = params[1]
    elif params:
        raise WeightsError(f"--weights {spec!r}: method {method!r} takes no parameter")
    return method, kwargs


def _knn_name() -> str:
    """The name weights.build uses for the number of nearest neighbours (k_neighbours, or k before the API rename)."""
    from .. import weights

    params = inspect.signature(weights.build).parameters
    return "k_neighbours" if "k_neighbours" in params else "k"


def build_weights(gdf: Any, spec: str, *, id_column: str | None = None):
    """Spatial weights over ``gdf`` from a ``--weights`` spec (see :func:`parse_weights`)."""
    from .. import weights

    method, kwargs = parse_weights(spec)
    if id_column is not None:
        kwargs["id_column"] = id_column
    return weights.build(gdf, method, **kwargs)
