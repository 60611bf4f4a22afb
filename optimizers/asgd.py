r"""Averaged SGD, exactly as torch.optim.ASGD: the path is torch's parameter, and ``ax``
(the Polyak-Ruppert average) is kept as state.

.. math::
    \begin{align*}
    g_t &= \nabla f(\theta_{t-1}) + \lambda_2\theta_{t-1} \\
    \theta_t &= (1 - \lambda\eta_{t-1})\,\theta_{t-1} - \eta_{t-1} g_t \\
    \bar\theta_t &= \bar\theta_{t-1} + \mu_{t-1}(\theta_t - \bar\theta_{t-1})
        \quad (\mu_{t-1} = 1: \bar\theta_t = \theta_t) \\
    \eta_t &= \frac{\gamma_t}{(1 + \lambda\gamma_t t)^\alpha}, \qquad
    \mu_t = \frac{1}{\max(1,\ t - t_0)}, \qquad \eta_0 = \gamma_1,\ \mu_0 = 1
    \end{align*}

γ = ``lr``, λ = ``lambd``, α = ``alpha``, t₀ = ``t0``, λ₂ = ``weight_decay``; θ̄ is
torch's ``ax``, η and μ its ``eta`` and ``mu`` (each computed at the end of a step, for
the next one). References: B. T. Polyak and A. B. Juditsky (1992); torch.optim.ASGD.
Where libraries disagree: the path shown is the SGD iterate θ, not the average θ̄ (which
only starts averaging after t₀ steps: before that it equals θ); the decay and step use
the η of the previous step, and torch's η follows the scheduled lr only one step late.
"""

from landscapes._jit import jit_inline
from optimizers._spec import LR_HELP, Hyperparameter, OptimizerSpec

# Each coordinate's update reads only that coordinate's gradient and state, so
# optimizers.train runs this same step on N parameters, two per kernel run.
COORDINATEWISE = True

SPEC = OptimizerSpec(
    name="asgd",
    family="SGD family",
    title="ASGD",
    hyperparameters=(
        Hyperparameter("lr", 1e-2, help=LR_HELP),
        Hyperparameter("lambd", 1e-4, help="decay term λ"),
        Hyperparameter("alpha", 0.75, help="power α of the η decay"),
        Hyperparameter("t0", 1e6, help="step t₀ at which averaging starts"),
        Hyperparameter("weight_decay", 0.0, help="L2 penalty"),
    ),
    latex=(
        r"\begin{aligned}\theta_t &= (1-\lambda\eta_{t-1})\theta_{t-1} - "
        r"\eta_{t-1} g_t\\ \bar\theta_t &= \bar\theta_{t-1} + \mu_{t-1}(\theta_t - "
        r"\bar\theta_{t-1})\\ \eta_t &= \gamma_t/(1+\lambda\gamma_t t)^\alpha,\ "
        r"\mu_t = 1/\max(1, t-t_0)\end{aligned}"
    ),
    reference=(
        "B. T. Polyak and A. B. Juditsky (1992), Acceleration of stochastic "
        "approximation by averaging, SIAM J. Control Optim. 30(4); torch.optim.ASGD."
    ),
    state={"ax": (0, 1)},
    positions=("ax",),
    # torch's eta and mu: the step size and averaging weight of the next step.
    internal_state={"eta": 2, "mu": 3},
    torch_class="ASGD",
)

# The rows of H and S by name, generated from SPEC (optimizers._spec).
H_ROWS = SPEC.hyperparameter_rows()
S_ROWS = SPEC.state_rows()


@jit_inline
def init(S, H, m):
    for i in range(m):
        S[S_ROWS.mu, i] = 1.0


@jit_inline
def next_eta(lr, lambd, alpha, t):
    """torch's η for the next step, γ/(1 + λγt)^α."""
    return lr / (1.0 + lambd * lr * t) ** alpha


@jit_inline
def _loop(k, S, H, m, xs, ys, GX, GY, LR, shared, eta_next):
    t = k + 1.0  # torch's step, after its increment
    for i in range(m):
        lr = LR[i]
        lambd = H[H_ROWS.lambd, i]
        weight_decay = H[H_ROWS.weight_decay, i]
        # torch sets eta = lr when it creates the state, at the first step (the row
        # is read either way: a conditional load would keep the loop scalar).
        stored_eta = S[S_ROWS.eta, i]
        eta = lr if k == 0 else stored_eta
        mu = S[S_ROWS.mu, i]
        gx = GX[i] + weight_decay * xs[i]
        gy = GY[i] + weight_decay * ys[i]
        xs[i] *= 1.0 - lambd * eta
        ys[i] *= 1.0 - lambd * eta
        xs[i] += -eta * gx
        ys[i] += -eta * gy
        # torch copies θ into ax while μ = 1: a select, not a branch, so that LLVM
        # vectorizes the loop.
        average_x = S[S_ROWS.ax_x, i] + (xs[i] - S[S_ROWS.ax_x, i]) * mu
        average_y = S[S_ROWS.ax_y, i] + (ys[i] - S[S_ROWS.ax_y, i]) * mu
        S[S_ROWS.ax_x, i] = average_x if mu != 1.0 else xs[i]
        S[S_ROWS.ax_y, i] = average_y if mu != 1.0 else ys[i]
        if not shared:
            eta_next = next_eta(lr, lambd, H[H_ROWS.alpha, i], t)
        S[S_ROWS.eta, i] = eta_next
        S[S_ROWS.mu, i] = 1.0 / max(1.0, t - H[H_ROWS.t0, i])


@jit_inline
def step(k, S, H, m, xs, ys, F, GX, GY, LR, evaluate, point, hessian, lp, T, groups):
    # When every run of the chunk has the same lr (after the schedule), λ and α, the
    # next η is one pow per step instead of one per run (a pow costs more than the
    # rest of the step, and its call keeps LLVM from vectorizing the loop).
    lr = LR[0]
    lambd = H[H_ROWS.lambd, 0]
    alpha = H[H_ROWS.alpha, 0]
    shared = True
    for i in range(m):  # & not `and`: a branch-free, vectorized loop
        shared &= (LR[i] == lr) & (H[H_ROWS.lambd, i] == lambd)
        shared &= H[H_ROWS.alpha, i] == alpha
    if shared:
        _loop(k, S, H, m, xs, ys, GX, GY, LR, True, next_eta(lr, lambd, alpha, k + 1.0))
    else:
        _loop(k, S, H, m, xs, ys, GX, GY, LR, False, 0.0)
