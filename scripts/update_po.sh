#!/usr/bin/env sh
# Refresh the French catalog after marking strings with tr("..."), N_("...") or, for a count,
# ngettext("...", "...", n) (from geo.i18n.plural) or plural_forms("...", "...", lang): new strings
# arrive with an empty translation (the i18n test fails until they are translated), strings no
# longer in the code are dropped, existing translations are kept.
set -eu
cd "$(dirname "$0")/.."
PY="${PYTHON:-.venv/bin/python}"
POT="$(mktemp)"
"$PY" -m babel.messages.frontend extract -k tr -k N_ -k ngettext:1,2 -k plural_forms:1,2 --no-default-keywords --sort-output -w 100 \
    --project sahel-coup-belt --version 0.1 -o "$POT" geo app pages dashboard.py
"$PY" -m babel.messages.frontend update --no-fuzzy-matching --ignore-obsolete -w 100 \
    -i "$POT" -d locale -D messages -l fr
rm -f "$POT"
