"""Compile every kernel into the on-disk cache before anyone waits for it.

    python -m optimizers.warm            # all kernels, one worker process per core
    python -m optimizers.warm --jobs 1

On a machine whose cache is empty (a fresh install, a new container, an edited
source tree) each kernel costs Numba compile on its first use. Kernels take
optimizers and surfaces as first-class functions (optimizers._driver,
landscapes._dispatch), so the cost does not multiply: the one trajectories driver
and the one training driver take a few seconds each, each optimizer's init and
step and each surface's own functions about a second or less. The app starts this
in the background when its first page opens (`start_background`): one worker
process per core (Numba's compiler holds one lock per process) compiles the
drivers, the Playground's four optimizers, every surface's kernels, then the rest.
A Docker image runs it at build time, so a container starts warm.

Workers claim tasks with files in `status_dir()` beside the cache (``<task>.started``
created exclusively, ``<task>.done`` with the seconds it took). Tasks are independent:
the drivers ("run", "train") are compiled with the simplest step, and an optimizer's
task ("run:<name>", "train:<name>") compiles its init and step alone while its driver
is not compiled yet (and runs through the driver once it is), so a worker can compile
a page's optimizer while the page compiles the driver. While the warm-up runs, a page
that needs a kernel does not compile it a second time on the same cores: a first call
goes through its parts one task at a time (``optimizers._driver.Bound``), taking each
task no worker has started (`take`: the page compiles at the server's priority) and
asking for the others (``<task>.wanted``: the next free worker takes it first, a task
a page waits for before one whose call it interpreted meanwhile); it waits for a task
a worker is on, and says so (`wait_for`), then loads it from the cache in ~0.1 s. With
no warm-up running a page compiles what it needs itself.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import os
import subprocess
import sys
import time
from multiprocessing import get_context
from pathlib import Path

import numpy as np

# The Playground's default runs first (ui.playground.default_runs), the slowest to
# compile first.
FIRST = ("adam", "rmsprop", "momentum", "gd")
# Their steps, and SGD's (the Neural net page's default trains Adam and SGD), are
# the workers' first tasks (`tasks`).
FIRST_STEPS = (*FIRST, "sgd")
# The drivers every optimizer's task runs through (optimizers._driver).
DRIVERS = ("run", "train")
# The background warm-up's scheduling priority: lower than the server's, whose pages
# run their first calls in the interpreter process (ui.compiling) meanwhile.
NICENESS = 10


def tasks() -> list[str]:
    """Every warm-up task, in the order the workers take them (a task a page is
    waiting for goes first, `request`)."""
    import landscapes
    import optimizers

    names = list(FIRST_STEPS)
    names += [n for n in optimizers.names() if n not in FIRST_STEPS]
    # The first optimizers' steps before the drivers: compiled alone while
    # no driver is (compile_task), they take the workers' first seconds, in which
    # a page opened first (a Sweep, a Neural net) takes the driver it needs and
    # compiles it at the server's priority (a worker's driver it would wait for,
    # at nice 10). A page that runs its calls in the interpreter meanwhile asks
    # for its driver, which then goes first (`request`).
    return (
        [f"run:{name}" for name in FIRST_STEPS]
        + list(DRIVERS)
        + [f"grid:{name}" for name in landscapes.names()]
        + [f"run:{name}" for name in names if name not in FIRST_STEPS]
        + ["slice"]
        + [f"train:{name}" for name in optimizers.trainable()]
    )


def title(task: str, short: bool = False) -> str:
    """What a person is told is compiling (`short`: a word or two, for lists).
    A surface's title is never built here: the notice is shown from inside the
    first call of its kernels, which building it may make (six-hump camel refines
    its minima with its own point kernel)."""
    import landscapes
    import optimizers

    kind, _, name = task.partition(":")
    if short:
        if task == "run":
            return "optimizer runs"
        if task == "train":
            return "network training"
        if kind == "run":
            return optimizers.spec(name).title
        if kind == "train":
            return f"{optimizers.spec(name).title} training"
        if kind == "grid":
            return landscapes.title(name, build=False)
        if kind == "slice":
            return "loss slices"
        raise ValueError(f"unknown warm-up task {task!r}")
    if task == "run":
        return "the optimizers' shared run kernel"
    if task == "train":
        return "the network-training kernel"
    if kind == "run":
        return f"{optimizers.spec(name).title}'s step"
    if kind == "train":
        return f"{optimizers.spec(name).title}'s network training"
    if kind == "slice":
        return "the network loss-slice kernels"
    if kind == "grid":
        return f"the kernels of {landscapes.title(name, build=False)}"
    raise ValueError(f"unknown warm-up task {task!r}")


def compile_task(task: str) -> float:
    """Run `task`'s kernels once (compiling them, or loading them from the cache);
    returns the seconds it took."""
    import landscapes
    import optimizers

    began = time.perf_counter()
    kind, _, name = task.partition(":")
    grid = np.linspace(-1.0, 1.0, 4)
    if kind == "grid":  # one surface's own kernels (contours, points, Hessians)
        from landscapes import _dispatch

        surface = landscapes.get(name)
        for function in _dispatch.surface_functions(surface.lid):  # for the runs
            function.value()
        surface.value(grid, grid)
        surface.value(0.5, 0.5)
        surface.hessian(0.5, 0.5)
        surface.hessian(grid, grid)
        if hasattr(surface, "examples"):
            surface.examples(0.5, 0.5)
    elif task == "run":  # the driver, with the simplest step
        optimizers.run("gd", "quadratic", steps=2)
    elif name and kind in ("run", "train") and not _driver_compiled(kind):
        # The optimizer's own init and step only: a worker compiles them while
        # the driver compiles elsewhere (a page compiling it, or the other
        # worker), never the driver a second time.
        from optimizers import _driver

        entry = optimizers.get(name)
        _driver.compiled(entry.init, _driver.INIT_SIGNATURE).value()
        _driver.compiled(entry.step, _driver.STEP_SIGNATURE).value()
    elif kind == "run":
        optimizers.run(name, "quadratic", steps=2)
    elif kind == "slice":
        landscapes.get("mlp_slice").value(np.zeros(3), np.zeros(3))
    elif kind == "train":
        from landscapes import MLP, datasets

        data = datasets.make("moons", n_points=8, seed=0)
        model = MLP((2, 3, 1))
        optimizers.train(name or "gd", model, data, steps=2, batch_size=4)
    else:
        raise ValueError(f"unknown warm-up task {task!r}")
    return time.perf_counter() - began


def _driver_compiled(kind: str) -> bool:
    """Is the runs ("run") or training ("train") driver compiled here or in the
    on-disk cache?"""
    from landscapes._jit import cached
    from optimizers import _driver

    train = importlib.import_module("optimizers.train")  # the module, not train()
    driver = _driver.named_kernel("gd") if kind == "run" else train.trainer("gd")
    dispatcher = driver._dispatcher
    return bool(dispatcher.overloads) or cached(dispatcher)


def status_dir() -> Path:
    """Where the workers mark their progress: beside the cache it fills."""
    from landscapes._jit import cache_dir

    return cache_dir() / "warm"


def _path(task: str, state: str) -> Path:
    return status_dir() / f"{task.replace(':', '-')}.{state}"


def _mark(task: str, state: str, seconds: float | None = None) -> None:
    path = _path(task, state)
    temporary = path.with_suffix(f".{state}.{os.getpid()}")
    temporary.write_text(json.dumps({"seconds": seconds}))
    temporary.replace(path)  # atomic: a reader never sees half a file


def _claim(task: str) -> bool:
    """Take `task` for this worker; False if another worker has it."""
    try:
        os.close(os.open(_path(task, "started"), os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return False
    return True


def _wanted(order: list[str]) -> list[str]:
    """The requested tasks, most urgent first: those a page is waiting for
    (`wait_for`, `request(waiting=True)`: a Sweep waiting for the runs driver)
    before those whose calls it ran in the interpreter meanwhile (the surfaces its
    menus drew); oldest request first, and among requests made together (file
    times are coarse, a few milliseconds) in `order` (the drivers first)."""
    place = {task: i for i, task in enumerate(order)}

    def urgency(task: str) -> tuple[bool, float, int]:
        path = _path(task, "wanted")
        try:
            return path.read_text() != WAITING, path.stat().st_mtime, place[task]
        except (OSError, KeyError):  # done and removed meanwhile; not a task
            return True, float("inf"), len(place)

    names = [p.name.removesuffix(".wanted") for p in status_dir().glob("*.wanted")]
    return sorted((name.replace("-", ":", 1) for name in names), key=urgency)


def _next(order: list[str]) -> str | None:
    """The task to compile next: a requested one first (`_wanted`), else the first
    in `order` that nobody has ("" if others claimed them meanwhile); None when
    all are taken."""
    free = [t for t in order if not _path(t, "started").exists()]
    if not free:
        return None
    for task in [t for t in _wanted(order) if t in free] + free:
        if _claim(task):
            return task
    return ""  # another worker claimed them first: look again


def _worker(order: list[str], parent: int | None = None) -> None:
    """One worker process: compile tasks until none is left, or until the warm-up
    process `parent` is gone."""
    if parent is not None:
        from landscapes import _lifeline

        _lifeline.watch(parent)
    while (task := _next(order)) is not None:
        if not task:
            time.sleep(0.1)  # the free tasks need one another worker is compiling
            continue
        seconds = compile_task(task)
        _mark(task, "done", seconds)
        print(f"{task:<24} {seconds:6.1f} s", flush=True)


def state(task: str) -> tuple[str, float | None]:
    """("done", seconds it took), ("running", seconds so far) or ("waiting", None):
    how far the warm-up has got with `task`."""
    done = _path(task, "done")
    if done.exists():
        try:
            return "done", json.loads(done.read_text())["seconds"]
        except (OSError, ValueError, KeyError):
            return "done", None
    started = _path(task, "started")
    if started.exists():
        return "running", time.time() - started.stat().st_mtime
    return "waiting", None


def ready(task: str) -> bool:
    """Is what a call of `task`'s kernels needs compiled: the task, and for an
    optimizer's task ("run:adam") its driver ("run") too?"""
    kind, _, name = task.partition(":")
    needed = [task, kind] if name and kind in DRIVERS else [task]
    return all(state(t)[0] == "done" for t in needed)


def running() -> bool:
    """Is a warm-up process alive for this source tree's cache?"""
    try:
        pid = int((status_dir() / "pid").read_text())
        os.kill(pid, 0)
    except (OSError, ValueError):
        return False
    return not complete()


def progress() -> tuple[int, int]:
    """(tasks done, all tasks) of the warm-up."""
    order = tasks()
    return sum(_path(task, "done").exists() for task in order), len(order)


def complete() -> bool:
    return (status_dir() / "complete").exists()


def take(task: str) -> bool:
    """Take `task` from the running warm-up for the caller to compile itself: True
    when no worker has started it. A page does this rather than wait for a worker
    busy with other tasks: the page compiles at the server's priority, the workers
    at a lower one (NICENESS). The caller then calls `finish` (or `release`, if it
    failed)."""
    if not running():
        return False
    try:
        return _claim(task)
    except OSError:  # no status folder: no warm-up of this tree's cache
        return False


def finish(task: str, seconds: float) -> None:
    """`task`, taken by `take`, is compiled into the cache."""
    _mark(task, "done", seconds)


def release(task: str) -> None:
    """Give `task`, taken by `take`, back to the warm-up."""
    with contextlib.suppress(OSError):
        _path(task, "started").unlink()


# A request's file holds this when a page waits for the task (`wait_for`): it goes
# before tasks whose calls a page ran in the interpreter meanwhile.
WAITING = "waiting"


def request(task: str, waiting: bool = False) -> None:
    """Ask the warm-up to compile `task` next: a page ran its call in the
    interpreter meanwhile, or (`waiting`) it waits for it."""
    with contextlib.suppress(OSError):
        if waiting:
            _path(task, "wanted").write_text(WAITING)
        else:
            _path(task, "wanted").touch(exist_ok=True)


def wait_for(task: str, report=None, timeout: float = 300.0) -> bool:
    """While a warm-up runs, have it compile `task` next and wait until it is in the
    cache, calling ``report(seconds_waited)`` about four times a second; True if it
    is there now, False (compile it yourself) if no warm-up runs or it went away."""
    if state(task)[0] == "done":
        return True
    if not running():
        return False
    request(task, waiting=True)
    began = time.monotonic()
    while time.monotonic() - began < timeout:
        if state(task)[0] == "done":
            return True
        if not running():
            return state(task)[0] == "done"
        if report is not None:
            report(time.monotonic() - began)
        time.sleep(0.25)
    return False


def start_background() -> bool:
    """Start the warm-up in a background process unless the cache is complete or a
    warm-up already runs; True if one was started. It and its workers end with this
    process, however it ends (landscapes._lifeline). Set DESCENT_LAB_WARM=0 to never
    start it (a machine warmed at build time, or a notebook)."""
    if os.environ.get("DESCENT_LAB_WARM", "1") == "0" or complete() or running():
        return False
    folder = status_dir()
    folder.mkdir(parents=True, exist_ok=True)
    # Reset here, not in the warm-up process (main): by the time its interpreter
    # has started, a page may have taken or asked for a task.
    _reset(folder)
    root = Path(__file__).resolve().parent.parent
    environment = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")]),
    }
    with (folder / "log.txt").open("a") as log:  # the process writes its own copy
        process = subprocess.Popen(
            [sys.executable, "-m", "optimizers.warm", "--background"]
            + ["--parent", str(os.getpid())],
            cwd=root,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            # Its own session, so a Ctrl-C in the server's terminal does not
            # interrupt each worker mid-compile with a KeyboardInterrupt: it ends
            # in one way only, with the server (--parent), or by itself when done.
            start_new_session=True,
        )
    (folder / "pid").write_text(str(process.pid))
    return True


def _reset(folder: Path) -> None:
    """Forget an earlier warm-up that did not finish."""
    for state_file in folder.glob("*"):
        if state_file.suffix in (".started", ".done", ".wanted"):
            state_file.unlink(missing_ok=True)


def _stop(workers) -> None:
    """End the workers now (each also ends by itself once this process is gone)."""
    for worker in workers:
        worker.kill()


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--background",
        action="store_true",
        help=f"yield the cores to the app (nice {NICENESS}); the app passes it",
    )
    parser.add_argument(
        "--parent",
        type=int,
        help="end with this process (its workers too); the app passes its own pid",
    )
    args = parser.parse_args(argv)
    if args.background and hasattr(os, "nice"):
        os.nice(NICENESS)  # the workers inherit it
    folder = status_dir()
    folder.mkdir(parents=True, exist_ok=True)
    if args.parent is None:  # else the app reset it before starting this process
        _reset(folder)
    (folder / "pid").write_text(str(os.getpid()))
    began = time.perf_counter()
    order = tasks()
    context = get_context("spawn")  # fresh interpreters: no inherited locks
    workers = [
        context.Process(target=_worker, args=(order, os.getpid()))
        for _ in range(max(1, args.jobs))
    ]
    for worker in workers:
        worker.start()
    if args.parent is not None:  # the server: gone, it takes the warm-up with it
        from landscapes import _lifeline

        _lifeline.watch(args.parent, on_gone=lambda: _stop(workers))
    for worker in workers:
        worker.join()
    failed = [worker.exitcode for worker in workers if worker.exitcode != 0]
    if failed:  # killed or crashed: the cache is not complete
        raise SystemExit(f"warm-up workers ended with {failed}")
    (folder / "complete").write_text(f"{time.perf_counter() - began:.1f}")
    print(f"all {len(order)} tasks in {time.perf_counter() - began:.1f} s", flush=True)


if __name__ == "__main__":
    main()
