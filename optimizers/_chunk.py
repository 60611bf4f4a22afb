"""Checks a step makes once per step over the runs of its chunk: whether a quantity
all runs share (βᵗ, a schedule-free weight) can be computed once, outside the loop
over the runs, instead of once per run (see adam.step's `mixed`)."""

from landscapes._jit import jit_inline


@jit_inline
def row_differs(A, row, m):
    """Whether some run i < m has A[row, i] != A[row, 0] (a NaN differs)."""
    first = A[row, 0]
    differs = False
    for i in range(m):  # | not `or`: a branch-free, vectorized loop
        differs |= A[row, i] != first
    return differs


@jit_inline
def differs(values, m):
    """Whether some run i < m has values[i] != values[0] (a NaN differs)."""
    first = values[0]
    differs = False
    for i in range(m):  # | not `or`: a branch-free, vectorized loop
        differs |= values[i] != first
    return differs
