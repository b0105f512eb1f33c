"""Who a source is: the register of outlets the facts cite (data/outlets.csv), by domain.

A source URL is matched to the register by its host, normalised: lower case, no port, no trailing
dot, and one leading `www.`, `www2.`, `m.`, `amp.` or `mobile.` removed; other sub-domains are
kept (fr.allafrica.com and allafrica.com are two rows). Each outlet has a name, a kind
(geo.vocabulary.OUTLET_KINDS) and a country (ISO3, `INT` for international bodies, or empty).
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from geo.escape import is_web_url
from geo.i18n import Translate, english
from geo.vocabulary import ESTABLISHED_KINDS, OUTLET_KINDS

PREFIXES = ("www.", "www2.", "m.", "amp.", "mobile.")


def _scheme(url: str) -> str:
    try:
        return urlsplit(url).scheme.lower()
    except ValueError:
        return ""


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


def source_label(url: str, register: Register, tr: Translate = english) -> str:
    """How a source reads beside a fact: its outlet's name and kind ('Reuters (news agency)');
    with no register at all, its site ('reuters.com')."""
    outlet = outlet_of(url, register)
    return outlet.label(tr) if register else outlet.name


def source_links(sources: str | Iterable[str], register: Register, tr: Translate = english,
                 new_tab: bool = True) -> str:
    """Sources as HTML: each http(s) URL a link named by its outlet, the outlet's kind beside it
    and the URL in its title; any other text escaped, never a link."""
    items = sources.split() if isinstance(sources, str) else list(sources)
    target = ' target="_blank"' if new_tab else ""
    parts = []
    for item in items:
        if not is_web_url(item):
            parts.append(f"<span>{html.escape(str(item))}</span>")
            continue
        url = html.escape(item.strip(), quote=True)
        outlet = outlet_of(item, register)
        kind = (f' <span class="outlet-kind">({html.escape(tr(OUTLET_KINDS[outlet.kind]))})</span>'
                if register else "")
        parts.append(f'<span class="source"><a href="{url}"{target} rel="noopener noreferrer" '
                     f'title="{url}">{html.escape(outlet.name)}</a>{kind}</span>')
    return " ".join(parts)


def popup_sources(sources: str, register: Register, tr: Translate = english) -> list[object]:
    """A fact's http(s) sources as the maps' popups take them (coupbelt.js):
    [url, 'Name (kind)'] each; the bare URL when there is no register (the popup names its site)."""
    urls = [u for u in str(sources).split() if _scheme(u) in ("http", "https")]
    if not register:
        return list(urls)
    return [[u, source_label(u, register, tr)] for u in urls]
