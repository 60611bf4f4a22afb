"""Descent Lab: watch optimizers walk 2D loss landscapes. The router: page config once,
then the pages (each in pages/)."""

import streamlit as st

st.set_page_config(page_title="Descent Lab", page_icon="⛰️", layout="wide")
page = st.navigation(
    [
        st.Page("pages/playground.py", title="Playground", icon="🎢", default=True),
        st.Page("pages/compare.py", title="Compare", icon="🔬"),
        st.Page("pages/schedules.py", title="Schedules", icon="📉"),
        st.Page("pages/gallery.py", title="Gallery", icon="🖼️"),
    ]
)
page.run()
