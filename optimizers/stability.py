r"""Closed-form stability of gradient descent and momentum on a quadratic.

On f(θ) = ½ θᵀHθ every method below is linear in θ, and in H's eigenbasis it splits
into independent one-dimensional problems, one per eigenvalue λ. On one of them the
state after a step is a fixed matrix M times the state before, so the error shrinks
like ρ(M)ᵗ, ρ the spectral radius (largest |eigenvalue|) of M. A run converges from
every start iff ρ(M) < 1 for every eigenvalue λ of H. Everything depends on λ only
through h = lr·λ. Conventions are torch.optim.SGD's (dampening 0):

* gradient descent, θ ← θ - lr·g: M = 1 - h, so ρ = |1 - h| and it converges iff
  0 < h < 2 for every λ, i.e. lr < 2/λmax (all λ > 0).

* heavy ball, b ← βb + g, θ ← θ - lr·b (Polyak 1964). With g = λθ and the state
  (θ, lr·b)::

      M = [[1 - h, -β],          p(z) = z² - (1 + β - h) z + β.
           [    h,  β]],

  A real quadratic z² + a₁z + a₀ has both roots inside the unit circle iff (Jury, or
  Schur-Cohn, for degree 2) |a₀| < 1, 1 + a₁ + a₀ > 0 and 1 - a₁ + a₀ > 0. Here:
  |β| < 1, p(1) = h > 0 and p(-1) = 2(1 + β) - h > 0, so for β ≥ 0 it converges iff
  β < 1 and 0 < h < 2(1 + β).

* Nesterov, b ← βb + g, θ ← θ - lr·(g + βb) (torch's nesterov=True). With g = λθ,
  θ' = θ - h(1 + β)θ - β²·lr·b, and in the state (θ, lr·b)::

      M = [[1 - h(1 + β), -β²],      p(z) = z² - (1 + β)(1 - h) z + β(1 - h).
           [           h,   β]],

  Jury: p(1) = h > 0; p(-1) = 1 + (1 + 2β)(1 - h) > 0, i.e. h < 2(1 + β)/(1 + 2β);
  and |β(1 - h)| < 1. For 0 ≤ β < 1 the first two give 1 - h ∈ (-1/(1 + 2β), 1), so
  |β(1 - h)| < β < 1 holds by itself: it converges iff 0 < h < 2(1 + β)/(1 + 2β).
  (For β ≥ 1, which torch's SGD accepts, the third condition remains: h > 1 - 1/β.)
  The look-ahead form of ``optimizers.momentum`` (gradient at W + βΔW, Sutskever et
  al. 2013) has the same p(z), so the same region.

The best constant steps for eigenvalues in [μ, L], κ = L/μ: gradient descent
lr = 2/(L + μ) with rate (κ - 1)/(κ + 1); heavy ball lr = 4/(√L + √μ)²,
β = ((√κ - 1)/(√κ + 1))² with rate √β = (√κ - 1)/(√κ + 1) (Polyak 1964; Goh 2017).

Off a quadratic, the same formulas describe a run near a minimum, with H the Hessian
there: `local_curvature` gives its eigenvalues and `sharpness_along` the largest one
along a path. Gradient descent can settle only where the sharpness λmax < 2/lr.
Cohen et al. (2021) found that on neural networks full-batch gradient descent drives
λmax up to 2/lr and then hovers there, the "edge of stability". On the two-layer
linear net (1 - xy)²/2 the minima's sharpness is x² + y², hence `linear_net_stable`.

References:
    B. T. Polyak (1964), Some methods of speeding up the convergence of iteration
    methods, USSR Comput. Math. Math. Phys. 4(5):1-17.
    G. Goh (2017), Why Momentum Really Works, Distill. doi:10.23915/distill.00006.
    J. M. Cohen, S. Kaur, Y. Li, J. Z. Kolter and A. Talwalkar (2021), Gradient descent
    on neural networks typically occurs at the edge of stability, ICLR.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

import optimizers

METHODS = ("gd", "heavy_ball", "nesterov")


# --- input checks -------------------------------------------------------------------


def _eigenvalues(eigenvalues) -> np.ndarray:
    """The Hessian eigenvalues as a non-empty finite 1D float array."""
    values = np.atleast_1d(np.asarray(eigenvalues, dtype=np.float64))
    if values.ndim != 1 or values.size == 0 or not np.isfinite(values).all():
        raise ValueError(
            f"eigenvalues must be a non-empty 1D array of finite numbers; got {values}"
        )
    return values


def _nonnegative(name: str, value) -> np.ndarray:
    """`value` as a float array of finite numbers ≥ 0, else a ValueError naming it."""
    array = np.asarray(value, dtype=np.float64)
    if not np.isfinite(array).all() or (array < 0).any():
        raise ValueError(f"Invalid {name}: {value!r}; must be finite and >= 0")
    return array


def _positive(name: str, value) -> float:
    number = float(value)
    if not (math.isfinite(number) and number > 0):
        raise ValueError(f"Invalid {name}: {value!r}; must be finite and > 0")
    return number


def _steps(lr, eigenvalues):
    """h = lr·λ with the eigenvalues on a new last axis."""
    return _nonnegative("lr", lr)[..., None] * _eigenvalues(eigenvalues)


# --- convergence regions --------------------------------------------------------------


def gd_lr_bound(eigenvalues) -> float:
    """2/λmax: gradient descent converges on the quadratic iff 0 < lr < this (inf if
    λmax ≤ 0, where it converges for no lr)."""
    largest = float(_eigenvalues(eigenvalues).max())
    return 2.0 / largest if largest > 0 else math.inf


def gd_converges(lr, eigenvalues):
    """0 < lr·λ < 2 for every eigenvalue λ; broadcasts over `lr`."""
    return _gd_inside(_steps(lr, eigenvalues))


def heavy_ball_converges(lr, momentum, eigenvalues):
    """0 ≤ β < 1 and 0 < lr·λ < 2(1 + β) for every λ; broadcasts over lr, momentum."""
    beta = _nonnegative("momentum", momentum)
    return _heavy_ball_inside(_steps(lr, eigenvalues), beta[..., None])


def nesterov_converges(lr, momentum, eigenvalues):
    """0 < lr·λ < 2(1 + β)/(1 + 2β) for every λ (with |β(1 - lr·λ)| < 1, implied when
    β < 1; derivation in the module docstring); broadcasts over lr, momentum."""
    beta = _nonnegative("momentum", momentum)
    return _nesterov_inside(_steps(lr, eigenvalues), beta[..., None])


# The regions in h = lr·λ, eigenvalues on the last axis: True where every one is inside.


def _gd_inside(h):
    return np.all((h > 0) & (h < 2), axis=-1)


def _heavy_ball_inside(h, beta):
    return np.all((beta < 1) & (h > 0) & (h < 2 * (1 + beta)), axis=-1)


def _nesterov_inside(h, beta):
    inside = (h > 0) & (h < 2 * (1 + beta) / (1 + 2 * beta))
    return np.all(inside & (np.abs(beta * (1 - h)) < 1), axis=-1)


# --- rates ----------------------------------------------------------------------------


def _largest_root(trace, determinant):
    """max |z| over the roots of z² - trace·z + determinant."""
    root = np.sqrt((trace * trace - 4 * determinant).astype(np.complex128))
    return np.maximum(np.abs(trace + root), np.abs(trace - root)) / 2


def iteration_spectral_radius(method: str, lr, momentum, eigenvalues):
    """The per-step linear rate ρ on a quadratic: the largest |eigenvalue| of the
    iteration matrix (module docstring), maximized over `eigenvalues`.

    `method` is "gd" (`momentum` must be 0 or None), "heavy_ball" or "nesterov";
    broadcasts over lr and momentum. The error shrinks like ρᵗ where ρ < 1.
    """
    if method not in METHODS:
        raise ValueError(f"Invalid method: {method!r}; allowed: {', '.join(METHODS)}")
    h = _steps(lr, eigenvalues)
    if method == "gd":
        if momentum is not None and np.any(_nonnegative("momentum", momentum) != 0):
            raise ValueError(f"Invalid momentum for gd: {momentum!r}; must be 0")
        return np.max(np.abs(1 - h), axis=-1)
    beta = _nonnegative("momentum", momentum)[..., None]
    if method == "heavy_ball":
        radius = _largest_root(1 + beta - h, beta + 0 * h)
    else:
        radius = _largest_root((1 + beta) * (1 - h), beta * (1 - h))
    return np.max(radius, axis=-1)


class OptimalStep(NamedTuple):
    """The best constant hyperparameters for eigenvalues in [μ, L] and their rate."""

    lr: float
    momentum: float  # 0 for gradient descent
    rate: float  # the spectral radius ρ at (lr, momentum): error ~ ρᵗ


def _extremes(L, mu) -> tuple[float, float]:
    L, mu = _positive("L", L), _positive("mu", mu)
    if mu > L:
        raise ValueError(f"Invalid mu: {mu!r}; must be <= L = {L!r}")
    return L, mu


def optimal_gd(L, mu) -> OptimalStep:
    """lr = 2/(L + μ), rate (κ - 1)/(κ + 1): the lr that makes |1 - lr·μ| and
    |1 - lr·L| equal."""
    L, mu = _extremes(L, mu)
    kappa = L / mu
    return OptimalStep(2 / (L + mu), 0.0, (kappa - 1) / (kappa + 1))


def optimal_heavy_ball(L, mu) -> OptimalStep:
    """Polyak's (1964) heavy ball: lr = 4/(√L + √μ)², β = ((√κ - 1)/(√κ + 1))², rate
    (√κ - 1)/(√κ + 1), where both extreme eigenvalues get a double root ±√β."""
    L, mu = _extremes(L, mu)
    root_kappa = math.sqrt(L / mu)
    rate = (root_kappa - 1) / (root_kappa + 1)
    return OptimalStep(4 / (math.sqrt(L) + math.sqrt(mu)) ** 2, rate * rate, rate)


# --- a plane of hyperparameters ---------------------------------------------------------

# The hyperparameters each covered optimizer's region reads; an axis outside these
# gives no prediction.
_COVERED = {
    "gd": ("lr",),
    "momentum": ("lr", "momentum"),
    "sgd": ("lr", "momentum", "dampening", "weight_decay"),
}


def predicted_region(
    optimizer: str,
    hyperparameters: dict,
    x_name: str,
    x_values,
    y_name: str | None,
    y_values,
    eigenvalues,
) -> np.ndarray | None:
    """Where theory says a run converges on a quadratic with these Hessian
    `eigenvalues`: a boolean array (len(y_values), len(x_values)), rows along y (a heat
    map's layout); one row when `y_name` is None. None where the theory here does
    not cover the case.

    Covered: "gd"; "momentum" (heavy ball, or Nesterov with ``nesterov``); "sgd"
    (torch.optim.SGD) with momentum, Nesterov, weight decay w (which adds w to every
    eigenvalue: the gradient is Hθ + wθ) and dampening τ without Nesterov (the buffer
    sums (1 - τ)·g after the first step: heavy ball with lr·(1 - τ)). Hyperparameters
    not in `hyperparameters` take the optimizer's defaults. With weight decay a run
    converges to the minimizer of f + w‖θ‖²/2, f's own only when that is at 0.
    """
    if optimizer not in _COVERED:
        return None
    if y_name is None:
        y_name, y_values = x_name, None
    axes = {x_name, y_name}
    if not axes <= set(_COVERED[optimizer]):
        return None
    settings = {
        h.name: h.default
        for h in optimizers.spec(optimizer).hyperparameters
        if h.name in _COVERED[optimizer] or h.name == "nesterov"
    }
    settings.update({k: v for k, v in hyperparameters.items() if k in settings})
    xs = np.asarray(x_values, dtype=np.float64)
    if xs.ndim != 1:
        raise ValueError(f"x_values must be a 1D array; got shape {xs.shape}")
    if y_values is None:
        grid = {x_name: xs[None, :]}
    else:
        ys = np.asarray(y_values, dtype=np.float64)
        if ys.ndim != 1:
            raise ValueError(f"y_values must be a 1D array; got shape {ys.shape}")
        grid = {x_name: xs[None, :], y_name: ys[:, None]}
    values = {name: grid.get(name, settings[name]) for name in _COVERED[optimizer]}
    shape = np.broadcast_shapes(*(np.shape(v) for v in grid.values()))
    region = _region(optimizer, values, settings, eigenvalues)
    return None if region is None else np.broadcast_to(region, shape).copy()


def _region(optimizer: str, values: dict, settings: dict, eigenvalues):
    eigenvalues = _eigenvalues(eigenvalues)
    if optimizer == "gd":
        return gd_converges(values["lr"], eigenvalues)
    nesterov = bool(settings["nesterov"])
    if optimizer == "momentum":
        region = nesterov_converges if nesterov else heavy_ball_converges
        return region(values["lr"], values["momentum"], eigenvalues)
    # torch.optim.SGD: h = lr·(1 - τ)·(λ + w).
    lr, beta, dampening, weight_decay = np.broadcast_arrays(
        *(_nonnegative(name, values[name]) for name in _COVERED["sgd"])
    )
    if nesterov and np.any(dampening != 0):
        return None  # torch refuses Nesterov with dampening
    h = (lr * (1 - dampening))[..., None] * (eigenvalues + weight_decay[..., None])
    if nesterov:
        return _nesterov_inside(h, beta[..., None])
    return _heavy_ball_inside(h, beta[..., None])


def sharpness_limit(optimizer: str, hyperparameters: dict, lr) -> np.ndarray | None:
    """The largest Hessian eigenvalue λ at which the run's step at learning rate `lr`
    (an array: the lr of every step) is still stable near a minimum: 2/lr for gradient
    descent, 2(1 + β)/lr for heavy ball, 2(1 + β)/((1 + 2β)·lr) for Nesterov (the
    regions above, solved for λ; torch's SGD divides by (1 - τ) for dampening τ and
    subtracts its weight decay w). The edge of stability a run's sharpness is drawn
    against. None for the methods the theory here does not cover (adaptive ones
    rescale each coordinate, so their edge is about a preconditioned Hessian)."""
    if optimizer not in _COVERED:
        return None
    settings = {
        h.name: h.default
        for h in optimizers.spec(optimizer).hyperparameters
        if h.name in _COVERED[optimizer] or h.name == "nesterov"
    }
    settings.update({k: v for k, v in hyperparameters.items() if k in settings})
    beta = float(settings.get("momentum", 0.0))
    dampening = float(settings.get("dampening", 0.0))
    weight_decay = float(settings.get("weight_decay", 0.0))
    nesterov = bool(settings["nesterov"]) if "nesterov" in settings else False
    if beta >= 1 or (nesterov and dampening != 0):
        return None
    if nesterov:
        largest_step = 2 * (1 + beta) / (1 + 2 * beta)
    else:
        largest_step = 2 * (1 + beta)
    with np.errstate(divide="ignore"):
        limit = largest_step / (_nonnegative("lr", lr) * (1 - dampening))
    return limit - weight_decay


# --- curvature of any landscape ---------------------------------------------------------


@dataclass(frozen=True)
class LocalCurvature:
    """The Hessian at one point and what it says about step sizes there."""

    hessian: np.ndarray  # (2, 2)
    eigenvalues: np.ndarray  # (2,), ascending
    eigenvectors: np.ndarray  # (2, 2), column i belongs to eigenvalues[i]
    condition_number: float  # max|λ| / min|λ|; inf when some λ = 0
    lr_bound: float  # 2/λmax when λmax > 0 (gd is stable near here below it), else inf


def local_curvature(landscape, x: float, y: float) -> LocalCurvature:
    """The Hessian of `landscape` at (x, y), its eigen-decomposition, condition
    number and gradient descent's step-size bound 2/λmax there."""
    x, y = float(x), float(y)
    if not (math.isfinite(x) and math.isfinite(y)):
        raise ValueError(f"Invalid point: ({x!r}, {y!r}); must be finite")
    hessian = np.asarray(landscape.hessian(x, y), dtype=np.float64)
    eigenvalues, eigenvectors = np.linalg.eigh(hessian)
    magnitudes = np.abs(eigenvalues)
    smallest = magnitudes.min()
    return LocalCurvature(
        hessian=hessian,
        eigenvalues=eigenvalues,
        eigenvectors=eigenvectors,
        condition_number=math.inf
        if smallest == 0
        else float(magnitudes.max() / smallest),
        lr_bound=2.0 / eigenvalues[-1] if eigenvalues[-1] > 0 else math.inf,
    )


def sharpness_along(landscape, path) -> np.ndarray:
    """λmax, the Hessian's largest eigenvalue, at every point of `path` (n, 2); NaN at
    non-finite points (the rows after a divergence).

    Plotted against the step with the line 2/lr, this is Cohen et al.'s (2021)
    edge-of-stability picture: they found that on neural networks full-batch gradient
    descent raises λmax until it reaches 2/lr and then hovers there while the loss
    keeps falling, not monotonically. A run that ends at a minimum ends below the
    line.
    """
    points = np.asarray(path, dtype=np.float64)
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError(f"path must have shape (n, 2); got {points.shape}")
    finite = np.isfinite(points).all(axis=1)
    hessian = landscape.hessian(points[finite, 0], points[finite, 1])
    a, b, c = hessian[:, 0, 0], hessian[:, 0, 1], hessian[:, 1, 1]
    sharpness = np.full(len(points), np.nan)
    sharpness[finite] = (a + c) / 2 + np.hypot((a - c) / 2, b)
    return sharpness


# --- the two-layer linear net (landscapes.linear_net) -------------------------------------


def linear_net_stable(lr, x, y):
    """lr·(x² + y²) < 2: at a minimum (xy = 1) of (1 - xy)²/2, whose Hessian has
    eigenvalues 0 and x² + y², gradient descent with step lr can settle there.
    Broadcasts over lr, x, y."""
    lr = _nonnegative("lr", lr)
    return lr * (np.asarray(x, np.float64) ** 2 + np.asarray(y, np.float64) ** 2) < 2


def linear_net_stability_radius(lr):
    """√(2/lr): the circle x² + y² = 2/lr, where the minima's sharpness equals 2/lr.
    Minima inside it are stable for step lr; it meets the hyperbola only if lr ≤ 1."""
    lr = _nonnegative("lr", lr)
    if np.any(lr == 0):
        raise ValueError(f"Invalid lr: {lr!r}; must be > 0")
    return np.sqrt(2 / lr)
