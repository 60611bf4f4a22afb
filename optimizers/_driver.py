"""The one batched Numba kernel every run and sweep goes through.

Layout, chosen by measurement (see benchmarks/): a loop over chunks of CHUNK runs, split
over the cores by ``landscapes._jit.jit_chunked``;
inside a chunk the step loop is outside and a loop over the chunk's runs is inside, with
positions, gradients and optimizer state in separate contiguous arrays.

The kernel contract (docs/adding-an-optimizer.md): an optimizer is two functions,

    init(S, H, m)                                                     # before step 0
    step(k, S, H, m, xs, ys, F, GX, GY, LR, evaluate, point, hessian, lp, T, groups)

with the types of ``INIT_SIGNATURE`` and ``STEP_SIGNATURE``, and a surface is three
(``landscapes._dispatch.surface_functions``: f and ∇f on a chunk, at a point, the
Hessian on a chunk). Each is compiled on its own (``landscapes._jit.FirstClass``,
well under a second for most) and reaches the drivers as a first-class function
value (a pointer), not inlined: one driver per job kind (`_trajectories` here,
``optimizers.train._train`` for networks) is compiled once and runs every optimizer
on every surface. When each optimizer had its own kernel with its step inlined and a
switch over all surfaces linked in, each cost 4-9 s of compile (18 of them made a
72 s warm-up). The step's own loop over the m runs of a chunk stays inside the step,
where LLVM vectorizes it as before (with ``noalias`` arrays, see `compiled`); the
pointers cost a call per chunk and step (measured in benchmarks/bench_engine.py
--against: the planes as fast as before, a one-run path ~1.5x slower per step).

A run that produces a non-finite loss or leaves the box |x|, |y| <= DIVERGENCE_BOX is
marked diverged at that step; its last good iterate is kept as its final point.
"""

import numba
import numpy as np
from numba import types

from landscapes import _dispatch, _jit
from landscapes._interpreted import affordable
from landscapes._jit import FirstClass, jit_chunked, jit_inline
from optimizers._noise import standard_normal_pair
from optimizers._spec import SCRATCH_SLOTS, STATE_SLOTS
from optimizers.minibatch import write_batch

CHUNK = 256
DIVERGENCE_BOX = 1e8


def _trajectories(
    init,
    step,
    step_sets_lr,
    state_slots,
    evaluate,
    point,
    hessian,
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
    clip,
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
    """Run the optimizer `init`/`step` (first-class functions, see the module
    docstring) on landscape `lid` from every start, each with its own column of
    hyperparameters H (row 0 is the base lr). `step_sets_lr`: the step writes the
    step length it chose into LR. `evaluate`, `point` and `hessian` are the
    landscape's own first-class functions (``landscapes._dispatch.
    surface_functions``): f and ∇f on a chunk of points and at one point, and the
    Hessian on a chunk; the step gets them too.

    With `clip` > 0 the gradient the step gets (noise included) is clipped to norm
    `clip` as torch.nn.utils.clip_grad_norm_ clips it; the recorded ‖∇f‖ is not.
    With batch_size > 0 each step's gradient (and whatever the step evaluates) is the
    mean over that step's minibatch (optimizers.minibatch); F stays the full loss.
    Writes final_x/final_y/final_loss (last good iterate), diverged_at and
    steps_to_tolerance (first step with f - min_value <= tolerance; -1 for never).
    When `record`, path_* (shape (steps+1, n), path_lr (steps, n)) get every iterate;
    when `record_state`, path_state (steps, state_slots, n) the state after each step
    (`state_slots`: the rows of S the optimizer's spec asks for).
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
    constant_lr = not step_sets_lr
    for k in range(steps):
        constant_lr &= (lr_factor[k] == 1.0) & (lr_offset[k] == 0.0)
    for c in range(first_chunk, (n + CHUNK - 1) // CHUNK, chunk_stride):
        lo = c * CHUNK
        hi = min(n, lo + CHUNK)
        m = hi - lo
        xs = start_x[lo:hi].copy()
        ys = start_y[lo:hi].copy()
        Hc = H[:, lo:hi].copy()
        S = np.zeros((state_slots, m))
        T = np.empty((SCRATCH_SLOTS, m))
        # On a plane each run is its own parameter tensor (a tensor-wise step's
        # norms are over its two coordinates).
        groups = np.arange(m)
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
        init(S, Hc, m)
        for k in range(steps + 1):
            if m == 1:
                # One run (a Playground path): the point function; the chunk one
                # takes six arrays, which costs more than one point's math.
                F[0], GX[0], GY[0] = point(lp, xs[0], ys[0])
            else:
                evaluate(lp, xs, ys, m, F, GX, GY)
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
                    F[0], GX[0], GY[0] = point(lpb, xs[0], ys[0])
                else:
                    evaluate(lpb, xs, ys, m, F, GX, GY)
            if noise > 0.0:
                for i in range(m):
                    zx, zy = standard_normal_pair(seed, lo + i, k)
                    GX[i] += noise * zx
                    GY[i] += noise * zy
            if clip > 0.0:
                # torch.nn.utils.clip_grad_norm_(max_norm=clip) on the parameter
                # (x, y): scale by clip / (‖g‖ + 1e-6) when that is below 1.
                for i in range(m):
                    norm = np.sqrt(GX[i] * GX[i] + GY[i] * GY[i])
                    coefficient = min(clip / (norm + 1e-6), 1.0)
                    GX[i] *= coefficient
                    GY[i] *= coefficient
            if not constant_lr:
                factor = lr_factor[k]
                offset = lr_offset[k]
                for i in range(m):
                    LR[i] = Hc[0, i] * factor + offset
            step(
                k,
                S,
                Hc,
                m,
                xs,
                ys,
                F,
                GX,
                GY,
                LR,
                evaluate,
                point,
                hessian,
                lpb,
                T,
                groups,
            )
            if record:
                for i in range(m):
                    path_lr[k, lo + i] = LR[i]
            if record_state:
                for slot in range(state_slots):
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


_MATRIX = types.float64[:, ::1]
_VECTOR = types.float64[::1]
_EVALUATE = types.FunctionType(_dispatch.CHUNK_SIGNATURE)
_POINT = types.FunctionType(_dispatch.POINT_SIGNATURE)
# The kernel contract's two function types (docs/adding-an-optimizer.md).
INIT_SIGNATURE = types.void(_MATRIX, _MATRIX, types.int64)
STEP_SIGNATURE = types.void(
    types.int64,  # k: the step's index, from 0
    _MATRIX,  # S: state, spec.state_slots rows x m runs, zero before init
    _MATRIX,  # H: hyperparameters, one row per spec entry (row 0: base lr) x m runs
    types.int64,  # m: runs in this chunk
    _VECTOR,  # xs: positions, updated in place
    _VECTOR,  # ys
    _VECTOR,  # F: f at (xs, ys) (the minibatch's loss with minibatches)
    _VECTOR,  # GX: its gradient (noise added, if any)
    _VECTOR,  # GY
    _VECTOR,  # LR: this step's lr per run (schedule applied); a line search writes it
    # The landscape's functions, for steps that evaluate f themselves
    # (landscapes._dispatch.surface_functions):
    _EVALUATE,  # evaluate(lp, xs, ys, m, F, GX, GY): f and its gradient, m points
    _POINT,  # point(lp, x, y) -> (f, ∂f/∂x, ∂f/∂y)
    _EVALUATE,  # hessian(lp, xs, ys, m, HXX, HXY, HYY): the Hessian, m points
    _VECTOR,  # lp: the landscape's parameters (the minibatch's, with minibatches)
    _MATRIX,  # T: scratch, SCRATCH_SLOTS rows x m runs
    # groups: the parameter tensor of each run, 0, 1, ... (a tensor's runs
    # contiguous): 0..m-1 on a plane, a network's tensors in training
    types.int64[::1],
)


_COMPILED = {}


def compiled(function, signature) -> FirstClass:
    """The one compiled `function` of this process (optimizers share inits), as the
    first-class value the drivers call. The arrays a driver passes a step never
    overlap (each is its own allocation): said to LLVM as `noalias`, it vectorizes
    the step's loop over the runs without runtime overlap checks (Adam's 64x64
    plane: 7.1 -> 4.4-5.0 ms, as fast as when the step was inlined)."""
    key = getattr(function, "py_func", function)
    if key not in _COMPILED:
        _COMPILED[key] = FirstClass(function, signature, noalias=True)
    return _COMPILED[key]


# What a compile-only call passes back through the first-use hook: the part is
# compiled (anything else is the whole call's result, from the interpreter).
_PART_COMPILED = object()


class Bound:
    """A driver with one optimizer's init and step bound in front of its arguments:
    ``Bound(...)(work, lid, *args)`` for the chunked runs driver (``chunked``; the
    landscape `lid`'s own functions are bound too), else ``Bound(...)(*args)``.
    Its first call in a process that would compile something goes through the
    app's hook (``landscapes._jit.first_use_hook``: a notice, or the interpreter)
    once per warm-up task it needs (`_missing`: the driver, the surface's
    functions, the optimizer's), each compiled on its own. `task`: the
    optimizer's task (its kind, "run" or "train", names the driver's); `where`:
    the ``locator`` another process rebuilds it from."""

    def __init__(self, driver, chunked, init, step, constants, task, where):
        self.driver = driver
        self.chunked = chunked
        self.pieces = (compiled(init, INIT_SIGNATURE), compiled(step, STEP_SIGNATURE))
        self.constants = constants
        self.task = task
        self.driver_task, _, name = task.partition(":")
        # Runs and training share the optimizer's init and step: one task compiles
        # them (a page training Adam waits for the worker on Adam's run task rather
        # than have a second worker compile the same step).
        self.pieces_task = f"run:{name}"
        self.locator = where

    @property
    def _dispatcher(self):
        return getattr(self.driver, "dispatcher", self.driver)

    @property
    def signatures(self) -> list:
        """The driver's compiled signatures once this optimizer's functions are
        compiled too (empty while anything of it is left to compile)."""
        if all(piece.compiled for piece in self.pieces):
            return list(getattr(self._dispatcher, "signatures", ["python"]))
        return []

    def _missing(self, lid: int, surface) -> list[tuple[str, list]]:
        """(the warm-up task, what it compiles) for each part this call would
        compile, in this order: the driver, the landscape's functions, the
        optimizer's; empty when all are compiled in this process."""
        missing = {}
        driver = self._dispatcher
        if not (numba.config.DISABLE_JIT or driver.overloads):
            missing[self.driver_task] = [driver]
        if not all(piece.compiled for piece in surface):
            name = _dispatch.NAMES.get(lid)
            if not self.chunked:  # training's stand-ins, with its driver
                task = self.driver_task
            else:
                task = f"grid:{name}" if name else self.task
            missing.setdefault(task, []).extend(surface)
        if not all(piece.compiled for piece in self.pieces):
            missing.setdefault(self.pieces_task, []).extend(self.pieces)
        return list(missing.items())

    def _compile_driver(self, surface, rest) -> None:
        """Compile the driver alone for a call with arguments `rest`: it takes the
        optimizer's and the surface's functions as first-class values, whose
        types are their signatures, so none of them is compiled with it (a
        worker may be compiling them meanwhile)."""
        functions = (*self.pieces, *surface) if self.chunked else self.pieces
        kinds = [types.FunctionType(f.signature) for f in functions]
        kinds[2:2] = [numba.typeof(value) for value in self.constants]
        if not self.chunked:  # training: the surface's functions follow
            kinds += [types.FunctionType(f.signature) for f in surface]
        kinds += [numba.typeof(value) for value in rest]
        if self.chunked:
            kinds += [types.int64, types.int64]  # (first chunk, stride)
        self._dispatcher.compile(tuple(kinds))

    def _compile_part(self, parts, surface, rest):
        for part in parts:
            if isinstance(part, FirstClass):
                part.value()
            else:
                self._compile_driver(surface, rest)
        return _PART_COMPILED

    def __call__(self, *args):
        # The kernel is shared by every session's threads: nothing of a call is
        # kept on it.
        if self.chunked:  # (work, lid, *rest): the driver takes lid's functions
            work, lid, rest = args[0], args[1], args[2:]
        else:  # training: no surface
            work, lid, rest = None, -1, args
        surface = _dispatch.surface_functions(lid)

        def call():
            values = (
                *(piece.value() for piece in self.pieces),
                *self.constants,
                *(function.value() for function in surface),
            )
            if self.chunked:
                return self.driver._call(work, *values, *rest)
            return self.driver(*values, *rest)

        missing = self._missing(lid, surface)
        hook = _jit.first_use_hook
        if not missing or hook is None:
            return call()
        # The hook gets no arguments for training: it waits for the compile
        # (network training is never interpreted: in plain Python it would take
        # minutes).
        hook_args = args[1:] if self.chunked else None
        waiting = hook_args is None or not affordable(work)
        missing = self._share(missing, waiting)
        if not waiting:
            # A call small enough for the hook to run in the interpreter while
            # the workers compile every part: named by the optimizer's task when
            # its step is missing (the page says which optimizers are compiling;
            # `optimizers.warm.ready` counts its driver too), and compiled here
            # whole if the hook does not interpret it after all.
            tasks = [task for task, _ in missing]
            task = self.pieces_task if self.pieces_task in tasks else tasks[0]
            parts = [part for _, some in missing for part in some]
            return hook(_jit.Pending(self.locator, parts), task, work, hook_args, call)
        for task, parts in missing:
            pending = _jit.Pending(self.locator, parts)
            if task == self.pieces_task != self.task:
                task = self._step_task(pending)
            result = hook(
                pending,
                task,
                work,
                hook_args,
                lambda parts=parts: self._compile_part(parts, surface, rest),
            )
            if result is not _PART_COMPILED:  # the interpreter ran the whole call
                return result
        return call()

    def _step_task(self, pending) -> str:
        """The task a training call compiles or waits for its optimizer's step by,
        once its driver is compiled: the runs task, unless a worker is still on
        it (at nice 10, it starves while other processes keep both cores busy):
        then the training task, which the page takes and compiles the same step
        itself at the server's priority (on a quiet machine the worker's is in
        the cache by then)."""
        from optimizers import warm

        if warm.state(self.pieces_task)[0] == "running" and not pending.in_disk_cache():
            return self.task
        return self.pieces_task

    @staticmethod
    def _share(missing, waiting: bool) -> list[tuple[str, list]]:
        """While a warm-up runs, order the parts of a call for the page to take
        first those no worker has started (it compiles them itself, at the
        server's priority, `warm.take`) and wait for the others last; and ask
        the workers for the others, so that they compile them on the other core
        meanwhile. `waiting`: the page waits for the parts (else the hook runs
        the call in the interpreter and the workers get every part, the driver,
        the longest, first); a page that waits does not ask for the part it is
        about to take (a free worker would start it first)."""
        from optimizers import warm

        if len(missing) < 2 or not warm.running():
            return missing
        missing = sorted(missing, key=lambda part: warm.state(part[0])[0] != "waiting")
        for task, _ in missing[1:] if waiting else missing:
            warm.request(task, waiting=waiting)
        return missing


_KERNELS = {}
_DRIVER = jit_chunked("run", "named_kernel", "gd")(_trajectories)


def kernel(
    name: str, init, step, step_sets_lr: bool = False, state_slots: int = STATE_SLOTS
) -> Bound:
    """The trajectories kernel with optimizer `name`'s `init` and `step` (built once
    per process). `step_sets_lr`: the step writes the step length it chose into
    LR; `state_slots`: the rows of its state S."""
    if name not in _KERNELS:
        _KERNELS[name] = Bound(
            _DRIVER,
            True,
            init,
            step,
            (step_sets_lr, state_slots),
            f"run:{name}",
            ("optimizers._driver", "named_kernel", name),
        )
    return _KERNELS[name]


def named_kernel(name: str) -> Bound:
    """`kernel` for the registered optimizer `name`."""
    import optimizers

    entry = optimizers.get(name)
    return kernel(
        name, entry.init, entry.step, entry.step_sets_lr, entry.spec.state_slots
    )
