"""Exact derivatives of a typed f(x, y) with SymPy, run in a child process.

The parent (``landscapes.expression``) never hands SymPy text: it sends its own
expression tree as a node table, JSON ``[[op, [argument indices], value], ...]``, each
node after its arguments, and this module builds the SymPy objects directly
(``sympy.Symbol``, ``sympy.sin(...)``, ``a + b``), differentiates, and sends the
derivatives back as a node table in the same vocabulary
(``landscapes._program.Graph``): no ``sympify``, ``parse_expr`` or ``lambdify``.

Run as a script (``python -P landscapes/_symbolic.py``), it serves requests, one JSON
line each, ``{"items": [{"nodes": ..., "root": i}, ...], "seconds": s}``, answering one
JSON line ``{"items": [{"ok": true, "nodes": ..., "roots": [gx, gy, hxx, hxy, hyy]}
or {"ok": false, "error": ...}, ...]}``. Each item gets `s` seconds of
its own (an interval timer interrupts SymPy's Python code) and the process an address
space limit; the parent kills the whole process if an answer is late all the same (a
single C-level operation, such as an exact power of a huge integer, is not
interruptible). It ends at the end of its input, or as soon as the process whose
pid is its second argument is gone (`exit_with`). Importing it (the tests do) gives
the pure functions and starts nothing.

Choices where real analysis and SymPy's complex one differ:

- x and y are real symbols.
- |u|, min and max are this module's own functions `real_abs`, `real_min`,
  `real_max`: d|u| = sign(u) du, d max(a, b) = step(a - b) da + step(b - a) db with
  step(0) = 1/2 (so at a kink the derivative is the mean of the two sides). Their
  second derivatives (SymPy's DiracDelta) are taken as 0: the Dirac part sits on a
  set of measure zero, where the Hessian does not exist. SymPy's own Abs, which it
  may create itself (sqrt(u²) = |u| for real u), is treated the same way.
- Where the typed f is finite, every subexpression of it is real (the evaluator gives
  NaN for log, sqrt or a fractional power of a negative number, and NaN propagates
  through every operation but IEEE's pow(NaN, 0) = pow(1, NaN) = 1), so re(u) is read
  as u and im(u) as 0 when SymPy's complex-valued rules produce them. A derivative
  that is complex all the same, such as that of (-π)^x (real only at whole x), is
  undefined: the imaginary unit is read as NaN, so runs there stop.
- An unevaluated Derivative, or any function outside the evaluator's set, is an
  error, not a guess.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time

import sympy

X = sympy.Symbol("x", real=True)
Y = sympy.Symbol("y", real=True)

# The most nodes the five derivatives may have together.
MAX_DERIVATIVE_NODES = 20000


class real_sign(sympy.Function):  # noqa: N801 (SymPy's naming: functions are lower case)
    """sign(u) for real u; its derivative is taken as 0 (see the module docstring)."""

    nargs = 1

    def fdiff(self, argindex=1):
        return sympy.Integer(0)


class real_step(sympy.Function):  # noqa: N801
    """Heaviside step with step(0) = 1/2; its derivative is taken as 0."""

    nargs = 1

    def fdiff(self, argindex=1):
        return sympy.Integer(0)


class real_abs(sympy.Function):  # noqa: N801
    """|u| for real u: d|u| = sign(u) du."""

    nargs = 1

    def fdiff(self, argindex=1):
        return real_sign(self.args[0])


class real_max(sympy.Function):  # noqa: N801
    """max(a, b) for real a, b."""

    nargs = 2

    def fdiff(self, argindex=1):
        a, b = self.args
        return real_step(a - b) if argindex == 1 else real_step(b - a)


class real_min(sympy.Function):  # noqa: N801
    """min(a, b) for real a, b."""

    nargs = 2

    def fdiff(self, argindex=1):
        a, b = self.args
        return real_step(b - a) if argindex == 1 else real_step(a - b)


_FUNCTIONS = {
    "sin": sympy.sin,
    "cos": sympy.cos,
    "tan": sympy.tan,
    "exp": sympy.exp,
    "log": sympy.log,
    "sqrt": sympy.sqrt,
    "abs": real_abs,
    "tanh": sympy.tanh,
    "sinh": sympy.sinh,
    "cosh": sympy.cosh,
    "atan": sympy.atan,
    "sign": real_sign,
    "step": real_step,
}


def number(value: float) -> sympy.Expr:
    """A float as SymPy sees it: an exact Integer when it is a whole number below
    2^53, else a 53-bit Float (the same binary value)."""
    if value.is_integer() and abs(value) <= 2.0**53:
        return sympy.Integer(int(value))
    return sympy.Float(value)


def build(nodes, root: int) -> sympy.Expr:
    """The SymPy expression of node `root` of a node table."""
    built: list = []
    for op, args, value in nodes[: root + 1]:
        built.append(_node(op, [built[i] for i in args], value))
    return built[root]


def _node(op, a, value):
    if op == "x":
        return X
    if op == "y":
        return Y
    if op == "pi":
        return sympy.pi
    if op == "e":
        return sympy.E
    if op == "const":
        return number(float(value))
    if op == "max":
        return real_max(*a)
    if op == "min":
        return real_min(*a)
    if op == "add":
        return a[0] + a[1]
    if op == "sub":
        return a[0] - a[1]
    if op == "mul":
        return a[0] * a[1]
    if op == "div":
        return a[0] / a[1]
    if op == "pow":
        return a[0] ** a[1]
    if op == "neg":
        return -a[0]
    return _FUNCTIONS[op](a[0])


class Unsupported(ValueError):
    """A derivative the evaluator cannot run (or too large)."""


class _Table:
    """SymPy expressions -> a node table, sharing equal subexpressions."""

    def __init__(self):
        self.nodes: list = []
        self._index: dict = {}
        self._memo: dict = {}

    def node(self, op, args=(), value=0.0) -> int:
        key = (op, tuple(args), repr(float(value)))
        if key not in self._index:
            if len(self.nodes) >= MAX_DERIVATIVE_NODES:
                raise Unsupported(
                    f"the derivatives have more than {MAX_DERIVATIVE_NODES} terms"
                )
            self.nodes.append([op, list(args), float(value)])
            self._index[key] = len(self.nodes) - 1
        return self._index[key]

    def const(self, value: float) -> int:
        return self.node("const", (), value)

    def convert(self, e) -> int:
        found = self._memo.get(e)
        if found is None:
            found = self._convert(e)
            self._memo[e] = found
        return found

    def _convert(self, e) -> int:
        if e == X:
            return self.node("x")
        if e == Y:
            return self.node("y")
        if e is sympy.zoo or e is sympy.nan or e is sympy.I:
            return self.const(float("nan"))
        if e.is_Number or isinstance(e, sympy.NumberSymbol):
            return self.const(_float(e))
        if e.is_Add:
            return self._sum(e.args)
        if e.is_Mul:
            return self._product(e)
        if e.is_Pow:
            return self._power(*e.args)
        if isinstance(e, (real_max, sympy.Max, real_min, sympy.Min)):
            op = "max" if isinstance(e, (real_max, sympy.Max)) else "min"
            ids = [self.convert(arg) for arg in e.args]
            result = ids[0]
            for other in ids[1:]:
                result = self.node(op, (result, other))
            return result
        if isinstance(e, sympy.DiracDelta):
            return self.const(0.0)
        if isinstance(e, sympy.re):
            return self.convert(e.args[0])
        if isinstance(e, sympy.im):
            return self.const(0.0)
        if isinstance(e, sympy.Heaviside):
            if len(e.args) > 1 and e.args[1] != sympy.Rational(1, 2):
                raise Unsupported("a step function with step(0) other than 1/2")
            return self.node("step", (self.convert(e.args[0]),))
        if isinstance(e, sympy.Abs):
            return self.node("abs", (self.convert(e.args[0]),))
        if isinstance(e, sympy.sign):
            return self.node("sign", (self.convert(e.args[0]),))
        for name, function in _FUNCTIONS.items():
            if name != "sqrt" and type(e) is function:
                return self.node(name, (self.convert(e.args[0]),))
        if isinstance(e, sympy.Derivative):
            raise Unsupported(f"SymPy left a derivative unevaluated: {_short(e)}")
        raise Unsupported(f"the derivative contains {type(e).__name__}: {_short(e)}")

    def _sum(self, terms) -> int:
        # a + (-c t) as a - c t: the same IEEE result, one instruction fewer.
        plus, minus = [], []
        for term in terms:
            coefficient, rest = term.as_coeff_Mul()
            if coefficient.is_Number and coefficient.is_negative:
                minus.append(self.convert(-coefficient * rest))
            else:
                plus.append(self.convert(term))
        if plus:
            total = plus[0]
            rest_plus = plus[1:]
        else:
            total = self.node("neg", (minus[0],))
            minus = minus[1:]
            rest_plus = []
        for term in rest_plus:
            total = self.node("add", (total, term))
        for term in minus:
            total = self.node("sub", (total, term))
        return total

    def _product(self, e) -> int:
        coefficient, factors = e.as_coeff_mul()
        numerator, denominator = [], []
        negative = False
        if coefficient.is_Rational:
            p, q = coefficient.p, coefficient.q
            negative = p < 0
            if abs(p) != 1:
                numerator.append(self.const(_float(sympy.Integer(abs(p)))))
            if q != 1:
                denominator.append(self.const(_float(sympy.Integer(q))))
        elif coefficient != 1:
            negative = bool(coefficient.is_negative)
            numerator.append(self.const(_float(abs(coefficient))))
        for factor in factors:
            if factor.is_Pow and factor.exp.is_Number and factor.exp.is_negative:
                denominator.append(self._power(factor.base, -factor.exp))
            else:
                numerator.append(self.convert(factor))
        top = numerator[0] if numerator else self.const(1.0)
        for factor in numerator[1:]:
            top = self.node("mul", (top, factor))
        if denominator:
            bottom = denominator[0]
            for factor in denominator[1:]:
                bottom = self.node("mul", (bottom, factor))
            top = self.node("div", (top, bottom))
        return self.node("neg", (top,)) if negative else top

    def _power(self, base, exponent) -> int:
        if exponent == 1:
            return self.convert(base)
        if exponent == sympy.Rational(1, 2):
            return self.node("sqrt", (self.convert(base),))
        if exponent.is_Number and exponent.is_negative:
            return self.node("div", (self.const(1.0), self._power(base, -exponent)))
        if base is sympy.E:
            return self.node("exp", (self.convert(exponent),))
        return self.node("pow", (self.convert(base), self.convert(exponent)))


def _float(number_expr) -> float:
    """A SymPy number as the nearest float (inf beyond the float range)."""
    if number_expr is sympy.zoo or number_expr is sympy.nan:
        return float("nan")
    try:
        return float(number_expr)
    except OverflowError:
        return float("inf") if number_expr > 0 else float("-inf")


def _short(e, limit: int = 80) -> str:
    text = str(e)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def derivatives(nodes, root: int) -> dict:
    """The five derivatives of f as one node table:
    ``{"nodes", "roots": [∂f/∂x, ∂f/∂y, ∂²f/∂x², ∂²f/∂x∂y, ∂²f/∂y²]}``.
    Raises Unsupported for a derivative the evaluator cannot run."""
    f = build(nodes, root)
    gx = f.diff(X)
    gy = f.diff(Y)
    hxx = gx.diff(X)
    hxy = gx.diff(Y)
    hyy = gy.diff(Y)
    table = _Table()
    roots = [table.convert(d) for d in (gx, gy, hxx, hxy, hyy)]
    return {"nodes": table.nodes, "roots": roots}


# --- The child process ------------------------------------------------------------


class TimeLimit(Exception):
    """An item ran out of its seconds."""


def _on_alarm(signum, frame):
    raise TimeLimit


_TOO_LONG = {"ok": False, "error": "took too long to differentiate"}


def _answer(item, seconds: float) -> dict:
    try:
        signal.setitimer(signal.ITIMER_REAL, seconds)
        return {"ok": True, **derivatives(item["nodes"], int(item["root"]))}
    except TimeLimit:
        return _TOO_LONG
    except Unsupported as error:
        return {"ok": False, "error": str(error)}
    except RecursionError:
        return {"ok": False, "error": "nested too deeply to differentiate"}
    except MemoryError:
        return {"ok": False, "error": "ran out of memory while differentiating"}
    except Exception as error:  # SymPy's own failures: say so, keep serving
        name = type(error).__name__
        return {"ok": False, "error": f"could not differentiate ({name})"}
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def serve(memory_bytes: int) -> None:
    """Answer requests from stdin until it closes."""
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    except (ImportError, ValueError, OSError):
        pass  # no address-space limit on this platform; the parent's timeout stays
    signal.signal(signal.SIGALRM, _on_alarm)
    for line in sys.stdin:
        request = json.loads(line)
        seconds = float(request["seconds"])
        answers = []
        for item in request["items"]:
            try:
                answers.append(_answer(item, seconds))
            except TimeLimit:  # the timer fired just as the answer was ready
                answers.append(_TOO_LONG)
        sys.stdout.write(json.dumps({"items": answers}) + "\n")
        sys.stdout.flush()


def exit_with(parent: int) -> None:
    """End this process as soon as process `parent` is gone, even mid-answer (the
    same few lines as landscapes._lifeline.watch: this script runs on its own)."""

    def look() -> None:
        while os.getppid() == parent:
            time.sleep(0.25)
        os._exit(1)

    threading.Thread(target=look, name="lifeline", daemon=True).start()


if __name__ == "__main__":
    if len(sys.argv) > 2:
        exit_with(int(sys.argv[2]))
    serve(int(sys.argv[1]) if len(sys.argv) > 1 else 2 << 30)
