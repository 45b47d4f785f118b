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
  traceback; --debug lets the exception through; a RegionMatchError lists the failing keys.
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
