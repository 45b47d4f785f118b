"""Input stage of the regression models: formula, panel layout, weights.

Everything the estimators need is gathered in a :class:`Design`: the response
and regressors stacked period by period (period outer, unit inner, units in
the order of the weights), the sparse weights, and the names.  Panels may be
long (``id_column`` and ``period_column``) or wide (``periods=[...]``: the
column of variable ``v`` in period ``p`` is ``f"{v}{p}"``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .._validation import check_choice, finite_array
from ..errors import InputError, IslandError
from ._ml import lag

MODELS = ("ols", "slx", "sar", "sem", "sdm", "sdem")
EFFECTS = (None, "individual", "time", "twoway")
_NAME = r"[A-Za-z_\u4e00-\u9fff][\w.\u4e00-\u9fff]*"


@dataclass(frozen=True)
class Formula:
    """``y ~ x1 + x2`` split into the response and the regressor columns."""

    y: str
    x: tuple[str, ...]


def parse_formula(formula: str) -> Formula:
    """Parse ``"y ~ x1 + x2"`` (plain column names joined by ``+``).

    Parameters
    ----------
    formula : str
        Response, ``~``, regressors joined by ``+``.

    Returns
    -------
    Formula
        ``.y`` the response, ``.x`` the regressors.

    Raises
    ------
    InputError
        Anything else (transformations, interactions, a missing ``~``).
    """
    if not isinstance(formula, str) or formula.count("~") != 1:
        raise InputError(f"formula must look like 'y ~ x1 + x2', got {formula!r}")
    lhs, rhs = (s.strip() for s in formula.split("~"))
    terms = [t.strip() for t in rhs.split("+")]
    bad = [t for t in [lhs, *terms] if not re.fullmatch(_NAME, t)]
    if bad:
        raise InputError(
            f"formula {formula!r}: {bad} are not plain column names; the formula takes columns joined by '+' "
            "(compute logs, squares or interactions as new columns first)"
        )
    if len(set(terms)) != len(terms) or lhs in terms:
        raise InputError(f"formula {formula!r} repeats a column")
    return Formula(lhs, tuple(terms))


@dataclass(frozen=True, eq=False)
class Design:
    """Stacked data: ``y`` (NT,) and the formula's regressors ``X`` (NT, k), period-major,
    units in the order of ``ids`` (= the rows and columns of ``W``)."""

    y: np.ndarray
    X: np.ndarray
    names: tuple[str, ...]
    yname: str
    W: sp.csr_matrix
    ids: pd.Index
    periods: pd.Index
    transform: str
    geometry: Any = None

    @property
    def n(self) -> int:
        return self.W.shape[0]

    @property
    def t(self) -> int:
        return len(self.periods)


def _gdf_type():
    try:
        import geopandas as gpd
    except ImportError:  # pragma: no cover
        return ()
    return gpd.GeoDataFrame


def _check_columns(data: pd.DataFrame, cols: Sequence[str]) -> None:
    missing = [c for c in cols if c not in data.columns]
    if missing:
        raise InputError(f"column(s) {missing} not in the data; available: {list(data.columns)[:20]}")


def _long_panel(data: pd.DataFrame, cols: list[str], id_column: str, period_column: str) -> tuple[dict[str, np.ndarray], pd.Index, pd.Index, pd.DataFrame]:
    """Balanced-panel check and pivot: ``{column: (T, N) array}``, unit ids (first appearance), periods (sorted)."""
    _check_columns(data, [id_column, period_column, *cols])
    key = data[[id_column, period_column]]
    dup = key.duplicated(keep=False)
    if dup.any():
        pairs = key[dup].drop_duplicates().head(5).itertuples(index=False)
        raise InputError(f"the panel has (unit, period) pairs more than once, e.g. {[tuple(p) for p in pairs]}; keep one row per unit and period")
    ids = pd.Index(pd.unique(data[id_column]), name=id_column)
    periods = pd.Index(np.sort(pd.unique(data[period_column])), name=period_column)
    if len(data) != len(ids) * len(periods):
        counts = data.groupby(id_column, sort=False)[period_column].nunique()
        short = counts[counts < len(periods)]
        raise InputError(
            f"unbalanced panel: {len(ids)} units × {len(periods)} periods need {len(ids) * len(periods)} rows, got {len(data)}; "
            f"units with missing periods: {short.index[:8].tolist()} ({len(short)} in all). Spatial panel ML needs a "
            "balanced panel: drop those units from data and weights (e.g. weights.subgraph) or fill the gaps first"
        )
    out = {}
    for c in cols:
        wide = data.pivot(index=period_column, columns=id_column, values=c).reindex(index=periods, columns=ids)
        out[c] = finite_array(wide.to_numpy(dtype=float, na_value=np.nan).T, c, ids, ndim=2).T
    first = data.drop_duplicates(id_column).set_index(id_column).reindex(ids)
    return out, ids, periods, first


def _wide_panel(data: pd.DataFrame, cols: list[str], periods: Sequence[Any], id_column: str | None) -> tuple[dict[str, np.ndarray], pd.Index, pd.Index, pd.DataFrame]:
    periods = [str(p) for p in periods]
    if len(periods) < 2:
        raise InputError("periods= needs at least two periods for a wide panel")
    names = {c: [f"{c}{p}" for p in periods] for c in cols}
    _check_columns(data, [n for v in names.values() for n in v])
    ids = pd.Index(data[id_column] if id_column else data.index, name=id_column or data.index.name)
    out = {c: finite_array(data[v].to_numpy(dtype=float, na_value=np.nan), c, ids, ndim=2).T for c, v in names.items()}
    first = data.set_index(id_column) if id_column else data
    return out, ids, pd.Index(periods, name="period"), first


def spatial_weights(weights: Any, ids: pd.Index, transform: str, geo: Any) -> sp.csr_matrix:
    """Weights as a CSR matrix in the order of ``ids`` through :func:`spatialregion.weights.as_sparse`
    (queen contiguity of ``geo`` when ``weights`` is None); units without neighbours raise."""
    from .. import weights as _w

    if (weights is None or isinstance(weights, str)) and geo is None:
        raise InputError(
            f"weights={weights!r} builds weights from geometry, so data must be a GeoDataFrame; otherwise pass "
            "weights (a libpysal Graph or W, e.g. spatialregion.weights.build(gdf, method='queen'))"
        )
    sm = _w.as_sparse(weights, ids, transform=transform, data=geo)
    M = sp.csr_matrix(sm.matrix, dtype=float)
    bad = np.flatnonzero(~np.isfinite(M.data))
    if bad.size:
        rows = np.unique(np.searchsorted(M.indptr, bad, side="right") - 1)
        raise InputError(
            f"the spatial weights have non-finite entries (NaN or inf) in the rows of units {list(ids[rows][:10])} "
            f"({rows.size} units); fix or rebuild the weights (e.g. spatialregion.weights.build)"
        )
    if len(sm.islands):
        raise IslandError(
            f"units without neighbours in the weights: {list(sm.islands)[:10]} ({len(sm.islands)} in all); a spatial "
            "lag of zero distorts ρ and the effects — link them, e.g. spatialregion.weights.build(gdf, "
            "method='queen', islands='nearest'), or drop them from data and weights"
        )
    return M


def _geometry(frame: Any) -> Any:
    gdf = _gdf_type()
    if gdf and isinstance(frame, gdf):
        return frame
    return None


def build_design(
    data: Any,
    formula: str,
    *,
    model: str,
    weights: Any,
    effects: str | None,
    id_column: str | None,
    period_column: str | None,
    periods: Sequence[Any] | None,
    transform: str,
) -> Design:
    """Assemble a :class:`Design`: checks, balanced-panel layout, weights aligned by id."""
    check_choice("model", model, MODELS)
    check_choice("effects", effects, EFFECTS)
    transform = str(transform).upper()
    check_choice("transform", transform, ("R", "B", "O"))
    if not isinstance(data, pd.DataFrame):
        raise InputError(f"data must be a pandas (Geo)DataFrame, got {type(data).__name__}")
    f = parse_formula(formula)
    cols = [f.y, *f.x]
    panel = period_column is not None or periods is not None
    if period_column is not None and periods is not None:
        raise InputError("give either period_column (long panel) or periods (wide panel), not both")
    if effects is not None and not panel:
        raise InputError(f"effects={effects!r} needs a panel: pass id_column and period_column (long) or periods= (wide)")
    if panel:
        if period_column is not None:
            if id_column is None:
                raise InputError("a long panel needs id_column as well as period_column")
            arrays, ids, pers, first = _long_panel(data, cols, id_column, period_column)
        else:
            arrays, ids, pers, first = _wide_panel(data, cols, periods, id_column)
        geo = _geometry(first) if _geometry(data) is not None else None
    else:
        _check_columns(data, cols + ([id_column] if id_column else []))
        ids = pd.Index(data[id_column] if id_column else data.index)
        arrays = {c: finite_array(data[c].to_numpy(dtype=float, na_value=np.nan), c, ids)[None, :] for c in cols}
        pers = pd.Index([0])
        geo = _geometry(data)
        if geo is not None and id_column:
            geo = geo.set_index(id_column)
    if not ids.is_unique:
        dups = ids[ids.duplicated()].unique().tolist()
        raise InputError(f"unit ids are duplicated: {dups[:10]}; each unit must appear once (per period)")
    W = spatial_weights(weights, ids, transform, geo)
    X = np.column_stack([arrays[c].reshape(-1) for c in f.x])
    geometry = None if geo is None else (geo.geometry.reindex(ids) if panel else geo.geometry)
    return Design(arrays[f.y].reshape(-1), X, f.x, f.y, W, ids, pers, transform, geometry=geometry)


def model_matrix(d: Design, model: str, effects: str | None) -> tuple[np.ndarray, tuple[str, ...]]:
    """Regressors of ``model``: X, plus WX (lagged period by period from the raw data) for
    SDM/SLX/SDEM, plus a constant when there are no fixed effects."""
    X, names = d.X, list(d.names)
    if model in ("sdm", "slx", "sdem"):
        X = np.column_stack([X, lag(d.W, X, d.n, d.t)])
        names += [f"W_{c}" for c in d.names]
    if effects is None:
        X = np.column_stack([np.ones(X.shape[0]), X])
        names = ["const", *names]
    return X, tuple(names)


def check_rank(X: np.ndarray, names: Sequence[str], what: str = "regressors") -> None:
    """Raise when ``X`` (after any within transformation) is rank deficient, naming the columns."""
    if X.shape[1] == 0:
        raise InputError("the model has no regressors")
    sd = X.std(axis=0)
    const = [names[i] for i in np.flatnonzero(sd < 1e-12 * (1 + np.abs(X).max(axis=0))) if names[i] != "const"]
    if const:
        raise InputError(
            f"{what} {const} are constant after the fixed-effects transformation (a unit- or time-invariant "
            "column is absorbed by the fixed effects); drop them or change effects="
        )
    rank = np.linalg.matrix_rank(X)
    if rank < X.shape[1]:
        # name the columns that are linear combinations of the previous ones
        dependent = []
        for j in range(1, X.shape[1]):
            if np.linalg.matrix_rank(X[:, : j + 1]) <= np.linalg.matrix_rank(X[:, :j]):
                dependent.append(names[j])
        raise InputError(f"perfect collinearity among the {what}: {dependent} are linear combinations of the other columns; drop them")


def row_standardised(W: sp.csr_matrix) -> bool:
    """True when every row of ``W`` sums to one."""
    rs = np.asarray(W.sum(axis=1)).ravel()
    return bool(np.allclose(rs, 1.0, atol=1e-10))


__all__ = ["Design", "Formula", "build_design", "check_rank", "model_matrix", "parse_formula", "spatial_weights"]
