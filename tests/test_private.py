"""The private Streamlit members app/private.py relies on: this test fails, naming the member,
the day a Streamlit release moves one (the app then quietly does without it)."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest
from conftest import ROOT


def test_pages_manager_still_has_its_pages_directory_flag():
    from streamlit.runtime.pages_manager import PagesManager

    assert isinstance(inspect.getattr_static(PagesManager, "uses_pages_directory"), (bool, type(None)))


def test_the_session_manager_still_keeps_sessions_in_a_ttl_cache():
    from streamlit.runtime import Runtime
    from streamlit.runtime.memory_session_storage import MemorySessionStorage
    from streamlit.runtime.websocket_session_manager import WebsocketSessionManager

    assert "_session_mgr" in inspect.getsource(Runtime.__init__)
    assert callable(Runtime._get_async_objs)
    assert "_session_storage" in inspect.getsource(WebsocketSessionManager.__init__)
    storage = MemorySessionStorage(ttl_seconds=1)
    assert callable(storage._cache.expire)  # cachetools' TTLCache


def test_leaving_legacy_pages_mode_flips_the_flag_once(monkeypatch):
    from streamlit.runtime.pages_manager import PagesManager

    from app.private import leave_legacy_pages_mode

    monkeypatch.setattr(PagesManager, "uses_pages_directory", True)
    assert leave_legacy_pages_mode() is True
    assert PagesManager.uses_pages_directory is False
    assert leave_legacy_pages_mode() is False


PRIVATE = ("PagesManager", "_session_mgr", "_get_async_objs", "_session_storage",
           "streamlit.runtime.pages_manager", "streamlit.runtime.scriptrunner")


MODULES = [*sorted(p for folder in ("app", "geo", "pages") for p in (ROOT / folder).rglob("*.py")),
           ROOT / "dashboard.py"]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(Path(p).relative_to(ROOT)))
def test_no_other_module_touches_streamlit_s_private_members(path):
    if path.name == "private.py":
        return
    text = path.read_text(encoding="utf-8")
    found = [name for name in PRIVATE if name in text]
    tree = ast.parse(text)
    found += [f"import {node.module}" for node in ast.walk(tree)
              if isinstance(node, ast.ImportFrom) and node.module
              and node.module.startswith("streamlit.") and any(
                  part.startswith("_") for part in node.module.split("."))]
    assert found == [], f"{path.name} uses Streamlit's private {found}: keep them in app/private.py"
