"""Schedules: the learning-rate curves themselves, and what they do to one run.

Layout only: the page's state is `sc.PAGE` (ui/schedules.py declares its fields), what
it computes is in ui/schedules.py."""

import streamlit as st

import landscapes
from ui import cache, figures, listeners
from ui import schedules as sc
from ui import widgets as w
from ui.playground import NOISE_HELP
from ui.router import ensure_navigation

PAGE = sc.PAGE
key = PAGE.key


def sidebar() -> None:
    st.multiselect("Schedules", PAGE.field["schedules"].choices, key=key("schedules"))
    PAGE.number_input("lr", "base lr η₀", format="%g")
    PAGE.slider("steps", "Steps")
    PAGE.number_input("decay_rate", "decay rate (r, λ)", format="%g")
    PAGE.number_input("gamma", "step decay γ")
    PAGE.number_input("step_size", "step size t_u")
    PAGE.number_input("eta_min", "cosine η_min", format="%g")
    PAGE.number_input("warmup", "linear warm-up steps")
    st.header("Effect on a run")
    w.optimizer_menu("Optimizer", PAGE.key("optimizer"))
    surface = PAGE.selectbox("surface", "Surface", format_func=landscapes.title)
    if landscapes.text_parameters(surface):
        w.surface_inputs(PAGE.prefix, surface)
    PAGE.number_input("noise", "gradient noise σ", help=NOISE_HELP)
    PAGE.number_input("seed", "seed")


def schedule_curves(view, values) -> None:
    labels = list(values["schedules"])
    curves = figures.series_figure(
        sc.curves(values), labels, "learning rate η_t", False, height=380, legend=True
    )
    if view.lecture:
        height = listeners.lecture_height(key("curves"), curves["layout"]["height"])
        curves = figures.resized(curves, height)
    left, right = st.columns([3, 2])
    left.plotly_chart(figures.Prebuilt(curves), key=key("curves"))
    if view.lecture:
        with left:
            listeners.viewport_probe(key("curves"))
    with right:
        for schedule in sc.chosen(values):
            st.markdown(f"**{schedule.name}**")
            st.latex(schedule.latex)


def effect_on_a_run(values) -> None:
    surface = landscapes.get(values["surface"], **values["surface_params"])
    results = sc.runs(values)
    labels = list(values["schedules"])
    st.subheader(sc.run_title(values, surface))
    loss = figures.loss_gap_figure(
        [r.loss for r in results], labels, surface.min_value, sc.PANEL_HEIGHT
    )
    paths = figures.trajectory_figure(
        surface,
        [r.path for r in results],
        labels,
        [r.diverged_at for r in results],
        surface.default_start,
        height=sc.PANEL_HEIGHT,
        undefined_at=[r.undefined_at for r in results],
        image=cache.surface_image(*cache.landscape_key(surface)),
        frames_in_browser=True,
    )
    a, b = st.columns(2)
    a.plotly_chart(figures.Prebuilt(loss), key=key("loss"))
    b.plotly_chart(figures.Prebuilt(paths), key=key("paths"))
    with b:
        listeners.figure_frames(key("frames"), key("paths"))


def main() -> None:
    ensure_navigation()
    PAGE.load()
    view = PAGE.header()
    st.title("Learning-rate schedules")
    with st.sidebar:
        sidebar()
    w.limits_panel("schedules")
    values = sc.current(PAGE.values())
    query = PAGE.publish(values)
    schedule_curves(view, values)
    effect_on_a_run(values)
    st.subheader("Share")
    w.share_link_control(query, key=key("share"))


main()
