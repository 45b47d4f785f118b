"""Result classes of the classic and spatial chains, and their paper tables."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from .._validation import check_choice
from ..results import Result, Summary, SummaryTable
from ._chain import Homogeneity
from ._plot import _heatmaps, _palette


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


@dataclass(frozen=True, eq=False)
class _ChainResult(Result):
    """Base of the chain results: the estimates every chain has (documented in each subclass)."""

    T: np.ndarray
    P: np.ndarray
    steady_state: np.ndarray
    first_passage: np.ndarray

    def _heatmap_or_map(
        self, ax: Any, kind: str, mats: Sequence[np.ndarray], counts: Sequence[np.ndarray], titles: Sequence[str], **kwargs: Any
    ) -> Any:
        """``plot()``: heat maps of ``mats`` (``kind="heatmap"``) or the base class's map (``kind="map"``)."""
        check_choice("kind", kind, ("heatmap", "map"))
        if kind == "map":
            return super().plot(ax=ax, **kwargs)
        return _heatmaps(mats, counts, titles, self.labels, ax=ax, **kwargs)


@dataclass(frozen=True, eq=False)
class MarkovResult(_ChainResult):
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
        return self._heatmap_or_map(ax, kind, [self.P], [self.T], [self.title], **kwargs)

    def _style(self):
        from .. import export

        col = f"class_{self.periods[-1]}"
        return export.categorized(col, list(range(1, self.k + 1)), _palette(self.k), list(self.labels), title=f"Class in {self.periods[-1]}")


def _breaks_note(breaks: np.ndarray, fixed: bool) -> str:
    if breaks.size == 0:
        return "Discrete states."
    if breaks.ndim == 2:
        return "Per-period breaks; a value equal to a break belongs to the lower class."
    kind = "pooled" if fixed else "user"
    return f"Breaks ({kind}): {', '.join(f'{b:.6g}' for b in breaks)}; a value equal to a break belongs to the lower class."


@dataclass(frozen=True, eq=False)
class SpatialMarkovResult(_ChainResult):
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
        mats = list(self.P)
        counts = list(self.T)
        titles = [f"Neighbours (lag) {lab}" for lab in self.lag_labels]
        if include_classic:
            mats.insert(0, self.classic.P)
            counts.insert(0, self.classic.T)
            titles.insert(0, "All (classic)")
        return self._heatmap_or_map(ax, kind, mats, counts, titles, **kwargs)

    def _style(self):
        return self.classic._style()
