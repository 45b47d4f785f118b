"""``spatialregion zoning``: zone area shares per unit, styled layers and maps."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from ._common import DemoContext, FigureOpt, Input, OutOpt, echo_written, ensure_out, input_options, split, write_csv

SHARE_TITLES = {
    "urban": "城镇空间占比 Urban-space share",
    "agricultural": "农业空间占比 Agricultural-space share",
    "ecological": "生态空间占比 Ecological-space share",
}


def read_zones(spec: str, layer: str | None = None):
    """Zones from a vector file (optionally a layer) or the shipped demo zoning: ``demo`` or ``demo:<layer>``."""
    from .. import zoning

    if spec == "demo" or spec.startswith("demo:"):
        return zoning.demo_layer(spec.partition(":")[2] or layer or "three_spaces")
    import geopandas as gpd

    path = Path(spec)
    if not path.exists():
        from ..errors import InputError

        raise InputError(f"zones {spec!r} is neither 'demo[:layer]' nor an existing vector file")
    return gpd.read_file(path, layer=layer)


def share_figure(res: Any, classes: list[str], title: str | None = None):
    """One panel per class share (the standard zone-share map)."""
    import matplotlib.pyplot as plt

    from .. import maps

    maps.use_cjk_font()
    fig, axes = plt.subplots(1, len(classes), figsize=(7.6 * len(classes), 5.6))
    fig.subplots_adjust(wspace=0.5)  # room for each panel's legend beside its map
    axes = [axes] if len(classes) == 1 else list(axes)
    frame = res.to_frame()
    for ax, cls in zip(axes, classes):
        col = f"{cls}_share"
        maps.choropleth(
            frame, col, k=5, cmap="YlGn" if cls == "ecological" else "YlOrRd" if cls == "urban" else "YlOrBr",
            ax=ax, title=SHARE_TITLES.get(cls, f"{cls} share"), legend_title="share",
        )  # fmt: skip
    if title:
        fig.suptitle(title, fontsize=13)
    return fig


def run(
    units: Any,
    zones: Any,
    column: str,
    out: Path,
    *,
    id_column: str | None = None,
    priority: list[str] | None = None,
    engine: str = "geopandas",
    echo: Any = print,
    figure: bool = True,
    stem: str = "zoning",
) -> list[Path]:
    """Shares table (CSV), styled GeoPackage (dominant zone, pieces, overlaps) and maps."""
    from .. import export, maps
    from ..zoning import dominant_function, overlay_shares

    out = ensure_out(out)
    res = overlay_shares(units, zones, zone_column=column, id_column=id_column, priority=priority or None, engine=engine)
    dom = dominant_function(res)
    echo("\n" + str(res.summary().tables[0].title) + "\n" + res.summary().tables[0].frame.round(4).to_string())
    echo(f"\nDominant function: {dom.table['kind'].value_counts().to_dict()}")
    for note in res.summary().notes:
        echo(f"Note: {note}")
    cols = ["dominant", "kind"]  # the dominant function (composite classes), ids and names first
    table = res.to_frame().drop(columns=cols, errors="ignore").join(dom.table[cols])
    written = [write_csv(table.reset_index(), out / f"{stem}_shares.csv")]
    gpkg = out / f"{stem}.gpkg"
    written.append(res.to_gpkg(gpkg, layer=f"{stem}_shares"))
    export.to_gpkg(dom.to_frame(), gpkg, layer=f"{stem}_dominant", style=dom._style())
    written.append(export.to_gpkg(res.pieces, gpkg, layer=f"{stem}_pieces", style=res.pieces_style()))
    if len(res.overlaps):
        written.append(export.to_gpkg(res.overlaps, gpkg, layer=f"{stem}_overlaps"))
    if figure:
        ax = res.plot(title="主导分区 Dominant zone")
        written.append(maps.save(ax, out / f"{stem}_dominant.png", close=True))
        shown = [c for c in res.classes if c in SHARE_TITLES] or list(res.classes)[:3]
        fig = share_figure(res, shown)
        written.append(maps.save(fig, out / f"{stem}_shares.png", close=True))
    return list(dict.fromkeys(written))


def register(app: typer.Typer) -> None:
    @app.command("zoning")
    @input_options()
    def zoning_command(
        inp: Input,
        zones: Annotated[str, typer.Argument(help="zone polygons: a vector file, or 'demo' / 'demo:<layer>' for the shipped demo zoning")],
        column: Annotated[str, typer.Option("--column", "-c", help="zone class column of ZONES")] = "zone",
        out: OutOpt = Path("zoning-out"),
        id_column: Annotated[str, typer.Option("--id-column", help="unique id column of UNITS (default: adcode when present, else the row index)")] = "",
        zones_layer: Annotated[str, typer.Option("--zones-layer", help="layer of a multi-layer ZONES file")] = "",
        priority: Annotated[str, typer.Option("--priority", help="classes by priority for overlapping zones, comma-separated, highest first")] = "",
        engine: Annotated[str, typer.Option("--engine", help="'geopandas' (in memory) or 'dask' (partitioned)")] = "geopandas",
        figure: FigureOpt = True,
    ) -> None:
        """Area and share of each zone class per unit (equal-area CRS), dominant function, styled layers."""
        gdf = inp.load(also=[id_column] if id_column else ())
        z = read_zones(zones, zones_layer or None)
        idc = id_column or ("adcode" if "adcode" in gdf.columns else None)
        echo_written(run(gdf, z, column, out, id_column=idc, priority=split(priority) or None, engine=engine,
                         echo=typer.echo, figure=figure))


def demo(ctx: DemoContext) -> None:
    """Zone shares of the synthetic demo zoning (三区) by province: table, styled layer, share map."""
    from .. import export, maps
    from ..zoning import demo_layer, overlay_shares

    ctx.echo("\n== Territorial-space zoning: shares of the demo 三区 layer by province (synthetic zoning) ==")
    res = overlay_shares(ctx.provinces, demo_layer("three_spaces"), zone_column="zone", id_column="adcode")
    t = res.table.join(ctx.provinces.set_index("adcode")["name_short"])
    cols = ["name_short", "urban_share", "agricultural_share", "ecological_share", "unzoned_share"]
    ctx.echo(t[cols].sort_values("urban_share", ascending=False).head(8).round(3).to_string())
    ctx.wrote(export.to_csv(t, ctx.out / "zoning_shares.csv"))
    ctx.wrote(res.to_gpkg(ctx.out / "spatialregion_demo.gpkg", layer="zoning_shares"))
    fig = share_figure(res, ["urban", "agricultural", "ecological"], title="三区占比（示例数据）Zone shares by province (synthetic demo zoning)")
    ctx.wrote(maps.save(fig, ctx.out / "zoning_shares.png", dpi=120, close=True))
