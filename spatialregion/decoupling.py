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

Calling convention: the variable argument is the *pair* of panels, named by
keyword — ``tapio(data, *, driver=[...], pressure=[...])`` with ``driver``
and ``pressure`` the period columns of a wide table (same periods, time
order), the value columns of a long table (with ``id_column`` and
``period_column``), or two ``(n, T)`` arrays with ``data=None``.

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
from ._panel import Panel, read_panel
from ._validation import check_choice, check_column, check_columns, describe_rows
from .errors import AlignmentError, InputError, SpatialRegionWarning
from .labels import TAPIO_GROUPS, TAPIO_STATES
from .results import Summary, SummaryTable, UnitResult

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

    Parameters
    ----------
    dg : ndarray
        Driver changes ``ΔG``.
    e : ndarray
        Elasticities ``e = (ΔC/C₀)/(ΔG/G₀)`` (same shape).
    lower, upper : float
        The coupling band ``lower ≤ e ≤ upper`` (Tapio: 0.8, 1.2).

    Returns
    -------
    ndarray of int
        State codes, same shape as ``dg``.
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
class TapioResult(UnitResult):
    """Tapio elasticities and states of every unit and interval (a per-unit result).

    ``to_frame()`` starts with the units' id, name and analysed driver and
    pressure columns, then ``e_<interval>``, ``state_<interval>`` and
    ``group_<interval>``.

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
    index : pandas.Index
        Unit ids in row order.
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
        """Per unit: ids, names and values, then per interval ``e_<interval>``, ``state_<interval>``, ``group_<interval>``.

        Returns
        -------
        DataFrame or GeoDataFrame
            States and groups as keys of :data:`~spatialregion.labels.TAPIO_STATES`
            / :data:`~spatialregion.labels.TAPIO_GROUPS` (``"undefined"`` where ΔG = 0).
        """
        cols: dict[str, Any] = {}
        skeys = np.array([lab.key for lab in TAPIO_STATES] + ["undefined"])
        gkeys = np.array([lab.key for lab in TAPIO_GROUPS] + ["undefined"])
        for j, iv in enumerate(self.intervals):
            cols[f"e_{iv}"] = self.elasticity[:, j]
            cols[f"state_{iv}"] = skeys[self.states[:, j]]
            cols[f"group_{iv}"] = gkeys[self.groups[:, j]]
        return self._unit_frame(pd.DataFrame(cols, index=self.index))

    def state_counts(self, grouped: bool = False) -> pd.DataFrame:
        """Number of units in each state (rows) per interval (columns), the paper's table.

        Parameters
        ----------
        grouped : bool
            Count the three groups instead of the eight states.

        Returns
        -------
        DataFrame
        """
        table, codes = (TAPIO_GROUPS, self.groups) if grouped else (TAPIO_STATES, self.states)
        rows = [f"{lab.zh} {lab.en}" for lab in table]
        counts = np.stack([np.bincount(codes[:, j][codes[:, j] >= 0], minlength=len(table)) for j in range(len(self.intervals))], axis=1)
        frame = pd.DataFrame(counts, index=pd.Index(rows, name="state"), columns=list(self.intervals))
        undefined = (codes == UNDEFINED).sum(axis=0)
        if undefined.any():
            frame.loc["未定义 Undefined"] = undefined
        return frame

    def summary(self) -> Summary:
        """The paper tables: units per state and group, mean elasticity and growth per interval.

        Returns
        -------
        Summary
        """
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


def _pair(
    data: Any, driver: Any, pressure: Any, id_column: Any, period_column: Any, periods: Any
) -> tuple[Panel, Panel, tuple[Any, ...], Any]:
    """The driver and pressure panels, their period labels and the units' id/name/value columns."""
    if driver is None or pressure is None:
        raise InputError("tapio needs driver=[...] (e.g. GDP columns) and pressure=[...] (e.g. CO2 columns), in time order")
    if data is None:
        gp, cp = read_panel(np.asarray(driver, dtype=float), name="driver"), read_panel(np.asarray(pressure, dtype=float), name="pressure")
    elif not isinstance(data, pd.DataFrame):
        raise InputError(
            f"data must be a DataFrame/GeoDataFrame whose columns driver= and pressure= name, got {type(data).__name__}; "
            "for two (n, T) arrays pass data=None, driver=G, pressure=C"
        )
    elif period_column is not None:
        kw = {"id_column": id_column, "period_column": period_column, "periods": periods}
        gp = read_panel(data, value_column=check_column(driver, data, what="driver"), name="driver", **kw)
        cp = read_panel(data, value_column=check_column(pressure, data, what="pressure"), name="pressure", **kw)
    else:
        g = check_columns(driver, data, min_len=2, what="driver")
        c = check_columns(pressure, data, min_len=2, what="pressure")
        if len(g) != len(c):
            raise AlignmentError(f"driver has {len(g)} period columns but pressure has {len(c)}; give both for the same periods")
        gp = read_panel(data, g, id_column=id_column, name="driver")
        cp = read_panel(data, c, id_column=id_column, name="pressure")
    if gp.values.shape != cp.values.shape:
        raise AlignmentError(f"driver has shape {gp.values.shape} but pressure has {cp.values.shape}; give both for the same units and periods")
    if gp.labelled and cp.labelled and not gp.index.equals(cp.index):
        raise AlignmentError("driver and pressure have different unit indexes; align them (same units, same order)")
    units = gp.units
    if units is not None and cp.units is not None:
        units = pd.concat([units, cp.units[[col for col in cp.units.columns if col not in units.columns]]], axis=1)
    return gp, cp, _period_labels(gp, cp), units


def _period_labels(gp: Panel, cp: Panel) -> tuple[Any, ...]:
    """Period labels: the year both column names end in (``gdp2010``/``co2_2010`` → 2010), else the driver's."""
    import re

    if gp.columns and gp.columns != cp.columns:
        ends = [(re.search(r"(\d+)$", str(a)), re.search(r"(\d+)$", str(b))) for a, b in zip(gp.periods, cp.periods)]
        if all(x and y and x.group(1) == y.group(1) for x, y in ends):
            return tuple(int(x.group(1)) for x, _ in ends)
    return gp.periods


def tapio(
    data: Any,
    *,
    driver: Any = None,
    pressure: Any = None,
    id_column: str | None = None,
    period_column: str | None = None,
    periods: Sequence[Any] | None = None,
    mode: Literal["consecutive", "base_to_end"] = "consecutive",
    zero_driver: Literal["raise", "undefined"] = "raise",
    lower: float = LOWER,
    upper: float = UPPER,
) -> TapioResult:
    """Tapio (2005) decoupling elasticity and states of a driver and a pressure.

    For each unit and interval ``0 → 1``: ``e = (ΔC/C₀)/(ΔG/G₀)`` with ``G``
    the driver and ``C`` the pressure; the eight states follow from the signs
    of ``ΔG``, ``ΔC`` and ``e`` against 0.8 and 1.2 (module docstring).

    Parameters
    ----------
    data : GeoDataFrame, DataFrame or None
        The units with the driver and pressure columns (a GeoDataFrame keeps
        the geometry for maps and GeoPackage export), or ``None`` when
        ``driver`` and ``pressure`` are ``(n, T)`` arrays.
    driver : list of str, str or (n, T) array
        The driver (e.g. GDP): period columns of a wide table in time order,
        the value column of a long table, or an array (``data=None``).
    pressure : list of str, str or (n, T) array
        The pressure (e.g. CO₂, built-up land), in the same form and for the
        same periods as ``driver``.
    id_column : str, optional
        Unit ids (long table: required; wide table: default the index).
    period_column : str, optional
        Period column of a long table.
    periods : sequence, optional
        Time order of a long table's period labels.
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
        ``groups`` (3, index into ``labels.TAPIO_GROUPS``); a per-unit result
        whose ``to_frame()`` starts with the units' ids, names and values.
        Interval labels use the year both column names end in (``gdp2010``,
        ``co2_2010`` → ``2010–2015``), else the driver's column names.

    References
    ----------
    Tapio, P. (2005). Towards a theory of decoupling. *Transport Policy*
    12(2), 137–151.

    Examples
    --------
    >>> res = tapio(prov, driver=["gdp2010", "gdp2015"], pressure=["co2_2010", "co2_2015"])  # doctest: +SKIP
    """
    check_choice("mode", mode, ("consecutive", "base_to_end"))
    check_choice("zero_driver", zero_driver, ("raise", "undefined"))
    if not (0 <= lower < upper):
        raise InputError(f"need 0 <= lower < upper for the coupling band, got lower={lower}, upper={upper}")
    gp, cp, periods, units = _pair(data, driver, pressure, id_column, period_column, periods)
    G, C = gp.values, cp.values
    for name, arr, p in (("driver", G, gp), ("pressure", C, cp)):
        bad = (arr <= 0).any(axis=1)
        if bad.any():
            raise InputError(
                f"{name} must be positive (Tapio's relative changes need positive base values); "
                f"non-positive values in {describe_rows(p.index[bad])}"
            )
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
    return TapioResult(
        e, rg, rc, states, groups, intervals, mode, float(lower), float(upper), gp.index, units=units, geometry=gp.geometry
    )


@dataclass(frozen=True, eq=False)
class DecouplingMarkovResult(UnitResult):
    """Tapio states with the traditional and (optionally) spatial Markov chains of the grouped states.

    A per-unit result: ``to_frame()``, ``to_gpkg()`` and ``plot()`` are those
    of :attr:`tapio` (ids, names, values, then elasticities and states);
    ``summary()`` adds the chains' tables and ``plot(kind="heatmap")`` draws
    the chains.

    Attributes
    ----------
    tapio : TapioResult
        Elasticities and states per unit and interval.
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
        """The Tapio table of every unit (see :meth:`TapioResult.to_frame`).

        Returns
        -------
        DataFrame or GeoDataFrame
        """
        return self.tapio.to_frame()

    def summary(self) -> Summary:
        """Tapio tables, the grouped-state transition matrix and (spatial) homogeneity tests.

        Returns
        -------
        Summary
        """
        parts = list(self.tapio.summary().tables)
        parts.append(SummaryTable("Markov chain of grouped states", self.markov.transition_table()))
        notes = list(self.tapio.summary().notes)
        if self.spatial is not None:
            sp = self.spatial.summary()
            parts += [t for t in sp.tables if t.title.startswith(("Spatial Markov", "Homogeneity"))]
            notes.append("Spatial Markov: lag class = the most common group among neighbours (ties: own group, else the lower code).")
        return Summary("Tapio decoupling and its Markov chain", tuple(parts), tuple(notes))

    def plot(self, ax: Any = None, kind: Literal["map", "heatmap"] = "map", **kwargs: Any) -> Any:
        """Map of the last interval's Tapio state, or heat maps of the grouped-state chains.

        Parameters
        ----------
        ax : Axes, optional
            Axes to draw in (one per panel for heat maps).
        kind : {"map", "heatmap"}
            ``"map"``: the last interval's states; ``"heatmap"``: the classic
            chain, then one panel per neighbour group when the spatial chain exists.
        **kwargs
            Passed to the map or the heat maps.

        Returns
        -------
        Axes or array of Axes
        """
        check_choice("kind", kind, ("map", "heatmap"))
        if kind == "map":
            return self.tapio.plot(ax=ax, **kwargs)
        if self.spatial is not None:
            return self.spatial.plot(ax=ax, include_classic=True, **kwargs)
        return self.markov.plot(ax=ax, **kwargs)

    def _style(self):
        return self.tapio._style()


def decoupling_markov(
    data: Any,
    *,
    driver: Any = None,
    pressure: Any = None,
    weights: Any = None,
    spatial: bool = True,
    transform: str = "R",
    id_column: str | None = None,
    period_column: str | None = None,
    periods: Sequence[Any] | None = None,
    zero_driver: Literal["raise", "undefined"] = "raise",
    lower: float = LOWER,
    upper: float = UPPER,
    empty: _mk.EmptyPolicy = "restrict",
) -> DecouplingMarkovResult:
    """Markov chains of the grouped Tapio states (decoupling / coupling / negative decoupling).

    The states of consecutive intervals (see :func:`tapio`) form a panel of
    ``T - 1`` periods; its transitions give the traditional 3 × 3 matrix and
    the spatial Markov matrices conditioned on the most common group among a
    unit's neighbours (:func:`spatialregion.markov.categorical_lag`).  Needs
    at least three periods.  Undefined states (``ΔG = 0``) cannot enter a
    chain and raise.

    Parameters
    ----------
    data : GeoDataFrame, DataFrame or None
        As in :func:`tapio`.
    driver, pressure : list of str, str or (n, T) array
        The pair of panels, as in :func:`tapio`.
    weights : Graph, W, sparse matrix, str or None
        Spatial weights of the spatial chain, via
        :func:`spatialregion.weights.as_sparse` (aligned by id; ``None``:
        queen contiguity built from the GeoDataFrame).
    spatial : bool
        Compute the spatial chain (needs ``weights`` or a GeoDataFrame).
    transform : {"R", "B", "O"}
        Weights transform for the neighbour tally (any case).
    id_column, period_column : str, optional
        Unit ids and a long table's period column, as in :func:`tapio`.
    periods : sequence, optional
        Time order of a long table's period labels.
    zero_driver : {"raise", "undefined"}
        As in :func:`tapio`; undefined states then raise here.
    lower, upper : float
        The coupling band.
    empty : {"restrict", "absorbing"}
        Long-run measures with states never left.

    Returns
    -------
    DecouplingMarkovResult
        ``tapio``, ``markov`` (3 × 3) and ``spatial`` (None with ``spatial=False``).

    References
    ----------
    Tapio, P. (2005). Towards a theory of decoupling. *Transport Policy*
    12(2), 137–151.  Rey, S. J. (2001). Spatial analysis of regional income
    inequality. *Geographical Analysis* 33(1), 23–46.
    """
    res = tapio(
        data, driver=driver, pressure=pressure, id_column=id_column, period_column=period_column, periods=periods,
        zero_driver=zero_driver, lower=lower, upper=upper,
    )
    if res.groups.shape[1] < 2:
        raise InputError("decoupling_markov needs at least 3 periods (2 intervals) to observe a transition of states")
    if (res.groups == UNDEFINED).any():
        bad = res.index[(res.groups == UNDEFINED).any(axis=1)]
        raise InputError(f"undefined Tapio states (ΔG = 0) in {describe_rows(bad)}; a Markov chain needs a state in every interval")
    labels = [f"{lab.zh} {lab.en}" for lab in TAPIO_GROUPS]
    panel = Panel(res.groups.astype(float), res.index, res.intervals, res.geometry, data is not None, res.units)
    classic = _mk.markov(panel, discrete=True, labels=labels, empty=empty)
    sp = None
    if spatial:
        if weights is None and res.geometry is None:
            raise InputError(
                "the spatial chain needs weights= (a Graph, W or sparse matrix) or a GeoDataFrame to build queen "
                "contiguity from; pass spatial=False for the traditional chain only"
            )
        sp = _mk.spatial_markov(panel, weights=weights, discrete=True, labels=labels, transform=transform, empty=empty)
    return DecouplingMarkovResult(res, classic, sp, units=res.units, geometry=res.geometry)
