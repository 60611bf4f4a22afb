r"""Slow, readable twins of every optimizer: the oracles the kernels are tested against.

Each function is a plain-Python transcription of the *published* algorithm, written from
its source and not from our kernels:

* the torch.optim ones (sgd, adagrad, rmsprop, adadelta, adam, adamw, nadam, radam,
  rprop) from the algorithm pseudo-code in torch.optim's documentation (torch 2.x, the
  ``.. math::`` block of each class docstring), line by line, with t = 1, 2, ...;
* the others from the reference cited next to them (the optax ones from the paper,
  with optax's conventions where its documented chain differs, named there);
* scipy.optimize's BFGS, Nelder–Mead and Powell, whose reference implementation is
  scipy's (1.17): the Nelder–Mead and Powell oracles run ``scipy.optimize.minimize``
  itself, BFGS's is scipy's loop copied line by line (in NumPy, as scipy writes it)
  around scipy's own line search, so that it can take an lr. Their paths end where
  the method stops on its own tolerances.

The state is kept per coordinate in Python lists of floats and updated with scalar
arithmetic and ``math.sqrt``: no NumPy vectorization, no shared helpers with the
package, but one: the methods that sample (simulated annealing, entropy-SGD) draw
their random numbers from the package's generator (``optimizers._noise``, a pure
function of seed, stream and step), since the same draws are what make their paths
comparable; the update rules around the draws are transcribed here. The full-matrix
preconditioners (shampoo, soap) keep their 2x2 matrices as NumPy arrays put through
LAPACK (``numpy.linalg.eigh``, ``qr``) or mpmath (Shampoo's inverse root), not
through the closed forms of optimizers.matrix2 the kernels use. The objective is a
``landscapes.Landscape`` (its ``grad``, ``value`` and ``hessian``; those are tested
against finite differences in test_landscapes.py).

Every oracle has the signature ``oracle(surface, start, steps, *, lrs=None, **hyper)``
with the hyperparameters by their torch names (``betas``, ``etas``, ``step_sizes`` as
tuples: betas of two elements or three) and torch's defaults, and returns a :class:`Trajectory`. ``lrs`` is an optional
per-step learning rate list (a schedule: ``lrs[t - 1]`` is used at step t); without it
the lr is constant.

The line searches of ``gd_exact_line_search`` and the conjugate gradients use
``scipy.optimize.minimize_scalar(method="brent")`` after an independent bracketing
(doubling), so they agree with the package's own Brent only to its tolerance (~1e-8
relative in α), and on surfaces where f has several minima along a line they may pick a
different one; compare them on convex problems only.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import mpmath
import numpy as np
from scipy.optimize import minimize, minimize_scalar
from scipy.optimize._optimize import _line_search_wolfe12, _LineSearchError

from optimizers._noise import OPTIMIZER_STREAM, standard_normal_pair, uniform


class Trajectory(NamedTuple):
    path: np.ndarray  # (steps + 1, 2): the start, then every iterate (fewer if
    # the method stopped on its own: L-BFGS, BFGS, Nelder–Mead, Powell)
    lr: np.ndarray  # (steps,): the lr used at each step (line searches: the α found)
    # Points of the plane a method keeps beside its path, by name (Schedule-Free's x
    # and z): (steps, 2) each, after every step.
    positions: dict | None = None


def _learning_rates(lr: float, steps: int, lrs) -> list[float]:
    if lrs is None:
        return [float(lr)] * steps
    lrs = [float(v) for v in lrs]
    if len(lrs) < steps:
        raise ValueError(f"lrs has {len(lrs)} entries, need {steps}")
    return lrs[:steps]


def _grad(surface, theta) -> list[float]:
    gx, gy = surface.grad(theta[0], theta[1])
    return [float(gx), float(gy)]


def _value(surface, theta) -> float:
    return float(surface.value(theta[0], theta[1]))


def _result(path, used) -> Trajectory:
    return Trajectory(
        np.array(path, dtype=np.float64), np.array(used, dtype=np.float64)
    )


def _sign(v: float) -> float:
    return 1.0 if v > 0.0 else (-1.0 if v < 0.0 else 0.0)


# --------------------------------------------------------------------------------------
# Plain gradient methods (not in torch)
# --------------------------------------------------------------------------------------


def gd(surface, start, steps, *, lr=1e-3, lrs=None) -> Trajectory:
    """θ_{t} = θ_{t-1} - η_t ∇f(θ_{t-1})  (Cauchy 1847)."""
    rates = _learning_rates(lr, steps, lrs)
    theta = [float(start[0]), float(start[1])]
    path = [list(theta)]
    for t in range(1, steps + 1):
        gamma = rates[t - 1]
        g = _grad(surface, theta)
        for i in range(2):
            theta[i] = theta[i] - gamma * g[i]
        path.append(list(theta))
    return _result(path, rates)


def momentum(
    surface, start, steps, *, lr=1e-3, momentum=0.9, nesterov=False, lrs=None
) -> Trajectory:
    """The lecture notes' heavy ball (Polyak 1964), Nesterov form (Sutskever 2013):

    ΔW ← β ΔW − η ∇f(W [+ β ΔW]),   W ← W + ΔW,   ΔW starts at 0.
    """
    rates = _learning_rates(lr, steps, lrs)
    beta = float(momentum)
    w = [float(start[0]), float(start[1])]
    delta = [0.0, 0.0]
    path = [list(w)]
    for t in range(1, steps + 1):
        eta = rates[t - 1]
        if nesterov:
            g = _grad(surface, [w[0] + beta * delta[0], w[1] + beta * delta[1]])
        else:
            g = _grad(surface, w)
        for i in range(2):
            delta[i] = beta * delta[i] - eta * g[i]
            w[i] = w[i] + delta[i]
        path.append(list(w))
    return _result(path, rates)


def normalized_gd(surface, start, steps, *, lr=1e-2, lrs=None) -> Trajectory:
    """θ ← θ − η ∇f/‖∇f‖, no step where ∇f = 0 (Kochenderfer & Wheeler 2019, §5.1)."""
    rates = _learning_rates(lr, steps, lrs)
    theta = [float(start[0]), float(start[1])]
    path = [list(theta)]
    for t in range(1, steps + 1):
        g = _grad(surface, theta)
        norm = math.sqrt(g[0] * g[0] + g[1] * g[1])
        if norm > 0.0:
            for i in range(2):
                theta[i] = theta[i] - rates[t - 1] * g[i] / norm
        path.append(list(theta))
    return _result(path, rates)


def newton(surface, start, steps, *, lr=1.0, damping=0.0, lrs=None) -> Trajectory:
    """θ ← θ − η (∇²f(θ) + λI)⁻¹ ∇f(θ)  (Nocedal & Wright §3.3; Levenberg 1944).

    The linear system is solved by LAPACK (numpy.linalg.solve), not by a hand-written
    2x2 inverse.
    """
    rates = _learning_rates(lr, steps, lrs)
    theta = [float(start[0]), float(start[1])]
    path = [list(theta)]
    for t in range(1, steps + 1):
        g = _grad(surface, theta)
        hessian = np.array(surface.hessian(theta[0], theta[1]), dtype=np.float64)
        hessian = hessian + damping * np.eye(2)
        p = np.linalg.solve(hessian, np.array(g))
        for i in range(2):
            theta[i] = theta[i] - rates[t - 1] * float(p[i])
        path.append(list(theta))
    return _result(path, rates)


def _sam_gradient(rho):
    """Foret et al. (2021), Algorithm 1's gradient: ε = ρ g / (‖g‖ + 1e-12) with
    g = ∇f(θ), then ∇f(θ + ε). The 1e-12 guard is that of the authors' PyTorch port
    (github.com/davda54/sam)."""

    def gradient(surface, theta):
        g = _grad(surface, theta)
        norm = math.sqrt(g[0] * g[0] + g[1] * g[1])
        eps = [rho * g[i] / (norm + 1e-12) for i in range(2)]
        return _grad(surface, [theta[0] + eps[0], theta[1] + eps[1]])

    return gradient


def sam(
    surface, start, steps, *, lr=1e-3, rho=0.05, momentum=0.0, lrs=None
) -> Trajectory:
    """Sharpness-aware minimization (Foret et al. 2021, Algorithm 1) with an SGD
    step, heavy-ball momentum as torch.optim.SGD / optax.sgd (b₁ = g₁, b ← μb + g):

    θ ← θ − η b,  b the buffer of the SAM gradients ∇f(θ + ε).
    """
    rates = _learning_rates(lr, steps, lrs)
    gradient = _sam_gradient(rho)
    theta = [float(start[0]), float(start[1])]
    buffer = None
    path = [list(theta)]
    for t in range(1, steps + 1):
        g_sam = gradient(surface, theta)
        if buffer is None:
            buffer = list(g_sam)
        else:
            buffer = [momentum * buffer[i] + g_sam[i] for i in range(2)]
        for i in range(2):
            theta[i] = theta[i] - rates[t - 1] * buffer[i]
        path.append(list(theta))
    return _result(path, rates)


def sam_adam(
    surface,
    start,
    steps,
    *,
    lr=1e-3,
    betas=(0.9, 0.999),
    eps=1e-8,
    weight_decay=0.0,
    amsgrad=False,
    decoupled_weight_decay=False,
    rho=0.05,
    lrs=None,
) -> Trajectory:
    """SAM's gradient fed to torch.optim.Adam (optax.contrib.sam's outer adam)."""
    beta1, beta2 = betas
    return _adam(
        surface,
        start,
        steps,
        _learning_rates(lr, steps, lrs),
        beta1,
        beta2,
        eps,
        weight_decay,
        amsgrad,
        decoupled_weight_decay,
        gradient=_sam_gradient(rho),
    )


def gd_armijo(
    surface, start, steps, *, lr=1.0, c1=1e-4, rho=0.5, lrs=None, max_trials=60
) -> Trajectory:
    """Backtracking line search (Nocedal & Wright 2006, Algorithm 3.1) along p = −∇f:
    the first α in ᾱ, ρᾱ, ρ²ᾱ, ... with f(θ + αp) ≤ f(θ) + c₁ α ∇fᵀp; ᾱ = η_t.

    After `max_trials` rejected trials no step is taken (α = 0), as the package does.
    """
    rates = _learning_rates(lr, steps, lrs)
    theta = [float(start[0]), float(start[1])]
    path = [list(theta)]
    used = []
    for t in range(1, steps + 1):
        g = _grad(surface, theta)
        p = [-g[0], -g[1]]
        f0 = _value(surface, theta)
        slope = g[0] * p[0] + g[1] * p[1]
        alpha = 0.0
        for j in range(max_trials):
            trial = rates[t - 1] * rho**j
            point = [theta[0] + trial * p[0], theta[1] + trial * p[1]]
            if _value(surface, point) <= f0 + c1 * trial * slope:
                alpha = trial
                break
        for i in range(2):
            theta[i] = theta[i] + alpha * p[i]
        used.append(alpha)
        path.append(list(theta))
    return _result(path, used)


# --------------------------------------------------------------------------------------
# Exact line searches (independent: doubling bracket + scipy's Brent)
# --------------------------------------------------------------------------------------


def exact_line_search(surface, theta, d, first_trial, max_expansions=60) -> float:
    """argmin over α ≥ 0 of φ(α) = f(θ + α d), by scipy's Brent inside a bracket found
    by halving (until φ decreases) and doubling (while φ keeps decreasing). 0 when no
    decrease is found along d."""

    def phi(alpha):
        return _value(surface, [theta[0] + alpha * d[0], theta[1] + alpha * d[1]])

    f0 = phi(0.0)
    b = float(first_trial)
    for _ in range(max_expansions):
        if phi(b) < f0:
            break
        b *= 0.5
    else:
        return 0.0
    a, c = 0.0, 2.0 * b
    for _ in range(max_expansions):
        if not phi(c) < phi(b):
            break
        a, b, c = b, c, 2.0 * c
    if phi(b) < phi(c):  # a strict bracket: f(b) < f(a) and f(b) < f(c)
        result = minimize_scalar(
            phi, bracket=(a, b, c), method="brent", options={"xtol": 1e-12}
        )
    else:  # f flat to rounding (at a minimum): any point of [a, c] will do
        result = minimize_scalar(
            phi, bounds=(a, c), method="bounded", options={"xatol": 1e-12 * c}
        )
    return float(result.x)


def gd_exact_line_search(surface, start, steps, *, lr=1e-2, lrs=None) -> Trajectory:
    """Steepest descent with exact line search (Cauchy 1847): α_t = argmin_α
    f(θ − α∇f(θ)), θ ← θ − α_t ∇f(θ). The lr is only the first trial step."""
    rates = _learning_rates(lr, steps, lrs)
    theta = [float(start[0]), float(start[1])]
    path = [list(theta)]
    used = []
    for t in range(1, steps + 1):
        g = _grad(surface, theta)
        alpha = exact_line_search(surface, theta, [-g[0], -g[1]], rates[t - 1])
        for i in range(2):
            theta[i] = theta[i] - alpha * g[i]
        used.append(alpha)
        path.append(list(theta))
    return _result(path, used)


def _conjugate_gradient(surface, start, steps, rates, polak_ribiere) -> Trajectory:
    """Nonlinear CG (Nocedal & Wright 2006, Algorithm 5.4 and eq. 5.44-5.45):

    d₀ = −g₀;  β_FR = gₖᵀgₖ / gₖ₋₁ᵀgₖ₋₁,  β_PR+ = max(0, gₖᵀ(gₖ − gₖ₋₁) / gₖ₋₁ᵀgₖ₋₁);
    dₖ = −gₖ + βₖ dₖ₋₁, restarted as −gₖ if not a descent direction;
    αₖ = argmin f(θₖ + α dₖ);  θₖ₊₁ = θₖ + αₖ dₖ.
    """
    theta = [float(start[0]), float(start[1])]
    path = [list(theta)]
    used = []
    g_prev = None
    d_prev = None
    for t in range(1, steps + 1):
        g = _grad(surface, theta)
        d = [-g[0], -g[1]]
        if g_prev is not None:
            previous = g_prev[0] * g_prev[0] + g_prev[1] * g_prev[1]
            if previous > 0.0:
                if polak_ribiere:
                    beta = (
                        g[0] * (g[0] - g_prev[0]) + g[1] * (g[1] - g_prev[1])
                    ) / previous
                    beta = max(beta, 0.0)
                else:
                    beta = (g[0] * g[0] + g[1] * g[1]) / previous
                d = [-g[0] + beta * d_prev[0], -g[1] + beta * d_prev[1]]
                if g[0] * d[0] + g[1] * d[1] >= 0.0:
                    d = [-g[0], -g[1]]
        alpha = exact_line_search(surface, theta, d, rates[t - 1])
        for i in range(2):
            theta[i] = theta[i] + alpha * d[i]
        g_prev, d_prev = g, d
        used.append(alpha)
        path.append(list(theta))
    return _result(path, used)


def cg_fletcher_reeves(surface, start, steps, *, lr=1e-2, lrs=None) -> Trajectory:
    """Fletcher & Reeves (1964) conjugate gradient with an exact line search."""
    return _conjugate_gradient(
        surface, start, steps, _learning_rates(lr, steps, lrs), False
    )


def cg_polak_ribiere(surface, start, steps, *, lr=1e-2, lrs=None) -> Trajectory:
    """Polak & Ribière (1969) conjugate gradient, β⁺ = max(β, 0), exact line search."""
    return _conjugate_gradient(
        surface, start, steps, _learning_rates(lr, steps, lrs), True
    )


# --------------------------------------------------------------------------------------
# torch.optim, from the pseudo-code in its documentation
# --------------------------------------------------------------------------------------


def sgd(
    surface,
    start,
    steps,
    *,
    lr=1e-3,
    momentum=0.0,
    dampening=0.0,
    weight_decay=0.0,
    nesterov=False,
    lrs=None,
) -> Trajectory:
    """torch.optim.SGD:

    g_t ← ∇f(θ_{t-1});  if λ ≠ 0: g_t ← g_t + λθ_{t-1}
    if μ ≠ 0: b_t ← μb_{t-1} + (1−τ)g_t  (t > 1),  b_t ← g_t  (t = 1)
              g_t ← g_t + μb_t (nesterov)  or  g_t ← b_t
    θ_t ← θ_{t-1} − γ g_t
    """
    rates = _learning_rates(lr, steps, lrs)
    mu, tau, lam = momentum, dampening, weight_decay
    theta = [float(start[0]), float(start[1])]
    b = [0.0, 0.0]
    path = [list(theta)]
    for t in range(1, steps + 1):
        gamma = rates[t - 1]
        g = _grad(surface, theta)
        for i in range(2):
            if lam != 0:
                g[i] = g[i] + lam * theta[i]
            if mu != 0:
                if t > 1:
                    b[i] = mu * b[i] + (1 - tau) * g[i]
                else:
                    b[i] = g[i]
                if nesterov:
                    g[i] = g[i] + mu * b[i]
                else:
                    g[i] = b[i]
            theta[i] = theta[i] - gamma * g[i]
        path.append(list(theta))
    return _result(path, rates)


def adagrad(
    surface,
    start,
    steps,
    *,
    lr=1e-2,
    lr_decay=0.0,
    weight_decay=0.0,
    initial_accumulator_value=0.0,
    eps=1e-10,
    lrs=None,
) -> Trajectory:
    """torch.optim.Adagrad:

    state_sum_0 ← τ (initial_accumulator_value)
    γ̃ ← γ / (1 + (t−1)η);  if λ ≠ 0: g_t ← g_t + λθ_{t-1}
    state_sum_t ← state_sum_{t-1} + g_t²;  θ_t ← θ_{t-1} − γ̃ g_t / (√state_sum_t + ε)
    """
    rates = _learning_rates(lr, steps, lrs)
    theta = [float(start[0]), float(start[1])]
    state_sum = [float(initial_accumulator_value)] * 2
    path = [list(theta)]
    for t in range(1, steps + 1):
        g = _grad(surface, theta)
        gamma_tilde = rates[t - 1] / (1 + (t - 1) * lr_decay)
        for i in range(2):
            if weight_decay != 0:
                g[i] = g[i] + weight_decay * theta[i]
            state_sum[i] = state_sum[i] + g[i] * g[i]
            theta[i] = theta[i] - gamma_tilde * g[i] / (math.sqrt(state_sum[i]) + eps)
        path.append(list(theta))
    return _result(path, rates)


def rmsprop(
    surface,
    start,
    steps,
    *,
    lr=1e-2,
    alpha=0.99,
    eps=1e-8,
    weight_decay=0.0,
    momentum=0.0,
    centered=False,
    lrs=None,
) -> Trajectory:
    """torch.optim.RMSprop:

    if λ ≠ 0: g_t ← g_t + λθ_{t-1};  v_t ← αv_{t-1} + (1−α)g_t²;  ṽ_t ← v_t
    if centered: g^ave_t ← g^ave_{t-1}α + (1−α)g_t;  ṽ_t ← ṽ_t − (g^ave_t)²
    if μ > 0: b_t ← μb_{t-1} + g_t/(√ṽ_t + ε);  θ_t ← θ_{t-1} − γb_t
    else:     θ_t ← θ_{t-1} − γ g_t/(√ṽ_t + ε)
    """
    rates = _learning_rates(lr, steps, lrs)
    mu = momentum
    theta = [float(start[0]), float(start[1])]
    v = [0.0, 0.0]
    b = [0.0, 0.0]
    g_ave = [0.0, 0.0]
    path = [list(theta)]
    for t in range(1, steps + 1):
        gamma = rates[t - 1]
        g = _grad(surface, theta)
        for i in range(2):
            if weight_decay != 0:
                g[i] = g[i] + weight_decay * theta[i]
            v[i] = alpha * v[i] + (1 - alpha) * g[i] * g[i]
            v_tilde = v[i]
            if centered:
                g_ave[i] = g_ave[i] * alpha + (1 - alpha) * g[i]
                v_tilde = v_tilde - g_ave[i] * g_ave[i]
            if mu > 0:
                b[i] = mu * b[i] + g[i] / (math.sqrt(v_tilde) + eps)
                theta[i] = theta[i] - gamma * b[i]
            else:
                theta[i] = theta[i] - gamma * g[i] / (math.sqrt(v_tilde) + eps)
        path.append(list(theta))
    return _result(path, rates)


def adadelta(
    surface, start, steps, *, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0.0, lrs=None
) -> Trajectory:
    """torch.optim.Adadelta:

    if λ ≠ 0: g_t ← g_t + λθ_{t-1};  v_t ← v_{t-1}ρ + g_t²(1−ρ)
    Δx_t ← √(u_{t-1} + ε) / √(v_t + ε) · g_t;  u_t ← u_{t-1}ρ + Δx_t²(1−ρ)
    θ_t ← θ_{t-1} − γΔx_t
    """
    rates = _learning_rates(lr, steps, lrs)
    theta = [float(start[0]), float(start[1])]
    v = [0.0, 0.0]
    u = [0.0, 0.0]
    path = [list(theta)]
    for t in range(1, steps + 1):
        gamma = rates[t - 1]
        g = _grad(surface, theta)
        for i in range(2):
            if weight_decay != 0:
                g[i] = g[i] + weight_decay * theta[i]
            v[i] = v[i] * rho + g[i] * g[i] * (1 - rho)
            delta_x = math.sqrt(u[i] + eps) / math.sqrt(v[i] + eps) * g[i]
            u[i] = u[i] * rho + delta_x * delta_x * (1 - rho)
            theta[i] = theta[i] - gamma * delta_x
        path.append(list(theta))
    return _result(path, rates)


def _adam(
    surface,
    start,
    steps,
    rates,
    beta1,
    beta2,
    eps,
    weight_decay,
    amsgrad,
    decoupled,
    gradient=None,
) -> Trajectory:
    """torch.optim.Adam / torch.optim.AdamW:

    Adam:  if λ ≠ 0: g_t ← g_t + λθ_{t-1}          AdamW:  θ_t ← θ_{t-1} − γλθ_{t-1}
    m_t ← β₁m_{t-1} + (1−β₁)g_t;  v_t ← β₂v_{t-1} + (1−β₂)g_t²;  m̂_t ← m_t/(1−β₁ᵗ)
    amsgrad: v_t^max ← max(v_{t-1}^max, v_t);  v̂_t ← v_t^max/(1−β₂ᵗ)
    else:    v̂_t ← v_t/(1−β₂ᵗ)
    θ_t ← θ_t − γ m̂_t/(√v̂_t + ε)
    g_t is ∇f(θ_{t-1}), or `gradient(surface, θ_{t-1})` when given (SAM's).
    """
    theta = [float(start[0]), float(start[1])]
    m = [0.0, 0.0]
    v = [0.0, 0.0]
    v_max = [0.0, 0.0]
    path = [list(theta)]
    for t in range(1, steps + 1):
        gamma = rates[t - 1]
        g = (gradient or _grad)(surface, theta)
        for i in range(2):
            if decoupled:
                theta[i] = theta[i] - gamma * weight_decay * theta[i]
            elif weight_decay != 0:
                g[i] = g[i] + weight_decay * theta[i]
            m[i] = beta1 * m[i] + (1 - beta1) * g[i]
            v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i]
            m_hat = m[i] / (1 - beta1**t)
            if amsgrad:
                v_max[i] = max(v_max[i], v[i])
                v_hat = v_max[i] / (1 - beta2**t)
            else:
                v_hat = v[i] / (1 - beta2**t)
            theta[i] = theta[i] - gamma * m_hat / (math.sqrt(v_hat) + eps)
        path.append(list(theta))
    return _result(path, rates)


def adam(
    surface,
    start,
    steps,
    *,
    lr=1e-3,
    betas=(0.9, 0.999),
    eps=1e-8,
    weight_decay=0.0,
    amsgrad=False,
    decoupled_weight_decay=False,
    lrs=None,
) -> Trajectory:
    """torch.optim.Adam (decoupled_weight_decay=True is AdamW, as torch documents)."""
    beta1, beta2 = betas
    return _adam(
        surface,
        start,
        steps,
        _learning_rates(lr, steps, lrs),
        beta1,
        beta2,
        eps,
        weight_decay,
        amsgrad,
        decoupled_weight_decay,
    )


def adamw(
    surface,
    start,
    steps,
    *,
    lr=1e-3,
    betas=(0.9, 0.999),
    eps=1e-8,
    weight_decay=1e-2,
    amsgrad=False,
    lrs=None,
) -> Trajectory:
    """torch.optim.AdamW (Loshchilov & Hutter 2019): torch's default weight_decay 1e-2."""
    beta1, beta2 = betas
    return _adam(
        surface,
        start,
        steps,
        _learning_rates(lr, steps, lrs),
        beta1,
        beta2,
        eps,
        weight_decay,
        amsgrad,
        True,
    )


def nadam(
    surface,
    start,
    steps,
    *,
    lr=2e-3,
    betas=(0.9, 0.999),
    eps=1e-8,
    weight_decay=0.0,
    momentum_decay=4e-3,
    decoupled_weight_decay=False,
    lrs=None,
) -> Trajectory:
    """torch.optim.NAdam (Dozat 2016):

    θ_t ← θ_{t-1};  if λ ≠ 0: decoupled: θ_t ← θ_{t-1} − γλθ_{t-1},
                               else: g_t ← g_t + λθ_{t-1}
    μ_t ← β₁(1 − ½·0.96^{tψ});  μ_{t+1} ← β₁(1 − ½·0.96^{(t+1)ψ})
    m_t ← β₁m_{t-1} + (1−β₁)g_t;  v_t ← β₂v_{t-1} + (1−β₂)g_t²
    m̂_t ← μ_{t+1}m_t/(1 − ∏_{i=1}^{t+1}μ_i) + (1−μ_t)g_t/(1 − ∏_{i=1}^{t}μ_i)
    v̂_t ← v_t/(1−β₂ᵗ);  θ_t ← θ_t − γ m̂_t/(√v̂_t + ε)
    """
    rates = _learning_rates(lr, steps, lrs)
    beta1, beta2 = betas
    psi = momentum_decay

    def mu(i):
        return beta1 * (1 - 0.5 * 0.96 ** (i * psi))

    theta = [float(start[0]), float(start[1])]
    m = [0.0, 0.0]
    v = [0.0, 0.0]
    path = [list(theta)]
    for t in range(1, steps + 1):
        gamma = rates[t - 1]
        g = _grad(surface, theta)
        mu_t = mu(t)
        mu_next = mu(t + 1)
        product_t = math.prod(mu(i) for i in range(1, t + 1))
        product_next = product_t * mu_next
        for i in range(2):
            if weight_decay != 0:
                if decoupled_weight_decay:
                    theta[i] = theta[i] - gamma * weight_decay * theta[i]
                else:
                    g[i] = g[i] + weight_decay * theta[i]
            m[i] = beta1 * m[i] + (1 - beta1) * g[i]
            v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i]
            m_hat = mu_next * m[i] / (1 - product_next) + (1 - mu_t) * g[i] / (
                1 - product_t
            )
            v_hat = v[i] / (1 - beta2**t)
            theta[i] = theta[i] - gamma * m_hat / (math.sqrt(v_hat) + eps)
        path.append(list(theta))
    return _result(path, rates)


def radam(
    surface,
    start,
    steps,
    *,
    lr=1e-3,
    betas=(0.9, 0.999),
    eps=1e-8,
    weight_decay=0.0,
    decoupled_weight_decay=False,
    lrs=None,
) -> Trajectory:
    """torch.optim.RAdam (Liu et al. 2020):

    ρ_∞ ← 2/(1−β₂) − 1;  decay as in NAdam;  m_t, v_t as in Adam;  m̂_t ← m_t/(1−β₁ᵗ)
    ρ_t ← ρ_∞ − 2tβ₂ᵗ/(1−β₂ᵗ)
    if ρ_t > 5: l_t ← √(1−β₂ᵗ)/(√v_t + ε);
                r_t ← √((ρ_t−4)(ρ_t−2)ρ_∞ / ((ρ_∞−4)(ρ_∞−2)ρ_t));  θ_t ← θ_t − γm̂_t r_t l_t
    else:       θ_t ← θ_t − γm̂_t
    """
    rates = _learning_rates(lr, steps, lrs)
    beta1, beta2 = betas
    rho_inf = 2 / (1 - beta2) - 1
    theta = [float(start[0]), float(start[1])]
    m = [0.0, 0.0]
    v = [0.0, 0.0]
    path = [list(theta)]
    for t in range(1, steps + 1):
        gamma = rates[t - 1]
        g = _grad(surface, theta)
        rho_t = rho_inf - 2 * t * beta2**t / (1 - beta2**t)
        for i in range(2):
            if weight_decay != 0:
                if decoupled_weight_decay:
                    theta[i] = theta[i] - gamma * weight_decay * theta[i]
                else:
                    g[i] = g[i] + weight_decay * theta[i]
            m[i] = beta1 * m[i] + (1 - beta1) * g[i]
            v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i]
            m_hat = m[i] / (1 - beta1**t)
            if rho_t > 5:
                l_t = math.sqrt(1 - beta2**t) / (math.sqrt(v[i]) + eps)
                r_t = math.sqrt(
                    (rho_t - 4)
                    * (rho_t - 2)
                    * rho_inf
                    / ((rho_inf - 4) * (rho_inf - 2) * rho_t)
                )
                theta[i] = theta[i] - gamma * m_hat * r_t * l_t
            else:
                theta[i] = theta[i] - gamma * m_hat
        path.append(list(theta))
    return _result(path, rates)


def adabelief(
    surface,
    start,
    steps,
    *,
    lr=0.003,
    betas=(0.9, 0.999),
    eps=1e-16,
    eps_root=1e-16,
    nesterov=False,
    lrs=None,
) -> Trajectory:
    """AdaBelief (Zhuang et al. 2020, Algorithm 2), as optax.adabelief documents it:

    m_t ← β₁m_{t-1} + (1−β₁)g_t;  s_t ← β₂s_{t-1} + (1−β₂)(g_t − m_t)² + ε_root
    m̂_t ← m_t/(1−β₁ᵗ)  (nesterov: β₁m_t/(1−β₁^{t+1}) + (1−β₁)g_t/(1−β₁ᵗ))
    ŝ_t ← s_t/(1−β₂ᵗ);  θ_t ← θ_{t-1} − γ m̂_t/(√ŝ_t + ε)
    """
    beta1, beta2 = betas
    rates = _learning_rates(lr, steps, lrs)
    theta = [float(start[0]), float(start[1])]
    m = [0.0, 0.0]
    s = [0.0, 0.0]
    path = [list(theta)]
    for t in range(1, steps + 1):
        gamma = rates[t - 1]
        g = _grad(surface, theta)
        for i in range(2):
            m[i] = beta1 * m[i] + (1 - beta1) * g[i]
            s[i] = beta2 * s[i] + (1 - beta2) * (g[i] - m[i]) ** 2 + eps_root
            if nesterov:
                m_hat = beta1 * m[i] / (1 - beta1 ** (t + 1)) + (1 - beta1) * g[i] / (
                    1 - beta1**t
                )
            else:
                m_hat = m[i] / (1 - beta1**t)
            s_hat = s[i] / (1 - beta2**t)
            theta[i] = theta[i] - gamma * m_hat / (math.sqrt(s_hat) + eps)
        path.append(list(theta))
    return _result(path, rates)


def yogi(
    surface,
    start,
    steps,
    *,
    lr=0.002,
    betas=(0.9, 0.999),
    eps=1e-3,
    initial_accumulator_value=1e-6,
    lrs=None,
) -> Trajectory:
    """Yogi (Zaheer et al. 2018, Algorithm 2), with optax.yogi's bias correction and
    initial accumulators:

    m_0 = v_0 = initial_accumulator_value
    m_t ← β₁m_{t-1} + (1−β₁)g_t;  v_t ← v_{t-1} − (1−β₂) sign(v_{t-1} − g_t²) g_t²
    θ_t ← θ_{t-1} − γ (m_t/(1−β₁ᵗ)) / (√(v_t/(1−β₂ᵗ)) + ε)
    """
    beta1, beta2 = betas
    rates = _learning_rates(lr, steps, lrs)
    theta = [float(start[0]), float(start[1])]
    m = [float(initial_accumulator_value)] * 2
    v = [float(initial_accumulator_value)] * 2
    path = [list(theta)]
    for t in range(1, steps + 1):
        gamma = rates[t - 1]
        g = _grad(surface, theta)
        for i in range(2):
            m[i] = beta1 * m[i] + (1 - beta1) * g[i]
            g2 = g[i] * g[i]
            sign = (v[i] > g2) - (v[i] < g2)
            v[i] = v[i] - (1 - beta2) * sign * g2
            m_hat = m[i] / (1 - beta1**t)
            v_hat = v[i] / (1 - beta2**t)
            theta[i] = theta[i] - gamma * m_hat / (math.sqrt(v_hat) + eps)
        path.append(list(theta))
    return _result(path, rates)


def lion(
    surface,
    start,
    steps,
    *,
    lr=0.003,
    betas=(0.9, 0.99),
    weight_decay=1e-3,
    lrs=None,
) -> Trajectory:
    """Lion (Chen et al. 2023, Algorithm 2):

    c_t ← β₁m_{t-1} + (1−β₁)g_t
    θ_t ← θ_{t-1} − γ (sign(c_t) + λθ_{t-1})
    m_t ← β₂m_{t-1} + (1−β₂)g_t
    """
    beta1, beta2 = betas
    rates = _learning_rates(lr, steps, lrs)
    theta = [float(start[0]), float(start[1])]
    m = [0.0, 0.0]
    path = [list(theta)]
    for t in range(1, steps + 1):
        gamma = rates[t - 1]
        g = _grad(surface, theta)
        for i in range(2):
            c = beta1 * m[i] + (1 - beta1) * g[i]
            sign = (c > 0) - (c < 0)
            theta[i] = theta[i] - gamma * (sign + weight_decay * theta[i])
            m[i] = beta2 * m[i] + (1 - beta2) * g[i]
        path.append(list(theta))
    return _result(path, rates)


def rprop(
    surface,
    start,
    steps,
    *,
    lr=1e-2,
    etas=(0.5, 1.2),
    step_sizes=(1e-6, 50.0),
    lrs=None,
) -> Trajectory:
    """torch.optim.Rprop (Riedmiller & Braun 1993), per coordinate i:

    g_prev ← 0, η_0 ← lr
    if g_prev g_t > 0: η_t ← min(η_{t-1}η₊, Γmax)
    elif g_prev g_t < 0: η_t ← max(η_{t-1}η₋, Γmin);  g_t ← 0
    else: η_t ← η_{t-1}
    θ_t ← θ_{t-1} − η_t sign(g_t);  g_prev ← g_t

    Only the lr at the first step matters (torch reads it once, into the step sizes).
    """
    rates = _learning_rates(lr, steps, lrs)
    eta_minus, eta_plus = etas
    gamma_min, gamma_max = step_sizes
    theta = [float(start[0]), float(start[1])]
    g_prev = [0.0, 0.0]
    eta = [rates[0], rates[0]] if steps else [lr, lr]
    path = [list(theta)]
    for _t in range(1, steps + 1):
        g = _grad(surface, theta)
        for i in range(2):
            if g_prev[i] * g[i] > 0:
                eta[i] = min(eta[i] * eta_plus, gamma_max)
            elif g_prev[i] * g[i] < 0:
                eta[i] = max(eta[i] * eta_minus, gamma_min)
                g[i] = 0.0
            theta[i] = theta[i] - eta[i] * _sign(g[i])
            g_prev[i] = g[i]
        path.append(list(theta))
    return _result(path, rates)


def adamax(
    surface,
    start,
    steps,
    *,
    lr=2e-3,
    betas=(0.9, 0.999),
    eps=1e-8,
    weight_decay=0.0,
    lrs=None,
) -> Trajectory:
    """torch.optim.Adamax (Kingma & Ba 2015, §7.1), torch's pseudo-code:

    if λ ≠ 0: g_t ← g_t + λθ_{t-1}
    m_t ← β₁m_{t-1} + (1−β₁)g_t;  u_t ← max(β₂u_{t-1}, |g_t| + ε)
    θ_t ← θ_{t-1} − γ m_t / ((1−β₁ᵗ) u_t)
    """
    rates = _learning_rates(lr, steps, lrs)
    beta1, beta2 = betas
    theta = [float(start[0]), float(start[1])]
    m = [0.0, 0.0]
    u = [0.0, 0.0]
    path = [list(theta)]
    for t in range(1, steps + 1):
        gamma = rates[t - 1]
        g = _grad(surface, theta)
        for i in range(2):
            if weight_decay != 0:
                g[i] = g[i] + weight_decay * theta[i]
            m[i] = beta1 * m[i] + (1 - beta1) * g[i]
            u[i] = max(beta2 * u[i], abs(g[i]) + eps)
            theta[i] = theta[i] - gamma * m[i] / ((1 - beta1**t) * u[i])
        path.append(list(theta))
    return _result(path, rates)


def asgd_with_average(
    surface, start, steps, *, lr, lambd, alpha, t0, weight_decay, lrs
) -> tuple[Trajectory, np.ndarray]:
    """torch.optim.ASGD (Polyak & Juditsky 1992), from its documented parameters: the
    step size η_t = γ/(1 + λγt)^α and the averaging weight μ_t = 1/max(1, t − t₀) are
    set after step t for step t + 1 (η₀ = γ, μ₀ = 1):

    if λ₂ ≠ 0: g_t ← g_t + λ₂θ_{t-1}
    θ_t ← θ_{t-1}(1 − λη_{t-1}) − η_{t-1}g_t
    ā_t ← ā_{t-1} + μ_{t-1}(θ_t − ā_{t-1})   (μ = 1: ā_t ← θ_t)

    Returns the trajectory of θ and the averages ā_1, ā_2, ... (steps, 2).
    """
    rates = _learning_rates(lr, steps, lrs)
    theta = [float(start[0]), float(start[1])]
    average = [0.0, 0.0]
    eta = rates[0] if steps else lr
    mu = 1.0
    path = [list(theta)]
    averages = []
    for t in range(1, steps + 1):
        gamma = rates[t - 1]
        g = _grad(surface, theta)
        for i in range(2):
            if weight_decay != 0:
                g[i] = g[i] + weight_decay * theta[i]
            theta[i] = theta[i] * (1 - lambd * eta) - eta * g[i]
            if mu != 1:
                average[i] = average[i] + mu * (theta[i] - average[i])
            else:
                average[i] = theta[i]
        eta = gamma / (1 + lambd * gamma * t) ** alpha
        mu = 1 / max(1, t - t0)
        path.append(list(theta))
        averages.append(list(average))
    return _result(path, rates), np.array(averages, dtype=np.float64)


def asgd(
    surface,
    start,
    steps,
    *,
    lr=1e-2,
    lambd=1e-4,
    alpha=0.75,
    t0=1e6,
    weight_decay=0.0,
    lrs=None,
) -> Trajectory:
    """torch.optim.ASGD's iterates θ (see asgd_with_average)."""
    trajectory, _ = asgd_with_average(
        surface,
        start,
        steps,
        lr=lr,
        lambd=lambd,
        alpha=alpha,
        t0=t0,
        weight_decay=weight_decay,
        lrs=lrs,
    )
    return trajectory


def adafactor(
    surface,
    start,
    steps,
    *,
    lr=1e-2,
    beta2_decay=-0.8,
    eps=(2.0**-52, 1e-3),
    d=1.0,
    weight_decay=0.0,
    lrs=None,
) -> Trajectory:
    """torch.optim.Adafactor (Shazeer & Stern 2018), torch's pseudo-code for a vector
    θ (dim G = 1, the unfactored variance V̂), RMS over the parameter's n = 2 entries:

    β̂₂ₜ ← 1 − t^τ;  ρₜ ← min(γ, 1/√t);  αₜ ← max(ε₂, RMS(θₜ₋₁))ρₜ
    θₜ₋₁ ← θₜ₋₁ − γλθₜ₋₁
    V̂ₜ ← β̂₂ₜV̂ₜ₋₁ + (1 − β̂₂ₜ)Gₜ²;  Uₜ ← Gₜ/max(√V̂ₜ, ε₁)
    Ûₜ ← Uₜ/max(1, RMS(Uₜ)/d);  θₜ ← θₜ₋₁ − αₜÛₜ

    (The pseudo-code writes the decay as θₜ ← θₜ₋₁ − γλθₜ₋₁ and the update from
    θₜ₋₁; torch's code updates the decayed θ, as here.) torch's default ε₁ = None is
    torch.finfo(float64).eps = 2⁻⁵².
    """
    rates = _learning_rates(lr, steps, lrs)
    eps1, eps2 = eps
    theta = [float(start[0]), float(start[1])]
    variance = [0.0, 0.0]
    path = [list(theta)]
    for t in range(1, steps + 1):
        gamma = rates[t - 1]
        g = _grad(surface, theta)
        beta2_hat = 1 - t**beta2_decay
        rho = min(gamma, 1 / math.sqrt(t))
        alpha = max(eps2, math.sqrt((theta[0] ** 2 + theta[1] ** 2) / 2)) * rho
        u = [0.0, 0.0]
        for i in range(2):
            theta[i] = theta[i] - gamma * weight_decay * theta[i]
            variance[i] = beta2_hat * variance[i] + (1 - beta2_hat) * g[i] * g[i]
            u[i] = g[i] / max(math.sqrt(variance[i]), eps1)
        clip = max(1, math.sqrt((u[0] ** 2 + u[1] ** 2) / 2) / d)
        for i in range(2):
            theta[i] = theta[i] - alpha * u[i] / clip
        path.append(list(theta))
    return _result(path, rates)


def _float32(value: float) -> float:
    return float(np.float32(value))


def _bfloat16(value: float) -> float:
    """torch's float → bfloat16: to float32, then c10's round_to_nearest_even on the
    float32's bits (add 0x7FFF plus the lowest kept bit, drop the low 16 bits)."""
    bits = int(np.array(value, dtype=np.float32).view(np.uint32))
    bits = (bits + 0x7FFF + ((bits >> 16) & 1)) & 0xFFFF0000
    return float(np.array(bits, dtype=np.uint32).view(np.float32))


def newton_schulz_1x2(m, ns_steps, eps, coefficients=(3.4445, -4.7750, 2.0315)):
    """torch.optim._muon._zeropower_via_newtonschulz of the 1×2 matrix X = [m₀ m₁],
    from its source: X in bfloat16, X ← X/max(‖X‖_F, ε), then ns_steps times
    A ← XXᵀ, B ← bA + cA², X ← aX + BX. Each bfloat16 product is accumulated in
    float32 and rounded to bfloat16; torch.addmm(C, P, Q, beta=β, alpha=α) rounds
    βC + α(PQ) once in float32 (α(PQ) first when α ≠ 1). Products of bfloat16
    numbers are exact in float64, so one rounding of the float64 sum is float32's."""
    a, b, c = (_float32(v) for v in coefficients)
    x = [_bfloat16(m[0]), _bfloat16(m[1])]
    norm = _bfloat16(math.sqrt(_float32(x[0] * x[0] + x[1] * x[1])))
    norm = max(norm, _bfloat16(eps))
    x = [_bfloat16(v / norm) for v in x]
    for _ in range(ns_steps):
        gram = _bfloat16(x[0] * x[0] + x[1] * x[1])
        update = _bfloat16(b * gram + _float32(c * (gram * gram)))
        x = [_bfloat16(a * v + update * v) for v in x]
    return x


def muon(
    surface,
    start,
    steps,
    *,
    lr=1e-3,
    weight_decay=0.1,
    momentum=0.95,
    nesterov=True,
    eps=1e-7,
    ns_steps=5,
    match_rms_adamw=False,
    lrs=None,
) -> Trajectory:
    """torch.optim.Muon (Jordan et al. 2024) on θ as the 1×2 matrix [x y] (A = 1
    row, B = 2 columns), from torch's source (_single_tensor_muon):

    B ← lerp(B, g, 1 − μ) = μB + (1 − μ)g;  B̃ ← lerp(g, B, μ) if nesterov else B
    O ← NS(B̃);  γ' ← γ√max(1, A/B)  (adjust_lr_fn None, "original")
                    or 0.2γ√max(A, B) ("match_rms_adamw")
    θ ← θ(1 − γλ) − γ'O

    (torch's pseudo-code writes B ← μB + g and B̃ ← g + μB; its code averages, which
    changes B̃ by the factor 1 − μ, and so its bfloat16 rounding.)
    """
    rates = _learning_rates(lr, steps, lrs)
    rows, columns = 1, 2
    if match_rms_adamw:
        ratio = 0.2 * math.sqrt(max(rows, columns))
    else:
        ratio = math.sqrt(max(1, rows / columns))
    theta = [float(start[0]), float(start[1])]
    buffer = [0.0, 0.0]
    path = [list(theta)]
    for t in range(1, steps + 1):
        gamma = rates[t - 1]
        g = _grad(surface, theta)
        update = [0.0, 0.0]
        for i in range(2):
            buffer[i] = momentum * buffer[i] + (1 - momentum) * g[i]
            update[i] = (1 - momentum) * g[i] + momentum * buffer[i]
        orthogonal = newton_schulz_1x2(update if nesterov else buffer, ns_steps, eps)
        for i in range(2):
            theta[i] = theta[i] * (1 - gamma * weight_decay)
            theta[i] = theta[i] - gamma * ratio * orthogonal[i]
        path.append(list(theta))
    return _result(path, rates)


def _cubic_interpolate(x1, f1, g1, x2, f2, g2, bounds=None):
    """torch.optim.lbfgs._cubic_interpolate (from Torch7's polyinterp.lua)."""
    if bounds is not None:
        xmin_bound, xmax_bound = bounds
    else:
        xmin_bound, xmax_bound = (x1, x2) if x1 <= x2 else (x2, x1)
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    d2_square = d1**2 - g1 * g2
    if d2_square >= 0:
        d2 = math.sqrt(d2_square)
        if x1 <= x2:
            min_pos = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
        else:
            min_pos = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
        return min(max(min_pos, xmin_bound), xmax_bound)
    return (xmin_bound + xmax_bound) / 2.0


def _dot(u, v) -> float:
    return u[0] * v[0] + u[1] * v[1]


def _strong_wolfe(phi, t, d, f, g, gtd, max_ls=100):
    """torch.optim.lbfgs._strong_wolfe (from Torch7's lswolfe.lua; Nocedal & Wright
    2006, Algorithms 3.5-3.6) with its defaults c₁ = 1e-4, c₂ = 0.9,
    tolerance_change = 1e-9: `phi(t)` returns f and ∇f at θ + t d. Returns (f, ∇f, t)
    at the step found. torch's max_ls is max_eval minus the evaluations made so far
    (unbounded for the paths compared here); 100 is the package's cap."""
    c1, c2, tolerance_change = 1e-4, 0.9, 1e-9
    d_norm = max(abs(d[0]), abs(d[1]))
    f_new, g_new = phi(t)
    gtd_new = _dot(g_new, d)
    t_prev, f_prev, g_prev, gtd_prev = 0, f, g, gtd
    done = False
    ls_iter = 0
    while ls_iter < max_ls:
        if f_new > (f + c1 * t * gtd) or (ls_iter > 1 and f_new >= f_prev):
            bracket = [t_prev, t]
            bracket_f = [f_prev, f_new]
            bracket_g = [g_prev, g_new]
            bracket_gtd = [gtd_prev, gtd_new]
            break
        if abs(gtd_new) <= -c2 * gtd:
            bracket = [t]
            bracket_f = [f_new]
            bracket_g = [g_new]
            done = True
            break
        if gtd_new >= 0:
            bracket = [t_prev, t]
            bracket_f = [f_prev, f_new]
            bracket_g = [g_prev, g_new]
            bracket_gtd = [gtd_prev, gtd_new]
            break
        min_step = t + 0.01 * (t - t_prev)
        max_step = t * 10
        tmp = t
        t = _cubic_interpolate(
            t_prev, f_prev, gtd_prev, t, f_new, gtd_new, bounds=(min_step, max_step)
        )
        t_prev = tmp
        f_prev = f_new
        g_prev = g_new
        gtd_prev = gtd_new
        f_new, g_new = phi(t)
        gtd_new = _dot(g_new, d)
        ls_iter += 1
    if ls_iter == max_ls:
        bracket = [0, t]
        bracket_f = [f, f_new]
        bracket_g = [g, g_new]
    insuf_progress = False
    low_pos, high_pos = (0, 1) if bracket_f[0] <= bracket_f[-1] else (1, 0)
    while not done and ls_iter < max_ls:
        if abs(bracket[1] - bracket[0]) * d_norm < tolerance_change:
            break
        t = _cubic_interpolate(
            bracket[0],
            bracket_f[0],
            bracket_gtd[0],
            bracket[1],
            bracket_f[1],
            bracket_gtd[1],
        )
        eps = 0.1 * (max(bracket) - min(bracket))
        if min(max(bracket) - t, t - min(bracket)) < eps:
            if insuf_progress or t >= max(bracket) or t <= min(bracket):
                if abs(t - max(bracket)) < abs(t - min(bracket)):
                    t = max(bracket) - eps
                else:
                    t = min(bracket) + eps
                insuf_progress = False
            else:
                insuf_progress = True
        else:
            insuf_progress = False
        f_new, g_new = phi(t)
        gtd_new = _dot(g_new, d)
        ls_iter += 1
        if f_new > (f + c1 * t * gtd) or f_new >= bracket_f[low_pos]:
            bracket[high_pos] = t
            bracket_f[high_pos] = f_new
            bracket_g[high_pos] = g_new
            bracket_gtd[high_pos] = gtd_new
            low_pos, high_pos = (0, 1) if bracket_f[0] <= bracket_f[1] else (1, 0)
        else:
            if abs(gtd_new) <= -c2 * gtd:
                done = True
            elif gtd_new * (bracket[high_pos] - bracket[low_pos]) >= 0:
                bracket[high_pos] = bracket[low_pos]
                bracket_f[high_pos] = bracket_f[low_pos]
                bracket_g[high_pos] = bracket_g[low_pos]
                bracket_gtd[high_pos] = bracket_gtd[low_pos]
            bracket[low_pos] = t
            bracket_f[low_pos] = f_new
            bracket_g[low_pos] = g_new
            bracket_gtd[low_pos] = gtd_new
    return bracket_f[low_pos], bracket_g[low_pos], bracket[low_pos]


def lbfgs(
    surface,
    start,
    steps,
    *,
    lr=1.0,
    tolerance_grad=1e-7,
    tolerance_change=1e-9,
    history_size=100,
    strong_wolfe=False,
    lrs=None,
) -> Trajectory:
    """torch.optim.LBFGS's inner loop (Nocedal 1980; Liu & Nocedal 1989, the two-loop
    recursion of Nocedal & Wright 2006, Algorithm 7.4), from torch's source: one
    step(closure) with max_iter = `steps` and no max_eval, the iterate recorded after
    every iteration, so that path[k] is where a fresh step() with max_iter = k ends.
    The path ends early where torch's loop breaks (its tolerances); the lr recorded
    per step is the step length t. With `lrs`, iteration k's lr is lrs[k - 1].
    """
    rates = _learning_rates(lr, steps, lrs)
    theta = [float(start[0]), float(start[1])]
    path = [list(theta)]
    used = []
    loss = _value(surface, theta)
    flat_grad = _grad(surface, theta)
    if max(abs(flat_grad[0]), abs(flat_grad[1])) <= tolerance_grad:
        return _result(path, used)
    d = t = h_diag = prev_flat_grad = prev_loss = None
    old_dirs, old_stps, ro = [], [], []
    al = [None] * int(history_size)
    n_iter = 0
    while n_iter < steps:
        n_iter += 1
        if n_iter == 1:
            d = [-flat_grad[0], -flat_grad[1]]
            old_dirs, old_stps, ro = [], [], []
            h_diag = 1
        else:
            y = [flat_grad[0] - prev_flat_grad[0], flat_grad[1] - prev_flat_grad[1]]
            s = [d[0] * t, d[1] * t]
            ys = _dot(y, s)
            if ys > 1e-10:
                if len(old_dirs) == history_size:
                    old_dirs.pop(0)
                    old_stps.pop(0)
                    ro.pop(0)
                old_dirs.append(y)
                old_stps.append(s)
                ro.append(1.0 / ys)
                h_diag = ys / _dot(y, y)
            num_old = len(old_dirs)
            q = [-flat_grad[0], -flat_grad[1]]
            for i in range(num_old - 1, -1, -1):
                al[i] = _dot(old_stps[i], q) * ro[i]
                q = [q[j] - al[i] * old_dirs[i][j] for j in range(2)]
            r = [q[0] * h_diag, q[1] * h_diag]
            for i in range(num_old):
                be_i = _dot(old_dirs[i], r) * ro[i]
                r = [r[j] + (al[i] - be_i) * old_stps[i][j] for j in range(2)]
            d = r
        prev_flat_grad = list(flat_grad)
        prev_loss = loss
        lr_now = rates[n_iter - 1]
        if n_iter == 1:
            t = min(1.0, 1.0 / (abs(flat_grad[0]) + abs(flat_grad[1]))) * lr_now
        else:
            t = lr_now
        gtd = _dot(flat_grad, d)
        if gtd > -tolerance_change:
            break
        if strong_wolfe:
            x_init = list(theta)

            def phi(step, x_init=x_init, d=d):
                point = [x_init[0] + step * d[0], x_init[1] + step * d[1]]
                return _value(surface, point), _grad(surface, point)

            loss, flat_grad, t = _strong_wolfe(phi, t, d, loss, flat_grad, gtd)
            theta = [theta[0] + t * d[0], theta[1] + t * d[1]]
        else:
            theta = [theta[0] + t * d[0], theta[1] + t * d[1]]
            loss = _value(surface, theta)
            flat_grad = _grad(surface, theta)
        opt_cond = max(abs(flat_grad[0]), abs(flat_grad[1])) <= tolerance_grad
        path.append(list(theta))
        used.append(t)
        if n_iter == steps:
            break
        if opt_cond:
            break
        if max(abs(d[0] * t), abs(d[1] * t)) <= tolerance_change:
            break
        if abs(loss - prev_loss) < tolerance_change:
            break
    return _result(path, used)


# --------------------------------------------------------------------------------------
# optax's post-Adam methods, from their papers (optax's conventions where they differ)
# --------------------------------------------------------------------------------------


def adan_with_difference_weight(
    surface, start, steps, *, lr, betas, eps, eps_root, weight_decay, lrs, paper
) -> Trajectory:
    """Adan (Xie et al. 2022/2024, Algorithm 1), the paper's β's being 1 − ``betas``
    (p₁, p₂, p₃ below), with optax's and the authors' code's moments from zero,
    bias-corrected, the first gradient difference zero, ε̄ under the root, and optax's
    weight decay θ ← θ − η(u + λθ) (the paper divides by 1 + λη instead):

    m_k = (1 − p₁)m_{k−1} + p₁g_k;  v_k = (1 − p₂)v_{k−1} + p₂(g_k − g_{k−1})
    n_k = (1 − p₃)n_{k−1} + p₃[g_k + w(g_k − g_{k−1})]²
    u_k = (m̂_k + w v̂_k)/(√(n̂_k + ε̄) + ε),  x̂ = x/(1 − (1 − p)ᵏ)

    with the difference weighted by w = 1 − p₂ (the paper's, and its authors' code's)
    when `paper`, else by w = p₂ (optax 0.2.8's).
    """
    rates = _learning_rates(lr, steps, lrs)
    p1, p2, p3 = (1 - b for b in betas)
    w = 1 - p2 if paper else p2
    theta = [float(start[0]), float(start[1])]
    m = [0.0, 0.0]
    v = [0.0, 0.0]
    n = [0.0, 0.0]
    g_previous = None
    path = [list(theta)]
    for k in range(1, steps + 1):
        eta = rates[k - 1]
        g = _grad(surface, theta)
        for i in range(2):
            difference = 0.0 if g_previous is None else g[i] - g_previous[i]
            m[i] = (1 - p1) * m[i] + p1 * g[i]
            v[i] = (1 - p2) * v[i] + p2 * difference
            n[i] = (1 - p3) * n[i] + p3 * (g[i] + w * difference) ** 2
            m_hat = m[i] / (1 - (1 - p1) ** k)
            v_hat = v[i] / (1 - (1 - p2) ** k)
            n_hat = n[i] / (1 - (1 - p3) ** k)
            u = (m_hat + w * v_hat) / (math.sqrt(n_hat + eps_root) + eps)
            theta[i] = theta[i] - eta * (u + weight_decay * theta[i])
        g_previous = g
        path.append(list(theta))
    return _result(path, rates)


def adan(
    surface,
    start,
    steps,
    *,
    lr=0.01,
    betas=(0.98, 0.92, 0.99),
    eps=1e-8,
    eps_root=1e-8,
    weight_decay=0.0,
    lrs=None,
) -> Trajectory:
    """optax.adan's Adan: the gradient difference weighted as optax 0.2.8 does."""
    return adan_with_difference_weight(
        surface,
        start,
        steps,
        lr=lr,
        betas=betas,
        eps=eps,
        eps_root=eps_root,
        weight_decay=weight_decay,
        lrs=lrs,
        paper=False,
    )


def ademamix(
    surface,
    start,
    steps,
    *,
    lr=0.01,
    betas=(0.9, 0.999, 0.9999),
    alpha=5.0,
    eps=1e-8,
    eps_root=0.0,
    weight_decay=0.0,
    lrs=None,
) -> Trajectory:
    """AdEMAMix (Pagliardini et al. 2024, Algorithm 1) with constant α and β₃ (the
    paper's schedulers after their warm-up), ε̄ under the root as optax:

    m1_t = β₁m1_{t−1} + (1−β₁)g_t;  m2_t = β₃m2_{t−1} + (1−β₃)g_t
    ν_t = β₂ν_{t−1} + (1−β₂)g_t²;  m̂1_t = m1_t/(1−β₁ᵗ);  ν̂_t = ν_t/(1−β₂ᵗ)
    θ_t = θ_{t−1} − η((m̂1_t + αm2_t)/(√(ν̂_t + ε̄) + ε) + λθ_{t−1})
    """
    beta1, beta2, beta3 = betas
    rates = _learning_rates(lr, steps, lrs)
    theta = [float(start[0]), float(start[1])]
    m1 = [0.0, 0.0]
    m2 = [0.0, 0.0]
    nu = [0.0, 0.0]
    path = [list(theta)]
    for t in range(1, steps + 1):
        eta = rates[t - 1]
        g = _grad(surface, theta)
        for i in range(2):
            m1[i] = beta1 * m1[i] + (1 - beta1) * g[i]
            m2[i] = beta3 * m2[i] + (1 - beta3) * g[i]
            nu[i] = beta2 * nu[i] + (1 - beta2) * g[i] ** 2
            m1_hat = m1[i] / (1 - beta1**t)
            nu_hat = nu[i] / (1 - beta2**t)
            direction = (m1_hat + alpha * m2[i]) / (math.sqrt(nu_hat + eps_root) + eps)
            theta[i] = theta[i] - eta * (direction + weight_decay * theta[i])
        path.append(list(theta))
    return _result(path, rates)


def prodigy(
    surface,
    start,
    steps,
    *,
    lr=1.0,
    betas=(0.9, 0.999),
    beta3=-1.0,
    eps=1e-8,
    estim_lr0=1e-6,
    estim_lr_coef=1.0,
    weight_decay=0.0,
    safeguard_warmup=False,
    lrs=None,
) -> Trajectory:
    """Prodigy (Mishchenko & Defazio 2024, the Adam version of its algorithm), with
    optax.contrib.prodigy's bias correction of the step, its ε times the new estimate
    d_{k+1}, a decoupled weight decay, the coefficient c and the safeguard:

    γ'_k = γ_k √(1−β₂ᵏ)/(1−β₁ᵏ)  (the paper: γ_k)
    r_k = β₃r_{k−1} + (1−β₃)γ'_k d_k² ⟨g_k, x₀ − x_{k−1}⟩
    s_k = β₃s_{k−1} + (1−β₃)γ'_k d_k² g_k  (safeguard: (1−β₃)d_k² g_k)
    d_{k+1} = max(d_k, c r_k/‖s_k‖₁)
    m_k = β₁m_{k−1} + (1−β₁)d_k g_k;  v_k = β₂v_{k−1} + (1−β₂)d_k² g_k²
    x_k = x_{k−1} − γ'_k d_k (m_k/(√v_k + d_{k+1}ε) + λx_{k−1})

    β₃ < 0 stands for optax's None: √β₂ (the paper's choice). The factor (1 − β₃) of
    the paper's r and s (optax's has none, but divides both by d₀) cancels in r/‖s‖₁.
    """
    rates = _learning_rates(lr, steps, lrs)
    beta1, beta2 = betas
    if beta3 < 0:
        beta3 = math.sqrt(beta2)
    x = [float(start[0]), float(start[1])]
    x0 = list(x)
    m = [0.0, 0.0]
    v = [0.0, 0.0]
    s = [0.0, 0.0]
    r = 0.0
    d = float(estim_lr0)
    path = [list(x)]
    for k in range(1, steps + 1):
        gamma = rates[k - 1] * math.sqrt(1 - beta2**k) / (1 - beta1**k)
        g = _grad(surface, x)
        inner = sum(g[i] * (x0[i] - x[i]) for i in range(2))
        r = beta3 * r + (1 - beta3) * gamma * d * d * inner
        for i in range(2):
            weight = d * d if safeguard_warmup else gamma * d * d
            s[i] = beta3 * s[i] + (1 - beta3) * weight * g[i]
            m[i] = beta1 * m[i] + (1 - beta1) * d * g[i]
            v[i] = beta2 * v[i] + (1 - beta2) * d * d * g[i] * g[i]
        d_next = max(d, estim_lr_coef * r / (abs(s[0]) + abs(s[1])))
        for i in range(2):
            step = m[i] / (math.sqrt(v[i]) + d_next * eps) + weight_decay * x[i]
            x[i] = x[i] - gamma * d * step
        d = d_next
        path.append(list(x))
    return _result(path, rates)


def _schedule_free(
    surface, start, steps, rates, beta1, warmup_steps, weight_lr_power, base_step
):
    """Schedule-Free (Defazio et al. 2024): z takes the base method's steps, x
    averages the z's, y = β₁x + (1 − β₁)z is where the gradient is taken (the path):

    z_t = z_{t−1} − γ_t u_t(∇f(y_{t−1}), y_{t−1})
    x_t = (1 − c_t)x_{t−1} + c_t z_t,  c_t = w_t/Σ_{i≤t} w_i,  w_t = (max_{i≤t} γ̃_i)^r
    y_t = β₁x_t + (1 − β₁)z_t

    x₀ = z₀ = y₀. The paper weighs by w_t = γ_t²; optax (and the authors' code) by
    the largest learning rate so far to the power r, as here. With optax's warm-up
    W > 0 the step's γ_t is lr·min(t − 1, W)/W and the weight's γ̃_t is
    lr·min(t, W)/W (optax's base optimizer counts from 0, its wrapper from 1);
    without, both are step t's rate. A weight sum of 0 gives c_t = 0 (optax).
    ``base_step(t, g, y)`` returns u_t per coordinate. The path is y; x and z are
    its positions.
    """

    def warmed_up(rate, count):
        return rate * min(count, warmup_steps) / warmup_steps if warmup_steps else rate

    y = [float(start[0]), float(start[1])]
    x = list(y)
    z = list(y)
    largest = 0.0
    weight_sum = 0.0
    path = [list(y)]
    xs, zs = [], []
    for t in range(1, steps + 1):
        gamma = warmed_up(rates[t - 1], t - 1)
        largest = max(largest, warmed_up(rates[t - 1], t))
        weight = largest**weight_lr_power
        weight_sum += weight
        c = weight / weight_sum if weight_sum > 0 else 0.0
        u = base_step(t, _grad(surface, y), y)
        for i in range(2):
            z[i] = z[i] - gamma * u[i]
            x[i] = (1 - c) * x[i] + c * z[i]
            y[i] = beta1 * x[i] + (1 - beta1) * z[i]
        path.append(list(y))
        xs.append(list(x))
        zs.append(list(z))
    positions = {"x": np.array(xs), "z": np.array(zs)}
    return _result(path, rates)._replace(positions=positions)


def schedule_free_sgd(
    surface,
    start,
    steps,
    *,
    lr=1.0,
    warmup_steps=0.0,
    momentum=0.9,
    weight_decay=0.0,
    weight_lr_power=2.0,
    lrs=None,
) -> Trajectory:
    """Schedule-Free SGD: u_t = ∇f(y_{t−1}) + λy_{t−1}; β₁ = ``momentum``."""

    def base_step(t, g, y):
        return [g[i] + weight_decay * y[i] for i in range(2)]

    rates = _learning_rates(lr, steps, lrs)
    return _schedule_free(
        surface, start, steps, rates, momentum, warmup_steps, weight_lr_power, base_step
    )


def schedule_free_adamw(
    surface,
    start,
    steps,
    *,
    lr=0.0025,
    warmup_steps=0.0,
    betas=(0.9, 0.999),
    eps=1e-8,
    weight_decay=0.0,
    weight_lr_power=2.0,
    lrs=None,
) -> Trajectory:
    """Schedule-Free AdamW (Defazio et al. 2024, Algorithm 1) with optax's bias
    correction inside the root (the paper moves √(1 − β₂ᵗ) into γ_t, ε outside it):

    v_t = β₂v_{t−1} + (1 − β₂)g_t²;  u_t = g_t/(√(v_t/(1 − β₂ᵗ)) + ε) + λy_{t−1}
    """
    beta1, beta2 = betas
    v = [0.0, 0.0]

    def base_step(t, g, y):
        u = []
        for i in range(2):
            v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i]
            root = math.sqrt(v[i] / (1 - beta2**t))
            u.append(g[i] / (root + eps) + weight_decay * y[i])
        return u

    rates = _learning_rates(lr, steps, lrs)
    return _schedule_free(
        surface, start, steps, rates, beta1, warmup_steps, weight_lr_power, base_step
    )


# --------------------------------------------------------------------------------------
# Derivative-free and sampling methods
# --------------------------------------------------------------------------------------


def coordinate_search(
    surface, start, steps, *, lr=0.5, shrink=0.5, step_tolerance=1e-6, lrs=None
) -> Trajectory:
    """Cyclic coordinate search with a fixed step, as Fermi and Metropolis ran it
    (W. C. Davidon (1991), SIAM J. Optim. 1(1), retold in Kolda, Lewis & Torczon
    (2003), SIAM Review 45(3):385-482, §1.1): vary one parameter at a time by steps of
    the same magnitude; when no increase or decrease of any one parameter improves f,
    halve the step; repeat until the steps are small enough.

    One iteration per axis, x, y, x, ...: try θ + δ e_axis, then θ − δ e_axis; move to
    the first with a lower f. When every axis has failed in a row (both, since the last
    move), δ ← shrink δ. δ_t = η_t shrink^j (η_t the scheduled lr); the iteration that
    finds δ_t < step_tolerance stops without moving, and the path ends there. The lr
    recorded is δ_t.
    """
    rates = _learning_rates(lr, steps, lrs)
    theta = [float(start[0]), float(start[1])]
    f_theta = _value(surface, theta)
    shrinks = 0
    axis = 0
    failed_axes = 0
    path = [list(theta)]
    used = []
    for t in range(steps):
        delta = rates[t] * shrink**shrinks
        if delta < step_tolerance:
            break
        used.append(delta)
        moved = False
        for sign in (1.0, -1.0):
            trial = list(theta)
            trial[axis] = theta[axis] + sign * delta
            f_trial = _value(surface, trial)
            if f_trial < f_theta:
                theta, f_theta = trial, f_trial
                moved = True
                break
        if moved:
            failed_axes = 0
        else:
            failed_axes += 1
            if failed_axes == 2:
                shrinks += 1
                failed_axes = 0
        axis = 1 - axis
        path.append(list(theta))
    return _result(path, used)


def simulated_annealing(
    surface,
    start,
    steps,
    *,
    lr=0.5,
    initial_temperature=10.0,
    cooling=0.99,
    logarithmic=False,
    rng_seed=0,
    lrs=None,
) -> Trajectory:
    """Simulated annealing (Kirkpatrick, Gelatt & Vecchi 1983), as Kochenderfer &
    Wheeler (2019), Algorithms for Optimization, ch. 8, write it, at iteration k = 1, 2,
    ...: x′ = x + σ z with z ~ N(0, I); Δ = f(x′) − f(x); accept x ← x′ if Δ ≤ 0 or
    u < exp(−Δ / t(k)), u ~ U(0, 1); the schedule t(k) = t₁ γ^(k−1) (exponential) or
    t₁ ln 2 / ln(k + 1) (logarithmic). σ is the scheduled lr.

    The draws are the package's generator's (optimizers._noise, the noise source, not
    the update rule): z the normal pair and u the uniform of (rng_seed,
    OPTIMIZER_STREAM, k − 1).
    """
    rates = _learning_rates(lr, steps, lrs)
    x = [float(start[0]), float(start[1])]
    y = _value(surface, x)
    path = [list(x)]
    for k in range(1, steps + 1):
        if logarithmic:
            t = initial_temperature * math.log(2.0) / math.log(k + 1)
        else:
            t = initial_temperature * cooling ** (k - 1)
        z = standard_normal_pair(rng_seed, OPTIMIZER_STREAM, k - 1)
        u = uniform(rng_seed, OPTIMIZER_STREAM, k - 1)
        proposal = [
            x[0] + rates[k - 1] * float(z[0]),
            x[1] + rates[k - 1] * float(z[1]),
        ]
        y_proposal = _value(surface, proposal)
        delta = y_proposal - y
        if delta <= 0 or u < (math.exp(-delta / t) if t > 0 else 0.0):
            x, y = proposal, y_proposal
        path.append(list(x))
    return _result(path, rates)


def entropy_sgd(
    surface,
    start,
    steps,
    *,
    lr=1.0,
    inner_lr=1e-3,
    gamma=1.0,
    L=20,
    noise=1e-4,
    alpha=0.75,
    rng_seed=0,
    lrs=None,
) -> Trajectory:
    """Entropy-SGD (Chaudhari et al. 2017, ICLR, Algorithm 1), full batch:

    x′, μ ← x
    for ℓ = 1 .. L:
        dx′ ← ∇f(x′) − γ (x − x′)
        x′ ← x′ − η′ dx′ + √η′ ε N(0, I)
        μ ← (1 − α) μ + α x′
    x ← x − η γ (x − μ)

    The N(0, I) of step t's ℓ-th Langevin iteration is the package's generator's normal
    pair of (rng_seed, OPTIMIZER_STREAM + ℓ − 1, t − 1) (optimizers._noise: the noise
    source, not the update rule).
    """
    rates = _learning_rates(lr, steps, lrs)
    x = [float(start[0]), float(start[1])]
    path = [list(x)]
    for t in range(1, steps + 1):
        x_prime = list(x)
        mu = list(x)
        for ell in range(1, int(L) + 1):
            g = _grad(surface, x_prime)
            z = standard_normal_pair(rng_seed, OPTIMIZER_STREAM + ell - 1, t - 1)
            for i in range(2):
                dx_prime = g[i] - gamma * (x[i] - x_prime[i])
                x_prime[i] = (
                    x_prime[i]
                    - inner_lr * dx_prime
                    + math.sqrt(inner_lr) * noise * float(z[i])
                )
                mu[i] = (1 - alpha) * mu[i] + alpha * x_prime[i]
        for i in range(2):
            x[i] = x[i] - rates[t - 1] * gamma * (x[i] - mu[i])
        path.append(list(x))
    return _result(path, rates)


# --------------------------------------------------------------------------------------
# Second-order-flavoured methods: the exact Hessian diagonal, 2x2 preconditioners
# --------------------------------------------------------------------------------------


def _hessian_diagonal(surface, theta) -> list[float]:
    hessian = surface.hessian(theta[0], theta[1])
    return [float(hessian[0][0]), float(hessian[1][1])]


def sophia(
    surface,
    start,
    steps,
    *,
    lr=6e-4,
    betas=(0.96, 0.99),
    rho=0.01,
    eps=1e-12,
    weight_decay=0.0,
    update_period=10,
    lrs=None,
) -> Trajectory:
    """Sophia (Liu et al. 2024, Algorithm 3) with the exact Hessian diagonal as its
    estimator ĥ:

    m_t ← β₁m_{t-1} + (1−β₁)g_t
    if t mod k = 1 (every step for k = 1): h_t ← β₂h_{t-k} + (1−β₂)ĥ_t, else h_t ← h_{t-1}
    θ ← θ − η_tλθ;  θ ← θ − η_t clip(m_t / max(γh_t, ε), 1)   (γ = rho)
    """
    beta1, beta2 = betas
    rates = _learning_rates(lr, steps, lrs)
    theta = [float(start[0]), float(start[1])]
    m = [0.0, 0.0]
    h = [0.0, 0.0]
    path = [list(theta)]
    for t in range(1, steps + 1):
        eta = rates[t - 1]
        g = _grad(surface, theta)
        refresh = (t - 1) % update_period == 0
        estimate = _hessian_diagonal(surface, theta) if refresh else None
        for i in range(2):
            m[i] = beta1 * m[i] + (1 - beta1) * g[i]
            if refresh:
                h[i] = beta2 * h[i] + (1 - beta2) * estimate[i]
            theta[i] = theta[i] - eta * weight_decay * theta[i]
            ratio = m[i] / max(rho * h[i], eps)
            theta[i] = theta[i] - eta * max(min(ratio, 1.0), -1.0)
        path.append(list(theta))
    return _result(path, rates)


def adahessian(
    surface,
    start,
    steps,
    *,
    lr=0.1,
    betas=(0.9, 0.999),
    eps=1e-16,
    hessian_power=1.0,
    weight_decay=0.0,
    update_period=1,
    lrs=None,
) -> Trajectory:
    """AdaHessian (Yao et al. 2021, Algorithm 1) with the exact Hessian diagonal D
    (no spatial averaging: one vector) and pytorch_optimizer.AdaHessian's decoupled
    weight decay and refresh period:

    θ ← (1 − η_tλ)θ
    m_t ← β₁m_{t-1} + (1−β₁)g_t
    if (t − 1) mod period = 0: v_t ← β₂v_{t-1} + (1−β₂)D_t²
    θ ← θ − η_t/(1−β₁ᵗ) · m_t / ((v_t/(1−β₂ᵗ))^{k/2} + ε)   (k = hessian_power)
    """
    beta1, beta2 = betas
    rates = _learning_rates(lr, steps, lrs)
    theta = [float(start[0]), float(start[1])]
    m = [0.0, 0.0]
    v = [0.0, 0.0]
    path = [list(theta)]
    for t in range(1, steps + 1):
        eta = rates[t - 1]
        g = _grad(surface, theta)
        refresh = (t - 1) % update_period == 0
        d = _hessian_diagonal(surface, theta) if refresh else None
        for i in range(2):
            theta[i] = theta[i] * (1 - eta * weight_decay)
            m[i] = beta1 * m[i] + (1 - beta1) * g[i]
            if refresh:
                v[i] = beta2 * v[i] + (1 - beta2) * d[i] * d[i]
            denominator = (v[i] / (1 - beta2**t)) ** (hessian_power / 2) + eps
            theta[i] = theta[i] - eta / (1 - beta1**t) * m[i] / denominator
        path.append(list(theta))
    return _result(path, rates)


def _inverse_sqrt(matrix: np.ndarray) -> np.ndarray:
    """M^{-1/2} of a symmetric positive definite M: the exact inverse root of the
    float64 matrix, rounded (mpmath's eigsy at 50 digits). LAPACK's eigh would be
    wrong by ~1e-16 κ(M) relative, and Shampoo's first statistics εI + ggᵀ have
    κ ~ |g|²/ε ~ 1e10."""
    with mpmath.workdps(50):
        exact = mpmath.matrix(matrix.tolist())
        values, vectors = mpmath.eigsy(exact)
        root = vectors * mpmath.diag([value**-0.5 for value in values]) * vectors.T
        return np.array(root.tolist(), dtype=np.float64)


def shampoo(
    surface,
    start,
    steps,
    *,
    lr=1e-3,
    momentum=0.0,
    weight_decay=0.0,
    eps=1e-6,
    preconditioning_compute_steps=1,
    lrs=None,
) -> Trajectory:
    """Shampoo (Gupta et al. 2018, Algorithm 2) on a tensor of order 1, the vector
    θ: one preconditioner H, H₀ = εI, H_t = H_{t-1} + g_t g_tᵀ, θ ← θ − η H_t^{-1/2} g_t;
    with pytorch_optimizer.Shampoo's momentum, L2 decay and refresh period (its
    source, step()): g̃ ← g (t = 1) or lerp(g, u_{t-1}, μ) (u: the last update
    direction), g̃ ← g̃ + λθ; H ← H + g̃g̃ᵀ; every f-th step R ← H^{-1/2} (R = 0 before);
    u_t ← R g̃; θ ← θ − η u_t.
    """
    rates = _learning_rates(lr, steps, lrs)
    theta = np.array([float(start[0]), float(start[1])])
    statistics = eps * np.eye(2)
    root = np.zeros((2, 2))
    update = None
    path = [theta.tolist()]
    for t in range(1, steps + 1):
        g = np.array(_grad(surface, theta))
        if momentum > 0 and update is not None:
            g = (1 - momentum) * g + momentum * update
        g = g + weight_decay * theta
        statistics = statistics + np.outer(g, g)
        if t % preconditioning_compute_steps == 0:
            root = _inverse_sqrt(statistics)
        update = root @ g
        theta = theta - rates[t - 1] * update
        path.append(theta.tolist())
    return _result(path, rates)


def soap(
    surface,
    start,
    steps,
    *,
    lr=3e-3,
    betas=(0.95, 0.95),
    shampoo_beta=0.95,
    eps=1e-8,
    weight_decay=1e-2,
    precondition_frequency=10,
    correct_bias=True,
    normalize_gradient=False,
    lrs=None,
) -> Trajectory:
    """SOAP (Vyas et al. 2025, Algorithm 3, eigenvectors by Algorithm 4's power
    iteration and QR) for one vector with a full preconditioner, in the order of
    pytorch_optimizer.SOAP's step() with precondition_1d=True:

    step 1: L ← (1−β_s)g₁g₁ᵀ; Q ← eigenvectors of L (eigh, largest eigenvalue first);
      no update.
    step t ≥ 2, s = t − 1:
      g' ← Qᵀg;  m ← lerp(m, g, 1−β₁);  v ← lerp(v, g'², 1−β₂)
      N ← Q (Qᵀm / (√v + ε));  normalize: N ← N / (rms(N) + ε)
      θ ← θ − η √(1−β₂ˢ)/(1−β₁ˢ) N (correct_bias; else η N);  θ ← θ(1 − ηλ)
      L ← lerp(L, ggᵀ, 1−β_s)
      if s mod f = 0: order Q's columns (and v) by diag(QᵀLQ) descending; Q ← qr(L Q)
    """
    beta1, beta2 = betas
    rates = _learning_rates(lr, steps, lrs)
    theta = np.array([float(start[0]), float(start[1])])
    m = np.zeros(2)
    v = np.zeros(2)
    statistics = np.zeros((2, 2))
    basis = None
    path = [theta.tolist()]
    for t in range(1, steps + 1):
        eta = rates[t - 1]
        g = np.array(_grad(surface, theta))
        if t == 1:
            statistics = (1 - shampoo_beta) * np.outer(g, g)
            basis = np.flip(np.linalg.eigh(statistics)[1], axis=1)
            path.append(theta.tolist())
            continue
        s = t - 1
        projected = basis.T @ g
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * projected**2
        direction = basis @ ((basis.T @ m) / (np.sqrt(v) + eps))
        if normalize_gradient:
            direction = direction / (np.sqrt(np.mean(direction**2)) + eps)
        step_size = eta
        if correct_bias:
            step_size = eta * math.sqrt(1 - beta2**s) / (1 - beta1**s)
        theta = theta - step_size * direction
        theta = theta * (1 - eta * weight_decay)
        statistics = shampoo_beta * statistics + (1 - shampoo_beta) * np.outer(g, g)
        if s % precondition_frequency == 0:
            order = np.argsort(-np.diag(basis.T @ statistics @ basis), kind="stable")
            v = v[order]
            basis = np.linalg.qr(statistics @ basis[:, order])[0]
        path.append(theta.tolist())
    return _result(path, rates)


# scipy.optimize's methods: scipy is the reference implementation
# --------------------------------------------------------------------------------------


def _scipy_objective(surface):
    return (
        lambda v: surface.value(v[0], v[1]),
        lambda v: np.array(surface.grad(v[0], v[1])),
    )


def bfgs(
    surface, start, steps, *, lr=1.0, gtol=1e-5, c1=1e-4, c2=0.9, xrtol=0.0, lrs=None
) -> Trajectory:
    """scipy.optimize.minimize(method="BFGS")'s loop (scipy 1.17, ``_minimize_bfgs``,
    Nocedal & Wright 2006, Algorithm 6.1) line by line, calling scipy's own line
    search (``_line_search_wolfe12``). Our one addition: the search runs along
    η_t p_k (η_t = 1 is scipy's BFGS, which test_scipy_match checks), and the lr
    recorded is α_k η_t. The path ends where scipy's loop stops."""
    f, fprime = _scipy_objective(surface)
    rates = _learning_rates(lr, steps, lrs)
    xk = np.array(start, dtype=np.float64)
    old_fval = f(xk)
    gfk = fprime(xk)
    identity = np.eye(2, dtype=int)
    Hk = identity
    old_old_fval = old_fval + np.linalg.norm(gfk) / 2
    path = [xk]
    used = []
    for t in range(steps):
        if not np.amax(np.abs(gfk)) > gtol:
            break
        pk = -np.dot(Hk, gfk) * rates[t]
        try:
            alpha_k, _, _, old_fval, old_old_fval, gfkp1 = _line_search_wolfe12(
                f,
                fprime,
                xk,
                pk,
                gfk,
                old_fval,
                old_old_fval,
                amin=1e-100,
                amax=1e100,
                c1=c1,
                c2=c2,
            )
        except _LineSearchError:
            break
        sk = alpha_k * pk
        xk = xk + sk
        path.append(xk)
        used.append(alpha_k * rates[t])
        if gfkp1 is None:
            gfkp1 = fprime(xk)
        yk = gfkp1 - gfk
        gfk = gfkp1
        if not np.amax(np.abs(gfk)) > gtol:
            break
        if alpha_k * np.linalg.norm(pk) <= xrtol * (xrtol + np.linalg.norm(xk)):
            break
        rhok_inv = np.dot(yk, sk)
        rhok = 1000.0 if rhok_inv == 0.0 else 1.0 / rhok_inv
        A1 = identity - sk[:, np.newaxis] * yk[np.newaxis, :] * rhok
        A2 = identity - yk[:, np.newaxis] * sk[np.newaxis, :] * rhok
        Hk = np.dot(A1, np.dot(Hk, A2)) + rhok * sk[:, np.newaxis] * sk[np.newaxis, :]
    return _result(path, used)


def _scipy_iterates(surface, start, method, options):
    """[start, then scipy's callback point after each iteration]."""
    path = [np.array(start, dtype=np.float64)]

    def record(intermediate_result):
        path.append(intermediate_result.x.copy())

    f, _ = _scipy_objective(surface)
    minimize(
        f,
        np.array(start, dtype=np.float64),
        method=method,
        callback=record,
        options=options,
    )
    return path


def nelder_mead(
    surface, start, steps, *, lr=1.0, xatol=1e-4, fatol=1e-4, adaptive=False, lrs=None
) -> Trajectory:
    """scipy.optimize.minimize(method="Nelder-Mead") itself, for at most `steps`
    iterations (scipy counts from 1: maxiter = steps + 1; with maxiter given, its
    evaluation budget is unlimited): the best vertex after each. No lr: the lr
    recorded is the scheduled one, untouched."""
    options = {"xatol": xatol, "fatol": fatol, "adaptive": adaptive}
    path = _scipy_iterates(
        surface, start, "Nelder-Mead", {**options, "maxiter": steps + 1}
    )
    return _result(path, _learning_rates(lr, steps, lrs)[: len(path) - 1])


def powell(
    surface, start, steps, *, lr=1.0, xtol=1e-4, ftol=1e-4, lrs=None
) -> Trajectory:
    """scipy.optimize.minimize(method="Powell") itself, for at most `steps`
    iterations: the point after each iteration's line searches (its callback). No
    lr: the lr recorded is the scheduled one, untouched."""
    options = {"xtol": xtol, "ftol": ftol, "maxiter": steps}
    path = _scipy_iterates(surface, start, "Powell", options)
    return _result(path, _learning_rates(lr, steps, lrs)[: len(path) - 1])


# --------------------------------------------------------------------------------------
# LAMB, LARS, NovoGrad, Signum, ADOPT: from their papers, with optax's conventions
# --------------------------------------------------------------------------------------


def _norm(v) -> float:
    return math.sqrt(v[0] * v[0] + v[1] * v[1])


def lamb(
    surface,
    start,
    steps,
    *,
    lr=0.003,
    betas=(0.9, 0.999),
    eps=1e-6,
    eps_root=0.0,
    weight_decay=0.0,
    lrs=None,
) -> Trajectory:
    """LAMB (You et al. 2020, Algorithm 2), with optax.lamb's ε_root and φ(z) = z;
    the point (x, y) is the one layer:

    m_t ← β₁m_{t-1} + (1−β₁)g_t;  v_t ← β₂v_{t-1} + (1−β₂)g_t²
    r_t ← (m_t/(1−β₁ᵗ)) / (√(v_t/(1−β₂ᵗ) + ε_root) + ε)
    x_t ← x_{t-1} − η_t φ(‖x_{t-1}‖)/‖r_t + λx_{t-1}‖ (r_t + λx_{t-1})
    (optax: the ratio is 1 where either norm is 0)
    """
    beta1, beta2 = betas
    rates = _learning_rates(lr, steps, lrs)
    x = [float(start[0]), float(start[1])]
    m = [0.0, 0.0]
    v = [0.0, 0.0]
    path = [list(x)]
    for t in range(1, steps + 1):
        g = _grad(surface, x)
        update = [0.0, 0.0]
        for i in range(2):
            m[i] = beta1 * m[i] + (1 - beta1) * g[i]
            v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i]
            m_hat = m[i] / (1 - beta1**t)
            v_hat = v[i] / (1 - beta2**t)
            r = m_hat / (math.sqrt(v_hat + eps_root) + eps)
            update[i] = r + weight_decay * x[i]
        x_norm, update_norm = _norm(x), _norm(update)
        ratio = 1.0 if x_norm == 0 or update_norm == 0 else x_norm / update_norm
        for i in range(2):
            x[i] = x[i] - rates[t - 1] * ratio * update[i]
        path.append(list(x))
    return _result(path, rates)


def lars(
    surface,
    start,
    steps,
    *,
    lr=1.0,
    weight_decay=0.0,
    trust_coefficient=1e-3,
    eps=0.0,
    momentum=0.9,
    nesterov=False,
    lrs=None,
) -> Trajectory:
    """LARS (You, Gitman & Ginsburg 2017, Algorithm 1) with optax.lars's local rate
    (the paper's is η‖w‖/(‖g‖ + β‖w‖)) and Nesterov option; the point is one layer:

    u ← g_t + βw;  λ ← η‖w‖/(‖u‖ + ε)  (1 where ‖w‖ = 0 or ‖u‖ = 0)
    v ← m v + γ_t λ u;  w ← w − v   (nesterov: w ← w − (γ_t λ u + m v))
    """
    rates = _learning_rates(lr, steps, lrs)
    w = [float(start[0]), float(start[1])]
    v = [0.0, 0.0]
    path = [list(w)]
    for t in range(1, steps + 1):
        g = _grad(surface, w)
        u = [g[i] + weight_decay * w[i] for i in range(2)]
        w_norm, u_norm = _norm(w), _norm(u)
        if w_norm == 0 or u_norm == 0:
            local = 1.0
        else:
            local = trust_coefficient * w_norm / (u_norm + eps)
        for i in range(2):
            scaled = rates[t - 1] * local * u[i]
            v[i] = momentum * v[i] + scaled
            if nesterov:
                w[i] = w[i] - (scaled + momentum * v[i])
            else:
                w[i] = w[i] - v[i]
        path.append(list(w))
    return _result(path, rates)


def novograd(
    surface,
    start,
    steps,
    *,
    lr=0.003,
    betas=(0.9, 0.25),
    eps=1e-6,
    eps_root=0.0,
    weight_decay=0.0,
    lrs=None,
) -> Trajectory:
    """NovoGrad (Ginsburg et al. 2019, Algorithm 1) with optax.novograd's ε and
    ε_root; the point is one layer:

    t = 1: v_1 ← ‖g_1‖²;  m_1 ← g_1/(√(v_1 + ε_root) + ε) + d w_0
    t > 1: v_t ← β₂v_{t-1} + (1−β₂)‖g_t‖²;  m_t ← β₁m_{t-1} + g_t/(√(v_t + ε_root) + ε)
           + d w_{t-1}
    w_t ← w_{t-1} − λ_t m_t
    """
    beta1, beta2 = betas
    rates = _learning_rates(lr, steps, lrs)
    w = [float(start[0]), float(start[1])]
    m = [0.0, 0.0]
    v = 0.0
    path = [list(w)]
    for t in range(1, steps + 1):
        g = _grad(surface, w)
        squared = g[0] * g[0] + g[1] * g[1]
        v = squared if t == 1 else beta2 * v + (1 - beta2) * squared
        for i in range(2):
            normalized = g[i] / (math.sqrt(v + eps_root) + eps) + weight_decay * w[i]
            m[i] = normalized if t == 1 else beta1 * m[i] + normalized
            w[i] = w[i] - rates[t - 1] * m[i]
        path.append(list(w))
    return _result(path, rates)


def signum(surface, start, steps, *, lr=0.01, momentum=0.9, lrs=None) -> Trajectory:
    """Signum (Bernstein et al. 2018, Algorithm 1), β = momentum:

    m_{k+1} ← βm_k + (1−β)g_k;  x_{k+1} ← x_k − δ_k sign(m_{k+1})
    """
    rates = _learning_rates(lr, steps, lrs)
    x = [float(start[0]), float(start[1])]
    m = [0.0, 0.0]
    path = [list(x)]
    for t in range(1, steps + 1):
        g = _grad(surface, x)
        for i in range(2):
            m[i] = momentum * m[i] + (1 - momentum) * g[i]
            x[i] = x[i] - rates[t - 1] * _sign(m[i])
        path.append(list(x))
    return _result(path, rates)


def adopt(
    surface,
    start,
    steps,
    *,
    lr=0.003,
    betas=(0.9, 0.9999),
    eps=1e-6,
    nesterov=False,
    use_clipping=True,
    lrs=None,
) -> Trajectory:
    """ADOPT (Taniguchi et al. 2024) with the clip c_t = t^{1/4} (use_clipping) and
    optax.contrib.adopt's Nesterov option; the oracle's step 0 is the paper's
    initialization, so step t uses the learning rate lrs[t]:

    step 0: v_0 ← g_0²  (g_0 = ∇f(θ_0); θ stays)
    step t ≥ 1: u ← clip(g_t/max(√v_{t-1}, ε), c_t);  m_t ← β₁m_{t-1} + (1−β₁)u
                θ_t ← θ_{t-1} − α_t m_t  (nesterov: α_t(β₁m_t + (1−β₁)u))
                v_t ← β₂v_{t-1} + (1−β₂)g_t²
    """
    beta1, beta2 = betas
    rates = _learning_rates(lr, steps, lrs)
    theta = [float(start[0]), float(start[1])]
    m = [0.0, 0.0]
    v = [0.0, 0.0]
    path = [list(theta)]
    for t in range(steps):
        g = _grad(surface, theta)
        if t == 0:
            v = [g[0] * g[0], g[1] * g[1]]
            path.append(list(theta))
            continue
        for i in range(2):
            u = g[i] / max(math.sqrt(v[i]), eps)
            if use_clipping:
                c = t**0.25
                u = min(max(u, -c), c)
            m[i] = beta1 * m[i] + (1 - beta1) * u
            direction = beta1 * m[i] + (1 - beta1) * u if nesterov else m[i]
            theta[i] = theta[i] - rates[t] * direction
            v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i]
        path.append(list(theta))
    return _result(path, rates)


# The oracle of every optimizer in `optimizers.names()`, by registry name.
ORACLES = {
    "gd": gd,
    "sgd": sgd,
    "momentum": momentum,
    "lars": lars,
    "normalized_gd": normalized_gd,
    "adagrad": adagrad,
    "rmsprop": rmsprop,
    "adadelta": adadelta,
    "adam": adam,
    "adamw": adamw,
    "nadam": nadam,
    "radam": radam,
    "adabelief": adabelief,
    "yogi": yogi,
    "adopt": adopt,
    "lamb": lamb,
    "novograd": novograd,
    "lion": lion,
    "signum": signum,
    "adamax": adamax,
    "adan": adan,
    "ademamix": ademamix,
    "schedule_free_sgd": schedule_free_sgd,
    "schedule_free_adamw": schedule_free_adamw,
    "prodigy": prodigy,
    "adafactor": adafactor,
    "muon": muon,
    "shampoo": shampoo,
    "soap": soap,
    "asgd": asgd,
    "rprop": rprop,
    "newton": newton,
    "sophia": sophia,
    "adahessian": adahessian,
    "bfgs": bfgs,
    "lbfgs": lbfgs,
    "gd_exact_line_search": gd_exact_line_search,
    "gd_armijo": gd_armijo,
    "cg_fletcher_reeves": cg_fletcher_reeves,
    "cg_polak_ribiere": cg_polak_ribiere,
    "nelder_mead": nelder_mead,
    "powell": powell,
    "sam": sam,
    "sam_adam": sam_adam,
    "entropy_sgd": entropy_sgd,
    "coordinate_search": coordinate_search,
    "simulated_annealing": simulated_annealing,
}
# Oracles whose line search is scipy's Brent: agreement only to its tolerance.
LINE_SEARCH = frozenset(
    {"gd_exact_line_search", "cg_fletcher_reeves", "cg_polak_ribiere"}
)
