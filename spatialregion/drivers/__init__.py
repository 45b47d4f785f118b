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
    (or any reference).  With ranks 1 = highest and ``diff = rank_index −
    rank_reference``, two scales: the type by the sign of diff (negative → 超前
    ahead: the index ranks above the reference; 0 → 同步 in step; positive → 滞后
    lagging) and the consistency level by its size (``|diff| <= threshold``,
    default 3 → 一致性水平较高, otherwise 较低), with counts by region.

Calling convention: ``random_forest_drivers(data, column, *, factors=[...], ...)``,
``rank_consistency(data, column, *, reference=..., ...)``,
``spatial_blocks(data, *, n_blocks=5, seed=None)``.  Layout: ``_forest``
(random forest, :class:`DriversResult`, a table result) and ``_rank``
(:class:`RankConsistencyResult`, a per-unit result).

References
----------
Breiman, L. (2001). Random forests. Machine Learning 45: 5–32.
Friedman, J. H. (2001). Greedy function approximation: a gradient boosting machine. Ann. Stat. 29(5).
Roberts, D. R., et al. (2017). Cross-validation strategies for data with temporal, spatial,
hierarchical, or phylogenetic structure. Ecography 40: 913–929.
"""

from __future__ import annotations

from ..labels import RANK_CLASSES, RANK_LEVELS
from ._forest import DriversResult, random_forest_drivers, spatial_blocks
from ._rank import RankConsistencyResult, rank_consistency

__all__ = [
    "RANK_CLASSES",
    "RANK_LEVELS",
    "DriversResult",
    "RankConsistencyResult",
    "random_forest_drivers",
    "rank_consistency",
    "spatial_blocks",
]
