"""Drawing primitives: polygons, lines and points as single matplotlib collections."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..export import Style, symbol_sizes

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    from matplotlib.axes import Axes

MM_TO_PT = 72.0 / 25.4


def feature_sizes(gdf: gpd.GeoDataFrame, style: Style, codes: np.ndarray) -> np.ndarray:
    """Per-feature width/diameter in mm: the class size, or scaled by ``size_column`` like the QML."""
    from ..export import LINE_WIDTH_RANGE_MM, MARKER_SIZE_RANGE_MM

    if style.size_column and style.geometry in ("line", "point"):
        from .._validation import column_values

        v, _ = column_values(gdf, style.size_column)
        lo, hi = LINE_WIDTH_RANGE_MM if style.geometry == "line" else MARKER_SIZE_RANGE_MM
        span = v.max() - v.min()
        return lo + (v - v.min()) / span * (hi - lo) if span > 0 else np.full(len(v), lo)
    return symbol_sizes(style)[codes]


def polygon_paths(geoms: Any) -> list[Any]:
    """One compound matplotlib Path per (Multi)Polygon (holes as inner rings)."""
    import shapely
    from matplotlib.path import Path as MplPath

    geoms = np.asarray(geoms, dtype=object)
    parts, g_idx = shapely.get_parts(geoms, return_index=True)
    rings, p_idx = shapely.get_rings(parts, return_index=True)
    xy, r_idx = shapely.get_coordinates(rings, return_index=True)
    codes = np.full(len(xy), MplPath.LINETO, dtype=MplPath.code_type)
    if len(xy):
        start = np.r_[True, r_idx[1:] != r_idx[:-1]]
        end = np.r_[r_idx[1:] != r_idx[:-1], True]
        codes[start] = MplPath.MOVETO
        codes[end] = MplPath.CLOSEPOLY
    owner = g_idx[p_idx[r_idx]] if len(xy) else np.array([], dtype=np.int64)
    bounds = np.searchsorted(owner, np.arange(len(geoms) + 1))
    return [MplPath(xy[a:b], codes[a:b]) for a, b in zip(bounds[:-1], bounds[1:])]


def line_segments(geoms: Any) -> tuple[list[np.ndarray], np.ndarray]:
    """Vertex arrays of every (Multi)LineString part and the index of its feature."""
    import shapely

    parts, g_idx = shapely.get_parts(np.asarray(geoms, dtype=object), return_index=True)
    xy, p_idx = shapely.get_coordinates(parts, return_index=True)
    bounds = np.searchsorted(p_idx, np.arange(len(parts) + 1))
    return [xy[a:b] for a, b in zip(bounds[:-1], bounds[1:])], g_idx


def add_polygons(ax: Axes, geoms: Any, facecolors: Any, edgecolor: str, linewidth: float, zorder: float = 1,
                 **kw: Any) -> Any:
    """Polygons as one PatchCollection (no intermediate redraws, unlike GeoDataFrame.plot)."""
    from matplotlib.collections import PatchCollection
    from matplotlib.patches import PathPatch

    coll = PatchCollection([PathPatch(p) for p in polygon_paths(geoms)], facecolors=facecolors,
                           edgecolors=edgecolor, linewidths=linewidth, zorder=zorder, **kw)
    ax.add_collection(coll, autolim=True)
    return coll


def add_lines(ax: Axes, geoms: Any, colors: Any, widths: Any, zorder: float = 2, **kw: Any) -> Any:
    """(Multi)LineStrings as one LineCollection, colour and width per feature."""
    from matplotlib.collections import LineCollection

    segs, owner = line_segments(geoms)
    colors = np.broadcast_to(np.asarray(colors, dtype=object), (len(geoms),))[owner]
    widths = np.broadcast_to(np.asarray(widths, dtype=float), (len(geoms),))[owner]
    coll = LineCollection(segs, colors=list(colors), linewidths=widths, capstyle="round", zorder=zorder, **kw)
    ax.add_collection(coll, autolim=True)
    return coll


def class_colors(style: Style, codes: np.ndarray) -> np.ndarray:
    """The fill/stroke colour of each feature's class."""
    return np.array([c.color for c in style.classes], dtype=object)[codes]


def draw_features(ax: Axes, gdf: gpd.GeoDataFrame, style: Style, codes: np.ndarray, edgecolor: str,
                  linewidth: float, **kw: Any) -> None:
    """Draw ``gdf`` with the class colours (and sizes, for lines and points) of ``style``."""
    colors = class_colors(style, codes)
    geoms = gdf.geometry.to_numpy()
    if style.geometry == "polygon":
        add_polygons(ax, geoms, list(colors), edgecolor, linewidth, **kw)
        return
    sizes = feature_sizes(gdf, style, codes) * MM_TO_PT
    # thin/small first so that strong links and large points stay on top
    order = np.argsort(sizes, kind="stable")
    if style.geometry == "line":
        add_lines(ax, geoms[order], colors[order], sizes[order], **kw)
    else:
        import shapely

        parts, owner = shapely.get_parts(geoms[order], return_index=True)
        xy = shapely.get_coordinates(parts)
        ax.scatter(xy[:, 0], xy[:, 1], s=(sizes[order] ** 2)[owner], c=list(colors[order][owner]),
                   edgecolors="#232323", linewidths=0.3, zorder=3, **kw)


def frame(ax: Axes) -> None:
    """No ticks or axis labels; a thin dark frame."""
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    for s in ax.spines.values():
        s.set_linewidth(0.6)
        s.set_color("#333333")
