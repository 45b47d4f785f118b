"""Publication maps: CJK labels, the whole territory, South China Sea inset, furniture that hides no data.

One figure style for every result (DESIGN §7):

* text is set in **Noto Sans CJK SC** (SIL Open Font License), the OpenType font shipped by the
  PyPI package ``mplfonts``; :func:`use_cjk_font` registers it with matplotlib (never a system
  font) and every map function calls it.  Glyphs missing from the font are reported as
  :class:`MissingGlyphWarning` (tests turn it into an error);
* maps of China are drawn in the China Albers equal-area projection
  (:data:`spatialregion.crs.ALBERS`), so the scale bar is in true kilometres along the standard
  parallels 25°N and 47°N (scale error below 2 % inside China);
* national maps draw the **whole territory**: all 34 province-level units, those without data
  (台湾, 香港, 澳门, …) in the no-data style 资料暂缺 with a legend entry, and the 南海诸岛 inset
  with the islands and the ten-dash line at the lower right (:mod:`._base`);
* the inset, the legend (white, slightly transparent frame; entries ``热点 Hot spot (5)``), the
  scale bar and the north arrow are placed where they cover no data (:mod:`._layout`);
* optional unit labels with halos, contrast-chosen colours and no collisions (:mod:`._labels`);
* numbers in plain notation with thousands separators (:mod:`._numbers`).

The classes come from a :class:`spatialregion.export.Style`, the same object written as the QGIS
style of a GeoPackage layer, so a figure and the layer opened in QGIS show the same classes and
colours (:func:`classify_style`).

Modules: ``_font`` (CJK font, glyph check), ``_draw`` (collections), ``_base`` (territory,
no-data style, inset), ``_layout`` (placement, north arrow, scale bar), ``_labels`` (unit
labels), ``_numbers`` (legend numbers), ``_plot`` (:func:`plot_style`, :func:`choropleth`,
:func:`save`).
"""

from __future__ import annotations

from .._classify import class_counts, classify_style, equal_interval_bins, fisher_jenks_bins, quantile_bins
from ._base import (
    ALBERS,
    CHINA_BOX,
    INSET_BOX,
    INSET_CAPTION,
    INSET_LABEL,
    MAIN_SOUTH_LIMIT,
    NO_DATA_LABEL,
    map_crs,
)
from ._font import MissingGlyphWarning, _font_family, font_path, missing_glyphs, use_cjk_font
from ._labels import contrast_ratio, place_labels, text_colors
from ._layout import drawn_polygons, place_legend
from ._numbers import edge_labels, format_number, format_values, range_labels
from ._plot import choropleth, plot_style, save

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
    "INSET_CAPTION",
    "NO_DATA_LABEL",
    "format_number",
    "format_values",
    "edge_labels",
    "range_labels",
    "place_labels",
    "place_legend",
    "text_colors",
    "contrast_ratio",
    "drawn_polygons",
]
