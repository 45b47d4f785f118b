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

from ._chain import (
    Homogeneity,
    chi2_test,
    first_passage_times,
    homogeneity,
    steady_state,
    transition_counts,
    transition_probabilities,
)
from ._classes import Panel, classify, quantile_breaks
from ._classic import markov
from ._lisa import LisaMarkovResult, lisa_markov
from ._results import MarkovResult, SpatialMarkovResult
from ._spatial import categorical_lag, spatial_markov

# Not public, but imported from here by spatialregion.decoupling: redundant aliases mark the re-export.
from ._chain import EmptyPolicy as EmptyPolicy
from ._classes import as_panel as as_panel
from ._lisa import LISA_STATES as LISA_STATES
from ._results import _with_geometry as _with_geometry

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
