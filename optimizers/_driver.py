"""The one batched Numba kernel every run and sweep goes through.

Layout, chosen by measurement (see benchmarks/): a loop over chunks of CHUNK runs, split
over the cores by ``landscapes._jit.jit_chunked``;
inside a chunk the step loop is outside and a loop over the chunk's runs is inside, with
positions, gradients and optimizer state in separate contiguous arrays. That inner loop
is straight-line code LLVM turns into SIMD divides and square roots. The landscape is an
integer id switched on once per chunk and step (landscapes/_dispatch.py).

One kernel per optimizer: `kernel(name)` compiles a copy of the template
`_trajectories` whose globals `_init` and `_step` are that optimizer's functions, inlined
at Numba-IR level. A single kernel switching over all optimizers took 140 s to compile
and ran 2x slower (LLVM gave up vectorizing the huge loop body); passing step functions
as arguments would defeat the on-disk cache. Each copy has its own ``__qualname__`` and
so its own cache entry (one def wrapped twice would share one entry).

A run that produces a non-finite loss or leaves the box |x|, |y| <= DIVERGENCE_BOX is
marked diverged at that step; its last good iterate is kept as its final point.
"""

import types

import numpy as np

from landscapes._dispatch import evaluate_chunk, value_grad
from landscapes._jit import jit_chunked, jit_inline
from optimizers._noise import standard_normal_pair
from optimizers.minibatch import write_batch

CHUNK = 256
STATE_SLOTS = 8
SCRATCH_SLOTS = 5
DIVERGENCE_BOX = 1e8


def _trajectories(
    lid,
    lp,
    start_x,
    start_y,
    H,
    lr_factor,
    lr_offset,
    steps,
    tolerance,
    min_value,
    noise,
    seed,
    batch_size,
    record,
    record_state,
    final_x,
    final_y,
    final_loss,
    diverged_at,
    steps_to_tolerance,
    path_x,
    path_y,
    path_loss,
    path_grad_norm,
    path_lr,
    path_state,
    first_chunk,
    chunk_stride,
):
    """Run the optimizer bound to `_init`/`_step` on landscape `lid` from every start, each with its own
    column of hyperparameters H (row 0 is the base lr).

    With batch_size > 0 each step's gradient (and whatever the step evaluates) is the
    mean over that step's minibatch (optimizers.minibatch); F stays the full loss.
    Writes final_x/final_y/final_loss (last good iterate), diverged_at and
    steps_to_tolerance (first step with f - min_value <= tolerance; -1 for never).
    When `record`, path_* (shape (steps+1, n), path_lr (steps, n)) get every iterate;
    when `record_state`, path_state (steps, STATE_SLOTS, n) the state after each step.
    Does chunks first_chunk, first_chunk + chunk_stride, ... of CHUNK runs.
    """
    n = start_x.size
    # Minibatches (batch_size > 0, empirical-risk surfaces only): the step sees the mean
    # loss over its batch, written into a copy of the surface's parameters
    # (landscapes.empirical); the loss recorded and checked is the full training loss.
    n_examples = int(lp[0]) if batch_size > 0 else 0
    per_epoch = (n_examples + batch_size - 1) // batch_size if batch_size > 0 else 1
    # Under a constant schedule LR stays the base lr (H row 0) and is not rewritten
    # each step (~5% of a momentum sweep), unless the step overwrites it with the
    # step length it chose.
    constant_lr = not _STEP_SETS_LR  # noqa: F821 (bound per optimizer by `kernel`)
    for k in range(steps):
        constant_lr &= (lr_factor[k] == 1.0) & (lr_offset[k] == 0.0)
    for c in range(first_chunk, (n + CHUNK - 1) // CHUNK, chunk_stride):
        lo = c * CHUNK
        hi = min(n, lo + CHUNK)
        m = hi - lo
        xs = start_x[lo:hi].copy()
        ys = start_y[lo:hi].copy()
        Hc = H[:, lo:hi].copy()
        S = np.zeros((STATE_SLOTS, m))
        T = np.empty((SCRATCH_SLOTS, m))
        F = np.empty(m)
        GX = np.empty(m)
        GY = np.empty(m)
        LR = Hc[0].copy()
        prev_x = xs.copy()
        prev_y = ys.copy()
        prev_f = np.full(m, np.nan)
        last_x = np.empty(m)
        last_y = np.empty(m)
        last_f = np.empty(m)
        div = np.full(m, -1, dtype=np.int64)
        reached = np.full(m, -1, dtype=np.int64)
        alive = m
        lpb = lp.copy()
        perm = np.empty(n_examples, dtype=np.int64)
        _init(S, Hc, m)  # noqa: F821 (bound per optimizer by `kernel`)
        for k in range(steps + 1):
            if m == 1:
                # One run (a Playground path): the scalar switch; the chunk call
                # passes six arrays, which costs more than one point's math.
                F[0], GX[0], GY[0] = value_grad(lid, lp, xs[0], ys[0])
            else:
                evaluate_chunk(lid, lp, xs, ys, m, F, GX, GY)
            # Divergence and tolerance are rare events: count them in a loop LLVM
            # vectorizes, and walk the runs one by one only when something happened.
            # Bitwise & and |, not `and`/`or`: short-circuits are branches, which kept
            # this loop scalar (it took ~half of a gradient-descent sweep, now ~1/4).
            # |f| < inf is np.isfinite(f).
            events = 0
            for i in range(m):
                ok = (
                    (abs(F[i]) < np.inf)
                    & (abs(xs[i]) <= DIVERGENCE_BOX)
                    & (abs(ys[i]) <= DIVERGENCE_BOX)
                )
                fresh = (reached[i] < 0) & (F[i] - min_value <= tolerance)
                events += (div[i] < 0) & (fresh | (ok ^ True))
            if events:
                for i in range(m):
                    if div[i] >= 0:
                        continue
                    if not (
                        np.isfinite(F[i])
                        and abs(xs[i]) <= DIVERGENCE_BOX
                        and abs(ys[i]) <= DIVERGENCE_BOX
                    ):
                        div[i] = k
                        alive -= 1
                        last_x[i] = prev_x[i]
                        last_y[i] = prev_y[i]
                        last_f[i] = prev_f[i]
                    elif reached[i] < 0 and F[i] - min_value <= tolerance:
                        reached[i] = k
            if record:
                for i in range(m):
                    path_x[k, lo + i] = xs[i]
                    path_y[k, lo + i] = ys[i]
                    path_loss[k, lo + i] = F[i]
                    path_grad_norm[k, lo + i] = np.sqrt(GX[i] * GX[i] + GY[i] * GY[i])
            if k == steps or alive == 0:
                break
            for i in range(m):
                prev_x[i] = xs[i]
                prev_y[i] = ys[i]
                prev_f[i] = F[i]
            if batch_size > 0:
                write_batch(k, seed, batch_size, per_epoch, perm, lpb)
                if m == 1:
                    F[0], GX[0], GY[0] = value_grad(lid, lpb, xs[0], ys[0])
                else:
                    evaluate_chunk(lid, lpb, xs, ys, m, F, GX, GY)
            if noise > 0.0:
                for i in range(m):
                    zx, zy = standard_normal_pair(seed, lo + i, k)
                    GX[i] += noise * zx
                    GY[i] += noise * zy
            if not constant_lr:
                factor = lr_factor[k]
                offset = lr_offset[k]
                for i in range(m):
                    LR[i] = Hc[0, i] * factor + offset
            _step(k, S, Hc, m, xs, ys, F, GX, GY, LR, lid, lpb, T)  # noqa: F821
            if record:
                for i in range(m):
                    path_lr[k, lo + i] = LR[i]
            if record_state:
                for slot in range(STATE_SLOTS):
                    for i in range(m):
                        path_state[k, slot, lo + i] = S[slot, i]
        for i in range(m):
            running = div[i] < 0
            final_x[lo + i] = xs[i] if running else last_x[i]
            final_y[lo + i] = ys[i] if running else last_y[i]
            final_loss[lo + i] = F[i] if running else last_f[i]
            diverged_at[lo + i] = div[i]
            steps_to_tolerance[lo + i] = reached[i]


@jit_inline
def no_state(S, H, m):
    """The init of optimizers whose state starts at zero (S arrives zeroed)."""


_KERNELS = {}


def bind(template, qualname: str, decorate, **bound):
    """A copy of the function `template` whose globals named in `bound` (``_init``,
    ``_step``, ...) are the given objects, jitted by `decorate`. The copy has its own
    ``__qualname__`` and so its own entry in the on-disk cache."""
    namespace = dict(template.__globals__, **bound)
    function = types.FunctionType(template.__code__, namespace, qualname)
    function.__qualname__ = qualname
    return decorate(function)


def kernel(name: str, init, step, step_sets_lr: bool = False):
    """The compiled trajectories kernel for optimizer `name` (built once per process,
    compiled on first call or loaded from the on-disk cache). `step_sets_lr`: the step
    writes the step length it chose into LR (a compile-time constant)."""
    if name not in _KERNELS:
        _KERNELS[name] = bind(
            _trajectories,
            f"trajectories_{name}",
            jit_chunked(f"run:{name}", "named_kernel", name),
            _init=init,
            _step=step,
            _STEP_SETS_LR=step_sets_lr,
        )
    return _KERNELS[name]


def named_kernel(name: str):
    """`kernel` for the registered optimizer `name`."""
    import optimizers

    entry = optimizers.get(name)
    return kernel(name, entry.init, entry.step, entry.step_sets_lr)
