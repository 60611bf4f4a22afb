"""Streamlit glue shared by the pages: URL <-> widget state, and cached computations.

The rest of `ui` is pure Python; this module is the one place that touches `st`.
"""

from __future__ import annotations

import contextlib
import html
import re

import numpy as np
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

import landscapes
import optimizers
from optimizers import schedules
from ui import codec, export, figures, limits, playground
from ui.state import TYPED_ERROR, ViewOptions, surface_params_from_state

# Lecturer mode's type: one root size for everything, so that the page's text (1rem)
# and the figures' (Streamlit's Plotly theme draws at 0.75rem) grow together, 16 ->
# 20 px and 12 -> 15 px. (Sizing each element at 1.25rem made body text 25-32 px
# beside 15 px figure text.) Less padding above the page, headings nearer the body
# size, and formulas that scroll sideways instead of being cut off in a narrow column.
LECTURE_CSS = """
<style>
html { font-size: 20px; }
[data-testid="stMainBlockContainer"] {
  padding-top: 3.5rem; padding-left: 2rem; padding-right: 2rem;
}
h1 { font-size: 1.8rem !important; padding-top: 0 !important; }
h2, h3 { font-size: 1.35rem !important; }
.katex-display { overflow-x: auto; overflow-y: hidden; }
</style>
"""


# Every cache is bounded in bytes and entries (ui.limits).
@st.cache_data(
    max_entries=limits.RUNS_CACHE.max_entries,
    max_size=limits.RUNS_CACHE.max_size,
    show_spinner=False,
)
def compute_runs(
    query_key: tuple, record_state: bool = False
) -> list[optimizers.RunResult]:
    """Every run of a Playground link, cached by its canonical query string
    (ui.playground.query_key)."""
    values, _ = playground.PAGE.parse(dict(query_key))
    return playground.run_all(values, record_state)


@st.cache_data(
    max_entries=limits.STOCHASTIC_CACHE.max_entries,
    max_size=limits.STOCHASTIC_CACHE.max_size,
    show_spinner="Running full batch, minibatch and online SGD…",
)
def stochastic_page(query_key: tuple):
    """The Stochastic page's surface, runs and figures, cached by its query string.
    A heavy request: it waits for a slot (ui.limits.heavy_request)."""
    from ui import stochastic as sto

    values, _ = sto.PAGE.parse(dict(query_key))
    with limits.heavy_request():
        return sto.page_data(values)


@st.cache_data(
    max_entries=limits.NEURAL_CACHE.max_entries,
    max_size=limits.NEURAL_CACHE.max_size,
    show_spinner=False,  # the page says what it computes (a part each)
)
def neural_page(query_key: tuple, part: str = "training") -> dict:
    """The Neural net page's data, cached by its query string, in two parts: the
    "training" (runs, loss and accuracy figures: the first figures a visitor
    sees) and the "views" drawn from it (boundaries, slices, sharpness). Each is
    a heavy request: it waits for a slot (ui.limits.heavy_request)."""
    from ui import neural_net as nn

    values, _ = nn.PAGE.parse(
        {k: list(v) if isinstance(v, tuple) else v for k, v in query_key}
    )
    if part == "views":
        results = neural_page(query_key)["results"]  # cached: computed first
        with limits.heavy_request():
            return nn.views_data(values, results)
    with limits.heavy_request():
        return nn.training_data(values)


# Below this estimated time a plane computes without a progress bar.
PROGRESS_AFTER_SECONDS = 0.5
# Seconds per unit of a plane's work (ui.sweep.work), measured on 12-03's host at
# 0.4-1.4e-8: the estimate that decides whether to show the progress bar at once.
SWEEP_SECONDS_PER_WORK = 1.0e-8


@st.cache_data(
    max_entries=limits.SWEEP_CACHE.max_entries,
    max_size=limits.SWEEP_CACHE.max_size,
    show_spinner=False,
)
def sweep_plane(query_key: tuple):
    """A Sweep plane (and its basins) cached by its query string, computed in a heavy
    slot (ui.limits.heavy_request) with a progress bar saying what is computed when
    it takes longer than PROGRESS_AFTER_SECONDS."""
    import time

    from ui import sweep as sw

    values, _ = sw.PAGE.parse(dict(query_key))
    label = f"Computing {sw.describe(values)}…"
    estimate = sw.work(values) * SWEEP_SECONDS_PER_WORK
    began = time.perf_counter()
    bar = st.empty()

    def progress(fraction: float) -> None:
        late = time.perf_counter() - began > PROGRESS_AFTER_SECONDS
        if (estimate > PROGRESS_AFTER_SECONDS or late) and get_script_run_ctx():
            bar.progress(min(max(float(fraction), 0.0), 1.0), text=label)

    progress(0.0)
    try:
        with limits.heavy_request():
            return sw.compute(values, progress)
    finally:
        bar.empty()


def lesson(view: ViewOptions) -> None:
    """A Gallery preset's lesson above the figure: in a box, or in lecturer mode on one
    line, an expander, so that the figure stays on the screen (the box filled 1280 x
    720 px)."""
    from ui.presets import BY_KEY

    if not view.preset:
        return
    preset = BY_KEY[view.preset]
    if view.lecture:
        with st.expander(f"**{preset.title}** · what to watch"):
            st.markdown(preset.lesson)
    else:
        st.info(f"**{preset.title}.** {preset.lesson}")


def export_buttons(
    prefix: str, view, link: str, downloads, title: str = "Descent Lab"
) -> None:
    """Three download buttons side by side: an offline HTML animation of the first
    download's figure, and two data files. `downloads` = ((label, figure, file name),
    (label, make CSV text, file name), (label, make JSON text, file name)); files
    are built only when clicked."""
    from ui.presets import BY_KEY

    (html_label, figure, html_name), *files = downloads
    preset = BY_KEY[view.preset] if view.preset else None
    title = preset.title if preset else title
    columns = st.columns(3)
    columns[0].download_button(
        html_label,
        data=lambda: export.standalone_html(
            figure, title, preset.lesson if preset else "", link
        ),
        file_name=html_name,
        mime="text/html",
        key=prefix + "html",
    )
    for column, (label, make, name), (kind, mime) in zip(
        columns[1:],
        files,
        (("csv", "text/csv"), ("json", "application/json")),
        strict=True,
    ):
        column.download_button(
            label, data=make, file_name=name, mime=mime, key=prefix + kind
        )


def limits_panel(page: str) -> None:
    """The server's limits that apply on `page` (ui.limits), in a collapsed expander
    at the foot of the sidebar."""
    with st.sidebar.expander("Limits of this server"):
        # One element, a paragraph per line: every element costs server time on
        # every rerun.
        st.caption(
            "\n\n".join(
                [
                    "Each request is bounded so that a class can share one small "
                    "server. Larger values in a link are cut to these, with a notice.",
                    *(literal(line) for line in limits.lines(page)),
                ]
            )
        )


# --- an optimizer's hyperparameters --------------------------------------------


def hyperparameter_inputs(prefix: str, optimizer: str, skip=(), only=None) -> None:
    """The widgets of `optimizer`'s settable hyperparameters (but those in `skip`;
    only those in `only` if given), each under key "<prefix><optimizer>.<name>": a
    checkbox for a flag, else a number input over `codec.hyperparameter_range`, the
    range a link is clamped to. One without a value in state yet (a run's newly
    chosen optimizer) starts at its default."""
    state = st.session_state
    for hyper in optimizers.spec(optimizer).hyperparameters:
        if not hyper.settable or hyper.name in skip:
            continue
        if only is not None and hyper.name not in only:
            continue
        key = f"{prefix}{optimizer}.{hyper.name}"
        if hyper.kind == "bool":
            state.setdefault(key, bool(hyper.default))
            st.checkbox(hyper.name, key=key, help=hyper.help)
            continue
        state.setdefault(key, float(hyper.default))
        low, high = codec.hyperparameter_range(hyper)
        st.number_input(
            hyper.name,
            min_value=low,
            max_value=high,
            key=key,
            format="%g",
            help=hyper.help,
        )


def runs_inputs(page, name: str, add, options=None) -> None:
    """The widgets of `page`'s runs field `name` (ui.state's kind "runs": the count
    under "<prefix>run_count", run i under "<prefix>run<i>."): an expander per run
    with its optimizer's menu (`options`: every optimizer) and settings, and a
    Remove button while there are two or more; then Add run, which adds `add(runs)`,
    while there are fewer than limits.RUNS."""
    state, key = st.session_state, page.key

    def change(edit) -> None:  # a callback: it may rewrite the widgets' state
        values = page.values()
        edit(values[name])
        page.write(values, [name])

    count = state[key("run_count")]
    for i in range(count):
        at = key(f"run{i}.")
        with st.expander(f"Run {i + 1}: {state[at + 'optimizer']}", expanded=i == 0):
            optimizer = st.selectbox(
                "optimizer", options or optimizers.names(), key=at + "optimizer"
            )
            hyperparameter_inputs(at, optimizer)
            if count > 1:
                remove = (lambda runs, i=i: runs.pop(i),)
                st.button(
                    "Remove this run",
                    key=key(f"remove{i}"),
                    on_click=change,
                    args=remove,
                )
    if count < limits.RUNS.value:
        added = (lambda runs: runs.append(add(runs)),)
        st.button(
            "Add run",
            icon=":material/add:",
            key=key("add"),
            on_click=change,
            args=added,
        )


# The widgets of a schedule field (ui.state's kind "schedule": the name under
# "<prefix>schedule", each setting under "<prefix>sched.<setting>"): a setting's
# label and number format. Cosine's t_max has none: the schedule spans the run.
SCHEDULE_INPUTS = {
    "decay_rate": ("decay rate", "%.4f"),
    "gamma": ("gamma", None),
    "step_size": ("step size t_u", None),
    "eta_min": ("eta_min", "%.5f"),
    "warmup": ("linear warm-up steps", None),
}


def schedule_inputs(prefix: str, label: str = "Learning-rate schedule") -> None:
    """The schedule's menu and the settings the chosen one uses, then its warm-up,
    each over its range on the pages (`codec.schedule_range`)."""
    name = st.selectbox(label, schedules.NAMES, key=prefix + "schedule")
    for setting in (*schedules.USES[name], "warmup"):
        if setting in SCHEDULE_INPUTS:
            text, number_format = SCHEDULE_INPUTS[setting]
            low, high, _ = codec.schedule_range(setting)
            st.number_input(
                text, low, high, key=f"{prefix}sched.{setting}", format=number_format
            )


# --- a surface's parameters, and a typed formula ----------------------------------
#
# A page keeps a surface's parameters in state as "<prefix>param.<name>". A surface
# with a text parameter (a typed f(x, y)) is edited through "<prefix>typed.<name>"
# widgets instead, and a callback copies them to "param." only when they build a
# surface: the page always computes with a surface that exists, and the text that
# did not parse stays in its field, with the reason beside it.

FORMULA_HELP = (
    "Type f(x, y) and press Enter. Allowed: + - * / ^ (or **), parentheses, numbers, "
    "x, y, pi, e, and sin cos tan exp log sqrt abs tanh sinh cosh atan min max. "
    "Nothing you type is run as code: it is parsed, differentiated exactly, and "
    "evaluated by Descent Lab's own interpreter."
)
# A long typed formula scrolls sideways, in the sidebar and on the page, instead of
# being cut off.
_ECHO_CSS = """
<style>
.katex-display { overflow-x: auto; overflow-y: hidden; }
</style>
"""


def _apply_typed_surface(prefix: str, surface: str) -> None:
    # on_change of a typed surface's field: keep it if it builds, else say why.
    state = st.session_state
    keys = [*landscapes.text_parameters(surface), *landscapes.parameter_ranges(surface)]
    candidate = {
        k: state[f"{prefix}typed.{k}"] for k in keys if f"{prefix}typed.{k}" in state
    }
    try:
        landscapes.get(surface, **candidate)
    except ValueError as error:
        state[prefix + TYPED_ERROR] = (str(error), getattr(error, "position", None))
        return
    state.pop(prefix + TYPED_ERROR, None)
    for key, value in candidate.items():
        state[f"{prefix}param.{key}"] = value


def surface_inputs(prefix: str, surface: str, on_change=None) -> None:
    """The widgets of a surface's parameters: a number input for each, and for a
    typed surface its formula's text field (applied on Enter), echoed back as LaTeX
    or, when it is not accepted, with the reason and where. `on_change` is called
    once a typed surface's new formula or view has been applied."""
    state = st.session_state
    text_keys = landscapes.text_parameters(surface)
    if not text_keys:
        for key, (low, high) in landscapes.parameter_ranges(surface).items():
            st.number_input(
                key, min_value=low, max_value=high, key=f"{prefix}param.{key}"
            )
        return
    defaults = landscapes.get(surface).params

    def applied():
        _apply_typed_surface(prefix, surface)
        if on_change is not None and prefix + TYPED_ERROR not in state:
            on_change()

    for key in text_keys:
        field = f"{prefix}typed.{key}"
        if field not in state:
            state[field] = state.get(f"{prefix}param.{key}", defaults[key])
        st.text_input(
            "f(x, y) =",
            key=field,
            max_chars=limits.VALUE_LENGTH.value,
            help=FORMULA_HELP,
            on_change=applied,
        )
    error = state.get(prefix + TYPED_ERROR)
    if error is not None:
        message, position = error
        st.error(
            literal(f"Not accepted: {message}. The page shows the last f that was.")
        )
        typed = state.get(f"{prefix}typed.{text_keys[0]}", "")
        if position is not None and 0 <= position <= len(typed):
            st.code(f"{typed}\n{' ' * position}^", language=None)
    else:
        params = surface_params_from_state(prefix, surface)
        with contextlib.suppress(ValueError):  # the page reports a surface it lacks
            st.latex(landscapes.get(surface, **params).latex)
            st.markdown(_ECHO_CSS, unsafe_allow_html=True)
    left, right = st.columns(2)
    for i, (key, (low, high)) in enumerate(
        landscapes.parameter_ranges(surface).items()
    ):
        field = f"{prefix}typed.{key}"
        if field not in state:
            state[field] = float(state.get(f"{prefix}param.{key}", defaults[key]))
        (left if i % 2 == 0 else right).number_input(
            key.replace("_", " "),
            min_value=low,
            max_value=high,
            key=field,
            on_change=applied,
            format="%g",
        )


# Where GFM's autolinks begin (https://, ftp://, www., a@b.c, mailto:a@b.c): an
# invisible word joiner goes before "://" and "@" and after "www", which no autolink
# matches across. Escaping alone does not do: Streamlit's renderer (remark-gfm) finds
# bare URLs in the text after escapes are resolved.
_AUTOLINK_STARTS = re.compile(r"(?=://)|(?=@)|(?<=www)(?=\.)", re.IGNORECASE)
WORD_JOINER = "\u2060"


def literal(text: str) -> str:
    """`text` as literal Markdown: every character Markdown or Streamlit could read as
    markup (links, emphasis, images, HTML, LaTeX, colour directives) backslash-escaped
    and every bare URL or e-mail address broken by an invisible word joiner, so
    untrusted text (URL values) shows as typed and links nowhere. Every notice that
    echoes such text goes through here."""
    special = set("\\`*_{}[]()<>#+-.!|~$:^=")
    text = _AUTOLINK_STARTS.sub(WORD_JOINER, text)
    return "".join("\\" + c if c in special else c for c in text)


def landscape_key(surface: landscapes.Landscape) -> tuple[str, tuple]:
    """(name, sorted parameters): what the caches below take for a surface, e.g.
    ``surface_image(*landscape_key(surface))``."""
    return surface.name, tuple(sorted(surface.params.items()))


@st.cache_data(
    max_entries=limits.IMAGE_CACHE.max_entries,
    max_size=limits.IMAGE_CACHE.max_size,
    show_spinner=False,
)
def surface_image(surface: str, params: tuple) -> str:
    return figures.surface_image(landscapes.get(surface, **dict(params)))


# Part of the contour picture: bounded by its limit (a bool per entry).
@st.cache_data(
    max_entries=limits.IMAGE_CACHE.max_entries,
    max_size=limits.IMAGE_CACHE.max_size,
    show_spinner=False,
)
def undefined_somewhere(surface: str, params: tuple) -> bool:
    """Whether f is not finite somewhere on a 64 x 64 grid over the view (the
    contour picture then shows stripes, which the page explains)."""
    _, _, values = landscapes.get(surface, **dict(params)).grid(64)
    return not bool(np.isfinite(values).all())


SHARE_HTML = """
<div id="{element_id}" class="descent-lab-share">
<input type="text" readonly value="{query}" aria-label="Link to this configuration"
 style="width: 100%; font-family: monospace; font-size: 0.85rem; padding: 0.4rem;
 border: 1px solid #ccc; border-radius: 0.4rem; box-sizing: border-box;">
<button type="button" style="margin-top: 0.4rem; padding: 0.3rem 0.9rem;
 border: 1px solid #ccc; border-radius: 0.4rem; background: white; cursor: pointer;">
Copy link</button>
<span role="status" style="margin-left: 0.6rem;"></span>
</div>
<script>
(() => {{
  const root = document.getElementById("{element_id}");
  const [input, button, status] = ["input", "button", "span"].map(
    (tag) => root.querySelector(tag));
  input.value = window.location.origin + window.location.pathname + input.value;
  button.addEventListener("click", async () => {{
    try {{
      await navigator.clipboard.writeText(input.value);
      status.textContent = "Copied.";
    }} catch (error) {{  // no clipboard API (plain http): select it for Ctrl+C
      input.focus();
      input.select();
      status.textContent = "Press Ctrl+C to copy.";
    }}
  }});
}})();
</script>
"""


def share_link_control(query: dict, key: str) -> str:
    """The page's link (this page's address and `query`) and a Copy link button;
    returns the link's query part ("?...").

    Plain HTML with a few lines of script, not st.code: its syntax highlighter is
    1.5 MB of JavaScript the browser compiles before it draws the page.
    """
    link = export.share_link(None, query)
    st.html(
        SHARE_HTML.format(
            element_id="share-" + key.replace(".", "-"), query=html.escape(link)
        ),
        unsafe_allow_javascript=True,
    )
    return link


# The browser tells the server when it has drawn the page's first Plotly figure (or
# after 8 s, if it never does). The page is then run again, in full.
FIGURE_DRAWN_JS = """
export default function ({ setTriggerValue }) {
  const drawn = () => document.querySelector(".js-plotly-plot .main-svg");
  let sent = false;
  const send = () => {
    if (sent) return;
    sent = true;
    observer.disconnect();
    clearTimeout(timer);
    // After the next paint (a timeout queued in an animation frame runs after it):
    // the figure is on screen before the rest of the page keeps the browser busy.
    requestAnimationFrame(() => setTimeout(() => setTriggerValue("drawn", true)));
  };
  const observer = new MutationObserver(() => drawn() && send());
  const timer = setTimeout(send, 8000);
  if (drawn()) send();
  else observer.observe(document.body, { childList: true, subtree: true });
  return () => {
    observer.disconnect();
    clearTimeout(timer);
  };
}
"""
_figure_drawn_signal = st.components.v2.component(
    "descent_lab.figure_drawn", js=FIGURE_DRAWN_JS
)


def rerun_when_figure_drawn(key: str, on_drawn) -> None:
    """Mount the invisible signal: `on_drawn` runs, then the script, once the browser
    has drawn the figure."""
    _figure_drawn_signal(key=key, on_drawn_change=on_drawn, height=0)


def _figure_listener_js(handler: str) -> str:
    """A component that finds the figure inside `.st-key-<figure key>`, runs
    `handler` (JavaScript with `figure` and `setTriggerValue` in scope) on it, and
    binds again whenever Streamlit replaces the figure."""
    return (
        """
export default function ({ data, setTriggerValue }) {
  let bound = null;
  const bind = () => {
    const figure = document.querySelector(`.${data.container} .js-plotly-plot`);
    if (!figure || figure === bound || typeof figure.on !== "function") return;
    bound = figure;
"""
        + figures.QUIET_INTERRUPTIONS_JS.replace("GRAPH_DIV", "figure")
        + handler
        + """
  };
  const observer = new MutationObserver(bind);
  observer.observe(document.body, { childList: true, subtree: true });
  bind();
  return () => observer.disconnect();
}
"""
    )


# The frames of a figure built with ui.figures.trajectory_figure(frames_in_browser=
# True): a transcription of ui.figures._frame, run on the recipe in layout.meta
# whenever plotly.js has drawn a figure with a recipe it has not built yet (a new
# figure, or a new spec for the same one). plotly.js is Streamlit's (window.Plotly).
FRAMES_HANDLER = """
    const buildFrames = () => {
      const recipe = ((figure.layout || {}).meta || {})["RECIPE_KEY"];
      if (!recipe || figure._descentLabRecipe === recipe || !window.Plotly) return;
      figure._descentLabRecipe = recipe;
      const runs = recipe.paths.map((i) => [figure.data[i].x, figure.data[i].y]);
      const frames = [];
      for (let k = 0; k < recipe.steps; k++) {
        const data = [];
        for (const [xs, ys] of runs) {
          const last = Math.min(k, xs.length - 1);
          const first = Math.max(0, last - recipe.tail);
          data.push({ x: xs.slice(first, last + 1), y: ys.slice(first, last + 1) });
          data.push({ x: [xs[last]], y: [ys[last]] });
        }
        data.push({ text: [`step ${k}`] });
        frames.push({ name: String(k), data, traces: recipe.traces });
      }
      // addFrames replaces frames of the same name in place and appends the rest;
      // frames past the new last step are then deleted. plotly.js sorts the indices
      // given to deleteFrames as text ("10" < "9"), so they go in groups of one
      // digit count, the longest first. One replacement at a time.
      const surplus = () => {
        const names = figure._transitionData._frames.map((f) => Number(f.name));
        const groups = {};
        names.forEach((k, index) => {
          if (k >= recipe.steps) (groups[String(index).length] ||= []).push(index);
        });
        return Object.keys(groups)
          .sort((a, b) => b - a)
          .reduce(
            (done, digits) =>
              done.then(() => window.Plotly.deleteFrames(figure, groups[digits])),
            Promise.resolve()
          );
      };
      figure._descentLabFrames = (figure._descentLabFrames || Promise.resolve())
        .then(() => window.Plotly.addFrames(figure, frames))
        .then(surplus);
    };
    figure.on("plotly_afterplot", buildFrames);
    buildFrames();
""".replace("RECIPE_KEY", figures.FRAMES_RECIPE)

_figure_frames = st.components.v2.component(
    "descent_lab.figure_frames", js=_figure_listener_js(FRAMES_HANDLER)
)


def figure_frames(key: str, figure_key: str) -> None:
    """Mount the invisible listener that builds the frames of the figure drawn with
    `figure_key` in the browser (for a figure with a frames recipe)."""
    _figure_frames(
        key=key,
        data={"container": "st-key-" + figure_key.replace(".", "-")},
        height=0,
    )


# A click on a figure reaches the server as a trigger value: the point plotly.js
# reports, the nearest one (ui.figures.trajectory_figure's invisible grid covers the
# whole plot, so there always is one). Streamlit's own
# `on_select` would do it, but the chart's element id hashes the whole figure, so each
# rerun registered a new selection widget, and the server's memory grew by ~4 MB per
# widget change (docs/measurements.md). This listens to plotly.js's own click event
# on the figure inside `.st-key-<figure key>`, and binds again when the figure is
# replaced. It also builds the figure's frames (FRAMES_HANDLER): one listener per
# figure, since every component costs server time on each rerun.
# The frame an animated figure shows (plotly.js's own record of it,
# _fullLayout._currentFrame) reaches the server as a trigger value whenever an
# animation settles there: ❚❚ Pause, the end of ▶ Play, a scrubber click or drag.
# The server keeps it, so Step ▶ and every rerun (a widget change) continue from the
# step on screen instead of the one the server last drew. A figure the server draws
# at a new step (Step ▶, ⏮ Start) is taken as shown, and ▶ Play continues from it.
SHOWN_FRAME_HANDLER = """
    let dragging = false;
    const adopt = () => {  // a new spec: the frame it was drawn at is on screen
      const slider = ((figure.layout || {}).sliders || [])[0];
      if (!slider || figure._descentLabLayout === figure.layout) return;
      figure._descentLabLayout = figure.layout;
      const stop = slider.steps[slider.active || 0];
      figure._descentLabShown = String(stop.args[0][0]);
      figure._fullLayout._currentFrame = figure._descentLabShown;
    };
    const settle = () => {
      const shown = (figure._fullLayout || {})._currentFrame;
      if (dragging || shown == null || shown === figure._descentLabShown) return;
      figure._descentLabShown = shown;
      setTriggerValue("shown", Number(shown));
    };
    figure.on("plotly_afterplot", adopt);
    figure.on("plotly_animated", settle);
    figure.on("plotly_sliderstart", () => { dragging = true; });
    figure.on("plotly_sliderend", () => {
      dragging = false;
      // after the scrubber's last step has been drawn (in an animation frame)
      requestAnimationFrame(() => requestAnimationFrame(settle));
    });
    adopt();
"""

FIGURE_CLICKS_JS = _figure_listener_js(
    FRAMES_HANDLER
    + SHOWN_FRAME_HANDLER
    + """
    figure.on("plotly_click", (event) => {
      const point = (event.points || []).find(
        (p) => Number.isFinite(p.x) && Number.isFinite(p.y)
      );
      if (point) setTriggerValue("click", { x: point.x, y: point.y });
    });
"""
)
_figure_clicks = st.components.v2.component(
    "descent_lab.figure_clicks", js=FIGURE_CLICKS_JS
)


def figure_clicks(key: str, figure_key: str, on_click, on_shown=None) -> None:
    """Mount the invisible listener for clicks on the figure drawn with `figure_key`;
    `on_click(x, y)` runs, then the script, on each click. It also builds the
    figure's frames, as `figure_frames` does, and for an animated figure calls
    `on_shown(k)`, then the script, when an animation settles on frame k (Pause,
    the end of Play, the scrubber); see `shown_frame`."""

    def clicked():
        point = st.session_state[key].click
        if point:
            on_click(float(point["x"]), float(point["y"]))

    def shown():
        frame = shown_frame(key)
        if frame is not None and on_shown is not None:
            on_shown(frame)

    _figure_clicks(
        key=key,
        data={"container": "st-key-" + figure_key.replace(".", "-")},
        on_click_change=clicked,
        on_shown_change=shown,
        height=0,
    )


def shown_frame(key: str) -> int | None:
    """The frame the figure of listener `key` settled on, if the browser said so in
    this run (a trigger value: None in every other run)."""
    frame = getattr(st.session_state.get(key), "shown", None)
    return None if frame is None else int(frame)


# Figures that follow a leader figure's ▶ Play, ❚❚ Pause and scrubber (they have
# none): each frame the leader shows, each follower shows too (its last one past its
# end), so panels of the same steps can be compared in step. All in the browser.
FOLLOW_HANDLER = """
    figure.on("plotly_animatingframe", (event) => {
      for (const container of data.followers) {
        const other = document.querySelector(`.${container} .js-plotly-plot`);
        const frames = ((other || {})._transitionData || {})._frames || [];
        if (!frames.length || !window.Plotly) continue;
        const k = Math.min(Number(event.name), frames.length - 1);
        window.Plotly.animate(other, [String(k)], {
          mode: "immediate",
          frame: { duration: 0, redraw: false },
          transition: { duration: 0 },
        }).catch(() => {});  // interrupted by the next frame: as it should be
      }
    });
"""
_figure_followers = st.components.v2.component(
    "descent_lab.figure_followers", js=_figure_listener_js(FOLLOW_HANDLER)
)


def container_class(key: str) -> str:
    """The CSS class Streamlit gives the element with `key` (st-key-<key>, every
    character but letters, digits, _ and - as -)."""
    return "st-key-" + re.sub(r"[^a-zA-Z0-9_-]", "-", key.strip())


def figure_followers(key: str, leader_key: str, follower_keys: list[str]) -> None:
    """Mount the invisible listener that makes the figures drawn with
    `follower_keys` show each frame the figure drawn with `leader_key` shows."""
    _figure_followers(
        key=key,
        data={
            "container": container_class(leader_key),
            "followers": [container_class(k) for k in follower_keys],
        },
        height=0,
    )


# A box drag (or a double-click back) on a figure reaches the server as a trigger
# value: plotly.js's plotly_relayout event's axis ranges, as the axes show them (a
# log axis's range is in log10 units; `figure_zooms` converts), or {reset: true}.
FIGURE_ZOOMS_JS = _figure_listener_js(
    """
    figure.on("plotly_relayout", (event) => {
      const x = [event["xaxis.range[0]"], event["xaxis.range[1]"]];
      const y = [event["yaxis.range[0]"], event["yaxis.range[1]"]];
      const finite = (pair) => pair.every((v) => Number.isFinite(v));
      if (finite(x) || finite(y)) {
        const layout = figure.layout || {};
        setTriggerValue("zoom", {
          x: finite(x) ? x : null,
          y: finite(y) ? y : null,
          xlog: (layout.xaxis || {}).type === "log",
          ylog: (layout.yaxis || {}).type === "log",
        });
      } else if (event["xaxis.autorange"] || event["yaxis.autorange"]) {
        setTriggerValue("zoom", { reset: true });
      }
    });
"""
)
_figure_zooms = st.components.v2.component(
    "descent_lab.figure_zooms", js=FIGURE_ZOOMS_JS
)


def figure_zooms(key: str, figure_key: str, on_zoom) -> None:
    """Mount the invisible listener for box zooms on the figure drawn with
    `figure_key`: `on_zoom(x_range, y_range)` runs, then the script, after each zoom
    (ranges in data units, None for an axis the zoom left alone), and
    `on_zoom(None, None)` when the view is reset (a double-click)."""

    def zoomed():
        event = st.session_state[key].zoom
        if not event:
            return
        if event.get("reset"):
            on_zoom(None, None)
            return
        ranges = []
        for axis in ("x", "y"):
            pair = event.get(axis)
            if pair is None:
                ranges.append(None)
                continue
            low, high = sorted(float(v) for v in pair)
            if event.get(axis + "log"):
                low, high = 10.0**low, 10.0**high
            ranges.append((low, high))
        on_zoom(*ranges)

    _figure_zooms(
        key=key,
        data={"container": "st-key-" + figure_key.replace(".", "-")},
        on_zoom_change=zoomed,
        height=0,
    )


# --- lecturer mode: the first figure sized to the screen ---------------------------
#
# Streamlit draws a Plotly figure at the height in px its layout names, and the
# figure builders place legends, buttons and sliders in px from that height. So the
# server picks the height: a probe in the browser reports the window's height, where
# the page's first figure begins (in the document, scrolled to the top) and its width,
# and
# the page is run again with height = window - top - LECTURE_MARGIN. The probe
# reports again when the window is resized or the content above the figure changes.
LECTURE_MARGIN = 16  # px under the figure, so its edge shows
LECTURE_MIN_HEIGHT = 380  # px: below this a figure is no longer readable
# Session state: {"height": window px, "figures": {figure key: {"top", "width"}}}.
VIEWPORT = "lecture.viewport"

VIEWPORT_JS = """
export default function ({ data, setStateValue }) {
  const measure = () => {
    const box = document.querySelector(`.${data.container}`);
    if (!box) return;
    let top = box.getBoundingClientRect().top + window.scrollY;
    for (let e = box.parentElement; e; e = e.parentElement) top += e.scrollTop;
    const now = {
      height: window.innerHeight,
      top: Math.round(top),
      width: Math.round(box.getBoundingClientRect().width),
    };
    const known = data.known || {};
    if (["height", "top", "width"].some((k) => Math.abs((known[k] ?? -99) - now[k]) > 2))
      setStateValue("viewport", now);
  };
  let timer = null;
  const later = () => {
    clearTimeout(timer);
    timer = setTimeout(measure, 250);
  };
  window.addEventListener("resize", later);
  const main = document.querySelector('[data-testid="stMainBlockContainer"]');
  const observer = new ResizeObserver(later);
  if (main) observer.observe(main);
  later();
  return () => {
    clearTimeout(timer);
    window.removeEventListener("resize", later);
    observer.disconnect();
  };
}
"""
_viewport_probe = st.components.v2.component("descent_lab.viewport", js=VIEWPORT_JS)


def key_class(key: str) -> str:
    """The class Streamlit gives the element drawn with `key` (its frontend's rule)."""
    return "st-key-" + re.sub(r"[^a-zA-Z0-9_-]", "-", key.strip())


def lecture_height(
    figure_key: str,
    default: int,
    least: int = LECTURE_MIN_HEIGHT,
    figure: dict | None = None,
) -> int:
    """The height in px that fits the figure drawn with `figure_key` on the screen,
    as the probe (`viewport_probe`) last measured it; `default` until it has. With
    `figure` (equal units on its axes), no taller than its column's width lets its
    plot be: more height would only pad it above and below."""
    measured = st.session_state.get(VIEWPORT, {})
    place = measured.get("figures", {}).get(figure_key)
    if place is None:
        return default
    height = measured["height"] - place["top"] - LECTURE_MARGIN
    if figure is not None:
        natural = figures.natural_height(figure, place["width"])
        height = min(height, natural if natural is not None else height)
    return max(int(height), least)


def viewport_probe(figure_key: str) -> None:
    """Mount the invisible probe that measures the window and the top of the figure
    drawn with `figure_key` (after it, so that nothing moves the figure down), and
    runs the page again when they change."""
    state = st.session_state
    probe = figure_key + ".viewport"

    def measured():
        value = state[probe].viewport
        if value:
            viewport = state.setdefault(VIEWPORT, {"figures": {}})
            viewport["height"] = int(value["height"])
            viewport["figures"][figure_key] = {
                "top": int(value["top"]),
                "width": int(value["width"]),
            }

    viewport = state.get(VIEWPORT, {})
    place = viewport.get("figures", {}).get(figure_key, {})
    _viewport_probe(
        key=probe,
        data={
            "container": key_class(figure_key),
            "known": {"height": viewport.get("height"), **place},
        },
        on_viewport_change=measured,
        height=0,
    )
