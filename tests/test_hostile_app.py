"""AppTest with hostile links and broken data folders: every page stays up and says what is wrong,
and no value from a link is ever rendered as Markdown."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import PAGES, ROOT, open_page, write_data

pytestmark = pytest.mark.filterwarnings("ignore")
LINK = "[Your session expired - click here](https://evil.example/login)"
IMAGE = "![b](http://127.0.0.1:9/x.png)"
HOSTILE = [LINK, IMAGE, ":red[alert] :material/warning:", "$x^2$", "<b>bold</b>",
           "`` ` ``](https://evil.example)", "a\n\n[second paragraph](https://evil.example)",
           "x" * 5000, "%00", "2023-02-30", "-1", "9999-12-31", ""]
PARAMS = ["date", "from", "to", "metric", "layers", "cat", "iso3", "dim", "lang"]
CODE_SPAN = re.compile(r"(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.S)


def outside_code(markdown: str) -> str:
    return CODE_SPAN.sub("", markdown)


@pytest.mark.parametrize("param", PARAMS)
@pytest.mark.parametrize("value", HOSTILE)
def test_a_hostile_link_value_is_shown_as_inert_text(data_dir, monkeypatch, param, value):
    monkeypatch.setenv("COUPBELT_DATA_DIR", str(data_dir))
    at = open_page(PAGES[0], {param: value})
    assert not at.exception, [e.value for e in at.exception]
    for warning in at.warning:
        text = outside_code(warning.value)
        assert "](" not in text and "![" not in text and ":red[" not in text, warning.value
        assert "$x" not in text and "<b>" not in text and "\n" not in warning.value
        assert len(warning.value) < 1200


@pytest.mark.parametrize("page", PAGES[1:])
def test_every_page_survives_every_hostile_parameter_at_once(data_dir, monkeypatch, page):
    monkeypatch.setenv("COUPBELT_DATA_DIR", str(data_dir))
    at = open_page(page, {p: LINK for p in PARAMS})
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.warning) >= 5
    for warning in at.warning:
        assert "](" not in outside_code(warning.value)


def _broken_folders(tmp: Path) -> dict[str, Path]:
    folders = {
        "borders missing": write_data(tmp / "a"),
        "borders truncated": write_data(tmp / "b", borders__geojson='{"type": "FeatureColl'),
        "borders empty collection": write_data(
            tmp / "c", borders__geojson='{"type": "FeatureCollection", "features": []}'),
        "events empty file": write_data(tmp / "d", events__csv=""),
        "events binary": write_data(tmp / "e", events__csv="\x00\x01PNG"),
        "status bad value": write_data(tmp / "f", status__csv=(
            "iso3,dimension,value,start,end,sources,note\n"
            "NER,regime,banana,2020-01-01,,https://example.org/x,\n")),
        "coups missing": write_data(tmp / "g"),
        "un votes only a header": write_data(
            tmp / "h", un_votes__csv="resolution,date,title,iso3,vote,sources,note\n"),
        "sources missing": write_data(tmp / "i"),
        "every csv missing": write_data(tmp / "j"),
    }
    (folders["borders missing"] / "borders.geojson").unlink()
    (folders["coups missing"] / "coups.csv").unlink()
    (folders["sources missing"] / "SOURCES.md").unlink()
    for name in ("coups.csv", "status.csv", "events.csv", "un_votes.csv"):
        (folders["every csv missing"] / name).unlink()
    return folders


BROKEN = ["borders missing", "borders truncated", "borders empty collection", "events empty file",
          "events binary", "status bad value", "coups missing", "sources missing",
          "every csv missing", "un votes only a header"]


@pytest.mark.parametrize("case", BROKEN)
@pytest.mark.parametrize("page", PAGES)
def test_a_broken_data_folder_is_named_and_every_page_stays_up(tmp_path, monkeypatch, case, page):
    folder = _broken_folders(tmp_path)[case]
    monkeypatch.setenv("COUPBELT_DATA_DIR", str(folder))
    at = open_page(page, {"date": "2023-09-01"})
    assert not at.exception, [e.value for e in at.exception]
    errors = " ".join(e.value for e in at.error)
    assert errors or case == "un votes only a header", "the reader is told what is wrong"
    assert str(tmp_path) not in errors, "no server path is shown to visitors"


def test_an_unreadable_events_file_is_named(data_dir, monkeypatch):
    """Root reads any file, so the denied read is simulated where the loader opens it."""
    real = Path.read_bytes

    def denied(path, *args, **kwargs):
        if str(path).endswith("events.csv"):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(Path, "read_bytes", denied)
    monkeypatch.setenv("COUPBELT_DATA_DIR", str(data_dir))
    for page in PAGES:
        at = open_page(page, {"date": "2023-09-01"})
        assert not at.exception, (page, [e.value for e in at.exception])
        assert any("events.csv" in e.value and "permission denied" in e.value.lower()
                   for e in at.error), page


@pytest.mark.parametrize("page", PAGES)
def test_a_missing_sources_file_costs_only_the_curation_date(tmp_path, monkeypatch, page):
    folder = _broken_folders(tmp_path)["sources missing"]
    monkeypatch.setenv("COUPBELT_DATA_DIR", str(folder))
    params = {"date": "2023-09-01", **({"iso3": "NER"} if "country" in page else {})}
    at = open_page(page, params)
    assert not at.exception, [e.value for e in at.exception]
    assert any("SOURCES.md: file not found" in e.value for e in at.error)
    assert any("curation date is unknown" in w.value for w in at.warning)
    assert at.get("component_instance") or at.dataframe, "the page is drawn, not stopped"


def test_visitors_get_no_tracebacks():
    config = (ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8")
    assert re.search(r'^showErrorDetails\s*=\s*"none"', config, re.M)
