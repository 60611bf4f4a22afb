"""Typed surfaces: a user's f(x, y), parsed without eval and differentiated exactly.

Grammar (Python's expression syntax, restricted by an allowlist; ``^`` is a power)::

    expression := term (("+" | "-") term)*
    term       := factor (("*" | "/") factor)*
    factor     := ("+" | "-") factor | power
    power      := atom (("^" | "**") factor)?        right to left: 2^3^2 = 2^9
    atom       := number | "x" | "y" | "pi" | "π" | "e"
                | function "(" expression ("," expression)* ")" | "(" expression ")"
    function   := sin cos tan exp log sqrt abs tanh sinh cosh atan   (one argument)
                | min max                                           (two or more)

As in Python and in print, the power binds tighter than a minus on its left:
-x^2 = -(x^2), and x^-1 = 1/x. ``^`` is rewritten to ``**`` in the text before
parsing: reading Python's ``^`` node (bitwise xor) as a power instead would give it
xor's precedence, below + and *, so x^2+1 would mean x^(2+1).

How a text becomes a surface, each step bounded before the next one starts:

1. **Normalize.** Per character: superscript digits become a power (x² → x**2),
   typographic operators their ASCII forms (− × ÷ · → - * / *), everything else
   Unicode NFKC (full-width ＿＿import＿＿ becomes __import__, which step 3 then
   rejects as an unknown name: Python would normalize it the same way). Only ASCII
   letters, digits, spaces and ``+ - * / ( ) , .`` remain allowed, and π.
2. **Bound and parse.** At most MAX_LENGTH characters typed (MAX_NORMALIZED_LENGTH
   after step 1), then ``ast.parse(mode="eval")``, whose SyntaxError, RecursionError,
   MemoryError or ValueError become an `ExpressionError`; a SyntaxError's message is
   ours, not Python's (`_syntax_problem`: "write 2*x for a product", at the x).
3. **Allowlist.** At most MAX_NODES expression nodes and MAX_DEPTH levels of nesting
   (a chain of + and - counts one level, as does one of * and /), each node one of:
   a number (int or float, at most MAX_LITERAL_CHARACTERS characters, finite), one of
   the names above, + - * / ** and unary -/+, a call of an allowed function by its
   bare name with the right number of positional arguments. Everything else (calls
   of anything else, attributes, subscripts, lambdas, comprehensions, strings,
   f-strings, comparisons, conditionals, walrus, keywords) is an error naming it
   and its column.
4. **Our own tree.** The allowed nodes become a `landscapes._program.Graph` twice:
   as typed (for SymPy) and with constant parts folded in float64, where a constant
   that is not finite (1/0, log(0), 9^9^9, 1e999) or a constant power with an exponent
   beyond MAX_CONSTANT_EXPONENT is an error: nothing grows without bound later.
5. **Differentiate.** ∂f/∂x, ∂f/∂y and the three Hessian entries, by SymPy in a child
   process (``landscapes._symbolic``) with TIME_LIMIT seconds per expression; SymPy
   objects are built from the tree, never from text. The LaTeX of f is printed from
   the tree as typed (`latex`), not by ``sympy.latex``: SymPy's printer shows its own
   simplified form (exp(log(x)) as x, which hides that f is undefined for x <= 0), or,
   given unevaluated objects, artifacts such as ``1 \frac{1}{x}`` for 1/x.
6. **Compile.** f, (f, ∂f/∂x, ∂f/∂y) and the Hessian become three register programs,
   packed into one float64 parameter array (``landscapes._program``).

`parse_expression` does steps 1-4 (pure Python, no child process, and `latex` of its
result); `parse_surface` all six. Errors are `ExpressionError`, a ValueError whose message names the problem
and its column (1-based, in the text as typed) and whose `position` is that column's
0-based index (None when the problem has no place, e.g. a view's bounds).
"""

from __future__ import annotations

import ast
import atexit
import functools
import json
import math
import os
import re
import select
import subprocess
import sys
import threading
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from landscapes import _program
from landscapes._program import Graph, Program

MAX_LENGTH = 500  # characters as typed
MAX_NORMALIZED_LENGTH = 1000  # characters after normalization (x² -> x**2 grows)
MAX_NODES = 400  # expression nodes of the parse tree
MAX_DEPTH = 50  # nesting levels (see step 3 of the module docstring)
MAX_LITERAL_CHARACTERS = 30  # one number as typed
MAX_CONSTANT_EXPONENT = 1024.0  # |k| in c^k when c and k are both constants
TIME_LIMIT = 5.0  # seconds SymPy may spend on one expression
WORKER_MEMORY = 2 << 30  # bytes of address space for the SymPy process
DEFAULT_BOUNDS = ((-3.0, 3.0), (-3.0, 3.0))
MAX_ABS_BOUND = 1e6  # the view's corners
MIN_VIEW_WIDTH = 1e-6

VARIABLES = ("x", "y")
CONSTANTS = {"pi": math.pi, "π": math.pi, "e": math.e}
# name -> (fewest, most) arguments
FUNCTIONS = {
    "sin": (1, 1),
    "cos": (1, 1),
    "tan": (1, 1),
    "exp": (1, 1),
    "log": (1, 1),
    "sqrt": (1, 1),
    "abs": (1, 1),
    "tanh": (1, 1),
    "sinh": (1, 1),
    "cosh": (1, 1),
    "atan": (1, 1),
    "min": (2, 16),
    "max": (2, 16),
}
ALLOWED_NAMES = "x, y, pi, e, " + ", ".join(FUNCTIONS)
EXAMPLE = "(1 - x)^2 + 100*(y - x^2)^2"


class ExpressionError(ValueError):
    """A typed f(x, y) that is not accepted. `position`: 0-based index in the text as
    typed where the problem is, or None."""

    def __init__(self, message: str, position: int | None = None):
        super().__init__(message)
        self.position = position


# --- Step 1: normalization --------------------------------------------------------

_SUPERSCRIPTS = {
    "⁰": "0",
    "¹": "1",
    "²": "2",
    "³": "3",
    "⁴": "4",
    "⁵": "5",
    "⁶": "6",
    "⁷": "7",
    "⁸": "8",
    "⁹": "9",
    "⁻": "-",
}
_OPERATORS = {"^": "**", "−": "-", "×": "*", "÷": "/", "·": "*", "⋅": "*", "∗": "*"}
_ALLOWED_CHARACTERS = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 \t+-*/(),._π"
)
_CHARACTER_HINTS = {
    "[": "subscripts are",
    "]": "subscripts are",
    "'": "strings are",
    '"': "strings are",
    "=": "assignments, keywords and comparisons are",
    "<": "comparisons are",
    ">": "comparisons are",
    "!": "comparisons are",
    ":": "lambdas, slices and := are",
    "{": "sets and dictionaries are",
    "}": "sets and dictionaries are",
    "#": "comments are",
    "\\": "backslashes are",
    "%": "% is",
    "@": "@ is",
    "&": "bitwise operators are",
    "|": "bitwise operators are; for |u| write abs(u)",
    "~": "bitwise operators are",
    ";": "statements are",
    "\n": "line breaks are",
    "\r": "line breaks are",
}


def _quote(text: str, limit: int = 24) -> str:
    """`text` shortened and quoted with escapes, safe to show back to the user."""
    shown = text if len(text) <= limit else text[: limit - 1] + "…"
    return repr(shown)


def normalize(text: str) -> tuple[str, list[int]]:
    """(normalized text, for each of its characters the index typed).

    Superscripts and typographic operators first (NFKC would turn ² into a bare 2),
    then NFKC per character, then ``^`` -> ``**`` (NFKC makes ^ of full-width ＾).
    If NFKC of the whole differs from the joined pieces (combining marks), the whole
    is normalized and columns count in the normalized text."""
    pieces: list[str] = []
    previous_superscript = False
    for character in text:
        if character in _SUPERSCRIPTS:
            plain = _SUPERSCRIPTS[character]
            piece = plain if previous_superscript else "**" + plain
            previous_superscript = True
        else:
            previous_superscript = False
            piece = unicodedata.normalize("NFKC", character)
            piece = "".join(_OPERATORS.get(c, c) for c in piece)
        pieces.append(piece)
    joined = "".join(pieces)
    if unicodedata.normalize("NFKC", joined) != joined:
        whole = unicodedata.normalize("NFKC", text)
        whole = "".join(_OPERATORS.get(c, c) for c in whole)
        return whole, [min(i, len(text) - 1) for i in range(len(whole))]
    columns = [i for i, piece in enumerate(pieces) for _ in piece]
    return joined, columns


# --- Steps 2-4: parse, allowlist, our own tree -----------------------------------


@dataclass(frozen=True)
class ParsedExpression:
    """A typed f(x, y) after steps 1-4 of the module docstring.

    Attributes:
        typed: the text as given.
        text: the normalized text that was parsed.
        tree: the expression as typed (constants unfolded, pi and e as names), node
            table and root: what is differentiated and printed.
        graph: the same with constant parts folded; `root` is f in it.
    """

    typed: str
    text: str
    tree: Graph
    tree_root: int
    graph: Graph
    root: int


class _Source:
    """Positions in the normalized text, mapped back to the text as typed."""

    def __init__(self, typed: str, text: str, columns: list[int]):
        self.typed = typed
        self.text = text
        self.columns = columns
        self._encoded = text.encode("utf-8")

    def position(self, node) -> int | None:
        offset = getattr(node, "col_offset", None)
        if offset is None:
            return None
        return self.from_character(
            len(self._encoded[:offset].decode("utf-8", "ignore"))
        )

    def from_character(self, index: int) -> int:
        if not self.columns:
            return 0
        if index >= len(self.columns):
            return len(self.typed)
        return self.columns[max(index, 0)]

    def segment(self, node) -> str:
        return ast.get_source_segment(self.text, node) or type(node).__name__

    def error(self, message: str, node=None, position=None) -> ExpressionError:
        if position is None and node is not None:
            position = self.position(node)
        where = f" at column {position + 1}" if position is not None else ""
        return ExpressionError(message.replace("{at}", where), position)


def parse_expression(text) -> ParsedExpression:
    """Steps 1-4: the typed text as our own expression trees, or ExpressionError."""
    if not isinstance(text, str):
        raise ExpressionError(
            f"the expression must be text, not {type(text).__name__}", None
        )
    if len(text) > MAX_LENGTH:
        raise ExpressionError(
            f"the expression is {len(text)} characters long; "
            f"at most {MAX_LENGTH} are allowed",
            MAX_LENGTH,
        )
    normalized, columns = normalize(text)
    source = _Source(text, normalized, columns)
    if len(normalized) > MAX_NORMALIZED_LENGTH:
        raise ExpressionError(
            f"the expression is {len(normalized)} characters long once normalized; "
            f"at most {MAX_NORMALIZED_LENGTH} are allowed",
            None,
        )
    for index, character in enumerate(normalized):
        if character not in _ALLOWED_CHARACTERS:
            hint = _CHARACTER_HINTS.get(character)
            reason = f"{hint} not part of the grammar" if hint else "not allowed"
            raise source.error(
                f"character {_quote(character)} (U+{ord(character):04X}){{at}}: "
                f"{reason}; allowed: letters, digits, spaces, + - * / ^ ( ) , .",
                position=source.from_character(index),
            )
    if not normalized.strip():
        raise ExpressionError(
            f"the expression is empty; type a function of x and y, e.g. {EXAMPLE}",
            None,
        )
    # Python's parser takes leading blanks for an indent.
    indent = len(normalized) - len(normalized.lstrip(" \t"))
    normalized = normalized[indent:]
    source = _Source(text, normalized, columns[indent:])
    try:
        module = ast.parse(normalized, mode="eval")
    except SyntaxError as error:
        # Python's own words ("invalid decimal literal") are about Python: say what
        # is wrong in the formula instead, at the place the fix goes.
        found = _syntax_problem(normalized)
        if found is not None:
            message, index = found
            position = source.from_character(index)
            if "{op}" in message:  # an operator as typed: ^ rather than **
                typed = text[position : position + 1]
                message = message.replace("{op}", "^" if typed in "^＾" else "**")
        else:
            message = f"this cannot be read as a formula; write it like {EXAMPLE}"
            if error.offset is None or error.offset < 1:  # Python's "at the end"
                position = len(text)
            else:
                position = source.from_character(error.offset - 1)
        raise source.error(
            f"syntax error{{at}}: {message}", position=position
        ) from None
    except (RecursionError, MemoryError):
        raise ExpressionError(
            "the expression is nested too deeply to parse", None
        ) from None
    except ValueError as error:
        raise ExpressionError(f"cannot parse: {str(error)[:120]}", None) from None
    _check(module.body, source)
    tree, tree_root, graph, root = _build(module.body, source)
    return ParsedExpression(text, normalized, tree, tree_root, graph, root)


# The normalized text's pieces (step 1 leaves only these characters).
# (A pattern, not re.compile: this module names no compile at all, see
# tests/test_expression.py::test_sources_never_evaluate_text; re caches it.)
_TOKENS = (
    r"(?P<number>(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d[\d_]*)?)"
    r"|(?P<name>[A-Za-z_π][A-Za-z0-9_π]*)"
    r"|(?P<op>\*\*|[-+*/(),.])"
    r"|(?P<space>[ \t]+)"
)
_OPERATORS_AFTER_WHICH_AN_OPERAND_COMES = {"(", ",", "+", "-", "*", "/", "**"}


def _syntax_problem(text: str) -> tuple[str, int] | None:
    """What is wrong with a normalized `text` that Python's parser refused, in the
    formula's own terms, and the index where the fix goes; None if no rule below
    names it. The first problem from the left:

    - a number or name right after an operand: a missing operator (2x: write 2*x);
    - a number Python does not read: leading zeros (05), a misplaced _ (1__0);
    - * / ^ or , with nothing on their left, any operator with nothing on its right;
    - a . outside a number; a ) that closes no (, a ( that is never closed, more
      than MAX_DEPTH open at once.
    ``{op}`` in a message stands for a power's operator as typed (^ or **)."""
    tokens = []  # (kind, text, index, whether a blank comes before it)
    index, blank = 0, False
    for match in re.finditer(_TOKENS, text):
        if match.start() != index:  # a character step 1 does not let through
            return None
        if match.lastgroup == "space":
            blank = True
        else:
            tokens.append((match.lastgroup, match.group(), index, blank))
            blank = False
        index = match.end()
    if index != len(text):
        return None
    opens: list[tuple[int, bool]] = []  # each open (: its index, whether a call's
    for i, (kind, piece, index, blank) in enumerate(tokens):
        before = tokens[i - 1] if i else (None, None, None, None)
        after = tokens[i + 1][1] if i + 1 < len(tokens) else None
        shown = "{op}" if piece == "**" else piece
        operand_before = before[0] in ("number", "name") or before[1] == ")"
        if kind in ("number", "name") and operand_before:
            exponent = i >= 2 and tokens[i - 2][1] == "**"
            if before[0] == "number" and kind == "name" and not (blank or exponent):
                return f"write {before[1]}*{piece} for a product", index
            in_call = bool(opens) and opens[-1][1]
            return (
                "an operator is missing: write * for a product or + for a sum"
                + (" (or , between arguments)" if in_call else ""),
                index,
            )
        if kind == "number":
            digits = piece.replace("_", "")
            if re.fullmatch(r"0+[1-9]\d*", digits):
                return (
                    f"a whole number cannot start with 0: write {digits.lstrip('0')}",
                    index,
                )
            if re.search(r"__|_$|_[.eE]|[.eE]_", piece):
                return "_ in a number goes only between two digits, as in 1_000", index
        if piece in ("*", "/", "**", ",") and (
            before[1] is None or before[1] in _OPERATORS_AFTER_WHICH_AN_OPERAND_COMES
        ):
            return f"'{shown}' has nothing on its left", index
        if piece in ("+", "-", "*", "/", "**", ",") and (
            after in (None, ",") or (after == ")" and piece != ",")
        ):
            return f"'{shown}' has nothing on its right", index
        if piece == ".":
            return "'.' outside a number: write decimals as 0.5", index
        if piece == "(":
            opens.append((index, before[0] == "name"))
            if len(opens) > MAX_DEPTH:  # Python's tokenizer stops at 200
                return (
                    f"the expression is nested more than {MAX_DEPTH} levels deep",
                    index,
                )
        if piece == ")":
            if not opens:
                return "')' closes no '('", index
            opens.pop()
    if opens:
        return "'(' is never closed", opens[-1][0]
    return None


# A blank run between the end of one operand and the start of the next.
_BLANK_BETWEEN_OPERANDS = r"(?<=[\w.π)²³¹⁰⁴-⁹])[ \t]+(?=[\w.π(])"


def with_lost_pluses(text: str) -> str | None:
    """`text` with each blank between two operands read as a +, when `text` does not
    parse and that does; else None. A + in a link's query string is a space, so
    ?f=x^2+y^2 arrives as "x^2 y^2" and ?f=x^2+ y^2 as "x^2  y^2"."""
    if not isinstance(text, str) or len(text) > MAX_LENGTH:
        return None
    mended = re.sub(_BLANK_BETWEEN_OPERANDS, "+", text)
    if mended == text:
        return None
    try:
        parse_expression(text)
    except ExpressionError:
        pass
    else:
        return None
    try:
        parse_expression(mended)
    except ExpressionError:
        return None
    return mended


_BINARY = {
    ast.Add: "add",
    ast.Sub: "sub",
    ast.Mult: "mul",
    ast.Div: "div",
    ast.Pow: "pow",
}
_FAMILY = {ast.Add: "sum", ast.Sub: "sum", ast.Mult: "product", ast.Div: "product"}
_NOT_ALLOWED = {
    ast.Attribute: "attribute access (.name)",
    ast.Subscript: "subscripts",
    ast.Slice: "slices",
    ast.Lambda: "lambdas",
    ast.ListComp: "comprehensions",
    ast.SetComp: "comprehensions",
    ast.DictComp: "comprehensions",
    ast.GeneratorExp: "generator expressions",
    ast.JoinedStr: "f-strings",
    ast.FormattedValue: "f-strings",
    ast.NamedExpr: "assignment expressions (:=)",
    ast.Compare: "comparisons",
    ast.BoolOp: "and/or",
    ast.IfExp: "conditional expressions",
    ast.Tuple: "tuples (a comma outside a function call)",
    ast.List: "lists",
    ast.Set: "sets",
    ast.Dict: "dictionaries",
    ast.Starred: "starred arguments",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
}
_OPERATOR_TEXT = {
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.MatMult: "@",
    ast.BitXor: "xor",
    ast.BitAnd: "&",
    ast.BitOr: "|",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.Invert: "~",
    ast.Not: "not",
}


def _check(body, source: _Source) -> None:
    """Step 3: size, depth and the allowlist, left to right (iterative: a hostile
    tree cannot exhaust the stack)."""
    count = 0
    stack = [(body, 1)]
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > MAX_NODES:
            raise source.error(
                f"the expression has more than {MAX_NODES} parts; "
                f"at most {MAX_NODES} are allowed{{at}}",
                node,
            )
        if depth > MAX_DEPTH:
            raise source.error(
                f"the expression is nested more than {MAX_DEPTH} levels deep{{at}}",
                node,
            )
        for child, child_depth in reversed(_children(node, depth, source)):
            stack.append((child, child_depth))


def _children(node, depth: int, source: _Source) -> list:
    """The allowed node's children with their nesting depths; ExpressionError for a
    node that is not allowed."""
    kind = type(node)
    if kind is ast.Constant:
        _literal(node, source)
        return []
    if kind is ast.Name:
        _name(node, source)
        return []
    if kind is ast.UnaryOp:
        if type(node.op) not in (ast.USub, ast.UAdd):
            operator = _OPERATOR_TEXT.get(type(node.op), type(node.op).__name__)
            raise source.error(f"operator {operator}{{at}} is not allowed", node)
        return [(node.operand, depth + 1)]
    if kind is ast.BinOp:
        op = type(node.op)
        if op not in _BINARY:
            operator = _OPERATOR_TEXT.get(op, op.__name__)
            raise source.error(
                f"operator {operator}{{at}} is not allowed; "
                "allowed: + - * / and ^ (or **) for powers",
                node,
            )
        family = _FAMILY.get(op)
        return [
            (side, depth if _family(side) == family and family else depth + 1)
            for side in (node.left, node.right)
        ]
    if kind is ast.Call:
        return [(argument, depth + 1) for argument in _call(node, source)]
    what = _NOT_ALLOWED.get(kind, type(node).__name__)
    raise source.error(
        f"{what}{{at}} not allowed in an expression: {_quote(source.segment(node))}",
        node,
    )


def _family(node):
    return _FAMILY.get(type(node.op)) if type(node) is ast.BinOp else None


def _literal(node, source: _Source) -> float:
    value = node.value
    segment = source.segment(node)
    if isinstance(value, bool) or value is None or value is Ellipsis:
        raise source.error(
            f"{_quote(segment)}{{at}} is not a number; allowed: numbers, {ALLOWED_NAMES}",
            node,
        )
    if isinstance(value, complex):
        raise source.error(
            f"imaginary number {_quote(segment)}{{at}} is not allowed", node
        )
    if isinstance(value, (str, bytes)):
        raise source.error(f"strings{{at}} are not allowed: {_quote(segment)}", node)
    if not isinstance(value, (int, float)):
        raise source.error(f"{_quote(segment)}{{at}} is not allowed", node)
    if not re.fullmatch(_DECIMAL, segment):
        raise source.error(
            f"number {_quote(segment)}{{at}}: write numbers in decimal, e.g. 16 or 0.5",
            node,
        )
    if len(segment) > MAX_LITERAL_CHARACTERS:
        raise source.error(
            f"number {_quote(segment)}{{at}} has more than "
            f"{MAX_LITERAL_CHARACTERS} characters",
            node,
        )
    number = float(value)
    if not math.isfinite(number):
        raise source.error(
            f"number {_quote(segment)}{{at}} is too large for a float64", node
        )
    return number


_DECIMAL = r"(\d[\d_]*)?(\.[\d_]*)?([eE][+-]?\d[\d_]*)?"


def _name(node, source: _Source) -> None:
    name = node.id
    if name in VARIABLES or name in CONSTANTS:
        return
    if name in FUNCTIONS:
        raise source.error(
            f"{name}{{at}} is a function: write {name}(...) with its argument", node
        )
    hint = ""
    if len(name) > 1 and set(name) <= set("xy") | set(CONSTANTS):
        hint = f" (for a product write {'*'.join(name)})"
    raise source.error(
        f"unknown name {_quote(name)}{{at}}{hint}; allowed: {ALLOWED_NAMES}", node
    )


def _call(node, source: _Source) -> list:
    function = node.func
    if type(function) is not ast.Name:
        raise source.error(
            f"only functions called by name are allowed{{at}}: "
            f"{_quote(source.segment(function))}; allowed: {', '.join(FUNCTIONS)}",
            node,
        )
    name = function.id
    if name not in FUNCTIONS:
        if name in VARIABLES or name in CONSTANTS:
            raise source.error(
                f"{name}{{at}} is not a function; write {name}*(...) to multiply",
                node,
            )
        raise source.error(
            f"unknown function {_quote(name)}{{at}}; allowed: {', '.join(FUNCTIONS)}",
            node,
        )
    if node.keywords:
        raise source.error(
            f"keyword arguments{{at}} are not allowed: write {name}(...) "
            "with positional arguments",
            node.keywords[0] if hasattr(node.keywords[0], "col_offset") else node,
        )
    for argument in node.args:
        if type(argument) is ast.Starred:
            raise source.error("starred arguments{at} are not allowed", argument)
    fewest, most = FUNCTIONS[name]
    count = len(node.args)
    if not fewest <= count <= most:
        wanted = (
            f"{fewest} argument" + ("s" if fewest > 1 else "")
            if fewest == most
            else f"{fewest} to {most} arguments"
        )
        raise source.error(f"{name}{{at}} takes {wanted}, got {count}", node)
    return list(node.args)


def _build(body, source: _Source) -> tuple[Graph, int, Graph, int]:
    """Step 4: (tree as typed, its root, folded graph, its root), iteratively in
    post-order; every folded constant must be finite."""
    tree = Graph(fold=False)
    graph = Graph(fold=True)
    done: dict[int, tuple[int, int]] = {}
    stack = [(body, False)]
    while stack:
        node, expanded = stack.pop()
        kind = type(node)
        if not expanded:
            stack.append((node, True))
            if kind is ast.UnaryOp:
                stack.append((node.operand, False))
            elif kind is ast.BinOp:
                stack.append((node.right, False))
                stack.append((node.left, False))
            elif kind is ast.Call:
                stack.extend((argument, False) for argument in reversed(node.args))
            continue
        if kind is ast.Constant:
            number = _literal(node, source)
            done[id(node)] = (tree.const(number), graph.const(number))
        elif kind is ast.Name:
            name = node.id
            if name in VARIABLES:
                done[id(node)] = (tree.add(name), graph.add(name))
            else:
                symbol = "pi" if name in ("pi", "π") else name
                done[id(node)] = (tree.add(symbol), graph.const(CONSTANTS[name]))
        elif kind is ast.UnaryOp:
            t, g = done[id(node.operand)]
            if type(node.op) is ast.USub:
                done[id(node)] = (
                    tree.add("neg", (t,)),
                    _fold(graph, "neg", (g,), node, source),
                )
            else:
                done[id(node)] = (t, g)
        elif kind is ast.BinOp:
            op = _BINARY[type(node.op)]
            lt, lg = done[id(node.left)]
            rt, rg = done[id(node.right)]
            if op == "pow" and graph.is_const(lg) and graph.is_const(rg):
                exponent = graph.value(rg)
                if abs(exponent) > MAX_CONSTANT_EXPONENT:
                    raise source.error(
                        f"constant power {_quote(source.segment(node))}{{at}} has "
                        f"exponent {exponent:.6g}; at most {MAX_CONSTANT_EXPONENT:g} "
                        "in size is allowed",
                        node,
                    )
            done[id(node)] = (
                tree.add(op, (lt, rt)),
                _fold(graph, op, (lg, rg), node, source),
            )
        else:  # ast.Call, checked by _call
            name = node.func.id
            parts = [done[id(argument)] for argument in node.args]
            t, g = parts[0]
            for other_t, other_g in parts[1:]:  # min/max of several: pairwise
                t = tree.add(name, (t, other_t))
                g = _fold(graph, name, (g, other_g), node, source)
            if len(parts) == 1:
                t = tree.add(name, (t,))
                g = _fold(graph, name, (g,), node, source)
            done[id(node)] = (t, g)
    tree_root, root = done[id(body)]
    return tree, tree_root, graph, root


def _fold(graph: Graph, op: str, args, node, source: _Source) -> int:
    """graph.add, where a constant result must be finite."""
    result = graph.add(op, args)
    if graph.is_const(result) and not math.isfinite(graph.value(result)):
        value = graph.value(result)
        meaning = "undefined (NaN)" if math.isnan(value) else f"{value}"
        raise source.error(
            f"the constant {_quote(source.segment(node))}{{at}} is {meaning}; "
            "constant parts must be finite numbers",
            node,
        )
    return result


# --- Step 5: derivatives in a child process ---------------------------------------

_WORKER_SCRIPT = Path(__file__).with_name("_symbolic.py")
# Seconds a newly started child may take to import SymPy, on top of its first answer.
WORKER_START_SECONDS = 60.0
_MAX_ANSWER_BYTES = 64 << 20
_DERIVATIVE_OPS = {
    "x": 0,
    "y": 0,
    "const": 0,
    **{op: 2 for op in _program.BINARY_OPS},
    **{op: 1 for op in _program.UNARY_OPS},
}


class SymbolicWorker:
    """One child process running ``landscapes._symbolic``, started on first use and
    again after it was killed. Thread-safe: callers queue on a lock (an answer takes
    milliseconds; a hostile one at most TIME_LIMIT seconds). POSIX only: the
    deadline waits on the pipe with select."""

    def __init__(self):
        self._lock = threading.Lock()
        self._process: subprocess.Popen | None = None
        self._answered = False  # has the current child answered once (is it up)?
        self.starts = 0  # how many processes were started (tests read it)

    @property
    def pid(self) -> int | None:
        """The running child's process id, if one runs."""
        return self._process.pid if self._process is not None else None

    def start(self) -> None:
        """Start the child now (importing SymPy takes ~1 s), e.g. when the app
        starts, so the first typed surface does not wait for it."""
        with self._lock:
            self._ensure()

    def _ensure(self) -> subprocess.Popen:
        if self._process is None or self._process.poll() is not None:
            environment = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
            self._process = subprocess.Popen(
                [sys.executable, "-P", str(_WORKER_SCRIPT), str(WORKER_MEMORY)]
                + [str(os.getpid())],  # it ends with this process
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                bufsize=0,
                close_fds=True,
                env=environment,
            )
            self._answered = False
            self.starts += 1
        return self._process

    def stop(self) -> None:
        """Kill the child (it is started again when needed)."""
        with self._lock:
            self._kill()

    def _kill(self) -> None:
        if self._process is not None:
            if self._process.poll() is None:
                self._process.kill()
            self._process.wait()
            for stream in (self._process.stdin, self._process.stdout):
                if stream is not None:
                    stream.close()
            self._process = None

    def run(self, items: list[dict], seconds: float = TIME_LIMIT) -> list[dict]:
        """The child's answers to `items` (see ``landscapes._symbolic``). Raises
        ExpressionError when it is late (after killing it) or fails."""
        request = (json.dumps({"items": items, "seconds": seconds}) + "\n").encode()
        with self._lock:
            budget = seconds * len(items) + 2.0
            if not self._answered:
                budget += WORKER_START_SECONDS
            deadline = time.monotonic() + budget
            try:
                process = self._ensure()
                written = 0
                while written < len(request):  # a raw pipe may take part of it
                    written += process.stdin.write(request[written:])
                answer = self._read_line(process, deadline)
                answers = json.loads(answer)["items"]
                if len(answers) != len(items):
                    raise ValueError("wrong number of answers")
                self._answered = True
                return answers
            except TimeoutError:
                self._kill()
                raise ExpressionError("took too long to differentiate", None) from None
            except (OSError, ValueError, KeyError, TypeError, EOFError):
                self._kill()  # also when it could not start: nothing to kill then
                raise ExpressionError(
                    "the differentiation process failed; try again", None
                ) from None

    @staticmethod
    def _read_line(process, deadline: float) -> bytes:
        descriptor = process.stdout.fileno()
        chunks: list[bytes] = []
        size = 0
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            ready, _, _ = select.select([descriptor], [], [], remaining)
            if not ready:
                raise TimeoutError
            data = os.read(descriptor, 1 << 16)
            if not data:
                raise EOFError
            chunks.append(data)
            size += len(data)
            if size > _MAX_ANSWER_BYTES:
                raise ValueError("answer too large")
            if data.endswith(b"\n"):
                return b"".join(chunks)


WORKER = SymbolicWorker()
atexit.register(WORKER.stop)


def _table(graph: Graph, root: int) -> list:
    """The nodes `root` depends on as a JSON-ready table, each after its arguments,
    the root last."""
    order = graph.reachable([root])
    new_index = {old: new for new, old in enumerate(order)}
    return [
        [
            graph.nodes[i][0],
            [new_index[a] for a in graph.nodes[i][1]],
            graph.nodes[i][2],
        ]
        for i in order
    ]


@functools.lru_cache(maxsize=256)
def _differentiate_cached(table_json: str, seconds: float) -> dict:
    table = json.loads(table_json)
    (answer,) = WORKER.run([{"nodes": table, "root": len(table) - 1}], seconds)
    if not answer.get("ok"):  # raised, so not cached: a time limit may pass next time
        raise ExpressionError(str(answer.get("error", "could not differentiate")))
    return answer


def differentiate(parsed: ParsedExpression, seconds: float = TIME_LIMIT) -> dict:
    """The child's answer for one parsed expression, ``{"ok", "latex", "nodes",
    "roots"}`` (cached by expression); ExpressionError if it has none."""
    table = _table(parsed.tree, parsed.tree_root)
    return _differentiate_cached(json.dumps(table), float(seconds))


def differentiate_many(parsed: list[ParsedExpression], seconds: float = TIME_LIMIT):
    """`differentiate` for several expressions in one request to the child."""
    items = []
    for one in parsed:
        table = _table(one.tree, one.tree_root)
        items.append({"nodes": table, "root": len(table) - 1})
    return WORKER.run(items, seconds) if items else []


def merge_derivatives(graph: Graph, answer: dict) -> list[int]:
    """Add the child's derivative table to `graph`; the five roots in it. Each node
    is checked (a known operation, its arity, arguments defined before it, a number
    for a constant) before it is added; a bad table is an ExpressionError."""
    if not answer.get("ok"):
        raise ExpressionError(str(answer.get("error", "could not differentiate")), None)
    bad = ExpressionError("the differentiation process sent a bad table", None)
    try:
        nodes, roots = answer["nodes"], answer["roots"]
        ids: list[int] = []
        for op, args, value in nodes:
            if (
                _DERIVATIVE_OPS.get(op) != len(args)
                or any(type(a) is not int or not 0 <= a < len(ids) for a in args)
                or type(value) not in (int, float)
            ):
                raise bad
            if op == "const":
                ids.append(graph.const(float(value)))
            else:
                ids.append(graph.add(op, tuple(ids[a] for a in args)))
        if len(roots) != 5 or any(
            type(r) is not int or not 0 <= r < len(ids) for r in roots
        ):
            raise bad
    except (KeyError, TypeError, ValueError) as error:
        if isinstance(error, ExpressionError):
            raise
        raise bad from None
    return [ids[r] for r in roots]


# --- LaTeX of the tree as typed ----------------------------------------------------

_LATEX_FUNCTIONS = {
    "sin": r"\sin",
    "cos": r"\cos",
    "tan": r"\tan",
    "exp": r"\exp",
    "log": r"\log",
    "tanh": r"\tanh",
    "sinh": r"\sinh",
    "cosh": r"\cosh",
    "atan": r"\arctan",
    "min": r"\min",
    "max": r"\max",
}
# Binding strength of what a node prints as: a sum, a product, a power, an atom.
_SUM, _PRODUCT, _POWER, _ATOM = 1, 2, 3, 4


def latex(parsed: ParsedExpression) -> str:
    """f as typed, in LaTeX: x/y as a fraction, sqrt and abs as their signs,
    parentheses only where the grammar needs them (iterative: no recursion)."""
    tree = parsed.tree
    printed: dict[int, tuple[str, int]] = {}
    for i in tree.reachable([parsed.tree_root]):
        op, args, value = tree.nodes[i]
        parts = [printed[a] for a in args]
        printed[i] = _latex_node(op, args, value, parts, tree)
    return printed[parsed.tree_root][0]


def _wrap(part: tuple[str, int], at_least: int, signed: bool = True) -> str:
    """The part, in parentheses if it binds weaker than `at_least` or, unless
    `signed`, begins with a minus (x + (-y), 2 (-x), -(-x))."""
    text, strength = part
    if strength >= at_least and (signed or not text.startswith("-")):
        return text
    return r"\left(" + text + r"\right)"


def _latex_node(op, args, value, parts, tree: Graph) -> tuple[str, int]:
    if op == "const":
        return _latex_number(value), _ATOM
    if op in ("x", "y", "e"):
        return op, _ATOM
    if op == "pi":
        return r"\pi", _ATOM
    if op == "add":
        return f"{parts[0][0]} + {_wrap(parts[1], _PRODUCT, False)}", _SUM
    if op == "sub":
        return f"{parts[0][0]} - {_wrap(parts[1], _PRODUCT, False)}", _SUM
    if op == "neg":  # -x y is (-x) y and -(x y) alike: it prints as a product
        return "-" + _wrap(parts[0], _PRODUCT, False), _PRODUCT
    if op == "mul":
        left, right = _wrap(parts[0], _PRODUCT), _wrap(parts[1], _POWER, False)
        # Juxtaposition, except where two numbers would run together.
        joint = r" \cdot " if right[:1].isdigit() else " "
        return left + joint + right, _PRODUCT
    if op == "div":
        return r"\frac{" + parts[0][0] + "}{" + parts[1][0] + "}", _ATOM
    if op == "pow":
        return _wrap(parts[0], _ATOM) + "^{" + parts[1][0] + "}", _POWER
    if op == "sqrt":
        return r"\sqrt{" + parts[0][0] + "}", _ATOM
    if op == "abs":
        return r"\left|" + parts[0][0] + r"\right|", _ATOM
    if op in ("min", "max"):
        # min(min(a, b), c), as the parser pairs min(a, b, c), prints as one.
        left_op = tree.nodes[args[0]][0]
        inner = parts[0][0]
        prefix = _LATEX_FUNCTIONS[op] + r"\left("
        if left_op == op and inner.startswith(prefix):
            inner = inner[len(prefix) : -len(r"\right)")]
        return f"{prefix}{inner}, {parts[1][0]}" + r"\right)", _ATOM
    return _LATEX_FUNCTIONS[op] + r"\left(" + parts[0][0] + r"\right)", _ATOM


def _latex_number(value: float) -> str:
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = repr(value)
    if "e" in text:
        mantissa, exponent = text.split("e")
        return mantissa + r" \cdot 10^{" + str(int(exponent)) + "}"
    return text


# --- Step 6 and the surface -------------------------------------------------------


@dataclass(frozen=True, eq=False)
class ParsedSurface:
    """A typed surface, ready for the kernels (through `kernel_params`) and, until
    those know it, evaluated here by the NumPy reference interpreter.

    Attributes:
        typed: the text as given; `text` normalized.
        latex: f in LaTeX, as typed (`latex`).
        expression: the parse (`ParsedExpression`).
        graph: f and its derivatives, one shared DAG.
        value_program, value_grad_program, hessian_program: the compiled programs.
        kernel_params: the three programs packed (``landscapes._program.pack``).
        bounds: ``((xmin, xmax), (ymin, ymax))``, the view.
        default_start: a point of the view where f and its gradient are finite.
    """

    typed: str
    text: str
    latex: str
    expression: ParsedExpression = field(repr=False)
    graph: Graph = field(repr=False)
    value_program: Program = field(repr=False)
    value_grad_program: Program = field(repr=False)
    hessian_program: Program = field(repr=False)
    kernel_params: np.ndarray = field(repr=False)
    bounds: tuple[tuple[float, float], tuple[float, float]]
    default_start: tuple[float, float]

    def value(self, x, y):
        """f(x, y); broadcasts over arrays, a float for scalars."""
        (f,) = _evaluate(self.value_program, x, y)
        return f

    def value_grad(self, x, y):
        """(f, ∂f/∂x, ∂f/∂y)."""
        return _evaluate(self.value_grad_program, x, y)

    def grad(self, x, y):
        """(∂f/∂x, ∂f/∂y)."""
        _, gx, gy = self.value_grad(x, y)
        return gx, gy

    def hessian(self, x, y) -> np.ndarray:
        """The 2x2 Hessian; shape (..., 2, 2) for array input."""
        hxx, hxy, hyy = (
            np.asarray(h) for h in _evaluate(self.hessian_program, x, y, scalars=False)
        )
        out = np.empty(hxx.shape + (2, 2))
        out[..., 0, 0] = hxx
        out[..., 0, 1] = hxy
        out[..., 1, 0] = hxy
        out[..., 1, 1] = hyy
        return out


def _evaluate(program: Program, x, y, scalars: bool = True):
    outputs = _program.evaluate_numpy(program, x, y)
    if scalars and np.ndim(x) == 0 and np.ndim(y) == 0:
        return tuple(float(o) for o in outputs)
    return outputs


def check_bounds(bounds) -> tuple[tuple[float, float], tuple[float, float]]:
    """`bounds` as ((xmin, xmax), (ymin, ymax)) of finite floats, each min < max,
    within ±MAX_ABS_BOUND and at least MIN_VIEW_WIDTH wide; else ExpressionError."""
    if bounds is None:
        return DEFAULT_BOUNDS
    try:
        (x0, x1), (y0, y1) = bounds
        x0, x1, y0, y1 = (float(v) for v in (x0, x1, y0, y1))
    except (TypeError, ValueError):
        raise ExpressionError(
            "bounds must be ((xmin, xmax), (ymin, ymax)), four numbers", None
        ) from None
    for axis, low, high in (("x", x0, x1), ("y", y0, y1)):
        if not (math.isfinite(low) and math.isfinite(high)):
            raise ExpressionError(f"the view's {axis} bounds must be finite", None)
        if max(abs(low), abs(high)) > MAX_ABS_BOUND:
            raise ExpressionError(
                f"the view's {axis} bounds must lie within ±{MAX_ABS_BOUND:g}", None
            )
        if not high - low >= MIN_VIEW_WIDTH:
            raise ExpressionError(
                f"the view's {axis} bounds must be increasing, at least "
                f"{MIN_VIEW_WIDTH:g} apart (got {low:g}, {high:g})",
                None,
            )
    return ((x0, x1), (y0, y1))


def check_start(start, bounds) -> tuple[float, float]:
    """`start` as two finite floats inside `bounds`; else ExpressionError."""
    try:
        x, y = (float(v) for v in start)
    except (TypeError, ValueError):
        raise ExpressionError("start must be two numbers (x, y)", None) from None
    (x0, x1), (y0, y1) = bounds
    if not (math.isfinite(x) and math.isfinite(y)):
        raise ExpressionError("start must be finite", None)
    if not (x0 <= x <= x1 and y0 <= y <= y1):
        raise ExpressionError(
            f"start ({x:g}, {y:g}) lies outside the view "
            f"[{x0:g}, {x1:g}] x [{y0:g}, {y1:g}]",
            None,
        )
    return (x, y)


# Where a default start is looked for, as fractions of the view (first the
# upper-left quarter point, where Rosenbrock's own start lies), then a 9x9 grid.
_START_FRACTIONS = [(0.25, 0.75), (0.75, 0.75), (0.25, 0.25), (0.75, 0.25)] + sorted(
    ((i / 8, j / 8) for i in range(1, 8) for j in range(1, 8)),
    key=lambda f: (f[0] - 0.25) ** 2 + (f[1] - 0.75) ** 2,
)


def default_start(value_grad_program: Program, bounds) -> tuple[float, float]:
    """The first candidate point of the view where f and its gradient are finite."""
    (x0, x1), (y0, y1) = bounds
    fx = np.array([f[0] for f in _START_FRACTIONS])
    fy = np.array([f[1] for f in _START_FRACTIONS])
    xs = x0 + fx * (x1 - x0)
    ys = y0 + fy * (y1 - y0)
    f, gx, gy = _program.evaluate_numpy(value_grad_program, xs, ys)
    finite = np.isfinite(f) & np.isfinite(gx) & np.isfinite(gy)
    if not finite.any():
        raise ExpressionError(
            "f(x, y) or its gradient is not finite anywhere on a grid over the view "
            f"[{x0:g}, {x1:g}] x [{y0:g}, {y1:g}]; choose other bounds",
            None,
        )
    k = int(np.argmax(finite))
    return (float(xs[k]), float(ys[k]))


def parse_surface(text, bounds=None, start=None) -> ParsedSurface:
    """A typed f(x, y) as a surface: steps 1-6 of the module docstring.

    `bounds`: ((xmin, xmax), (ymin, ymax)), default DEFAULT_BOUNDS; `start`: a point
    in the view, default the first of a few candidates where f and its gradient
    are finite. Raises ExpressionError for anything not accepted."""
    view = check_bounds(bounds)
    parsed = parse_expression(text)
    answer = differentiate(parsed)
    graph = Graph(fold=True)
    # A fresh graph: f's nodes, then the derivatives', shared where equal.
    f = _copy(parsed.graph, parsed.root, graph)
    gx, gy, hxx, hxy, hyy = merge_derivatives(graph, answer)
    try:
        value_program = _program.compile_program(graph, [f])
        value_grad_program = _program.compile_program(graph, [f, gx, gy])
        hessian_program = _program.compile_program(graph, [hxx, hxy, hyy])
    except _program.ProgramTooLarge as error:
        raise ExpressionError(
            f"the derivatives are too large to evaluate: {error}"
        ) from None
    point = (
        default_start(value_grad_program, view)
        if start is None
        else check_start(start, view)
    )
    return ParsedSurface(
        typed=text,
        text=parsed.text,
        latex=latex(parsed),
        expression=parsed,
        graph=graph,
        value_program=value_program,
        value_grad_program=value_grad_program,
        hessian_program=hessian_program,
        kernel_params=_program.pack(value_program, value_grad_program, hessian_program),
        bounds=view,
        default_start=point,
    )


def _copy(source: Graph, root: int, target: Graph) -> int:
    """Node `root` of `source` (and what it depends on) added to `target`."""
    ids: dict[int, int] = {}
    for i in source.reachable([root]):
        op, args, value = source.nodes[i]
        ids[i] = (
            target.const(value)
            if op == "const"
            else target.add(op, tuple(ids[a] for a in args))
        )
    return ids[root]
