"""No import cycles among stardust_tui's modules, counting deferred imports (issue 9).

A function-level ``import`` that closes a cycle hides it from Python at import time but it is still a cycle:
the two modules cannot be understood, tested or layered apart. The graph here is read from the source with
``ast``: every ``import``/``from … import`` anywhere in a module (top level, function, method, ``try``), plus
``importlib.import_module("literal")``. Imports under ``if TYPE_CHECKING:`` are left out: they never run and
only name types for the checker.

Run it as a script to list the cycles: ``python tests/unit/test_import_cycles.py``.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "stardust_tui"


def module_files(root: Path = ROOT) -> dict[str, Path]:
    """Module name -> file, for every module of the package (a package is its ``__init__``)."""
    out: dict[str, Path] = {}
    for path in sorted((root / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _walk(node: ast.AST) -> Iterator[ast.AST]:
    """Every node below ``node`` except the bodies of ``if TYPE_CHECKING:`` (its ``else`` still counts)."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and _is_type_checking(child.test):
            for other in child.orelse:
                yield other
                yield from _walk(other)
            continue
        yield child
        yield from _walk(child)


def _resolve(module: str, is_package: bool, level: int, name: str | None) -> str:
    if not level:
        return name or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join([*base, name] if name else base)


def imports_of(module: str, path: Path, known: set[str]) -> dict[str, int]:
    """The package's modules ``module`` imports -> the first line that does, deferred imports included."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    is_package = path.name == "__init__.py"
    found: dict[str, int] = {}

    def add(target: str, line: int) -> None:
        # "a.b.c" where only "a.b" is a module (c is a name in it): the deepest module that exists
        while target and target not in known:
            target = target.rpartition(".")[0]
        if target and target != module:
            found.setdefault(target, line)

    for node in _walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(PACKAGE):
                    add(alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(module, is_package, node.level, node.module)
            if not base.startswith(PACKAGE):
                continue
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                add(sub if sub in known else base, node.lineno)
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr == "import_module" and node.args
              and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
              and node.args[0].value.startswith(PACKAGE)):
            add(node.args[0].value, node.lineno)
    return found


def import_graph(root: Path = ROOT) -> dict[str, dict[str, int]]:
    files = module_files(root)
    known = set(files)
    return {name: imports_of(name, path, known) for name, path in files.items()}


def cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan, iterative), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, {})))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    out.append(sorted(component))
    return sorted(out)


def describe(graph: dict[str, dict[str, int]], component: list[str]) -> str:
    members = set(component)
    lines = [f"cycle of {len(component)}: {', '.join(component)}"]
    for a in component:
        for b, line in sorted(graph[a].items()):
            if b in members:
                lines.append(f"  {a} -> {b} (line {line})")
    return "\n".join(lines)


# --- tests ------------------------------------------------------------------------------------------------------


def test_the_package_has_no_import_cycles_counting_deferred_imports() -> None:
    graph = import_graph()
    found = cycles(graph)
    assert not found, "\n".join(describe(graph, c) for c in found)


def test_the_finder_sees_a_cycle_closed_by_a_function_level_import(tmp_path: Path) -> None:
    pkg = tmp_path / PACKAGE
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from stardust_tui.sub import b\n")
    (pkg / "sub" / "b.py").write_text("def f():\n    from .. import c\n")
    (pkg / "c.py").write_text("import importlib\n\ndef g():\n    importlib.import_module('stardust_tui.a')\n")
    (pkg / "d.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from stardust_tui import a\n")
    (pkg / "e.py").write_text("from stardust_tui.d import x\n")
    graph = import_graph(tmp_path)
    assert graph[f"{PACKAGE}.sub.b"] == {f"{PACKAGE}.c": 2}
    assert graph[f"{PACKAGE}.d"] == {}  # a TYPE_CHECKING import never runs
    assert cycles(graph) == [[f"{PACKAGE}.a", f"{PACKAGE}.c", f"{PACKAGE}.sub.b"]]
    (pkg / "c.py").write_text("")
    assert cycles(import_graph(tmp_path)) == []


if __name__ == "__main__":
    g = import_graph()
    found = cycles(g)
    for c in found:
        print(describe(g, c))
    print(f"{len(found)} cycle(s) among {len(g)} modules")
    sys.exit(1 if found else 0)
