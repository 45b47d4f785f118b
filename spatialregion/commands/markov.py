"""CLI: ``spatialregion markov`` (classic + spatial Markov) and ``spatialregion decoupling`` (Tapio)."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Annotated

import typer

from ._common import DemoContext, ensure_out, read_units

__all__ = ["demo", "register", "write_markov_outputs"]


def _split(text: str) -> list[str]:
    return [t.strip() for t in text.split(",") if t.strip()]


def write_markov_outputs(result, out: Path, stem: str = "markov") -> list[Path]:
    """Write the heat map PNG, the summary tables (CSV) and, with geometry, the class trajectories (GeoPackage)."""
    from .. import maps

    out = ensure_out(out)
    written = []
    axes = result.plot(include_classic=True) if hasattr(result, "lag_classes") else result.plot()
    written.append(maps.save(axes if not hasattr(axes, "__len__") else axes[0], out / f"{stem}_heatmap.png", close=True))
    written.append(_write_csv(result.summary(), out / f"{stem}_tables.csv"))
    if result.geometry is not None:
        written.append(result.to_gpkg(out / f"{stem}.gpkg", layer=f"{stem}_classes"))
    return written


def _write_csv(summary, path: Path) -> Path:
    path = Path(path)
    path.write_text(summary.to_csv(), encoding="utf-8-sig")
    return path


def register(app: typer.Typer) -> None:
    @app.command("markov")
    def markov_cmd(
        units: Annotated[str, typer.Argument(help="embedded layer (provinces, prefectures) or a vector file")],
        columns: Annotated[list[str], typer.Argument(help="period columns in time order, e.g. ai2011 ai2015 ai2019 ai2022")],
        k: Annotated[int, typer.Option("--k", help="number of classes (pooled quantiles)")] = 5,
        m: Annotated[int | None, typer.Option("--m", help="number of spatial-lag classes (default k)")] = None,
        weights: Annotated[str, typer.Option("--weights", help="weights method for spatialregion.weights.build")] = "queen",
        per_period: Annotated[bool, typer.Option("--per-period", help="quantiles of each period instead of the pooled panel")] = False,
        lag_breaks: Annotated[str, typer.Option("--lag-breaks", help="'quantile' (the lag's own) or 'same' (the classes of y)")] = "quantile",
        layer: Annotated[str | None, typer.Option("--layer", help="layer of a multi-layer file")] = None,
        out: Annotated[Path, typer.Option("--out", "-o", help="output folder")] = Path("markov-out"),
    ) -> None:
        """Classic and spatial Markov chains of a panel: tables (CSV), heat maps (PNG), class trajectories (GeoPackage)."""
        from .. import markov
        from .. import weights as sw

        gdf = read_units(units, layer=layer)
        w = sw.build(gdf, method=weights)
        res = markov.spatial_markov(gdf, w, k=k, m=m, fixed=not per_period, lag_breaks=lag_breaks, columns=columns)
        typer.echo(str(res.summary()))
        for p in write_markov_outputs(res, out):
            typer.echo(f"wrote {p}")

    @app.command("decoupling")
    def decoupling_cmd(
        units: Annotated[str, typer.Argument(help="embedded layer (provinces, prefectures) or a vector file")],
        driver: Annotated[str, typer.Option("--driver", "-g", help="comma-separated driver columns (e.g. GDP) in time order")],
        pressure: Annotated[str, typer.Option("--pressure", "-c", help="comma-separated pressure columns (emissions, land) in time order")],
        weights: Annotated[str, typer.Option("--weights", help="weights method for the spatial chain ('none' to skip)")] = "queen",
        layer: Annotated[str | None, typer.Option("--layer", help="layer of a multi-layer file")] = None,
        out: Annotated[Path, typer.Option("--out", "-o", help="output folder")] = Path("decoupling-out"),
    ) -> None:
        """Tapio decoupling states per interval and the Markov chains of the grouped states."""
        from .. import decoupling, export
        from .. import weights as sw

        gdf = read_units(units, layer=layer)
        g, c = _split(driver), _split(pressure)
        w = None if weights == "none" else sw.build(gdf, method=weights)
        out = ensure_out(out)
        if len(g) >= 3:
            res = decoupling.decoupling_markov(g, c, w, data=gdf)
            typer.echo(str(res.summary()))
            tap = res.tapio
            for p in write_markov_outputs(res.spatial if res.spatial is not None else res.markov, out, "decoupling_markov"):
                typer.echo(f"wrote {p}")
        else:
            tap = decoupling.tapio(g, c, data=gdf)
            typer.echo(str(tap.summary()))
        typer.echo(f"wrote {export.to_csv(tap.to_frame(), out / 'tapio_states.csv')}")
        if tap.geometry is not None:
            typer.echo(f"wrote {tap.to_gpkg(out / 'tapio.gpkg', layer='tapio')}")


def demo(ctx: DemoContext) -> None:
    """Classic and spatial Markov (k = 4) of the provinces' AI index 2011–2022."""
    from .. import markov

    cols = ["ai2011", "ai2015", "ai2019", "ai2022"]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = markov.spatial_markov(ctx.provinces, ctx.weights, k=4, columns=cols)
    ctx.echo("\nSpatial Markov of the AI index (k = 4 pooled quantile classes, queen weights)")
    ctx.echo(res.classic.transition_table().round(3).to_string())
    ctx.echo(res.transition_table().round(3).to_string())
    h = res.homogeneity
    ctx.echo(f"Homogeneity: Q = {h.Q:.2f}, LR = {h.LR:.2f}, dof = {h.dof}, p(Q) = {h.Q_p:.3g}")
    for w in caught:
        ctx.echo(f"  note: {w.message}")
    for p in write_markov_outputs(res, ctx.out, "markov"):
        ctx.wrote(p)
