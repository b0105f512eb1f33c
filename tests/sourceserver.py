"""A stand-in for ACLED's and UCDP's APIs: serves tests/recordings over HTTP on 127.0.0.1, with
the faults a test asks for (an expired token, 429, a 500 or bad JSON on a page, revoked
credentials), and records every request it got."""

from __future__ import annotations

import json
import threading
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from geo import sources

RECORDINGS = Path(__file__).resolve().parent / "recordings"
USER, PASSWORD, UCDP_TOKEN = "analyst@example.org", "pw-S3cret!&=x", "ucdp-T0ken-9f8e7d"


@dataclass
class Seen:
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: str


@dataclass
class Script:
    """What the server does: faults keyed by (endpoint, page), and the account's state."""

    revoked: bool = False
    revoke_on_page: int | None = None  # the account is revoked when this events page is asked
    expire_on_page: int | None = None  # the access token expires when this events page is asked
    throttle_page: int | None = None  # one 429 (Retry-After) on this page
    throttle_always: bool = False  # ... or every time
    retry_after: str = "7"
    fail_page: int | None = None  # 500 on this events page
    malformed_page: int | None = None
    empty: bool = False  # ACLED finds nothing
    hold_page: int | None = None  # this UCDP page is answered once `release` is set
    release: threading.Event = field(default_factory=threading.Event)
    cast_forbidden: bool = False  # the account may not read CAST (403)
    issued: int = 0
    access: str | None = None
    refresh: str | None = None
    throttled: bool = False
    seen: list[Seen] = field(default_factory=list)

    def grant(self) -> bytes:
        self.issued += 1
        self.access = f"acc-{self.issued}-Zq81"
        self.refresh = f"ref-{self.issued}-Wy73"
        text = (RECORDINGS / "acled" / "token.json").read_text()
        return text.replace("{access}", self.access).replace("{refresh}", self.refresh).encode()


class Handler(BaseHTTPRequestHandler):
    server: Server

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def _file(self, name: str) -> bytes:
        return (RECORDINGS / name).read_bytes()

    def _record(self, body: str = "") -> tuple[str, dict[str, list[str]]]:
        parts = urllib.parse.urlsplit(self.path)
        self.server.script.seen.append(Seen(self.command, parts.path, parts.query,
                                            {k.lower(): v for k, v in self.headers.items()}, body))
        return parts.path, urllib.parse.parse_qs(parts.query)

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        path, _ = self._record(body)
        script = self.server.script
        form = {k: v[0] for k, v in urllib.parse.parse_qs(body).items()}
        if path != "/oauth/token" or form.get("client_id") != "acled":
            return self._send(404, b"{}")
        ok = not script.revoked and (
            (form.get("grant_type") == "password" and form.get("username") == USER
             and form.get("password") == PASSWORD)
            or (form.get("grant_type") == "refresh_token" and script.refresh is not None
                and form.get("refresh_token") == script.refresh))
        if not ok:
            return self._send(400, self._file("acled/invalid_grant.json"))
        return self._send(200, script.grant())

    def do_GET(self) -> None:
        path, query = self._record()
        script = self.server.script
        page = int(query.get("page", ["1"])[0])
        if page == script.revoke_on_page and path == "/api/acled/read":
            script.revoked = True
        if path.startswith("/api/gedevents/"):
            return self._ucdp(path.rsplit("/", 1)[1], page)
        if self.headers.get("Authorization") != f"Bearer {script.access}" or script.revoked:
            return self._send(401, self._file("acled/unauthorized.json"))
        if path == "/api/deleted/read":
            name = "acled/deleted_page1.json" if page == 1 else "acled/changed_page3.json"
            return self._send(200, self._file(name))
        if path == "/api/cast/read":
            if script.cast_forbidden:
                return self._send(403, self._file("acled/cast_forbidden.json"))
            name = f"acled/cast_page{page}.json"
            return self._send(200, self._file(name if (RECORDINGS / name).exists()
                                              else "acled/changed_page3.json"))
        if path != "/api/acled/read":
            return self._send(404, b"{}")
        if page == script.expire_on_page:
            script.expire_on_page = None
            script.access = None  # expired: the next request with it gets 401
            return self._send(401, self._file("acled/unauthorized.json"))
        if page == script.throttle_page and (script.throttle_always or not script.throttled):
            script.throttled = True
            return self._send(429, b'{"message": "Too many requests"}',
                              {"Retry-After": script.retry_after})
        if page == script.fail_page:
            return self._send(500, b"<html>Internal Server Error</html>")
        if page == script.malformed_page:
            return self._send(200, self._file("acled/malformed.txt"))
        if script.empty:
            return self._send(200, self._file("acled/changed_page3.json"))
        kind = "changed" if "timestamp" in query else "events"
        name = f"acled/{kind}_page{page}.json"
        if not (RECORDINGS / name).exists():
            name = "acled/changed_page3.json"
        return self._send(200, self._file(name))

    def _ucdp(self, version: str, page: int) -> None:
        script = self.server.script
        if script.revoked or self.headers.get("x-ucdp-access-token") != UCDP_TOKEN:
            return self._send(401, b'{"message": "Invalid or missing access token"}')
        if page + 1 == script.fail_page:
            return self._send(503, b"Service Unavailable")
        if page == script.hold_page and not script.release.wait(60):  # a pull in progress
            return self._send(503, b"Service Unavailable")
        name = RECORDINGS / "ucdp" / f"{version}_page{page}.json"
        if not name.exists():
            return self._send(404, json.dumps({"message": "no such version"}).encode())
        return self._send(200, name.read_bytes())


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.script = Script()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


def start() -> tuple[Server, threading.Thread]:
    server = Server()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread


def serving(monkeypatch, tmp_path):
    """The body of a test file's `api` fixture: a server, the environment pointing at it."""
    server, thread = start()
    monkeypatch.setattr(sources, "ACLED_LIMIT", 2)  # the recordings' pages hold two rows
    monkeypatch.setenv("ACLED_API_URL", server.url)
    monkeypatch.setenv("UCDP_API_URL", server.url)
    monkeypatch.setenv("ACLED_USERNAME", USER)
    monkeypatch.setenv("ACLED_PASSWORD", PASSWORD)
    monkeypatch.setenv("UCDP_TOKEN", UCDP_TOKEN)
    monkeypatch.setenv("COUPBELT_DB", str(tmp_path / "store.sqlite"))
    monkeypatch.setenv("HOME", str(tmp_path))  # no secrets.toml of this machine's user
    monkeypatch.chdir(tmp_path)
    yield server
    server.shutdown()
    server.server_close()
    thread.join(5)
