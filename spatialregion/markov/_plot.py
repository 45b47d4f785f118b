"""Heat maps of transition matrices and class colours."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..errors import InputError


def _palette(k: int, cmap: str = "YlOrRd") -> list[str]:
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    cm = colormaps[cmap]
    return [to_hex(cm(0.15 + 0.8 * i / max(k - 1, 1))) for i in range(k)]


def _heatmaps(
    mats: Sequence[np.ndarray],
    counts: Sequence[np.ndarray],
    titles: Sequence[str],
    labels: Sequence[str],
    ax: Any = None,
    cmap: str = "Blues",
    decimals: int = 2,
    suptitle: str | None = None,
) -> Any:
    """Annotated heat maps of transition matrices, one panel each (readable in greyscale print)."""
    import matplotlib.pyplot as plt

    from ..maps import use_cjk_font

    use_cjk_font()
    npan = len(mats)
    if ax is None:
        ncol = npan if npan <= 3 else (2 if npan == 4 else 3)
        nrow = int(np.ceil(npan / ncol))
        size = 1.0 + 0.6 * len(labels)
        width = size + 1.3
        if any(_RANGED.fullmatch(lab) for lab in labels):
            # room for the class names over their ranges ("中低水平 Medium-low" / "(2.99–6.09; n=23)") and titles
            n_max = max(int(np.nansum(T)) for T in counts)
            rows = [_row_label(lab, lab.split(" ")[0], n_max) for lab in labels]
            width += max(0.0, max(_text_inches(line) for r in rows for line in r.split("\n")) - 1.0)
            width = max(width, max(_text_inches(t) for t in titles) + 0.4)
        fig, axes = plt.subplots(
            nrow, ncol, figsize=(width * ncol + 1.0, (size + 0.6) * nrow), squeeze=False, layout="constrained"
        )
        axes_flat = axes.ravel()
        for extra in axes_flat[npan:]:
            extra.set_visible(False)
    else:
        axes_flat = np.atleast_1d(np.asarray(ax, dtype=object)).ravel()
        if len(axes_flat) < npan:
            raise InputError(f"plot needs {npan} axes (one per matrix), got {len(axes_flat)}")
        fig = axes_flat[0].figure
    short = [lab.split(" ")[0] for lab in labels]
    image = None
    for a, P, T, title in zip(axes_flat, mats, counts, titles):
        shown = np.ma.masked_invalid(P)
        image = a.imshow(shown, cmap=cmap, vmin=0.0, vmax=1.0)
        a.set_facecolor("#d9d9d9")
        k = P.shape[0]
        n = T.sum(axis=1).astype(int)
        for i in range(k):
            for j in range(k):
                v = P[i, j]
                txt = "—" if np.isnan(v) else f"{v:.{decimals}f}"
                a.text(j, i, txt, ha="center", va="center", fontsize=9, color="white" if (not np.isnan(v) and v > 0.55) else "black")
        a.set_xticks(range(k), short)
        a.set_yticks(range(k), [_row_label(lab, s, c) for lab, s, c in zip(labels, short, n)])
        a.set_xlabel("class at t+1")
        if a.get_subplotspec() is None or a.get_subplotspec().is_first_col():
            a.set_ylabel("class at t")
        a.set_title(title, fontsize=10)
    if image is not None:
        fig.colorbar(image, ax=list(axes_flat[:npan]), shrink=0.8, label="transition probability")
    if suptitle:
        fig.suptitle(suptitle)
    return axes_flat[0] if npan == 1 else axes_flat[:npan]


#: a class label ending in the value range written by ``_classes._class_labels``: "低水平 Low (≤0.52)"
_RANGED = re.compile(r"(?P<name>.+) \((?P<range>≤[^()]+|>[^()]+|[^()]+–[^()]+)\)")


def _row_label(label: str, short: str, n: int) -> str:
    """Heat-map row label: the class label over its range and ``n`` (``"低水平 Low\n(≤0.52; n=12)"``), else ``short (n=12)``."""
    m = _RANGED.fullmatch(label)
    if m:
        return f"{m['name']}\n({m['range']}; n={n})"
    return f"{short} (n={n})"


def _text_inches(text: str, fontsize: float = 10.0) -> float:
    """Rough printed width of ``text`` in inches (CJK characters 1 em, others 0.55 em)."""
    return sum(1.0 if ord(ch) > 0x2E7F else 0.55 for ch in text) * fontsize / 72.0
