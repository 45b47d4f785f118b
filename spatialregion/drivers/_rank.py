"""Rank consistency of an index against a reference (位序一致性), on the two scales papers print."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from .._validation import check_column, check_unique_ids, describe_rows, finite_array
from ..errors import InputError
from ..labels import RANK_CLASSES, RANK_LEVELS
from ..results import Summary, SummaryTable, UnitResult, unit_columns

_TYPE = {x.key: x for x in RANK_CLASSES}
_LEVEL = {x.key: x for x in RANK_LEVELS}
_TYPE_ORDER = ("ahead", "in_step", "lagging")


def _ranks(values: np.ndarray, index: pd.Index) -> pd.Series:
    """Rank 1 = highest value; ties share the lowest (best) rank (``method="min"``)."""
    return pd.Series(values, index=index).rank(ascending=False, method="min").astype(int)


@dataclass(frozen=True, eq=False)
class RankConsistencyResult(UnitResult):
    r"""Rank of an index and of a reference per unit, their difference, type and consistency level.

    With ranks 1 = highest, ``diff = rank_index − rank_reference``:

    * type: ``diff < 0`` → 超前 ahead (the index ranks above the reference),
      ``diff = 0`` → 同步 in step, ``diff > 0`` → 滞后 lagging
      (:data:`spatialregion.labels.RANK_CLASSES`);
    * consistency level: ``|diff| <= threshold`` → 一致性水平较高 high, otherwise
      一致性水平较低 low (:data:`spatialregion.labels.RANK_LEVELS`).

    Attributes
    ----------
    frame : DataFrame
        Per unit: ``rank_index``, ``rank_reference``, ``diff``, ``type`` (key),
        ``type_zh``, ``type_en``, ``level`` (key), ``level_zh``, ``level_en``
        and ``region`` when a region column was given; rows as the input.
    column, reference : str
        The index column and the reference column.
    reference_ranks : bool
        Whether ``reference`` held ranks (True) or values.
    threshold : int
        Largest |diff| of the "high consistency" level.
    region_column : str or None
        Column of the regions of the regional summary.
    spearman : tuple of float
        Spearman's ρ between the two rankings and its two-sided p.

    References
    ----------
    Wang Jiating et al., 新质生产力背景下中国人工智能发展的时空格局与驱动因素, Table 6
    (2022年中国人工智能发展与经济发展的一致性分析).
    """

    frame: pd.DataFrame
    column: str
    reference: str
    reference_ranks: bool
    threshold: int
    region_column: str | None = None
    spearman: tuple[float, float] = (float("nan"), float("nan"))

    def to_frame(self) -> pd.DataFrame:
        """Ids, names and both analysed columns first, then ranks, difference, type and level.

        Returns
        -------
        DataFrame or GeoDataFrame
            Rows as the input; a GeoDataFrame when the input had geometry.
        """
        return self._unit_frame(self.frame.copy())

    def by_region(self) -> pd.DataFrame:
        """Counts per type and level by region (rows: regions in order of appearance, then 合计 total).

        Returns
        -------
        DataFrame
            Columns ``超前``, ``同步``, ``滞后``, ``一致性水平较高``, ``一致性水平较低``, ``units``.
        """
        f = self.frame
        region = f["region"] if "region" in f.columns else pd.Series("all", index=f.index)
        order = list(pd.unique(region))
        types = pd.crosstab(region, f["type"]).reindex(index=order, columns=list(_TYPE_ORDER), fill_value=0)
        levels = pd.crosstab(region, f["level"]).reindex(index=order, columns=["high", "low"], fill_value=0)
        table = pd.concat([types, levels], axis=1)
        table.columns = [_TYPE[k].zh for k in _TYPE_ORDER] + [_LEVEL[k].zh for k in ("high", "low")]
        table["units"] = table.iloc[:, :3].sum(axis=1)
        table.loc["合计 total"] = table.sum(axis=0)
        table.index.name = self.region_column or "region"
        return table.astype(int)

    def summary(self) -> Summary:
        """The paper's table (units by index rank) and the counts by region.

        Returns
        -------
        Summary
        """
        lead = self.units.drop(columns=[c for c in (self.column, self.reference) if c in self.units.columns]) if self.units is not None else None
        table = self.frame[["rank_index", "rank_reference", "diff", "type_zh", "level_zh"]]
        if lead is not None and lead.shape[1]:
            table = pd.concat([lead, table], axis=1)
        rho, p = self.spearman
        ref = "rank" if self.reference_ranks else "values"
        return Summary(
            f"Rank consistency 位序一致性: {self.column} vs {self.reference}",
            (
                SummaryTable("Per unit, by index rank", table.sort_values(["rank_index", "rank_reference"]), "{:.0f}"),
                SummaryTable("Types and consistency levels by region", self.by_region(), "{:.0f}"),
            ),
            (
                f"diff = rank of {self.column} − rank of {self.reference} ({ref} given; 1 = highest, ties share the "
                "best rank); type: diff < 0 超前 ahead, diff = 0 同步 in step, diff > 0 滞后 lagging; level: "
                f"|diff| ≤ {self.threshold} 一致性水平较高, otherwise 一致性水平较低.",
                f"Spearman ρ between the rankings = {rho:.4f} (p = {p:.4g}, two-sided).",
            ),
        )

    def _style(self, kind: str = "type"):
        from .. import export

        if kind == "level":
            return export.label_style("level", RANK_LEVELS, present=self.frame["level"], title=f"{self.column} 一致性水平")
        table = [_TYPE[k] for k in _TYPE_ORDER]
        return export.label_style("type", table, present=self.frame["type"], title=f"{self.column} vs {self.reference}")

    def plot(self, ax: Any = None, kind: Literal["type", "level"] = "type", **kwargs: Any):
        """Map the type (超前/同步/滞后, default) or the consistency level of every unit.

        Parameters
        ----------
        ax : matplotlib Axes, optional
            Axes to draw on.
        kind : {"type", "level"}
            The classes mapped.
        **kwargs
            Passed to :func:`spatialregion.maps.plot_style` (``title=``, ``labels="name_short"``, ...).

        Returns
        -------
        matplotlib Axes
        """
        from .. import maps

        if kind not in ("type", "level"):
            raise InputError(f"kind={kind!r} is not supported; use 'type' or 'level'")
        return maps.plot_style(self._geo_frame(), self._style(kind), ax=ax, **kwargs)


def rank_consistency(
    data: pd.DataFrame,
    column: str,
    *,
    reference: str,
    reference_ranks: bool = False,
    threshold: int = 3,
    id_column: str | None = None,
    region_column: str | None = None,
) -> RankConsistencyResult:
    r"""Compare each unit's rank in an index with its rank in a reference (位序一致性分析).

    ``rank_index`` ranks ``column`` from the highest (1) down (ties share the
    best rank, ``method="min"``); ``rank_reference`` ranks ``reference`` the
    same way, or takes it as given when ``reference_ranks=True`` (a table of
    printed ranks).  With ``diff = rank_index − rank_reference`` each unit gets
    two classes, as the AI-index paper's Table 6:

    * type: ``diff < 0`` → 超前 ahead (the index ranks above the reference, e.g.
      GDP per capita), ``diff = 0`` → 同步 in step, ``diff > 0`` → 滞后 lagging;
    * level: ``|diff| <= threshold`` → 一致性水平较高 high consistency,
      otherwise 一致性水平较低 low.

    Parameters
    ----------
    data : DataFrame or GeoDataFrame
        One row per unit.
    column : str
        The index column (values; larger = better).
    reference : str
        The reference column: values (larger = better) or, with
        ``reference_ranks=True``, ranks (1 = best; integers 1 … n).
    reference_ranks : bool
        Whether ``reference`` holds ranks.
    threshold : int
        Largest |diff| of the high-consistency level (≥ 0; the paper uses 3).
    id_column : str, optional
        Unit id column carried into the outputs.
    region_column : str, optional
        Region of every unit (e.g. 东部/中部/西部) for :meth:`~RankConsistencyResult.by_region`.

    Returns
    -------
    RankConsistencyResult
        Per unit ranks, difference, type and level; the regional counts.

    References
    ----------
    Wang Jiating et al., 新质生产力背景下中国人工智能发展的时空格局与驱动因素, Table 6.
    """
    if not isinstance(data, pd.DataFrame):
        raise InputError("data must be a DataFrame or GeoDataFrame with the index and reference columns")
    check_column(column, data, what="column (the index)")
    check_column(reference, data, what="reference")
    if column == reference:
        raise InputError("column and reference are the same column")
    if not isinstance(threshold, (int, np.integer)) or isinstance(threshold, bool) or threshold < 0:
        raise InputError(f"threshold={threshold!r} must be an integer number of ranks >= 0")
    check_unique_ids(data.index, "data index")
    if id_column is not None:
        check_column(id_column, data, what="id_column")
        check_unique_ids(data[id_column], f"id_column {id_column!r}")
    a = finite_array(data[column].to_numpy(dtype=float, na_value=np.nan), column, list(data.index))
    b = finite_array(data[reference].to_numpy(dtype=float, na_value=np.nan), reference, list(data.index))
    n = len(data)
    ra = _ranks(a, data.index)
    if reference_ranks:
        bad = (b != np.round(b)) | (b < 1) | (b > n)
        if bad.any():
            raise InputError(
                f"reference_ranks=True but {reference!r} is not a rank 1 … {n} in {describe_rows(data.index[bad])}; "
                "pass reference_ranks=False for values"
            )
        rb = pd.Series(b.astype(int), index=data.index)
    else:
        rb = _ranks(b, data.index)
    diff = ra - rb
    tkey = np.where(diff < 0, "ahead", np.where(diff == 0, "in_step", "lagging"))
    lkey = np.where(np.abs(diff) <= threshold, "high", "low")
    frame = pd.DataFrame(
        {
            "rank_index": ra,
            "rank_reference": rb,
            "diff": diff,
            "type": tkey,
            "type_zh": [_TYPE[k].zh for k in tkey],
            "type_en": [_TYPE[k].en for k in tkey],
            "level": lkey,
            "level_zh": [_LEVEL[k].zh for k in lkey],
            "level_en": [_LEVEL[k].en for k in lkey],
        },
        index=data.index,
    )
    if region_column is not None:
        check_column(region_column, data, what="region_column")
        na = data[region_column].isna().to_numpy()
        if na.any():
            raise InputError(f"region_column {region_column!r} is missing in {describe_rows(data.index[na])}")
        frame["region"] = data[region_column].to_numpy()
    rho, p = stats.spearmanr(ra, rb)
    import geopandas as gpd

    return RankConsistencyResult(
        frame=frame,
        column=column,
        reference=reference,
        reference_ranks=bool(reference_ranks),
        threshold=int(threshold),
        region_column=region_column,
        spearman=(float(rho), float(p)),
        geometry=data.geometry if isinstance(data, gpd.GeoDataFrame) else None,
        units=unit_columns(data, data.index, id_column=id_column, values=[column, reference]),
    )
