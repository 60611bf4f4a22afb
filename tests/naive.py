r"""Slow, readable twins of every optimizer: the oracles the kernels are tested against.

Each function is a plain-Python transcription of the *published* algorithm, written from
its source and not from our kernels:

* the torch.optim ones (sgd, adagrad, rmsprop, adadelta, adam, adamw, nadam, radam,
  rprop) from the algorithm pseudo-code in torch.optim's documentation (torch 2.x, the
  ``.. math::`` block of each class docstring), line by line, with t = 1, 2, ...;
* the others from the reference cited next to them.

The state is kept per coordinate in Python lists of floats and updated with scalar
arithmetic and ``math.sqrt``: no NumPy vectorization, no shared helpers with the
package. The objective is a ``landscapes.Landscape`` (its ``grad``, ``value`` and
``hessian``; those are tested against finite differences in test_landscapes.py).

Every oracle has the signature ``oracle(surface, start, steps, *, lrs=None, **hyper)``
with the hyperparameters by their torch names (``betas``, ``etas``, ``step_sizes`` as
pairs) and torch's defaults, and returns a :class:`Trajectory`. ``lrs`` is an optional
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

import numpy as np
from scipy.optimize import minimize_scalar


class Trajectory(NamedTuple):
    path: np.ndarray  # (steps + 1, 2): the start, then every iterate
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


def sam(surface, start, steps, *, lr=1e-3, rho=0.05, lrs=None) -> Trajectory:
    """Sharpness-aware minimization (Foret et al. 2021, Algorithm 1) with a plain step:

    ε = ρ g / (‖g‖ + 1e-12),  θ ← θ − η ∇f(θ + ε).
    The 1e-12 guard is that of the authors' PyTorch port (github.com/davda54/sam).
    """
    rates = _learning_rates(lr, steps, lrs)
    theta = [float(start[0]), float(start[1])]
    path = [list(theta)]
    for t in range(1, steps + 1):
        g = _grad(surface, theta)
        norm = math.sqrt(g[0] * g[0] + g[1] * g[1])
        eps = [rho * g[i] / (norm + 1e-12) for i in range(2)]
        g_sam = _grad(surface, [theta[0] + eps[0], theta[1] + eps[1]])
        for i in range(2):
            theta[i] = theta[i] - rates[t - 1] * g_sam[i]
        path.append(list(theta))
    return _result(path, rates)


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
    surface, start, steps, rates, beta1, beta2, eps, weight_decay, amsgrad, decoupled
) -> Trajectory:
    """torch.optim.Adam / torch.optim.AdamW:

    Adam:  if λ ≠ 0: g_t ← g_t + λθ_{t-1}          AdamW:  θ_t ← θ_{t-1} − γλθ_{t-1}
    m_t ← β₁m_{t-1} + (1−β₁)g_t;  v_t ← β₂v_{t-1} + (1−β₂)g_t²;  m̂_t ← m_t/(1−β₁ᵗ)
    amsgrad: v_t^max ← max(v_{t-1}^max, v_t);  v̂_t ← v_t^max/(1−β₂ᵗ)
    else:    v̂_t ← v_t/(1−β₂ᵗ)
    θ_t ← θ_t − γ m̂_t/(√v̂_t + ε)
    """
    theta = [float(start[0]), float(start[1])]
    m = [0.0, 0.0]
    v = [0.0, 0.0]
    v_max = [0.0, 0.0]
    path = [list(theta)]
    for t in range(1, steps + 1):
        gamma = rates[t - 1]
        g = _grad(surface, theta)
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


# The oracle of every optimizer in `optimizers.names()`, by registry name.
ORACLES = {
    "gd": gd,
    "sgd": sgd,
    "momentum": momentum,
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
    "lion": lion,
    "adamax": adamax,
    "adan": adan,
    "ademamix": ademamix,
    "schedule_free_sgd": schedule_free_sgd,
    "schedule_free_adamw": schedule_free_adamw,
    "prodigy": prodigy,
    "asgd": asgd,
    "rprop": rprop,
    "newton": newton,
    "gd_exact_line_search": gd_exact_line_search,
    "gd_armijo": gd_armijo,
    "cg_fletcher_reeves": cg_fletcher_reeves,
    "cg_polak_ribiere": cg_polak_ribiere,
    "sam": sam,
}
# Oracles whose line search is scipy's Brent: agreement only to its tolerance.
LINE_SEARCH = frozenset(
    {"gd_exact_line_search", "cg_fletcher_reeves", "cg_polak_ribiere"}
)
