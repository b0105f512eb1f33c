"""The engine (geo.engine: DuckDB over a date-sorted Arrow table) answers what the pandas code
answers, on a table of cases: window edges, empty windows, countries with no events, each
filter of the user's events, types missing, fatalities missing."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from geo.engine import Events, Selection, in_date_order
from geo.imported import UploadFilter, actors_of, filtered, imprecise, kind_counts, weekly_deaths
from geo.ingest import EVENTS_SCHEMA, events_frame, events_table
from geo.timeline import DateWindow, events_in_view
from geo.vocabulary import UPLOAD_CATEGORY

FIRST = date(2023, 1, 1)


def _frame(n: int = 400, seed: int = 7) -> pd.DataFrame:
    """`n` events in the loaded events' columns, in no date order, with missing types,
    actors, fatalities and precision, two events on the first and last day."""
    rng = np.random.default_rng(seed)
    days = [FIRST + timedelta(days=int(d)) for d in rng.integers(0, 400, n)]
    days[:2] = [FIRST, FIRST + timedelta(days=399)]
    kinds = np.array(["Battles", "Protests", "Riots", "Explosions/Remote violence", None, ""],
                     dtype=object)
    actors = np.array(["JNIM", "FAMa", "Wagner", None, "Protesters (Mali)"], dtype=object)
    deaths = [None if rng.random() < 0.2 else int(rng.integers(0, 40)) for _ in range(n)]
    frame = pd.DataFrame({
        "id": [f"e{i}" for i in range(n)], "date": pd.to_datetime(days),
        "lat": rng.uniform(5, 20, n).round(4), "lon": rng.uniform(-15, 10, n).round(4),
        "iso3": rng.choice(["MLI", "BFA", "NER", "SEN"], n), "place": "somewhere",
        "category": UPLOAD_CATEGORY, "title": "t", "summary": "s",
        "sources": "Studio Kalangou", "row": np.arange(2, n + 2),
        "kind": rng.choice(kinds, n), "sub_kind": None,
        "actor1": rng.choice(actors, n), "actor2": rng.choice(actors, n),
        "deaths": pd.array(deaths, dtype="Int64"), "deaths_low": pd.array([None] * n, "Int64"),
        "deaths_high": pd.array([None] * n, "Int64"), "admin1": "a",
        "place_precise": rng.choice([True, True, False], n),
        "date_precision": rng.choice(["day", "day", "week", "month", "year"], n),
    })[list(EVENTS_SCHEMA.names)]
    return frame


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return events_frame(events_table(_frame()))  # as the pages had them: through Arrow


@pytest.fixture(scope="module")
def engine(frame: pd.DataFrame) -> Events:
    return Events(events_table(frame))


LAST = FIRST + timedelta(days=399)
CASES = [
    pytest.param(Selection(FIRST, LAST), id="everything"),
    pytest.param(Selection(FIRST, FIRST), id="the first day alone"),
    pytest.param(Selection(LAST, LAST), id="the last day alone"),
    pytest.param(Selection(FIRST + timedelta(days=30), FIRST + timedelta(days=120)), id="90 days"),
    pytest.param(Selection(date(2020, 1, 1), date(2020, 12, 31)), id="empty window before"),
    pytest.param(Selection(LAST + timedelta(days=1), LAST + timedelta(days=90)),
                 id="empty window after"),
    pytest.param(Selection(FIRST, LAST, ("TCD",)), id="a country with no events"),
    pytest.param(Selection(FIRST, LAST, ("MLI", "NER")), id="two countries"),
    pytest.param(Selection(FIRST, LAST, keep=UploadFilter(kinds=("Battles", "Riots"))),
                 id="types"),
    pytest.param(Selection(FIRST, LAST, keep=UploadFilter(kinds=("Nothing of the kind",))),
                 id="a type the file lacks"),
    pytest.param(Selection(FIRST, LAST, keep=UploadFilter(actors=("Wagner",))), id="an actor"),
    pytest.param(Selection(FIRST, LAST, keep=UploadFilter(min_deaths=10)), id="fatalities"),
    pytest.param(Selection(FIRST, LAST, keep=UploadFilter(precise_only=True)), id="precise"),
    pytest.param(Selection(FIRST + timedelta(days=100), FIRST + timedelta(days=200), ("BFA",),
                           UploadFilter(("Battles",), ("JNIM", "FAMa"), 1, True)),
                 id="every filter at once"),
]


def _old(frame: pd.DataFrame, chosen: Selection) -> pd.DataFrame:
    return filtered(events_in_view(frame, DateWindow(chosen.start, chosen.end),
                                   (UPLOAD_CATEGORY,), chosen.countries), chosen.keep)


@pytest.mark.parametrize("chosen", CASES)
def test_the_selected_events_are_those_pandas_selects(frame, engine, chosen):
    old = _old(frame, chosen)
    new = engine.frame(chosen)
    assert engine.count(chosen) == len(old)
    assert list(new["id"]) == list(old["id"])  # the same events, oldest first
    pd.testing.assert_frame_equal(new.reset_index(drop=True), old.reset_index(drop=True),
                                  check_dtype=False)


@pytest.mark.parametrize("chosen", CASES)
def test_counts_per_type_week_month_and_country_match_pandas(frame, engine, chosen):
    old = _old(frame, chosen)
    pd.testing.assert_series_equal(engine.kind_counts(chosen), kind_counts(old),
                                   check_names=False, check_index_type=False)
    assert engine.imprecise_count(chosen) == int(imprecise(old).sum())
    pd.testing.assert_frame_equal(engine.counts_by("week", chosen), weekly_deaths(old),
                                  check_dtype=False)
    deaths = old["deaths"].fillna(0).astype("int64")
    by_country = (old.assign(deaths=deaths, events=1).groupby("iso3", as_index=False)
                  [["events", "deaths"]].sum())
    pd.testing.assert_frame_equal(engine.counts_by("iso3", chosen), by_country,
                                  check_dtype=False)
    month = old["date"].dt.to_period("M").dt.to_timestamp()
    by_month = (old.assign(month=month, deaths=deaths, events=1).groupby("month", as_index=False)
                [["events", "deaths"]].sum())
    pd.testing.assert_frame_equal(engine.counts_by("month", chosen), by_month, check_dtype=False)


def test_the_newest_events_of_a_selection(frame, engine):
    chosen = Selection(FIRST, LAST, ("MLI",))
    old = _old(frame, chosen).sort_values("date", ascending=False, kind="stable").head(25)
    new = engine.frame(chosen, newest=25)  # as the table of the user's events picks them
    assert sorted(new["id"]) == sorted(old["id"]) and new["date"].is_monotonic_increasing


def test_actors_days_and_the_whole_set(frame, engine):
    assert engine.actors() == actors_of(frame)
    assert engine.days() == (FIRST, LAST)
    assert len(engine) == len(frame) == engine.count()
    pd.testing.assert_series_equal(engine.kind_counts(), kind_counts(frame), check_names=False,
                                   check_index_type=False)
    empty = Events(events_table(frame.iloc[:0]))
    assert empty.days() is None and empty.count(Selection(FIRST, LAST)) == 0
    assert empty.kind_counts().empty and empty.actors() == []


def test_the_set_is_held_sorted_by_date_whatever_the_file_order(frame):
    shuffled = Events(events_table(frame.sample(frac=1, random_state=3)))
    days = shuffled.table["date"].to_pylist()
    assert days == sorted(days)
    assert shuffled.id == Events(events_table(frame)).id  # the same events, the same set


def test_a_set_already_in_date_order_is_held_as_it_is(frame):
    ordered = Events(events_table(frame)).table  # as an import's Parquet or a kept set is
    held = Events(ordered)
    assert held.table is ordered  # no second sort, no copy
    assert held.id == Events(events_table(frame.sample(frac=1, random_state=5))).id
    # two events of one day out of line order: not date order, so that set is sorted
    days = ordered["date"].cast(pa.int32()).to_numpy()
    i = int(np.flatnonzero(np.diff(days) == 0)[0])
    swapped = pa.concat_tables([ordered.slice(0, i), ordered.slice(i + 1, 1),
                                ordered.slice(i, 1), ordered.slice(i + 2)])
    assert Events(swapped).table["row"].to_pylist() == ordered["row"].to_pylist()
    later_first = pa.concat_tables([ordered.slice(len(ordered) - 1),
                                    ordered.slice(0, len(ordered) - 1)])
    assert Events(later_first).table["date"].to_pylist() == ordered["date"].to_pylist()
    # in the file's line order (as an import gives it), dates in any order
    by_line = ordered.take(pa.array(np.argsort(ordered["row"].to_numpy(), kind="stable")))
    assert not in_date_order(by_line)
    assert Events(by_line).table["row"].to_pylist() == ordered["row"].to_pylist()


def test_an_unknown_unit_is_refused(engine):
    with pytest.raises(ValueError, match="unit is one of"):
        engine.counts_by("year")


@pytest.mark.parametrize("chosen", CASES)
def test_the_map_s_arrays_are_those_of_the_selected_events(frame, engine, chosen):
    old = _old(frame, chosen)
    classes = ["Battles", "Protests", "Riots"]  # the others: the last class
    found = engine.cells(chosen, classes, 500)
    np.testing.assert_array_equal(found["lat"], np.round(old["lat"].to_numpy() * 500).astype("<i2"))
    np.testing.assert_array_equal(found["lon"], np.round(old["lon"].to_numpy() * 500).astype("<i2"))
    codes = old["kind"].fillna("").map({k: i for i, k in enumerate(classes)}).fillna(3)
    np.testing.assert_array_equal(found["cat"], codes.to_numpy().astype("u1"))
    np.testing.assert_array_equal(found["deaths"], old["deaths"].fillna(0).to_numpy().astype("<u4"))


@pytest.mark.parametrize("chosen", CASES)
def test_playback_s_arrays_are_those_of_the_selected_events_sorted_by_day(frame, engine, chosen):
    """One query gives playback every event the selection keeps: its day, place and type,
    oldest first, so the browser finds a frame's window by binary search on the days."""
    old = _old(frame, chosen)
    classes = ["Battles", "Riots"]  # the others: the last class
    found = engine.playback(chosen, classes, 500, FIRST)
    assert {k: v.dtype.str for k, v in found.items()} == {
        "day": "<i2", "lat": "<i2", "lon": "<i2", "cat": "|u1"}
    days = found["day"].astype(int)
    assert (np.diff(days) >= 0).all()  # oldest first
    expected = sorted(zip((old["date"] - pd.Timestamp(FIRST)).dt.days,
                          np.round(old["lat"].to_numpy() * 500).astype(int),
                          np.round(old["lon"].to_numpy() * 500).astype(int),
                          old["kind"].fillna("").map({"Battles": 0, "Riots": 1}).fillna(2).astype(int),
                          strict=True))
    assert sorted(zip(days, found["lat"].astype(int), found["lon"].astype(int),
                      found["cat"].astype(int), strict=True)) == expected


def test_a_frame_s_window_is_a_slice_of_playback_s_days(frame, engine):
    """What the browser does for a frame (coupbelt.js eventFrames): the events of the window
    ending on the frame's day are one slice of the day-sorted arrays, found by binary search."""
    found = engine.playback(Selection(FIRST, FIRST + timedelta(days=400)), [], 500, FIRST)
    days = found["day"]
    for end in (0, 30, 89, 200, 399, 450):
        lo, hi = np.searchsorted(days, end - 89, "left"), np.searchsorted(days, end, "right")
        window = Selection(FIRST + timedelta(days=end - 89), FIRST + timedelta(days=end))
        assert hi - lo == engine.count(window) == len(_old(frame, window)), end


def test_playback_s_days_run_before_the_first_day(engine):
    found = engine.playback(Selection(FIRST, FIRST), [], 500, FIRST + timedelta(days=10))
    assert set(found["day"].tolist()) == {-10}
