"""What every comparison with a reference library (torch, optax, pytorch_optimizer)
asks of its cases: (surface name, steps, our keywords, schedule or None)."""

import optimizers


def assert_cases_cover(
    name, cases, *, surfaces=None, schedule: bool = True, min_steps: int = 0
) -> None:
    """The defaults alone somewhere (no keywords, no schedule); two or more surfaces
    (exactly `surfaces` when given); a schedule somewhere (if `schedule`); at least
    `min_steps` steps each; and every settable hyperparameter of `name` set to
    another value somewhere."""
    spec = optimizers.spec(name)
    used = {case[0] for case in cases}
    assert used == set(surfaces) if surfaces is not None else len(used) >= 2
    assert any(not case[2] and case[3] is None for case in cases)
    if schedule:
        assert any(case[3] is not None for case in cases)
    assert all(case[1] >= min_steps for case in cases)
    changed = set()
    for case in cases:
        resolved = optimizers._api.resolve_hyperparameters(name, case[2])
        changed |= {key for key, v in resolved.items() if v != spec.defaults[key]}
    settable = {h.name for h in spec.hyperparameters if h.settable}
    assert settable <= changed, f"never set: {sorted(settable - changed)}"
