"""The benchmark: this dashboard against a straightforward reference app, side by side.

    python bench/run.py                      # all sizes, about 6-9 minutes on 2 cores
    python bench/run.py --sizes curated --runs 1     # what the CI smoke test runs

For each data size (the curated events, then seeded synthetic ACLED-like sets of 1,000, 10,000
and 100,000 rows spread over West Africa's land) it measures, with every event inside the event
window (the worst case):
- script time of a rerun after a date change, median of --runs (AppTest; the script's own time,
  measured inside the script thread), for the dashboard's situation map and the reference app;
- bytes sent to the browser for the map (the map component's arguments);
- for the dashboard: peak memory (VmHWM) of a `streamlit run` server process after a browser
  has loaded the page, and the browser's time from navigation to the map drawn (Playwright +
  Debian Chromium, every non-local request blocked, a fresh browser context each load; median
  of 5 after one load that fills the server's data cache), next to Streamlit's floor measured
  in the same rounds (bench/floor_app.py: one small st_folium map and nothing else, loaded
  right after each dashboard load; and bench/floor_widgets_app.py, the same map with one
  element of each kind the situation page shows first), and whether pan and zoom send
  anything to the server (they must not: no rerun);
- date changes and metric switches on the browser's clock: to the map's new colours, and to
  the rerun's paint of the map.
Each measurement runs in its own process, so caches and memory do not carry over; a reference
run that exceeds --reference-timeout is stopped and reported as such.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WINDOW = {"from": "2020-01-01", "to": "2026-12-02"}
DATES = [date(2023, 7, 26), date(2023, 9, 10), date(2024, 8, 5), date(2021, 5, 24)]
TARGETS = {"dashboard": ROOT / "pages" / "situation_map.py",
           "reference": ROOT / "bench" / "reference_app.py"}
WRAPPER = """
import runpy, time
import streamlit as st
start = time.perf_counter()
runpy.run_path({path!r}, run_name="__main__")
from app.page import finish_page
finish_page()  # the sidebar, as dashboard.py draws it after the page
st.session_state["_bench_ms"] = (time.perf_counter() - start) * 1000
"""
WARM_LOADS = 5  # page loads timed after the first; the median is reported
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", "--disable-quic"]


def measure_script(app: str, runs: int) -> dict[str, float]:
    """Run inside a fresh process: rerun times and map payload for one app."""
    from streamlit.testing.v1 import AppTest

    sys.path.insert(0, str(ROOT))
    wrapper = Path(tempfile.mkdtemp()) / "timed.py"
    wrapper.write_text(WRAPPER.format(path=str(TARGETS[app])))
    at = AppTest.from_file(str(wrapper), default_timeout=3600)
    for key, value in WINDOW.items():
        at.query_params[key] = value
    if app == "dashboard":  # a kept set opened by the link (dataset=ID)
        for pair in filter(None, os.environ.get("BENCH_QUERY", "").split("&")):
            key, _, value = pair.partition("=")
            at.query_params[key] = value
    at.run()  # cold: loads and validates the data (the dashboard caches it)
    assert not at.exception, at.exception
    if app == "dashboard":  # a server past its start: the maps' colour timeline is built
        from app.data import facts, wait_for_timeline

        wait_for_timeline(facts(), "en")
    times, sizes = [], []
    for i in range(runs):
        at.date_input(key="as_of").set_value(DATES[i % len(DATES)])
        at.run()
        assert not at.exception, at.exception
        times.append(at.session_state["_bench_ms"])
        sizes.append(len(at.get("component_instance")[0].proto.json_args.encode()))
    return {"rerun_ms": statistics.median(times), "payload_bytes": max(sizes)}


def kept_set(db: Path, rows: int) -> str:
    """A store holding one kept set of `rows` synthetic ACLED events (the reader's own data at
    real size, opened with dataset= in the link); returns the set's ID."""
    sys.path.insert(0, str(ROOT))
    import pandas as pd

    from bench.store_keep import loaded_frame
    from geo.access import PERSONAL
    from geo.ingest import IngestReport
    from geo.store import Store

    frame = loaded_frame(rows)
    report = IngestReport("bench.csv", "acled", frame, pd.DataFrame({"row": [], "reasons": []}),
                          (), False)
    store = Store.open(str(db))
    try:
        return store.keep_set("bench", frame, report, "bench.csv", 1, PERSONAL)
    finally:
        store.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def memory_mb(pid: int, field: str = "VmHWM") -> float:
    """A process's memory from /proc: VmHWM (peak resident) or VmRSS (resident now)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


APPS = {"dashboard": "dashboard.py", "floor": "bench/floor_app.py",
        "widgets": "bench/floor_widgets_app.py"}
DRAWN = {  # when the map counts as drawn
    "dashboard": "() => window.map_div && document.querySelectorAll('path.leaflet-interactive')"
                 ".length >= 26 && (window.aggregatedEvents || "
                 "document.querySelectorAll('path.leaflet-interactive').length > 26)",
    "floor": "() => window.map_div && document.querySelectorAll('path.leaflet-interactive')"
             ".length >= 1",
}
DRAWN["widgets"] = DRAWN["floor"]


def warm_browser(p, base: str):  # type: ignore[no-untyped-def]
    """Chromium, after one visit to the Events page has loaded the server's modules and caches,
    so what a memory bench measures next is the sessions', not the first import's."""
    browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
    warm = browser.new_context()
    page = warm.new_page()
    page.goto(f"{base}/events")
    page.get_by_text("Import your own events").wait_for(timeout=60_000)
    warm.close()
    return browser


def serve(app: str, env: dict[str, str],
          options: tuple[str, ...] = ()) -> tuple[subprocess.Popen[bytes], str]:
    """Start `streamlit run` for an app (with more `options`); return the process and its base
    URL once healthy."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", APPS[app], "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", *options],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=1):
                break
        except OSError:
            time.sleep(0.1)
    urllib.request.urlopen(f"{base}/", timeout=10).read()
    return server, base


FILLS = """() => { const out = {}; map_div.eachLayer(l => { if (l.feature && l.feature.properties.iso3
    && l.options.fillColor) out[l.feature.properties.iso3] = l.options.fillColor; });
    return JSON.stringify(out); }"""


def _map_frame(page):  # type: ignore[no-untyped-def]
    element = page.query_selector('iframe[title="streamlit_folium.st_folium"]')
    return element.content_frame() if element else None


# Timed in the browser, on the page's clock: from the reader's last input (the pointer pressed
# on a button, or the key that picks a menu entry) to the first check, every 4 ms inside the
# map, that finds the countries' colours changed. Polling from here instead adds a round trip
# to the browser per poll (10-30 ms on a busy machine) to every figure.
INPUT_CLOCK = """() => { if (window.__benchInput !== undefined) return;
    const now = () => performance.timeOrigin + performance.now();
    for (const kind of ["pointerdown", "keydown"]) {
        document.addEventListener(kind, () => { window.__benchInput = now(); }, true); } }"""
FILL_CLOCK = """() => { if (window.__benchFills) return; window.__benchFills = true;
    const fills = (""" + FILLS + """), now = () => performance.timeOrigin + performance.now();
    let last = fills(), paints = window.coupbeltPaints;
    window.__benchChanged = null; window.__benchPainted = null;
    setInterval(() => { const f = fills(); if (f !== last) { last = f; window.__benchChanged = now(); }
                        if (window.coupbeltPaints !== paints) { paints = window.coupbeltPaints;
                                                                window.__benchPainted = now(); } },
                4); }"""


def _until_changed(page, action, timeout: float = 30) -> tuple[float, float | None]:  # type: ignore[no-untyped-def]
    """Do `action` (a function of no arguments that gives the page an input) and return the
    seconds from that input to the map's new colours, both on the browser's clock, and to the
    rerun's paint of the map (coupbelt.paint; None on a page without it, the floor's)."""
    page.evaluate(INPUT_CLOCK)
    frame = _map_frame(page)
    frame.evaluate(INPUT_CLOCK)  # the later of the two inputs is this action's
    frame.evaluate(FILL_CLOCK)
    frame.evaluate("() => { window.__benchChanged = null; window.__benchPainted = null; }")
    painter = frame.evaluate("() => window.coupbeltPaints !== undefined")
    action()
    start, changed = time.perf_counter(), None
    while time.perf_counter() - start < timeout:
        frame = _map_frame(page)
        try:
            changed, painted = frame.evaluate(
                "() => [window.__benchChanged, window.__benchPainted]") if frame else (None, None)
        except Exception:  # the frame is between two states
            changed, painted = None, None
        if changed and (painted or not painter):
            # the input came to the page or, on the map's own time control, to the map's frame
            began = max(t for t in (page.evaluate("() => window.__benchInput"),
                                    frame.evaluate("() => window.__benchInput")) if t)
            return (float(changed - began) / 1000,
                    float(painted - began) / 1000 if painted else None)
        time.sleep(0.02)
    raise TimeoutError("the map did not change" if not changed else "the rerun drew no paint")


def date_changes(page, clicks: int = 10,  # type: ignore[no-untyped-def]
                 on_map: bool = False) -> tuple[list[tuple[float, float | None]], int]:
    """Click "Next change" `clicks` times (the page's button, or `on_map` the map's time
    control's): seconds to new colours and to the rerun's paint each time, and how many times
    the Leaflet map was re-created (the dashboard, and the floor page's one recoloured
    country)."""
    frame = _map_frame(page)
    frame.evaluate("() => { window.__bench_same = true; map_div.setZoom(6); }")
    frame.evaluate(FILL_CLOCK)
    page.wait_for_timeout(500)
    dates, recreated = [], 0
    def click() -> None:
        if on_map:
            _map_frame(page).locator(".time-next").click()
        else:
            page.get_by_role("button", name="Next change ▶").click()
    for _ in range(clicks):
        dates.append(_until_changed(page, click))
        page.wait_for_timeout(300)  # let the rerun finish before the next click
        recreated += 0 if _map_frame(page).evaluate("() => window.__bench_same === true") else 1
    return dates, recreated


def measure_time_travel(page) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """On a loaded situation page: 10 date changes (Next change), 3 metric switches, 3 layer
    toggles: seconds to new colours, and how many times the Leaflet map was re-created; then
    playback's frames per second at the highest speed."""
    page.wait_for_timeout(3000)  # the map's time control once the timeline is held
    _map_frame(page).wait_for_function(
        "() => window.coupbeltTimelineReady === true && !!document.querySelector('.time-next')",
        timeout=60_000)
    dates, recreated = date_changes(page, on_map=True)
    metrics: list[tuple[float, float | None]] = []
    for metric in ("ECOWAS status", "Foreign forces", "Regime"):
        def pick(label: str = metric) -> None:  # a menu entry picked: the input is the pick
            frame = _map_frame(page)
            frame.evaluate("() => { window.__benchInput = performance.timeOrigin + performance.now(); }")
            frame.locator(".time-metric").select_option(label=label)
        metrics.append(_until_changed(page, pick))
        page.wait_for_timeout(300)
        recreated += 0 if _map_frame(page).evaluate("() => window.__bench_same === true") else 1
    for label in ("Foreign forces (badges)", "Events", "Foreign forces (badges)"):
        page.locator('[data-testid="stCheckbox"]').filter(
            has_text=re.compile(f"^{re.escape(label)}$")).first.click()
        page.wait_for_timeout(800)
        recreated += 0 if _map_frame(page).evaluate("() => window.__bench_same === true") else 1
    zoom = _map_frame(page).evaluate("() => map_div.getZoom()")
    # playback on the map's control: monthly frames from the start, 8 per second asked
    frame = _map_frame(page)
    frame.locator(".time-slider").focus()
    page.keyboard.press("Home")  # to 1 January 2020, committed
    page.wait_for_timeout(1500)
    frame = _map_frame(page)
    frame.locator(".time-step").select_option("month")
    frame.locator(".time-speed").select_option("8")
    # frames counted and timed by the page itself (a poll from here, at load, misses frames)
    probe = ("() => [window.coupbeltFrames || 0, performance.now(), "
             "document.querySelector('.time-stamp').textContent]")
    frame.locator(".time-play").click()
    time.sleep(0.5)  # the first frames: the timer starting
    first = _map_frame(page).evaluate(probe)
    time.sleep(5)
    last = _map_frame(page).evaluate(probe)
    _map_frame(page).locator(".time-play").click()  # pause
    moved = last[2] != first[2]
    fps = (last[0] - first[0]) / ((last[1] - first[1]) / 1000) if moved else 0.0
    coloured, painted = [d[0] for d in dates], [d[1] or 0.0 for d in dates]
    return {"date_change_s": statistics.median(coloured), "date_change_max_s": max(coloured),
            "date_rerun_s": statistics.median(painted),
            "metric_switch_s": statistics.median(m[0] for m in metrics),
            "metric_rerun_s": statistics.median(m[1] or 0.0 for m in metrics),
            "recreated": recreated,
            "zoom_kept": float(zoom == 6), "playback_fps": fps}


def measure_browser(env: dict[str, str]) -> dict[str, float]:
    """Load the dashboard and Streamlit's floor page in turns in Chromium; time each map, count
    what pan and zoom send, and read the dashboard server's peak memory."""
    from playwright.sync_api import Browser, Page, sync_playwright

    servers = {app: serve(app, env) for app in APPS}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            sent: list[str] = []

            def open_page(b: Browser, app: str) -> tuple[Page, float]:
                """Load an app in a fresh browser context (empty cache): seconds to map drawn."""
                base = servers[app][1]
                context = b.new_context(viewport={"width": 1400, "height": 1000})
                context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base)
                              else r.abort())
                page = context.new_page()
                page.on("websocket", lambda ws: ws.on("framesent", lambda f: sent.append("x")))
                start = time.perf_counter()
                query = os.environ.get("BENCH_QUERY", "") if app == "dashboard" else ""
                page.goto(f"{base}/?date=2020-01-01&from={WINDOW['from']}&to={WINDOW['to']}"
                          + query)
                frame = page.wait_for_selector('iframe[title="streamlit_folium.st_folium"]',
                                               state="attached", timeout=120_000).content_frame()
                assert frame is not None
                frame.wait_for_function(DRAWN[app], timeout=120_000, polling=50)
                return page, time.perf_counter() - start

            # Each round loads the dashboard, then the floors, so all see the machine as it is
            # at that moment. Round 0 also fills the servers' data caches: reported apart.
            times: dict[str, list[float]] = {app: [] for app in APPS}
            for _ in range(1 + WARM_LOADS):
                for app in APPS:
                    page, seconds = open_page(browser, app)
                    times[app].append(seconds)
                    page.context.close()
            page, _ = open_page(browser, "dashboard")
            # let the page settle (nothing sent for 1.5 s, at most 15 s: on a loaded machine a
            # late resize of the map's frame can still settle a first view), then pan and zoom
            began = quiet = time.monotonic()
            seen = len(sent)
            while time.monotonic() - quiet < 1.5 and time.monotonic() - began < 15:
                page.wait_for_timeout(250)
                if len(sent) != seen:
                    quiet, seen = time.monotonic(), len(sent)
            before = len(sent)
            map_frame = page.wait_for_selector('iframe[title="streamlit_folium.st_folium"]')
            frame = map_frame.content_frame() if map_frame else None
            assert frame is not None
            # one move that pans and zooms (unanimated: a zoom's animation then a pan, on a
            # loaded machine, can end more than the map's half second of settling apart)
            frame.evaluate("() => map_div.setView(map_div.containerPointToLatLng("
                           "map_div.getSize().divideBy(2).add([200, 100])), "
                           "map_div.getZoom() + 1, {animate: false})")
            page.wait_for_timeout(1500)
            frames_after_zoom = len(sent) - before
            page.context.close()
            page, _ = open_page(browser, "dashboard")
            page.wait_for_timeout(1500)
            travel = measure_time_travel(page)
            page.context.close()
            page, _ = open_page(browser, "floor")  # Streamlit's own date change, same run
            page.wait_for_timeout(1500)
            floor_dates, _ = date_changes(page)
            page.context.close()
            browser.close()
        ours, floor = times["dashboard"][1:], times["floor"][1:]
        return {"cold_draw_s": times["dashboard"][0], "draw_s": statistics.median(ours),
                "draw_min_s": min(ours), "draw_max_s": max(ours),
                "floor_s": statistics.median(floor), "floor_min_s": min(floor),
                "widgets_s": statistics.median(times["widgets"][1:]),
                "floor_max_s": max(floor),
                "peak_mb": memory_mb(servers["dashboard"][0].pid),
                "frames_on_pan_zoom": frames_after_zoom,
                "floor_date_change_s": statistics.median(d[0] for d in floor_dates), **travel}
    finally:
        for server, _ in servers.values():
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=20)


def child(args: list[str], env: dict[str, str], timeout: float) -> dict[str, float] | None:
    """Run one measurement in its own process; None if it ran out of time."""
    try:
        out = subprocess.run([sys.executable, __file__, *args], env=env, cwd=ROOT, timeout=timeout,
                             capture_output=True, text=True, check=True)
    except subprocess.TimeoutExpired:
        return None
    except subprocess.CalledProcessError as exc:
        raise SystemExit(f"measurement {args} failed:\n{exc.stderr[-3000:]}") from exc
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="curated,1000,10000,100000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--reference-timeout", type=float, default=280,
                        help="seconds allowed for the reference app at one size (all its runs)")
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--browser-sizes", default="curated,100000",
                        help="sizes also loaded in Chromium (server memory, map drawn)")
    parser.add_argument("--measure", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        kind, what = args.measure
        result = (measure_browser(dict(os.environ)) if kind == "browser"
                  else measure_script(what, int(os.environ["BENCH_RUNS"])))
        print(json.dumps(result))
        return

    sys.path.insert(0, str(ROOT))
    from bench.synthetic import synthetic_events

    began = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="coupbelt-bench-"))
    rows = []
    reference_stopped = False
    last_ref: tuple[int, float] | None = None  # (events, rerun ms) of the last reference run
    for size in args.sizes.split(","):
        env = dict(os.environ, BENCH_RUNS=str(args.runs))
        label = "curated"
        if size.startswith("kept"):  # the curated facts plus a kept set of N rows, opened by link
            count = int(size[len("kept"):])
            env.update(COUPBELT_DB=str(tmp / "store.sqlite"),
                       BENCH_QUERY=f"&dataset={kept_set(tmp / 'store.sqlite', count)}")
            label = f"kept set {count:,}"
        elif size != "curated":
            path = tmp / f"events-{size}.csv"
            synthetic_events(int(size)).to_csv(path, index=False)
            env.update(COUPBELT_EVENTS=str(path), BENCH_EVENTS=str(path))
            label = f"synthetic {int(size):,}"
        ours = child(["--measure", "script", "dashboard"], env, 900)
        events = 100 if size == "curated" else int(size.removeprefix("kept"))
        # The reference's time grows with the events (one folium.Marker each): skip a size whose
        # runs would plainly exceed the time allowed, judging from the last size measured.
        expected = (last_ref[1] / 1000 * events / last_ref[0] * (args.runs + 1)) if last_ref else 0
        if size.startswith("kept"):  # the reference app has no store: nothing to compare
            ref = None
        elif reference_stopped or expected > args.reference_timeout:
            ref, reference_stopped = None, True
        else:
            ref = child(["--measure", "script", "reference"], env, args.reference_timeout)
            reference_stopped = ref is None
            if ref is not None:
                last_ref = (events, ref["rerun_ms"])
        in_browser = not args.no_browser and size in args.browser_sizes.split(",")
        web = child(["--measure", "browser", "dashboard"], env, 600) if in_browser else None
        rows.append((label, ours, ref, web, args.reference_timeout))
        print(f"measured {label} ({time.perf_counter() - began:.0f} s so far)", file=sys.stderr)

    print("| data | rerun, dashboard | rerun, reference | speed-up | map payload, dashboard | "
          "map payload, reference | server peak memory | map drawn in browser | "
          "Streamlit floor, same rounds | pan/zoom messages |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for label, ours, ref, web, limit in rows:
        assert ours is not None
        ref_ms = (f"{ref['rerun_ms']:,.0f} ms" if ref
                  else "— (it has no store)" if label.startswith("kept")
                  else f"not run: would exceed {limit:.0f} s")
        speed = f"{ref['rerun_ms'] / ours['rerun_ms']:,.0f}x" if ref else "—"
        ref_kb = f"{ref['payload_bytes'] / 1024:,.0f} KB" if ref else "—"
        mem = f"{web['peak_mb']:,.0f} MB" if web else "not measured"
        drawn = (f"{web['draw_s']:.2f} s ({web['draw_min_s']:.2f}–{web['draw_max_s']:.2f}; "
                 f"cold server {web['cold_draw_s']:.2f} s)" if web else "not measured")
        again = (f"{web['floor_s']:.2f} s ({web['floor_min_s']:.2f}–{web['floor_max_s']:.2f})"
                 if web else "not measured")
        frames = f"{web['frames_on_pan_zoom']:.0f}" if web else "—"
        print(f"| {label} | {ours['rerun_ms']:,.0f} ms | {ref_ms} | {speed} | "
              f"{ours['payload_bytes'] / 1024:,.0f} KB | {ref_kb} | {mem} | {drawn} | {again} | "
              f"{frames} |")
    print("\n| data | first draw / floor | date change → new colours (median, max) | "
          "floor's date change | date change / floor | metric switch | "
          "map re-created (10 dates, 3 metrics, 3 layers) | zoom kept | playback | "
          "rerun's paint after a date change, metric switch (/ floor) | "
          "first draw / floor with the page's kinds of elements |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for label, _ours, _ref, web, _limit in rows:
        if web:
            print(f"| {label} | {web['draw_s'] / web['floor_s']:.2f}x | "
                  f"{web['date_change_s'] * 1000:.0f} ms ({web['date_change_max_s'] * 1000:.0f}) | "
                  f"{web['floor_date_change_s'] * 1000:.0f} ms | "
                  f"{web['date_change_s'] / web['floor_date_change_s']:.2f}x | "
                  f"{web['metric_switch_s'] * 1000:.0f} ms | {web['recreated']:.0f} | "
                  f"{'yes' if web['zoom_kept'] else 'no'} | {web['playback_fps']:.1f} frames/s | "
                  f"{web['date_rerun_s'] * 1000:.0f} ms, {web['metric_rerun_s'] * 1000:.0f} ms "
                  f"({web['date_rerun_s'] / web['floor_date_change_s']:.2f}x) | "
                  f"{web['draw_s'] / web['widgets_s']:.2f}x ({web['widgets_s']:.2f} s; "
                  f"{web['widgets_s'] / web['floor_s']:.2f}x the floor) |")
    print(f"\nwhole bench: {time.perf_counter() - began:.0f} s; runs per median: {args.runs}; "
          f"event window {WINDOW['from']} to {WINDOW['to']} (every event in view)")


if __name__ == "__main__":
    main()
