"""Seeded random numbers that do not depend on threads or chunking: the gradient noise,
and the draws of the optimizers that sample (simulated annealing, entropy-SGD).

Each draw is a pure function of (seed, run, step): a SplitMix64 hash of the three is
a key, whose first two uniforms Box–Muller turns into two standard normals
(`standard_normal_pair`) and whose third is `uniform`. So the same URL gives the
same numbers on any machine with any number of cores.

The gradient noise's `run` is the run's index in its batch (a sweep's rows get
different noise) and its seed is `run`'s and `sweep`'s ``seed``. An optimizer that
samples draws with its own seed hyperparameter and the run OPTIMIZER_STREAM (+ an
inner index where it draws several pairs in a step), never the run's index: every
run of a batch with the same seed draws the same numbers, so a sweep's row is the
`run` with the same settings, and a sweep over the seed gives each row its own
stream.

Reference: G. L. Steele, D. Lea and C. H. Flood (2014), Fast splittable pseudorandom
number generators, OOPSLA (SplitMix64); G. E. P. Box and M. E. Muller (1958), A note on
the generation of random normal deviates, Ann. Math. Statist. 29(2):610-611.
"""

import numpy as np

from landscapes._jit import jit_inline


@jit_inline
def _splitmix64(z):
    z = z + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


@jit_inline
def _uniform(z):
    # 53 random bits -> (0, 1]; never 0, so log() below is finite.
    return (np.float64(z >> np.uint64(11)) + 1.0) * (1.0 / 9007199254740992.0)


# The `run` of the optimizers' own draws: above every run index of a batch (at most
# optimizers.MAX_RUNS = 2**20), so never a gradient-noise run's stream.
OPTIMIZER_STREAM = 1 << 40


@jit_inline
def _key(seed, run, step):
    key = _splitmix64(np.uint64(seed) ^ _splitmix64(np.uint64(run)))
    return _splitmix64(
        key ^ _splitmix64(np.uint64(step) + np.uint64(0x632BE59BD9B4E019))
    )


@jit_inline
def standard_normal_pair(seed, run, step):
    """Two independent N(0, 1) draws for (seed, run, step)."""
    key = _key(seed, run, step)
    u1 = _uniform(key)
    u2 = _uniform(_splitmix64(key))
    radius = np.sqrt(-2.0 * np.log(u1))
    angle = 2.0 * np.pi * u2
    return radius * np.cos(angle), radius * np.sin(angle)


@jit_inline
def uniform(seed, run, step):
    """A U(0, 1] draw for (seed, run, step), independent of `standard_normal_pair`'s
    two for the same arguments (it is the key's third number, they the first two)."""
    return _uniform(_splitmix64(_splitmix64(_key(seed, run, step))))
