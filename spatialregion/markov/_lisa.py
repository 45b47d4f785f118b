"""LISA Markov chain: transitions between the local Moran quadrants HH/LH/LL/HL."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from .._validation import check_choice
from ..errors import AlignmentError
from ..results import Summary, SummaryTable
from ._chain import (
    EmptyPolicy,
    _long_run,
    _row_shares,
    _warn_empty,
    chi2_test,
    transition_counts,
    transition_probabilities,
)
from ._classic import _read
from ._results import MarkovClassesResult, _ChainResult, _matrix_frame, _tidy
from ._spatial import _weights_matrix

LISA_STATES = ("HH", "LH", "LL", "HL")


@dataclass(frozen=True, eq=False)
class LisaMarkovResult(_ChainResult):
    """Markov chain of LISA quadrants (Rey, Murray & Anselin 2011; giddy ``LISA_Markov``).

    States (0-based codes) ``HH, LH, LL, HL`` = (own value, spatial lag) above
    or at/below the period mean: ``H`` when ``z > 0`` (strictly), as esda's
    ``Moran_Local.q``.  ``move_types`` numbers a move ``4 q_t + q_{t+1} + 1``
    (1 … 16, giddy's table); with ``p_values`` the ``significant_moves`` add
    0/16/32/48 for (sig, sig)/(sig, not)/(not, sig)/(not, not).  ``chi2`` tests
    that the quadrant moves equal the product of independent own and lag
    moves (giddy's ``chi_2``; ``expected`` are its expected counts).

    Attributes
    ----------
    T, P : ndarray (4, 4)
        Transition counts and probabilities between the quadrants.
    steady_state : ndarray (4,)
        Long-run distribution over HH, LH, LL, HL.
    first_passage : ndarray (4, 4)
        Mean first passage times (periods).
    quadrants : ndarray (n, T)
        Quadrant code (0 HH, 1 LH, 2 LL, 3 HL) of every unit and period.
    move_types : ndarray (n, T-1)
        giddy's move type 1 … 16.
    significant_moves : ndarray (n, T-1) or None
        Move types with the significance offsets (with ``p_values``).
    expected : ndarray (4, 4)
        Expected counts under independent own and lag moves.
    chi2, chi2_p, chi2_dof : float, float, int
        The independence test.
    alpha : float
        Significance level of the LISA end points.
    chi2_reference : {"periods", "giddy"}
        How the independence test was computed.
    periods, index : tuple, pandas.Index
        Period labels and unit ids.
    labels : tuple of str
        The quadrant names HH, LH, LL, HL.
    """

    quadrants: np.ndarray = field(repr=False)
    move_types: np.ndarray = field(repr=False)
    significant_moves: np.ndarray | None = field(repr=False)
    expected: np.ndarray
    chi2: float
    chi2_p: float
    chi2_dof: int
    alpha: float
    chi2_reference: str
    periods: tuple[Any, ...] = field(repr=False)
    index: pd.Index = field(repr=False)
    labels: tuple[str, ...] = LISA_STATES

    @property
    def unit_classes(self) -> MarkovClassesResult:
        """The LISA quadrant of every unit in every period, with the units' ids, names and values.

        Returns
        -------
        MarkovClassesResult
        """
        return MarkovClassesResult(self.quadrants, LISA_STATES, self.periods, self.index, kind="quadrant", units=self.units, geometry=self.geometry)

    def to_frame(self) -> pd.DataFrame:
        """The tidy transition table between quadrants.

        Returns
        -------
        DataFrame
            One row per (origin, destination) quadrant: codes, labels,
            ``count``, ``probability`` and ``expected`` (independence).
        """
        frame = _tidy(self.T, self.P, LISA_STATES)
        frame["expected"] = self.expected.reshape(-1)
        return frame

    def summary(self) -> Summary:
        """The paper tables: quadrant transitions, expected counts, test and steady state.

        Returns
        -------
        Summary
        """
        from ..labels import LISA_CLUSTERS, zh

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
        """Heat map of the quadrant transition probabilities, or (``kind="map"``) the last period's quadrants.

        Parameters
        ----------
        ax : Axes, optional
            Axes to draw in.
        kind : {"heatmap", "map"}
            Heat map, or the map of :attr:`unit_classes`.
        **kwargs
            Passed to the heat map or the map.

        Returns
        -------
        Axes
        """
        return self._heatmap_or_map(ax, kind, [self.P], [self.T], ["LISA Markov"], **kwargs)


def lisa_markov(
    data: Any,
    columns: Sequence[Any] | None = None,
    *,
    weights: Any = None,
    p_values: np.ndarray | None = None,
    alpha: float = 0.05,
    chi2_reference: Literal["periods", "giddy"] = "periods",
    id_column: str | None = None,
    period_column: str | None = None,
    value_column: str | None = None,
    periods: Sequence[Any] | None = None,
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
    data : GeoDataFrame, DataFrame or (n, T) array
        The panel, as in :func:`markov`.
    columns : list of str, optional
        The period columns of a wide table, oldest first.
    weights : Graph, W, sparse matrix, str or None
        Spatial weights (row-standardised here, as in local Moran's I), via
        :func:`spatialregion.weights.as_sparse` as in :func:`spatial_markov`;
        ``None`` builds queen contiguity from the GeoDataFrame.
    p_values : (n, T) array, optional
        Local Moran pseudo p-values of each unit and period (e.g. from a
        local Moran with permutations); enables ``significant_moves``.
    alpha : float
        Significance level: a LISA end point is significant when ``p <= alpha``.
    chi2_reference : {"periods", "giddy"}
        ``"periods"``: ``P_own``/``P_lag`` from each period's mean and
        transitions over time (the test as published).  ``"giddy"``
        reproduces giddy 2.3.8's ``chi_2``/``expected_t``, which (the panel
        being transposed there) divide by each *unit's* time mean and count
        "transitions" between consecutive units of a period; use it only to
        compare with giddy.
    id_column, period_column, value_column : str, optional
        Unit ids (aligning the weights) and a long table's columns.
    periods : sequence, optional
        Time order of a long table's period labels.
    empty : {"restrict", "absorbing"}
        Long-run measures with quadrants never left.

    Returns
    -------
    LisaMarkovResult
        Quadrant transition counts/probabilities, the independence test,
        move types and ``unit_classes`` (the quadrant of every unit and period).

    References
    ----------
    Rey, S. J., Murray, A. T. & Anselin, L. (2011). Visualizing regional income
    distribution dynamics. *Letters in Spatial and Resource Sciences* 4, 81–90.
    """
    check_choice("empty", empty, ("restrict", "absorbing"))
    panel = _read(data, columns, id_column, period_column, value_column, periods)
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
        sig = pv <= alpha
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
    p_own = _row_shares(own, 0.0)
    p_lag = _row_shares(lagc, 0.0)
    # kron order (own, lag): HH, HL, LH, LL → reorder to HH, LH, LL, HL
    order = [0, 2, 3, 1]
    kp = np.kron(p_own, p_lag)[np.ix_(order, order)]
    expected = T.sum(axis=1)[:, None] * kp
    chi, chi_p, chi_dof = chi2_test(T, expected)
    _warn_empty(T, LISA_STATES, empty, "lisa_markov")
    ss, fp = _long_run(T, empty)
    return LisaMarkovResult(
        T, transition_probabilities(T), ss, fp, q, moves, sig_moves, expected, chi, chi_p, chi_dof,
        float(alpha), chi2_reference, panel.periods, panel.index, units=panel.units, geometry=panel.geometry,
    )
