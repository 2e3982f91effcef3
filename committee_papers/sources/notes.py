"""Endnotes: markers officers write in prose, numbered in reading order."""

from __future__ import annotations

import re
from typing import Any

from lxml import html as lxml_html

from .prose import NOTE_MARKER

NOTE_KEY = re.compile(r"[A-Za-z0-9_-]+")

Located = tuple[tuple[Any, ...], str]


def note_problems(texts: list[tuple[tuple[Any, ...], str]], scopes: dict[tuple[Any, ...], set[str]]) -> list[Located]:
    """Return markers with no note and notes no marker uses, scope by scope.

    A scope is the path of a part of the paper that collects its own notes
    (the report, each appendix); a marker belongs to the longest scope that
    contains it.
    """
    used: dict[tuple[Any, ...], set[str]] = {scope: set() for scope in scopes}
    found: list[Located] = []
    for path, text in texts:
        scope = max((s for s in scopes if path[: len(s)] == s), key=len)
        if path[len(scope) : len(scope) + 1] == ("notes",):
            continue
        for key in NOTE_MARKER.findall(text):
            used[scope].add(key)
            if key not in scopes[scope]:
                known = ", ".join(sorted(scopes[scope])) or "none"
                found.append((path, f"note marker [^{key}] has no note in {'.'.join(map(str, (*scope, 'notes')))} (notes written: {known})"))
    for scope, keys in scopes.items():
        for key in sorted(keys - used[scope]):
            if not NOTE_KEY.fullmatch(key):  # no marker could name it
                found.append(((*scope, "notes", key), f"expected a note name of letters, digits, - or _ (as in [^iv]), got {key!r}"))
                continue
            found.append(((*scope, "notes", key), "note is never referred to: write [^" + key + "] in the text where it belongs"))
    return found


ROMAN = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]


def label(n: int, style: str) -> str:
    """Return the label of note n in a numbering style."""
    if style == "lower-roman":
        out = ""
        for value, letters in ROMAN:
            while n >= value:
                out, n = out + letters, n - value
        return out
    if style == "lower-alpha":
        return "abcdefghijklmnopqrstuvwxyz"[(n - 1) % 26] * ((n - 1) // 26 + 1)
    return str(n)


def number_notes(document: Any, style: str) -> None:
    """Number note markers and their notes in each scope of a laid-out document, in place."""
    for scope in document.iter("section"):
        name = scope.get("data-notes")
        if name is None:
            continue
        notes = scope.find(".//ol[@class='endnotes']")
        labels: dict[str, str] = {}
        for ref in scope.iterfind(".//sup[@class='note-ref']"):
            key = ref.attrib.pop("data-note")
            first = key not in labels
            labels.setdefault(key, label(len(labels) + 1, style))
            link = ref[0]
            link.text = labels[key]
            link.set("href", f"#note-{name}-{labels[key]}")
            if first:  # the note links back to where it is first referred to
                link.set("id", f"ref-{name}-{labels[key]}")
        if notes is not None:
            _order(notes, labels, name)
        del scope.attrib["data-notes"]


def _order(notes: Any, labels: dict[str, str], name: str) -> None:
    items = {li.attrib.pop("data-note"): li for li in list(notes)}
    for li in list(notes):
        notes.remove(li)
    for key, text in labels.items():
        li = items[key]
        li.set("id", f"note-{name}-{text}")
        tag = lxml_html.Element("span", {"class": "note-label"})
        tag.text = text
        tag.tail = li.text
        li.text = None
        li.insert(0, tag)
        notes.append(li)
