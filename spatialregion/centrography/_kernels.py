"""Centrography kernels (pure functions on arrays): the weighted SDE, the ellipse polygon, perimeter, compass words."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..labels import DIRECTIONS

# ---------------------------------------------------------------------------
# kernels (pure functions on arrays)
# ---------------------------------------------------------------------------
def _sde_kernel(x: np.ndarray, y: np.ndarray, w: np.ndarray, factor: float) -> dict[str, float]:
    """Weighted SDE by the ArcGIS closed form; ``factor`` multiplies the standard distances.

    Returns centre (cx, cy), ``rotation`` (deg clockwise from north of the long axis, [0, 180)),
    ``sigma_major``/``sigma_minor`` (already multiplied by ``factor``).
    """
    sw = w.sum()
    cx, cy = float(np.dot(w, x) / sw), float(np.dot(w, y) / sw)
    xt, yt = x - cx, y - cy
    sxx, syy, sxy = float(np.dot(w, xt * xt)), float(np.dot(w, yt * yt)), float(np.dot(w, xt * yt))
    a = sxx - syy
    c = 2.0 * sxy
    b = float(np.hypot(a, c))
    scale = max(sxx + syy, np.finfo(float).tiny)
    if abs(c) <= 1e-14 * scale:
        theta = 90.0 if a > 0 else 0.0  # long axis east–west (a > 0) or north–south
    else:
        theta = float(np.degrees(np.arctan((a + b) / c))) % 180.0
    t = np.radians(theta)
    along = xt * np.sin(t) + yt * np.cos(t)
    across = xt * np.cos(t) - yt * np.sin(t)
    s_major = float(np.sqrt(np.dot(w, along * along) / sw)) * factor
    s_minor = float(np.sqrt(np.dot(w, across * across) / sw)) * factor
    return {"cx": cx, "cy": cy, "rotation": theta, "sigma_major": s_major, "sigma_minor": s_minor}


def _ellipse_polygon(cx: float, cy: float, a: float, b: float, rotation_deg: float, n: int = 180):
    """Ellipse polygon (projected units) with long axis ``a`` at azimuth ``rotation_deg``."""
    import shapely

    t = np.linspace(0.0, 2.0 * np.pi, n, endpoint=False)
    u, v = a * np.cos(t), b * np.sin(t)  # u along the long axis, v across
    th = np.radians(rotation_deg)
    # long-axis unit vector (sin θ, cos θ); short-axis (cos θ, −sin θ)
    x = cx + u * np.sin(th) + v * np.cos(th)
    y = cy + u * np.cos(th) - v * np.sin(th)
    return shapely.Polygon(np.column_stack([x, y]))


def _ramanujan(a: np.ndarray | float, b: np.ndarray | float) -> Any:
    """Ellipse perimeter, Ramanujan (1914) first approximation (rel. error < 1e-4 for a/b < 5)."""
    return np.pi * (3 * (a + b) - np.sqrt((3 * a + b) * (a + 3 * b)))


def direction_words(bearing_deg: Any) -> tuple[np.ndarray, np.ndarray]:
    """Chinese and English compass words (8 sectors of 45°, 北 = [337.5°, 22.5°)) of bearings.

    Parameters
    ----------
    bearing_deg : float or array-like
        Bearings in degrees clockwise from north (any range; taken modulo 360).

    Returns
    -------
    tuple of ndarray
        ``(zh, en)``: e.g. ``"东北"`` and ``"northeast"`` for 45°.
    """
    b = np.asarray(bearing_deg, dtype=float) % 360.0
    k = np.floor((b + 22.5) / 45.0).astype(int) % 8
    zh = np.array([DIRECTIONS[i].zh for i in np.atleast_1d(k)], dtype=object)
    en = np.array([DIRECTIONS[i].en for i in np.atleast_1d(k)], dtype=object)
    return zh, en


