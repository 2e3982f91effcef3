"""Check, before WeasyPrint is imported, that the system libraries it needs are there."""

from __future__ import annotations

import ctypes.util

from ..sources.errors import SystemLibraryError

# library name as the loader knows it -> the Debian package that provides it
LIBRARIES = {
    "pango-1.0": "libpango-1.0-0",
    "pangoft2-1.0": "libpangoft2-1.0-0",
    "harfbuzz-subset": "libharfbuzz-subset0",
}


def check_libraries() -> None:
    """Raise SystemLibraryError naming the Debian packages to install, if any library is missing."""
    missing = [package for library, package in LIBRARIES.items() if ctypes.util.find_library(library) is None]
    if missing:
        raise SystemLibraryError(
            f"missing system libraries for PDF output: install the Debian packages {' '.join(missing)} "
            f"(apt-get install -y {' '.join(missing)}, or run .ci/system-packages)"
        )
