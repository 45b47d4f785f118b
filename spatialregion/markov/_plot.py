"""Heat maps of transition matrices and class colours."""

from __future__ import annotations

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

    try:
        from ..maps import use_cjk_font

        use_cjk_font()
    except (ImportError, AttributeError):  # maps helper not available: plain fonts
        pass
    npan = len(mats)
    if ax is None:
        ncol = npan if npan <= 3 else (2 if npan == 4 else 3)
        nrow = int(np.ceil(npan / ncol))
        size = 1.0 + 0.6 * len(labels)
        fig, axes = plt.subplots(
            nrow, ncol, figsize=((size + 1.3) * ncol + 1.0, (size + 0.6) * nrow), squeeze=False, layout="constrained"
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
        a.set_yticks(range(k), [f"{s} (n={c})" for s, c in zip(short, n)])
        a.set_xlabel("class at t+1")
        if a.get_subplotspec() is None or a.get_subplotspec().is_first_col():
            a.set_ylabel("class at t")
        a.set_title(title, fontsize=10)
    if image is not None:
        fig.colorbar(image, ax=list(axes_flat[:npan]), shrink=0.8, label="transition probability")
    if suptitle:
        fig.suptitle(suptitle)
    return axes_flat[0] if npan == 1 else axes_flat[:npan]
