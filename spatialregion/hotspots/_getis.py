"""Getis–Ord Gi* / Gi front end (:func:`getis_ord`) and :class:`HotSpotResult`."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .. import labels as _labels
from .._local import check_alternative, check_permutations, label_columns, local_input, p_from_z
from .._permutation import conditional_lag_counts, pseudo_p
from .._validation import check_choice, nonnegative_number, rng_from_seed
from ..errors import InputError
from ..results import Summary, SummaryTable, UnitResult
from ..weights import check_transform
from ._kernels import NATURAL_BREAKS_MAX_SAMPLE, classify_z, gi_bins, gi_weights, gi_z, natural_breaks

NO_NEIGHBOURS = _labels.NO_NEIGHBOURS
SCHEMES = ("fisher_jenks", "user_defined")


def _check_classes(scheme: str | None, breaks: Any) -> Any:
    """``scheme``/``breaks`` of the five literature classes -> cut points (or None)."""
    if scheme is None:
        if breaks is not None:
            raise InputError("breaks= needs scheme='user_defined' (scheme=None means no classes)")
        return None
    check_choice("scheme", scheme, SCHEMES)
    if scheme == "fisher_jenks":
        if breaks is not None:
            raise InputError("breaks= are user cut points: pass scheme='user_defined', breaks=[c1, c2, c3, c4]")
        return scheme
    if breaks is None or isinstance(breaks, str):
        raise InputError("scheme='user_defined' needs breaks=[c1, c2, c3, c4] (four increasing cut points on z)")
    b = np.asarray(breaks, dtype=float)
    if b.shape != (4,) or not np.all(np.isfinite(b)) or np.any(np.diff(b) <= 0):
        raise InputError(
            f"breaks must be four increasing cut points on z (5 classes), got {breaks!r}; "
            "e.g. breaks=[-1.96, -1.0, 1.0, 1.96]"
        )
    return b


@dataclass(frozen=True, eq=False)
class HotSpotResult(UnitResult):
    """Getis–Ord Gi* / Gi hot spots (formulas in :mod:`spatialregion.hotspots`).

    Parameters
    ----------
    index : pandas.Index
        Unit ids (the data's index or ``id_column``), the order of every array.
    z : ndarray
        Analytic z-scores (NaN for islands / undefined units).
    p : ndarray
        Analytic normal p-values for ``alternative``.
    G : ndarray
        The Gi / Gi* ratio statistic (esda's ``Gs``).
    gi_bin : ndarray of int
        ArcGIS ``Gi_Bin`` −3 … 3 from the two-sided p (FDR-corrected if ``fdr``).
    neighbors : ndarray of int
        Number of neighbours (self excluded), ArcGIS ``NNeighbors``.
    classes : ndarray of str or None
        :data:`~spatialregion.labels.HOTSPOT_CLASSES` keys (``"no_neighbours"``
        for islands); None when ``scheme=None``.
    breaks : tuple or None
        The four cut points on z used for ``classes``.
    scheme : str or None
        ``"fisher_jenks"`` or ``"user_defined"`` (mapclassify's names).
    breaks_sample : int or None
        With ``"fisher_jenks"`` above 10,000 units: the number of evenly
        spaced order statistics of z the breaks were computed on (None: exact,
        on every z).
    p_sim : ndarray or None
        Conditional-permutation pseudo p for ``alternative`` (None without permutations).
    z_sim : ndarray or None
        ``(lag - mean_sim) / sd_sim`` from the permutations.
    sims : ndarray or None
        Simulated off-diagonal lags (``keep_simulations=True``).
    column : str or None
        The analysed column.
    star : bool
        Gi* (self included) or Gi.
    transform : str
        ``"O"`` (as given), ``"B"`` or ``"R"``.
    self_weight : str
        The Gi* self weight rule.
    alternative : str
        Hypothesis of ``p`` and ``p_sim``.
    permutations : int
        Number of conditional permutations.
    fdr : bool
        Whether ``gi_bin`` used Benjamini–Hochberg adjusted p-values.
    inference : str
        Which p the bins use (``"analytic"`` or ``"permutation"``).
    islands : tuple
        Ids of units without neighbours (z NaN, Gi_Bin 0).
    undefined : tuple
        Other ids whose z is undefined (zero variance).
    weights_info : str
        Where the weights came from.
    """

    index: pd.Index
    z: np.ndarray
    p: np.ndarray
    G: np.ndarray
    gi_bin: np.ndarray
    neighbors: np.ndarray
    classes: np.ndarray | None = None
    breaks: tuple[float, ...] | None = None
    scheme: str | None = "fisher_jenks"
    breaks_sample: int | None = None
    p_sim: np.ndarray | None = None
    z_sim: np.ndarray | None = None
    sims: np.ndarray | None = field(default=None, repr=False)
    column: str | None = None
    star: bool = True
    transform: str = "O"
    self_weight: str = "max"
    alternative: str = "two-sided"
    permutations: int = 0
    fdr: bool = False
    inference: str = "analytic"
    islands: tuple[Hashable, ...] = ()
    undefined: tuple[Hashable, ...] = ()
    weights_info: str = ""

    @property
    def statistic_name(self) -> str:
        """``"Gi*"`` or ``"Gi"``."""
        return "Gi*" if self.star else "Gi"

    def to_frame(self) -> pd.DataFrame:
        """Per-unit table: id/name/value columns, then ArcGIS's fields and the classes.

        Returns
        -------
        DataFrame or GeoDataFrame
            ``GiZScore``, ``GiPValue``, [``p_sim``, ``z_sim``], ``Gi_Bin``,
            ``NNeighbors``, [``class``, ``class_zh``, ``class_en``] after the
            unit columns; a GeoDataFrame when the geometry is known.
        """
        df = pd.DataFrame({"GiZScore": self.z, "GiPValue": self.p}, index=self.index)
        if self.p_sim is not None:
            df["p_sim"] = self.p_sim
            df["z_sim"] = self.z_sim
        df["Gi_Bin"] = self.gi_bin
        df["NNeighbors"] = self.neighbors
        if self.classes is not None:
            df["class"] = self.classes
            df["class_zh"], df["class_en"] = label_columns(self.classes, (*_labels.HOTSPOT_CLASSES, NO_NEIGHBOURS))
        return self._unit_frame(df)

    def _style(self, by: str | None = None):
        from .. import export

        by = by or ("class" if self.classes is not None else "Gi_Bin")
        check_choice("by", by, ("class", "Gi_Bin"))
        name = self.statistic_name
        if by == "class":
            if self.classes is None:
                raise InputError("this result has no classes (scheme=None); map by='Gi_Bin' instead")
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
        """Hot-spot map with a legend of counts.

        Parameters
        ----------
        ax : matplotlib Axes, optional
            Axes to draw on.
        by : {"class", "Gi_Bin"}, optional
            The five classes (default when present) or ArcGIS ``Gi_Bin``.
        **kwargs
            Passed to :func:`spatialregion.maps.plot_style` (e.g. ``title``, ``labels``).

        Returns
        -------
        matplotlib Axes
        """
        from .. import maps

        return maps.plot_style(self._geo_frame(), self._style(by), ax=ax, **kwargs)

    def to_gpkg(self, path: Any, layer: str | None = None, by: str | None = None, **kwargs: Any) -> Any:
        """Styled GeoPackage layer (QGIS ``layer_styles``) of :meth:`to_frame`.

        Parameters
        ----------
        path : str or Path
            GeoPackage file.
        layer : str, optional
            Layer name (default ``"hotspots"``).
        by : {"class", "Gi_Bin"}, optional
            Column the style colours.
        **kwargs
            Passed to :func:`spatialregion.export.to_gpkg`.

        Returns
        -------
        Path
        """
        from .. import export

        return export.to_gpkg(self._geo_frame(), path, layer=layer or "hotspots", style=self._style(by), **kwargs)

    def _class_table(self) -> SummaryTable:
        rows = []
        edges = [-np.inf, *(self.breaks or ()), np.inf]
        for m, lab in reversed(list(enumerate(_labels.HOTSPOT_CLASSES))):
            sel = self.classes == lab.key
            rows.append({"class": lab.key, "中文": lab.zh, "English": lab.en, "z from (>)": edges[m],
                         "z to (<=)": edges[m + 1], "units": int(sel.sum()), "share": float(sel.mean())})
        sel = self.classes == NO_NEIGHBOURS.key
        if sel.any():
            rows.append({"class": NO_NEIGHBOURS.key, "中文": NO_NEIGHBOURS.zh, "English": NO_NEIGHBOURS.en,
                         "z from (>)": np.nan, "z to (<=)": np.nan, "units": int(sel.sum()), "share": float(sel.mean())})
        title = "Classes (natural breaks of z)" if self.scheme == "fisher_jenks" else "Classes (user breaks of z)"
        return SummaryTable(title, pd.DataFrame(rows).set_index("class"))

    def summary(self) -> Summary:
        """Class and ``Gi_Bin`` counts, the settings and the formula.

        Returns
        -------
        Summary
        """
        tables = [self._class_table()] if self.classes is not None else []
        bins = []
        for lab in reversed(_labels.GI_BINS):
            sel = self.gi_bin == int(lab.key)
            bins.append({"Gi_Bin": int(lab.key), "中文": lab.zh, "English": lab.en, "units": int(sel.sum()), "share": float(sel.mean())})
        tables.append(SummaryTable("ArcGIS confidence bins (Gi_Bin)", pd.DataFrame(bins).set_index("Gi_Bin")))
        own = {"B": "w_ii = 1", "R": "row max, then row-standardised (esda)", "O": f"w_ii = {self.self_weight}"}
        settings = {
            "statistic": self.statistic_name,
            "column": self.column,
            "units": len(self.index),
            "weights transform": self.transform,
            "self weight": own[self.transform] if self.star else "none",
            "alternative (p, p_sim)": self.alternative,
            "bins from": "p_sim (two-sided)" if self.inference == "permutation" else "analytic p (two-sided)",
            "FDR (Benjamini–Hochberg)": self.fdr,
            "permutations": self.permutations,
            "islands (z = NaN)": ", ".join(map(str, self.islands)) or "none",
            "weights": self.weights_info,
        }
        tables.append(SummaryTable("Settings", pd.DataFrame({"value": [str(v) for v in settings.values()]}, index=list(settings))))
        notes = [
            "z_i = (Σ_j w_ij x_j − x̄ W_i) / (S √((N S1_i − W_i²)/(N − 1))) (Ord & Getis 1995; ArcGIS Hot Spot Analysis); "
            + ("row-standardised weights with esda's variance convention S1_i = W_i = 1." if self.transform == "R"
               else "W_i = Σ_j w_ij, S1_i = Σ_j w_ij²."),
            "Gi_Bin ±3/±2/±1: two-sided p ≤ 0.01/0.05/0.10" + (" after Benjamini–Hochberg FDR adjustment." if self.fdr else "."),
        ]
        if self.breaks_sample is not None:
            notes.append(
                f"Natural breaks (Fisher–Jenks) computed on {self.breaks_sample:,} evenly spaced order statistics of z "
                f"(min and max included, deterministic) of the {int(np.isfinite(self.z).sum()):,} finite z; exact up to "
                f"{NATURAL_BREAKS_MAX_SAMPLE:,} units."
            )
        if self.undefined:
            notes.append(f"z undefined (zero variance) for {', '.join(map(str, self.undefined))}.")
        return Summary(f"Getis-Ord {self.statistic_name} hot spot analysis", tuple(tables), tuple(notes))


def _ids_where(index: pd.Index, mask: np.ndarray) -> tuple[Hashable, ...]:
    """The ids where ``mask`` holds (usually none: no Index is built then)."""
    pos = np.flatnonzero(mask)
    return tuple(index[pos]) if pos.size else ()


def _check_self_weight(self_weight: Any) -> str | float:
    if isinstance(self_weight, str):
        return check_choice("self_weight", self_weight, ("max",))
    return nonnegative_number("self_weight", self_weight, " or 'max'")


def getis_ord(
    data: Any,
    column: str | None = None,
    *,
    weights: Any = None,
    id_column: str | None = None,
    star: bool = True,
    transform: str = "O",
    self_weight: str | float = "max",
    permutations: int = 0,
    seed: int | np.random.Generator | None = None,
    fdr: bool = False,
    alternative: str = "two-sided",
    scheme: str | None = "fisher_jenks",
    breaks: Sequence[float] | None = None,
    inference: str = "analytic",
    keep_simulations: bool = False,
    progress: bool | None = None,
) -> HotSpotResult:
    """Getis–Ord Gi* (``star=True``) or Gi hot-spot analysis (ArcGIS *Hot Spot Analysis*).

    ``z_i = (Σ_j w_ij x_j − x̄ W_i) / (S √((N S1_i − W_i²)/(N − 1)))`` with
    ``W_i = Σ_j w_ij``, ``S1_i = Σ_j w_ij²`` (Ord & Getis 1995, eq. 4.5);
    see :mod:`spatialregion.hotspots` for Gi, islands and inference.

    Parameters
    ----------
    data : GeoDataFrame, DataFrame, Series or array
        The units; with a (Geo)DataFrame pass ``column``.
    column : str, optional
        The analysed numeric column (no NaN).
    weights : Graph, W, sparse matrix, method name or None
        Spatial weights over the same ids, aligned by id
        (:func:`spatialregion.weights.as_sparse`); default None = queen
        contiguity of a GeoDataFrame (islands linked to the nearest unit).
    id_column : str, optional
        Column with the unit ids that match the weights (default: the index).
    star : bool, default True
        Gi* (the unit itself included, ArcGIS) or Gi.
    transform : {"O", "B", "R"}, default "O"
        ``"O"``: the weights as given — contiguity/knn/distance-band graphs
        (all weights 1) give ArcGIS's binary Gi*, inverse-distance weights
        are used as given, as ArcGIS does; ``"B"``: every link weight 1;
        ``"R"``: row-standardised with esda's conventions (self weight = row
        maximum, variance with ``S1_i := W_i``), only to reproduce
        ``esda.G_Local(transform="R")``.  Any case.
    self_weight : "max" or float, default "max"
        Gi* self weight ``w_ii`` with ``transform="O"``: the largest weight in
        the unit's row (1 for contiguity, so ArcGIS's binary Gi*; for distance
        weights the unit counts like its nearest neighbour, independent of the
        distance unit) or one number (e.g. 1, ArcGIS's self potential default).
    permutations : int, default 0
        Conditional permutations for ``p_sim`` (999 is usual).
    seed : int, Generator or None
        Randomness of the permutations.
    fdr : bool, default False
        Benjamini–Hochberg correction of ``Gi_Bin`` (ArcGIS's FDR option).
    alternative : {"two-sided", "greater", "less", "directed"}
        Hypothesis of ``p`` and ``p_sim``; ``Gi_Bin`` always uses the
        two-sided p, as ArcGIS.
    scheme : {"fisher_jenks", "user_defined"} or None, default "fisher_jenks"
        The five literature classes 冷点 … 热点 by natural breaks of z, by
        ``breaks``, or no classes (None).  mapclassify's names.  Natural
        breaks are exact Fisher–Jenks up to 10,000 units; above, they are
        computed on 10,000 evenly spaced order statistics of z
        (``breaks_sample``, stated in the summary).
    breaks : four floats, optional
        Increasing cut points on z for ``scheme="user_defined"``.
    inference : {"analytic", "permutation"}
        Which two-sided p the bins use (``"permutation"`` needs ``permutations > 0``).
    keep_simulations : bool
        Keep the ``(n, permutations)`` simulated off-diagonal lags in ``sims``.
    progress : bool or None
        Progress bar for permutations (None: only on long runs).

    Returns
    -------
    HotSpotResult

    References
    ----------
    Ord, J. K., Getis, A. (1995). Local spatial autocorrelation statistics:
    distributional issues and an application. *Geographical Analysis* 27(4), 286–306.

    Examples
    --------
    >>> import spatialregion as sr                              # doctest: +SKIP
    >>> prov = sr.load("provinces")                             # doctest: +SKIP
    >>> hs = sr.hotspots.getis_ord(prov, "gdp", permutations=999, seed=1)  # doctest: +SKIP
    >>> hs.to_frame()[["name", "gdp", "GiZScore", "Gi_Bin", "class"]]    # doctest: +SKIP
    """
    transform = check_transform(transform)
    self_weight = _check_self_weight(self_weight)
    check_alternative(alternative)
    permutations = check_permutations(permutations)
    check_choice("inference", inference, ("analytic", "permutation"))
    if inference == "permutation" and permutations == 0:
        raise InputError("inference='permutation' needs permutations > 0 (e.g. permutations=999)")
    cuts = _check_classes(scheme, breaks)
    li = local_input(data, column, weights, transform="O", id_column=id_column, what="Getis-Ord", min_n=3)
    if transform == "O" and star and self_weight == "max":  # the default: row maxima taken in gi_z's one pass
        off, own = li.matrix, "max"
    else:
        off, own = gi_weights(li.matrix, star=bool(star), transform=transform, self_weight=self_weight)
    out = gi_z(off, own, li.x, star=bool(star), esda_variance=transform == "R")
    z, k, index = out["z"], out["k"], li.index
    p = p_from_z(z, alternative)
    p_sim = z_sim = sims = sim = None
    if permutations:
        sim = conditional_lag_counts(
            off.indptr, off.indices, off.data, out["xc"], out["lag_off"], permutations, rng_from_seed(seed),
            keep=keep_simulations, progress=progress, desc=f"Gi{'*' if star else ''} permutations",
        )
        p_sim = pseudo_p(sim["ge"], sim["le"], permutations, alternative)
        p_sim[~np.isfinite(z)] = np.nan
        with np.errstate(divide="ignore", invalid="ignore"):
            z_sim = (out["lag_off"] - sim["mean"]) / sim["std"]
        z_sim[~np.isfinite(z)] = np.nan
        sims = sim.get("sims")
    if inference == "permutation":
        p_bins = pseudo_p(sim["ge"], sim["le"], permutations, "two-sided")
        p_bins[~np.isfinite(z)] = np.nan
    else:
        p_bins = p if alternative == "two-sided" else p_from_z(z, "two-sided")
    classes = breaks_sample = None
    if cuts is not None:
        if isinstance(cuts, str):
            cuts = natural_breaks(z)
            n_finite = z.size - int(np.count_nonzero(np.isnan(z)))  # z is finite or NaN
            breaks_sample = NATURAL_BREAKS_MAX_SAMPLE if n_finite > NATURAL_BREAKS_MAX_SAMPLE else None
        classes = classify_z(z, cuts)
    return HotSpotResult(
        index=index,
        z=z,
        p=p,
        G=out["G"],
        gi_bin=gi_bins(z, p_bins, fdr=fdr),
        neighbors=k.astype(np.int64, copy=False),
        classes=classes,
        breaks=None if cuts is None else tuple(float(c) for c in cuts),
        scheme=scheme,
        breaks_sample=breaks_sample,
        p_sim=p_sim,
        z_sim=z_sim,
        sims=sims,
        column=li.column,
        star=bool(star),
        transform=transform,
        self_weight=str(self_weight),
        alternative=alternative,
        permutations=permutations,
        fdr=bool(fdr),
        inference=inference,
        islands=_ids_where(index, k == 0),
        undefined=_ids_where(index, (k > 0) & np.isnan(z)),
        weights_info=li.info,
        geometry=li.geometry,
        units=li.units,
    )
