"""Server memory around uploads: before, during, after the sessions close, and after the
disconnected-session time-to-live, for 1 and for 5 browser sessions each importing the same
150,000-row file.

    python bench/memory.py [--rows 150000] [--sessions 1,5] [--ttl 10] [--rounds 1]

Each round starts its own `streamlit run` (so rounds do not share memory) with
server.disconnectedSessionTTL set to --ttl seconds, and reads the server's resident memory
(VmRSS) and peak (VmHWM) from /proc. Prints a Markdown table for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
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

WARM_ROWS = 1_000  # the warm-up import: every code path of an import, little memory


def _import(browser, base: str, path: Path, rows: int, sessions: int) -> list:
    """`sessions` browser sessions import the file at once, on the Events page; their
    contexts once every one says it loaded the rows."""
    contexts, pages = [], []
    for _ in range(sessions):
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"{base}/events")
        page.get_by_text("Import your own events").click()
        contexts.append(context)
        pages.append(page)
    for page in pages:  # all uploads start together
        page.locator('[data-testid="stFileUploader"] input[type="file"]'
                     ).set_input_files(str(path))
    for page in pages:
        page.get_by_text(f"{rows:,} loaded").wait_for(timeout=300_000)
    return contexts


def measure(path: Path, rows: int, sessions: int, ttl: int,
            rounds: int = 1, inspect: Path | None = None,
            trace: bool = False, warm: Path | None = None) -> list[dict[str, float]]:
    """`rounds` rounds of `sessions` sessions importing the file, on one server; with
    `inspect`, the server appends what it holds to that file when idle (app/memory.py), before
    the sessions and after their lifetime; with `trace`, Python's allocations by line too;
    with `warm` (a small file), the idle server has imported it once, its session ended."""
    from playwright.sync_api import sync_playwright

    env = dict(os.environ)
    if inspect is not None:
        env["COUPBELT_MEMORY_INSPECT"] = str(inspect)
        if trace:
            env["PYTHONTRACEMALLOC"] = "1"
    server, base = serve("dashboard", env,
                         ("--server.disconnectedSessionTTL", str(ttl)))
    pid = server.pid
    out = []
    try:
        with sync_playwright() as p:
            browser = warm_browser(p, base)
            if warm is not None:  # the server has done an import once (of a small file)
                for context in _import(browser, base, warm, WARM_ROWS, 1):
                    context.close()
                time.sleep(ttl + 40)
            time.sleep(ttl + 3)
            if inspect is not None:
                _wait_for_line(inspect, time.time())
            baseline = memory_mb(pid, "VmRSS")
            for _ in range(rounds):
                started = time.monotonic()
                contexts = _import(browser, base, path, rows, sessions)
                imported_s = time.monotonic() - started
                during = memory_mb(pid, "VmRSS")
                for context in contexts:
                    context.close()
                time.sleep(2)
                closed = memory_mb(pid, "VmRSS")
                time.sleep(ttl + 40)  # past the time-to-live and one release cycle of the server
                out.append({"baseline": baseline, "during": during, "closed": closed,
                            "after": memory_mb(pid, "VmRSS"), "peak": memory_mb(pid),
                            "imported_s": imported_s})
                if inspect is not None:  # the server's own account of the idle memory
                    _wait_for_line(inspect, time.time())
            browser.close()
        return out
    finally:
        os.killpg(pid, signal.SIGTERM)
        server.wait(timeout=20)


def _wait_for_line(path: Path, since: float, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.is_file() and any(json.loads(line)["time"] >= since
                                  for line in path.read_text().splitlines() if line):
            return
        time.sleep(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=150_000)
    parser.add_argument("--sessions", default="1,5")
    parser.add_argument("--ttl", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=1,
                        help="rounds of imports on one server (the idle memory after each)")
    parser.add_argument("--inspect", type=Path, metavar="FILE",
                        help="the idle server appends what it holds to FILE (JSON lines), "
                             "before the sessions and after their lifetime")
    parser.add_argument("--trace", action="store_true",
                        help="with --inspect: Python's allocations by line too (tracemalloc, "
                             "which costs time and memory: not for the figures)")
    parser.add_argument("--warm-import", action="store_true",
                        help=f"before the idle reading, the server imports a {WARM_ROWS:,}-row "
                             "file once in a session that then ends (its lifetime passed): "
                             "idle then means a server that has done an import")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="coupbelt-memory-"))
    path = folder / "upload.csv"
    synthetic_events(args.rows).to_csv(path, index=False)
    warm = None
    if args.warm_import:
        warm = folder / "warm.csv"
        synthetic_events(WARM_ROWS).to_csv(warm, index=False)
    print(f"file: {args.rows:,} rows, {path.stat().st_size / 1e6:.0f} MB; "
          f"disconnected-session TTL {args.ttl} s", file=sys.stderr)
    print("| sessions importing | idle before | all imported | sessions closed | after TTL + 40 s "
          "| peak | extra while imported | extra left after | after / idle | all imported in |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for n in (int(s) for s in args.sessions.split(",")):
        for k, r in enumerate(measure(path, args.rows, n, args.ttl, args.rounds, args.inspect,
                                     args.trace, warm), start=1):
            label = f"{n}" if args.rounds == 1 else f"{n}, round {k}"
            print(f"| {label} | {r['baseline']:.0f} MB | {r['during']:.0f} MB | "
                  f"{r['closed']:.0f} MB | {r['after']:.0f} MB | {r['peak']:.0f} MB | "
                  f"{r['during'] - r['baseline']:.0f} MB | {r['after'] - r['baseline']:.0f} MB | "
                  f"{r['after'] / r['baseline']:.2f}x | {r['imported_s']:.0f} s |",
                  flush=True)


if __name__ == "__main__":
    main()
