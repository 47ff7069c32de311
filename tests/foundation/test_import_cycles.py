"""No import cycles among the kiosk's own modules (kiosk, kiosk_protocol, kiosk_hub).

The graph is grimp's (the library import-linter is built on), which reads every import statement,
those inside functions and under ``TYPE_CHECKING`` included. Imports grimp cannot see are added
by hand: ``importlib.import_module("literal.name")`` calls anywhere, and the subcommand modules
that ``kiosk/cli/__init__.py`` finds with pkgutil and loads by computed name.

A cycle is reported as the modules it passes through, ``a -> b -> a``. For each import that lies
on some cycle the shortest cycle through it is listed, so every import that has to go is named.

    .venv/bin/python tests/foundation/test_import_cycles.py   # prints the cycles, one per line
"""

from __future__ import annotations

import ast
import importlib.util
from collections import deque
from collections.abc import Iterable
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("kiosk", "kiosk_protocol", "kiosk_hub")

Graph = dict[str, set[str]]


def _present_packages() -> list[str]:
    # kiosk_protocol is new; the test covers it as soon as it exists
    return [p for p in PACKAGES if (ROOT / p / "__init__.py").is_file()]


def _module_path(module: str) -> Path | None:
    spec = importlib.util.find_spec(module)
    return Path(spec.origin) if spec is not None and spec.origin else None


def _literal_import_module_calls(path: Path) -> set[str]:
    """Names passed as a string literal to ``importlib.import_module`` / ``import_module``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and node.args):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        arg = node.args[0]
        if name == "import_module" and isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            found.add(arg.value)
    return found


def cli_subcommand_modules() -> list[str]:
    """The modules ``kiosk.cli.build_parser`` imports by computed name."""
    from kiosk import cli

    return list(cli.subcommand_modules())


def import_graph() -> Graph:
    packages = _present_packages()
    built = grimp.build_graph(*packages, include_external_packages=False, cache_dir=None)
    graph: Graph = {
        m: set(built.find_modules_directly_imported_by(m)) for m in sorted(built.modules)
    }
    ours = tuple(packages)
    for module in list(graph):
        path = _module_path(module)
        if path is None or path.suffix != ".py":
            continue
        for target in _literal_import_module_calls(path):
            if target.split(".")[0] in ours and target in graph:
                graph[module].add(target)
    graph["kiosk.cli"].update(cli_subcommand_modules())
    return graph


def strongly_connected(graph: Graph) -> list[set[str]]:
    """Tarjan's algorithm, iterative; only components with a cycle (2+ modules or a self-import)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[set[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work: list[tuple[str, Iterable[str]]] = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in graph:
                    continue
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1 or node in graph[node]:
                    out.append(component)
    return out


def _shortest_path(graph: Graph, start: str, goal: str, within: set[str]) -> list[str]:
    previous: dict[str, str | None] = {start: None}
    todo = deque([start])
    while todo:
        node = todo.popleft()
        if node == goal:
            path = [node]
            while (back := previous[path[-1]]) is not None:
                path.append(back)
            return path[::-1]
        for child in sorted(graph[node] & within):
            if child not in previous:
                previous[child] = node
                todo.append(child)
    raise AssertionError(f"{goal} is not reachable from {start} inside its component")


def cycles(graph: Graph) -> list[list[str]]:
    """For every import inside a cyclic component, the shortest cycle through it (deduplicated)."""
    found: dict[tuple[str, ...], list[str]] = {}
    for component in strongly_connected(graph):
        for source in sorted(component):
            for target in sorted(graph[source] & component):
                cycle = [source, *_shortest_path(graph, target, source, component)]
                body = cycle[:-1]
                turn = body.index(min(body))  # one spelling per cycle: start at its smallest name
                key = tuple(body[turn:] + body[:turn])
                found.setdefault(key, [*key, key[0]])
    return sorted(found.values(), key=lambda c: (len(c), c))


def describe(cycle: list[str]) -> str:
    return " -> ".join(cycle)


def test_the_graph_sees_function_level_and_importlib_imports() -> None:
    """The checks below are only worth something if the graph has the hidden edges in it."""
    graph = import_graph()
    # kiosk.cli imports its subcommand modules only through importlib
    assert "kiosk.cli.idcard" in graph["kiosk.cli"]
    # kiosk.cli imports its UI starter inside main() only
    assert "kiosk.cli._app" in graph["kiosk.cli"]


def test_cycle_finder_finds_a_known_cycle() -> None:
    graph: Graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"e"}}
    assert cycles(graph) == [["e", "e"], ["a", "b", "c", "a"]]


def test_no_import_cycles() -> None:
    found = cycles(import_graph())
    assert not found, f"{len(found)} import cycle(s):\n" + "\n".join(map(describe, found))


if __name__ == "__main__":
    for line in map(describe, cycles(import_graph())):
        print(line)
