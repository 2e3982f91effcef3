from __future__ import annotations

from committee_papers.sources.prose import link_problems, to_html, to_inline


def test_a_list_may_follow_its_introduction_directly():
    assert to_html("It:\n- examines\n- measures") == "<p>It:</p>\n<ul>\n<li>examines</li>\n<li>measures</li>\n</ul>"


def test_lists_nest_by_two_spaces_as_yaml_is_indented():
    html = to_html("- outer\n  - inner")
    assert "<li>outer<ul>\n<li>inner</li>" in html


def test_text_cannot_add_elements_outside_the_dialect():
    html = to_html('Hello <script>alert(1)</script><img src="x.png"> <div class="x">there</div> [link](javascript:alert(1))')
    assert "<script" not in html and "<img" not in html and "<div" not in html
    assert "javascript:" not in html


def test_one_paragraph_is_inline():
    assert to_inline("Just **one** line") == "Just <strong>one</strong> line"
    assert to_inline("- a\n- b").startswith("<ul>")


def test_a_note_marker_becomes_a_note_reference():
    assert to_inline("City[^iv].") == 'City<sup class="note-ref" data-note="iv"><a href="#note-iv">iv</a></sup>.'


def test_only_web_links_are_allowed():
    assert link_problems("[site](https://www.leicester.gov.uk) [mail](mailto:a@b.uk)") == []
    assert link_problems("[x](file:///etc/passwd)") == ["expected a web address (https://...) or mailto: link, got 'file:///etc/passwd'"]
    assert link_problems("![chart](chart.png)") == ["images are not allowed in text; use a figure"]


def test_plain_text_skips_markdown_and_comes_out_as_markdown_would_make_it():
    """The shortcut for plain text must give what Markdown and the sanitiser give, on every text it takes."""
    import random

    from committee_papers.sources.prose import markdown_html, plain

    assert plain("Recycling rate") and plain("Norman Proudfoot, 2012/13 (approved)") and plain("Café 50% “up”")
    assert not plain("1. First") and not plain("- item") and not plain("a *b*") and not plain("Tom & Jerry")
    assert not plain("a\nb") and not plain("trailing ") and not plain("x [^i]")
    pieces = list("abXY09 .,;:'\"()/%?£€@’“”–—-+=*_`[]<>&\\!#|~^{}\t\u00a0é") + ["1. ", "- ", "  ", "\n", "  word", "2007."]
    rnd = random.Random(14)
    texts = ["".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 10))) for _ in range(20_000)]
    taken = [text for text in texts if plain(text)]
    assert len(taken) > 500  # the shortcut is exercised, not only the refusals
    assert [text for text in taken if to_html(text) != markdown_html(text)] == []
