"""The time map without a server: size of the one-file export, time to build it and to write the
static site, and in Chromium the time from a slider change to the repainted map.

    .venv/bin/python bench/site.py [--runs 5] [--changes 11] [--json out.json]

The browser part serves the written site with `python -m http.server` on a free port, blocks
every non-local request, and moves the slider `--changes` times by 150 days; each time is from
the input event to the second animation frame after it (the frame that shows the new colours
has been painted). Playback is measured as the frames reached in 5 s at 8 frames per second.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.facts import load_facts  # noqa: E402
from geo.site import interactive_html, write_site  # noqa: E402

ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]
SLIDES = """async (n) => {
  const s = document.querySelector('.time-slider'), out = [];
  const frame = () => new Promise(r => requestAnimationFrame(r));
  for (let k = 0; k < n; k++) {
    const t0 = performance.now();
    s.value = String(150 + k * 150); s.dispatchEvent(new Event('input', {bubbles: true}));
    await frame(); await frame();
    out.push(performance.now() - t0);
  }
  return out; }"""


def timed(fn, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def browser_figures(site: Path, changes: int) -> dict[str, object]:
    from playwright.sync_api import sync_playwright

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
                             "--directory", str(site)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(base, timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
                                        args=ARGS)
            context = browser.new_context(viewport={"width": 1200, "height": 800})
            context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base)
                          else r.abort())
            page = context.new_page()
            t0 = time.perf_counter()
            page.goto(base + "index.html")
            page.wait_for_function("() => window.timemap && document.querySelectorAll("
                                   "'path.leaflet-interactive').length >= 26")
            drawn = time.perf_counter() - t0
            slides = page.evaluate(SLIDES, changes)
            page.evaluate("() => window.timemap.setDay(0)")
            page.select_option(".time-step", "week")
            page.select_option(".time-speed", "8")
            page.click(".time-play")
            t0 = time.perf_counter()
            page.wait_for_timeout(5000)
            reached = page.evaluate("() => window.timemap.day()") / 7
            fps = reached / (time.perf_counter() - t0)
            page.click(".time-play")
            browser.close()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
    return {"map_drawn_s": round(drawn, 3), "slider_to_colours_ms": [round(t, 1) for t in slides],
            "slider_median_ms": round(statistics.median(slides), 1),
            "playback_frames_per_s_at_8": round(fps, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--changes", type=int, default=11)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    facts = load_facts(ROOT / "data")
    out: dict[str, object] = {}
    for lang in ("en", "fr"):
        seconds, page = timed(lambda lang=lang: interactive_html(facts, lang), args.runs)
        out[f"html_{lang}_bytes"] = len(str(page).encode("utf-8"))
        out[f"html_{lang}_build_s"] = round(seconds, 3)
    with tempfile.TemporaryDirectory() as tmp:
        seconds, files = timed(lambda: write_site(facts, Path(tmp) / "site"), args.runs)
        site = Path(tmp) / "site"
        out["site_write_s"] = round(seconds, 3)
        out["site_files"] = len(files)  # type: ignore[arg-type]
        out["site_bytes"] = sum(f.stat().st_size for f in site.rglob("*") if f.is_file())
        out.update(browser_figures(site, args.changes))
    text = json.dumps(out, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
