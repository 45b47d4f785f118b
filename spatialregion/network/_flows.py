"""Flow lines, link-strength tiers and the flow map of a :class:`LinkageNetwork`.

Links become LineStrings between node points (straight, or quadratic Bézier arcs
bowing to the right of the direction of travel), cut into strength tiers
(第一层级 … by Fisher–Jenks natural breaks, breaks of log10 strength, quantiles or
user-defined breaks) and drawn over the units with :func:`spatialregion.maps.plot_style`,
nodes coloured by core–periphery class.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._classify import break_codes, fisher_jenks_bins, quantile_bins
from .._validation import finite_array
from ..errors import AlignmentError, InputError
from ..labels import CORE_PERIPHERY, LINK_TIERS

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    from matplotlib.axes import Axes

    from ..export import Style
    from ._graph import LinkageNetwork


# --------------------------------------------------------------------------
# kernels (pure functions on arrays)
# --------------------------------------------------------------------------
def _tiers(strength: np.ndarray, k: int, tiers: Any) -> np.ndarray:
    """Tier numbers 1 (strongest) … k from strength classes."""
    m = strength.size
    if m == 0:
        return np.zeros(0, dtype=int)
    if isinstance(tiers, str):
        if tiers not in ("fisher_jenks", "log_fisher_jenks", "quantiles"):
            raise InputError(
                f"tiers={tiers!r} is not supported; use 'fisher_jenks', 'log_fisher_jenks', 'quantiles' or a list of breaks"
            )
        if tiers == "log_fisher_jenks":
            return _tiers(np.log10(strength), k, "fisher_jenks")
        kk = min(k, np.unique(strength).size)
        if kk <= 1:
            return np.ones(m, dtype=int)
        if tiers == "fisher_jenks":
            v = np.sort(strength)
            if v.size > 3000:  # the documented rule: breaks of 3,000 evenly spaced order statistics
                v = v[np.linspace(0, v.size - 1, 3000).round().astype(int)]
            inner = fisher_jenks_bins(v, kk)[:-1]
        else:
            inner = quantile_bins(strength, kk)[:-1]
    else:
        inner = np.asarray(tiers, dtype=float)
        if inner.size != k - 1 or np.any(np.diff(inner) <= 0):
            raise InputError(f"tiers=<breaks> needs k − 1 = {k - 1} ascending inner breaks, got {list(tiers)}")
        kk = k
    cls = break_codes(strength, inner)  # 0 = weakest (x ≤ first break)
    return (kk - cls).astype(int)


def _arc_coords(p0: np.ndarray, p2: np.ndarray, curved: bool, curvature: float, n_points: int) -> np.ndarray:
    """Vertices (m, n_points or 2, 2) of the lines p0 → p2: straight, or quadratic Bézier
    arcs whose control point is ``curvature`` × length to the right of the midpoint."""
    if curved:
        d = p2 - p0
        perp = np.column_stack([d[:, 1], -d[:, 0]])  # rotate −90°: right of travel
        p1 = (p0 + p2) / 2 + curvature * perp
        tt = np.linspace(0.0, 1.0, n_points)[None, :, None]
        return (1 - tt) ** 2 * p0[:, None, :] + 2 * (1 - tt) * tt * p1[:, None, :] + tt**2 * p2[:, None, :]
    return np.stack([p0, p2], axis=1)


# --------------------------------------------------------------------------
# flow lines, styles, the flow map
# --------------------------------------------------------------------------
def flow_line_frame(
    edges: pd.DataFrame,
    points: gpd.GeoSeries,
    *,
    curved: bool,
    curvature: float,
    n_points: int,
    k: int,
    tiers: Any,
) -> gpd.GeoDataFrame:
    """``edges`` (:meth:`LinkageNetwork.edges_frame`) as lines between ``points`` (EPSG:4490,
    indexed by id) with ``length_km`` and ``tier`` (see :meth:`LinkageNetwork.flow_lines`)."""
    import geopandas as gpd
    import shapely

    from ..crs import GEOGRAPHIC

    e = edges.copy()
    if not 1 <= k <= len(LINK_TIERS):
        raise InputError(f"k={k} tiers is not supported; use 1 … {len(LINK_TIERS)}")
    xy = np.column_stack([points.x.to_numpy(), points.y.to_numpy()])
    pos = {i: p for p, i in enumerate(points.index)}
    s = np.array([pos[u] for u in e["source"]], dtype=int)
    t = np.array([pos[v] for v in e["target"]], dtype=int)
    p0, p2 = xy[s], xy[t]
    coords = _arc_coords(p0, p2, curved, curvature, n_points)
    lines = shapely.linestrings(coords) if len(e) else np.array([], dtype=object)
    if len(e):
        from ..weights import distance_matrix_km

        e["length_km"] = distance_matrix_km(xy)[s, t]  # GRS80 geodesic km between the node points
    else:
        e["length_km"] = []
    e["tier"] = _tiers(e["strength"].to_numpy(), k, tiers)
    return gpd.GeoDataFrame(e, geometry=lines, crs=GEOGRAPHIC)


#: above this many links the flow map shows each unit's strongest link by default
MAX_DRAWN_LINKS = 100


def link_style(k: int, title: str = "联系强度 Link strength") -> Style:
    """Links: colour and width by tier (tier 1 = strongest = widest)."""
    from .. import export

    tiers = LINK_TIERS[:k]
    return export.label_style(
        "tier",
        tiers,
        values=list(range(1, k + 1)),
        title=title,
        geometry="line",
        sizes=list(np.linspace(2.0, 0.3, k)) if k > 1 else [1.0],
    )


def strongest_links(lines: gpd.GeoDataFrame, top: int | str | None) -> tuple[gpd.GeoDataFrame, str]:
    """The links a flow map draws and the note for its legend title.

    Parameters
    ----------
    lines : GeoDataFrame
        :meth:`LinkageNetwork.flow_lines` (strongest first, with ``source``/``target``).
    top : None, int or "all"
        None: every link when there are at most :data:`MAX_DRAWN_LINKS`, else each unit's
        strongest outgoing link (首位联系, Nystuen & Dacey 1961's dominant flow); an int: the ``top`` strongest links; ``"all"``: every link.

    Returns
    -------
    (GeoDataFrame, str)
        The links kept (strongest first) and the legend note, e.g.
        ``"每单元最强联系\\nstrongest link per unit\\n(370 of 11,415 links)"``.
    """
    m = len(lines)
    if isinstance(top, str):
        if top != "all":
            raise InputError(f"top={top!r} is not supported; use None (default), an integer or 'all'")
        return lines, f"全部 {m:,} 条联系 all {m:,} links"
    if top is not None:
        if not isinstance(top, (int, np.integer)) or top < 1:
            raise InputError(f"top must be a positive integer, None or 'all', got {top!r}")
        kept = lines.head(int(top))
        return kept, f"最强 {len(kept):,} 条 strongest {len(kept):,}\n(of {m:,} links)"
    if m <= MAX_DRAWN_LINKS:
        return lines, f"全部 {m:,} 条联系 all {m:,} links"
    order = lines["strength"].to_numpy().argsort(kind="stable")[::-1]
    ranked = lines.iloc[order]
    keep = ~ranked["source"].duplicated().to_numpy()  # strongest link leaving each unit
    kept = ranked[keep].sort_values("strength", ascending=False, kind="stable")
    return kept, f"每单元最强联系\nstrongest link per unit\n({len(kept):,} of {m:,} links)"


def draw_flow_map(
    net: LinkageNetwork,
    ax: Axes | None,
    *,
    top: int | None,
    curved: bool,
    k: int,
    tiers: Any,
    node_size: str | Sequence[float],
    labels: bool | int | str,
    title: str | None,
    node_legend: bool,
    node_legend_loc: str,
    **kwargs: Any,
) -> Axes:
    """The flow map of ``net`` (see :meth:`LinkageNetwork.plot`)."""
    import geopandas as gpd

    from .. import maps

    lines = net.flow_lines(curved=curved, k=k, tiers=tiers)
    if lines.empty:
        raise InputError("the network has no links to map; lower the threshold")
    lines, note = strongest_links(lines, top)
    nodes = net.to_frame()
    if isinstance(node_size, str):
        if node_size not in nodes.columns:
            raise InputError(f"node_size={node_size!r} is not a node column; use one of {list(nodes.columns)}")
        size = nodes[node_size].to_numpy(dtype=float)
    else:
        size = finite_array(node_size, "node_size")
        if size.size != len(nodes):
            raise AlignmentError(f"node_size has {size.size} values for {len(nodes)} nodes")
    base = None
    if net.geometry is not None:
        base = gpd.GeoDataFrame(geometry=net.geometry.to_numpy(), crs=net.geometry.crs)
    style = link_style(k, title=f"联系强度 Link strength\n{note}")
    ax = maps.plot_style(lines, style, ax=ax, title=title, base=base, **kwargs)
    map_crs = maps.map_crs(lines)  # the CRS plot_style drew in
    proj = nodes.to_crs(map_crs)
    span = np.ptp(size) or 1.0
    sizes = 12 + 150 * (size - size.min()) / span
    colors = {lab.key: lab.color for lab in CORE_PERIPHERY}
    cls = proj["cp_class"] if "cp_class" in proj.columns else pd.Series("periphery", index=proj.index)
    xlim, ylim = ax.get_xlim(), ax.get_ylim()
    ax.scatter(proj.geometry.x, proj.geometry.y, s=sizes, c=[colors[c] for c in cls],
               edgecolor="#232323", linewidth=0.4, zorder=20)
    label_column = "label"
    if isinstance(labels, str):  # a node column to label with, e.g. "name_short"
        if labels not in proj.columns:
            raise InputError(f"labels={labels!r} is not a node column; use one of {list(proj.columns)}")
        label_column, labels = labels, True
    n_lab = len(proj) if (labels is True and len(proj) <= 40) else (15 if labels is True else int(labels))
    if n_lab:
        # the n_lab largest nodes, largest first, beside their marker; colliding labels are left out
        pick = np.argsort(-size, kind="stable")[:n_lab]
        xy = np.column_stack([proj.geometry.x.to_numpy()[pick], proj.geometry.y.to_numpy()[pick]])
        maps.place_labels(ax, xy, [str(v) for v in proj[label_column].to_numpy()[pick]], priority=size[pick],
                          fontsize=7, zorder=21, offset_pt=(0.0, 7.0), gid="node_label")
    if node_legend:
        from matplotlib.legend import Legend
        from matplotlib.lines import Line2D

        handles = [Line2D([], [], marker="o", linestyle="", markersize=7, markerfacecolor=lab.color,
                          markeredgecolor="#232323", label=f"{lab.zh} {lab.en}") for lab in CORE_PERIPHERY]
        leg = Legend(ax, handles, [h.get_label() for h in handles], loc="upper right", fontsize=8,
                     title="核心–边缘 Core–periphery", title_fontsize=8, frameon=True, fancybox=False,
                     framealpha=0.85, facecolor="white", edgecolor="#bdbdbd")
        leg.get_frame().set_linewidth(0.5)
        leg.set_zorder(20)
        ax.add_artist(leg)
        maps.place_legend(ax, leg, node_legend_loc)
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    return ax
