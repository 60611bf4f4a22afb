r"""Simulated annealing: a Gaussian random step, always taken downhill and taken uphill
with the Metropolis probability, at a temperature that falls step by step.

.. math::
    \begin{align*}
    x'_t &= \theta_t + \sigma_t z_t, \qquad z_t \sim \mathcal N(0, I) \\
    \Delta_t &= f(x'_t) - f(\theta_t) \\
    \theta_{t+1} &= \begin{cases}
      x'_t & \text{if } \Delta_t \le 0 \text{ or } u_t < e^{-\Delta_t / T_t},
        \quad u_t \sim \mathcal U(0, 1) \\
      \theta_t & \text{else}
    \end{cases} \\
    T_t &= T_0\, c^{\,t} \quad\text{or, logarithmic,}\quad
      T_t = T_0 \frac{\ln 2}{\ln(t + 2)}
    \end{align*}

σ = ``lr`` (the proposal's standard deviation per coordinate; a schedule scales it,
which shrinks the steps as the search cools), T₀ = ``initial_temperature``, c =
``cooling``, ``logarithmic`` picks the second schedule, and ``rng_seed`` seeds z and
u. f only, no gradient: one evaluation per step. The path is the current (accepted)
point θ; the state ``proposal`` is x′_t and ``best`` the lowest point evaluated so
far (the start, or an accepted proposal: a proposal below the best is below θ too).

The draws (optimizers._noise): z_t is the normal pair and u_t the uniform of (seed,
OPTIMIZER_STREAM, t), without the run's index, so every run of a sweep with the same
``rng_seed`` draws the same numbers (common random numbers: a sweep's row is the
`run` with its settings) and a sweep over ``rng_seed`` gives each row its own stream.
The argument is ``rng_seed``, not ``seed``: ``optimizers.run``'s ``seed`` seeds the
minibatches and the gradient noise. Gradient noise does not move this method (it
reads no gradient); with ``batch_size`` it compares the step's minibatch losses.

Defaults (no library fixes them): σ = 0.5, T₀ = 10, c = 0.99. On Rastrigin from its
default start they reach the global minimum's basin (f < 1) in 2,000 steps for 19 of
20 seeds, where gradient descent stays in its basin (tests/test_derivative_free.py).

References: S. Kirkpatrick, C. D. Gelatt and M. P. Vecchi (1983), Optimization by
simulated annealing, Science 220(4598):671-680; N. Metropolis et al. (1953), J. Chem.
Phys. 21:1087; the algorithm and both schedules as in M. J. Kochenderfer and T. A.
Wheeler (2019), Algorithms for Optimization, MIT Press, ch. 8 (their t(k) = t(1)
γ^(k−1) and t(1) ln 2 / ln(k + 1) at k = t + 1). Where they differ: Kirkpatrick et
al. lower T in stages, a fixed number of moves at each; the per-step schedules are
Kochenderfer and Wheeler's.
"""

import math

import numpy as np

from landscapes._jit import jit_inline
from optimizers._noise import OPTIMIZER_STREAM, standard_normal_pair, uniform
from optimizers._spec import Hyperparameter, OptimizerSpec, scratch_rows

LN_2 = math.log(2.0)

SPEC = OptimizerSpec(
    name="simulated_annealing",
    family="derivative-free",
    title="Simulated annealing",
    hyperparameters=(
        Hyperparameter(
            "lr",
            0.5,
            help="σ: standard deviation of the Gaussian proposal per coordinate; a "
            "schedule scales it",
        ),
        Hyperparameter(
            "initial_temperature",
            10.0,
            help="T₀, in units of f: an uphill step Δ is taken with probability "
            "exp(−Δ/T)",
        ),
        Hyperparameter(
            "cooling", 0.99, 0.0, 1.0, help="c: T_t = T₀ cᵗ (exponential schedule)"
        ),
        Hyperparameter(
            "logarithmic",
            False,
            kind="bool",
            help="T_t = T₀ ln 2 / ln(t + 2) instead (cooling is then unused)",
        ),
        Hyperparameter(
            "rng_seed",
            0.0,
            0.0,
            2**31 - 1,
            kind="int",
            help="seeds the proposals and the acceptance draws",
        ),
    ),
    latex=(
        r"\begin{aligned}x'_t &= \theta_t + \sigma_t z_t,\ z_t \sim \mathcal N(0, I)"
        r"\\ \theta_{t+1} &= x'_t \text{ if } \Delta_t = f(x'_t) - f(\theta_t) \le 0"
        r" \text{ or } u_t < e^{-\Delta_t/T_t},\ \text{else } \theta_t\\ "
        r"T_t &= T_0 c^t \ \text{or}\ T_0 \ln 2/\ln(t+2)\end{aligned}"
    ),
    reference=(
        "S. Kirkpatrick, C. D. Gelatt and M. P. Vecchi (1983), Optimization by "
        "simulated annealing, Science 220(4598):671-680; M. J. Kochenderfer and "
        "T. A. Wheeler (2019), Algorithms for Optimization, ch. 8."
    ),
    state={"proposal": (0, 1), "best": (2, 3)},
    # The best point so far is drawn beside the path; the proposals (a new random
    # point every step) are state, not a path worth drawing.
    positions=("best",),
    # T_t of the step just taken, and f at `best`.
    internal_state={"temperature": 4, "best_f": 5},
    traced=("temperature",),
)

# The rows of H and S by name, generated from SPEC (optimizers._spec); T's rows hold
# f at the proposals (and its gradient, which `evaluate` writes and nothing reads).
H_ROWS = SPEC.hyperparameter_rows()
S_ROWS = SPEC.state_rows()
T_ROWS = scratch_rows("proposal_f", "proposal_gx", "proposal_gy")


@jit_inline
def step(k, S, H, m, xs, ys, F, GX, GY, LR, evaluate, point, hessian, lp, T, groups):
    for i in range(m):
        if k == 0:
            S[S_ROWS.best_x, i] = xs[i]
            S[S_ROWS.best_y, i] = ys[i]
            S[S_ROWS.best_f, i] = F[i]
        if H[H_ROWS.logarithmic, i] != 0.0:
            temperature = H[H_ROWS.initial_temperature, i] * LN_2 / np.log(k + 2.0)
        else:
            temperature = H[H_ROWS.initial_temperature, i] * H[H_ROWS.cooling, i] ** k
        S[S_ROWS.temperature, i] = temperature
        zx, zy = standard_normal_pair(H[H_ROWS.rng_seed, i], OPTIMIZER_STREAM, k)
        S[S_ROWS.proposal_x, i] = xs[i] + LR[i] * zx
        S[S_ROWS.proposal_y, i] = ys[i] + LR[i] * zy
    evaluate(
        lp,
        S[S_ROWS.proposal_x],
        S[S_ROWS.proposal_y],
        m,
        T[T_ROWS.proposal_f],
        T[T_ROWS.proposal_gx],
        T[T_ROWS.proposal_gy],
    )
    for i in range(m):
        f_proposal = T[T_ROWS.proposal_f, i]
        rise = f_proposal - F[i]
        # A NaN f (a typed surface outside its domain) fails both tests: rejected.
        # At T = 0 (T₀ = 0, or cᵗ underflowed) -Δ/T is -inf: only descents pass.
        if rise <= 0.0 or uniform(H[H_ROWS.rng_seed, i], OPTIMIZER_STREAM, k) < np.exp(
            -rise / S[S_ROWS.temperature, i]
        ):
            xs[i] = S[S_ROWS.proposal_x, i]
            ys[i] = S[S_ROWS.proposal_y, i]
        if f_proposal < S[S_ROWS.best_f, i]:
            S[S_ROWS.best_x, i] = S[S_ROWS.proposal_x, i]
            S[S_ROWS.best_y, i] = S[S_ROWS.proposal_y, i]
            S[S_ROWS.best_f, i] = f_proposal
