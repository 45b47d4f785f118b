"""Continuous core–periphery structure (Borgatti & Everett 1999), fitted as UCINET does.

:func:`coreness` is the kernel (minimum-residual fit of :math:`a_{ij} \\approx c_i c_j`
on a dense or sparse matrix); :func:`core_periphery` wraps it with the
core / semi-periphery / periphery split in a :class:`CorePeripheryResult`.

References
----------
Borgatti, S. P., & Everett, M. G. (1999). Models of core/periphery structures.
*Social Networks* 21, 375–395.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._validation import finite_array
from ..errors import AlignmentError, ConstantError, InputError, MissingValueError
from ..labels import CORE_PERIPHERY
from ..results import Summary, SummaryTable, UnitResult
from ._gravity import GravityResult
from ._units import _aligned_matrix, _node_frame

if TYPE_CHECKING:  # pragma: no cover
    from ..export import Style


# --------------------------------------------------------------------------
# kernels (pure functions on arrays)
# --------------------------------------------------------------------------
def coreness(matrix: Any, *, max_iter: int = 2000, tol: float = 1e-13) -> tuple[np.ndarray, float]:
    """Continuous core–periphery coreness (Borgatti & Everett 1999), fitted as UCINET does.

    The continuous model says tie strength is the product of the two units'
    coreness, :math:`a_{ij} \\approx c_i c_j`.  As UCINET's NETWORK > CORE/PERIPHERY
    > CONTINUOUS ("a vector C such that C·Cᵀ is as close as possible to the data"),
    c minimises the residual sum of squares over the off-diagonal cells
    (minimum-residual fit; the diagonal is ignored; an asymmetric matrix is
    symmetrised first, :math:`(A + A^T)/2`):

    .. math::  \\min_{c \\ge 0} \\sum_{i \\ne j} (a_{ij} - c_i c_j)^2
               = \\sum a_{ij}^2 - 2c^TAc + s_2^2 - s_4,

    with :math:`s_k = \\sum_i c_i^k`; gradient :math:`-4Ac + 4(s_2c - c^3)`.  The fit
    starts from the fixed point :math:`c_i = \\sum_{j\\ne i} a_{ij}c_j / \\sum_{j\\ne i} c_j^2`
    and is finished by L-BFGS-B; one evaluation costs one product :math:`Ac`
    (O(links) for a sparse matrix).  The fit statistic is the Pearson correlation
    ρ between the off-diagonal :math:`a_{ij}` and :math:`c_ic_j` (Borgatti & Everett's
    criterion).  Maximising ρ itself is not used: Pearson's ρ allows an affine
    map, so nearly equal c (:math:`c_ic_j \\approx 1 + \\epsilon(x_i + x_j)`) mimic an
    *additive* pattern and the optimum degenerates.

    Parameters
    ----------
    matrix : array-like or scipy sparse, shape (n, n)
        Tie strengths (≥ 0); the diagonal is ignored.
    max_iter : int
        Iterations of the fixed-point start and of L-BFGS-B.
    tol : float
        Convergence tolerance.

    Returns
    -------
    c : ndarray
        Coreness, normalised to unit length (:math:`\\sum_i c_i^2 = 1`).
    r : float
        ρ (1 for a perfect ideal pattern :math:`a = cc^T`).
    """
    import scipy.sparse as sps
    from scipy.optimize import minimize

    sparse = sps.issparse(matrix)
    if sparse:
        a = sps.csr_array(matrix, dtype=float)
        if not np.isfinite(a.data).all():
            raise MissingValueError("matrix has NaN or infinite entries")
    else:
        a = finite_array(matrix, "matrix", ndim=2)
    n = a.shape[0]
    if a.shape != (n, n):
        raise InputError(f"coreness needs a square matrix, got shape {a.shape}")
    a = (a + a.T) / 2.0
    if sparse:
        a = (a - sps.diags_array(a.diagonal())).tocsr()
        saa = float(a.multiply(a).sum())
    else:
        np.fill_diagonal(a, 0.0)
        saa = float((a * a).sum())
    if n < 3:
        raise InputError(f"coreness needs at least 3 units, got {n}")
    big_n = n * (n - 1)
    abar = float(a.sum()) / big_n
    anorm2 = saa - big_n * abar**2
    if anorm2 <= 1e-14 * max(saa, 1e-300):
        raise ConstantError(
            "all off-diagonal entries of the matrix are equal: there is no core–periphery structure to fit"
        )

    def ssr(c: np.ndarray) -> tuple[float, np.ndarray]:
        ac = a @ c
        s2 = float(c @ c)
        f = saa - 2.0 * float(c @ ac) + s2 * s2 - float((c**4).sum())
        return f / saa, (-4.0 * ac + 4.0 * (s2 * c - c**3)) / saa

    c = np.sqrt(np.clip(np.asarray(a.sum(axis=1)).ravel(), 0, None) / (n - 1)) + 1e-12
    for _ in range(100):
        denom = float(c @ c) - c * c
        c = np.clip((a @ c) / np.where(denom > 0, denom, 1.0), 0.0, None)
    if not np.any(c > 0):
        c = np.ones(n)
    res = minimize(ssr, c, jac=True, method="L-BFGS-B", bounds=[(0.0, None)] * n,
                   options={"maxiter": max_iter, "ftol": tol, "gtol": 1e-12})
    best = res.x if res.fun <= ssr(c)[0] else c
    norm = np.linalg.norm(best)
    if norm == 0:
        raise ConstantError("the matrix has no positive ties to fit a core–periphery model to")
    return best / norm, _cp_correlation(a, best, abar, anorm2, big_n)


def _cp_correlation(a: Any, c: np.ndarray, abar: float, anorm2: float, big_n: int) -> float:
    """Pearson ρ between off-diagonal a_ij and c_i c_j from sums (no n×n products)."""
    s1, s2, s4 = c.sum(), float(c @ c), float((c**4).sum())
    sp = s1 * s1 - s2
    pnorm2 = (s2 * s2 - s4) - sp * sp / big_n
    if pnorm2 <= 0:
        return float("nan")
    return float((c @ (a @ c) - abar * sp) / np.sqrt(anorm2 * pnorm2))


def _core_classes(c: np.ndarray, classes: Any) -> tuple[np.ndarray, tuple[float, float], str]:
    """Split coreness into core / semi-periphery / periphery keys."""
    if classes == "ucinet":
        lo, hi = 0.01, 0.1
        how = "convention of UCINET-based papers: core > 0.1, semi-periphery 0.01–0.1, periphery ≤ 0.01 (Σc² = 1)"
    elif isinstance(classes, tuple) and len(classes) == 2 and classes[0] == "quantile":
        qs = classes[1]
        if not (isinstance(qs, Sequence) and len(qs) == 2 and 0 < qs[0] < qs[1] < 1):
            raise InputError("classes=('quantile', (q_low, q_high)) needs 0 < q_low < q_high < 1")
        lo, hi = (float(v) for v in np.quantile(c, qs))
        how = f"quantiles {qs[0]:g}/{qs[1]:g} of coreness: core > {hi:.4g}, semi-periphery {lo:.4g}–{hi:.4g}"
    elif isinstance(classes, Sequence) and len(classes) == 2 and all(isinstance(v, (int, float)) for v in classes):
        lo, hi = float(classes[0]), float(classes[1])
        if not lo < hi:
            raise InputError(f"classes=(low, high) needs low < high, got {classes}")
        how = f"user thresholds: core > {hi:g}, semi-periphery {lo:g}–{hi:g}, periphery ≤ {lo:g}"
    else:
        raise InputError(
            f"classes={classes!r} is not supported; use 'ucinet', ('quantile', (q_low, q_high)) or (low, high)"
        )
    keys = np.where(c > hi, "core", np.where(c > lo, "semi_periphery", "periphery"))
    return keys, (lo, hi), how


@dataclass(frozen=True, eq=False)
class CorePeripheryResult(UnitResult):
    """Continuous core–periphery fit (Borgatti & Everett 1999): coreness and class per node.

    Attributes
    ----------
    ids, names : tuple
        Node ids and display names.
    coreness : ndarray
        :math:`c_i ≥ 0`, :math:`\\sum c_i^2 = 1`.
    classes : ndarray of str
        ``core`` / ``semi_periphery`` / ``periphery`` (see ``class_rule``).
    correlation : float
        Pearson correlation between the data and :math:`c_ic_j` (off-diagonal).
    thresholds : (low, high)
        Coreness cut points.
    class_rule : str
        How the classes were cut.
    matrix_kind : str
        The matrix fitted.
    points : GeoSeries or None
        Node points (EPSG:4490) indexed by id.

    References
    ----------
    Borgatti, S. P., & Everett, M. G. (1999). Models of core/periphery structures.
    Social Networks 21: 375–395.
    """

    ids: tuple
    names: tuple
    coreness: np.ndarray = field(repr=False)
    classes: np.ndarray = field(repr=False)
    correlation: float = float("nan")
    thresholds: tuple = (0.01, 0.1)
    class_rule: str = ""
    matrix_kind: str = "matrix"
    points: Any = field(default=None, repr=False)

    def to_frame(self) -> pd.DataFrame:
        """Per node: the units' ids/names/values, then label, coreness and class (key and Chinese).

        Returns
        -------
        DataFrame or GeoDataFrame
            Indexed by node id; unit polygons (or node points) when known.
        """
        lab = {x.key: x for x in CORE_PERIPHERY}
        frame = pd.DataFrame(
            {
                "label": list(self.names),
                "coreness": self.coreness,
                "cp_class": self.classes,
                "cp_class_zh": [lab[c].zh for c in self.classes],
            },
            index=pd.Index(self.ids, name="id"),
        )
        return _node_frame(frame, self.units, self.geometry if self.geometry is not None else self.points)

    def summary(self) -> Summary:
        """Coreness of every node and the number of nodes per class.

        Returns
        -------
        Summary
        """
        frame = pd.DataFrame(self.to_frame().drop(columns="geometry", errors="ignore")).set_index("label")
        frame = frame[["coreness", "cp_class", "cp_class_zh"]]
        frame = frame.sort_values("coreness", ascending=False)
        counts = frame["cp_class"].value_counts().reindex([x.key for x in CORE_PERIPHERY], fill_value=0)
        counts.index = [f"{x.zh} {x.en}" for x in CORE_PERIPHERY]
        return Summary(
            "Core–periphery structure (核心–边缘结构)",
            (
                SummaryTable("Coreness", frame, "{:.4f}"),
                SummaryTable("Classes", counts.to_frame("units"), "{:.0f}"),
            ),
            (
                (
                    f"Continuous Borgatti–Everett model fitted to the {self.matrix_kind} (symmetrised); "
                    f"correlation with c_i·c_j = {self.correlation:.4f}; Σ c² = 1."
                ),
                self.class_rule,
            ),
        )

    def _style(self) -> Style:
        return _cp_style()


def core_periphery(
    data: Any,
    *,
    classes: Any = "ucinet",
    names: Sequence[str] | None = None,
    geometry: Any = None,
    points: Any = None,
    matrix_kind: str = "matrix",
) -> CorePeripheryResult:
    """Continuous core–periphery coreness and classes of a (strength) matrix.

    Coreness c minimises :math:`\\sum_{i \\ne j} (a_{ij} - c_i c_j)^2` (see
    :func:`coreness`); classes cut c at two thresholds.

    Parameters
    ----------
    data : DataFrame, (n, n) array, GravityResult or LinkageNetwork
        The matrix, symmetrised as :math:`(A+A^T)/2`; diagonal ignored.
    classes : str or tuple
        ``"ucinet"`` — core > 0.1, semi-periphery 0.01–0.1, periphery ≤ 0.01,
        the convention of Chinese papers that run UCINET, applied to the
        unit-length coreness (Σc² = 1; UCINET does not document the scale it
        prints, so treat these cut points as a convention, and note that with
        Σc² = 1 typical values shrink like 1/√n: for large networks prefer
        quantiles); ``("quantile", (q_low, q_high))`` — scale-free; or explicit
        ``(low, high)``.
    names : sequence of str, optional
        Display names of an array's or DataFrame's units.
    geometry : GeoSeries, optional
        Unit geometry aligned to the units (for maps).
    points : GeoSeries, optional
        Node points aligned to the units.
    matrix_kind : str
        Description of the matrix (for the summary).

    Returns
    -------
    CorePeripheryResult
        Coreness and class per unit.

    References
    ----------
    Borgatti, S. P., & Everett, M. G. (1999). Models of core/periphery structures.
    Social Networks 21: 375–395.
    """
    from ._graph import LinkageNetwork

    matrix = data
    if isinstance(matrix, LinkageNetwork):
        return matrix.core_periphery(classes=classes)
    if isinstance(matrix, GravityResult):
        ids = list(matrix.ids)
        a = np.where(np.eye(len(ids), dtype=bool), 0.0, matrix.strength)
        c, r = coreness(a)
        units = matrix.units.set_axis(pd.Index(ids)) if matrix.units is not None else None
        return _cp_result(c, r, ids, matrix.names, classes, "gravity strength matrix", points=matrix.points, units=units)
    if isinstance(matrix, pd.DataFrame):
        ids = list(matrix.index)
        a = _aligned_matrix(matrix, ids, "matrix")
    else:
        a = np.asarray(matrix, dtype=float)
        ids = list(range(a.shape[0])) if a.ndim == 2 else []
        a = _aligned_matrix(a, ids, "matrix")
    a = np.where(np.eye(len(ids), dtype=bool), 0.0, a)
    c, r = coreness(a)
    if names is not None and len(names) != len(ids):
        raise AlignmentError(f"names has {len(names)} entries for {len(ids)} units")
    return _cp_result(c, r, ids, names if names is not None else ids, classes, matrix_kind,
                      points=points, geometry=geometry)


def _cp_result(c: np.ndarray, r: float, ids: Sequence[Any], names: Sequence[Any], classes: Any, kind: str,
               *, points: Any = None, geometry: Any = None, units: Any = None) -> CorePeripheryResult:
    keys, (lo, hi), how = _core_classes(c, classes)
    return CorePeripheryResult(
        ids=tuple(ids),
        names=tuple(str(x) for x in names),
        coreness=c,
        classes=keys,
        correlation=r,
        thresholds=(lo, hi),
        class_rule=how,
        matrix_kind=kind,
        points=points,
        geometry=geometry,
        units=units,
    )


def _cp_style(**kwargs: Any) -> Style:
    """Categorized style of the core–periphery classes (``cp_class``); ``kwargs`` go to
    :func:`spatialregion.export.categorized` (e.g. ``geometry="point"``, ``size_column``)."""
    from .. import export

    return export.label_style("cp_class", CORE_PERIPHERY, title="Core–periphery 核心–边缘", **kwargs)
