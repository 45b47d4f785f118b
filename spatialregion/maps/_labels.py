"""Unit labels: a halo, a colour chosen for contrast with the fill, and no two labels overlapping.

Labels are placed greedily, largest unit first, at the unit's pole of inaccessibility (the
interior point farthest from its outline, :func:`shapely.ops.polylabel` on its largest part); a
label whose box (display coordinates, plus a 1 pt margin) meets a label already placed is tried
at eight nearby positions, then at 85 % of the size; if it still collides it is left out (the
number left out is returned).  Text colour: black or white, whichever has the higher WCAG
contrast ratio with the fill; the halo is white around dark text (dark grey around white text).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

DARK_TEXT = "#1a1a1a"
LIGHT_TEXT = "#ffffff"
HALO_LIGHT = "#ffffff"
HALO_DARK = "#333333"


def relative_luminance(color: Any) -> float:
    """WCAG 2 relative luminance of a matplotlib colour: 0.2126 R + 0.7152 G + 0.0722 B (linear sRGB)."""
    from matplotlib.colors import to_rgb

    c = np.asarray(to_rgb(color), dtype=float)
    lin = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return float(lin @ np.array([0.2126, 0.7152, 0.0722]))


def contrast_ratio(a: Any, b: Any) -> float:
    """WCAG 2 contrast ratio (L_light + 0.05) / (L_dark + 0.05) of two colours.

    Parameters
    ----------
    a, b : colour
        Any matplotlib colour.

    Returns
    -------
    float
        1 (same luminance) … 21 (black on white).
    """
    la, lb = relative_luminance(a), relative_luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def text_colors(fill: Any) -> tuple[str, str]:
    """Text and halo colours for a label on ``fill``: black or white text, whichever contrasts more.

    Parameters
    ----------
    fill : colour or None
        The fill under the label (None: dark text).

    Returns
    -------
    (str, str)
        Text colour and halo colour: ``("#1a1a1a", "#ffffff")`` on light fills,
        ``("#ffffff", "#333333")`` on dark ones.
    """
    if fill is None or contrast_ratio(fill, DARK_TEXT) >= contrast_ratio(fill, LIGHT_TEXT):
        return DARK_TEXT, HALO_LIGHT
    return LIGHT_TEXT, HALO_DARK


def anchor_points(geoms: Any) -> np.ndarray:
    """(n, 2) label anchors: the pole of inaccessibility of each geometry's largest part."""
    import shapely
    from shapely.ops import polylabel

    out = np.full((len(geoms), 2), np.nan)
    for i, g in enumerate(geoms):
        if g is None or g.is_empty:
            continue
        parts = shapely.get_parts(g)
        if g.geom_type in ("Polygon", "MultiPolygon"):
            part = parts[int(np.argmax(shapely.area(parts)))]
            x0, y0, x1, y1 = part.bounds
            try:
                p = polylabel(part, tolerance=max(x1 - x0, y1 - y0) / 100)
            except Exception:  # noqa: BLE001 - degenerate ring: fall back to a point on the surface
                p = part.representative_point()
        else:
            p = g.representative_point()
        out[i] = (p.x, p.y)
    return out


def place_labels(ax: Axes, xy: np.ndarray, texts: Sequence[str], fills: Sequence[Any] | None = None, *,
                 priority: Sequence[float] | None = None, fontsize: float = 6.5, zorder: float = 14,
                 offset_pt: tuple[float, float] | None = None, gid: str = "unit_label") -> tuple[list[Any], int]:
    """Write ``texts`` at ``xy`` (data coordinates) with halos and without collisions.

    Parameters
    ----------
    ax : Axes
    xy : array (n, 2)
        Anchor points in data coordinates (NaN rows are skipped).
    texts : sequence of str
    fills : sequence of colours, optional
        The fill under each label (sets black or white text); None: dark text.
    priority : sequence of float, optional
        Larger is placed first (e.g. unit area or node size); default: input order.
    fontsize : float
        Points.
    offset_pt : (dx, dy), optional
        Preferred offset from the anchor in points (e.g. beside a node marker); default centred.
    zorder : float
        Drawing order of the labels.
    gid : str
        gid of the Text artists.

    Returns
    -------
    (list of Text, int)
        The labels drawn and the number left out because every position collided.
    """
    import matplotlib.patheffects as pe

    renderer = ax.figure.canvas.get_renderer()
    ax.apply_aspect()
    n = len(texts)
    xy = np.asarray(xy, dtype=float).reshape(n, 2)
    order = np.argsort(-np.asarray(priority, dtype=float), kind="stable") if priority is not None else np.arange(n)
    px = ax.figure.dpi / 72.0  # pixels per point
    anchors = ax.transData.transform(np.where(np.isfinite(xy), xy, 0.0))
    a = ax.get_window_extent(renderer)
    placed = np.empty((n, 4))  # x0, y0, x1, y1 of placed labels (display, with a 1 pt margin)
    n_placed = 0
    drawn: list[Any] = []
    omitted = 0
    base = np.asarray(offset_pt or (0.0, 0.0), dtype=float) * px
    steps = ((0, 0), (0, 1), (0, -1), (1, 0), (-1, 0), (1, 1), (-1, 1), (1, -1), (-1, -1))
    for i in order:
        if not np.all(np.isfinite(xy[i])) or not str(texts[i]).strip():
            continue
        color, halo = text_colors(None if fills is None else fills[i])
        t = ax.annotate(str(texts[i]), tuple(xy[i]), xytext=(0, 0), textcoords="offset points", ha="center",
                        va="center", fontsize=fontsize, color=color, zorder=zorder, annotation_clip=True)
        bb = t.get_window_extent(renderer)
        chosen = None
        for scale in (1.0, 0.85):
            w, h = bb.width * scale + 2 * px, bb.height * scale + 2 * px
            for sx, sy in steps:
                cx = anchors[i, 0] + base[0] + sx * (w / 2 + px) * (1 if (sx, sy) != (0, 0) else 0)
                cy = anchors[i, 1] + base[1] + sy * (h * 0.55)
                box = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
                if box[0] < a.x0 or box[2] > a.x1 or box[1] < a.y0 or box[3] > a.y1:
                    continue
                p = placed[:n_placed]
                if n_placed and np.any((box[0] < p[:, 2]) & (p[:, 0] < box[2]) & (box[1] < p[:, 3]) & (p[:, 1] < box[3])):
                    continue
                chosen = (scale, cx - anchors[i, 0], cy - anchors[i, 1], box)
                break
            if chosen is not None:
                break
        if chosen is None:
            t.remove()
            omitted += 1
            continue
        scale, dx, dy, box = chosen
        placed[n_placed] = box
        n_placed += 1
        t.set_fontsize(fontsize * scale)
        t.xyann = (dx / px, dy / px)
        t.set_path_effects([pe.withStroke(linewidth=1.6, foreground=halo)])
        t.set_gid(gid)
        drawn.append(t)
    return drawn, omitted
