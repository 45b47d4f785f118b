"""CLI: ``spatialregion markov`` (classic + spatial Markov) and ``spatialregion decoupling`` (Tapio)."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Annotated

import typer

from ._common import (
    ColumnsOpt,
    DemoContext,
    Input,
    OutOpt,
    WEIGHTS_HELP,
    WeightsOpt,
    build_weights,
    echo_written,
    ensure_out,
    input_options,
    split,
    write_csv,
)

__all__ = ["demo", "register", "write_markov_outputs"]


def write_markov_outputs(result, out: Path, stem: str = "markov") -> list[Path]:
    """Write the heat map PNG, the summary tables and the tidy transitions (CSV), the per-unit
    classes (CSV with id, name and value columns) and, with geometry, the classes as a GeoPackage."""
    from .. import export, maps

    out = ensure_out(out)
    written = []
    axes = result.plot(include_classic=True) if hasattr(result, "lag_classes") else result.plot()
    written.append(maps.save(axes if not hasattr(axes, "__len__") else axes[0], out / f"{stem}_heatmap.png", close=True))
    tables = out / f"{stem}_tables.csv"
    result.summary().to_csv(tables)  # UTF-8 with BOM
    written.append(tables)
    written.append(export.to_csv(result.to_frame(), out / f"{stem}_transitions.csv"))
    classes = result.unit_classes
    written.append(write_csv(classes.to_frame(), out / f"{stem}_classes.csv"))
    if classes.geometry is not None:
        written.append(classes.to_gpkg(out / f"{stem}.gpkg", layer=f"{stem}_classes"))
    return written


def register(app: typer.Typer) -> None:
    @app.command("markov")
    @input_options()
    def markov_cmd(
        inp: Input,
        columns: ColumnsOpt,
        k: Annotated[int, typer.Option("--k", help="number of classes (pooled quantiles)")] = 5,
        m: Annotated[int | None, typer.Option("--m", help="number of spatial-lag classes (default k)")] = None,
        weights: WeightsOpt = "queen",
        per_period: Annotated[bool, typer.Option("--per-period", help="quantiles of each period instead of the pooled panel")] = False,
        lag_breaks: Annotated[str, typer.Option("--lag-breaks", help="'quantiles' (the lag's own) or 'same' (the classes of the values)")] = "quantiles",
        out: OutOpt = Path("markov-out"),
    ) -> None:
        """Classic and spatial Markov chains of a panel: tables (CSV), heat maps (PNG), per-unit classes (CSV, GeoPackage)."""
        from .. import markov

        cols = split(columns)
        gdf = inp.load(cols)
        res = markov.spatial_markov(gdf, cols, weights=build_weights(gdf, weights), k=k, m=m, fixed=not per_period, lag_breaks=lag_breaks)
        typer.echo(str(res.summary()))
        echo_written(write_markov_outputs(res, out))

    @app.command("decoupling")
    @input_options()
    def decoupling_cmd(
        inp: Input,
        driver: Annotated[str, typer.Option("--driver", "-g", help="comma-separated driver columns (e.g. GDP) in time order")],
        pressure: Annotated[str, typer.Option("--pressure", "-c", help="comma-separated pressure columns (emissions, land) in time order")],
        weights: Annotated[str, typer.Option("--weights", help=f"{WEIGHTS_HELP}; 'none' for no spatial chain")] = "queen",
        out: OutOpt = Path("decoupling-out"),
    ) -> None:
        """Tapio decoupling states per interval and the Markov chains of the grouped states."""
        from .. import decoupling

        pair = {"driver": split(driver), "pressure": split(pressure)}
        gdf = inp.load(pair["driver"] + pair["pressure"])
        out = ensure_out(out)
        if len(pair["driver"]) >= 3:
            spatial = weights.strip().lower() != "none"
            w = build_weights(gdf, weights) if spatial else None
            res = decoupling.decoupling_markov(gdf, weights=w, spatial=spatial, **pair)
            typer.echo(str(res.summary()))
            tap = res.tapio
            echo_written(write_markov_outputs(res.spatial if res.spatial is not None else res.markov, out, "decoupling_markov"))
        else:
            tap = decoupling.tapio(gdf, **pair)
            typer.echo(str(tap.summary()))
        written = [write_csv(tap.to_frame(), out / "tapio_states.csv")]
        if tap.geometry is not None:
            written.append(tap.to_gpkg(out / "tapio.gpkg", layer="tapio"))
        echo_written(written)


def demo(ctx: DemoContext) -> None:
    """Classic and spatial Markov (k = 4) of the provinces' AI index 2011–2022."""
    from .. import markov

    cols = ["ai2011", "ai2015", "ai2019", "ai2022"]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = markov.spatial_markov(ctx.provinces, cols, weights=ctx.weights, k=4)
    ctx.echo("\nSpatial Markov of the AI index (k = 4 pooled quantile classes, queen weights)")
    ctx.echo(res.classic.transition_table().round(3).to_string())
    ctx.echo(res.transition_table().round(3).to_string())
    h = res.homogeneity
    ctx.echo(f"Homogeneity: Q = {h.Q:.2f}, LR = {h.LR:.2f}, dof = {h.dof}, p(Q) = {h.Q_p:.3g}")
    for w in caught:
        ctx.echo(f"  note: {w.message}")
    for p in write_markov_outputs(res, ctx.out, "markov"):
        ctx.wrote(p)
