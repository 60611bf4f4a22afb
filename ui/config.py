"""What is left of the pages' hand codecs (issue #21 replaces them with ui.state's
fields, page by page): Schedules and Compare, the view's keys, and the Playground's
configuration as one object for Compare and the Sweep.

Query strings are untrusted: a `*_from_query` never raises. Unknown names fall back to
defaults, numbers are clamped into range, garbage is ignored, and every change is
reported as a short notice the page shows.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import landscapes
import optimizers
from optimizers import schedules
from ui import limits
from ui import playground as _playground
from ui.codec import (
    RunConfig,
    clamped,
    first,
    format_run,
    format_values,
    number,
    parse_run,
    parse_surface_params,
    set_hyperparameter,
    short,
    split_values,
    surface_query,
)
from ui.playground import (  # noqa: F401 (kept for the pages not yet on ui.state)
    ADD_CANDIDATES,
    DEFAULT_STEPS,
    DEFAULT_SURFACE,
    NOISE_HELP,
    default_runs,
    next_run,
)

# The web app's bounds live in ui.limits; these names are kept for the pages.
MAX_RUNS = limits.RUNS.value
MAX_STEPS_PAGE = limits.STEPS.value
MAX_NOISE = limits.NOISE.value


@dataclass
class PlaygroundConfig:
    """The Playground's values (ui.playground.FIELDS) as one object, for Compare's
    surface, start and steps and the Sweep's link to a cell's run. Read and written
    by the Playground's own fields (`from_query`, `to_query`), so there is one
    codec."""

    surface: str = DEFAULT_SURFACE
    surface_params: dict[str, float] = field(default_factory=dict)
    start: tuple[float, float] | None = None
    steps: int = DEFAULT_STEPS
    runs: list[RunConfig] = field(default_factory=list)
    schedule: dict = field(default_factory=dict)
    noise: float = 0.0
    seed: int = 0

    def values(self) -> dict:
        """The Playground page's values (its fields' names)."""
        values = {k: v for k, v in vars(self).items() if k != "runs"}
        return {**values, "run": self.runs}

    def landscape(self) -> landscapes.Landscape:
        return landscapes.get(self.surface, **self.surface_params)

    def resolved_start(self) -> tuple[float, float]:
        return _playground.start_of(self.values(), self.landscape())

    def run(self, record_state: bool = False) -> list[optimizers.RunResult]:
        """Every run of this configuration (ui.playground.run_all)."""
        return _playground.run_all(self.values(), record_state)


def default_config() -> PlaygroundConfig:
    return PlaygroundConfig(runs=default_runs())


def from_query(params: Mapping) -> tuple[PlaygroundConfig, list[str]]:
    """The Playground's configuration for a query string, and notices of what was
    changed (ui.playground.PAGE.parse). Never raises."""
    values, notices = _playground.PAGE.parse(params)
    values["runs"] = values.pop("run")
    return PlaygroundConfig(**values), notices


def to_query(config: PlaygroundConfig) -> dict[str, str | list[str]]:
    """The query parameters that reproduce `config` (ui.playground.PAGE.query)."""
    return _playground.PAGE.query(config.values())


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
    view.lecture = is_lecture(first(params, "lecture", notices))
    hide = first(params, "hide", notices)
    if hide:
        names = [h.strip() for h in hide.split(",") if h.strip()]
        unknown = [h for h in names if h not in HIDEABLE]
        if unknown:
            notices.append(
                f"Cannot hide '{unknown[0][:40]}'; hideable: {', '.join(HIDEABLE)}."
            )
        view.hidden = tuple(h for h in names if h in HIDEABLE)
    preset = first(params, "preset", notices)
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
    names = first(params, "schedules", notices)
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
            clamped(
                key,
                first(params, key, notices),
                low,
                high,
                getattr(config, key),
                notices,
                whole,
                by_limit.get(key),
            ),
        )
    optimizer = first(params, "optimizer", notices)
    if optimizer is not None:
        if optimizer in optimizers.names():
            config.optimizer = optimizer
        else:
            notices.append(f"Unknown optimizer '{optimizer[:40]}'; using gd.")
    surface = first(params, "surface", notices)
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
        query[key] = short(getattr(config, key))
    query["optimizer"] = config.optimizer
    query["surface"] = config.surface
    query.update(surface_query(config.surface_params))
    return query


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
    text = first(params, "run", notices)
    if text is not None:
        run = parse_run(text, notices)
        if run is not None:
            config.run = run
    spec = optimizers.spec(config.run.optimizer)
    settable = [
        h.name for h in spec.hyperparameters if h.settable and h.kind == "float"
    ]
    vary = first(params, "vary", notices)
    if vary == SCHEDULE_AXIS:
        config.vary = SCHEDULE_AXIS
        config.values = schedules.NAMES
        names = first(params, "values", notices)
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
    values = first(params, "values", notices)
    if values is not None:
        parts = split_values(values)
        parsed = []
        for part in parts[: MAX_PANELS + 1]:
            if number(part) is None:
                notices.append(f"'{part[:40]}' in 'values' is not a number; dropped.")
                continue
            holder: dict[str, float] = {}
            set_hyperparameter(
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
        query["start"] = f"{short(config.start[0])},{short(config.start[1])}"
    query["steps"] = str(config.steps)
    query["run"] = format_run(config.run)
    query["vary"] = config.vary
    query["values"] = ",".join(
        v if isinstance(v, str) else short(v) for v in config.values
    )
    return query
