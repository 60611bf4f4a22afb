r"""Sophia (second-order clipped stochastic optimization), with the exact Hessian
diagonal: the paper's Algorithm 3, named as pytorch_optimizer's SophiaH (betas, eps,
weight_decay, update_period) and the authors' code (rho).

.. math::
    \begin{align*}
    m_t &= \beta_1 m_{t-1} + (1-\beta_1) g_t \\
    h_t &= \beta_2 h_{t-k} + (1-\beta_2)\,\operatorname{diag}\nabla^2 f(\theta_{t-1})
        \quad \text{if } t \bmod k = 1, \text{ else } h_t = h_{t-1} \\
    \theta_t &= (1 - \eta_t\lambda)\,\theta_{t-1}
        - \eta_t\,\operatorname{clip}\!\Big(\frac{m_t}{\max(\rho\,h_t,\ \epsilon)},\ 1\Big)
    \end{align*}

η = ``lr``, (β₁, β₂) = ``betas``, ρ = ``rho`` (the paper's γ), ε = ``eps``,
λ = ``weight_decay`` (decoupled), k = ``update_period``; g = ∇f(θₜ₋₁), m₀ = h₀ = 0,
clip(z, 1) = max(min(z, 1), -1) per coordinate. Reference: H. Liu, Z. Li, D. Hall,
P. Liang and T. Ma (2024), Sophia: a scalable stochastic second-order optimizer for
language model pre-training, ICLR (Algorithm 3).

Family "second-order and quasi-Newton": where ρh > ε and the clip is not active the
step is η/ρ times a diagonal Newton step m/h; where the curvature is negative or
tiny (h ≤ ε/ρ) or the ratio exceeds 1, it is a sign step of length η per coordinate.
The Hessian diagonal is exact (the surface's own ``hessian``), where the paper
estimates it with Hutchinson's h = u ⊙ (∇²f u) (Sophia-H) or Gauss-Newton-Bartlett
(Sophia-G); so the path is deterministic and, with k = 1, η = ρ, β₁ = β₂ = 0 and
ε small, each step is the diagonal Newton step g/diag ∇²f clipped to η per
coordinate; at negative curvature, a step of η away from the saddle point.

Where libraries disagree: pytorch_optimizer's ``SophiaH`` writes
θ ← θ - η' clip(m / max(h, ε'), p); that is this rule with
η' = η/ρ, p = ρ, ε' = ε/ρ and decoupled decay λ' = λρ (so η'λ' = ηλ), the mapping
tests/test_pytorch_optimizer_match.py uses. The authors' code (SophiaG) adds ε to
ρh instead of taking the maximum. The defaults are pytorch_optimizer's SophiaH ones
in the paper's form: η = 6e-2 x 1e-2 = 6e-4, ρ = 1e-2, β = (0.96, 0.99) and k = 10
(the paper's), λ = 0; ε = 1e-12 is the paper's.
"""

from landscapes._jit import jit_inline
from optimizers._spec import Hyperparameter, OptimizerSpec
from optimizers.curvature import T_ROWS, diagonal_if_due, due

LINES = (
    r"m_t &= \beta_1 m_{t-1} + (1-\beta_1) g_t\\ h_t &= \beta_2 h_{t-k} + "
    r"(1-\beta_2)\operatorname{diag}\nabla^2 f\ \ (t \bmod k = 1)\\ "
    r"\theta_t &= (1-\eta_t\lambda)\theta_{t-1} - \eta_t\operatorname{clip}"
    r"\Big(\frac{m_t}{\max(\rho h_t, \epsilon)}, 1\Big)"
)
LATEX = r"\begin{aligned}" + LINES + r"\end{aligned}"

SPEC = OptimizerSpec(
    name="sophia",
    family="second-order and quasi-Newton",
    title="Sophia (exact Hessian diagonal)",
    hyperparameters=(
        Hyperparameter(
            "lr",
            6e-4,
            help="learning rate η: the longest step per coordinate (the clip's)",
        ),
        Hyperparameter("beta1", 0.96, 0.0, 1.0, open_high=True, help="β₁ (betas[0])"),
        Hyperparameter(
            "beta2",
            0.99,
            0.0,
            1.0,
            open_high=True,
            help="β₂ (betas[1]): decay of the Hessian diagonal's average",
        ),
        Hyperparameter(
            "rho", 0.01, help="ρ (the paper's γ): scale of the curvature, ρh"
        ),
        Hyperparameter("eps", 1e-12, help="ε: floor of ρh"),
        Hyperparameter("weight_decay", 0.0, help="decoupled weight decay λ"),
        Hyperparameter(
            "update_period",
            10,
            1.0,
            kind="int",
            help="k: steps between refreshes of the Hessian diagonal",
        ),
    ),
    latex=LATEX,
    reference=(
        "H. Liu, Z. Li, D. Hall, P. Liang and T. Ma (2024), Sophia: a scalable "
        "stochastic second-order optimizer for language model pre-training, ICLR "
        "(Algorithm 3); pytorch_optimizer.SophiaH."
    ),
    state={"exp_avg": (0, 1), "hessian_moment": (2, 3)},
    tuples={"betas": ("beta1", "beta2")},
)

H_ROWS = SPEC.hyperparameter_rows()
S_ROWS = SPEC.state_rows()


@jit_inline
def _clip(z):
    return min(max(z, -1.0), 1.0)


@jit_inline
def step(k, S, H, m, xs, ys, F, GX, GY, LR, evaluate, point, hessian, lp, T, groups):
    diagonal_if_due(k, H, H_ROWS.update_period, m, xs, ys, hessian, lp, T)
    for i in range(m):
        lr = LR[i]
        beta1 = H[H_ROWS.beta1, i]
        beta2 = H[H_ROWS.beta2, i]
        rho = H[H_ROWS.rho, i]
        eps = H[H_ROWS.eps, i]
        S[S_ROWS.exp_avg_x, i] = beta1 * S[S_ROWS.exp_avg_x, i] + (1.0 - beta1) * GX[i]
        S[S_ROWS.exp_avg_y, i] = beta1 * S[S_ROWS.exp_avg_y, i] + (1.0 - beta1) * GY[i]
        if due(k, H[H_ROWS.update_period, i]):
            S[S_ROWS.hessian_moment_x, i] = (
                beta2 * S[S_ROWS.hessian_moment_x, i] + (1.0 - beta2) * T[T_ROWS.hxx, i]
            )
            S[S_ROWS.hessian_moment_y, i] = (
                beta2 * S[S_ROWS.hessian_moment_y, i] + (1.0 - beta2) * T[T_ROWS.hyy, i]
            )
        decay = 1.0 - lr * H[H_ROWS.weight_decay, i]
        ux = S[S_ROWS.exp_avg_x, i] / max(rho * S[S_ROWS.hessian_moment_x, i], eps)
        uy = S[S_ROWS.exp_avg_y, i] / max(rho * S[S_ROWS.hessian_moment_y, i], eps)
        xs[i] = decay * xs[i] - lr * _clip(ux)
        ys[i] = decay * ys[i] - lr * _clip(uy)
