"""Compiled kernel of :func:`spatialregion._classify.fisher_jenks_bins` (exact Fisher–Jenks).

``_fisher_jenks_starts(x, k)`` returns the first index of each optimal class of ``x``
(or a status when ``x`` is not sorted or not finite): compensated prefix sums, the
``k - 2`` full layers of Fisher's programme (divide and conquer over every ninth row, then
the eight rows between two of them at once) and the read-back from row ``n - 1`` with the
tie rule.  Written to compile fast (numba compiles each function, and each library
overload it calls, separately, then again linked into its caller): two compiled
functions, scratch arrays allocated by the caller (numba's ``np.empty`` would compile two
more), no ``min``/``max`` builtins.  The method, its tie rule and its tests are described
in :func:`spatialregion._classify.fisher_jenks_bins`.
"""

from __future__ import annotations

import numpy as np
from numba import njit, types
from numba.extending import intrinsic

_PAD = 8  # rows a tile may run past the last one; inverse table entries for lengths <= 0 (NaN)
_TIE = 2.0**-40  # costs within _TIE * s2[i + 1] of a row's minimum are ties (rounding reaches ~2**-45)
_MAXKEY = 0x7FFFFFFFFFFFFFFF


@intrinsic
def _bitcast(typingctx, v):  # type: ignore[no-untyped-def]
    """The bits of a float64 as an int64 and back (``v.view``, without compiling numba's overload)."""
    other = types.int64 if v == types.float64 else types.float64

    def codegen(context, builder, signature, args):  # type: ignore[no-untyped-def]
        return builder.bitcast(args[0], context.get_value_type(other))

    return other(v), codegen


@njit(cache=True, nogil=True, error_model="numpy")
def _fisher_jenks_kernel(x: np.ndarray, k: int, F: np.ndarray, D: np.ndarray, I: np.ndarray) -> None:  # pragma: no cover - compiled
    """``I[0, :k]``: first index of each of the ``k`` optimal classes of the sorted finite ``x``
    (``2 <= k <= n``); ``I[0, 0]`` is -1 when ``x`` is not sorted, -2 when it holds NaN or inf
    (or values whose squares overflow).  ``F``, ``D`` and ``I`` are scratch space from
    :func:`_fisher_jenks_starts` (``F[2, :_PAD + 1]`` already NaN)."""
    n = x.shape[0]
    w = n + 1 + 2 * _PAD
    s1 = F[0]
    s2 = F[1]
    invt = F[2]  # invt[L + _PAD] = 1 / L; NaN for L <= 0 (m > i never wins a minimum)
    acc = F[3]
    iw = I[0]
    arg = I[1]  # optimal first index m of the pivot rows
    stack = I[2]
    # s1[i], s2[i]: sums of c and c**2 over x[:i], c = x - median, compensated (TwoSum), so both
    # carry about one rounding whatever n; padded with copies of the totals
    x0 = x[n // 2]
    prev = x[0]
    drops = 0
    a = ea = b = eb = 0.0
    for t in range(n):
        xt = x[t]
        drops += xt < prev
        prev = xt
        c = xt - x0
        s = a + c  # TwoSum(a, c): s + err == a + c exactly
        v = s - a
        ea += (a - (s - v)) + (c - v)
        a = s
        c2 = c * c
        s = b + c2
        v = s - b
        eb += (b - (s - v)) + (c2 - v)
        b = s
        s = a + ea
        v = b + eb
        s1[t + 1] = s
        s2[t + 1] = v
        D[t] = v - s * s * invt[t + 1 + _PAD]
    status = -2 if not (abs(b) < np.inf) else (-1 if drops > 0 else 0)
    iw[0] = status
    if status < 0 or k < 2:
        return
    s1[0] = s2[0] = 0.0
    # Layers j = 1 .. k - 2 (jj = j): divide and conquer over the pivot rows j + 8 + 9 t (their
    # optimal first index m is monotone), then the eight rows between two pivots at once over the
    # candidates between the pivots' optima.  Then the read-back, j = k - 1 .. 1 (jj = 2 k - 2 - j):
    # one pivot job per layer, row i = (first index of class j + 1) - 1, with the tie slack.
    i = n - 1
    for jj in range(1, 2 * k - 2):
        back = jj >= k - 1
        j = 2 * k - 2 - jj if back else jj
        p = (j - 1) * w  # previous layer
        if back:  # job: pivot rows ilo .. ihi, candidates mlo .. mhi
            last = j - 1  # no tiles
            npiv = -1
            stack[0] = stack[1] = stack[3] = i
        else:
            last = n - 1 - (k - 2 - j)  # rows beyond are never a candidate of the next layer
            npiv = (last - j + 1) // 9
            stack[0] = j + 8
            stack[1] = j + 9 * npiv - 1
            stack[3] = last
        stack[2] = j
        top = 4 * (npiv != 0)
        while top > 0:
            top -= 4
            ilo = stack[top]
            ihi = stack[top + 1]
            mlo = stack[top + 2]
            mhi = stack[top + 3]
            r = ilo + 9 * ((ihi - ilo) // 18)
            hi = mhi if mhi < r else r
            # the least D_{j-1}(m-1) + SSD(m, r) - s2[r+1] over m in [mlo, hi], on an order-
            # preserving int64 image of the costs (integer minima vectorise, float ones do not;
            # unsigned indices skip the wrap-around test), then the smallest m within the slack of
            # it (the scalar loop meets the vectorised minimum itself, computed identically)
            S = s1[r + 1]
            u0 = np.uint64(mlo)
            top_m = np.uint64(r + 1 + _PAD)
            key = np.int64(_MAXKEY)
            for t in range(np.uint64(hi - mlo + 1)):
                m = u0 + t
                u = S - s1[m]
                q = _bitcast(D[np.uint64(p - 1) + m] - s2[m] - u * u * invt[top_m - m])
                q ^= (q >> np.int64(63)) & np.int64(_MAXKEY)
                key = q if q < key else key
            best = _bitcast(key ^ ((key >> np.int64(63)) & np.int64(_MAXKEY)))
            thr = best + _TIE * s2[r + 1] * back
            bm = mlo - 1
            c = np.inf
            while c > thr:
                bm += 1
                u = S - s1[bm]
                c = D[p + bm - 1] - s2[bm] - u * u * invt[r + 1 - bm + _PAD]
            arg[r] = bm
            D[p + w + r] = best + s2[r + 1]
            iw[j] = bm  # kept from the read-back only
            i = bm - 1 if back else n - 1  # the next read-back row
            stack[top] = r + 9  # children (the upper one only when r < ihi, ...)
            stack[top + 1] = ihi
            stack[top + 2] = bm
            stack[top + 3] = mhi
            top += 4 * (r < ihi)
            stack[top] = ilo  # (... the lower one only when r > ilo)
            stack[top + 1] = r - 9
            stack[top + 2] = mlo
            stack[top + 3] = bm
            top += 4 * (r > ilo)
        # rows i0 + r, r = 0..7, over m in [lo, hi]; m > i0 + r meets a NaN inverse, never wins
        arg[j + 9 * npiv + 8] = last  # the last (partial) tile ends at the last row
        lo = j
        for t in range((last - j) // 9 + 1):
            i0 = j + 9 * t
            hi = arg[i0 + 8]
            o = np.uint64(i0 + 1)
            for m in range(np.uint64(lo), np.uint64((hi if hi < i0 + 7 else i0 + 7) + 1)):
                em = D[np.uint64(p - 1) + m] - s2[m]
                sm = s1[m]
                bb = o + np.uint64(_PAD) - m
                for r in range(np.uint64(8)):
                    u = s1[o + r] - sm
                    v = em - u * u * invt[bb + r]
                    acc[r] = v if v < acc[r] else acc[r]
            for r in range(8):
                D[p + w + i0 + r] = acc[r] + s2[i0 + 1 + r]
                acc[r] = np.inf
            lo = hi


def _fisher_jenks_starts(x: np.ndarray, k: int) -> np.ndarray:
    """First index of each of the ``k`` optimal classes of the sorted finite ``x`` (``2 <= k <= n``);
    ``[-1]`` when ``x`` is not sorted, ``[-2]`` when it holds NaN or inf."""
    n = x.shape[0]
    if n == 0:
        return np.zeros(1, dtype=np.int64)
    F = np.empty((4, n + 1 + 2 * _PAD))
    F[:2, n + 1 :] = 0.0  # read only by tile rows past the last, whose results are never used
    F[2, : _PAD + 1] = np.nan
    np.divide(1.0, np.arange(1, n + 1 + _PAD), out=F[2, _PAD + 1 :])
    F[3] = np.inf
    I = np.empty((3, n + 265), dtype=np.int64)
    _fisher_jenks_kernel(x, k, F, np.empty(k * F.shape[1]), I)
    return I[0, :1] if I[0, 0] < 0 else I[0, :k]
