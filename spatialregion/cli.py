"""The ``spatialregion`` command line.

``spatialregion demo --out DIR`` runs every analysis on embedded data;
each analysis also has its own sub-command (``spatialregion --help``).
Sub-commands live in :mod:`spatialregion.commands`, one module each.
"""

from __future__ import annotations

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
    for mod in _command_modules():
        mod.register(app)


def main() -> None:  # console-script entry point
    _register_all()
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
