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

from ._build import METHODS, build
from ._contiguity import contiguity_pairs
from ._distance import distance_matrix_km
from ._report import WeightsReport, describe, report
from ._sparse import TRANSFORMS, SpatialMatrix, as_graph, as_sparse, islands, transform_matrix

# importable from here as before the split (used by other modules, tests and benchmarks)
from ._build import IslandPolicy, Method  # noqa: F401
from ._distance import EARTH_RADIUS_KM, GEOD_ELLPS, geodesic_km  # noqa: F401
from ._points import _equal_area_crs, unit_points  # noqa: F401
from ._report import _REPORT_ATTR  # noqa: F401
from ._sparse import check_transform  # noqa: F401

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
