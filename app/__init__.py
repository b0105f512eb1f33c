"""The app glue: the only non-page code that imports Streamlit (cached loading, shared state)."""

import os

# DuckDB (the events engine) allocates through its own jemalloc on Linux, which keeps freed
# pages until later allocations purge them: on an idle server, never, and malloc_trim does not
# reach them. Five imports queried by the engine left about 190 MB behind in a bare process;
# with no decay, 33 MB (BENCHMARKS.md). jemalloc reads this when DuckDB loads: the app's
# modules come first in every page's imports, so it is set before anything imports DuckDB.
os.environ.setdefault("DUCKDB_JE_MALLOC_CONF", "dirty_decay_ms:0,muzzy_decay_ms:0")
