"""Stochastic: full batch vs minibatch vs online SGD on an empirical risk, side by side."""

import streamlit as st

import landscapes
import optimizers
from optimizers import schedules
from ui import config as cfg
from ui import export, figures, tables
from ui import stochastic as sto
from ui import widgets as w
from ui.router import ensure_navigation

ensure_navigation()

P = "sto."
state = st.session_state


def write_state(values):
    surface = sto.surface_of(values)
    for name, value in values.items():
        if name != "start":
            state[P + name] = value
    x, y = sto.start_of(values, surface)
    state[P + "start_x"], state[P + "start_y"] = float(x), float(y)


w.load_page_from_url(P, sto.from_query, write_state)
view = w.page_header(P)
hidden = set(view.hidden)


def reset_start():
    """New data: start from the new surface's default start."""
    fresh = landscapes.get(
        state[P + "surface"],
        n_points=state[P + "n_points"],
        noise=state[P + "noise"],
        seed=state[P + "data_seed"],
    )
    state[P + "start_x"], state[P + "start_y"] = map(float, fresh.default_start)


FIELD = {f.name: f for f in sto.FIELDS}


def bounds(name):
    return FIELD[name].low, FIELD[name].high


with st.sidebar:
    if "surface" not in hidden:
        st.header("Data")
        st.selectbox(
            "Empirical risk",
            sto.SURFACES,
            key=P + "surface",
            format_func=landscapes.title,
            on_change=reset_start,
        )
        st.number_input(
            "examples N", *bounds("n_points"), key=P + "n_points", on_change=reset_start
        )
        st.number_input(
            "label noise", *bounds("noise"), key=P + "noise", on_change=reset_start
        )
        st.number_input(
            "data seed",
            *bounds("data_seed"),
            key=P + "data_seed",
            on_change=reset_start,
        )
    st.header("Runs")
    st.selectbox("Optimizer", optimizers.names(), key=P + "optimizer")
    st.number_input("lr η₀", *bounds("lr"), key=P + "lr", format="%g")
    state[P + "batch"] = min(state[P + "batch"], state[P + "n_points"])
    st.slider(
        "minibatch size k (middle panel)", 1, state[P + "n_points"], key=P + "batch"
    )
    st.slider(f"Steps (at most {sto.MAX_STEPS})", 1, sto.MAX_STEPS, key=P + "steps")
    if "schedule" not in hidden:
        st.selectbox("lr schedule", schedules.NAMES, key=P + "schedule")
        if state[P + "schedule"] in ("inverse_time", "exponential"):
            st.number_input(
                "decay rate (r, λ)",
                *bounds("decay_rate"),
                key=P + "decay_rate",
                format="%g",
            )
        if state[P + "schedule"] == "step":
            st.number_input("step decay γ", *bounds("gamma"), key=P + "gamma")
            st.number_input("step size t_u", *bounds("step_size"), key=P + "step_size")
    st.selectbox(
        "averaged iterate",
        ("none", "swa", "polynomial"),
        key=P + "average",
        format_func={
            "none": "none",
            "swa": "SWA (uniform, second half)",
            "polynomial": "polynomial decay (γ = 3)",
        }.get,
    )
    st.number_input("shuffle seed", *bounds("seed"), key=P + "seed")
    if "start" not in hidden:
        left, right = st.columns(2)
        left.number_input("start θ₁", -1e3, 1e3, key=P + "start_x", format="%.4f")
        right.number_input("start θ₂", -1e3, 1e3, key=P + "start_y", format="%.4f")

w.limits_panel("stochastic")

values = {name: state[P + name] for name in sto.DEFAULTS if name != "start"}
values["start"] = (state[P + "start_x"], state[P + "start_y"])
query = {**sto.query(values), **cfg.view_to_query(view)}
st.query_params.from_dict(query)
key = tuple(sorted(query.items()))
surface, panels, panel_figures, loss_figure = w.stochastic_page(key)


def explanation():
    st.markdown(
        "Each step descends the loss of one **minibatch** $B_k$ — drawn without "
        "replacement, a fresh shuffle each **epoch** (one pass over the data) — "
        "rather than the full training loss. The white lines in the middle and right "
        "panels are that step's own loss surface; under ▶ Play they move with every "
        "batch."
    )
    st.latex(
        r"\theta_{k+1} = \theta_k - \eta_k\,\frac{1}{|B_k|}\sum_{i \in B_k} "
        r"\nabla \ell_i(\theta_k)"
    )


st.title("Stochastic gradients: full batch, minibatch, online")
if not view.lecture:  # in lecturer mode under the panels, which fill the screen
    explanation()
columns = st.columns(3)
panel_keys = [P + "panel." + panel.label for panel in panels]
# One ▶ Play, ❚❚ Pause and scrubber, the first panel's: the others follow it.
shown = [panel_figures[0], *map(sto.follower, panel_figures[1:])]
for column, panel, figure, key in zip(columns, panels, shown, panel_keys, strict=True):
    column.markdown(f"**{panel.label}**")
    if view.lecture:
        fit = w.lecture_height(panel_keys[0], figure["layout"]["height"], figure=figure)
        figure = figures.resized(figure, fit)
    column.plotly_chart(figures.Prebuilt(figure), key=key)
with columns[0]:
    w.figure_followers(P + "followers", panel_keys[0], panel_keys[1:])
    if view.lecture:
        w.viewport_probe(panel_keys[0])
marks = [
    "★ is θ*, the full loss's minimizer, on the full loss's contours",
    "white lines: the loss of the batch this step uses",
    "◆ where an epoch begins (where they would crowd, only marks "
    f"{100 * sto.EPOCH_MARK_GAP:g}% of the view apart; hover for the epoch)",
]
if values["average"] != "none":
    marks.append("dotted white: the averaged iterate")
if surface.name == "linear_regression":
    marks.append("pink: the region of confusion")
st.caption(
    "; ".join(marks)
    + ". ▶ Play and the slider under the first panel move all three to the same "
    "step: the animation runs in your browser."
)
if view.lecture:
    explanation()

left, right = st.columns([3, 2])
left.plotly_chart(figures.Prebuilt(loss_figure), key=P + "loss")
with right:
    st.subheader(surface.title)
    st.latex(surface.latex)
    st.caption(surface.reference)
    if surface.name == "linear_regression":
        _, rho = sto.confusion_region(surface)
        st.markdown(
            "**Region of confusion** (pink): where the full gradient is smaller than "
            f"the spread of the examples' gradients at θ*, ρ = {rho:.4g}. Inside it a "
            "single example's step can point anywhere; constant-lr SGD keeps bouncing "
            "there, a decaying lr lets it settle."
        )
        st.latex(r"\|\nabla L(\theta)\| = \|2M(\theta - \theta^*)\| \le \rho")
        st.latex(
            r"\rho = \sqrt{\tfrac1N \textstyle\sum_i \|\nabla \ell_i(\theta^*)\|^2}"
        )
        st.latex(r"M = \tfrac1N \textstyle\sum_i (x_i, 1)(x_i, 1)^\top")

st.subheader("Step sizes: the Robbins–Monro conditions")
schedule = sto.schedule_of(values)
infinite, finite_squares, why = schedules.robbins_monro(schedule)
st.markdown(
    "SGD converges to θ* when $\\sum_k \\eta_k = \\infty$ (the steps can reach "
    "anywhere) and $\\sum_k \\eta_k^2 < \\infty$ (the noise they carry dies out)."
)
st.latex(schedule.latex)
sums = sto.step_size_sums(panels[0].result)
rows = [
    {
        "": "this run's partial sum",
        "Σ ηₖ": tables.number(sums[0]),
        "Σ ηₖ²": tables.number(sums[1]),
    },
    {
        "": "as k → ∞",
        "Σ ηₖ": "∞ ✓" if infinite else "finite ✗",
        "Σ ηₖ²": "finite ✓" if finite_squares else "∞ ✗",
    },
]
st.markdown(tables.markdown_table(rows, align_right=("Σ ηₖ", "Σ ηₖ²")))
st.caption(f"{schedule.name}: {why}.")

rows = sto.summary_rows(surface, panels)
st.markdown(tables.markdown_table(rows, align_right=tuple(rows[0])[1:]))

st.subheader("Share and export")
link = w.share_link_control(query, key=P + "share")
labels = [panel.label for panel in panels]
results = [panel.result for panel in panels]
w.export_buttons(
    P,
    view,
    link,
    (
        (
            "Minibatch panel (HTML, plays offline)",
            panel_figures[1],
            "descent-lab-stochastic.html",
        ),
        (
            "Paths (CSV)",
            lambda: export.paths_csv(labels, results),
            "descent-lab-stochastic.csv",
        ),
        (
            "Paths (JSON)",
            lambda: export.paths_json(query, labels, results),
            "descent-lab-stochastic.json",
        ),
    ),
)
