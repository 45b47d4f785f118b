"""Network statistics of a :class:`LinkageNetwork`: degree, strength, closeness, betweenness,
eigenvector centrality, clustering and path length, each equal to networkx's.

:func:`network_metrics` computes them (all-pairs shortest paths with scipy,
vectorised eigenvector power iteration) for :meth:`LinkageNetwork.metrics`;
:class:`NetworkMetrics` holds the node table and the whole-network values.

References
----------
Wasserman, S., & Faust, K. (1994). *Social Network Analysis*.  Hagberg, Schult &
Swart (2008), NetworkX (the peer for every metric).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from ..errors import ConvergenceWarning, InputError
from ..results import Summary, SummaryTable, UnitResult

if TYPE_CHECKING:  # pragma: no cover
    from ..export import Style
    from ._graph import LinkageNetwork


# --------------------------------------------------------------------------
# kernels (pure functions on arrays)
# --------------------------------------------------------------------------
def _distance_graph(g: Any, path_distance: str) -> Any:
    """Copy of ``g`` with edge attribute ``distance`` = max(w)/w (used as link length)."""
    dg = g.copy()
    if dg.number_of_edges():
        wmax = max(d["weight"] for _, _, d in dg.edges(data=True))
        for _, _, d in dg.edges(data=True):
            d["distance"] = wmax / d["weight"] if path_distance == "inverse" else 1.0
    return dg


def _eigenvector(a: np.ndarray, max_iter: int, tol: float = 1e-6) -> np.ndarray | None:
    """networkx's ``eigenvector_centrality`` (left eigenvector, A + I power
    iteration, L1 convergence test < n·tol) on ``a / max(a)``, vectorised."""
    import scipy.sparse as sps

    n = a.shape[0]
    top = a.max()
    at = sps.csr_array(a.T / top if top > 0 else a.T)
    x = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        xlast = x
        x = xlast + at @ xlast
        norm = float(np.sqrt((x * x).sum())) or 1.0
        x = x / norm
        if np.abs(x - xlast).sum() < n * tol:
            return x
    return None


def _closeness(total: np.ndarray, reach: np.ndarray, n: int) -> np.ndarray:
    """Wasserman–Faust closeness (networkx ``wf_improved=True``)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        c = np.where(total > 0, (reach / total) * (reach / (n - 1)), 0.0)
    return c


def _degree_columns(a: np.ndarray, names: list[str]) -> dict[str, Any]:
    """Node columns shared by the node tables: name, in/out/total link counts and in/out
    strength of the (n, n) strength matrix ``a`` (row = source)."""
    return {
        "label": names,
        "in_degree": (a > 0).sum(axis=0),
        "out_degree": (a > 0).sum(axis=1),
        "degree": (a > 0).sum(axis=0) + (a > 0).sum(axis=1),
        "in_strength": a.sum(axis=0),
        "out_strength": a.sum(axis=1),
    }


# --------------------------------------------------------------------------
# statistics
# --------------------------------------------------------------------------
def network_metrics(
    net: LinkageNetwork,
    *,
    weighted: bool,
    path_distance: Literal["inverse", "hops"],
    eigenvector: Literal["in", "undirected"],
    eigenvector_max_iter: int,
    betweenness_samples: int | None,
    seed: Any,
) -> NetworkMetrics:
    """Node and network statistics of ``net`` (see :meth:`LinkageNetwork.metrics`)."""
    import networkx as nx
    from scipy.sparse.csgraph import shortest_path

    from .._validation import rng_from_seed

    if path_distance not in ("inverse", "hops"):
        raise InputError(f"path_distance={path_distance!r} is not supported; use 'hops' or 'inverse'")
    g = net.graph
    ids = net.ids
    n = len(ids)
    if n < 3:
        raise InputError(f"network metrics need at least 3 units, got {n}")
    wkey = "weight" if weighted else None
    dg = _distance_graph(g, path_distance)
    dkey = "distance" if path_distance == "inverse" else None
    # all-pairs shortest paths in C (scipy), identical to networkx's Dijkstra lengths
    dm = nx.to_scipy_sparse_array(dg, nodelist=ids, weight="distance" if dkey else None, format="csr")
    sp = shortest_path(dm, method="D", directed=True, unweighted=dkey is None)
    offd = ~np.eye(n, dtype=bool)
    reach = np.isfinite(sp) & offd
    close_in = _closeness(np.where(reach, sp, 0.0).sum(axis=0), reach.sum(axis=0), n)
    close_out = _closeness(np.where(reach, sp, 0.0).sum(axis=1), reach.sum(axis=1), n)
    n_reach = int(reach.sum())
    avg_path = float(sp[reach].mean()) if n_reach else float("nan")

    if betweenness_samples is None:
        btw = nx.betweenness_centrality(dg, weight=dkey, normalized=True)
    else:
        rng = rng_from_seed(seed)
        btw = nx.betweenness_centrality(dg, k=int(betweenness_samples), weight=dkey, normalized=True,
                                        seed=int(rng.integers(2**31 - 1)))
    a = net.adjacency(weighted=True)
    if eigenvector not in ("in", "undirected"):
        raise InputError(f"eigenvector={eigenvector!r} is not supported; use 'in' or 'undirected'")
    ea = a if weighted else (a > 0).astype(float)
    eig = _eigenvector(ea if eigenvector == "in" else ea + ea.T, eigenvector_max_iter)
    if eig is None:
        warnings.warn(
            f"eigenvector centrality did not converge in {eigenvector_max_iter} iterations (typical of "
            "networks without cycles or made of reciprocal pairs); reported as NaN — use eigenvector='undirected' "
            "or raise eigenvector_max_iter",
            ConvergenceWarning,
            stacklevel=3,
        )
        eig = np.full(n, np.nan)
    clus = nx.clustering(g, weight=wkey)
    node = pd.DataFrame(
        {
            **_degree_columns(a, net.names),
            "degree_centrality": ((a > 0).sum(axis=0) + (a > 0).sum(axis=1)) / (n - 1),
            "closeness_in": close_in,
            "closeness_out": close_out,
            "betweenness": [btw[i] for i in ids],
            "eigenvector": eig,
            "clustering": [clus[i] for i in ids],
        },
        index=pd.Index(ids, name="id"),
    )
    glob = {
        "nodes": n,
        "links": g.number_of_edges(),
        "density": net.density,
        "mean_degree": g.number_of_edges() / n,
        "reciprocity": nx.overall_reciprocity(g) if g.number_of_edges() else float("nan"),
        "average_clustering": float(np.mean(node["clustering"])),
        "average_path_length": avg_path,
        "reachable_pairs_share": n_reach / (n * (n - 1)),
        "strong_components": nx.number_strongly_connected_components(g),
        "weak_components": nx.number_weakly_connected_components(g),
    }
    return NetworkMetrics(
        node=node,
        network=glob,
        weighted=weighted,
        path_distance=path_distance,
        betweenness_samples=betweenness_samples,
        threshold=net.threshold,
        points=net.points,
        geometry=net.geometry,
        units=net.units,
    )


# --------------------------------------------------------------------------
# results of statistics
# --------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class NetworkMetrics(UnitResult):
    """Node statistics (``node``) and whole-network statistics (``network``).

    Attributes
    ----------
    node : DataFrame
        One row per node (index: id), columns below.
    network : dict
        Whole-network statistics.
    weighted, path_distance, betweenness_samples, threshold
        Settings (see :meth:`LinkageNetwork.metrics`).
    points : GeoSeries or None
        Node points (EPSG:4490) indexed by id.

    ``node`` columns: in/out/total degree (link counts), in/out strength
    (weighted degree, sum of link strengths), degree centrality (degree/(n−1)),
    closeness_in/out (Wasserman–Faust), betweenness (normalised), eigenvector,
    clustering (directed, Fagiolo 2007; weighted when ``weighted``).
    ``network``: nodes, links, density, mean degree (links/n), reciprocity,
    average clustering, average path length over reachable pairs and their
    share, numbers of strong/weak components.

    References
    ----------
    Wasserman, S., & Faust, K. (1994). Social Network Analysis. Cambridge University Press.
    """

    node: pd.DataFrame = field(repr=False)
    network: dict = field(repr=False)
    weighted: bool = False
    path_distance: str = "hops"
    betweenness_samples: int | None = None
    threshold: str = ""
    points: Any = field(default=None, repr=False)

    def to_frame(self) -> pd.DataFrame:
        """Per node: the units' ids/names/values, then every node statistic.

        Returns
        -------
        DataFrame or GeoDataFrame
            Indexed by node id; unit polygons (or node points) when known.
        """
        from ._units import _node_frame

        return _node_frame(self.node.copy(), self.units, self.geometry if self.geometry is not None else self.points)

    def summary(self) -> Summary:
        """Whole-network statistics and node centralities.

        Returns
        -------
        Summary
        """
        glob = pd.DataFrame({"value": pd.Series(self.network, dtype=object)})
        node = self.node.set_index("label").sort_values("degree", ascending=False)
        return Summary(
            "Network statistics (网络结构特征)",
            (SummaryTable("Whole network", glob, "{:.4f}"), SummaryTable("Node centrality", node, "{:.4g}")),
            (
                f"Links kept: {self.threshold}.",
                ("Strengths" if self.weighted else "0/1 links")
                + " used for eigenvector centrality and clustering; path length per link = "
                + ("max(w)/w" if self.path_distance == "inverse" else "1 (hops)")
                + " for closeness, betweenness and average path length.",
                "Closeness: Wasserman–Faust correction for unreachable units; average path length over "
                "reachable ordered pairs (share reported); betweenness normalised by (n−1)(n−2)"
                + (f", estimated from {self.betweenness_samples} sampled sources." if self.betweenness_samples else "."),
            ),
        )

    def _style(self) -> Style:
        from .. import export

        v = self.node["degree_centrality"].to_numpy()
        breaks = np.unique(np.quantile(v, np.linspace(0, 1, 6)))
        if breaks.size < 2:
            breaks = np.array([v.min(), v.min() + 1])
        colors = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"][: breaks.size - 1]
        return export.graduated("degree_centrality", breaks, colors, title="Degree centrality 度数中心度")
