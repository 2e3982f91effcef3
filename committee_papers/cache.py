"""Remember laid-out PDFs by a hash of everything they were made from, so unchanged papers are not laid out twice."""

from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path

from .output import write_atomic

ENGINE = Path(__file__).resolve().parent


def tree_digest(root: Path) -> str:
    """Return a hash of every file under a folder: its relative path and its bytes."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


@lru_cache(maxsize=1)
def engine_digest() -> str:
    """Return a hash of the engine's own code: a new version lays everything out again."""
    return tree_digest(ENGINE)


def inputs_digest(*parts: bytes | str) -> str:
    """Return a hash of a paper's inputs, with the engine's own code among them."""
    digest = hashlib.sha256(engine_digest().encode())
    for part in parts:
        digest.update(part.encode() if isinstance(part, str) else part)
        digest.update(b"\0")
    return digest.hexdigest()


class Manifest:
    """What each paper's and pack's outputs were last made from, kept in output/.cache/manifest.json.

    Hashes, not timestamps: a checkout, a copy or a clock change must not make
    an unchanged paper look new, nor a changed one look old.
    """

    def __init__(self, output: Path, *, forget: bool = False) -> None:
        self.path = output / ".cache" / "manifest.json"
        self.entries: dict[str, str] = {}
        if self.path.is_file() and not forget:
            self.entries = json.loads(self.path.read_text(encoding="utf-8"))

    def fresh(self, name: str, digest: str, targets: list[Path]) -> bool:
        """Return whether outputs made from these inputs are already in place."""
        return self.entries.get(name) == digest and all(target.is_file() for target in targets)

    def record(self, name: str, digest: str | None) -> None:
        """Note what a name's outputs are now made from (None: they must be made again)."""
        if digest is None:
            self.entries.pop(name, None)
        else:
            self.entries[name] = digest

    def save(self) -> None:
        """Keep the manifest for the next build."""
        write_atomic(self.path, json.dumps(self.entries, indent=1, sort_keys=True).encode("utf-8"))


class Fingerprints:
    """The hashes of one build's inputs; each folder of templates is read once per build, not per paper."""

    def __init__(self, templates: Path) -> None:
        self.templates = templates
        self._trees: dict[str, str] = {}

    def council(self, slug: str) -> tuple[str, str]:
        """Return the hashes of the default templates and of one council's theme folder."""
        for name in ("default", slug):
            if name not in self._trees:
                self._trees[name] = tree_digest(self.templates / name)
        return self._trees["default"], self._trees[slug]

    def source(self, digest: str, council: str, *more: str) -> str:
        """Return the hash of a source, its council's templates and anything more it depends on."""
        return inputs_digest(digest, *self.council(council), *more, os.environ.get("SOURCE_DATE_EPOCH", ""))
