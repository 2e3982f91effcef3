"""The build: check every paper and meeting first, then lay out what changed, bind the packs and remove what no source makes.

A build whose inputs all hash as they did after the last good build stops
there, before importing the models: a clerk's second run costs next to
nothing. After a build, output/ holds exactly what the current sources make.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from contextlib import contextmanager
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..outputs.cache import Fingerprints, Manifest, Snapshot, Store
from ..outputs.output import OutputError, published_files, remove, write_all
from ..sources.errors import PaperError, relative
from ..sources.project import Config, Progress, Report, require_content, within_council

if TYPE_CHECKING:
    from ..agenda.packs import Pack
    from .checking import Checked, Job
    from .workers import Outcome

__all__ = ["Config", "Progress", "Report", "build"]

logger = logging.getLogger(__name__)

FORMATS = ("pdf", "docx", "html")
PUBLIC_PACK_FILES = ("agenda.pdf", "agenda.docx", "agenda.html", "index.html", "public-pack.pdf")
CONFIDENTIAL_PACK = "confidential-pack.pdf"


class Stopped(SystemExit):
    """The build was sent SIGTERM: it ends its workers and exits with a message, whoever called it (watch too)."""


def build(config: Config, progress: Progress | None = None) -> Report:
    """Check every paper and meeting, lay out what changed, bind each pack and remove the outputs no source makes."""
    require_content(config)
    with _stopped_by_signals():
        return _build(config, progress)


def _build(config: Config, progress: Progress | None) -> Report:
    notices: list[str] = []
    store = Store(config.root, notices)
    prints = Fingerprints(config)
    snapshot = Snapshot(config, prints, store)
    unchanged = snapshot.unchanged()
    if unchanged is not None:
        unchanged.notices[:0] = notices
        return unchanged
    from .checking import check  # imports the models: only a build with something to look at pays for them

    if config.jobs > 1:
        from .workers import start_server

        start_server()  # its imports take a second, on the other core, while this one checks the papers
    checked = check(config)
    report = checked.report
    news = list(report.notices)  # deadlines and warnings, shown again by a build with nothing to do; not what this build found
    report.notices[:0] = notices
    store.notices = report.notices
    plan = Plan(config, checked, prints, store)
    report.up_to_date = plan.up_to_date(checked)
    if plan.papers or plan.packs:  # a build with nothing to do imports no renderer
        plan.carry_out(report, progress or (lambda name, done, total: None))
    plan.tidy(checked, report)
    snapshot.record(report, news, plan.drafts(checked), plan.everything(checked))
    return report


@contextmanager
def _stopped_by_signals() -> Iterator[None]:
    """Turn SIGTERM into Stopped while the build runs, so that, as with Ctrl+C, its workers are ended on the way out."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(number: int, frame: Any) -> None:
        raise Stopped("error: the build was stopped (SIGTERM): every output written is whole; build again to finish")

    before = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, before)


class Plan:
    """What a build must lay out and bind: papers and packs whose inputs changed since the last build."""

    def __init__(self, config: Config, checked: Checked, prints: Fingerprints, store: Store) -> None:
        self.config = config
        self.manifest = Manifest(store, forget=config.force)
        self.store = store
        self.prints = prints
        self.papers = [j for j in checked.jobs if not self.manifest.fresh(j.source.name, self.digest(j), self.targets(j))]
        self.packs = [p for p in checked.packs if config.force or not self.manifest.fresh(p.source.name, self.pack_digest(p), self.pack_targets(p))]

    def digest(self, job: Job) -> str:
        """Return the hash of what a paper's outputs are made from."""
        data = [source.digest for source, _ in job.paper.data_sources()]
        return self.prints.source(job.source.digest, job.theme.slug, job.stamp or "", *data)

    def pack_digest(self, pack: Pack) -> str:
        """Return the hash of what a pack is made from: its meeting, its papers, its templates."""
        papers = [self.digest(e.job) for e in pack.items if e.job]
        return self.prints.source(pack.source.digest, pack.theme.slug, *papers)

    def targets(self, job: Job) -> list[Path]:
        """Return a paper's output files."""
        return [job.target(self.config, ext) for ext in FORMATS]

    def pack_targets(self, pack: Pack) -> list[Path]:
        """Return a pack's output files: the confidential pack, if there is one, apart from the public ones."""
        names = [*PUBLIC_PACK_FILES, *([CONFIDENTIAL_PACK] if any(e.item.exempt for e in pack.items) else [])]
        return [self.pack_file(pack.slug, name) for name in names]

    def pack_file(self, slug: str, name: str) -> Path:
        """Return where one of a pack's files goes: output/meetings/<meeting>/, or output/confidential/meetings/<meeting>/."""
        folder = self.config.confidential if name == CONFIDENTIAL_PACK else self.config.output
        return folder / "meetings" / slug / name

    def paper_links(self, pack: Pack) -> dict[str, dict[str, str]]:
        """Return where each public paper's outputs are, relative to the pack's folder, by item number."""
        folder = self.pack_folder(pack)
        return {
            e.number: {ext: Path(os.path.relpath(e.job.target(self.config, ext), folder)).as_posix() for ext in FORMATS}
            for e in pack.items if e.job and not e.item.exempt
        }

    def pack_folder(self, pack: Pack) -> Path:
        """Return where a pack's public files go: output/meetings/<meeting>/."""
        return self.config.output / "meetings" / pack.slug

    def up_to_date(self, checked: Checked) -> list[str]:
        """Return the papers and packs that need no work."""
        papers = [j.source.name for j in checked.jobs if j not in self.papers]
        return papers + [p.source.name for p in checked.packs if p not in self.packs]

    def everything(self, checked: Checked) -> dict[str, list[Path]]:
        """Return every checked paper and pack with its output files."""
        return {j.source.name: self.targets(j) for j in checked.jobs} | {p.source.name: self.pack_targets(p) for p in checked.packs}

    def drafts(self, checked: Checked) -> list[Path]:
        """Return the sources of every draft: git's view of them is part of their stamp."""
        return [path for j in checked.jobs if j.stamp is not None for path in (j.source.path, *(s.path for s, _ in j.paper.data_sources()))]

    def carry_out(self, report: Report, progress: Progress) -> None:
        """Lay out the papers on the workers, in order of need, and bind each pack there as soon as its papers are written."""
        from .workers import Workers, bind_pack, lay_out_paper

        # One paper and the packs that bind it are a chain: a pool could only add its start-up to it.
        jobs = min(self.config.jobs, max(len(self.papers), 1))
        # Each task (a paper's sources, values and marks) is made only when it is sent: all at once would grow with the corpus.
        queue: deque[tuple[Callable[..., Outcome], Callable[[], Any], Any]] = deque(
            (lay_out_paper, partial(_task, j), j) for j in self._in_order_of_need()
        )
        waiting = list(self.packs)
        running: dict[Future[Outcome], Any] = {}
        outcomes: dict[str, Outcome] = {}
        with Workers(self.config.content, self.config.templates, jobs, self.prints.templates()) as workers:
            while True:
                queue.extendleft((bind_pack, partial(self._pack_task, p), p) for p in self._ready(waiting, outcomes, report))
                while queue and len(running) <= jobs:  # one task in hand beyond the workers, so none waits for this loop
                    work, make_task, subject = queue.popleft()
                    try:
                        running[workers.submit(work, make_task())] = subject
                    except (PaperError, OSError) as err:  # its source went or changed since it was checked
                        self._finish(subject, _unmade(subject.source.name, err), report, outcomes, progress)
                if not running:
                    break
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in sorted(finished, key=lambda f: running[f].source.name):
                    self._finish(running.pop(future), future.result(), report, outcomes, progress)
        self._in_plan_order(report, outcomes)

    def _finish(self, subject: Any, outcome: Outcome, report: Report, outcomes: dict[str, Outcome], progress: Progress) -> None:
        """Write what a worker made, and count it done."""
        self._write(subject, outcome, report)
        report.notices += outcome.notices
        outcomes[outcome.name] = replace(outcome, files={})  # written: keeping the bytes would grow with the corpus
        progress(outcome.name, len(outcomes), len(self.papers) + len(self.packs))

    def tidy(self, checked: Checked, report: Report) -> None:
        """Remove the outputs no source makes any more, and keep the manifest of which files each source's outputs are.

        A full build removes every file in output/ that no source made or
        keeps; a build of some sources only removes what those made before
        and make no more, leaving every other source's outputs alone.
        """
        for name, papers in checked.binds.items():
            self.manifest.record_binds(name, papers)
        now, withdrawn = self._outputs_now(checked, report)
        wanted = {file for files in now.values() for file in files}
        if self.config.papers:
            stale = {file for name in now for file in self.manifest.outputs(name) or []} - wanted
        else:
            stale = published_files(self.config.output, self.config.root) - wanted
            self.manifest.keep_only(set(now))
        self._remove_old_cache(report)
        self._forget_layouts(checked, report)
        for name, files in now.items():
            self.manifest.record_outputs(name, files)
        for file in sorted(stale):
            try:
                remove(self.config.root / file, self.config.root)
            except OutputError as err:
                report.failed[file] = [str(err)]
                continue
            report.removed.append(file)
            why = "withdrawn: it shows a paper that is, or that a meeting says is, exempt" if file in withdrawn else "no source makes it any more"
            report.notices.append(f"removed {file}: {why}")
        self.manifest.save()

    def _outputs_now(self, checked: Checked, report: Report) -> tuple[dict[str, list[str]], set[str]]:
        """Return the files each source's outputs are after this build (what it made, or for one that failed what it keeps), and those withdrawn.

        A source that failed keeps its last good outputs, except that a paper
        that is (or that a meeting says is) exempt, and a meeting binding
        one, keep only their confidential ones: the public ones are withdrawn.
        """
        root = self.config.root
        made = {j.source.name: self.targets(j) for j in checked.jobs} | {p.source.name: self.pack_targets(p) for p in checked.packs}
        now = {name: [relative(path, root) for path in paths] for name, paths in made.items() if name not in report.failed}
        exempt = checked.withheld | {j.source.name for j in checked.jobs if j.paper.exempt}
        confidential = relative(self.config.confidential, root) + "/"
        withdrawn: set[str] = set()
        for name in report.failed:
            kept = self.manifest.outputs(name)
            kept = self._outputs_of(name) if kept is None else kept
            # A meeting that fails to load binds what it bound when it last loaded.
            binds = checked.binds.get(name) or self.manifest.binds(name)
            if name in exempt or binds & exempt:
                withdrawn |= {file for file in kept if not file.startswith(confidential)}
            now[name] = [file for file in kept if file not in withdrawn]
        return now, withdrawn

    def _outputs_of(self, name: str) -> list[str]:
        """Return the outputs a source could have made that are in output/, when the manifest does not know them."""
        source = self.config.root / name
        if source.parent.resolve() == self.config.meetings.resolve():
            paths = [self.pack_file(source.stem, file) for file in (*PUBLIC_PACK_FILES, CONFIDENTIAL_PACK)]
        elif source.resolve().is_relative_to(self.config.content.resolve()):
            within = source.resolve().relative_to(self.config.content.resolve()).with_suffix("")
            councils = [*self.config.output.glob("*/"), *self.config.confidential.glob("*/")]
            paths = [folder / within_council(within, folder.name).with_suffix(f".{ext}") for folder in councils for ext in FORMATS]
        else:
            paths = []
        return [relative(path, self.config.root) for path in paths if path.is_file()]

    def _forget_layouts(self, checked: Checked, report: Report) -> None:
        """Delete the kept front sheets of packs that failed or are gone: one may show a paper that has since become exempt."""
        folder = self.store.folder / "packs"
        if not folder.is_dir():
            return
        good = {p.slug for p in checked.packs if p.source.name not in report.failed}
        failed = {Path(name).stem for name in report.failed if name in checked.binds}
        for layouts in folder.iterdir():
            if layouts.name in failed or (not self.config.papers and layouts.name not in good):
                shutil.rmtree(layouts, ignore_errors=True)

    def _remove_old_cache(self, report: Report) -> None:
        """Remove the caches earlier versions kept in output/.cache/, where publishing output/ would publish them."""
        old = self.config.output / ".cache"
        if old.is_dir() and not old.is_symlink():
            shutil.rmtree(old, ignore_errors=True)
            report.notices.append(f"removed {relative(old, self.config.root)}/: the build's caches live in .cache/, outside what is published")

    def _in_order_of_need(self) -> list[Job]:
        """Return the papers to lay out, those of the biggest packs first, each pack's and the rest longest first.

        A pack can then be bound while other papers are laid out, and no core
        is left at the end binding a pack or laying out a long paper alone.
        The length of a source stands in for the length of its layout.
        """
        size = {j.source.name: _size(j.source.path) for j in self.papers}
        pack_of: dict[str, int] = {}
        for pack in self.packs:
            names = [e.job.source.name for e in pack.items if e.job and e.job.source.name in size]
            for name in names:
                pack_of[name] = max(pack_of.get(name, 0), sum(size[n] for n in names))
        return sorted(self.papers, key=lambda j: (-pack_of.get(j.source.name, 0), -size[j.source.name]))

    def _ready(self, waiting: list[Pack], outcomes: dict[str, Any], report: Report) -> list[Pack]:
        """Take from `waiting` the packs none of whose papers is still to be laid out; return those whose papers all built.

        A pack with a paper that failed is recorded as failed here.
        """
        planned = {j.source.name for j in self.papers}
        ready = [p for p in waiting if all(e.job.source.name in outcomes for e in p.items if e.job and e.job.source.name in planned)]
        for pack in ready:
            waiting.remove(pack)
        return [pack for pack in ready if self._papers_built(pack, report)]

    def _papers_built(self, pack: Pack, report: Report) -> bool:
        """Tell whether every paper of a pack has its PDF, now or from before; record the pack as failed if not."""
        failed = [e.job.source.name for e in pack.items if e.job and (e.job.source.name in report.failed or not e.job.target(self.config, "pdf").is_file())]
        if failed:
            name = pack.source.name
            report.failed[name] = [f"{name}: its papers failed to build: {', '.join(dict.fromkeys(failed))}"]
            self.manifest.record(name, None)
        return not failed

    def _in_plan_order(self, report: Report, outcomes: dict[str, Outcome]) -> None:
        """Put what was built and laid out in the order of the sources, whichever worker finished first."""
        order = {name: i for i, name in enumerate([j.source.name for j in self.papers] + [p.source.name for p in self.packs])}
        report.built.sort(key=order.__getitem__)
        report.packs.sort(key=order.__getitem__)
        report.rendered += [name for source in order if source in outcomes for name in outcomes[source].rendered]

    def _write(self, subject: Any, outcome: Outcome, report: Report) -> None:
        """Write what a worker made of a paper or pack, or record why it could not."""
        name = outcome.name
        if outcome.error is not None:
            report.failed[name] = [outcome.error]
            self.manifest.record(name, None)
            return
        from .checking import Job

        if isinstance(subject, Job):
            files, digest, made = {subject.target(self.config, ext): data for ext, data in outcome.files.items()}, self.digest(subject), report.built
        else:
            files, digest, made = {self.pack_file(subject.slug, file): data for file, data in outcome.files.items()}, self.pack_digest(subject), report.packs
        try:
            write_all(files, self.config.root)
        except OutputError as err:
            report.failed[name] = [f"{name}: {err}"]
            self.manifest.record(name, None)
            return
        report.outputs[name] = [relative(path, self.config.root) for path in files]
        self.manifest.record(name, digest, report.outputs[name])
        made.append(name)
        logger.info("built %s", name)

    def _pack_task(self, pack: Pack) -> Any:
        """Return what a worker needs to bind a pack.

        A pack binds each paper's own PDF, as built now or before: a paper is
        laid out once, however many packs bind it.
        """
        from .workers import PackTask

        pdfs = {e.number: e.job.target(self.config, "pdf") for e in pack.items if e.job}
        layouts = self.store.folder_for(f"packs/{pack.slug}")
        return PackTask(pack.source.name, pack.for_binding(), pdfs, self.paper_links(pack), self.prints.council(pack.theme.slug), layouts)


def _unmade(name: str, err: PaperError | OSError) -> Outcome:
    """Return the outcome of a paper whose task could not be made: its source went, or no longer passes."""
    from .workers import Outcome

    why = f"it cannot be read any more ({err.strerror}): it was moved or deleted during the build" if isinstance(err, OSError) else f"it changed during the build: {err}"
    return Outcome(name, error=f"{name}: {why}")


def _size(path: Path) -> int:
    """Return a source's size, or 0 if it has gone since it was checked (its task will say so)."""
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _task(job: Job) -> Any:
    """Return what a worker needs to lay out a paper."""
    from ..sources.provenance import Origin
    from .workers import Task

    origin = Origin.of(job.loaded(), [source for source, _ in job.paper.data_sources()])
    return Task(job.source.name, job.paper, job.theme, job.source.path.parent, job.stamp, origin)
