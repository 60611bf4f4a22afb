"""Training a small MLP in its full parameter space, with the 2D kernels' own update code.

    >>> import landscapes, optimizers
    >>> model = landscapes.MLP(hidden=(16, 16), activation="tanh")
    >>> data = landscapes.datasets.make("moons", n_points=200, noise=0.1, seed=0)
    >>> result = optimizers.train("adam", model, data, model.init(0), steps=500,
    ...                           batch_size=32, lr=0.01)
    >>> result.params.shape
    (501, 337)

One source per update rule: the optimizers whose update of a coordinate reads only that
coordinate's gradient and state (``COORDINATEWISE`` in their module: gd, momentum and
the torch.optim set) and those whose update reads per-tensor norms or sums
(``TENSORWISE``: LAMB, LARS, NovoGrad, Prodigy) are run on the N parameters by the very
``step`` function the 2D kernels call. Each parameter tensor (torch's ``.parameters()``
order) is padded to an even count with zeros, whose gradient is 0, so they stay 0
under every one of these rules; the padded vector is held as "runs" of two
coordinates (its even coordinates as x, its odd ones as y), no run straddling two
tensors, and the step, told each run's tensor (``groups``), updates all of them at
once, exactly as it updates a sweep's runs. Methods that need the tensor's shape or
the whole vector at once (a line search, Newton's Hessian, the norm of the whole
gradient for normalized steps and SAM, the Nesterov look-ahead of ``momentum``,
Adafactor's factored moments, Muon's orthogonalization) raise ValueError here.

Each step's gradient is the mean over its minibatch (``optimizers.minibatch``: a fresh
shuffle per epoch, as torch's DataLoader(shuffle=True)); the recorded losses and
accuracies are over the whole training and test sets.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import optimizers
from landscapes._jit import jit
from landscapes.mlp import MLP, loss_accuracy, loss_grad
from optimizers import _api, _driver
from optimizers.minibatch import Minibatches, batch_at
from optimizers.schedules import Schedule, resolve

# params are kept for every step: steps x parameters float64 values at most (160 MB).
MAX_TRAIN_VALUES = 20_000_000
DIVERGENCE_BOX = _driver.DIVERGENCE_BOX


@dataclass
class TrainResult:
    """One training run. ``params[k]`` is θ after k steps (``params[0]`` = θ₀);
    ``loss``, ``accuracy`` are the full training loss and accuracy there,
    ``test_loss``, ``test_accuracy`` the same on the held-out set; ``lr[k]`` the
    learning rate of step k. If the k-th iterate was non-finite or left the box
    |θᵢ| <= 1e8, ``diverged_at == k`` and the arrays stop before it. ``batches`` is
    the run's ``Minibatches`` (None for full batch)."""

    optimizer: str
    model: MLP
    hyperparameters: dict
    schedule: Schedule
    params: np.ndarray
    loss: np.ndarray
    accuracy: np.ndarray
    test_loss: np.ndarray
    test_accuracy: np.ndarray
    lr: np.ndarray
    diverged_at: int | None
    batches: Minibatches | None

    @property
    def final(self) -> np.ndarray:
        return self.params[-1]


def _train(
    init,
    step,
    state_slots,
    evaluate,
    point,
    hessian,
    theta0,
    positions,
    groups,
    sizes,
    activation,
    X,
    Y,
    X_test,
    Y_test,
    H,
    lr_factor,
    lr_offset,
    steps,
    batch_size,
    seed,
    params,
    loss,
    accuracy,
    test_loss,
    test_accuracy,
    lr_used,
):
    """Train with the optimizer `init`/`step` (first-class functions, as in
    ``optimizers._driver``); returns the divergence step (-1 for none) and fills the
    records up to it. θᵢ is coordinate `positions[i]` of the padded vector (`paired`),
    whose pair r is run r, (xs[r], ys[r]), of tensor `groups[r]`."""
    n_params = theta0.size
    m = groups.size
    n = X.shape[0]
    # Pad coordinates are zero with a zero gradient: they stay zero.
    xs = np.zeros(m)
    ys = np.zeros(m)
    for i in range(n_params):
        run = positions[i] // 2
        if positions[i] % 2 == 0:
            xs[run] = theta0[i]
        else:
            ys[run] = theta0[i]
    Hc = np.empty((H.shape[0], m))
    for row in range(H.shape[0]):
        for i in range(m):
            Hc[row, i] = H[row]
    S = np.zeros((state_slots, m))
    T = np.empty((_driver.SCRATCH_SLOTS, m))
    F = np.zeros(m)
    GX = np.empty(m)
    GY = np.empty(m)
    LR = Hc[0].copy()
    theta = theta0.copy()
    grad = np.empty(n_params)
    no_examples = np.empty((0, 0))
    no_surface = np.empty(0)
    every = np.arange(n)
    perm = np.empty(n, dtype=np.int64)
    per_epoch = (n + batch_size - 1) // batch_size if batch_size > 0 else 1
    init(S, Hc, m)
    for k in range(steps + 1):
        largest = 0.0
        for i in range(n_params):
            run = positions[i] // 2
            theta[i] = xs[run] if positions[i] % 2 == 0 else ys[run]
            largest = max(largest, abs(theta[i]))
        f, right = loss_accuracy(theta, sizes, activation, X, Y)
        if not (np.isfinite(f) and largest <= DIVERGENCE_BOX):
            return k
        # Element by element: a row assignment (params[k] = theta) compiles a
        # shape check whose error message (Numba's raise_with_shape_context, with
        # its string formatting) cost ~1.5 s of this driver's ~3 s compile.
        for i in range(n_params):
            params[k, i] = theta[i]
        loss[k] = f
        accuracy[k] = right
        test_loss[k], test_accuracy[k] = loss_accuracy(
            theta, sizes, activation, X_test, Y_test
        )
        if k == steps:
            break
        if batch_size == 0:
            batch = every
            count = n
        else:
            first, count = batch_at(k, seed, batch_size, per_epoch, perm)
            batch = perm[first : first + count]
        f = loss_grad(theta, sizes, activation, X, Y, batch, count, grad, no_examples)
        for i in range(m):
            F[i] = f
            GX[i] = 0.0  # a pad's (a step may write GX and GY)
            GY[i] = 0.0
            LR[i] = Hc[0, i] * lr_factor[k] + lr_offset[k]
        for i in range(n_params):
            run = positions[i] // 2
            if positions[i] % 2 == 0:
                GX[run] = grad[i]
            else:
                GY[run] = grad[i]
        step(
            k,
            S,
            Hc,
            m,
            xs,
            ys,
            F,
            GX,
            GY,
            LR,
            evaluate,
            point,
            hessian,
            no_surface,
            T,
            groups,
        )
        lr_used[k] = LR[0]
    return -1


def paired(model: MLP) -> tuple[np.ndarray, np.ndarray]:
    """The training driver's layout of θ: each tensor (``model.layout()``, torch's
    parameter order) padded to an even count, so that no pair of coordinates (one
    run) straddles two tensors. Returns `positions` (θᵢ is coordinate positions[i]
    of the padded vector, pair positions[i] // 2) and `groups` (the tensor of each
    pair, 0, 1, ...)."""
    positions = np.empty(model.n_parameters, dtype=np.int64)
    groups = []
    for tensor, (_, shape, offset) in enumerate(model.layout()):
        size = int(np.prod(shape))
        first = 2 * len(groups)
        positions[offset : offset + size] = first + np.arange(size)
        groups.extend([tensor] * ((size + 1) // 2))
    return positions, np.array(groups, dtype=np.int64)


_TRAINERS = {}
# One compiled training loop for every optimizer (serial: one network per call); the
# optimizer's init and step arrive as first-class functions (optimizers._driver).
_DRIVER = jit(_train)


def trainer(name: str) -> _driver.Bound:
    """The training loop with optimizer `name`'s init and step."""
    if name not in _TRAINERS:
        entry = optimizers.get(name)
        _TRAINERS[name] = _driver.Bound(
            _DRIVER,
            False,
            entry.init,
            entry.step,
            (entry.spec.state_slots,),
            f"train:{name}",
            ("optimizers.train", "trainer", name),
        )
    return _TRAINERS[name]


def trainable() -> list[str]:
    """The optimizers `train` accepts, in registry order."""
    return [n for n in optimizers.names() if optimizers.get(n).trainable]


def train(
    optimizer: str,
    model: MLP,
    data,
    theta0=None,
    steps: int = 500,
    batch_size: int | None = None,
    seed: int = 0,
    schedule=None,
    **hyperparameters,
) -> TrainResult:
    """Train `model` on `data` (a ``landscapes.datasets.Dataset`` with a ``.test``
    set) from `theta0` (default ``model.init(seed)``) for `steps` updates.

    Args:
        optimizer: one of ``trainable()``: gd, sgd, momentum, the torch.optim set
            and the coordinatewise optax ones, and LAMB, LARS, NovoGrad and Prodigy
            (their norms and sums per tensor, as optax's per leaf).
        batch_size: minibatch size k in [1, N]; None or N: full batch.
        seed: seeds the minibatch shuffles (and the default θ₀).
        schedule: as in ``optimizers.run``.
        **hyperparameters: torch's names, e.g. lr=0.01, betas=(0.9, 0.99).
    """
    entry = optimizers.get(optimizer)
    if not entry.trainable:
        raise ValueError(
            f"{optimizer} has no N-dimensional form here: its step needs the whole "
            "parameter vector at once (a line search, a Hessian, a normalized "
            "gradient) or a tensor's shape (a factored or matrix preconditioner, "
            f"an orthogonalization). Trainable: {', '.join(trainable())}"
        )
    if not isinstance(model, MLP):
        raise ValueError(f"model={model!r}: give a landscapes.MLP")
    steps = _api._steps(steps)
    seed = _api._seed(seed)
    schedule = resolve(schedule)
    values = _api.resolve_hyperparameters(optimizer, hyperparameters)
    if optimizer == "momentum" and values["nesterov"]:
        raise ValueError(
            "momentum's Nesterov form takes the gradient at the look-ahead point "
            "W + βΔW, which training here does not evaluate; use sgd with "
            "nesterov=True (torch's form of the same method)"
        )
    x, y, _ = model._batch(data, None)
    test = getattr(data, "test", None)
    if test is None:
        raise ValueError("data needs a held-out .test set (landscapes.datasets.make)")
    x_test, y_test, _ = model._batch(test, None)
    theta0 = model.init(seed) if theta0 is None else model._theta(theta0)
    if not np.all(np.isfinite(theta0)):
        raise ValueError("theta0 must be finite")
    n_params = model.n_parameters
    if (steps + 1) * n_params > MAX_TRAIN_VALUES:
        raise ValueError(
            f"(steps+1) x parameters = {(steps + 1) * n_params} is more than "
            f"{MAX_TRAIN_VALUES} recorded values; use fewer steps or a smaller net"
        )
    n = len(y)
    kernel_batch = _api.kernel_batch_size(batch_size, n)
    H = np.array([values[h.name] for h in entry.spec.hyperparameters])
    factor, offset = schedule.factors(steps)
    params = np.empty((steps + 1, n_params))
    records = [np.empty(steps + 1) for _ in range(4)]
    lr_used = np.empty(steps)
    sizes, code = model.kernel_args
    kernel = trainer(optimizer)
    positions, groups = paired(model)
    arguments = (
        theta0,
        positions,
        groups,
        sizes,
        code,
        x,
        y,
        x_test,
        y_test,
        H,
        factor,
        offset,
        steps,
        kernel_batch,
        seed,
        params,
        *records,
        lr_used,
    )
    diverged = kernel(*arguments)
    if diverged == 0:
        raise ValueError("Invalid theta0: the loss there is not finite")
    length = diverged if diverged >= 0 else steps + 1
    return TrainResult(
        optimizer=optimizer,
        model=model,
        hyperparameters=values,
        schedule=schedule,
        params=params[:length],
        loss=records[0][:length],
        accuracy=records[1][:length],
        test_loss=records[2][:length],
        test_accuracy=records[3][:length],
        lr=lr_used[: length - 1],
        diverged_at=diverged if diverged >= 0 else None,
        batches=(
            Minibatches(n, kernel_batch, seed, length - 1) if kernel_batch else None
        ),
    )
