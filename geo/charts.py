"""Altair charts: a coup timeline, status Gantt charts and an events histogram with a brush.

Each chart carries its language's d3 locale, so time axes name months in that language and
counts are grouped its way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date, timedelta
from typing import cast

import altair as alt
import pandas as pd

from geo.engine import Selection
from geo.i18n import Translate, english, long_date, vega_locale
from geo.timeline import DateWindow, within
from geo.vocabulary import COVERAGE_START, EVENT_CATEGORIES, OKABE_ITO

BRUSH = "brush"


def _day_labels(days: pd.Series, lang: str) -> list[str]:
    """Each day written out in the page's language ('1er août 2023'), '' where there is none:
    tooltips read as the titles do (a d3 format cannot write French ordinals)."""
    return [long_date(pd.Timestamp(d).date(), lang) if pd.notna(d) else "" for d in days]


def _rule(day: date, label: str) -> alt.LayerChart:
    data = pd.DataFrame({"date": [pd.Timestamp(day)], "label": [label]})
    rule = alt.Chart(data).mark_rule(color="black", strokeDash=[4, 3], size=1.5).encode(x="date:T")
    text = alt.Chart(data).mark_text(align="left", dx=4, dy=-6, fontSize=11).encode(
        x="date:T", y=alt.value(0), text="label:N")
    return cast(alt.LayerChart, rule + text)


def coup_timeline(coups: pd.DataFrame, names: Mapping[str, str], as_of: date,
                  tr: Translate = english, lang: str = "en") -> alt.LayerChart:
    """One row per country, a mark per coup (filled: successful, hollow: failed), rule at as-of."""
    ok, failed = tr("Successful"), tr("Failed or foiled")
    data = coups.assign(country=coups["iso3"].map(names), day=_day_labels(coups["date"], lang),
                        outcome_label=coups["outcome"].map({"successful": ok, "failed": failed}))
    # Shape, stroke and fill share one title and domain, so Vega-Lite merges them into one
    # legend whose symbols are the marks as drawn: a filled circle, a hollow triangle.
    title, domain = tr("Outcome"), [ok, failed]
    legend = alt.Legend(orient="top", symbolStrokeWidth=2, labelLimit=260)
    points = alt.Chart(data).mark_point(size=140, strokeWidth=2, filled=False).encode(
        x=alt.X("date:T", title=tr("Date"),
                axis=alt.Axis(format="%Y", tickCount="year", labelAngle=0)),
        y=alt.Y("country:N", title=None, sort="ascending"),
        shape=alt.Shape("outcome_label:N", title=title, legend=legend,
                        scale=alt.Scale(domain=domain, range=["circle", "triangle-up"])),
        color=alt.Color("outcome_label:N", title=title, legend=legend,
                        scale=alt.Scale(domain=domain,
                                        range=[OKABE_ITO["vermillion"], OKABE_ITO["blue"]])),
        fill=alt.Fill("outcome_label:N", title=title, legend=legend,
                      scale=alt.Scale(domain=domain,
                                      range=[OKABE_ITO["vermillion"], "transparent"])),
        tooltip=[alt.Tooltip("day:N", title=tr("date")),
                 alt.Tooltip("country:N", title=tr("country")),
                 alt.Tooltip("outcome_label:N", title=tr("outcome")),
                 alt.Tooltip("ousted:N", title=tr("ousted")),
                 alt.Tooltip("installed:N", title=tr("installed"))],
    )
    label = tr("as of {date}").format(date=long_date(as_of, lang))
    return cast(alt.LayerChart, (points + _rule(as_of, label)).properties(
        height=alt.Step(26), width="container").configure(locale=vega_locale(lang)))


def status_gantt(intervals: pd.DataFrame, colours: Mapping[str, str],
                 as_of: date, tr: Translate = english, lang: str = "en") -> alt.LayerChart:
    """Bars from start to end per country, coloured by status, with a rule at the as-of date."""
    # Countries in the order given (by name in the page's language); a period's part past the
    # edge of the checked facts (`checked` False) is drawn lighter and its tooltip says so.
    order = list(dict.fromkeys(intervals["country"]))
    checked = intervals["checked"] if "checked" in intervals.columns else True
    notes = intervals["note"] if "note" in intervals.columns else ""
    shown = intervals.assign(checked=checked, note=notes, start_day=_day_labels(
        intervals["start"], lang), end_day=_day_labels(intervals["end"], lang))
    bars = alt.Chart(shown).mark_bar(height=14).encode(
        x=alt.X("start:T", title=tr("Date")), x2="end:T",
        y=alt.Y("country:N", title=None, sort=order),
        color=alt.Color("status:N", title=tr("Status"),
                        scale=alt.Scale(domain=list(colours), range=list(colours.values()))),
        opacity=alt.condition("datum.checked", alt.value(1.0), alt.value(0.35)),
        tooltip=[alt.Tooltip("country:N", title=tr("country")),
                 alt.Tooltip("status:N", title=tr("status")),
                 alt.Tooltip("start_day:N", title=tr("from")),
                 alt.Tooltip("end_day:N", title=tr("until")),
                 alt.Tooltip("note:N", title=tr("note"))],
    )
    label = tr("as of {date}").format(date=long_date(as_of, lang))
    return cast(alt.LayerChart, (bars + _rule(as_of, label)).properties(
        height=alt.Step(22), width="container").configure(locale=vega_locale(lang)))


def weekly_counts(events: pd.DataFrame, tr: Translate = english, lang: str = "en") -> pd.DataFrame:
    """Events per week (weeks start on Monday) and category: the histogram's data, a few KB."""
    labels = {k: tr(v[0]) for k, v in EVENT_CATEGORIES.items()}
    week = (events["date"] - pd.to_timedelta(events["date"].dt.day_of_week, unit="D")).dt.normalize()
    counts = events.assign(week=week).groupby(["week", "category"]).size()
    out = counts.rename("events").reset_index()
    return out.assign(category_label=out["category"].map(labels),
                      week_of=_day_labels(out["week"], lang))


def category_key(events: pd.DataFrame, tr: Translate = english) -> tuple[list[str], list[str]]:
    """The labels and colours of the event categories `events` holds, in the vocabulary's
    order: a chart's colour key lists every category it draws, and only those."""
    drawn = set(events["category"])
    shown = [v for k, v in EVENT_CATEGORIES.items() if k in drawn]
    return [tr(label) for label, _ in shown], [colour for _, colour in shown]


# The chart as wide as the page and as tall as its plot, axes and key together: with a height
# in pixels Streamlit fits the whole chart in it, and a key below squeezed the plot to nothing.
FIT_WIDTH = alt.AutoSizeParams(type="fit-x", contains="padding")


def _utc_day(day: date) -> alt.DateTime:
    return alt.DateTime(year=day.year, month=day.month, date=day.day, utc=True)


def events_histogram(events: pd.DataFrame, tr: Translate = english, lang: str = "en",
                     window: tuple[date, date] | None = None,
                     brushed: DateWindow | None = None) -> alt.Chart:
    """Events per week, stacked by category, across the whole `window` (week or month ticks);
    dragging across it selects a period (brushed_period snaps it to whole days). A `brushed`
    period (from the link) is drawn as the brush. The key below lists every category drawn."""
    brush = alt.selection_interval(name=BRUSH, encodings=["x"]) if brushed is None else (
        alt.selection_interval(name=BRUSH, encodings=["x"], value={"x": (
            _utc_day(brushed.start), _utc_day(brushed.end + timedelta(days=1)))}))
    scale: alt.Scale | alt.utils.schemapi.UndefinedType = alt.Undefined
    axis = alt.Axis(labelAngle=0)
    if window is not None:
        start, end = pd.Timestamp(window[0]), pd.Timestamp(window[1]) + pd.Timedelta(days=1)
        scale = alt.Scale(domain=[start.isoformat(), end.isoformat()])
        weeks = (end - start).days / 7
        axis = alt.Axis(labelAngle=0, tickCount="week" if weeks <= 16 else "month",
                        format="%-d %b" if weeks <= 16 else "%b %Y")
    labels, colours = category_key(events, tr)
    # Below the bars, in columns: on the right, a key taller than the 160 px plot was cut.
    chart = alt.Chart(weekly_counts(events, tr, lang)).mark_bar().encode(
        x=alt.X("week:T", title=tr("Week"), scale=scale, axis=axis),
        y=alt.Y("sum(events):Q", title=tr("Events per week"),
                axis=alt.Axis(tickMinStep=1, format="d")),
        color=alt.Color("category_label:N", title=tr("Category"), sort=labels,
                        scale=alt.Scale(domain=labels, range=colours),
                        legend=alt.Legend(orient="bottom", columns=2, labelLimit=260,
                                          symbolLimit=0)),
        tooltip=[alt.Tooltip("week_of:N", title=tr("week of")),
                 alt.Tooltip("category_label:N", title=tr("category")),
                 alt.Tooltip("events:Q", title=tr("events"))],
    ).add_params(brush).properties(height=160, width="container", autosize=FIT_WIDTH)
    return cast(alt.Chart, chart.configure(locale=vega_locale(lang)))


def deaths_chart(data: pd.DataFrame, tr: Translate = english, lang: str = "en") -> alt.Chart:
    """The user's events per week (bars) and their fatalities per week (line): one x axis, an
    axis each. `data` is the weekly series (week, events, deaths: geo.imported.weekly_deaths,
    or the engine's counts_by('week'))."""
    data = data.assign(week_of=_day_labels(data["week"], lang))
    x = alt.X("week:T", title=tr("Week"))
    tips = [alt.Tooltip("week_of:N", title=tr("week of")),
            alt.Tooltip("events:Q", title=tr("events")),
            alt.Tooltip("deaths:Q", title=tr("fatalities"))]
    bars = alt.Chart(data).mark_bar(color="#BBBBBB").encode(
        x=x, y=alt.Y("events:Q", title=tr("Your events per week")), tooltip=tips)
    line = alt.Chart(data).mark_line(color=OKABE_ITO["vermillion"], point=True).encode(
        x=x, y=alt.Y("deaths:Q", title=tr("Fatalities per week"),
                     axis=alt.Axis(titleColor=OKABE_ITO["vermillion"])), tooltip=tips)
    chart = alt.layer(bars, line).resolve_scale(y="independent").properties(
        height=160, width="container")
    return cast(alt.Chart, chart.configure(locale=vega_locale(lang)))


def brushed_period(selection: Mapping[str, object], window: DateWindow) -> DateWindow | None:
    """The days a brush on the histogram covers, from Streamlit's selection state: each edge
    snapped to the nearest midnight (a brush's edges are instants, in the browser's time
    zone), the end day being the one before the end edge, and the period cut to `window`.
    None when nothing is brushed or nothing of it lies in the window."""
    brush = selection.get(BRUSH)
    if not isinstance(brush, Mapping) or not brush:
        return None
    values = next(iter(brush.values()))
    if not isinstance(values, (list, tuple)) or len(values) != 2:
        return None
    try:
        start, end = sorted(pd.Timestamp(v, unit="ms") if isinstance(v, (int, float))
                            else pd.Timestamp(v) for v in values)
    except (TypeError, ValueError):
        return None
    first = start.round("D").date()
    last = max(first, (end.round("D") - pd.Timedelta(days=1)).date())
    return within(DateWindow(first, last), window)


def in_period(events: pd.DataFrame, period: DateWindow | None) -> pd.DataFrame:
    """Events dated in `period` (both days included); all of them if None."""
    if period is None:
        return events
    day = events["date"].dt.normalize()
    return cast(pd.DataFrame, events[(day >= pd.Timestamp(period.start)) & (day <= pd.Timestamp(period.end))])


def selection_in_period(chosen: Selection, period: DateWindow | None) -> Selection:
    """The engine's selection narrowed to a brushed period, as in_period narrows a frame."""
    if period is None:
        return chosen
    return replace(chosen, start=max(chosen.start, period.start), end=min(chosen.end, period.end))


PICK = "pick"


def headline_spec(series: pd.DataFrame, labels: Mapping[str, str], tr: Translate = english,
                  lang: str = "en") -> dict[str, object]:
    """The Vega-Lite spec of the headline counts over time (one line per group, `labels` naming
    them); a click picks the nearest month (selection PICK, field `date`). It does not depend on
    the date, so a page builds it once per language and adds the as-of rule (`with_rule`)."""
    data = series.assign(label=series["group"].map(labels), day=_day_labels(series["date"], lang))
    pick = alt.selection_point(name=PICK, fields=["date"], nearest=True, on="click",
                               empty=False)
    palette = [OKABE_ITO[k] for k in ("vermillion", "orange", "black", "yellow", "purple",
                                      "sky_blue", "blue", "green")]
    lines = alt.Chart(data).mark_line(interpolate="step-after", strokeWidth=2).encode(
        x=alt.X("date:T", title=None, axis=alt.Axis(format="%b %Y", labelAngle=0)),
        y=alt.Y("count:Q", title=tr("Countries"), axis=alt.Axis(tickMinStep=1, format="d")),
        color=alt.Color("label:N", title=None, sort=list(labels.values()),
                        scale=alt.Scale(domain=list(labels.values()), range=palette),
                        legend=alt.Legend(orient="bottom", columns=2, labelLimit=260)),
        tooltip=[alt.Tooltip("day:N", title=tr("date")),
                 alt.Tooltip("label:N", title=tr("status")),
                 alt.Tooltip("count:Q", title=tr("Countries"))])
    points = alt.Chart(data).mark_point(opacity=0, size=200).encode(
        x="date:T", y="count:Q").add_params(pick)
    return cast(dict[str, object], (lines + points).properties(
        height=230, width="container").configure(locale=vega_locale(lang)).to_dict())


def with_rule(spec: Mapping[str, object], day: date, label: str) -> dict[str, object]:
    """A copy of a layered spec with a dashed rule and its label at `day`."""
    values = [{"date": f"{day:%Y-%m-%d}", "label": label}]
    x = {"field": "date", "type": "temporal"}
    rule = {"data": {"values": values}, "encoding": {"x": x},
            "mark": {"type": "rule", "color": "black", "strokeDash": [4, 3], "size": 1.5}}
    text = {"data": {"values": values},
            "encoding": {"x": x, "y": {"value": 0}, "text": {"field": "label", "type": "nominal"}},
            "mark": {"type": "text", "align": "left", "dx": 4, "dy": -6, "fontSize": 11}}
    layers = cast(list[object], spec["layer"])
    return {**spec, "layer": [*layers, rule, text]}


def picked_date(selection: Mapping[str, object]) -> date | None:
    """The month a click on the headline chart picked, if any."""
    picked = selection.get(PICK) if isinstance(selection, Mapping) else None
    if isinstance(picked, list) and picked and isinstance(picked[0], dict):
        value = picked[0].get("date")
        if isinstance(value, (int, float)):
            return pd.Timestamp(value, unit="ms").date()
        if isinstance(value, str):
            return pd.Timestamp(value).date()
    return None


def status_key(lanes: pd.DataFrame) -> pd.Series:
    """Each lane row's entry in the colour key: its status, or 'status (lane)' where the same
    words name differently coloured statuses of two lanes."""
    colours = lanes.groupby("status")["colour"].nunique()
    shared = lanes["status"].map(colours).fillna(1) > 1
    return lanes["status"].where(~shared, lanes["status"] + " (" + lanes["lane"] + ")")


def country_lanes(lanes: pd.DataFrame, coups: pd.DataFrame, events: pd.DataFrame, as_of: date,
                  last: date, tr: Translate = english, lang: str = "en") -> alt.LayerChart:
    """One country over time: a lane per status dimension (bars coloured as on the maps), a
    lane of coups (filled: successful, hollow: failed) and one of events, a rule at the as-of
    date, and a year on each tick, from 2020 to the last day of the data. Below it, a key of
    every colour and mark drawn: the statuses, the coups' outcomes, the events' categories.

    `lanes` has lane, status, start, end (NaT: still holding) and colour."""
    start, end = pd.Timestamp(COVERAGE_START), pd.Timestamp(last)
    x = alt.X("start:T", title=None, scale=alt.Scale(domain=[start.isoformat(), end.isoformat()]),
              axis=alt.Axis(format="%Y", tickCount="year", labelAngle=0, grid=True))
    coups_lane, events_lane = tr("Coups"), tr("Events")
    order = [*dict.fromkeys(lanes["lane"]), coups_lane, events_lane]
    y = alt.Y("lane:N", title=None, sort=order, axis=alt.Axis(labelLimit=220))

    def key(title: str) -> alt.Legend:  # side by side below the lanes, one column each
        return alt.Legend(title=title, orient="bottom", direction="vertical", labelLimit=360,
                          symbolLimit=0)

    keyed = lanes.assign(key=status_key(lanes))
    pairs = dict(zip(keyed["key"], keyed["colour"], strict=True))
    shown = keyed.assign(end=lanes["end"].fillna(end), start_day=_day_labels(lanes["start"], lang),
                         end_day=_day_labels(lanes["end"], lang))
    bars = alt.Chart(shown).mark_bar(height=14).encode(
        x=x, x2="end:T", y=y,
        color=alt.Color("key:N", sort=list(pairs), legend=key(tr("Status")),
                        scale=alt.Scale(domain=list(pairs), range=list(pairs.values()))),
        tooltip=[alt.Tooltip("lane:N", title=tr("dimension")),
                 alt.Tooltip("status:N", title=tr("status")),
                 alt.Tooltip("start_day:N", title=tr("from")),
                 alt.Tooltip("end_day:N", title=tr("until"))])
    ok, failed = tr("Successful"), tr("Failed or foiled")
    outcome = [ok, failed]
    # One legend for shape, stroke and fill (same title and domain): the marks as drawn.
    coup_marks = alt.Chart(coups.assign(
        lane=coups_lane, start=coups["date"], day=_day_labels(coups["date"], lang),
        outcome_label=coups["outcome"].map({"successful": ok, "failed": failed}))).mark_point(
        size=120, strokeWidth=2, filled=False).encode(
        x=x, y=y, shape=alt.Shape("outcome_label:N", title=coups_lane, legend=key(coups_lane),
                                  scale=alt.Scale(domain=outcome, range=["circle", "triangle-up"])),
        color=alt.Color("outcome_label:N", title=coups_lane, legend=key(coups_lane),
                        scale=alt.Scale(domain=outcome, range=[OKABE_ITO["vermillion"]] * 2)),
        fill=alt.Fill("outcome_label:N", title=coups_lane, legend=key(coups_lane),
                      scale=alt.Scale(domain=outcome,
                                      range=[OKABE_ITO["vermillion"], "transparent"])),
        tooltip=[alt.Tooltip("day:N", title=tr("date")),
                 alt.Tooltip("outcome_label:N", title=tr("outcome"))])
    labels = {k: tr(v[0]) for k, v in EVENT_CATEGORIES.items()}
    drawn, colours = category_key(events, tr)
    event_marks = alt.Chart(events.assign(
        lane=events_lane, start=events["date"], day=_day_labels(events["date"], lang),
        category_label=events["category"].map(labels))
    ).mark_tick(thickness=2, size=16).encode(
        x=x, y=y, color=alt.Color("category_label:N", sort=drawn, legend=key(events_lane),
                                  scale=alt.Scale(domain=drawn, range=colours)),
        tooltip=[alt.Tooltip("day:N", title=tr("date")),
                 alt.Tooltip("category_label:N", title=tr("category")),
                 alt.Tooltip("title:N", title=tr("title"))])
    label = tr("as of {date}").format(date=long_date(as_of, lang))
    chart = alt.layer(bars, coup_marks, event_marks, _rule(as_of, label)).resolve_scale(
        color="independent", shape="independent", fill="independent")
    return cast(alt.LayerChart, chart.properties(height=alt.Step(24), width="container")
                .configure(locale=vega_locale(lang)))
