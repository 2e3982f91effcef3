"""Hostile themes and templates: values that would end the page's stylesheet, broken templates, broken reference documents."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile

import pytest

from committee_papers.commands.cli import main
from committee_papers.models.theme import fallback_font, installed_fonts
from committee_papers.pipeline.build import Config, build

from ..conftest import MINI_REPORT, ROOT, make_project
from .built import OTHER, PAPER, outputs, place, refused, replaced

THEME = "templates/leicester-city/theme.yaml"
CSS = "templates/leicester-city/theme.css"
TEMPLATE = "templates/leicester-city/declared.html.j2"
REFERENCE = "templates/leicester-city/reference.docx"
COUNCIL_LINE = f"{PAPER}:2:10: council: the council's theme has problems, told in its own lines\n"



def theme_with(built, old: str, new: str) -> str:
    """Return the Leicester theme with one piece of it replaced."""
    text = (built[0] / THEME).read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new)


def test_a_font_name_that_would_end_the_stylesheet_is_refused(built, capsys):
    hostile = '\'Arial"; } </style><script>alert(1)</script>\''
    theme = theme_with(built, "body: [Arial, Liberation Sans]", f"body: [{hostile}, Liberation Sans]")
    err = refused(built, THEME, theme, capsys)
    expected = "a font family's name such as Arial (letters, digits, spaces and . ' & + -, at most 64)"
    got = repr(hostile.strip("'")[:37] + "...")
    assert err == COUNCIL_LINE + f"{THEME}:{place(theme, hostile)}: fonts.body[0]: expected {expected}, got {got}\n"


@pytest.mark.parametrize(("markup", "found"), [("</style>", "</style"), ("</STYLE >", "</STYLE"), ("<!--", "<!--"), ("<Script>", "<Script")])
def test_a_stylesheet_holding_markup_is_refused_at_its_line(built, markup, found, capsys):
    css = f"/* the council's additions */\np {{ margin: 0; }}\nh1::after {{ content: '{markup}'; }}\n"
    err = refused(built, CSS, css, capsys)
    assert err == COUNCIL_LINE + (
        f"{CSS}:{place(css, markup)}: expected CSS, got {found!r}: "
        "a stylesheet may not hold markup, which would end the web page's <style>\n"
    )


def test_a_stylesheet_of_css_is_added_to_the_web_page(built, capsys):
    root, _ = built
    css = "p.council { letter-spacing: 0.02em; }\n"
    with replaced(root / CSS, css):
        assert main(["--root", str(root), "--jobs", "1", "--quiet", "build", str(root / PAPER)]) == 0
        page = (root / "output/leicester-city/cabinet/mini.html").read_text(encoding="utf-8")
    assert css in page
    assert page.count("<style>") == 1 and "<script" not in page
    assert main(["--root", str(root), "--jobs", "1", "--quiet", "build", str(root / PAPER)]) == 0  # as before


def test_an_undefined_attribute_in_a_council_template_is_a_message_and_the_other_papers_build(built, capsys):
    root, before = built
    template = '{% extends "default/declared.html.j2" %}\n{% block keywords %}\n{{ paper.no_such_field }}{% endblock %}\n'
    capsys.readouterr()
    with replaced(root / TEMPLATE, template):
        report = build(Config(root, force=True, jobs=1))
    assert report.failed == {PAPER: [
        f"{TEMPLATE}:3: undefined: a CommitteeReport has no attribute 'no_such_field' (while laying out {PAPER})"
    ]}
    assert report.built == [OTHER]
    assert outputs(root) == before


def test_a_template_syntax_error_from_a_worker_is_one_line_on_the_command_line(built):
    root, before = built
    with replaced(root / TEMPLATE, '{% extends "default/declared.html.j2" %}\n\n{% block keywords %}{% if %}{% endblock %}\n'):
        result = subprocess.run(
            [sys.executable, str(ROOT / "build.py"), "--root", str(root), "--quiet", "--jobs", "2", "build", "--force"],
            capture_output=True, text=True,
        )
    assert result.returncode == 1
    assert result.stderr == (
        f"{TEMPLATE}:3: template syntax: Expected an expression, got 'end of statement block' (while laying out {PAPER})\n"
    )
    assert outputs(root) == before


def _zip_of(**parts: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return out.getvalue()


@pytest.mark.parametrize(
    ("content", "what"),
    [
        (b"not a zip at all", "a file that is not a Word document"),
        (_zip_of(**{"readme.txt": "hello"}), "a zip archive that is not a Word document"),
    ],
)
def test_a_reference_document_word_could_not_open_is_named(built, content, what, capsys):
    err = refused(built, REFERENCE, content, capsys)
    assert err == (
        f"{PAPER}: {REFERENCE}: expected a Word document (.docx) whose styles the papers use, got {what}; "
        "save it again from Word as .docx, or delete it to use the default styles\n"
    )


def test_fonts_none_of_which_is_installed_are_a_warning_naming_the_font_used(tmp_path, capsys):
    root = make_project(tmp_path, {PAPER: MINI_REPORT})
    theme = root / THEME
    text = theme.read_text(encoding="utf-8").replace("body: [Arial, Liberation Sans]", "body: [No Such Face, Nor This One]")
    theme.write_text(text, encoding="utf-8")
    assert main(["--root", str(root), "--jobs", "1", "--quiet", "build"]) == 0
    used = fallback_font("No Such Face")
    assert capsys.readouterr().err == (
        f"warning: {THEME}:{place(text, '[No Such Face')}: fonts.body: none of these fonts is installed: "
        f"No Such Face, Nor This One; papers will be set in {used} (install one, or name one that is)\n"
    )
    assert used.casefold() in installed_fonts()


def test_a_council_stylesheet_template_that_would_end_the_style_element_is_a_message(built, capsys):
    root, before = built
    template = '{% include "default/paper.css.j2" %}\nh1::before { content: "{{ theme.name }}</style>"; }\n'
    err = refused(built, "templates/leicester-city/paper.css.j2", template, capsys)
    assert err == (
        "templates/leicester-city/paper.css.j2: the stylesheet it makes holds '</style', "
        f"which would end the web page's <style> (while laying out {PAPER})\n"
    )


@pytest.mark.parametrize(
    ("body", "what"),
    [
        ('{% include "no-such-block.html.j2" %}', "no template named 'no-such-block.html.j2' in templates/leicester-city/ or templates/default/"),
        ("{{ paper.title / 0 }}", "TypeError: unsupported operand type(s) for /: 'str' and 'int'"),
    ],
)
def test_a_council_template_that_cannot_be_drawn_is_a_message_at_its_line(built, body, what, capsys):
    template = '{% extends "default/declared.html.j2" %}\n{% block keywords %}\n' + body + "{% endblock %}\n"
    err = refused(built, TEMPLATE, template, capsys)
    assert err == f"{TEMPLATE}:3: {what} (while laying out {PAPER})\n"
