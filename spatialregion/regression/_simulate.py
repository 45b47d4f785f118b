"""Simulated spatial Durbin panels from a stated data-generating process.

    y_t = (I − ρW)⁻¹ (X_t β + W X_t θ + μ + α_t 1 + ε_t),   t = 1 … T,

with x_kt = 0.5·μ + N(0, 1) (regressors correlated with the unit effects, so
that fixed effects matter), μ_i ~ N(0, 1), α_t = 0.2·t, ε_t ~ N(0, σ²).
Used by the shipped provincial panel, the example and the benchmark.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.linalg import splu

from .._validation import rng_from_seed


def simulate_sdm_panel(W: sp.spmatrix, ids, periods, *, rho: float = 0.3, beta=(1.0, -0.5), theta=(0.4, 0.2),
                       sigma: float = 0.5, seed=0) -> pd.DataFrame:
    """A long panel ``(id, period, y, x1, x2, …)`` from the module's DGP.

    Parameters
    ----------
    W : scipy sparse matrix
        N×N weights (used as given; row-standardise them first for the usual DGP).
    ids, periods : sequence
        Unit ids (rows of W) and period labels.
    rho, beta, theta, sigma : float and sequences
        ρ, β_k, θ_k and the standard deviation of ε.
    seed : int or numpy.random.Generator

    Returns
    -------
    pandas.DataFrame
        Columns ``id, period, y, x1 … xk`` (period-major rows).
    """
    rng = rng_from_seed(seed)
    W = sp.csr_matrix(W)
    n, t, k = W.shape[0], len(periods), len(beta)
    mu = rng.normal(size=n)
    X = 0.5 * mu[None, :, None] + rng.normal(size=(t, n, k))
    solve = splu((sp.identity(n, format="csc") - rho * W).tocsc()).solve
    y = np.empty((t, n))
    for s in range(t):
        rhs = X[s] @ np.asarray(beta) + (W @ X[s]) @ np.asarray(theta) + mu + 0.2 * (s + 1) + sigma * rng.normal(size=n)
        y[s] = solve(rhs)
    out = pd.DataFrame({"id": np.tile(np.asarray(ids), t), "period": np.repeat(np.asarray(periods), n), "y": y.ravel()})
    for j in range(k):
        out[f"x{j + 1}"] = X[..., j].ravel()
    return out
