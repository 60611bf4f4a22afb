"""Text <-> value for what a link carries: numbers clamped into range, a run
("adam;lr=0.01;betas=0.9,0.99"), a schedule ("step;gamma=0.5;step_size=100"), a
surface's parameters. Every parser is given untrusted text, never raises, and
reports each change it made as a short notice; every writer gives the shortest text
that reads back as the same value. ui.state builds pages' fields from these.
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

MAX_STEPS_PAGE = limits.STEPS.value

MAX_VALUE_LENGTH = limits.VALUE_LENGTH.value  # longer values are ignored, not parsed


# Keys the pages use themselves: a surface parameter of the same name (the empirical
# risks' `noise` and `seed`) travels as "surface.<name>" so the two never mix.
PAGE_KEYS = frozenset(
    ("surface", "start", "steps", "run", "schedule", "noise", "seed", "vary", "values")
    + ("lecture", "hide", "preset")
)


def surface_key(name: str) -> str:
    """The URL key of surface parameter `name`."""
    return f"surface.{name}" if name in PAGE_KEYS else name


@dataclass
class RunConfig:
    """One optimizer run: its name and the hyperparameters that differ from defaults."""

    optimizer: str
    hyperparameters: dict[str, float] = field(default_factory=dict)

    def label(self) -> str:
        """'momentum(lr=0.045, momentum=0.9)': each setting to 4 significant digits,
        with ≈ where that rounds it (a Sweep cell's lr=0.04503428864545838 reads
        lr≈0.04503); the link keeps every digit."""
        shown = ", ".join(readable(k, v) for k, v in self.hyperparameters.items())
        return f"{self.optimizer}({shown})" if shown else self.optimizer


def short(value) -> str:
    """The shortest text that reads back as the same number (URLs must be lossless)."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def readable(name: str, value) -> str:
    """`name=value` for a label: `value` to 4 significant digits, `name≈value` if
    that is not exactly the number."""
    if isinstance(value, bool | int):
        return f"{name}={value}"
    rounded = f"{float(value):.4g}"
    if float(rounded) == float(value):
        return f"{name}={short(value)}"
    return f"{name}≈{rounded}"


def number(text: str) -> float | None:
    try:
        number = float(text)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def first(params: Mapping, key: str, notices: list[str]) -> str | None:
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


def two_numbers(text: str) -> tuple[float, float] | None:
    """ "x,y" as two finite numbers, else None."""
    parts = text.split(",")
    numbers = [number(part) for part in parts]
    if len(parts) != 2 or None in numbers:
        return None
    return numbers[0], numbers[1]


def truthy(text: str) -> bool:
    """Whether a link's flag is on: "1", "true" or "yes" (any case, spaces around)."""
    return text.strip().lower() in ("1", "true", "yes")


def clamped(
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
    value = number(text)
    if value is None:
        notices.append(f"'{key}={text[:40]}' is not a number; using {short(default)}.")
        return default
    clamped_value = min(max(value, low), high)
    if whole:
        clamped_value = int(round(clamped_value))
    if clamped_value != value:
        by_limit = limit is not None and value > high and high == limit.value
        notices.append(
            f"'{key}' = {short(value)} is outside [{short(low)}, "
            f"{short(high)}]; using {short(clamped_value)}"
            + (f" {limits.notice(limit)}." if by_limit else ".")
        )
    return clamped_value


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
        text = first(params, surface_key(key), notices)
        if text is not None:
            values[key] = clamped(
                surface_key(key), text, low, high, defaults[key].default, notices
            )
    for key in landscapes.text_parameters(surface):
        text = first(params, surface_key(key), notices)
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
            count = len(spec.tuples[key])
            if len(parts) != count:
                notices.append(f"{name}: '{key}' needs {count} values; using defaults.")
                continue
            for part_name, part in zip(spec.tuples[key], parts, strict=True):
                set_hyperparameter(
                    name, spec, part_name, part, hyperparameters, notices
                )
        else:
            set_hyperparameter(name, spec, key, value, hyperparameters, notices)
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


# A number hyperparameter's range on the pages, links and widgets alike
# (`hyperparameter_range`): the optimizer's own, cut at a ceiling past which a run
# only diverges, with an open end moved just inside.
HYPERPARAMETER_CEILING = 1e6
OPEN_ONE = 0.9999  # for a range open at 1 (momentum, betas): a value a widget shows
OPEN_ZERO = 1e-12  # for a range open at 0 (a line search's initial step)


def hyperparameter_range(hyper: optimizers.Hyperparameter) -> tuple[float, float]:
    """[low, high] that a link is clamped to and a widget offers for number
    hyperparameter `hyper`: its own range, at most HYPERPARAMETER_CEILING, an end
    where the range is open moved inside it (an open 1 to OPEN_ONE, an open 0 to
    OPEN_ZERO, any other to the next float), so both ends are values the optimizer
    accepts."""
    low = float(hyper.low)
    high = min(float(hyper.high), HYPERPARAMETER_CEILING)
    if hyper.open_low:
        low = OPEN_ZERO if low == 0 else math.nextafter(low, math.inf)
    if hyper.open_high and high == hyper.high:
        high = OPEN_ONE if high == 1 else math.nextafter(high, -math.inf)
    return low, high


def widget_value(hyper: optimizers.Hyperparameter, value):
    """`value` of `hyper` as its widget holds it: a bool, the nearest int for a count
    or a seed (kind "int"), else a float."""
    if hyper.kind == "bool":
        return bool(value)
    if hyper.kind == "int":
        return int(round(value))
    return float(value)


def set_hyperparameter(name, spec, key, value, hyperparameters, notices):
    try:
        hyper = spec.hyperparameter(key)
    except KeyError:
        notices.append(f"{name}: unknown setting '{key[:40]}' was ignored.")
        return
    if not hyper.settable:
        notices.append(f"{name}: '{key}' is fixed and was ignored.")
        return
    if hyper.kind == "bool":
        hyperparameters[key] = truthy(value)
        return
    low, high = hyperparameter_range(hyper)
    hyperparameters[key] = clamped(
        f"{name}.{key}",
        value,
        low,
        high,
        hyper.default,
        notices,
        whole=hyper.kind == "int",
    )


def format_run(run: RunConfig) -> str:
    spec = optimizers.spec(run.optimizer)
    items = [run.optimizer]
    done = set()
    for tuple_name, elements in spec.tuples.items():
        if any(element in run.hyperparameters for element in elements):
            values = [
                run.hyperparameters.get(e, spec.hyperparameter(e).default)
                for e in elements
            ]
            items.append(f"{tuple_name}={','.join(short(v) for v in values)}")
            done.update(elements)
    for key, value in run.hyperparameters.items():
        if key in done:
            continue
        items.append(f"{key}={int(value) if isinstance(value, bool) else short(value)}")
    return ";".join(items)


def schedule_range(setting: str) -> tuple[float, float, bool]:
    """A schedule setting's range on the pages: the schedule's own, up to its useful
    ceiling and the server's step limit."""
    low, high, whole = schedules.RANGES[setting]
    high = schedules.USEFUL_HIGH.get(setting, high)
    return low, min(high, MAX_STEPS_PAGE) if whole else high, whole


def parse_schedule(text: str | None, notices: list[str]) -> dict:
    if not text:
        return {}
    name, *items = text.split(";")
    if name not in schedules.NAMES:
        notices.append(f"Unknown schedule '{name[:40]}'; using constant.")
        return {}
    fields = {"name": name}
    ranges = {key: schedule_range(key) for key in schedules.RANGES}
    for item in items:
        key, _, value = item.partition("=")
        if key not in ranges:
            notices.append(f"Unknown schedule setting '{key[:40]}' was ignored.")
            continue
        low, high, whole = ranges[key]
        default = getattr(schedules.Schedule(), key)
        fields[key] = clamped(
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
    items += [f"{k}={short(v)}" for k, v in schedule.items() if k != "name"]
    return ";".join(items)


def surface_query(surface_params: Mapping) -> dict[str, str]:
    """A surface's parameters as URL keys: numbers in their shortest lossless form,
    text as given."""
    return {
        surface_key(k): v if isinstance(v, str) else short(v)
        for k, v in surface_params.items()
    }


def split_values(text: str) -> list[str]:
    """The items of a typed list: commas, semicolons and spaces all separate them."""
    return [part for part in re.split(r"[,;\s]+", text) if part]


def format_values(values) -> str:
    """Compare's values as the Values box shows them."""
    return ", ".join(v if isinstance(v, str) else f"{v:g}" for v in values)
