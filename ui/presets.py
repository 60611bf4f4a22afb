"""The Gallery: classic lecture demos, each a fully configured link with its lesson.

Each preset's `query` is what the target page reads from its URL; a test opens every
preset and checks that it shows the phenomenon its lesson names. Each also has a
picture of its own runs, drawn by ``python -m ui.thumbnails`` into ``ui/gallery/``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PICTURES = Path(__file__).with_name("gallery")  # <key>.png, package data


@dataclass(frozen=True)
class Preset:
    key: str
    title: str
    lesson: str  # one or two sentences: what to watch
    page: str  # "playground", "schedules", "stochastic", "neural_net" or "sweep"
    query: dict

    @property
    def picture(self) -> Path:
        """The committed picture of this preset's runs (see ui.thumbnails)."""
        return PICTURES / f"{self.key}.png"


PRESETS: tuple[Preset, ...] = (
    Preset(
        "momentum-ravine",
        "Momentum damps the zig-zag in a ravine",
        "On a bowl 50 times steeper across than along, gradient descent bounces between "
        "the walls and crawls along the floor. Momentum averages the bounces away and "
        "keeps the speed along the valley.",
        "playground",
        {
            "surface": "quadratic",
            "condition_number": "50",
            "angle": "0.3",
            "start": "-2.5,1.5",
            "steps": "150",
            "run": ["gd;lr=0.038", "momentum;lr=0.01;momentum=0.8"],
        },
    ),
    Preset(
        "step-size-bound",
        "A step size above 2/λmax diverges",
        "Here λmax = 10, so 2/λmax = 0.2. At lr = 0.19 gradient descent overshoots and "
        "oscillates but converges (each bounce is |1 - 0.19·10| = 0.9 of the last); at "
        "lr = 0.25 each bounce is 1.5 times the last and the run diverges.",
        "playground",
        {
            "surface": "quadratic",
            "condition_number": "10",
            "angle": "0",
            "start": "-2.5,2",
            "steps": "120",
            "run": ["gd;lr=0.19", "gd;lr=0.25"],
        },
    ),
    Preset(
        "saddle-escape",
        "Stuck at a saddle: momentum escapes first",
        "Started almost exactly on the ridge, gradient descent rolls to the saddle point "
        "and waits there: the push off the ridge grows only by (1 + 2·lr) per step. "
        "Momentum multiplies the push and leaves long before.",
        "playground",
        {
            "surface": "saddle",
            "start": "-1.8,0.000001",
            "steps": "600",
            "run": ["gd;lr=0.01", "momentum;lr=0.01;momentum=0.9"],
        },
    ),
    Preset(
        "saddle-noise",
        "Noise knocks gradient descent off a saddle",
        "The same saddle with seeded Gaussian noise on every gradient, as a minibatch "
        "would add: the iterate cannot balance on the ridge and escapes.",
        "playground",
        {
            "surface": "saddle",
            "start": "-1.8,0",
            "steps": "400",
            "noise": "0.05",
            "seed": "1",
            "run": ["gd;lr=0.01"],
        },
    ),
    Preset(
        "rosenbrock-adam",
        "Adam vs SGD in Rosenbrock's curved valley",
        "Gradient descent reaches the valley floor fast, then inches along it: the "
        "gradient there is tiny. Adam rescales each coordinate and runs along the floor.",
        "playground",
        {
            "surface": "rosenbrock",
            "start": "-1.5,2",
            "steps": "2000",
            "run": ["gd;lr=0.001", "momentum;lr=0.001;momentum=0.9", "adam;lr=0.05"],
        },
    ),
    Preset(
        "ring-valley",
        "A valley you type: Rosenbrock's runs round a ring",
        "Typed: f = (x² + y² − 4)² + 0.1·((x − 2)² + y²), a valley whose floor is the "
        "circle of radius 2, lowest at (2, 0). At the minimum its walls curve 161 "
        "times more sharply than its floor. The same three runs as in Rosenbrock's "
        "valley: gradient descent creeps along the floor, momentum gets most of the "
        "way round, and Adam follows the floor round the bend to the minimum. Edit "
        "the formula to bend your own valley.",
        "playground",
        {
            "surface": "custom",
            "f": "(x^2 + y^2 - 4)^2 + 0.1*((x - 2)^2 + y^2)",
            "x_min": "-3",
            "x_max": "3",
            "y_min": "-3",
            "y_max": "3",
            "start": "-2,1",
            "steps": "2000",
            "run": ["gd;lr=0.001", "momentum;lr=0.001;momentum=0.9", "adam;lr=0.05"],
        },
    ),
    Preset(
        "cg-vs-steepest",
        "Conjugate gradient vs steepest descent on a quadratic",
        "With exact line searches, steepest descent turns 90° at every step (each new "
        "gradient is orthogonal to the last) and zig-zags; conjugate gradient reaches the "
        "minimum of a 2D quadratic in two steps.",
        "playground",
        {
            "surface": "quadratic",
            "condition_number": "20",
            "angle": "0.5",
            "start": "-2.5,2",
            "steps": "30",
            "run": ["gd_exact_line_search", "cg_fletcher_reeves"],
        },
    ),
    Preset(
        "newton-saddle",
        "Newton's method walks into the saddle",
        "Newton's step solves ∇f = 0, and a saddle point is such a point: from anywhere "
        "on this surface one full Newton step lands exactly on the saddle, while gradient "
        "descent moves downhill and away.",
        "playground",
        {
            "surface": "saddle",
            "start": "-1.2,0.6",
            "steps": "40",
            "run": ["newton", "gd;lr=0.05"],
        },
    ),
    Preset(
        "double-well-momentum",
        "A double well: momentum rolls over the hump",
        "Typed: f = x⁴ − 2x² + y² has two wells, lowest at (±1, 0) with f = −1, and "
        "a saddle point between them at (0, 0). Started high on the right wall, "
        "gradient descent settles in the nearer well, on the right; momentum keeps the "
        "speed of its descent, rolls through that well, over the hump and ends in "
        "the left well. Which minimum a run finds depends on where it starts and "
        "how it moves.",
        "playground",
        {
            "surface": "custom",
            "f": "x^4 - 2*x^2 + y^2",
            "x_min": "-2",
            "x_max": "2",
            "y_min": "-1.5",
            "y_max": "1.5",
            "start": "1.8,1",
            "steps": "300",
            "run": ["gd;lr=0.01", "momentum;lr=0.01;momentum=0.9"],
        },
    ),
    Preset(
        "plateau",
        "Plateaus stall gradient descent; Adam walks on",
        "On the plateau the gradient is about 1e-3: gradient descent's steps are as small. "
        "Adam divides by the gradient's own scale and moves at the speed of its lr, until "
        "the cliff.",
        "playground",
        {
            "surface": "plateau",
            "start": "-3,1.5",
            "steps": "600",
            "run": ["gd;lr=0.1", "momentum;lr=0.1;momentum=0.9", "adam;lr=0.05"],
        },
    ),
    Preset(
        "decay-schedules",
        "Constant, inverse-time (1/k) and step decay",
        "With noisy gradients a constant learning rate stops improving and bounces in a "
        "'zone of confusion'; decaying it lets the iterate settle. 1/k satisfies "
        "Σηₖ = ∞ and Σηₖ² < ∞.",
        "schedules",
        {
            "schedules": "constant,inverse_time,step",
            "lr": "0.1",
            "steps": "400",
            "decay_rate": "0.05",
            "gamma": "0.5",
            "step_size": "100",
            "optimizer": "gd",
            "surface": "quadratic",
            "noise": "0.5",
        },
    ),
    Preset(
        "sgd-confusion-constant",
        "Minibatch SGD bounces in the region of confusion",
        "With a constant lr, full-batch gradient descent walks into θ*, but minibatch "
        "and online SGD only reach the pink region where the examples' gradients "
        "disagree more than the full gradient is large, and keep bouncing there: each "
        "step follows its own batch's loss (the white lines), whose minimum lies "
        "elsewhere. Compare the demo with a decaying lr.",
        "stochastic",
        {"surface": "linear_regression", "lr": "0.3", "steps": "500", "batch": "5"},
    ),
    Preset(
        "sgd-confusion-decayed",
        "A 1/k learning rate lets SGD settle",
        "The same runs with ηₖ = η₀/(1 + rk), the notes' 1/k schedule: Σηₖ = ∞, so the "
        "runs still get there, and Σηₖ² < ∞, so the batch noise dies out. The online "
        "run now ends about 20 times closer to θ* than with a constant lr.",
        "stochastic",
        {
            "surface": "linear_regression",
            "lr": "0.3",
            "steps": "500",
            "batch": "5",
            "schedule": "inverse_time",
            "decay_rate": "0.05",
        },
    ),
    Preset(
        "batch-size",
        "Batch size: from one example to all of them",
        "Full batch, a minibatch of 10 and a single example per step, same lr, same "
        "start. The smaller the batch, the cheaper the step and the noisier its "
        "direction: online SGD takes 50 steps per epoch (◆) to the full batch's one, "
        "and ends furthest from θ*.",
        "stochastic",
        {"surface": "linear_regression", "lr": "0.3", "steps": "300", "batch": "10"},
    ),
    Preset(
        "adam-vs-sgd-net",
        "Adam vs SGD on the same network",
        "The same 2-16-16-1 network from the same initial weights on the same "
        "minibatches. Adam's per-coordinate step sizes cross the early plateau, where "
        "the boundary barely bends, several times faster than plain SGD (training "
        "loss under 0.25 after ~130 steps against ~700); both end near 95% on the "
        "held-out points.",
        "neural_net",
        {
            "dataset": "moons",
            "steps": "1000",
            "batch": "32",
            "run": ["adam;lr=0.01", "sgd;lr=0.1"],
        },
    ),
    Preset(
        "sharp-vs-flat",
        "Small batches find flat minima, full batches sharp ones",
        "Same optimizer, same start, only the batch size differs. The full-batch run "
        "drives the training loss far lower, into a sharp minimum: a filter-normalized "
        "step away its loss rises more than ten times as much (the sharpness column), "
        "and it does worse on the held-out points. The noisy small-batch run settles "
        "in a flat basin. Switch the slice's centre between the runs to see both.",
        "neural_net",
        {
            "dataset": "moons",
            "steps": "2000",
            "run": ["adam;lr=0.01;batch_size=16", "adam;lr=0.01;batch_size=200"],
            "slice": "random",
        },
    ),
    Preset(
        "momentum-stability-region",
        "Where heavy-ball momentum converges: theory on the measurement",
        "Each cell runs momentum on a quadratic with curvatures λ = 1 and 25. Theory "
        "says it converges exactly when 0 ≤ β < 1 and lr·λ < 2(1 + β) for both: the "
        "dashed line, and the measured divergence (red) begins right on it. The gold "
        "star is Polyak's optimal pair; its measured rate matches the predicted "
        "(√κ − 1)/(√κ + 1) = 2/3 per step.",
        "sweep",
        {
            "mode": "plane",
            "surface": "quadratic",
            "condition_number": "25",
            "angle": "0",
            "run": "momentum",
            "x": "lr",
            "y": "momentum",
            "x_range": "0.001,1",
            "y_range": "0,0.99",
            "x_log": "1",
            "y_log": "0",
            "resolution": "128",
            "steps": "300",
            "outcome": "score",
        },
    ),
    Preset(
        "himmelblau-basins-gd",
        "Himmelblau's four basins under gradient descent",
        "Every start point, coloured by the minimum gradient descent (lr = 0.01) ends "
        "in: Himmelblau's four minima split the square into four basins, whose "
        "borders follow the ridges of f. Open Adam's basins next for the contrast.",
        "sweep",
        {
            "mode": "basins",
            "surface": "himmelblau",
            "run": "gd;lr=0.01",
            "resolution": "128",
            "steps": "500",
            "outcome": "basin",
        },
    ),
    Preset(
        "himmelblau-basins-adam",
        "The same starts under Adam: other basins",
        "The same start points under Adam (lr = 0.1), minima in the same colours as "
        "under gradient descent. Adam's steps follow the gradient's signs more than "
        "its size, so its basins are not f's: borders cut across the contours, and "
        "about one start in fourteen ends at another minimum than under gradient "
        "descent.",
        "sweep",
        {
            "mode": "basins",
            "surface": "himmelblau",
            "run": "adam;lr=0.1",
            "resolution": "128",
            "steps": "500",
            "outcome": "basin",
        },
    ),
    Preset(
        "double-well-basins",
        "The double well's basins under momentum: bands",
        "Every start on f = x⁴ − 2x² + y², coloured by the well momentum (lr = 0.01, "
        "β = 0.9) ends in. Gradient descent would split the square at x = 0, each "
        "start ending in the well on its own side. Momentum does so for the starts "
        "between the wells; started higher on a wall, it rolls over the hump, so the "
        "basins alternate in bands. f is a part in x plus a part in y, and momentum "
        "moves each coordinate on its own, so only the start's x decides: the bands "
        "are vertical.",
        "sweep",
        {
            "mode": "basins",
            "surface": "custom",
            "f": "x^4 - 2*x^2 + y^2",
            "x_min": "-3",
            "x_max": "3",
            "y_min": "-3",
            "y_max": "3",
            "run": "momentum;lr=0.01;momentum=0.9",
            "resolution": "128",
            "steps": "500",
            "outcome": "basin",
        },
    ),
    Preset(
        "rosenbrock-fractal-edge",
        "The edge of trainability, zoomed: bands within bands",
        "Momentum on Rosenbrock, zoomed into a window of lr only 0.0004 wide where "
        "training turns into divergence (red). The edge is no line: bands that "
        "converge alternate with bands that blow up, and a box dragged over any "
        "border and recomputed shows more of them, as Sohl-Dickstein (2024) found "
        "for neural networks.",
        "sweep",
        {
            "mode": "plane",
            "surface": "rosenbrock",
            "run": "momentum",
            "x": "lr",
            "y": "momentum",
            "x_range": "0.0021,0.0025",
            "y_range": "0.55,0.85",
            "x_log": "0",
            "y_log": "0",
            "resolution": "160",
            "steps": "1000",
            "outcome": "score",
        },
    ),
    Preset(
        "linear-net-flat-minima",
        "A large step can only stay in a flat minimum",
        "Every point of the hyperbola xy = 1 minimizes (1 − xy)²/2, the smallest "
        "two-layer linear network, and the one at (x, y) has sharpness x² + y². "
        "Gradient descent with lr = 0.5 can only stay where lr·(x² + y²) < 2, inside "
        "the dashed circle. Coloured by the final point's sharpness times lr/2: "
        "every run that settles ends inside (blue, never red), even from far "
        "outside; the rest diverge (black).",
        "sweep",
        {
            "mode": "basins",
            "surface": "linear_net",
            "run": "gd;lr=0.5",
            "resolution": "128",
            "steps": "500",
            "outcome": "sharpness",
        },
    ),
)
PRESETS += (
    Preset(
        "lion-sign-steps",
        "Lion moves on a lattice: sign steps in a tilted ravine",
        "Lion steps each coordinate by exactly lr = 0.02 (the sign of an "
        "interpolated momentum), so every step has length 0.028 and points along "
        "a diagonal, whatever the ravine's tilt. It reaches the minimum's "
        "neighbourhood first (f < 0.1 by step 300; Adam, whose steps shrink, not by "
        "step 400), but at a constant lr it never settles: it keeps circling the "
        "minimum at full step length.",
        "playground",
        {
            "surface": "quadratic",
            "condition_number": "50",
            "angle": "0.5",
            "start": "-2.5,1.5",
            "steps": "400",
            "run": ["lion;lr=0.02;weight_decay=0", "adam;lr=0.02"],
        },
    ),
    Preset(
        "sam-flat-minimum",
        "SAM leaves the sharp minimum for the flat one",
        "Two minima of the same depth: a sharp one at the origin (curvature 200 "
        "across) and a flat one at (2, 0) (curvature under 6). From (−0.4, −0.4), SGD, "
        "SGD with momentum and Adam settle in the sharp one. SAM steps with the "
        "gradient at the worst point within ρ of each iterate, high on the sharp "
        "well's wall, and in all three forms (plain, momentum, Adam; same learning "
        "rates) it leaves for the flat minimum. The optax SAM notebook's setting.",
        "playground",
        {
            "surface": "custom",
            "f": "-exp(-(x-2)^2 - y^2) - exp(-(x^2 + 100*y^2))",
            "start": "-0.4,-0.4",
            "steps": "4000",
            "run": [
                "sgd;lr=0.009",
                "sgd;lr=0.005;momentum=0.9",
                "adam;lr=0.02",
                "sam;lr=0.009;rho=0.1",
                "sam;lr=0.005;rho=0.1;momentum=0.9",
                "sam_adam;lr=0.02;rho=0.2",
            ],
        },
    ),
    Preset(
        "annealing-rastrigin",
        "Simulated annealing crosses Rastrigin's basins; gradient descent cannot",
        "Gradient descent from (3.3, −2.6) stops in the nearest of Rastrigin's many "
        "local minima (f ≈ 18). Simulated annealing proposes random moves and "
        "accepts an uphill one with probability exp(−Δf/T): while the temperature "
        "is high (T₀ = 10) it wanders across basins, and as T cools (×0.99 a step) "
        "it settles. Seeds 0 and 1 end in the global basin, seed 2 next to it (f ≈ "
        "1.03); of seeds 0 to 19, all but seed 2 end below f = 1 in 2,000 steps.",
        "playground",
        {
            "surface": "rastrigin",
            "steps": "2000",
            "run": [
                "gd;lr=0.002",
                "simulated_annealing;rng_seed=0",
                "simulated_annealing;rng_seed=1",
                "simulated_annealing;rng_seed=2",
            ],
        },
    ),
    Preset(
        "schedule-free-sequences",
        "Schedule-Free SGD: three sequences, and the average needs no schedule",
        "Every gradient here carries seeded noise (σ = 1). At lr 0.05 SGD keeps "
        "bouncing around the minimum: over the last 200 steps its mean distance is "
        "0.16. Schedule-Free SGD at the same lr keeps three points: z takes plain "
        "SGD steps (dashed, the noisiest, 0.26), x is a running average of the z's "
        "(dashed, 0.025) and the gradient is taken at y, between them (the path, "
        "0.037). With no decaying schedule, its x ends six times closer than SGD.",
        "playground",
        {
            "surface": "quadratic",
            "condition_number": "10",
            "angle": "0.4",
            "start": "-2.5,2",
            "steps": "400",
            "run": ["sgd;lr=0.05", "schedule_free_sgd;lr=0.05"],
            "noise": "1",
            "seed": "1",
        },
    ),
    Preset(
        "lbfgs-rosenbrock",
        "L-BFGS against Adam in Rosenbrock's valley",
        "L-BFGS models the curvature from its last steps and, with torch's "
        "strong-Wolfe line search, gets within 10⁻⁶ of the minimum in 38 "
        "iterations, then stops by itself (its path ends at iteration 40); with "
        "unit steps and no line search it needs 87. Adam at lr 0.05 needs 1,386 "
        "steps. One L-BFGS iteration may evaluate f several times (its line "
        "search): the path shows one point per iteration.",
        "playground",
        {
            "surface": "rosenbrock",
            "steps": "1500",
            "run": ["lbfgs;strong_wolfe=1", "lbfgs", "adam;lr=0.05"],
        },
    ),
)

BY_KEY = {preset.key: preset for preset in PRESETS}
