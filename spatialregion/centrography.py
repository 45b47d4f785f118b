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
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

import numpy as np
import pandas as pd

from ._validation import check_choice, check_crs, describe_rows, finite_array
from .errors import CRSError, GeometryError, InputError, MissingValueError
from .labels import DIRECTIONS
from .results import Result, Summary, SummaryTable

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
    from .crs import ALBERS

    return ALBERS


# ---------------------------------------------------------------------------
# kernels (pure functions on arrays)
# ---------------------------------------------------------------------------
def _sde_kernel(x: np.ndarray, y: np.ndarray, w: np.ndarray, factor: float) -> dict[str, float]:
    """Weighted SDE by the ArcGIS closed form; ``factor`` multiplies the standard distances.

    Returns centre (cx, cy), ``rotation`` (deg clockwise from north of the long axis, [0, 180)),
    ``sigma_major``/``sigma_minor`` (already multiplied by ``factor``).
    """
    sw = w.sum()
    cx, cy = float(np.dot(w, x) / sw), float(np.dot(w, y) / sw)
    xt, yt = x - cx, y - cy
    sxx, syy, sxy = float(np.dot(w, xt * xt)), float(np.dot(w, yt * yt)), float(np.dot(w, xt * yt))
    a = sxx - syy
    c = 2.0 * sxy
    b = float(np.hypot(a, c))
    scale = max(sxx + syy, np.finfo(float).tiny)
    if abs(c) <= 1e-14 * scale:
        theta = 90.0 if a > 0 else 0.0  # long axis east–west (a > 0) or north–south
    else:
        theta = float(np.degrees(np.arctan((a + b) / c))) % 180.0
    t = np.radians(theta)
    along = xt * np.sin(t) + yt * np.cos(t)
    across = xt * np.cos(t) - yt * np.sin(t)
    s_major = float(np.sqrt(np.dot(w, along * along) / sw)) * factor
    s_minor = float(np.sqrt(np.dot(w, across * across) / sw)) * factor
    return {"cx": cx, "cy": cy, "rotation": theta, "sigma_major": s_major, "sigma_minor": s_minor}


def _ellipse_polygon(cx: float, cy: float, a: float, b: float, rotation_deg: float, n: int = 180):
    """Ellipse polygon (projected units) with long axis ``a`` at azimuth ``rotation_deg``."""
    import shapely

    t = np.linspace(0.0, 2.0 * np.pi, n, endpoint=False)
    u, v = a * np.cos(t), b * np.sin(t)  # u along the long axis, v across
    th = np.radians(rotation_deg)
    # long-axis unit vector (sin θ, cos θ); short-axis (cos θ, −sin θ)
    x = cx + u * np.sin(th) + v * np.cos(th)
    y = cy + u * np.cos(th) - v * np.sin(th)
    return shapely.Polygon(np.column_stack([x, y]))


def _ramanujan(a: np.ndarray | float, b: np.ndarray | float) -> Any:
    """Ellipse perimeter, Ramanujan (1914) first approximation (rel. error < 1e-4 for a/b < 5)."""
    return np.pi * (3 * (a + b) - np.sqrt((3 * a + b) * (a + 3 * b)))


def direction_words(bearing_deg: Any) -> tuple[np.ndarray, np.ndarray]:
    """Chinese and English compass words (8 sectors of 45°, 北 = [337.5°, 22.5°)) of bearings."""
    b = np.asarray(bearing_deg, dtype=float) % 360.0
    k = np.floor((b + 22.5) / 45.0).astype(int) % 8
    zh = np.array([DIRECTIONS[i].zh for i in np.atleast_1d(k)], dtype=object)
    en = np.array([DIRECTIONS[i].en for i in np.atleast_1d(k)], dtype=object)
    return zh, en


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


def _projected_points(gdf: Any, crs: Any, points: str) -> tuple[np.ndarray, Any, Any]:
    """(n, 2) coordinates of each unit's representative point in the projected CRS."""
    import geopandas as gpd

    if not isinstance(gdf, gpd.GeoDataFrame | gpd.GeoSeries):
        raise InputError(f"expected a GeoDataFrame of units, got {type(gdf).__name__}")
    check_crs(gdf, names=["units"])
    check_choice("points", points, ("centroid", "representative"))
    geom = gdf.geometry
    bad = geom.isna() | geom.is_empty
    if bad.any():
        raise GeometryError(f"units have missing or empty geometry in {describe_rows(gdf.index[bad.to_numpy()])}")
    target = _target_crs(crs)
    proj = geom.to_crs(target)
    pts = proj.centroid if points == "centroid" else proj.representative_point()
    return np.column_stack([pts.x.to_numpy(), pts.y.to_numpy()]), target, gdf.crs


def _weights_array(gdf: Any, weights: Any) -> tuple[np.ndarray, str | None]:
    n = len(gdf)
    if weights is None:
        return np.ones(n), None
    if isinstance(weights, str):
        if weights not in gdf.columns:
            raise InputError(f"weights column {weights!r} not in the data; available: {list(gdf.columns)[:20]}")
        raw = gdf[weights].to_numpy(dtype=float, na_value=np.nan)
        name = weights
    else:
        raw = np.asarray(weights.reindex(gdf.index) if isinstance(weights, pd.Series) else weights, dtype=float)
        name = getattr(weights, "name", None) or "weights"
    if raw.shape != (n,):
        raise InputError(f"weights has shape {raw.shape} but there are {n} units; give one weight per unit")
    miss = ~np.isfinite(raw)
    if miss.any():
        raise MissingValueError(
            f"weights {name!r} are missing (NaN/inf) for {describe_rows(gdf.index[miss])}; "
            "fill them or drop those units explicitly (spatialregion never drops rows silently)"
        )
    w = finite_array(raw, str(name))
    if (w < 0).any():
        raise InputError(f"weights {name!r} are negative for {describe_rows(gdf.index[w < 0])}; weights must be >= 0")
    if not (w > 0).any():
        raise InputError(f"weights {name!r} are all zero; the weighted centre is undefined")
    return w, name


@lru_cache(maxsize=16)
def _transformer_to_lonlat(wkt: str) -> Any:
    from pyproj import Transformer

    return Transformer.from_crs(wkt, "EPSG:4490", always_xy=True)


def _to_lonlat(x: Any, y: Any, target: Any) -> tuple[np.ndarray, np.ndarray]:
    tr = _transformer_to_lonlat(target.to_wkt())
    return tr.transform(np.asarray(x, dtype=float), np.asarray(y, dtype=float))


# ---------------------------------------------------------------------------
# results
# ---------------------------------------------------------------------------
_FIELDS = [
    "n",
    "centre_lon",
    "centre_lat",
    "centre_x",
    "centre_y",
    "semi_major_km",
    "semi_minor_km",
    "rotation_deg",
    "area_km2",
    "perimeter_km",
    "flattening",
]


@dataclass(frozen=True, eq=False)
class EllipseResult(Result):
    """Standard deviational ellipse of one weighting.

    Attributes
    ----------
    centre_x, centre_y : float
        Weighted mean centre in the projected CRS (metres).
    centre_lon, centre_lat : float
        The same centre in CGCS2000 degrees.
    semi_major_km, semi_minor_km : float
        Semi-axes a ≥ b after scaling (see ``scale`` and ``n_std``), km.
    rotation_deg : float
        Azimuth of the long axis, degrees clockwise from north, [0, 180) (ArcGIS ``Rotation``).
    area_km2, perimeter_km, flattening : float
        π a b; Ramanujan's perimeter; (a − b)/a.
    n_std : int
        1, 2 or 3 standard deviations.
    scale : {"arcgis", "plain"}
        ``arcgis``: standard distances × √2 · n_std; ``plain``: × n_std.
    crs : str
        The projected CRS of the computation (WKT/PROJ string).
    weights : str or None
        Name of the weighting variable (None: unweighted).
    ellipse : shapely.Polygon
        The ellipse in the projected CRS.
    """

    n: int
    centre_x: float
    centre_y: float
    centre_lon: float
    centre_lat: float
    semi_major_km: float
    semi_minor_km: float
    rotation_deg: float
    area_km2: float
    perimeter_km: float
    flattening: float
    n_std: int
    scale: str
    crs: str
    weights: str | None
    ellipse: Any
    label: Any = None

    def as_series(self) -> pd.Series:
        return pd.Series({f: getattr(self, f) for f in _FIELDS}, name=self.label)

    def to_frame(self) -> Any:
        """One row (the ellipse polygon in EPSG:4490) with every field."""
        import geopandas as gpd

        row = self.as_series().to_frame().T
        row.insert(0, "period", [self.label if self.label is not None else (self.weights or "ellipse")])
        geom = gpd.GeoSeries([self.ellipse], crs=self.crs).to_crs("EPSG:4490")
        return gpd.GeoDataFrame(row.reset_index(drop=True), geometry=geom.to_numpy(), crs="EPSG:4490")

    def summary(self) -> Summary:
        t = self.as_series().to_frame("value")
        return Summary(
            title="Standard deviational ellipse 标准差椭圆" + (f" ({self.weights})" if self.weights else ""),
            tables=(SummaryTable("Ellipse", t),),
            notes=(_scale_note(self.scale, self.n_std),),
        )

    def _style(self) -> Any:
        from . import export

        frame = self.to_frame()
        return export.categorized("period", list(frame["period"]), ["#d62728"], title="SDE 标准差椭圆")

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Units (grey), the ellipse and its centre, in the projected CRS."""
        return _draw([self], self.geometry, ax=ax, arrows=False, **kwargs)


def _scale_note(scale: str, n_std: int) -> str:
    f = np.sqrt(2) * n_std if scale == "arcgis" else n_std
    return (
        f"{n_std} standard deviation(s), scale={scale!r}: standard distances x {f:.4g} "
        "(ArcGIS 10.x/Pro multiplies by sqrt(2) per standard deviation for 2-D data); "
        "rotation = azimuth of the long axis clockwise from north; perimeter by Ramanujan's formula."
    )


@dataclass(frozen=True, eq=False)
class MigrationResult(Result):
    """Ellipses per period and the path of their centre.

    Attributes
    ----------
    ellipses : DataFrame
        One row per period with every :class:`EllipseResult` field (index: period).
    path : DataFrame
        One row per consecutive pair of periods: ``from``, ``to``, ``distance_km`` (geodesic on
        GRS80), ``bearing_deg`` (initial azimuth, clockwise from north, [0, 360)), ``direction_zh``,
        ``direction_en`` (8 compass sectors), ``dx_km``/``dy_km`` (east/north shift in the
        projected CRS), ``speed_km_per_year`` (when periods are years), and the changes of the
        semi-axes, rotation and area.
    results : tuple of EllipseResult
    """

    ellipses: pd.DataFrame
    path: pd.DataFrame
    results: tuple[EllipseResult, ...]
    n_std: int = 1
    scale: str = "arcgis"

    def to_frame(self) -> Any:
        """Ellipse polygons (EPSG:4490), one row per period."""
        import geopandas as gpd

        frames = [r.to_frame() for r in self.results]
        return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs="EPSG:4490")

    def centres(self) -> Any:
        """Centre points (EPSG:4490), one row per period."""
        import geopandas as gpd

        df = self.ellipses.reset_index()
        return gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(df["centre_lon"], df["centre_lat"]), crs="EPSG:4490")

    def path_lines(self) -> Any:
        """Centre-migration segments (EPSG:4490 LineStrings) with the ``path`` attributes."""
        import geopandas as gpd
        import shapely

        lon = self.ellipses["centre_lon"].to_numpy()
        lat = self.ellipses["centre_lat"].to_numpy()
        lines = [shapely.LineString([(lon[i], lat[i]), (lon[i + 1], lat[i + 1])]) for i in range(len(lon) - 1)]
        df = self.path.copy()
        df["segment"] = [f"{a}→{b}" for a, b in zip(df["from"], df["to"])]
        return gpd.GeoDataFrame(df.reset_index(drop=True), geometry=lines, crs="EPSG:4490")

    def summary(self) -> Summary:
        cols = ["centre_lon", "centre_lat", "semi_major_km", "semi_minor_km", "rotation_deg", "area_km2", "perimeter_km", "flattening"]
        return Summary(
            title="Standard deviational ellipse and centre migration 标准差椭圆与重心迁移",
            tables=(
                SummaryTable("Ellipses by period", self.ellipses[cols]),
                SummaryTable("Centre migration", self.path),
            ),
            notes=(_scale_note(self.scale, self.n_std), "distance: geodesic on GRS80; bearing: initial azimuth clockwise from north."),
        )

    def _period_colors(self) -> list[str]:
        import matplotlib.pyplot as plt
        from matplotlib.colors import to_hex

        k = len(self.results)
        cmap = plt.get_cmap("viridis")
        return [to_hex(cmap(0.9 * i / max(k - 1, 1))) for i in range(k)]

    def _styles(self) -> dict[str, Any]:
        from . import export

        periods = [str(p) for p in self.ellipses.index]
        colors = self._period_colors()
        segs = [f"{a}→{b}" for a, b in zip(self.path["from"], self.path["to"])]
        return {
            "ellipses": export.categorized("period", periods, colors, title="SDE 标准差椭圆"),
            "centres": export.categorized("period", periods, colors, title="Centre 重心", geometry="point"),
            "path": export.categorized("segment", segs, colors[1:], title="Migration 重心迁移", geometry="line"),
        }

    def _style(self) -> Any:
        return self._styles()["ellipses"]

    def to_gpkg(self, path: Any, layer: str | None = None, **kwargs: Any) -> Any:
        """Write three styled layers: ``<layer>_ellipses`` (polygons), ``<layer>_centres``
        (points) and ``<layer>_path`` (lines); ``layer`` defaults to ``"sde"``."""
        from . import export

        base = layer or "sde"
        styles = self._styles()
        ell = self.to_frame()
        ell["period"] = ell["period"].astype(str)
        cen = self.centres()
        cen["period"] = cen["period"].astype(str)
        out = export.to_gpkg(ell, path, layer=f"{base}_ellipses", style=styles["ellipses"], **kwargs)
        export.to_gpkg(cen, path, layer=f"{base}_centres", style=styles["centres"], **kwargs)
        if len(self.path):
            lines = self.path_lines()
            lines["from"] = lines["from"].astype(str)
            lines["to"] = lines["to"].astype(str)
            export.to_gpkg(lines, path, layer=f"{base}_path", style=styles["path"], **kwargs)
        return out

    def plot(self, ax: Any = None, inset: bool = True, **kwargs: Any) -> Any:
        """Map: units (grey), one ellipse per period, centres joined by arrows;
        ``inset=True`` adds a zoomed panel of the centre path (centres move little at national scale)."""
        return _draw(list(self.results), self.geometry, ax=ax, arrows=True, inset=inset, colors=self._period_colors(), **kwargs)


def _draw(
    results: list[EllipseResult],
    units: Any,
    ax: Any = None,
    arrows: bool = True,
    inset: bool = False,
    colors: list[str] | None = None,
    title: str | None = None,
    **kwargs: Any,
) -> Any:
    """Publication map (:func:`spatialregion.maps.plot_style`): units in grey, ellipses
    lightly filled and outlined by period, centres, arrows, optional zoom on the path."""
    import geopandas as gpd

    from . import export, maps

    colors = colors or ["#d62728"] * len(results)
    frame = gpd.GeoDataFrame(pd.concat([r.to_frame() for r in results], ignore_index=True), crs="EPSG:4490")
    frame["period"] = frame["period"].astype(str)
    style = export.categorized("period", list(frame["period"]), colors, title="SDE 标准差椭圆")
    base = gpd.GeoDataFrame(geometry=gpd.GeoSeries(units).reset_index(drop=True)) if units is not None else None
    kwargs.setdefault("alpha", 0.15)
    ax = maps.plot_style(frame, style, ax=ax, title=title, base=base, **kwargs)
    map_crs = maps.map_crs(frame)  # the CRS plot_style drew in
    outl = frame.to_crs(map_crs)
    cen = gpd.GeoSeries(gpd.points_from_xy([r.centre_lon for r in results], [r.centre_lat for r in results]), crs="EPSG:4490").to_crs(map_crs)
    xs, ys = list(cen.x), list(cen.y)
    for geom, c, x, y in zip(outl.geometry, colors, xs, ys):
        ex, ey = geom.exterior.xy
        ax.plot(ex, ey, color=c, lw=1.6, zorder=6)
        ax.plot(x, y, "o", color=c, ms=4, mec="k", mew=0.5, zorder=7)
    if arrows and len(results) > 1:
        _arrows(ax, xs, ys)
    if inset and len(results) > 1:
        span = max(np.ptp(xs), np.ptp(ys), 1.0)
        sub = ax.inset_axes([0.72, 0.70, 0.26, 0.26])
        for i, (r, c, x, y) in enumerate(zip(results, colors, xs, ys)):
            sub.plot(x, y, "o", color=c, ms=6, mec="k", mew=0.5)
            sub.annotate(str(r.label), (x, y), textcoords="offset points", xytext=(4, 4 if i % 2 == 0 else -11), fontsize=7)
        _arrows(sub, xs, ys)
        half = 0.65 * span
        mx, my = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
        sub.set_xlim(mx - half, mx + half)
        sub.set_ylim(my - half, my + half)
        sub.set_aspect("equal", adjustable="box")
        sub.set_xticks([])
        sub.set_yticks([])
        sub.set_title(f"centre path 重心轨迹 (span {span / 1000:.0f} km)", fontsize=7)
    return ax


def _arrows(ax: Any, xs: list[float], ys: list[float]) -> None:
    for i in range(len(xs) - 1):
        ax.annotate("", xy=(xs[i + 1], ys[i + 1]), xytext=(xs[i], ys[i]), arrowprops={"arrowstyle": "-|>", "color": "k", "lw": 1.0})


# ---------------------------------------------------------------------------
# public functions
# ---------------------------------------------------------------------------
def mean_centre(gdf: Any, weights: Any = None, *, crs: Any = "albers", points: str = "centroid") -> tuple[float, float]:
    """Weighted mean centre (lon, lat in EPSG:4490) of the units' centroids in ``crs``.

    x̄ = Σ w_i x_i / Σ w_i, ȳ likewise, with x, y the unit centroids projected to ``crs``
    (China Albers equal-area by default); the centre is transformed back to degrees.
    """
    xy, target, _ = _projected_points(gdf, crs, points)
    w, _ = _weights_array(gdf, weights)
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
        weights=name,
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
    gdf: Any,
    weights: Any = None,
    *,
    crs: Any = "albers",
    n_std: Literal[1, 2, 3] = 1,
    scale: Literal["arcgis", "plain"] = "arcgis",
    points: Literal["centroid", "representative"] = "centroid",
) -> EllipseResult:
    """Weighted standard deviational ellipse (ArcGIS Directional Distribution).

    See the module docstring for the formulas.

    Parameters
    ----------
    gdf : GeoDataFrame
        Units (polygons or points) with a CRS.  Each unit is represented by its centroid
        computed in ``crs`` (``points="representative"``: a point guaranteed inside it).
    weights : str, array-like or None
        Column name or one non-negative weight per unit (e.g. the AI index, GDP); ``None``
        for the unweighted ellipse.  NaN weights raise :class:`MissingValueError`.
    crs : "albers" or CRS
        Projected CRS of the computation; default the China Albers equal-area conic
        (``+proj=aea +lat_1=25 +lat_2=47 +lat_0=0 +lon_0=105 +ellps=GRS80``).
    n_std : {1, 2, 3}
        Ellipse size in standard deviations.
    scale : {"arcgis", "plain"}
        ``arcgis`` (default): standard distances × √2 · n_std as in ArcGIS 10.x/Pro;
        ``plain``: × n_std.

    Returns
    -------
    EllipseResult
        Centre (projected and lon/lat), semi-axes (km), rotation (degrees clockwise
        from north), area (km²), perimeter (km), flattening.
    """
    xy, target, _ = _projected_points(gdf, crs, points)
    w, name = _weights_array(gdf, weights)
    _check_ellipse_args(n_std, scale, int((w > 0).sum()))
    return _ellipse_from_xy(xy, w, target, n_std, scale, name, name, gdf.geometry)


def _period_labels(columns: Sequence[str] | Mapping[Any, str]) -> list[tuple[Any, str]]:
    if isinstance(columns, Mapping):
        return list(columns.items())
    if isinstance(columns, str):
        raise InputError("columns must be a list of column names (one per period) or a {period: column} mapping")
    cols = list(columns)
    years = [re.search(r"(\d{4})$", str(c)) for c in cols]
    if all(years):
        return [(int(m.group(1)), c) for m, c in zip(years, cols)]
    return [(c, c) for c in cols]


def migration(
    gdf: Any,
    columns: Sequence[str] | Mapping[Any, str],
    *,
    crs: Any = "albers",
    n_std: Literal[1, 2, 3] = 1,
    scale: Literal["arcgis", "plain"] = "arcgis",
    points: Literal["centroid", "representative"] = "centroid",
) -> MigrationResult:
    """Standard deviational ellipse per period and the migration of its centre.

    Parameters
    ----------
    gdf : GeoDataFrame
        Units with one weight column per period (a wide panel).
    columns : list of str or {period: column}
        Weight columns in period order.  Column names ending in a 4-digit year
        (``ai2011``) give integer periods (2011), and then a speed in km per year.
    crs, n_std, scale, points
        As for :func:`standard_ellipse`.

    Returns
    -------
    MigrationResult
        ``ellipses`` (one row per period), ``path`` (distance km — geodesic on GRS80 —,
        bearing, 东北/northeast-style direction words, speed), ``plot()`` (ellipses
        with arrows) and ``to_gpkg()`` (styled ellipse, centre and path layers).
    """
    labels = _period_labels(columns)
    if len(labels) < 1:
        raise InputError("columns is empty; give at least one weight column")
    xy, target, _ = _projected_points(gdf, crs, points)
    results = []
    for label, col in labels:
        w, name = _weights_array(gdf, col)
        _check_ellipse_args(n_std, scale, int((w > 0).sum()))
        results.append(_ellipse_from_xy(xy, w, target, n_std, scale, name, label, gdf.geometry))
    ell = pd.DataFrame([r.as_series() for r in results])
    ell.index = pd.Index([lab for lab, _ in labels], name="period")
    ell.insert(0, "column", [c for _, c in labels])
    path = _path_table(ell)
    return MigrationResult(ellipses=ell, path=path, results=tuple(results), n_std=n_std, scale=scale, geometry=gdf.geometry)


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
