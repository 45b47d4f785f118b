"""Tests of the class-break kernels in spatialregion._classify.

Cases covered
-------------
* fisher_jenks_bins (divide and conquer on the monotone argmin, compiled) equals an
  independent O(k n^2) dynamic programme written here (all split points tried, total
  within-class sum of squares compared) on random normal, lognormal and integer-valued
  (tie-heavy) data for k = 2 … 7; the breaks it returns attain the optimal SSD.
* equals mapclassify.FisherJenks(y, k).bins on random data (slow: importing mapclassify
  compiles numba code).
* edge cases: k = 1, k >= n, constant data, unsorted input, input not modified.
* quantile_bins equals numpy's linear percentiles 100 i / k with duplicates merged.
"""

from __future__ import annotations

import numpy as np
import pytest

from spatialregion._classify import fisher_jenks_bins, quantile_bins


def ssd(x: np.ndarray, bins: np.ndarray) -> float:
    """Total within-class sum of squares of sorted x cut at the upper bounds ``bins``."""
    codes = np.searchsorted(bins, x, side="left")
    return float(sum(((x[codes == c] - x[codes == c].mean()) ** 2).sum() for c in np.unique(codes)))


def brute_fisher_jenks(y: np.ndarray, k: int) -> tuple[float, np.ndarray]:
    """Plain O(k n^2) programme over all first indices m of the last class (smallest m on ties)."""
    x = np.sort(y)
    n = x.size
    cost = np.full((n, n), np.inf)  # cost[m, i] = SSD of x[m..i]
    for m in range(n):
        seg = x[m:]
        csum = np.cumsum(seg)
        csq = np.cumsum(seg**2)
        cnt = np.arange(1, seg.size + 1)
        cost[m, m:] = csq - csum**2 / cnt
    D = cost[0].copy()
    back = np.zeros((k, n), dtype=int)
    for j in range(1, k):
        Dn = np.full(n, np.inf)
        for i in range(j, n):
            cand = [D[m - 1] + cost[m, i] for m in range(j, i + 1)]
            b = int(np.argmin(cand))
            Dn[i], back[j, i] = cand[b], b + j
        D = Dn
    bins = np.empty(k)
    end = n - 1
    for j in range(k - 1, 0, -1):
        bins[j] = x[end]
        end = back[j, end] - 1
    bins[0] = x[end]
    return float(D[n - 1]), bins


@pytest.mark.parametrize("kind", ["normal", "lognormal", "integers"])
@pytest.mark.parametrize("k", [2, 3, 5, 7])
def test_fisher_jenks_equals_brute_force(kind, k):
    rng = np.random.default_rng(k * 10 + len(kind))
    for n in (12, 60, 200):
        y = {"normal": rng.normal(size=n), "lognormal": rng.lognormal(size=n), "integers": rng.integers(0, 15, n) * 1.0}[kind]
        best, ref = brute_fisher_jenks(y, k)
        ours = fisher_jenks_bins(y, k)
        assert ssd(np.sort(y), ours) == pytest.approx(best, rel=1e-9, abs=1e-9)
        if kind != "integers":  # continuous data: unique optimum, identical breaks
            np.testing.assert_array_equal(ours, ref)


@pytest.mark.slow  # importing mapclassify compiles its numba code (~5-10 s)
def test_fisher_jenks_equals_mapclassify():
    import mapclassify

    rng = np.random.default_rng(2026)
    for n in (50, 300, 2000):
        for k in (3, 5, 7):
            y = rng.lognormal(size=n)
            np.testing.assert_allclose(fisher_jenks_bins(y, k), mapclassify.FisherJenks(y, k=k).bins, rtol=1e-12)


def test_fisher_jenks_edge_cases():
    y = np.array([3.0, 1.0, 2.0])
    before = y.copy()
    np.testing.assert_array_equal(fisher_jenks_bins(y, 1), [3.0])
    np.testing.assert_array_equal(fisher_jenks_bins(y, 5), [1.0, 2.0, 3.0])  # k reduced to n
    np.testing.assert_array_equal(y, before)
    np.testing.assert_array_equal(fisher_jenks_bins(np.full(10, 4.0), 3)[-1], 4.0)
    # two obvious groups
    np.testing.assert_array_equal(fisher_jenks_bins([1, 1.1, 0.9, 10, 10.2, 9.8], 2), [1.1, 10.2])


@pytest.mark.parametrize("k", [3, 5, 10])
def test_quantile_bins(k):
    y = np.random.default_rng(k).normal(size=101)
    np.testing.assert_allclose(quantile_bins(y, k), np.unique(np.percentile(y, np.linspace(100 / k, 100, k))), rtol=1e-12)
    assert len(quantile_bins(np.r_[np.zeros(50), np.ones(3)], 4)) == 2  # duplicate bounds merged
