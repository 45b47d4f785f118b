"""Raster zonal statistics by unit or by unit × zone (rasterio; exact areas via exactextract)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._validation import check_choice
from ..errors import CRSError, InputError
from ..results import Summary, SummaryTable, UnitResult
from . import _layers as L

__all__ = ["ZonalResult", "zonal_stats", "cell_weights", "weighted_stats"]


@dataclass(frozen=True)
class _Raster:
    array: np.ndarray  # window of band values
    valid: np.ndarray  # bool, not nodata and finite
    transform: Any  # affine of the window
    crs: Any  # pyproj CRS
    nodata: float | None


def _open_raster(raster: Any, band: int, nodata: float | None, bounds: tuple[float, float, float, float] | None):
    """Read the window of ``raster`` covering ``bounds`` (or the whole band) into memory."""
    import rasterio
    from pyproj import CRS
    from rasterio.windows import Window

    def _crs(value: Any):
        if value is None:
            raise CRSError("the raster has no CRS; set it (e.g. rasterio.open(path, 'r+').crs = 'EPSG:4326') or pass (array, transform, crs)")
        return CRS.from_user_input(value)

    if isinstance(raster, tuple):
        if len(raster) not in (3, 4):
            raise InputError("raster tuple must be (array, transform, crs) or (array, transform, crs, nodata)")
        arr, transform, crs = raster[:3]
        nd = raster[3] if len(raster) == 4 else None
        arr = np.asarray(arr)
        if arr.ndim != 2:
            raise InputError(f"raster array must be 2-D (one band), got shape {arr.shape}")
        crs = _crs(crs)
        window = None
    else:
        ds = rasterio.open(raster) if isinstance(raster, (str, Path)) else raster
        if not hasattr(ds, "read"):
            raise InputError(f"raster must be a path, an open rasterio dataset or (array, transform, crs); got {type(raster).__name__}")
        try:
            if not 1 <= band <= ds.count:
                raise InputError(f"band={band} does not exist; the raster has {ds.count} band(s)")
            crs = _crs(ds.crs)
            transform = ds.transform
            nd = ds.nodatavals[band - 1]
            window = None
            if bounds is not None:
                r0, r1, c0, c1 = _cell_range(bounds, transform, (ds.height, ds.width))
                window = Window(c0, r0, max(c1 - c0, 0), max(r1 - r0, 0))
            if window is not None and (window.width == 0 or window.height == 0):
                arr = np.zeros((0, 0), dtype=float)  # units outside the raster
            else:
                arr = ds.read(band, window=window)
            if window is not None:
                transform = ds.window_transform(window)
        finally:
            if isinstance(raster, (str, Path)):
                ds.close()
    if transform.b != 0 or transform.d != 0:
        raise InputError("rotated rasters are not supported; warp the raster to a north-up grid first")
    nd = nodata if nodata is not None else nd
    valid = np.ones(arr.shape, dtype=bool)
    if np.issubdtype(arr.dtype, np.floating):
        valid &= np.isfinite(arr)
    if nd is not None and not (isinstance(nd, float) and np.isnan(nd)):
        valid &= arr != nd
    return _Raster(arr, valid, transform, crs, nd)


def _cell_range(bounds, transform, shape: tuple[int, int]) -> tuple[int, int, int, int]:
    """Rows ``[r0, r1)`` and columns ``[c0, c1)`` of the cells meeting ``bounds``, one cell of
    margin, clipped to the grid (empty ranges when the box misses the grid)."""
    xmin, ymin, xmax, ymax = bounds
    cx = sorted(((xmin - transform.c) / transform.a, (xmax - transform.c) / transform.a))
    ry = sorted(((ymin - transform.f) / transform.e, (ymax - transform.f) / transform.e))
    c0 = max(int(np.floor(cx[0])) - 1, 0)
    c1 = min(int(np.ceil(cx[1])) + 1, shape[1])
    r0 = max(int(np.floor(ry[0])) - 1, 0)
    r1 = min(int(np.ceil(ry[1])) + 1, shape[0])
    return r0, max(r1, r0), c0, max(c1, c0)


def cell_weights(geoms: np.ndarray, r: _Raster, method: str) -> list[tuple[np.ndarray, np.ndarray]]:
    """For each polygon, flat indices of the raster cells it takes and their weights.

    ``centre``: cells whose centre lies in the polygon (GDAL's default rasterisation
    rule), weight 1.  ``all_touched``: every cell the polygon touches, weight 1.
    ``exact``: every cell with its covered fraction of area in (0, 1] (exactextract).
    """
    rows, cols = r.array.shape
    if rows == 0 or cols == 0:
        return [(np.empty(0, np.int64), np.empty(0)) for _ in geoms]
    if method == "exact":
        return _exact_weights(geoms, r)
    from rasterio.features import rasterize
    from rasterio.windows import Window
    from rasterio.windows import transform as wtransform

    out = []
    for g in geoms:
        r0, r1, c0, c1 = _cell_range(g.bounds, r.transform, (rows, cols))
        if r1 <= r0 or c1 <= c0 or g.is_empty:  # no overlap with the raster window
            out.append((np.empty(0, np.int64), np.empty(0)))
            continue
        w = Window(c0, r0, c1 - c0, r1 - r0)
        mask = rasterize(
            [(g, 1)], out_shape=(r1 - r0, c1 - c0), transform=wtransform(w, r.transform), fill=0, dtype="uint8",
            all_touched=(method == "all_touched"),
        )  # fmt: skip
        ii, jj = np.nonzero(mask)
        out.append(((ii + r0) * cols + (jj + c0), np.ones(ii.size)))
    return out


def _exact_weights(geoms: np.ndarray, r: _Raster) -> list[tuple[np.ndarray, np.ndarray]]:
    try:
        from exactextract import exact_extract
        from exactextract.raster import NumPyRasterSource
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise InputError("method='exact' needs the exactextract package: pip install 'spatialregion[exact]'") from exc
    import geopandas as gpd

    rows, cols = r.array.shape
    t = r.transform
    flip = t.e > 0  # south-up grid: flip rows so exactextract sees a north-up one
    xmin, xmax = t.c, t.c + cols * t.a
    ymax, ymin = (t.f, t.f + rows * t.e) if not flip else (t.f + rows * t.e, t.f)
    # a placeholder band without nodata: exactextract supplies coverage fractions and
    # cell ids only; values and the nodata mask are looked up here
    src = NumPyRasterSource(np.zeros((rows, cols)), xmin, ymin, xmax, ymax, srs_wkt=r.crs.to_wkt())
    vec = gpd.GeoDataFrame({"_pos": np.arange(len(geoms))}, geometry=list(geoms), crs=r.crs)
    res = exact_extract(src, vec, ["cell_id", "coverage"], include_cols=["_pos"], output="pandas")
    res = res.sort_values("_pos")
    out = []
    for cid, cov in zip(res["cell_id"], res["coverage"]):
        cid = np.asarray(cid, dtype=np.int64)
        if flip:
            cid = (rows - 1 - cid // cols) * cols + cid % cols
        out.append((cid, np.asarray(cov, dtype=float)))
    return out


def weighted_stats(values: np.ndarray, weights: np.ndarray, percentiles: Sequence[float]) -> dict[str, float]:
    r"""Continuous statistics of cell values with cell weights :math:`w_i > 0`.

    mean :math:`= \sum w_i v_i / \sum w_i`; min, max over cells with :math:`w_i > 0`;
    ``p<q>`` is the inverted-CDF weighted percentile (the smallest value whose
    cumulative weight share reaches q/100; ``numpy.percentile(method="inverted_cdf",
    weights=w)``); ``count`` = :math:`\sum w_i` (cells, fractional for exact
    weights); ``n_cells`` = number of cells.
    """
    out: dict[str, float] = {}
    keep = weights > 0
    v, w = values[keep], weights[keep]
    if v.size == 0:
        out.update(mean=np.nan, min=np.nan, max=np.nan, std=np.nan)
        out.update({f"p{q:g}": np.nan for q in percentiles})
        out.update(count=0.0, n_cells=0)
        return out
    wsum = w.sum()
    mean = float(np.dot(w, v) / wsum)
    out["mean"] = mean
    out["min"] = float(v.min())
    out["max"] = float(v.max())
    out["std"] = float(np.sqrt(np.dot(w, (v - mean) ** 2) / wsum))
    if len(percentiles):
        qs = np.percentile(v.astype(float), list(percentiles), method="inverted_cdf", weights=w)
        out.update({f"p{q:g}": float(x) for q, x in zip(percentiles, np.atleast_1d(qs))})
    out["count"] = float(wsum)
    out["n_cells"] = int(v.size)
    return out


@dataclass(frozen=True, eq=False)
class ZonalResult(UnitResult):
    """Raster statistics per unit or per unit × zone (:func:`zonal_stats`).

    ``table`` (index = unit ids, or (unit, zone) pairs): for ``kind="continuous"``
    ``mean, std, min, max, p<q>..., count, n_cells, nodata``; for
    ``kind="categorical"`` ``frac_<class>`` per class (fraction of the valid,
    weighted cells), ``majority``, ``count``, ``n_cells``, ``nodata``.  ``count`` and
    ``nodata`` are weighted cell counts (fractional with ``method="exact"``).
    Units without valid cells have NaN statistics and ``count = 0``.

    Attributes
    ----------
    table : DataFrame
        The statistics (above).
    kind, method, band, percentiles, nodata, raster_crs, vector_reprojected, categories, by_zone
        Settings (see :func:`zonal_stats`).
    """

    table: pd.DataFrame
    kind: str
    method: str
    band: int = 1
    percentiles: tuple = (10.0, 50.0, 90.0)
    nodata: float | None = None
    raster_crs: str = ""
    vector_reprojected: bool = False
    categories: tuple = ()
    by_zone: bool = False

    def to_frame(self) -> pd.DataFrame:
        """Per unit (or unit × zone): ids and names first, then the statistics.

        Returns
        -------
        DataFrame or GeoDataFrame
        """
        if self.by_zone:
            if self.geometry is None:
                return self.table.copy()
            import geopandas as gpd

            return gpd.GeoDataFrame(self.table.copy(), geometry=np.asarray(self.geometry.values), crs=self.geometry.crs)
        return self._unit_frame(self.table.copy())

    def summary(self) -> Summary:
        """The statistics table with the cell rule used.

        Returns
        -------
        Summary
        """
        empty = int((self.table["count"] == 0).sum())
        notes = [
            f"Cells taken by rule '{self.method}': "
            + {
                "centre": "cells whose centre lies inside the polygon",
                "all_touched": "every cell the polygon touches",
                "exact": "every cell weighted by its covered area fraction (exactextract)",
            }[self.method]
            + f"; nodata = {self.nodata!r} and non-finite cells excluded.",
        ]
        if self.vector_reprojected:
            notes.append(f"Polygons were reprojected to the raster CRS ({self.raster_crs}); the raster was not resampled.")
        if empty:
            notes.append(f"{empty} row(s) have no valid cell (statistics NaN, count 0).")
        return Summary(f"Zonal statistics ({self.kind}, band {self.band})", (SummaryTable("Statistics", self.table),), tuple(notes))

    def _style(self):
        from .. import export

        if self.kind == "categorical":
            values = list(self.categories)
            from .shares import class_style

            colors, names = class_style(values)
            return export.categorized("majority", values, colors, names, title="Majority class")
        from .._classify import quantile_bins

        col = self.table["mean"].dropna()
        k = int(min(5, max(1, col.nunique())))
        breaks = [float(col.min()), *map(float, quantile_bins(col.to_numpy(), k))]
        colors = ["#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"][: len(breaks) - 1]
        return export.graduated("mean", breaks, colors, title="Mean")


def zonal_stats(
    data: Any,
    raster: Any,
    *,
    kind: str = "continuous",
    zones: Any = None,
    zone_column: str | None = None,
    id_column: str | None = None,
    band: int = 1,
    method: str = "centre",
    percentiles: Sequence[float] = (10, 50, 90),
    nodata: float | None = None,
    categories: Sequence[Any] | None = None,
) -> ZonalResult:
    r"""Summaries of a raster band by unit, or by unit × zone class.

    Each polygon takes a set of cells with weights :math:`w_i` by ``method``:

    * ``"centre"`` (default): cells whose centre falls inside (GDAL rasterisation rule,
      ``all_touched=False``), :math:`w_i = 1`;
    * ``"all_touched"``: every cell the polygon touches, :math:`w_i = 1` (over-counts
      boundary cells, which may then belong to two units);
    * ``"exact"``: every cell with :math:`w_i` = fraction of its area inside the polygon
      (the exactextract package), so boundary cells are shared in proportion.

    Nodata cells (the band's nodata value or ``nodata=``, and NaN/inf) are excluded
    and counted in ``nodata``.  Continuous statistics: see :func:`weighted_stats`.
    Categorical: ``frac_<c> = \sum_{v_i = c} w_i / \sum w_i`` over valid cells;
    ``majority`` is the class with the largest fraction.  Cell weights are not
    multiplied by cell area: in a geographic (lon/lat) raster cells shrink with
    latitude, which matters only for units spanning many degrees of latitude.

    Parameters
    ----------
    data : GeoDataFrame
        The units: polygons (any CRS; reprojected to the raster CRS — the vector
        moves, the raster is never resampled).
    raster : path, rasterio dataset or (array, transform, crs[, nodata])
        Only the window covering the polygons is read into memory.
    kind : {"continuous", "categorical"}
    zones, zone_column : GeoDataFrame and str, optional
        Summarise per unit × zone class: units are overlaid with the zones first
        (as :func:`overlay_shares`; overlaps resolved by priority).
    id_column : str, optional
        Unique unit ids (default the index).
    band : int
        Band number (1-based).
    method : {"centre", "all_touched", "exact"}
    percentiles : sequence of float
        Percentiles (0–100) reported as ``p<q>`` (continuous only).
    nodata : float, optional
        Overrides the band's nodata value.
    categories : sequence, optional
        Classes to report (categorical); valid cells of other values go to ``frac_other``.

    Returns
    -------
    ZonalResult
        Statistics per unit (or unit × zone) with the units' ids and names.

    References
    ----------
    Baston, D. (2023) exactextract: fast and accurate raster zonal statistics.
    Perry, M. rasterstats (the ``all_touched`` / centre conventions).
    """
    import geopandas as gpd
    from pyproj import CRS

    check_choice("kind", kind, ("continuous", "categorical"))
    check_choice("method", method, ("centre", "all_touched", "exact"))
    pct = tuple(float(q) for q in percentiles)
    if any(not 0 <= q <= 100 for q in pct):
        raise InputError(f"percentiles={list(percentiles)} must lie in [0, 100]")
    if isinstance(raster, tuple):
        rcrs = CRS.from_user_input(raster[2]) if len(raster) >= 3 and raster[2] is not None else None
    else:
        import rasterio

        if isinstance(raster, (str, Path)):
            if not Path(raster).exists():
                raise InputError(f"raster file {str(raster)!r} does not exist")
            with rasterio.open(raster) as ds:
                rcrs = CRS.from_user_input(ds.crs) if ds.crs else None
        else:
            rcrs = CRS.from_user_input(raster.crs) if getattr(raster, "crs", None) else None
    if rcrs is None:
        raise CRSError("the raster has no CRS; set one before computing zonal statistics")
    units = data
    unit_cols = None
    ulayer = L.prepare_layer(units, "units", rcrs)
    ids = L.unit_ids(units, id_column)
    if zones is not None:
        if zone_column is None:
            raise InputError("zones were given without zone_column; name the zone class column")
        from .shares import overlay_shares

        sh = overlay_shares(units, zones, zone_column=zone_column, id_column=id_column)
        pcs = sh.pieces.to_crs(rcrs)
        geoms = np.asarray(pcs.geometry.values, dtype=object)
        index = pd.MultiIndex.from_arrays([pcs["unit"], pcs["zone"]], names=[ids.name or "unit", "zone"])
        geometry = sh.pieces.geometry
        reproj = True
    else:
        geoms, index, reproj = ulayer.geoms, ids, ulayer.reprojected
        unit_cols, geometry = L.unit_frame(units, ids, id_column)
    bounds = tuple(np.asarray(gpd.GeoSeries(list(geoms)).total_bounds)) if len(geoms) else None
    r = _open_raster(raster, band, nodata, bounds)
    cells = cell_weights(geoms, r, method)
    flat_vals = r.array.ravel()
    flat_valid = r.valid.ravel()
    rows, cats = [], []
    if kind == "categorical":
        if categories is None:
            seen = [np.unique(flat_vals[c][flat_valid[c] & (w > 0)]) for c, w in cells]
            cats = list(np.unique(np.concatenate(seen))) if seen else []
            cats = [c.item() if hasattr(c, "item") else c for c in cats]
        else:
            cats = list(categories)
    for c, w in cells:
        ok = flat_valid[c]
        vals, wv = flat_vals[c][ok], w[ok]
        nod = float(w[~ok].sum())
        if kind == "continuous":
            row = weighted_stats(vals.astype(float), wv, pct)
        else:
            tot = wv.sum()
            row = {}
            for k in cats:
                row[f"frac_{k}"] = float(wv[vals == k].sum() / tot) if tot > 0 else np.nan
            if categories is not None:
                other = ~np.isin(vals, cats)
                row["frac_other"] = float(wv[other].sum() / tot) if tot > 0 else np.nan
            fr = [row[f"frac_{k}"] for k in cats]
            row["majority"] = cats[int(np.nanargmax(fr))] if tot > 0 and cats else None
            row["count"] = float(tot)
            row["n_cells"] = int((wv > 0).sum())
        row["nodata"] = nod
        rows.append(row)
    table = pd.DataFrame(rows, index=index)
    return ZonalResult(
        table=table,
        kind=kind,
        method=method,
        band=band,
        percentiles=pct,
        nodata=None if r.nodata is None else float(r.nodata),
        raster_crs=rcrs.srs,
        vector_reprojected=bool(reproj),
        categories=tuple(cats),
        by_zone=zones is not None,
        geometry=geometry,
        units=unit_cols,
    )
