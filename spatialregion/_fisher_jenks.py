"""Compiled kernels of :func:`spatialregion._classify.fisher_jenks_bins` (exact Fisher–Jenks).

``_fisher_jenks_starts(x, k)`` returns the first index of each optimal class of the sorted
finite ``x``: compensated prefix sums (``_prefix_sums``), the ``k - 2`` full layers of
Fisher's programme (``_fisher_jenks_layers``: divide and conquer over every ninth row, the
eight rows between two of them at once) and the read-back from row ``n - 1`` with the
tie rule (``_fisher_jenks_path``).  All functions are numba-compiled, cached on disk and
release the GIL.  The method, its tie rule and its tests are described in
:func:`spatialregion._classify.fisher_jenks_bins`.
"""

from __future__ import annotations

import numpy as np
from numba import njit

_PAD = 8  # rows a tile may run past the last one; inverse table entries for lengths <= 0 (NaN)
_TIE = 2.0**-40  # costs within _TIE * s2[i + 1] of a row's minimum are ties (rounding reaches ~2**-45)


@njit(cache=True, nogil=True)
def _sorted_finite(x: np.ndarray) -> int:  # pragma: no cover - compiled
    """0: finite and non-decreasing; 1: finite, not sorted; 2: NaN or inf present."""
    bad = False
    unsorted = False
    for t in range(np.uint64(x.shape[0])):
        bad |= not (abs(x[t]) < np.inf)
    for t in range(np.uint64(1), np.uint64(x.shape[0])):
        unsorted |= x[t] < x[t - np.uint64(1)]
    return 2 if bad else (1 if unsorted else 0)


@njit(cache=True, nogil=True)
def _prefix_sums(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    """``s1[i]``, ``s2[i]``: sums of ``c`` and ``c**2`` over ``x[:i]``, ``c = x - median``, with
    compensated (TwoSum) accumulation, so both carry about one rounding whatever ``n``;
    padded with ``_PAD`` copies of the totals."""
    n = x.shape[0]
    x0 = x[n // 2]
    s1 = np.empty(n + 1 + _PAD)
    s2 = np.empty(n + 1 + _PAD)
    a = 0.0
    ea = 0.0
    b = 0.0
    eb = 0.0
    s1[0] = 0.0
    s2[0] = 0.0
    for t in range(n):
        c = x[t] - x0
        s = a + c  # TwoSum(a, c): s + err == a + c exactly
        v = s - a
        ea += (a - (s - v)) + (c - v)
        a = s
        c2 = c * c
        s = b + c2
        v = s - b
        eb += (b - (s - v)) + (c2 - v)
        b = s
        s1[t + 1] = a + ea
        s2[t + 1] = b + eb
    for t in range(n + 1, n + 1 + _PAD):
        s1[t] = s1[n]
        s2[t] = s2[n]
    return s1, s2


@njit(cache=True, nogil=True, inline="always")
def _key(c: float) -> int:  # pragma: no cover - compiled
    """Order-preserving int64 image of a float64 (an involution): integer minima vectorise."""
    k = np.float64(c).view(np.int64)
    return k ^ ((k >> np.int64(63)) & np.int64(0x7FFFFFFFFFFFFFFF))


@njit(cache=True, nogil=True, inline="always")
def _first_le(buf: np.ndarray, cnt: int, thr: float) -> int:  # pragma: no cover - compiled
    """Smallest ``t < cnt`` with ``buf[t] <= thr`` (an integer minimum: vectorised, no early exit)."""
    first = np.int64(cnt)
    for t in range(np.uint64(cnt)):
        first = min(first, np.int64(t) if buf[t] <= thr else np.int64(cnt))
    return first


@njit(cache=True, nogil=True, inline="always")
def _fill_min(e: np.ndarray, s1: np.ndarray, invt: np.ndarray, buf: np.ndarray, i: int, mlo: int, mhi: int) -> float:  # pragma: no cover - compiled
    """``buf[m - mlo] = e[m] - (s1[i+1] - s1[m])^2 / (i+1-m)`` for ``m`` in ``[mlo, mhi]``
    (``mhi <= i``) and their minimum, in one vectorised pass."""
    S = s1[i + 1]
    lo = np.uint64(mlo)
    top = np.uint64(i + 1 + _PAD)
    best = np.int64(0x7FFFFFFFFFFFFFFF)
    for t in range(np.uint64(mhi - mlo + 1)):
        m = lo + t
        u = S - s1[m]
        c = e[m] - u * u * invt[top - m]
        buf[t] = c
        best = min(best, _key(c))
    return np.int64(_key(np.int64(best).view(np.float64))).view(np.float64)


@njit(cache=True, nogil=True, inline="always")
def _row_min(e: np.ndarray, s1: np.ndarray, invt: np.ndarray, buf: np.ndarray, i: int, mlo: int, mhi: int):  # pragma: no cover - compiled
    """Minimum over ``m`` in ``[mlo, mhi]`` (``mhi <= i``) of ``e[m] - (s1[i+1] - s1[m])^2 / (i+1-m)``
    and its first position."""
    mn = _fill_min(e, s1, invt, buf, i, mlo, mhi)
    cnt = mhi - mlo + 1
    if cnt > 48:
        return mlo + _first_le(buf, cnt, mn), mn
    t = 0
    while buf[t] > mn:
        t += 1
    return mlo + t, mn


@njit(cache=True, nogil=True, inline="always")
def _lt(v: float, a: float) -> float:  # pragma: no cover - compiled
    return v if v < a else a


@njit(cache=True, nogil=True, inline="always")
def _tile(e: np.ndarray, s1: np.ndarray, s2: np.ndarray, invt: np.ndarray, i0: int, mlo: int, mhi: int, d: np.ndarray) -> None:  # pragma: no cover - compiled
    """``d[i0 + r] = s2[i0+r+1] + min_m e[m] - (s1[i0+r+1] - s1[m])^2 / (i0+r+1-m)`` for the eight
    rows ``r = 0..7`` over ``m`` in ``[mlo, mhi]``; ``m > i0 + r`` meets a NaN inverse and never wins."""
    o = np.uint64(i0 + 1)
    u1 = np.uint64(1)
    S0 = s1[o]
    S1 = s1[o + u1]
    S2 = s1[o + np.uint64(2)]
    S3 = s1[o + np.uint64(3)]
    S4 = s1[o + np.uint64(4)]
    S5 = s1[o + np.uint64(5)]
    S6 = s1[o + np.uint64(6)]
    S7 = s1[o + np.uint64(7)]
    a0 = a1 = a2 = a3 = a4 = a5 = a6 = a7 = np.inf
    for m in range(np.uint64(mlo), np.uint64(mhi + 1)):
        em = e[m]
        sm = s1[m]
        b = np.uint64(i0 + 1 + _PAD) - m
        u = S0 - sm
        a0 = _lt(em - u * u * invt[b], a0)
        u = S1 - sm
        a1 = _lt(em - u * u * invt[b + u1], a1)
        u = S2 - sm
        a2 = _lt(em - u * u * invt[b + np.uint64(2)], a2)
        u = S3 - sm
        a3 = _lt(em - u * u * invt[b + np.uint64(3)], a3)
        u = S4 - sm
        a4 = _lt(em - u * u * invt[b + np.uint64(4)], a4)
        u = S5 - sm
        a5 = _lt(em - u * u * invt[b + np.uint64(5)], a5)
        u = S6 - sm
        a6 = _lt(em - u * u * invt[b + np.uint64(6)], a6)
        u = S7 - sm
        a7 = _lt(em - u * u * invt[b + np.uint64(7)], a7)
    d[i0] = a0 + s2[o]
    d[i0 + 1] = a1 + s2[o + u1]
    d[i0 + 2] = a2 + s2[o + np.uint64(2)]
    d[i0 + 3] = a3 + s2[o + np.uint64(3)]
    d[i0 + 4] = a4 + s2[o + np.uint64(4)]
    d[i0 + 5] = a5 + s2[o + np.uint64(5)]
    d[i0 + 6] = a6 + s2[o + np.uint64(6)]
    d[i0 + 7] = a7 + s2[o + np.uint64(7)]


@njit(cache=True, nogil=True, inline="always")
def _prune(dp: np.ndarray, s1: np.ndarray, s2: np.ndarray, invt: np.ndarray, i: int, mlo: int, mhi: int):  # pragma: no cover - compiled
    """Narrow a wide candidate range ``[mlo, mhi]`` of row ``i``.  With ``B`` the least cost among 17
    evenly spaced candidates (plus the tie tolerance, which also covers rounding), ``m`` cannot win
    once ``D_{j-1}(m-1) > B`` (non-decreasing in ``m``) or while ``SSD(m, i) > B`` (non-increasing
    in ``m``); both ends are found by bisection."""
    S = s1[i + 1]
    S2 = s2[i + 1]
    B = np.inf
    for q in range(17):
        m = mlo + (mhi - mlo) * q // 16
        u = S - s1[m]
        B = min(B, dp[m - 1] + (S2 - s2[m]) - u * u * invt[i + 1 - m + _PAD])
    B += _TIE * S2
    a = mlo  # last m with D(m - 1) <= B
    b = mhi
    while a < b:
        c = (a + b + 1) // 2
        if dp[c - 1] <= B:
            a = c
        else:
            b = c - 1
    hi = a
    a = mlo  # first m with SSD(m, i) <= B
    b = hi
    while a < b:
        c = (a + b) // 2
        u = S - s1[c]
        if (S2 - s2[c]) - u * u * invt[i + 1 - c + _PAD] <= B:
            b = c
        else:
            a = c + 1
    return a, hi


@njit(cache=True, nogil=True)
def _inverse_table(n: int) -> np.ndarray:  # pragma: no cover - compiled
    """``invt[L + _PAD] = 1 / L`` for ``L = 1 .. n + _PAD``; NaN for ``L <= 0`` (``m > i``)."""
    invt = np.empty(n + 1 + 2 * _PAD)
    for t in range(_PAD + 1):
        invt[t] = np.nan
    for t in range(_PAD + 1, n + 1 + 2 * _PAD):
        invt[t] = 1.0 / (t - _PAD)
    return invt


@njit(cache=True, nogil=True)
def _fisher_jenks_layers(s1: np.ndarray, s2: np.ndarray, invt: np.ndarray, k: int) -> np.ndarray:  # pragma: no cover - compiled
    """``D[j, i]``: least SSD of values ``0..i`` in ``j + 1`` classes, ``j = 0 .. k - 2``, for the rows
    ``i`` the last layer can use.  Layer ``j``: divide and conquer over the pivot rows
    ``j + 9 t + 8`` (their optimal first index ``m`` is monotone), then the eight rows between
    two pivots at once over the candidates between the pivots' optima."""
    n = s1.shape[0] - 1 - _PAD
    D = np.empty((k - 1, n + _PAD))
    for i in range(n):
        D[0, i] = s2[i + 1] - s1[i + 1] * s1[i + 1] * invt[i + 1 + _PAD]
    e = np.empty(n)
    buf = np.empty(n)
    arg = np.zeros(n, dtype=np.int64)
    stack = np.empty((128, 4), dtype=np.int64)
    for j in range(1, k - 1):
        dp = D[j - 1]
        d = D[j]
        for m in range(j, n):
            e[m] = dp[m - 1] - s2[m]
        last = n - 1 - (k - 2 - j)  # rows beyond are never a candidate of the next layer
        npiv = (last - j + 1) // 9
        if npiv > 0:
            stack[0, 0] = 0
            stack[0, 1] = npiv - 1
            stack[0, 2] = j
            stack[0, 3] = last
            top = 1
            while top > 0:
                top -= 1
                tlo = stack[top, 0]
                thi = stack[top, 1]
                mlo = stack[top, 2]
                mhi = stack[top, 3]
                t = (tlo + thi) // 2
                i = j + 9 * t + 8
                lo = mlo
                hi = min(mhi, i)
                if hi - lo > 256:
                    lo, hi = _prune(dp, s1, s2, invt, i, lo, hi)
                bm, best = _row_min(e, s1, invt, buf, i, lo, hi)
                arg[i] = bm
                d[i] = best + s2[i + 1]
                if t < thi:
                    stack[top, 0] = t + 1
                    stack[top, 1] = thi
                    stack[top, 2] = bm
                    stack[top, 3] = mhi
                    top += 1
                if t > tlo:
                    stack[top, 0] = tlo
                    stack[top, 1] = t - 1
                    stack[top, 2] = mlo
                    stack[top, 3] = bm
                    top += 1
        lo = j
        for t in range(npiv + 1):
            i0 = j + 9 * t
            if i0 > last:
                break
            hi = arg[i0 + 8] if t < npiv else last
            _tile(e, s1, s2, invt, i0, lo, min(hi, i0 + 7), d)
            lo = hi
    return D


@njit(cache=True, nogil=True)
def _fisher_jenks_path(s1: np.ndarray, s2: np.ndarray, invt: np.ndarray, D: np.ndarray, k: int) -> np.ndarray:  # pragma: no cover - compiled
    """First index of each class (``starts[0] = 0``), read back from row ``n - 1``: at each step the
    smallest ``m`` whose cost is within ``_TIE * s2[i + 1]`` of the minimum over ``m``."""
    n = s1.shape[0] - 1 - _PAD
    e = np.empty(n)
    buf = np.empty(n)
    starts = np.zeros(k, dtype=np.int64)
    i = n - 1
    for j in range(k - 1, 0, -1):
        for m in range(j, i + 1):
            e[m] = D[j - 1, m - 1] - s2[m]
        thr = _fill_min(e, s1, invt, buf, i, j, i) + _TIE * s2[i + 1]
        t = _first_le(buf, i - j + 1, thr)
        starts[j] = j + t
        i = j + t - 1
    return starts


@njit(cache=True, nogil=True)
def _fisher_jenks_starts(x: np.ndarray, k: int) -> np.ndarray:  # pragma: no cover - compiled
    """First index of each of the ``k`` optimal classes of the sorted finite ``x`` (``2 <= k <= n``)."""
    s1, s2 = _prefix_sums(x)
    invt = _inverse_table(x.shape[0])
    return _fisher_jenks_path(s1, s2, invt, _fisher_jenks_layers(s1, s2, invt, k), k)
