"""Preview papers in a browser while they are edited: one long-lived process rebuilds what a save changed, and the open page reloads itself.

The server (Starlette, run by uvicorn) listens on 127.0.0.1 only: unpublished
and exempt papers are not for the network. It shows an index of the papers
and meetings, and each paper's web page as the build wrote it, with a bar
linking to its PDF and Word file and listing its problems, if it has any,
above its last good version. Files are watched with watchfiles; each save is
rebuilt by watch.py's `rebuild_affected`, the build's own path, in this
process, so WeasyPrint, fonts, stylesheets and templates stay loaded between
saves. A page learns that it was rebuilt by server-sent events (the browser's
EventSource) and reloads itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import html
import json
import logging
import socket
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..pipeline.checking import sources
from ..sources.errors import PaperError, relative
from ..sources.project import Config, Report, within_council
from .console import Console
from .watch import Rebuilt, rebuild_affected, relevant

logger = logging.getLogger(__name__)

HOST = "127.0.0.1"
LOCAL_NAMES = {HOST, "localhost"}
INDEX = ""
"""The name the index page's version goes by: it changes with every rebuild."""
HEARTBEAT = 15.0
"""Seconds between comments on an idle event stream, so a closed tab is noticed."""


@dataclass
class Preview:
    """What the server shows, kept up to date by the builder thread: each source's problems, its page, and a version per page."""

    config: Config
    problems: dict[str, list[str]] = field(default_factory=dict)
    """The problems of each paper and meeting at its last build, by name (content/cabinet/report.yaml); empty when it built."""
    pages: dict[Path, str] = field(default_factory=dict)
    """Each built web page (output/...html) and the source it was made from."""
    versions: dict[str, int] = field(default_factory=lambda: {INDEX: 0})
    """How many times each source has been rebuilt; a page reloads when its source's number moves on."""
    busy: bool = True
    stopping: bool = False

    def __post_init__(self) -> None:
        self.loop: asyncio.AbstractEventLoop | None = None
        self.changed: asyncio.Event | None = None

    def record(self, rebuilt: Rebuilt) -> None:
        """Take in what a rebuild did: problems, pages and versions of every source it built."""
        report = rebuilt.report or Report()
        names = [relative(path, self.config.root) for path in rebuilt.papers] + list(report.packs) + list(report.failed)
        for name in dict.fromkeys(names):
            self.problems[name] = report.failed.get(name, [])
            self.versions[name] = self.versions.get(name, 0) + 1
            for page in self.outputs(name).values():
                if page.suffix == ".html":
                    self.pages[page.resolve()] = name
        if rebuilt.report is None and rebuilt.screen:  # the build itself failed: every page says so
            for name in names:
                self.problems[name] = [rebuilt.screen.strip()]
        self.versions[INDEX] += 1

    def outputs(self, name: str) -> dict[str, Path]:
        """Return the outputs a source's build writes that exist now: html, pdf and docx of a paper; index and agenda of a meeting."""
        source = self.config.root / name
        if source.resolve().is_relative_to(self.config.meetings.resolve()):
            folder = self.config.output / "meetings" / source.stem
            found = {"html": folder / "index.html", "pdf": folder / "agenda.pdf", "docx": folder / "agenda.docx"}
            return {ext: path for ext, path in found.items() if path.is_file()}
        for stem in self._candidates(source):
            if stem.with_suffix(".html").is_file():
                return {ext: stem.with_suffix(f".{ext}") for ext in ("html", "pdf", "docx") if stem.with_suffix(f".{ext}").is_file()}
        return {}

    def _candidates(self, source: Path) -> list[Path]:
        """Return where the build may have put a paper's outputs: output/<council>/<path in content>, or under confidential/."""
        try:
            inside = source.resolve().relative_to(self.config.content.resolve())
        except ValueError:
            return []
        councils = sorted(p.parent.name for p in self.config.templates.glob("*/theme.yaml"))
        folders = (self.config.output, self.config.confidential)
        return [(folder / council / within_council(inside, council)).with_suffix("") for folder in folders for council in councils]

    def notify(self) -> None:
        """Tell every open page that sources were rebuilt (safe to call from any thread)."""
        loop = self.loop
        if loop is None:
            return
        try:
            loop.call_soon_threadsafe(self._wake)
        except RuntimeError:  # the server has stopped and closed its loop: no page is left to tell
            pass

    def _wake(self) -> None:
        if self.changed is not None:
            woken, self.changed = self.changed, asyncio.Event()
            woken.set()

    def stop(self) -> None:
        """End every event stream, so the server can stop at once."""
        self.stopping = True
        self.notify()


# ---------------------------------------------------------------- the pages


def page_bar(preview: Preview, name: str) -> str:
    """Return what the preview adds to a built page: links to its other outputs, its problems, and the script that reloads it."""
    links = ['<a href="/">All papers and meetings</a>']
    for ext, label in (("pdf", "PDF"), ("docx", "Word")):
        output = preview.outputs(name).get(ext)
        if output is not None:
            links.append(f'<a href="/output/{_url(preview, output)}">{label}</a>')
    return (
        f'<div class="preview-bar">\n<p><strong>Preview of {html.escape(name)}</strong> · {" · ".join(links)}</p>\n'
        f"{problems_box(preview.problems.get(name, []), last_good=True)}</div>\n{reload_script(preview, name)}"
    )


def problems_box(problems: list[str], *, last_good: bool) -> str:
    """Return a paper's problems as the page shows them, each `file:line:column: field: message`."""
    if not problems:
        return ""
    heading = f"{len(problems)} problem{'s' * (len(problems) != 1)}" + (": below is the last good version" if last_good else "")
    items = "".join(f"<li><code>{html.escape(p)}</code></li>" for p in problems)
    return f'<section class="preview-problems" role="alert" aria-label="Problems"><p><strong>{heading}</strong></p><ul>{items}</ul></section>\n'


def reload_script(preview: Preview, name: str) -> str:
    """Return the script that reloads a page when its source's version moves on (its version as served is written in)."""
    version = preview.versions.get(name, 0)
    return (
        "<script>(function(){var me=" + json.dumps(name) + ",seen=" + str(version) + ',s=new EventSource("/events");'
        "s.onmessage=function(e){var v=JSON.parse(e.data)[me];if(v!==undefined&&v!==seen){s.close();location.reload();}};})();</script>\n"
    )


STYLE = """<style>
.preview-bar { font: 15px/1.4 sans-serif; background: #fff; color: #1a1a1a; border: 2px solid #1a1a1a; margin: 0 0 1em; padding: 0.4em 0.8em; }
.preview-bar a { color: #0b4f8a; }
.preview-problems { border-left: 6px solid #a00000; padding-left: 0.6em; }
.preview-problems code { white-space: pre-wrap; color: #1a1a1a; }
@media print { .preview-bar { display: none; } }
</style>
"""


def with_bar(document: str, bar: str) -> str:
    """Return a built web page with the preview's bar at the top of its body (after the skip link) and its style in its head."""
    document = document.replace("</head>", STYLE + "</head>", 1)
    body = document.find("<body")
    if body < 0:
        return bar + document
    start = document.find(">", body) + 1
    skip = document.find("</a>", start) + len("</a>") if 'class="skip-link"' in document[start : start + 200] else start
    return document[:skip] + "\n" + bar + document[skip:]


def index_page(preview: Preview) -> str:
    """Return the index: every paper and meeting, with its web page, PDF, Word file and how many problems it has."""
    config = preview.config
    rows = []
    for path in sources(config):
        name = relative(path, config.root)
        outputs = preview.outputs(name)
        cells = [f'<a href="/view/{html.escape(name)}">{html.escape(_title(outputs.get("html")) or name)}</a>']
        cells += [f'<a href="/output/{_url(preview, outputs[ext])}">{label}</a>' if ext in outputs else "" for ext, label in (("pdf", "PDF"), ("docx", "Word"))]
        count = len(preview.problems.get(name, []))
        cells.append(f'<a href="/view/{html.escape(name)}">{count} problem{"s" * (count != 1)}</a>' if count else "built")
        rows.append(f"<tr><th scope=\"row\">{cells[0]}<br><code>{html.escape(name)}</code></th>" + "".join(f"<td>{c}</td>" for c in cells[1:]) + "</tr>")
    table = (
        '<table><caption>Papers and meetings</caption><thead><tr><th scope="col">Paper or meeting</th><th scope="col">PDF</th>'
        f'<th scope="col">Word</th><th scope="col">State</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )
    busy = "<p>Building…</p>" if preview.busy else ""
    return _page("Papers and meetings", f"<h1>Papers and meetings</h1>{busy}{table}", reload_script(preview, INDEX))


def problems_page(preview: Preview, name: str) -> str:
    """Return the page of a source that has never built: its problems alone."""
    problems = preview.problems.get(name, [])
    body = problems_box(problems, last_good=False) or "<p>Not built yet.</p>"
    return _page(name, f'<p><a href="/">All papers and meetings</a></p><h1>{html.escape(name)}</h1>{body}', reload_script(preview, name))


def _page(title: str, body: str, script: str) -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>{STYLE}'
        "<style>body { font: 16px/1.5 sans-serif; margin: 2em; color: #1a1a1a; } table { border-collapse: collapse; }"
        " th, td { border: 1px solid #888; padding: 0.3em 0.6em; text-align: left; vertical-align: top; } a { color: #0b4f8a; }</style>"
        f"</head><body><main>{body}</main>{script}</body></html>\n"
    )


def _title(page: Path | None) -> str:
    if page is None:
        return ""
    text = page.read_text(encoding="utf-8", errors="replace")
    start, end = text.find("<title>"), text.find("</title>")
    return html.unescape(text[start + len("<title>") : end]).strip() if 0 <= start < end else ""


def _url(preview: Preview, path: Path) -> str:
    from urllib.parse import quote

    return quote(path.resolve().relative_to(preview.config.output.resolve()).as_posix())


# ---------------------------------------------------------------- the application


def application(preview: Preview) -> Any:
    """Return the Starlette application: the index, each source's page, the built files and the event stream."""
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.trustedhost import TrustedHostMiddleware
    from starlette.requests import Request
    from starlette.responses import (
        FileResponse,
        HTMLResponse,
        JSONResponse,
        RedirectResponse,
        Response,
        StreamingResponse,
    )
    from starlette.routing import Route

    output = preview.config.output.resolve()

    async def index(request: Request) -> Response:
        return HTMLResponse(index_page(preview), headers={"Cache-Control": "no-store"})

    async def view(request: Request) -> Response:
        name = request.path_params["name"]
        page = preview.outputs(name).get("html")
        if page is None:
            return HTMLResponse(problems_page(preview, name), headers={"Cache-Control": "no-store"})
        return RedirectResponse(f"/output/{_url(preview, page)}", status_code=303)

    async def built(request: Request) -> Response:
        path = (output / request.path_params["path"]).resolve()
        inside = path.is_relative_to(output) and not any(part.startswith(".") for part in path.relative_to(output).parts)
        if not inside or not path.is_file():
            return HTMLResponse(_page("Not found", "<h1>Not found</h1>", ""), status_code=404)
        if path.suffix != ".html":
            return FileResponse(path, headers={"Cache-Control": "no-store"})
        name = preview.pages.get(path, "")
        document = path.read_text(encoding="utf-8")
        return HTMLResponse(with_bar(document, page_bar(preview, name)) if name else document, headers={"Cache-Control": "no-store"})

    async def events(request: Request) -> Response:
        return StreamingResponse(_stream(preview, request), media_type="text/event-stream", headers={"Cache-Control": "no-store"})

    async def status(request: Request) -> Response:
        return JSONResponse({"busy": preview.busy, "versions": preview.versions, "problems": preview.problems})

    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        preview.loop = asyncio.get_running_loop()
        preview.changed = asyncio.Event()
        yield
        preview.loop = None

    routes = [
        Route("/", index),
        Route("/view/{name:path}", view),
        Route("/output/{path:path}", built),
        Route("/events", events),
        Route("/status", status),
    ]
    # Only requests addressed to this computer by name: a web page elsewhere cannot reach the previews by DNS rebinding.
    middleware = [Middleware(TrustedHostMiddleware, allowed_hosts=sorted(LOCAL_NAMES))]
    return Starlette(routes=routes, middleware=middleware, lifespan=lifespan)


async def _stream(preview: Preview, request: Any) -> Any:
    """Send the versions of every source now and after every rebuild, until the page or the server goes."""
    sent: dict[str, int] | None = None
    while not preview.stopping:
        changed = preview.changed or asyncio.Event()  # taken before the versions are read, so no rebuild slips between
        if preview.versions != sent:
            sent = dict(preview.versions)
            yield f"data: {json.dumps(sent)}\n\n"
        try:
            await asyncio.wait_for(changed.wait(), HEARTBEAT)
        except TimeoutError:
            yield ": still here\n\n"
        if await request.is_disconnected():
            return


# ---------------------------------------------------------------- running it


def serve(config: Config, *, show: Console, port: int = 8000, host: str = HOST) -> int:
    """Build everything once, then serve the previews and rebuild on every save until Ctrl+C."""
    if host not in LOCAL_NAMES:
        raise PaperError(f"serve listens on {HOST} only, got --host {host}: unpublished and exempt papers are not for the network")
    listening = _listen(port)
    preview = Preview(config)
    try:
        _show(show, rebuild_affected(config, None), preview, port)
        builder = Builder(preview, show, port)
        builder.start()
        try:
            _run(application(preview), listening, preview)
        finally:
            builder.stop()
            preview.stop()
    except KeyboardInterrupt:  # uvicorn raises it again once it has stopped serving
        pass
    finally:
        listening.close()
    return 0


def _listen(port: int) -> socket.socket:
    """Return a socket bound to the port on 127.0.0.1, or raise a message if the port is taken."""
    listening = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listening.bind((HOST, port))
    except OSError as err:
        listening.close()
        if err.errno == errno.EADDRINUSE:
            raise PaperError(f"port {port} on {HOST} is in use (another serve, or another program): choose another with --port") from None
        raise PaperError(f"cannot listen on {HOST}:{port}: {err.strerror}") from None
    listening.listen(64)
    return listening


def _run(app: Any, listening: socket.socket, preview: Preview) -> None:
    """Serve until Ctrl+C; open event streams are ended first, so stopping never waits on a browser tab."""
    import uvicorn

    class Server(uvicorn.Server):
        def handle_exit(self, sig: int, frame: Any) -> None:
            preview.stop()
            super().handle_exit(sig, frame)

    settings = uvicorn.Config(app, log_level="warning", access_log=False, timeout_graceful_shutdown=2, lifespan="on")
    Server(settings).run(sockets=[listening])


class Builder:
    """The thread that watches content/ and templates/ and rebuilds, in this process, what each save calls for."""

    def __init__(self, preview: Preview, show: Console, port: int) -> None:
        self.preview = preview
        self.show = show
        self.port = port
        self.halt = threading.Event()
        self.thread = threading.Thread(target=self._watch, name="committee-papers-builder")

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        """Stop watching; a build under way is finished first, so no output is left half written."""
        self.halt.set()
        self.thread.join()

    def _watch(self) -> None:
        from watchfiles import watch as changes

        config = self.preview.config
        for batch in changes(config.content, config.templates, watch_filter=relevant, stop_event=self.halt, rust_timeout=500):
            self.preview.busy = True
            rebuilt = rebuild_affected(config, [Path(path) for _, path in batch])
            _show(self.show, rebuilt, self.preview, self.port)
            if rebuilt.report is not None and not config.papers and _binds(rebuilt, config):
                # A paper's own page first; then the packs that bind it, whose pages reload when they are bound again.
                self.preview.busy = True
                _show(self.show, rebuild_affected(config, _meetings(config)), self.preview, self.port)


def _meetings(config: Config) -> list[Path]:
    return [p for p in sources(config) if p.is_relative_to(config.meetings.resolve())]


def _binds(rebuilt: Rebuilt, config: Config) -> bool:
    """Tell whether a rebuild changed papers some meeting may bind (and it did not rebuild the meetings already)."""
    meetings = _meetings(config)
    return bool(meetings) and not set(meetings) <= {p.resolve() for p in rebuilt.papers}


def _show(show: Console, rebuilt: Rebuilt, preview: Preview, port: int) -> None:
    """Take a rebuild in, tell the open pages, and say on the terminal how it went."""
    preview.record(rebuilt)
    preview.busy = False
    preview.notify()
    if rebuilt.screen:
        show.out.write(f"{rebuilt.screen}serving http://{HOST}:{port}/ ; watching content/ and templates/; Ctrl+C to stop\n")
        show.out.flush()
