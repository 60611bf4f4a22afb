"""Compare: small multiples of one optimizer as one hyperparameter varies.

Layout only: the page's state is `cmp.PAGE` (ui/compare.py declares its fields), what
it computes is in ui/compare.py."""

import streamlit as st

import landscapes
import optimizers
from ui import cache, figures, listeners
from ui import compare as cmp
from ui import widgets as w
from ui.router import ensure_navigation

PAGE = cmp.PAGE
key = PAGE.key
PANEL_HEIGHT = 300


def offer_defaults() -> None:
    """A new Vary starts from that parameter's own values, not the old ones."""
    state = st.session_state
    state[key("values")] = cmp.values_text(
        cmp.defaults(state[key("optimizer")], state[key("vary")])
    )


def sidebar() -> None:
    state = st.session_state
    surface = PAGE.selectbox("surface", "Surface", format_func=landscapes.title)
    if landscapes.text_parameters(surface):
        w.surface_inputs(PAGE.prefix, surface)
    optimizer = w.optimizer_menu("Optimizer", key("optimizer"))
    PAGE.slider("steps", "Steps")
    axes = cmp.axes(optimizer)
    if state[key("vary")] not in axes:
        state[key("vary")] = "lr"
        offer_defaults()
    st.selectbox("Vary", axes, key=key("vary"), on_change=offer_defaults)
    st.text_input("Values (comma-separated)", key=key("values"), help=cmp.VALUES_HELP)


def panels(view, surface, paths, titles) -> None:
    rows = -(-len(paths) // 3)
    height = PANEL_HEIGHT
    if view.lecture:  # every row of panels on the screen together
        height = listeners.lecture_height(key("panels"), rows * height) // rows
    image = cache.surface_image(*cache.landscape_key(surface))
    figure = figures.small_multiples(
        surface,
        paths,
        titles,
        surface.default_start,
        image,
        columns=3,
        panel_height=height,
    )
    st.plotly_chart(figures.Prebuilt(figure), key=key("panels"))
    if view.lecture:
        listeners.viewport_probe(key("panels"))


def main() -> None:
    ensure_navigation()
    PAGE.load()
    view = PAGE.header()
    st.title("Compare")
    with st.sidebar:
        sidebar()
    w.limits_panel("compare")
    values, notices = cmp.current(PAGE.values())
    for notice in notices:
        st.warning(w.literal(notice), icon=":material/edit:")
    query = PAGE.publish(values)

    surface, paths, titles = cmp.runs(values)
    panels(view, surface, paths, titles)
    loss = figures.loss_gap_figure(
        cmp.losses(surface, paths), titles, surface.min_value, height=320, legend=True
    )
    st.plotly_chart(figures.Prebuilt(loss), key=key("loss"))
    w.update_rule(optimizers.spec(values["run"].optimizer), title=False)

    st.subheader("Share")
    w.share_link_control(query, key=key("share"))


main()
