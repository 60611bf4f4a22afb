"""A page's whole configuration, and its round trip through the URL query string.

Query strings are untrusted: `from_query` never raises. Unknown names fall back to
defaults, numbers are clamped into range, garbage is ignored, and every change is
reported as a short notice the page shows.

Format (repeat ``run`` for several runs)::

    ?surface=quadratic&condition_number=10&angle=0.3&start=-2.5,2&steps=300
    &run=sgd;lr=0.05;momentum=0.9&run=adam;lr=0.1;betas=0.9,0.999
    &schedule=step;gamma=0.5;step_size=100&noise=0&seed=0
"""

from __future__ import annotations

import inspect
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import landscapes
import optimizers
from optimizers import schedules
from ui import limits
from ui.limits import Limit

# The web app's bounds live in ui.limits; these names are kept for the pages.
MAX_RUNS = limits.RUNS.value
MAX_STEPS_PAGE = limits.STEPS.value
MAX_VALUE_LENGTH = limits.VALUE_LENGTH.value  # longer values are ignored, not parsed
DEFAULT_SURFACE = "rosenbrock"
DEFAULT_STEPS = 1000
MAX_NOISE = limits.NOISE.value
# Keys the pages use themselves: a surface parameter of the same name (the empirical
# risks' `noise` and `seed`) travels as "surface.<name>" so the two never mix.
PAGE_KEYS = frozenset(
    ("surface", "start", "steps", "run", "schedule", "noise", "seed", "vary", "values")
    + ("lecture", "hide", "preset")
)


def surface_key(name: str) -> str:
    """The URL key of surface parameter `name`."""
    return f"surface.{name}" if name in PAGE_KEYS else name


NOISE_HELP = (
    "Gaussian noise added to each gradient component, seeded: a model of minibatch "
    "noise on a formula, not SGD. True minibatches of real examples: the Stochastic "
    "page, or an empirical-risk surface with a batch size."
)


@dataclass
class RunConfig:
    """One optimizer run: its name and the hyperparameters that differ from defaults."""

    optimizer: str
    hyperparameters: dict[str, float] = field(default_factory=dict)

    def label(self) -> str:
        """'momentum(lr=0.045, momentum=0.9)': each setting to 4 significant digits,
        with ≈ where that rounds it (a Sweep cell's lr=0.04503428864545838 reads
        lr≈0.04503); the link keeps every digit."""
        shown = ", ".join(_readable(k, v) for k, v in self.hyperparameters.items())
        return f"{self.optimizer}({shown})" if shown else self.optimizer


@dataclass
class PlaygroundConfig:
    surface: str = DEFAULT_SURFACE
    surface_params: dict[str, float] = field(default_factory=dict)
    start: tuple[float, float] | None = None
    steps: int = DEFAULT_STEPS
    runs: list[RunConfig] = field(default_factory=list)
    schedule: dict = field(default_factory=dict)
    noise: float = 0.0
    seed: int = 0

    def landscape(self) -> landscapes.Landscape:
        return landscapes.get(self.surface, **self.surface_params)

    def resolved_start(self) -> tuple[float, float]:
        return self.start if self.start is not None else self.landscape().default_start

    def run(self, record_state: bool = False) -> list[optimizers.RunResult]:
        """Every run of this configuration, with its shared start, steps, schedule,
        noise and seed."""
        surface = self.landscape()
        return [
            optimizers.run(
                run.optimizer,
                surface,
                start=self.resolved_start(),
                steps=self.steps,
                schedule=self.schedule or None,
                seed=self.seed,
                gradient_noise=self.noise,
                record_state=record_state,
                **run.hyperparameters,
            )
            for run in self.runs
        ]


def default_runs() -> list[RunConfig]:
    """Rosenbrock's classic comparison; settings equal to defaults are left out."""
    return [
        RunConfig("gd"),  # lr = 1e-3
        RunConfig("momentum"),  # lr = 1e-3, momentum = 0.9
        RunConfig("rmsprop"),  # lr = 1e-2
        RunConfig("adam", {"lr": 0.05}),
    ]


def default_config() -> PlaygroundConfig:
    return PlaygroundConfig(runs=default_runs())


# What "Add run" adds on the Playground, in turn: the first whose optimizer no run
# uses yet (torch's defaults). sgd comes last: without noise it is gd step for step;
# adamw is left out: at torch's defaults it is Adam to within a line's width.
ADD_CANDIDATES = tuple(
    RunConfig(name)
    for name in (
        "gd",
        "momentum",
        "adam",
        "rmsprop",
        "adagrad",
        "nadam",
        "radam",
        "rprop",
        "adadelta",
        "normalized_gd",
        "newton",
        "sgd",
    )
)


def next_run(runs: list[RunConfig], candidates=ADD_CANDIDATES) -> RunConfig:
    """The run "Add run" adds beside `runs`, so that it does not hide one of them:
    the first candidate whose optimizer no run uses; when every one is used, the
    last run's optimizer at half the smallest lr any run of it has."""
    used = {run.optimizer for run in runs}
    for candidate in candidates:
        if candidate.optimizer not in used:
            return RunConfig(candidate.optimizer, dict(candidate.hyperparameters))
    last = runs[-1] if runs else candidates[0]
    spec = optimizers.spec(last.optimizer)
    if "lr" not in spec.defaults:
        return RunConfig(last.optimizer, dict(last.hyperparameters))
    lrs = [
        float(run.hyperparameters.get("lr", spec.defaults["lr"]))
        for run in runs
        if run.optimizer == last.optimizer
    ]
    lr = min(lrs, default=float(spec.defaults["lr"])) / 2
    return RunConfig(last.optimizer, {**last.hyperparameters, "lr": lr})


def _short(value) -> str:
    """The shortest text that reads back as the same number (URLs must be lossless)."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def _readable(name: str, value) -> str:
    """`name=value` for a label: `value` to 4 significant digits, `name≈value` if
    that is not exactly the number."""
    if isinstance(value, bool | int):
        return f"{name}={value}"
    rounded = f"{float(value):.4g}"
    if float(rounded) == float(value):
        return f"{name}={_short(value)}"
    return f"{name}≈{rounded}"


def _number(text: str) -> float | None:
    try:
        number = float(text)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _first(params: Mapping, key: str, notices: list[str]) -> str | None:
    values = params.get(key)
    if values is None:
        return None
    if isinstance(values, str):
        values = [values]
    if not values:
        return None
    value = values[-1]
    if len(value) > MAX_VALUE_LENGTH:
        notices.append(
            f"'{key}' was too long and was ignored "
            f"{limits.notice(limits.VALUE_LENGTH)}."
        )
        return None
    return value


def _clamped(
    key: str,
    text: str | None,
    low: float,
    high: float,
    default,
    notices,
    whole: bool = False,
    limit: Limit | None = None,
):
    """`text` as a number in [low, high] (`default` if absent or not a number), with
    a notice when it changed; one that names `limit` when the server's limit (the
    value `high`) is what cut it."""
    if text is None:
        return default
    number = _number(text)
    if number is None:
        notices.append(f"'{key}={text[:40]}' is not a number; using {_short(default)}.")
        return default
    clamped = min(max(number, low), high)
    if whole:
        clamped = int(round(clamped))
    if clamped != number:
        by_limit = limit is not None and number > high and high == limit.value
        notices.append(
            f"'{key}' = {_short(number)} is outside [{_short(low)}, "
            f"{_short(high)}]; using {_short(clamped)}"
            + (f" {limits.notice(limit)}." if by_limit else ".")
        )
    return clamped


def defined_at(surface: landscapes.Landscape, x: float, y: float) -> bool:
    """Whether f and ∇f are finite at (x, y): a run can start there (a typed log(x)
    cannot start at x <= 0)."""
    value, (gx, gy) = surface.value(x, y), surface.grad(x, y)
    return all(map(math.isfinite, (value, gx, gy)))


# A typed formula that parses once its blanks between two terms are pluses: the
# link's + became spaces, as a + in a query string does.
LOST_PLUS_HINT = "; a + in a link must be written %2B (or use the page's Copy link)"


def parse_surface_params(surface: str, params: Mapping, notices: list[str]) -> dict:
    """Surface `surface`'s parameters from the query string: numbers clamped into
    their ranges, text (a typed formula) as given. Parameters that do not build a
    surface (a formula the parser refuses, a view with x_min above x_max) are all
    replaced by the surface's defaults, with a notice quoting the text and why."""
    defaults = inspect.signature(landscapes.REGISTRY[surface]).parameters
    values: dict = {}
    for key, (low, high) in landscapes.parameter_ranges(surface).items():
        text = _first(params, surface_key(key), notices)
        if text is not None:
            values[key] = _clamped(
                surface_key(key), text, low, high, defaults[key].default, notices
            )
    for key in landscapes.text_parameters(surface):
        text = _first(params, surface_key(key), notices)
        if text is not None:
            values[key] = text
    if landscapes.text_parameters(surface):
        try:
            landscapes.get(surface, **values)
        except ValueError as error:
            from landscapes.expression import with_lost_pluses

            typed = ", ".join(f"{k} = {str(v)[:80]}" for k, v in values.items())
            texts = [values.get(k) for k in landscapes.text_parameters(surface)]
            lost_plus = any(with_lost_pluses(text) for text in texts if text)
            notices.append(
                f"The link's surface ({typed}) was not accepted: {error}"
                + (LOST_PLUS_HINT if lost_plus else "")
                + f". Showing {landscapes.title(surface)} with its defaults."
            )
            values = {}
    return values


def parse_run(text: str, notices: list[str]) -> RunConfig | None:
    """'adam;lr=0.01;betas=0.9,0.99' -> RunConfig, clamping each hyperparameter."""
    name, *items = text.split(";")
    name = name.strip()
    if name not in optimizers.names():
        notices.append(f"Unknown optimizer '{name[:40]}' was dropped.")
        return None
    spec = optimizers.spec(name)
    hyperparameters: dict[str, float] = {}
    for item in items:
        key, _, value = item.partition("=")
        key = key.strip()
        if key in spec.tuples:
            parts = value.split(",")
            if len(parts) != 2:
                notices.append(f"{name}: '{key}' needs two values; using defaults.")
                continue
            for part_name, part in zip(spec.tuples[key], parts, strict=True):
                _set_hyperparameter(
                    name, spec, part_name, part, hyperparameters, notices
                )
        else:
            _set_hyperparameter(name, spec, key, value, hyperparameters, notices)
    try:
        optimizers.resolve_hyperparameters(name, hyperparameters)
    except ValueError as error:
        notices.append(f"{error}; run dropped.")
        return None
    # Canonical form: only what differs from the defaults (as the widgets produce it).
    defaults = spec.defaults
    return RunConfig(
        name, {k: v for k, v in hyperparameters.items() if v != defaults[k]}
    )


def _set_hyperparameter(name, spec, key, value, hyperparameters, notices):
    try:
        hyper = spec.hyperparameter(key)
    except KeyError:
        notices.append(f"{name}: unknown setting '{key[:40]}' was ignored.")
        return
    if not hyper.settable:
        notices.append(f"{name}: '{key}' is fixed and was ignored.")
        return
    if hyper.kind == "bool":
        hyperparameters[key] = value.strip().lower() in ("1", "true", "yes")
        return
    low = hyper.low
    high = min(hyper.high, 1e6)
    if hyper.open_high:
        high = math.nextafter(hyper.high, -math.inf) if hyper.high <= 1 else high
        high = min(high, 0.9999) if hyper.high == 1.0 else high
    if hyper.open_low:
        low = max(low, 1e-12)
    hyperparameters[key] = _clamped(
        f"{name}.{key}", value, low, high, hyper.default, notices
    )


def format_run(run: RunConfig) -> str:
    spec = optimizers.spec(run.optimizer)
    items = [run.optimizer]
    done = set()
    for tuple_name, (first, second) in spec.tuples.items():
        if first in run.hyperparameters or second in run.hyperparameters:
            a = run.hyperparameters.get(first, spec.hyperparameter(first).default)
            b = run.hyperparameters.get(second, spec.hyperparameter(second).default)
            items.append(f"{tuple_name}={_short(a)},{_short(b)}")
            done.update((first, second))
    for key, value in run.hyperparameters.items():
        if key in done:
            continue
        items.append(
            f"{key}={int(value) if isinstance(value, bool) else _short(value)}"
        )
    return ";".join(items)


def parse_schedule(text: str | None, notices: list[str]) -> dict:
    if not text:
        return {}
    name, *items = text.split(";")
    if name not in schedules.NAMES:
        notices.append(f"Unknown schedule '{name[:40]}'; using constant.")
        return {}
    fields = {"name": name}
    ranges = {
        "decay_rate": (0.0, 10.0, False),
        "gamma": (0.0, 1.0, False),
        "step_size": (1, MAX_STEPS_PAGE, True),
        "t_max": (1, MAX_STEPS_PAGE, True),
        "eta_min": (0.0, 10.0, False),
        "warmup": (0, MAX_STEPS_PAGE, True),
    }
    for item in items:
        key, _, value = item.partition("=")
        if key not in ranges:
            notices.append(f"Unknown schedule setting '{key[:40]}' was ignored.")
            continue
        low, high, whole = ranges[key]
        default = getattr(schedules.Schedule(), key)
        fields[key] = _clamped(
            f"schedule.{key}",
            value,
            low,
            high,
            default if default is not None else high,
            notices,
            whole,
            limits.STEPS if whole else None,
        )
    return fields


def format_schedule(schedule: dict) -> str | None:
    if (
        not schedule
        or schedule.get("name", "constant") == "constant"
        and len(schedule) <= 1
    ):
        return None
    items = [schedule["name"]]
    items += [f"{k}={_short(v)}" for k, v in schedule.items() if k != "name"]
    return ";".join(items)


def from_query(params: Mapping) -> tuple[PlaygroundConfig, list[str]]:
    """The configuration a query string describes, and notices of what was changed.

    `params` maps keys to a string or a list of strings (st.query_params.to_dict() or
    {key: st.query_params.get_all(key)}). Never raises.
    """
    notices: list[str] = []
    config = default_config()
    if not params:
        return config, notices
    surface = _first(params, "surface", notices)
    if surface is not None:
        if surface in landscapes.names():
            config.surface = surface
        else:
            notices.append(
                f"Unknown surface '{surface[:40]}'; using {DEFAULT_SURFACE}."
            )
    config.surface_params = parse_surface_params(config.surface, params, notices)
    surface_object = config.landscape()
    start = _first(params, "start", notices)
    if start is not None:
        parts = start.split(",")
        numbers = [_number(p) for p in parts]
        if len(parts) != 2 or None in numbers:
            notices.append(
                f"'start={start[:40]}' is not two numbers; using the default."
            )
        else:
            (x0, x1), (y0, y1) = surface_object.bounds
            x = min(max(numbers[0], x0), x1)
            y = min(max(numbers[1], y0), y1)
            if (x, y) != tuple(numbers):
                notices.append(
                    "The start point was outside the plot; moved to its edge."
                )
            config.start = (x, y)
            if not defined_at(surface_object, x, y):
                notices.append(
                    f"f is undefined at the start ({_short(x)}, {_short(y)}); "
                    "using the surface's default start."
                )
                config.start = None
    config.steps = _clamped(
        "steps",
        _first(params, "steps", notices),
        1,
        MAX_STEPS_PAGE,
        DEFAULT_STEPS,
        notices,
        whole=True,
        limit=limits.STEPS,
    )
    raw_runs = params.get("run")
    if raw_runs is not None:
        if isinstance(raw_runs, str):
            raw_runs = [raw_runs]
        runs = []
        for text in raw_runs:
            if len(text) > MAX_VALUE_LENGTH:
                notices.append(
                    "A run description was too long and was dropped "
                    f"{limits.notice(limits.VALUE_LENGTH)}."
                )
                continue
            run = parse_run(text, notices)
            if run is not None:
                runs.append(run)
        if len(runs) > MAX_RUNS:
            notices.append(
                f"Only the first {MAX_RUNS} runs are shown "
                f"{limits.notice(limits.RUNS)}."
            )
            runs = runs[:MAX_RUNS]
        if runs:
            config.runs = runs
        else:
            notices.append("No valid run in the link; showing the default runs.")
    config.schedule = parse_schedule(_first(params, "schedule", notices), notices)
    config.noise = _clamped(
        "noise",
        _first(params, "noise", notices),
        0.0,
        MAX_NOISE,
        0.0,
        notices,
        limit=limits.NOISE,
    )
    config.seed = _clamped(
        "seed", _first(params, "seed", notices), 0, 2**31 - 1, 0, notices, whole=True
    )
    return config, notices


def to_query(config: PlaygroundConfig) -> dict[str, str | list[str]]:
    """The query parameters that reproduce `config` (defaults left out)."""
    query: dict[str, str | list[str]] = {"surface": config.surface}
    query.update(surface_query(config.surface_params))
    if config.start is not None:
        query["start"] = f"{_short(config.start[0])},{_short(config.start[1])}"
    query["steps"] = str(config.steps)
    query["run"] = [format_run(run) for run in config.runs]
    schedule = format_schedule(config.schedule)
    if schedule:
        query["schedule"] = schedule
    if config.noise:
        query["noise"] = _short(config.noise)
        query["seed"] = str(config.seed)
    return query


HIDEABLE = ("surface", "runs", "schedule", "noise", "start")


@dataclass
class ViewOptions:
    """How a page is shown, not what it computes: lecturer mode for a projector."""

    lecture: bool = False
    hidden: tuple[str, ...] = ()
    preset: str | None = None


def is_lecture(value: str | None) -> bool:
    """Whether a URL's ``lecture=`` value turns lecturer mode on."""
    return value is not None and value.strip().lower() in ("1", "true", "yes")


def view_from_query(params: Mapping) -> tuple[ViewOptions, list[str]]:
    """Lecturer-mode flags: ``lecture=1``, ``hide=runs,schedule``, ``preset=<key>``."""
    from ui.presets import BY_KEY

    notices: list[str] = []
    view = ViewOptions()
    view.lecture = is_lecture(_first(params, "lecture", notices))
    hide = _first(params, "hide", notices)
    if hide:
        names = [h.strip() for h in hide.split(",") if h.strip()]
        unknown = [h for h in names if h not in HIDEABLE]
        if unknown:
            notices.append(
                f"Cannot hide '{unknown[0][:40]}'; hideable: {', '.join(HIDEABLE)}."
            )
        view.hidden = tuple(h for h in names if h in HIDEABLE)
    preset = _first(params, "preset", notices)
    if preset is not None:
        if preset in BY_KEY:
            view.preset = preset
        else:
            notices.append(f"Unknown preset '{preset[:40]}' was ignored.")
    return view, notices


def view_to_query(view: ViewOptions) -> dict[str, str]:
    query = {}
    if view.lecture:
        query["lecture"] = "1"
    if view.hidden:
        query["hide"] = ",".join(view.hidden)
    if view.preset:
        query["preset"] = view.preset
    return query


@dataclass
class SchedulesConfig:
    """The Schedules page: several schedules sharing their parameters, and their
    effect on one run (optimizer, surface, noise)."""

    schedules: tuple[str, ...] = (
        "constant",
        "inverse_time",
        "exponential",
        "step",
        "cosine",
    )
    lr: float = 0.1
    steps: int = 300
    decay_rate: float = 0.02
    gamma: float = 0.5
    step_size: int = 100
    eta_min: float = 0.0
    warmup: int = 0
    optimizer: str = "gd"
    surface: str = "quadratic"
    noise: float = 0.5
    seed: int = 0
    surface_params: dict = field(default_factory=dict)

    def landscape(self) -> landscapes.Landscape:
        return landscapes.get(self.surface, **self.surface_params)

    def schedule(self, name: str) -> dict:
        return {
            "name": name,
            "decay_rate": self.decay_rate,
            "gamma": self.gamma,
            "step_size": self.step_size,
            "eta_min": self.eta_min,
            "warmup": self.warmup,
        }

    def chosen(self) -> list[schedules.Schedule]:
        """The schedules shown, as Schedule objects."""
        return [schedules.Schedule.from_dict(self.schedule(n)) for n in self.schedules]

    def run(self) -> list[optimizers.RunResult]:
        """One run of the optimizer on the surface under each schedule, from the
        surface's default start, with the page's gradient noise and seed."""
        surface = self.landscape()
        return [
            optimizers.run(
                self.optimizer,
                surface,
                steps=self.steps,
                lr=self.lr,
                schedule=schedule,
                gradient_noise=self.noise,
                seed=self.seed,
            )
            for schedule in self.chosen()
        ]


def schedules_from_query(params: Mapping) -> tuple[SchedulesConfig, list[str]]:
    """Never raises; see `from_query`."""
    notices: list[str] = []
    config = SchedulesConfig()
    names = _first(params, "schedules", notices)
    if names is not None:
        chosen = [n for n in names.split(",") if n in schedules.NAMES]
        dropped = [n for n in names.split(",") if n not in schedules.NAMES]
        if dropped:
            notices.append(f"Unknown schedule '{dropped[0][:40]}' was dropped.")
        if chosen:
            config.schedules = tuple(dict.fromkeys(chosen))
    number_fields = {
        "lr": (1e-6, 10.0, False),
        "steps": (1, MAX_STEPS_PAGE, True),
        "decay_rate": (0.0, 10.0, False),
        "gamma": (0.0, 1.0, False),
        "step_size": (1, MAX_STEPS_PAGE, True),
        "eta_min": (0.0, 10.0, False),
        "warmup": (0, MAX_STEPS_PAGE, True),
        "noise": (0.0, MAX_NOISE, False),
        "seed": (0, 2**31 - 1, True),
    }
    by_limit = {
        "steps": limits.STEPS,
        "step_size": limits.STEPS,
        "warmup": limits.STEPS,
        "noise": limits.NOISE,
    }
    for key, (low, high, whole) in number_fields.items():
        setattr(
            config,
            key,
            _clamped(
                key,
                _first(params, key, notices),
                low,
                high,
                getattr(config, key),
                notices,
                whole,
                by_limit.get(key),
            ),
        )
    optimizer = _first(params, "optimizer", notices)
    if optimizer is not None:
        if optimizer in optimizers.names():
            config.optimizer = optimizer
        else:
            notices.append(f"Unknown optimizer '{optimizer[:40]}'; using gd.")
    surface = _first(params, "surface", notices)
    if surface is not None:
        if surface in landscapes.names():
            config.surface = surface
        else:
            notices.append(f"Unknown surface '{surface[:40]}'; using quadratic.")
    config.surface_params = parse_surface_params(config.surface, params, notices)
    return config, notices


def schedules_to_query(config: SchedulesConfig) -> dict[str, str]:
    query = {"schedules": ",".join(config.schedules)}
    for key in (
        "lr",
        "steps",
        "decay_rate",
        "gamma",
        "step_size",
        "eta_min",
        "warmup",
        "noise",
        "seed",
    ):
        query[key] = _short(getattr(config, key))
    query["optimizer"] = config.optimizer
    query["surface"] = config.surface
    query.update(surface_query(config.surface_params))
    return query


def surface_query(surface_params: Mapping) -> dict[str, str]:
    """A surface's parameters as URL keys: numbers in their shortest lossless form,
    text as given."""
    return {
        surface_key(k): v if isinstance(v, str) else _short(v)
        for k, v in surface_params.items()
    }


MAX_PANELS = limits.PANELS.value
SCHEDULE_AXIS = "schedule"  # Compare's `vary` value for one panel per schedule


@dataclass
class CompareConfig:
    """The Compare page: one optimizer, one hyperparameter (or the lr schedule, with
    each schedule's default settings) varied across panels."""

    surface: str = "quadratic"
    surface_params: dict[str, float] = field(
        default_factory=lambda: {"condition_number": 20.0, "angle": 0.3}
    )
    start: tuple[float, float] | None = None
    steps: int = 100
    run: RunConfig = field(default_factory=lambda: RunConfig("momentum", {"lr": 0.01}))
    vary: str = "momentum"
    values: tuple[float | str, ...] = (0.0, 0.5, 0.8, 0.9, 0.95, 0.99)

    def landscape(self) -> landscapes.Landscape:
        return landscapes.get(self.surface, **self.surface_params)

    def resolved_start(self) -> tuple[float, float]:
        return self.start if self.start is not None else self.landscape().default_start


def compare_from_query(params: Mapping) -> tuple[CompareConfig, list[str]]:
    """Never raises; see `from_query`."""
    base, notices = from_query({k: v for k, v in params.items() if k != "run"})
    config = CompareConfig()
    if "surface" in params:
        config.surface, config.surface_params = base.surface, base.surface_params
    if "start" in params:
        config.start = base.start
    if "steps" in params:
        config.steps = base.steps
    text = _first(params, "run", notices)
    if text is not None:
        run = parse_run(text, notices)
        if run is not None:
            config.run = run
    spec = optimizers.spec(config.run.optimizer)
    settable = [
        h.name for h in spec.hyperparameters if h.settable and h.kind == "float"
    ]
    vary = _first(params, "vary", notices)
    if vary == SCHEDULE_AXIS:
        config.vary = SCHEDULE_AXIS
        config.values = schedules.NAMES
        names = _first(params, "values", notices)
        if names is not None:
            parts = split_values(names)
            chosen = [n for n in parts if n in schedules.NAMES]
            unknown = [n for n in parts if n not in schedules.NAMES]
            if unknown:
                notices.append(
                    "Unknown schedule names in 'values' were dropped: "
                    + ", ".join(f"'{n[:40]}'" for n in unknown[:3])
                    + ("." if len(unknown) <= 3 else ", ...")
                )
            if chosen:
                config.values = tuple(dict.fromkeys(chosen))
            else:
                notices.append(
                    "No schedule names given; using all of them: "
                    f"{format_values(schedules.NAMES)}."
                )
        return config, notices
    if vary is not None:
        if vary in settable:
            config.vary = vary
        else:
            notices.append(
                f"Cannot vary '{vary[:40]}' for {config.run.optimizer}; using lr."
            )
            config.vary = "lr"
    elif config.vary not in settable:
        config.vary = "lr"
    defaults = compare_defaults(config.run.optimizer, config.vary)
    config.values = defaults
    values = _first(params, "values", notices)
    if values is not None:
        parts = split_values(values)
        parsed = []
        for part in parts[: MAX_PANELS + 1]:
            if _number(part) is None:
                notices.append(f"'{part[:40]}' in 'values' is not a number; dropped.")
                continue
            holder: dict[str, float] = {}
            _set_hyperparameter(
                config.run.optimizer, spec, config.vary, part, holder, notices
            )
            if config.vary in holder:
                parsed.append(holder[config.vary])
        if len(parts) > MAX_PANELS:
            notices.append(
                f"At most {MAX_PANELS} panels; the rest were dropped "
                f"{limits.notice(limits.PANELS)}."
            )
        if parsed:
            config.values = tuple(parsed[:MAX_PANELS])
        else:
            notices.append(
                f"No {config.vary} values given; using the defaults "
                f"{format_values(defaults)}."
            )
    return config, notices


def split_values(text: str) -> list[str]:
    """The items of a typed list: commas, semicolons and spaces all separate them."""
    return [part for part in re.split(r"[,;\s]+", text) if part]


def format_values(values) -> str:
    """Compare's values as the Values box shows them."""
    return ", ".join(v if isinstance(v, str) else f"{v:g}" for v in values)


SPREAD = (0.1, 0.3, 1.0, 3.0)  # Compare's panels: these multiples of a default's gap


def spread(hyper: optimizers.Hyperparameter) -> tuple[float, ...]:
    """A few values of `hyper` around its default, all inside its range: the gap
    between the default and the nearer end of the range times 0.1, 0.3, 1 and 3, so
    lr = 1e-3 gives 1e-4 ... 3e-3 and β = 0.9 in [0, 1) gives 0.7 ... 0.99. A default
    on an end (a weight decay of 0) spreads over the range when it is bounded, else
    over decades from that end."""
    low, high, default = hyper.low, hyper.high, hyper.default
    gaps = [
        (gap, end, sign)
        for gap, end, sign in ((default - low, low, 1.0), (high - default, high, -1.0))
        if math.isfinite(gap) and gap > 0
    ]
    if gaps:
        gap, end, sign = min(gaps, key=lambda g: g[0])
        candidates = sorted(end + sign * gap * f for f in SPREAD)
    else:  # the default is the low end and the range is unbounded above
        candidates = [default + f for f in (0.0, 0.01, 0.1, 1.0)]
    values = []
    for value in candidates:
        value = float(f"{value:.12g}")  # 1 - 0.1 * 0.1 is 0.99, not 0.9899999...
        try:
            hyper.check(value)
        except ValueError:
            continue
        if value not in values:
            values.append(value)
    return tuple(values)


def compare_defaults(optimizer: str, vary: str) -> tuple[float | str, ...]:
    """The values Compare offers for `vary` of `optimizer`: every schedule, the
    classic momentum ladder, or `spread` of the hyperparameter."""
    if vary == SCHEDULE_AXIS:
        return schedules.NAMES
    hyper = optimizers.spec(optimizer).hyperparameter(vary)
    if vary == CompareConfig.vary and all(
        _inside(hyper, v) for v in CompareConfig.values
    ):
        return CompareConfig.values
    return spread(hyper)


def _inside(hyper, value: float) -> bool:
    try:
        hyper.check(value)
    except ValueError:
        return False
    return True


def compare_to_query(config: CompareConfig) -> dict[str, str]:
    query = {"surface": config.surface, **surface_query(config.surface_params)}
    if config.start is not None:
        query["start"] = f"{_short(config.start[0])},{_short(config.start[1])}"
    query["steps"] = str(config.steps)
    query["run"] = format_run(config.run)
    query["vary"] = config.vary
    query["values"] = ",".join(
        v if isinstance(v, str) else _short(v) for v in config.values
    )
    return query
