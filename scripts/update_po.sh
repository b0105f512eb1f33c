#!/usr/bin/env sh
# Refresh the French catalog after marking strings with tr("...") or N_("..."): new strings
# arrive with an empty translation (the i18n test fails until they are translated), strings no
# longer in the code are dropped, existing translations are kept.
set -eu
cd "$(dirname "$0")/.."
PY="${PYTHON:-.venv/bin/python}"
POT="$(mktemp)"
"$PY" -m babel.messages.frontend extract -k tr -k N_ --no-default-keywords --sort-output -w 100 \
    --project sahel-coup-belt --version 0.1 -o "$POT" geo app pages dashboard.py
"$PY" -m babel.messages.frontend update --no-fuzzy-matching --ignore-obsolete -w 100 \
    -i "$POT" -d locale -D messages -l fr
rm -f "$POT"
