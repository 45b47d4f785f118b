"""Open spatialregion GeoPackages in a real QGIS (Debian ``python3-qgis``).

QGIS runs headless (``QT_QPA_PLATFORM=offscreen``) under ``/usr/bin/python3`` in a
subprocess (``tests/qgis_check.py``), since its Python bindings live outside the
project's virtual environment.  Skipped with a message when that interpreter
cannot import qgis (install: ``apt-get install -y --no-install-recommends python3-qgis``).

Cases covered
-------------
* a file with four layers — categorized polygons (hot-spot classes, Chinese
  labels), graduated polygons (natural breaks of a value, the 31 provinces when
  the embedded boundaries are available), graduated lines with widths by class,
  categorized points — each layer is valid in QGIS, has every feature, and opens
  with the stored default style: the categorized/graduated renderer on the right
  attribute with the right number of classes, labels, colours, line widths, and
  QGIS puts every feature in the class spatialregion put it in (class counts).
* a layer rewritten in place comes up with its new style only.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely

from spatialregion import export
from spatialregion.labels import HOTSPOT_CLASSES

pytestmark = pytest.mark.qgis

QGIS_PYTHON = "/usr/bin/python3"
CHECK = Path(__file__).with_name("qgis_check.py")


def _qgis_available() -> str | None:
    """None when QGIS can be imported, else the reason."""
    if not os.path.exists(QGIS_PYTHON):
        return f"{QGIS_PYTHON} not found"
    try:
        res = subprocess.run([QGIS_PYTHON, "-c", "import qgis.core"], capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"cannot run {QGIS_PYTHON}: {exc}"
    if res.returncode != 0:
        return (
            f"{QGIS_PYTHON} cannot import qgis (install Debian's QGIS bindings: "
            "apt-get install -y --no-install-recommends python3-qgis)"
        )
    return None


@pytest.fixture(scope="session")
def qgis_ready() -> None:
    reason = _qgis_available()
    if reason is not None:
        pytest.skip(f"QGIS test skipped: {reason}")


def run_qgis(path: Path, *layers: str) -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_RUNTIME_DIR=str(path.parent))
    env.pop("PYTHONPATH", None)  # the system interpreter must not see the venv
    res = subprocess.run(
        [QGIS_PYTHON, str(CHECK), str(path), *layers], capture_output=True, text=True, timeout=300, env=env
    )
    assert res.returncode == 0, res.stdout + res.stderr
    line = [ln for ln in res.stdout.splitlines() if ln.startswith("{")][-1]
    return json.loads(line)


@pytest.fixture()
def styled_file(tmp_path):
    """Four styled layers in one GeoPackage, with the style and expected class counts of each."""
    rng = np.random.default_rng(7)
    try:
        import spatialregion as sr

        units = sr.load("provinces")[["adcode", "name", "geometry"]].set_index("adcode")
    except Exception:  # embedded boundaries not available: a grid of squares
        polys = [shapely.box(100 + i, 25 + j, 101 + i, 26 + j) for i in range(6) for j in range(5)]
        units = gpd.GeoDataFrame({"name": [f"单元{i}" for i in range(30)]}, geometry=polys, crs=4490)
    n = len(units)
    keys = [lab.key for lab in HOTSPOT_CLASSES]
    units = units.assign(cls=[keys[i % 5] for i in range(n)], value=np.round(rng.gamma(2.0, 5.0, n), 2))
    path = tmp_path / "qgis.gpkg"
    expected = {}

    hot = export.categorized(
        "cls", keys, [lab.color for lab in HOTSPOT_CLASSES], [f"{lab.zh} {lab.en}" for lab in HOTSPOT_CLASSES]
    )
    export.to_gpkg(units, path, layer="hotspots", style=hot)
    expected["hotspots"] = (hot, np.bincount([keys.index(c) for c in units["cls"]], minlength=5), n)

    edges = np.quantile(units["value"], [0, 0.25, 0.5, 0.75, 1.0])
    val = export.graduated("value", edges, ["#fef0d9", "#fdcc8a", "#fc8d59", "#d7301f"], title="值")
    export.to_gpkg(units, path, layer="value", style=val)
    expected["value"] = (val, np.bincount(export.class_codes(val, units["value"]), minlength=4), n)

    lines = gpd.GeoDataFrame(
        {"strength": np.arange(1.0, 9.0)},
        geometry=[shapely.LineString([(105, 30), (110 + i, 35 - i)]) for i in range(8)],
        crs=4490,
    )
    flow = export.graduated("strength", [1, 3, 6, 8], ["#bdbdbd", "#636363", "#252525"], geometry="line")
    export.to_gpkg(lines, path, layer="flows", style=flow)
    expected["flows"] = (flow, np.array([3, 3, 2]), 8)

    pts = gpd.GeoDataFrame(
        {"kind": ["a", "b", "a", "c"]}, geometry=shapely.points([[110, 30], [111, 31], [112, 32], [113, 33]]), crs=4490
    )
    mk = export.categorized("kind", ["a", "b", "c"], ["red", "green", "blue"], ["甲", "乙", "丙"], geometry="point")
    export.to_gpkg(pts, path, layer="points", style=mk)
    expected["points"] = (mk, np.array([2, 1, 1]), 4)
    return path, expected


def test_layers_open_styled_in_qgis(qgis_ready, styled_file):
    path, expected = styled_file
    report = run_qgis(path)
    assert set(report["layers"]) == set(expected)
    for name, (style, counts, n) in expected.items():
        info = report["layers"][name]
        assert info["valid"], name
        assert info["features"] == n and info["features_iterated"] == n, name
        want = "categorizedSymbol" if style.kind == "categorized" else "graduatedSymbol"
        assert info["renderer"] == want, (name, info.get("renderer"))
        assert info["attr"] == style.column
        assert name in info["stored_styles"]
        assert len(info["classes"]) == len(style.classes)
        assert [c["label"] for c in info["classes"]] == [c.label for c in style.classes]
        from matplotlib.colors import to_hex

        assert [c["color"] for c in info["classes"]] == [to_hex(c.color) for c in style.classes]
        if style.kind == "categorized":
            assert [c["value"] for c in info["classes"]] == [str(c.value) for c in style.classes]
        else:
            np.testing.assert_allclose([c["lower"] for c in info["classes"]], [c.lower for c in style.classes])
            np.testing.assert_allclose([c["upper"] for c in info["classes"]], [c.upper for c in style.classes])
        if style.geometry != "polygon":
            np.testing.assert_allclose([c["size"] for c in info["classes"]], export.symbol_sizes(style))
        assert info["unclassified"] == 0
        assert info["class_counts"] == counts.tolist(), name


def test_rewritten_layer_has_new_style(qgis_ready, styled_file):
    path, expected = styled_file
    units = gpd.read_file(path, layer="hotspots")
    two = export.categorized("cls", sorted(units["cls"].unique()), ["#000000"] * units["cls"].nunique())
    export.to_gpkg(units, path, layer="hotspots", style=two)
    info = run_qgis(path, "hotspots")["layers"]["hotspots"]
    assert info["valid"] and info["renderer"] == "categorizedSymbol"
    assert [c["color"] for c in info["classes"]] == ["#000000"] * len(two.classes)
    assert info["stored_styles"] == ["hotspots"]
