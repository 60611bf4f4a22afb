r"""AdamW: Adam with weight decay decoupled from the gradient, as torch.optim.AdamW.

.. math::
    \theta_{t-1} \leftarrow (1 - \eta_t\lambda)\,\theta_{t-1}, \text{ then the Adam step
    with } g_t = \nabla f(\theta_{t-1})

The update is ``adam.step`` with ``decoupled_weight_decay`` fixed to True; torch's
defaults differ from Adam's only in ``weight_decay`` = 0.01.
"""

from landscapes._jit import jit_inline
from optimizers import adam
from optimizers._spec import OptimizerSpec

# Each coordinate's update reads only that coordinate's gradient and state, so
# optimizers.train runs this same step on N parameters, two per kernel run.
COORDINATEWISE = True

SPEC = OptimizerSpec(
    name="adamw",
    family="adaptive",
    title="AdamW",
    hyperparameters=adam.hyperparameters(0.01, True, settable=False),
    latex=(
        r"\begin{aligned}\theta_{t-1} &\leftarrow (1-\eta_t\lambda)\,\theta_{t-1}\\"
        + adam.LINES
        + r"\end{aligned}"
    ),
    reference=(
        "I. Loshchilov and F. Hutter (2019), Decoupled weight decay regularization, "
        "ICLR; torch.optim.AdamW."
    ),
    state=adam.SPEC.state,
    internal_state=adam.SPEC.internal_state,
    tuples=adam.SPEC.tuples,
    torch_class="AdamW",
)


# adam.init and adam.step read H and S through adam's row names (adam.H_ROWS,
# adam.S_ROWS): the same rows as this SPEC's (tests/test_spec.py checks it).
@jit_inline
def init(S, H, m):
    adam.init(S, H, m)


@jit_inline
def step(k, S, H, m, xs, ys, F, GX, GY, LR, evaluate, point, hessian, lp, T, groups):
    adam.step(
        k, S, H, m, xs, ys, F, GX, GY, LR, evaluate, point, hessian, lp, T, groups
    )
