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
    "adafactor": adafactor,
    "muon": muon,
    "asgd": asgd,
    "rprop": rprop,
    "newton": newton,
    "lbfgs": lbfgs,
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
