"""Entropy weights and entropy-TOPSIS: array kernels, result classes and the public functions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from .._validation import check_choice
from ..errors import ConstantError, InputError
from ..results import Summary, SummaryTable, UnitResult
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

    Formulas in :func:`entropy_weights`.  No validation: use the public function.

    Parameters
    ----------
    x : ndarray, shape (n, m)
        Indicator values, finite.
    positive : ndarray of bool, shape (m,)
        True for benefit ('+') indicators, False for cost ('-') indicators.
    shift : float
        Added to the normalised values before p_ij.
    normalize : {"minmax", "max"}
        Normalisation of each indicator.

    Returns
    -------
    dict
        ``z`` (normalised matrix), ``entropy``, ``divergence``,
        ``indicator_weights`` (length m), ``constant`` (bool mask of constant
        columns, whose weight is 0) and ``score`` (length n, ``z @ w``).
    """
    z, const = _normalise(x, positive, normalize)
    e, d, w = _entropy_from_z(z, shift, const)
    return {"z": z, "entropy": e, "divergence": d, "indicator_weights": w, "constant": const, "score": z @ w}


def topsis_kernel(
    x: np.ndarray,
    z: np.ndarray,
    indicator_weights: np.ndarray,
    positive: np.ndarray,
    normalization: str = "minmax",
) -> dict[str, np.ndarray]:
    """TOPSIS distances and closeness for an (n × m) matrix.

    ``normalization="minmax"`` weights the direction-corrected min–max matrix
    ``z`` (ideal = column maximum, anti-ideal = column minimum of ``v = w·z``);
    ``"vector"`` uses r_ij = x_ij / sqrt(Σ_i x_ij²) (ideal = max for benefit,
    min for cost indicators).

    Parameters
    ----------
    x : ndarray, shape (n, m)
        Raw indicator values (used by ``"vector"``).
    z : ndarray, shape (n, m)
        Direction-corrected normalised values (used by ``"minmax"``).
    indicator_weights : ndarray, shape (m,)
        Indicator weights w_j.
    positive : ndarray of bool, shape (m,)
        Benefit (True) or cost (False) indicators.
    normalization : {"minmax", "vector"}
        Matrix the distances are measured in.

    Returns
    -------
    dict
        ``d_plus``, ``d_minus`` (distances to the ideal and anti-ideal) and
        ``closeness`` = d_minus / (d_plus + d_minus), each of length n.
    """
    if normalization == "vector":
        norm = np.sqrt((x**2).sum(axis=0))
        r = x / np.where(norm == 0, 1.0, norm)
        v = r * indicator_weights
        best = np.where(positive, v.max(axis=0), v.min(axis=0))
        worst = np.where(positive, v.min(axis=0), v.max(axis=0))
    else:
        v = z * indicator_weights
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
                    "weight": k["indicator_weights"][j],
                }
            )
    table = pd.DataFrame(rows_out)
    if panel == "pooled" or t.periods is None:
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
class _IndexResult(UnitResult):
    """Shared parts of entropy and TOPSIS results (per-observation scores, per-unit frames)."""

    table: pd.DataFrame
    normalized: pd.DataFrame
    periods: tuple[Any, ...] | None
    panel: str
    id_column: str | None
    period_column: str | None
    shift: float
    normalize: str
    constant: str

    _score_name = "score"

    def _columns(self) -> dict[str, pd.Series]:
        raise NotImplementedError

    @property
    def indicator_weights(self) -> pd.Series | pd.DataFrame:
        """Indicator weights w_j: a Series by indicator, or indicators × periods for ``panel="per_period"``."""
        w = self.table["weight"]
        if isinstance(w.index, pd.MultiIndex):
            return w.unstack("period")
        return w

    @property
    def entropy(self) -> pd.Series:
        """Entropy e_j of every indicator (and period, for ``panel="per_period"``)."""
        return self.table["entropy"]

    @property
    def divergence(self) -> pd.Series:
        """Divergence d_j = 1 − e_j."""
        return self.table["divergence"]

    def to_frame(self) -> pd.DataFrame:
        """One row per unit: ids, names and indicator values first, then the results.

        A cross-section gives the normalised indicators (``<indicator>_norm``)
        and the score columns, rows as the input; a long panel gives one row per
        unit with ``<score>_<period>`` columns (the per-observation values are
        the Series attributes, indexed by (id, period)).  A GeoDataFrame when
        the input was one.

        Returns
        -------
        DataFrame or GeoDataFrame
        """
        cols = self._columns()
        if self.periods is None:
            results = self.normalized.add_suffix("_norm")
            for name, s in cols.items():
                results[name] = s.to_numpy()
        else:
            parts = {}
            for name, s in cols.items():
                wide = s.unstack(level=1).reindex(columns=list(self.periods))
                for p in self.periods:
                    parts[f"{name}_{p}"] = wide[p]
            results = pd.DataFrame(parts)
        return self._unit_frame(results)

    def _map_column(self, period: Any = None) -> str:
        if self.periods is None:
            return self._score_name
        per = self.periods[-1] if period is None else period
        if per not in self.periods:
            raise InputError(f"period={period!r} not in the panel; periods are {list(self.periods)}")
        return f"{self._score_name}_{per}"

    def _style(self):
        col = self._map_column()
        return _score_style(self.to_frame(), col, col)

    def plot(self, ax: Any = None, period: Any = None, **kwargs: Any):
        """Map the score (TOPSIS: closeness) in five Fisher–Jenks classes.

        Parameters
        ----------
        ax : matplotlib Axes, optional
            Axes to draw on.
        period : optional
            Period of a long panel to map (default: the last).
        **kwargs
            Passed to :func:`spatialregion.maps.plot_style` (``title=``, ``labels="name_short"``, ...).

        Returns
        -------
        matplotlib Axes
        """
        from .. import maps

        col = self._map_column(period)
        frame = self._geo_frame()
        title = col if self.periods is None else f"{self._score_name} {col.rsplit('_', 1)[-1]}"
        return maps.plot_style(frame, _score_style(frame, col, title), ax=ax, **kwargs)

    def _score_table(self, name: str) -> pd.DataFrame:
        """Per unit: the score (cross-section, sorted) or units × periods (panel)."""
        s = self._columns()[name]
        if self.periods is not None:
            return s.unstack(level=1).reindex(columns=list(self.periods))
        lead = self.units.drop(columns=[c for c in self.normalized.columns if c in self.units.columns]) if self.units is not None else None
        frame = s.to_frame(name)
        if lead is not None and lead.shape[1]:
            frame = pd.concat([lead, frame], axis=1)
        return frame.sort_values(name, ascending=False)


@dataclass(frozen=True, eq=False)
class EntropyResult(_IndexResult):
    r"""Entropy weights of the indicators and the weighted composite score (熵权法).

    Formulas in :func:`entropy_weights`.

    Attributes
    ----------
    table : DataFrame
        Per indicator (and period, for ``panel="per_period"``): ``direction``,
        ``entropy`` e_j, ``divergence`` d_j = 1 − e_j and ``weight`` w_j.
    normalized : DataFrame
        The direction-corrected normalised matrix z, one row per observation
        (index as the input, or (id, period) for a long panel).
    scores : Series
        S_i = Σ_j w_j z_ij ∈ [0, 1], one per observation.
    periods : tuple or None
        Periods of a long panel in time order.
    panel, id_column, period_column, shift, normalize, constant
        The settings used.
    indicator_weights : Series or DataFrame
        w_j (property; indicators × periods for ``panel="per_period"``).

    References
    ----------
    Shannon, C. E. (1948). A mathematical theory of communication. Bell Syst. Tech. J. 27: 379–423.
    """

    scores: pd.Series = None  # type: ignore[assignment]

    def _columns(self) -> dict[str, pd.Series]:
        return {"score": self.scores}

    def summary(self) -> Summary:
        """Indicator weights, score statistics by period and the scores per unit.

        Returns
        -------
        Summary
        """
        tables = [SummaryTable("Entropy weights 熵权", self.table, "{:.4f}")]
        if self.periods is not None:
            s = pd.Series(self.scores.to_numpy(), index=self.scores.index.get_level_values(1))
            stats = s.groupby(level=0, sort=False).agg(["mean", "std", "min", "max"]).reindex(list(self.periods))
            tables.append(SummaryTable("Composite score by period", stats, "{:.4f}"))
            tables.append(SummaryTable("Composite score per unit", self._score_table("score")))
        else:
            tables.append(SummaryTable("Composite score", self._score_table("score")))
        return Summary("Entropy-weight method 熵权法", tuple(tables), _notes(self))


@dataclass(frozen=True, eq=False)
class TopsisResult(_IndexResult):
    r"""Entropy-TOPSIS (熵权-TOPSIS): weights, distances to the ideal and anti-ideal, closeness, rank.

    Formulas in :func:`entropy_topsis`.

    Attributes
    ----------
    table : DataFrame
        Entropy weights (as :class:`EntropyResult`).
    normalized : DataFrame
        The direction-corrected normalised matrix z.
    d_plus, d_minus : Series
        Euclidean distances of the weighted normalised rows to the ideal
        (best) and anti-ideal (worst) solution.
    closeness : Series
        C_i = D⁻_i / (D⁺_i + D⁻_i) ∈ [0, 1]; higher is better.
    rank : Series
        1 = highest closeness (within each period for a panel; ties share the
        lowest rank, ``method="min"``).
    normalization : str
        ``"minmax"`` or ``"vector"`` (matrix the distances are measured in).
    periods, panel, id_column, period_column, shift, normalize, constant
        As :class:`EntropyResult`.

    References
    ----------
    Hwang, C.-L., Yoon, K. (1981). *Multiple Attribute Decision Making*. Springer.
    """

    d_plus: pd.Series = None  # type: ignore[assignment]
    d_minus: pd.Series = None  # type: ignore[assignment]
    closeness: pd.Series = None  # type: ignore[assignment]
    rank: pd.Series = None  # type: ignore[assignment]
    normalization: str = "minmax"

    _score_name = "closeness"

    def _columns(self) -> dict[str, pd.Series]:
        return {"d_plus": self.d_plus, "d_minus": self.d_minus, "closeness": self.closeness, "rank": self.rank}

    def summary(self) -> Summary:
        """Indicator weights and the closeness and rank of every unit (per period for a panel).

        Returns
        -------
        Summary
        """
        frame = pd.DataFrame(self._columns())
        if self.periods is not None:
            frame = frame.reset_index().sort_values([self.period_column, "rank"]).set_index(frame.index.names)
        else:
            lead = self.units.drop(columns=[c for c in self.normalized.columns if c in self.units.columns]) if self.units is not None else None
            if lead is not None and lead.shape[1]:
                frame = pd.concat([lead, frame], axis=1)
            frame = frame.sort_values("rank")
        tables = (
            SummaryTable("Entropy weights 熵权", self.table, "{:.4f}"),
            SummaryTable("TOPSIS closeness 贴近度", frame, "{:.4f}"),
        )
        return Summary("Entropy-TOPSIS 熵权-TOPSIS", tables, _notes(self) + (f"TOPSIS matrix: {self.normalization} normalisation.",))


def _notes(r: _IndexResult) -> tuple[str, ...]:
    norm = {"minmax": "min–max", "max": "x/max (cost: min/x)"}[r.normalize]
    panel = "cross-section" if r.periods is None else ("pooled over periods" if r.panel == "pooled" else "per period")
    notes = [f"Normalisation {norm}; shift {r.shift:g} added before p_ij; 0·ln 0 := 0; {panel}."]
    if r.constant == "zero":
        notes.append("Constant indicators (if any) get entropy 1 and weight 0.")
    return tuple(notes)


# ---------------------------------------------------------------------------
# public functions
# ---------------------------------------------------------------------------
def _shared_fields(t: _Table, table: Any, z: np.ndarray, id_column: Any, period_column: Any, panel: str,
                   shift: float, normalize: str, constant: str) -> dict[str, Any]:
    """Fields common to the entropy-weight and TOPSIS results."""
    return {
        "table": table,
        "normalized": pd.DataFrame(z, index=t.index, columns=t.columns),
        "periods": t.periods,
        "id_column": id_column,
        "period_column": period_column,
        "panel": panel,
        "shift": float(shift),
        "normalize": normalize,
        "constant": constant,
        "geometry": t.geometry,
        "units": t.units,
    }


def entropy_weights(
    data: Any,
    columns: Sequence[str] | None = None,
    *,
    directions: Any = None,
    id_column: str | None = None,
    period_column: str | None = None,
    periods: Sequence[Any] | None = None,
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
    data : DataFrame, GeoDataFrame or array of shape (n, m)
        A cross-section (one row per unit, one column per indicator) or a long
        panel (one row per unit and period, with ``id_column`` and
        ``period_column``; balanced).
    columns : list of str, optional
        Indicator columns in order (default: every numeric column except the
        id and period columns).
    directions : None, str, mapping or sequence
        ``'+'`` (benefit, larger is better) or ``'-'`` (cost) per indicator;
        also ``+1/−1``.  A mapping ``{column: '-'}`` marks some (others '+');
        a string such as ``"++-"`` gives one sign per indicator.  Default all '+'.
    id_column : str, optional
        Unit id column: carried into :meth:`~EntropyResult.to_frame`; with
        ``period_column`` it matches each unit's periods.
    period_column : str, optional
        Period column of a long panel (needs ``id_column``).  Periods are
        ordered numerically (or by ``periods=``), see
        :func:`spatialregion._panel.read_panel`.
    periods : sequence, optional
        Time order of the period labels when they are not numbers.
    panel : {"pooled", "per_period"}
        Pool all unit-periods (default; scores comparable across periods, the
        "global entropy" method) or run each period separately.
    shift : float
        Added to z before p_ij (≥ 0).
    normalize : {"minmax", "max"}
        Normalisation of step 1.
    constant : {"raise", "zero"}
        A constant indicator has no defined entropy weight: raise
        :class:`~spatialregion.errors.ConstantError` (default) or give it
        e = 1, weight 0.

    Returns
    -------
    EntropyResult
        ``indicator_weights``, ``scores`` (per observation) and the per-unit
        frame (ids, names, values, scores).

    References
    ----------
    Shannon, C. E. (1948). A mathematical theory of communication. Bell Syst. Tech. J. 27: 379–423.
    """
    _validate_common(shift, normalize, constant, panel)
    t = _as_table(data, columns, id_column, period_column, periods)
    positive = _directions(directions, t.columns)
    z, score, table, _ = _run_entropy(t, positive, shift, normalize, constant, panel)
    return EntropyResult(
        **_shared_fields(t, table, z, id_column, period_column, panel, shift, normalize, constant),
        scores=pd.Series(score, index=t.index, name="score"),
    )


def entropy_topsis(
    data: Any,
    columns: Sequence[str] | None = None,
    *,
    directions: Any = None,
    id_column: str | None = None,
    period_column: str | None = None,
    periods: Sequence[Any] | None = None,
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

    Parameters
    ----------
    data : DataFrame, GeoDataFrame or array of shape (n, m)
        As :func:`entropy_weights`.
    columns : list of str, optional
        Indicator columns in order.
    directions : None, str, mapping or sequence
        '+' (benefit) or '-' (cost) per indicator (see :func:`entropy_weights`).
    id_column, period_column, periods
        Unit ids and the long panel's periods (see :func:`entropy_weights`).
    panel : {"pooled", "per_period"}
        Pool all unit-periods (default) or run each period separately.
    shift : float
        Added to z before p_ij (≥ 0).
    normalize : {"minmax", "max"}
        Normalisation of the entropy step.
    constant : {"raise", "zero"}
        Treatment of constant indicators.
    normalization : {"minmax", "vector"}
        Matrix the TOPSIS distances are measured in.

    Returns
    -------
    TopsisResult
        Indicator weights, ``d_plus``, ``d_minus``, ``closeness`` and ``rank``.

    References
    ----------
    Hwang, C.-L., Yoon, K. (1981). *Multiple Attribute Decision Making*. Springer.
    """
    _validate_common(shift, normalize, constant, panel)
    check_choice("normalization", normalization, ("minmax", "vector"))
    t = _as_table(data, columns, id_column, period_column, periods)
    positive = _directions(directions, t.columns)
    z, _, table, blocks = _run_entropy(t, positive, shift, normalize, constant, panel)
    n = t.x.shape[0]
    out = {k: np.zeros(n) for k in ("d_plus", "d_minus", "closeness")}
    for _, rows, k in blocks:
        res = topsis_kernel(t.x[rows], z[rows], k["indicator_weights"], positive, normalization)
        for key in out:
            out[key][rows] = res[key]
    close = pd.Series(out["closeness"], index=t.index, name="closeness")
    if t.period is not None:
        rank = close.groupby(t.period).rank(ascending=False, method="min")
    else:
        rank = close.rank(ascending=False, method="min")
    return TopsisResult(
        **_shared_fields(t, table, z, id_column, period_column, panel, shift, normalize, constant),
        d_plus=pd.Series(out["d_plus"], index=t.index, name="d_plus"),
        d_minus=pd.Series(out["d_minus"], index=t.index, name="d_minus"),
        closeness=close,
        rank=rank.astype(int).rename("rank"),
        normalization=normalization,
    )
