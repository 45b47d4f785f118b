"""Local Moran (LISA): moments, :func:`local_moran` and :class:`LocalMoranResult`
(formulas and the inference conventions in :mod:`spatialregion.autocorrelation`)."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from scipy import sparse

from .. import labels as _labels
from .._local import check_alternative, check_permutations, label_columns, local_input, p_from_z
from .._permutation import conditional_lag_counts, pseudo_p
from .._validation import check_choice, rng_from_seed
from ..errors import InputError
from ..results import Summary, SummaryTable, UnitResult
from ..weights import check_transform
from ._global import isolates

_QUADS = np.array(["", "HH", "LH", "LL", "HL"], dtype=object)
NO_NEIGHBOURS = _labels.NO_NEIGHBOURS


def local_moran_moments(Wt: sparse.csr_matrix, z: np.ndarray) -> dict[str, np.ndarray]:
    """Analytic moments of the local Moran I_i (Sokal, Oden & Thomson 1998).

    Parameters
    ----------
    Wt : sparse matrix (n, n)
        Transformed weights without diagonal.
    z : array (n,)
        Standardised values.

    Returns
    -------
    dict
        ``EI``, ``VI`` (total randomisation, eqs. A3–A4) and ``EIc``, ``VIc``
        (conditional, eqs. A7–A8), as esda's ``EI``, ``VI``, ``EIc``, ``VIc``.
    """
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
class LocalMoranResult(UnitResult):
    """Local Moran's I_i, analytic and permutation inference, LISA clusters.

    Parameters
    ----------
    index : pandas.Index
        Unit ids, the order of every array.
    Is : ndarray
        Local statistics (esda ``Is``).
    EI, VI : ndarray
        Analytic moments under total randomisation (esda ``EI``, ``VI``).
    z, p : ndarray
        Analytic z and normal p for ``alternative``.
    quadrant : ndarray of int
        1 HH, 2 LH, 3 LL, 4 HL (esda's ``q`` codes).
    cluster : ndarray of str
        ``"HH"``, ``"LL"``, ``"LH"``, ``"HL"`` where the p used is ``<= alpha``,
        else ``"ns"``; ``"no_neighbours"`` for islands.
    neighbors : ndarray of int
        Number of neighbours.
    p_sim : ndarray or None
        Conditional-permutation pseudo p for ``alternative`` (``"directed"``
        = GeoDa/esda's folded one-sided p, see the module docstring).
    z_sim : ndarray or None
        Standardised I_i against the simulated ones.
    sims : ndarray or None
        Simulated off-diagonal lags (``keep_simulations=True``).
    column : str or None
        The analysed column.
    transform : str
        Weights transform used.
    alternative : str
        Hypothesis of ``p`` and ``p_sim``.
    permutations : int
        Number of conditional permutations.
    alpha : float
        Significance level of the clusters.
    inference : str
        Which p decides the clusters (``"permutation"`` or ``"analytic"``).
    islands : tuple
        Ids of units without neighbours.
    weights_info : str
        Where the weights came from.
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
    sims: np.ndarray | None = field(default=None, repr=False)
    column: str | None = None
    transform: str = "R"
    alternative: str = "directed"
    permutations: int = 0
    alpha: float = 0.05
    inference: str = "permutation"
    islands: tuple[Hashable, ...] = ()
    weights_info: str = ""

    _layer: ClassVar[str] = "lisa"

    def to_frame(self) -> pd.DataFrame:
        """Per-unit table: unit columns, then Ii, z, p, [p_sim, z_sim], quadrant, cluster.

        Returns
        -------
        DataFrame or GeoDataFrame
            ``Ii``, ``z``, ``p``, [``p_sim``, ``z_sim``], ``quadrant``,
            ``cluster``, ``cluster_zh``, ``cluster_en``, ``NNeighbors`` after
            the id/name/value columns.
        """
        df = pd.DataFrame({"Ii": self.Is, "z": self.z, "p": self.p}, index=self.index)
        if self.p_sim is not None:
            df["p_sim"] = self.p_sim
            df["z_sim"] = self.z_sim
        df["quadrant"] = _QUADS[self.quadrant]
        df["cluster"] = self.cluster
        df["cluster_zh"], df["cluster_en"] = label_columns(self.cluster, (*_labels.LISA_CLUSTERS, NO_NEIGHBOURS))
        df["NNeighbors"] = self.neighbors
        return self._unit_frame(df)

    def _style(self):
        from .. import export

        order = ["HH", "LL", "LH", "HL", "ns"]
        table = [next(lab for lab in _labels.LISA_CLUSTERS if lab.key == k) for k in order]
        if (self.cluster == NO_NEIGHBOURS.key).any():
            table.append(NO_NEIGHBOURS)
        return export.label_style("cluster", table, title=f"LISA 集聚 (p ≤ {self.alpha})")

    def summary(self) -> Summary:
        """Cluster counts and the settings.

        Returns
        -------
        Summary
        """
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
        notes = ["I_i = (n−1) z_i Σ_j w_ij z_j / Σ_k z_k² (Anselin 1995; esda Moran_Local)."]
        if self.alternative == "directed" and self.inference == "permutation":
            notes.append("p_sim as GeoDa/esda: (M+1)/(R+1), permutation distribution folded toward the observed side.")
        return Summary(
            f"Local Moran (LISA) — {self.column or 'values'}",
            (
                SummaryTable("Clusters and outliers", pd.DataFrame(rows).set_index("cluster")),
                SummaryTable("Settings", pd.DataFrame({"value": [str(v) for v in settings.values()]}, index=list(settings))),
            ),
            tuple(notes),
        )


def local_moran(
    data: Any,
    column: str | None = None,
    *,
    weights: Any = None,
    id_column: str | None = None,
    transform: str = "R",
    permutations: int = 999,
    seed: int | np.random.Generator | None = None,
    alpha: float = 0.05,
    alternative: str = "directed",
    inference: str | None = None,
    keep_simulations: bool = False,
    progress: bool | None = None,
) -> LocalMoranResult:
    """Local Moran's I (LISA) with HH/LL/LH/HL clusters at significance ``alpha``.

    ``I_i = (n − 1) z_i Σ_j w_ij z_j / Σ_k z_k²`` (Anselin 1995), equal to
    ``esda.Moran_Local`` for ``Is``, ``EI``, ``VI`` and the quadrants.  The
    default inference is GeoDa's and esda's: conditional permutation,
    ``p_sim`` folded toward the observed side, ``(M + 1)/(R + 1)``
    (``alternative="directed"``), so the default cluster map is GeoDa's up to
    Monte-Carlo noise (different random streams).  It differs from esda
    beyond that noise only where simulated I_i tie the observed one (binary or
    few-valued data): ties count in both tails here, in the upper one only
    in esda, whose p is then too small (see the module docstring).

    Parameters
    ----------
    data : GeoDataFrame, DataFrame, Series or array
        The units; with a (Geo)DataFrame pass ``column``.
    column : str, optional
        The analysed numeric column.
    weights : Graph, W, sparse matrix, method name or None
        Spatial weights aligned by id; default None = queen contiguity of a
        GeoDataFrame.
    id_column : str, optional
        Column with the unit ids that match the weights (default: the index).
    transform : {"R", "B", "O"}, default "R"
        Row-standardised (GeoDa/esda), binary or as given.  Any case.
    permutations : int, default 999
        Conditional permutations (0: analytic inference only).
    seed : int, Generator or None
        Randomness of the permutations.
    alpha : float, default 0.05
        Significance level of the clusters.
    alternative : {"directed", "two-sided", "greater", "less"}, default "directed"
        Hypothesis of ``p`` and ``p_sim``: ``"directed"`` is GeoDa/esda's
        folded one-sided pseudo p; ``"two-sided"`` doubles it.
    inference : {"permutation", "analytic"}, optional
        Which p decides the clusters (default: ``"permutation"`` when
        ``permutations > 0``).
    keep_simulations : bool
        Keep the simulated lags in ``sims``.
    progress : bool or None
        Progress bar for permutations (None: only on long runs).

    Returns
    -------
    LocalMoranResult

    References
    ----------
    Anselin, L. (1995). Local indicators of spatial association — LISA.
    *Geographical Analysis* 27(2), 93–115.
    """
    transform = check_transform(transform)
    check_alternative(alternative)
    permutations = check_permutations(permutations)
    if inference is None:
        inference = "permutation" if permutations else "analytic"
    check_choice("inference", inference, ("analytic", "permutation"))
    if inference == "permutation" and not permutations:
        raise InputError("inference='permutation' needs permutations > 0 (e.g. 999)")
    if not 0 < alpha < 1:
        raise InputError(f"alpha must be in (0, 1), got {alpha!r}")
    li = local_input(data, column, weights, transform=transform, id_column=id_column, what="local Moran", min_n=3)
    x, index, Wt = li.x, li.index, li.matrix
    n = x.size
    z = (x - x.mean()) / x.std()
    den = float(z @ z)
    lag = Wt @ z
    Is = (n - 1) * z * lag / den
    mom = local_moran_moments(Wt, z)
    iso = isolates(Wt)
    with np.errstate(divide="ignore", invalid="ignore"):
        zI = (Is - mom["EI"]) / np.sqrt(mom["VI"])
    zI[iso] = np.nan
    p = p_from_z(zI, alternative)
    quad = np.where(z > 0, np.where(lag > 0, 1, 4), np.where(lag > 0, 2, 3)).astype(np.int64)
    p_sim = z_sim = sims = None
    if permutations:
        sim = conditional_lag_counts(
            Wt.indptr, Wt.indices, Wt.data, z, lag, permutations, rng_from_seed(seed),
            keep=keep_simulations, progress=progress, desc="local Moran permutations",
        )
        # I_i = c z_i lag_i: for z_i < 0 the tails of the lag swap; z_i = 0 ties every draw
        pos, neg = z > 0, z < 0
        ge = np.where(pos, sim["ge"], np.where(neg, sim["le"], permutations))
        le = np.where(pos, sim["le"], np.where(neg, sim["ge"], permutations))
        p_sim = pseudo_p(ge, le, permutations, alternative)
        with np.errstate(divide="ignore", invalid="ignore"):
            z_sim = np.sign(z) * (lag - sim["mean"]) / sim["std"]
        p_sim[iso] = np.nan
        z_sim[iso] = np.nan
        sims = sim.get("sims")
    p_sig = p_sim if inference == "permutation" else p
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
        column=li.column,
        transform=transform,
        alternative=alternative,
        permutations=permutations,
        alpha=float(alpha),
        inference=inference,
        islands=tuple(index[iso]),
        weights_info=li.info,
        geometry=li.geometry,
        units=li.units,
    )
