"""The CJK font: Noto Sans CJK SC from the PyPI package ``mplfonts``, registered with matplotlib,
and the check that every character of a label has a glyph (:class:`MissingGlyphWarning`)."""

from __future__ import annotations

import functools
import re
import warnings
from collections.abc import Sequence
from importlib import util as _import_util
from pathlib import Path
from typing import Any

from ..errors import SpatialRegionError, SpatialRegionWarning

_FONT_FILE = "NotoSansCJKsc-Regular.otf"
_GLYPH_RE = re.compile(r"Glyph (\d+) .*missing from (current )?font")


class MissingGlyphWarning(SpatialRegionWarning):
    """A character of a label has no glyph in the CJK font (it would print as a box)."""


def font_path() -> Path:
    """Path of Noto Sans CJK SC Regular inside the installed ``mplfonts`` package.

    Returns
    -------
    pathlib.Path
        The OpenType file.  Raises :class:`SpatialRegionError` when ``mplfonts`` (a core
        dependency) or the font file is missing.  The package is located without importing it.
    """
    spec = _import_util.find_spec("mplfonts")
    if spec is None or not spec.submodule_search_locations:
        raise SpatialRegionError("the CJK font package is missing: pip install mplfonts (a spatialregion dependency)")
    for loc in spec.submodule_search_locations:
        p = Path(loc) / "fonts" / _FONT_FILE
        if p.exists():
            return p
    raise SpatialRegionError(f"mplfonts is installed but {_FONT_FILE} is missing from it; reinstall mplfonts")


@functools.lru_cache(maxsize=1)
def _font_family() -> str:
    from matplotlib import font_manager

    path = str(font_path())
    if path not in {f.fname for f in font_manager.fontManager.ttflist}:
        font_manager.fontManager.addfont(path)
    return font_manager.FontProperties(fname=path).get_name()


def use_cjk_font() -> str:
    """Register Noto Sans CJK SC with matplotlib and make it the first sans-serif font.

    Idempotent (cheap to call before every figure).  Sets ``font.family`` to
    ``sans-serif`` with Noto Sans CJK SC first in ``font.sans-serif``; the font
    also covers Latin letters, digits and the minus sign, so mixed labels such
    as ``热点 Hot spot (5)`` use one typeface.

    Returns
    -------
    str
        The family name (``"Noto Sans CJK SC"``).
    """
    import matplotlib as mpl

    family = _font_family()
    current = list(mpl.rcParams["font.sans-serif"])
    if not current or current[0] != family:
        mpl.rcParams["font.sans-serif"] = [family] + [f for f in current if f != family]
    if list(mpl.rcParams["font.family"]) != ["sans-serif"]:
        mpl.rcParams["font.family"] = ["sans-serif"]
    return family


def chart_axes(ax: Any = None, figsize: tuple[float, float] = (6.0, 4.0)) -> Any:
    """Axes for a result's chart, with the CJK font registered first (:func:`use_cjk_font`).

    Parameters
    ----------
    ax : matplotlib.axes.Axes, optional
        Axes to draw in; returned as given.
    figsize : tuple of float, default (6.0, 4.0)
        Size in inches of the new figure made when ``ax`` is None.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax``, or the axes of a new figure.
    """
    use_cjk_font()
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=figsize)
    return ax


@functools.lru_cache(maxsize=1)
def _charmap() -> frozenset[int]:
    from matplotlib.ft2font import FT2Font

    return frozenset(FT2Font(str(font_path())).get_charmap())


def missing_glyphs(text: str) -> list[str]:
    """Characters of ``text`` that Noto Sans CJK SC cannot draw (whitespace ignored).

    Parameters
    ----------
    text : str

    Returns
    -------
    list of str
        The missing characters, sorted, each once.
    """
    cmap = _charmap()
    return sorted({ch for ch in str(text) if not ch.isspace() and ord(ch) not in cmap})


def _check_glyphs(texts: Sequence[str]) -> None:
    bad = sorted({ch for t in texts if t for ch in missing_glyphs(t)})
    if bad:
        shown = ", ".join(f"{ch!r} (U+{ord(ch):04X})" for ch in bad[:10])
        warnings.warn(
            MissingGlyphWarning(f"characters {shown} have no glyph in {_font_family()}; they will print as boxes"),
            stacklevel=4,
        )
