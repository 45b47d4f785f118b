"""Getis–Ord hot spots (Gi*, Gi), ArcGIS confidence bins, literature classes,
and emerging hot spots over a panel (space-time Gi*, Mann–Kendall, 17 patterns).

Statistic (Ord & Getis 1995, eq. 4.5; ArcGIS *Hot Spot Analysis*)
--------------------------------------------------------------------
For unit *i* with weights ``w_ij`` (Gi* includes ``j = i``)::

    z_i = (sum_j w_ij x_j - xbar W_i) / (S sqrt((N S1_i - W_i^2) / (N - 1)))

with ``W_i = sum_j w_ij``, ``S1_i = sum_j w_ij^2``, and ``xbar``, ``S``
(population s.d.) over the ``N`` units that can be neighbours: all ``n`` for
Gi*, the ``n - 1`` others for Gi.  One sparse mat-vec gives every unit.

Weights (``transform``) and the self weight
-------------------------------------------
User weights become a matrix through :func:`spatialregion.weights.as_sparse`
(aligned by id; a unit is never its own neighbour there); Gi* then adds
``w_ii`` explicitly.

* ``"O"`` (default): the weights as given, as ArcGIS uses them.  Contiguity,
  knn and distance-band graphs carry weight 1, so this is ArcGIS's binary
  Gi*; inverse-distance weights keep their values (``S1_i`` is then not
  ``W_i``).  The self weight is the row's largest weight (``self_weight="max"``:
  1 for binary weights; for distance weights the unit counts like its nearest
  neighbour, whatever the distance unit) or a number (``self_weight=1``).
* ``"B"``: every link weight 1, ``w_ii = 1`` (Getis–Ord's binary Gi*, also for
  distance graphs).
* ``"R"``: reproduces ``esda.G_Local(transform="R")``: ``w_ii`` = the row
  maximum, the row (self included) divided by its sum, and esda's variance
  ``S1_i := W_i = 1``, so ``z_i = (lag_i - xbar) / S``.  This is *not* the
  Ord–Getis moment for general weights (with the exact ``S1_i`` the Gi* z is
  invariant to rescaling a row and equals the ``"O"`` z); use it only to
  match esda.

Units without neighbours (islands) have ``z = NaN`` (Gi: 0/0; Gi* with only
the self weight reduces to the plain standard score of ``x_i``, which is not a
local-cluster statistic), ``p = NaN``, ``Gi_Bin = 0`` and class
``"no_neighbours"``; they are listed in ``result.islands``.  A unit linked to
every other unit with equal weights has zero variance and also gets
``z = NaN`` (``result.undefined``).

Inference
---------
``p``: normal approximation; ``alternative="two-sided"`` (default) gives
``2 (1 - Phi(|z|))``, ``"greater"`` ``1 - Phi(z)`` (hot spots), ``"less"``
``Phi(z)``, ``"directed"`` ``1 - Phi(|z|)`` (esda's ``p_norm``).
``p_sim``: conditional permutation — ``x_i`` fixed, the ``k_i`` neighbours
drawn without replacement from the other ``n - 1`` units —
``(1 + #extreme) / (1 + permutations)`` where for ``"directed"`` #extreme =
``min(#{sim >= obs}, #{sim <= obs})`` (esda's ``p_sim``, the tail the
observation lies in), ``"two-sided"`` = ``min(1, 2 p_directed)``,
``"greater"``/``"less"`` one tail (see :mod:`spatialregion._permutation`).

Bins and classes
----------------
``gi_bin`` is ArcGIS's ``Gi_Bin``: ``sign(z) * 3/2/1`` when the two-sided p
is ``<= 0.01 / 0.05 / 0.10`` (99/95/90 % confidence), else 0 — from the
analytic p (ArcGIS), or from the two-sided ``p_sim`` with
``inference="permutation"``.  ``fdr=True`` replaces p by Benjamini–Hochberg
adjusted p-values over all units before binning, i.e. the BH step-up critical
p at each of the three levels, as ArcGIS's *Apply False Discovery Rate (FDR)
Correction* (the reported ``p``/``z`` are not adjusted, as in ArcGIS).
``classes`` are the five classes of the Chinese literature (冷点, 次冷点, 过渡,
次热点, 热点) by natural breaks (``scheme="fisher_jenks"``: exact Fisher–Jenks,
equal to mapclassify's, of z; above 10,000 units, of 10,000 evenly spaced
order statistics of z, stated in the summary, see :func:`natural_breaks`), or by four user cut points
(``scheme="user_defined"``, ``breaks=[...]``).

References
----------
Getis, A., Ord, J. K. (1992). The analysis of spatial association by use of
distance statistics. *Geographical Analysis* 24(3), 189–206.
Ord, J. K., Getis, A. (1995). Local spatial autocorrelation statistics:
distributional issues and an application. *Geographical Analysis* 27(4), 286–306.
Benjamini, Y., Hochberg, Y. (1995). Controlling the false discovery rate.
*JRSS B* 57(1), 289–300.
Esri. *How Hot Spot Analysis (Getis-Ord Gi\\*) works*; *How Emerging Hot Spot
Analysis works* (ArcGIS Pro documentation).
Mann, H. B. (1945). Nonparametric tests against trend. *Econometrica* 13,
245–259; Kendall, M. G. (1975). *Rank Correlation Methods*, 4th ed.
"""

from __future__ import annotations

from ._emerging import EMERGING_PATTERNS, EmergingHotSpotResult, classify_emerging, emerging_hotspots
from ._getis import HotSpotResult, getis_ord
from ._kernels import classify_z, gi_bins, gi_weights, gi_z, mann_kendall, natural_breaks, space_time_gi_z

__all__ = [
    "HotSpotResult",
    "EmergingHotSpotResult",
    "getis_ord",
    "gi_weights",
    "gi_z",
    "space_time_gi_z",
    "gi_bins",
    "natural_breaks",
    "classify_z",
    "mann_kendall",
    "emerging_hotspots",
    "classify_emerging",
    "EMERGING_PATTERNS",
]
