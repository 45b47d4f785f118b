"""Global Moran's I: moments, :func:`moran` and :class:`MoranResult` (formulas in :mod:`spatialregion.autocorrelation`)."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from .._local import check_alternative, check_permutations, local_input, p_from_z
from .._permutation import pseudo_p
from .._validation import rng_from_seed
from ..errors import InputError
from ..results import Summary, SummaryTable, TableResult
from ..weights import check_transform


def moran_moments(Wt: sparse.csr_matrix, z: np.ndarray) -> dict[str, float]:
    """Moments of global Moran's I under normality and randomisation (Cliff & Ord 1981).

    Parameters
    ----------
    Wt : sparse matrix (n, n)
        Transformed weights without diagonal.
    z : array (n,)
        Centred values.

    Returns
    -------
    dict
        ``S0``, ``S1``, ``S2``, ``EI``, ``VI_norm``, ``VI_rand``, ``b2``
        (formulas in :mod:`spatialregion.autocorrelation`).
    """
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


def isolates(Wt: sparse.csr_matrix) -> np.ndarray:
    """Boolean mask of units without neighbours (empty CSR rows)."""
    return np.diff(Wt.indptr) == 0


# ---------------------------------------------------------------------------
# global Moran
# ---------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class MoranResult(TableResult):
    """Global Moran's I with analytic (normality, randomisation) and permutation inference.

    Parameters
    ----------
    I : float
        Moran's I.
    EI : float
        E[I] = −1/(n − 1).
    VI_norm, VI_rand : float
        Variance under normality and under randomisation.
    z_norm, z_rand : float
        (I − E[I]) / √V.
    p_norm, p_rand : float
        Normal p-values of ``z_norm``/``z_rand`` for ``alternative``.
    n : int
        Number of units.
    S0 : float
        Sum of the weights.
    z : ndarray
        Standardised values (x − x̄)/s of the scatter plot.
    lag : ndarray
        Spatial lag of ``z``.
    index : pandas.Index
        Unit ids of ``z`` and ``lag``.
    p_sim : float or None
        Permutation pseudo p for ``alternative`` (``"directed"``: esda's ``p_sim``).
    z_sim, EI_sim, seI_sim : float or None
        Standardised I and the mean and s.d. of the simulated I.
    sims : ndarray or None
        The simulated I (``keep_simulations=True``).
    column : str or None
        The analysed column.
    transform : str
        ``"R"``, ``"B"`` or ``"O"``.
    alternative : str
        Hypothesis of the p-values.
    permutations : int
        Number of random relabellings.
    islands : tuple
        Ids of units without neighbours.
    weights_info : str
        Where the weights came from.
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
    sims: np.ndarray | None = field(default=None, repr=False)
    column: str | None = None
    transform: str = "R"
    alternative: str = "two-sided"
    permutations: int = 0
    islands: tuple[Hashable, ...] = ()
    weights_info: str = ""

    def to_frame(self) -> pd.DataFrame:
        """One tidy row per analysed column: I, E[I], variances, z and p.

        Returns
        -------
        DataFrame
            Indexed by ``column``.
        """
        row = {
            "I": self.I, "EI": self.EI, "VI_norm": self.VI_norm, "VI_rand": self.VI_rand,
            "z_norm": self.z_norm, "p_norm": self.p_norm, "z_rand": self.z_rand, "p_rand": self.p_rand,
            "p_sim": self.p_sim, "z_sim": self.z_sim, "n": self.n, "transform": self.transform,
            "permutations": self.permutations, "alternative": self.alternative,
        }
        return pd.DataFrame([row], index=pd.Index([self.column or "values"], name="column"))

    def summary(self) -> Summary:
        """The Moran's I table of a paper (I, E[I], z, p).

        Returns
        -------
        Summary
        """
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
        """Moran scatter plot: standardised value against its spatial lag, fitted slope.

        Parameters
        ----------
        ax : matplotlib Axes, optional
            Axes to draw on.
        **kwargs
            Passed to ``ax.scatter`` (``s``, ``color``, ...).

        Returns
        -------
        matplotlib Axes
        """
        from ..maps._font import chart_axes

        ax = chart_axes(ax, figsize=(5.5, 5.0))
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
    *,
    weights: Any = None,
    id_column: str | None = None,
    transform: str = "R",
    permutations: int = 999,
    seed: int | np.random.Generator | None = None,
    alternative: str = "two-sided",
    keep_simulations: bool = False,
) -> MoranResult:
    """Global Moran's I (equal to ``esda.Moran`` for the statistic, moments and z).

    ``I = (n / S0) Σ_ij w_ij z_i z_j / Σ_i z_i²`` (Moran 1950; moments of
    Cliff & Ord 1981, see :mod:`spatialregion.autocorrelation`).

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
        Row-standardised (GeoDa/esda), binary, or as given.  Any case.
    permutations : int, default 999
        Random relabellings for ``p_sim`` (0 to skip).
    seed : int, Generator or None
        Randomness of the permutations.
    alternative : {"two-sided", "greater", "less", "directed"}, default "two-sided"
        Hypothesis of ``p_norm``/``p_rand``/``p_sim``; ``"greater"`` tests
        positive autocorrelation; ``"directed"`` gives esda's ``p_sim``.
    keep_simulations : bool
        Keep the simulated I in ``sims``.

    Returns
    -------
    MoranResult

    References
    ----------
    Moran, P. A. P. (1950). Notes on continuous stochastic phenomena. *Biometrika* 37, 17–23.
    Cliff, A. D., Ord, J. K. (1981). *Spatial Processes*. Pion.
    """
    transform = check_transform(transform)
    check_alternative(alternative)
    permutations = check_permutations(permutations)
    li = local_input(data, column, weights, transform=transform, id_column=id_column,
                     what="Moran's I (randomisation moments)", min_n=4)
    x, index, Wt = li.x, li.index, li.matrix
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
        p_norm=float(p_from_z(np.array([z_norm]), alternative)[0]),
        p_rand=float(p_from_z(np.array([z_rand]), alternative)[0]),
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
        column=li.column,
        transform=transform,
        alternative=alternative,
        permutations=permutations,
        islands=tuple(index[isolates(Wt)]),
        weights_info=li.info,
    )
