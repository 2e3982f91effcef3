"""Remember laid-out PDFs by a hash of everything they were made from, so unchanged papers are not laid out twice."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from .output import write_atomic

ENGINE = Path(__file__).resolve().parent


@lru_cache(maxsize=None)
def tree_digest(root: Path) -> str:
    """Return a hash of every file under a folder: its relative path and its bytes."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def inputs_digest(*parts: bytes | str) -> str:
    """Return a hash of a paper's inputs, with the engine's own code among them."""
    digest = hashlib.sha256(tree_digest(ENGINE).encode())
    for part in parts:
        digest.update(part.encode() if isinstance(part, str) else part)
        digest.update(b"\0")
    return digest.hexdigest()


class PdfCache:
    """Laid-out PDFs under output/.cache, named by the hash of their inputs."""

    def __init__(self, output: Path) -> None:
        self.folder = output / ".cache" / "pdf"

    def get(self, key: str) -> bytes | None:
        """Return the PDF made from these inputs before, if there is one."""
        path = self.folder / f"{key}.pdf"
        return path.read_bytes() if path.is_file() else None

    def put(self, key: str, pdf: bytes) -> None:
        """Keep a PDF for the next build."""
        write_atomic(self.folder / f"{key}.pdf", pdf)
