"""Remember what earlier builds made and checked, by hashes of what it was made from, so no work is done twice.

Hashes, never timestamps: a checkout, a copy or a clock change must not make
an unchanged paper look new, nor a changed one look old. Everything is kept
under output/.cache/, which a clerk may delete at any time.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from .output import write_atomic
from .project import Config, Report

ENGINE = Path(__file__).resolve().parent


def file_digest(path: Path) -> str | None:
    """Return the hash of a file's bytes, or None if it is gone."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def file_digests(root: Path) -> dict[Path, str]:
    """Return the hash of every file under a folder, by path, in path order."""
    paths = sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    return {path: digest for path in paths if (digest := file_digest(path)) is not None}


def tree_digest(root: Path, files: dict[Path, str] | None = None) -> str:
    """Return a hash of every file under a folder, its relative path and its bytes' hash; `files` spares reading them again."""
    digest = hashlib.sha256()
    for path, file in (file_digests(root) if files is None else files).items():
        if path.is_relative_to(root):
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + file.encode() + b"\0")
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
    """What each paper's and pack's outputs were last made from, kept in output/.cache/manifest.json."""

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
    """The hashes of one build's inputs, each file read once however many papers, packs and checks ask.

    The snapshot, the remembered checks and the plan all ask for the same
    hashes: of content/ and its files, of templates/ and each council's
    theme folder in it.
    """

    def __init__(self, config: Config) -> None:
        self.config = config
        self._files: dict[Path, dict[Path, str]] = {}
        self._folders: dict[Path, str] = {}

    def _under(self, root: Path) -> dict[Path, str]:
        root = root.resolve()
        if root not in self._files:
            self._files[root] = file_digests(root)
        return self._files[root]

    def _folder(self, folder: Path, root: Path) -> str:
        folder = folder.resolve()
        if folder not in self._folders:
            self._folders[folder] = tree_digest(folder, self._under(root))
        return self._folders[folder]

    def file(self, path: Path) -> str | None:
        """Return the hash of a file in content/ as this build first read it (any other file, as it is now)."""
        return self._under(self.config.content).get(path.resolve()) or file_digest(path)

    def content(self) -> str:
        """Return the hash of every source and data file."""
        return self._folder(self.config.content, self.config.content)

    def templates(self) -> str:
        """Return the hash of every template and theme."""
        return self._folder(self.config.templates, self.config.templates)

    def council(self, slug: str) -> tuple[str, str]:
        """Return the hashes of the default templates and of one council's theme folder."""
        templates = self.config.templates
        return self._folder(templates / "default", templates), self._folder(templates / slug, templates)

    def source(self, digest: str, council: str, *more: str) -> str:
        """Return the hash of a source, its council's templates and anything more it depends on."""
        return inputs_digest(digest, *self.council(council), *more, os.environ.get("SOURCE_DATE_EPOCH", ""))


@dataclass
class _Passed:
    """A paper as it passed its checks, and the hashes of everything the checks read."""

    source: str
    council: str
    theme: str
    data: list[tuple[str, str]]
    """Each data file the paper names: its path and the hash of its bytes."""
    paper: Any


class Checks:
    """Papers that passed validation, kept in output/.cache/checked.pickle by the hash of what validation read.

    Loading and validating every paper is most of what a rebuild costs when
    only one paper changed; a paper whose source, data files, theme and
    engine are unchanged passed before and passes now. Only passes are kept:
    a paper with problems is checked every time, so its problems are always
    reported.
    """

    def __init__(self, output: Path, *, forget: bool = False) -> None:
        self.path = output / ".cache" / "checked.pickle"
        self.passed: dict[str, _Passed] = {}
        if self.path.is_file() and not forget:
            try:
                engine, passed = pickle.loads(self.path.read_bytes())  # noqa: S301 - our own cache, under output/
            except Exception:  # a cache from another version of Python or of the models: check everything again
                engine, passed = None, {}
            if engine == engine_digest():
                self.passed = passed

    def get(self, name: str, path: Path, prints: Fingerprints) -> tuple[Any, Any] | None:
        """Return a paper's source (path, name and hash, without its values) and model, if its check still holds."""
        from .loader import Source

        passed = self.passed.get(name)
        if passed is None or passed.source != prints.file(path) or passed.theme != prints.council(passed.council)[1]:
            return None
        if any(prints.file(Path(data)) != known for data, known in passed.data):
            return None
        return Source(path, name, None, passed.source), passed.paper

    def put(self, source: Any, paper: Any, theme_digest: str) -> None:
        """Remember a paper that passed."""
        data = [(str(s.path), s.digest) for s, _ in paper.data_sources()]
        self.passed[source.name] = _Passed(source.digest, paper.council, theme_digest, data, paper)

    def save(self) -> None:
        """Keep what passed for the next build."""
        write_atomic(self.path, pickle.dumps((engine_digest(), self.passed), protocol=pickle.HIGHEST_PROTOCOL))


class Layouts:
    """A pack's front sheets and page stamps from the last build, by a hash of what each was laid out from.

    When one paper of a pack changes without changing its length, the front
    sheet and the page stamps are the same as last time: reading them back
    costs nothing, laying them out again most of what binding the pack costs.
    """

    def __init__(self, folder: Path, templates: tuple[str, str]) -> None:
        self.folder = folder
        self.templates = templates
        self.used: set[Path] = set()

    def get(self, kind: str, source: str, lay_out: Callable[[], bytes]) -> bytes:
        """Return the layout of a source (dialect HTML or the stamps' page), laying it out only if it is new."""
        path = self.folder / f"{kind}-{inputs_digest(source, *self.templates)[:32]}.pdf"
        self.used.add(path)
        if path.is_file():
            return path.read_bytes()
        data = lay_out()
        write_atomic(path, data)
        return data

    def forget_the_rest(self) -> None:
        """Delete the layouts this build did not use: a pack keeps only its latest."""
        for path in self.folder.glob("*.pdf"):
            if path not in self.used:
                path.unlink()


class Snapshot:
    """Every input of the last good build, hashed, with what it reported: kept in output/.cache/snapshot.json.

    A build whose sources, templates, engine and drafts' git state all hash
    as they did has nothing to do, and says so without reading a paper. The
    inputs are hashed before the build reads them, so a save made during a
    build is seen by the next one.
    """

    def __init__(self, config: Config, prints: Fingerprints) -> None:
        self.config = config
        self.path = config.output / ".cache" / "snapshot.json"
        self.inputs = inputs_digest(
            prints.content(), prints.templates(), str(config.root.resolve()),
            os.environ.get("SOURCE_DATE_EPOCH", ""), *sorted(p.as_posix() for p in config.papers),
        )

    def unchanged(self) -> Report | None:
        """Return the last build's report, all up to date, if nothing it read has changed since; else None."""
        if self.config.force or not self.path.is_file():
            return None
        last = json.loads(self.path.read_text(encoding="utf-8"))
        if last["inputs"] != self._with_git(last["drafts"]):
            return None
        if not all((self.config.root / target).is_file() for target in last["targets"]):
            return None
        return Report(checked=list(last["up_to_date"]), up_to_date=list(last["up_to_date"]), notices=list(last["notices"]))

    def record(self, report: Report, drafts: list[Path], outputs: dict[str, list[Path]]) -> None:
        """Remember a build that succeeded; forget any earlier one if this build failed, so its problems are shown again."""
        if not report.ok:
            self.path.unlink(missing_ok=True)
            return
        root = self.config.root.resolve()
        draft_names = sorted({p.resolve().relative_to(root).as_posix() for p in drafts})
        last = {
            "inputs": self._with_git(draft_names),
            "drafts": draft_names,
            "targets": sorted(p.resolve().relative_to(root).as_posix() for paths in outputs.values() for p in paths),
            "up_to_date": list(outputs),
            "notices": report.notices,
        }
        write_atomic(self.path, json.dumps(last, indent=1).encode("utf-8"))

    def _with_git(self, drafts: list[str]) -> str:
        """Return the hash of the inputs with git's view of the drafts: a commit changes a draft's stamp."""
        if not drafts:
            return self.inputs
        command = ["git", "status", "--porcelain=v2", "--branch", "--", *drafts]
        try:
            done = subprocess.run(command, cwd=self.config.root, capture_output=True, text=True, check=False)
        except OSError:  # no git: drafts are stamped "not under version control", whatever happens
            return self.inputs
        return inputs_digest(self.inputs, str(done.returncode), done.stdout)
