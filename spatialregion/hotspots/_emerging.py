"""Emerging hot spots (ArcGIS Pro *Emerging Hot Spot Analysis*): space-time Gi*
on the cube, Mann–Kendall trend of each location's z series and the 17
patterns (:func:`emerging_hotspots`, :func:`classify_emerging`)."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from .. import labels as _labels
from .._local import label_columns, p_from_z
from .._panel import read_panel
from .._validation import check_choice, check_not_constant
from ..errors import InputError
from ..results import Summary, SummaryTable, UnitResult
from ..weights import as_sparse, check_transform
from ._kernels import gi_bins, gi_weights, gi_z, mann_kendall, space_time_gi_z

EMERGING_PATTERNS = _labels.EMERGING_PATTERNS


def _ninety(count: int, T: int) -> bool:
    """``count`` is at least ninety percent of ``T`` (integer test, no rounding)."""
    return 10 * count >= 9 * T


def classify_emerging(hot: np.ndarray, cold: np.ndarray, trend_z: float, trend_p: float, trend_alpha: float = 0.05) -> str:
    """ArcGIS Emerging Hot Spot pattern of one location.

    With ``T`` periods, ``h`` hot and ``c`` cold periods (statistically
    significant, oldest first), "90 %" meaning ``h >= 0.9 T`` and "trend" the
    Mann–Kendall test of the location's z series at ``trend_alpha``
    (two-sided), the rules read (ArcGIS Pro, *How Emerging Hot Spot Analysis
    works*):

    1. **new_hot** — hot in the final period and never hot before (``h = 1``).
    2. **consecutive_hot** — a single uninterrupted run of at least two hot
       periods at the end, never hot before that run, ``h < 90 %``.
    3. **intensifying_hot** — ``h >= 90 %``, hot in the final period, a
       significant upward trend of z.
    4. **persistent_hot** — ``h >= 90 %``, no significant trend.
    5. **diminishing_hot** — ``h >= 90 %``, hot in the final period, a
       significant downward trend of z.
    6. **sporadic_hot** — hot in the final period, ``h < 90 %``, never a
       significant cold spot (an on-again, off-again hot spot).
    7. **oscillating_hot** — hot in the final period, ``h < 90 %``, a
       significant cold spot in some earlier period.
    8. **historical_hot** — not hot in the final period, ``h >= 90 %``.
    9. – 16. the same for cold spots, with "upward" and "downward" swapped
       (an intensifying cold spot's z falls: lows cluster ever more).
    17. **no_pattern** — none of the above.

    ArcGIS's definitions overlap; a location gets the **first** pattern of
    this list (ArcGIS's documented order, hot before cold) whose rule holds.
    Consequences: a hot spot in its final period that was a cold spot before
    is *new* or *consecutive* when its hot history fits those, *oscillating*
    otherwise; a location hot in ``>= 90 %`` of the periods but not the last
    one with no significant trend is *persistent* (ArcGIS's persistent rule
    does not ask for the final period), *historical* when its trend is
    significant.

    Parameters
    ----------
    hot, cold : boolean arrays (T,)
        Significant hot / cold spot in each period, oldest first.
    trend_z, trend_p : float
        Mann–Kendall z and two-sided p of the location's Gi* z series.
    trend_alpha : float
        Significance level of the trend.

    Returns
    -------
    str
        A key of :data:`EMERGING_PATTERNS`.
    """
    hot = np.asarray(hot, dtype=bool)
    cold = np.asarray(cold, dtype=bool)
    T = hot.size
    trend = bool(np.isfinite(trend_p) and trend_p <= trend_alpha) * int(np.sign(trend_z))
    for kind, s, other, up in (("hot", hot, cold, 1), ("cold", cold, hot, -1)):
        h = int(s.sum())
        last = bool(s[-1])
        run = T - (int(np.flatnonzero(~s).max()) + 1 if (~s).any() else 0)
        most = _ninety(h, T)
        rules = (
            ("new", last and h == 1),
            ("consecutive", last and run >= 2 and h == run and not most),
            ("intensifying", most and last and trend == up),
            ("persistent", most and trend == 0),
            ("diminishing", most and last and trend == -up),
            ("sporadic", last and not most and not other.any()),
            ("oscillating", last and not most and bool(other[:-1].any())),
            ("historical", most and not last),
        )
        for name, holds in rules:
            if holds:
                return f"{name}_{kind}"
    return "no_pattern"


@dataclass(frozen=True, eq=False)
class EmergingHotSpotResult(UnitResult):
    """Emerging hot spots: space-time Gi* per bin, Mann–Kendall trend, 17 patterns.

    Parameters
    ----------
    index : pandas.Index
        Unit ids, the row order of every array.
    periods : tuple
        Period labels, oldest first.
    z, p : ndarray (n, T)
        Space-time Gi* z and two-sided p of every bin.
    gi_bin : ndarray (n, T) of int
        ArcGIS ``Gi_Bin`` of every bin (FDR-adjusted when ``fdr``).
    trend_z, trend_p, tau, S : ndarray (n,)
        Mann–Kendall test of each location's z series.
    pattern : ndarray of str
        Keys of :data:`EMERGING_PATTERNS`.
    time_step : int
        Previous slices in the space-time neighbourhood (0: per-slice Gi*).
    alpha : float
        Significance level of a hot/cold bin (two-sided).
    trend_alpha : float
        Significance level of the trend.
    fdr : bool
        Benjamini–Hochberg adjustment of the bins.
    continuity : bool
        Continuity correction of the Mann–Kendall z.
    transform : str
        ``"O"`` or ``"B"``.
    islands : tuple
        Ids of units without spatial neighbours (z NaN, ``no_pattern``).
    weights_info : str
        Where the weights came from.
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
    time_step: int = 1
    alpha: float = 0.10
    trend_alpha: float = 0.05
    fdr: bool = False
    continuity: bool = True
    transform: str = "O"
    islands: tuple[Hashable, ...] = ()
    weights_info: str = ""

    _layer: ClassVar[str] = "emerging_hotspots"

    def to_frame(self) -> pd.DataFrame:
        """Per-location table: unit columns, pattern, trend, z and ``Gi_Bin`` per period.

        Returns
        -------
        DataFrame or GeoDataFrame
            ``pattern``, ``pattern_zh``, ``pattern_en``, ``MK_Z``, ``MK_P``,
            ``MK_tau``, ``GiZ_<period>`` …, ``Gi_Bin_<period>`` …, ``n_hot``,
            ``n_cold`` after the id/name/value columns.
        """
        df = pd.DataFrame({"pattern": self.pattern}, index=self.index)
        df["pattern_zh"], df["pattern_en"] = label_columns(self.pattern, EMERGING_PATTERNS)
        df["MK_Z"] = self.trend_z
        df["MK_P"] = self.trend_p
        df["MK_tau"] = self.tau
        for t, per in enumerate(self.periods):
            df[f"GiZ_{per}"] = self.z[:, t]
        for t, per in enumerate(self.periods):
            df[f"Gi_Bin_{per}"] = self.gi_bin[:, t]
        need = _NEED[self.alpha]
        df["n_hot"] = (self.gi_bin >= need).sum(axis=1)
        df["n_cold"] = (self.gi_bin <= -need).sum(axis=1)
        return self._unit_frame(df)

    def _style(self):
        from .. import export

        present = set(self.pattern)
        table = [lab for lab in EMERGING_PATTERNS if lab.key in present] or [EMERGING_PATTERNS[-1]]
        return export.label_style("pattern", table, title="时空热点模式 Emerging hot spots")

    def summary(self) -> Summary:
        """Pattern counts, settings and what the method is.

        Returns
        -------
        Summary
        """
        rows = []
        for lab in EMERGING_PATTERNS:
            sel = self.pattern == lab.key
            rows.append({"pattern": lab.key, "中文": lab.zh, "English": lab.en, "units": int(sel.sum()), "share": float(sel.mean())})
        window = "entire cube (all n·T bins)" if self.time_step else "each period separately"
        settings = {
            "periods": ", ".join(map(str, self.periods)),
            "units": len(self.index),
            "neighbourhood time step": self.time_step,
            "mean and s.d. over": window,
            "hot/cold bin": f"two-sided p <= {self.alpha}" + (" after Benjamini–Hochberg FDR over the " + window if self.fdr else ""),
            "trend (Mann-Kendall, ties corrected)": f"p <= {self.trend_alpha}, continuity correction {'on' if self.continuity else 'off'}",
            "weights transform": self.transform,
            "islands (no_pattern)": ", ".join(map(str, self.islands)) or "none",
            "weights": self.weights_info,
        }
        if self.time_step:
            method = (f"Space-time Gi* (neighbours: spatial neighbours and the location itself in the current and "
                      f"{self.time_step} previous period(s); x̄ and S over all bins), as ArcGIS Pro's Emerging Hot Spot "
                      "Analysis with the global window 'entire cube'.")
        else:
            method = ("Gi* within each period with that period's own x̄ and S (time_step=0; ArcGIS's global window "
                      "'individual time step').")
        notes = (
            method,
            "Mann-Kendall trend of each location's z series; patterns by ArcGIS's published rules, first matching "
            "rule in ArcGIS's order (see classify_emerging). Not implemented: ArcGIS's neighbourhood search on the "
            "cube's own geometry (weights come from `weights`), its 'neighbourhood time step' global window, and "
            "locations with missing bins.",
            f"'90 %' of {len(self.periods)} periods = at least {int(np.ceil(0.9 * len(self.periods) - 1e-9))} periods.",
        )
        return Summary(
            "Emerging hot spot analysis (space-time Gi* + Mann-Kendall trend)" if self.time_step
            else "Emerging hot spot analysis (Gi* per period + Mann-Kendall trend)",
            (
                SummaryTable("Patterns", pd.DataFrame(rows).set_index("pattern")),
                SummaryTable("Settings", pd.DataFrame({"value": [str(v) for v in settings.values()]}, index=list(settings))),
            ),
            notes,
        )


_NEED = {0.10: 1, 0.05: 2, 0.01: 3}


def emerging_hotspots(
    data: Any,
    columns: Sequence[str] | None = None,
    *,
    weights: Any = None,
    id_column: str | None = None,
    period_column: str | None = None,
    value_column: str | None = None,
    periods: Sequence[Any] | None = None,
    time_step: int = 1,
    fdr: bool = False,
    alpha: float = 0.10,
    trend_alpha: float = 0.05,
    continuity: bool = True,
    transform: str = "O",
    self_weight: str | float = "max",
) -> EmergingHotSpotResult:
    """Emerging hot spot analysis as ArcGIS Pro: space-time Gi*, Mann–Kendall, 17 patterns.

    1. **Space-time Gi*** on the ``n × T`` cube: the neighbours of bin
       ``(i, t)`` are the spatial neighbours of ``i`` and ``i`` itself in
       period ``t`` and in the ``time_step`` previous periods (fewer at the
       start), each with its spatial weight ``w_ij`` (self ``w_ii``); with
       ``N = n T`` and ``x̄``, ``S`` (population s.d.) over all bins,
       ``z_it = (Σ w x − x̄ W_it) / (S √((N S1_it − W_it²)/(N − 1)))``
       (Ord & Getis 1995 on the cube).  ``time_step=0`` runs Gi* within each
       period with that period's own ``x̄`` and ``S`` (ArcGIS's "individual
       time step" global window).
    2. **Bins**: two-sided normal p; a bin is a significant hot (cold) spot
       when ``p <= alpha`` and ``z > 0`` (``< 0``); ``fdr=True`` applies
       Benjamini–Hochberg over the bins sharing a mean (the whole cube, or
       each period when ``time_step=0``), as ArcGIS's FDR correction.
    3. **Trend**: Mann–Kendall on each location's z series (ties corrected;
       continuity correction when ``continuity``; see :func:`mann_kendall`).
    4. **Patterns**: :func:`classify_emerging` (the rules are written there).

    Parameters
    ----------
    data : GeoDataFrame or DataFrame
        Wide panel (one row per unit, ``columns`` the periods oldest first)
        or long panel (``id_column``, ``period_column``, ``value_column``).
    columns : list of str, optional
        Wide form: the period columns in time order.
    weights : Graph, W, sparse matrix, method name or None
        Spatial weights over the unit ids, aligned by id; default None =
        queen contiguity of a GeoDataFrame (islands linked to the nearest).
    id_column : str, optional
        Unit ids (long form: required; wide form: instead of the index).
    period_column, value_column : str, optional
        Long form: period labels and values.
    periods : sequence, optional
        Time order of the long form's period labels.  Numbers and dates are
        ordered as such; strings that sort differently as text and by their
        numbers ("1月" … "12月") raise and ask for ``periods=``.
    time_step : int, default 1
        ArcGIS's *neighborhood time step* (0 = per-period Gi*).
    fdr : bool, default False
        Benjamini–Hochberg correction of the bins.
    alpha : {0.10, 0.05, 0.01}, default 0.10
        Significance of a hot/cold bin (ArcGIS ``Gi_Bin`` 90/95/99 %).
    trend_alpha : float, default 0.05
        Significance of the Mann–Kendall trend (two-sided).
    continuity : bool, default True
        Continuity correction ``S − sign(S)`` in the Mann–Kendall z.
    transform : {"O", "B"}, default "O"
        Weights as given (contiguity = binary, as ArcGIS) or binary.
    self_weight : "max" or float, default "max"
        ``w_ii`` for ``transform="O"`` (see :func:`getis_ord`).

    Returns
    -------
    EmergingHotSpotResult

    References
    ----------
    Esri. *How Emerging Hot Spot Analysis works* (ArcGIS Pro documentation).
    Ord, J. K., Getis, A. (1995). *Geographical Analysis* 27(4), 286–306.
    Mann, H. B. (1945). *Econometrica* 13, 245–259.
    """
    if alpha not in _NEED:
        raise InputError(f"alpha must be one of the ArcGIS levels 0.10, 0.05, 0.01, got {alpha!r}")
    if not 0 < trend_alpha < 1:
        raise InputError(f"trend_alpha must be in (0, 1), got {trend_alpha!r}")
    if not isinstance(time_step, (int, np.integer)) or isinstance(time_step, bool) or time_step < 0:
        raise InputError(f"time_step must be an int >= 0 (previous periods in the neighbourhood), got {time_step!r}")
    transform = check_transform(transform, ("O", "B"))
    if isinstance(data, pd.DataFrame) and columns is None and period_column is None and value_column is None:
        raise InputError(
            "emerging_hotspots needs columns=[period columns, oldest first] (wide panel) "
            "or id_column=, period_column=, value_column= (long panel)"
        )
    panel = read_panel(data, columns, id_column=id_column, period_column=period_column, value_column=value_column,
                       periods=periods, min_periods=3, name="emerging_hotspots")
    Y, index, T = panel.values, panel.index, panel.T
    if panel.units is not None and index.name in panel.units.columns:
        index = index.rename(None)  # the ids are a column of the outputs already
    if time_step >= T:
        raise InputError(f"time_step={time_step} must be smaller than the number of periods ({T})")
    if time_step == 0:
        for t, per in enumerate(panel.periods):
            check_not_constant(Y[:, t], f"period {per!r}")
    else:
        check_not_constant(Y.ravel(), "the panel")
    geo = None
    if weights is None or isinstance(weights, str):
        if panel.geometry is None:
            raise InputError("weights=None builds queen contiguity from geometry; pass a GeoDataFrame or weights=")
        geo = _unit_layer(panel)
    sm = as_sparse(weights, index, transform="O", data=geo, id_column=None)
    off, own = gi_weights(sm.matrix, star=True, transform=transform, self_weight=_self_weight(self_weight))
    if time_step:
        Z = space_time_gi_z(off, own, Y, time_step)
    else:
        Z = np.column_stack([gi_z(off, own, Y[:, t])["z"] for t in range(T)])
    P = p_from_z(Z, "two-sided")
    if time_step or not fdr:
        B = gi_bins(Z, P, fdr=fdr)
    else:
        B = np.column_stack([gi_bins(Z[:, t], P[:, t], fdr=True) for t in range(T)])
    k = np.diff(off.indptr)
    mk = mann_kendall(np.nan_to_num(Z), continuity=continuity)
    need = _NEED[alpha]
    hot, cold = B >= need, B <= -need
    pattern = np.array(
        [classify_emerging(hot[i], cold[i], mk["z"][i], mk["p"][i], trend_alpha) if k[i] > 0 else "no_pattern" for i in range(len(index))],
        dtype=object,
    )
    has = k > 0
    return EmergingHotSpotResult(
        index=index,
        periods=tuple(panel.periods),
        z=Z,
        p=P,
        gi_bin=B,
        trend_z=np.where(has, mk["z"], np.nan),
        trend_p=np.where(has, mk["p"], np.nan),
        tau=np.where(has, mk["tau"], np.nan),
        S=mk["S"],
        pattern=pattern,
        time_step=int(time_step),
        alpha=alpha,
        trend_alpha=trend_alpha,
        fdr=bool(fdr),
        continuity=bool(continuity),
        transform=transform,
        islands=tuple(index[~has]),
        weights_info=sm.info,
        geometry=panel.geometry,
        units=panel.units,
    )


def _unit_layer(panel: Any) -> Any:
    """The panel's units as a GeoDataFrame indexed by id (to build default weights)."""
    import geopandas as gpd

    return gpd.GeoDataFrame(index=panel.index, geometry=panel.geometry.to_numpy(), crs=panel.geometry.crs)


def _self_weight(self_weight: Any) -> Any:
    from ._getis import _check_self_weight

    return _check_self_weight(self_weight)
