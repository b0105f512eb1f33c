"""Server memory with 1 and with 5 browser sessions viewing the same kept set of 150,000 rows.

    python bench/store_memory.py [--rows 150000] [--sessions 1,5] [--db URL]

The set is imported (geo.ingest, as the Events page does) and kept once in a throwaway store
(SQLite by default; --db for PostgreSQL). Each round starts its own `streamlit run` on that
store, warms it with one visit without the set, reads the server's resident memory (VmRSS)
when idle, then opens the sessions at `/events?dataset=ID` together and reads it again once
every session shows the set on its map. A kept set is loaded once per server process and
shared, so five sessions should cost little more than one. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import memory_mb, serve, warm_browser  # noqa: E402
from bench.synthetic import synthetic_events  # noqa: E402

SHOWN = ("() => !!window.eventMarkers || !!window.aggregatedEvents || "
         "document.querySelectorAll('path.leaflet-interactive').length > 26")


def keep(rows: int, db: str) -> tuple[str, float]:
    """Import `rows` synthetic events and keep them; the set's ID and the file's size in MB."""
    from geo.facts import curation_date, load_borders
    from geo.ingest import ingest_bytes
    from geo.store import Store

    data = synthetic_events(rows).to_csv(index=False).encode()
    last = curation_date(ROOT / "data" / "SOURCES.md")
    report = ingest_bytes(data, "synthetic.csv", load_borders(ROOT / "data" / "borders.geojson"),
                          last=last.date() if last is not None else None)
    store = Store.open(db)
    set_id = store.keep_set("benchmark", report.loaded, report, "synthetic.csv", len(data))
    store.close()
    return set_id, len(data) / 1e6


def map_shows(page, timeout: float = 180) -> None:  # type: ignore[no-untyped-def]
    """Wait until the page's map draws events (the iframe is looked up afresh on every try:
    Streamlit may replace it while the page reruns)."""
    from playwright.sync_api import Error

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        element = page.query_selector('iframe[title="streamlit_folium.st_folium"]')
        frame = element.content_frame() if element else None
        try:
            if frame is not None and frame.evaluate(SHOWN):
                return
        except Error:
            pass
        time.sleep(0.2)
    raise TimeoutError("the map did not show the kept set")


def settle(pid: int, seconds: float = 3.0) -> float:
    """VmRSS once it stops moving (for at most 30 s)."""
    deadline, last = time.monotonic() + 30, memory_mb(pid, "VmRSS")
    while time.monotonic() < deadline:
        time.sleep(seconds)
        now = memory_mb(pid, "VmRSS")
        if abs(now - last) < 2:
            return now
        last = now
    return last


def measure(set_id: str, db: str, sessions: int) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    server, base = serve("dashboard", {**os.environ, "COUPBELT_DB": db})
    pid = server.pid
    try:
        with sync_playwright() as p:
            browser = warm_browser(p, base)
            baseline = settle(pid)
            contexts, pages = [], []
            for _ in range(sessions):
                context = browser.new_context()
                contexts.append(context)
                page = context.new_page()
                page.goto(f"{base}/events?dataset={set_id}")
                pages.append(page)
            for page in pages:
                page.get_by_text("Showing the kept set").wait_for(timeout=300_000)
                map_shows(page)
            during = settle(pid)
            for context in contexts:
                context.close()
            browser.close()
        return {"baseline": baseline, "during": during, "peak": memory_mb(pid)}
    finally:
        os.killpg(pid, signal.SIGTERM)
        server.wait(timeout=20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=150_000)
    parser.add_argument("--sessions", default="1,5")
    parser.add_argument("--db", help="store URL (default: a new SQLite file)")
    args = parser.parse_args()
    db = args.db or str(Path(tempfile.mkdtemp(prefix="coupbelt-store-")) / "store.sqlite")
    started = time.perf_counter()
    set_id, mb = keep(args.rows, db)
    print(f"kept {args.rows:,} rows ({mb:.0f} MB file) in {time.perf_counter() - started:.0f} s "
          "(import + keep)", file=sys.stderr)
    print("| sessions viewing the kept set | idle before | all showing it | peak "
          "| extra while shown |")
    print("|---|---|---|---|---|")
    extra = {}
    for n in (int(s) for s in args.sessions.split(",")):
        r = measure(set_id, db, n)
        extra[n] = r["during"] - r["baseline"]
        print(f"| {n} | {r['baseline']:.0f} MB | {r['during']:.0f} MB | {r['peak']:.0f} MB | "
              f"{extra[n]:.0f} MB |", flush=True)
    if 1 in extra and len(extra) > 1:
        for n, mb_extra in extra.items():
            if n != 1:
                print(f"\n{n} sessions cost {mb_extra / extra[1]:.2f} x one session's extra memory")


if __name__ == "__main__":
    main()
