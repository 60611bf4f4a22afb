"""Typed surfaces: what a typed f(x, y) costs, next to the built-in Rosenbrock.

    python benchmarks/bench_expression.py

1. Parsing and the SymPy child: the child's start and first answer (Rosenbrock), a
   warm differentiation, parse_expression, and parse_surface uncached and cached.
2. The interpreter against the built-in surface, per point: a chunk of 256 points
   (what the optimizer kernels evaluate per step) and one point, each in a jitted
   loop so that no Python call is timed.
3. Adam, 4,096 runs x 1,000 steps in chunks of 256, one thread, in a jitted loop that
   calls either the built-in Rosenbrock's chunk function or the typed one's (the
   issue's target: within 3x). A stand-in for the real kernel until the dispatch
   knows typed surfaces: the same update, without its bookkeeping.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numba
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import landscapes  # noqa: E402
from landscapes import _dispatch, _program, expression  # noqa: E402

ROSENBROCK = "(1 - x)^2 + 100*(y - x^2)^2"


def best_of(function, repeats=5):
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def part_parsing():
    parsed = expression.parse_expression(ROSENBROCK)
    table = expression._table(parsed.tree, parsed.tree_root)
    item = {"nodes": table, "root": len(table) - 1}
    expression.WORKER.stop()
    start = time.perf_counter()
    expression.WORKER.run([item])
    first = time.perf_counter() - start
    warm = best_of(lambda: expression.WORKER.run([item]))
    parse = best_of(lambda: expression.parse_expression(ROSENBROCK), 50)
    expression._differentiate_cached.cache_clear()
    start = time.perf_counter()
    expression.parse_surface(ROSENBROCK)
    uncached = time.perf_counter() - start
    cached = best_of(lambda: expression.parse_surface(ROSENBROCK), 20)
    print("1. parsing and differentiation (Rosenbrock)")
    print(f"   child start + first answer     {first * 1e3:8.1f} ms")
    print(f"   differentiation, warm child    {warm * 1e3:8.1f} ms")
    print(f"   parse_expression               {parse * 1e3:8.2f} ms")
    print(f"   parse_surface, new expression  {uncached * 1e3:8.1f} ms")
    print(f"   parse_surface, cached          {cached * 1e3:8.2f} ms")


@numba.njit(cache=False)
def _builtin_chunks(lid, p, xs, ys, F, GX, GY, repeats):
    for _ in range(repeats):
        _dispatch.evaluate_chunk(lid, p, xs, ys, xs.size, F, GX, GY)


@numba.njit(cache=False)
def _typed_chunks(p, xs, ys, F, GX, GY, repeats):
    for _ in range(repeats):
        _program.value_grad_chunk(p, xs, ys, xs.size, F, GX, GY)


@numba.njit(cache=False)
def _builtin_points(lid, p, xs, ys, F, GX, GY, repeats):
    for _ in range(repeats):
        for i in range(xs.size):
            F[i], GX[i], GY[i] = _dispatch.value_grad(lid, p, xs[i], ys[i])


@numba.njit(cache=False)
def _typed_points(p, xs, ys, F, GX, GY, repeats):
    for _ in range(repeats):
        for i in range(xs.size):
            F[i], GX[i], GY[i] = _program.value_grad(xs[i], ys[i], p)


def part_interpreter(builtin, typed):
    rng = np.random.default_rng(0)
    xs, ys = rng.uniform(-2, 2, 256), rng.uniform(-1, 3, 256)
    out = [np.empty(256) for _ in range(3)]
    repeats = 4000
    lid, bp, tp = builtin.lid, builtin.kernel_params, typed.kernel_params
    runs = {
        "built-in, chunk of 256": lambda r: _builtin_chunks(lid, bp, xs, ys, *out, r),
        "typed, chunk of 256": lambda r: _typed_chunks(tp, xs, ys, *out, r),
        "built-in, one point": lambda r: _builtin_points(lid, bp, xs, ys, *out, r),
        "typed, one point": lambda r: _typed_points(tp, xs, ys, *out, r),
    }
    print("2. f and its gradient per point (Rosenbrock)")
    print(
        f"   program: {len(typed.value_grad_program.ops)} instructions, "
        f"{typed.value_grad_program.n_registers} registers"
    )
    for name, run in runs.items():
        run(1)  # compile
        seconds = best_of(lambda run=run: run(repeats))
        print(f"   {name:24s} {seconds / (repeats * 256) * 1e9:8.2f} ns")


@numba.njit(cache=False)
def _adam(typed, lid, p, start_x, start_y, lr, steps):
    n = start_x.size
    chunk = 256
    b1, b2, eps = 0.9, 0.999, 1e-8
    for c in range((n + chunk - 1) // chunk):
        lo = c * chunk
        hi = min(n, lo + chunk)
        m = hi - lo
        xs = start_x[lo:hi].copy()
        ys = start_y[lo:hi].copy()
        F, GX, GY = np.empty(m), np.empty(m), np.empty(m)
        mx, my, vx, vy = np.zeros(m), np.zeros(m), np.zeros(m), np.zeros(m)
        for k in range(steps):
            if typed:
                _program.value_grad_chunk(p, xs, ys, m, F, GX, GY)
            else:
                _dispatch.evaluate_chunk(lid, p, xs, ys, m, F, GX, GY)
            c1 = 1.0 - b1 ** (k + 1)
            c2 = 1.0 - b2 ** (k + 1)
            for i in range(m):
                mx[i] = b1 * mx[i] + (1 - b1) * GX[i]
                my[i] = b1 * my[i] + (1 - b1) * GY[i]
                vx[i] = b2 * vx[i] + (1 - b2) * GX[i] * GX[i]
                vy[i] = b2 * vy[i] + (1 - b2) * GY[i] * GY[i]
                xs[i] -= lr[lo + i] * (mx[i] / c1) / (np.sqrt(vx[i] / c2) + eps)
                ys[i] -= lr[lo + i] * (my[i] / c1) / (np.sqrt(vy[i] / c2) + eps)
        start_x[lo:hi] = xs
        start_y[lo:hi] = ys


def part_adam(builtin, typed):
    n, steps = 4096, 1000
    lr = np.geomspace(1e-4, 1e-1, n)

    def run(is_typed):
        p = typed.kernel_params if is_typed else builtin.kernel_params
        x, y = np.full(n, -1.5), np.full(n, 2.0)
        _adam(is_typed, builtin.lid, p, x, y, lr, steps)
        return x, y

    run(False), run(True)  # compile
    seconds_builtin = best_of(lambda: run(False), 3)
    seconds_typed = best_of(lambda: run(True), 3)
    (xb, yb), (xt, yt) = run(False), run(True)
    print("3. Adam, 4,096 runs x 1,000 steps, one thread (Rosenbrock)")
    print(f"   built-in {seconds_builtin * 1e3:8.1f} ms")
    print(
        f"   typed    {seconds_typed * 1e3:8.1f} ms   "
        f"({seconds_typed / seconds_builtin:.2f}x)"
    )
    difference = max(np.max(np.abs(xb - xt)), np.max(np.abs(yb - yt)))
    print(f"   largest difference of the final points: {difference:.2e}")


if __name__ == "__main__":
    part_parsing()
    builtin = landscapes.get("rosenbrock")
    typed = expression.parse_surface(ROSENBROCK)
    part_interpreter(builtin, typed)
    part_adam(builtin, typed)
