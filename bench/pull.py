"""Pull benchmark: keeping N ACLED rows pulled from the API against the same rows imported from
a file, in the same run (issue 25's target: a pull within 1.5 times the import).

    .venv/bin/python bench/pull.py                 # 100,000 rows, 3 runs each
    .venv/bin/python bench/pull.py --rows 20000 --runs 2

The rows are bench/synthetic.py's ACLED rows, every value a string as ACLED sends them, served
in pages of 5,000 by a local HTTP server (sign-in, paging, JSON as the API writes it). The pull
is geo.sources.pull into a fresh SQLite store; the import is geo.ingest.ingest_bytes of the
same rows as CSV plus Store.keep_set, as the page does. A second pull of the same name, with
nothing changed, is timed too (it asks for rows changed since the first, and writes none).
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.synthetic import synthetic_acled  # noqa: E402
from geo import sources  # noqa: E402
from geo.access import LOCAL, Viewer  # noqa: E402
from geo.facts import load_borders  # noqa: E402
from geo.ingest import ingest_bytes  # noqa: E402
from geo.store import Store  # noqa: E402

OPERATOR = Viewer(LOCAL, admin=True)
CREDS = sources.Credentials("bench@example.org", "bench-password", None,
                            (("acled", "environment"),))


def serve(pages: list[bytes], empty: bytes) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def _send(self, body: bytes) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self._send(b'{"access_token": "a", "refresh_token": "r", "expires_in": 86400}')

        def do_GET(self) -> None:
            query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
            page = int(query["page"][0])
            changed = "timestamp" in query or "deleted_timestamp" in query
            self._send(pages[page - 1] if not changed and page <= len(pages) else empty)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    frame = synthetic_acled(args.rows).astype(str)  # ACLED's API writes dates as YYYY-MM-DD
    frame["event_date"] = pd.to_datetime(frame["event_date"], format="%d %B %Y").dt.strftime(
        "%Y-%m-%d")
    records = frame.to_dict("records")
    limit = sources.ACLED_LIMIT
    pages = [json.dumps({"success": True, "count": len(chunk), "data": chunk}).encode()
             for chunk in (records[i:i + limit] for i in range(0, len(records), limit))]
    if len(records) % limit == 0:
        pages.append(b'{"success": true, "count": 0, "data": []}')
    data = frame.to_csv(index=False, quoting=csv.QUOTE_MINIMAL).encode()
    server = serve(pages, b'{"success": true, "count": 0, "data": []}')
    env = {"ACLED_API_URL": f"http://127.0.0.1:{server.server_address[1]}"}
    borders = load_borders(ROOT / "data" / "borders.geojson")
    start, end = date(2020, 1, 1), date.today()
    times: dict[str, list[float]] = {"import a file and keep it": [], "pull and keep": [],
                                     "second pull, nothing changed": []}
    with tempfile.TemporaryDirectory() as folder:
        for run in range(args.runs):
            store = Store.open(str(Path(folder) / f"store-{run}.sqlite"))
            t0 = time.perf_counter()
            report = ingest_bytes(data, "acled.csv", borders)
            store.keep_set("import", report.loaded, report, "acled.csv", len(data), OPERATOR)
            t1 = time.perf_counter()
            _, pulled = sources.pull(store, "acled", "pull", borders, start=start, end=end,
                                        creds=CREDS, env=env)
            t2 = time.perf_counter()
            again, _ = sources.pull(store, "acled", "pull", borders, start=start, end=end,
                                    creds=CREDS, env=env)
            t3 = time.perf_counter()
            assert (len(pulled.loaded), len(pulled.rejected)) == (len(report.loaded),
                                                                  len(report.rejected))
            assert (again.added, again.changed, again.deleted) == (0, 0, 0)
            for name, value in zip(times, (t1 - t0, t2 - t1, t3 - t2), strict=True):
                times[name].append(value)
            store.close()
    server.shutdown()
    medians = {name: statistics.median(t) for name, t in times.items()}
    base = medians["import a file and keep it"]
    print(f"{args.rows:,} ACLED rows ({len(pages)} pages, {sum(map(len, pages)) / 1e6:.0f} MB of "
          f"JSON; CSV {len(data) / 1e6:.0f} MB), median of {args.runs} runs:")
    for name, value in medians.items():
        print(f"  {name:30s} {value:7.2f} s  ({value / base:4.2f} x the import)")


if __name__ == "__main__":
    main()
