"""Tapio decoupling elasticity, its eight states, three groups and their Markov chain.

For a driver ``G`` (GDP, population, …) and a pressure ``C`` (CO₂ emissions,
built-up land, energy use, …) observed for ``n`` units over ``T`` periods, the
Tapio (2005) elasticity of an interval ``0 → 1`` is

    e = (ΔC / C₀) / (ΔG / G₀),   ΔC = C₁ − C₀,  ΔG = G₁ − G₀.

Eight states (Tapio 2005, Fig. 2), with **both thresholds inside the coupling
band** (``0.8 ≤ e ≤ 1.2`` is coupling; ``e < 0.8`` and ``e > 1.2`` strictly):

=====================  =======  =======  ==================
state                   ΔG       ΔC       e
=====================  =======  =======  ==================
strong decoupling       > 0      < 0      e < 0
weak decoupling         > 0      ≥ 0      0 ≤ e < 0.8
expansive coupling      > 0      > 0      0.8 ≤ e ≤ 1.2
expansive neg. dec.     > 0      > 0      e > 1.2
strong negative dec.    < 0      > 0      e < 0
weak negative dec.      < 0      ≤ 0      0 ≤ e < 0.8
recessive coupling      < 0      < 0      0.8 ≤ e ≤ 1.2
recessive decoupling    < 0      < 0      e > 1.2
=====================  =======  =======  ==================

Zero changes: ``ΔC = 0`` gives ``e = 0`` and falls in the ``0 ≤ e < 0.8`` row
(weak decoupling when the driver grows, weak negative decoupling when it
shrinks).  ``ΔG = 0`` leaves ``e`` undefined: by default
(``zero_driver="raise"``) an :class:`~spatialregion.errors.InputError` names the
units and intervals; ``zero_driver="undefined"`` keeps them with ``e = NaN`` and
state code ``-1`` (label "undefined"/"未定义") and a warning.  Base values
``G₀``, ``C₀`` must be positive.

Groups: decoupling (strong, weak, recessive decoupling), coupling (expansive,
recessive coupling), negative decoupling (expansive, strong, weak negative
decoupling); labels from :data:`spatialregion.labels.TAPIO_STATES` /
:data:`~spatialregion.labels.TAPIO_GROUPS`.

Reference: Tapio, P. (2005). Towards a theory of decoupling: degrees of
decoupling in the EU and the case of road traffic in Finland between 1970 and
2001. *Transport Policy* 12(2), 137–151.
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from . import markov as _mk
from ._validation import check_choice, describe_rows
from .errors import AlignmentError, InputError, SpatialRegionWarning
from .labels import TAPIO_GROUPS, TAPIO_STATES
from .results import Result, Summary, SummaryTable

__all__ = ["STATE_GROUP", "DecouplingMarkovResult", "TapioResult", "decoupling_markov", "tapio", "tapio_states"]

#: group code (index into TAPIO_GROUPS) of each state code (index into TAPIO_STATES)
STATE_GROUP = np.array(
    [
        0,  # strong decoupling
        0,  # weak decoupling
        0,  # recessive decoupling
        1,  # expansive coupling
        1,  # recessive coupling
        2,  # expansive negative decoupling
        2,  # strong negative decoupling
        2,  # weak negative decoupling
    ],
    dtype=np.int64,
)
_S = {lab.key: i for i, lab in enumerate(TAPIO_STATES)}
UNDEFINED = -1
LOWER, UPPER = 0.8, 1.2


def tapio_states(dg: np.ndarray, e: np.ndarray, lower: float = LOWER, upper: float = UPPER) -> np.ndarray:
    """State codes (indices into ``TAPIO_STATES``; ``-1`` where ``ΔG = 0``) from ``ΔG`` and ``e``.

    Vectorised kernel of :func:`tapio`; the sign of ``ΔC`` is implied by the
    signs of ``ΔG`` and ``e`` (see the module table).
    """
    dg = np.asarray(dg, dtype=float)
    e = np.asarray(e, dtype=float)
    band = np.select([e < 0, e < lower, e <= upper], [0, 1, 2], default=3)  # 0:<0 1:[0,lower) 2:[lower,upper] 3:>upper
    grow = np.array([_S["strong_decoupling"], _S["weak_decoupling"], _S["expansive_coupling"], _S["expansive_negative_decoupling"]])
    shrink = np.array([_S["strong_negative_decoupling"], _S["weak_negative_decoupling"], _S["recessive_coupling"], _S["recessive_decoupling"]])
    out = np.where(dg > 0, grow[band], shrink[band])
    return np.where(dg == 0, UNDEFINED, out).astype(np.int64)


def _label(table: Sequence[Any], code: int, lang: str) -> str:
    if code == UNDEFINED:
        return "未定义" if lang == "zh" else "Undefined"
    lab = table[code]
    return lab.zh if lang == "zh" else lab.en


@dataclass(frozen=True, eq=False)
class TapioResult(Result):
    """Tapio elasticities and states of every unit and interval.

    Attributes
    ----------
    elasticity : ndarray (n, I)
        ``e = (ΔC/C₀)/(ΔG/G₀)`` per unit and interval (NaN where ``ΔG = 0``).
    growth_g, growth_c : ndarray (n, I)
        Relative changes ``ΔG/G₀`` and ``ΔC/C₀`` (fractions, not percent).
    states : ndarray (n, I) of int
        Index into :data:`~spatialregion.labels.TAPIO_STATES` (``-1``: undefined).
    groups : ndarray (n, I) of int
        Index into :data:`~spatialregion.labels.TAPIO_GROUPS` (``-1``: undefined).
    intervals : tuple of str
        ``"p0–p1"`` labels of the intervals.
    mode : {"consecutive", "base_to_end"}
    lower, upper : float
        Coupling band ``lower ≤ e ≤ upper`` (0.8, 1.2).
    """

    elasticity: np.ndarray
    growth_g: np.ndarray = field(repr=False)
    growth_c: np.ndarray = field(repr=False)
    states: np.ndarray = field(repr=False)
    groups: np.ndarray = field(repr=False)
    intervals: tuple[str, ...]
    mode: str
    lower: float
    upper: float
    index: pd.Index = field(repr=False)

    def to_frame(self) -> pd.DataFrame:
        """Per unit and interval: ``e_<interval>``, ``state_<interval>`` (key), ``group_<interval>`` (key)."""
        cols: dict[str, Any] = {}
        skeys = np.array([lab.key for lab in TAPIO_STATES] + ["undefined"])
        gkeys = np.array([lab.key for lab in TAPIO_GROUPS] + ["undefined"])
        for j, iv in enumerate(self.intervals):
            cols[f"e_{iv}"] = self.elasticity[:, j]
            cols[f"state_{iv}"] = skeys[self.states[:, j]]
            cols[f"group_{iv}"] = gkeys[self.groups[:, j]]
        frame = pd.DataFrame(cols, index=self.index)
        return _mk._with_geometry(frame, self.geometry)

    def state_counts(self, grouped: bool = False) -> pd.DataFrame:
        """Number of units in each state (rows) per interval (columns), the paper's table."""
        table, codes = (TAPIO_GROUPS, self.groups) if grouped else (TAPIO_STATES, self.states)
        rows = [f"{lab.zh} {lab.en}" for lab in table]
        counts = np.stack([np.bincount(codes[:, j][codes[:, j] >= 0], minlength=len(table)) for j in range(len(self.intervals))], axis=1)
        frame = pd.DataFrame(counts, index=pd.Index(rows, name="state"), columns=list(self.intervals))
        undefined = (codes == UNDEFINED).sum(axis=0)
        if undefined.any():
            frame.loc["未定义 Undefined"] = undefined
        return frame

    def summary(self) -> Summary:
        e = pd.DataFrame(
            {"mean e": np.nanmean(self.elasticity, axis=0), "median e": np.nanmedian(self.elasticity, axis=0),
             "mean ΔG/G0": self.growth_g.mean(axis=0), "mean ΔC/C0": self.growth_c.mean(axis=0)},
            index=pd.Index(self.intervals, name="interval"),
        )
        return Summary(
            "Tapio decoupling",
            (
                SummaryTable("Units per decoupling state", self.state_counts()),
                SummaryTable("Units per group", self.state_counts(grouped=True)),
                SummaryTable("Elasticity and growth", e),
            ),
            (
                (
                    f"{len(self.index)} units, {len(self.intervals)} interval(s), mode='{self.mode}'; "
                    f"e = (ΔC/C0)/(ΔG/G0); coupling band {self.lower} ≤ e ≤ {self.upper} (both ends inclusive); "
                    "ΔC = 0 gives e = 0 (weak decoupling / weak negative decoupling)."
                ),
            ),
        )

    def _style(self):
        from . import export

        iv = self.intervals[-1]
        return export.label_style(f"state_{iv}", TAPIO_STATES, title=f"Tapio decoupling state {iv}")


def _pair(g: Any, c: Any, data: Any) -> tuple[_mk.Panel, _mk.Panel]:
    if data is not None:
        if not isinstance(data, pd.DataFrame):
            raise InputError("data must be a DataFrame/GeoDataFrame when g and c name its columns")
        gp = _mk.as_panel(data, columns=[g] if isinstance(g, str) else list(g), name="g")
        cp = _mk.as_panel(data, columns=[c] if isinstance(c, str) else list(c), name="c")
    else:
        gp = _mk.as_panel(g, name="g")
        cp = _mk.as_panel(c, name="c")
    if gp.values.shape != cp.values.shape:
        raise AlignmentError(f"g has shape {gp.values.shape} but c has {cp.values.shape}; give both for the same units and periods")
    if gp.labelled and cp.labelled and not gp.index.equals(cp.index):
        raise AlignmentError("g and c have different unit indexes; align them (same units, same order)")
    return gp, cp


def tapio(
    g: Any,
    c: Any,
    *,
    data: Any = None,
    mode: Literal["consecutive", "base_to_end"] = "consecutive",
    zero_driver: Literal["raise", "undefined"] = "raise",
    lower: float = LOWER,
    upper: float = UPPER,
) -> TapioResult:
    """Tapio (2005) decoupling elasticity and states of a driver ``g`` and a pressure ``c``.

    Parameters
    ----------
    g, c : (n, T) arrays or wide DataFrames, or column lists with ``data``
        Driver (e.g. GDP) and pressure (e.g. CO₂, built-up land) for the same
        units and periods (columns in time order).  With ``data`` (a
        (Geo)DataFrame), ``g`` and ``c`` are lists of its columns; geometry is
        then kept for maps.
    mode : {"consecutive", "base_to_end"}
        Intervals between consecutive periods (``T - 1`` of them) or one
        interval from the first to the last period.
    zero_driver : {"raise", "undefined"}
        What to do where ``ΔG = 0`` (see the module docstring).
    lower, upper : float
        The coupling band ``lower ≤ e ≤ upper`` (Tapio: 0.8, 1.2).

    Returns
    -------
    TapioResult
        ``elasticity``, ``states`` (8, index into ``labels.TAPIO_STATES``),
        ``groups`` (3, index into ``labels.TAPIO_GROUPS``).
    """
    check_choice("mode", mode, ("consecutive", "base_to_end"))
    check_choice("zero_driver", zero_driver, ("raise", "undefined"))
    if not (0 <= lower < upper):
        raise InputError(f"need 0 <= lower < upper for the coupling band, got lower={lower}, upper={upper}")
    gp, cp = _pair(g, c, data)
    G, C = gp.values, cp.values
    for name, arr, p in (("g", G, gp), ("c", C, cp)):
        bad = (arr <= 0).any(axis=1)
        if bad.any():
            raise InputError(
                f"{name} must be positive (Tapio's relative changes need positive base values); "
                f"non-positive values in {describe_rows(p.index[bad])}"
            )
    periods = gp.periods
    if mode == "consecutive":
        g0, g1, c0, c1 = G[:, :-1], G[:, 1:], C[:, :-1], C[:, 1:]
        intervals = tuple(f"{a}–{b}" for a, b in itertools.pairwise(periods))
    else:
        g0, g1, c0, c1 = G[:, :1], G[:, -1:], C[:, :1], C[:, -1:]
        intervals = (f"{periods[0]}–{periods[-1]}",)
    dg, dc = g1 - g0, c1 - c0
    rg, rc = dg / g0, dc / c0
    zero = dg == 0
    if zero.any():
        where = [f"{gp.index[i]} ({intervals[j]})" for i, j in zip(*np.nonzero(zero))]
        msg = f"the driver does not change (ΔG = 0) for {len(where)} unit-interval(s): {where[:8]}; the elasticity is undefined"
        if zero_driver == "raise":
            raise InputError(msg + "; pass zero_driver='undefined' to keep them as state -1")
        warnings.warn(msg + " (state -1, e = NaN)", SpatialRegionWarning, stacklevel=2)
    with np.errstate(divide="ignore", invalid="ignore"):
        e = np.where(zero, np.nan, rc / np.where(zero, 1.0, rg))
    states = tapio_states(dg, e, lower, upper)
    groups = np.where(states == UNDEFINED, UNDEFINED, STATE_GROUP[np.maximum(states, 0)])
    return TapioResult(e, rg, rc, states, groups, intervals, mode, float(lower), float(upper), gp.index, geometry=gp.geometry)


@dataclass(frozen=True, eq=False)
class DecouplingMarkovResult(Result):
    """Tapio states with the traditional and (optionally) spatial Markov chains of the grouped states.

    Attributes
    ----------
    tapio : TapioResult
    markov : MarkovResult
        3 × 3 chain of decoupling / coupling / negative decoupling between
        consecutive intervals.
    spatial : SpatialMarkovResult or None
        The same conditioned on the neighbours' dominant group (most common
        group among neighbours; ties: own group if tied, else the lower code).
    """

    tapio: TapioResult = field(repr=False)
    markov: _mk.MarkovResult = field(repr=False)
    spatial: _mk.SpatialMarkovResult | None = field(repr=False)

    def to_frame(self) -> pd.DataFrame:
        return self.tapio.to_frame()

    def summary(self) -> Summary:
        parts = list(self.tapio.summary().tables)
        parts.append(SummaryTable("Markov chain of grouped states", self.markov.transition_table()))
        notes = list(self.tapio.summary().notes)
        if self.spatial is not None:
            sp = self.spatial.summary()
            parts += [t for t in sp.tables if t.title.startswith(("Spatial Markov", "Homogeneity"))]
            notes.append("Spatial Markov: lag class = the most common group among neighbours (ties: own group, else the lower code).")
        return Summary("Tapio decoupling and its Markov chain", tuple(parts), tuple(notes))

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Heat maps of the grouped-state chains (classic, then one per neighbour group)."""
        if self.spatial is not None:
            return self.spatial.plot(ax=ax, include_classic=True, **kwargs)
        return self.markov.plot(ax=ax, **kwargs)

    def _style(self):
        return self.tapio._style()


def decoupling_markov(
    g: Any,
    c: Any,
    weights: Any = None,
    *,
    data: Any = None,
    mode: Literal["consecutive"] = "consecutive",
    transform: Literal["R", "B"] = "R",
    zero_driver: Literal["raise", "undefined"] = "raise",
    lower: float = LOWER,
    upper: float = UPPER,
    empty: _mk.EmptyPolicy = "restrict",
) -> DecouplingMarkovResult:
    """Markov chains of the grouped Tapio states (decoupling / coupling / negative decoupling).

    The states of consecutive intervals (see :func:`tapio`) form a panel of
    ``T - 1`` periods; its transitions give the traditional 3 × 3 matrix and,
    with ``weights``, the spatial Markov matrices conditioned on the most
    common group among a unit's neighbours (:func:`spatialregion.markov.categorical_lag`,
    weights transformed by ``transform``).  Needs at least three periods.
    Undefined states (``ΔG = 0``) cannot enter a chain and raise.
    """
    check_choice("mode", mode, ("consecutive",))
    res = tapio(g, c, data=data, mode=mode, zero_driver=zero_driver, lower=lower, upper=upper)
    if res.groups.shape[1] < 2:
        raise InputError("decoupling_markov needs at least 3 periods (2 intervals) to observe a transition of states")
    if (res.groups == UNDEFINED).any():
        bad = res.index[(res.groups == UNDEFINED).any(axis=1)]
        raise InputError(f"undefined Tapio states (ΔG = 0) in {describe_rows(bad)}; a Markov chain needs a state in every interval")
    labels = [f"{lab.zh} {lab.en}" for lab in TAPIO_GROUPS]
    panel = _mk.Panel(res.groups.astype(float), res.index, res.intervals, res.geometry, labelled=data is not None or isinstance(g, pd.DataFrame))
    classic = _mk.markov(panel, discrete=True, labels=labels, empty=empty)
    spatial = None
    if weights is not None:
        spatial = _mk.spatial_markov(panel, weights, discrete=True, labels=labels, transform=transform, empty=empty)
    return DecouplingMarkovResult(res, classic, spatial, geometry=res.geometry)
