"""Discretisation of continuous factors into strata, and the optimal (q-maximising) choice."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._classify import break_codes, equal_interval_bins, fisher_jenks_bins, quantile_bins
from .._validation import check_choice, check_column, check_not_constant, finite_array
from ..errors import ConstantError, InputError
from ._kernels import q_kernel

#: discretisation schemes for continuous factors (mapclassify's names; "geometric" has no mapclassify twin)
SCHEMES = ("quantiles", "equal_interval", "fisher_jenks", "std_mean", "geometric")


@dataclass(frozen=True)
class Discretization:
    """Strata of a continuous factor.

    ``codes`` are 0 … k−1 (class i holds ``breaks[i] < x <= breaks[i+1]``; the
    first class also holds ``breaks[0]`` = min); ``breaks`` has k + 1 edges.
    Edges outside the data are dropped, so outer classes are never empty;
    quantiles and Fisher–Jenks may give fewer than k classes when values are tied.

    Attributes
    ----------
    codes : ndarray of int
        Stratum of every unit.
    breaks : ndarray
        Class edges, min first, max last.
    scheme : str
        Scheme name, or ``"user_defined"``.
    k : int
        Number of classes.
    """

    codes: np.ndarray
    breaks: np.ndarray
    scheme: str
    k: int

    @property
    def counts(self) -> np.ndarray:
        """Units per class."""
        return np.bincount(self.codes, minlength=len(self.breaks) - 1)


def _std_multiples(k: int) -> np.ndarray:
    """mapclassify StdMean multiples for k classes: ±1 … ±(k−1)/2, with 0 when k is even."""
    half = (k - 1) // 2
    m = np.arange(-half, half + 1, dtype=float)
    return m if (k - 1) % 2 else m[m != 0]


def _inner_breaks(x: np.ndarray, scheme: str, k: int) -> np.ndarray:
    if scheme == "equal_interval":
        return equal_interval_bins(x, k)[:-1]
    if scheme == "quantiles":
        return quantile_bins(x, k)[:-1]
    if scheme == "fisher_jenks":
        return fisher_jenks_bins(x, k)[:-1]
    if scheme == "std_mean":
        return x.mean() + x.std(ddof=1) * _std_multiples(k)
    # geometric: a geometric series between min and max (shifted to start at 1 when min <= 0)
    lo, hi = x.min(), x.max()
    off = 1.0 - lo if lo <= 0 else 0.0
    a, b = lo + off, hi + off
    return a * (b / a) ** (np.arange(1, k) / k) - off


def _values(data: Any, column: str | None, what: str) -> tuple[np.ndarray, str]:
    if isinstance(data, pd.DataFrame):
        if column is None:
            raise InputError(f"data is a DataFrame: pass the {what} column name")
        check_column(column, data, what=what)
        return finite_array(data[column].to_numpy(dtype=float, na_value=np.nan), column, list(data.index)), column
    if column is not None:
        raise InputError(f"column={column!r} names a DataFrame column, but data is a {type(data).__name__}")
    name = getattr(data, "name", None) or "x"
    return finite_array(np.asarray(data, dtype=float), str(name)), str(name)


def _discretize(x: np.ndarray, scheme: str, k: int, name: str) -> Discretization:
    check_choice("scheme", scheme, SCHEMES)
    if not isinstance(k, (int, np.integer)) or isinstance(k, bool) or k < 2:
        raise InputError(f"k={k!r} must be an integer >= 2 (number of strata)")
    if np.ptp(x) == 0:
        raise ConstantError(f"factor {name!r} is constant; it cannot be discretised into strata")
    k_eff = int(min(k, np.unique(x).size))
    inner = np.unique(_inner_breaks(x, scheme, k_eff)) if k_eff >= 2 else np.array([])
    inner = inner[(inner >= x.min()) & (inner < x.max())]
    codes = break_codes(x, inner)
    breaks = np.concatenate([[x.min()], inner, [x.max()]])
    return Discretization(codes, breaks, scheme, len(breaks) - 1)


def discretize(data: Any, column: str | None = None, *, scheme: str = "quantiles", k: int = 5) -> Discretization:
    """Discretise a continuous factor into k classes (strata).

    Schemes (mapclassify's names; breaks equal to mapclassify's ``bins``, tested):

    * ``"quantiles"``: upper bounds at the 100·i/k percentiles;
    * ``"equal_interval"``: k intervals of width (max − min)/k;
    * ``"fisher_jenks"``: Jenks natural breaks by Fisher's exact algorithm;
    * ``"std_mean"``: mapclassify's ``StdMean``: inner edges at ``mean + m·s``
      (s the sample s.d., ddof = 1) for the multiples m = ±1, …, ±(k−1)/2
      (and 0 when k is even); k = 5 gives mapclassify's default [−2, −1, 1, 2];
    * ``"geometric"``: edges a·r^j between min and max, r = (max/min)^(1/k);
      values are shifted to start at 1 when min ≤ 0.

    Classes are right-closed, as in mapclassify; edges outside the data are dropped.

    Parameters
    ----------
    data : array-like, Series or DataFrame
        The factor's values, or a table holding them.
    column : str, optional
        The factor column when ``data`` is a DataFrame.
    scheme : str
        One of :data:`SCHEMES`.
    k : int
        Number of classes (≥ 2; fewer when the data have fewer distinct values).

    Returns
    -------
    Discretization
        Codes, edges, scheme and number of classes.

    References
    ----------
    Fisher, W. D. (1958). On grouping for maximum homogeneity. JASA 53: 789–798.
    Rey, S. J., et al. mapclassify (classification schemes for choropleth maps).
    """
    x, name = _values(data, column, "factor")
    return _discretize(x, scheme, k, name)


def _optimal(y: np.ndarray, x: np.ndarray, schemes: Sequence[str], k_range: tuple[int, int], min_size: int, name: str):
    lo, hi = k_range
    if not (2 <= lo <= hi):
        raise InputError(f"k_range={k_range!r} must satisfy 2 <= min <= max")
    if min_size < 1:
        raise InputError(f"min_size={min_size!r} must be >= 1")
    check_not_constant(y, "response")
    rows = []
    best: tuple[Any, ...] | None = None
    for si, s in enumerate(schemes):
        check_choice("scheme", s, SCHEMES)
        for k in range(lo, hi + 1):
            d = _discretize(x, s, k, name)
            cnt = d.counts[d.counts > 0]
            q = q_kernel(y, d.codes)["q"]
            ok = bool(cnt.min() >= min_size and cnt.size >= 2)
            rows.append({"scheme": s, "k": k, "strata": int(cnt.size), "min_count": int(cnt.min()), "q": q, "admissible": ok})
            if ok:
                key = (q, -k, -si)
                if best is None or key > best[:3]:
                    best = (*key, d)
    table = pd.DataFrame(rows)
    if best is None:
        raise InputError(
            f"no discretisation of factor {name!r} keeps every stratum at >= {min_size} members "
            f"for k in {k_range}; lower min_size or k_range"
        )
    return best[3], table


def optimal_discretization(
    data: pd.DataFrame,
    column: str,
    *,
    factor: str,
    schemes: Sequence[str] = SCHEMES,
    k_range: tuple[int, int] = (3, 8),
    min_size: int = 2,
) -> tuple[Discretization, pd.DataFrame]:
    """Scheme and number of classes of a factor that maximise q of the response (Song et al. 2020, OPGD).

    Tries every scheme in ``schemes`` and k in ``k_range`` (inclusive); a
    candidate is admissible when every non-empty stratum has at least
    ``min_size`` members.  The admissible candidate with the largest q wins
    (ties: smaller k, then the order of ``schemes``).

    Parameters
    ----------
    data : DataFrame
        One row per unit.
    column : str
        The response column.
    factor : str
        The continuous factor column.
    schemes : sequence of str
        Candidate schemes (:data:`SCHEMES`).
    k_range : (int, int)
        Smallest and largest number of classes.
    min_size : int
        Fewest members of a stratum.

    Returns
    -------
    tuple of (Discretization, DataFrame)
        The winning discretisation and the table of all candidates
        (``scheme, k, strata, min_count, q, admissible``).

    References
    ----------
    Song, Y., Wang, J., Ge, Y., Xu, C. (2020). An optimal parameters-based geographical detector
    model enhances geographic characteristics of explanatory variables for spatial heterogeneity
    analysis. GIScience & Remote Sensing 57(5): 593–610.
    """
    if not isinstance(data, pd.DataFrame):
        raise InputError("data must be a DataFrame holding the response column and the factor column")
    y, _ = _values(data, column, "response")
    x, name = _values(data, factor, "factor")
    return _optimal(y, x, schemes, k_range, min_size, name)
