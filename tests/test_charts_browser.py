"""In a real browser (Chromium, internet blocked): a period brushed on the Events page's
histogram snaps to whole days, goes into the link, and a link with a brush reopens it drawn."""

from __future__ import annotations

import time
from datetime import date, timedelta
from urllib.parse import parse_qs, urlparse

from test_browser import (
    block_the_internet,
    browser,  # noqa: F401 - the shared Chromium fixture
    link,
    serve,
    wait_until,
)

CHART = '[data-testid="stVegaLiteChart"]'


def brush_in(url: str) -> tuple[date, date] | None:
    values = parse_qs(urlparse(url).query).get("brush")
    if not values:
        return None
    first, last = values[0].split(",")
    return date.fromisoformat(first), date.fromisoformat(last)


def captions(pg) -> str:
    return " ".join(pg.locator('[data-testid="stCaptionContainer"]').all_inner_texts())


def test_a_brush_snaps_to_days_goes_into_the_link_and_a_link_reopens_it(browser):  # noqa: F811
    with serve() as base:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        blocked = block_the_internet(context)
        pg = context.new_page()
        pg.goto(f"{base}/events?date=2026-03-01&brush=2026-01-10,2026-01-25")
        pg.wait_for_selector(CHART, timeout=120_000)
        wait_until(lambda: "from 10 January 2026 to 25 January 2026" in captions(pg), 60,
                   "the linked period in the caption")
        assert brush_in(link(pg)) == (date(2026, 1, 10), date(2026, 1, 25))
        # Drag across the plot from about a third to two thirds of its width, once the chart
        # has drawn its marks.
        pg.wait_for_selector(f"{CHART} .marks", timeout=120_000)
        pg.locator(CHART).scroll_into_view_if_needed()
        box = pg.locator(CHART).bounding_box()
        assert box is not None
        y = box["y"] + 60
        linked = (date(2026, 1, 10), date(2026, 1, 25))

        def dragged() -> bool:
            # The page may still be settling after its first runs: drag again until it takes.
            pg.mouse.move(box["x"] + box["width"] * 0.3, y)
            pg.mouse.down()
            pg.mouse.move(box["x"] + box["width"] * 0.5, y, steps=8)
            pg.mouse.move(box["x"] + box["width"] * 0.66, y, steps=8)
            pg.mouse.up()
            deadline = time.monotonic() + 8
            while time.monotonic() < deadline:
                if brush_in(link(pg)) not in (None, linked):
                    return True
                pg.wait_for_timeout(250)
            return False

        wait_until(dragged, 120, "the new brush in the link")
        first, last = brush_in(link(pg)) or (None, None)
        assert first is not None and last is not None
        assert date(2025, 12, 2) <= first < last <= date(2026, 3, 1)  # inside the window
        assert timedelta(days=20) < last - first < timedelta(days=45)  # a third of 90 days
        written = f"from {first.day} {first:%B %Y} to {last.day} {last:%B %Y}"
        wait_until(lambda: written in captions(pg), 60, "the brushed days in the caption")
        # The link, opened afresh, shows the same period.
        again = context.new_page()
        again.goto(link(pg))
        again.wait_for_selector(CHART, timeout=120_000)
        wait_until(lambda: written in captions(again), 60, "the same period reopened")
        assert not [u for u in blocked if "tile.openstreetmap.org" not in u], blocked  # tiles: optional
        context.close()
