from __future__ import annotations

from lxml import html

from committee_papers.sources.notes import label, number_notes


def test_labels_in_each_style():
    assert [label(n, "lower-roman") for n in (1, 4, 9, 14, 34)] == ["i", "iv", "ix", "xiv", "xxxiv"]
    assert [label(n, "decimal") for n in (1, 12)] == ["1", "12"]
    assert label(27, "lower-alpha") == "aa"


def test_notes_are_numbered_in_reading_order_not_the_order_written():
    document = html.document_fromstring(
        '<html><body><section data-notes="a1">'
        '<p>One<sup class="note-ref" data-note="later"><a href="#note-later">later</a></sup>'
        ' two<sup class="note-ref" data-note="first"><a href="#note-first">first</a></sup>'
        ' again<sup class="note-ref" data-note="later"><a href="#note-later">later</a></sup></p>'
        '<ol class="endnotes"><li data-note="first">First written.</li><li data-note="later">Written later.</li></ol>'
        "</section></body></html>"
    )
    number_notes(document, "lower-roman")
    refs = [a.text for a in document.iterfind(".//sup/a")]
    assert refs == ["i", "ii", "i"]
    notes = [li.text_content() for li in document.iterfind(".//ol/li")]
    assert notes == ["iWritten later.", "iiFirst written."]
    assert document.find(".//ol/li").get("id") == "note-a1-i"
    assert document.find(".//sup/a").get("href") == "#note-a1-i"


def test_a_note_whose_name_no_marker_could_use_is_refused_on_one_line():
    from committee_papers.sources.notes import note_problems

    assert note_problems([], {(): {"\n", "iv"}}) == [
        (("notes", "\n"), "expected a note name of letters, digits, - or _ (as in [^iv]), got '\\n'"),
        (("notes", "iv"), "note is never referred to: write [^iv] in the text where it belongs"),
    ]
