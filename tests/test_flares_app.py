"""AppTest of the situation page's flare list: a place with a burst of imported events is
listed, ranked, with its counts against its baseline; curated data alone lists nothing."""

from __future__ import annotations

import pytest
from conftest import open_page

from geo.facts import load_borders
from geo.ingest import ingest_bytes

pytestmark = pytest.mark.filterwarnings("ignore")

HEADER = "event_id_cnty,event_date,latitude,longitude,iso,event_type,admin1,fatalities\n"


def acled_csv() -> bytes:
    rows = [f"B{i},2023-08-{10 + i},13.0,-3.0,466,Battles,Kayes,1" for i in range(12)]  # a burst
    rows += [f"H{i},{day}-05,13.0,-3.0,466,Battles,Kayes,0"  # six in the year before
             for i, day in enumerate(["2022-09", "2022-10", "2022-11", "2022-12", "2023-01",
                                      "2023-02"])]
    rows += [f"N{i},2023-08-{10 + i},13.0,-1.0,562,Protests,Niamey,0" for i in range(4)]
    return (HEADER + "\n".join(rows) + "\n").encode()


@pytest.fixture
def app(data_dir, monkeypatch):
    monkeypatch.setenv("COUPBELT_DATA_DIR", str(data_dir))
    return lambda: open_page("pages/situation_map.py", {"date": "2023-09-01"})


def test_the_flare_list_ranks_a_burst_of_imported_events(app, data_dir):
    at = app()
    assert "What is flaring" in [e.label for e in at.expander]
    at.session_state["flares_panel"] = True  # opened
    report = ingest_bytes(acled_csv(), "acled.csv", load_borders(data_dir / "borders.geojson"))
    assert len(report.rejected) == 0
    at.session_state["upload_report"] = report
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    (frame,) = [d.value for d in at.dataframe if "flaring by" in d.value.columns]
    assert frame.to_dict("records") == [{
        "country": "Land MLI", "region (admin1)": "Kayes", "events, last 30 days": 12,
        "events, average of the 12 windows before": 0.5, "deaths, last 30 days": 12,
        "deaths, average before": 0.0, "flaring by": "events and deaths"}]
    assert any("From your imported or kept events." in c.value for c in at.caption)


def test_curated_events_alone_flare_nowhere_and_the_list_says_so(app):
    at = app()
    at.session_state["flares_panel"] = True
    at.run()
    assert not at.exception
    assert any(i.value.startswith("Nothing is flaring on") for i in at.info)
