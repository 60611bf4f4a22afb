"""Typed surfaces as data: an expression graph, a register program, its interpreters.

A typed f(x, y) and its exact derivatives are not compiled per expression. They become
short linear programs that one interpreter, compiled once, runs. So a typed surface
needs no compile at all and the cached kernels stay untouched.

**Graph.** Expressions are a hash-consed DAG (`Graph`): node i is ``(op, args, value)``
with ``args`` indices of earlier nodes. Building the same node twice returns the same
index, so f, ∂f/∂x, ∂f/∂y and the Hessian entries built into one graph share every
common subexpression. A node whose arguments are all constants is folded at once, with
the interpreters' own float64 operation (`apply`), so folding never changes a result.
Operations (float64, NumPy semantics; NaN propagates through every one, but for
IEEE's pow(NaN, 0) = pow(1, NaN) = 1):

    x, y, const                          leaves
    add sub mul div pow min max          binary; pow is IEEE pow, except that u^2 is
                                         u*u; min/max return NaN when either
                                         argument is NaN
    neg sin cos tan exp log sqrt abs     unary
    tanh sinh cosh atan
    sign                                 -1, 0, 1 (the derivative of abs)
    step                                 Heaviside: 0 for u < 0, 1/2 at 0, 1 for u > 0
                                         (the derivative of min/max)

**Program.** `compile_program(graph, outputs)` lists the nodes the outputs need in
post-order and gives each a register, reusing a register once its last reader has run.
Instruction k is ``ops[k] = (opcode, d, a, b)``: register d := a op b, where b (or a)
is an index into ``consts`` for the forms with a constant operand; ``OUT k a`` copies
register a to output k. Registers hold one value per point of a chunk, so every
instruction is one loop over the chunk, which LLVM vectorizes. Measured
(benchmarks/bench_expression.py, chunks of 256): a typed Rosenbrock's f and gradient,
20 instructions, 7.4 ns a point against the built-in's 2.2 ns; an Adam sweep's time
1.5x the built-in's, since the optimizer's own step costs the same for both.

**Packed parameters.** The kernels' convention is one float64 array `p` per surface
(``Landscape.kernel_params``). `pack` stores three programs in it: VALUE (f),
VALUE_GRAD (f, ∂f/∂x, ∂f/∂y) and HESSIAN (∂²f/∂x², ∂²f/∂x∂y, ∂²f/∂y²)::

    p[0]              FORMAT (1.0): which layout this is
    p[1]              registers needed by the largest program
    p[2 + 3j]         offset in p of program j's instructions (j = VALUE, VALUE_GRAD,
                      HESSIAN = 0, 1, 2), 4 floats per instruction
    p[3 + 3j]         program j's number of instructions
    p[4 + 3j]         offset in p of program j's constants
    p[HEADER:]        the programs' instructions and constants

Opcodes and register numbers are small integers, exact in float64.

**Interpreters.** `evaluate_numpy` is the reference: NumPy on whole arrays, one
instruction at a time. `run_program` is the same in Numba over a chunk of points
(`value_grad_chunk`, `hessian_chunk` and `value_chunk` allocate its registers), and
`value_grad`/`hessian` run one point, with the signature of a surface module's
functions, ``(x, y, p) -> 3 floats``. All use the same IEEE operations in the same
order; the transcendental functions are the C library's in Numba and may be NumPy's
own SIMD versions in `evaluate_numpy` (on AVX-512 machines), within an ulp or two.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from landscapes._jit import jit, jit_inline

# --- Graph operations -------------------------------------------------------------

BINARY_OPS = ("add", "sub", "mul", "div", "pow", "min", "max")
UNARY_OPS = (
    "neg",
    "sin",
    "cos",
    "tan",
    "exp",
    "log",
    "sqrt",
    "abs",
    "tanh",
    "sinh",
    "cosh",
    "atan",
    "sign",
    "step",
)
LEAF_OPS = ("x", "y", "const")


def _step(a):
    return np.heaviside(a, 0.5)


def _power(a, b):
    # u^2 is u*u, correctly rounded, as the compiled SQUARE: NumPy's power is an
    # ulp off now and then (measured: 1.5000000000000007^2).
    if np.ndim(b) == 0 and b == 2.0:
        return a * a
    return np.power(a, b)


# The float64 meaning of every operation: the folding of constants and the reference
# evaluator both call these, so they agree by construction.
_NUMPY = {
    "add": np.add,
    "sub": np.subtract,
    "mul": np.multiply,
    "div": np.divide,
    "pow": _power,
    "min": np.minimum,
    "max": np.maximum,
    "neg": np.negative,
    "sin": np.sin,
    "cos": np.cos,
    "tan": np.tan,
    "exp": np.exp,
    "log": np.log,
    "sqrt": np.sqrt,
    "abs": np.abs,
    "tanh": np.tanh,
    "sinh": np.sinh,
    "cosh": np.cosh,
    "atan": np.arctan,
    "sign": np.sign,
    "step": _step,
}


def apply(op: str, *values: float) -> float:
    """The float64 result of `op` on constant arguments (IEEE: 1/0 is inf, log(-1)
    NaN, never an exception)."""
    with np.errstate(all="ignore"):
        return float(_NUMPY[op](*(np.float64(v) for v in values)))


class Graph:
    """A hash-consed expression DAG; see the module docstring.

    ``fold=False`` keeps constant subexpressions as they are (the user's own tree,
    which is what gets differentiated and printed)."""

    def __init__(self, fold: bool = True):
        self.fold = fold
        self.nodes: list[tuple[str, tuple[int, ...], float]] = []
        self._index: dict[tuple, int] = {}

    def __len__(self) -> int:
        return len(self.nodes)

    def add(self, op: str, args: tuple[int, ...] = (), value: float = 0.0) -> int:
        """The index of node (op, args, value), added if new."""
        if op == "const":
            value = float(value)
            key = ("const", (), value.hex() if math.isfinite(value) else repr(value))
        else:
            if self.fold and args and all(self.nodes[a][0] == "const" for a in args):
                return self.const(apply(op, *(self.nodes[a][2] for a in args)))
            key = (op, tuple(args), 0.0)
            value = 0.0
        found = self._index.get(key)
        if found is not None:
            return found
        self.nodes.append((op, tuple(args), value))
        self._index[key] = len(self.nodes) - 1
        return len(self.nodes) - 1

    def const(self, value: float) -> int:
        return self.add("const", (), value)

    def is_const(self, i: int) -> bool:
        return self.nodes[i][0] == "const"

    def value(self, i: int) -> float:
        return self.nodes[i][2]

    def reachable(self, roots) -> list[int]:
        """Every node the roots depend on, each after its arguments (iterative)."""
        order: list[int] = []
        seen: set[int] = set()
        for root in roots:
            stack = [(root, False)]
            while stack:
                i, expanded = stack.pop()
                if expanded:
                    order.append(i)
                    continue
                if i in seen:
                    continue
                seen.add(i)
                stack.append((i, True))
                for a in reversed(self.nodes[i][1]):
                    if a not in seen:
                        stack.append((a, False))
        return order

    def size(self, roots) -> int:
        """How many distinct nodes the roots depend on."""
        return len(self.reachable(roots))


# --- Instruction set --------------------------------------------------------------

# Leaves: d := x, y, or consts[b] in every lane.
LOAD_X = 0
LOAD_Y = 1
FILL = 2
# d := a op b (registers).
ADD = 3
SUB = 4
MUL = 5
DIV = 6
POW = 7
MIN = 8
MAX = 9
# d := a op c, with c = consts[b].
ADD_C = 10  # a + c (also a - c, as a + (-c): the same IEEE result)
MUL_C = 11  # a * c
DIV_C = 12  # a / c
POW_C = 13  # a ** c
RSUB_C = 14  # c - a
RDIV_C = 15  # c / a
RPOW_C = 16  # c ** a
# d := f(a).
NEG = 17
SQUARE = 18  # a * a: what a ** 2 compiles to
SIN = 19
COS = 20
TAN = 21
EXP = 22
LOG = 23
SQRT = 24
ABS = 25
TANH = 26
SINH = 27
COSH = 28
ATAN = 29
SIGN = 30
STEP = 31
# output[d] := register a.
OUT = 32
_OPCODES = (
    "LOAD_X",
    "LOAD_Y",
    "FILL",
    "ADD",
    "SUB",
    "MUL",
    "DIV",
    "POW",
    "MIN",
    "MAX",
    "ADD_C",
    "MUL_C",
    "DIV_C",
    "POW_C",
    "RSUB_C",
    "RDIV_C",
    "RPOW_C",
    "NEG",
    "SQUARE",
    "SIN",
    "COS",
    "TAN",
    "EXP",
    "LOG",
    "SQRT",
    "ABS",
    "TANH",
    "SINH",
    "COSH",
    "ATAN",
    "SIGN",
    "STEP",
    "OUT",
)

OPCODE_NAMES = {globals()[name]: name for name in _OPCODES}

_UNARY_OPCODES = {
    "neg": NEG,
    "sin": SIN,
    "cos": COS,
    "tan": TAN,
    "exp": EXP,
    "log": LOG,
    "sqrt": SQRT,
    "abs": ABS,
    "tanh": TANH,
    "sinh": SINH,
    "cosh": COSH,
    "atan": ATAN,
    "sign": SIGN,
    "step": STEP,
}
_BINARY_OPCODES = {
    "add": ADD,
    "sub": SUB,
    "mul": MUL,
    "div": DIV,
    "pow": POW,
    "min": MIN,
    "max": MAX,
}

# Programs in a packed parameter array.
VALUE = 0
VALUE_GRAD = 1
HESSIAN = 2
FORMAT = 1.0
HEADER = 11

# The most instructions one program may have; `compile_program` refuses more. A typed
# Rosenbrock's (f, gradient) program has 20 (loads and output copies included), its
# Hessian's 13.
MAX_INSTRUCTIONS = 4000


class Program(NamedTuple):
    """A compiled program: see the module docstring."""

    ops: np.ndarray  # int64 (n, 4): opcode, destination, operand a, operand b
    consts: np.ndarray  # float64: the constant operands
    n_registers: int  # rows of the register file it needs
    n_outputs: int


class ProgramTooLarge(ValueError):
    """The outputs need more than MAX_INSTRUCTIONS instructions."""


def compile_program(graph: Graph, outputs) -> Program:
    """The program computing `outputs` (node indices of `graph`), in that order."""
    outputs = list(outputs)
    order = graph.reachable(outputs)
    last_use: dict[int, int] = {}
    for position, i in enumerate(order):
        for a in graph.nodes[i][1]:
            last_use[a] = position

    ops: list[tuple[int, int, int, int]] = []
    consts: list[float] = []
    const_slot: dict[str, int] = {}
    register: dict[int, int] = {}
    free: list[int] = []
    n_registers = 0
    wanted: dict[int, list[int]] = {}
    for k, i in enumerate(outputs):
        wanted.setdefault(i, []).append(k)

    def constant(value: float) -> int:
        key = value.hex() if math.isfinite(value) else repr(value)
        if key not in const_slot:
            const_slot[key] = len(consts)
            consts.append(value)
        return const_slot[key]

    def new_register() -> int:
        nonlocal n_registers
        if free:
            return free.pop()
        n_registers += 1
        return n_registers - 1

    def operand(a: int) -> int:
        """The register holding node a, filling one for a constant if needed."""
        if a not in register:  # a constant used where no constant form exists
            r = new_register()
            ops.append((FILL, r, 0, constant(graph.value(a))))
            register[a] = r
        return register[a]

    for position, i in enumerate(order):
        op, args, value = graph.nodes[i]
        if op == "const":
            # Used as a constant operand, or filled into a register on demand (by
            # `operand`); an output is filled here.
            if i in wanted:
                r = operand(i)
                ops.extend((OUT, k, r, 0) for k in wanted[i])
                if i not in last_use:
                    free.append(register.pop(i))
            continue
        if op in ("x", "y"):
            instruction = (LOAD_X if op == "x" else LOAD_Y, None, 0, 0)
        elif op in _UNARY_OPCODES:
            instruction = (_UNARY_OPCODES[op], None, operand(args[0]), 0)
        else:
            instruction = _binary(graph, op, args, operand, constant)
        # The result never overwrites an operand: LLVM vectorizes a loop only after
        # checking at run time that its arrays do not overlap, and an in-place
        # r = r * c fails that check and runs scalar (measured: 2x slower).
        r = new_register()
        register[i] = r
        for a in sorted(set(args)):
            if last_use.get(a) == position and a in register:
                free.append(register.pop(a))
        code, _, a, b = instruction
        ops.append((code, r, a, b))
        # Outputs are copied out at once, so their registers are free to reuse.
        ops.extend((OUT, k, r, 0) for k in wanted.get(i, ()))
        if len(ops) > MAX_INSTRUCTIONS:
            raise ProgramTooLarge(
                f"more than {MAX_INSTRUCTIONS} instructions; at most that many allowed"
            )
        if i not in last_use:
            free.append(register.pop(i))
    return Program(
        ops=np.array(ops, dtype=np.int64).reshape(-1, 4),
        consts=np.array(consts, dtype=np.float64),
        n_registers=max(n_registers, 1),
        n_outputs=len(outputs),
    )


def _binary(graph: Graph, op, args, operand, constant):
    """(opcode, None, a, b) for a binary node, using a constant form when one
    argument is a constant (both constant is folded away by the graph)."""
    left, right = args
    left_const = graph.is_const(left)
    right_const = graph.is_const(right)
    if right_const and op in ("add", "sub", "mul", "div", "pow"):
        c = graph.value(right)
        a = operand(left)
        if op == "add":
            return (ADD_C, None, a, constant(c))
        if op == "sub":
            return (ADD_C, None, a, constant(-c))
        if op == "mul":
            return (MUL_C, None, a, constant(c))
        if op == "div":
            return (DIV_C, None, a, constant(c))
        if c == 2.0:
            return (SQUARE, None, a, 0)
        return (POW_C, None, a, constant(c))
    if left_const and op in ("add", "sub", "mul", "div", "pow"):
        c = graph.value(left)
        a = operand(right)
        if op == "add":
            return (ADD_C, None, a, constant(c))
        if op == "mul":
            return (MUL_C, None, a, constant(c))
        if op == "sub":
            return (RSUB_C, None, a, constant(c))
        if op == "div":
            return (RDIV_C, None, a, constant(c))
        return (RPOW_C, None, a, constant(c))
    return (_BINARY_OPCODES[op], None, operand(left), operand(right))


def describe(program: Program) -> list[str]:
    """The program as readable lines, e.g. ``r2 = r0 * r1`` (for debugging)."""
    lines = []
    for code, d, a, b in program.ops.tolist():
        name = OPCODE_NAMES[code]
        if code == OUT:
            lines.append(f"out{d} = r{a}")
        elif code in (LOAD_X, LOAD_Y):
            lines.append(f"r{d} = {'x' if code == LOAD_X else 'y'}")
        elif code == FILL:
            lines.append(f"r{d} = {float(program.consts[b])!r}")
        elif code < ADD_C:
            lines.append(f"r{d} = {name}(r{a}, r{b})")
        elif code <= RPOW_C:
            lines.append(f"r{d} = {name}(r{a}, {float(program.consts[b])!r})")
        else:
            lines.append(f"r{d} = {name}(r{a})")
    return lines


# --- NumPy reference evaluator ----------------------------------------------------

_UNARY_NUMPY = {code: _NUMPY[op] for op, code in _UNARY_OPCODES.items()}
_BINARY_NUMPY = {code: _NUMPY[op] for op, code in _BINARY_OPCODES.items()}


def evaluate_numpy(program: Program, xs, ys) -> tuple[np.ndarray, ...]:
    """The program's outputs at the points (xs, ys), one NumPy call per instruction:
    the slow, readable reference for the Numba interpreter."""
    xs = np.asarray(xs, dtype=np.float64)
    ys = np.asarray(ys, dtype=np.float64)
    xs, ys = np.broadcast_arrays(xs, ys)
    registers: list = [None] * program.n_registers
    outputs: list = [None] * program.n_outputs
    consts = program.consts
    with np.errstate(all="ignore"):
        for code, d, a, b in program.ops.tolist():
            if code == LOAD_X:
                registers[d] = xs.copy()
            elif code == LOAD_Y:
                registers[d] = ys.copy()
            elif code == FILL:
                registers[d] = np.full(xs.shape, consts[b])
            elif code in _BINARY_NUMPY:
                registers[d] = _BINARY_NUMPY[code](registers[a], registers[b])
            elif code == ADD_C:
                registers[d] = registers[a] + consts[b]
            elif code == MUL_C:
                registers[d] = registers[a] * consts[b]
            elif code == DIV_C:
                registers[d] = registers[a] / consts[b]
            elif code == POW_C:
                registers[d] = np.power(registers[a], consts[b])
            elif code == RSUB_C:
                registers[d] = consts[b] - registers[a]
            elif code == RDIV_C:
                registers[d] = consts[b] / registers[a]
            elif code == RPOW_C:
                registers[d] = np.power(consts[b], registers[a])
            elif code == SQUARE:
                registers[d] = registers[a] * registers[a]
            elif code in _UNARY_NUMPY:
                registers[d] = _UNARY_NUMPY[code](registers[a])
            elif code == OUT:
                outputs[d] = registers[a].copy()
            else:
                raise ValueError(f"unknown opcode {code}")
    return tuple(outputs)


# --- Packing ----------------------------------------------------------------------


def pack(value: Program, value_grad: Program, hessian: Program) -> np.ndarray:
    """The three programs as one float64 parameter array (layout: module docstring)."""
    programs = (value, value_grad, hessian)
    header = np.zeros(HEADER)
    header[0] = FORMAT
    header[1] = max(program.n_registers for program in programs)
    parts = [header]
    offset = HEADER
    for j, program in enumerate(programs):
        header[2 + 3 * j] = offset
        header[3 + 3 * j] = len(program.ops)
        parts.append(program.ops.astype(np.float64).ravel())
        offset += program.ops.size
        header[4 + 3 * j] = offset
        parts.append(program.consts)
        offset += program.consts.size
    return np.concatenate(parts)


def unpack(p: np.ndarray, which: int) -> Program:
    """Program `which` (VALUE, VALUE_GRAD or HESSIAN) of a packed array."""
    start = int(p[2 + 3 * which])
    count = int(p[3 + 3 * which])
    const_start = int(p[4 + 3 * which])
    following = [int(p[2 + 3 * j]) for j in range(3) if int(p[2 + 3 * j]) > start]
    const_end = min(following) if following else p.size
    ops = p[start : start + 4 * count].astype(np.int64).reshape(count, 4)
    n_outputs = int(np.sum(ops[:, 0] == OUT)) if count else 0
    return Program(ops, p[const_start:const_end].copy(), int(p[1]), n_outputs)


# --- Numba interpreters -----------------------------------------------------------


@jit
def run_program(p, which, xs, ys, m, out0, out1, out2, registers):
    """Program `which` of the packed array `p` at points (xs[i], ys[i]), i < m, one
    instruction at a time across the chunk; outputs 0, 1, 2 go to out0, out1, out2.
    `registers`: float64 (p[1], >= m), overwritten; register r is row r, indexed
    ``R[r, i]`` (measured on Rosenbrock, chunks of 256: row views ``R[r]`` cost
    reference counting, 9.9 ns a point against 7.5; offsets into one flat array
    keep LLVM from vectorizing, 29 ns)."""
    start = int(p[2 + 3 * which])
    count = int(p[3 + 3 * which])
    const_start = int(p[4 + 3 * which])
    R = registers
    for k in range(count):
        at = start + 4 * k
        code = int(p[at])
        d = int(p[at + 1])
        a = int(p[at + 2])
        b = int(p[at + 3])
        if code == OUT:
            d = int(p[at + 1])
            if d == 0:
                for i in range(m):
                    out0[i] = R[a, i]
            elif d == 1:
                for i in range(m):
                    out1[i] = R[a, i]
            else:
                for i in range(m):
                    out2[i] = R[a, i]
        elif code == LOAD_X:
            for i in range(m):
                R[d, i] = xs[i]
        elif code == LOAD_Y:
            for i in range(m):
                R[d, i] = ys[i]
        elif code == FILL:
            c = p[const_start + b]
            for i in range(m):
                R[d, i] = c
        elif code <= MAX:
            if code == ADD:
                for i in range(m):
                    R[d, i] = R[a, i] + R[b, i]
            elif code == SUB:
                for i in range(m):
                    R[d, i] = R[a, i] - R[b, i]
            elif code == MUL:
                for i in range(m):
                    R[d, i] = R[a, i] * R[b, i]
            elif code == DIV:
                for i in range(m):
                    R[d, i] = R[a, i] / R[b, i]
            elif code == POW:
                for i in range(m):
                    R[d, i] = R[a, i] ** R[b, i]
            elif code == MIN:
                for i in range(m):
                    R[d, i] = _minimum(R[a, i], R[b, i])
            else:
                for i in range(m):
                    R[d, i] = _maximum(R[a, i], R[b, i])
        elif code <= RPOW_C:
            c = p[const_start + b]
            if code == ADD_C:
                for i in range(m):
                    R[d, i] = R[a, i] + c
            elif code == MUL_C:
                for i in range(m):
                    R[d, i] = R[a, i] * c
            elif code == DIV_C:
                for i in range(m):
                    R[d, i] = R[a, i] / c
            elif code == POW_C:
                for i in range(m):
                    R[d, i] = R[a, i] ** c
            elif code == RSUB_C:
                for i in range(m):
                    R[d, i] = c - R[a, i]
            elif code == RDIV_C:
                for i in range(m):
                    R[d, i] = c / R[a, i]
            else:
                for i in range(m):
                    R[d, i] = c ** R[a, i]
        elif code == NEG:
            for i in range(m):
                R[d, i] = -R[a, i]
        elif code == SQUARE:
            for i in range(m):
                R[d, i] = R[a, i] * R[a, i]
        elif code == SIN:
            for i in range(m):
                R[d, i] = np.sin(R[a, i])
        elif code == COS:
            for i in range(m):
                R[d, i] = np.cos(R[a, i])
        elif code == TAN:
            for i in range(m):
                R[d, i] = np.tan(R[a, i])
        elif code == EXP:
            for i in range(m):
                R[d, i] = np.exp(R[a, i])
        elif code == LOG:
            for i in range(m):
                R[d, i] = _log(R[a, i])
        elif code == SQRT:
            for i in range(m):
                R[d, i] = np.sqrt(R[a, i])
        elif code == ABS:
            for i in range(m):
                R[d, i] = abs(R[a, i])
        elif code == TANH:
            for i in range(m):
                R[d, i] = np.tanh(R[a, i])
        elif code == SINH:
            for i in range(m):
                R[d, i] = np.sinh(R[a, i])
        elif code == COSH:
            for i in range(m):
                R[d, i] = np.cosh(R[a, i])
        elif code == ATAN:
            for i in range(m):
                R[d, i] = np.arctan(R[a, i])
        elif code == SIGN:
            for i in range(m):
                R[d, i] = _sign(R[a, i])
        elif code == STEP:
            for i in range(m):
                R[d, i] = _step_scalar(R[a, i])


@jit_inline
def _minimum(a, b):
    # np.minimum: NaN if either is NaN.
    if a != a:
        return a
    if b != b:
        return b
    return a if a < b else b


@jit_inline
def _maximum(a, b):
    if a != a:
        return a
    if b != b:
        return b
    return a if a > b else b


@jit_inline
def _log(a):
    # np.log: NaN below 0 (Numba's math.log would raise), -inf at 0.
    if a < 0.0:
        return np.nan
    return np.log(a)


@jit_inline
def _sign(a):
    if a > 0.0:
        return 1.0
    if a < 0.0:
        return -1.0
    if a == 0.0:
        return 0.0  # also for -0.0, as np.sign
    return a  # NaN


@jit_inline
def _step_scalar(a):
    if a > 0.0:
        return 1.0
    if a < 0.0:
        return 0.0
    if a == 0.0:
        return 0.5
    return a  # NaN


@jit
def value_chunk(p, xs, ys, m, F):
    """F[i] = f(xs[i], ys[i]) for i < m."""
    registers = np.empty((int(p[1]), m))
    run_program(p, VALUE, xs, ys, m, F, F, F, registers)


@jit
def value_grad_chunk(p, xs, ys, m, F, GX, GY):
    """F, GX, GY[i] = f, ∂f/∂x, ∂f/∂y at (xs[i], ys[i]) for i < m: what a CUSTOM
    branch of ``landscapes._dispatch.evaluate_chunk`` calls."""
    registers = np.empty((int(p[1]), m))
    run_program(p, VALUE_GRAD, xs, ys, m, F, GX, GY, registers)


@jit
def hessian_chunk(p, xs, ys, m, HXX, HXY, HYY):
    """HXX, HXY, HYY[i] = the Hessian entries at (xs[i], ys[i]) for i < m."""
    registers = np.empty((int(p[1]), m))
    run_program(p, HESSIAN, xs, ys, m, HXX, HXY, HYY, registers)


@jit
def run_point(p, which, x, y):
    """Program `which` at one point: its outputs 0, 1, 2 (NaN where it has fewer)."""
    start = int(p[2 + 3 * which])
    count = int(p[3 + 3 * which])
    const_start = int(p[4 + 3 * which])
    r = np.empty(int(p[1]))
    o0 = np.nan
    o1 = np.nan
    o2 = np.nan
    for k in range(count):
        at = start + 4 * k
        code = int(p[at])
        d = int(p[at + 1])
        a = int(p[at + 2])
        b = int(p[at + 3])
        if code == OUT:
            if d == 0:
                o0 = r[a]
            elif d == 1:
                o1 = r[a]
            else:
                o2 = r[a]
        elif code == LOAD_X:
            r[d] = x
        elif code == LOAD_Y:
            r[d] = y
        elif code == FILL:
            r[d] = p[const_start + b]
        elif code == ADD:
            r[d] = r[a] + r[b]
        elif code == SUB:
            r[d] = r[a] - r[b]
        elif code == MUL:
            r[d] = r[a] * r[b]
        elif code == DIV:
            r[d] = r[a] / r[b]
        elif code == POW:
            r[d] = r[a] ** r[b]
        elif code == MIN:
            r[d] = _minimum(r[a], r[b])
        elif code == MAX:
            r[d] = _maximum(r[a], r[b])
        elif code == ADD_C:
            r[d] = r[a] + p[const_start + b]
        elif code == MUL_C:
            r[d] = r[a] * p[const_start + b]
        elif code == DIV_C:
            r[d] = r[a] / p[const_start + b]
        elif code == POW_C:
            r[d] = r[a] ** p[const_start + b]
        elif code == RSUB_C:
            r[d] = p[const_start + b] - r[a]
        elif code == RDIV_C:
            r[d] = p[const_start + b] / r[a]
        elif code == RPOW_C:
            r[d] = p[const_start + b] ** r[a]
        elif code == NEG:
            r[d] = -r[a]
        elif code == SQUARE:
            r[d] = r[a] * r[a]
        elif code == SIN:
            r[d] = np.sin(r[a])
        elif code == COS:
            r[d] = np.cos(r[a])
        elif code == TAN:
            r[d] = np.tan(r[a])
        elif code == EXP:
            r[d] = np.exp(r[a])
        elif code == LOG:
            r[d] = _log(r[a])
        elif code == SQRT:
            r[d] = np.sqrt(r[a])
        elif code == ABS:
            r[d] = abs(r[a])
        elif code == TANH:
            r[d] = np.tanh(r[a])
        elif code == SINH:
            r[d] = np.sinh(r[a])
        elif code == COSH:
            r[d] = np.cosh(r[a])
        elif code == ATAN:
            r[d] = np.arctan(r[a])
        elif code == SIGN:
            r[d] = _sign(r[a])
        elif code == STEP:
            r[d] = _step_scalar(r[a])
    return o0, o1, o2


@jit
def value_grad(x, y, p):
    """(f, ∂f/∂x, ∂f/∂y) at one point: a surface module's signature."""
    return run_point(p, VALUE_GRAD, x, y)


@jit
def hessian(x, y, p):
    """(∂²f/∂x², ∂²f/∂x∂y, ∂²f/∂y²) at one point."""
    return run_point(p, HESSIAN, x, y)
