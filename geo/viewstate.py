"""The view a link describes: as-of date, event window, categories, countries, and page choices.

`parse_view` turns URL query parameters into a ViewState, falling back to the default for any
bad value and saying so; `view_query` turns a ViewState back into the parameters of a link.
Both are pure, so they are table-tested without Streamlit.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import parse_qsl

from geo.escape import inert
from geo.i18n import LANGS, N_, Translate, long_date, translator
from geo.imported import UploadFilter
from geo.metrics import METRICS
from geo.store import is_id
from geo.timeline import DateWindow, within
from geo.vocabulary import COVERAGE_START, EVENT_CATEGORIES

LAYERS = ("choropleth", "events", "forces", "upload", "basemap", "flares")
DEFAULT_LAYERS = frozenset(LAYERS) - {"flares"}  # flares: computed on demand (geo.flares)
DEFAULT_METRIC = "regime"
DEFAULT_DIMENSION = "ecowas"


@dataclass(frozen=True)
class ViewState:
    as_of: date
    window: DateWindow
    metric: str = DEFAULT_METRIC
    layers: frozenset[str] = DEFAULT_LAYERS
    categories: tuple[str, ...] = tuple(EVENT_CATEGORIES)
    countries: tuple[str, ...] = ()  # ISO3 codes; empty means every country
    dimension: str = DEFAULT_DIMENSION  # the alignments page's choice
    lang: str = "en"
    viewport: tuple[float, float, float] | None = None  # lat, lon, zoom once the reader moved
    compare: date | None = None  # a second date whose differences the situation page shows
    upload: UploadFilter = field(default_factory=UploadFilter)  # the user's imported events
    dataset: str | None = None  # the ID of a kept event set shown as the reader's events
    version: int | None = None  # a pulled set's version (its pull number); None: the latest


def parse_viewport(text: str) -> tuple[float, float, float] | None:
    """LAT,LON,ZOOM of a map view (the browser writes it after the reader moves the map), or
    None when the text is not one: latitude -90..90, longitude -180..180, zoom 1..19."""
    parts = text.split(",")
    if len(parts) != 3:
        return None
    try:
        lat, lon, zoom = (float(p) for p in parts)
    except ValueError:
        return None
    ok = -90 <= lat <= 90 and -180 <= lon <= 180 and 1 <= zoom <= 19
    return (lat, lon, zoom) if ok else None


LIST_SEP = "|"  # between event types or actors in a link (their names may hold commas)
MAX_NAMES, MAX_NAME = 100, 200  # a link names at most this many, each at most this long
MAX_DEATHS = 1_000_000
MAX_VERSION = 1_000_000  # a pulled set's versions are its pulls, numbered from 1


def _free_names(text: str, what: str, warnings: list[str], tr: Translate) -> tuple[str, ...]:
    """Names from the user's own file (types, actors): any text, within limits. They are
    matched against the file once it is imported (uploads are not in a link)."""
    names = list(dict.fromkeys(n.strip() for n in text.split(LIST_SEP) if n.strip()))
    kept = [n for n in names if len(n) <= MAX_NAME][:MAX_NAMES]
    if len(kept) < len(names):
        warnings.append(tr("The link names too many {what} or too long ones; the first {count} "
                           "of at most {length} characters are kept.").format(
            what=tr(what), count=MAX_NAMES, length=MAX_NAME))
    return tuple(kept)


def parse_upload_filter(params: Mapping[str, str], warnings: list[str],
                        tr: Translate) -> UploadFilter:
    """utype=A|B, actor=A|B, minfat=N and prec=exact: what the link keeps of imported events."""
    kinds = _free_names(params.get("utype", ""), N_("event types"), warnings, tr)
    actors = _free_names(params.get("actor", ""), N_("actors"), warnings, tr)
    min_deaths = 0
    if "minfat" in params:
        text = params["minfat"].strip()
        if text.isdigit() and int(text) <= MAX_DEATHS:
            min_deaths = int(text)
        else:
            warnings.append(tr("The minimum of fatalities {value} in the link is not a whole "
                               "number from 0 to {most}; showing every event.").format(
                value=inert(params["minfat"]), most=f"{MAX_DEATHS:,}"))
    precise = False
    if "prec" in params:
        precise = params["prec"] == "exact"
        if not precise and params["prec"] != "all":
            warnings.append(tr("Unknown precision {value} in the link (known: exact, all); "
                               "showing every event.").format(value=inert(params["prec"])))
    return UploadFilter(kinds, actors, min_deaths, precise)


def upload_query(keep: UploadFilter) -> dict[str, str]:
    """The link parameters of an upload filter (none for the default)."""
    query = {}
    if keep.kinds:
        query["utype"] = LIST_SEP.join(keep.kinds)
    if keep.actors:
        query["actor"] = LIST_SEP.join(keep.actors)
    if keep.min_deaths:
        query["minfat"] = str(keep.min_deaths)
    if keep.precise_only:
        query["prec"] = "exact"
    return query


def default_view(curated: date) -> ViewState:
    """The view with no parameters: the curation date and the 90 days up to it."""
    return ViewState(as_of=curated, window=DateWindow.ending(curated))


def _day(text: str, last: date) -> date | None:
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        return None
    return day if COVERAGE_START <= day <= last else None


def _names(text: str, allowed: tuple[str, ...], what: str,
           warnings: list[str], tr: Translate) -> tuple[str, ...]:
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in allowed]
    if unknown:
        warnings.append(tr(what).format(unknown=inert(", ".join(unknown)), known=", ".join(allowed)))
    return tuple(n for n in allowed if n in names)


def parse_view(params: Mapping[str, str], curated: date, countries: Collection[str] = (),
               dimensions: Collection[str] = ()) -> tuple[ViewState, list[str]]:
    """The view described by URL parameters, and a warning for each value that was not usable.

    `countries` are the ISO3 codes a link may name; `dimensions` the alignments page's choices.
    """
    warnings: list[str] = []
    lang = params.get("lang", "en")
    tr = translator(lang)
    if lang not in LANGS:
        warnings.append(tr("Unknown language {lang} in the link; known: {known}.").format(
            lang=inert(lang), known=", ".join(LANGS)))
        lang = "en"
    bounds = tr("between {start} and {end}").format(start=f"{COVERAGE_START:%Y-%m-%d}",
                                                    end=f"{curated:%Y-%m-%d}")
    as_of = curated
    if "date" in params:
        day = _day(params["date"], curated)
        if day is None:
            warnings.append(tr("The date {value} in the link is not a date {bounds} (YYYY-MM-DD); "
                               "showing {default}.").format(value=inert(params["date"]),
                                                             bounds=bounds,
                                                             default=f"{curated:%Y-%m-%d}"))
        else:
            as_of = day
    window = DateWindow.ending(as_of)
    if "from" in params or "to" in params:
        start = _day(params.get("from", ""), curated) if "from" in params else window.start
        end = _day(params.get("to", ""), curated) if "to" in params else window.end
        if start is None or end is None or end < start:
            warnings.append(tr("The event window from={start} to={end} is not a range of dates "
                               "{bounds}; showing the 90 days up to {day}.").format(
                start=inert(params.get("from", "")), end=inert(params.get("to", "")),
                bounds=bounds, day=f"{as_of:%Y-%m-%d}"))
        else:
            window = DateWindow(start, end)
    metric = params.get("metric", DEFAULT_METRIC)
    if metric not in METRICS:
        warnings.append(tr("Unknown map metric {metric} in the link; showing {default}. "
                           "Known: {known}.").format(metric=inert(metric),
                                                     default=tr(METRICS[DEFAULT_METRIC].title),
                                                     known=", ".join(METRICS)))
        metric = DEFAULT_METRIC
    layers = DEFAULT_LAYERS
    if "layers" in params:
        layers = frozenset(_names(params["layers"], LAYERS, N_(
            "Unknown map layer(s) in the link ignored: {unknown} (known: {known})."), warnings, tr))
    categories = tuple(EVENT_CATEGORIES)
    if "cat" in params:
        categories = _names(params["cat"], tuple(EVENT_CATEGORIES), N_(
            "Unknown event categories in the link ignored: {unknown} (known: {known})."),
            warnings, tr)
    chosen: tuple[str, ...] = ()
    if "iso3" in params:
        chosen = _names(params["iso3"].upper(), tuple(sorted(countries)), N_(
            "Unknown country codes in the link ignored: {unknown} (known: {known})."), warnings, tr)
    dimension = params.get("dim", DEFAULT_DIMENSION)
    if dimension not in dimensions and dimension != DEFAULT_DIMENSION:
        warnings.append(tr("Unknown alignment {value} in the link; showing {default}.").format(
            value=inert(dimension), default=DEFAULT_DIMENSION))
        dimension = DEFAULT_DIMENSION
    viewport = None
    if "view" in params:
        viewport = parse_viewport(params["view"])
        if viewport is None:
            warnings.append(tr("The map view {value} in the link is not LAT,LON,ZOOM (for "
                               "example 13.5,2.1,6); showing the whole region.").format(
                value=inert(params["view"])))
    compare = None
    if "compare" in params:
        compare = _day(params["compare"], curated)
        if compare is None:
            warnings.append(tr("The comparison date {value} in the link is not a date {bounds} "
                               "(YYYY-MM-DD); nothing is compared.").format(
                value=inert(params["compare"]), bounds=bounds))
    upload = parse_upload_filter(params, warnings, tr)
    dataset = None
    if "dataset" in params:
        if is_id(params["dataset"]):
            dataset = params["dataset"]
        else:
            warnings.append(tr("The kept set {value} in the link is not the ID of a kept set; "
                               "showing no kept set.").format(value=inert(params["dataset"])))
    version = parse_version(params, dataset, warnings, tr)
    return ViewState(as_of, window, metric, layers, categories, chosen, dimension, lang,
                     viewport, compare, upload, dataset, version), warnings


def parse_version(params: Mapping[str, str], dataset: str | None, warnings: list[str],
                  tr: Translate) -> int | None:
    """version=N: the kept set's version a link pins (its pull N), or None for the latest."""
    if "version" not in params:
        return None
    text = params["version"].strip()
    if not (text.isascii() and text.isdigit() and 1 <= int(text) <= MAX_VERSION):
        warnings.append(tr("The version {value} in the link is not the number of a pull (1, "
                           "2, 3…); showing the kept set's latest version.").format(
            value=inert(params["version"])))
        return None
    if dataset is None:
        warnings.append(tr("The link names version {value} but no kept set (dataset=…); "
                           "the version is ignored.").format(value=inert(text)))
        return None
    return int(text)


def saved_view_id(params: Mapping[str, str]) -> tuple[str | None, list[str]]:
    """The ID of the saved view a link names (`v=ID`), or None, and a warning when `v` is not
    shaped like one. The view's query itself is in the store."""
    if "v" not in params:
        return None, []
    if is_id(params["v"]):
        return params["v"], []
    tr = translator(params.get("lang", "en"))
    return None, [tr("The saved view {value} in the link is not the ID of a saved view; "
                     "showing the link's other settings.").format(value=inert(params["v"]))]


BRUSH_PARAM = "brush"  # the period brushed on the Events page's histogram: FIRST,LAST


def brush_query(period: DateWindow | None) -> dict[str, str]:
    """The link parameter of a brushed period ('brush=2023-08-07,2023-08-20'; none if None)."""
    if period is None:
        return {}
    return {BRUSH_PARAM: f"{period.start.isoformat()},{period.end.isoformat()}"}


def parse_brush(text: str, window: DateWindow, lang: str = "en"
                ) -> tuple[DateWindow | None, list[str]]:
    """The brushed period a link gives (FIRST,LAST, two days YYYY-MM-DD), cut to the event
    `window`, and a message when the text is not such a period or none of it is in the window
    (then the whole window is shown)."""
    tr = translator(lang)
    parts = [p.strip() for p in text.split(",")]
    try:
        first, last = (date.fromisoformat(p) for p in parts) if len(parts) == 2 else (None, None)
    except ValueError:
        first, last = None, None
    if first is None or last is None or last < first:
        return None, [tr("The brushed period {value} in the link is not two days FIRST,LAST "
                         "(YYYY-MM-DD,YYYY-MM-DD, the first not after the last); showing every "
                         "event of the window.").format(value=inert(text))]
    period = within(DateWindow(first, last), window)
    if period is None:
        return None, [tr("The brushed period {start} – {end} in the link lies outside the event "
                         "window, {first} – {last}; showing every event of the window.").format(
            start=long_date(first, lang), end=long_date(last, lang),
            first=long_date(window.start, lang), last=long_date(window.end, lang))]
    return period, []


def query_params(query: str) -> dict[str, str]:
    """A saved view's query string as link parameters (the last of a repeated name wins)."""
    return {k: v for k, v in parse_qsl(query.lstrip("?"), keep_blank_values=True) if k != "v"}


def view_query(view: ViewState) -> dict[str, str]:
    """The link parameters of a view: the date always, anything else only when not the default."""
    query = {"date": view.as_of.isoformat()}
    if view.window != DateWindow.ending(view.as_of):
        query["from"], query["to"] = view.window.start.isoformat(), view.window.end.isoformat()
    if view.metric != DEFAULT_METRIC:
        query["metric"] = view.metric
    if view.layers != DEFAULT_LAYERS:
        query["layers"] = ",".join(n for n in LAYERS if n in view.layers)
    if view.categories != tuple(EVENT_CATEGORIES):
        query["cat"] = ",".join(view.categories)
    if view.countries:
        query["iso3"] = ",".join(view.countries)
    if view.dimension != DEFAULT_DIMENSION:
        query["dim"] = view.dimension
    if view.lang != "en":
        query["lang"] = view.lang
    if view.compare is not None:
        query["compare"] = view.compare.isoformat()
    query.update(upload_query(view.upload))
    if view.viewport is not None:
        query["view"] = ",".join(f"{v:g}" for v in view.viewport)
    if view.dataset is not None:
        query["dataset"] = view.dataset
        if view.version is not None:
            query["version"] = str(view.version)
    return query
