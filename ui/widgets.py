"""The widgets the pages share: lecturer mode's type and a preset's lesson, the
inputs of hyperparameters, runs, schedules and typed surfaces, URL text shown
literally, the share link and the export buttons.

Pure computing lives elsewhere in `ui` (and `landscapes`, `optimizers`); the pages'
cached computations are `ui.cache`, the browser listeners `ui.listeners`.
"""

from __future__ import annotations

import contextlib
import html
import math
import re

import streamlit as st

import landscapes
import optimizers
from optimizers import schedules
from ui import codec, export, limits
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
        state.setdefault(key, codec.widget_value(hyper, hyper.default))
        if hyper.kind == "bool":
            st.checkbox(hyper.name, key=key, help=hyper.help)
            continue
        low, high = codec.hyperparameter_range(hyper)
        if hyper.kind == "int":  # a count or a seed: whole numbers only
            st.number_input(
                hyper.name,
                min_value=math.ceil(low),  # the whole numbers inside the range
                max_value=math.floor(high),
                step=1,
                key=key,
                help=hyper.help,
            )
            continue
        st.number_input(
            hyper.name,
            min_value=low,
            max_value=high,
            key=key,
            format="%g",
            help=hyper.help,
        )


def update_rule(spec, where=None, title: bool = True) -> None:
    """An optimizer's update rule as the pages show it: its title (unless the page
    names it already), the LaTeX, the reference and, if it has one, its note (what
    Muon's rule comes to on a plane) as literal text."""
    where = where or st
    if title:
        where.markdown(f"**{spec.title}**")
    where.latex(spec.latex)
    where.caption(spec.reference)
    if spec.note:
        where.caption(literal(spec.note))


PICKER_HELP = (
    "Grouped by family (SGD family, adaptive, sign-based, ...); type to search by "
    "name or family, e.g. 'sign', 'quasi-Newton' or 'adam'."
)


def optimizer_label(name: str) -> str:
    """An optimizer's menu entry: its family, then its title ("adaptive · Adam"), so
    the menu reads in groups and typing a family's name finds its members."""
    spec = optimizers.spec(name)
    return f"{spec.family} · {spec.title}"


def optimizer_menu(label: str, key: str, options=None, where=None, **kw) -> str:
    """The grouped, searchable optimizer picker (`options`: default every optimizer)
    under session key `key`; its value is the registry name."""
    return (where or st).selectbox(
        label,
        optimizers.by_family(options),
        key=key,
        format_func=optimizer_label,
        help=kw.pop("help", PICKER_HELP),
        **kw,
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
            optimizer = optimizer_menu("optimizer", at + "optimizer", options)
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
