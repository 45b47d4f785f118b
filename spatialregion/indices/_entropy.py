"""Entropy weights and entropy-TOPSIS: array kernels, result classes and the public functions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from .._validation import check_choice
from ..errors import ConstantError, InputError
from ..results import Result, Summary, SummaryTable
from ._table import (
    _as_table,
    _check_values,
    _directions,
    _groups,
    _Table,
    _validate_common,
)

Panel = Literal["pooled", "per_period"]
Normalize = Literal["minmax", "max"]


# ---------------------------------------------------------------------------
# kernels (pure functions on arrays)
# ---------------------------------------------------------------------------
def _normalise(x: np.ndarray, positive: np.ndarray, normalize: str) -> tuple[np.ndarray, np.ndarray]:
    """Direction-aware normalisation of an (n, m) matrix → (z, constant mask)."""
    lo = x.min(axis=0)
    hi = x.max(axis=0)
    rng = hi - lo
    const = rng == 0
    if normalize == "minmax":
        safe = np.where(const, 1.0, rng)
        z = np.where(positive, (x - lo) / safe, (hi - x) / safe)
    else:  # "max": x / max for benefit indicators, min / x for cost indicators
        with np.errstate(divide="ignore", invalid="ignore"):
            z = np.where(positive, x / np.where(hi == 0, 1.0, hi), lo / np.where(x == 0, 1.0, x))
    z = np.where(const, 0.0, z)
    return z, const


def _entropy_from_z(z: np.ndarray, shift: float, const: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Entropy, divergence and weights of a normalised matrix (columns = indicators)."""
    n = z.shape[0]
    zs = z + shift
    tot = zs.sum(axis=0)
    p = zs / np.where(tot == 0, 1.0, tot)
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = np.where(p > 0, p * np.log(p), 0.0)  # 0·ln 0 := 0
    e = -plogp.sum(axis=0) / np.log(n)
    e = np.where(const, 1.0, np.clip(e, 0.0, 1.0)) + 0.0  # + 0.0 turns −0.0 into 0.0
    d = 1.0 - e
    dsum = d.sum()
    if dsum <= 0:
        raise ConstantError("every indicator has entropy 1 (no variation); entropy weights are undefined")
    return e, d, d / dsum


def entropy_kernel(
    x: np.ndarray,
    positive: np.ndarray,
    *,
    shift: float = 0.0,
    normalize: str = "minmax",
) -> dict[str, np.ndarray]:
    """Entropy-weight method on a plain (n units × m indicators) matrix.

    Returns a dict with ``z`` (normalised matrix), ``entropy``, ``divergence``,
    ``weights`` (length m), ``constant`` (bool mask of constant columns, whose
    weight is 0) and ``score`` (length n, ``z @ weights``).  Formulas in
    :func:`entropy_weights`.  No validation: use the public function.
    """
    z, const = _normalise(x, positive, normalize)
    e, d, w = _entropy_from_z(z, shift, const)
    return {"z": z, "entropy": e, "divergence": d, "weights": w, "constant": const, "score": z @ w}


def topsis_kernel(
    x: np.ndarray,
    z: np.ndarray,
    weights: np.ndarray,
    positive: np.ndarray,
    normalization: str = "minmax",
) -> dict[str, np.ndarray]:
    """TOPSIS distances and closeness for an (n × m) matrix.

    ``normalization="minmax"`` weights the direction-corrected min–max matrix
    ``z`` (ideal = column maximum, anti-ideal = column minimum of ``v = w·z``);
    ``"vector"`` uses r_ij = x_ij / sqrt(Σ_i x_ij²) (ideal = max for benefit,
    min for cost indicators).  Returns ``d_plus``, ``d_minus``, ``closeness``.
    """
    if normalization == "vector":
        norm = np.sqrt((x**2).sum(axis=0))
        r = x / np.where(norm == 0, 1.0, norm)
        v = r * weights
        best = np.where(positive, v.max(axis=0), v.min(axis=0))
        worst = np.where(positive, v.min(axis=0), v.max(axis=0))
    else:
        v = z * weights
        best, worst = v.max(axis=0), v.min(axis=0)
    d_plus = np.sqrt(((v - best) ** 2).sum(axis=1))
    d_minus = np.sqrt(((v - worst) ** 2).sum(axis=1))
    tot = d_plus + d_minus
    closeness = np.where(tot > 0, d_minus / np.where(tot == 0, 1.0, tot), 0.0)
    return {"d_plus": d_plus, "d_minus": d_minus, "closeness": closeness}


def _run_entropy(t: _Table, positive: np.ndarray, shift: float, normalize: str, constant: str, panel: str):
    n, m = t.x.shape
    z = np.zeros((n, m))
    score = np.zeros(n)
    rows_out = []
    per_block = []
    for per, rows in _groups(t, panel):
        label = "data" if per is None else f"period {per!r}"
        _check_values(t, positive, normalize, constant, rows, label)
        k = entropy_kernel(t.x[rows], positive, shift=shift, normalize=normalize)
        z[rows] = k["z"]
        score[rows] = k["score"]
        per_block.append((per, rows, k))
        for j, c in enumerate(t.columns):
            rows_out.append(
                {
                    "period": per,
                    "indicator": c,
                    "direction": "+" if positive[j] else "-",
                    "entropy": k["entropy"][j],
                    "divergence": k["divergence"][j],
                    "weight": k["weights"][j],
                }
            )
    table = pd.DataFrame(rows_out)
    if panel == "pooled" or t.period is None:
        table = table.drop(columns="period").set_index("indicator")
    else:
        table = table.set_index(["period", "indicator"])
    return z, score, table, per_block


# ---------------------------------------------------------------------------
# results
# ---------------------------------------------------------------------------
def _score_style(frame: pd.DataFrame, column: str, title: str):
    from .. import maps

    return maps.classify_style(frame, column, k=5, title=title)


@dataclass(frozen=True, eq=False)
class _IndexResult(Result):
    """Shared parts of entropy and TOPSIS results (per-row scores)."""

    table: pd.DataFrame
    normalized: pd.DataFrame
    index: pd.Index
    period: np.ndarray | None
    wide: bool
    panel: str
    id_column: str | None
    ids: pd.Series | None
    shift: float
    normalize: str
    constant: str

    _score_name = "score"

    def _scores(self) -> pd.Series:
        raise NotImplementedError

    @property
    def weights(self) -> pd.Series | pd.DataFrame:
        """Weights: a Series by indicator, or indicators × periods for ``panel="per_period"``."""
        w = self.table["weight"]
        if isinstance(w.index, pd.MultiIndex):
            return w.unstack("period")
        return w

    def _long_frame(self) -> pd.DataFrame:
        frame = self.normalized.add_suffix("_norm")
        for name, s in self._columns().items():
            frame[name] = s.to_numpy()
        if self.period is not None and not self.wide:
            frame.insert(0, "period", self.period)
        if self.ids is not None:
            frame.insert(0, self.id_column, self.ids.to_numpy())
        return frame

    def _columns(self) -> dict[str, pd.Series]:
        return {self._score_name: self._scores()}

    def to_frame(self) -> pd.DataFrame:
        """Per row: normalised indicators (``*_norm``) and the score columns.

        Cross-sections and long panels keep the input's rows and index; a wide
        panel gives one row per unit with ``<score>_<period>`` columns.  A
        GeoDataFrame when the input was one.
        """
        frame = self._long_frame()
        if self.wide:
            cols = list(self._columns())
            wide = frame[cols].unstack(level=1)
            wide.columns = [f"{c}_{p}" for c, p in wide.columns]
            frame = wide
        if self.geometry is not None:
            import geopandas as gpd

            geom = self.geometry
            if not self.wide:
                geom = pd.Series(geom.to_numpy(), index=frame.index)
            else:
                geom = geom.reindex(frame.index)
            return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geom, crs=self.geometry.crs), crs=self.geometry.crs)
        return frame

    def _map_column(self) -> str:
        if self.wide:
            return f"{self._score_name}_{self.period[-1] if self.period is not None else ''}".rstrip("_")
        return self._score_name

    def _style(self):
        frame = self.to_frame()
        col = self._map_column()
        return _score_style(frame, col, col)

    def plot(self, ax: Any = None, period: Any = None, **kwargs: Any):
        """Map the score; for a long panel pass ``period=`` (default: the last period)."""
        if self.period is not None and not self.wide:
            from .. import maps

            frame = self._geo_frame()
            per = sorted(set(self.period))[-1] if period is None else period
            sub = frame[frame["period"] == per]
            if sub.empty:
                raise InputError(f"period={period!r} not in the panel; periods are {sorted(set(self.period))}")
            style = _score_style(sub, self._score_name, f"{self._score_name} {per}")
            return maps.plot_style(sub, style, ax=ax, **kwargs)
        return super().plot(ax=ax, **kwargs)


@dataclass(frozen=True, eq=False)
class EntropyResult(_IndexResult):
    """Entropy weights and the weighted composite score.

    Attributes
    ----------
    table : DataFrame
        Per indicator (and period, for ``panel="per_period"``): ``direction``,
        ``entropy`` e_j, ``divergence`` d_j = 1 − e_j and ``weight`` w_j.
    normalized : DataFrame
        The direction-corrected normalised matrix z (rows as the input).
    scores : Series
        S_i = Σ_j w_j z_ij, in [0, 1] (rows as the input).
    panel, shift, normalize, constant
        The settings used.
    """

    scores: pd.Series = None  # type: ignore[assignment]

    def _scores(self) -> pd.Series:
        return self.scores

    @property
    def entropy(self) -> pd.Series:
        return self.table["entropy"]

    @property
    def divergence(self) -> pd.Series:
        return self.table["divergence"]

    def summary(self) -> Summary:
        tables = [SummaryTable("Entropy weights 熵权", self.table, "{:.4f}")]
        if self.period is not None:
            s = pd.Series(self.scores.to_numpy(), index=pd.Index(self.period, name="period"))
            stats = s.groupby(level=0).agg(["mean", "std", "min", "max"])
            tables.append(SummaryTable("Composite score by period", stats, "{:.4f}"))
            if self.wide:
                tables.append(SummaryTable("Composite score per unit", pd.DataFrame(self.to_frame()).drop(columns="geometry", errors="ignore")))
            elif self.ids is not None:
                per_unit = pd.DataFrame({"id": self.ids.to_numpy(), "period": self.period, "score": self.scores.to_numpy()})
                table = per_unit.pivot(index="id", columns="period", values="score").rename_axis(self.id_column)
                tables.append(SummaryTable("Composite score per unit", table))
        else:
            lead = [self.id_column] if self.ids is not None else []
            frame = self._long_frame()[lead + ["score"]].sort_values("score", ascending=False)
            tables.append(SummaryTable("Composite score", frame))
        return Summary("Entropy-weight method 熵权法", tuple(tables), _notes(self))


@dataclass(frozen=True, eq=False)
class TopsisResult(_IndexResult):
    """Entropy-TOPSIS: weights, distances to the ideal and anti-ideal, closeness, rank.

    Attributes
    ----------
    table : DataFrame
        Entropy weights (as :class:`EntropyResult`).
    d_plus, d_minus : Series
        Euclidean distances of the weighted normalised rows to the ideal
        (best) and anti-ideal (worst) solution.
    closeness : Series
        C_i = D−_i / (D+_i + D−_i) in [0, 1]; higher is better.
    rank : Series
        1 = highest closeness (within each period for a panel; ties share the
        lowest rank, ``method="min"``).
    normalization : str
        ``"minmax"`` or ``"vector"`` (matrix the distances are measured in).
    """

    d_plus: pd.Series = None  # type: ignore[assignment]
    d_minus: pd.Series = None  # type: ignore[assignment]
    closeness: pd.Series = None  # type: ignore[assignment]
    rank: pd.Series = None  # type: ignore[assignment]
    normalization: str = "minmax"

    _score_name = "closeness"

    def _scores(self) -> pd.Series:
        return self.closeness

    def _columns(self) -> dict[str, pd.Series]:
        return {"d_plus": self.d_plus, "d_minus": self.d_minus, "closeness": self.closeness, "rank": self.rank}

    def summary(self) -> Summary:
        lead = ([self.id_column] if self.ids is not None else []) + (["period"] if self.period is not None and not self.wide else [])
        frame = self._long_frame()[lead + list(self._columns())]
        if self.wide:
            frame = frame.reset_index(level=1).rename(columns={"level_1": "period"})
        sort = ["period", "rank"] if self.period is not None else ["rank"]
        frame = frame.sort_values(sort)
        tables = (
            SummaryTable("Entropy weights 熵权", self.table, "{:.4f}"),
            SummaryTable("TOPSIS closeness 贴近度", frame, "{:.4f}"),
        )
        return Summary("Entropy-TOPSIS 熵权-TOPSIS", tables, _notes(self) + (f"TOPSIS matrix: {self.normalization} normalisation.",))


def _notes(r: _IndexResult) -> tuple[str, ...]:
    norm = {"minmax": "min–max", "max": "x/max (cost: min/x)"}[r.normalize]
    panel = "cross-section" if r.period is None else ("pooled over periods" if r.panel == "pooled" else "per period")
    notes = [f"Normalisation {norm}; shift {r.shift:g} added before p_ij; 0·ln 0 := 0; {panel}."]
    if r.constant == "zero":
        notes.append("Constant indicators (if any) get entropy 1 and weight 0.")
    return tuple(notes)


# ---------------------------------------------------------------------------
# public functions
# ---------------------------------------------------------------------------
def _shared_fields(t: Any, table: Any, z: np.ndarray, id_column: Any, panel: str, shift: float, normalize: str, constant: str) -> dict[str, Any]:
    """Fields common to the entropy-weight and TOPSIS results."""
    return {
        "table": table,
        "normalized": pd.DataFrame(z, index=t.index, columns=t.columns),
        "index": t.index,
        "period": t.period,
        "wide": t.wide,
        "id_column": id_column,
        "ids": t.ids,
        "panel": panel,
        "shift": float(shift),
        "normalize": normalize,
        "constant": constant,
        "geometry": t.geometry,
    }


def entropy_weights(
    data: Any,
    directions: Any = None,
    *,
    columns: Sequence[str] | None = None,
    period: str | None = None,
    id_column: str | None = None,
    panel: Panel = "pooled",
    shift: float = 0.0,
    normalize: Normalize = "minmax",
    constant: Literal["raise", "zero"] = "raise",
) -> EntropyResult:
    r"""Entropy weights of indicators and the weighted composite score (熵权法).

    For n rows (units, or unit-periods of a pooled panel) and indicator j:

    1. Normalise by direction (``normalize="minmax"``, default):
       benefit ``z_ij = (x_ij − min_j) / (max_j − min_j)``,
       cost ``z_ij = (max_j − x_ij) / (max_j − min_j)``; so z ∈ [0, 1] and any
       sign of the raw values is fine.  ``normalize="max"``: ``z = x / max``
       (benefit) or ``z = min / x`` (cost), which needs x ≥ 0 (x > 0 for cost).
    2. ``p_ij = (z_ij + s) / Σ_i (z_ij + s)`` with ``s = shift`` (default 0 with
       the convention 0·ln 0 = 0; papers also use 1e-4 or 0.01 "平移").
    3. ``e_j = −(1 / ln n) Σ_i p_ij ln p_ij`` ∈ [0, 1];  ``d_j = 1 − e_j``;
       ``w_j = d_j / Σ_k d_k``.
    4. Composite score ``S_i = Σ_j w_j z_ij`` ∈ [0, 1].

    Parameters
    ----------
    data : DataFrame or GeoDataFrame
        Cross-section (rows = units), long panel (with ``period``) or wide panel
        (two-level columns ``(indicator, period)``).  See the module docstring.
    directions : None, str, mapping or sequence
        ``'+'`` (benefit, larger is better) or ``'-'`` (cost) per indicator;
        also ``+1/−1``.  A mapping ``{column: '-'}`` marks some (others '+');
        a string such as ``"++-"`` gives one sign per indicator.  Default all '+'.
    columns : list of str, optional
        Indicator columns (default: all numeric columns except ``period``).
    period : str, optional
        Period column of a long panel.
    id_column : str, optional
        Unit id column (e.g. ``"name"``): checked for duplicates (per period)
        and carried into :meth:`~EntropyResult.to_frame` and the summary.
    panel : {"pooled", "per_period"}
        Pool all unit-periods (default; comparable across periods) or run each
        period separately.
    shift : float
        Added to z before p_ij (≥ 0).
    normalize : {"minmax", "max"}
    constant : {"raise", "zero"}
        A constant indicator has no defined entropy weight: raise
        :class:`~spatialregion.errors.ConstantError` (default) or give it
        e = 1, weight 0.

    Returns
    -------
    EntropyResult

    References
    ----------
    Shannon (1948); e.g. 王佳婷 et al. (AI development index, entropy weights).
    """
    _validate_common(shift, normalize, constant, panel)
    t = _as_table(data, columns, period, id_column)
    positive = _directions(directions, t.columns)
    z, score, table, _ = _run_entropy(t, positive, shift, normalize, constant, panel)
    return EntropyResult(
        **_shared_fields(t, table, z, id_column, panel, shift, normalize, constant),
        scores=pd.Series(score, index=t.index, name="score"),
    )


def entropy_topsis(
    data: Any,
    directions: Any = None,
    *,
    columns: Sequence[str] | None = None,
    period: str | None = None,
    id_column: str | None = None,
    panel: Panel = "pooled",
    shift: float = 0.0,
    normalize: Normalize = "minmax",
    constant: Literal["raise", "zero"] = "raise",
    normalization: Literal["minmax", "vector"] = "minmax",
) -> TopsisResult:
    r"""Entropy-weighted TOPSIS (熵权-TOPSIS): distances to the ideal, closeness, rank.

    Weights w_j come from :func:`entropy_weights` (same parameters).  Then

    * weighted matrix ``v_ij = w_j r_ij`` where ``r = z`` (the direction-corrected
      normalised matrix, ``normalization="minmax"``, default) or
      ``r_ij = x_ij / sqrt(Σ_i x_ij²)`` (``"vector"``, Hwang & Yoon 1981);
    * ideal ``v⁺_j`` = best value of column j (max; for ``"vector"`` the min of
      cost indicators), anti-ideal ``v⁻_j`` = worst;
    * ``D⁺_i = sqrt(Σ_j (v_ij − v⁺_j)²)``, ``D⁻_i = sqrt(Σ_j (v_ij − v⁻_j)²)``;
    * closeness ``C_i = D⁻_i / (D⁺_i + D⁻_i)`` ∈ [0, 1]; rank 1 = largest C.

    With ``panel="pooled"`` the ideal and anti-ideal are taken over all
    unit-periods (so C is comparable across periods); ranks are within each period.

    Returns
    -------
    TopsisResult
    """
    _validate_common(shift, normalize, constant, panel)
    check_choice("normalization", normalization, ("minmax", "vector"))
    t = _as_table(data, columns, period, id_column)
    positive = _directions(directions, t.columns)
    z, _, table, blocks = _run_entropy(t, positive, shift, normalize, constant, panel)
    n = t.x.shape[0]
    out = {k: np.zeros(n) for k in ("d_plus", "d_minus", "closeness")}
    for _, rows, k in blocks:
        res = topsis_kernel(t.x[rows], z[rows], k["weights"], positive, normalization)
        for key in out:
            out[key][rows] = res[key]
    close = pd.Series(out["closeness"], index=t.index, name="closeness")
    if t.period is not None:
        rank = close.groupby(t.period).rank(ascending=False, method="min")
    else:
        rank = close.rank(ascending=False, method="min")
    return TopsisResult(
        **_shared_fields(t, table, z, id_column, panel, shift, normalize, constant),
        d_plus=pd.Series(out["d_plus"], index=t.index, name="d_plus"),
        d_minus=pd.Series(out["d_minus"], index=t.index, name="d_minus"),
        closeness=close,
        rank=rank.astype(int).rename("rank"),
        normalization=normalization,
    )
