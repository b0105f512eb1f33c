"""Table-driven tests of the date logic, edges included."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from geo.facts import load_coups, load_events, load_status
from geo.timeline import (
    DateWindow,
    coup_counts,
    coups_until,
    events_between,
    headline_on,
    status_on,
)


@pytest.fixture
def status(data_dir: Path):
    return load_status(data_dir / "status.csv")


@pytest.mark.parametrize(
    ("day", "iso3", "dimension", "expected"),
    [
        (date(2020, 1, 1), "MLI", "regime", "civilian"),  # first day of coverage
        (date(2020, 8, 17), "MLI", "regime", "civilian"),  # last day before the coup
        (date(2020, 8, 18), "MLI", "regime", "military"),  # the day a status starts
        (date(2025, 6, 30), "MLI", "regime", "military"),  # open interval
        (date(2023, 12, 9), "NER", "ecowas", "member"),  # the last day of an interval
        (date(2023, 12, 10), "NER", "ecowas", "suspended"),  # end is exclusive
        (date(2025, 1, 28), "NER", "ecowas", "suspended"),
        (date(2025, 1, 29), "NER", "ecowas", "withdrawn"),
        (date(2024, 2, 23), "NER", "ecowas_sanctions", "economic"),
        (date(2024, 2, 24), "NER", "ecowas_sanctions", None),  # the day after it ends
        (date(2023, 7, 29), "NER", "ecowas_sanctions", None),  # before it starts
        (date(2023, 12, 21), "NER", "forces_france", "present"),
        (date(2023, 12, 22), "NER", "forces_france", None),
        (date(2024, 4, 10), "NER", "forces_russia", "africa_corps"),
        (date(2024, 4, 9), "NER", "forces_russia", None),
        (date(2022, 5, 5), "GHA", "ecowas_sanctions", None),  # never sanctioned
    ],
)
def test_status_on(status, day, iso3, dimension, expected):
    now = status_on(status, day)
    rows = now[(now["iso3"] == iso3) & (now["dimension"] == dimension)]
    assert list(rows["value"]) == ([expected] if expected else [])


def test_status_on_gives_at_most_one_value_per_country_and_dimension(status):
    for day in (date(2020, 1, 1), date(2023, 7, 26), date(2025, 1, 29)):
        now = status_on(status, day)
        assert not now.duplicated(["iso3", "dimension"]).any()


def test_headline_counts_groups(status):
    head = headline_on(status, date(2023, 8, 1))
    assert head.military == ("MLI", "NER")
    assert head.ecowas_sanctioned == ("NER",)
    assert head.ecowas_suspended == ()
    assert head.french_forces == ("NER",)
    assert headline_on(status, date(2025, 2, 1)).ecowas_withdrawn == ("NER",)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2023, 7, 30), date(2023, 7, 30), ["ev-summit"]),  # one-day window, both ends in
        (date(2023, 7, 31), date(2023, 8, 16), []),  # empty window
        (date(2023, 7, 30), date(2023, 9, 2), ["ev-summit", "ev-accra", "ev-protest"]),
        (date(2023, 7, 31), date(2023, 9, 1), ["ev-accra"]),  # edges excluded one day inside
        (date(2020, 1, 1), date(2025, 6, 30), ["ev-old", "ev-summit", "ev-accra", "ev-protest"]),
    ],
)
def test_events_between(data_dir, start, end, expected):
    events = load_events(data_dir / "events.csv")
    assert list(events_between(events, DateWindow(start, end))["id"]) == expected


def test_date_window_default_is_90_days_including_the_day():
    window = DateWindow.ending(date(2023, 9, 10))
    assert (window.start, window.end) == (date(2023, 6, 13), date(2023, 9, 10))
    assert (window.end - window.start).days + 1 == 90


def test_date_window_refuses_reversed_range():
    with pytest.raises(ValueError, match="before it starts"):
        DateWindow(date(2023, 2, 1), date(2023, 1, 31))


@pytest.mark.parametrize(
    ("day", "ids", "mli", "ner"),
    [
        (date(2020, 8, 17), [], None, None),
        (date(2020, 8, 18), ["mli-2020-08-18"], (1, 0), None),
        (date(2021, 3, 31), ["mli-2020-08-18", "ner-2021-03-31"], (1, 0), (0, 1)),
        (date(2025, 1, 1), ["mli-2020-08-18", "ner-2021-03-31", "mli-2021-05-24",
                            "ner-2023-07-26"], (2, 0), (1, 1)),
    ],
)
def test_coups_until_and_counts(data_dir, day, ids, mli, ner):
    coups = load_coups(data_dir / "coups.csv")
    assert list(coups_until(coups, day)["id"]) == ids
    counts = coup_counts(coups, day)
    for iso3, expected in (("MLI", mli), ("NER", ner)):
        got = tuple(counts.loc[iso3]) if iso3 in counts.index else None
        assert got == expected


@pytest.mark.parametrize(("rows", "same_value", "expected"), [
    ([("a", "2020-01-01", "2021-01-01"), ("a", "2021-01-01", None)], True,
     ["2020-01-01", "2020-01-01"]),  # adjacent, same value: one run
    ([("a", "2020-01-01", "2021-01-01"), ("b", "2021-01-01", None)], True,
     ["2020-01-01", "2021-01-01"]),  # a new value starts a new run
    ([("a", "2020-01-01", "2021-01-01"), ("b", "2021-01-01", None)], False,
     ["2020-01-01", "2020-01-01"]),  # unless any value counts
    ([("a", "2020-01-01", "2021-01-01"), ("a", "2021-01-02", None)], True,
     ["2020-01-01", "2021-01-02"]),  # a one-day gap breaks the run
    ([("a", "2021-01-01", None)], True, ["2021-01-01"]),
])
def test_continuous_since(rows, same_value, expected):
    from geo.timeline import continuous_since

    status = pd.DataFrame({"iso3": "GIN", "dimension": "ecowas_sanctions",
                           "value": [r[0] for r in rows],
                           "start": pd.to_datetime([r[1] for r in rows]),
                           "end": pd.to_datetime([r[2] for r in rows])})
    shuffled = status.iloc[::-1]
    got = continuous_since(shuffled, same_value).reindex(status.index)
    assert list(got.dt.strftime("%Y-%m-%d")) == expected
