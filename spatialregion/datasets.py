"""Small example datasets shipped with the package.

The tables are copies of ``shared/data`` (values printed in the source
papers); each function documents the paper it comes from.  Nothing is
downloaded: files live in ``spatialregion/data/tables``.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pandas as pd

__all__ = ["ai_index", "bth_chains", "nat", "nat_weights", "provincial_sdm_panel", "table_path"]


def table_path(name: str) -> Path:
    """Path of a shipped table file (``spatialregion/data/tables/<name>``).

    Parameters
    ----------
    name : str
        File name, e.g. ``"ai_index_provinces.csv"``.

    Returns
    -------
    Path
        The file's path inside the installed package.
    """
    path = Path(str(resources.files("spatialregion") / "data" / "tables" / name))
    if not path.exists():
        available = sorted(p.name for p in path.parent.glob("*.csv"))
        raise FileNotFoundError(f"no shipped table {name!r}; available: {available}")
    return path


def ai_index() -> pd.DataFrame:
    """Artificial-intelligence development index of the 31 mainland provinces.

    Columns ``province`` (short Chinese name), ``region`` (东部/中部/西部, the
    paper's three regions: 11/8/12 provinces) and ``ai2011``, ``ai2015``,
    ``ai2019``, ``ai2022`` (two decimals, as printed).

    Reference: Wang Jiating et al., "新质生产力背景下中国人工智能发展的时空格局与驱动因素",
    Table 2.  The paper decomposes it with the Dagum Gini coefficient (Table 5).

    Returns
    -------
    DataFrame
        31 rows, one per province.
    """
    return pd.read_csv(table_path("ai_index_provinces.csv"))


def bth_chains() -> pd.DataFrame:
    """Industry- and innovation-chain indicators of the 13 Beijing–Tianjin–Hebei cities.

    Long table (416 rows = 13 cities × 4 years × 8 indicators) with columns
    ``city, year, table, indicator, chain (industry|innovation), unit, value``
    as printed in Tables 2–5 of Jiang, Nie & Li (2025), 区域经济评论 2025(3): 85–97.
    See ``data/tables/bth_chains_README.md`` for the cells the paper prints
    inconsistently (kept as printed).

    Returns
    -------
    DataFrame
        416 rows in long form.
    """
    return pd.read_csv(table_path("bth_chains_raw.csv"))


def nat() -> pd.DataFrame:
    """NCOVR US county homicides (3,085 counties): HR, RD, PS for 1960–1990.

    Wide table in the shapefile's order with ``FIPSNO, NAME, STATE_NAME, STFIPS``
    and ``HR60 … HR90`` (homicide rate per 100,000), ``RD60 … RD90`` (resource
    deprivation), ``PS60 … PS90`` (population structure): exact copies of
    libpysal's NCOVR ``NAT.dbf`` (Baller, Anselin, Messner, Deane & Hawkins 2001,
    Criminology 39: 561–590).  The test data of spreg's panel models.

    Returns
    -------
    pandas.DataFrame
        3,085 rows, one per county.
    """
    return pd.read_csv(table_path("nat_hr_rd_ps.csv"))


def nat_weights():
    """Queen contiguity of the NAT counties keyed by ``FIPSNO`` (pysal's ``nat_queen.gal``), a libpysal Graph
    with integer ids in the order of :func:`nat`.

    Returns
    -------
    libpysal.graph.Graph
        Binary queen contiguity (transform it as the model needs).
    """
    from libpysal.graph import Graph
    from libpysal.io import open as ps_open

    f = ps_open(str(table_path("nat_queen.gal")))
    try:
        w = f.read()
    finally:
        f.close()
    adj = Graph.from_W(w).adjacency
    adj.index = adj.index.set_levels([lev.astype(int) for lev in adj.index.levels])
    return Graph(adj, is_sorted=True)


def provincial_sdm_panel() -> pd.DataFrame:
    """A **simulated** long panel of the 31 mainland provinces × 2013–2022 for the spatial Durbin example.

    Columns ``adcode, name, year, y, x1, x2`` generated from a two-way fixed-effects
    SDM with ρ = 0.3, β = (1.0, −0.5), θ = (0.4, 0.2) on row-standardised queen
    contiguity (seed 20240516); see ``data/tables/provincial_sdm_panel_README.md``.

    Returns
    -------
    pandas.DataFrame
        310 rows, one per province and year.
    """
    return pd.read_csv(table_path("provincial_sdm_panel.csv"))


def ai_gdp_pc_ranks() -> pd.DataFrame:
    """Ranks of the 31 mainland provinces by the 2022 AI development index and by 2022 GDP per capita.

    Columns ``province`` (short Chinese name, as :func:`ai_index`),
    ``ai_rank_2022`` (1 = highest index) and ``gdp_pc_rank_2022`` (1 = highest
    GDP per capita), as printed in Table 6 ("2022年中国人工智能发展与经济发展的一致性分析")
    of the same paper as :func:`ai_index`; see
    ``data/tables/ai_gdp_pc_ranks_2022_README.md``.  Used by
    :func:`spatialregion.drivers.rank_consistency` (``examples/rank_consistency_ai_2022.py``).

    Returns
    -------
    DataFrame
        31 rows.
    """
    return pd.read_csv(table_path("ai_gdp_pc_ranks_2022.csv"))
