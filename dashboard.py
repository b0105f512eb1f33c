"""West Africa's coup belt on any date since 2020: the app's entry point and page list.

    streamlit run dashboard.py
"""

import streamlit as st

st.set_page_config(page_title="Sahel coup belt", layout="wide")
st.navigation([
    st.Page("pages/situation_map.py", title="Situation map", default=True),
    st.Page("pages/coups.py", title="Coups", url_path="coups"),
    st.Page("pages/alignments.py", title="Alignments", url_path="alignments"),
    st.Page("pages/events.py", title="Events", url_path="events"),
    st.Page("pages/sources.py", title="Sources & data", url_path="sources"),
]).run()
