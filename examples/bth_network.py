"""Gravity-model linkage network of the 13 Beijing–Tianjin–Hebei cities, 2014 and 2023.

Data: ``spatialregion.datasets.bth_chains()`` — Table 2 of Jiang, Nie & Li (2025),
区域经济评论 2025(3): 85–97, capital of surviving enterprises (企业存续资本量, 亿元, nominal):

- M (economic mass) = industry-chain capital (产业链企业存续资本量, manufacturing enterprises);
- P (second mass)   = innovation-chain capital (创新链企业存续资本量, scientific-research and
  technical-service enterprises).

So R_ij = M_i/(M_i+M_j) · √(P_i M_i) √(P_j M_j) / D_ij², with D the geodesic distance (km)
between the cities' representative points (``representative_point()`` of the embedded
boundaries, EPSG:4490).  Links kept: R_ij ≥ the mean of the 156 off-diagonal strengths of that
year.  Metrics on the 0/1 network (hop-count paths), coreness by the continuous
Borgatti–Everett model (UCINET's least-squares fit), classes by the 0.1 / 0.01 convention.

Run::

    python examples/bth_network.py [OUT_DIR]

It prints the linkage, network-statistics and core–periphery tables for both years and writes
``bth_network_<year>.csv`` (per-city metrics), ``bth_network.gpkg`` (nodes and links per year,
styled) and ``bth_network_flows.png`` (flow maps side by side).
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

import spatialregion as sr  # noqa: E402
from spatialregion import datasets, export, maps, network  # noqa: E402

YEARS = (2014, 2023)
MASS = "产业链企业存续资本量"  # industry-chain capital, M
POP = "创新链企业存续资本量"  # innovation-chain capital, P


def cities_with_masses(year: int):
    """The 13 cities (EPSG:4490) with columns M and P for ``year`` (one-to-one join on short name)."""
    cities = sr.load("prefectures", group="jingjinji")
    raw = datasets.bth_chains()
    tab = raw[(raw["year"] == year) & raw["indicator"].isin([MASS, POP])]
    wide = tab.pivot(index="city", columns="indicator", values="value").rename(columns={MASS: "M", POP: "P"})
    merged = cities.merge(wide, left_on="name_short", right_index=True, how="left", validate="one_to_one")
    missing = merged.loc[merged[["M", "P"]].isna().any(axis=1), "name"].tolist()
    if missing:
        raise RuntimeError(f"no bth_chains values for {missing}")
    return merged


def analyse(year: int):
    units = cities_with_masses(year)
    grav = network.gravity(units, mass="M", population="P", power=2, coefficient="share")
    net = grav.network("mean")
    return units, grav, net, net.metrics(), net.core_periphery()


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    fig, axes = plt.subplots(1, 2, figsize=(11, 6.6))
    table = []
    for ax, year in zip(axes, YEARS):
        units, grav, net, metrics, cp = analyse(year)
        print(f"\n########## {year} ##########")
        print(grav.summary(top=8))
        print(metrics.summary())
        print(cp.summary())
        frame = metrics.node.join(cp.to_frame()[["coreness", "cp_class", "cp_class_zh"]])
        export.to_csv(frame, out / f"bth_network_{year}.csv")
        net.to_gpkg(out / "bth_network.gpkg", layer=f"bth_{year}", curved=True)
        net.plot(ax=ax, curved=True, title=f"京津冀经济联系网络 {year}")
        table.append(pd.Series(metrics.network, name=year))
    print("\nWhole-network statistics by year\n" + pd.concat(table, axis=1).to_string(float_format="{:.4f}".format))
    maps.save(fig, out / "bth_network_flows.png", close=True)
    print(f"\nwrote {out / 'bth_network_flows.png'}, {out / 'bth_network.gpkg'} and per-year CSV tables")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("bth_network_out"))
