#!/usr/bin/env bash
# Install the dashboard's packages in .venv and open it on the bundled data
# (http://localhost:8501; extra arguments go to `streamlit run`, e.g. --server.port 8600).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install -q --require-hashes -r requirements.lock  # exact versions, checked
# Open a browser tab once the server answers (where there is a desktop; harmless elsewhere).
( for _ in $(seq 60); do
    if .venv/bin/python -c "import urllib.request as u; u.urlopen('http://localhost:8501/_stcore/health', timeout=1)" 2>/dev/null; then
      .venv/bin/python -m webbrowser -t http://localhost:8501 >/dev/null 2>&1 || true; break
    fi; sleep 1; done ) &
exec .venv/bin/streamlit run dashboard.py "$@"
