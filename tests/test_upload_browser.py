"""Real browser: an analyst's full-size export (200 MB of ACLED rows) goes through the upload,
the page shows the reading's progress (rows read, rejected) and then the counts."""

from __future__ import annotations

import os
import re

import pytest
from test_browser import (  # noqa: F401 (browser, server: fixtures)
    block_the_internet,
    browser,
    server,
    wait_until,
)

pytestmark = pytest.mark.browser

SIZE = int(os.environ.get("COUPBELT_BIG_UPLOAD_MB", "200")) * 1024 * 1024
HEADER = ("event_id_cnty,event_date,year,time_precision,event_type,sub_event_type,actor1,actor2,"
          "iso,country,admin1,location,latitude,longitude,geo_precision,source,notes,fatalities\n")


def big_acled_file(path, size: int) -> int:
    """An ACLED-style CSV of about `size` bytes (unique ids; every 1,000th row has no date);
    returns its number of rows."""
    note = "Synthetic row for the upload test; " + "x" * 180
    rows = 0
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(HEADER)
        written = len(HEADER)
        while written < size:
            block = []
            for _ in range(10_000):
                day = "" if rows % 1000 == 999 else f"{rows % 28 + 1} March 2024"
                block.append(f"SYN{rows},{day},2024,1,Battles,Armed clash,Military Forces of Mali,"
                             f"JNIM,466,Mali,Mopti,Mopti,14.4843,-4.1828,1,Studio Tamani,"
                             f'"{note}",{rows % 5}\n')
                rows += 1
            text = "".join(block)
            fh.write(text)
            written += len(text)
    return rows


def test_a_200_mb_export_uploads_with_progress_and_counts(server, browser, tmp_path):  # noqa: F811
    path = tmp_path / "acled-west-africa.csv"
    rows = big_acled_file(path, SIZE)
    assert path.stat().st_size >= SIZE
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    block_the_internet(context)
    pg = context.new_page()
    pg.goto(f"{server}/events")
    pg.get_by_text("Import your own events").click()
    # record every progress text the page shows, however briefly
    pg.evaluate("""() => { window.progressSeen = [];
        new MutationObserver(() => {
            const t = document.body.innerText.match(/[^\\n]*rows read, [\\d,]+ rejected…/g) || [];
            for (const x of t) if (!window.progressSeen.includes(x)) window.progressSeen.push(x);
        }).observe(document.body, {subtree: true, childList: true, characterData: true}); }""")
    pg.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(path))
    # while the file is read: the progress bar names the rows read and rejected so far; then
    # the counts: every row accounted, the dateless ones rejected with their reason
    reading = re.compile(r"acled-west-africa\.csv: ([\d,]+) rows read, ([\d,]+) rejected…")
    rejected = rows // 1000
    done = (f"acled-west-africa.csv: {rows:,} rows read as acled; {rows - rejected:,} loaded, "
            f"{rejected:,} rejected.")
    wait_until(lambda: done in pg.locator("body").inner_text(), 600, "the import's counts")
    seen = pg.evaluate("() => window.progressSeen")
    assert seen, "no progress was shown while the file was read"
    read = [int(m.group(1).replace(",", "")) for m in map(reading.search, seen) if m]
    assert 0 < read[0] < rows and read == sorted(read)  # the count grows as the file is read
    assert pg.get_by_text(f"{rejected:,} rows were not loaded").count() == 1
    context.close()
