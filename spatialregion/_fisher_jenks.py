"""Compiled kernel of :func:`spatialregion._classify.fisher_jenks_bins` (exact Fisher–Jenks).

``_fisher_jenks_starts(x, k)`` returns the first index of each optimal class of ``x``, or a
status when ``x`` is not sorted or not finite.  One compiled function does everything:
the sortedness and finiteness check, compensated prefix sums, the ``k - 2`` full layers of
Fisher's programme (divide and conquer over the rows, a vectorised scan per row) and the
read-back from row ``n - 1`` with the tie rule (run as one more divide-and-conquer job per
layer, so the scan is written once).

It is written for a short first call (numba compiles on first use; the project's goal is
the first hot-spot analysis, all compiles included, in under 5 s): numba compiles every
function and every library overload it calls separately and links it in again, and its
compile time grows with the number of loops and statements.  Hence a single function, the
scratch arrays allocated here in numpy (numba's ``np.empty`` would compile two more
functions), an intrinsic bit cast instead of ``.view``, no ``min``/``max`` builtins and
no hand-unrolled tiles: about 0.9-1.0 s in a fresh cache on a shared 2-core machine, numba's
own start-up included.  The method, its tie rule and its tests are described in
:func:`spatialregion._classify.fisher_jenks_bins`.
"""

from __future__ import annotations

import numpy as np
from numba import njit, types
from numba.extending import intrinsic

_TIE = 2.0**-40  # costs within _TIE * s2[i + 1] of a row's minimum are ties (rounding reaches ~2**-45)
_MAXKEY = 0x7FFFFFFFFFFFFFFF


@intrinsic
def _bitcast(typingctx, v):  # type: ignore[no-untyped-def]  # pragma: no cover - compiled
    """The bits of a float64 as an int64 and back (``v.view``, without compiling numba's overload)."""
    other = types.int64 if v == types.float64 else types.float64

    def codegen(context, builder, signature, args):  # type: ignore[no-untyped-def]
        return builder.bitcast(args[0], context.get_value_type(other))

    return other(v), codegen


@njit(cache=True, nogil=True, error_model="numpy")
def _fisher_jenks_kernel(x: np.ndarray, k: int, F: np.ndarray, D: np.ndarray, I: np.ndarray) -> None:  # pragma: no cover - compiled
    """``I[0, :k]``: first index of each of the ``k`` optimal classes of the sorted finite ``x``
    (``2 <= k <= n``); ``I[0, 0]`` is -1 when ``x`` is not sorted, -2 when it holds NaN or inf
    (or values whose squares overflow).  ``F`` (``F[2]`` holding ``1 / L`` at ``L``), ``D`` and
    ``I`` are scratch space from :func:`_fisher_jenks_starts`."""
    n = x.shape[0]
    w = n + 1
    s1 = F[0]
    s2 = F[1]
    invt = F[2]
    starts = I[0]
    stack = I[1]
    # s1[i], s2[i]: sums of c and c**2 over x[:i], c = x - median, compensated (TwoSum), so both
    # carry about one rounding whatever n; D[i] (layer 0): SSD of x[0..i]
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
        D[t] = v - s * s * invt[t + 1]
    status = -2 if not (abs(b) < np.inf) else (-1 if drops > 0 else 0)
    starts[0] = status
    if status < 0 or k < 2:
        return
    s1[0] = s2[0] = 0.0
    # D[j * w + i]: least SSD of x[0..i] in j + 1 classes.  Layers j = 1 .. k - 2 (jj = j): divide
    # and conquer over the rows (their optimal first index m of the last class is monotone).
    # Then the read-back, j = k - 1 .. 1 (jj = 2 k - 2 - j): one job per layer, row
    # i = starts[j + 1] - 1, keeping the smallest m within the tie slack of the minimum.
    i = n - 1
    for jj in range(1, 2 * k - 2):
        back = jj >= k - 1
        j = 2 * k - 2 - jj if back else jj
        p = (j - 1) * w  # previous layer
        if back:  # a job: rows ilo .. ihi, candidates mlo .. mhi
            stack[0] = stack[1] = stack[3] = i
        else:
            stack[0] = j
            stack[1] = stack[3] = n - 1 - (k - 2 - j)  # later rows are never a candidate of the next layer
        stack[2] = j
        top = 4
        while top > 0:
            top -= 4
            ilo = stack[top]
            ihi = stack[top + 1]
            mlo = stack[top + 2]
            mhi = stack[top + 3]
            r = (ilo + ihi) // 2
            hi = mhi if mhi < r else r
            # the least D_{j-1}(m-1) + SSD(m, r) - s2[r+1] over m in [mlo, hi], on an order-
            # preserving int64 image of the costs (integer minima vectorise, float ones do not;
            # unsigned indices skip the wrap-around test) ...
            S = s1[r + 1]
            u0 = np.uint64(mlo)
            top_m = np.uint64(r + 1)
            key = np.int64(_MAXKEY)
            for t in range(np.uint64(hi - mlo + 1)):
                m = u0 + t
                u = S - s1[m]
                q = _bitcast(D[np.uint64(p - 1) + m] - s2[m] - u * u * invt[top_m - m])
                q ^= (q >> np.int64(63)) & np.int64(_MAXKEY)
                key = q if q < key else key
            best = _bitcast(key ^ ((key >> np.int64(63)) & np.int64(_MAXKEY)))
            D[p + w + r] = best + s2[r + 1]
            # ... then the smallest m within the slack of it (this scalar loop computes the costs
            # identically, so it stops at the minimum at the latest); a leaf needs no m
            thr = np.inf if ilo == ihi and not back else best + _TIE * s2[r + 1] * back
            bm = mlo - 1
            c = np.inf
            while c > thr:
                bm += 1
                u = S - s1[bm]
                c = D[p + bm - 1] - s2[bm] - u * u * invt[r + 1 - bm]
            starts[j] = bm  # kept from the read-back only
            i = bm - 1 if back else n - 1  # the next read-back row
            stack[top] = r + 1  # the children: rows above r (when r < ihi) ...
            stack[top + 1] = ihi
            stack[top + 2] = bm
            stack[top + 3] = mhi
            top += 4 * (r < ihi)
            stack[top] = ilo  # ... and rows below r (when r > ilo)
            stack[top + 1] = r - 1
            stack[top + 2] = mlo
            stack[top + 3] = bm
            top += 4 * (r > ilo)


def _fisher_jenks_starts(x: np.ndarray, k: int) -> np.ndarray:
    """First index of each of the ``k`` optimal classes of the sorted finite ``x`` (``k <= n``);
    ``[-1]`` when ``x`` is not sorted, ``[-2]`` when it holds NaN or inf or values whose squares
    overflow."""
    n = x.shape[0]
    if n == 0:
        return np.zeros(1, dtype=np.int64)
    F = np.empty((3, n + 1))
    F[2, 0] = np.nan  # never read: lengths are >= 1
    F[2, 1:] = 1.0 / np.arange(1, n + 1)
    I = np.empty((2, n + 130), dtype=np.int64)  # the stack holds at most ~2 log2(n) jobs of 4
    _fisher_jenks_kernel(x, k, F, np.empty(max(k, 1) * (n + 1)), I)
    return I[0, :1] if I[0, 0] < 0 else I[0, : max(k, 1)]
