"""Tests of spatialregion.centrography (standard deviational ellipse, centre migration).

Cases covered
-------------
* hand case: points on a line at azimuth 30° plus a symmetric perpendicular offset —
  rotation, both semi-axes and the centre exact;
* independent check: eigen-decomposition of the weighted covariance gives the same
  semi-axes (x sqrt 2) and long-axis azimuth (hypothesis, random points and weights);
* pointpats peers: ``weighted_mean_center``, ``ellipse(method="yuill", crimestatCorr=True,
  degfreedCorr=False)`` (= the ArcGIS sqrt(2) scaling) and ``std_distance`` (= sqrt(a² + b²)
  of the plain unweighted ellipse);
* area = pi a b and the polygon's own area; Ramanujan perimeter vs the complete elliptic
  integral 4 a E(e²); flattening;
* translation invariance of the axes (hypothesis); n_std/scale multiply the axes;
  axis-aligned degenerate orientations (0° and 90°);
* direction words at sector edges; migration: geodesic distance vs an independent
  haversine, bearing of an eastward move, year parsing and speed, rotation change wrap;
* GeoPackage: three layers with QGIS styles in ``layer_styles``; the map draws ellipses
  and arrows; the embedded provinces (when the boundary layer is available);
* calling convention (issue 12): value weights are ``sample_weight`` (keyword-only; a
  Graph raises), ``migration(data, columns)`` rejects a str; unit points come from
  ``weights.unit_points`` (centre = weighted mean of them in Albers); results are table
  results that still write their polygons to GeoPackage.
* bad input: NaN / negative / all-zero weights, unknown weight column, wrong length,
  geographic target CRS, missing CRS, fewer than 3 units, n_std/scale outside the choices.
"""

from __future__ import annotations

import sqlite3

import geopandas as gpd
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import ellipe

from spatialregion.centrography import direction_words, mean_centre, migration, standard_ellipse
from spatialregion.crs import ALBERS
from spatialregion.errors import CRSError, InputError, MissingValueError

pointpats = pytest.importorskip("pointpats")
from pointpats import centrography as ppc  # noqa: E402


def albers_points(xy: np.ndarray, **cols) -> gpd.GeoDataFrame:
    """Points given directly in the Albers CRS, so the projection step is the identity."""
    return gpd.GeoDataFrame(cols, geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=ALBERS)


def eigen_sde(xy: np.ndarray, w: np.ndarray) -> tuple[float, float, float]:
    """Independent reference: eigen-decomposition of the weighted (population) covariance."""
    c = np.average(xy, axis=0, weights=w)
    d = xy - c
    cov = (d * w[:, None]).T @ d / w.sum()
    vals, vecs = np.linalg.eigh(cov)
    major = vecs[:, 1]
    az = np.degrees(np.arctan2(major[0], major[1])) % 180.0
    vals = np.clip(vals, 0.0, None)  # collinear points: round-off can give -1e-10
    return np.sqrt(2 * vals[1]), np.sqrt(2 * vals[0]), az


def test_hand_case_line_at_30_degrees():
    th = np.radians(30.0)
    u = np.array([np.sin(th), np.cos(th)])  # azimuth 30° (clockwise from north)
    v = np.array([np.cos(th), -np.sin(th)])
    c = np.array([500_000.0, 3_500_000.0])
    xy = np.array([c + 3000 * u, c - 3000 * u, c + 1000 * v, c - 1000 * v])
    e = standard_ellipse(albers_points(xy), crs=ALBERS, scale="plain")
    assert e.rotation_deg == pytest.approx(30.0, abs=1e-9)
    # along: (3000² + 3000²)/4, across: (1000² + 1000²)/4; the unit points pass through
    # weights.unit_points' lon/lat and back (round trip ~1e-9 m), hence abs 1e-11 km
    assert e.semi_major_km == pytest.approx(np.sqrt(18e6 / 4) / 1000, rel=0, abs=1e-11)
    assert e.semi_minor_km == pytest.approx(np.sqrt(2e6 / 4) / 1000, rel=0, abs=1e-11)
    assert (e.centre_x, e.centre_y) == pytest.approx(tuple(c), abs=1e-6)
    arc = standard_ellipse(albers_points(xy), crs=ALBERS)  # default arcgis: x sqrt(2)
    assert arc.semi_major_km == pytest.approx(np.sqrt(2) * e.semi_major_km, rel=1e-12)
    # the long axis end lies on the polygon boundary
    import shapely

    tip = shapely.Point(*(c + 1000 * arc.semi_major_km * u))
    assert arc.ellipse.exterior.distance(tip) < 1e-6 * 1000 * arc.semi_major_km


@pytest.mark.parametrize(("dx", "dy", "expected"), [(5000.0, 1000.0, 90.0), (1000.0, 5000.0, 0.0)])
def test_axis_aligned(dx, dy, expected):
    xy = np.array([[dx, 0], [-dx, 0], [0, dy], [0, -dy]]) + [400_000.0, 3_000_000.0]
    e = standard_ellipse(albers_points(xy), crs=ALBERS)
    assert e.rotation_deg == pytest.approx(expected)


@settings(max_examples=30, deadline=None)
@given(
    pts=st.lists(st.tuples(st.floats(-2e6, 2e6), st.floats(-2e6, 2e6), st.floats(0.1, 100.0)), min_size=4, max_size=30),
    shift=st.tuples(st.floats(-1e5, 1e5), st.floats(-1e5, 1e5)),
)
def test_matches_eigen_decomposition_and_translation(pts, shift):
    arr = np.array(pts)
    xy, w = arr[:, :2] + [0.0, 4e6], arr[:, 2]
    ref_a, ref_b, ref_az = eigen_sde(xy, w)
    if ref_a < 1.0 or (ref_a - ref_b) / ref_a < 1e-6:  # degenerate or circular: rotation undefined
        return
    e = standard_ellipse(albers_points(xy, w=w), sample_weight="w", crs=ALBERS)
    assert e.semi_major_km * 1000 == pytest.approx(ref_a, rel=1e-7)
    assert e.semi_minor_km * 1000 == pytest.approx(ref_b, rel=1e-6, abs=1e-3)
    diff = (e.rotation_deg - ref_az + 90) % 180 - 90
    assert abs(diff) < 1e-4
    moved = standard_ellipse(albers_points(xy + np.array(shift), w=w), sample_weight="w", crs=ALBERS)
    assert moved.semi_major_km == pytest.approx(e.semi_major_km, rel=1e-7)
    assert moved.centre_x == pytest.approx(e.centre_x + shift[0], abs=1e-3)


def test_pointpats_peers(rng):
    xy = rng.normal(0, 1, (60, 2)) @ np.array([[300_000.0, 120_000.0], [0.0, 150_000.0]]) + [600_000.0, 3_300_000.0]
    w = rng.uniform(0.5, 5.0, 60)
    g = albers_points(xy, w=w)
    e = standard_ellipse(g, sample_weight="w", crs=ALBERS)
    cx, cy = ppc.weighted_mean_center(xy, w)
    assert (e.centre_x, e.centre_y) == pytest.approx((cx, cy), rel=1e-12)
    a, b, _ = ppc.ellipse(xy, weights=w, method="yuill", crimestatCorr=True, degfreedCorr=False)
    assert sorted([e.semi_minor_km, e.semi_major_km]) == pytest.approx(sorted([a / 1000, b / 1000]), rel=1e-10)
    plain = standard_ellipse(g, crs=ALBERS, scale="plain")
    assert np.hypot(plain.semi_major_km, plain.semi_minor_km) * 1000 == pytest.approx(ppc.std_distance(xy), rel=1e-10)


def test_area_perimeter_flattening(rng):
    xy = rng.normal(0, 1, (40, 2)) * [400_000.0, 100_000.0] + [500_000.0, 3_500_000.0]
    e = standard_ellipse(albers_points(xy), crs=ALBERS, n_std=2)
    a, b = e.semi_major_km, e.semi_minor_km
    assert e.area_km2 == pytest.approx(np.pi * a * b, rel=1e-12)
    assert e.ellipse.area / 1e6 == pytest.approx(e.area_km2, rel=1e-3)  # 180-vertex polygon
    exact = 4 * a * ellipe(1 - (b / a) ** 2)
    assert e.perimeter_km == pytest.approx(exact, rel=1e-3)
    assert e.flattening == pytest.approx((a - b) / a)
    e1 = standard_ellipse(albers_points(xy), crs=ALBERS, n_std=1)
    assert e.semi_major_km == pytest.approx(2 * e1.semi_major_km, rel=1e-12)


def test_geographic_input_and_mean_centre():
    lon = np.array([100.0, 110.0, 120.0, 110.0])
    lat = np.array([30.0, 35.0, 30.0, 25.0])
    g = gpd.GeoDataFrame({"w": [1.0, 1.0, 1.0, 5.0]}, geometry=gpd.points_from_xy(lon, lat), crs=4490)
    e = standard_ellipse(g, sample_weight="w")
    mlon, mlat = mean_centre(g, sample_weight="w")
    assert (e.centre_lon, e.centre_lat) == pytest.approx((mlon, mlat), abs=1e-9)
    # the weighted centre in Albers is pulled towards the heavy southern point
    assert 25 < mlat < 30 and 108 < mlon < 112
    frame = e.to_frame()
    assert frame.crs.to_epsg() == 4490 and frame.geometry.iloc[0].contains(gpd.points_from_xy([mlon], [mlat])[0])


def test_direction_words():
    zh, en = direction_words([0, 22.4, 22.6, 45, 90, 180, 225, 290, 337.6, 359.9, -10])
    assert list(zh) == ["北", "北", "东北", "东北", "东", "南", "西南", "西", "北", "北", "北"]
    assert list(en[:5]) == ["north", "north", "northeast", "northeast", "east"]


def haversine_km(lon1, lat1, lon2, lat2, r=6371.0088):
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dl = np.radians(lon2 - lon1)
    h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * r * np.arcsin(np.sqrt(h))


def eastward_units() -> gpd.GeoDataFrame:
    lon = np.array([103.0, 107.0, 105.0, 105.0, 109.0])
    lat = np.array([34.0, 34.0, 37.0, 31.0, 34.0])
    return gpd.GeoDataFrame(
        {"v2011": [1.0, 1.0, 1.0, 1.0, 0.0], "v2015": [1.0, 1.0, 1.0, 1.0, 2.0], "v2019": [0.5, 1, 1, 1, 4.0]},
        geometry=gpd.points_from_xy(lon, lat),
        crs=4490,
    )


def test_migration_path():
    g = eastward_units()
    m = migration(g, ["v2011", "v2015", "v2019"])
    assert list(m.ellipses.index) == [2011, 2015, 2019]
    p = m.path
    assert len(p) == 2
    e = m.ellipses
    ref = haversine_km(e.centre_lon.iloc[0], e.centre_lat.iloc[0], e.centre_lon.iloc[1], e.centre_lat.iloc[1])
    assert p["distance_km"].iloc[0] == pytest.approx(ref, rel=5e-3)
    assert p["bearing_deg"].iloc[0] == pytest.approx(90.0, abs=3.0)
    assert p["direction_zh"].iloc[0] == "东" and p["direction_en"].iloc[0] == "east"
    assert p["speed_km_per_year"].iloc[0] == pytest.approx(p["distance_km"].iloc[0] / 4)
    assert (p["d_rotation_deg"].abs() <= 90).all()
    # a {period: column} mapping keeps its labels
    m2 = migration(g, {"early": "v2011", "late": "v2015"})
    assert list(m2.ellipses.index) == ["early", "late"] and "speed_km_per_year" not in m2.path
    text = str(m.summary())
    assert "Centre migration" in text and "东" in text


def test_gpkg_layers_and_map(tmp_path):
    g = eastward_units()
    m = migration(g, ["v2011", "v2015", "v2019"])
    out = m.to_gpkg(tmp_path / "sde.gpkg")
    import pyogrio

    layers = {name: kind for name, kind in pyogrio.list_layers(out) if name != "layer_styles"}
    assert layers == {"sde_ellipses": "Polygon", "sde_centres": "Point", "sde_path": "LineString"}
    with sqlite3.connect(out) as con:
        styled = {r[0] for r in con.execute("select f_table_name from layer_styles")}
    assert styled == set(layers)
    back = gpd.read_file(out, layer="sde_path")
    assert len(back) == 2 and back["distance_km"].iloc[0] == pytest.approx(m.path["distance_km"].iloc[0])
    ax = m.plot()
    assert sum(len(line.get_xdata()) > 100 for line in ax.lines) == 3  # three ellipse outlines
    assert len([t for t in ax.texts]) >= 2  # arrows are annotations
    plt.close("all")


def test_bad_input():
    g = eastward_units()
    with pytest.raises(MissingValueError, match="row"):
        standard_ellipse(g.assign(w=[1, np.nan, 1, 1, 1]), sample_weight="w")
    with pytest.raises(InputError, match="negative"):
        standard_ellipse(g.assign(w=[1, -1, 1, 1, 1]), sample_weight="w")
    with pytest.raises(InputError, match="zero for every unit"):
        standard_ellipse(g.assign(w=0.0), sample_weight="w")
    with pytest.raises(InputError, match="not a column"):
        standard_ellipse(g, sample_weight="gdp")
    with pytest.raises(InputError, match="2 values but the data has 5 units"):
        standard_ellipse(g, sample_weight=[1.0, 2.0])
    with pytest.raises(CRSError, match="geographic"):
        standard_ellipse(g, crs="EPSG:4326")
    with pytest.raises(CRSError):
        standard_ellipse(g.set_crs(None, allow_override=True))
    with pytest.raises(InputError, match="at least 3"):
        standard_ellipse(g.assign(w=[1.0, 1.0, 0, 0, 0]), sample_weight="w")
    with pytest.raises(InputError, match="n_std"):
        standard_ellipse(g, n_std=4)
    with pytest.raises(InputError, match="scale"):
        standard_ellipse(g, scale="crimestat")
    with pytest.raises(MissingValueError):
        migration(g.assign(v2015=[1, 1, None, 1, 1]), ["v2011", "v2015"])


def test_provinces_ai_index():
    regions = pytest.importorskip("spatialregion.regions")
    from spatialregion import datasets

    prov = regions.load("provinces")
    ai = datasets.ai_index().rename(columns={"province": "name_short"})
    prov = prov.merge(ai, on="name_short", how="left", validate="one_to_one")
    cols = ["ai2011", "ai2015", "ai2019", "ai2022"]
    m = migration(prov, cols)
    # the AI-weighted centre lies in central-eastern China (lon 108–118, lat 28–36)
    assert m.ellipses["centre_lon"].between(108, 118).all() and m.ellipses["centre_lat"].between(28, 36).all()
    # compare with an independent eigen computation on Albers centroids
    xy = np.column_stack([(c := prov.geometry.to_crs(ALBERS).centroid).x, c.y])
    a, b, az = eigen_sde(xy, prov["ai2022"].to_numpy())
    last = m.results[-1]
    assert last.semi_major_km * 1000 == pytest.approx(a, rel=1e-9)
    assert last.semi_minor_km * 1000 == pytest.approx(b, rel=1e-9)
    assert abs((last.rotation_deg - az + 90) % 180 - 90) < 1e-6
    assert isinstance(m.ellipses, pd.DataFrame)


def test_cli_and_demo(tmp_path):
    pytest.importorskip("spatialregion.regions")
    import typer
    from typer.testing import CliRunner

    from spatialregion import datasets
    from spatialregion.commands import centrography as cmd

    app = typer.Typer()
    app.callback()(lambda: None)  # keep sub-command mode with a single command
    cmd.register(app)
    csv = datasets.table_path("ai_index_provinces.csv")
    res = CliRunner().invoke(
        app,
        ["ellipse", "provinces", "-c", "ai2011,ai2022", "--table", str(csv), "--key", "province", "-o", str(tmp_path), "--no-figure"],
    )
    assert res.exit_code == 0, res.output
    path = pd.read_csv(tmp_path / "sde_path.csv", encoding="utf-8-sig")
    assert len(path) == 1 and path["distance_km"].iloc[0] > 0
    assert (tmp_path / "sde.gpkg").exists()
    bad = CliRunner().invoke(app, ["ellipse", "provinces", "-c", "ai2011", "--table", str(csv), "--key", "nope"])
    assert bad.exit_code != 0 and "nope" in str(bad.exception)


def test_calling_convention_sample_weight_and_contract(tmp_path, provinces_queen):
    """sample_weight are value weights (a Graph raises), keyword-only; unit points from weights.unit_points;
    ellipse results are table results that still write their polygons to a GeoPackage."""
    import geopandas as gpd
    from pyproj import Transformer

    from spatialregion.cli import demo_provinces
    from spatialregion.results import TableResult
    from spatialregion.weights import unit_points

    prov = demo_provinces()
    with pytest.raises(InputError, match="spatial weights go to weights="):
        standard_ellipse(prov, sample_weight=provinces_queen)
    with pytest.raises(TypeError):
        standard_ellipse(prov, "ai2022")  # sample_weight is keyword-only
    with pytest.raises(TypeError):
        mean_centre(prov, "ai2022")
    with pytest.raises(InputError, match="list of column names"):
        migration(prov, "ai2022")
    e = standard_ellipse(prov, sample_weight="ai2022")
    # the centre is the weighted mean of weights.unit_points projected to China Albers
    ll = unit_points(prov)
    x, y = Transformer.from_crs("EPSG:4326", ALBERS, always_xy=True).transform(ll[:, 0], ll[:, 1])
    w = prov["ai2022"].to_numpy()
    assert (e.centre_x, e.centre_y) == pytest.approx((np.dot(w, x) / w.sum(), np.dot(w, y) / w.sum()), rel=0, abs=1e-6)
    assert mean_centre(prov, sample_weight=prov["ai2022"]) == pytest.approx((e.centre_lon, e.centre_lat), abs=1e-9)
    assert e.sample_weight == "ai2022"
    m = migration(prov, ["ai2011", "ai2022"])
    for r in (e, m):
        assert isinstance(r, TableResult) and str(r.summary()) and r == r
    back = gpd.read_file(e.to_gpkg(tmp_path / "e.gpkg"))
    assert len(back) == 1 and back["semi_major_km"].iloc[0] == pytest.approx(e.semi_major_km)
