"""Composite indices: entropy weights, entropy-TOPSIS and coupling coordination.

Every regional-economics paper first condenses 10–20 indicators into an index
by the entropy-weight method (熵权法) or entropy-TOPSIS, then measures how two
or more such indices ("subsystems") couple (耦合协调度).  This module holds
the three as vectorised kernels (plain arrays in, arrays out) under thin result
objects.

Panels
------
``entropy_weights`` and ``entropy_topsis`` accept

* a cross-section: a DataFrame with one row per unit and one column per indicator;
* a **long** panel: the same plus a ``period`` column (one row per unit and period);
* a **wide** panel: a DataFrame whose columns are a two-level MultiIndex
  ``(indicator, period)`` with one row per unit.

``panel="pooled"`` (default) normalises and weights all unit-periods together,
so scores are comparable across periods (the usual choice for a time-space
study; the "global entropy" method); ``panel="per_period"`` repeats the method
for every period separately (weights and scores per period, not comparable
across periods).

References
----------
Shannon, C. E. (1948). A mathematical theory of communication.
Hwang, C.-L., Yoon, K. (1981). *Multiple Attribute Decision Making*. Springer (TOPSIS).
廖重斌 (1999). 环境与经济协调发展的定量评判及其分类体系. 热带地理 19(2): 171–177.
王淑佳, 孔伟, 任亮, 等 (2021). 国内耦合协调度模型的误区及修正. 自然资源学报 36(3): 793–810.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from . import labels
from ._validation import check_choice, check_unique_ids, describe_rows, finite_array
from .errors import AlignmentError, ConstantError, InputError
from .results import Result, Summary, SummaryTable

__all__ = [
    "EntropyResult",
    "TopsisResult",
    "CouplingResult",
    "entropy_weights",
    "entropy_topsis",
    "coupling_coordination",
    "entropy_kernel",
    "topsis_kernel",
    "coupling_kernel",
    "coupling_class",
]

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


def coupling_kernel(
    u: np.ndarray, alpha: np.ndarray, variant: str = "standard"
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Coupling degree C, comprehensive index T and coordination D of an (n × k) matrix.

    See :func:`coupling_coordination` for the formulas.  Rows whose
    subsystems are all 0 get C = 0 (and D = 0).
    """
    k = u.shape[1]
    total = u.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        geo = np.exp(np.log(u).sum(axis=1) / k)  # (Π U)^(1/k); 0 when any U = 0
    geo = np.where((u == 0).any(axis=1), 0.0, geo)
    factor = float(k) if variant == "standard" else 1.0
    c = np.where(total > 0, factor * geo / np.where(total == 0, 1.0, total), 0.0)
    c = np.clip(c, 0.0, 1.0)
    t = u @ alpha
    d = np.sqrt(c * t)
    return c, t, d


def coupling_class(d: np.ndarray) -> np.ndarray:
    """Index 0–9 of the coordination class of D (廖重斌 1999; 0.1 steps).

    Class j holds ``j/10 <= D < (j+1)/10``; D = 1 falls in class 9.  D is
    rounded to 12 decimals first so that, e.g., a computed 0.30000000000000004
    or 0.29999999999999999 both count as 0.3 (class 3).
    """
    d = np.round(np.asarray(d, dtype=float), 12)
    return np.clip(np.floor(d * 10 + 1e-9).astype(int), 0, 9)


# ---------------------------------------------------------------------------
# input handling
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class _Table:
    """Indicator matrix in long form plus the bookkeeping to give results back."""

    x: np.ndarray  # (rows, m)
    columns: list[str]
    index: pd.Index  # row labels (input index; (unit, period) for wide input)
    period: np.ndarray | None  # period label per row
    wide: bool
    geometry: Any
    ids: pd.Series | None = None  # unit id per row (id_column), long panels / cross-sections


def _as_table(data: Any, columns: Sequence[str] | None, period: str | None, id_column: str | None = None) -> _Table:
    if isinstance(data, Mapping):
        raise InputError(
            "pass a DataFrame: a long panel with period=<column>, or a wide panel with "
            "two-level columns (indicator, period), e.g. pd.concat(frames_by_year, axis=1, names=[..])"
        )
    if not isinstance(data, pd.DataFrame):
        arr = finite_array(data, "data", ndim=2)
        data = pd.DataFrame(arr, columns=[f"x{j + 1}" for j in range(arr.shape[1])])
    check_unique_ids(data.index, "data index")
    import geopandas as gpd

    geometry = data.geometry if isinstance(data, gpd.GeoDataFrame) else None

    if isinstance(data.columns, pd.MultiIndex):
        if id_column is not None:
            raise InputError("id_column is for long panels and cross-sections; a wide panel's units are its index")
        if data.columns.nlevels != 2:
            raise InputError("a wide panel needs two column levels (indicator, period)")
        if period is not None:
            raise InputError("period= is for long panels; a wide panel carries periods in its second column level")
        ind = list(dict.fromkeys(data.columns.get_level_values(0)))
        if columns is not None:
            unknown = [c for c in columns if c not in ind]
            if unknown:
                raise InputError(f"indicator(s) {unknown} not in the first column level {ind}")
            ind = list(columns)
        per = list(dict.fromkeys(data.columns.get_level_values(1)))
        full = pd.MultiIndex.from_product([ind, per])
        missing = [c for c in full if c not in data.columns]
        if missing:
            raise InputError(f"wide panel lacks (indicator, period) column(s) {missing[:6]}; every indicator needs every period")
        long = data[full].stack(level=1, future_stack=True)[ind]
        long.index = long.index.set_names([data.index.name or "unit", "period"])
        x = finite_array(long.to_numpy(dtype=float, na_value=np.nan), "indicator values", list(long.index), ndim=2)
        return _Table(x, [str(c) for c in ind], long.index, long.index.get_level_values(1).to_numpy(), True, geometry)

    skip = {c for c in (period, id_column) if c is not None}
    if geometry is not None:
        skip.add(geometry.name)
    if columns is None:
        columns = [c for c in data.columns if c not in skip and pd.api.types.is_numeric_dtype(data[c])]
        if not columns:
            raise InputError("data has no numeric indicator columns; pass columns=[...]")
    else:
        columns = list(columns)
        unknown = [c for c in columns if c not in data.columns]
        if unknown:
            raise InputError(f"indicator column(s) {unknown} not in the data; available: {list(data.columns)[:20]}")
    per = None
    if period is not None:
        if period not in data.columns:
            raise InputError(f"period column {period!r} not in the data; available: {list(data.columns)[:20]}")
        if data[period].isna().any():
            raise InputError(f"period column {period!r} has missing values in {describe_rows(data.index[data[period].isna()])}")
        per = data[period].to_numpy()
    bad = [c for c in columns if not pd.api.types.is_numeric_dtype(data[c]) or pd.api.types.is_bool_dtype(data[c])]
    if bad:
        raise InputError(f"indicator column(s) {bad} are not numeric")
    x = finite_array(data[columns].to_numpy(dtype=float, na_value=np.nan), "indicator values", list(data.index), ndim=2)
    ids = None
    if id_column is not None:
        if id_column not in data.columns:
            raise InputError(f"id_column {id_column!r} not in the data; available: {list(data.columns)[:20]}")
        ids = data[id_column]
        if ids.isna().any():
            raise InputError(f"id_column {id_column!r} has missing values in {describe_rows(data.index[ids.isna()])}")
        keys = pd.MultiIndex.from_arrays([ids, data[period]]) if period is not None else pd.Index(ids)
        check_unique_ids(keys, f"id_column {id_column!r}" + (f" × period {period!r}" if period is not None else ""))
    return _Table(x, [str(c) for c in columns], data.index, per, False, geometry, ids)


def _directions(directions: Any, columns: list[str]) -> np.ndarray:
    """Boolean 'benefit' mask from None / mapping / sequence of +1,-1,'+','-'."""

    def one(v: Any, name: str) -> bool:
        if v in (1, "+", "positive", "benefit", True):
            return True
        if v in (-1, "-", "negative", "cost", False):
            return False
        raise InputError(f"direction of indicator {name!r} is {v!r}; use '+' (benefit) or '-' (cost)")

    if directions is None:
        return np.ones(len(columns), dtype=bool)
    if isinstance(directions, str):
        if len(directions) == len(columns) and set(directions) <= {"+", "-"}:
            return np.array([c == "+" for c in directions])
        return np.array([one(directions, c) for c in columns])
    if isinstance(directions, Mapping):
        unknown = [k for k in directions if k not in columns]
        if unknown:
            raise InputError(f"directions given for unknown indicator(s) {unknown}; indicators are {columns}")
        return np.array([one(directions.get(c, "+"), c) for c in columns])
    seq = list(directions)
    if len(seq) != len(columns):
        raise InputError(f"directions has {len(seq)} entries but there are {len(columns)} indicators {columns}")
    return np.array([one(v, c) for v, c in zip(seq, columns)])


def _check_values(t: _Table, positive: np.ndarray, normalize: str, constant: str, rows: np.ndarray, label: str) -> None:
    x = t.x[rows]
    if x.shape[0] < 2:
        raise InputError(f"{label}: the entropy method needs at least 2 rows, got {x.shape[0]}")
    if normalize == "max":
        for j, c in enumerate(t.columns):
            neg = x[:, j] < 0 if positive[j] else x[:, j] <= 0
            if neg.any():
                what = "negative" if positive[j] else "zero or negative (cost indicators use min/x)"
                raise InputError(
                    f"normalize='max' needs non-negative values (the log of p is taken), but indicator {c!r} "
                    f"has {what} values in {describe_rows(t.index[rows][neg])}; use normalize='minmax'"
                )
    if constant == "raise":
        const = np.ptp(x, axis=0) == 0
        if const.any():
            names = [t.columns[j] for j in np.nonzero(const)[0]]
            raise ConstantError(
                f"{label}: indicator(s) {names} are constant, so their entropy weight is undefined; "
                "drop them or pass constant='zero' to give them weight 0"
            )


def _groups(t: _Table, panel: str) -> list[tuple[Any, np.ndarray]]:
    """Row blocks the method runs on: one block (pooled / cross-section) or one per period."""
    n = t.x.shape[0]
    if t.period is None or panel == "pooled":
        return [(None, np.arange(n))]
    codes, uniq = pd.factorize(t.period, sort=True)
    return [(p, np.nonzero(codes == i)[0]) for i, p in enumerate(uniq)]


def _validate_common(shift: float, normalize: str, constant: str, panel: str) -> None:
    check_choice("normalize", normalize, ("minmax", "max"))
    check_choice("constant", constant, ("raise", "zero"))
    check_choice("panel", panel, ("pooled", "per_period"))
    if not np.isfinite(shift) or shift < 0:
        raise InputError(f"shift={shift!r} must be a finite number >= 0 (papers use 0, 1e-4 or 0.01)")


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
    from . import maps

    return maps.classify_style(frame, column, k=5, title=title)


@dataclass(frozen=True)
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
            from . import maps

            frame = self._geo_frame()
            per = sorted(set(self.period))[-1] if period is None else period
            sub = frame[frame["period"] == per]
            if sub.empty:
                raise InputError(f"period={period!r} not in the panel; periods are {sorted(set(self.period))}")
            style = _score_style(sub, self._score_name, f"{self._score_name} {per}")
            return maps.plot_style(sub, style, ax=ax, **kwargs)
        return super().plot(ax=ax, **kwargs)


@dataclass(frozen=True)
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


@dataclass(frozen=True)
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
        table=table,
        normalized=pd.DataFrame(z, index=t.index, columns=t.columns),
        index=t.index,
        period=t.period,
        wide=t.wide,
        id_column=id_column,
        ids=t.ids,
        panel=panel,
        shift=float(shift),
        normalize=normalize,
        constant=constant,
        scores=pd.Series(score, index=t.index, name="score"),
        geometry=t.geometry,
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
        table=table,
        normalized=pd.DataFrame(z, index=t.index, columns=t.columns),
        index=t.index,
        period=t.period,
        wide=t.wide,
        id_column=id_column,
        ids=t.ids,
        panel=panel,
        shift=float(shift),
        normalize=normalize,
        constant=constant,
        d_plus=pd.Series(out["d_plus"], index=t.index, name="d_plus"),
        d_minus=pd.Series(out["d_minus"], index=t.index, name="d_minus"),
        closeness=close,
        rank=rank.astype(int).rename("rank"),
        normalization=normalization,
        geometry=t.geometry,
    )


# ---------------------------------------------------------------------------
# coupling coordination
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class CouplingResult(Result):
    """Coupling degree C, comprehensive index T, coordination degree D and class.

    Attributes
    ----------
    u : DataFrame
        Subsystem indices (one column each), rows as the input.
    c, t, d : Series
        Coupling degree, comprehensive development index, coordination degree.
    klass : Series
        Class key of D from :data:`spatialregion.labels.COUPLING_CLASSES`.
    variant : {"standard", "sqrt"}
    alpha : tuple of float
        Subsystem weights in T.
    """

    u: pd.DataFrame
    c: pd.Series
    t: pd.Series
    d: pd.Series
    klass: pd.Series
    variant: str
    alpha: tuple[float, ...]

    def to_frame(self) -> pd.DataFrame:
        """U columns, ``C``, ``T``, ``D``, ``class`` (key), ``class_zh``, ``class_en``."""
        frame = self.u.copy()
        frame["C"] = self.c
        frame["T"] = self.t
        frame["D"] = self.d
        frame["class"] = self.klass
        lab = {x.key: x for x in labels.COUPLING_CLASSES}
        frame["class_zh"] = self.klass.map(lambda k: lab[k].zh)
        frame["class_en"] = self.klass.map(lambda k: lab[k].en)
        if self.geometry is not None:
            import geopandas as gpd

            return gpd.GeoDataFrame(frame, geometry=pd.Series(np.asarray(self.geometry), index=frame.index), crs=getattr(self.geometry, "crs", None))
        return frame

    def summary(self) -> Summary:
        frame = self.to_frame()
        frame = pd.DataFrame(frame.drop(columns=["geometry", "class"], errors="ignore"))
        counts = self.klass.value_counts()
        dist = pd.DataFrame(
            [
                {"D range": f"[{i / 10:.1f}, {(i + 1) / 10:.1f}{']' if i == 9 else ')'}", "class": f"{x.zh} {x.en}", "units": int(counts.get(x.key, 0))}
                for i, x in enumerate(labels.COUPLING_CLASSES)
            ]
        )
        form = "C = n(ΠU)^(1/n)/ΣU (0–1)" if self.variant == "standard" else "C = (ΠU)^(1/n)/ΣU (max 1/n)"
        notes = (
            f"{form}; T = Σ α_i U_i with α = {tuple(round(a, 4) for a in self.alpha)}; D = √(C·T).",
            "Classes at 0.1 steps of D (廖重斌 1999): class j holds j/10 ≤ D < (j+1)/10; D = 1 is 优质协调.",
        )
        return Summary(
            "Coupling coordination 耦合协调度",
            (SummaryTable("Per unit", frame, "{:.4f}"), SummaryTable("Class counts", dist.set_index("D range"))),
            notes,
        )

    def _style(self):
        from . import export

        return export.label_style(
            "class", labels.COUPLING_CLASSES, present=self.klass, bilingual=False, title="耦合协调度 D"
        )


def coupling_coordination(
    *subsystems: Any,
    alpha: Sequence[float] | None = None,
    variant: Literal["standard", "sqrt"] = "standard",
    geometry: Any = None,
) -> CouplingResult:
    r"""Coupling coordination degree of n ≥ 2 subsystems (耦合协调度模型).

    For subsystem indices U_1 … U_n ∈ [0, 1] of each unit:

    * ``variant="standard"`` (default; 王淑佳 et al. 2021, "corrected" model):
      ``C = n (Π U_i)^(1/n) / Σ U_i = [Π U_i / ((Σ U_i / n)^n)]^(1/n)`` ∈ [0, 1];
      for two subsystems ``C = 2 √(U1 U2) / (U1 + U2)``.
    * ``variant="sqrt"`` (the form many papers print, e.g. the BTH chains paper,
      after 廖重斌 1999 as often transcribed):
      ``C = (Π U_i)^(1/n) / Σ U_i = [Π U_i / (Σ U_i)^n]^(1/n)``, maximum 1/n;
      for two subsystems ``C = √(U1 U2) / (U1 + U2)`` (max 0.5).  It is the
      standard C divided by n, so D (below) can never exceed √(1/n) and the top
      classes are unreachable; 王淑佳 et al. (2021) explain why this is a
      mis-transcription.  Offered to reproduce such papers.
    * ``T = Σ α_i U_i`` (Σ α = 1; default equal weights 1/n),
      ``D = √(C · T)``.
    * Class of D: ten classes at 0.1 steps (廖重斌 1999),
      :data:`spatialregion.labels.COUPLING_CLASSES`, 极度失调 [0, 0.1) …
      优质协调 [0.9, 1.0]; lower bound inclusive (see :func:`coupling_class`).

    Units whose subsystems are all 0 get C = 0 (C is 0/0 there) and D = 0.

    Parameters
    ----------
    *subsystems : Series or array-like
        One argument per subsystem (equal length; Series must share their
        index), or a single DataFrame whose columns are the subsystems.
    alpha : sequence of float, optional
        Subsystem weights (non-negative, summing to 1).
    variant : {"standard", "sqrt"}
    geometry : GeoSeries, optional
        The units' geometry, to map the result.

    Returns
    -------
    CouplingResult
    """
    check_choice("variant", variant, ("standard", "sqrt"))
    if len(subsystems) == 1 and isinstance(subsystems[0], pd.DataFrame):
        frame = subsystems[0]
        cols = [str(c) for c in frame.columns]
        series = [frame[c] for c in frame.columns]
    else:
        series = list(subsystems)
        cols = []
        for i, s in enumerate(series):
            name = getattr(s, "name", None)
            cols.append(str(name) if name is not None and str(name) not in cols else f"U{i + 1}")
    if len(series) < 2:
        raise InputError(f"coupling coordination needs at least 2 subsystems, got {len(series)}")
    index = None
    for s, name in zip(series, cols):
        if isinstance(s, pd.Series):
            if index is None:
                index = s.index
            elif not s.index.equals(index):
                raise AlignmentError(
                    f"subsystem {name!r} has a different index from the first subsystem; align them "
                    "(e.g. .reindex(first.index)) before calling"
                )
    arrays = [finite_array(np.asarray(s, dtype=float), f"subsystem {name!r}", list(index) if index is not None else None) for s, name in zip(series, cols)]
    n = {a.shape[0] for a in arrays}
    if len(n) != 1:
        raise AlignmentError(f"subsystems have different lengths {sorted(n)}")
    index = index if index is not None else pd.RangeIndex(arrays[0].shape[0])
    check_unique_ids(index, "subsystem index")
    u = np.column_stack(arrays)
    for j, name in enumerate(cols):
        bad = (u[:, j] < 0) | (u[:, j] > 1)
        if bad.any():
            raise InputError(
                f"subsystem {name!r} must lie in [0, 1] but has values outside in {describe_rows(index[bad])}; "
                "use normalised indices (e.g. entropy_weights(...).scores)"
            )
    k = u.shape[1]
    if alpha is None:
        a = np.full(k, 1.0 / k)
    else:
        a = finite_array(alpha, "alpha")
        if a.shape[0] != k or (a < 0).any() or not np.isclose(a.sum(), 1.0):
            raise InputError(f"alpha={list(a)} must be {k} non-negative weights summing to 1")
    c, t, d = coupling_kernel(u, a, variant)
    keys = np.array([x.key for x in labels.COUPLING_CLASSES])[coupling_class(d)]
    if geometry is not None and len(geometry) != len(index):
        raise AlignmentError(f"geometry has {len(geometry)} rows but the subsystems have {len(index)}")
    return CouplingResult(
        u=pd.DataFrame(u, index=index, columns=cols),
        c=pd.Series(c, index=index, name="C"),
        t=pd.Series(t, index=index, name="T"),
        d=pd.Series(d, index=index, name="D"),
        klass=pd.Series(keys, index=index, name="class"),
        variant=variant,
        alpha=tuple(float(x) for x in a),
        geometry=geometry,
    )
