"""Schedules: the learning-rate curves themselves, and what they do to one run."""

import streamlit as st

import landscapes
import optimizers
from optimizers import schedules
from ui import config as cfg
from ui import figures
from ui import state as state_layer
from ui import widgets as w
from ui.router import ensure_navigation

ensure_navigation()

P = "sc."
# The run's figure keeps ~220 px for its legend, Play buttons and scrubber.
PANEL_HEIGHT = 520
state = st.session_state
if not state.get(P + "loaded"):
    params = w.query_dict()
    loaded, notices = cfg.schedules_from_query(params)
    view, view_notices = cfg.view_from_query(params)
    for key, value in vars(loaded).items():
        state[P + key] = list(value) if key == "schedules" else value
    state[P + "view"] = view
    state[P + "notices"] = notices + view_notices
    if landscapes.text_parameters(loaded.surface):
        state_layer.write_surface_params(P, loaded.landscape().params)
    state[P + "loaded"] = True
view = state[P + "view"]
if view.lecture:
    st.markdown(w.LECTURE_CSS, unsafe_allow_html=True)
for notice in state.pop(P + "notices", []):
    st.warning(w.literal(notice), icon=":material/link:")
w.lesson(view)

st.title("Learning-rate schedules")
with st.sidebar:
    st.multiselect("Schedules", schedules.NAMES, key=P + "schedules")
    st.number_input("base lr η₀", 1e-6, 10.0, key=P + "lr", format="%g")
    st.slider("Steps", 1, cfg.MAX_STEPS_PAGE, key=P + "steps")
    st.number_input("decay rate (r, λ)", 0.0, 10.0, key=P + "decay_rate", format="%g")
    st.number_input("step decay γ", 0.0, 1.0, key=P + "gamma")
    st.number_input("step size t_u", 1, cfg.MAX_STEPS_PAGE, key=P + "step_size")
    st.number_input("cosine η_min", 0.0, 10.0, key=P + "eta_min", format="%g")
    st.number_input("linear warm-up steps", 0, cfg.MAX_STEPS_PAGE, key=P + "warmup")
    st.header("Effect on a run")
    st.selectbox("Optimizer", optimizers.names(), key=P + "optimizer")
    surface_name = st.selectbox(
        "Surface", landscapes.names(), key=P + "surface", format_func=landscapes.title
    )
    if landscapes.text_parameters(surface_name):
        w.surface_inputs(P, surface_name)
    st.number_input(
        "gradient noise σ",
        0.0,
        cfg.MAX_NOISE,
        key=P + "noise",
        help=cfg.NOISE_HELP,
    )
    st.number_input("seed", 0, 2**31 - 1, key=P + "seed")

w.limits_panel("schedules")

state[P + "surface_params"] = state_layer.surface_params_from_state(P, surface_name)
config = cfg.SchedulesConfig(
    **{
        key: state[P + key] for key in vars(cfg.SchedulesConfig()) if key != "schedules"
    },
    schedules=tuple(state[P + "schedules"]) or ("constant",),
)
query = {**cfg.schedules_to_query(config), **cfg.view_to_query(view)}
st.query_params.from_dict(query)

chosen = config.chosen()
curves = [s.learning_rates(config.lr, config.steps) for s in chosen]
curves_figure = figures.series_figure(
    curves, list(config.schedules), "learning rate η_t", False, height=380, legend=True
)
if view.lecture:
    curves_figure = figures.resized(
        curves_figure,
        w.lecture_height(P + "curves", curves_figure["layout"]["height"]),
    )
left, right = st.columns([3, 2])
left.plotly_chart(figures.Prebuilt(curves_figure), key=P + "curves")
if view.lecture:
    with left:
        w.viewport_probe(P + "curves")
with right:
    for schedule in chosen:
        st.markdown(f"**{schedule.name}**")
        st.latex(schedule.latex)

surface = config.landscape()
results = config.run()
gaps = [figures.loss_gap(r.loss, surface.min_value) for r in results]
log_scale = all(g[1] for g in gaps)
st.subheader(
    f"{optimizers.spec(config.optimizer).title} on {surface.title}, "
    f"noise σ = {config.noise:g}"
)
a, b = st.columns(2)
a.plotly_chart(
    figures.Prebuilt(
        figures.series_figure(
            [g[0] for g in gaps],
            list(config.schedules),
            "f - f*" if log_scale else "f",
            log_scale,
            height=PANEL_HEIGHT,
        )
    ),
    key=P + "loss",
)
b.plotly_chart(
    figures.Prebuilt(
        figures.trajectory_figure(
            surface,
            [r.path for r in results],
            list(config.schedules),
            [r.diverged_at for r in results],
            surface.default_start,
            height=PANEL_HEIGHT,
            undefined_at=[r.undefined_at for r in results],
            image=w.surface_image(*w.landscape_key(surface)),
            frames_in_browser=True,
        )
    ),
    key=P + "paths",
)
with b:
    w.figure_frames(P + "frames", P + "paths")

st.subheader("Share")
w.share_link_control(query, key=P + "share")
