"""The app's navigation, shared by app.py and by every page.

Streamlit treats a folder named pages/ beside the main script as its legacy multipage
layout until the main script has called st.navigation once. So on a freshly started
server, a first request for /compare runs pages/compare.py directly, skipping app.py:
no page config, the legacy menu. Every page therefore calls `ensure_navigation()`
first, which registers the real navigation and reruns through it.
"""

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

PAGES = (
    ("pages/playground.py", "Playground", ":material/route:"),
    ("pages/compare.py", "Compare", ":material/grid_view:"),
    ("pages/schedules.py", "Schedules", ":material/trending_down:"),
    ("pages/stochastic.py", "Stochastic", ":material/casino:"),
    ("pages/neural_net.py", "Neural net", ":material/neurology:"),
    ("pages/sweep.py", "Sweep", ":material/map:"),
    ("pages/gallery.py", "Gallery", ":material/photo_library:"),
)


_registered = False  # has this process registered the navigation yet?


def navigation():
    """Page config and the navigation menu; returns the page to run."""
    global _registered
    _registered = True
    from landscapes import _jit
    from ui.state import is_lecture

    # Lecturer mode gives the projector's width to the figure: the sidebar starts
    # closed (a click on its arrow opens it). The URL decides, on every run: each
    # page writes its lecture=1 back to the URL.
    lecture = is_lecture(st.query_params.get("lecture"))
    st.set_page_config(
        page_title="Descent Lab",
        page_icon=":material/landscape:",
        layout="wide",
        initial_sidebar_state="collapsed" if lecture else "auto",
        menu_items={
            "About": (
                "**Descent Lab**: optimizers walking loss landscapes, in Numba "
                f"kernels.\n\nKernels are serial and release the GIL; heavy ones are "
                f"split over {_jit.WORKERS} threads, so no Numba threading layer is "
                "used and concurrent sessions are safe on every machine."
            )
        },
    )
    from ui import compiling

    compiling.install()
    return st.navigation(
        [
            st.Page(path, title=title, icon=icon, default=index == 0)
            for index, (path, title, icon) in enumerate(PAGES)
        ]
    )


def ensure_navigation() -> None:
    """If Streamlit's legacy pages/ routing ran this page without app.py, register the
    navigation and rerun the request through it. Only before the first registration:
    AppTest resets Streamlit's flag on every run, and a rerun would drop that run's
    button clicks."""
    if PagesManager.uses_pages_directory and not _registered:
        navigation()
        st.rerun()
