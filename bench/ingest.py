"""Import benchmark: validating a large ACLED-style file, today's code against git main's, in the
same run, on the same bytes; or, with --duckdb, the command line against DuckDB.

    .venv/bin/python bench/ingest.py                 # 150,000 rows, 3 runs each
    .venv/bin/python bench/ingest.py --rows 50000 --runs 5 --ref main
    .venv/bin/python bench/ingest.py --duckdb --rows 400000 --runs 3 [--file acled.csv]
    .venv/bin/python bench/ingest.py --duckdb --file acled.csv --runs 2 --against main

--duckdb times `python -m geo.ingest FILE --parquet OUT` (read, check every row, write the
events sorted by date) against DuckDB's read_csv -> Parquet of the same file, each in a
process of its own started the same way (Python, the import of its modules, the work), runs
alternating; it reports the medians, the ratio and each process's peak resident memory.
With --against REF, the command line of the tree at REF (exported with `git archive` into a
temporary folder, run with the same Python) is timed too, in the same alternation: before and
after in one run.

The old path is `git show <ref>:geo/ingest.py` loaded as a module of its own (it imports the
rest of geo/ from this tree, which it shares with today's code). Each run reads and validates
the whole file (`ingest_bytes`, as the page and the command line do); runs alternate old/new
and the medians are compared. A second file, the same with one malformed line in the middle,
times the record-by-record path that such files still take.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.synthetic import synthetic_acled  # noqa: E402
from geo import ingest as new_ingest  # noqa: E402
from geo.facts import curation_date, load_borders  # noqa: E402


def old_module(ref: str) -> types.ModuleType:
    """geo/ingest.py as it is at `ref`, as a module named geo.ingest_at_<ref>."""
    source = subprocess.run(["git", "show", f"{ref}:geo/ingest.py"], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout
    module = types.ModuleType(f"geo.ingest_at_{ref}")
    module.__file__ = str(ROOT / "geo" / "ingest.py")
    sys.modules[module.__name__] = module  # dataclasses look their module up
    exec(compile(source, f"{ref}:geo/ingest.py", "exec"), module.__dict__)
    return module


def acled_bytes(rows: int, broken: bool = False) -> bytes:
    frame = synthetic_acled(rows)
    text = frame.to_csv(index=False, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    if broken:  # one unclosed quote in the middle of the file
        lines = text.split("\n")
        lines[len(lines) // 2] = lines[len(lines) // 2].replace(',"Synthetic', ',"Synth"etic', 1)
        text = "\n".join(lines)
    return text.encode()


def timed(module: types.ModuleType, data: bytes, borders: object,
          last: object) -> tuple[float, float, str]:
    """Wall-clock and CPU seconds of one import (CPU time is what the process itself used: on
    a machine shared with other work, wall-clock time also counts the waits)."""
    start, cpu = time.perf_counter(), time.process_time()
    report = module.ingest_bytes(data, "bench.csv", borders, last=last)
    return time.perf_counter() - start, time.process_time() - cpu, report.summary()


# DuckDB's own import of the same file: read_csv (its sniffer, its types) -> Parquet.
DUCKDB = """
import sys
import duckdb
source, target = (arg.replace("'", "''") for arg in sys.argv[1:3])
con = duckdb.connect()
con.execute("SET enable_progress_bar = false")
con.execute(f"COPY (SELECT * FROM read_csv('{source}')) TO '{target}' (FORMAT parquet)")
"""


def run_measured(command: list[str], cwd: Path = ROOT) -> tuple[float, float, float, str]:
    """Wall-clock seconds, CPU seconds (user + system) and peak resident MB of one process
    (its own rusage, from wait4), and what it printed."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if process.returncode not in (0, 1):
            raise SystemExit(f"{command[:3]} failed: {err.read()[-2000:]}")
        return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, out.read()


def against_duckdb(path: Path, runs: int, against: str | None = None) -> None:
    """The import through the command line against DuckDB on the same file, alternating (and
    the command line of the tree at `against`, if given)."""
    size = path.stat().st_size
    with path.open("rb") as lines:
        rows = sum(1 for _ in lines) - 1
    print(f"{path.name}: {rows:,} lines after the header, {size / 1e6:.0f} MB; {runs} runs each, "
          f"alternating; load average {os.getloadavg()[0]:.1f}")
    names = ["import", "duckdb", *([f"import at {against}"] if against else [])]
    results: dict[str, list[tuple[float, float, float]]] = {name: [] for name in names}
    summary = ""
    with tempfile.TemporaryDirectory() as tmp:
        if against:
            exported(against, Path(tmp) / "tree")
        for _ in range(runs):
            for name in names:
                out = Path(tmp) / f"{names.index(name)}.parquet"
                command = ([sys.executable, "-c", DUCKDB, str(path), str(out)]
                           if name == "duckdb" else
                           [sys.executable, "-m", "geo.ingest", str(path), "--parquet", str(out)])
                wall, cpu, peak, text = run_measured(
                    command, Path(tmp) / "tree" if name.startswith("import at") else ROOT)
                results[name].append((wall, cpu, peak))
                if name == "import":
                    summary = text.splitlines()[0]
    median = {k: (statistics.median(r[0] for r in v), statistics.median(r[1] for r in v))
              for k, v in results.items()}
    for name in names:
        walls = ", ".join(f"{r[0]:.2f}" for r in results[name])
        cpus = ", ".join(f"{r[1]:.2f}" for r in results[name])
        print(f"  {name}: median {median[name][0]:.2f} s wall ({walls}), "
              f"{median[name][1]:.2f} s CPU ({cpus}), peak {max(r[2] for r in results[name]):.0f} MB")
    for name in names:
        if name != "duckdb":
            print(f"  {name} / duckdb: {median[name][0] / median['duckdb'][0]:.2f}x wall, "
                  f"{median[name][1] / median['duckdb'][1]:.2f}x CPU")
    print(f"  {summary} (load average after: {os.getloadavg()[0]:.1f})")


def exported(ref: str, folder: Path) -> None:
    """The tree at `ref`, written into `folder` (git archive), to run its command line."""
    folder.mkdir()
    archive = subprocess.run(["git", "archive", ref], cwd=ROOT, check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=150_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--ref", default="main", help="git ref of the old geo/ingest.py")
    parser.add_argument("--duckdb", action="store_true",
                        help="time the command line against DuckDB's read_csv -> Parquet")
    parser.add_argument("--file", type=Path, help="an ACLED-style CSV to use (else generated)")
    parser.add_argument("--against", metavar="REF",
                        help="with --duckdb: time the command line at this git ref too")
    args = parser.parse_args()
    if args.duckdb:
        if args.file is not None:
            against_duckdb(args.file, args.runs, args.against)
            return
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"acled-{args.rows}.csv"
            path.write_bytes(acled_bytes(args.rows))
            against_duckdb(path, args.runs, args.against)
        return
    borders = load_borders(ROOT / "data" / "borders.geojson")
    last = curation_date(ROOT / "data" / "SOURCES.md").date()
    old = old_module(args.ref)
    print(f"{args.rows:,} synthetic ACLED rows; old = {args.ref}:geo/ingest.py; "
          f"{args.runs} runs each, alternating")
    for label, data in (("clean file", acled_bytes(args.rows)),
                        ("one malformed line", acled_bytes(args.rows, broken=True))):
        times: dict[str, list[float]] = {"old": [], "new": []}
        cpu: dict[str, list[float]] = {"old": [], "new": []}
        summaries: dict[str, str] = {}
        for _ in range(args.runs):
            for name, module in (("old", old), ("new", new_ingest)):
                seconds, used, summaries[name] = timed(module, data, borders, last)
                times[name].append(seconds)
                cpu[name].append(used)
        median = {k: statistics.median(v) for k, v in times.items()}
        median_cpu = {k: statistics.median(v) for k, v in cpu.items()}
        print(f"\n{label} ({len(data) / 1e6:.1f} MB)")
        for name in ("old", "new"):
            runs = ", ".join(f"{t:.2f}" for t in times[name])
            print(f"  {name}: median {median[name]:.2f} s wall ({runs}; best "
                  f"{min(times[name]):.2f}), "
                  f"{median_cpu[name]:.2f} s CPU; {summaries[name]}")
        print(f"  old / new: {median['old'] / median['new']:.1f}x wall, "
              f"{median_cpu['old'] / median_cpu['new']:.1f}x CPU")
        if summaries["old"] != summaries["new"]:
            print("  NOTE: the two paths accounted for the rows differently (see above)")


if __name__ == "__main__":
    main()
