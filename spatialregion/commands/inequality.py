"""``spatialregion inequality``: Dagum Gini and Theil decompositions, kernel-density evolution."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from ._common import DemoContext, Input, OutOpt, echo_written, ensure_out, input_options, split, write_csv

AI_YEARS = ["ai2011", "ai2015", "ai2019", "ai2022"]
REGION_ORDER = ["东部", "中部", "西部"]


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
    panel: dict[str, str] | None = None,
) -> list[Path]:
    """Dagum table, Theil T table, KDE table/figures and the per-unit values with their groups;
    returns the files written.  ``panel`` (``id_column``, ``period_column``, ``value_column``)
    reads ``data`` as a long panel instead of one column per period."""
    from .. import export, maps
    from ..inequality import dagum_gini, kernel_density, theil

    out = ensure_out(out)
    kw = dict(panel or {})
    cols = None if panel else columns
    written: list[Path] = [write_csv(_unit_table(data, columns, groups, panel), out / "inequality_units.csv")]
    dagum = dagum_gini(data, cols, groups=groups, order=order, **kw)
    echo("\n" + str(dagum.summary()))
    written.append(export.to_csv(_flat(dagum.to_frame()), out / "dagum_gini.csv"))
    th = theil(data, cols, groups=groups, order=order, **kw)
    echo("\n" + str(th.summary()))
    written.append(export.to_csv(_flat(th.to_frame()), out / "theil_T.csv"))
    kde = kernel_density(data, cols, **kw)
    echo("\n" + str(kde.summary()))
    written.append(export.to_csv(kde.table, out / "kernel_density.csv"))
    if figures:
        import matplotlib.pyplot as plt

        written.append(maps.save(kde.plot(), out / "kernel_density.png", close=True))
        written.append(maps.save(kde.plot_3d(), out / "kernel_density_3d.png", close=True))
        if len(columns) > 1 or panel:
            written.append(maps.save(dagum.plot(), out / "dagum_gini.png", close=True))
        plt.close("all")
    return written


def _unit_table(data: Any, columns: list[str], groups: str, panel: dict[str, str] | None) -> Any:
    """Ids and names of the units, their group and the analysed values."""
    first = [c for c in ("adcode", "name", "name_short", "name_en") if c in data.columns]
    rest = [groups, *([panel["period_column"]] if panel else []), *columns]
    return data[first + [c for c in dict.fromkeys(rest) if c not in first]]


def register(app: typer.Typer) -> None:
    @app.command("inequality")
    @input_options("embedded layer, vector file, or a table (CSV/XLSX) holding the values and groups")
    def inequality_command(
        inp: Input,
        columns: Annotated[str, typer.Option("--columns", "-c", help="value column(s), comma-separated, one per period (one column with --year-column)")],
        groups: Annotated[str, typer.Option("--groups", "-g", help="group column (e.g. region: 东部/中部/西部)")],
        order: Annotated[str, typer.Option("--order", help="display order of the groups, comma-separated (default: descending mean)")] = "",
        out: OutOpt = Path("inequality-out"),
        figures: Annotated[bool, typer.Option("--figures/--no-figures", help="write KDE and Gini figures")] = True,
    ) -> None:
        """Dagum Gini decomposition (within / between / transvariation), Theil T and kernel-density evolution."""
        cols = split(columns)
        data = inp.load(cols, also=[groups], long=True, tables=True)
        panel = None
        if inp.year_column is not None:
            if len(cols) != 1:
                from ..errors import InputError

                raise InputError(f"with --year-column give one value column (-c), not {cols}")
            panel = {"id_column": "adcode", "period_column": inp.year_column, "value_column": cols[0]}
        echo_written(run(data, cols, groups, out, order=split(order) or None, echo=typer.echo, figures=figures, panel=panel))


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
