"""Minibatches drawn without replacement, epoch by epoch, as torch's
``DataLoader(shuffle=True, drop_last=False)`` draws them.

Each epoch is a fresh permutation of the N examples, cut into consecutive batches of
``batch_size``; the last batch of an epoch is smaller when batch_size does not divide
N. So an epoch is ceil(N / batch_size) steps and visits every example exactly once.

The permutation of epoch e is a Fisher–Yates shuffle whose swaps come from a SplitMix64
hash of (seed, epoch, position): a pure function of those, computed where it is needed
(inside the run kernel, per chunk, and here for ``Minibatches``) without storing a
whole run's batches, and the same on every machine and thread count. It is not
torch's random stream: a torch user reproduces a run by feeding it these batches.

Reference: R. A. Fisher and F. Yates (1938), Statistical Tables; R. Durstenfeld
(1964), Algorithm 235: Random permutation, Comm. ACM 7(7):420 (the in-place form).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from landscapes._jit import jit, jit_inline
from optimizers._noise import _splitmix64


@jit_inline
def fill_permutation(seed, epoch, perm):
    """perm ← the permutation of range(perm.size) for this seed and epoch."""
    n = perm.size
    for i in range(n):
        perm[i] = i
    key = _splitmix64(np.uint64(seed) ^ _splitmix64(np.uint64(epoch) + np.uint64(7)))
    for i in range(n - 1, 0, -1):
        draw = _splitmix64(key ^ np.uint64(i))
        j = np.int64(draw % np.uint64(i + 1))
        perm[i], perm[j] = perm[j], perm[i]


@jit_inline
def batch_at(k, seed, batch_size, per_epoch, perm):
    """(first, count): step k's batch is perm[first : first + count]; perm is
    refilled with the epoch's permutation when step k begins an epoch (steps are
    taken in order)."""
    epoch = k // per_epoch
    position = k - epoch * per_epoch
    if position == 0:
        fill_permutation(seed, epoch, perm)
    first = position * batch_size
    return first, min(batch_size, perm.size - first)


@jit
def write_batch(k, seed, batch_size, per_epoch, perm, p):
    """Put step k's batch into the kernel parameters p of an empirical risk
    (``landscapes.empirical``): its size in p[1], its example indices at p's end.
    Called, not inlined, by every optimizer's kernel: compiled once for all."""
    first, count = batch_at(k, seed, batch_size, per_epoch, perm)
    tail = p.size - perm.size
    p[1] = count
    for j in range(count):
        p[tail + j] = perm[first + j]


@jit
def _permutation(seed, epoch, n):
    perm = np.empty(n, dtype=np.int64)
    fill_permutation(seed, epoch, perm)
    return perm


def steps_per_epoch(n_examples: int, batch_size: int) -> int:
    return -(-n_examples // batch_size)


class Minibatches(Sequence):
    """The batches of a run: ``batches[k]`` is the array of example indices whose mean
    gradient took step k (k = 0 .. steps-1). ``epoch(k)`` is the epoch of step k and
    ``epoch_starts`` the steps that begin an epoch. Computed on demand, so a
    100,000-step run costs no memory for them."""

    def __init__(self, n_examples: int, batch_size: int, seed: int, steps: int):
        self.n_examples = int(n_examples)
        self.batch_size = int(batch_size)
        self.seed = int(seed)
        self.steps = int(steps)
        self.per_epoch = steps_per_epoch(self.n_examples, self.batch_size)
        self._cached_epoch = -1
        self._perm = np.empty(0, dtype=np.int64)

    def __len__(self) -> int:
        return self.steps

    def __getitem__(self, k):
        if isinstance(k, slice):
            return [self[i] for i in range(*k.indices(self.steps))]
        k = int(k)
        if k < 0:
            k += self.steps
        if not 0 <= k < self.steps:
            raise IndexError(f"step {k} is outside [0, {self.steps})")
        epoch, position = divmod(k, self.per_epoch)
        if epoch != self._cached_epoch:
            self._perm = _permutation(self.seed, epoch, self.n_examples)
            self._cached_epoch = epoch
        lo = position * self.batch_size
        return self._perm[lo : min(lo + self.batch_size, self.n_examples)].copy()

    def epoch(self, k: int) -> int:
        return int(k) // self.per_epoch

    @property
    def epoch_starts(self) -> np.ndarray:
        """Steps at which an epoch begins (0, per_epoch, 2·per_epoch, ...)."""
        return np.arange(0, self.steps, self.per_epoch)

    def __repr__(self) -> str:
        return (
            f"Minibatches(n_examples={self.n_examples}, batch_size={self.batch_size}, "
            f"seed={self.seed}, steps={self.steps})"
        )
