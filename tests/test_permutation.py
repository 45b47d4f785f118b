"""Conditional-permutation kernel (spatialregion._permutation).

Cases covered: the prefetching path (units with 1–32 neighbours) makes exactly the same
draws as the plain loop — equal tail counts and equal moments on a random graph mixing
0–11 neighbours, with binary, row-standardised and arbitrary weights and integer-valued
(tie-prone) data; the same comparison in two fresh processes sharing one NUMBA_CACHE_DIR
(the first compiles and writes the cache after a third process wrote other argument types,
the second loads it) gives identical counts (numba #10486 mis-linked cached closures);
no compiled function of the module is a closure; same seed ⇒ same counts; pseudo-p
conventions; the tail counts follow the exact conditional distribution on a small graph.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

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


def kernel_args(kind: str, integer: bool, n: int = 400):
    rng = np.random.default_rng(7)
    A = random_graph(n, rng, kind)
    x = rng.integers(0, 5, size=n).astype(float) if integer else rng.normal(size=n)
    obs = A @ x
    tol = 1e-12 * np.asarray(abs(A).sum(axis=1)).ravel() * np.abs(x).max()
    return (A.indptr.astype(np.int64), A.data.astype(float), x, obs, tol, np.uint64(12345), 199)


@pytest.mark.parametrize("kind", ["B", "R", "random"])
@pytest.mark.parametrize("integer", [False, True])
def test_fast_path_equals_generic(kind, integer):
    args = kernel_args(kind, integer)
    fast = pm._counts(*args, keep=True, fast=True)
    slow = pm._counts(*args, keep=True, fast=False)
    for a, b in zip(fast, slow):
        np.testing.assert_array_equal(a, b)  # same draws, same summation order
    assert fast[0].sum() > 0
    k = np.diff(args[0])
    assert {1, 4, 8, 11} <= set(k)  # kernels compiled for K = 1 … 8, the generic one above


def test_specialised_kernels_only_for_large_groups_same_counts():
    """conditional_lag_counts compiles a per-K kernel only for K shared by >= 5,000 units; the
    generic kernel it uses otherwise gives exactly the counts of the per-K kernels."""
    indptr, data, x, obs, tol, _, perms = kernel_args("B", True)

    seed = pm.seed_base(np.random.default_rng(3))
    every_k = pm._counts(indptr, data, x, obs, tol, seed, perms, fast=True)  # per-K kernels for all K <= 8
    assert all(K <= 0 for K, _, _ in pm._tasks(indptr, data, x.size, x.size, True, pm._SPECIALISE_MIN_UNITS))
    assert any(K > 0 for K, _, _ in pm._tasks(indptr, data, x.size, x.size, True, 0))
    indices = np.zeros(data.size, dtype=np.int64)  # only its length is used
    got = pm.conditional_lag_counts(indptr, indices, data, x, obs, perms, np.random.default_rng(3), progress=False)
    np.testing.assert_array_equal(got["ge"], every_k[0])
    np.testing.assert_array_equal(got["le"], every_k[1])


CHILD = textwrap.dedent(
    """
    import json, sys
    import numpy as np
    sys.path.insert(0, {root!r})
    sys.path.insert(0, {tests!r})
    from test_permutation import kernel_args
    from spatialregion import _permutation as pm
    if sys.argv[1] == "other-types":  # another caller, other array types
        indptr, data, x, obs, tol, seed, perms = kernel_args("random", False)
        pm._counts(indptr, data.astype(np.float32), x.astype(np.float32), obs, tol, seed, 9, keep=True)
        print(json.dumps({{}}))
    else:
        out = {{}}
        for kind in ("B", "R", "random"):
            args = kernel_args(kind, True)
            fast = pm._counts(*args, fast=True)
            slow = pm._counts(*args, fast=False)
            out[kind] = [fast[0].tolist(), fast[1].tolist(), slow[0].tolist(), slow[1].tolist()]
        print(json.dumps(out))
    """
)


@pytest.mark.slow  # three fresh processes, two numba compiles: ~10 s
def test_fast_path_equals_generic_across_processes_sharing_a_cache(tmp_path):
    """Issue 15.3: a cached kernel must count the same in every process that loads it."""
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "numba"))
    code = CHILD.format(root=os.path.dirname(os.path.dirname(os.path.abspath(pm.__file__))), tests=os.path.dirname(__file__))

    def child(mode: str) -> dict:
        out = subprocess.run([sys.executable, "-c", code, mode], env=env, capture_output=True, text=True, timeout=600)
        assert out.returncode == 0, out.stderr[-3000:]
        return json.loads(out.stdout.strip().splitlines()[-1])

    child("other-types")
    first = child("compare")  # compiles this specialisation, writes the cache
    second = child("compare")  # loads everything from the cache
    assert any((tmp_path / "numba").rglob("*.nbi"))
    assert first == second
    for kind, (fge, fle, sge, sle) in first.items():
        assert fge == sge and fle == sle, kind


def test_no_closures_behind_the_cache():
    import numba

    for name in dir(pm):
        obj = getattr(pm, name)
        if isinstance(obj, numba.core.registry.CPUDispatcher):
            assert obj.py_func.__closure__ is None, name
            assert obj.py_func.__qualname__ == obj.py_func.__name__, name  # defined at module level


def test_counts_follow_the_conditional_distribution():
    """Unit 0 has 2 neighbours among n = 4 units: its simulated lag is the sum of 2 of the
    other 3 values, each pair with probability 1/3; with 30,000 permutations the tail
    counts are within 5 standard errors of the exact probabilities."""
    from scipy import sparse

    x = np.array([0.0, 1.0, 2.0, 4.0])
    A = sparse.csr_matrix(np.array([[0, 1, 1, 0], [1, 0, 0, 0], [1, 0, 0, 1], [0, 0, 1, 0]], dtype=float))
    obs = A @ x  # unit 0: 3.0; the pair sums of {1, 2, 4} are 3, 5, 6
    perms = 30_000
    res = pm.conditional_lag_counts(A.indptr, A.indices, A.data, x, obs, perms, np.random.default_rng(0), progress=False)
    se = np.sqrt(perms * (1 / 3) * (2 / 3))
    assert abs(res["le"][0] - perms / 3) < 5 * se  # only the pair (1, 2) gives <= 3
    assert res["ge"][0] == perms
    np.testing.assert_allclose(res["mean"][0], (3 + 5 + 6) / 3, rtol=0.02)


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
