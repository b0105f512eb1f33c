"""The server gives the memory of ended sessions back (the figures are in BENCHMARKS.md)."""

from __future__ import annotations

import threading
from pathlib import Path

from app.memory import release_memory, release_memory_in_background


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def test_the_text_of_a_freed_frame_goes_back_to_the_system():
    import gc

    import numpy as np
    import pandas as pd

    before = rss_mb()
    frame = pd.DataFrame({"summary": [f"event {i} summary text of some length" * 3
                                      for i in range(600_000)], "lat": np.zeros(600_000)})
    grown = rss_mb() - before
    del frame
    gc.collect()
    release_memory()
    assert grown > 50
    assert rss_mb() - before < grown / 4  # most of it went back


def test_one_release_thread_per_process():
    release_memory_in_background(every=3600)
    release_memory_in_background(every=3600)
    names = [t.name for t in threading.enumerate()]
    assert names.count("coupbelt-release-memory") == 1


def test_expired_disconnected_sessions_are_shut_down(monkeypatch):
    """Streamlit's session storage reaps expired sessions only when it is next written, and
    without shutting them down: end_expired_sessions does both, on Streamlit's own storage."""
    import time
    from types import SimpleNamespace

    from streamlit.runtime import Runtime
    from streamlit.runtime.memory_session_storage import MemorySessionStorage

    from app.memory import end_expired_sessions

    ended: list[str] = []
    cleared: list[str] = []
    storage = MemorySessionStorage(ttl_seconds=0.2)
    for name in ("gone", "also gone"):
        state = SimpleNamespace(clear=lambda n=name: cleared.append(n))
        session = SimpleNamespace(id=name, shutdown=lambda n=name: ended.append(n),
                                  session_state=state)
        storage.save(SimpleNamespace(session=session, client=None, script_run_count=1))
    runtime = SimpleNamespace(_session_mgr=SimpleNamespace(_session_storage=storage))
    monkeypatch.setattr(Runtime, "exists", classmethod(lambda cls: True))
    monkeypatch.setattr(Runtime, "instance", classmethod(lambda cls: runtime))
    assert end_expired_sessions() == 0 and ended == []  # still within their time-to-live
    deadline = time.monotonic() + 5
    count = 0
    while time.monotonic() < deadline and count < 2:
        count += end_expired_sessions()
    assert count == 2 and sorted(ended) == ["also gone", "gone"]
    assert sorted(cleared) == ["also gone", "gone"]  # their state is emptied too
    assert storage.list() == []


def test_without_a_streamlit_server_nothing_is_ended():
    from app.memory import end_expired_sessions

    assert end_expired_sessions() == 0


def test_arrow_allocates_from_the_system_pool_once_the_app_runs():
    """mimalloc kept the pages of ended script threads' heaps; the app's Arrow buffers (pandas'
    text columns, imports) come from the system's malloc, which the release thread trims."""
    import pandas as pd
    import pyarrow

    import app.memory  # noqa: F401  (set at import, before any page loads data)

    assert pyarrow.default_memory_pool().backend_name == "system"
    before = pyarrow.system_memory_pool().bytes_allocated()
    text = pd.Series([f"event {i}" for i in range(50_000)], dtype="str").str.upper()
    assert pyarrow.system_memory_pool().bytes_allocated() > before
    del text


def test_the_inspection_counts_arrow_buffers_and_large_texts():
    """What bench/memory.py --inspect reads of a live server: Arrow's pool grows with a table,
    a large text held in a container is found, DuckDB's buffers are reported once it runs."""
    import pyarrow

    from app.memory import inspection
    from geo.engine import Events  # noqa: F401  (DuckDB loaded: its buffers are reported)

    before = inspection()
    table = pyarrow.table({"x": pyarrow.array(range(2_000_000), pyarrow.int64())})
    holder = ["x" * (3 << 20)]
    after = inspection()
    assert after["arrow_mb"] - before["arrow_mb"] >= 15  # 16 MB of int64
    assert after["large_mb"].get("str", 0) - before["large_mb"].get("str", 0) >= 3
    assert "duckdb_mb" in after and isinstance(after["types"], list)
    del table, holder


def test_the_inspection_is_written_only_on_an_idle_server(tmp_path, monkeypatch):
    """It holds the interpreter for seconds: never while a session is served."""
    import json

    import app.memory as memory

    out = tmp_path / "inspect.jsonl"
    monkeypatch.setenv(memory.INSPECT_ENV, str(out))
    monkeypatch.setattr(memory, "session_count", lambda: 2)
    memory._log_inspection()
    assert not out.exists()
    monkeypatch.setattr(memory, "session_count", lambda: 0)
    memory._log_inspection()
    line = json.loads(out.read_text())
    assert line["rss_mb"] > 0 and "arrow_mb" in line


def test_at_most_two_uploads_are_read_at_once(monkeypatch):
    """Five sessions importing at once: two read, the others wait their turn, every one is read
    (the peak of five 150,000-row imports fell below 1 GB, BENCHMARKS.md)."""
    import time
    from types import SimpleNamespace

    import app.upload as upload

    running, most, done = [0], [0], []
    lock = threading.Lock()

    def reading(source, name, *args, **kwargs):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.2)
        with lock:
            running[0] -= 1
            done.append(name)
        raise upload.IngestError(f"{name}: read")  # the panel shows it; nothing is kept

    monkeypatch.setattr(upload, "ingest_file", reading)
    facts = SimpleNamespace(borders=None, curated=None)
    threads = [threading.Thread(target=upload._read, args=(None, f"f{i}.csv", facts, frozenset(),
                                                           lambda text: text))
               for i in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(done) == [f"f{i}.csv" for i in range(5)]
    assert most[0] == upload.IMPORTS_AT_ONCE == 2
    assert upload._IMPORTING.acquire(blocking=False)  # every turn was given back
    upload._IMPORTING.release()


def test_a_traced_inspection_leaves_a_snapshot_to_compare(tmp_path, monkeypatch):
    import json
    import tracemalloc

    import app.memory as memory

    out = tmp_path / "inspect.jsonl"
    monkeypatch.setenv(memory.INSPECT_ENV, str(out))
    monkeypatch.setattr(memory, "session_count", lambda: 0)
    tracemalloc.start()
    try:
        memory._log_inspection()
    finally:
        tracemalloc.stop()
    line = json.loads(out.read_text())
    assert line["python_mb"] >= 0 and line["python_top"]
    (snapshot,) = tmp_path.glob("inspect.jsonl.*.snapshot")
    assert tracemalloc.Snapshot.load(str(snapshot)).traces
