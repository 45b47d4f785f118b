"""Kernels shared by the zoning analyses: layer preparation, overlap resolution, pieces.

Everything here works on plain shapely arrays in one projected working CRS
(China Albers equal-area by default) and returns arrays; the public functions
in :mod:`spatialregion.zoning` wrap them in result objects.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import shapely

from .._validation import check_unique_ids, describe_rows
from ..errors import CRSError, GeometryError, InputError, MissingValueError, SpatialRegionWarning

try:  # the shared constant; the literal is the same string
    from ..crs import ALBERS
except ImportError:  # pragma: no cover - crs.py is part of the package
    ALBERS = "+proj=aea +lat_1=25 +lat_2=47 +lat_0=0 +lon_0=105 +ellps=GRS80 +units=m +no_defs"

__all__ = [
    "ALBERS",
    "DEFAULT_PRIORITY",
    "Layer",
    "prepare_layer",
    "unit_ids",
    "class_order",
    "resolve_overlaps",
    "pieces",
    "pieces_dask",
    "polygonal",
]

#: Default precedence of known zone keys when zones overlap (first wins): protection before
#: development — the red line and permanent farmland take precedence over the urban
#: development boundary (生态优先; 自然资源部 2019 三线划定规则), then the three spaces, then the
#: main-function zones from the most to the least restrictive.
DEFAULT_PRIORITY: tuple[str, ...] = (
    "eco_redline",
    "farmland",
    "urban_boundary",
    "ecological",
    "agricultural",
    "urban",
    "prohibited",
    "key_ecological",
    "agri_production",
    "key",
    "optimized",
)

_POLYGONAL = ("Polygon", "MultiPolygon")


@dataclass(frozen=True)
class Layer:
    """A polygon layer projected to the working CRS and repaired."""

    geoms: np.ndarray  # shapely geometries in the working CRS
    index: pd.Index  # the caller's row labels
    repaired: int  # number of geometries repaired with make_valid
    reprojected: bool  # True when the layer was not already in the working CRS
    source_crs: Any  # pyproj CRS of the input


def working_crs(crs: Any = None):
    """The projected CRS in which areas are measured (China Albers unless ``crs`` is given)."""
    from pyproj import CRS

    out = CRS.from_user_input(ALBERS if crs is None else crs)
    if out.is_geographic:
        raise CRSError(
            f"crs={crs!r} is geographic; areas need a projected equal-area CRS such as China Albers "
            "(the default, crs=None)"
        )
    return out


def prepare_layer(gdf: Any, name: str, target_crs: Any, *, repair: bool = True) -> Layer:
    """Validate a polygon layer, project it to ``target_crs`` and repair invalid geometry.

    Raises :class:`CRSError` when the layer has no CRS and :class:`GeometryError` for
    missing, empty or non-polygon geometry.  Invalid polygons are repaired with
    ``shapely.make_valid(method="structure")`` after projection; a
    :class:`SpatialRegionWarning` names how many were repaired.
    """
    import geopandas as gpd

    if isinstance(gdf, gpd.GeoSeries):
        gdf = gpd.GeoDataFrame(geometry=gdf)
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise InputError(f"{name} must be a GeoDataFrame, got {type(gdf).__name__}")
    if len(gdf) == 0:
        raise InputError(f"{name} is empty (0 rows)")
    if gdf.crs is None:
        raise CRSError(
            f"{name} has no CRS; set it with {name}.set_crs(...) "
            "(boundaries from spatialregion.load are EPSG:4490)"
        )
    geom = gdf.geometry
    missing = geom.isna().to_numpy() | geom.is_empty.to_numpy()
    if missing.any():
        raise GeometryError(
            f"{name} has missing or empty geometry in {describe_rows(gdf.index[missing])}; drop or fix those rows"
        )
    types = geom.geom_type.to_numpy()
    bad = ~np.isin(types, _POLYGONAL)
    if bad.any():
        raise GeometryError(
            f"{name} must hold polygons but {describe_rows(gdf.index[bad])} are {sorted(set(types[bad]))}; "
            "buffer lines/points first if they stand for areas"
        )
    reprojected = not gdf.crs.equals(target_crs)
    arr = np.asarray(gdf.to_crs(target_crs).geometry.values if reprojected else geom.values, dtype=object)
    valid = shapely.is_valid(arr)
    n_bad = int((~valid).sum())
    if n_bad:
        if not repair:
            raise GeometryError(
                f"{name} has invalid geometry in {describe_rows(gdf.index[~valid])}; "
                "repair it with shapely.make_valid or pass repair=True"
            )
        arr = arr.copy()
        arr[~valid] = shapely.make_valid(arr[~valid], method="structure", keep_collapsed=False)
        warnings.warn(
            SpatialRegionWarning(
                f"{name}: repaired {n_bad} invalid geometr{'y' if n_bad == 1 else 'ies'} with "
                f"shapely.make_valid(method='structure') — {describe_rows(gdf.index[~valid])}"
            ),
            stacklevel=3,
        )
    return Layer(arr, gdf.index, n_bad, reprojected, gdf.crs)


def unit_frame(units: Any, ids: pd.Index, id_column: str | None) -> tuple[Any, Any]:
    """The units' id/name columns and geometry, indexed by ``ids`` (rows of every per-unit table).

    The index carries ``id_column`` (named after it), so that column is not repeated.
    """
    from ..results import unit_columns

    frame = unit_columns(units, units.index, id_column=id_column)
    if frame is not None:
        frame = frame.set_axis(ids).drop(columns=[c for c in [id_column] if c in frame.columns])
    geometry = units.geometry.set_axis(ids) if hasattr(units, "geometry") else None
    return frame, geometry


def unit_ids(units: Any, id_column: str | None) -> pd.Index:
    """Unit labels: ``units[id_column]`` or the index; must be unique and not missing."""
    if id_column is None:
        ids = units.index
        check_unique_ids(ids, "units index")
        return pd.Index(ids)
    if not hasattr(units, "columns") or id_column not in units.columns:
        raise InputError(f"id_column={id_column!r} is not a column of units; available: {list(units.columns)[:20]}")
    ids = pd.Index(units[id_column], name=id_column)
    if ids.isna().any():
        raise MissingValueError(f"id_column {id_column!r} is missing in {describe_rows(units.index[ids.isna()])}")
    check_unique_ids(ids, f"id_column {id_column!r}")
    return ids


def class_order(values: pd.Series, name: str, priority: Sequence[Any] | None) -> tuple[list[Any], np.ndarray]:
    """Classes in priority order and each row's class code (0 = highest priority).

    ``priority=None`` uses :data:`DEFAULT_PRIORITY` for known keys, then the other
    classes sorted.  A ``priority`` sequence must list every class present.
    """
    if values.isna().any():
        raise MissingValueError(
            f"zone column {name!r} is missing in {describe_rows(values.index[values.isna()])}; "
            "give every zone polygon a class"
        )
    present = list(pd.unique(values))
    if "unzoned" in [str(v) for v in present]:
        raise InputError(f"zone column {name!r} uses the reserved class 'unzoned'; rename that class")
    if priority is None:
        known = [k for k in DEFAULT_PRIORITY if k in present]
        rest = sorted((v for v in present if v not in DEFAULT_PRIORITY), key=str)
        order = known + rest
    else:
        order = list(priority)
        if len(set(order)) != len(order):
            raise InputError(f"priority lists a class twice: {order}")
        missing = [v for v in present if v not in order]
        if missing:
            raise InputError(f"priority={order} does not list the zone classes {missing}; list every class, highest first")
        order = [v for v in order if v in present]
    codes = pd.Index(order).get_indexer(pd.Index(values)).astype(np.int64)
    return order, codes


def polygonal(geoms: np.ndarray) -> np.ndarray:
    """Drop points/lines from GeometryCollections produced by intersections (areas unchanged)."""
    geoms = np.asarray(geoms, dtype=object)
    out = geoms.copy()
    types = shapely.get_type_id(geoms)
    fix = (types == 7) | (types == 1) | (types == 2) | (types == 4) | (types == 5) | (types == 0)
    for i in np.nonzero(fix)[0]:
        parts = shapely.get_parts(geoms[i])
        keep = parts[np.isin(shapely.get_type_id(parts), (3, 6))]
        out[i] = shapely.union_all(keep) if len(keep) else shapely.Polygon()
    return out


def _interior_pairs(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs (i < j) of polygons whose interiors intersect.

    Bounding boxes are queried with an STRtree; pairs whose boxes share only an
    edge (adjacent grid cells) are dropped without a geometric test; the rest are
    tested with the DE-9IM pattern ``T********``.
    """
    tree = shapely.STRtree(geoms)
    a, b = tree.query(geoms)
    keep = a < b
    a, b = a[keep], b[keep]
    if a.size == 0:
        return a, b
    bounds = shapely.bounds(geoms)
    w = np.minimum(bounds[a, 2], bounds[b, 2]) - np.maximum(bounds[a, 0], bounds[b, 0])
    h = np.minimum(bounds[a, 3], bounds[b, 3]) - np.maximum(bounds[a, 1], bounds[b, 1])
    keep = (w > 0) & (h > 0)
    a, b = a[keep], b[keep]
    if a.size == 0:
        return a, b
    hit = shapely.relate_pattern(geoms[a], geoms[b], "T********")
    return a[hit], b[hit]


def resolve_overlaps(
    geoms: np.ndarray, codes: np.ndarray, rule: str
) -> tuple[np.ndarray, pd.DataFrame, np.ndarray]:
    """Remove overlaps inside one zone layer so no area is counted twice.

    Rule ``"priority"``: polygons are ranked by (class code, row position); where
    two overlap, the higher-ranked one keeps the overlap and the other loses it
    (``difference`` with the union of the polygons that outrank it).  Two polygons
    of the same class overlapping are thus dissolved (the earlier row keeps it).
    Rule ``"raise"``: raise :class:`GeometryError` listing the overlapping rows.

    Returns the resolved geometries, a frame of the overlaps (positions ``a``,
    ``b`` of the pair, ``winner`` position, ``area`` in CRS units²) and their
    geometries.
    """
    a, b = _interior_pairs(geoms)
    empty = pd.DataFrame({"a": [], "b": [], "winner": [], "area": []}).astype({"a": int, "b": int, "winner": int})
    if a.size == 0:
        return geoms, empty, np.empty(0, dtype=object)
    inter = polygonal(shapely.intersection(geoms[a], geoms[b]))
    area = shapely.area(inter)
    pos = area > 0
    a, b, inter, area = a[pos], b[pos], inter[pos], area[pos]
    if a.size == 0:
        return geoms, empty, np.empty(0, dtype=object)
    if rule == "raise":
        pairs = ", ".join(f"({i}, {j})" for i, j in zip(a[:8], b[:8]))
        raise GeometryError(
            f"zones overlap in {a.size} pair(s) of rows (positions {pairs}{' …' if a.size > 8 else ''}); "
            "fix the layer or pass overlaps='priority' to give the overlap to the higher-priority class"
        )
    # rank: (class code, position); the smaller rank wins
    a_wins = (codes[a] < codes[b]) | ((codes[a] == codes[b]) & (a < b))
    winner = np.where(a_wins, a, b)
    loser = np.where(a_wins, b, a)
    out = geoms.copy()
    frame = pd.DataFrame({"a": a, "b": b, "winner": winner, "area": area})
    for lose, grp in pd.Series(winner).groupby(loser):
        cut = shapely.union_all(geoms[grp.to_numpy()])
        out[lose] = polygonal(np.array([shapely.difference(geoms[lose], cut)], dtype=object))[0]
    return out, frame, inter


def _is_rectangle(geoms: np.ndarray) -> np.ndarray:
    """Axis-aligned rectangles (grid cells) in the working CRS."""
    simple = (shapely.get_type_id(geoms) == 3) & (shapely.get_num_coordinates(geoms) == 5)
    simple &= shapely.get_num_interior_rings(geoms) == 0
    out = np.zeros(len(geoms), dtype=bool)
    idx = np.nonzero(simple)[0]
    if idx.size:
        b = shapely.bounds(geoms[idx])
        box_area = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
        out[idx] = np.abs(shapely.area(geoms[idx]) - box_area) <= 1e-12 * box_area
    return out


def _clip_then_intersect(zones: np.ndarray, units: np.ndarray) -> np.ndarray:
    """``zone ∩ unit`` computed as ``zone ∩ clip_by_rect(unit, bbox(zone))``.

    The same set (the zone lies inside its box), but the general overlay then sees
    only the few unit vertices near the zone instead of the whole unit boundary.
    Where rectangle clipping returns an invalid polygon the plain intersection is used.
    """
    bnds = shapely.bounds(zones)
    clip = shapely.lib.clip_by_rect
    local = np.empty(len(zones), dtype=object)
    for k in range(len(zones)):
        local[k] = clip(units[k], *bnds[k])
    bad = ~shapely.is_valid(local)
    local[bad] = units[bad]
    return shapely.intersection(zones, local)


def pieces(
    unit_geoms: np.ndarray, zone_geoms: np.ndarray, *, rect_clip: bool = True
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Intersections of units with (non-overlapping) zones.

    Returns ``(unit_pos, zone_pos, geometry, area)`` for every pair with positive
    area.  Speed-ups that do not change the result:

    * zones covered by the unit (prepared ``covers``) are taken whole;
    * zones that are axis-aligned rectangles in the working CRS (regular grids,
      rasterised zones) are cut with ``shapely.clip_by_rect`` (rectangle clipping,
      linear in the unit's vertices) instead of a general overlay;
    * everything else uses ``shapely.intersection``, as ``geopandas.overlay`` does.
    """
    zone_tree = shapely.STRtree(zone_geoms)
    shapely.prepare(unit_geoms)
    ui, zi = zone_tree.query(unit_geoms, predicate="intersects")
    geo = np.empty(ui.size, dtype=object)
    if ui.size:
        whole = shapely.covers(unit_geoms[ui], zone_geoms[zi])
        geo[whole] = zone_geoms[zi[whole]]
        rest = np.nonzero(~whole)[0]
        if rect_clip and rest.size:
            rect = _is_rectangle(zone_geoms)[zi[rest]]
            rect_idx = rest[rect]
            if rect_idx.size:
                bnds = shapely.bounds(zone_geoms[zi[rect_idx]])
                clip = shapely.lib.clip_by_rect  # the ufunc behind shapely.clip_by_rect (scalar bounds)
                for k, r in enumerate(rect_idx):
                    geo[r] = clip(unit_geoms[ui[r]], *bnds[k])
            rest = rest[~rect]
        if rest.size:
            geo[rest] = _clip_then_intersect(zone_geoms[zi[rest]], unit_geoms[ui[rest]])
        geo[~whole] = polygonal(geo[~whole])
    area = shapely.area(geo) if ui.size else np.empty(0)
    keep = np.nonzero(area > 0)[0]
    keep = keep[np.lexsort((zi[keep], ui[keep]))]
    return ui[keep], zi[keep], geo[keep], area[keep]


def _partition_pieces(part: Any, zone_geoms: np.ndarray, rect_clip: bool):
    """One dask task: pieces for a partition of units (positions in ``part['_pos']``)."""
    ug = np.asarray(part.geometry.values, dtype=object)
    if len(ug) == 0:
        return np.empty(0, int), np.empty(0, int), np.empty(0, object), np.empty(0)
    tree = shapely.STRtree(zone_geoms)
    near = np.unique(tree.query(ug)[1])
    ui, zi, geo, area = pieces(ug, zone_geoms[near], rect_clip=rect_clip)
    return part["_pos"].to_numpy()[ui], near[zi], geo, area


def pieces_dask(
    unit_geoms: np.ndarray,
    zone_geoms: np.ndarray,
    crs: Any,
    *,
    npartitions: int | None = None,
    rect_clip: bool = True,
    scheduler: Any = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`pieces` run on dask-geopandas partitions of the units.

    Units are ordered along a Hilbert curve and split into ``npartitions``
    partitions with :func:`dask_geopandas.from_geopandas`; each task intersects
    its partition with the zones whose boxes meet it.  The zone array enters the
    graph once (one key; scattered once on a distributed cluster).  The results
    are concatenated back in unit order, so numbers equal the in-memory engine.
    """
    try:
        import dask
        import dask_geopandas
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise InputError("engine='dask' needs dask-geopandas: pip install 'spatialregion[dask]'") from exc
    import geopandas as gpd

    n = len(unit_geoms)
    gdf = gpd.GeoDataFrame({"_pos": np.arange(n)}, geometry=list(unit_geoms), crs=crs)
    order = np.argsort(gdf.geometry.hilbert_distance().to_numpy(), kind="stable")
    gdf = gdf.iloc[order]
    nparts = npartitions or max(1, min(n, int(np.ceil(n / 32))))
    dgdf = dask_geopandas.from_geopandas(gdf, npartitions=nparts, sort=False)
    zones_key = dask.delayed(zone_geoms, pure=True)
    tasks = [dask.delayed(_partition_pieces)(part, zones_key, rect_clip) for part in dgdf.to_delayed()]
    results = dask.compute(*tasks, scheduler=scheduler)
    ui = np.concatenate([r[0] for r in results]).astype(np.int64)
    zi = np.concatenate([r[1] for r in results]).astype(np.int64)
    geo = np.concatenate([r[2] for r in results]) if results else np.empty(0, dtype=object)
    area = np.concatenate([r[3] for r in results])
    srt = np.lexsort((zi, ui))
    return ui[srt], zi[srt], geo[srt], area[srt]
