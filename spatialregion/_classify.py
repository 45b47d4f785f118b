"""Classification of a column into map classes: Fisher–Jenks natural breaks, quantiles, equal
intervals, user breaks or categories, as a :class:`spatialregion.export.Style`.

The break kernels reproduce mapclassify's ``FisherJenks``, ``Quantiles`` and
``EqualInterval`` ``bins`` (tested against it) without importing mapclassify,
which compiles numba code at import.  :func:`classify_style` turns a column into
the style that :func:`spatialregion.maps.plot_style` draws and
:func:`spatialregion.export.to_gpkg` writes as the QGIS layer style; everything
here is re-exported by :mod:`spatialregion.maps`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .errors import GeometryError, InputError
from .export import Style, categorized, class_codes, graduated

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

__all__ = [
    "class_counts",
    "classify_style",
    "equal_interval_bins",
    "fisher_jenks_bins",
    "quantile_bins",
]

_SCHEMES = ("natural_breaks", "fisher_jenks", "quantiles", "equal_interval", "categorical")


def _geometry_kind(gdf: gpd.GeoDataFrame) -> str:
    kinds = set(gdf.geometry.geom_type.dropna().unique())
    fam = {
        {"Polygon": "polygon", "MultiPolygon": "polygon", "LineString": "line", "MultiLineString": "line"}.get(k, "point")
        for k in kinds
    }
    if len(fam) != 1:
        raise GeometryError(f"mixed or missing geometry types {sorted(kinds)}; map one geometry type at a time")
    return fam.pop()


def _is_categorical(s: pd.Series) -> bool:
    return bool(
        isinstance(s.dtype, pd.CategoricalDtype)
        or pd.api.types.is_bool_dtype(s.dtype)
        or pd.api.types.is_object_dtype(s.dtype)
        or pd.api.types.is_string_dtype(s.dtype)
    )


def _colors(cmap: str | Any, k: int, qualitative: bool, start: float = 0.12) -> list[str]:
    import matplotlib as mpl
    from matplotlib.colors import to_hex

    cm = mpl.colormaps[cmap] if isinstance(cmap, str) else cmap
    if qualitative and getattr(cm, "N", 256) <= 20:  # listed qualitative maps: take colours in order
        return [to_hex(cm(i % cm.N)) for i in range(k)]
    pos = np.linspace(start, 1.0, k) if k > 1 else np.array([0.6])
    return [to_hex(cm(p)) for p in pos]


def _edge_labels(edges: np.ndarray, data_decimals: int = 6) -> list[str]:
    """``lo – hi`` labels: plain notation with thousands separators
    (:func:`spatialregion.maps.edge_labels`: the data's decimals, at most four significant
    digits of the largest edge, at least enough to keep distinct edges distinct)."""
    from .maps._numbers import edge_labels  # lazy: maps imports this module

    return edge_labels(edges, data_decimals)


def fisher_jenks_bins(y: Any, k: int) -> np.ndarray:
    """Jenks natural breaks by Fisher's (1958) exact dynamic programme.

    Partitions the sorted values into ``k`` contiguous classes minimising the
    total within-class sum of squared deviations

    .. math:: \\min \\sum_{c=1}^{k} \\sum_{i \\in c} (y_i - \\bar y_c)^2,

    with the recursion :math:`D_j(i) = \\min_m D_{j-1}(m-1) + SSD(m, i)` evaluated
    for all ``(m, i)`` at once from prefix sums (O(k n²) time in dense chunks
    of ~2 M cells, no compilation: 31 units in 1 ms, 370 cities in 0.05 s,
    2,875 counties in ~1.4 s, 10,000 units in ~12 s on a busy 2-core machine;
    for larger layers use ``scheme="quantiles"`` or user breaks).  Returns the ``k`` class upper bounds
    (mapclassify's ``bins``; the last is ``max(y)``), identical to
    ``mapclassify.FisherJenks(y, k).bins`` (tested).

    References
    ----------
    Fisher, W. D. (1958). On grouping for maximum homogeneity. JASA 53, 789–798.
    Jenks, G. F. (1977). Optimal data classification for choropleth maps.
    """
    x = np.sort(np.asarray(y, dtype=float))
    n = x.size
    k = int(min(k, n))
    if k <= 1:
        return x[-1:].copy()
    c = x - x.mean()  # centred: prefix sums without cancellation
    s1 = np.concatenate([[0.0], np.cumsum(c)])
    s2 = np.concatenate([[0.0], np.cumsum(c * c)])
    idx = np.arange(n)

    # one class from 0 to i
    d_prev = (s2[1:] - s2[0]) - (s1[1:] - s1[0]) ** 2 / (idx + 1.0)
    back = np.zeros((k, n), dtype=np.int64)
    chunk = max(1, 2_000_000 // n)
    for j in range(1, k):
        d_new = np.full(n, np.inf)
        for i0 in range(j, n, chunk):
            i = idx[i0 : i0 + chunk]  # last index of the j-th class (0-based)
            m = idx[j : i[-1] + 1][:, None]  # its first index: j classes must fit before it
            cnt = (i[None, :] - m + 1).astype(float)
            valid = cnt > 0
            s = s1[i + 1][None, :] - s1[m]
            cost = d_prev[m - 1] + (s2[i + 1][None, :] - s2[m]) - s * s / np.where(valid, cnt, 1.0)
            cost[~valid] = np.inf
            best = np.argmin(cost, axis=0)
            d_new[i] = cost[best, np.arange(i.size)]
            back[j, i] = m[best, 0]
        d_prev = d_new
    bins = np.empty(k)
    end = n - 1
    for j in range(k - 1, 0, -1):
        bins[j] = x[end]
        end = back[j, end] - 1
    bins[0] = x[end]
    return bins


def quantile_bins(y: Any, k: int) -> np.ndarray:
    """Upper bounds of ``k`` quantile classes: percentiles 100·i/k (i = 1 … k), duplicates merged.

    Bit-for-bit ``mapclassify.Quantiles(y, k).bins``: the percentiles
    ``arange(100/k, 100 + 100/k, 100/k)`` (the last clipped to 100) of the
    values, each the linear interpolation between the order statistics at
    position ``q (n - 1)`` computed as ``scipy.stats.scoreatpercentile`` does
    (found with ``np.partition``, O(n)).  Used for map classes and the Markov
    classes, so both agree exactly with mapclassify/giddy even for values on a
    break.
    """
    x = np.asarray(y, dtype=float).ravel()
    n = x.size
    step = 100.0 / k
    p = np.arange(step, 100.0 + step, step)
    p[p > 100.0] = 100.0
    pos = p / 100.0 * (n - 1)
    lo = np.floor(pos).astype(np.int64)
    hi = np.minimum(lo + 1, n - 1)
    part = np.partition(x, np.unique(np.concatenate([lo, hi])))
    exact = pos == lo
    w_lo = (lo + 1) - pos
    w_hi = pos - lo
    q = np.where(exact, part[lo], (part[lo] * w_lo + part[hi] * w_hi) / np.where(exact, 1.0, w_lo + w_hi))
    return np.unique(q)


def equal_interval_bins(y: Any, k: int) -> np.ndarray:
    """Upper bounds of ``k`` classes of equal width (max − min)/k; the last is ``max(y)``.

    Same as ``mapclassify.EqualInterval(y, k).bins``.
    """
    x = np.asarray(y, dtype=float)
    lo, hi = x.min(), x.max()
    bins = lo + (hi - lo) / k * np.arange(1, k + 1)
    bins[-1] = hi
    return bins


def _decimals(y: np.ndarray, max_decimals: int = 4) -> int:
    """Decimals the data are recorded with (0 … ``max_decimals``)."""
    for d in range(max_decimals + 1):
        if np.allclose(np.round(y, d), y, rtol=0, atol=1e-9 * max(1.0, float(np.abs(y).max()))):
            return d
    return max_decimals


def classify_style(
    gdf: pd.DataFrame,
    column: str,
    k: int = 5,
    scheme: str | Sequence[float] = "natural_breaks",
    cmap: str | Any | None = None,
    title: str | None = None,
) -> Style:
    """Class a column into a :class:`~spatialregion.export.Style` for maps and QGIS.

    Parameters
    ----------
    gdf : (Geo)DataFrame
        Units; the geometry type (polygon/line/point) sets the symbol type.
    column : str
        Column to classify.  Numeric columns give a *graduated* style;
        categorical, boolean or text columns (or ``scheme="categorical"``) a
        *categorized* one (categories in categorical order, else sorted).
    k : int, default 5
        Number of classes (reduced to the number of distinct values).
    scheme : str or sequence of float
        ``"natural_breaks"`` (alias ``"fisher_jenks"``: Jenks's optimal
        breaks by Fisher's (1958) exact algorithm, :func:`fisher_jenks_bins`,
        equal to ``mapclassify.FisherJenks``; deterministic, unlike the k-means
        ``mapclassify.NaturalBreaks``), ``"quantiles"``
        (:func:`quantile_bins`), ``"equal_interval"``
        (:func:`equal_interval_bins`), ``"categorical"``, or user breaks: the
        upper bounds of the classes (mapclassify's ``bins``; the maximum is
        added when it exceeds the last bound).  The kernels reproduce
        mapclassify's (tests compare them) without importing it: mapclassify
        compiles numba code at import, ~10 s on a busy 2-core machine.
    cmap : str or Colormap, optional
        Default ``"YlOrRd"`` (graduated) or ``"tab10"`` (categorized).
    title : str, optional
        Legend title (default: the column name).

    Returns
    -------
    Style
        Graduated classes ``lower < x <= upper`` (the first includes the
        minimum), edges = [min, bin_1, …, bin_k]; labels ``lo – hi`` with as
        few decimals as keep the edges distinct.
    """
    from ._validation import column_values

    if not isinstance(gdf, pd.DataFrame):
        raise InputError(f"classify_style needs a (Geo)DataFrame, got {type(gdf).__name__}")
    if column not in gdf.columns:
        raise InputError(f"column {column!r} not in the data; available: {list(gdf.columns)[:20]}")
    if not isinstance(k, (int, np.integer)) or k < 1:
        raise InputError(f"k must be a positive integer, got {k!r}")
    if isinstance(scheme, str):
        from ._validation import check_choice

        check_choice("scheme", scheme, _SCHEMES)
    geometry = _geometry_kind(gdf) if hasattr(gdf, "geometry") and "geometry" in gdf else "polygon"
    title = column if title is None else title
    s = gdf[column]
    if scheme == "categorical" or _is_categorical(s):
        if s.isna().any():
            from ._validation import describe_rows

            raise InputError(f"column {column!r} has missing values in {describe_rows(gdf.index[s.isna()])}")
        if isinstance(s.dtype, pd.CategoricalDtype):
            values = list(s.cat.categories)
        else:
            values = sorted(s.unique().tolist(), key=lambda v: (str(type(v)), v))
        colors = _colors(cmap or "tab10", len(values), qualitative=True)
        return categorized(column, values, colors, [str(v) for v in values], title=title, geometry=geometry)

    y, _ = column_values(gdf, column)
    n_unique = len(np.unique(y))
    if isinstance(scheme, str):
        k_eff = int(min(k, n_unique))
        if n_unique == 1:
            bins = np.array([y[0]])
        elif scheme in ("natural_breaks", "fisher_jenks"):
            bins = fisher_jenks_bins(y, k_eff)
        elif scheme == "quantiles":
            bins = quantile_bins(y, k_eff)
        else:
            bins = equal_interval_bins(y, k_eff)
    else:
        user = np.sort(np.asarray([float(b) for b in scheme]))
        if user.size == 0 or not np.all(np.isfinite(user)):
            raise InputError(f"user breaks must be finite numbers, got {list(scheme)}")
        bins = user if user[-1] >= y.max() else np.append(user, y.max())
    lo = min(float(y.min()), float(bins[0]))
    edges = np.concatenate([[lo], np.asarray(bins, dtype=float)])
    if len(edges) == 1 or np.all(edges == edges[0]):
        edges = np.array([lo, lo])
    # lines and points need visible colours for the lowest class too
    colors = _colors(cmap or "YlOrRd", len(edges) - 1, qualitative=False, start=0.12 if geometry == "polygon" else 0.35)
    return graduated(column, edges, colors, _edge_labels(edges, _decimals(y)), title=title, geometry=geometry)


def class_counts(gdf: pd.DataFrame, style: Style) -> np.ndarray:
    """Number of units in each class of ``style`` (legend order)."""
    codes = class_codes(style, gdf[style.column], gdf.index)
    return np.bincount(codes, minlength=len(style.classes))
