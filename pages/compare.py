"""Compare: small multiples of one optimizer as one hyperparameter varies."""

import numpy as np
import streamlit as st

import landscapes
import optimizers
from optimizers import schedules
from ui import codec, figures
from ui import config as cfg
from ui import state as state_layer
from ui import widgets as w
from ui.router import ensure_navigation

ensure_navigation()

P = "cmp."
state = st.session_state
if not state.get(P + "loaded"):
    params = w.query_dict()
    loaded, notices = cfg.compare_from_query(params)
    state[P + "config"] = loaded
    state[P + "surface"] = loaded.surface
    state[P + "optimizer"] = loaded.run.optimizer
    state[P + "steps"] = loaded.steps
    state[P + "vary"] = loaded.vary
    state[P + "values"] = codec.format_values(loaded.values)
    view, view_notices = cfg.view_from_query(params)
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
loaded = state[P + "config"]


def offer_defaults() -> None:
    """A new Vary starts from that parameter's own values, not the old ones."""
    state[P + "values"] = codec.format_values(
        cfg.compare_defaults(state[P + "optimizer"], state[P + "vary"])
    )


st.title("Compare")
with st.sidebar:
    surface_name = st.selectbox(
        "Surface", landscapes.names(), key=P + "surface", format_func=landscapes.title
    )
    typed = bool(landscapes.text_parameters(surface_name))
    if typed:
        w.surface_inputs(P, surface_name)
    optimizer = st.selectbox("Optimizer", optimizers.names(), key=P + "optimizer")
    st.slider("Steps", 1, cfg.MAX_STEPS_PAGE, key=P + "steps")
    spec = optimizers.spec(optimizer)
    floats = [h.name for h in spec.hyperparameters if h.settable and h.kind == "float"]
    axes = [*floats, cfg.SCHEDULE_AXIS]
    if state[P + "vary"] not in axes:
        state[P + "vary"] = "lr"
        offer_defaults()
    st.selectbox("Vary", axes, key=P + "vary", on_change=offer_defaults)
    st.text_input(
        "Values (comma-separated)",
        key=P + "values",
        help="Separated by commas, semicolons or spaces. Numbers, or for "
        f"'{cfg.SCHEDULE_AXIS}' any of: " + ", ".join(schedules.NAMES),
    )

w.limits_panel("compare")

query = {
    "surface": surface_name,
    "steps": str(state[P + "steps"]),
    "run": codec.format_run(
        loaded.run if optimizer == loaded.run.optimizer else codec.RunConfig(optimizer)
    ),
    "vary": state[P + "vary"],
    "values": state[P + "values"],
}
if typed:
    query.update(
        codec.surface_query(state_layer.surface_params_from_state(P, surface_name))
    )
elif surface_name == loaded.surface:
    query.update(codec.surface_query(loaded.surface_params))
config, notices = cfg.compare_from_query(query)
for notice in notices:
    st.warning(w.literal(notice), icon=":material/edit:")
shared_query = {**cfg.compare_to_query(config), **cfg.view_to_query(view)}
st.query_params.from_dict(shared_query)

surface = config.landscape()
if config.vary == cfg.SCHEDULE_AXIS:
    # A schedule is not a kernel hyperparameter: one run per schedule.
    runs = [
        optimizers.run(
            config.run.optimizer,
            surface,
            steps=config.steps,
            start=config.resolved_start(),
            schedule=name,
            **config.run.hyperparameters,
        )
        for name in config.values
    ]
    paths = [r.path for r in runs]
    diverged_at = [-1 if r.diverged_at is None else r.diverged_at for r in runs]
    names = [str(v) for v in config.values]
else:
    result = optimizers.sweep(
        config.run.optimizer,
        surface,
        steps=config.steps,
        start=config.resolved_start(),
        grid={config.vary: np.array(config.values)},
        keep_paths=True,
        **config.run.hyperparameters,
    )
    paths = [p[~np.isnan(p[:, 0])] for p in result.paths]
    diverged_at = result.diverged_at.tolist()
    names = [f"{config.vary} = {v:g}" for v in config.values]
titles = [
    name + (f" · diverged at {k}" if k >= 0 else "")
    for name, k in zip(names, diverged_at, strict=True)
]
image = w.surface_image(*w.landscape_key(surface))
rows = -(-len(paths) // 3)
panel_height = 300
if view.lecture:  # every row of panels on the screen together
    panel_height = w.lecture_height(P + "panels", rows * panel_height) // rows
st.plotly_chart(
    figures.Prebuilt(
        figures.small_multiples(
            surface,
            paths,
            titles,
            config.resolved_start(),
            image,
            columns=3,
            panel_height=panel_height,
        )
    ),
    key=P + "panels",
)
if view.lecture:
    w.viewport_probe(P + "panels")
gaps = [
    figures.loss_gap(surface.value(p[:, 0], p[:, 1]), surface.min_value) for p in paths
]
log_scale = all(g[1] for g in gaps)
st.plotly_chart(
    figures.Prebuilt(
        figures.series_figure(
            [g[0] for g in gaps],
            titles,
            "f - f*" if log_scale else "f",
            log_scale,
            height=320,
            legend=True,
        )
    ),
    key=P + "loss",
)
spec = optimizers.spec(config.run.optimizer)
st.latex(spec.latex)
st.caption(spec.reference)

st.subheader("Share")
w.share_link_control(shared_query, key=P + "share")
