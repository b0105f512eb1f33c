"""Memory that comes back: a server process returns the memory of ended sessions to the system.

Streamlit keeps a disconnected session for its time-to-live (server.disconnectedSessionTTL) so a
reconnecting tab finds its state. But its session storage is a TTL cache that reaps lazily:
an expired session is dropped only when the cache is next written, by another session
connecting or leaving, and it is not shut down even then, so its state and its uploaded files
stayed in memory on an idle server. The thread below ends expired sessions itself.

When a session ends (its tab closed, then Streamlit's disconnected-session time-to-live), its
uploaded events are freed, but the allocators keep the freed memory inside the process: pandas
3 keeps text columns in Arrow buffers, and glibc's malloc keeps freed pages too. An idle server
stayed at 1.1-1.4 GB after a few large imports. A background thread in each server process
collects garbage and asks the allocators to hand free pages back every half minute.

Arrow allocates from the system's malloc here, not from its default mimalloc: each session's
import runs on its own script thread, and mimalloc kept the pages of those threads' heaps
after the threads had ended, where no release reaches them. Five 150,000-row imports left
545 MB behind with mimalloc and 110 MB with the system pool (BENCHMARKS.md).
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import gc
import threading
import time
from collections.abc import Callable

import pyarrow

RELEASE_EVERY_S = 30.0
_started = threading.Event()

pyarrow.set_memory_pool(pyarrow.system_memory_pool())  # for every Arrow buffer from now on


def _trimmer() -> Callable[[int], int] | None:
    try:
        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


def end_expired_sessions() -> int:
    """Shut down the disconnected sessions whose time-to-live has passed; how many.

    Uses Streamlit's private session storage (checked against Streamlit 1.67); if that changes,
    it does nothing rather than fail.
    """
    try:
        from streamlit.runtime import Runtime

        if not Runtime.exists():
            return 0
        runtime = Runtime.instance()
        manager = runtime._session_mgr
        with getattr(manager, "_storage_lock", contextlib.nullcontext()):
            expired = manager._session_storage._cache.expire()  # type: ignore[attr-defined]
    except Exception:  # another Streamlit: nothing to do here
        return 0
    try:  # sessions are shut down on Streamlit's event loop, as Streamlit itself does
        run = runtime._get_async_objs().eventloop.call_soon_threadsafe
    except Exception:
        run = None
    for _, info in expired:
        with contextlib.suppress(Exception):  # its state, script thread and uploaded files
            end = functools.partial(_end, info.session)
            run(end) if run is not None else end()
    return len(expired)


def _end(session: object) -> None:
    """Shut a session down and empty its state: Streamlit's runtime loop keeps the last session
    it flushed messages for in a local variable until another session sends something, so on an
    idle server the session object itself outlives its end (checked with gc referrers)."""
    session.shutdown()  # type: ignore[attr-defined]
    session.session_state.clear()  # type: ignore[attr-defined]


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
