"""The bundled facts in data/: schema, vocabularies, sources, coverage, geography, dates."""

from __future__ import annotations

from datetime import timedelta

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from conftest import ROOT

from geo.facts import load_facts
from geo.timeline import status_on
from geo.vocabulary import COVERAGE_START, OUTLET_KINDS

DATA = ROOT / "data"
WEST_AFRICA = {"BEN", "BFA", "CPV", "CIV", "GMB", "GHA", "GIN", "GNB", "LBR", "MLI", "MRT", "NER",
               "NGA", "SEN", "SLE", "TGO"}
CONTEXT = {"DZA", "MAR", "ESH", "LBY", "TCD", "SDN", "CMR", "CAF", "GAB", "GNQ"}
ECOWAS_2020 = WEST_AFRICA - {"MRT"}  # Mauritania left ECOWAS in 2000
AFRICA_EQUIDISTANT = "ESRI:102023"


@pytest.fixture(scope="module")
def facts():
    return load_facts(DATA)


def test_every_file_loads_without_error(facts):
    assert facts.errors == ()
    assert len(facts.coups) and len(facts.status) and len(facts.events)


def test_borders_hold_the_26_countries(facts):
    b = facts.borders
    assert set(b["iso3"]) == WEST_AFRICA | CONTEXT
    assert set(b.loc[b["region"] == "west_africa", "iso3"]) == WEST_AFRICA
    assert b["name"].str.len().min() > 0 and b["name_fr"].str.len().min() > 0


def test_borders_keep_small_islands(facts):
    geom = facts.borders.set_index("iso3").geometry
    assert len(geom["CPV"].geoms) == 8  # every Cabo Verde island of Natural Earth 50m
    assert len(geom["GNQ"].geoms) == 2  # mainland and Bioko
    bioko = shapely.Point(8.75, 3.5)
    assert geom["GNQ"].distance(bioko) < 0.05


def test_neighbours_share_one_border_line(facts):
    geoms = list(facts.borders.geometry)
    union = shapely.union_all(geoms)
    polys = union.geoms if union.geom_type == "MultiPolygon" else [union]
    assert sum(len(p.interiors) for p in polys) == 0, "gaps between neighbours"
    tree = shapely.STRtree(geoms)
    for i, j in zip(*tree.query(geoms, predicate="intersects"), strict=True):
        if i < j:
            assert geoms[i].intersection(geoms[j]).area < 1e-9, "overlapping neighbours"
    # Mali and Niger touch along a shared line, not at a point
    g = facts.borders.set_index("iso3").geometry
    assert g["MLI"].intersection(g["NER"]).length > 1.0


def test_countries_are_known(facts):
    known = set(facts.borders["iso3"])
    for frame in (facts.coups, facts.status, facts.events):
        assert set(frame["iso3"]) <= known


def test_no_future_dates(facts):
    last = facts.curated
    assert facts.coups["date"].max() <= last and facts.events["date"].max() <= last
    assert facts.status["start"].max() <= last
    assert facts.status["end"].dropna().max() <= last


def test_no_dates_before_coverage_except_status_starts(facts):
    start = pd.Timestamp(COVERAGE_START)
    assert facts.coups["date"].min() >= start and facts.events["date"].min() >= start


def covered(status: pd.DataFrame, iso3: str, dimension: str, last: pd.Timestamp) -> bool:
    rows = status[(status["iso3"] == iso3) & (status["dimension"] == dimension)].sort_values("start")
    if rows.empty or rows["start"].iloc[0] > pd.Timestamp(COVERAGE_START):
        return False
    ends = list(rows["end"])
    return all(e == s for e, s in zip(ends[:-1], rows["start"].iloc[1:], strict=True)) and (
        pd.isna(ends[-1]) or ends[-1] > last)


@pytest.mark.parametrize("iso3", sorted(WEST_AFRICA | CONTEXT))
def test_regime_covers_every_day(facts, iso3):
    assert covered(facts.status, iso3, "regime", facts.curated)


@pytest.mark.parametrize("iso3", sorted(ECOWAS_2020))
def test_ecowas_status_covers_every_member(facts, iso3):
    assert covered(facts.status, iso3, "ecowas", facts.curated)


def test_ecowas_dimensions_only_for_members(facts):
    s = facts.status
    for dim in ("ecowas", "ecowas_sanctions"):
        assert set(s.loc[s["dimension"] == dim, "iso3"]) <= ECOWAS_2020


def test_withdrawal_follows_the_announcement_by_a_year(facts):
    s = facts.status
    withdrawn = s[(s["dimension"] == "ecowas") & (s["value"] == "withdrawn")]
    assert set(withdrawn["iso3"]) == {"MLI", "BFA", "NER"}
    assert set(withdrawn["start"]) == {pd.Timestamp("2025-01-29")}


def test_successful_coups_bring_military_rule(facts):
    for coup in facts.coups[facts.coups["outcome"] == "successful"].itertuples():
        now = status_on(facts.status, coup.date.date())
        regime = now[(now["iso3"] == coup.iso3) & (now["dimension"] == "regime")]["value"]
        assert list(regime) == ["military"], coup.id
        before = status_on(facts.status, (coup.date - timedelta(days=1)).date())
        assert len(before[(before["iso3"] == coup.iso3) & (before["dimension"] == "regime")]) == 1


def test_every_coup_is_an_event(facts):
    events = facts.events
    for coup in facts.coups.itertuples():
        category = "coup" if coup.outcome == "successful" else "coup_attempt"
        match = events[(events["date"] == coup.date) & (events["iso3"] == coup.iso3)
                       & (events["category"] == category)]
        assert len(match) == 1, coup.id


def test_sources_are_http_urls_on_every_row(facts):
    for frame in (facts.coups, facts.status, facts.events):
        for sources in frame["sources"]:
            urls = sources.split()
            assert urls and all(u.startswith(("http://", "https://")) for u in urls)


def test_events_lie_in_their_country_or_within_25_km_of_its_coast(facts):
    borders = facts.borders.set_index("iso3").to_crs(AFRICA_EQUIDISTANT)
    points = gpd.GeoSeries(gpd.points_from_xy(facts.events["lon"], facts.events["lat"]),
                           crs=4326).to_crs(AFRICA_EQUIDISTANT)
    far = []
    for event, point in zip(facts.events.itertuples(), points, strict=True):
        metres = borders.geometry[event.iso3].distance(point)
        if metres > 25_000:
            far.append((event.id, round(metres / 1000)))
    assert far == []


def test_seed_article_places_are_there(facts):
    e = facts.events
    niamey = e[(e["iso3"] == "NER") & e["place"].str.contains("Niamey")]
    assert (niamey["place"].str.contains("base", case=False)).any()
    assert (e["iso3"] == "MLI").any() and e["place"].str.contains("Bamako").any()
    force = e[e["category"] == "ecowas_force"]
    assert {"GHA", "SEN"} <= set(force["iso3"])


def test_summaries_are_short_plain_text(facts):
    for frame in (facts.coups, facts.events):
        assert frame["summary"].str.len().max() <= 300
        assert not frame["summary"].str.contains("<").any()


def test_un_votes_cover_every_country_for_every_resolution(facts):
    votes = facts.un_votes
    resolutions = {"ES-11/1": "2022-03-02", "ES-11/4": "2022-10-12", "ES-11/6": "2023-02-23"}
    for resolution, day in resolutions.items():
        rows = votes[votes["resolution"] == resolution]
        assert set(rows["iso3"]) == WEST_AFRICA | CONTEXT, resolution
        assert set(rows["date"]) == {pd.Timestamp(day)}, resolution
    assert set(votes["vote"]) <= {"yes", "no", "abstain", "absent", "not_un_member"}
    # Western Sahara is not a UN member; no UN member is marked as one
    assert set(votes.loc[votes["vote"] == "not_un_member", "iso3"]) == {"ESH"}
    mali = votes[votes["iso3"] == "MLI"].set_index("resolution")["vote"]
    assert mali["ES-11/6"] == "no"


def test_every_event_and_coup_has_french_text(facts):
    for column in ("title_fr", "summary_fr", "place_fr"):
        assert (facts.events[column].str.len() > 0).all(), column
        assert not facts.events[column].str.contains("<").any()
    assert (facts.coups["summary_fr"].str.len() > 0).all()
    assert facts.events["summary_fr"].str.len().max() <= 300


@pytest.mark.parametrize(("table", "column"), [
    ("coups", "ousted"), ("coups", "installed"), ("status", "note"), ("un_votes", "note"),
    ("un_votes", "title")])
def test_every_text_shown_in_a_table_has_its_french(facts, table, column):
    """A French reader meets no English in the bundled data: each filled-in text has its twin."""
    frame = getattr(facts, table)
    english, french = frame[column].fillna(""), frame[f"{column}_fr"].fillna("")
    missing = frame[(english != "") & (french == "")]
    assert missing.empty, missing.head()
    assert (french[english == ""] == "").all()  # no French without the English it translates


def test_the_french_provenance_notes_match_the_english():
    """SOURCES.fr.md translates SOURCES.md: same dates, same code and file names, same headings."""
    import re

    en, fr = ((DATA / name).read_text(encoding="utf-8") for name in ("SOURCES.md", "SOURCES.fr.md"))
    for pattern in (r"\d{4}-\d{2}-\d{2}", r"`[^`]+`", r"https?://\S+"):
        assert sorted(re.findall(pattern, en)) == sorted(re.findall(pattern, fr)), pattern
    assert [len(h) for h in re.findall(r"^#+", en, re.M)] == [len(h) for h in re.findall(r"^#+", fr, re.M)]


def test_at_least_400_events_across_the_region(facts):
    events = facts.events
    assert len(events) >= 400
    assert set(events["iso3"]) >= WEST_AFRICA - {"CPV"} | {"TCD", "CMR", "DZA", "SDN", "CAF"}
    assert (events["category"] == "attack").sum() >= 80


def test_no_event_is_entered_twice(facts):
    same = facts.events.duplicated(["date", "place", "category"], keep=False)
    assert not same.any(), facts.events.loc[same, ["id", "date", "place"]]


def test_death_tolls_are_counts_on_violent_events(facts):
    tolls = facts.events.dropna(subset=["deaths"])
    assert len(tolls) >= 50 and (tolls["deaths"] >= 0).all()
    assert set(tolls["category"]) <= {"attack", "protest", "coup", "coup_attempt"}


def test_the_three_audit_findings_are_fixed(facts):
    s = facts.status
    usa = s[(s["iso3"] == "NER") & (s["dimension"] == "forces_usa")]
    assert list(usa["end"]) == [pd.Timestamp("2024-09-16")]  # withdrawal done by 15 Sept 2024
    for iso3, day in (("MLI", "2022-07-03"), ("NER", "2024-02-24")):
        after = status_on(s, pd.Timestamp(day).date())
        held = after[(after["iso3"] == iso3) & (after["dimension"] == "ecowas_sanctions")]
        assert list(held["value"]) == ["targeted"], iso3  # only the economic ones were lifted
    veto = facts.events[(facts.events["date"] == pd.Timestamp("2023-08-30"))
                        & facts.events["title"].str.contains("veto", case=False)]
    assert len(veto) == 1


def test_guinea_is_under_sanctions_without_a_break_since_september_2021(facts):
    s = facts.status
    guinea = s[(s["iso3"] == "GIN") & (s["dimension"] == "ecowas_sanctions")].sort_values("start")
    assert set(guinea["run_since"]) == {pd.Timestamp("2021-09-16")}
    assert guinea["value"].tolist() == ["targeted", "economic", "targeted"]


def test_new_alignment_dimensions_cover_the_sahel_states(facts):
    s = facts.status
    for dimension in ("au", "oif", "icc", "mission_un", "mission_eu"):
        assert len(s[s["dimension"] == dimension]) >= 4, dimension
    now = status_on(s, facts.curated.date())
    icc = now[now["dimension"] == "icc"].set_index("iso3")["value"]
    assert {icc["MLI"], icc["BFA"], icc["NER"]} == {"withdrawing"}
    au = set(now.loc[now["dimension"] == "au", "iso3"])
    assert {"MLI", "BFA", "NER"} <= au


def test_the_data_changelog_names_the_curation_date(facts):
    changelog = (DATA / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## {facts.curated:%Y-%m-%d}" in changelog


def test_places_lie_in_their_country_and_every_west_african_state_has_its_capital(facts):
    places = facts.places
    assert set(places.loc[places["kind"] == "capital", "iso3"]) >= WEST_AFRICA
    assert places["sources"].str.fullmatch(r"https://www\.geonames\.org/\d+").all()
    assert not places.duplicated(["iso3", "name"]).any()
    borders = facts.borders.set_index("iso3").to_crs(AFRICA_EQUIDISTANT)
    points = gpd.GeoSeries(gpd.points_from_xy(places["lon"], places["lat"]),
                           crs=4326).to_crs(AFRICA_EQUIDISTANT)
    far = [(p.name, round(borders.geometry[p.iso3].distance(point) / 1000))
           for p, point in zip(places.itertuples(), points, strict=True)
           if borders.geometry[p.iso3].distance(point) > 25_000]
    assert far == []
    capitals = dict(zip(places.loc[places["kind"] == "capital", "iso3"],
                        places.loc[places["kind"] == "capital", "name"], strict=True))
    assert (capitals["NER"], capitals["MLI"], capitals["BFA"]) == ("Niamey", "Bamako", "Ouagadougou")


FACT_TABLES = ("coups", "status", "events", "un_votes")


def cited(facts) -> list[tuple[str, int, str]]:
    """(table, line in its file, sources) of every fact row."""
    return [(table, line, sources) for table in FACT_TABLES
            for line, sources in enumerate(getattr(facts, table)["sources"], start=2)]


def test_every_cited_site_is_in_the_register_of_outlets(facts):
    from geo.outlets import missing_domains

    assert len(facts.outlets) >= 700
    urls = [url for _, _, sources in cited(facts) for url in sources.split()]
    assert missing_domains(urls, facts.outlets) == []
    assert {o.kind for o in facts.outlets.values()} <= set(OUTLET_KINDS)
    assert facts.outlets["reuters.com"].kind == "wire"
    assert facts.outlets["news.un.org"].kind == "official"
    assert facts.outlets["allafrica.com"].kind == "aggregator"


def test_no_row_cites_a_spam_site_or_a_staging_host(facts):
    from geo.outlets import domain_of, spam_links

    spam = [(table, line, spam_links(sources, facts.outlets))
            for table, line, sources in cited(facts) if spam_links(sources, facts.outlets)]
    assert spam == []
    staging = [(table, line, url) for table, line, sources in cited(facts) for url in sources.split()
               if domain_of(url).startswith(("staging.", "stg-", "pre.")) or domain_of(url).endswith(".")]
    assert staging == []


def test_rows_cite_an_official_text_a_wire_or_an_established_outlet(facts):
    """The newsroom's bar (issue 26): at least 85% of rows cite an official, wire, international or
    national source, and no row rests only on aggregators or unknown sites."""
    from geo.outlets import source_kinds, well_sourced

    rows = cited(facts)
    good = sum(well_sourced(sources, facts.outlets) for _, _, sources in rows)
    assert good / len(rows) >= 0.85, f"{good} of {len(rows)} rows well sourced"
    weak = [(table, line) for table, line, sources in rows
            if set(source_kinds(sources, facts.outlets)) <= {"aggregator", "unknown", "spam"}]
    assert weak == []


def test_a_claim_carried_only_by_state_media_says_whose_it_is(facts):
    from geo.outlets import source_kinds

    for table, text in (("events", "summary"), ("coups", "summary"), ("status", "note")):
        frame = getattr(facts, table)
        for sources, said in zip(frame["sources"], frame[text], strict=True):
            kinds = set(source_kinds(sources, facts.outlets))
            if "state" in kinds and kinds <= {"state", "aggregator"}:
                assert "according to" in said.lower(), said


def test_conflicts_found_by_re_sourcing_are_settled_or_attributed(facts):
    events = facts.events.set_index("id")
    assert events.loc["cmr-2021-01-08-mozogo-suicide-attack", "date"] == pd.Timestamp("2021-01-08")
    guinea = events.loc["gin-2025-05-15-mass-mining-licence-revocation"]
    assert guinea["date"] == pd.Timestamp("2025-05-15") and "51" in guinea["title"]
    assert events.loc["ben-2025-10-27-court-confirms-two-candidates", "date"] == pd.Timestamp(
        "2025-10-27")
    assert "day before Prigozhin" in events.loc["lby-2023-08-22-yevkurov-benghazi-haftar", "summary"]
    assert "unconfirmed" in events.loc["nga-2020-11-28-zabarmari-massacre", "summary"]
    yelwata = events.loc["nga-2025-06-13-yelwata-massacre"]
    assert yelwata["deaths"] == 59 and "151" in yelwata["summary"]
    assert not facts.events["summary"].str.contains("Wikipedia").any()
    assert events.loc["mli-2025-04-03-russia-aes-consultations-moscow", "summary"].startswith(
        "According to Russian state media")


def test_the_edge_of_what_was_checked_is_stated_and_no_fact_lies_past_it(facts):
    assert facts.checked == pd.Timestamp("2026-03-13") and facts.checked <= facts.curated
    edge = facts.checked
    assert facts.events["date"].max() <= edge and facts.coups["date"].max() <= edge
    assert facts.status["start"].max() <= edge and facts.status["end"].dropna().max() <= edge
    french = (DATA / "SOURCES.fr.md").read_text(encoding="utf-8")
    assert "Faits vérifiés jusqu'au : 2026-03-13" in french
    changelog = (DATA / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "checked up to 2026-03-13" in changelog


def test_the_fixes_and_missing_events_found_by_checking_are_in(facts):
    e = facts.events.set_index("id")
    strikes = e.loc["nga-2025-12-26-us-strikes-tangaza"]
    assert strikes["date"] == pd.Timestamp("2025-12-26") and "Tangaza" in strikes["place"]
    assert "nga-2025-12-25-us-strikes-sokoto" not in e.index
    for ident, day in (("gin-2020-03-22-constitutional-referendum", "2020-03-22"),
                       ("gin-2020-10-18-presidential-election", "2020-10-18"),
                       ("mli-2022-03-08-menaka-offensive-tamalat", "2022-03-08"),
                       ("nga-2022-07-05-kuje-prison-break", "2022-07-05"),
                       ("mli-2024-11-20-choguel-maiga-dismissed", "2024-11-20"),
                       ("bfa-2024-12-06-prime-minister-dismissed", "2024-12-06"),
                       ("mli-2025-05-12-diafarabe-executions", "2025-05-12"),
                       ("mli-2025-05-23-dioura-camp-attack", "2025-05-23"),
                       ("gnb-2026-01-21-election-date-decree", "2026-01-21"),
                       ("ner-2026-03-09-tahoua-air-base-attack", "2026-03-09"),
                       ("bfa-2026-03-11-us-envoy-checker-ouagadougou", "2026-03-11")):
        assert e.loc[ident, "date"] == pd.Timestamp(day), ident
    s = facts.status
    oif = s[(s["iso3"] == "NER") & (s["dimension"] == "oif")].set_index("value")
    assert oif.loc["withdrawn", "start"] == pd.Timestamp("2025-09-07")
    assert oif.loc["suspended", "end"] == pd.Timestamp("2025-09-07")
    assert "7 Mar 2025" in oif.loc["withdrawn", "note"]


def test_places_have_their_french_names_for_french_maps(facts):
    from geo.facts import places_in

    assert (facts.places["name_fr"].str.len() > 0).all()
    french = places_in(facts.places, "fr").set_index("iso3")
    assert french.loc["DZA", "name"] == "Alger" and french.loc["TCD", "name"] == "N'Djaména"
    assert places_in(facts.places, "en").set_index("iso3").loc["DZA", "name"] == "Algiers"
