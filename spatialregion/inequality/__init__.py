"""Regional inequality: Dagum Gini decomposition, Theil indices, kernel-density evolution.

The three tables/figures of every regional-disparity paper:

* :func:`dagum_gini` — total Gini, within-group Gini per region, between-group
  Gini per pair of regions, and the contributions of within, net between and
  transvariation (Dagum 1997), one decomposition per period for panels;
* :func:`theil` — Theil T (GE(1)) or L (GE(0), mean log deviation) with the
  within/between decomposition by any grouping;
* :func:`kernel_density` — Gaussian kernel density per period with the main
  peak, number of peaks and peak width (the "distribution dynamics" figure).

Inputs (all three functions)
----------------------------
``data`` may be

* a 1-D array / Series of values (one period);
* a 2-D array ``(n, t)`` (a wide panel, periods ``0 … t-1``);
* a (Geo)DataFrame with ``column`` = one column name (one period) or a list of
  column names (a *wide* panel, one column per period: ``["ai2011", "ai2022"]``);
* a (Geo)DataFrame in *long* form with ``column`` = the value column and
  ``period`` = the period column (``id, year, value`` rows).

``groups`` is an array aligned to the rows or the name of a column.  NaN in
values or groups raises :class:`~spatialregion.errors.MissingValueError`; rows
are never dropped silently.

Kernels (``_dagum_kernel``, ``_theil_kernel``, ``_kde_kernel``) are pure
functions on arrays; the result classes only arrange their output.

Layout: ``_common`` (input parsing and checks), ``_dagum`` (Gini kernels,
:class:`DagumResult`), ``_theil``, ``_panel`` (:class:`InequalityPanel`),
``_kde`` (kernel density and its figures).
"""

from __future__ import annotations

from ._dagum import DagumResult, dagum_gini, gini
from ._kde import KDEResult, kernel_density
from ._panel import InequalityPanel
from ._theil import TheilResult, theil

__all__ = [
    "gini",
    "dagum_gini",
    "theil",
    "kernel_density",
    "DagumResult",
    "TheilResult",
    "InequalityPanel",
    "KDEResult",
]
