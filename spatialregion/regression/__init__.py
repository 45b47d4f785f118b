"""Spatial econometric models 空间计量模型: diagnostics, SAR/SEM/SDM/SLX/SDEM for
cross-sections and panels with individual, time or two-way fixed effects,
effects decomposition with inference, and the tests papers report.

Quick start::

    from spatialregion import regression
    lm = regression.lm_tests(gdf, "y ~ x1 + x2", weights=w)          # Moran's I, LM tests
    res = regression.fit(panel, "y ~ x1 + x2", model="sdm", weights=w,
                         effects="twoway", id_column="code", period_column="year")
    print(res.summary())                                              # paper tables
    res.effects(method="simulation", draws=1000, seed=1)              # direct/indirect/total
    regression.sdm_tests(res)                                         # Wald/LR SDM→SAR, SDM→SEM
    regression.fixed_effects_tests(res); regression.hausman(res)

Weights are row-standardised by default (``transform="R"``, as spreg, GeoDa
and Elhorst's code).  Estimation is maximum likelihood with the analytic
information matrix; see the private modules for formulas and references.
"""

from ._data import parse_formula
from ._fit import fit, lm_tests
from ._logdet import Spectrum
from ._results import RegressionResult, effects_table, paper_table, stars
from ._tests import fixed_effects_tests, hausman, sdm_tests

__all__ = [
    "RegressionResult",
    "Spectrum",
    "effects_table",
    "fit",
    "fixed_effects_tests",
    "hausman",
    "lm_tests",
    "paper_table",
    "parse_formula",
    "sdm_tests",
    "stars",
]
