"""Class building: quantile breaks (from :mod:`spatialregion._classify`), classing with ties to the lower class, labels."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from .._classify import break_codes as classify  # Markov class codes: ties to the lower class
from .._classify import quantile_bins
from .._panel import Panel
from ..errors import InputError, SpatialRegionWarning
from ..labels import markov_classes


def quantile_breaks(values: np.ndarray, k: int) -> np.ndarray:
    """Interior quantile breaks: :func:`spatialregion._classify.quantile_bins` without the top bound."""
    return quantile_bins(np.asarray(values, dtype=float).ravel(), k)[:-1]


def _panel_breaks(values: np.ndarray, k: int, breaks: Any, fixed: bool, what: str) -> tuple[np.ndarray, np.ndarray, int]:
    """Classes (n, T), breaks ((k-1,) pooled or (T, k-1) per period) and the effective k."""
    t = values.shape[1]
    if breaks is not None:
        b = np.asarray(breaks, dtype=float)
        if b.ndim == 1:
            _check_breaks(b, what)
            return classify(values, b), b, len(b) + 1
        if b.ndim == 2 and b.shape[0] == t:
            for row in b:
                _check_breaks(row, what)
            return _classify_periods(values, b), b, b.shape[1] + 1
        raise InputError(f"{what} breaks must be 1-D (pooled) or (T={t}, k-1) per period, got shape {b.shape}")
    if not isinstance(k, (int, np.integer)) or k < 2:
        raise InputError(f"k must be an integer >= 2 (number of {what} classes), got {k!r}")
    if fixed:
        b = quantile_breaks(values, int(k))
        if len(b) + 1 < k:
            warnings.warn(
                f"{what}: only {len(b) + 1} distinct pooled quantile classes exist (ties); using k={len(b) + 1} instead of {k}",
                SpatialRegionWarning,
                stacklevel=3,
            )
        return classify(values, b), b, len(b) + 1
    rows = []
    for j in range(t):
        bj = quantile_breaks(values[:, j], int(k))
        if len(bj) + 1 < k:
            raise InputError(
                f"{what}: period {j} has too many ties for {k} per-period quantile classes "
                f"(only {len(bj) + 1}); use fixed=True, a smaller k or explicit breaks"
            )
        rows.append(bj)
    b = np.vstack(rows)
    return _classify_periods(values, b), b, int(k)


def _classify_periods(values: np.ndarray, breaks: np.ndarray) -> np.ndarray:
    """Classes (n, T) of each period's column with its own row of ``breaks`` (T, k-1)."""
    return np.column_stack([classify(values[:, j], breaks[j]) for j in range(values.shape[1])])


def _check_breaks(b: np.ndarray, what: str) -> None:
    if b.size == 0:
        raise InputError(f"{what} breaks are empty; give k-1 interior cut points (k >= 2 classes)")
    if not np.isfinite(b).all():
        raise InputError(f"{what} breaks must be finite interior cut points, got {b.tolist()} (do not include ±inf)")
    if (np.diff(b) <= 0).any():
        raise InputError(f"{what} breaks must be strictly increasing, got {b.tolist()}")


def _class_labels(breaks: np.ndarray, k: int, prefix: str = "C") -> tuple[str, ...]:
    """Class labels from :func:`spatialregion.labels.markov_classes` with the value range of pooled breaks.

    E.g. ``"低水平 Low (≤0.52)"``, ``"中低水平 Medium-low (0.52–0.71)"``; ``k`` without
    named levels gives ``"C1 (≤0.52)"`` (``prefix`` + number); per-period breaks give names only.
    """
    names = [lab.zh if lab.zh == lab.en else f"{lab.zh} {lab.en}" for lab in markov_classes(k, prefix)]
    if breaks.ndim != 1:
        return tuple(names)
    from ..maps._numbers import range_labels  # plain notation: ≤65,570, never ≤6.557e+04

    return tuple(f"{name} ({rng})" for name, rng in zip(names, range_labels(breaks)))


def _discrete_classes(values: np.ndarray, labels: Sequence[str] | None) -> tuple[np.ndarray, tuple[str, ...], int]:
    """Integer codes for a panel of discrete states: 0 … k-1 directly, else sorted unique values."""
    if labels is not None:
        k = len(labels)
        if np.any(values != np.round(values)) or values.min() < 0 or values.max() >= k:
            raise InputError(f"discrete states must be integer codes 0 … {k - 1} matching the {k} labels")
        return values.astype(np.int64), tuple(labels), k
    uniq, codes = np.unique(values, return_inverse=True)
    return codes.reshape(values.shape).astype(np.int64), tuple(f"{v:g}" for v in uniq), len(uniq)


def _classes_of(panel: Panel, k: int, breaks: Any, fixed: bool, discrete: bool, labels: Sequence[str] | None):
    if discrete:
        classes, labs, k = _discrete_classes(panel.values, labels)
        return classes, np.empty(0), k, labs
    classes, b, k = _panel_breaks(panel.values, k, breaks, fixed, "y")
    labs = tuple(labels) if labels is not None else _class_labels(b, k)
    if len(labs) != k:
        raise InputError(f"labels has {len(labs)} entries but there are {k} classes")
    return classes, b, k, labs
