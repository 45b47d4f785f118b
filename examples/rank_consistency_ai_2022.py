"""Consistency of AI development with economic development, 2022 (the AI-index paper's Table 6).

Data: ``spatialregion.datasets.ai_index()`` (the paper's AI development index of the 31 mainland
provinces, Table 2) and ``spatialregion.datasets.ai_gdp_pc_ranks()`` (the ranks by 2022 GDP per
capita the paper prints in Table 6).  Method, as the paper describes it:

1. rank the provinces by the 2022 AI index (1 = highest; the computed rank equals the printed
   ``ai_rank_2022``, checked below and in ``tests/test_drivers.py``);
2. difference = AI rank − GDP-per-capita rank;
3. two scales: type 超前 (difference < 0: AI ranks above GDP per capita) / 同步 (0) / 滞后 (> 0),
   and consistency level 一致性水平较高 (|difference| ≤ 3) / 一致性水平较低 (otherwise);
4. counts of every type and level in the East, Central and West regions.

Run::

    python examples/rank_consistency_ai_2022.py [OUT_DIR]

Prints the table and the regional counts; writes ``rank_consistency_2022.csv`` (UTF-8 with BOM),
``rank_consistency_2022.gpkg`` (styled layer with adcode, names, ranks, type and level) and
``rank_consistency_2022.png`` (maps of the type and the level).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

import spatialregion as sr
from spatialregion import datasets, drivers


def table() -> pd.DataFrame:
    """The AI index with the printed ranks, one row per province (short name in ``province``)."""
    ai = datasets.ai_index()
    ranks = datasets.ai_gdp_pc_ranks()
    return ai.merge(ranks, on="province", how="inner", validate="one_to_one")


def consistency(data: pd.DataFrame | None = None) -> drivers.RankConsistencyResult:
    """The paper's two-scale classification for 2022."""
    data = table() if data is None else data
    return drivers.rank_consistency(data, "ai2022", reference="gdp_pc_rank_2022", reference_ranks=True,
                                    threshold=3, id_column="province", region_column="region")


def main(out: Path = Path("rank-consistency")) -> None:
    import matplotlib.pyplot as plt

    from spatialregion import export, maps

    out.mkdir(parents=True, exist_ok=True)
    data = table()
    if len(data) != 31:
        raise RuntimeError(f"expected 31 provinces in both tables, got {len(data)}")
    res = consistency(data)
    same = (res.frame["rank_index"].to_numpy() == data["ai_rank_2022"].to_numpy()).all()
    print(f"AI rank recomputed from the printed index equals the printed AI rank: {same}")
    pd.set_option("display.width", 200)
    print(res.summary())

    # the same analysis on the provinces layer, for the map and the GeoPackage
    prov = sr.load("provinces")
    units = prov.merge(data, left_on="name_short", right_on="province", how="inner", validate="one_to_one")
    if len(units) != 31:
        raise RuntimeError(f"{31 - len(units)} provinces of the table are missing from the provinces layer")
    geo = drivers.rank_consistency(units, "ai2022", reference="gdp_pc_rank_2022", reference_ranks=True,
                                   threshold=3, id_column="adcode", region_column="region")
    export.to_csv(pd.DataFrame(geo.to_frame().drop(columns="geometry")), out / "rank_consistency_2022.csv")
    geo.to_gpkg(out / "rank_consistency_2022.gpkg", layer="rank_consistency_2022")
    maps.use_cjk_font()
    fig, axes = plt.subplots(1, 2, figsize=(14, 6.5))
    geo.plot(ax=axes[0], kind="type", title="人工智能与经济发展位序一致性类型 2022", labels="name_short")
    geo.plot(ax=axes[1], kind="level", title="一致性水平 (|AI 位序 − 人均GDP 位序| ≤ 3)", labels="name_short")
    maps.save(fig, out / "rank_consistency_2022.png", close=True)
    print(f"\nWrote {out / 'rank_consistency_2022.csv'}, {out / 'rank_consistency_2022.gpkg'}, "
          f"{out / 'rank_consistency_2022.png'}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("rank-consistency"))
