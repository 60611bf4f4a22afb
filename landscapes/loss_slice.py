r"""A 2D slice through an MLP's loss: L(a, b) = L(c + a·d₁ + b·d₂), a landscape like any
other.

The center c is a parameter vector (a trained network, say) and d₁, d₂ two directions
in parameter space. Every optimizer runs on the slice through the usual kernels, and
its minibatches work as on any empirical risk (the batch is in the kernel parameters,
``landscapes.empirical``).

Directions:

* ``"random"``: Gaussian directions, filter-normalized (Li et al. 2018): in each
  dᵢ, the incoming weights of every output neuron (a row of a weight matrix) are
  rescaled to the norm of the same row of c. A step of 1 then moves every neuron by
  its own size, so nets whose layers differ in scale get comparable pictures.
  Biases are not perturbed (their entries in dᵢ are 0), as in Li et al.'s released
  code (``ignore='biasbn'``): a bias is a single number per neuron, so its
  "filter" norm is its own magnitude, and a unit step would flip or double it, a
  distortion of the picture rather than a view of it.
* ``"pca"``: the top two principal directions of a training trajectory (its rows
  minus the center, by default its final point, as Li et al. do), unit length and
  orthogonal; the fraction of the trajectory's variance (about the center) each
  explains is ``explained_variance``. Several runs' paths stacked give the plane
  that best holds all of them.

``project(params)`` gives the plane coordinates (least squares in the directions) of
parameter vectors and ``distance_off_plane(params)`` how far each lies from the
plane: a path's projection shows only what lies in the plane.

Gradient and Hessian in (a, b) are exact: ∂L/∂a = d₁·∇L by backpropagation, and the
Hessian by forward-mode second derivatives along d₁ and d₂ through every layer.

Reference: H. Li, Z. Xu, G. Taylor, C. Studer and T. Goldstein (2018), Visualizing
the loss landscape of neural nets, NeurIPS.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass, field

import numpy as np

from landscapes._jit import jit, jit_chunked, jit_inline
from landscapes.empirical import HEADER, EmpiricalRisk
from landscapes.losses import bce_with_logits
from landscapes.mlp import MLP, activate, forward, loss_grad

LATEX = r"L(a, b) = \frac{1}{|B|}\sum_{i \in B} \ell_i(c + a\,d_1 + b\,d_2)"
REFERENCE = (
    "H. Li, Z. Xu, G. Taylor, C. Studer and T. Goldstein (2018), Visualizing the loss "
    "landscape of neural nets, NeurIPS."
)
DIRECTIONS = ("random", "pca")


# Kernel-parameter layout after the empirical header (N, |B|):
#   S, sizes[S], activation, P, c[P], d1[P], d2[P], X[N x inputs], Y[N], batch[N]


@jit_inline
def _unpack(p):
    layers = int(p[HEADER])
    sizes = np.empty(layers, dtype=np.int64)
    for i in range(layers):
        sizes[i] = int(p[HEADER + 1 + i])
    at = HEADER + 1 + layers
    activation = int(p[at])
    n_params = int(p[at + 1])
    at += 2
    return sizes, activation, n_params, at


@jit_inline
def _data(p, sizes, at):
    n = int(p[0])
    inputs = sizes[0]
    X = p[at : at + n * inputs].reshape((n, inputs))
    Y = p[at + n * inputs : at + n * inputs + n]
    return X, Y


@jit_inline
def _point(p, a, b, n_params, at):
    theta = np.empty(n_params)
    for i in range(n_params):
        theta[i] = p[at + i] + a * p[at + n_params + i] + b * p[at + 2 * n_params + i]
    return theta


@jit_inline
def _batch(p, count):
    n = int(p[0])
    idx = np.empty(count, dtype=np.int64)
    for j in range(count):
        idx[j] = int(p[p.size - n + j])
    return idx


@jit_inline
def _on_plane(a, b, p, idx, count):
    """(L, ∂L/∂a, ∂L/∂b) over the examples idx[:count]: backpropagation at
    c + a·d₁ + b·d₂, then the gradient's components along d₁ and d₂."""
    sizes, activation, n_params, at = _unpack(p)
    X, Y = _data(p, sizes, at + 3 * n_params)
    theta = _point(p, a, b, n_params, at)
    grad = np.empty(n_params)
    f = loss_grad(theta, sizes, activation, X, Y, idx, count, grad, np.empty((0, 0)))
    ga = 0.0
    gb = 0.0
    for i in range(n_params):
        ga += p[at + n_params + i] * grad[i]
        gb += p[at + 2 * n_params + i] * grad[i]
    return f, ga, gb


# value_grad and example are called, not inlined, by the slice's kernels
# (landscapes._dispatch): one compiled copy instead of one per kernel (a forward and
# backward pass is far more work than the call).
@jit
def value_grad(a, b, p):
    count = int(p[1])
    return _on_plane(a, b, p, _batch(p, count), count)


@jit
def example(a, b, p, i):
    """(ℓᵢ, ∂ℓᵢ/∂a, ∂ℓᵢ/∂b) of example i."""
    return _on_plane(a, b, p, np.full(1, i, dtype=np.int64), 1)


@jit
def _hessian(a, b, p):
    """Second-order forward mode: each unit carries (v, v_a, v_b, v_aa, v_ab, v_bb)."""
    sizes, activation, n_params, at = _unpack(p)
    X, Y = _data(p, sizes, at + 3 * n_params)
    count = int(p[1])
    idx = _batch(p, count)
    theta = _point(p, a, b, n_params, at)
    d1 = at + n_params
    d2 = at + 2 * n_params
    width = 0
    for s in sizes:
        width = max(width, s)
    h = np.zeros((6, width))  # this layer's input jets
    z = np.zeros((6, width))
    hxx = 0.0
    hxy = 0.0
    hyy = 0.0
    for e in range(count):
        for c in range(sizes[0]):
            h[0, c] = X[idx[e], c]
            for channel in range(1, 6):
                h[channel, c] = 0.0
        offset = 0
        for layer in range(sizes.size - 1):
            fan_in = sizes[layer]
            fan_out = sizes[layer + 1]
            bias = offset + fan_out * fan_in
            for j in range(fan_out):
                v = theta[bias + j]
                va = p[d1 + bias + j]
                vb = p[d2 + bias + j]
                vaa = 0.0
                vab = 0.0
                vbb = 0.0
                for k in range(fan_in):
                    w_at = offset + j * fan_in + k
                    w = theta[w_at]
                    wa = p[d1 + w_at]
                    wb = p[d2 + w_at]
                    v += w * h[0, k]
                    va += wa * h[0, k] + w * h[1, k]
                    vb += wb * h[0, k] + w * h[2, k]
                    vaa += 2.0 * wa * h[1, k] + w * h[3, k]
                    vab += wa * h[2, k] + wb * h[1, k] + w * h[4, k]
                    vbb += 2.0 * wb * h[2, k] + w * h[5, k]
                z[0, j] = v
                z[1, j] = va
                z[2, j] = vb
                z[3, j] = vaa
                z[4, j] = vab
                z[5, j] = vbb
            offset = bias + fan_out
            if layer < sizes.size - 2:
                for j in range(fan_out):
                    value = activate(z[0, j], activation)
                    if activation == 0:  # tanh: σ' = 1 - σ², σ'' = -2σσ'
                        slope = 1.0 - value * value
                        curve = -2.0 * value * slope
                    else:  # ReLU: σ' = 1[z > 0], σ'' = 0 (almost everywhere)
                        slope = 1.0 if z[0, j] > 0.0 else 0.0
                        curve = 0.0
                    h[0, j] = value
                    h[1, j] = slope * z[1, j]
                    h[2, j] = slope * z[2, j]
                    h[3, j] = curve * z[1, j] * z[1, j] + slope * z[3, j]
                    h[4, j] = curve * z[1, j] * z[2, j] + slope * z[4, j]
                    h[5, j] = curve * z[2, j] * z[2, j] + slope * z[5, j]
        _, slope, curve = bce_with_logits(z[0, 0], Y[idx[e]])
        hxx += curve * z[1, 0] * z[1, 0] + slope * z[3, 0]
        hxy += curve * z[1, 0] * z[2, 0] + slope * z[4, 0]
        hyy += curve * z[2, 0] * z[2, 0] + slope * z[5, 0]
    return hxx / count, hxy / count, hyy / count


@jit_inline
def hessian(a, b, p):
    return _hessian(a, b, p)


@jit_chunked("slice")
def values(p, A, B, out, first, stride):
    """out[i] = L(A[i], B[i]) (loss only) for a whole grid, chunks first,
    first + stride, ... of it: the picture's 10,201 losses without the gradient work
    of the run kernels."""
    sizes, activation, n_params, at = _unpack(p)
    X, Y = _data(p, sizes, at + 3 * n_params)
    count = int(p[1])
    idx = _batch(p, count)
    units = 0
    for layer in range(1, sizes.size):
        units += sizes[layer]
    n = A.size
    chunk = 64
    for c in range(first, (n + chunk - 1) // chunk, stride):
        Z = np.empty((units, count))
        H = np.empty((units - 1 + sizes[0], count))
        for i in range(c * chunk, min(n, (c + 1) * chunk)):
            theta = _point(p, A[i], B[i], n_params, at)
            forward(theta, sizes, activation, X, idx, count, Z, H)
            total = 0.0
            for e in range(count):
                total += bce_with_logits(Z[units - 1, e], Y[idx[e]])[0]
            out[i] = total / count


@dataclass(frozen=True, eq=False)
class MLPSlice(EmpiricalRisk):
    """The slice L(a, b) = L(center + a·d₁ + b·d₂) of `model`'s loss on `data`."""

    model: MLP | None = None
    center: np.ndarray = field(default=None, repr=False)
    directions: np.ndarray = field(default=None, repr=False)  # (2, P)
    explained_variance: tuple[float, float] | None = None

    def value(self, x, y):
        if np.ndim(x) == 0 and np.ndim(y) == 0:
            return super().value(x, y)
        A, B = np.broadcast_arrays(np.asarray(x, np.float64), np.asarray(y, np.float64))
        out = np.empty(A.size)
        values(
            A.size * int(self.kernel_params[1]),
            self.kernel_params,
            np.ascontiguousarray(A).ravel(),
            np.ascontiguousarray(B).ravel(),
            out,
        )
        return out.reshape(A.shape)

    def at(self, a, b) -> np.ndarray:
        """The parameter vector c + a·d₁ + b·d₂."""
        return self.center + a * self.directions[0] + b * self.directions[1]

    def project(self, params) -> np.ndarray:
        """Plane coordinates (k, 2) of parameter vectors (k, P): least squares in the
        two directions."""
        offsets = np.atleast_2d(params) - self.center
        coords, *_ = np.linalg.lstsq(self.directions.T, offsets.T, rcond=None)
        return coords.T

    def distance_off_plane(self, params) -> np.ndarray:
        """‖θ - (c + a·d₁ + b·d₂)‖ for each row θ, (a, b) its projection."""
        params = np.atleast_2d(params)
        coords = self.project(params)
        reconstructed = self.center + coords @ self.directions
        return np.linalg.norm(params - reconstructed, axis=1)


def filter_normalized(model: MLP, center: np.ndarray, rng) -> np.ndarray:
    """A Gaussian direction with each weight row scaled to the norm of the center's
    same row (Li et al. 2018); biases 0 (see the module docstring)."""
    direction = np.zeros(model.n_parameters)
    for offset, fan_in, fan_out in model.weight_rows():
        rows = rng.standard_normal((fan_out, fan_in))
        own = center[offset : offset + fan_out * fan_in].reshape(fan_out, fan_in)
        scale = np.linalg.norm(own, axis=1) / np.linalg.norm(rows, axis=1)
        direction[offset : offset + fan_out * fan_in] = (rows * scale[:, None]).ravel()
    return direction


def sharpness(
    model: MLP, data, theta, radius: float = 0.5, directions: int = 16, seed: int = 0
) -> float:
    """How sharp the loss is around θ: the mean rise L(θ ± r·d) - L(θ) over random
    filter-normalized directions d, both signs (an ε-sharpness in the spirit of
    Keskar et al. 2017, measured on Li et al.'s scale, so nets of any weight size
    compare). Flat minima rise little; sharp ones a lot.

    Reference: N. S. Keskar et al. (2017), On large-batch training for deep learning:
    generalization gap and sharp minima, ICLR.
    """
    theta = model._theta(theta)
    rng = np.random.default_rng(seed)
    base = model.loss(theta, data)
    rises = []
    for _ in range(directions):
        d = filter_normalized(model, theta, rng)
        rises.append(
            0.5
            * (
                model.loss(theta + radius * d, data)
                + model.loss(theta - radius * d, data)
            )
            - base
        )
    return float(np.mean(rises))


def pca_directions(trajectory: np.ndarray, center: np.ndarray):
    """Top two principal directions of (trajectory - center), and the fraction of that
    matrix's squared norm each explains."""
    offsets = trajectory - center
    _, singular, vt = np.linalg.svd(offsets, full_matrices=False)
    total = float(np.sum(singular**2))
    if len(singular) < 2 or total == 0.0 or singular[1] == 0.0:
        raise ValueError(
            "trajectory must move in at least two independent directions for a PCA plane"
        )
    explained = (float(singular[0] ** 2 / total), float(singular[1] ** 2 / total))
    return vt[:2].copy(), explained


def mlp_slice(
    model: MLP,
    data,
    center=None,
    directions: str = "random",
    seed: int = 0,
    trajectory=None,
    span=None,
) -> MLPSlice:
    """The 2D slice of `model`'s mean loss on `data` through `center`.

    Args:
        directions: "random" (filter-normalized Gaussian, seeded) or "pca" (of
            `trajectory`, an array (k, P) of parameter vectors, or a list of them
            stacked: several runs' paths).
        center: the slice's origin; default the final row of `trajectory` ("pca").
        span: half-width of the view in (a, b): a number, or ((a0, a1), (b0, b1));
            default 1 for random (a whole weight-norm step), and the projected
            trajectory with a margin for pca.
    """
    if directions not in DIRECTIONS:
        raise ValueError(
            f"unknown directions {directions!r}; allowed: {', '.join(DIRECTIONS)}"
        )
    n_params = model.n_parameters
    path = None
    if trajectory is not None:
        pieces = trajectory if isinstance(trajectory, list | tuple) else [trajectory]
        path = np.concatenate(
            [np.atleast_2d(np.asarray(t, np.float64)) for t in pieces]
        )
        if path.shape[1] != n_params:
            raise ValueError(
                f"trajectory rows must have {n_params} parameters; got {path.shape[1]}"
            )
    if center is None:
        if path is None:
            raise ValueError("give a center (a parameter vector) or a trajectory")
        center = path[-1]
    center = model._theta(center).copy()
    explained = None
    if directions == "random":
        rng = np.random.default_rng(seed)
        d = np.stack([filter_normalized(model, center, rng) for _ in range(2)])
    else:
        if path is None or len(path) < 3:
            raise ValueError("directions='pca' needs a trajectory of at least 3 points")
        d, explained = pca_directions(path, center)
    x, y, _ = model._batch(data, None)
    sizes, code = model.kernel_args
    n = len(y)
    kernel_params = np.concatenate(
        [
            [float(n), float(n), float(sizes.size)],
            sizes.astype(np.float64),
            [float(code), float(n_params)],
            center,
            d[0],
            d[1],
            x.ravel(),
            y,
            np.arange(n, dtype=np.float64),
        ]
    )
    surface = MLPSlice(
        name="mlp_slice",
        title=f"MLP loss slice ({directions})",
        params={"directions": directions, "seed": seed},
        bounds=((-1.0, 1.0), (-1.0, 1.0)),
        minima=np.zeros((0, 2)),
        min_value=0.0,  # cross-entropy's infimum
        default_start=(-0.6, 0.6),
        latex=LATEX,
        reference=REFERENCE,
        kernel_params=kernel_params,
        data=data,
        model=model,
        center=center,
        directions=d,
        explained_variance=explained,
    )
    bounds, start = _view(surface, path, span)
    object.__setattr__(surface, "bounds", bounds)
    object.__setattr__(surface, "default_start", start)
    return surface


def _view(surface: MLPSlice, path, span):
    if span is not None:
        if np.ndim(span) == 0:
            half = float(span)
            if not half > 0:
                raise ValueError(f"Invalid span: {span!r}; must be > 0")
            bounds = ((-half, half), (-half, half))
        else:
            (a0, a1), (b0, b1) = ((float(u), float(v)) for u, v in span)
            if not (a0 < a1 and b0 < b1):
                raise ValueError(f"Invalid span: {span!r}; need low < high")
            bounds = ((a0, a1), (b0, b1))
    elif path is not None and surface.params["directions"] == "pca":
        coords = surface.project(path)
        low, high = coords.min(axis=0), coords.max(axis=0)
        margin = 0.25 * np.maximum(high - low, 1e-3)
        bounds = tuple(
            (float(lo - m), float(hi + m))
            for lo, hi, m in zip(low, high, margin, strict=True)
        )
    else:
        bounds = ((-1.0, 1.0), (-1.0, 1.0))
    if path is not None:
        a, b = surface.project(path[0])[0]
        (a0, a1), (b0, b1) = bounds
        start = (float(np.clip(a, a0, a1)), float(np.clip(b, b0, b1)))
    else:
        (a0, a1), (b0, b1) = bounds
        start = (a0 + 0.2 * (a1 - a0), b0 + 0.8 * (b1 - b0))
    return bounds, start


# --- the registered slice: a trained network every page can pick by name ----------

# name -> (low, high): what `make` accepts (whole numbers); the app's widgets read it.
PARAMETER_RANGES = {
    "train_steps": (0.0, 2000.0),
    "init_seed": (0.0, 1e6),
    "direction_seed": (0.0, 1e6),
}
REGISTERED_NET = {"hidden": (16, 16), "activation": "tanh"}
REGISTERED_DATA = {"name": "moons", "n_points": 200, "noise": 0.2, "seed": 0}
REGISTERED_TRAINING = {"optimizer": "adam", "lr": 0.01, "batch_size": 32}


# The registry's title, known without training the network (landscapes.title).
TITLE = "MLP loss slice (2-16-16-1 on moons)"

# How the registered slice's network is trained: ``optimizers.train``, which the
# optimizers package puts here when it is imported. The optimizers build on the
# landscapes, so the landscapes import nothing from them (one direction of arrows).
train_network = None


def make(train_steps: float = 500, init_seed: float = 0, direction_seed: float = 0):
    """The registry's ``mlp_slice``: a 2-16-16-1 tanh network on 200 moons (noise 0.2,
    seed 0), trained from ``model.init(init_seed)`` for `train_steps` Adam steps (lr 0.01,
    batch 32; 0 steps: the initialization), and its loss on a random filter-normalized
    plane (seed `direction_seed`) through the weights reached, over [-1, 1]²."""
    from landscapes.base import check_param

    steps = round(
        check_param("train_steps", train_steps, *PARAMETER_RANGES["train_steps"])
    )
    init_seed = round(
        check_param("init_seed", init_seed, *PARAMETER_RANGES["init_seed"])
    )
    direction_seed = round(
        check_param(
            "direction_seed", direction_seed, *PARAMETER_RANGES["direction_seed"]
        )
    )
    return _registered(steps, init_seed, direction_seed)


@functools.lru_cache(maxsize=16)
def _registered(steps: int, init_seed: int, direction_seed: int) -> MLPSlice:
    from landscapes import datasets

    model = MLP(**REGISTERED_NET)
    data = datasets.make(**REGISTERED_DATA)
    center = model.init(init_seed)
    if steps:
        if train_network is None:
            raise ValueError(
                "the mlp_slice surface trains its network with optimizers.train: "
                "import optimizers first (or use train_steps=0)"
            )
        training = dict(REGISTERED_TRAINING)
        center = train_network(
            training.pop("optimizer"), model, data, center, steps=steps, **training
        ).final
    surface = mlp_slice(model, data, center, "random", seed=direction_seed)
    trained = f"after {steps} Adam steps" if steps else "at initialization"
    return dataclasses.replace(
        surface,
        title=f"MLP loss slice (2-16-16-1 on moons, {trained})",
        params={
            "train_steps": steps,
            "init_seed": init_seed,
            "direction_seed": direction_seed,
        },
    )
