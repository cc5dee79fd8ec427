"""Import cycles and upward imports between stages, from the source alone (ast, nothing imported).

    python tests/import_graph.py [REPO]        (default: the current folder)

Every ``import``/``from … import`` in app/, parsers/, kemu/, widgets/ counts, also the ones
inside functions (a lazy import hides a cycle from Python, not from the design) and under
TYPE_CHECKING. An edge goes to the most specific module that exists (``from parsers import
grid`` → parsers.grid). Stages are ordered (STAGES); an import from an earlier stage into a
later one is "upward". The stage table is docs/architecture.md's order of the
packages. Exit 1 if anything is found; tests/test_imports.py asserts that nothing is.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOTS = ("parsers", "app", "kemu", "widgets")

#: Stages in the order data flows; a module belongs to the stage of its longest matching prefix.
STAGES: list[tuple[str, tuple[str, ...]]] = [
    ("model", ("parsers.model", "parsers.errors", "parsers.amounts", "parsers.ideographs")),
    ("read", ("parsers.read",)),
    ("tables", ("parsers.tables", "parsers.subject_codes", "parsers.catalog")),
    ("identify", ("parsers.identify",)),
    ("evidence", ("parsers.evidence",)),
    ("pipeline", ("parsers", "parsers.report")),
    ("app core", ("app", "app.errors", "app.config", "app.contract")),
    ("matching", ("app.matching",)),
    ("cache", ("app.cache",)),  # extraction and matched reports
    ("checks", ("app.checks",)),
    ("views", ("app.text_views",)),  # reports, matches and findings as text for people
    ("review", ("app.review",)),
    ("export", ("app.export", "app.evaluate")),
    ("front doors", ("app.cli", "app.tui", "widgets", "kemu")),
]


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def collect(root: Path) -> dict[str, Path]:
    modules = {}
    for top in ROOTS:
        for path in sorted((root / top).rglob("*.py")):
            modules[module_name(root, path)] = path
    return modules


def imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.add(resolve(alias.name, modules))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                full = f"{base}.{alias.name}"
                found.add(full if full in modules else resolve(base, modules))
    return {m for m in found if m in modules and m != name}


def resolve(dotted: str, modules: dict[str, Path]) -> str:
    while dotted and dotted not in modules:
        dotted = dotted.rpartition(".")[0]
    return dotted


def stage_of(name: str) -> int | None:
    best: tuple[int, int] | None = None  # (prefix length, stage index)
    for index, (_, prefixes) in enumerate(STAGES):
        for prefix in prefixes:
            if name == prefix or name.startswith(prefix + "."):
                if best is None or len(prefix) > best[0]:
                    best = (len(prefix), index)
    return best[1] if best else None


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), each as one cycle path."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(path_through(sorted(component), graph))

    sys.setrecursionlimit(10_000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def path_through(component: list[str], graph: dict[str, set[str]]) -> list[str]:
    """One cycle inside a component, from its first module back to it (breadth-first)."""
    members = set(component)
    start = component[0]
    previous: dict[str, str] = {}
    queue = [start]
    while queue:
        v = queue.pop(0)
        for w in sorted(graph[v] & members):
            if w == start:
                path = [v]
                while path[-1] != start:
                    path.append(previous[path[-1]])
                return [*reversed(path), start]
            if w not in previous:
                previous[w] = v
                queue.append(w)
    return component


def problems(root: Path) -> tuple[list[list[str]], list[str], list[str]]:
    """(import cycles, upward imports, modules in no stage) of the repository at ``root``."""
    modules = collect(root)
    graph = {name: imports(name, path, modules) for name, path in modules.items()}
    upward = []
    for name, targets in sorted(graph.items()):
        here = stage_of(name)
        for target in sorted(targets):
            there = stage_of(target)
            if here is not None and there is not None and there > here:
                upward.append(f"{name} ({STAGES[here][0]}) → {target} ({STAGES[there][0]})")
    return cycles(graph), upward, sorted(name for name in modules if stage_of(name) is None)


def main(root: Path) -> int:
    loops, upward, unstaged = problems(root)
    print(f"cycles: {len(loops)}")
    for loop in loops:
        print("  " + " → ".join(loop))
    print(f"upward imports: {len(upward)}")
    for line in upward:
        print("  " + line)
    if unstaged:
        print(f"modules in no stage (add them to STAGES): {', '.join(unstaged)}")
    return 1 if loops or upward or unstaged else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()))
