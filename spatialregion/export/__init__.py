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

from ._gpkg import layer_styles, sidecar_path, to_gpkg
from ._qml import qml, sld
from ._style import Style, StyleClass, categorized, class_codes, graduated, label_style, symbol_sizes
from ._tables import to_csv, to_excel

# Not public, but imported from here by spatialregion.maps: redundant aliases mark the re-export.
from ._style import LINE_WIDTH_MM as LINE_WIDTH_MM
from ._style import LINE_WIDTH_RANGE_MM as LINE_WIDTH_RANGE_MM
from ._style import MARKER_SIZE_MM as MARKER_SIZE_MM
from ._style import MARKER_SIZE_RANGE_MM as MARKER_SIZE_RANGE_MM
from ._style import POLYGON_OUTLINE_MM as POLYGON_OUTLINE_MM

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
