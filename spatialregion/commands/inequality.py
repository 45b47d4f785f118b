"""``spatialregion inequality``: Dagum Gini and Theil decompositions, kernel-density evolution."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from ._common import DemoContext, ensure_out

AI_YEARS = ["ai2011", "ai2015", "ai2019", "ai2022"]
REGION_ORDER = ["东部", "中部", "西部"]


def _read_table(spec: str) -> Any:
    """A CSV table, or any layer/file :func:`read_units` accepts."""
    if spec.lower().endswith(".csv"):
        import pandas as pd

        if not Path(spec).exists():
            from ..errors import InputError

            raise InputError(f"table {spec!r} does not exist")
        return pd.read_csv(spec)
    from ._common import read_units

    return read_units(spec)


def _flat(frame: Any) -> Any:
    """Flatten two-level paper-table columns to ``"level0 | level1"`` for CSV."""
    import pandas as pd

    out = frame.copy()
    if isinstance(out.columns, pd.MultiIndex):
        out.columns = [" | ".join(str(p) for p in col) for col in out.columns]
    return out


def run(
    data: Any,
    columns: list[str],
    groups: str,
    out: Path,
    order: list[str] | None = None,
    echo: Any = print,
    figures: bool = True,
) -> list[Path]:
    """Dagum table, Theil T table and KDE table/figures; returns the files written."""
    from .. import export, maps
    from ..inequality import dagum_gini, kernel_density, theil

    out = ensure_out(out)
    written: list[Path] = []
    dagum = dagum_gini(data, columns, groups=groups, order=order)
    echo("\n" + str(dagum.summary()))
    written.append(export.to_csv(_flat(dagum.to_frame()), out / "dagum_gini.csv"))
    th = theil(data, columns, groups=groups, order=order)
    echo("\n" + str(th.summary()))
    written.append(export.to_csv(_flat(th.to_frame()), out / "theil_T.csv"))
    kde = kernel_density(data, columns)
    echo("\n" + str(kde.summary()))
    written.append(export.to_csv(kde.table, out / "kernel_density.csv"))
    if figures:
        import matplotlib.pyplot as plt

        written.append(maps.save(kde.plot(), out / "kernel_density.png", close=True))
        written.append(maps.save(kde.plot_3d(), out / "kernel_density_3d.png", close=True))
        if len(columns) > 1:
            written.append(maps.save(dagum.plot(), out / "dagum_gini.png", close=True))
        plt.close("all")
    return written


def register(app: typer.Typer) -> None:
    @app.command("inequality")
    def inequality_command(
        data: str = typer.Argument(..., help="CSV table, vector file, or embedded layer holding the values and groups"),
        columns: str = typer.Option(..., "--columns", "-c", help="value column(s), comma-separated, one per period"),
        groups: str = typer.Option(..., "--groups", "-g", help="group column (e.g. region: 东部/中部/西部)"),
        order: str = typer.Option("", "--order", help="display order of the groups, comma-separated (default: descending mean)"),
        out: Path = typer.Option(Path("inequality-out"), "--out", "-o", help="output folder"),
        figures: bool = typer.Option(True, "--figures/--no-figures", help="write KDE and Gini figures"),
    ) -> None:
        """Dagum Gini decomposition (within / between / transvariation), Theil T and kernel-density evolution."""
        table = _read_table(data)
        cols = [c.strip() for c in columns.split(",") if c.strip()]
        grp_order = [g.strip() for g in order.split(",") if g.strip()] or None
        for p in run(table, cols, groups, out, order=grp_order, echo=typer.echo, figures=figures):
            typer.echo(f"wrote {p}")


def demo(ctx: DemoContext) -> None:
    """Dagum decomposition of the AI index by the paper's three regions; KDE figure."""
    from .. import export, maps
    from ..inequality import dagum_gini, kernel_density

    prov = ctx.provinces
    res = dagum_gini(prov, AI_YEARS, groups="region", order=REGION_ORDER)
    ctx.echo("\nDagum Gini decomposition of the AI index by region (东部/中部/西部)\n" + str(res.summary()))
    ctx.wrote(export.to_csv(_flat(res.to_frame()), ctx.out / "dagum_gini_ai_index.csv"))
    kde = kernel_density(prov, AI_YEARS)
    ctx.echo("\n" + str(kde.summary()))
    ctx.wrote(export.to_csv(kde.table, ctx.out / "kernel_density_ai_index.csv"))
    ax = kde.plot()
    ax.set_title("人工智能发展指数核密度 Kernel density of the AI index")
    ctx.wrote(maps.save(ax, ctx.out / "kernel_density_ai_index.png", close=True))
