"""Input stage shared by the Getis-Ord, global Moran and local Moran front ends.

One finite, non-constant column; its unit ids (the index, or ``id_column``);
the id/name/value columns of the per-unit outputs; the units' geometry; and
the spatial weights as an off-diagonal sparse matrix aligned to those ids
through :func:`spatialregion.weights.as_sparse` (the one weights path).  Also
the hypothesis names and the normal p-value every local statistic uses.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import special

from . import labels as _labels
from ._validation import check_choice, check_column, check_not_constant, column_values
from .errors import InputError

__all__ = [
    "ALTERNATIVES",
    "LocalInput",
    "check_alternative",
    "check_permutations",
    "label_columns",
    "local_input",
    "p_from_z",
]

#: hypotheses of ``p`` / ``p_sim`` (see :func:`spatialregion._permutation.pseudo_p`)
ALTERNATIVES = ("two-sided", "greater", "less", "directed")


@dataclass(frozen=True)
class LocalInput:
    """The validated input of one local statistic.

    Attributes
    ----------
    x : ndarray
        The analysed values, in row order.
    index : pandas.Index
        Unit ids in row order (the data's index, or ``id_column``).
    matrix : scipy.sparse.csr_matrix
        Off-diagonal weights after the requested transform, rows and columns in
        the order of ``index``.
    islands : tuple
        Ids of units without neighbours.
    info : str
        Where the weights came from (the weights report).
    units : DataFrame or None
        Id/name/value columns for per-unit outputs.
    geometry : GeoSeries or None
        The units' geometry in row order.
    column : str or None
        The analysed column's name.
    """

    x: np.ndarray
    index: pd.Index
    matrix: Any
    islands: tuple[Hashable, ...]
    info: str
    units: Any
    geometry: Any
    column: str | None


def local_input(
    data: Any,
    column: str | None,
    weights: Any,
    *,
    transform: str,
    id_column: str | None = None,
    what: str,
    min_n: int,
) -> LocalInput:
    """Validate one column and align the weights to its units by id.

    Parameters
    ----------
    data : GeoDataFrame, DataFrame, Series or array
        The units.  A (Geo)DataFrame needs ``column``; a Series or 1-d array
        gives the values directly (rows by position for arrays).
    column : str or None
        The analysed column of a (Geo)DataFrame.
    weights : Graph, W, sparse matrix, array, method name or None
        Passed to :func:`spatialregion.weights.as_sparse` (None: queen
        contiguity built from a GeoDataFrame).
    transform : {"O", "B", "R"}
        Applied by :func:`spatialregion.weights.transform_matrix`.
    id_column : str, optional
        Column holding the unit ids that align the data to the weights
        (default: the index).
    what : str
        The statistic's name for error messages.
    min_n : int
        Fewest units accepted.

    Returns
    -------
    LocalInput
    """
    from . import weights as _w
    from .results import unit_columns

    frame = isinstance(data, pd.DataFrame)
    if frame:
        column = check_column(column, data)
        source = data
        if id_column is not None:
            if id_column not in data.columns:
                raise InputError(f"id_column={id_column!r} is not a column; available: {list(data.columns)[:20]}")
            source = data.set_index(pd.Index(data[id_column].to_numpy()))  # unnamed: the ids stay a column
        x, index = column_values(source, column)
    else:
        if column is not None:
            raise InputError(f"column={column!r} names a column, but the data is a {type(data).__name__}; pass a DataFrame")
        if id_column is not None:
            raise InputError("id_column= needs a DataFrame holding that column")
        x, index = column_values(data)
    if x.ndim != 1:
        raise InputError(f"{what} analyses one column; got an array of shape {x.shape}")
    if x.size < min_n:
        raise InputError(f"{what} needs at least {min_n} units, got {x.size}")
    check_not_constant(x, column or "values")
    sm = _w.as_sparse(weights, index, transform=transform, data=data if frame else None, id_column=id_column)
    geometry = None
    if frame and hasattr(data, "geometry") and "geometry" in getattr(data, "columns", ()):
        geometry = pd.Series(np.asarray(data.geometry), index=index)
        import geopandas as gpd

        geometry = gpd.GeoSeries(geometry, crs=data.crs)
    units = unit_columns(data, index, id_column=id_column, values=[column]) if frame else None
    return LocalInput(x, pd.Index(index), sm.matrix, sm.islands, sm.info, units, geometry, column)


def check_permutations(permutations: Any) -> int:
    """``permutations`` as a non-negative int (0 = no permutation inference)."""
    if not isinstance(permutations, (int, np.integer)) or isinstance(permutations, bool) or permutations < 0:
        raise InputError(f"permutations must be a non-negative int (e.g. 999), got {permutations!r}")
    return int(permutations)


def check_alternative(alternative: Any) -> str:
    """``alternative`` checked against :data:`ALTERNATIVES`."""
    return check_choice("alternative", alternative, ALTERNATIVES)


def p_from_z(z: np.ndarray, alternative: str) -> np.ndarray:
    """Normal p-values of ``z``: two-sided ``2 Φ(−|z|)``, ``"greater"`` ``Φ(−z)``,
    ``"less"`` ``Φ(z)``, ``"directed"`` ``Φ(−|z|)`` (the tail z lies in; esda's ``p_norm``)."""
    if alternative in ("two-sided", "directed"):
        # 2 Φ(−|z|) = erfc(|z|/√2): scipy's ndtr(−|z|) is 0.5 erfc(|z|/√2) (or 0.5 − 0.5 erf(|z|/√2)
        # below |z| = 1, which erfc itself computes as 1 − erf), so the two agree bit for bit (except
        # for subnormal p, |z| > 37.5, where halving loses bits); in place, one pass fewer than
        # 2 * ndtr(-abs(z))
        t = np.abs(np.asarray(z, dtype=float))
        t *= _SQRT1_2
        p = special.erfc(t, out=t)
        if alternative == "directed":
            p *= 0.5
        return p
    if alternative == "greater":
        return special.ndtr(-z)
    return special.ndtr(z)


_SQRT1_2 = float(np.sqrt(0.5))


def label_columns(keys: np.ndarray, table: Sequence[_labels.Label]) -> tuple[list[str], list[str]]:
    """Chinese and English labels of ``keys`` looked up in ``table`` ("" when unknown)."""
    zh = {lab.key: lab.zh for lab in table}
    en = {lab.key: lab.en for lab in table}
    return [zh.get(k, "") for k in keys], [en.get(k, "") for k in keys]
