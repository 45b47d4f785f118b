"""Tests for spatialregion.read (spatialregion.io) and the yearbook number parser (spatialregion._numbers).

Cases covered
-------------
- shapefiles written in GBK and in GB18030 (a character outside GBK) with Chinese field names,
  the .cpg deleted and the DBF code-page byte zeroed (what Chinese Windows tools leave), read back
  with the right field names and values; the encoding is reported in attrs and the log; a UTF-8
  shapefile in the same state is read as UTF-8; encoding= overrides the detection; GDAL alone
  (pyogrio without encoding) reads the GBK file as mojibake, so the test can fail;
- the raw DBF header parse (code-page byte, text fields) against the written bytes;
- CSV in GBK (Excel on Chinese Windows), UTF-8, UTF-8 with BOM, tab-separated TXT; Chinese
  headers; yearbook numbers parsed; a column with real text stays text; --encoding override;
  undecodable bytes and missing files raise InputError;
- XLSX with Chinese headers (openpyxl), sheet selection;
- GeoPackage and GeoJSON round trip with Chinese values;
- the number parser: "12,345", full-width digits and comma, "—", "-", "..", "...", blank and
  extra na_values → NaN; "1,5" and "abc" are not numbers; a non-numeric analysed column
  raises an error naming the column and two offending cells, through column_values too;
- missing values in an analysis name the units by name and adcode, not by row number.
"""

from __future__ import annotations

import logging
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

import spatialregion as sr
from spatialregion import io as sio
from spatialregion._numbers import parse_number, parse_numbers, to_numeric
from spatialregion._validation import column_values
from spatialregion.errors import InputError, MissingValueError

CITIES = ["石家庄", "乌鲁木齐", "呼和浩特"]


def _strip_codepage(path: Path) -> None:
    """Delete the .cpg sidecar and zero the DBF language-driver byte (29)."""
    path.with_suffix(".cpg").unlink(missing_ok=True)
    dbf = path.with_suffix(".dbf")
    raw = bytearray(dbf.read_bytes())
    raw[29] = 0
    dbf.write_bytes(bytes(raw))


def _write_shp(tmp_path: Path, encoding: str, names: list[str], stem: str = "cities") -> Path:
    gdf = gpd.GeoDataFrame(
        {"城市": names, "人均22": [1.5, 2.25, 3.0]},
        geometry=[shapely.Point(114.5, 38.0), shapely.Point(87.6, 43.8), shapely.Point(111.7, 40.8)],
        crs="EPSG:4490",
    )
    path = tmp_path / f"{stem}.shp"
    pyogrio.write_dataframe(gdf, path, encoding=encoding)
    _strip_codepage(path)
    return path


@pytest.mark.parametrize(
    "encoding, names",
    [("gbk", CITIES), ("gb18030", ["石家庄", "乌鲁木齐", "𠀀镇"])],  # 𠀀 (U+20000) exists only in GB18030
)
def test_shapefile_without_codepage(tmp_path, encoding, names, caplog):
    path = _write_shp(tmp_path, encoding, names)
    assert not path.with_suffix(".cpg").exists() and path.with_suffix(".dbf").read_bytes()[29] == 0
    plain = pyogrio.read_dataframe(path)  # GDAL alone: ISO-8859-1 mojibake
    assert "城市" not in plain.columns
    with caplog.at_level(logging.INFO, logger="spatialregion"):
        gdf = sr.read(path)
    assert list(gdf.columns) == ["城市", "人均22", "geometry"]
    assert gdf["城市"].tolist() == names
    assert gdf["人均22"].tolist() == [1.5, 2.25, 3.0]
    assert gdf.attrs["encoding"] == "gb18030" and "GB18030" in gdf.attrs["encoding_reason"]
    assert any("gb18030" in r.getMessage() for r in caplog.records)


def test_shapefile_utf8_and_override(tmp_path):
    path = _write_shp(tmp_path, "utf-8", CITIES, stem="u8")
    gdf = sr.read(path)
    assert gdf["城市"].tolist() == CITIES and gdf.attrs["encoding"] == "utf-8"
    gbk = _write_shp(tmp_path, "gbk", CITIES, stem="g")
    forced = sr.read(gbk, encoding="gbk")
    assert forced.attrs["encoding"] == "gbk" and forced.attrs["encoding_reason"] == "given"
    assert forced["城市"].tolist() == CITIES


def test_shapefile_with_cpg_left_to_gdal(tmp_path):
    gdf = gpd.GeoDataFrame({"城市": CITIES}, geometry=[shapely.Point(i, i) for i in range(3)], crs=4490)
    path = tmp_path / "c.shp"
    pyogrio.write_dataframe(gdf, path, encoding="gbk")
    assert path.with_suffix(".cpg").exists()
    back = sr.read(path)
    assert back["城市"].tolist() == CITIES and "from c.cpg" in back.attrs["encoding_reason"]


def test_dbf_header_parse(tmp_path):
    path = _write_shp(tmp_path, "gbk", CITIES)
    ldid, chunks = sio.dbf_text_bytes(path.with_suffix(".dbf"))
    assert ldid == 0
    assert "城市".encode("gbk") in chunks and "乌鲁木齐".encode("gbk") in chunks
    assert sio.detect_encoding(chunks) == "gb18030"
    assert sio.detect_encoding([c.decode("gbk").encode("utf-8") for c in chunks]) == "utf-8"


YEARBOOK_CSV = "城市,年份,人均GDP,人口,备注\n石家庄 ,2020,\"12,345\",—,省会\n乌鲁木齐,2020,１２３４５,..,\n呼和浩特,2020,-,...,n/a\n"


@pytest.mark.parametrize("encoding, expect", [("gbk", "gb18030"), ("gb18030", "gb18030"), ("utf-8", "utf-8"), ("utf-8-sig", "utf-8")])
def test_csv_encodings(tmp_path, encoding, expect):
    path = tmp_path / "yearbook.csv"
    path.write_bytes(YEARBOOK_CSV.encode(encoding))
    df = sr.read(path)
    assert list(df.columns) == ["城市", "年份", "人均GDP", "人口", "备注"]
    assert df["城市"].tolist() == CITIES  # stray spaces stripped
    assert df.attrs["encoding"] == expect
    assert df["年份"].dtype == np.int64
    np.testing.assert_array_equal(df["人均GDP"].to_numpy(), [12345.0, 12345.0, np.nan])
    assert df["人口"].isna().all() and df["人口"].dtype == np.float64
    assert df["备注"].tolist()[0] == "省会"  # text stays text


def test_tsv_override_and_errors(tmp_path):
    path = tmp_path / "t.txt"
    path.write_bytes("城市\t值\n石家庄\t1\n".encode("gbk"))
    df = sr.read(path)
    assert df.columns.tolist() == ["城市", "值"] and df["值"].tolist() == [1]
    forced = sr.read(path, encoding="latin-1")
    assert "城市" not in forced.columns and forced.attrs["encoding_reason"] == "latin-1 (given)"
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"a,b\n\xff\xff\xff,1\n")
    with pytest.raises(InputError, match="encoding"):
        sr.read(bad)
    with pytest.raises(InputError, match="file not found"):
        sr.read(tmp_path / "nope.csv")


def test_na_values_extra(tmp_path):
    path = tmp_path / "na.csv"
    path.write_text("a,b\n1,缺\n2,3\n", encoding="utf-8")
    assert sr.read(path)["b"].dtype == object or str(sr.read(path)["b"].dtype) in ("str", "string")
    df = sr.read(path, na_values=["缺"])
    assert np.isnan(df["b"].iloc[0]) and df["b"].iloc[1] == 3


def test_xlsx(tmp_path):
    path = tmp_path / "book.xlsx"
    with pd.ExcelWriter(path) as xl:
        pd.DataFrame({"城市": CITIES, "值": ["1,000", "—", 3]}).to_excel(xl, sheet_name="数据", index=False)
        pd.DataFrame({"x": [1]}).to_excel(xl, sheet_name="other", index=False)
    df = sr.read(path)
    assert df["城市"].tolist() == CITIES
    np.testing.assert_array_equal(df["值"].to_numpy(), [1000.0, np.nan, 3.0])
    assert sr.read(path, layer="other")["x"].tolist() == [1]


@pytest.mark.parametrize("suffix", [".gpkg", ".geojson"])
def test_vector_formats_round_trip(tmp_path, suffix):
    gdf = gpd.GeoDataFrame({"城市": CITIES, "v": [1.0, 2.0, 3.0]}, geometry=[shapely.Point(i, i) for i in range(3)], crs=4490)
    path = tmp_path / f"c{suffix}"
    gdf.to_file(path)
    back = sr.read(path)
    assert back["城市"].tolist() == CITIES and back.attrs["encoding"] == "utf-8"
    assert isinstance(back, gpd.GeoDataFrame)


# ----------------------------------------------------------------------------- numbers
@pytest.mark.parametrize(
    "text, value",
    [
        ("12,345", 12345.0), ("1,234,567.5", 1234567.5), ("１２３４５", 12345.0), ("１２，３４５．５", 12345.5),
        (" 42 ", 42.0), ("-3.5", -3.5), ("−3.5", -3.5), ("1e3", 1000.0), (7, 7.0), (2.5, 2.5),
    ],
)
def test_parse_number_values(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["", "  ", "—", "——", "-", "--", "..", "...", "…", None, np.nan, "NA", "n/a"])
def test_parse_number_missing(text):
    assert np.isnan(parse_number(text))


@pytest.mark.parametrize("text", ["1,5", "abc", "12,34", "1.2.3", "inf", True])
def test_parse_number_not_numbers(text):
    assert parse_number(text) is None


def test_to_numeric_names_column_and_two_values():
    with pytest.raises(InputError, match=r"'gdp'.*4 cell\(s\).*'abc', 'x1'"):
        to_numeric(pd.Series(["1", "abc", "x1", "—", "abc", "zz"]), name="gdp")
    s = to_numeric(pd.Series(["1,000", "—"], index=[3, 4]), name="gdp")
    assert list(s.index) == [3, 4] and s.iloc[0] == 1000.0 and np.isnan(s.iloc[1])


def test_parse_numbers_frame():
    df = pd.DataFrame({"k": ["001", "002"], "v": ["1,000", ".."], "t": ["a", "1"], "e": ["", ""]})
    out = parse_numbers(df, skip=["k"])
    assert out["k"].tolist() == ["001", "002"] and out["v"].iloc[0] == 1000.0 and np.isnan(out["v"].iloc[1])
    assert out["t"].tolist() == ["a", "1"] and out["e"].tolist() == ["", ""]
    assert df["v"].tolist() == ["1,000", ".."]  # input unchanged


def test_analysis_errors_name_column_values_and_units():
    prov = sr.load("provinces")
    data = prov[["adcode", "name"]].copy()
    data["gdp"] = ["12,345"] * 29 + ["abc", "n.a."]
    with pytest.raises(InputError, match=r"'gdp' is not numeric.*'abc', 'n\.a\.'"):
        column_values(data, "gdp")
    data["gdp"] = ["12,345"] * 30 + ["—"]
    with pytest.raises(MissingValueError, match=r"新疆维吾尔自治区 \(650000\)"):
        column_values(data, "gdp")
    data["gdp"] = ["12,345"] * 31
    values, _ = column_values(data, "gdp")
    assert (values == 12345.0).all()
