"""Layout tests of spatialregion.maps: furniture never hides data; labels never collide.

Cases covered
-------------
* four maps — national provinces (seven-class Gi_Bin legend), national prefectures,
  京津冀 (``load("prefectures", group="jingjinji")``) and a two-province map (河南 + 湖北) —
  are rendered; the drawn unit polygons are rebuilt independently from the axes'
  PatchCollections (paths transformed to display coordinates, shapely union), and the legend,
  scale bar (gid ``scale_bar``), north arrow (gid ``north_arrow``) and inset boxes overlap them
  by less than 2 % of their own area;
* the inset never covers Taiwan (whose polygon is drawn on national maps) and sits in the
  lower right;
* the legend frame is white and slightly transparent;
* labels (``labels="name_short"``): halo path effect, pairwise non-overlapping boxes on the
  province and prefecture maps, black/white text by the higher WCAG contrast with the fill
  (checked against an independent computation of the contrast ratio).
"""

from __future__ import annotations

import matplotlib.patheffects as pe
import matplotlib.pyplot as plt
import numpy as np
import pytest
import shapely
from matplotlib.collections import PatchCollection

import spatialregion as sr
from spatialregion import export, maps

no_missing_glyphs = pytest.mark.filterwarnings(
    "error::spatialregion.maps.MissingGlyphWarning", "error:Glyph .* missing from:UserWarning"
)

GI_BINS = [-3, -2, -1, 0, 1, 2, 3]
GI_COLORS = ["#2166ac", "#67a9cf", "#d1e5f0", "#f7f7f7", "#fddbc7", "#ef8a62", "#b2182b"]
GI_LABELS = ["冷点 Cold spot 99%", "冷点 Cold spot 95%", "冷点 Cold spot 90%", "不显著 Not significant",
             "热点 Hot spot 90%", "热点 Hot spot 95%", "热点 Hot spot 99%"]


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def _gi_map(gdf, **kw):
    g = gdf.copy()
    g["gi_bin"] = [GI_BINS[i % 7] for i in range(len(g))]
    style = export.categorized("gi_bin", GI_BINS, GI_COLORS, GI_LABELS, title="Gi_Bin 冷热点")
    return maps.plot_style(g, style, **kw)


def _values(gdf, seed=0):
    return gdf.assign(v=np.random.default_rng(seed).lognormal(10, 1, len(gdf)))


def _drawn_union(ax):
    """Union of the polygons drawn in the main axes, in display coordinates (independent of _layout)."""
    polys = []
    for coll in ax.collections:
        if not isinstance(coll, PatchCollection):
            continue
        t = coll.get_transform()
        for path in coll.get_paths():
            for ring in path.to_polygons(t):
                if len(ring) >= 4:
                    polys.append(shapely.Polygon(ring))
    polys = shapely.make_valid(np.asarray(polys, dtype=object))
    polys = shapely.simplify(polys, 0.3)
    return shapely.union_all(polys)


def _overlap_share(union, bbox):
    box = shapely.box(bbox.x0, bbox.y0, bbox.x1, bbox.y1)
    return union.intersection(box).area / box.area


def _furniture(ax):
    out = {"legend": ax.get_legend().get_window_extent()}
    for a in ax.artists:
        if a.get_gid() in ("scale_bar", "north_arrow"):
            out[a.get_gid()] = a.get_window_extent()
    for iax in ax.child_axes:
        if iax.get_label() == maps.INSET_LABEL:
            out["inset"] = iax.get_window_extent()
    return out


def _build(name):
    if name == "national provinces":
        return _gi_map(sr.load("provinces"), title="冷热点 national provinces")
    if name == "national prefectures":
        return maps.choropleth(_values(sr.load("prefectures")), "v", k=5, title="地级市")
    if name == "jingjinji":
        return _gi_map(sr.load("prefectures", group="jingjinji"), title="京津冀")
    return maps.choropleth(_values(sr.load("prefectures", province=["河南", "湖北"]), 1), "v", k=5, title="豫鄂")


@no_missing_glyphs
@pytest.mark.parametrize("name", ["national provinces", pytest.param("national prefectures", marks=pytest.mark.slow),
                                  "jingjinji", "henan-hubei"])
def test_furniture_covers_less_than_2_percent(name):
    ax = _build(name)
    ax.figure.canvas.draw()
    union = _drawn_union(ax)
    boxes = _furniture(ax)
    assert {"legend", "scale_bar", "north_arrow"} <= set(boxes)
    assert ("inset" in boxes) == name.startswith("national")
    for what, bb in boxes.items():
        share = _overlap_share(union, bb)
        assert share < 0.02, f"{name}: {what} covers {share:.1%} of its box with units"
    # furniture boxes do not overlap one another
    items = list(boxes.items())
    for i, (a, ba) in enumerate(items):
        for b, bb in items[i + 1:]:
            assert not ba.overlaps(bb), f"{name}: {a} overlaps {b}"


@no_missing_glyphs
def test_inset_lower_right_clear_of_taiwan_and_legend_frame():
    ax = _gi_map(sr.load("provinces"))
    ax.figure.canvas.draw()
    inset = next(a for a in ax.child_axes if a.get_label() == maps.INSET_LABEL)
    ib, ab = inset.get_window_extent(), ax.get_window_extent()
    assert ib.x1 == pytest.approx(ab.x1, abs=3) and ib.y0 == pytest.approx(ab.y0, abs=3)
    # Taiwan's polygon (drawn as no data) does not meet the inset's box
    tw = sr.load("provinces", mainland=False).query("name_short == '台湾'").to_crs(maps.ALBERS).geometry.iloc[0]
    tw_disp = shapely.transform(tw, ax.transData.transform)
    assert not tw_disp.intersects(shapely.box(ib.x0, ib.y0, ib.x1, ib.y1))
    frame = ax.get_legend().get_frame()
    assert frame.get_facecolor()[:3] == (1.0, 1.0, 1.0) and 0.6 <= frame.get_alpha() < 1.0


def _relative_luminance(rgb):
    c = np.asarray(rgb[:3], dtype=float)
    c = np.where(c <= 0.03928, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]


def _ratio(a, b):
    la, lb = sorted([_relative_luminance(a), _relative_luminance(b)])
    return (lb + 0.05) / (la + 0.05)


@no_missing_glyphs
@pytest.mark.parametrize("layer", ["provinces", "prefectures"])
def test_labels_halo_no_overlap_contrast(layer):
    from matplotlib.colors import to_rgba

    g = _values(sr.load(layer))
    style = maps.classify_style(g, "v", k=5, cmap="YlOrRd")
    ax = maps.plot_style(g, style, labels="name_short")
    ax.figure.canvas.draw()
    texts = [t for t in ax.texts if t.get_gid() == "unit_label"]
    assert len(texts) >= (32 if layer == "provinces" else 200)  # 31 + 台湾; most prefectures fit
    boxes = np.array([t.get_window_extent().extents for t in texts])
    x0, y0, x1, y1 = boxes.T
    inter = (x0[:, None] < x1[None, :]) & (x0[None, :] < x1[:, None]) & (y0[:, None] < y1[None, :]) & (y0[None, :] < y1[:, None])
    np.fill_diagonal(inter, False)
    assert not inter.any(), "two labels overlap"
    for t in texts:
        effects = t.get_path_effects()
        assert len(effects) == 1 and isinstance(effects[0], pe.withStroke)
    # contrast: each class colour gets the text colour of the higher contrast ratio
    by_name = dict(zip(g["name_short"], export.class_codes(style, g["v"])))
    checked = 0
    for t in texts:
        if t.get_text() not in by_name:
            continue
        fill = to_rgba(style.classes[by_name[t.get_text()]].color)
        black, white = _ratio(fill, (0.1, 0.1, 0.1)), _ratio(fill, (1, 1, 1))
        expected = (1.0, 1.0, 1.0) if white > black else to_rgba("#1a1a1a")[:3]
        assert to_rgba(t.get_color())[:3] == pytest.approx(expected)
        checked += 1
    assert checked >= 31
    assert maps.text_colors("#800026")[0] == "#ffffff" and maps.text_colors("#ffffcc")[0] == "#1a1a1a"


@no_missing_glyphs
def test_flow_map_strongest_links_and_node_labels(tmp_path):
    """Default flow map: each unit's strongest link (legend title says so), full network in the
    GeoPackage, node labels without overlaps, both legends clear of the units."""
    import pyogrio

    from spatialregion import network as nw

    g = sr.load("prefectures", province=["河南", "湖北"])
    r = np.random.default_rng(3)
    g = g.assign(gdp=r.lognormal(8, 1, len(g)), pop=r.lognormal(6, 0.5, len(g)), name=g["name_short"])
    res = nw.gravity(g, mass="gdp", population="pop")
    net = res.network("mean")
    m = net.graph.number_of_edges()
    assert m > 100
    ax = res.plot(title="联系网络")
    ax.figure.canvas.draw()
    title = ax.get_legend().get_title().get_text()
    lines = net.flow_lines()
    kept = lines.sort_values("strength", ascending=False).drop_duplicates("source")
    assert f"strongest link per unit\n({len(kept):,} of {m:,} links)" in title
    from matplotlib.collections import LineCollection

    drawn = sum(len(c.get_segments()) for c in ax.collections if isinstance(c, LineCollection))
    assert drawn == len(kept)
    # every unit's strongest outgoing link is among the drawn links: the strengths match
    assert len(kept) == lines["source"].nunique()
    path = res.to_gpkg(tmp_path / "net.gpkg")
    assert len(pyogrio.read_dataframe(path, layer="gravity_links")) == m
    labels = [t for t in ax.texts if t.get_gid() == "node_label"]
    assert len(labels) >= 10
    boxes = np.array([t.get_window_extent().extents for t in labels])
    x0, y0, x1, y1 = boxes.T
    inter = (x0[:, None] < x1[None, :]) & (x0[None, :] < x1[:, None]) & (y0[:, None] < y1[None, :]) & (y0[None, :] < y1[:, None])
    np.fill_diagonal(inter, False)
    assert not inter.any()
    union = _drawn_union(ax)
    legends = [a for a in ax.artists if a.__class__.__name__ == "Legend"] + [ax.get_legend()]
    assert len(legends) == 2
    for leg in legends:
        assert _overlap_share(union, leg.get_window_extent()) < 0.02
    assert not legends[0].get_window_extent().overlaps(legends[1].get_window_extent())
    # top="all" and top=int are stated too
    ax = res.plot(top=20)
    assert f"strongest 20\n(of {m:,} links)" in ax.get_legend().get_title().get_text()
