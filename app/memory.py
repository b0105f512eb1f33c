"""Memory that comes back: a server process returns the memory of ended sessions to the system.

When a session ends (its tab closed, then Streamlit's disconnected-session time-to-live), its
uploaded events are freed, but the allocators keep the freed memory inside the process: pandas
3 keeps text columns in Arrow buffers, whose memory pool (mimalloc) holds on to freed pages, and
glibc's malloc does the same for other buffers. An idle server stayed at 1.1-1.4 GB after a few
large imports. A background thread in each server process collects garbage and asks both to
hand free pages back every half minute.
"""

from __future__ import annotations

import ctypes
import gc
import threading
import time
from collections.abc import Callable

import pyarrow

RELEASE_EVERY_S = 30.0
_started = threading.Event()


def _trimmer() -> Callable[[int], int] | None:
    try:
        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


def release_memory() -> None:
    """Free what ended sessions left behind, and give the pages back to the system."""
    gc.collect()
    pyarrow.default_memory_pool().release_unused()
    trim = _trimmer()
    if trim is not None:
        trim(0)


def release_memory_in_background(every: float = RELEASE_EVERY_S) -> None:
    """Start, once per process, a daemon thread that calls release_memory every `every` s."""
    if _started.is_set():
        return
    _started.set()

    def loop() -> None:
        while True:
            time.sleep(every)
            release_memory()

    threading.Thread(target=loop, name="coupbelt-release-memory", daemon=True).start()
