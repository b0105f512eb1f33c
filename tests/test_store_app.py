"""AppTest of keeping and sharing, on SQLite and on PostgreSQL: keep the session's import,
reopen it by its link in a new session, rename, delete; saved views and their short links; and
a store that cannot be reached or written, which must not cost the curated data or the
session's own import."""

from __future__ import annotations

import socket
import stat

import pytest
from conftest import map_args, open_page

from geo.store import Store

pytestmark = pytest.mark.filterwarnings("ignore")

UPLOAD_CSV = ("id,date,lat,lon,iso3,place,category,title,summary,sources\n"
              "u1,2023-08-20,13.0,-1.0,NER,Town,protest,Mine one,First,\n"
              "u2,2023-08-21,13.0,1.0,GHA,Town,protest,Mine two,Second,\n"
              "u3,not a date,13.0,1.0,GHA,Town,protest,Mine bad,Third,\n")


@pytest.fixture
def app(data_dir, monkeypatch, store_url):
    import streamlit as st

    monkeypatch.setenv("COUPBELT_DATA_DIR", str(data_dir))
    monkeypatch.setenv("COUPBELT_DB", store_url)
    st.cache_resource.clear()

    def open_app(page: str = "pages/events.py", **params: str):
        at = open_page(page, {"date": "2023-09-01", **params})
        assert not at.exception, [e.value for e in at.exception]
        return at
    yield open_app
    st.cache_resource.clear()


def report(data_dir):
    from geo.facts import load_borders
    from geo.ingest import ingest_bytes

    return ingest_bytes(UPLOAD_CSV.encode(), "mine <b>.csv", load_borders(data_dir / "borders.geojson"))


def script(at) -> str:
    (component,) = at.get("component_instance")
    return str(map_args(component)["layers"])


def button(at, label: str, key_start: str = ""):
    found = [b for b in at.button if b.label == label and (b.key or "").startswith(key_start)]
    assert found, f"no button {label!r}: {[b.label for b in at.button]}"
    return found[0]


def keep(at, data_dir, name: str) -> str:
    at.session_state["upload_report"] = report(data_dir)
    at.run()
    at.text_input(key="keep_set_name").input(name)
    button(at, "Keep this set").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at.query_params["dataset"]


def test_keep_then_reopen_by_link_in_a_new_session(app, data_dir, store_url):
    at = app()
    set_id = keep(at, data_dir, "Niger August")
    assert len(set_id) >= 22
    assert any("Kept as `Niger August`" in s.value for s in at.success)
    assert "upload_report" not in at.session_state  # the session holds only the ID
    assert '"Mine one"' in script(at) and '"Mine two"' in script(at)
    assert any("Showing the kept set `Niger August`: 2 events (1 rejected)" in m.value
               for m in at.markdown)
    assert [s.name for s in Store.open(store_url).list_sets()] == ["Niger August"]

    other = app(dataset=set_id)  # a new session, opened by the link
    assert not other.warning, [w.value for w in other.warning]
    # neither session holds the rows, only the ID: the process's one copy is shared
    for session in (at, other):
        assert "upload_report" not in session.session_state
        assert session.session_state["view_values"]["dataset"] == set_id
    assert '"Mine one"' in script(other)
    assert other.query_params["dataset"] == set_id
    other.switch_page("pages/situation_map.py").run()  # every page shows it
    assert '"Mine one"' in script(other)
    assert other.query_params["dataset"] == set_id


def test_rename_and_delete_through_the_page(app, data_dir, store_url):
    at = app()
    set_id = keep(at, data_dir, "first name")
    at.text_input(key=f"rename_{set_id}").input("second name")
    button(at, "Save the name", f"save_{set_id}").click().run()
    assert [s.name for s in Store.open(store_url).list_sets()] == ["second name"]
    assert any("`second name`" in m.value for m in at.markdown)
    # deleting asks first, naming the set and its rows, and says where it goes
    assert any("Delete `second name` (2 events)? It goes to the bin" in m.value for m in at.markdown)
    button(at, "Delete `second name`", f"delete_{set_id}").click().run()
    assert Store.open(store_url).list_sets() == []
    assert "dataset" not in at.query_params
    assert '"Mine one"' not in script(at)
    assert any("`second name` is in the bin" in s.value for s in at.success)
    # its link says it is in the bin, and until when
    assert app(dataset=set_id).warning[0].value.startswith("The kept set `second name` was deleted on")
    # and its owner restores it from the bin
    button(at, "Restore", f"restore_{set_id}").click().run()
    assert [s.name for s in Store.open(store_url).list_sets()] == ["second name"]
    assert not app(dataset=set_id).warning


def test_open_a_kept_set_from_the_list(app, data_dir):
    first = app()
    set_id = keep(first, data_dir, "from the list")
    at = app()
    assert '"Mine one"' not in script(at)
    button(at, "Open", f"open_{set_id}").click().run()
    assert at.query_params["dataset"] == set_id and '"Mine one"' in script(at)
    button(at, "Close this set").click().run()
    assert "dataset" not in at.query_params and '"Mine one"' not in script(at)
    button(at, "Open", f"open_{set_id}").click().run()
    at.session_state["upload_report"] = report(data_dir)  # a new import replaces it in view
    at.run()
    assert "dataset" not in at.query_params
    assert not any("Showing the kept set" in m.value for m in at.markdown)


@pytest.mark.parametrize("dataset", ["kVx2TtP0o9_yT6bA-3q1Zr8c", "[x](https://evil.example)"])
def test_an_unknown_set_in_the_link_warns_and_falls_back(app, dataset):
    at = app(dataset=dataset)
    (warning,) = at.warning
    assert "`" in warning.value and "](" not in warning.value.replace(f"`{dataset}`", "")
    assert "dataset" not in at.query_params
    assert '"Summit in Niamey"' in script(at)  # the curated events still show
    assert at.get("component_instance")  # the map is there


def test_saved_views_give_a_short_link_that_restores_the_view(app):
    at = app("pages/situation_map.py", iso3="NER", metric="aes", view="13.5,-2.1,5.25")
    at.session_state["saved_views_panel"] = True
    at.run()
    at.text_input(key="keep_view_name").input("Niger, AES")
    button(at, "Keep this view").click().run()
    (code,) = [c for c in at.code if "?v=" in c.value]
    view_id = code.value.rsplit("?v=", 1)[1]
    restored = app("pages/situation_map.py", v=view_id)
    assert not restored.warning, [w.value for w in restored.warning]
    assert restored.query_params["iso3"] == "NER" and restored.query_params["metric"] == "aes"
    assert restored.query_params["date"] == "2023-09-01" and "v" not in restored.query_params
    assert restored.query_params["view"] == "13.5,-2.1,5.25"  # zoom and centre too (issue 23)
    restored.session_state["saved_views_panel"] = True
    restored.run()
    assert button(restored, "`Niger, AES`", "view_")  # a name is shown as written


def test_a_saved_view_reopens_from_the_list(app):
    first = app("pages/situation_map.py", metric="aes")
    first.session_state["saved_views_panel"] = True
    first.run()
    first.text_input(key="keep_view_name").input("[AES](https://evil.example)")
    button(first, "Keep this view").click().run()
    at = app("pages/situation_map.py", date="2021-01-01")
    at.session_state["saved_views_panel"] = True
    at.run()
    button(at, "`[AES](https://evil.example)`", "view_").click().run()
    assert at.query_params["metric"] == "aes" and at.query_params["date"] == "2023-09-01"
    assert at.selectbox(key="metric").value == "aes"


@pytest.mark.parametrize("v", ["kVx2TtP0o9_yT6bA-3q1Zr8c", "nope"])
def test_an_unknown_saved_view_warns(app, v):
    at = app(v=v)
    (warning,) = at.warning
    assert f"`{v}`" in warning.value
    assert at.query_params["date"] == "2023-09-01"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(params=["unreachable", "read_only"])
def broken_store(request, tmp_path):
    if request.param == "unreachable":
        return f"postgresql://nobody@127.0.0.1:{free_port()}/coupbelt", "cannot be reached"
    path = tmp_path / "ro.sqlite"
    Store.open(str(path)).close()
    path.chmod(stat.S_IRUSR)
    return str(path), "read-only"


def test_a_broken_store_is_said_and_the_rest_works(data_dir, monkeypatch, broken_store):
    import streamlit as st

    url, said = broken_store
    monkeypatch.setenv("COUPBELT_DATA_DIR", str(data_dir))
    monkeypatch.setenv("COUPBELT_DB", url)
    st.cache_resource.clear()
    at = open_page("pages/events.py", {"date": "2023-09-01"})
    assert not at.exception and not at.error
    (warning,) = at.warning
    assert said in warning.value and "still work" in warning.value
    assert '"Summit in Niamey"' in script(at)  # the curated events
    at.session_state["upload_report"] = report(data_dir)  # the session's own import
    at.run()
    assert '"Mine one"' in script(at) and not at.exception
    assert any("2 loaded, 1 rejected" in s.value for s in at.success)
    # a kept set's link and the saved views say so too, and the page still opens
    linked = open_page("pages/events.py", {"date": "2023-09-01", "dataset": "kVx2TtP0o9_yT6bA-3q1Zr8c"})
    assert not linked.exception and any(said in w.value for w in linked.warning)
    assert linked.query_params["dataset"] == "kVx2TtP0o9_yT6bA-3q1Zr8c"  # kept for a reload
    assert '"Summit in Niamey"' in script(linked)
    linked.session_state["saved_views_panel"] = True
    linked.run()
    assert any(said in c.value for c in linked.caption)
    st.cache_resource.clear()


def test_one_action_shows_the_imported_events_period_and_one_takes_it_back(app, data_dir):
    at = app(date="2023-09-01")
    at.session_state["upload_report"] = report(data_dir)  # events of 20 and 21 August 2023
    at.run()
    assert '"Mine one"' in script(at)
    button(at, "Show my data's period (20 Aug 2023 to 21 Aug 2023)").click().run()
    assert (at.query_params["from"], at.query_params["to"]) == ("2023-08-20", "2023-08-21")
    assert at.query_params["date"] == "2023-08-21"
    button(at, "Back to the dates before").click().run()
    assert at.query_params["date"] == "2023-09-01" and "from" not in at.query_params
    assert not [b for b in at.button if b.label == "Back to the dates before"]
