"""Change over time: change days, what changed between two dates, playback frames, headlines."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from geo.changes import (
    change_dates,
    changes_between,
    frame_dates,
    next_change,
    previous_change,
)


def status(*rows: tuple[str, str, str, str, str | None]) -> pd.DataFrame:
    return pd.DataFrame({
        "iso3": [r[0] for r in rows], "dimension": [r[1] for r in rows],
        "value": [r[2] for r in rows], "start": pd.to_datetime([r[3] for r in rows]),
        "end": pd.to_datetime([r[4] for r in rows]),
        "sources": [f"https://example.org/{i}" for i in range(len(rows))]})


NIGER = status(
    ("NER", "regime", "civilian", "2020-01-01", "2023-07-26"),
    ("NER", "regime", "military", "2023-07-26", None),
    ("NER", "ecowas", "member", "2020-01-01", "2023-12-10"),
    ("NER", "ecowas", "suspended", "2023-12-10", "2025-01-29"),
    ("NER", "ecowas", "withdrawn", "2025-01-29", None),
    ("NER", "aes", "member", "2023-09-16", None),
    ("NER", "forces_france", "present", "2020-01-01", "2023-12-22"),
    ("GHA", "regime", "civilian", "2020-01-01", None),
    ("MLI", "ecowas_sanctions", "economic", "2023-02-01", "2023-06-01"),
    ("MLI", "ecowas_sanctions", "economic", "2023-06-01", "2023-09-01"),
)


def changed(start: str, end: str) -> list[tuple[str, str, str, str, str]]:
    frame = changes_between(NIGER, date.fromisoformat(start), date.fromisoformat(end))
    return [(r.iso3, r.dimension, r.before, r.after, f"{r.changed_on:%Y-%m-%d}")
            for r in frame.itertuples()]


@pytest.mark.parametrize(("start", "end", "expected"), [
    ("2021-01-01", "2022-01-01", []),  # no change
    ("2023-07-25", "2023-07-26", [("NER", "regime", "civilian", "military", "2023-07-26")]),
    ("2023-07-26", "2023-08-01", []),  # the start day itself is 'before'
    ("2023-01-01", "2025-01-01", [  # several changes in between, every dimension
        ("MLI", "ecowas_sanctions", "", "economic", "2023-02-01"),
        ("NER", "regime", "civilian", "military", "2023-07-26"),
        ("MLI", "ecowas_sanctions", "economic", "", "2023-09-01"),  # started and ended between
        ("NER", "aes", "", "member", "2023-09-16"),
        ("NER", "ecowas", "member", "suspended", "2023-12-10"),
        ("NER", "forces_france", "present", "", "2023-12-22")]),
    ("2025-01-01", "2023-01-01", None),  # either order gives the same table
    ("2023-05-01", "2023-07-01", []),  # a new row of the same value is no change
])
def test_changes_between(start, end, expected):
    if expected is None:
        assert changed(start, end) == changed(end, start)
        return
    assert changed(start, end) == expected


def test_countries_without_data_have_no_rows():
    assert "CIV" not in set(changes_between(NIGER, date(2020, 1, 1), date(2026, 1, 1))["iso3"])


def test_the_sources_are_those_of_the_row_that_starts_or_ends():
    frame = changes_between(NIGER, date(2023, 12, 1), date(2023, 12, 31)).set_index("dimension")
    assert frame.loc["ecowas", "sources"] == "https://example.org/3"
    assert frame.loc["forces_france", "sources"] == "https://example.org/6"


def test_change_dates_and_stepping():
    days = change_dates(NIGER, ["regime", "ecowas"])
    assert days == [date(2023, 7, 26), date(2023, 12, 10), date(2025, 1, 29)]
    assert next_change(NIGER, date(2023, 7, 26), ["regime", "ecowas"]) == date(2023, 12, 10)
    assert next_change(NIGER, date(2025, 1, 29), ["regime"]) is None
    assert previous_change(NIGER, date(2023, 7, 26), ["regime", "ecowas"]) is None
    assert previous_change(NIGER, date(2023, 7, 27)) == date(2023, 7, 26)
    assert next_change(NIGER, date(2023, 7, 1), last=date(2023, 7, 20)) is None
    # Mali's second row of economic sanctions (a new decision) is no change: 2023-06-01 is not
    sanctions = change_dates(NIGER, ["ecowas_sanctions"])
    assert sanctions == [date(2023, 2, 1), date(2023, 9, 1)]


@pytest.mark.parametrize(("start", "end", "step", "expected"), [
    ("2020-01-01", "2020-04-01", "month", ["2020-01-01", "2020-02-01", "2020-03-01", "2020-04-01"]),
    ("2020-01-31", "2020-03-15", "month", ["2020-01-31", "2020-02-28", "2020-03-15"]),
    ("2020-01-01", "2020-01-20", "week", ["2020-01-01", "2020-01-08", "2020-01-15", "2020-01-20"]),
    ("2020-01-01", "2020-01-01", "week", ["2020-01-01"]),
])
def test_frame_dates(start, end, step, expected):
    got = frame_dates(date.fromisoformat(start), date.fromisoformat(end), step)
    assert [d.isoformat() for d in got] == expected


@pytest.mark.parametrize(("start", "end"), [
    ("2023-08-01", "2023-08-10"),  # nothing changes in between
    ("2023-08-10", "2023-08-10"),  # the same day twice
    ("2023-08-10", "2023-08-01"),  # either order
])
def test_no_change_between_two_days_is_an_empty_table_of_days(start, end):
    changes = changes_between(NIGER, date.fromisoformat(start), date.fromisoformat(end))
    assert changes.empty
    assert list(changes.columns) == ["iso3", "dimension", "before", "after", "changed_on", "sources"]
    assert list(changes["changed_on"].dt.strftime("%Y-%m-%d")) == []  # a dated column, even empty
