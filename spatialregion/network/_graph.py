"""Linkage networks: build them from a strength matrix or observed flows; :class:`LinkageNetwork`.

:func:`from_matrix` keeps the links of a strength matrix (e.g. a
:class:`GravityResult`) that pass a threshold (mean, quantile, top-k per unit,
value); :func:`from_flows` takes observed directed flows.  Both return a
:class:`LinkageNetwork` (a ``networkx.DiGraph`` underneath) whose methods give
the network statistics (:mod:`._metrics`), core–periphery (:mod:`._coreness`),
flow lines and the flow map (:mod:`._flows`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from .._validation import check_unique_ids, describe_rows, finite_array
from ..errors import AlignmentError, DuplicateIdError, InputError, MissingValueError
from ..results import Summary, SummaryTable, UnitResult, unit_columns
from ._coreness import CorePeripheryResult, _cp_result, _cp_style, coreness
from ._flows import draw_flow_map, flow_line_frame, link_style
from ._gravity import GravityResult
from ._metrics import NetworkMetrics, _degree_columns, network_metrics
from ._units import _aligned_matrix, _node_frame, _node_points, _pairs_text, _unit_ids, _unit_names

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    import networkx as nx
    from matplotlib.axes import Axes

    from ..export import Style


# --------------------------------------------------------------------------
# building networks
# --------------------------------------------------------------------------
def _threshold_mask(a: np.ndarray, threshold: Any) -> tuple[np.ndarray, str, float | None]:
    n = a.shape[0]
    off = ~np.eye(n, dtype=bool)
    vals = a[off]
    if threshold is None or threshold == "all":
        return (a > 0) & off, "all positive entries", None
    if isinstance(threshold, str):
        if threshold != "mean":
            raise InputError(
                f"threshold={threshold!r} is not supported; use 'mean', 'all', ('quantile', q), ('top_k', k) or a number"
            )
        t = float(vals.mean())
        return (a >= t) & (a > 0) & off, f"≥ mean of off-diagonal entries ({t:.4g})", t
    if isinstance(threshold, tuple) and len(threshold) == 2 and threshold[0] == "quantile":
        q = float(threshold[1])
        if not 0 <= q < 1:
            raise InputError(f"threshold=('quantile', q) needs 0 ≤ q < 1, got {q}")
        t = float(np.quantile(vals, q))
        return (a >= t) & (a > 0) & off, f"≥ {q:g} quantile of off-diagonal entries ({t:.4g})", t
    if isinstance(threshold, tuple) and len(threshold) == 2 and threshold[0] == "top_k":
        kk = threshold[1]
        if not isinstance(kk, (int, np.integer)) or not 1 <= kk <= n - 1:
            raise InputError(f"threshold=('top_k', k) needs an integer 1 ≤ k ≤ n − 1 = {n - 1}, got {kk!r}")
        b = np.where(off, a, -np.inf)
        order = np.argpartition(-b, kk - 1, axis=1)[:, :kk]
        mask = np.zeros_like(off)
        np.put_along_axis(mask, order, True, axis=1)
        return mask & (a > 0) & off, f"top {kk} outgoing links per unit", None
    if isinstance(threshold, (int, float, np.integer, np.floating)) and not isinstance(threshold, bool):
        t = float(threshold)
        return (a >= t) & (a > 0) & off, f"≥ {t:.4g}", t
    raise InputError(
        f"threshold={threshold!r} is not supported; use 'mean', 'all', ('quantile', q), ('top_k', k) or a number"
    )


def _geometry_for(geometry: Any, ids: list[Any], index: pd.Index | None = None) -> Any:
    """Align a GeoDataFrame/GeoSeries to ``ids`` (by label, else by position)."""
    if geometry is None:
        return None
    import geopandas as gpd

    geom = geometry.geometry if isinstance(geometry, gpd.GeoDataFrame) else geometry
    if not isinstance(geom, gpd.GeoSeries):
        raise InputError("geometry must be a GeoDataFrame or GeoSeries aligned to the units")
    if len(geom) != len(ids):
        raise AlignmentError(f"geometry has {len(geom)} rows but the network has {len(ids)} units")
    if set(geom.index) == set(ids):
        return geom.loc[ids]
    return geom


def _digraph(ids: Sequence[Any], names: Sequence[str], edges: Any) -> nx.DiGraph:
    """DiGraph with nodes ``ids`` (attribute ``name``, in this order) and weighted edges
    ``(source, target, weight)``."""
    import networkx as nx

    g = nx.DiGraph()
    g.add_nodes_from((i, {"name": nm}) for i, nm in zip(ids, names))
    g.add_weighted_edges_from(edges)
    return g


def from_matrix(
    data: Any,
    threshold: Any = "mean",
    *,
    ids: Sequence[Any] | None = None,
    names: Sequence[str] | None = None,
    geometry: Any = None,
    points: Literal["representative", "centroid"] = "representative",
) -> LinkageNetwork:
    """Directed network of the links of a strength matrix that pass a threshold.

    Parameters
    ----------
    data : GravityResult, DataFrame or (n, n) array
        The strength matrix, row = source.  Diagonal ignored; entries must be finite
        and ≥ 0 (0 = no link).  A :class:`GravityResult` brings its ids, names,
        node points and unit geometry.
    threshold :
        Which links to keep (always only positive off-diagonal entries):
        ``"mean"`` — :math:`R_{ij} \\ge` the mean of all n(n−1) off-diagonal
        entries (the usual choice); ``("quantile", q)`` — ≥ the q-quantile of
        those entries; ``("top_k", k)`` — each unit's k strongest outgoing links
        (a tie at the k-th value is broken arbitrarily); a number — ≥ that value; ``"all"`` / None — every
        positive entry.
    ids, names : sequence, optional
        Unit ids/names for an array (default 0..n−1; a DataFrame gives its index).
    geometry : GeoDataFrame or GeoSeries, optional
        Unit geometry aligned to the ids (for maps and flow lines).
    points : {"representative", "centroid"}
        Node points of ``geometry`` (:func:`spatialregion.weights.unit_points`).

    Returns
    -------
    LinkageNetwork
        The directed network of the kept links.
    """
    matrix = data
    node_points = None
    unit_geom = None
    units = None
    if isinstance(matrix, GravityResult):
        ids_l, names_l = list(matrix.ids), list(matrix.names)
        a = matrix.strength
        node_points = matrix.points
        unit_geom = matrix.geometry
        units = matrix.units.set_axis(pd.Index(ids_l)) if matrix.units is not None else None
        if unit_geom is not None:
            unit_geom = unit_geom.set_axis(pd.Index(ids_l)) if len(unit_geom) == len(ids_l) else unit_geom
        if node_points is not None:
            node_points = node_points.set_axis(pd.Index(ids_l))
        source = "gravity model"
    else:
        if isinstance(matrix, pd.DataFrame):
            ids_l = list(matrix.index) if ids is None else list(ids)
            a = _aligned_matrix(matrix, ids_l, "matrix")
        else:
            a = np.asarray(matrix, dtype=float)
            if a.ndim != 2 or a.shape[0] != a.shape[1]:
                raise InputError(f"matrix must be square (n×n), got shape {a.shape}")
            ids_l = list(range(a.shape[0])) if ids is None else list(ids)
            a = _aligned_matrix(a, ids_l, "matrix")
        check_unique_ids(ids_l, "ids")
        names_l = [str(i) for i in ids_l] if names is None else [str(s) for s in names]
        if len(names_l) != len(ids_l):
            raise AlignmentError(f"names has {len(names_l)} entries for {len(ids_l)} units")
        source = "matrix"
        if geometry is not None:
            unit_geom = _geometry_for(geometry, ids_l)
            node_points = _node_points(unit_geom, points).set_axis(pd.Index(ids_l))
            unit_geom = unit_geom.set_axis(pd.Index(ids_l))
    n = len(ids_l)
    off = ~np.eye(n, dtype=bool)
    a = np.where(off, a, 0.0)
    neg = a < 0
    if neg.any():
        raise InputError(f"matrix has negative strengths between {_pairs_text(neg, ids_l, names_l)}; strengths must be ≥ 0")
    mask, how, value = _threshold_mask(a, threshold)
    ii, jj = np.nonzero(mask)
    g = _digraph(ids_l, names_l, zip([ids_l[x] for x in ii], [ids_l[x] for x in jj], a[ii, jj].tolist()))
    return LinkageNetwork(
        graph=g,
        threshold=how,
        threshold_value=value,
        source=source,
        points=node_points,
        geometry=unit_geom,
        units=units,
    )


def from_flows(
    data: pd.DataFrame,
    *,
    source_column: str = "source",
    target_column: str = "target",
    value_column: str | None = "value",
    nodes: Any = None,
    id_column: str | None = None,
    name_column: str | None = None,
    duplicates: Literal["raise", "sum"] = "raise",
    points: Literal["representative", "centroid"] = "representative",
) -> LinkageNetwork:
    """Directed network from observed flows (e.g. capital cross-investment, migration).

    Parameters
    ----------
    data : DataFrame
        The flow table: one row per directed flow.
    source_column, target_column : str
        Columns of the source and target unit ids.
    value_column : str or None
        Column of the flow values (link strengths; finite and > 0);
        None → every flow has strength 1.  Self-flows are refused.
    nodes : (Geo)DataFrame, optional
        The units (ids from ``id_column`` or the index); every source/target
        must be one of them; units without flows stay as isolated nodes.
        Without it the nodes are the ids met in ``edges``.
    id_column, name_column : str, optional
        Ids and display names of ``nodes`` (default: the index; ``name_short``/``name``).
    duplicates : {"raise", "sum"}
        Repeated (source, target) rows raise, or are summed.
    points : {"representative", "centroid"}
        Node points of a GeoDataFrame ``nodes``.

    Returns
    -------
    LinkageNetwork
        The directed network of the flows.
    """
    edges, source, target, weight = data, source_column, target_column, value_column
    if not isinstance(edges, pd.DataFrame):
        raise InputError("data must be a DataFrame of flows with source, target and value columns")
    cols = [source, target] + ([weight] if weight is not None else [])
    missing = [c for c in cols if c not in edges.columns]
    if missing:
        raise InputError(f"the flow table lacks column(s) {missing} (source_column, target_column, value_column); available: {list(edges.columns)[:20]}")
    e = edges[cols].copy()
    if e[[source, target]].isna().any().any():
        rows = e.index[e[[source, target]].isna().any(axis=1)]
        raise MissingValueError(f"edges has missing source/target in {describe_rows(rows)}")
    if weight is None:
        e["weight"] = 1.0
        weight = "weight"
    w = finite_array(e[weight].to_numpy(dtype=float, na_value=np.nan), f"edges[{weight!r}]", e.index)
    if (w <= 0).any():
        raise InputError(
            f"flow weights must be > 0 but are ≤ 0 in {describe_rows(e.index[w <= 0])}; drop zero flows explicitly"
        )
    loops = e[source] == e[target]
    if loops.any():
        raise InputError(f"self-flows (source == target) in {describe_rows(e.index[loops])}; remove them")
    dup = e.duplicated([source, target], keep=False)
    if dup.any():
        if duplicates == "sum":
            e = e.groupby([source, target], as_index=False, sort=False)[weight].sum()
        elif duplicates == "raise":
            raise DuplicateIdError(
                f"repeated (source, target) pairs in {describe_rows(e.index[dup])}; aggregate them or pass duplicates='sum'"
            )
        else:
            raise InputError(f"duplicates={duplicates!r} is not supported; use 'raise' or 'sum'")
    node_points = unit_geom = units = None
    if nodes is not None:
        ids_l = _unit_ids(nodes, id_column)
        names_l = list(_unit_names(nodes, name_column, ids_l))
        known = set(ids_l)
        unknown = sorted({*e[source], *e[target]} - known, key=str)
        if unknown:
            raise AlignmentError(f"flows mention ids not in nodes: {unknown[:10]}; add them to nodes or fix the ids")
        import geopandas as gpd

        if isinstance(nodes, gpd.GeoDataFrame):
            unit_geom = gpd.GeoSeries(nodes.geometry.to_numpy(), index=pd.Index(ids_l), crs=nodes.crs)
            node_points = _node_points(unit_geom, points)
        units = unit_columns(nodes, nodes.index, id_column=id_column, values=[name_column] if name_column else None)
        if units is not None:
            units = units.set_axis(pd.Index(ids_l))
    else:
        ids_l = list(dict.fromkeys([*e[source].tolist(), *e[target].tolist()]))
        names_l = [str(i) for i in ids_l]
    g = _digraph(ids_l, names_l, zip(e[source].tolist(), e[target].tolist(), e[weight].astype(float).tolist()))
    return LinkageNetwork(graph=g, threshold="observed flows", threshold_value=None, source="flows",
                          points=node_points, geometry=unit_geom, units=units)


# --------------------------------------------------------------------------
# the network
# --------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class LinkageNetwork(UnitResult):
    """A directed, weighted linkage network (``networkx.DiGraph`` in ``graph``).

    Nodes are the unit ids (attribute ``name``: the display name); edges carry
    ``weight`` = link strength.  ``points`` (EPSG:4490, indexed by id) and
    ``geometry`` (unit polygons) are kept when known, for flow lines and maps;
    ``units`` (the input's id/name/value columns by id) go first in
    :meth:`to_frame` and the node layer.

    Attributes
    ----------
    graph : networkx.DiGraph
        The network.
    threshold : str
        Which links were kept.
    threshold_value : float or None
        The strength cut-off when there is one.
    source : str
        ``"gravity model"``, ``"matrix"`` or ``"flows"``.
    points : GeoSeries or None
        Node points (EPSG:4490) indexed by id.
    """

    graph: Any = field(repr=False)
    threshold: str = ""
    threshold_value: float | None = None
    source: str = "matrix"
    points: Any = field(default=None, repr=False)

    # -- basic views -------------------------------------------------------
    @property
    def ids(self) -> list[Any]:
        return list(self.graph.nodes)

    @property
    def names(self) -> list[str]:
        return [str(self.graph.nodes[i].get("name", i)) for i in self.graph.nodes]

    @property
    def density(self) -> float:
        """m / (n(n−1)) for the directed network."""
        n = self.graph.number_of_nodes()
        return self.graph.number_of_edges() / (n * (n - 1)) if n > 1 else 0.0

    def adjacency(self, weighted: bool = True) -> np.ndarray:
        """Dense adjacency in node order (strengths, or 0/1)."""
        import networkx as nx

        return nx.to_numpy_array(self.graph, nodelist=self.ids, weight="weight" if weighted else None)

    def edges_frame(self) -> pd.DataFrame:
        """Links, strongest first: source, target, names, strength, rank (1 = strongest)."""
        names = dict(zip(self.ids, self.names))
        rows = [(u, v, names[u], names[v], float(d["weight"])) for u, v, d in self.graph.edges(data=True)]
        frame = pd.DataFrame(rows, columns=["source", "target", "source_name", "target_name", "strength"])
        frame = frame.sort_values("strength", ascending=False, kind="stable").reset_index(drop=True)
        frame["rank"] = np.arange(1, len(frame) + 1)
        return frame

    # -- statistics --------------------------------------------------------
    def metrics(
        self,
        *,
        weighted: bool = False,
        path_distance: Literal["inverse", "hops"] = "hops",
        eigenvector: Literal["in", "undirected"] = "in",
        eigenvector_max_iter: int = 1000,
        betweenness_samples: int | None = None,
        seed: Any = None,
    ) -> NetworkMetrics:
        """Node and network statistics; every value equals networkx's on the same graph.

        Parameters
        ----------
        weighted : bool
            False (default): eigenvector centrality and clustering of the 0/1
            network, as papers that threshold the gravity matrix and run UCINET
            on the binary matrix; True: of the strengths.  In/out strength
            (weighted degree) is always reported beside the link counts.
        path_distance : {"hops", "inverse"}
            Link length for closeness, betweenness and path length: 1 per link
            (default), or :math:`d_{ij} = \\max(w)/w_{ij}` (strong links short).
        eigenvector : {"in", "undirected"}
            ``"in"``: networkx's directed (left, in-link) eigenvector centrality;
            ``"undirected"``: of the symmetrised network :math:`A + A^T` (always
            converges; use it when the directed iteration does not, e.g. for
            top-k networks made of many reciprocal pairs).
        betweenness_samples : int, optional
            Estimate betweenness from that many source nodes (networkx ``k``;
            for very large networks); exact by default.
        seed : int or Generator, optional
            Only for sampled betweenness.

        Notes
        -----
        Disconnected networks: closeness uses the Wasserman–Faust correction
        (networkx ``wf_improved=True``): :math:`C(u) = \\frac{r}{n-1}\\frac{r}{\\sum d}`
        over the r units that can reach u (in) / that u reaches (out), 0 if none;
        average path length is the mean over the *reachable* ordered pairs and
        the share of reachable pairs is reported beside it; betweenness counts
        only existing shortest paths, normalised by (n−1)(n−2); eigenvector
        centrality is networkx's ``eigenvector_centrality`` (power iteration on
        A + I over *incoming* links, L2-normalised, tolerance 1e-6 per node),
        run vectorised on the strengths rescaled to w/max(w) (the eigenvector
        is scale-free; the rescaling only keeps A + I from converging slowly
        when strengths are tiny); units without in-links score ≈ 0; if it does
        not converge a :class:`ConvergenceWarning` is issued and the column is NaN.
        """
        return network_metrics(
            self,
            weighted=weighted,
            path_distance=path_distance,
            eigenvector=eigenvector,
            eigenvector_max_iter=eigenvector_max_iter,
            betweenness_samples=betweenness_samples,
            seed=seed,
        )

    def core_periphery(self, *, weighted: bool = False, classes: Any = "ucinet") -> CorePeripheryResult:
        """Continuous Borgatti–Everett coreness of the network (see :func:`core_periphery`).

        ``weighted=False`` (default) fits the 0/1 adjacency of the kept links,
        as papers that threshold the gravity matrix and then run UCINET do;
        ``True`` fits the strengths (dominated by the largest links).
        """
        import networkx as nx

        a = nx.to_scipy_sparse_array(self.graph, nodelist=self.ids, weight="weight" if weighted else None)
        c, r = coreness(a)
        return _cp_result(c, r, self.ids, self.names, classes, "strength matrix" if weighted else "binary adjacency",
                          points=self.points, geometry=self.geometry, units=self.units)

    # -- geometry ----------------------------------------------------------
    def _require_points(self) -> Any:
        if self.points is None:
            raise InputError(
                "the network has no node locations: build it from a GeoDataFrame (gravity(...)) or pass "
                "geometry=... to from_matrix / nodes=<GeoDataFrame> to from_flows"
            )
        return self.points

    def flow_lines(
        self,
        *,
        curved: bool = False,
        curvature: float = 0.2,
        n_points: int = 24,
        k: int = 4,
        tiers: Literal["fisher_jenks", "log_fisher_jenks", "quantiles"] | Sequence[float] = "fisher_jenks",
    ) -> gpd.GeoDataFrame:
        """Links as a GeoDataFrame of LineStrings (EPSG:4490), strongest first.

        Columns: ``source, target, source_name, target_name, strength, rank``
        (1 = strongest), ``tier`` (1 = strongest class, 第一层级 … k) and
        ``length_km`` (geodesic, between the node points).

        Parameters
        ----------
        curved : bool
            Straight segments, or quadratic Bézier arcs bowing to the right of
            the direction of travel (so i→j and j→i do not overlap) with the
            control point ``curvature`` × length away from the midpoint
            (computed in lon/lat degrees; ``n_points`` vertices per arc).
        curvature : float
            Control-point offset of the arcs, as a fraction of the length.
        n_points : int
            Vertices per arc.
        k : int
            Number of strength tiers.
        tiers : str or sequence of float
            How to cut the tiers (mapclassify's scheme names): Fisher–Jenks
            natural breaks (``"fisher_jenks"``, :func:`spatialregion.maps.fisher_jenks_bins`;
            on 3,000 evenly spaced order statistics beyond 3,000 links), natural
            breaks of log10(strength) (``"log_fisher_jenks"``: readable tiers when a few
            links dwarf the rest), ``"quantiles"``, or user-defined inner
            breaks (ascending, k − 1 values).

        Returns
        -------
        GeoDataFrame
            One line per link.
        """
        pts = self._require_points()
        return flow_line_frame(self.edges_frame(), pts, curved=curved, curvature=curvature, n_points=n_points,
                               k=k, tiers=tiers)

    # -- Result API ----------------------------------------------------------
    def to_frame(self) -> pd.DataFrame:
        """Nodes: ids/names/values of the units, then label, in/out/total degree and strength,
        coreness and class (0/1 network, UCINET thresholds); point geometry when known.

        Returns
        -------
        DataFrame or GeoDataFrame
            One row per node, indexed by id.
        """
        a = self.adjacency(weighted=True)
        frame = pd.DataFrame(
            {
                **_degree_columns(a, self.names),
                "total_strength": a.sum(axis=0) + a.sum(axis=1),
            },
            index=pd.Index(self.ids, name="id"),
        )
        linked = (a > 0)[~np.eye(len(a), dtype=bool)]
        if len(frame) >= 3 and linked.any() and not linked.all():
            cp = self.core_periphery()
            frame["coreness"] = cp.coreness
            frame["cp_class"] = cp.classes
        return _node_frame(frame, self.units, self.points)

    def summary(self, top: int = 10) -> Summary:
        values = [self.graph.number_of_nodes(), self.graph.number_of_edges(), self.density]
        glob = pd.DataFrame({"value": pd.Series(values, index=["nodes", "links", "density m/(n(n−1))"], dtype=object)})
        links = self.edges_frame().head(top).set_index("rank")
        return Summary(
            "Linkage network (联系网络)",
            (SummaryTable("Network", glob, "{:.4f}"), SummaryTable(f"Strongest {top} links", links, "{:.4g}")),
            (f"Links kept: {self.threshold} (source: {self.source}).",),
        )

    def _style(self) -> Style:
        """Nodes: coloured by core–periphery class, sized by degree (link count)."""
        return _cp_style(geometry="point", size_column="degree")

    def to_gpkg(self, path: str | Path, layer: str | None = None, *, curved: bool = False, k: int = 4,
                tiers: Any = "fisher_jenks", **kwargs: Any) -> Path:
        """Write ``<layer>_nodes`` (points) and ``<layer>_links`` (lines) as two styled layers."""
        from .. import export

        base = layer or "network"
        nodes = self.to_frame()
        if "cp_class" not in nodes.columns:
            nodes["cp_class"] = "periphery"
        links = self.flow_lines(curved=curved, k=k, tiers=tiers)
        export.to_gpkg(nodes.reset_index(), path, layer=f"{base}_nodes", style=self._style(), **kwargs)
        return export.to_gpkg(links, path, layer=f"{base}_links", style=link_style(k), **kwargs)

    def plot(
        self,
        ax: Axes | None = None,
        *,
        top: int | str | None = None,
        curved: bool = True,
        k: int = 4,
        tiers: Any = "fisher_jenks",
        node_size: str | Sequence[float] = "degree",
        labels: bool | int | str = True,
        title: str | None = None,
        node_legend: bool = True,
        node_legend_loc: str = "auto",
        **kwargs: Any,
    ) -> Axes:
        """Flow map (:func:`spatialregion.maps.plot_style`): units in grey, links coloured
        and widened by tier (strongest on top), nodes coloured by core–periphery class and
        sized by ``node_size`` (a column of :meth:`to_frame`, e.g. ``"degree"`` or
        ``"total_strength"``, or values in node order), CJK name labels (every node when
        ``labels=True`` and n ≤ 40, else the ``labels`` (default 15) largest nodes; a column
        name such as ``labels="name_short"`` labels them with that node column).

        ``node_legend`` adds the core–periphery colour key at ``node_legend_loc`` (``"auto"``:
        where it covers no units, as :func:`spatialregion.maps.plot_style`'s legend).
        ``top``: None draws every link up to 100 links, else each unit's strongest outgoing
        link (首位联系); an int the ``top`` strongest; ``"all"`` every link — the legend title
        says which (the GeoPackage of :meth:`to_gpkg` always holds the full network).
        Node labels never overlap (colliding ones are left out); ``k`` and ``tiers`` as in
        :meth:`flow_lines`; ``kwargs`` go to ``plot_style``
        (``inset``, ``north_arrow``, ``scalebar``, ``legend_loc`` ...).
        """
        return draw_flow_map(self, ax, top=top, curved=curved, k=k, tiers=tiers, node_size=node_size, labels=labels,
                             title=title, node_legend=node_legend, node_legend_loc=node_legend_loc, **kwargs)
