"""AppTest of the Events page's sources panel: which credentials are configured (never their
values), a pull into a kept set through the form, and a failed pull's one clear line."""

from __future__ import annotations

import pytest
import sourceserver
from conftest import open_page
from sourceserver import PASSWORD, UCDP_TOKEN

pytestmark = pytest.mark.filterwarnings("ignore")


@pytest.fixture
def api(monkeypatch, tmp_path):
    yield from sourceserver.serving(monkeypatch, tmp_path)


@pytest.fixture
def app(monkeypatch):
    import streamlit as st

    monkeypatch.delenv("COUPBELT_DATA_DIR", raising=False)  # the real borders: real places
    st.cache_resource.clear()
    yield lambda: open_page("pages/events.py", {"date": "2024-03-31"})
    st.cache_resource.clear()


def texts(at) -> str:
    return "\n".join(str(e.value) for kind in ("markdown", "caption", "success", "error", "info",
                                               "warning") for e in getattr(at, kind))


def test_without_credentials_the_panel_says_what_to_set_and_offers_no_pull(app, monkeypatch,
                                                                         tmp_path):
    for name in ("ACLED_USERNAME", "ACLED_EMAIL", "ACLED_PASSWORD", "UCDP_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    at = app()
    assert not at.exception
    shown = texts(at)
    assert "**ACLED**: not configured: set ACLED_USERNAME, ACLED_PASSWORD on the server" in shown
    assert "**UCDP GED**: not configured: set UCDP_TOKEN on the server" in shown
    assert not [b for b in at.button if b.label == "Pull"]


def test_a_pull_from_the_panel_keeps_a_set_and_a_failure_says_what_failed(app, api):
    at = app()
    shown = texts(at)
    assert "**ACLED**: configured (environment variables)" in shown
    at.text_input(key="pull_name").input("Sahel live")
    next(b for b in at.button if b.label == "Pull").click()
    at.run()
    assert not at.exception
    (done,) = at.success
    assert done.value.startswith("`Sahel live`: pull 1, 5 rows received (1 rejected); 5 added, 0 "
                                 "changed, 0 deleted. The set now holds 4 events")
    at.run()
    assert "Kept sets (1)" in [e.label for e in at.expander]
    api.script.fail_page = 3
    api.script.seen.clear()
    next(b for b in at.button if b.label == "Pull").click()
    at.run()
    assert [e.value for e in at.error] == ["The source failed while answering."]
    assert "ACLED events page 3: the server answered 500" in texts(at)
    tokens = {s.headers.get("authorization", "")[7:] for s in api.script.seen} - {""}
    for secret in (PASSWORD, UCDP_TOKEN, *tokens):
        assert secret not in texts(at)
