"""``spatialregion index`` (entropy weights / entropy-TOPSIS) and ``spatialregion coupling``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from ._common import DemoContext, ensure_out, read_units


def read_table(spec: str) -> Any:
    """A table from CSV / Excel, or units from a vector file or embedded layer (GeoDataFrame)."""
    import pandas as pd

    suffix = Path(spec).suffix.lower()
    if suffix in (".csv", ".txt"):
        return pd.read_csv(spec, encoding="utf-8-sig")
    if suffix in (".xlsx", ".xls"):
        return pd.read_excel(spec)
    return read_units(spec)


def split(text: str) -> list[str]:
    """``"a, b,c"`` → ``["a", "b", "c"]``."""
    return [c.strip() for c in text.split(",") if c.strip()]


def _write(frame: Any, out: Path, stem: str, result: Any, echo: Any) -> list[Path]:
    """CSV always; styled GeoPackage when the result knows geometry."""
    from .. import export

    written = [export.to_csv(frame, out / f"{stem}.csv")]
    if result.geometry is not None:
        written.append(result.to_gpkg(out / f"{stem}.gpkg", layer=stem))
    for p in written:
        echo(f"wrote {p}")
    return written


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
    def index_command(
        data: str = typer.Argument(..., help="CSV/Excel table, vector file or embedded layer (provinces, prefectures)"),
        columns: str = typer.Option(..., "--columns", "-c", help="indicator columns, comma-separated"),
        directions: str = typer.Option("", "--directions", "-d", help="one '+' (benefit) or '-' (cost) per indicator, e.g. '++-' (default all '+')"),
        method: str = typer.Option("entropy", "--method", "-m", help="'entropy' (weighted score) or 'topsis' (entropy-TOPSIS)"),
        period_column: str = typer.Option("", "--period-column", help="period column of a long panel (one row per unit and period; needs --id-column)"),
        id_column: str = typer.Option("", "--id-column", help="unit id column (carried into the tables; matches a long panel's periods)"),
        panel: str = typer.Option("pooled", "--panel", help="'pooled' (comparable across periods) or 'per_period'"),
        shift: float = typer.Option(0.0, "--shift", help="added to normalised values before p_ij (0, 1e-4, 0.01)"),
        normalize: str = typer.Option("minmax", "--normalize", help="'minmax' or 'max' (x/max; cost: min/x)"),
        normalization: str = typer.Option("minmax", "--normalization", help="TOPSIS matrix: 'minmax' or 'vector'"),
        constant: str = typer.Option("raise", "--constant", help="constant indicator: 'raise' or 'zero' (weight 0)"),
        out: Path = typer.Option(Path("index-out"), "--out", "-o", help="output folder"),
    ) -> None:
        """Entropy weights and composite index (熵权法), or entropy-TOPSIS closeness (熵权-TOPSIS)."""
        from .. import indices
        from .._validation import check_choice

        check_choice("method", method, ("entropy", "topsis"))
        frame = read_table(data)
        cols = split(columns)
        dirs = directions.strip() or None
        kw = dict(directions=dirs, period_column=period_column or None, id_column=id_column or None, panel=panel,
                  shift=shift, normalize=normalize, constant=constant)
        if method == "entropy":
            res = indices.entropy_weights(frame, cols, **kw)
        else:
            res = indices.entropy_topsis(frame, cols, normalization=normalization, **kw)
        typer.echo(str(res.summary()))
        out = ensure_out(out)
        from .. import export

        typer.echo(f"wrote {export.to_csv(res.table.reset_index(), out / f'{method}_weights.csv')}")
        _write(res.to_frame(), out, method, res, typer.echo)

    @app.command("coupling")
    def coupling_command(
        data: str = typer.Argument(..., help="CSV/Excel table, vector file or embedded layer"),
        columns: str = typer.Option(..., "--columns", "-c", help="subsystem index columns (values in [0, 1]), comma-separated, 2 or more"),
        variant: str = typer.Option("standard", "--variant", help="'standard' C = n(ΠU)^(1/n)/ΣU or 'sqrt' (ΠU)^(1/n)/ΣU (max 1/n)"),
        coefficients: str = typer.Option("", "--coefficients", help="subsystem coefficients of T, comma-separated, summing to 1 (default equal)"),
        id_column: str = typer.Option("", "--id-column", help="unit id column (carried into the outputs)"),
        out: Path = typer.Option(Path("coupling-out"), "--out", "-o", help="output folder"),
        figure: bool = typer.Option(True, "--figure/--no-figure", help="write a map when the data have geometry"),
    ) -> None:
        """Coupling degree C, coordination degree D and its ten classes (耦合协调度)."""
        from .. import indices, maps

        frame = read_table(data)
        a = [float(x) for x in split(coefficients)] or None
        res = indices.coupling_coordination(frame, split(columns), coefficients=a, variant=variant, id_column=id_column or None)
        typer.echo(str(res.summary()))
        out = ensure_out(out)
        _write(res.to_frame(), out, "coupling", res, typer.echo)
        if figure and res.geometry is not None:
            ax = res.plot(title="耦合协调度 Coupling coordination D")
            typer.echo(f"wrote {maps.save(ax, out / 'coupling_map.png', close=True)}")


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
