"""Remember what earlier builds made, by hashes of what it was made from, so no work is done twice.

Hashes, never timestamps: a checkout, a copy or a clock change must not make
an unchanged paper look new, nor a changed one look old. Everything is kept
as JSON (or PDFs the build laid out itself) in .cache/ at the project root,
outside the output/ a council publishes, keyed by paths relative to the
project, so a copy of the project trusts only what its own files hash to.
A clerk may delete .cache/ at any time; a damaged one is discarded with a
notice. Nothing in it is exempt: papers are never remembered, only hashes
and the names of outputs.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..sources.errors import relative
from ..sources.project import Config, Report, walk
from .output import published_files, write_atomic

ENGINE = Path(__file__).resolve().parents[__name__.count(".") - 1]
"""The package's folder, whichever subfolder this module sits in: its files are part of every cache key."""

FORMAT = 2
"""The shape of the cache files; a file of another shape is discarded."""


def file_digest(path: Path) -> str | None:
    """Return the hash of a file's bytes, or None if it is gone."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def file_digests(root: Path, project: Path | None = None) -> dict[Path, str]:
    """Return the hash of every file under a folder, by resolved path, in path order; nothing outside `project` is read."""
    root = root.resolve()  # so that only a link's path needs resolving
    files, _ = walk(root, project or root)
    paths = sorted(resolved for p in files if "__pycache__" not in p.parts and (resolved := _resolved(p)) is not None)
    return {path: digest for path in paths if (digest := file_digest(path)) is not None}


def _resolved(path: Path) -> Path | None:
    """Return where a path found under a resolved folder leads, or None for links round in a loop, which hold nothing to hash."""
    if not path.is_symlink():
        return path
    try:
        return path.resolve()
    except RuntimeError:
        return None


def tree_digest(root: Path, files: dict[Path, str] | None = None) -> str:
    """Return a hash of every file under a folder, its relative path and its bytes' hash; `files` spares reading them again."""
    root = root.resolve()
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


class Store:
    """The build's cache folder, .cache/ at the project root: JSON files, each checked for its shape when read."""

    def __init__(self, root: Path, notices: list[str]) -> None:
        self.root = root
        self.folder = root / ".cache"
        self.notices = notices

    def read(self, name: str, valid: Callable[[Any], bool]) -> Any | None:
        """Return what a cache file holds, or None (with a notice) if it is missing, damaged or not ours."""
        path = self.folder / name
        if not self._usable_folder():
            return None
        if not path.exists():
            return None
        try:
            kept = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as err:
            return self._discard(path, f"it cannot be read ({type(err).__name__})")
        if not isinstance(kept, dict) or kept.get("format") != FORMAT or "data" not in kept:
            return self._discard(path, "it is not a cache this version of the engine wrote")
        if kept.get("engine") != engine_digest():  # what it remembers was made by other code
            return self._discard(path, "another version of the engine wrote it")
        if not valid(kept["data"]):
            return self._discard(path, "it does not hold what it should")
        return kept["data"]

    def write(self, name: str, data: Any) -> None:
        """Keep data for the next build (a cache that cannot be written is said, and the build goes on)."""
        if not self._usable_folder():
            return
        try:
            write_atomic(self.folder / name, json.dumps({"format": FORMAT, "engine": engine_digest(), "data": data}, indent=1, sort_keys=True).encode("utf-8"))
        except OSError as err:
            self.notices.append(f"{self._name(self.folder / name)}: not kept for the next build: {err.strerror or err}")

    def forget(self, name: str) -> None:
        """Delete a cache file, so the next build starts afresh."""
        try:
            (self.folder / name).unlink(missing_ok=True)
        except OSError:  # a folder where the file was: the next read discards it
            pass

    def folder_for(self, name: str) -> Path | None:
        """Return a folder in the cache, made if need be, or None (with a notice) if it cannot be."""
        folder = self.folder / name
        if not self._usable_folder():
            return None
        for part in [*reversed(Path(name).parents[:-1]), Path(name)]:  # packs/, then packs/<meeting>/
            if (self.folder / part).exists() and not (self.folder / part).is_dir():
                self._discard(self.folder / part, "it is a file where a folder should be")
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            self.notices.append(f"{self._name(folder)}: not kept for the next build: {err.strerror or err}")
            return None
        return folder

    def _usable_folder(self) -> bool:
        """Tell whether .cache/ is a folder or can be one: a file in its place is discarded."""
        if self.folder.is_symlink() or (self.folder.exists() and not self.folder.is_dir()):
            self._discard(self.folder, "it is not a folder of this project")
        return not self.folder.exists() or self.folder.is_dir()

    def _discard(self, path: Path, why: str) -> None:
        """Delete a damaged cache file or folder and say so in one line."""
        try:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink(missing_ok=True)
        except OSError as err:
            self.notices.append(f"{self._name(path)}: a damaged cache that could not be deleted ({err.strerror or err}): delete it by hand")
            return None
        self.notices.append(f"{self._name(path)}: discarded the cache: {why}; what it remembered is worked out again")
        return None

    def _name(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix() if path.is_relative_to(self.root) else path.as_posix()


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _manifest_shape(data: Any) -> bool:
    return isinstance(data, dict) and all(
        isinstance(name, str) and isinstance(entry, dict) and isinstance(entry.get("digest"), (str, type(None))) and _strings(entry.get("outputs"))
        and _strings(entry.get("binds", []))
        for name, entry in data.items()
    )


class Manifest:
    """What each paper's and pack's outputs were last made from, and which files they are: .cache/manifest.json.

    The files are what lets a build remove the outputs no source makes any
    more, and only those: a paper's last good outputs stay while it fails.
    """

    FILE = "manifest.json"

    def __init__(self, store: Store, *, forget: bool = False) -> None:
        self.store = store
        kept = store.read(self.FILE, _manifest_shape)
        self.entries: dict[str, dict[str, Any]] = kept if kept is not None else {}
        if forget:
            self.entries = {name: {**entry, "digest": None} for name, entry in self.entries.items()}

    def fresh(self, name: str, digest: str, targets: list[Path]) -> bool:
        """Return whether outputs made from these inputs are already in place."""
        entry = self.entries.get(name)
        return entry is not None and entry["digest"] == digest and all(target.is_file() for target in targets)

    def record(self, name: str, digest: str | None, outputs: list[str] | None = None) -> None:
        """Note what a name's outputs are now made from (None: they must be made again) and, if given, which files they are."""
        self.entries.setdefault(name, {"digest": None, "outputs": []})["digest"] = digest
        if outputs is not None:
            self.record_outputs(name, outputs)

    def record_outputs(self, name: str, outputs: list[str]) -> None:
        """Note which files a name's outputs now are, whatever they were made from."""
        self.entries.setdefault(name, {"digest": None, "outputs": []})["outputs"] = sorted(outputs)

    def record_binds(self, name: str, papers: set[str]) -> None:
        """Note the papers a meeting's pack binds, so that a meeting that later fails to load is still known to bind them."""
        self.entries.setdefault(name, {"digest": None, "outputs": []})["binds"] = sorted(papers)

    def binds(self, name: str) -> set[str]:
        """Return the papers a meeting's pack bound when it last loaded (none for a paper, or when not known)."""
        return set(self.entries.get(name, {}).get("binds", []))

    def outputs(self, name: str) -> list[str] | None:
        """Return the files a name's outputs were last written to, as paths from the project root; None if it is not known."""
        entry = self.entries.get(name)
        return list(entry["outputs"]) if entry else None

    def keep_only(self, names: set[str]) -> None:
        """Forget every source not in names: a full build's sources are all there are."""
        self.entries = {name: entry for name, entry in self.entries.items() if name in names}

    def save(self) -> None:
        """Keep the manifest for the next build."""
        self.store.write(self.FILE, self.entries)


class Fingerprints:
    """The hashes of one build's inputs, each file read once however many papers, packs and checks ask.

    The snapshot and the plan ask for the same hashes: of content/ and its
    files, of templates/ and each council's theme folder in it. A file whose
    path leads outside the project is never read (checking refuses it).
    """

    def __init__(self, config: Config) -> None:
        self.config = config
        self._files: dict[Path, dict[Path, str]] = {}
        self._folders: dict[Path, str] = {}

    def _under(self, root: Path) -> dict[Path, str]:
        root = root.resolve()
        if root not in self._files:
            self._files[root] = file_digests(root, self.config.root)
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


class Layouts:
    """A pack's front sheets and page stamps from the last build, by a hash of what each was laid out from.

    When one paper of a pack changes without changing its length, the front
    sheet and the page stamps are the same as last time: reading them back
    costs nothing, laying them out again most of what binding the pack costs.
    A front sheet shows only what the meeting file says (an exempt item's
    paper gives it nothing), so nothing kept here is exempt. A kept layout
    that is not a PDF is laid out again.
    """

    def __init__(self, folder: Path | None, templates: tuple[str, str]) -> None:
        self.folder = folder
        self.templates = templates
        self.used: set[Path] = set()
        self.notices: list[str] = []

    def get(self, kind: str, source: str, lay_out: Callable[[], bytes]) -> bytes:
        """Return the layout of a source (dialect HTML or the stamps' page), laying it out only if it is new."""
        if self.folder is None:
            return lay_out()
        path = self.folder / f"{kind}-{inputs_digest(source, *self.templates)[:32]}.pdf"
        self.used.add(path)
        kept = self._read(path)
        if kept is not None:
            return kept
        data = lay_out()
        try:
            write_atomic(path, data)
        except OSError as err:
            self.notices.append(f"{path.name}: a pack's layout not kept for the next build: {err.strerror or err}")
        return data

    def _read(self, path: Path) -> bytes | None:
        """Return a kept layout if it is a whole PDF; discard it with a notice if it is not."""
        import pikepdf

        if not path.is_file():
            return None
        try:
            data = path.read_bytes()
            pikepdf.Pdf.open(io.BytesIO(data)).close()
        except (OSError, pikepdf.PdfError):
            path.unlink(missing_ok=True)
            self.notices.append(f"{path.name}: discarded a damaged layout from the cache; laid out again")
            return None
        return data

    def forget_the_rest(self) -> None:
        """Delete the layouts this build did not use: a pack keeps only its latest."""
        if self.folder is None:
            return
        for path in self.folder.glob("*.pdf"):
            if path not in self.used:
                path.unlink(missing_ok=True)


def _snapshot_shape(data: Any) -> bool:
    return (
        isinstance(data, dict) and isinstance(data.get("inputs"), str)
        and all(_strings(data.get(key)) for key in ("drafts", "targets", "up_to_date", "notices"))
    )


class Snapshot:
    """Every input of the last good build, hashed, with what it reported: kept in .cache/snapshot.json.

    A build whose sources, templates, engine and drafts' git state all hash
    as they did has nothing to do, and says so without reading a paper. The
    inputs are hashed before the build reads them, so a save made during a
    build is seen by the next one.
    """

    FILE = "snapshot.json"

    def __init__(self, config: Config, prints: Fingerprints, store: Store) -> None:
        self.config = config
        self.store = store
        self.inputs = inputs_digest(
            prints.content(), prints.templates(), os.environ.get("SOURCE_DATE_EPOCH", ""),
            *sorted(relative(p, config.root) for p in config.papers),
        )

    def unchanged(self) -> Report | None:
        """Return the last build's report, all up to date, if nothing it read has changed since; else None."""
        if self.config.force:
            return None
        last = self.store.read(self.FILE, _snapshot_shape)
        if last is None or last["inputs"] != self._with_git(last["drafts"]):
            return None
        if not self.config.papers:  # every output there, and nothing in output/ no source makes (a build removes it)
            if published_files(self.config.output, self.config.root) != set(last["targets"]):
                return None
        elif not all((self.config.root / target).is_file() for target in last["targets"]):
            return None
        return Report(checked=list(last["up_to_date"]), up_to_date=list(last["up_to_date"]), notices=list(last["notices"]))

    def record(self, report: Report, news: list[str], drafts: list[Path], outputs: dict[str, list[Path]]) -> None:
        """Remember a build that succeeded, and the news its sources give; forget any earlier one if this build failed, so its problems are shown again."""
        if not report.ok:
            self.store.forget(self.FILE)
            return
        root = self.config.root
        draft_names = sorted({relative(p, root) for p in drafts})
        last = {
            "inputs": self._with_git(draft_names),
            "drafts": draft_names,
            "targets": sorted(relative(p, root) for paths in outputs.values() for p in paths),
            "up_to_date": list(outputs),
            "notices": news,
        }
        self.store.write(self.FILE, last)

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
