"""Chain kernels (pure functions on arrays): counts, probabilities, steady state, first passage, tests."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import InputError, SpatialRegionWarning

EmptyPolicy = Literal["restrict", "absorbing"]


def transition_counts(classes: np.ndarray, k: int, lag_classes: np.ndarray | None = None, m: int = 1) -> np.ndarray:
    """Transition counts from consecutive columns of ``classes`` (n, T).

    Without ``lag_classes`` returns ``(k, k)`` counts ``n_ij``; with them
    ``(m, k, k)`` counts ``n_{l,ij}`` conditioned on the lag class ``l`` of the
    origin period.  One ``np.bincount`` over the codes ``(l k + i) k + j``.

    Parameters
    ----------
    classes : ndarray (n, T) of int
        Class codes 0 … k-1, periods in time order.
    k : int
        Number of classes.
    lag_classes : ndarray (n, T) of int, optional
        Lag class codes 0 … m-1 (spatial Markov).
    m : int
        Number of lag classes.

    Returns
    -------
    ndarray
        ``(k, k)`` or ``(m, k, k)`` float counts.
    """
    a = classes[:, :-1]
    b = classes[:, 1:]
    codes = a * k + b
    if lag_classes is None:
        return np.bincount(codes.ravel(), minlength=k * k).reshape(k, k).astype(float)
    codes = lag_classes[:, :-1] * (k * k) + codes
    return np.bincount(codes.ravel(), minlength=m * k * k).reshape(m, k, k).astype(float)


def transition_probabilities(counts: np.ndarray) -> np.ndarray:
    """Row-normalised counts ``p_ij = n_ij / n_i``; rows without departures are NaN.

    Parameters
    ----------
    counts : ndarray (..., k, k)
        Transition counts.

    Returns
    -------
    ndarray
        Probabilities, same shape.
    """
    return _row_shares(np.asarray(counts, dtype=float), np.nan)


def _row_shares(counts: np.ndarray, empty_row: float) -> np.ndarray:
    """``counts`` divided by their sums along the last axis; rows summing to 0 become ``empty_row``."""
    rows = counts.sum(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(rows > 0, counts / np.where(rows > 0, rows, 1.0), empty_row)


def _reachability(adj: np.ndarray) -> np.ndarray:
    """Boolean transitive closure (including i → i) of a small adjacency matrix."""
    k = adj.shape[0]
    r = adj.astype(bool) | np.eye(k, dtype=bool)
    for _ in range(max(1, int(np.ceil(np.log2(max(k, 2))))) + 1):
        r2 = (r.astype(np.int64) @ r.astype(np.int64)) > 0
        if np.array_equal(r2, r):
            break
        r = r2
    return r


def _closed_classes(P: np.ndarray) -> list[np.ndarray]:
    """Closed communicating classes (recurrent classes) of a stochastic matrix."""
    r = _reachability(P > 0)
    comm = r & r.T
    seen = np.zeros(len(P), dtype=bool)
    out = []
    for i in range(len(P)):
        if seen[i]:
            continue
        members = np.flatnonzero(comm[i])
        seen[members] = True
        outside = np.setdiff1d(np.arange(len(P)), members)
        if not (P[np.ix_(members, outside)] > 0).any():
            out.append(members)
    return out


def _gth(P: np.ndarray) -> np.ndarray:
    """Stationary vector of an irreducible stochastic matrix (Grassmann–Taksar–Heyman elimination)."""
    a = np.array(P, dtype=float)
    k = a.shape[0]
    for n in range(k - 1, 0, -1):
        s = a[n, :n].sum()
        a[:n, n] /= s
        a[:n, :n] += np.outer(a[:n, n], a[n, :n])
    pi = np.zeros(k)
    pi[0] = 1.0
    for n in range(1, k):
        pi[n] = pi[:n] @ a[:n, n]
    return pi / pi.sum()


def _stochastic(counts: np.ndarray, empty: EmptyPolicy) -> tuple[np.ndarray, np.ndarray]:
    """A stochastic matrix for long-run measures and the mask of classes it keeps."""
    counts = np.asarray(counts, dtype=float)
    k = counts.shape[0]
    if empty == "absorbing":
        c = counts.copy()
        rows = np.flatnonzero(c.sum(axis=1) == 0)
        c[rows, rows] = 1.0
        return c / c.sum(axis=1, keepdims=True), np.ones(k, dtype=bool)
    keep = counts.sum(axis=1) > 0
    while True:
        sub = counts[np.ix_(keep, keep)]
        ok = sub.sum(axis=1) > 0
        if ok.all():
            break
        idx = np.flatnonzero(keep)
        keep[idx[~ok]] = False
    if not keep.any():
        # every observed path ends in a class never left: no closed part of the chain was
        # observed, so fall back to treating the unobserved rows as absorbing (giddy's rule)
        warnings.warn(
            "markov: no closed set of observed classes (every path ends in a class never left); "
            "long-run measures treat the empty classes as absorbing",
            SpatialRegionWarning,
            stacklevel=3,
        )
        return _stochastic(counts, "absorbing")
    sub = counts[np.ix_(keep, keep)]
    return sub / sub.sum(axis=1, keepdims=True), keep


def steady_state(counts: np.ndarray, empty: EmptyPolicy = "restrict", initial: np.ndarray | None = None) -> np.ndarray:
    """Long-run (ergodic) distribution of the chain estimated from ``counts`` (k, k).

    ``π = π P``, ``Σ π = 1``, solved by Grassmann–Taksar–Heyman elimination on
    each closed class.  With one closed class it is the unique stationary
    distribution (transient classes get 0).  With several closed classes the
    limit of ``π₀ Pᵗ`` from ``initial`` (default: the observed shares of
    origins, ``n_i / N``) is returned.  Classes removed by ``empty="restrict"``
    are NaN (see the module docstring); when restriction would remove every
    class (all observed paths end in a class never left) the empty classes are
    treated as absorbing instead, with a warning.

    Parameters
    ----------
    counts : ndarray (k, k)
        Transition counts.
    empty : {"restrict", "absorbing"}
        Policy for classes never left (module docstring).
    initial : ndarray (k,), optional
        Start distribution used when there are several closed classes.

    Returns
    -------
    ndarray (k,)
        The steady state (NaN for removed classes).
    """
    counts = np.asarray(counts, dtype=float)
    k = counts.shape[0]
    P, keep = _stochastic(counts, empty)
    out = np.full(k, np.nan)
    if P.size == 0:
        return out
    closed = _closed_classes(P)
    pis = []
    for cls in closed:
        pi = np.zeros(len(P))
        pi[cls] = _gth(P[np.ix_(cls, cls)]) if len(cls) > 1 else 1.0
        pis.append(pi)
    if len(closed) == 1:
        res = pis[0]
    else:
        start = counts.sum(axis=1)[keep] if initial is None else np.asarray(initial, dtype=float)[keep]
        start = start / start.sum() if start.sum() > 0 else np.full(len(P), 1.0 / len(P))
        rec = np.concatenate(closed)
        tr = np.setdiff1d(np.arange(len(P)), rec)
        absorb = np.zeros((len(tr), len(P)))
        if len(tr):
            absorb = np.linalg.solve(np.eye(len(tr)) - P[np.ix_(tr, tr)], P[np.ix_(tr, np.arange(len(P)))])
        res = np.zeros(len(P))
        for cls, pi in zip(closed, pis):
            mass = start[cls].sum() + (start[tr] @ absorb[:, cls].sum(axis=1) if len(tr) else 0.0)
            res += mass * pi
    out[keep] = res
    return out


def first_passage_times(counts: np.ndarray, empty: EmptyPolicy = "restrict") -> np.ndarray:
    """Mean first passage times ``m_ij`` (periods) of the chain estimated from ``counts``.

    For target ``j``: ``m_ij = 1 + Σ_{l≠j} P_il m_lj`` on the states that reach
    ``j`` with probability one (a linear solve), ``inf`` elsewhere; the
    diagonal is the mean recurrence time ``m_jj = 1 + Σ_{l≠j} P_jl m_lj``
    (``= 1/π_j`` for an ergodic chain; Kemeny & Snell 1976, §4.4).  Classes
    removed by ``empty="restrict"`` have NaN rows and columns.

    Parameters
    ----------
    counts : ndarray (k, k)
        Transition counts.
    empty : {"restrict", "absorbing"}
        Policy for classes never left (module docstring).

    Returns
    -------
    ndarray (k, k)
        Mean first passage times in periods.
    """
    counts = np.asarray(counts, dtype=float)
    k = counts.shape[0]
    P, keep = _stochastic(counts, empty)
    out = np.full((k, k), np.nan)
    s = len(P)
    if s == 0:
        return out
    res = np.full((s, s), np.inf)
    adj = P > 0
    for j in range(s):
        g = adj.copy()
        g[j, :] = False
        reach = _reachability(g)
        bad = ~reach[:, j]
        certain = ~(reach & bad[None, :]).any(axis=1)
        certain[j] = False
        c = np.flatnonzero(certain)
        m = np.full(s, np.inf)
        if len(c):
            m[c] = np.linalg.solve(np.eye(len(c)) - P[np.ix_(c, c)], np.ones(len(c)))
        m[j] = 0.0
        step = P[j] > 0
        res[:, j] = m
        res[j, j] = 1.0 + (P[j, step] * m[step]).sum() if np.isfinite(m[step]).all() else np.inf
    out[np.ix_(keep, keep)] = res
    return out


def chi2_test(T1: np.ndarray, T2: np.ndarray) -> tuple[float, float, int]:
    """χ² test that the counts ``T1`` follow the transition probabilities of ``T2``.

    ``E_ij = n_i(T1) · T2_ij / n_i(T2)``; ``χ² = Σ (T1_ij − E_ij)² / E_ij`` with
    cells where ``E_ij = 0`` divided by 1; dof ``(r₁ − 1)(r₂ − 1)`` with ``r``
    the number of non-empty rows of each matrix (giddy ``markov.chi2``).

    Parameters
    ----------
    T1 : ndarray (k, k)
        Observed counts.
    T2 : ndarray (k, k)
        Counts whose row shares give the null probabilities.

    Returns
    -------
    tuple of (float, float, int)
        ``(chi2, p, dof)``; ``p`` is the upper-tail χ² probability.
    """
    T1 = np.asarray(T1, dtype=float)
    T2 = np.asarray(T2, dtype=float)
    r1 = T1.sum(axis=1)
    r2 = T2.sum(axis=1)
    dof = int(((r1 > 0).sum() - 1) * ((r2 > 0).sum() - 1))
    expected = r1[:, None] * T2 / np.where(r2 > 0, r2, 1.0)[:, None]
    stat = float(((T1 - expected) ** 2 / np.where(expected == 0, 1.0, expected)).sum())
    return stat, float(stats.chi2.sf(stat, dof)), dof


@dataclass(frozen=True)
class Homogeneity:
    """Bickenbach–Bode (2003) tests that ``m`` regimes share one transition matrix.

    ``Q = Σ_l Σ_ij n_{l,i} (p_{l,ij} − p_ij)² / p_ij`` (Pearson) and
    ``LR = 2 Σ_l Σ_ij n_{l,ij} ln(p_{l,ij} / p_ij)`` over ``n_{l,ij} > 0``, both
    χ² with ``dof = Σ_i (a_i − 1)(b_i − 1)`` over rows visited at least once,
    ``a_i`` = regimes with departures from ``i``, ``b_i`` = positive cells of
    row ``i`` of the pooled matrix.  (giddy also adds ``+1`` for every row that
    is empty in all regimes, ``(0−1)(0−1)``; we do not — identical otherwise.)
    ``Q_p`` and ``LR_p`` are upper-tail probabilities.

    Attributes
    ----------
    Q, Q_p : float
        Pearson statistic and its p-value.
    LR, LR_p : float
        Likelihood-ratio statistic and its p-value.
    dof : int
        Degrees of freedom.
    """

    Q: float
    Q_p: float
    LR: float
    LR_p: float
    dof: int

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {"statistic": [self.Q, self.LR], "dof": [self.dof, self.dof], "p": [self.Q_p, self.LR_p]},
            index=pd.Index(["Q (Pearson)", "LR"], name="test"),
        )


def homogeneity(counts: np.ndarray) -> Homogeneity:
    """Bickenbach–Bode homogeneity tests of regime transition counts (see :class:`Homogeneity`).

    Parameters
    ----------
    counts : ndarray (m, k, k)
        Transition counts of ``m`` regimes (e.g. spatial-lag classes).

    Returns
    -------
    Homogeneity
        Q and LR statistics, p-values and dof.

    References
    ----------
    Bickenbach, F. & Bode, E. (2003). Evaluating the Markov property in studies
    of economic convergence. *International Regional Science Review* 26(3), 363–392.
    """
    M = np.asarray(counts, dtype=float)
    if M.ndim != 3:
        raise InputError(f"counts must be an (m, k, k) array of regime transition counts, got shape {M.shape}")
    pooled = M.sum(axis=0)
    n_i = pooled.sum(axis=1)
    p = _row_shares(pooled, 0.0)
    n_im = M.sum(axis=2)
    p_m = _row_shares(M, 0.0)
    den = np.where(p == 0, 1.0, p)
    Q = float((n_im[:, :, None] * (p_m - p[None]) ** 2 / den[None]).sum())
    mask = (M > 0) & (p[None] > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        lr = np.where(mask, M * np.log(np.where(mask, p_m, 1.0) / np.where(mask, p[None], 1.0)), 0.0)
    LR = 2.0 * float(lr.sum())
    a = (n_im > 0).sum(axis=0)
    b = (pooled > 0).sum(axis=1)
    dof = int(np.where(n_i > 0, (a - 1) * (b - 1), 0).sum())
    return Homogeneity(Q, float(stats.chi2.sf(Q, dof)), LR, float(stats.chi2.sf(LR, dof)), dof)


def _long_run(counts: np.ndarray, empty: EmptyPolicy) -> tuple[np.ndarray, np.ndarray]:
    """Steady state and mean first passage times of ``(k, k)`` counts, or per regime of ``(m, k, k)`` counts.

    NumPy's RuntimeWarnings from degenerate chains are silenced; the
    SpatialRegionWarning about empty rows is raised by the callers.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        if counts.ndim == 3:
            return np.vstack([steady_state(t, empty) for t in counts]), np.stack([first_passage_times(t, empty) for t in counts])
        return steady_state(counts, empty), first_passage_times(counts, empty)


def _warn_empty(counts: np.ndarray, labels: Sequence[str], empty: EmptyPolicy, where: str) -> tuple[int, ...]:
    rows = np.flatnonzero(counts.sum(axis=1) == 0)
    if len(rows):
        names = ", ".join(labels[i] for i in rows)
        how = (
            "steady state and first passage use the observed classes only (NaN for these)"
            if empty == "restrict"
            else "they are treated as absorbing states (giddy's fill_empty_classes)"
        )
        warnings.warn(f"{where}: no transitions start in {names}; their probability rows are NaN and {how}", SpatialRegionWarning, stacklevel=4)
    return tuple(int(i) for i in rows)
