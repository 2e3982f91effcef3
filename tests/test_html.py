from __future__ import annotations

import datetime

from lxml import html as lxml_html

from committee_papers.layout.html import Templates, web_page
from committee_papers.models.kinds import declared_kinds
from committee_papers.models.theme import load_theme
from committee_papers.models.validate import validate
from committee_papers.sources.dates import long_date
from committee_papers.sources.loader import loads

from .conftest import MINI_REPORT


def render(project_root, text=MINI_REPORT):
    theme = load_theme(project_root / "templates", "leicester-city", project_root)
    templates = Templates(project_root / "templates", theme)
    kinds = declared_kinds(project_root / "templates", "leicester-city", project_root)
    return templates, lxml_html.document_fromstring(templates.render(validate(loads(text, "mini.yaml"), kinds)))


def test_dates_are_written_as_councils_write_them():
    assert long_date(datetime.date(2007, 11, 12)) == "Monday, 12th November 2007"
    assert long_date(datetime.date(2007, 11, 22)) == "Thursday, 22nd November 2007"


def test_numbered_paragraphs_carry_their_numbers_as_text(project):
    _, doc = render(project({}))
    numbers = [span.text for span in doc.iterfind(".//div[@class='para']/span[@class='num']")]
    assert numbers == ["1.1", "2.1", "2.2", "3.1", "4.1", "4.2"]
    assert doc.get_element_by_id("rules").text_content().startswith("2.2The rules are below.")


def test_other_implications_show_the_number_a_paragraph_id_resolves_to(project):
    _, doc = render(project({}))
    [table] = [t for t in doc.iterfind(".//table") if t.findtext("caption") == "Other implications and where the report covers them"]
    row = table.find("tbody/tr")
    assert [cell.text_content() for cell in row] == ["Policy", "No", "2.2"]


def test_score_table_shows_the_derived_overall_score(project):
    _, doc = render(project({}))
    last = doc.get_element_by_id("scores").findall(".//tbody/tr")[-1]
    assert [cell.text_content() for cell in last] == ["Overall", "", "", "4"]


def test_every_table_has_a_header_row_of_column_headers(project):
    _, doc = render(project({}))
    for table in doc.iter("table"):
        if table.find("thead") is not None:
            assert all(th.get("scope") == "col" for th in table.find("thead").iter("th"))


def test_appendices_are_labelled_in_the_councils_style_with_their_own_notes(project):
    _, doc = render(project({}))
    appendix = doc.get_element_by_id("appendix-1")
    assert appendix.find("h1").text_content() == "Appendix 1 The appendix"
    assert [a.text for a in appendix.iterfind(".//sup/a")] == ["i", "ii", "i"]
    assert [li.text_content() for li in appendix.iterfind(".//ol[@class='endnotes']/li")] == ["iEx.", "iiWhy."]


def test_a_council_overrides_one_part_of_the_page_frame_and_keeps_the_rest(project):
    root = project({"templates/leicester-city/frame/running-header.html.j2": "Overridden"})
    _, doc = render(root)
    assert doc.find(".//header").text_content() == "Overridden"
    assert doc.find(".//h1").text_content() == "A small report"


def test_the_web_page_carries_its_stylesheet(project):
    templates, _ = render(project({}))
    page = web_page("<html><head><title>x</title></head><body></body></html>", templates.stylesheet())
    assert "<style>" in page and "@page" in page and '"Arial"' in page
