"""CLI: ``spatialregion hotspots`` (Getis–Ord Gi*) and ``spatialregion moran`` (global + local Moran)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ._common import DemoContext, Input, OutOpt, WeightsOpt, build_weights, echo_written, ensure_out, input_options, split_floats, write_unit_result

__all__ = ["demo", "register", "write_hotspot_outputs", "write_lisa_outputs"]


ColumnArg = Annotated[str, typer.Argument(help="analysed numeric column")]
SeedOpt = Annotated[int | None, typer.Option("--seed", help="random seed of the permutations")]


def write_hotspot_outputs(result, out: Path, stem: str = "hotspots") -> list[Path]:
    """Hot-spot map (PNG), per-unit table (CSV), styled GeoPackage layer."""
    return write_unit_result(result, out, stem, plot={"title": f"{result.column or ''} Getis-Ord {result.statistic_name} 冷热点"})


def write_lisa_outputs(local, global_, out: Path, stem: str = "lisa") -> list[Path]:
    """LISA cluster map (PNG), Moran scatter plot (PNG), tables (CSV), styled GeoPackage."""
    from .. import maps

    written = write_unit_result(local, out, stem, plot={"title": f"{local.column or ''} LISA"})
    written.insert(1, maps.save(global_.plot(), ensure_out(out) / f"{stem}_moran_scatter.png", close=True))
    return written


def register(app: typer.Typer) -> None:
    @app.command("hotspots")
    @input_options()
    def hotspots_cmd(
        inp: Input,
        column: ColumnArg,
        weights: WeightsOpt = "queen",
        permutations: Annotated[int, typer.Option("--permutations", help="conditional permutations (0: analytic only)")] = 0,
        seed: SeedOpt = None,
        star: Annotated[bool, typer.Option("--star/--no-star", help="Gi* (self included) or Gi")] = True,
        transform: Annotated[str, typer.Option("--transform", help="O (weights as given: binary for contiguity, as ArcGIS), B (binary) or R (esda's row-standardised)")] = "O",
        fdr: Annotated[bool, typer.Option("--fdr", help="Benjamini-Hochberg FDR correction of Gi_Bin")] = False,
        by: Annotated[str, typer.Option("--by", help="map the five classes ('class') or ArcGIS bins ('Gi_Bin')")] = "class",
        scheme: Annotated[str, typer.Option("--scheme", help="five classes by 'fisher_jenks' (natural breaks of z) or 'user_defined' (--breaks)")] = "fisher_jenks",
        breaks: Annotated[str | None, typer.Option("--breaks", help="four comma-separated cut points on z for --scheme user_defined")] = None,
        out: OutOpt = Path("hotspots-out"),
    ) -> None:
        """Getis-Ord Gi* hot spots: map (PNG), table (CSV), styled GeoPackage."""
        from .. import hotspots

        gdf = inp.load([column])
        w = build_weights(gdf, weights)
        cuts = split_floats(breaks, "--breaks") or None
        res = hotspots.getis_ord(
            gdf, column, weights=w, star=star, transform=transform, permutations=permutations, seed=seed,
            fdr=fdr, scheme=scheme, breaks=cuts,
        )
        typer.echo(str(res.summary()))
        echo_written(write_unit_result(res, out, "hotspots", plot={"by": by}, gpkg={"by": by}))

    @app.command("moran")
    @input_options()
    def moran_cmd(
        inp: Input,
        column: ColumnArg,
        weights: WeightsOpt = "queen",
        permutations: Annotated[int, typer.Option("--permutations", help="permutations for p_sim")] = 999,
        seed: SeedOpt = None,
        alpha: Annotated[float, typer.Option("--alpha", help="significance of LISA clusters")] = 0.05,
        transform: Annotated[str, typer.Option("--transform", help="R (row-standardised) or B")] = "R",
        alternative: Annotated[str, typer.Option("--alternative", help="LISA p_sim: 'directed' (GeoDa/esda, folded one-sided) or 'two-sided'")] = "directed",
        out: OutOpt = Path("moran-out"),
    ) -> None:
        """Global Moran's I and local Moran (LISA) clusters: maps, scatter plot, tables, GeoPackage."""
        from .. import autocorrelation as ac

        gdf = inp.load([column])
        w = build_weights(gdf, weights)
        g = ac.moran(gdf, column, weights=w, transform=transform, permutations=permutations, seed=seed)
        loc = ac.local_moran(
            gdf, column, weights=w, transform=transform, permutations=permutations, seed=seed, alpha=alpha,
            alternative=alternative,
        )
        typer.echo(str(g.summary()))
        typer.echo(str(loc.summary()))
        echo_written(write_lisa_outputs(loc, g, out))


def demo(ctx: DemoContext) -> None:
    """Gi* hot-spot map and LISA map of the 2022 AI index (PNG + styled GeoPackage)."""
    from .. import autocorrelation as ac
    from .. import hotspots

    prov = ctx.provinces
    hs = hotspots.getis_ord(prov, "ai2022", weights=ctx.weights, permutations=999, seed=2022)
    ctx.echo("\n" + str(hs.summary()))
    for p in write_hotspot_outputs(hs, ctx.out, stem="hotspots_ai2022"):
        ctx.wrote(p)
    g = ac.moran(prov, "ai2022", weights=ctx.weights, permutations=999, seed=2022)
    loc = ac.local_moran(prov, "ai2022", weights=ctx.weights, permutations=999, seed=2022)
    ctx.echo(f"Global Moran's I (AI index 2022) = {g.I:.4f}, z = {g.z_rand:.3f}, p_sim = {g.p_sim:.4f}")
    for p in write_lisa_outputs(loc, g, ctx.out, stem="lisa_ai2022"):
        ctx.wrote(p)
