"""The README's table of optimizers is the registry: every optimizer, in its picker
family, with the reference it is tested against (the test modules' own lists) and
whether it trains networks."""

from pathlib import Path

import test_optax_match
import test_pytorch_optimizer_match
import test_scipy_match

import optimizers
from optimizers._spec import FAMILIES

README = Path(__file__).resolve().parent.parent / "README.md"
# The methods test_scipy_match.py follows iterate for iterate, by its case lists.
SCIPY = {
    "bfgs": test_scipy_match.BFGS_CASES,
    "nelder_mead": test_scipy_match.NELDER_MEAD_CASES,
    "powell": test_scipy_match.POWELL_CASES,
}


def reference(name: str) -> str:
    """What `name`'s iterates are compared with, to float64 round-off."""
    if optimizers.spec(name).torch_class:
        return "torch"
    if name in test_optax_match.OPTAX or name in {
        case[0] for case in test_optax_match.SAM_CASES
    }:
        return "optax"
    if name in test_pytorch_optimizer_match.CASES:
        return "pytorch_optimizer"
    if name in SCIPY:
        return "scipy"
    return "paper"


def expected_rows() -> list[str]:
    trainable = set(optimizers.trainable())
    rows = []
    for family in FAMILIES:
        names = [
            n for n in optimizers.by_family() if optimizers.spec(n).family == family
        ]
        cells = ", ".join(
            f"`{n}`{'†' if n in trainable else ''} ({reference(n)})" for n in names
        )
        rows.append(f"| {family} | {cells} |")
    return rows


def test_the_readme_lists_every_optimizer_with_its_reference():
    assert all(SCIPY.values())
    text = README.read_text()
    for row in expected_rows():
        assert row in text, row
    assert f"{len(optimizers.names())} optimizers" in text
