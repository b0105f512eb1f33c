"""The link <-> view mapping: pure, table-tested, every bad value falls back with a warning."""

from __future__ import annotations

from datetime import date

import pytest

from geo.timeline import DateWindow
from geo.viewstate import (
    LAYERS,
    ViewState,
    default_view,
    parse_view,
    query_params,
    saved_view_id,
    view_query,
)
from geo.vocabulary import EVENT_CATEGORIES

CURATED = date(2026, 11, 29)


@pytest.mark.parametrize(
    ("params", "as_of", "window", "warned"),
    [
        ({}, CURATED, DateWindow.ending(CURATED), None),
        ({"date": "2023-07-26"}, date(2023, 7, 26), DateWindow.ending(date(2023, 7, 26)), None),
        ({"date": "2020-01-01"}, date(2020, 1, 1), DateWindow.ending(date(2020, 1, 1)), None),
        ({"date": "2026-11-29"}, CURATED, DateWindow.ending(CURATED), None),
        ({"date": "2026-11-30"}, CURATED, DateWindow.ending(CURATED), "2026-11-30"),
        ({"date": "2019-12-31"}, CURATED, DateWindow.ending(CURATED), "2019-12-31"),
        ({"date": "2023-02-30"}, CURATED, DateWindow.ending(CURATED), "2023-02-30"),
        ({"date": "yesterday"}, CURATED, DateWindow.ending(CURATED), "yesterday"),
        ({"date": "<script>"}, CURATED, DateWindow.ending(CURATED), "<script>"),
        ({"date": "2023-09-10", "from": "2023-07-01", "to": "2023-08-31"}, date(2023, 9, 10),
         DateWindow(date(2023, 7, 1), date(2023, 8, 31)), None),
        ({"date": "2023-09-10", "from": "2023-07-01"}, date(2023, 9, 10),
         DateWindow(date(2023, 7, 1), date(2023, 9, 10)), None),
        ({"date": "2023-09-10", "from": "2023-08-31", "to": "2023-07-01"}, date(2023, 9, 10),
         DateWindow.ending(date(2023, 9, 10)), "event window"),
        ({"from": "nonsense"}, CURATED, DateWindow.ending(CURATED), "event window"),
    ],
)
def test_dates(params, as_of, window, warned):
    view, warnings = parse_view(params, CURATED)
    assert (view.as_of, view.window) == (as_of, window)
    if warned is None:
        assert warnings == []
    else:
        assert len(warnings) == 1 and warned in warnings[0]


@pytest.mark.parametrize(
    ("params", "attribute", "expected", "warned"),
    [
        ({"metric": "aes"}, "metric", "aes", False),
        ({"metric": "bogus"}, "metric", "regime", True),
        ({"layers": "events,choropleth"}, "layers", frozenset({"events", "choropleth"}), False),
        ({"layers": ""}, "layers", frozenset(), False),
        ({"layers": "events,satellite"}, "layers", frozenset({"events"}), True),
        ({"cat": "protest,coup"}, "categories", ("coup", "protest"), False),
        ({"cat": "protest,riots"}, "categories", ("protest",), True),
        ({"lang": "fr"}, "lang", "fr", False),
        ({"lang": "de"}, "lang", "en", True),
    ],
)
def test_choices(params, attribute, expected, warned):
    view, warnings = parse_view(params, CURATED)
    assert getattr(view, attribute) == expected
    assert bool(warnings) is warned


VIEWS = [
    default_view(CURATED),
    ViewState(date(2023, 8, 10), DateWindow.ending(date(2023, 8, 10))),
    ViewState(date(2023, 8, 10), DateWindow(date(2023, 7, 26), date(2023, 9, 30)), "forces",
              frozenset({"choropleth"}), ("ecowas", "ecowas_force")),
    ViewState(date(2021, 1, 1), DateWindow.ending(date(2021, 1, 1)), "coups", frozenset(), ()),
    ViewState(date(2024, 3, 1), DateWindow.ending(date(2024, 3, 1)), lang="fr"),
    ViewState(date(2024, 3, 1), DateWindow.ending(date(2024, 3, 1)),
              dataset="kVx2TtP0o9_yT6bA-3q1Zr8c"),
    ViewState(date(2024, 3, 1), DateWindow.ending(date(2024, 3, 1)),
              dataset="kVx2TtP0o9_yT6bA-3q1Zr8c", version=2),
]


@pytest.mark.parametrize("view", VIEWS)
def test_round_trip(view):
    query = view_query(view)
    assert parse_view(query, CURATED) == (view, [])


def test_default_link_only_carries_the_date():
    assert view_query(default_view(CURATED)) == {"date": "2026-11-29"}
    full = view_query(VIEWS[2])
    assert full == {"date": "2023-08-10", "from": "2023-07-26", "to": "2023-09-30",
                    "metric": "forces", "layers": "choropleth", "cat": "ecowas,ecowas_force"}
    assert set(LAYERS) == {"choropleth", "events", "forces", "upload", "basemap", "flares"}
    assert "flares" not in default_view(CURATED).layers  # computed on demand: off by default
    assert len(EVENT_CATEGORIES) == 13


KEPT = "kVx2TtP0o9_yT6bA-3q1Zr8c"  # shaped like geo.store.new_id()


@pytest.mark.parametrize(("params", "dataset", "warned"), [
    ({}, None, None),
    ({"dataset": KEPT}, KEPT, None),
    ({"dataset": "short"}, None, "short"),
    ({"dataset": ""}, None, "kept set"),
    ({"dataset": "../../etc/passwd"}, None, "../../etc/passwd"),
    ({"dataset": "[click](https://evil.example)" + "x" * 30}, None, "`[click](https://evil"),
    ({"dataset": KEPT + "!"}, None, KEPT),
])
def test_kept_set_in_the_link(params, dataset, warned):
    view, warnings = parse_view(params, CURATED)
    assert view.dataset == dataset
    if warned is None:
        assert warnings == []
    else:
        assert len(warnings) == 1 and warned in warnings[0]
        assert "](" not in warnings[0].replace("`[click](https://evil", "")


@pytest.mark.parametrize(("params", "version", "warned"), [
    ({"dataset": KEPT}, None, None),
    ({"dataset": KEPT, "version": "1"}, 1, None),
    ({"dataset": KEPT, "version": " 12 "}, 12, None),
    ({"dataset": KEPT, "version": "0"}, None, "The version `0` in the link is not the number"),
    ({"dataset": KEPT, "version": "-1"}, None, "-1"),
    ({"dataset": KEPT, "version": "25.1"}, None, "25.1"),
    ({"dataset": KEPT, "version": "latest"}, None, "latest"),
    ({"dataset": KEPT, "version": "٣"}, None, "not the number of a pull"),  # Arabic 3
    ({"dataset": KEPT, "version": "99999999999"}, None, "99999999999"),
    ({"dataset": KEPT, "version": "[x](https://evil.example)"}, None, "`[x](https://evil"),
    ({"version": "2"}, None, "no kept set (dataset=…)"),
    ({"dataset": "short", "version": "2"}, None, "no kept set"),
])
def test_a_kept_sets_version_in_the_link(params, version, warned):
    view, warnings = parse_view(params, CURATED)
    assert view.version == version
    if warned is None:
        assert warnings == []
    else:
        assert any(warned in w for w in warnings), warnings
    if version is not None:
        assert view_query(view)["version"] == str(version)


@pytest.mark.parametrize(("params", "found", "warned"), [
    ({}, None, False),
    ({"v": KEPT}, KEPT, False),
    ({"v": KEPT, "date": "2023-01-01"}, KEPT, False),
    ({"v": "nope"}, None, True),
    ({"v": "nope", "lang": "fr"}, None, True),
])
def test_saved_view_in_the_link(params, found, warned):
    view_id, warnings = saved_view_id(params)
    assert view_id == found
    assert bool(warnings) is warned
    if warned:
        assert "`nope`" in warnings[0]


@pytest.mark.parametrize(("query", "params"), [
    ("date=2023-07-26&iso3=NER,MLI", {"date": "2023-07-26", "iso3": "NER,MLI"}),
    ("?date=2023-07-26&v=abc", {"date": "2023-07-26"}),
    ("date=2023-07-26&date=2024-01-01", {"date": "2024-01-01"}),
    ("cat=&lang=fr", {"cat": "", "lang": "fr"}),
    ("dataset=" + KEPT + "&view=13.5%2C2.1%2C6", {"dataset": KEPT, "view": "13.5,2.1,6"}),
    ("", {}),
])
def test_a_saved_query_gives_link_parameters(query, params):
    assert query_params(query) == params
