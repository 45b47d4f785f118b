"""Styles (classes, colours, labels) shared by maps and QGIS export, and the
class/size helpers both use."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..errors import InputError, MissingValueError


@dataclass(frozen=True)
class StyleClass:
    """One legend entry (class) of a :class:`Style`.

    For a categorized style ``value`` is the category; for a graduated style
    ``lower``/``upper`` bound the class (``lower < x <= upper``; the first class
    also includes ``lower``).  Usually built by :func:`categorized`,
    :func:`graduated` or :func:`label_style` rather than by hand.

    Parameters
    ----------
    color : str
        Fill (polygons) or stroke/marker (lines, points) colour: ``"#rrggbb"``
        or any matplotlib colour name.
    label : str
        Legend text of the class, e.g. ``"热点 Hot spot"`` or ``"0.1 – 0.25"``.
    value : Any, optional
        Categorized styles: the column value this class matches (numbers
        compare numerically, ``1 == 1.0``; anything else by its text).
        ``None`` for graduated styles.
    lower, upper : float, optional
        Graduated styles: the class edges in the column's units
        (``lower < x <= upper``; the first class also includes ``lower``).
        ``None`` for categorized styles.
    size : float, optional
        Line width (lines), marker diameter (points) or outline width
        (polygons) of the class, in millimetres; ``None`` uses the default of
        :func:`symbol_sizes`.
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

    The same object drives matplotlib maps
    (:func:`spatialregion.maps.plot_style`) and the QGIS style written into a
    GeoPackage (:func:`to_gpkg`, :func:`qml`, :func:`sld`), so a map and the
    layer opened in QGIS show the same classes and colours.  Build it with
    :func:`categorized`, :func:`graduated` or :func:`label_style`.

    Parameters
    ----------
    column : str
        The attribute (column name) the renderer classifies.
    kind : {"categorized", "graduated"}
        QGIS renderer type: one class per value (``"categorized"``) or one
        class per numeric range (``"graduated"``).
    classes : tuple of StyleClass
        Legend entries, in legend order.
    title : str, default ""
        Legend title (the column name is shown when empty).
    geometry : {"polygon", "line", "point"}, default "polygon"
        Symbol type: ``SimpleFill``, ``SimpleLine`` or ``SimpleMarker`` in QGIS.
    size_column : str or None, default None
        For lines/points: numeric attribute that scales the line width / marker
        size linearly between the ranges of :func:`symbol_sizes` (a QGIS
        data-defined ``scale_linear`` expression).  Ignored for polygons.

    See Also
    --------
    categorized, graduated, label_style : Constructors.
    qml, sld : The style as a QGIS QML or OGC SLD document.
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

    Parameters
    ----------
    column : str
        Name of the column the style classifies.
    values : sequence
        The category values, one per class, in legend order.  Numbers match
        numerically (``1 == 1.0``); other values by their text.
    colors : sequence of str
        One colour per value (``"#rrggbb"`` or a matplotlib colour name).
    labels : sequence of str, optional
        Legend text, one per value; default the values' text.
    title : str, default ""
        Legend title.
    geometry : {"polygon", "line", "point"}, default "polygon"
        Geometry type of the layer the style is for.
    size_column : str, optional
        Lines/points only: numeric column scaling width/size (see :class:`Style`).
    sizes : sequence of float, optional
        One positive line width / marker diameter per class, in millimetres;
        default :func:`symbol_sizes`.

    Returns
    -------
    Style
        A ``"categorized"`` style with one :class:`StyleClass` per value.

    Raises
    ------
    InputError
        If ``values``, ``colors`` and ``labels`` differ in length.
    InputError
        If ``sizes`` is not one positive finite number per class.

    Examples
    --------
    >>> from spatialregion.export import categorized
    >>> st = categorized("zone", ["east", "west"], ["#e41a1c", "#377eb8"], ["东部 East", "西部 West"])
    >>> [c.label for c in st.classes]
    ['东部 East', '西部 West']
    """
    labels = [str(v) for v in values] if labels is None else list(labels)
    if not (len(values) == len(colors) == len(labels)):
        raise InputError(f"values, colors and labels must have the same length, got {len(values)}, {len(colors)} and {len(labels)}")
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

    Parameters
    ----------
    column : str
        Name of the column the style classifies.
    labels : sequence of Label
        A label table such as :data:`spatialregion.labels.HOTSPOT_CLASSES`, in
        legend order.
    present : iterable, optional
        The values that actually occur in the column; labels whose value is
        absent are left out of the legend.  Default: keep every label.
    values : sequence, optional
        The column value of each label, one per label, when the column does not
        hold the labels' keys (e.g. ArcGIS ``Gi_Bin`` integers).  Default: the
        labels' ``key``.
    bilingual : bool, default True
        Legend text ``"<Chinese> <English>"``; ``False`` shows Chinese only.
    title : str, default ""
        Legend title.
    **kwargs
        Passed on to :func:`categorized` (``geometry``, ``size_column``,
        ``sizes``).

    Returns
    -------
    Style
        A ``"categorized"`` style with the labels' colours.

    Examples
    --------
    >>> from spatialregion.export import label_style
    >>> from spatialregion.labels import HOTSPOT_CLASSES
    >>> st = label_style("class", HOTSPOT_CLASSES, present=["hot", "cold"])
    >>> [c.label for c in st.classes]
    ['冷点 Cold spot', '热点 Hot spot']
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

    Class ``i`` holds ``breaks[i] < x <= breaks[i + 1]``; the first class also
    includes ``breaks[0]`` (QGIS's rule: the first matching range wins).

    Parameters
    ----------
    column : str
        Name of the numeric column the style classifies.
    breaks : sequence of float
        ``k + 1`` non-decreasing class edges in the column's units, lowest first
        (e.g. ``mapclassify`` bins with the minimum prepended).
    colors : sequence of str
        ``k`` colours, lowest class first.
    labels : sequence of str, optional
        ``k`` legend texts; default ``"lo – hi"`` with 4 significant digits.
    title : str, default ""
        Legend title.
    geometry : {"polygon", "line", "point"}, default "polygon"
        Geometry type of the layer the style is for.
    size_column : str, optional
        Lines/points only: numeric column scaling width/size (see :class:`Style`).
    sizes : sequence of float, optional
        ``k`` positive line widths / marker diameters in millimetres; by
        default lines and points grow with the class (:func:`symbol_sizes`).

    Returns
    -------
    Style
        A ``"graduated"`` style with ``k`` classes.

    Raises
    ------
    InputError
        If there are fewer than two breaks or not ``len(breaks) - 1`` colours.
    InputError
        If ``breaks`` decrease, or ``sizes`` is not ``k`` positive numbers.

    Examples
    --------
    >>> from spatialregion.export import graduated
    >>> st = graduated("gdp_pc", [0, 5, 10], ["#fee5d9", "#a50f15"])
    >>> [c.label for c in st.classes]
    ['0 – 5', '5 – 10']
    """
    edges = [float(b) for b in breaks]
    k = len(edges) - 1
    if k < 1 or len(colors) != k:
        raise InputError(f"a graduated style needs k + 1 breaks and k colours, got {len(breaks)} breaks and {len(colors)} colours")
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

    Parameters
    ----------
    style : Style
        The style whose classes are sized.

    Returns
    -------
    numpy.ndarray
        Float array of length ``len(style.classes)``, in millimetres (QGIS
        ``MM`` units; maps convert to points, 1 mm = 72 / 25.4 pt).

    Notes
    -----
    Defaults: polygon outline 0.26 mm (QGIS's default); lines 0.6 mm, or a
    ramp from 0.25 to 1.5 mm for graduated styles; point markers 2.5 mm, or a
    ramp from 1.5 to 4.5 mm for graduated styles.
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
    in legend order).

    Parameters
    ----------
    style : Style
        The style whose classes are matched.
    values : array-like
        The column's values, one per row (categories, or numbers for a
        graduated style).
    index : sequence, optional
        Row labels used in error messages (e.g. the GeoDataFrame's index);
        default the row positions.

    Returns
    -------
    numpy.ndarray
        ``int64`` array of class numbers, one per value.

    Raises
    ------
    MissingValueError
        If a value is missing (NaN/None); the rows are named.
    InputError
        If a value falls in no class, or a graduated style meets a non-numeric
        column; the rows are named.
    """
    vals = pd.Series(values).reset_index(drop=True)
    labels = list(index) if index is not None else list(range(len(vals)))
    missing = vals.isna().to_numpy()
    if missing.any():
        from .._validation import describe_rows

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
        from .._validation import describe_rows

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
