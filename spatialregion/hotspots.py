"""Getis–Ord hot spots (Gi*, Gi), ArcGIS confidence bins, literature classes,
and emerging hot spots over a panel.

Statistic (Ord & Getis 1995, eq. 4.5; ArcGIS *Hot Spot Analysis*)
--------------------------------------------------------------------
For unit *i* with weights ``w_ij`` (Gi* includes ``j = i``)::

    z_i = (sum_j w_ij x_j - xbar W_i) / (S sqrt((N S1_i - W_i^2) / (N - 1)))

with ``W_i = sum_j w_ij``, ``S1_i = sum_j w_ij^2``, and ``xbar``, ``S``
(population s.d.) over the ``N`` units that can be neighbours: all ``n`` for
Gi*, the ``n - 1`` others for Gi.  One sparse mat-vec gives every unit.

Weights and the self weight (``transform``)
-------------------------------------------
* ``"B"`` (default, as ArcGIS and Getis–Ord): binary ``w_ij = 1`` for
  neighbours; Gi* adds ``w_ii = 1``.  Then ``S1_i = W_i``.
* ``"R"``: row-standardised, reproducing ``esda.G_Local(transform="R")``: Gi*
  first sets ``w_ii`` to the row maximum of the input weights (1 for binary
  weights, so every ``w_ij = 1/(k_i + 1)``), then divides each row by its sum.
  esda's variance treats the standardised row as binary (``S1_i := W_i = 1``),
  so ``z_i = (lag_i - xbar) / S``.  This is *not* the Ord–Getis moment for
  general weights; with the exact ``S1_i = sum w_ij^2`` the Gi* z is invariant
  to rescaling a row and would equal the binary z.  Use ``"B"`` for ArcGIS /
  Getis–Ord numbers; ``"R"`` only to reproduce esda.

Units without neighbours (islands) have ``z = NaN`` (Gi: 0/0; Gi* with only
the self weight reduces to the plain standard score of ``x_i``, which is not a
local-cluster statistic), ``p = NaN``, ``Gi_Bin = 0`` and class
``"no_neighbours"``; they are listed in ``result.islands``.  A unit linked to
every other unit has zero variance and also gets ``z = NaN``
(``result.undefined``).

Inference
---------
``p``: normal approximation; ``alternative="two-sided"`` (default) gives
``2 * (1 - Phi(|z|))``, ``"greater"`` ``1 - Phi(z)`` (hot spots), ``"less"``
``Phi(z)``, ``"directed"`` ``1 - Phi(|z|)`` (esda's ``p_norm``).
``p_sim``: conditional permutation — ``x_i`` fixed, the ``k_i`` neighbours
drawn without replacement from the other ``n - 1`` units —
``(1 + #extreme) / (1 + permutations)`` where for ``"directed"`` #extreme =
``min(#{sim >= obs}, #{sim <= obs})`` (esda's ``p_sim``, the tail the
observation lies in), ``"two-sided"`` = ``min(1, 2 p_directed)``,
``"greater"``/``"less"`` one tail (see :mod:`spatialregion._permutation`).

Bins and classes
----------------
``gi_bin`` is ArcGIS's ``Gi_Bin``: ``sign(z) * 3/2/1`` when the two-sided p
is ``<= 0.01 / 0.05 / 0.10`` (99/95/90 % confidence), else 0 — from the
analytic p, or from the two-sided ``p_sim`` with ``inference="permutation"``.
``fdr=True`` replaces p by Benjamini–Hochberg adjusted p-values over all units
before binning, i.e. the BH step-up critical p at each of the three levels,
as ArcGIS's *Apply False Discovery Rate (FDR) Correction* (the reported
``p``/``z`` are not adjusted, as in ArcGIS).
``classes`` are the five classes of the Chinese literature (冷点, 次冷点, 过渡,
次热点, 热点) by natural breaks (Jenks, exact Fisher optimisation via
mapclassify) of z, or by four user cut points ``breaks``.

References
----------
Getis, A., Ord, J. K. (1992). The analysis of spatial association by use of
distance statistics. *Geographical Analysis* 24(3), 189–206.
Ord, J. K., Getis, A. (1995). Local spatial autocorrelation statistics:
distributional issues and an application. *Geographical Analysis* 27(4), 286–306.
Benjamini, Y., Hochberg, Y. (1995). Controlling the false discovery rate.
*JRSS B* 57(1), 289–300.
Esri. *How Hot Spot Analysis (Getis-Ord Gi\\*) works*; *How Emerging Hot Spot
Analysis works* (ArcGIS Pro documentation).
Mann, H. B. (1945). Nonparametric tests against trend. *Econometrica* 13,
245–259; Kendall, M. G. (1975). *Rank Correlation Methods*, 4th ed.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse, special, stats

from . import labels as _labels
from ._permutation import conditional_lag_counts, local_weights, pseudo_p
from ._validation import check_choice, check_not_constant, column_values, rng_from_seed
from .errors import DuplicateIdError, InputError, MissingValueError
from .results import Result, Summary, SummaryTable

__all__ = [
    "HotSpotResult",
    "EmergingHotSpotResult",
    "getis_ord",
    "gi_z",
    "gi_bins",
    "natural_breaks",
    "classify_z",
    "mann_kendall",
    "emerging_hotspots",
    "classify_emerging",
    "EMERGING_PATTERNS",
]

ALTERNATIVES = ("two-sided", "greater", "less", "directed")
_LEVELS = (0.10, 0.05, 0.01)

NO_NEIGHBOURS = _labels.NO_NEIGHBOURS
EMERGING_PATTERNS = _labels.EMERGING_PATTERNS


# ---------------------------------------------------------------------------
# kernels (pure functions on arrays)
# ---------------------------------------------------------------------------
def gi_z(
    A: sparse.csr_matrix | sparse.csr_array, x: np.ndarray, *, star: bool = True, transform: str = "B"
) -> dict[str, np.ndarray]:
    """Gi / Gi* statistics and analytic z for all units (vectorised).

    Parameters
    ----------
    A : CSR (n, n)
        Off-diagonal weights (no self loops, no explicit zeros) in the data's
        order; ``transform`` decides how they are used (module docstring).
    x : (n,) float array
    star : bool
        Gi* (include ``w_ii``) or Gi.
    transform : {"B", "R"}

    Returns
    -------
    dict with ``z``, ``G`` (``sum_j w_ij x_j / sum_j x_j``, ``j != i`` in the
    denominator for Gi; esda's ``Gs``), ``lag_off`` (off-diagonal lag of the
    centred values, what permutations compare), ``vals`` (off-diagonal weights
    used), ``W`` (row sums incl. self), ``k`` (neighbour counts).
    """
    n = x.shape[0]
    A = sparse.csr_matrix(A)
    k = np.diff(A.indptr)
    if transform == "B":
        vals = np.ones_like(A.data, dtype=float)
        self_w = np.ones(n)
    else:
        vals = np.asarray(A.data, dtype=float)
        self_w = np.zeros(n)
        has = k > 0
        if has.any():
            self_w[has] = np.maximum.reduceat(vals, A.indptr[:-1][has])
    Ab = sparse.csr_matrix((vals, A.indices, A.indptr), shape=A.shape)
    mean = float(x.mean())
    xc = x - mean
    lag_off_c = Ab @ xc
    lag_off_raw = Ab @ x
    w_off = Ab @ np.ones(n)
    ss = float(xc @ xc)
    if star:
        W = w_off + self_w
        lag_c = lag_off_c + self_w * xc
        lag_raw = lag_off_raw + self_w * x
        N = n
        xbar_c = np.zeros(n)
        s = np.full(n, np.sqrt(ss / n))
        denom_g = np.full(n, x.sum())
    else:
        W = w_off
        lag_c = lag_off_c
        lag_raw = lag_off_raw
        N = n - 1
        xbar_c = -xc / N  # mean of the other n-1 centred values
        s = np.sqrt(np.maximum((ss - xc**2) / N - xbar_c**2, 0.0))
        denom_g = x.sum() - x
    with np.errstate(divide="ignore", invalid="ignore"):
        if transform == "R":
            lag_c = lag_c / W
            lag_raw = lag_raw / W
            W_eff = np.where(W > 0, 1.0, 0.0)
        else:
            W_eff = W
        S1 = W_eff  # binary: S1 = W; "R": esda's convention S1 := W = 1
        var = (N * S1 - W_eff**2) / (N - 1)
        z = (lag_c - xbar_c * W_eff) / (s * np.sqrt(var))
        G = lag_raw / denom_g
    bad = (k == 0) | ~(var > 0) | ~(s > 0)
    z = np.where(bad, np.nan, z)
    G = np.where(k == 0, np.nan, G)
    return {"z": z, "G": G, "lag_off": lag_off_c, "xc": xc, "vals": vals, "W": W, "k": k}


def _p_from_z(z: np.ndarray, alternative: str) -> np.ndarray:
    if alternative == "two-sided":
        return 2.0 * special.ndtr(-np.abs(z))
    if alternative == "greater":
        return special.ndtr(-z)
    if alternative == "less":
        return special.ndtr(z)
    return special.ndtr(-np.abs(z))  # directed


def _bh(p: np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (NaN kept, not counted in m)."""
    out = np.full(p.shape, np.nan)
    ok = np.isfinite(p)
    if ok.any():
        out[ok] = stats.false_discovery_control(p[ok], method="bh")
    return out


def gi_bins(z: np.ndarray, p_two_sided: np.ndarray, fdr: bool = False) -> np.ndarray:
    """ArcGIS ``Gi_Bin`` (−3 … 3) from z and two-sided p (NaN → 0).

    ``fdr=True`` bins on Benjamini–Hochberg adjusted p-values, which is the
    BH step-up critical p at each of the 90/95/99 % levels.
    """
    p = _bh(p_two_sided) if fdr else np.asarray(p_two_sided, dtype=float)
    level = np.zeros(p.shape, dtype=np.int64)
    for lv, a in enumerate(_LEVELS, start=1):
        level[np.nan_to_num(p, nan=2.0) <= a] = lv
    return (np.sign(np.nan_to_num(z)) * level).astype(np.int64)


def natural_breaks(z: np.ndarray, k: int = 5, max_sample: int = 1000) -> np.ndarray:
    """Jenks natural breaks (exact Fisher–Jenks, identical to ``mapclassify.FisherJenks``) of finite ``z``.

    Returns the ``k - 1`` interior cut points.  Above ``max_sample`` values
    the optimisation runs on ``max_sample`` evenly spaced order statistics
    (min and max included; deterministic) because the exact algorithm is
    O(k n^2).
    """
    from ._classify import fisher_jenks_bins

    v = np.sort(np.asarray(z, dtype=float)[np.isfinite(z)])
    if np.unique(v).size < k:
        raise InputError(
            f"natural breaks need at least {k} distinct z values, got {np.unique(v).size}; pass breaks=[c1, c2, c3, c4] instead"
        )
    if v.size > max_sample:
        v = v[np.round(np.linspace(0, v.size - 1, max_sample)).astype(np.int64)]
    return np.asarray(fisher_jenks_bins(v, k)[:-1], dtype=float)


def classify_z(z: np.ndarray, cuts: Sequence[float]) -> np.ndarray:
    """Five literature classes from four cut points: ``c_{m-1} < z <= c_m``.

    Returns an object array of :data:`spatialregion.labels.HOTSPOT_CLASSES`
    keys (cold → hot); NaN z gives ``"no_neighbours"``.
    """
    cuts = np.asarray(cuts, dtype=float)
    keys = np.array([lab.key for lab in _labels.HOTSPOT_CLASSES] + [NO_NEIGHBOURS.key], dtype=object)
    code = np.searchsorted(cuts, np.nan_to_num(z), side="left")
    code = np.where(np.isfinite(z), code, len(keys) - 1)
    return keys[code]


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


# ---------------------------------------------------------------------------
# result
# ---------------------------------------------------------------------------
def _frame_geo(frame: pd.DataFrame, geometry: Any) -> pd.DataFrame:
    if geometry is None:
        return frame
    import geopandas as gpd

    return gpd.GeoDataFrame(frame, geometry=pd.Series(np.asarray(geometry), index=frame.index), crs=getattr(geometry, "crs", None))


def _label_cols(keys: np.ndarray, table: Sequence[_labels.Label]) -> tuple[list[str], list[str]]:
    zh = {lab.key: lab.zh for lab in table}
    en = {lab.key: lab.en for lab in table}
    return [zh.get(k, "") for k in keys], [en.get(k, "") for k in keys]


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
        from . import export

        by = by or ("class" if self.classes is not None else "Gi_Bin")
        check_choice("by", by, ("class", "Gi_Bin"))
        name = self.statistic_name
        if by == "class":
            if self.classes is None:
                raise InputError("this result has no classes (breaks=None); map by='Gi_Bin' instead")
            table = list(reversed(_labels.HOTSPOT_CLASSES))  # legend hot → cold
            if self.islands or (self.classes == NO_NEIGHBOURS.key).any():
                table.append(NO_NEIGHBOURS)
            return export.categorized(
                "class",
                [lab.key for lab in table],
                [lab.color for lab in table],
                [f"{lab.zh} {lab.en}" for lab in table],
                title=f"Getis-Ord {name} 冷热点",
            )
        table = list(reversed(_labels.GI_BINS))
        return export.categorized(
            "Gi_Bin",
            [int(lab.key) for lab in table],
            [lab.color for lab in table],
            [f"{lab.zh} {lab.en}" for lab in table],
            title=f"Getis-Ord {name} Gi_Bin" + (" (FDR)" if self.fdr else ""),
        )

    def plot(self, ax: Any = None, by: str | None = None, **kwargs: Any) -> Any:
        """Hot-spot map: the five classes (``by="class"``, default) or ArcGIS
        ``Gi_Bin`` (``by="Gi_Bin"``), diverging red/blue, legend with counts."""
        from . import maps

        return maps.plot_style(self._geo_frame(), self._style(by), ax=ax, **kwargs)

    def to_gpkg(self, path: Any, layer: str | None = None, by: str | None = None, **kwargs: Any) -> Any:
        """Styled GeoPackage layer (QGIS ``layer_styles``) of :meth:`to_frame`."""
        from . import export

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


# ---------------------------------------------------------------------------
# front end
# ---------------------------------------------------------------------------
def _default_weights(data: Any, weights: Any) -> Any:
    if weights is not None:
        return weights
    try:
        import geopandas as gpd
    except ImportError:  # pragma: no cover
        gpd = None
    if gpd is not None and isinstance(data, gpd.GeoDataFrame):
        from . import weights as _w

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


# ---------------------------------------------------------------------------
# Mann–Kendall and emerging hot spots
# ---------------------------------------------------------------------------
def mann_kendall(y: np.ndarray) -> dict[str, np.ndarray]:
    """Mann–Kendall trend test on each row of ``y`` (units × periods).

    ``S = sum_{a<b} sign(y_b - y_a)``;
    ``Var(S) = [T(T-1)(2T+5) - sum_g t_g(t_g-1)(2t_g+5)] / 18`` (ties in groups
    of size ``t_g``); ``Z = (S - sign(S)) / sqrt(Var S)`` (continuity
    correction), two-sided ``p = 2(1 - Phi(|Z|))``; ``tau = S / (T(T-1)/2)``
    (Kendall's tau-a).  Rows with ``Var(S) = 0`` get ``Z = 0``, ``p = 1``.
    Reference: Kendall (1975), ch. 4; Hipel & McLeod (1994) eq. 23.2.
    """
    y = np.atleast_2d(np.asarray(y, dtype=float))
    n, T = y.shape
    S = np.zeros(n)
    for a in range(T - 1):
        S += np.sign(y[:, a + 1 :] - y[:, [a]]).sum(axis=1)
    srt = np.sort(y, axis=1)
    new_group = np.ones((n, T), dtype=bool)
    new_group[:, 1:] = srt[:, 1:] != srt[:, :-1]
    gid = np.cumsum(new_group, axis=1) - 1
    flat = (np.arange(n)[:, None] * T + gid).ravel()
    t = np.bincount(flat, minlength=n * T).reshape(n, T).astype(float)
    var = (T * (T - 1) * (2 * T + 5) - (t * (t - 1) * (2 * t + 5)).sum(axis=1)) / 18.0
    with np.errstate(divide="ignore", invalid="ignore"):
        Z = np.where(var > 0, (S - np.sign(S)) / np.sqrt(var), 0.0)
    p = 2.0 * special.ndtr(-np.abs(Z))
    return {"S": S, "var": var, "z": Z, "p": p, "tau": S / (T * (T - 1) / 2.0)}


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
        from . import export

        present = set(self.pattern)
        table = [lab for lab in EMERGING_PATTERNS if lab.key in present] or [EMERGING_PATTERNS[-1]]
        return export.categorized(
            "pattern",
            [lab.key for lab in table],
            [lab.color for lab in table],
            [f"{lab.zh} {lab.en}" for lab in table],
            title="时空热点模式 Emerging hot spots",
        )

    def to_gpkg(self, path: Any, layer: str | None = None, **kwargs: Any) -> Any:
        from . import export

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
