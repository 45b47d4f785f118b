"""Vectorised Gi / Gi* kernels, ArcGIS bins, literature classes and the
Mann–Kendall trend test (pure functions on arrays; formulas in
:mod:`spatialregion.hotspots`)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse, special, stats

from .. import labels as _labels
from ..errors import InputError
from ._common import NO_NEIGHBOURS

_LEVELS = (0.10, 0.05, 0.01)


def gi_z(
    A: sparse.csr_matrix | sparse.csr_array, x: np.ndarray, *, star: bool = True, transform: str = "B"
) -> dict[str, np.ndarray]:
    """Gi / Gi* statistics and analytic z for all units (vectorised).

    Parameters
    ----------
    A : CSR (n, n)
        Off-diagonal weights (no self loops, no explicit zeros) in the data's
        order; ``transform`` decides how they are used (module docstring).
    x : (n,) float array
    star : bool
        Gi* (include ``w_ii``) or Gi.
    transform : {"B", "R"}

    Returns
    -------
    dict with ``z``, ``G`` (``sum_j w_ij x_j / sum_j x_j``, ``j != i`` in the
    denominator for Gi; esda's ``Gs``), ``lag_off`` (off-diagonal lag of the
    centred values, what permutations compare), ``vals`` (off-diagonal weights
    used), ``W`` (row sums incl. self), ``k`` (neighbour counts).
    """
    n = x.shape[0]
    A = sparse.csr_matrix(A)
    k = np.diff(A.indptr)
    if transform == "B":
        vals = np.ones_like(A.data, dtype=float)
        self_w = np.ones(n)
    else:
        vals = np.asarray(A.data, dtype=float)
        self_w = np.zeros(n)
        has = k > 0
        if has.any():
            self_w[has] = np.maximum.reduceat(vals, A.indptr[:-1][has])
    Ab = sparse.csr_matrix((vals, A.indices, A.indptr), shape=A.shape)
    mean = float(x.mean())
    xc = x - mean
    lag_off_c = Ab @ xc
    lag_off_raw = Ab @ x
    w_off = Ab @ np.ones(n)
    ss = float(xc @ xc)
    if star:
        W = w_off + self_w
        lag_c = lag_off_c + self_w * xc
        lag_raw = lag_off_raw + self_w * x
        N = n
        xbar_c = np.zeros(n)
        s = np.full(n, np.sqrt(ss / n))
        denom_g = np.full(n, x.sum())
    else:
        W = w_off
        lag_c = lag_off_c
        lag_raw = lag_off_raw
        N = n - 1
        xbar_c = -xc / N  # mean of the other n-1 centred values
        s = np.sqrt(np.maximum((ss - xc**2) / N - xbar_c**2, 0.0))
        denom_g = x.sum() - x
    with np.errstate(divide="ignore", invalid="ignore"):
        if transform == "R":
            lag_c = lag_c / W
            lag_raw = lag_raw / W
            W_eff = np.where(W > 0, 1.0, 0.0)
        else:
            W_eff = W
        S1 = W_eff  # binary: S1 = W; "R": esda's convention S1 := W = 1
        var = (N * S1 - W_eff**2) / (N - 1)
        z = (lag_c - xbar_c * W_eff) / (s * np.sqrt(var))
        G = lag_raw / denom_g
    bad = (k == 0) | ~(var > 0) | ~(s > 0)
    z = np.where(bad, np.nan, z)
    G = np.where(k == 0, np.nan, G)
    return {"z": z, "G": G, "lag_off": lag_off_c, "xc": xc, "vals": vals, "W": W, "k": k}


def _p_from_z(z: np.ndarray, alternative: str) -> np.ndarray:
    if alternative == "two-sided":
        return 2.0 * special.ndtr(-np.abs(z))
    if alternative == "greater":
        return special.ndtr(-z)
    if alternative == "less":
        return special.ndtr(z)
    return special.ndtr(-np.abs(z))  # directed


def _bh(p: np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (NaN kept, not counted in m)."""
    out = np.full(p.shape, np.nan)
    ok = np.isfinite(p)
    if ok.any():
        out[ok] = stats.false_discovery_control(p[ok], method="bh")
    return out


def gi_bins(z: np.ndarray, p_two_sided: np.ndarray, fdr: bool = False) -> np.ndarray:
    """ArcGIS ``Gi_Bin`` (−3 … 3) from z and two-sided p (NaN → 0).

    ``fdr=True`` bins on Benjamini–Hochberg adjusted p-values, which is the
    BH step-up critical p at each of the 90/95/99 % levels.
    """
    p = _bh(p_two_sided) if fdr else np.asarray(p_two_sided, dtype=float)
    level = np.zeros(p.shape, dtype=np.int64)
    for lv, a in enumerate(_LEVELS, start=1):
        level[np.nan_to_num(p, nan=2.0) <= a] = lv
    return (np.sign(np.nan_to_num(z)) * level).astype(np.int64)


def natural_breaks(z: np.ndarray, k: int = 5, max_sample: int = 1000) -> np.ndarray:
    """Jenks natural breaks (exact Fisher–Jenks, identical to ``mapclassify.FisherJenks``) of finite ``z``.

    Returns the ``k - 1`` interior cut points.  Above ``max_sample`` values
    the optimisation runs on ``max_sample`` evenly spaced order statistics
    (min and max included; deterministic) because the exact algorithm is
    O(k n^2).
    """
    from .._classify import fisher_jenks_bins

    v = np.sort(np.asarray(z, dtype=float)[np.isfinite(z)])
    if np.unique(v).size < k:
        raise InputError(
            f"natural breaks need at least {k} distinct z values, got {np.unique(v).size}; pass breaks=[c1, c2, c3, c4] instead"
        )
    if v.size > max_sample:
        v = v[np.round(np.linspace(0, v.size - 1, max_sample)).astype(np.int64)]
    return np.asarray(fisher_jenks_bins(v, k)[:-1], dtype=float)


def classify_z(z: np.ndarray, cuts: Sequence[float]) -> np.ndarray:
    """Five literature classes from four cut points: ``c_{m-1} < z <= c_m``.

    Returns an object array of :data:`spatialregion.labels.HOTSPOT_CLASSES`
    keys (cold → hot); NaN z gives ``"no_neighbours"``.
    """
    cuts = np.asarray(cuts, dtype=float)
    keys = np.array([lab.key for lab in _labels.HOTSPOT_CLASSES] + [NO_NEIGHBOURS.key], dtype=object)
    code = np.searchsorted(cuts, np.nan_to_num(z), side="left")
    code = np.where(np.isfinite(z), code, len(keys) - 1)
    return keys[code]


def mann_kendall(y: np.ndarray) -> dict[str, np.ndarray]:
    """Mann–Kendall trend test on each row of ``y`` (units × periods).

    ``S = sum_{a<b} sign(y_b - y_a)``;
    ``Var(S) = [T(T-1)(2T+5) - sum_g t_g(t_g-1)(2t_g+5)] / 18`` (ties in groups
    of size ``t_g``); ``Z = (S - sign(S)) / sqrt(Var S)`` (continuity
    correction), two-sided ``p = 2(1 - Phi(|Z|))``; ``tau = S / (T(T-1)/2)``
    (Kendall's tau-a).  Rows with ``Var(S) = 0`` get ``Z = 0``, ``p = 1``.
    Reference: Kendall (1975), ch. 4; Hipel & McLeod (1994) eq. 23.2.
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
    with np.errstate(divide="ignore", invalid="ignore"):
        Z = np.where(var > 0, (S - np.sign(S)) / np.sqrt(var), 0.0)
    p = 2.0 * special.ndtr(-np.abs(Z))
    return {"S": S, "var": var, "z": Z, "p": p, "tau": S / (T * (T - 1) / 2.0)}
