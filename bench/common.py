"""What the bench scripts share: a corpus to work on, the build as a clerk runs it, medians and a table."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import corpus  # noqa: E402  (bench/ is not a package: run as python bench/<script>.py)

# Builds run here and in subprocesses must agree on the date they stamp, or each would find the other's outputs stale.
os.environ["SOURCE_DATE_EPOCH"] = "1320000000"
ENV = dict(os.environ)


def make_corpus(folder: Path, papers: int) -> Path:
    """Write a corpus of this many papers into folder (quietly) and return the folder."""
    corpus.write_corpus(folder, papers)
    return folder


def run_build(root: Path, *args: str) -> float:
    """Run `python build.py build` on a project as the clerk would; return the wall-clock seconds."""
    command = [sys.executable, str(REPO / "build.py"), "--root", str(root), "build", *args]
    start = time.perf_counter()
    done = subprocess.run(command, env=ENV, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"build failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return seconds


def timed(work: Callable[[], Any]) -> float:
    """Return how many seconds the work took."""
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def table(headings: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Return a Markdown table, numbers to a sensible precision."""
    def cell(value: Any) -> str:
        if isinstance(value, float):
            return f"{value:.3f}" if abs(value) < 10 else f"{value:.1f}"
        return str(value)

    lines = ["| " + " | ".join(headings) + " |", "|" + "---|" * len(headings)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def page_count(pdf: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(pdf).pages)


def papers_of(root: Path) -> list[Any]:
    """Return the checked papers of a project (committee_papers.pipeline.checking.Job), in content order."""
    from committee_papers.pipeline.checking import check
    from committee_papers.sources.project import Config

    return check(Config(root=root)).jobs


def machine() -> str:
    """Return one line saying what this ran on."""
    return f"{os.cpu_count()} cores, Python {sys.version.split()[0]}"
