"""Engine speed: our Numba kernels next to a NumPy-vectorized version of the same work,
measured in the same run (this machine is noisy: read the ratios).

    python benchmarks/bench_engine.py            # all workloads
    python benchmarks/bench_engine.py --quick    # fewer repetitions
    python benchmarks/bench_engine.py --against ../old   # (a), (b), (d) here and
                                                          # in another checkout

Workloads (issue #2):
  (a) one Adam trajectory, 10,000 steps on Rosenbrock, path recorded   target < 1 ms
  (b) sweep Adam over a 64x64 (lr, beta1) grid x 1,000 steps            target < 25 ms, >= 5x NumPy
      and the same 4,096 runs as a grid of start points
  (c) 512x512 start points x 500 Adam steps (final point, steps to tol)  target < 1 s
  (d) heavy-ball momentum over a 64x64 (lr, momentum) grid x 1,000 steps target < 10 ms
  plus JIT compile time (cold cache) and start-up from the on-disk cache in a new
  process (target < 1 s).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import optimizers  # noqa: E402

START = (-1.5, 2.0)
TOLERANCE = 1e-6


def best_of(function, repeats: int) -> float:
    """Best wall time in seconds over `repeats` calls after one warm-up call
    (repeats=0: the time of one cold call, for baselines too slow to repeat)."""
    if repeats == 0:
        began = time.perf_counter()
        function()
        return time.perf_counter() - began
    function()
    best = float("inf")
    for _ in range(repeats):
        began = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - began)
    return best


def rosenbrock_grad(x, y, a=1.0, b=100.0):
    valley = y - x * x
    f = (a - x) ** 2 + b * valley * valley
    return f, -2.0 * (a - x) - 4.0 * b * x * valley, 2.0 * b * valley


def numpy_adam(x, y, lr, beta1, beta2=0.999, eps=1e-8, steps=1000, record=False):
    """Adam (torch's form) vectorized over runs with NumPy, with the same bookkeeping."""
    x = np.array(x, dtype=np.float64)
    y = np.array(y, dtype=np.float64)
    mx, my, vx, vy = (np.zeros_like(x) for _ in range(4))
    reached = np.full(x.shape, -1)
    path = np.empty((steps + 1, 2) + x.shape) if record else None
    for k in range(steps + 1):
        f, gx, gy = rosenbrock_grad(x, y)
        reached = np.where((reached < 0) & (f <= TOLERANCE), k, reached)
        if record:
            path[k, 0] = x
            path[k, 1] = y
        if k == steps:
            break
        mx += (1 - beta1) * (gx - mx)
        my += (1 - beta1) * (gy - my)
        vx = beta2 * vx + (1 - beta2) * gx * gx
        vy = beta2 * vy + (1 - beta2) * gy * gy
        step_size = lr / (1 - beta1 ** (k + 1))
        root = np.sqrt(1 - beta2 ** (k + 1))
        x = x - step_size * mx / (np.sqrt(vx) / root + eps)
        y = y - step_size * my / (np.sqrt(vy) / root + eps)
    return x, y, reached, path


def numpy_momentum(x, y, lr, beta, steps=1000):
    x = np.array(x, dtype=np.float64)
    y = np.array(y, dtype=np.float64)
    vx, vy = np.zeros_like(x), np.zeros_like(x)
    reached = np.full(x.shape, -1)
    for k in range(steps + 1):
        f, gx, gy = rosenbrock_grad(x, y)
        reached = np.where((reached < 0) & (f <= TOLERANCE), k, reached)
        if k == steps:
            break
        vx = beta * vx - lr * gx
        vy = beta * vy - lr * gy
        x = x + vx
        y = y + vy
    return x, y, reached


def in_new_process(code: str, cache_dir: str) -> float:
    """Seconds a fresh interpreter needs to run `code` (import included)."""
    env = dict(os.environ, NUMBA_CACHE_DIR=cache_dir)
    script = (
        f"import time; t = time.perf_counter()\n{code}\nprint(time.perf_counter() - t)"
    )
    output = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return float(output.stdout.strip().splitlines()[-1])


# Numba imports scipy.linalg (~0.25-0.45 s) to probe for BLAS when it loads any cached
# kernel. scipy is a test dependency, not a runtime one: this prelude hides it, so the
# start-up row is what a user who installed only the app's dependencies waits.
WITHOUT_SCIPY = """
import importlib.abc, sys
class _HideScipy(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] == "scipy":
            raise ImportError("scipy is not a runtime dependency")
sys.meta_path.insert(0, _HideScipy())
"""


def row(label, ours, baseline, target):
    ratio = f"{baseline / ours:8.1f}x" if baseline else "       -"
    base = f"{baseline * 1e3:10.1f}" if baseline else "         -"
    print(f"{label:<46} {ours * 1e3:10.2f} {base} {ratio}   {target}")


# Workloads (a), (b) and (d), timed in a fresh process of a given checkout: the best
# of 10 after a warm-up call, in ms.
AGAINST = """
import json, time
import numpy as np
import optimizers
def best(function):
    function()
    times = []
    for _ in range(10):
        began = time.perf_counter()
        function()
        times.append(time.perf_counter() - began)
    return min(times) * 1e3
grid = {"lr": np.logspace(-4, -1, 64), "beta1": np.linspace(0.5, 0.99, 64)}
momentum = {"lr": np.logspace(-5, -3, 64), "momentum": np.linspace(0.0, 0.99, 64)}
start = (-1.5, 2.0)
print(json.dumps([
    best(lambda: optimizers.run("adam", "rosenbrock", start=start, steps=10_000,
                                lr=0.01)),
    best(lambda: optimizers.sweep("adam", "rosenbrock", steps=1000, start=start,
                                  grid=grid)),
    best(lambda: optimizers.sweep("momentum", "rosenbrock", steps=1000,
                                  start=start, grid=momentum)),
]))
"""


def against(other: Path, rounds: int = 5) -> None:
    """Workloads (a), (b), (d) in this tree and in the checkout `other`, in
    alternating fresh processes (each tree with its own warm kernel cache)."""
    import json

    trees = {"this tree": ROOT, "other": other.resolve()}
    best = {name: [float("inf")] * 3 for name in trees}
    with tempfile.TemporaryDirectory() as caches:
        for _ in range(rounds):
            for name, root in trees.items():
                env = dict(
                    os.environ,
                    PYTHONPATH=str(root),
                    NUMBA_CACHE_DIR=os.path.join(caches, name),
                )
                output = subprocess.run(
                    [sys.executable, "-c", AGAINST],
                    env=env,
                    cwd=root,
                    capture_output=True,
                    text=True,
                    check=True,
                )
                times = json.loads(output.stdout.strip().splitlines()[-1])
                best[name] = [min(a, b) for a, b in zip(best[name], times, strict=True)]
    labels = (
        "(a) Adam, 1 run x 10,000 steps, path",
        "(b) Adam, 64x64 (lr, beta1) grid x 1,000",
        "(d) momentum, 64x64 (lr, momentum) grid x 1,000",
    )
    print(
        f"{'workload, best of 10 x ' + str(rounds) + ' processes':<50}"
        f"{'this ms':>9}{'other ms':>10}{'ratio':>8}"
    )
    for i, label in enumerate(labels):
        ours, theirs = best["this tree"][i], best["other"][i]
        print(f"{label:<50}{ours:9.2f}{theirs:10.2f}{ours / theirs:8.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--against", type=Path, help="another checkout to compare")
    args = parser.parse_args()
    if args.against:
        against(args.against)
        return
    repeats = 3 if args.quick else 10

    lrs = np.logspace(-4, -1, 64)
    beta1s = np.linspace(0.5, 0.99, 64)
    grid = {"lr": lrs, "beta1": beta1s}
    side = np.linspace(-2.0, 2.0, 64)
    starts_64 = np.array([(x, y) for x in side for y in np.linspace(-1.0, 3.0, 64)])
    side_512x = np.linspace(-2.0, 2.0, 512)
    side_512y = np.linspace(-1.0, 3.0, 512)
    X, Y = np.meshgrid(side_512x, side_512y, indexing="ij")
    starts_512 = np.column_stack([X.ravel(), Y.ravel()])
    LR, B1 = np.meshgrid(lrs, beta1s, indexing="ij")
    moms = np.linspace(0.0, 0.99, 64)
    LRm, M = np.meshgrid(np.logspace(-5, -3, 64), moms, indexing="ij")

    print(f"{'workload':<46} {'ours ms':>10} {'numpy ms':>10} {'ratio':>9}   target")
    ours = best_of(
        lambda: optimizers.run(
            "adam", "rosenbrock", start=START, steps=10_000, lr=0.01
        ),
        repeats,
    )
    base = best_of(
        lambda: numpy_adam(START[0], START[1], 0.01, 0.9, steps=10_000, record=True), 1
    )
    row("(a) Adam, 1 run x 10,000 steps, path", ours, base, "< 1 ms")

    ours = best_of(
        lambda: optimizers.sweep(
            "adam", "rosenbrock", steps=1000, start=START, grid=grid
        ),
        repeats,
    )
    base = best_of(
        lambda: numpy_adam(
            np.full(LR.shape, START[0]), np.full(LR.shape, START[1]), LR, B1
        ),
        1,
    )
    row("(b) Adam, 64x64 (lr, beta1) grid x 1,000", ours, base, "< 25 ms, >= 5x")

    ours = best_of(
        lambda: optimizers.sweep(
            "adam", "rosenbrock", steps=1000, starts=starts_64, lr=0.01
        ),
        repeats,
    )
    base = best_of(lambda: numpy_adam(starts_64[:, 0], starts_64[:, 1], 0.01, 0.9), 1)
    row("(b') Adam, 4,096 start points x 1,000", ours, base, "< 25 ms, >= 5x")

    ours = best_of(
        lambda: optimizers.sweep(
            "adam", "rosenbrock", steps=500, starts=starts_512, lr=0.01
        ),
        max(1, repeats // 3),
    )
    base = best_of(
        lambda: numpy_adam(starts_512[:, 0], starts_512[:, 1], 0.01, 0.9, steps=500), 0
    )
    row("(c) Adam, 512x512 start points x 500", ours, base, "< 1 s")

    ours = best_of(
        lambda: optimizers.sweep(
            "momentum",
            "rosenbrock",
            steps=1000,
            start=START,
            grid={"lr": np.logspace(-5, -3, 64), "momentum": moms},
        ),
        repeats,
    )
    base = best_of(
        lambda: numpy_momentum(
            np.full(LRm.shape, START[0]), np.full(LRm.shape, START[1]), LRm, M
        ),
        1,
    )
    row("(d) momentum, 64x64 (lr, momentum) grid x 1,000", ours, base, "< 10 ms")

    code = (
        "import optimizers\n"
        "optimizers.run('adam', 'rosenbrock', steps=10)\n"
        "optimizers.sweep('adam', 'rosenbrock', steps=10, grid={'lr': [0.1, 0.01]})"
    )
    with tempfile.TemporaryDirectory() as cold:
        compile_time = in_new_process(code, cold)
        startup = min(in_new_process(WITHOUT_SCIPY + code, cold) for _ in range(3))
        with_scipy = min(in_new_process(code, cold) for _ in range(3))
    baseline_import = min(in_new_process("import numpy, numba", cold) for _ in range(3))
    row("JIT compile, cold cache (adam, new process)", compile_time, 0, "(measured)")
    row("start-up from cache (import + first run)", startup, 0, "< 1 s")
    row("  the same with scipy installed (test extra)", with_scipy, 0, "")
    row("  for scale: bare `import numpy, numba`", baseline_import, 0, "")


if __name__ == "__main__":
    main()
