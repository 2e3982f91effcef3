"""What the command line shows: problems compiler style, progress while rendering, a summary at the end.

On a terminal a long build shows a progress bar and ends with a table; piped
or with --quiet it prints only the problems and the one summary line, so
logs and scripts read the same lines every time. Rich is imported only for a
terminal.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from ..sources.project import Progress, Report


class Console:
    """Prints a run's problems and summary, fancy on a terminal and plain elsewhere."""

    def __init__(self, *, quiet: bool = False, out: TextIO | None = None, err: TextIO | None = None) -> None:
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self.quiet = quiet
        self.fancy = not quiet and self.err.isatty()

    @contextmanager
    def progress(self) -> Iterator[Progress | None]:
        """Yield a callback that shows papers done of total and the current paper, on a terminal only."""
        if not self.fancy:
            yield None
            return
        from rich.console import Console as RichConsole
        from rich.markup import escape
        from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
        from rich.progress import Progress as Bar

        bar = Bar(
            TextColumn("rendering"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), TextColumn("{task.description}"),
            console=RichConsole(file=self.err), transient=True,
        )
        task = bar.add_task("", total=None)

        def advance(name: str, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total, description=escape(name))  # a file's name is text, not Rich markup

        with bar:
            yield advance

    def report(self, report: Report, verb: str) -> None:
        """Print every problem, then the summary: a table on a terminal, one line otherwise."""
        for notice in report.notices:  # deadlines are news; late key decisions are warnings
            if notice.startswith("warning:") or not self.quiet:
                print(notice, file=self.err if notice.startswith("warning:") else self.out)
        # Problems go to stderr and the summary to stdout; a terminal that shows the two
        # streams as they are flushed must still see the summary last.
        self.out.flush()
        for messages in report.failed.values():
            for message in messages:
                print(message, file=self.err)
        if not self.quiet and self.fancy and (report.built or len(report.failed) + len(report.checked) > 1):
            self._table(report, verb)
        self.err.flush()
        if not self.quiet:
            print(report.summary(verb), file=self.out, flush=True)

    def _table(self, report: Report, verb: str) -> None:
        from rich.console import Console as RichConsole
        from rich.markup import escape
        from rich.table import Table

        table = Table(box=None, pad_edge=False)
        table.add_column("paper", overflow="fold")
        table.add_column("outputs" if verb == "built" else "", overflow="fold")
        table.add_column("result", no_wrap=True)
        done = report.built + report.packs if verb == "built" else report.checked
        for name in done:
            table.add_row(escape(name), escape(_outputs(report.outputs.get(name, []))), "[green]ok[/]")
        for name in report.up_to_date if verb == "built" else []:
            table.add_row(escape(name), "", "up to date")
        for name, messages in report.failed.items():
            count = f"{len(messages)} problem{'s' * (len(messages) != 1)}"
            table.add_row(escape(name), "", f"[red]failed[/] ({count})")
        RichConsole(file=self.err).print(table)


def _outputs(paths: list[str]) -> str:
    """Return a paper's outputs in one line: output/council/paper.{pdf,docx,html}."""
    stems = {path.rsplit(".", 1)[0] for path in paths}
    if len(stems) != 1:
        return "\n".join(paths)
    return f"{stems.pop()}.{{{','.join(path.rsplit('.', 1)[1] for path in paths)}}}"
