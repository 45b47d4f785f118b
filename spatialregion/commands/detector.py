"""``spatialregion detector``: the geographic detector (factor, interaction, risk, ecological)."""

from __future__ import annotations

from pathlib import Path

from typing import Annotated

import typer

from ._common import DemoContext, FigureOpt, Input, OutOpt, echo_written, ensure_out, input_options, split, write_csv
from .indices import TABLE_UNITS


def run(data, column: str, factors: list[str], out: Path, echo=print, figure: bool = True, stem: str = "detector", **kw) -> list[Path]:
    """Run the detector, print its summary, write CSV tables (and figures); returns the files written."""
    from .. import export, maps
    from ..detector import geodetector

    out = ensure_out(out)
    res = geodetector(data, column, factors=factors, **kw)
    echo("\n" + str(res.summary()))
    keep = [c for c in ("adcode", "name", "name_short", "name_en") if c in data.columns]
    written = [
        write_csv(data[keep + [c for c in dict.fromkeys([column, *factors]) if c not in keep]], out / f"{stem}_units.csv"),
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
    @input_options(TABLE_UNITS)
    def detector_command(
        inp: Input,
        column: Annotated[str, typer.Option("--column", "-c", help="response column")],
        factors: Annotated[str, typer.Option("--factors", "-f", help="factor columns, comma-separated")],
        scheme: Annotated[str, typer.Option("--scheme", help="discretise continuous factors: quantiles, equal_interval, fisher_jenks, std_mean, geometric or optimal")] = "",
        k: Annotated[int, typer.Option("--k", help="number of strata for --scheme")] = 5,
        singletons: Annotated[str, typer.Option("--singletons", help="strata of one unit: drop (as the geodetector package), keep, raise")] = "drop",
        alpha: Annotated[float, typer.Option("--alpha", help="significance level")] = 0.05,
        out: OutOpt = Path("detector-out"),
        figure: FigureOpt = True,
    ) -> None:
        """Geographic detector 地理探测器: q and its p-value, interactions, risk and ecological detectors."""
        facs = split(factors)
        frame = inp.load([column], also=facs, tables=True)
        echo_written(run(frame, column, facs, out, echo=typer.echo, figure=figure, scheme=scheme or None, k=k,
                         singletons=singletons, alpha=alpha))


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
