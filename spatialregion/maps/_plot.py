"""The map functions: :func:`plot_style`, :func:`choropleth` and :func:`save`."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._classify import _geometry_kind, classify_style
from ..errors import CRSError, GeometryError, InputError
from ..export import Style, class_codes, symbol_sizes
from . import _layout
from ._base import (
    MAIN_SOUTH_LIMIT,
    NO_DATA_EDGE,
    NO_DATA_FACE,
    NO_DATA_HATCH,
    NO_DATA_LABEL,
    _map_crs,
    draw_inset,
    draw_no_data,
    draw_territory,
    in_china,
    inset_aspect,
    is_national,
    territory_for,
)
from ._draw import MM_TO_PT, add_polygons, class_colors, draw_features, frame
from ._font import _GLYPH_RE, MissingGlyphWarning, _check_glyphs, use_cjk_font
from ._labels import anchor_points, place_labels

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def _legend(ax: Axes, style: Style, counts: np.ndarray, edgecolor: str, n_no_data: int | None) -> Any:
    """Class legend with counts (and the no-data entry), white slightly transparent frame."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    sizes = symbol_sizes(style) * MM_TO_PT
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
    if n_no_data is not None:
        handles.append(Patch(facecolor=NO_DATA_FACE, edgecolor=NO_DATA_EDGE, hatch=NO_DATA_HATCH, linewidth=0.4,
                             label=f"{NO_DATA_LABEL} ({n_no_data})" if n_no_data else NO_DATA_LABEL))
    leg = ax.legend(
        handles=handles, title=style.title or None, loc="lower left", fontsize=7.5, title_fontsize=8.5,
        frameon=True, fancybox=False, framealpha=0.85, facecolor="white", edgecolor="#bdbdbd",
        handlelength=1.6, handleheight=1.0, borderaxespad=0.6, labelspacing=0.35, borderpad=0.5,
    )
    leg.get_frame().set_linewidth(0.5)
    leg._legend_box.align = "left"
    leg.set_zorder(20)
    return leg


def _check_inputs(gdf: Any, style: Any, base: Any, labels: str | None) -> None:
    import geopandas as gpd

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
        raise GeometryError(f"the style draws {style.geometry}s but the data are {kind}s; "
                            f"build the style with geometry={kind!r}")
    if labels is not None and labels not in gdf.columns:
        raise InputError(f"labels column {labels!r} is not in the data; columns: {list(gdf.columns)[:20]}")


def plot_style(
    gdf: gpd.GeoDataFrame,
    style: Style,
    ax: Axes | None = None,
    title: str | None = None,
    *,
    inset: bool = True,
    territory: bool | str = "auto",
    north_arrow: bool = True,
    scalebar: bool = True,
    legend: bool = True,
    edgecolor: str = "#5a5a5a",
    linewidth: float = 0.35,
    labels: str | None = None,
    label_fontsize: float | None = None,
    base: gpd.GeoDataFrame | None = None,
    legend_loc: str = "auto",
    scalebar_loc: str = "auto",
    north_arrow_loc: str = "auto",
    reserve: Sequence[tuple[float, float, float, float]] = (),
    figsize: tuple[float, float] = (8.0, 6.6),
    **kwargs: Any,
) -> Axes:
    """Draw the classes of ``style`` as a publication map.

    Parameters
    ----------
    gdf : GeoDataFrame
        Units (any CRS; a CRS is required).  Every value of ``style.column`` must fall in a
        class (:func:`spatialregion.export.class_codes`); missing values (NaN) are drawn in the
        no-data style (资料暂缺, light grey with a hatch) and counted in its legend entry.
    style : Style
        Categorized or graduated classes; polygons are filled, lines drawn with the class
        width (or scaled by ``style.size_column``, 0.25–1.5 mm), points as circles
        (1.5–4.5 mm), exactly as the QGIS style of :func:`spatialregion.export.to_gpkg`.
    ax : Axes, optional
        Axes to draw in (a new 8 × 6.6 in figure by default).
    title : str, optional
        Map title.
    inset : bool, default True
        Draw the 南海诸岛 (South China Sea islands) inset, with the islands and the ten-dash
        line, at the lower right of national maps of China; the map is widened until the inset
        covers no polygon.
    territory : bool or "auto"
        Draw all 34 province-level units under the data, those without data (台湾, 香港, 澳门,
        provinces missing from the data) in the no-data style with a legend entry.
        ``"auto"``: for national extents of China (span ≥ 20° of longitude or ≥ 15° of
        latitude, reaching south of 25°N).
    north_arrow, scalebar, legend : bool, default True
        Map furniture: a north arrow (gid ``north_arrow``), a scale bar in true kilometres of the
        equal-area map (gid ``scale_bar``) and the class legend with unit counts in a white,
        slightly transparent frame.
    edgecolor, linewidth : polygon outlines.
    labels : str, optional
        Column whose text labels each unit (e.g. ``"name_short"``): halo, black or white text
        by contrast with the fill, no two labels overlapping (:mod:`spatialregion.maps._labels`).
    label_fontsize : float, optional
        Points; default 6.5 up to 60 units, else 5.
    base : GeoDataFrame, optional
        Polygons drawn in light grey underneath (e.g. the units under a flow map); they count
        as covered (not no data) in the territory.
    legend_loc, scalebar_loc, north_arrow_loc : str, default "auto"
        ``"auto"``: the candidate corner whose box overlaps the drawn polygons least (outside
        the axes when none is free); or a matplotlib location such as ``"lower left"``.
    reserve : sequence of (x, y, width, height)
        Boxes in axes fractions that the furniture must keep clear of (e.g. an inset the caller
        adds afterwards).
    figsize : (float, float)
        Size of a new figure, inches.
    **kwargs
        Passed to the matplotlib collection of the styled layer.

    Returns
    -------
    Axes
        The map axes; the inset is ``ax.child_axes`` labelled :data:`INSET_LABEL`.
    """
    import geopandas as gpd
    import matplotlib.pyplot as plt

    use_cjk_font()
    _check_inputs(gdf, style, base, labels)
    missing = gdf[style.column].isna().to_numpy()
    if missing.all():
        raise InputError(f"column {style.column!r} has no values to map (all missing)")
    codes = np.zeros(len(gdf), dtype=np.int64)
    codes[~missing] = class_codes(style, gdf[style.column][~missing], gdf.index[~missing])
    counts = np.bincount(codes[~missing], minlength=len(style.classes))
    texts = [title or "", style.title] + [c.label for c in style.classes]
    if labels is not None:
        texts += [str(v) for v in gdf[labels]]
    _check_glyphs(texts)

    geo = gdf.to_crs(4490) if not gdf.crs.is_geographic else gdf
    base_geo = base.to_crs(geo.crs) if base is not None else None
    parts = [geo.geometry] + ([base_geo.geometry] if base_geo is not None else [])
    geo_all = gpd.GeoSeries(pd.concat(parts, ignore_index=True), crs=geo.crs)
    china = in_china(geo_all)
    national = china and is_national(geo_all)
    whole = bool(china and (national if territory == "auto" else territory))
    with_inset = bool(inset and china and (national or whole))
    crs = _map_crs(gdf, china)

    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    proj = gdf.to_crs(crs)
    drawn: list[Any] = []
    terr = None
    if whole:
        covering = []
        if style.geometry == "polygon":  # units with NaN count as covered: they are hatched themselves
            covering.append(geo.geometry)
        if base_geo is not None:
            covering.append(base_geo.geometry)
        cov = gpd.GeoSeries(pd.concat(covering, ignore_index=True), crs=geo.crs) if covering else None
        terr = territory_for(cov)
        drawn += draw_territory(ax, terr, crs)
    base_proj = base.to_crs(crs) if base is not None else None
    if base_proj is not None:
        add_polygons(ax, base_proj.geometry.to_numpy(), "#f2f2f2", "#b0b0b0", 0.3, zorder=0.7)
        drawn += list(base_proj.geometry.to_numpy())
    ok = ~missing
    draw_features(ax, proj.iloc[ok], style, codes[ok], edgecolor, linewidth, **kwargs)
    if missing.any():
        draw_no_data(ax, proj.geometry.to_numpy()[missing], zorder=1.1)
    if style.geometry == "polygon":
        drawn += list(proj.geometry.to_numpy())

    # extent: all drawn geometry, cut at 17.5°N when the islands go to the inset
    extent_geo = geo_all if terr is None else gpd.GeoSeries(pd.concat([geo_all, terr.units.geometry]), crs=geo.crs)
    if with_inset:
        extent_geo = extent_geo.clip_by_rect(-180, MAIN_SOUTH_LIMIT, 180, 90)
        extent_geo = extent_geo[~extent_geo.is_empty]
    x0, y0, x1, y1 = gpd.GeoSeries(extent_geo, crs=geo.crs).to_crs(crs).total_bounds
    dx, dy = (x1 - x0) * 0.03, (y1 - y0) * 0.03
    ax.set_xlim(x0 - dx, x1 + dx)
    ax.set_ylim(y0 - dy, y1 + dy)
    ax.set_aspect("equal")
    frame(ax)
    _layout.register(ax, drawn)
    for box in reserve:
        _layout.reserve_fraction(ax, box)

    bounds = None
    if with_inset:
        aspect, _ = inset_aspect(crs)
        bounds = _layout.inset_bounds(ax, aspect)
    if title:
        ax.set_title(title, fontsize=12, pad=8)
    if bounds is not None:
        iax = draw_inset(ax, bounds, crs, data4490=geo, style=style, codes=codes, missing=missing, terr=terr,
                         base4490=None if base_geo is None else base_geo.geometry, edgecolor=edgecolor)
        ax.apply_aspect()
        _layout.reserve(ax, iax.get_window_extent(ax.figure.canvas.get_renderer()))
    with warnings.catch_warnings():
        # measuring text repeats matplotlib's missing-glyph warning; _check_glyphs has said it once
        warnings.filterwarnings("ignore", message="Glyph .* missing from")
        _furniture(ax, proj, style, codes, counts, missing, terr, crs, edgecolor, labels=labels,
                   label_fontsize=label_fontsize, legend=legend, legend_loc=legend_loc, scalebar=scalebar,
                   scalebar_loc=scalebar_loc, north_arrow=north_arrow, north_arrow_loc=north_arrow_loc)
    return ax


def _furniture(ax: Axes, proj: gpd.GeoDataFrame, style: Style, codes: np.ndarray, counts: np.ndarray,
               missing: np.ndarray, terr: Any, crs: Any, edgecolor: str, *, labels: str | None,
               label_fontsize: float | None, legend: bool, legend_loc: str, scalebar: bool, scalebar_loc: str,
               north_arrow: bool, north_arrow_loc: str) -> None:
    """Labels, then legend, scale bar and north arrow, each placed where it covers no data."""
    if labels is not None:
        _draw_labels(ax, proj, labels, style, codes, missing, terr, crs, label_fontsize)
    if legend:
        n_no_data = None
        if (terr is not None and not terr.context and terr.no_data.any()) or missing.any():
            n_no_data = int(missing.sum()) + (int(terr.uncovered.sum()) if terr is not None else 0)
        _layout.place_legend(ax, _legend(ax, style, counts, edgecolor, n_no_data), legend_loc)
    if scalebar:
        _layout.place_box(ax, _layout.scale_bar(ax), scalebar_loc, _layout.SCALE_BAR_LOCS)
    if north_arrow:
        _layout.place_box(ax, _layout.north_arrow(ax), north_arrow_loc, _layout.NORTH_ARROW_LOCS)


def _draw_labels(ax: Axes, proj: gpd.GeoDataFrame, labels: str, style: Style, codes: np.ndarray,
                 missing: np.ndarray, terr: Any, crs: Any, fontsize: float | None) -> None:
    """Unit labels; on whole-territory maps also the units without data (e.g. 台湾)."""
    geoms = list(proj.geometry.to_numpy())
    texts = [str(v) for v in proj[labels]]
    fills = list(np.where(missing, NO_DATA_FACE, class_colors(style, codes)))
    if style.geometry != "polygon":
        fills = [None] * len(fills)
    if terr is not None and not terr.context and labels in terr.units.columns:
        # units without data large enough to hold their name (台湾; not 香港/澳门 at national scale)
        extra = terr.units.to_crs(crs).iloc[np.nonzero(terr.uncovered & (terr.units["_area"].to_numpy() > 5e9))[0]]
        geoms += list(extra.geometry.to_numpy())
        texts += [str(v) for v in extra[labels]]
        fills += [NO_DATA_FACE] * len(extra)
    import shapely

    size = fontsize or (6.5 if len(texts) <= 60 else 5.0)
    area = shapely.area(np.asarray(geoms, dtype=object))
    drawn, omitted = place_labels(ax, anchor_points(geoms), texts, fills, priority=area, fontsize=size)
    if omitted:
        import warnings

        from ..errors import SpatialRegionWarning

        shown = {t.get_text() for t in drawn}
        left = [t for t in texts if t.strip() and t not in shown]
        warnings.warn(
            f"{omitted} of {len(texts)} labels left out where they would overlap others (smaller units give way): "
            f"{', '.join(left[:8])}{' …' if len(left) > 8 else ''}; a larger figure or label_fontsize= fits more",
            SpatialRegionWarning,
            stacklevel=3,
        )


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
    number_unit: str | None = None,
    **kwargs: Any,
) -> Axes:
    """Map any column: classify it (:func:`classify_style`) and draw it (:func:`plot_style`).

    Parameters
    ----------
    gdf : GeoDataFrame
        Units with ``column``; rows where it is missing are drawn as no data (资料暂缺).
    column : str
        Column to map.
    k, scheme, cmap :
        As :func:`classify_style` (natural breaks = Fisher–Jenks by default; ``cmap`` defaults to
        ``"YlOrRd"``, or ``"tab10"`` for categorical columns, mapped by category).
    title : str, optional
        Map title.
    ax : Axes, optional
    legend_title : str, optional
        Defaults to the column name.
    number_unit : {None, "万", "亿"}
        Write the class edges in 万 (10⁴) or 亿 (10⁸), e.g. ``6.557万 – 12.3万``.
    **kwargs
        :func:`plot_style` options (``labels``, ``inset``, ``territory``, ``base``, ...).

    Returns
    -------
    Axes
    """
    from ._numbers import edge_labels

    use_cjk_font()
    if not isinstance(gdf, pd.DataFrame):
        raise InputError(f"choropleth needs a GeoDataFrame, got {type(gdf).__name__}")
    if column not in gdf.columns:
        raise InputError(f"column {column!r} not in the data; available: {list(gdf.columns)[:20]}")
    present = gdf[gdf[column].notna()]
    if present.empty:
        raise InputError(f"column {column!r} has no values to map (all missing)")
    style = classify_style(present, column, k=k, scheme=scheme, cmap=cmap,
                           title=legend_title if legend_title is not None else column)
    if number_unit is not None and style.kind == "graduated":
        from ..export import graduated

        edges = np.array([style.classes[0].lower] + [c.upper for c in style.classes], dtype=float)
        style = graduated(style.column, edges, [c.color for c in style.classes], edge_labels(edges, unit=number_unit),
                          title=style.title, geometry=style.geometry)
    return plot_style(gdf, style, ax=ax, title=title, **kwargs)


def save(ax_or_fig: Axes | Figure, path: str | Path, dpi: int = 200, *, close: bool = False) -> Path:
    """Save a map as PNG, PDF or SVG (by extension) and return the path.

    PDF text is embedded as Type 3 subsets of the OpenType (CFF) font
    (``pdf.fonttype = 3``, set only for this call: Type 42 would need a
    TrueType font); SVG text is converted to paths, so the files look the same
    without the font installed.  Matplotlib's "Glyph … missing from font"
    warnings are re-issued as :class:`MissingGlyphWarning`.

    Parameters
    ----------
    ax_or_fig : Axes or Figure
    path : str or Path
        ``.png``, ``.pdf`` or ``.svg``.
    dpi : int, default 200
    close : bool, default False
        Close the figure after saving.

    Returns
    -------
    Path
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
