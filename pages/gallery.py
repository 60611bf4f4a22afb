"""Gallery: the classic lecture demos, one click each."""

import streamlit as st

from ui import config as cfg
from ui import widgets as w
from ui.presets import PRESETS
from ui.router import ensure_navigation

ensure_navigation()

PAGES = {
    "playground": "pages/playground.py",
    "schedules": "pages/schedules.py",
    "stochastic": "pages/stochastic.py",
    "neural_net": "pages/neural_net.py",
    "sweep": "pages/sweep.py",
}

st.title("Gallery")
st.write(
    "Each demo opens its page fully configured, with a sentence on what to watch. "
    "Add `&lecture=1` to a link for large type on a projector, and "
    "`&hide=runs,schedule` to hide controls from the class."
)
columns = st.columns(3)
for index, preset in enumerate(PRESETS):
    with columns[index % 3].container(border=True):
        st.subheader(preset.title)
        if preset.picture.exists():  # drawn by `python -m ui.thumbnails`
            st.image(str(preset.picture), alt=f"The runs of the demo: {preset.title}")
        st.write(preset.lesson)
        lecture = st.toggle("lecturer mode", key=f"gallery.lecture.{preset.key}")
        if st.button("Open", key=f"gallery.open.{preset.key}", type="primary"):
            view = cfg.ViewOptions(lecture=lecture, preset=preset.key)
            w.forget_loaded_state()
            st.switch_page(
                PAGES[preset.page],
                query_params={**preset.query, **cfg.view_to_query(view)},
            )
