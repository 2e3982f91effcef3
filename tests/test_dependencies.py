"""Every module imports from the installed project, and every package it imports is declared."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from pathlib import Path

from .conftest import ROOT

PACKAGE = ROOT / "committee_papers"

# Import names whose distribution on PyPI is called something else.
DISTRIBUTION = {
    "docx": "python-docx",
    "yaml": "pyyaml",
    "pydantic_core": "pydantic-core",
    "pypandoc": "pypandoc-binary",
}


def _declared(group: str | None = None) -> set[str]:
    """Return the normalised names of the distributions pyproject.toml declares (runtime, or one extra)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = project["dependencies"] if group is None else project["optional-dependencies"][group]
    return {_normalise(re.match(r"[A-Za-z0-9._-]+", requirement).group()) for requirement in requirements}


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _third_party_imports(paths: list[Path], own: set[str]) -> dict[str, list[str]]:
    """Return each top-level third-party name imported by these files, with where it is imported."""
    found: dict[str, list[str]] = {}
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top not in own:
                    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
                    found.setdefault(top, []).append(f"{shown}:{node.lineno}")
    return found


def _undeclared(imports: dict[str, list[str]], declared: set[str]) -> list[str]:
    return [
        f"{where[0]}: imports {name}, but {DISTRIBUTION.get(name, name)} is not declared in pyproject.toml"
        for name, where in sorted(imports.items())
        if _normalise(DISTRIBUTION.get(name, name)) not in declared
    ]


def test_every_package_the_engine_imports_is_a_runtime_dependency():
    engine = sorted(PACKAGE.rglob("*.py")) + [ROOT / "build.py"]
    imports = _third_party_imports(engine, own={"committee_papers"})
    assert "holidays" in imports and "docx" in imports  # the scan sees the imports it must judge
    assert _undeclared(imports, _declared()) == []


def test_every_package_the_tests_import_is_declared_for_them():
    imports = _third_party_imports(sorted((ROOT / "tests").rglob("*.py")), own={"committee_papers", "tests"})
    assert _undeclared(imports, _declared() | _declared("test")) == []


def test_every_package_the_benches_import_is_declared_for_them():
    imports = _third_party_imports(sorted((ROOT / "bench").rglob("*.py")), own={"committee_papers", "bench"} | {path.stem for path in (ROOT / "bench").glob("*.py")})
    assert _undeclared(imports, _declared() | _declared("bench")) == []


def test_the_scan_names_a_package_that_is_not_declared(tmp_path):
    module = tmp_path / "module.py"
    module.write_text("import holidays\nfrom docx.shared import Mm\nimport json\n", encoding="utf-8")
    imports = {name: where for name, where in _third_party_imports([module], own=set()).items()}
    assert sorted(imports) == ["docx", "holidays"]
    assert [line.split(": ", 1)[1] for line in _undeclared(imports, {"python-docx"})] == [
        "imports holidays, but holidays is not declared in pyproject.toml"
    ]


def test_every_module_imports_in_a_fresh_interpreter():
    modules = sorted(
        ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__") for path in PACKAGE.rglob("*.py")
    )
    code = (
        "import importlib, sys, traceback\n"
        "for name in sys.argv[1:]:\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except Exception as error:\n"
        "        print(f'{name}: {type(error).__name__}: {error}')\n"
    )
    # -I: only what is installed in this interpreter's environment counts, not the working directory.
    result = subprocess.run([sys.executable, "-I", "-c", code, *modules], capture_output=True, text=True, cwd=ROOT / "tests")
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
