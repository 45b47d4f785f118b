"""From a messy statistical-yearbook CSV to a hot-spot map, a spatial Markov table and a Dagum table.

The data are **generated** here (nothing is downloaded): a GDP-per-capita panel of China's
prefecture-level cities for 2010–2020 (every two years), written the way yearbook tables and
the spreadsheets copied from them look on Chinese Windows:

* the file is GBK-encoded (what Excel's "CSV" saves there) with Chinese headers;
* city keys mix full names (石家庄市), short names (石家庄), 6-digit codes, stray spaces, a typo
  (石家庄巿 with 巿 U+5DFF), and the names and codes in force in each year: 襄樊 (renamed 襄阳
  in 2010), 毕节地区 (→ 毕节市 2011), 铜仁地区 522200 (→ 520600 2011), 海东地区 (2013), 吐鲁番地区
  (2015), 哈密地区 652200 (→ 650500 2016), 那曲地区 (2017), 莱芜 (merged into 济南 2019), 巢湖
  (abolished and split 2011);
* numbers with thousands separators ("45,678"), in full-width digits, and "—"/".." for missing.

Generator (seed 2026): log GDP per capita = 10.4 + 0.018·(lon − 105) − 0.012·|lat − 31| + a
smooth east-coast bump + N(0, 0.25²) per city, growing 6–9 % a year with N(0, 0.02²) shocks.

Steps: ``spatialregion.read`` (encoding detected and reported) → ``regions.match`` (match
report) → ``regions.join`` (long table onto all 367 units; 莱芜's rows dropped because GDP per
capita is a ratio, ``merge="drop"``; 巢湖 dropped with a warning; the typo fixed by an alias) →
wide panel, units without complete data dropped and listed → Getis-Ord Gi* hot-spot map of 2020,
spatial Markov transition table 2010–2020, Dagum Gini of 2020 by the three regions.

Run::

    python examples/yearbook_gdp_pc.py [OUT_DIR]
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

import spatialregion as sr
from spatialregion import hotspots, maps, regions
from spatialregion.inequality import dagum_gini
from spatialregion.markov import spatial_markov

YEARS = [2010, 2012, 2014, 2016, 2018, 2020]
SEED = 2026

#: (current adcode, key used up to and including `until`) — old names/codes as yearbooks printed them
OLD_KEYS = {
    420600: ("襄樊", 2010),
    520500: ("毕节地区", 2010),
    520600: (522200, 2010),
    630200: ("海东地区", 2012),
    650400: ("吐鲁番地区", 2014),
    650500: (652200, 2015),
    540600: ("那曲地区", 2016),
}


def generate(out: Path) -> Path:
    """Write the messy GBK yearbook CSV and return its path."""
    rng = np.random.default_rng(SEED)
    units = sr.load("prefectures")
    units = units[~units["direct_county"]].reset_index(drop=True)  # yearbooks list 地级以上城市
    pts = units.to_crs(sr.crs.ALBERS).centroid.to_crs(sr.crs.GEOGRAPHIC)
    lon, lat = pts.x.to_numpy(), pts.y.to_numpy()
    coast = np.exp(-(((lon - 119.5) / 4.0) ** 2 + ((lat - 30.0) / 8.0) ** 2))
    base = 10.4 + 0.018 * (lon - 105) - 0.012 * np.abs(lat - 31) + 0.6 * coast + rng.normal(0, 0.25, len(units))
    growth = rng.uniform(0.06, 0.09, len(units))
    rows = []
    for t, year in enumerate(YEARS):
        level = base + growth * (year - YEARS[0]) + rng.normal(0, 0.02, len(units))
        for i, unit in units.iterrows():
            code = int(unit["adcode"])
            value = float(np.exp(level[i]))
            if code == 340100 and year <= 2010:  # 巢湖 still separate: its own row (split in 2011)
                rows.append(("巢湖市", year, f"{value * 0.55:,.0f}"))
            if code == 370100 and year <= 2018:  # 莱芜 separate until 2019
                rows.append(("莱芜市", year, f"{value * 0.8:,.0f}"))
            old = OLD_KEYS.get(code)
            if old is not None and year <= old[1]:
                key = old[0]
            else:
                key = [unit["name"], unit["name_short"], str(code), " " + unit["name_short"] + " "][(i + t) % 4]
            if code == 130100 and year == 2014:
                key = "石家庄巿"  # the typo: 巿 (U+5DFF) for 市
            if code == 460300 and year < 2014:
                continue  # 三沙 (new in 2012) has no early rows
            if rng.random() < 0.003:
                text = rng.choice(["—", ".."])
            elif rng.random() < 0.1:
                text = f"{value:.0f}".translate(str.maketrans("0123456789", "０１２３４５６７８９"))
            else:
                text = f"{value:,.0f}"
            rows.append((key, year, text))
    table = pd.DataFrame(rows, columns=["城市", "年份", "人均地区生产总值(元)"])
    path = out / "yearbook_gdp_pc_gbk.csv"
    path.write_bytes(table.to_csv(index=False).encode("gbk"))
    return path


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    path = generate(out)

    table = sr.read(path)
    print(f"read {path.name}: {len(table)} rows, encoding {table.attrs['encoding_reason']}")
    print(table.head(8).to_string(index=False))

    keys = table.drop_duplicates("城市")
    report = regions.match(keys["城市"], year=keys["年份"])
    print("\nMatch report (每个城市名称的匹配结果)")
    print(regions.format_matches(report))

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        joined = regions.join(
            table, "城市", year_column="年份", aliases={"石家庄巿": "石家庄"},
            unmatched="drop",  # 巢湖 (split 2011) cannot be assigned to one of today's cities
            merge="drop",  # GDP per capita is a ratio: 莱芜's own rows are not added to 济南's
        )
    for w in caught:
        print(f"warning: {w.message}")

    value = "人均地区生产总值(元)"
    wide = joined.pivot_table(index="adcode", columns="年份", values=value, aggfunc="first", dropna=False)
    wide.columns = [f"gdp{y}" for y in wide.columns]
    cols = list(wide.columns)
    units = sr.load("prefectures").merge(wide, left_on="adcode", right_index=True, how="left")
    incomplete = units[cols].isna().any(axis=1)
    print(f"\nDropped {int(incomplete.sum())} units without a value in every year: "
          + ", ".join(units.loc[incomplete, "name"].tolist()))
    units = units.loc[~incomplete].reset_index(drop=True)
    print(f"{len(units)} cities × {len(cols)} years in the analysis")

    w = sr.weights.build(units, "queen")
    hs = hotspots.getis_ord(units, "gdp2020", weights=w)
    print("\n" + str(hs.summary()))
    png = maps.save(hs.plot(title="人均GDP冷热点 Gi* hot spots of GDP per capita, 2020"), out / "yearbook_hotspots_2020.png", close=True)
    print(f"wrote {png}")

    sm = spatial_markov(units, cols, weights=w, k=4)
    print("\n" + str(sm.summary()))
    sm.to_frame().to_csv(out / "yearbook_spatial_markov.csv", index=False, encoding="utf-8-sig")

    dg = dagum_gini(units, ["gdp2020"], groups="region3", order=["东部", "中部", "西部"])
    print("\n" + str(dg.summary()))
    dg.to_frame().to_csv(out / "yearbook_dagum_2020.csv", encoding="utf-8-sig")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("yearbook-out"))
