"""Benchmark: zone shares of the prefecture-level units × a ~100k-polygon zone layer.

Prints the wall time of spatialregion.zoning.overlay_shares (rectangle fast path, general
path, dask engine) and of a plain ``geopandas.overlay`` + area + groupby on the same data,
measured in the same run, with the ratios and the largest relative difference in area.

Layers: ``grid`` — a regular ~9.8 km grid in China Albers clipped to the cells that meet
China (~101k squares, three random classes; seed 0); ``voronoi`` — ~100k irregular
Voronoi polygons over the same extent (no fast path applies).

Run: ``python benchmarks/bench_zoning.py [--quick]`` (``--quick``: one province, ~7k cells).
"""

from __future__ import annotations

import sys
import time
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import spatialregion as sr  # noqa: E402
from spatialregion import zoning as Z  # noqa: E402


def grid_layer(units_albers, cell: float, seed: int = 0):
    xmin, ymin, xmax, ymax = units_albers.total_bounds
    xs, ys = np.meshgrid(np.arange(xmin, xmax, cell), np.arange(ymin, ymax, cell))
    cells = shapely.box(xs.ravel(), ys.ravel(), xs.ravel() + cell, ys.ravel() + cell)
    area = shapely.union_all(units_albers.geometry.values)
    cells = cells[np.unique(shapely.STRtree(cells).query(area, predicate="intersects"))]
    rng = np.random.default_rng(seed)
    return gpd.GeoDataFrame({"zone": rng.choice(["urban", "agricultural", "ecological"], cells.size)}, geometry=cells, crs=Z.ALBERS)


def voronoi_layer(units_albers, n: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    area = shapely.union_all(units_albers.geometry.values)
    xmin, ymin, xmax, ymax = area.bounds
    pts = shapely.points(rng.uniform(xmin, xmax, 3 * n), rng.uniform(ymin, ymax, 3 * n))
    pts = pts[shapely.contains_xy(area, shapely.get_x(pts), shapely.get_y(pts))][:n]
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(pts), extend_to=shapely.box(xmin, ymin, xmax, ymax)))
    cells = shapely.intersection(cells, shapely.box(xmin, ymin, xmax, ymax))
    return gpd.GeoDataFrame({"zone": rng.choice(["urban", "agricultural", "ecological"], cells.size)}, geometry=cells, crs=Z.ALBERS)


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def overlay_table(units, zones):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ov = gpd.overlay(units.to_crs(Z.ALBERS), zones.to_crs(Z.ALBERS), how="intersection")
    ov["a"] = ov.geometry.area / 1e6
    return ov.groupby(["adcode", "zone"])["a"].sum().unstack(fill_value=0.0)


def max_rel_diff(res, ref):
    d = 0.0
    for c in ref.columns:
        ours = res.table.loc[ref.index, f"{c}_km2"].to_numpy()
        theirs = ref[c].to_numpy()
        ok = theirs > 1e-6
        d = max(d, float(np.max(np.abs(ours[ok] / theirs[ok] - 1))) if ok.any() else 0.0)
    return d


def main(quick: bool = False) -> None:
    units = sr.load("prefectures")
    if quick:
        units = units[units["province"] == "四川"]
    ua = units.to_crs(Z.ALBERS)
    cell = 9_800.0 if not quick else 6_000.0
    layers = {"grid": grid_layer(ua, cell)}
    layers["voronoi"] = voronoi_layer(ua, len(layers["grid"]))
    print(f"{len(units)} units; machine shared with other engineers (2 cores) — times are indicative")
    for name, zones in layers.items():
        print(f"\n== {name}: {len(zones):,} zone polygons")
        res, t_ours = timed(lambda: Z.overlay_shares(units, zones, zone_column="zone", id_column="adcode"))
        print(f"overlay_shares (default{', rectangle fast path' if name == 'grid' else ''}): {t_ours:8.2f} s")
        if name == "grid":
            gen, t_gen = timed(lambda: Z.overlay_shares(units, zones, zone_column="zone", id_column="adcode", rect_clip=False))
            print(f"overlay_shares (general path, rect_clip=False): {t_gen:8.2f} s   max |diff| {np.abs(gen.table - res.table).max().max():.2e} km2")
        dres, t_dask = timed(lambda: Z.overlay_shares(units, zones, zone_column="zone", id_column="adcode", engine="dask", scheduler="threads"))
        print(f"overlay_shares (engine='dask', threads):   {t_dask:8.2f} s   max |diff| {np.abs(dres.table - res.table).max().max():.2e} km2")
        ref, t_gpd = timed(lambda: overlay_table(units, zones))
        print(f"geopandas.overlay + area + groupby:         {t_gpd:8.2f} s")
        print(f"ratio geopandas / ours: {t_gpd / t_ours:6.1f}x   max relative area difference {max_rel_diff(res, ref):.2e}")


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
