"""Read a Word package (a .docx: a zip of XML parts) that someone else made, within bounds.

A reviewed DOCX and a council's reference.docx come from outside the build.
A zip of 1.5 MB can inflate to gigabytes, and XML can declare entities that
expand a billionfold or name files and URLs to fetch. Word never writes a
DTD into a package, so a part that declares one is refused outright; the
parser still resolves no entities, fetches nothing and keeps libxml2's
limits on huge trees. Sizes are counted as the bytes come out of the zip,
never taken from the zip's own (forgeable) directory.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path
from typing import IO, Any

from lxml import etree

from .errors import PaperError

MAX_MEMBERS = 2_000
"""A long paper's DOCX has a few dozen parts, images adding one each; a workbook of tables as few (spreadsheets.py)."""
MAX_UNCOMPRESSED = 200 * 2**20
"""All parts together once inflated: a paper of a hundred pages is a few megabytes."""
MAX_RATIO = 200
"""How many times a large part may inflate; Word's XML inflates ten to thirty times, a sheet of figures five to twenty."""
RATIO_FROM = 2**20
"""Parts smaller than this inflate as they like: the total bounds them."""
_CHUNK = 2**16


class PackageError(PaperError):
    """A Word package is damaged, too large or hostile."""


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False, dtd_validation=False)


class Package:
    """The parts of a Word package, each read whole at most once and within the bounds."""

    def __init__(self, source: Path | bytes, name: str) -> None:
        self.name = name
        self._parts: dict[str, bytes] = {}
        stream: IO[bytes] = io.BytesIO(source) if isinstance(source, bytes) else _open(source, name)
        try:
            self._zip = zipfile.ZipFile(stream)
            infos = self._zip.infolist()
        except (OSError, zipfile.BadZipFile, EOFError, ValueError) as err:
            stream.close()
            raise PackageError(f"{name}: not a Word document, or a damaged one ({err}); save it again from Word as .docx") from None
        if len(infos) > MAX_MEMBERS:
            self.close()
            raise PackageError(f"{name}: holds {len(infos)} parts; a Word document has at most {MAX_MEMBERS} (is it the right file?)")
        self.names = [i.filename for i in infos]
        self._infos = {i.filename: i for i in infos}
        self._read_so_far = 0

    def __enter__(self) -> Package:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the zip and the file under it."""
        zip_file = getattr(self, "_zip", None)
        if zip_file is not None:
            fp = zip_file.fp
            zip_file.close()
            if fp is not None:
                fp.close()

    def __contains__(self, part: str) -> bool:
        return part in self._infos

    def read(self, part: str) -> bytes:
        """Return a part's bytes, counting what it inflates to against the bounds."""
        if part not in self._parts:
            self._parts[part] = self._inflate(self._infos[part])
        return self._parts[part]

    def _inflate(self, info: zipfile.ZipInfo) -> bytes:
        out = bytearray()
        try:
            with self._zip.open(info) as member:
                while chunk := member.read(_CHUNK):
                    out += chunk
                    self._read_so_far += len(chunk)
                    self._bound(info, len(out))
        except (OSError, zipfile.BadZipFile, EOFError, ValueError, NotImplementedError, zlib.error) as err:
            raise PackageError(f"{self.name}: {info.filename} cannot be read, the file is damaged or truncated ({err}); save it again from Word") from None
        return bytes(out)

    def _bound(self, info: zipfile.ZipInfo, size: int) -> None:
        if self._read_so_far > MAX_UNCOMPRESSED:
            raise PackageError(f"{self.name}: inflates to more than {MAX_UNCOMPRESSED // 2**20} MB; a Word document of a paper is far smaller (is it the right file?)")
        if size > RATIO_FROM and size > MAX_RATIO * max(info.compress_size, 1):
            raise PackageError(f"{self.name}: {info.filename} inflates more than {MAX_RATIO} times (a zip bomb?); refused")

    def xml(self, part: str) -> Any:
        """Return a part parsed as XML: no DTD, no entities, nothing fetched."""
        try:
            root = etree.fromstring(self.read(part), _parser())
        except etree.XMLSyntaxError as err:
            raise PackageError(f"{self.name}: {part} is not well-formed XML ({err}); save the file again from Word") from None
        if root.getroottree().docinfo.internalDTD is not None or root.getroottree().docinfo.doctype:
            raise PackageError(f"{self.name}: {part} declares a DTD (entities), which Word never writes; refused")
        return root

    def check(self) -> None:
        """Read every part within the bounds and parse every XML part: what a library reading it later will meet."""
        for part in self.names:
            if part.endswith((".xml", ".rels")):
                self.xml(part)
            else:
                self.read(part)


def _open(path: Path, name: str) -> IO[bytes]:
    try:
        return path.open("rb")
    except OSError as err:
        raise PackageError(f"{name}: cannot be read ({err.strerror or err})") from None


def checked_bytes(data: bytes, name: str) -> bytes:
    """Return a package's bytes once every part has been read within the bounds: for libraries that read it themselves."""
    with Package(data, name) as package:
        package.check()
    return data
