#!/usr/bin/env sh
# The newest releases within the ranges (requirements.txt, requirements-dev.txt), not the lock:
# installs them into .venv-latest, says which differ from requirements-dev.lock, and runs what
# scripts/test.sh runs (ruff, mypy, unit, data, AppTest, browser, store tests). Run it when a
# dependency ships (a Streamlit or streamlit-folium release above all): green, refresh the lock
# with ./scripts/lock.sh --upgrade; red, the failing test names what the release broke.
# Extra arguments go to pytest, e.g. ./scripts/latest.sh -m "not browser".
set -eu
cd "$(dirname "$0")/.."
VENV=.venv-latest DEPS=latest exec ./scripts/test.sh "$@"
