"""QGIS QML and OGC SLD documents of a :class:`~spatialregion.export.Style`
(the renderer QGIS 3.22 writes)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import numpy as np

from ..errors import InputError
from ._style import LINE_WIDTH_RANGE_MM, MARKER_SIZE_RANGE_MM, Style, symbol_sizes

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

    Parameters
    ----------
    style : Style
        The style to render.

    Returns
    -------
    str
        The QML document (``<!DOCTYPE qgis ...>`` followed by the ``<qgis>``
        element with ``styleCategories="Symbology"``), as stored in the
        ``styleQML`` column of ``layer_styles`` and in the ``.qml`` sidecar.

    Raises
    ------
    InputError
        If ``style`` is not a :class:`Style`, has an unknown kind or geometry,
        no classes, a graduated class with ``lower > upper``, or a colour
        that is not a colour.

    Notes
    -----
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

    References
    ----------
    QGIS 3.22 ``QgsCategorizedSymbolRenderer::save`` and
    ``QgsGraduatedSymbolRenderer::save`` (the layout of ``<renderer-v2>``).
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

    Parameters
    ----------
    style : Style
        The style to render.
    layer : str, default "layer"
        Name written into ``<se:Name>`` of the ``NamedLayer`` and
        ``UserStyle`` (the GeoPackage layer name when called by
        :func:`to_gpkg`).

    Returns
    -------
    str
        The SLD document, UTF-8 XML text, as stored in the ``styleSLD`` column
        of ``layer_styles``.

    Raises
    ------
    InputError
        If the style is malformed (see :func:`qml`) or a colour is not a colour.

    Notes
    -----
    Categorized classes filter on ``PropertyIsEqualTo``; graduated classes on
    ``lower < x <= upper`` (``>=`` for the first class).  Sizes are converted
    from mm to pixels at 0.28 mm/pixel (the SLD standard rendering pixel).
    Polygons become ``PolygonSymbolizer`` (fill + #232323 outline), lines
    ``LineSymbolizer`` and points ``PointSymbolizer`` circles.

    References
    ----------
    OGC 05-078r4, Styled Layer Descriptor profile of the Web Map Service
    Implementation Specification, version 1.1.0; OGC 05-077r4, Symbology
    Encoding Implementation Specification, version 1.1.0.
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
