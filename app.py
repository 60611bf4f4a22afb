"""Descent Lab: watch optimizers walk 2D loss landscapes. The router: page config once,
then the page the URL names (each in pages/, listed in ui/router.py)."""

import streamlit as st

from ui import compiling
from ui.router import navigation

page = navigation()
above_the_page = st.container()  # filled after the page: what it did while compiling
try:
    page.run()
finally:  # also after st.stop(), as on a first visit's figure-only run
    with above_the_page:
        compiling.banner()
