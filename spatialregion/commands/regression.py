"""``spatialregion regress``: spatial econometric models (OLS diagnostics, SAR/SEM/SDM/SLX/SDEM, FE panels)."""

from __future__ import annotations

from pathlib import Path

import typer

from ._common import ensure_out, read_units
from .indices import read_table, split


def _formula(formula: str, y: str, x: str) -> str:
    from ..errors import InputError

    if formula:
        return formula
    if not y or not x:
        raise InputError("give --formula 'y ~ x1 + x2' or both --y and --x (comma-separated)")
    return f"{y} ~ {' + '.join(split(x))}"


def run(data, formula: str, out: Path, *, layer=None, join_column: str | None = None, echo=print, figure: bool = True,
        stem: str = "regress", **kw) -> list[Path]:
    """Fit, print the summary and tests, write CSV/LaTeX tables (and a residual map); returns the files written."""
    from .. import export, maps, regression
    from .. import weights as _w

    out = ensure_out(out)
    if layer is not None:
        units = layer.set_index(join_column) if join_column else layer
        kw["weights"] = _w.build(units, method="queen")
        if kw.get("period_column") is None and join_column:  # a cross-section joined to the layer keeps its geometry
            data = units[["geometry"]].join(data.set_index(kw.pop("id_column") or join_column), how="inner")
    res = regression.fit(data, formula, **kw)
    summary = res.summary(effects="simulation" if res.model in ("sar", "sdm") else None, seed=1)
    echo("\n" + str(summary))
    written = [export.to_csv(res.to_frame().reset_index(), out / f"{stem}_coefficients.csv")]
    summary.to_csv(out / f"{stem}_summary.csv")
    written.append(out / f"{stem}_summary.csv")
    (out / f"{stem}_summary.tex").write_text(summary.to_latex(), encoding="utf-8")
    written.append(out / f"{stem}_summary.tex")
    if res.model == "sdm":
        tests = regression.sdm_tests(res)
        echo("\n" + tests.round(4).to_string())
        written.append(export.to_csv(tests.reset_index(), out / f"{stem}_sdm_tests.csv"))
    if figure and res.n_periods == 1 and res.geometry is not None:
        written.append(maps.save(res.plot(), out / f"{stem}_residuals.png", close=True))
    return written


def register(app: typer.Typer) -> None:
    @app.command("regress")
    def regress_command(
        data: str = typer.Argument(..., help="CSV/Excel table, vector file or embedded layer"),
        formula: str = typer.Option("", "--formula", "-f", help="'y ~ x1 + x2' (plain columns)"),
        y: str = typer.Option("", "--y", "-y", help="response column (instead of --formula)"),
        x: str = typer.Option("", "--x", "-x", help="regressor columns, comma-separated (instead of --formula)"),
        model: str = typer.Option("ols", "--model", "-m", help="ols, slx, sar, sem, sdm or sdem"),
        effects: str = typer.Option("", "--effects", help="panel fixed effects: individual, time or twoway"),
        id_column: str = typer.Option("", "--id-column", help="unit id column (panels; joins a table to --layer)"),
        period_column: str = typer.Option("", "--period-column", help="period column of a long panel"),
        layer: str = typer.Option("", "--layer", help="embedded layer (provinces, prefectures) or vector file for queen weights"),
        join_column: str = typer.Option("", "--join-column", help="column of --layer matching --id-column (e.g. adcode, name_short)"),
        no_bias_correction: bool = typer.Option(False, "--no-bias-correction", help="direct ML estimates (no Lee–Yu correction)"),
        out: Path = typer.Option(Path("regress-out"), "--out", "-o", help="output folder"),
        figure: bool = typer.Option(True, "--figure/--no-figure", help="write the residual map (cross-sections)"),
    ) -> None:
        """Spatial regression 空间计量模型: OLS + LM tests, SAR/SEM/SDM/SLX/SDEM, panels with fixed effects, effects."""
        frame = read_table(data)
        units = read_units(layer) if layer else None
        paths = run(frame, _formula(formula, y, x), out, layer=units, join_column=join_column or None, echo=typer.echo,
                    figure=figure, model=model, effects=effects or None, id_column=id_column or None,
                    period_column=period_column or None, bias_correction=not no_bias_correction)
        for p in paths:
            typer.echo(f"wrote {p}")
