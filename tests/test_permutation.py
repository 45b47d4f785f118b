"""Conditional-permutation kernel (spatialregion._permutation).

Cases covered: the unrolled prefetching fast path (units with 1–8 neighbours) makes exactly
the same draws as the generic path — equal tail counts and (to rounding) equal moments on a
random graph mixing 0–11 neighbours, with binary, row-standardised and arbitrary weights and
integer-valued (tie-prone) data; same seed ⇒ same counts; pseudo-p conventions.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse

from spatialregion import _permutation as pm


def random_graph(n: int, rng: np.random.Generator, kind: str) -> sparse.csr_matrix:
    rows, cols = [], []
    for i in range(n):
        k = int(rng.integers(0, 12))
        nb = rng.choice(np.delete(np.arange(n), i), size=k, replace=False)
        rows += [i] * k
        cols += list(nb)
    data = np.ones(len(rows))
    A = sparse.csr_matrix((data, (rows, cols)), shape=(n, n))
    if kind == "R":
        d = np.asarray(A.sum(axis=1)).ravel()
        A = sparse.diags(np.where(d > 0, 1 / np.maximum(d, 1), 0)) @ A
    elif kind == "random":
        A.data = rng.uniform(0.1, 2.0, size=A.data.size)
    A = sparse.csr_matrix(A)
    A.sort_indices()
    return A


@pytest.mark.parametrize("kind", ["B", "R", "random"])
@pytest.mark.parametrize("integer", [False, True])
def test_fast_path_equals_generic(kind, integer):
    rng = np.random.default_rng(7)
    n = 400
    A = random_graph(n, rng, kind)
    x = rng.integers(0, 5, size=n).astype(float) if integer else rng.normal(size=n)
    obs = A @ x
    tol = 1e-12 * np.asarray(abs(A).sum(axis=1)).ravel() * np.abs(x).max()
    args = (
        A.indptr.astype(np.int64), A.indices, A.data.astype(float), x, obs, tol, np.uint64(12345), 199, 0, n, False,
        np.empty((1, 1)),
    )
    fast = pm._counts_kernel(*args, True)
    slow = pm._counts_kernel(*args, False)
    np.testing.assert_array_equal(fast[0], slow[0])
    np.testing.assert_array_equal(fast[1], slow[1])
    np.testing.assert_allclose(fast[2], slow[2], rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(fast[3], slow[3], rtol=1e-12, atol=1e-9)


def test_same_seed_same_counts_and_pseudo_p():
    rng = np.random.default_rng(3)
    A = random_graph(300, rng, "B")
    x = rng.normal(size=300)
    res = [
        pm.conditional_lag_counts(A.indptr, A.indices, A.data, x, A @ x, 99, np.random.default_rng(5), progress=False)
        for _ in range(2)
    ]
    np.testing.assert_array_equal(res[0]["ge"], res[1]["ge"])
    ge, le = res[0]["ge"], res[0]["le"]
    p_two = pm.pseudo_p(ge, le, 99, "two-sided")
    p_dir = pm.pseudo_p(ge, le, 99, "directed")
    assert np.all((p_dir > 0) & (p_dir <= 1)) and np.all(p_two <= 1)
    np.testing.assert_allclose(p_two, np.minimum(1, 2 * p_dir))
    np.testing.assert_allclose(pm.pseudo_p(ge, le, 99, "greater"), (1 + ge) / 100)
