"""Result classes of the centrography: one ellipse, ellipses per period with the centre's migration."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..results import Summary, SummaryTable, TableResult

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
class EllipseResult(TableResult):
    """Standard deviational ellipse of one weighting.

    A table result (one row of figures) whose row is also a polygon: ``to_frame()``
    is a one-row GeoDataFrame (EPSG:4490) and ``to_gpkg()`` writes the ellipse as a
    styled layer for QGIS.

    Attributes
    ----------
    n : int
        Number of units with positive weight.
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
    sample_weight : str or None
        Name of the value-weight variable (None: unweighted).
    ellipse : shapely.Polygon
        The ellipse in the projected CRS.
    label : object
        Period label (or the weight column) shown in tables and maps.
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
    sample_weight: str | None
    ellipse: Any
    label: Any = None

    def as_series(self) -> pd.Series:
        return pd.Series({f: getattr(self, f) for f in _FIELDS}, name=self.label)

    def to_frame(self) -> Any:
        """One row (the ellipse polygon in EPSG:4490) with every field."""
        import geopandas as gpd

        row = self.as_series().to_frame().T
        row.insert(0, "period", [self.label if self.label is not None else (self.sample_weight or "ellipse")])
        geom = gpd.GeoSeries([self.ellipse], crs=self.crs).to_crs("EPSG:4490")
        return gpd.GeoDataFrame(row.reset_index(drop=True), geometry=geom.to_numpy(), crs="EPSG:4490")

    def summary(self) -> Summary:
        t = self.as_series().to_frame("value")
        return Summary(
            title="Standard deviational ellipse 标准差椭圆" + (f" ({self.sample_weight})" if self.sample_weight else ""),
            tables=(SummaryTable("Ellipse", t),),
            notes=(_scale_note(self.scale, self.n_std),),
        )

    def _style(self) -> Any:
        from .. import export

        frame = self.to_frame()
        return export.categorized("period", list(frame["period"]), ["#d62728"], title="SDE 标准差椭圆")

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Map of the units (grey), the ellipse and its centre.

        Parameters
        ----------
        ax : Axes, optional
            Axes to draw in.
        **kwargs
            Passed to :func:`spatialregion.maps.plot_style` (``title``, ...).

        Returns
        -------
        Axes
        """
        return _draw([self], self.geometry, ax=ax, arrows=False, **kwargs)

    def to_gpkg(self, path: Any, layer: str | None = None, **kwargs: Any) -> Any:
        """Write the ellipse polygon (EPSG:4490) with its figures as a styled GeoPackage layer.

        Parameters
        ----------
        path : str or Path
            GeoPackage file.
        layer : str, optional
            Layer name (default ``"ellipse"``).
        **kwargs
            Passed to :func:`spatialregion.export.to_gpkg`.

        Returns
        -------
        Path
        """
        from .. import export

        frame = self.to_frame()
        frame["period"] = frame["period"].astype(str)
        return export.to_gpkg(frame, path, layer=layer or "ellipse", style=self._style(), **kwargs)


def _scale_note(scale: str, n_std: int) -> str:
    f = np.sqrt(2) * n_std if scale == "arcgis" else n_std
    return (
        f"{n_std} standard deviation(s), scale={scale!r}: standard distances x {f:.4g} "
        "(ArcGIS 10.x/Pro multiplies by sqrt(2) per standard deviation for 2-D data); "
        "rotation = azimuth of the long axis clockwise from north; perimeter by Ramanujan's formula."
    )


@dataclass(frozen=True, eq=False)
class MigrationResult(TableResult):
    """Ellipses per period and the path of their centre.

    A table result whose rows are also geometries: ``to_gpkg()`` writes the
    ellipses, centres and migration path as three styled layers.

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
        The ellipse of each period.
    n_std : int
        1, 2 or 3 standard deviations.
    scale : {"arcgis", "plain"}
        Scaling of the standard distances.
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
        from .. import export

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
        from .. import export

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

    from .. import export, maps

    colors = colors or ["#d62728"] * len(results)
    frame = gpd.GeoDataFrame(pd.concat([r.to_frame() for r in results], ignore_index=True), crs="EPSG:4490")
    frame["period"] = frame["period"].astype(str)
    style = export.categorized("period", list(frame["period"]), colors, title="SDE 标准差椭圆")
    base = gpd.GeoDataFrame(geometry=gpd.GeoSeries(units).reset_index(drop=True)) if units is not None else None
    kwargs.setdefault("alpha", 0.15)
    if inset and len(results) > 1:  # keep the map furniture off the centre-path inset added below
        kwargs.setdefault("reserve", [(0.70, 0.66, 0.30, 0.34)])
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


