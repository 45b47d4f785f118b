"""Tests of spatialregion.maps (publication maps).

Cases covered
-------------
* the CJK font: Noto Sans CJK SC is loaded from the mplfonts package (not a
  system font), use_cjk_font() is idempotent and puts it first; missing_glyphs
  finds characters the font lacks.
* missing glyphs: rendering Chinese labels (class labels of labels.py, province
  names, title) raises no missing-glyph warning (the test turns both
  matplotlib's "Glyph … missing" and MissingGlyphWarning into errors); a
  character outside the font (negative control) raises MissingGlyphWarning
  from plot_style's check and from save().
* save() to PNG, PDF and SVG: files non-empty with the right signature; the PDF
  embeds the CFF font as a Type 3 subset (never as an invalid TrueType
  FontFile2); SVG is well-formed XML.
* legend counts ("label (n)") equal the class counts, computed independently
  (categories by value_counts, graduated classes by searchsorted on the edges);
  the no-data entry (资料暂缺) counts TW/HK/MO on national maps and NaN units.
* inset present (child axes with the inset label, islands and the ten maritime
  dashes drawn) for a national map of the 31 provinces; absent with inset=False,
  for a regional subset (Beijing–Tianjin–Hebei) and for data outside China.
* whole territory: all 34 units drawn on national maps, the 3 without data hatched;
  the embedded islands layer and the ten-dash line (incl. the dash east of Taiwan).
* map furniture: scale bar (offset box, gid scale_bar, true length in metres of
  the Albers CRS: measured on the canvas) and north arrow (gid north_arrow); the
  main map is drawn in China Albers (x, y in metres).
* numbers: plain notation, thousands separators, 万/亿, never e+ (legend and
  Markov class labels).
* classification kernels: Fisher–Jenks against an exhaustive search over all
  partitions (small n), optimality against random partitions (hypothesis), and
  against mapclassify (FisherJenks, Quantiles, EqualInterval; slow: mapclassify
  compiles numba at import); quantile and equal-interval edges.
* classify_style: numeric → graduated covering all values, categorical →
  categorized, user breaks, k reduced to the distinct values, constant column.
* lines with widths by class and points; Result.plot goes through plot_style.
* errors: missing CRS, missing column, NaN, geometry/style mismatch, bad
  extension, unknown scheme.
"""

from __future__ import annotations

import itertools
import re
import warnings
import xml.etree.ElementTree as ET

import geopandas as gpd
import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

import spatialregion as sr
from spatialregion import export, maps
from spatialregion.errors import CRSError, GeometryError, InputError, MissingValueError
from spatialregion.labels import HOTSPOT_CLASSES

#: turn any missing-glyph warning into a test failure
no_missing_glyphs = pytest.mark.filterwarnings(
    "error::spatialregion.maps.MissingGlyphWarning", "error:Glyph .* missing from:UserWarning"
)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def prov_ai(provinces):
    """31 mainland provinces with the AI index (Wang et al., Table 2) and a five-class label column."""
    from spatialregion import datasets

    ai = datasets.ai_index().rename(columns={"province": "name_short"})
    g = provinces.merge(ai, on="name_short", how="left", validate="one_to_one")
    assert g["ai2022"].notna().all()
    keys = [lab.key for lab in HOTSPOT_CLASSES]
    g["cls"] = [keys[i % 5] for i in range(len(g))]
    return g


def _legend_counts(ax) -> list[int]:
    """Counts of the class entries (the no-data entry left out)."""
    texts = [t.get_text() for t in ax.get_legend().get_texts() if not t.get_text().startswith(maps.NO_DATA_LABEL)]
    return [int(re.search(r"\((\d+)\)$", t).group(1)) for t in texts]


def _no_data_entry(ax) -> str | None:
    texts = [t.get_text() for t in ax.get_legend().get_texts() if t.get_text().startswith(maps.NO_DATA_LABEL)]
    return texts[0] if texts else None


def _inset(ax):
    return [a for a in ax.child_axes if a.get_label() == maps.INSET_LABEL]


# ---------------------------------------------------------------------------
# font
# ---------------------------------------------------------------------------


def test_font_from_mplfonts_and_idempotent():
    path = maps.font_path()
    assert path.name == "NotoSansCJKsc-Regular.otf" and "mplfonts" in path.parts
    fam = maps.use_cjk_font()
    assert fam == "Noto Sans CJK SC"
    before = list(matplotlib.rcParams["font.sans-serif"])
    assert maps.use_cjk_font() == fam
    assert list(matplotlib.rcParams["font.sans-serif"]) == before and before[0] == fam
    from matplotlib import font_manager

    assert font_manager.findfont(font_manager.FontProperties(family=["sans-serif"])) == str(path)
    n_entries = sum(f.fname == str(path) for f in font_manager.fontManager.ttflist)
    maps._font_family.cache_clear()  # registering again must not add the file twice
    maps.use_cjk_font()
    assert sum(f.fname == str(path) for f in font_manager.fontManager.ttflist) == n_entries >= 1


def test_missing_glyphs():
    text = "".join(f"{lab.zh}{lab.en}" for lab in HOTSPOT_CLASSES) + "−0.5 – 1 (5) 南海诸岛"
    assert maps.missing_glyphs(text) == []
    assert maps.missing_glyphs("热点\U0001f600") == ["\U0001f600"]


# ---------------------------------------------------------------------------
# rendering and saving
# ---------------------------------------------------------------------------


@no_missing_glyphs
def test_choropleth_chinese_saved_png_pdf_svg(tmp_path, prov_ai):
    ax = maps.choropleth(
        prov_ai, "ai2022", k=5, title="人工智能发展指数 AI development index", legend_title="指数", labels="name_short"
    )
    png = maps.save(ax, tmp_path / "m.png")
    pdf = maps.save(ax, tmp_path / "m.pdf")
    svg = maps.save(ax.figure, tmp_path / "m.svg")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000
    raw = pdf.read_bytes()
    assert raw.startswith(b"%PDF") and len(raw) > 10_000
    assert b"/Type3" in raw and b"NotoSansCJKsc" in raw
    assert b"/FontFile2" not in raw  # a CFF font must not be embedded as TrueType
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg") and svg.stat().st_size > 20_000
    # the pdf.fonttype setting was local to save()
    assert matplotlib.rcParams["pdf.fonttype"] == matplotlib.rcParamsDefault["pdf.fonttype"]


def test_missing_glyph_is_reported(tmp_path):
    grid = gpd.GeoDataFrame({"c": ["a", "b"]}, geometry=[shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)], crs=3857)
    style = export.categorized("c", ["a", "b"], ["red", "blue"], ["热点 \U0001f600", "冷点"])
    with pytest.warns(maps.MissingGlyphWarning, match="U\\+1F600"):
        ax = maps.plot_style(grid, style)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ax.set_title("\U0001f600")
    with pytest.warns(maps.MissingGlyphWarning, match="missing from font"):
        maps.save(ax, tmp_path / "glyph.png")


@no_missing_glyphs
def test_legend_counts_categorized(prov_ai, hot_style):
    ax = maps.plot_style(prov_ai, hot_style, title="冷热点")
    expected = prov_ai["cls"].value_counts().reindex([c.value for c in hot_style.classes]).tolist()
    assert _legend_counts(ax) == expected
    assert ax.get_legend().get_title().get_text() == "冷热点 Gi*"


@no_missing_glyphs
@pytest.mark.parametrize("scheme", ["natural_breaks", "quantiles", "equal_interval", [5, 10, 20]])
def test_legend_counts_graduated(prov_ai, scheme):
    ax = maps.choropleth(prov_ai, "ai2019", k=4, scheme=scheme)
    style = maps.classify_style(prov_ai, "ai2019", k=4, scheme=scheme)
    edges = np.array([style.classes[0].lower] + [c.upper for c in style.classes])
    y = prov_ai["ai2019"].to_numpy()
    idx = np.clip(np.searchsorted(edges, y, side="left") - 1, 0, len(edges) - 2)
    assert _legend_counts(ax) == np.bincount(idx, minlength=len(style.classes)).tolist()
    assert sum(_legend_counts(ax)) == 31


@no_missing_glyphs
def test_inset_scalebar_north_arrow_for_china(prov_ai, hot_style):
    from matplotlib.collections import LineCollection, PatchCollection

    ax = maps.plot_style(prov_ai, hot_style)
    insets = _inset(ax)
    assert len(insets) == 1
    iax = insets[0]
    assert any(t.get_text() == maps.INSET_CAPTION for t in iax.texts)
    # the islands: one outlined path per island of the embedded layer; the ten dashes
    isl = maps._base.islands()
    assert len(isl) >= 200
    n_paths = [len(c.get_paths()) for c in iax.collections if isinstance(c, PatchCollection)]
    assert len(isl) in n_paths
    island_coll = [c for c in iax.collections if isinstance(c, PatchCollection) and len(c.get_paths()) == len(isl)][0]
    assert island_coll.get_linewidth()[0] >= 0.4  # outlined: visible although most are < 1 km²
    dashes = [c for c in iax.collections if isinstance(c, LineCollection)]
    assert len(dashes) == 1 and len(dashes[0].get_segments()) == 10
    # furniture: standard artists found by gid
    gids = {a.get_gid() for a in ax.artists}
    assert {"scale_bar", "north_arrow"} <= gids
    # drawn in China Albers: Beijing (116.4E, 39.9N) at about x = 0.97e6 m, y = 4.45e6 m
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    assert -3.5e6 < x0 < -2.0e6 and 2.0e6 < x1 < 4.0e6 and 1.5e6 < y0 < 2.5e6 and 5.5e6 < y1 < 6.5e6
    # the main map stops near 17.5N (Hainan's south coast): the islands are in the inset only
    from pyproj import Transformer

    to_albers = Transformer.from_crs("EPSG:4326", maps.ALBERS, always_xy=True)
    assert to_albers.transform(110.0, 15.0)[1] < y0 < to_albers.transform(110.0, 18.2)[1]


@no_missing_glyphs
def test_scale_bar_true_length(prov_ai, hot_style):
    """The bar's drawn length in pixels equals its stated metres at the axes' scale."""
    from matplotlib.patches import Rectangle

    ax = maps.plot_style(prov_ai, hot_style, inset=False)
    ax.figure.canvas.draw()
    bar = next(a for a in ax.artists if a.get_gid() == "scale_bar")
    rects = [r for r in bar.findobj(Rectangle) if r.get_facecolor()[:3] in ((0.0, 0.0, 0.0), (1.0, 1.0, 1.0))
             or r.get_width() > 0]
    ext = [r.get_window_extent() for r in rects if r.axes is None or True]
    xs = [e.x0 for e in ext] + [e.x1 for e in ext]
    px_len = max(xs) - min(xs)
    (x0, x1) = ax.get_xlim()
    px_per_m = ax.get_window_extent().width / (x1 - x0)
    assert bar.length_m in (1e5, 2e5, 5e5, 1e6)
    assert px_len == pytest.approx(bar.length_m * px_per_m, rel=0.02)


@no_missing_glyphs
def test_whole_territory_and_no_data(prov_ai, hot_style):
    """31 provinces → all 34 drawn, TW/HK/MO hatched with a legend entry; NaN units join them."""
    from matplotlib.collections import PatchCollection

    ax = maps.plot_style(prov_ai, hot_style)
    hatched = [c for c in ax.collections if isinstance(c, PatchCollection) and c.get_hatch()]
    assert len(hatched) == 1 and len(hatched[0].get_paths()) == 3
    terr = sr.load("provinces", mainland=False)
    assert len(terr) == 34
    assert _no_data_entry(ax) == f"{maps.NO_DATA_LABEL} (3)"
    # a unit without a value: drawn hatched, counted, not silently dropped
    nan = prov_ai.copy()
    nan.loc[nan["name_short"] == "四川", "ai2022"] = np.nan
    ax = maps.choropleth(nan, "ai2022", k=5)
    assert _no_data_entry(ax) == f"{maps.NO_DATA_LABEL} (4)"
    assert sum(_legend_counts(ax)) == 30
    # a regional map: no territory, no no-data entry
    bth = prov_ai[prov_ai["name_short"].isin(["北京", "天津", "河北"])]
    assert _no_data_entry(maps.choropleth(bth, "ai2022", k=3)) is None


def test_embedded_islands_and_ten_dash_line():
    """The shapes/ layers: islands in the four groups; ten dashes, one east of Taiwan."""
    isl = maps._base.islands()
    assert set(isl["group"]) == {"东沙群岛", "西沙群岛", "中沙群岛", "南沙群岛"}
    assert isl.crs.to_epsg() == 4490 and isl.is_valid.all()
    x0, y0, x1, y1 = isl.total_bounds
    assert 109 < x0 and x1 < 118.5 and 3.3 < y0 < 4.5 and 20.5 < y1 < 21.5  # 曾母暗沙 … 东沙
    # 黄岩岛 (Huangyan Dao, 117.75E 15.15N) is in the 中沙 group
    assert isl[isl["group"] == "中沙群岛"].intersects(shapely.Point(117.76, 15.15).buffer(0.1)).any()
    dashes = shapely.get_parts(sr.load("maritime").geometry.iloc[0])
    assert len(dashes) == 10
    b = shapely.bounds(dashes)
    east_of_taiwan = (b[:, 0] > 122.0) & (b[:, 1] > 23.0)
    assert east_of_taiwan.sum() == 1


@no_missing_glyphs
def test_no_inset_when_disabled_regional_or_outside_china(prov_ai, hot_style):
    assert _inset(maps.plot_style(prov_ai, hot_style, inset=False)) == []
    bth = prov_ai[prov_ai["name_short"].isin(["北京", "天津", "河北"])]
    assert _inset(maps.choropleth(bth, "ai2022", k=3)) == []
    # a 6 x 4 grid over the contiguous United States (lon/lat), as libpysal's us48 would be
    us = gpd.GeoDataFrame(
        {"AREA": np.arange(24.0)},
        geometry=[shapely.box(-124 + 9 * i, 26 + 5 * j, -115 + 9 * i, 31 + 5 * j) for i in range(6) for j in range(4)],
        crs=4326,
    )
    ax = maps.choropleth(us, "AREA", k=4, title="US states")
    assert _inset(ax) == []
    assert sum(_legend_counts(ax)) == len(us)


# ---------------------------------------------------------------------------
# classification kernels
# ---------------------------------------------------------------------------


def _ssd(x: np.ndarray, bins: np.ndarray) -> float:
    """Total within-class sum of squares of sorted x split at the upper bounds ``bins``."""
    idx = np.searchsorted(bins, x, side="left")
    return float(sum(((x[idx == c] - x[idx == c].mean()) ** 2).sum() for c in np.unique(idx)))


def test_fisher_jenks_matches_exhaustive_search(rng):
    for n, k in [(9, 3), (12, 4), (10, 5)]:
        x = np.sort(rng.gamma(2.0, 3.0, n))
        best = min(
            (_ssd(x, x[list(cuts) + [n - 1]]), cuts)
            for cuts in itertools.combinations(range(n - 1), k - 1)
        )
        bins = maps.fisher_jenks_bins(rng.permutation(x), k)
        assert len(bins) == k and bins[-1] == x.max()
        np.testing.assert_allclose(_ssd(x, bins), best[0], rtol=1e-12)
        np.testing.assert_array_equal(bins, x[list(best[1]) + [n - 1]])


@settings(max_examples=40, deadline=None)
@given(
    x=st.lists(st.floats(-1e4, 1e4, allow_nan=False), min_size=6, max_size=60, unique=True),
    k=st.integers(2, 6),
    seed=st.integers(0, 2**32 - 1),
)
def test_fisher_jenks_not_worse_than_random_partitions(x, k, seed):
    x = np.sort(np.asarray(x))
    bins = maps.fisher_jenks_bins(x, k)
    best = _ssd(x, bins)
    r = np.random.default_rng(seed)
    for _ in range(20):
        cuts = np.sort(r.choice(len(x) - 1, size=min(k, len(x)) - 1, replace=False))
        assert best <= _ssd(x, np.append(x[cuts], x[-1])) * (1 + 1e-9) + 1e-9


def test_quantile_and_equal_interval_bins():
    y = np.arange(1.0, 11.0)
    # linear interpolation at positions p(n-1): 2.25, 4.5, 6.75, 9 -> 3.25, 5.5, 7.75, 10
    np.testing.assert_allclose(maps.quantile_bins(y, 4), [3.25, 5.5, 7.75, 10.0])
    np.testing.assert_allclose(maps.equal_interval_bins(y, 3), [4.0, 7.0, 10.0])
    # quartiles of (1, 1, 1, 2) are 1, 1, 1.25, 2: the repeated bound is merged
    assert maps.quantile_bins(np.array([1, 1, 1, 2.0]), 4).tolist() == [1.0, 1.25, 2.0]


@pytest.mark.slow
def test_kernels_match_mapclassify(rng):
    import mapclassify

    for n, k in [(31, 5), (200, 7), (2875, 5)]:
        y = rng.lognormal(1.0, 0.8, n)
        np.testing.assert_allclose(maps.fisher_jenks_bins(y, k), mapclassify.FisherJenks(y, k=k).bins, rtol=1e-12)
        np.testing.assert_allclose(maps.quantile_bins(y, k), mapclassify.Quantiles(y, k=k).bins, rtol=1e-12)
        np.testing.assert_allclose(maps.equal_interval_bins(y, k), mapclassify.EqualInterval(y, k=k).bins, rtol=1e-12)


# ---------------------------------------------------------------------------
# classify_style
# ---------------------------------------------------------------------------


def test_classify_style_variants(prov_ai):
    s = maps.classify_style(prov_ai, "ai2022", k=5, cmap="Blues", title="AI")
    assert s.kind == "graduated" and len(s.classes) == 5 and s.title == "AI" and s.geometry == "polygon"
    assert s.classes[0].lower == prov_ai["ai2022"].min() and s.classes[-1].upper == prov_ai["ai2022"].max()
    assert all(a.upper == b.lower for a, b in zip(s.classes[:-1], s.classes[1:]))
    assert maps.class_counts(prov_ai, s).sum() == 31
    assert all(re.fullmatch(r"\d+\.\d{2} – \d+\.\d{2}", c.label) for c in s.classes)  # data have 2 decimals
    cat = maps.classify_style(prov_ai, "region3")
    assert cat.kind == "categorized" and [c.value for c in cat.classes] == sorted(prov_ai["region3"].unique())
    user = maps.classify_style(prov_ai, "ai2022", scheme=[10, 20])
    assert [c.upper for c in user.classes] == [10, 20, prov_ai["ai2022"].max()]
    few = pd.DataFrame({"v": [1.0, 1.0, 2.0, 2.0]})
    assert len(maps.classify_style(few, "v", k=5).classes) == 2
    const = maps.classify_style(pd.DataFrame({"v": [3.0, 3.0]}), "v")
    assert len(const.classes) == 1 and export.class_codes(const, [3.0, 3.0]).tolist() == [0, 0]


# ---------------------------------------------------------------------------
# lines, points, Result.plot
# ---------------------------------------------------------------------------


@no_missing_glyphs
def test_lines_widths_and_points(tmp_path, prov_ai):
    cent = prov_ai.to_crs(maps.ALBERS).representative_point().to_crs(4490)
    lines = gpd.GeoDataFrame(
        {"strength": np.arange(1.0, 11.0)},
        geometry=[shapely.LineString([cent.iloc[0], cent.iloc[i]]) for i in range(1, 11)],
        crs=4490,
    )
    style = maps.classify_style(lines, "strength", k=3, cmap="Greys", title="联系强度")
    assert style.geometry == "line"
    ax = maps.plot_style(lines, style, base=prov_ai, title="网络")
    from matplotlib.lines import Line2D

    handles = [h for h in ax.get_legend().legend_handles if isinstance(h, Line2D)]
    widths = [h.get_linewidth() for h in handles]
    assert widths == sorted(widths) and widths[0] < widths[-1]
    assert _inset(ax)  # the base map makes it national
    maps.save(ax, tmp_path / "lines.png")
    pts = gpd.GeoDataFrame({"kind": ["a", "b"] * 5}, geometry=list(cent.iloc[:10]), crs=4490)
    ps = export.categorized("kind", ["a", "b"], ["red", "blue"], ["甲类", "乙类"], geometry="point")
    ax = maps.plot_style(pts, ps, base=prov_ai)
    assert _legend_counts(ax) == [5, 5]
    maps.save(ax, tmp_path / "points.png")


def test_result_plot_uses_plot_style(prov_ai, hot_style, toy_result):
    ax = toy_result(prov_ai, hot_style).plot(title="toy", inset=False)
    assert sum(_legend_counts(ax)) == 31


# ---------------------------------------------------------------------------
# errors
# ---------------------------------------------------------------------------


def test_errors(tmp_path, prov_ai, hot_style):
    with pytest.raises(CRSError):
        maps.plot_style(prov_ai.set_crs(None, allow_override=True), hot_style)
    with pytest.raises(InputError, match="'nope'"):
        maps.choropleth(prov_ai, "nope")
    nan = prov_ai.copy()
    nan["ai2022"] = np.nan
    with pytest.raises(InputError, match="ai2022"):
        maps.choropleth(nan, "ai2022")
    with pytest.raises(MissingValueError, match="ai2022"):  # styles (QGIS export) still refuse NaN
        export.class_codes(maps.classify_style(prov_ai, "ai2022"), nan["ai2022"], nan.index)
    pts = prov_ai.set_geometry(prov_ai.to_crs(maps.ALBERS).representative_point())
    with pytest.raises(GeometryError, match="polygon"):
        maps.plot_style(pts, hot_style)
    with pytest.raises(InputError, match="scheme"):
        maps.classify_style(prov_ai, "ai2022", scheme="jenks")
    ax = maps.plot_style(prov_ai, hot_style, inset=False)
    with pytest.raises(InputError, match=r"\.png"):
        maps.save(ax, tmp_path / "m.jpg")


# ---------------------------------------------------------------------------
# numbers
# ---------------------------------------------------------------------------


def test_number_formatting():
    assert maps.format_number(65567.2) == "65,570"
    assert maps.format_number(0.000123456) == "0.0001235"
    assert maps.format_number(1234567) == "1,235,000"
    assert maps.format_number(3.5) == "3.5" and maps.format_number(-0.0) == "0"
    assert maps.format_number(65567.2, unit="万") == "6.557万"
    assert maps.format_number(3.21e9, unit="亿") == "32.1亿"
    assert maps.edge_labels(np.array([507.3, 28808.4, 65567.2])) == ["507 – 28,808", "28,808 – 65,567"]
    assert maps.edge_labels(np.array([507.3, 28808.4, 65567.2]), unit="万") == ["0.051万 – 2.881万", "2.881万 – 6.557万"]  # one precision per legend
    assert maps.range_labels([65567.2, 120000]) == ["≤65,570", "65,570–120,000", ">120,000"]
    # distinct breaks stay distinct: more digits when 4 would merge them
    assert maps.range_labels([1000.1, 1000.2]) == ["≤1,000.1", "1,000.1–1,000.2", ">1,000.2"]
    with pytest.raises(InputError, match="unit"):
        maps.format_number(1.0, unit="千")


@no_missing_glyphs
def test_legend_and_markov_numbers_plain(prov_ai):
    from spatialregion import markov as mk

    g = prov_ai.assign(gdp=prov_ai["ai2022"] * 12345.678)
    ax = maps.choropleth(g, "gdp", k=4)
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert all("e+" not in t and "e-" not in t for t in texts)
    assert any(re.search(r"\d{1,3},\d{3}", t) for t in texts)
    ax = maps.choropleth(g, "gdp", k=4, number_unit="万")
    assert all("万" in t for t in [t.get_text() for t in ax.get_legend().get_texts()][:4])
    y = np.array([[6.0e4, 7.0e4, 1.3e5], [1.0e5, 6.2e4, 2.0e5], [5.0e4, 1.5e5, 9.0e4]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        labels = mk.markov(y, breaks=[65567.2, 120000]).labels
    assert labels[0].endswith("(≤65,570)") and all("e+" not in lab for lab in labels)


def test_labels_left_out_are_reported():
    """Forty small units in a row, each with a long name: the labels that would overlap are left
    out and counted and named in a SpatialRegionWarning (never dropped without saying so)."""
    import re

    import geopandas as gpd
    from shapely.geometry import box

    from spatialregion.errors import SpatialRegionWarning

    n = 40
    names = [f"第{i}号城市名字很长" for i in range(n)]
    g = gpd.GeoDataFrame(
        {"v": np.arange(n, dtype=float), "name_short": names},
        geometry=[box(100 + 0.05 * i, 30, 100.05 + 0.05 * i, 30.05) for i in range(n)],
        crs=4490,
    )
    style = maps.classify_style(g, "v", k=2, scheme="equal_interval")
    with pytest.warns(SpatialRegionWarning, match=r"labels left out where they would overlap") as rec:
        ax = maps.plot_style(g, style, labels="name_short", inset=False, scalebar=False, north_arrow=False)
    drawn = [t.get_text() for t in ax.texts if t.get_gid() == "unit_label"]
    msg = str(rec[0].message)
    omitted = int(re.match(r"(\d+) of 40 labels", msg).group(1))
    assert 0 < omitted < n and len(drawn) + omitted == n
    named = msg.split(": ", 1)[1].split(";")[0].replace(" …", "").split(", ")
    assert named and not set(named) & set(drawn) and set(named) <= set(names)
