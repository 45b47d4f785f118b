"""Distribution dynamics: classic, spatial and LISA Markov chains.

Papers class a regional index into ``k`` groups (low … high), print the
``k × k`` transition matrix with row counts *n*, then a *spatial* Markov table —
one ``k × k`` matrix per class of the neighbours' average (the spatial lag) —
and read off "neighbour effects" (Rey 2001).  This module does that for panels
of ``n`` units observed in ``T`` periods.

Calling convention
------------------
``markov(data, columns, *, k=5, ...)``, ``spatial_markov(data, columns, *,
weights=None, k=5, m=None, ...)``, ``lisa_markov(data, columns, *,
weights=None, ...)``.  The panel ``data`` is read by
:func:`spatialregion._panel.read_panel`, the one panel reader of the package:

* a **wide** DataFrame / GeoDataFrame with ``columns`` = the period columns
  in time order; the geometry of a GeoDataFrame is kept for maps and
  GeoPackage export, its id/name columns for per-unit outputs;
* a **long** table with one row per (unit, period): pass ``id_column``,
  ``period_column`` and ``value_column`` (periods in numeric/natural order,
  or ``periods=[...]``); every unit must appear once in every period;
* an ``(n, T)`` array (rows = units, columns = periods, in time order; rows
  follow the order of the weights).

Spatial weights go through :func:`spatialregion.weights.as_sparse`: aligned
by id (the data's index or ``id_column``), ``None`` = queen contiguity built
from the GeoDataFrame, self-loops dropped (a Graph with self-loops gives the
same counts as without).

Results
-------
The chains are table results (``to_frame()``: tidy transition table;
``summary()``: the paper tables; ``plot()``: heat maps).  The class of every
unit in every period is a per-unit result, ``result.unit_classes``
(:class:`MarkovClassesResult`), whose ``to_frame()``/``to_gpkg()`` start with
the units' ids, names and analysed values.

Classes and ties
----------------
``k`` classes are cut by ``k - 1`` interior *breaks* ``b_1 < … < b_{k-1}``:
class ``c`` (0-based) holds ``b_c < x <= b_{c+1}`` with ``b_0 = -inf`` and
``b_k = +inf``.  **A value equal to a break goes to the lower class**
(mapclassify's ``bin1d`` / giddy rule).  Breaks are the pooled quantiles of
the whole panel (``fixed=True``, giddy's default), per-period quantiles
(``fixed=False``) or user values (``breaks=[...]``, 1-D pooled or ``(T, k-1)``
per period).  Quantiles are :func:`spatialregion._classify.quantile_bins`
(linear interpolation at ``100/k, 200/k, … , 100`` percent, mapclassify's
``Quantiles``); repeated quantiles (heavy ties) collapse classes, with a warning.

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

from ._chain import (
    Homogeneity,
    chi2_test,
    first_passage_times,
    homogeneity,
    steady_state,
    transition_counts,
    transition_probabilities,
)
from ._classes import classify
from ._classic import markov
from ._lisa import LisaMarkovResult, lisa_markov
from ._results import MarkovClassesResult, MarkovResult, SpatialMarkovResult
from ._spatial import categorical_lag, spatial_markov

# Not public, but imported from here by spatialregion.decoupling: redundant aliases mark the re-export.
from ._chain import EmptyPolicy as EmptyPolicy
from ._lisa import LISA_STATES as LISA_STATES

__all__ = [
    "Homogeneity",
    "LisaMarkovResult",
    "MarkovClassesResult",
    "MarkovResult",
    "SpatialMarkovResult",
    "categorical_lag",
    "chi2_test",
    "classify",
    "first_passage_times",
    "homogeneity",
    "lisa_markov",
    "markov",
    "spatial_markov",
    "steady_state",
    "transition_counts",
    "transition_probabilities",
]
