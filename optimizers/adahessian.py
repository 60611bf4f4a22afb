r"""AdaHessian: Adam with the squared Hessian diagonal as its second moment, with the
exact Hessian diagonal.

.. math::
    \begin{align*}
    m_t &= \beta_1 m_{t-1} + (1-\beta_1) g_t \\
    v_t &= \beta_2 v_{t-1} + (1-\beta_2)\,D_t \odot D_t,
        \quad D_t = \operatorname{diag}\nabla^2 f(\theta_{t-1})
        \quad (\text{if } t \bmod k = 1, \text{ else } v_t = v_{t-1}) \\
    \theta_t &= (1 - \eta_t\lambda)\,\theta_{t-1} - \frac{\eta_t}{1-\beta_1^t}\,
        \frac{m_t}{\big(v_t/(1-\beta_2^t)\big)^{\kappa/2} + \epsilon}
    \end{align*}

η = ``lr``, (β₁, β₂) = ``betas``, ε = ``eps``, κ = ``hessian_power``,
λ = ``weight_decay`` (decoupled), k = ``update_period``; g = ∇f(θₜ₋₁), m₀ = v₀ = 0.
Reference: Z. Yao, A. Gholami, S. Shen, M. Mustafa, K. Keutzer and M. Mahoney (2021),
ADAHESSIAN: an adaptive second order optimizer for machine learning, AAAI
(Algorithm 1); pytorch_optimizer.AdaHessian.

Family "second-order and quasi-Newton": with κ = 1 the step divides the averaged
gradient by the averaged |∂²f/∂θᵢ²|, a diagonal Newton step made robust by the
averages, where Adam divides by the root of the averaged g². The diagonal is exact
here (the surface's own ``hessian``), where the paper estimates it with Hutchinson's
z ⊙ (∇²f z); its spatial averaging (over a convolution kernel's entries) has nothing
to average on one vector of two coordinates. D enters squared, so its sign is lost:
where Newton lands on the saddle point of x² - y², AdaHessian descends away from it.

Where libraries disagree: the defaults are pytorch_optimizer's (η = 0.1, ε = 1e-16,
β = (0.9, 0.999), κ = 1, λ = 0, k = 1); the authors' code has η = 0.15 and
ε = 1e-4. The bias correction 1 - β₂ᵗ counts every step, also those that keep v
(k > 1), as pytorch_optimizer does.
"""

from landscapes._jit import jit_inline
from optimizers._spec import Hyperparameter, OptimizerSpec
from optimizers.curvature import T_ROWS, diagonal_if_due, due

LINES = (
    r"m_t &= \beta_1 m_{t-1} + (1-\beta_1) g_t\\ v_t &= \beta_2 v_{t-1} + "
    r"(1-\beta_2) D_t^2,\ D_t = \operatorname{diag}\nabla^2 f\\ \theta_t &= "
    r"(1-\eta_t\lambda)\theta_{t-1} - \frac{\eta_t}{1-\beta_1^t}\,\frac{m_t}"
    r"{(v_t/(1-\beta_2^t))^{\kappa/2}+\epsilon}"
)
LATEX = r"\begin{aligned}" + LINES + r"\end{aligned}"

SPEC = OptimizerSpec(
    name="adahessian",
    family="second-order and quasi-Newton",
    title="AdaHessian (exact Hessian diagonal)",
    hyperparameters=(
        Hyperparameter("lr", 0.1, help="learning rate η (pytorch_optimizer's)"),
        Hyperparameter("beta1", 0.9, 0.0, 1.0, open_high=True, help="β₁ (betas[0])"),
        Hyperparameter(
            "beta2",
            0.999,
            0.0,
            1.0,
            open_high=True,
            help="β₂ (betas[1]): decay of the squared Hessian diagonal's average",
        ),
        Hyperparameter("eps", 1e-16, help="ε added to the denominator"),
        Hyperparameter(
            "hessian_power",
            1.0,
            0.0,
            1.0,
            open_low=True,
            help="κ: power of the root-mean-square Hessian diagonal",
        ),
        Hyperparameter("weight_decay", 0.0, help="decoupled weight decay λ"),
        Hyperparameter(
            "update_period",
            1,
            1.0,
            kind="int",
            help="k: steps between refreshes of the Hessian diagonal",
        ),
    ),
    latex=LATEX,
    reference=(
        "Z. Yao, A. Gholami, S. Shen, M. Mustafa, K. Keutzer and M. W. Mahoney "
        "(2021), ADAHESSIAN: an adaptive second order optimizer for machine "
        "learning, AAAI (Algorithm 1); pytorch_optimizer.AdaHessian."
    ),
    state={"exp_avg": (0, 1), "exp_hessian_diag_sq": (2, 3)},
    # Running powers β₁ᵗ and β₂ᵗ of the bias corrections.
    internal_state={"beta1_power": 4, "beta2_power": 5},
    tuples={"betas": ("beta1", "beta2")},
)

H_ROWS = SPEC.hyperparameter_rows()
S_ROWS = SPEC.state_rows()


@jit_inline
def init(S, H, m):
    for i in range(m):
        S[S_ROWS.beta1_power, i] = 1.0
        S[S_ROWS.beta2_power, i] = 1.0


@jit_inline
def step(k, S, H, m, xs, ys, F, GX, GY, LR, evaluate, point, hessian, lp, T, groups):
    diagonal_if_due(k, H, H_ROWS.update_period, m, xs, ys, hessian, lp, T)
    for i in range(m):
        lr = LR[i]
        beta1 = H[H_ROWS.beta1, i]
        beta2 = H[H_ROWS.beta2, i]
        eps = H[H_ROWS.eps, i]
        half_power = 0.5 * H[H_ROWS.hessian_power, i]
        S[S_ROWS.exp_avg_x, i] = beta1 * S[S_ROWS.exp_avg_x, i] + (1.0 - beta1) * GX[i]
        S[S_ROWS.exp_avg_y, i] = beta1 * S[S_ROWS.exp_avg_y, i] + (1.0 - beta1) * GY[i]
        if due(k, H[H_ROWS.update_period, i]):
            hxx = T[T_ROWS.hxx, i]
            hyy = T[T_ROWS.hyy, i]
            S[S_ROWS.exp_hessian_diag_sq_x, i] = (
                beta2 * S[S_ROWS.exp_hessian_diag_sq_x, i] + (1.0 - beta2) * hxx * hxx
            )
            S[S_ROWS.exp_hessian_diag_sq_y, i] = (
                beta2 * S[S_ROWS.exp_hessian_diag_sq_y, i] + (1.0 - beta2) * hyy * hyy
            )
        S[S_ROWS.beta1_power, i] *= beta1
        S[S_ROWS.beta2_power, i] *= beta2
        correction2 = 1.0 - S[S_ROWS.beta2_power, i]
        step_size = lr / (1.0 - S[S_ROWS.beta1_power, i])
        denominator_x = (S[S_ROWS.exp_hessian_diag_sq_x, i] / correction2) ** half_power
        denominator_y = (S[S_ROWS.exp_hessian_diag_sq_y, i] / correction2) ** half_power
        decay = 1.0 - lr * H[H_ROWS.weight_decay, i]
        xs[i] = decay * xs[i] - step_size * S[S_ROWS.exp_avg_x, i] / (
            denominator_x + eps
        )
        ys[i] = decay * ys[i] - step_size * S[S_ROWS.exp_avg_y, i] / (
            denominator_y + eps
        )
