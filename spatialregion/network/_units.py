"""Units of a linkage network: node points, ids, display names and id-aligned matrices.

Shared by the gravity model (:mod:`._gravity`), the network builders
(:mod:`._graph`) and the core–periphery fit (:mod:`._coreness`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from .._validation import check_crs, check_unique_ids, describe_rows
from ..errors import (
    AlignmentError,
    DuplicateIdError,
    GeometryError,
    InputError,
    MissingValueError,
)

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

_NAME_COLUMNS = ("name_short", "name", "city", "NAME")


def _node_points(gdf: Any, points: Literal["representative", "centroid"] = "representative") -> gpd.GeoSeries:
    """One point per unit (EPSG:4490 lon/lat GeoSeries, index as ``gdf``), used as network node.

    The points are :func:`spatialregion.weights.unit_points` (the one
    implementation): ``"representative"`` a point guaranteed inside the polygon,
    ``"centroid"`` the area centroid in the China Albers equal-area CRS (may
    fall outside concave units); point layers are used as they are.
    """
    import geopandas as gpd

    from ..crs import GEOGRAPHIC
    from ..weights import unit_points

    if not isinstance(gdf, (gpd.GeoDataFrame, gpd.GeoSeries)):
        raise InputError("distance='geodesic' needs a GeoDataFrame (or pass distance=<matrix>)")
    check_crs(gdf)
    geom = gdf.geometry if isinstance(gdf, gpd.GeoDataFrame) else gdf
    bad = geom.isna() | geom.is_empty
    if bad.any():
        raise GeometryError(f"missing or empty geometry in {describe_rows(geom.index[bad])}")
    if points not in ("representative", "centroid"):
        raise InputError(f"points={points!r} is not supported; use 'representative' or 'centroid'")
    ll = unit_points(gpd.GeoDataFrame(geometry=geom.to_numpy(), crs=geom.crs), points)
    return gpd.GeoSeries(gpd.points_from_xy(ll[:, 0], ll[:, 1]), index=geom.index, crs=GEOGRAPHIC)


def _node_frame(results: pd.DataFrame, units: Any, geometry: Any) -> pd.DataFrame:
    """Per-node frame: the units' id/name/value columns (not repeated), then ``results``; geometry when known."""
    frame = results
    if units is not None:
        keep = [c for c in units.columns if c not in results.columns]
        frame = pd.concat([units[keep].set_axis(results.index), results], axis=1)
    if geometry is not None:
        import geopandas as gpd

        return gpd.GeoDataFrame(frame, geometry=geometry.to_numpy(), crs=geometry.crs)
    return frame


def _unit_names(data: Any, name_column: str | None, ids: Sequence[Any]) -> np.ndarray:
    if name_column is not None:
        if name_column not in data.columns:
            raise InputError(f"name_column={name_column!r} is not a column; available: {list(data.columns)[:20]}")
        return data[name_column].astype(str).to_numpy()
    for col in _NAME_COLUMNS:
        if isinstance(data, pd.DataFrame) and col in data.columns:
            return data[col].astype(str).to_numpy()
    return np.array([str(i) for i in ids], dtype=object)


def _unit_ids(data: pd.DataFrame, id_column: str | None) -> list[Any]:
    if id_column is None:
        ids = data.index
    else:
        if id_column not in data.columns:
            raise InputError(f"id_column={id_column!r} is not a column; available: {list(data.columns)[:20]}")
        ids = pd.Index(data[id_column])
    check_unique_ids(ids, id_column or "index")
    return list(pd.Index(ids).tolist())


def _aligned_matrix(matrix: Any, ids: list[Any], name: str) -> np.ndarray:
    """A square matrix as float array in the order of ``ids`` (DataFrame labels checked)."""
    n = len(ids)
    if isinstance(matrix, pd.DataFrame):
        rows, cols = list(matrix.index), list(matrix.columns)
        for axis, labels in (("index", rows), ("columns", cols)):
            if not pd.Index(labels).is_unique:
                raise DuplicateIdError(f"{name} {axis} has duplicated ids")
            missing = [i for i in ids if i not in set(labels)]
            extra = [i for i in labels if i not in set(ids)]
            if missing or extra:
                raise AlignmentError(
                    f"{name} {axis} does not match the units: missing {missing[:8]}, extra {extra[:8]}; "
                    "label rows and columns with the unit ids (index or id_column)"
                )
        arr = matrix.loc[ids, ids].to_numpy(dtype=float, na_value=np.nan)
    else:
        arr = np.array(matrix, dtype=float)
    if arr.shape != (n, n):
        raise AlignmentError(f"{name} must be {n}×{n} (one row and column per unit), got shape {arr.shape}")
    off = ~np.eye(n, dtype=bool)
    bad = ~np.isfinite(arr) & off
    if bad.any():
        pairs = [(ids[i], ids[j]) for i, j in zip(*np.nonzero(bad))]
        raise MissingValueError(
            f"{name} has {len(pairs)} missing (NaN/inf) off-diagonal entries, e.g. {pairs[:5]}; "
            "fill every pair (the diagonal is ignored)"
        )
    return arr


def _pairs_text(mask: np.ndarray, ids: Sequence[Any], names: Sequence[str], limit: int = 5) -> str:
    pairs = [(i, j) for i, j in zip(*np.nonzero(np.triu(mask | mask.T, 1)))]
    txt = ", ".join(f"{names[i]} ({ids[i]}) – {names[j]} ({ids[j]})" for i, j in pairs[:limit])
    return txt + (f", … {len(pairs) - limit} more" if len(pairs) > limit else "")
