"""Publication maps: CJK labels, South China Sea inset, north arrow, scale bar, legend with counts.

One figure style for every result (DESIGN §7):

* text is set in **Noto Sans CJK SC** (SIL Open Font License), the OpenType
  font shipped by the PyPI package ``mplfonts``; :func:`use_cjk_font`
  registers it with matplotlib (never a system font) and every map function
  calls it.  Glyphs missing from the font are reported as
  :class:`MissingGlyphWarning` (tests turn it into an error);
* maps of China are drawn in the China Albers equal-area projection
  (:data:`spatialregion.crs.ALBERS`), so the scale bar (matplotlib-scalebar)
  is in true metres along the standard parallels 25°N and 47°N (scale error
  below 2 % inside China);
* national maps get the 南海诸岛 (South China Sea islands) inset at the lower
  right: the maritime boundary lines plus the units' geometry clipped to
  105–125°E, 2–25°N; the main map then stops at 17.5°N;
* a class legend whose entries carry the number of units in each class
  (``热点 Hot spot (5)``), a north arrow and a title.

The classes come from a :class:`spatialregion.export.Style`, the same object
written as the QGIS style of a GeoPackage layer, so a figure and the layer
opened in QGIS show the same classes and colours (:func:`classify_style`).
"""

from __future__ import annotations

import functools
import re
import warnings
from collections.abc import Sequence
from importlib import util as _import_util
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ._classify import (
    _geometry_kind,
    class_counts,
    classify_style,
    equal_interval_bins,
    fisher_jenks_bins,
    quantile_bins,
)
from .errors import CRSError, GeometryError, InputError, SpatialRegionError, SpatialRegionWarning
from .export import Style, class_codes, symbol_sizes

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "MissingGlyphWarning",
    "map_crs",
    "use_cjk_font",
    "font_path",
    "missing_glyphs",
    "classify_style",
    "fisher_jenks_bins",
    "quantile_bins",
    "equal_interval_bins",
    "class_counts",
    "choropleth",
    "plot_style",
    "save",
    "INSET_LABEL",
]

try:  # the lead's CRS constants; the literal is the same projection (DESIGN §2)
    from .crs import ALBERS
except ImportError:  # pragma: no cover - crs.py not yet present
    ALBERS = "+proj=aea +lat_1=25 +lat_2=47 +lat_0=0 +lon_0=105 +ellps=GRS80 +units=m +no_defs"

#: label of the inset axes (``ax.child_axes``) and its caption
INSET_LABEL = "south_china_sea_inset"
INSET_CAPTION = "南海诸岛"
#: lon/lat window of the inset and the southern limit of the main map when it is drawn
INSET_BOX = (105.0, 2.0, 125.0, 25.0)
MAIN_SOUTH_LIMIT = 17.5
#: inset position in the main axes (x, y, width, height as fractions)
_INSET_BOUNDS = (0.815, 0.008, 0.177, 0.27)
#: lon/lat box used to decide whether data are in China
CHINA_BOX = (73.0, 3.0, 136.0, 54.0)

_MM_TO_PT = 72.0 / 25.4
_FONT_FILE = "NotoSansCJKsc-Regular.otf"
_GLYPH_RE = re.compile(r"Glyph (\d+) .*missing from (current )?font")


class MissingGlyphWarning(SpatialRegionWarning):
    """A character of a label has no glyph in the CJK font (it would print as a box)."""


# ---------------------------------------------------------------------------
# fonts
# ---------------------------------------------------------------------------


def font_path() -> Path:
    """Path of Noto Sans CJK SC Regular inside the installed ``mplfonts`` package.

    Raises :class:`SpatialRegionError` when ``mplfonts`` (a core dependency) or
    the font file is missing.  The package is located without importing it
    (importing ``mplfonts`` has no side effects we need).
    """
    spec = _import_util.find_spec("mplfonts")
    if spec is None or not spec.submodule_search_locations:
        raise SpatialRegionError("the CJK font package is missing: pip install mplfonts (a spatialregion dependency)")
    for loc in spec.submodule_search_locations:
        p = Path(loc) / "fonts" / _FONT_FILE
        if p.exists():
            return p
    raise SpatialRegionError(f"mplfonts is installed but {_FONT_FILE} is missing from it; reinstall mplfonts")


@functools.lru_cache(maxsize=1)
def _font_family() -> str:
    from matplotlib import font_manager

    path = str(font_path())
    if path not in {f.fname for f in font_manager.fontManager.ttflist}:
        font_manager.fontManager.addfont(path)
    return font_manager.FontProperties(fname=path).get_name()


def use_cjk_font() -> str:
    """Register Noto Sans CJK SC with matplotlib and make it the first sans-serif font.

    Idempotent (cheap to call before every figure).  Sets ``font.family`` to
    ``sans-serif`` with Noto Sans CJK SC first in ``font.sans-serif``; the font
    also covers Latin letters, digits and the minus sign, so mixed labels such
    as ``热点 Hot spot (5)`` use one typeface.  Returns the family name.
    """
    import matplotlib as mpl

    family = _font_family()
    current = list(mpl.rcParams["font.sans-serif"])
    if not current or current[0] != family:
        mpl.rcParams["font.sans-serif"] = [family] + [f for f in current if f != family]
    if list(mpl.rcParams["font.family"]) != ["sans-serif"]:
        mpl.rcParams["font.family"] = ["sans-serif"]
    return family


@functools.lru_cache(maxsize=1)
def _charmap() -> frozenset[int]:
    from matplotlib.ft2font import FT2Font

    return frozenset(FT2Font(str(font_path())).get_charmap())


def missing_glyphs(text: str) -> list[str]:
    """Characters of ``text`` that Noto Sans CJK SC cannot draw (whitespace ignored)."""
    cmap = _charmap()
    return sorted({ch for ch in str(text) if not ch.isspace() and ord(ch) not in cmap})


def _check_glyphs(texts: Sequence[str]) -> None:
    bad = sorted({ch for t in texts if t for ch in missing_glyphs(t)})
    if bad:
        shown = ", ".join(f"{ch!r} (U+{ord(ch):04X})" for ch in bad[:10])
        warnings.warn(
            MissingGlyphWarning(f"characters {shown} have no glyph in {_font_family()}; they will print as boxes"),
            stacklevel=3,
        )


# ---------------------------------------------------------------------------
# drawing
# ---------------------------------------------------------------------------


def _in_china(gdf4326: gpd.GeoDataFrame) -> bool:
    x0, y0, x1, y1 = gdf4326.total_bounds
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    bx0, by0, bx1, by1 = CHINA_BOX
    return bool(bx0 <= cx <= bx1 and by0 <= cy <= by1 and x0 >= bx0 - 5 and x1 <= bx1 + 5)


def _is_national(gdf4326: gpd.GeoDataFrame) -> bool:
    """A national map (spans ≥ 20° of longitude and reaches south of 25°N): gets the inset."""
    x0, y0, x1, _ = gdf4326.total_bounds
    return bool(x1 - x0 >= 20 and y0 <= 25)


def map_crs(gdf: gpd.GeoDataFrame) -> Any:
    """The CRS :func:`plot_style` draws ``gdf`` in: China Albers for data in China, else the
    data's projected CRS or an Albers fitted to geographic data.  Use it to add layers on top."""
    return _map_crs(gdf, _in_china(gdf.to_crs(4326)))


def _map_crs(gdf: gpd.GeoDataFrame, in_china: bool) -> Any:
    """China Albers for China; otherwise the data's projected CRS, or an Albers fitted to geographic data."""
    if in_china:
        return ALBERS
    if gdf.crs.is_projected:
        return gdf.crs
    x0, y0, x1, y1 = gdf.to_crs(4326).total_bounds
    h = y1 - y0
    return (
        f"+proj=aea +lat_1={y0 + h / 6:.3f} +lat_2={y1 - h / 6:.3f} +lat_0={(y0 + y1) / 2:.3f} "
        f"+lon_0={(x0 + x1) / 2:.3f} +ellps=GRS80 +units=m +no_defs"
    )


@functools.lru_cache(maxsize=1)
def _maritime() -> Any:
    """The South China Sea maritime lines (EPSG:4490) from the embedded layers, or None."""
    try:
        from .regions import load

        lines = load("maritime")
    except (ImportError, SpatialRegionError, KeyError, ValueError, OSError) as exc:
        warnings.warn(
            SpatialRegionWarning(f"South China Sea maritime lines unavailable ({exc}); inset drawn without them"),
            stacklevel=4,
        )
        return None
    return lines


def _feature_sizes(gdf: gpd.GeoDataFrame, style: Style, codes: np.ndarray) -> np.ndarray:
    """Per-feature width/diameter in mm: the class size, or scaled by ``size_column`` like the QML."""
    from .export import LINE_WIDTH_RANGE_MM, MARKER_SIZE_RANGE_MM

    if style.size_column and style.geometry in ("line", "point"):
        from ._validation import column_values

        v, _ = column_values(gdf, style.size_column)
        lo, hi = LINE_WIDTH_RANGE_MM if style.geometry == "line" else MARKER_SIZE_RANGE_MM
        span = v.max() - v.min()
        return lo + (v - v.min()) / span * (hi - lo) if span > 0 else np.full(len(v), lo)
    return symbol_sizes(style)[codes]


def _polygon_paths(geoms: Any) -> list[Any]:
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


def _line_segments(geoms: Any) -> tuple[list[np.ndarray], np.ndarray]:
    """Vertex arrays of every (Multi)LineString part and the index of its feature."""
    import shapely

    parts, g_idx = shapely.get_parts(np.asarray(geoms, dtype=object), return_index=True)
    xy, p_idx = shapely.get_coordinates(parts, return_index=True)
    bounds = np.searchsorted(p_idx, np.arange(len(parts) + 1))
    return [xy[a:b] for a, b in zip(bounds[:-1], bounds[1:])], g_idx


def _add_polygons(ax: Axes, geoms: Any, facecolors: Any, edgecolor: str, linewidth: float, zorder: float = 1, **kw: Any) -> Any:
    """Polygons as one PatchCollection (no intermediate redraws, unlike GeoDataFrame.plot)."""
    from matplotlib.collections import PatchCollection
    from matplotlib.patches import PathPatch

    coll = PatchCollection([PathPatch(p) for p in _polygon_paths(geoms)], facecolors=facecolors,
                           edgecolors=edgecolor, linewidths=linewidth, zorder=zorder, **kw)
    ax.add_collection(coll, autolim=True)
    return coll


def _add_lines(ax: Axes, geoms: Any, colors: Any, widths: Any, zorder: float = 2, **kw: Any) -> Any:
    from matplotlib.collections import LineCollection

    segs, owner = _line_segments(geoms)
    colors = np.broadcast_to(np.asarray(colors, dtype=object), (len(geoms),))[owner]
    widths = np.broadcast_to(np.asarray(widths, dtype=float), (len(geoms),))[owner]
    coll = LineCollection(segs, colors=list(colors), linewidths=widths, capstyle="round", zorder=zorder, **kw)
    ax.add_collection(coll, autolim=True)
    return coll


def _draw(ax: Axes, gdf: gpd.GeoDataFrame, style: Style, codes: np.ndarray, edgecolor: str, linewidth: float, **kw: Any) -> None:
    colors = np.array([c.color for c in style.classes], dtype=object)[codes]
    geoms = gdf.geometry.to_numpy()
    if style.geometry == "polygon":
        _add_polygons(ax, geoms, list(colors), edgecolor, linewidth, **kw)
        return
    sizes = _feature_sizes(gdf, style, codes) * _MM_TO_PT
    # thin/small first so that strong links and large points stay on top
    order = np.argsort(sizes, kind="stable")
    if style.geometry == "line":
        _add_lines(ax, geoms[order], colors[order], sizes[order], **kw)
    else:
        import shapely

        parts, owner = shapely.get_parts(geoms[order], return_index=True)
        xy = shapely.get_coordinates(parts)
        ax.scatter(xy[:, 0], xy[:, 1], s=(sizes[order] ** 2)[owner], c=list(colors[order][owner]),
                   edgecolors="#232323", linewidths=0.3, zorder=3, **kw)


def _legend(ax: Axes, style: Style, counts: np.ndarray, loc: str, edgecolor: str, raise_by: float = 0.0) -> Any:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    sizes = symbol_sizes(style) * _MM_TO_PT
    handles = []
    for c, n, sz in zip(style.classes, counts, sizes):
        text = f"{c.label} ({int(n)})"
        if style.geometry == "polygon":
            handles.append(Patch(facecolor=c.color, edgecolor=edgecolor, linewidth=0.4, label=text))
        elif style.geometry == "line":
            handles.append(Line2D([], [], color=c.color, linewidth=sz, solid_capstyle="round", label=text))
        else:
            handles.append(
                Line2D([], [], color="none", marker="o", markerfacecolor=c.color, markeredgecolor="#232323",
                       markersize=sz, markeredgewidth=0.3, label=text)
            )
    leg = ax.legend(
        handles=handles,
        title=style.title or None,
        loc=loc,
        bbox_to_anchor=(0.0, raise_by, 1.0, 1.0 - raise_by) if raise_by else None,
        fontsize=7.5,
        title_fontsize=8.5,
        frameon=False,
        handlelength=1.6,
        handleheight=1.0,
        borderaxespad=0.6,
        labelspacing=0.35,
    )
    leg._legend_box.align = "left"
    leg.set_zorder(20)
    return leg


def _north_arrow(ax: Axes, x: float = 0.06, y: float = 0.9, size: float = 0.07) -> None:
    """A two-tone north arrow with an ``N`` above it, in axes coordinates (map north is up)."""
    from matplotlib.patches import Polygon as MplPolygon

    w = size * 0.32
    left = MplPolygon([(x, y + size), (x - w, y), (x, y + size * 0.28)], closed=True, facecolor="#222222",
                      edgecolor="#222222", linewidth=0.6, transform=ax.transAxes, zorder=21)
    right = MplPolygon([(x, y + size), (x + w, y), (x, y + size * 0.28)], closed=True, facecolor="white",
                       edgecolor="#222222", linewidth=0.6, transform=ax.transAxes, zorder=21)
    for p in (left, right):
        p.set_gid("north_arrow")
        ax.add_patch(p)
    ax.text(x, y + size * 1.08, "N", transform=ax.transAxes, ha="center", va="bottom", fontsize=10,
            zorder=21, gid="north_arrow")


def _nice_length(target: float) -> float:
    """The 1-2-5 series value nearest below ``target`` (> 0)."""
    exp = np.floor(np.log10(target))
    for m in (5.0, 2.0, 1.0):
        if m * 10**exp <= target:
            return float(m * 10**exp)
    return float(10**exp)  # pragma: no cover - unreachable for target > 0


def _scalebar(ax: Axes, loc: str) -> Any:
    from matplotlib_scalebar.scalebar import ScaleBar

    # data units are metres of the equal-area projection; the bar shows a 1-2-5 length
    width_m = abs(ax.get_xlim()[1] - ax.get_xlim()[0])
    length_m = _nice_length(width_m * 0.15)
    value, units = (length_m / 1000, "km") if length_m >= 1000 else (length_m, "m")
    bar = ScaleBar(1.0, units="m", dimension="si-length", location=loc, fixed_value=value, fixed_units=units,
                   frameon=False, scale_loc="bottom", font_properties={"size": 7.5}, border_pad=0.8,
                   width_fraction=0.006, color="#222222", scale_formatter=lambda v, u: f"{v:g} {u}")
    bar.set_gid("scalebar")
    ax.add_artist(bar)
    return bar


def _frame(ax: Axes) -> None:
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    for s in ax.spines.values():
        s.set_linewidth(0.6)
        s.set_color("#333333")


def _inset(ax: Axes, gdf4490: gpd.GeoDataFrame, style: Style, codes: np.ndarray, base4490: Any,
           edgecolor: str, crs: Any) -> Axes:
    """South China Sea islands inset at the lower right of ``ax``."""
    import geopandas as gpd
    import shapely

    x0, y0, x1, y1 = INSET_BOX
    box = shapely.box(x0, y0, x1, y1)
    iax = ax.inset_axes(list(_INSET_BOUNDS))
    iax.set_label(INSET_LABEL)
    frame_proj = gpd.GeoSeries([box], crs=4326).to_crs(crs)
    if base4490 is not None:
        clipped = base4490.clip_by_rect(x0, y0, x1, y1)
        keep = ~(clipped.is_empty | clipped.isna())
        _add_polygons(iax, gpd.GeoSeries(clipped[keep], crs=base4490.crs).to_crs(crs).to_numpy(),
                      "#f2f2f2", "#9a9a9a", 0.25, zorder=0.5)
    geom = gdf4490.geometry.clip_by_rect(x0, y0, x1, y1)
    keep = ~(geom.is_empty | geom.isna()).to_numpy()
    if keep.any():
        part = gpd.GeoDataFrame(gdf4490.drop(columns=gdf4490.geometry.name).iloc[keep],
                                geometry=geom[keep].to_numpy(), crs=gdf4490.crs).to_crs(crs)
        _draw(iax, part, style, codes[keep], edgecolor, 0.25)
    lines = _maritime()
    if lines is not None:
        _add_lines(iax, lines.to_crs(crs).geometry.to_numpy(), "#3b6ea8", 0.7, zorder=4)
    # window: the projected box, widened/heightened to the inset's aspect (equal scale in x and y)
    bx0, by0, bx1, by1 = frame_proj.total_bounds
    # the parent has equal aspect, so its box has the shape of its data window
    (px0, px1), (py0, py1) = ax.get_xlim(), ax.get_ylim()
    box_aspect = (_INSET_BOUNDS[3] * (py1 - py0)) / (_INSET_BOUNDS[2] * (px1 - px0))
    w, h = bx1 - bx0, by1 - by0
    if h / w > box_aspect:
        w = h / box_aspect
    else:
        h = w * box_aspect
    cx, cy = (bx0 + bx1) / 2, (by0 + by1) / 2
    iax.set_xlim(cx - w / 2, cx + w / 2)
    iax.set_ylim(cy - h / 2, cy + h / 2)
    iax.set_aspect("equal", adjustable="box")
    _frame(iax)
    iax.set_facecolor("white")
    iax.text(0.97, 0.03, INSET_CAPTION, transform=iax.transAxes, ha="right", va="bottom", fontsize=6.5)
    return iax


def plot_style(
    gdf: gpd.GeoDataFrame,
    style: Style,
    ax: Axes | None = None,
    title: str | None = None,
    *,
    inset: bool = True,
    north_arrow: bool = True,
    scalebar: bool = True,
    legend: bool = True,
    edgecolor: str = "#5a5a5a",
    linewidth: float = 0.35,
    labels: str | None = None,
    base: gpd.GeoDataFrame | None = None,
    legend_loc: str = "lower left",
    scalebar_loc: str = "lower left",
    figsize: tuple[float, float] = (8.0, 6.6),
    **kwargs: Any,
) -> Axes:
    """Draw the classes of ``style`` as a publication map.

    Parameters
    ----------
    gdf : GeoDataFrame
        Units (any CRS; a CRS is required).  Every value of ``style.column``
        must fall in a class (:func:`spatialregion.export.class_codes`).
    style : Style
        Categorized or graduated classes; polygons are filled, lines drawn with
        the class width (or scaled by ``style.size_column``, 0.25–1.5 mm), points
        as circles (1.5–4.5 mm), exactly as the QGIS style of
        :func:`spatialregion.export.to_gpkg`.
    ax : Axes, optional
        Axes to draw in (a new 8 × 6.6 in figure by default).
    title : str, optional
        Map title.
    inset : bool, default True
        Draw the South China Sea islands inset (lower right) when the data are
        a national map of China (span ≥ 20° of longitude, reach south of 25°N);
        never for data outside China.
    north_arrow, scalebar, legend : bool, default True
        Map furniture.  The legend lists each class with its unit count.
    edgecolor, linewidth : polygon outlines.
    labels : str, optional
        Column whose text is written at each unit's representative point
        (e.g. ``"name_short"``).
    base : GeoDataFrame, optional
        Polygons drawn in light grey underneath (e.g. provinces under a flow
        map); also used for the inset.
    legend_loc, scalebar_loc : str
        matplotlib locations.
    **kwargs
        Passed to ``GeoDataFrame.plot`` for the styled layer.

    Returns
    -------
    Axes
        The map axes; the inset is ``ax.child_axes`` labelled
        :data:`INSET_LABEL`, the scale bar an artist with gid ``"scalebar"``.
    """
    import geopandas as gpd
    import matplotlib.pyplot as plt

    use_cjk_font()
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise InputError(f"plot_style needs a GeoDataFrame, got {type(gdf).__name__}")
    if not isinstance(style, Style):
        raise InputError(f"style must be a spatialregion.export.Style, got {type(style).__name__}")
    if gdf.crs is None:
        raise CRSError("gdf has no CRS; set it with .set_crs(...) (boundaries from spatialregion.load are EPSG:4490)")
    if len(gdf) == 0:
        raise InputError("gdf has no rows to map")
    if style.column not in gdf.columns:
        raise InputError(f"style column {style.column!r} is not in the data; columns: {list(gdf.columns)[:20]}")
    if base is not None and (not isinstance(base, gpd.GeoDataFrame) or base.crs is None):
        raise CRSError("base must be a GeoDataFrame with a CRS")
    kind = _geometry_kind(gdf)
    if kind != style.geometry:
        raise GeometryError(f"the style draws {style.geometry}s but the data are {kind}s; build the style with geometry={kind!r}")
    if labels is not None and labels not in gdf.columns:
        raise InputError(f"labels column {labels!r} is not in the data")
    codes = class_codes(style, gdf[style.column], gdf.index)
    counts = np.bincount(codes, minlength=len(style.classes))
    texts = [title or "", style.title] + [c.label for c in style.classes]
    if labels is not None:
        texts += [str(v) for v in gdf[labels]]
    _check_glyphs(texts)

    geo = gdf.to_crs(4490) if not gdf.crs.is_geographic else gdf
    parts = [geo.geometry] + ([base.to_crs(geo.crs).geometry] if base is not None else [])
    geo_all = gpd.GeoSeries(pd.concat(parts, ignore_index=True), crs=geo.crs)
    china = _in_china(geo_all)
    with_inset = bool(inset and china and _is_national(geo_all))
    crs = _map_crs(gdf, china)

    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    proj = gdf.to_crs(crs)
    base_proj = base.to_crs(crs) if base is not None else None
    if base_proj is not None:
        _add_polygons(ax, base_proj.geometry.to_numpy(), "#f2f2f2", "#b0b0b0", 0.3, zorder=0.5)
    _draw(ax, proj, style, codes, edgecolor, linewidth, **kwargs)

    # extent: all drawn geometry, cut at 17.5°N when the islands go to the inset
    extent_geo = geo_all
    if with_inset:
        extent_geo = extent_geo.clip_by_rect(-180, MAIN_SOUTH_LIMIT, 180, 90)
        extent_geo = extent_geo[~extent_geo.is_empty]
    x0, y0, x1, y1 = gpd.GeoSeries(extent_geo, crs=geo.crs).to_crs(crs).total_bounds
    dx, dy = (x1 - x0) * 0.03, (y1 - y0) * 0.03
    ax.set_xlim(x0 - dx, x1 + dx * (3 if with_inset else 1))  # room for the inset off the east coast
    ax.set_ylim(y0 - dy, y1 + dy)
    ax.set_aspect("equal")
    _frame(ax)

    if labels is not None:
        pts = proj.geometry.representative_point()
        for p, txt in zip(pts, proj[labels]):
            ax.annotate(str(txt), (p.x, p.y), ha="center", va="center", fontsize=5.5, color="#222222", zorder=15)
    if with_inset:
        _inset(ax, geo, style, codes, None if base is None else base.to_crs(geo.crs).geometry, edgecolor, crs)
    if legend:
        # a scale bar in the same corner sits under the legend
        _legend(ax, style, counts, legend_loc, edgecolor, raise_by=0.07 if scalebar and scalebar_loc == legend_loc else 0.0)
    if north_arrow:
        _north_arrow(ax)
    if scalebar:
        _scalebar(ax, scalebar_loc)
    if title:
        ax.set_title(title, fontsize=12, pad=8)
    return ax


def choropleth(
    gdf: gpd.GeoDataFrame,
    column: str,
    k: int = 5,
    scheme: str | Sequence[float] = "natural_breaks",
    cmap: str | Any | None = None,
    title: str | None = None,
    ax: Axes | None = None,
    *,
    legend_title: str | None = None,
    **kwargs: Any,
) -> Axes:
    """Map any column: classify it (:func:`classify_style`) and draw it (:func:`plot_style`).

    ``k``, ``scheme`` and ``cmap`` are those of :func:`classify_style`
    (natural breaks = Fisher–Jenks by default; ``cmap`` defaults to ``"YlOrRd"``,
    or ``"tab10"`` for categorical columns, which are mapped by category); ``legend_title`` defaults to the column name; other keywords
    go to :func:`plot_style` (``inset``, ``labels``, ``base``, ...).
    """
    use_cjk_font()
    style = classify_style(gdf, column, k=k, scheme=scheme, cmap=cmap,
                           title=legend_title if legend_title is not None else column)
    return plot_style(gdf, style, ax=ax, title=title, **kwargs)


def save(ax_or_fig: Axes | Figure, path: str | Path, dpi: int = 200, *, close: bool = False) -> Path:
    """Save a map as PNG, PDF or SVG (by extension) and return the path.

    PDF text is embedded as Type 3 subsets of the OpenType (CFF) font
    (``pdf.fonttype = 3``, set only for this call: Type 42 would need a
    TrueType font); SVG text is converted to paths, so the files look the same
    without the font installed.  Matplotlib's "Glyph … missing from font"
    warnings are re-issued as :class:`MissingGlyphWarning`.
    """
    import matplotlib as mpl
    from matplotlib.figure import Figure

    path = Path(path)
    ext = path.suffix.lower()
    if ext not in (".png", ".pdf", ".svg"):
        raise InputError(f"save: {str(path)!r} must end in .png, .pdf or .svg")
    fig = ax_or_fig if isinstance(ax_or_fig, Figure) else getattr(ax_or_fig, "figure", None)
    if fig is None:
        raise InputError(f"save needs a matplotlib Axes or Figure, got {type(ax_or_fig).__name__}")
    path.parent.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with mpl.rc_context({"pdf.fonttype": 3, "ps.fonttype": 3, "svg.fonttype": "path"}):
            fig.savefig(path, dpi=dpi, bbox_inches="tight", pad_inches=0.05, facecolor="white")
    for w in caught:
        if _GLYPH_RE.search(str(w.message)):
            warnings.warn(MissingGlyphWarning(str(w.message)), stacklevel=2)
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    if close:
        import matplotlib.pyplot as plt

        plt.close(fig)
    return path
