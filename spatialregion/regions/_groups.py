"""Regional groupings (region3, region4, zone8, jingjinji) read from the shipped data files."""

from __future__ import annotations

import difflib
import functools
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError, UnknownRegionError
from ._files import GROUPINGS, _attributes, _city_groups, _data_path, _key, _province_groups

_GROUP_ALIASES = {
    "jingjinji": "jingjinji", "京津冀": "jingjinji", "bth": "jingjinji",
    "beijingtianjinhebei": "jingjinji",
}


@functools.lru_cache(maxsize=None)
def _group_labels() -> dict[str, list[tuple[str, str]]]:
    """``{grouping: [(zh, en), ...]}`` in the canonical order of ``group_labels.csv``."""
    table = pd.read_csv(_data_path("group_labels.csv"))
    out: dict[str, list[tuple[str, str]]] = {}
    for row in table.itertuples(index=False):
        out.setdefault(str(row.grouping), []).append((str(row.label), str(row.label_en)))
    return out


def groups(name: str, *, lang: str = "zh") -> dict[str, list[str]]:
    """Members of a grouping as ``{label: [short names]}``.

    Parameters
    ----------
    name : {"region3", "region4", "zone8", "jingjinji"}
        ``region3``: 东部 11 / 中部 8 / 西部 12 provinces (seed papers);
        ``region4``: NBS 东部 10 / 中部 6 / 西部 12 / 东北 3;
        ``zone8``: eight comprehensive economic zones (DRC 2005);
        ``jingjinji``: {"京津冀": 13 cities}.
    lang : {"zh", "en"}
        Labels and member names in Chinese (short names) or English.

    Returns
    -------
    dict
        Label → list of member names in adcode order.
    """
    if lang not in ("zh", "en"):
        raise InputError(f"lang must be 'zh' or 'en', got {lang!r}")
    key = _GROUP_ALIASES.get(_key(name), name)
    if key == "jingjinji":
        cg = _city_groups()
        attrs = _attributes("prefectures").set_index("adcode")
        codes = cg.loc[cg["group"] == "jingjinji", "adcode"]
        col = "name_short" if lang == "zh" else "name_en"
        zh, en = _group_labels()["jingjinji"][0]
        label = zh if lang == "zh" else en
        return {label: [str(attrs.loc[c, col]) for c in sorted(codes)]}
    if key not in ("region3", "region4", "zone8"):
        raise InputError(f"unknown grouping {name!r}; choose one of {list(GROUPINGS)}")
    pg = _province_groups()
    pg = pg[pg[key].notna()].sort_values("adcode")
    col = "name_short" if lang == "zh" else "name_en"
    out: dict[str, list[str]] = {}
    for zh, en in _group_labels()[key]:
        members = pg.loc[pg[key] == zh, col].astype(str).tolist()
        out[zh if lang == "zh" else en] = members
    return out


def _group_mask(frame: pd.DataFrame, group: Any) -> np.ndarray:
    """Boolean mask of rows of a province/prefecture table in ``group``."""
    if isinstance(group, (list, tuple, set)) and not (
        isinstance(group, tuple) and len(group) == 2 and _key(group[0]) in GROUPINGS
    ):
        mask = np.zeros(len(frame), dtype=bool)
        for g in group:
            mask |= _group_mask(frame, g)
        return mask
    grouping: str | None = None
    label: Any = group
    if isinstance(group, tuple):
        grouping, label = _key(group[0]), group[1]
    elif isinstance(group, str) and ":" in group:
        grouping, label = (part.strip() for part in group.split(":", 1))
        grouping = _key(grouping)
    if not isinstance(label, str):
        raise InputError(f"group must be a label such as '东部', 'east' or 'jingjinji', got {group!r}")
    lkey = _key(label)
    if _GROUP_ALIASES.get(lkey) == "jingjinji" and grouping in (None, "jingjinji"):
        return frame["jingjinji"].to_numpy(dtype=bool)
    # Search region3 first (the seed papers' East/Central/West), then region4, then zone8.
    search = [grouping] if grouping else ["region3", "region4", "zone8"]
    for g in search:
        if g not in ("region3", "region4", "zone8"):
            raise InputError(f"unknown grouping {g!r} in group={group!r}; choose one of {list(GROUPINGS)}")
        for zh, en in _group_labels()[g]:
            if lkey in (_key(zh), _key(en), _key(zh.removesuffix("部")), _key(en + "ern")):
                return (frame[g] == zh).to_numpy()
    known = sorted({lab for g in ("region3", "region4", "zone8") for pair in _group_labels()[g] for lab in pair})
    close = difflib.get_close_matches(str(label), known + ["jingjinji"], n=4, cutoff=0.4)
    hint = f" Did you mean: {', '.join(close)}?" if close else ""
    raise UnknownRegionError(
        f"unknown group {group!r}; use 'jingjinji', a region3/region4 label (东部/east, 中部/central, "
        f"西部/west, 东北/northeast), a zone8 label (e.g. 长江中游), or 'region4:东部' to pick a grouping.{hint}"
    )
