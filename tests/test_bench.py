"""Smoke test of the benchmark at its smallest size: it runs end to end and pan/zoom send nothing.

No timing is asserted here; the figures are in BENCHMARKS.md.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import ROOT

pytestmark = pytest.mark.browser


def test_bench_runs_on_the_curated_data():
    out = subprocess.run([sys.executable, "bench/run.py", "--sizes", "curated", "--runs", "1"],
                         cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    rows = [line for line in out.stdout.splitlines() if line.startswith("| curated |")]
    assert len(rows) == 2, out.stdout  # the side-by-side table, then moving through time
    cells = [c.strip() for c in rows[0].strip("|").split("|")]
    travel = [c.strip() for c in rows[1].strip("|").split("|")]
    assert travel[6] == "0", "date, metric and layer changes must not re-create the map"
    assert travel[7] == "yes" and travel[8].endswith("frames/s")
    assert travel[3].endswith(" ms") and travel[4].endswith("x")  # Streamlit's floor, same run
    assert cells[1].endswith(" ms") and cells[2].endswith(" ms")  # both apps measured
    assert cells[4].endswith(" KB") and cells[6].endswith(" MB")
    # a settled pan and zoom crosses once (the view's zoom and centre go into the link), never
    # once per movement
    assert cells[-1] in ("0", "1"), "panning and zooming the map must send at most one message"
