"""``spatialregion index`` (entropy weights / entropy-TOPSIS) and ``spatialregion coupling``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from ._common import DemoContext, FigureOpt, IdColumnOpt, Input, OutOpt, echo_written, ensure_out, input_options, split, split_floats, write_csv, write_unit_result

TABLE_UNITS = "embedded layer, vector file, or a table (CSV/XLSX) holding the columns"


def default_id(data: Any, id_column: str | None) -> str | None:
    """``--id-column``, else ``adcode`` when the data have it (ids carried into every output)."""
    return id_column or ("adcode" if "adcode" in data.columns else None)


def bth_scores(shift: float = 0.0) -> Any:
    """P1 (industry chain) and P2 (innovation chain) of the 13 BTH cities, index (city, year).

    Entropy weights of each chain's four indicators pooled over 2014–2023 (see
    ``examples/bth_coupling.py`` for the full example and ``examples/README.md``).
    """
    import pandas as pd

    from .. import datasets, indices

    raw = datasets.bth_chains()
    wide = raw.pivot_table(index=["city", "year"], columns=["chain", "indicator"], values="value", aggfunc="first")
    out = {}
    for chain, name in (("industry", "P1"), ("innovation", "P2")):
        table = wide[chain].reset_index()
        ind = [c for c in table.columns if c not in ("city", "year")]
        res = indices.entropy_weights(table, ind, id_column="city", period_column="year", shift=shift)
        out[name] = res.scores
    return pd.DataFrame(out)


def register(app: typer.Typer) -> None:
    @app.command("index")
    @input_options(TABLE_UNITS)
    def index_command(
        inp: Input,
        columns: Annotated[str, typer.Option("--columns", "-c", help="indicator columns, comma-separated")],
        directions: Annotated[str, typer.Option("--directions", "-d", help="one '+' (benefit) or '-' (cost) per indicator, e.g. '++-' (default all '+')")] = "",
        method: Annotated[str, typer.Option("--method", "-m", help="'entropy' (weighted score) or 'topsis' (entropy-TOPSIS)")] = "entropy",
        period_column: Annotated[str | None, typer.Option("--period-column", help="period column of a long panel (default: --year-column)")] = None,
        id_column: IdColumnOpt = None,
        panel: Annotated[str, typer.Option("--panel", help="'pooled' (comparable across periods) or 'per_period'")] = "pooled",
        shift: Annotated[float, typer.Option("--shift", help="added to normalised values before p_ij (0, 1e-4, 0.01)")] = 0.0,
        normalize: Annotated[str, typer.Option("--normalize", help="'minmax' or 'max' (x/max; cost: min/x)")] = "minmax",
        normalization: Annotated[str, typer.Option("--normalization", help="TOPSIS matrix: 'minmax' or 'vector'")] = "minmax",
        constant: Annotated[str, typer.Option("--constant", help="constant indicator: 'raise' or 'zero' (weight 0)")] = "raise",
        out: OutOpt = Path("index-out"),
    ) -> None:
        """Entropy weights and composite index (熵权法), or entropy-TOPSIS closeness (熵权-TOPSIS)."""
        from .. import indices
        from .._validation import check_choice

        check_choice("method", method, ("entropy", "topsis"))
        cols = split(columns)
        frame = inp.load(cols, long=True, tables=True)
        kw = dict(directions=directions.strip() or None, period_column=period_column or inp.year_column,
                  id_column=default_id(frame, id_column), panel=panel, shift=shift, normalize=normalize, constant=constant)
        if method == "entropy":
            res = indices.entropy_weights(frame, cols, **kw)
        else:
            res = indices.entropy_topsis(frame, cols, normalization=normalization, **kw)
        typer.echo(str(res.summary()))
        out = ensure_out(out)
        written = [write_csv(res.table.reset_index(), out / f"{method}_weights.csv")]
        echo_written(written + write_unit_result(res, out, method, figure=False))

    @app.command("coupling")
    @input_options(TABLE_UNITS)
    def coupling_command(
        inp: Input,
        columns: Annotated[str, typer.Option("--columns", "-c", help="subsystem index columns (values in [0, 1]), comma-separated, 2 or more")],
        variant: Annotated[str, typer.Option("--variant", help="'standard' C = n(ΠU)^(1/n)/ΣU or 'sqrt' (ΠU)^(1/n)/ΣU (max 1/n)")] = "standard",
        coefficients: Annotated[str, typer.Option("--coefficients", help="subsystem coefficients of T, comma-separated, summing to 1 (default equal)")] = "",
        id_column: IdColumnOpt = None,
        out: OutOpt = Path("coupling-out"),
        figure: FigureOpt = True,
    ) -> None:
        """Coupling degree C, coordination degree D and its ten classes (耦合协调度)."""
        from .. import indices, maps

        cols = split(columns)
        frame = inp.load(cols, tables=True)
        a = split_floats(coefficients, "--coefficients") or None
        res = indices.coupling_coordination(frame, cols, coefficients=a, variant=variant, id_column=default_id(frame, id_column))
        typer.echo(str(res.summary()))
        out = ensure_out(out)
        written = write_unit_result(res, out, "coupling", figure=False)
        if figure and res.geometry is not None:
            ax = res.plot(title="耦合协调度 Coupling coordination D")
            written.append(maps.save(ax, out / "coupling_map.png", close=True))
        echo_written(written)


def demo(ctx: DemoContext) -> None:
    """Coupling coordination of the BTH industry and innovation chains (table, CSV, styled layer, map of 2023)."""
    import pandas as pd

    from .. import export, indices, maps
    from ..regions import load

    p = bth_scores()
    res = indices.coupling_coordination(p, ["P1", "P2"], variant="sqrt")
    frame = res.to_frame().rename(columns={"C": "U"})
    table = frame[["U", "D"]].unstack("year").round(3)
    table = table.sort_values(("D", table["D"].columns[-1]), ascending=False)
    with pd.option_context("display.width", 200):
        ctx.echo("\nBTH industry × innovation chain: coupling U = √(P1·P2)/(P1+P2), coordination D = √(U·T)\n" + table.to_string())
    ctx.wrote(export.to_csv(frame.reset_index(), ctx.out / "bth_coupling.csv"))
    last = int(frame.index.get_level_values("year").max())
    sub = p.xs(last, level="year")
    cities = load("prefectures", group="jingjinji").set_index("name_short", drop=False)
    missing = sorted(set(sub.index) - set(cities.index))
    if missing:
        raise RuntimeError(f"BTH cities {missing} not in the jingjinji layer")
    units = cities.loc[sub.index].reset_index(drop=True).assign(P1=sub["P1"].to_numpy(), P2=sub["P2"].to_numpy())
    r_last = indices.coupling_coordination(units, ["P1", "P2"], variant="sqrt", id_column="adcode")
    ctx.wrote(r_last.to_gpkg(ctx.out / "bth_coupling.gpkg", layer=f"bth_coupling_{last}"))
    ax = r_last.plot(title=f"京津冀产业链–创新链耦合协调度 D, {last}", labels="name_short", legend_loc="lower right")
    ctx.wrote(maps.save(ax, ctx.out / f"bth_coupling_{last}.png", close=True))
