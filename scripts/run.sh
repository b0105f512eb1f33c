#!/usr/bin/env bash
# Install the dashboard's packages in .venv and open it on the bundled data.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install -q -r requirements.txt
exec .venv/bin/streamlit run dashboard.py "$@"
