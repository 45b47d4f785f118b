"""Input checks, default weights and frame/label helpers shared by the hot-spot
front ends and :mod:`spatialregion.autocorrelation`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from .. import labels as _labels
from .._permutation import local_weights
from .._validation import check_choice, check_not_constant, column_values
from ..errors import InputError

ALTERNATIVES = ("two-sided", "greater", "less", "directed")

NO_NEIGHBOURS = _labels.NO_NEIGHBOURS
EMERGING_PATTERNS = _labels.EMERGING_PATTERNS


def _frame_geo(frame: pd.DataFrame, geometry: Any) -> pd.DataFrame:
    if geometry is None:
        return frame
    import geopandas as gpd

    return gpd.GeoDataFrame(frame, geometry=pd.Series(np.asarray(geometry), index=frame.index), crs=getattr(geometry, "crs", None))


def _label_cols(keys: np.ndarray, table: Sequence[_labels.Label]) -> tuple[list[str], list[str]]:
    zh = {lab.key: lab.zh for lab in table}
    en = {lab.key: lab.en for lab in table}
    return [zh.get(k, "") for k in keys], [en.get(k, "") for k in keys]


def _default_weights(data: Any, weights: Any) -> Any:
    if weights is not None:
        return weights
    try:
        import geopandas as gpd
    except ImportError:  # pragma: no cover
        gpd = None
    if gpd is not None and isinstance(data, gpd.GeoDataFrame):
        from .. import weights as _w

        return _w.build(data, method="queen")
    raise InputError(
        "weights=None: pass weights (a libpysal Graph or W, e.g. spatialregion.weights.build(gdf, method='queen')), "
        "or pass a GeoDataFrame to use queen contiguity"
    )


def _geometry_of(data: Any) -> Any:
    try:
        import geopandas as gpd
    except ImportError:  # pragma: no cover
        return None
    return data.geometry if isinstance(data, gpd.GeoDataFrame) else None


def _local_input(data: Any, column: Any, weights: Any, *, what: str, min_n: int, hint: str = "") -> tuple:
    """Shared input stage of Gi, Moran and local Moran: one finite, non-constant
    column of at least ``min_n`` units and its off-diagonal weights aligned by id.
    Returns ``(x, index, csr, weights description)``."""
    x, index = column_values(data, column)
    if x.ndim != 1:
        raise InputError(f"{what} analyses one column{hint}")
    if x.size < min_n:
        raise InputError(f"{what} needs at least {min_n} units, got {x.size}")
    check_not_constant(x, column or "values")
    A, info = local_weights(_default_weights(data, weights), index)
    return x, index, A, info


def _check_common(transform: str, alternative: str, permutations: int) -> str:
    transform = str(transform).upper()
    check_choice("transform", transform, ("B", "R"))
    check_choice("alternative", alternative, ALTERNATIVES)
    if not isinstance(permutations, (int, np.integer)) or isinstance(permutations, bool) or permutations < 0:
        raise InputError(f"permutations must be a non-negative int (e.g. 999), got {permutations!r}")
    return transform
