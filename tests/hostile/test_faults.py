"""Faults around the build, not in the papers: each is a message and exit status 1, never a traceback, the last good outputs untouched.

Each case is one cause found by the hostile campaign (issue 16). A damaged
cache is not a failure: it is discarded with a one-line notice and the
build goes on (exit status 0).
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

import committee_papers.pipeline.checking
from committee_papers.commands.cli import main

from ..conftest import MEETING, MINI_REPORT, ROOT

PAPER = "content/cabinet/mini.yaml"
OTHER = "content/cabinet/other.yaml"
PDF = "output/leicester-city/cabinet/mini.pdf"


@pytest.fixture
def built(project) -> Path:
    """Return a project of two papers and a meeting, built once."""
    other = MINI_REPORT.replace("title: A small report", "title: Another report")
    root = project({PAPER: MINI_REPORT, OTHER: other, "content/meetings/cabinet.yaml": MEETING + "  - title: Another report\n    paper: cabinet/other.yaml\n"})
    assert main(["--root", str(root), "--jobs", "1", "--quiet"]) == 0
    return root


def outputs(root: Path) -> dict[str, bytes]:
    """Return every file under output/ by its path, with its bytes."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "output").rglob("*")) if p.is_file()}


def edit(root: Path) -> None:
    """Change the first paper, so the next build writes it again."""
    path = root / PAPER
    path.write_text(path.read_text().replace("Cabinet is recommended to approve", "Cabinet is asked to approve"))


def run(root: Path, capsys) -> tuple[int, str, str]:
    """Build from the command line; return the exit status, what it printed, and what it printed as problems."""
    capsys.readouterr()
    status = main(["--root", str(root), "--jobs", "1"])
    out, err = capsys.readouterr()
    return status, out, err


def failing_on_outputs(monkeypatch, module, function: str, code: int) -> None:
    """Make os.replace or tempfile.mkstemp fail with an OSError of this code for any file in output/."""
    real = getattr(module, function)

    def fail(*args, **kwargs):
        where = str(kwargs.get("dir") or args[-1])  # mkstemp's folder, or replace's target
        if "/output/" in where or where.endswith("/output"):
            raise OSError(code, os.strerror(code), where)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, function, fail)


def test_an_output_folder_that_cannot_be_written_is_a_message(built, capsys, monkeypatch):
    before = outputs(built)
    edit(built)
    failing_on_outputs(monkeypatch, tempfile, "mkstemp", errno.EACCES)  # what a folder without write permission gives (the suite may run as root)
    status, out, err = run(built, capsys)
    assert status == 1
    assert f"{PAPER}: {PDF}: not written, its last good version is kept: permission denied: make the folder writable for whoever runs the build" in err
    assert "Traceback" not in err + out
    assert outputs(built) == before


def test_a_full_disk_is_a_message_and_no_output_is_half_replaced(built, capsys, monkeypatch):
    before = outputs(built)
    edit(built)
    failing_on_outputs(monkeypatch, os, "replace", errno.ENOSPC)
    status, out, err = run(built, capsys)
    assert status == 1
    assert f"{PAPER}: {PDF}: not written, its last good version is kept: the disk is full: free some space, then build again" in err
    assert outputs(built) == before
    assert [p.name for p in (built / "output").rglob(".*")] == []  # no temporary file left behind


def test_a_paper_deleted_during_the_build_is_a_message(built, capsys, monkeypatch):
    before = outputs(built)
    edit(built)
    real = committee_papers.pipeline.checking.check

    def check_then_delete(config):
        checked = real(config)
        (built / PAPER).unlink()  # after its check, before its layout
        return checked

    monkeypatch.setattr(committee_papers.pipeline.checking, "check", check_then_delete)
    status, out, err = run(built, capsys)
    assert status == 1
    assert f"{PAPER}: it cannot be read any more (No such file or directory): it was moved or deleted during the build" in err
    assert "Traceback" not in err + out
    assert {k: v for k, v in outputs(built).items() if "cabinet/mini." in k} == {k: v for k, v in before.items() if "cabinet/mini." in k}


def test_a_root_without_content_is_a_message(tmp_path, capsys):
    status, out, err = run(tmp_path, capsys)
    assert status == 1
    assert err == f"error: {tmp_path}: no content/ folder here: run the build in the project folder, or name it with --root\n"
    assert not (tmp_path / "output").exists() and not (tmp_path / ".cache").exists()


def test_an_old_output_that_cannot_be_removed_is_a_message(built, capsys, monkeypatch):
    (built / OTHER).unlink()
    (built / "content/meetings/cabinet.yaml").write_text(MEETING)
    real = Path.unlink

    def refuse(self, missing_ok=False):
        if "output/leicester-city/cabinet/other." in self.as_posix():
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real(self, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", refuse)
    status, out, err = run(built, capsys)
    assert status == 1
    assert "output/leicester-city/cabinet/other.pdf: an old output could not be removed: permission denied: make the folder writable for whoever runs the build; remove it by hand" in err


def damage_manifest(root: Path) -> None:
    (root / ".cache/manifest.json").write_text('{"format": 2, "data": {"content/cabinet/mini.yaml": ')


def reshape_manifest(root: Path) -> None:
    kept = json.loads((root / ".cache/manifest.json").read_text())
    kept["data"] = {"content/cabinet/mini.yaml": ["not", "an", "entry"]}
    (root / ".cache/manifest.json").write_text(json.dumps(kept))


def other_engine_manifest(root: Path) -> None:
    kept = json.loads((root / ".cache/manifest.json").read_text())
    kept["engine"] = "0" * 64  # as an upgrade of committee-papers finds it
    (root / ".cache/manifest.json").write_text(json.dumps(kept))


def foreign_snapshot(root: Path) -> None:
    (root / ".cache/snapshot.json").write_bytes(b"\x80\x04\x95 binary \xff\xfe")


def file_for_cache_folder(root: Path) -> None:
    shutil.rmtree(root / ".cache")
    (root / ".cache").write_text("not a folder")


def file_for_layouts_folder(root: Path) -> None:
    shutil.rmtree(root / ".cache/packs/cabinet")
    (root / ".cache/packs/cabinet").write_text("not a folder")


def file_for_packs_folder(root: Path) -> None:
    shutil.rmtree(root / ".cache/packs")
    (root / ".cache/packs").write_text("not a folder")


def damage_layout(root: Path) -> None:
    for layout in (root / ".cache/packs/cabinet").glob("front-*.pdf"):
        layout.write_bytes(layout.read_bytes()[:200])


@pytest.mark.parametrize(
    ("damage", "notice"),
    [
        (damage_manifest, ".cache/manifest.json: discarded the cache: it cannot be read (JSONDecodeError); what it remembered is worked out again"),
        (reshape_manifest, ".cache/manifest.json: discarded the cache: it does not hold what it should; what it remembered is worked out again"),
        (other_engine_manifest, ".cache/manifest.json: discarded the cache: another version of the engine wrote it; what it remembered is worked out again"),
        (foreign_snapshot, ".cache/snapshot.json: discarded the cache: it cannot be read (UnicodeDecodeError); what it remembered is worked out again"),
        (file_for_cache_folder, ".cache: discarded the cache: it is not a folder of this project; what it remembered is worked out again"),
        (file_for_layouts_folder, ".cache/packs/cabinet: discarded the cache: it is a file where a folder should be; what it remembered is worked out again"),
        (file_for_packs_folder, ".cache/packs: discarded the cache: it is a file where a folder should be; what it remembered is worked out again"),
        (damage_layout, "discarded a damaged layout from the cache; laid out again"),
    ],
)
def test_a_damaged_cache_is_discarded_with_a_notice(built, capsys, damage, notice):
    before = outputs(built)
    edit(built)
    damage(built)
    status, out, err = run(built, capsys)
    assert status == 0, err
    assert notice in out
    assert sum(notice in line for line in out.splitlines()) == 1  # one line
    assert "Traceback" not in err + out
    after = outputs(built)
    assert after.keys() == before.keys() and after[PDF] != before[PDF]  # the edit was built, nothing lost
    status, out, err = run(built, capsys)  # and the next build trusts the cache it wrote
    assert (status, "discarded" in out) == (0, False)
    assert out.splitlines()[-1] == "0 papers built, 3 up to date"


def descendants(pid: int) -> set[int]:
    """Return the processes started by a process, and by those, from /proc."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def children(pid: int) -> set[int]:
    """Return the processes a process started itself (the fork server, the resource tracker)."""
    return {int(p.parent.name) for p in Path("/proc").glob("[0-9]*/stat") if _parent(p) == pid}


def _parent(stat: Path) -> int | None:
    try:
        return int(stat.read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_stopping_the_build_ends_its_workers_and_says_so(project, stop):
    papers = {f"content/cabinet/paper-{n}.yaml": MINI_REPORT.replace("title: A small report", f"title: Report {n}") for n in range(6)}
    root = project(papers)
    command = [sys.executable, str(ROOT / "build.py"), "--root", str(root), "build", "--jobs", "2"]
    build_process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    workers: set[int] = set()
    for _ in range(600):  # until the fork server has started two workers: its children, not the build's own
        workers = descendants(build_process.pid)
        if len(workers - children(build_process.pid)) >= 2 or build_process.poll() is not None:
            break
        time.sleep(0.05)
    assert len(workers - children(build_process.pid)) >= 2, "the build ended before it started its workers"
    build_process.send_signal(stop)
    out, err = build_process.communicate(timeout=60)
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [pid for pid in workers if alive(pid)] == []
    assert build_process.returncode == 1
    assert "stopped" in err and "Traceback" not in err
    for pdf in (root / "output").rglob("*.pdf"):
        assert pdf.read_bytes().rstrip().endswith(b"%%EOF")  # every output written is whole
