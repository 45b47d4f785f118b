"""Bad input is caught before computing, with a SpatialRegionError subclass naming the problem.

Cases covered (issue 3, item 9 — one test each): missing CRS, CRS mismatch, unknown region,
NaN values (rows named), duplicated ids, non-polygon geometry, constant column; plus the
column/array extraction helper and the seed helper; the error hierarchy (each subclass is
also the matching built-in exception).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import LineString, Point, box

import spatialregion as sr
from spatialregion import _validation as v
from spatialregion.errors import (
    ConstantError,
    CRSError,
    DuplicateIdError,
    GeometryError,
    InputError,
    MissingValueError,
    SpatialRegionError,
    UnknownRegionError,
)


def test_missing_crs_raises(provinces):
    with pytest.raises(CRSError, match="no CRS"):
        sr.weights.build(provinces.set_crs(None, allow_override=True))


def test_crs_mismatch_raises(provinces):
    with pytest.raises(CRSError, match="reproject"):
        v.check_crs(provinces, provinces.to_crs(3857), names=["units", "zones"])
    v.check_crs(provinces, provinces.to_crs(4326))  # CGCS2000 and WGS 84 are interchangeable


def test_unknown_region_suggests():
    with pytest.raises(UnknownRegionError) as err:
        sr.regions.lookup("河背")
    assert "河北" in str(err.value)
    assert isinstance(err.value, KeyError) and isinstance(err.value, SpatialRegionError)


def test_nan_names_rows():
    df = pd.DataFrame({"x": [1.0, np.nan, 3.0, np.nan]}, index=["a", "b", "c", "d"])
    with pytest.raises(MissingValueError, match=r"2 rows \(b, d\)"):
        v.column_values(df, "x")
    with pytest.raises(MissingValueError, match="inf"):
        v.column_values(np.array([1.0, np.inf]))


def test_duplicated_ids():
    df = pd.DataFrame({"x": [1.0, 2.0]}, index=["a", "a"])
    with pytest.raises(DuplicateIdError, match="'a'"):
        v.column_values(df, "x")


def test_non_polygon_geometry():
    g = gpd.GeoDataFrame(geometry=[box(0, 0, 1, 1), Point(0, 0), LineString([(0, 0), (1, 1)])], crs=4490)
    with pytest.raises(GeometryError, match="Point"):
        v.check_polygons(g)
    empty = gpd.GeoDataFrame(geometry=[box(0, 0, 1, 1), None], crs=4490)
    with pytest.raises(GeometryError, match="missing or empty"):
        v.check_polygons(empty)


def test_constant_column():
    with pytest.raises(ConstantError, match="constant"):
        v.check_not_constant(np.full(5, 2.0), "gdp")


def test_column_values_forms():
    df = pd.DataFrame({"a": [1, 2], "b": [3, 4]}, index=[10, 20])
    x, idx = v.column_values(df, "a")
    assert x.dtype == float and list(idx) == [10, 20]
    panel, _ = v.column_values(df, ["a", "b"])
    assert panel.shape == (2, 2)
    s, idx = v.column_values(pd.Series([1, 2], index=["p", "q"], name="s"))
    assert list(idx) == ["p", "q"]
    arr, idx = v.column_values([1, 2, 3])
    assert isinstance(idx, pd.RangeIndex)
    with pytest.raises(InputError, match="column="):
        v.column_values(df)
    with pytest.raises(InputError, match="not in the data"):
        v.column_values(df, "zz")
    with pytest.raises(InputError, match="numeric"):
        v.column_values(np.array(["a", "b"]))
    assert isinstance(InputError("x"), ValueError)


def test_check_choice_and_seed():
    with pytest.raises(InputError, match="transform='Q'"):
        v.check_choice("transform", "Q", ("B", "R"))
    a = v.rng_from_seed(5).random(3)
    b = v.rng_from_seed(5).random(3)
    np.testing.assert_array_equal(a, b)
    g = np.random.default_rng(1)
    assert v.rng_from_seed(g) is g
    with pytest.raises(InputError, match="seed"):
        v.rng_from_seed("abc")


def test_weights_passed_as_columns_points_to_weights(provinces, provinces_queen):
    import spatialregion as sr

    with pytest.raises(InputError, match="list of column names, got Graph; spatial weights go to weights="):
        sr.hotspots.emerging_hotspots(provinces, provinces_queen)
