"""The dashboard's model: facts loaded and validated, date logic, and folium layers.

Nothing in this package imports Streamlit.
"""
