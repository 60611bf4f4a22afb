r"""Adafactor, exactly as torch.optim.Adafactor on a vector parameter.

.. math::
    \begin{align*}
    \rho_t &= \min\big(\eta_t, 1/\sqrt{t}\big), \qquad
    \alpha_t = \max\big(\epsilon_2, \operatorname{RMS}(\theta_{t-1})\big)\,\rho_t \\
    \theta_{t-1} &\leftarrow (1 - \eta_t\lambda)\,\theta_{t-1} \\
    v_t &= v_{t-1} + t^{\tau}\,(g_t^2 - v_{t-1}) \\
    u_t &= \frac{g_t}{\max(\sqrt{v_t}, \epsilon_1)}, \qquad
    \theta_t = \theta_{t-1} - \frac{\alpha_t\,u_t}{\max\big(1, \operatorname{RMS}(u_t)/d\big)}
    \end{align*}

η = ``lr``, τ = ``beta2_decay`` (the averaging weight 1 - β̂₂ₜ = t^τ), (ε₁, ε₂) =
``eps`` (torch's tuple: ``eps1``, ``eps2``), d = ``d`` (the clipping threshold), λ =
``weight_decay``; g = ∇f(θₜ₋₁), v₀ = 0, and RMS(z) = ‖z‖/√n over the n = 2
coordinates of (x, y), which is one parameter of shape (2,).

On a 2D surface (x, y) is a vector, and for a parameter of dimension < 2 torch keeps
the full variance v (its ``variance`` state), not the factored row and column
moments that make Adafactor sublinear in memory: the method here is Adafactor's
unfactored form. It is not coordinatewise: the relative step α uses the RMS of the
whole parameter and the clipping the RMS of the whole update.

Reference: N. Shazeer and M. Stern (2018), Adafactor: adaptive learning rates with
sublinear memory cost, ICML (Algorithms 2 and 4, with relative step size and update
clipping); torch.optim.Adafactor. Where libraries disagree: torch's ε₁ default is
``None``, meaning torch.finfo(dtype).eps, which for float64 parameters (as here) is
2⁻⁵² ≈ 2.2e-16, the default of ``eps1`` here; the paper uses ε₁ = 1e-30 added to g²
(and optax adds it too), torch clamps √v at ε₁ instead. The paper caps ρₜ at 0.01 and
has no lr; torch caps it at lr (default 0.01) and uses lr for decoupled weight decay
(the paper has none). The paper's β̂₂ₜ = 1 - t^{-0.8} is τ = -0.8. torch has no
first moment (the paper's optional β₁).
"""

import numpy as np

from landscapes._jit import jit_inline
from optimizers._spec import Hyperparameter, OptimizerSpec
from optimizers._torch_ops import lerp

LINES = (
    r"\alpha_t &= \max(\epsilon_2, \mathrm{RMS}(\theta_{t-1}))\,"
    r"\min(\eta_t, 1/\sqrt{t})\\ "
    r"v_t &= v_{t-1} + t^{\tau}(g_t^2 - v_{t-1})\\ "
    r"u_t &= g_t / \max(\sqrt{v_t}, \epsilon_1)\\ "
    r"\theta_t &= (1-\eta_t\lambda)\theta_{t-1} - "
    r"\frac{\alpha_t\, u_t}{\max(1, \mathrm{RMS}(u_t)/d)}"
)
LATEX = r"\begin{aligned}" + LINES + r"\end{aligned}"

FLOAT64_EPS = float(np.finfo(np.float64).eps)  # torch's eps1 = None for float64
ROOT_TWO = 2.0**0.5  # √(numel) of the parameter (x, y), as torch computes RMS

SPEC = OptimizerSpec(
    name="adafactor",
    family="adaptive",
    title="Adafactor",
    hyperparameters=(
        Hyperparameter(
            "lr",
            1e-2,
            help="η: caps the relative step size ρ = min(η, 1/√t) and scales the "
            "weight decay (torch's use; the paper's cap is 0.01)",
        ),
        Hyperparameter(
            "beta2_decay",
            -0.8,
            -1.0,
            0.0,
            help="τ: the variance averages g² with weight t^τ (β̂₂ = 1 - t^τ); torch "
            "takes any τ ≤ 0, here τ ≥ -1: at -1 v is the plain mean of every g², "
            "below it older gradients would weigh more than newer ones",
        ),
        Hyperparameter(
            "eps1",
            FLOAT64_EPS,
            help="ε₁ (eps[0]): the floor of √v; torch's default None is "
            "torch.finfo(float64).eps = 2.2e-16, the value here",
        ),
        Hyperparameter(
            "eps2",
            1e-3,
            help="ε₂ (eps[1]): the floor of RMS(θ) in the relative step size",
        ),
        Hyperparameter(
            "d", 1.0, 1.0, help="clipping threshold d: the update's RMS is at most d"
        ),
        Hyperparameter(
            "weight_decay", 0.0, help="decoupled weight decay λ, times lr (torch)"
        ),
    ),
    latex=LATEX,
    reference=(
        "N. Shazeer and M. Stern (2018), Adafactor: adaptive learning rates with "
        "sublinear memory cost, ICML; torch.optim.Adafactor."
    ),
    state={"variance": (0, 1)},
    tuples={"eps": ("eps1", "eps2")},
    torch_class="Adafactor",
)

H_ROWS = SPEC.hyperparameter_rows()
S_ROWS = SPEC.state_rows()


@jit_inline
def _loop(t, S, H, m, xs, ys, GX, GY, LR, inverse_root_t, shared, one_minus_beta2):
    for i in range(m):
        lr = LR[i]
        eps1 = H[H_ROWS.eps1, i]
        weight_decay = H[H_ROWS.weight_decay, i]
        if not shared:
            one_minus_beta2 = t ** H[H_ROWS.beta2_decay, i]
        rho = min(lr, inverse_root_t)
        norm = np.sqrt(xs[i] * xs[i] + ys[i] * ys[i])
        alpha = max(H[H_ROWS.eps2, i], norm / ROOT_TWO) * rho
        # torch decays θ only when λ ≠ 0; a factor of 1 leaves θ's bits as they are
        decay = 1.0 - lr * weight_decay if weight_decay != 0.0 else 1.0
        xs[i] *= decay
        ys[i] *= decay
        gx = GX[i]
        gy = GY[i]
        vx = lerp(S[S_ROWS.variance_x, i], gx * gx, one_minus_beta2)
        vy = lerp(S[S_ROWS.variance_y, i], gy * gy, one_minus_beta2)
        S[S_ROWS.variance_x, i] = vx
        S[S_ROWS.variance_y, i] = vy
        # torch: clamp(v, min=ε₁²).rsqrt() · g
        ux = (1.0 / np.sqrt(max(vx, eps1 * eps1))) * gx
        uy = (1.0 / np.sqrt(max(vy, eps1 * eps1))) * gy
        rms_over_d = np.sqrt(ux * ux + uy * uy) / (ROOT_TWO * H[H_ROWS.d, i])
        scale = -alpha / max(1.0, rms_over_d)
        xs[i] += scale * ux
        ys[i] += scale * uy


@jit_inline
def step(k, S, H, m, xs, ys, F, GX, GY, LR, evaluate, point, hessian, lp, T, groups):
    t = k + 1.0  # torch's step, after its increment
    # The averaging weight t^τ: one pow per step when the chunk shares τ (a plane, a
    # grid over other axes), a pow per run otherwise (its call keeps LLVM from
    # vectorizing the loop, and it costs more than the rest of the step).
    inverse_root_t = 1.0 / t**0.5
    beta2_decay = H[H_ROWS.beta2_decay, 0]
    shared = True
    for i in range(m):  # & not `and`: a branch-free, vectorized loop
        shared &= H[H_ROWS.beta2_decay, i] == beta2_decay
    if shared:
        _loop(t, S, H, m, xs, ys, GX, GY, LR, inverse_root_t, True, t**beta2_decay)
    else:
        _loop(t, S, H, m, xs, ys, GX, GY, LR, inverse_root_t, False, 0.0)
