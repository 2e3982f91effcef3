"""Hostile content: markup in officers' text is refused at its line, never stripped; metadata past Word's limits is cut, not fatal."""

from __future__ import annotations

import io

import docx
import pytest

from committee_papers.build import Config, build
from committee_papers.cli import main

from ..conftest import MINI_REPORT, make_project
from .built import PAPER, build_with, built_project, outputs, place, refused

MARKDOWN = "write Markdown: **bold**, *italic*, [a link](https://...)"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Return a project whose papers were built once, and the outputs of the one the cases break."""
    root = built_project(tmp_path_factory.mktemp("hostile-injection"))
    return root, outputs(root)


@pytest.mark.parametrize(
    ("markup", "tag"),
    [
        ("<svg/onload=alert(1)>", "<svg>"),
        ("<img src=x onerror=alert(1)>", "<img>"),
        ("<script>alert(1)</script>", "<script>"),
        ("<b>the thing</b>", "<b>"),
        ("<!-- hidden -->", "<!--"),
        ("<?php echo 1 ?>", "<?"),
    ],
)
def test_markup_in_prose_is_refused_at_its_line(built, markup, tag, capsys):
    source = MINI_REPORT.replace("This report presents the thing.[^a]", f"This report presents {markup}.[^a]")
    err = refused(built, PAPER, source, capsys)
    assert err == f"{PAPER}:{place(source, markup)}: sections[0].content[0]: raw HTML such as {tag} is not allowed in text; {MARKDOWN}\n"


@pytest.mark.parametrize("text", ["costs < 5% and x > y", "a<b", "<https://example.org/a>", "<clerk@example.gov.uk>"])
def test_comparisons_and_autolinks_are_text_not_markup(built, text, capsys):
    root, _ = built
    source = MINI_REPORT.replace("This report presents the thing.[^a]", f"'This report presents {text}.[^a]'")
    status, err = build_with(root, PAPER, source, capsys, str(root / PAPER))
    assert (status, err) == (0, "")
    main(["--root", str(root), "--jobs", "1", "--quiet", "build", str(root / PAPER)])  # the outputs as they were


def test_a_title_longer_than_word_holds_is_cut_in_the_properties_and_whole_in_the_body(tmp_path):
    title = " ".join(f"word{i}" for i in range(60))  # 400 characters
    root = make_project(tmp_path, {PAPER: MINI_REPORT.replace("title: A small report", f"title: {title}")})
    assert build(Config(root, jobs=1)).ok
    document = docx.Document(io.BytesIO((root / "output/leicester-city/cabinet/mini.docx").read_bytes()))
    kept = document.core_properties.title
    assert len(kept) <= 255 and kept.endswith("…")
    assert title.startswith(kept.removesuffix("…")) and title[len(kept) - 1] == " "
    assert title in "\n".join(p.text for p in document.paragraphs)
