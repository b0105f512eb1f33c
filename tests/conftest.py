"""Shared fixtures: a small data folder written by the test, and Streamlit cache hygiene."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Tests (and the servers they start) keep sets in a throwaway store, never in var/ or in a
# database named by the environment.
os.environ["COUPBELT_DB"] = str(Path(tempfile.mkdtemp(prefix="coupbelt-tests-")) / "store.sqlite")

# Three square "countries" side by side along the equator-ish band, 2 degrees wide each.
SQUARES = {"MLI": (-4.0, 12.0), "NER": (-2.0, 12.0), "GHA": (0.0, 12.0)}

COUPS = """id,date,iso3,outcome,ousted,installed,summary,sources
mli-2020-08-18,2020-08-18,MLI,successful,Keita,Goita,Soldiers seized power.,https://example.org/mli1
mli-2021-05-24,2021-05-24,MLI,successful,Ndaw,Goita,Second takeover.,https://example.org/mli2
ner-2021-03-31,2021-03-31,NER,failed,,,Attempt repelled.,https://example.org/ner1
ner-2023-07-26,2023-07-26,NER,successful,Bazoum,Tiani,Guard seized power.,https://example.org/ner2
"""
STATUS = """iso3,dimension,value,start,end,sources,note
MLI,regime,civilian,2020-01-01,2020-08-18,https://example.org/s1,
MLI,regime,military,2020-08-18,,https://example.org/s2,
NER,regime,civilian,2020-01-01,2023-07-26,https://example.org/s3,
NER,regime,military,2023-07-26,,https://example.org/s4,
GHA,regime,civilian,2020-01-01,,https://example.org/s5,
NER,ecowas,member,2020-01-01,2023-12-10,https://example.org/e1,
NER,ecowas,suspended,2023-12-10,2025-01-29,https://example.org/e2,
NER,ecowas,withdrawn,2025-01-29,,https://example.org/e3,
GHA,ecowas,member,2020-01-01,,https://example.org/e4,
NER,ecowas_sanctions,economic,2023-07-30,2024-02-24,https://example.org/e5,
NER,forces_france,present,2020-01-01,2023-12-22,https://example.org/f1,present before 2020
NER,forces_russia,africa_corps,2024-04-10,,https://example.org/f2,
"""
EVENTS = """id,date,lat,lon,iso3,place,category,title,summary,sources
ev-summit,2023-07-30,12.5,-1.0,NER,Niamey,ecowas,Summit in Niamey,Leaders met.,https://example.org/v1
ev-protest,2023-09-02,12.5,-1.0,NER,Niamey,protest,Protest at the base,Crowds gathered.,https://example.org/v2
ev-accra,2023-08-17,12.5,1.0,GHA,Accra,ecowas_force,Ghana pledges troops,Pledge made.,https://example.org/v3
ev-old,2021-01-10,12.5,-3.0,MLI,Bamako,diplomacy,Old event,Long ago.,https://example.org/v4
"""
UN_VOTES = """resolution,date,title,iso3,vote,sources,note
ES-11/1,2022-03-02,Aggression against Ukraine,MLI,abstain,https://example.org/u1,
ES-11/1,2022-03-02,Aggression against Ukraine,NER,yes,https://example.org/u1,
ES-11/1,2022-03-02,Aggression against Ukraine,GHA,yes,https://example.org/u1,
ES-11/6,2023-02-23,Peace in Ukraine,MLI,no,https://example.org/u2,
ES-11/6,2023-02-23,Peace in Ukraine,NER,yes,https://example.org/u2,
ES-11/6,2023-02-23,Peace in Ukraine,GHA,yes,https://example.org/u2,
"""
PLACES = """iso3,name,kind,lat,lon,population,sources
NER,Capital of NER,capital,13.0,-1.0,1300000,https://example.org/p1
MLI,Capital of MLI,capital,13.0,-3.0,4200000,https://example.org/p2
GHA,Capital of GHA,capital,13.0,1.0,1900000,https://example.org/p3
GHA,City of GHA,city,12.5,0.5,500000,https://example.org/p4
"""


def square(x: float, y: float, size: float = 2.0) -> dict[str, object]:
    ring = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
    return {"type": "Polygon", "coordinates": [ring]}


def write_data(folder: Path, **overrides: str) -> Path:
    """Write a complete small data folder; `overrides` replace a file's text by name."""
    folder.mkdir(parents=True, exist_ok=True)
    borders = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"iso3": iso3, "name": f"Land {iso3}",
                                           "name_fr": f"Pays {iso3}", "region": "west_africa"},
         "geometry": square(x, y)} for iso3, (x, y) in SQUARES.items()]}
    files = {
        "borders.geojson": json.dumps(borders),
        "coups.csv": COUPS,
        "status.csv": STATUS,
        "events.csv": EVENTS,
        "un_votes.csv": UN_VOTES,
        "places.csv": PLACES,
        "SOURCES.md": "# Sources\n\nCuration date: 2025-06-30\n",
    }
    files.update({k.replace("__", "."): v for k, v in overrides.items()})
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return write_data(tmp_path / "data")


@pytest.fixture(autouse=True)
def _clear_streamlit_caches() -> None:
    # AppTest keeps Streamlit's caches between tests in one process.
    import streamlit as st

    from app.data import _load

    st.cache_data.clear()
    _load.clear()  # the facts (st.cache_resource)


PAGES = ["pages/situation_map.py", "pages/coups.py", "pages/alignments.py", "pages/events.py",
         "pages/sources.py", "pages/country.py"]


def open_page(page: str = PAGES[0], params: dict[str, str] | None = None):
    """An AppTest of the dashboard opened with a link's parameters, switched to `page`."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    if page != PAGES[0]:
        at.switch_page(page).run()
    return at


def map_args(component) -> dict:
    """What st_folium sends for a map: its arguments, with `layers` = the base map's script and
    the swapped feature groups together (what the browser draws) and `legend` = the legend's
    title and sections as sent."""
    import re

    args = json.loads(component.proto.json_args)
    args["layers"] = args["script"] + "\n" + (args.get("feature_group") or "")
    args["events"] = drawn_events(component, args["layers"])
    # the countries as painted (coupbelt.paint): iso3, name, status, detail, all, fill, outlined
    painted = re.findall(r"coupbelt\.paint\(\w+, (.*)\);$", args["layers"], re.M)
    calls = [json.loads("[" + found + "]") for found in painted]
    args["countries"] = calls[-1][0] or [] if calls else []
    args["country_labels"] = calls[-1][1] if calls else None
    args["follow"] = calls[-1][2] if calls and len(calls[-1]) > 2 else None  # the timeline named
    # the events drawn, as if their text had come with the layers
    args["layers"] += "".join("\n" + json.dumps(rows) for rows, _count in args["events"] if rows)
    found = re.search(r"coupbelt\.legend\(\w+, (\".*?\"), (\[.*?\]), \"legend\"\)",
                      args["layers"], re.S)
    args["legend"] = (json.loads(found.group(1)), json.loads(found.group(2))) if found else None
    return args


def event_sets(root) -> dict[str, dict]:
    """The data the page holds for its maps (app/bridge.py's carriers), as sent: ID -> data."""
    out = {}
    for element in root.get("bidi_component"):
        for key, text in (json.loads(element.proto.json or "{}").get("sets") or {}).items():
            out[key] = json.loads(text)
    return out


def mask_bits(mask: str):
    """The bits of an events layer's mask (geo.layers.events_in_set), one an event, as the
    browser reads them (padded to whole bytes)."""
    import base64

    import numpy as np

    return np.unpackbits(np.frombuffer(base64.b64decode(mask), dtype="u1"),
                         bitorder="little").astype(bool)


def drawn_events(component, layers: str) -> list[tuple[list | None, int]]:
    """Each events layer of a map as the browser draws it (coupbelt.events): the marker rows of
    the events shown (None when they are drawn as counts per cell) and how many are shown. A
    layer names its dataset by ID (the page sends it beside the map, in a hidden script) or holds
    it."""
    import re

    import numpy as np

    sets = event_sets(component.root)
    out: list[tuple[list | None, int]] = []
    for found in re.finditer(r"coupbelt\.events\(\w+, (.*)\);$", layers, re.M):
        ref, shown = json.loads("[" + found.group(1) + "]")
        data = sets[ref] if isinstance(ref, str) else ref
        picked = (mask_bits(shown["mask"])[:data["count"]] if shown
                  else np.ones(data["count"], dtype=bool))
        rows = (shown or {}).get("rows") or (
            [r for r, keep in zip(data["rows"], picked, strict=True) if keep]
            if "rows" in data else None)
        count = int(picked.sum())
        out.append((rows if count <= data["limit"] else None, count))
    return out


def legend_labels(args: dict) -> list[str]:
    """The title, headings and entries of a map's legend."""
    if not args["legend"]:
        return []
    title, sections = args["legend"]
    return [title] + [text for heading, entries in sections
                      for text in [heading, *(e[2] for e in entries)]]


def fact_tables(at) -> list:
    """The tables of facts on an AppTest's page (HTML, one row per fact), as data frames: each
    cell's text, `sources` as the list of its links (or text where a source is not a link), and
    `country_link` the link a country cell opens."""
    from html.parser import HTMLParser

    import pandas as pd

    class Table(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.headers: list[str] = []
            self.rows: list[list] = []
            self.links: list[list] = []
            self.cell: list[str] | None = None
            self.hrefs: list[str] = []
            self.in_head = False

        def handle_starttag(self, tag, attrs):
            if tag in ("th", "td"):
                self.cell, self.hrefs = [], []
                self.in_head = tag == "th"
            elif tag == "tr" and not self.in_head:
                self.rows.append([])
                self.links.append([])
            elif tag == "a" and self.cell is not None:
                self.hrefs.append(dict(attrs)["href"])

        def handle_data(self, data):
            if self.cell is not None:
                self.cell.append(data)

        def handle_endtag(self, tag):
            if tag == "th":
                self.headers.append("".join(self.cell or []))
                self.cell = None
            elif tag == "td":
                self.rows[-1].append("".join(self.cell or []))
                self.links[-1].append(list(self.hrefs))
                self.cell = None

    out = []
    for element in at.get("html"):
        body = element.proto.body
        if 'class="fact-table"' not in body:
            continue
        parsed = Table()
        parsed.feed(body)
        rows = [r for r in parsed.rows if r]
        links = [lk for lk, r in zip(parsed.links, parsed.rows, strict=True) if r]
        frame = pd.DataFrame(rows, columns=parsed.headers)
        if "sources" in frame.columns:
            at_ = parsed.headers.index("sources")
            frame["sources"] = [lk[at_] or (r[at_].split() if r[at_] else [])
                                for lk, r in zip(links, rows, strict=True)]
        if "country" in frame.columns:
            at_ = parsed.headers.index("country")
            frame["country_link"] = [lk[at_][0] if lk[at_] else None for lk in links]
        out.append(frame)
    return out


# PostgreSQL for the store tests: COUPBELT_TEST_PG (scripts/test.sh starts a throwaway cluster
# and sets it), else a cluster this test run starts itself when PostgreSQL is installed. Without
# either the PostgreSQL tests skip, except under CI (CI=true), where they fail.
@pytest.fixture(scope="session")
def pg_server():
    import os
    import shutil
    import tempfile

    import pgcluster

    url = os.environ.get("COUPBELT_TEST_PG")
    if url:
        yield url
        return
    why = None
    if pgcluster.bin_dir() is None:
        why = "PostgreSQL is not installed (apt-get install postgresql postgis)"
    elif not pgcluster.postgis_available():
        why = "PostGIS is not installed (apt-get install postgis)"
    if why:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"{why}; under CI the PostgreSQL store tests must run")
        pytest.skip(why)
    folder = Path(tempfile.mkdtemp(prefix="coupbelt-pg-"))  # handed to the postgres user as root
    try:
        yield pgcluster.start(folder)
    finally:
        pgcluster.stop(folder)
        shutil.rmtree(folder, ignore_errors=True)


TEMPLATE = "coupbelt_test_postgis"  # PostGIS installed once: CREATE EXTENSION takes seconds


def _new_database(server: str, template: str | None) -> str:
    import secrets

    import sqlalchemy as sa

    from geo.store import database_url

    admin = sa.create_engine(database_url(server), isolation_level="AUTOCOMMIT",
                             poolclass=sa.pool.NullPool)  # closing it ends the session and its lock
    name = f"coupbelt_test_{secrets.token_hex(6)}"
    with admin.connect() as conn:
        # The test files may run in two processes (pytest-xdist): one makes the template at a time.
        conn.execute(sa.text("SELECT pg_advisory_lock(7301)"))
        if template and not conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                         {"n": template}).scalar():
            conn.execute(sa.text(f'CREATE DATABASE "{template}"'))
            maker = sa.create_engine(database_url(server).set(database=template),
                                     poolclass=sa.pool.NullPool)  # no connection left on it
            with maker.begin() as t:
                t.execute(sa.text("CREATE EXTENSION IF NOT EXISTS postgis"))
            maker.dispose()
        conn.execute(sa.text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
        conn.execute(sa.text("SELECT pg_advisory_unlock(7301)"))
    admin.dispose()
    return name


def _drop_database(server: str, name: str) -> None:
    import sqlalchemy as sa

    from geo.store import database_url

    admin = sa.create_engine(database_url(server), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def pg_database(pg_server):
    """A fresh database with PostGIS and no tables on the test cluster (dropped afterwards)."""
    from geo.store import database_url

    name = _new_database(pg_server, TEMPLATE)
    try:
        yield database_url(pg_server).set(database=name).render_as_string(hide_password=False)
    finally:
        _drop_database(pg_server, name)


@pytest.fixture
def pg_empty_database(pg_server):
    """A fresh database with nothing in it, not even PostGIS (the first migration adds it)."""
    from geo.store import database_url

    name = _new_database(pg_server, None)
    try:
        yield database_url(pg_server).set(database=name).render_as_string(hide_password=False)
    finally:
        _drop_database(pg_server, name)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    """A new, empty store's URL on each backend."""
    if request.param == "sqlite":
        return str(tmp_path / "store" / "coupbelt.sqlite")
    return request.getfixturevalue("pg_database")


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_store_url(request, tmp_path):
    """A database with nothing in it yet, on each backend."""
    if request.param == "sqlite":
        return str(tmp_path / "store" / "coupbelt.sqlite")
    return request.getfixturevalue("pg_empty_database")
