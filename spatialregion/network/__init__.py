"""Gravity-model linkage networks, network statistics, core–periphery and flow maps.

The pipeline of Chinese urban-network papers (城市经济联系网络):

1. :func:`gravity` — the modified gravity model, a directed strength matrix
   :math:`R_{ij} = k_{ij}\\sqrt{P_i M_i}\\sqrt{P_j M_j}/D_{ij}^b` with
   :math:`k_{ij} = M_i/(M_i+M_j)`, per-unit outward/inward linkage and the
   联系隶属度 (membership degree) :math:`F_{ij} = R_{ij}/\\sum_j R_{ij}`;
2. :func:`from_matrix` (threshold: mean, quantile, top-k per unit, value) or
   :func:`from_flows` (observed flows, e.g. capital cross-investment) — a
   :class:`LinkageNetwork` with a ``networkx.DiGraph`` underneath;
3. :meth:`LinkageNetwork.metrics` — density, degree, strength, closeness (in/out),
   betweenness, eigenvector, clustering, average path length (equal to networkx);
4. :meth:`LinkageNetwork.core_periphery` — continuous Borgatti–Everett coreness
   and a core / semi-periphery / periphery split;
5. :meth:`LinkageNetwork.flow_lines`, :meth:`LinkageNetwork.plot`,
   :meth:`LinkageNetwork.to_gpkg` — flow lines (straight or Bézier arcs), a flow
   map, and nodes + links as two styled GeoPackage layers.

Weights as strengths or as distances
------------------------------------
Link weights are *strengths* (larger = closer tie).  By default the metrics
read the thresholded network as a 0/1 network (link counts, hop-count paths),
as papers that threshold the gravity matrix and then run UCINET do; in/out
strength (weighted degree) is always reported.  ``metrics(weighted=True)`` uses
the strengths for eigenvector centrality and clustering;
``path_distance="inverse"`` gives path-based metrics (closeness, betweenness,
average path length) the length :math:`d_{ij} = \\max(w)/w_{ij}` (dimensionless:
the strongest link has length 1); ``"hops"`` (default) counts links.
Coreness fits the 0/1 matrix by default (``core_periphery(weighted=True)`` the
strengths).

Distances and node points come from :mod:`spatialregion.weights`
(:func:`~spatialregion.weights.distance_matrix_km`, ellipsoidal geodesic km on
GRS80 via ``pyproj.Geod``;
:func:`~spatialregion.weights.unit_points`).

Calling convention: ``gravity(data, *, mass=, population=, power=2.0,
coefficient="share")``, ``from_matrix(data, threshold)``,
``from_flows(data, *, source_column=, target_column=, value_column=)``,
``core_periphery(data, *, classes=)``; link tiers use mapclassify's scheme
names (``"fisher_jenks"``, ``"quantiles"``, user-defined breaks).

Modules: ``_gravity`` (the gravity kernel, :class:`GravityResult`,
:func:`population_proxy`), ``_graph`` (:func:`from_matrix`, :func:`from_flows`,
:class:`LinkageNetwork`), ``_metrics`` (:class:`NetworkMetrics`), ``_coreness``
(Borgatti–Everett), ``_flows`` (flow lines, tiers, the flow map) and ``_units``
(node points, ids, names); every public name is importable from here.

References
----------
Borgatti, S. P., & Everett, M. G. (1999). Models of core/periphery structures.
*Social Networks* 21, 375–395.  Wasserman, S., & Faust, K. (1994). *Social
Network Analysis*.  Hagberg, Schult & Swart (2008), NetworkX (the peer for every
metric).  The modified gravity model with k_ij = M_i/(M_i+M_j) follows e.g.
侯赟慧, 刘志彪, 岳中刚 (2009) 长三角区域经济一体化进程的社会网络分析, 中国软科学.
"""

from __future__ import annotations

from ..labels import CORE_PERIPHERY, LINK_TIERS
from ._coreness import CorePeripheryResult, core_periphery, coreness
from ._coreness import _core_classes as _core_classes
from ._flows import _tiers as _tiers
from ._graph import LinkageNetwork, from_flows, from_matrix
from ._gravity import (
    GravityResult,
    gravity,
    gravity_matrix,
    population_proxy,
)
from ._metrics import NetworkMetrics
from ._metrics import _eigenvector as _eigenvector

__all__ = [
    "CORE_PERIPHERY",
    "LINK_TIERS",
    "CorePeripheryResult",
    "GravityResult",
    "LinkageNetwork",
    "NetworkMetrics",
    "core_periphery",
    "coreness",
    "from_flows",
    "from_matrix",
    "gravity",
    "gravity_matrix",
    "population_proxy",
]
