"""The ``spatialregion`` command line.

``spatialregion demo --out DIR`` runs every analysis on embedded data;
each analysis also has its own sub-command (``spatialregion --help``).
Sub-commands live in :mod:`spatialregion.commands`, one module each.
"""

from __future__ import annotations

import functools
import importlib
import time
from pathlib import Path

import typer

from .commands import MODULES
from .commands._common import DemoContext, ensure_out

app = typer.Typer(
    name="spatialregion",
    help="Regional spatial analysis on China's provinces and prefecture-level cities.",
    no_args_is_help=True,
    add_completion=False,
)


_STATE = {"debug": False, "registered": False}

#: one-line hints printed after ``error: ...``, by error class name (most specific first)
_HINTS = {
    "RegionMatchError": "fix or alias the keys listed above, or pass --unmatched drop; regions.match shows every key's status",
    "MissingValueError": "fill the values, or pass --drop-missing to drop those units (they are listed)",
    "DuplicateIdError": "each unit must appear once; a long table goes in --table with --year-column",
    "UnknownRegionError": "names may be Chinese (full or short), pinyin/English or 6-digit adcodes",
    "WeightsError": "--weights takes queen, rook, knn:6, distance_band:300km, inverse_distance:2 or economic:COLUMN",
    "CRSError": "reproject or set the CRS of the input file (embedded layers are EPSG:4490)",
    "GeometryError": "the units must be non-empty polygons",
    "InputError": "check the file, the column names and the options (--help)",
    "OSError": "check the path and the permissions",
    "UnicodeError": "pass --encoding (e.g. --encoding gb18030 or --encoding utf-8)",
}


def _hint(exc: BaseException) -> str:
    for cls in type(exc).__mro__:
        if cls.__name__ in _HINTS:
            return _HINTS[cls.__name__]
    return "run with --debug for the traceback"


def report_error(exc: BaseException) -> None:
    """Print ``error: <message>`` (further lines of the message indented) and ``hint: ...`` on stderr."""
    text = str(exc).strip() or type(exc).__name__
    first, *rest = text.splitlines()
    typer.echo(f"error: {first}", err=True)
    for line in rest:
        typer.echo(f"  {line}", err=True)
    typer.echo(f"hint: {_hint(exc)} (traceback: spatialregion --debug ...)", err=True)


def _guard(func):
    """Wrap a command: user errors print one ``error:`` line and a hint and exit 2; ``--debug``
    re-raises them with the traceback."""
    from .errors import SpatialRegionError

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except (SpatialRegionError, OSError, UnicodeError) as exc:
            if _STATE["debug"]:
                raise
            report_error(exc)
            raise typer.Exit(2) from None

    wrapper._guarded = True  # type: ignore[attr-defined]
    return wrapper


@app.callback()
def _global_options(
    debug: bool = typer.Option(False, "--debug", help="show the Python traceback of errors"),
) -> None:
    """Regional spatial analysis on China's provinces and prefecture-level cities."""
    _STATE["debug"] = debug


def _command_modules():
    for name in MODULES:
        yield importlib.import_module(f".commands.{name}", __package__)


def demo_provinces():
    """Mainland provinces with the AI-development index (Wang et al., Table 2) joined."""
    from . import datasets, regions

    prov = regions.load("provinces")
    ai = datasets.ai_index().rename(columns={"province": "name_short"})
    merged = prov.merge(ai, on="name_short", how="left", validate="one_to_one")
    missing = merged.loc[merged["ai2022"].isna(), "name"].tolist()
    if missing:  # never silently drop rows
        raise RuntimeError(f"AI index missing for provinces {missing}")
    return merged


@app.command()
def demo(
    out: Path = typer.Option(Path("spatialregion-demo"), "--out", "-o", help="output folder"),
) -> None:
    """Run every analysis on embedded data and write maps, GeoPackages and CSV tables."""
    from . import export, maps, weights

    t0 = time.perf_counter()
    out = ensure_out(out)
    prov = demo_provinces()
    w = weights.build(prov, method="queen")
    ctx = DemoContext(out=out, provinces=prov, weights=w, echo=typer.echo)
    typer.echo(f"Loaded {len(prov)} mainland provinces; queen weights: {weights.describe(w)}")

    # the foundation's own step: a choropleth of the AI index, GeoPackage and CSV
    ax = maps.choropleth(prov, "ai2022", k=5, title="人工智能发展指数 AI development index, 2022")
    ctx.wrote(maps.save(ax, out / "ai_index_2022.png"))
    style = maps.classify_style(prov, "ai2022", k=5, title="AI index 2022")
    ctx.wrote(export.to_gpkg(prov, out / "spatialregion_demo.gpkg", layer="ai_index", style=style))
    table = prov.drop(columns="geometry")[["adcode", "name", "name_en", "region3", "ai2011", "ai2015", "ai2019", "ai2022"]]
    ctx.wrote(export.to_csv(table, out / "ai_index.csv"))
    summary = table.groupby("region3")[["ai2011", "ai2015", "ai2019", "ai2022"]].agg(["mean", "std"]).round(3)
    typer.echo("\nAI index by region (mean, s.d.)\n" + summary.to_string())

    for mod in _command_modules():
        step = getattr(mod, "demo", None)
        if step is not None:
            step(ctx)

    typer.echo(f"\nWrote {len(ctx.written)} files to {out.resolve()} in {time.perf_counter() - t0:.1f} s:")
    for p in ctx.written:
        typer.echo(f"  {p}")


def _register_all() -> None:
    if _STATE["registered"]:
        return
    for mod in _command_modules():
        mod.register(app)
    for info in app.registered_commands:
        if info.callback is not None and not getattr(info.callback, "_guarded", False):
            info.callback = _guard(info.callback)
    _STATE["registered"] = True


def main() -> None:  # console-script entry point
    _register_all()
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
