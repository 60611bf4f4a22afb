"""The kernel's rows are named from each optimizer's spec (optimizers._spec,
docs/adding-an-optimizer.md): H's rows from ``hyperparameters``, S's rows from
``state`` and ``internal_state``; no kernel indexes H or S by a row number."""

import inspect
import re
import sys

import pytest

import optimizers
from optimizers import _driver, adam, adamw, nadam, radam
from optimizers._spec import (
    SCRATCH_SLOTS,
    STATE_SLOTS,
    Hyperparameter,
    OptimizerSpec,
    scratch_rows,
)

NAMES = optimizers.names()


def _module(function):
    return sys.modules[getattr(function, "py_func", function).__module__]


def _kernel_modules() -> list:
    """Every module that defines a registered optimizer's step or init."""
    modules = {}
    for name in NAMES:
        entry = optimizers.get(name)
        for function in (entry.step, entry.init):
            module = _module(function)
            modules[module.__name__] = module
    return list(modules.values())


@pytest.mark.parametrize("name", NAMES)
def test_hyperparameter_rows_are_the_specs_order(name):
    spec = optimizers.spec(name)
    rows = spec.hyperparameter_rows()
    assert rows._fields == tuple(h.name for h in spec.hyperparameters)
    assert tuple(rows) == tuple(range(len(spec.hyperparameters)))
    assert rows.lr == 0  # the drivers read the base lr from row 0


@pytest.mark.parametrize("name", NAMES)
def test_state_rows_name_every_pair_and_internal_row(name):
    spec = optimizers.spec(name)
    rows = spec.state_rows()._asdict()
    expected = {}
    for quantity, (x, y) in spec.state.items():
        expected[f"{quantity}_x"] = x
        expected[f"{quantity}_y"] = y
    expected.update(spec.internal_state)
    assert rows == expected
    assert list(rows.values()) == sorted(rows.values())  # fields in row order
    assert len(set(rows.values())) == len(rows)
    assert all(0 <= row < spec.state_slots for row in rows.values())
    assert _driver.STATE_SLOTS == STATE_SLOTS
    assert _driver.SCRATCH_SLOTS == SCRATCH_SLOTS


@pytest.mark.parametrize("name", NAMES)
def test_a_kernel_modules_rows_are_its_specs(name):
    entry = optimizers.get(name)
    module = _module(entry.step)
    if hasattr(module, "H_ROWS"):
        assert module.H_ROWS._asdict() == entry.spec.hyperparameter_rows()._asdict()
    if hasattr(module, "S_ROWS"):
        assert module.S_ROWS._asdict() == entry.spec.state_rows()._asdict()


def test_the_adam_family_shares_adams_rows():
    # adamw's step is adam's: all rows agree.
    assert adamw.SPEC.hyperparameter_rows()._asdict() == adam.H_ROWS._asdict()
    assert adamw.SPEC.state_rows()._asdict() == adam.S_ROWS._asdict()
    # nadam and radam call adam.update_moments, which writes adam's moment rows.
    moments = ("exp_avg_x", "exp_avg_y", "exp_avg_sq_x", "exp_avg_sq_y")
    for module in (nadam, radam):
        for field in moments:
            assert getattr(module.S_ROWS, field) == getattr(adam.S_ROWS, field)


NUMBERED_ROW = re.compile(r"\b[HS]\[\s*\d")


@pytest.mark.parametrize("module", _kernel_modules(), ids=lambda m: m.__name__)
def test_no_kernel_indexes_h_or_s_by_a_row_number(module):
    lines = inspect.getsource(module).splitlines()
    numbered = [
        f"{module.__name__}:{number}: {line.strip()}"
        for number, line in enumerate(lines, 1)
        if NUMBERED_ROW.search(line)
    ]
    assert not numbered, "\n".join(numbered)


def _spec(**rows) -> OptimizerSpec:
    return OptimizerSpec(
        name="probe",
        title="Probe",
        hyperparameters=(Hyperparameter("lr", 1e-3),),
        latex="x",
        reference="r",
        **{"family": "SGD family", **rows},
    )


def test_a_spec_with_clashing_or_outside_rows_is_rejected():
    assert _spec(state={"a": (0, 1)}, internal_state={"b": 2}).state_rows() == (0, 1, 2)
    with pytest.raises(ValueError, match="share a row"):
        _spec(state={"a": (0, 1)}, internal_state={"b": 1})
    with pytest.raises(ValueError, match="share a row"):
        _spec(state={"a": (0, 1), "b": (1, 2)})
    with pytest.raises(ValueError, match="not in 0..7"):
        _spec(internal_state={"b": STATE_SLOTS})
    with pytest.raises(ValueError, match="name repeats"):
        _spec(state={"a": (0, 1)}, internal_state={"a_x": 2})
    with pytest.raises(ValueError, match="name repeats"):
        OptimizerSpec(
            name="probe",
            title="Probe",
            hyperparameters=(Hyperparameter("lr", 1e-3), Hyperparameter("lr", 1.0)),
            latex="x",
            reference="r",
            family="SGD family",
        )
    # A spec may ask for more rows than STATE_SLOTS (a quasi-Newton history).
    assert _spec(internal_state={"b": 11}, state_slots=12).state_rows() == (11,)
    with pytest.raises(ValueError, match="not in 0..11"):
        _spec(internal_state={"b": 12}, state_slots=12)
    assert _spec(state={"ax": (0, 1)}, positions=("ax",)).positions == ("ax",)
    with pytest.raises(ValueError, match="not a state pair"):
        _spec(state={"ax": (0, 1)}, positions=("z",))
    with pytest.raises(ValueError, match="family"):
        _spec(family="misc")
    assert tuple(scratch_rows("hxx", "hxy", "hyy")) == (0, 1, 2)
    with pytest.raises(ValueError, match="scratch rows"):
        scratch_rows(*"abcdef")
