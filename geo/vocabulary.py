"""The closed vocabularies of the data files, defined once, with their display labels and colours.

Colours are from the Okabe-Ito colour-blind-safe palette; every class also has a label, so no
meaning is carried by colour alone.
"""

from __future__ import annotations

from datetime import date

from geo.i18n import N_

COVERAGE_START = date(2020, 1, 1)

# Okabe & Ito (2008), "Color Universal Design".
OKABE_ITO = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "black": "#000000",
}
# Paul Tol's "muted" scheme (also colour-blind safe), for classes beyond Okabe-Ito's eight.
TOL_MUTED = {
    "wine": "#882255",
    "teal": "#44AA99",
    "indigo": "#332288",
    "olive": "#999933",
    "rose": "#CC6677",
}
NO_DATA_COLOUR = "#d9d9d9"


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours (1 to 21)."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def text_colour(background: str) -> str:
    """Black or white, whichever reads better on `background` (WCAG contrast)."""
    return "#000000" if contrast(background, "#000000") >= contrast(background, "#FFFFFF") else "#FFFFFF"

REGIONS = ("west_africa", "context")

OUTCOMES = ("successful", "failed")

# dimension -> allowed values. A country has at most one value per dimension on any date.
DIMENSIONS: dict[str, tuple[str, ...]] = {
    "regime": ("military", "civilian"),
    "ecowas": ("member", "suspended", "withdrawn"),
    # economic: economic and financial sanctions (borders, trade, central-bank assets), with or
    # without targeted ones; targeted: only measures on named people (travel bans, asset freezes)
    "ecowas_sanctions": ("economic", "targeted"),
    "aes": ("member",),
    "forces_france": ("present",),
    "forces_russia": ("wagner", "africa_corps"),
    "forces_usa": ("present",),
    "au": ("suspended",),  # African Union: suspended by its Peace and Security Council
    "oif": ("suspended", "withdrawn"),  # Francophonie; withdrawn = six months after notice
    "icc": ("member", "withdrawing", "withdrawn"),  # Rome Statute: party, exit announced, out
    "mission_un": ("present",),  # a UN peacekeeping or political mission in the country
    "mission_eu": ("present",),  # an EU CSDP mission or initiative in the country
}
FORCE_DIMENSIONS = ("forces_france", "forces_russia", "forces_usa")
FORCE_LABELS = {"forces_france": N_("France"), "forces_russia": N_("Russia"),
                "forces_usa": N_("USA")}
FORCE_CODES = {"forces_france": "FR", "forces_russia": "RU", "forces_usa": "US"}
FORCE_COLOURS = {
    "forces_france": OKABE_ITO["blue"],
    "forces_russia": OKABE_ITO["vermillion"],
    "forces_usa": OKABE_ITO["green"],
}

VALUE_LABELS: dict[tuple[str, str], str] = {
    ("regime", "military"): N_("Military rule"),
    ("regime", "civilian"): N_("Civilian government"),
    ("ecowas", "member"): N_("ECOWAS member"),
    ("ecowas", "suspended"): N_("Suspended from ECOWAS"),
    ("ecowas", "withdrawn"): N_("Withdrawn from ECOWAS"),
    ("ecowas_sanctions", "economic"): N_("ECOWAS economic and financial sanctions"),
    ("ecowas_sanctions", "targeted"): N_("ECOWAS targeted sanctions only"),
    ("aes", "member"): N_("AES member"),
    ("forces_france", "present"): N_("French forces"),
    ("forces_russia", "wagner"): N_("Wagner Group"),
    ("forces_russia", "africa_corps"): N_("Russia's Africa Corps"),
    ("forces_usa", "present"): N_("US forces"),
    ("au", "suspended"): N_("Suspended from the African Union"),
    ("oif", "suspended"): N_("Suspended from the Francophonie"),
    ("oif", "withdrawn"): N_("Withdrawn from the Francophonie"),
    ("icc", "member"): N_("ICC state party"),
    ("icc", "withdrawing"): N_("ICC withdrawal announced"),
    ("icc", "withdrawn"): N_("Withdrawn from the ICC"),
    ("mission_un", "present"): N_("UN mission present"),
    ("mission_eu", "present"): N_("EU mission present"),
}

EVENT_CATEGORIES: dict[str, tuple[str, str]] = {
    # category -> (label, colour)
    "coup": (N_("Coup"), OKABE_ITO["vermillion"]),
    "coup_attempt": (N_("Failed coup attempt"), OKABE_ITO["orange"]),
    "ecowas": (N_("ECOWAS decision or summit"), OKABE_ITO["blue"]),
    "ecowas_force": (N_("ECOWAS standby force"), OKABE_ITO["sky_blue"]),
    "aes": (N_("Alliance of Sahel States"), OKABE_ITO["purple"]),
    "foreign_forces": (N_("Foreign forces"), OKABE_ITO["green"]),
    "protest": (N_("Protest"), OKABE_ITO["yellow"]),
    "diplomacy": (N_("Diplomacy"), OKABE_ITO["black"]),
    "attack": (N_("Armed attack or massacre"), TOL_MUTED["wine"]),
    "governance": (N_("Election, referendum or charter"), TOL_MUTED["teal"]),
    "mission": (N_("International mission"), TOL_MUTED["indigo"]),
    "economy": (N_("Economic sovereignty"), TOL_MUTED["olive"]),
    "rupture": (N_("Diplomatic rupture or rapprochement"), TOL_MUTED["rose"]),
}

UN_VOTES: dict[str, tuple[str, str]] = {
    # vote -> (label, colour)
    "yes": (N_("Yes"), OKABE_ITO["blue"]),
    "no": (N_("No"), OKABE_ITO["vermillion"]),
    "abstain": (N_("Abstained"), OKABE_ITO["orange"]),
    "absent": (N_("Did not vote"), OKABE_ITO["purple"]),
    "not_un_member": (N_("Not a UN member"), NO_DATA_COLOUR),
}

UPLOAD_CATEGORY = "upload"  # the category of every event a user imports

# The kinds of outlet in data/outlets.csv: kind -> label (what a reader sees beside the name).
OUTLET_KINDS: dict[str, str] = {
    "official": N_("official text"),
    "wire": N_("news agency"),
    "international": N_("international outlet"),
    "national": N_("national outlet"),
    "regional": N_("regional or local outlet"),
    "aggregator": N_("aggregator"),
    "state": N_("state-affiliated media"),
    "spam": N_("spam site"),
    "unknown": N_("unknown outlet"),
}
# A fact is well sourced when at least one of its sources is of one of these kinds.
ESTABLISHED_KINDS = ("official", "wire", "international", "national")
