"""Classic Markov chain of a classed panel (Rey 2001)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .._validation import check_choice
from ..errors import InputError
from ._chain import (
    EmptyPolicy,
    _long_run,
    _warn_empty,
    transition_counts,
    transition_probabilities,
)
from .._panel import Panel, read_panel
from ._classes import _classes_of
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
        panel.periods, panel.index, title, units=panel.units, geometry=panel.geometry,
    )


def markov(
    data: Any,
    columns: Sequence[Any] | None = None,
    *,
    k: int = 5,
    breaks: Sequence[float] | np.ndarray | None = None,
    fixed: bool = True,
    id_column: str | None = None,
    period_column: str | None = None,
    value_column: str | None = None,
    periods: Sequence[Any] | None = None,
    discrete: bool = False,
    labels: Sequence[str] | None = None,
    empty: EmptyPolicy = "restrict",
) -> MarkovResult:
    """Classic Markov chain of a panel classed into ``k`` groups (Rey 2001; giddy ``Markov``).

    Transitions between consecutive periods are counted, ``n_ij`` = number of
    (unit, t) with class ``i`` at ``t`` and ``j`` at ``t + 1``, and
    ``p_ij = n_ij / n_i`` (NaN rows for classes never left).

    Parameters
    ----------
    data : GeoDataFrame, DataFrame or (n, T) array
        The panel: a wide table with ``columns``, a long table with
        ``id_column``/``period_column``/``value_column``, or an array (rows =
        units, columns = periods in time order).  A GeoDataFrame keeps the
        geometry for ``result.unit_classes.plot()`` and ``.to_gpkg()``.
    columns : list of str, optional
        The period columns of a wide table, oldest first.
    k : int
        Number of quantile classes (ignored when ``breaks`` is given).
    breaks : sequence of float, optional
        ``k - 1`` interior cut points (1-D, pooled) or a ``(T, k-1)`` array of
        per-period cut points; a value equal to a break goes to the lower class.
    fixed : bool
        ``True``: quantiles of the pooled panel (giddy ``fixed=True``);
        ``False``: quantiles of each period.
    id_column : str, optional
        Unit ids: the id column of a long table, or of a wide table (default:
        its index).
    period_column, value_column : str, optional
        Period and value columns of a long table.
    periods : sequence, optional
        Time order of a long table's period labels (default: numeric or
        natural order, see :func:`spatialregion._panel.read_panel`).
    discrete : bool
        The panel already holds states (integer codes 0 … k-1 when ``labels``
        is given, else any values, sorted).
    labels : sequence of str, optional
        Class labels for tables and plots.  Default: the level names of
        :func:`spatialregion.labels.markov_classes` with each class's value range,
        e.g. ``"低水平 Low (≤0.52)"`` (``"C1 (≤0.52)"`` … for k other than 3–5).
    empty : {"restrict", "absorbing"}
        Long-run measures with classes never left (module docstring).

    Returns
    -------
    MarkovResult
        A table result: ``T`` counts, ``P`` = ``n_ij / n_i``,
        ``steady_state``, ``first_passage``, ``breaks``; ``to_frame()`` the
        tidy transition table, ``summary()`` the paper table and
        ``unit_classes`` the class of every unit and period (with ids,
        names and values).

    References
    ----------
    Rey, S. J. (2001). Spatial analysis of regional income inequality.
    *Geographical Analysis* 33(1), 23–46.

    Examples
    --------
    >>> import spatialregion as sr
    >>> prov = sr.datasets.ai_index()                       # doctest: +SKIP
    >>> res = sr.markov.markov(prov, ["ai2011", "ai2015", "ai2019", "ai2022"], k=4)  # doctest: +SKIP
    """
    check_choice("empty", empty, ("restrict", "absorbing"))
    panel = _read(data, columns, id_column, period_column, value_column, periods)
    classes, b, k, labs = _classes_of(panel, k, breaks, fixed, discrete, labels)
    return _markov_result(classes, k, b, labs, panel, fixed if breaks is None else False, empty)


def _read(data: Any, columns: Any, id_column: Any, period_column: Any, value_column: Any, periods: Any) -> Panel:
    """The panel of a Markov analysis; ``k`` passed positionally gets a pointer to ``k=``."""
    if isinstance(columns, (int, np.integer)) and not isinstance(columns, bool):
        raise InputError(f"columns must be a list of period columns, got the number {columns}; the number of classes is k={columns}")
    return read_panel(data, columns, id_column=id_column, period_column=period_column, value_column=value_column, periods=periods)
