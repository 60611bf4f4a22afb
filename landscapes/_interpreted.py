"""The kernels' own Python source, run by a plain interpreter while Numba compiles.

On a machine whose kernel cache is empty, each kernel costs seconds of compile on its
first use (a driver ~3 s, an optimizer or a surface ~0.3-1.6 s on 2 cores). But every
kernel is ordinary Python that Numba compiles: with ``NUMBA_DISABLE_JIT=1`` the same
source runs as it is, ~1,000 times slower per step and yet fast enough for a
Playground (4 runs x 1,000 steps: ~0.2 s; a 320x320 contour grid: 1-2 s). So while
the background warm-up (optimizers.warm) compiles, the app hands a kernel's first
calls to one interpreter process started with that flag, and gets the same numbers
(the same IEEE operations in the same order; the tests compare them with the
compiled kernels').

The interpreter is a child process (Numba's flag is read once, at import) that reads
``(locator, work, args)`` requests on stdin and answers on stdout: the kernel's
return value and every array argument, which the kernels write their results into.
One request at a time; callers in several threads queue on a lock.

It ends when its stdin closes, and mid-call when the server that started it is gone
(landscapes._lifeline).

    python -m landscapes._interpreted PARENT_PID  # the child; not run by hand
"""

from __future__ import annotations

import importlib
import os
import pickle
import signal
import subprocess
import sys
import threading
import warnings
from pathlib import Path

import numpy as np

# About what one point evaluation (one step of one run, one grid point) costs in the
# interpreter, measured (2026-12-03, 2 cores): an Adam step 42 µs, a contour grid's
# point 8 µs (Rosenbrock) to 23 µs (Goldstein-Price). Calls whose estimate exceeds
# MAX_SECONDS wait for the compiled kernel instead; the largest Playground (6 runs x
# 5,000 steps) and its 320x320 contour grid stay under it.
SECONDS_PER_POINT = 25e-6
MAX_SECONDS = 4.0


def affordable(work) -> bool:
    """Is a call of `work` point evaluations quick enough to interpret?"""
    return work is not None and work * SECONDS_PER_POINT <= MAX_SECONDS


def _resolve(where: tuple):
    """The kernel a `landscapes._jit.locator` names, in this process."""
    module = importlib.import_module(where[0])
    found = getattr(module, where[1])
    return found(*where[2:]) if len(where) > 2 else found


class Interpreter:
    """A child process running kernels as plain Python. Thread-safe; the child is
    started on first use (or by `start`) and again if it has died."""

    def __init__(self):
        self._lock = threading.Lock()
        self._process = None

    @property
    def started(self) -> bool:
        return self._process is not None

    def start(self) -> None:
        with self._lock:
            self._ensure()

    def _ensure(self):
        if self._process is not None and self._process.poll() is None:
            return self._process
        root = Path(__file__).resolve().parent.parent
        environment = {
            **os.environ,
            "NUMBA_DISABLE_JIT": "1",
            "DESCENT_LAB_THREADS": "1",  # pure Python holds the GIL: threads gain nothing
            "PYTHONPATH": os.pathsep.join(
                [str(root), os.environ.get("PYTHONPATH", "")]
            ),
        }
        self._process = subprocess.Popen(
            [sys.executable, "-m", "landscapes._interpreted", str(os.getpid())],
            cwd=root,
            env=environment,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        return self._process

    def call(self, kernel, work, args):
        """``kernel(work, *args)`` (a ChunkedKernel: `work` is not None) or
        ``kernel(*args)``, run in the child; array arguments receive what the
        kernel wrote into them. Raises what the kernel raised, or RuntimeError if
        the child died."""
        with self._lock:
            process = self._ensure()
            try:
                pickle.dump((kernel.locator, work, args), process.stdin, protocol=5)
                process.stdin.flush()
                ok, result, arrays = pickle.load(process.stdout)
            except (OSError, EOFError, pickle.UnpicklingError) as problem:
                self._stop()
                raise RuntimeError("the interpreter process died") from problem
        if not ok:
            raise result
        for index, array in arrays.items():
            np.copyto(args[index], array)
        return result

    def close(self) -> None:
        with self._lock:
            self._stop()

    def _stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        process.stdin.close()  # the child's loop ends at EOF
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()


def serve(requests, replies) -> None:
    """The child's loop: one request, one reply, until stdin closes."""
    # Numba's kernels wrap integer arithmetic and give inf/NaN silently
    # (error_model="numpy"); NumPy's scalars say so with warnings. Same numbers.
    np.seterr(all="ignore")
    warnings.simplefilter("ignore", RuntimeWarning)
    kernels = {}
    while True:
        try:
            where, work, args = pickle.load(requests)
        except EOFError:
            return
        try:
            if where not in kernels:
                kernels[where] = _resolve(where)
            kernel = kernels[where]
            result = kernel(*args) if work is None else kernel(work, *args)
            arrays = {i: a for i, a in enumerate(args) if isinstance(a, np.ndarray)}
            reply = (True, result, arrays)
        except Exception as problem:  # handed to the caller, who raises it
            reply = (False, problem, {})
        pickle.dump(reply, replies, protocol=5)
        replies.flush()


if __name__ == "__main__":
    import numba

    if not numba.config.DISABLE_JIT:
        raise SystemExit("run with NUMBA_DISABLE_JIT=1 (Interpreter does)")
    # The replies own the real stdout; a stray print goes to stderr instead.
    replies = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    sys.stdout = sys.stderr
    # A Ctrl-C in the server's terminal reaches this process too (its process
    # group): the server's end ends it (EOF), without a KeyboardInterrupt's
    # traceback in that terminal.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if len(sys.argv) > 1:  # mid-call too, not only at the next read (EOF)
        from landscapes import _lifeline

        _lifeline.watch(int(sys.argv[1]))
    serve(sys.stdin.buffer, replies)
