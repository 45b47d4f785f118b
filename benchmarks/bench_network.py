"""Speed of the gravity-network pipeline for ≈ 370 and 2,900 units.

Run:  python benchmarks/bench_network.py

- 367 units: the embedded prefecture-level units (representative points);
- 2,900 units: county representative points when ``sr.load("counties")`` works (extra
  ``counties``), otherwise 2,900 random points inside the mainland provinces (seed 2026).

For each size it prints the time of: the geodesic distance matrix + gravity strengths
(``network.gravity``), the network build (``("top_k", 3)``), ``metrics()`` (exact betweenness for
367; 200 sampled sources for 2,900), ``core_periphery()`` and ``flow_lines(curved=True)``; and,
measured in the same run, ratios against the peers doing the same work:

- geodesic matrix vs ``pyproj.Geod.inv`` called pair by pair (a Python loop, 367 units only);
- closeness (in + out, all-pairs Dijkstra in scipy) vs ``networkx.closeness_centrality``;
- eigenvector (vectorised power iteration) vs ``networkx.eigenvector_centrality``.
"""

from __future__ import annotations

import time

import geopandas as gpd
import networkx as nx
import numpy as np
from pyproj import Geod

import spatialregion as sr
from spatialregion import network


def timed(f, *a, **k):
    t = time.perf_counter()
    out = f(*a, **k)
    return out, time.perf_counter() - t


def units_2900() -> gpd.GeoDataFrame:
    try:
        pts = sr.load("counties").representative_point()
        what = "county representative points"
    except Exception:  # noqa: BLE001 - any failure: fall back to random points
        prov = sr.load("provinces")
        china = prov.union_all()
        rng = np.random.default_rng(2026)
        x0, y0, x1, y1 = prov.total_bounds
        xy = []
        while len(xy) < 2900:
            cand = gpd.points_from_xy(rng.uniform(x0, x1, 4000), rng.uniform(y0, y1, 4000))
            xy += [p for p in cand[china.contains(cand)]]
        pts = gpd.GeoSeries(xy[:2900], crs=prov.crs)
        what = "random points in the mainland provinces (seed 2026)"
    rng = np.random.default_rng(7)
    gdf = gpd.GeoDataFrame({"gdp": rng.lognormal(5, 1, len(pts)), "pop": rng.lognormal(4, 1, len(pts))},
                           geometry=pts.to_numpy(), crs=pts.crs)
    return gdf, what


def bench(gdf: gpd.GeoDataFrame, label: str, peers: bool) -> None:
    n = len(gdf)
    print(f"\n== {n} units: {label}")
    grav, t_grav = timed(lambda: network.gravity(gdf, mass="gdp", population="pop"))
    net, t_net = timed(grav.network, ("top_k", 3))
    samples = None if n < 1000 else 200
    m, t_met = timed(net.metrics, betweenness_samples=samples, seed=1, eigenvector="undirected")
    _, t_cp = timed(net.core_periphery)
    _, t_fl = timed(net.flow_lines, curved=True)
    print(f"gravity (geodesic matrix + R)  {t_grav:8.2f} s")
    print(f"network build (top 3 per unit) {t_net:8.2f} s   ({net.graph.number_of_edges()} links)")
    print(f"metrics ({'exact' if samples is None else f'{samples}-source'} betweenness) {t_met:8.2f} s")
    print(f"core–periphery (least squares) {t_cp:8.2f} s")
    print(f"flow lines (Bézier arcs)       {t_fl:8.2f} s")
    print(f"total                          {t_grav + t_net + t_met + t_cp + t_fl:8.2f} s")
    if not peers:
        return
    # geodesic matrix vs a pair-by-pair pyproj loop
    from spatialregion.weights import distance_matrix_km, unit_points

    ll = unit_points(gdf, "representative")
    lon, lat = ll[:, 0], ll[:, 1]
    _, t_vec = timed(distance_matrix_km, ll)
    geod = Geod(ellps="GRS80")

    def loop():
        d = np.zeros((n, n))
        for i in range(n):
            for j in range(i + 1, n):
                d[i, j] = d[j, i] = geod.inv(lon[i], lat[i], lon[j], lat[j])[2] / 1000
        return d

    ref, t_loop = timed(loop)
    ours = distance_matrix_km(ll)
    off = ~np.eye(n, dtype=bool)
    err = (np.abs(ref - ours)[off] / ref[off]).max()
    print(f"great-circle matrix (sphere): vectorised {t_vec:.3f} s vs GRS80 pair loop {t_loop:.2f} s  ratio {t_loop / t_vec:.0f}x  (max relative diff {err:.2%})")
    # closeness and eigenvector vs networkx
    g = net.graph
    t0 = time.perf_counter()
    nx.closeness_centrality(g)
    nx.closeness_centrality(g.reverse())
    t_nx_close = time.perf_counter() - t0
    from scipy.sparse.csgraph import shortest_path

    t0 = time.perf_counter()
    shortest_path(nx.to_scipy_sparse_array(g, nodelist=net.ids), method="D", unweighted=True)
    t_sp_close = time.perf_counter() - t0
    print(f"closeness in+out: scipy all-pairs {t_sp_close:.3f} s vs networkx {t_nx_close:.2f} s  ratio {t_nx_close / t_sp_close:.0f}x")
    u = nx.Graph()
    u.add_nodes_from(g)
    for a, b in g.edges:
        u.add_edge(a, b, weight=u[a][b]["weight"] + 1.0 if u.has_edge(a, b) else 1.0)
    _, t_nx_eig = timed(nx.eigenvector_centrality, u, max_iter=1000, weight="weight")
    a = net.adjacency(weighted=False)
    _, t_eig = timed(network._eigenvector, a + a.T, 1000)
    print(f"eigenvector (undirected): vectorised {t_eig:.3f} s vs networkx {t_nx_eig:.3f} s  ratio {t_nx_eig / t_eig:.1f}x")


def main() -> None:
    print("spatialregion.network benchmark (times in seconds; machine may be shared)")
    pref = sr.load("prefectures")
    rng = np.random.default_rng(3)
    pref = pref.assign(gdp=rng.lognormal(5, 1, len(pref)), pop=rng.lognormal(4, 1, len(pref)))
    bench(pref, "embedded prefecture-level units, random masses (seed 3)", peers=True)
    gdf, what = units_2900()
    bench(gdf, what, peers=False)


if __name__ == "__main__":
    main()
