"""The only files a paper may draw on: data: URLs and files inside the project's asset folders."""

from __future__ import annotations

import base64
import binascii
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from ..sources.errors import RenderError


class Assets:
    """Resolves the images and stylesheets a paper refers to, refusing anything outside its roots."""

    def __init__(self, roots: list[Path]) -> None:
        self.roots = [root.resolve() for root in roots]

    def path_of(self, url: str) -> Path:
        """Return the file a file: URL names, if it lies inside an asset folder."""
        parts = urlsplit(url)
        if parts.scheme != "file":
            raise RenderError(f"{url!r} is not allowed: a paper may only use data: URLs and files in content/ or templates/")
        path = Path(url2pathname(unquote(parts.path))).resolve()
        if not any(path.is_relative_to(root) for root in self.roots):
            raise RenderError(f"{path} is outside the content and template folders; a paper may not use it")
        if not path.is_file():
            raise RenderError(f"{path} does not exist")
        return path

    def read(self, url: str) -> bytes:
        """Return the bytes of an allowed asset URL."""
        if url.startswith("data:"):
            header, _, payload = url.partition(",")
            try:
                return base64.b64decode(payload, validate=True) if header.endswith(";base64") else unquote(payload).encode()
            except binascii.Error:
                raise RenderError(f"{url[:40]!r}...: expected a data: URL of base64 text, got something else") from None
        return self.path_of(url).read_bytes()
