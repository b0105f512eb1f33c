"""The time model's wire (geo.timemodel, coupbelt.timemap/1): its size, raw and gzipped, with
and without events, and the time to build it, per language (median of --runs builds).

    .venv/bin/python bench/wire.py [--runs 3] [--data data]
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo import timemodel  # noqa: E402
from geo.facts import load_facts  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--data", type=Path, default=ROOT / "data")
    args = parser.parse_args()
    facts = load_facts(args.data)
    start = time.perf_counter()
    timemodel.data_hash(facts)
    print(f"content hash: {1000 * (time.perf_counter() - start):.0f} ms (once per loaded data)")
    for lang in ("en", "fr"):
        for events in (True, False):
            times = []
            for _ in range(args.runs):
                start = time.perf_counter()
                wire = timemodel.build_wire(facts, lang, events)
                times.append(time.perf_counter() - start)
            raw = timemodel.wire_json(wire).encode("utf-8")
            print(f"{lang} {'with' if events else 'without'} events: {len(raw) / 1024:.1f} KB, "
                  f"{len(gzip.compress(raw)) / 1024:.1f} KB gzip; build {statistics.median(times):.2f} s")


if __name__ == "__main__":
    main()
