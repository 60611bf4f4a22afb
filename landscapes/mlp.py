r"""A small multilayer perceptron, a binary classifier trained by its flat parameter vector.

The network is torch's

    nn.Sequential(Linear(2, h₁), act, Linear(h₁, h₂), act, ..., Linear(h_L, 1))

with a logit output and the mean binary cross-entropy of
``binary_cross_entropy_with_logits`` (``landscapes.losses``). Its parameters are one
float64 vector θ in the order of that module's ``.parameters()``: each layer's weight
(out, in), row-major, then its bias. So ``torch.nn.utils.vector_to_parameters(θ, net
.parameters())`` loads it into torch and any number can be checked there.

Forward and backward passes are the lecture notes' layer-by-layer recursion, for a
batch B of examples at once (the example index is the innermost loop, which LLVM
vectorizes):

.. math::
    a^{0} = x, \quad z^{l} = W^{l} a^{l-1} + b^{l}, \quad a^{l} = \sigma(z^{l}),
    \quad s = z^{L} \\
    \delta^{L} = \frac{1}{|B|}\,\ell'(s), \quad
    \delta^{l-1} = \bigl((W^{l})^\top \delta^{l}\bigr) \odot \sigma'(z^{l-1}), \quad
    \frac{\partial L}{\partial W^{l}} = \sum_{B} \delta^{l} (a^{l-1})^\top, \quad
    \frac{\partial L}{\partial b^{l}} = \sum_{B} \delta^{l}.

``init(seed)`` draws θ as torch's ``nn.Linear.reset_parameters`` does (weights and
biases uniform on ±1/√fan_in), from a NumPy generator.
"""

from __future__ import annotations

import math

import numpy as np

from landscapes._jit import jit, jit_inline
from landscapes.losses import bce_with_logits

TANH = 0
RELU = 1
ACTIVATIONS = {"tanh": TANH, "relu": RELU}
MAX_WIDTH = 256
MAX_LAYERS = 4


# tanh without libm: exp(-2|z|) by Cody-Waite range reduction, x = n ln 2 + r with
# |r| <= ln2/2, e^r by its Taylor polynomial to r^13 (remainder < 4e-18) and 2^n from a
# table; a Taylor series of tanh itself below |z| = 1/8, where 1 - e^{-2|z|} would
# cancel. Branch-free and with no function call, so LLVM vectorizes the loops over
# examples: 5x faster than np.tanh (libm's), which was ~80% of a loss slice. Within 3
# ulps of np.tanh over [-30, 30] and down to 1e-300 (tests/test_mlp.py).
LN2_HI = 6.93147180369123816490e-01
LN2_LO = 1.90821492927058770002e-10
INV_LN2 = 1.44269504088896338700e00
POWERS_OF_HALF = np.array([2.0**-n for n in range(64)])
EXP_TAYLOR = tuple(1.0 / math.factorial(k) for k in range(13, -1, -1))  # r^13 .. r^0
# tanh z = z - z³/3 + 2z⁵/15 - ... (coefficients from the Bernoulli numbers), in z².
TANH_SERIES = (
    -929569.0 / 638512875.0,
    21844.0 / 6081075.0,
    -1382.0 / 155925.0,
    62.0 / 2835.0,
    -17.0 / 315.0,
    2.0 / 15.0,
    -1.0 / 3.0,
    1.0,
)


@jit_inline
def tanh(z):
    m = min(abs(z), 20.0)  # tanh(20) is 1 to double precision
    x = -2.0 * m
    n = np.floor(x * INV_LN2 + 0.5)  # in [-58, 0]
    r = (x - n * LN2_HI) - n * LN2_LO
    p = 0.0
    for c in EXP_TAYLOR:
        p = p * r + c
    e = p * POWERS_OF_HALF[np.int64(-n)]
    q = m * m
    s = 0.0
    for c in TANH_SERIES:
        s = s * q + c
    t = m * s if m < 0.125 else (1.0 - e) / (1.0 + e)
    return t if z >= 0.0 else (-t if z < 0.0 else z)  # NaN stays NaN


@jit_inline
def activate(z, activation):
    if activation == TANH:
        return tanh(z)
    return max(z, 0.0)


@jit_inline
def activation_slope(z, a, activation):
    """σ'(z), given a = σ(z): 1 - a² for tanh, the step 1[z > 0] for ReLU."""
    if activation == TANH:
        return 1.0 - a * a
    return 1.0 if z > 0.0 else 0.0


@jit
def layer_offsets(sizes):
    """Where each layer's weight starts in θ (its bias follows it), and P."""
    offsets = np.empty(sizes.size, dtype=np.int64)
    total = 0
    for layer in range(sizes.size - 1):
        offsets[layer] = total
        total += sizes[layer + 1] * (sizes[layer] + 1)
    offsets[sizes.size - 1] = total
    return offsets


@jit
def forward(theta, sizes, activation, X, idx, count, Z, A):
    """Fill Z (pre-activations) and A (activations; rows of layer 0 are the inputs)
    for the examples X[idx[:count]]. Rows of layer l start at the running sum of the
    widths before it; the logits are Z's last row."""
    layers = sizes.size - 1
    offsets = layer_offsets(sizes)
    for c in range(sizes[0]):
        for e in range(count):
            A[c, e] = X[idx[e], c]
    a_row = 0  # first row of a^{l-1} in A
    z_row = 0  # first row of z^{l} in Z
    for layer in range(layers):
        fan_in = sizes[layer]
        fan_out = sizes[layer + 1]
        w = offsets[layer]
        bias = w + fan_out * fan_in
        for j in range(fan_out):
            row = z_row + j
            b = theta[bias + j]
            for e in range(count):
                Z[row, e] = b
            for k in range(fan_in):
                weight = theta[w + j * fan_in + k]
                for e in range(count):
                    Z[row, e] += weight * A[a_row + k, e]
            if layer < layers - 1:
                out = a_row + fan_in + j
                for e in range(count):
                    A[out, e] = activate(Z[row, e], activation)
        a_row += fan_in
        z_row += fan_out


@jit
def loss_grad(theta, sizes, activation, X, Y, idx, count, grad, per_example):
    """The mean loss over the batch X[idx[:count]]; when grad.size > 0 also its
    gradient into grad, and when per_example.size > 0 each example's gradient into
    its row (count, P). Returns the loss."""
    layers = sizes.size - 1
    offsets = layer_offsets(sizes)
    units = 0
    for layer in range(1, sizes.size):
        units += sizes[layer]
    Z = np.empty((units, count))
    A = np.empty((units - 1 + sizes[0], count))
    forward(theta, sizes, activation, X, idx, count, Z, A)
    D = np.empty((units, count))  # δ, per example
    total = 0.0
    for e in range(count):
        loss, slope, _ = bce_with_logits(Z[units - 1, e], Y[idx[e]])
        total += loss
        D[units - 1, e] = slope
    if grad.size == 0 and per_example.size == 0:
        return total / count
    scale = 1.0 / count
    z_row = units - 1  # first row of z^{l} in Z, walking back from the output
    a_row = units - 1 + sizes[0] - sizes[layers - 1]  # first row of a^{l-1} in A
    for layer in range(layers - 1, -1, -1):
        fan_in = sizes[layer]
        fan_out = sizes[layer + 1]
        w = offsets[layer]
        bias = w + fan_out * fan_in
        for j in range(fan_out):
            row = z_row + j
            if grad.size > 0:
                gb = 0.0
                for e in range(count):
                    gb += D[row, e]
                grad[bias + j] = gb * scale
                for k in range(fan_in):
                    gw = 0.0
                    for e in range(count):
                        gw += D[row, e] * A[a_row + k, e]
                    grad[w + j * fan_in + k] = gw * scale
            if per_example.size > 0:
                for e in range(count):
                    per_example[e, bias + j] = D[row, e]
                    for k in range(fan_in):
                        per_example[e, w + j * fan_in + k] = D[row, e] * A[a_row + k, e]
        if layer > 0:
            below = z_row - fan_in  # rows of z^{l-1}
            for k in range(fan_in):
                for e in range(count):
                    D[below + k, e] = 0.0
                for j in range(fan_out):
                    weight = theta[w + j * fan_in + k]
                    for e in range(count):
                        D[below + k, e] += weight * D[z_row + j, e]
                for e in range(count):
                    D[below + k, e] *= activation_slope(
                        Z[below + k, e], A[a_row + k, e], activation
                    )
            z_row = below
            a_row -= sizes[layer - 1]
    return total / count


@jit
def logits(theta, sizes, activation, X):
    """The network's output s for every row of X."""
    n = X.shape[0]
    units = 0
    for layer in range(1, sizes.size):
        units += sizes[layer]
    Z = np.empty((units, n))
    A = np.empty((units - 1 + sizes[0], n))
    idx = np.arange(n)
    forward(theta, sizes, activation, X, idx, n, Z, A)
    return Z[units - 1].copy()


class MLP:
    """A binary classifier ``Linear(2, h₁), act, ..., Linear(h_L, 1)``.

    >>> model = MLP(hidden=(16, 16), activation="tanh")
    >>> model.n_parameters
    337
    """

    def __init__(self, hidden=(16, 16), activation: str = "tanh", inputs: int = 2):
        hidden = tuple(hidden)
        if not 1 <= len(hidden) <= MAX_LAYERS or not all(
            isinstance(h, int | np.integer) and 1 <= h <= MAX_WIDTH for h in hidden
        ):
            raise ValueError(
                f"Invalid hidden={hidden!r}; allowed: 1 to {MAX_LAYERS} widths, each "
                f"a whole number in [1, {MAX_WIDTH}]"
            )
        if activation not in ACTIVATIONS:
            raise ValueError(
                f"unknown activation {activation!r}; allowed: {', '.join(ACTIVATIONS)}"
            )
        self.hidden = tuple(int(h) for h in hidden)
        self.activation = activation
        self.sizes = np.array((int(inputs), *self.hidden, 1), dtype=np.int64)
        self._code = ACTIVATIONS[activation]
        self._offsets = layer_offsets(self.sizes)

    @property
    def n_parameters(self) -> int:
        return int(self._offsets[-1])

    def __repr__(self) -> str:
        return f"MLP(hidden={self.hidden}, activation={self.activation!r})"

    def layout(self) -> list[tuple[str, tuple[int, ...], int]]:
        """(torch name, shape, offset in θ) of every tensor, in .parameters() order:
        ``0.weight``, ``0.bias``, ``2.weight``, ... (activations sit between)."""
        out = []
        for layer in range(self.sizes.size - 1):
            fan_in, fan_out = int(self.sizes[layer]), int(self.sizes[layer + 1])
            w = int(self._offsets[layer])
            out.append((f"{2 * layer}.weight", (fan_out, fan_in), w))
            out.append((f"{2 * layer}.bias", (fan_out,), w + fan_out * fan_in))
        return out

    def weight_rows(self) -> list[tuple[int, int, int]]:
        """(offset, fan_in, fan_out) per layer: output neuron j's incoming weights are
        θ[offset + j·fan_in : offset + (j+1)·fan_in], its bias θ[offset + fan_out·fan_in
        + j]."""
        return [
            (int(self._offsets[i]), int(self.sizes[i]), int(self.sizes[i + 1]))
            for i in range(self.sizes.size - 1)
        ]

    def init(self, seed: int = 0) -> np.ndarray:
        """θ drawn as torch's nn.Linear draws its weight and bias (uniform on
        ±1/√fan_in), in parameter order, from ``np.random.default_rng(seed)``."""
        rng = np.random.default_rng(seed)
        pieces = []
        for _, shape, _ in self.layout():
            fan_in = shape[1] if len(shape) == 2 else pieces[-1].shape[1]
            bound = 1.0 / math.sqrt(fan_in)
            pieces.append(rng.uniform(-bound, bound, size=shape))
        return np.concatenate([p.ravel() for p in pieces])

    # --- evaluation -------------------------------------------------------------

    def _theta(self, theta) -> np.ndarray:
        theta = np.ascontiguousarray(theta, dtype=np.float64)
        if theta.shape != (self.n_parameters,):
            raise ValueError(
                f"theta must have shape ({self.n_parameters},); got {theta.shape}"
            )
        return theta

    def _batch(self, data, indices):
        x = np.ascontiguousarray(data.x, dtype=np.float64)
        y = np.ascontiguousarray(data.y, dtype=np.float64)
        if x.ndim != 2 or x.shape[1] != self.sizes[0] or len(y) != len(x):
            raise ValueError(
                f"data must have x of shape (n, {self.sizes[0]}) and y of shape (n,)"
            )
        if indices is None:
            idx = np.arange(len(y))
        else:
            idx = np.ascontiguousarray(indices, dtype=np.int64)
            if idx.ndim != 1 or len(idx) == 0 or idx.min() < 0 or idx.max() >= len(y):
                raise ValueError(
                    f"indices must be a non-empty list within [0, {len(y)})"
                )
        return x, y, idx

    def loss(self, theta, data, indices=None) -> float:
        """Mean binary cross-entropy over `data` (or the examples `indices`)."""
        x, y, idx = self._batch(data, indices)
        empty = np.empty(0)
        return float(
            loss_grad(
                self._theta(theta),
                self.sizes,
                self._code,
                x,
                y,
                idx,
                len(idx),
                empty,
                np.empty((0, 0)),
            )
        )

    def loss_grad(self, theta, data, indices=None) -> tuple[float, np.ndarray]:
        """(mean loss, its gradient (P,)) over `data` or the examples `indices`."""
        x, y, idx = self._batch(data, indices)
        grad = np.empty(self.n_parameters)
        loss = loss_grad(
            self._theta(theta),
            self.sizes,
            self._code,
            x,
            y,
            idx,
            len(idx),
            grad,
            np.empty((0, 0)),
        )
        return float(loss), grad

    def grad(self, theta, data, indices=None) -> np.ndarray:
        return self.loss_grad(theta, data, indices)[1]

    def per_example_grads(self, theta, data, indices=None) -> np.ndarray:
        """Each example's gradient, (len(indices), P); their mean is `grad`."""
        x, y, idx = self._batch(data, indices)
        out = np.empty((len(idx), self.n_parameters))
        loss_grad(
            self._theta(theta),
            self.sizes,
            self._code,
            x,
            y,
            idx,
            len(idx),
            np.empty(0),
            out,
        )
        return out

    def logits(self, theta, x) -> np.ndarray:
        """The output s (before the sigmoid) for every row of x."""
        x = np.ascontiguousarray(np.atleast_2d(x), dtype=np.float64)
        return logits(self._theta(theta), self.sizes, self._code, x)

    def accuracy(self, theta, data) -> float:
        """Fraction of examples whose predicted class (s > 0) is the label."""
        x, y, _ = self._batch(data, None)
        return float(loss_accuracy(self._theta(theta), self.sizes, self._code, x, y)[1])

    @property
    def kernel_args(self) -> tuple[np.ndarray, int]:
        """(sizes, activation code): how the Numba passes receive this network."""
        return self.sizes, self._code


@jit
def loss_accuracy(theta, sizes, activation, X, Y):
    """(mean loss, fraction classified right) over every example of (X, Y)."""
    n = X.shape[0]
    s = logits(theta, sizes, activation, X)
    total = 0.0
    right = 0
    for e in range(n):
        total += bce_with_logits(s[e], Y[e])[0]
        right += (s[e] > 0.0) == (Y[e] > 0.5)
    return total / n, right / n
