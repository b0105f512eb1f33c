"""Real browser: the Events page's sources panel pulls from a recorded UCDP API (served by
tests/sourceserver.py, the dashboard pointed at it by UCDP_API_URL). The server holds the
second page until the test has seen the pull's progress, then the set's counts are shown; no
secret appears in the page's text, its HTML or its address."""

from __future__ import annotations

import pytest
import sourceserver
from sourceserver import PASSWORD, UCDP_TOKEN, USER
from test_browser import block_the_internet, browser, link  # noqa: F401 (browser: a fixture)
from test_store_browser import serve

from geo.store import Store

pytestmark = pytest.mark.browser


def test_a_pull_shows_its_progress_then_the_sets_counts_and_no_secret(browser, tmp_path):  # noqa: F811
    api, thread = sourceserver.start()
    api.script.hold_page = 1  # the second page waits until the progress was seen
    env = {"UCDP_API_URL": api.url, "ACLED_API_URL": api.url, "UCDP_TOKEN": UCDP_TOKEN,
           "ACLED_USERNAME": USER, "ACLED_PASSWORD": PASSWORD, "HOME": str(tmp_path),
           "COUPBELT_DB": str(tmp_path / "store.sqlite")}
    try:
        with serve(env) as (base,):
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            block_the_internet(context)
            pg = context.new_page()
            pg.goto(f"{base}/events")
            pg.get_by_text("Pull events from ACLED or UCDP").click()
            pg.get_by_text("configured (environment variables)").first.wait_for(timeout=60_000)
            pg.locator('[data-testid="stRadio"] label').filter(has_text="UCDP GED").click()
            name = pg.get_by_label("Kept set's name")
            name.fill("Browser live")
            name.press("Enter")
            version = pg.get_by_label("UCDP GED version (such as 25.1)")
            version.fill("25.1")
            version.press("Enter")
            pg.get_by_role("button", name="Pull", exact=True).click()
            progress = pg.get_by_text("2 rows read (1 pages)")
            progress.wait_for(timeout=60_000)  # page 0 read, page 1 held by the server
            assert pg.get_by_role("progressbar").count() == 1
            api.script.release.set()
            done = pg.get_by_text("pull 1, 5 rows received (1 rejected); 5 added, 0 changed, "
                                  "0 deleted. The set now holds 4 events")
            done.wait_for(timeout=60_000)
            assert [(s.path, s.query.split("page=")[-1].split("&")[0])
                    for s in api.script.seen] == [("/api/gedevents/25.1", str(n))
                                                  for n in range(3)]
            text = pg.locator("body").inner_text()
            assert "UCDP GED: configured (environment variables)" in text
            for secret in (UCDP_TOKEN, PASSWORD):
                assert secret not in text
                assert secret not in pg.content()
                assert secret not in link(pg)
            context.close()
        kept = Store.open(env["COUPBELT_DB"])
        assert [(k.name, k.loaded, k.rejected) for k in kept.list_sets()] == [
            ("Browser live", 4, 1)]
        kept.close()
    finally:
        api.script.release.set()
        api.shutdown()
        api.server_close()
        thread.join(5)
