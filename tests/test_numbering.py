"""Numbering schemes: the number each heading and paragraph prints, and what a reference may name."""

from __future__ import annotations

import pytest

from committee_papers.models.common import Paragraph
from committee_papers.models.numbering import AppendixScheme, Node, Numberer, ParagraphScheme, appendix_name, counter


def paper() -> list[Node]:
    """Two headed sections, the second with a sub-section, and a reference-able paragraph."""
    sub = Node("Sub", ["e"])
    return [
        Node("First", ["a", Paragraph(id="costs", text="b")]),
        Node("Second", ["c", "d"], [sub]),
    ]


def printed(scheme: ParagraphScheme) -> list[tuple[str | None, str | None, list[str | None]]]:
    """Return (heading number, heading, paragraph numbers) for every section, in reading order."""
    found = []

    def walk(sections):
        for s in sections:
            found.append((s.number, s.heading, [b.number for b in s.blocks]))
            walk(s.sections)

    walk(Numberer(scheme).outline(paper()).sections)
    return found


@pytest.mark.parametrize(
    "scheme, expected",
    [
        (ParagraphScheme(), [("1", "First", ["1.1", "1.2"]), ("2", "Second", ["2.1", "2.2"]), ("2.3", "Sub", ["2.3.1"])]),
        (ParagraphScheme(style="decimal-zero"), [("1.0", "First", ["1.1", "1.2"]), ("2.0", "Second", ["2.1", "2.2"]), ("2.3", "Sub", ["2.3.1"])]),
        (ParagraphScheme(style="running"), [(None, "First", ["1", "2"]), (None, "Second", ["3", "4"]), (None, "Sub", ["5"])]),
        (ParagraphScheme(style="restart", counter="lower-alpha", format="({})"), [(None, "First", ["(a)", "(b)"]), (None, "Second", ["(a)", "(b)"]), (None, "Sub", ["(a)"])]),
        (ParagraphScheme(style="running", counter="lower-roman", format="({})"), [(None, "First", ["(i)", "(ii)"]), (None, "Second", ["(iii)", "(iv)"]), (None, "Sub", ["(v)"])]),
        (ParagraphScheme(style="headings", format="{}."), [("1.", "First", [None, None]), ("2.", "Second", [None, None]), ("2.1.", "Sub", [None])]),
        (ParagraphScheme(style="none"), [(None, "First", [None, None]), (None, "Second", [None, None]), (None, "Sub", [None])]),
    ],
)
def test_each_scheme_prints_the_numbers_councils_use(scheme, expected):
    assert printed(scheme) == expected


def test_a_reference_by_number_or_id_resolves_to_the_printed_number():
    outline = Numberer(ParagraphScheme(format="{}.")).outline(paper())
    assert outline.paragraphs["costs"] == "1.2."
    assert outline.paragraphs["2.3.1"] == "2.3.1."
    assert "3.1" not in outline.paragraphs


def test_a_headingless_section_carries_on_the_count_around_it():
    nodes = [Node("Only", ["a"], [Node(None, ["b"]), Node("Next", ["c"])])]
    sections = Numberer(ParagraphScheme()).outline(nodes).sections
    assert [b.number for b in sections[0].sections[0].blocks] == ["1.2"]
    assert sections[0].sections[1].number == "1.3"


def test_a_part_with_its_own_scheme_letters_its_paragraphs_without_taking_the_papers_numbers():
    nodes = [Node(None, ["a"]), Node("Resolved", ["x", "y"], scheme=ParagraphScheme(style="restart", counter="lower-alpha", format="({})")), Node(None, ["b"])]
    sections = Numberer(ParagraphScheme(style="running")).outline(nodes).sections
    assert [[b.number for b in s.blocks] for s in sections] == [["1"], ["(a)", "(b)"], ["2"]]


@pytest.mark.parametrize(
    "prefix, style, item, names",
    [
        ("Appendix", "upper-alpha", None, ["Appendix A", "Appendix B"]),
        ("Appendix", "decimal", None, ["Appendix 1", "Appendix 2"]),
        ("Annex", "decimal", "8", ["Annex 1", "Annex 2"]),
        ("", "item-upper-alpha", "1", ["1A", "1B"]),
        ("Enclosure", "item-decimal", "8", ["Enclosure 8.1", "Enclosure 8.2"]),
    ],
)
def test_appendices_are_named_in_the_councils_scheme(prefix, style, item, names):
    scheme = AppendixScheme(prefix=prefix, style=style)
    assert [appendix_name(scheme, n, item) for n in (1, 2)] == names


def test_counters_past_the_alphabet_and_in_capitals():
    assert [counter(n, "upper-roman") for n in (4, 9, 14)] == ["IV", "IX", "XIV"]
    assert counter(27, "lower-alpha") == "aa"


def test_an_unnumbered_sub_heading_leaves_its_paragraphs_in_the_count_of_the_section_around_it():
    nodes = [Node("Key Issues", [], [Node("Community Strategy", ["a", "b"], numbered=False)])]
    sections = Numberer(ParagraphScheme()).outline(nodes).sections
    assert sections[0].sections[0].number is None
    assert [b.number for b in sections[0].sections[0].blocks] == ["1.1", "1.2"]


def test_a_scheme_may_start_where_the_last_meeting_stopped():
    numbers = printed(ParagraphScheme(style="headings", format="{}.", start=49))
    assert [n for n, _, _ in numbers] == ["49.", "50.", "50.1."]
    assert [b for _, _, b in printed(ParagraphScheme(style="running", start=7))] == [["7", "8"], ["9", "10"], ["11"]]


def test_points_are_numbered_under_their_paragraph_in_any_scheme():
    from committee_papers.models.blocks import PointsBlock

    points = PointsBlock.model_validate({"points": {"text": "Ratings:", "items": [{"text": "Crime", "status": "Amber"}, {"text": "Drugs"}]}})
    body = [Node("Purpose", ["One."]), Node("Targets", [points, "After."])]
    running = Numberer(ParagraphScheme(style="running", format="{}.")).outline(body)
    assert [b.numbers for b in running.sections[1].blocks] == [["2.", "2.1", "2.2"], ["3."]]
    assert running.paragraphs["2.2"] == "2.2"
    decimal = Numberer(ParagraphScheme(style="decimal")).outline(body)
    assert decimal.sections[1].blocks[0].numbers == ["2.1", "2.1.1", "2.1.2"]


def test_an_appendix_title_after_its_name_on_one_line():
    from committee_papers.models.kinds import Kind

    kind = Kind.model_validate({"name": "R", "parts": [{"key": "sections", "type": "sections"}],
                                "numbering": {"appendices": {"prefix": "", "style": "decimal", "separator": ". "}}})
    assert (appendix_name(kind.numbering.appendices, 2, None), kind.numbering.appendices.separator) == ("2", ". ")
