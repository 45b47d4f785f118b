"""Spatial autocorrelation: global Moran's I and local Moran (LISA) clusters.

Global Moran's I (Moran 1950; Cliff & Ord 1981)
-----------------------------------------------
With deviations ``z_i = x_i - xbar`` and weights ``w_ij`` (row-standardised
by default, ``transform="R"``; ``"B"`` binary)::

    I = (n / S0) * sum_ij w_ij z_i z_j / sum_i z_i^2,     E[I] = -1/(n - 1)

``S0 = sum_ij w_ij``, ``S1 = 1/2 sum_ij (w_ij + w_ji)^2``,
``S2 = sum_i (w_i. + w_.i)^2``.  Variance under normality
``V_N = (n^2 S1 - n S2 + 3 S0^2) / ((n^2 - 1) S0^2) - E[I]^2`` and under
randomisation ``V_R = [n((n^2-3n+3) S1 - n S2 + 3 S0^2) - b2((n^2-n) S1 - 2n S2
+ 6 S0^2)] / ((n-1)(n-2)(n-3) S0^2) - E[I]^2`` with kurtosis
``b2 = n sum z^4 / (sum z^2)^2`` — the formulas of ``esda.Moran``.
``p_sim`` from ``permutations`` random relabellings of all values.

Local Moran (Anselin 1995)
--------------------------
With standardised values ``z_i = (x_i - xbar)/s`` (population s.d.)::

    I_i = (n - 1) z_i sum_j w_ij z_j / sum_k z_k^2

(``esda.Moran_Local``).  Analytic moments under total randomisation (Sokal,
Oden & Thomson 1998, eqs. A3–A4, as esda's ``EI``/``VI``)::

    E[I_i] = -w_i. / (n - 1)
    V[I_i] = w_i(2) (n - b2)/(n - 1) + (w_i.^2 - w_i(2)) (2 b2 - n)/((n-1)(n-2)) - E[I_i]^2

with ``w_i(2) = sum_j w_ij^2`` and ``b2 = m4/m2^2``; ``z = (I_i - E)/sqrt(V)``.
``p_sim``: conditional permutation (``z_i`` fixed), see
:mod:`spatialregion._permutation`.  Quadrants as esda/GeoDa: HH (z > 0, lag
> 0), LH (z <= 0, lag > 0), LL (z <= 0, lag <= 0), HL (z > 0, lag <= 0);
a unit is a cluster/outlier when its p (``p_sim`` by default) is ``<= alpha``.

p-values follow ``alternative``: ``"two-sided"`` (default), ``"greater"``,
``"less"`` or ``"directed"`` — the last is esda's/GeoDa's pseudo p
(``(1 + min(#sim >= I, #sim <= I)) / (1 + permutations)``, the tail the
statistic lies in) and ``2 (1 - Phi(|z|))``-halved for the analytic p.
Two-sided permutation p is ``min(1, 2 p_directed)``.

Units without neighbours (islands) have a zero lag: they add nothing to the
global I (S0 counts only real links) and get ``I_i = 0``, ``z``/``p``/``p_sim``
NaN and the cluster ``"no_neighbours"`` locally; their ids are reported.

References
----------
Anselin, L. (1995). Local indicators of spatial association — LISA.
*Geographical Analysis* 27(2), 93–115.
Cliff, A. D., Ord, J. K. (1981). *Spatial Processes*. Pion.
Sokal, R. R., Oden, N. L., Thomson, B. A. (1998). Local spatial
autocorrelation in a biological model. *Geographical Analysis* 30(4), 331–354.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from . import labels as _labels
from ._permutation import conditional_lag_counts, pseudo_p
from ._validation import check_choice, rng_from_seed
from .errors import InputError
from .hotspots import NO_NEIGHBOURS, _frame_geo, _local_input, _geometry_of, _label_cols, _p_from_z
from .results import Result, Summary, SummaryTable

__all__ = ["MoranResult", "LocalMoranResult", "moran", "local_moran", "transform_weights", "moran_moments"]

_QUADS = np.array(["", "HH", "LH", "LL", "HL"], dtype=object)


# ---------------------------------------------------------------------------
# kernels
# ---------------------------------------------------------------------------
def transform_weights(A: sparse.csr_matrix, transform: str) -> sparse.csr_matrix:
    """Binary (``"B"``) or row-standardised (``"R"``) copy of off-diagonal CSR
    weights; rows without neighbours stay zero."""
    A = sparse.csr_matrix(A)
    if transform == "B":
        return sparse.csr_matrix((np.ones_like(A.data, dtype=float), A.indices, A.indptr), shape=A.shape)
    rs = np.asarray(A.sum(axis=1)).ravel()
    inv = np.divide(1.0, rs, out=np.zeros_like(rs), where=rs > 0)
    k = np.diff(A.indptr)
    return sparse.csr_matrix((A.data * np.repeat(inv, k), A.indices, A.indptr), shape=A.shape)


def moran_moments(Wt: sparse.csr_matrix, z: np.ndarray) -> dict[str, float]:
    """S0, S1, S2, E[I], V_N, V_R of global Moran's I (module docstring)."""
    n = z.shape[0]
    S0 = float(Wt.sum())
    sym = Wt + Wt.T
    S1 = 0.5 * float(sym.multiply(sym).sum())
    rows = np.asarray(Wt.sum(axis=1)).ravel()
    cols = np.asarray(Wt.sum(axis=0)).ravel()
    S2 = float(((rows + cols) ** 2).sum())
    EI = -1.0 / (n - 1)
    VN = (n * n * S1 - n * S2 + 3 * S0 * S0) / ((n - 1) * (n + 1) * S0 * S0) - EI**2
    m2 = float((z**2).sum()) / n
    b2 = float((z**4).sum()) / n / m2**2
    A_ = n * ((n * n - 3 * n + 3) * S1 - n * S2 + 3 * S0 * S0)
    B_ = b2 * ((n * n - n) * S1 - 2 * n * S2 + 6 * S0 * S0)
    VR = (A_ - B_) / ((n - 1) * (n - 2) * (n - 3) * S0 * S0) - EI**2
    return {"S0": S0, "S1": S1, "S2": S2, "EI": EI, "VI_norm": VN, "VI_rand": VR, "b2": b2}


def _isolates(Wt: sparse.csr_matrix) -> np.ndarray:
    return np.diff(Wt.indptr) == 0


# ---------------------------------------------------------------------------
# global Moran
# ---------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class MoranResult(Result):
    """Global Moran's I with analytic (normality, randomisation) and permutation inference.

    ``p_norm``/``p_rand``/``p_sim`` follow ``alternative`` (module docstring).
    ``z`` and ``lag`` (standardised values and their spatial lag) drive the
    Moran scatter plot.
    """

    I: float  # noqa: E741
    EI: float
    VI_norm: float
    VI_rand: float
    z_norm: float
    z_rand: float
    p_norm: float
    p_rand: float
    n: int
    S0: float
    z: np.ndarray
    lag: np.ndarray
    index: pd.Index
    p_sim: float | None = None
    z_sim: float | None = None
    EI_sim: float | None = None
    seI_sim: float | None = None
    sims: np.ndarray | None = None
    column: str | None = None
    transform: str = "R"
    alternative: str = "two-sided"
    permutations: int = 0
    islands: tuple[Hashable, ...] = ()
    weights_info: str = ""

    def to_frame(self) -> pd.DataFrame:
        """One row: I, E[I], variances, z and p (analytic and permutation)."""
        row = {
            "I": self.I, "EI": self.EI, "VI_norm": self.VI_norm, "VI_rand": self.VI_rand,
            "z_norm": self.z_norm, "p_norm": self.p_norm, "z_rand": self.z_rand, "p_rand": self.p_rand,
            "p_sim": self.p_sim, "z_sim": self.z_sim, "n": self.n, "transform": self.transform,
            "permutations": self.permutations, "alternative": self.alternative,
        }
        return pd.DataFrame([row], index=pd.Index([self.column or "values"], name="column"))

    def summary(self) -> Summary:
        frame = pd.DataFrame(
            {
                "value": [self.I, self.EI, self.z_norm, self.p_norm, self.z_rand, self.p_rand,
                          np.nan if self.p_sim is None else self.p_sim, np.nan if self.z_sim is None else self.z_sim],
            },
            index=["Moran's I", "E[I]", "z (normality)", "p (normality)", "z (randomisation)", "p (randomisation)",
                   f"p_sim ({self.permutations} permutations)", "z_sim"],
        )
        notes = [
            f"{self.n} units, weights transform {self.transform!r}, alternative {self.alternative!r}; {self.weights_info}",
        ]
        if self.islands:
            notes.append(f"Units without neighbours (zero lag, not in S0): {', '.join(map(str, self.islands))}.")
        return Summary(f"Global Moran's I — {self.column or 'values'}", (SummaryTable("Moran's I", frame),), tuple(notes))

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Moran scatter plot: standardised value vs its spatial lag, slope I."""
        import matplotlib.pyplot as plt

        from . import maps

        maps.use_cjk_font()
        if ax is None:
            _, ax = plt.subplots(figsize=(5.5, 5.0))
        ax.scatter(self.z, self.lag, s=kwargs.pop("s", 18), color=kwargs.pop("color", "#4d4d4d"), **kwargs)
        lim = np.nanmax(np.abs(np.r_[self.z, self.lag])) * 1.1
        xs = np.array([-lim, lim])
        b = np.polyfit(self.z, self.lag, 1)[0] if self.z.size > 1 else self.I
        ax.plot(xs, b * xs, color="#b2182b", lw=1.2, label=f"Moran's I = {self.I:.3f}")
        ax.axhline(0, color="#999999", lw=0.6)
        ax.axvline(0, color="#999999", lw=0.6)
        ax.set_xlabel(f"{self.column or 'value'} (standardised)")
        ax.set_ylabel("spatial lag 空间滞后")
        ax.set_title("Moran 散点图 Moran scatter plot")
        ax.legend(loc="upper left", frameon=False)
        return ax


def moran(
    data: Any,
    column: str | None = None,
    weights: Any = None,
    *,
    transform: str = "R",
    permutations: int = 999,
    seed: int | np.random.Generator | None = None,
    alternative: str = "two-sided",
    keep_simulations: bool = False,
) -> MoranResult:
    """Global Moran's I (equal to ``esda.Moran`` for the statistic, moments and z).

    Parameters
    ----------
    data, column : as :func:`spatialregion.hotspots.getis_ord`.
    weights : Graph or W (default: queen contiguity of a GeoDataFrame).
    transform : {"R", "B"}, default "R"
        Row-standardised (conventional for Moran) or binary.
    permutations : int, default 999
        Random relabellings for ``p_sim`` (0 to skip).
    seed : int, Generator or None
    alternative : {"two-sided", "greater", "less", "directed"}
        ``"greater"`` tests positive autocorrelation.
    """
    from .hotspots import _check_common

    transform = _check_common(transform, alternative, permutations)
    x, index, A, info = _local_input(data, column, weights, what="Moran's I (randomisation moments)", min_n=4)
    Wt = transform_weights(A, transform)
    if Wt.nnz == 0:
        raise InputError("the weights have no links; Moran's I is undefined")
    n = x.size
    zc = x - x.mean()
    z2ss = float(zc @ zc)
    mom = moran_moments(Wt, zc)
    lag = Wt @ zc
    I = n / mom["S0"] * float(zc @ lag) / z2ss  # noqa: E741
    z_norm = (I - mom["EI"]) / np.sqrt(mom["VI_norm"])
    z_rand = (I - mom["EI"]) / np.sqrt(mom["VI_rand"])
    p_sim = z_sim = EI_sim = seI_sim = sims = None
    if permutations:
        rng = rng_from_seed(seed)
        sims = np.empty(permutations)
        chunk = max(1, min(permutations, int(4e6 // n)))
        for s in range(0, permutations, chunk):
            c = min(chunk, permutations - s)
            zp = rng.permuted(np.broadcast_to(zc, (c, n)), axis=1)
            lagp = Wt @ zp.T
            sims[s : s + c] = n / mom["S0"] * np.einsum("ij,ji->i", zp, lagp) / z2ss
        ge = np.array([(sims >= I).sum()])
        le = np.array([(sims <= I).sum()])
        p_sim = float(pseudo_p(ge, le, permutations, alternative)[0])
        EI_sim = float(sims.mean())
        seI_sim = float(sims.std())
        z_sim = (I - EI_sim) / seI_sim if seI_sim > 0 else np.nan
        if not keep_simulations:
            sims = None
    sd = x.std()
    return MoranResult(
        I=float(I),
        EI=mom["EI"],
        VI_norm=mom["VI_norm"],
        VI_rand=mom["VI_rand"],
        z_norm=float(z_norm),
        z_rand=float(z_rand),
        p_norm=float(_p_from_z(np.array([z_norm]), alternative)[0]),
        p_rand=float(_p_from_z(np.array([z_rand]), alternative)[0]),
        n=n,
        S0=mom["S0"],
        z=zc / sd,
        lag=(Wt @ (zc / sd)),
        index=index,
        p_sim=p_sim,
        z_sim=z_sim,
        EI_sim=EI_sim,
        seI_sim=seI_sim,
        sims=sims,
        column=column if isinstance(column, str) else None,
        transform=transform,
        alternative=alternative,
        permutations=int(permutations),
        islands=tuple(index[_isolates(Wt)]),
        weights_info=info,
        geometry=_geometry_of(data),
    )


# ---------------------------------------------------------------------------
# local Moran
# ---------------------------------------------------------------------------
def local_moran_moments(Wt: sparse.csr_matrix, z: np.ndarray) -> dict[str, np.ndarray]:
    """Analytic moments of I_i: total randomisation (E, V) and conditional
    (Ec, Vc; Sokal et al. 1998 eqs. A7–A8), as esda's EI, VI, EIc, VIc."""
    n = z.shape[0]
    m2 = float((z * z).sum()) / n
    wi = np.asarray(Wt.sum(axis=1)).ravel()
    wi2 = np.asarray(Wt.multiply(Wt).sum(axis=1)).ravel()
    b2 = float((z**4).sum()) / n / m2**2
    E = -wi / (n - 1)
    V = wi2 * (n - b2) / (n - 1) + (wi**2 - wi2) * (2 * b2 - n) / ((n - 1) * (n - 2)) - E**2
    Ec = -(z**2 * wi) / ((n - 1) * m2)
    Vc = (z / m2) ** 2 * (n / (n - 2)) * (wi2 - wi**2 / (n - 1)) * (m2 - z**2 / (n - 1))
    return {"EI": E, "VI": V, "EIc": Ec, "VIc": Vc}


@dataclass(frozen=True, eq=False)
class LocalMoranResult(Result):
    """Local Moran's I_i, analytic and permutation inference, LISA clusters.

    Attributes
    ----------
    Is : local statistics (esda ``Is``); EI, VI : analytic moments (total
    randomisation); z, p : analytic z and p (``alternative``); p_sim, z_sim :
    conditional permutation; quadrant : 1 HH, 2 LH, 3 LL, 4 HL (esda codes);
    cluster : LISA_CLUSTERS keys ("HH", "LL", "LH", "HL", "ns") or
    "no_neighbours"; alpha, inference : the significance rule used.
    """

    index: pd.Index
    Is: np.ndarray
    EI: np.ndarray
    VI: np.ndarray
    z: np.ndarray
    p: np.ndarray
    quadrant: np.ndarray
    cluster: np.ndarray
    neighbors: np.ndarray
    p_sim: np.ndarray | None = None
    z_sim: np.ndarray | None = None
    sims: np.ndarray | None = None
    column: str | None = None
    transform: str = "R"
    alternative: str = "two-sided"
    permutations: int = 0
    alpha: float = 0.05
    inference: str = "permutation"
    islands: tuple[Hashable, ...] = ()
    weights_info: str = ""

    def to_frame(self) -> pd.DataFrame:
        """Ii, z, p, [p_sim, z_sim], quadrant, cluster, cluster_zh, cluster_en, NNeighbors."""
        df = pd.DataFrame({"Ii": self.Is, "z": self.z, "p": self.p}, index=self.index)
        if self.p_sim is not None:
            df["p_sim"] = self.p_sim
            df["z_sim"] = self.z_sim
        df["quadrant"] = _QUADS[self.quadrant]
        df["cluster"] = self.cluster
        df["cluster_zh"], df["cluster_en"] = _label_cols(self.cluster, (*_labels.LISA_CLUSTERS, NO_NEIGHBOURS))
        df["NNeighbors"] = self.neighbors
        return _frame_geo(df, self.geometry)

    def _style(self):
        from . import export

        order = ["HH", "LL", "LH", "HL", "ns"]
        table = [next(lab for lab in _labels.LISA_CLUSTERS if lab.key == k) for k in order]
        if (self.cluster == NO_NEIGHBOURS.key).any():
            table.append(NO_NEIGHBOURS)
        return export.label_style("cluster", table, title=f"LISA 集聚 (p ≤ {self.alpha})")

    def to_gpkg(self, path: Any, layer: str | None = None, **kwargs: Any) -> Any:
        from . import export

        return export.to_gpkg(self._geo_frame(), path, layer=layer or "lisa", style=self._style(), **kwargs)

    def summary(self) -> Summary:
        rows = []
        for key in ["HH", "LL", "LH", "HL", "ns", NO_NEIGHBOURS.key]:
            sel = self.cluster == key
            if key == NO_NEIGHBOURS.key and not sel.any():
                continue
            lab = NO_NEIGHBOURS if key == NO_NEIGHBOURS.key else next(lab for lab in _labels.LISA_CLUSTERS if lab.key == key)
            rows.append({"cluster": key, "中文": lab.zh, "English": lab.en, "units": int(sel.sum()), "share": float(sel.mean())})
        settings = {
            "column": self.column, "units": len(self.index), "weights transform": self.transform,
            "significance": f"{'p_sim' if self.inference == 'permutation' else 'analytic p'} <= {self.alpha} ({self.alternative})",
            "permutations": self.permutations, "islands": ", ".join(map(str, self.islands)) or "none",
            "weights": self.weights_info,
        }
        return Summary(
            f"Local Moran (LISA) — {self.column or 'values'}",
            (
                SummaryTable("Clusters and outliers", pd.DataFrame(rows).set_index("cluster")),
                SummaryTable("Settings", pd.DataFrame({"value": [str(v) for v in settings.values()]}, index=list(settings))),
            ),
            ("I_i = (n−1) z_i Σ_j w_ij z_j / Σ_k z_k² (Anselin 1995; esda Moran_Local).",),
        )


def local_moran(
    data: Any,
    column: str | None = None,
    weights: Any = None,
    *,
    transform: str = "R",
    permutations: int = 999,
    seed: int | np.random.Generator | None = None,
    alpha: float = 0.05,
    alternative: str = "two-sided",
    inference: str | None = None,
    keep_simulations: bool = False,
    progress: bool | None = None,
) -> LocalMoranResult:
    """Local Moran's I (LISA) with HH/LL/LH/HL clusters at significance ``alpha``.

    Equal to ``esda.Moran_Local`` for ``Is``, ``EI``, ``VI`` (hence the
    analytic z); ``p_sim`` from our conditional permutation (same null as
    esda, different random streams).  ``inference`` (default: "permutation"
    when ``permutations > 0``, else "analytic") picks the p used for clusters.
    ``alternative="directed"`` reproduces esda/GeoDa's pseudo p.
    """
    from .hotspots import _check_common

    transform = _check_common(transform, alternative, permutations)
    if inference is None:
        inference = "permutation" if permutations else "analytic"
    check_choice("inference", inference, ("analytic", "permutation"))
    if inference == "permutation" and not permutations:
        raise InputError("inference='permutation' needs permutations > 0 (e.g. 999)")
    if not 0 < alpha < 1:
        raise InputError(f"alpha must be in (0, 1), got {alpha!r}")
    x, index, A, info = _local_input(data, column, weights, what="local Moran", min_n=3)
    Wt = transform_weights(A, transform)
    n = x.size
    z = (x - x.mean()) / x.std()
    den = float(z @ z)
    lag = Wt @ z
    Is = (n - 1) * z * lag / den
    mom = local_moran_moments(Wt, z)
    iso = _isolates(Wt)
    with np.errstate(divide="ignore", invalid="ignore"):
        zI = (Is - mom["EI"]) / np.sqrt(mom["VI"])
    zI[iso] = np.nan
    p = _p_from_z(zI, alternative)
    quad = np.where(z > 0, np.where(lag > 0, 1, 4), np.where(lag > 0, 2, 3)).astype(np.int64)
    p_sim = z_sim = sims = None
    if permutations:
        sim = conditional_lag_counts(
            Wt.indptr, Wt.indices, Wt.data, z, lag, int(permutations), rng_from_seed(seed),
            keep=keep_simulations, progress=progress, desc="local Moran permutations",
        )
        pos, neg = z > 0, z < 0
        ge = np.where(pos, sim["ge"], np.where(neg, sim["le"], permutations))
        le = np.where(pos, sim["le"], np.where(neg, sim["ge"], permutations))
        p_sim = pseudo_p(ge, le, int(permutations), alternative)
        with np.errstate(divide="ignore", invalid="ignore"):
            z_sim = np.sign(z) * (lag - sim["mean"]) / sim["std"]
        p_sim[iso] = np.nan
        z_sim[iso] = np.nan
        sims = sim.get("sims")
    p_sig = pseudo_p(ge, le, int(permutations), alternative) if inference == "permutation" else p
    sig = np.nan_to_num(p_sig, nan=2.0) <= alpha
    cluster = np.where(sig, _QUADS[quad], "ns").astype(object)
    cluster[iso] = NO_NEIGHBOURS.key
    return LocalMoranResult(
        index=index,
        Is=Is,
        EI=mom["EI"],
        VI=mom["VI"],
        z=zI,
        p=p,
        quadrant=quad,
        cluster=cluster,
        neighbors=np.diff(Wt.indptr).astype(np.int64),
        p_sim=p_sim,
        z_sim=z_sim,
        sims=sims,
        column=column if isinstance(column, str) else None,
        transform=transform,
        alternative=alternative,
        permutations=int(permutations),
        alpha=float(alpha),
        inference=inference,
        islands=tuple(index[iso]),
        weights_info=info,
        geometry=_geometry_of(data),
    )
