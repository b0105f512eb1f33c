"""West Africa's coup belt on any date since 2020: the app's entry point and page list.

    streamlit run dashboard.py
"""

import streamlit as st

from app.page import finish_page
from app.state import page_language
from geo.i18n import translator

st.set_page_config(page_title="Sahel coup belt", layout="wide")
tr = translator(page_language())
page = st.navigation([
    st.Page("pages/situation_map.py", title=tr("Situation map"), default=True),
    st.Page("pages/coups.py", title=tr("Coups"), url_path="coups"),
    st.Page("pages/alignments.py", title=tr("Alignments"), url_path="alignments"),
    st.Page("pages/events.py", title=tr("Events"), url_path="events"),
    st.Page("pages/country.py", title=tr("Country"), url_path="country"),
    st.Page("pages/sources.py", title=tr("Sources & data"), url_path="sources"),
])
try:
    page.run()
finally:  # the shared sidebar, after the page's map (app.page.start_page)
    finish_page()
