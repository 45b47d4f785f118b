"""Distribution dynamics: classic, spatial and LISA Markov chains.

Papers class a regional index into ``k`` groups (low … high), print the
``k × k`` transition matrix with row counts *n*, then a *spatial* Markov table —
one ``k × k`` matrix per class of the neighbours' average (the spatial lag) —
and read off "neighbour effects" (Rey 2001).  This module does that for panels
of ``n`` units observed in ``T`` periods.

Panels
------
Every function accepts the panel ``y`` as

* an ``(n, T)`` array (rows = units, columns = periods, in time order);
* a **wide** DataFrame / GeoDataFrame, one column per period in time order
  (all columns, or the ones named in ``columns=[...]``); the geometry of a
  GeoDataFrame is kept for maps and GeoPackage export;
* a **long** table with one row per (unit, period): pass ``id_column``,
  ``period_column`` and ``value_column``; periods are sorted, every unit must
  appear once in every period.

Classes and ties
----------------
``k`` classes are cut by ``k - 1`` interior *breaks* ``b_1 < … < b_{k-1}``:
class ``c`` (0-based) holds ``b_c < x <= b_{c+1}`` with ``b_0 = -inf`` and
``b_k = +inf``.  **A value equal to a break goes to the lower class**
(mapclassify's ``bin1d`` / giddy rule).  Breaks are the pooled quantiles of
the whole panel (``fixed=True``, giddy's default), per-period quantiles
(``fixed=False``) or user values (``breaks=[...]``, 1-D pooled or ``(T, k-1)``
per period).  Quantiles are ``scipy.stats.scoreatpercentile`` (linear
interpolation) at ``100/k, 200/k, … , 100`` percent, as in mapclassify's
``Quantiles``; repeated quantiles (heavy ties) collapse classes, with a warning.

Counts and probabilities
------------------------
Transitions between consecutive periods are counted with one
``np.bincount`` over the codes ``(lag·k + a)·k + b``; ``P_ij = n_ij / n_i``.
A row never visited as an origin (``n_i = 0``) has an undefined probability
row: it is **NaN** in ``P`` and listed in ``empty``.

Steady state and first passage
------------------------------
``empty="restrict"`` (default) computes them on the observed part of the chain:
classes without departures are removed and the transitions into them are
discarded before the rows are renormalised (repeated until every kept row has
departures); removed classes get NaN.  ``empty="absorbing"`` follows giddy's
``fill_empty_classes=True`` (an empty row becomes an absorbing state).
Either way a :class:`~spatialregion.errors.SpatialRegionWarning` names the
classes concerned.  When the remaining chain has several closed
(recurrent) classes the stationary distribution is not unique; the reported
steady state is then the limit reached from the observed distribution of
origins (absorption probabilities weight the per-class stationary vectors).
Mean first passage times ``m_ij`` are the expected number of periods to first
reach ``j`` from ``i`` (``m_jj``: mean recurrence time, ``1/π_j`` when
ergodic); ``inf`` where ``j`` is not reached with probability one.

References
----------
Rey, S. J. (2001). Spatial analysis of regional income inequality. *Geographical
Analysis* 33(1), 23–46.  Bickenbach, F. & Bode, E. (2003). Evaluating the Markov
property in studies of economic convergence. *International Regional Science
Review* 26(3), 363–392.  Kemeny, J. G. & Snell, J. L. (1976). *Finite Markov
Chains*.  Peer: ``giddy.markov.Markov``, ``Spatial_Markov``, ``LISA_Markov``.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from ._validation import check_choice, column_values, describe_rows
from .errors import (
    AlignmentError,
    DuplicateIdError,
    InputError,
    MissingValueError,
    SpatialRegionWarning,
)
from .results import Result, Summary, SummaryTable

__all__ = [
    "Homogeneity",
    "LisaMarkovResult",
    "MarkovResult",
    "Panel",
    "SpatialMarkovResult",
    "categorical_lag",
    "chi2_test",
    "classify",
    "first_passage_times",
    "homogeneity",
    "lisa_markov",
    "markov",
    "quantile_breaks",
    "spatial_markov",
    "steady_state",
    "transition_counts",
    "transition_probabilities",
]

EmptyPolicy = Literal["restrict", "absorbing"]
LISA_STATES = ("HH", "LH", "LL", "HL")


# ---------------------------------------------------------------------------
# panel input
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Panel:
    """A validated ``(n, T)`` panel with its unit index, period labels and geometry."""

    values: np.ndarray
    index: pd.Index
    periods: tuple[Any, ...]
    geometry: Any = None
    #: False for bare arrays: rows then follow the order of the weights' ids
    labelled: bool = True


def as_panel(
    y: Any,
    *,
    columns: Sequence[Any] | None = None,
    id_column: str | None = None,
    period_column: str | None = None,
    value_column: str | None = None,
    name: str = "y",
    min_periods: int = 2,
) -> Panel:
    """Read a panel given as an ``(n, T)`` array, a wide or a long table (see the module docstring)."""
    if isinstance(y, Panel):
        return y
    geometry = None
    labelled = True
    if isinstance(y, pd.DataFrame):
        if id_column is not None or period_column is not None or value_column is not None:
            values, index, periods = _long_panel(y, id_column, period_column, value_column, name)
        else:
            geom_col = y.geometry.name if hasattr(y, "geometry") and hasattr(y, "crs") else None
            if columns is None:
                columns = [c for c in y.columns if c != geom_col]
            columns = list(columns)
            non_numeric = [c for c in columns if c in y.columns and not pd.api.types.is_numeric_dtype(y[c])]
            if non_numeric:
                raise InputError(
                    f"{name}: columns {non_numeric} are not numeric; pass columns=[...] naming the period "
                    "columns in time order (or id_column/period_column/value_column for a long table)"
                )
            values, index = column_values(y, columns, name=name)
            periods = tuple(columns)
            if geom_col is not None:
                geometry = y.geometry
    elif isinstance(y, pd.Series):
        raise InputError(f"{name} is a Series (one period); a panel needs at least {min_periods} periods")
    else:
        arr = np.asarray(y)
        if arr.ndim != 2:
            raise InputError(f"{name} must be an (n, T) array with units in rows and periods in columns, got shape {arr.shape}")
        values, index = column_values(arr, name=name)
        periods = tuple(range(arr.shape[1]))
        labelled = False
    if values.ndim != 2 or values.shape[1] < min_periods:
        raise InputError(f"{name} needs at least {min_periods} periods (columns); got shape {values.shape}")
    if values.shape[0] < 1:
        raise InputError(f"{name} has no units (rows)")
    return Panel(values, index, periods, geometry, labelled)


def _long_panel(df: pd.DataFrame, id_column: str | None, period_column: str | None, value_column: str | None, name: str):
    given = {"id_column": id_column, "period_column": period_column, "value_column": value_column}
    lacking = [k for k, v in given.items() if v is None]
    if lacking:
        raise InputError(f"{name}: a long table needs id_column, period_column and value_column; missing {lacking}")
    missing = [v for v in given.values() if v not in df.columns]
    if missing:
        raise InputError(f"{name}: column(s) {missing} not in the table; available: {list(df.columns)[:20]}")
    keys = df[[id_column, period_column]]
    dup = keys.duplicated(keep=False)
    if dup.any():
        pairs = list(keys[dup].drop_duplicates().itertuples(index=False, name=None))
        raise DuplicateIdError(f"{name}: (id, period) pairs appear more than once: {pairs[:8]}; each unit needs one value per period")
    wide = df.pivot(index=id_column, columns=period_column, values=value_column).sort_index(axis=1)
    holes = wide.isna().any(axis=1)
    if holes.any():
        raise MissingValueError(
            f"{name}: units {describe_rows(wide.index[holes])} lack a value for some period "
            f"({value_column!r} is NaN or the row is absent); balance the panel first"
        )
    values, index = column_values(wide, list(wide.columns), name=value_column)
    return values, index, tuple(wide.columns)


# ---------------------------------------------------------------------------
# kernels (pure functions on arrays)
# ---------------------------------------------------------------------------
def _percentiles(k: int) -> np.ndarray:
    step = 100.0 / k
    p = np.arange(step, 100.0 + step, step)
    p[p > 100.0] = 100.0
    return p


def quantile_breaks(values: np.ndarray, k: int) -> np.ndarray:
    """Interior quantile breaks (``k - 1`` or fewer when quantiles repeat).

    The ``q``-th quantile is the linear interpolation between order statistics
    at position ``q (N - 1)`` (``scipy.stats.scoreatpercentile``, as used by
    mapclassify ``Quantiles``); repeated values are merged (fewer classes).
    """
    x = np.asarray(values, dtype=float).ravel()
    n = x.size
    pos = _percentiles(k) / 100.0 * (n - 1)
    lo = np.floor(pos).astype(np.int64)
    hi = np.minimum(lo + 1, n - 1)
    part = np.partition(x, np.unique(np.concatenate([lo, hi])))
    frac = pos - lo
    exact = frac == 0
    w_lo = (lo + 1) - pos
    w_hi = pos - lo
    q = np.where(exact, part[lo], (part[lo] * w_lo + part[hi] * w_hi) / np.where(exact, 1.0, w_lo + w_hi))
    return np.unique(q)[:-1]


def classify(values: np.ndarray, breaks: np.ndarray) -> np.ndarray:
    """Class codes ``0 … len(breaks)``: ``breaks[c-1] < x <= breaks[c]`` (ties go to the lower class)."""
    return np.searchsorted(np.asarray(breaks, dtype=float), values, side="left").astype(np.int64, copy=False)


def transition_counts(classes: np.ndarray, k: int, lag_classes: np.ndarray | None = None, m: int = 1) -> np.ndarray:
    """Transition counts from consecutive columns of ``classes`` (n, T).

    Without ``lag_classes`` returns ``(k, k)`` counts ``n_ij``; with them
    ``(m, k, k)`` counts ``n_{l,ij}`` conditioned on the lag class ``l`` of the
    origin period.  One ``np.bincount`` over the codes ``(l k + i) k + j``.
    """
    a = classes[:, :-1]
    b = classes[:, 1:]
    codes = a * k + b
    if lag_classes is None:
        return np.bincount(codes.ravel(), minlength=k * k).reshape(k, k).astype(float)
    codes = lag_classes[:, :-1] * (k * k) + codes
    return np.bincount(codes.ravel(), minlength=m * k * k).reshape(m, k, k).astype(float)


def transition_probabilities(counts: np.ndarray) -> np.ndarray:
    """Row-normalised counts; rows without departures are NaN."""
    counts = np.asarray(counts, dtype=float)
    rows = counts.sum(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(rows > 0, counts / np.where(rows > 0, rows, 1.0), np.nan)


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
        return np.zeros((0, 0)), keep
    sub = counts[np.ix_(keep, keep)]
    return sub / sub.sum(axis=1, keepdims=True), keep


def steady_state(counts: np.ndarray, empty: EmptyPolicy = "restrict", initial: np.ndarray | None = None) -> np.ndarray:
    """Long-run (ergodic) distribution of the chain estimated from ``counts`` (k, k).

    ``π = π P``, ``Σ π = 1``, solved by Grassmann–Taksar–Heyman elimination on
    each closed class.  With one closed class it is the unique stationary
    distribution (transient classes get 0).  With several closed classes the
    limit of ``π₀ Pᵗ`` from ``initial`` (default: the observed shares of
    origins, ``n_i / N``) is returned.  Classes removed by ``empty="restrict"``
    are NaN (see the module docstring).
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
    Returns ``(chi2, p, dof)``; ``p`` is the upper-tail χ² probability.
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
    """Homogeneity of the regime transition counts ``counts`` (m, k, k); see :class:`Homogeneity`."""
    M = np.asarray(counts, dtype=float)
    if M.ndim != 3:
        raise InputError(f"counts must be an (m, k, k) array of regime transition counts, got shape {M.shape}")
    pooled = M.sum(axis=0)
    n_i = pooled.sum(axis=1)
    p = pooled / np.where(n_i > 0, n_i, 1.0)[:, None]
    n_im = M.sum(axis=2)
    p_m = M / np.where(n_im > 0, n_im, 1.0)[:, :, None]
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


def categorical_lag(states: np.ndarray, W: Any, k: int) -> np.ndarray:
    """Most common neighbour state (weighted by ``W``) per unit and period.

    Ties go to the unit's own state when it is among the tied states, else to
    the lowest tied code; units without neighbours keep their own state.
    ``W`` is an (n, n) sparse matrix, ``states`` (n, T) integer codes 0 … k-1.
    """
    tally = np.stack([np.asarray(W @ (states == s).astype(float)) for s in range(k)])
    top = tally.max(axis=0)
    tied = np.isclose(tally, top[None], rtol=1e-12, atol=0.0)
    own_tied = np.take_along_axis(tied, states[None], axis=0)[0]
    return np.where(own_tied, states, tied.argmax(axis=0)).astype(np.int64)


# ---------------------------------------------------------------------------
# class building
# ---------------------------------------------------------------------------
def _panel_breaks(values: np.ndarray, k: int, breaks: Any, fixed: bool, what: str) -> tuple[np.ndarray, np.ndarray, int]:
    """Classes (n, T), breaks ((k-1,) pooled or (T, k-1) per period) and the effective k."""
    t = values.shape[1]
    if breaks is not None:
        b = np.asarray(breaks, dtype=float)
        if b.ndim == 1:
            _check_breaks(b, what)
            return classify(values, b), b, len(b) + 1
        if b.ndim == 2 and b.shape[0] == t:
            for row in b:
                _check_breaks(row, what)
            cls = np.column_stack([classify(values[:, j], b[j]) for j in range(t)])
            return cls, b, b.shape[1] + 1
        raise InputError(f"{what} breaks must be 1-D (pooled) or (T={t}, k-1) per period, got shape {b.shape}")
    if not isinstance(k, (int, np.integer)) or k < 2:
        raise InputError(f"k must be an integer >= 2 (number of {what} classes), got {k!r}")
    if fixed:
        b = quantile_breaks(values, int(k))
        if len(b) + 1 < k:
            warnings.warn(
                f"{what}: only {len(b) + 1} distinct pooled quantile classes exist (ties); using k={len(b) + 1} instead of {k}",
                SpatialRegionWarning,
                stacklevel=3,
            )
        return classify(values, b), b, len(b) + 1
    rows = []
    for j in range(t):
        bj = quantile_breaks(values[:, j], int(k))
        if len(bj) + 1 < k:
            raise InputError(
                f"{what}: period {j} has too many ties for {k} per-period quantile classes "
                f"(only {len(bj) + 1}); use fixed=True, a smaller k or explicit breaks"
            )
        rows.append(bj)
    b = np.vstack(rows)
    return np.column_stack([classify(values[:, j], b[j]) for j in range(t)]), b, int(k)


def _check_breaks(b: np.ndarray, what: str) -> None:
    if b.size == 0:
        raise InputError(f"{what} breaks are empty; give k-1 interior cut points (k >= 2 classes)")
    if not np.isfinite(b).all():
        raise InputError(f"{what} breaks must be finite interior cut points, got {b.tolist()} (do not include ±inf)")
    if (np.diff(b) <= 0).any():
        raise InputError(f"{what} breaks must be strictly increasing, got {b.tolist()}")


def _class_labels(breaks: np.ndarray, k: int, prefix: str = "C") -> tuple[str, ...]:
    if breaks.ndim != 1:
        return tuple(f"{prefix}{c + 1}" for c in range(k))
    f = "{:.4g}".format
    out = []
    for c in range(k):
        if c == 0:
            rng = f"≤{f(breaks[0])}"
        elif c == k - 1:
            rng = f">{f(breaks[-1])}"
        else:
            rng = f"{f(breaks[c - 1])}–{f(breaks[c])}"
        out.append(f"{prefix}{c + 1} ({rng})")
    return tuple(out)


def _discrete_classes(values: np.ndarray, labels: Sequence[str] | None) -> tuple[np.ndarray, tuple[str, ...], int]:
    """Integer codes for a panel of discrete states: 0 … k-1 directly, else sorted unique values."""
    if labels is not None:
        k = len(labels)
        if np.any(values != np.round(values)) or values.min() < 0 or values.max() >= k:
            raise InputError(f"discrete states must be integer codes 0 … {k - 1} matching the {k} labels")
        return values.astype(np.int64), tuple(labels), k
    uniq, codes = np.unique(values, return_inverse=True)
    return codes.reshape(values.shape).astype(np.int64), tuple(f"{v:g}" for v in uniq), len(uniq)


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


def _weights_matrix(weights: Any, panel: Panel, transform: str) -> tuple[Any, list[Any]]:
    """Sparse weights in the panel's row order (positional for bare arrays, by id otherwise)."""
    from .weights import as_graph

    check_choice("transform", transform, ("R", "B"))
    if panel.labelled:
        g = as_graph(weights, ids=panel.index)
    else:
        g = as_graph(weights)
        if len(g.unique_ids) != len(panel.index):
            raise AlignmentError(
                f"weights describe {len(g.unique_ids)} units but the panel has {len(panel.index)} rows; "
                "rows of an array panel must follow the order of the weights' ids"
            )
    iso = list(g.isolates)
    return g.transform(transform).sparse.tocsr(), iso


# ---------------------------------------------------------------------------
# results
# ---------------------------------------------------------------------------
def _matrix_frame(counts: np.ndarray, P: np.ndarray, labels: Sequence[str]) -> pd.DataFrame:
    df = pd.DataFrame(P, index=pd.Index(labels, name="t \\ t+1"), columns=list(labels))
    df.insert(0, "n", counts.sum(axis=1).astype(np.int64))
    return df


def _trajectory_frame(classes: np.ndarray, periods: Sequence[Any], index: pd.Index, prefix: str) -> pd.DataFrame:
    return pd.DataFrame(classes + 1, index=index, columns=[f"{prefix}{p}" for p in periods])


def _with_geometry(frame: pd.DataFrame, geometry: Any) -> pd.DataFrame:
    if geometry is None:
        return frame
    import geopandas as gpd

    return gpd.GeoDataFrame(frame, geometry=geometry.values, crs=geometry.crs, index=frame.index)


def _palette(k: int, cmap: str = "YlOrRd") -> list[str]:
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    cm = colormaps[cmap]
    return [to_hex(cm(0.15 + 0.8 * i / max(k - 1, 1))) for i in range(k)]


def _heatmaps(
    mats: Sequence[np.ndarray],
    counts: Sequence[np.ndarray],
    titles: Sequence[str],
    labels: Sequence[str],
    ax: Any = None,
    cmap: str = "Blues",
    decimals: int = 2,
    suptitle: str | None = None,
) -> Any:
    """Annotated heat maps of transition matrices, one panel each (readable in greyscale print)."""
    import matplotlib.pyplot as plt

    try:
        from .maps import use_cjk_font

        use_cjk_font()
    except (ImportError, AttributeError):  # maps helper not available: plain fonts
        pass
    npan = len(mats)
    if ax is None:
        ncol = npan if npan <= 3 else (2 if npan == 4 else 3)
        nrow = int(np.ceil(npan / ncol))
        size = 1.0 + 0.6 * len(labels)
        fig, axes = plt.subplots(
            nrow, ncol, figsize=((size + 1.3) * ncol + 1.0, (size + 0.6) * nrow), squeeze=False, layout="constrained"
        )
        axes_flat = axes.ravel()
        for extra in axes_flat[npan:]:
            extra.set_visible(False)
    else:
        axes_flat = np.atleast_1d(np.asarray(ax, dtype=object)).ravel()
        if len(axes_flat) < npan:
            raise InputError(f"plot needs {npan} axes (one per matrix), got {len(axes_flat)}")
        fig = axes_flat[0].figure
    short = [lab.split(" ")[0] for lab in labels]
    image = None
    for a, P, T, title in zip(axes_flat, mats, counts, titles):
        shown = np.ma.masked_invalid(P)
        image = a.imshow(shown, cmap=cmap, vmin=0.0, vmax=1.0)
        a.set_facecolor("#d9d9d9")
        k = P.shape[0]
        n = T.sum(axis=1).astype(int)
        for i in range(k):
            for j in range(k):
                v = P[i, j]
                txt = "—" if np.isnan(v) else f"{v:.{decimals}f}"
                a.text(j, i, txt, ha="center", va="center", fontsize=9, color="white" if (not np.isnan(v) and v > 0.55) else "black")
        a.set_xticks(range(k), short)
        a.set_yticks(range(k), [f"{s} (n={c})" for s, c in zip(short, n)])
        a.set_xlabel("class at t+1")
        if a.get_subplotspec() is None or a.get_subplotspec().is_first_col():
            a.set_ylabel("class at t")
        a.set_title(title, fontsize=10)
    if image is not None:
        fig.colorbar(image, ax=list(axes_flat[:npan]), shrink=0.8, label="transition probability")
    if suptitle:
        fig.suptitle(suptitle)
    return axes_flat[0] if npan == 1 else axes_flat[:npan]


@dataclass(frozen=True)
class MarkovResult(Result):
    """Classic (Rey 2001) Markov chain of a classed panel.

    Attributes
    ----------
    T : ndarray (k, k)
        Transition counts ``n_ij`` between consecutive periods.
    P : ndarray (k, k)
        Transition probabilities ``n_ij / n_i``; NaN rows for classes never left.
    steady_state : ndarray (k,)
        Long-run distribution (see :func:`steady_state`).
    first_passage : ndarray (k, k)
        Mean first passage times in periods (see :func:`first_passage_times`).
    classes : ndarray (n, T)
        Class code (0 … k-1) of every unit and period.
    breaks : ndarray
        Interior class breaks, ``(k-1,)`` pooled or ``(T, k-1)`` per period
        (empty for discrete states); ties go to the lower class.
    labels : tuple of str
        Class labels used in tables and plots.
    k, fixed, empty_policy, empty, periods, index
        Settings: number of classes, pooled (True) or per-period breaks, the
        empty-row policy, classes without departures, period labels, unit ids.
    """

    T: np.ndarray
    P: np.ndarray
    steady_state: np.ndarray
    first_passage: np.ndarray
    classes: np.ndarray = field(repr=False)
    breaks: np.ndarray
    labels: tuple[str, ...]
    k: int
    fixed: bool
    empty_policy: str
    empty: tuple[int, ...]
    periods: tuple[Any, ...] = field(repr=False)
    index: pd.Index = field(repr=False)
    title: str = "Markov transition matrix"

    @property
    def n_transitions(self) -> int:
        return int(self.T.sum())

    def to_frame(self) -> pd.DataFrame:
        """Per-unit class trajectories (class numbers 1 … k, one column per period)."""
        return _with_geometry(_trajectory_frame(self.classes, self.periods, self.index, "class_"), self.geometry)

    def transition_table(self) -> pd.DataFrame:
        """The paper table: row counts ``n`` and probabilities."""
        return _matrix_frame(self.T, self.P, self.labels)

    def long_run_table(self) -> pd.DataFrame:
        k = self.k
        first = np.bincount(self.classes[:, 0], minlength=k) / len(self.classes)
        last = np.bincount(self.classes[:, -1], minlength=k) / len(self.classes)
        return pd.DataFrame(
            {f"share {self.periods[0]}": first, f"share {self.periods[-1]}": last, "steady state": self.steady_state},
            index=pd.Index(self.labels, name="class"),
        )

    def first_passage_table(self) -> pd.DataFrame:
        return pd.DataFrame(self.first_passage, index=pd.Index(self.labels, name="from \\ to"), columns=list(self.labels))

    def summary(self) -> Summary:
        notes = [
            (
                f"{len(self.index)} units, {len(self.periods)} periods ({self.periods[0]}–{self.periods[-1]}), "
                f"{self.n_transitions} transitions."
            ),
            _breaks_note(self.breaks, self.fixed),
        ]
        if self.empty:
            notes.append(f"No transitions start in {', '.join(self.labels[i] for i in self.empty)} (rows left blank); "
                         f"long-run measures: empty='{self.empty_policy}'.")
        return Summary(
            self.title,
            (
                SummaryTable("Transition probabilities (n = transitions starting in the class)", self.transition_table()),
                SummaryTable("Distribution and steady state", self.long_run_table()),
                SummaryTable("Mean first passage times (periods)", self.first_passage_table(), "{:.2f}"),
            ),
            tuple(notes),
        )

    def plot(self, ax: Any = None, kind: Literal["heatmap", "map"] = "heatmap", **kwargs: Any) -> Any:
        """Heat map of ``P`` (default) or, ``kind="map"``, a map of the last period's classes."""
        check_choice("kind", kind, ("heatmap", "map"))
        if kind == "map":
            return super().plot(ax=ax, **kwargs)
        return _heatmaps([self.P], [self.T], [self.title], self.labels, ax=ax, **kwargs)

    def _style(self):
        from . import export

        col = f"class_{self.periods[-1]}"
        return export.categorized(col, list(range(1, self.k + 1)), _palette(self.k), list(self.labels), title=f"Class in {self.periods[-1]}")


def _breaks_note(breaks: np.ndarray, fixed: bool) -> str:
    if breaks.size == 0:
        return "Discrete states."
    if breaks.ndim == 2:
        return "Per-period breaks; a value equal to a break belongs to the lower class."
    kind = "pooled" if fixed else "user"
    return f"Breaks ({kind}): {', '.join(f'{b:.6g}' for b in breaks)}; a value equal to a break belongs to the lower class."


@dataclass(frozen=True)
class SpatialMarkovResult(Result):
    """Spatial Markov chain: transition matrices conditioned on the spatial-lag class.

    Attributes
    ----------
    T : ndarray (m, k, k)
        Counts ``n_{l,ij}``: unit in class ``i`` at ``t`` and ``j`` at ``t+1``
        while its spatial lag at ``t`` is in lag class ``l``.
    P : ndarray (m, k, k)
        Conditional probabilities; NaN rows where a (lag class, class) pair
        never occurs.
    steady_state : ndarray (m, k)
        Steady state per lag class.
    first_passage : ndarray (m, k, k)
        Mean first passage times per lag class (periods).
    classic : MarkovResult
        The unconditional chain (the pooled ``T.sum(0)``).
    lag_classes : ndarray (n, T)
        Lag class code of every unit and period.
    lag_breaks : ndarray
        Interior breaks of the lag classes (pooled or per period).
    lag_breaks_rule : {"quantile", "same", "user", "mode"}
        How the lag classes were cut ("mode": most common neighbour state,
        discrete chains).
    homogeneity : Homogeneity
        Bickenbach–Bode Q and LR tests that all lag classes share one matrix.
    chi2 : DataFrame
        Per lag class: χ² of its counts against the classic probabilities
        (:func:`chi2_test`), dof and p; ``chi2_total`` sums them.
    chi2_total, chi2_dof, chi2_p : float, int, float
        Sum of per-class χ², the sum of their dof (``m (k-1)²`` without empty
        rows; giddy's ``x2_dof`` is ``k (k-1)²``) and the upper-tail p.
    transform : {"R", "B"}
        Weights transform of the spatial lag (``"R"``: neighbours' average).
    m, k, empty, islands
        Lag classes, classes, ``(lag class, class)`` pairs without departures,
        units without neighbours (their lag is 0 under either transform).
    """

    T: np.ndarray
    P: np.ndarray
    steady_state: np.ndarray
    first_passage: np.ndarray
    classic: MarkovResult = field(repr=False)
    lag_classes: np.ndarray = field(repr=False)
    lag_breaks: np.ndarray
    lag_breaks_rule: str
    lag_labels: tuple[str, ...]
    homogeneity: Homogeneity
    chi2: pd.DataFrame = field(repr=False)
    chi2_total: float
    chi2_dof: int
    chi2_p: float
    transform: str
    m: int
    k: int
    empty: tuple[tuple[int, int], ...]
    islands: tuple[Any, ...] = ()
    title: str = "Spatial Markov transition matrices"

    @property
    def labels(self) -> tuple[str, ...]:
        return self.classic.labels

    @property
    def breaks(self) -> np.ndarray:
        return self.classic.breaks

    def to_frame(self) -> pd.DataFrame:
        """Per-unit trajectories of the class and of the lag class (1-based), one column per period."""
        c = self.classic
        frame = pd.concat(
            [_trajectory_frame(c.classes, c.periods, c.index, "class_"), _trajectory_frame(self.lag_classes, c.periods, c.index, "lag_class_")],
            axis=1,
        )
        return _with_geometry(frame, self.geometry)

    def transition_table(self) -> pd.DataFrame:
        """The paper table: for each lag class, the k × k matrix with row counts ``n``."""
        frames = [_matrix_frame(self.T[l], self.P[l], self.labels) for l in range(self.m)]
        return pd.concat(frames, keys=list(self.lag_labels), names=["lag class", "t \\ t+1"])

    def steady_state_table(self) -> pd.DataFrame:
        rows = np.vstack([self.classic.steady_state, self.steady_state])
        return pd.DataFrame(rows, index=pd.Index(["all (classic)", *self.lag_labels], name="lag class"), columns=list(self.labels))

    def summary(self) -> Summary:
        h = self.homogeneity
        tests = h.to_frame()
        tests.loc["χ² (sum over lag classes)"] = [self.chi2_total, self.chi2_dof, self.chi2_p]
        c = self.classic
        notes = [
            (
                f"{len(c.index)} units, {len(c.periods)} periods, {c.n_transitions} transitions; spatial lag with "
                f"transform='{self.transform}' ({'neighbours average' if self.transform == 'R' else 'sum over neighbours'})."
            ),
            _breaks_note(c.breaks, c.fixed),
            f"Lag classes: {self.lag_breaks_rule}"
            + (f" (breaks {', '.join(f'{b:.6g}' for b in self.lag_breaks)})" if self.lag_breaks.ndim == 1 and self.lag_breaks.size else "")
            + ".",
        ]
        if self.empty:
            notes.append(f"{len(self.empty)} (lag class, class) rows have no transitions (left blank); long-run measures: "
                         f"empty='{c.empty_policy}'.")
        if self.islands:
            notes.append(f"Units without neighbours (lag = 0): {list(self.islands)[:10]}.")
        return Summary(
            self.title,
            (
                SummaryTable("Classic Markov (n = transitions starting in the class)", c.transition_table()),
                SummaryTable("Spatial Markov, by class of the spatial lag", self.transition_table()),
                SummaryTable("Homogeneity tests (H0: the lag class does not matter)", tests),
                SummaryTable("χ² per lag class (vs the classic matrix)", self.chi2),
                SummaryTable("Steady state", self.steady_state_table()),
            ),
            tuple(notes),
        )

    def plot(self, ax: Any = None, kind: Literal["heatmap", "map"] = "heatmap", include_classic: bool = False, **kwargs: Any) -> Any:
        """Heat maps of ``P``, one panel per lag class (``include_classic`` adds the pooled matrix first);
        ``kind="map"`` maps the last period's classes."""
        check_choice("kind", kind, ("heatmap", "map"))
        if kind == "map":
            return super().plot(ax=ax, **kwargs)
        mats = list(self.P)
        counts = list(self.T)
        titles = [f"Neighbours (lag) {lab}" for lab in self.lag_labels]
        if include_classic:
            mats.insert(0, self.classic.P)
            counts.insert(0, self.classic.T)
            titles.insert(0, "All (classic)")
        return _heatmaps(mats, counts, titles, self.labels, ax=ax, **kwargs)

    def _style(self):
        return self.classic._style()


@dataclass(frozen=True)
class LisaMarkovResult(Result):
    """Markov chain of LISA quadrants (Rey, Murray & Anselin 2011; giddy ``LISA_Markov``).

    States (0-based codes) ``HH, LH, LL, HL`` = (own value, spatial lag) above
    or at/below the period mean: ``H`` when ``z > 0`` (strictly), as esda's
    ``Moran_Local.q``.  ``move_types`` numbers a move ``4 q_t + q_{t+1} + 1``
    (1 … 16, giddy's table); with ``p_values`` the ``significant_moves`` add
    0/16/32/48 for (sig, sig)/(sig, not)/(not, sig)/(not, not).  ``chi2`` tests
    that the quadrant moves equal the product of independent own and lag
    moves (giddy's ``chi_2``; ``expected`` are its expected counts).
    """

    T: np.ndarray
    P: np.ndarray
    steady_state: np.ndarray
    first_passage: np.ndarray
    quadrants: np.ndarray = field(repr=False)
    move_types: np.ndarray = field(repr=False)
    significant_moves: np.ndarray | None = field(repr=False)
    expected: np.ndarray
    chi2: float
    chi2_p: float
    chi2_dof: int
    significance_level: float
    chi2_reference: str
    periods: tuple[Any, ...] = field(repr=False)
    index: pd.Index = field(repr=False)
    labels: tuple[str, ...] = LISA_STATES

    def to_frame(self) -> pd.DataFrame:
        """Per-unit quadrant (HH/LH/LL/HL) in every period."""
        names = np.array(LISA_STATES)
        frame = pd.DataFrame(names[self.quadrants], index=self.index, columns=[f"quadrant_{p}" for p in self.periods])
        return _with_geometry(frame, self.geometry)

    def summary(self) -> Summary:
        from .labels import LISA_CLUSTERS, zh

        labels = [f"{s} {zh(LISA_CLUSTERS, s)}" for s in LISA_STATES]
        tests = pd.DataFrame({"statistic": [self.chi2], "dof": [self.chi2_dof], "p": [self.chi2_p]}, index=["χ² (own and lag moves independent)"])
        return Summary(
            "LISA Markov transition matrix",
            (
                SummaryTable("Transition probabilities between LISA quadrants", _matrix_frame(self.T, self.P, labels)),
                SummaryTable("Expected transitions under independence", pd.DataFrame(self.expected, index=labels, columns=labels), "{:.2f}"),
                SummaryTable("Test", tests),
                SummaryTable("Steady state", pd.DataFrame({"steady state": self.steady_state}, index=labels)),
            ),
            (
                (
                    f"{len(self.index)} units, {len(self.periods)} periods; quadrants from deviations from each "
                    "period's mean, spatial lag row-standardised."
                ),
            ),
        )

    def plot(self, ax: Any = None, kind: Literal["heatmap", "map"] = "heatmap", **kwargs: Any) -> Any:
        check_choice("kind", kind, ("heatmap", "map"))
        if kind == "map":
            return super().plot(ax=ax, **kwargs)
        return _heatmaps([self.P], [self.T], ["LISA Markov"], self.labels, ax=ax, **kwargs)

    def _style(self):
        from . import export
        from .labels import LISA_CLUSTERS

        lab = {x.key: x for x in LISA_CLUSTERS}
        col = f"quadrant_{self.periods[-1]}"
        return export.categorized(
            col, list(LISA_STATES), [lab[s].color for s in LISA_STATES], [f"{lab[s].zh} {lab[s].en}" for s in LISA_STATES],
            title=f"LISA quadrant {self.periods[-1]}",
        )


# ---------------------------------------------------------------------------
# public analyses
# ---------------------------------------------------------------------------
def _markov_result(
    classes: np.ndarray,
    k: int,
    breaks: np.ndarray,
    labels: Sequence[str],
    panel: Panel,
    fixed: bool,
    empty: EmptyPolicy,
    title: str = "Markov transition matrix",
) -> MarkovResult:
    T = transition_counts(classes, k)
    empties = _warn_empty(T, labels, empty, "markov")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        ss = steady_state(T, empty)
        fp = first_passage_times(T, empty)
    return MarkovResult(
        T, transition_probabilities(T), ss, fp, classes, breaks, tuple(labels), k, bool(fixed), empty, empties,
        panel.periods, panel.index, title, geometry=panel.geometry,
    )


def _classes_of(panel: Panel, k: int, breaks: Any, fixed: bool, discrete: bool, labels: Sequence[str] | None):
    if discrete:
        classes, labs, k = _discrete_classes(panel.values, labels)
        return classes, np.empty(0), k, labs
    classes, b, k = _panel_breaks(panel.values, k, breaks, fixed, "y")
    labs = tuple(labels) if labels is not None else _class_labels(b, k)
    if len(labs) != k:
        raise InputError(f"labels has {len(labs)} entries but there are {k} classes")
    return classes, b, k, labs


def markov(
    y: Any,
    k: int = 5,
    breaks: Sequence[float] | np.ndarray | None = None,
    fixed: bool = True,
    *,
    columns: Sequence[Any] | None = None,
    id_column: str | None = None,
    period_column: str | None = None,
    value_column: str | None = None,
    discrete: bool = False,
    labels: Sequence[str] | None = None,
    empty: EmptyPolicy = "restrict",
) -> MarkovResult:
    """Classic Markov chain of a panel classed into ``k`` groups (Rey 2001; giddy ``Markov``).

    Parameters
    ----------
    y : (n, T) array, wide (Geo)DataFrame or long table
        The panel (see the module docstring); a GeoDataFrame keeps geometry
        for :meth:`MarkovResult.plot(kind="map") <MarkovResult.plot>` and
        ``to_gpkg``.
    k : int
        Number of quantile classes (ignored when ``breaks`` is given).
    breaks : sequence of float, optional
        ``k - 1`` interior cut points (1-D, pooled) or a ``(T, k-1)`` array of
        per-period cut points; a value equal to a break goes to the lower class.
    fixed : bool
        ``True``: quantiles of the pooled panel (giddy ``fixed=True``);
        ``False``: quantiles of each period.
    columns, id_column, period_column, value_column
        Select the period columns of a wide table, or read a long table.
    discrete : bool
        ``y`` already holds states (integer codes 0 … k-1 when ``labels`` is
        given, else any values, sorted).
    labels : sequence of str, optional
        Class labels for tables and plots.
    empty : {"restrict", "absorbing"}
        Long-run measures with classes never left (module docstring).

    Returns
    -------
    MarkovResult
        ``T`` counts, ``P`` = ``n_ij / n_i``, ``steady_state``,
        ``first_passage``, ``breaks``; ``summary()`` prints the paper table.
    """
    check_choice("empty", empty, ("restrict", "absorbing"))
    panel = as_panel(y, columns=columns, id_column=id_column, period_column=period_column, value_column=value_column)
    classes, b, k, labs = _classes_of(panel, k, breaks, fixed, discrete, labels)
    return _markov_result(classes, k, b, labs, panel, fixed if breaks is None else False, empty)


def spatial_markov(
    y: Any,
    weights: Any,
    k: int = 5,
    m: int | None = None,
    breaks: Sequence[float] | np.ndarray | None = None,
    lag_breaks: Literal["quantile", "same"] | Sequence[float] | np.ndarray = "quantile",
    fixed: bool = True,
    *,
    transform: Literal["R", "B"] = "R",
    columns: Sequence[Any] | None = None,
    id_column: str | None = None,
    period_column: str | None = None,
    value_column: str | None = None,
    discrete: bool = False,
    labels: Sequence[str] | None = None,
    empty: EmptyPolicy = "restrict",
) -> SpatialMarkovResult:
    """Spatial Markov chain: one transition matrix per class of the spatial lag (Rey 2001; giddy ``Spatial_Markov``).

    The spatial lag of unit ``i`` at ``t`` is ``Σ_j w_ij y_jt`` with the
    weights transformed by ``transform`` (``"R"``, the neighbours' average, as
    giddy's examples; ``"B"`` the sum).  A transition ``i → j`` from ``t`` to
    ``t+1`` is counted in the matrix of the lag class at ``t``.

    Parameters
    ----------
    y, k, breaks, fixed, columns, id_column, period_column, value_column, labels, empty
        As in :func:`markov`.
    weights : libpysal Graph or W
        Spatial weights of the same units (ids = the panel's index).
    m : int, optional
        Number of lag classes for ``lag_breaks="quantile"`` (default ``k``).
    lag_breaks : "quantile", "same" or sequence of float
        ``"quantile"``: quantiles of the lag itself (pooled when ``fixed``,
        else per period; giddy's default); ``"same"``: the breaks of ``y``;
        explicit interior cut points (1-D or ``(T, m-1)``).
    transform : {"R", "B"}
        Weights transform for the lag.
    discrete : bool
        ``y`` holds states; the lag class is then the most common neighbour
        state (:func:`categorical_lag`; ``lag_breaks`` is ignored).

    Returns
    -------
    SpatialMarkovResult
        ``T`` (m, k, k), ``P`` (m, k, k), steady states and first passage times
        per lag class, Bickenbach–Bode ``homogeneity`` (Q, LR) and per-class χ².
    """
    check_choice("empty", empty, ("restrict", "absorbing"))
    panel = as_panel(y, columns=columns, id_column=id_column, period_column=period_column, value_column=value_column)
    classes, b, k, labs = _classes_of(panel, k, breaks, fixed, discrete, labels)
    W, iso = _weights_matrix(weights, panel, transform)
    if iso:
        warnings.warn(
            f"spatial_markov: {describe_rows(iso)} have no neighbours; their spatial lag is 0 (lowest lag class). "
            "Build weights with islands='nearest' to link them.",
            SpatialRegionWarning,
            stacklevel=2,
        )
    if discrete:
        lag_cls = categorical_lag(classes, W, k)
        lb, m_eff, rule, lag_labs = np.empty(0), k, "mode", tuple(labs)
    else:
        lag = np.asarray(W @ panel.values)
        if isinstance(lag_breaks, str):
            check_choice("lag_breaks", lag_breaks, ("quantile", "same"))
            if lag_breaks == "same":
                if m is not None and m != k:
                    raise InputError(f"lag_breaks='same' uses the {k} classes of y; m={m} disagrees (leave m=None)")
                lag_cls, lb, m_eff = _panel_breaks(lag, k, b, fixed, "lag")
            else:
                lag_cls, lb, m_eff = _panel_breaks(lag, k if m is None else m, None, fixed, "lag")
            rule = lag_breaks
        else:
            lag_cls, lb, m_eff = _panel_breaks(lag, k, lag_breaks, fixed, "lag")
            if m is not None and m != m_eff:
                raise InputError(f"m={m} but lag_breaks gives {m_eff} lag classes; leave m=None with explicit lag_breaks")
            rule = "user"
        lag_labs = _class_labels(lb, m_eff, prefix="L")
    fixed_eff = fixed if breaks is None else False
    classic = _markov_result(classes, k, b, labs, panel, fixed_eff, empty, "Classic Markov")
    T = transition_counts(classes, k, lag_cls, m_eff)
    P = transition_probabilities(T)
    empties = tuple((int(l), int(i)) for l, i in zip(*np.nonzero(T.sum(axis=2) == 0)))
    if empties:
        warnings.warn(
            f"spatial_markov: {len(empties)} (lag class, class) rows have no transitions "
            f"({', '.join(f'{lag_labs[l].split()[0]}/{labs[i].split()[0]}' for l, i in empties[:8])}); "
            f"their probabilities are NaN; steady state and first passage use empty='{empty}'",
            SpatialRegionWarning,
            stacklevel=2,
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        ss = np.vstack([steady_state(t, empty) for t in T])
        fp = np.stack([first_passage_times(t, empty) for t in T])
    tests = [chi2_test(T[l], classic.T) for l in range(m_eff)]
    chi = pd.DataFrame(tests, columns=["chi2", "p", "dof"], index=pd.Index(lag_labs, name="lag class"))
    total = float(chi["chi2"].sum())
    dof = int(chi["dof"].sum())
    return SpatialMarkovResult(
        T, P, ss, fp, classic, lag_cls, lb, rule, tuple(lag_labs), homogeneity(T), chi, total, dof,
        float(stats.chi2.sf(total, dof)), transform, m_eff, k, empties, tuple(iso), geometry=panel.geometry,
    )


def lisa_markov(
    y: Any,
    weights: Any,
    *,
    p_values: np.ndarray | None = None,
    significance_level: float = 0.05,
    chi2_reference: Literal["periods", "giddy"] = "periods",
    columns: Sequence[Any] | None = None,
    id_column: str | None = None,
    period_column: str | None = None,
    value_column: str | None = None,
    empty: EmptyPolicy = "restrict",
) -> LisaMarkovResult:
    """Markov chain of the LISA quadrants HH/LH/LL/HL (giddy ``LISA_Markov``).

    Quadrants per period from ``z = y − ȳ_t`` and its row-standardised lag
    ``(W z)``: HH ``z>0, Wz>0``; LH ``z≤0, Wz>0``; LL ``z≤0, Wz≤0``;
    HL ``z>0, Wz≤0``.  The χ² test compares the quadrant transition counts
    with ``E = diag(n_i) · A (P_own ⊗ P_lag) Aᵀ``, where ``P_own`` / ``P_lag``
    are the two-state chains of ``y < ȳ`` and ``Wy < ȳ`` (independence of own
    and neighbour moves; Rey, Murray & Anselin 2011).

    Parameters
    ----------
    y, columns, id_column, period_column, value_column, empty
        As in :func:`markov`.
    weights : libpysal Graph or W
        Spatial weights (row-standardised here, as in local Moran's I).
    p_values : (n, T) array, optional
        Local Moran pseudo p-values of each unit and period (e.g. from a
        local Moran with permutations); enables ``significant_moves``.
    significance_level : float
        A LISA end point is significant when ``p <= significance_level``.
    chi2_reference : {"periods", "giddy"}
        ``"periods"``: ``P_own``/``P_lag`` from each period's mean and
        transitions over time (the test as published).  ``"giddy"``
        reproduces giddy 2.3.8's ``chi_2``/``expected_t``, which (the panel
        being transposed there) divide by each *unit's* time mean and count
        "transitions" between consecutive units of a period; use it only to
        compare with giddy.
    """
    check_choice("empty", empty, ("restrict", "absorbing"))
    panel = as_panel(y, columns=columns, id_column=id_column, period_column=period_column, value_column=value_column)
    Y = panel.values
    W, _ = _weights_matrix(weights, panel, "R")
    ybar = Y.mean(axis=0)
    z = Y - ybar
    zl = np.asarray(W @ z)
    high, lag_high = z > 0, zl > 0
    q = np.where(high, np.where(lag_high, 0, 3), np.where(lag_high, 1, 2)).astype(np.int64)
    T = transition_counts(q, 4)
    moves = q[:, :-1] * 4 + q[:, 1:] + 1
    sig_moves = None
    if p_values is not None:
        pv = np.asarray(p_values, dtype=float)
        if pv.shape != Y.shape:
            raise AlignmentError(f"p_values must have the panel's shape {Y.shape}, got {pv.shape}")
        sig = pv <= significance_level
        offset = np.where(sig[:, :-1], np.where(sig[:, 1:], 0, 16), np.where(sig[:, 1:], 32, 48))
        sig_moves = moves + offset
    # independence of own and neighbour moves: 2-state chains (state 0 = at/above the mean, 1 = below)
    check_choice("chi2_reference", chi2_reference, ("periods", "giddy"))
    wy = np.asarray(W @ Y)
    if chi2_reference == "periods":
        own = transition_counts((Y < ybar).astype(np.int64), 2)
        lagc = transition_counts((wy < ybar).astype(np.int64), 2)
    else:  # giddy 2.3.8: each unit's mean over time, "transitions" between consecutive units of a period
        ubar = Y.mean(axis=1, keepdims=True)
        own = transition_counts((Y / ubar < 1.0).T.astype(np.int64), 2)
        lagc = transition_counts((wy / ubar < 1.0).T.astype(np.int64), 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        p_own = own / np.where(own.sum(1, keepdims=True) > 0, own.sum(1, keepdims=True), 1.0)
        p_lag = lagc / np.where(lagc.sum(1, keepdims=True) > 0, lagc.sum(1, keepdims=True), 1.0)
    # kron order (own, lag): HH, HL, LH, LL → reorder to HH, LH, LL, HL
    order = [0, 2, 3, 1]
    kp = np.kron(p_own, p_lag)[np.ix_(order, order)]
    expected = T.sum(axis=1)[:, None] * kp
    chi, chi_p, chi_dof = chi2_test(T, expected)
    _warn_empty(T, LISA_STATES, empty, "lisa_markov")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        ss = steady_state(T, empty)
        fp = first_passage_times(T, empty)
    return LisaMarkovResult(
        T, transition_probabilities(T), ss, fp, q, moves, sig_moves, expected, chi, chi_p, chi_dof,
        float(significance_level), chi2_reference, panel.periods, panel.index, geometry=panel.geometry,
    )
