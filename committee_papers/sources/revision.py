"""The version stamp of a draft: which revision of its sources it was built from, and the date they give."""

from __future__ import annotations

import datetime
import logging
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .dates import created, day_month_year

logger = logging.getLogger(__name__)

UNVERSIONED = "not under version control"
CHANGED = "+ changes"


@dataclass(frozen=True)
class Revision:
    """The commit a paper's sources were last changed in, as git tells it."""

    text: str
    """1a2b3c4, 1a2b3c4 + changes, not yet committed, or not under version control."""
    date: datetime.date | None = None
    """The commit's date: a date from the sources for papers that carry none."""


def revision(paths: list[Path]) -> Revision:
    """Return the last commit touching these files, marked when any has uncommitted changes.

    Git is read here, in the first phase, so the stamp is part of what the
    build decides is up to date; git may be missing, or the files outside any
    repository, and then the stamp says so rather than failing the build.
    """
    folder = paths[0].parent
    names = [str(p.resolve()) for p in paths]
    last = git(folder, "log", "-1", "--format=%h %cs", "--", *names)
    if last is None:
        return Revision(UNVERSIONED)
    if not last:
        return Revision("not yet committed")
    short, day = last.split()
    changed = git(folder, "status", "--porcelain", "--", *names)
    return Revision(f"{short} {CHANGED}" if changed else short, datetime.date.fromisoformat(day))


def git(folder: Path, *args: str) -> str | None:
    """Return git's output in a folder, or None when git is absent or the folder is no repository."""
    try:
        done = subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True, check=False)
    except OSError:
        logger.info("git is not available: drafts are stamped %r", UNVERSIONED)
        return None
    if done.returncode != 0:
        return None
    return done.stdout.strip()


def version_stamp(paper: Any, paths: list[Path]) -> str:
    """Return the line a draft carries on every page: revision 1a2b3c4 + changes, 8th March 2012.

    The date is SOURCE_DATE_EPOCH's, else the paper's own, else its commit's:
    never the clock, so two builds of one revision are byte-identical.
    """
    found = revision(paths)
    label = found.text if found.text in (UNVERSIONED, "not yet committed") else f"revision {found.text}"
    when = dated(paper, found)
    return f"{label}, {day_month_year(when.date())}" if when else label


def dated(paper: Any, found: Revision) -> datetime.datetime | None:
    """Return when a paper's sources say it was made: SOURCE_DATE_EPOCH, else the paper's own date, else its commit's.

    None where none of them gives one: a made-up date (the clock, or 1980) would be shown as if it were the paper's.
    """
    if os.environ.get("SOURCE_DATE_EPOCH") or paper.document_date():
        return created(paper)
    return datetime.datetime.combine(found.date, datetime.time()) if found.date else None
