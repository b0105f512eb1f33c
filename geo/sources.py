"""Live data: pull ACLED and UCDP GED events from their APIs (no Streamlit).

ACLED (since 30 July 2025): OAuth 2 password grant at POST {ACLED_API_URL}/oauth/token
(client_id acled) gives a Bearer access token (24 h) and a refresh token (14 days); events
from GET /api/acled/read (filters iso, event_date + event_date_where=BETWEEN, timestamp,
fields; `limit` rows a page, `page` from 1 until a short page), deletions from GET
/api/deleted/read (deleted_timestamp). Every value ACLED sends is a string.
UCDP GED: GET {UCDP_API_URL}/api/gedevents/<version>?pagesize=&page=0 (Country as
Gleditsch-Ward codes, StartDate, EndDate), the token in the x-ucdp-access-token header,
following NextPageUrl until it is empty.

Secrets (ACLED_USERNAME or ACLED_EMAIL, ACLED_PASSWORD, UCDP_TOKEN, from the environment or
Streamlit's secrets.toml) stay in memory: they travel in a POST body or a header only, never in
a URL, and every message this module writes is redacted of them. A failure is a SourceError:
one line naming what failed (the endpoint, the page), never the full address.

    python -m geo.sources acled --start 2024-01-01 [--end ...] [--country Mali ...] --keep NAME
    python -m geo.sources ucdp --version 25.1 [--start ...] [--end ...] [--country ...] --keep NAME
    python -m geo.sources status          # which credentials are configured (never their values)
    python -m geo.sources history NAME    # the pulls of a kept set
"""

from __future__ import annotations

import argparse
import email.utils
import json
import logging
import math
import os
import re
import sys
import time
import tomllib
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from geo.access import DEFAULT_VISIBILITY, LOCAL, VISIBILITIES, Viewer
from geo.facts import DataError, load_borders
from geo.ingest import ISO_NUMERIC, IngestReport, country_codes, ingest, mapping_for
from geo.pulls import (
    Pull,
    PullRecord,
    available,
    first_pull,
    history,
    merge,
    pulled_set,
    write_pull,
)
from geo.store import Store, StoreError

LOG = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parent.parent
ACLED_DEFAULT_URL = "https://acleddata.com"
UCDP_DEFAULT_URL = "https://ucdpapi.pcr.uu.se"
ACLED_LIMIT = 5000  # ACLED's largest page
UCDP_PAGE_SIZE = 1000
TIMEOUT_S = 60
MAX_WAITS = 5  # 429 answers in a row before giving up
MAX_WAIT_S = 600.0  # the longest Retry-After honoured
DEFAULT_WAIT_S = 30.0  # a 429 without Retry-After
MAX_PAGES = 10_000  # a source that never says done is a broken source
# The fields a pull asks ACLED for: those geo.ingest reads, and `timestamp` (the change cursor).
ACLED_FIELDS = ("event_id_cnty", "event_date", "time_precision", "event_type", "sub_event_type",
                "actor1", "actor2", "iso", "country", "admin1", "location", "latitude",
                "longitude", "geo_precision", "source", "notes", "fatalities", "timestamp")
# Gleditsch-Ward codes (UCDP's country ids) of the map's countries.
GW_CODES = {"CPV": 402, "GNB": 404, "GNQ": 411, "GMB": 420, "MLI": 432, "SEN": 433, "BEN": 434,
            "MRT": 435, "NER": 436, "CIV": 437, "GIN": 438, "BFA": 439, "LBR": 450, "SLE": 451,
            "GHA": 452, "TGO": 461, "CMR": 471, "NGA": 475, "GAB": 481, "CAF": 482, "TCD": 483,
            "MAR": 600, "DZA": 615, "LBY": 620, "SDN": 625}
SOURCES = ("acled", "ucdp")
OPERATOR = Viewer(LOCAL, admin=True)  # the command line: this machine's operator


class SourceError(RuntimeError):
    """A pull that cannot go on. `kind` names the condition for a translated message:
    config, credentials, revoked, forbidden, network, server, rate, json, refused, conflict."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


# Credentials ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Credentials:
    """What this machine holds to reach the sources, and where each came from. The values never
    appear in repr() or str(); `configured()` is what a page may show."""

    acled_username: str | None = field(default=None, repr=False)
    acled_password: str | None = field(default=None, repr=False)
    ucdp_token: str | None = field(default=None, repr=False)
    origins: tuple[tuple[str, str], ...] = ()  # (source, "environment" | "secrets.toml")

    def configured(self) -> dict[str, str | None]:
        """source -> where its credentials come from, None when there are none."""
        found = dict(self.origins)
        return {s: found.get(s) for s in SOURCES}

    def secrets(self) -> tuple[str, ...]:
        """The values to scrub from any text this module writes."""
        return tuple(v for v in (self.acled_password, self.ucdp_token, self.acled_username) if v)


def _secrets_file(paths: Sequence[Path]) -> dict[str, Any]:
    """The first readable secrets.toml among `paths`, as read by tomllib ({} when none; a
    broken file is logged by name, never its content)."""
    for path in paths:
        try:
            with path.open("rb") as handle:
                return tomllib.load(handle)
        except FileNotFoundError:
            continue
        except (OSError, tomllib.TOMLDecodeError) as exc:
            LOG.warning("%s cannot be read (%s); its secrets are ignored", path.name,
                        type(exc).__name__)
    return {}


def secrets_files() -> tuple[Path, ...]:
    """Where Streamlit looks for secrets.toml: the working folder's .streamlit, then the
    user's."""
    return (Path.cwd() / ".streamlit" / "secrets.toml",
            Path.home() / ".streamlit" / "secrets.toml")


def credentials(env: Mapping[str, str] | None = None,
                files: Sequence[Path] | None = None) -> Credentials:
    """Credentials from the environment (ACLED_USERNAME or ACLED_EMAIL, ACLED_PASSWORD,
    UCDP_TOKEN), else from Streamlit's secrets.toml: the same names at the top level, or
    [acled] username/email/password and [ucdp] token."""
    env = os.environ if env is None else env
    toml = _secrets_file(secrets_files() if files is None else files)

    def section(name: str) -> Mapping[str, Any]:
        value = toml.get(name, {})
        return value if isinstance(value, Mapping) else {}

    def text(value: object) -> str | None:
        return value.strip() if isinstance(value, str) and value.strip() else None

    origins = []
    user = text(env.get("ACLED_USERNAME")) or text(env.get("ACLED_EMAIL"))
    password = text(env.get("ACLED_PASSWORD"))
    if user and password:
        origins.append(("acled", "environment"))
    else:
        acled = section("acled")
        user = (text(toml.get("ACLED_USERNAME")) or text(toml.get("ACLED_EMAIL"))
                or text(acled.get("username")) or text(acled.get("email")))
        password = text(toml.get("ACLED_PASSWORD")) or text(acled.get("password"))
        if user and password:
            origins.append(("acled", "secrets.toml"))
        else:
            user = password = None
    token = text(env.get("UCDP_TOKEN"))
    if token:
        origins.append(("ucdp", "environment"))
    else:
        token = text(toml.get("UCDP_TOKEN")) or text(section("ucdp").get("token"))
        if token:
            origins.append(("ucdp", "secrets.toml"))
    return Credentials(user, password, token, tuple(origins))


def redact(text: str, secrets: Sequence[str]) -> str:
    """`text` with every secret (as written, or URL-encoded) replaced by ***."""
    for secret in sorted(secrets, key=len, reverse=True):
        if len(secret) < 3:
            continue
        for form in {secret, urllib.parse.quote(secret, safe=""), urllib.parse.quote_plus(secret)}:
            text = text.replace(form, "***")
    return text


def base_url(env_name: str, default: str, env: Mapping[str, str] | None = None) -> str:
    """A source's base address from the environment, checked: http(s), no user or password in
    it (the message does not repeat the address, which may hold them)."""
    env = os.environ if env is None else env
    text = (env.get(env_name) or default).strip().rstrip("/")
    parts = urllib.parse.urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SourceError("config", f"{env_name} must be an http(s) address")
    if parts.username or parts.password or parts.query or parts.fragment:
        raise SourceError("config", f"{env_name} must be a plain address: no user, password, "
                                    "query or fragment")
    return text


# HTTP -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Response:
    status: int
    headers: Mapping[str, str]
    body: bytes


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects are refused: a token or password must not follow one to another host."""

    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any,
                         newurl: str) -> None:
        return None


Sleep = Callable[[float], None]


def retry_after(value: str | None, now: datetime | None = None) -> float:
    """Seconds to wait from a Retry-After header (seconds, or an HTTP date), within
    0..MAX_WAIT_S; DEFAULT_WAIT_S when absent or unreadable."""
    if not value:
        return DEFAULT_WAIT_S
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return DEFAULT_WAIT_S
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    return min(max(seconds, 0.0), MAX_WAIT_S)


class Http:
    """One source's HTTP: no redirects, a timeout, 429 answered by waiting Retry-After (at most
    MAX_WAITS times in a row), 5xx and network failures as SourceError. `what` names the
    request in messages (an endpoint and page, never the URL)."""

    def __init__(self, secrets: Sequence[str] = (), sleep: Sleep = time.sleep,
                 timeout: float = TIMEOUT_S) -> None:
        self.secrets = tuple(secrets)
        self.sleep = sleep
        self.timeout = timeout
        self.opener = urllib.request.build_opener(_NoRedirect())
        self.received = 0  # bytes of response bodies

    def fail(self, kind: str, message: str) -> SourceError:
        return SourceError(kind, redact(message, self.secrets))

    def send(self, method: str, url: str, what: str, headers: Mapping[str, str] | None = None,
             form: Mapping[str, str] | None = None) -> Response:
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        request_headers = {"Accept": "application/json", "User-Agent": "coupbelt-dashboard",
                           **(headers or {})}
        if data is not None:
            request_headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in range(MAX_WAITS + 1):
            request = urllib.request.Request(url, data=data, method=method,
                                             headers=request_headers)
            try:
                with self.opener.open(request, timeout=self.timeout) as answer:
                    response = Response(answer.status, dict(answer.headers.items()), answer.read())
            except urllib.error.HTTPError as exc:
                response = Response(exc.code, dict(exc.headers.items()) if exc.headers else {},
                                    exc.read() or b"")
            except (urllib.error.URLError, TimeoutError, OSError) as exc:
                reason = getattr(exc, "reason", None) or type(exc).__name__
                raise self.fail("network", f"{what}: the server could not be reached "
                                           f"({reason})") from None
            self.received += len(response.body)
            if response.status == 429:
                if attempt == MAX_WAITS:
                    break
                wait = retry_after(response.headers.get("Retry-After"))
                LOG.info("%s: rate limited, waiting %.0f s", what, wait)
                self.sleep(wait)
                continue
            if response.status >= 500:
                raise self.fail("server", f"{what}: the server answered {response.status}")
            if 300 <= response.status < 400:
                raise self.fail("server", f"{what}: the server redirected "
                                          f"({response.status}); check the address")
            return response
        raise self.fail("rate", f"{what}: still rate limited after {MAX_WAITS} waits")

    def json(self, response: Response, what: str) -> dict[str, Any]:
        try:
            data = json.loads(response.body)
        except (ValueError, UnicodeDecodeError):
            raise self.fail("json", f"{what}: the answer is not valid JSON") from None
        if not isinstance(data, dict):
            raise self.fail("json", f"{what}: the answer is not a JSON object")
        return data


def _query(params: Sequence[tuple[str, str]]) -> str:
    """A query string; ACLED's separators (| and :) stay as written."""
    return "&".join(f"{urllib.parse.quote(k, safe='')}={urllib.parse.quote(v, safe='|:,')}"
                    for k, v in params)


def _rows_of(data: Mapping[str, Any], key: str, what: str, http: Http) -> list[dict[str, Any]]:
    rows = data.get(key)
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise http.fail("json", f"{what}: the answer has no list of rows ({key})")
    return rows


# ACLED ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AcledQuery:
    """What an ACLED pull asks for: dates (inclusive), ISO numeric codes, and rows changed since
    a Unix time (`since`, ACLED's timestamp filter) when the pull is incremental."""

    start: date
    end: date | None = None
    iso: tuple[str, ...] = ()
    since: int | None = None

    def params(self) -> list[tuple[str, str]]:
        end = self.end or date.today()
        out = [("event_date", f"{self.start:%Y-%m-%d}|{end:%Y-%m-%d}"),
               ("event_date_where", "BETWEEN"), ("fields", "|".join(ACLED_FIELDS))]
        if self.since is not None:
            out.append(("timestamp", str(self.since)))
        return out

    def countries(self) -> str:
        """ACLED's OR of several values of one filter: iso=466:OR:iso=562."""
        return ":OR:".join(f"iso={code}" for code in self.iso)


class Acled:
    """An ACLED account's session: logs in on first use, renews an expired access token with
    the refresh token (or the password when that has expired too), reads pages until a short
    one."""

    def __init__(self, base: str, username: str, password: str, http: Http) -> None:
        self.base = base
        self._username = username
        self._password = password
        self.http = http
        self._access: str | None = None
        self._refresh: str | None = None

    def _grant(self, form: Mapping[str, str], what: str) -> bool:
        """Ask for tokens; True when granted, False when the server says no (400/401/403)."""
        response = self.http.send("POST", f"{self.base}/oauth/token", what,
                                  form={**form, "client_id": "acled"})
        if response.status in (400, 401, 403):
            return False
        if response.status != 200:
            raise self.http.fail("refused", f"{what}: ACLED answered {response.status}")
        data = self.http.json(response, what)
        access = data.get("access_token")
        if not isinstance(access, str) or not access:
            raise self.http.fail("json", f"{what}: the answer has no access token")
        refresh = data.get("refresh_token")
        self._access, self._refresh = access, refresh if isinstance(refresh, str) else None
        self.http.secrets += tuple(t for t in (access, self._refresh) if t)
        return True

    def login(self) -> None:
        if not self._grant({"grant_type": "password", "username": self._username,
                            "password": self._password, "scope": "authenticated"},
                           "ACLED sign-in"):
            raise self.http.fail("credentials", "ACLED sign-in: the username or password was "
                                                "refused (check ACLED_USERNAME and ACLED_PASSWORD)")

    def renew(self) -> None:
        """A new access token: from the refresh token, else by signing in again; revoked
        credentials when neither works."""
        LOG.info("ACLED: access token expired, renewing it")
        if self._refresh and self._grant({"grant_type": "refresh_token",
                                          "refresh_token": self._refresh}, "ACLED token renewal"):
            return
        if not self._grant({"grant_type": "password", "username": self._username,
                            "password": self._password, "scope": "authenticated"},
                           "ACLED token renewal"):
            raise self.http.fail("revoked", "ACLED token renewal: the account's credentials "
                                            "are no longer accepted (revoked or changed)")

    def get(self, path: str, query: str, what: str) -> dict[str, Any]:
        """One GET with the Bearer token, renewed once on 401."""
        if self._access is None:
            self.login()
        for attempt in range(2):
            response = self.http.send("GET", f"{self.base}{path}?{query}", what,
                                      headers={"Authorization": f"Bearer {self._access}"})
            if response.status == 401 and attempt == 0:
                self.renew()
                continue
            if response.status == 401:
                raise self.http.fail("revoked", f"{what}: ACLED refused a fresh token "
                                                "(access revoked)")
            if response.status == 403:
                raise self.http.fail("forbidden", f"{what}: this ACLED account may not read it")
            if response.status != 200:
                raise self.http.fail("refused", f"{what}: ACLED answered {response.status}")
            data = self.http.json(response, what)
            if data.get("success") is False:
                raise self.http.fail("refused", f"{what}: ACLED refused the query"
                                                f"{_acled_error(data)}")
            return data
        raise AssertionError("unreachable")

    def _pages(self, path: str, params: list[tuple[str, str]], extra: str, what: str,
               progress: PageProgress | None) -> Iterator[list[dict[str, Any]]]:
        rows_read = 0
        for page in range(1, MAX_PAGES + 1):
            query = _query([*params, ("limit", str(ACLED_LIMIT)), ("page", str(page))])
            label = f"{what} page {page}"
            rows = _rows_of(self.get(path, f"{query}&{extra}" if extra else query, label),
                            "data", label, self.http)
            rows_read += len(rows)
            LOG.info("%s: %d rows", label, len(rows))
            if progress is not None:
                progress(rows_read, page, None)
            yield rows
            if len(rows) < ACLED_LIMIT:
                return
        raise self.http.fail("server", f"{what}: more than {MAX_PAGES} pages; narrow the query")

    def events(self, query: AcledQuery, progress: PageProgress | None = None
               ) -> Iterator[list[dict[str, Any]]]:
        """The events of the query, a page at a time."""
        return self._pages("/api/acled/read", query.params(), query.countries(), "ACLED events",
                           progress)

    def deleted(self, since: int) -> list[str]:
        """The ids of the events ACLED deleted since a Unix time."""
        ids = []
        for rows in self._pages("/api/deleted/read", [("deleted_timestamp", str(since))], "",
                                "ACLED deletions", None):
            ids += [str(r.get("event_id_cnty", "")).strip() for r in rows]
        return [i for i in ids if i]


def _acled_error(data: Mapping[str, Any]) -> str:
    """ACLED's own words about a refused query, shortened (they never hold our secrets, and
    are redacted anyway)."""
    error = data.get("error")
    if isinstance(error, list) and error and isinstance(error[0], dict):
        error = error[0].get("message")
    return f": {str(error)[:160]}" if isinstance(error, str) and error else ""


# UCDP -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UcdpQuery:
    version: str
    start: date | None = None
    end: date | None = None
    gw: tuple[int, ...] = ()

    def params(self) -> list[tuple[str, str]]:
        out = [("pagesize", str(UCDP_PAGE_SIZE)), ("page", "0")]
        if self.gw:
            out.append(("Country", ",".join(str(c) for c in self.gw)))
        if self.start is not None:
            out.append(("StartDate", f"{self.start:%Y-%m-%d}"))
        if self.end is not None:
            out.append(("EndDate", f"{self.end:%Y-%m-%d}"))
        return out


PageProgress = Callable[[int, int, int | None], None]  # rows read, pages read, pages in all


def ucdp_events(base: str, token: str, query: UcdpQuery, http: Http,
                progress: PageProgress | None = None) -> Iterator[list[dict[str, Any]]]:
    """UCDP GED events of a version, a page at a time, following NextPageUrl. The next page's
    path and query are taken from it, but always asked of `base`: the token goes to no other
    host."""
    if not all(ch.isalnum() or ch in "._-" for ch in query.version) or not query.version:
        raise SourceError("config", "a UCDP version is written like 25.1 or 25.0.10")
    url = f"{base}/api/gedevents/{urllib.parse.quote(query.version)}?{_query(query.params())}"
    origin = urllib.parse.urlsplit(base)
    seen: set[str] = set()
    rows_read = 0
    for page in range(1, MAX_PAGES + 1):
        what = f"UCDP GED {query.version} page {page}"
        response = http.send("GET", url, what, headers={"x-ucdp-access-token": token})
        if response.status in (401, 403):
            raise http.fail("revoked", f"{what}: UCDP refused the token (revoked or wrong: "
                                       "check UCDP_TOKEN)")
        if response.status == 404:
            raise http.fail("refused", f"{what}: UCDP has no version {query.version}")
        if response.status != 200:
            raise http.fail("refused", f"{what}: UCDP answered {response.status}")
        data = http.json(response, what)
        rows = _rows_of(data, "Result", what, http)
        rows_read += len(rows)
        total = data.get("TotalPages")
        LOG.info("%s: %d rows", what, len(rows))
        if progress is not None:
            progress(rows_read, page, total if isinstance(total, int) else None)
        yield rows
        following = data.get("NextPageUrl")
        if not isinstance(following, str) or not following.strip():
            return
        parts = urllib.parse.urlsplit(following.strip())
        url = urllib.parse.urlunsplit((origin.scheme, origin.netloc, parts.path, parts.query, ""))
        if url in seen:
            raise http.fail("server", f"{what}: NextPageUrl repeats a page already read")
        seen.add(url)
    raise http.fail("server", f"UCDP GED {query.version}: more than {MAX_PAGES} pages")


# Rows into loaded events ------------------------------------------------------------------


def rows_frame(rows: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """API rows as a frame of text cells (as read from a file), indexed by the row's position
    in the pull from 1 (`line`): None is empty, numbers are written as JSON writes them."""
    def cell(value: object) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):  # NaN: no key
            return ""
        if isinstance(value, str):
            return value
        if isinstance(value, bool):
            return "1" if value else "0"
        if isinstance(value, (int, float)):
            return json.dumps(value)
        return json.dumps(value, ensure_ascii=False)

    frame = pd.DataFrame(list(rows), dtype=object) if rows else pd.DataFrame()
    for column in frame.columns:  # ACLED's columns are all text already: left as they are
        if pd.api.types.infer_dtype(frame[column], skipna=False) != "string":
            frame[column] = [cell(v) for v in frame[column]]
    frame.index = pd.RangeIndex(1, len(frame) + 1, name="line")
    return frame


def events_of(fmt: str, rows: Sequence[Mapping[str, Any]], borders: gpd.GeoDataFrame,
              name: str, last: date | None = None) -> IngestReport:
    """Pulled rows validated as geo.ingest validates an ACLED or UCDP file: every row loaded
    or rejected with its reasons (`row` is its position in the pull)."""
    frame = rows_frame(rows)
    return ingest(frame, mapping_for(fmt, list(frame.columns)), borders, name, fmt, last=last)


def country_filter(names: Sequence[str], borders: gpd.GeoDataFrame) -> tuple[str, ...]:
    """ISO3 codes of the countries named (English or French name, ISO3 or ISO numeric);
    SourceError naming the first unknown one."""
    codes = country_codes(borders)
    out = []
    for name in names:
        code = codes.get(name.strip().lower())
        if code is None:
            raise SourceError("config", f"country {name[:60]!r} is not one of the map's countries")
        out.append(code)
    return tuple(dict.fromkeys(out))


ISO3_NUMERIC = {iso3: numeric for numeric, iso3 in ISO_NUMERIC.items()}


# A pull -----------------------------------------------------------------------------------

DELETED_MARGIN_S = 86_400  # deletions are asked for since a day before the last pull


def _iso(day: date | None) -> str | None:
    return None if day is None else f"{day:%Y-%m-%d}"


def _acled_rows(creds: Credentials, http: Http, params: Mapping[str, Any], last: Pull | None,
                env: Mapping[str, str] | None, progress: PageProgress | None
                ) -> tuple[list[dict[str, Any]], list[str], str | None]:
    """ACLED's rows for a pull (changed since the last one, if any), the ids it deleted since
    then, and the new change cursor."""
    if not (creds.acled_username and creds.acled_password):
        raise SourceError("credentials", "no ACLED account: set ACLED_USERNAME (or ACLED_EMAIL) "
                                         "and ACLED_PASSWORD, or put them in secrets.toml")
    client = Acled(base_url("ACLED_API_URL", ACLED_DEFAULT_URL, env), creds.acled_username,
                   creds.acled_password, http)
    since = int(last.cursor) if last is not None and last.cursor else None
    query = AcledQuery(date.fromisoformat(params["start"]),
                       date.fromisoformat(params["end"]) if params["end"] else None,
                       tuple(ISO3_NUMERIC[c] for c in params["countries"]), since)
    rows = [row for page in client.events(query, progress) for row in page]
    deleted = (client.deleted(int(last.at.timestamp()) - DELETED_MARGIN_S)
               if last is not None else [])
    stamps = [int(s) for s in (str(r.get("timestamp", "")).strip() for r in rows) if s.isdigit()]
    cursor = str(max(stamps)) if stamps else (last.cursor if last is not None else None)
    return rows, deleted, cursor


def pull(store: Store, source: str, name: str, borders: gpd.GeoDataFrame, *,
         start: date | None = None, end: date | None = None, countries: Sequence[str] = (),
         version: str | None = None, creds: Credentials | None = None,
         viewer: Viewer = OPERATOR, visibility: str = DEFAULT_VISIBILITY,
         env: Mapping[str, str] | None = None, sleep: Sleep | None = None,
         progress: PageProgress | None = None) -> tuple[Pull, IngestReport]:
    """Pull from a source into the kept set `name`: all the rows asked for the first time, then
    what changed since (ACLED's timestamp and deletions; a UCDP version, compared whole). Every
    pulled row is loaded or rejected as geo.ingest does for files. Returns the pull recorded and
    the report of the rows received. SourceError or StoreError when it fails; then nothing of
    the pull is kept."""
    if source not in SOURCES:
        raise SourceError("config", f"the source is one of {', '.join(SOURCES)}")
    if end is not None and start is not None and end < start:
        raise SourceError("config", f"the end {end} is before the start {start}")
    creds = credentials(env) if creds is None else creds
    iso3 = country_filter(countries, borders)
    params: dict[str, Any] = {"start": _iso(start), "end": _iso(end), "countries": list(iso3)}
    found = pulled_set(store, name, viewer)
    set_id, last = found if found is not None else (None, None)
    if set_id is not None and last is None:
        raise SourceError("config", f"the kept set {name[:60]!r} was imported from a file, not "
                                    "pulled; pull into another name")
    if last is not None and (last.source != source or last.params != params):
        asked = ", ".join(f"{k} {v}" for k, v in last.params.items() if v) or "everything"
        raise SourceError("config", f"{name[:60]!r} was pulled from {last.source.upper()} for "
                                    f"{asked}; pull into another name to ask for other rows")
    http = Http(creds.secrets(), sleep or time.sleep)
    deleted: list[str] = []
    if source == "acled":
        if start is None:
            raise SourceError("config", "an ACLED pull needs a start date")
        rows, deleted, cursor = _acled_rows(creds, http, params, last, env, progress)
        label, fmt = "ACLED API", "acled"
    else:
        if not version:
            raise SourceError("config", "a UCDP pull needs a GED version (such as 25.1)")
        if not creds.ucdp_token:
            raise SourceError("credentials", "no UCDP token: set UCDP_TOKEN, or put it in "
                                             "secrets.toml")
        query = UcdpQuery(version, start, end, tuple(GW_CODES[c] for c in iso3 if c in GW_CODES))
        rows = [row for page in ucdp_events(base_url("UCDP_API_URL", UCDP_DEFAULT_URL, env),
                                            creds.ucdp_token, query, http, progress)
                for row in page]
        cursor, label, fmt = None, f"UCDP GED {version} API", "ucdp"
    if not rows and last is None:
        raise SourceError("empty", f"{source.upper()} returned no events for these dates and "
                                   "countries; nothing was kept")
    report = events_of(fmt, rows, borders, clean_label(name))
    if set_id is None:
        merged = first_pull(report)
    else:
        kept = store.load_set(set_id)
        if kept is None:
            raise SourceError("conflict", f"the kept set {name[:60]!r} went away during the pull")
        merged = merge(kept[0], kept[1].rejected, report, deleted,
                       **ucdp_replaces(version, report) if source == "ucdp" else {})
    record = PullRecord(source, fmt, label, version, cursor, params, http.received, report.notes)
    return write_pull(store, name, set_id, last, merged, record, viewer, visibility), report


CANDIDATE = re.compile(r"^\d+\.0\.\d+$")  # a monthly candidate release: 25.0.1, 25.0.10


def ucdp_replaces(version: str | None, report: IngestReport) -> dict[str, Any]:
    """How a UCDP version applies to a set. A yearly version (25.1) is complete: what it lacks
    goes, up to its newest event's day (events after it came from a later candidate release
    and stay). A candidate release (25.0.1) covers recent months only: it adds and changes,
    and deletes nothing. (The candidates' coverage is as UCDP describes it; not checked
    against the live API.)"""
    if version is None or CANDIDATE.match(version):
        return {}
    dates = report.loaded["date"] if "date" in report.loaded.columns else pd.Series([])
    newest = pd.to_datetime(dates).max() if len(dates) else None
    return {"replace_all": True, "replace_until": None if pd.isna(newest) else newest}


# CAST forecasts -----------------------------------------------------------------------------

CAST_FIELDS = ("country", "admin1", "month", "year", "total_forecast", "battles_forecast",
               "erv_forecast", "vac_forecast", "timestamp")
CAST_COLUMNS = ["iso3", "admin1", "year", "month", "total", "battles", "erv", "vac", "issued"]
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


def _forecast(value: object) -> float:
    try:
        number = float(str(value).strip())
    except ValueError:
        return math.nan
    return number if math.isfinite(number) and number >= 0 else math.nan


def cast_forecasts(month: date, borders: gpd.GeoDataFrame, countries: Sequence[str] = (),
                   creds: Credentials | None = None, env: Mapping[str, str] | None = None,
                   sleep: Sleep | None = None) -> pd.DataFrame:
    """ACLED CAST's forecasts of events for the month of `month`, per admin1 of the map's
    countries (`countries`: names or codes, all when empty): iso3, admin1, year, month (1-12),
    total, battles, erv (explosions/remote violence), vac (violence against civilians), issued
    (ACLED's timestamp of the row, a Unix time or empty). GET /api/cast/read with year and month
    (the English month name), a page at a time. An account that may not read CAST (ACLED
    answers 403) is a SourceError("forbidden") saying so; rows of other countries are left
    out."""
    creds = credentials(env) if creds is None else creds
    if not (creds.acled_username and creds.acled_password):
        raise SourceError("credentials", "no ACLED account: set ACLED_USERNAME (or ACLED_EMAIL) "
                                         "and ACLED_PASSWORD, or put them in secrets.toml")
    wanted = set(country_filter(countries, borders)) if countries else set(borders["iso3"])
    codes = country_codes(borders)
    http = Http(creds.secrets(), sleep or time.sleep)
    client = Acled(base_url("ACLED_API_URL", ACLED_DEFAULT_URL, env), creds.acled_username,
                   creds.acled_password, http)
    params = [("year", str(month.year)), ("month", MONTHS[month.month - 1]),
              ("fields", "|".join(CAST_FIELDS))]
    rows: list[dict[str, Any]] = []
    try:
        for page in client._pages("/api/cast/read", params, "", "ACLED CAST forecasts", None):
            rows += page
    except SourceError as exc:
        if exc.kind != "forbidden":
            raise
        raise SourceError("forbidden", "ACLED CAST forecasts: this ACLED account may not read "
                                       "CAST (ACLED grants it to some account types); events "
                                       "pulls are not affected") from None
    out = []
    for row in rows:
        iso3 = codes.get(str(row.get("country", "")).strip().lower())
        month_name = str(row.get("month", "")).strip().capitalize()
        if iso3 not in wanted or month_name not in MONTHS:
            continue
        stamp = str(row.get("timestamp", "")).strip()
        out.append({"iso3": iso3, "admin1": str(row.get("admin1", "")).strip(),
                    "year": int(str(row.get("year", month.year)).strip() or month.year),
                    "month": MONTHS.index(month_name) + 1,
                    "total": _forecast(row.get("total_forecast")),
                    "battles": _forecast(row.get("battles_forecast")),
                    "erv": _forecast(row.get("erv_forecast")),
                    "vac": _forecast(row.get("vac_forecast")),
                    "issued": stamp if stamp.isdigit() else ""})
    frame = pd.DataFrame(out, columns=CAST_COLUMNS)
    return frame.drop_duplicates(["iso3", "admin1", "year", "month"]).reset_index(drop=True)


def clean_label(name: str) -> str:
    """A set's name as the prefix of the ids ingest gives rows without one."""
    return "".join(ch if ch.isalnum() else "-" for ch in name)[:40] or "pull"


# Command line -----------------------------------------------------------------------------

EXIT_OK, EXIT_FAILED, EXIT_CRASH = 0, 2, 3


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date YYYY-MM-DD") from None


def main(argv: list[str] | None = None) -> int:
    """Pull, or say which credentials are configured, or list a set's pulls. Exit status 0
    done, 2 the pull failed (the set is unchanged) or bad arguments, 3 an internal error."""
    parser = argparse.ArgumentParser(description="Pull ACLED or UCDP events into a kept set.")
    parser.add_argument("--db", help="database URL or SQLite path (default: COUPBELT_DB)")
    parser.add_argument("--data", type=Path, default=ROOT / "data",
                        help="the data folder (the map's borders)")
    commands = parser.add_subparsers(dest="command", required=True)
    for source in SOURCES:
        sub = commands.add_parser(source, help=f"pull {source.upper()} events")
        if source == "ucdp":
            sub.add_argument("--version", required=True, help="GED version, e.g. 25.1")
        sub.add_argument("--start", type=_day, required=source == "acled")
        sub.add_argument("--end", type=_day)
        sub.add_argument("--country", action="append", default=[],
                         help="a country's name or ISO3 code (repeat for several)")
        sub.add_argument("--keep", required=True, metavar="NAME", help="the kept set's name")
        sub.add_argument("--visibility", choices=VISIBILITIES, default=DEFAULT_VISIBILITY)
    commands.add_parser("status", help="which credentials are configured (never their values)")
    sub = commands.add_parser("history", help="the pulls of a kept set")
    sub.add_argument("name")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    creds = credentials()
    try:
        if args.command == "status":
            for source, origin in creds.configured().items():
                print(f"{source}: {'configured (' + origin + ')' if origin else 'not configured'}")
            return EXIT_OK
        store = Store.open(args.db)
        viewer = OPERATOR
        if args.command == "history":
            found = pulled_set(store, args.name, viewer)
            done_all = history(store, found[0]) if found else []
            for done in done_all:
                print(json.dumps({"pull": done.seq, "at": done.at.isoformat(),
                                  "source": done.source, "version": done.version,
                                  "cursor": done.cursor, "added": done.added,
                                  "changed": done.changed, "deleted": done.deleted,
                                  "loaded": done.loaded, "rejected": done.rejected,
                                  # the set as it was after this pull can be opened
                                  "can_open": available(done_all, done.seq)}))
            return EXIT_OK if found else EXIT_FAILED
        done, report = pull(store, args.command, args.keep, load_borders(args.data / "borders.geojson"),
                            start=args.start, end=args.end, countries=args.country,
                            version=getattr(args, "version", None), creds=creds, viewer=viewer,
                            visibility=args.visibility)
    except SourceError as exc:
        print(f"error: {exc} (nothing was kept)", file=sys.stderr)
        return EXIT_FAILED
    except (StoreError, DataError, OSError) as exc:
        print(f"error: {redact(str(exc), creds.secrets())}", file=sys.stderr)
        return EXIT_FAILED
    except Exception as exc:  # a bug: one line, redacted, and its own status
        print(f"internal error ({type(exc).__name__}): {redact(str(exc), creds.secrets())}",
              file=sys.stderr)
        return EXIT_CRASH
    received = len(report.loaded) + len(report.rejected)
    print(f"{args.keep}: {args.command.upper()} pull {done.seq}: {received:,} rows received, "
          f"{len(report.loaded):,} loaded and {len(report.rejected):,} rejected; "
          f"{done.added:,} added, {done.changed:,} changed, {done.deleted:,} deleted. The set "
          f"holds {done.loaded:,} events ({done.rejected:,} rejected rows); id {done.set_id}.")
    for row in report.rejected.head(5).itertuples():
        print(f"  row {row.row}: {row.reasons}")
    store.close()
    return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
