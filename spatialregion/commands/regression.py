"""``spatialregion regress``: spatial econometric models (OLS diagnostics, SAR/SEM/SDM/SLX/SDEM, FE panels)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from ._common import (
    WEIGHTS_HELP,
    FigureOpt,
    IdColumnOpt,
    Input,
    OutOpt,
    build_weights,
    echo_written,
    ensure_out,
    input_options,
    split,
    write_csv,
)
from .indices import TABLE_UNITS, default_id


def _formula(formula: str, y: str, x: str) -> str:
    from ..errors import InputError

    if formula:
        return formula
    if not y or not x:
        raise InputError("give --formula 'y ~ x1 + x2' or both --y and --x (comma-separated)")
    return f"{y} ~ {' + '.join(split(x))}"


def _variables(formula: str) -> list[str]:
    """Plain column names of ``'y ~ x1 + x2'`` (checked to exist before fitting)."""
    import re

    return [t for t in re.split(r"[~+\s]+", formula) if re.fullmatch(r"[^\W\d]\w*", t)]


def panel_weights(data: Any, spec: str, id_column: str | None) -> Any:
    """``--weights`` over the distinct units of ``data`` (a long panel repeats each unit per period)."""
    units = data.drop_duplicates(id_column) if id_column else data
    return build_weights(units, spec, id_column=id_column)


def run(data, formula: str, out: Path, *, echo=print, figure: bool = True, stem: str = "regress", **kw) -> list[Path]:
    """Fit, print the summary and tests, write CSV/LaTeX tables (and a residual map); returns the files written."""
    from .. import maps, regression

    out = ensure_out(out)
    res = regression.fit(data, formula, **kw)
    summary = res.summary(effects="simulation" if res.model in ("sar", "sdm") else None, seed=1)
    echo("\n" + str(summary))
    written = [write_csv(res.to_frame().reset_index(), out / f"{stem}_coefficients.csv")]
    keep = [c for c in ("adcode", "name", "name_short", "name_en", kw.get("id_column"), kw.get("period_column")) if c and c in data.columns]
    variables = [c for c in _variables(formula) if c in data.columns and c not in keep]
    written.append(write_csv(data[list(dict.fromkeys(keep)) + variables], out / f"{stem}_data.csv"))
    summary.to_csv(out / f"{stem}_summary.csv")
    written.append(out / f"{stem}_summary.csv")
    (out / f"{stem}_summary.tex").write_text(summary.to_latex(), encoding="utf-8")
    written.append(out / f"{stem}_summary.tex")
    if res.model == "sdm":
        tests = regression.sdm_tests(res)
        echo("\n" + tests.round(4).to_string())
        written.append(write_csv(tests.reset_index(), out / f"{stem}_sdm_tests.csv"))
    if figure and res.n_periods == 1 and res.geometry is not None:
        written.append(maps.save(res.plot(), out / f"{stem}_residuals.png", close=True))
    return written


def register(app: typer.Typer) -> None:
    @app.command("regress")
    @input_options(TABLE_UNITS + " (a table alone: no spatial weights)")
    def regress_command(
        inp: Input,
        formula: Annotated[str, typer.Option("--formula", "-f", help="'y ~ x1 + x2' (plain columns)")] = "",
        y: Annotated[str, typer.Option("--y", "-y", help="response column (instead of --formula)")] = "",
        x: Annotated[str, typer.Option("--x", "-x", help="regressor columns, comma-separated (instead of --formula)")] = "",
        model: Annotated[str, typer.Option("--model", "-m", help="ols, slx, sar, sem, sdm or sdem")] = "ols",
        effects: Annotated[str, typer.Option("--effects", help="panel fixed effects: individual, time or twoway")] = "",
        weights: Annotated[str, typer.Option("--weights", help=WEIGHTS_HELP + " (built on the units' geometry)")] = "queen",
        id_column: IdColumnOpt = None,
        period_column: Annotated[str | None, typer.Option("--period-column", help="period column of a long panel (default: --year-column)")] = None,
        no_bias_correction: Annotated[bool, typer.Option("--no-bias-correction", help="direct ML estimates (no Lee–Yu correction)")] = False,
        out: OutOpt = Path("regress-out"),
        figure: FigureOpt = True,
    ) -> None:
        """Spatial regression 空间计量模型: OLS + LM tests, SAR/SEM/SDM/SLX/SDEM, panels with fixed effects, effects."""
        f = _formula(formula, y, x)
        frame = inp.load(_variables(f), long=True, tables=True)
        idc = default_id(frame, id_column)
        w = panel_weights(frame, weights, idc) if "geometry" in frame.columns else None
        echo_written(run(frame, f, out, echo=typer.echo, figure=figure, model=model, weights=w, effects=effects or None,
                         id_column=idc, period_column=period_column or inp.year_column,
                         bias_correction=not no_bias_correction))
