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

import numpy as np

from landscapes._jit import jit_inline


@jit_inline
def lerp(start, end, weight):
    """torch.lerp(start, end, weight): start + w(end - start) for |w| < 0.5, else
    end - (end - start)(1 - w) (aten/src/ATen/native/Lerp.h, exact at w = 1). Both
    forms are computed and one is chosen: a select, which LLVM vectorizes across runs
    (two returns it stores through masks and gathers)."""
    forward = start + weight * (end - start)
    backward = end - (end - start) * (1.0 - weight)
    return forward if abs(weight) < 0.5 else backward


@jit_inline
def float32(value):
    """`value` rounded to float32 (to nearest, ties to even), as a float64."""
    return np.float64(np.float32(value))


# A float32's bits: bfloat16 is their upper half. Rounding to nearest, ties to even,
# adds 0x7FFF plus the lowest kept bit and drops the lower half; the carry makes the
# exponent grow where the significand overflows, up to inf from 2¹²⁸ on, and float32's
# subnormals round as bfloat16's (same exponent field, 7 bits kept).
LOWER_HALF = 0x7FFF
UPPER_HALF = 0xFFFF0000


# Inlined: integer operations and selects, no branch, so the loop over runs that
# calls it vectorizes (Muon's plane: 96x Adam's time with a frexp/ldexp version
# compiled once and called).
@jit_inline
def round_to_bfloat16(value):
    """A float32 `value` rounded to bfloat16 (to nearest, ties to even), as a
    float64: 8 significant bits, fewer below 2⁻¹²⁶, ±inf from 2¹²⁸ on. Zero, inf and
    NaN pass unchanged."""
    bits = np.int64(np.float32(value).view(np.uint32))
    bits = (bits + (LOWER_HALF + ((bits >> 16) & 1))) & UPPER_HALF
    rounded = np.float64(np.uint32(bits).view(np.float32))
    # a NaN's payload could carry into its sign or exponent
    return value if value != value else rounded


@jit_inline
def bfloat16(value):
    """Tensor.bfloat16() of a float64 `value`: to float32, then to bfloat16."""
    return round_to_bfloat16(float32(value))
