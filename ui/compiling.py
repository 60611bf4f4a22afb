"""What a page says while Numba compiles: the first use of a kernel on a machine.

`install` (once per server process, from the router) starts the background warm-up
(optimizers.warm) and sets the hook `landscapes._jit.first_use` calls around the
first call of each kernel in this process. The hook:

- kernel on disk: nothing to say, it loads in ~0.1 s;
- a warm-up worker is compiling it: waits for the worker, and says so with the
  seconds so far, updated twice a second (the page is not blocked in the compiler,
  so it can);
- nobody is: says what is compiling and about how long it takes, then compiles.
"""

from __future__ import annotations

import contextlib
import statistics
import threading

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from landscapes import _jit
from optimizers import warm

_installed = threading.Lock()
_done = False


def install() -> None:
    """Set the first-use hook and start the warm-up, once per process; then make
    sure the surfaces' kernels (which every page needs first) are ready."""
    global _done
    with _installed:
        if not _done:
            _jit.first_use_hook = _first_use
            warm.start_background()
            _done = True
    from landscapes._dispatch import evaluate_many, value_grad

    for task, kernel in zip(warm.SURFACES, (evaluate_many, value_grad), strict=True):
        with _jit.first_use(task, kernel):
            if not kernel.signatures:
                warm.compile_task(task)


def typical_seconds(task: str) -> float | None:
    """The median compile time of warm-up tasks of `task`'s kind on this machine."""
    kind = task.partition(":")[0]
    seconds = []
    for other in warm.tasks():
        where, took = warm.state(other)
        if where == "done" and took and other.partition(":")[0] == kind:
            seconds.append(took)
    return statistics.median(seconds) if seconds else None


def message(task: str, waited: float | None = None) -> str:
    """The sentence shown while `task` compiles (`waited`: seconds a warm-up worker
    has spent on it so far, if one is on it)."""
    typical = typical_seconds(task)
    about = f"about {typical:.0f} s" if typical else "usually 5 to 10 s"
    if waited is not None:
        return (
            f"Compiling {warm.title(task)}: first use on this machine. A warm-up "
            f"worker is on it ({waited:.0f} s so far; {about}). Every later use "
            "loads it at once."
        )
    return (
        f"Compiling {warm.title(task)}: first use on this machine, {about}. Every "
        "later use loads it at once."
    )


@contextlib.contextmanager
def _first_use(task: str, cached: bool):
    if cached:
        yield
        return
    in_page = get_script_run_ctx() is not None
    notice = st.empty() if in_page else None

    def report(seconds):
        if notice is not None:
            notice.info(message(task, seconds), icon="⏳")

    try:
        if not warm.wait_for(task, report) and notice is not None:
            notice.info(message(task), icon="⏳")
        yield
    finally:
        if notice is not None:
            notice.empty()
