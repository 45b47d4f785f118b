"""Dagum Gini decomposition of China's provincial AI-development index by the three regions.

Data: ``spatialregion.datasets.ai_index()`` — the AI development index of the 31 mainland
provinces in 2011, 2015, 2019 and 2022 as printed (two decimals) in Table 2 of Wang Jiating
et al., "新质生产力背景下中国人工智能发展的时空格局与驱动因素", with the paper's three regions
(东部 11, 中部 8, 西部 12 provinces including 西藏).

The paper decomposes this index with the Dagum (1997) Gini coefficient in its Table 5
(total Gini, within-region Gini of 东部/中部/西部, between-region Gini of each pair and the
contributions of within-region differences, net between-region differences and
transvariation).  **Table 5's printed values are not in this repository.**  To compare,
paste them into ``PRINTED_TABLE5`` below (same layout as our table, as printed, e.g. three
decimals for Gini values and two for percentages); the script then prints our value, the
printed value and whether they agree at the printed precision (half a unit of the last
printed digit, plus the rounding of the two-decimal input data, which can move a Gini by
about ±0.001).  Nothing here invents "printed" numbers.

Run::

    python examples/dagum_ai_index.py [OUT_DIR]

It prints the paper-layout table (one row per year), the per-year detail (group means,
d_jh, p_jh, D_jh) and, with OUT_DIR, writes ``dagum_gini_ai_index.csv``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from spatialregion import datasets
from spatialregion.inequality import dagum_gini

YEARS = ["ai2011", "ai2015", "ai2019", "ai2022"]
ORDER = ["东部", "中部", "西部"]

#: Paste Table 5 here to compare, e.g. {"ai2011": {"G": "0.524", "东部": "0.381", ..., "transvariation": "12.23"}}
#: (strings keep trailing zeros, which set the printed precision; floats work too).
#: Keys per year: "G", "东部", "中部", "西部", "东部-中部", "东部-西部", "中部-西部",
#: "within", "between", "transvariation" (the last three in percent).  Left empty on purpose.
PRINTED_TABLE5: dict[str, dict[str, str | float]] = {}

#: extra tolerance for the two-decimal rounding of the input index (Gini units / percent points)
INPUT_ROUNDING = {"gini": 1e-3, "percent": 0.1}


def our_table() -> pd.DataFrame:
    """Our decomposition, one row per year, flat columns named as in PRINTED_TABLE5."""
    res = dagum_gini(datasets.ai_index(), YEARS, groups="region", order=ORDER)
    frame = res.to_frame()
    frame.columns = [c[1].split(" ")[0] for c in frame.columns]  # "G", "东部", ..., "within"
    return frame


def compare(ours: pd.DataFrame, printed: dict[str, dict[str, str | float]]) -> pd.DataFrame:
    """Rows: (year, statistic) with ours, printed, |diff| and the tolerance used."""
    rows = []
    for year, cells in printed.items():
        for key, cell in cells.items():
            text = cell if isinstance(cell, str) else repr(float(cell))
            value = float(text)
            decimals = len(text.split(".")[1]) if "." in text else 0
            pct = key in ("within", "between", "transvariation")
            tol = 0.5 * 10.0**-decimals + INPUT_ROUNDING["percent" if pct else "gini"]
            mine = float(ours.loc[year, key])
            rows.append({"year": year, "statistic": key, "ours": mine, "printed": value, "abs_diff": abs(mine - value), "tolerance": tol, "agrees": abs(mine - value) <= tol})
    return pd.DataFrame(rows)


def main(out: Path | None = None) -> pd.DataFrame:
    res = dagum_gini(datasets.ai_index(), YEARS, groups="region", order=ORDER)
    print(res.summary())
    for year in YEARS:
        r = res[year]
        print(f"\n{year}: G = {r.total:.4f} = G_w {r.components['G_w']:.4f} + G_nb {r.components['G_nb']:.4f} + G_t {r.components['G_t']:.4f}")
        print(r.pairs.round(4).to_string())
    table = our_table()
    if PRINTED_TABLE5:
        cmp = compare(table, PRINTED_TABLE5)
        print("\nComparison with the paper's Table 5\n" + cmp.to_string(index=False))
    else:
        print("\nTable 5 of the paper is not in the repository: paste its values into PRINTED_TABLE5 to compare.")
    if out is not None:
        from spatialregion import export

        out.mkdir(parents=True, exist_ok=True)
        path = export.to_csv(table, out / "dagum_gini_ai_index.csv")
        print(f"wrote {path}")
    return table


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else None)
