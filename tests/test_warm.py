"""The kernel warm-up's task protocol (optimizers.warm): claiming, the order, what a
page waits for. Workers are simulated by writing the same files they write."""

import os

import pytest

from optimizers import warm


@pytest.fixture
def status(tmp_path, monkeypatch):
    monkeypatch.setattr(warm, "status_dir", lambda: tmp_path)
    (tmp_path / "pid").write_text(str(os.getpid()))  # "a warm-up runs": this process
    return tmp_path


def test_every_optimizer_and_trainer_has_a_task():
    import optimizers

    tasks = warm.tasks()
    assert len(tasks) == len(set(tasks))
    assert {f"run:{n}" for n in optimizers.names()} <= set(tasks)
    assert {f"train:{n}" for n in optimizers.trainable()} <= set(tasks)
    # the Playground's optimizers' steps, the two drivers (left for a page that
    # opens first to take), then every surface's own
    import landscapes
    from ui.playground import default_runs

    playground = {f"run:{run.optimizer}" for run in default_runs()}
    assert set(tasks[:4]) == playground
    # and the Neural net page's default's
    from ui import neural_net

    values, _ = neural_net.PAGE.parse({})
    network = {f"run:{training.run.optimizer}" for training in values["runs"]}
    assert network <= set(tasks[:5])
    assert tasks[5:7] == ["run", "train"]
    assert {f"grid:{name}" for name in landscapes.names()} <= set(tasks)


def test_a_task_is_claimed_once(status):
    order = ["run", "train", "run:gd", "train:gd", "grid:booth"]
    assert [warm._next(order) for _ in order] == order
    assert warm._next(order) is None
    assert not warm._claim("run:gd")


def test_an_optimizers_task_compiles_its_step_alone_until_its_driver_is(tmp_path):
    """A worker compiles an optimizer's init and step while the driver compiles
    elsewhere (a page, the other worker), never the driver a second time; once
    the driver is compiled its task runs through it."""
    from test_landscapes import in_fresh_python

    script = """
import importlib
from optimizers import _driver, warm
train = importlib.import_module("optimizers.train")
warm.compile_task("train:rmsprop")
print(bool(train._DRIVER.overloads), _driver.named_kernel("rmsprop").pieces[1].compiled)
warm.compile_task("train")
warm.compile_task("train:adam")
print(bool(train._DRIVER.overloads), len(train._DRIVER.signatures))
"""
    printed = in_fresh_python(script, NUMBA_CACHE_DIR=str(tmp_path)).split()
    assert printed == ["False", "True", "True", "1"]


def test_a_requested_task_goes_first(status):
    order = ["run:adam", "run:gd", "run:rprop"]
    warm._mark("run", "done", 1.0)
    warm.request("run:rprop")
    assert warm._next(order) == "run:rprop"
    assert warm._next(order) == "run:adam"


def test_a_page_takes_a_task_no_worker_has_started(status):
    assert warm.take("run:gd")
    assert warm.state("run:gd")[0] == "running"
    assert not warm.take("run:gd")  # taken once
    assert warm._next(["run:gd"]) is None  # and no worker takes it either
    warm.release("run:gd")  # the page's compile failed: a worker may take it
    assert warm._next(["run:gd"]) == "run:gd"
    assert warm._claim("train")  # a worker starts the training driver
    assert not warm.take("train")
    (status / "pid").write_text("999999999")  # no warm-up runs: nothing to take
    assert not warm.take("grid:booth")


def test_a_waited_for_task_goes_before_interpreted_ones(status):
    """Requests are served waited-for first (a Sweep that cannot draw before the
    runs driver is compiled), then those a page ran in the interpreter meanwhile
    (the surfaces its menus drew), each kind oldest first."""
    order = ["run", "train", "run:adam", "run:momentum", "grid:booth", "grid:beale"]
    warm.request("grid:beale")
    warm.request("grid:booth")
    os.utime(status / "grid-beale.wanted", (1.0, 1.0))  # the older request
    warm.request("run:momentum", waiting=True)
    warm.request("run", waiting=True)
    warm.request("grid:booth", waiting=True)  # a later call waits for it
    for when, task in enumerate(("run-momentum", "run", "grid-booth"), start=2):
        os.utime(status / f"{task}.wanted", (when, when))
    assert warm._next(order) == "run:momentum"
    assert warm._next(order) == "run"
    assert warm._next(order) == "grid:booth"
    assert warm._next(order) == "grid:beale"
    assert warm._next(order) == "train"


def test_a_taken_task_is_finished_by_the_page(status):
    assert warm.take("train")
    warm.finish("train", 3.5)
    assert warm.state("train") == ("done", 3.5)


def test_wait_for(status):
    assert warm.wait_for("run:gd", timeout=0.1) is False  # requested, never done
    assert (status / "run-gd.wanted").exists()
    warm._mark("run:gd", "done", 2.5)
    assert warm.wait_for("run:gd") is True
    assert warm.state("run:gd") == ("done", 2.5)
    (status / "pid").write_text("999999999")  # the warm-up is gone
    assert warm.wait_for("run:adam") is False


def test_a_task_compiles_what_it_names():
    assert warm.compile_task("run:gd") >= 0.0
    with pytest.raises(ValueError, match="unknown warm-up task"):
        warm.compile_task("compile:everything")


def test_a_surface_task_is_named_without_building_the_surface(monkeypatch):
    """The compile notice for a surface's kernels is shown from inside their first
    call, which may come from building that very surface (six-hump camel refines
    its minima with its own kernels): naming it must not build it again."""
    import landscapes

    def no_building(*args, **kwargs):
        raise AssertionError("the title built a surface")

    monkeypatch.setattr(landscapes, "get", no_building)
    assert "camel" in warm.title("grid:six_hump_camel").lower()
    assert "camel" in warm.title("grid:six_hump_camel", short=True).lower()
    assert warm.title("grid:mlp_slice", short=True)  # a module TITLE


def test_a_page_takes_the_parts_no_worker_has_and_asks_for_the_rest(status):
    """A call that needs the runs driver, a surface's and an optimizer's
    functions (optimizers._driver.Bound): the page compiles first the parts no
    worker has started, asks the workers for the others (as waited for), but not
    for the part it is about to take (a free worker would start it first)."""
    from optimizers._driver import Bound

    missing = [("run", []), ("grid:quadratic", []), ("run:momentum", [])]
    assert warm._claim("run")  # a worker compiles the runs driver
    order = Bound._share(missing, waiting=True)
    assert [task for task, _ in order] == ["grid:quadratic", "run:momentum", "run"]
    wanted = {p.name: p.read_text() for p in status.glob("*.wanted")}
    assert wanted == {"run-momentum.wanted": "waiting", "run.wanted": "waiting"}
    # a call the page interprets meanwhile: the workers get every part, in order
    missing = [("train", []), ("grid:booth", [])]
    assert Bound._share(missing, waiting=False) == missing
    assert (status / "train.wanted").stat().st_mtime <= (
        status / "grid-booth.wanted"
    ).stat().st_mtime
    assert (status / "grid-booth.wanted").read_text() == ""
    (status / "pid").write_text("999999999")  # no warm-up: nothing to share
    assert Bound._share(missing, waiting=True) == missing


def test_requests_made_together_go_in_the_warm_up_order(status):
    """File times are coarse: requests made together are served in the warm-up's
    order, the drivers first."""
    order = ["run", "train", "run:sgd", "grid:linear_regression"]
    for task in ("grid:linear_regression", "run:sgd", "run"):
        warm.request(task)
        os.utime(warm._path(task, "wanted"), (5.0, 5.0))
    assert [warm._next(order) for _ in range(3)] == [
        "run",
        "run:sgd",
        "grid:linear_regression",
    ]


def test_the_app_resets_the_warm_up_before_starting_it_and_not_after(
    status, monkeypatch
):
    """An earlier warm-up's files are forgotten when the app starts a new one, in
    the app, before it starts: the warm-up process itself (whose interpreter takes
    a second or more to start) must not wipe the tasks a page has taken or asked
    for meanwhile."""
    import subprocess

    from landscapes import _lifeline

    class Started:
        pid = 999999999

    class Worker:
        exitcode = 0

        def __init__(self, target, args):
            pass

        def start(self):
            pass

        def join(self):
            pass

    class Context:
        Process = Worker

    (status / "pid").write_text("999999999")  # no warm-up runs
    warm._mark("run:adam", "done", 1.0)  # left by an earlier one
    monkeypatch.setattr(subprocess, "Popen", lambda *a, **k: Started())
    monkeypatch.setenv("DESCENT_LAB_WARM", "1")
    assert warm.start_background()
    assert warm.state("run:adam")[0] == "waiting"
    assert warm._claim("train")  # a page takes the training driver
    warm.request("train:adam", waiting=True)
    monkeypatch.setattr(warm, "get_context", lambda kind: Context())
    monkeypatch.setattr(_lifeline, "watch", lambda *a, **k: None)
    warm.main(["--jobs", "1", "--parent", str(os.getpid())])
    assert warm.state("train")[0] == "running"
    assert (status / "train-adam.wanted").exists()
    warm.main(["--jobs", "1"])  # run by hand: it resets
    assert warm.state("train")[0] == "waiting"


def test_an_optimizers_task_is_ready_once_its_driver_is_too(status):
    """An optimizer's task may be done (its step) before its driver: a page whose
    calls ran in the interpreter meanwhile says they still do until both are."""
    warm._mark("run:adam", "done", 1.0)
    assert not warm.ready("run:adam")
    warm._mark("run", "done", 2.0)
    assert warm.ready("run:adam") and warm.ready("run")
    assert not warm.ready("grid:booth")
    warm._mark("grid:booth", "done", 0.5)
    assert warm.ready("grid:booth")


def test_a_training_page_compiles_a_step_a_worker_is_still_on(status):
    """Once its driver is compiled, a training call waits for its optimizer's step
    by the runs task, unless a worker is still on that (at nice 10 it starves
    under load): then it takes the training task and compiles the same step at
    the server's priority."""
    import importlib

    train = importlib.import_module("optimizers.train")
    bound = train.trainer("adam")

    class Pending:
        def __init__(self, cached):
            self.cached = cached

        def in_disk_cache(self):
            return self.cached

    assert bound._step_task(Pending(False)) == "run:adam"  # nobody on it: take it
    assert warm._claim("run:adam")  # a worker starts it
    assert bound._step_task(Pending(False)) == "train:adam"
    assert bound._step_task(Pending(True)) == "run:adam"  # done: load it
