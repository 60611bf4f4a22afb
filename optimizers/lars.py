r"""LARS (layer-wise adaptive rate scaling), exactly as optax.lars.

.. math::
    \begin{align*}
    u_t &= g_t + \lambda\theta_{t-1} \\
    r_t &= \frac{\tau\,\lVert\theta_{t-1}\rVert}{\lVert u_t\rVert + \epsilon}
        \quad (r_t = 1 \text{ if } \lVert\theta_{t-1}\rVert = 0
        \text{ or } \lVert u_t\rVert = 0) \\
    v_t &= \mu v_{t-1} - \eta_t r_t u_t, \qquad v_0 = 0 \\
    \theta_t &= \theta_{t-1} + v_t
        \quad (\text{nesterov: } \theta_{t-1} + \mu v_t - \eta_t r_t u_t)
    \end{align*}

η = ``lr``, λ = ``weight_decay``, τ = ``trust_coefficient``, ε = ``eps``, μ =
``momentum``, nesterov = ``nesterov``; g = ∇f(θₜ₋₁), and v is optax's ``trace`` (the
step itself, as ``momentum``'s velocity). The norms are per parameter tensor (the step's
``groups``): on a 2D surface the point (x, y) is the one tensor, both norms over both
coordinates; in network training (``optimizers.train``) each weight matrix and bias
vector, as optax's per-leaf norms.
Reference: Y. You, I. Gitman and B. Ginsburg (2017), Large batch training of
convolutional networks (Algorithm 1). optax chains ``add_decayed_weights``,
``scale_by_trust_ratio``, ``scale_by_learning_rate`` and ``trace``, as here. Where
libraries disagree: the paper's local rate is τ‖θ‖/(‖g‖ + λ‖θ‖); optax's (and ours)
is τ‖θ‖/(‖g + λθ‖ + ε), and optax sets the ratio to 1 where either norm is zero (at
θ = 0 the first step is the plain -ηu, not scaled by τ). Nesterov is optax's
addition. optax requires a learning rate (no default) and its example's 0.003 barely
moves with τ = 1e-3 (a step from rest is ητ‖θ‖ long, with ε = 0); ours is 1.0.
"""

from landscapes._jit import jit_inline
from optimizers._spec import Hyperparameter, OptimizerSpec, scratch_rows
from optimizers.tensorwise import clear, each_run_alone, trust_ratio

LINES = (
    r"r_t &= \tau\lVert\theta_{t-1}\rVert/(\lVert g_t + \lambda\theta_{t-1}\rVert"
    r" + \epsilon)\\ v_t &= \mu v_{t-1} - \eta_t r_t (g_t + \lambda\theta_{t-1})\\ "
    r"\theta_t &= \theta_{t-1} + v_t"
)
LATEX = r"\begin{aligned}" + LINES + r"\end{aligned}"

SPEC = OptimizerSpec(
    name="lars",
    family="SGD family",
    title="LARS",
    hyperparameters=(
        Hyperparameter(
            "lr",
            1.0,
            help="learning rate (step size) η; optax has no default, and its "
            "example's 0.003 barely moves with τ = 1e-3: 1.0 is ours",
        ),
        Hyperparameter("weight_decay", 0.0, help="weight decay λ, added to g (optax)"),
        Hyperparameter(
            "trust_coefficient", 1e-3, help="trust coefficient τ of the ratio (optax)"
        ),
        Hyperparameter("eps", 0.0, help="ε added to ‖g + λθ‖ in the ratio"),
        Hyperparameter("momentum", 0.9, 0.0, 1.0, open_high=True, help="momentum μ"),
        Hyperparameter("nesterov", False, kind="bool", help="Nesterov momentum"),
    ),
    latex=LATEX,
    reference=(
        "Y. You, I. Gitman and B. Ginsburg (2017), Large batch training of "
        "convolutional networks, arXiv:1708.03888 (LARS); optax.lars."
    ),
    state={"velocity": (0, 1)},
)

H_ROWS = SPEC.hyperparameter_rows()
S_ROWS = SPEC.state_rows()
# In training: each run's u, and per tensor (optimizers.tensorwise) ‖θ‖², ‖u‖².
T_ROWS = scratch_rows("update_x", "update_y", "param_sq", "update_sq")
# Its norms are per parameter tensor: optimizers.train runs it on networks.
TENSORWISE = True


@jit_inline
def step(k, S, H, m, xs, ys, F, GX, GY, LR, evaluate, point, hessian, lp, T, groups):
    if each_run_alone(groups, m):  # a plane: each run's norms are its tensor's
        for i in range(m):
            ux, uy = _direction(H, i, xs, ys, GX, GY)
            param_sq = xs[i] * xs[i] + ys[i] * ys[i]
            _apply(S, H, i, xs, ys, LR, ux, uy, param_sq, ux * ux + uy * uy)
        return
    # u and ‖θ‖², ‖u‖² per tensor; then the updates.
    clear(T, T_ROWS.param_sq, m)
    clear(T, T_ROWS.update_sq, m)
    for i in range(m):
        ux, uy = _direction(H, i, xs, ys, GX, GY)
        T[T_ROWS.update_x, i] = ux
        T[T_ROWS.update_y, i] = uy
        T[T_ROWS.param_sq, groups[i]] += xs[i] * xs[i] + ys[i] * ys[i]
        T[T_ROWS.update_sq, groups[i]] += ux * ux + uy * uy
    for i in range(m):
        tensor = groups[i]
        _apply(
            S,
            H,
            i,
            xs,
            ys,
            LR,
            T[T_ROWS.update_x, i],
            T[T_ROWS.update_y, i],
            T[T_ROWS.param_sq, tensor],
            T[T_ROWS.update_sq, tensor],
        )


@jit_inline
def _direction(H, i, xs, ys, GX, GY):
    """Run i's u = g + λθ."""
    weight_decay = H[H_ROWS.weight_decay, i]
    return GX[i] + weight_decay * xs[i], GY[i] + weight_decay * ys[i]


@jit_inline
def _apply(S, H, i, xs, ys, LR, ux, uy, param_sq, update_sq):
    """Run i's step: u scaled by its tensor's trust ratio, through the velocity."""
    lr = LR[i]
    momentum = H[H_ROWS.momentum, i]
    ratio = trust_ratio(
        param_sq, update_sq, H[H_ROWS.trust_coefficient, i], H[H_ROWS.eps, i]
    )
    # optax scales by -η before its trace: the velocity holds the steps.
    sx = -(lr * (ux * ratio))
    sy = -(lr * (uy * ratio))
    vx = sx + momentum * S[S_ROWS.velocity_x, i]
    vy = sy + momentum * S[S_ROWS.velocity_y, i]
    S[S_ROWS.velocity_x, i] = vx
    S[S_ROWS.velocity_y, i] = vy
    # A select, not a branch: one loop serves runs with and without Nesterov.
    if H[H_ROWS.nesterov, i] != 0.0:
        vx = sx + momentum * vx
        vy = sy + momentum * vy
    xs[i] += vx
    ys[i] += vy
