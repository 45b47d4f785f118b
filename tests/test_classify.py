"""Tests of the class-break kernels in spatialregion._classify.

Cases covered
-------------
* fisher_jenks_bins equals an independent O(k n^2) dynamic programme written here
  (every first index m of the last class tried, numpy per row, first minimum kept) on
  random normal, lognormal, uniform and clustered data, n = 2 … 3,000, k = 2 … 7 —
  including tiny n — and its breaks
  attain the programme's optimal total SSD.
* tied data (integers 0 … 9 repeated, values rounded to 0.1 repeated, the same shifted by
  1,000 and scaled, constant runs, k above the number of distinct values): equal to the
  same programme in exact rational arithmetic on the decimal values (fractions.Fraction
  of each float's repr; the smallest m on exactly equal costs: mapclassify's rule); the
  classic two-way tie 0, 0, 1, 1, 2, 2 by hand.
* equals mapclassify.FisherJenks(y, k).bins on the random and tied data above, except
  where mapclassify (float32 sums) returns a partition whose exact SSD is larger than
  ours, which the test then asserts (slow: importing mapclassify compiles numba code).
* edge cases: k = 1, k >= n, constant data, unsorted, reversed and 2-D input, input not
  modified, empty input; NaN / inf anywhere raise MissingValueError, overflowing squares
  InputError.
* quantile_bins equals numpy's linear percentiles 100 i / k with duplicates merged.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from spatialregion._classify import fisher_jenks_bins, quantile_bins
from spatialregion.errors import InputError, MissingValueError


def ssd(x: np.ndarray, bins: np.ndarray) -> float:
    """Total within-class sum of squares of sorted x cut at the upper bounds ``bins``."""
    codes = np.searchsorted(bins, x, side="left")
    return float(sum(((x[codes == c] - x[codes == c].mean()) ** 2).sum() for c in np.unique(codes)))


def exact_ssd(y: np.ndarray, bins: np.ndarray) -> Fraction:
    """Exact total SSD (rational arithmetic on the float values) of the classes ``lo < y <= bin``."""
    codes = np.searchsorted(np.asarray(bins), np.asarray(y), side="left")
    total = Fraction(0)
    for c in np.unique(codes):
        v = [Fraction(float(t)) for t in np.asarray(y)[codes == c]]
        s = sum(v, Fraction(0))
        total += sum((t * t for t in v), Fraction(0)) - s * s / len(v)
    return total


def _bins_from_back(x: np.ndarray, back: np.ndarray, k: int) -> np.ndarray:
    bins = np.empty(k)
    end = x.size - 1
    for j in range(k - 1, 0, -1):
        bins[j] = x[end]
        end = back[j][end] - 1
    bins[0] = x[end]
    return bins


def brute_fisher_jenks(y: np.ndarray, k: int) -> tuple[float, np.ndarray]:
    """Plain O(k n^2) programme over all first indices m of the last class (first minimum kept).

    SSD(m, i) from cumulative sums restarted at every m (no centring, no prefix differences),
    so its rounding is independent of the kernel's."""
    x = np.sort(np.asarray(y, dtype=float))
    n = x.size
    k = min(k, n)
    cost = np.full((n, n), np.inf)  # cost[m, i] = SSD of x[m..i]
    for m in range(n):
        seg = x[m:] - x[m:].mean()
        cost[m, m:] = np.cumsum(seg**2) - np.cumsum(seg) ** 2 / np.arange(1, seg.size + 1)
    D = cost[0].copy()
    back = np.zeros((k, n), dtype=int)
    for j in range(1, k):
        Dn = np.full(n, np.inf)
        for i in range(j, n):
            cand = D[j - 1 : i] + cost[j : i + 1, i]
            b = int(np.argmin(cand))
            Dn[i], back[j, i] = cand[b], b + j
        D = Dn
    return float(D[n - 1]), _bins_from_back(x, back, k)


def exact_fisher_jenks(y: np.ndarray, k: int) -> np.ndarray:
    """The same programme in exact rational arithmetic on the decimal values (the floats' repr:
    0.1 is 1/10, so tied decimal data tie exactly); the smallest m among exactly equal costs.

    With ``k`` at most the number of distinct values an optimal partition never splits a run of
    equal values (moving one copy to the neighbouring class would lower the SSD), so the programme
    runs over the distinct values with their counts; otherwise over every value."""
    x = np.sort(np.asarray(y, dtype=float))
    vals, counts = np.unique(x, return_counts=True)
    if k > vals.size:
        vals, counts = x, np.ones(x.size, dtype=int)
    u = vals.size
    v = [Fraction(repr(float(t))) for t in vals]
    p0, p1, p2 = [0], [Fraction(0)], [Fraction(0)]
    for t, c in zip(v, counts):
        p0.append(p0[-1] + int(c))
        p1.append(p1[-1] + c * t)
        p2.append(p2[-1] + c * t * t)

    def cost(a: int, b: int) -> Fraction:  # SSD of distinct values a..b
        s = p1[b + 1] - p1[a]
        return p2[b + 1] - p2[a] - s * s / (p0[b + 1] - p0[a])

    D = [cost(0, b) for b in range(u)]
    back = np.zeros((k, u), dtype=int)
    for j in range(1, k):
        Dn = [None] * u
        for b in range(j, u):
            best, arg = None, None
            for a in range(j, b + 1):
                c = D[a - 1] + cost(a, b)
                if best is None or c < best:
                    best, arg = c, a
            Dn[b], back[j, b] = best, arg
        D = Dn
    return _bins_from_back(vals, back, k)


def _sample(kind: str, n: int, rng: np.random.Generator) -> np.ndarray:
    if kind == "clustered":  # jumps in the optimal split: wide candidate ranges in the kernel
        return np.concatenate([rng.normal(loc, 0.05, size=c) for loc, c in zip((0, 3, 3.5, 10, 30), rng.multinomial(n, [0.4, 0.2, 0.2, 0.15, 0.05]))])
    return {"normal": rng.normal(size=n), "lognormal": rng.lognormal(size=n), "uniform": rng.uniform(size=n)}[kind]


def _tied(kind: str, n: int, rng: np.random.Generator) -> np.ndarray:
    return {
        "integers": rng.integers(0, 10, n) * 1.0,
        "tiled": np.tile(np.arange(10.0), n // 10 + 1)[:n],
        "rounded": np.repeat(rng.normal(size=n // 4 + 1).round(1), 4)[:n],
        "shifted": np.round(np.tile(np.arange(10.0), n // 10 + 1)[:n] * 0.1 + 1000, 1),
        "scaled": np.round(rng.integers(0, 10, n) * 3.7 - 12.3, 2),
    }[kind]


@pytest.mark.parametrize("kind", ["normal", "lognormal", "uniform", "clustered"])
@pytest.mark.parametrize("k", [2, 3, 5, 7])
def test_fisher_jenks_equals_brute_force(kind, k):
    rng = np.random.default_rng(k * 10 + len(kind))
    for n in (2, 5, 12, 17, 18, 19, 26, 27, 60, 200, 1000):
        y = _sample(kind, n, rng)
        best, ref = brute_fisher_jenks(y, k)
        ours = fisher_jenks_bins(y, k)
        np.testing.assert_array_equal(ours, ref)
        assert ssd(np.sort(y), ours) == pytest.approx(best, rel=1e-9, abs=1e-12)


@pytest.mark.slow  # ~10 s: the O(k n^2) reference on 3,000 values
@pytest.mark.parametrize("kind", ["normal", "lognormal", "uniform", "clustered"])
def test_fisher_jenks_equals_brute_force_3000(kind):
    rng = np.random.default_rng(3000 + len(kind))
    for k in (2, 5, 7):
        y = _sample(kind, 3000, rng)
        np.testing.assert_array_equal(fisher_jenks_bins(y, k), brute_fisher_jenks(y, k)[1])


@pytest.mark.parametrize("kind", ["integers", "tiled", "rounded", "shifted", "scaled"])
def test_fisher_jenks_ties_follow_exact_rule(kind):
    rng = np.random.default_rng(len(kind))
    for n in (10, 29, 54, 300, 3000):
        y = _tied(kind, n, rng)
        for k in range(2, 8):
            k = min(k, np.unique(y).size)
            np.testing.assert_array_equal(fisher_jenks_bins(y, k), exact_fisher_jenks(y, k), err_msg=f"{kind} n={n} k={k}")


def test_fisher_jenks_constant_runs_and_more_classes_than_values():
    rng = np.random.default_rng(7)
    runs = np.repeat([1.0, 2.0, 5.0], [5, 3, 4])
    for y in (runs, rng.permutation(runs), np.r_[runs, runs + 0.5], np.full(9, 4.0)):
        for k in range(2, 8):
            np.testing.assert_array_equal(fisher_jenks_bins(y, k), exact_fisher_jenks(y, k), err_msg=f"{y} k={k}")
    # two exactly tied partitions ({0,0}|{1,1,2,2} and {0,0,1,1}|{2,2}, SSD 1 each): the last class
    # starts at the smallest index
    np.testing.assert_array_equal(fisher_jenks_bins([2, 0, 1, 2, 0, 1], 2), [0.0, 2.0])
    assert exact_ssd(np.array([0, 0, 1, 1, 2, 2.0]), [0.0, 2.0]) == exact_ssd(np.array([0, 0, 1, 1, 2, 2.0]), [1.0, 2.0]) == 1


@pytest.mark.slow  # importing mapclassify compiles its numba code (~5-10 s)
def test_fisher_jenks_equals_mapclassify():
    import mapclassify

    rng = np.random.default_rng(2026)
    cases = [(kind, n) for kind in ("normal", "lognormal", "uniform") for n in (10, 30, 100, 300, 1000, 3000)]
    cases += [(kind, n) for kind in ("integers", "tiled", "rounded") for n in (30, 300, 3000)]
    differ = 0
    for kind, n in cases:
        y = _tied(kind, n, rng) if kind in ("integers", "tiled", "rounded") else _sample(kind, n, rng)
        for k in range(2, 8):
            k = min(k, np.unique(y).size)
            ours, theirs = fisher_jenks_bins(y, k), mapclassify.FisherJenks(y, k=k).bins
            if not np.array_equal(ours, theirs):  # mapclassify sums in float32: never better than ours
                differ += 1
                assert exact_ssd(y, theirs) >= exact_ssd(y, ours), (kind, n, k, ours, theirs)
    assert differ <= len(cases)  # mapclassify's float32 rounding misses the optimum in a few cases only


def test_fisher_jenks_edge_cases():
    y = np.array([3.0, 1.0, 2.0])
    before = y.copy()
    np.testing.assert_array_equal(fisher_jenks_bins(y, 1), [3.0])
    np.testing.assert_array_equal(fisher_jenks_bins(y, 5), [1.0, 2.0, 3.0])  # k reduced to n
    np.testing.assert_array_equal(y, before)
    np.testing.assert_array_equal(fisher_jenks_bins(np.full(10, 4.0), 3), [4.0, 4.0, 4.0])
    np.testing.assert_array_equal(fisher_jenks_bins([[1, 10.2], [0.9, 10], [1.1, 9.8]], 2), [1.1, 10.2])  # flattened
    # two obvious groups, far from zero (centring keeps the sums exact enough)
    np.testing.assert_array_equal(fisher_jenks_bins([1, 1.1, 0.9, 10, 10.2, 9.8], 2), [1.1, 10.2])
    np.testing.assert_array_equal(fisher_jenks_bins(1e9 + np.array([1, 1.1, 0.9, 10, 10.2, 9.8]), 2), 1e9 + np.array([1.1, 10.2]))
    for bad in (np.nan, np.inf):
        with pytest.raises(MissingValueError, match="NaN/inf"):
            fisher_jenks_bins([1.0, bad, 2.0], 2)
    for bad in (np.nan, -np.inf):  # first, middle (the centre of the sums) and last position, k = 1 too
        for pos in (0, 2, 4):
            y = np.arange(5.0)
            y[pos] = bad
            for k in (1, 3):
                with pytest.raises(MissingValueError, match="1 NaN/inf"):
                    fisher_jenks_bins(y, k)
    with pytest.raises(InputError, match="overflow"):  # finite, but the squared deviations are not
        fisher_jenks_bins([-1e160, 0.0, 1e160], 2)
    np.testing.assert_array_equal(fisher_jenks_bins(np.array([]), 3), [])


def test_fisher_jenks_unsorted_input_equals_sorted():
    rng = np.random.default_rng(11)
    for n in (2, 9, 100, 1000):
        y = rng.normal(size=n)
        for k in (2, 4):
            np.testing.assert_array_equal(fisher_jenks_bins(y, k), fisher_jenks_bins(np.sort(y), k))
            np.testing.assert_array_equal(fisher_jenks_bins(y[::-1], k), fisher_jenks_bins(np.sort(y), k))


@pytest.mark.parametrize("k", [3, 5, 10])
def test_quantile_bins(k):
    y = np.random.default_rng(k).normal(size=101)
    np.testing.assert_allclose(quantile_bins(y, k), np.unique(np.percentile(y, np.linspace(100 / k, 100, k))), rtol=1e-12)
    assert len(quantile_bins(np.r_[np.zeros(50), np.ones(3)], 4)) == 2  # duplicate bounds merged
