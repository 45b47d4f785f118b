"""Direct, indirect and total effects (LeSage & Pace 2009, §2.7 and §5.6).

For y = ρWy + Xβ + WXθ + ε the matrix of partial derivatives of y with
respect to x_k is S_k(W) = (I − ρW)⁻¹(β_k I + θ_k W); the direct effect is the
mean of its diagonal, the total effect the mean row sum and the indirect
(spillover) effect their difference:

    direct_k = β_k·tr(B⁻¹)/N + θ_k·tr(B⁻¹W)/N,
    total_k  = β_k·1'B⁻¹1/N + θ_k·1'B⁻¹W1/N   (= (β_k + θ_k)/(1 − ρ) for row-standardised W),

with B = I − ρW.  The traces come from :class:`~._logdet.Spectrum` (eigenvalues
or the power series), so no N×N inverse is formed, neither at the estimate
nor per simulation draw.  Models without ρ (SLX, SEM, SDEM) have direct = β,
total = β + θ·1'W1/N.

Inference: ``"simulation"`` draws (β, θ, ρ) from N(θ̂, V̂) (the ML asymptotic
distribution; draws with ρ outside the stable interval are discarded) and
reports the standard deviation of the effects over the draws; ``"delta"``
uses the gradient of the effects at the estimates (ρ-derivatives by central
differences of the trace functions, step 1e-6).  Point estimates are the
effects at the ML estimates in both cases; z = estimate/se, p two-sided
normal.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from .._validation import check_choice, rng_from_seed
from ..errors import InputError
from ._logdet import Spectrum

KINDS = ("direct", "indirect", "total")


def _index(names: list[str]) -> tuple[list[str], list[int], list[int | None]]:
    base = [c for c in names if c != "const" and not c.startswith("W_")]
    ib = [names.index(c) for c in base]
    it = [names.index(f"W_{c}") if f"W_{c}" in names else None for c in base]
    return base, ib, it


def _effects(beta: np.ndarray, theta: np.ndarray, coefs: tuple[np.ndarray, ...]) -> np.ndarray:
    """(draws, 3, k) array of direct, indirect, total for each row of beta/theta (draws, k)."""
    a, b, c0, c1 = (c[:, None] for c in coefs)
    direct = beta * a + theta * b
    total = beta * c0 + theta * c1
    return np.stack([direct, total - direct, total], axis=1)


def compute(
    names: list[str],
    params: np.ndarray,
    cov: np.ndarray,
    spec: Spectrum | None,
    spatial_lag: bool,
    *,
    method: str = "simulation",
    draws: int = 1000,
    seed=None,
    one_w_one: float = 1.0,
) -> pd.DataFrame:
    """Effects table: index = regressors, columns direct, direct_se, direct_z, direct_p, … total_p.

    ``params``/``cov`` hold the coefficients named by ``names`` followed by ρ
    (when ``spatial_lag``) — σ² excluded.
    """
    check_choice("method", method, ("simulation", "delta"))
    base, ib, it = _index(names)
    if not base:
        raise InputError("the model has no regressors whose effects could be computed")
    k = len(base)
    pos = ib + [j for j in it if j is not None] + ([len(names)] if spatial_lag else [])
    mean = params[pos]
    V = cov[np.ix_(pos, pos)]
    has_t = np.array([j is not None for j in it])
    ntheta = int(has_t.sum())

    def unpack(p: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        p = np.atleast_2d(p)
        beta = p[:, :k]
        theta = np.zeros_like(beta)
        theta[:, has_t] = p[:, k : k + ntheta]
        rho = p[:, -1] if spatial_lag else np.zeros(p.shape[0])
        return beta, theta, rho

    def coefs(rho: np.ndarray) -> tuple[np.ndarray, ...]:
        if spatial_lag:
            return spec.effect_coefficients(rho)
        one = np.ones_like(rho)
        return one, 0.0 * one, one, one_w_one * one

    beta, theta, rho = unpack(mean)
    point = _effects(beta, theta, coefs(rho))[0]  # (3, k)
    if method == "delta":
        grad = np.zeros((3, k, mean.size))
        c = coefs(rho)
        ca, cb, cc0, cc1 = (float(v[0]) for v in c)
        for j in range(k):
            grad[0, j, j] = ca
            grad[2, j, j] = cc0
            if has_t[j]:
                jt = k + int(has_t[:j].sum())
                grad[0, j, jt] = cb
                grad[2, j, jt] = cc1
        if spatial_lag:
            h = 1e-6
            up = _effects(beta, theta, coefs(rho + h))[0]
            dn = _effects(beta, theta, coefs(rho - h))[0]
            grad[:, :, -1] = (up - dn) / (2 * h)
        grad[1] = grad[2] - grad[0]
        se = np.sqrt(np.einsum("ekp,pq,ekq->ek", grad, V, grad))
        note = "delta method"
    else:
        if not isinstance(draws, (int, np.integer)) or draws < 2:
            raise InputError(f"draws must be an int ≥ 2 (e.g. 1000), got {draws!r}")
        rng = rng_from_seed(seed)
        sample = rng.multivariate_normal(mean, V, size=draws, method="eigh")
        b_d, t_d, r_d = unpack(sample)
        if spatial_lag:
            lo, hi = spec.bounds
            ok = (r_d > lo) & (r_d < hi)
            b_d, t_d, r_d = b_d[ok], t_d[ok], r_d[ok]
        sims = _effects(b_d, t_d, coefs(r_d))
        se = sims.std(axis=0, ddof=1)
        note = f"simulation, {draws} draws ({sims.shape[0]} with ρ in the stable interval)"
    z = point / se
    p = 2.0 * stats.norm.sf(np.abs(z))
    cols = {}
    for e, kind in enumerate(KINDS):
        cols[kind] = point[e]
        cols[f"{kind}_se"] = se[e]
        cols[f"{kind}_z"] = z[e]
        cols[f"{kind}_p"] = p[e]
    out = pd.DataFrame(cols, index=pd.Index(base, name="variable"))
    out.attrs["method"] = note
    return out
