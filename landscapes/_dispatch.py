"""The integer-id switch through which kernels reach a landscape's jitted math.

Each branch of the chunk functions holds a whole loop, so the switch is decided once
per chunk and the loop inside is straight-line code LLVM can vectorize. They are plain
cached functions, not inlined: each optimizer kernel then compiles in seconds instead of
re-compiling every surface's loop. Ids are module constants, which Numba
freezes into the compiled code.
"""

import numpy as np

from landscapes import (
    _program,
    ackley,
    beale,
    booth,
    goldstein_price,
    himmelblau,
    linear_net,
    linear_regression,
    logistic_regression,
    loss_slice,
    monkey_saddle,
    plateau,
    quadratic,
    rastrigin,
    rosenbrock,
    saddle,
    six_hump_camel,
    styblinski_tang,
)
from landscapes._jit import jit, jit_chunked, jit_entry

ROSENBROCK = 0
BEALE = 1
HIMMELBLAU = 2
BOOTH = 3
GOLDSTEIN_PRICE = 4
SIX_HUMP_CAMEL = 5
RASTRIGIN = 6
ACKLEY = 7
STYBLINSKI_TANG = 8
QUADRATIC = 9
SADDLE = 10
MONKEY_SADDLE = 11
PLATEAU = 12
LINEAR_REGRESSION = 13
LOGISTIC_REGRESSION = 14
MLP_SLICE = 15
LINEAR_NET = 16
CUSTOM = 17  # a typed f(x, y): its programs in p, run by landscapes._program

IDS = {
    "rosenbrock": ROSENBROCK,
    "beale": BEALE,
    "himmelblau": HIMMELBLAU,
    "booth": BOOTH,
    "goldstein_price": GOLDSTEIN_PRICE,
    "six_hump_camel": SIX_HUMP_CAMEL,
    "rastrigin": RASTRIGIN,
    "ackley": ACKLEY,
    "styblinski_tang": STYBLINSKI_TANG,
    "quadratic": QUADRATIC,
    "saddle": SADDLE,
    "monkey_saddle": MONKEY_SADDLE,
    "plateau": PLATEAU,
    "linear_regression": LINEAR_REGRESSION,
    "logistic_regression": LOGISTIC_REGRESSION,
    "mlp_slice": MLP_SLICE,
    "linear_net": LINEAR_NET,
    "custom": CUSTOM,
}


@jit
def evaluate_chunk(lid, p, xs, ys, m, F, GX, GY):
    """F, GX, GY[i] = f, ∂f/∂x, ∂f/∂y at (xs[i], ys[i]) for i < m."""
    if lid == ROSENBROCK:
        for i in range(m):
            F[i], GX[i], GY[i] = rosenbrock.value_grad(xs[i], ys[i], p)

    elif lid == BEALE:
        for i in range(m):
            F[i], GX[i], GY[i] = beale.value_grad(xs[i], ys[i], p)

    elif lid == HIMMELBLAU:
        for i in range(m):
            F[i], GX[i], GY[i] = himmelblau.value_grad(xs[i], ys[i], p)

    elif lid == BOOTH:
        for i in range(m):
            F[i], GX[i], GY[i] = booth.value_grad(xs[i], ys[i], p)

    elif lid == GOLDSTEIN_PRICE:
        for i in range(m):
            F[i], GX[i], GY[i] = goldstein_price.value_grad(xs[i], ys[i], p)

    elif lid == SIX_HUMP_CAMEL:
        for i in range(m):
            F[i], GX[i], GY[i] = six_hump_camel.value_grad(xs[i], ys[i], p)

    elif lid == RASTRIGIN:
        for i in range(m):
            F[i], GX[i], GY[i] = rastrigin.value_grad(xs[i], ys[i], p)

    elif lid == ACKLEY:
        for i in range(m):
            F[i], GX[i], GY[i] = ackley.value_grad(xs[i], ys[i], p)

    elif lid == STYBLINSKI_TANG:
        for i in range(m):
            F[i], GX[i], GY[i] = styblinski_tang.value_grad(xs[i], ys[i], p)

    elif lid == QUADRATIC:
        for i in range(m):
            F[i], GX[i], GY[i] = quadratic.value_grad(xs[i], ys[i], p)

    elif lid == SADDLE:
        for i in range(m):
            F[i], GX[i], GY[i] = saddle.value_grad(xs[i], ys[i], p)

    elif lid == MONKEY_SADDLE:
        for i in range(m):
            F[i], GX[i], GY[i] = monkey_saddle.value_grad(xs[i], ys[i], p)

    elif lid == PLATEAU:
        for i in range(m):
            F[i], GX[i], GY[i] = plateau.value_grad(xs[i], ys[i], p)

    elif lid == LINEAR_REGRESSION:
        for i in range(m):
            F[i], GX[i], GY[i] = linear_regression.value_grad(xs[i], ys[i], p)

    elif lid == LOGISTIC_REGRESSION:
        for i in range(m):
            F[i], GX[i], GY[i] = logistic_regression.value_grad(xs[i], ys[i], p)

    elif lid == MLP_SLICE:
        for i in range(m):
            F[i], GX[i], GY[i] = loss_slice.value_grad(xs[i], ys[i], p)

    elif lid == LINEAR_NET:
        for i in range(m):
            F[i], GX[i], GY[i] = linear_net.value_grad(xs[i], ys[i], p)

    elif lid == CUSTOM:  # one instruction at a time across the chunk
        _program.value_grad_chunk(p, xs, ys, m, F, GX, GY)


@jit
def hessian_chunk(lid, p, xs, ys, m, HXX, HXY, HYY):
    """HXX, HXY, HYY[i] = the Hessian entries at (xs[i], ys[i]) for i < m."""
    if lid == ROSENBROCK:
        for i in range(m):
            HXX[i], HXY[i], HYY[i] = rosenbrock.hessian(xs[i], ys[i], p)

    elif lid == BEALE:
        for i in range(m):
            HXX[i], HXY[i], HYY[i] = beale.hessian(xs[i], ys[i], p)

    elif lid == HIMMELBLAU:
        for i in range(m):
            HXX[i], HXY[i], HYY[i] = himmelblau.hessian(xs[i], ys[i], p)

    elif lid == BOOTH:
        for i in range(m):
            HXX[i], HXY[i], HYY[i] = booth.hessian(xs[i], ys[i], p)

    elif lid == GOLDSTEIN_PRICE:
        for i in range(m):
            HXX[i], HXY[i], HYY[i] = goldstein_price.hessian(xs[i], ys[i], p)

    elif lid == SIX_HUMP_CAMEL:
        for i in range(m):
            HXX[i], HXY[i], HYY[i] = six_hump_camel.hessian(xs[i], ys[i], p)

    elif lid == RASTRIGIN:
        for i in range(m):
            HXX[i], HXY[i], HYY[i] = rastrigin.hessian(xs[i], ys[i], p)

    elif lid == ACKLEY:
        for i in range(m):
            HXX[i], HXY[i], HYY[i] = ackley.hessian(xs[i], ys[i], p)

    elif lid == STYBLINSKI_TANG:
        for i in range(m):
            HXX[i], HXY[i], HYY[i] = styblinski_tang.hessian(xs[i], ys[i], p)

    elif lid == QUADRATIC:
        for i in range(m):
            HXX[i], HXY[i], HYY[i] = quadratic.hessian(xs[i], ys[i], p)

    elif lid == SADDLE:
        for i in range(m):
            HXX[i], HXY[i], HYY[i] = saddle.hessian(xs[i], ys[i], p)

    elif lid == MONKEY_SADDLE:
        for i in range(m):
            HXX[i], HXY[i], HYY[i] = monkey_saddle.hessian(xs[i], ys[i], p)

    elif lid == PLATEAU:
        for i in range(m):
            HXX[i], HXY[i], HYY[i] = plateau.hessian(xs[i], ys[i], p)

    elif lid == LINEAR_REGRESSION:
        for i in range(m):
            HXX[i], HXY[i], HYY[i] = linear_regression.hessian(xs[i], ys[i], p)

    elif lid == LOGISTIC_REGRESSION:
        for i in range(m):
            HXX[i], HXY[i], HYY[i] = logistic_regression.hessian(xs[i], ys[i], p)

    elif lid == MLP_SLICE:
        for i in range(m):
            HXX[i], HXY[i], HYY[i] = loss_slice.hessian(xs[i], ys[i], p)

    elif lid == LINEAR_NET:
        for i in range(m):
            HXX[i], HXY[i], HYY[i] = linear_net.hessian(xs[i], ys[i], p)

    elif lid == CUSTOM:
        _program.hessian_chunk(p, xs, ys, m, HXX, HXY, HYY)


@jit_entry("surfaces:point")
def value_grad(lid, p, x, y):
    """(f, ∂f/∂x, ∂f/∂y) at one point."""
    if lid == ROSENBROCK:
        return rosenbrock.value_grad(x, y, p)

    elif lid == BEALE:
        return beale.value_grad(x, y, p)

    elif lid == HIMMELBLAU:
        return himmelblau.value_grad(x, y, p)

    elif lid == BOOTH:
        return booth.value_grad(x, y, p)

    elif lid == GOLDSTEIN_PRICE:
        return goldstein_price.value_grad(x, y, p)

    elif lid == SIX_HUMP_CAMEL:
        return six_hump_camel.value_grad(x, y, p)

    elif lid == RASTRIGIN:
        return rastrigin.value_grad(x, y, p)

    elif lid == ACKLEY:
        return ackley.value_grad(x, y, p)

    elif lid == STYBLINSKI_TANG:
        return styblinski_tang.value_grad(x, y, p)

    elif lid == QUADRATIC:
        return quadratic.value_grad(x, y, p)

    elif lid == SADDLE:
        return saddle.value_grad(x, y, p)

    elif lid == MONKEY_SADDLE:
        return monkey_saddle.value_grad(x, y, p)

    elif lid == PLATEAU:
        return plateau.value_grad(x, y, p)

    elif lid == LINEAR_REGRESSION:
        return linear_regression.value_grad(x, y, p)

    elif lid == LOGISTIC_REGRESSION:
        return logistic_regression.value_grad(x, y, p)

    elif lid == MLP_SLICE:
        return loss_slice.value_grad(x, y, p)

    elif lid == LINEAR_NET:
        return linear_net.value_grad(x, y, p)

    elif lid == CUSTOM:
        return _program.value_grad(x, y, p)

    return np.nan, np.nan, np.nan


@jit_entry("surfaces:point")
def hessian(lid, p, x, y):
    """(∂²f/∂x², ∂²f/∂x∂y, ∂²f/∂y²) at one point."""
    if lid == ROSENBROCK:
        return rosenbrock.hessian(x, y, p)

    elif lid == BEALE:
        return beale.hessian(x, y, p)

    elif lid == HIMMELBLAU:
        return himmelblau.hessian(x, y, p)

    elif lid == BOOTH:
        return booth.hessian(x, y, p)

    elif lid == GOLDSTEIN_PRICE:
        return goldstein_price.hessian(x, y, p)

    elif lid == SIX_HUMP_CAMEL:
        return six_hump_camel.hessian(x, y, p)

    elif lid == RASTRIGIN:
        return rastrigin.hessian(x, y, p)

    elif lid == ACKLEY:
        return ackley.hessian(x, y, p)

    elif lid == STYBLINSKI_TANG:
        return styblinski_tang.hessian(x, y, p)

    elif lid == QUADRATIC:
        return quadratic.hessian(x, y, p)

    elif lid == SADDLE:
        return saddle.hessian(x, y, p)

    elif lid == MONKEY_SADDLE:
        return monkey_saddle.hessian(x, y, p)

    elif lid == PLATEAU:
        return plateau.hessian(x, y, p)

    elif lid == LINEAR_REGRESSION:
        return linear_regression.hessian(x, y, p)

    elif lid == LOGISTIC_REGRESSION:
        return logistic_regression.hessian(x, y, p)

    elif lid == MLP_SLICE:
        return loss_slice.hessian(x, y, p)

    elif lid == LINEAR_NET:
        return linear_net.hessian(x, y, p)

    elif lid == CUSTOM:
        return _program.hessian(x, y, p)

    return np.nan, np.nan, np.nan


@jit_chunked("surfaces")
def evaluate_many(lid, p, xs, ys, F, GX, GY, first, stride):
    """`evaluate_chunk` over a long flat array (a contour grid), chunks first,
    first + stride, ... of it."""
    n = xs.size
    chunk = 4096
    for c in range(first, (n + chunk - 1) // chunk, stride):
        lo = c * chunk
        hi = min(n, lo + chunk)
        evaluate_chunk(
            lid, p, xs[lo:hi], ys[lo:hi], hi - lo, F[lo:hi], GX[lo:hi], GY[lo:hi]
        )


@jit_entry("surfaces:more")
def hessian_many(lid, p, xs, ys, HXX, HXY, HYY):
    hessian_chunk(lid, p, xs, ys, xs.size, HXX, HXY, HYY)


@jit_entry("surfaces:more")
def examples(lid, p, x, y, F, GX, GY):
    """F, GX, GY[i] = example i's loss and gradient at (x, y), for every example of an
    empirical-risk surface (``landscapes.empirical``); NaN for any other surface."""
    n = int(p[0])
    for i in range(n):
        if lid == LINEAR_REGRESSION:
            F[i], GX[i], GY[i] = linear_regression.example(x, y, p, i)
        elif lid == LOGISTIC_REGRESSION:
            F[i], GX[i], GY[i] = logistic_regression.example(x, y, p, i)
        elif lid == MLP_SLICE:
            F[i], GX[i], GY[i] = loss_slice.example(x, y, p, i)
        else:
            F[i], GX[i], GY[i] = np.nan, np.nan, np.nan
