"""Offline asset wiring: the map loads Leaflet from the app itself, never from a CDN.

folium's defaults pull Leaflet, jQuery, Bootstrap and Font Awesome from CDNs; streamlit-folium
loads them one after another and stops at the first failure, leaving the map blank offline.
Only leaflet.js and leaflet.css are needed for what this dashboard draws.
"""

from __future__ import annotations

from pathlib import Path

import folium

# Served by Streamlit's static file serving from static/ at /app/static/. The path is relative to
# the streamlit-folium component iframe (/component/<name>/index.html), so it also works when the
# app runs under a server.baseUrlPath.
STATIC_PREFIX = "../../app/static"
LEAFLET_JS = f"{STATIC_PREFIX}/leaflet/leaflet.js"
LEAFLET_CSS = f"{STATIC_PREFIX}/leaflet/leaflet.css"
COUPBELT_JS = f"{STATIC_PREFIX}/js/coupbelt.js"  # the legend layer and the remembered view


def use_local_assets(m: folium.Map) -> folium.Map:
    """Point the map at the locally served Leaflet and our helpers only (new lists: folium's
    are shared)."""
    m.default_js = [("leaflet", LEAFLET_JS), ("coupbelt", COUPBELT_JS)]
    m.default_css = [("leaflet_css", LEAFLET_CSS)]
    return m


STATIC = Path(__file__).resolve().parent.parent / "static"


def standalone_html(m: folium.Map) -> str:
    """The map as one HTML file with Leaflet inlined: it opens with no internet and no server."""
    m.default_js, m.default_css = [], []
    page = str(m.get_root().render())
    css = (STATIC / "leaflet" / "leaflet.css").read_text(encoding="utf-8")
    js = "\n".join((STATIC / path).read_text(encoding="utf-8")
                   for path in ("leaflet/leaflet.js", "js/coupbelt.js"))
    inline = f"<style>{css}</style>\n<script>{js}</script>\n"
    return page.replace("<head>", "<head>\n" + inline, 1)
