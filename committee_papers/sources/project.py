"""The project a build works on, and what a build tells the clerk: plain data, cheap to import."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .errors import PaperError


@dataclass
class Config:
    """Where the sources are and what to do with them."""

    root: Path
    papers: list[Path] = field(default_factory=list)
    """Only these papers (or meetings); every one in content/ when empty."""
    force: bool = False
    """Lay out everything again, whatever the manifest says is up to date."""
    jobs: int = 1
    """How many processes lay papers out at once."""

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    @property
    def output(self) -> Path:
        return self.root / "output"

    @property
    def meetings(self) -> Path:
        return self.content / "meetings"

    @property
    def confidential(self) -> Path:
        """Return the folder of exempt papers and confidential packs, which is never published."""
        return self.output / "confidential"


@dataclass
class Report:
    """What a build did: papers and packs checked or built, what failed with why, what the clerk should know."""

    built: list[str] = field(default_factory=list)
    packs: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)
    failed: dict[str, list[str]] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)
    rendered: list[str] = field(default_factory=list)
    """Every layout the build made, in order: what a rebuild could not reuse."""
    up_to_date: list[str] = field(default_factory=list)
    """Papers and packs whose outputs were already made from the same inputs."""
    outputs: dict[str, list[str]] = field(default_factory=dict)
    """The files each built paper was written to, as paths from the project root."""
    removed: list[str] = field(default_factory=list)
    """Outputs no source makes any more, removed by this build, as paths from the project root."""

    @property
    def ok(self) -> bool:
        return not self.failed

    def summary(self, verb: str) -> str:
        """Return the one-line summary the command line ends with."""
        done = self.built if verb == "built" else self.checked
        line = _count(len(done), "paper") + f" {verb}"
        if self.packs:
            line += f", {_count(len(self.packs), 'agenda pack')} built"
        if self.up_to_date and verb == "built":
            line += f", {len(self.up_to_date)} up to date"
        if self.removed:
            line += f", {_count(len(self.removed), 'old output')} removed"
        if self.failed:
            line += f", {len(self.failed)} failed: {', '.join(self.failed)}"
        return line


Progress = Callable[[str, int, int], None]
"""Told the paper just laid out, how many are done and how many there are."""


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' * (n != 1)}"


def walk(folder: Path, root: Path) -> tuple[list[Path], list[Path]]:
    """Return the files under a folder, and apart the links found there that lead outside the project root.

    Links are not followed into folders; a link to a file inside the project
    is a file like any other. A path leading outside is never read. What each
    entry is comes with the folder's listing: only a link costs a look of its own.
    """
    root = root.resolve()
    files: list[Path] = []
    outside: list[Path] = []
    folders = [folder]
    while folders:
        try:
            with os.scandir(folders.pop()) as listing:
                entries = list(listing)
        except OSError:  # a folder that cannot be listed holds nothing to read, as for os.walk
            continue
        for entry in entries:
            path = Path(entry.path)
            if entry.is_symlink():
                _linked(path, root, files, outside)
            elif entry.is_dir(follow_symlinks=False):
                folders.append(path)
            elif entry.is_file(follow_symlinks=False):  # not a pipe or a device, which would never end
                files.append(path)
    return sorted(files), sorted(outside)


def _linked(path: Path, root: Path, files: list[Path], outside: list[Path]) -> None:
    """Sort a link: one leading outside the project, one to a file inside it, or one to a folder (not followed)."""
    try:
        target = path.resolve()
    except RuntimeError:  # links round in a loop: a file no one can read, which its reader reports
        files.append(path)
        return
    if not target.is_relative_to(root):
        outside.append(path)
    elif not (target.exists() and not target.is_file()):  # a broken link is a file its reader reports
        files.append(path)


def require_content(config: Config) -> None:
    """Raise PaperError unless the project has a content/ folder to build from (named papers each say where they are)."""
    if not config.papers and not config.content.is_dir():
        raise PaperError(f"{config.root}: no content/ folder here: run the build in the project folder, or name it with --root")


def within_council(path: Path, council: str) -> Path:
    """Return where in a council's output folder a paper at this path in content/ goes: content/<council>/ is not named twice."""
    return path.relative_to(council) if len(path.parts) > 1 and path.parts[0] == council else path
