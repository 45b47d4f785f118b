"""Composite indices: entropy weights, entropy-TOPSIS and coupling coordination.

Every regional-economics paper first condenses 10–20 indicators into an index
by the entropy-weight method (熵权法) or entropy-TOPSIS, then measures how two
or more such indices ("subsystems") couple (耦合协调度).  This module holds
the three as vectorised kernels (plain arrays in, arrays out) under thin result
objects.

Layout: ``_table`` (input parsing and checks), ``_entropy`` (entropy and
TOPSIS kernels, :class:`EntropyResult`, :class:`TopsisResult`), ``_coupling``
(coupling coordination).

Calling convention
------------------
``entropy_weights(data, columns, *, directions=None, ...)``,
``entropy_topsis(data, columns, *, directions=None, ...)`` and
``coupling_coordination(data, columns, *, coefficients=None, variant=...)``:
the table first, then the indicator (or subsystem) columns in order.

Panels
------
``entropy_weights`` and ``entropy_topsis`` accept

* a cross-section: a DataFrame with one row per unit and one column per indicator;
* a **long** panel: the same plus ``id_column`` and ``period_column`` (one row
  per unit and period; balanced), read by the package's one panel reader.

``panel="pooled"`` (default) normalises and weights all unit-periods together,
so scores are comparable across periods (the usual choice for a time-space
study; the "global entropy" method); ``panel="per_period"`` repeats the method
for every period separately (weights and scores per period, not comparable
across periods).  Per-observation results (``scores``, ``closeness``) are
indexed by (id, period); ``to_frame()`` gives one row per unit with one
column per period.

References
----------
Shannon, C. E. (1948). A mathematical theory of communication.
Hwang, C.-L., Yoon, K. (1981). *Multiple Attribute Decision Making*. Springer (TOPSIS).
廖重斌 (1999). 环境与经济协调发展的定量评判及其分类体系. 热带地理 19(2): 171–177.
王淑佳, 孔伟, 任亮, 等 (2021). 国内耦合协调度模型的误区及修正. 自然资源学报 36(3): 793–810.
"""

from __future__ import annotations

from ._coupling import (
    CouplingResult,
    coupling_class,
    coupling_coordination,
    coupling_kernel,
)
from ._entropy import (
    EntropyResult,
    TopsisResult,
    entropy_kernel,
    entropy_topsis,
    entropy_weights,
    topsis_kernel,
)
from ._entropy import Normalize as Normalize
from ._entropy import Panel as Panel

__all__ = [
    "EntropyResult",
    "TopsisResult",
    "CouplingResult",
    "entropy_weights",
    "entropy_topsis",
    "coupling_coordination",
    "entropy_kernel",
    "topsis_kernel",
    "coupling_kernel",
    "coupling_class",
]
