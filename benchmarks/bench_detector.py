"""Geographic detector speed: spatialregion.detector vs the `geodetector` PyPI package.

Plain script (not a test): prints wall times of the factor + interaction detectors on
synthetic data (n units, 4 categorical factors with 5–12 strata each, y depending on two of
them) and the ratio peer / ours, both measured in this run, plus the largest |Δq|.

    python benchmarks/bench_detector.py [n ...]
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd


def data(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({f"f{i}": rng.integers(0, k, n) for i, k in enumerate((5, 7, 9, 12))})
    df["y"] = df["f0"] * 0.5 + np.sin(df["f1"]) + rng.normal(size=n)
    return df


def best_of(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main(sizes: list[int]) -> None:
    import geodetector

    from spatialregion.detector import geodetector as ours

    factors = ["f0", "f1", "f2", "f3"]
    print(f"{'n':>8} {'ours_s':>9} {'peer_s':>9} {'peer/ours':>9} {'max|dq|':>9}")
    for n in sizes:
        df = data(n)
        ours(df, "y", factors)  # warm-up
        t_ours = best_of(lambda: ours(df, "y", factors))

        def peer():
            qs = {}
            for f in factors:
                fd = geodetector.FactorDetector().fit(df[[f]], df["y"])
                qs[f] = fd.q_value_
            geodetector.InteractionDetector().fit(df[factors], df["y"])
            return qs

        t_peer = best_of(peer, repeat=1 if n > 50_000 else 3)
        q_peer = peer()
        q_ours = ours(df, "y", factors).factor["q"]
        dq = max(abs(q_ours[f] - q_peer[f]) for f in factors)
        print(f"{n:>8} {t_ours:>9.3f} {t_peer:>9.3f} {t_peer / t_ours:>9.1f} {dq:>9.1e}")
    print("ours = factor, interaction, risk and ecological detectors; peer = factor + interaction only")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1_000, 10_000, 100_000])
