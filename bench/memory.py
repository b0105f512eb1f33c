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


def measure(path: Path, rows: int, sessions: int, ttl: int,
            rounds: int = 1) -> list[dict[str, float]]:
    """`rounds` rounds of `sessions` sessions importing the file, on one server."""
    from playwright.sync_api import sync_playwright

    server, base = serve("dashboard", dict(os.environ),
                         ("--server.disconnectedSessionTTL", str(ttl)))
    pid = server.pid
    out = []
    try:
        with sync_playwright() as p:
            browser = warm_browser(p, base)
            time.sleep(ttl + 3)
            baseline = memory_mb(pid, "VmRSS")
            for _ in range(rounds):
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
                during = memory_mb(pid, "VmRSS")
                for context in contexts:
                    context.close()
                time.sleep(2)
                closed = memory_mb(pid, "VmRSS")
                time.sleep(ttl + 40)  # past the time-to-live and one release cycle of the server
                out.append({"baseline": baseline, "during": during, "closed": closed,
                            "after": memory_mb(pid, "VmRSS"), "peak": memory_mb(pid)})
            browser.close()
        return out
    finally:
        os.killpg(pid, signal.SIGTERM)
        server.wait(timeout=20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=150_000)
    parser.add_argument("--sessions", default="1,5")
    parser.add_argument("--ttl", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=1,
                        help="rounds of imports on one server (the idle memory after each)")
    args = parser.parse_args()
    path = Path(tempfile.mkdtemp(prefix="coupbelt-memory-")) / "upload.csv"
    synthetic_events(args.rows).to_csv(path, index=False)
    print(f"file: {args.rows:,} rows, {path.stat().st_size / 1e6:.0f} MB; "
          f"disconnected-session TTL {args.ttl} s", file=sys.stderr)
    print("| sessions importing | idle before | all imported | sessions closed | after TTL + 40 s "
          "| peak | extra while imported | extra left after |")
    print("|---|---|---|---|---|---|---|---|")
    for n in (int(s) for s in args.sessions.split(",")):
        for k, r in enumerate(measure(path, args.rows, n, args.ttl, args.rounds), start=1):
            label = f"{n}" if args.rounds == 1 else f"{n}, round {k}"
            print(f"| {label} | {r['baseline']:.0f} MB | {r['during']:.0f} MB | "
                  f"{r['closed']:.0f} MB | {r['after']:.0f} MB | {r['peak']:.0f} MB | "
                  f"{r['during'] - r['baseline']:.0f} MB | {r['after'] - r['baseline']:.0f} MB |",
                  flush=True)


if __name__ == "__main__":
    main()
