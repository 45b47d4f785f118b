"""Coordinate reference systems used by spatialregion, and BD-09 ⇄ GCJ-02 ⇄ WGS-84 conversion.

Constants
---------
``GEOGRAPHIC``
    ``"EPSG:4490"`` — CGCS2000 geographic coordinates, the CRS of every embedded
    boundary layer.  CGCS2000 and WGS-84 differ by a few centimetres, far below
    map scale, so WGS-84 coordinates are stored as CGCS2000 unchanged.
``WGS84``
    ``"EPSG:4326"``.
``ALBERS``
    China Albers equal-area conic
    (``+proj=aea +lat_1=25 +lat_2=47 +lat_0=0 +lon_0=105 +ellps=GRS80 +units=m``),
    used for areas (``area_km2``) and planar simplification.

GCJ-02
------
Chinese web maps (Amap/高德, Tencent, Google China) publish coordinates in
GCJ-02, WGS-84 shifted by an obfuscating offset of a few hundred metres that
depends smoothly on position inside a bounding box around China.  The forward
offset (WGS-84 → GCJ-02) is public (the "eviltransform" formula, Krasovsky
ellipsoid a = 6 378 245 m, e² = 0.006 693 421 622 965 943 23); the inverse has
no closed form and is computed here by fixed-point iteration

.. math::  w_{k+1} = w_k + (g - f(w_k)), \\qquad w_0 = g,

which contracts because the Jacobian of the offset is tiny (|∂Δ/∂w| ≈ 1e-3):
each step gains about three digits; eight steps reach < 1e-9 degrees.

BD-09
-----
Baidu Maps publishes BD-09: GCJ-02 displaced once more by the published formula
(x_π = π·3000/180)

.. math::  z = \\sqrt{x^2 + y^2} + 2\\cdot10^{-5} \\sin(y x_π), \\quad
           θ = \\operatorname{atan2}(y, x) + 3\\cdot10^{-6} \\cos(x x_π),

   \\mathrm{lon_{bd}} = z\\cos θ + 0.0065, \\quad \\mathrm{lat_{bd}} = z\\sin θ + 0.006,

with (x, y) the GCJ-02 longitude and latitude.  The closed-form inverse that circulates with
it (subtract the offsets, reverse the signs) is off by up to ~5e-7 degrees (5 cm);
:func:`bd09_to_gcj02` starts from it and iterates ``g ← g + (b − f(g))`` to 1e-12.

References
----------
googollee/eviltransform (MIT), test vectors for Shanghai, Shenzhen and Beijing; and the
reference point of wandergis/coordtransform (116.404, 39.915) for GCJ-02 ⇄ BD-09; both used as
independent reference values in ``tests/test_crs.py``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from .errors import InputError

__all__ = [
    "GEOGRAPHIC",
    "WGS84",
    "ALBERS",
    "in_gcj_box",
    "wgs84_to_gcj02",
    "gcj02_to_wgs84",
    "gcj02_to_bd09",
    "bd09_to_gcj02",
    "wgs84_to_bd09",
    "bd09_to_wgs84",
    "convert",
    "points_from_table",
    "transform_geometry",
]

GEOGRAPHIC = "EPSG:4490"
WGS84 = "EPSG:4326"
ALBERS = "+proj=aea +lat_1=25 +lat_2=47 +lat_0=0 +lon_0=105 +ellps=GRS80 +units=m +no_defs"

# Krasovsky 1940 ellipsoid, as used by the published GCJ-02 forward formula.
_A = 6378245.0
_EE = 0.00669342162296594323
# The box inside which the offset is applied (the same box as the reference implementations).
_LON_MIN, _LON_MAX = 72.004, 137.8347
_LAT_MIN, _LAT_MAX = 0.8293, 55.8271


def _as_arrays(lon: ArrayLike, lat: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    lon_a = np.asarray(lon, dtype=float)
    lat_a = np.asarray(lat, dtype=float)
    try:
        lon_a, lat_a = np.broadcast_arrays(lon_a, lat_a)
    except ValueError as exc:
        raise InputError(
            f"lon and lat must have the same shape, got {lon_a.shape} and {lat_a.shape}"
        ) from exc
    return lon_a, lat_a


def in_gcj_box(lon: ArrayLike, lat: ArrayLike) -> np.ndarray:
    """True where (lon, lat) lies inside the box where GCJ-02 applies an offset.

    The box is 72.004–137.8347 °E, 0.8293–55.8271 °N (as in eviltransform);
    outside it GCJ-02 equals WGS-84.

    Parameters
    ----------
    lon, lat : array_like
        Degrees.

    Returns
    -------
    ndarray of bool
    """
    lon_a, lat_a = _as_arrays(lon, lat)
    return (lon_a >= _LON_MIN) & (lon_a <= _LON_MAX) & (lat_a >= _LAT_MIN) & (lat_a <= _LAT_MAX)


def _offset(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 offset (dlon, dlat) in degrees at WGS-84 position (lon, lat); 0 outside the box."""
    x = lon - 105.0
    y = lat - 35.0
    pi = np.pi
    sq = np.sqrt(np.abs(x))
    common = (20.0 * np.sin(6.0 * x * pi) + 20.0 * np.sin(2.0 * x * pi)) * 2.0 / 3.0
    dlat = (
        -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sq
        + common
        + (20.0 * np.sin(y * pi) + 40.0 * np.sin(y / 3.0 * pi)) * 2.0 / 3.0
        + (160.0 * np.sin(y / 12.0 * pi) + 320.0 * np.sin(y * pi / 30.0)) * 2.0 / 3.0
    )
    dlon = (
        300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sq
        + common
        + (20.0 * np.sin(x * pi) + 40.0 * np.sin(x / 3.0 * pi)) * 2.0 / 3.0
        + (150.0 * np.sin(x / 12.0 * pi) + 300.0 * np.sin(x / 30.0 * pi)) * 2.0 / 3.0
    )
    rad = lat / 180.0 * pi
    magic = 1.0 - _EE * np.sin(rad) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrt_magic) * pi)
    dlon = (dlon * 180.0) / (_A / sqrt_magic * np.cos(rad) * pi)
    inside = in_gcj_box(lon, lat)
    return np.where(inside, dlon, 0.0), np.where(inside, dlat, 0.0)


def wgs84_to_gcj02(lon: ArrayLike, lat: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Convert WGS-84 (or CGCS2000) longitude/latitude to GCJ-02 (the published forward formula).

    Parameters
    ----------
    lon, lat : array_like
        Degrees; scalars or arrays of the same (broadcastable) shape.

    Returns
    -------
    (lon, lat) : tuple of ndarray
        GCJ-02 degrees.  Points outside the China box are returned unchanged.
    """
    lon_a, lat_a = _as_arrays(lon, lat)
    dlon, dlat = _offset(lon_a, lat_a)
    return lon_a + dlon, lat_a + dlat


def gcj02_to_wgs84(
    lon: ArrayLike, lat: ArrayLike, *, tol: float = 1e-10, max_iter: int = 30
) -> tuple[np.ndarray, np.ndarray]:
    """Convert GCJ-02 longitude/latitude to WGS-84 by iterative inversion of the forward offset.

    Solves ``wgs84_to_gcj02(w) = g`` for ``w`` with ``w ← w + (g − f(w))`` starting at ``w = g``.

    Parameters
    ----------
    lon, lat : array_like
        GCJ-02 degrees.
    tol : float
        Stop when every point moved less than ``tol`` degrees in the last step.
    max_iter : int
        Upper bound on iterations (8 suffice for 1e-9 degrees everywhere in China).

    Returns
    -------
    (lon, lat) : tuple of ndarray
        WGS-84 degrees; round trip error ``|f(w) − g| < 1e-9`` degrees (0.1 mm).
    """
    g_lon, g_lat = _as_arrays(lon, lat)
    w_lon, w_lat = g_lon.copy(), g_lat.copy()
    for _ in range(max_iter):
        f_lon, f_lat = wgs84_to_gcj02(w_lon, w_lat)
        step_lon = g_lon - f_lon
        step_lat = g_lat - f_lat
        w_lon = w_lon + step_lon
        w_lat = w_lat + step_lat
        if step_lon.size == 0 or max(np.nanmax(np.abs(step_lon)), np.nanmax(np.abs(step_lat))) < tol:
            break
    return w_lon, w_lat


_X_PI = np.pi * 3000.0 / 180.0


def gcj02_to_bd09(lon: ArrayLike, lat: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Convert GCJ-02 longitude/latitude to Baidu BD-09 (the published forward formula).

    Parameters
    ----------
    lon, lat : array_like
        GCJ-02 degrees.

    Returns
    -------
    (lon, lat) : tuple of ndarray
        BD-09 degrees.
    """
    x, y = _as_arrays(lon, lat)
    z = np.hypot(x, y) + 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * _X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def bd09_to_gcj02(
    lon: ArrayLike, lat: ArrayLike, *, tol: float = 1e-12, max_iter: int = 20
) -> tuple[np.ndarray, np.ndarray]:
    """Convert Baidu BD-09 longitude/latitude to GCJ-02 by iterating the forward formula.

    Starts from the circulating closed-form inverse (off by up to ~5e-7 degrees) and iterates
    ``g ← g + (b − f(g))``.

    Parameters
    ----------
    lon, lat : array_like
        BD-09 degrees.
    tol : float
        Stop when every point moved less than ``tol`` degrees in the last step.
    max_iter : int
        Upper bound on iterations (three or four suffice).

    Returns
    -------
    (lon, lat) : tuple of ndarray
        GCJ-02 degrees; ``gcj02_to_bd09`` of the result reproduces the input to ~1e-12 degrees.
    """
    b_lon, b_lat = _as_arrays(lon, lat)
    x, y = b_lon - 0.0065, b_lat - 0.006
    z = np.hypot(x, y) - 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _X_PI)
    g_lon, g_lat = z * np.cos(theta), z * np.sin(theta)
    for _ in range(max_iter):
        f_lon, f_lat = gcj02_to_bd09(g_lon, g_lat)
        step_lon, step_lat = b_lon - f_lon, b_lat - f_lat
        g_lon, g_lat = g_lon + step_lon, g_lat + step_lat
        if step_lon.size == 0 or max(np.nanmax(np.abs(step_lon)), np.nanmax(np.abs(step_lat))) < tol:
            break
    return g_lon, g_lat


def wgs84_to_bd09(lon: ArrayLike, lat: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Convert WGS-84 (or CGCS2000) longitude/latitude to Baidu BD-09 (via GCJ-02).

    Parameters
    ----------
    lon, lat : array_like
        WGS-84 degrees.

    Returns
    -------
    (lon, lat) : tuple of ndarray
        BD-09 degrees.
    """
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def bd09_to_wgs84(lon: ArrayLike, lat: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Convert Baidu BD-09 longitude/latitude to WGS-84 (both inverses iterated).

    Parameters
    ----------
    lon, lat : array_like
        BD-09 degrees.

    Returns
    -------
    (lon, lat) : tuple of ndarray
        WGS-84 degrees; round trip through :func:`wgs84_to_bd09` within 1e-9 degrees.
    """
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


_CONVERT = {
    ("wgs84", "gcj02"): wgs84_to_gcj02,
    ("gcj02", "wgs84"): gcj02_to_wgs84,
    ("gcj02", "bd09"): gcj02_to_bd09,
    ("bd09", "gcj02"): bd09_to_gcj02,
    ("wgs84", "bd09"): wgs84_to_bd09,
    ("bd09", "wgs84"): bd09_to_wgs84,
}
_DATUMS = {"wgs84": "wgs84", "wgs-84": "wgs84", "epsg:4326": "wgs84", "cgcs2000": "wgs84", "epsg:4490": "wgs84",
           "gcj02": "gcj02", "gcj-02": "gcj02", "amap": "gcj02", "gaode": "gcj02", "高德": "gcj02", "tencent": "gcj02",
           "bd09": "bd09", "bd-09": "bd09", "baidu": "bd09", "百度": "bd09"}


def _datum(name: str) -> str:
    key = str(name).strip().lower()
    if key not in _DATUMS:
        raise InputError(f"unknown coordinate system {name!r}; use 'wgs84', 'gcj02' (Amap, Tencent) or 'bd09' (Baidu)")
    return _DATUMS[key]


def convert(lon: ArrayLike, lat: ArrayLike, *, source: str, target: str = "wgs84") -> tuple[np.ndarray, np.ndarray]:
    """Convert longitude/latitude between WGS-84, GCJ-02 and BD-09.

    Parameters
    ----------
    lon, lat : array_like
        Degrees.
    source, target : {"wgs84", "gcj02", "bd09"}
        Also accepted: ``"amap"``/``"gaode"``/``"tencent"`` (GCJ-02), ``"baidu"`` (BD-09),
        ``"cgcs2000"``/``"EPSG:4490"``/``"EPSG:4326"`` (WGS-84).

    Returns
    -------
    (lon, lat) : tuple of ndarray
        Degrees in ``target``.
    """
    s, t = _datum(source), _datum(target)
    if s == t:
        return _as_arrays(lon, lat)
    return _CONVERT[(s, t)](lon, lat)


def points_from_table(
    data, lon: str, lat: str, *, crs: str = "wgs84", keep_original: bool = False
):
    """City points from a table of longitudes/latitudes (Amap: GCJ-02, Baidu: BD-09) in CGCS2000.

    Parameters
    ----------
    data : DataFrame
        The table (not modified).
    lon, lat : str
        Longitude and latitude columns (degrees; text such as ``"116.404"`` is parsed).
    crs : {"wgs84", "gcj02", "bd09"}
        Coordinate system of the table: ``"gcj02"`` for points copied from Amap/Tencent,
        ``"bd09"`` for Baidu.
    keep_original : bool
        Keep the input columns; by default ``lon``/``lat`` are replaced by the WGS-84 values.

    Returns
    -------
    GeoDataFrame
        Points in EPSG:4490 (CGCS2000 ≈ WGS-84), the table's other columns kept, same index;
        ``lon``/``lat`` hold WGS-84 degrees (``keep_original=True`` adds ``<lon>_<crs>``).

    Raises
    ------
    InputError
        Unknown columns, non-numeric or missing coordinates (the rows named), or points outside
        China's range (73–136 °E, 3–54 °N) for GCJ-02/BD-09 input.
    """
    import geopandas as gpd

    from ._numbers import to_numeric
    from ._validation import describe_rows, unit_labels

    for col in (lon, lat):
        if col not in data.columns:
            raise InputError(f"column {col!r} not in the table; columns: {list(data.columns)[:20]}")
    x = to_numeric(data[lon], name=lon).to_numpy()
    y = to_numeric(data[lat], name=lat).to_numpy()
    bad = ~(np.isfinite(x) & np.isfinite(y))
    if bad.any():
        labels = [lab for lab, b in zip(unit_labels(data), bad) if b]
        raise InputError(f"missing coordinates in {describe_rows(labels)}; drop or fill them first")
    datum = _datum(crs)
    if datum != "wgs84":
        outside = ~((x >= 73) & (x <= 136) & (y >= 3) & (y <= 54))
        if outside.any():
            labels = [lab for lab, b in zip(unit_labels(data), outside) if b]
            raise InputError(
                f"{describe_rows(labels)} lie outside China (73–136 °E, 3–54 °N), where {crs!r} is not defined; "
                "are longitude and latitude swapped?"
            )
    wx, wy = convert(x, y, source=datum, target="wgs84")
    out = data.drop(columns="geometry", errors="ignore").copy()
    if keep_original:
        out[f"{lon}_{datum}"], out[f"{lat}_{datum}"] = x, y
    out[lon], out[lat] = wx, wy
    return gpd.GeoDataFrame(out, geometry=gpd.points_from_xy(wx, wy), crs=GEOGRAPHIC, index=data.index)


def transform_geometry(geometry, func):
    """Apply a coordinate function ``func(lon, lat) -> (lon, lat)`` to shapely geometries.

    Parameters
    ----------
    geometry : shapely geometry, array of geometries or GeoSeries
        The geometries.
    func : callable
        ``func(lon, lat) -> (lon, lat)`` on arrays, e.g. :func:`gcj02_to_wgs84` for Amap boundaries.

    Returns
    -------
    The same kind as ``geometry`` (a GeoSeries keeps its index and CRS).
    """
    import shapely

    def _xy(coords: np.ndarray) -> np.ndarray:
        x, y = func(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    try:
        import geopandas as gpd
    except ImportError:  # pragma: no cover - geopandas is a core dependency
        gpd = None
    if gpd is not None and isinstance(geometry, gpd.GeoSeries):
        out = shapely.transform(geometry.values, _xy)
        return gpd.GeoSeries(out, index=geometry.index, crs=geometry.crs)
    return shapely.transform(geometry, _xy)
