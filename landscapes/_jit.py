"""Every Numba flag of the project, decided once.

Kernels receive a landscape's functions and an optimizer's (``landscapes._dispatch``,
``optimizers._driver``) as first-class function values (`FirstClass`: each function
compiled on its own with a fixed signature, passed as a pointer), never as a jitted
function whose type is itself: Numba would compile the kernel again for every such
function and could not cache it. A first-class function's type is its signature, so
one compiled, cached kernel serves them all.

``cache=True`` only checks the timestamp of the file that defines a kernel, not the
files whose functions it inlines. So the on-disk cache lives in a folder named after a
hash of every source file of ``landscapes`` and ``optimizers``: any edit anywhere gives
a fresh folder and no stale kernel can load. The base folder is ``NUMBA_CACHE_DIR``
when set (set it for read-only deployments), else ``~/.cache/descent-lab/numba``.

``fastmath`` stays off: it changes NaN/inf handling (divergence detection relies on it)
and lets paths differ across machines. ``error_model="numpy"`` makes 1/0 give inf
instead of raising, which also lets LLVM vectorize divisions.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import types
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numba
from numba.core import cpu
from numba.core.compiler_lock import global_compiler_lock
from numba.core.registry import CPUDispatcher
from numba.core.types.function_type import CompileResultWAP

_PACKAGES = ("landscapes", "optimizers")


@functools.cache  # read once per process: the kernels loaded are of that source
def _source_hash() -> str:
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256(numba.__version__.encode())
    for package in _PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def cache_dir() -> Path:
    """The folder this source tree's compiled kernels are cached in."""
    base = os.environ.get("NUMBA_CACHE_DIR") or str(
        Path.home() / ".cache" / "descent-lab" / "numba"
    )
    return Path(base) / _source_hash()


numba.config.CACHE_DIR = str(cache_dir())

_FLAGS = {"cache": True, "error_model": "numpy", "fastmath": False, "nogil": True}


def jit(func=None, **overrides):
    """``numba.njit`` with the project's flags (a plain, cached, compiled function)."""
    flags = {**_FLAGS, **overrides}
    if func is None:
        return lambda f: numba.njit(**flags)(f)
    return numba.njit(**flags)(func)


def jit_inline(func):
    """A kernel piece inlined into its caller at Numba-IR level, so that it becomes
    part of the caller's loop body and LLVM can vectorize the loop as a whole."""
    return numba.njit(inline="always", **_FLAGS)(func)


# Parallelism without a Numba threading layer. A ``parallel=True`` kernel compiled 2-3x
# slower than the same kernel serial (measured: Adam 24.7 s vs 8.6 s, gd 13.8 s vs
# 4.2 s, on an empty cache), and under Numba's `workqueue` layer, the fallback where
# neither TBB nor OpenMP is installed, two sessions' threads launching one at once abort
# the whole server ("Concurrent access has been detected"). So every kernel is serial,
# releases the GIL (`nogil`), and takes its share of the chunks as (first, stride); a
# heavy call is split over WORKERS threads of one process-wide pool. The pool is also
# the queue for the cores: one visitor's largest sweep holds at most WORKERS threads
# and the next heavy call waits its turn, while light calls (a Playground path, a
# contour grid) run at once in their own session's thread.
def _workers() -> int:
    """DESCENT_LAB_THREADS if it is a whole number >= 1, else every core."""
    text = os.environ.get("DESCENT_LAB_THREADS", "").strip()
    return int(text) if text.isdigit() and int(text) >= 1 else os.cpu_count() or 1


WORKERS = _workers()
# Below this many point evaluations (runs x steps, grid points x examples) a call runs
# in its caller's thread: ~2 ms of work, less than what a hand-off to the pool costs a
# waiting session when the pool is busy.
PARALLEL_MIN_WORK = 1_000_000
_POOL = ThreadPoolExecutor(WORKERS, thread_name_prefix="descent-lab-kernel")
logging.getLogger("descent_lab").info(
    "kernels: serial and GIL-free, heavy calls split over %d threads", WORKERS
)


# Set by the app (ui.compiling): ``hook(kernel, task, work, args, call)`` is called
# instead of ``call()`` the first time this process calls a kernel it has not compiled
# yet. `task` names the warm-up task that builds the kernel (optimizers.warm); `work`
# is the call's number of point evaluations (None if unknown); `args` are the kernel's
# arguments, so the hook may run the same Python source in an interpreter process
# (landscapes._interpreted) while the kernel compiles, or wait for it and say so.
first_use_hook = None


class Pending:
    """What the first-use hook is handed for a call that needs several compiled
    parts (a driver, an optimizer's step, a surface's functions): where another
    process rebuilds the call (`locator`), and whether the parts are all in the
    on-disk cache."""

    def __init__(self, where: tuple, parts: list):
        self.locator = where
        self.parts = parts

    def in_disk_cache(self) -> bool:
        return all(
            part.cached() if isinstance(part, FirstClass) else cached(part)
            for part in self.parts
        )


def cached(dispatcher) -> bool:
    """Is a compiled copy of `dispatcher` in the on-disk cache (so its first call
    loads in ~0.1 s instead of compiling)? Reads Numba's cache index path, a private
    attribute: False when that cannot be told. A `Pending` call: are all its parts
    there?"""
    check = getattr(dispatcher, "in_disk_cache", None)
    if check is not None:
        return check()
    try:
        return Path(dispatcher._cache._cache_file._index_path).exists()
    except AttributeError:
        return False


def first_call(kernel, dispatcher, task: str, work, args, call):
    """``call()``, or `first_use_hook`'s answer when `dispatcher` (the compiled
    function behind `kernel`) has no compiled signature in this process yet."""
    # `overloads`, a dict: `signatures` builds a list of types (~3 µs a call).
    if first_use_hook is None or dispatcher.overloads:
        return call()
    return first_use_hook(kernel, task, work, args, call)


def locator(func, *rebuild) -> tuple:
    """How another process finds the kernel made from `func`: its module and name,
    and for a kernel built by a function call (``optimizers._driver.kernel``) that
    function's name and arguments instead."""
    return (func.__module__, *rebuild) if rebuild else (func.__module__, func.__name__)


class FirstUseDispatcher(CPUDispatcher):
    """A compiled function called from Python (and from other kernels, which see a
    plain Numba dispatcher) whose first call in a process goes through
    `first_call`. `task`: the warm-up task that compiles it."""

    task = ""
    locator = ()

    def __call__(self, *args):
        if first_use_hook is None or self.overloads:  # every call after the first
            return super().__call__(*args)
        return first_call(
            self,
            self,
            self.task,
            None,
            args,
            lambda: super(FirstUseDispatcher, self).__call__(*args),
        )


def jit_entry(task: str):
    """`jit` for a function that Python calls directly (a one-point value, a Hessian
    grid): its first call in a process goes through `first_call`. `task`: the
    warm-up task that compiles it."""

    def decorate(func):
        if numba.config.DISABLE_JIT:  # the interpreter process: plain Python
            return func
        options = {k: v for k, v in _FLAGS.items() if k != "cache"}
        dispatcher = FirstUseDispatcher(
            py_func=func, locals={}, targetoptions={**options, "nopython": True}
        )
        dispatcher.enable_caching()  # what cache=True does in numba.njit
        dispatcher.task = task
        dispatcher.locator = locator(func)
        return dispatcher

    return decorate


class ChunkedKernel:
    """A serial kernel whose last two arguments are (first, stride): it does chunks
    first, first + stride, ... of its work. Called as ``kernel(work, *args)``, with
    `work` its number of point evaluations: heavy calls are split over the pool's
    threads, light ones run in the caller's thread. `task` is the warm-up task that
    compiles it (optimizers.warm); `where` its `locator`. Other attributes are the
    dispatcher's."""

    def __init__(self, dispatcher, task: str, where: tuple):
        self.dispatcher = dispatcher
        self.task = task
        self.locator = where

    def __call__(self, work, *args):
        return first_call(
            self,
            self.dispatcher,
            self.task,
            work,
            args,
            lambda: self._call(work, *args),
        )

    def _call(self, work, *args):
        if WORKERS == 1 or work < PARALLEL_MIN_WORK:
            return self.dispatcher(*args, 0, 1)
        shares = [
            _POOL.submit(self.dispatcher, *args, first, WORKERS)
            for first in range(WORKERS)
        ]
        for share in shares:
            share.result()
        return None

    def __getattr__(self, name):
        return getattr(self.dispatcher, name)


class _NoAliasSwitch:
    """Numba's internal `noalias` flag (array arguments do not overlap), set in
    the flags of what compiles while `active` (under Numba's compiler lock)."""

    active = False

    def __init__(self):
        finalize = cpu.CPUTargetOptions.finalize

        def with_noalias(options, flags, given):
            finalize(options, flags, given)
            if self.active:
                flags.noalias = True

        cpu.CPUTargetOptions.finalize = with_noalias


_NOALIAS = _NoAliasSwitch()


class FirstClass:
    """`function` compiled on its own with `signature`, as a first-class function
    value another kernel takes as an argument and calls through a pointer (an
    optimizer's step, a surface's evaluation): the caller is compiled once for
    every such function, none of them inlined or linked into it. Compiled (or
    loaded from the on-disk cache) on first use; with ``NUMBA_DISABLE_JIT`` it is
    the plain Python function, which plain Python callers call directly.
    `noalias`: the caller promises that no two array arguments overlap."""

    def __init__(self, function, signature, noalias: bool = False):
        self.signature = signature
        self.noalias = noalias
        python = getattr(function, "py_func", function)
        self.python = python
        self._value = None
        if numba.config.DISABLE_JIT:
            self.dispatcher = None
            return
        # A copy with its own qualname: its own entry in the on-disk cache, apart
        # from the inlined original's.
        copy = types.FunctionType(
            python.__code__,
            python.__globals__,
            python.__name__,
            python.__defaults__,
            python.__closure__,
        )
        copy.__qualname__ = f"compiled_{python.__name__}"
        self.dispatcher = jit(copy)

    @property
    def compiled(self) -> bool:
        return self.dispatcher is None or bool(self.dispatcher.overloads)

    def _compile(self) -> None:
        # Numba has no decorator option for noalias: its flag is set while this
        # compile runs, under the compiler's lock.
        with global_compiler_lock:
            _NOALIAS.active = self.noalias
            try:
                self.dispatcher.compile(self.signature)
            finally:
                _NOALIAS.active = False

    def cached(self) -> bool:
        return self.dispatcher is None or cached(self.dispatcher)

    def value(self):
        """What a driver takes as this function's argument."""
        if self.dispatcher is None:
            return self.python
        if self._value is None:
            self._compile()
            self._value = CompileResultWAP(
                self.dispatcher.overloads[self.signature.args]
            )
        return self._value


def bind(template, qualname: str, decorate, **bound):
    """A copy of the function `template` whose globals named in `bound` are the
    given objects (a surface's module, say), decorated by `decorate`. The copy has
    its own ``__qualname__`` and so its own entry in the on-disk cache (one def
    wrapped twice would share one entry)."""
    namespace = dict(template.__globals__, **bound)
    function = types.FunctionType(template.__code__, namespace, qualname)
    function.__qualname__ = qualname
    return decorate(function)


def jit_chunked(task: str, *rebuild):
    """A top-level kernel split over the cores by `ChunkedKernel`; its loop over chunks
    is ``for c in range(first, n_chunks, stride)``. Call it from Python only. `task`:
    the warm-up task that compiles it; `rebuild`: see `locator`."""
    return lambda func: ChunkedKernel(
        numba.njit(**_FLAGS)(func), task, locator(func, *rebuild)
    )
