"""Spatial Markov chain: transition matrices conditioned on the class of the spatial lag."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from .._validation import check_choice, describe_rows
from ..errors import AlignmentError, InputError, SpatialRegionWarning
from ._chain import (
    EmptyPolicy,
    _long_run,
    chi2_test,
    homogeneity,
    transition_counts,
    transition_probabilities,
)
from ._classes import Panel, _class_labels, _classes_of, _panel_breaks, as_panel
from ._classic import _markov_result
from ._results import SpatialMarkovResult


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


def _weights_matrix(weights: Any, panel: Panel, transform: str) -> tuple[Any, list[Any]]:
    """Sparse weights in the panel's row order (positional for bare arrays, by id otherwise)."""
    from ..weights import as_graph

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
    ss, fp = _long_run(T, empty)
    tests = [chi2_test(T[l], classic.T) for l in range(m_eff)]
    chi = pd.DataFrame(tests, columns=["chi2", "p", "dof"], index=pd.Index(lag_labs, name="lag class"))
    total = float(chi["chi2"].sum())
    dof = int(chi["dof"].sum())
    return SpatialMarkovResult(
        T, P, ss, fp, classic, lag_cls, lb, rule, tuple(lag_labs), homogeneity(T), chi, total, dof,
        float(stats.chi2.sf(total, dof)), transform, m_eff, k, empties, tuple(iso), geometry=panel.geometry,
    )
