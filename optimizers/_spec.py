"""What every optimizer module declares about itself: names, defaults, ranges, math."""

from __future__ import annotations

import math
from collections import namedtuple
from collections.abc import Callable
from dataclasses import dataclass, field

# Rows of the kernel's state array S and scratch array T (docs/adding-an-optimizer.md).
# The drivers allocate them (optimizers._driver, optimizers.train); they live here so
# a spec can check its rows without importing the drivers. STATE_SLOTS is the rows
# an optimizer gets unless its spec asks for more (``state_slots``: a quasi-Newton
# history, a simplex).
STATE_SLOTS = 8
SCRATCH_SLOTS = 5

# The optimizer picker's groups, in menu order; every spec names one as `family`.
FAMILIES = (
    "SGD family",
    "adaptive",
    "sign-based",
    "schedule-free",
    "parameter-free",
    "line search and conjugate gradient",
    "second-order and quasi-Newton",
    "derivative-free",
    "sharpness-aware",
)


def _rows(typename: str, rows: dict[str, int]):
    """A namedtuple instance whose fields are the names and whose values the rows.
    As a module global it is a constant to Numba: ``H[H_ROWS.beta1, i]`` compiles to
    ``H[1, i]``."""
    return namedtuple(typename, rows)(**rows)


def scratch_rows(*names: str):
    """Names for rows 0, 1, ... of the scratch array T, e.g. ``T_ROWS =
    scratch_rows("hxx", "hxy", "hyy")``, then ``T[T_ROWS.hxx, i]``."""
    if len(names) > SCRATCH_SLOTS:
        raise ValueError(f"{len(names)} scratch rows; T has {SCRATCH_SLOTS}")
    return _rows("ScratchRows", {name: row for row, name in enumerate(names)})


@dataclass(frozen=True)
class Hyperparameter:
    """One hyperparameter: torch's name, torch's default, and the allowed range.

    ``kind`` is "float", "bool" or "int". The range is closed unless ``open_high``.
    """

    name: str
    default: float
    low: float = 0.0
    high: float = math.inf
    kind: str = "float"
    open_high: bool = False
    open_low: bool = False
    settable: bool = True
    help: str = ""

    def describe_range(self) -> str:
        if self.kind == "bool":
            return "True or False"
        opening = "(" if self.open_low else "["
        close = ")" if self.open_high else "]"
        return f"{opening}{self.low:g}, {self.high:g}{close}"

    def check(self, value) -> float:
        """`value` as the float the kernel reads, else ValueError naming it."""
        if self.kind == "bool":
            if isinstance(value, bool | int) and value in (0, 1):
                return float(bool(value))
            raise ValueError(
                f"{self.name}={value!r} is invalid; allowed: True or False"
            )
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ValueError(
                f"{self.name}={value!r} is not a number; allowed range "
                f"{self.describe_range()}"
            ) from None
        too_high = number >= self.high if self.open_high else number > self.high
        too_low = number <= self.low if self.open_low else number < self.low
        if not math.isfinite(number) or too_low or too_high:
            raise ValueError(
                f"Invalid {self.name}: {number!r}; allowed range {self.describe_range()}"
            )
        if self.kind == "int" and number != int(number):
            raise ValueError(f"{self.name}={number!r} must be a whole number")
        return number


@dataclass(frozen=True)
class OptimizerSpec:
    """An optimizer's public face: registry name, hyperparameters in kernel order
    (``lr`` always first), named state slots, LaTeX update rule and reference.

    ``state`` maps a quantity shown to users (e.g. "momentum_buffer") to its pair of
    slots (x-coordinate, y-coordinate) in the kernel's state array;
    ``internal_state`` names the other rows the kernel keeps (e.g. Adam's running
    powers β₁ᵗ, β₂ᵗ), one row each. The kernel reads both, and H, through the names
    `hyperparameter_rows` and `state_rows` generate, never through row numbers.
    ``tuples`` maps a torch tuple argument to its element names, e.g.
    ``{"betas": ("beta1", "beta2")}``. ``family`` is its group in the optimizer
    picker (one of FAMILIES). ``state_slots`` is the rows of S the kernel gets
    (STATE_SLOTS unless it needs more). ``positions`` names the pairs of ``state``
    that are points of the plane (ASGD's average, Schedule-Free's x and z, a
    simplex's vertices): the pages draw their paths beside the iterate's.
    ``traced`` names rows of ``internal_state`` worth watching over the steps
    (annealing's temperature, Prodigy's step-size estimate): `run` with
    ``record_state`` returns them, and the Playground plots them.
    ``note`` is a short plain-text paragraph the pages show under the update rule
    (what the rule comes to on a 2D surface, where that is not obvious), never
    Markdown.
    """

    name: str
    title: str
    hyperparameters: tuple[Hyperparameter, ...]
    latex: str
    reference: str
    state: dict[str, tuple[int, int]] = field(default_factory=dict)
    internal_state: dict[str, int] = field(default_factory=dict)
    tuples: dict[str, tuple[str, ...]] = field(default_factory=dict)
    torch_class: str | None = None
    family: str = ""
    state_slots: int = STATE_SLOTS
    positions: tuple[str, ...] = ()
    traced: tuple[str, ...] = ()
    note: str = ""
    # Checks across hyperparameters (torch's, e.g. Nesterov needs momentum): returns
    # an error message or None.
    constraint: Callable[[dict], str | None] | None = None

    def __post_init__(self):
        names = [h.name for h in self.hyperparameters]
        if len(set(names)) != len(names):
            raise ValueError(f"{self.name}: a hyperparameter name repeats: {names}")
        if self.family not in FAMILIES:
            raise ValueError(
                f"{self.name}: family {self.family!r} is not one of {FAMILIES}"
            )
        if not (isinstance(self.state_slots, int) and self.state_slots >= 1):
            raise ValueError(f"{self.name}: state_slots={self.state_slots!r}")
        self._state_row_map()  # raises if two names share a row, or a row is out
        for name in self.positions:
            if name not in self.state:
                raise ValueError(f"{self.name}: position {name!r} is not a state pair")
        for name in self.traced:
            if name not in self.internal_state:
                raise ValueError(f"{self.name}: traced {name!r} is not an internal row")

    def _state_row_map(self) -> dict[str, int]:
        """Every state row's name -> row, ordered by row."""
        named = [
            (f"{quantity}_{axis}", row)
            for quantity, pair in self.state.items()
            for axis, row in zip("xy", pair, strict=True)
        ]
        named += list(self.internal_state.items())
        for name, row in named:
            if not (isinstance(row, int) and 0 <= row < self.state_slots):
                raise ValueError(
                    f"{self.name}: state row {name}={row!r} is not in "
                    f"0..{self.state_slots - 1}"
                )
        rows = dict(named)
        if len(rows) != len(named):
            raise ValueError(f"{self.name}: a state row name repeats: {named}")
        if len(set(rows.values())) != len(rows):
            raise ValueError(f"{self.name}: two state names share a row: {named}")
        return dict(sorted(rows.items(), key=lambda item: item[1]))

    def hyperparameter_rows(self):
        """The rows of the kernel's H as a namedtuple: field = hyperparameter name,
        value = its row (spec order; row 0 is lr). A module keeps it as ``H_ROWS =
        SPEC.hyperparameter_rows()`` and its step reads ``H[H_ROWS.beta1, i]``."""
        return _rows(
            "HyperparameterRows",
            {h.name: row for row, h in enumerate(self.hyperparameters)},
        )

    def state_rows(self):
        """The rows of the kernel's S as a namedtuple, ordered by row: fields
        ``<quantity>_x`` and ``<quantity>_y`` for each pair of ``state``, and each
        name of ``internal_state``. A module keeps it as ``S_ROWS =
        SPEC.state_rows()`` and its step reads ``S[S_ROWS.exp_avg_x, i]``."""
        return _rows("StateRows", self._state_row_map())

    @property
    def defaults(self) -> dict[str, float]:
        return {h.name: h.default for h in self.hyperparameters}

    def hyperparameter(self, name: str) -> Hyperparameter:
        for h in self.hyperparameters:
            if h.name == name:
                return h
        raise KeyError(name)


LR_HELP = "learning rate (step size) η"
