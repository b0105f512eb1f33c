"""Copy Leaflet's built files from the xstatic-leaflet package into static/leaflet/.

The dashboard serves Leaflet itself (Streamlit static serving) so that the map draws with no
internet. Rerun after upgrading xstatic-leaflet:  python scripts/vendor_leaflet.py
"""

from __future__ import annotations

import shutil
from pathlib import Path

import xstatic.pkg.leaflet as xleaflet

TARGET = Path(__file__).resolve().parent.parent / "static" / "leaflet"
FILES = ["leaflet.js", "leaflet.css", "images/layers.png", "images/layers-2x.png"]


def main() -> None:
    source = Path(xleaflet.BASE_DIR)
    for name in FILES:
        dest = TARGET / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / name, dest)
    print(f"Leaflet {xleaflet.VERSION} copied to {TARGET}")


if __name__ == "__main__":
    main()
