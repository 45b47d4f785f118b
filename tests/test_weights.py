"""Tests of spatialregion.weights.

Cases covered
-------------
* queen / rook contiguity: identical neighbour sets to libpysal ``Graph.build_contiguity``
  on the embedded provinces, the prefectures and libpysal's us48 states.
* hand-checked neighbours (河北 borders 北京, 天津, 山西, 内蒙古, 辽宁, 山东, 河南).
* island policy: Hainan linked to Guangdong by default and reported; "keep" leaves it
  isolated; "raise" raises IslandError; island_k links to k nearest.
* knn, distance band and inverse distance equal to an independent haversine computation
  (sklearn ``haversine_distances``) and to libpysal built on the same points.
* economic distance weights = geographic weight / |x̄_i − x̄_j| (hand formula).
* as_graph: W accepted, reordering to the data's ids, AlignmentError on mismatches.
* properties: contiguity symmetric; row-standardised rows sum to 1; relabelling units
  permutes the graph.
* bad input: no CRS, points for contiguity, duplicated ids, unknown method, bad k,
  equal economic values.
"""

from __future__ import annotations

import geopandas as gpd
import libpysal
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from libpysal.graph import Graph
from shapely.geometry import Point, box
from sklearn.metrics.pairwise import haversine_distances

from spatialregion import weights as sw
from spatialregion.errors import (
    AlignmentError,
    CRSError,
    DuplicateIdError,
    GeometryError,
    InputError,
    IslandError,
    WeightsError,
)

R = sw.EARTH_RADIUS_KM


def edge_set(g: Graph) -> set[tuple]:
    adj = g.adjacency[g.adjacency != 0]
    return set(zip(adj.index.get_level_values(0), adj.index.get_level_values(1)))


@pytest.fixture(scope="module")
def us48():
    return gpd.read_file(libpysal.examples.get_path("us48.shp")).set_crs(4326, allow_override=True)


@pytest.mark.parametrize("rook", [False, True])
def test_contiguity_equals_libpysal_provinces(provinces, rook):
    ours = sw.build(provinces, "rook" if rook else "queen", islands="keep")
    ref = Graph.build_contiguity(provinces, rook=rook)
    assert edge_set(ours) == edge_set(ref)


@pytest.mark.parametrize("rook", [False, True])
def test_contiguity_equals_libpysal_prefectures(prefectures, rook):
    ours = sw.build(prefectures, "rook" if rook else "queen", islands="keep")
    ref = Graph.build_contiguity(prefectures, rook=rook)
    assert edge_set(ours) == edge_set(ref)
    assert ours.n == len(prefectures)


@pytest.mark.parametrize("rook", [False, True])
def test_contiguity_equals_libpysal_us48(us48, rook):
    assert edge_set(sw.build(us48, "rook" if rook else "queen")) == edge_set(Graph.build_contiguity(us48, rook=rook))


def test_hebei_neighbours(provinces):
    g = sw.build(provinces.set_index("name_short"), "queen")
    assert set(g["河北"].index) == {"北京", "天津", "山西", "内蒙古", "辽宁", "山东", "河南"}
    assert set(g["北京"].index) == {"天津", "河北"}


def test_island_nearest_default_links_hainan_to_guangdong(provinces):
    g = sw.build(provinces.set_index("name_short"), "queen")
    assert set(g["海南"].index) == {"广东"}
    assert "海南" in set(g["广东"].index)  # symmetric
    rep = sw.report(g)
    assert rep.island_policy == "nearest" and rep.islands == ("海南",)
    assert rep.island_links == {"海南 (海南省)": ("广东 (广东省)",)}
    assert "海南 (海南省) → 广东 (广东省)" in sw.describe(g)
    assert not g.isolates.size


def test_island_k2_and_keep_and_raise(provinces):
    p = provinces.set_index("name_short")
    g2 = sw.build(p, "queen", island_k=2)
    assert set(g2["海南"].index) == {"广东", "广西"}
    kept = sw.build(p, "queen", islands="keep")
    assert list(kept.isolates) == ["海南"]
    assert sw.islands(kept) == ["海南"]
    with pytest.raises(IslandError, match="海南"):
        sw.build(provinces, "queen", islands="raise")


def test_knn_matches_haversine(provinces):
    g = sw.build(provinces, "knn", k=4)
    ll = sw.unit_points(provinces)
    d = haversine_distances(np.radians(ll[:, ::-1])) * R
    np.fill_diagonal(d, np.inf)
    for i in range(len(provinces)):
        assert set(g[i].index) == set(np.argsort(d[i])[:4])
    # libpysal on the same points (haversine metric) gives the same sets
    ref = Graph.build_knn(gpd.GeoSeries(gpd.points_from_xy(ll[:, 0], ll[:, 1])), k=4, metric="haversine")
    assert edge_set(g) == edge_set(ref)


def test_distance_band_and_inverse_distance(provinces):
    ll = sw.unit_points(provinces)
    d = haversine_distances(np.radians(ll[:, ::-1])) * R
    band = sw.build(provinces, "distance_band", threshold_km=900, islands="keep")
    expect = {(i, j) for i in range(len(d)) for j in range(len(d)) if i != j and d[i, j] <= 900}
    assert edge_set(band) == expect
    # a unit farther than 900 km from all others (Tibet) is linked to its nearest by default
    lonely = [i for i in range(len(d)) if not any(d[i, j] <= 900 for j in range(len(d)) if j != i)]
    assert lonely and set(sw.islands(band)) == set(lonely)
    assert not sw.build(provinces, "distance_band", threshold_km=900).isolates.size
    inv = sw.build(provinces, "inverse_distance", power=2)
    dense = inv.sparse.toarray()
    off = ~np.eye(len(d), dtype=bool)
    np.testing.assert_allclose(dense[off], d[off] ** -2, rtol=1e-9)
    cut = sw.build(provinces, "inverse_distance", power=1, threshold_km=900, islands="keep")
    assert edge_set(cut) == expect
    dense = cut.sparse.toarray()
    np.testing.assert_allclose(dense[dense > 0], 1 / d[dense > 0], rtol=1e-9)
    with pytest.raises(WeightsError, match="threshold_km"):
        sw.build(provinces, "inverse_distance", threshold_km=900)


def test_distance_matrix_against_geodesic_scale():
    # Beijing – Shanghai great-circle ≈ 1,067 km (spherical); geodesic on WGS84 ≈ 1,068 km
    d = sw.distance_matrix_km(np.array([[116.4074, 39.9042], [121.4737, 31.2304]]))
    assert d[0, 0] == 0 and abs(d[0, 1] - 1067.3) < 2


def test_economic_weights(provinces):
    p = provinces.assign(x=np.arange(len(provinces), dtype=float) ** 1.5 + 1)
    g = sw.build(p, "economic", column="x", base="queen")
    q = sw.build(p, "queen", islands="keep")
    x = p["x"].to_numpy()
    adj = g.adjacency
    i = adj.index.get_level_values(0).to_numpy()
    j = adj.index.get_level_values(1).to_numpy()
    np.testing.assert_allclose(adj.to_numpy(), 1 / np.abs(x[i] - x[j]))
    hainan = int(np.flatnonzero(p["name_short"] == "海南")[0])
    guangdong = int(np.flatnonzero(p["name_short"] == "广东")[0])
    # queen pairs plus the island link Hainan–Guangdong (default island policy)
    assert edge_set(g) == edge_set(q) | {(hainan, guangdong), (guangdong, hainan)}
    # panel mean and inverse-distance base
    p2 = p.assign(y=p["x"] * 2)
    g2 = sw.build(p2, "economic", column=["x", "y"], power=1)
    ll = sw.unit_points(p2)
    d = haversine_distances(np.radians(ll[:, ::-1])) * R
    xm = (x + 2 * x) / 2
    dense = g2.sparse.toarray()
    off = ~np.eye(len(x), dtype=bool)
    with np.errstate(divide="ignore"):
        expected = 1 / d / np.abs(xm[:, None] - xm[None, :])
    np.testing.assert_allclose(dense[off], expected[off], rtol=1e-9)


def test_as_graph_accepts_w_and_reorders(provinces):
    g = sw.build(provinces.set_index("adcode"), "queen")
    w = g.to_W()
    assert edge_set(sw.as_graph(w)) == edge_set(g)
    shuffled = list(reversed(g.unique_ids))
    g2 = sw.as_graph(g, shuffled)
    assert list(g2.unique_ids) == shuffled
    assert edge_set(g2) == edge_set(g)
    # sparse lines up with the requested order
    s = g2.sparse.toarray()
    a, b = shuffled.index(130000), shuffled.index(110000)
    assert s[a, b] == 1
    assert sw.report(g2) == sw.report(g)


def test_as_graph_mismatch(provinces):
    g = sw.build(provinces, "queen")
    with pytest.raises(AlignmentError, match="not in the weights"):
        sw.as_graph(g, list(range(30)) + [99])
    with pytest.raises(AlignmentError, match="duplicated"):
        sw.as_graph(g, [0] * 31)
    with pytest.raises(WeightsError):
        sw.as_graph(np.eye(3))


def test_bad_input(provinces):
    with pytest.raises(CRSError):
        sw.build(provinces.set_crs(None, allow_override=True), "queen")
    pts = gpd.GeoDataFrame(geometry=[Point(100, 30), Point(101, 31), Point(102, 30)], crs=4326)
    with pytest.raises(GeometryError):
        sw.build(pts, "queen")
    assert sw.build(pts, "knn", k=1).n == 3
    with pytest.raises(DuplicateIdError):
        sw.build(provinces.set_index(pd.Index([1] * 31)), "queen")
    with pytest.raises(InputError, match="method"):
        sw.build(provinces, "bishop")
    with pytest.raises(InputError, match="k="):
        sw.build(provinces, "knn", k=31)
    with pytest.raises(InputError, match="threshold_km"):
        sw.build(provinces, "distance_band")
    same = provinces.assign(x=1.0)
    with pytest.raises(InputError, match="same value"):
        sw.build(same, "economic", column="x", base="queen")


def grid(nx: int, ny: int) -> gpd.GeoDataFrame:
    cells = [box(100 + x * 0.5, 30 + y * 0.5, 100.5 + x * 0.5, 30.5 + y * 0.5) for y in range(ny) for x in range(nx)]
    return gpd.GeoDataFrame(geometry=cells, crs=4490)


@settings(max_examples=15, deadline=None)
@given(nx=st.integers(2, 7), ny=st.integers(1, 6), seed=st.integers(0, 10_000))
def test_grid_properties(nx, ny, seed):
    g = grid(nx, ny)
    queen = sw.build(g, "queen")
    rook = sw.build(g, "rook")
    # lattice counts: rook 2·(nx−1)·ny + 2·nx·(ny−1) directed links... (×2 for both directions /2)
    assert queen.n_edges == 2 * ((nx - 1) * ny + nx * (ny - 1) + 2 * (nx - 1) * (ny - 1))
    assert rook.n_edges == 2 * ((nx - 1) * ny + nx * (ny - 1))
    assert edge_set(rook) <= edge_set(queen)
    s = queen.sparse
    assert (s != s.T).nnz == 0  # symmetric
    np.testing.assert_allclose(np.asarray(queen.transform("R").sparse.sum(axis=1)).ravel(), 1.0)
    # relabelling units permutes the graph
    perm = np.random.default_rng(seed).permutation(len(g))
    gp = sw.build(g.iloc[perm], "queen")
    assert edge_set(gp) == edge_set(queen)
