"""Kernels called from several threads at once (as Streamlit's sessions call them)
never abort the process, whatever Numba threading layer the machine has, and a call
split over the worker threads computes exactly what one thread does.

No kernel is compiled with ``parallel=True`` (landscapes._jit): heavy calls are split
over a thread pool instead. Each concurrency case runs in a fresh process with
NUMBA_THREADING_LAYER set, including ``workqueue``, which aborts the process when two
threads launch a ``parallel=True`` kernel at once: four threads each run sweeps heavy
enough for the pool, and surface grids, ten times and compare them with the same work
done alone.
"""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import landscapes
import optimizers
from landscapes import _jit

ROOT = Path(__file__).resolve().parent.parent

WORK = """
import threading

import numpy as np

import landscapes
import optimizers
from landscapes import _jit

rates = np.linspace(0.01, 0.15, 1024)
assert 1024 * 1000 >= _jit.PARALLEL_MIN_WORK  # heavy: split over the pool
expected = optimizers.sweep("gd", "quadratic", steps=1000, grid={"lr": rates}).final
X, Y = np.meshgrid(np.linspace(-1, 1, 300), np.linspace(-1, 1, 300))
grid = landscapes.get("rosenbrock").value(X, Y)
errors = []


def work():
    try:
        for _ in range(10):
            got = optimizers.sweep("gd", "quadratic", steps=1000, grid={"lr": rates})
            assert np.array_equal(got.final, expected)
            assert np.array_equal(landscapes.get("rosenbrock").value(X, Y), grid)
    except Exception as error:
        errors.append(repr(error))


threads = [threading.Thread(target=work) for _ in range(4)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(len(errors), errors[:1])
"""


@pytest.mark.parametrize("layer", ["tbb", "omp", "workqueue"])
def test_concurrent_sweeps_under_each_layer(tmp_path, layer):
    script = tmp_path / "threaded_sweeps.py"
    script.write_text(WORK)
    env = {**os.environ, "NUMBA_THREADING_LAYER": layer, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, str(script)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    errors, _ = result.stdout.split(maxsplit=1)
    assert errors == "0", result.stdout


def test_a_split_call_equals_one_thread(monkeypatch):
    """Every run of a heavy sweep (an uneven number of chunks, some runs diverging)
    and every point of a heavy grid comes out bit for bit as one thread computes it:
    no chunk is skipped or done twice."""
    rates = np.geomspace(1e-4, 1.0, 1000)  # 4 chunks of 256, the last one short
    sweep = dict(steps=1500, grid={"lr": rates}, start=(-1.2, 1.0))
    assert len(rates) * 1500 >= _jit.PARALLEL_MIN_WORK
    X, Y = np.meshgrid(np.linspace(-2, 2, 700), np.linspace(-1, 3, 700))
    split = optimizers.sweep("momentum", "rosenbrock", **sweep)
    split_grid = landscapes.get("rosenbrock").grad(X, Y)
    monkeypatch.setattr(_jit, "WORKERS", 1)
    alone = optimizers.sweep("momentum", "rosenbrock", **sweep)
    assert (alone.diverged_at >= 0).any() and (alone.diverged_at < 0).any()
    for field in ("final", "final_loss", "diverged_at", "steps_to_tolerance"):
        assert np.array_equal(getattr(split, field), getattr(alone, field)), field
    assert np.array_equal(split_grid, landscapes.get("rosenbrock").grad(X, Y))


def test_workers_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("DESCENT_LAB_THREADS", "3")
    assert _jit._workers() == 3
    for junk in ("0", "-2", "many", ""):
        monkeypatch.setenv("DESCENT_LAB_THREADS", junk)
        assert _jit._workers() == (os.cpu_count() or 1)
