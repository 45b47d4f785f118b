"""How a graph was built: :class:`WeightsReport`, :func:`report` and :func:`describe`."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

from libpysal.graph import Graph


@dataclass(frozen=True)
class WeightsReport:
    """How a graph was built: method, parameters, distances, and what happened to islands.

    Parameters
    ----------
    method : str
        The ``method`` given to :func:`build`.
    n : int
        Number of units.
    params : dict
        Method parameters (``k_neighbours``, ``threshold_km``, ``power``, ``points``, ``knn_ties``, ...).
    island_policy : str
        ``"nearest"``, ``"keep"`` or ``"raise"``.
    islands : tuple
        Ids of the units that had no neighbours before island linking.
    island_links : dict
        Island label → labels of the units it was linked to.
    distance : str
        How distances were measured (ellipsoidal geodesic km on GRS80, planar km in a CRS, boundary distance of island links).
    """

    method: str
    n: int
    params: dict[str, Any] = field(default_factory=dict)
    island_policy: str = "nearest"
    islands: tuple[Hashable, ...] = ()
    #: island label → labels of the units it was linked to ("id (name)" when a name column exists)
    island_links: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: how distances were measured (geodesic km, planar km in a CRS, or shared vertices)
    distance: str = ""

    def __str__(self) -> str:
        params = ", ".join(f"{k}={v}" for k, v in self.params.items())
        text = f"{self.method}({params}) over {self.n} units"
        if self.distance:
            text += f" [{self.distance}]"
        if self.islands:
            if self.island_policy == "nearest" and self.island_links:
                items = list(self.island_links.items())
                links = "; ".join(f"{i} → {', '.join(map(str, js))}" for i, js in items[:_SHOWN])
                more = f"; … {len(items) - _SHOWN} more (weights.report(w).island_links lists all)" if len(items) > _SHOWN else ""
                text += f"; {len(items)} island{'s' if len(items) != 1 else ''} linked to nearest: {links}{more}"
            else:
                shown = ", ".join(map(str, self.islands[:_SHOWN]))
                more = f", … {len(self.islands) - _SHOWN} more" if len(self.islands) > _SHOWN else ""
                text += f"; islands kept without neighbours: {shown}{more}"
        return text


_REPORT_ATTR = "_spatialregion_report"
#: island links written out in one-line reports (all are in ``island_links``)
_SHOWN = 5


def report(graph: Graph) -> WeightsReport | None:
    """The :class:`WeightsReport` of a graph made by :func:`build`.

    Parameters
    ----------
    graph : libpysal.graph.Graph
        A graph, usually from :func:`build`.

    Returns
    -------
    WeightsReport or None
        ``None`` for graphs not made by :func:`build`.
    """
    return getattr(graph, _REPORT_ATTR, None)


def describe(graph: Graph) -> str:
    """One line: method, number of units, mean neighbours, islands and their treatment.

    Parameters
    ----------
    graph : libpysal.graph.Graph
        A graph, usually from :func:`build`.

    Returns
    -------
    str
        The report (when there is one) and the link statistics.
    """
    rep = report(graph)
    card = graph.cardinalities
    stats = f"{graph.n} units, {graph.n_edges} links, mean {card.mean():.2f} neighbours (min {card.min()}, max {card.max()})"
    return f"{rep}; {stats}" if rep is not None else stats
