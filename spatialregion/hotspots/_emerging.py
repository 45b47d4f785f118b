"""Emerging hot spots: Gi* per period, Mann–Kendall trend and the ArcGIS
patterns (:func:`emerging_hotspots`, :func:`classify_emerging`)."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from .._permutation import local_weights
from .._validation import check_not_constant, column_values
from ..errors import DuplicateIdError, InputError, MissingValueError
from ..results import Result, Summary, SummaryTable
from ._common import (
    EMERGING_PATTERNS,
    _check_common,
    _default_weights,
    _frame_geo,
    _geometry_of,
    _label_cols,
)
from ._kernels import _p_from_z, gi_bins, gi_z, mann_kendall


def classify_emerging(hot: np.ndarray, cold: np.ndarray, trend_z: float, trend_p: float, trend_alpha: float = 0.05) -> str:
    """ArcGIS Emerging Hot Spot pattern of one location.

    ``hot``/``cold``: boolean series over the periods (oldest first) of
    statistically significant hot / cold spots; ``trend_z``/``trend_p``: the
    Mann–Kendall trend of the location's Gi* z series.  With ``T`` periods and
    ``h`` = share of periods that are significant hot spots (ArcGIS's
    definitions; the cold patterns mirror them):

    * **new**: hot in the final period, never hot before;
    * **consecutive**: a single uninterrupted run of at least two hot
      periods at the end, never hot before that run, ``h < 90 %``;
    * **intensifying**: ``h >= 90 %``, hot in the final period, significant
      upward trend (for cold: downward, i.e. clustering of lows intensifies);
    * **persistent**: ``h >= 90 %``, no significant trend;
    * **diminishing**: ``h >= 90 %``, hot in the final period, significant
      downward trend (cold: upward);
    * **sporadic**: hot in the final period, ``h < 90 %``, on-again off-again
      (not new/consecutive), never a significant cold spot;
    * **oscillating**: hot in the final period, ``h < 90 %``, a significant
      cold spot in some earlier period;
    * **historical**: not hot in the final period, ``h >= 90 %``.

    Where ArcGIS's wording lets two patterns apply, the first in the order
    above wins, except that a location not hot in the final period is
    *historical* rather than *persistent* (persistent locations are still hot).
    A location never significant is "no_pattern".
    """
    hot = np.asarray(hot, dtype=bool)
    cold = np.asarray(cold, dtype=bool)
    T = hot.size
    trend_sig = bool(np.isfinite(trend_p) and trend_p <= trend_alpha)
    for kind, s, other, up in (("hot", hot, cold, 1), ("cold", cold, hot, -1)):
        share = s.sum() / T
        last = bool(s[-1])
        if last and not s[:-1].any():
            return f"new_{kind}"
        if last:
            run = T - (np.flatnonzero(~s).max() + 1 if (~s).any() else 0)
            if run >= 2 and not s[: T - run].any() and share < 0.9:
                return f"consecutive_{kind}"
        if share >= 0.9:
            if last and trend_sig and np.sign(trend_z) == up:
                return f"intensifying_{kind}"
            if last and trend_sig and np.sign(trend_z) == -up:
                return f"diminishing_{kind}"
            if not last:
                return f"historical_{kind}"
            if not trend_sig:
                return f"persistent_{kind}"
        if last and share < 0.9:
            if other[:-1].any():
                return f"oscillating_{kind}"
            return f"sporadic_{kind}"
    return "no_pattern"


@dataclass(frozen=True, eq=False)
class EmergingHotSpotResult(Result):
    """Emerging hot spots: Gi* per period, Mann–Kendall trend, 17 patterns.

    Attributes
    ----------
    index : Index of unit ids; periods : tuple of period labels (oldest first);
    z, p, gi_bin : (n, T) arrays per period; trend_z, trend_p, tau, S : the
    Mann–Kendall test of each unit's z series; pattern : keys of
    :data:`EMERGING_PATTERNS`.
    """

    index: pd.Index
    periods: tuple[Hashable, ...]
    z: np.ndarray
    p: np.ndarray
    gi_bin: np.ndarray
    trend_z: np.ndarray
    trend_p: np.ndarray
    tau: np.ndarray
    S: np.ndarray
    pattern: np.ndarray
    alpha: float = 0.10
    trend_alpha: float = 0.05
    fdr: bool = True
    star: bool = True
    transform: str = "B"
    permutations: int = 0
    islands: tuple[Hashable, ...] = ()
    weights_info: str = ""

    def to_frame(self) -> pd.DataFrame:
        df = pd.DataFrame({"pattern": self.pattern}, index=self.index)
        df["pattern_zh"], df["pattern_en"] = _label_cols(self.pattern, EMERGING_PATTERNS)
        df["MK_Z"] = self.trend_z
        df["MK_P"] = self.trend_p
        df["MK_tau"] = self.tau
        for t, per in enumerate(self.periods):
            df[f"GiZ_{per}"] = self.z[:, t]
        for t, per in enumerate(self.periods):
            df[f"Gi_Bin_{per}"] = self.gi_bin[:, t]
        need = {0.10: 1, 0.05: 2, 0.01: 3}[self.alpha]
        df["n_hot"] = (self.gi_bin >= need).sum(axis=1)
        df["n_cold"] = (self.gi_bin <= -need).sum(axis=1)
        return _frame_geo(df, self.geometry)

    def _style(self):
        from .. import export

        present = set(self.pattern)
        table = [lab for lab in EMERGING_PATTERNS if lab.key in present] or [EMERGING_PATTERNS[-1]]
        return export.label_style("pattern", table, title="时空热点模式 Emerging hot spots")

    def to_gpkg(self, path: Any, layer: str | None = None, **kwargs: Any) -> Any:
        from .. import export

        return export.to_gpkg(self._geo_frame(), path, layer=layer or "emerging_hotspots", style=self._style(), **kwargs)

    def summary(self) -> Summary:
        rows = []
        for lab in EMERGING_PATTERNS:
            sel = self.pattern == lab.key
            rows.append({"pattern": lab.key, "中文": lab.zh, "English": lab.en, "units": int(sel.sum()), "share": float(sel.mean())})
        settings = {
            "periods": ", ".join(map(str, self.periods)),
            "units": len(self.index),
            "hot/cold spot significance": f"Gi_Bin at p <= {self.alpha}" + (" (FDR per period)" if self.fdr else ""),
            "trend significance (Mann-Kendall)": f"p <= {self.trend_alpha}",
            "statistic": "Gi*" if self.star else "Gi",
            "weights transform": self.transform,
            "islands": ", ".join(map(str, self.islands)) or "none",
            "weights": self.weights_info,
        }
        return Summary(
            "Emerging hot spot analysis (Gi* per period + Mann-Kendall trend)",
            (
                SummaryTable("Patterns", pd.DataFrame(rows).set_index("pattern")),
                SummaryTable("Settings", pd.DataFrame({"value": [str(v) for v in settings.values()]}, index=list(settings))),
            ),
            (
                "Patterns follow ArcGIS Emerging Hot Spot Analysis; with T periods, '90 %' needs ceil(0.9 T) periods "
                "(all periods when T < 10), so persistent/intensifying/diminishing/historical need long panels.",
            ),
        )


def _panel(data: Any, columns: Sequence[str] | None, id_column: str | None, period_column: str | None, value_column: str | None):
    if columns is not None:
        if isinstance(columns, str) or len(columns) < 2:
            raise InputError("columns must list at least two period columns, oldest first (wide panel)")
        y, index = column_values(data, list(columns), name="panel")
        return y, index, tuple(columns), _geometry_of(data)
    if id_column is None or period_column is None or value_column is None:
        raise InputError(
            "emerging_hotspots needs a wide panel (columns=[period columns, oldest first]) "
            "or a long one (id_column=, period_column=, value_column=)"
        )
    if not isinstance(data, pd.DataFrame):
        raise InputError("a long panel must be a DataFrame with id, period and value columns")
    for c in (id_column, period_column, value_column):
        if c not in data.columns:
            raise InputError(f"column {c!r} not in the data; available: {list(data.columns)[:20]}")
    dup = data.duplicated([id_column, period_column])
    if dup.any():
        pairs = data.loc[dup, [id_column, period_column]].head(5).to_records(index=False).tolist()
        raise DuplicateIdError(f"long panel has repeated (id, period) pairs, e.g. {pairs}; each unit needs one value per period")
    wide = data.pivot(index=id_column, columns=period_column, values=value_column).sort_index(axis=1)
    if wide.isna().any().any():
        gaps = [(i, c) for i, c in zip(*np.nonzero(wide.isna().to_numpy()))][:5]
        raise MissingValueError(
            f"long panel is unbalanced or has missing values, e.g. (id, period) = "
            f"{[(wide.index[i], wide.columns[c]) for i, c in gaps]}; every unit needs a value in every period"
        )
    y, index = column_values(wide, list(wide.columns), name=value_column)
    geom = None
    if _geometry_of(data) is not None:
        first = data.drop_duplicates(id_column).set_index(id_column)
        geom = first.geometry.reindex(index)
    return y, index, tuple(wide.columns), geom


def emerging_hotspots(
    data: Any,
    columns: Sequence[str] | None = None,
    weights: Any = None,
    *,
    id_column: str | None = None,
    period_column: str | None = None,
    value_column: str | None = None,
    alpha: float = 0.10,
    trend_alpha: float = 0.05,
    fdr: bool = True,
    star: bool = True,
    transform: str = "B",
) -> EmergingHotSpotResult:
    """Emerging hot spot analysis (ArcGIS): Gi* per period, Mann–Kendall trend
    of each unit's z series, and the 17 patterns of :func:`classify_emerging`.

    Parameters
    ----------
    data : (Geo)DataFrame
        Wide panel (one row per unit, ``columns`` = periods oldest first), or
        long panel (``id_column``, ``period_column``, ``value_column``; periods
        sorted).  Unit ids must match the weights' ids.
    weights : Graph or W
        Spatial weights (default queen for a wide GeoDataFrame).  ArcGIS uses a
        space-time neighbourhood on its cube; here each period is one purely
        spatial Gi* over its own mean and s.d., as in the panel literature.
    alpha : {0.10, 0.05, 0.01}
        A period is a significant hot (cold) spot when its ``Gi_Bin`` is
        positive (negative) at this level, i.e. two-sided p <= alpha
        (FDR-adjusted per period when ``fdr``; ArcGIS applies FDR).
    trend_alpha : float
        Significance of the Mann–Kendall trend (two-sided p).
    """
    if alpha not in (0.10, 0.05, 0.01):
        raise InputError(f"alpha must be one of the ArcGIS levels 0.10, 0.05, 0.01, got {alpha!r}")
    if not 0 < trend_alpha < 1:
        raise InputError(f"trend_alpha must be in (0, 1), got {trend_alpha!r}")
    transform = _check_common(transform, "two-sided", 0)
    y, index, periods, geom = _panel(data, columns, id_column, period_column, value_column)
    for t, per in enumerate(periods):
        check_not_constant(y[:, t], f"period {per!r}")
    if columns is not None:
        weights = _default_weights(data, weights)
    elif weights is None:
        raise InputError("a long panel needs weights= over the unit ids")
    A, info = local_weights(weights, index)
    n, T = y.shape
    Z = np.empty((n, T))
    P = np.empty((n, T))
    B = np.empty((n, T), dtype=np.int64)
    for t in range(T):
        out = gi_z(A, y[:, t], star=star, transform=transform)
        Z[:, t] = out["z"]
        P[:, t] = _p_from_z(out["z"], "two-sided")
        B[:, t] = gi_bins(out["z"], P[:, t], fdr=fdr)
    k = np.diff(sparse.csr_matrix(A).indptr)
    mk = mann_kendall(np.nan_to_num(Z))
    need = {0.10: 1, 0.05: 2, 0.01: 3}[alpha]
    hot = B >= need
    cold = B <= -need
    pattern = np.array(
        [classify_emerging(hot[i], cold[i], mk["z"][i], mk["p"][i], trend_alpha) if k[i] > 0 else "no_pattern" for i in range(n)],
        dtype=object,
    )
    return EmergingHotSpotResult(
        index=index,
        periods=periods,
        z=Z,
        p=P,
        gi_bin=B,
        trend_z=np.where(k > 0, mk["z"], np.nan),
        trend_p=np.where(k > 0, mk["p"], np.nan),
        tau=np.where(k > 0, mk["tau"], np.nan),
        S=mk["S"],
        pattern=pattern,
        alpha=alpha,
        trend_alpha=trend_alpha,
        fdr=fdr,
        star=star,
        transform=transform,
        islands=tuple(index[k == 0]),
        weights_info=info,
        geometry=geom,
    )
