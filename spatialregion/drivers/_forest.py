"""Random-forest drivers with spatially blocked cross-validation (see :mod:`spatialregion.drivers`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from .._validation import check_choice, finite_array, rng_from_seed
from ..detector import response_and_factors
from ..errors import InputError
from ..results import Summary, SummaryTable, TableResult


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


def spatial_blocks(data: Any, *, n_blocks: int = 5, seed: int | np.random.Generator | None = None) -> np.ndarray:
    """Block id 0 … n_blocks−1 of every unit by k-means of its coordinates.

    Coordinates are the units' representative points projected to the China
    Albers equal-area CRS (metres), so blocks are compact on the ground.

    Parameters
    ----------
    data : GeoDataFrame or array of shape (n, 2)
        Units (any CRS) or planar coordinates.
    n_blocks : int
        Number of blocks (2 … n).
    seed : int, Generator or None
        Seed of the k-means initialisation.

    Returns
    -------
    ndarray of int
        Block of every unit, numbered by first appearance.
    """
    _sklearn()
    from sklearn.cluster import KMeans

    if _is_gdf(data):
        from ..crs import ALBERS

        if data.crs is None:
            from ..errors import CRSError

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
class DriversResult(TableResult):
    """Random-forest drivers of a response: importance table, blocked cross-validation, partial dependence.

    Attributes
    ----------
    column : str
        The response column.
    factors : tuple of str
        The factor columns.
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
        Per unit (index as the input): the response, out-of-fold ``prediction``, ``residual``, ``block``.
    partial_dependence : dict of DataFrame
        Factor → ``value``, ``average`` (partial dependence of Y).
    n_estimators, permutations, blocks, seed
        Settings (``blocks`` says how folds were formed).

    References
    ----------
    Breiman, L. (2001). Random forests. Machine Learning 45: 5–32.
    Roberts, D. R., et al. (2017). Cross-validation strategies for data with temporal, spatial,
    hierarchical, or phylogenetic structure. Ecography 40: 913–929.
    """

    column: str
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
        """The importance table, tidy: one row per factor (``factor`` first), most important first.

        Returns
        -------
        DataFrame
        """
        return self.importance.reset_index()

    def summary(self) -> Summary:
        """Importance and q, rank agreement with the detector, and the cross-validation folds.

        Returns
        -------
        Summary
        """
        cv = self.cv.copy()
        tables = (
            SummaryTable("Factor importance (random forest) and geographic-detector q", self.importance),
            SummaryTable("Rank agreement with the geographic detector (Spearman)", self.rank_correlation),
            SummaryTable("Spatially blocked cross-validation", cv),
        )
        notes = (
            f"Random forest: {self.n_estimators} trees; folds: {self.blocks}; permutation importance = mean "
            f"decrease of the out-of-fold R² over {self.permutations} shuffles within held-out blocks.",
            f"Out-of-fold R² over all units: {_r2(self.predictions[self.column], self.predictions['prediction']):.4f}.",
        )
        return Summary(f"Random-forest drivers of {self.column}", tables, notes)

    def plot(self, ax: Any = None, kind: Literal["importance", "partial_dependence"] = "importance", **kwargs: Any):
        """Importance bars (``"importance"``) or partial-dependence curves (``"partial_dependence"``).

        Parameters
        ----------
        ax : matplotlib Axes, optional
            Axes to draw on (partial dependence: one per factor).
        kind : {"importance", "partial_dependence"}
            The chart.
        **kwargs
            Unused (accepted for a uniform ``plot`` signature).

        Returns
        -------
        matplotlib Axes
        """
        import matplotlib.pyplot as plt

        from ..maps._font import chart_axes, use_cjk_font

        check_choice("kind", kind, ("importance", "partial_dependence"))
        use_cjk_font()
        if kind == "importance":
            ax = chart_axes(ax, figsize=(6, 0.6 + 0.45 * len(self.factors)))
            imp = self.importance.sort_values("permutation")
            ax.barh(imp.index.astype(str), imp["permutation"], xerr=imp["permutation_sd"], color="#4575b4", alpha=0.85)
            ax.set_xlabel("decrease of out-of-fold R² (permutation)")
            ax.set_title(f"Random-forest importance: {self.column}")
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
            a.set_ylabel(f"partial dependence of {self.column}")
        return axes[0]


def _r2(y: Any, pred: Any) -> float:
    y = np.asarray(y, dtype=float)
    pred = np.asarray(pred, dtype=float)
    return float(1.0 - ((y - pred) ** 2).sum() / ((y - y.mean()) ** 2).sum())


def random_forest_drivers(
    data: pd.DataFrame,
    column: str,
    *,
    factors: Sequence[str],
    groups: str | Sequence[Any] | None = None,
    n_blocks: int = 5,
    n_estimators: int = 500,
    permutations: int = 10,
    max_features: float | int | str | None = 1.0,
    min_samples_leaf: int = 1,
    grid_resolution: int = 20,
    detector: Any = None,
    scheme: str | None = "quantiles",
    k: int = 4,
    seed: int | np.random.Generator | None = None,
) -> DriversResult:
    """Random-forest importance of factors with spatially blocked cross-validation.

    Permutation importance of factor j: the decrease of the out-of-fold
    R² = 1 − Σ(y − ŷ)²/Σ(y − ȳ)² when x_j is shuffled within each held-out
    block (Breiman 2001), folds leaving out whole spatial blocks (Roberts et al. 2017).

    Parameters
    ----------
    data : DataFrame or GeoDataFrame
        One row per unit; no missing values.
    column : str
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
        with :func:`spatialregion.detector.geodetector` (``scheme``, ``k``);
        ``scheme=None`` skips the comparison.
    scheme : str or None
        Discretisation scheme of the detector run (:data:`spatialregion.detector.SCHEMES`).
    k : int
        Number of classes of that discretisation.
    seed : int, Generator or None
        The only source of randomness (forest, shuffles, k-means).

    Returns
    -------
    DriversResult
        Importance table (with the detector's q), CV folds, out-of-fold predictions.

    References
    ----------
    Breiman, L. (2001). Random forests. Machine Learning 45: 5–32.
    Friedman, J. H. (2001). Greedy function approximation: a gradient boosting machine. Ann. Stat. 29(5).
    """
    _sklearn()
    from sklearn.ensemble import RandomForestRegressor
    from sklearn.inspection import partial_dependence
    from sklearn.model_selection import GroupKFold

    factors, yv = response_and_factors(data, column, factors)
    for name, val in (("n_estimators", n_estimators), ("permutations", permutations), ("grid_resolution", grid_resolution)):
        if not isinstance(val, (int, np.integer)) or val < 1:
            raise InputError(f"{name}={val!r} must be a positive integer")
    cols = []
    for f in factors:
        col = data[f]
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
        block = spatial_blocks(data, n_blocks=n_blocks, seed=rng)
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

    if detector is None and scheme is not None:
        from ..detector import geodetector

        detector = geodetector(data, column, factors=factors, scheme=scheme, k=k)
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

    preds = pd.DataFrame({column: yv, "prediction": oof, "residual": yv - oof, "block": block}, index=data.index)
    return DriversResult(
        column=column,
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
    )
