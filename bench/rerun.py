"""Measure the situation map's rerun time after a date change and the bytes sent to the map.

    python bench/rerun.py [--runs 15]

Runs the situation map page (pages/situation_map.py) in Streamlit's AppTest (no browser), warms
the cache, then moves the as-of date and reports the script's own run time (measured inside the
script thread, as the server would spend it; AppTest's own bookkeeping is excluded) and the size
of the map component's arguments (what streamlit-folium sends to the browser).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from datetime import date
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
TIMED = "_bench_script_ms"
DATES = [date(2023, 7, 26), date(2023, 9, 10), date(2024, 8, 5), date(2021, 5, 24)]


# The situation map page, timed from inside the script run; AppTest runs this as the app.
WRAPPER = """
import runpy, time
import streamlit as st
start = time.perf_counter()
runpy.run_path({path!r}, run_name="__main__")
from app.page import finish_page
finish_page()  # the sidebar, as dashboard.py draws it after the page
st.session_state[{key!r}] = (time.perf_counter() - start) * 1000
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    wrapper = Path(tempfile.mkdtemp()) / "timed_dashboard.py"
    wrapper.write_text(WRAPPER.format(path=str(ROOT / "pages" / "situation_map.py"), key=TIMED))
    at = AppTest.from_file(str(wrapper), default_timeout=60)
    at.run()  # cold start: loads and validates data/ into the cache
    from app.data import facts, wait_for_timeline

    wait_for_timeline(facts(), "en")  # built in the background after a server's first run
    times, sizes = [], []
    for i in range(args.runs):
        at.date_input(key="as_of").set_value(DATES[i % len(DATES)])
        at.run()
        assert not at.exception, at.exception
        times.append(at.session_state[TIMED])
        (component,) = at.get("component_instance")
        sizes.append(len(component.proto.json_args.encode()))
    print(f"reruns after a date change: {args.runs}")
    print(f"  script time  median {statistics.median(times):.0f} ms, max {max(times):.0f} ms")
    print(f"  map payload  median {statistics.median(sizes) / 1024:.0f} KB, "
          f"max {max(sizes) / 1024:.0f} KB")
    print(json.dumps({"median_ms": round(statistics.median(times)),
                      "max_payload_bytes": max(sizes)}))


if __name__ == "__main__":
    main()
