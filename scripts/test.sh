#!/usr/bin/env bash
# Install what the tests need (Python packages in .venv, Debian's Chromium) and run all tests:
# unit, data, AppTest and the real-browser suite, plus ruff and mypy.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -r requirements-dev.txt
.venv/bin/ruff check .
.venv/bin/mypy
.venv/bin/python -m pytest "$@"
