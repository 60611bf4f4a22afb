"""2D surfaces with exact gradients and Hessians, for optimizers to walk on.

>>> import landscapes
>>> surface = landscapes.get("rosenbrock", a=1.0, b=100.0)
>>> surface.value(1.0, 1.0)
0.0
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable

from landscapes import (
    ackley,
    beale,
    booth,
    datasets,
    goldstein_price,
    himmelblau,
    linear_net,
    linear_regression,
    logistic_regression,
    loss_slice,
    monkey_saddle,
    plateau,
    quadratic,
    rastrigin,
    rosenbrock,
    saddle,
    six_hump_camel,
    styblinski_tang,
    typed,
)
from landscapes.base import Landscape
from landscapes.empirical import EmpiricalRisk
from landscapes.loss_slice import MLPSlice, mlp_slice
from landscapes.mlp import MLP

__all__ = [
    "MLP",
    "MLPSlice",
    "EmpiricalRisk",
    "ExpressionError",
    "Landscape",
    "datasets",
    "from_expression",
    "get",
    "mlp_slice",
    "names",
    "parameter_ranges",
    "text_parameters",
    "title",
]

# The registry: the UI, tests and docs all iterate this one ordered dict.
REGISTRY: dict[str, Callable[..., Landscape]] = {
    "rosenbrock": rosenbrock.make,
    "beale": beale.make,
    "himmelblau": himmelblau.make,
    "booth": booth.make,
    "goldstein_price": goldstein_price.make,
    "six_hump_camel": six_hump_camel.make,
    "rastrigin": rastrigin.make,
    "ackley": ackley.make,
    "styblinski_tang": styblinski_tang.make,
    "quadratic": quadratic.make,
    "saddle": saddle.make,
    "monkey_saddle": monkey_saddle.make,
    "plateau": plateau.make,
    "linear_regression": linear_regression.make,
    "logistic_regression": logistic_regression.make,
    "mlp_slice": loss_slice.make,
    "linear_net": linear_net.make,
    typed.NAME: typed.make,  # a typed f(x, y): get("custom", f="x^2 + y^2")
}


# The surfaces that are a mean loss over examples (EmpiricalRisk): they take minibatches.
EMPIRICAL_RISKS = ("linear_regression", "logistic_regression", "mlp_slice")


def parameter_ranges(name: str) -> dict[str, tuple[float, float]]:
    """The surface's parameters and their allowed (low, high); {} if it has none."""
    if name not in REGISTRY:
        raise ValueError(f"unknown landscape {name!r}; allowed: {', '.join(REGISTRY)}")
    module = sys.modules[REGISTRY[name].__module__]
    return dict(getattr(module, "PARAMETER_RANGES", {}))


def text_parameters(name: str) -> tuple[str, ...]:
    """The surface's parameters that are text (a typed surface's formula `f`)."""
    parameter_ranges(name)  # the same error for an unknown name
    return tuple(getattr(sys.modules[REGISTRY[name].__module__], "TEXT_PARAMETERS", ()))


@functools.cache
def title(name: str, build: bool = True) -> str:
    """The surface's display name. A surface that is slow to build (the MLP slice
    trains a network) declares it as its module's TITLE, so that a menu of names
    builds nothing; the others are built once (a menu asks on every page rerun, and
    the data-set surfaces took 10% of a Schedules rerun to build). `build=False`:
    never build it, its registry name in words if it declares no TITLE (for the
    notice shown while its own kernels compile, which building it may need)."""
    module = sys.modules[REGISTRY[name].__module__] if name in REGISTRY else None
    declared = getattr(module, "TITLE", None)
    if declared or not build:
        return declared or name.replace("_", " ").capitalize()
    return get(name).title


def __getattr__(name: str):
    # The parser loads when a formula is first typed, not with every `import landscapes`
    # (it added ~30 ms to a start-up measured against a 1 s target).
    if name == "ExpressionError":
        from landscapes.expression import ExpressionError

        return ExpressionError
    raise AttributeError(f"module 'landscapes' has no attribute {name!r}")


def from_expression(text: str, bounds=None, start=None) -> Landscape:
    """The surface f(x, y) typed as `text`, usable wherever a built-in one is.

    `text` uses + - * / ^ **, parentheses, numbers, x, y, pi, e and sin cos tan exp
    log sqrt abs tanh sinh cosh atan min max (``landscapes.expression``); it is
    parsed without eval and differentiated exactly by SymPy in a child process, and
    the kernels evaluate it through one interpreter (``landscapes._program``), so no
    kernel compiles per expression. `bounds` ((xmin, xmax), (ymin, ymax)) default to
    ((-3, 3), (-3, 3)); `start` to a point of the view where f and ∇f are finite.
    Its minima are searched for numerically over the view (``landscapes.typed``);
    where f goes lower than any minimum found, none is reported and ``min_value`` is
    -inf. Raises `ExpressionError` (a ValueError) naming the problem and where.

    >>> surface = from_expression("(1 - x)^2 + 100*(y - x^2)^2")
    >>> surface.value(1.0, 1.0)
    0.0
    """
    return typed.cached(text, bounds, start)


def names() -> list[str]:
    """Every landscape name, in display order."""
    return list(REGISTRY)


def get(name: str, **params) -> Landscape:
    """The landscape `name` with its parameters, e.g. ``get("quadratic", angle=0.5)``.

    Raises ValueError for an unknown name, an unknown parameter or one out of range.
    """
    if name not in REGISTRY:
        raise ValueError(f"unknown landscape {name!r}; allowed: {', '.join(REGISTRY)}")
    make = REGISTRY[name]
    allowed = make.__code__.co_varnames[: make.__code__.co_argcount]
    unknown = sorted(set(params) - set(allowed))
    if unknown:
        raise ValueError(
            f"unknown parameter {unknown[0]!r} for landscape {name!r}; "
            f"allowed: {', '.join(allowed) or 'none'}"
        )
    return make(**params)
