"""spatialregion — regional spatial econometrics and GIS on China's provinces and cities.

Quick start::

    import spatialregion as sr
    prov = sr.load("provinces")                      # 31 mainland provinces, EPSG:4490
    w = sr.weights.build(prov, method="queen")       # libpysal Graph, Hainan linked to nearest
    hs = sr.hotspots.getis_ord(prov, "gdp", weights=w)

Submodules are imported on first use (``sr.hotspots``, ``sr.markov``, ...).
"""

from __future__ import annotations

import importlib
from typing import Any

from .errors import SpatialRegionError

__version__ = "0.1.0"

_SUBMODULES = (
    "autocorrelation",
    "centrography",
    "crs",
    "datasets",
    "decoupling",
    "detector",
    "drivers",
    "errors",
    "export",
    "hotspots",
    "indices",
    "inequality",
    "io",
    "labels",
    "maps",
    "markov",
    "network",
    "regions",
    "regression",
    "results",
    "weights",
    "zoning",
)

__all__ = ["SpatialRegionError", "__version__", "load", "read", *_SUBMODULES]


def load(*args: Any, **kwargs: Any):
    """Load embedded boundaries; see :func:`spatialregion.regions.load`."""
    from .regions import load as _load

    return _load(*args, **kwargs)


def read(*args: Any, **kwargs: Any):
    """Read a vector file or table (GB18030/UTF-8 detection, yearbook numbers); see
    :func:`spatialregion.io.read`."""
    from .io import read as _read

    return _read(*args, **kwargs)


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'spatialregion' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_SUBMODULES))
