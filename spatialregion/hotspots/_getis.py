"""Getis–Ord Gi* / Gi front end (:func:`getis_ord`) and :class:`HotSpotResult`."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .. import labels as _labels
from .._permutation import conditional_lag_counts, pseudo_p
from .._validation import check_choice, rng_from_seed
from ..errors import InputError
from ..results import Result, Summary, SummaryTable
from ._common import (
    NO_NEIGHBOURS,
    _check_common,
    _frame_geo,
    _geometry_of,
    _label_cols,
    _local_input,
)
from ._kernels import _p_from_z, classify_z, gi_bins, gi_z, natural_breaks


def _check_breaks(breaks: Any) -> Any:
    if breaks is None or (isinstance(breaks, str) and breaks == "jenks"):
        return breaks
    if isinstance(breaks, str):
        raise InputError(f"breaks={breaks!r} is not supported; use 'jenks', None or four cut points on z")
    b = np.asarray(breaks, dtype=float)
    if b.shape != (4,) or not np.all(np.isfinite(b)) or np.any(np.diff(b) <= 0):
        raise InputError(
            f"breaks must be 'jenks', None, or four increasing cut points on z (5 classes), got {breaks!r}; "
            "e.g. breaks=[-1.96, -1.0, 1.0, 1.96]"
        )
    return b


@dataclass(frozen=True, eq=False)
class HotSpotResult(Result):
    """Getis–Ord Gi* / Gi hot spots (see the module docstring for formulas).

    Attributes
    ----------
    index : pandas.Index
        Unit ids (the data's index), order of every array.
    z : ndarray
        Analytic z-scores (NaN for islands / undefined units).
    p : ndarray
        Analytic normal p-values for ``alternative``.
    p_sim : ndarray or None
        Conditional-permutation pseudo p for ``alternative`` (None if
        ``permutations == 0``).
    z_sim : ndarray or None
        ``(lag - mean_sim) / sd_sim`` from the permutations.
    G : ndarray
        The Gi / Gi* ratio statistic (esda's ``Gs``).
    gi_bin : ndarray of int
        ArcGIS ``Gi_Bin`` −3 … 3 (two-sided; FDR-corrected if ``fdr``).
    classes : ndarray of str or None
        :data:`~spatialregion.labels.HOTSPOT_CLASSES` keys (``"no_neighbours"``
        for islands); None when ``breaks=None``.
    breaks : tuple or None
        The four cut points on z used for ``classes``.
    neighbors : ndarray of int
        Number of neighbours (self excluded), ArcGIS ``NNeighbors``.
    islands : tuple
        Ids of units without neighbours (z NaN, Gi_Bin 0).
    undefined : tuple
        Other ids whose z is undefined (zero variance).
    """

    index: pd.Index
    z: np.ndarray
    p: np.ndarray
    G: np.ndarray
    gi_bin: np.ndarray
    neighbors: np.ndarray
    classes: np.ndarray | None = None
    breaks: tuple[float, ...] | None = None
    p_sim: np.ndarray | None = None
    z_sim: np.ndarray | None = None
    sims: np.ndarray | None = field(default=None, repr=False)
    column: str | None = None
    star: bool = True
    transform: str = "B"
    alternative: str = "two-sided"
    permutations: int = 0
    fdr: bool = False
    inference: str = "analytic"
    islands: tuple[Hashable, ...] = ()
    undefined: tuple[Hashable, ...] = ()
    weights_info: str = ""

    @property
    def statistic_name(self) -> str:
        return "Gi*" if self.star else "Gi"

    def to_frame(self) -> pd.DataFrame:
        """Per-unit table: GiZScore, GiPValue, [p_sim, z_sim], Gi_Bin, NNeighbors,
        class, class_zh, class_en (GeoDataFrame when geometry is known)."""
        df = pd.DataFrame({"GiZScore": self.z, "GiPValue": self.p}, index=self.index)
        if self.p_sim is not None:
            df["p_sim"] = self.p_sim
            df["z_sim"] = self.z_sim
        df["Gi_Bin"] = self.gi_bin
        df["NNeighbors"] = self.neighbors
        if self.classes is not None:
            table = (*_labels.HOTSPOT_CLASSES, NO_NEIGHBOURS)
            df["class"] = self.classes
            df["class_zh"], df["class_en"] = _label_cols(self.classes, table)
        return _frame_geo(df, self.geometry)

    def _style(self, by: str | None = None):
        from .. import export

        by = by or ("class" if self.classes is not None else "Gi_Bin")
        check_choice("by", by, ("class", "Gi_Bin"))
        name = self.statistic_name
        if by == "class":
            if self.classes is None:
                raise InputError("this result has no classes (breaks=None); map by='Gi_Bin' instead")
            table = list(reversed(_labels.HOTSPOT_CLASSES))  # legend hot → cold
            if self.islands or (self.classes == NO_NEIGHBOURS.key).any():
                table.append(NO_NEIGHBOURS)
            return export.label_style("class", table, title=f"Getis-Ord {name} 冷热点")
        table = list(reversed(_labels.GI_BINS))
        return export.label_style(
            "Gi_Bin",
            table,
            values=[int(lab.key) for lab in table],
            title=f"Getis-Ord {name} Gi_Bin" + (" (FDR)" if self.fdr else ""),
        )

    def plot(self, ax: Any = None, by: str | None = None, **kwargs: Any) -> Any:
        """Hot-spot map: the five classes (``by="class"``, default) or ArcGIS
        ``Gi_Bin`` (``by="Gi_Bin"``), diverging red/blue, legend with counts."""
        from .. import maps

        return maps.plot_style(self._geo_frame(), self._style(by), ax=ax, **kwargs)

    def to_gpkg(self, path: Any, layer: str | None = None, by: str | None = None, **kwargs: Any) -> Any:
        """Styled GeoPackage layer (QGIS ``layer_styles``) of :meth:`to_frame`."""
        from .. import export

        return export.to_gpkg(self._geo_frame(), path, layer=layer or "hotspots", style=self._style(by), **kwargs)

    def summary(self) -> Summary:
        tables = []
        if self.classes is not None:
            rows = []
            edges = [-np.inf, *(self.breaks or ()), np.inf]
            for m, lab in reversed(list(enumerate(_labels.HOTSPOT_CLASSES))):
                sel = self.classes == lab.key
                rows.append(
                    {
                        "class": lab.key,
                        "中文": lab.zh,
                        "English": lab.en,
                        "z from (>)": edges[m] if self.breaks else np.nan,
                        "z to (<=)": edges[m + 1] if self.breaks else np.nan,
                        "units": int(sel.sum()),
                        "share": float(sel.mean()),
                    }
                )
            if (self.classes == NO_NEIGHBOURS.key).any():
                sel = self.classes == NO_NEIGHBOURS.key
                rows.append({"class": NO_NEIGHBOURS.key, "中文": NO_NEIGHBOURS.zh, "English": NO_NEIGHBOURS.en,
                             "z from (>)": np.nan, "z to (<=)": np.nan, "units": int(sel.sum()), "share": float(sel.mean())})
            tables.append(SummaryTable("Classes (natural breaks of z)" if self.breaks is not None else "Classes", pd.DataFrame(rows).set_index("class")))
        bins = []
        for lab in reversed(_labels.GI_BINS):
            sel = self.gi_bin == int(lab.key)
            bins.append({"Gi_Bin": int(lab.key), "中文": lab.zh, "English": lab.en, "units": int(sel.sum()), "share": float(sel.mean())})
        tables.append(SummaryTable("ArcGIS confidence bins (Gi_Bin)", pd.DataFrame(bins).set_index("Gi_Bin")))
        settings = {
            "statistic": self.statistic_name,
            "column": self.column,
            "units": len(self.index),
            "weights transform": self.transform,
            "self weight": ("w_ii = 1" if self.transform == "B" else "row max, then row-standardised (esda)") if self.star else "none",
            "alternative (p, p_sim)": self.alternative,
            "bins from": "p_sim (two-sided)" if self.inference == "permutation" else "analytic p (two-sided)",
            "FDR (Benjamini–Hochberg)": self.fdr,
            "permutations": self.permutations,
            "islands (z = NaN)": ", ".join(map(str, self.islands)) or "none",
            "weights": self.weights_info,
        }
        tables.append(SummaryTable("Settings", pd.DataFrame({"value": [str(v) for v in settings.values()]}, index=list(settings))))
        notes = [
            "z_i = (Σ_j w_ij x_j − x̄ W_i) / (S √((N S1_i − W_i²)/(N − 1))) (Ord & Getis 1995); "
            + ("binary weights, S1_i = W_i." if self.transform == "B" else "row-standardised weights with esda's variance convention S1_i = W_i = 1."),
            "Gi_Bin ±3/±2/±1: two-sided p ≤ 0.01/0.05/0.10" + (" after Benjamini–Hochberg FDR adjustment." if self.fdr else "."),
        ]
        if self.undefined:
            notes.append(f"z undefined (zero variance) for {', '.join(map(str, self.undefined))}.")
        return Summary(f"Getis-Ord {self.statistic_name} hot spot analysis", tuple(tables), tuple(notes))


def getis_ord(
    data: Any,
    column: str | None = None,
    weights: Any = None,
    *,
    star: bool = True,
    transform: str = "B",
    permutations: int = 0,
    seed: int | np.random.Generator | None = None,
    fdr: bool = False,
    alternative: str = "two-sided",
    breaks: str | Sequence[float] | None = "jenks",
    inference: str = "analytic",
    keep_simulations: bool = False,
    progress: bool | None = None,
) -> HotSpotResult:
    """Getis–Ord Gi* (``star=True``) or Gi hot-spot analysis.

    Parameters
    ----------
    data : GeoDataFrame, DataFrame, Series or array
        Units; with a (Geo)DataFrame pass ``column``.  The index is the unit id
        and must match the weights' ids (any order; reordered by id).
    column : str, optional
        Analysed column (numeric, no NaN).
    weights : libpysal Graph or W, optional
        Spatial weights over the same ids; default: queen contiguity of a
        GeoDataFrame via :func:`spatialregion.weights.build` (islands linked to
        nearest).
    star : bool, default True
        Gi* (self included, ArcGIS) or Gi.
    transform : {"B", "R"}, default "B"
        Binary (Getis–Ord, ArcGIS) or row-standardised (esda convention; see
        module docstring).
    permutations : int, default 0
        Conditional permutations for ``p_sim`` (999 is usual).
    seed : int, Generator or None
        Randomness of the permutations.
    fdr : bool, default False
        Benjamini–Hochberg correction of the bins (ArcGIS's FDR option).
    alternative : {"two-sided", "greater", "less", "directed"}
        Hypothesis of ``p`` and ``p_sim`` (bins are always two-sided).
    breaks : "jenks", four cut points, or None
        Five literature classes by natural breaks of z, user cut points on z,
        or no classes.
    inference : {"analytic", "permutation"}
        Which p the bins use (``"permutation"`` needs ``permutations > 0``).
    keep_simulations : bool
        Keep the ``(n, permutations)`` simulated off-diagonal lags in
        ``result.sims`` (memory!).
    progress : bool or None
        Progress bar for permutations (None: only on long runs).

    Returns
    -------
    HotSpotResult

    Examples
    --------
    >>> import spatialregion as sr                              # doctest: +SKIP
    >>> prov = sr.load("provinces")                             # doctest: +SKIP
    >>> hs = sr.hotspots.getis_ord(prov, "gdp", permutations=999, seed=1)  # doctest: +SKIP
    >>> hs.to_frame()[["GiZScore", "Gi_Bin", "class"]]         # doctest: +SKIP
    """
    transform = _check_common(transform, alternative, permutations)
    check_choice("inference", inference, ("analytic", "permutation"))
    if inference == "permutation" and permutations == 0:
        raise InputError("inference='permutation' needs permutations > 0 (e.g. permutations=999)")
    breaks = _check_breaks(breaks)
    x, index, A, info = _local_input(
        data, column, weights, what="Getis-Ord", min_n=3, hint="; for a panel use emerging_hotspots()"
    )
    out = gi_z(A, x, star=bool(star), transform=transform)
    z = out["z"]
    k = out["k"]
    islands = tuple(index[k == 0])
    undefined = tuple(index[(k > 0) & ~np.isfinite(z)])
    p = _p_from_z(z, alternative)
    p_sim = z_sim = sims = None
    if permutations:
        rng = rng_from_seed(seed)
        sim = conditional_lag_counts(
            A.indptr, A.indices, out["vals"], out["xc"], out["lag_off"], int(permutations), rng,
            keep=keep_simulations, progress=progress, desc=f"Gi{'*' if star else ''} permutations",
        )
        p_sim = pseudo_p(sim["ge"], sim["le"], int(permutations), alternative)
        p_sim[~np.isfinite(z)] = np.nan
        with np.errstate(divide="ignore", invalid="ignore"):
            z_sim = (out["lag_off"] - sim["mean"]) / sim["std"]
        z_sim[~np.isfinite(z)] = np.nan
        sims = sim.get("sims")
    if inference == "permutation":
        p_bins = pseudo_p(sim["ge"], sim["le"], int(permutations), "two-sided")
        p_bins[~np.isfinite(z)] = np.nan
    else:
        p_bins = p if alternative == "two-sided" else _p_from_z(z, "two-sided")
    gi_bin = gi_bins(z, p_bins, fdr=fdr)
    classes = cuts = None
    if breaks is not None:
        cuts = natural_breaks(z) if isinstance(breaks, str) else np.asarray(breaks, dtype=float)
        classes = classify_z(z, cuts)
    return HotSpotResult(
        index=index,
        z=z,
        p=p,
        G=out["G"],
        gi_bin=gi_bin,
        neighbors=k.astype(np.int64),
        classes=classes,
        breaks=None if cuts is None else tuple(float(c) for c in cuts),
        p_sim=p_sim,
        z_sim=z_sim,
        sims=sims,
        column=column if isinstance(column, str) else None,
        star=bool(star),
        transform=transform,
        alternative=alternative,
        permutations=int(permutations),
        fdr=bool(fdr),
        inference=inference,
        islands=islands,
        undefined=undefined,
        weights_info=info,
        geometry=_geometry_of(data),
    )
