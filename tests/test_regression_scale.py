"""Accuracy of the large-N routes of spatialregion.regression (``logdet="lu"``, N > 3,000 by default).

- log|I − ρW| by sparse LU is exact (no approximation): equal to the eigenvalue sum and to a dense
  ``slogdet`` to rounding (1e-12 relative), and a fit by LU equals the fit by eigenvalues;
- the Hutchinson estimates of the information-matrix traces (used above N = 5,000) against the
  exact dense traces, and the power-series/Hutchinson effect coefficients tr(B⁻¹)/N, tr(B⁻¹W)/N
  (used with ``logdet="lu"``) against the exact eigenvalue sums, on N = 1,000 irregular weights
  (symmetrised 6-nearest-neighbour graph of seeded uniform points, row-standardised), with
  tolerances near the measured errors.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from scipy.spatial import cKDTree

from spatialregion import regression as R
from spatialregion.regression._logdet import Spectrum
from spatialregion.regression._simulate import simulate_sdm_panel

N = 1000


@pytest.fixture(scope="module")
def knn_w():
    pts = np.random.default_rng(0).uniform(size=(N, 2))
    _, nb = cKDTree(pts).query(pts, k=7)
    i = np.repeat(np.arange(N), 6)
    A = sp.csr_matrix((np.ones(i.size), (i, nb[:, 1:].ravel())), shape=(N, N))
    A = ((A + A.T) > 0).astype(float)
    W = sp.diags(1.0 / np.asarray(A.sum(axis=1)).ravel()) @ A
    return sp.csr_matrix(W)


@pytest.fixture(scope="module")
def spectra(knn_w):
    return Spectrum(knn_w, method="eigen"), Spectrum(knn_w, method="lu")


def test_lu_logdet_is_exact(knn_w, spectra):
    eig, lu = spectra
    assert eig.omega.dtype == float  # symmetric-similar W: eigvalsh route
    np.testing.assert_allclose(lu.bounds, eig.bounds, rtol=1e-8)
    Wd = knn_w.toarray()
    for rho in (-0.9, -0.3, 0.2, 0.5, 0.8, 0.95, 0.99):
        dense = np.linalg.slogdet(np.eye(N) - rho * Wd)[1]
        assert lu.logdet(rho) == pytest.approx(dense, rel=1e-12, abs=1e-10)
        assert eig.logdet(rho) == pytest.approx(dense, rel=1e-12, abs=1e-10)


def test_info_traces_hutchinson(spectra):
    _, lu = spectra
    for rho in (-0.5, 0.5, 0.95):
        exact = np.array(lu.info_traces(rho, exact=True))
        est = np.array(lu.info_traces(rho, exact=False))
        err = np.abs(est / exact - 1.0)
        assert err.max() < 3e-2, (rho, err)  # measured ≤ 1.5e-2 (ρ ≤ 0.8), 2.1e-2 (ρ = 0.95); 200 probes


def test_effect_series_against_eigenvalues(spectra):
    eig, lu = spectra
    rho = np.array([-0.5, 0.2, 0.4, 0.6, 0.8, 0.9])
    ea, eb, ec0, _ = eig.effect_coefficients(rho)
    la, lb, lc0, _ = lu.effect_coefficients(rho)
    mid = np.abs(rho) <= 0.6  # tr(W^j) exact for j ≤ 4, Hutchinson (50 probes) above: error grows with ρ
    np.testing.assert_allclose(la[mid], ea[mid], rtol=2e-4)  # measured 7.0e-5
    np.testing.assert_allclose(lb[mid], eb[mid], rtol=2e-3)  # measured 8.9e-4
    np.testing.assert_allclose(la[~mid], ea[~mid], rtol=3e-3)  # measured 1.5e-3 (ρ = 0.9)
    np.testing.assert_allclose(lb[~mid], eb[~mid], rtol=1e-2)  # measured 4.9e-3 (ρ = 0.9)
    np.testing.assert_allclose(lc0, 1.0 / (1.0 - rho), rtol=1e-12)  # row-standardised: exact
    np.testing.assert_allclose(ec0, 1.0 / (1.0 - rho), rtol=1e-12)


def test_fit_lu_equals_eigen(knn_w):
    ids = list(range(N))
    df = simulate_sdm_panel(knn_w, ids, [1, 2, 3], rho=0.4, beta=(1.0, -0.5), theta=(0.3, 0.2), sigma=1.0, seed=3)
    kw = dict(model="sdm", weights=knn_w, effects="twoway", id_column="id", period_column="period")
    a = R.fit(df, "y ~ x1 + x2", logdet="eigen", **kw)
    b = R.fit(df, "y ~ x1 + x2", logdet="lu", **kw)
    pd.testing.assert_series_equal(a.params, b.params, rtol=1e-6)  # measured 1.6e-7: flat optimum, logdets equal to 1e-15
    assert a.llf == pytest.approx(b.llf, rel=1e-12)
    ea, eb = a.effects(method="delta"), b.effects(method="delta")
    np.testing.assert_allclose(eb["total"], ea["total"], rtol=1e-7)
    np.testing.assert_allclose(eb["direct"], ea["direct"], rtol=2e-3)
