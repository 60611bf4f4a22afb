"""optimizers.matrix2's closed forms for a symmetric 2x2 matrix against exact
arithmetic (fractions, 50-digit mpmath), numpy's eigh and scipy's sqrtm."""

from fractions import Fraction

import mpmath
import numpy as np
import pytest
import scipy.linalg

from optimizers import matrix2

ULP = np.finfo(np.float64).eps


def _rotated(condition_number: float, angle: float, scale: float) -> np.ndarray:
    """R(angle) diag(scale κ, scale) R(angle)ᵀ, made exactly symmetric."""
    c, s = np.cos(angle), np.sin(angle)
    rotation = np.array([[c, -s], [s, c]])
    matrix = rotation @ np.diag([scale * condition_number, scale]) @ rotation.T
    matrix[1, 0] = matrix[0, 1]
    return matrix


def _matrices(condition_number: float, count: int = 60, seed: int = 0):
    rng = np.random.default_rng(seed)
    for _ in range(count):
        yield _rotated(
            condition_number, rng.uniform(0.0, np.pi), 10.0 ** rng.uniform(-3, 3)
        )


def _exact_inverse_sqrt(matrix: np.ndarray) -> np.ndarray:
    """The inverse square root of the float64 matrix, at 50 digits, rounded."""
    with mpmath.workdps(50):
        values, vectors = mpmath.eigsy(mpmath.matrix(matrix.tolist()))
        root = vectors * mpmath.diag([v**-0.5 for v in values]) * vectors.T
        return np.array(root.tolist(), dtype=np.float64)


def _ours(matrix: np.ndarray) -> np.ndarray:
    p, q, r = matrix2.inverse_sqrt(matrix[0, 0], matrix[0, 1], matrix[1, 1])
    return np.array([[p, q], [q, r]])


def _relative(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a - b).max() / np.abs(b).max())


@pytest.mark.parametrize("condition_number", [1.0, 10.0, 1e4, 1e8, 1e12])
def test_inverse_sqrt_is_the_exact_root_of_the_float_matrix_to_a_few_ulps(
    condition_number,
):
    for matrix in _matrices(condition_number):
        error = _relative(_ours(matrix), _exact_inverse_sqrt(matrix))
        assert error <= 8 * ULP, (matrix.tolist(), error)


def test_a_method_that_rounds_first_loses_the_condition_number():
    """The docstring's comparison: LAPACK's eigh is off by ~u κ, ours is not."""
    worst_eigh = worst_ours = 0.0
    for matrix in _matrices(1e12):
        exact = _exact_inverse_sqrt(matrix)
        values, vectors = np.linalg.eigh(matrix)
        lapack = vectors @ np.diag(values**-0.5) @ vectors.T
        worst_eigh = max(worst_eigh, _relative(lapack, exact))
        worst_ours = max(worst_ours, _relative(_ours(matrix), exact))
    assert worst_eigh > 1e-7 > 1e6 * worst_ours


@pytest.mark.parametrize("condition_number", [1.0, 3.0, 100.0])
def test_inverse_sqrt_matches_scipys_sqrtm_where_both_are_accurate(condition_number):
    for matrix in _matrices(condition_number, seed=1):
        expected = np.linalg.inv(scipy.linalg.sqrtm(matrix))
        assert _relative(_ours(matrix), expected) <= 1e-13
        # and it is an inverse square root: R A R = I
        root = _ours(matrix)
        np.testing.assert_allclose(root @ matrix @ root, np.eye(2), atol=1e-13)


def test_determinant_is_exact_to_a_few_ulps_where_it_cancels():
    rng = np.random.default_rng(2)
    for _ in range(200):
        g = rng.normal(size=2) * 10.0 ** rng.uniform(-2, 3)
        eps = 10.0 ** rng.uniform(-8, -4)
        a, b, c = eps + g[0] * g[0], g[0] * g[1], eps + g[1] * g[1]
        exact = Fraction(a) * Fraction(c) - Fraction(b) * Fraction(b)
        ours = matrix2.determinant(a, b, c)
        assert abs(Fraction(ours) - exact) <= 4 * ULP * abs(exact)


@pytest.mark.parametrize("condition_number", [1.5, 10.0, 1e6])
def test_eigh_matches_numpys_largest_first(condition_number):
    for matrix in _matrices(condition_number, seed=3):
        first, second, ux, uy = matrix2.eigh(matrix[0, 0], matrix[0, 1], matrix[1, 1])
        values, vectors = np.linalg.eigh(matrix)
        assert first >= second
        np.testing.assert_allclose(
            [first, second], values[::-1], rtol=0, atol=4 * ULP * values[1]
        )
        assert abs(np.hypot(ux, uy) - 1.0) <= 2 * ULP
        # the same line as numpy's eigenvector of the largest eigenvalue
        assert abs(abs(ux * vectors[0, 1] + uy * vectors[1, 1]) - 1.0) <= 8 * ULP
        residual = matrix @ [ux, uy] - first * np.array([ux, uy])
        assert np.abs(residual).max() <= 8 * ULP * first


def test_eigh_of_a_multiple_of_the_identity_is_the_plane_basis():
    assert matrix2.eigh(2.5, 0.0, 2.5) == (2.5, 2.5, 1.0, 0.0)
    assert matrix2.eigh(0.0, 0.0, 0.0) == (0.0, 0.0, 1.0, 0.0)
