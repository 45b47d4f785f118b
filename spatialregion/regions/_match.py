"""Matching user keys to units (:func:`match`) and joining user tables onto the units (:func:`join`)."""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._numbers import parse_number, parse_numbers
from ..errors import DuplicateIdError, InputError, RegionMatchError, SpatialRegionWarning
from ._names import _label, _levels, classify, current_name

__all__ = ["match", "join", "format_matches"]

_USABLE = ("exact", "alias", "historical")
_MATCH_COLUMNS = ["key", "adcode", "name", "status", "candidates", "level", "change", "change_year", "note"]


def match(
    keys: Iterable[Any] | pd.Series,
    *,
    level: str | None = "prefecture",
    year: Any = None,
    aliases: Mapping[Any, Any] | None = None,
) -> pd.DataFrame:
    """Match region keys (names or codes, as yearbooks write them) to today's units.

    Parameters
    ----------
    keys : iterable or Series
        Names in any form :func:`lookup` accepts, 6-digit codes, old names/codes
        (``data/tables/admin_changes.csv``), with stray spaces; missing keys are reported.
    level : {"province", "prefecture", "county", None}, default "prefecture"
        Where to search; ``"county"`` needs the ``[counties]`` extra.
    year : int or array-like of int, optional
        The year each key was written in (one value for all, or one per key): chooses among
        historical meanings and is shown in the notes.
    aliases : mapping, optional
        Your own corrections, key → name or code (``{"石家庄巿": "石家庄"}``), applied first.

    Returns
    -------
    DataFrame
        One row per input key, in input order (index as the input Series' index): ``key``,
        ``adcode`` (Int64; NA unless the key identifies one unit), ``name`` (today's full
        name), ``status``, ``candidates`` (list of adcodes worth considering), ``level``,
        ``change``/``change_year`` (the administrative change used), ``note``.  Statuses:

        ``exact``       full name, short name or adcode of today's unit;
        ``alias``       English/pinyin, province-qualified, abbreviation or a listed alias;
        ``historical``  an old name/code of a renamed or upgraded unit (one-to-one);
        ``fuzzy``       not a known name; ``adcode`` is the clearly closest spelling, which
                        :func:`join` uses only with ``accept_fuzzy=True``;
        ``ambiguous``   several units have this name (Suzhou: 苏州, 宿州); ``candidates``;
        ``abolished``   merged (``adcode`` = the absorbing unit, 莱芜 → 济南) or split (no
                        adcode; successors in ``candidates``, 巢湖);
        ``unknown``     nothing close enough; suggestions in ``candidates``.
    """
    index = keys.index if isinstance(keys, pd.Series) else None
    values = list(keys.tolist() if isinstance(keys, pd.Series) else keys)
    years = _per_key(year, len(values))
    _levels(level)  # validates
    aliases = dict(aliases or {})
    cache: dict[tuple[Any, Any], dict[str, Any]] = {}
    rows = []
    for value, yr in zip(values, years):
        hashable = value.item() if isinstance(value, np.generic) else value
        ck = (hashable if not (isinstance(hashable, float) and np.isnan(hashable)) else "<nan>", yr)
        if ck not in cache:
            cache[ck] = _match_row(value, level, yr, aliases)
        rows.append(cache[ck])
    out = pd.DataFrame(rows, columns=_MATCH_COLUMNS, index=index)
    out["adcode"] = out["adcode"].astype("Int64")
    out["change_year"] = out["change_year"].astype("Int64")
    return out


def _per_key(year: Any, n: int) -> list[int | None]:
    if year is None or np.isscalar(year):
        return [None if year is None else int(year)] * n
    years = list(year)
    if len(years) != n:
        raise InputError(f"year has {len(years)} values but there are {n} keys")
    return [None if v is None or (isinstance(v, float) and np.isnan(v)) else int(v) for v in years]


def _match_row(value: Any, level: str | None, year: int | None, aliases: dict) -> dict[str, Any]:
    target = aliases.get(value, aliases.get(str(value).strip(), value)) if aliases else value
    m = classify(target, level=level, year=year)
    note = m.note
    if target is not value:
        note = f"your alias → {target!r}" + (f"; {note}" if note else "")
    return {
        "key": value, "adcode": m.adcode, "name": current_name(m.adcode, m.level),
        "status": m.status, "candidates": list(m.candidates), "level": m.level,
        "change": m.change, "change_year": m.change_year, "note": note,
    }


def format_matches(matches: pd.DataFrame, *, limit: int = 40) -> str:
    """A short text report of a :func:`match` table (used by :func:`join` and the CLI).

    Parameters
    ----------
    matches : DataFrame
        Output of :func:`match`.
    limit : int
        Keys listed at most.

    Returns
    -------
    str
        Counts by status, then every key that is not an exact match with its outcome.
    """
    m = matches.drop_duplicates("key") if len(matches) else matches
    counts = m["status"].value_counts()
    head = ", ".join(f"{counts[s]} {s}" for s in ("exact", "alias", "historical", "fuzzy", "ambiguous", "abolished", "unknown") if s in counts)
    lines = [f"{len(m)} distinct key(s): {head}"]
    shown = m[m["status"] != "exact"]
    for row in shown.head(limit).itertuples(index=False):
        target = f"→ {row.name} ({row.adcode})" if pd.notna(row.adcode) else "→ (no unit)"
        lines.append(f"  {row.key!s:<12} {row.status:<10} {target}  {row.note}".rstrip())
    if len(shown) > limit:
        lines.append(f"  … {len(shown) - limit} more")
    return "\n".join(lines)


def _problem_message(problems: pd.DataFrame, matches: pd.DataFrame, what: str) -> str:
    lines = [f"{len(problems)} key(s) of the table {what}:"]
    for row in problems.head(30).itertuples(index=False):
        hint = row.note or ""
        if row.candidates and row.status in ("unknown", "fuzzy") and "did you mean" not in hint:
            hint = (hint + "; " if hint else "") + "candidates: " + ", ".join(_label(c) for c in row.candidates[:5])
        lines.append(f"  {row.key!r} ({row.status}): {hint}")
    if len(problems) > 30:
        lines.append(f"  … {len(problems) - 30} more (see err.matches)")
    lines.append(
        "Fix the keys, pass aliases={'old key': 'name or adcode'}, accept_fuzzy=True for close "
        "spellings, or unmatched='drop'/'keep'; err.matches holds the full match table."
    )
    return "\n".join(lines)


def join(
    table: pd.DataFrame | str | Path,
    key: str,
    *,
    level: str = "prefecture",
    year_column: str | None = None,
    unmatched: str = "raise",
    merge: str = "raise",
    units: Any = None,
    aliases: Mapping[Any, Any] | None = None,
    accept_fuzzy: bool = False,
    dropna: bool = False,
    na_values: Iterable[str] | None = None,
):
    """Attach a user table (wide, or long with a year column) to the embedded units.

    The result has every unit (a left join onto the units): one row per unit for a wide table,
    one row per unit and year for a long table, NaN where the table has no value.

    Parameters
    ----------
    table : DataFrame or path
        A table, or a file read with :func:`spatialregion.read` (GB18030/UTF-8 detection).
    key : str
        Column naming the region of each row (any form :func:`match` accepts).
    level : {"prefecture", "province", "county"}
        Units joined to (``"county"`` needs the ``[counties]`` extra).
    year_column : str, optional
        Column holding the year of a long table; keys are matched per year.
    unmatched : {"raise", "drop", "keep"}
        Table rows whose key is unknown, ambiguous, a fuzzy spelling (unless ``accept_fuzzy``)
        or a split unit: raise :class:`~spatialregion.errors.RegionMatchError` (default), drop
        them with a warning naming them, or keep them as extra rows without geometry.
    merge : {"raise", "sum", "drop"}
        Rows of units merged into another (莱芜 → 济南, approved 2018, effective January 2019): raise (default), ``"sum"`` them
        into the absorbing unit's row of the same year (right for totals: GDP, population;
        wrong for ratios), or ``"drop"`` them (keep only the absorbing unit's own rows, e.g. for
        GDP per capita).  Splits are never assigned.
    units : GeoDataFrame, optional
        Units with an ``adcode`` column to join onto (default ``load(level + "s")``, mainland).
    aliases : mapping, optional
        Your own key corrections, applied before matching.
    accept_fuzzy : bool, default False
        Use the closest spelling for keys with status ``fuzzy`` (a warning lists each).
    dropna : bool, default False
        Drop units whose numeric table columns hold any NaN (a warning names them).
    na_values : iterable of str, optional
        Further texts meaning "missing" in value columns.

    Returns
    -------
    GeoDataFrame
        Unit columns, then the year column (long tables), then the table's columns (the key
        column kept; names also in the units get the suffix ``_table``).  ``attrs["matches"]``
        is the :func:`match` table, ``attrs["match_report"]`` its text, ``attrs["missing_units"]``
        the units the table has no row for, ``attrs["dropped"]`` what was dropped and why.

    Raises
    ------
    RegionMatchError
        Unmatched keys (``unmatched="raise"``) or merged units (``merge="raise"``); ``err.matches``.
    DuplicateIdError
        Two rows of the table map to the same unit (and year) other than by a merge (襄樊 and
        襄阳 in the same year).
    """
    from ..io import read
    from ._load import load

    for name, value, allowed in (("unmatched", unmatched, ("raise", "drop", "keep")), ("merge", merge, ("raise", "sum", "drop"))):
        if value not in allowed:
            raise InputError(f"{name}={value!r} is not supported; use one of {', '.join(map(repr, allowed))}")
    if not isinstance(table, pd.DataFrame):
        table = read(table, na_values=na_values)
    for col, what in ((key, "key"), (year_column, "year_column")):
        if col is not None and col not in table.columns:
            raise InputError(f"{what} {col!r} is not a column of the table; columns: {list(table.columns)[:30]}")
    data = parse_numbers(pd.DataFrame(table).drop(columns="geometry", errors="ignore"), na_values=na_values,
                         skip=[key] + ([year_column] if year_column else []))
    years = None
    if year_column is not None:
        years = _years(data[year_column], year_column)
        data[year_column] = years
    matches = match(data[key], level=level, year=years, aliases=aliases)
    dropped: list[str] = []

    status = matches["status"]
    is_fuzzy = status.eq("fuzzy")
    is_merge = matches["change"].eq("merge") & status.eq("abolished")
    usable = status.isin(_USABLE) | is_merge | (is_fuzzy & accept_fuzzy)
    if accept_fuzzy and is_fuzzy.any():
        fz = matches[is_fuzzy].drop_duplicates("key")
        warnings.warn("fuzzy matches used: " + "; ".join(f"{k!r} → {n}" for k, n in zip(fz["key"], fz["name"])),
                      SpatialRegionWarning, stacklevel=2)
    distinct = matches.drop_duplicates("key")
    problems = distinct[~distinct["key"].isin(matches.loc[usable, "key"])]
    if len(problems) and unmatched == "raise":
        raise RegionMatchError(_problem_message(problems, matches, "match no unit"), matches=distinct.reset_index(drop=True))
    if len(problems) and unmatched == "drop":
        msg = f"dropped {int((~usable).sum())} table row(s) whose key matches no unit: {sorted(map(str, problems['key']))}"
        warnings.warn(msg, SpatialRegionWarning, stacklevel=2)
        dropped.append(msg)
    merged = distinct[distinct["change"].eq("merge") & distinct["status"].eq("abolished")]
    if len(merged) and merge == "raise":
        raise RegionMatchError(
            _problem_message(merged, matches, "name units merged into another")
            .replace("Fix the keys", "Pass merge='sum' (totals) or merge='drop' (ratios), fix the keys"),
            matches=distinct.reset_index(drop=True),
        )
    keep_rows = usable.to_numpy().copy()
    if merge == "drop" and is_merge.any():
        keep_rows &= ~is_merge.to_numpy()
        msg = f"dropped {int(is_merge.sum())} row(s) of merged units (merge='drop'): {sorted(map(str, merged['key']))}"
        warnings.warn(msg, SpatialRegionWarning, stacklevel=2)
        dropped.append(msg)

    rows = data.loc[keep_rows].copy()
    rows["adcode"] = matches.loc[keep_rows, "adcode"].astype("int64").to_numpy() if keep_rows.any() else np.array([], dtype="int64")
    rows = _combine(rows, matches.loc[keep_rows, "change"].eq("merge").to_numpy(), key, year_column, merge)
    extra = data.loc[~usable.to_numpy()] if unmatched == "keep" else data.iloc[0:0]

    base = units if units is not None else load(level + "s")
    if "adcode" not in base.columns:
        raise InputError("units must have an 'adcode' column to join on")
    value_cols = [c for c in rows.columns if c not in ("adcode", year_column)]
    rename = {c: f"{c}_table" for c in value_cols if c in base.columns}
    rows = rows.rename(columns=rename)
    extra = extra.rename(columns=rename)
    if year_column is None:
        out = base.merge(rows, on="adcode", how="left", validate="one_to_one")
    else:
        all_years = sorted(set(years.dropna().astype(int)))
        grid = base.loc[base.index.repeat(len(all_years))].reset_index(drop=True)
        grid[year_column] = np.tile(np.array(all_years, dtype="int64"), len(base))
        out = grid.merge(rows, on=["adcode", year_column], how="left", validate="one_to_one")
    if len(extra):
        out = pd.concat([out, extra], ignore_index=True)
    numeric = [rename.get(c, c) for c in value_cols if pd.api.types.is_numeric_dtype(rows[rename.get(c, c)])]
    have = set(rows["adcode"])
    missing_units = base.loc[~base["adcode"].isin(have), ["adcode", "name"]].reset_index(drop=True)
    if dropna and numeric:
        bad = out[numeric].isna().any(axis=1)
        if bad.any():
            labels = list(dict.fromkeys(f"{n} ({c})" for n, c in zip(out.loc[bad, "name"], out.loc[bad, "adcode"])))
            msg = f"dropped {int(bad.sum())} row(s) with missing values in {numeric}: {', '.join(labels[:30])}" + (" …" if len(labels) > 30 else "")
            warnings.warn(msg, SpatialRegionWarning, stacklevel=2)
            dropped.append(msg)
            out = out.loc[~bad].reset_index(drop=True)
    out.attrs = {
        "matches": distinct.reset_index(drop=True),
        "match_report": format_matches(distinct),
        "missing_units": missing_units,
        "dropped": dropped,
        "encoding": getattr(table, "attrs", {}).get("encoding"),
    }
    return out


def _years(values: pd.Series, name: str) -> pd.Series:
    parsed = pd.Series([parse_number(v) for v in values.tolist()], index=values.index, dtype=object)
    bad = [v for v, p in zip(values.tolist(), parsed.tolist()) if p is None or (isinstance(p, float) and (np.isnan(p) or not float(p).is_integer()))]
    if bad:
        raise InputError(f"year column {name!r} must hold whole years; found {bad[:2]}")
    return parsed.astype("int64")


def _combine(rows: pd.DataFrame, from_merge: np.ndarray, key: str, year_column: str | None, merge: str) -> pd.DataFrame:
    """One row per (adcode[, year]); merged units summed when ``merge == "sum"``; other
    duplicates raise :class:`DuplicateIdError`."""
    by = ["adcode"] + ([year_column] if year_column else [])
    dup = rows.duplicated(by, keep=False).to_numpy()
    if not dup.any():
        return rows
    # duplicates not explained by a merge: a group is fine when all but one of its rows come from merges
    rows = rows.assign(_merge=from_merge)
    groups = rows[dup].groupby(by, sort=False)
    bad = [g for _, g in groups if (~g["_merge"]).sum() > 1 or (merge != "sum")]
    if bad:
        shown = "; ".join(
            f"{' and '.join(map(repr, g[key].astype(str).tolist()))} → {_label(int(g['adcode'].iloc[0]))}"
            + (f" in {g[year_column].iloc[0]}" if year_column else "")
            for g in bad[:10]
        )
        raise DuplicateIdError(
            f"{len(bad)} unit(s) have more than one row in the table: {shown}. Remove the duplicate rows "
            "(an old and a new name of the same unit both present?)"
        )
    numeric = [c for c in rows.columns if c not in by + [key, "_merge"] and pd.api.types.is_numeric_dtype(rows[c])]
    agg: dict[str, Any] = {c: (lambda s: s.sum(min_count=1)) for c in numeric}
    agg.update({c: "first" for c in rows.columns if c not in by + numeric + ["_merge", key]})
    agg[key] = lambda s: ";".join(map(str, s))
    rows = rows.sort_values("_merge", kind="stable")  # the absorbing unit's own row first
    out = rows.groupby(by, sort=False, as_index=False).agg(agg)
    return out[[c for c in rows.columns if c != "_merge"]]
