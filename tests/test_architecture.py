"""The layout itself: no import cycles between scratchnet's modules, no module or class too long to read.

The import graph is built from the source (every ``import``, at the top of a module or inside a function), so an
import hidden inside a function to dodge a cycle is still a cycle here.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "scratchnet"
MAX_MODULE_LINES = 550  # "about 500"
MAX_CLASS_LINES = 360


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imported_modules(name: str, path: Path) -> set[str]:
    """The scratchnet modules ``name`` imports, anywhere in its source."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                # `from scratchnet import losses` imports the module scratchnet.losses; `from
                # scratchnet.layers import Dense` imports scratchnet.layers.
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base)
    return {m for m in found if m in MODULES and m != name}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node):
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_no_import_cycles_between_modules():
    # The package's __init__ only re-exports (lazily, by name): it is the root, not part of any cycle.
    graph = {name: imported_modules(name, path) - {"scratchnet"} for name, path in MODULES.items()}
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_the_cycle_finder_finds_cycles():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None


@pytest.mark.parametrize("name", sorted(MODULES))
def test_modules_and_classes_stay_short_enough_to_read(name):
    source = MODULES[name].read_text(encoding="utf-8")
    assert source.count("\n") <= MAX_MODULE_LINES, f"{name} has {source.count(chr(10))} lines: split it by concept"
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ClassDef):
            length = node.end_lineno - node.lineno + 1
            assert length <= MAX_CLASS_LINES, f"{name}.{node.name} is {length} lines long"


def test_one_positive_int_helper():
    definitions = [
        f"{name}.{node.name}"
        for name, path in MODULES.items()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef) and "positive_int" in node.name
    ]
    assert definitions == ["scratchnet.checks.positive_int"]


# --- the floor plan: the core free of the tools, CONTRIBUTING's table matching the tree ---------------------------
ROOT = PACKAGE.parent
TOOLS = ("scratchnet.explain", "scratchnet.plotting", "scratchnet.exercises", "scratchnet.gradcheck")
TOOL_CALLBACKS = ("scratchnet.callbacks.layer_stats", "scratchnet.callbacks.live_plot")
# The core's two conveniences that load a tool on first use, inside the method (never at import).
LAZY_TOOL_IMPORTS = {
    ("scratchnet.models.model", "scratchnet.explain"),
    ("scratchnet.callbacks.history", "scratchnet.plotting"),
}


def is_tool(module: str) -> bool:
    return module.startswith(TOOLS) or module in TOOL_CALLBACKS


def test_importing_the_core_loads_no_tool_and_no_matplotlib():
    code = (
        "import sys, scratchnet.models, scratchnet.models.training, scratchnet.layers, scratchnet.callbacks\n"
        "import scratchnet as sn\n"
        "m = sn.Sequential([sn.layers.Dense(2, input_shape=(3,))]); m.compile('adam', 'mse')\n"
        "print(','.join(sorted(n for n in sys.modules if n.startswith(('scratchnet', 'matplotlib')))))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    loaded = loaded.split(",")
    assert not [m for m in loaded if is_tool(m) or m.startswith("matplotlib")], loaded
    assert "scratchnet.models.training" in loaded  # the test looked at a real import


def test_the_core_imports_no_tool_except_the_two_lazy_conveniences():
    core = [
        name for name in MODULES if not is_tool(name) and name.startswith(("scratchnet.models", "scratchnet.layers"))
    ]
    core += [
        name for name in MODULES if name.startswith(("scratchnet.callbacks", "scratchnet.speed")) and not is_tool(name)
    ]
    core += ["scratchnet.losses", "scratchnet.fused", "scratchnet.optimizers", "scratchnet.metrics", "scratchnet.hints"]
    found = {(name, m) for name in core for m in imported_modules(name, MODULES[name]) if is_tool(m)}
    assert found <= LAZY_TOOL_IMPORTS, f"the core imports a tool: {sorted(found - LAZY_TOOL_IMPORTS)}"


def contributing_paths() -> set[str]:
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    section = text[text.index("## The layout") : text.index("## The layer contract")]
    return set(re.findall(r"`(scratchnet/[\w/]*(?:\.py|/))`", section))


def test_every_module_is_in_contributings_layout_table():
    paths = contributing_paths()
    packages = {p for p in paths if p.endswith("/")}
    missing = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        in_listed_package = any(rel.startswith(pkg) for pkg in packages)
        if rel not in paths and not in_listed_package:
            missing.append(rel)
    assert not missing, f"CONTRIBUTING.md's layout table lacks: {missing}"


def test_every_path_in_contributings_layout_table_exists():
    assert not [p for p in contributing_paths() if not (ROOT / p).exists()]


def test_the_top_level_stays_short():
    entries = [p.name for p in PACKAGE.iterdir() if p.name != "__pycache__"]
    assert len(entries) <= 32, f"scratchnet/ has {len(entries)} entries: group them into packages by family"
