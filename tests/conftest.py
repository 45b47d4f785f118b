"""Shared fixtures: embedded boundaries, their weights, a seeded generator, a loader for the
scripts in examples/ and a minimal ``Result`` subclass (test double for the shared plot/to_gpkg).

Matplotlib runs headless (Agg) in every test; hypothesis uses a derandomized profile.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


@pytest.fixture()
def hot_style():
    """The five hot-spot classes (column ``cls``) as a categorized style titled ``冷热点 Gi*``."""
    from spatialregion import export
    from spatialregion.labels import HOTSPOT_CLASSES

    return export.categorized(
        "cls",
        [lab.key for lab in HOTSPOT_CLASSES],
        [lab.color for lab in HOTSPOT_CLASSES],
        [f"{lab.zh} {lab.en}" for lab in HOTSPOT_CLASSES],
        title="冷热点 Gi*",
    )


def _load_example(name: str, module_name: str | None = None) -> Any:
    path = Path(__file__).resolve().parents[1] / "examples" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(module_name or name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture()
def load_example():
    """``load_example("bth_coupling")``: import the script examples/<name>.py as a module."""
    return _load_example


@pytest.fixture(scope="session")
def toy_result():
    """A minimal ``Result`` subclass, ``ToyResult(frame, style)``: ``to_frame()`` is ``frame``,
    ``_style()`` is ``style``, so the base class's ``plot``/``to_gpkg`` are tested alone
    (default GeoPackage layer ``"toy"``)."""
    from spatialregion.results import Result, Summary

    @dataclass(frozen=True)
    class ToyResult(Result):
        frame: Any
        style: Any

        def to_frame(self):
            return self.frame

        def summary(self):
            return Summary("toy")

        def _style(self):
            return self.style

    return ToyResult
