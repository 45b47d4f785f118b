"""Spatial autocorrelation: global Moran's I and local Moran (LISA) clusters.

Global Moran's I (Moran 1950; Cliff & Ord 1981)
-----------------------------------------------
With deviations ``z_i = x_i - xbar`` and weights ``w_ij`` (row-standardised
by default, ``transform="R"``; ``"B"`` binary)::

    I = (n / S0) * sum_ij w_ij z_i z_j / sum_i z_i^2,     E[I] = -1/(n - 1)

``S0 = sum_ij w_ij``, ``S1 = 1/2 sum_ij (w_ij + w_ji)^2``,
``S2 = sum_i (w_i. + w_.i)^2``.  Variance under normality
``V_N = (n^2 S1 - n S2 + 3 S0^2) / ((n^2 - 1) S0^2) - E[I]^2`` and under
randomisation ``V_R = [n((n^2-3n+3) S1 - n S2 + 3 S0^2) - b2((n^2-n) S1 - 2n S2
+ 6 S0^2)] / ((n-1)(n-2)(n-3) S0^2) - E[I]^2`` with kurtosis
``b2 = n sum z^4 / (sum z^2)^2`` — the formulas of ``esda.Moran``.
``p_sim`` from ``permutations`` random relabellings of all values.

Local Moran (Anselin 1995)
--------------------------
With standardised values ``z_i = (x_i - xbar)/s`` (population s.d.)::

    I_i = (n - 1) z_i sum_j w_ij z_j / sum_k z_k^2

(``esda.Moran_Local``).  Analytic moments under total randomisation (Sokal,
Oden & Thomson 1998, eqs. A3–A4, as esda's ``EI``/``VI``)::

    E[I_i] = -w_i. / (n - 1)
    V[I_i] = w_i(2) (n - b2)/(n - 1) + (w_i.^2 - w_i(2)) (2 b2 - n)/((n-1)(n-2)) - E[I_i]^2

with ``w_i(2) = sum_j w_ij^2`` and ``b2 = m4/m2^2``; ``z = (I_i - E)/sqrt(V)``.
``p_sim``: conditional permutation (``z_i`` fixed), see
:mod:`spatialregion._permutation`.  Quadrants as esda/GeoDa: HH (z > 0, lag
> 0), LH (z <= 0, lag > 0), LL (z <= 0, lag <= 0), HL (z > 0, lag <= 0);
a unit is a cluster/outlier when its p (``p_sim`` by default) is ``<= alpha``.

Local inference (``p_sim``), as GeoDa and esda by default
---------------------------------------------------------
The default ``alternative="directed"`` is GeoDa's and esda's pseudo p: the
permutation distribution *folded* toward the side the observed ``I_i`` lies
on, ``p_sim = (M + 1) / (R + 1)`` with ``R`` permutations and ``M`` the
number of simulated ``I_i`` at least as extreme on that side (one-sided in a
data-chosen direction).  ``"two-sided"`` doubles it (``min(1, 2 p)``),
``"greater"``/``"less"`` fix the tail.  The analytic ``p`` uses the same
``alternative`` (``"directed"``: ``1 - Phi(|z|)``).

When the numbers differ from esda's: simulated statistics that *tie* the
observed one (binary or few-valued data, e.g. 0/1 indicators, small integer
counts) count here in both tails (``>=`` and ``<=``, within 1e-12 relative
tolerance), while esda counts ``sim >= obs`` as "larger" and the rest as the
lower tail, so esda's ``p_sim`` is smaller (anti-conservative) for units
whose ties are many; its folded p can also pick the wrong tail when the
observed value sits in a block of ties.  For continuous data ties have
probability zero and the two definitions coincide; the remaining
differences are Monte-Carlo noise (different random streams), of standard
deviation ``sqrt(p (1 - p) / R)``.

Units without neighbours (islands) have a zero lag: they add nothing to the
global I (S0 counts only real links) and get ``I_i = 0``, ``z``/``p``/``p_sim``
NaN and the cluster ``"no_neighbours"`` locally; their ids are reported.

References
----------
Anselin, L. (1995). Local indicators of spatial association — LISA.
*Geographical Analysis* 27(2), 93–115.
Cliff, A. D., Ord, J. K. (1981). *Spatial Processes*. Pion.
Sokal, R. R., Oden, N. L., Thomson, B. A. (1998). Local spatial
autocorrelation in a biological model. *Geographical Analysis* 30(4), 331–354.
"""

from __future__ import annotations

from ._global import MoranResult, moran, moran_moments
from ._lisa import LocalMoranResult, local_moran, local_moran_moments

__all__ = ["MoranResult", "LocalMoranResult", "moran", "local_moran", "moran_moments", "local_moran_moments"]
