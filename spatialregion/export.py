"""GeoPackage / QGIS export, CSV and Excel tables.

``Style`` describes how a result column is classed and coloured; the same
object drives matplotlib maps (:func:`spatialregion.maps.plot_style`) and the
QGIS style written into the GeoPackage ``layer_styles`` table, so a map and
the layer opened in QGIS show the same classes and colours.

GeoPackage styles follow the convention QGIS itself uses when you "Save as
default" into a GeoPackage: an attributes table ``layer_styles`` (registered in
``gpkg_contents``) with the columns ``f_table_catalog, f_table_schema,
f_table_name, f_geometry_column, styleName, styleQML, styleSLD, useAsDefault,
description, owner, ui, update_time``.  QGIS loads the row with
``useAsDefault = 1`` when the layer is opened, so the layer comes up with the
categorized / graduated renderer built here (:func:`qml`).  A ``.qml`` sidecar
(``<file stem>_<layer>.qml``) serves users who convert to shapefiles; the SLD
(:func:`sld`) serves GeoServer-type clients.

Reference: QGIS source ``QgsOgrProviderUtils`` / ``QgsOgrProvider::saveStyle``
(table layout) and the QML/SLD documents QGIS 3.22 writes.
"""

from __future__ import annotations

import sqlite3
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from .errors import CRSError, GeometryError, InputError, MissingValueError

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

__all__ = [
    "label_style",
    "Style",
    "StyleClass",
    "categorized",
    "graduated",
    "class_codes",
    "symbol_sizes",
    "qml",
    "sld",
    "to_gpkg",
    "layer_styles",
    "sidecar_path",
    "to_csv",
    "to_excel",
]


@dataclass(frozen=True)
class StyleClass:
    """One legend entry.

    For a categorized style ``value`` is the category; for a graduated style
    ``lower``/``upper`` bound the class (``lower < x <= upper``; the first class
    also includes ``lower``).  ``size`` (optional, millimetres) is the line
    width or marker diameter of the class; when ``None`` a default is used
    (see :func:`symbol_sizes`).
    """

    color: str
    label: str
    value: Any = None
    lower: float | None = None
    upper: float | None = None
    size: float | None = None


@dataclass(frozen=True)
class Style:
    """Classes, colours and labels of one column of a layer.

    Attributes
    ----------
    column : str
        The attribute the renderer classifies.
    kind : {"categorized", "graduated"}
        QGIS renderer type.
    classes : tuple of StyleClass
        Legend entries, in legend order.
    title : str
        Legend title.
    geometry : {"polygon", "line", "point"}
        Symbol type.
    size_column : str or None
        For lines/points: attribute that scales width/size (optional).
    """

    column: str
    kind: Literal["categorized", "graduated"]
    classes: tuple[StyleClass, ...]
    title: str = ""
    geometry: Literal["polygon", "line", "point"] = "polygon"
    size_column: str | None = None


def categorized(
    column: str,
    values: Sequence[Any],
    colors: Sequence[str],
    labels: Sequence[str] | None = None,
    *,
    title: str = "",
    geometry: Literal["polygon", "line", "point"] = "polygon",
    size_column: str | None = None,
    sizes: Sequence[float] | None = None,
) -> Style:
    """Build a categorized :class:`Style` (one class per value).

    ``sizes`` (optional, mm) gives each class its own line width / marker size.
    """
    labels = [str(v) for v in values] if labels is None else list(labels)
    if not (len(values) == len(colors) == len(labels)):
        raise ValueError("values, colors and labels must have the same length")
    sizes_ = _check_sizes(sizes, len(values))
    classes = tuple(
        StyleClass(color=c, label=lab, value=v, size=s) for v, c, lab, s in zip(values, colors, labels, sizes_)
    )
    return Style(column, "categorized", classes, title, geometry, size_column)


def label_style(
    column: str,
    labels: Sequence[Any],
    *,
    present: Any = None,
    values: Sequence[Any] | None = None,
    bilingual: bool = True,
    title: str = "",
    **kwargs: Any,
) -> Style:
    """Categorized :class:`Style` from a table of :class:`spatialregion.labels.Label`.

    Values are the labels' keys (or ``values``, one per label), colours their
    colours, legend text ``"热点 Hot spot"`` (``bilingual=False``: Chinese only).
    With ``present`` (the column's values), labels absent from it are left out of
    the legend.  ``kwargs`` go to :func:`categorized`.
    """
    table = list(labels)
    vals = [lab.key for lab in table] if values is None else list(values)
    if present is not None:
        seen = set(present)
        keep = [i for i, v in enumerate(vals) if v in seen]
        table, vals = [table[i] for i in keep], [vals[i] for i in keep]
    text = [f"{lab.zh} {lab.en}" if bilingual else lab.zh for lab in table]
    return categorized(column, vals, [lab.color for lab in table], text, title=title, **kwargs)


def graduated(
    column: str,
    breaks: Sequence[float],
    colors: Sequence[str],
    labels: Sequence[str] | None = None,
    *,
    title: str = "",
    geometry: Literal["polygon", "line", "point"] = "polygon",
    size_column: str | None = None,
    sizes: Sequence[float] | None = None,
) -> Style:
    """Build a graduated :class:`Style` from ``k + 1`` class edges and ``k`` colours.

    ``sizes`` (optional, mm) gives each class its own line width / marker size;
    by default lines and points grow with the class (:func:`symbol_sizes`).
    """
    edges = [float(b) for b in breaks]
    k = len(edges) - 1
    if k < 1 or len(colors) != k:
        raise ValueError("graduated style needs k + 1 breaks and k colours")
    if any(hi < lo for lo, hi in zip(edges[:-1], edges[1:])):
        raise InputError(f"breaks must be increasing, got {edges}")
    if labels is None:
        labels = [f"{lo:.4g} – {hi:.4g}" for lo, hi in zip(edges[:-1], edges[1:])]
    sizes_ = _check_sizes(sizes, k)
    classes = tuple(
        StyleClass(color=c, label=lab, lower=lo, upper=hi, size=s)
        for c, lab, lo, hi, s in zip(colors, labels, edges[:-1], edges[1:], sizes_)
    )
    return Style(column, "graduated", classes, title, geometry, size_column)


def _check_sizes(sizes: Sequence[float] | None, k: int) -> list[float | None]:
    if sizes is None:
        return [None] * k
    out = [float(s) for s in sizes]
    if len(out) != k or any(not np.isfinite(s) or s <= 0 for s in out):
        raise InputError(f"sizes must be {k} positive numbers (mm), got {list(sizes)}")
    return out


# ---------------------------------------------------------------------------
# shared helpers for maps and QGIS
# ---------------------------------------------------------------------------

#: default symbol sizes in millimetres (QGIS units; maps convert to points)
POLYGON_OUTLINE_MM = 0.26
LINE_WIDTH_MM = 0.6
LINE_WIDTH_RANGE_MM = (0.25, 1.5)
MARKER_SIZE_MM = 2.5
MARKER_SIZE_RANGE_MM = (1.5, 4.5)


def symbol_sizes(style: Style) -> np.ndarray:
    """Line width / marker diameter of each class of ``style``, in millimetres.

    ``StyleClass.size`` when set; otherwise a constant for categorized styles
    and a linear ramp (thin → thick, small → large) for graduated lines and
    points, so that a flow map's strongest class is drawn widest.  Polygons:
    the outline width.
    """
    k = len(style.classes)
    if style.geometry == "polygon":
        default = np.full(k, POLYGON_OUTLINE_MM)
    else:
        const, (lo, hi) = (
            (LINE_WIDTH_MM, LINE_WIDTH_RANGE_MM) if style.geometry == "line" else (MARKER_SIZE_MM, MARKER_SIZE_RANGE_MM)
        )
        default = np.linspace(lo, hi, k) if style.kind == "graduated" and k > 1 else np.full(k, const)
    return np.array([c.size if c.size is not None else d for c, d in zip(style.classes, default)], dtype=float)


def class_codes(style: Style, values: Any, index: Sequence[Any] | None = None) -> np.ndarray:
    """Class number (0 … k−1, legend order) of each value under ``style``.

    Categorized: the class whose ``value`` equals the value (numbers compare
    numerically, ``1 == 1.0``).  Graduated: ``lower < x <= upper``, the first
    class also including its lower edge (QGIS's rule: the first matching range
    in legend order).  Raises :class:`MissingValueError` for missing values and
    :class:`InputError` for values that fall in no class, naming the rows
    (``index`` labels when given).
    """
    vals = pd.Series(values).reset_index(drop=True)
    labels = list(index) if index is not None else list(range(len(vals)))
    missing = vals.isna().to_numpy()
    if missing.any():
        from ._validation import describe_rows

        rows = [labels[i] for i in np.nonzero(missing)[0]]
        raise MissingValueError(
            f"column {style.column!r} has missing values in {describe_rows(rows)}; "
            "fill or drop them before mapping/styling (spatialregion never drops rows silently)"
        )
    codes = np.full(len(vals), -1, dtype=np.int64)
    if style.kind == "categorized":
        keys = [_category_key(c.value) for c in style.classes]
        lookup: dict[Any, int] = {}
        for i, key in enumerate(keys):
            lookup.setdefault(key, i)
        codes = np.array([lookup.get(_category_key(v), -1) for v in vals], dtype=np.int64)
    else:
        try:
            x = vals.to_numpy(dtype=float)
        except (TypeError, ValueError):
            raise InputError(f"graduated style needs a numeric column; {style.column!r} is {vals.dtype}") from None
        for i in range(len(style.classes) - 1, -1, -1):  # first matching class wins
            c = style.classes[i]
            hit = (x <= c.upper) & ((x > c.lower) | ((i == 0) & (x >= c.lower)))
            codes[hit] = i
    bad = codes < 0
    if bad.any():
        from ._validation import describe_rows

        rows = [labels[i] for i in np.nonzero(bad)[0]]
        shown = sorted({str(v) for v in vals[bad]})[:8]
        raise InputError(
            f"values {shown} of column {style.column!r} in {describe_rows(rows)} fall in no class of the style "
            f"({len(style.classes)} classes); extend the breaks/categories to cover them"
        )
    return codes


def _category_key(v: Any) -> Any:
    """Hashable comparison key: numbers by value (1 == 1.0 == np.int64(1)), rest as str."""
    if isinstance(v, (bool, np.bool_)):
        return ("b", bool(v))
    if isinstance(v, (int, float, np.integer, np.floating)):
        return ("n", float(v))
    return ("s", str(v))


# ---------------------------------------------------------------------------
# QML
# ---------------------------------------------------------------------------

_QGIS_VERSION = "3.22.16-Białowieża"
_SYMBOL_TYPE = {"polygon": "fill", "line": "line", "point": "marker"}
_DD_SIZE_KEY = {"line": "outlineWidth", "point": "size"}  # QgsSymbolLayer property names
_OUTLINE_RGBA = "35,35,35,255"


def _rgba(color: str) -> str:
    """A matplotlib colour as QGIS's ``"r,g,b,a"`` (0–255)."""
    from matplotlib.colors import to_rgba

    try:
        r, g, b, a = to_rgba(color)
    except ValueError:
        raise InputError(f"{color!r} is not a colour (use '#rrggbb' or a matplotlib colour name)") from None
    return ",".join(str(int(round(v * 255))) for v in (r, g, b, a))


def _num(v: float) -> str:
    """Shortest round-trip text of a number, without a trailing ``.0`` (as Qt prints it)."""
    s = repr(float(v))
    return s[:-2] if s.endswith(".0") else s


def _value_text(v: Any) -> str:
    if isinstance(v, (bool, np.bool_)):
        return "true" if v else "false"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        return _num(v)
    return str(v)


def _symbol_props(style: Style, color: str, size_mm: float) -> dict[str, str]:
    rgba = _rgba(color)
    if style.geometry == "polygon":
        return {
            "border_width_map_unit_scale": "3x:0,0,0,0,0,0",
            "color": rgba,
            "joinstyle": "bevel",
            "offset": "0,0",
            "offset_unit": "MM",
            "outline_color": _OUTLINE_RGBA,
            "outline_style": "solid",
            "outline_width": _num(size_mm),
            "outline_width_unit": "MM",
            "style": "solid",
        }
    if style.geometry == "line":
        return {
            "capstyle": "round",
            "joinstyle": "round",
            "line_color": rgba,
            "line_style": "solid",
            "line_width": _num(size_mm),
            "line_width_unit": "MM",
            "offset": "0",
            "offset_unit": "MM",
        }
    return {
        "angle": "0",
        "color": rgba,
        "joinstyle": "bevel",
        "name": "circle",
        "offset": "0,0",
        "offset_unit": "MM",
        "outline_color": _OUTLINE_RGBA,
        "outline_style": "solid",
        "outline_width": "0.2",
        "outline_width_unit": "MM",
        "scale_method": "diameter",
        "size": _num(size_mm),
        "size_unit": "MM",
    }


def _option(parent: ET.Element, name: str | None, type_: str, value: str | None = None) -> ET.Element:
    el = ET.SubElement(parent, "Option", {"type": type_})
    if name is not None:
        el.set("name", name)
    if value is not None:
        el.set("value", value)
    return el


def _dd_properties(parent: ET.Element, style: Style) -> None:
    """``<data_defined_properties>``: width/size scaled by ``style.size_column``."""
    dd = ET.SubElement(parent, "data_defined_properties")
    root = _option(dd, None, "Map")
    _option(root, "name", "QString", "")
    props = _option(root, "properties", "Map")
    if style.size_column and style.geometry in _DD_SIZE_KEY:
        lo, hi = LINE_WIDTH_RANGE_MM if style.geometry == "line" else MARKER_SIZE_RANGE_MM
        col = '"' + style.size_column.replace('"', '""') + '"'
        prop = _option(props, _DD_SIZE_KEY[style.geometry], "Map")
        _option(prop, "active", "bool", "true")
        _option(prop, "expression", "QString", f"scale_linear({col}, minimum({col}), maximum({col}), {lo}, {hi})")
        _option(prop, "type", "int", "3")  # expression-based property
    _option(root, "type", "QString", "collection")


def _symbol(parent: ET.Element, name: str, style: Style, color: str, size_mm: float) -> None:
    sym = ET.SubElement(
        parent,
        "symbol",
        {"name": name, "type": _SYMBOL_TYPE[style.geometry], "alpha": "1", "clip_to_extent": "1", "force_rhr": "0"},
    )
    ET.SubElement(sym, "data_defined_properties").append(_empty_dd())
    layer_class = {"polygon": "SimpleFill", "line": "SimpleLine", "point": "SimpleMarker"}[style.geometry]
    lay = ET.SubElement(sym, "layer", {"class": layer_class, "enabled": "1", "locked": "0", "pass": "0"})
    props = _symbol_props(style, color, size_mm)
    # QGIS >= 3.26 reads the Option map, QGIS <= 3.24 the <prop> elements: write both.
    opt = _option(lay, None, "Map")
    for k, v in props.items():
        _option(opt, k, "QString", v)
    for k, v in props.items():
        ET.SubElement(lay, "prop", {"k": k, "v": v})
    _dd_properties(lay, style)


def _empty_dd() -> ET.Element:
    root = ET.Element("Option", {"type": "Map"})
    _option(root, "name", "QString", "")
    ET.SubElement(root, "Option", {"name": "properties"})
    _option(root, "type", "QString", "collection")
    return root


def qml(style: Style) -> str:
    """The QGIS layer style (QML document) of ``style``.

    A ``categorizedSymbol`` renderer (one ``<category>`` per class, matched on
    the text of the value) or a ``graduatedSymbol`` renderer (one ``<range>``
    per class, ``lower``/``upper`` as in the style; QGIS assigns a value to the
    first range with ``lower <= x <= upper``, which is the style's rule when
    classes are in increasing order).  Symbols: ``SimpleFill`` for polygons
    (outline 0.26 mm), ``SimpleLine`` for lines and ``SimpleMarker`` circles for
    points, sized by :func:`symbol_sizes`; with ``style.size_column`` the line
    width / marker size is data-defined,
    ``scale_linear(col, minimum(col), maximum(col), lo, hi)`` in mm.

    The document loads in QGIS 3.22 and later (symbol-layer properties are
    written both as ``<prop>`` elements and as an ``<Option>`` map).
    """
    _check_style(style)
    root = ET.Element("qgis", {"version": _QGIS_VERSION, "styleCategories": "Symbology"})
    attrs = {"attr": style.column, "symbollevels": "0", "enableorderby": "0", "forceraster": "0"}
    sizes = symbol_sizes(style)
    if style.kind == "categorized":
        rend = ET.SubElement(root, "renderer-v2", {"type": "categorizedSymbol", **attrs})
        cats = ET.SubElement(rend, "categories")
        for i, c in enumerate(style.classes):
            ET.SubElement(
                cats, "category", {"symbol": str(i), "value": _value_text(c.value), "label": c.label, "render": "true"}
            )
    else:
        rend = ET.SubElement(root, "renderer-v2", {"type": "graduatedSymbol", "graduatedMethod": "GraduatedColor", **attrs})
        ranges = ET.SubElement(rend, "ranges")
        for i, c in enumerate(style.classes):
            ET.SubElement(
                ranges,
                "range",
                {"symbol": str(i), "lower": _num(c.lower), "upper": _num(c.upper), "label": c.label, "render": "true"},
            )
    symbols = ET.SubElement(rend, "symbols")
    for i, (c, s) in enumerate(zip(style.classes, sizes)):
        _symbol(symbols, str(i), style, c.color, s)
    if style.kind == "graduated":
        ET.SubElement(rend, "mode", {"name": "custom"})
        ET.SubElement(rend, "labelformat", {"format": "%1 – %2", "decimalplaces": "4", "trimtrailingzeroes": "1"})
    ET.SubElement(rend, "rotation")
    ET.SubElement(rend, "sizescale")
    ET.SubElement(root, "blendMode").text = "0"
    ET.SubElement(root, "featureBlendMode").text = "0"
    ET.SubElement(root, "layerGeometryType").text = {"point": "0", "line": "1", "polygon": "2"}[style.geometry]
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n" + body + "\n"


# ---------------------------------------------------------------------------
# SLD
# ---------------------------------------------------------------------------

_SLD = "http://www.opengis.net/sld"
_OGC = "http://www.opengis.net/ogc"
_SE = "http://www.opengis.net/se"


def sld(style: Style, layer: str = "layer") -> str:
    """The style as an OGC SLD 1.1 document (one ``<se:Rule>`` per class).

    Categorized classes filter on ``PropertyIsEqualTo``; graduated classes on
    ``lower < x <= upper`` (``>=`` for the first class).  Sizes are converted
    from mm to pixels at 0.28 mm/pixel (the SLD standard rendering pixel).
    """
    _check_style(style)
    ET.register_namespace("sld", _SLD)
    ET.register_namespace("ogc", _OGC)
    ET.register_namespace("se", _SE)
    root = ET.Element(f"{{{_SLD}}}StyledLayerDescriptor", {"version": "1.1.0"})
    nl = ET.SubElement(root, f"{{{_SLD}}}NamedLayer")
    ET.SubElement(nl, f"{{{_SE}}}Name").text = layer
    us = ET.SubElement(nl, f"{{{_SLD}}}UserStyle")
    ET.SubElement(us, f"{{{_SE}}}Name").text = layer
    fts = ET.SubElement(us, f"{{{_SE}}}FeatureTypeStyle")
    sizes_px = symbol_sizes(style) / 0.28
    for i, (c, px) in enumerate(zip(style.classes, sizes_px)):
        rule = ET.SubElement(fts, f"{{{_SE}}}Rule")
        ET.SubElement(rule, f"{{{_SE}}}Name").text = c.label
        ET.SubElement(ET.SubElement(rule, f"{{{_SE}}}Description"), f"{{{_SE}}}Title").text = c.label
        filt = ET.SubElement(rule, f"{{{_OGC}}}Filter")
        if style.kind == "categorized":
            _sld_cmp(filt, "PropertyIsEqualTo", style.column, _value_text(c.value))
        else:
            both = ET.SubElement(filt, f"{{{_OGC}}}And")
            _sld_cmp(both, "PropertyIsGreaterThanOrEqualTo" if i == 0 else "PropertyIsGreaterThan", style.column, _num(c.lower))
            _sld_cmp(both, "PropertyIsLessThanOrEqualTo", style.column, _num(c.upper))
        hexcol = _hex(c.color)
        if style.geometry == "polygon":
            sym = ET.SubElement(rule, f"{{{_SE}}}PolygonSymbolizer")
            _sld_params(ET.SubElement(sym, f"{{{_SE}}}Fill"), {"fill": hexcol})
            _sld_params(ET.SubElement(sym, f"{{{_SE}}}Stroke"), {"stroke": "#232323", "stroke-width": f"{px:.2f}"})
        elif style.geometry == "line":
            sym = ET.SubElement(rule, f"{{{_SE}}}LineSymbolizer")
            _sld_params(ET.SubElement(sym, f"{{{_SE}}}Stroke"), {"stroke": hexcol, "stroke-width": f"{px:.2f}"})
        else:
            sym = ET.SubElement(rule, f"{{{_SE}}}PointSymbolizer")
            g = ET.SubElement(sym, f"{{{_SE}}}Graphic")
            mark = ET.SubElement(g, f"{{{_SE}}}Mark")
            ET.SubElement(mark, f"{{{_SE}}}WellKnownName").text = "circle"
            _sld_params(ET.SubElement(mark, f"{{{_SE}}}Fill"), {"fill": hexcol})
            _sld_params(ET.SubElement(mark, f"{{{_SE}}}Stroke"), {"stroke": "#232323", "stroke-width": "1"})
            ET.SubElement(g, f"{{{_SE}}}Size").text = f"{px:.2f}"
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _sld_cmp(parent: ET.Element, op: str, column: str, literal: str) -> None:
    el = ET.SubElement(parent, f"{{{_OGC}}}{op}")
    ET.SubElement(el, f"{{{_OGC}}}PropertyName").text = column
    ET.SubElement(el, f"{{{_OGC}}}Literal").text = literal


def _sld_params(parent: ET.Element, params: dict[str, str]) -> None:
    for k, v in params.items():
        ET.SubElement(parent, f"{{{_SE}}}SvgParameter", {"name": k}).text = v


def _hex(color: str) -> str:
    from matplotlib.colors import to_hex

    _rgba(color)  # raises InputError on a bad colour
    return to_hex(color)


def _check_style(style: Style) -> None:
    if not isinstance(style, Style):
        raise InputError(f"style must be a spatialregion.export.Style, got {type(style).__name__}")
    if style.kind not in ("categorized", "graduated"):
        raise InputError(f"style.kind={style.kind!r} is not supported; use 'categorized' or 'graduated'")
    if style.geometry not in _SYMBOL_TYPE:
        raise InputError(f"style.geometry={style.geometry!r} is not supported; use 'polygon', 'line' or 'point'")
    if not style.classes:
        raise InputError(f"style for column {style.column!r} has no classes")
    if style.kind == "graduated":
        for c in style.classes:
            if c.lower is None or c.upper is None or not (c.lower <= c.upper):
                raise InputError(f"graduated class {c.label!r} needs lower <= upper, got {c.lower}, {c.upper}")


# ---------------------------------------------------------------------------
# GeoPackage
# ---------------------------------------------------------------------------

_GEOM_FAMILY = {
    "Polygon": "polygon",
    "MultiPolygon": "polygon",
    "LineString": "line",
    "MultiLineString": "line",
    "LinearRing": "line",
    "Point": "point",
    "MultiPoint": "point",
}

_LAYER_STYLES_DDL = """
CREATE TABLE IF NOT EXISTS "layer_styles" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  "f_table_catalog" TEXT(256),
  "f_table_schema" TEXT(256),
  "f_table_name" TEXT(256),
  "f_geometry_column" TEXT(256),
  "styleName" TEXT(30),
  "styleQML" TEXT,
  "styleSLD" TEXT,
  "useAsDefault" BOOLEAN,
  "description" TEXT,
  "owner" TEXT(30),
  "ui" TEXT(30),
  "update_time" DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
)
"""


_PLAIN = (str, int, float, bool, type(None), np.integer, np.floating, np.bool_)


def _layer_frame(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Copy of ``gdf`` ready for OGR: index kept as column(s), plain dtypes."""
    frame = gdf
    idx = frame.index
    default_index = isinstance(idx, pd.RangeIndex) and idx.start == 0 and idx.step == 1 and idx.name is None
    if not default_index:
        if idx.nlevels == 1:
            names = [idx.name if idx.name is not None else ("id" if "id" not in frame.columns else "index")]
        else:
            names = [n if n is not None else f"level_{i}" for i, n in enumerate(idx.names)]
        clash = [n for n in names if n in frame.columns]
        if clash:
            raise InputError(
                f"the index {names} would be written as column(s) {clash}, which already exist; "
                "rename the index (gdf.rename_axis('new_name')) or the column"
            )
        frame = frame.rename_axis(names).reset_index()
    else:
        frame = frame.copy()
    cols = [str(c) for c in frame.columns]
    dup = sorted({c for c in cols if cols.count(c) > 1})
    if dup:
        raise InputError(f"duplicated column names {dup}; GeoPackage columns must be unique")
    frame.columns = cols
    geom_name = frame.geometry.name
    for c in frame.columns:
        if c == geom_name:
            continue
        s = frame[c]
        if isinstance(s.dtype, pd.CategoricalDtype):
            frame[c] = s.astype(s.cat.categories.dtype if s.cat.categories.dtype != object else object)
        elif pd.api.types.is_object_dtype(s.dtype) and any(not isinstance(v, _PLAIN) for v in s):
            # OGR cannot store arbitrary Python objects: write their text
            frame[c] = s.map(lambda v: v if isinstance(v, _PLAIN) else str(v))
    return frame


def to_gpkg(
    gdf: gpd.GeoDataFrame,
    path: str | Path,
    layer: str,
    style: Style | None = None,
    *,
    qml_sidecar: bool = True,
    append: bool = True,
) -> Path:
    """Write ``gdf`` as a GeoPackage layer with an embedded QGIS style.

    Parameters
    ----------
    gdf : GeoDataFrame
        Units to write; needs a CRS.  Every row is written; an index that is
        not the default ``RangeIndex`` (e.g. adcodes) is kept as a column named
        after the index (``"id"`` when unnamed).
    path : str or Path
        ``.gpkg`` file; created if missing.
    layer : str
        Layer (table) name.  Writing an existing layer replaces it, together
        with its stored styles.
    style : Style, optional
        Categorized/graduated style of one column; stored in the ``layer_styles``
        table as the layer's default QML (and SLD) style, so QGIS opens the
        layer styled.  Every value of ``style.column`` must fall in a class.
    qml_sidecar : bool, default True
        Also write ``<path stem>_<layer>.qml`` next to the file (when a style
        is given).
    append : bool, default True
        Keep the other layers of an existing file (``False``: replace the file).

    Returns
    -------
    Path
        ``path``.

    Notes
    -----
    The ``layer_styles`` table has the layout QGIS creates (see the module
    docstring) and is registered in ``gpkg_contents`` as an ``attributes``
    table; one row per styled layer, ``styleName`` = the layer name,
    ``useAsDefault`` = 1.
    """
    import geopandas as gpd
    import pyogrio

    if not isinstance(gdf, gpd.GeoDataFrame):
        raise InputError(f"to_gpkg needs a GeoDataFrame, got {type(gdf).__name__}; use to_csv for tables")
    path = Path(path)
    if path.suffix.lower() != ".gpkg":
        raise InputError(f"path {str(path)!r} must end in .gpkg")
    if not isinstance(layer, str) or not layer.strip():
        raise InputError(f"layer must be a non-empty string, got {layer!r}")
    if layer.lower() == "layer_styles" or layer.lower().startswith(("gpkg_", "rtree_", "sqlite_")):
        raise InputError(f"layer name {layer!r} is reserved by GeoPackage/QGIS; choose another name")
    if gdf.crs is None:
        raise CRSError("gdf has no CRS; set it with .set_crs(...) before export (spatialregion.load gives EPSG:4490)")
    if style is not None:
        _check_style(style)
        _check_style_fits(gdf, style)
    frame = _layer_frame(gdf)

    families = {_GEOM_FAMILY.get(t, t) for t in frame.geometry.geom_type.dropna().unique()}
    multi = any(t.startswith("Multi") for t in frame.geometry.geom_type.dropna().unique())
    path.parent.mkdir(parents=True, exist_ok=True)
    if not append and path.exists():
        for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            p.unlink(missing_ok=True)
    pyogrio.write_dataframe(
        frame,
        path,
        layer=layer,
        driver="GPKG",
        promote_to_multi=multi and len(families) == 1,
        # GeoPackage 1.2: read without warnings by the GDAL of older QGIS (Debian 12: GDAL 3.6)
        dataset_options={"VERSION": "1.2"} if not path.exists() else None,
    )

    with sqlite3.connect(path) as con:
        geom_col = con.execute(
            "SELECT column_name FROM gpkg_geometry_columns WHERE lower(table_name) = lower(?)", (layer,)
        ).fetchone()
        geom_col = geom_col[0] if geom_col else "geom"
        has_table = con.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='layer_styles'").fetchone()
        if has_table:  # the layer was replaced: its old styles describe another table
            con.execute("DELETE FROM layer_styles WHERE lower(f_table_name) = lower(?)", (layer,))
        if style is not None:
            if not has_table:
                _create_layer_styles(con)
            con.execute(
                'INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, '
                '"styleName", "styleQML", "styleSLD", "useAsDefault", description, owner, ui, update_time) '
                "VALUES ('', '', ?, ?, ?, ?, ?, 1, ?, '', NULL, ?)",
                (
                    layer,
                    geom_col,
                    layer,
                    qml(style),
                    sld(style, layer),
                    f"spatialregion: {style.title or style.column} ({style.kind})",
                    _now(),
                ),
            )
    con.close()
    if style is not None and qml_sidecar:
        sidecar_path(path, layer).write_text(qml(style), encoding="utf-8")
    return path


def sidecar_path(path: str | Path, layer: str) -> Path:
    """``<dir>/<stem>_<layer>.qml``: the QML sidecar :func:`to_gpkg` writes."""
    path = Path(path)
    return path.with_name(f"{path.stem}_{layer}.qml")


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _create_layer_styles(con: sqlite3.Connection) -> None:
    con.execute(_LAYER_STYLES_DDL)
    con.execute(
        "INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description, last_change) "
        "VALUES ('layer_styles', 'attributes', 'layer_styles', 'QGIS layer styles', ?)",
        (_now(),),
    )


def _check_style_fits(gdf: gpd.GeoDataFrame, style: Style) -> None:
    """The style's column exists, every value falls in a class, geometry matches."""
    if style.column not in gdf.columns:
        raise InputError(f"style column {style.column!r} is not in the data; columns: {list(gdf.columns)[:20]}")
    if style.size_column is not None and style.size_column not in gdf.columns:
        raise InputError(f"style size_column {style.size_column!r} is not in the data")
    class_codes(style, gdf[style.column], gdf.index)
    kinds = gdf.geometry.geom_type.dropna().unique()
    fam = {_GEOM_FAMILY.get(k, k) for k in kinds}
    if fam and fam != {style.geometry}:
        raise GeometryError(
            f"the style draws {style.geometry}s but the geometries are {sorted(kinds)}; "
            f"build the style with geometry={sorted(fam)[0]!r}"
        )


def layer_styles(path: str | Path) -> pd.DataFrame:
    """The ``layer_styles`` table of a GeoPackage (empty frame when it has none)."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"no such file: {path}")
    with sqlite3.connect(path) as con:
        if not con.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='layer_styles'").fetchone():
            out = pd.DataFrame(columns=["f_table_name", "styleName", "styleQML", "useAsDefault"])
        else:
            out = pd.read_sql_query("SELECT * FROM layer_styles ORDER BY id", con)
    con.close()
    return out


# ---------------------------------------------------------------------------
# tables
# ---------------------------------------------------------------------------


def _table(df: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(df, (pd.DataFrame, pd.Series)):
        raise InputError(f"expected a DataFrame, got {type(df).__name__}")
    if isinstance(df, pd.Series):
        df = df.to_frame()
    geo = [c for c in df.columns if str(df[c].dtype) == "geometry"]
    return df.drop(columns=geo) if geo else df


def _keep_index(df: pd.DataFrame) -> bool:
    idx = df.index
    return not (isinstance(idx, pd.RangeIndex) and idx.start == 0 and idx.step == 1 and idx.name is None)


def to_csv(df: pd.DataFrame, path: str | Path) -> Path:
    """Write a table as UTF-8 CSV with a byte-order mark (Excel opens Chinese correctly).

    Geometry columns are dropped; a non-default index (e.g. adcodes) is kept as
    the first column.  Returns ``path``.
    """
    path = Path(path)
    table = _table(df)
    path.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(path, index=_keep_index(table), encoding="utf-8-sig")
    return path


def to_excel(df: pd.DataFrame, path: str | Path, sheet_name: str = "data") -> Path:
    """Write a table as an ``.xlsx`` workbook (needs ``openpyxl``).

    Geometry columns are dropped; a non-default index is kept.  Raises
    :class:`ImportError` naming the package when openpyxl is not installed.
    """
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        raise ImportError(
            "to_excel needs the optional package openpyxl: pip install openpyxl "
            "(or use spatialregion.export.to_csv, which Excel opens directly)"
        ) from None
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise InputError(f"path {str(path)!r} must end in .xlsx")
    table = _table(df)
    path.parent.mkdir(parents=True, exist_ok=True)
    table.to_excel(path, sheet_name=sheet_name, index=_keep_index(table))
    return path
