"""Shared fixtures: embedded boundaries, their weights, a seeded generator.

Matplotlib runs headless (Agg) in every test; hypothesis uses a derandomized profile.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import os

import numpy as np
import pytest
from hypothesis import settings

# Property tests draw the same examples on every run (a CI gate must not flip on a lucky draw);
# set HYPOTHESIS_PROFILE=explore to search with fresh random examples.
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("explore", derandomize=False, max_examples=300)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session")
def provinces():
    """The 31 mainland provinces (EPSG:4490) from the embedded layer."""
    import spatialregion as sr

    return sr.load("provinces")


@pytest.fixture(scope="session")
def prefectures():
    """All prefecture-level units (EPSG:4490) from the embedded layer."""
    import spatialregion as sr

    return sr.load("prefectures")


@pytest.fixture(scope="session")
def provinces_queen(provinces):
    """Queen contiguity of the mainland provinces, islands linked to nearest (default)."""
    import spatialregion as sr

    return sr.weights.build(provinces, method="queen")


@pytest.fixture()
def rng():
    return np.random.default_rng(20261123)
