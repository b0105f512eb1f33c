"""The only module that touches Streamlit's private members, where no public call exists.

Checked against Streamlit 1.67. tests/test_private.py fails, naming the member, as soon as a
Streamlit release moves one of them: each use below is then silently a no-op in the app (it
must never break a page), and the test is what says so.

- PagesManager.uses_pages_directory: Streamlit treats an app with a pages/ folder as an
  old-style multipage app until its entry point has called st.navigation once, so the first
  visit to /coups on a fresh server would run pages/coups.py alone. The design card names
  pages/, and no public call says "this app uses st.navigation".
- Runtime._session_mgr._session_storage._cache and Runtime._get_async_objs: Streamlit's
  session storage reaps expired (disconnected) sessions lazily and never shuts them down, so
  an idle server kept their state and uploaded files (app/memory.py).
"""

from __future__ import annotations

import contextlib
import functools
import threading

PAGES_FLAG = ("streamlit.runtime.pages_manager", "PagesManager", "uses_pages_directory")


def leave_legacy_pages_mode() -> bool:
    """Tell Streamlit the app uses st.navigation (not the pages/ folder on its own); whether it
    had thought otherwise (then the caller reruns, so the entry point resolves the page)."""
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:
        return False
    if getattr(PagesManager, "uses_pages_directory", False):
        PagesManager.uses_pages_directory = False
        return True
    return False


def end_expired_sessions() -> int:
    """Shut down the disconnected sessions whose time-to-live has passed; how many (0 if this
    Streamlit keeps its sessions otherwise)."""
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
    ended = []
    for _, info in expired:
        with contextlib.suppress(Exception):  # its state, script thread and uploaded files
            finished = threading.Event()
            end = functools.partial(_end, info.session, finished)
            run(end) if run is not None else end()
            ended.append(finished)
    for finished in ended:  # the caller frees memory next: only once the sessions are gone
        finished.wait(ENDING_S)
    return len(expired)


def session_count() -> int | None:
    """How many sessions (connected or kept for their time-to-live) this server holds; None
    without a Streamlit server, or when this Streamlit cannot say."""
    try:
        from streamlit.runtime import Runtime

        if not Runtime.exists():
            return None
        return len(Runtime.instance()._session_mgr.list_sessions())
    except Exception:
        return None


ENDING_S = 10.0  # at most this long to wait for Streamlit's loop to end a session


def _end(session: object, finished: threading.Event | None = None) -> None:
    """Shut a session down and empty its state: Streamlit's runtime loop keeps the last session
    it flushed messages for in a local variable until another session sends something, so on an
    idle server the session object itself outlives its end (checked with gc referrers)."""
    try:
        session.shutdown()  # type: ignore[attr-defined]
        session.session_state.clear()  # type: ignore[attr-defined]
    finally:
        if finished is not None:
            finished.set()
