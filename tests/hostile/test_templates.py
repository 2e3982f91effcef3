"""Hostile council templates: reaching for Python's internals, files or modules, and exhausting memory or time.

A council's templates are data its officers write. Each case puts one template
in the Leicester council's folder and builds: the paper fails with one line,
`templates/<council>/<file>:<line>: <what> (while laying out <paper>)`, exit
status 1, no traceback, its last good outputs untouched, and the other
council's paper is still built.
"""

from __future__ import annotations

import pytest

from committee_papers.layout.sandbox import MAX_ITEMS, MAX_STEPS, MAX_TEXT
from committee_papers.pipeline.build import Config, build

from .built import OTHER, PAPER, outputs, refused, replaced

TEMPLATE = "templates/leicester-city/declared.html.j2"
BLOCK = "templates/leicester-city/blocks/paragraph.html.j2"
REACH = "is out of a template's reach (a template may not reach Python's internals, files or modules)"


def council_template(body: str) -> str:
    """Return a council template that draws the default report with one line of its own, on line 3."""
    return '{% extends "default/declared.html.j2" %}\n{% block keywords %}\n' + body + "{% endblock %}\n"


@pytest.mark.parametrize(
    ("body", "what"),
    [
        ("{{ ''.__class__.__mro__ }}", f"'__class__' of a str {REACH}"),
        ("{{ cycler.__init__.__globals__ }}", f"'__init__' of the class Cycler {REACH}"),
        ("{{ paper.__class__.__init__.__globals__['os'] }}", f"'__class__' of a CommitteeReport {REACH}"),
        ("{{ self._TemplateReference__context }}", f"'_TemplateReference__context' of a TemplateReference {REACH}"),
        ("{{ lipsum.__globals__['os'].system('true') }}", f"'__globals__' of a function {REACH}"),
        ("{{ '{0.__class__.__base__}'.format(paper) }}", f"'__class__' of a CommitteeReport {REACH}"),
        ("{{ namespace.__module__ }}", f"'__module__' of the class Namespace {REACH}"),
        ("{{ config.SECRET_KEY }}", "undefined: 'config' is undefined"),
        ("{{ os.environ }}", "undefined: 'os' is undefined"),
    ],
    ids=["mro", "globals", "paper-class", "context", "lipsum-os", "format", "module", "config", "os"],
)
def test_a_template_cannot_reach_pythons_internals(built, body, what, capsys):
    err = refused(built, TEMPLATE, council_template(body), capsys)
    assert err == f"{TEMPLATE}:3: {what} (while laying out {PAPER})\n"


@pytest.mark.parametrize(
    ("body", "what"),
    [
        ("{{ 'x' * 1000000000 }}", f"the template repeats 1 characters 1,000,000,000 times; at most {MAX_TEXT:,} are allowed"),
        ("{{ [0] * 100000000 }}", f"the template repeats 1 items 100,000,000 times; at most {MAX_ITEMS:,} are allowed"),
        ("{{ '%1000000000d' % 1 }}", f"the template pads a value to 1,000,000,000 characters; at most {MAX_ITEMS:,} are allowed"),
        ("{{ '{:>1000000000}'.format(1) }}", f"the template pads a value to 1,000,000,000 characters; at most {MAX_ITEMS:,} are allowed"),
        ("{{ paper.title|center(1000000000) }}", f"the filter center is given 1,000,000,000; at most {MAX_ITEMS:,} are allowed"),
        ("{{ paper.title.ljust(1000000000) }}", f"the template calls ljust with 1,000,000,000; at most {MAX_ITEMS:,} are allowed"),
        ("{{ (2 ** 1000) ** 1000 }}", "the template makes a number of about 302,000 digits; at most 4,300 are allowed"),
        (
            "{% set ns = namespace(text=paper.title) %}{% for i in range(64) %}{% set ns.text = ns.text ~ ns.text %}{% endfor %}",
            f"the template makes a text of 29,360,128 characters; at most {MAX_TEXT:,} are allowed",
        ),
        (
            "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
            f"the template's loops turn more than {MAX_STEPS:,} times in one drawing: is there a loop without end?",
        ),
        (
            "{% for i in range(100000) %}{{ paper.title * 1000 }}{% endfor %}",
            f"the template writes more than {MAX_TEXT:,} characters; a paper's web page is a few hundred thousand",
        ),
    ],
    ids=["repeat", "list", "printf", "format", "center", "ljust", "power", "doubling", "loops", "output"],
)
def test_a_template_cannot_exhaust_memory_or_time(built, body, what, capsys):
    err = refused(built, TEMPLATE, council_template(body), capsys)
    assert err == f"{TEMPLATE}:3: {what} (while laying out {PAPER})\n"


def test_a_hostile_block_template_fails_its_papers_and_the_other_councils_paper_is_built(built):
    root, before = built
    block = "{{ item.text }}\n{{ item.__class__.__init__.__globals__ }}\n"
    (root / BLOCK).parent.mkdir(exist_ok=True)
    with replaced(root / BLOCK, block):
        report = build(Config(root, force=True, jobs=1))
    assert report.failed == {PAPER: [f"{BLOCK}:2: '__class__' of a Paragraph {REACH} (while laying out {PAPER})"]}
    assert report.built == [OTHER]
    assert outputs(root) == before


def test_a_template_that_calls_itself_without_end_is_a_message(built, capsys):
    body = "{% macro again() %}{{ again() }}{% endmacro %}{{ again() }}"
    err = refused(built, TEMPLATE, council_template(body), capsys)
    assert err.startswith(f"{TEMPLATE}:3: RecursionError: maximum recursion depth exceeded")
    assert err.endswith(f" (while laying out {PAPER})\n")
    assert err.count("\n") == 1


def test_a_template_within_the_bounds_draws_as_before(built, capsys):
    root, _ = built
    body = "{% for i in range(3) %}{{ loop.index }}{{ '-' * 2 }}{% endfor %}{{ '{:>6}'.format(paper.title|length) }}"
    with replaced(root / TEMPLATE, council_template(body)):
        report = build(Config(root, papers=[root / PAPER], force=True, jobs=1))
        page = (root / "output/leicester-city/cabinet/mini.html").read_text(encoding="utf-8")
    assert report.ok, report.failed
    assert 'content="1--2--3--    14"' in page
    assert build(Config(root, papers=[root / PAPER], force=True, jobs=1)).ok  # the paper as it was, for other cases


def test_a_fault_in_the_engine_fails_one_paper_with_a_line_and_the_other_is_built(built, monkeypatch):
    root, before = built
    from committee_papers.outputs import render

    def broken(self, document, theme, *args, **kwargs):
        if theme.slug == "leicester-city":
            return {}["rows"]
        return laid_out(self, document, theme, *args, **kwargs)

    laid_out = render.Renderer.outputs
    monkeypatch.setattr(render.Renderer, "outputs", broken)
    report = build(Config(root, force=True, jobs=1))
    [message] = report.failed[PAPER]
    assert message.startswith(f"{PAPER}: committee-papers failed laying it out (KeyError: 'rows' at test_templates.py:")
    assert message.endswith("); its last good outputs are kept; please report it")
    assert report.built == [OTHER]
    assert outputs(root) == before
