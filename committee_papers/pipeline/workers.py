"""Lay papers out on every core: worker processes that each load fonts, stylesheets and templates once."""

from __future__ import annotations

import multiprocessing
import multiprocessing.forkserver
import signal
import sys
import traceback
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from ..agenda.packs import Pack
from ..models import PaperBase
from ..models.theme import Theme
from ..outputs.system import check_libraries
from ..sources.errors import PaperError, SystemLibraryError
from ..sources.provenance import Origin
from .collector import collect_layout, keep_for_good

# A worker is replaced after this many papers, so that what WeasyPrint and
# fontconfig keep between documents cannot grow without limit over a long build.
PAPERS_PER_WORKER = 25

# What the fork server imports once, so that every worker, a recycled one
# too, starts with it loaded instead of importing it again (about a second).
PRELOAD = ["committee_papers.pipeline.workers", "committee_papers.outputs.pdf", "committee_papers.agenda.binder", "matplotlib.figure",
           "matplotlib.backends.backend_agg", "matplotlib.backends.backend_svg", "committee_papers.pipeline.preloaded"]

T = TypeVar("T")


@dataclass(frozen=True)
class Task:
    """What a worker needs to lay out one paper: no loader marks, no raw YAML."""

    name: str
    paper: PaperBase
    theme: Theme
    folder: Path
    """The paper's folder in content/, where its relative links start."""
    stamp: str | None = None
    """A draft's version stamp, printed on every page."""
    origin: Origin | None = None
    """The values of the paper's sources and where each was written, for the DOCX's anchors."""


@dataclass(frozen=True)
class PackTask:
    """What a worker needs to bind one pack: the checked meeting and where its papers' PDFs are."""

    name: str
    pack: Pack
    """The pack without its papers' models (see Pack.for_binding)."""
    pdfs: dict[str, Path]
    """Each item's paper PDF, by item number."""
    links: dict[str, dict[str, str]]
    """Each public item's paper outputs, relative to the pack's folder, for its web page."""
    templates: tuple[str, str]
    """The hashes of the default templates and the council's theme: part of every remembered layout's key."""
    layouts: Path | None
    """Where the pack's front sheets and page stamps from the last build are kept (None: the cache cannot be written)."""


@dataclass
class Outcome:
    """What a worker made of a task: the files, or the reason it could not."""

    name: str
    files: dict[str, bytes] = field(default_factory=dict)
    error: str | None = None
    rendered: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


_roots: tuple[Path, Path] | None = None
_version: str | None = None
_renderer: Any = None


def _start(content: Path, templates: Path, version: str) -> None:
    """Remember where the project is and which version of its templates; the renderer itself is made on the first task.

    A process that builds again (watch does) keeps its renderer, with its
    fonts and stylesheets, for as long as the templates are unchanged.
    """
    global _roots, _version, _renderer
    if multiprocessing.parent_process() is not None:  # a worker: Ctrl+C stops the build, which ends its workers
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    if (_roots, _version) != ((content, templates), version):
        _roots, _version, _renderer = (content, templates), version, None


def _here() -> Any:
    """Return this process's renderer, importing WeasyPrint now that the worker has started."""
    global _renderer
    if _renderer is None:
        from ..outputs.render import Renderer

        assert _roots is not None
        _renderer = Renderer(*_roots)
        if multiprocessing.parent_process() is not None:
            # A worker keeps its fonts and stylesheets until it ends. The build's own process does not freeze:
            # watch and serve replace the renderer when a template changes, and a frozen one would never be freed.
            keep_for_good()
    return _renderer


def lay_out_paper(task: Task) -> Outcome:
    """Return a paper's PDF, DOCX and HTML."""
    return _attempt(task.name, lambda r: r.outputs(task.paper, task.theme, task.folder, task.name, origin=task.origin, stamp=task.stamp))


def bind_pack(task: PackTask) -> Outcome:
    """Return a pack's agenda (PDF, DOCX, HTML), web page and bound packs."""
    from ..agenda.binder import Assembler
    from ..outputs.cache import Layouts

    layouts = Layouts(task.layouts, task.templates)

    def bind(renderer: Any) -> dict[str, bytes]:
        papers = {number: path.read_bytes() for number, path in task.pdfs.items()}
        files = Assembler(renderer, layouts).build(task.pack, papers, task.links)
        layouts.forget_the_rest()
        return files

    return replace(_attempt(task.name, bind), notices=layouts.notices)


def _attempt(name: str, make: Callable[[Any], dict[str, bytes]]) -> Outcome:
    renderer = _here()
    before = len(renderer.rendered)
    try:
        files = make(renderer)
        collect_layout()
    except PaperError as err:  # sent back as text: the user's message, never a traceback
        return Outcome(name, error=err.about(name), rendered=renderer.rendered[before:])
    except OSError as err:  # a paper's PDF gone since it was written, or a layout the cache cannot keep
        return Outcome(name, error=f"{name}: {err.filename or 'a file'} cannot be read: {err.strerror or err}; build again", rendered=renderer.rendered[before:])
    except Exception as err:  # a fault in the engine: one paper fails, with a message, and the others are still built
        return Outcome(name, error=f"{name}: {fault(err)}", rendered=renderer.rendered[before:])
    return Outcome(name, files, rendered=renderer.rendered[before:])


def fault(err: Exception) -> str:
    """Say where the engine failed, as a line a person can report, without the traceback."""
    frames = traceback.extract_tb(err.__traceback__)
    where = f" at {Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
    return f"committee-papers failed laying it out ({type(err).__name__}: {err}{where}); its last good outputs are kept; please report it"


# forkserver: workers start clean (no copy of the build's state) and can be recycled.
_CONTEXT = multiprocessing.get_context("forkserver")


def _quiet_when_the_build_has_gone(kind: type[BaseException], error: BaseException, trace: Any) -> None:
    """Say nothing of a worker started as the build stopped, which finds the build's queues gone; say the rest.

    The fork server prints what a worker it starts raises before the worker runs any of our code; a
    worker it was asked for just before Ctrl+C finds the build's semaphores removed, and its traceback
    would follow the build's own "stopped" message.
    """
    frames = traceback.extract_tb(trace)
    if kind is FileNotFoundError and frames and frames[-1].name == "__setstate__" and frames[-1].filename.endswith("synchronize.py"):
        return
    sys.__excepthook__(kind, error, trace)


if sys.argv[:1] == ["-c"]:  # imported by the fork server (started as `python -c`), which preloads this module
    sys.excepthook = _quiet_when_the_build_has_gone


def start_server() -> None:
    """Start the fork server, which imports what every worker needs while this process goes on checking papers."""
    try:
        check_libraries()
    except SystemLibraryError:
        return  # said when the workers are started
    _serve()


def _serve() -> None:
    _CONTEXT.set_forkserver_preload(PRELOAD)
    multiprocessing.forkserver.ensure_running()  # at once if it runs already


class Workers:
    """A pool of worker processes, or this process alone when one is asked for."""

    def __init__(self, content: Path, templates: Path, jobs: int, version: str) -> None:
        self.jobs = jobs
        self.pool: ProcessPoolExecutor | None = None
        if jobs > 1:
            check_libraries()  # before the server imports WeasyPrint: a missing library is a message, not a broken pool
            _serve()
            self.pool = ProcessPoolExecutor(
                jobs, mp_context=_CONTEXT, initializer=_start, initargs=(content, templates, version), max_tasks_per_child=PAPERS_PER_WORKER
            )
        else:
            _start(content, templates, version)

    def submit(self, work: Callable[[T], Outcome], task: T) -> Future[Outcome]:
        """Start a task on a worker; with one job, do it here and now."""
        if self.pool is not None:
            return self.pool.submit(work, task)
        done: Future[Outcome] = Future()
        done.set_result(work(task))
        return done

    def close(self) -> None:
        """Stop the workers once they have finished their tasks."""
        if self.pool is not None:
            self.pool.shutdown()

    def end(self) -> None:
        """End the workers now, whatever they are doing: the build is stopping."""
        if self.pool is None:
            return
        for process in list(getattr(self.pool, "_processes", {}).values()):  # the pool has no public way to end its workers
            process.terminate()
        self.pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        if kind is None:
            self.close()
        else:
            self.end()
