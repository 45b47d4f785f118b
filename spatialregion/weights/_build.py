""":func:`build`, the one entry point from a GeoDataFrame to a :class:`libpysal.graph.Graph`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd
from libpysal.graph import Graph

from .._validation import check_choice, check_crs, check_polygons, column_values, describe_rows
from ..errors import InputError, IslandError
from ._contiguity import contiguity_pairs
from ._distance import _id_rank, _inverse_distance, _knn, _nearest_points, _Space, _space, _within
from ._islands import _add_links, _isolated, _nearest_polygons
from ._points import _ids, _labels
from ._report import _REPORT_ATTR, WeightsReport


METHODS = ("queen", "rook", "knn", "distance_band", "inverse_distance", "economic")


Method = Literal["queen", "rook", "knn", "distance_band", "inverse_distance", "economic"]
IslandPolicy = Literal["nearest", "keep", "raise"]


def _graph_from_pairs(ids: pd.Index, i: np.ndarray, j: np.ndarray, w: np.ndarray | None = None) -> Graph:
    """Graph over ``ids`` (in that order) from integer position pairs; isolates kept as zero self-loops."""
    n = len(ids)
    w = np.ones(len(i)) if w is None else np.asarray(w, dtype=float)
    has = np.zeros(n, dtype=bool)
    has[i] = True
    iso = np.nonzero(~has)[0]
    fi = np.concatenate([i, iso])
    fj = np.concatenate([j, iso])
    fw = np.concatenate([w, np.zeros(len(iso))])
    order = np.lexsort((fj, fi))
    idx = pd.MultiIndex.from_arrays([ids[fi[order]], ids[fj[order]]], names=["focal", "neighbor"])
    return Graph(pd.Series(fw[order], index=idx, name="weight"), is_sorted=False)


# --------------------------------------------------------------------------- public
def build(
    data: Any,
    method: Method = "queen",
    *,
    k_neighbours: int = 4,
    threshold_km: float | None = None,
    power: float = 1.0,
    column: str | Sequence[str] | None = None,
    base: Literal["inverse_distance", "queen", "rook", "distance_band"] = "inverse_distance",
    points: Literal["centroid", "representative"] = "centroid",
    islands: IslandPolicy = "nearest",
    island_k: int = 1,
    id_column: str | None = None,
) -> Graph:
    """Build spatial weights over the units of ``data``.

    Parameters
    ----------
    data : GeoDataFrame
        Units with a CRS.  Contiguity needs (Multi)Polygons; distance methods
        accept polygons (their ``points``) or points.  Geographic CRS:
        ellipsoidal geodesic km (GRS80); projected CRS: planar km in that CRS.
    method : {"queen", "rook", "knn", "distance_band", "inverse_distance", "economic"}
        See the module docstring for each w_ij.
    k_neighbours : int
        Number of neighbours for ``"knn"`` (ties at the k-th distance broken
        by id and counted in the report as ``knn_ties``).
    threshold_km : float, optional
        Band in kilometres for ``"distance_band"`` (required) and optional
        cut-off for ``"inverse_distance"`` / ``"economic"``: w_ij = 0 when
        d_ij > threshold_km.  A band linking no pair or every pair raises
        (a threshold given in degrees or metres).
    power : float
        Distance decay exponent for ``"inverse_distance"``: w_ij = d_ij^(−power)
        (power = 2 gives the gravity form).
    column : str or list of str
        For ``"economic"``: the economic variable; a list of columns (a wide
        panel) is averaged per unit first, x̄_i = mean_t x_it, as most papers do.
    base : {"inverse_distance", "queen", "rook", "distance_band"}
        Geographic weight g_ij multiplied with 1/|x̄_i − x̄_j| for ``"economic"``
        (inverse distance uses ``power``).
    points : {"centroid", "representative"}
        Unit point used for distances (see :func:`unit_points`).
    islands : {"nearest", "keep", "raise"}
        Policy for units without neighbours (see module docstring).
    island_k : int
        Number of nearest units each island is linked to.
    id_column : str, optional
        Column of unit ids; default the GeoDataFrame index.

    Returns
    -------
    libpysal.graph.Graph
        Untransformed ("O") weights with ``unique_ids`` in the row order of
        ``data``.  :func:`report` gives how it was built.

    Raises
    ------
    InputError, CRSError, GeometryError, IslandError, DuplicateIdError
    """
    gdf = data
    check_choice("method", method, METHODS)
    check_choice("islands", islands, ("nearest", "keep", "raise"))
    if not hasattr(gdf, "geometry"):
        raise InputError("data must be a GeoDataFrame (units with geometry and a CRS)")
    if not isinstance(island_k, (int, np.integer)) or island_k < 1:
        raise InputError(f"island_k must be a positive integer, got {island_k!r}")
    ids = _ids(gdf, id_column)
    n = len(ids)
    if n < 2:
        raise InputError(f"weights need at least 2 units, got {n}")
    params: dict[str, Any] = {}
    geo = method
    if method == "economic":
        check_choice("base", base, ("inverse_distance", "queen", "rook", "distance_band"))
        if column is None:
            raise InputError("method='economic' needs column= (the economic variable, or a list of panel columns to average)")
        params.update(column=column, base=base)
        geo = base
    rank = _id_rank(ids)
    i, j, w, space = _geographic(gdf, geo, k_neighbours, threshold_km, power, points, params, rank)
    distance = space.text if space is not None else ""

    isolated = _isolated(n, i)
    names = _labels(gdf, ids) if len(isolated) else []
    links: dict[int, np.ndarray] = {}
    if len(isolated):
        if islands == "raise":
            raise IslandError(
                f"{method} weights leave {describe_rows([names[s] for s in isolated])} without neighbours; "
                "use islands='nearest' to link them to their nearest units or islands='keep'"
            )
        if islands == "nearest":
            k_link = min(island_k, n - 1)
            link_w = None
            if space is None:
                links = _nearest_polygons(gdf, isolated, k_link, rank)
                distance = (distance + "; " if distance else "") + (
                    "islands linked by boundary distance in "
                    + (f"EPSG:{gdf.crs.to_epsg()}" if gdf.crs.is_projected else "the equal-area CRS")
                )
            else:
                nb, nd, _ = _nearest_points(space, isolated, k_link, rank)
                links = {int(s): nb[r] for r, s in enumerate(isolated)}
                if w is not None:
                    link_w = {int(s): nd[r] ** (-power) for r, s in enumerate(isolated)}
            i, j, w = _add_links(i, j, w, links, link_w)
    if method == "economic":
        w = _economic_factor(gdf, column, ids, i, j) * (1.0 if w is None else w)
    graph = _graph_from_pairs(ids, i, j, w)
    rep = WeightsReport(
        method=method,
        n=n,
        params=params,
        island_policy=islands,
        islands=tuple(ids[s] for s in isolated),
        island_links={names[s]: tuple(names[t] for t in ts) for s, ts in links.items()},
        distance=distance,
    )
    object.__setattr__(graph, _REPORT_ATTR, rep)
    return graph


def _geographic(
    gdf: Any, method: str, k: int, threshold_km: float | None, power: float, points: str, params: dict[str, Any], rank: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, _Space | None]:
    """(i, j, w, space) of the geographic part; w None for binary weights, space None for contiguity."""
    if method in ("queen", "rook"):
        check_polygons(gdf)
        check_crs(gdf, names=["units"])
        i, j = contiguity_pairs(np.asarray(gdf.geometry), rook=method == "rook")
        return i, j, None, None
    check_choice("points", points, ("centroid", "representative"))
    space = _space(gdf, points)
    params["points"] = points
    if method == "knn":
        params["k_neighbours"] = k
        return (*_knn(space, k, rank, params), space)
    if threshold_km is not None and not (np.isfinite(threshold_km) and threshold_km > 0):
        raise InputError(f"threshold_km={threshold_km!r} must be a positive number of kilometres")
    if method == "distance_band":
        if threshold_km is None:
            raise InputError(f"method/base {method!r} needs threshold_km > 0 (kilometres)")
        params["threshold_km"] = threshold_km
        i, j, _ = _within(space, threshold_km, "distance_band")
        return i, j, None, space
    params.update(power=power, threshold_km=threshold_km)
    return (*_inverse_distance(space, power, threshold_km), space)


def _economic_factor(gdf: Any, column: Any, ids: pd.Index, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """1/|x̄_i − x̄_j| for each pair, x̄ the unit mean of the column(s)."""
    values, _ = column_values(gdf, column, name="economic variable")
    x = values.mean(axis=1) if values.ndim == 2 else values
    diff = np.abs(x[i] - x[j])
    if np.any(diff == 0):
        z = np.nonzero(diff == 0)[0][0]
        raise InputError(
            f"economic weights: units {ids[i[z]]} and {ids[j[z]]} have the same value of {column!r} "
            f"({x[i[z]]}); 1/|x_i - x_j| is infinite — use a different variable or average more periods"
        )
    return 1.0 / diff
