"""The geographic detector: input checks, strata of every factor, and the four detectors."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import combinations
from typing import Any, Literal

import numpy as np
import pandas as pd

from .. import labels
from .._classify import break_codes
from .._validation import check_choice, check_column, check_columns, check_not_constant, check_unique_ids, describe_rows, finite_array
from ..errors import ConstantError, InputError, MissingValueError
from ._discretize import SCHEMES, Discretization, _discretize, _optimal
from ._kernels import _apply_singletons, _ecological_f, _strata_codes, _welch_pairs, interaction_type, q_kernel
from ._result import GeoDetectorResult

Singletons = Literal["drop", "keep", "raise"]


def response_and_factors(data: Any, column: Any, factors: Any) -> tuple[list[str], np.ndarray]:
    """Check a response column and factor columns of ``data`` (the one check of the detector and the random forest).

    Parameters
    ----------
    data : DataFrame
        One row per unit, unique index.
    column : str
        Response column: numeric, finite, not constant.
    factors : list of str
        Factor columns (no missing values; the response is not one of them).

    Returns
    -------
    tuple of (list of str, ndarray)
        The factor names and the response values.
    """
    if not isinstance(data, pd.DataFrame):
        raise InputError("data must be a DataFrame or GeoDataFrame with the response and factor columns")
    check_column(column, data, what="column (the response)")
    if isinstance(factors, str):
        raise InputError(f"factors must be a list of column names, e.g. factors=[{factors!r}]")
    factors = check_columns(factors, data, what="factors")
    if column in factors:
        raise InputError(f"the response {column!r} is also listed as a factor")
    check_unique_ids(data.index, "data index")
    y = finite_array(data[column].to_numpy(dtype=float, na_value=np.nan), column, list(data.index))
    check_not_constant(y, f"response {column!r}")
    for f in factors:
        na = data[f].isna().to_numpy()
        if na.any():
            raise MissingValueError(
                f"factor {f!r} has missing values in {describe_rows(data.index[na])}; "
                "drop or impute them first (spatialregion never drops rows silently)"
            )
    return factors, y


def _factor_strata(
    data: pd.DataFrame, f: str, spec: Any, k: int, y: np.ndarray, k_range: tuple[int, int], min_size: int
) -> tuple[np.ndarray, Discretization | None, str]:
    col = data[f]
    numeric = pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col)
    if isinstance(spec, Mapping):
        spec = spec.get(f)
    if spec is None:
        if numeric and pd.api.types.is_float_dtype(col) and not np.allclose(col, np.round(col)):
            raise InputError(
                f"factor {f!r} looks continuous ({col.nunique()} distinct non-integer values); discretise it: "
                f"scheme='quantiles' (or {', '.join(repr(s) for s in SCHEMES[1:])}, 'optimal'), "
                f"or scheme={{{f!r}: [edges...]}}"
            )
        return col.to_numpy(), None, "as given"
    if isinstance(spec, str) and not numeric:
        return col.to_numpy(), None, "as given"
    if not numeric:
        raise InputError(f"factor {f!r} is not numeric, so it cannot be discretised with {spec!r}")
    x = col.to_numpy(dtype=float)
    if isinstance(spec, str):
        if spec == "optimal":
            if np.unique(x).size <= k_range[0]:
                return x, None, "as given"
            d, _ = _optimal(y, x, SCHEMES, k_range, min_size, f)
        else:
            check_choice(f"scheme for factor {f!r}", spec, (*SCHEMES, "optimal"))
            if np.unique(x).size <= k:
                return x, None, "as given"
            d = _discretize(x, spec, k, f)
    elif isinstance(spec, tuple) and len(spec) == 2 and isinstance(spec[0], str):
        d = _discretize(x, spec[0], int(spec[1]), f)
    else:  # explicit edges
        edges = np.sort(finite_array(spec, f"breaks of factor {f!r}"))
        inner = edges[(edges > x.min()) & (edges < x.max())]
        codes = break_codes(x, inner)
        d = Discretization(codes, np.concatenate([[x.min()], inner, [x.max()]]), "user_defined", inner.size + 1)
    return d.codes, d, f"{d.scheme}, k={d.k}"


def geodetector(
    data: pd.DataFrame,
    column: str,
    *,
    factors: Sequence[str],
    scheme: str | Mapping[str, Any] | None = None,
    k: int = 5,
    k_range: tuple[int, int] = (3, 8),
    min_size: int = 2,
    singletons: Singletons = "drop",
    alpha: float = 0.05,
    tol: float = 1e-10,
    alternative: Literal["two-sided", "greater"] = "two-sided",
) -> GeoDetectorResult:
    r"""Run the factor, interaction, risk and ecological detectors (地理探测器).

    Factor detector: ``q = 1 − Σ_h N_h σ_h² / (N σ²)``, F test against the
    non-central F (Wang, Zhang & Fu 2016).  Interaction detector: q of the
    crossed strata and its type (:func:`interaction_type`).  Risk detector:
    Welch t tests between strata.  Ecological detector: F test of SSW ratios.
    Formulas and conventions: :mod:`spatialregion.detector`.

    Parameters
    ----------
    data : DataFrame or GeoDataFrame
        One row per unit (no missing values in the response or the factors).
    column : str
        Response column (numeric, not constant).
    factors : list of str
        Factor columns.  Categorical (text, category, integer codes) factors are
        used as strata as given.  Continuous factors must be discretised.
    scheme : None, str or mapping
        Discretisation of continuous factors.  None: use every factor as given
        (a float factor with non-integer values raises).  A scheme name
        (:data:`SCHEMES`: ``"quantiles"``, ``"equal_interval"``,
        ``"fisher_jenks"``, ``"std_mean"``, ``"geometric"``) or ``"optimal"``
        applies to every numeric factor with more than ``k`` (``k_range[0]``
        for "optimal") distinct values; a mapping
        ``{factor: scheme | (scheme, k) | [edges] | None}`` sets factors one by
        one (edges: ``"user_defined"`` classes).
    k : int
        Number of classes for a scheme name.
    k_range : (int, int)
        Range of k searched by ``"optimal"`` (see :func:`optimal_discretization`).
    min_size : int
        Fewest members of a stratum for ``"optimal"``.
    singletons : {"drop", "keep", "raise"}
        Treatment of strata with one member (module docstring).
    alpha : float
        Significance level of the ``significant`` columns.
    tol : float
        Tolerance of the "independent" interaction type.
    alternative : {"two-sided", "greater"}
        Ecological-detector F test.

    Returns
    -------
    GeoDetectorResult
        A table result: ``factor``, ``interaction``, ``risk_means``,
        ``risk_tests``, ``ecological`` tables.

    References
    ----------
    Wang, J.F., Li, X.H., Christakos, G., et al. (2010). Geographical detectors-based health risk
    assessment. Int. J. Geogr. Inf. Sci. 24(1): 107–127.
    Wang, J.F., Zhang, T.L., Fu, B.J. (2016). A measure of spatial stratified heterogeneity.
    Ecological Indicators 67: 250–256.
    """
    check_choice("singletons", singletons, ("drop", "keep", "raise"))
    check_choice("alternative", alternative, ("two-sided", "greater"))
    factors, yv = response_and_factors(data, column, factors)
    if isinstance(scheme, Mapping):
        unknown = [f for f in scheme if f not in factors]
        if unknown:
            raise InputError(f"scheme names unknown factor(s) {unknown}; factors are {factors}")

    strata: dict[str, np.ndarray] = {}
    codes: dict[str, np.ndarray] = {}
    discs: dict[str, Discretization] = {}
    rows = []
    for f in factors:
        raw, d, how = _factor_strata(data, f, scheme, k, yv, k_range, min_size)
        strata[f] = raw if d is None else d.codes
        c, uniq = _strata_codes(strata[f])
        codes[f] = c
        if d is not None:
            discs[f] = d
        if uniq.size < 2:
            raise ConstantError(f"factor {f!r} has a single stratum ({uniq[0]!r}); q is undefined")
        mask = _apply_singletons(c, singletons, f"factor {f!r}", uniq)
        cc, _ = _strata_codes(c[mask])
        if np.unique(cc).size < 2:
            raise InputError(f"factor {f!r} has fewer than 2 strata with 2 or more members; q is undefined")
        if np.ptp(yv[mask]) == 0:
            raise ConstantError(f"response {column!r} is constant over the units kept for factor {f!r}")
        r = q_kernel(yv[mask], cc)
        rows.append(
            {"factor": f, "q": r["q"], "F": r["F"], "p": r["p"], "lambda": r["lam"], "strata": r["L"], "n": r["N"],
             "n_excluded": int((~mask).sum()), "discretization": how, "_ssw": r["ssw"]}
        )
    fac = pd.DataFrame(rows).set_index("factor")
    fac["significant"] = fac["p"] < alpha

    inter_rows, eco_rows = [], []
    lab = {x.key: x for x in labels.INTERACTION_TYPES}
    for a, b in combinations(factors, 2):
        combo, _ = _strata_codes(codes[a] * (int(codes[b].max()) + 1) + codes[b])
        mask = _apply_singletons(combo, singletons, f"interaction {a!r} × {b!r}")
        cc, _ = _strata_codes(combo[mask])
        q12 = q_kernel(yv[mask], cc)["q"]
        q1, q2 = fac.at[a, "q"], fac.at[b, "q"]
        t = interaction_type(q1, q2, q12, tol)
        inter_rows.append(
            {"factor_1": a, "factor_2": b, "q1": q1, "q2": q2, "q12": q12, "type": t,
             "type_zh": lab[t].zh, "type_en": lab[t].en, "n_excluded": int((~mask).sum())}
        )
        n1, n2 = int(fac.at[a, "n"]), int(fac.at[b, "n"])
        f_stat, p = _ecological_f(n1, n2, fac.at[a, "_ssw"], fac.at[b, "_ssw"], alternative)
        eco_rows.append({"factor_1": a, "factor_2": b, "F": f_stat, "df1": n1 - 1, "df2": n2 - 1, "p": p, "significant": bool(p < alpha)})
    cols_i = ["factor_1", "factor_2", "q1", "q2", "q12", "type", "type_zh", "type_en", "n_excluded"]
    inter = pd.DataFrame(inter_rows, columns=cols_i).set_index(["factor_1", "factor_2"])
    cols_e = ["factor_1", "factor_2", "F", "df1", "df2", "p", "significant"]
    eco = pd.DataFrame(eco_rows, columns=cols_e).set_index(["factor_1", "factor_2"])

    risk_means, risk_tests = {}, {}
    for f in factors:
        s = pd.Series(yv, index=data.index)
        g = s.groupby(pd.Series(strata[f], index=data.index), sort=True)
        means = pd.DataFrame({"n": g.size(), "mean": g.mean(), "std": g.std(ddof=1)})
        means.index.name = "stratum"
        if f in discs:
            b = discs[f].breaks
            means.insert(0, "range", [f"{'[' if h == 0 else '('}{b[h]:.4g}, {b[h + 1]:.4g}]" for h in means.index])
        risk_means[f] = means
        risk_tests[f] = _welch_pairs(means, alpha)

    return GeoDetectorResult(
        column=column,
        factors=tuple(factors),
        strata=pd.DataFrame({column: yv, **strata}, index=data.index),
        factor=fac.drop(columns="_ssw"),
        interaction=inter,
        risk_means=risk_means,
        risk_tests=risk_tests,
        ecological=eco,
        discretization=discs,
        singletons=singletons,
        alpha=alpha,
        tol=tol,
        alternative=alternative,
    )
