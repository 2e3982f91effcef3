"""Fill a paper's contents list from its headings, once the paper is laid out as dialect HTML."""

from __future__ import annotations

from typing import Any

from lxml import etree

HEADINGS = ("h2", "h3", "h4")
"""The levels a contents list can name: the paper's title (h1) heads the list rather than sits in it; an appendix's h1 is named at the first level."""
APPENDIX = "ancestor::section[contains(concat(' ', normalize-space(@class), ' '), ' appendix ')]"


def fill_contents(document: Any) -> None:
    """Give each `nav.contents` a linked list of the headings after the title, to its depth; give headings ids to link to."""
    navs = document.xpath("//nav[contains(concat(' ', normalize-space(@class), ' '), ' contents ')]")
    if not navs:
        return
    taken = set(document.xpath("//@id"))
    headings = [
        h for h in document.iter("h1", *HEADINGS)
        if not h.xpath("ancestor::nav|ancestor::header|ancestor::footer") and (h.tag != "h1" or h.xpath(APPENDIX))
    ]
    for n, heading in enumerate(headings, 1):
        if not heading.get("id"):
            name = f"contents-{n}"
            while name in taken:
                name += "-"
            heading.set("id", name)
            taken.add(name)
    for nav in navs:
        depth = int(nav.get("data-depth") or 2)
        part = nav.xpath("ancestor::section[1]") if nav.get("data-scope") == "part" else []
        listed = [h for h in headings if part[0] in h.iterancestors() and h.tag != "h1"] if part else headings
        top = min((_level(h) for h in listed), default=1) - 1
        entries = etree.SubElement(nav, "ul")
        for heading in listed:
            level = _level(heading) - top
            if level > depth:
                continue
            item = etree.SubElement(entries, "li", {"class": f"toc-{level}"})
            link = etree.SubElement(item, "a", {"href": "#" + heading.get("id")})
            link.text = " ".join(part.strip() for part in heading.itertext() if part.strip())


def _level(heading: Any) -> int:
    """Return a heading's level in a contents list: an appendix's title and a part's heading are both the first."""
    return 1 if heading.tag == "h1" else HEADINGS.index(heading.tag) + 1
