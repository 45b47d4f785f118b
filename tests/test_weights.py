"""Tests of spatialregion.weights.

Cases covered
-------------
* queen / rook contiguity: identical neighbour sets to libpysal ``Graph.build_contiguity``
  on the embedded provinces, the prefectures and libpysal's us48 states.
* hand-checked neighbours (河北 borders 北京, 天津, 山西, 内蒙古, 辽宁, 山东, 河南).
* island policy: Hainan linked to Guangdong by default and reported; "keep" leaves it
  isolated; "raise" raises IslandError; island_k links to k nearest; contiguity islands
  linked by boundary distance equal a brute-force search over all polygons in the
  equal-area CRS (islands of the prefectures, ties by id); distance-band islands linked
  to their nearest unit by the band's own distance.
* row order never changes neighbour sets (ids compared after shuffling rows): contiguity
  with islands, distance band with islands, knn on a lattice full of ties (ties by id,
  counted in the report as knn_ties).
* projected data use planar km in the CRS: a 10 km UTM lattice gives libpysal's
  distance-band link count and knn sets; geographic data GRS80 geodesic km; the report
  says which.
* threshold_km given in degrees (no pair linked) or metres (every pair linked) raises
  with the conversion hint.
* knn, distance band and inverse distance equal to an independent GRS80 geodesic computation
  (scalar ``pyproj.Geod`` per pair) and knn sets to libpysal built on the same points.
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


def geod_km(ll: np.ndarray) -> np.ndarray:
    """Independent reference: GRS80 ellipsoidal geodesic km, one scalar pyproj.Geod call per pair."""
    from pyproj import Geod

    geod = Geod(ellps="GRS80")
    n = len(ll)
    d = np.zeros((n, n))
    for a in range(n):
        for b in range(a + 1, n):
            d[a, b] = d[b, a] = geod.inv(ll[a, 0], ll[a, 1], ll[b, 0], ll[b, 1])[2] / 1000
    return d


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


def test_knn_matches_geodesic(provinces):
    g = sw.build(provinces, "knn", k_neighbours=4)
    ll = sw.unit_points(provinces)
    d = geod_km(ll)
    np.fill_diagonal(d, np.inf)
    for i in range(len(provinces)):
        assert set(g[i].index) == set(np.argsort(d[i])[:4])
    # libpysal on the same points (haversine metric, sphere) gives the same sets here: no near-ties on provinces
    ref = Graph.build_knn(gpd.GeoSeries(gpd.points_from_xy(ll[:, 0], ll[:, 1])), k=4, metric="haversine")
    assert edge_set(g) == edge_set(ref)


def test_distance_band_and_inverse_distance(provinces):
    ll = sw.unit_points(provinces)
    d = geod_km(ll)
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
    # islands of a cut-off inverse distance are linked to their nearest unit with w = 1/d
    linked = sw.build(provinces, "inverse_distance", power=1, threshold_km=900)
    for s in lonely:
        t = int(np.argsort(d[s])[1])
        assert linked.sparse[s, t] == pytest.approx(1 / d[s, t], rel=1e-9)
        assert linked.sparse[t, s] == pytest.approx(1 / d[s, t], rel=1e-9)


def test_distance_matrix_is_grs80_geodesic():
    """distance_matrix_km equals the GRS80 geodesic (scalar pyproj.Geod per pair) to 1e-12 relative
    (measured: exact, same algorithm), is symmetric with a zero diagonal; Beijing–Shanghai 1,065.85 km
    (the sphere would give 1,067.3 km); on the equator the geodesic is a·Δλ (a = 6378.137 km)."""
    rng = np.random.default_rng(5)
    ll = np.column_stack([rng.uniform(75, 135, 40), rng.uniform(18, 53, 40)])
    d = sw.distance_matrix_km(ll)
    np.testing.assert_allclose(d, geod_km(ll), rtol=1e-12, atol=0)
    assert (d == d.T).all() and (np.diag(d) == 0).all()
    bs = sw.distance_matrix_km(np.array([[116.4074, 39.9042], [121.4737, 31.2304]]))[0, 1]
    assert abs(bs - 1065.85) < 0.01 and abs(bs - 1067.3) > 1  # not the sphere's 1,067.3 km
    eq = sw.distance_matrix_km(np.array([[0.0, 0.0], [3.0, 0.0]]))[0, 1]
    assert eq == pytest.approx(6378.137 * np.radians(3.0), rel=1e-12)


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
    d = geod_km(ll)
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
    assert sw.build(pts, "knn", k_neighbours=1).n == 3
    with pytest.raises(DuplicateIdError):
        sw.build(provinces.set_index(pd.Index([1] * 31)), "queen")
    with pytest.raises(InputError, match="method"):
        sw.build(provinces, "bishop")
    with pytest.raises(InputError, match="k_neighbours="):
        sw.build(provinces, "knn", k_neighbours=31)
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


# --------------------------------------------------------------------------- issue 14.3 / 15.2
def neighbour_sets(g: Graph) -> dict:
    adj = g.adjacency[g.adjacency != 0]
    out: dict = {i: set() for i in g.unique_ids}
    for f, nb in zip(adj.index.get_level_values(0), adj.index.get_level_values(1)):
        out[f].add(nb)
    return out


def brute_nearest_polygons(gdf: gpd.GeoDataFrame, s: int, k: int) -> set:
    """Independent search: boundary distance from polygon s to every other in the equal-area CRS,
    nearest k, ties by id."""
    geom = gdf.geometry.to_crs(sw._equal_area_crs(gdf)).to_numpy()
    import shapely

    d = shapely.distance(geom[s], geom)
    ids = gdf.index.to_numpy()
    order = sorted((t for t in range(len(gdf)) if t != s), key=lambda t: (round(d[t], 6), ids[t]))
    return {ids[t] for t in order[:k]}


@pytest.mark.parametrize("island_k", [1, 3])
def test_contiguity_islands_equal_brute_force(prefectures, island_k):
    p = prefectures.reset_index(drop=True)
    kept = sw.build(p, "queen", islands="keep")
    iso = list(kept.isolates)
    assert iso  # Hainan's prefectures, Zhoushan, ...
    g = sw.build(p, "queen", island_k=island_k)
    nb = neighbour_sets(g)
    for s in iso:
        assert nb[s] == brute_nearest_polygons(p, s, island_k), p.loc[s, "name"]
    rep = sw.report(g)
    assert "boundary distance" in rep.distance and len(rep.island_links) == len(iso)


def shuffled(gdf: gpd.GeoDataFrame, seed: int) -> gpd.GeoDataFrame:
    return gdf.iloc[np.random.default_rng(seed).permutation(len(gdf))]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"method": "queen"},
        {"method": "queen", "island_k": 2},
        {"method": "distance_band", "threshold_km": 300},
        {"method": "knn", "k_neighbours": 3},
    ],
)
def test_row_order_never_changes_neighbour_sets(provinces, kwargs):
    p = provinces.set_index("adcode")
    ref = neighbour_sets(sw.build(p, **kwargs))
    for seed in range(3):
        assert neighbour_sets(sw.build(shuffled(p, seed), **kwargs)) == ref


def test_distance_band_islands_use_the_band_distance(provinces):
    """300 km on provinces: units with nothing within 300 km are linked to the nearest centroid
    (ellipsoidal geodesic km), not to a polygon touching them at boundary distance 0."""
    p = provinces.set_index("adcode")
    ll = sw.unit_points(p)
    d = geod_km(ll)
    np.fill_diagonal(d, np.inf)
    g = sw.build(p, "distance_band", threshold_km=300)
    nb = neighbour_sets(g)
    ids = p.index.to_numpy()
    lonely = [s for s in range(len(p)) if not (d[s] <= 300).any()]
    assert len(lonely) > 5
    for s in lonely:
        assert ids[int(np.argmin(d[s]))] in nb[ids[s]]
    assert "ellipsoidal geodesic km (GRS80" in sw.report(g).distance


def utm_lattice(nx: int = 10, ny: int = 8, size_m: float = 10_000.0) -> gpd.GeoDataFrame:
    x0, y0 = 500_000.0, 3_400_000.0
    cells = [box(x0 + a * size_m, y0 + b * size_m, x0 + (a + 1) * size_m, y0 + (b + 1) * size_m) for b in range(ny) for a in range(nx)]
    return gpd.GeoDataFrame({"cell": [f"c{t:03d}" for t in range(nx * ny)]}, geometry=cells, crs=32650).set_index("cell")


def test_projected_lattice_matches_libpysal_distance_band():
    lat = utm_lattice()
    g = sw.build(lat, "distance_band", threshold_km=10)
    ref = Graph.build_distance_band(lat.centroid, 10_000)
    assert g.n_edges == ref.n_edges == 2 * (9 * 8 + 10 * 7)
    assert edge_set(g) == edge_set(ref)
    rep = sw.report(g)
    assert "planar km" in rep.distance and "EPSG:32650" in rep.distance
    # diagonal cells are 14.14 km apart
    assert sw.build(lat, "distance_band", threshold_km=14.2).n_edges == ref.n_edges + 2 * 2 * 9 * 7
    inv = sw.build(lat, "inverse_distance", power=1, threshold_km=10)
    np.testing.assert_allclose(inv.sparse.data, 0.1)


def test_knn_ties_broken_by_id_and_reported():
    lat = utm_lattice()
    g = sw.build(lat, "knn", k_neighbours=3)  # interior cells have 4 neighbours at 10 km: a tie
    rep = sw.report(g)
    assert rep.params["knn_ties"] > 0
    nb = neighbour_sets(g)
    ids = list(lat.index)
    # interior cell c011 (row 1, col 1): rook neighbours c001, c010, c012, c021 tie; the 3 smallest ids win
    assert nb["c011"] == {"c001", "c010", "c012"}
    for seed in range(3):
        assert neighbour_sets(sw.build(shuffled(lat, seed), "knn", k_neighbours=3)) == nb
    assert rep.params["knn_ties"] == 8 * 6  # every interior cell, no edge or corner cell
    # k_neighbours=4: interior cells have exactly 4 at 10 km (no tie) and equal libpysal's sets;
    # each of the 32 border cells ties at its 4th distance (diagonals or 20 km cells)
    g4 = sw.build(lat, "knn", k_neighbours=4)
    assert sw.report(g4).params["knn_ties"] == 2 * (10 + 8) - 4
    ref = neighbour_sets(Graph.build_knn(lat.centroid, k=4))
    rook = neighbour_sets(Graph.build_contiguity(lat, rook=True))
    interior = [i for i in ids if len(rook[i]) == 4]
    assert len(interior) == 48
    for i in interior:
        assert neighbour_sets(g4)[i] == ref[i] == rook[i]


@pytest.mark.parametrize("threshold, match", [(2.5, "degrees"), (10_000, "metres")])
def test_threshold_in_wrong_units_raises(provinces, threshold, match):
    with pytest.raises(InputError, match=match):
        sw.build(provinces, "distance_band", threshold_km=threshold)


def test_threshold_metres_on_projected_lattice_raises():
    with pytest.raises(InputError, match="threshold_km=10"):
        sw.build(utm_lattice(), "distance_band", threshold_km=10_000)


def test_w_to_sparse_without_libpysal_loop_equals_w_sparse():
    """as_sparse builds a W's matrix by one vectorised lookup; it equals libpysal's ``W.sparse``
    (ids out of order, row-standardised weights) and is aligned by id to the data."""
    from libpysal.weights import W

    nb = {"c": ["a", "b"], "a": ["c"], "b": ["c", "d"], "d": ["b"]}
    w = W(nb, id_order=["d", "a", "c", "b"], silence_warnings=True)
    w.transform = "r"
    fresh = W(nb, id_order=["d", "a", "c", "b"], silence_warnings=True)
    fresh.transform = "r"
    sm = sw.as_sparse(fresh, ["a", "b", "c", "d"])
    ref = pd.DataFrame(w.sparse.toarray(), index=w.id_order, columns=w.id_order).loc[list("abcd"), list("abcd")]
    np.testing.assert_array_equal(sm.matrix.toarray(), ref.to_numpy())


def test_unit_points_layer_symmetric_about_equator():
    """A layer outside China whose latitudes are symmetric about the equator (a local Albers would get
    lat_1 + lat_2 = 0, undefined) gets equal-area centroids: squares symmetric about the equator have
    their centroid on it, and off-equator cells match the centroids in an independent equal-area CRS."""
    cells = [box(x, y, x + 2, y + 2) for x in (10, 12, 14) for y in (-10, -8, -6, -4, -2, 0, 2, 4, 6, 8)]
    cells.append(box(20, -3, 22, 3))  # symmetric about the equator
    gdf = gpd.GeoDataFrame({"v": np.arange(len(cells))}, geometry=cells, crs="EPSG:4326")
    pts = sw.unit_points(gdf)
    assert abs(pts[-1, 1]) < 1e-9  # the layer's bounds are symmetric too: the CRS is symmetric about the equator
    # straight-edged cells have projection-dependent centroids (their edges are straight in the projection used);
    # against the cylindrical equal-area CRS they agree to ~0.005 degrees on 2-6 degree cells (measured 0.0052)
    ref = gdf.geometry.to_crs("+proj=cea +lon_0=15 +ellps=GRS80").centroid.to_crs("EPSG:4326")
    np.testing.assert_allclose(pts[:, 0], ref.x, atol=0.01)
    np.testing.assert_allclose(pts[:, 1], ref.y, atol=0.01)
    assert gdf.geometry.contains(gpd.GeoSeries(gpd.points_from_xy(pts[:, 0], pts[:, 1]), crs="EPSG:4326"), align=False).all()
    g = sw.build(gdf, "knn", k_neighbours=2)
    assert g.n == len(cells)


def test_graph_matrix_cached_and_read_only(provinces_queen, provinces):
    """The Graph's CSR is computed once (a Graph is immutable) and shared read-only:
    a caller modifying what it received gets an error, and the cache stays intact."""
    from spatialregion.weights import as_sparse

    first = as_sparse(provinces_queen, provinces.index).matrix
    reference = first.toarray().copy()
    with pytest.raises(ValueError, match="read-only"):
        first.data[:] = -1.0
    with pytest.raises(ValueError, match="read-only"):
        first.indices[0] = 0
    doubled = first * 2.0  # scipy's operations give new matrices
    doubled.data[:] = 0.0
    again = as_sparse(provinces_queen, provinces.index).matrix
    np.testing.assert_array_equal(again.toarray(), reference)
    shuffled = provinces.index[::-1]
    back = as_sparse(provinces_queen, shuffled).matrix.toarray()
    np.testing.assert_array_equal(back, reference[::-1, ::-1])


def test_report_lists_a_few_island_links_and_names_a_nameless_crs(provinces):
    """A one-line report stays one readable line when many units are islands; a PROJ-string
    CRS (no name) is described, not called 'unknown'."""
    from spatialregion.crs import ALBERS

    pa = provinces.to_crs(ALBERS)
    g = sw.build(pa, "distance_band", threshold_km=250)
    rep = sw.report(g)
    assert len(rep.island_links) > 5
    text = str(rep)
    assert f"{len(rep.island_links)} islands linked to nearest" in text
    assert f"… {len(rep.island_links) - 5} more (weights.report(w).island_links lists all)" in text
    assert text.count("→") == 5
    assert "China Albers equal-area CRS" in text and "unknown" not in text


def test_graph_with_unsorted_neighbours_equals_libpysal_sparse():
    """A Graph whose neighbours are not sorted within a focal (built with is_sorted=True) takes
    the sorting path on copies (the Graph's own codes are read-only) and equals Graph.sparse."""
    import pandas as pd
    from libpysal.graph import Graph

    from spatialregion.weights import as_sparse

    idx = pd.MultiIndex.from_arrays([[0, 0, 1, 1, 2, 2], [2, 1, 2, 0, 1, 0]], names=["focal", "neighbor"])
    g = Graph(pd.Series([1.0, 2, 3, 4, 5, 6], index=idx, name="weight"), is_sorted=True)
    m = as_sparse(g).matrix
    assert m.has_sorted_indices
    np.testing.assert_array_equal(m.toarray(), g.sparse.toarray())
    np.testing.assert_array_equal(g._adjacency.to_numpy(), [1.0, 2, 3, 4, 5, 6])  # the Graph is untouched
