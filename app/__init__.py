"""The app glue: the only non-page code that imports Streamlit (cached loading, shared state)."""
