"""Unit ids, readable labels, the equal-area CRS and the unit points (:func:`unit_points`)."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd

from .._validation import check_choice, check_crs, check_unique_ids
from ..crs import ALBERS
from ..errors import InputError


# --------------------------------------------------------------------------- helpers
def _ids(gdf: Any, id_column: str | None) -> pd.Index:
    if id_column is None:
        ids = pd.Index(gdf.index)
    else:
        if id_column not in gdf.columns:
            raise InputError(f"id_column={id_column!r} is not a column; available: {list(gdf.columns)[:20]}")
        ids = pd.Index(gdf[id_column])
    check_unique_ids(ids, id_column or "index")
    return ids


def _labels(gdf: Any, ids: pd.Index) -> list[str]:
    """Readable names for messages (``name`` column when present)."""
    if "name" in getattr(gdf, "columns", ()):
        return [f"{i} ({n})" for i, n in zip(ids, gdf["name"])]
    return [str(i) for i in ids]


def _projected(gdf: Any) -> Any:
    """Geometry in an equal-area CRS: China Albers for data in China, else a local Albers
    (Lambert azimuthal equal-area when the layer's latitudes are symmetric about the equator)."""
    check_crs(gdf, names=["units"])
    return gdf.geometry.to_crs(_equal_area_crs(gdf))


def _equal_area_crs(gdf: Any) -> str:
    geo = gdf.geometry if gdf.crs.is_geographic else gdf.geometry.to_crs("EPSG:4326")
    lon0, lat0, lon1, lat1 = geo.total_bounds
    if lon0 >= 70 and lon1 <= 140 and lat0 >= 0 and lat1 <= 56:
        return ALBERS
    span = lat1 - lat0
    lat_1, lat_2 = round(lat0 + span / 6, 4), round(lat1 - span / 6, 4)
    centre = f"+lat_0={(lat0 + lat1) / 2:.4f} +lon_0={(lon0 + lon1) / 2:.4f} +ellps=GRS80 +units=m +no_defs"
    if abs(lat_1 + lat_2) < 1e-3:
        # standard parallels symmetric about the equator: Albers is undefined (n = 0);
        # Lambert azimuthal equal-area at the layer's centre instead
        return f"+proj=laea {centre}"
    return f"+proj=aea +lat_1={lat_1:.4f} +lat_2={lat_2:.4f} {centre}"


def unit_points(gdf: Any, points: Literal["centroid", "representative"] = "centroid") -> np.ndarray:
    """Longitude/latitude (degrees, shape (n, 2)) of each unit's point.

    ``"centroid"``: area centroid computed in the China Albers equal-area CRS
    (then converted back to geographic); ``"representative"``: a point
    guaranteed inside the polygon (shapely ``point_on_surface``).  Point
    geometries are used as they are.
    """
    check_choice("points", points, ("centroid", "representative"))
    geom = _projected(gdf)
    if (geom.geom_type == "Point").all():
        pts = geom
    else:
        pts = geom.centroid if points == "centroid" else geom.representative_point()
    ll = pts.to_crs("EPSG:4326")
    return np.column_stack([ll.x.to_numpy(), ll.y.to_numpy()])
