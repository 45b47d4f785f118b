"""Result classes of the classic and spatial chains (tables) and of the units' classes (per unit).

The chains are :class:`~spatialregion.results.TableResult` s: ``to_frame()`` is
the tidy transition table (one row per origin/destination class, with counts
and probabilities), ``summary()`` the paper tables and ``plot()`` heat maps.
The class of every unit in every period is a
:class:`~spatialregion.results.UnitResult`, :class:`MarkovClassesResult`,
reached as ``result.unit_classes``: its ``to_frame()``, ``to_gpkg()`` and the
CLI's CSV start with the units' id, name and analysed values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from .._validation import check_choice
from ..results import Summary, SummaryTable, TableResult, UnitResult
from ._chain import Homogeneity
from ._plot import _heatmaps, _palette


def _matrix_frame(counts: np.ndarray, P: np.ndarray, labels: Sequence[str]) -> pd.DataFrame:
    df = pd.DataFrame(P, index=pd.Index(labels, name="t \\ t+1"), columns=list(labels))
    df.insert(0, "n", counts.sum(axis=1).astype(np.int64))
    return df


def _tidy(counts: np.ndarray, P: np.ndarray, labels: Sequence[str]) -> pd.DataFrame:
    """One row per (origin, destination) class: 1-based codes, labels, count and probability."""
    k = len(labels)
    i, j = np.divmod(np.arange(k * k), k)
    lab = np.asarray(labels, dtype=object)
    return pd.DataFrame(
        {
            "from_class": i + 1,
            "from_label": lab[i],
            "to_class": j + 1,
            "to_label": lab[j],
            "count": counts.reshape(-1).astype(np.int64),
            "probability": P.reshape(-1),
        }
    )


@dataclass(frozen=True, eq=False)
class MarkovClassesResult(UnitResult):
    """The class of every unit in every period, with the units' ids, names and values.

    Reached as ``result.unit_classes`` of a Markov, spatial Markov or LISA
    Markov result.

    Attributes
    ----------
    classes : ndarray (n, T)
        Class code (0 … k-1) of every unit and period.
    labels : tuple of str
        Label of each class code.
    periods : tuple
        Period labels in time order.
    index : pandas.Index
        Unit ids in row order.
    lag_classes : ndarray (n, T) or None
        Class code of the spatial lag (spatial Markov only).
    lag_labels : tuple of str
        Labels of the lag classes.
    kind : {"class", "quadrant"}
        ``"class"``: columns ``class_<period>`` hold 1-based class numbers;
        ``"quadrant"``: columns ``quadrant_<period>`` hold HH/LH/LL/HL.
    """

    classes: np.ndarray = field(repr=False)
    labels: tuple[str, ...]
    periods: tuple[Any, ...]
    index: pd.Index = field(repr=False)
    lag_classes: np.ndarray | None = field(default=None, repr=False)
    lag_labels: tuple[str, ...] = ()
    kind: str = "class"

    def to_frame(self) -> pd.DataFrame:
        """Per unit: id/name/value columns, then the class in every period (and the lag class).

        Returns
        -------
        DataFrame or GeoDataFrame
            ``class_<period>`` (1 … k) and, for spatial Markov,
            ``lag_class_<period>`` (1 … m); for LISA Markov
            ``quadrant_<period>`` (HH/LH/LL/HL).  A GeoDataFrame when the
            geometry is known.
        """
        if self.kind == "quadrant":
            names = np.asarray(self.labels, dtype=object)
            cols = {f"quadrant_{p}": names[self.classes[:, j]] for j, p in enumerate(self.periods)}
        else:
            cols = {f"class_{p}": self.classes[:, j] + 1 for j, p in enumerate(self.periods)}
            if self.lag_classes is not None:
                cols.update({f"lag_class_{p}": self.lag_classes[:, j] + 1 for j, p in enumerate(self.periods)})
        return self._unit_frame(pd.DataFrame(cols, index=self.index))

    def summary(self) -> Summary:
        """Number of units in each class per period.

        Returns
        -------
        Summary
        """
        k = len(self.labels)
        counts = np.stack([np.bincount(self.classes[:, j], minlength=k) for j in range(len(self.periods))], axis=1)
        frame = pd.DataFrame(counts, index=pd.Index(self.labels, name="class"), columns=[str(p) for p in self.periods])
        return Summary("Units per class and period", (SummaryTable("Units per class", frame),))

    def _style(self):
        from .. import export

        last = self.periods[-1]
        if self.kind == "quadrant":
            from ..labels import LISA_CLUSTERS

            lab = {x.key: x for x in LISA_CLUSTERS}
            return export.label_style(f"quadrant_{last}", [lab[s] for s in self.labels], title=f"LISA quadrant {last}")
        k = len(self.labels)
        return export.categorized(f"class_{last}", list(range(1, k + 1)), _palette(k), list(self.labels), title=f"Class in {last}")


@dataclass(frozen=True, eq=False)
class _ChainResult(TableResult):
    """Base of the chain results: the estimates every chain has (documented in each subclass)."""

    T: np.ndarray
    P: np.ndarray
    steady_state: np.ndarray
    first_passage: np.ndarray
    #: id / name / value columns of the units (see :func:`spatialregion.results.unit_columns`)
    units: Any = field(default=None, repr=False, kw_only=True, compare=False)

    @property
    def unit_classes(self) -> MarkovClassesResult:
        """The class of every unit in every period (a per-unit result with ids, names and values)."""
        raise NotImplementedError  # pragma: no cover - every chain defines it

    def _heatmap_or_map(
        self, ax: Any, kind: str, mats: Sequence[np.ndarray], counts: Sequence[np.ndarray], titles: Sequence[str], **kwargs: Any
    ) -> Any:
        """``plot()``: heat maps of ``mats`` (``kind="heatmap"``) or a map of the last period's classes (``kind="map"``)."""
        check_choice("kind", kind, ("heatmap", "map"))
        if kind == "map":
            return self.unit_classes.plot(ax=ax, **kwargs)
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
    title : str
        Title of the tables and the heat map.
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
        """Number of transitions counted, n (T − 1)."""
        return int(self.T.sum())

    @property
    def unit_classes(self) -> MarkovClassesResult:
        """The class of every unit in every period, with the units' ids, names and values.

        Returns
        -------
        MarkovClassesResult
        """
        return MarkovClassesResult(self.classes, self.labels, self.periods, self.index, units=self.units, geometry=self.geometry)

    def to_frame(self) -> pd.DataFrame:
        """The tidy transition table.

        Returns
        -------
        DataFrame
            One row per (origin, destination) class: ``from_class``,
            ``from_label``, ``to_class``, ``to_label`` (1-based codes and
            labels), ``count`` ``n_ij`` and ``probability`` ``p_ij``.
        """
        return _tidy(self.T, self.P, self.labels)

    def transition_table(self) -> pd.DataFrame:
        """The paper table: row counts ``n`` and probabilities.

        Returns
        -------
        DataFrame
            Rows: class at t; columns: ``n`` then the class at t+1.
        """
        return _matrix_frame(self.T, self.P, self.labels)

    def long_run_table(self) -> pd.DataFrame:
        """Shares of the classes in the first and last period and the steady state.

        Returns
        -------
        DataFrame
        """
        k = self.k
        first = np.bincount(self.classes[:, 0], minlength=k) / len(self.classes)
        last = np.bincount(self.classes[:, -1], minlength=k) / len(self.classes)
        return pd.DataFrame(
            {f"share {self.periods[0]}": first, f"share {self.periods[-1]}": last, "steady state": self.steady_state},
            index=pd.Index(self.labels, name="class"),
        )

    def first_passage_table(self) -> pd.DataFrame:
        """Mean first passage times (periods) between classes.

        Returns
        -------
        DataFrame
        """
        return pd.DataFrame(self.first_passage, index=pd.Index(self.labels, name="from \\ to"), columns=list(self.labels))

    def summary(self) -> Summary:
        """The paper tables: transition probabilities, steady state, first passage times.

        Returns
        -------
        Summary
        """
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
        """Heat map of ``P`` (default) or, ``kind="map"``, a map of the last period's classes.

        Parameters
        ----------
        ax : Axes, optional
            Axes to draw in.
        kind : {"heatmap", "map"}
            Heat map of the transition probabilities, or the map of
            :attr:`unit_classes`.
        **kwargs
            Passed to the heat map (``cmap``, ``decimals``) or the map.

        Returns
        -------
        Axes
        """
        return self._heatmap_or_map(ax, kind, [self.P], [self.T], [self.title], **kwargs)


_TRANSFORM_WORDS = {"R": "neighbours' average", "B": "sum over neighbours", "O": "weights as given"}


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
    lag_breaks_rule : {"quantiles", "same", "user", "mode"}
        How the lag classes were cut ("mode": most common neighbour state,
        discrete chains).
    lag_labels : tuple of str
        Labels of the lag classes.
    homogeneity : Homogeneity
        Bickenbach–Bode Q and LR tests that all lag classes share one matrix.
    chi2 : DataFrame
        Per lag class: χ² of its counts against the classic probabilities
        (:func:`chi2_test`), dof and p; ``chi2_total`` sums them.
    chi2_total, chi2_dof, chi2_p : float, int, float
        Sum of per-class χ², the sum of their dof (``m (k-1)²`` without empty
        rows; giddy's ``x2_dof`` is ``k (k-1)²``) and the upper-tail p.
    transform : {"R", "B", "O"}
        Weights transform of the spatial lag (``"R"``: neighbours' average;
        ``"B"``: sum; ``"O"``: as given).
    m, k, empty, islands
        Lag classes, classes, ``(lag class, class)`` pairs without departures,
        units without neighbours (their lag is 0 under either transform).
    title : str
        Title of the tables.
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
        """Class labels (those of :attr:`classic`)."""
        return self.classic.labels

    @property
    def breaks(self) -> np.ndarray:
        """Interior class breaks (those of :attr:`classic`)."""
        return self.classic.breaks

    @property
    def unit_classes(self) -> MarkovClassesResult:
        """The class and the spatial-lag class of every unit in every period, with ids, names and values.

        Returns
        -------
        MarkovClassesResult
        """
        c = self.classic
        return MarkovClassesResult(
            c.classes, c.labels, c.periods, c.index, self.lag_classes, self.lag_labels, units=c.units, geometry=self.geometry
        )

    def to_frame(self) -> pd.DataFrame:
        """The tidy spatial transition table.

        Returns
        -------
        DataFrame
            One row per (lag class, origin, destination): ``lag_class``,
            ``lag_label``, then the columns of :meth:`MarkovResult.to_frame`.
        """
        frames = []
        for l, lab in enumerate(self.lag_labels):
            f = _tidy(self.T[l], self.P[l], self.labels)
            f.insert(0, "lag_label", lab)
            f.insert(0, "lag_class", l + 1)
            frames.append(f)
        return pd.concat(frames, ignore_index=True)

    def transition_table(self) -> pd.DataFrame:
        """The paper table: for each lag class, the k × k matrix with row counts ``n``.

        Returns
        -------
        DataFrame
            Rows indexed by (lag class, class at t); columns ``n`` and the class at t+1.
        """
        frames = [_matrix_frame(self.T[l], self.P[l], self.labels) for l in range(self.m)]
        return pd.concat(frames, keys=list(self.lag_labels), names=["lag class", "t \\ t+1"])

    def steady_state_table(self) -> pd.DataFrame:
        """Steady state of the classic chain and of each lag class.

        Returns
        -------
        DataFrame
        """
        rows = np.vstack([self.classic.steady_state, self.steady_state])
        return pd.DataFrame(rows, index=pd.Index(["all (classic)", *self.lag_labels], name="lag class"), columns=list(self.labels))

    def summary(self) -> Summary:
        """The paper tables: classic and conditional matrices, homogeneity tests, steady states.

        Returns
        -------
        Summary
        """
        h = self.homogeneity
        tests = h.to_frame()
        tests.loc["χ² (sum over lag classes)"] = [self.chi2_total, self.chi2_dof, self.chi2_p]
        c = self.classic
        notes = [
            (
                f"{len(c.index)} units, {len(c.periods)} periods, {c.n_transitions} transitions; spatial lag with "
                f"transform='{self.transform}' ({_TRANSFORM_WORDS.get(self.transform, self.transform)})."
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
        """Heat maps of ``P``, one panel per lag class, or a map of the last period's classes.

        Parameters
        ----------
        ax : Axes or array of Axes, optional
            One axes per panel.
        kind : {"heatmap", "map"}
            Heat maps, or the map of :attr:`unit_classes`.
        include_classic : bool
            Add the pooled (classic) matrix as the first panel.
        **kwargs
            Passed to the heat maps or the map.

        Returns
        -------
        Axes or array of Axes
        """
        mats = list(self.P)
        counts = list(self.T)
        titles = [f"Neighbours (lag) {lab}" for lab in self.lag_labels]
        if include_classic:
            mats.insert(0, self.classic.P)
            counts.insert(0, self.classic.T)
            titles.insert(0, "All (classic)")
        return self._heatmap_or_map(ax, kind, mats, counts, titles, **kwargs)
