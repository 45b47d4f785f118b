"""``spatialregion detector``: the geographic detector (factor, interaction, risk, ecological)."""

from __future__ import annotations

from pathlib import Path

import typer

from ._common import DemoContext, ensure_out
from .indices import read_table, split


def run(data, column: str, factors: list[str], out: Path, echo=print, figure: bool = True, stem: str = "detector", **kw) -> list[Path]:
    """Run the detector, print its summary, write CSV tables (and figures); returns the files written."""
    from .. import export, maps
    from ..detector import geodetector

    out = ensure_out(out)
    res = geodetector(data, column, factors=factors, **kw)
    echo("\n" + str(res.summary()))
    written = [
        export.to_csv(res.factor.reset_index(), out / f"{stem}_factor.csv"),
        export.to_csv(res.interaction.reset_index(), out / f"{stem}_interaction.csv"),
        export.to_csv(res.ecological.reset_index(), out / f"{stem}_ecological.csv"),
    ]
    if figure:
        ax = res.plot(kind="factor")
        written.append(maps.save(ax, out / f"{stem}_q.png", close=True))
        if len(factors) >= 2:
            ax = res.plot(kind="interaction")
            written.append(maps.save(ax, out / f"{stem}_interaction.png", close=True))
    return written


def register(app: typer.Typer) -> None:
    @app.command("detector")
    def detector_command(
        data: str = typer.Argument(..., help="CSV/Excel table, vector file or embedded layer"),
        column: str = typer.Option(..., "--column", "-c", help="response column"),
        factors: str = typer.Option(..., "--factors", "-f", help="factor columns, comma-separated"),
        scheme: str = typer.Option("", "--scheme", help="discretise continuous factors: quantiles, equal_interval, fisher_jenks, std_mean, geometric or optimal"),
        k: int = typer.Option(5, "--k", help="number of strata for --scheme"),
        singletons: str = typer.Option("drop", "--singletons", help="strata of one unit: drop (as the geodetector package), keep, raise"),
        alpha: float = typer.Option(0.05, "--alpha", help="significance level"),
        out: Path = typer.Option(Path("detector-out"), "--out", "-o", help="output folder"),
        figure: bool = typer.Option(True, "--figure/--no-figure", help="write the q bar chart and interaction heat map"),
    ) -> None:
        """Geographic detector 地理探测器: q and its p-value, interactions, risk and ecological detectors."""
        frame = read_table(data)
        paths = run(frame, column, split(factors), out, echo=typer.echo, figure=figure,
                    scheme=scheme or None, k=k, singletons=singletons, alpha=alpha)
        for p in paths:
            typer.echo(f"wrote {p}")


def demo(ctx: DemoContext) -> None:
    """What stratifies the 2022 AI index: region, longitude/latitude bands, the 2011 level."""
    prov = ctx.provinces.copy()
    pts = prov.geometry.representative_point()
    prov["longitude"] = pts.x
    prov["latitude"] = pts.y
    factors = ["region", "longitude", "latitude", "ai2011"]
    for p in run(prov, "ai2022", factors, ctx.out, echo=ctx.echo, stem="detector_ai2022",
                 scheme={"longitude": ("fisher_jenks", 3), "latitude": ("fisher_jenks", 3), "ai2011": ("quantiles", 4)}):
        ctx.wrote(p)
