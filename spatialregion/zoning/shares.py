"""Zone area shares per administrative unit and the dominant function of each unit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .. import labels as _labels
from .._validation import check_choice
from ..errors import InputError
from ..results import Summary, SummaryTable, UnitResult
from . import _layers as L

__all__ = ["ShareResult", "DominantResult", "overlay_shares", "dominant_function", "class_style"]

_FALLBACK_COLORS = (
    "#8dd3c7", "#bebada", "#fb8072", "#80b1d3", "#fdb462", "#b3de69",
    "#fccde5", "#bc80bd", "#ccebc5", "#ffed6f", "#d9d9d9", "#1f78b4",
)  # fmt: skip


def class_style(classes: Sequence[Any]) -> tuple[list[str], list[str]]:
    """Colours and legend labels of zone classes (``labels.ZONES`` for known keys)."""
    known = {lab.key: lab for lab in _labels.ZONES}
    colors, names = [], []
    k = 0
    for c in classes:
        lab = known.get(str(c))
        if lab is not None:
            colors.append(lab.color)
            names.append(f"{lab.zh} {lab.en}")
        else:
            colors.append(_FALLBACK_COLORS[k % len(_FALLBACK_COLORS)])
            names.append(str(c))
            k += 1
    return colors, names


@dataclass(frozen=True, eq=False)
class ShareResult(UnitResult):
    r"""Area of each zone class inside each unit (:func:`overlay_shares`).

    :math:`s_{uc} = |u \cap Z_c| / |u|`; the shares of a unit (with ``unzoned``) sum to 1.

    Attributes
    ----------
    table : DataFrame
        One row per unit (index = unit ids): ``unit_km2``; per class ``<class>_km2``
        and ``<class>_share`` (share of the unit's area); ``unzoned_km2`` and
        ``unzoned_share``.  Shares of a unit sum to 1.
    pieces : GeoDataFrame
        Long table of unit × zone pieces: ``unit``, ``zone`` (class), ``zone_row``
        (row label in the zone layer), ``area_km2``, geometry in the working CRS.
    overlaps : GeoDataFrame
        Overlaps found inside the zone layer: ``zone_row_a``, ``zone_row_b``,
        ``class_a``, ``class_b``, ``kept`` (class that keeps the area), ``area_km2``.
    classes : tuple
        Zone classes in priority order (the order used to resolve overlaps).
    zone_column : str
        The zone class column of the zone layer.
    overlap_rule, engine, crs, repaired_units, repaired_zones, reprojected
        Settings and what was repaired or reprojected.

    References
    ----------
    Ministry of Natural Resources of China (2019), 《关于在国土空间规划中统筹划定落实三条控制线的指导意见》.
    """

    table: pd.DataFrame
    pieces: Any
    overlaps: Any
    classes: tuple
    zone_column: str
    overlap_rule: str = "priority"
    engine: str = "geopandas"
    crs: str = L.ALBERS
    repaired_units: int = 0
    repaired_zones: int = 0
    reprojected: bool = False

    def shares(self) -> pd.DataFrame:
        """The share columns only (classes and ``unzoned``), each row summing to 1.

        Returns
        -------
        DataFrame
        """
        cols = [f"{c}_share" for c in self.classes] + ["unzoned_share"]
        return self.table[cols]

    def to_frame(self) -> pd.DataFrame:
        """Per unit: ids and names first, then areas, shares and the largest class (``dominant``).

        Returns
        -------
        DataFrame or GeoDataFrame
            Indexed by unit id, with the unit polygons.
        """
        frame = self.table.copy()
        sh = self.shares().to_numpy()
        keys = list(self.classes) + ["unzoned"]
        frame["dominant"] = [keys[i] for i in sh.argmax(axis=1)]
        return self._unit_frame(frame)

    def summary(self) -> Summary:
        """Total area by zone and the shares of every unit.

        Returns
        -------
        Summary
        """
        t = self.table
        keys = list(self.classes) + ["unzoned"]
        total = t["unit_km2"].sum()
        totals = pd.DataFrame(
            {
                "area_km2": [t[f"{c}_km2"].sum() for c in keys],
                "share": [t[f"{c}_km2"].sum() / total for c in keys],
                "units_present": [int((t[f"{c}_km2"] > 0).sum()) for c in keys],
            },
            index=pd.Index([str(c) for c in keys], name="zone"),
        )
        notes = [
            f"Areas in {self.crs} (equal-area); shares are of each unit's area; engine={self.engine}.",
            _overlap_note(self.overlaps, self.overlap_rule),
        ]
        if self.reprojected:
            notes.append("Units and/or zones were reprojected to the working CRS before the overlay.")
        if self.repaired_units or self.repaired_zones:
            notes.append(
                f"Invalid geometries repaired with shapely.make_valid: {self.repaired_units} unit(s), "
                f"{self.repaired_zones} zone polygon(s)."
            )
        return Summary(
            f"Zone shares by unit ({self.zone_column})",
            (
                SummaryTable("Total area by zone", totals, "{:.4f}"),
                SummaryTable("Zone shares by unit", self.shares(), "{:.4f}"),
            ),
            tuple(notes),
        )

    def _style(self):
        from .. import export

        keys = list(self.classes) + ["unzoned"]
        colors, names = class_style(keys)
        return export.categorized("dominant", keys, colors, names, title="主导分区 Dominant zone")

    def pieces_style(self):
        """QGIS/map style of :attr:`pieces` (categorized by zone class, ``labels.ZONES`` colours).

        Returns
        -------
        Style
        """
        from .. import export

        colors, names = class_style(self.classes)
        return export.categorized("zone", list(self.classes), colors, names, title="分区 Zone")

    def plot(self, ax: Any = None, column: str | None = None, **kwargs: Any):
        """Map the dominant zone (default) or one share column, e.g. ``column="urban_share"``.

        Parameters
        ----------
        ax : matplotlib Axes, optional
            Axes to draw on.
        column : str, optional
            A column of :attr:`table` to map instead of the dominant zone.
        **kwargs
            Passed to the map function (``title=``, ``labels="name_short"``, ...).

        Returns
        -------
        matplotlib Axes
        """
        if column is None:
            return super().plot(ax=ax, **kwargs)
        from .. import maps

        if column not in self.table.columns:
            raise InputError(f"column={column!r} is not in the share table; use one of {list(self.table.columns)}")
        return maps.choropleth(self._geo_frame(), column, ax=ax, **kwargs)


def _overlap_note(overlaps: Any, rule: str) -> str:
    if overlaps is None or len(overlaps) == 0:
        return "No overlaps between zone polygons."
    return (
        f"{len(overlaps)} overlap(s) between zone polygons, {overlaps['area_km2'].sum():.4f} km2 in all; "
        f"rule '{rule}': each overlap counted once, for the higher-priority class (see .overlaps)."
    )


def _prepare_zones(zones: Any, zone_column: str, crs: Any, priority: Sequence[Any] | None, overlaps: str, name: str):
    """Validate, project, repair and de-overlap a zone layer; returns what the overlay needs."""
    import geopandas as gpd

    if not isinstance(zones, gpd.GeoDataFrame):
        raise InputError(f"{name} must be a GeoDataFrame, got {type(zones).__name__}")
    if zone_column not in zones.columns:
        raise InputError(f"zone_column={zone_column!r} is not a column of {name}; available: {list(zones.columns)[:20]}")
    layer = L.prepare_layer(zones, name, crs)
    order, codes = L.class_order(zones[zone_column], zone_column, priority)
    geoms, ov, ov_geom = L.resolve_overlaps(layer.geoms, codes, overlaps)
    rows = layer.index
    ov_frame = gpd.GeoDataFrame(
        {
            "zone_row_a": rows[ov["a"].to_numpy()],
            "zone_row_b": rows[ov["b"].to_numpy()],
            "class_a": [order[c] for c in codes[ov["a"].to_numpy()]],
            "class_b": [order[c] for c in codes[ov["b"].to_numpy()]],
            "kept": [order[c] for c in codes[ov["winner"].to_numpy()]],
            "area_km2": ov["area"].to_numpy() / 1e6,
        },
        geometry=list(ov_geom),
        crs=crs,
    )
    return layer, order, codes, geoms, ov_frame


def _share_table(ids: pd.Index, unit_area: np.ndarray, ui: np.ndarray, cls: np.ndarray, area: np.ndarray, order: list) -> pd.DataFrame:
    n, k = len(ids), len(order)
    km2 = np.bincount(ui * k + cls, weights=area, minlength=n * k).reshape(n, k) / 1e6
    unit_km2 = unit_area / 1e6
    unzoned = unit_km2 - km2.sum(axis=1)
    # pieces lie inside their unit, so ``unzoned`` is >= 0 up to rounding
    unzoned = np.where(np.abs(unzoned) <= 1e-9 * unit_km2, np.maximum(unzoned, 0.0), unzoned)
    data: dict[str, Any] = {"unit_km2": unit_km2}
    for j, c in enumerate(order):
        data[f"{c}_km2"] = km2[:, j]
    data["unzoned_km2"] = unzoned
    for j, c in enumerate(order):
        data[f"{c}_share"] = km2[:, j] / unit_km2
    data["unzoned_share"] = unzoned / unit_km2
    return pd.DataFrame(data, index=ids)


def overlay_shares(
    data: Any,
    zones: Any,
    *,
    zone_column: str,
    id_column: str | None = None,
    overlaps: str = "priority",
    priority: Sequence[Any] | None = None,
    engine: str = "geopandas",
    npartitions: int | None = None,
    scheduler: Any = None,
    rect_clip: bool = True,
    crs: Any = None,
) -> ShareResult:
    r"""Area and share of each zone class inside each unit.

    For unit :math:`u` with area :math:`A_u` and zone class :math:`c`,

    .. math:: a_{uc} = |u \cap Z_c|, \qquad s_{uc} = a_{uc} / A_u, \qquad
              s_{u,\mathrm{unzoned}} = 1 - \textstyle\sum_c s_{uc},

    where :math:`Z_c` is the union of the zone polygons of class :math:`c` after
    overlaps are resolved, so no area is counted twice and the shares of every unit
    sum to 1.  Areas are planar areas in an equal-area CRS (China Albers,
    ``+proj=aea +lat_1=25 +lat_2=47 +lat_0=0 +lon_0=105 +ellps=GRS80``, unless ``crs``
    is given), in km².  The numbers equal ``geopandas.overlay(units, zones,
    how="intersection")`` in that CRS (tested to 1e-6 relative area) when the zones do
    not overlap.

    Parameters
    ----------
    data : GeoDataFrame
        The administrative units (polygons, any CRS).
    zones : GeoDataFrame
        Zone polygons (any CRS; both layers are reprojected to the working CRS, which is
        not an error for an overlay).
    zone_column : str
        Column of ``zones`` holding the class (e.g. ``urban``/``agricultural``/``ecological``).
    id_column : str, optional
        Column of ``units`` with unique ids; default the index.
    overlaps : {"priority", "raise"}
        What to do where zone polygons overlap.  ``"priority"`` (default): the overlap
        belongs to the class listed first in ``priority`` (same class: the earlier row),
        every overlap is reported in :attr:`ShareResult.overlaps`; ``"raise"``: raise
        :class:`~spatialregion.errors.GeometryError`.
    priority : sequence, optional
        Zone classes, highest priority first.  Default: protection before development
        (``eco_redline``, ``farmland``, ``urban_boundary``, ``ecological``,
        ``agricultural``, ``urban``, then main-function zones from ``prohibited`` to
        ``optimized``; other classes after them in sorted order).
    engine : {"geopandas", "dask"}
        ``"dask"`` partitions the units with dask-geopandas and runs one task per
        partition; same numbers.  On a cluster, create the client first
        (``from dask.distributed import Client; Client("tcp://scheduler:8786")``) and
        call with ``engine="dask"``: the client becomes dask's default scheduler (or
        pass ``scheduler=client``).
    npartitions : int, optional
        Number of unit partitions for ``engine="dask"`` (default: one per 32 units).
    scheduler : optional
        Passed to ``dask.compute`` (e.g. ``"threads"``, ``"processes"``, a Client).
    rect_clip : bool
        Use rectangle clipping for zone polygons that are axis-aligned rectangles in
        the working CRS (regular grids, rasterised zones); same result, ~10× faster.
    crs : optional
        Projected equal-area working CRS (default China Albers).

    Returns
    -------
    ShareResult
        Areas and shares per unit, with the units' ids and names.

    Notes
    -----
    Invalid geometries are repaired with ``shapely.make_valid`` (a warning says how
    many; the counts are stored in the result).  A unit that no zone reaches gets
    ``unzoned_share = 1``.  Missing CRS on either layer raises
    :class:`~spatialregion.errors.CRSError`.

    References
    ----------
    Ministry of Natural Resources of China (2019), 《关于在国土空间规划中统筹划定落实三条控制线的指导意见》.
    geopandas ``overlay`` (the peer used in the tests).
    """
    import geopandas as gpd

    units = data
    check_choice("overlaps", overlaps, ("priority", "raise"))
    check_choice("engine", engine, ("geopandas", "dask"))
    wcrs = L.working_crs(crs)
    ulayer = L.prepare_layer(units, "units", wcrs)
    ids = L.unit_ids(units, id_column)
    zlayer, order, codes, zgeoms, ov_frame = _prepare_zones(zones, zone_column, wcrs, priority, overlaps, "zones")
    unit_area = _unit_areas(ulayer.geoms, ids)
    if engine == "dask":
        ui, zi, geo, area = L.pieces_dask(
            ulayer.geoms, zgeoms, wcrs, npartitions=npartitions, rect_clip=rect_clip, scheduler=scheduler
        )
    else:
        ui, zi, geo, area = L.pieces(ulayer.geoms, zgeoms, rect_clip=rect_clip)
    cls = codes[zi]
    table = _share_table(ids, unit_area, ui, cls, area, order)
    pieces = gpd.GeoDataFrame(
        {
            "unit": ids[ui],
            "zone": [order[c] for c in cls],
            "zone_row": zlayer.index[zi],
            "area_km2": area / 1e6,
        },
        geometry=list(geo),
        crs=wcrs,
    )
    return ShareResult(
        table=table,
        pieces=pieces,
        overlaps=ov_frame,
        classes=tuple(order),
        zone_column=zone_column,
        overlap_rule=overlaps,
        engine=engine,
        crs=wcrs.srs,
        repaired_units=ulayer.repaired,
        repaired_zones=zlayer.repaired,
        reprojected=ulayer.reprojected or zlayer.reprojected,
        **_unit_fields(units, ids, id_column),
    )


def _unit_fields(units: Any, ids: pd.Index, id_column: str | None) -> dict[str, Any]:
    """``units`` (id/name columns) and ``geometry`` of a per-unit zoning result, indexed by ``ids``."""
    frame, geometry = L.unit_frame(units, ids, id_column)
    return {"units": frame, "geometry": geometry}


def _unit_areas(geoms: np.ndarray, ids: pd.Index) -> np.ndarray:
    import shapely

    from ..errors import GeometryError

    area = shapely.area(geoms)
    zero = area <= 0
    if zero.any():
        from .._validation import describe_rows

        raise GeometryError(f"units have zero area in {describe_rows(ids[zero])}; shares are undefined there")
    return area


# ---------------------------------------------------------------------------------------------
# dominant function
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class DominantResult(UnitResult):
    """Dominant zone of each unit (:func:`dominant_function`).

    Attributes
    ----------
    table : DataFrame
        Per unit: ``dominant`` (a class, ``"a+b"`` for a composite unit,
        ``"mixed"`` or ``"unzoned"``), ``kind`` (``single``/``composite``/``mixed``/
        ``unzoned``), ``first``, ``first_share``, ``second``, ``second_share``.
    classes : tuple
        Classes considered, in tie-break order.
    threshold, margin, basis
        The rule's settings (see :func:`dominant_function`).
    """

    table: pd.DataFrame
    classes: tuple
    threshold: float = 0.5
    margin: float = 0.0
    basis: str = "unit"

    def to_frame(self) -> pd.DataFrame:
        """Per unit: ids and names first, then the dominant function and the two largest shares.

        Returns
        -------
        DataFrame or GeoDataFrame
        """
        return self._unit_frame(self.table.copy())

    def summary(self) -> Summary:
        """Units by dominant function and the per-unit table.

        Returns
        -------
        Summary
        """
        counts = self.table.groupby(["kind", "dominant"]).size().rename("units").to_frame()
        return Summary(
            "Dominant function by unit",
            (SummaryTable("Units by dominant function", counts, "{:.0f}"), SummaryTable("Per unit", self.table)),
            (
                f"Rule: the largest share s1 (basis '{self.basis}') is dominant when s1 >= {self.threshold} and "
                f"s1 - s2 > {self.margin}; otherwise 'a+b' (composite) when s1 + s2 >= {self.threshold}; "
                "otherwise 'mixed'. Ties in share go to the class earlier in the class order.",
            ),
        )

    def _style(self):
        from .. import export

        values = list(pd.unique(self.table["dominant"]))
        order = [c for c in self.classes if c in values] + sorted(v for v in values if v not in self.classes)
        colors, names = class_style(order)
        colors = [("#bdbdbd" if v == "mixed" else "#999999" if "+" in str(v) else col) for v, col in zip(order, colors)]
        return export.categorized("dominant", order, colors, names, title="主导功能 Dominant function")


def dominant_function(
    data: ShareResult | pd.DataFrame,
    *,
    threshold: float = 0.5,
    margin: float = 0.0,
    basis: str = "unit",
    classes: Sequence[Any] | None = None,
) -> DominantResult:
    r"""Classify each unit by its zone shares.

    Rules (documented choice; Chinese planning studies call a unit "X-dominated"
    when one space holds the majority of its land):

    1. Rank the class shares of the unit, :math:`s_1 \ge s_2 \ge \dots` (``unzoned`` is
       not a class; ties are broken by the class order, i.e. the priority order).
    2. **single**: :math:`s_1 \ge` ``threshold`` and :math:`s_1 - s_2 >` ``margin`` →
       the first class.
    3. **composite**: otherwise, when :math:`s_1 + s_2 \ge` ``threshold`` →
       ``"first+second"``.
    4. **mixed**: otherwise; **unzoned**: a unit with no zoned area.

    Parameters
    ----------
    data : ShareResult or DataFrame
        The result of :func:`overlay_shares`, or a frame with ``<class>_share`` columns.
    threshold : float
        Share needed for a single dominant class (default 0.5, a majority).
    margin : float
        Minimum lead of the first over the second class (default 0: any lead).
    basis : {"unit", "zoned"}
        Shares of the unit's area (default) or of its zoned area (unzoned land removed).
    classes : sequence, optional
        Classes to consider, in tie-break order (default: all classes of ``data``).

    Returns
    -------
    DominantResult
        The dominant function of every unit.
    """
    shares = data
    check_choice("basis", basis, ("unit", "zoned"))
    if not 0 < threshold <= 1:
        raise InputError(f"threshold={threshold} must lie in (0, 1]")
    if margin < 0:
        raise InputError(f"margin={margin} must be >= 0")
    geometry = units = None
    if isinstance(shares, ShareResult):
        frame = shares.table
        default = list(shares.classes)
        geometry, units = shares.geometry, shares.units
    elif isinstance(shares, pd.DataFrame):
        frame = shares
        default = [c[: -len("_share")] for c in frame.columns if str(c).endswith("_share") and c != "unzoned_share"]
    else:
        raise InputError(f"shares must be a ShareResult or a DataFrame of '<class>_share' columns, got {type(shares).__name__}")
    cls = list(default if classes is None else classes)
    missing = [c for c in cls if f"{c}_share" not in frame.columns]
    if missing or not cls:
        raise InputError(f"no '<class>_share' column for classes {missing or cls}; columns: {list(frame.columns)[:20]}")
    from .._validation import finite_array

    s = finite_array(frame[[f"{c}_share" for c in cls]].to_numpy(dtype=float), "shares", frame.index, ndim=2)
    zoned = s.sum(axis=1)
    if basis == "zoned":
        s = np.divide(s, zoned[:, None], out=np.zeros_like(s), where=zoned[:, None] > 0)
    order = np.argsort(-s, axis=1, kind="stable")
    rows = np.arange(len(s))
    i1 = order[:, 0]
    i2 = order[:, 1] if len(cls) > 1 else order[:, 0]
    s1 = s[rows, i1]
    s2 = s[rows, i2] if len(cls) > 1 else np.zeros(len(s))
    dom, kind = [], []
    for r in range(len(s)):
        a, b = cls[i1[r]], cls[i2[r]]
        if zoned[r] <= 0:
            dom.append("unzoned"), kind.append("unzoned")
        elif s1[r] >= threshold and s1[r] - s2[r] > margin:
            dom.append(a), kind.append("single")
        elif len(cls) > 1 and s1[r] + s2[r] >= threshold:
            dom.append(f"{a}+{b}"), kind.append("composite")
        else:
            dom.append("mixed"), kind.append("mixed")
    table = pd.DataFrame(
        {
            "dominant": dom,
            "kind": kind,
            "first": [cls[i] for i in i1],
            "first_share": s1,
            "second": [cls[i] for i in i2] if len(cls) > 1 else [None] * len(s),
            "second_share": s2,
        },
        index=frame.index,
    )
    return DominantResult(table=table, classes=tuple(cls), threshold=threshold, margin=margin, basis=basis,
                          geometry=geometry, units=units)
