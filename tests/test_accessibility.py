"""Every example paper and pack, built once, checked as an assistive technology and the checkers see it.

PDF: PDF/UA-1 structure read back with pikepdf. DOCX: what Word's
accessibility checker looks at. HTML: axe-core in headless Chromium, WCAG 2.2 AA.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import docx
import pikepdf
import pytest
from docx.oxml.ns import qn
from lxml import html as lxml_html

from committee_papers.models.theme import load_theme
from committee_papers.sources.errors import ContentError

from .browser import Browser, chromium
from .conftest import ROOT, build_examples

AXE = ROOT / "tests" / "axe"
HEADINGS = ("/H1", "/H2", "/H3", "/H4", "/H5", "/H6")


@pytest.fixture(scope="module")
def output(tmp_path_factory) -> Path:
    return build_examples(tmp_path_factory)


def outputs(output: Path, suffix: str) -> list[Path]:
    found = sorted(p for p in output.rglob(f"*{suffix}") if ".cache" not in p.parts)
    assert found
    return found


def html_of(path: Path) -> lxml_html.HtmlElement:
    return lxml_html.parse(str(path.with_suffix(".html"))).getroot()


# PDF


def kids(element: pikepdf.Dictionary) -> list:
    k = element.get("/K")
    return [] if k is None else (list(k) if isinstance(k, pikepdf.Array) else [k])


def walk(element: pikepdf.Dictionary) -> Iterator[pikepdf.Dictionary]:
    yield element
    for kid in kids(element):
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == pikepdf.Name.StructElem:
            yield from walk(kid)


def marked_content(pdf: pikepdf.Pdf) -> tuple[set, set]:
    """Return (page, MCID) pairs in the page streams and those the structure tree claims."""
    pages = {page.objgen: i for i, page in enumerate(pdf.pages)}
    in_tree = set()
    for element in walk(pdf.Root.StructTreeRoot.K[0]):
        for kid in kids(element):
            if isinstance(kid, int):
                in_tree.add((pages[element.Pg.objgen], int(kid)))
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == pikepdf.Name.MCR:
                in_tree.add((pages[kid.Pg.objgen], int(kid.MCID)))
    in_streams = set()
    for i, page in enumerate(pdf.pages):
        for operands, operator in pikepdf.parse_content_stream(page):
            if str(operator) == "BDC" and isinstance(operands[1], pikepdf.Dictionary) and "/MCID" in operands[1]:
                in_streams.add((i, int(operands[1].MCID)))
    return in_streams, in_tree


def heading_skips(levels: list[int]) -> list[str]:
    return [f"h{b} after h{a}" for a, b in zip([0] + levels, levels) if b > a + 1]


def test_every_pdf_is_pdf_ua_with_title_shown_language_and_marks(output):
    for path in outputs(output, ".pdf"):
        with pikepdf.open(path) as pdf:
            root = pdf.Root
            assert root.ViewerPreferences.DisplayDocTitle is True, path
            assert root.MarkInfo.Marked is True, path
            assert str(root.Lang) == "en-GB", path
            title = str(pdf.docinfo.Title)
            assert title, path
            meta = pdf.open_metadata()
            assert meta.get("pdfuaid:part") == "1", path
            assert meta.get("dc:title") == title, path
            with pdf.open_outline() as outline:
                assert list(outline.root), f"{path}: no bookmarks"


def test_every_pdf_reads_without_a_syntax_warning(output):
    for path in outputs(output, ".pdf"):
        with pikepdf.open(path) as pdf:
            assert pdf.check_pdf_syntax() == [], path


def test_every_page_is_tagged_content_or_an_artifact(output):
    for path in outputs(output, ".pdf"):
        with pikepdf.open(path) as pdf:
            in_streams, in_tree = marked_content(pdf)
            assert in_streams == in_tree, f"{path}: {len(in_streams - in_tree)} untagged, {len(in_tree - in_streams)} dangling"


def test_pdf_headings_tables_and_figures_match_the_paper(output):
    for path in outputs(output, ".pdf"):
        if path.name.endswith("pack.pdf"):
            continue
        page = html_of(path)
        with pikepdf.open(path) as pdf:
            elements = list(walk(pdf.Root.StructTreeRoot.K[0]))
            levels = [int(str(e.S)[2]) for e in elements if e.S in HEADINGS]
            assert levels == [int(h.tag[1]) for h in page.iter("h1", "h2", "h3", "h4", "h5", "h6")], path
            tables = [e for e in elements if e.S == pikepdf.Name.Table]
            # one Table per HTML table however many pages it crosses, one header row however often it repeats
            assert len(tables) == len(page.findall(".//table")), path
            for table in tables:
                parts = [str(k.S) for k in kids(table)]
                assert parts.count("/THead") <= 1, path
                cells = [e for e in walk(table) if e.S == pikepdf.Name.TH]
                assert cells, f"{path}: a table without header cells"
                assert all(str(c.A.Scope) in ("/Column", "/Row") for c in cells), path
            figures = [e for e in elements if e.S == pikepdf.Name.Figure]
            assert len(figures) == len(page.findall(".//img")), path
            assert all(str(f.get("/Alt", "")).strip() for f in figures), f"{path}: a figure without alt text"


def test_pdf_headings_never_skip_a_level(output):
    for path in outputs(output, ".pdf"):
        with pikepdf.open(path) as pdf:
            for part in kids(pdf.Root.StructTreeRoot.K[0]):  # in a pack each paper starts again at H1
                levels = [int(str(e.S)[2]) for e in walk(part) if e.S in HEADINGS]
                assert not heading_skips(levels), path


def test_a_pack_keeps_each_papers_structure_and_links(output):
    for path in outputs(output, "public-pack.pdf"):
        with pikepdf.open(path) as pdf:
            document = pdf.Root.StructTreeRoot.K[0]
            assert len(kids(document)) >= 2, path  # the front sheet, then each paper
            ids = [bytes(e.ID) for e in walk(document) if "/ID" in e]
            assert len(ids) == len(set(ids)), f"{path}: header cell ids repeat across papers"
            named = {bytes(h) for e in walk(document) if isinstance(e.get("/A"), pikepdf.Dictionary) and "/Headers" in e.A for h in e.A.Headers}
            assert named and named <= set(ids), f"{path}: a data cell names a header cell that is not there"
            keys = [int(p.obj.StructParents) for p in pdf.pages]
            assert len(keys) == len(set(keys)), path
            names = dict(pikepdf.NameTree(pdf.Root.Names.Dests)) if "/Names" in pdf.Root else {}
            for page in pdf.pages:
                for annotation in page.obj.get("/Annots", []):
                    if "/Dest" in annotation:
                        assert str(annotation.Dest) in names, f"{path}: a link to a missing destination"


# DOCX


def test_every_docx_passes_the_checks_words_accessibility_checker_makes(output):
    for path in outputs(output, ".docx"):
        document = docx.Document(str(path))
        page = html_of(path)
        body = document.element.body
        assert document.core_properties.title == " ".join(page.findtext(".//title").split()), path
        assert document.core_properties.language == "en-GB", path
        levels = [int(p.style.name.split()[-1]) for p in document.paragraphs if re.fullmatch(r"Heading \d", p.style.name)]
        assert levels and not heading_skips(levels), f"{path}: {heading_skips(levels)}"
        with_header = [t for t in document.tables if t.rows[0]._tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None]
        assert len(with_header) == len(page.findall(".//table/thead")), f"{path}: a header row not marked to repeat"
        pictures = list(body.iter(qn("wp:docPr")))
        assert all(p.get("descr") for p in pictures), f"{path}: a picture without alt text"
        assert not list(body.iter(qn("wp:anchor"), qn("w:txbxContent"), qn("w:pict"))), f"{path}: floating content"
        assert not empty_paragraphs(body), f"{path}: empty paragraphs used for spacing"


def empty_paragraphs(body) -> list:
    """Return paragraphs outside table cells with nothing in them (a cell must hold one paragraph)."""
    found = []
    for p in body.iter(qn("w:p")):
        has = any(True for _ in p.iter(qn("w:t"), qn("w:drawing"), qn("w:br"), qn("w:fldChar"), qn("w:sectPr")))
        if not has and p.getparent().tag != qn("w:tc"):
            found.append(p)
    return found


# HTML


def test_every_web_page_has_a_language_landmarks_a_skip_link_and_ordered_headings(output):
    for path in outputs(output, ".html"):
        page = lxml_html.parse(str(path)).getroot()
        assert page.get("lang") == "en-GB", path
        main = page.findall(".//main")
        assert len(main) == 1 and main[0].get("id") == "content", path
        first_link = page.find(".//body//a")
        assert first_link.get("href") == "#content" and "Skip" in first_link.text, path
        levels = [int(h.tag[1]) for h in page.iter("h1", "h2", "h3", "h4", "h5", "h6")]
        assert not heading_skips(levels), f"{path}: {heading_skips(levels)}"
        for th in page.iter("th"):
            assert th.get("scope") in ("col", "row", "colgroup", "rowgroup"), path
        for table in page.iter("table"):  # content tables must have one (the models require it); so must the templates' own
            caption = table.find("caption")
            assert caption is not None and caption.text_content().strip(), f"{path}: a table without a caption"


def test_every_pack_has_a_web_page_linking_to_its_papers(output):
    for index in output.glob("meetings/*/index.html"):
        page = lxml_html.parse(str(index)).getroot()
        assert page.find(".//nav") is not None and page.find(".//header") is not None and page.find(".//footer") is not None
        links = [a.get("href") for a in page.iter("a")]
        assert "agenda.html" in links and "public-pack.pdf" in links
        papers = [href for href in links if href.endswith(".html") and href.startswith("../")]
        assert papers, index
        for href in papers:
            assert (index.parent / href).resolve().is_file(), f"{index}: {href} is missing"


def test_a_theme_whose_colours_fail_contrast_is_refused_naming_the_pair_and_line(tmp_path):
    shutil.copytree(ROOT / "templates" / "leicester-city", tmp_path / "templates" / "leicester-city")
    theme = tmp_path / "templates" / "leicester-city" / "theme.yaml"
    text = theme.read_text()
    theme.write_text(text.replace('accent: "#006C84"', 'accent: "#7FB2C0"'))
    with pytest.raises(ContentError) as caught:
        load_theme(tmp_path / "templates", "leicester-city", tmp_path)
    line = 1 + next(i for i, row in enumerate(text.splitlines()) if row.strip().startswith("accent:"))
    message = str(caught.value)
    assert f"templates/leicester-city/theme.yaml:{line}:" in message
    assert "colours.accent" in message and "links on the page" in message and "#7FB2C0 on #FFFFFF" in message


@pytest.fixture(scope="module")
def browser() -> Iterator[tuple[Browser, str]]:
    executable = chromium()
    if executable is None:
        subprocess.run(["bash", str(ROOT / ".ci" / "system-packages"), "chromium"], check=True)
        executable = chromium()
    axe = AXE / "node_modules" / "axe-core" / "axe.min.js"
    if not axe.is_file():
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--no-package-lock"], cwd=AXE, check=True,
                       stdout=subprocess.DEVNULL)
    assert executable, "Chromium is needed to test the web pages"
    session = Browser(executable)
    try:
        yield session, axe.read_text(encoding="utf-8")
    finally:
        session.close()


def test_axe_finds_no_wcag_2_2_aa_violation_on_any_paper_or_pack(output, browser):
    session, axe = browser
    found = {}
    for path in outputs(output, ".html"):
        violations = session.axe(path, axe)
        if violations:
            found[str(path.relative_to(output))] = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
    assert found == {}


def test_axe_does_find_violations_on_a_page_that_has_them(tmp_path, browser):
    session, axe = browser
    page = tmp_path / "bad.html"
    page.write_text('<!DOCTYPE html><html><head><title>x</title></head><body><main><img src="x.png">'
                    '<p style="color: #AAAAAA">faint</p></main></body></html>')
    assert {v["id"] for v in session.axe(page, axe)} >= {"image-alt", "html-has-lang", "color-contrast"}
