"""Benchmark: classic and spatial Markov, spatialregion vs giddy, in one run.

Panel: 100,000 units × 20 periods of a random walk on a 250 × 400 rook lattice
(generator: numpy default_rng(2026), documented below), k = m = 5 pooled
quantile classes, row-standardised weights.  Times the default call a user
writes, ``spatial_markov(y, weights=w, k=5, m=5)``, with ``w`` a libpysal
``W`` (fresh for every call, like giddy's: building its sparse matrix is part
of the call), a libpysal ``Graph`` and a ``scipy.sparse`` matrix; giddy's
``Spatial_Markov(y, W, k=5, m=5, fixed=True)`` with a fresh W in the same run;
prints the ratios and checks that both give the same counts.

Run:  PYTHONPATH=. python benchmarks/bench_markov.py [--units N] [--periods T] [--repeat R]
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np


def _best(fn, repeat: int):
    best, out = np.inf, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def _timed_fresh(fn, make) -> float:
    """Wall time of ``fn(make())`` with ``make()`` outside the timer."""
    arg = make()
    t0 = time.perf_counter()
    fn(arg)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=250)
    ap.add_argument("--cols", type=int, default=400)
    ap.add_argument("--periods", type=int, default=20)
    ap.add_argument("--k", type=int, default=5)
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()

    import libpysal
    from giddy.markov import Markov, Spatial_Markov
    from libpysal.graph import Graph

    from spatialregion import markov as mk

    n = args.rows * args.cols
    rng = np.random.default_rng(2026)
    y = rng.normal(size=(n, args.periods)).cumsum(axis=1) + rng.normal(scale=3.0, size=(n, 1))
    import os

    w = libpysal.weights.lat2W(args.rows, args.cols, rook=True)
    g = Graph.from_W(w)
    A = w.sparse.tocsr()
    _ = g.sparse  # the Graph's cached matrix, as after building it

    def fresh_w():  # a user's W, row-standardised as giddy's documentation does (outside the timer)
        ww = libpysal.weights.W(w.neighbors, id_order=w.id_order, silence_warnings=True)
        ww.transform = "r"
        return ww

    print(f"panel {n:,} units × {args.periods} periods, k = m = {args.k}; load average {os.getloadavg()[0]:.1f} (2 CPUs shared)")

    t_ours_c, ours_c = _best(lambda: mk.markov(y, k=args.k), max(args.repeat, 3))

    def giddy_classic():
        import mapclassify as mc

        q = mc.Quantiles(y.ravel(), k=args.k).yb.reshape(y.shape)
        return Markov(q, summary=False)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t_gid_c, gid_c = _best(giddy_classic, args.repeat)
        reps = max(args.repeat, 3)
        t_ours_w = min(_timed_fresh(lambda ww: mk.spatial_markov(y, weights=ww, k=args.k, m=args.k), fresh_w) for _ in range(reps))
        t_ours_s, ours_s = _best(lambda: mk.spatial_markov(y, weights=g, k=args.k, m=args.k), reps)
        t_ours_a, _ = _best(lambda: mk.spatial_markov(y, weights=A, k=args.k, m=args.k), reps)
        t_gid_s = min(_timed_fresh(lambda ww: Spatial_Markov(y, ww, k=args.k, m=args.k, fixed=True), fresh_w) for _ in range(args.repeat))
        gid_s = Spatial_Markov(y, fresh_w(), k=args.k, m=args.k, fixed=True)

    same_c = np.array_equal(ours_c.T, gid_c.transitions)
    same_s = np.array_equal(ours_s.T, gid_s.T)
    dp = float(np.nanmax(np.abs(ours_s.P - gid_s.P)))
    print(f"classic  Markov : spatialregion {t_ours_c:7.3f} s   giddy {t_gid_c:7.3f} s   ratio {t_gid_c / t_ours_c:6.1f}×   same counts: {same_c}")
    print(f"spatial  Markov : giddy (fresh W) {t_gid_s:7.3f} s; same counts: {same_s}, max |ΔP| = {dp:.1e}")
    for name, t in (("W (fresh)", t_ours_w), ("Graph", t_ours_s), ("sparse", t_ours_a)):
        print(f"   spatialregion, weights = {name:10s} {t:7.3f} s   ratio {t_gid_s / t:6.1f}×")
    print(f"(spatialregion: best of {max(args.repeat, 3)} runs; giddy: best of {args.repeat}, each run ≥ 3 s)")
    print("(spatialregion's spatial time includes classification, lag, counts, steady states, first passage and the homogeneity tests)")


if __name__ == "__main__":
    main()
