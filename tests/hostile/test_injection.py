"""Hostile content: markup in officers' text is refused at its line, never stripped; metadata past Word's limits is cut, not fatal."""

from __future__ import annotations

import io
import re

import docx
import pytest

from committee_papers.commands.cli import main
from committee_papers.commands.console import Console
from committee_papers.layout.assets import Assets
from committee_papers.pipeline.build import Config, Report, build
from committee_papers.sources.errors import RenderError

from ..conftest import MINI_REPORT, make_project
from .built import PAPER, build_with, place, refused

MARKDOWN = "write Markdown: **bold**, *italic*, [a link](https://...)"



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


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_file_name_is_shown_on_a_terminal_as_written_not_as_rich_markup():
    err = Terminal()
    report = Report(built=["content/[bold]a.yaml"], failed={"content/[red]b.yaml": ["content/[red]b.yaml:1:1: wrong"]})
    Console(out=Terminal(), err=err).report(report, "built")
    table = re.sub(r"\x1b\[[0-9;]*m", "", err.getvalue())
    assert "content/[bold]a.yaml" in table and "content/[red]b.yaml" in table


def test_a_template_image_of_broken_base64_is_a_message(tmp_path):
    assets = Assets([tmp_path])
    with pytest.raises(RenderError, match="expected a data: URL of base64 text"):
        assets.read("data:image/png;base64,not*base64!")
