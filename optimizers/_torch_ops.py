"""torch's CPU arithmetic where its rounding differs from the obvious formula: `lerp`
(Tensor.lerp_) and bfloat16 (Tensor.bfloat16(), and bfloat16 matrix products), for the
steps that reproduce torch.optim to round-off (adafactor, muon).

bfloat16 keeps float32's exponent and 8 significant bits. torch converts a float64 to
bfloat16 through float32 (two roundings, each to nearest, ties to even: 1 + 2⁻⁸ + 2⁻³⁰
becomes 1, not 1 + 2⁻⁷), and its bfloat16 arithmetic on the CPU works in float32 and
rounds each result to bfloat16. Every float32 operation here is done in float64 and
rounded once to float32, which is float32's own result for +, -, ×, ÷ and √ (float64
has more than 2·24 + 2 bits). tests/test_torch_match.py checks these against torch.
"""

import math

import numpy as np

from landscapes._jit import jit, jit_inline


@jit_inline
def lerp(start, end, weight):
    """torch.lerp(start, end, weight): start + w(end - start) for |w| < 0.5, else
    end - (end - start)(1 - w) (aten/src/ATen/native/Lerp.h, exact at w = 1)."""
    if abs(weight) < 0.5:
        return start + weight * (end - start)
    return end - (end - start) * (1.0 - weight)


@jit_inline
def float32(value):
    """`value` rounded to float32 (to nearest, ties to even), as a float64."""
    return np.float64(np.float32(value))


# bfloat16's smallest normal number, its subnormals' spacing and its overflow.
BFLOAT16_TINY = 2.0**-126
BFLOAT16_SUBNORMAL_SPACING = 2.0**-133
BFLOAT16_OVERFLOW = 2.0**128


# Compiled once and called, not inlined into each of its uses (nine in Muon's
# Newton–Schulz: Muon's compile took 3.0 s inlined, 0.8 s so).
@jit
def round_to_bfloat16(value):
    """A float32 `value` rounded to bfloat16 (to nearest, ties to even), as a
    float64: 8 significant bits, fewer below 2⁻¹²⁶, ±inf from 2¹²⁸ on. Zero, inf and
    NaN pass unchanged."""
    if value == 0.0 or not np.isfinite(value):
        return value
    if abs(value) < BFLOAT16_TINY:
        spacing = BFLOAT16_SUBNORMAL_SPACING
        return np.rint(value / spacing) * spacing
    mantissa, exponent = math.frexp(value)  # value = mantissa · 2^exponent, ½ ≤ |m| < 1
    rounded = math.ldexp(np.rint(mantissa * 256.0), exponent - 8)
    if abs(rounded) >= BFLOAT16_OVERFLOW:
        return np.inf * rounded
    return rounded


@jit_inline
def bfloat16(value):
    """Tensor.bfloat16() of a float64 `value`: to float32, then to bfloat16."""
    return round_to_bfloat16(float32(value))
