"""A project built once, for hostile inputs: break one file, build, read the message, put the file back."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from committee_papers.commands.cli import main

from ..conftest import MINI_REPORT, make_project

PAPER = "content/cabinet/mini.yaml"
OTHER = "content/cabinet/other.yaml"
"""A second paper, of another council, that a broken Leicester template or theme must not stop."""
OUTPUTS = [f"output/leicester-city/cabinet/mini.{ext}" for ext in ("pdf", "docx", "html")]


def built_project(folder: Path) -> Path:
    """Return a project of two papers, built once."""
    root = make_project(folder, {PAPER: MINI_REPORT, OTHER: MINI_REPORT.replace("leicester-city", "harborough")})
    assert main(["--root", str(root), "--jobs", "1", "--quiet", "build"]) == 0
    return root


def outputs(root: Path) -> dict[str, bytes]:
    """Return the bytes of the paper's last good outputs."""
    return {name: (root / name).read_bytes() for name in OUTPUTS}


@contextmanager
def replaced(path: Path, content: str | bytes) -> Iterator[None]:
    """Put content in a file (or a new file) for the length of a case, then put back what was there."""
    before = path.read_bytes() if path.exists() else None
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    try:
        yield
    finally:
        if before is None:
            path.unlink()
        else:
            path.write_bytes(before)


def build_with(root: Path, path: str, content: str | bytes, capsys, *options: str) -> tuple[int, str]:
    """Build with one file's content replaced; return the exit status and what was printed on stderr."""
    capsys.readouterr()
    with replaced(root / path, content):
        status = main(["--root", str(root), "--jobs", "1", "--quiet", "build", *options])
    return status, capsys.readouterr().err


def refused(built: tuple[Path, dict[str, bytes]], path: str, content: str | bytes, capsys) -> str:
    """Build the paper with one file replaced; check it failed with no traceback and kept its outputs; return the message."""
    root, before = built
    status, err = build_with(root, path, content, capsys, str(root / PAPER))
    assert status == 1
    assert "Traceback" not in err
    assert outputs(root) == before
    return err


def place(text: str, piece: str) -> str:
    """Return line:column of where a piece of a file starts, as an editor counts them."""
    start = text.index(piece)
    return f"{text.count(chr(10), 0, start) + 1}:{start - text.rfind(chr(10), 0, start)}"
