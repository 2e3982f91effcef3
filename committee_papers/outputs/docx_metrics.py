"""Measure text with the real font, so the DOCX gives a table column room for its longest word.

Word and LibreOffice break a word that does not fit its column mid-word;
a browser (and WeasyPrint) widens the column instead. The writer measures
each column's longest word in the font the reference names (found by
fontconfig, as LibreOffice finds it) and widens the column to hold it.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from functools import lru_cache

from fontTools.ttLib import TTFont, TTLibError

log = logging.getLogger(__name__)

AVERAGE_ADVANCE = 0.56  # of the font size: an Arial-like font's mean advance, when no font file is found


@lru_cache(maxsize=None)
def _font(family: str, bold: bool) -> tuple[dict[int, int], float] | None:
    """Return the advance width of each character of a font (in font units) and its units per em."""
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None
    pattern = f"{family}:bold" if bold else family
    found = subprocess.run([fc_match, "--format=%{file}", pattern], capture_output=True, text=True, check=False)
    if found.returncode != 0 or not found.stdout:
        return None
    try:
        with TTFont(found.stdout, fontNumber=0) as font:
            metrics = font["hmtx"].metrics
            advances = {code: metrics[name][0] for code, name in font.getBestCmap().items()}
            return advances, float(font["head"].unitsPerEm)
    except (OSError, KeyError, TTLibError) as error:  # a font it cannot read: measure by the average
        log.debug("cannot read %s for measuring: %s", found.stdout, error)
        return None


def text_width(text: str, family: str, size: float, *, bold: bool = False) -> float:
    """Return the width of a line of text in points."""
    font = _font(family, bold)
    if font is None:
        return len(text) * size * AVERAGE_ADVANCE
    advances, units = font
    fallback = units * AVERAGE_ADVANCE
    return sum(advances.get(ord(char), fallback) for char in text) * size / units
