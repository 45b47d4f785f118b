"""CLI: ``spatialregion emerging`` (ArcGIS-style emerging hot spots on a panel)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ._common import (
    DemoContext,
    DropMissingOpt,
    EncodingOpt,
    KeyOpt,
    LayerOpt,
    MergeOpt,
    TableOpt,
    UnitsArg,
    WeightsOpt,
    build_weights,
    ensure_out,
    load_input,
)

__all__ = ["demo", "register", "write_emerging_outputs"]


def write_emerging_outputs(result, out: Path, stem: str = "emerging") -> list[Path]:
    """Pattern map (PNG), per-unit table with id/name/values (CSV), styled GeoPackage."""
    from .. import export, maps

    out = ensure_out(out)
    written = [export.to_csv(result.to_frame().drop(columns="geometry", errors="ignore"), out / f"{stem}.csv")]
    if result.geometry is not None:
        written.append(maps.save(result.plot(title="时空热点模式 Emerging hot spots"), out / f"{stem}.png", close=True))
        written.append(result.to_gpkg(out / f"{stem}.gpkg", layer=stem))
    return written


def register(app: typer.Typer) -> None:
    @app.command("emerging")
    def emerging_cmd(
        units: UnitsArg,
        columns: Annotated[list[str], typer.Argument(help="period columns in time order, e.g. ai2011 ai2012 ... ai2022")],
        weights: WeightsOpt = "queen",
        time_step: Annotated[int, typer.Option("--time-step", help="previous periods in the space-time neighbourhood (0: per period)")] = 1,
        fdr: Annotated[bool, typer.Option("--fdr", help="Benjamini-Hochberg FDR correction of the hot/cold bins")] = False,
        alpha: Annotated[float, typer.Option("--alpha", help="significance of a hot/cold bin: 0.10, 0.05 or 0.01")] = 0.10,
        trend_alpha: Annotated[float, typer.Option("--trend-alpha", help="significance of the Mann-Kendall trend")] = 0.05,
        table: TableOpt = None,
        key: KeyOpt = None,
        encoding: EncodingOpt = None,
        drop_missing: DropMissingOpt = False,
        merge: MergeOpt = "raise",
        layer: LayerOpt = None,
        out: Annotated[Path, typer.Option("--out", "-o", help="output folder")] = Path("emerging-out"),
    ) -> None:
        """Emerging hot spots (space-time Gi*, Mann-Kendall, 17 ArcGIS patterns): map, CSV, styled GeoPackage."""
        from .. import hotspots

        gdf = load_input(units, layer=layer, table=table, key=key, encoding=encoding, drop_missing=drop_missing,
                         merge=merge, columns=list(columns))
        res = hotspots.emerging_hotspots(
            gdf, list(columns), weights=build_weights(gdf, weights), time_step=time_step, fdr=fdr, alpha=alpha, trend_alpha=trend_alpha
        )
        typer.echo(str(res.summary()))
        for p in write_emerging_outputs(res, out):
            typer.echo(f"wrote {p}")


def demo(ctx: DemoContext) -> None:
    """Emerging hot spots of the AI index 2011–2022 (map + styled GeoPackage)."""
    from .. import hotspots

    cols = [c for c in ctx.provinces.columns if str(c).startswith("ai20")]
    res = hotspots.emerging_hotspots(ctx.provinces, cols, weights=ctx.weights)
    ctx.echo("\n" + str(res.summary()))
    for p in write_emerging_outputs(res, ctx.out, stem="emerging_ai"):
        ctx.wrote(p)
