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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from . import labels
from ._validation import check_choice, check_not_constant, check_unique_ids, describe_rows, finite_array
from .errors import ConstantError, InputError, MissingValueError
from .results import Result, Summary, SummaryTable

__all__ = [
    "METHODS",
    "Discretization",
    "GeoDetectorResult",
    "discretize",
    "optimal_discretization",
    "geodetector",
    "q_kernel",
    "interaction_type",
]

#: discretisation methods for continuous factors
METHODS = ("equal", "quantile", "natural", "std", "geometric")

Singletons = Literal["drop", "keep", "raise"]
_TYPE_KEYS = [x.key for x in labels.INTERACTION_TYPES]


# ---------------------------------------------------------------------------
# kernels
# ---------------------------------------------------------------------------
def _strata_codes(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes 0..L-1 and the sorted stratum labels."""
    codes, uniq = pd.factorize(pd.Series(x), sort=True)
    return codes.astype(np.int64), np.asarray(uniq)


def _apply_singletons(y: np.ndarray, codes: np.ndarray, policy: str, what: str, uniq: np.ndarray | None = None):
    """Mask of the observations used under the singleton policy."""
    counts = np.bincount(codes)
    single = counts == 1
    if not single.any() or policy == "keep":
        return np.ones(codes.shape[0], dtype=bool)
    if policy == "raise":
        bad = np.nonzero(single)[0]
        names = [uniq[i] for i in bad] if uniq is not None else bad.tolist()
        raise InputError(
            f"{what} has strata with a single member {names[:10]}; merge them, use fewer classes, "
            "or pass singletons='drop' (exclude them, as the geodetector package) or 'keep' (σ_h² = 0)"
        )
    return ~single[codes]


def q_kernel(y: np.ndarray, codes: np.ndarray) -> dict[str, float]:
    """q, F, λ and p of one stratification (no singleton handling; codes 0..L-1 dense or not).

    ``SSW = Σ_i (y_i − Ȳ_{h(i)})²``, ``SST = Σ_i (y_i − ȳ)²``, ``q = 1 − SSW/SST``;
    F and λ as in the module docstring; ``p`` from :func:`scipy.stats.ncf.sf`.
    Returns a dict with ``q, F, lam, p, L, N, ssw, sst``.
    """
    n = y.shape[0]
    counts = np.bincount(codes)
    sums = np.bincount(codes, weights=y)
    present = counts > 0
    n_h = counts[present].astype(float)
    mean_h = sums[present] / n_h
    L = int(present.sum())
    ssw = float(((y - (sums / np.where(counts == 0, 1, counts))[codes]) ** 2).sum())
    sst = float(((y - y.mean()) ** 2).sum())
    q = 1.0 - ssw / sst
    q = min(max(q, 0.0), 1.0)
    var = sst / n
    lam = float((np.sum(mean_h**2) - np.sum(np.sqrt(n_h) * mean_h) ** 2 / n) / var)
    lam = max(lam, 0.0)
    v1, v2 = L - 1, n - L
    if v1 < 1 or v2 < 1:
        f_stat, p = np.nan, np.nan
    elif q >= 1.0:
        f_stat, p = np.inf, 0.0
    else:
        f_stat = v2 * q / (v1 * (1.0 - q))
        p = float(stats.ncf.sf(f_stat, v1, v2, lam))
    return {"q": q, "F": f_stat, "lam": lam, "p": p, "L": L, "N": n, "ssw": ssw, "sst": sst}


def interaction_type(q1: float, q2: float, q12: float, tol: float = 1e-10) -> str:
    """Key of the interaction type (rules in the module docstring, first match wins)."""
    if abs(q12 - (q1 + q2)) <= tol:
        return "independent"
    if q12 < min(q1, q2):
        return "nonlinear_weaken"
    if q12 <= max(q1, q2):
        return "univariate_weaken"
    if q12 < q1 + q2:
        return "bivariate_enhance"
    return "nonlinear_enhance"


# ---------------------------------------------------------------------------
# discretisation
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Discretization:
    """Strata of a continuous factor.

    ``codes`` are 0 … k−1 (class i holds ``breaks[i] < x <= breaks[i+1]``; the
    first class also holds ``breaks[0]`` = min); ``breaks`` has k + 1 edges.
    Classes may be empty for equal/std/geometric intervals; quantile and
    natural breaks may give fewer than k classes when values are tied.
    """

    codes: np.ndarray
    breaks: np.ndarray
    method: str
    k: int

    @property
    def counts(self) -> np.ndarray:
        return np.bincount(self.codes, minlength=len(self.breaks) - 1)


def _inner_breaks(x: np.ndarray, method: str, k: int) -> np.ndarray:
    import mapclassify as mc

    if method == "equal":
        return mc.EqualInterval(x, k=k).bins[:-1]
    if method == "quantile":
        return mc.Quantiles(x, k=k).bins[:-1]
    if method == "natural":
        return mc.FisherJenks(x, k=k).bins[:-1]
    if method == "std":
        return x.mean() + x.std() * (np.arange(1, k) - k / 2.0)
    # geometric: a geometric series between min and max (shifted to start at 1 when min <= 0)
    lo, hi = x.min(), x.max()
    off = 1.0 - lo if lo <= 0 else 0.0
    a, b = lo + off, hi + off
    return a * (b / a) ** (np.arange(1, k) / k) - off


def discretize(x: Any, method: str = "quantile", k: int = 5, *, name: str = "x") -> Discretization:
    """Discretise a continuous factor into k classes.

    Methods: ``"equal"`` (equal intervals), ``"quantile"``, ``"natural"``
    (Fisher–Jenks natural breaks, :class:`mapclassify.FisherJenks`), ``"std"``
    (1-standard-deviation intervals around the mean: inner edges at
    ``mean + s·(j − k/2)``, j = 1 … k−1, so an odd k centres a class on the mean;
    outer classes open to min/max), ``"geometric"`` (edges a·r^j between min and
    max, r = (max/min)^(1/k); values are shifted to start at 1 when min ≤ 0).
    Classes are right-closed, as in mapclassify.
    """
    check_choice("method", method, METHODS)
    if not isinstance(k, (int, np.integer)) or k < 2:
        raise InputError(f"k={k!r} must be an integer >= 2 (number of strata)")
    arr = finite_array(x, name)
    if np.ptp(arr) == 0:
        raise ConstantError(f"factor {name!r} is constant; it cannot be discretised into strata")
    k_eff = int(min(k, np.unique(arr).size))
    inner = np.unique(_inner_breaks(arr, method, k_eff)) if k_eff >= 2 else np.array([])
    inner = inner[(inner >= arr.min()) & (inner < arr.max())]
    codes = np.searchsorted(inner, arr, side="left").astype(np.int64)
    breaks = np.concatenate([[arr.min()], inner, [arr.max()]])
    return Discretization(codes, breaks, method, len(breaks) - 1)


def optimal_discretization(
    y: Any,
    x: Any,
    *,
    methods: Sequence[str] = METHODS,
    k_range: tuple[int, int] = (3, 8),
    min_size: int = 2,
    name: str = "x",
) -> tuple[Discretization, pd.DataFrame]:
    """Method and number of classes maximising q (Song et al. 2020, OPGD).

    Tries every method in ``methods`` and k in ``k_range`` (inclusive); a
    candidate is admissible when every non-empty stratum has at least
    ``min_size`` members.  The admissible candidate with the largest q wins
    (ties: smaller k, then the order of ``methods``).  Returns the winning
    :class:`Discretization` and the table of all candidates
    (``method, k, strata, min_count, q, admissible``).
    """
    yv = finite_array(y, "y")
    xv = finite_array(x, name)
    if yv.shape != xv.shape:
        raise InputError(f"y and factor {name!r} differ in length ({yv.shape[0]} vs {xv.shape[0]})")
    lo, hi = k_range
    if not (2 <= lo <= hi):
        raise InputError(f"k_range={k_range!r} must satisfy 2 <= min <= max")
    if min_size < 1:
        raise InputError(f"min_size={min_size!r} must be >= 1")
    check_not_constant(yv, "y")
    rows = []
    best: tuple[float, int, int, Discretization] | None = None
    for mi, m in enumerate(methods):
        check_choice("method", m, METHODS)
        for k in range(lo, hi + 1):
            d = discretize(xv, m, k, name=name)
            cnt = d.counts[d.counts > 0]
            q = q_kernel(yv, d.codes)["q"]
            ok = bool(cnt.min() >= min_size and cnt.size >= 2)
            rows.append({"method": m, "k": k, "strata": int(cnt.size), "min_count": int(cnt.min()), "q": q, "admissible": ok})
            if ok:
                key = (q, -k, -mi)
                if best is None or key > best[:3]:
                    best = (*key, d)  # type: ignore[assignment]
    table = pd.DataFrame(rows)
    if best is None:
        raise InputError(
            f"no discretisation of factor {name!r} keeps every stratum at >= {min_size} members "
            f"for k in {k_range}; lower min_size or k_range"
        )
    return best[3], table


# ---------------------------------------------------------------------------
# result
# ---------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class GeoDetectorResult(Result):
    """Factor, interaction, risk and ecological detector results.

    Attributes
    ----------
    y : str
        Response name.
    factors : tuple of str
    strata : DataFrame
        The stratum label of every unit for every factor (rows as the input).
    factor : DataFrame
        Per factor: ``q``, ``F``, ``p`` (non-central F, one-sided upper tail),
        ``lambda``, ``strata`` (L), ``n`` (observations used), ``n_excluded``
        (observations of single-member strata dropped), ``discretization``.
    interaction : DataFrame
        Per pair: ``q1, q2, q12, type`` (key of
        :data:`~spatialregion.labels.INTERACTION_TYPES`), ``type_zh``, ``type_en``,
        ``n_excluded``.
    risk_means : dict of DataFrame
        Per factor: ``n``, ``mean``, ``std`` (ddof=1) of Y by stratum (and the
        stratum's value ``range`` for discretised factors).
    risk_tests : dict of DataFrame
        Per factor: Welch t test of every pair of strata (``t, df, p,
        significant``; p two-sided).
    ecological : DataFrame
        Per pair: ``F``, ``df1``, ``df2``, ``p`` and ``significant``.
    discretization : dict
        Factor → :class:`Discretization` for discretised factors.
    singletons, alpha, tol, alternative
        Settings used.
    """

    y: str
    factors: tuple[str, ...]
    strata: pd.DataFrame
    factor: pd.DataFrame
    interaction: pd.DataFrame
    risk_means: dict[str, pd.DataFrame]
    risk_tests: dict[str, pd.DataFrame]
    ecological: pd.DataFrame
    discretization: dict[str, Discretization] = field(default_factory=dict)
    singletons: str = "drop"
    alpha: float = 0.05
    tol: float = 1e-10
    alternative: str = "two-sided"

    # -- views -----------------------------------------------------------
    @property
    def q(self) -> pd.Series:
        """q of every factor."""
        return self.factor["q"]

    def interaction_matrix(self, value: Literal["q12", "type"] = "q12") -> pd.DataFrame:
        """Symmetric factor × factor matrix of q12 (diagonal: q) or of type keys."""
        f = list(self.factors)
        if value == "q12":
            mat = pd.DataFrame(np.diag(self.factor["q"].to_numpy()), index=f, columns=f)
        else:
            mat = pd.DataFrame("", index=f, columns=f)
        for (a, b), row in self.interaction.iterrows():
            mat.loc[a, b] = mat.loc[b, a] = row[value]
        return mat

    def to_frame(self) -> pd.DataFrame:
        """Per unit: the response and the stratum of every factor (GeoDataFrame when geometry is known)."""
        return self._with_geometry(self.strata.copy())

    def summary(self) -> Summary:
        fac = self.factor[["q", "p", "strata", "n", "n_excluded", "discretization"]].copy()
        fac.insert(2, "sig.", [_stars(p) for p in fac["p"]])
        tables = [SummaryTable("Factor detector 因子探测", fac)]
        if len(self.factors) >= 2:
            q12 = self.interaction_matrix("q12")
            typ = self.interaction_matrix("type")
            zh = {x.key: x.zh for x in labels.INTERACTION_TYPES}
            f = list(self.factors)
            lower = pd.DataFrame("", index=f, columns=f)
            for i, a in enumerate(f):
                for j, b in enumerate(f):
                    if j < i:
                        lower.loc[a, b] = f"{q12.loc[a, b]:.4f} {zh[typ.loc[a, b]]}"
                    elif i == j:
                        lower.loc[a, b] = f"{q12.loc[a, b]:.4f}"
            tables.append(SummaryTable("Interaction detector 交互探测 (q12, type)", lower))
            eco = self.ecological.copy()
            tables.append(SummaryTable(f"Ecological detector 生态探测 (F test, {self.alternative})", eco))
        for fname, means in self.risk_means.items():
            tables.append(SummaryTable(f"Risk detector 风险探测: mean of {self.y} by stratum of {fname}", means))
        notes = [
            "p of q: non-central F (Wang, Zhang & Fu 2016); *** p<0.01, ** p<0.05, * p<0.1.",
            f"Singleton strata: {self.singletons} (n_excluded counts dropped observations).",
            f"Interaction 'independent' when |q12 − (q1+q2)| <= {self.tol:g}.",
        ]
        return Summary(f"Geographic detector 地理探测器: {self.y}", tuple(tables), tuple(notes))

    def _style(self):
        from . import export

        col = self.factors[0]
        vals = sorted(self.strata[col].unique(), key=str)
        colors = _qualitative(len(vals))
        return export.categorized(col, vals, colors, [str(v) for v in vals], title=f"{col} strata")

    def plot(self, ax: Any = None, kind: Literal["factor", "interaction", "map"] = "factor", **kwargs: Any):
        """Bar chart of q (``kind="factor"``), interaction heat map, or a map of the first factor's strata."""
        if kind == "map":
            return super().plot(ax=ax, **kwargs)
        import matplotlib.pyplot as plt

        from . import maps

        maps.use_cjk_font()
        if ax is None:
            _, ax = plt.subplots(figsize=(6, 0.5 + 0.45 * len(self.factors)) if kind == "factor" else (6, 5))
        if kind == "factor":
            fac = self.factor.sort_values("q")
            colors = ["#b2182b" if p < self.alpha else "#999999" for p in fac["p"]]
            ax.barh(fac.index.astype(str), fac["q"], color=colors)
            for i, (q, p) in enumerate(zip(fac["q"], fac["p"])):
                ax.text(q, i, f" {q:.3f}{_stars(p)}", va="center", fontsize=8)
            ax.set_xlabel("q")
            ax.set_xlim(0, min(1.0, fac["q"].max() * 1.25 + 0.05))
            ax.set_title(f"Factor detector: {self.y}")
        else:
            mat = self.interaction_matrix("q12").astype(float)
            im = ax.imshow(mat.to_numpy(), cmap="YlOrRd", vmin=0, vmax=1)
            ax.set_xticks(range(len(mat)), mat.columns, rotation=45, ha="right")
            ax.set_yticks(range(len(mat)), mat.index)
            for i in range(len(mat)):
                for j in range(len(mat)):
                    ax.text(j, i, f"{mat.iat[i, j]:.2f}", ha="center", va="center", fontsize=8)
            ax.figure.colorbar(im, ax=ax, label="q12")
            ax.set_title(f"Interaction detector: {self.y}")
        return ax


def _qualitative(n: int) -> list[str]:
    import matplotlib

    cmap = matplotlib.colormaps["tab20" if n > 10 else "tab10"]
    return [matplotlib.colors.to_hex(cmap(i % cmap.N)) for i in range(n)]


def _stars(p: float) -> str:
    if not np.isfinite(p):
        return ""
    return "***" if p < 0.01 else "**" if p < 0.05 else "*" if p < 0.1 else ""


# ---------------------------------------------------------------------------
# the detector
# ---------------------------------------------------------------------------
def _factor_strata(
    data: pd.DataFrame, f: str, spec: Any, k: int, y: np.ndarray, k_range: tuple[int, int], min_size: int
) -> tuple[np.ndarray, Discretization | None, str]:
    col = data[f]
    if col.isna().any():
        raise MissingValueError(
            f"factor {f!r} has missing values in {describe_rows(data.index[col.isna()])}; "
            "drop or impute them first (spatialregion never drops rows silently)"
        )
    numeric = pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col)
    if isinstance(spec, Mapping):
        spec = spec.get(f)
    if spec is None:
        if numeric and pd.api.types.is_float_dtype(col) and not np.allclose(col, np.round(col)):
            raise InputError(
                f"factor {f!r} looks continuous ({col.nunique()} distinct non-integer values); discretise it: "
                f"discretize='quantile' (or 'equal', 'natural', 'std', 'geometric', 'optimal'), "
                f"or discretize={{{f!r}: [edges...]}}"
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
            d, _ = optimal_discretization(y, x, k_range=k_range, min_size=min_size, name=f)
        else:
            check_choice(f"discretize for factor {f!r}", spec, (*METHODS, "optimal"))
            if np.unique(x).size <= k:
                return x, None, "as given"
            d = discretize(x, spec, k, name=f)
    elif isinstance(spec, tuple) and len(spec) == 2 and isinstance(spec[0], str):
        d = discretize(x, spec[0], int(spec[1]), name=f)
    else:  # explicit edges
        edges = np.sort(finite_array(spec, f"breaks of factor {f!r}"))
        inner = edges[(edges > x.min()) & (edges < x.max())]
        codes = np.searchsorted(inner, x, side="left").astype(np.int64)
        d = Discretization(codes, np.concatenate([[x.min()], inner, [x.max()]]), "user", inner.size + 1)
    return d.codes, d, f"{d.method}, k={d.k}"


def _response_and_factors(data: Any, y: str, factors: Any) -> list[str]:
    """Validate a response column and factor columns of ``data``; return the factor list."""
    if not isinstance(data, pd.DataFrame):
        raise InputError("data must be a DataFrame or GeoDataFrame with the response and factor columns")
    factors = [factors] if isinstance(factors, str) else list(factors)
    if not factors:
        raise InputError("factors is empty; pass at least one factor column")
    missing = [c for c in [y, *factors] if c not in data.columns]
    if missing:
        raise InputError(f"column(s) {missing} not in the data; available: {list(data.columns)[:20]}")
    if y in factors:
        raise InputError(f"the response {y!r} is also listed as a factor")
    if len(set(factors)) != len(factors):
        raise InputError(f"factors has duplicates: {factors}")
    check_unique_ids(data.index, "data index")
    return factors


def geodetector(
    data: pd.DataFrame,
    y: str,
    factors: Sequence[str],
    *,
    discretize: str | Mapping[str, Any] | None = None,
    k: int = 5,
    k_range: tuple[int, int] = (3, 8),
    min_size: int = 2,
    singletons: Singletons = "drop",
    alpha: float = 0.05,
    tol: float = 1e-10,
    alternative: Literal["two-sided", "greater"] = "two-sided",
) -> GeoDetectorResult:
    """Run the factor, interaction, risk and ecological detectors.

    Formulas, conventions and references: module docstring.

    Parameters
    ----------
    data : DataFrame or GeoDataFrame
        One row per unit (no missing values in ``y`` or the factors).
    y : str
        Response column (numeric, not constant).
    factors : list of str
        Factor columns.  Categorical (text, category, integer codes) factors are
        used as strata as given.  Continuous factors must be discretised.
    discretize : None, str or mapping
        None: use every factor as given (a float factor with non-integer values
        raises).  A method name (``"equal"``, ``"quantile"``, ``"natural"``,
        ``"std"``, ``"geometric"``) or ``"optimal"`` applies to every numeric
        factor with more than ``k`` (``k_range[0]`` for "optimal") distinct
        values; a mapping ``{factor: method | (method, k) | [edges] | None}`` sets
        factors one by one.
    k : int
        Number of classes for a method name.
    k_range, min_size
        Search range and minimum stratum size of ``"optimal"`` (see
        :func:`optimal_discretization`).
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
    """
    check_choice("singletons", singletons, ("drop", "keep", "raise"))
    check_choice("alternative", alternative, ("two-sided", "greater"))
    factors = _response_and_factors(data, y, factors)
    yv = finite_array(data[y].to_numpy(dtype=float, na_value=np.nan), y, list(data.index))
    check_not_constant(yv, f"response {y!r}")
    if isinstance(discretize, Mapping):
        unknown = [f for f in discretize if f not in factors]
        if unknown:
            raise InputError(f"discretize names unknown factor(s) {unknown}; factors are {factors}")

    strata: dict[str, np.ndarray] = {}
    codes: dict[str, np.ndarray] = {}
    discs: dict[str, Discretization] = {}
    rows = []
    for f in factors:
        raw, d, how = _factor_strata(data, f, discretize, k, yv, k_range, min_size)
        strata[f] = raw if d is None else d.codes
        c, uniq = _strata_codes(strata[f])
        codes[f] = c
        if d is not None:
            discs[f] = d
        if uniq.size < 2:
            raise ConstantError(f"factor {f!r} has a single stratum ({uniq[0]!r}); q is undefined")
        mask = _apply_singletons(yv, c, singletons, f"factor {f!r}", uniq)
        cc, _ = _strata_codes(c[mask])
        if np.unique(cc).size < 2:
            raise InputError(f"factor {f!r} has fewer than 2 strata with 2 or more members; q is undefined")
        if np.ptp(yv[mask]) == 0:
            raise ConstantError(f"response {y!r} is constant over the units kept for factor {f!r}")
        r = q_kernel(yv[mask], cc)
        rows.append(
            {
                "factor": f,
                "q": r["q"],
                "F": r["F"],
                "p": r["p"],
                "lambda": r["lam"],
                "strata": r["L"],
                "n": r["N"],
                "n_excluded": int((~mask).sum()),
                "discretization": how,
                "_ssw": r["ssw"],
            }
        )
    fac = pd.DataFrame(rows).set_index("factor")
    fac["significant"] = fac["p"] < alpha

    inter_rows, eco_rows = [], []
    lab = {x.key: x for x in labels.INTERACTION_TYPES}
    for a, b in combinations(factors, 2):
        combo, _ = _strata_codes(codes[a] * (int(codes[b].max()) + 1) + codes[b])
        mask = _apply_singletons(yv, combo, singletons, f"interaction {a!r} × {b!r}")
        cc, _ = _strata_codes(combo[mask])
        q12 = q_kernel(yv[mask], cc)["q"]
        q1, q2 = fac.at[a, "q"], fac.at[b, "q"]
        t = interaction_type(q1, q2, q12, tol)
        inter_rows.append(
            {"factor_1": a, "factor_2": b, "q1": q1, "q2": q2, "q12": q12, "type": t,
             "type_zh": lab[t].zh, "type_en": lab[t].en, "n_excluded": int((~mask).sum())}
        )
        n1, n2 = fac.at[a, "n"], fac.at[b, "n"]
        s1, s2 = fac.at[a, "_ssw"], fac.at[b, "_ssw"]
        df1, df2 = n1 - 1, n2 - 1
        if s2 == 0:
            f_stat = np.inf if s1 > 0 else np.nan
        else:
            f_stat = n1 * (n2 - 1) * s1 / (n2 * (n1 - 1) * s2)
        if not np.isfinite(f_stat):
            p = 0.0 if np.isinf(f_stat) else np.nan
        elif alternative == "greater":
            p = float(stats.f.sf(f_stat, df1, df2))
        else:
            p = float(min(1.0, 2.0 * min(stats.f.sf(f_stat, df1, df2), stats.f.cdf(f_stat, df1, df2))))
        eco_rows.append({"factor_1": a, "factor_2": b, "F": f_stat, "df1": int(df1), "df2": int(df2), "p": p, "significant": bool(p < alpha)})
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

    strata_frame = pd.DataFrame({y: yv, **strata}, index=data.index)
    geometry = data.geometry if _is_gdf(data) else None
    return GeoDetectorResult(
        y=y,
        factors=tuple(factors),
        strata=strata_frame,
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
        geometry=geometry,
    )


def _welch_pairs(means: pd.DataFrame, alpha: float) -> pd.DataFrame:
    """Welch's t test for every pair of strata with >= 2 members, vectorised over pairs.

    ``t = (Ȳ1 − Ȳ2) / sqrt(s1²/n1 + s2²/n2)``, Welch–Satterthwaite
    ``df = (s1²/n1 + s2²/n2)² / ((s1²/n1)²/(n1−1) + (s2²/n2)²/(n2−1))``, two-sided p
    (as :func:`scipy.stats.ttest_ind` with ``equal_var=False``).
    """
    cols = ["stratum_1", "stratum_2", "mean_1", "mean_2", "t", "df", "p", "significant"]
    ok = means[means["n"] >= 2]
    if len(ok) < 2:
        return pd.DataFrame(columns=cols)
    i, j = np.triu_indices(len(ok), k=1)
    n = ok["n"].to_numpy(dtype=float)
    m = ok["mean"].to_numpy()
    se2 = ok["std"].to_numpy() ** 2 / n
    num = m[i] - m[j]
    den2 = se2[i] + se2[j]
    with np.errstate(divide="ignore", invalid="ignore"):
        t = num / np.sqrt(den2)
        dof = den2**2 / (se2[i] ** 2 / (n[i] - 1) + se2[j] ** 2 / (n[j] - 1))
        p = 2.0 * stats.t.sf(np.abs(t), dof)
    zero = den2 == 0  # both strata constant: equal means → undefined, different → p = 0
    t = np.where(zero & (num == 0), np.nan, t)
    p = np.where(zero, np.where(num == 0, np.nan, 0.0), p)
    dof = np.where(zero, np.nan, dof)
    lab = ok.index.to_numpy()
    return pd.DataFrame(
        {"stratum_1": lab[i], "stratum_2": lab[j], "mean_1": m[i], "mean_2": m[j], "t": t, "df": dof, "p": p,
         "significant": p < alpha},
        columns=cols,
    )


def _is_gdf(data: Any) -> bool:
    try:
        import geopandas as gpd
    except ImportError:  # pragma: no cover
        return False
    return isinstance(data, gpd.GeoDataFrame)
