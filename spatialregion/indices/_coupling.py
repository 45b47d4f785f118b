"""Coupling degree and coupling coordination (耦合协调度): kernel, classes and :class:`CouplingResult`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from .. import labels
from .._validation import check_choice, check_unique_ids, describe_rows, finite_array
from ..errors import AlignmentError, InputError
from ..results import Result, Summary, SummaryTable


def coupling_kernel(
    u: np.ndarray, alpha: np.ndarray, variant: str = "standard"
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Coupling degree C, comprehensive index T and coordination D of an (n × k) matrix.

    See :func:`coupling_coordination` for the formulas.  Rows whose
    subsystems are all 0 get C = 0 (and D = 0).
    """
    k = u.shape[1]
    total = u.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        geo = np.exp(np.log(u).sum(axis=1) / k)  # (Π U)^(1/k); 0 when any U = 0
    geo = np.where((u == 0).any(axis=1), 0.0, geo)
    factor = float(k) if variant == "standard" else 1.0
    c = np.where(total > 0, factor * geo / np.where(total == 0, 1.0, total), 0.0)
    c = np.clip(c, 0.0, 1.0)
    t = u @ alpha
    d = np.sqrt(c * t)
    return c, t, d


def coupling_class(d: np.ndarray) -> np.ndarray:
    """Index 0–9 of the coordination class of D (廖重斌 1999; 0.1 steps).

    Class j holds ``j/10 <= D < (j+1)/10``; D = 1 falls in class 9.  D is
    rounded to 12 decimals first so that, e.g., a computed 0.30000000000000004
    or 0.29999999999999999 both count as 0.3 (class 3).
    """
    d = np.round(np.asarray(d, dtype=float), 12)
    return np.clip(np.floor(d * 10 + 1e-9).astype(int), 0, 9)


# ---------------------------------------------------------------------------
# coupling coordination
# ---------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class CouplingResult(Result):
    """Coupling degree C, comprehensive index T, coordination degree D and class.

    Attributes
    ----------
    u : DataFrame
        Subsystem indices (one column each), rows as the input.
    c, t, d : Series
        Coupling degree, comprehensive development index, coordination degree.
    klass : Series
        Class key of D from :data:`spatialregion.labels.COUPLING_CLASSES`.
    variant : {"standard", "sqrt"}
    alpha : tuple of float
        Subsystem weights in T.
    """

    u: pd.DataFrame
    c: pd.Series
    t: pd.Series
    d: pd.Series
    klass: pd.Series
    variant: str
    alpha: tuple[float, ...]

    def to_frame(self) -> pd.DataFrame:
        """U columns, ``C``, ``T``, ``D``, ``class`` (key), ``class_zh``, ``class_en``."""
        frame = self.u.copy()
        frame["C"] = self.c
        frame["T"] = self.t
        frame["D"] = self.d
        frame["class"] = self.klass
        lab = {x.key: x for x in labels.COUPLING_CLASSES}
        frame["class_zh"] = self.klass.map(lambda k: lab[k].zh)
        frame["class_en"] = self.klass.map(lambda k: lab[k].en)
        if self.geometry is not None:
            import geopandas as gpd

            return gpd.GeoDataFrame(frame, geometry=pd.Series(np.asarray(self.geometry), index=frame.index), crs=getattr(self.geometry, "crs", None))
        return frame

    def summary(self) -> Summary:
        frame = self.to_frame()
        frame = pd.DataFrame(frame.drop(columns=["geometry", "class"], errors="ignore"))
        counts = self.klass.value_counts()
        dist = pd.DataFrame(
            [
                {"D range": f"[{i / 10:.1f}, {(i + 1) / 10:.1f}{']' if i == 9 else ')'}", "class": f"{x.zh} {x.en}", "units": int(counts.get(x.key, 0))}
                for i, x in enumerate(labels.COUPLING_CLASSES)
            ]
        )
        form = "C = n(ΠU)^(1/n)/ΣU (0–1)" if self.variant == "standard" else "C = (ΠU)^(1/n)/ΣU (max 1/n)"
        notes = (
            f"{form}; T = Σ α_i U_i with α = {tuple(round(a, 4) for a in self.alpha)}; D = √(C·T).",
            "Classes at 0.1 steps of D (廖重斌 1999): class j holds j/10 ≤ D < (j+1)/10; D = 1 is 优质协调.",
        )
        return Summary(
            "Coupling coordination 耦合协调度",
            (SummaryTable("Per unit", frame, "{:.4f}"), SummaryTable("Class counts", dist.set_index("D range"))),
            notes,
        )

    def _style(self):
        from .. import export

        return export.label_style(
            "class", labels.COUPLING_CLASSES, present=self.klass, bilingual=False, title="耦合协调度 D"
        )


def coupling_coordination(
    *subsystems: Any,
    alpha: Sequence[float] | None = None,
    variant: Literal["standard", "sqrt"] = "standard",
    geometry: Any = None,
) -> CouplingResult:
    r"""Coupling coordination degree of n ≥ 2 subsystems (耦合协调度模型).

    For subsystem indices U_1 … U_n ∈ [0, 1] of each unit:

    * ``variant="standard"`` (default; 王淑佳 et al. 2021, "corrected" model):
      ``C = n (Π U_i)^(1/n) / Σ U_i = [Π U_i / ((Σ U_i / n)^n)]^(1/n)`` ∈ [0, 1];
      for two subsystems ``C = 2 √(U1 U2) / (U1 + U2)``.
    * ``variant="sqrt"`` (the form many papers print, e.g. the BTH chains paper,
      after 廖重斌 1999 as often transcribed):
      ``C = (Π U_i)^(1/n) / Σ U_i = [Π U_i / (Σ U_i)^n]^(1/n)``, maximum 1/n;
      for two subsystems ``C = √(U1 U2) / (U1 + U2)`` (max 0.5).  It is the
      standard C divided by n, so D (below) can never exceed √(1/n) and the top
      classes are unreachable; 王淑佳 et al. (2021) explain why this is a
      mis-transcription.  Offered to reproduce such papers.
    * ``T = Σ α_i U_i`` (Σ α = 1; default equal weights 1/n),
      ``D = √(C · T)``.
    * Class of D: ten classes at 0.1 steps (廖重斌 1999),
      :data:`spatialregion.labels.COUPLING_CLASSES`, 极度失调 [0, 0.1) …
      优质协调 [0.9, 1.0]; lower bound inclusive (see :func:`coupling_class`).

    Units whose subsystems are all 0 get C = 0 (C is 0/0 there) and D = 0.

    Parameters
    ----------
    *subsystems : Series or array-like
        One argument per subsystem (equal length; Series must share their
        index), or a single DataFrame whose columns are the subsystems.
    alpha : sequence of float, optional
        Subsystem weights (non-negative, summing to 1).
    variant : {"standard", "sqrt"}
    geometry : GeoSeries, optional
        The units' geometry, to map the result.

    Returns
    -------
    CouplingResult
    """
    check_choice("variant", variant, ("standard", "sqrt"))
    if len(subsystems) == 1 and isinstance(subsystems[0], pd.DataFrame):
        frame = subsystems[0]
        cols = [str(c) for c in frame.columns]
        series = [frame[c] for c in frame.columns]
    else:
        series = list(subsystems)
        cols = []
        for i, s in enumerate(series):
            name = getattr(s, "name", None)
            cols.append(str(name) if name is not None and str(name) not in cols else f"U{i + 1}")
    if len(series) < 2:
        raise InputError(f"coupling coordination needs at least 2 subsystems, got {len(series)}")
    index = None
    for s, name in zip(series, cols):
        if isinstance(s, pd.Series):
            if index is None:
                index = s.index
            elif not s.index.equals(index):
                raise AlignmentError(
                    f"subsystem {name!r} has a different index from the first subsystem; align them "
                    "(e.g. .reindex(first.index)) before calling"
                )
    arrays = [finite_array(np.asarray(s, dtype=float), f"subsystem {name!r}", list(index) if index is not None else None) for s, name in zip(series, cols)]
    n = {a.shape[0] for a in arrays}
    if len(n) != 1:
        raise AlignmentError(f"subsystems have different lengths {sorted(n)}")
    index = index if index is not None else pd.RangeIndex(arrays[0].shape[0])
    check_unique_ids(index, "subsystem index")
    u = np.column_stack(arrays)
    for j, name in enumerate(cols):
        bad = (u[:, j] < 0) | (u[:, j] > 1)
        if bad.any():
            raise InputError(
                f"subsystem {name!r} must lie in [0, 1] but has values outside in {describe_rows(index[bad])}; "
                "use normalised indices (e.g. entropy_weights(...).scores)"
            )
    k = u.shape[1]
    if alpha is None:
        a = np.full(k, 1.0 / k)
    else:
        a = finite_array(alpha, "alpha")
        if a.shape[0] != k or (a < 0).any() or not np.isclose(a.sum(), 1.0):
            raise InputError(f"alpha={list(a)} must be {k} non-negative weights summing to 1")
    c, t, d = coupling_kernel(u, a, variant)
    keys = np.array([x.key for x in labels.COUPLING_CLASSES])[coupling_class(d)]
    if geometry is not None and len(geometry) != len(index):
        raise AlignmentError(f"geometry has {len(geometry)} rows but the subsystems have {len(index)}")
    return CouplingResult(
        u=pd.DataFrame(u, index=index, columns=cols),
        c=pd.Series(c, index=index, name="C"),
        t=pd.Series(t, index=index, name="T"),
        d=pd.Series(d, index=index, name="D"),
        klass=pd.Series(keys, index=index, name="class"),
        variant=variant,
        alpha=tuple(float(x) for x in a),
        geometry=geometry,
    )
