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

from ._fisher_jenks import _fisher_jenks_starts
from .errors import GeometryError, InputError, MissingValueError
from .export import Style, categorized, class_codes, graduated

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

__all__ = [
    "break_codes",
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

    Partitions the sorted values :math:`x_0 \\le \\dots \\le x_{n-1}` into ``k``
    contiguous classes minimising the total within-class sum of squared deviations

    .. math:: \\min \\sum_{c=1}^{k} \\sum_{i \\in c} (x_i - \\bar x_c)^2,

    by the recursion

    .. math:: D_j(i) = \\min_{j \\le m \\le i} \\; D_{j-1}(m-1) + SSD(m, i), \\qquad
              SSD(m, i) = S_2(m, i) - S_1(m, i)^2 / (i - m + 1),

    where :math:`D_j(i)` is the least SSD of :math:`x_0 \\dots x_i` in
    :math:`j + 1` classes and :math:`S_1, S_2` are sums of the values and their
    squares, centred on the median and taken from compensated prefix sums.  The
    cost matrix :math:`M_j[i, m] = D_{j-1}(m-1) + SSD(m, i)` is Monge (SSD
    satisfies the quadrangle inequality), so the optimal first index of the
    last class is non-decreasing in :math:`i` (Wang & Song 2011).  Each of the
    :math:`k - 2` full layers is solved by divide and conquer over the rows
    (one vectorised scan of the candidate ``m`` per row, costs multiplied by a
    table of :math:`1 / L`): exact, :math:`O(k\\, n \\log n)`; the last class
    needs only row :math:`n - 1`.  Compiled with numba in one function
    (cached on disk) written to compile fast: the first call in a fresh cache
    takes ~1 s, numba's start-up included.  ``benchmarks/bench_classify.py``
    (k = 5, one core of a shared machine): 1,000 values in ~0.08 ms, 10,000 in
    ~1.3 ms, 100,000 in ~19 ms (the previous kernel, which divided per
    candidate: 0.15, 1.9 and 26 ms; mapclassify at 1,000: ~4 ms).

    The classes are then read back from row :math:`n - 1`: at each step the
    first index ``m`` of the class is the *smallest* ``m`` whose cost is within
    :math:`2^{-40} \\sum_{t \\le i} (x_t - \\mathrm{median})^2` of the
    minimum over ``m``, a margin ~30 times the rounding error of the costs.
    Exactly equal costs — common with repeated values, e.g. 0, 0, 1, 1, 2, 2
    in two classes — thus keep the smallest ``m`` (mapclassify's rule, which
    ``FisherJenks`` applies in float32) whatever the rounding; on large
    continuous samples a partition whose SSD exceeds the optimum by less than
    that margin can be preferred to it (3 % of samples of 10,000–100,000
    values).  Returns the ``k`` class upper bounds (mapclassify's ``bins``;
    the last is ``max(y)``).  They equal ``mapclassify.FisherJenks(y, k).bins``
    wherever mapclassify finds the optimum (its float32 sums miss it on some
    samples of a few thousand values), a brute-force O(k n²) programme on
    random data and the same programme in exact rational arithmetic on tied
    data (``tests/test_classify.py``).

    Parameters
    ----------
    y : array-like of float
        Values (any order, any shape: flattened; NaN and inf not allowed).
    k : int
        Number of classes (reduced to the number of values).

    Returns
    -------
    numpy.ndarray
        The ``k`` upper class bounds, non-decreasing (equal bounds only when
        ``k`` exceeds the number of distinct values).

    Raises
    ------
    MissingValueError
        ``y`` holds NaN or inf.
    InputError
        The squared deviations overflow float64 (values beyond ~1e154).

    References
    ----------
    Fisher, W. D. (1958). On grouping for maximum homogeneity. JASA 53, 789–798.
    Jenks, G. F. (1977). Optimal data classification for choropleth maps.
    Wang, H., Song, M. (2011). Ckmeans.1d.dp: optimal k-means clustering in one
    dimension by dynamic programming. *The R Journal* 3(2), 29–33.
    Grønlund, A., Larsen, K. G., Mathiasen, A., Nielsen, J. S., Schneider, S.,
    Song, M. (2017). Fast exact k-means, k-medians and Bregman divergence
    clustering in 1D. arXiv:1701.07204.
    """
    x = np.asarray(y, dtype=float).ravel()
    k = int(min(k, x.size))
    starts = _fisher_jenks_starts(x, k)
    if starts[0] == -2:
        bad = int(np.count_nonzero(~np.isfinite(x)))
        if bad == 0:
            raise InputError(
                f"natural breaks: the squared deviations of values up to {np.abs(x).max():.3g} overflow float64; rescale the values"
            )
        raise MissingValueError(f"natural breaks need finite values; got {bad} NaN/inf: drop or fill them first")
    if starts[0] == -1:
        x = np.sort(x)
        starts = _fisher_jenks_starts(x, k)
    return np.append(x[starts[1:] - 1], x[-1:])


def break_codes(values: Any, breaks: Any) -> np.ndarray:
    """Class codes ``0 … len(breaks)``: ``breaks[c-1] < x <= breaks[c]`` (ties go to the lower class).

    Equal to ``np.searchsorted(breaks, values, side="left")`` (mapclassify
    ``UserDefined``'s ``yb``), NaN included (code ``len(breaks)``).  With up to
    16 breaks the breaks below each value are counted in int8 comparison passes
    (~5x faster than a binary search per value on millions of values).  The one
    implementation behind the Markov, hot-spot, geographic-detector and
    link-tier classes.

    Parameters
    ----------
    values : array-like of float
        Values to class (any shape).
    breaks : array-like of float
        Increasing interior cut points.

    Returns
    -------
    ndarray of int64
        Class codes, same shape as ``values``.
    """
    b = np.asarray(breaks, dtype=float)
    if b.size > 16:
        return np.searchsorted(b, values, side="left").astype(np.int64, copy=False)
    values = np.asarray(values, dtype=float)
    code = np.zeros(values.shape, dtype=np.int8)
    for c in b:
        code += (values > c).view(np.int8)
    code[np.isnan(values)] = b.size  # where searchsorted puts NaN
    return code.astype(np.int64)


def quantile_bins(y: Any, k: int) -> np.ndarray:
    """Upper bounds of ``k`` quantile classes: percentiles 100·i/k (i = 1 … k), duplicates merged.

    Bit-for-bit ``mapclassify.Quantiles(y, k).bins``: the percentiles
    ``arange(100/k, 100 + 100/k, 100/k)`` (the last clipped to 100) of the
    values, each the linear interpolation between the order statistics at
    position ``q (n - 1)`` computed as ``scipy.stats.scoreatpercentile`` does
    (found with ``np.partition``, O(n)).  Used for map classes and the Markov
    classes, so both agree exactly with mapclassify/giddy even for values on a
    break.

    Parameters
    ----------
    y : array-like of float
        Values (any shape, flattened; NaN not allowed).
    k : int
        Number of classes (at least 1).

    Returns
    -------
    numpy.ndarray
        The class upper bounds, increasing; the last is ``max(y)``.  Fewer
        than ``k`` when percentiles coincide (many tied values), as in
        mapclassify.

    References
    ----------
    Hyndman, R. J., Fan, Y. (1996). Sample quantiles in statistical packages.
    *The American Statistician* 50(4), 361–365 (definition 7, the linear
    interpolation used here).
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

    Same as ``mapclassify.EqualInterval(y, k).bins``: bound i is
    ``min(y) + i (max(y) − min(y)) / k`` for i = 1 … k.

    Parameters
    ----------
    y : array-like of float
        Values (NaN not allowed).
    k : int
        Number of classes (at least 1).

    Returns
    -------
    numpy.ndarray
        The ``k`` upper class bounds, non-decreasing, in the units of ``y``.
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
    """Number of units in each class of ``style`` (legend order).

    Parameters
    ----------
    gdf : (Geo)DataFrame
        Units holding ``style.column``.
    style : Style
        A style from :func:`classify_style`.

    Returns
    -------
    numpy.ndarray
        Counts per class, in legend order.
    """
    codes = class_codes(style, gdf[style.column], gdf.index)
    return np.bincount(codes, minlength=len(style.classes))
