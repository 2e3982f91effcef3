"""Papers of the kinds councils declare in kind files: a front sheet, parts in order, a body that is a tree."""

from __future__ import annotations

import datetime
import functools
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, Field, PrivateAttr, model_validator

from ..sources.dates import council_date, day_month_year, long_date
from ..sources.errors import did_you_mean
from ..sources.loader import dotted
from ..sources.provenance import carry, refs_of, shows
from .blocks import Block, as_block
from .common import UNIQUE, Prose, Strict
from .decisions import Decisions, ForwardTimetable, KeyDecision, fill
from .numbering import Node, NumberedSection, Numberer, Outline, appendix_name
from .paper import Located, PaperBase, blocks_of, walk
from .period import financial_quarter
from .scoring import worked_out_scores

ID = Field(default=None, pattern=r"^[a-z][a-z0-9-]*$")


class Section(Strict):
    """A part of the body: an optional heading, its blocks, then the parts nested inside it, to any depth."""

    heading: str | None = None
    """The heading; the kind's scheme numbers it. Without one, the blocks carry on the part around it."""
    id: str | None = ID
    """A short name, lower case with hyphens, if other parts refer to this one."""
    numbered: bool = True
    """No for a heading printed without a number, whose paragraphs carry on the numbers of the part around it."""
    ref: Annotated[str | None, UNIQUE] = Field(default=None, min_length=1, examples=["CEC 01"])
    """A reference the section is known by, such as an action code (CEC 01), printed before its heading in place of a
    number; each is used once in the paper."""
    new_page: bool = False
    """Yes to start the section on a new page."""
    content: list[Block] = []
    """Paragraphs (numbered by the kind's scheme), tables and other blocks, in order."""
    sections: list[Section] = []
    """Parts nested inside this one."""


class Appendix(Strict):
    """An appendix: a title, then a body of the same shape as the paper's, and its own endnotes."""

    title: str = Field(examples=["Directorate business plan"])
    """The appendix title; the build names it in the council's scheme (Appendix A, Annex 1 ...)."""
    id: str | None = ID
    """A short name, lower case with hyphens, if other parts refer to this appendix."""
    content: list[Block] = []
    """Paragraphs, tables and other blocks before the first headed part."""
    sections: list[Section] = []
    """Headed parts of the appendix, nested to any depth."""
    notes: dict[str, Prose] = {}
    """Endnotes by marker: write [^marker] in the text."""


def section_node(section: Section) -> Node:
    """Return a section of the body, and everything inside it, as parts to number."""
    children = [section_node(s) for s in section.sections]
    extra = {"new_page": True} if section.new_page else {}
    return Node(section.heading, list(section.content), children, id=section.id, numbered=section.numbered, extra=extra, ref=section.ref)


class DeclaredPaper(PaperBase):
    """A paper of a kind declared in a council's kind file; the build makes one model per kind file."""

    notes: dict[str, Prose] = {}
    """Endnotes for the paper itself, by marker: write [^marker] in the text."""
    appendices: list[Appendix] = []
    """Appendices, named in the council's scheme."""

    declaration: ClassVar[Any]
    """The kind file this model was made from (committee_papers.models.kinds.Kind)."""
    declared_as: ClassVar[str]
    """Where that kind file is, relative to the templates folder: for messages and for pickling."""
    rebuild: ClassVar[Any]
    """The function that makes a pickled paper again from its kind file's text, set where the class is made."""
    template: ClassVar[str] = "declared.html.j2"

    _order: list[str] = PrivateAttr(default_factory=list)

    @model_validator(mode="wrap")
    @classmethod
    def _keep_order(cls, data: Any, handler: Any) -> Any:
        """Remember the order the officer wrote the parts in, for kinds whose order is the officer's."""
        paper = handler(data)
        if isinstance(data, dict):
            paper._order = [str(key) for key in data]
        return paper

    @model_validator(mode="after")
    def _built_title(self) -> DeclaredPaper:
        """Give a paper whose kind builds its title from the front sheet that title, for its metadata and agenda."""
        if not self.title:
            object.__setattr__(self, "title", self.printed_title())
        return self

    @classmethod
    def validation_context(cls) -> dict[str, Any]:
        """Return what checking a paper of this kind needs of its kind file: its standard tables."""
        return {"tables": cls.declaration.tables}

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle by the kind file's text, since the model class is made at run time."""
        values = {name: getattr(self, name) for name in type(self).model_fields}
        return type(self).rebuild, (self.declaration.model_dump_json(), self.kind, self.declared_as, values, self._order, self._data)

    def part_keys(self) -> list[str]:
        """Return the keys of the parts the paper has, in the order they are printed."""
        declared = [part.key for part in self.declaration.parts]
        order = self._order if self.declaration.order == "officer" else declared
        fixed = {part.key for part in self.declaration.parts if part.content}
        return [key for key in order if key in declared and (_present(getattr(self, key)) or key in fixed)]

    def nodes(self) -> list[Node]:
        """Return the paper's parts as parts to number, in the order they are printed."""
        parts = {part.key: part for part in self.declaration.parts}
        found: list[Node] = []
        for key in self.part_keys():
            part, value = parts[key], getattr(self, key)
            fixed = list(part.content)
            page = {name: True for name in ("new_page", "landscape") if getattr(part, name)}
            if part.type == "sections":
                children = [section_node(s) for s in value or []]
                whole = part.heading or fixed or page
                found += [Node(part.heading, fixed, children, id=key, key=key, numbered=part.numbered, extra=page)] if whole else children
            elif part.type == "paragraphs":
                formula = fill(part.formula, self.committee_name()) if part.formula else None
                found.append(Node(part.heading, [*(value or []), *fixed], id=key, key=key, scheme=part.numbering,
                                  extra={"formula": formula, **page}, numbered=part.numbered))
            elif part.type in ("block", "recommendations", "resolutions"):
                given = [self.part_block(part, value)] if value is not None and value != [] else []
                found.append(Node(part.heading, [*given, *fixed], id=key, key=key, scheme=part.numbering, numbered=part.numbered, extra=page))
            else:
                extra = {"formula": part.formula, "type": part.type, "value": value, **page}
                found.append(Node(part.heading, fixed, id=key, key=key, extra=extra, numbered=part.numbered))
            if part.keep_with_previous and found and found[-1].key == key:
                found[-1].extra["keep_with_previous"] = True
        return found

    @staticmethod
    def part_block(part: Any, value: Any) -> Any:
        """Return a part's value as the block that draws it, with the kind's formula where the paper gives none.

        A recommendations or resolutions part holds the decisions alone: they are drawn as that block, under the
        part's formula or, without one, the theme's.
        """
        if part.type in ("recommendations", "resolutions"):
            return as_block(part.type, Decisions.model_construct(items=value, formula=part.formula))  # checked as a list
        if part.formula and getattr(value, "formula", "") is None:
            value = value.model_copy(update={"formula": part.formula})
        if part.decision_numbering and getattr(value, "numbering", "") is None:
            value = value.model_copy(update={"numbering": part.decision_numbering})
        return as_block(part.block, value)

    def field_block(self, spec: Any) -> Any:
        """Return a front-sheet field drawn as a block (a timetable as a forward timetable), or None."""
        value = getattr(self, spec.key, None)
        if spec.type == "timetable" and value:
            return as_block("forward_timetable", ForwardTimetable.model_construct(meetings=value))
        return None

    def key_decision_status(self) -> KeyDecision | None:
        """Return the paper's key decision status, from whichever part holds one (agenda packs check its notice)."""
        return next((v for v in (getattr(self, name) for name in type(self).model_fields) if isinstance(v, KeyDecision)), None)

    def theme_problems(self, theme: Any) -> list[Located]:
        """Return what every block says of itself against the theme, the kind's block parts too."""
        found = super().theme_problems(theme)
        committee = self.committee_name()
        for part in self.declaration.parts:
            value = getattr(self, part.key, None)
            drawn = part.type in ("block", "recommendations", "resolutions") and value
            block = self.part_block(part, value) if drawn else None
            for sub, message in block.theme_problems(theme, committee) if hasattr(block, "theme_problems") else []:
                found.append(((part.key, *sub[1:]), message))  # the block's own key stands for the part's
        return found + self._fixed_content_problems(theme)

    def _fixed_content_problems(self, theme: Any) -> list[Located]:
        """Return what the blocks the kind fixes say against the council's theme, told at the paper's kind."""
        found: list[Located] = []
        for i, part in enumerate(self.declaration.parts):
            for path, block in ((p, m) for p, m in walk(part.content) if isinstance(m, BaseModel) and hasattr(m, "council_problems")):
                for sub, message in block.council_problems(theme, self.status_scale):
                    where = dotted(("parts", i, "content", *path, *sub))
                    found.append((("kind",), f"{self.declared_as}: {where}: {message}"))
        return found

    def outline(self) -> Outline:
        """Return the numbered parts of the paper and every paragraph number a reference may name.

        Each top-level part has an id, its own or part-N, for the contents to link to.
        """
        outline = Numberer(self._scheme()).outline(self.nodes())
        for n, section in enumerate(outline.sections, 1):
            section.id = section.id or f"part-{n}"
        return outline

    def _scheme(self) -> Any:
        """Return the paper's numbering scheme, starting where the paper says when the kind leaves that to it."""
        scheme = self.declaration.numbering.paragraphs
        given = getattr(self, scheme.start, None) if isinstance(scheme.start, str) else None
        if isinstance(given, str) and given.isascii() and given.isdigit():
            return scheme.model_copy(update={"start": int(given)})
        return scheme

    def appendix_outlines(self, council: str = "letters") -> list[tuple[str, Appendix, list[NumberedSection]]]:
        """Return each appendix's name in the kind's scheme (or the council's, letters or numbers), the appendix and its numbered parts."""
        numbering = self.declaration.numbering
        found = []
        for n, appendix in enumerate(self.appendices, 1):
            body = Node(None, list(appendix.content), [section_node(s) for s in appendix.sections])
            name = appendix_name(numbering.appendices, n, self.agenda_item, council)
            found.append((name, appendix, Numberer(numbering.appendix_paragraphs).outline([body]).sections))
        return found

    def printed_title(self) -> str:
        """Return the title as the kind's pattern prints it: the paper's own, where the pattern is {title} alone."""
        if self.declaration.title == "{title}":
            return self.title  # as written, so it keeps where it was written
        return self.declaration.title.format_map(self.plain_values())

    def printed_subtitle(self, council: str) -> str:
        """Return the line under the title as the kind's pattern prints it, or nothing."""
        pattern = self.declaration.subtitle
        if not pattern:
            return ""
        alone = pattern[1:-1] if pattern.startswith("{") and pattern.endswith("}") and pattern.count("{") == 1 else None
        value = getattr(self, alone, None) if alone in {spec.key for spec in self.declaration.front_sheet.fields} else None
        if isinstance(value, str):
            return value  # a field printed alone keeps where it was written
        fields = [getattr(self, spec.key, None) for spec in self.declaration.front_sheet.fields]
        return shows(pattern.format_map({**self.plain_values(), "council": council}), council, *fields)

    def full_title(self, council: str) -> str:
        """Return the title and the line under it as one line: the document's title."""
        return " ".join(t for t in (self.printed_title(), self.printed_subtitle(council)) if t)

    def plain_values(self) -> dict[str, str]:
        """Return the title, agenda item and every front-sheet field as one line of text, by key.

        A quarter gives its months and its number too: {quarter_months} October to December 2007, {quarter_number} 3.
        """
        values = {"title": self.title, "agenda_item": self.agenda_item or ""}
        for spec in self.declaration.front_sheet.fields:
            value = getattr(self, spec.key, None)
            values.setdefault(spec.key, council_date(value, spec.date_style) if isinstance(value, datetime.date) else plain_text(value))
            if spec.type == "quarter":
                period = financial_quarter(value) if value else None
                values[f"{spec.key}_months"] = period.months if period else ""
                values[f"{spec.key}_number"] = str(period.quarter) if period else ""
        return values

    def written_by(self) -> str | None:
        """Return whose paper it is, for its metadata: the first officer on the front sheet (name, or post)."""
        officer = next((getattr(self, f.key) for f in self.declaration.front_sheet.fields if f.type == "officer" and getattr(self, f.key, None)), None)
        return (officer.name or officer.post) if officer else None

    def above_title(self) -> list[tuple[Any, Any]]:
        """Return the front-sheet fields printed as labels above the title, with their values, where the paper gives them."""
        return [(spec, getattr(self, spec.key, None)) for spec in self.declaration.front_sheet.fields
                if spec.place == "above-title" and _present(getattr(self, spec.key, None))]

    def front_sheet(self) -> list[tuple[Any, Any]]:
        """Return each front-sheet field to print with its value: those the paper gives, and empty ones with an empty text."""
        rows = []
        for spec in self.declaration.front_sheet.fields:
            value = getattr(self, spec.key, None)
            if spec.place != "sheet" or not spec.shown:
                continue
            if _present(value) or spec.type in ("exempt", "status") or spec.empty is not None:
                rows.append((spec, value))
        return rows

    def running(self, which: str, council: str) -> list[tuple[str, str]]:
        """Return the items of the running header or footer: ("text" or "strong", words), or ("page", ""), ("page-slash", ""), ("status-key", "")."""
        values = {**self.plain_values(), "council": council, "title": self.printed_title(), "subtitle": self.printed_subtitle(council)}
        spec = next((f for f in self.declaration.front_sheet.fields if f.type == "meeting"), None)
        meeting = getattr(self, spec.key) if spec is not None else None
        if meeting is not None:
            when = council_date(meeting.date, spec.date_style) if spec.date_style else long_date(meeting.date)  # type: ignore[union-attr]
            values.update(committee=meeting.committee, meeting_date=carry(when, refs_of(meeting.date)))
        items: list[tuple[str, str]] = []
        for item in getattr(self.declaration, which).items:
            show, form = (item, "{}") if isinstance(item, str) else (item.show, item.format)
            if show in ("page", "page-slash", "status-key"):
                items.append((show, ""))
                continue
            text = item.text if not isinstance(item, str) and item.text is not None else values.get(item.field if not isinstance(item, str) and item.field else show or "", "")
            if text:
                items.append(("strong" if getattr(item, "bold", False) else "text", text if form == "{}" else carry(form.format(text), refs_of(text))))
        return items

    def derived(self) -> dict[str, Any]:
        """Return the numbered parts, the appendices with their names, the front sheet, and score tables' overall scores."""
        return {"outline": self.outline(), "appendices": self.appendix_outlines(), "kind": self.declaration, "item_in_header": False,
                **worked_out_scores(list(blocks_of(self)))}

    def committee_name(self) -> str | None:
        """Return the committee of the meeting on the front sheet, for the decision formulas that name it."""
        return next((getattr(self, f.key).committee for f in self.declaration.front_sheet.fields if f.type == "meeting" and getattr(self, f.key, None)), None)

    def document_date(self) -> datetime.date | None:
        """Return the date of the meeting (or the first date on the front sheet)."""
        for spec in self.declaration.front_sheet.fields:
            value = getattr(self, spec.key, None)
            if spec.type == "meeting" and value is not None:
                return value.date
            if spec.type == "date" and value is not None:
                return value
            if spec.type == "quarter" and value is not None:
                return financial_quarter(value).end
        return None

    def problems(self) -> list[Located]:
        """Return notes, tables, paragraph and section references that do not add up, a first number that is none, and a title typed where the kind builds it."""
        found = super().problems() + self._reference_problems() + self._repeated_refs()
        start = self.declaration.numbering.paragraphs.start
        given = getattr(self, start, None) if isinstance(start, str) else None
        if given is not None and not (isinstance(given, str) and given.isascii() and given.isdigit() and len(given) <= 4):
            found.append(((start,), f"expected the first number as a whole number such as 49, got {given!r}"))
        shown = "{title}" in self.declaration.title or any(f.type == "title" for f in self.declaration.front_sheet.fields)
        if "title" in self.model_fields_set and not shown:
            found.append((("title",), f"the title is built from the kind's pattern ({self.printed_title()!r}): remove this line"))
        return found

    def _repeated_refs(self) -> list[Located]:
        """Return a value of a field marked UNIQUE (a section's reference) written twice: each names one part."""
        first: dict[tuple[str, str], tuple[Any, ...]] = {}
        found: list[Located] = []
        for path, value in walk(self):
            for name in _unique_fields(type(value)) if isinstance(value, BaseModel) else ():
                given = getattr(value, name)
                if given is None:
                    continue
                key = (name, " ".join(str(given).lower().replace(".", "").split()))
                if key in first:
                    found.append(((*path, name), f"expected each reference once, got {given!r} again (first at {dotted(first[key])})"))
                first.setdefault(key, path)
        return found

    def note_scopes(self) -> dict[tuple[Any, ...], set[str]]:
        """Return the paper's own notes and each appendix's."""
        appendices = {("appendices", i): set(a.notes) for i, a in enumerate(self.appendices)}
        return {(): set(self.notes), **appendices}

    def _reference_problems(self) -> list[Located]:
        """Return paragraph references, in fields, tables or blocks (a table of other implications), that name no paragraph the reader sees."""
        from .columns import has_paragraph_refs, paragraph_ref_problems
        from .common import Table
        from .paper import blocks_of

        fields = [f for f in (*self.declaration.front_sheet.fields, *self.declaration.parts) if f.type == "paragraphs-refs"]
        refs = [((spec.key, i), ref) for spec in fields for i, ref in enumerate(getattr(self, spec.key) or [])]
        for part in self.declaration.parts:
            value = getattr(self, part.key, None)
            block = self.part_block(part, value) if part.type == "block" and value else None
            refs += [((part.key, *sub[1:]), ref) for sub, ref in (block.paragraph_refs() if hasattr(block, "paragraph_refs") else [])]
        tables = [(path, m) for path, m in blocks_of(self) if isinstance(m, Table) and has_paragraph_refs(m)]
        if not refs and not tables:
            return []
        printed = self.outline().paragraphs
        found = [((*path, *sub), message) for path, table in tables for sub, message in paragraph_ref_problems(table, printed)]
        return found + [
            (path, f"expected a paragraph number printed in this paper or a paragraph id, got {ref!r}{did_you_mean(ref, printed)}")
            for path, ref in refs
            if ref not in printed
        ]


@functools.cache
def _unique_fields(model: type[BaseModel]) -> tuple[str, ...]:
    """Return the fields of a model whose values must each be used once in a paper."""
    return tuple(name for name, info in model.model_fields.items() if UNIQUE in info.metadata)


def plain_text(value: Any) -> str:
    """Return a front-sheet value as one line of text: a running header, a title pattern."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.date):
        return day_month_year(value)
    if isinstance(value, list):
        return ", ".join(plain_text(v) for v in value)
    if isinstance(value, BaseModel):
        parts = [getattr(value, name) for name in type(value).model_fields]
        return ", ".join(plain_text(p) for p in parts if p not in (None, ""))
    return str(value)


def _present(value: Any) -> bool:
    return value is not None and value != [] and value != ""
