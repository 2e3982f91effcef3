"""The structure tree WeasyPrint builds, mended before the file is written: one element per HTML element.

A small document crosses page breaks with a paragraph, a table whose header
row repeats, and a table drawn in a group (opacity), under a running header.
Each PDF is read back with pikepdf as an assistive technology would.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import pikepdf
import pytest
from pikepdf import Name

from committee_papers.outputs.tagging import install

from .test_accessibility import kids, walk

ROWS = "".join(f"<tr><td>Row {i} name</td><td>{i}</td></tr>" for i in range(40))
DOCUMENT = f"""<!DOCTYPE html>
<html lang="en-GB"><head><title>Mended</title><style>
@page {{ size: A6; margin: 18mm 12mm 12mm; @top-left {{ content: element(header) }} }}
header {{ position: running(header) }}
.faint {{ opacity: 0.8 }}
</style></head><body>
<header>Running header</header>
<h1>A paper</h1>
<p id="long">{"A long paragraph that runs over the page break. " * 60}</p>
<table id="plain"><caption>Plain</caption>
<thead><tr><th scope="col">Name</th><th scope="col">Value</th></tr></thead><tbody>{ROWS}</tbody></table>
<div class="faint"><table id="faint"><caption>Faint</caption>
<thead><tr><th scope="col">Name</th><th scope="col">Value</th></tr></thead><tbody>{ROWS}</tbody></table></div>
<table><caption>By row</caption><tbody><tr><th scope="row">Total</th><td>80</td></tr></tbody></table>
</body></html>"""


def write(html: str = DOCUMENT) -> bytes:
    from weasyprint import HTML

    install()
    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")


@pytest.fixture(scope="module")
def data() -> bytes:
    return write()


@pytest.fixture
def pdf(data: bytes) -> Iterator[pikepdf.Pdf]:
    with pikepdf.open(io.BytesIO(data)) as document:
        yield document


def elements(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    return list(walk(pdf.Root.StructTreeRoot.K[0]))


def pages_of(pdf: pikepdf.Pdf, element: pikepdf.Dictionary) -> set[int]:
    """Return the pages an element's own marked content is on."""
    pages = {page.objgen: i for i, page in enumerate(pdf.pages)}
    found = set()
    for e in walk(element):
        for kid in kids(e):
            if isinstance(kid, int):
                found.add(pages[e.Pg.objgen])
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == Name.MCR:
                found.add(pages[kid.Pg.objgen])
    return found


def marked_sequences(pdf: pikepdf.Pdf) -> Iterator[tuple[int, str, pikepdf.Dictionary, bool]]:
    """Yield (page, tag, property list, drawn in a form XObject) for every BDC a page draws, forms included."""

    def visit(index: int, stream: pikepdf.Object, resources: pikepdf.Dictionary, nested: bool) -> Iterator:
        for operands, operator in pikepdf.parse_content_stream(stream):
            if str(operator) == "BDC":
                yield index, str(operands[0]), operands[1], nested
            elif str(operator) == "Do":
                form = resources.XObject[operands[0]]
                if form.get("/Subtype") == Name.Form:
                    yield from visit(index, form, form.get("/Resources", resources), True)

    for i, page in enumerate(pdf.pages):
        yield from visit(i, page.obj, page.Resources, False)


def in_tree(pdf: pikepdf.Pdf) -> dict[tuple[int, int], pikepdf.Dictionary]:
    """Return the element that holds each (page, MCID) the structure tree claims."""
    pages = {page.objgen: i for i, page in enumerate(pdf.pages)}
    claimed = {}
    for element in elements(pdf):
        for kid in kids(element):
            if isinstance(kid, int):
                claimed[(pages[element.Pg.objgen], int(kid))] = element
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == Name.MCR:
                claimed[(pages[kid.Pg.objgen], int(kid.MCID))] = element
    return claimed


def test_an_element_across_a_page_break_is_one_structure_element(pdf):
    document = pdf.Root.StructTreeRoot.K[0]
    assert [str(k.S) for k in kids(document)] == ["/H1", "/P", "/Table", "/Div", "/Table"]
    (paragraph,) = [e for e in elements(pdf) if e.S == Name.P]
    assert len(pages_of(pdf, paragraph)) >= 2
    assert all(kid.P.objgen == paragraph.objgen for kid in kids(paragraph) if isinstance(kid, pikepdf.Dictionary)
               and kid.get("/Type") == Name.StructElem)


def test_a_table_across_pages_has_one_header_row_its_cells_point_at(pdf):
    plain, faint, by_row = [e for e in elements(pdf) if e.S == Name.Table]
    for table in (plain, faint):
        assert len(pages_of(pdf, table)) >= 2
        caption, head, body = kids(table)
        assert [str(caption.S), str(head.S), str(body.S)] == ["/Caption", "/THead", "/TBody"]
        assert len(kids(body)) == 40
        headers = [e for e in walk(head) if e.S == Name.TH]
        assert [str(th.A.Scope) for th in headers] == ["/Column", "/Column"]
        ids = [bytes(th.ID) for th in headers]
        cells = [e for e in walk(body) if e.S == Name.TD]
        assert len(cells) == 80
        assert all([bytes(h) for h in cell.A.Headers] in ([ids[0]], [ids[1]]) for cell in cells)
    (header,) = [e for e in walk(by_row) if e.S == Name.TH]
    (cell,) = [e for e in walk(by_row) if e.S == Name.TD]
    assert str(header.A.Scope) == "/Row" and list(cell.A.Headers) == [header.ID]


def test_repeated_header_rows_and_the_running_header_are_pagination_artifacts(pdf):
    tables = [e for e in elements(pdf) if e.S == Name.Table][:2]
    continued = [pages_of(pdf, t) - {min(pages_of(pdf, t))} for t in tables]
    artifacts: dict[tuple[int, bool], int] = {}
    for page, tag, properties, nested in marked_sequences(pdf):
        if tag == "/Artifact":
            assert properties.get("/Type") == Name.Pagination and "/MCID" not in properties
            artifacts[(page, nested)] = artifacts.get((page, nested), 0) + 1
    for page in range(len(pdf.pages)):
        # the running header, then the two header cells of each table carried over from an earlier page;
        # the faint table is drawn in a group, so its repeated cells are in a form XObject
        assert artifacts.get((page, False), 0) == 1 + 2 * (page in continued[0])
        assert artifacts.get((page, True), 0) == 2 * (page in continued[1])
    assert any(continued[1])


def test_every_marked_content_is_in_the_tree_and_the_parent_tree_names_its_element(pdf):
    claimed = in_tree(pdf)
    drawn = {(page, int(p.MCID)) for page, _, p, _ in marked_sequences(pdf) if "/MCID" in p}
    assert drawn == set(claimed)
    nums = pdf.Root.StructTreeRoot.ParentTree.Nums
    parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    for i, page in enumerate(pdf.pages):
        for mcid, owner in enumerate(parents[int(page.StructParents)]):
            if (i, mcid) in claimed:
                assert owner.objgen == claimed[(i, mcid)].objgen
            else:
                assert owner is None  # an artifact now


def test_nothing_left_out_of_the_tree_reaches_the_file(data, pdf):
    assert pdf.check_pdf_syntax() == []  # qpdf reads every object without a warning
    reachable = {e.objgen for e in elements(pdf)}
    strays = [o for o in pdf.objects if isinstance(o, pikepdf.Dictionary) and o.get("/Type") == Name.StructElem
              and o.objgen not in reachable]
    assert strays == []
    assert b"CPKey" not in data


def test_the_same_document_gives_the_same_bytes(data):
    assert write() == data
