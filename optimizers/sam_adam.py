r"""SAM with Adam's step: Adam (torch's and optax's form) fed the SAM gradient.

.. math::
    \begin{align*}
    \epsilon_t &= \rho\,\frac{\nabla f(\theta_{t-1})}{\lVert\nabla f(\theta_{t-1})\rVert
        + 10^{-12}}, \qquad g_t = \nabla f(\theta_{t-1} + \epsilon_t) \\
    \theta_t &= \operatorname{Adam}(\theta_{t-1}, g_t)
    \end{align*}

ρ = ``rho``; every other hyperparameter is Adam's (``lr``, ``betas``, ``eps``,
``weight_decay``, ``amsgrad``, ...), in Adam's order, and the step is `adam.step`
itself after `sam.ascent_gradient`: one source for each rule. Reference: P. Foret et
al. (2021); optax.contrib.sam with outer optimizer ``optax.adam`` (the optax SAM
notebook's "SAM with Adam").
"""

from dataclasses import replace

from landscapes._jit import jit_inline
from optimizers import adam, sam
from optimizers._spec import OptimizerSpec

SPEC: OptimizerSpec = replace(
    adam.SPEC,
    name="sam_adam",
    family="sharpness-aware",
    title="SAM with Adam",
    hyperparameters=(*adam.SPEC.hyperparameters, sam.RHO),
    latex=(
        r"\begin{aligned}" + sam.ASCENT_LATEX + r"\theta_t &= \mathrm{Adam}"
        r"(\theta_{t-1}, g_t)\end{aligned}"
    ),
    reference=sam.REFERENCE + " Adam as in torch.optim.Adam.",
    torch_class=None,
)

H_ROWS = SPEC.hyperparameter_rows()
# adam.step reads H through Adam's rows: they must be ours too.
assert tuple(H_ROWS)[: len(adam.H_ROWS)] == tuple(adam.H_ROWS)

init = adam.init


@jit_inline
def step(k, S, H, m, xs, ys, F, GX, GY, LR, evaluate, point, hessian, lp, T, groups):
    sam.ascent_gradient(H, H_ROWS.rho, m, xs, ys, GX, GY, evaluate, lp, T)
    adam.step(
        k, S, H, m, xs, ys, F, GX, GY, LR, evaluate, point, hessian, lp, T, groups
    )
