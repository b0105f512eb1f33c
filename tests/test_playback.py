"""The playback payload: the colours the browser looks up for every frame equal the model's (from
the time model's runs, no colour sent per frame); events sit in their frames' windows."""

from __future__ import annotations

import bisect
from datetime import date

import pyarrow as pa
import pytest

from geo.changes import frame_dates
from geo.engine import Events
from geo.facts import load_facts
from geo.ingest import EVENTS_SCHEMA
from geo.metrics import METRICS, classify
from geo.playback import day_number, frame_events, player_payload
from geo.timemodel import build_wire
from geo.vocabulary import EVENT_CATEGORIES, UPLOAD_CATEGORY


def frame_colour(payload: dict, iso3: str, k: int) -> str | None:
    """What coupbelt.play looks up for frame k: the colour of the run holding on its day."""
    runs, day = payload["runs"][payload["countries"].index(iso3)], payload["days"][k]
    starts = runs[0::3]
    held = bisect.bisect_right(starts, day) - 1
    return payload["classes"][runs[3 * held + 1]] if held >= 0 and day <= payload["last"] else None


@pytest.mark.parametrize("metric", ["regime", "ecowas", "ecowas_sanctions", "forces_russia",
                                    "coups"])
def test_every_frame_s_fills_are_the_model_s(data_dir, metric):
    facts = load_facts(data_dir)
    frames = frame_dates(date(2020, 1, 1), date(2025, 6, 30), "week")
    events = frame_events(facts, None, frames, 90, tuple(EVENT_CATEGORIES), ())
    wire = build_wire(facts, "en", events=False)
    payload = player_payload(wire, metric, frames, events, 90, 4, False, "fr")
    assert payload["frames"][0] == "2020-01-01" and payload["frames"][-1] == "2025-06-30"
    assert payload["stamps"][0] == "1er janvier 2020"
    assert set(payload["classes"]) == {c.colour for c in METRICS[metric].classes}
    assert "fills" not in payload and payload["format"] == "coupbelt.timemap/1"
    for k in range(0, len(frames), 13):
        model = classify(metric, facts.borders["iso3"], facts.status, facts.coups, frames[k])
        fills = {iso3: frame_colour(payload, iso3, k) for iso3 in model["iso3"]}
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
