"""CLI: ``spatialregion emerging`` (ArcGIS-style emerging hot spots on a panel)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ._common import DemoContext, Input, OutOpt, WeightsOpt, build_weights, echo_written, input_options, write_unit_result

__all__ = ["demo", "register", "write_emerging_outputs"]


def write_emerging_outputs(result, out: Path, stem: str = "emerging") -> list[Path]:
    """Pattern map (PNG), per-unit table with id/name/values (CSV), styled GeoPackage."""
    return write_unit_result(result, out, stem, plot={"title": "时空热点模式 Emerging hot spots"})


def register(app: typer.Typer) -> None:
    @app.command("emerging")
    @input_options()
    def emerging_cmd(
        inp: Input,
        columns: Annotated[list[str], typer.Argument(help="period columns in time order, e.g. ai2011 ai2012 ... ai2022")],
        weights: WeightsOpt = "queen",
        time_step: Annotated[int, typer.Option("--time-step", help="previous periods in the space-time neighbourhood (0: per period)")] = 1,
        fdr: Annotated[bool, typer.Option("--fdr", help="Benjamini-Hochberg FDR correction of the hot/cold bins")] = False,
        alpha: Annotated[float, typer.Option("--alpha", help="significance of a hot/cold bin: 0.10, 0.05 or 0.01")] = 0.10,
        trend_alpha: Annotated[float, typer.Option("--trend-alpha", help="significance of the Mann-Kendall trend")] = 0.05,
        out: OutOpt = Path("emerging-out"),
    ) -> None:
        """Emerging hot spots (space-time Gi*, Mann-Kendall, 17 ArcGIS patterns): map, CSV, styled GeoPackage."""
        from .. import hotspots

        gdf = inp.load(list(columns))
        res = hotspots.emerging_hotspots(
            gdf, list(columns), weights=build_weights(gdf, weights), time_step=time_step, fdr=fdr, alpha=alpha, trend_alpha=trend_alpha
        )
        typer.echo(str(res.summary()))
        echo_written(write_emerging_outputs(res, out))


def demo(ctx: DemoContext) -> None:
    """Emerging hot spots of the AI index 2011–2022 (map + styled GeoPackage)."""
    from .. import hotspots

    cols = [c for c in ctx.provinces.columns if str(c).startswith("ai20")]
    res = hotspots.emerging_hotspots(ctx.provinces, cols, weights=ctx.weights)
    ctx.echo("\n" + str(res.summary()))
    for p in write_emerging_outputs(res, ctx.out, stem="emerging_ai"):
        ctx.wrote(p)
