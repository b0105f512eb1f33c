#!/usr/bin/env bash
# Install what the tests need (Python packages in .venv; Debian's Chromium, PostgreSQL and
# PostGIS) and run all tests: unit, data, AppTest, the real-browser suite and the store on
# SQLite and on a throwaway PostgreSQL cluster, plus ruff and mypy.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
compgen -G "/usr/share/postgresql/*/extension/postgis.control" >/dev/null || missing+=(postgis)
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# VENV and DEPS are set by scripts/latest.sh (the newest releases within the ranges, in a venv
# of their own); by default the locked versions, checked against their hashes, in .venv.
VENV="${VENV:-.venv}"
python3 -m venv "$VENV"
"$VENV"/bin/python -m pip install -q --upgrade pip
if [ "${DEPS:-lock}" = latest ]; then
  "$VENV"/bin/python -m pip install -q --upgrade --upgrade-strategy eager -r requirements-dev.txt
  "$VENV"/bin/python scripts/lock_diff.py requirements-dev.lock
else
  "$VENV"/bin/python -m pip install -q --require-hashes -r requirements-dev.lock
fi
"$VENV"/bin/ruff check .
"$VENV"/bin/mypy
# A PostgreSQL cluster for the store tests, only for this run (as the postgres user when root).
if [ -z "${COUPBELT_TEST_PG:-}" ]; then
  PGTMP="$(mktemp -d /tmp/coupbelt-pg-XXXXXX)"
  trap '"$VENV"/bin/python tests/pgcluster.py stop "$PGTMP"; rm -rf "$PGTMP"' EXIT
  COUPBELT_TEST_PG="$("$VENV"/bin/python tests/pgcluster.py start "$PGTMP")"
  export COUPBELT_TEST_PG
fi
# The test files run on every core (pytest-xdist, one file per process at a time: a file's
# servers and fixtures stay in one process); TEST_WORKERS=0 runs them in this process.
"$VENV"/bin/python -m pytest -n "${TEST_WORKERS:-auto}" --dist loadfile "$@"
