"""Tests of spatialregion.export (GeoPackage + QGIS styles, CSV, Excel).

Cases covered
-------------
* to_gpkg round trip read back with pyogrio: every row, the index (adcodes)
  kept as a column, Chinese text, values and geometry unchanged; MultiIndex;
  the default RangeIndex is not written; mixed Polygon/MultiPolygon.
* layer_styles read back with sqlite3: exactly QGIS's columns, registered in
  gpkg_contents as an attributes table, one default row per styled layer,
  f_geometry_column = the layer's geometry column, SLD present and parseable.
* the QML parsed as XML: categorized / graduated renderer, attribute, category
  values and labels, range bounds, colours (r,g,b,a) and symbol types for
  polygons (fill), lines (width by class, data-defined width by size_column)
  and points (marker); the .qml sidecar equals the stored QML.
* several layers per file; rewriting a layer replaces it and its style row;
  append=False replaces the file; style=None leaves no stale style.
* class_codes: categorized matching (1 == 1.0), graduated rule
  lower < x <= upper (first class closed) against an independent
  searchsorted formulation (hypothesis).
* Result.to_gpkg goes through export.to_gpkg.
* to_csv writes UTF-8 with BOM, drops geometry, keeps a non-default index;
  to_excel gives a clear ImportError without openpyxl.
* errors: missing CRS, not a GeoDataFrame, bad suffix, reserved layer name,
  style column missing, value in no class, NaN in the styled column,
  geometry type not matching the style, index name clash, bad colour.
"""

from __future__ import annotations

import sqlite3
import xml.etree.ElementTree as ET

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from spatialregion import export
from spatialregion.errors import CRSError, GeometryError, InputError, MissingValueError
from spatialregion.labels import HOTSPOT_CLASSES

QGIS_COLUMNS = [
    "id",
    "f_table_catalog",
    "f_table_schema",
    "f_table_name",
    "f_geometry_column",
    "styleName",
    "styleQML",
    "styleSLD",
    "useAsDefault",
    "description",
    "owner",
    "ui",
    "update_time",
]


# ---------------------------------------------------------------------------
# fixtures
# ---------------------------------------------------------------------------


@pytest.fixture()
def grid() -> gpd.GeoDataFrame:
    """20 unit squares with adcode-like ids, Chinese names, a value and a hot-spot class."""
    polys = [shapely.box(100 + i, 30 + j, 101 + i, 31 + j) for i in range(5) for j in range(4)]
    keys = [lab.key for lab in HOTSPOT_CLASSES]
    return gpd.GeoDataFrame(
        {
            "name": [f"单元{i}号" for i in range(20)],
            "value": np.linspace(0.0, 9.5, 20),
            "cls": [keys[i % 5] for i in range(20)],
            "count": np.arange(20, dtype=np.int64),
        },
        geometry=polys,
        crs="EPSG:4490",
        index=pd.Index(np.arange(110000, 110020), name="adcode"),
    )


@pytest.fixture()
def value_style() -> export.Style:
    return export.graduated("value", [0.0, 3.0, 6.0, 9.5], ["#fee0d2", "#fc9272", "#de2d26"], title="值 value")


def _rgba(hex_color: str) -> str:
    h = hex_color.lstrip("#")
    return ",".join(str(int(h[i : i + 2], 16)) for i in (0, 2, 4)) + ",255"


def _symbol_props(symbol: ET.Element) -> dict[str, str]:
    layer = symbol.find("layer")
    return {p.get("k"): p.get("v") for p in layer.findall("prop")}


def _styles(path) -> pd.DataFrame:
    with sqlite3.connect(path) as con:
        out = pd.read_sql_query("SELECT * FROM layer_styles ORDER BY id", con)
    con.close()
    return out


def _qml_root(qml: str) -> ET.Element:
    """The XML tree of a QML document (its first line is the ``<!DOCTYPE qgis ...>`` header)."""
    return ET.fromstring(qml.split("\n", 1)[1])


def _stored_qml_root(path) -> ET.Element:
    """The XML tree of the first style stored in a GeoPackage's ``layer_styles``."""
    return _qml_root(_styles(path).loc[0, "styleQML"])


# ---------------------------------------------------------------------------
# GeoPackage layer
# ---------------------------------------------------------------------------


def test_roundtrip_rows_ids_values(tmp_path, grid, hot_style):
    path = export.to_gpkg(grid, tmp_path / "out.gpkg", layer="hot", style=hot_style)
    assert path == tmp_path / "out.gpkg"
    back = pyogrio.read_dataframe(path, layer="hot")
    assert len(back) == len(grid)
    assert back["adcode"].tolist() == grid.index.tolist()
    assert back["name"].tolist() == grid["name"].tolist()
    np.testing.assert_array_equal(back["value"].to_numpy(), grid["value"].to_numpy())
    assert back["cls"].tolist() == grid["cls"].tolist()
    assert back["count"].tolist() == grid["count"].tolist()
    assert back.crs.to_epsg() == 4490
    assert shapely.equals(back.geometry.values, grid.geometry.values).all()


def test_default_rangeindex_not_written_multiindex_kept(tmp_path, grid):
    plain = grid.reset_index(drop=True)
    export.to_gpkg(plain, tmp_path / "a.gpkg", layer="plain")
    back = pyogrio.read_dataframe(tmp_path / "a.gpkg", layer="plain")
    assert "id" not in back.columns and "index" not in back.columns
    multi = grid.reset_index()
    multi["year"] = 2022
    multi = multi.set_index(["adcode", "year"])
    export.to_gpkg(multi, tmp_path / "a.gpkg", layer="panel")
    back = pyogrio.read_dataframe(tmp_path / "a.gpkg", layer="panel")
    assert back["adcode"].tolist() == grid.index.tolist()
    assert (back["year"] == 2022).all()


def test_unnamed_index_becomes_id_column(tmp_path, grid):
    g = grid.rename_axis(None)
    export.to_gpkg(g, tmp_path / "a.gpkg", layer="x")
    back = pyogrio.read_dataframe(tmp_path / "a.gpkg", layer="x")
    assert back["id"].tolist() == grid.index.tolist()


def test_mixed_polygon_multipolygon_written(tmp_path, grid):
    g = grid.copy()
    g.loc[g.index[0], "geometry"] = shapely.MultiPolygon([g.geometry.iloc[0], shapely.box(0, 0, 0.5, 0.5)])
    export.to_gpkg(g, tmp_path / "a.gpkg", layer="mixed")
    back = pyogrio.read_dataframe(tmp_path / "a.gpkg", layer="mixed")
    assert len(back) == 20
    assert set(back.geom_type) == {"MultiPolygon"}
    assert np.allclose(shapely.area(back.geometry.values), shapely.area(g.geometry.values))


# ---------------------------------------------------------------------------
# layer_styles table
# ---------------------------------------------------------------------------


def test_layer_styles_table_follows_qgis(tmp_path, grid, hot_style):
    path = export.to_gpkg(grid, tmp_path / "out.gpkg", layer="hot", style=hot_style)
    with sqlite3.connect(path) as con:
        cols = [r[1] for r in con.execute("PRAGMA table_info(layer_styles)")]
        contents = con.execute(
            "SELECT data_type, identifier FROM gpkg_contents WHERE table_name = 'layer_styles'"
        ).fetchall()
        geom_col = con.execute("SELECT column_name FROM gpkg_geometry_columns WHERE table_name = 'hot'").fetchone()[0]
    con.close()
    assert cols == QGIS_COLUMNS
    assert contents == [("attributes", "layer_styles")]
    rows = _styles(path)
    assert len(rows) == 1
    row = rows.iloc[0]
    assert row["f_table_name"] == "hot"
    assert row["styleName"] == "hot"
    assert row["f_geometry_column"] == geom_col
    assert int(row["useAsDefault"]) == 1
    assert row["update_time"].endswith("Z")
    # pyogrio lists the styles table as a (non-spatial) layer, as GDAL/QGIS see it
    layers = dict(pyogrio.list_layers(path))
    assert "layer_styles" in layers and layers["layer_styles"] is None
    # SLD is a parseable document with one rule per class
    sld = ET.fromstring(row["styleSLD"].encode())
    rules = sld.findall(".//{http://www.opengis.net/se}Rule")
    assert len(rules) == 5


def test_categorized_qml_content(tmp_path, grid, hot_style):
    path = export.to_gpkg(grid, tmp_path / "out.gpkg", layer="hot", style=hot_style)
    root = _stored_qml_root(path)
    rend = root.find("renderer-v2")
    assert rend.get("type") == "categorizedSymbol"
    assert rend.get("attr") == "cls"
    cats = rend.findall("categories/category")
    assert [c.get("value") for c in cats] == [lab.key for lab in HOTSPOT_CLASSES]
    assert [c.get("label") for c in cats] == [f"{lab.zh} {lab.en}" for lab in HOTSPOT_CLASSES]
    symbols = {s.get("name"): s for s in rend.findall("symbols/symbol")}
    for cat, lab in zip(cats, HOTSPOT_CLASSES):
        sym = symbols[cat.get("symbol")]
        assert sym.get("type") == "fill"
        assert sym.find("layer").get("class") == "SimpleFill"
        props = _symbol_props(sym)
        assert props["color"] == _rgba(lab.color)
        # the Option map (QGIS >= 3.26) carries the same colour
        opt = {o.get("name"): o.get("value") for o in sym.find("layer/Option").findall("Option")}
        assert opt["color"] == props["color"]


def test_graduated_qml_content(tmp_path, grid, value_style):
    path = export.to_gpkg(grid, tmp_path / "out.gpkg", layer="v", style=value_style)
    root = _stored_qml_root(path)
    rend = root.find("renderer-v2")
    assert rend.get("type") == "graduatedSymbol"
    assert rend.get("attr") == "value"
    ranges = rend.findall("ranges/range")
    assert [(float(r.get("lower")), float(r.get("upper"))) for r in ranges] == [(0, 3), (3, 6), (6, 9.5)]
    symbols = {s.get("name"): s for s in rend.findall("symbols/symbol")}
    colors = [_symbol_props(symbols[r.get("symbol")])["color"] for r in ranges]
    assert colors == [_rgba(c) for c in ("#fee0d2", "#fc9272", "#de2d26")]


def test_sidecar_equals_stored_qml(tmp_path, grid, hot_style):
    path = export.to_gpkg(grid, tmp_path / "data.gpkg", layer="hot", style=hot_style)
    side = tmp_path / "data_hot.qml"
    assert export.sidecar_path(path, "hot") == side
    assert side.read_text(encoding="utf-8") == _styles(path).loc[0, "styleQML"]
    export.to_gpkg(grid, tmp_path / "nosidecar.gpkg", layer="hot", style=hot_style, qml_sidecar=False)
    assert not (tmp_path / "nosidecar_hot.qml").exists()


def test_line_widths_by_class_and_size_column(tmp_path):
    lines = gpd.GeoDataFrame(
        {"strength": [1.0, 5.0, 9.0], "cls": ["weak", "mid", "strong"]},
        geometry=[shapely.LineString([(100, 30), (110 + i, 35)]) for i in range(3)],
        crs=4490,
    )
    grad = export.graduated("strength", [0, 3, 6, 9], ["#ccc", "#888", "#000"], geometry="line")
    root = _qml_root(export.qml(grad))
    widths = [float(_symbol_props(s)["line_width"]) for s in root.findall("renderer-v2/symbols/symbol")]
    assert all(s.get("type") == "line" for s in root.findall("renderer-v2/symbols/symbol"))
    assert widths == sorted(widths) and widths[0] < widths[-1]
    np.testing.assert_allclose(widths, export.symbol_sizes(grad))
    # explicit per-class widths for a categorized line style
    cat = export.categorized("cls", ["weak", "mid", "strong"], ["#ccc", "#888", "#000"], geometry="line", sizes=[0.2, 0.8, 1.6])
    root = _qml_root(export.qml(cat))
    assert [float(_symbol_props(s)["line_width"]) for s in root.findall("renderer-v2/symbols/symbol")] == [0.2, 0.8, 1.6]
    # data-defined width from a column
    sized = export.graduated("strength", [0, 3, 6, 9], ["#ccc", "#888", "#000"], geometry="line", size_column="strength")
    path = export.to_gpkg(lines, tmp_path / "flows.gpkg", layer="flows", style=sized)
    root = _stored_qml_root(path)
    exprs = [o.get("value") for o in root.iter("Option") if o.get("name") == "expression"]
    assert exprs and all('scale_linear("strength"' in e for e in exprs)
    assert pyogrio.read_dataframe(path, layer="flows")["strength"].tolist() == [1.0, 5.0, 9.0]


def test_point_markers(tmp_path):
    pts = gpd.GeoDataFrame({"k": [1, 2, 2]}, geometry=shapely.points([[100, 30], [101, 31], [102, 32]]), crs=4490)
    style = export.categorized("k", [1, 2], ["red", "blue"], ["一", "二"], geometry="point")
    path = export.to_gpkg(pts, tmp_path / "p.gpkg", layer="pts", style=style)
    root = _stored_qml_root(path)
    syms = root.findall("renderer-v2/symbols/symbol")
    assert [s.get("type") for s in syms] == ["marker", "marker"]
    assert [_symbol_props(s)["color"] for s in syms] == ["255,0,0,255", "0,0,255,255"]
    assert [c.get("value") for c in root.findall("renderer-v2/categories/category")] == ["1", "2"]


# ---------------------------------------------------------------------------
# several layers, replacing
# ---------------------------------------------------------------------------


def test_several_layers_and_replacement(tmp_path, grid, hot_style, value_style):
    path = tmp_path / "multi.gpkg"
    export.to_gpkg(grid, path, layer="hot", style=hot_style)
    export.to_gpkg(grid, path, layer="value", style=value_style)
    assert {n for n, _ in pyogrio.list_layers(path)} == {"hot", "value", "layer_styles"}
    assert sorted(_styles(path)["f_table_name"]) == ["hot", "value"]
    # rewriting a layer replaces its rows and its style row
    export.to_gpkg(grid.iloc[:7], path, layer="hot", style=hot_style)
    assert len(pyogrio.read_dataframe(path, layer="hot")) == 7
    assert len(pyogrio.read_dataframe(path, layer="value")) == 20
    styles = _styles(path)
    assert sorted(styles["f_table_name"]) == ["hot", "value"]
    # rewriting without a style removes the stale style
    export.to_gpkg(grid, path, layer="hot")
    assert _styles(path)["f_table_name"].tolist() == ["value"]
    # append=False replaces the whole file
    export.to_gpkg(grid, path, layer="only", style=value_style, append=False)
    assert {n for n, _ in pyogrio.list_layers(path)} == {"only", "layer_styles"}
    assert _styles(path)["f_table_name"].tolist() == ["only"]


def test_result_to_gpkg_uses_export(tmp_path, grid, hot_style, toy_result):
    path = toy_result(grid, hot_style).to_gpkg(tmp_path / "r.gpkg")
    assert len(pyogrio.read_dataframe(path, layer="toy")) == 20
    assert _styles(path)["f_table_name"].tolist() == ["toy"]


# ---------------------------------------------------------------------------
# class_codes
# ---------------------------------------------------------------------------


def test_class_codes_categorized_numbers_compare_by_value():
    style = export.categorized("bin", [-1, 0, 1], ["#00f", "#fff", "#f00"])
    codes = export.class_codes(style, np.array([1.0, -1.0, 0.0, 1.0]))
    assert codes.tolist() == [2, 0, 1, 2]


@settings(max_examples=60, deadline=None)
@given(
    edges=st.lists(st.floats(-1e3, 1e3, allow_nan=False), min_size=2, max_size=7, unique=True).map(sorted),
    u=st.lists(st.floats(0, 1), min_size=1, max_size=30),
)
def test_class_codes_graduated_rule(edges, u):
    edges = np.asarray(edges)
    # values inside [e_0, e_k]; the clip undoes rounding (e.g. -1 + 1·(1e-158 + 1) = 0 > e_k)
    x = np.clip(edges[0] + np.asarray(u) * (edges[-1] - edges[0]), edges[0], edges[-1])
    x = np.concatenate([x, edges])  # the edges themselves are the delicate cases
    style = export.graduated("v", edges, ["#000"] * (len(edges) - 1))
    codes = export.class_codes(style, x)
    # independent formulation: class i holds e_i < x <= e_{i+1}; the minimum goes to class 0
    expected = np.clip(np.searchsorted(edges, x, side="left") - 1, 0, len(edges) - 2)
    np.testing.assert_array_equal(codes, expected)


# ---------------------------------------------------------------------------
# tables
# ---------------------------------------------------------------------------


def test_to_csv_bom_chinese_no_geometry(tmp_path, grid):
    path = export.to_csv(grid, tmp_path / "t.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(path, encoding="utf-8-sig")
    assert "geometry" not in back.columns
    assert back["adcode"].tolist() == grid.index.tolist()
    assert back["name"].tolist() == grid["name"].tolist()
    plain = export.to_csv(pd.DataFrame({"省份": ["河北", "山西"], "x": [1, 2]}), tmp_path / "p.csv")
    assert pd.read_csv(plain, encoding="utf-8-sig").columns.tolist() == ["省份", "x"]


def test_to_excel(tmp_path, grid, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "openpyxl", None)  # simulate "not installed"
    with pytest.raises(InputError, match="openpyxl.*spatialregion\[excel\]"):
        export.to_excel(grid, tmp_path / "t.xlsx")
    monkeypatch.undo()
    pytest.importorskip("openpyxl")
    path = export.to_excel(grid, tmp_path / "t.xlsx")
    back = pd.read_excel(path)
    assert back["name"].tolist() == grid["name"].tolist() and "geometry" not in back.columns


# ---------------------------------------------------------------------------
# errors
# ---------------------------------------------------------------------------


def test_errors(tmp_path, grid, hot_style, value_style):
    with pytest.raises(CRSError, match="CRS"):
        export.to_gpkg(grid.set_crs(None, allow_override=True), tmp_path / "a.gpkg", layer="x")
    with pytest.raises(InputError, match="GeoDataFrame"):
        export.to_gpkg(pd.DataFrame(grid.drop(columns="geometry")), tmp_path / "a.gpkg", layer="x")
    with pytest.raises(InputError, match=r"\.gpkg"):
        export.to_gpkg(grid, tmp_path / "a.shp", layer="x")
    with pytest.raises(InputError, match="reserved"):
        export.to_gpkg(grid, tmp_path / "a.gpkg", layer="layer_styles")
    with pytest.raises(InputError, match="'nope'"):
        export.to_gpkg(grid, tmp_path / "a.gpkg", layer="x", style=export.categorized("nope", [1], ["red"]))
    bad = grid.copy()
    bad.loc[110003, "cls"] = "warm"
    with pytest.raises(InputError, match=r"warm.*110003"):
        export.to_gpkg(bad, tmp_path / "a.gpkg", layer="x", style=hot_style)
    nan = grid.copy()
    nan.loc[110005, "value"] = np.nan
    with pytest.raises(MissingValueError, match="110005"):
        export.to_gpkg(nan, tmp_path / "a.gpkg", layer="x", style=value_style)
    pts = grid.set_geometry(gpd.GeoSeries(shapely.centroid(grid.geometry.values), index=grid.index, crs=grid.crs))
    with pytest.raises(GeometryError, match="point"):
        export.to_gpkg(pts, tmp_path / "a.gpkg", layer="x", style=hot_style)
    clash = grid.assign(adcode=1)
    with pytest.raises(InputError, match="adcode"):
        export.to_gpkg(clash, tmp_path / "a.gpkg", layer="x")
    with pytest.raises(InputError, match="colour"):
        export.qml(export.categorized("cls", ["a"], ["notacolour"]))
    with pytest.raises(InputError, match="increasing"):
        export.graduated("v", [0, 2, 1], ["red", "blue"])
    assert not (tmp_path / "a.gpkg").exists()  # nothing half-written by the failed calls


def test_gpkg_index_equal_to_id_column_written_once(provinces, tmp_path):
    """A long-panel result indexed by its id column (id_column=) writes that id once."""
    gdf = provinces[["adcode", "name", "geometry"]].set_index(provinces["adcode"].to_numpy()).rename_axis("adcode")
    path = export.to_gpkg(gdf, tmp_path / "ids.gpkg", layer="ids")
    back = gpd.read_file(path, layer="ids")
    assert list(back.columns) == ["adcode", "name", "geometry"]
    assert back["adcode"].tolist() == provinces["adcode"].tolist()
    clash = gdf.assign(adcode=0)  # same name, different values: still an error
    with pytest.raises(InputError, match="already exist"):
        export.to_gpkg(clash, tmp_path / "clash.gpkg", layer="c")


def test_style_and_label_errors_are_spatialregion_errors():
    from spatialregion import labels

    with pytest.raises(InputError, match="same length, got 2, 1 and 2"):
        export.categorized("c", ["a", "b"], ["#000000"], ["A", "B"])
    with pytest.raises(InputError, match="k \\+ 1 breaks and k colours, got 2 breaks and 2 colours"):
        export.graduated("c", [0, 1], ["#000000", "#ffffff"])
    with pytest.raises(InputError, match="unknown label key 'lukewarm'; known keys: \\['cold'"):
        labels.zh(labels.HOTSPOT_CLASSES, "lukewarm")
