"""Coupling coordination of the industry and innovation chains of the 13 Beijing–Tianjin–Hebei cities.

Data: ``spatialregion.datasets.bth_chains()`` — the raw indicators printed in Tables 2–5 of
Jiang, Nie & Li (2025), 区域经济评论 2025(3): 85–97 (13 cities × 2014/2017/2020/2023 × 8
indicators, all positive).  Method, as the paper describes it:

1. P1 (industry chain, 产业链) and P2 (innovation chain, 创新链): entropy weights of each
   chain's four indicators, pooled over the four years (min–max over all 52 city-years,
   shift 0 with 0·ln 0 := 0), composite score S = Σ w z ∈ [0, 1];
2. coupling degree U = √(P1·P2)/(P1+P2) (the paper's form, ``variant="sqrt"``, max 0.5),
   T = 0.5·P1 + 0.5·P2, coordination degree D = √(U·T), and its class (廖重斌 1999).

The paper's printed U and D cannot be reproduced from the printed inputs (see
``examples/README.md``); our values are pinned in ``tests/test_indices.py``.

Run::

    python examples/bth_coupling.py [OUT_DIR]

It prints the paper-style tables and writes ``bth_coupling.csv``, ``bth_coupling.gpkg``
(one styled layer per year) and ``bth_coupling_D.png`` (maps of D in 2014 and 2023).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

import spatialregion as sr
from spatialregion import datasets, indices

CHAINS = {"industry": "P1", "innovation": "P2"}


def chain_scores(shift: float = 0.0, panel: str = "pooled") -> tuple[pd.DataFrame, dict[str, indices.EntropyResult]]:
    """P1 and P2 per city and year (index ``(city, year)``) and the two entropy results."""
    raw = datasets.bth_chains()
    wide = raw.pivot_table(index=["city", "year"], columns=["chain", "indicator"], values="value", aggfunc="first")
    scores, results = {}, {}
    for chain, name in CHAINS.items():
        table = wide[chain].reset_index()
        table.columns.name = None
        ind = [c for c in table.columns if c not in ("city", "year")]
        res = indices.entropy_weights(table, ind, id_column="city", period_column="year", panel=panel, shift=shift)
        results[name] = res
        scores[name] = res.scores  # indexed by (city, year)
    return pd.DataFrame(scores), results


def coupling(variant: str = "sqrt", shift: float = 0.0) -> indices.CouplingResult:
    """Coupling coordination of P1 and P2 for every city-year (index ``(city, year)``)."""
    p, _ = chain_scores(shift)
    return indices.coupling_coordination(p, ["P1", "P2"], variant=variant)


def paper_table(result: indices.CouplingResult) -> pd.DataFrame:
    """Cities × (U, D, class) per year, as the paper's Tables 6–7 lay them out."""
    frame = result.to_frame().rename(columns={"C": "U"})
    out = frame[["U", "D", "class_zh"]].unstack("year")
    return out.sort_values(("D", out["D"].columns[-1]), ascending=False)


def main(out: Path = Path("bth-coupling")) -> None:
    from spatialregion import export, maps

    out.mkdir(parents=True, exist_ok=True)
    p, results = chain_scores()
    for name, res in results.items():
        print(f"\nEntropy weights of {name} ({'industry' if name == 'P1' else 'innovation'} chain), pooled 2014–2023")
        print(res.table.round(4).to_string())
    res = indices.coupling_coordination(p, ["P1", "P2"], variant="sqrt")
    table = paper_table(res)
    pd.set_option("display.width", 200)
    print("\nCoupling U = √(P1·P2)/(P1+P2) and coordination D = √(U·T), T = (P1+P2)/2")
    print(table.round(3).to_string())
    frame = res.to_frame().reset_index()
    export.to_csv(frame, out / "bth_coupling.csv")

    cities = sr.load("prefectures", group="jingjinji")
    years = sorted(frame["year"].unique())
    import matplotlib.pyplot as plt

    maps.use_cjk_font()
    fig, axes = plt.subplots(1, 2, figsize=(12, 6.5))
    for year in years:
        sub = frame[frame["year"] == year].set_index("city")
        missing = sorted(set(sub.index) - set(cities["name_short"]))
        if missing:
            raise RuntimeError(f"cities {missing} not found in the jingjinji layer")
        units = cities.set_index("name_short", drop=False).loc[sub.index].reset_index(drop=True)
        units = units.assign(P1=sub["P1"].to_numpy(), P2=sub["P2"].to_numpy())
        r_year = indices.coupling_coordination(units, ["P1", "P2"], variant="sqrt", id_column="adcode")
        r_year.to_gpkg(out / "bth_coupling.gpkg", layer=f"coupling_{year}")
        if year in (years[0], years[-1]):
            ax = axes[0 if year == years[0] else 1]
            r_year.plot(ax=ax, title=f"京津冀产业链–创新链耦合协调度 D, {year}", labels="name_short",
                        legend_loc="lower right")
    maps.save(fig, out / "bth_coupling_D.png", close=True)
    print(f"\nWrote {out / 'bth_coupling.csv'}, {out / 'bth_coupling.gpkg'}, {out / 'bth_coupling_D.png'}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("bth-coupling"))
