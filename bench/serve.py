"""Edit to view: a saved paper reaching the page `serve` shows, against that paper's own render.

    python bench/serve.py --papers 30 --rounds 3

Writes a corpus, starts `python build.py serve` on it (its first build is
not timed), and picks papers of about 2 to 40 pages. Each round, for each of
them, alternating: saves a change to the paper's title, then times until the
server's event stream says the paper was rebuilt and its served page shows
the new title; and times the paper's own render in this (warm) process (PDF,
DOCX with its anchors back to the YAML, and HTML). One untimed save per
paper first warms both sides for its council (an officer's first save after
starting serve pays for loading fonts and templates once). Target: edit to
view at most 1.5 times the paper's own render.
"""

from __future__ import annotations

import argparse
import json
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

from common import ENV, REPO, machine, make_corpus, median, page_count, papers_of, run_build, table, timed


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - our own server on 127.0.0.1
            return response.read().decode("utf-8")
    except OSError:
        return None


def listen(address: str, events: queue.Queue[dict[str, int]]) -> None:
    """Put every versions message of the server's event stream on a queue, as the browser's EventSource reads them."""
    with urllib.request.urlopen(f"{address}/events", timeout=600) as stream:  # noqa: S310
        for line in stream:
            if line.startswith(b"data: "):
                events.put(json.loads(line[6:]))


def settle(address: str) -> None:
    """Wait until the server has nothing left to build (the packs of the last change included)."""
    while True:
        status = json.loads(fetch(f"{address}/status") or '{"busy": true}')
        if not status["busy"]:
            time.sleep(0.5)  # a pack's rebuild follows its paper's at once
            if not json.loads(fetch(f"{address}/status") or '{"busy": true}')["busy"]:
                return
        time.sleep(0.1)


SHOWN = r"(title|department|portfolio)"
"""A field every kind of the corpus shows on its first page: a report's title, a monitoring's department, a plan's portfolio."""


def edit(paper: Path, mark: str) -> None:
    """Change a paper as an officer would: a word in its title (or department, or portfolio), saved."""
    text = paper.read_text(encoding="utf-8")
    pattern = rf"^{SHOWN}: (['\"]?)(.*?)( rev \w+)?\2$"
    changed, count = re.subn(pattern, rf"\g<1>: \g<2>\g<3> rev {mark}\g<2>", text, count=1, flags=re.M)
    if not count:
        raise SystemExit(f"{paper} has no top-level title, department or portfolio to edit")
    paper.write_text(changed, encoding="utf-8")


def edit_to_view(address: str, events: queue.Queue[dict[str, int]], paper: Path, name: str, page: str, mark: str) -> float:
    """Save a change and return the seconds until the served page shows it."""
    while not events.empty():
        events.get_nowait()
    start = time.perf_counter()
    edit(paper, mark)
    while True:
        versions = events.get(timeout=600)
        if name in versions:
            shown = fetch(f"{address}/output/{page}") or ""
            if f"rev {mark}" in shown:
                return time.perf_counter() - start
            problems = json.loads(fetch(f"{address}/status") or "{}").get("problems", {}).get(name)
            if problems:
                raise SystemExit(f"the edited paper has problems: {problems}")


def chosen(root: Path, sizes: list[int]) -> list[tuple[Any, int]]:
    """Return the checked papers whose PDFs come closest to each page count asked for."""
    jobs = papers_of(root)
    from committee_papers.sources.project import Config

    config = Config(root)
    pages = [(job, page_count(job.target(config, "pdf"))) for job in jobs]
    picked = []
    for size in sizes:
        job, count = min(pages, key=lambda p: abs(p[1] - size))
        if job not in [j for j, _ in picked]:
            picked.append((job, count))
    return picked


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sizes", default="2,10,40", help="page counts to pick papers near (default: 2,10,40)")
    parser.add_argument("--folder", type=Path, default=Path("/tmp/committee-papers-bench/serve"))
    args = parser.parse_args()
    root = make_corpus(args.folder / "project", args.papers)
    run_build(root)
    picked = chosen(root, [int(s) for s in args.sizes.split(",")])
    port = free_port()
    address = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, str(REPO / "build.py"), "--root", str(root), "serve", "--port", str(port)],
        env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        while fetch(f"{address}/status") is None:
            if server.poll() is not None:
                raise SystemExit("serve stopped before it served")
            time.sleep(0.2)
        events: queue.Queue[dict[str, int]] = queue.Queue()
        threading.Thread(target=listen, args=(address, events), daemon=True).start()
        from committee_papers.sources.project import Config
        from committee_papers.sources.provenance import Origin
        from committee_papers.outputs.render import Renderer

        renderer = Renderer(root / "content", root / "templates")
        config = Config(root)
        rows = []
        for job, pages in picked:
            paper, name = job.source.path, job.source.name
            page = job.target(config, "html").resolve().relative_to((root / "output").resolve()).as_posix()
            served, own = [], []
            renderer.outputs(job.paper, job.theme, paper.parent, name)  # warms this process for the paper's council
            settle(address)
            edit_to_view(address, events, paper, name, page, f"warm{time.time_ns() % 10**6}")  # and the server, as a first save does
            for n in range(args.rounds):
                settle(address)
                served.append(edit_to_view(address, events, paper, name, page, f"{n}x{time.time_ns() % 10**6}"))
                fresh = next(j for j in papers_of(root) if j.source.path == paper)
                origin = Origin.of(fresh.loaded(), [source for source, _ in fresh.paper.data_sources()])
                own.append(timed(lambda: renderer.outputs(fresh.paper, fresh.theme, paper.parent, name, origin=origin, stamp=fresh.stamp)))
            rows.append([f"{paper.name} ({pages} pages)", median(served), median(own), median(served) / median(own),
                         ", ".join(f"{s:.2f}" for s in served)])
        print(f"Edit to view with serve, {args.papers} papers, {args.rounds} rounds, medians; {machine()}")
        print(table(["paper", "edit to view (s)", "own render (s)", "ratio (target <= 1.5)", "runs"], rows))
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=120)
    return 0


if __name__ == "__main__":
    sys.exit(main())
