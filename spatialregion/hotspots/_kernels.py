"""Vectorised Gi / Gi* kernels (spatial and space-time), ArcGIS bins, literature
classes and the Mann–Kendall trend test: pure functions on arrays (formulas in
:mod:`spatialregion.hotspots`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numba import njit
from scipy import sparse, stats

from .. import labels as _labels
from .._classify import break_codes
from .._local import p_from_z
from ..errors import InputError


def gi_weights(
    A: Any, *, star: bool = True, transform: str = "O", self_weight: str | float = "max"
) -> tuple[sparse.csr_matrix, np.ndarray]:
    """The off-diagonal weights and the self weights a Gi / Gi* uses.

    Parameters
    ----------
    A : sparse matrix (n, n)
        Off-diagonal weights as given (``as_sparse(..., transform="O")``).
    star : bool
        Gi* (``w_ii`` included) or Gi (``w_ii = 0``).
    transform : {"O", "B", "R"}
        ``"O"``: weights as given, self weight ``self_weight``; ``"B"``:
        binary, ``w_ii = 1``; ``"R"``: esda's rule — ``w_ii`` = the row
        maximum, then the whole row (self included) divided by its sum.
    self_weight : "max" or float
        Gi* self weight with ``transform="O"``: the row's largest weight
        (``"max"``; 1 for contiguity) or one number for every unit.

    Returns
    -------
    (off, self) : CSR matrix without diagonal, array of ``w_ii``
    """
    from ..weights import transform_matrix

    A = sparse.csr_matrix(A, dtype=float)
    n = A.shape[0]
    if transform == "B":
        off = transform_matrix(A, "B")
        own = np.ones(n)
    else:
        off = A
        own = np.zeros(n)
        if transform == "R" or isinstance(self_weight, str):
            has = np.diff(A.indptr) > 0
            if has.any():  # the row maximum (gi_z takes it in its own pass for the default call)
                own[has] = np.maximum.reduceat(A.data, A.indptr[:-1][has])
        else:
            own[:] = float(self_weight)
    if not star:
        own = np.zeros(n)
    if transform == "R":
        full = transform_matrix(off + sparse.diags(own), "R")
        own = full.diagonal()
        off = sparse.csr_matrix(full - sparse.diags(own))
        off.eliminate_zeros()
    return sparse.csr_matrix(off), own


def gi_z(
    off: Any, own: np.ndarray | str, x: np.ndarray, *, star: bool = True, esda_variance: bool = False
) -> dict[str, np.ndarray]:
    """Gi / Gi* and their analytic z for all units (one compiled pass over the CSR rows).

    ``z_i = (sum_j w_ij x_j - xbar W_i) / (S sqrt((N S1_i - W_i^2) / (N - 1)))``
    with ``W_i = sum_j w_ij``, ``S1_i = sum_j w_ij^2`` (``j = i`` included for
    Gi*), ``xbar``, ``S`` (population s.d.) over the ``N`` possible
    neighbours (``n`` for Gi*, the ``n - 1`` others for Gi).
    ``esda_variance=True`` uses esda's ``S1_i := W_i`` (exact only for binary
    weights; kept to reproduce ``esda.G_Local(transform="R")``).

    Parameters
    ----------
    off : CSR (n, n)
        Off-diagonal weights (:func:`gi_weights`).
    own : (n,) array or "max"
        Self weights ``w_ii`` (zeros for Gi); ``"max"``: each row's largest
        weight, taken in the same pass (what :func:`gi_weights` gives for
        ``self_weight="max"``).
    x : (n,) array
        The values.
    star : bool
        Gi* or Gi (decides ``N``, ``xbar`` and ``S``).
    esda_variance : bool
        Use ``S1_i := W_i``.

    Returns
    -------
    dict
        ``z``, ``G`` (``sum_j w_ij x_j / sum_j x_j``, esda's ``Gs``),
        ``lag_off`` (off-diagonal lag of the centred values, what permutations
        compare), ``xc`` (centred values), ``k`` (neighbour counts), ``own``
        (the self weights used).  ``W_i`` and ``S1_i`` are not kept (two
        fewer length-n arrays per call); they are ``off.sum(1) + own`` and
        ``off.multiply(off).sum(1) + own**2``.
    """
    n = x.shape[0]
    off = sparse.csr_matrix(off)
    x = np.ascontiguousarray(x, dtype=float)
    mean = float(x.mean())
    xc = x - mean
    ss = float(xc @ xc)
    if star:
        N = n
        s = np.sqrt(ss / n)
        denom_g = float(x.sum())
    else:
        N = n - 1
        s = np.nan  # per unit, in the kernel
        denom_g = float(x.sum())  # minus x_i in the kernel
    row_max = isinstance(own, str)
    if row_max and own != "max":
        raise InputError(f"own must be an array of self weights or 'max', got {own!r}")
    own = np.empty(n) if row_max else np.array(own, dtype=float)  # writeable: the kernel fills it when row_max
    z, G, lag_off_c, k = _gi_rows(
        _read_only(off.indptr), _read_only(off.indices), _read_only(off.data.astype(float, copy=False)),
        _read_only(x), _read_only(xc), own, row_max, bool(star), bool(esda_variance), float(N), ss, s, denom_g,
    )
    return {"z": z, "G": G, "lag_off": lag_off_c, "xc": xc, "k": k, "own": own}


def _read_only(a: np.ndarray) -> np.ndarray:
    """A read-only view: compiled kernels then see one array type whichever array
    the caller had (one specialisation to compile, not one per writeable flag)."""
    if a.flags.writeable:
        a = a.view()
        a.flags.writeable = False
    return a


@njit(cache=True, nogil=True, error_model="numpy")
def _gi_rows(indptr, indices, data, x, xc, own, row_max, star, esda_variance, N, ss, s_star, denom_star):  # pragma: no cover - compiled
    """Row loop of :func:`gi_z`: one pass over the CSR rows gives the lags, ``W_i``,
    ``S1_i``, z and G (and writes ``w_ii`` = the row maximum into ``own`` when
    ``row_max``).  Sums run in
    CSR order, as scipy's mat-vec; division by zero gives inf/NaN as in numpy
    (``error_model="numpy"``)."""
    n = x.shape[0]
    z = np.empty(n)
    G = np.empty(n)
    lag_off_c = np.empty(n)
    k = np.empty(n, np.int64)
    for i in range(n):
        lc = 0.0
        lr = 0.0
        w = 0.0
        w2 = 0.0
        big = 0.0
        for e in range(np.uint64(indptr[i]), np.uint64(indptr[i + 1])):  # unsigned: no wraparound checks
            j = np.uint64(indices[e])
            d = data[e]
            lc += d * xc[j]
            lr += d * x[j]
            w += d
            w2 += d * d
            big = max(big, d)
        ki = indptr[i + 1] - indptr[i]
        if row_max:
            own[i] = big
        o = own[i]
        Wi = w + o
        S1i = Wi if esda_variance else w2 + o * o
        lag_off_c[i] = lc
        k[i] = ki
        lag_c = lc + o * xc[i]
        if star:
            xbar_c = 0.0
            s = s_star
            dg = denom_star
        else:
            xbar_c = -xc[i] / N  # mean of the other N centred values
            s = np.sqrt(max((ss - xc[i] * xc[i]) / N - xbar_c * xbar_c, 0.0))
            dg = denom_star - x[i]
        var = (N * S1i - Wi * Wi) / (N - 1.0)
        # relative tolerance: a complete graph with equal weights has var = 0 up to rounding
        if ki == 0 or not var > 1e-12 * max(N * S1i, 1e-300) or not s > 0.0:
            z[i] = np.nan
        else:
            z[i] = (lag_c - xbar_c * Wi) / (s * np.sqrt(var))
        G[i] = np.nan if ki == 0 else (lr + o * x[i]) / dg
    return z, G, lag_off_c, k


def space_time_gi_z(off: Any, own: np.ndarray, Y: np.ndarray, time_step: int) -> np.ndarray:
    """Space-time Gi* z of every bin of an ``(n, T)`` cube (ArcGIS Emerging Hot Spot Analysis).

    The neighbours of bin ``(i, t)`` are the bins ``(j, s)`` with ``j`` a
    spatial neighbour of ``i`` or ``i`` itself and ``t - time_step <= s <= t``
    (``s >= 0``: early bins have fewer slices), each weighted ``w_ij`` (self
    ``w_ii``); ``xbar`` and ``S`` are over all ``N = n T`` bins.  Then
    ``z_it = (sum w x - xbar W_it) / (S sqrt((N S1_it - W_it^2) / (N - 1)))``
    with ``W_it = m_t W_i``, ``S1_it = m_t S1_i``, ``m_t = min(t, time_step) + 1``.

    Parameters
    ----------
    off, own : CSR (n, n), (n,) array
        Spatial off-diagonal and self weights (:func:`gi_weights`).
    Y : (n, T) array
        The cube, periods in time order.
    time_step : int
        Number of previous slices in the neighbourhood (>= 1).

    Returns
    -------
    ndarray (n, T)
        z-scores (NaN for units without spatial neighbours).
    """
    n, T = Y.shape
    off = sparse.csr_matrix(off)
    N = n * T
    xbar = float(Y.mean())
    S = float(Y.std())
    lag = off @ Y + own[:, None] * Y
    csum = np.cumsum(lag, axis=1)
    window = csum.copy()
    window[:, time_step + 1 :] -= csum[:, : T - time_step - 1]
    m = np.minimum(np.arange(T), time_step) + 1.0
    W = (np.asarray(off.sum(axis=1)).ravel() + own)[:, None] * m[None, :]
    S1 = (np.asarray(off.multiply(off).sum(axis=1)).ravel() + own**2)[:, None] * m[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (window - xbar * W) / (S * np.sqrt((N * S1 - W**2) / (N - 1)))
    z[np.diff(off.indptr) == 0] = np.nan
    return z


def bh_adjust(p: np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values over all finite entries (NaN kept, not counted)."""
    p = np.asarray(p, dtype=float)
    out = np.full(p.shape, np.nan)
    ok = np.isfinite(p)
    if ok.any():
        out[ok] = stats.false_discovery_control(p[ok], method="bh")
    return out


def gi_bins(z: np.ndarray, p_two_sided: np.ndarray, fdr: bool = False) -> np.ndarray:
    """ArcGIS ``Gi_Bin`` (−3 … 3) from z and two-sided p (NaN → 0).

    Parameters
    ----------
    z : array
        z-scores (their sign gives hot/cold).
    p_two_sided : array
        Two-sided p-values.
    fdr : bool
        Bin on Benjamini–Hochberg adjusted p-values (over all entries), i.e.
        the BH step-up critical p at each of the 90/95/99 % levels.

    Returns
    -------
    ndarray of int
        ``sign(z) * 3/2/1`` where p ≤ 0.01/0.05/0.10, else 0.
    """
    p = bh_adjust(p_two_sided) if fdr else np.asarray(p_two_sided, dtype=float)
    z = np.asarray(z, dtype=float)
    if z.shape != p.shape:
        raise InputError(f"z and p must have the same shape, got {z.shape} and {p.shape}")
    # levels 0.10 / 0.05 / 0.01 at or above p, times sign(z); NaN z or p gives 0 (int8 passes: no int64 temporaries)
    level = (p <= 0.10).view(np.int8) + (p <= 0.05).view(np.int8)
    level += (p <= 0.01).view(np.int8)
    level *= (z > 0).view(np.int8) - (z < 0).view(np.int8)
    return level.astype(np.int64)


NATURAL_BREAKS_MAX_SAMPLE = 10_000  # exact Fisher-Jenks up to here: ~1.3 ms compiled


def natural_breaks(z: np.ndarray, k: int = 5, max_sample: int = NATURAL_BREAKS_MAX_SAMPLE) -> np.ndarray:
    """Jenks natural breaks of finite ``z`` by the package's one Fisher–Jenks
    (:func:`spatialregion.maps.fisher_jenks_bins`, equal to ``mapclassify.FisherJenks``).

    Only the sampling below is this function's own.

    Parameters
    ----------
    z : array
        Values to classify (NaN ignored).
    k : int
        Number of classes.
    max_sample : int, default 10,000
        Above this many finite values the breaks are those of ``max_sample``
        evenly spaced order statistics of ``z`` (min and max included; the
        result's summary states the sample size).  No random draw, hence no
        seed: the same ``z`` always gives the same breaks.  Up to
        ``max_sample`` units (every Chinese province, prefecture and county
        layer) the breaks are exact (the compiled Fisher–Jenks takes ~1.3 ms on
        10,000 values, ~19 ms on 100,000).

    Returns
    -------
    ndarray
        The ``k - 1`` interior cut points.
    """
    from .._classify import fisher_jenks_bins

    v = np.sort(np.asarray(z, dtype=float).ravel())  # NaN sort last: the finite values are one slice
    v = v[np.searchsorted(v, -np.inf, "right") : np.searchsorted(v, np.inf, "left")]
    sample = v[np.round(np.linspace(0, v.size - 1, max_sample)).astype(np.int64)] if v.size > max_sample else v
    if _distinct_sorted(sample) < k and _distinct_sorted(v) < k:  # the sample's count is a lower bound
        raise InputError(
            f"natural breaks need at least {k} distinct z values, got {_distinct_sorted(v)}; "
            "pass scheme='user_defined', breaks=[c1, c2, c3, c4] instead"
        )
    return np.asarray(fisher_jenks_bins(sample, k)[:-1], dtype=float)


def _distinct_sorted(v: np.ndarray) -> int:
    """Number of distinct values of a sorted array."""
    return int(np.count_nonzero(v[1:] != v[:-1])) + 1 if v.size else 0


def classify_z(z: np.ndarray, cuts: Sequence[float]) -> np.ndarray:
    """Five literature classes from four cut points: class m when ``c_{m-1} < z <= c_m``.

    Parameters
    ----------
    z : array
        z-scores (NaN → ``"no_neighbours"``).
    cuts : four floats
        Increasing cut points.

    Returns
    -------
    ndarray of str
        :data:`spatialregion.labels.HOTSPOT_CLASSES` keys (cold → hot).
    """
    cuts = np.asarray(cuts, dtype=float)
    if cuts.shape != (4,):
        raise InputError(f"the five classes need four cut points, got {cuts.tolist()!r}")
    z = np.asarray(z, dtype=float)
    code = break_codes(z, cuts)
    code[~np.isfinite(z)] = len(_CLASS_KEYS) - 1
    return _CLASS_KEYS[code]


_CLASS_KEYS = np.array([lab.key for lab in _labels.HOTSPOT_CLASSES] + [_labels.NO_NEIGHBOURS.key], dtype=object)


def mann_kendall(y: np.ndarray, *, continuity: bool = True) -> dict[str, np.ndarray]:
    """Mann–Kendall trend test on each row of ``y`` (units × periods).

    ``S = sum_{a<b} sign(y_b - y_a)``;
    ``Var(S) = [T(T-1)(2T+5) - sum_g t_g(t_g-1)(2t_g+5)] / 18`` (ties in groups
    of size ``t_g``); ``Z = (S - sign(S)) / sqrt(Var S)`` with the continuity
    correction (``continuity=True``, as Kendall 1975, Hipel & McLeod 1994 and
    R's ``Kendall::MannKendall``), ``Z = S / sqrt(Var S)`` without; two-sided
    ``p = 2 Φ(−|Z|)``; ``tau = S / (T(T-1)/2)`` (Kendall's tau-a).  Rows with
    ``Var(S) = 0`` get ``Z = 0``, ``p = 1``.

    Parameters
    ----------
    y : array (n, T)
        One series per row, oldest first.
    continuity : bool
        Subtract ``sign(S)`` from ``S`` before standardising.

    Returns
    -------
    dict
        ``S``, ``var``, ``z``, ``p``, ``tau`` (arrays of length n).

    References
    ----------
    Kendall, M. G. (1975). *Rank Correlation Methods*, 4th ed., ch. 4.
    Hipel, K. W., McLeod, A. I. (1994). *Time Series Modelling of Water
    Resources and Environmental Systems*, eq. 23.2.
    """
    y = np.atleast_2d(np.asarray(y, dtype=float))
    n, T = y.shape
    S = np.zeros(n)
    for a in range(T - 1):
        S += np.sign(y[:, a + 1 :] - y[:, [a]]).sum(axis=1)
    srt = np.sort(y, axis=1)
    new_group = np.ones((n, T), dtype=bool)
    new_group[:, 1:] = srt[:, 1:] != srt[:, :-1]
    gid = np.cumsum(new_group, axis=1) - 1
    flat = (np.arange(n)[:, None] * T + gid).ravel()
    t = np.bincount(flat, minlength=n * T).reshape(n, T).astype(float)
    var = (T * (T - 1) * (2 * T + 5) - (t * (t - 1) * (2 * t + 5)).sum(axis=1)) / 18.0
    num = S - np.sign(S) if continuity else S
    with np.errstate(divide="ignore", invalid="ignore"):
        Z = np.where(var > 0, num / np.sqrt(var), 0.0)
    p = p_from_z(Z, "two-sided")
    return {"S": S, "var": var, "z": Z, "p": p, "tau": S / (T * (T - 1) / 2.0)}
