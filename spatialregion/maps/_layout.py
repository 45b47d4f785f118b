"""Placement of the map furniture so that it never hides data.

Every map registers the polygons it draws (:func:`register`); the inset is put in the lower
right and the map widened until the inset's box meets no polygon (:func:`inset_bounds`); the
legend, the scale bar and the north arrow are each put in the candidate position whose box
overlaps the drawn polygons least — measured as the share of the box's own area, in display
coordinates, never on top of furniture placed before — and outside the axes when no
candidate is free (:func:`place`).  All furniture is standard matplotlib: a ``Legend``, inset
axes and ``AnchoredOffsetbox`` es with gids ``north_arrow`` and ``scale_bar``.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.transforms import Bbox

#: largest share of a decoration's box that may lie over drawn polygons before it moves outside
FREE_SHARE = 0.01
LEGEND_LOCS = ("lower left", "upper left", "upper right", "lower right", "center left", "center right",
               "lower center", "upper center")
SCALE_BAR_LOCS = ("lower left", "lower center", "lower right", "upper left", "upper right", "center left",
                  "center right", "upper center")
NORTH_ARROW_LOCS = ("upper left", "upper right", "lower left", "lower right", "center left", "center right",
                    "upper center", "lower center")


@dataclass
class _State:
    geoms: list[Any] = field(default_factory=list)  # drawn polygons, data coordinates
    taken: list[Any] = field(default_factory=list)  # placed furniture, Bbox in axes fraction
    tree: Any = None


_STATE: weakref.WeakKeyDictionary[Any, _State] = weakref.WeakKeyDictionary()


def _state(ax: Axes) -> _State:
    if ax not in _STATE:
        _STATE[ax] = _State()
    return _STATE[ax]


def register(ax: Axes, geoms: Sequence[Any]) -> None:
    """Record polygons (data coordinates of ``ax``) that furniture must not cover."""
    import shapely

    g = np.asarray([x for x in geoms if x is not None], dtype=object)
    g = g[shapely.get_type_id(g) >= 3] if len(g) else g  # polygons only
    if len(g):
        st = _state(ax)
        st.geoms.extend(g.tolist())
        st.tree = None


def drawn_polygons(ax: Axes) -> list[Any]:
    """The polygons a map function drew in ``ax`` (the ones furniture must not cover).

    Parameters
    ----------
    ax : Axes
        A map from :func:`spatialregion.maps.plot_style`.

    Returns
    -------
    list of shapely geometries
        In the data coordinates of ``ax``.
    """
    return list(_state(ax).geoms)


def _tree(ax: Axes) -> tuple[Any, np.ndarray]:
    import shapely

    st = _state(ax)
    if st.tree is None:
        (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
        tol = 0.001 * max(abs(x1 - x0), abs(y1 - y0))
        g = shapely.simplify(np.asarray(st.geoms, dtype=object), tol) if st.geoms else np.array([], dtype=object)
        st.tree = (shapely.STRtree(g), g)
    return st.tree


def reserve(ax: Axes, bbox_display: Bbox) -> None:
    """Mark a display box (e.g. the inset) as taken, so later furniture avoids it."""
    _state(ax).taken.append(bbox_display.transformed(ax.transAxes.inverted()))


def reserve_fraction(ax: Axes, box: tuple[float, float, float, float]) -> None:
    """Mark an axes-fraction box ``(x, y, width, height)`` as taken."""
    from matplotlib.transforms import Bbox

    x, y, w, h = box
    _state(ax).taken.append(Bbox.from_bounds(x, y, w, h))


def polygon_overlap(ax: Axes, bbox_display: Bbox) -> float:
    """Share of a display box's area lying over the registered polygons.

    Sums the intersection areas with each polygon (a coverage does not overlap itself; the
    territory under data counts twice, which only errs on the safe side), capped at 1.
    """
    import shapely

    tree, g = _tree(ax)
    if len(g) == 0 or bbox_display.width <= 0 or bbox_display.height <= 0:
        return 0.0
    (x0, y0), (x1, y1) = ax.transData.inverted().transform(bbox_display.get_points())
    box = shapely.box(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
    hit = tree.query(box, predicate="intersects")
    if len(hit) == 0:
        return 0.0
    return float(min(1.0, shapely.area(shapely.intersection(g[hit], box)).sum() / box.area))


def _taken_overlap(ax: Axes, bbox_display: Bbox) -> float:
    from matplotlib.transforms import Bbox

    area = bbox_display.width * bbox_display.height
    if area <= 0:
        return 0.0
    tot = 0.0
    for t in _state(ax).taken:
        b = Bbox.intersection(bbox_display, t.transformed(ax.transAxes))
        if b is not None:
            tot += b.width * b.height
    return tot / area


def _inside_axes(ax: Axes, bbox_display: Bbox) -> bool:
    a = ax.get_window_extent()
    return bool(bbox_display.x0 >= a.x0 - 1 and bbox_display.x1 <= a.x1 + 1 and bbox_display.y0 >= a.y0 - 1
                and bbox_display.y1 <= a.y1 + 1)


def _other_axes_overlap(ax: Axes, bbox_display: Bbox) -> float:
    """Share of a box lying over the figure's other (non-inset) axes, e.g. neighbouring panels."""
    from matplotlib.transforms import Bbox

    area = max(bbox_display.width * bbox_display.height, 1e-9)
    tot = 0.0
    for other in ax.figure.axes:
        if other is ax or other in ax.child_axes or other.get_label() == "<colorbar>":
            continue
        b = Bbox.intersection(bbox_display, other.get_window_extent())
        if b is not None:
            tot += b.width * b.height
    return tot / area


def place(ax: Axes, artist: Any, set_loc: Callable[[str], None], candidates: Sequence[str],
          outside: Sequence[Callable[[], None]]) -> str:
    """Put ``artist`` at the candidate location overlapping drawn polygons least, else outside.

    Parameters
    ----------
    ax : Axes
    artist : Legend or AnchoredOffsetbox
        Anything with ``get_window_extent(renderer)``.
    set_loc : callable
        Moves the artist to a matplotlib location string.
    candidates : sequence of str
        Locations to try, in order of preference (ties keep the earlier one).
    outside : sequence of callable
        Moves the artist outside the axes, in order of preference; the first that does not land
        on another panel of the figure is used when no candidate leaves ≥ 99 % of the box free.

    Returns
    -------
    str
        The location chosen, ``"outside"``, or the best inside location when every outside
        position would cover another panel.
    """
    renderer = ax.figure.canvas.get_renderer()
    ax.apply_aspect()
    best, best_cost = None, np.inf
    for loc in candidates:
        set_loc(loc)
        bb = artist.get_window_extent(renderer)
        if not _inside_axes(ax, bb):
            continue
        cost = polygon_overlap(ax, bb) + 10.0 * _taken_overlap(ax, bb)
        if cost < best_cost - 1e-9:
            best, best_cost = loc, cost
        if cost == 0.0:
            break
    chosen = best
    if best is None or best_cost > FREE_SHARE:
        for go in outside:
            go()
            bb = artist.get_window_extent(renderer)
            if _other_axes_overlap(ax, bb) < 1e-6 and _taken_overlap(ax, bb) < 1e-6:
                chosen = "outside"
                break
    if chosen != "outside":
        set_loc(best or candidates[0])
    reserve(ax, artist.get_window_extent(renderer))
    return chosen or candidates[0]


def inset_bounds(ax: Axes, aspect: float, width_share: float = 0.2) -> tuple[float, float, float, float]:
    """Axes-fraction bounds of an inset of ``aspect`` (height/width) flush with the lower right.

    The inset is ``width_share`` of the map's width; the map is widened to the east until no
    registered polygon meets the inset's box (plus a 1 % gap), so the inset never covers the
    mainland or Taiwan.  The limits of ``ax`` are updated.
    """
    import shapely

    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    width = x1 - x0
    w = width_share * width
    h = aspect * w
    gap = 0.01 * width
    geoms = np.asarray(_state(ax).geoms, dtype=object)
    right = x1
    if len(geoms):
        strip = shapely.clip_by_rect(geoms, x0 - width, y0 - 1.0, x1 + width, y0 + h + gap)
        strip = strip[~shapely.is_empty(strip)]
        if len(strip):
            right = max(x1, float(shapely.bounds(strip)[:, 2].max()) + gap + w)
    ax.set_xlim(x0, right)
    if h > y1 - y0:  # a very flat map: make room above the inset
        ax.set_ylim(y0, y0 + h * 1.02)
        y1 = y0 + h * 1.02
    span_x, span_y = right - x0, y1 - y0
    return ((right - w - x0) / span_x, 0.0, w / span_x, h / span_y)


# ---------------------------------------------------------------------------------------------
# furniture artists
# ---------------------------------------------------------------------------------------------
def north_arrow(ax: Axes, size_pt: float = 24.0) -> Any:
    """A two-tone north arrow with an ``N`` above it (map north is up), gid ``north_arrow``."""
    from matplotlib.offsetbox import AnchoredOffsetbox, DrawingArea, TextArea, VPacker
    from matplotlib.patches import Polygon as MplPolygon

    w = size_pt * 0.32
    da = DrawingArea(2 * w + 2, size_pt + 1, 0, 0)
    cx = w + 1
    for verts, face in (([(cx, size_pt), (cx - w, 0), (cx, size_pt * 0.28)], "#222222"),
                        ([(cx, size_pt), (cx + w, 0), (cx, size_pt * 0.28)], "white")):
        da.add_artist(MplPolygon(verts, closed=True, facecolor=face, edgecolor="#222222", linewidth=0.6))
    box = AnchoredOffsetbox(
        loc="upper left",
        child=VPacker(children=[TextArea("N", textprops={"fontsize": 10}), da], align="center", pad=0, sep=1),
        frameon=False, pad=0.2, borderpad=0.6,
    )
    box.set_gid("north_arrow")
    box.set_zorder(21)
    ax.add_artist(box)
    return box


def nice_length(target: float) -> float:
    """The 1-2-5 series value nearest below ``target`` (> 0)."""
    exp = np.floor(np.log10(target))
    for m in (5.0, 2.0, 1.0):
        if m * 10**exp <= target:
            return float(m * 10**exp)
    return float(10**exp)  # pragma: no cover - unreachable for target > 0


def scale_bar(ax: Axes, metres_per_unit: float = 1.0, share: float = 0.15) -> Any:
    """A scale bar ``0 ▬▭ L km`` about ``share`` of the map width, gid ``scale_bar``.

    Built from an ``AuxTransformBox`` in the data coordinates of ``ax`` (metres of an
    equal-area projection), so the bar is exactly ``L`` long at the map's scale.
    """
    from matplotlib.offsetbox import AnchoredOffsetbox, AuxTransformBox, HPacker, TextArea
    from matplotlib.patches import Rectangle

    ax.apply_aspect()
    (x0, x1) = ax.get_xlim()
    width_m = abs(x1 - x0) * metres_per_unit
    length_m = nice_length(width_m * share)
    value, unit = (length_m / 1000, "km") if length_m >= 1000 else (length_m, "m")
    length = length_m / metres_per_unit
    px_per_unit = ax.get_window_extent().width / abs(x1 - x0)
    height = 3.0 * ax.figure.dpi / 72.0 / px_per_unit  # 3 pt in data units
    bar = AuxTransformBox(ax.transData)
    for i in range(4):
        bar.add_artist(Rectangle((i * length / 4, 0), length / 4, height, facecolor="#222222" if i % 2 == 0 else "white",
                                 edgecolor="#222222", linewidth=0.6))
    props = {"fontsize": 7.5}
    child = HPacker(children=[TextArea("0", textprops=props), bar,
                              TextArea(f"{value:,g} {unit}", textprops=props)],
                    align="center", pad=0, sep=3)
    box = AnchoredOffsetbox(loc="lower left", child=child, frameon=False, pad=0.2, borderpad=0.6)
    box.set_gid("scale_bar")
    box.set_zorder(21)
    box.length_m = length_m  # the bar's true length, for tests and users
    ax.add_artist(box)
    return box


def offsetbox_loc_setter(box: Any) -> Callable[[str], None]:
    """``set_loc`` for an AnchoredOffsetbox."""
    def set_loc(loc: str) -> None:
        box.loc = box.codes[loc]
        box.set_bbox_to_anchor(None)

    return set_loc


def offsetbox_outside(box: Any, ax: Axes) -> list[Callable[[], None]]:
    """``outside`` positions for an AnchoredOffsetbox: below the axes (left), right of it (bottom)."""
    def below() -> None:
        box.loc = box.codes["upper left"]
        box.set_bbox_to_anchor((0.0, 0.0), transform=ax.transAxes)

    def right() -> None:
        box.loc = box.codes["lower left"]
        box.set_bbox_to_anchor((1.0, 0.0), transform=ax.transAxes)

    return [below, right]


def legend_loc_setter(leg: Any) -> Callable[[str], None]:
    def set_loc(loc: str) -> None:
        leg.set_bbox_to_anchor(None)
        leg.set_loc(loc)

    return set_loc


def _outside_top(ax: Axes) -> float:
    """Axes-fraction height below the furniture already placed right of the axes."""
    tops = [t.y0 - 0.02 for t in _state(ax).taken if t.x0 >= 0.99]
    return min([1.0] + tops)


def legend_outside(leg: Any, ax: Axes) -> list[Callable[[], None]]:
    """Positions outside the axes for a legend: right (top-aligned, below legends already
    there), below, left, above."""
    def right() -> None:
        leg.set_loc("upper left")
        leg.set_bbox_to_anchor((1.01, _outside_top(ax)), transform=ax.transAxes)

    def below() -> None:
        leg.set_loc("upper left")
        leg.set_bbox_to_anchor((0.0, -0.01), transform=ax.transAxes)

    def left() -> None:
        leg.set_loc("upper right")
        leg.set_bbox_to_anchor((-0.01, 1.0), transform=ax.transAxes)

    def above() -> None:
        leg.set_loc("lower left")
        leg.set_bbox_to_anchor((0.0, 1.08), transform=ax.transAxes)

    return [right, below, left, above]


def place_legend(ax: Axes, leg: Any, loc: str = "auto", candidates: Sequence[str] = LEGEND_LOCS) -> str:
    """Place a legend (e.g. a second one added to a map) where it covers the fewest drawn units.

    Parameters
    ----------
    ax : Axes
        A map from :func:`spatialregion.maps.plot_style`.
    leg : Legend
        The legend to move.
    loc : str, default "auto"
        A matplotlib location, or ``"auto"``: the candidate whose box overlaps the drawn polygons
        least without covering furniture placed earlier; outside the axes when none is free.
    candidates : sequence of str
        Locations tried with ``"auto"``, in order of preference.

    Returns
    -------
    str
        The location used (``"outside"`` when moved out of the axes).
    """
    if loc != "auto":
        legend_loc_setter(leg)(loc)
        reserve(ax, leg.get_window_extent(ax.figure.canvas.get_renderer()))
        return loc
    return place(ax, leg, legend_loc_setter(leg), candidates, legend_outside(leg, ax))


def place_box(ax: Axes, box: Any, loc: str, candidates: Sequence[str]) -> str:
    """Place an AnchoredOffsetbox at ``loc`` or, with ``"auto"``, by :func:`place`."""
    setter = offsetbox_loc_setter(box)
    if loc != "auto":
        setter(loc)
        reserve(ax, box.get_window_extent(ax.figure.canvas.get_renderer()))
        return loc
    return place(ax, box, setter, candidates, offsetbox_outside(box, ax))
