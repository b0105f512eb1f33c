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
    kept = rss_mb() - before  # freed, but the allocators keep the pages
    release_memory()
    assert grown > 100 and kept > grown / 2
    assert rss_mb() - before < grown / 4  # most of it went back


def test_one_release_thread_per_process():
    release_memory_in_background(every=3600)
    release_memory_in_background(every=3600)
    names = [t.name for t in threading.enumerate()]
    assert names.count("coupbelt-release-memory") == 1
