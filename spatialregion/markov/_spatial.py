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
from .._panel import Panel
from ._classes import _class_labels, _classes_of, _panel_breaks
from ._classic import _markov_result, _read
from ._results import SpatialMarkovResult


def categorical_lag(states: np.ndarray, W: Any, k: int) -> np.ndarray:
    """Most common neighbour state (weighted by ``W``) per unit and period.

    Ties go to the unit's own state when it is among the tied states, else to
    the lowest tied code; units without neighbours keep their own state.

    Parameters
    ----------
    states : ndarray (n, T) of int
        State codes 0 … k-1.
    W : sparse matrix (n, n)
        Spatial weights (neighbour votes are weighted by ``w_ij``).
    k : int
        Number of states.

    Returns
    -------
    ndarray (n, T) of int64
        The neighbours' most common state.
    """
    tally = np.stack([np.asarray(W @ (states == s).astype(float)) for s in range(k)])
    top = tally.max(axis=0)
    tied = np.isclose(tally, top[None], rtol=1e-12, atol=0.0)
    own_tied = np.take_along_axis(tied, states[None], axis=0)[0]
    return np.where(own_tied, states, tied.argmax(axis=0)).astype(np.int64)


def _weights_matrix(weights: Any, panel: Panel, transform: str) -> tuple[Any, list[Any]]:
    """Sparse weights in the panel's row order via :func:`spatialregion.weights.as_sparse`.

    Labelled panels align the weights by id (the panel's index, i.e. the data's
    index or ``id_column``); ``weights=None`` or a method name builds them from
    the panel's geometry.  Bare arrays follow the order of the weights (by
    position).  Self-loops are removed (a unit is never its own neighbour), so
    a Graph with self-loops gives the same lag as one without.
    """
    from ..weights import as_sparse

    if not panel.labelled:
        if weights is None or isinstance(weights, str):
            raise InputError(
                "an (n, T) array carries no geometry to build weights from; pass weights= (a Graph, W or sparse "
                "matrix whose rows follow the array's rows) or a GeoDataFrame panel"
            )
        sm = as_sparse(weights, transform=transform)
        if sm.n != panel.n:
            raise AlignmentError(
                f"weights describe {sm.n} units but the panel has {panel.n} rows; "
                "rows of an array panel must follow the order of the weights' ids"
            )
    else:
        sm = as_sparse(weights, panel.index, transform=transform, data=_units_frame(panel))
    return sm.matrix, list(sm.islands)


def _units_frame(panel: Panel) -> Any:
    """The panel's units as a GeoDataFrame indexed by id (for weights built from geometry), else None."""
    if panel.geometry is None:
        return None
    import geopandas as gpd

    attrs = panel.units if panel.units is not None else pd.DataFrame(index=panel.index)
    return gpd.GeoDataFrame(attrs, geometry=panel.geometry.to_numpy(), crs=panel.geometry.crs, index=panel.index)


def spatial_markov(
    data: Any,
    columns: Sequence[Any] | None = None,
    *,
    weights: Any = None,
    k: int = 5,
    m: int | None = None,
    breaks: Sequence[float] | np.ndarray | None = None,
    lag_breaks: Literal["quantiles", "same"] | Sequence[float] | np.ndarray = "quantiles",
    fixed: bool = True,
    transform: str = "R",
    id_column: str | None = None,
    period_column: str | None = None,
    value_column: str | None = None,
    periods: Sequence[Any] | None = None,
    discrete: bool = False,
    labels: Sequence[str] | None = None,
    empty: EmptyPolicy = "restrict",
) -> SpatialMarkovResult:
    """Spatial Markov chain: one transition matrix per class of the spatial lag (Rey 2001; giddy ``Spatial_Markov``).

    The spatial lag of unit ``i`` at ``t`` is ``Σ_j w_ij y_jt`` with the
    weights transformed by ``transform`` (``"R"``, the neighbours' average, as
    giddy's examples; ``"B"`` the sum).  A transition ``i → j`` from ``t`` to
    ``t+1`` is counted in the matrix of the lag class at ``t``:
    ``n_{l,ij}``, ``p_{l,ij} = n_{l,ij} / n_{l,i}``.

    Parameters
    ----------
    data : GeoDataFrame, DataFrame or (n, T) array
        The panel, as in :func:`markov`.
    columns : list of str, optional
        The period columns of a wide table, oldest first.
    weights : Graph, W, sparse matrix, str or None
        Spatial weights, turned into a matrix by
        :func:`spatialregion.weights.as_sparse`: aligned by id to the data's
        index (or ``id_column``); arrays and sparse matrices by position;
        ``None`` (default) builds queen contiguity from the GeoDataFrame (island
        policy of :func:`spatialregion.weights.build`).  Self-loops are
        dropped: a unit is never its own neighbour.
    k : int
        Number of quantile classes of the values (ignored with ``breaks``).
    m : int, optional
        Number of lag classes for ``lag_breaks="quantiles"`` (default ``k``).
    breaks : sequence of float, optional
        Interior cut points of the value classes, as in :func:`markov`.
    lag_breaks : "quantiles", "same" or sequence of float
        ``"quantiles"``: quantiles of the lag itself (pooled when ``fixed``,
        else per period; giddy's default); ``"same"``: the breaks of the
        values; explicit interior cut points (1-D or ``(T, m-1)``).
    fixed : bool
        Pooled (True) or per-period (False) quantiles.
    transform : {"R", "B", "O"}
        Weights transform for the lag, any case (``"O"``: as given).
    id_column : str, optional
        Unit ids (long table: required; wide table: default the index); the
        weights are aligned to them.
    period_column, value_column : str, optional
        Period and value columns of a long table.
    periods : sequence, optional
        Time order of a long table's period labels.
    discrete : bool
        The panel holds states; the lag class is then the most common neighbour
        state (:func:`categorical_lag`; ``lag_breaks`` is ignored).
    labels : sequence of str, optional
        Class labels, as in :func:`markov`.
    empty : {"restrict", "absorbing"}
        Long-run measures with classes never left.

    Returns
    -------
    SpatialMarkovResult
        ``T`` (m, k, k), ``P`` (m, k, k), steady states and first passage
        times per lag class, Bickenbach–Bode ``homogeneity`` (Q, LR), per-class
        χ²; ``unit_classes`` gives every unit's class and lag class.

    References
    ----------
    Rey, S. J. (2001). Spatial analysis of regional income inequality.
    *Geographical Analysis* 33(1), 23–46.  Bickenbach, F. & Bode, E. (2003).
    Evaluating the Markov property in studies of economic convergence.
    *International Regional Science Review* 26(3), 363–392.
    """
    check_choice("empty", empty, ("restrict", "absorbing"))
    panel = _read(data, columns, id_column, period_column, value_column, periods)
    classes, b, k, labs = _classes_of(panel, k, breaks, fixed, discrete, labels)
    from ..weights import check_transform

    transform = check_transform(transform)
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
            check_choice("lag_breaks", lag_breaks, ("quantiles", "same"))
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
