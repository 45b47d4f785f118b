"""Tests of spatialregion.zoning.

Cases covered
-------------
overlay_shares
  * hand-computed squares (share 0.5, 0.25, unzoned remainder), unit with no zone → unzoned = 1;
  * equal to geopandas.overlay (peer) within 1e-6 relative area: Voronoi zones × Voronoi units
    in Albers; geographic (EPSG:4490) inputs on real prefectures × the demo zoning;
  * rectangle fast path (regular grid) == general path == geopandas.overlay; rotated grid (no fast path);
  * engine="dask" gives the same numbers (small case, synchronous and threaded schedulers);
  * hypothesis: shares of every unit sum to 1 within 1e-9; permuting units permutes rows; inputs unchanged;
  * overlaps inside the zone layer: reported (area, rows, classes, kept), counted once by priority
    (hand-computed), custom priority, same-class overlap dissolved, overlaps="raise";
  * bad input: invalid geometry repaired (warning + count, area equals the make_valid overlay),
    missing CRS → CRSError, CRS mismatch reprojected, missing zone column, NaN class, reserved class,
    duplicated ids, non-polygons, geographic working CRS, unknown engine.
dominant_function: single / composite / mixed / unzoned / ties / margin / basis="zoned", DataFrame input.
conflicts: hand-computed pairwise overlaps of three squares, triple overlap counted once per unit,
  per-unit split equal to geopandas.overlay, no-overlap case, bad input.
change: hand-computed transition matrix incl. unzoned row/column, cube sums to unit area,
  probabilities rows sum to 1, transitions long table, per-unit gain/loss.
zonal_stats: hand-built 4×4 raster with a polygon cutting cells: centre / all_touched / exact cell sets
  and means known exactly; exact agrees with exactextract's own mean/count/min/max (peer); nodata
  excluded and counted; percentiles (inverted CDF) by hand; categorical fractions by hand; per
  unit × zone; vector reprojected to the raster CRS gives the same numbers; raster without CRS,
  bad method / kind / band; raster file path input; demo DEM by province.
Results: to_frame GeoDataFrame aligned to the input, summary renders, to_gpkg writes a styled layer.
Demo data: every layer valid in EPSG:4490 and Albers, expected classes, control lines overlap.
"""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spatialregion import zoning as Z
from spatialregion.errors import CRSError, DuplicateIdError, GeometryError, InputError, MissingValueError, SpatialRegionWarning

A = Z.ALBERS
KM = 1000.0


def sq(x0, y0, x1, y1):
    return shapely.box(x0 * KM, y0 * KM, x1 * KM, y1 * KM)


def gdf(geoms, crs=A, **cols):
    return gpd.GeoDataFrame(cols, geometry=list(geoms), crs=crs)


def voronoi(n, seed, extent=(0, 0, 300 * KM, 200 * KM)):
    rng = np.random.default_rng(seed)
    pts = shapely.multipoints(np.column_stack([rng.uniform(extent[0], extent[2], n), rng.uniform(extent[1], extent[3], n)]))
    cells = shapely.get_parts(shapely.voronoi_polygons(pts, extend_to=shapely.box(*extent)))
    return shapely.intersection(cells, shapely.box(*extent))


def overlay_reference(units, zones, id_col="uid", zone_col="zone"):
    """Per unit × class areas (km²) from geopandas.overlay in Albers."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        ov = gpd.overlay(units.to_crs(A), zones.to_crs(A), how="intersection")
    ov["a"] = ov.geometry.area / 1e6
    return ov.groupby([id_col, zone_col])["a"].sum().unstack(fill_value=0.0)


def assert_matches_reference(res, ref, rtol=1e-6):
    for cls in ref.columns:
        ours = res.table.loc[ref.index, f"{cls}_km2"].to_numpy()
        theirs = ref[cls].to_numpy()
        np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=1e-9 * res.table["unit_km2"].max())


# ---------------------------------------------------------------------------------------------
# overlay_shares
# ---------------------------------------------------------------------------------------------


def test_hand_computed_squares():
    units = gdf([sq(0, 0, 10, 10), sq(10, 0, 20, 10), sq(50, 50, 60, 60)], uid=["a", "b", "far"])
    zones = gdf([sq(0, 0, 5, 10), sq(10, 0, 15, 5), sq(5, 0, 10, 10)], zone=["urban", "agricultural", "ecological"])
    res = Z.overlay_shares(units, zones, zone_column="zone", id_column="uid")
    t = res.table
    assert t.loc["a", "urban_share"] == pytest.approx(0.5, abs=1e-12)
    assert t.loc["a", "ecological_share"] == pytest.approx(0.5, abs=1e-12)
    assert t.loc["a", "unzoned_share"] == pytest.approx(0.0, abs=1e-12)
    assert t.loc["b", "agricultural_share"] == pytest.approx(0.25, abs=1e-12)
    assert t.loc["b", "unzoned_km2"] == pytest.approx(75.0, rel=1e-12)
    assert t.loc["far", "unzoned_share"] == 1.0  # empty intersection
    assert t.loc["a", "unit_km2"] == pytest.approx(100.0)
    # default class order: protection before development
    assert res.classes == ("ecological", "agricultural", "urban")
    # pieces: touching edges produce no zero-area piece
    assert (res.pieces["area_km2"] > 0).all()
    assert set(res.pieces["unit"]) == {"a", "b"}
    assert len(res.overlaps) == 0


def test_matches_geopandas_overlay_voronoi():
    units = gdf(voronoi(25, 1), uid=[f"u{i}" for i in range(25)])
    zg = voronoi(400, 2)
    rng = np.random.default_rng(3)
    zones = gdf(zg, zone=rng.choice(["urban", "agricultural", "ecological", "x"], len(zg)))
    zones = zones[rng.random(len(zones)) < 0.85]  # leave gaps → unzoned
    res = Z.overlay_shares(units, zones, zone_column="zone", id_column="uid")
    assert_matches_reference(res, overlay_reference(units, zones))
    np.testing.assert_allclose(res.shares().sum(axis=1), 1.0, atol=1e-9)
    assert res.table.index.equals(pd.Index(units["uid"], name="uid"))


def test_matches_geopandas_overlay_geographic(prefectures):
    units = prefectures[prefectures["province"].isin(["河北", "北京", "天津"])].copy()
    zones = Z.demo_layer("three_spaces")
    zones = zones.iloc[zones.sindex.query(shapely.box(*units.total_bounds))]
    res = Z.overlay_shares(units, zones, zone_column="zone", id_column="adcode")
    assert res.reprojected
    ref = overlay_reference(units, zones, id_col="adcode")
    assert_matches_reference(res, ref)
    np.testing.assert_allclose(res.shares().sum(axis=1), 1.0, atol=1e-9)
    # the unit areas are planar Albers areas
    np.testing.assert_allclose(res.table["unit_km2"], units.to_crs(A).area.to_numpy() / 1e6, rtol=1e-12)


def grid(nx, ny, size, x0=0.0, y0=0.0, classes=("urban", "agricultural", "ecological"), seed=0):
    xs, ys = np.meshgrid(x0 + np.arange(nx) * size, y0 + np.arange(ny) * size)
    cells = shapely.box(xs.ravel(), ys.ravel(), xs.ravel() + size, ys.ravel() + size)
    rng = np.random.default_rng(seed)
    return gdf(cells, zone=rng.choice(list(classes), cells.size))


def test_rectangle_fast_path_equals_general_and_overlay():
    units = gdf(voronoi(12, 5, extent=(0, 0, 100 * KM, 80 * KM)), uid=list(range(12)))
    zones = grid(50, 40, 2 * KM, seed=4)
    fast = Z.overlay_shares(units, zones, zone_column="zone", id_column="uid")
    slow = Z.overlay_shares(units, zones, zone_column="zone", id_column="uid", rect_clip=False)
    np.testing.assert_allclose(fast.table.to_numpy(), slow.table.to_numpy(), rtol=1e-9, atol=1e-9)
    assert_matches_reference(fast, overlay_reference(units, zones))
    assert len(fast.pieces) == len(slow.pieces)
    # a rotated grid has no axis-aligned rectangles: general path, same numbers as overlay
    rot = zones.copy()
    rot["geometry"] = rot.geometry.rotate(20, origin=(50 * KM, 40 * KM))
    res = Z.overlay_shares(units, rot, zone_column="zone", id_column="uid")
    assert_matches_reference(res, overlay_reference(units, rot))


@pytest.mark.parametrize("scheduler", ["synchronous", "threads"])
def test_dask_engine_same_numbers(scheduler):
    units = gdf(voronoi(20, 7), uid=[f"u{i}" for i in range(20)])
    zones = grid(30, 20, 10 * KM, seed=8)
    ref = Z.overlay_shares(units, zones, zone_column="zone", id_column="uid")
    res = Z.overlay_shares(units, zones, zone_column="zone", id_column="uid", engine="dask", npartitions=3, scheduler=scheduler)
    assert res.engine == "dask"
    pd.testing.assert_frame_equal(res.table, ref.table, rtol=1e-12, atol=1e-12)
    assert len(res.pieces) == len(ref.pieces)
    np.testing.assert_allclose(res.pieces["area_km2"].to_numpy(), ref.pieces["area_km2"].to_numpy(), rtol=1e-12)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    n_units=st.integers(1, 8),
    cell=st.sampled_from([7.0, 13.0, 25.0]),
    keep=st.floats(0.0, 1.0),
)
def test_property_shares_sum_to_one_and_permutation(seed, n_units, cell, keep):
    units = gdf(voronoi(max(n_units, 2), seed, extent=(0, 0, 100 * KM, 100 * KM)))
    units["uid"] = [f"u{i}" for i in range(len(units))]
    zones = grid(int(110 // cell), int(110 // cell), cell * KM, x0=-5 * KM, y0=-5 * KM, seed=seed)
    rng = np.random.default_rng(seed)
    zones = zones[rng.random(len(zones)) < keep]
    if len(zones) == 0:
        zones = grid(1, 1, 1 * KM, x0=500 * KM)  # far away: everything unzoned
    before = units.copy()
    res = Z.overlay_shares(units, zones, zone_column="zone", id_column="uid")
    np.testing.assert_allclose(res.shares().sum(axis=1).to_numpy(), 1.0, atol=1e-9)
    assert (res.shares().to_numpy() >= -1e-12).all()
    pd.testing.assert_frame_equal(units, before)  # input unchanged
    perm = rng.permutation(len(units))
    res_p = Z.overlay_shares(units.iloc[perm], zones, zone_column="zone", id_column="uid")
    pd.testing.assert_frame_equal(res_p.table.loc[res.table.index], res.table, rtol=1e-10, atol=1e-9)


def test_overlaps_reported_and_counted_once():
    unit = gdf([sq(0, 0, 10, 10)], uid=["a"])
    zones = gdf(
        [sq(0, 0, 6, 10), sq(4, 0, 10, 10), sq(0, 0, 2, 2)],
        zone=["urban", "ecological", "urban"],
    )
    res = Z.overlay_shares(unit, zones, zone_column="zone", id_column="uid")
    t = res.table.loc["a"]
    # default priority: ecological before urban → the 2 km strip x∈[4,6] is ecological
    assert t["ecological_km2"] == pytest.approx(60.0)
    assert t["urban_km2"] == pytest.approx(40.0)
    assert t["unzoned_km2"] == pytest.approx(0.0, abs=1e-9)
    ov = res.overlaps.sort_values("area_km2").reset_index(drop=True)
    assert len(ov) == 2  # urban×ecological strip (20 km²) and urban×urban corner (4 km²)
    assert ov.loc[0, "area_km2"] == pytest.approx(4.0)
    assert (ov.loc[0, "class_a"], ov.loc[0, "class_b"], ov.loc[0, "kept"]) == ("urban", "urban", "urban")
    assert ov.loc[1, "area_km2"] == pytest.approx(20.0)
    assert ov.loc[1, "kept"] == "ecological"
    assert {ov.loc[1, "zone_row_a"], ov.loc[1, "zone_row_b"]} == {0, 1}
    assert "overlap" in str(res.summary())
    # custom priority: urban first
    res2 = Z.overlay_shares(unit, zones, zone_column="zone", id_column="uid", priority=["urban", "ecological"])
    assert res2.table.loc["a", "urban_km2"] == pytest.approx(60.0)
    assert res2.table.loc["a", "ecological_km2"] == pytest.approx(40.0)
    with pytest.raises(GeometryError, match="overlap"):
        Z.overlay_shares(unit, zones, zone_column="zone", overlaps="raise")
    with pytest.raises(InputError, match="does not list"):
        Z.overlay_shares(unit, zones, zone_column="zone", priority=["urban"])


def test_invalid_geometry_repaired_with_warning():
    bowtie = shapely.Polygon([(0, 0), (10 * KM, 10 * KM), (10 * KM, 0), (0, 10 * KM), (0, 0)])
    assert not bowtie.is_valid
    unit = gdf([sq(0, 0, 10, 10)], uid=["a"])
    zones = gdf([bowtie, sq(20, 20, 30, 30)], zone=["urban", "urban"])
    with pytest.warns(SpatialRegionWarning, match="repaired 1 invalid"):
        res = Z.overlay_shares(unit, zones, zone_column="zone", id_column="uid")
    assert res.repaired_zones == 1 and res.repaired_units == 0
    # the repaired bow-tie is two triangles of 25 km² each
    assert res.table.loc["a", "urban_km2"] == pytest.approx(50.0)
    assert "repaired" in str(res.summary())


def test_crs_rules():
    unit = gdf([sq(0, 0, 10, 10)], uid=["a"])
    zones = gdf([sq(0, 0, 5, 10)], zone=["urban"])
    with pytest.raises(CRSError, match="units has no CRS"):
        Z.overlay_shares(unit.set_crs(None, allow_override=True), zones, zone_column="zone")
    with pytest.raises(CRSError, match="zones has no CRS"):
        Z.overlay_shares(unit, zones.set_crs(None, allow_override=True), zone_column="zone")
    # mismatch is not an error: both go to Albers
    res = Z.overlay_shares(unit.to_crs(4326), zones.to_crs(3857), zone_column="zone")
    assert res.reprojected
    assert res.table.iloc[0]["urban_share"] == pytest.approx(0.5, rel=1e-6)
    with pytest.raises(CRSError, match="geographic"):
        Z.overlay_shares(unit, zones, zone_column="zone", crs="EPSG:4326")


def test_bad_input():
    unit = gdf([sq(0, 0, 10, 10), sq(10, 0, 20, 10)], uid=["a", "a"])
    zones = gdf([sq(0, 0, 5, 10)], zone=["urban"])
    with pytest.raises(DuplicateIdError):
        Z.overlay_shares(unit, zones, zone_column="zone", id_column="uid")
    with pytest.raises(InputError, match="not a column"):
        Z.overlay_shares(unit, zones, zone_column="kind")
    with pytest.raises(InputError, match="id_column"):
        Z.overlay_shares(unit, zones, zone_column="zone", id_column="nope")
    with pytest.raises(MissingValueError, match="zone"):
        Z.overlay_shares(unit, gdf([sq(0, 0, 5, 10)], zone=[None]), zone_column="zone")
    with pytest.raises(InputError, match="reserved"):
        Z.overlay_shares(unit, gdf([sq(0, 0, 5, 10)], zone=["unzoned"]), zone_column="zone")
    with pytest.raises(GeometryError, match="polygons"):
        Z.overlay_shares(unit, gdf([shapely.Point(0, 0)], zone=["urban"]), zone_column="zone")
    with pytest.raises(GeometryError, match="empty"):
        Z.overlay_shares(unit, gdf([shapely.Polygon()], zone=["urban"]), zone_column="zone")
    with pytest.raises(InputError, match="engine"):
        Z.overlay_shares(unit.iloc[:1], zones, zone_column="zone", engine="spark")
    with pytest.raises(InputError, match="GeoDataFrame"):
        Z.overlay_shares(pd.DataFrame({"a": [1]}), zones, zone_column="zone")


def test_result_frame_summary_and_gpkg(tmp_path):
    units = gdf([sq(0, 0, 10, 10), sq(10, 0, 20, 10)], crs=A, uid=["a", "b"]).to_crs(4490)
    units.index = [7, 9]
    zones = gdf([sq(0, 0, 8, 10), sq(10, 0, 13, 10)], zone=["urban", "ecological"])
    res = Z.overlay_shares(units, zones, zone_column="zone")
    fr = res.to_frame()
    assert isinstance(fr, gpd.GeoDataFrame)
    assert list(fr.index) == [7, 9] and fr.crs.equals(units.crs)
    assert list(fr["dominant"]) == ["urban", "unzoned"]
    s = res.summary()
    assert "Total area by zone" in str(s) and "<table" in s.to_html()
    export = pytest.importorskip("spatialregion.export")
    if not hasattr(export, "to_gpkg"):
        pytest.skip("export.to_gpkg not on main yet")
    path = res.to_gpkg(tmp_path / "z.gpkg")
    back = gpd.read_file(path, layer="share")
    assert len(back) == 2 and "urban_share" in back.columns


# ---------------------------------------------------------------------------------------------
# dominant_function
# ---------------------------------------------------------------------------------------------


def test_dominant_function_rules():
    shares = pd.DataFrame(
        {
            "urban_share": [0.6, 0.3, 0.2, 0.0, 0.4, 0.35, 0.1],
            "agricultural_share": [0.2, 0.3, 0.2, 0.0, 0.4, 0.05, 0.1],
            "ecological_share": [0.1, 0.1, 0.2, 0.0, 0.1, 0.1, 0.1],
            "unzoned_share": [0.1, 0.3, 0.4, 1.0, 0.1, 0.5, 0.7],
        },
        index=list("abcdefg"),
    )
    res = Z.dominant_function(shares)
    t = res.table
    assert t.loc["a", "dominant"] == "urban" and t.loc["a", "kind"] == "single"
    assert t.loc["b", "dominant"] == "urban+agricultural" and t.loc["b", "kind"] == "composite"  # tie → class order
    assert t.loc["c", "kind"] == "mixed"
    assert t.loc["d", "dominant"] == "unzoned"
    assert t.loc["e", "dominant"] == "urban+agricultural"
    assert t.loc["f", "dominant"] == "mixed"  # 0.35 + 0.10 < 0.5
    # basis="zoned": g has 0.1/0.3 each → mixed; f: urban 0.35/0.5 = 0.7 → single
    z = Z.dominant_function(shares, basis="zoned").table
    assert z.loc["f", "dominant"] == "urban" and z.loc["f", "first_share"] == pytest.approx(0.7)
    assert Z.dominant_function(shares, threshold=0.6, margin=0.5).table.loc["a", "kind"] == "composite"
    with pytest.raises(InputError):
        Z.dominant_function(shares, threshold=0)
    with pytest.raises(InputError):
        Z.dominant_function(shares, classes=["forest"])


# ---------------------------------------------------------------------------------------------
# conflicts
# ---------------------------------------------------------------------------------------------


def three_lines():
    return {
        "eco_redline": gdf([sq(0, 0, 2, 2)], zone=["eco_redline"]),
        "farmland": gdf([sq(1, 0, 3, 2), sq(1, 0, 2, 1)], zone=["farmland"] * 2),  # overlap inside one layer
        "urban_boundary": gdf([sq(1.5, 0, 4, 1)], zone=["urban_boundary"]),
    }


def test_conflicts_hand_computed():
    res = Z.conflicts(None, three_lines())
    p = res.pairs
    assert p.loc["eco_redline × farmland", "area_km2"] == pytest.approx(2.0)  # [1,2]×[0,2]
    assert p.loc["eco_redline × urban_boundary", "area_km2"] == pytest.approx(0.5)  # [1.5,2]×[0,1]
    assert p.loc["farmland × urban_boundary", "area_km2"] == pytest.approx(1.5)  # [1.5,3]×[0,1]
    assert p.loc["eco_redline × farmland", "share_of_a"] == pytest.approx(0.5)
    assert p.loc["farmland × urban_boundary", "share_of_b"] == pytest.approx(1.5 / 2.5)
    assert len(res.overlaps) == 3 and res.per_unit is None
    assert res.overlaps.geometry.area.sum() / 1e6 == pytest.approx(4.0)
    assert isinstance(res.to_frame(), gpd.GeoDataFrame)


def test_conflicts_per_unit():
    units = gdf([sq(0, 0, 1.75, 2), sq(1.75, 0, 5, 2)], uid=["w", "e"])
    res = Z.conflicts(units, three_lines(), id_column="uid")
    pu = res.per_unit
    # west unit x∈[0,1.75]: eco×farm [1,1.75]×[0,2] = 1.5; eco×urban [1.5,1.75]×[0,1] = 0.25; farm×urban 0.25
    assert pu.loc["w", "eco_redline_x_farmland_km2"] == pytest.approx(1.5)
    assert pu.loc["w", "eco_redline_x_urban_boundary_km2"] == pytest.approx(0.25)
    assert pu.loc["w", "farmland_x_urban_boundary_km2"] == pytest.approx(0.25)
    # union of conflicts in w: [1,1.75]×[0,2] (the triple overlap [1.5,1.75]×[0,1] counted once)
    assert pu.loc["w", "conflict_km2"] == pytest.approx(1.5)
    assert pu.loc["w", "conflict_share"] == pytest.approx(1.5 / 3.5)
    # east unit x∈[1.75,5]: eco×farm 0.5, eco×urban 0.25, farm×urban 1.25; union = [1.75,2]×[0,2] ∪ [2,3]×[0,1] = 1.5
    assert pu.loc["e", "conflict_km2"] == pytest.approx(1.5)
    assert pu.loc["e", "farmland_km2"] == pytest.approx(2.5)
    assert pu.loc["w", "eco_redline_km2"] == pytest.approx(3.5)
    # per-unit pieces equal a geopandas.overlay of the pairwise conflict with the units
    inter = gdf([shapely.intersection(sq(0, 0, 2, 2), sq(1, 0, 3, 2))], zone=["c"])
    ref = gpd.overlay(units, inter, how="intersection")
    got = res.overlaps[res.overlaps["pair"] == "eco_redline × farmland"].set_index("unit")["area_km2"]
    np.testing.assert_allclose(got.loc[ref["uid"]].to_numpy(), ref.area.to_numpy() / 1e6, rtol=1e-9)
    assert res.pairs.loc["eco_redline × farmland", "units"] == 2
    assert isinstance(res.to_frame(), gpd.GeoDataFrame)
    assert "Units with conflicts" in str(res.summary())


def test_conflicts_none_and_bad_input():
    lines = {"a": gdf([sq(0, 0, 1, 1)], zone=["x"]), "b": gdf([sq(1, 0, 2, 1)], zone=["y"])}  # touching only
    res = Z.conflicts(gdf([sq(0, 0, 2, 1)], uid=["u"]), lines, id_column="uid")
    assert res.pairs["area_km2"].iloc[0] == 0 and len(res.overlaps) == 0
    assert res.per_unit.loc["u", "conflict_km2"] == 0
    with pytest.raises(InputError, match="at least two"):
        Z.conflicts(None, {"a": lines["a"]})
    with pytest.raises(CRSError):
        Z.conflicts(None, {"a": lines["a"], "b": lines["b"].set_crs(None, allow_override=True)})


# ---------------------------------------------------------------------------------------------
# change
# ---------------------------------------------------------------------------------------------


def test_change_hand_computed():
    units = gdf([sq(0, 0, 10, 10), sq(10, 0, 20, 10)], uid=["a", "b"])
    t0 = gdf([sq(0, 0, 4, 10), sq(4, 0, 10, 10), sq(10, 0, 12, 10)], zone=["urban", "agricultural", "ecological"])
    t1 = gdf([sq(0, 0, 6, 10), sq(6, 0, 9, 10), sq(12, 0, 20, 10)], zone=["urban", "agricultural", "ecological"])
    res = Z.change(units, t0, after=t1, zone_column="zone", id_column="uid")
    assert res.classes == ("ecological", "agricultural", "urban", "unzoned")
    m = res.matrix("a")
    assert m.loc["urban", "urban"] == pytest.approx(40)
    assert m.loc["agricultural", "urban"] == pytest.approx(20)
    assert m.loc["agricultural", "agricultural"] == pytest.approx(30)
    assert m.loc["agricultural", "unzoned"] == pytest.approx(10)  # x∈[9,10] unzoned at t1
    assert m.to_numpy().sum() == pytest.approx(100)
    mb = res.matrix("b")
    assert mb.loc["ecological", "unzoned"] == pytest.approx(20)  # x∈[10,12]
    assert mb.loc["unzoned", "ecological"] == pytest.approx(80)  # x∈[12,20]
    assert mb.loc["unzoned", "unzoned"] == pytest.approx(0, abs=1e-9)
    np.testing.assert_allclose(res.cube.sum(axis=(1, 2)), [100, 100])
    tot = res.matrix()
    assert tot.loc["ecological", "unzoned"] == pytest.approx(20)
    pr = res.probabilities()
    np.testing.assert_allclose(pr.sum(axis=1).dropna(), 1.0)
    assert pr.loc["agricultural", "urban"] == pytest.approx(20 / 60)
    fr = res.to_frame()
    assert fr.loc["a", "changed_km2"] == pytest.approx(30)
    assert fr.loc["a", "urban_gain_km2"] == pytest.approx(20) and fr.loc["a", "urban_loss_km2"] == 0
    tr = res.transitions()
    assert tr["area_km2"].sum() == pytest.approx(200)
    assert "Transition area matrix" in str(res.summary())
    with pytest.raises(InputError):
        res.matrix("zz")


# ---------------------------------------------------------------------------------------------
# zonal_stats
# ---------------------------------------------------------------------------------------------

UTM = "EPSG:32650"


def hand_raster(nodata=None):
    """4×4 raster, 1 km cells, top-left (500 km, 4000 km) in UTM 50N, value = 4·row + col."""
    from rasterio.transform import from_origin

    arr = np.arange(16, dtype="float64").reshape(4, 4)
    if nodata is not None:
        arr[2, 1] = nodata
    return arr, from_origin(500 * KM, 4000 * KM, KM, KM), UTM


def hand_polygon():
    # x∈[0.25, 2.75], y∈[0.25, 2.25] km relative to the raster's lower-left corner (500, 3996)
    out = gdf([shapely.box(500.25 * KM, 3996.25 * KM, 502.75 * KM, 3998.25 * KM)], crs=UTM, uid=["p"])
    out.index = ["p"]
    return out


# coverage of cell (row, col): x fractions per col, y fractions per row (row 0 is the top)
FX = {0: 0.75, 1: 1.0, 2: 0.75}
FY = {1: 0.25, 2: 1.0, 3: 0.75}


def test_zonal_three_methods_known_exactly():
    r = hand_raster()
    units = hand_polygon()
    centre = Z.zonal_stats(units, r, method="centre").table.loc["p"]
    # centres (c+0.5, y) inside: cols 0-2, rows 2-3 → values 8,9,10,12,13,14
    assert centre["n_cells"] == 6 and centre["count"] == 6
    assert centre["mean"] == pytest.approx(11.0)
    assert (centre["min"], centre["max"]) == (8.0, 14.0)
    assert (centre["p10"], centre["p50"], centre["p90"]) == (8.0, 10.0, 14.0)  # inverted CDF
    touched = Z.zonal_stats(units, r, method="all_touched").table.loc["p"]
    assert touched["n_cells"] == 9 and touched["mean"] == pytest.approx(9.0)  # adds row 1: 4,5,6
    exact = Z.zonal_stats(units, r, method="exact").table.loc["p"]
    w = {(i, j): FY[i] * FX[j] for i in FY for j in FX}
    mean = sum(wt * (4 * i + j) for (i, j), wt in w.items()) / sum(w.values())
    assert exact["count"] == pytest.approx(2.5 * 2.0)  # polygon area in cells
    assert exact["n_cells"] == 9
    assert exact["mean"] == pytest.approx(mean, rel=1e-12)
    # the three rules differ as they should
    assert touched["mean"] < exact["mean"] < centre["mean"]


def test_zonal_exact_matches_exactextract():
    from exactextract import exact_extract
    from exactextract.raster import NumPyRasterSource
    from pyproj import CRS

    rng = np.random.default_rng(11)
    arr = rng.normal(100, 20, (40, 50))
    arr[rng.random(arr.shape) < 0.05] = -1.0
    from rasterio.transform import from_origin

    tr = from_origin(500 * KM, 4000 * KM, KM, KM)
    units = gdf(voronoi(6, 12, extent=(501 * KM, 3962 * KM, 548 * KM, 3999 * KM)), crs=UTM, uid=list("abcdef"))
    ours = Z.zonal_stats(units, (arr, tr, UTM, -1.0), id_column="uid", method="exact").table
    src = NumPyRasterSource(arr, 500 * KM, 3960 * KM, 550 * KM, 4000 * KM, nodata=-1.0, srs_wkt=CRS(UTM).to_wkt())
    ref = exact_extract(src, units, ["mean", "count", "min", "max"], output="pandas")
    np.testing.assert_allclose(ours["mean"].to_numpy(), ref["mean"].to_numpy(), rtol=1e-9)
    np.testing.assert_allclose(ours["count"].to_numpy(), ref["count"].to_numpy(), rtol=1e-9)
    np.testing.assert_allclose(ours["min"].to_numpy(), ref["min"].to_numpy())
    np.testing.assert_allclose(ours["max"].to_numpy(), ref["max"].to_numpy())


def test_zonal_nodata_and_categorical():
    r = hand_raster(nodata=-9999.0)
    units = hand_polygon()
    res = Z.zonal_stats(units, r + (-9999.0,), method="centre")
    row = res.table.loc["p"]
    # cell (2, 1) = 9 is nodata: 8,10,12,13,14 remain
    assert row["n_cells"] == 5 and row["nodata"] == 1
    assert row["mean"] == pytest.approx((8 + 10 + 12 + 13 + 14) / 5)
    assert "nodata" in str(res.summary())
    # categorical: classes value mod 3 over the centre cells 8,10,12,13,14 → 2,1,0,1,2
    arr, tr, crs = hand_raster(nodata=-9999.0)
    cat = np.where(arr == -9999.0, 255, arr % 3).astype("uint8")
    c = Z.zonal_stats(units, (cat, tr, crs, 255), kind="categorical").table.loc["p"]
    assert c["frac_0"] == pytest.approx(1 / 5) and c["frac_1"] == pytest.approx(2 / 5)
    assert c["frac_2"] == pytest.approx(2 / 5) and c["majority"] == 1  # tie → first class
    assert c["count"] == 5 and c["nodata"] == 1
    c2 = Z.zonal_stats(units, (cat, tr, crs, 255), kind="categorical", categories=[1, 2]).table.loc["p"]
    assert c2["frac_other"] == pytest.approx(1 / 5)
    ce = Z.zonal_stats(units, (cat, tr, crs, 255), kind="categorical", method="exact").table.loc["p"]
    w = {(i, j): FY[i] * FX[j] for i in FY for j in FX if (i, j) != (2, 1)}
    tot = sum(w.values())
    assert ce["frac_0"] == pytest.approx(sum(v for (i, j), v in w.items() if (4 * i + j) % 3 == 0) / tot)
    assert ce["nodata"] == pytest.approx(1.0)


def test_zonal_reprojects_vector_and_by_zone(tmp_path):
    import rasterio

    r = hand_raster()
    units = hand_polygon()
    ref = Z.zonal_stats(units, r, method="centre").table
    geo = Z.zonal_stats(units.to_crs(4326), r, method="centre")
    assert geo.vector_reprojected
    pd.testing.assert_frame_equal(geo.table, ref)
    # a GeoTIFF path gives the same numbers
    arr, tr, crs = r
    path = tmp_path / "r.tif"
    with rasterio.open(path, "w", driver="GTiff", width=4, height=4, count=1, dtype="float64", crs=crs, transform=tr) as dst:
        dst.write(arr, 1)
    pd.testing.assert_frame_equal(Z.zonal_stats(units, path, method="centre").table, ref)
    # per unit × zone: the west half [500.25, 501.5] and the east part
    zones = gdf([shapely.box(500 * KM, 3996 * KM, 501.5 * KM, 4000 * KM), shapely.box(501.5 * KM, 3996 * KM, 504 * KM, 4000 * KM)], crs=UTM, zone=["urban", "ecological"])
    bz = Z.zonal_stats(units, r, zones=zones, zone_column="zone", id_column="uid", method="exact").table
    assert list(bz.index.names) == ["uid", "zone"]
    assert bz.loc[("p", "urban"), "count"] == pytest.approx(1.25 * 2.0)
    assert bz.loc[("p", "ecological"), "count"] == pytest.approx(1.25 * 2.0)
    with pytest.raises(CRSError):
        Z.zonal_stats(units, (arr, tr, None))
    with pytest.raises(InputError):
        Z.zonal_stats(units, r, method="bilinear")
    with pytest.raises(InputError):
        Z.zonal_stats(units, path, band=2)
    with pytest.raises(InputError):
        Z.zonal_stats(units, r, zones=zones)
    # a unit outside the raster: NaN statistics, count 0, not dropped
    far = gdf([shapely.box(0, 0, KM, KM)], crs=UTM)
    out = Z.zonal_stats(far, r).table
    assert len(out) == 1 and out["count"].iloc[0] == 0 and np.isnan(out["mean"].iloc[0])


def test_zonal_demo_dem_by_province(provinces):
    units = provinces[provinces["name_short"].isin(["西藏", "上海", "四川"])]
    res = Z.zonal_stats(units, Z.demo_raster("dem"), id_column="name_short", method="centre")
    t = res.table
    assert t.loc["西藏", "mean"] > 4000 > t.loc["四川", "mean"] > t.loc["上海", "mean"]
    assert t.loc["上海", "mean"] < 100
    cat = Z.zonal_stats(units, Z.demo_raster("three_spaces"), id_column="name_short", kind="categorical").table
    assert cat.loc["西藏", "frac_3"] > 0.8  # mostly ecological space


# ---------------------------------------------------------------------------------------------
# demo data
# ---------------------------------------------------------------------------------------------


def test_demo_layers_valid_and_conflicting():
    for name in Z.DEMO_LAYERS:
        g = Z.demo_layer(name)
        assert g.crs.to_epsg() == 4490 and len(g) > 0
        assert g.is_valid.all() and g.to_crs(A).is_valid.all()
    assert set(Z.demo_layer("three_spaces")["zone"]) == {"urban", "agricultural", "ecological"}
    with pytest.raises(InputError):
        Z.demo_layer("forests")
    lines = {n: Z.demo_layer(n) for n in ("eco_redline", "farmland", "urban_boundary")}
    lines = {n: g.iloc[g.sindex.query(shapely.box(113, 36, 120, 41))] for n, g in lines.items()}
    res = Z.conflicts(None, lines)
    assert res.pairs.loc["farmland × urban_boundary", "area_km2"] > 0


# ---------------------------------------------------------------------------------------------
# CLI and demo step
# ---------------------------------------------------------------------------------------------


def test_cli_zoning_command(tmp_path, provinces):
    import typer
    from typer.testing import CliRunner

    from spatialregion.commands import zoning as cmd

    units = provinces[provinces["name_short"].isin(["北京", "天津", "河北"])]
    path = tmp_path / "units.gpkg"
    units.to_file(path, layer="units")
    app = typer.Typer()
    cmd.register(app)

    @app.command("noop")
    def _noop() -> None:  # a second command keeps typer in multi-command mode
        pass

    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["zoning", str(path), "demo", "--column", "zone", "--out", str(out), "--no-figure"])
    assert result.exit_code == 0, result.output
    shares = pd.read_csv(out / "zoning_shares.csv")
    assert len(shares) == 3 and "dominant" in shares.columns
    np.testing.assert_allclose(shares[[c for c in shares.columns if c.endswith("_share")]].sum(axis=1), 1.0, atol=1e-9)
    assert "zoning_shares" in gpd.list_layers(out / "zoning.gpkg")["name"].tolist()
    bad = CliRunner().invoke(app, ["zoning", str(path), "nofile.gpkg", "--out", str(out)])
    assert bad.exit_code != 0


@pytest.mark.slow
def test_demo_step(tmp_path):
    from spatialregion import weights
    from spatialregion.cli import demo_provinces
    from spatialregion.commands import zoning as cmd
    from spatialregion.commands._common import DemoContext

    prov = demo_provinces()
    ctx = DemoContext(out=tmp_path, provinces=prov, weights=weights.build(prov, method="queen"), echo=lambda s: None)
    cmd.demo(ctx)
    assert (tmp_path / "zoning_shares.png").exists() and (tmp_path / "zoning_shares.csv").exists()
    assert len(pd.read_csv(tmp_path / "zoning_shares.csv")) == 31


@pytest.mark.slow
def test_results_plot_and_styled_gpkg(tmp_path):
    import matplotlib.pyplot as plt

    units = gdf([sq(0, 0, 10, 10), sq(10, 0, 20, 10)], uid=["a", "b"])
    units.index = ["a", "b"]
    t0 = gdf([sq(0, 0, 4, 10), sq(4, 0, 10, 10), sq(10, 0, 12, 10)], zone=["urban", "agricultural", "ecological"])
    t1 = gdf([sq(0, 0, 6, 10), sq(6, 0, 9, 10), sq(12, 0, 20, 10)], zone=["urban", "agricultural", "ecological"])
    sh = Z.overlay_shares(units, t0, zone_column="zone")
    results = {
        "shares": sh,
        "dominant": Z.dominant_function(sh),
        "conflicts": Z.conflicts(units, {"a": t0, "b": t1}),
        "change": Z.change(units, t0, after=t1, zone_column="zone"),
        "zonal": Z.zonal_stats(hand_polygon(), hand_raster()),
    }
    path = tmp_path / "all.gpkg"
    for name, res in results.items():
        res.to_gpkg(path, layer=name)
        ax = res.plot()
        assert ax is not None
        plt.close("all")
    layers = gpd.list_layers(path)["name"].tolist()
    assert set(results) <= set(layers) and "layer_styles" in layers
    ax = sh.plot(column="urban_share")
    plt.close("all")
    with pytest.raises(InputError):
        sh.plot(column="nope")


def test_unit_results_carry_ids_and_names(tmp_path):
    """Every per-unit zoning result starts with the units' ids and names; shuffled units give the same rows."""
    units = gdf([sq(0, 0, 10, 10), sq(10, 0, 20, 10), sq(20, 0, 30, 10)], uid=["a", "b", "c"])
    units["name"] = ["甲", "乙", "丙"]
    t0 = gdf([sq(0, 0, 4, 10), sq(4, 0, 10, 10), sq(10, 0, 25, 10)], zone=["urban", "agricultural", "ecological"])
    t1 = gdf([sq(0, 0, 6, 10), sq(6, 0, 9, 10), sq(12, 0, 30, 10)], zone=["urban", "agricultural", "ecological"])
    sh = Z.overlay_shares(units, t0, zone_column="zone", id_column="uid")
    frames = {
        "shares": sh.to_frame(),
        "dominant": Z.dominant_function(sh).to_frame(),
        "conflicts": Z.conflicts(units, {"a": t0, "b": t1}, id_column="uid").to_frame(),
        "change": Z.change(units, t0, after=t1, zone_column="zone", id_column="uid").to_frame(),
    }
    for name, frame in frames.items():
        assert frame.index.name == "uid" and frame.index.tolist() == ["a", "b", "c"], name
        assert frame.columns[0] == "name" and frame["name"].tolist() == ["甲", "乙", "丙"], name
    layer = gpd.read_file(sh.to_gpkg(tmp_path / "s.gpkg", layer="shares"), layer="shares")
    assert layer["uid"].tolist() == ["a", "b", "c"] and layer["name"].tolist() == ["甲", "乙", "丙"]
    shuffled = Z.overlay_shares(units.iloc[[2, 0, 1]], t0, zone_column="zone", id_column="uid")
    pd.testing.assert_frame_equal(shuffled.to_frame().loc[["a", "b", "c"]].drop(columns="geometry"),
                                  sh.to_frame().drop(columns="geometry"))
    with pytest.raises(TypeError):  # the old argument order (zones, zone column positional) fails loudly
        Z.overlay_shares(units, t0, "zone")
