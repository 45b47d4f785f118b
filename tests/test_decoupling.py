"""Tests of spatialregion.decoupling (Tapio 2005).

Cases covered
-------------
* every one of the eight states from hand-computed changes, including
  elasticities exactly at 0.8 and 1.2 (coupling band inclusive on both ends)
  for growth and recession, values just outside the band, and zero/negative
  changes: ΔC = 0 (e = 0 → weak decoupling / weak negative decoupling),
  ΔG = 0 (raises by default; ``zero_driver="undefined"`` → state -1, NaN, warning).
* grouping into decoupling / coupling / negative decoupling and the Chinese and
  English labels from ``labels.TAPIO_STATES`` / ``TAPIO_GROUPS``.
* ``mode="base_to_end"``; the pair of panels as ``driver=``/``pressure=``
  column lists of a wide table (ids, names and values first in ``to_frame``,
  geometry kept), value columns of a long table, or arrays with
  ``data=None``; interval labels from the shared trailing year; errors for
  non-positive base values, mismatched shapes, a str where a list is needed,
  positional columns, bad band.
* hypothesis: states are invariant to rescaling G or C by positive constants;
  the state agrees with the sign/threshold table evaluated independently.
* ``decoupling_markov``: hand-counted 3 × 3 transitions of grouped states;
  spatial chain conditioned on the neighbours' dominant group (hand case);
  equality with ``markov.markov(discrete=True)``; summary / to_frame / plot;
  on the provinces: ``weights=None`` = queen, shuffled rows align by id,
  GeoPackage with id/name/value columns, a clear error without geometry.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spatialregion import decoupling as dc
from spatialregion import markov as mk
from spatialregion.errors import AlignmentError, InputError, SpatialRegionWarning
from spatialregion.labels import TAPIO_GROUPS, TAPIO_STATES

KEY = [lab.key for lab in TAPIO_STATES]

# (G0, G1, C0, C1, expected state key, expected e) — all e exact in binary floating point
CASES = [
    (100, 200, 100, 50, "strong_decoupling", -0.5),
    (100, 200, 100, 150, "weak_decoupling", 0.5),
    (100, 200, 100, 100, "weak_decoupling", 0.0),  # ΔC = 0, growth
    (100, 200, 100, 179, "weak_decoupling", 0.79),
    (100, 200, 100, 180, "expansive_coupling", 0.8),  # exactly 0.8
    (100, 200, 100, 200, "expansive_coupling", 1.0),
    (100, 200, 100, 220, "expansive_coupling", 1.2),  # exactly 1.2
    (100, 200, 100, 221, "expansive_negative_decoupling", 1.21),
    (100, 200, 100, 300, "expansive_negative_decoupling", 2.0),
    (200, 100, 100, 150, "strong_negative_decoupling", -1.0),
    (200, 100, 100, 90, "weak_negative_decoupling", 0.2),
    (200, 100, 100, 100, "weak_negative_decoupling", 0.0),  # ΔC = 0, recession
    (200, 100, 100, 60, "recessive_coupling", 0.8),  # exactly 0.8
    (200, 100, 100, 40, "recessive_coupling", 1.2),  # exactly 1.2
    (200, 100, 100, 30, "recessive_decoupling", 1.4),
    (200, 100, 100, 20, "recessive_decoupling", 1.6),
]


@pytest.mark.parametrize("g0,g1,c0,c1,state,e", CASES)
def test_eight_states_hand(g0, g1, c0, c1, state, e):
    r = dc.tapio(None, driver=np.array([[g0, g1]], float), pressure=np.array([[c0, c1]], float))
    assert r.elasticity[0, 0] == pytest.approx(e, abs=1e-12)
    assert KEY[r.states[0, 0]] == state
    group = TAPIO_GROUPS[dc.STATE_GROUP[r.states[0, 0]]].key
    assert r.to_frame().iloc[0, 2] == group


def test_all_eight_states_in_one_panel():
    g = np.array([[c[0], c[1]] for c in CASES], float)
    c = np.array([[x[2], x[3]] for x in CASES], float)
    r = dc.tapio(None, driver=g, pressure=c)
    assert {KEY[s] for s in r.states[:, 0]} == set(KEY)
    counts = r.state_counts()
    assert counts.to_numpy().sum() == len(CASES)
    assert counts.loc["弱脱钩 Weak decoupling"].iloc[0] == 3
    grouped = r.state_counts(grouped=True)
    assert grouped.index.tolist() == [f"{lab.zh} {lab.en}" for lab in TAPIO_GROUPS]
    assert grouped.to_numpy().ravel().tolist() == [
        sum(KEY[s] in ("strong_decoupling", "weak_decoupling", "recessive_decoupling") for s in r.states[:, 0]),
        sum(KEY[s] in ("expansive_coupling", "recessive_coupling") for s in r.states[:, 0]),
        sum(KEY[s].endswith("negative_decoupling") for s in r.states[:, 0]),
    ]
    assert "强脱钩" in str(r.summary())


def test_labels_and_groups():
    assert [TAPIO_GROUPS[g].key for g in dc.STATE_GROUP] == [
        "decoupling", "decoupling", "decoupling", "coupling", "coupling",
        "negative_decoupling", "negative_decoupling", "negative_decoupling",
    ]
    assert TAPIO_STATES[dc.STATE_GROUP.tolist().index(1)].zh == "扩张连接"


def test_zero_driver_change():
    g = np.array([[100.0, 100.0, 110.0]])
    c = np.array([[50.0, 60.0, 61.0]])
    with pytest.raises(InputError, match="ΔG = 0"):
        dc.tapio(None, driver=g, pressure=c)
    with pytest.warns(SpatialRegionWarning, match="ΔG = 0"):
        r = dc.tapio(None, driver=g, pressure=c, zero_driver="undefined")
    assert np.isnan(r.elasticity[0, 0]) and r.states[0, 0] == -1 and r.groups[0, 0] == -1
    assert r.to_frame().iloc[0, 1] == "undefined"
    assert "未定义 Undefined" in r.state_counts().index
    with pytest.warns(SpatialRegionWarning), pytest.raises(InputError, match="undefined Tapio states"):
            dc.decoupling_markov(None, driver=np.hstack([g, [[120.0]]]), pressure=np.hstack([c, [[62.0]]]), zero_driver="undefined", spatial=False)


def test_input_errors():
    with pytest.raises(InputError, match="positive"):
        dc.tapio(None, driver=np.array([[0.0, 1.0]]), pressure=np.array([[1.0, 2.0]]))
    with pytest.raises(InputError, match="positive"):
        dc.tapio(None, driver=np.array([[1.0, 2.0]]), pressure=np.array([[-1.0, 2.0]]))
    with pytest.raises(AlignmentError, match="shape"):
        dc.tapio(None, driver=np.ones((2, 3)), pressure=np.ones((2, 2)))
    with pytest.raises(InputError, match="lower"):
        dc.tapio(None, driver=np.array([[1.0, 2.0]]), pressure=np.array([[1.0, 2.0]]), lower=1.2, upper=0.8)
    with pytest.raises(InputError, match="mode"):
        dc.tapio(None, driver=np.array([[1.0, 2.0]]), pressure=np.array([[1.0, 2.0]]), mode="yearly")
    with pytest.raises(InputError, match="3 periods"):
        dc.decoupling_markov(None, driver=np.array([[1.0, 2.0]]), pressure=np.array([[1.0, 2.0]]), spatial=False)


def test_base_to_end_and_frames():
    df = pd.DataFrame(
        {"gdp2010": [100.0, 200.0], "gdp2015": [150.0, 150.0], "gdp2020": [200.0, 100.0],
         "co2_2010": [100.0, 100.0], "co2_2015": [90.0, 95.0], "co2_2020": [80.0, 40.0]},
        index=["A", "B"],
    )
    r = dc.tapio(df, driver=["gdp2010", "gdp2015", "gdp2020"], pressure=["co2_2010", "co2_2015", "co2_2020"], mode="base_to_end")
    assert r.intervals == ("2010–2020",)  # the year both column names end in
    # A: ΔG/G0 = 1, ΔC/C0 = -0.2 → e = -0.2 strong decoupling; B: ΔG/G0 = -0.5, ΔC/C0 = -0.6 → e = 1.2 recessive coupling
    np.testing.assert_allclose(r.elasticity[:, 0], [-0.2, 1.2])
    assert [KEY[s] for s in r.states[:, 0]] == ["strong_decoupling", "recessive_coupling"]
    frame = r.to_frame()
    assert list(frame.index) == ["A", "B"]
    # the analysed driver and pressure columns come first, then the results
    assert list(frame.columns[:6]) == ["gdp2010", "gdp2015", "gdp2020", "co2_2010", "co2_2015", "co2_2020"]
    assert list(frame.columns[6:]) == ["e_2010–2020", "state_2010–2020", "group_2010–2020"]
    other = df.rename(columns={"co2_2010": "co2_a", "co2_2015": "co2_b", "co2_2020": "co2_c"})
    r2 = dc.tapio(other, driver=["gdp2010", "gdp2015", "gdp2020"], pressure=["co2_a", "co2_b", "co2_c"])
    assert r2.elasticity.shape == (2, 2) and r2.intervals == ("gdp2010–gdp2015", "gdp2015–gdp2020")
    # long table: driver/pressure are value columns
    long = pd.DataFrame(
        {"id": np.repeat(["A", "B"], 3), "year": [2010, 2015, 2020] * 2,
         "gdp": df[["gdp2010", "gdp2015", "gdp2020"]].to_numpy().ravel(), "co2": df[["co2_2010", "co2_2015", "co2_2020"]].to_numpy().ravel()}
    ).sample(frac=1, random_state=3)
    r3 = dc.tapio(long, driver="gdp", pressure="co2", id_column="id", period_column="year")
    assert r3.intervals == ("2010–2015", "2015–2020")
    r4 = dc.tapio(df, driver=["gdp2010", "gdp2015", "gdp2020"], pressure=["co2_2010", "co2_2015", "co2_2020"])
    np.testing.assert_allclose(r3.elasticity[r3.index.get_indexer(["A", "B"])], r4.elasticity)
    with pytest.raises(AlignmentError, match="period columns"):
        dc.tapio(df, driver=["gdp2010", "gdp2015", "gdp2020"], pressure=["co2_2010", "co2_2015"])
    with pytest.raises(InputError, match="driver must be a list"):
        dc.tapio(df, driver="gdp2010", pressure=["co2_2010", "co2_2015"])
    with pytest.raises(InputError, match="driver="):
        dc.tapio(df)
    with pytest.raises(TypeError):
        dc.tapio(df, ["gdp2010", "gdp2015"], ["co2_2010", "co2_2015"])  # the pair is named: driver=, pressure=


def _table_state(dg: float, dc_: float, e: float) -> str:
    """Tapio (2005) table evaluated independently of the implementation."""
    if dg > 0:
        if dc_ < 0:
            return "strong_decoupling"
        if e < 0.8:
            return "weak_decoupling"
        if e <= 1.2:
            return "expansive_coupling"
        return "expansive_negative_decoupling"
    if dc_ > 0:
        return "strong_negative_decoupling"
    if e < 0.8:
        return "weak_negative_decoupling"
    if e <= 1.2:
        return "recessive_coupling"
    return "recessive_decoupling"


@settings(max_examples=200, deadline=None)
@given(
    st.floats(1.0, 1e6), st.floats(-0.9, 3.0).filter(lambda x: abs(x) > 1e-6),
    st.floats(1.0, 1e6), st.floats(-0.9, 3.0),
    st.floats(0.1, 100.0), st.floats(0.1, 100.0),
)
def test_states_table_and_scale_invariance(g0, rg, c0, rc, sg, sc):
    g = np.array([[g0, g0 * (1 + rg)]])
    c = np.array([[c0, c0 * (1 + rc)]])
    r = dc.tapio(None, driver=g, pressure=c)
    e = r.elasticity[0, 0]
    assert KEY[r.states[0, 0]] == _table_state(g[0, 1] - g[0, 0], c[0, 1] - c[0, 0], e)
    # rescaling by positive constants changes e only by rounding: states agree unless e sits on a threshold
    r2 = dc.tapio(None, driver=g * sg, pressure=c * sc)
    if min(abs(e - 0.8), abs(e - 1.2), abs(e)) > 1e-9:
        assert r2.states[0, 0] == r.states[0, 0]


def test_decoupling_markov_hand():
    # three units, four periods → three intervals of grouped states (0 decoupling, 1 coupling, 2 negative)
    g = np.array([[100, 200, 400, 800], [100, 200, 400, 800], [100, 200, 400, 800], [100, 200, 400, 800]], float)
    c = np.array(
        [
            [100, 50, 100, 50],  # strong dec (0), ΔC/C0 = 1 → e = 1 coupling (1), strong dec (0)
            [100, 300, 600, 1200],  # e = 2 neg (2), e = 1 coupling (1), coupling (1)
            [100, 120, 120, 100],  # e = 0.2 weak dec (0), ΔC = 0 weak dec (0), strong dec (0)
            [100, 100, 300, 600],  # weak dec (0), e = 2 neg (2), e = 1 coupling (1)
        ],
        float,
    )
    r = dc.decoupling_markov(None, driver=g, pressure=c, spatial=False)
    np.testing.assert_array_equal(r.tapio.groups, [[0, 1, 0], [2, 1, 1], [0, 0, 0], [0, 2, 1]])
    T = np.zeros((3, 3))
    for a, b in [(0, 1), (1, 0), (2, 1), (1, 1), (0, 0), (0, 0), (0, 2), (2, 1)]:
        T[a, b] += 1
    np.testing.assert_array_equal(r.markov.T, T)
    np.testing.assert_allclose(r.markov.P, T / T.sum(1, keepdims=True))
    same = mk.markov(r.tapio.groups, discrete=True, labels=["a", "b", "c"])
    np.testing.assert_array_equal(same.T, r.markov.T)
    assert r.spatial is None
    assert "Markov chain of grouped states" in str(r.summary())


def test_decoupling_markov_spatial_hand():
    from libpysal.graph import Graph

    # a line of 4 units 0-1-2-3
    adj = pd.Series(
        1.0,
        index=pd.MultiIndex.from_arrays([[0, 1, 1, 2, 2, 3], [1, 0, 2, 1, 3, 2]], names=["focal", "neighbor"]),
        name="weight",
    )
    w = Graph(adj)
    g = np.full((4, 4), 100.0) * np.array([1, 2, 4, 8])
    c = np.array(
        [
            [100, 50, 25, 12.5],  # 0 0 0
            [100, 300, 900, 2700],  # 2 2 2
            [100, 200, 400, 800],  # 1 1 1
            [100, 50, 100, 300],  # 0 1 2
        ],
        float,
    )
    r = dc.decoupling_markov(None, driver=g, pressure=c, weights=w)
    groups = r.tapio.groups
    np.testing.assert_array_equal(groups, [[0, 0, 0], [2, 2, 2], [1, 1, 1], [0, 1, 2]])
    # neighbour mode (ties: own state if tied, else lower code):
    # unit 0: nb 1 → 2,2,2; unit 1: nb 0,2 → (0,1) tie own 2 not tied → 0; unit 2: nb 1,3 → (2,0) → 0, (2,1) → 1, (2,2) → 2;
    # unit 3: nb 2 → 1,1,1
    lag = [[2, 2, 2], [0, 0, 0], [0, 1, 2], [1, 1, 1]]
    np.testing.assert_array_equal(r.spatial.lag_classes, lag)
    T = np.zeros((3, 3, 3))
    for i in range(4):
        for t in range(2):
            T[lag[i][t], groups[i, t], groups[i, t + 1]] += 1
    np.testing.assert_array_equal(r.spatial.T, T)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SpatialRegionWarning)
        axes = r.plot(kind="heatmap")
    assert len(axes) == 4
    import matplotlib.pyplot as plt

    plt.close("all")


def test_tapio_on_provinces(provinces):
    """Synthetic driver/pressure on the embedded provinces: geometry is kept for maps and export."""
    rng = np.random.default_rng(7)
    df = provinces[["name", "geometry"]].copy()
    for j, year in enumerate((2010, 2015, 2020)):
        df[f"gdp{year}"] = 100.0 * (1.3 ** j) * rng.uniform(0.9, 1.1, len(df))
        df[f"co2_{year}"] = 50.0 * (1.1 ** j) * rng.uniform(0.8, 1.2, len(df))
    r = dc.tapio(df, driver=["gdp2010", "gdp2015", "gdp2020"], pressure=["co2_2010", "co2_2015", "co2_2020"])
    frame = r.to_frame()
    assert frame.crs is not None and len(frame) == len(provinces)
    assert frame["state_2015–2020"].isin(KEY).all()
    assert list(frame.columns[:2]) == ["name", "gdp2010"] and (frame["name"] == provinces["name"]).all()


def test_decoupling_markov_provinces_queen_default_and_shuffled_rows(provinces, provinces_queen, tmp_path):
    """weights=None builds queen contiguity from the GeoDataFrame; shuffled rows align to a Graph by id."""
    import geopandas as gpd

    rng = np.random.default_rng(11)
    df = provinces[["adcode", "name", "name_short", "geometry"]].copy()
    for j, year in enumerate((2010, 2015, 2020, 2022)):
        df[f"gdp{year}"] = 100.0 * (1.2 ** j) * rng.uniform(0.8, 1.2, len(df))
        df[f"co2_{year}"] = 50.0 * (1.1 ** j) * rng.uniform(0.7, 1.3, len(df))
    kw = {"driver": [f"gdp{y}" for y in (2010, 2015, 2020, 2022)], "pressure": [f"co2_{y}" for y in (2010, 2015, 2020, 2022)]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SpatialRegionWarning)
        a = dc.decoupling_markov(df, **kw)
        b = dc.decoupling_markov(df, weights=provinces_queen, **kw)
        shuffled = df.sample(frac=1, random_state=5)
        c = dc.decoupling_markov(shuffled, weights=provinces_queen, **kw)
    np.testing.assert_array_equal(a.spatial.T, b.spatial.T)
    np.testing.assert_array_equal(a.spatial.T, c.spatial.T)
    fa, fc = a.to_frame(), c.to_frame().loc[df.index]
    assert list(fa.columns[:3]) == ["adcode", "name", "name_short"]
    assert (fa["state_2020–2022"] == fc["state_2020–2022"]).all()
    path = a.to_gpkg(tmp_path / "d.gpkg")
    back = gpd.read_file(path)
    assert {"adcode", "name", "gdp2010", "co2_2022", "state_2020–2022"} <= set(back.columns)
    with pytest.raises(InputError, match="spatial=False"):
        dc.decoupling_markov(pd.DataFrame(df.drop(columns="geometry")), **kw)
