"""Centrography: weighted mean centre, standard deviational ellipse, centre migration.

The standard deviational ellipse (SDE) follows ArcGIS *Directional Distribution
(Standard Deviational Ellipse)*, weighted form, computed in an equal-area
projection (China Albers by default):

* centre (weighted mean centre)  x̄ = Σ w_i x_i / Σ w_i,  ȳ = Σ w_i y_i / Σ w_i, with
  (x_i, y_i) the centroid of unit i in the projected CRS and x̃ = x − x̄, ỹ = y − ȳ;
* rotation (ArcGIS closed form)  tan θ = (A + B) / C with A = Σ w x̃² − Σ w ỹ²,
  B = √(A² + 4 (Σ w x̃ ỹ)²), C = 2 Σ w x̃ ỹ;  θ is the azimuth of the long axis,
  degrees clockwise from north, in [0, 180);
* standard distances along the rotated axes
  σ_y' = √(Σ w (x̃ sin θ + ỹ cos θ)² / Σ w)   (long axis)
  σ_x' = √(Σ w (x̃ cos θ − ỹ sin θ)² / Σ w)   (short axis);
* scaling — ``scale="arcgis"`` (default) multiplies both by √2 · n_std, the factors ArcGIS
  10.x / Pro print for two-dimensional data (1.41, 2.83, 4.24 for 1, 2, 3 standard
  deviations; a one-s.d. ellipse then covers ~63 % of a Rayleigh-distributed point
  cloud); ``scale="plain"`` multiplies by n_std only (the classic Lefever/Yuill ellipse;
  the form pointpats' ``ellipse(..., method="yuill", crimestatCorr=False,
  degfreedCorr=False)`` computes).

Derived: semi-axes a ≥ b (km), area π a b (km²), perimeter by Ramanujan's
approximation π[3(a + b) − √((3a + b)(a + 3b))] (km), flattening (a − b)/a.

References
----------
Lefever, D. W. (1926) Measuring geographic concentration by means of the standard
deviational ellipse. *Am. J. Sociology* 32: 88–94.  Yuill, R. S. (1971) The standard
deviational ellipse; an updated tool for spatial description. *Geografiska Annaler B* 53: 28–39.
Esri, "How Directional Distribution (Standard Deviational Ellipse) works" (ArcGIS 10.x / Pro help).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any, Literal

import numpy as np
import pandas as pd

from .._validation import check_choice, check_columns, check_crs, describe_rows
from ..errors import CRSError, GeometryError, InputError
from ..labels import DIRECTIONS
from ._kernels import _ellipse_polygon, _ramanujan, _sde_kernel, direction_words
from ._results import EllipseResult, MigrationResult

__all__ = [
    "DIRECTIONS",
    "mean_centre",
    "standard_ellipse",
    "migration",
    "direction_words",
    "EllipseResult",
    "MigrationResult",
]


_GEOD_ELLPS = "GRS80"  # CGCS2000 uses the CGCS2000 ellipsoid, identical to GRS80 to 0.1 mm


def _albers() -> str:
    from ..crs import ALBERS

    return ALBERS


# ---------------------------------------------------------------------------
# input handling
# ---------------------------------------------------------------------------
def _target_crs(crs: Any) -> Any:
    from pyproj import CRS

    target = CRS.from_user_input(_albers() if isinstance(crs, str) and crs.lower() == "albers" else crs)
    if not target.is_projected:
        raise CRSError(
            f"crs={crs!r} is geographic; the ellipse needs a projected CRS in metres "
            "(use crs='albers', the China Albers equal-area projection)"
        )
    return target


def _projected_points(gdf: Any, crs: Any, points: str) -> tuple[np.ndarray, Any]:
    """(n, 2) coordinates in the projected ``crs`` of each unit's point from :func:`spatialregion.weights.unit_points`."""
    import geopandas as gpd

    from ..weights import unit_points

    if not isinstance(gdf, gpd.GeoDataFrame | gpd.GeoSeries):
        raise InputError(f"data must be a GeoDataFrame of units, got {type(gdf).__name__}")
    check_crs(gdf, names=["units"])
    check_choice("points", points, ("centroid", "representative"))
    geom = gdf.geometry
    bad = geom.isna() | geom.is_empty
    if bad.any():
        raise GeometryError(f"units have missing or empty geometry in {describe_rows(gdf.index[bad.to_numpy()])}")
    target = _target_crs(crs)
    lonlat = unit_points(gdf, points)
    x, y = _transformer("EPSG:4326", target.to_wkt()).transform(lonlat[:, 0], lonlat[:, 1])
    return np.column_stack([x, y]), target


def _sample_weight(gdf: Any, sample_weight: Any) -> tuple[np.ndarray, str | None]:
    """Per-unit value weights (a column name or one number per unit) and their name; ones when None."""
    from .._validation import sample_weight_values

    if sample_weight is None:
        return np.ones(len(gdf)), None
    if isinstance(sample_weight, pd.Series):
        sample_weight = sample_weight.reindex(gdf.index)
    w = sample_weight_values(gdf, sample_weight, len(gdf), gdf.index)
    name = sample_weight if isinstance(sample_weight, str) else (getattr(sample_weight, "name", None) or "sample_weight")
    return w, str(name)


@lru_cache(maxsize=16)
def _transformer(source: str, target: str) -> Any:
    from pyproj import Transformer

    return Transformer.from_crs(source, target, always_xy=True)


def _to_lonlat(x: Any, y: Any, target: Any) -> tuple[np.ndarray, np.ndarray]:
    return _transformer(target.to_wkt(), "EPSG:4490").transform(np.asarray(x, dtype=float), np.asarray(y, dtype=float))


# ---------------------------------------------------------------------------
# public functions
# ---------------------------------------------------------------------------
def mean_centre(
    data: Any, *, sample_weight: Any = None, crs: Any = "albers", points: Literal["centroid", "representative"] = "centroid"
) -> tuple[float, float]:
    """Weighted mean centre (lon, lat in EPSG:4490) of the units' points in ``crs``.

    x̄ = Σ w_i x_i / Σ w_i, ȳ likewise, with x, y the unit points projected to ``crs``
    (China Albers equal-area by default); the centre is transformed back to degrees.

    Parameters
    ----------
    data : GeoDataFrame
        Units (polygons or points) with a CRS.
    sample_weight : str, array-like or None
        Per-unit value weights (a column name or one non-negative number per unit,
        e.g. GDP); ``None`` for the unweighted centre.  Spatial weights are rejected.
    crs : "albers" or CRS
        Projected CRS of the computation (default China Albers).
    points : {"centroid", "representative"}
        Unit points as in :func:`spatialregion.weights.unit_points`.

    Returns
    -------
    tuple of float
        ``(lon, lat)`` of the centre in degrees.
    """
    xy, target = _projected_points(data, crs, points)
    w, _ = _sample_weight(data, sample_weight)
    cx, cy = np.dot(w, xy[:, 0]) / w.sum(), np.dot(w, xy[:, 1]) / w.sum()
    lon, lat = _to_lonlat(cx, cy, target)
    return float(lon), float(lat)


def _ellipse_from_xy(xy: np.ndarray, w: np.ndarray, target: Any, n_std: int, scale: str, name: str | None, label: Any, units: Any) -> EllipseResult:
    factor = (np.sqrt(2.0) if scale == "arcgis" else 1.0) * n_std
    k = _sde_kernel(xy[:, 0], xy[:, 1], w, factor)
    a_km, b_km = k["sigma_major"] / 1000.0, k["sigma_minor"] / 1000.0
    lon, lat = _to_lonlat(k["cx"], k["cy"], target)
    return EllipseResult(
        n=int((w > 0).sum()),
        centre_x=k["cx"],
        centre_y=k["cy"],
        centre_lon=float(lon),
        centre_lat=float(lat),
        semi_major_km=a_km,
        semi_minor_km=b_km,
        rotation_deg=k["rotation"],
        area_km2=float(np.pi * a_km * b_km),
        perimeter_km=float(_ramanujan(a_km, b_km)),
        flattening=float((a_km - b_km) / a_km) if a_km > 0 else 0.0,
        n_std=n_std,
        scale=scale,
        crs=target.to_wkt(),
        sample_weight=name,
        ellipse=_ellipse_polygon(k["cx"], k["cy"], k["sigma_major"], k["sigma_minor"], k["rotation"]),
        label=label,
        geometry=units,
    )


def _check_ellipse_args(n_std: int, scale: str, n: int) -> None:
    check_choice("n_std", n_std, (1, 2, 3))
    check_choice("scale", scale, ("arcgis", "plain"))
    if n < 3:
        raise InputError(f"the standard deviational ellipse needs at least 3 units with positive weight, got {n}")


def standard_ellipse(
    data: Any,
    *,
    sample_weight: Any = None,
    crs: Any = "albers",
    n_std: Literal[1, 2, 3] = 1,
    scale: Literal["arcgis", "plain"] = "arcgis",
    points: Literal["centroid", "representative"] = "centroid",
) -> EllipseResult:
    """Weighted standard deviational ellipse (ArcGIS Directional Distribution).

    Centre x̄ = Σ w x / Σ w; rotation θ from tan θ = (A + B)/C (A = Σ w x̃² − Σ w ỹ²,
    B = √(A² + 4 (Σ w x̃ ỹ)²), C = 2 Σ w x̃ ỹ); standard distances along the rotated
    axes, scaled by √2 · n_std (ArcGIS) or n_std (see the module docstring).

    Parameters
    ----------
    data : GeoDataFrame
        Units (polygons or points) with a CRS.
    sample_weight : str, array-like or None
        Per-unit value weights: a column name or one non-negative number per unit
        (e.g. the AI index, GDP); ``None`` for the unweighted ellipse.  NaN raises
        :class:`MissingValueError`; spatial weights (a Graph or W) raise.
    crs : "albers" or CRS
        Projected CRS of the computation; default the China Albers equal-area conic
        (``+proj=aea +lat_1=25 +lat_2=47 +lat_0=0 +lon_0=105 +ellps=GRS80``).
    n_std : {1, 2, 3}
        Ellipse size in standard deviations.
    scale : {"arcgis", "plain"}
        ``arcgis`` (default): standard distances × √2 · n_std as in ArcGIS 10.x/Pro;
        ``plain``: × n_std.
    points : {"centroid", "representative"}
        The point of each unit: its area centroid (computed in an equal-area CRS by
        :func:`spatialregion.weights.unit_points`) or a point guaranteed inside it.

    Returns
    -------
    EllipseResult
        Centre (projected and lon/lat), semi-axes (km), rotation (degrees clockwise
        from north), area (km²), perimeter (km), flattening.

    References
    ----------
    Yuill, R. S. (1971). The standard deviational ellipse; an updated tool for spatial
    description. *Geografiska Annaler B* 53, 28–39.  Esri, "How Directional
    Distribution (Standard Deviational Ellipse) works".
    """
    xy, target = _projected_points(data, crs, points)
    w, name = _sample_weight(data, sample_weight)
    _check_ellipse_args(n_std, scale, int((w > 0).sum()))
    return _ellipse_from_xy(xy, w, target, n_std, scale, name, name, data.geometry)


def _period_labels(columns: Sequence[str] | Mapping[Any, str]) -> list[tuple[Any, str]]:
    if isinstance(columns, Mapping):
        return list(columns.items())
    cols = check_columns(columns, what="columns")
    years = [re.search(r"(\d{4})$", str(c)) for c in cols]
    if all(years):
        return [(int(m.group(1)), c) for m, c in zip(years, cols)]
    return [(c, c) for c in cols]


def migration(
    data: Any,
    columns: Sequence[str] | Mapping[Any, str],
    *,
    crs: Any = "albers",
    n_std: Literal[1, 2, 3] = 1,
    scale: Literal["arcgis", "plain"] = "arcgis",
    points: Literal["centroid", "representative"] = "centroid",
) -> MigrationResult:
    """Standard deviational ellipse per period and the migration of its centre.

    Each period's ellipse is :func:`standard_ellipse` with that period's column as
    ``sample_weight``; the centre path between consecutive periods is measured on the
    GRS80 ellipsoid (geodesic distance and initial bearing, ``pyproj.Geod``).

    Parameters
    ----------
    data : GeoDataFrame
        Units with one value column per period (a wide panel).
    columns : list of str or {period: column}
        The per-period value columns used as sample weights, in period order.  Column
        names ending in a 4-digit year (``ai2011``) give integer periods (2011), and then
        a speed in km per year.
    crs : "albers" or CRS
        Projected CRS of the computation (default China Albers).
    n_std : {1, 2, 3}
        Ellipse size in standard deviations.
    scale : {"arcgis", "plain"}
        Scaling of the standard distances, as in :func:`standard_ellipse`.
    points : {"centroid", "representative"}
        Unit points as in :func:`standard_ellipse`.

    Returns
    -------
    MigrationResult
        ``ellipses`` (one row per period), ``path`` (distance km — geodesic on GRS80 —,
        bearing, 东北/northeast-style direction words, speed), ``plot()`` (ellipses
        with arrows) and ``to_gpkg()`` (styled ellipse, centre and path layers).
    """
    labels = _period_labels(columns)
    xy, target = _projected_points(data, crs, points)
    results = []
    for label, col in labels:
        w, name = _sample_weight(data, col)
        _check_ellipse_args(n_std, scale, int((w > 0).sum()))
        results.append(_ellipse_from_xy(xy, w, target, n_std, scale, name, label, data.geometry))
    ell = pd.DataFrame([r.as_series() for r in results])
    ell.index = pd.Index([lab for lab, _ in labels], name="period")
    ell.insert(0, "column", [c for _, c in labels])
    path = _path_table(ell)
    return MigrationResult(ellipses=ell, path=path, results=tuple(results), n_std=n_std, scale=scale, geometry=data.geometry)


def _path_table(ell: pd.DataFrame) -> pd.DataFrame:
    from pyproj import Geod

    geod = Geod(ellps=_GEOD_ELLPS)
    lon, lat = ell["centre_lon"].to_numpy(), ell["centre_lat"].to_numpy()
    if len(ell) < 2:
        return pd.DataFrame(columns=["from", "to", "distance_km", "bearing_deg", "direction_zh", "direction_en"])
    az, _, dist = geod.inv(lon[:-1], lat[:-1], lon[1:], lat[1:])
    bearing = np.mod(np.asarray(az), 360.0)
    zh, en = direction_words(bearing)
    periods = list(ell.index)
    out = pd.DataFrame(
        {
            "from": periods[:-1],
            "to": periods[1:],
            "distance_km": np.asarray(dist) / 1000.0,
            "bearing_deg": bearing,
            "direction_zh": zh,
            "direction_en": en,
            "dx_km": np.diff(ell["centre_x"].to_numpy()) / 1000.0,
            "dy_km": np.diff(ell["centre_y"].to_numpy()) / 1000.0,
        }
    )
    if all(isinstance(p, int | np.integer) for p in periods):
        out["speed_km_per_year"] = out["distance_km"] / np.diff(np.asarray(periods, dtype=float))
    for col in ("semi_major_km", "semi_minor_km", "area_km2"):
        out[f"d_{col}"] = np.diff(ell[col].to_numpy())
    # axis azimuths are defined modulo 180°: report the smallest turn, in (−90, 90]
    turn = np.diff(ell["rotation_deg"].to_numpy())
    out["d_rotation_deg"] = -((-turn + 90.0) % 180.0 - 90.0)
    return out

