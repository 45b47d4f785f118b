"""Spatial weights over administrative units, as :class:`libpysal.graph.Graph`.

``build(gdf, method=...)`` is the one entry point:

=====================  =====================================================
method                 w_ij
=====================  =====================================================
``"queen"``            1 if i and j share at least one boundary vertex
``"rook"``             1 if i and j share at least one boundary edge
``"knn"``              1 for the ``k_neighbours`` nearest units of i (asymmetric)
``"distance_band"``    1 if d_ij <= ``threshold_km``
``"inverse_distance"`` d_ij^(-power) (optionally only within ``threshold_km``)
``"economic"``         g_ij / |x̄_i − x̄_j|, g_ij a geographic weight
=====================  =====================================================

Distances d_ij are kilometres between unit points (centroids, or
representative points):

* geographic CRS (e.g. EPSG:4490): ellipsoidal geodesic distance on GRS80
  (the CGCS2000 ellipsoid; Karney's algorithm via ``pyproj.Geod``, what
  ArcGIS uses for geographic data); knn and distance-band searches run on the
  sphere (R = 6371.0088 km) with a 1 % margin, then select and filter on the
  geodesic; centroids computed in the China Albers equal-area CRS (a local
  Albers outside China);
* projected CRS (e.g. UTM): planar (Euclidean) distance in the CRS's own
  coordinates, converted from its linear unit to km; centroids in that CRS.

The report (:func:`report`, :func:`describe`) states which was used.
``threshold_km`` is always kilometres: a band that links no pair (a threshold
given in degrees) or every pair (one given in metres) raises an
:class:`~spatialregion.errors.InputError` with the conversion hint.
Contiguity uses exact shared vertices / edges (the coverage from
:func:`spatialregion.load` shares them exactly) and is computed by hashing
vertices, not by Python loops.

Ties are broken by id, never by row order: among units at the same distance
(relative difference below 1e-9) the one with the smallest id is taken, so
shuffling the rows never changes a neighbour set.  libpysal's knn breaks ties
by its KD-tree's internal order; the number of units whose k-th neighbour was
tied is reported (``knn_ties``).

Islands
-------
Contiguity leaves Hainan (and, with all 34 units, Taiwan, Hong Kong, Macao)
without neighbours; a distance band leaves remote units alone.  ``islands=``
decides:

* ``"nearest"`` (default): link each island symmetrically to its
  ``island_k`` nearest units, found with a spatial index (``STRtree`` /
  KD-tree) and measured like the weights: for contiguity, the
  boundary-to-boundary distance between polygons (planar, in the data's CRS
  when projected, else in the equal-area CRS above; Hainan is linked to
  Guangdong); for distance methods, the point distance d_ij of the weights
  (the link's weight is d_ij^(−power) for inverse distance, 1 otherwise).
  Ties by id.
* ``"keep"``: leave them as isolates (every statistic states how it treats them).
* ``"raise"``: raise :class:`~spatialregion.errors.IslandError`.

What was done is recorded: :func:`report` returns a :class:`WeightsReport`
for every graph built here (method, parameters, islands and their links), and
:func:`describe` formats it in one line.

References
----------
Anselin, L. (1988). *Spatial Econometrics: Methods and Models*. Kluwer.
Rey, S., Arribas-Bel, D., Wolf, L. (2023). *Geographic Data Science with
Python*, ch. 4 (spatial weights); libpysal ``Graph``.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
import shapely
from libpysal.graph import Graph
from numba import njit

from ._validation import check_choice, check_crs, check_polygons, check_unique_ids, column_values, describe_rows
from .crs import ALBERS
from .errors import AlignmentError, InputError, IslandError, WeightsError

__all__ = [
    "METHODS",
    "WeightsReport",
    "SpatialMatrix",
    "TRANSFORMS",
    "as_graph",
    "as_sparse",
    "build",
    "contiguity_pairs",
    "describe",
    "distance_matrix_km",
    "islands",
    "report",
    "transform_matrix",
]

METHODS = ("queen", "rook", "knn", "distance_band", "inverse_distance", "economic")
EARTH_RADIUS_KM = 6371.0088

Method = Literal["queen", "rook", "knn", "distance_band", "inverse_distance", "economic"]
IslandPolicy = Literal["nearest", "keep", "raise"]


@dataclass(frozen=True)
class WeightsReport:
    """How a graph was built: method, parameters, distances, and what happened to islands.

    Parameters
    ----------
    method : str
        The ``method`` given to :func:`build`.
    n : int
        Number of units.
    params : dict
        Method parameters (``k_neighbours``, ``threshold_km``, ``power``, ``points``, ``knn_ties``, ...).
    island_policy : str
        ``"nearest"``, ``"keep"`` or ``"raise"``.
    islands : tuple
        Ids of the units that had no neighbours before island linking.
    island_links : dict
        Island label → labels of the units it was linked to.
    distance : str
        How distances were measured (ellipsoidal geodesic km on GRS80, planar km in a CRS, boundary distance of island links).
    """

    method: str
    n: int
    params: dict[str, Any] = field(default_factory=dict)
    island_policy: str = "nearest"
    islands: tuple[Hashable, ...] = ()
    #: island label → labels of the units it was linked to ("id (name)" when a name column exists)
    island_links: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: how distances were measured (geodesic km, planar km in a CRS, or shared vertices)
    distance: str = ""

    def __str__(self) -> str:
        params = ", ".join(f"{k}={v}" for k, v in self.params.items())
        text = f"{self.method}({params}) over {self.n} units"
        if self.distance:
            text += f" [{self.distance}]"
        if self.islands:
            if self.island_policy == "nearest" and self.island_links:
                links = "; ".join(f"{i} → {', '.join(map(str, js))}" for i, js in self.island_links.items())
                text += f"; islands linked to nearest: {links}"
            else:
                text += f"; islands kept without neighbours: {', '.join(map(str, self.islands))}"
        return text


_REPORT_ATTR = "_spatialregion_report"


def report(graph: Graph) -> WeightsReport | None:
    """The :class:`WeightsReport` of a graph made by :func:`build`.

    Parameters
    ----------
    graph : libpysal.graph.Graph
        A graph, usually from :func:`build`.

    Returns
    -------
    WeightsReport or None
        ``None`` for graphs not made by :func:`build`.
    """
    return getattr(graph, _REPORT_ATTR, None)


def describe(graph: Graph) -> str:
    """One line: method, number of units, mean neighbours, islands and their treatment.

    Parameters
    ----------
    graph : libpysal.graph.Graph
        A graph, usually from :func:`build`.

    Returns
    -------
    str
        The report (when there is one) and the link statistics.
    """
    rep = report(graph)
    card = graph.cardinalities
    stats = f"{graph.n} units, {graph.n_edges} links, mean {card.mean():.2f} neighbours (min {card.min()}, max {card.max()})"
    return f"{rep}; {stats}" if rep is not None else stats


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
    name = f"EPSG:{code}" if code else gdf.crs.name
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


# --------------------------------------------------------------------------- contiguity
def contiguity_pairs(geoms: Any, rook: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs (i, j), i != j, of polygons sharing a vertex (queen) or an edge (rook).

    Vertices are matched exactly: every vertex (or every edge, as an unordered
    pair of vertices within one ring) is a key in a hash table, and polygons
    meeting at the same key are neighbours.  This is the
    vertex-set-intersection rule of libpysal's
    ``Graph.build_contiguity(strict=False)`` — identical neighbour sets — done
    in one compiled O(V) pass over the V vertices instead of a Python loop.

    Parameters
    ----------
    geoms : array of shapely (Multi)Polygons
        The units, in row order.
    rook : bool
        Shared edges (rook) instead of shared vertices (queen).

    Returns
    -------
    tuple of two int64 arrays
        Both directions of every pair, sorted by (i, j).
    """
    geoms = np.asarray(geoms)
    if len(geoms) == 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    parts, part_owner = shapely.get_parts(geoms, return_index=True)
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    coords, ring_of = shapely.get_coordinates(rings, return_index=True)
    owner = part_owner[ring_part[ring_of]].astype(np.int64)
    bits = np.ascontiguousarray(coords + 0.0).view(np.int64).reshape(-1, 2)  # + 0.0 folds -0.0 into 0.0
    slot, first, second, multi = _hash_owners(bits[:, 0].copy(), bits[:, 1].copy(), owner)
    if rook:
        same_ring = ring_of[1:] == ring_of[:-1]
        a, b = slot[:-1][same_ring], slot[1:][same_ring]
        owner = owner[:-1][same_ring]
        slot, first, second, multi = _hash_owners(np.minimum(a, b), np.maximum(a, b), owner)
    shared = second >= 0
    i, j = [first[shared]], [second[shared]]
    if multi.any():  # keys with three or more owners (tri-points): pair all their owners
        rows = multi[slot]
        ko = np.unique(np.column_stack([slot[rows], owner[rows]]), axis=0)
        k, o = ko[:, 0], ko[:, 1]
        d = 1
        while d < len(k) and (same := k[d:] == k[:-d]).any():
            i.append(o[:-d][same])
            j.append(o[d:][same])
            d += 1
    i, j = np.concatenate(i), np.concatenate(j)
    n = len(geoms)
    code = pd.unique(np.concatenate([i * n + j, j * n + i]))
    code.sort()
    return code // n, code % n


@njit(cache=True, inline="always")
def _mix(x: np.int64) -> np.int64:  # pragma: no cover - compiled
    """splitmix64 finaliser (Steele et al. 2014): every input bit affects every output bit."""
    x = np.uint64(x)
    x ^= x >> np.uint64(30)
    x *= np.uint64(0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(27)
    x *= np.uint64(0x94D049BB133111EB)
    x ^= x >> np.uint64(31)
    return np.int64(x)


@njit(cache=True)
def _hash_owners(a: np.ndarray, b: np.ndarray, owner: np.ndarray):  # pragma: no cover - compiled
    """Open-addressing hash table over the (a, b) int64 key pairs.

    Returns, per row, the slot of its key, and per slot the first owner
    (-1 for unused slots), a second distinct owner (-1 if none) and whether a
    third distinct owner exists.  Each slot is one 32-byte record
    (key a, key b, first, second) so that a lookup touches one cache line.
    """
    n = a.shape[0]
    size = 1
    while size < n + n // 2 + 2:
        size *= 2
    mask = size - 1
    table = np.empty((size, 4), dtype=np.int64)
    table[:, 2] = -1
    table[:, 3] = -1
    multi = np.zeros(size, dtype=np.bool_)
    slot = np.empty(n, dtype=np.int64)
    for r in range(n):
        ar = a[r]
        br = b[r]
        h = _mix(_mix(ar) ^ br) & mask
        while table[h, 2] != -1 and (table[h, 0] != ar or table[h, 1] != br):
            h = (h + 1) & mask
        o = owner[r]
        if table[h, 2] == -1:
            table[h, 0] = ar
            table[h, 1] = br
            table[h, 2] = o
        elif o != table[h, 2]:
            if table[h, 3] == -1:
                table[h, 3] = o
            elif o != table[h, 3]:
                multi[h] = True
        slot[r] = h
    return slot, table[:, 2].copy(), table[:, 3].copy(), multi


def _graph_from_pairs(ids: pd.Index, i: np.ndarray, j: np.ndarray, w: np.ndarray | None = None) -> Graph:
    """Graph over ``ids`` (in that order) from integer position pairs; isolates kept as zero self-loops."""
    n = len(ids)
    w = np.ones(len(i)) if w is None else np.asarray(w, dtype=float)
    has = np.zeros(n, dtype=bool)
    has[i] = True
    iso = np.nonzero(~has)[0]
    fi = np.concatenate([i, iso])
    fj = np.concatenate([j, iso])
    fw = np.concatenate([w, np.zeros(len(iso))])
    order = np.lexsort((fj, fi))
    idx = pd.MultiIndex.from_arrays([ids[fi[order]], ids[fj[order]]], names=["focal", "neighbor"])
    return Graph(pd.Series(fw[order], index=idx, name="weight"), is_sorted=False)


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


# --------------------------------------------------------------------------- public
def build(
    data: Any,
    method: Method = "queen",
    *,
    k_neighbours: int = 4,
    threshold_km: float | None = None,
    power: float = 1.0,
    column: str | Sequence[str] | None = None,
    base: Literal["inverse_distance", "queen", "rook", "distance_band"] = "inverse_distance",
    points: Literal["centroid", "representative"] = "centroid",
    islands: IslandPolicy = "nearest",
    island_k: int = 1,
    id_column: str | None = None,
) -> Graph:
    """Build spatial weights over the units of ``data``.

    Parameters
    ----------
    data : GeoDataFrame
        Units with a CRS.  Contiguity needs (Multi)Polygons; distance methods
        accept polygons (their ``points``) or points.  Geographic CRS:
        ellipsoidal geodesic km (GRS80); projected CRS: planar km in that CRS.
    method : {"queen", "rook", "knn", "distance_band", "inverse_distance", "economic"}
        See the module docstring for each w_ij.
    k_neighbours : int
        Number of neighbours for ``"knn"`` (ties at the k-th distance broken
        by id and counted in the report as ``knn_ties``).
    threshold_km : float, optional
        Band in kilometres for ``"distance_band"`` (required) and optional
        cut-off for ``"inverse_distance"`` / ``"economic"``: w_ij = 0 when
        d_ij > threshold_km.  A band linking no pair or every pair raises
        (a threshold given in degrees or metres).
    power : float
        Distance decay exponent for ``"inverse_distance"``: w_ij = d_ij^(−power)
        (power = 2 gives the gravity form).
    column : str or list of str
        For ``"economic"``: the economic variable; a list of columns (a wide
        panel) is averaged per unit first, x̄_i = mean_t x_it, as most papers do.
    base : {"inverse_distance", "queen", "rook", "distance_band"}
        Geographic weight g_ij multiplied with 1/|x̄_i − x̄_j| for ``"economic"``
        (inverse distance uses ``power``).
    points : {"centroid", "representative"}
        Unit point used for distances (see :func:`unit_points`).
    islands : {"nearest", "keep", "raise"}
        Policy for units without neighbours (see module docstring).
    island_k : int
        Number of nearest units each island is linked to.
    id_column : str, optional
        Column of unit ids; default the GeoDataFrame index.

    Returns
    -------
    libpysal.graph.Graph
        Untransformed ("O") weights with ``unique_ids`` in the row order of
        ``data``.  :func:`report` gives how it was built.

    Raises
    ------
    InputError, CRSError, GeometryError, IslandError, DuplicateIdError
    """
    gdf = data
    check_choice("method", method, METHODS)
    check_choice("islands", islands, ("nearest", "keep", "raise"))
    if not hasattr(gdf, "geometry"):
        raise InputError("data must be a GeoDataFrame (units with geometry and a CRS)")
    if not isinstance(island_k, (int, np.integer)) or island_k < 1:
        raise InputError(f"island_k must be a positive integer, got {island_k!r}")
    ids = _ids(gdf, id_column)
    n = len(ids)
    if n < 2:
        raise InputError(f"weights need at least 2 units, got {n}")
    params: dict[str, Any] = {}
    geo = method
    if method == "economic":
        check_choice("base", base, ("inverse_distance", "queen", "rook", "distance_band"))
        if column is None:
            raise InputError("method='economic' needs column= (the economic variable, or a list of panel columns to average)")
        params.update(column=column, base=base)
        geo = base
    rank = _id_rank(ids)
    i, j, w, space = _geographic(gdf, geo, k_neighbours, threshold_km, power, points, params, rank)
    distance = space.text if space is not None else ""

    isolated = _isolated(n, i)
    names = _labels(gdf, ids) if len(isolated) else []
    links: dict[int, np.ndarray] = {}
    if len(isolated):
        if islands == "raise":
            raise IslandError(
                f"{method} weights leave {describe_rows([names[s] for s in isolated])} without neighbours; "
                "use islands='nearest' to link them to their nearest units or islands='keep'"
            )
        if islands == "nearest":
            k_link = min(island_k, n - 1)
            link_w = None
            if space is None:
                links = _nearest_polygons(gdf, isolated, k_link, rank)
                distance = (distance + "; " if distance else "") + (
                    "islands linked by boundary distance in "
                    + (f"EPSG:{gdf.crs.to_epsg()}" if gdf.crs.is_projected else "the equal-area CRS")
                )
            else:
                nb, nd, _ = _nearest_points(space, isolated, k_link, rank)
                links = {int(s): nb[r] for r, s in enumerate(isolated)}
                if w is not None:
                    link_w = {int(s): nd[r] ** (-power) for r, s in enumerate(isolated)}
            i, j, w = _add_links(i, j, w, links, link_w)
    if method == "economic":
        w = _economic_factor(gdf, column, ids, i, j) * (1.0 if w is None else w)
    graph = _graph_from_pairs(ids, i, j, w)
    rep = WeightsReport(
        method=method,
        n=n,
        params=params,
        island_policy=islands,
        islands=tuple(ids[s] for s in isolated),
        island_links={names[s]: tuple(names[t] for t in ts) for s, ts in links.items()},
        distance=distance,
    )
    object.__setattr__(graph, _REPORT_ATTR, rep)
    return graph


def _isolated(n: int, i: np.ndarray) -> np.ndarray:
    has = np.zeros(n, dtype=bool)
    has[i] = True
    return np.nonzero(~has)[0]


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


def _geographic(
    gdf: Any, method: str, k: int, threshold_km: float | None, power: float, points: str, params: dict[str, Any], rank: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, _Space | None]:
    """(i, j, w, space) of the geographic part; w None for binary weights, space None for contiguity."""
    if method in ("queen", "rook"):
        check_polygons(gdf)
        check_crs(gdf, names=["units"])
        i, j = contiguity_pairs(np.asarray(gdf.geometry), rook=method == "rook")
        return i, j, None, None
    check_choice("points", points, ("centroid", "representative"))
    space = _space(gdf, points)
    params["points"] = points
    if method == "knn":
        params["k_neighbours"] = k
        return (*_knn(space, k, rank, params), space)
    if threshold_km is not None and not (np.isfinite(threshold_km) and threshold_km > 0):
        raise InputError(f"threshold_km={threshold_km!r} must be a positive number of kilometres")
    if method == "distance_band":
        if threshold_km is None:
            raise InputError(f"method/base {method!r} needs threshold_km > 0 (kilometres)")
        params["threshold_km"] = threshold_km
        i, j, _ = _within(space, threshold_km, "distance_band")
        return i, j, None, space
    params.update(power=power, threshold_km=threshold_km)
    return (*_inverse_distance(space, power, threshold_km), space)


def _economic_factor(gdf: Any, column: Any, ids: pd.Index, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """1/|x̄_i − x̄_j| for each pair, x̄ the unit mean of the column(s)."""
    values, _ = column_values(gdf, column, name="economic variable")
    x = values.mean(axis=1) if values.ndim == 2 else values
    diff = np.abs(x[i] - x[j])
    if np.any(diff == 0):
        z = np.nonzero(diff == 0)[0][0]
        raise InputError(
            f"economic weights: units {ids[i[z]]} and {ids[j[z]]} have the same value of {column!r} "
            f"({x[i[z]]}); 1/|x_i - x_j| is infinite — use a different variable or average more periods"
        )
    return 1.0 / diff


def islands(graph: Graph | Any) -> list[Hashable]:
    """Ids of units without neighbours (zero-weight self-loops in a Graph).

    Parameters
    ----------
    graph : libpysal.graph.Graph or libpysal.weights.W
        The weights.

    Returns
    -------
    list
        The isolates' ids.
    """
    g = as_graph(graph)
    return list(g.isolates)


def as_graph(weights: Graph | Any, ids: Sequence[Hashable] | pd.Index | None = None) -> Graph:
    """Return ``weights`` as a :class:`libpysal.graph.Graph` ordered like ``ids``.

    Parameters
    ----------
    weights : libpysal.graph.Graph or libpysal.weights.W
    ids : sequence, optional
        The data's unit ids (usually the DataFrame index).  The result's
        ``unique_ids`` follow this order; ``sparse`` matrices then line up
        with the data rows.

    Returns
    -------
    libpysal.graph.Graph
        The weights, with ``unique_ids`` in the order of ``ids`` when given.

    Raises
    ------
    WeightsError
        ``weights`` is neither a Graph nor a W.
    AlignmentError
        The ids of the weights and of the data differ (names the ids missing
        on either side) or the data has duplicated ids.
    """
    if isinstance(weights, Graph):
        g = weights
    else:
        try:
            from libpysal.weights import W
        except ImportError:  # pragma: no cover
            W = ()  # type: ignore[assignment]
        if not isinstance(weights, W):
            raise WeightsError(
                f"weights must be a libpysal.graph.Graph or libpysal.weights.W, got {type(weights).__name__}; "
                "build them with spatialregion.weights.build(gdf, method=...)"
            )
        g = Graph.from_W(weights)
    if ids is None:
        return g
    ids = pd.Index(ids)
    if not ids.is_unique:
        dups = ids[ids.duplicated()].unique().tolist()
        raise AlignmentError(f"data ids are duplicated: {dups[:10]}")
    gids = pd.Index(g.unique_ids)
    if len(gids) == len(ids) and gids.equals(ids):
        return g
    missing = ids.difference(gids)
    extra = gids.difference(ids)
    if len(missing) or len(extra):
        raise AlignmentError(
            f"weights and data describe different units: {len(missing)} data ids not in the weights "
            f"{missing[:10].tolist()}, {len(extra)} weight ids not in the data {extra[:10].tolist()}; "
            "build the weights from the same GeoDataFrame (same index) as the data"
        )
    # same units, different order: reorder the adjacency to the data's order
    adj = g.adjacency
    pos = pd.Series(np.arange(len(ids)), index=ids)
    f = pos.reindex(adj.index.get_level_values("focal")).to_numpy()
    nb = pos.reindex(adj.index.get_level_values("neighbor")).to_numpy()
    order = np.lexsort((nb, f))
    adj = adj.iloc[order]
    out = Graph(adj, transformation=g.transformation, is_sorted=False)
    rep = report(g)
    if rep is not None:
        object.__setattr__(out, _REPORT_ATTR, rep)
    return out


# --------------------------------------------------------------------------- the one weights path
TRANSFORMS = ("O", "B", "R")


def check_transform(transform: Any, allowed: Sequence[str] = TRANSFORMS) -> str:
    """``transform`` upper-cased and checked: ``"O"`` (as given), ``"B"`` (binary), ``"R"`` (row-standardised)."""
    t = str(transform).upper() if isinstance(transform, str) else transform
    check_choice("transform", t, tuple(allowed))
    return t


def transform_matrix(A: Any, transform: str) -> Any:
    """The one implementation of the weight transforms, on an off-diagonal CSR matrix.

    ``"O"``: as given; ``"B"``: w_ij = 1 for every stored (non-zero) weight;
    ``"R"``: w_ij / Σ_j w_ij (rows without neighbours stay zero).  Returns a
    new ``scipy.sparse.csr_matrix``; ``A`` is not modified.

    Parameters
    ----------
    A : scipy sparse matrix or array
        Off-diagonal weights.
    transform : {"O", "B", "R"}
        The transform (any case).

    Returns
    -------
    scipy.sparse.csr_matrix
        The transformed weights.
    """
    from scipy import sparse

    transform = check_transform(transform)
    A = sparse.csr_matrix(A)
    if transform == "O":
        return A.copy()
    if transform == "B":
        return sparse.csr_matrix((np.ones_like(A.data, dtype=float), A.indices.copy(), A.indptr.copy()), shape=A.shape)
    rs = np.asarray(A.sum(axis=1)).ravel()
    inv = np.divide(1.0, rs, out=np.zeros_like(rs, dtype=float), where=rs != 0)
    return sparse.csr_matrix((A.data * np.repeat(inv, np.diff(A.indptr)), A.indices.copy(), A.indptr.copy()), shape=A.shape)


@dataclass(frozen=True, eq=False)
class SpatialMatrix:
    """Spatial weights as a sparse matrix in the data's row order (see :func:`as_sparse`).

    Attributes
    ----------
    matrix : scipy.sparse.csr_matrix
        (n, n) off-diagonal weights after ``transform``; row i, column j is w_ij.
    ids : pandas.Index
        Unit ids in row order (the data's ids).
    transform : str
        ``"O"``, ``"B"`` or ``"R"``.
    islands : tuple
        Ids of units without neighbours (empty rows).
    info : str
        One line saying where the weights came from (method, islands, reordering).
    """

    matrix: Any
    ids: pd.Index
    transform: str
    islands: tuple[Hashable, ...]
    info: str

    @property
    def n(self) -> int:
        return self.matrix.shape[0]


def _w_class() -> Any:
    try:
        from libpysal.weights import W
    except ImportError:  # pragma: no cover
        return ()
    return W


def as_sparse(
    weights: Any = None,
    ids: Sequence[Hashable] | pd.Index | None = None,
    *,
    transform: str = "O",
    data: Any = None,
    id_column: str | None = None,
) -> SpatialMatrix:
    """Turn user weights into the sparse matrix an analysis needs — the one weights path.

    Every analysis in spatialregion that takes ``weights=`` goes through this
    function, so the accepted inputs, the alignment rule, the self-loop policy
    and the transforms are the same everywhere.

    Parameters
    ----------
    weights : Graph, W, scipy sparse matrix, ndarray, str or None
        * a :class:`libpysal.graph.Graph` or :class:`libpysal.weights.W`:
          aligned to ``ids`` **by id** (reordered when the same ids come in
          another order; :class:`~spatialregion.errors.AlignmentError` naming
          the ids when they differ);
        * a scipy sparse matrix or a square array: **by position** (row i is
          the i-th row of the data);
        * a method name (``"queen"``, ``"rook"``, ``"knn"``, ...) or ``None``
          (= ``"queen"``): built from ``data`` (a GeoDataFrame) with
          :func:`build` and its default island policy (``islands="nearest"``).
    ids : sequence, optional
        The data's unit ids in row order (default: the ids of the weights, or
        of ``data``).
    transform : {"O", "B", "R"} (any case)
        ``"O"`` as given, ``"B"`` binary, ``"R"`` row-standardised, applied by
        :func:`transform_matrix` after the self-loops are removed.
    data : GeoDataFrame, optional
        Needed when ``weights`` is a method name or None.
    id_column : str, optional
        Column of ``data`` holding the unit ids used for alignment (default:
        its index).

    Returns
    -------
    SpatialMatrix
        ``.matrix`` is an (n, n) CSR matrix in the order of ``ids``.

    Notes
    -----
    Self-loop policy: a unit is never its own neighbour here.  Diagonal
    entries (libpysal stores isolates as zero self-loops; some users add
    w_ii) and explicit zeros are removed before the transform, so
    row-standardisation never counts w_ii.  Statistics that include the unit
    itself (Getis-Ord Gi*) add it explicitly and say so.  Negative weights
    raise :class:`~spatialregion.errors.WeightsError`.
    """
    from scipy import sparse

    transform = check_transform(transform)
    if data is not None and ids is None:
        ids = _ids(data, id_column) if hasattr(data, "columns") else None
    if weights is None or isinstance(weights, str):
        method = "queen" if weights is None else weights
        if data is None or not hasattr(data, "geometry"):
            raise WeightsError(
                f"weights={weights!r} builds {method} weights from the units' geometry, but the data is not a "
                "GeoDataFrame; pass a GeoDataFrame or weights (a libpysal Graph/W or a sparse matrix)"
            )
        check_choice("weights", method, METHODS)
        weights = build(data, method, id_column=id_column)
    W = _w_class()
    if isinstance(weights, Graph):
        A, order_ids = _graph_sparse(weights)
        rep = report(weights)
        info = str(rep) if rep is not None else f"libpysal Graph ({len(order_ids)} units, transformation {weights.transformation})"
        A, order_ids, _ = _align(A, order_ids, ids)
    elif W and isinstance(weights, W):
        A, order_ids, info = _from_w(weights, ids)
    elif sparse.issparse(weights) or isinstance(weights, np.ndarray):
        A = sparse.csr_matrix(weights, dtype=float)
        if A.ndim != 2 or A.shape[0] != A.shape[1]:
            raise WeightsError(f"a weights matrix must be square, got shape {A.shape}")
        order_ids = pd.RangeIndex(A.shape[0]) if ids is None else pd.Index(ids)
        info = f"{type(weights).__name__} {A.shape[0]} x {A.shape[1]} (rows by position)"
    else:
        raise WeightsError(
            f"weights must be a libpysal Graph or W, a scipy sparse matrix, a square array, a method name "
            f"({', '.join(METHODS)}) or None, got {type(weights).__name__}"
        )
    if len(order_ids) != A.shape[0]:
        raise AlignmentError(f"weights are {A.shape[0]} x {A.shape[1]} but the data has {len(order_ids)} units")
    A = _off_diagonal(sparse.csr_matrix(A, dtype=float))
    isl = tuple(order_ids[np.diff(A.indptr) == 0])
    return SpatialMatrix(transform_matrix(A, transform) if transform != "O" else A, pd.Index(order_ids), transform, isl, info)


def _from_w(w: Any, ids: Any) -> tuple[Any, pd.Index, str]:
    """A libpysal W as CSR in the order of ``ids`` (permuted directly, no Graph round trip)."""
    order = _fast_index(w.id_order)
    A = _w_sparse(w, order)
    info = f"libpysal W ({w.n} units, transform {w.transform})"
    A, order, moved = _align(A, order, ids)
    return A, order, info + (", reordered to the data" if moved else "")


def _fast_index(ids: Sequence[Hashable]) -> pd.Index:
    """``pd.Index(ids)``; a list of Python ints goes through one numpy conversion
    (pandas infers the type element by element, ~10x slower at 100k ids)."""
    ids = list(ids)
    if ids and type(ids[0]) is int:
        arr = np.asarray(ids)
        if arr.dtype.kind == "i":
            return pd.Index(arr)
    return pd.Index(ids)


def _align(A: Any, order: pd.Index, ids: Any) -> tuple[Any, pd.Index, bool]:
    """Rows/columns of ``A`` (in ``order``) permuted to the data's ``ids``; raises
    :class:`AlignmentError` naming the ids when the two sets differ.  Returns
    ``(A, ids, reordered)``."""
    if ids is None:
        return A, order, False
    ids = pd.Index(ids)
    check_unique_ids(ids, "data ids")
    if len(order) == len(ids) and order.equals(ids):
        return A, ids, False
    missing, extra = ids.difference(order), order.difference(ids)
    if len(missing) or len(extra):
        raise AlignmentError(
            f"weights and data describe different units: {len(missing)} data ids not in the weights "
            f"{missing[:10].tolist()}, {len(extra)} weight ids not in the data {extra[:10].tolist()}; "
            "build the weights from the same GeoDataFrame (same index) as the data"
        )
    perm = order.get_indexer(ids)
    return A.tocsr()[perm][:, perm], ids, True


def _graph_sparse(g: Graph) -> tuple[Any, pd.Index]:
    """``(g.sparse, g.unique_ids)`` read straight from the adjacency's MultiIndex codes.

    Same matrix as libpysal's ``Graph.sparse`` (rows and columns in
    ``unique_ids`` order: ids in order of first appearance as focal), without
    its pandas sparse round trip and without caching it on the Graph (~10x
    faster at 90k units).  Zero weights (isolates' self-loops) are kept as
    explicit entries; :func:`_off_diagonal` drops them.
    """
    from scipy import sparse

    adj = g._adjacency
    mi = adj.index
    fcode = np.asarray(mi.codes[0], dtype=np.int64)
    ncode = np.asarray(mi.codes[1], dtype=np.int64)
    if fcode.size and (fcode[1:] >= fcode[:-1]).all():
        first = np.flatnonzero(np.r_[True, fcode[1:] != fcode[:-1]])
        seen = fcode[first]
    else:
        seen = pd.unique(fcode)
    ids = mi.levels[0][seen]
    pos0 = np.full(len(mi.levels[0]), -1, dtype=np.int64)
    pos0[seen] = np.arange(seen.size)
    pos1 = ids.get_indexer(mi.levels[1])
    row, col = pos0[fcode], pos1[ncode]
    if (col < 0).any():
        raise WeightsError("the Graph lists neighbours that are not focal units; every unit must appear as focal")
    n = ids.size
    vals = adj.to_numpy(dtype=float)
    if row.size and (row[1:] >= row[:-1]).all():  # canonical Graph: rows already grouped, no COO pass
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(row, minlength=n), out=indptr[1:])
        A = sparse.csr_matrix((vals, col, indptr), shape=(n, n))
        if not A.has_sorted_indices:
            A.sort_indices()
    else:
        A = sparse.csr_matrix((vals, (row, col)), shape=(n, n))
    A.sum_duplicates()
    return A, pd.Index(ids)


def _w_sparse(w: Any, order: pd.Index) -> Any:
    """``w.sparse`` (rows and columns in ``w.id_order``) without libpysal's per-unit Python
    loop when it is not cached yet: the neighbour and weight lists are flattened once and the
    neighbour ids mapped to positions in one vectorised lookup (~10x faster at 100k units)."""
    from itertools import chain

    from scipy import sparse

    cache = getattr(w, "_cache", {})
    if "sparse" in cache:
        return w.sparse
    ids = list(w.id_order)
    if list(w.neighbors) == ids and list(w.weights) == ids:  # dicts in id order (the usual case): no lookups
        nbl, wl = list(w.neighbors.values()), list(w.weights.values())
    else:
        nbl, wl = [w.neighbors[i] for i in ids], [w.weights[i] for i in ids]
    card = np.fromiter(map(len, nbl), dtype=np.int64, count=len(ids))
    flat = list(chain.from_iterable(nbl))
    if order.dtype.kind in "iu" and order.is_monotonic_increasing and order.size and order[0] == 0 and order[-1] == order.size - 1:
        nb = np.asarray(flat, dtype=np.int64)  # ids 0..n-1 in order: the id is the position
        nb = np.where((nb >= 0) & (nb < order.size), nb, -1)
    else:
        nb = order.get_indexer(pd.Index(flat))
    vals = np.fromiter(chain.from_iterable(wl), dtype=float, count=int(card.sum()))
    if (nb < 0).any():
        raise WeightsError("the W lists neighbours that are not in its id_order")
    indptr = np.concatenate([[0], np.cumsum(card)])
    A = sparse.csr_matrix((vals, nb, indptr), shape=(len(ids), len(ids)))
    A.sum_duplicates()
    A.sort_indices()
    return A


def _off_diagonal(A: Any) -> Any:
    """Remove self-loops and explicit zeros; check for negative weights; sorted indices."""
    from scipy import sparse

    if A.data.size and (A.data < 0).any():
        raise WeightsError("weights contain negative values; spatial weights must be w_ij >= 0")
    if A.data.size and ((A.diagonal() != 0).any() or (A.data == 0).any()):
        coo = A.tocoo()
        keep = (coo.row != coo.col) & (coo.data != 0)
        A = sparse.csr_matrix((coo.data[keep], (coo.row[keep], coo.col[keep])), shape=A.shape)
    elif not A.has_sorted_indices:
        A = A.copy()
        A.sort_indices()
    return A
