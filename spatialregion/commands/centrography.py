"""``spatialregion ellipse``: standard deviational ellipses per period and centre migration."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from ._common import DemoContext, FigureOpt, Input, OutOpt, echo_written, ensure_out, input_options, split, write_csv

AI_YEARS = ["ai2011", "ai2015", "ai2019", "ai2022"]


def run(
    units: Any,
    columns: list[str],
    out: Path,
    n_std: int = 1,
    scale: str = "arcgis",
    echo: Any = print,
    figure: bool = True,
    stem: str = "sde",
) -> list[Path]:
    """Ellipse table, migration path, per-unit weights, styled GeoPackage and map; returns the files written."""
    from .. import export, maps
    from ..centrography import migration

    out = ensure_out(out)
    res = migration(units, columns, n_std=n_std, scale=scale)
    echo("\n" + str(res.summary()))
    written = [
        export.to_csv(res.ellipses, out / f"{stem}_ellipses.csv"),
        export.to_csv(res.path, out / f"{stem}_path.csv"),
        write_csv(_unit_table(units, columns), out / f"{stem}_units.csv"),
        res.to_gpkg(out / f"{stem}.gpkg", layer=stem),
    ]
    if figure:
        ax = res.plot(title="标准差椭圆与重心迁移 Standard deviational ellipses and centre migration")
        written.append(maps.save(ax, out / f"{stem}_map.png", close=True))
    return written


def _unit_table(units: Any, columns: list[str]) -> Any:
    """The units' ids and names with the value columns that weighted the ellipses."""
    keep = [c for c in ("adcode", "name", "name_short", "name_en") if c in units.columns]
    return units[keep + [c for c in columns if c not in keep]]


def register(app: typer.Typer) -> None:
    @app.command("ellipse")
    @input_options()
    def ellipse_command(
        inp: Input,
        columns: Annotated[str, typer.Option("--columns", "-c", help="value column(s) weighting the units (sample weights), comma-separated, one per period")],
        n_std: Annotated[int, typer.Option("--n-std", help="ellipse size in standard deviations (1, 2, 3)")] = 1,
        scale: Annotated[str, typer.Option("--scale", help="'arcgis' (x sqrt 2, ArcGIS 10.x/Pro) or 'plain'")] = "arcgis",
        out: OutOpt = Path("ellipse-out"),
        figure: FigureOpt = True,
    ) -> None:
        """Weighted standard deviational ellipses (ArcGIS Directional Distribution) and the centre's migration."""
        cols = split(columns)
        gdf = inp.load(cols)
        echo_written(run(gdf, cols, out, n_std=n_std, scale=scale, echo=typer.echo, figure=figure))


def demo(ctx: DemoContext) -> None:
    """AI-index-weighted ellipses for 2011/2015/2019/2022, migration map and GeoPackage."""
    for p in run(ctx.provinces, AI_YEARS, ctx.out, echo=ctx.echo, stem="sde_ai_index"):
        ctx.wrote(p)
