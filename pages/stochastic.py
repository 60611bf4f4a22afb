"""Stochastic: full batch vs minibatch vs online SGD on an empirical risk, side by side.

Layout only: the page's state is `sto.PAGE` (ui/stochastic.py declares its fields),
what it computes and says is in ui/stochastic.py."""

import streamlit as st

import landscapes
from ui import cache, figures, listeners, tables
from ui import stochastic as sto
from ui import widgets as w
from ui.router import ensure_navigation

PAGE = sto.PAGE
key = PAGE.key


def reset_start():
    """New data: start from the new surface's default start."""
    state = st.session_state
    values = {name: state[key(name)] for name in ("surface", "n_points", "noise")}
    values["data_seed"] = state[key("data_seed")]
    x, y = sto.surface_of(values).default_start
    state[key("start_x")], state[key("start_y")] = float(x), float(y)


def sidebar(hidden: set) -> None:
    state = st.session_state
    if "surface" not in hidden:
        st.header("Data")
        PAGE.selectbox(
            "surface",
            "Empirical risk",
            format_func=landscapes.title,
            on_change=reset_start,
        )
        PAGE.number_input("n_points", "examples N", on_change=reset_start)
        PAGE.number_input("noise", "label noise", on_change=reset_start)
        PAGE.number_input("data_seed", "data seed", on_change=reset_start)
    st.header("Runs")
    w.optimizer_menu("Optimizer", PAGE.key("optimizer"))
    PAGE.number_input("lr", "lr η₀", format="%g")
    state[key("batch")] = min(state[key("batch")], state[key("n_points")])
    PAGE.slider("batch", "minibatch size k (middle panel)", high=state[key("n_points")])
    PAGE.slider("steps", f"Steps (at most {sto.MAX_STEPS})")
    if "schedule" not in hidden:
        PAGE.selectbox("schedule", "lr schedule")
        if state[key("schedule")] in ("inverse_time", "exponential"):
            PAGE.number_input("decay_rate", "decay rate (r, λ)", format="%g")
        if state[key("schedule")] == "step":
            PAGE.number_input("gamma", "step decay γ")
            PAGE.number_input("step_size", "step size t_u")
    PAGE.selectbox("average", "averaged iterate", format_func=sto.AVERAGE_LABELS.get)
    PAGE.number_input("seed", "shuffle seed")
    if "start" not in hidden:
        left, right = st.columns(2)
        left.number_input("start θ₁", -1e3, 1e3, key=key("start_x"), format="%.4f")
        right.number_input("start θ₂", -1e3, 1e3, key=key("start_y"), format="%.4f")


def explanation():
    st.markdown(sto.EXPLANATION)
    st.latex(sto.UPDATE_LATEX)


def panels(view, values, surface, panels_, panel_figures) -> None:
    columns = st.columns(3)
    panel_keys = [key("panel." + panel.label) for panel in panels_]
    # One ▶ Play, ❚❚ Pause and scrubber, the first panel's: the others follow it.
    shown = [panel_figures[0], *map(sto.follower, panel_figures[1:])]
    for column, panel, figure, panel_key in zip(
        columns, panels_, shown, panel_keys, strict=True
    ):
        column.markdown(f"**{panel.label}**")
        if view.lecture:
            fit = listeners.lecture_height(
                panel_keys[0], figure["layout"]["height"], figure=figure
            )
            figure = figures.resized(figure, fit)
        column.plotly_chart(figures.Prebuilt(figure), key=panel_key)
    with columns[0]:
        listeners.figure_followers(key("followers"), panel_keys[0], panel_keys[1:])
        if view.lecture:
            listeners.viewport_probe(panel_keys[0])
    st.caption(sto.panels_caption(values, surface))


def surface_notes(surface, loss_figure) -> None:
    left, right = st.columns([3, 2])
    left.plotly_chart(figures.Prebuilt(loss_figure), key=key("loss"))
    with right:
        st.subheader(surface.title)
        st.latex(surface.latex)
        st.caption(surface.reference)
        if surface.name == "linear_regression":
            st.markdown(sto.confusion_text(surface))
            for formula in sto.CONFUSION_LATEX:
                st.latex(formula)


def step_sizes(values, result) -> None:
    st.subheader("Step sizes: the Robbins–Monro conditions")
    schedule = sto.schedule_of(values)
    st.markdown(sto.ROBBINS_MONRO)
    st.latex(schedule.latex)
    rows, caption = sto.robbins_monro_rows(schedule, result)
    st.markdown(tables.markdown_table(rows, align_right=("Σ ηₖ", "Σ ηₖ²")))
    st.caption(caption)


def main() -> None:
    ensure_navigation()
    PAGE.load()
    view = PAGE.header()
    with st.sidebar:
        sidebar(set(view.hidden))
    w.limits_panel("stochastic")
    values = PAGE.values()
    query = PAGE.publish(values)
    surface, panels_, panel_figures, loss_figure = cache.stochastic_page(
        tuple(sorted(query.items()))
    )

    st.title("Stochastic gradients: full batch, minibatch, online")
    if not view.lecture:  # in lecturer mode under the panels, which fill the screen
        explanation()
    panels(view, values, surface, panels_, panel_figures)
    if view.lecture:
        explanation()
    surface_notes(surface, loss_figure)
    step_sizes(values, panels_[0].result)
    rows = sto.summary_rows(surface, panels_)
    st.markdown(tables.markdown_table(rows, align_right=tuple(rows[0])[1:]))

    st.subheader("Share and export")
    link = w.share_link_control(query, key=key("share"))
    w.export_buttons(key(""), view, link, sto.downloads(query, panels_, panel_figures))


main()
