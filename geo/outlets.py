"""Who a source is: the register of outlets the facts cite (data/outlets.csv), by domain.

A source URL is matched to the register by its host, normalised: lower case, no port, no trailing
dot, and one leading `www.`, `www2.`, `m.`, `amp.` or `mobile.` removed; other sub-domains are
kept (fr.allafrica.com and allafrica.com are two rows). Each outlet has a name, a kind
(geo.vocabulary.OUTLET_KINDS) and a country (ISO3, `INT` for international bodies, or empty).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from geo.i18n import Translate, english
from geo.vocabulary import ESTABLISHED_KINDS, OUTLET_KINDS

PREFIXES = ("www.", "www2.", "m.", "amp.", "mobile.")


def domain_of(url: str) -> str:
    """The register's key for a URL's site ('reuters.com'); '' when it has no host."""
    try:
        host = (urlsplit(str(url).strip()).hostname or "").lower().rstrip(".")
    except ValueError:  # an unparsable URL (bad IPv6 brackets, bad port) has no site
        return ""
    for prefix in PREFIXES:
        if host.startswith(prefix):
            return host[len(prefix):]
    return host


@dataclass(frozen=True)
class Outlet:
    """One outlet of the register: its domain, name, kind and country (ISO3, INT or '')."""

    domain: str
    name: str
    kind: str
    country: str = ""

    def label(self, tr: Translate = english) -> str:
        """The outlet as a reader sees it: 'Reuters (news agency)'."""
        return f"{self.name} ({tr(OUTLET_KINDS[self.kind])})"


Register = Mapping[str, Outlet]


def outlet_of(url: str, register: Register) -> Outlet:
    """The outlet behind `url`; a site missing from the register is 'unknown', named by its
    domain (or by the text itself when it has no site)."""
    domain = domain_of(url)
    found = register.get(domain)
    if found is not None:
        return found
    return Outlet(domain or str(url), domain or str(url), "unknown")


def source_kinds(sources: str, register: Register) -> list[str]:
    """The kind of each space-separated source, in order."""
    return [outlet_of(url, register).kind for url in str(sources).split()]


def well_sourced(sources: str, register: Register) -> bool:
    """True when at least one source is an official text, a wire, or an international or
    national outlet (the project's bar for a fact a newsroom would cite)."""
    return any(kind in ESTABLISHED_KINDS for kind in source_kinds(sources, register))


def spam_links(sources: str, register: Register) -> list[str]:
    """The sources whose site the register files as spam (to be removed from the data)."""
    return [url for url in str(sources).split() if outlet_of(url, register).kind == "spam"]


def missing_domains(cited: Iterable[str], register: Register) -> list[str]:
    """The domains of `cited` URLs that the register lacks, sorted, each once."""
    return sorted({d for d in map(domain_of, cited) if d and d not in register})
