"""``spatialregion ellipse``: standard deviational ellipses per period and centre migration."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from ._common import DemoContext, ensure_out, read_units

AI_YEARS = ["ai2011", "ai2015", "ai2019", "ai2022"]


def _join(units: Any, table: str, on: str) -> Any:
    """Left-join a CSV table to the units on ``on`` (``key`` or ``left_key=right_key``), one-to-one."""
    import pandas as pd

    from ..errors import InputError

    left, _, right = on.partition("=")
    right = right or left
    tab = pd.read_csv(table)
    for name, frame, key in (("units", units, left), ("table", tab, right)):
        if key not in frame.columns:
            raise InputError(f"join key {key!r} is not a column of the {name}; columns: {list(frame.columns)[:20]}")
    merged = units.merge(tab, left_on=left, right_on=right, how="left", validate="one_to_one")
    return merged


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
    """Ellipse table, migration path, styled GeoPackage and map; returns the files written."""
    from .. import export, maps
    from ..centrography import migration

    out = ensure_out(out)
    res = migration(units, columns, n_std=n_std, scale=scale)
    echo("\n" + str(res.summary()))
    written = [
        export.to_csv(res.ellipses, out / f"{stem}_ellipses.csv"),
        export.to_csv(res.path, out / f"{stem}_path.csv"),
        res.to_gpkg(out / f"{stem}.gpkg", layer=stem),
    ]
    if figure:
        ax = res.plot(title="标准差椭圆与重心迁移 Standard deviational ellipses and centre migration")
        written.append(maps.save(ax, out / f"{stem}_map.png", close=True))
    return written


def register(app: typer.Typer) -> None:
    @app.command("ellipse")
    def ellipse_command(
        units: str = typer.Argument(..., help="vector file or embedded layer (provinces, prefectures)"),
        columns: str = typer.Option(..., "--columns", "-c", help="value column(s) weighting the units (sample weights), comma-separated, one per period"),
        table: str = typer.Option("", "--table", help="optional CSV joined to the units (one row per unit)"),
        on: str = typer.Option("name_short", "--on", help="join key: 'key' or 'unit_key=table_key'"),
        n_std: int = typer.Option(1, "--n-std", help="ellipse size in standard deviations (1, 2, 3)"),
        scale: str = typer.Option("arcgis", "--scale", help="'arcgis' (x sqrt 2, ArcGIS 10.x/Pro) or 'plain'"),
        out: Path = typer.Option(Path("ellipse-out"), "--out", "-o", help="output folder"),
        figure: bool = typer.Option(True, "--figure/--no-figure", help="write the migration map"),
    ) -> None:
        """Weighted standard deviational ellipses (ArcGIS Directional Distribution) and the centre's migration."""
        gdf = read_units(units)
        if table:
            gdf = _join(gdf, table, on)
        cols = [c.strip() for c in columns.split(",") if c.strip()]
        for p in run(gdf, cols, out, n_std=n_std, scale=scale, echo=typer.echo, figure=figure):
            typer.echo(f"wrote {p}")


def demo(ctx: DemoContext) -> None:
    """AI-index-weighted ellipses for 2011/2015/2019/2022, migration map and GeoPackage."""
    for p in run(ctx.provinces, AI_YEARS, ctx.out, echo=ctx.echo, stem="sde_ai_index"):
        ctx.wrote(p)
