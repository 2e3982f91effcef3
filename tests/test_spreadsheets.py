"""Rows from spreadsheets: a table fed by a CSV file or a workbook's range, each bad value named by its cell."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import jsonschema
import openpyxl
import pytest
from lxml import html as lxml_html

from committee_papers.pipeline.build import Config, build
from committee_papers.pipeline.checking import check
from committee_papers.sources.errors import ContentError
from committee_papers.sources.loader import loads
from committee_papers.sources.spreadsheets import fill_rows

from .conftest import MINI_REPORT, ROOT

PAPER = "content/cabinet/mini.yaml"
FUNDING = [("District", "2007/8", "2008/9"), ("Blaby", 25000, 31000), ("Charnwood", 16000, 16000.25), ("Melton", 12500, 12500)]


def with_block(block: str) -> str:
    """Return the mini report with one more block in its first section, written as YAML under `- `."""
    indented = "\n".join("        " + line if i else "      - " + line for i, line in enumerate(block.strip().splitlines()))
    first = "      - This report presents the thing.[^a]\n"
    assert first in MINI_REPORT
    return MINI_REPORT.replace(first, f"{first}{indented}\n", 1)


TOTALS = """\
totals_table:
  caption: Estimated funding gap by district
  label: District
  columns: [2007/8, 2008/9]
  rows_from: {source}
"""


def workbook(rows: list[tuple[object, ...]], sheet: str = "Funding", title_rows: int = 2) -> bytes:
    """Return an XLSX workbook made here, its table starting under a title and a blank row as officers keep them."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    if title_rows:
        ws.append(["Neighbourhood management: funding gap"])
    for _ in range(title_rows - 1):
        ws.append([])
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_text(rows: list[tuple[object, ...]]) -> str:
    return "".join(",".join(str(v) for v in row) + "\n" for row in rows)


def problems(root: Path) -> list[str]:
    report = check(Config(root, papers=[root / PAPER]))
    return report.report.failed.get(PAPER, [])


def table_cells(root: Path, caption: str) -> list[list[str]]:
    """Return the text of each body row of the built web page's table with this caption."""
    page = lxml_html.fromstring((root / "output" / "leicester-city" / "cabinet" / "mini.html").read_bytes())
    table = next(t for t in page.iter("table") if caption in t.findtext("caption", ""))
    return [[" ".join(c.text_content().split()) for c in tr if c.tag in ("td", "th")] for tr in table.iter("tr") if tr.getparent().tag == "tbody"]


def test_a_csv_file_feeds_a_table_and_its_totals(project):
    root = project({PAPER: with_block(TOTALS.format(source="data/funding.csv")), "content/data/funding.csv": csv_text(FUNDING)})
    assert build(Config(root, papers=[root / PAPER])).ok
    body = table_cells(root, "Estimated funding gap by district")
    assert [row[0] for row in body] == ["Blaby", "Charnwood", "Melton", "TOTAL"]
    assert body[0][1:] == ["£25,000", "£31,000"]
    expected = [sum(row[i] for row in FUNDING[1:]) for i in (1, 2)]
    assert body[-1][1:] == [f"£{expected[0]:,}", f"£{expected[1]:,.2f}"]


def test_a_workbook_range_feeds_a_table(project):
    source = "data/funding.xlsx#Funding!A3:C6"
    root = project({PAPER: with_block(TOTALS.format(source=source)), "content/data/funding.xlsx": workbook(FUNDING)})
    assert build(Config(root, papers=[root / PAPER])).ok
    body = table_cells(root, "Estimated funding gap by district")
    assert [row[0] for row in body] == [row[0] for row in FUNDING[1:]] + ["TOTAL"]
    assert body[1][2] == "£16,000.25"


def test_a_bad_cell_of_a_workbook_is_named_by_its_sheet_and_cell(project):
    bad = [*FUNDING[:2], ("Charnwood", "n/a", 16000), *FUNDING[3:]]
    root = project({PAPER: with_block(TOTALS.format(source="data/funding.xlsx#Funding!A3:C6")), "content/data/funding.xlsx": workbook(bad)})
    # the heading row is row 3, so Charnwood is row 5 and its first amount column B
    assert problems(root) == ["content/data/funding.xlsx: Funding!B5: rows[1][1]: expected an amount such as 25000, 12,500 or 24000*, got 'n/a'"]


def test_a_bad_cell_of_a_csv_file_is_named_by_its_cell(project):
    bad = [*FUNDING[:3], ("Melton", 12500, "twelve")]
    root = project({PAPER: with_block(TOTALS.format(source="data/funding.csv")), "content/data/funding.csv": csv_text(bad)})
    assert problems(root) == ["content/data/funding.csv: C4: rows[2][2]: expected an amount such as 25000, 12,500 or 24000*, got 'twelve'"]


def test_a_blank_amount_is_named_by_its_cell(project):
    short = [*FUNDING[:2], ("Charnwood", 16000)]
    root = project({PAPER: with_block(TOTALS.format(source="data/funding.xlsx#Funding!A3:C5")), "content/data/funding.xlsx": workbook(short)})
    assert problems(root) == ["content/data/funding.xlsx: Funding!C5: rows[1][2]: expected an amount such as 25000, 12,500 or 24000*, got ''"]


def _with_cached_value(data: bytes, cell: str, value: str) -> bytes:
    """Return a workbook whose formula in `cell` carries a saved value, as Excel writes it (openpyxl saves none)."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for part in source.infolist():
            body = source.read(part)
            if part.filename == "xl/worksheets/sheet1.xml":
                body = re.sub(rf'(<c r="{cell}"[^>]*>)<f>([^<]*)</f><v\s*/?>(</v>)?'.encode(), rb"\1<f>\2</f><v>" + value.encode() + b"</v>", body)
            target.writestr(part, body)
    return out.getvalue()


def test_a_formula_is_read_by_its_saved_value_and_refused_without_one(project):
    rows = [*FUNDING[:3], ("Melton", "=B4+B5", 12500)]
    data = workbook(rows)
    files = {PAPER: with_block(TOTALS.format(source="data/funding.xlsx#Funding!A3:C6")), "content/data/funding.xlsx": data}
    root = project(files)
    assert problems(root) == [
        "content/data/funding.xlsx: Funding!B6: expected a value, got the formula =B4+B5 with no value saved; open the workbook in Excel and save it"
    ]
    saved = FUNDING[1][1] + FUNDING[2][1]
    (root / "content/data/funding.xlsx").write_bytes(_with_cached_value(data, "B6", str(saved)))
    assert problems(root) == []
    assert build(Config(root, papers=[root / PAPER])).ok
    assert table_cells(root, "Estimated funding gap by district")[2][1] == f"£{saved:,}"


def test_a_changed_workbook_makes_the_paper_out_of_date(project):
    source = "data/funding.xlsx#Funding!A3:C6"
    root = project({PAPER: with_block(TOTALS.format(source=source)), "content/data/funding.xlsx": workbook(FUNDING)})
    assert build(Config(root, papers=[root / PAPER])).built == [PAPER]
    assert build(Config(root, papers=[root / PAPER])).built == []
    changed = [*FUNDING[:3], ("Melton", 99000, 12500)]
    (root / "content/data/funding.xlsx").write_bytes(workbook(changed))
    assert build(Config(root, papers=[root / PAPER])).built == [PAPER]
    assert table_cells(root, "Estimated funding gap by district")[2][1] == "£99,000"


@pytest.mark.parametrize(
    ("declared", "message"),
    [
        ("data/missing.csv", "expected a CSV file or an XLSX workbook in content/data/, such as data/kpis.csv or data/kpis-q3.xlsx#Sheet1!A1:G40, got 'data/missing.csv': there is no content/data/missing.csv"),
        ("data/funding.xls", "(save it from Excel as .xlsx)"),
        ("{file: data/funding.csv}", "got a mapping"),
        ("../templates/leicester-city/theme.yaml", "got '../templates/leicester-city/theme.yaml'"),
        ("cabinet/mini.csv", "a spreadsheet must be in content/data/"),
        ("data/funding.xlsx#Fundng!A3:C6", "expected a sheet of content/data/funding.xlsx (Funding), got 'Fundng' (did you mean 'Funding'?)"),
        ("data/funding.xlsx#Funding!A3:ZZ9", "expected a range of at most 60 columns"),
        ("data/funding.xlsx#Funding!A1:C9000", "expected a range of at most 5000 rows"),
    ],
)
def test_a_bad_declaration_is_reported_at_its_line(project, declared, message):
    text = with_block(TOTALS.format(source=declared))
    root = project({PAPER: text, "content/data/funding.xlsx": workbook(FUNDING), "content/cabinet/mini.csv": csv_text(FUNDING)})
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "rows_from:" in row)
    (found,) = problems(root)
    assert found.startswith(f"{PAPER}:{line}:") and ".rows_from: " in found and message in found


def test_a_zip_bomb_workbook_is_refused_before_it_is_opened(project):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        bomb.writestr("[Content_Types].xml", "<Types/>")
        bomb.writestr("xl/sharedStrings.xml", b"\0" * (120 * 2**20))
    root = project({PAPER: with_block(TOTALS.format(source="data/funding.xlsx")), "content/data/funding.xlsx": out.getvalue()})
    (found,) = problems(root)
    assert "refused as a zip bomb" in found and found.startswith(f"{PAPER}:")


def test_a_text_file_named_xlsx_is_a_message(project):
    root = project({PAPER: with_block(TOTALS.format(source="data/funding.xlsx")), "content/data/funding.xlsx": "District,2007/8\n"})
    (found,) = problems(root)
    assert "got a file that is not one; save it from Excel as .xlsx" in found


def test_a_csv_file_not_in_utf8_says_how_to_save_it(project):
    root = project({PAPER: with_block(TOTALS.format(source="data/funding.csv")), "content/data/funding.csv": csv_text(FUNDING).replace("Blaby", "Bl\u00e6by").encode("cp1252")})
    (found,) = problems(root)
    assert "got the byte 0xe6; in Excel, save it as 'CSV UTF-8 (Comma delimited)'" in found


def test_records_take_their_keys_from_the_headings_and_their_marks_from_the_cells(tmp_path):
    content = tmp_path / "content"
    (content / "data").mkdir(parents=True)
    (content / "data" / "kpis.csv").write_text("Indicator,Actual (Q3),Target\nRecycling,41.5,45\nMissed bins,,12\n", encoding="utf-8")
    text = "kind: anything\nblock:\n  rows_from: data/kpis.csv\n"
    source = loads(text, "content/cabinet/p.yaml", content / "cabinet" / "p.yaml")
    (sheet,) = fill_rows(source, content)
    assert source.data["block"]["rows"] == [{"indicator": "Recycling", "actual_q3": "41.5", "target": "45"}, {"indicator": "Missed bins", "target": "12"}]
    assert sheet[1].name == "content/data/kpis.csv" and sheet[1].data == {"rows": source.data["block"]["rows"]}
    assert str(sheet[1].problem(("rows", 1, "target"), "expected a number")) == "content/data/kpis.csv: C3: rows[1].target: expected a number"
    # a blank cell a field needs is reported at that cell, and an unknown key at its heading
    assert str(source.problem(("block", "rows", 1, "actual_q3"), "expected a value")) == "content/data/kpis.csv: B3: rows[1].actual_q3: expected a value"
    assert str(source.problem(("block", "rows", 0, "target"), "unknown key", key=True)) == "content/data/kpis.csv: C1: rows[0].target: unknown key"
    assert str(source.problem(("block", "rows"), "expected at least 1 item(s)")) == "content/cabinet/p.yaml:3:14: block.rows: expected at least 1 item(s)"


def test_a_control_character_in_a_cell_is_refused_at_the_cell(tmp_path):
    content = tmp_path / "content"
    (content / "data").mkdir(parents=True)
    (content / "data" / "kpis.csv").write_text("Indicator,Actual\nRecycling\x07,41\n", encoding="utf-8")
    source = loads("kind: anything\nblock:\n  rows_from: data/kpis.csv\n", "content/p.yaml", content / "p.yaml")
    with pytest.raises(ContentError) as caught:
        fill_rows(source, content)
    assert [str(p) for p in caught.value.problems] == [
        "content/data/kpis.csv: A2: contains a control character U+0007 that Word cannot hold; retype the text around it"
    ]


def test_an_editor_accepts_rows_from_in_place_of_rows_but_not_both():
    from committee_papers.commands.schema import schemas

    from .test_schema import editor_view

    schema = schemas(ROOT)["committee-report.schema.json"]
    text = with_block(TOTALS.format(source="data/funding.xlsx#Funding!A3:C6"))
    jsonschema.validate(editor_view(text), schema)
    both = text.replace("  rows_from:", "  rows: [[Blaby, '1', '2']]\n          rows_from:")
    assert "rows: [[Blaby" in both
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(editor_view(both)))


KEYED = """\
kind: anything
block:
  columns:
    - {title: Indicator, key: name}
    - {title: Actual, key: actual, type: number}
    - {title: Target 2015, key: target, type: number}
    - {title: Gap, key: gap, figure: {difference: [actual, target]}}
  rows_from: data/kpis.csv
"""


def test_keyed_columns_take_each_cell_by_its_heading(tmp_path):
    content = tmp_path / "content"
    (content / "data").mkdir(parents=True)
    (content / "data" / "kpis.csv").write_text("Comments,ACTUAL,Indicator,target 2015\nLate,41.5,Recycling,45\n", encoding="utf-8")
    source = loads(KEYED, "content/p.yaml", content / "p.yaml")
    fill_rows(source, content)
    # by key (any case), by title (any case and spacing); Comments names no column and is left out; Gap is worked out
    assert source.data["block"]["rows"] == [{"actual": "41.5", "name": "Recycling", "target": "45"}]
    assert str(source.problem(("block", "rows", 0, "target"), "expected a number")) == "content/data/kpis.csv: D2: rows[0].target: expected a number"


def test_a_keyed_column_no_heading_names_is_reported_at_the_declaration(tmp_path):
    content = tmp_path / "content"
    (content / "data").mkdir(parents=True)
    (content / "data" / "kpis.csv").write_text("Indicator,Actual Q3,Target 2015\nRecycling,41.5,45\n", encoding="utf-8")
    source = loads(KEYED, "content/p.yaml", content / "p.yaml")
    with pytest.raises(ContentError) as caught:
        fill_rows(source, content)
    line = KEYED.splitlines().index("  rows_from: data/kpis.csv") + 1
    assert [str(p) for p in caught.value.problems] == [
        f"content/p.yaml:{line}:14: block.rows_from: expected a heading 'Actual' (or 'actual') in the first row of the range, "
        "got 'Indicator', 'Actual Q3', 'Target 2015' (did you mean 'Actual Q3'?)"
    ]


KPIS = """\
table:
  caption: Key performance indicators, quarter 3
  columns:
    - {title: Indicator, key: indicator}
    - {title: Actual, key: actual, type: number}
    - {title: Target, key: target, type: number}
  rows_from: data/kpis-q3.xlsx#Sheet1!A1:C4
"""


def test_a_typed_column_checks_a_workbook_cell_and_names_it(project):
    rows = [("Indicator", "Actual", "Target"), ("Recycling rate", 41.5, 45), ("Missed bins", "n/a", 12), ("Complaints", 7, 10)]
    book = workbook(rows, sheet="Sheet1", title_rows=0)
    root = project({PAPER: with_block(KPIS), "content/data/kpis-q3.xlsx": book})
    (found,) = problems(root)
    assert found.startswith("content/data/kpis-q3.xlsx: Sheet1!B3: rows[1].actual: expected a number") and found.endswith("got 'n/a'")
    (root / "content/data/kpis-q3.xlsx").write_bytes(workbook([*rows[:2], ("Missed bins", 3, 12), rows[3]], sheet="Sheet1", title_rows=0))
    assert build(Config(root, papers=[root / PAPER])).ok
    body = table_cells(root, "Key performance indicators, quarter 3")
    assert [row[:2] for row in body] == [["Recycling rate", "41.5"], ["Missed bins", "3"], ["Complaints", "7"]]


def test_a_figure_from_a_workbook_carries_its_cell_to_the_page_and_the_docx_map(project):
    source = "data/funding.xlsx#Funding!A3:C6"
    root = project({PAPER: with_block(TOTALS.format(source=source)), "content/data/funding.xlsx": workbook(FUNDING)})
    assert build(Config(root, papers=[root / PAPER])).ok
    page = lxml_html.fromstring((root / "output" / "leicester-city" / "cabinet" / "mini.html").read_bytes())
    cell = next(td for td in page.iter("td") if " ".join(td.text_content().split()) == "£16,000.25")
    sources = " ".join(e.get("data-src", "") for e in [cell, *cell.iter()])
    # Charnwood's 2008/9 figure is cell C5 of the sheet: row 5, column 3.
    assert "content/data/funding.xlsx:5:3:" in sources
    with zipfile.ZipFile(root / "output" / "leicester-city" / "cabinet" / "mini.docx") as docx:
        maps = b"".join(docx.read(n) for n in docx.namelist() if n.startswith("customXml/item") and "Props" not in n)
    assert b'file="content/data/funding.xlsx" line="5" column="3"' in maps
