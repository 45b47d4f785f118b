"""Classic Markov chain of a classed panel (Rey 2001)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .._validation import check_choice
from ._chain import (
    EmptyPolicy,
    _long_run,
    _warn_empty,
    transition_counts,
    transition_probabilities,
)
from ._classes import Panel, _classes_of, as_panel
from ._results import MarkovResult


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
    ss, fp = _long_run(T, empty)
    return MarkovResult(
        T, transition_probabilities(T), ss, fp, classes, breaks, tuple(labels), k, bool(fixed), empty, empties,
        panel.periods, panel.index, title, geometry=panel.geometry,
    )


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
        Class labels for tables and plots.  Default: the level names of
        :func:`spatialregion.labels.markov_classes` with each class's value range,
        e.g. ``"低水平 Low (≤0.52)"`` (``"C1 (≤0.52)"`` … for k other than 3–5).
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
