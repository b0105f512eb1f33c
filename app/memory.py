"""Memory that comes back: a server process returns the memory of ended sessions to the system.

Streamlit keeps a disconnected session for its time-to-live (server.disconnectedSessionTTL) so a
reconnecting tab finds its state. But its session storage is a TTL cache that reaps lazily:
an expired session is dropped only when the cache is next written, by another session
connecting or leaving, and it is not shut down even then, so its state and its uploaded files
stayed in memory on an idle server. The thread below ends expired sessions itself
(app/private.py: Streamlit has no public call for it).

When a session ends (its tab closed, then Streamlit's disconnected-session time-to-live), its
uploaded events are freed, but the allocators keep the freed memory inside the process: pandas
3 keeps text columns in Arrow buffers, and glibc's malloc keeps freed pages too. An idle server
stayed at 1.1-1.4 GB after a few large imports. A background thread in each server process
collects garbage and asks the allocators to hand free pages back every half minute.

Arrow allocates from the system's malloc here, not from its default mimalloc: each session's
import runs on its own script thread, and mimalloc kept the pages of those threads' heaps
after the threads had ended, where no release reaches them. Five 150,000-row imports left
545 MB behind with mimalloc and 110 MB with the system pool (BENCHMARKS.md). glibc gives each
thread that allocates at once an arena of its own (up to eight a core), and a freed page in a
little-used arena stays there: the process keeps two arenas. Its mmap and trim thresholds are
fixed (see MMAP_THRESHOLD), so an import's large blocks are given back when freed.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import json
import os
import sys
import threading
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow

from app.private import end_expired_sessions, session_count

RELEASE_EVERY_S = 30.0
# A bench's window into a live server (bench/memory.py --inspect): when set, each release cycle
# appends one JSON line to this file saying what the process holds (inspection(); nothing is
# served; only while the server holds no session). With PYTHONTRACEMALLOC set too, the Python
# allocations that hold most, by line.
INSPECT_ENV = "COUPBELT_MEMORY_INSPECT"
_started = threading.Event()

pyarrow.set_memory_pool(pyarrow.system_memory_pool())  # for every Arrow buffer from now on
M_ARENA_MAX = -8  # glibc's mallopt parameters
M_MMAP_THRESHOLD = -3
M_TRIM_THRESHOLD = -1
MALLOC_ARENAS = 2  # one per core: each script thread's own arena kept its freed pages
# glibc raises its mmap threshold (up to 32 MiB) each time a large block is freed, and its trim
# threshold to twice that: an import's buffers then came from the arenas' heaps, and the free
# top of a thread arena's heap is out of malloc_trim's reach. After five 150,000-row imports the
# server kept about 190 MB free inside malloc (mallinfo2, bench/memory.py --inspect) with its live
# blocks back at the idle figure. Fixed thresholds keep large blocks in their own mappings, given
# back when freed.
MMAP_THRESHOLD = 256 << 10
TRIM_THRESHOLD = 1 << 20


def _limit_malloc_arenas() -> None:
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to limit
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(M_ARENA_MAX, MALLOC_ARENAS)
        libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)
        libc.mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD)


def _trimmer() -> Callable[[int], int] | None:
    try:
        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


_limit_malloc_arenas()


def release_memory() -> None:
    """Free what ended sessions left behind, and give the pages back to the system."""
    gc.collect()
    pyarrow.default_memory_pool().release_unused()
    trim = _trimmer()
    if trim is not None:
        trim(0)


def release_memory_in_background(every: float = RELEASE_EVERY_S) -> None:
    """Start, once per process, a daemon thread that ends expired sessions and releases
    memory every `every` seconds."""
    if _started.is_set():
        return
    _started.set()

    def loop() -> None:
        while True:
            time.sleep(every)
            end_expired_sessions()
            release_memory()
            _log_inspection()

    threading.Thread(target=loop, name="coupbelt-release-memory", daemon=True).start()


def _resident_mb() -> float:
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def inspection(top: int = 12) -> dict[str, object]:
    """What this process holds now, by kind: resident memory, Arrow's pool, DuckDB's buffers,
    the Python heap (tracemalloc, when tracing), the live Python objects most numerous by type,
    and the large bytes and str objects (a JSON text, a file's bytes) by their count and size."""
    out: dict[str, object] = {"time": time.time(), "rss_mb": round(_resident_mb(), 1),
                              "arrow_mb": round(pyarrow.total_allocated_bytes() / 2**20, 1)}
    duckdb = sys.modules.get("duckdb")
    engine = sys.modules.get("geo.engine")
    if duckdb is not None and engine is not None:
        with contextlib.suppress(Exception):
            with engine._cursor() as con:
                used = con.sql("SELECT sum(memory_usage_bytes) FROM duckdb_memory()").fetchall()[0]
            out["duckdb_mb"] = round((used[0] or 0) / 2**20, 1)
    out.update(_malloc_info())
    out["mappings_mb"] = _resident_by_mapping()
    out.update(_python_arenas())
    objects = gc.get_objects()
    out["types"] = Counter(type(o).__name__ for o in objects).most_common(top)
    large: Counter[str] = Counter()
    sized = [(type(o).__name__, sys.getsizeof(o)) for o in _large_buffers(objects)]
    for name, size in sized:
        large[name] += size
    out["large_mb"] = {k: round(v / 2**20, 1) for k, v in large.items()}
    out["large_count"] = len(sized)
    if tracemalloc.is_tracing():
        current, _ = tracemalloc.get_traced_memory()
        out["python_mb"] = round(current / 2**20, 1)
        stats = tracemalloc.take_snapshot().statistics("lineno")[:top]
        out["python_top"] = [(str(s.traceback[0]), round(s.size / 2**20, 1), s.count)
                             for s in stats]
    return out


def _large_buffers(objects: list[Any], least: int = 1 << 20) -> list[object]:
    """The str and bytes objects of at least `least` bytes: gc does not track them, so they are
    found among what the objects it tracks refer to."""
    seen: set[int] = set()
    found: list[object] = []
    for v in gc.get_referents(*objects):
        if isinstance(v, (str, bytes, bytearray)) and id(v) not in seen \
                and sys.getsizeof(v) >= least:
            seen.add(id(v))
            found.append(v)
    return found


class _MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
        "fordblks", "keepcost")]


def _malloc_info() -> dict[str, float]:
    """glibc malloc's own account: in use, free but kept (what malloc_trim could give back if
    whole pages were free), and its large blocks (mmap)."""
    try:
        call = ctypes.CDLL("libc.so.6").mallinfo2
    except (OSError, AttributeError):
        return {}
    call.restype = _MallInfo2
    info = call()
    return {"malloc_used_mb": round(info.uordblks / 2**20, 1),
            "malloc_free_mb": round(info.fordblks / 2**20, 1),
            "malloc_mmap_mb": round(info.hblkhd / 2**20, 1)}


def _python_arenas() -> dict[str, float]:
    """Python's small-object allocator: its arenas (1 MiB each, given back only when wholly
    empty) against the bytes its live objects use (sys._debugmallocstats, which writes to the
    process's standard error: read back from a file put there for the call)."""
    import tempfile

    found: dict[str, float] = {}
    with contextlib.suppress(Exception), tempfile.TemporaryFile("w+") as text:
        sys.stderr.flush()
        saved = os.dup(2)
        try:
            os.dup2(text.fileno(), 2)
            sys._debugmallocstats()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        text.seek(0)
        for line in text:
            if "arenas allocated current" in line:
                found["pymalloc_arenas_mb"] = int(line.split("=")[1].replace(",", ""))
            elif line.startswith("# bytes in allocated blocks"):
                found["pymalloc_used_mb"] = round(int(line.split("=")[1].replace(",", "")) / 2**20, 1)
    return found


def _resident_by_mapping() -> dict[str, float]:
    """Resident memory by kind of mapping (/proc/self/smaps): files (code and data), the main
    heap, and anonymous mappings by size, which tell the allocators apart (Python's object
    arenas are 1 MiB, glibc's thread arenas up to 64 MiB, jemalloc's extents other sizes)."""
    out: Counter[str] = Counter()
    kind = "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/smaps").read_text().splitlines():
            head = line.split()
            if not head:
                continue
            if "-" in head[0] and not head[0].endswith(":"):
                start, end = (int(x, 16) for x in head[0].split("-"))
                name = head[5] if len(head) > 5 else ""
                size = end - start
                kind = ("file" if name.startswith("/") else name if name else
                        "anon 1 MiB" if size == 1 << 20 else
                        "anon < 1 MiB" if size < 1 << 20 else
                        "anon 1-64 MiB" if size <= 64 << 20 else "anon > 64 MiB")
            elif head[0] == "Rss:":
                out[kind] += int(head[1]) * 1024
    return {k: round(v / 2**20, 1) for k, v in out.most_common()}


def _log_inspection() -> None:
    """With INSPECT_ENV set, write inspection() when the server holds no session (it holds
    the interpreter for seconds: never while someone is served)."""
    path = os.environ.get(INSPECT_ENV)
    if not path or session_count() != 0:
        return
    with contextlib.suppress(Exception):
        found = inspection()
        if tracemalloc.is_tracing():  # beside it, for Snapshot.compare_to between two lines
            tracemalloc.take_snapshot().dump(f"{path}.{int(float(str(found['time'])))}.snapshot")
        line = json.dumps(found, default=str) + "\n"
        with open(path, "a", encoding="utf-8") as out:
            out.write(line)
