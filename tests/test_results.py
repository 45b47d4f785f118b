"""The common result base and Summary renderings.

Cases covered: Summary renders text/HTML/LaTeX/CSV with every table and note; numbers are
formatted only in renderings (frames() keeps raw values); a minimal Result subclass gets
plot() and to_gpkg() from to_frame() + _style(); results without geometry say so clearly;
settings() lists scalar fields; results are frozen.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from spatialregion import export
from spatialregion.errors import InputError
from spatialregion.results import Result, Summary, SummaryTable, TableResult, UnitResult, latex_escape, unit_columns


@dataclass(frozen=True)
class Toy(Result):
    values: np.ndarray
    k: int = 2

    def to_frame(self):
        df = pd.DataFrame({"v": self.values, "cls": np.where(self.values > 0, "pos", "neg")})
        return gpd.GeoDataFrame(df, geometry=self.geometry, crs=4490) if self.geometry is not None else df

    def summary(self):
        t = self.to_frame()["cls"].value_counts().rename("n").to_frame()
        return Summary("Toy", (SummaryTable("Counts", t), SummaryTable("Values", self.to_frame()[["v"]])), ("k = 2",))

    def _style(self):
        return export.categorized("cls", ["neg", "pos"], ["#2166ac", "#b2182b"], ["负 negative", "正 positive"])


def test_summary_renderings(tmp_path):
    s = Toy(np.array([1.23456, -2.0, 3.0])).summary()
    text = str(s)
    assert "Counts" in text and "Values" in text and "1.2346" in text and "Note: k = 2" in text
    html = s.to_html()
    assert "<table" in html and html.count("<h4>") == 2
    assert "tabular" in s.to_latex()
    csv = s.to_csv(tmp_path / "s.csv")
    raw = (tmp_path / "s.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel on Chinese Windows reads UTF-8
    assert csv.count("# ") == 2 and raw[3:].decode("utf-8") == csv
    assert s.frames()["Values"]["v"].iloc[0] == 1.23456  # raw numbers kept


def test_latex_escapes_text_not_math():
    t = pd.DataFrame({"share_%": ["a & b", "#1"], "x": [1.0, 2.0]}, index=["r_1", "$\\rho$"])
    tex = Summary("T", (SummaryTable("t", t),)).to_latex()
    assert r"share\_\%" in tex and r"a \& b" in tex and r"\#1" in tex and r"r\_1" in tex
    assert r"$\rho$" in tex  # math kept as written
    assert latex_escape("50% of x_i & {y}") == r"50\% of x\_i \& \{y\}"


def test_summary_to_excel(tmp_path):
    s = Toy(np.array([1.0, -2.0, 3.0])).summary()
    path = s.to_excel(tmp_path / "s.xlsx")
    sheets = pd.read_excel(path, sheet_name=None, index_col=0)
    assert list(sheets) == ["Counts", "Values", "notes"]
    assert sheets["Values"]["v"].tolist() == [1.0, -2.0, 3.0]


def test_table_result_has_no_gpkg(tmp_path):
    class T(TableResult):
        def to_frame(self):
            return pd.DataFrame({"a": [1]})

    with pytest.raises(InputError, match="to_csv"):
        T().to_gpkg(tmp_path / "x.gpkg")


def test_unit_result_puts_ids_first(provinces):
    data = provinces.assign(v=np.arange(len(provinces), dtype=float))

    class U(UnitResult):
        def to_frame(self):
            return self._unit_frame(pd.DataFrame({"out": data["v"] * 2}, index=data.index))

    u = U(units=unit_columns(data, id_column="adcode", values="v"), geometry=data.geometry)
    f = u.to_frame()
    assert list(f.columns) == ["adcode", "name", "name_short", "v", "out", "geometry"]
    assert (f["out"] == 2 * f["v"]).all() and f.index.equals(data.index)
    assert u == u  # dataclass equality does not raise on arrays


def test_result_gpkg_and_plot(provinces, tmp_path):
    vals = np.linspace(-1, 1, len(provinces))
    r = Toy(vals, geometry=provinces.geometry)
    path = r.to_gpkg(tmp_path / "toy.gpkg")
    with sqlite3.connect(path) as con:
        (n,) = con.execute("select count(*) from toy").fetchone()
        (qml,) = con.execute("select styleQML from layer_styles where f_table_name='toy'").fetchone()
    assert n == len(provinces)
    assert "categorizedSymbol" in qml and "负 negative" in qml
    ax = r.plot()
    assert ax.figure is not None
    assert "Toy" in r._repr_html_()


def test_result_without_geometry_raises(tmp_path):
    r = Toy(np.array([1.0, -1.0]))
    with pytest.raises(InputError, match="no geometry"):
        r.to_gpkg(tmp_path / "x.gpkg")


def test_settings_and_frozen():
    r = Toy(np.array([1.0]), k=3)
    assert r.settings() == {"geometry": None, "k": 3}
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.k = 4


def test_text_columns_left_aligned_numbers_right_aligned():
    """A long text cell pads only its own line: short text sits at the column's left edge."""
    t = pd.DataFrame({"value": ["Gi*", "x" * 60, 31]}, index=["statistic", "weights", "units"], dtype=object)
    n = pd.DataFrame({"z": [1.5, -10.25]}, index=["a", "b"])
    text = str(Summary("S", (SummaryTable("settings", t), SummaryTable("numbers", n))))
    lines = text.splitlines()
    stat = next(line for line in lines if line.startswith("statistic"))
    assert stat.split()[1] == "Gi*" and stat.index("Gi*") == lines[lines.index(stat) + 1].index("x")
    a = next(line for line in lines if line.startswith("a "))
    b = next(line for line in lines if line.startswith("b "))
    assert len(a.rstrip()) == len(b.rstrip())  # numbers right-aligned


def test_summary_to_excel_without_openpyxl_says_how_to_install(tmp_path, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "openpyxl", None)  # simulate "not installed"
    with pytest.raises(InputError, match=r"openpyxl.*spatialregion\[excel\]"):
        Toy(np.array([1.0])).summary().to_excel(tmp_path / "s.xlsx")
