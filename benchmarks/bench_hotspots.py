"""Benchmark: Getis-Ord Gi* as users call it, vs esda, in one run.

Run ``python benchmarks/bench_hotspots.py [--sizes 10000,90000,1000000] [--skip-esda-above 200000]``.

Data: a side x side rook lattice (units 0..n-1), values lognormal from
``numpy.random.default_rng(0)``.  Prints, in one run:

* **default call**: ``getis_ord(df, "y", weights=w)`` with default options
  (Gi*, binary weights, analytic z and p, ArcGIS Gi_Bin and the five
  natural-breaks classes — exact Fisher-Jenks of z up to 10,000 units, above
  on 10,000 evenly spaced order statistics), with ``w`` a
  libpysal ``W`` (fresh for every call: building its sparse matrix is part of
  the call, as for esda) and a libpysal ``Graph`` (fresh for every call);
* **kernel**: the same call on a prebuilt ``scipy.sparse`` matrix with
  ``scheme=None`` (z, p and Gi_Bin only: no conversion, no classes);
* **peer**: ``esda.G_Local(y, w, transform="B", star=True, permutations=0)``
  with a fresh W and with a Graph, and the ratios esda / ours;
* **999 permutations** at ``--perm-side``² units: our first call in a fresh
  process with an empty numba cache (compile included) and warm, vs esda warm
  (``n_jobs=-1``, ``keep_simulations=False``, after a warm-up call); also the
  first call with a Graph and on the prefectures (queen Graph), each in a
  fresh process with an empty cache.

Timings are the best of ``--repeat`` wall-clock runs (first call reported
separately); the machine's load average is printed because shared machines
are noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)


def lattice_pairs(side: int) -> tuple[np.ndarray, np.ndarray]:
    idx = np.arange(side * side).reshape(side, side)
    a = np.concatenate([idx[:, :-1].ravel(), idx[:-1, :].ravel()])
    b = np.concatenate([idx[:, 1:].ravel(), idx[1:, :].ravel()])
    f, nb = np.concatenate([a, b]), np.concatenate([b, a])
    order = np.lexsort((nb, f))
    return f[order], nb[order]


def lattice_graph(side: int):
    from libpysal.graph import Graph

    f, nb = lattice_pairs(side)
    return Graph.from_arrays(f, nb, np.ones(f.size))


def lattice_sparse(side: int):
    from scipy import sparse

    f, nb = lattice_pairs(side)
    n = side * side
    return sparse.csr_matrix((np.ones(f.size), (f, nb)), shape=(n, n))


def lattice_w(side: int):
    from libpysal.weights import lat2W

    return lat2W(side, side)


def timed(call, make_input=None, repeat: int = 3) -> tuple[float, float]:
    """(best, first) wall time of ``call(input)``; ``make_input()`` builds a fresh input outside the timer."""
    times = []
    for _ in range(repeat):
        arg = make_input() if make_input is not None else None
        t = time.perf_counter()
        call(arg)
        times.append(time.perf_counter() - t)
    return min(times), times[0]


FIRST_CALL = r"""
import sys, time, json
sys.path.insert(0, {root!r})
sys.path.insert(0, {here!r})
import numpy as np, pandas as pd
if {kind!r} == "prefectures":  # a real layer: every neighbour count 1 ... 13 occurs
    import spatialregion as sr
    df = sr.load("prefectures")
    w = sr.weights.build(df, "queen")
    df["y"] = np.random.default_rng(0).lognormal(size=len(df))
else:
    from bench_hotspots import lattice_graph, lattice_w
    w = lattice_w({side}) if {kind!r} == "W" else lattice_graph({side})
    df = pd.DataFrame({{"y": np.random.default_rng(0).lognormal(size={n})}})
t1 = time.perf_counter()
from spatialregion import hotspots
r = hotspots.getis_ord(df, "y", weights=w, permutations=999, seed=1, progress=False)
t2 = time.perf_counter()
r = hotspots.getis_ord(df, "y", weights=w, permutations=999, seed=1, progress=False)
t3 = time.perf_counter()
print(json.dumps({{"first": t2 - t1, "warm": t3 - t2}}))
"""


def first_call(kind: str, side: int) -> dict:
    """First and second 999-permutation call in a fresh process with an empty numba cache."""
    code = FIRST_CALL.format(root=ROOT, here=HERE, side=side, n=side * side, kind=kind)
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache)
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,90000,1000000")
    ap.add_argument("--skip-esda-above", type=int, default=200_000)
    ap.add_argument("--perm-side", type=int, default=300)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-perm", action="store_true", help="analytic part only")
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    import esda
    import pandas as pd

    from spatialregion import hotspots

    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; numpy {np.__version__}, esda {esda.__version__}")
    print("\n== analytic Gi* (z, p, Gi_Bin, five Fisher-Jenks classes), seconds, best of", args.repeat, "==")
    print(f"{'units':>9} {'dflt W':>8} {'dflt G':>8} {'kernel':>8} {'esda W':>8} {'esda G':>8} {'W ratio':>8} {'G ratio':>8} {'max|dz|':>8}")
    hotspots.getis_ord(pd.DataFrame({"y": np.arange(100.0) ** 1.5}), "y", weights=lattice_sparse(10))  # load compiled code
    for n in [int(s) for s in args.sizes.split(",")]:
        side = int(round(np.sqrt(n)))
        n = side * side
        df = pd.DataFrame({"y": np.random.default_rng(0).lognormal(size=n)})
        x = df["y"].to_numpy()
        A = lattice_sparse(side)
        ours_w = timed(lambda w: hotspots.getis_ord(df, "y", weights=w), lambda: lattice_w(side), args.repeat)[0]
        ours_g = timed(lambda g: hotspots.getis_ord(df, "y", weights=g), lambda: lattice_graph(side), args.repeat)[0]
        kernel = timed(lambda _: hotspots.getis_ord(df, "y", weights=A, scheme=None), None, args.repeat)[0]
        if n <= args.skip_esda_above:
            e_w = timed(lambda w: esda.G_Local(x, w, transform="B", star=True, permutations=0), lambda: lattice_w(side), 1)[0]
            g = lattice_graph(side)
            e_g = timed(lambda _: esda.G_Local(x, g, transform="B", star=True, permutations=0), None, 1)[0]
            ref = esda.G_Local(x, lattice_graph(side), transform="B", star=True, permutations=0).Zs
            dz = float(np.nanmax(np.abs(hotspots.getis_ord(df, "y", weights=A).z - ref)))
        else:
            e_w = e_g = dz = np.nan
        print(
            f"{n:>9} {ours_w:>8.4f} {ours_g:>8.4f} {kernel:>8.4f} {e_w:>8.3f} {e_g:>8.3f} "
            f"{e_w / ours_w:>7.0f}x {e_g / ours_g:>7.0f}x {dz:>8.1e}"
        )
    print(f"(fresh W/Graph per call, built outside the timer; esda skipped above {args.skip_esda_above} units; load now {os.getloadavg()[0]:.1f})")

    if args.no_perm:
        return
    side = args.perm_side
    n = side * side
    print(f"\n== 999-permutation Gi* at {n} units (default call + permutations=999), seconds ==")
    fresh = first_call("W", side)
    print(f"ours, fresh process, empty numba cache: first call {fresh['first']:.2f} s (compile included), warm {fresh['warm']:.2f} s")
    for kind, what in (("Graph", "the same with a libpysal Graph"), ("prefectures", "prefectures, queen Graph")):
        other = first_call(kind, side)
        print(f"  {what}: first call {other['first']:.2f} s, warm {other['warm']:.3f} s")
    x = np.random.default_rng(0).lognormal(size=n)
    t = time.perf_counter()
    esda.G_Local(x[:400], lattice_graph(20), transform="B", star=True, permutations=99, n_jobs=-1, keep_simulations=False, seed=1)
    warmup = time.perf_counter() - t
    g = lattice_graph(side)
    t = time.perf_counter()
    esda.G_Local(x, g, transform="B", star=True, permutations=999, n_jobs=-1, keep_simulations=False, seed=1)
    e = time.perf_counter() - t
    print(f"esda warm (n_jobs=-1, keep_simulations=False): {e:.2f} s (its warm-up/compile call took {warmup:.1f} s)")
    print(f"ratio esda warm / ours warm: {e / fresh['warm']:.1f}x; esda warm / ours first call: {e / fresh['first']:.1f}x")
    print(f"(load average now {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
