"""Gallery: the classic lecture demos, one click each."""

import streamlit as st

from ui import state as page_state
from ui.presets import PRESETS
from ui.router import ensure_navigation

INTRO = (
    "Each demo opens its page fully configured, with a sentence on what to watch. "
    "Add `&lecture=1` to a link for large type on a projector, and "
    "`&hide=runs,schedule` to hide controls from the class."
)


def card(preset) -> None:
    """A demo: its title, picture and lesson, lecturer mode's switch and Open."""
    st.subheader(preset.title)
    if preset.picture.exists():  # drawn by `python -m ui.thumbnails`
        st.image(str(preset.picture), alt=f"The runs of the demo: {preset.title}")
    st.write(preset.lesson)
    lecture = st.toggle("lecturer mode", key=f"gallery.lecture.{preset.key}")
    if st.button("Open", key=f"gallery.open.{preset.key}", type="primary"):
        view = page_state.ViewOptions(lecture=lecture, preset=preset.key)
        page_state.forget_loaded_state()  # the page reads the preset's link again
        st.switch_page(
            f"pages/{preset.page}.py",
            query_params={**preset.query, **page_state.view_query(view)},
        )


def main() -> None:
    ensure_navigation()
    st.title("Gallery")
    st.write(INTRO)
    columns = st.columns(3)
    for index, preset in enumerate(PRESETS):
        with columns[index % 3].container(border=True):
            card(preset)


main()
