"""Seeded Gaussian gradient noise that does not depend on threads or chunking.

Each draw is a pure function of (seed, run index, step, coordinate): a SplitMix64 hash
gives two uniforms and Box–Muller turns them into a standard normal. So the same URL
gives the same numbers on any machine with any number of cores.

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


@jit_inline
def standard_normal_pair(seed, run, step):
    """Two independent N(0, 1) draws for (seed, run, step)."""
    key = _splitmix64(np.uint64(seed) ^ _splitmix64(np.uint64(run)))
    key = _splitmix64(
        key ^ _splitmix64(np.uint64(step) + np.uint64(0x632BE59BD9B4E019))
    )
    u1 = _uniform(key)
    u2 = _uniform(_splitmix64(key))
    radius = np.sqrt(-2.0 * np.log(u1))
    angle = 2.0 * np.pi * u2
    return radius * np.cos(angle), radius * np.sin(angle)
