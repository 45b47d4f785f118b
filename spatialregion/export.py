"""GeoPackage / QGIS export.

``Style`` describes how a result column is classed and coloured; the same
object drives matplotlib maps (:func:`spatialregion.maps.plot_style`) and the
QGIS style written into the GeoPackage ``layer_styles`` table, so a map and
the layer opened in QGIS show the same classes and colours.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["Style", "StyleClass", "categorized", "graduated"]


@dataclass(frozen=True)
class StyleClass:
    """One legend entry.

    For a categorized style ``value`` is the category; for a graduated style
    ``lower``/``upper`` bound the class (``lower < x <= upper``; the first class
    also includes ``lower``).
    """

    color: str
    label: str
    value: Any = None
    lower: float | None = None
    upper: float | None = None


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
) -> Style:
    """Build a categorized :class:`Style` (one class per value)."""
    labels = [str(v) for v in values] if labels is None else list(labels)
    if not (len(values) == len(colors) == len(labels)):
        raise ValueError("values, colors and labels must have the same length")
    classes = tuple(StyleClass(color=c, label=lab, value=v) for v, c, lab in zip(values, colors, labels))
    return Style(column, "categorized", classes, title, geometry, size_column)


def graduated(
    column: str,
    breaks: Sequence[float],
    colors: Sequence[str],
    labels: Sequence[str] | None = None,
    *,
    title: str = "",
    geometry: Literal["polygon", "line", "point"] = "polygon",
    size_column: str | None = None,
) -> Style:
    """Build a graduated :class:`Style` from ``k + 1`` class edges and ``k`` colours."""
    edges = [float(b) for b in breaks]
    k = len(edges) - 1
    if k < 1 or len(colors) != k:
        raise ValueError("graduated style needs k + 1 breaks and k colours")
    if labels is None:
        labels = [f"{lo:.4g} – {hi:.4g}" for lo, hi in zip(edges[:-1], edges[1:])]
    classes = tuple(
        StyleClass(color=c, label=lab, lower=lo, upper=hi)
        for c, lab, lo, hi in zip(colors, labels, edges[:-1], edges[1:])
    )
    return Style(column, "graduated", classes, title, geometry, size_column)
