"""Images and animations of the map (geo.publish), its command line and the pages' download panel:
what a reader gets — pixel size, the colours of Niger and Mali on the date, the title text, the
number of frames — checked against the model."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT, open_page, write_data
from PIL import Image

from geo import publish
from geo.alignments import alignment_classes
from geo.facts import Facts, load_facts
from geo.metrics import METRICS, classify
from geo.publish import MapAnimation, MapImage, image_figure, main

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def facts(data_dir: Path) -> Facts:
    return load_facts(data_dir)


def hex_rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4))  # type: ignore[return-value]


def centre(facts: Facts, iso3: str) -> tuple[float, float]:
    """A point well inside the country, below its capital's dot and label (the test data's
    capitals sit at the middle of each square)."""
    minx, miny, maxx, maxy = facts.borders.loc[facts.borders["iso3"] == iso3].total_bounds
    return (minx + maxx) / 2, miny + (maxy - miny) * 0.2


def expected_colour(facts: Facts, metric: str, day: date, iso3: str) -> tuple[int, int, int]:
    classes = classify(metric, facts.borders["iso3"], facts.status, facts.coups, day)
    return hex_rgb(classes.set_index("iso3").loc[iso3, "colour"])


@pytest.fixture(scope="module")
def curated() -> Facts:
    return load_facts(ROOT / "data")


def representative(facts: Facts, iso3: str) -> tuple[float, float]:
    point = facts.borders.loc[facts.borders["iso3"] == iso3].geometry.iloc[0].representative_point()
    return point.x, point.y


@pytest.mark.parametrize(("shape", "size"), [("wide", (1600, 1000)), ("square", (1080, 1080))])
@pytest.mark.parametrize(("metric", "day", "classes"), [
    ("regime", date(2021, 1, 1), {"MLI": "military", "NER": "civilian"}),  # Mali 2020-08-18
    ("regime", date(2023, 8, 10), {"MLI": "military", "NER": "military"}),  # Niger 2023-07-26
    ("regime", date(2020, 8, 17), {"MLI": "civilian", "NER": "civilian"}),  # the day before
    ("ecowas", date(2024, 6, 1), None),  # None: whatever the model says, drawn as it says
    ("ecowas_sanctions", date(2023, 8, 10), None),
    ("forces", date(2022, 1, 1), None),
    ("coups", date(2023, 8, 10), None),
    ("un:ES-11/1", date(2023, 8, 10), None),
])
def test_png_has_the_shape_size_and_the_models_colours(curated, shape, size, metric, day, classes):
    """Niger's and Mali's colours at their representative points (the curated data: both are
    large, far from their capitals' labels) are the model's for the date."""
    figure = image_figure(curated, MapImage(day, metric, shape=shape))
    image = Image.open(io.BytesIO(figure.save("png"))).convert("RGB")
    assert image.size == size
    model = alignment_classes(metric, curated, day)[1].set_index("iso3")["colour"]
    for iso3 in ("MLI", "NER"):
        colour = hex_rgb(model[iso3])
        if classes is not None:
            assert colour == hex_rgb(METRICS[metric].cls(classes[iso3]).colour)
        assert image.getpixel(figure.pixel(*representative(curated, iso3))) == colour, iso3


def test_test_data_squares_take_their_colours(facts):
    figure = image_figure(facts, MapImage(date(2021, 1, 1), iso3="NER"))  # framed: squares large
    image = Image.open(io.BytesIO(figure.save("png"))).convert("RGB")
    for iso3, key in (("MLI", "military"), ("NER", "civilian"), ("GHA", "civilian")):
        assert expected_colour(facts, "regime", date(2021, 1, 1), iso3) == hex_rgb(
            METRICS["regime"].cls(key).colour)
        assert image.getpixel(figure.pixel(*centre(facts, iso3))) == hex_rgb(
            METRICS["regime"].cls(key).colour), iso3


def svg_texts(svg: bytes) -> list[str]:
    root = ET.fromstring(svg)
    return ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]


@pytest.mark.parametrize(("lang", "metric", "title", "also"), [
    ("en", "regime", "Regime, 10 August 2023", ["Military rule", "Capital", "Capital of NER",
                                                "facts curated up to 30 June 2025"]),
    ("fr", "regime", "Régime, 10 août 2023", ["Régime militaire", "Capitale",
                                              "faits vérifiés jusqu'au 30 juin 2025"]),
    ("fr", "ecowas_sanctions", "Sanctions de la CEDEAO, 10 août 2023",
     ["Sanctions économiques et financières de la CEDEAO"]),
    ("en", "un:ES-11/1", "UN General Assembly vote ES-11/1 (2 March 2022), 10 August 2023",
     ["Abstained"]),
])
def test_svg_carries_the_title_with_metric_and_date_in_the_language(facts, lang, metric, title,
                                                                      also):
    svg = publish.render_image(facts, MapImage(date(2023, 8, 10), metric, lang, fmt="svg"))
    texts = svg_texts(svg)
    assert title in " ".join(texts)  # a long title wraps between words
    for text in also:
        assert text in " ".join(texts), (text, texts)  # legend lines may wrap


def test_text_from_data_is_shown_literally_not_as_mathtext(tmp_path):
    folder = write_data(tmp_path / "data")
    borders = json.loads((folder / "borders.geojson").read_text())
    borders["features"][0]["properties"]["name"] = "Land $x^2$ {MLI}"
    (folder / "borders.geojson").write_text(json.dumps(borders))
    facts = load_facts(folder)
    svg = publish.render_image(facts, MapImage(date(2023, 8, 10), iso3="MLI", fmt="svg"))
    texts = svg_texts(svg)
    assert "Land $x^2$ {MLI}: Regime, 10 August 2023" in texts
    assert "Land $x^2$ {MLI}" in texts  # the country's label on the framed map


@pytest.mark.parametrize(("lang", "title"), [
    ("en", "Land MLI: Regime, 10 August 2023"),
    ("fr", "Pays MLI : Régime, 10 août 2023"),  # French puts a space before the colon
])
def test_a_country_frame_names_the_country_in_the_title(facts, lang, title):
    svg = publish.render_image(facts, MapImage(date(2023, 8, 10), lang=lang, iso3="MLI",
                                               fmt="svg"))
    assert title in svg_texts(svg)


def test_pdf_is_a_pdf(facts):
    pdf = publish.render_image(facts, MapImage(date(2023, 8, 10), fmt="pdf"))
    assert pdf.startswith(b"%PDF-") and b"%%EOF" in pdf[-64:]


def test_events_of_the_window_are_drawn_in_their_category_colour(facts):
    window = publish.DateWindow(date(2023, 7, 1), date(2023, 9, 30))
    figure = image_figure(facts, MapImage(date(2023, 9, 30), events=window))
    image = Image.open(io.BytesIO(figure.save("png"))).convert("RGB")
    # ev-accra (ECOWAS standby force, sky blue) sits alone at 12.5N 1.0E, under the name of
    # Ghana's capital: the name's pale halo (70% white) is drawn over the dot
    blue = hex_rgb(publish.EVENT_CATEGORIES["ecowas_force"][1])
    x, y = figure.pixel(1.0, 12.5)
    seen = [image.getpixel((x + dx, y + dy)) for dx in range(-3, 4) for dy in range(-3, 4)]
    assert any(all(abs(s - (0.3 * b + 0.7 * 255)) <= 1 for s, b in zip(pixel, blue, strict=True))
               for pixel in seen), seen
    texts = svg_texts(figure.save("svg"))
    assert "Events 1 July 2023 to 30 September 2023" in texts and "ECOWAS standby force" in texts
    assert "Old event" not in " ".join(texts)  # nothing from outside the window, no titles


def gif_frames(data: bytes) -> list[Image.Image]:
    gif = Image.open(io.BytesIO(data))
    out = []
    for i in range(gif.n_frames):
        gif.seek(i)
        out.append(gif.convert("RGB"))
    return out


def test_gif_has_a_frame_a_month_and_shows_the_change(facts):
    view = MapAnimation(date(2023, 1, 1), date(2023, 12, 1), "month", iso3="NER")  # framed
    data = publish.render_animation(facts, view)
    frames = gif_frames(data)
    assert len(frames) == 12  # January to December
    assert len(data) <= 5 * 1024 * 1024
    assert frames[0].size == (960, 600)
    locate = image_figure(facts, MapImage(view.start, iso3="NER"), dpi=publish.FRAME_DPI["wide"])
    niger = locate.pixel(*centre(facts, "NER"))
    assert frames[0].getpixel(niger) == hex_rgb(METRICS["regime"].cls("civilian").colour)
    assert frames[-1].getpixel(niger) == hex_rgb(METRICS["regime"].cls("military").colour)
    assert frames[-1].getpixel(niger) == expected_colour(facts, "regime", view.end, "NER")
    assert frames[5] != frames[6]  # the date stamp moves on every frame


def test_weekly_frames_follow_the_calendar(facts):
    view = MapAnimation(date(2023, 7, 1), date(2023, 8, 26), "week", shape="square")
    frames = gif_frames(publish.render_animation(facts, view))
    assert len(frames) == 9 and frames[0].size == (720, 720)


def test_eighty_monthly_frames_of_the_curated_data_fit_in_5_mb():
    facts = load_facts(ROOT / "data")
    view = MapAnimation(date(2020, 1, 1), date(2026, 8, 1), "month")
    data = publish.render_animation(facts, view)
    assert len(gif_frames(data)) == 80
    assert len(data) <= 5 * 1024 * 1024


def test_mp4_is_a_movie_with_every_frame_and_the_last_held(facts, tmp_path):
    import imageio.v2 as imageio

    data = publish.render_animation(facts, MapAnimation(date(2023, 1, 1), date(2023, 6, 1),
                                                        fmt="mp4"))
    assert data[4:8] == b"ftyp"
    (tmp_path / "m.mp4").write_bytes(data)
    reader = imageio.get_reader(tmp_path / "m.mp4", format="FFMPEG")
    try:
        held = round(publish.HOLD_LAST_SECONDS * publish.FRAMES_PER_SECOND["month"])
        assert reader.count_frames() == 6 + held
        assert reader.get_data(0).shape == (600, 960, 3)
    finally:
        reader.close()


@pytest.mark.parametrize(("view", "name"), [
    (MapImage(date(2023, 8, 10), lang="fr"), "sahel-regime-2023-08-10-fr.png"),
    (MapImage(date(2023, 8, 10), shape="square"), "sahel-regime-2023-08-10-square-en.png"),
    (MapImage(date(2022, 3, 2), "un:ES-11/1", iso3="MLI", fmt="svg"),
     "sahel-un-es-11-1-mli-2022-03-02-en.svg"),
    (MapImage(date(2023, 8, 10), "ecowas_sanctions", fmt="pdf",
              events=publish.DateWindow(date(2023, 5, 13), date(2023, 8, 10))),
     "sahel-ecowas-sanctions-2023-08-10-events-en.pdf"),
    (MapAnimation(date(2020, 1, 1), date(2026, 12, 2), "week", "coups", "fr", "square", "mp4"),
     "sahel-coups-2020-01-01-to-2026-12-02-weekly-square-fr.mp4"),
])
def test_file_names_carry_the_view(view, name):
    namer = publish.image_file_name if isinstance(view, MapImage) else publish.animation_file_name
    assert namer(view) == name


def test_the_capitals_of_places_csv_are_labelled_and_cities_are_not(facts):
    texts = svg_texts(publish.render_image(facts, MapImage(date(2023, 8, 10), fmt="svg")))
    for iso3 in ("NER", "MLI", "GHA"):
        assert f"Capital of {iso3}" in texts
    assert "City of GHA" not in " ".join(texts)


# --- command line ---------------------------------------------------------------------------

@pytest.mark.parametrize(("args", "status", "message"), [
    (["image", "--date", "2023-08-10", "-o", "{tmp}/x.png"], 0, "wrote {tmp}/x.png"),
    (["image", "--date", "2023-08-10", "-o", "{tmp}"], 0, "sahel-regime-2023-08-10-en.png"),
    (["image", "--metric", "nope"], 2, "error: unknown metric 'nope'; expected one of regime,"),
    (["image", "--date", "2023-02-30"], 2, "bad date '2023-02-30': expected YYYY-MM-DD"),
    (["image", "--date", "2019-12-31"], 2, "outside 2020-01-01 to 2025-06-30"),
    (["image", "--date", "2025-07-01"], 2, "outside 2020-01-01 to 2025-06-30"),
    (["image", "--iso3", "FRA"], 2, "'FRA' is not a country of borders.geojson"),
    (["image", "--lang", "de"], 2, "argument --lang: invalid choice: 'de'"),
    (["image", "--format", "jpg"], 2, "argument --format: invalid choice"),
    (["image", "-o", "{tmp}/x.jpg"], 2, "cannot tell the format from 'x.jpg'"),
    (["image", "-o", "{tmp}/no/such/x.png"], 2, "cannot write {tmp}/no/such/x.png: no folder"),
    (["image", "--events", "0"], 2, "--events takes a number of days of at least 1"),
    (["animation", "--start", "2024-01-01", "--end", "2023-01-01"], 2, "is not after --start"),
    (["animation", "--step", "day"], 2, "argument --step: invalid choice"),
    (["animation", "--format", "png"], 2, "argument --format: invalid choice"),
    (["draw"], 2, "invalid choice: 'draw'"),
    ([], 2, "the following arguments are required: COMMAND"),
])
def test_command_line_statuses_and_one_line_messages(data_dir, tmp_path, capsys, args, status,
                                                     message):
    argv = [a.format(tmp=tmp_path) for a in args]
    code = main([*argv, "--data-dir", str(data_dir)] if argv and argv[0] in publish.SUBCOMMANDS
                else argv)
    out, err = capsys.readouterr()
    assert code == status
    shown = (out if status == 0 else err).strip()
    assert message.format(tmp=tmp_path) in shown
    assert "\n" not in shown and "Traceback" not in shown
    if status:
        assert not list(tmp_path.glob("*.png"))  # nothing half-written


def test_a_bad_data_folder_is_a_usage_error(tmp_path, capsys):
    folder = write_data(tmp_path / "data", status__csv="iso3,dimension\nMLI,regime\n")
    assert main(["image", "--data-dir", str(folder)]) == 2
    assert "data problem: status.csv" in capsys.readouterr().err
    assert main(["image", "--data-dir", str(tmp_path / "none")]) == 2


def test_an_internal_error_exits_3_in_one_line(data_dir, tmp_path, capsys, monkeypatch):
    def broken(*args: object) -> bytes:
        raise RuntimeError("boom")

    monkeypatch.setattr(publish, "render_image", broken)
    assert main(["image", "--data-dir", str(data_dir), "-o", str(tmp_path / "x.png")]) == 3
    assert capsys.readouterr().err.strip() == "internal error (RuntimeError): boom"
    assert not (tmp_path / "x.png").exists()


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "geo.publish", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_the_command_writes_an_image_and_documents_itself(data_dir, tmp_path):
    done = run_cli("image", "--date", "2023-08-10", "--lang", "fr", "--shape", "square",
                   "--data-dir", str(data_dir), "-o", str(tmp_path))
    assert done.returncode == 0, done.stderr
    written = tmp_path / "sahel-regime-2023-08-10-square-fr.png"
    assert Image.open(written).size == (1080, 1080)
    bad = run_cli("animation", "--metric", "weather", "--data-dir", str(data_dir))
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "unknown metric" in bad.stderr
    top = run_cli("--help")
    assert top.returncode == 0 and "image" in top.stdout and "animation" in top.stdout
    image = run_cli("image", "--help")
    for option in ("--date", "--metric", "--lang", "--shape", "--format", "--events", "--iso3",
                   "--data-dir", "--output"):
        assert option in image.stdout
    animation = run_cli("animation", "--help")
    for option in ("--start", "--end", "--step", "--format"):
        assert option in animation.stdout


def test_one_animation_from_the_command_line(data_dir, tmp_path):
    done = run_cli("animation", "--start", "2023-01-01", "--end", "2023-12-01", "--data-dir",
                   str(data_dir), "-o", str(tmp_path / "m.gif"))
    assert done.returncode == 0, done.stderr
    assert Image.open(tmp_path / "m.gif").n_frames == 12


# --- the pages' download panel ----------------------------------------------------------------

@pytest.mark.parametrize(("page", "params", "panel", "labels", "name"), [
    ("pages/situation_map.py", {"date": "2023-08-10", "lang": "fr"}, "publish_situation",
     ["Télécharger l'image (PNG)", "Télécharger l'animation (GIF)"],
     "sahel-regime-2023-08-10-events-fr.png"),
    ("pages/situation_map.py", {"date": "2021-01-01", "metric": "ecowas", "layers": "choropleth"},
     "publish_situation", ["Download the image (PNG)"], "sahel-ecowas-2021-01-01-en.png"),
    ("pages/coups.py", {"date": "2023-08-10"}, "publish_coups", ["Download the image (PNG)"],
     "sahel-coups-2023-08-10-en.png"),
    ("pages/alignments.py", {"date": "2023-08-10", "dim": "un:ES-11/6"}, "publish_alignments",
     ["Download the image (PNG)"], "sahel-un-es-11-6-2023-08-10-en.png"),
    ("pages/country.py", {"date": "2023-08-10", "iso3": "NER"}, "publish_country",
     ["Download the image (PNG)"], "sahel-regime-ner-2023-08-10-en.png"),
])
def test_the_download_panel_offers_the_view_once_opened(data_dir, monkeypatch, page, params, panel,
                                                        labels, name):
    monkeypatch.setenv("COUPBELT_DATA_DIR", str(data_dir))
    at = open_page(page, params)
    assert not at.exception
    first = [b.proto.label for b in at.get("download_button")]
    assert not set(labels) & set(first)  # folded: nothing built on the first draw
    at.session_state[panel] = True
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    buttons = [b.proto.label for b in at.get("download_button")]
    for label in labels:
        assert label in buttons
    assert any(c.value.startswith(name + " ") or c.value.startswith(name + ":")
               for c in at.caption), [c.value for c in at.caption]


def test_the_square_shape_is_in_the_file_name(data_dir, monkeypatch):
    monkeypatch.setenv("COUPBELT_DATA_DIR", str(data_dir))
    at = open_page("pages/situation_map.py", {"date": "2023-08-10"})
    at.session_state["publish_situation"] = True
    at.run()
    at.radio(key="publish_situation_shape").set_value("square").run()
    at.radio(key="publish_situation_format").set_value("svg").run()
    assert any(c.value.startswith("sahel-regime-2023-08-10-events-square-en.svg")
               for c in at.caption)
    assert any(c.value.startswith("sahel-regime-2020-01-01-to-2023-08-10-monthly-square-en.gif")
               for c in at.caption), [c.value for c in at.caption]


def test_frames_keep_their_colours_only_while_nothing_the_metric_reads_changes(facts):
    """The animation classifies again only at change dates: on every day around a change (the
    day before, the day itself) its carried classes must be the model's for that day."""
    from datetime import timedelta

    from geo.timeline import status_on

    edges = {*facts.status["start"], *facts.status["end"].dropna(), *facts.coups["date"]}
    days = sorted({d.date() + timedelta(days=k) for d in edges for k in (-1, 0)}
                  - {date(2019, 12, 31)})
    for metric in publish.metric_keys(facts):
        carried = None
        for day, painted in zip(days, publish.frame_classes(facts, metric, days), strict=True):
            carried = painted or carried
            assert carried is not None
            classes, outlined = carried
            model = alignment_classes(metric, facts, day)[1]
            assert list(classes["colour"]) == list(model["colour"]), (metric, day)
            if metric == "coups":
                held = status_on(facts.status, day)
                military = held[(held["dimension"] == "regime") & (held["value"] == "military")]
                assert outlined == frozenset(military["iso3"]), day


def test_a_year_without_changes_is_classified_once(facts):
    days = publish.frame_dates(date(2022, 1, 1), date(2022, 12, 1), "month")  # none in 2022
    painted = list(publish.frame_classes(facts, "regime", days))
    assert len(painted) == 12 and painted[0] is not None and not any(painted[1:])
    frames = list(publish.animation_frames(facts, MapAnimation(date(2022, 1, 1), date(2022, 12, 1))))
    assert len(frames) == 12 and not np.array_equal(frames[0], frames[1])  # the date moves


def test_a_fast_frame_is_the_full_drawing(facts):
    """Frames draw only the countries, outlines and date over a prepared background; the
    result must be the figure drawn whole."""
    view = MapAnimation(date(2023, 1, 1), date(2023, 12, 1), metric="coups", iso3="NER")
    last = list(publish.animation_frames(facts, view))[-1]
    whole = image_figure(facts, MapImage(view.end, "coups", iso3="NER"),
                         dpi=publish.FRAME_DPI["wide"])
    whole.stamp(publish.long_date(view.end, "en"))
    drawn = whole.rgb()
    map_rows = slice(int(drawn.shape[0] * 0.16), drawn.shape[0])  # the titles differ
    differ = np.abs(drawn[map_rows].astype(int) - last[map_rows].astype(int)).max(axis=2) > 3
    assert differ.sum() <= 10  # where an outline meets the frame's edge, the edge is on top


@pytest.mark.browser
def test_the_download_button_gives_the_image_in_a_browser():
    """The deferred download (rendered on the click) reaches the reader as a file with the
    view's name, offline."""
    from playwright.sync_api import sync_playwright
    from test_browser import ARGS, CHROMIUM, block_the_internet, serve

    with serve() as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            context = browser.new_context(accept_downloads=True,
                                          viewport={"width": 1400, "height": 1000})
            block_the_internet(context)
            pg = context.new_page()
            pg.goto(f"{base}/?date=2023-08-10&lang=fr")
            pg.get_by_text("Télécharger cette carte en image ou en animation").click(timeout=60_000)
            button = pg.get_by_role("button", name="Télécharger l'image (PNG)")
            with pg.expect_download(timeout=60_000) as download:
                button.click(timeout=30_000)
            assert download.value.suggested_filename == "sahel-regime-2023-08-10-events-fr.png"
            image = Image.open(download.value.path())
            assert image.format == "PNG" and image.size == (1600, 1000)
            button = pg.get_by_role("button", name="Télécharger l'animation (GIF)")
            with pg.expect_download(timeout=90_000) as download:
                button.click(timeout=30_000)
            assert download.value.suggested_filename == (
                "sahel-regime-2020-01-01-to-2023-08-10-monthly-fr.gif")
            movie = Image.open(download.value.path())
            assert movie.n_frames == len(publish.frame_dates(date(2020, 1, 1), date(2023, 8, 10),
                                                             "month"))
        finally:
            browser.close()


def test_the_site_subcommand_writes_the_static_site(tmp_path, capsys):
    from geo.publish import main

    out = tmp_path / "public"
    assert main(["site", "--lang", "fr", "-o", str(out)]) == 0
    assert "files to" in capsys.readouterr().out
    assert (out / "index.html").is_file() and (out / "country" / "NER.html").is_file()
    assert main(["site"]) == 2
    assert "site needs -o FOLDER" in capsys.readouterr().err
    (tmp_path / "file").write_text("x")
    assert main(["site", "-o", str(tmp_path / "file")]) == 2


def test_french_images_label_capitals_by_their_french_names(curated):
    from geo.publish import capitals

    french = {c.iso3: c.name for c in capitals(curated, "fr")}
    english = {c.iso3: c.name for c in capitals(curated)}
    assert (french["DZA"], english["DZA"]) == ("Alger", "Algiers")
    assert french["TCD"] == "N'Djaména" and french["NER"] == english["NER"] == "Niamey"


# --- titles and labels that read whole ------------------------------------------------------

LONGEST_FRENCH_DATES = ["30 septembre 2026", "1er septembre 2026", "31 décembre 2026"]


@pytest.mark.parametrize("width", range(8, 70))
@pytest.mark.parametrize("day", LONGEST_FRENCH_DATES)
def test_a_title_breaks_between_words_never_inside_a_date(width, day):
    title = f"Pays de la Côte d'Ivoire : Alliance des États du Sahel, {day}"
    lines = publish.title_lines(title, width)
    assert " ".join(lines) == title
    assert any(day in line for line in lines), lines
    assert all(len(line) <= max(width, len(day)) for line in lines), lines


def test_a_square_french_image_keeps_every_date_on_one_line(facts):
    day = date(2023, 9, 30)  # 'Pays MLI : Sanctions de la CEDEAO, 30 septembre 2023' wraps
    view = MapImage(day, "ecowas_sanctions", "fr", "square", "svg", iso3="MLI",
                    events=publish.DateWindow(date(2023, 9, 1), day))
    texts = svg_texts(publish.render_image(facts, view))
    title = [t for t in texts if "CEDEAO" in t or "2023" in t]
    assert len(" ".join(texts).split("Sanctions de la CEDEAO")) == 3, texts  # title + legend
    assert any(t.endswith("30 septembre 2023") for t in title), title  # whole, on one line
    assert not [t for t in texts if t.endswith((" 30", " septembre", "30 septembre"))], texts
    assert "Événements du 1er septembre 2023 au 30 septembre 2023" in " ".join(texts)


def test_a_capital_s_name_is_drawn_over_an_event_at_the_same_spot(tmp_path):
    from conftest import EVENTS
    facts = load_facts(write_data(tmp_path / "plain"))
    figure = image_figure(facts, MapImage(date(2023, 9, 30)))
    figure.figure.canvas.draw()
    (label,) = [a for a in figure.ax.texts if a.get_text() == "Capital of NER"]
    box = label.get_window_extent()
    lon, lat = figure.ax.transData.inverted().transform(((box.x0 + box.x1) / 2,
                                                         (box.y0 + box.y1) / 2))
    # One protest (yellow) right under the middle of the name.
    events = EVENTS + f"ev-here,2023-09-20,{lat:.5f},{lon:.5f},NER,Here,protest,Here,x,https://example.org/h\n"
    facts = load_facts(write_data(tmp_path / "with", events__csv=events))
    figure = image_figure(facts, MapImage(date(2023, 9, 30), events=publish.DateWindow(
        date(2023, 9, 19), date(2023, 9, 21))))
    image = Image.open(io.BytesIO(figure.save("png"))).convert("RGB")
    x, y = figure.pixel(lon, lat)
    yellow = np.array(hex_rgb(publish.EVENT_CATEGORIES["protest"][1]))
    seen = np.array([image.getpixel((x + dx, y + dy)) for dx in (-1, 0, 1) for dy in (-1, 0, 1)])
    # The name's pale halo and dark letters lie over the dot: no pixel there is the dot's yellow.
    assert np.abs(seen - yellow).sum(axis=1).min() > 60, seen
