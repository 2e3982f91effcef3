"""Write and remove outputs so that a reader never sees half a file and a failed paper keeps its last good one."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from ..sources.errors import PaperError, relative

# What the clerk can do about a file the build could not write or remove, by the system's reason.
_ADVICE = {
    errno.ENOSPC: "the disk is full: free some space, then build again",
    errno.EDQUOT: "the disk quota is used up: free some space, then build again",
    errno.EACCES: "permission denied: make the folder writable for whoever runs the build",
    errno.EPERM: "permission denied: make the folder writable for whoever runs the build",
    errno.EROFS: "the disk is read-only: build on a writable copy",
}


class OutputError(PaperError):
    """An output could not be written or removed; the outputs it would have replaced are as they were."""


def write_atomic(path: Path, data: bytes) -> None:
    """Write data to path through a temporary file beside it and an atomic rename."""
    temporary = _stage(path, data)
    try:
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_all(files: dict[Path, bytes], root: Path | None = None) -> None:
    """Write a paper's outputs, all of them made and staged beside their targets before any replaces its last good one.

    Raise OutputError naming the file if the disk is full or a folder not
    writable: a full disk is met while staging, when nothing has changed.
    """
    staged: dict[Path, Path] = {}
    try:
        for path, data in files.items():
            staged[path] = _stage(path, data)
        for path, temporary in list(staged.items()):
            os.replace(temporary, path)
            del staged[path]
    except OSError as err:
        raise OutputError(why_not_written(path, err, root or Path.cwd())) from None
    finally:
        for temporary in staged.values():
            temporary.unlink(missing_ok=True)


def remove(path: Path, root: Path) -> None:
    """Remove an output no source makes any more, or raise OutputError saying why it could not be."""
    try:
        path.unlink(missing_ok=True)
    except OSError as err:
        raise OutputError(f"{relative(path, root)}: an old output could not be removed: {_advice(err)}; remove it by hand") from None
    for folder in path.parents:  # the folders it leaves empty go too
        if folder == root or not folder.is_relative_to(root):
            break
        try:
            folder.rmdir()
        except OSError:  # not empty, or not ours to remove
            break


def published_files(output: Path, root: Path) -> set[str]:
    """Return every file in output/, as paths from the project root, but hidden ones (temporary files of a write under way, a web server's settings)."""
    found = set()
    top = relative(output, root)  # resolved once: the walk below it follows no links
    for here, folders, files in os.walk(output):
        folders[:] = [folder for folder in folders if not folder.startswith(".")]
        inside = Path(here).relative_to(output).as_posix()
        folder = top if inside == "." else f"{top}/{inside}"
        found |= {f"{folder}/{file}" for file in files if not file.startswith(".")}
    return found


def why_not_written(path: Path, err: OSError, root: Path) -> str:
    """Return the message for an output that could not be written."""
    return f"{relative(path, root)}: not written, its last good version is kept: {_advice(err)}"


def _advice(err: OSError) -> str:
    return _ADVICE.get(err.errno or 0, err.strerror or str(err))


def _stage(path: Path, data: bytes) -> Path:
    """Write data to a temporary file beside path, readable by all, and return it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    temporary = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(temporary, 0o644)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary
