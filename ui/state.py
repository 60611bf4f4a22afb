"""A page's state, declared once as fields, and the one binder every page uses.

A page lists its `Field`s (name, kind, range or choices, default, label, help). From
that one declaration:

- `parse` turns an untrusted query string into values and notices. It never raises:
  an unknown choice falls back, a number is clamped, garbage is ignored, each change
  is a notice. Fields are parsed in order, so a field may depend on one before it (a
  surface's parameters and start on the surface).
- `to_query` writes values back as the page's link, losslessly.
- `PageState` binds them to Streamlit: URL -> session state on a session's first run,
  session state -> widgets (each widget's range is its field's), values -> link.

Kinds, and what a value is:

===============  ==================================================================
float, int       a number clamped to [low, high] (`limit`: the server's limit that
                 `high` is, named in the notice when a value is cut to it)
choice           one of `choices`; default None: "the page decides" (see `parse`)
bool             True or False ("1", "true", "yes")
pair             two floats "x,y", each clamped to [low, high]; `parts` names the two
                 widgets' keys (default <name>_x and <name>_y)
names            a tuple of `choices` written "a,b"; unknown names dropped
text             the text as given (a page's own parser reads it in `settle`)
schedule         an lr schedule, {"name": ..., setting: value} ("step;gamma=0.5")
run              one run, a RunConfig ("adam;lr=0.01;betas=0.9,0.99")
runs             a list of RunConfigs, one `run=` entry each
surface_params   the parameters of the surface the field `of` names, each under its
                 own key (ui.codec.surface_key)
start            a start point "x,y" inside the surface's view where f is defined;
                 None: the surface's default start. Widgets (`parts`) as a pair's,
                 each over [low, high]
===============  ==================================================================

Every page also has the view fields (`VIEW_FIELDS`): lecturer mode, hidden controls
and the Gallery preset it was opened from.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import landscapes
import optimizers
from optimizers import schedules
from ui import codec, limits
from ui.limits import Limit

KINDS = (
    "float",
    "int",
    "choice",
    "bool",
    "pair",
    "names",
    "text",
    "schedule",
    "run",
    "runs",
    "surface_params",
    "start",
)


@dataclass(frozen=True)
class Field:
    """One piece of a page's state (see the module's table of kinds).

    `unknown`: the notice for an unknown choice or name, with {name}, {text} and
    {default} or {choices}. `written(values)`: whether the link carries the field
    (default: whenever its value is not None). `of`: the field this one depends on
    (the surface of `surface_params` and `start`)."""

    name: str
    kind: str
    default: object
    low: float = 0.0
    high: float = 0.0
    choices: tuple[str, ...] = ()
    limit: Limit | None = None
    label: str = ""
    help: str | None = None
    unknown: str = ""
    parts: tuple[str, str] = ("", "")
    of: str = "surface"
    written: Callable[[Mapping], bool] | None = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown field kind {self.kind!r}")
        if self.limit is not None and self.high != self.limit.value:
            raise ValueError(f"{self.name}: high {self.high} is not its limit")
        if self.kind in ("pair", "start") and not all(self.parts):
            object.__setattr__(self, "parts", (f"{self.name}_x", f"{self.name}_y"))


# ---------------------------------------------------------------- URL -> values


def parse(
    fields: Sequence[Field], params: Mapping, unknown: dict[str, str] | None = None
) -> tuple[dict[str, object], list[str]]:
    """Values for every field from `params` (str or list of str per key), and
    notices of what was changed. A choice the page decides (default None) that
    `params` names wrongly is None in the values and, if `unknown` is given, its text
    goes there instead of a notice: the page, once it has decided, names what it
    uses."""
    notices: list[str] = []
    values: dict[str, object] = {}
    for field in fields:
        values[field.name] = _PARSERS[field.kind](
            field, params, values, notices, unknown
        )
    return values, notices


def _text(field, params, notices):
    return codec.first(params, field.name, notices)


def _number(field, params, values, notices, unknown):
    return codec.clamped(
        field.name,
        _text(field, params, notices),
        field.low,
        field.high,
        field.default,
        notices,
        whole=field.kind == "int",
        limit=field.limit,
    )


def _choice(field, params, values, notices, unknown):
    text = _text(field, params, notices)
    if text is None:
        return field.default
    if text in field.choices:
        return text
    if field.default is None and unknown is not None:
        unknown[field.name] = text[:40]
    else:
        used = "the default" if field.default is None else field.default
        template = field.unknown or "Unknown {name} '{text}'; using {default}."
        notices.append(template.format(name=field.name, text=text[:40], default=used))
    return field.default


def _bool(field, params, values, notices, unknown):
    text = _text(field, params, notices)
    if text is None:
        return field.default
    return codec.truthy(text)


def _pair(field, params, values, notices, unknown):
    text = _text(field, params, notices)
    if text is None:
        return field.default
    numbers = codec.two_numbers(text)
    if numbers is None:
        notices.append(f"'{field.name}={text[:40]}' is not two numbers; ignored.")
        return field.default
    pair = tuple(min(max(v, field.low), field.high) for v in numbers)
    if pair != numbers:
        notices.append(
            f"'{field.name}' is outside [{codec.short(field.low)}, "
            f"{codec.short(field.high)}]; using {codec.short(pair[0])},"
            f"{codec.short(pair[1])}."
        )
    return pair


def _names(field, params, values, notices, unknown):
    text = _text(field, params, notices)
    if text is None:
        return field.default
    names = [name.strip() for name in text.split(",") if name.strip()]
    dropped = [name for name in names if name not in field.choices]
    if dropped:
        template = field.unknown or "Unknown {name} '{text}' was dropped."
        notices.append(
            template.format(
                name=field.name, text=dropped[0][:40], choices=", ".join(field.choices)
            )
        )
    chosen = tuple(dict.fromkeys(name for name in names if name in field.choices))
    return chosen if chosen or not names else field.default


def _raw(field, params, values, notices, unknown):
    text = _text(field, params, notices)
    return field.default if text is None else text


def _schedule(field, params, values, notices, unknown):
    schedule = codec.parse_schedule(_text(field, params, notices), notices)
    return schedule or dict(field.default)


def _run(field, params, values, notices, unknown):
    text = _text(field, params, notices)
    run = codec.parse_run(text, notices) if text is not None else None
    return run if run is not None else copy.deepcopy(field.default)


def _runs(field, params, values, notices, unknown):
    texts = params.get(field.name)
    if texts is None:
        return copy.deepcopy(field.default)
    if isinstance(texts, str):
        texts = [texts]
    runs = []
    for text in texts:
        if len(text) > codec.MAX_VALUE_LENGTH:
            notices.append(
                "A run description was too long and was dropped "
                f"{limits.notice(limits.VALUE_LENGTH)}."
            )
            continue
        run = codec.parse_run(text, notices)
        if run is not None:
            runs.append(run)
    if len(runs) > limits.RUNS.value:
        notices.append(
            f"Only the first {limits.RUNS.value} runs are shown "
            f"{limits.notice(limits.RUNS)}."
        )
        runs = runs[: limits.RUNS.value]
    if not runs:
        notices.append("No valid run in the link; showing the default runs.")
        return copy.deepcopy(field.default)
    return runs


def _surface_params(field, params, values, notices, unknown):
    if field.of not in params and field.default is not None:
        # A link without a surface shows the page's own surface as the page sets it.
        return dict(field.default)
    return codec.parse_surface_params(values[field.of], params, notices)


def _start(field, params, values, notices, unknown):
    text = _text(field, params, notices)
    if text is None:
        return field.default
    numbers = codec.two_numbers(text)
    if numbers is None:
        notices.append(f"'start={text[:40]}' is not two numbers; using the default.")
        return field.default
    surface = surface_of(values, field.of)
    (x0, x1), (y0, y1) = surface.bounds
    x = min(max(numbers[0], x0), x1)
    y = min(max(numbers[1], y0), y1)
    if (x, y) != numbers:
        notices.append("The start point was outside the plot; moved to its edge.")
    if not codec.defined_at(surface, x, y):
        notices.append(
            f"f is undefined at the start ({codec.short(x)}, {codec.short(y)}); "
            "using the surface's default start."
        )
        return field.default
    return (x, y)


_PARSERS = {
    "float": _number,
    "int": _number,
    "choice": _choice,
    "bool": _bool,
    "pair": _pair,
    "names": _names,
    "text": _raw,
    "schedule": _schedule,
    "run": _run,
    "runs": _runs,
    "surface_params": _surface_params,
    "start": _start,
}


def cap_batch(values: dict, notices: list[str]) -> None:
    """A page's ``batch`` is at most its ``n_points`` (a batch cannot hold more
    examples than there are); a notice when it had to shrink. Part of a page's
    `settle`."""
    if values["batch"] > values["n_points"]:
        notices.append(
            f"'batch' = {values['batch']} is more than the {values['n_points']} "
            f"examples; using {values['n_points']}."
        )
        values["batch"] = values["n_points"]


def surface_of(values: Mapping, name: str = "surface") -> landscapes.Landscape:
    """The surface that field `name` and its parameters (`<name>_params`) describe."""
    return landscapes.get(values[name], **values.get(f"{name}_params", {}))


# ---------------------------------------------------------------- values -> URL


def to_query(fields: Sequence[Field], values: Mapping) -> dict[str, str | list[str]]:
    """The query string of `values`: every field the link carries (see
    `Field.written`), so that a link pins every number."""
    query: dict[str, str | list[str]] = {}
    for field in fields:
        value = values[field.name]
        written = field.written(values) if field.written else value is not None
        if written:
            query.update(_write(field, value))
    return query


def _write(field: Field, value) -> dict[str, str | list[str]]:
    kind, name, short = field.kind, field.name, codec.short
    if kind in ("pair", "start"):
        return {name: f"{short(value[0])},{short(value[1])}"}
    if kind == "bool":
        return {name: "1" if value else "0"}
    if kind in ("choice", "text"):
        return {name: str(value)}
    if kind == "int":
        return {name: str(int(value))}
    if kind == "names":
        return {name: ",".join(value)}
    if kind == "schedule":
        text = codec.format_schedule(value)
        return {name: text} if text else {}
    if kind == "run":
        return {name: codec.format_run(value)}
    if kind == "runs":
        return {name: [codec.format_run(run) for run in value]}
    if kind == "surface_params":
        return codec.surface_query(value)
    return {name: short(value)}


# ---------------------------------------------------------------- the view

HIDEABLE = ("surface", "runs", "schedule", "noise", "start")


@dataclass
class ViewOptions:
    """How a page is shown, not what it computes: lecturer mode for a projector."""

    lecture: bool = False
    hidden: tuple[str, ...] = ()
    preset: str | None = None


def _preset_keys() -> tuple[str, ...]:
    from ui.presets import BY_KEY

    return tuple(BY_KEY)


def view_fields() -> tuple[Field, ...]:
    """Every page's view: ``lecture=1``, ``hide=runs,schedule``, ``preset=<key>``."""
    return (
        Field("lecture", "bool", False, written=lambda v: bool(v["lecture"])),
        Field(
            "hide",
            "names",
            (),
            choices=HIDEABLE,
            unknown="Cannot hide '{text}'; hideable: {choices}.",
            written=lambda v: bool(v["hide"]),
        ),
        Field(
            "preset",
            "choice",
            None,
            choices=_preset_keys(),
            unknown="Unknown preset '{text}' was ignored.",
        ),
    )


def view_of(values: Mapping) -> ViewOptions:
    return ViewOptions(values["lecture"], tuple(values["hide"]), values["preset"])


def view_values(view: ViewOptions) -> dict:
    return {"lecture": view.lecture, "hide": view.hidden, "preset": view.preset}


def is_lecture(value: str | None) -> bool:
    """Whether a URL's ``lecture=`` value turns lecturer mode on."""
    return value is not None and codec.truthy(value)


def view_query(view: ViewOptions) -> dict[str, str]:
    """The link's view keys."""
    return to_query(view_fields(), view_values(view))


# ---------------------------------------------------------------- the binder


def query_dict() -> dict[str, list[str]]:
    """st.query_params with every value as a list (repeated keys kept)."""
    import streamlit as st

    return {key: st.query_params.get_all(key) for key in st.query_params}


def forget_loaded_state() -> None:
    """Make every page read its configuration from the URL again on its next run."""
    import streamlit as st

    for key in [k for k in st.session_state if str(k).endswith("loaded")]:
        del st.session_state[key]


SESSION_LECTURE = "lecture.session"  # is this session in lecturer mode?


@dataclass(frozen=True)
class Link:
    """What a page's `settle` reads besides the parsed values: the query itself
    (which keys a link gives), and the text of each choice the page decides (default
    None) that the link named wrongly: the page names it in a notice once it has
    decided what it uses."""

    params: Mapping
    unknown: Mapping[str, str]


class PageState:
    """A page's fields bound to Streamlit under `prefix` ("sto." ...).

    `settle(values, notices, link)` (optional) finishes parsed values the page
    decides itself (a surface's default start, a batch no larger than the data) and
    checks fields against each other and against the `Link`; it is run by `parse`,
    so pure tests see what the page sees."""

    def __init__(
        self,
        prefix: str,
        fields: Sequence[Field],
        settle: Callable[[dict, list[str], Link], None] | None = None,
    ):
        self.prefix = prefix
        self.fields = tuple(fields)
        self.field = {f.name: f for f in self.fields}
        self.settle = settle

    # Pure: URL <-> values
    def parse(self, params: Mapping) -> tuple[dict, list[str]]:
        """The page's values for `params`, and every notice (never raises)."""
        if self.settle is None:
            return parse(self.fields, params)
        unknown: dict[str, str] = {}
        values, notices = parse(self.fields, params, unknown)
        self.settle(values, notices, Link(params, unknown))
        return values, notices

    def query(self, values: Mapping) -> dict[str, str | list[str]]:
        return to_query(self.fields, values)

    # Session state
    def key(self, name: str) -> str:
        return self.prefix + name

    def load(self) -> None:
        """On a session's first run of the page: the URL's values into the widgets'
        state, the view and the notices kept for `header`."""
        import streamlit as st

        state = st.session_state
        if state.get(self.key("loaded")):
            return
        params = query_dict()
        values, notices = self.parse(params)
        view, view_notices = parse(view_fields(), params)
        self.write(values)
        view = view_of(view)
        # Lecturer mode holds for the session: a page reached from the menu (whose
        # links carry no query) keeps it; a link's own lecture=0 or 1 decides.
        if "lecture" in params:
            state[SESSION_LECTURE] = view.lecture
        elif state.get(SESSION_LECTURE):
            view.lecture = True
        state[self.key("view")] = view
        state[self.key("notices")] = notices + view_notices
        state[self.key("loaded")] = True

    def write(self, values: Mapping, names: Sequence[str] | None = None) -> None:
        """`values` into the session state its widgets read (only fields `names`,
        if given: a callback that changed one field leaves the others be)."""
        import streamlit as st

        state = st.session_state
        for field in self.fields:
            if names is not None and field.name not in names:
                continue
            for key, value in self._state_items(field, values[field.name], values):
                state[key] = value

    def _state_items(self, field: Field, value, values):
        key = self.key(field.name)
        if field.kind in ("pair", "start"):
            if value is None and field.kind == "start":
                value = surface_of(values, field.of).default_start
            if value is not None:
                yield self.key(field.parts[0]), float(value[0])
                yield self.key(field.parts[1]), float(value[1])
        elif field.kind == "run":
            yield from self._run_items("", value)
        elif field.kind == "runs":
            yield self.key("run_count"), len(value)
            for i, run in enumerate(value):
                yield from self._run_items(f"run{i}.", run)
        elif field.kind == "schedule":
            schedule = schedules.Schedule.from_dict(value or {})
            yield self.key("schedule"), schedule.name
            for name in ("decay_rate", "gamma", "eta_min"):
                yield self.key(f"sched.{name}"), float(getattr(schedule, name))
            yield self.key("sched.step_size"), int(schedule.step_size)
            yield self.key("sched.warmup"), int(schedule.warmup)
        elif field.kind == "surface_params":
            write_surface_params(self.prefix, surface_of(values, field.of).params)
        elif field.kind == "names":  # a multiselect's value is a list
            yield key, list(value)
        elif field.kind == "int":
            yield key, int(value)
        elif field.kind == "float":
            yield key, float(value)
        else:
            yield key, value

    def _run_items(self, at: str, run: codec.RunConfig):
        yield self.key(f"{at}optimizer"), run.optimizer
        for hyper in optimizers.spec(run.optimizer).hyperparameters:
            if hyper.settable:
                value = run.hyperparameters.get(hyper.name, hyper.default)
                yield (
                    self.key(f"{at}{run.optimizer}.{hyper.name}"),
                    codec.widget_value(hyper, value),
                )

    def values(self) -> dict:
        """The page's values as its widgets hold them."""
        import streamlit as st

        state = st.session_state
        values: dict = {}
        for field in self.fields:
            values[field.name] = self._from_state(field, state, values)
        return values

    def _from_state(self, field: Field, state, values):
        if field.kind in ("pair", "start"):
            first, second = (self.key(part) for part in field.parts)
            if state.get(first) is None or state.get(second) is None:
                return field.default
            return (state[first], state[second])
        if field.kind == "run":
            return self._run_from_state("")
        if field.kind == "runs":
            return [
                self._run_from_state(f"run{i}.")
                for i in range(state[self.key("run_count")])
            ]
        if field.kind == "schedule":
            return self._schedule_from_state(state)
        if field.kind == "surface_params":
            return surface_params_from_state(self.prefix, values[field.of])
        return state.get(self.key(field.name), field.default)

    def _run_from_state(self, at: str) -> codec.RunConfig:
        import streamlit as st

        state = st.session_state
        name = state[self.key(f"{at}optimizer")]
        hyperparameters = {}
        for hyper in optimizers.spec(name).hyperparameters:
            key = self.key(f"{at}{name}.{hyper.name}")
            if hyper.settable and key in state and state[key] != hyper.default:
                hyperparameters[hyper.name] = state[key]
        return codec.RunConfig(name, hyperparameters)

    def _schedule_from_state(self, state) -> dict:
        name = state[self.key("schedule")]
        schedule = {"name": name} if name != "constant" else {}
        for setting in schedules.USES[name]:
            if self.key(f"sched.{setting}") in state:  # cosine's t_max has no widget
                schedule[setting] = state[self.key(f"sched.{setting}")]
        if state[self.key("sched.warmup")]:
            schedule.setdefault("name", "constant")
            schedule["warmup"] = state[self.key("sched.warmup")]
        return schedule

    # Rendering
    def header(self, keep_notices: bool = False) -> ViewOptions:
        """Lecturer mode's type, the URL's notices (as literal text) and the preset's
        lesson; returns the view options. `keep_notices`: show the notices on the
        next run too (a run that ends early, before the rest of the page)."""
        import streamlit as st

        from ui import widgets

        state = st.session_state
        view = state[self.key("view")]
        if view.lecture:
            st.markdown(widgets.LECTURE_CSS, unsafe_allow_html=True)
        notices = state.get(self.key("notices"), [])
        if not keep_notices:
            state.pop(self.key("notices"), None)
        for notice in notices:
            st.warning(widgets.literal(notice), icon=":material/link:")
        widgets.lesson(view)
        return view

    def view(self) -> ViewOptions:
        import streamlit as st

        return st.session_state[self.key("view")]

    def publish(self, values: Mapping) -> dict[str, str | list[str]]:
        """Write the page's link (its values and view) to the address bar; returns
        the query."""
        import streamlit as st

        query = {**self.query(values), **view_query(self.view())}
        st.query_params.from_dict(query)
        return query

    # Widgets whose range is their field's
    def number_input(self, name: str, label: str | None = None, where=None, **kw):
        import streamlit as st

        field = self.field[name]
        return (where or st).number_input(
            label or field.label or name,
            field.low,
            field.high,
            key=self.key(name),
            help=kw.pop("help", field.help),
            **kw,
        )

    def slider(self, name: str, label: str | None = None, where=None, **kw):
        import streamlit as st

        field = self.field[name]
        low, high = kw.pop("low", field.low), kw.pop("high", field.high)
        return (where or st).slider(
            label or field.label or name,
            low,
            high,
            key=self.key(name),
            help=kw.pop("help", field.help),
            **kw,
        )

    def selectbox(self, name: str, label: str | None = None, where=None, **kw):
        import streamlit as st

        field = self.field[name]
        return (where or st).selectbox(
            label or field.label or name,
            kw.pop("options", field.choices),
            key=self.key(name),
            help=kw.pop("help", field.help),
            **kw,
        )

    def pair_inputs(self, name: str, labels: tuple[str, str] | None = None, **kw):
        """A pair's (or a start's) two number inputs side by side, each over the
        field's [low, high]; `labels` default to the parts' keys ("start x")."""
        import streamlit as st

        field = self.field[name]
        labels = labels or tuple(part.replace("_", " ") for part in field.parts)
        for column, part, label in zip(st.columns(2), field.parts, labels, strict=True):
            column.number_input(label, field.low, field.high, key=self.key(part), **kw)


# ---------------------------------------------------------------- a surface's state

TYPED_ERROR = "typed_error"


def write_surface_params(prefix: str, params: dict) -> None:
    """Put a surface's parameters into the page's state (and a typed surface's
    fields, where they changed), e.g. from a link or a new surface's defaults."""
    import streamlit as st

    state = st.session_state
    typed = any(isinstance(v, str) for v in params.values())
    for key, value in params.items():
        value = value if isinstance(value, str) else float(value)
        if typed and state.get(f"{prefix}param.{key}") != value:
            state[f"{prefix}typed.{key}"] = value
            state.pop(prefix + TYPED_ERROR, None)
        state[f"{prefix}param.{key}"] = value


def surface_params_from_state(prefix: str, surface: str) -> dict:
    """The surface's parameters as the page's state holds them (the last that built
    a surface, for a typed one)."""
    import streamlit as st

    state = st.session_state
    keys = [*landscapes.text_parameters(surface), *landscapes.parameter_ranges(surface)]
    return {
        k: state[f"{prefix}param.{k}"] for k in keys if f"{prefix}param.{k}" in state
    }


def forget_surface_params(prefix: str) -> None:
    """Drop every surface parameter from state (a new surface starts from its own)."""
    import streamlit as st

    state = st.session_state
    for key in [
        k for k in state if str(k).startswith((prefix + "param.", prefix + "typed."))
    ]:
        del state[key]
    state.pop(prefix + TYPED_ERROR, None)


def never(values: Mapping) -> bool:
    """`Field.written` for a field the link never carries."""
    return False
