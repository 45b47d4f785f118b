"""The result contract on real results (issue 12, item 3): every public result type is built
from the embedded provinces and the AI index, then checked the way a user meets it.

For every ``UnitResult``: ``to_frame()`` starts with the unit's id/name columns (index kept,
``adcode``, ``name``, ``name_short``) and the analysed value(s), aligned to the input rows;
``to_gpkg`` writes the same id, name and value columns (read back with pyogrio);
``plot(labels="name_short")`` draws a map.  For every ``TableResult``: ``to_frame()`` is a
DataFrame, ``plot()`` draws a chart, ``to_gpkg`` raises a ``SpatialRegionError`` saying what
to use instead (ellipse and migration tables excepted: they write their own shapes).  For
all: ``summary()`` renders to text, LaTeX and CSV, and ``result == result`` is True.
A last test checks that the factories cover every public result class.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pyogrio
import pytest

import spatialregion as sr
from spatialregion.errors import SpatialRegionError
from spatialregion.results import TableResult, UnitResult

from test_api import RESULTS  # tests/ is on sys.path (rootdir-relative imports)

IDS = ["adcode", "name", "name_short"]
YEARS = ["ai2011", "ai2015", "ai2019", "ai2022"]


@pytest.fixture(scope="module")
def prov():
    p = sr.load("provinces")
    ai = sr.datasets.ai_index().rename(columns={"province": "name_short"})
    p = p.merge(ai, on="name_short", validate="one_to_one")
    rng = np.random.default_rng(12)
    p["gdp"] = p["ai2022"] * 1000 + rng.uniform(100, 200, len(p))
    p["pop"] = rng.uniform(500, 9000, len(p))
    p["co2_2011"] = rng.uniform(50, 100, len(p))
    p["co2_2015"] = p["co2_2011"] * rng.uniform(0.8, 1.3, len(p))
    p["co2_2019"] = p["co2_2015"] * rng.uniform(0.8, 1.3, len(p))
    p["co2_2022"] = p["co2_2019"] * rng.uniform(0.8, 1.3, len(p))
    p["x1"] = p["ai2011"] + rng.normal(0, 1, len(p))
    p["x2"] = rng.normal(0, 1, len(p))
    p["grp"] = np.arange(len(p)) % 4
    return p.set_index(pd.Index([f"u{i:02d}" for i in range(len(p))], name="uid"))  # a non-default index


def _hot(p):
    return sr.hotspots.getis_ord(p, "ai2022")


def _factories():
    Z = sr.zoning
    return {
        "HotSpotResult": (_hot, ["ai2022"]),
        "LocalMoranResult": (lambda p: sr.autocorrelation.local_moran(p, "ai2022", permutations=99, seed=1), ["ai2022"]),
        "MoranResult": (lambda p: sr.autocorrelation.moran(p, "ai2022", permutations=99, seed=1), None),
        "EmergingHotSpotResult": (lambda p: sr.hotspots.emerging_hotspots(p, YEARS), YEARS),
        "MarkovResult": (lambda p: sr.markov.markov(p, YEARS, k=3), None),
        "MarkovClassesResult": (lambda p: sr.markov.markov(p, YEARS, k=3).unit_classes, YEARS),
        "SpatialMarkovResult": (lambda p: sr.markov.spatial_markov(p, YEARS, k=3), None),
        "LisaMarkovResult": (lambda p: sr.markov.lisa_markov(p, YEARS), None),
        "TapioResult": (lambda p: sr.decoupling.tapio(p, driver=["gdp", "ai2022"], pressure=["co2_2011", "co2_2022"]), None),
        "DecouplingMarkovResult": (
            lambda p: sr.decoupling.decoupling_markov(p, driver=YEARS, pressure=["co2_2011", "co2_2015", "co2_2019", "co2_2022"]),
            None,
        ),
        "DagumResult": (lambda p: sr.inequality.dagum_gini(p, ["ai2022"], groups="region"), None),
        "TheilResult": (lambda p: sr.inequality.theil(p, ["ai2022"], groups="region"), None),
        "InequalityPanel": (lambda p: sr.inequality.dagum_gini(p, YEARS, groups="region"), None),
        "KDEResult": (lambda p: sr.inequality.kernel_density(p, ["ai2022"]), None),
        "EllipseResult": (lambda p: sr.centrography.standard_ellipse(p, sample_weight="ai2022"), None),
        "MigrationResult": (lambda p: sr.centrography.migration(p, YEARS), None),
        "EntropyResult": (lambda p: sr.indices.entropy_weights(p, YEARS), YEARS),
        "TopsisResult": (lambda p: sr.indices.entropy_topsis(p, YEARS), YEARS),
        "CouplingResult": (lambda p: sr.indices.coupling_coordination(p.assign(u1=p["ai2022"] / 80, u2=p["x2"].abs() / 3), ["u1", "u2"]), ["u1", "u2"]),
        "GeoDetectorResult": (lambda p: sr.detector.geodetector(p, "ai2022", factors=["x1", "x2"], scheme="quantiles", k=3), None),
        "DriversResult": (lambda p: sr.drivers.random_forest_drivers(p, "ai2022", factors=["x1", "x2"], groups="grp", n_estimators=20, permutations=2, seed=1), None),
        "RankConsistencyResult": (lambda p: sr.drivers.rank_consistency(p, "ai2022", reference="gdp"), ["ai2022", "gdp"]),
        "GravityResult": (lambda p: sr.network.gravity(p, mass="gdp", population="pop"), None),
        "LinkageNetwork": (lambda p: sr.network.gravity(p, mass="gdp", population="pop").network(), None),
        "NetworkMetrics": (lambda p: sr.network.gravity(p, mass="gdp", population="pop").network().metrics(), None),
        "CorePeripheryResult": (lambda p: sr.network.gravity(p, mass="gdp", population="pop").network().core_periphery(), None),
        "ShareResult": (lambda p: Z.overlay_shares(p, Z.demo_layer("three_spaces"), zone_column="zone"), None),
        "DominantResult": (lambda p: Z.dominant_function(Z.overlay_shares(p, Z.demo_layer("three_spaces"), zone_column="zone")), None),
        "ConflictResult": (lambda p: Z.conflicts(p, {n: Z.demo_layer(n) for n in ("eco_redline", "farmland", "urban_boundary")}), None),
        "ChangeResult": (
            lambda p: Z.change(p, Z.demo_layer("three_spaces"), after=Z.demo_layer("three_spaces").assign(zone="urban"), zone_column="zone"),
            None,
        ),
        "ZonalResult": (lambda p: Z.zonal_stats(p, Z.demo_raster("dem")), None),
        "RegressionResult": (lambda p: sr.regression.fit(p, "ai2022 ~ x1 + x2", model="sar"), None),
    }


FACTORIES = _factories()
GEOMETRY_TABLES = {"EllipseResult", "MigrationResult"}


@pytest.fixture(scope="module")
def results(prov):
    return {}


def _build(name, prov, results):
    if name not in results:
        results[name] = FACTORIES[name][0](prov)
    return results[name]


@pytest.mark.parametrize("name", sorted(FACTORIES))
def test_result_contract_on_real_results(name, prov, results, tmp_path):
    r = _build(name, prov, results)
    assert type(r).__name__ == name or isinstance(r, (UnitResult, TableResult))
    assert r == r
    s = r.summary()
    assert str(s) and "tabular" in s.to_latex() and s.to_csv()
    frame = r.to_frame()
    assert isinstance(frame, pd.DataFrame) and len(frame)
    if isinstance(r, UnitResult):
        values = FACTORIES[name][1] or []
        head = [c for c in frame.columns if c in IDS + values]
        assert head == [c for c in IDS + values if c in frame.columns][: len(head)] and set(IDS) <= set(frame.columns), (
            f"{name}.to_frame() columns start {list(frame.columns)[:8]}"
        )
        assert list(frame.columns[: len(head)]) == head, f"{name}: ids/values are not first: {list(frame.columns)[:8]}"
        for v in values:
            assert v in frame.columns, f"{name}.to_frame() lacks the analysed column {v}"
        if len(frame) == len(prov):
            assert frame.index.equals(prov.index), f"{name}: rows not aligned to the input"
            np.testing.assert_array_equal(frame["adcode"].to_numpy(), prov["adcode"].to_numpy())
        path = r.to_gpkg(tmp_path / f"{name}.gpkg")
        back = pyogrio.read_dataframe(path, layer=pyogrio.list_layers(path)[0][0])
        assert set(IDS + values) <= set(back.columns), f"{name}: GeoPackage columns {list(back.columns)[:10]}"
        ax = r.plot(labels="name_short")
    else:
        if name in GEOMETRY_TABLES:
            r.to_gpkg(tmp_path / f"{name}.gpkg")
        else:
            with pytest.raises(SpatialRegionError, match="to_csv|to_frame"):
                r.to_gpkg(tmp_path / f"{name}.gpkg")
        ax = r.plot()
    assert ax is not None
    plt.close("all")


def test_factories_cover_every_public_result_class():
    missing = sorted({c.__name__ for c in RESULTS} - set(FACTORIES))
    assert not missing, f"result classes without a contract check: {missing}"
