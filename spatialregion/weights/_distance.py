"""Distances between unit points (GRS80 geodesic or planar km) and the knn / distance-band searches."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._validation import check_crs, describe_rows
from ..errors import InputError
from ._points import unit_points


EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class _Space:
    """Unit points: a search space (KD-tree coordinates) and the exact distance.

    Geographic data: search on unit vectors of the sphere (chord c, spherical
    d = 2R·arcsin(c/2), within ``_SPHERE_MARGIN`` of the ellipsoid's geodesic),
    exact distances are GRS80 ellipsoidal geodesics (:func:`geodesic_km`);
    projected data: planar coordinates in km (search and exact distance both
    Euclidean).  Searches widen by the margin, then select/filter on the exact
    distance.
    """

    coords: np.ndarray
    geodesic: bool
    text: str
    lonlat: np.ndarray | None = None

    @property
    def margin(self) -> float:
        """Largest ratio between search-space and exact distance (either way)."""
        return 1.0 + _SPHERE_MARGIN if self.geodesic else 1.0

    def radius(self, km: float) -> float:
        """Search radius in ``coords`` enclosing every point within ``km`` by the exact distance."""
        return (_km_to_chord(km * self.margin) if self.geodesic else km) * (1 + 1e-12) + 1e-15

    def pair_km(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Exact distances (km) between points ``i`` and ``j`` (index arrays of equal length)."""
        i, j = np.asarray(i, dtype=np.int64), np.asarray(j, dtype=np.int64)
        if self.geodesic:
            return geodesic_km(self.lonlat[i], self.lonlat[j])
        return np.sqrt(((self.coords[i] - self.coords[j]) ** 2).sum(axis=-1))

    def extent_km(self) -> float:
        """Upper bound of the largest distance between two points (bounding-box diagonal)."""
        span = self.coords.max(axis=0) - self.coords.min(axis=0)
        chord = float(np.sqrt((span**2).sum()))
        return float(_chord_to_km(chord) * self.margin) if self.geodesic else chord


def _describe_crs(crs: Any) -> str:
    """A readable name for a CRS that has none (e.g. a PROJ string): its projection and parameters."""
    from ..crs import ALBERS

    if crs.equals(ALBERS):
        return "the China Albers equal-area CRS"
    text = crs.to_proj4() if hasattr(crs, "to_proj4") else str(crs)
    return text if len(text) <= 80 else text[:77] + "..."


def _space(gdf: Any, points: str) -> _Space:
    """The points of the units and how distances between them are measured (module docstring)."""
    check_crs(gdf, names=["units"])
    if not gdf.crs.is_projected:
        ll = unit_points(gdf, points)
        return _Space(_unit_vectors(ll), True, f"ellipsoidal geodesic km (GRS80, pyproj.Geod) between unit {points}s", ll)
    geom = gdf.geometry
    pts = geom if (geom.geom_type == "Point").all() else (geom.centroid if points == "centroid" else geom.representative_point())
    axis = gdf.crs.axis_info[0]
    factor = float(axis.unit_conversion_factor or 1.0)  # metres per CRS unit
    xy = np.column_stack([pts.x.to_numpy(), pts.y.to_numpy()]) * (factor / 1000.0)
    code = gdf.crs.to_epsg()
    name = f"EPSG:{code}" if code else (gdf.crs.name if gdf.crs.name not in ("", "unknown") else _describe_crs(gdf.crs))
    return _Space(xy, False, f"planar km between unit {points}s in {name} ({axis.unit_name})")


def _id_rank(ids: pd.Index) -> np.ndarray:
    """Rank of each id in sorted id order (the tie-breaker: smallest id first)."""
    try:
        order = np.asarray(ids.argsort(), dtype=np.int64)
    except TypeError:  # mixed types
        order = np.asarray(pd.Index(ids.astype(str)).argsort(), dtype=np.int64)
    rank = np.empty(len(ids), dtype=np.int64)
    rank[order] = np.arange(len(ids))
    return rank


_TIE = 1e-9  # relative distance difference below which two candidates tie


def _pick_by_distance(d: np.ndarray, cand: np.ndarray, k: int, rank: np.ndarray) -> tuple[np.ndarray, bool]:
    """The ``k`` candidates nearest by ``d``, ties (within ``_TIE``) broken by id rank.

    Returns the chosen candidates (sorted by distance, then id) and whether the
    k-th distance was tied with an unchosen candidate.
    """
    order = np.lexsort((rank[cand], d))
    d, cand = d[order], cand[order]
    if len(cand) <= k:
        return cand, False
    dk = d[k - 1]
    tied = d <= dk * (1 + _TIE) + 1e-300
    if not tied[k]:
        return cand[:k], False
    inner = d < dk * (1 - _TIE)
    group = np.nonzero(tied & ~inner)[0]
    take = group[np.argsort(rank[cand[group]], kind="stable")][: k - int(inner.sum())]
    keep = np.concatenate([np.nonzero(inner)[0], np.sort(take)])
    return cand[keep], True


def _nearest_points(space: _Space, rows: np.ndarray, k: int, rank: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """For each unit in ``rows``: its ``k`` nearest other units and their distances (km) by the
    weights' point distance, ties (within ``_TIE``) broken by id.

    Returns ``(neighbours (m, k), distances (m, k), ties)``, ``ties`` the number of rows whose k-th
    distance was tied with a unit left out.  Points must be distinct (callers check).
    """
    from scipy.spatial import cKDTree

    n = len(space.coords)
    rows = np.asarray(rows, dtype=np.int64)
    tree = cKDTree(space.coords)
    q = min(n, k + 3)  # self, k neighbours, and two more to see ties at the k-th distance
    dist, idx = tree.query(space.coords[rows], k=q)
    dist, idx = dist.reshape(len(rows), q), idx.reshape(len(rows), q)
    search, c = dist[:, 1:], idx[:, 1:]  # column 0 is the point itself (distinct points)
    d = space.pair_km(np.repeat(rows, q - 1), c.ravel()).reshape(c.shape)
    nb, nd = np.empty((len(rows), k), dtype=np.int64), np.empty((len(rows), k))
    ties = 0
    # every unit within the k-th exact distance among the candidates (ties included) lies within this search radius
    kth = np.sort(d, axis=1)[:, k - 1] if q - 1 >= k else np.full(len(rows), np.inf)
    bound = np.array([space.radius(v * (1 + 2 * _TIE)) for v in kth])
    incomplete = (search[:, -1] <= bound) & (q - 1 < n - 1)
    for r in range(len(rows)):
        s = rows[r]
        if incomplete[r]:
            cand = np.asarray(tree.query_ball_point(space.coords[s], bound[r]), dtype=np.int64)
            cand = cand[cand != s]
            dc = space.pair_km(np.full(cand.size, s), cand)
        else:
            cand, dc = c[r], d[r]
        chosen, tied = _pick_by_distance(dc, cand, k, rank)
        nb[r] = chosen
        nd[r] = space.pair_km(np.full(len(chosen), s), chosen)
        ties += tied
    return nb, nd, ties


def _unit_vectors(lonlat: np.ndarray) -> np.ndarray:
    lon, lat = np.radians(lonlat[:, 0]), np.radians(lonlat[:, 1])
    return np.column_stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])


def _chord_to_km(chord: np.ndarray) -> np.ndarray:
    return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.clip(chord / 2.0, 0.0, 1.0))


def _km_to_chord(km: float) -> float:
    return 2.0 * np.sin(min(km / EARTH_RADIUS_KM, np.pi) / 2.0)


# the sphere of radius R and the GRS80 ellipsoid's geodesic differ by less than 0.6 % at any distance
# (flattening 1/298.26: between -0.34 % and +0.56 % with R = 6371.0088 km); search radii widen by 1 %
_SPHERE_MARGIN = 0.01
GEOD_ELLPS = "GRS80"  # the CGCS2000 ellipsoid up to 0.1 mm


def geodesic_km(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Ellipsoidal geodesic distances (km) between point pairs ``a[m]`` and ``b[m]`` on GRS80.

    Karney's algorithm (``pyproj.Geod(ellps="GRS80").inv``, accurate to
    nanometres) — the distance ArcGIS uses for geographic coordinates.

    Parameters
    ----------
    a, b : (m, 2) arrays
        Longitude, latitude in degrees.

    Returns
    -------
    numpy.ndarray
        (m,) distances in km.

    References
    ----------
    Karney, C. F. F. (2013). Algorithms for geodesics. *Journal of Geodesy* 87, 43–55.
    """
    from pyproj import Geod

    a, b = np.asarray(a, dtype=float).reshape(-1, 2), np.asarray(b, dtype=float).reshape(-1, 2)
    if not len(a):
        return np.zeros(0)
    _, _, m = Geod(ellps=GEOD_ELLPS).inv(a[:, 0], a[:, 1], b[:, 0], b[:, 1])
    return np.asarray(m, dtype=float) / 1000.0


def distance_matrix_km(lonlat: np.ndarray) -> np.ndarray:
    """Ellipsoidal geodesic distances (km) between all pairs of points, shape (n, n).

    d_ij is the GRS80 geodesic (:func:`geodesic_km`, Karney 2013 via
    ``pyproj.Geod``), computed once per unordered pair; the matrix is exactly
    symmetric with a zero diagonal.

    Parameters
    ----------
    lonlat : (n, 2) array
        Longitude, latitude in degrees.

    Returns
    -------
    numpy.ndarray
        (n, n) distances in km.
    """
    ll = np.asarray(lonlat, dtype=float).reshape(-1, 2)
    n = len(ll)
    i, j = np.triu_indices(n, k=1)
    out = np.zeros((n, n))
    d = geodesic_km(ll[i], ll[j])
    out[i, j] = d
    out[j, i] = d
    return out


def _knn(space: _Space, k: int, rank: np.ndarray, params: dict[str, Any]) -> tuple[np.ndarray, np.ndarray, None]:
    n = len(space.coords)
    if not isinstance(k, (int, np.integer)) or not 1 <= k < n:
        raise InputError(f"k_neighbours={k} must be an integer between 1 and n - 1 = {n - 1}")
    _check_distinct(space)
    nb, _, ties = _nearest_points(space, np.arange(n), int(k), rank)
    params["knn_ties"] = ties
    i = np.repeat(np.arange(n), k)
    j = nb.ravel()
    order = np.lexsort((j, i))
    return i[order], j[order], None


def _check_distinct(space: _Space) -> None:
    from scipy.spatial import cKDTree

    pairs = cKDTree(space.coords).query_pairs(0.0, output_type="ndarray")
    if len(pairs):
        raise InputError(f"{describe_rows(np.unique(pairs))} share their point with another unit; distances are ambiguous")


def _within(space: _Space, threshold_km: float, what: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All pairs (i, j), i != j, with d_ij <= threshold_km, and d_ij; checks the threshold's unit."""
    from scipy.spatial import cKDTree

    extent = space.extent_km()
    if threshold_km > extent:
        hint = "; for inverse distance over all pairs omit threshold_km" if what == "inverse_distance" else ""
        raise InputError(
            f"{what}: threshold_km={threshold_km:g} links every unit to every other (the units span at most "
            f"{extent:,.1f} km; distances are {space.text}); threshold_km is in kilometres — if you meant metres, "
            f"pass threshold_km={threshold_km / 1000:g}{hint}"
        )
    tree = cKDTree(space.coords)
    sp = tree.sparse_distance_matrix(tree, space.radius(threshold_km), output_type="coo_matrix")
    keep = sp.row != sp.col
    i, j = sp.row[keep].astype(np.int64), sp.col[keep].astype(np.int64)
    d = space.pair_km(i, j)
    inside = d <= threshold_km
    i, j, d = i[inside], j[inside], d[inside]
    if len(i) == 0:
        near = tree.query(space.coords, k=2)[1][:, 1]
        nearest = float(space.pair_km(np.arange(len(near)), near).min())
        hint = f"; if you meant {threshold_km:g} degrees, that is about {threshold_km * 111.2:,.0f} km" if space.geodesic and threshold_km <= 180 else ""
        raise InputError(
            f"{what}: no two units are within threshold_km={threshold_km:g} km (the closest pair is {nearest:,.1f} km "
            f"apart; distances are {space.text}){hint}"
        )
    order = np.lexsort((j, i))
    return i[order], j[order], d[order]


def _all_pairs(space: _Space) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n = len(space.coords)
    c = space.coords
    d = distance_matrix_km(space.lonlat) if space.geodesic else np.sqrt(((c[:, None, :] - c[None, :, :]) ** 2).sum(-1))
    i, j = np.nonzero(~np.eye(n, dtype=bool))
    return i, j, d[i, j]


def _inverse_distance(space: _Space, power: float, threshold_km: float | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if power <= 0:
        raise InputError(f"power={power} must be > 0 (w_ij = d_ij^-power)")
    i, j, d = _within(space, threshold_km, "inverse_distance") if threshold_km is not None else _all_pairs(space)
    if np.any(d == 0):
        z = np.nonzero(d == 0)[0][0]
        raise InputError(f"units at positions {i[z]} and {j[z]} share the same point (distance 0): inverse distance is infinite")
    return i, j, d ** (-power)
