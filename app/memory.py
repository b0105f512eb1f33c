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
little-used arena stays there: the process keeps two arenas.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import threading
import time
from collections.abc import Callable

import pyarrow

from app.private import end_expired_sessions

RELEASE_EVERY_S = 30.0
_started = threading.Event()

pyarrow.set_memory_pool(pyarrow.system_memory_pool())  # for every Arrow buffer from now on
M_ARENA_MAX = -8  # glibc's mallopt parameter
MALLOC_ARENAS = 2  # one per core: each script thread's own arena kept its freed pages


def _limit_malloc_arenas() -> None:
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to limit
        ctypes.CDLL("libc.so.6").mallopt(M_ARENA_MAX, MALLOC_ARENAS)


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

    threading.Thread(target=loop, name="coupbelt-release-memory", daemon=True).start()
