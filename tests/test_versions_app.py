"""AppTest of a pulled set's versions on the Events page: a link pinning version 1 shows the
set as the first pull left it (a row deleted since is back), the picker moves to the latest
and the link follows, a version the set does not have is said, and a private set's version is
refused to someone else like any link."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import sourceserver
from conftest import ROOT, map_args, open_page
from sourceserver import PASSWORD, UCDP_TOKEN, USER

from geo.access import PERSONAL, Viewer
from geo.facts import load_borders
from geo.sources import Credentials, pull

pytestmark = pytest.mark.filterwarnings("ignore")
CREDS = Credentials(USER, PASSWORD, UCDP_TOKEN, (("acled", "environment"),))


@pytest.fixture
def api(monkeypatch, tmp_path):
    import streamlit as st

    monkeypatch.delenv("COUPBELT_DATA_DIR", raising=False)  # the real borders: real places
    st.cache_resource.clear()
    yield from sourceserver.serving(monkeypatch, tmp_path)
    st.cache_resource.clear()


def two_pulls(viewer=PERSONAL) -> str:
    from geo.store import Store

    store = Store.open(None)
    borders = load_borders(Path(ROOT) / "data" / "borders.geojson")
    for _ in range(2):
        done, _ = pull(store, "acled", "sahel", borders, start=date(2024, 3, 1),
                       end=date(2024, 3, 31), creds=CREDS, viewer=viewer)
    store.close()
    return done.set_id


def shown(at) -> str:
    return "\n".join(str(e.value) for kind in ("markdown", "caption", "warning")
                     for e in getattr(at, kind))


def places(at) -> str:
    """The places of the pulled events on the map (their rows name the synthetic source)."""
    (component,) = at.get("component_instance")
    rows = [r for layer, _ in map_args(component)["events"] for r in layer or []]
    pulled = [str(r) for r in rows if "Synthetic" in str(r)]
    return "\n".join(pulled)


def test_a_link_pinning_version_1_reopens_the_first_pull_and_the_picker_moves_on(api):
    set_id = two_pulls()
    at = open_page("pages/events.py", {"date": "2024-03-31", "dataset": set_id,
                                       "version": "1"})
    assert not at.exception, [e.value for e in at.exception]
    assert ("Showing the kept set `sahel` as it was at pull 1 of 2: 4 events (1 rejected)."
            in shown(at))
    assert f"dataset={set_id}&version=1" in shown(at)
    assert at.query_params["version"] == "1"
    assert "Niamey" in places(at)  # SYN-NER1, deleted by pull 2, is there at version 1
    picker = at.selectbox(key="kept_version_pick")
    assert picker.value == 1 and picker.options[0].endswith(", the latest")
    picker.set_value(None).run()
    assert not at.exception
    assert "version" not in at.query_params
    assert "Showing the kept set `sahel`: 5 events (0 rejected)" in shown(at)
    assert "Niamey" not in places(at)


@pytest.mark.parametrize(("version", "said"), [
    ("7", "The kept set `sahel` has no version 7 (its versions are 1 to 2); showing its latest."),
    ("x", "The version `x` in the link is not the number of a pull"),
])
def test_a_version_the_set_does_not_have_is_said_and_the_latest_shown(api, version, said):
    set_id = two_pulls()
    at = open_page("pages/events.py", {"date": "2024-03-31", "dataset": set_id,
                                       "version": version})
    assert not at.exception
    assert said in shown(at)
    assert "version" not in at.query_params and at.query_params["dataset"] == set_id
    assert "Showing the kept set `sahel`: 5 events" in shown(at)


def test_a_pinned_link_to_a_private_set_is_refused_like_any_link(api):
    from streamlit.testing.v1 import AppTest
    from test_access_app import AUTH

    set_id = two_pulls(Viewer("alice@example.org"))

    def open_as(who):
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
        at.secrets["auth"] = AUTH
        at.user = {"is_logged_in": True, "email": who}
        for key, value in {"date": "2024-03-31", "dataset": set_id, "version": "1"}.items():
            at.query_params[key] = value
        at.run()
        at.switch_page("pages/events.py").run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    bob = open_as("bob@example.org")
    assert f"No kept set `{set_id}` in the store that you may open" in shown(bob)
    assert "dataset" not in bob.query_params and "version" not in bob.query_params
    assert "Niamey" not in places(bob)
    alice = open_as("alice@example.org")
    assert "as it was at pull 1 of 2" in shown(alice) and "Niamey" in places(alice)
