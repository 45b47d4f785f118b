"""Array kernels of the geographic detector: strata codes, q and its F test, interaction types, Welch tests."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import InputError


def _strata_codes(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes 0..L-1 and the sorted stratum labels."""
    codes, uniq = pd.factorize(pd.Series(x), sort=True)
    return codes.astype(np.int64), np.asarray(uniq)


def _apply_singletons(codes: np.ndarray, policy: str, what: str, uniq: np.ndarray | None = None) -> np.ndarray:
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
    r"""q, F, λ and p of one stratification (no singleton handling; codes 0..L-1 dense or not).

    ``SSW = Σ_i (y_i − Ȳ_{h(i)})²``, ``SST = Σ_i (y_i − ȳ)²``, ``q = 1 − SSW/SST``;
    ``F = (N − L)/(L − 1) · q/(1 − q)``, non-central F(L − 1, N − L; λ) with
    ``λ = [Σ_h Ȳ_h² − (Σ_h √N_h Ȳ_h)² / N] / σ²``; ``p`` from :func:`scipy.stats.ncf.sf`.

    Parameters
    ----------
    y : ndarray, shape (n,)
        Response values.
    codes : ndarray of int, shape (n,)
        Stratum code of every observation.

    Returns
    -------
    dict
        ``q, F, lam, p, L, N, ssw, sst``.

    References
    ----------
    Wang, J.F., Zhang, T.L., Fu, B.J. (2016). A measure of spatial stratified heterogeneity.
    Ecological Indicators 67: 250–256.
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
    """Key of the interaction type of two factors (Wang & Xu 2017; first match wins).

    1. ``|q12 − (q1 + q2)| <= tol`` → independent;
    2. ``q12 < min(q1, q2)`` → nonlinear_weaken;
    3. ``q12 <= max(q1, q2)`` → univariate_weaken;
    4. ``q12 < q1 + q2`` → bivariate_enhance;
    5. otherwise → nonlinear_enhance.

    Parameters
    ----------
    q1, q2 : float
        q of each factor.
    q12 : float
        q of the crossed strata.
    tol : float
        Tolerance of rule 1.

    Returns
    -------
    str
        A key of :data:`spatialregion.labels.INTERACTION_TYPES`.
    """
    if abs(q12 - (q1 + q2)) <= tol:
        return "independent"
    if q12 < min(q1, q2):
        return "nonlinear_weaken"
    if q12 <= max(q1, q2):
        return "univariate_weaken"
    if q12 < q1 + q2:
        return "bivariate_enhance"
    return "nonlinear_enhance"


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


def _ecological_f(n1: int, n2: int, s1: float, s2: float, alternative: str) -> tuple[float, float]:
    """F = N1 (N2 − 1) SSW1 / (N2 (N1 − 1) SSW2) with df (N1 − 1, N2 − 1) and its p."""
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
    return f_stat, p
