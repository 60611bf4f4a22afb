"""The Playground's edge-of-stability chart: the sharpness λmax along each path against
the largest λmax at which its step is stable (closed forms on a quadratic)."""

import numpy as np
from test_pages import app, figure


def test_sharpness_chart_on_a_quadratic_is_kappa_against_each_runs_limit():
    kappa, lr, beta = 10.0, 0.05, 0.5
    at = app(
        surface="quadratic",
        condition_number=str(kappa),
        steps="40",
        run=[f"gd;lr={lr}", f"momentum;lr={lr};momentum={beta}", "adam;lr=0.1"],
    )
    at.toggle(key="pg.sharpness").set_value(True).run()
    assert not at.exception
    lines = {
        line["name"]: np.array(line["y"], dtype=float)
        for line in figure(at, "pg.sharpness_chart")["data"]
    }
    # H = R diag(1, κ) Rᵀ everywhere: λmax = κ at every iterate of every run.
    for run in ("1. gd(lr=0.05)", "2. momentum(lr=0.05, momentum=0.5)"):
        np.testing.assert_allclose(lines[f"{run}: λmax"], kappa)
    # Stable below 2/lr for gradient descent, 2(1 + β)/lr for heavy ball (Polyak).
    np.testing.assert_allclose(lines["1. gd(lr=0.05): stable below"], 2 / lr)
    np.testing.assert_allclose(
        lines["2. momentum(lr=0.05, momentum=0.5): stable below"], 2 * (1 + beta) / lr
    )
    assert len(lines["1. gd(lr=0.05): stable below"]) == 40  # one per step taken
    # Adam rescales each coordinate: no line for it.
    assert not any(name.startswith("3.") and "stable" in name for name in lines)
