#!/usr/bin/env sh
# Compile the locks from the ranges: requirements.lock (the dashboard) from requirements.txt and
# requirements-dev.lock (plus tests and tools) from requirements-dev.txt, every version exact and
# every file hashed, for any platform on Python 3.11 and later. Versions already locked are kept
# unless asked otherwise: `./scripts/lock.sh --upgrade` takes the newest releases within the
# ranges (run ./scripts/latest.sh first), `--upgrade-package streamlit` only that one.
set -eu
cd "$(dirname "$0")/.."
UV="${UV:-.venv/bin/uv}"
for name in requirements requirements-dev; do
  "$UV" pip compile "$name.txt" --universal --python-version 3.11 --generate-hashes -q \
      --custom-compile-command "./scripts/lock.sh" -o "$name.lock" "$@"
done
