r"""Geographic detector (地理探测器): factor, interaction, risk and ecological detectors.

The geographic detector measures spatial stratified heterogeneity: how much of
the variance of a response Y is explained by the strata h = 1 … L of a factor X.

Factor detector (Wang et al. 2010; Wang, Zhang & Fu 2016)
    ``q = 1 − Σ_h N_h σ_h² / (N σ²) = 1 − SSW / SST`` (σ² population
    variances).  Significance: ``F = (N − L) / (L − 1) · q / (1 − q)`` follows
    a non-central F(L − 1, N − L; λ) with
    ``λ = [Σ_h Ȳ_h² − (Σ_h √N_h Ȳ_h)² / N] / σ²`` (Wang, Zhang & Fu 2016,
    eq. 9, as implemented by the R ``GD``/``geodetector`` and the PyPI
    ``geodetector`` packages; note that this λ, as published, is not invariant
    to shifting Y); ``p = P(F' > F)``.
Interaction detector (Wang & Xu 2017)
    q(X1 ∩ X2) is the q of the strata formed by crossing X1 and X2, compared
    with q1 = q(X1) and q2 = q(X2) in this order (first match wins):

    1. ``|q12 − (q1 + q2)| <= tol`` → 独立 independent (``tol`` default 1e-10);
    2. ``q12 < min(q1, q2)`` → 非线性减弱 nonlinear weaken;
    3. ``q12 <= max(q1, q2)`` → 单因子非线性减弱 uni-variable weaken;
    4. ``q12 < q1 + q2`` → 双因子增强 bi-variable enhance;
    5. otherwise → 非线性增强 nonlinear enhance.
Risk detector
    Mean of Y per stratum and, for every pair of strata, Welch's two-sample t
    test (unequal variances, Welch–Satterthwaite df), as Wang et al. (2010)
    and the PyPI ``geodetector`` package; strata with fewer than 2 members
    have no variance and are left out of the tests.
Ecological detector
    Whether two factors explain Y equally well:
    ``F = N1 (N2 − 1) SSW1 / (N2 (N1 − 1) SSW2)`` with df (N1 − 1, N2 − 1)
    (Wang et al. 2010); for equal N this is ``(1 − q1) / (1 − q2)``.  Two-sided
    p by default (as the PyPI ``geodetector`` package), ``alternative="greater"``
    for the one-sided test of R ``gdverse``.

Strata of one member (``singletons=``): the PyPI ``geodetector`` package (and
``"drop"``, the default here) excludes their observations before computing q
(σ_h² is undefined for N_h = 1); ``"keep"`` uses σ_h² = 0 for them (Wang et
al. 2010's formula taken literally); ``"raise"`` raises.  The number of
excluded observations is reported in every table.

Discretisation of continuous factors (``scheme=``) uses mapclassify's scheme
names — ``"quantiles"``, ``"equal_interval"``, ``"fisher_jenks"``,
``"std_mean"`` — with the break kernels of :mod:`spatialregion._classify`,
plus ``"geometric"`` and the q-maximising ``"optimal"`` (Song et al. 2020).

Calling convention: ``geodetector(data, column, *, factors=[...], scheme=None, ...)``,
``discretize(data, column=None, *, scheme="quantiles", k=5)``.  The result is a
table result (:class:`GeoDetectorResult`: ``to_frame()`` the factor table,
``summary()`` the paper tables, ``plot()`` a bar chart of q or the interaction
heat map).

Layout: ``_kernels`` (q, F test, interaction types, Welch and ecological
tests), ``_discretize`` (schemes, optimal discretisation), ``_result``
(:class:`GeoDetectorResult`), ``_detector`` (input checks and
:func:`geodetector`).

References
----------
Wang, J.F., Li, X.H., Christakos, G., et al. (2010). Geographical detectors-based
health risk assessment ... Int. J. Geogr. Inf. Sci. 24(1): 107–127.
Wang, J.F., Zhang, T.L., Fu, B.J. (2016). A measure of spatial stratified
heterogeneity. Ecological Indicators 67: 250–256.
王劲峰, 徐成东 (2017). 地理探测器: 原理与展望. 地理学报 72(1): 116–134.
Song, Y., Wang, J., Ge, Y., Xu, C. (2020). An optimal parameters-based geographical
detector model ... GIScience & Remote Sensing 57(5): 593–610 (optimal discretisation).
"""

from __future__ import annotations

from ._detector import geodetector, response_and_factors
from ._discretize import SCHEMES, Discretization, discretize, optimal_discretization
from ._kernels import interaction_type, q_kernel
from ._result import GeoDetectorResult

__all__ = [
    "SCHEMES",
    "Discretization",
    "GeoDetectorResult",
    "discretize",
    "geodetector",
    "interaction_type",
    "optimal_discretization",
    "q_kernel",
    "response_and_factors",
]
