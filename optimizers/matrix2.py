r"""Closed forms for a symmetric 2x2 matrix, for the preconditioners of the plane.

On a 2D surface the point is one parameter of shape (2,), so Shampoo's and SOAP's
preconditioners are symmetric 2x2 matrices

.. math::  A = \begin{pmatrix} a & b \\ b & c \end{pmatrix},

kept as the three numbers (a, b, c). These helpers are scalar, inlined into the
steps, and allocate nothing.

**Inverse square root** (`inverse_sqrt`). For A positive definite, with
s = √det A and t = √(tr A + 2s), the Cayley-Hamilton theorem gives
(A + sI)² = A² + 2sA + s²I = (tr A + 2s) A, so √A = (A + sI)/t, and

.. math::
    A^{-1/2} = t\,(A + sI)^{-1}
      = \frac{1}{s\,t}\begin{pmatrix} c + s & -b \\ -b & a + s \end{pmatrix},

since det(A + sI) = det A + s tr A + s² = s t². Every sum there adds positive
numbers but det A = ac - b², which cancels when A is ill-conditioned (Shampoo's
first statistics εI + ggᵀ, with ε = 1e-6 and |g|² ~ 1e4). It is computed from the
exact products (Dekker's two-product: ac and b² each as a sum of two doubles), so it
is correct to a few ulps, and so is A^{-1/2}: the exact inverse root of the float64
matrix, rounded. A method that rounds first (LAPACK's eigh or SVD) is accurate to
~u λ₁/λ₂ relative (u = 2⁻⁵³; tests/test_matrix2.py measures both against 50-digit
mpmath).

**Eigendecomposition** (`eigh`). With m = (a + c)/2, d = (a - c)/2 and
r = hypot(d, b), the eigenvalues are λ₁ = m + r ≥ λ₂ = m - r, and an eigenvector
of λ₁ is (λ₁ - c, b) = (d + r, b) when d ≥ 0 and (b, λ₁ - a) = (b, r - d) when
d < 0: the sum of two non-negative numbers, so no cancellation. Normalized, it is
the first column of the orthogonal Q = [u, u⊥] with u⊥ = (-u_y, u_x), the order of
numpy's ``eigh`` reversed (largest first, as SOAP's reference code flips it).
Where A = mI (r = 0) every vector is an eigenvector; the helper returns (1, 0).
"""

import numpy as np

from landscapes._jit import jit_inline

# Veltkamp's splitting constant 2²⁷ + 1: x = hi + lo with hi, lo of 26 bits each.
_SPLIT = 134217729.0


@jit_inline
def _two_product(x, y):
    """(p, e) with p = fl(x y) and p + e = x y exactly (Dekker 1971, no fma)."""
    p = x * y
    scaled = _SPLIT * x
    x_hi = scaled - (scaled - x)
    x_lo = x - x_hi
    scaled = _SPLIT * y
    y_hi = scaled - (scaled - y)
    y_lo = y - y_hi
    e = ((x_hi * y_hi - p) + x_hi * y_lo + x_lo * y_hi) + x_lo * y_lo
    return p, e


@jit_inline
def determinant(a, b, c):
    """ac - b², to a few ulps also where it cancels (see the module docstring)."""
    ac, ac_error = _two_product(a, c)
    bb, bb_error = _two_product(b, b)
    return (ac - bb) + (ac_error - bb_error)


@jit_inline
def inverse_sqrt(a, b, c):
    """A^{-1/2} of the positive definite A = [[a, b], [b, c]] as its entries
    (p, q, r) = ([0, 0], [0, 1], [1, 1]). Not positive definite: non-finite or
    meaningless entries (a zero or negative determinant), which the caller's
    divergence check reports."""
    s = np.sqrt(determinant(a, b, c))
    scale = 1.0 / (s * np.sqrt(a + c + 2.0 * s))
    return (c + s) * scale, -b * scale, (a + s) * scale


@jit_inline
def eigh(a, b, c):
    """(λ₁, λ₂, u_x, u_y): the eigenvalues of A = [[a, b], [b, c]], largest first,
    and a unit eigenvector u of λ₁ (the other is (-u_y, u_x))."""
    d = 0.5 * (a - c)
    r = np.hypot(d, b)
    mean = 0.5 * (a + c)
    if d >= 0.0:
        ux = d + r
        uy = b
    else:
        ux = b
        uy = r - d
    norm = np.hypot(ux, uy)
    if norm == 0.0:  # A = mI: any basis is an eigenbasis
        return mean + r, mean - r, 1.0, 0.0
    return mean + r, mean - r, ux / norm, uy / norm
