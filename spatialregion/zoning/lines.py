"""Conflicts between control lines (三线) and zone transitions between two dates."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import shapely

from ..errors import InputError
from ..results import Summary, SummaryTable, UnitResult
from . import _layers as L
from .shares import _prepare_zones, _unit_areas, _unit_fields, class_style

__all__ = ["ConflictResult", "ChangeResult", "conflicts", "change"]

_SHARE_BREAKS = (0.0, 1e-12, 0.01, 0.05, 0.10, 1.0)
_SHARE_LABELS = ("无冲突 none", "< 1%", "1–5%", "5–10%", "> 10%")
_SHARE_COLORS = ("#f7f7f7", "#fee0d2", "#fc9272", "#de2d26", "#a50f15")


@dataclass(frozen=True, eq=False)
class ConflictResult(UnitResult):
    """Pairwise overlaps between control lines (:func:`conflicts`).

    Attributes
    ----------
    overlaps : GeoDataFrame
        One row per overlapping pair (and unit, when units were given): ``line_a``,
        ``line_b``, ``pair`` (``"a × b"``), ``unit``, ``area_km2``; geometry in the
        working CRS.
    pairs : DataFrame
        Per pair, over the whole layers (not only inside the units): ``area_km2``,
        ``share_of_a``, ``share_of_b`` (overlap / layer area), ``units`` (number of the
        given units the overlap reaches; NaN without units).  With units, ``overlaps``
        holds only the parts inside the units.
    per_unit : DataFrame or None
        Per unit: ``unit_km2``, ``<line>_km2`` for each line, ``<a>_x_<b>_km2`` for each
        pair, ``conflict_km2`` (area of the union of all overlaps, so triple overlaps
        count once) and ``conflict_share`` (of the unit's area).
    layers : tuple of str
        The control-line layers.
    crs : str
        The working (equal-area) CRS.
    repaired : int
        Geometries repaired with make_valid.

    References
    ----------
    中共中央办公厅、国务院办公厅 (2019) 《关于在国土空间规划中统筹划定落实三条控制线的指导意见》.
    """

    overlaps: Any
    pairs: pd.DataFrame
    per_unit: pd.DataFrame | None
    layers: tuple
    crs: str = L.ALBERS
    repaired: int = 0

    def to_frame(self) -> pd.DataFrame:
        """Per unit (ids and names first, then areas of every line, pair and the conflict share);
        without units, the overlap polygons.

        Returns
        -------
        DataFrame or GeoDataFrame
        """
        if self.per_unit is None:
            return self.overlaps.copy()
        return self._unit_frame(self.per_unit.copy())

    def summary(self) -> Summary:
        """Overlaps between the lines and the units with conflicts.

        Returns
        -------
        Summary
        """
        tables = [SummaryTable("Overlaps between control lines", self.pairs)]
        if self.per_unit is not None:
            hit = self.per_unit[self.per_unit["conflict_km2"] > 0]
            tables.append(SummaryTable("Units with conflicts", hit))
        return Summary(
            "Control-line conflicts",
            tuple(tables),
            (
                f"Areas in {self.crs} (km2). Each line layer is dissolved first, so overlaps inside one layer "
                "are not conflicts. The three control lines must not overlap (MNR 2019).",
                f"{self.repaired} invalid geometr{'y' if self.repaired == 1 else 'ies'} repaired with make_valid.",
            ),
        )

    def _geo_frame(self):
        if self.per_unit is None:
            return self.overlaps.copy()
        return super()._geo_frame()

    def _style(self):
        from .. import export

        if self.per_unit is None:
            values = list(self.pairs.index)
            colors = [c for c, _ in zip(itertools.cycle(("#e41a1c", "#377eb8", "#984ea3", "#ff7f00", "#a65628")), values)]
            return export.categorized("pair", values, colors, title="控制线冲突 Control-line conflicts")
        return export.graduated(
            "conflict_share", _SHARE_BREAKS, _SHARE_COLORS, _SHARE_LABELS, title="冲突面积占比 Conflict share"
        )


def conflicts(
    data: Any,
    lines: Mapping[str, Any],
    *,
    id_column: str | None = None,
    crs: Any = None,
) -> ConflictResult:
    r"""Every pairwise overlap between control-line layers, optionally split by unit.

    Each layer :math:`k` is dissolved to :math:`D_k = \bigcup_i g_{ki}`; for each pair
    :math:`(a, b)` the conflict is :math:`D_a \cap D_b` (polygonal part only; shared
    edges have no area) with area in km² in an equal-area CRS (China Albers by
    default).  With ``units``, each conflict is cut by the units, and a per-unit table
    gives the area of every line, every pairwise conflict and of the union of all
    conflicts.

    Parameters
    ----------
    data : GeoDataFrame or None
        The units to split conflicts by (None: whole layers only).
    lines : dict of str → GeoDataFrame
        At least two polygon layers, e.g. ``{"eco_redline": ..., "farmland": ...,
        "urban_boundary": ...}`` (names are used in column names).
    id_column : str, optional
        Unique id column of the units (default the index).
    crs : optional
        Projected equal-area working CRS (default China Albers).

    Returns
    -------
    ConflictResult
        Overlaps per pair of lines and, with units, per unit.

    References
    ----------
    中共中央办公厅、国务院办公厅 (2019) 《关于在国土空间规划中统筹划定落实三条控制线的指导意见》:
    the ecological protection red line, permanent basic farmland and the urban
    development boundary must not overlap.
    """
    units = data
    if not isinstance(lines, Mapping) or len(lines) < 2:
        raise InputError("lines must be a dict of at least two {name: GeoDataFrame} control-line layers")
    bad = [k for k in lines if not isinstance(k, str) or not k]
    if bad:
        raise InputError(f"line layer names must be non-empty strings, got {bad}")
    wcrs = L.working_crs(crs)
    names = list(lines)
    dissolved, repaired = {}, 0
    for name, gdf in lines.items():
        layer = L.prepare_layer(gdf, f"lines[{name!r}]", wcrs)
        repaired += layer.repaired
        dissolved[name] = shapely.union_all(layer.geoms)
    layer_area = {k: shapely.area(v) for k, v in dissolved.items()}
    ulayer = ids = uarea = None
    if units is not None:
        ulayer = L.prepare_layer(units, "units", wcrs)
        repaired += ulayer.repaired
        ids = L.unit_ids(units, id_column)
        uarea = _unit_areas(ulayer.geoms, ids)
        shapely.prepare(ulayer.geoms)
        tree = shapely.STRtree(ulayer.geoms)

    rows, geoms, pair_rows, all_conf = [], [], [], []
    for a, b in itertools.combinations(names, 2):
        inter = L.polygonal(np.array([shapely.intersection(dissolved[a], dissolved[b])], dtype=object))[0]
        area = shapely.area(inter)
        label = f"{a} × {b}"
        n_units = np.nan
        if area > 0:
            all_conf.append(inter)
            if ulayer is None:
                rows.append({"line_a": a, "line_b": b, "pair": label, "unit": None, "area_km2": area / 1e6})
                geoms.append(inter)
            else:
                cand = tree.query(inter, predicate="intersects")
                cut = L.polygonal(shapely.intersection(ulayer.geoms[cand], inter))
                ca = shapely.area(cut)
                for u, g, ar in zip(cand[ca > 0], cut[ca > 0], ca[ca > 0]):
                    rows.append({"line_a": a, "line_b": b, "pair": label, "unit": ids[u], "area_km2": ar / 1e6})
                    geoms.append(g)
                n_units = int((ca > 0).sum())
        elif ulayer is not None:
            n_units = 0
        pair_rows.append(
            {
                "pair": label,
                "line_a": a,
                "line_b": b,
                "area_km2": area / 1e6,
                "share_of_a": area / layer_area[a] if layer_area[a] > 0 else np.nan,
                "share_of_b": area / layer_area[b] if layer_area[b] > 0 else np.nan,
                "units": n_units,
            }
        )
    import geopandas as gpd

    cols = ["line_a", "line_b", "pair", "unit", "area_km2"]
    overlaps = gpd.GeoDataFrame(pd.DataFrame(rows, columns=cols), geometry=geoms, crs=wcrs)
    pairs = pd.DataFrame(pair_rows).set_index("pair")

    per_unit = None
    if ulayer is not None:
        per_unit = pd.DataFrame({"unit_km2": uarea / 1e6}, index=ids)
        for name in names:
            ui, _, _, ar = L.pieces(ulayer.geoms, np.array([dissolved[name]], dtype=object))
            per_unit[f"{name}_km2"] = np.bincount(ui, weights=ar, minlength=len(ids)) / 1e6
        pos = {u: i for i, u in enumerate(ids)}
        for a, b in itertools.combinations(names, 2):
            sel = overlaps[(overlaps["line_a"] == a) & (overlaps["line_b"] == b)]
            col = np.zeros(len(ids))
            np.add.at(col, [pos[u] for u in sel["unit"]], sel["area_km2"].to_numpy())
            per_unit[f"{a}_x_{b}_km2"] = col
        conf = np.zeros(len(ids))
        if all_conf:
            ui, _, _, ar = L.pieces(ulayer.geoms, np.array([shapely.union_all(all_conf)], dtype=object))
            conf = np.bincount(ui, weights=ar, minlength=len(ids)) / 1e6
        per_unit["conflict_km2"] = conf
        per_unit["conflict_share"] = conf / per_unit["unit_km2"].to_numpy()
    return ConflictResult(
        overlaps=overlaps,
        pairs=pairs,
        per_unit=per_unit,
        layers=tuple(names),
        crs=wcrs.srs,
        repaired=repaired,
        **({} if units is None else _unit_fields(units, ids, id_column)),
    )


# ---------------------------------------------------------------------------------------------
# change between two zonings
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class ChangeResult(UnitResult):
    r"""Zone transitions between two dates (:func:`change`): :math:`M^{(u)}_{ij} = |u \cap Z^0_i \cap Z^1_j|`.

    Attributes
    ----------
    cube : ndarray, shape (n_units, K, K)
        ``cube[u, i, j]`` = km² of unit ``u`` in class ``classes[i]`` at t0 and
        ``classes[j]`` at t1; the last class is ``unzoned``.  ``cube[u].sum()`` equals
        the unit's area.
    classes : tuple
        Row/column classes (union of both dates in priority order, then ``unzoned``).
    ids : Index
        Unit ids (first axis of ``cube``).
    zone_column : str
        The zone class column.
    crs : str
        The working (equal-area) CRS.
    """

    cube: np.ndarray
    classes: tuple
    ids: pd.Index
    zone_column: str
    crs: str = L.ALBERS

    def matrix(self, unit: Any = None) -> pd.DataFrame:
        """Transition area matrix (km², rows = t0 class, columns = t1 class), total or one unit.

        Parameters
        ----------
        unit : optional
            A unit id (default: all units summed).

        Returns
        -------
        DataFrame
        """
        if unit is None:
            m = self.cube.sum(axis=0)
        else:
            if unit not in self.ids:
                raise InputError(f"unit {unit!r} is not one of the units ({list(self.ids)[:10]} …)")
            m = self.cube[self.ids.get_loc(unit)]
        idx = pd.Index(self.classes, name="t0 \\ t1")
        return pd.DataFrame(m, index=idx, columns=pd.Index(self.classes, name="t1"))

    def probabilities(self, unit: Any = None) -> pd.DataFrame:
        """Row-normalised :meth:`matrix`: share of each t0 class's area going to each t1 class
        (the area analogue of a Markov transition matrix; empty rows are NaN).

        Parameters
        ----------
        unit : optional
            A unit id (default: all units summed).

        Returns
        -------
        DataFrame
        """
        m = self.matrix(unit)
        tot = m.sum(axis=1)
        return m.div(tot.where(tot > 0), axis=0)

    def transitions(self) -> pd.DataFrame:
        """Long table ``unit, from, to, area_km2`` of the non-zero cells.

        Returns
        -------
        DataFrame
        """
        u, i, j = np.nonzero(self.cube)
        return pd.DataFrame(
            {
                "unit": self.ids[u],
                "from": [self.classes[k] for k in i],
                "to": [self.classes[k] for k in j],
                "area_km2": self.cube[u, i, j],
            }
        )

    def to_frame(self) -> pd.DataFrame:
        """Per unit: ids and names first, then area, stable and changed area, gain/loss/net per class.

        Returns
        -------
        DataFrame or GeoDataFrame
        """
        c = self.cube
        total = c.sum(axis=(1, 2))
        stable = np.trace(c, axis1=1, axis2=2)
        # total − stable can come out as −1e-16 km² from rounding: an area is never negative
        data: dict[str, Any] = {"unit_km2": total, "stable_km2": stable, "changed_km2": np.maximum(total - stable, 0.0)}
        data["changed_share"] = data["changed_km2"] / total
        for k, cls in enumerate(self.classes):
            gain = c[:, :, k].sum(axis=1) - c[:, k, k]
            loss = c[:, k, :].sum(axis=1) - c[:, k, k]
            data[f"{cls}_gain_km2"] = gain
            data[f"{cls}_loss_km2"] = loss
            data[f"{cls}_net_km2"] = gain - loss
        return self._unit_frame(pd.DataFrame(data, index=self.ids))

    def summary(self) -> Summary:
        """The total transition matrix in km² and its row shares.

        Returns
        -------
        Summary
        """
        return Summary(
            f"Zone transitions ({self.zone_column})",
            (
                SummaryTable("Transition area matrix, km2 (rows t0, columns t1)", self.matrix(), "{:.2f}"),
                SummaryTable("Transition shares (row-normalised)", self.probabilities()),
            ),
            (f"Areas in {self.crs}; overlaps inside each layer resolved by priority before the overlay.",),
        )

    def _style(self):
        from .. import export

        return export.graduated(
            "changed_share", _SHARE_BREAKS, _SHARE_COLORS, ("无变化 none", "< 1%", "1–5%", "5–10%", "> 10%"),
            title="分区变化占比 Changed share",
        )  # fmt: skip


def change(
    data: Any,
    before: Any,
    *,
    after: Any,
    zone_column: str,
    id_column: str | None = None,
    zone_column_after: str | None = None,
    priority: Sequence[Any] | None = None,
    crs: Any = None,
) -> ChangeResult:
    r"""Transition areas between the zone classes of two dates, per unit and in total.

    .. math:: M^{(u)}_{ij} = |u \cap Z^{0}_i \cap Z^{1}_j| \quad (\mathrm{km}^2)

    with :math:`Z^t_c` the union of class-:math:`c` polygons at date :math:`t` after
    overlaps are resolved by ``priority`` (see :func:`overlay_shares`).  Land that
    is unzoned at either date enters as class ``unzoned``; the row for unzoned land and
    the ``unzoned`` column are obtained from the unit and class areas, so each
    :math:`M^{(u)}` sums exactly to the unit's area.  Row-normalising gives the area
    analogue of a Markov transition matrix (:meth:`ChangeResult.probabilities`).

    Parameters
    ----------
    data : GeoDataFrame
        The units.
    before, after : GeoDataFrame
        The zonings at the first and the second date.
    zone_column : str
        The zone class column of ``before`` (and of ``after`` unless ``zone_column_after``).
    id_column : str, optional
        Unique id column of the units (default the index).
    zone_column_after : str, optional
        The zone class column of ``after`` when it differs.
    priority : sequence, optional
        Class priority for overlaps inside a layer (see :func:`overlay_shares`).
    crs : optional
        Projected equal-area working CRS (default China Albers).

    Returns
    -------
    ChangeResult
        The transition cube and per-unit changes.
    """
    import geopandas as gpd

    units, zones_t0, zones_t1 = data, before, after
    wcrs = L.working_crs(crs)
    col1 = zone_column_after or zone_column
    ulayer = L.prepare_layer(units, "units", wcrs)
    ids = L.unit_ids(units, id_column)
    for z, c, n in ((zones_t0, zone_column, "before"), (zones_t1, col1, "after")):
        if not isinstance(z, gpd.GeoDataFrame) or c not in z.columns:
            raise InputError(f"{n} must be a GeoDataFrame with the zone column {c!r}")
    both = pd.concat([zones_t0[zone_column], zones_t1[col1]], ignore_index=True)
    order, _ = L.class_order(both.rename(zone_column), zone_column, priority)
    _, o0, c0, g0, _ = _prepare_zones(zones_t0, zone_column, wcrs, order, "priority", "zones_t0")
    _, o1, c1, g1, _ = _prepare_zones(zones_t1, col1, wcrs, order, "priority", "zones_t1")
    # each layer's codes index the classes present in it; map them to ``order``
    map0 = np.array([order.index(c) for c in o0])
    map1 = np.array([order.index(c) for c in o1])
    uarea = _unit_areas(ulayer.geoms, ids) / 1e6
    k = len(order)
    n = len(ids)
    ui0, zi0, p0, a0 = L.pieces(ulayer.geoms, g0)
    ui1, zi1, _, a1 = L.pieces(ulayer.geoms, g1)
    cls0 = map0[c0[zi0]]
    cls1 = map1[c1[zi1]]
    A0 = np.bincount(ui0 * k + cls0, weights=a0, minlength=n * k).reshape(n, k) / 1e6
    A1 = np.bincount(ui1 * k + cls1, weights=a1, minlength=n * k).reshape(n, k) / 1e6
    pp, zz, _, a01 = L.pieces(p0, g1)  # t0 pieces (inside units) × t1 zones
    cube = np.zeros((n, k + 1, k + 1))
    np.add.at(cube, (ui0[pp], cls0[pp], map1[c1[zz]]), a01 / 1e6)
    cube[:, :k, k] = A0 - cube[:, :k, :k].sum(axis=2)  # zoned at t0, unzoned at t1
    cube[:, k, :k] = A1 - cube[:, :k, :k].sum(axis=1)  # unzoned at t0, zoned at t1
    cube[:, k, k] = uarea - cube.sum(axis=(1, 2))  # unzoned at both dates
    cube[np.abs(cube) <= 1e-9 * uarea[:, None, None]] = 0.0
    return ChangeResult(
        cube=cube,
        classes=(*order, "unzoned"),
        ids=ids,
        zone_column=zone_column,
        crs=wcrs.srs,
        **_unit_fields(units, ids, id_column),
    )
