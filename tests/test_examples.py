"""The scripts under examples/ run end to end and write their outputs (slow: 5–40 s each).

Run with ``pytest -m slow tests/test_examples.py``.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.mark.slow
@pytest.mark.parametrize(
    "script", ["dagum_ai_index.py", "bth_coupling.py", "bth_network.py", "national_network.py", "zoning_shares.py",
               "yearbook_gdp_pc.py", "rank_consistency_ai_2022.py"]
)
def test_example_runs(script, tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "argv", [script, str(tmp_path)])
    monkeypatch.chdir(tmp_path)
    runpy.run_path(str(EXAMPLES / script), run_name="__main__")
    written = [p for p in tmp_path.rglob("*") if p.is_file() and p.stat().st_size > 0]
    assert written, f"{script} wrote nothing"
