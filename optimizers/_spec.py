"""What every optimizer module declares about itself: names, defaults, ranges, math."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field


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
    slots (x-coordinate, y-coordinate) in the kernel's state array.
    ``tuples`` maps a torch tuple argument to its element names, e.g.
    ``{"betas": ("beta1", "beta2")}``.
    """

    name: str
    title: str
    hyperparameters: tuple[Hyperparameter, ...]
    latex: str
    reference: str
    state: dict[str, tuple[int, int]] = field(default_factory=dict)
    tuples: dict[str, tuple[str, str]] = field(default_factory=dict)
    torch_class: str | None = None
    # Checks across hyperparameters (torch's, e.g. Nesterov needs momentum): returns
    # an error message or None.
    constraint: Callable[[dict], str | None] | None = None

    @property
    def defaults(self) -> dict[str, float]:
        return {h.name: h.default for h in self.hyperparameters}

    def hyperparameter(self, name: str) -> Hyperparameter:
        for h in self.hyperparameters:
            if h.name == name:
                return h
        raise KeyError(name)


LR_HELP = "learning rate (step size) η"
