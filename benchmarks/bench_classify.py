"""Fisher–Jenks natural breaks speed: ours vs the previous kernel vs mapclassify, in one run.

Run:  python benchmarks/bench_classify.py [--repeat 30] [--k 5]

Data: lognormal values from ``numpy.random.default_rng(0)``, n = 1,000 / 3,000 / 10,000 /
100,000, k = 5.  For each n it prints the best of ``--repeat`` wall-clock runs (after one
warm-up call, so numba compilation is excluded) of

* ``fisher_jenks_bins(y, k)`` on the sorted values (the hot-spot classes pass sorted order
  statistics of z) and on the same values shuffled (adds the sort);
* the previous kernel (divide and conquer over every row, O(k n log n) with a division per
  candidate; kept here only, as the baseline), with the same input;
* ``mapclassify.FisherJenks(y, k)`` for n <= 3,000 (O(k n^2), slow above);

the ratios, and whether the three give identical bins.  The machine's load average is
printed because shared machines are noisy.  Then the compile time: the first call of
``fisher_jenks_bins`` on 1,000 values (k = 5) in a fresh Python process with an empty numba
cache, numba's start-up included (the project's goal: the first hot-spot analysis, all
compiles included, under 5 s), best of ``--compile-runs``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
from numba import njit

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from spatialregion._classify import fisher_jenks_bins  # noqa: E402


@njit(cache=True, nogil=True)
def _old_layers(s1: np.ndarray, s2: np.ndarray, k: int) -> np.ndarray:
    """The kernel fisher_jenks_bins used before: D&C over every row of every layer."""
    n = s1.shape[0] - 1
    back = np.zeros((k, n), dtype=np.int64)
    d_prev = np.empty(n)
    for i in range(n):
        d_prev[i] = s2[i + 1] - s1[i + 1] * s1[i + 1] / (i + 1.0)
    d_new = np.empty(n)
    stack = np.empty((256, 4), dtype=np.int64)
    for j in range(1, k):
        d_new[:j] = np.inf
        stack[0, 0] = j
        stack[0, 1] = n - 1
        stack[0, 2] = j
        stack[0, 3] = n - 1
        top = 1
        while top > 0:
            top -= 1
            ilo, ihi, mlo, mhi = stack[top, 0], stack[top, 1], stack[top, 2], stack[top, 3]
            if ilo > ihi:
                continue
            i = (ilo + ihi) // 2
            best = np.inf
            bm = mlo
            for m in range(mlo, min(mhi, i) + 1):
                s = s1[i + 1] - s1[m]
                cost = d_prev[m - 1] + (s2[i + 1] - s2[m]) - s * s / (i - m + 1.0)
                if cost < best:
                    best = cost
                    bm = m
            d_new[i] = best
            back[j, i] = bm
            stack[top, 0], stack[top, 1], stack[top, 2], stack[top, 3] = i + 1, ihi, bm, mhi
            stack[top + 1, 0], stack[top + 1, 1], stack[top + 1, 2], stack[top + 1, 3] = ilo, i - 1, mlo, bm
            top += 2
        d_prev[:] = d_new
    return back


def old_fisher_jenks_bins(y: np.ndarray, k: int) -> np.ndarray:
    x = np.sort(np.asarray(y, dtype=float))
    n = x.size
    c = x - x.mean()
    back = _old_layers(np.concatenate([[0.0], np.cumsum(c)]), np.concatenate([[0.0], np.cumsum(c * c)]), k)
    bins = np.empty(k)
    end = n - 1
    for j in range(k - 1, 0, -1):
        bins[j] = x[end]
        end = back[j, end] - 1
    bins[0] = x[end]
    return bins


def best_of(call, repeat: int) -> float:
    call()  # warm-up (compilation, caches)
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        call()
        times.append(time.perf_counter() - t)
    return min(times)


_COMPILE = """
import time, numpy as np
from spatialregion._classify import fisher_jenks_bins
s = np.sort(np.random.default_rng(0).normal(size=1000))
t = time.perf_counter(); fisher_jenks_bins(s, 5); print(time.perf_counter() - t)
"""


def compile_seconds(runs: int) -> float:
    """Best of ``runs`` first calls, each in a fresh process with an empty numba cache."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    best = np.inf
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as cache:
            env = dict(os.environ, NUMBA_CACHE_DIR=cache, PYTHONPATH=root)
            out = subprocess.run([sys.executable, "-c", _COMPILE], env=env, capture_output=True, text=True, check=True)
            best = min(best, float(out.stdout.split()[-1]))
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=30)
    ap.add_argument("--k", type=int, default=5)
    ap.add_argument("--compile-runs", type=int, default=3)
    args = ap.parse_args()
    k = args.k
    import mapclassify

    print(f"load average {os.getloadavg()[0]:.2f}; k = {k}; best of {args.repeat} (5 at n = 100,000); times in ms")
    print(f"{'n':>8} {'ours':>8} {'ours*':>8} {'old':>8} {'old/ours':>8} {'mapcl.':>9} {'mapcl./ours':>11}  identical")
    rng = np.random.default_rng(0)
    for n in (1_000, 3_000, 10_000, 100_000):
        y = np.sort(rng.lognormal(size=n))
        shuffled = rng.permutation(y)
        repeat = args.repeat if n < 100_000 else 5
        ours = best_of(lambda: fisher_jenks_bins(y, k), repeat)
        ours_unsorted = best_of(lambda: fisher_jenks_bins(shuffled, k), repeat)
        old = best_of(lambda: old_fisher_jenks_bins(y, k), repeat)
        same = np.array_equal(fisher_jenks_bins(y, k), old_fisher_jenks_bins(y, k))
        if n <= 3_000:
            mc = best_of(lambda: mapclassify.FisherJenks(y, k=k), max(3, repeat // 10))
            same = same and np.array_equal(fisher_jenks_bins(y, k), mapclassify.FisherJenks(y, k=k).bins)
            mc_cols = f"{mc * 1e3:9.2f} {mc / ours:11.0f}"
        else:
            mc_cols = f"{'-':>9} {'-':>11}"
        print(f"{n:>8,} {ours * 1e3:8.3f} {ours_unsorted * 1e3:8.3f} {old * 1e3:8.3f} {old / ours:8.1f} {mc_cols}  {same}")
    print("ours* = the same values shuffled (the sort included)")
    if args.compile_runs > 0:
        print(f"first call in a fresh numba cache (best of {args.compile_runs}): {compile_seconds(args.compile_runs):.2f} s")


if __name__ == "__main__":
    main()
