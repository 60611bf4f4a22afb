"""Optimizers that walk 2D landscapes, batched in Numba, with torch.optim's names.

    >>> import optimizers
    >>> result = optimizers.run("adam", "rosenbrock", start=(-1.5, 2.0), steps=500,
    ...                         lr=0.05, betas=(0.9, 0.999))
    >>> result.path.shape
    (501, 2)

`run` follows one trajectory and records everything; `sweep` runs many (a grid of
hyperparameters, or many start points) in one parallel kernel call and keeps the
final points (and the paths, if asked).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from landscapes import loss_slice as _loss_slice
from optimizers import (
    _driver,
    adabelief,
    adadelta,
    adafactor,
    adagrad,
    adahessian,
    adam,
    adamax,
    adamw,
    adan,
    ademamix,
    adopt,
    asgd,
    bfgs,
    cg,
    coordinate_search,
    entropy_sgd,
    gd,
    gd_armijo,
    gd_exact_line_search,
    lamb,
    lars,
    lbfgs,
    lion,
    momentum,
    muon,
    nadam,
    nelder_mead,
    newton,
    normalized_gd,
    novograd,
    powell,
    prodigy,
    radam,
    rmsprop,
    rprop,
    sam,
    sam_adam,
    schedule_free_adamw,
    schedule_free_sgd,
    sgd,
    shampoo,
    signum,
    simulated_annealing,
    soap,
    sophia,
    yogi,
)
from optimizers._spec import FAMILIES, Hyperparameter, OptimizerSpec
from optimizers.schedules import Schedule


@dataclass(frozen=True)
class Optimizer:
    """A registered optimizer: its spec plus the jitted pieces the kernel inlines."""

    spec: OptimizerSpec
    init: Callable
    step: Callable
    # The step overwrites LR with the step length it chose (the line searches).
    step_sets_lr: bool = False
    # Each coordinate's update reads only its own gradient and state (optimizers.train).
    coordinatewise: bool = False
    # The update reads norms or sums per parameter tensor (the step's `groups`), so
    # optimizers.train runs it on a network's tensors too.
    tensorwise: bool = False

    @property
    def trainable(self) -> bool:
        """optimizers.train runs it on a network (coordinatewise or tensor-wise)."""
        return self.coordinatewise or self.tensorwise


def _entry(module, spec=None, step=None) -> Optimizer:
    init = getattr(module, "init", _driver.no_state)  # only stateful ones define init
    step_sets_lr = getattr(module, "STEP_SETS_LR", False)
    coordinatewise = getattr(module, "COORDINATEWISE", False)
    tensorwise = getattr(module, "TENSORWISE", False)
    return Optimizer(
        spec or module.SPEC,
        init,
        step or module.step,
        step_sets_lr,
        coordinatewise,
        tensorwise,
    )


# The registry: the UI, tests and docs iterate this one ordered dict.
REGISTRY: dict[str, Optimizer] = {
    entry.spec.name: entry
    for entry in (
        _entry(gd),
        _entry(sgd),
        _entry(momentum),
        _entry(lars),
        _entry(normalized_gd),
        _entry(adagrad),
        _entry(rmsprop),
        _entry(adadelta),
        _entry(adam),
        _entry(adamw),
        _entry(nadam),
        _entry(radam),
        _entry(adabelief),
        _entry(yogi),
        _entry(adopt),
        _entry(lamb),
        _entry(novograd),
        _entry(lion),
        _entry(signum),
        _entry(adamax),
        _entry(adan),
        _entry(ademamix),
        _entry(schedule_free_sgd),
        _entry(schedule_free_adamw),
        _entry(prodigy),
        _entry(adafactor),
        _entry(muon),
        _entry(shampoo),
        _entry(soap),
        _entry(asgd),
        _entry(rprop),
        _entry(newton),
        _entry(sophia),
        _entry(adahessian),
        _entry(bfgs),
        _entry(lbfgs),
        _entry(gd_exact_line_search),
        _entry(gd_armijo),
        _entry(cg, cg.SPEC_FR, cg.step_fletcher_reeves),
        _entry(cg, cg.SPEC_PR, cg.step_polak_ribiere),
        _entry(nelder_mead),
        _entry(powell),
        _entry(sam),
        _entry(sam_adam),
        _entry(entropy_sgd),
        _entry(coordinate_search),
        _entry(simulated_annealing),
    )
}


def names() -> list[str]:
    """Every optimizer name, in display order."""
    return list(REGISTRY)


def by_family(names: list[str] | None = None) -> list[str]:
    """`names` (default: every optimizer) grouped by family, in the picker's order
    (``optimizers._spec.FAMILIES``), registry order within a family."""
    chosen = list(REGISTRY) if names is None else list(names)
    return sorted(chosen, key=lambda name: FAMILIES.index(spec(name).family))


def spec(name: str) -> OptimizerSpec:
    """The spec (hyperparameters, LaTeX, reference) of optimizer `name`."""
    return get(name).spec


def get(name: str) -> Optimizer:
    if name not in REGISTRY:
        raise ValueError(f"unknown optimizer {name!r}; allowed: {', '.join(REGISTRY)}")
    return REGISTRY[name]


from optimizers._api import (  # noqa: E402  (the API needs the registry above)
    MAX_PATH_POINTS,
    MAX_RUNS,
    MAX_STEPS,
    MAX_WORK,
    RunResult,
    SweepResult,
    resolve_hyperparameters,
    run,
    sweep,
)
from optimizers.train import TrainResult, train, trainable  # noqa: E402

# The registered MLP slice (landscapes.get("mlp_slice")) trains its network with
# the optimizers; the landscapes import nothing from them, so it is handed over.
_loss_slice.train_network = train

__all__ = [
    "MAX_PATH_POINTS",
    "MAX_RUNS",
    "MAX_STEPS",
    "MAX_WORK",
    "Hyperparameter",
    "Optimizer",
    "OptimizerSpec",
    "RunResult",
    "Schedule",
    "SweepResult",
    "TrainResult",
    "get",
    "names",
    "resolve_hyperparameters",
    "run",
    "spec",
    "sweep",
    "train",
    "trainable",
]
