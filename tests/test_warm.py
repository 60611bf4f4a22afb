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
    # the two drivers, then the Playground's defaults, then every surface's own
    import landscapes
    from ui.playground import default_runs

    playground = {f"run:{run.optimizer}" for run in default_runs()}
    assert tasks[:2] == ["run", "train"]
    assert set(tasks[2:6]) == playground
    assert {f"grid:{name}" for name in landscapes.names()} <= set(tasks)


def test_a_task_is_claimed_once_and_waits_for_what_it_links(status):
    order = ["run", "train", "run:gd", "train:gd", "grid:booth"]
    first, second = warm._next(order), warm._next(order)
    assert (first, second) == ("run", "train")
    # an optimizer's tasks wait for their driver; a surface's need nothing
    assert warm._next(order) == "grid:booth"
    assert warm._next(order) == ""  # wait: the rest need what is not done
    warm._mark("train", "done", 1.0)
    assert warm._next(order) == "train:gd"  # its driver is done
    assert warm._next(order) == ""  # run:gd waits for its driver
    warm._mark("run", "done", 1.0)
    assert warm._next(order) == "run:gd"
    assert warm._next(order) is None


def test_a_requested_task_goes_first(status):
    order = ["run:adam", "run:gd", "run:rprop"]
    warm._mark("run", "done", 1.0)
    warm.request("run:rprop")
    assert warm._next(order) == "run:rprop"
    assert warm._next(order) == "run:adam"


def test_a_page_takes_a_task_no_worker_has_started(status):
    assert not warm.take("run:gd")  # its driver is not compiled yet
    warm._mark("run", "done", 1.0)
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
