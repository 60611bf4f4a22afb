r"""Shampoo on the plane's one parameter of shape (2,): full-matrix AdaGrad, as
pytorch_optimizer.Shampoo computes it for a vector.

.. math::
    \begin{align*}
    \tilde g_t &= (1-\mu)\,g_t + \mu\,u_{t-1} + \lambda\theta_{t-1}
        \quad (\tilde g_1 = g_1 + \lambda\theta_0) \\
    G_t &= G_{t-1} + \tilde g_t \tilde g_t^{\top}, \qquad G_0 = \epsilon I \\
    R_t &= G_t^{-1/2} \ \text{if } t \bmod f = 0,
        \text{ else } R_t = R_{t-1}, \qquad R_0 = 0 \\
    u_t &= R_t\,\tilde g_t, \qquad \theta_t = \theta_{t-1} - \eta_t u_t
    \end{align*}

η = ``lr``, μ = ``momentum``, λ = ``weight_decay`` (added to the gradient),
ε = ``eps`` (pytorch_optimizer's ``matrix_eps``), f =
``preconditioning_compute_steps``; g = ∇f(θₜ₋₁), and G^{-1/2} is the closed form of
optimizers.matrix2. Reference: V. Gupta, T. Koren and Y. Singer (2018), Shampoo:
preconditioned stochastic tensor optimization, ICML (Algorithm 2: a tensor of order
1 has one preconditioner, raised to the power -1/2); pytorch_optimizer.Shampoo.

Family "adaptive": a preconditioned gradient method. For a matrix parameter Shampoo
keeps one factor per dimension (L^{-1/4} G R^{-1/4}); the plane's point is one vector,
whose only factor is the full 2x2 second-moment matrix, so Shampoo here is
full-matrix AdaGrad (Duchi et al. 2011, §1.3). Unlike Adagrad's and Adam's
per-coordinate scalings, G^{-1/2} turns with the landscape: turn a quadratic and the
start by one angle and the path turns with them. On the quadratic with condition
number 1000 turned by 0.6 rad, each method at its best learning rate of a grid, it
reaches f ≤ 1e-8 within 20 steps, in under a twentieth of Adam's, and Adagrad not
within 3000; axis-aligned, Adagrad is about as fast
(tests/test_claims_second_order.py).

Where libraries disagree: the paper's Algorithm has no momentum; pytorch_optimizer's
mixes the previous *preconditioned* step u into the raw gradient before the
statistics, as here (μ = 0 is the paper's rule). With f > 1 pytorch_optimizer's R is
0 until step f, so the first f - 1 steps do not move; so here. The defaults are
pytorch_optimizer's (η = 1e-3, ε = 1e-6, μ = 0, λ = 0, f = 1); the paper gives none.
pytorch_optimizer's ScalableShampoo (grafting, an exponential average, a delayed
start) is another algorithm.
"""

from landscapes._jit import jit_inline
from optimizers._spec import LR_HELP, Hyperparameter, OptimizerSpec
from optimizers.matrix2 import inverse_sqrt

LINES = (
    r"\tilde g_t &= (1-\mu) g_t + \mu u_{t-1} + \lambda\theta_{t-1}\\ "
    r"G_t &= G_{t-1} + \tilde g_t \tilde g_t^\top,\ G_0 = \epsilon I\\ "
    r"u_t &= G_t^{-1/2}\tilde g_t\ \ (\text{every } f \text{ steps})\\ "
    r"\theta_t &= \theta_{t-1} - \eta_t u_t"
)
LATEX = r"\begin{aligned}" + LINES + r"\end{aligned}"

SPEC = OptimizerSpec(
    name="shampoo",
    family="adaptive",
    title="Shampoo (full-matrix AdaGrad)",
    hyperparameters=(
        Hyperparameter("lr", 1e-3, help=LR_HELP),
        Hyperparameter(
            "momentum",
            0.0,
            0.0,
            1.0,
            open_high=True,
            help="μ: weight of the previous step u in the gradient",
        ),
        Hyperparameter("weight_decay", 0.0, help="L2 penalty λ, added to g"),
        Hyperparameter(
            "eps",
            1e-6,
            open_low=True,
            help="ε: the statistics start at εI (pytorch_optimizer's matrix_eps)",
        ),
        Hyperparameter(
            "preconditioning_compute_steps",
            1,
            1.0,
            kind="int",
            help="f: steps between computations of G^{-1/2}",
        ),
    ),
    latex=LATEX,
    reference=(
        "V. Gupta, T. Koren and Y. Singer (2018), Shampoo: preconditioned stochastic "
        "tensor optimization, ICML; pytorch_optimizer.Shampoo."
    ),
    state={"momentum_buffer": (0, 1)},
    # G's and G^{-1/2}'s entries (xx, xy, yy: symmetric).
    internal_state={
        "statistics_xx": 2,
        "statistics_xy": 3,
        "statistics_yy": 4,
        "inverse_root_xx": 5,
        "inverse_root_xy": 6,
        "inverse_root_yy": 7,
    },
)

H_ROWS = SPEC.hyperparameter_rows()
S_ROWS = SPEC.state_rows()


@jit_inline
def init(S, H, m):
    for i in range(m):
        S[S_ROWS.statistics_xx, i] = H[H_ROWS.eps, i]
        S[S_ROWS.statistics_yy, i] = H[H_ROWS.eps, i]


@jit_inline
def _loop(k, S, H, m, xs, ys, GX, GY, LR, refresh, per_run_refresh):
    # Branch-free: the momentum's first step a select, the refresh a flag of the
    # whole chunk (so LLVM vectorizes the loop over runs), or each run's own.
    for i in range(m):
        momentum = H[H_ROWS.momentum, i]
        weight_decay = H[H_ROWS.weight_decay, i]
        gx = GX[i]
        gy = GY[i]
        mixed_in = k > 0 and momentum != 0.0  # the buffer starts as g₁ itself
        gx_mixed = gx + momentum * (S[S_ROWS.momentum_buffer_x, i] - gx)
        gy_mixed = gy + momentum * (S[S_ROWS.momentum_buffer_y, i] - gy)
        gx = gx_mixed if mixed_in else gx
        gy = gy_mixed if mixed_in else gy
        gx += weight_decay * xs[i]
        gy += weight_decay * ys[i]
        S[S_ROWS.statistics_xx, i] += gx * gx
        S[S_ROWS.statistics_xy, i] += gx * gy
        S[S_ROWS.statistics_yy, i] += gy * gy
        if per_run_refresh:
            refresh = (k + 1) % H[H_ROWS.preconditioning_compute_steps, i] == 0.0
        if refresh:
            p, q, r = inverse_sqrt(
                S[S_ROWS.statistics_xx, i],
                S[S_ROWS.statistics_xy, i],
                S[S_ROWS.statistics_yy, i],
            )
            S[S_ROWS.inverse_root_xx, i] = p
            S[S_ROWS.inverse_root_xy, i] = q
            S[S_ROWS.inverse_root_yy, i] = r
        ux = S[S_ROWS.inverse_root_xx, i] * gx + S[S_ROWS.inverse_root_xy, i] * gy
        uy = S[S_ROWS.inverse_root_xy, i] * gx + S[S_ROWS.inverse_root_yy, i] * gy
        S[S_ROWS.momentum_buffer_x, i] = ux
        S[S_ROWS.momentum_buffer_y, i] = uy
        xs[i] -= LR[i] * ux
        ys[i] -= LR[i] * uy


@jit_inline
def step(k, S, H, m, xs, ys, F, GX, GY, LR, evaluate, point, hessian, lp, T, groups):
    # Whether G^{-1/2} is computed this step: once for the chunk when its runs share
    # f (a float modulo per run and step is a call that keeps the loop scalar), per
    # run when a grid mixes them.
    frequency = H[H_ROWS.preconditioning_compute_steps, 0]
    shared = True
    for i in range(m):  # & not `and`: a branch-free, vectorized loop
        shared &= H[H_ROWS.preconditioning_compute_steps, i] == frequency
    if not shared:
        _loop(k, S, H, m, xs, ys, GX, GY, LR, False, True)
    elif (k + 1) % frequency == 0.0:
        _loop(k, S, H, m, xs, ys, GX, GY, LR, True, False)
    else:
        _loop(k, S, H, m, xs, ys, GX, GY, LR, False, False)
