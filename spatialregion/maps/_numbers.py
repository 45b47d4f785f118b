"""Numbers in legends and class labels: plain notation, a sensible number of significant
digits, thousands separators (``65,570``), optionally in 万 (10⁴) or 亿 (10⁸); never ``6.557e+04``.

All values of one legend share one precision: the quantum q = 10^(⌊log10 max|x|⌋ − sig + 1)
(``sig`` significant digits of the largest value; not finer than the data's own decimals),
refined by factors of 10 until distinct values stay distinct.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..errors import InputError

#: Chinese large-number units accepted by ``unit=``
UNITS = {"万": 1e4, "亿": 1e8}


def _scale(unit: str | None) -> float:
    if unit is None:
        return 1.0
    if unit not in UNITS:
        raise InputError(f"unit={unit!r} is not supported; use None, '万' (10^4) or '亿' (10^8)")
    return UNITS[unit]


def format_values(values: Sequence[float] | np.ndarray, *, sig: int = 4, max_decimals: int | None = None,
                  unit: str | None = None, round_integers: bool = True) -> list[str]:
    """Format numbers with one shared precision, plain notation and thousands separators.

    Parameters
    ----------
    values : sequence of float
        Finite numbers (NaN is written as ``"NaN"``).
    sig : int, default 4
        Significant digits of the largest absolute value.
    max_decimals : int, optional
        Decimals the data are recorded with: never show more (unless needed to keep distinct
        values distinct).
    unit : {None, "万", "亿"}
        Divide by 10⁴ or 10⁸ and append the unit (``6.557万``).
    round_integers : bool, default True
        Round large numbers to ``sig`` digits (``65,567`` → ``65,570``); False keeps every
        integer digit (class edges, where rounding would misplace values near a break).

    Returns
    -------
    list of str
        E.g. ``[65570.4, 1234.5]`` → ``["65,570", "1,234"]``; ``[0.5213, 0.71]`` → ``["0.5213", "0.7100"]``.
    """
    if not isinstance(sig, (int, np.integer)) or sig < 1:
        raise InputError(f"sig must be a positive integer, got {sig!r}")
    v = np.asarray(values, dtype=float) / _scale(unit)
    fin = v[np.isfinite(v)]
    top = float(np.abs(fin).max()) if fin.size else 0.0
    e = int(np.floor(np.log10(top))) - sig + 1 if top > 0 else 0
    if not round_integers:
        e = min(e, 0)
    if max_decimals is not None:
        e = max(e, -int(max_decimals))
    n_distinct = len(np.unique(fin))
    for _ in range(16):
        q = 10.0**e
        r = np.round(fin / q)
        if len(np.unique(r)) == n_distinct:
            break
        e -= 1
    decimals = max(0, -e)
    q = 10.0**e
    out = []
    for x in v:
        if not np.isfinite(x):
            out.append("NaN" if np.isnan(x) else ("∞" if x > 0 else "-∞"))
            continue
        s = f"{np.round(x / q) * q:,.{decimals}f}"
        if s.startswith("-") and float(s[1:].replace(",", "")) == 0:
            s = s[1:]
        out.append(s + (unit or ""))
    return out


def format_number(x: float, *, sig: int = 4, unit: str | None = None) -> str:
    """One number in plain notation, ``sig`` significant digits, thousands separators,
    trailing zeros dropped (``"{:.4g}"`` without its exponent form).

    Parameters
    ----------
    x : float
    sig : int, default 4
    unit : {None, "万", "亿"}

    Returns
    -------
    str
        ``65567.2`` → ``"65,570"``; ``0.000123456`` → ``"0.0001235"``; ``3.5`` → ``"3.5"``;
        with ``unit="万"``: ``"6.557万"``.
    """
    if not isinstance(sig, (int, np.integer)) or sig < 1:
        raise InputError(f"sig must be a positive integer, got {sig!r}")
    v = float(x) / _scale(unit)
    if not np.isfinite(v):
        return "NaN" if np.isnan(v) else ("∞" if v > 0 else "-∞")
    if v == 0:
        return "0" + (unit or "")
    e = int(np.floor(np.log10(abs(v)))) - sig + 1
    r = float(np.round(v / 10.0**e) * 10.0**e)
    s = f"{r:,.{max(0, -e)}f}"
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    if s.startswith("-") and float(s[1:].replace(",", "")) == 0:
        s = s[1:]
    return s + (unit or "")


def edge_labels(edges: Any, data_decimals: int = 6, *, unit: str | None = None) -> list[str]:
    """``lo – hi`` labels of graduated classes from their edges (k + 1 values).

    Decimals: those of the data, at most enough for four significant digits of the largest
    edge, at least enough to keep distinct edges distinct; integer digits are never rounded
    (``28,808``, not ``28,800``: a value of 28,805 must not look as if it were above the break).

    Parameters
    ----------
    edges : array of float
        Class edges, ascending.
    data_decimals : int
        Decimals the data are recorded with.
    unit : {None, "万", "亿"}

    Returns
    -------
    list of str
        k labels such as ``"12,345 – 65,567"``.
    """
    txt = format_values(np.asarray(edges, dtype=float), sig=4, max_decimals=data_decimals, unit=unit,
                        round_integers=unit is not None)
    return [f"{a} – {b}" for a, b in zip(txt[:-1], txt[1:])]


def range_labels(breaks: Any, *, sig: int = 4, unit: str | None = None) -> list[str]:
    """``≤b₁``, ``b₁–b₂``, …, ``>b_m`` labels of the k = m + 1 classes cut at inner breaks.

    Parameters
    ----------
    breaks : array of float
        Inner (upper) breaks, ascending.
    sig : int, default 4
    unit : {None, "万", "亿"}

    Returns
    -------
    list of str
        E.g. ``[65567.2, 120000]`` → ``["≤65,570", "65,570–120,000", ">120,000"]``.
    """
    v = np.asarray(breaks, dtype=float).ravel()
    n_distinct = len(np.unique(v))
    for s_ in range(sig, 17):  # more digits only when rounding would merge distinct breaks
        b = [format_number(x, sig=s_, unit=unit) for x in v]
        if len(set(b)) == n_distinct:
            break
    if not b:
        return []
    return [f"≤{b[0]}"] + [f"{lo}–{hi}" for lo, hi in zip(b[:-1], b[1:])] + [f">{b[-1]}"]
