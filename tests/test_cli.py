"""The ``spatialregion`` command line.

Cases covered: every sub-command named in the README is registered and has help; ``demo``
runs end to end on the embedded data and writes the foundation's outputs (PNG map,
styled GeoPackage, CSV) plus each analysis' files, and prints the summary table; the
demo GeoPackage keeps all 31 provinces and a QGIS style; an unknown layer/file is a clear
error; every analysis command offers the shared input options (--table, --key, --year-column,
--encoding, --drop-missing, --merge, --layer) and every command that builds spatial weights
--weights (the runs on a table and the bad-input cases of each command are in test_cli_input.py).
"""

from __future__ import annotations

import sqlite3

import pandas as pd
import pytest
from typer.testing import CliRunner

from spatialregion import cli

runner = CliRunner()

COMMANDS = [
    "demo", "hotspots", "emerging", "moran", "markov", "decoupling", "inequality", "ellipse",
    "index", "coupling", "detector", "gravity", "zoning", "regress",
]


def test_every_registered_command_is_listed_and_in_readme(app):
    import typer.main
    from pathlib import Path

    registered = set(typer.main.get_command(app).commands)
    assert registered == set(COMMANDS)
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    missing = [c for c in COMMANDS if f"`{c}`" not in readme]
    assert not missing, f"README does not list the commands {missing}"


@pytest.fixture(scope="module")
def app():
    cli._register_all()
    return cli.app


@pytest.mark.parametrize("command", COMMANDS)
def test_command_help(app, command):
    res = runner.invoke(app, [command, "--help"])
    assert res.exit_code == 0, res.output
    assert "Usage" in res.output


INPUT_OPTIONS = ["--table", "--key", "--year-column", "--encoding", "--drop-missing", "--merge", "--layer"]
WEIGHTS_COMMANDS = {"hotspots", "moran", "emerging", "markov", "decoupling", "regress"}


@pytest.mark.parametrize("command", [c for c in COMMANDS if c != "demo"])
def test_command_takes_the_shared_input_options(app, command):
    import typer.main

    cmd = typer.main.get_command(app).commands[command]
    opts = {o for p in cmd.params if p.param_type_name == "option" for o in p.opts}
    assert set(INPUT_OPTIONS) <= opts, sorted(set(INPUT_OPTIONS) - opts)
    assert ("--weights" in opts) == (command in WEIGHTS_COMMANDS)
    first = [p for p in cmd.params if p.param_type_name == "argument"][0]
    assert first.name == "units"


@pytest.fixture(scope="module")
def demo_run(app, tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    res = runner.invoke(app, ["demo", "--out", str(out)])
    return res, out


def test_demo_runs(demo_run):
    res, out = demo_run
    assert res.exit_code == 0, res.output + repr(res.exception)
    assert "AI index by region" in res.output
    for name in ("ai_index_2022.png", "spatialregion_demo.gpkg", "ai_index.csv"):
        assert (out / name).stat().st_size > 0
    pngs = list(out.glob("*.png"))
    assert len(pngs) >= 8  # foundation map + hot spots + markov + inequality + ellipse + network + zoning ...


def test_demo_outputs_complete(demo_run):
    _, out = demo_run
    table = pd.read_csv(out / "ai_index.csv", encoding="utf-8-sig")
    assert len(table) == 31 and table["ai2022"].notna().all()
    with sqlite3.connect(out / "spatialregion_demo.gpkg") as con:
        (n,) = con.execute("select count(*) from ai_index").fetchone()
        styles = con.execute("select f_table_name from layer_styles").fetchall()
    assert n == 31
    assert ("ai_index",) in styles


def test_unknown_input_is_clear(app, tmp_path):
    res = runner.invoke(app, ["hotspots", "no_such_file.gpkg", "gdp", "--out", str(tmp_path)])
    assert res.exit_code != 0
    assert "neither an embedded layer" in (res.output + str(res.exception))
