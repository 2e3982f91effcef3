"""The project a build works on, and what a build tells the clerk: plain data, cheap to import."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


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
        if self.failed:
            line += f", {len(self.failed)} failed: {', '.join(self.failed)}"
        return line


Progress = Callable[[str, int, int], None]
"""Told the paper just laid out, how many are done and how many there are."""


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' * (n != 1)}"
