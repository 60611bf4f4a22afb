r"""SOAP (ShampoO with Adam in the Preconditioner's eigenbasis) on the plane's one
parameter of shape (2,), as pytorch_optimizer.SOAP computes it with
``precondition_1d=True``.

.. math::
    \begin{align*}
    m_t &= \beta_1 m_{t-1} + (1-\beta_1) g_t, \qquad
    v_t = \beta_2 v_{t-1} + (1-\beta_2)\,(Q^{\top} g_t)^2 \\
    \theta_t &= (1-\eta_t\lambda)\Big(\theta_{t-1} - \eta_t
        \frac{\sqrt{1-\beta_2^{t-1}}}{1-\beta_1^{t-1}}\,
        Q\,\frac{Q^{\top} m_t}{\sqrt{v_t} + \epsilon}\Big) \\
    L_t &= \beta_s L_{t-1} + (1-\beta_s)\,g_t g_t^{\top}, \qquad
    Q \leftarrow \operatorname{QR}\big(L_t\,Q\big) \ \text{every } f \text{ steps}
    \end{align*}

η = ``lr``, (β₁, β₂) = ``betas``, β_s = ``shampoo_beta``, ε = ``eps``,
λ = ``weight_decay`` (decoupled), f = ``precondition_frequency``; g = ∇f(θₜ₋₁),
m₀ = v₀ = 0, L₀ = 0. Q = [q₁ q₂] is orthogonal: the eigenbasis of L (largest
eigenvalue first), Adam's moments are kept as the paper says: m in the plane's
coordinates (rotated into the basis at each step), v in the basis. Step 1 only starts
L = (1-β_s) g₁g₁ᵀ and Q = its eigenvectors (optimizers.matrix2.eigh): the path does
not move, and each later gradient is projected onto a basis built from the earlier
ones only (L takes g after the step); the Adam count t - 1 starts at step 2. A refresh (at the steps t with f | t - 1)
first orders q₁, q₂ by qᵢᵀLqᵢ, largest first, permuting v with them, then takes one
power-iteration step L Q and orthonormalizes it (QR: in the plane, q₁ = Lq₁/|Lq₁|
and q₂ ⟂ q₁). ``correct_bias`` off drops the √(1-β₂ᵗ⁻¹)/(1-β₁ᵗ⁻¹) factor;
``normalize_gradient`` divides the step direction by its root mean square + ε.
Reference: N. Vyas, D. Morwani, R. Zhao, I. Shapira, D. Brandfonbrener, L. Janson
and S. Kakade (2025), SOAP: improving and stabilizing Shampoo using Adam, ICLR
(Algorithms 3 and 4); pytorch_optimizer.SOAP.

Family "adaptive": a preconditioned gradient method, Adam in a turning basis. The
eigenbasis of L turns with the landscape, Adam's coordinates do not: turn a quadratic
and the start by one angle and SOAP's path turns with them. On the quadratic with
condition number 1000 turned by 0.6 rad, with Adam's betas (0.9, 0.999) and each at
its best learning rate of a grid, it reaches f ≤ 1e-8 in under a third of Adam's
steps (Adam needs over twice its axis-aligned count there); at its own defaults
β = (0.95, 0.95), a short memory of g², it is slower than Adam
(tests/test_claims_second_order.py).

Where libraries disagree: pytorch_optimizer (and the authors' code it copies) keep
no basis for a vector unless ``precondition_1d=True`` (their default is False: Adam
in the plane's own coordinates); here the vector always gets its 2x2 basis.
pytorch_optimizer runs the QR in float32; here all is float64. Defaults are
pytorch_optimizer's (η = 3e-3, β = (0.95, 0.95), ε = 1e-8, λ = 0.01, f = 10,
bias correction on, no normalization); its ``shampoo_beta=None`` means β₂, here the
number 0.95 (the authors' current code's default). The authors' current code also
debiases β differently and puts the decay before the step; this is the version
pytorch_optimizer 4.1.0 implements.
"""

import numpy as np

from landscapes._jit import jit_inline
from optimizers._spec import Hyperparameter, OptimizerSpec
from optimizers.matrix2 import eigh

LINES = (
    r"m_t &= \beta_1 m_{t-1} + (1-\beta_1) g_t,\ v_t = \beta_2 v_{t-1} + "
    r"(1-\beta_2)(Q^\top g_t)^2\\ \theta_t &= (1-\eta_t\lambda)\Big(\theta_{t-1} - "
    r"\eta_t\frac{\sqrt{1-\beta_2^{t-1}}}{1-\beta_1^{t-1}}\,Q\frac{Q^\top m_t}"
    r"{\sqrt{v_t}+\epsilon}\Big)\\ L_t &= \beta_s L_{t-1} + (1-\beta_s) g_t g_t^\top,"
    r"\ Q \leftarrow \mathrm{QR}(L_t Q)\ \text{every } f"
)
LATEX = r"\begin{aligned}" + LINES + r"\end{aligned}"

SPEC = OptimizerSpec(
    name="soap",
    family="adaptive",
    title="SOAP (Adam in Shampoo's eigenbasis)",
    hyperparameters=(
        Hyperparameter("lr", 3e-3, help="learning rate η (pytorch_optimizer's)"),
        Hyperparameter("beta1", 0.95, 0.0, 1.0, open_high=True, help="β₁ (betas[0])"),
        Hyperparameter("beta2", 0.95, 0.0, 1.0, open_high=True, help="β₂ (betas[1])"),
        Hyperparameter(
            "shampoo_beta",
            0.95,
            0.0,
            1.0,
            open_high=True,
            help="β_s: decay of the average L of ggᵀ",
        ),
        Hyperparameter("eps", 1e-8, help="ε added to √v"),
        Hyperparameter("weight_decay", 1e-2, help="decoupled weight decay λ"),
        Hyperparameter(
            "precondition_frequency",
            10,
            1.0,
            kind="int",
            help="f: steps between refreshes of the eigenbasis Q",
        ),
        Hyperparameter(
            "correct_bias", True, kind="bool", help="Adam's bias correction"
        ),
        Hyperparameter(
            "normalize_gradient",
            False,
            kind="bool",
            help="divide the step by its root mean square",
        ),
    ),
    latex=LATEX,
    reference=(
        "N. Vyas et al. (2025), SOAP: improving and stabilizing Shampoo using Adam, "
        "ICLR; pytorch_optimizer.SOAP (precondition_1d=True)."
    ),
    # The eigenbasis is Q = [q₁, q₂] with q₂ = (-q₁y, q₁x): one pair holds q₁.
    # exp_avg_sq lives in that basis: its pair is (v along q₁, v along q₂).
    state={"exp_avg": (0, 1), "exp_avg_sq": (2, 3), "eigenvector": (4, 5)},
    # L's entries (xx, xy, yy: symmetric); running powers β₁ᵗ⁻¹, β₂ᵗ⁻¹.
    internal_state={
        "statistics_xx": 6,
        "statistics_xy": 7,
        "statistics_yy": 8,
        "beta1_power": 9,
        "beta2_power": 10,
    },
    tuples={"betas": ("beta1", "beta2")},
    state_slots=11,
)

H_ROWS = SPEC.hyperparameter_rows()
S_ROWS = SPEC.state_rows()


@jit_inline
def init(S, H, m):
    for i in range(m):
        S[S_ROWS.beta1_power, i] = 1.0
        S[S_ROWS.beta2_power, i] = 1.0


@jit_inline
def _accumulate(S, i, gx, gy, shampoo_beta):
    """L ← β_s L + (1 - β_s) g gᵀ."""
    weight = 1.0 - shampoo_beta
    S[S_ROWS.statistics_xx, i] += weight * (gx * gx - S[S_ROWS.statistics_xx, i])
    S[S_ROWS.statistics_xy, i] += weight * (gx * gy - S[S_ROWS.statistics_xy, i])
    S[S_ROWS.statistics_yy, i] += weight * (gy * gy - S[S_ROWS.statistics_yy, i])


@jit_inline
def _refresh(S, i):
    """Order Q's columns by qᵀLq (largest first, v's entries with them), then one
    power-iteration step and QR: q₁ ← Lq₁/|Lq₁| (kept if Lq₁ = 0)."""
    a = S[S_ROWS.statistics_xx, i]
    b = S[S_ROWS.statistics_xy, i]
    c = S[S_ROWS.statistics_yy, i]
    ux = S[S_ROWS.eigenvector_x, i]
    uy = S[S_ROWS.eigenvector_y, i]
    first = a * ux * ux + 2.0 * b * ux * uy + c * uy * uy
    second = a * uy * uy - 2.0 * b * ux * uy + c * ux * ux  # q₂ = (-uy, ux)
    if second > first:
        ux, uy = -uy, ux
        v1 = S[S_ROWS.exp_avg_sq_x, i]
        S[S_ROWS.exp_avg_sq_x, i] = S[S_ROWS.exp_avg_sq_y, i]
        S[S_ROWS.exp_avg_sq_y, i] = v1
    px = a * ux + b * uy
    py = b * ux + c * uy
    norm = np.hypot(px, py)
    if norm > 0.0:
        ux = px / norm
        uy = py / norm
    S[S_ROWS.eigenvector_x, i] = ux
    S[S_ROWS.eigenvector_y, i] = uy


@jit_inline
def _start(S, H, m, GX, GY):
    """Step 1: L = (1 - β_s) g₁g₁ᵀ and Q its eigenvectors; θ does not move."""
    for i in range(m):
        _accumulate(S, i, GX[i], GY[i], H[H_ROWS.shampoo_beta, i])
        _, _, ux, uy = eigh(
            S[S_ROWS.statistics_xx, i],
            S[S_ROWS.statistics_xy, i],
            S[S_ROWS.statistics_yy, i],
        )
        S[S_ROWS.eigenvector_x, i] = ux
        S[S_ROWS.eigenvector_y, i] = uy


@jit_inline
def _adam_step(S, H, m, xs, ys, GX, GY, LR, general, correction):
    """Adam's step in the basis Q. Unless `general`, the chunk shares β₁, β₂ (so the
    bias `correction`, from the running powers every run has the same of) and does
    not normalize; `general`: each run's own, as selects. No branch: LLVM vectorizes
    the loop over runs."""
    for i in range(m):
        gx = GX[i]
        gy = GY[i]
        lr = LR[i]
        beta1 = H[H_ROWS.beta1, i]
        beta2 = H[H_ROWS.beta2, i]
        eps = H[H_ROWS.eps, i]
        ux = S[S_ROWS.eigenvector_x, i]
        uy = S[S_ROWS.eigenvector_y, i]
        # g and m in the basis Q = [(ux, uy), (-uy, ux)]
        g1 = ux * gx + uy * gy
        g2 = ux * gy - uy * gx
        S[S_ROWS.exp_avg_x, i] += (1.0 - beta1) * (gx - S[S_ROWS.exp_avg_x, i])
        S[S_ROWS.exp_avg_y, i] += (1.0 - beta1) * (gy - S[S_ROWS.exp_avg_y, i])
        S[S_ROWS.exp_avg_sq_x, i] += (1.0 - beta2) * (
            g1 * g1 - S[S_ROWS.exp_avg_sq_x, i]
        )
        S[S_ROWS.exp_avg_sq_y, i] += (1.0 - beta2) * (
            g2 * g2 - S[S_ROWS.exp_avg_sq_y, i]
        )
        mx = S[S_ROWS.exp_avg_x, i]
        my = S[S_ROWS.exp_avg_y, i]
        n1 = (ux * mx + uy * my) / (np.sqrt(S[S_ROWS.exp_avg_sq_x, i]) + eps)
        n2 = (ux * my - uy * mx) / (np.sqrt(S[S_ROWS.exp_avg_sq_y, i]) + eps)
        nx = ux * n1 - uy * n2
        ny = uy * n1 + ux * n2
        if general:
            normalize = H[H_ROWS.normalize_gradient, i] != 0.0
            scale = np.sqrt(0.5 * (nx * nx + ny * ny)) + eps
            nx = nx / scale if normalize else nx
            ny = ny / scale if normalize else ny
        S[S_ROWS.beta1_power, i] *= beta1
        S[S_ROWS.beta2_power, i] *= beta2
        if general:
            correction = np.sqrt(1.0 - S[S_ROWS.beta2_power, i]) / (
                1.0 - S[S_ROWS.beta1_power, i]
            )
        step_size = lr * correction if H[H_ROWS.correct_bias, i] != 0.0 else lr
        decay = 1.0 - lr * H[H_ROWS.weight_decay, i]
        xs[i] = (xs[i] - step_size * nx) * decay
        ys[i] = (ys[i] - step_size * ny) * decay


@jit_inline
def step(k, S, H, m, xs, ys, F, GX, GY, LR, evaluate, point, hessian, lp, T, groups):
    if k == 0:  # step 1 only starts the statistics and the basis
        _start(S, H, m, GX, GY)
        return
    # Unless a run normalizes or the runs' betas differ: the bias correction once
    # per step (each run's running powers are the same products of the same β), not
    # a root and a division per run, and no normalization's. And whether this step
    # refreshes Q: once for the chunk when its runs share f (a float modulo per run
    # and step is a call), per run when a grid mixes them.
    beta1 = H[H_ROWS.beta1, 0]
    beta2 = H[H_ROWS.beta2, 0]
    frequency = H[H_ROWS.precondition_frequency, 0]
    general = False
    shared = True
    for i in range(m):  # |, & not `or`, `and`: a branch-free, vectorized loop
        general |= (H[H_ROWS.normalize_gradient, i] != 0.0) | (
            (H[H_ROWS.beta1, i] != beta1) | (H[H_ROWS.beta2, i] != beta2)
        )
        shared &= H[H_ROWS.precondition_frequency, i] == frequency
    correction = np.sqrt(1.0 - S[S_ROWS.beta2_power, 0] * beta2) / (
        1.0 - S[S_ROWS.beta1_power, 0] * beta1
    )
    if general:
        _adam_step(S, H, m, xs, ys, GX, GY, LR, True, 0.0)
    else:
        _adam_step(S, H, m, xs, ys, GX, GY, LR, False, correction)
    for i in range(m):
        _accumulate(S, i, GX[i], GY[i], H[H_ROWS.shampoo_beta, i])
    # The refreshes in a loop of their own: hypot is a call, and every f steps.
    if shared and k % frequency != 0.0:
        return
    for i in range(m):
        if shared or k % H[H_ROWS.precondition_frequency, i] == 0.0:
            _refresh(S, i)
