"""A Babel extraction method for Python that reads the syntax tree: it finds message keys Babel's own misses.

Babel's Python extractor reads tokens, so on Python 3.11 it cannot see a call inside an f-string, and it
joins both branches of ``_("a" if x else "b")`` into one string. This one walks ``ast``: a key argument
may be a literal, a conditional of literals, or a name bound in the same file to those or to a loop over
a literal tuple (``for k in ("due", "owner")``). Registered in ``babel.cfg``; keys built from parts
(f-strings) stay invisible and are listed in ``site_builder.i18n.RUNTIME_KEYS``.
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Iterator
from typing import IO, Any

from jinja2.ext import babel_extract

Result = tuple[int, str, Any, list[str]]


def _literals(node: ast.AST, bindings: dict[str, list[ast.AST]], seen: frozenset[str] = frozenset()) -> set[str]:
    """The string values ``node`` can take, as far as literals in the file tell."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _literals(node.body, bindings, seen) | _literals(node.orelse, bindings, seen)
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return set().union(*(_literals(e, bindings, seen) for e in node.elts))
    if isinstance(node, ast.Dict):  # a lookup table of keys: its values
        return set().union(*(_literals(v, bindings, seen) for v in node.values))
    if isinstance(node, ast.Subscript):  # table[x]
        return _literals(node.value, bindings, seen)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get":
        found = _literals(node.func.value, bindings, seen)  # table.get(x, default)
        return found.union(*(_literals(a, bindings, seen) for a in node.args[1:]))
    if isinstance(node, ast.Name) and node.id not in seen:
        values = bindings.get(node.id, [])
        return set().union(*(_literals(v, bindings, seen | {node.id}) for v in values))
    return set()


def _scope_nodes(scope: ast.AST) -> Iterator[ast.AST]:
    """The nodes of a function or module, without those of the functions defined inside it."""
    for child in ast.iter_child_nodes(scope):
        if not isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            yield child
            yield from _scope_nodes(child)


def _bindings(scope: ast.AST) -> dict[str, list[ast.AST]]:
    """Each plain name of a scope with the expressions assigned to it or iterated over into it."""
    bound: dict[str, list[ast.AST]] = {}
    for node in _scope_nodes(scope):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    bound.setdefault(target.id, []).append(node.value)
        elif isinstance(node, ast.For | ast.comprehension) and isinstance(node.target, ast.Name):
            bound.setdefault(node.target.id, []).append(node.iter)
    return bound


def _name(func: ast.AST) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def extract_python_keys(
    fileobj: IO[bytes], keywords: Collection[str], comment_tags: Collection[str], options: dict[str, Any]
) -> Iterator[Result]:
    """Babel extraction method: one result per key a keyword call can receive, positioned as its argument."""
    yield from _extract_python(fileobj, keywords)


def extract_jinja_keys(
    fileobj: IO[bytes], keywords: Collection[str], comment_tags: Collection[str], options: dict[str, Any]
) -> Iterator[Result]:
    """Babel extraction method: Jinja's own (registered beside the Python one so babel.cfg names both)."""
    yield from babel_extract(fileobj, keywords, comment_tags, options)


def _extract_python(fileobj: IO[bytes], keywords: Collection[str]) -> Iterator[Result]:
    tree = ast.parse(fileobj.read())
    scopes = [tree, *(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda))]
    for scope in scopes:
        # A name is looked up in its own function, then at module level (constants, lookup tables).
        bindings = _bindings(scope)
        if scope is not tree:
            for name, values in _bindings(tree).items():
                bindings.setdefault(name, values)
        yield from _calls(scope, bindings, keywords)


def _calls(scope: ast.AST, bindings: dict[str, list[ast.AST]], keywords: Collection[str]) -> Iterator[Result]:
    for node in _scope_nodes(scope):
        funcname = _name(node.func) if isinstance(node, ast.Call) else None
        if funcname is None or funcname not in keywords:
            continue
        assert isinstance(node, ast.Call)
        for position, arg in enumerate(node.args):
            for key in sorted(k for k in _literals(arg, bindings) if k):  # "" is gettext's header, never a key
                # Babel picks the argument its keyword spec names (e.g. Problem:4) and drops the None ones.
                args: list[str | None] = [None] * len(node.args)
                args[position] = key
                yield node.lineno, funcname, tuple(args), []
