"""Real browser, sign-in with a local OpenID Connect provider (oidc-provider-mock) started by the
test: two people signed in on two servers sharing one PostgreSQL store. B
cannot list, open, rename or delete A's private set; B opens A's link-shared set read-only; a
team set shows for both and only A deletes it; it comes back from the bin; the log names who
did what. And a personal dashboard (no sign-in configured) listens on 127.0.0.1 only."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from urllib.parse import parse_qs, quote, urlparse

import httpx
import pytest
from conftest import ROOT
from test_browser import (  # noqa: F401 (browser: a fixture)
    block_the_internet,
    browser,
    free_port,
    healthy,
    link,
    wait_until,
)
from test_store_browser import ROWS, serve

pytestmark = pytest.mark.browser

ALICE, BOB = "alice@example.org", "bob@example.org"
SECRETS = """[auth]
redirect_uri = "http://localhost:{{port}}/oauth2callback"
cookie_secret = "a-test-cookie-secret-that-is-long-enough-0123456789"
client_id = "coupbelt-test"
client_secret = "coupbelt-test-secret"
server_metadata_url = "{issuer}/.well-known/openid-configuration"
"""


@pytest.fixture(scope="module")
def issuer():
    from oidc_provider_mock import run_server_in_thread

    with run_server_in_thread() as server:
        base = f"http://localhost:{server.server_port}"
        for who in (ALICE, BOB):
            r = httpx.put(f"{base}/users/{quote(who)}", json={"email": who, "name": who})
            assert r.status_code == 204
        yield base


def sign_in(browser, base: str, who: str):  # noqa: F811
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    block_the_internet(context)
    pg = context.new_page()
    pg.goto(f"{base}/events")
    pg.get_by_role("button", name="Sign in").click()
    pg.get_by_placeholder("sub").fill(who)
    pg.get_by_role("button", name="Authorize").click()
    pg.get_by_text(f"Signed in as {who}").wait_for(timeout=60_000)
    return context, pg


def events_page(pg, base: str, query: str = "") -> None:
    pg.goto(f"{base}/events{query}")
    pg.get_by_text("Signed in as").wait_for(timeout=60_000)


def keep(pg, upload, name: str, who_may_see: str = "") -> str:
    pg.get_by_text("Import your own events").click()
    pg.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(upload))
    pg.get_by_text("2 loaded, 1 rejected").wait_for(timeout=60_000)
    field = pg.get_by_label("Name for this set")
    field.fill(name)
    field.press("Enter")
    if who_may_see:
        pg.get_by_text(who_may_see).click()
    pg.get_by_role("button", name="Keep this set").click()
    pg.get_by_text("Kept as").wait_for(timeout=60_000)
    return wait_until(lambda: parse_qs(urlparse(link(pg)).query).get("dataset"), 30,
                      "dataset= in the link")[0]


def kept_list(pg) -> str:
    """The text of the Kept sets panel ('' when there is none), opened."""
    panel = pg.locator('[data-testid="stExpander"]').filter(has_text="Kept sets (")
    if panel.count() == 0:
        return ""
    if panel.locator("details").get_attribute("open") is None:
        panel.get_by_text("Kept sets (").click()
    if "Kept sets (0)" not in panel.inner_text():
        panel.get_by_role("button", name="Open").first.wait_for(timeout=30_000)
    return panel.inner_text()


def test_two_people_signed_in_on_two_servers(browser, issuer, pg_database, tmp_path):  # noqa: F811
    store_url = pg_database  # the team set-up: two servers on PostgreSQL (AppTest covers SQLite)
    upload = tmp_path / "kept.csv"
    upload.write_text(ROWS, encoding="utf-8")
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(SECRETS.format(issuer=issuer), encoding="utf-8")
    with serve({"COUPBELT_DB": store_url}, count=2, args=("--secrets.files", str(secrets)),
               host="localhost") as (one, two):
        a_context, a = sign_in(browser, one, ALICE)
        b_context, b = sign_in(browser, two, BOB)

        events_page(a, one)  # sign-in lands on the first page
        private = keep(a, upload, "Alice private")
        # B: not listed, not opened by its link
        events_page(b, two)
        assert "Alice private" not in kept_list(b)
        events_page(b, two, f"?dataset={private}")
        b.get_by_text("No kept set").wait_for(timeout=60_000)
        assert "Showing the kept set" not in b.content()

        # A shares it by link: B opens it, read-only (no Rename, Share or Delete for B)
        events_page(a, one, f"?dataset={private}")
        a.get_by_text("Kept sets (").click()
        a.get_by_role("button", name="Share").first.click()
        a.get_by_text("Link: anyone you send the link to").click()
        a.get_by_role("button", name="Save who may see it").click()
        a.get_by_text("Now shared by link").wait_for(timeout=60_000)
        events_page(b, two, f"?dataset={private}")
        b.get_by_text("Showing the kept set").wait_for(timeout=60_000)
        assert "Alice private" not in kept_list(b)
        assert b.get_by_role("button", name="Delete").count() == 0

        # a team set: listed for both; B may open it but gets no Delete; A deletes, restores
        events_page(a, one)
        team = keep(a, upload, "Team set", "Team: everyone signed in")
        events_page(b, two)
        assert "Team set" in kept_list(b)
        assert b.get_by_role("button", name="Delete").count() == 0
        events_page(a, one)
        kept_list(a)
        row = a.locator('[data-testid="stHorizontalBlock"]').filter(has_text="Team set")
        row.get_by_role("button", name="Delete").click()
        a.get_by_text("Delete Team set (2 events)?").wait_for(timeout=30_000)
        a.get_by_role("button", name="Delete Team set").click()
        a.get_by_text("is in the bin").wait_for(timeout=60_000)
        events_page(b, two, f"?dataset={team}")
        b.get_by_text("was deleted on").wait_for(timeout=60_000)
        events_page(a, one)
        a.get_by_text("Bin (1)").click()
        a.get_by_role("button", name="Restore").click()
        a.get_by_text("is back").wait_for(timeout=60_000)
        events_page(b, two)
        assert "Team set" in kept_list(b)
        a_context.close()
        b_context.close()

    # the log names who did what (read as the server's operator)
    out = subprocess.run([sys.executable, "-m", "geo.store", "--db", store_url, "log"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    done = [(e["user"], e["action"], e["name"]) for e in map(json.loads, out.splitlines())]
    assert done == [(ALICE, "kept", "Alice private"), (ALICE, "shared", "Alice private"),
                    (ALICE, "kept", "Team set"),
                    (ALICE, "deleted", "Team set"), (ALICE, "restored", "Team set")]
    assert "secret" not in out


def listening_addresses(port: int) -> set[str]:
    """The local addresses a TCP socket listens on for `port` (from /proc/net/tcp and tcp6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):
            continue
        with open(table) as fh:
            for line in fh.readlines()[1:]:
                local, state = line.split()[1], line.split()[3]
                address, hex_port = local.rsplit(":", 1)
                if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                    found.add(address)
    return found


def test_a_personal_dashboard_listens_on_this_machine_only(tmp_path):
    port = free_port()
    proc = subprocess.Popen(  # the README's way: no address given
        [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.headless", "true",
         "--server.port", str(port)], cwd=ROOT,
        env={**os.environ, "COUPBELT_DB": str(tmp_path / "s.sqlite")}, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_until(lambda: healthy(proc, f"http://127.0.0.1:{port}"), 60, "the dashboard")
        assert listening_addresses(port) == {"0100007F"}  # 127.0.0.1, and nothing else
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
