r"""Muon (momentum orthogonalized by Newton–Schulz), exactly as torch.optim.Muon on a
parameter of shape (1, 2).

.. math::
    \begin{align*}
    B_t &= \mu B_{t-1} + (1-\mu)\,g_t, \qquad
    \tilde B_t = \begin{cases} \mu B_t + (1-\mu)\,g_t & \text{nesterov} \\
        B_t & \text{otherwise} \end{cases} \\
    X_0 &= \tilde B_t / \max(\lVert\tilde B_t\rVert_F, \epsilon), \qquad
    X_{j+1} = aX_j + \big(bX_jX_j^\top + c(X_jX_j^\top)^2\big)X_j, \qquad
    O_t = X_k \\
    \theta_t &= (1 - \eta_t\lambda)\,\theta_{t-1} - \eta_t\,s\,O_t
    \end{align*}

η = ``lr``, μ = ``momentum``, λ = ``weight_decay``, ε = ``eps``, k = ``ns_steps``,
``nesterov`` as torch; (a, b, c) = (3.4445, -4.7750, 2.0315) are torch's default
``ns_coefficients`` (fixed here); s is torch's ``adjust_lr_fn`` for a 1×2 matrix
(A = 1 row, B = 2 columns): √max(1, A/B) = 1 for "original" (torch's default, None)
and 0.2·√max(A, B) = 0.2√2 for "match_rms_adamw", chosen here by the bool
``match_rms_adamw`` (our kinds of hyperparameter are numbers and bools, not strings).
g = ∇f(θₜ₋₁), B₀ = 0 (torch's ``momentum_buffer``; torch writes both averages as
``lerp``, as here).

torch.optim.Muon takes only 2D parameters, so (x, y) is the 1×2 matrix [x y]. A 1×2
matrix has rank one and its one singular value is its Frobenius norm: X₀ = B̃/‖B̃‖ has
singular value 1, and each Newton–Schulz step maps it to the same direction with
singular value p(σ) = aσ + bσ³ + cσ⁵. From σ = 1 the iterates are 0.701, 1.114,
0.721, 1.090, 0.696, ...: they never converge (p's fixed point σ* = 0.868 has
p'(σ*) = -1.58, so it repels and the iterates swing around it), and with torch's
k = 5, O = 0.696·B̃/‖B̃‖. On a 2D surface Muon is therefore normalized momentum: a step
of length 0.696·η·s along the (Nesterov) momentum, plus the weight decay
(tests/test_torch_match.py checks this against torch's Newton–Schulz).

Where libraries disagree: torch (like Jordan's reference code) runs Newton–Schulz in
bfloat16, whatever the parameter's dtype; this step reproduces torch's bfloat16
rounding exactly (optimizers._torch_ops), so it equals torch's float64 iterates to
round-off, and the step 0.696·η·s varies by a few percent per coordinate (0.66 to
0.73 at k = 5) with bfloat16's 8 significant bits, amplified by the iteration's
swing. Jordan's post and torch's own pseudo-code write the momentum as B = μB + g and
B̃ = g + μB; torch's code averages (lerp), as here, which scales B̃ by 1 - μ: the same
direction, but a different ε threshold and bfloat16 rounding.

References: K. Jordan et al. (2024), Muon: an optimizer for hidden layers in neural
networks, https://kellerjordan.github.io/posts/muon/; J. Liu et al. (2025), Muon is
scalable for LLM training, arXiv:2502.16982 (match_rms_adamw); torch.optim.Muon.
"""

import numpy as np

from landscapes._jit import jit_inline
from optimizers._spec import LR_HELP, Hyperparameter, OptimizerSpec
from optimizers._torch_ops import bfloat16, float32, lerp, round_to_bfloat16

LINES = (
    r"B_t &= \mu B_{t-1} + (1-\mu) g_t,\ \tilde B_t = \mu B_t + (1-\mu) g_t"
    r"\ (\text{nesterov})\\ "
    r"O_t &= \mathrm{NS}_k\big(\tilde B_t/\lVert\tilde B_t\rVert\big),\ "
    r"X \leftarrow aX + (bXX^\top + c(XX^\top)^2)X\\ "
    r"\theta_t &= (1-\eta_t\lambda)\theta_{t-1} - \eta_t\, s\, O_t"
)
LATEX = r"\begin{aligned}" + LINES + r"\end{aligned}"

# torch.optim._muon's DEFAULT_A, DEFAULT_B, DEFAULT_C: torch multiplies bfloat16
# matrices by them in float32.
NS_A = 3.4445
NS_B = -4.7750
NS_C = 2.0315
# torch's _adjust_lr for a parameter of shape (A, B) = (1, 2).
ORIGINAL_RATIO = max(1.0, 1 / 2) ** 0.5  # "original" (and None): √max(1, A/B) = 1
MATCH_RMS_ADAMW_RATIO = 0.2 * 2.0**0.5  # "match_rms_adamw": 0.2·√max(A, B)

NOTE = (
    "On a 2D surface torch's Muon sees (x, y) as the 1×2 matrix [x y], which has "
    "rank one. Its only singular value is its norm, so Newton–Schulz, started from "
    "m/‖m‖ (singular value 1), only rescales the momentum m: each of the ns_steps "
    "iterations maps σ to 3.4445σ − 4.7750σ³ + 2.0315σ⁵, which from 1 gives 0.701, "
    "1.114, 0.721, 1.090, 0.696 and never settles (its fixed point 0.868 repels). "
    "With ns_steps = 5 the update is 0.696·m/‖m‖ (0.66 to 0.73 per coordinate in "
    "torch's bfloat16, reproduced here): Muon on a plane is normalized (Nesterov) "
    "momentum with step length 0.696·lr, or 0.2√2 times that with match_rms_adamw."
)

SPEC = OptimizerSpec(
    name="muon",
    family="adaptive",
    title="Muon",
    hyperparameters=(
        Hyperparameter("lr", 1e-3, help=LR_HELP),
        Hyperparameter(
            "weight_decay", 0.1, help="decoupled weight decay λ, times lr (torch)"
        ),
        Hyperparameter("momentum", 0.95, help="momentum factor μ"),
        Hyperparameter(
            "nesterov", True, kind="bool", help="Nesterov momentum (torch's default)"
        ),
        Hyperparameter(
            "eps",
            1e-7,
            help="ε: the floor of ‖B̃‖ before Newton–Schulz (in bfloat16, as torch)",
        ),
        Hyperparameter(
            "ns_steps",
            5,
            0,
            99,
            kind="int",
            help="Newton–Schulz iterations k (torch requires fewer than 100)",
        ),
        Hyperparameter(
            "match_rms_adamw",
            False,
            kind="bool",
            help='torch\'s adjust_lr_fn="match_rms_adamw" (step × 0.2√2 for a 1×2 '
            'matrix) instead of its default None ("original": × 1)',
        ),
    ),
    latex=LATEX,
    reference=(
        "K. Jordan et al. (2024), Muon: an optimizer for hidden layers in neural "
        "networks, kellerjordan.github.io/posts/muon; J. Liu et al. (2025), Muon is "
        "scalable for LLM training, arXiv:2502.16982; torch.optim.Muon."
    ),
    state={"momentum_buffer": (0, 1)},
    # Newton–Schulz's iterate X = [x₁ x₂] between the loops over runs (`step`).
    internal_state={"iterate_x": 2, "iterate_y": 3},
    torch_class="Muon",
    note=NOTE,
)

H_ROWS = SPEC.hyperparameter_rows()
S_ROWS = SPEC.state_rows()


@jit_inline
def normalized(u, v, eps):
    """Newton–Schulz's start X₀ = [u v]/max(‖[u v]‖, ε), in torch's bfloat16: the
    matrix rounded to bfloat16, then its Frobenius norm clamped at ε (torch clamps
    in bfloat16)."""
    x1 = bfloat16(u)
    x2 = bfloat16(v)
    norm = round_to_bfloat16(float32(np.sqrt(float32(x1 * x1 + x2 * x2))))
    norm = max(norm, bfloat16(eps))
    return round_to_bfloat16(float32(x1 / norm)), round_to_bfloat16(float32(x2 / norm))


@jit_inline
def newton_schulz_iteration(x1, x2):
    """X ← aX + (bXXᵀ + c(XXᵀ)²)X in torch's bfloat16 arithmetic: each product of
    bfloat16 matrices accumulated in float32 and rounded to bfloat16, and torch's
    addmm(C, A, B, beta=β, alpha=α) rounding βC + αAB once (a fused multiply-add)."""
    a = float32(NS_A)
    b = float32(NS_B)
    c = float32(NS_C)
    gram = round_to_bfloat16(float32(x1 * x1 + x2 * x2))  # X Xᵀ, 1×1
    # addmm(gram, gram, gram, beta=b, alpha=c)
    update = round_to_bfloat16(float32(b * gram + float32(c * (gram * gram))))
    # addmm(X, update, X, beta=a): a·x + update·x, both products exact
    x1 = round_to_bfloat16(float32(a * x1 + update * x1))
    x2 = round_to_bfloat16(float32(a * x2 + update * x2))
    return x1, x2


@jit_inline
def newton_schulz(u, v, ns_steps, eps):
    """torch.optim._muon._zeropower_via_newtonschulz of the 1×2 matrix [u v], in
    torch's bfloat16 arithmetic."""
    x1, x2 = normalized(u, v, eps)
    for _ in range(ns_steps):
        x1, x2 = newton_schulz_iteration(x1, x2)
    return x1, x2


@jit_inline
def _momentum(S, H, GX, GY, i):
    """Run i's momentum buffer updated, and the (Nesterov) direction B̃ it steps
    along; torch's flag as a select, both sides computed."""
    momentum = H[H_ROWS.momentum, i]
    gx = GX[i]
    gy = GY[i]
    bx = lerp(S[S_ROWS.momentum_buffer_x, i], gx, 1.0 - momentum)
    by = lerp(S[S_ROWS.momentum_buffer_y, i], gy, 1.0 - momentum)
    S[S_ROWS.momentum_buffer_x, i] = bx
    S[S_ROWS.momentum_buffer_y, i] = by
    nesterov = H[H_ROWS.nesterov, i] != 0.0
    bx = lerp(gx, bx, momentum) if nesterov else bx
    by = lerp(gy, by, momentum) if nesterov else by
    return bx, by


@jit_inline
def _update(H, LR, xs, ys, i, ox, oy):
    """θ ← (1 - ηλ)θ - η s O for run i; s by a select."""
    lr = LR[i]
    match_rms_adamw = H[H_ROWS.match_rms_adamw, i] != 0.0
    ratio = MATCH_RMS_ADAMW_RATIO if match_rms_adamw else ORIGINAL_RATIO
    adjusted_lr = lr * ratio
    decay = 1.0 - lr * H[H_ROWS.weight_decay, i]
    xs[i] = xs[i] * decay + -adjusted_lr * ox
    ys[i] = ys[i] * decay + -adjusted_lr * oy


@jit_inline
def step(k, S, H, m, xs, ys, F, GX, GY, LR, evaluate, point, hessian, lp, T, groups):
    # Newton–Schulz is a chain of ~5 dependent roundings per iteration: run by run
    # the core waits on each. Iteration by iteration over all runs, kept in the
    # iterate rows, each loop's runs are independent, and LLVM vectorizes them.
    for i in range(m):
        bx, by = _momentum(S, H, GX, GY, i)
        x1, x2 = normalized(bx, by, H[H_ROWS.eps, i])
        S[S_ROWS.iterate_x, i] = x1
        S[S_ROWS.iterate_y, i] = x2
    ns_steps = H[H_ROWS.ns_steps, 0]
    shared = True
    for i in range(m):  # & not `and`: a branch-free, vectorized loop
        shared &= H[H_ROWS.ns_steps, i] == ns_steps
    if not shared:  # a grid over ns_steps: as many iterations as its largest
        for i in range(m):
            ns_steps = max(ns_steps, H[H_ROWS.ns_steps, i])
    for iteration in range(int(ns_steps)):
        for i in range(m):
            x1 = S[S_ROWS.iterate_x, i]
            x2 = S[S_ROWS.iterate_y, i]
            next1, next2 = newton_schulz_iteration(x1, x2)
            # a run of fewer iterations (a grid over ns_steps) keeps its last
            running = iteration < H[H_ROWS.ns_steps, i]
            S[S_ROWS.iterate_x, i] = next1 if running else x1
            S[S_ROWS.iterate_y, i] = next2 if running else x2
    for i in range(m):
        _update(H, LR, xs, ys, i, S[S_ROWS.iterate_x, i], S[S_ROWS.iterate_y, i])
