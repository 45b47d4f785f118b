"""Coupling degree and coupling coordination (耦合协调度): kernel, classes and :class:`CouplingResult`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from .. import labels
from .._validation import check_choice, check_columns, check_unique_ids, describe_rows, finite_array, unit_labels
from ..errors import InputError
from ..results import Summary, SummaryTable, UnitResult, unit_columns


def coupling_kernel(
    u: np.ndarray, coefficients: np.ndarray, variant: str = "standard"
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Coupling degree C, comprehensive index T and coordination D of an (n × k) matrix.

    See :func:`coupling_coordination` for the formulas.  Rows whose
    subsystems are all 0 get C = 0 (and D = 0).

    Parameters
    ----------
    u : ndarray, shape (n, k)
        Subsystem indices in [0, 1].
    coefficients : ndarray, shape (k,)
        Subsystem coefficients of T (non-negative, summing to 1).
    variant : {"standard", "sqrt"}
        Form of C.

    Returns
    -------
    tuple of ndarray
        C, T and D, each of length n.
    """
    k = u.shape[1]
    total = u.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        geo = np.exp(np.log(u).sum(axis=1) / k)  # (Π U)^(1/k); 0 when any U = 0
    geo = np.where((u == 0).any(axis=1), 0.0, geo)
    factor = float(k) if variant == "standard" else 1.0
    c = np.where(total > 0, factor * geo / np.where(total == 0, 1.0, total), 0.0)
    c = np.clip(c, 0.0, 1.0)
    t = u @ coefficients
    d = np.sqrt(c * t)
    return c, t, d


def coupling_class(d: np.ndarray) -> np.ndarray:
    """Index 0–9 of the coordination class of D (廖重斌 1999; 0.1 steps).

    Class j holds ``j/10 <= D < (j+1)/10``; D = 1 falls in class 9.  D is
    rounded to 12 decimals first so that, e.g., a computed 0.30000000000000004
    or 0.29999999999999999 both count as 0.3 (class 3).

    Parameters
    ----------
    d : array-like
        Coordination degrees D in [0, 1].

    Returns
    -------
    ndarray of int
        Class index 0–9 of :data:`spatialregion.labels.COUPLING_CLASSES`.
    """
    d = np.round(np.asarray(d, dtype=float), 12)
    return np.clip(np.floor(d * 10 + 1e-9).astype(int), 0, 9)


# ---------------------------------------------------------------------------
# coupling coordination
# ---------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class CouplingResult(UnitResult):
    r"""Coupling degree C, comprehensive index T, coordination degree D and class (耦合协调度).

    Formulas in :func:`coupling_coordination`.

    Attributes
    ----------
    u : DataFrame
        Subsystem indices (one column each), rows as the input.
    c, t, d : Series
        Coupling degree, comprehensive development index, coordination degree.
    klass : Series
        Class key of D from :data:`spatialregion.labels.COUPLING_CLASSES`.
    variant : {"standard", "sqrt"}
        Form of C.
    coefficients : tuple of float
        Subsystem coefficients of T.

    References
    ----------
    廖重斌 (1999). 环境与经济协调发展的定量评判及其分类体系. 热带地理 19(2): 171–177.
    """

    u: pd.DataFrame
    c: pd.Series
    t: pd.Series
    d: pd.Series
    klass: pd.Series
    variant: str
    coefficients: tuple[float, ...]

    def to_frame(self) -> pd.DataFrame:
        """Ids and names, the subsystem columns, ``C``, ``T``, ``D``, ``class`` (key), ``class_zh``, ``class_en``.

        Returns
        -------
        DataFrame or GeoDataFrame
            Rows as the input; a GeoDataFrame when the input had geometry.
        """
        frame = self.u.copy()
        frame["C"] = self.c
        frame["T"] = self.t
        frame["D"] = self.d
        frame["class"] = self.klass
        lab = {x.key: x for x in labels.COUPLING_CLASSES}
        frame["class_zh"] = self.klass.map(lambda k: lab[k].zh)
        frame["class_en"] = self.klass.map(lambda k: lab[k].en)
        return self._unit_frame(frame)

    def summary(self) -> Summary:
        """Per-unit C, T, D and class, and the number of units per class.

        Returns
        -------
        Summary
        """
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
            f"{form}; T = Σ a_i U_i with coefficients a = {tuple(round(a, 4) for a in self.coefficients)}; D = √(C·T).",
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
    data: Any,
    columns: Sequence[str] | None = None,
    *,
    coefficients: Sequence[float] | None = None,
    variant: Literal["standard", "sqrt"] = "standard",
    id_column: str | None = None,
) -> CouplingResult:
    r"""Coupling coordination degree of n ≥ 2 subsystems (耦合协调度模型).

    For subsystem indices U_1 … U_n ∈ [0, 1] of each unit (row):

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
    * ``T = Σ a_i U_i`` with the subsystem coefficients a (Σ a = 1; default
      equal, 1/n; papers write α, β), ``D = √(C · T)``.
    * Class of D: ten classes at 0.1 steps (廖重斌 1999),
      :data:`spatialregion.labels.COUPLING_CLASSES`, 极度失调 [0, 0.1) …
      优质协调 [0.9, 1.0]; lower bound inclusive (see :func:`coupling_class`).

    Units whose subsystems are all 0 get C = 0 (C is 0/0 there) and D = 0.

    Parameters
    ----------
    data : DataFrame, GeoDataFrame or array of shape (n, k)
        One row per unit (or unit-period: any index is kept), one column per
        subsystem.  A GeoDataFrame gives a mappable result.
    columns : list of str
        The subsystem columns (2 or more), in the order of ``coefficients``.
        Required for a DataFrame; an array's columns are named U1 … Uk.
    coefficients : sequence of float, optional
        Subsystem coefficients of T (non-negative, summing to 1; default equal).
    variant : {"standard", "sqrt"}
        Form of C (see above).
    id_column : str, optional
        Unit id column carried into :meth:`~CouplingResult.to_frame`.

    Returns
    -------
    CouplingResult
        C, T, D and the class per row, with the input's ids and names.

    References
    ----------
    廖重斌 (1999). 环境与经济协调发展的定量评判及其分类体系. 热带地理 19(2): 171–177.
    王淑佳, 孔伟, 任亮, 等 (2021). 国内耦合协调度模型的误区及修正. 自然资源学报 36(3): 793–810.
    """
    check_choice("variant", variant, ("standard", "sqrt"))
    if isinstance(data, pd.DataFrame):
        if columns is None:
            raise InputError("pass columns=[...] naming the subsystem columns (2 or more) of the data")
        cols = check_columns(columns, data, what="subsystem columns")
        index = data.index
        check_unique_ids(index, "data index")
        if id_column is not None and id_column not in data.columns:
            raise InputError(f"id_column {id_column!r} not in the data; available: {list(data.columns)[:20]}")
        row_labels = unit_labels(data)
        u = finite_array(data[cols].to_numpy(dtype=float, na_value=np.nan), "subsystem values", row_labels, ndim=2)
        names = [str(c) for c in cols]
        units = unit_columns(data, index, id_column=id_column, values=cols)
        geometry = data.geometry if hasattr(data, "geometry") and "geometry" in data.columns else None
    else:
        if isinstance(data, pd.Series) or np.ndim(data) != 2:
            raise InputError(
                "data must be a DataFrame with the subsystem columns (coupling_coordination(df, ['U1', 'U2'])) "
                f"or an (n, k) array; got {type(data).__name__}"
            )
        u = finite_array(data, "subsystem values", ndim=2)
        index = pd.RangeIndex(u.shape[0])
        names = [str(c) for c in columns] if columns is not None else [f"U{j + 1}" for j in range(u.shape[1])]
        if len(names) != u.shape[1]:
            raise InputError(f"columns names {len(names)} subsystems but the array has {u.shape[1]} columns")
        units, geometry = None, None
        row_labels = list(index)
    k = u.shape[1]
    if k < 2:
        raise InputError(f"coupling coordination needs at least 2 subsystems, got {k}")
    for j, name in enumerate(names):
        bad = (u[:, j] < 0) | (u[:, j] > 1)
        if bad.any():
            raise InputError(
                f"subsystem {name!r} must lie in [0, 1] but has values outside in {describe_rows(np.asarray(row_labels, dtype=object)[bad])}; "
                "use normalised indices (e.g. entropy_weights(...).scores)"
            )
    if coefficients is None:
        a = np.full(k, 1.0 / k)
    else:
        a = finite_array(coefficients, "coefficients")
        if a.shape[0] != k or (a < 0).any() or not np.isclose(a.sum(), 1.0):
            raise InputError(f"coefficients={list(a)} must be {k} non-negative numbers summing to 1 (one per subsystem)")
    c, t, d = coupling_kernel(u, a, variant)
    keys = np.array([x.key for x in labels.COUPLING_CLASSES])[coupling_class(d)]
    return CouplingResult(
        u=pd.DataFrame(u, index=index, columns=names),
        c=pd.Series(c, index=index, name="C"),
        t=pd.Series(t, index=index, name="T"),
        d=pd.Series(d, index=index, name="D"),
        klass=pd.Series(keys, index=index, name="class"),
        variant=variant,
        coefficients=tuple(float(x) for x in a),
        geometry=geometry,
        units=units,
    )
