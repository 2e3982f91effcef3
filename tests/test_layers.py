"""The package is laid out by stage, and every import goes one way: from a stage to itself or an earlier one."""

from __future__ import annotations

import ast
from pathlib import Path

from .conftest import ROOT

PACKAGE = ROOT / "committee_papers"

STAGES = ["sources", "models", "layout", "outputs", "agenda", "pipeline", "reviewing", "commands"]
"""The stage folders in pipeline order (CONTRIBUTING.md, 'The pipeline')."""


def _module(path: Path) -> list[str]:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return parts[:-1] if parts[-1] == "__init__" else parts


def _targets(path: Path, node: ast.AST) -> list[list[str]]:
    """Return the modules of the package an import statement reaches, as dotted parts."""
    if isinstance(node, ast.Import):
        return [alias.name.split(".") for alias in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    if node.level:
        base = _module(path) if path.name == "__init__.py" else _module(path)[:-1]
        base = base[: len(base) - (node.level - 1)] + (node.module.split(".") if node.module else [])
    else:
        base = (node.module or "").split(".")
    if base == ["committee_papers"]:  # from committee_papers import <stage or module>
        return [[*base, alias.name] for alias in node.names]
    return [base]


def _stage(parts: list[str]) -> str | None:
    return parts[1] if len(parts) > 1 and parts[0] == "committee_papers" else None


def _imports() -> list[tuple[Path, int, str, list[str]]]:
    """Return (file, line, its stage, module imported) for every import of the package inside it."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        own = _stage(_module(path))
        if own is None:
            continue  # committee_papers/__init__.py, the public API, may import any stage
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            for target in _targets(path, node):
                if target[0] == "committee_papers":
                    found.append((path, node.lineno, own, target))
    return found


def test_every_module_is_in_a_stage():
    outside = [
        str(path.relative_to(ROOT))
        for path in sorted(PACKAGE.rglob("*.py"))
        if path != PACKAGE / "__init__.py" and _stage(_module(path)) not in STAGES
    ]
    assert outside == [], f"modules in no stage folder ({', '.join(STAGES)}): {outside}"


def test_every_stage_is_a_package_that_says_what_it_does():
    for stage in STAGES:
        init = PACKAGE / stage / "__init__.py"
        assert init.is_file(), f"{init.relative_to(ROOT)} is missing"
        assert ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))), f"{init.relative_to(ROOT)} has no docstring"


def test_each_stage_imports_only_from_itself_and_earlier_stages():
    imports = _imports()
    assert len(imports) > 100  # the scan sees the imports it must judge
    backwards = [
        f"{path.relative_to(ROOT)}:{line}: the {own} stage imports {'.'.join(target)}; "
        f"it may import only from {', '.join(STAGES[: STAGES.index(own) + 1])}"
        for path, line, own, target in imports
        if _stage(target) in STAGES and STAGES.index(_stage(target)) > STAGES.index(own)
    ]
    assert backwards == [], "\n".join(backwards)


def test_the_scan_sees_an_import_going_backwards():
    module = PACKAGE / "sources" / "loader.py"
    tree = ast.parse("from ..commands.cli import main\n")
    targets = [t for node in ast.walk(tree) for t in _targets(module, node)]
    assert targets == [["committee_papers", "commands", "cli"]]
    assert STAGES.index(_stage(targets[0])) > STAGES.index("sources")
