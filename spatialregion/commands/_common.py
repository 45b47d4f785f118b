"""Helpers shared by the CLI sub-commands: the one input stage, the ``--weights`` spec, outputs.

Adopting the input stage in a command (the pattern every command follows)::

    from ._common import Input, WeightsOpt, build_weights, input_options

    def register(app):
        @app.command("hotspots")
        @input_options()
        def cmd(inp: Input, column: ColumnArg, weights: WeightsOpt = "queen"):
            gdf = inp.load([column])            # checks the columns, joins --table, --drop-missing
            w = build_weights(gdf, weights)

:func:`input_options` gives the command the ``UNITS`` argument (embedded layer or vector file)
and the options ``--table --key --year-column --encoding --drop-missing --merge --layer``,
declared once here, and hands them to the command as one :class:`Input`.
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
    "Input",
    "input_options",
    "split",
    "split_floats",
    "ColumnsOpt",
    "OutOpt",
    "FigureOpt",
    "IdColumnOpt",
    "read_units",
    "ensure_out",
    "write_csv",
    "write_unit_result",
    "echo_written",
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
ColumnsOpt = Annotated[str, typer.Option("--columns", "-c", help="analysed columns, comma-separated (periods in time order)")]
IdColumnOpt = Annotated[str | None, typer.Option("--id-column", help="unit id column (default: adcode when present)")]
FigureOpt = Annotated[bool, typer.Option("--figure/--no-figure", help="write the figures (PNG)")]


OutOpt = Annotated[Path, typer.Option("--out", "-o", help="output folder")]


def split(text: str | None) -> list[str]:
    """``"a, b,c"`` → ``["a", "b", "c"]`` (comma-separated CLI lists)."""
    return [c.strip() for c in str(text or "").split(",") if c.strip()]


def split_floats(text: str | None, option: str) -> list[float]:
    """Comma-separated numbers of a CLI option; a non-number is an :class:`InputError` naming ``option``."""
    from ..errors import InputError

    items = split(text)
    try:
        return [float(x) for x in items]
    except ValueError:
        raise InputError(f"{option} takes comma-separated numbers, got {text!r}") from None


@dataclass(frozen=True)
class Input:
    """The input options of a command (``UNITS --table --key --year-column --encoding
    --drop-missing --merge --layer``), as :func:`input_options` hands them over."""

    units: str
    table: Path | None = None
    key: str | None = None
    year_column: str | None = None
    encoding: str | None = None
    drop_missing: bool = False
    merge: str = "raise"
    layer: str | None = None

    def load(
        self,
        columns: Sequence[str] = (),
        *,
        also: Sequence[str] = (),
        long: bool = False,
        tables: bool = False,
        echo: Callable[[str], None] | None = typer.echo,
    ):
        """Units (with the table joined) through :func:`load_input`.

        Parameters
        ----------
        columns : sequence of str
            Analysed numeric columns (must exist; ``--drop-missing`` looks at them).
        also : sequence of str
            Further columns that must exist (groups, text factors).
        long : bool
            The command analyses long panels (one row per unit and ``--year-column``); other
            commands refuse ``--year-column`` with a hint.
        tables : bool
            The command needs no geometry: a table file is accepted as ``UNITS`` itself.
        echo : callable or None
            Where reports go.

        Returns
        -------
        GeoDataFrame or DataFrame
        """
        from ..errors import InputError

        if self.year_column is not None and not long:
            raise InputError(
                f"--year-column {self.year_column!r}: this command analyses one row per unit; pivot the table "
                "to one column per year (e.g. gdp2019, gdp2020) and pass those columns"
            )
        return load_input(
            self.units, layer=self.layer, table=self.table, key=self.key, year_column=self.year_column,
            encoding=self.encoding, drop_missing=self.drop_missing, merge=self.merge, columns=list(columns),
            also=list(also), allow_table=tables, echo=echo,
        )  # fmt: skip


_INPUT_OPTIONS = (
    ("table", TableOpt, None),
    ("key", KeyOpt, None),
    ("year_column", YearColumnOpt, None),
    ("encoding", EncodingOpt, None),
    ("drop_missing", DropMissingOpt, False),
    ("merge", MergeOpt, "raise"),
    ("layer", LayerOpt, None),
)


def input_options(units_help: str | None = None) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator giving a command the shared input stage.

    The command declares a first parameter ``inp: Input``; the decorated function instead takes
    the ``UNITS`` argument first and the options of :class:`Input` last, so that Typer shows
    them, and calls the command with them gathered as one :class:`Input`.

    Parameters
    ----------
    units_help : str, optional
        Help of the ``UNITS`` argument (default: :data:`UnitsArg`'s).

    Returns
    -------
    callable
        The decorator.
    """
    units_ann = UnitsArg if units_help is None else Annotated[str, typer.Argument(help=units_help)]

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        sig = inspect.signature(func, eval_str=True)
        own = [p for name, p in sig.parameters.items() if name != "inp"]
        kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
        params = [inspect.Parameter("units", kind, annotation=units_ann), *own]
        params += [inspect.Parameter(n, kind, annotation=a, default=d) for n, a, d in _INPUT_OPTIONS]
        names = [n for n, _, _ in _INPUT_OPTIONS]

        def command(**kwargs: Any) -> Any:
            inp = Input(units=kwargs.pop("units"), **{n: kwargs.pop(n) for n in names})
            return func(inp, **kwargs)

        for attr in ("__name__", "__qualname__", "__doc__", "__module__"):
            setattr(command, attr, getattr(func, attr))
        command.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
        command.__annotations__ = {p.name: p.annotation for p in params}
        return command

    return decorate


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
    """The output folder, created when missing."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    return out


def write_csv(frame: Any, path: Path) -> Path:
    """A per-unit frame as CSV (UTF-8 with BOM, for Excel), without the geometry column and
    without an index that repeats one of its columns (e.g. ``adcode``)."""
    from .. import export

    frame = frame.drop(columns="geometry", errors="ignore")
    if frame.index.name is not None and frame.index.name in frame.columns:
        frame = frame.reset_index(drop=True)
    return export.to_csv(frame, path)


def write_unit_result(
    result: Any,
    out: Path,
    stem: str,
    *,
    figure: bool = True,
    plot: dict[str, Any] | None = None,
    gpkg: dict[str, Any] | None = None,
) -> list[Path]:
    """The files of a per-unit result: ``STEM.csv`` (ids, names and analysed values first), and
    when the result has geometry the map ``STEM.png`` and the styled layer ``STEM.gpkg``.

    Parameters
    ----------
    result : UnitResult
        Anything with ``to_frame()``, ``geometry``, ``plot(**plot)`` and ``to_gpkg(path, **gpkg)``.
    out : Path
        Output folder (created).
    stem : str
        File stem (and default layer name).
    figure : bool
        Write the map.
    plot, gpkg : dict, optional
        Keyword arguments of ``result.plot`` and ``result.to_gpkg`` (default ``layer=stem``).

    Returns
    -------
    list of Path
    """
    from .. import maps

    out = ensure_out(out)
    written = [write_csv(result.to_frame(), out / f"{stem}.csv")]
    if result.geometry is not None:
        if figure:
            written.append(maps.save(result.plot(**(plot or {})), out / f"{stem}.png", close=True))
        written.append(result.to_gpkg(out / f"{stem}.gpkg", **(gpkg if gpkg is not None else {"layer": stem})))
    return written


def echo_written(paths: Sequence[Path], echo: Callable[[str], None] = typer.echo) -> None:
    """``wrote PATH`` for each file written."""
    for p in paths:
        echo(f"wrote {p}")


def read_units(spec: str, layer: str | None = None, encoding: str | None = None, allow_table: bool = False):
    """A GeoDataFrame from an embedded layer name (``provinces``, ``prefectures``, ``counties``)
    or from any vector file, read by :func:`spatialregion.read` (encoding detection); with
    ``allow_table`` a table file (CSV/TXT/XLSX) is returned as a DataFrame."""
    from ..errors import InputError
    from ..io import read
    from ..regions import LAYERS, load

    if spec in LAYERS:
        return load(spec)
    path = Path(spec)
    if not path.exists():
        raise InputError(f"{spec!r} is neither an embedded layer ({', '.join(LAYERS)}) nor an existing file")
    gdf = read(path, layer=layer, encoding=encoding)
    if allow_table and "geometry" not in getattr(gdf, "columns", []):
        return gdf
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
    also: Sequence[str] = (),
    allow_table: bool = False,
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
    also : sequence of str
        Further columns that must exist (not numeric: groups, factors).
    allow_table : bool
        Accept a table file (no geometry) as ``units`` (commands that need no geometry).
    echo : callable or None
        Where to report the encoding, the match report and dropped units.

    Returns
    -------
    GeoDataFrame
        One row per unit (per unit and year with ``year_column``); a DataFrame for a table
        given as ``units`` with ``allow_table``.

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
    gdf = read_units(units, layer=layer, encoding=encoding, allow_table=allow_table and table is None)
    enc = gdf.attrs.get("encoding_reason")
    if enc and Path(str(units)).exists():
        say(f"read {units}: {len(gdf)} units, encoding {enc}")
    if table is None:
        if key is not None or year_column is not None:
            raise InputError("--key and --year-column need --table FILE")
        if "geometry" in gdf.columns:
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
    needed = [*(columns or ()), *also]
    absent = [c for c in dict.fromkeys(needed) if c not in gdf.columns]
    if absent:
        raise InputError(
            f"column(s) {absent} not found in {'the units and --table' if table is not None else units}; "
            f"available: {[c for c in gdf.columns if c != 'geometry'][:30]}"
        )
    if columns:
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
