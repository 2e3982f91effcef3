"""The project most hostile cases break one file of: built once for each test module that asks for it."""

from __future__ import annotations

from pathlib import Path

import pytest

from .built import built_project, outputs


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> tuple[Path, dict[str, bytes]]:
    """Return a project whose papers were built once, and the outputs of the Leicester paper the cases break."""
    root = built_project(tmp_path_factory.mktemp(request.module.__name__.rpartition(".")[2]))
    return root, outputs(root)
