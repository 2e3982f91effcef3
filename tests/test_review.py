"""The reviewer's round trip: anchors in the DOCX, comments made in Word and saved by LibreOffice, back to YAML lines."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from committee_papers.commands.cli import main
from committee_papers.pipeline.build import Config, build
from committee_papers.reviewing.review import read_comments
from committee_papers.sources.provenance import read_map

from .conftest import MINI_REPORT

PAPER = "content/cabinet/mini.yaml"
DOCX = "output/leicester-city/cabinet/mini.docx"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"

needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is installed by .ci/run")


def line_of(text: str, needle: str) -> int:
    """Return the line of the YAML that holds a piece of text, counted from 1."""
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def soffice(source: Path, folder: Path) -> Path:
    """Open a document in LibreOffice headless and save it as DOCX into another folder."""
    profile = folder / "profile"
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "docx", "--outdir", str(folder / "out"), str(source)],
        check=True, capture_output=True, timeout=180,
    )
    return folder / "out" / source.name


def paragraph(document: docx.document.Document, starts: str) -> Paragraph:
    """Return the first body or cell paragraph whose text starts so."""
    for p in document.element.body.iter(qn("w:p")):
        para = Paragraph(p, document.part)
        if para.text.startswith(starts):
            return para
    raise AssertionError(starts)


def comment(document: docx.document.Document, para: Paragraph, text: str, author: str, date: str) -> str:
    """Comment on a paragraph's runs as Word does; return the comment's last paragraph id."""
    made = document.add_comment([r for r in para.runs if r.text], text, author=author, initials=author[0])
    element = made._comment_elm
    element.set(qn("w:date"), date)
    para_id = f"{int(made.comment_id) + 1:08X}"
    element.findall(qn("w:p"))[-1].set(f"{{{W14}}}paraId", para_id)
    return para_id


def edit(para: Paragraph, old: str, new: str) -> None:
    """Replace words of a paragraph as a tracked change: the old words deleted, the new inserted."""
    run = next(r for r in para.runs if old in r.text)
    before, after = run.text.split(old, 1)
    run.text = before
    deleted = parse_xml(f'<w:del xmlns:w="{W}" w:id="9001" w:author="Legal" w:date="2007-11-01T00:00:00Z"><w:r><w:delText xml:space="preserve">{old}</w:delText></w:r></w:del>')
    inserted = parse_xml(f'<w:ins xmlns:w="{W}" w:id="9002" w:author="Legal" w:date="2007-11-01T00:00:00Z"><w:r><w:t xml:space="preserve">{new}</w:t></w:r></w:ins>')
    run._r.addnext(deleted)
    deleted.addnext(inserted)
    if after:
        inserted.addnext(parse_xml(f'<w:r xmlns:w="{W}"><w:t xml:space="preserve">{after}</w:t></w:r>'))


def replies(document: docx.document.Document, pairs: list[tuple[str, str | None]]) -> None:
    """Add Word's commentsExtended part: which comment answers which."""
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    entries = "".join(f'<w15:commentEx w15:paraId="{c}"' + (f' w15:paraIdParent="{p}"' if p else "") + ' w15:done="0"/>' for c, p in pairs)
    xml = f'<w15:commentsEx xmlns:w15="{W15}">{entries}</w15:commentsEx>'.encode()
    part = Part(PackURI("/word/commentsExtended.xml"), "application/vnd.openxmlformats-officedocument.wordprocessingml.commentsExtended+xml", xml, document.part.package)
    document.part.relate_to(part, "http://schemas.microsoft.com/office/2011/relationships/commentsExtended")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    from .conftest import make_project

    root = make_project(tmp_path_factory.mktemp("review"), {PAPER: MINI_REPORT})
    report = build(Config(root, jobs=1))
    assert report.ok, report.failed
    return root


@pytest.fixture(scope="module")
def reviewed(built: Path, tmp_path_factory) -> Path:
    """The built DOCX as a reviewer leaves it in Word: comments, a reply, an edit inside a comment."""
    document = docx.Document(built / DOCX)
    first = comment(document, paragraph(document, "1.1"), "Say which document.", "Director", "2007-11-01T09:00:00Z")
    answer = comment(document, paragraph(document, "1.1"), "Appendix 1.", "Officer", "2007-11-02T09:00:00Z")
    comment(document, paragraph(document, "Capacity"), "Capacity is lower now.", "Finance", "2007-11-01T10:00:00Z")
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Theme" and len(t.columns) == 4)
    comment(document, table.rows[-1].cells[-1].paragraphs[0], "Is the overall right?", "Finance", "2007-11-01T11:00:00Z")
    rules = paragraph(document, "2.2")
    edit(rules, "below", "in the table below")
    comment(document, rules, "I reworded this.", "Legal", "2007-11-01T12:00:00Z")
    replies(document, [(first, None), (answer, first)])
    folder = tmp_path_factory.mktemp("reviewed")
    document.save(folder / "mini.docx")
    return folder / "mini.docx"


def test_every_traced_paragraph_and_cell_has_an_anchor_in_the_map(built):
    with zipfile.ZipFile(built / DOCX) as package:
        maps = [read_map(parse_xml(package.read(n))) for n in package.namelist() if n.startswith("customXml/item")]
        body = package.read("word/document.xml").decode()
    anchors = next(m for m in maps if m)
    assert anchors and all(f'w:name="{name}"' in body or anchor.kind != "paragraph" for name, anchor in anchors.items())
    text = MINI_REPORT
    by_field = {s["field"]: s for a in anchors.values() for s in a.sources}
    assert by_field["sections[0].content[0]"]["line"] == line_of(text, "This report presents the thing")
    assert by_field["sections[1].content[3].score_table.themes[1].theme"]["line"] == line_of(text, "theme: Capacity")
    assert by_field["author.email"]["file"] == PAPER


def test_the_docx_stays_deterministic(built, tmp_path):
    first = (built / DOCX).read_bytes()
    build(Config(built, force=True, jobs=1))
    assert (built / DOCX).read_bytes() == first


def _check(comments, text: str, *, threaded: bool = True) -> None:
    by_text = {c.text: c for c in comments}
    first = by_text["Say which document."]
    assert (first.file, first.line, first.field) == (PAPER, line_of(text, "This report presents the thing"), "sections[0].content[0]")
    if threaded:
        assert [r.text for r in first.replies] == ["Appendix 1."] and "Appendix 1." not in by_text
    else:  # the file no longer records the thread: the answer stands alone, on the same line
        assert first.replies == [] and by_text["Appendix 1."].line == first.line
    cell = by_text["Capacity is lower now."]
    assert cell.line == line_of(text, "theme: Capacity") and cell.commented == "Capacity"
    figure = by_text["Is the overall right?"]
    assert figure.commented == "4" and figure.field == "sections[1].content[3].score_table.overall"  # the figure the paper states
    scores = [d["field"] for d in figure.derived_from if d["field"].endswith(".score")]
    assert scores == ["sections[1].content[3].score_table.themes[0].score", "sections[1].content[3].score_table.themes[1].score"]
    assert "sections[1].content[2].scoring_rules.rules[0].overall" in [d["field"] for d in figure.derived_from]  # the rule that gave it
    edited = by_text["I reworded this."]
    assert edited.line == line_of(text, "text: The rules are below.")
    assert {"deleted": "below", "author": "Legal", "date": "2007-11-01T00:00:00Z"} in edited.edits
    assert "in the table below" in edited.commented
    assert [c.line for c in comments] == sorted(c.line for c in comments)


def test_comments_come_back_to_their_lines(reviewed):
    _check(read_comments(reviewed), MINI_REPORT)


@needs_soffice
def test_comments_survive_libreoffice_saving_the_file(reviewed, tmp_path):
    saved = soffice(reviewed, tmp_path)
    with zipfile.ZipFile(saved) as package:
        assert "word/commentsExtended.xml" not in package.namelist()  # LibreOffice 7.4 drops Word's record of the thread
    _check(read_comments(saved), MINI_REPORT, threaded=False)


def test_a_comment_on_the_running_header(built, tmp_path):
    document = docx.Document(built / DOCX)
    header = document.sections[0].header.paragraphs[0]
    document.add_comment([r for r in header.runs if r.text == "Cabinet"], "Wrong committee.", author="Clerk")
    document.add_comment([r for r in header.runs if r.text], "Whole line.", author="Clerk")
    document.save(tmp_path / "header.docx")
    found = {c.text: c for c in read_comments(tmp_path / "header.docx")}
    one = found["Wrong committee."]
    assert one.part == "header" and one.field == "meeting.committee" and one.line == line_of(MINI_REPORT, "committee: Cabinet")
    whole = found["Whole line."]  # the council's name comes from its theme; the rest from the paper
    assert (whole.file, whole.field) == ("templates/leicester-city/theme.yaml", "name")
    assert [v["field"] for v in whole.also] == ["meeting.committee", "meeting.date"]


def test_the_comments_command_writes_json(reviewed, capsys):
    assert main(["comments", str(reviewed), "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)["comments"]
    assert [c["text"] for c in listed][0] == "Say which document." and listed[0]["replies"][0]["author"] == "Officer"
    assert main(["comments", str(reviewed)]) == 0
    assert f"{PAPER}:{line_of(MINI_REPORT, 'This report presents')}" in capsys.readouterr().out


def test_a_file_without_a_map_is_refused(tmp_path, capsys):
    document = docx.Document()
    document.add_paragraph("Hello")
    out = io.BytesIO()
    document.save(out)
    (tmp_path / "plain.docx").write_bytes(out.getvalue())
    assert main(["comments", str(tmp_path / "plain.docx")]) == 1
    assert "no map back to its sources" in capsys.readouterr().err
