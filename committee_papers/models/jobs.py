"""A paper that passed phase one: its source, typed paper and theme, and where its outputs go."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..sources.loader import Source, load
from ..sources.project import Config, within_council
from ..sources.spreadsheets import fill_rows
from . import PaperBase
from .theme import Theme


@dataclass
class Job:
    """A paper that passed validation, ready to render."""

    source: Source
    paper: PaperBase
    theme: Theme
    stamp: str | None = None
    """A draft's version stamp (revision and date); None for a final paper."""
    content: Path | None = None
    """The project's content/ folder, where the spreadsheets the paper reads rows from are found."""

    def loaded(self) -> Source:
        """Return the paper's source with every value's mark, reading the file again.

        A checked paper keeps only its source's path, name and hash: the
        marks of every value of every paper, held at once, would make the
        build's memory grow with the corpus. Laying a paper out needs them
        for the DOCX's anchors, so they are read again then. A file saved
        since it was checked gives the new marks: its anchors may be a line
        out in this build, and the next build, seeing the new hash, makes it
        again.
        """
        if self.source.data is not None:
            return self.source
        source = load(self.source.path, self.source.name)
        fill_rows(source, self.content or self.source.path.parent)  # rows read from spreadsheets, marked with their cells
        return source

    def target(self, config: Config, extension: str) -> Path:
        """Return where one output of the paper goes: output/<council>/<path in content>.

        An exempt paper goes under output/confidential/ instead, so that
        publishing output/<council>/ can never publish it. Papers kept in a
        folder named after their council (content/<council>/...) are not put
        under that name twice.
        """
        relative = within_council(self.source.path.resolve().relative_to(config.content.resolve()), self.theme.slug)
        folder = config.output / "confidential" if self.paper.exempt else config.output
        return (folder / self.theme.slug / relative).with_suffix(f".{extension}")
