"""Linking units without neighbours to their nearest units (boundary or point distance)."""

from __future__ import annotations

from typing import Any

import numpy as np
import shapely

from ._distance import _pick_by_distance
from ._points import _equal_area_crs


# --------------------------------------------------------------------------- islands
def _metric_geometry(gdf: Any, rows: np.ndarray) -> np.ndarray:
    """Geometries of ``rows`` in the CRS island links are measured in: the data's own when
    projected, else the equal-area CRS of :func:`_projected` (only these rows are projected)."""
    geom = gdf.geometry.iloc[rows]
    return np.asarray(geom if gdf.crs.is_projected else geom.to_crs(_equal_area_crs(gdf)))


def _polygon_distances(a: Any, others: np.ndarray, k: int, best: np.ndarray | None = None) -> np.ndarray:
    """Boundary-to-boundary distances from polygon ``a`` to ``others`` (same planar CRS), exact for
    every polygon that can be among the ``k`` nearest (``inf`` for those provably farther).

    Candidates are taken in order of their bounding-box distance (a lower bound) and skipped once it
    exceeds the current k-th smallest distance D (including the distances in ``best``).  Each
    distance is ``shapely.distance`` of the two polygons clipped to where the closest points can
    lie: with u = min(|p − q|, D) (p the vertex of ``a`` nearest to b's box, q the vertex of b
    nearest to p; |p − q| is an upper bound), both lie within u of the other polygon, hence within
    its bounding box widened by u.  Brute-force distance is O(n·m) in the vertices; the clipped
    pieces are small.
    """
    ca = shapely.get_coordinates(a)
    ax0, ay0, ax1, ay1 = a.bounds
    box = shapely.bounds(others)
    dx = np.maximum(0.0, np.maximum(box[:, 0] - ax1, ax0 - box[:, 2]))
    dy = np.maximum(0.0, np.maximum(box[:, 1] - ay1, ay0 - box[:, 3]))
    lower = np.sqrt(dx * dx + dy * dy)
    out = np.full(len(others), np.inf)
    found = list(best) if best is not None else []
    for t in np.argsort(lower, kind="stable"):
        dk = np.partition(found, k - 1)[k - 1] * (1 + 1e-6) + 1e-9 if len(found) >= k else np.inf
        if lower[t] > dk:
            break
        b = others[t]
        bx0, by0, bx1, by1 = box[t]
        ex = np.maximum(0.0, np.maximum(bx0 - ca[:, 0], ca[:, 0] - bx1))
        ey = np.maximum(0.0, np.maximum(by0 - ca[:, 1], ca[:, 1] - by1))
        p = ca[np.argmin(ex * ex + ey * ey)]
        u = min(float(np.sqrt(((shapely.get_coordinates(b) - p) ** 2).sum(axis=1).min())) * (1 + 1e-9) + 1e-9, dk)
        an = shapely.clip_by_rect(a, bx0 - u, by0 - u, bx1 + u, by1 + u)
        bn = shapely.clip_by_rect(b, ax0 - u, ay0 - u, ax1 + u, ay1 + u)
        if an.is_empty or bn.is_empty:  # nothing of one within u of the other: farther than D
            continue
        out[t] = shapely.distance(an, bn)
        found.append(out[t])
    return out


def _nearest_polygons(gdf: Any, sources: np.ndarray, k: int, rank: np.ndarray) -> dict[int, np.ndarray]:
    """For each source polygon its ``k`` nearest other polygons by boundary-to-boundary distance
    (planar, in the CRS of :func:`_metric_geometry`), ties by id rank.

    Search: bounding-box distances e_c in the data's CRS are lower bounds of the boundary
    distance.  The ``k + 4`` nearest boxes give an upper bound D of the k-th distance; every
    polygon within D has e_c <= D (projected data) or e_c <= D / (111.32 km · cos φ_max) · 1.25
    degrees (geographic data: φ_max the layer's largest |latitude|, 1.25 for the equal-area CRS's
    scale distortion).  Only those candidates are projected and measured
    (:func:`_polygon_distances`).
    """
    geom = np.asarray(gdf.geometry)
    box = shapely.bounds(geom)
    projected = bool(gdf.crs.is_projected)
    lat_max = 0.0 if projected else float(np.abs(box[:, [1, 3]]).max())
    scale = 1.0 if projected else 1.25 / (111_320.0 * max(np.cos(np.radians(min(lat_max, 85.0))), 0.05))
    out: dict[int, np.ndarray] = {}
    for s in sources:
        s = int(s)
        dx = np.maximum(0.0, np.maximum(box[:, 0] - box[s, 2], box[s, 0] - box[:, 2]))
        dy = np.maximum(0.0, np.maximum(box[:, 1] - box[s, 3], box[s, 1] - box[:, 3]))
        e = np.sqrt(dx * dx + dy * dy)
        e[s] = np.inf
        first = np.argsort(e, kind="stable")[: min(k + 4, len(geom) - 1)]
        metric = _metric_geometry(gdf, np.concatenate([[s], first]))
        d_first = _polygon_distances(metric[0], metric[1:], k)
        bound = np.sort(d_first)[k - 1] * scale * (1 + 1e-9)
        more = np.setdiff1d(np.nonzero(e <= bound)[0], first)
        cand, d = first, d_first
        if len(more):
            cand = np.concatenate([first, more])
            d = np.concatenate([d_first, _polygon_distances(metric[0], _metric_geometry(gdf, more), k, d_first[np.isfinite(d_first)])])
        chosen, _ = _pick_by_distance(d, cand.astype(np.int64), k, rank)
        out[s] = chosen
    return out


def _add_links(
    i: np.ndarray, j: np.ndarray, w: np.ndarray | None, links: dict[int, np.ndarray], link_w: dict[int, np.ndarray] | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Pairs plus both directions of every island link (existing pairs kept, no duplicates)."""
    if not links:
        return i, j, w
    src = np.concatenate([np.full(len(t), s) for s, t in links.items()]).astype(np.int64)
    dst = np.concatenate(list(links.values())).astype(np.int64)
    ai, aj = np.concatenate([i, src, dst]), np.concatenate([j, dst, src])
    aw = None
    if w is not None:
        lw = np.concatenate([link_w[s] for s in links])
        aw = np.concatenate([w, lw, lw])
    n = int(max(ai.max(), aj.max())) + 1
    _, first = np.unique(ai * n + aj, return_index=True)  # sorted by (i, j); first occurrence kept
    return ai[first], aj[first], (None if aw is None else aw[first])


def _isolated(n: int, i: np.ndarray) -> np.ndarray:
    has = np.zeros(n, dtype=bool)
    has[i] = True
    return np.nonzero(~has)[0]
