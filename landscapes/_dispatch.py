"""How kernels reach a landscape's jitted math.

Two ways, both generated from the one table `MODULES` (a surface's module by name;
every surface module defines ``value_grad(x, y, p)`` and ``hessian(x, y, p)``, the
empirical risks also ``example(x, y, p, i)``):

- **Per surface** (`surface_kernel(lid, kind)`): what Python calls (a contour grid,
  one point, Hessians, per-example losses) is compiled for that surface alone, from
  templates whose global ``_surface`` is the surface's module. A page that draws
  Rosenbrock compiles Rosenbrock's kernels (about a second), not every surface's.
- **As first-class functions** (`surface_functions(lid)`): f and ∇f on a chunk of
  points and at one point, and the Hessian on a chunk, which the runs driver and
  the optimizers' steps (line searches, Newton, SAM, Nesterov momentum) take as
  arguments and call through a pointer. One compiled driver serves every surface,
  and a surface costs only its own functions' compile.

The integer ids (`IDS`) name surfaces across processes (the interpreter rebuilds a
kernel from its id).
"""

import functools

import numpy as np
from numba import types

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
from landscapes._jit import FirstClass, bind, jit_chunked, jit_entry

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


# Every surface's module by registry name (the typed one, "custom", is run by
# landscapes._program): the per-surface kernels are generated from this table, and
# tests/test_landscapes.py checks it against IDS and the registry.
MODULES = {
    "rosenbrock": rosenbrock,
    "beale": beale,
    "himmelblau": himmelblau,
    "booth": booth,
    "goldstein_price": goldstein_price,
    "six_hump_camel": six_hump_camel,
    "rastrigin": rastrigin,
    "ackley": ackley,
    "styblinski_tang": styblinski_tang,
    "quadratic": quadratic,
    "saddle": saddle,
    "monkey_saddle": monkey_saddle,
    "plateau": plateau,
    "linear_regression": linear_regression,
    "logistic_regression": logistic_regression,
    "mlp_slice": loss_slice,
    "linear_net": linear_net,
    "custom": _program,
}
NAMES = {lid: name for name, lid in IDS.items()}
GRID_CHUNK = 4096


# Templates of the per-surface kernels: `_surface` is bound to a surface's module.
def _grid(p, xs, ys, F, GX, GY, first, stride):
    """F, GX, GY = f, ∂f/∂x, ∂f/∂y at every (xs[i], ys[i]) of a long flat array (a
    contour grid), chunks first, first + stride, ... of it."""
    n = xs.size
    for c in range(first, (n + GRID_CHUNK - 1) // GRID_CHUNK, stride):
        for i in range(c * GRID_CHUNK, min(n, (c + 1) * GRID_CHUNK)):
            F[i], GX[i], GY[i] = _surface.value_grad(xs[i], ys[i], p)  # noqa: F821


def _grid_program(p, xs, ys, F, GX, GY, first, stride):
    """`_grid` for a typed surface: one instruction at a time across a chunk."""
    n = xs.size
    for c in range(first, (n + GRID_CHUNK - 1) // GRID_CHUNK, stride):
        lo = c * GRID_CHUNK
        hi = min(n, lo + GRID_CHUNK)
        _surface.value_grad_chunk(  # noqa: F821
            p, xs[lo:hi], ys[lo:hi], hi - lo, F[lo:hi], GX[lo:hi], GY[lo:hi]
        )


def _point(p, x, y):
    """(f, ∂f/∂x, ∂f/∂y) at one point."""
    return _surface.value_grad(x, y, p)  # noqa: F821


def _hessian_point(p, x, y):
    """(∂²f/∂x², ∂²f/∂x∂y, ∂²f/∂y²) at one point."""
    return _surface.hessian(x, y, p)  # noqa: F821


def _hessian_grid(p, xs, ys, HXX, HXY, HYY):
    for i in range(xs.size):
        HXX[i], HXY[i], HYY[i] = _surface.hessian(xs[i], ys[i], p)  # noqa: F821


def _examples(p, x, y, F, GX, GY):
    """F, GX, GY[i] = example i's loss and gradient at (x, y), for every example of
    an empirical-risk surface (``landscapes.empirical``)."""
    for i in range(int(p[0])):
        F[i], GX[i], GY[i] = _surface.example(x, y, p, i)  # noqa: F821


_TEMPLATES = {
    "point": _point,
    "hessian_point": _hessian_point,
    "hessian_grid": _hessian_grid,
    "examples": _examples,
}


@functools.cache
def surface_kernel(lid: int, kind: str):
    """Surface `lid`'s own compiled kernel of `kind`: "grid" (called as
    ``kernel(work, p, xs, ys, F, GX, GY)``, split over the cores when heavy),
    "point" and "hessian_point" (``kernel(p, x, y)``), "hessian_grid"
    (``kernel(p, xs, ys, HXX, HXY, HYY)``) or "examples" (``kernel(p, x, y, F, GX,
    GY)``, empirical risks only). Built once per process; compiled on first call or
    loaded from the cache; its first call goes through ``_jit.first_call`` with the
    warm-up task ``grid:<surface>``."""
    name = NAMES[lid]
    module = MODULES[name]
    task = f"grid:{name}"
    if kind == "grid":
        template = _grid_program if lid == CUSTOM else _grid
        decorate = jit_chunked(task, "surface_kernel", lid, kind)
        return bind(template, f"grid_{name}", decorate, _surface=module)
    if kind == "examples" and not hasattr(module, "example"):
        raise ValueError(f"{name} has no examples: it is not an empirical risk")
    kernel = bind(_TEMPLATES[kind], f"{kind}_{name}", jit_entry(task), _surface=module)
    kernel.locator = ("landscapes._dispatch", "surface_kernel", lid, kind)
    return kernel


# The landscape's functions the runs driver takes as first-class values
# (landscapes._jit.FirstClass): f and ∇f on a chunk of points and at one point, and
# the Hessian on a chunk.
_VECTOR = types.float64[::1]
CHUNK_SIGNATURE = types.void(
    _VECTOR, _VECTOR, _VECTOR, types.int64, _VECTOR, _VECTOR, _VECTOR
)
POINT_SIGNATURE = types.UniTuple(types.float64, 3)(
    _VECTOR, types.float64, types.float64
)


def _chunk(p, xs, ys, m, F, GX, GY):
    for i in range(m):
        F[i], GX[i], GY[i] = _surface.value_grad(xs[i], ys[i], p)  # noqa: F821


def _chunk_program(p, xs, ys, m, F, GX, GY):
    _surface.value_grad_chunk(p, xs, ys, m, F, GX, GY)  # noqa: F821


def _hessian_chunk(p, xs, ys, m, HXX, HXY, HYY):
    for i in range(m):
        HXX[i], HXY[i], HYY[i] = _surface.hessian(xs[i], ys[i], p)  # noqa: F821


def _hessian_chunk_program(p, xs, ys, m, HXX, HXY, HYY):
    _surface.hessian_chunk(p, xs, ys, m, HXX, HXY, HYY)  # noqa: F821


# Training has no surface: its steps get these (the steps that would call them,
# line searches and the like, are not trainable).
def _no_chunk(p, xs, ys, m, F, GX, GY):
    for i in range(m):
        F[i] = GX[i] = GY[i] = np.nan


def _no_point(p, x, y):
    return np.nan, np.nan, np.nan


@functools.cache
def surface_functions(lid: int) -> tuple[FirstClass, FirstClass, FirstClass]:
    """Surface `lid`'s (evaluate, point, hessian) functions as the runs driver and
    the optimizers' steps take them: ``evaluate(p, xs, ys, m, F, GX, GY)`` writes f,
    ∂f/∂x, ∂f/∂y at the first m points, ``point(p, x, y)`` returns them at one,
    ``hessian(p, xs, ys, m, HXX, HXY, HYY)`` writes the Hessian's entries.
    Compiled for that surface alone (the warm-up's task ``grid:<surface>``), so no
    kernel links any surface's code. `lid` -1: no surface (network training)."""
    if lid == -1:
        plain = _no_chunk, _no_point, _no_chunk
        name, module = "none", None
    else:
        name = NAMES[lid]
        module = MODULES[name]
        typed = lid == CUSTOM
        plain = (
            _chunk_program if typed else _chunk,
            _point,
            _hessian_chunk_program if typed else _hessian_chunk,
        )
    signatures = (CHUNK_SIGNATURE, POINT_SIGNATURE, CHUNK_SIGNATURE)
    kinds = ("evaluate", "point", "hessian")
    return tuple(
        FirstClass(
            bind(template, f"{kind}_{name}", lambda f: f, _surface=module), signature
        )
        for template, kind, signature in zip(plain, kinds, signatures, strict=True)
    )


def point(lid: int, p, x: float, y: float):
    """(f, ∂f/∂x, ∂f/∂y) of surface `lid` at one point, from Python."""
    return surface_kernel(lid, "point")(p, float(x), float(y))


def hessian_point(lid: int, p, x: float, y: float):
    """The Hessian's entries (xx, xy, yy) of surface `lid` at one point, from
    Python."""
    return surface_kernel(lid, "hessian_point")(p, float(x), float(y))
