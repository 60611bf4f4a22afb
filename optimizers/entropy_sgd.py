r"""Entropy-SGD: each step runs a short Langevin chain x′ around θ, tied to θ by a spring,
and moves θ towards the chain's average: towards where f is low over a wide region
(high local entropy), not merely at a point.

.. math::
    \begin{align*}
    x'_0 &= \mu_0 = \theta_t \\
    x'_{\ell} &= x'_{\ell-1} - \eta' \big(\nabla f(x'_{\ell-1})
      - \gamma(\theta_t - x'_{\ell-1})\big) + \sqrt{\eta'}\,\varepsilon\, z_{t,\ell},
      \qquad z_{t,\ell} \sim \mathcal N(0, I) \\
    \mu_{\ell} &= (1 - \alpha)\mu_{\ell-1} + \alpha x'_{\ell},
      \qquad \ell = 1, \dots, L \\
    \theta_{t+1} &= \theta_t - \eta_t\, \gamma\, (\theta_t - \mu_L)
    \end{align*}

η = ``lr`` (the outer step; a schedule scales it), η′ = ``inner_lr`` (the Langevin
step), γ = ``gamma`` (the scope: the spring's stiffness), L = ``L`` (Langevin steps per
step), ε = ``noise`` (the thermal noise), α = ``alpha`` (the average's weight on the
newest sample) and ``rng_seed`` seeds z. The names are the paper's symbols (η′ as
``inner_lr``); Algorithm 1 has no momentum, and neither has this step. Costs L
gradients per step, at the chain's points; the gradient at θ is not used. The state
``langevin`` is the chain's last point x′_L and ``mu`` its average μ_L. In the paper's
derivation γ(μ − θ) estimates the gradient γ(⟨x′⟩ − θ) of the local entropy
F(θ; γ) = log ∫ exp(−f(x′) − γ/2 ‖θ − x′‖²) dx′ (f measured in units of the
temperature the noise sets), ⟨x′⟩ the mean of the Gibbs measure in the integral.

The noise (optimizers._noise): z_{t,ℓ} is the normal pair of (seed, OPTIMIZER_STREAM +
ℓ − 1, t), without the run's index, so every run of a sweep with the same
``rng_seed`` draws the same numbers (a sweep's row is the `run` with its settings).
The argument is ``rng_seed``, not ``seed``: ``optimizers.run``'s ``seed`` seeds the
minibatches and the gradient noise. On an empirical risk with ``batch_size``, the L
gradients of a step are all on that step's minibatch (the paper samples one per
Langevin step); added gradient noise is not applied to them.

Reference: P. Chaudhari, A. Choromanska, S. Soatto, Y. LeCun, C. Baldassi, C. Borgs,
J. Chayes, L. Sagun and R. Zecchina (2017), Entropy-SGD: biasing gradient descent into
wide valleys, ICLR, Algorithm 1 (α = 0.75 as there). Where it and the authors' code
(github.com/ucla-vision/entropy-sgd) disagree: the code averages μ ← 0.75 μ + 0.25 x′
(``alpha=0.25`` here), adds noise ε√(2η′) z rather than ε√η′ z, steps θ ← θ −
η(θ − μ) without the factor γ, and adds Nesterov momentum, weight decay and
"scoping" (γ growing as γ₀(1 + γ₁)ᵗ); this module follows Algorithm 1. Defaults:
L = 20, ε = 1e-4 and α = 0.75 are the paper's; its η′ = 0.1 (set for networks)
diverges on Rosenbrock from its default start (the curvature there is ~10³), so η′ is
1e-3, the default learning rate of plain gradient descent here; η = γ = 1 (the paper
tunes both per network) move θ to μ_L at every step.
"""

import numpy as np

from landscapes._jit import jit_inline
from optimizers._noise import OPTIMIZER_STREAM, standard_normal_pair
from optimizers._spec import LR_HELP, Hyperparameter, OptimizerSpec, scratch_rows

# Langevin steps per step: each costs a gradient per run, which the work estimates of
# run and sweep (steps x runs) do not count.
MAX_LANGEVIN_STEPS = 100

SPEC = OptimizerSpec(
    name="entropy_sgd",
    family="sharpness-aware",
    title="Entropy-SGD",
    hyperparameters=(
        Hyperparameter(
            "lr", 1.0, help=LR_HELP + " of the outer step θ ← θ − ηγ(θ − μ)"
        ),
        Hyperparameter("inner_lr", 1e-3, help="η′: the Langevin (SGLD) step size"),
        Hyperparameter(
            "gamma", 1.0, help="γ, the scope: the spring pulling the chain to θ"
        ),
        Hyperparameter(
            "L",
            20.0,
            1.0,
            MAX_LANGEVIN_STEPS,
            kind="int",
            help="Langevin steps per step (each costs a gradient)",
        ),
        Hyperparameter(
            "noise", 1e-4, help="ε: the thermal noise of the Langevin steps"
        ),
        Hyperparameter(
            "alpha",
            0.75,
            0.0,
            1.0,
            help="α: weight of the newest Langevin point in the average μ",
        ),
        Hyperparameter(
            "rng_seed",
            0.0,
            0.0,
            2**31 - 1,
            kind="int",
            help="seeds the Langevin noise",
        ),
    ),
    latex=(
        r"\begin{aligned}x'_\ell &= x'_{\ell-1} - \eta'\big(\nabla f(x'_{\ell-1}) - "
        r"\gamma(\theta_t - x'_{\ell-1})\big) + \sqrt{\eta'}\,\varepsilon\,z_{t,\ell}"
        r"\\ \mu_\ell &= (1-\alpha)\mu_{\ell-1} + \alpha x'_\ell,\ x'_0 = \mu_0 = "
        r"\theta_t,\ \ell = 1..L\\ \theta_{t+1} &= \theta_t - \eta_t\gamma"
        r"(\theta_t - \mu_L)\end{aligned}"
    ),
    reference=(
        "P. Chaudhari et al. (2017), Entropy-SGD: biasing gradient descent into wide "
        "valleys, ICLR, Algorithm 1."
    ),
    state={"langevin": (0, 1), "mu": (2, 3)},
    positions=("langevin", "mu"),
)

# The rows of H and S by name, generated from SPEC (optimizers._spec); T's rows hold
# f and its gradient at the chain's points.
H_ROWS = SPEC.hyperparameter_rows()
S_ROWS = SPEC.state_rows()
T_ROWS = scratch_rows("langevin_f", "langevin_gx", "langevin_gy")


@jit_inline
def step(k, S, H, m, xs, ys, F, GX, GY, LR, evaluate, point, hessian, lp, T, groups):
    chain = 0  # the longest chain of the chunk (L may differ between a sweep's runs)
    for i in range(m):
        S[S_ROWS.langevin_x, i] = xs[i]
        S[S_ROWS.langevin_y, i] = ys[i]
        S[S_ROWS.mu_x, i] = xs[i]
        S[S_ROWS.mu_y, i] = ys[i]
        chain = max(chain, int(H[H_ROWS.L, i]))
    for ell in range(chain):
        evaluate(
            lp,
            S[S_ROWS.langevin_x],
            S[S_ROWS.langevin_y],
            m,
            T[T_ROWS.langevin_f],
            T[T_ROWS.langevin_gx],
            T[T_ROWS.langevin_gy],
        )
        for i in range(m):
            if ell >= H[H_ROWS.L, i]:
                continue
            inner_lr = H[H_ROWS.inner_lr, i]
            gamma = H[H_ROWS.gamma, i]
            alpha = H[H_ROWS.alpha, i]
            kick = np.sqrt(inner_lr) * H[H_ROWS.noise, i]
            zx, zy = standard_normal_pair(
                H[H_ROWS.rng_seed, i], OPTIMIZER_STREAM + ell, k
            )
            x_prime = S[S_ROWS.langevin_x, i]
            y_prime = S[S_ROWS.langevin_y, i]
            dx = T[T_ROWS.langevin_gx, i] - gamma * (xs[i] - x_prime)
            dy = T[T_ROWS.langevin_gy, i] - gamma * (ys[i] - y_prime)
            x_prime = x_prime - inner_lr * dx + kick * zx
            y_prime = y_prime - inner_lr * dy + kick * zy
            S[S_ROWS.langevin_x, i] = x_prime
            S[S_ROWS.langevin_y, i] = y_prime
            S[S_ROWS.mu_x, i] = (1.0 - alpha) * S[S_ROWS.mu_x, i] + alpha * x_prime
            S[S_ROWS.mu_y, i] = (1.0 - alpha) * S[S_ROWS.mu_y, i] + alpha * y_prime
    for i in range(m):
        pull = LR[i] * H[H_ROWS.gamma, i]
        xs[i] -= pull * (xs[i] - S[S_ROWS.mu_x, i])
        ys[i] -= pull * (ys[i] - S[S_ROWS.mu_y, i])
