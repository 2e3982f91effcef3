"""Officers' Markdown to the dialect's inline and list vocabulary, sanitised."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlsplit

import markdown
import nh3
from markdown.preprocessors import Preprocessor
from markupsafe import Markup

# What a paper's own text may contain (docs/dialect.md): a paper can never add
# an element outside the dialect, whatever an officer pastes.
TAGS = {"p", "ul", "ol", "li", "strong", "em", "a", "br", "sup", "sub"}
ATTRIBUTES = {"a": {"href"}}
SCHEMES = {"http", "https", "mailto", "tel"}

NOTE_MARKER = re.compile(r"\[\^([A-Za-z0-9_-]+)\]")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+\S")
_LINK = re.compile(r"\]\(\s*<?((?:[^()\s>]|\([^()\s]*\))+)|^\s*\[[^\]]+\]:\s*<?([^\s>]+)|<([A-Za-z][A-Za-z0-9+.-]*:[^>\s]*)>", re.MULTILINE)
# What Markdown passes through as HTML (its own rule: a tag name, anything but
# spaces, < > and @, then attributes), and comments, declarations and processing
# instructions. `<svg/onload=...>` is a tag too; an autolink <https://...> is not.
_HTML = re.compile(r"<(/?[A-Za-z][A-Za-z0-9-]*)(?![A-Za-z0-9+.-]*:)[^<>@\s]*(?:\s[^<>]*)?>|<!--|<[!?]")
_IMAGE = re.compile(r"!\[[^\]]*\]\(")
_IMAGE_WHOLE = re.compile(r"!\[[^\]]*\]\([^)]*\)")


class _ListsWithoutBlankLine(Preprocessor):
    """Let a list follow its introducing line directly, as officers type it."""

    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        for line in lines:
            if _LIST_ITEM.match(line) and out and out[-1].strip() and not _LIST_ITEM.match(out[-1]) and not out[-1].startswith(" "):
                out.append("")
            out.append(line)
        return out


@lru_cache(maxsize=1)
def _converter() -> markdown.Markdown:
    # tab_length=2: officers nest lists by two spaces, as YAML is indented.
    md = markdown.Markdown(extensions=["sane_lists"], tab_length=2, output_format="html")
    md.preprocessors.register(_ListsWithoutBlankLine(md), "lists_without_blank_line", 35)
    return md


# Text Markdown would give back as it is, in one paragraph: one line, starting with a letter or
# digit, holding nothing Markdown, HTML or the sanitiser reads (a list's number 1. needs a space
# after it, which the second pattern refuses). Most table cells and names are such text.
_PLAIN = re.compile(r"[A-Za-z0-9\u00c0-\u024f][^\x00-\x1f\x7f-\xa0*_`\[\]<>&\\!#|~^\u2028\u2029]*")
_LIST_NUMBER = re.compile(r"\d+[.)]\s")


def plain(text: str) -> bool:
    """Tell whether Markdown and the sanitiser would give a text back as it is, in one paragraph."""
    return bool(_PLAIN.fullmatch(text)) and text == text.rstrip() and not _LIST_NUMBER.match(text) and "  " not in text


def to_html(text: str) -> Markup:
    """Return a prose field as sanitised block HTML (paragraphs and lists)."""
    if plain(text):
        return Markup(f"<p>{text}</p>")  # what markdown_html makes of it, at a hundredth of the cost
    return markdown_html(text)


def markdown_html(text: str) -> Markup:
    """Return a prose field through Markdown and the sanitiser: paragraphs, lists, emphasis, links and note markers."""
    md = _converter()
    html = md.reset().convert(text)
    clean = nh3.clean(
        html, tags=TAGS, attributes=ATTRIBUTES, url_schemes=SCHEMES, link_rel=None, strip_comments=True
    )
    return Markup(NOTE_MARKER.sub(_note_ref, clean).strip())


def to_inline(text: str) -> Markup:
    """Return a prose field as inline HTML when it is one paragraph, else as blocks."""
    html = to_html(text)
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        return Markup(html[3:-4])
    return html


def _note_ref(match: re.Match[str]) -> str:
    key = match.group(1)
    return f'<sup class="note-ref" data-note="{key}"><a href="#note-{key}">{key}</a></sup>'


def link_problems(text: str) -> list[str]:
    """Return what is wrong with the raw HTML, links and images a prose field holds."""
    return [message for message, _ in text_problems(text)]


def text_problems(text: str) -> list[tuple[str, str]]:
    """Return what is wrong with the raw HTML, links and images a prose field holds, each with the piece of text it is about."""
    found = []
    html = _HTML.search(text)
    if html:
        tag = f"<{html.group(1)}>" if html.group(1) else html.group()
        found.append((f"raw HTML such as {tag} is not allowed in text; write Markdown: **bold**, *italic*, [a link](https://...)", html.group()))
    image = _IMAGE.search(text)
    if image:
        found.append(("images are not allowed in text; use a figure", image.group()))
    for target in (next(g for g in groups if g) for groups in _LINK.findall(_IMAGE_WHOLE.sub("", text))):
        scheme = urlsplit(target).scheme.lower()
        if target.startswith("#"):
            continue
        if scheme not in SCHEMES:
            found.append((f"expected a web address (https://...) or mailto: link, got {target!r}", target))
    return found
