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
  (categories by value_counts, graduated classes by searchsorted on the edges).
* inset present (child axes with the inset label, maritime lines drawn) for a
  national map of the 31 provinces; absent with inset=False, for a regional
  subset (Beijing–Tianjin–Hebei) and for data outside China (a lon/lat grid over the USA).
* map furniture: scale bar (matplotlib-scalebar, metres of the Albers CRS) and
  north arrow present; the main map is drawn in China Albers (x, y in metres).
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
from dataclasses import dataclass

import geopandas as gpd
import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from spatialregion import export, maps
from spatialregion.errors import CRSError, GeometryError, InputError, MissingValueError
from spatialregion.labels import HOTSPOT_CLASSES
from spatialregion.results import Result, Summary

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


@pytest.fixture()
def hot_style():
    return export.categorized(
        "cls",
        [lab.key for lab in HOTSPOT_CLASSES],
        [lab.color for lab in HOTSPOT_CLASSES],
        [f"{lab.zh} {lab.en}" for lab in HOTSPOT_CLASSES],
        title="冷热点 Gi*",
    )


def _legend_counts(ax) -> list[int]:
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    return [int(re.search(r"\((\d+)\)$", t).group(1)) for t in texts]


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
    from matplotlib_scalebar.scalebar import ScaleBar

    ax = maps.plot_style(prov_ai, hot_style)
    insets = _inset(ax)
    assert len(insets) == 1
    iax = insets[0]
    assert len(iax.collections) >= 2  # clipped provinces + maritime lines
    assert any(t.get_text() == maps.INSET_CAPTION for t in iax.texts)
    bars = [a for a in ax.artists if isinstance(a, ScaleBar)]
    assert len(bars) == 1 and bars[0].units == "m" and bars[0].dx == 1.0
    assert any(p.get_gid() == "north_arrow" for p in ax.patches)
    # drawn in China Albers: Beijing (116.4E, 39.9N) at about x = 0.97e6 m, y = 4.45e6 m
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    assert -3.5e6 < x0 < -2.0e6 and 2.0e6 < x1 < 3.5e6 and 1.5e6 < y0 < 2.5e6 and 5.5e6 < y1 < 6.5e6
    # the main map stops near 17.5N (Hainan's south coast): the islands are in the inset only
    from pyproj import Transformer

    to_albers = Transformer.from_crs("EPSG:4326", maps.ALBERS, always_xy=True)
    assert to_albers.transform(110.0, 15.0)[1] < y0 < to_albers.transform(110.0, 18.2)[1]


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
    handles = ax.get_legend().legend_handles
    widths = [h.get_linewidth() for h in handles]
    assert widths == sorted(widths) and widths[0] < widths[-1]
    assert _inset(ax)  # the base map makes it national
    maps.save(ax, tmp_path / "lines.png")
    pts = gpd.GeoDataFrame({"kind": ["a", "b"] * 5}, geometry=list(cent.iloc[:10]), crs=4490)
    ps = export.categorized("kind", ["a", "b"], ["red", "blue"], ["甲类", "乙类"], geometry="point")
    ax = maps.plot_style(pts, ps, base=prov_ai)
    assert _legend_counts(ax) == [5, 5]
    maps.save(ax, tmp_path / "points.png")


def test_result_plot_uses_plot_style(prov_ai, hot_style):
    @dataclass(frozen=True)
    class ToyResult(Result):
        frame: gpd.GeoDataFrame

        def to_frame(self):
            return self.frame

        def summary(self):
            return Summary("toy")

        def _style(self):
            return hot_style

    ax = ToyResult(prov_ai).plot(title="toy", inset=False)
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
    nan.loc[3, "ai2022"] = np.nan
    with pytest.raises(MissingValueError, match="ai2022"):
        maps.choropleth(nan, "ai2022")
    pts = prov_ai.set_geometry(prov_ai.to_crs(maps.ALBERS).representative_point())
    with pytest.raises(GeometryError, match="polygon"):
        maps.plot_style(pts, hot_style)
    with pytest.raises(InputError, match="scheme"):
        maps.classify_style(prov_ai, "ai2022", scheme="jenks")
    ax = maps.plot_style(prov_ai, hot_style, inset=False)
    with pytest.raises(InputError, match=r"\.png"):
        maps.save(ax, tmp_path / "m.jpg")
