"""Benchmark: Getis-Ord Gi* (analytic and 999 conditional permutations) vs esda.

Run ``python benchmarks/bench_hotspots.py [--sizes 10000,90000,1000000] [--skip-esda-above 200000]``.
Prints, in one run:

* analytic Gi* (binary, star) on rook lattices: ours (W input, Graph input;
  best of 3 — the Graph's CSR is cached after the first call — and the first
  call), esda.G_Local(permutations=0) with a W and with a Graph, and the ratios;
  esda is skipped above ``--skip-esda-above`` units (it takes minutes there);
* 999-permutation Gi* at 90k units: our first call in a fresh process (numba
  cache load or compile included) and warm, vs esda's fastest warm settings
  (``n_jobs=-1``, ``keep_simulations=False``, after a warm-up call).

The first-call timing of our permutations is measured in a subprocess so that
nothing is imported or compiled beforehand.  Timings are wall clock on the
machine it runs on; state it when reporting (shared machines are noisy).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import warnings

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)


def lattice_graph(side: int):
    """Rook lattice Graph and W over side x side cells (built from arrays, fast)."""
    from libpysal.graph import Graph

    idx = np.arange(side * side).reshape(side, side)
    a = np.concatenate([idx[:, :-1].ravel(), idx[:-1, :].ravel()])
    b = np.concatenate([idx[:, 1:].ravel(), idx[1:, :].ravel()])
    f = np.concatenate([a, b])
    nb = np.concatenate([b, a])
    order = np.lexsort((nb, f))  # focal ids in 0..n-1 order, so unique_ids = range(n)
    g = Graph.from_arrays(f[order], nb[order], np.ones(f.size))
    return g


def lattice_w(side: int):
    from libpysal.weights import lat2W

    return lat2W(side, side)


def best(fn, repeat=3):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times), times[0]


FIRST_CALL = r"""
import sys, time, json
t0 = time.perf_counter()
sys.path.insert(0, {root!r})
import numpy as np
from libpysal.weights import lat2W
w = lat2W({side}, {side})
x = np.random.default_rng(0).lognormal(size={n})
t1 = time.perf_counter()
from spatialregion import hotspots
r = hotspots.getis_ord(x, weights=w, permutations=999, seed=1, scheme=None, progress=False)
t2 = time.perf_counter()
r = hotspots.getis_ord(x, weights=w, permutations=999, seed=1, scheme=None, progress=False)
t3 = time.perf_counter()
print(json.dumps({{"first": t2 - t1, "warm": t3 - t2}}))
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,90000,1000000")
    ap.add_argument("--skip-esda-above", type=int, default=200_000)
    ap.add_argument("--perm-side", type=int, default=300)
    ap.add_argument("--no-esda-perm", action="store_true")
    ap.add_argument("--no-perm", action="store_true", help="analytic part only")
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    import esda

    from spatialregion import hotspots

    print(f"machine: {os.cpu_count()} CPUs visible, affinity {len(os.sched_getaffinity(0))}; numpy {np.__version__}, esda {esda.__version__}")
    print("\n== analytic Gi* (binary, star), seconds ==")
    print("ours = z, p, Gi_Bin (scheme=None); '+jenks' adds the five natural-breaks classes")
    print(f"{'units':>9} {'ours W':>8} {'ours G':>8} {'G 1st':>8} {'+jenks':>8} {'esda W':>8} {'esda G':>8} {'W ratio':>8} {'G ratio':>8} {'max|dz|':>9}")
    for n in [int(s) for s in args.sizes.split(",")]:
        side = int(round(np.sqrt(n)))
        n = side * side
        x = np.random.default_rng(0).lognormal(size=n)
        g = lattice_graph(side)
        w = lattice_w(side) if n <= 1_000_000 else None
        ours_g, first_g = best(lambda: hotspots.getis_ord(x, weights=g, scheme=None), repeat=5)
        ours_w = best(lambda: hotspots.getis_ord(x, weights=w, scheme=None), repeat=5)[0] if w is not None else np.nan
        jenks = best(lambda: hotspots.getis_ord(x, weights=g, scheme="fisher_jenks"), repeat=5)[0]
        if n <= args.skip_esda_above:
            e_w = best(lambda: esda.G_Local(x, lattice_w(side), transform="B", star=True, permutations=0), repeat=1)[0]
            e_g = best(lambda: esda.G_Local(x, g, transform="B", star=True, permutations=0), repeat=1)[0]
            ref = esda.G_Local(x, g, transform="B", star=True, permutations=0).Zs
            dz = float(np.nanmax(np.abs(hotspots.getis_ord(x, weights=g, scheme=None).z - ref)))
        else:
            e_w = e_g = dz = np.nan
        print(
            f"{n:>9} {ours_w:>8.4f} {ours_g:>8.4f} {first_g:>8.4f} {jenks:>8.4f} {e_w:>8.3f} {e_g:>8.3f} "
            f"{e_w / ours_w:>7.0f}x {e_g / ours_g:>7.0f}x {dz:>9.1e}"
        )
    print("(esda W time includes its fill_diagonal/transform of a fresh lat2W, as a user pays it; "
          f"esda skipped above {args.skip_esda_above} units)")

    if args.no_perm:
        return
    side = args.perm_side
    n = side * side
    print(f"\n== 999-permutation Gi* at {n} units, seconds ==")
    code = FIRST_CALL.format(root=ROOT, side=side, n=n)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    fresh = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"ours, fresh process: first call {fresh['first']:.2f} s (numba cache load/compile included), warm {fresh['warm']:.2f} s")
    if not args.no_esda_perm:
        x = np.random.default_rng(0).lognormal(size=n)
        g = lattice_graph(side)
        t = time.perf_counter()
        esda.G_Local(x[:400], lattice_graph(20), transform="B", star=True, permutations=99, n_jobs=-1, keep_simulations=False, seed=1)
        warmup = time.perf_counter() - t
        t = time.perf_counter()
        esda.G_Local(x, g, transform="B", star=True, permutations=999, n_jobs=-1, keep_simulations=False, seed=1)
        e = time.perf_counter() - t
        print(f"esda warm (n_jobs=-1, keep_simulations=False): {e:.2f} s (its warm-up/compile call took {warmup:.1f} s)")
        print(f"ratio esda warm / ours warm: {e / fresh['warm']:.1f}x; esda warm / ours first call: {e / fresh['first']:.1f}x")


if __name__ == "__main__":
    main()
