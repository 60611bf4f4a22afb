"""Typed surfaces (landscapes.expression, landscapes._program, landscapes._symbolic).

References, each independent of the code under test:
- Python's own evaluation (NumPy functions) of the same generated expression, for
  what the parser makes of a text;
- central finite differences of f, for the symbolic gradient, and of the gradient,
  for the Hessian;
- the built-in Rosenbrock surface, for a typed Rosenbrock;
- a direct evaluation of the expression graph, for the register compiler, and the
  NumPy reference evaluator, for the Numba interpreters.
The SymPy child process is started once for the whole file (per-example calls reuse
it); only the time-limit tests start their own.
"""

from __future__ import annotations

import ast
import math
import os
import signal
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import landscapes
from landscapes import _program, expression
from landscapes._program import Graph
from landscapes.expression import ExpressionError, parse_expression, parse_surface

ROSENBROCK = "(1 - x)^2 + 100*(y - x^2)^2"

# --- Generated expressions: (text for our parser, text for Python's eval) ----------

_UNARY = ["sin", "cos", "tan", "exp", "log", "sqrt", "abs", "tanh", "sinh", "cosh"]
_UNARY += ["atan"]
_NUMPY_NAMES = {
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
    "min": np.minimum,
    "max": np.maximum,
    "F": np.float64,  # numbers as float64: (-1)**0.5 is NaN, not complex
    # np.power, not **: NumPy turns a ** 0.5 into sqrt(a), which differs from IEEE
    # pow at -0 and -inf.
    "power": np.power,
    "pi": math.pi,
    "e": math.e,
}

_leaves = st.sampled_from(
    [("x", "x"), ("y", "y"), ("pi", "pi"), ("e", "e")]
    + [(n, f"F({n})") for n in ("1", "2", "3", "0.5", "1.5", "2.25", "0.1")]
)


def _extend(children):
    binary = st.tuples(children, st.sampled_from("+-*/"), children).map(
        lambda t: (f"({t[0][0]} {t[1]} {t[2][0]})", f"({t[0][1]} {t[1]} {t[2][1]})")
    )
    power = st.tuples(
        children, st.sampled_from(["^", "**"]), st.sampled_from(["2", "3", "0.5", "-1"])
    ).map(lambda t: (f"({t[0][0]}){t[1]}{t[2]}", f"power({t[0][1]}, F({t[2]}))"))
    general_power = st.tuples(children, children).map(
        lambda t: (f"({t[0][0]})^({t[1][0]})", f"power({t[0][1]}, {t[1][1]})")
    )
    unary = st.tuples(st.sampled_from(_UNARY), children).map(
        lambda t: (f"{t[0]}({t[1][0]})", f"{t[0]}({t[1][1]})")
    )
    negative = children.map(lambda c: (f"-({c[0]})", f"-({c[1]})"))
    extreme = st.tuples(st.sampled_from(["min", "max"]), children, children).map(
        lambda t: (f"{t[0]}({t[1][0]}, {t[2][0]})", f"{t[0]}({t[1][1]}, {t[2][1]})")
    )
    return st.one_of(binary, power, general_power, unary, negative, extreme)


expressions = st.recursive(_leaves, _extend, max_leaves=10)


def _python_value(python_text: str, xs, ys):
    """The generated expression evaluated by Python itself, on NumPy arrays."""
    namespace = {**_NUMPY_NAMES, "x": xs, "y": ys}
    with np.errstate(all="ignore"):
        value = eval(python_text, {"__builtins__": {}}, namespace)  # noqa: S307 (our own generated text)
    return np.broadcast_to(np.asarray(value, dtype=np.float64), xs.shape)


def _parse_or_reject(text: str):
    """The parse of a generated expression. The grammar can produce a constant part
    that is not finite, like 1/(2 - 2), or a constant power beyond the allowed
    exponent: such examples are rejected, and only for those reasons."""
    try:
        return parse_expression(text)
    except ExpressionError as error:
        assert "constant" in str(error), str(error)
        assume(False)


# Points for the derivative checks: a jittered grid over [-2, 2]^2.
_rng = np.random.default_rng(20261203)
POINTS = [
    (
        -2.0 + 4.0 * (i + _rng.uniform(0.1, 0.9)) / 4,
        -2.0 + 4.0 * (j + _rng.uniform(0.1, 0.9)) / 4,
    )
    for i in range(4)
    for j in range(4)
]


# --- The parser against Python's own evaluation -----------------------------------


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(expressions)
def test_parse_means_what_python_means(pair):
    text, python_text = pair
    parsed = _parse_or_reject(text)
    program = _program.compile_program(parsed.graph, [parsed.root])
    xs = np.array([p[0] for p in POINTS])
    ys = np.array([p[1] for p in POINTS])
    (ours,) = _program.evaluate_numpy(program, xs, ys)
    theirs = _python_value(python_text, xs, ys)
    # Folding constants (in float64, as the interpreter) may round differently from
    # Python's int arithmetic, so not bit for bit.
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-300, equal_nan=True)


@pytest.mark.parametrize(
    ("text", "same_as"),
    [
        ("x^2 + 1", "x**2 + 1"),  # ^ binds like **, not like xor (below +)
        ("2^3^2", "512"),  # right to left
        ("-x^2", "-(x**2)"),
        ("x^-1", "1/x"),
        ("x²", "x**2"),
        ("x²³ / 1e20", "x**23 / 1e20"),
        ("x⁻¹", "1/x"),
        ("−x · y × 2 ÷ 3", "-x*y*2/3"),
        ("ｘ＋ｙ", "x+y"),  # full width, NFKC
        ("π*x", "pi*x"),
        ("  x +\ty", "x + y"),
        ("min(x, y, 0.5)", "min(min(x, y), 0.5)"),
        ("1_000*x", "1000*x"),
    ],
)
def test_notation(text, same_as):
    a = parse_expression(text)
    b = parse_expression(same_as)
    xs = np.array([p[0] for p in POINTS])
    ys = np.array([p[1] for p in POINTS])
    (fa,) = _program.evaluate_numpy(_program.compile_program(a.graph, [a.root]), xs, ys)
    (fb,) = _program.evaluate_numpy(_program.compile_program(b.graph, [b.root]), xs, ys)
    np.testing.assert_allclose(fa, fb, rtol=1e-15, equal_nan=True)


# --- Derivatives against finite differences ---------------------------------------


def _fd(program, output, x, y, axis, h):
    """Fourth-order central difference of a program's output along x or y."""
    steps = np.array([-2.0, -1.0, 1.0, 2.0]) * h
    xs = x + (steps if axis == 0 else 0.0)
    ys = y + (steps if axis == 1 else 0.0)
    values = _program.evaluate_numpy(
        program, np.broadcast_to(xs, 4), np.broadcast_to(ys, 4)
    )[output]
    with np.errstate(over="ignore", invalid="ignore"):  # huge values: not settled
        estimate = (values[0] - 8 * values[1] + 8 * values[2] - values[3]) / (12 * h)
    return estimate, values


def _check_derivative(program, output, x, y, axis, claimed) -> bool:
    """Is `claimed` the derivative the differences see? False when the differences
    themselves do not settle (a kink, a pole or a non-finite value nearby): those
    points say nothing and are skipped."""
    coarse, values_coarse = _fd(program, output, x, y, axis, 1e-3)
    fine, values_fine = _fd(program, output, x, y, axis, 5e-4)
    if not (np.all(np.isfinite(values_coarse)) and np.all(np.isfinite(values_fine))):
        return False
    if not (math.isfinite(coarse) and math.isfinite(fine)):  # overflowed: a pole
        return False
    scale = 1.0 + abs(fine)
    if abs(coarse - fine) > 1e-7 * scale:
        return False
    rounding = 1e-10 * float(np.max(np.abs(values_fine))) / 5e-4
    assert abs(claimed - fine) <= 1e-6 * scale + rounding, (claimed, fine)
    return True


def _derivatives_checked(text: str) -> int:
    """Check f's gradient and Hessian against finite differences at POINTS; how
    many derivative values were checked."""
    _parse_or_reject(text)
    surface = parse_surface(text, start=(0.0, 0.0))
    value_grad = surface.value_grad_program
    hessian = surface.hessian_program
    checked = 0
    for x, y in POINTS:
        f, gx, gy = (float(v) for v in _program.evaluate_numpy(value_grad, x, y))
        hxx, hxy, hyy = (float(v) for v in _program.evaluate_numpy(hessian, x, y))
        if not all(math.isfinite(v) for v in (f, gx, gy, hxx, hxy, hyy)):
            continue
        checked += _check_derivative(value_grad, 0, x, y, 0, gx)
        checked += _check_derivative(value_grad, 0, x, y, 1, gy)
        checked += _check_derivative(value_grad, 1, x, y, 0, hxx)
        checked += _check_derivative(value_grad, 1, x, y, 1, hxy)
        checked += _check_derivative(value_grad, 2, x, y, 0, hxy)
        checked += _check_derivative(value_grad, 2, x, y, 1, hyy)
    return checked


_SLOW = [HealthCheck.too_slow, HealthCheck.filter_too_much]


@settings(max_examples=150, deadline=None, suppress_health_check=_SLOW)
@given(expressions)
def test_derivatives_match_finite_differences(pair):
    # An expression undefined or kinked at every point checks nothing; those are rare.
    assume(_derivatives_checked(pair[0]) > 0)


@pytest.mark.parametrize("function", [*_UNARY, "min", "max", "^"])
@settings(max_examples=25, deadline=None, suppress_health_check=_SLOW)
@given(inner=expressions, other=expressions)
def test_each_function_differentiates_right(function, inner, other):
    """Every function (random trees rarely hold all of them), at the root and
    inside a product (chain and product rules)."""
    if function == "^":
        core = f"({inner[0]})^({other[0]})"
    elif function in ("min", "max"):
        core = f"{function}({inner[0]}, {other[0]})"
    else:
        core = f"{function}({inner[0]})"
    checked = _derivatives_checked(core)
    checked += _derivatives_checked(f"({other[0]}) * {core}")
    assume(checked > 0)


# --- A typed Rosenbrock against the built-in one ----------------------------------


def _rosenbrock_grid():
    builtin = landscapes.get("rosenbrock")
    (x0, x1), (y0, y1) = builtin.bounds
    X, Y = np.meshgrid(np.linspace(x0, x1, 41), np.linspace(y0, y1, 41))
    return builtin, X.ravel(), Y.ravel()


def _rosenbrock_scales(x, y):
    """Sums of the magnitudes of each quantity's terms (a = 1, b = 100): the size of
    its rounding error, whatever cancels."""
    valley = np.abs(y - x * x)
    return {
        "f": (1 - x) ** 2 + 100 * valley**2,
        "gx": 2 * np.abs(1 - x) + 400 * np.abs(x) * valley,
        "gy": 200 * (np.abs(y) + x * x),
        "hxx": 2 + 400 * np.abs(y) + 1200 * x * x,
        "hxy": 400 * np.abs(x),
        "hyy": np.full_like(x, 200.0),
    }


def _assert_close(ours, theirs, scale):
    np.testing.assert_array_less(np.abs(ours - theirs), 1e-12 * scale + 1e-300)


def test_typed_rosenbrock_matches_builtin_on_a_grid():
    builtin, xs, ys = _rosenbrock_grid()
    surface = parse_surface(ROSENBROCK)
    scale = _rosenbrock_scales(xs, ys)
    f_ref = builtin.value(xs, ys)
    gx_ref, gy_ref = builtin.grad(xs, ys)
    h_ref = builtin.hessian(xs, ys)
    n = xs.size
    p = surface.kernel_params
    # The NumPy reference, the Numba chunk interpreter, and the one-point one.
    F, GX, GY = np.empty(n), np.empty(n), np.empty(n)
    _program.value_grad_chunk(p, xs, ys, n, F, GX, GY)
    HXX, HXY, HYY = np.empty(n), np.empty(n), np.empty(n)
    _program.hessian_chunk(p, xs, ys, n, HXX, HXY, HYY)
    points = [_program.value_grad(x, y, p) for x, y in zip(xs, ys, strict=True)]
    point_hessians = [_program.hessian(x, y, p) for x, y in zip(xs, ys, strict=True)]
    f_np, gx_np, gy_np = surface.value_grad(xs, ys)
    h_np = surface.hessian(xs, ys)
    for f, gx, gy in ((F, GX, GY), (f_np, gx_np, gy_np), np.array(points).T):
        _assert_close(f, f_ref, scale["f"])
        _assert_close(gx, gx_ref, scale["gx"])
        _assert_close(gy, gy_ref, scale["gy"])
    for hxx, hxy, hyy in (
        (HXX, HXY, HYY),
        (h_np[:, 0, 0], h_np[:, 0, 1], h_np[:, 1, 1]),
        np.array(point_hessians).T,
    ):
        _assert_close(hxx, h_ref[:, 0, 0], scale["hxx"])
        _assert_close(hxy, h_ref[:, 0, 1], scale["hxy"])
        _assert_close(hyy, h_ref[:, 1, 1], scale["hyy"])
    np.testing.assert_array_equal(h_np[:, 0, 1], h_np[:, 1, 0])


def test_typed_rosenbrock_gradient_descent_path_matches_builtin():
    """Gradient descent step by step on both: the paths agree to 1e-12."""
    from landscapes import _dispatch

    builtin = landscapes.get("rosenbrock")
    p = parse_surface(ROSENBROCK).kernel_params
    ours = np.array(builtin.default_start)
    theirs = ours.copy()
    for _ in range(2000):
        _, gx, gy = _program.value_grad(ours[0], ours[1], p)
        ours = ours - 1e-3 * np.array([gx, gy])
        _, gx, gy = _dispatch.point(builtin.lid, builtin.kernel_params, *theirs)
        theirs = theirs - 1e-3 * np.array([gx, gy])
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-12)
    # The path went somewhere: most of the way down the valley.
    assert builtin.value(*theirs) < 0.1 * builtin.value(*builtin.default_start)


# --- The compiler and the interpreters --------------------------------------------


def _graph_value(graph: Graph, root: int, xs, ys):
    """The graph evaluated node by node with NumPy (no registers, no opcodes, no
    constant forms)."""
    values = {}
    with np.errstate(all="ignore"):
        for i in graph.reachable([root]):
            op, args, value = graph.nodes[i]
            if op == "x":
                values[i] = xs
            elif op == "y":
                values[i] = ys
            elif op == "const":
                values[i] = np.full(xs.shape, value)
            elif op == "pow" and graph.nodes[args[1]] == ("const", (), 2.0):
                values[i] = values[args[0]] * values[args[0]]  # u^2 is u*u, by design
            else:
                values[i] = _program._NUMPY[op](*(values[a] for a in args))
    return values[root]


# Operations whose float64 result is exactly rounded on every platform: programs made
# of them give bit-identical results in NumPy and in Numba.
_EXACT_UNARY = ["sqrt", "abs"]
_exact_leaves = st.sampled_from(["x", "y", "1", "2", "0.5", "3", "0.1"])


def _exact_extend(children):
    return st.one_of(
        st.tuples(children, st.sampled_from("+-*/"), children).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        ),
        children.map(lambda c: f"({c})^2"),
        st.tuples(
            st.sampled_from(_EXACT_UNARY + ["min", "max"]), children, children
        ).map(
            lambda t: (
                f"{t[0]}({t[1]})" if t[0] in _EXACT_UNARY else f"{t[0]}({t[1]}, {t[2]})"
            )
        ),
        children.map(lambda c: f"-({c})"),
    )


exact_expressions = st.recursive(_exact_leaves, _exact_extend, max_leaves=16)
GRID_X = np.concatenate([np.linspace(-3, 3, 61), [0.0, -0.0, np.nan, np.inf, -np.inf]])
GRID_Y = np.concatenate([np.linspace(2, -2, 61), [-0.0, 0.0, 1.0, np.nan, 2.0]])


@settings(max_examples=200, deadline=None)
@given(exact_expressions)
def test_compiler_and_interpreters_bit_for_bit(text):
    parsed = _parse_or_reject(text)
    graph, root = parsed.graph, parsed.root
    # Several outputs sharing subexpressions, as f, gx, gy do.
    half = graph.add("mul", (root, graph.const(0.5)))
    outputs = [root, half, graph.add("sub", (half, graph.add("x")))]
    program = _program.compile_program(graph, outputs)
    direct = [_graph_value(graph, i, GRID_X, GRID_Y) for i in outputs]
    reference = _program.evaluate_numpy(program, GRID_X, GRID_Y)
    for a, b in zip(reference, direct, strict=True):
        np.testing.assert_array_equal(a, b)
    p = _program.pack(program, program, program)
    n = GRID_X.size
    chunk = [np.empty(n) for _ in range(3)]
    _program.value_grad_chunk(p, GRID_X, GRID_Y, n, *chunk)
    points = np.array(
        [_program.value_grad(x, y, p) for x, y in zip(GRID_X, GRID_Y, strict=True)]
    ).T
    for k in range(3):
        np.testing.assert_array_equal(chunk[k], reference[k])
        np.testing.assert_array_equal(points[k], reference[k])


_ALL_OPCODE_PROGRAMS = (
    [(op, (0,)) for op in _program.UNARY_OPS]
    + [(op, (0, 1)) for op in _program.BINARY_OPS]
    + [(op, (0, "c")) for op in ("add", "sub", "mul", "div", "pow")]
    + [(op, ("c", 0)) for op in ("add", "sub", "mul", "div", "pow")]
    + [("pow", (0, 2.0))]
)


@pytest.mark.parametrize(("op", "operands"), _ALL_OPCODE_PROGRAMS)
def test_every_opcode_numba_matches_numpy(op, operands):
    """One operation at a time, including NaN, ±inf and ±0: the same float64 result
    in the chunk and point interpreters as in NumPy, to an ulp or two (NumPy may use
    its own SIMD versions of the transcendental functions)."""
    graph = Graph()
    x, y = graph.add("x"), graph.add("y")
    args = []
    for operand in operands:
        if operand == 0:
            args.append(x)
        elif operand == 1:
            args.append(y)
        elif operand == "c":
            args.append(graph.const(1.7))
        else:
            args.append(graph.const(operand))
    node = graph.add(op, tuple(args))
    program = _program.compile_program(graph, [node, graph.const(-2.5), y])
    values = np.array(
        [-3.0, -1.0, -0.5, -0.0, 0.0, 0.25, 1.0, 2.5, 30.0, np.nan, np.inf, -np.inf]
    )
    xs, ys = np.meshgrid(values, values)
    xs, ys = xs.ravel(), ys.ravel()
    reference = _program.evaluate_numpy(program, xs, ys)
    p = _program.pack(program, program, program)
    n = xs.size
    chunk = [np.empty(n) for _ in range(3)]
    _program.value_grad_chunk(p, xs, ys, n, *chunk)
    points = np.array(
        [_program.value_grad(x, y, p) for x, y in zip(xs, ys, strict=True)]
    ).T
    for k in range(3):
        number = ~np.isnan(reference[k])
        for ours in (chunk[k], points[k]):
            np.testing.assert_array_equal(np.isnan(ours), ~number)
            np.testing.assert_array_max_ulp(
                ours[number], reference[k][number], maxulp=2
            )
            np.testing.assert_array_equal(
                np.signbit(ours[number]), np.signbit(reference[k][number])
            )


def test_packed_layout_round_trips():
    surface = parse_surface(ROSENBROCK)
    p = surface.kernel_params
    assert p.dtype == np.float64 and p.ndim == 1
    assert p[0] == _program.FORMAT
    programs = (
        surface.value_program,
        surface.value_grad_program,
        surface.hessian_program,
    )
    assert p[1] == max(program.n_registers for program in programs)
    for which, program in enumerate(programs):
        unpacked = _program.unpack(p, which)
        np.testing.assert_array_equal(unpacked.ops, program.ops)
        np.testing.assert_array_equal(unpacked.consts, program.consts)
    # The value program alone, through the Numba chunk function.
    xs, ys = np.linspace(-2, 2, 7), np.linspace(3, -1, 7)
    F = np.empty(7)
    _program.value_chunk(p, xs, ys, 7, F)
    np.testing.assert_array_equal(F, surface.value(xs, ys))


def test_program_too_large_is_an_expression_error():
    graph = Graph()
    node = graph.add("x")
    for k in range(_program.MAX_INSTRUCTIONS + 1):
        node = graph.add(
            "add", (node, graph.add("mul", (graph.add("y"), graph.const(k + 1.5))))
        )
    with pytest.raises(_program.ProgramTooLarge):
        _program.compile_program(graph, [node])


# --- Non-finite regions -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "undefined"),
    [
        ("log(x)", lambda x, y: x < 0),
        ("1/(x - y)", lambda x, y: x == y),
        ("sqrt(y)", lambda x, y: y < 0),
    ],
)
def test_undefined_regions_are_not_finite_and_the_start_avoids_them(text, undefined):
    surface = parse_surface(text)
    X, Y = np.meshgrid(np.linspace(-3, 3, 61), np.linspace(-3, 3, 61))
    f, gx, gy = surface.value_grad(X, Y)
    finite = np.isfinite(f) & np.isfinite(gx) & np.isfinite(gy)
    assert not finite[undefined(X, Y)].any()
    assert finite[~undefined(X, Y) & (X != 0) & (Y != 0)].all()
    assert not undefined(*surface.default_start)
    assert np.isfinite(surface.value_grad(*surface.default_start)).all()


def test_nowhere_defined_in_the_view_is_an_error():
    with pytest.raises(ExpressionError, match="not finite anywhere"):
        parse_surface("log(-1 - x^2)")
    # With a start given, the surface is accepted: the view may show nothing.
    surface = parse_surface("log(-1 - x^2)", start=(0.0, 0.0))
    assert np.isnan(surface.value(0.0, 0.0))


# --- Bounds and start -------------------------------------------------------------


def test_default_view_and_start():
    surface = parse_surface("x^2 + y^2")
    assert surface.bounds == expression.DEFAULT_BOUNDS
    (x0, x1), (y0, y1) = surface.bounds
    x, y = surface.default_start
    assert x0 < x < x1 and y0 < y < y1
    custom = parse_surface("x^2 + y^2", bounds=((0, 1), (-5, 5)), start=(0.5, 1))
    assert custom.bounds == ((0.0, 1.0), (-5.0, 5.0))
    assert custom.default_start == (0.5, 1.0)


@pytest.mark.parametrize(
    "bounds",
    [
        ((1, 0), (0, 1)),
        ((0, 1), (0, 0)),
        ((0, np.inf), (0, 1)),
        ((np.nan, 1), (0, 1)),
        ((0, 1e9), (0, 1)),
        ((0, 1),),
        "abc",
        ((0, "a"), (0, 1)),
    ],
)
def test_bad_bounds(bounds):
    with pytest.raises(ExpressionError, match="bounds"):
        parse_surface("x", bounds=bounds)


@pytest.mark.parametrize("start", [(5, 0), (0, np.nan), (1,), "xy", 3.0])
def test_bad_start(start):
    with pytest.raises(ExpressionError, match="start"):
        parse_surface("x", start=start)


# --- LaTeX ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (ROSENBROCK, r"\left(1 - x\right)^{2} + 100 \left(y - x^{2}\right)^{2}"),
        ("1/x", r"\frac{1}{x}"),
        ("-x^2", r"-x^{2}"),
        ("(-x)^2", r"\left(-x\right)^{2}"),
        ("x - (y - 1)", r"x - \left(y - 1\right)"),
        ("2*pi*x", r"2 \pi x"),
        ("x*2", r"x \cdot 2"),
        ("sqrt(abs(x))", r"\sqrt{\left|x\right|}"),
        ("max(x, y, 1)", r"\max\left(x, y, 1\right)"),
        ("atan(x)^y", r"\arctan\left(x\right)^{y}"),
        ("1e-5*x", r"1 \cdot 10^{-5} x"),
        ("2.5e-7*x", r"2.5 \cdot 10^{-7} x"),
        ("exp(log(x))", r"\exp\left(\log\left(x\right)\right)"),
    ],
)
def test_latex_shows_the_formula_as_typed(text, expected):
    assert expression.latex(parse_expression(text)) == expected


def test_surface_carries_its_latex():
    assert parse_surface(ROSENBROCK).latex == expression.latex(
        parse_expression(ROSENBROCK)
    )


# --- Hostile and malformed input --------------------------------------------------

HOSTILE = [
    ("__import__('os')", "character"),
    ("＿＿import＿＿('os')", "character"),
    ("＿＿import＿＿", "unknown name '__import__'"),
    ("__builtins__", "unknown name"),
    ("x.__class__", "attribute"),
    ("(1).real", "attribute"),
    ("x[0]", "subscripts"),
    ("lambda: 1", "lambdas"),
    ("[x for x in y]", "character '['"),
    ("(x for x in y)", "generator"),
    ("'a'", "strings"),
    ('"a"', "strings"),
    ("f'{x}'", "strings"),
    ("(y := 1)", ":="),
    ("9**9**9", "exponent"),
    ("9^9^9", "exponent"),
    ("2^-1000000", "exponent"),
    ("(1/3)^(10^300)", "exponent"),
    ("10^400", "inf"),
    ("1e999", "too large"),
    ("1" * 40, "more than 30 characters"),
    ("0x10", "decimal"),
    ("(" * 10000 + "x" + ")" * 10000, "characters long"),
    ("(" * 240 + "x" + ")" * 240, "nested"),
    ("x+" * 100000, "characters long"),
    ("x" + "+x" * 249, "parts"),
    ("-" * 60 + "x", "nested"),
    ("sin(" * 60 + "x" + ")" * 60, "nested"),
    ("x\x00", "U+0000"),
    ("x\n+1", "line breaks"),
    ("sin(x, y)", "takes 1 argument, got 2"),
    ("min(x)", "takes 2 to 16 arguments, got 1"),
    ("sin()", "takes 1 argument, got 0"),
    ("sin(x=1)", "character '='"),
    ("sin(*x)", "syntax error|starred"),
    ("foo(x)", "unknown function 'foo'"),
    ("x(2)", "not a function"),
    ("sin", "is a function"),
    ("xy", "write x*y"),
    ("x if y else 1", "conditional"),
    ("x < y", "comparisons"),
    ("not x", "operator not"),
    ("x and y", "and/or"),
    ("~x", "bitwise"),
    ("x // y", "operator //"),
    ("x % y", "%"),
    ("x @ y", "@"),
    ("x, y", "tuples"),
    ("1j", "imaginary"),
    ("True", "not a number"),
    ("None", "not a number"),
    ("...", "syntax error|not a number"),
    ("x +", "syntax error"),
    ("x ^ ^ 2", "syntax error"),
    ("", "empty"),
    ("   ", "empty"),
    ("log(0)", "-inf"),
    ("1/0", "inf"),
    ("sqrt(-1)", "NaN"),
    ("x # comment", "comments"),
    ("x; y", "statements"),
    ("x\\\n", "backslash|line break"),
    ("{x}", "sets"),
    ("α*x", "U+03B1"),
    (None, "must be text"),
    (b"x", "must be text"),
]


@pytest.mark.parametrize(("text", "says"), HOSTILE)
def test_hostile_input_is_an_expression_error_that_says_why(text, says):
    """`says`: words the message must contain (alternatives separated by |)."""
    with pytest.raises(ExpressionError) as caught:
        parse_expression(text)
    error = caught.value
    assert any(words in str(error) for words in says.split("|")), str(error)
    assert isinstance(error, ValueError)
    if error.position is not None:
        assert 0 <= error.position <= max(len(text), expression.MAX_LENGTH)
        assert f"column {error.position + 1}" in str(error) or "long" in str(error)
    assert len(str(error)) < 400  # the user's text is not echoed at length


@pytest.mark.parametrize(
    ("text", "column"),
    [
        ("x + foo", 5),
        ("x²+ bar", 5),  # after a superscript, columns still count as typed
        ("ｘ＋ｆｏｏ", 3),
        ("x + y.real", 5),
        ("  sin(x, y)", 3),
        ("x + (1/0)", 6),
    ],
)
def test_error_columns_count_in_the_text_as_typed(text, column):
    with pytest.raises(ExpressionError, match=f"column {column}") as caught:
        parse_expression(text)
    assert caught.value.position == column - 1


# Typing mistakes Python's parser rejects, what our message must say instead, and
# the column (1-based, as typed) the caret must point at: where the fix goes.
SYNTAX_MISTAKES = [
    ("2x + y^2", "write 2*x for a product", 2),
    ("x + 3sin(y)", "write 3*sin for a product", 6),
    ("x^2 y^2", "an operator is missing", 5),
    ("x²y²", "an operator is missing", 3),  # the 2 is an exponent: no "write 2*y"
    ("sin(x) cos(y)", "an operator is missing", 8),
    ("max(x y)", ", between arguments", 7),
    ("x +", "'+' has nothing on its right", 3),
    ("x ^", "'^' has nothing on its right", 3),
    ("x+*y", "'*' has nothing on its left", 3),
    ("x ^ ^ 2", "'^' has nothing on its left", 5),
    ("min(,x)", "',' has nothing on its left", 5),
    ("(x + y", "'(' is never closed", 1),
    ("sin(x) + (y", "'(' is never closed", 10),
    ("x + y)", "')' closes no '('", 6),
    ("05 + x", "write 5", 1),
    ("x..y", "'.' outside a number", 2),
    ("1__0 + x", "_ in a number", 1),
]
PYTHONS_WORDS = ("invalid", "literal", "perhaps", "never closed'", "unmatched", "eof")


@pytest.mark.parametrize(("text", "says", "column"), SYNTAX_MISTAKES)
def test_syntax_errors_in_our_words_at_the_place(text, says, column):
    """Issue #21: `2x + y^2` answered Python's "invalid decimal literal"."""
    with pytest.raises(ExpressionError) as caught:
        parse_expression(text)
    message = str(caught.value)
    assert says in message, message
    assert caught.value.position == column - 1, message
    assert f"column {column}" in message
    assert not any(words in message.lower() for words in PYTHONS_WORDS), message


@pytest.mark.parametrize(
    ("text", "mended"),
    [
        ("x^2  y^2", "x^2+y^2"),  # x^2+ y^2 in a link
        ("x^2 y^2", "x^2+y^2"),  # x^2+y^2 in a link
        ("(1 - x)^2 100*(y - x^2)^2", "(1 - x)^2+100*(y - x^2)^2"),
        ("sin(x) cos(y) x", "sin(x)+cos(y)+x"),
        ("1e 3*x", "1e+3*x"),
        ("x^2 + y^2", None),  # parses as it is
        ("2x", None),  # no blank to mend
        ("x^2  y^2 *", None),  # still does not parse
        ("x ^", None),
    ],
)
def test_blanks_that_were_pluses_in_a_link(text, mended):
    assert expression.with_lost_pluses(text) == mended


_SNIPPETS_BEHIND_THE_CHARACTER_FILTER = [
    ("x[0]", "subscripts"),
    ("x[0:1]", "subscripts"),
    ("lambda: 1", "lambdas"),
    ("[x for x in y]", "lists|comprehensions"),
    ("{x: y}", "dictionaries"),
    ("{x}", "sets"),
    ("'a'", "strings"),
    ("f'{x}'", "f-strings"),
    ("(y := 1)", ":="),
    ("x < y", "comparisons"),
    ("sin(x=1)", "keyword"),
    ("sin(*x)", "starred"),
    ("x % y", "operator %"),
    ("x ^ y", "operator xor"),
    ("x @ y", "operator @"),
    ("x | y", "operator \\|"),
    ("getattr(x, 'y')", "unknown function|strings"),
]


@pytest.mark.parametrize(("python", "says"), _SNIPPETS_BEHIND_THE_CHARACTER_FILTER)
def test_syntax_allowlist_stands_without_the_character_filter(python, says):
    """Defense in depth: the node allowlist rejects what the character filter
    already stops, given Python's parse directly."""
    source = expression._Source(python, python, list(range(len(python))))
    with pytest.raises(ExpressionError, match=says):
        expression._check(ast.parse(python, mode="eval").body, source)


def test_nested_exponentials_finish_or_fail_cleanly():
    try:
        surface = parse_surface("exp(exp(exp(exp(exp(x)))))")
    except ExpressionError as error:
        assert "too long" in str(error) or "too large" in str(error)
    else:
        assert np.isfinite(surface.value_grad(-3.0, 0.0)).all()


def test_sources_never_evaluate_text():
    """No eval, exec, compile or SymPy text parser anywhere in the typed-surface
    modules (a static check of their syntax trees)."""
    forbidden = {"eval", "exec", "compile", "sympify", "parse_expr", "lambdify", "S"}
    root = Path(expression.__file__).parent
    for name in ("expression.py", "_program.py", "_symbolic.py"):
        tree = ast.parse((root / name).read_text())
        used = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
        used |= {
            node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)
        }
        assert not forbidden & used, (name, forbidden & used)


# --- Fuzz: any text whatsoever ----------------------------------------------------

_TOKENS = [
    "x",
    "y",
    "pi",
    "e",
    "π",
    "1",
    "2.5",
    "1e308",
    "1e999",
    "9",
    "0",
    "(",
    ")",
    ",",
    "+",
    "-",
    "*",
    "/",
    "^",
    "**",
    "²",
    "−",
    " ",
    "sin",
    "exp",
    "log",
    "sqrt",
    "min",
    "max",
    "abs",
    "atan",
    "__import__",
    "＿＿import＿＿",
    "os",
    "system",
    ".",
    "[",
    "]",
    "'",
    '"',
    "lambda",
    ":",
    "=",
    ":=",
    "if",
    "else",
    "for",
    "in",
    "not",
    "and",
    "1j",
    "True",
    "None",
    "\x00",
    "\n",
    "\\",
    "#",
    "{",
    "}",
    "@",
    "%",
    "ｘ",
    "f'",
    "yield",
    "await",
    "¹",
    "⁻",
    "e308",
    "_",
    "0x",
    "...",
]
fuzz_texts = st.one_of(
    st.text(max_size=600),
    st.lists(st.sampled_from(_TOKENS), max_size=120).map("".join),
    expressions.map(lambda pair: pair[0]),
)


# Audit events a parse must not raise (Python's audit hooks, PEP 578), except
# "compile" (ast.parse itself) and "builtins.id" (id(node) keys the parse's nodes).
_AUDIT = {"recording": False, "events": []}
_HARMLESS_EVENTS = {"compile", "builtins.id"}


def _audit_hook(event, args):
    if _AUDIT["recording"] and event not in _HARMLESS_EVENTS:
        _AUDIT["events"].append(event)


sys.addaudithook(_audit_hook)  # process-wide and permanent, but records only below


def test_fuzz_only_expression_errors_bounded_work_no_side_effects(
    tmp_path, monkeypatch
):
    """Thousands of texts, arbitrary and hostile: parse_expression raises nothing but
    ExpressionError; Python's parser never sees more than MAX_NORMALIZED_LENGTH
    characters; accepted trees stay within MAX_NODES; and a parse raises no audit
    event (no file opened, no import, no exec, no process, no socket), leaves the
    empty working directory empty and starts no child process."""
    monkeypatch.chdir(tmp_path)
    starts = expression.WORKER.starts
    real_parse = ast.parse
    seen_lengths = []

    def spying_parse(source, *args, **kwargs):
        seen_lengths.append(len(source))
        return real_parse(source, *args, **kwargs)

    @settings(max_examples=3000, deadline=None, database=None)
    @given(fuzz_texts)
    def parse_anything(text):
        seen_lengths.clear()
        _AUDIT["events"].clear()
        expression.ast.parse = spying_parse
        _AUDIT["recording"] = True
        try:
            parsed = parse_expression(text)
        except ExpressionError:
            parsed = None
        finally:
            _AUDIT["recording"] = False
            expression.ast.parse = real_parse
        assert _AUDIT["events"] == []
        assert all(n <= expression.MAX_NORMALIZED_LENGTH for n in seen_lengths)
        if parsed is not None:
            assert len(parsed.tree) <= expression.MAX_NODES
            assert parsed.graph.size([parsed.root]) <= expression.MAX_NODES
            program = _program.compile_program(parsed.graph, [parsed.root])
            xs, ys = np.array([0.5, -1.0]), np.array([0.25, 2.0])
            _program.evaluate_numpy(program, xs, ys)

    parse_anything()
    assert list(tmp_path.iterdir()) == []
    assert expression.WORKER.starts == starts


# --- The SymPy child process ------------------------------------------------------


def test_batch_of_expressions_in_one_request():
    texts = [ROSENBROCK, "sin(x)*cos(y)", "abs(x) + max(x, y)", "x^y", "log(x)"]
    answers = expression.differentiate_many([parse_expression(t) for t in texts])
    assert [answer["ok"] for answer in answers] == [True] * len(texts)
    # d/dx of sin(x) cos(y) is cos(x) cos(y), by hand.
    graph = Graph()
    gx = expression.merge_derivatives(graph, answers[1])[0]
    program = _program.compile_program(graph, [gx])
    (value,) = _program.evaluate_numpy(program, 0.3, 0.7)
    assert abs(value - math.cos(0.3) * math.cos(0.7)) <= 1e-15


def test_abs_min_max_derivatives_take_one_sided_means_at_kinks():
    """d|x|/dx = sign(x), 0 at 0; d max(x, y)/dx = 1, 1/2, 0 as x > y, x = y, x < y;
    their second derivatives are 0 (the Dirac part is dropped)."""
    surface = parse_surface("abs(x) + max(x, y)")
    xs = np.array([-1.0, 0.0, 2.0, 0.5, 0.5])
    ys = np.array([0.0, 1.0, 1.0, 0.5, 1.0])
    _, gx, gy = surface.value_grad(xs, ys)
    np.testing.assert_array_equal(gx, np.sign(xs) + np.heaviside(xs - ys, 0.5))
    np.testing.assert_array_equal(gy, np.heaviside(ys - xs, 0.5))
    np.testing.assert_array_equal(surface.hessian(xs, ys), np.zeros((5, 2, 2)))


def test_time_limits_soft_then_hard():
    """A soft limit (the child's own timer) answers "took too long"; a child that
    does not answer at all (here: stopped, as if stuck in one long C call, which the
    timer cannot interrupt) is killed at the parent's deadline, and the next request
    starts a new one."""
    worker = expression.SymbolicWorker()
    try:
        parsed = parse_expression("exp(exp(exp(exp(exp(x)))))")
        table = expression._table(parsed.tree, parsed.tree_root)
        item = {"nodes": table, "root": len(table) - 1}
        (answer,) = worker.run([item], seconds=1e-4)
        assert answer == {"ok": False, "error": "took too long to differentiate"}
        assert worker.starts == 1
        stuck = worker.pid
        os.kill(stuck, signal.SIGSTOP)
        with pytest.raises(ExpressionError, match="took too long"):
            worker.run([item], seconds=0.2)
        assert worker.pid is None  # killed and reaped
        (answer,) = worker.run([item])
        assert answer["ok"]
        assert worker.starts == 2 and worker.pid != stuck
    finally:
        worker.stop()


def test_bad_tables_from_the_child_are_refused():
    graph = Graph()
    good = {"ok": True, "nodes": [["x", [], 0.0]], "roots": [0, 0, 0, 0, 0]}
    assert expression.merge_derivatives(graph, good) == [graph.add("x")] * 5
    for nodes in (
        [["x", [], 0.0], ["__import__", [0], 0.0]],
        [["add", [0, 1], 0.0]],
        [["x", [], 0.0], ["sin", [0, 0], 0.0]],
        [["x", [], 0.0], ["sin", ["0"], 0.0]],
        [["const", [], "1"]],
        [["x", []]],
        "nodes",
    ):
        with pytest.raises(ExpressionError, match="bad table"):
            expression.merge_derivatives(
                Graph(), {"ok": True, "nodes": nodes, "roots": [0] * 5}
            )
    for broken in ({**good, "roots": [0, 0, 0, 0, 1]}, {"ok": True, "nodes": []}):
        with pytest.raises(ExpressionError, match="bad table"):
            expression.merge_derivatives(Graph(), broken)
    with pytest.raises(ExpressionError, match="nope"):
        expression.merge_derivatives(Graph(), {"ok": False, "error": "nope"})
