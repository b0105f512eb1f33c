"""The flare rule on a table of cases, with both engines (DuckDB and pandas) giving the same
answer: zero baselines, exactly the threshold, windows at the start of the data, deaths."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pyarrow as pa
import pytest

from geo.flares import flares, history_windows

AS_OF = date(2024, 6, 30)
ENGINES = ["pandas", "duckdb"]


def events(*groups: tuple[int, list[int], int]) -> pd.DataFrame:
    """(events per day offset, day offsets before AS_OF, deaths each) -> an events frame in
    Kayes (MLI); every group a list of offsets, each offset `n` events."""
    rows = []
    for n, offsets, deaths in groups:
        for offset in offsets:
            rows += [{"date": pd.Timestamp(AS_OF - timedelta(days=offset)), "iso3": "MLI",
                      "admin1": "Kayes", "deaths": deaths}] * n
    return pd.DataFrame(rows, columns=["date", "iso3", "admin1", "deaths"]).astype(
        {"deaths": "Int64"})


HISTORY = date(2020, 1, 1)  # a first day long before: twelve full windows of history
BASELINE_DAYS = [30 + 30 * k for k in range(12)]  # one day in each baseline window


@pytest.mark.parametrize(("case", "frame", "first_day", "expected"), [
    ("zero baseline, ten events", events((10, [0], 0)), HISTORY, (10, 0.0, True, "events")),
    ("zero baseline, nine events", events((9, [0], 0)), HISTORY, (9, 0.0, False, "")),
    ("exactly twice the baseline and ten", events((10, [5], 0), (5, BASELINE_DAYS, 0)), HISTORY,
     (10, 5.0, True, "events")),
    ("just under twice the baseline", events((10, [5], 0), (5, BASELINE_DAYS, 0),
                                             (1, [100], 0)), HISTORY,
     (10, 61 / 12, False, "")),
    ("twice the baseline but under ten", events((8, [5], 0), (4, BASELINE_DAYS, 0)), HISTORY,
     (8, 4.0, False, "")),
    ("a window at the start of the data", events((50, [0], 0)), AS_OF - timedelta(days=29),
     (50, None, False, "no baseline")),
    ("two windows of history are not enough", events((50, [0], 0)),
     AS_OF - timedelta(days=89), (50, 0.0, False, "no baseline")),
    ("three windows of history are", events((10, [0], 0), (1, [30, 60, 89], 0)),
     AS_OF - timedelta(days=119), (10, 1.0, True, "events")),
    ("deaths alone", events((2, [3], 15)), HISTORY, (2, 0.0, True, "deaths")),
    ("both", events((12, [3], 1)), HISTORY, (12, 0.0, True, "events+deaths")),
    ("calm now, busy before", events((3, BASELINE_DAYS, 0)), HISTORY, (0, 3.0, False, "")),
])
@pytest.mark.parametrize("engine", ENGINES)
def test_the_flare_rule(case, frame, first_day, expected, engine):
    table = flares(frame, AS_OF, first_day=first_day, engine=engine)
    assert len(table) == 1, case
    row = table.iloc[0]
    count, baseline, flaring, why = expected
    assert (row["iso3"], row["admin1"], row["events"]) == ("MLI", "Kayes", count), case
    if baseline is None:
        assert pd.isna(row["baseline_events"]), case
    else:
        assert row["baseline_events"] == pytest.approx(baseline), case
    assert (bool(row["flaring"]), row["why"]) == (flaring, why), case


@pytest.mark.parametrize(("offset", "now", "before"), [
    (-1, 0, 0),  # the day after the as-of date: not yet
    (0, 1, 0), (29, 1, 0),  # the window's last and first days
    (30, 0, 1), (389, 0, 1),  # the baseline's first and last days
    (390, 0, 0),  # before the baseline
])
@pytest.mark.parametrize("engine", ENGINES)
def test_the_window_edges(offset, now, before, engine):
    frame = events((1, [offset], 2), (1, [200], 0))  # the second row keeps the place listed
    row = flares(frame, AS_OF, first_day=HISTORY, engine=engine).iloc[0]
    assert (row["events"], row["deaths"]) == (now, 2 * now)
    assert row["baseline_events"] * 12 == before + 1
    assert row["baseline_deaths"] * 12 == 2 * before


@pytest.mark.parametrize(("days", "windows"), [(0, 0), (29, 0), (58, 0), (59, 1), (89, 2),
                                               (119, 3), (389, 12), (2000, 12)])
def test_history_windows(days, windows):
    assert history_windows(AS_OF, AS_OF - timedelta(days=days)) == windows


@pytest.mark.parametrize("engine", ENGINES)
def test_ranked_by_country_or_admin1_from_any_table(engine, tmp_path):
    frame = pd.concat([
        events((20, [1], 0), (2, BASELINE_DAYS, 0)),  # Kayes: 20 against 2
        events((30, [1], 0)).assign(admin1="Mopti"),  # Mopti: 30 against 0
        events((12, [1], 0), (10, BASELINE_DAYS, 0)).assign(iso3="NER", admin1="Tillaberi"),
        events((1, [1], 0)).assign(iso3="NER", admin1=None),  # no admin1 written
    ], ignore_index=True)
    table = flares(frame, AS_OF, first_day=HISTORY, engine=engine)
    assert list(zip(table["admin1"], table["flaring"], strict=True)) == [
        ("Mopti", True), ("Kayes", True), ("", False), ("Tillaberi", False)]
    countries = flares(frame, AS_OF, level="country", first_day=HISTORY, engine=engine)
    assert list(zip(countries["iso3"], countries["events"], countries["flaring"],
                    strict=True)) == [("MLI", 50, True), ("NER", 13, False)]
    path = tmp_path / "events.parquet"
    frame.to_parquet(path)
    for source in (path, pa.Table.from_pandas(frame)):
        pd.testing.assert_frame_equal(flares(source, AS_OF, first_day=HISTORY, engine=engine),
                                      table)


def test_the_first_day_defaults_to_the_datas_earliest():
    frame = events((10, [0], 0), (1, [100], 0))  # data from AS_OF - 100: 2 windows
    for engine in ENGINES:
        row = flares(frame, AS_OF, engine=engine).iloc[0]
        assert (row["windows"], row["why"]) == (2, "no baseline")


def test_an_unknown_level_is_refused():
    with pytest.raises(ValueError, match="country, admin1"):
        flares(events(), AS_OF, level="admin2")
