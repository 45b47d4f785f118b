"""Drivers of an index: random-forest importance with spatially blocked CV, and rank consistency.

Random forest (``random_forest_drivers``)
    A :class:`sklearn.ensemble.RandomForestRegressor` explains Y by the factors.
    Because neighbouring units are alike, ordinary K-fold cross-validation leaks
    information between training and test units and overstates accuracy (Roberts
    et al. 2017); folds here are **spatial blocks**: the groups of a column
    (e.g. ``region3``) or k-means clusters of the units' coordinates (China
    Albers equal-area metres), one block left out per fold (``GroupKFold``).

    * permutation importance (Breiman 2001): the decrease of the out-of-fold
      R² (over all units) when one factor's values are shuffled within each
      held-out block before predicting it, mean and s.d. over ``permutations``
      shuffles.  Pooling the out-of-fold predictions keeps the measure stable
      when blocks are small (an R² on a 3-unit block is meaningless);
    * impurity importance (mean decrease in impurity, MDI) of a forest fitted on
      all units;
    * partial dependence of Y on each factor (Friedman 2001) from the full forest;
    * a side-by-side table with the geographic detector's q and the Spearman
      rank correlation between the importance and q rankings.

    scikit-learn is an optional dependency (extra ``ml``): ``pip install "spatialregion[ml]"``.

Rank consistency (``rank_consistency``)
    Papers compare a unit's rank in an index with its rank in GDP per capita
    (or any reference).  With ranks 1 = highest, ``diff = rank_reference −
    rank_index``; ``diff >= threshold`` → 超前 ahead (the index ranks better than
    the reference), ``diff <= −threshold`` → 滞后 lagging, otherwise 同步 in step.

References
----------
Breiman, L. (2001). Random forests. Machine Learning 45: 5–32.
Friedman, J. H. (2001). Greedy function approximation: a gradient boosting machine. Ann. Stat. 29(5).
Roberts, D. R., et al. (2017). Cross-validation strategies for data with temporal, spatial,
hierarchical, or phylogenetic structure. Ecography 40: 913–929.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from ._validation import check_unique_ids, describe_rows, finite_array, rng_from_seed
from .detector import response_and_factors
from .errors import ConstantError, InputError, MissingValueError
from .labels import RANK_CLASSES
from .results import Result, Summary, SummaryTable

__all__ = [
    "RANK_CLASSES",
    "DriversResult",
    "RankConsistencyResult",
    "random_forest_drivers",
    "rank_consistency",
    "spatial_blocks",
]



def _sklearn():
    try:
        import sklearn  # noqa: F401
    except ImportError:  # pragma: no cover - exercised only without the extra
        raise ImportError(
            "random-forest drivers need scikit-learn, an optional dependency: "
            'pip install "spatialregion[ml]" (or pip install scikit-learn)'
        ) from None


def _is_gdf(data: Any) -> bool:
    try:
        import geopandas as gpd
    except ImportError:  # pragma: no cover
        return False
    return isinstance(data, gpd.GeoDataFrame)


def spatial_blocks(data: Any, n_blocks: int = 5, seed: int | np.random.Generator | None = None) -> np.ndarray:
    """Block id 0 … n_blocks−1 of every unit by k-means of its coordinates.

    Coordinates are the units' representative points projected to the China
    Albers equal-area CRS (metres), so blocks are compact on the ground.
    ``data`` is a GeoDataFrame (any CRS) or an (n, 2) array of planar coordinates.
    """
    _sklearn()
    from sklearn.cluster import KMeans

    if _is_gdf(data):
        from .crs import ALBERS

        if data.crs is None:
            from .errors import CRSError

            raise CRSError("data has no CRS; set it with .set_crs(...) before building spatial blocks")
        pts = data.geometry.representative_point().to_crs(ALBERS)
        xy = np.column_stack([pts.x, pts.y])
    else:
        xy = finite_array(data, "coordinates", ndim=2)
    n = xy.shape[0]
    if not isinstance(n_blocks, (int, np.integer)) or not 2 <= n_blocks <= n:
        raise InputError(f"n_blocks={n_blocks!r} must be an integer between 2 and the number of units ({n})")
    state = int(rng_from_seed(seed).integers(2**31 - 1))
    labels = KMeans(n_clusters=n_blocks, n_init=10, random_state=state).fit_predict(xy)
    # relabel blocks by first appearance so ids are stable across sklearn versions' label order
    _, first = np.unique(labels, return_index=True)
    order = np.argsort(np.argsort(first))
    return order[labels]


# ---------------------------------------------------------------------------
# random forest
# ---------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class DriversResult(Result):
    """Random-forest drivers of Y.

    Attributes
    ----------
    y : str
    factors : tuple of str
    importance : DataFrame
        Per factor: ``permutation`` (mean decrease of the out-of-fold R² when
        the factor is shuffled within held-out blocks), ``permutation_sd`` (s.d. over shuffles),
        ``impurity`` (MDI of the full forest, sums to 1), their ranks
        (1 = most important), and ``q`` / ``q_rank`` from the geographic
        detector when available.
    rank_correlation : DataFrame
        Spearman ρ and p (two-sided) between the q ranking and each importance ranking.
    cv : DataFrame
        Per fold: held-out block, ``n_train``, ``n_test``, ``r2`` (held-out R²).
    predictions : DataFrame
        Per unit: ``y``, out-of-fold ``prediction``, ``residual``, ``block``.
    partial_dependence : dict of DataFrame
        Factor → ``value``, ``average`` (partial dependence of Y).
    n_estimators, permutations, blocks, seed
        Settings (``blocks`` says how folds were formed).
    """

    y: str
    factors: tuple[str, ...]
    importance: pd.DataFrame
    rank_correlation: pd.DataFrame
    cv: pd.DataFrame
    predictions: pd.DataFrame
    partial_dependence: dict[str, pd.DataFrame] = field(default_factory=dict)
    n_estimators: int = 500
    permutations: int = 10
    blocks: str = ""
    seed: int | None = None

    def to_frame(self) -> pd.DataFrame:
        """Per unit: y, out-of-fold prediction, residual and block (GeoDataFrame when geometry is known)."""
        return self._with_geometry(self.predictions.copy())

    def summary(self) -> Summary:
        cv = self.cv.copy()
        tables = (
            SummaryTable("Factor importance (random forest) and geographic-detector q", self.importance),
            SummaryTable("Rank agreement with the geographic detector (Spearman)", self.rank_correlation),
            SummaryTable("Spatially blocked cross-validation", cv),
        )
        notes = (
            f"Random forest: {self.n_estimators} trees; folds: {self.blocks}; permutation importance = mean "
            f"decrease of the out-of-fold R² over {self.permutations} shuffles within held-out blocks.",
            f"Out-of-fold R² over all units: {_r2(self.predictions['y'], self.predictions['prediction']):.4f}.",
        )
        return Summary(f"Random-forest drivers of {self.y}", tables, notes)

    def _style(self):
        from . import export

        blocks = sorted(self.predictions["block"].unique())
        return export.categorized("block", blocks, _qualitative(len(blocks)), [str(b) for b in blocks],
                                  title="CV block 空间分块")

    def plot(self, ax: Any = None, kind: Literal["importance", "partial_dependence", "map"] = "importance", **kwargs: Any):
        """Importance bars (``"importance"``), partial-dependence curves, or a map of the CV blocks."""
        if kind == "map":
            return super().plot(ax=ax, **kwargs)
        import matplotlib.pyplot as plt

        from . import maps

        maps.use_cjk_font()
        if kind == "importance":
            if ax is None:
                _, ax = plt.subplots(figsize=(6, 0.6 + 0.45 * len(self.factors)))
            imp = self.importance.sort_values("permutation")
            ax.barh(imp.index.astype(str), imp["permutation"], xerr=imp["permutation_sd"], color="#4575b4", alpha=0.85)
            ax.set_xlabel("decrease of out-of-fold R² (permutation)")
            ax.set_title(f"Random-forest importance: {self.y}")
            return ax
        k = len(self.factors)
        if ax is None:
            ncol = min(3, k)
            fig, axes = plt.subplots((k + ncol - 1) // ncol, ncol, figsize=(3.2 * ncol, 2.6 * ((k + ncol - 1) // ncol)), squeeze=False)
            axes = axes.ravel()
            for a in axes[k:]:
                a.set_visible(False)
        else:
            axes = np.ravel([ax])
            if axes.size < k:
                raise InputError(f"pass {k} axes (one per factor) to plot partial dependence, got {axes.size}")
        for a, f in zip(axes, self.factors):
            pdp = self.partial_dependence[f]
            a.plot(pdp["value"], pdp["average"], color="#b2182b")
            a.set_xlabel(f)
            a.set_ylabel(f"partial dependence of {self.y}")
        return axes[0]


def _qualitative(n: int) -> list[str]:
    import matplotlib

    cmap = matplotlib.colormaps["tab20" if n > 10 else "tab10"]
    return [matplotlib.colors.to_hex(cmap(i % cmap.N)) for i in range(n)]


def _r2(y: Any, pred: Any) -> float:
    y = np.asarray(y, dtype=float)
    pred = np.asarray(pred, dtype=float)
    return float(1.0 - ((y - pred) ** 2).sum() / ((y - y.mean()) ** 2).sum())


def random_forest_drivers(
    data: pd.DataFrame,
    y: str,
    factors: Sequence[str],
    *,
    groups: str | Sequence[Any] | None = None,
    n_blocks: int = 5,
    n_estimators: int = 500,
    permutations: int = 10,
    max_features: float | int | str | None = 1.0,
    min_samples_leaf: int = 1,
    grid_resolution: int = 20,
    detector: Any = None,
    discretize: str | None = "quantiles",
    k: int = 4,
    seed: int | np.random.Generator | None = None,
) -> DriversResult:
    """Random-forest importance of factors with spatially blocked cross-validation.

    Parameters
    ----------
    data : DataFrame or GeoDataFrame
        One row per unit; no missing values.
    y : str
        Response column.
    factors : list of str
        Explanatory columns.  Numeric columns are used as they are; text or
        categorical columns as integer codes (the forest then splits on code
        order; state this when you report).
    groups : str or array, optional
        Spatial blocks: a column name (e.g. ``"region3"``) or one label per
        unit.  Default: ``n_blocks`` k-means blocks of the coordinates
        (:func:`spatial_blocks`; needs a GeoDataFrame).
    n_blocks : int
        Number of k-means blocks when ``groups`` is None.
    n_estimators, max_features, min_samples_leaf
        Passed to :class:`sklearn.ensemble.RandomForestRegressor`
        (``max_features=1.0``: all factors at each split, sklearn's regression default).
    permutations : int
        Shuffles per factor for permutation importance.
    grid_resolution : int
        Points of each partial-dependence curve.
    detector : GeoDetectorResult, optional
        Geographic-detector result to compare with; if None it is computed
        with :func:`spatialregion.detector.geodetector` (``discretize``, ``k``);
        ``discretize=None`` skips the comparison.
    seed : int, Generator or None
        The only source of randomness (forest, shuffles, k-means).

    Returns
    -------
    DriversResult
    """
    _sklearn()
    from sklearn.ensemble import RandomForestRegressor
    from sklearn.inspection import partial_dependence
    from sklearn.model_selection import GroupKFold

    factors, _ = response_and_factors(data, y, factors)
    for name, val in (("n_estimators", n_estimators), ("permutations", permutations), ("grid_resolution", grid_resolution)):
        if not isinstance(val, (int, np.integer)) or val < 1:
            raise InputError(f"{name}={val!r} must be a positive integer")
    yv = finite_array(data[y].to_numpy(dtype=float, na_value=np.nan), y, list(data.index))
    if np.ptp(yv) == 0:
        raise ConstantError(f"response {y!r} is constant; there is nothing to explain")
    cols = []
    for f in factors:
        col = data[f]
        if col.isna().any():
            raise MissingValueError(
                f"factor {f!r} has missing values in {describe_rows(data.index[col.isna()])}; drop or impute them first"
            )
        if pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col):
            cols.append(finite_array(col.to_numpy(dtype=float), f, list(data.index)))
        else:
            cols.append(pd.factorize(col, sort=True)[0].astype(float))
    X = np.column_stack(cols)
    n = X.shape[0]

    rng = rng_from_seed(seed)
    if groups is None:
        if not _is_gdf(data):
            raise InputError("pass groups=<column> (spatial blocks) or a GeoDataFrame so that k-means blocks can be built")
        block = spatial_blocks(data, n_blocks, rng)
        how = f"{n_blocks} k-means blocks of unit coordinates (China Albers), one left out per fold"
    else:
        if isinstance(groups, str):
            if groups not in data.columns:
                raise InputError(f"groups column {groups!r} not in the data")
            g = data[groups]
            how = f"groups of column {groups!r}, one left out per fold"
        else:
            g = pd.Series(list(groups), index=data.index)
            how = "user groups, one left out per fold"
        if len(g) != n or g.isna().any():
            raise InputError(f"groups must give one non-missing label per unit ({n})")
        block = pd.factorize(g, sort=True)[0]
        if block.max() + 1 < 2:
            raise InputError("groups has a single group; spatially blocked CV needs at least 2")
    n_splits = int(block.max() + 1)
    states = rng.integers(2**31 - 1, size=2 * n_splits + 1)

    def forest(state: int) -> Any:
        return RandomForestRegressor(
            n_estimators=int(n_estimators), max_features=max_features, min_samples_leaf=min_samples_leaf,
            random_state=int(state), n_jobs=1,
        )

    oof = np.empty(n)
    permuted = np.empty((len(factors), int(permutations), n))  # out-of-fold predictions with factor j shuffled
    folds = []
    for i, (tr, te) in enumerate(GroupKFold(n_splits=n_splits).split(X, yv, block)):
        model = forest(states[2 * i]).fit(X[tr], yv[tr])
        oof[te] = model.predict(X[te])
        held = np.unique(block[te])
        r2 = _r2(yv[te], oof[te]) if te.size > 1 and np.ptp(yv[te]) > 0 else np.nan
        folds.append({"fold": i + 1, "test_blocks": ", ".join(map(str, held)), "n_train": int(tr.size), "n_test": int(te.size), "r2": r2})
        frng = np.random.default_rng(int(states[2 * i + 1]))
        for j in range(len(factors)):
            xt = np.repeat(X[te][None, :, :], int(permutations), axis=0)
            for r in range(int(permutations)):
                xt[r, :, j] = frng.permutation(xt[r, :, j])
            permuted[j, :, te] = model.predict(xt.reshape(-1, X.shape[1])).reshape(int(permutations), te.size).T
    r2_oof = _r2(yv, oof)
    sst = ((yv - yv.mean()) ** 2).sum()
    r2_perm = 1.0 - ((yv - permuted) ** 2).sum(axis=2) / sst  # (factors, permutations)
    drops = r2_oof - r2_perm
    perm_mean = drops.mean(axis=1)
    perm_sd = drops.std(axis=1, ddof=1) if permutations > 1 else np.zeros(len(factors))

    full = forest(states[-1]).fit(X, yv)
    imp = pd.DataFrame({"permutation": perm_mean, "permutation_sd": perm_sd, "impurity": full.feature_importances_}, index=pd.Index(factors, name="factor"))
    imp["permutation_rank"] = imp["permutation"].rank(ascending=False, method="min").astype(int)
    imp["impurity_rank"] = imp["impurity"].rank(ascending=False, method="min").astype(int)

    pdp = {}
    for j, f in enumerate(factors):
        res = partial_dependence(full, X, [j], kind="average", grid_resolution=int(grid_resolution))
        pdp[f] = pd.DataFrame({"value": res["grid_values"][0], "average": res["average"][0]})

    if detector is None and discretize is not None:
        from .detector import geodetector

        detector = geodetector(data, y, factors=factors, scheme=discretize, k=k)
    corr_rows = []
    if detector is not None:
        q = detector.factor["q"].reindex(factors)
        if q.isna().any():
            raise InputError(f"the detector result lacks factor(s) {list(q.index[q.isna()])}")
        imp["q"] = q.to_numpy()
        imp["q_rank"] = imp["q"].rank(ascending=False, method="min").astype(int)
        for kind in ("permutation", "impurity"):
            if len(factors) >= 3:
                rho, p = stats.spearmanr(imp[kind], imp["q"])
            else:
                rho, p = np.nan, np.nan
            corr_rows.append({"importance": kind, "spearman_rho": float(rho), "p": float(p), "factors": len(factors)})
    corr = pd.DataFrame(corr_rows, columns=["importance", "spearman_rho", "p", "factors"])

    preds = pd.DataFrame({"y": yv, "prediction": oof, "residual": yv - oof, "block": block}, index=data.index)
    return DriversResult(
        y=y,
        factors=tuple(factors),
        importance=imp.sort_values("permutation", ascending=False),
        rank_correlation=corr,
        cv=pd.DataFrame(folds),
        predictions=preds,
        partial_dependence=pdp,
        n_estimators=int(n_estimators),
        permutations=int(permutations),
        blocks=how,
        seed=seed if isinstance(seed, (int, np.integer)) else None,
        geometry=data.geometry if _is_gdf(data) else None,
    )


# ---------------------------------------------------------------------------
# rank consistency
# ---------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class RankConsistencyResult(Result):
    """Ranks of an index and a reference, their difference and class.

    Attributes
    ----------
    frame : DataFrame
        Per unit: both values, ``rank_index``, ``rank_reference`` (1 = highest;
        ties share the lowest rank), ``diff = rank_reference − rank_index`` and
        ``class`` (``ahead`` / ``in_step`` / ``lagging``) with ``class_zh``, ``class_en``.
    column, reference : str
    threshold : int
    """

    frame: pd.DataFrame
    column: str
    reference: str
    threshold: int

    def to_frame(self) -> pd.DataFrame:
        return self._with_geometry(self.frame.copy())

    def summary(self) -> Summary:
        counts = self.frame["class"].value_counts()
        tab = pd.DataFrame(
            [{"class": f"{x.zh} {x.en}", "units": int(counts.get(x.key, 0))} for x in RANK_CLASSES]
        ).set_index("class")
        rho, p = stats.spearmanr(self.frame[self.column], self.frame[self.reference])
        return Summary(
            f"Rank consistency 位序一致性: {self.column} vs {self.reference}",
            (SummaryTable("Per unit (sorted by index rank)", self.frame.sort_values("rank_index")), SummaryTable("Classes", tab)),
            (
                f"diff = rank of {self.reference} − rank of {self.column} (1 = highest); ahead 超前 if diff >= "
                f"{self.threshold}, lagging 滞后 if diff <= −{self.threshold}, else in step 同步.",
                f"Spearman ρ = {rho:.4f} (p = {p:.4g}, two-sided).",
            ),
        )

    def _style(self):
        from . import export

        return export.label_style(
            "class", RANK_CLASSES, present=self.frame["class"], bilingual=False, title=f"{self.column} vs {self.reference}"
        )


def rank_consistency(
    data: pd.DataFrame,
    column: str,
    reference: str,
    *,
    threshold: int = 3,
) -> RankConsistencyResult:
    """Classify units as ahead / in step / lagging by rank difference.

    ``rank_index`` and ``rank_reference`` rank ``column`` and ``reference``
    from the highest (1) down (ties share the lowest rank, ``method="min"``);
    ``diff = rank_reference − rank_index``.  With the integer ``threshold`` t ≥ 1:
    ``diff >= t`` → 超前 ahead (the index ranks at least t places above the
    reference, e.g. GDP per capita), ``diff <= −t`` → 滞后 lagging, otherwise
    同步 in step.  Labels: :data:`RANK_CLASSES`.
    """
    if not isinstance(data, pd.DataFrame):
        raise InputError("data must be a DataFrame or GeoDataFrame")
    for c in (column, reference):
        if c not in data.columns:
            raise InputError(f"column {c!r} not in the data; available: {list(data.columns)[:20]}")
    if column == reference:
        raise InputError("column and reference are the same column")
    if not isinstance(threshold, (int, np.integer)) or isinstance(threshold, bool) or threshold < 1:
        raise InputError(f"threshold={threshold!r} must be an integer number of ranks >= 1")
    check_unique_ids(data.index, "data index")
    a = finite_array(data[column].to_numpy(dtype=float, na_value=np.nan), column, list(data.index))
    b = finite_array(data[reference].to_numpy(dtype=float, na_value=np.nan), reference, list(data.index))
    ra = pd.Series(a, index=data.index).rank(ascending=False, method="min").astype(int)
    rb = pd.Series(b, index=data.index).rank(ascending=False, method="min").astype(int)
    diff = rb - ra
    key = np.where(diff >= threshold, "ahead", np.where(diff <= -threshold, "lagging", "in_step"))
    lab = {x.key: x for x in RANK_CLASSES}
    frame = pd.DataFrame(
        {column: a, reference: b, "rank_index": ra, "rank_reference": rb, "diff": diff, "class": key,
         "class_zh": [lab[k].zh for k in key], "class_en": [lab[k].en for k in key]},
        index=data.index,
    )
    return RankConsistencyResult(
        frame=frame, column=column, reference=reference, threshold=int(threshold),
        geometry=data.geometry if _is_gdf(data) else None,
    )
