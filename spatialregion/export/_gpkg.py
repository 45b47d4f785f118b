"""GeoPackage layers with the QGIS ``layer_styles`` table and ``.qml`` sidecar."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..errors import CRSError, GeometryError, InputError
from ._qml import _check_style, qml, sld
from ._style import Style, class_codes

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

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
        if idx.nlevels == 1 and clash and np.array_equal(frame[clash[0]].to_numpy(), idx.to_numpy()):
            clash = []  # the index is a copy of an id column (e.g. id_column=): write it once
            frame = frame.reset_index(drop=True)
            names = []
        if clash:
            raise InputError(
                f"the index {names} would be written as column(s) {clash}, which already exist; "
                "rename the index (gdf.rename_axis('new_name')) or the column"
            )
        if names:
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
    """Path of the QML sidecar :func:`to_gpkg` writes next to a GeoPackage.

    Parameters
    ----------
    path : str or Path
        The ``.gpkg`` file.
    layer : str
        The layer name.

    Returns
    -------
    Path
        ``<dir>/<stem>_<layer>.qml`` (e.g. ``out/result_hotspots.qml`` for
        ``out/result.gpkg``, layer ``hotspots``).  The file is not checked or
        created.

    Notes
    -----
    QGIS applies the style embedded in ``layer_styles`` when it opens the
    GeoPackage layer; the sidecar serves users who convert the layer to
    another format (e.g. a shapefile) or load the style by hand
    (Layer Properties → Symbology → Style → Load Style).
    """
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
    """Read the QGIS ``layer_styles`` table of a GeoPackage.

    Parameters
    ----------
    path : str or Path
        An existing ``.gpkg`` file.

    Returns
    -------
    pandas.DataFrame
        One row per stored style, in insertion order, with the columns QGIS
        uses (``f_table_name``, ``f_geometry_column``, ``styleName``,
        ``styleQML``, ``styleSLD``, ``useAsDefault``, ``description``, ...).
        An empty frame with columns ``f_table_name, styleName, styleQML,
        useAsDefault`` when the file has no styles.

    Raises
    ------
    InputError
        If ``path`` does not exist.

    Notes
    -----
    The table layout is the one QGIS creates on "Save as default" into a
    GeoPackage (``QgsOgrProviderUtils`` / ``QgsOgrProvider::saveStyle``); the
    row with ``useAsDefault = 1`` is applied when QGIS opens the layer.
    """
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
