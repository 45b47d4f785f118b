"""Tests for the CLI's shared input stage, --weights specs and error handling (commands/_common.py, cli.py).

Cases covered
-------------
- parse_weights: knn:6, distance_band:300km / 300, inverse_distance:2 and :2,500km,
  economic:gdp[,queen], plain names; malformed parameters raise WeightsError; build_weights
  with knn:6 gives every unit exactly 6 neighbours and distance_band:300km equals
  weights.build(method="distance_band", threshold_km=300);
- load_input: an embedded layer plus a GBK yearbook CSV (--table/--key) joined through
  regions.join (historical names, yearbook numbers), the encoding and match report echoed;
  a long table with --year-column; --drop-missing drops and names units; --key without
  --table and --table without --key are errors; duplicate adcodes and identical geometries are
  DuplicateIdError; a table given as the units is refused with a hint;
- CLI errors: a bad input prints "error: ..." and "hint: ..." with exit status 2 and no
  traceback; --debug lets the exception through; a RegionMatchError lists the failing keys;
- every analysis command run on the provinces with the AI-index table written in GBK
  (--table/--key, encoding detected or --encoding gbk, --weights specs where weights are built):
  its per-unit CSV carries adcode, name and the analysed values equal to the table's for the
  same provinces, its per-unit GeoPackage layers carry adcode and name; per command an unknown
  analysed column and an unknown --key, and per weights command a bad --weights spec, print
  exactly one `error:` line naming it plus one `hint:` line and exit 2.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import spatialregion as sr
from spatialregion import cli
from spatialregion.commands._common import build_weights, check_distinct_units, load_input, parse_weights
from spatialregion.errors import DuplicateIdError, InputError, RegionMatchError, WeightsError

runner = CliRunner()


@pytest.mark.parametrize(
    "spec, method, kwargs",
    [
        ("queen", "queen", {}),
        ("Rook", "rook", {}),
        ("distance_band:300km", "distance_band", {"threshold_km": 300.0}),
        ("distance_band:300", "distance_band", {"threshold_km": 300.0}),
        ("inverse_distance", "inverse_distance", {}),
        ("inverse_distance:2", "inverse_distance", {"power": 2.0}),
        ("inverse-distance:2,500km", "inverse_distance", {"power": 2.0, "threshold_km": 500.0}),
        ("economic:gdp", "economic", {"column": "gdp"}),
        ("economic:gdp,queen", "economic", {"column": "gdp", "base": "queen"}),
    ],
)
def test_parse_weights(spec, method, kwargs):
    assert parse_weights(spec) == (method, kwargs)


def test_parse_weights_knn_uses_builds_name():
    import inspect

    name = "k_neighbours" if "k_neighbours" in inspect.signature(sr.weights.build).parameters else "k"
    assert parse_weights("knn:6") == ("knn", {name: 6})


@pytest.mark.parametrize("spec", ["knn:six", "knn:2.5", "knn:0", "distance_band", "distance_band:far", "economic", "queen:3"])
def test_parse_weights_errors(spec):
    with pytest.raises(WeightsError, match="--weights"):
        parse_weights(spec)


def test_build_weights_specs():
    prov = sr.load("provinces")
    g = build_weights(prov, "knn:6")
    assert (g.cardinalities == 6).all()
    band = build_weights(prov, "distance_band:800km")
    ref = sr.weights.build(prov, "distance_band", threshold_km=800)
    assert band.adjacency.sort_index().equals(ref.adjacency.sort_index())


def _yearbook_csv(tmp_path):
    path = tmp_path / "yearbook.csv"
    text = "城市,人均GDP\n石家庄 ,\"65,000\"\n襄樊,\"80,000\"\n毕节地区,—\n邯郸市,４５０００\n"
    path.write_bytes(text.encode("gbk"))
    return path


def test_load_input_table(tmp_path):
    said: list[str] = []
    gdf = load_input("prefectures", table=_yearbook_csv(tmp_path), key="城市", columns=["人均GDP"], echo=said.append)
    assert len(gdf) == 367
    v = gdf.set_index("adcode")["人均GDP"]
    assert v[130100] == 65000 and v[420600] == 80000 and v[130400] == 45000 and np.isnan(v[520500])
    text = "\n".join(said)
    assert "gb18030" in text and "historical" in text
    said.clear()
    few = load_input("prefectures", table=_yearbook_csv(tmp_path), key="城市", columns=["人均GDP"], drop_missing=True, echo=said.append)
    assert sorted(few["adcode"]) == [130100, 130400, 420600]
    assert any("毕节市 (520500)" in s for s in said)


def test_load_input_long_table(tmp_path):
    path = tmp_path / "long.csv"
    pd.DataFrame({"city": ["北京", "北京", "天津"], "year": [2020, 2021, 2020], "v": [1, 2, 3]}).to_csv(path, index=False)
    gdf = load_input("provinces", table=path, key="city", year_column="year", echo=None)
    assert len(gdf) == 31 * 2 and set(gdf["year"]) == {2020, 2021}


def test_load_input_errors(tmp_path):
    with pytest.raises(InputError, match="--table"):
        load_input("provinces", key="city", echo=None)
    with pytest.raises(InputError, match="--key"):
        load_input("provinces", table=_yearbook_csv(tmp_path), echo=None)
    with pytest.raises(InputError, match="no geometry"):
        load_input(str(_yearbook_csv(tmp_path)), echo=None)
    with pytest.raises(InputError, match="not found"):
        load_input("provinces", columns=["nope"], echo=None)


def test_duplicate_units_are_errors(tmp_path):
    prov = sr.load("provinces")
    twice = pd.concat([prov, prov.iloc[[3]]], ignore_index=True)
    with pytest.raises(DuplicateIdError, match=str(prov["adcode"].iloc[3])):
        check_distinct_units(twice)
    same_geom = pd.concat([prov, prov.iloc[[3]].assign(adcode=999999)], ignore_index=True)
    with pytest.raises(DuplicateIdError, match="identical geometries"):
        check_distinct_units(same_geom)
    path = tmp_path / "dup.gpkg"
    twice.to_file(path)
    with pytest.raises(DuplicateIdError):
        load_input(str(path), echo=None)


@pytest.fixture(scope="module")
def app():
    cli._register_all()
    return cli.app


def test_cli_error_is_one_line_and_exit_2(app, tmp_path):
    res = runner.invoke(app, ["hotspots", str(tmp_path / "missing.shp"), "gdp"])
    assert res.exit_code == 2
    lines = res.output.strip().splitlines()
    assert lines[0].startswith("error: ") and "missing.shp" in lines[0]
    assert lines[-1].startswith("hint: ") and "Traceback" not in res.output and "╭" not in res.output
    dbg = runner.invoke(app, ["--debug", "hotspots", str(tmp_path / "missing.shp"), "gdp"])
    assert isinstance(dbg.exception, InputError)


def test_cli_region_match_error_lists_keys(app, tmp_path):
    cli._STATE["debug"] = False
    path = tmp_path / "bad.csv"
    path.write_text("城市,v\n巢湖,1\n石家庄,2\n", encoding="utf-8")

    def fake():
        load_input("prefectures", table=path, key="城市", echo=None)

    wrapped = cli._guard(fake)
    import typer

    with pytest.raises(typer.Exit) as ex:
        wrapped()
    assert ex.value.exit_code == 2
    with pytest.raises(RegionMatchError):
        fake()


# -- every analysis command on a table ------------------------------------------------------
AI = ["ai2011", "ai2015", "ai2019", "ai2022"]

#: command line (after the units), the per-unit CSV it writes and the analysed columns it must carry
TABLE_RUNS = {
    "hotspots": (["ai2022", "--weights", "knn:5"], "hotspots.csv", ["ai2022"]),
    "moran": (["ai2022", "--permutations", "9", "--seed", "1", "--weights", "inverse_distance:2"], "lisa.csv", ["ai2022"]),
    "emerging": (AI, "emerging.csv", AI),
    "markov": (["-c", ",".join(AI), "--k", "3", "--weights", "distance_band:900km"], "markov_classes.csv", AI),
    "decoupling": (["--driver", "ai2011,ai2015,ai2019", "--pressure", "ai2015,ai2019,ai2022", "--weights", "knn:4"],
                   "tapio_states.csv", AI),
    "ellipse": (["-c", "ai2011,ai2022", "--no-figure"], "sde_units.csv", ["ai2011", "ai2022"]),
    "inequality": (["-c", "ai2011,ai2022", "-g", "region", "--no-figures"], "inequality_units.csv", ["ai2011", "ai2022"]),
    "index": (["-c", "ai2011,ai2015,ai2022", "-m", "topsis"], "topsis.csv", ["ai2011", "ai2015", "ai2022"]),
    "coupling": (["-c", "u1,u2", "--no-figure"], "coupling.csv", ["u1", "u2"]),
    "detector": (["-c", "ai2022", "-f", "region,ai2011", "--scheme", "quantiles", "--k", "3", "--no-figure"],
                 "detector_units.csv", ["ai2022", "ai2011"]),
    "gravity": (["-m", "ai2022", "-p", "ai2019", "--no-figure"], "gravity_units.csv", ["ai2022", "ai2019"]),
    "zoning": (["demo", "--no-figure"], "zoning_shares.csv", []),
    "regress": (["--y", "ai2022", "--x", "ai2011,ai2019", "--model", "sar", "--weights", "knn:4", "--no-figure"],
                "regress_data.csv", ["ai2022", "ai2011", "ai2019"]),
}

#: an analysed column in each command line, replaced by an unknown one in the bad-input case
ANALYSED = {"hotspots": "ai2022", "moran": "ai2022", "emerging": "ai2019", "markov": ",".join(AI),
            "decoupling": "ai2015,ai2019,ai2022", "ellipse": "ai2011,ai2022", "inequality": "region", "index": "ai2011,ai2015,ai2022",
            "coupling": "u1,u2", "detector": "region,ai2011", "gravity": "ai2019", "regress": "ai2011,ai2019"}
WEIGHTED = ["hotspots", "moran", "emerging", "markov", "decoupling", "regress"]


@pytest.fixture(scope="module")
def ai_gbk(tmp_path_factory):
    """The AI-index table (Wang et al.) as Excel on Chinese Windows saves it: GBK, short names;
    u1/u2 are the 2019/2022 values scaled to [0, 1] (coupling subsystems)."""
    ai = sr.datasets.ai_index()
    ai = ai.assign(u1=ai["ai2019"] / ai["ai2019"].max(), u2=ai["ai2022"] / ai["ai2022"].max())
    path = tmp_path_factory.mktemp("ai") / "ai.csv"
    ai.to_csv(path, index=False, encoding="gbk")
    return path, ai.set_index("province")


def _stderr_lines(res):
    return [line for line in res.stderr.strip().splitlines() if line.strip()]


@pytest.mark.parametrize("command", sorted(TABLE_RUNS))
def test_every_command_on_a_table(app, ai_gbk, command, tmp_path):
    """UNITS = provinces + --table (GBK, detected) --key province: the per-unit CSV carries adcode,
    name and the analysed values joined to the right provinces; every per-unit GeoPackage layer
    carries adcode and name."""
    import pyogrio

    path, ai = ai_gbk
    args, csv_name, values = TABLE_RUNS[command]
    enc = ["--encoding", "gbk"] if command == "hotspots" else []  # the others detect GB18030
    res = runner.invoke(app, [command, "provinces", *args, "--table", str(path), "--key", "province", *enc, "-o", str(tmp_path)])
    assert res.exit_code == 0, res.output + repr(res.exception)
    assert "31 exact" in res.output
    table = pd.read_csv(tmp_path / csv_name, encoding="utf-8-sig")
    assert len(table) == 31 and {"adcode", "name", "name_short"} <= set(table.columns), table.columns
    for col in values:
        joined = table.set_index("name_short")[col]
        np.testing.assert_array_equal(joined.to_numpy(), ai.loc[joined.index, col].to_numpy())
    for gpkg in tmp_path.glob("*.gpkg"):
        for layer, _ in pyogrio.list_layers(gpkg):
            info = pyogrio.read_info(gpkg, layer=layer)
            if info["features"] == 31:  # per-unit layers (not ellipses, links, zone pieces)
                assert {"adcode", "name", *values} <= set(info["fields"]), (gpkg.name, layer, list(info["fields"]))


def _bad(command: str, kind: str) -> list[str]:
    args, _, _ = TABLE_RUNS[command]
    if kind == "column":
        if command == "zoning":
            return ["demo", "--id-column", "nope"]
        old = ANALYSED[command]
        return [a.replace(old, old.replace(old.split(",")[-1], "nope")) if old in a else a for a in args]
    if kind == "weights":
        at = args.index("--weights") if "--weights" in args else None
        return [*args, "--weights", "knn:x"] if at is None else [*args[: at + 1], "knn:x", *args[at + 2 :]]
    return list(args)


BAD_CASES = [(c, "column") for c in sorted(TABLE_RUNS)] + [(c, "key") for c in sorted(TABLE_RUNS)] + [(c, "weights") for c in WEIGHTED]


@pytest.mark.parametrize("command, kind", BAD_CASES)
def test_bad_input_is_one_error_line(app, ai_gbk, command, kind, tmp_path):
    """Unknown column, unknown --key, bad --weights spec: `error: ...` naming it, `hint: ...`, exit 2."""
    path, _ = ai_gbk
    key = "nope" if kind == "key" else "province"
    res = runner.invoke(app, [command, "provinces", *_bad(command, kind), "--table", str(path), "--key", key, "-o", str(tmp_path)])
    assert res.exit_code == 2, res.output + repr(res.exception)
    lines = _stderr_lines(res)
    assert lines[0].startswith("error: ") and lines[-1].startswith("hint: "), lines
    assert len(lines) == 2, lines  # one error line, one hint
    assert ("knn:x" if kind == "weights" else "nope") in lines[0]
    assert "Traceback" not in res.output and "╭" not in res.output


@pytest.fixture(scope="module")
def ai_long(tmp_path_factory):
    """The AI index as a long GBK table: province, region, year, ai."""
    ai = sr.datasets.ai_index()
    long = ai.melt(id_vars=["province", "region"], var_name="year", value_name="ai")
    long["year"] = long["year"].str[2:].astype(int)
    path = tmp_path_factory.mktemp("long") / "ai_long.csv"
    long.to_csv(path, index=False, encoding="gbk")
    return path


def test_long_table_by_year_column(app, ai_long, tmp_path):
    """inequality and index read a long --table by --year-column: Dagum's total G per year equals the
    library's on the wide table; entropy scores per year carry ids without a repeated column; a
    cross-section command refuses --year-column with the pivot hint."""
    from spatialregion.inequality import dagum_gini

    common = ["--table", str(ai_long), "--key", "province", "--year-column", "year"]
    res = runner.invoke(app, ["inequality", "provinces", "-c", "ai", "-g", "region", *common, "--no-figures", "-o", str(tmp_path / "i")])
    assert res.exit_code == 0, res.output + repr(res.exception)
    got = pd.read_csv(tmp_path / "i" / "dagum_gini.csv", encoding="utf-8-sig").set_index("period")["Total 总体 | G"]
    ref = dagum_gini(sr.datasets.ai_index(), AI, groups="region").total
    np.testing.assert_allclose(got.to_numpy(), ref.to_numpy(), rtol=1e-12)
    units = pd.read_csv(tmp_path / "i" / "inequality_units.csv", encoding="utf-8-sig")
    assert len(units) == 31 * 4 and list(units.columns[:2]) == ["adcode", "name"]
    res = runner.invoke(app, ["index", "provinces", "-c", "ai", *common, "-o", str(tmp_path / "x")])
    assert res.exit_code == 0, res.output + repr(res.exception)
    scores = pd.read_csv(tmp_path / "x" / "entropy.csv", encoding="utf-8-sig")
    assert list(scores.columns[:2]) == ["adcode", "name"] and len(scores) == 31
    assert [c for c in scores.columns if c.startswith("score_")] == ["score_2011", "score_2015", "score_2019", "score_2022"]
    res = runner.invoke(app, ["hotspots", "provinces", "ai", *common, "-o", str(tmp_path / "h")])
    assert res.exit_code == 2 and "pivot the table" in res.stderr
