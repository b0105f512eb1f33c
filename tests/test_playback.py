"""The playback payload: every frame's fills equal the model, events sit in their frames' windows."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pyarrow as pa
import pytest

from geo.changes import change_dates, dimensions_of, frame_dates
from geo.engine import Events
from geo.facts import load_facts
from geo.i18n import translator
from geo.ingest import EVENTS_SCHEMA
from geo.metrics import METRICS, classify
from geo.playback import day_number, frame_events, player_payload, timeline_colour, timeline_data
from geo.site import class_intervals, last_day
from geo.vocabulary import EVENT_CATEGORIES, UPLOAD_CATEGORY


@pytest.mark.parametrize("metric", ["regime", "ecowas", "ecowas_sanctions", "forces_russia",
                                    "coups"])
def test_every_frame_s_fills_are_the_model_s(data_dir, metric):
    facts = load_facts(data_dir)
    frames = frame_dates(date(2020, 1, 1), date(2025, 6, 30), "week")
    events = frame_events(facts, None, frames, 90, tuple(EVENT_CATEGORIES), ())
    payload = player_payload(class_intervals(facts, metric, translator("en")), metric, frames,
                             events, 90, 4, False, "fr")
    assert payload["frames"][0] == "2020-01-01" and payload["frames"][-1] == "2025-06-30"
    assert payload["stamps"][0] == "1er janvier 2020"
    assert set(payload["palette"]) <= {c.colour for c in METRICS[metric].classes}
    for k in range(0, len(frames), 13):
        model = classify(metric, facts.borders["iso3"], facts.status, facts.coups, frames[k])
        fills = {iso3: payload["palette"][i[k]] for iso3, i in payload["fills"].items()}
        assert fills == dict(zip(model["iso3"], model["colour"], strict=True)), frames[k]


def test_events_carry_their_day_and_colour_and_uploads_their_type_s(data_dir):
    facts = load_facts(data_dir)
    frames = [date(2023, 8, 1), date(2023, 9, 1)]
    mine = Events(pa.table({
        **{c: pa.nulls(2, EVENTS_SCHEMA.field(c).type) for c in EVENTS_SCHEMA.names},
        "id": ["u1", "u2"], "date": pa.array([date(2023, 8, 20), date(2021, 1, 1)]),
        "lat": [12.5, 12.6], "lon": [0.5, 0.6], "iso3": ["GHA", "GHA"], "row": [2, 3],
        "category": [UPLOAD_CATEGORY] * 2, "kind": ["Battles", "Protests"]}, EVENTS_SCHEMA))
    palette, rows = frame_events(facts, mine, frames, 90, ("ecowas", "protest"), ())
    days = [r[0] for r in rows]
    assert days == sorted(days)  # oldest first: the browser walks them in order
    assert day_number(date(2021, 1, 10)) not in days  # before every frame's window
    summit = [r for r in rows if r[0] == day_number(date(2023, 7, 30))]
    assert [palette[int(r[3])] for r in summit] == [EVENT_CATEGORIES["ecowas"][1]]
    (upload,) = [r for r in rows if r[0] == day_number(date(2023, 8, 20))]
    assert palette[int(upload[3])] != "#FFFFFF"  # in its type's colour
    assert palette[int(upload[3])] != EVENT_CATEGORIES["ecowas"][1]
    assert frame_events(facts, None, frames, 90, (), ())[1] == []  # events layer off


def test_the_timeline_a_map_recolours_from_gives_the_model_s_colours_every_day(data_dir):
    """The colours the browser looks up when the reader moves the date or the metric are the
    model's, on every day a class can change, the days around, and a sample of others."""
    facts = load_facts(data_dir)
    steps = {"*": change_dates(facts.status),
             **{m: change_dates(facts.status, dimensions_of(m)) for m in METRICS}}
    data = timeline_data({m: class_intervals(facts, m, translator("en")) for m in METRICS}, steps,
                         {m: translator("fr")(METRICS[m].title) for m in METRICS}, last_day(facts))
    end = last_day(facts)
    days = {date(2020, 1, 1), end} | set(pd.date_range("2020-01-01", end, freq="37D").date)
    for d in steps["*"]:
        days |= {d - pd.Timedelta(days=1), d, d + pd.Timedelta(days=1)}
    for metric in METRICS:
        for day in sorted(x for x in days if date(2020, 1, 1) <= x <= end):
            model = classify(metric, facts.borders["iso3"], facts.status, facts.coups, day)
            assert {iso3: timeline_colour(data, metric, iso3, day) for iso3 in model["iso3"]} == \
                dict(zip(model["iso3"], model["colour"], strict=True)), (metric, day)
    assert timeline_colour(data, "regime", "NER", end + pd.Timedelta(days=1)) is None
    # the change buttons' days, the menu's titles as the page writes them
    assert data["steps"]["regime"] == [day_number(d) for d in steps["regime"] if d <= end]
    assert data["titles"]["Régime"] == "regime" and len(data["titles"]) == len(METRICS)
    assert data["last"] == day_number(end)
