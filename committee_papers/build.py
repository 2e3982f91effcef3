"""The build: check every paper and meeting first, then lay out what changed and bind the packs.

A build whose inputs all hash as they did after the last good build stops
there, before importing the models: a clerk's second run costs next to
nothing.
"""

from __future__ import annotations

import logging
import os
from collections import deque
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .cache import Checks, Fingerprints, Manifest, Snapshot
from .output import write_all
from .project import Config, Progress, Report

if TYPE_CHECKING:
    from .checking import Checked, Job
    from .packs import Pack
    from .workers import Outcome

__all__ = ["Config", "Progress", "Report", "build"]

logger = logging.getLogger(__name__)

FORMATS = ("pdf", "docx", "html")


def build(config: Config, progress: Progress | None = None) -> Report:
    """Check every paper and meeting, then lay out what changed and bind each pack."""
    prints = Fingerprints(config)
    snapshot = Snapshot(config, prints)
    unchanged = snapshot.unchanged()
    if unchanged is not None:
        return unchanged
    from .checking import check  # imports the models: only a build with something to look at pays for them

    if config.jobs > 1:
        from .workers import start_server

        start_server()  # its imports take a second, on the other core, while this one checks the papers
    checks = Checks(config.output, forget=config.force)
    checked = check(config, checks, prints)
    plan = Plan(config, checked, prints)
    report = checked.report
    report.up_to_date = plan.up_to_date(checked)
    if plan.papers or plan.packs:  # a build with nothing to do imports no renderer
        plan.carry_out(report, progress or (lambda name, done, total: None))
        plan.manifest.save()
    checks.save()
    snapshot.record(report, plan.drafts(checked), plan.everything(checked))
    return report


class Plan:
    """What a build must lay out and bind: papers and packs whose inputs changed since the last build."""

    def __init__(self, config: Config, checked: Checked, prints: Fingerprints) -> None:
        self.config = config
        self.manifest = Manifest(config.output, forget=config.force)
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
        """Return a pack's output files."""
        names = ["agenda.pdf", "agenda.docx", "agenda.html", "index.html", "public-pack.pdf"]
        names += ["confidential-pack.pdf"] if any(e.item.exempt for e in pack.items) else []
        return [self.pack_folder(pack) / name for name in names]

    def paper_links(self, pack: Pack) -> dict[str, dict[str, str]]:
        """Return where each public paper's outputs are, relative to the pack's folder, by item number."""
        folder = self.pack_folder(pack)
        return {
            e.number: {ext: Path(os.path.relpath(e.job.target(self.config, ext), folder)).as_posix() for ext in FORMATS}
            for e in pack.items if e.job and not e.item.exempt
        }

    def pack_folder(self, pack: Pack) -> Path:
        """Return where a pack's files go: output/meetings/<meeting>/."""
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
                    running[workers.submit(work, make_task())] = subject
                if not running:
                    break
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in sorted(finished, key=lambda f: running[f].source.name):
                    subject, outcome = running.pop(future), future.result()
                    self._write(subject, outcome, report)
                    outcomes[outcome.name] = replace(outcome, files={})  # written: keeping the bytes would grow with the corpus
                    progress(outcome.name, len(outcomes), len(self.papers) + len(self.packs))
        self._in_plan_order(report, outcomes)

    def _in_order_of_need(self) -> list[Job]:
        """Return the papers to lay out, those of the biggest packs first, each pack's and the rest longest first.

        A pack can then be bound while other papers are laid out, and no core
        is left at the end binding a pack or laying out a long paper alone.
        The length of a source stands in for the length of its layout.
        """
        size = {j.source.name: j.source.path.stat().st_size for j in self.papers}
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
            report.failed[name] = [f"{outcome.error} (laying out {name})" if outcome.located else f"{name}: {outcome.error}"]
            self.manifest.record(name, None)
            return
        from .checking import Job

        if isinstance(subject, Job):
            files, digest, made = {subject.target(self.config, ext): data for ext, data in outcome.files.items()}, self.digest(subject), report.built
        else:
            files, digest, made = {self.pack_folder(subject) / file: data for file, data in outcome.files.items()}, self.pack_digest(subject), report.packs
        write_all(files)
        report.outputs[name] = [_name(path, self.config.root) for path in files]
        self.manifest.record(name, digest)
        made.append(name)
        logger.info("built %s", name)

    def _pack_task(self, pack: Pack) -> Any:
        """Return what a worker needs to bind a pack.

        A pack binds each paper's own PDF, as built now or before: a paper is
        laid out once, however many packs bind it.
        """
        from .workers import PackTask

        pdfs = {e.number: e.job.target(self.config, "pdf") for e in pack.items if e.job}
        layouts = self.config.output / ".cache" / "packs" / pack.slug
        return PackTask(pack.source.name, pack.for_binding(), pdfs, self.paper_links(pack), self.prints.council(pack.theme.slug), layouts)


def _task(job: Job) -> Any:
    """Return what a worker needs to lay out a paper."""
    from .provenance import Origin
    from .workers import Task

    origin = Origin.of(job.loaded(), [source for source, _ in job.paper.data_sources()])
    return Task(job.source.name, job.paper, job.theme, job.source.path.parent, job.stamp, origin)


def _name(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
