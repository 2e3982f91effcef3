"""Kind files: a council declares a kind of paper as data, and one general engine makes its model.

A kind file is `templates/<council>/kinds/<kind>.yaml` (or `templates/default/kinds/<kind>.yaml`
for every council); it declares the front sheet, the parts a paper has and their order, the
numbering of paragraphs and appendices, formulas, the running header and footer, the title
pattern and the cover and contents pages. Each is read once per process and turned into a
pydantic model (`DeclaredPaper` and one field per declared key), so a paper of that kind is
checked with the same file:line:col messages and did-you-mean as every other.
"""

from __future__ import annotations

import datetime
import re
import string
from functools import lru_cache
from pathlib import Path
from stat import S_ISDIR, S_ISREG
from typing import Annotated, Any, Literal, Union

from pydantic import Field, ValidationError, create_model
from pydantic.json_schema import SkipJsonSchema

from ..sources.dates import DateStyle
from ..sources.errors import ContentError, Problem, relative
from ..sources.loader import load
from .blocks import BLOCK_KEYS, Block
from .common import Contact, Meeting, Prose, StandardTable, Strict, Table
from .decisions import Decision, DecisionNumbers, TimetableEntry, formula_problem
from .declared import DeclaredPaper, Section
from .numbering import AppendixScheme, ParagraphScheme
from .paper import Located, PaperBase
from .period import QuarterText

FOLDER = "kinds"
KEY = r"^[a-z][a-z0-9_]*$"
MAX_PARTS = 200
"""The most parts or front-sheet fields a kind may declare: real papers have a few dozen at most."""
MAX_OPTIONS = 500
"""The most values a choice may take."""
FIRST_NUMBER_EXAMPLE = "49"
"""The example of a front-sheet field that gives the first number of the paper's paragraphs (`numbering.paragraphs.start`)."""

FieldType = Literal[
    "text", "prose", "date", "officer", "people", "yes-no", "choice", "wards", "meeting", "list", "paragraphs-refs",
    "agenda-item", "exempt", "title", "status", "quarter", "timetable",
]
PartType = Literal[FieldType, "sections", "paragraphs", "block", "recommendations", "resolutions"]
LISTS = ("people", "list", "paragraphs-refs", "paragraphs", "sections", "timetable", "recommendations", "resolutions")
"""The types whose value is a list: left out, a paper has none of them."""

# Fields every paper has; a kind file may show them on its front sheet, by these types, but not redeclare them.
SHOWN_FROM_PAPER = {"title": "title", "agenda_item": "agenda-item", "exempt": "exempt", "status": "status"}
RESERVED = set(PaperBase.model_fields) | {"notes", "appendices"}


class FrontSheetField(Strict):
    """A field of the front sheet: a key the paper writes, its label and what it holds."""

    key: str = Field(pattern=KEY, examples=["report_to"])
    """The key a paper of this kind writes, lower case with underscores."""
    label: str = Field(examples=["Report to"])
    """The label printed beside the value."""
    type: FieldType = "text"
    """text, prose (Markdown), date, officer, people (officers), yes-no, choice (from options), wards, meeting
    (committee and date), list (Markdown lines), paragraphs-refs (paragraph numbers or ids), and the paper's own
    agenda-item, exempt, title and status (Draft or Final); quarter (of a financial year, Q3 2007-08); timetable (the
    meetings a paper goes to, meeting and date each, printed as a forward timetable)."""
    required: bool = False
    """Whether every paper of this kind must give it."""
    options: list[str] = Field(default=[], max_length=MAX_OPTIONS)
    """The values a choice may take."""
    group: str | None = None
    """A heading row the field sits under, shared with the fields after it that name the same group."""
    help: str | None = None
    """What an officer writes here: shown by the editor, and in `new` papers."""
    show_label: bool = True
    """Whether the label is printed: stacked lines such as "CABINET" or "21 SEPTEMBER 2006" print the value alone; in a
    table the value then spans both columns, as a committee's name in the top cell."""
    empty: str | None = Field(default=None, examples=["N/A", "None"])
    """What the front sheet prints when the paper leaves an optional field out; left off the sheet when not given."""
    shown: bool = True
    """No for a value the paper gives that the front sheet does not print, such as the number its first item takes."""
    date_style: DateStyle | None = None
    """How a date, or a meeting's date, is printed: ordinal 4th March 2025 (when not given), day-month-year 4 March
    2025, short 4 Mar 2025, numeric 04/03/2025, weekday-ordinal Tuesday 4th March 2025, weekday Tuesday 4 March 2025.
    A meeting's format is also its date's in the running header and footer."""
    format: str = Field(default="{}", pattern=r"^[^{}]*\{\}[^{}]*$", examples=["Appendix {}"])
    """How the value is printed, {} standing for it: "Appendix {}" prints A as Appendix A."""
    bold: bool = False
    """Yes to print the value in bold, in stacked lines: a "Report of the ..." line under the title."""
    place: Literal["sheet", "above-title", "none"] = "sheet"
    """Where the value is printed: on the sheet; above-title, as a label over the title (APPENDIX A); none, only where
    the title pattern or the running header names it."""


class Part(Strict):
    """A part of the paper: the officer's own sections, or a part the kind names (recommendations, reasons ...)."""

    key: str = Field(pattern=KEY, examples=["recommendations"])
    """The key a paper of this kind writes the part under."""
    heading: str | None = Field(default=None, examples=["Recommendations"])
    """The part's heading, numbered by the kind's scheme; officer's sections with no heading here stand at the top."""
    type: PartType = "paragraphs"
    """sections (headed sections nested to any depth), paragraphs (numbered paragraphs and other blocks), block
    (one block of the kind named in `block`), recommendations or resolutions (a list of decisions, each text or text
    and reason, under the theme's formula or the part's), or any front-sheet type (officer, people, list ...)."""
    block: str | None = None
    """For type block: the block it holds (table, facts ...)."""
    required: bool = False
    """Whether every paper of this kind must have it."""
    formula: str | None = Field(default=None, examples=["The {committee} RESOLVES that:"])
    """A line printed before the part's paragraphs, such as the council's recommendation formula; {committee} is
    filled in with the committee of the meeting on the front sheet. For a recommendations or resolutions block, it
    takes the place of the theme's formula."""
    numbering: ParagraphScheme | None = None
    """The part's own numbering of its paragraphs, such as (a), (b) resolutions; the paper's when not given."""
    numbered: bool = True
    """No for a heading printed without a number (a vision or a list of priorities before the numbered parts)."""
    decision_numbering: DecisionNumbers | None = None
    """For a recommendations or resolutions block: how its items are numbered where the paper does not say, such
    as {counter: lower-roman, format: "({})", formula_numbered: Yes, bold: Yes} for 19. It is RECOMMENDED: (i) ..."""
    keep_with_previous: bool = False
    """Yes to keep the part on the page of the part before it (a contact officer under the recommendations)."""
    new_page: bool = False
    """Yes to start the part on a new page."""
    landscape: bool = False
    """Yes to set the part, its heading with it, on landscape pages of its own (a wide action plan)."""
    content: list[Block] = []
    """Blocks the kind prints in this part of every paper, after what the paper writes (a key to the markers, a
    standing note); a part with content is printed even where the paper writes nothing in it."""
    help: str | None = None
    """What an officer writes here."""


class FrontSheet(Strict):
    """The fields at the head of the paper and how they are laid out."""

    layout: Literal["table", "lines", "none"] = "table"
    """table: a label | value table; lines: stacked "LABEL: value" lines; none: the title alone (the fields fill the title, subtitle and running header)."""
    caption: str | None = None
    """The table's caption, read by screen readers (the title when not given)."""
    council: bool = True
    """Whether the council's name heads the paper, above the title."""
    fields: list[FrontSheetField] = Field(default=[], max_length=MAX_PARTS)
    """The fields, in the order they are printed."""


class Numbering(Strict):
    """The numbering of paragraphs and of appendices."""

    paragraphs: ParagraphScheme = ParagraphScheme()
    """How the paper's headings and paragraphs are numbered."""
    appendices: AppendixScheme = AppendixScheme()
    """How appendices are named."""
    appendix_paragraphs: ParagraphScheme = ParagraphScheme(style="none")
    """How headings and paragraphs inside an appendix are numbered (afresh in each)."""


Token = Literal["council", "committee", "meeting_date", "agenda_item", "title", "subtitle", "page", "page-slash", "status-key"]


class RunningItem(Strict):
    """An item of the running header or footer that needs more than its name."""

    show: Token | None = None
    """What to print: council, committee, meeting_date, agenda_item, title, subtitle, page (Page n of N), page-slash
    (n / N), status-key (the key of the paper's status scale, a line each). A draft's DRAFT mark and version stamp are
    on every page whatever the kind says."""
    field: str | None = Field(default=None, pattern=KEY)
    """A front-sheet field to print instead (a contact officer, a file reference ...)."""
    text: str | None = None
    """Fixed text instead."""
    format: str = Field(default="{}", pattern=r"^[^{}]*\{\}[^{}]*$", examples=["Agenda Item {}"])
    """How the value is printed, {} standing for it."""
    bold: bool = False
    """Yes to print the item in bold."""


class Running(Strict):
    """A running header or footer: items joined by a separator, left out where the paper has no value."""

    items: list[Union[Token, RunningItem]] = []
    """The items in order: a name (council, committee, meeting_date, agenda_item, title, subtitle, page, page-slash) or a mapping."""
    separator: str = " · "
    """What stands between two items; a new line ("\\n") puts each item on a line of its own."""
    first_page: bool = True
    """Whether the first page has it too (No: a cover or front sheet with a clean top or foot)."""


class Kind(Strict):
    """A kind of paper, declared by a council: what its papers hold and how they are laid out."""

    name: str = Field(examples=["Covering report"])
    """What the council calls this kind of paper."""
    description: str | None = None
    """What a paper of this kind is for: shown by the editor and in `new` papers."""
    title: str = Field(default="{title}", examples=["{title}", "ENCLOSURE {agenda_item}: {title}"])
    """The title as printed: {title}, {agenda_item} and any text or date front-sheet field by key. A kind whose
    title names no {title} makes its title from the other fields, and its papers write none."""
    subtitle: str | None = Field(default=None, examples=["by the {portfolio} Portfolio Holder", "{council}: quarter {quarter_number}, {quarter_months}"])
    """A line printed under the title, a pattern like the title's; {council} is the council's name."""
    front_sheet: FrontSheet = FrontSheet()
    """The fields at the head of the paper."""
    parts: list[Part] = Field(min_length=1, max_length=MAX_PARTS)
    """The parts a paper of this kind has or may have, in the kind's order."""
    order: Literal["fixed", "officer"] = "fixed"
    """fixed: parts print in the order above; officer: in the order the paper writes them."""
    numbering: Numbering = Numbering()
    """The numbering of paragraphs and appendices."""
    tables: dict[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]*$")], StandardTable] = {}
    """Standard tables by name, their columns declared once: a table in a paper writes `columns: <name>` to use them."""
    running_header: Running = Running(items=["council"])
    """The line at the top of every page."""
    running_footer: Running = Running(items=["page"])
    """The line at the foot of every page."""
    cover_page: bool = False
    """Whether the title and front sheet stand on a page of their own."""
    contents: bool = False
    """Whether a list of the parts and appendices follows the front sheet."""
    landscape: bool = False
    """Whether the whole paper is set on landscape pages."""

    def problems(self) -> list[Located]:
        """Return keys used twice or reserved, choices without options, and names the patterns cannot fill."""
        found: list[Located] = []
        seen: set[str] = set()
        for section, specs in (("front_sheet", self.front_sheet.fields), ("parts", self.parts)):
            for i, spec in enumerate(specs):
                path = (section, "fields", i) if section == "front_sheet" else (section, i)
                found += _spec_problems(spec, path, seen)
                seen.add(spec.key)
        names = {f.key for f in self.front_sheet.fields} | {"title", "agenda_item"}
        names |= {f"{f.key}_{part}" for f in self.front_sheet.fields if f.type == "quarter" for part in ("months", "number")}
        for pattern, where, also in ((self.title, "title", set()), (self.subtitle or "", "subtitle", {"council"})):
            for name in _pattern_names(pattern):
                if name not in names | also:
                    found.append(((where,), f"expected {{title}}, {{agenda_item}}{', {council}' if also else ''} or a front-sheet field's key in braces, got {{{name}}}"))
        start = self.numbering.paragraphs.start
        if isinstance(start, str) and start not in {f.key for f in self.front_sheet.fields if f.type == "text"}:
            found.append((("numbering", "paragraphs", "start"), f"expected a whole number or the key of a text field of the front sheet, got {start!r}"))
        elif isinstance(start, int) and not 0 <= start <= 9999:
            found.append((("numbering", "paragraphs", "start"), f"expected a first number from 0 to 9999, got {start}"))
        for name, table in self.tables.items():
            found += [(("tables", name, *sub), message) for sub, message in _table_problems(name, table)]
        for i, part in enumerate(self.parts):
            found += [(("parts", i, "content", *sub), message) for sub, message in _content_problems(part.content)]
        for which in ("running_header", "running_footer"):
            for i, item in enumerate(getattr(self, which).items):
                if isinstance(item, RunningItem) and item.field and item.field not in names:
                    found.append(((which, "items", i, "field"), f"expected a front-sheet field's key, got {item.field!r}"))
        return found


def _spec_problems(spec: FrontSheetField | Part, path: tuple[Any, ...], seen: set[str]) -> list[Located]:
    found: list[Located] = []
    if spec.key in seen:
        found.append(((*path, "key"), f"expected each key once in a kind, got {spec.key!r} again"))
    shown = SHOWN_FROM_PAPER.get(spec.key)
    if not shown and spec.key not in RESERVED and (spec.key.startswith("model_") or hasattr(DeclaredPaper, spec.key)):
        found.append(((*path, "key"), f"{spec.key!r} is a name the engine uses for itself: choose another key"))
    if spec.key in RESERVED and shown != spec.type:
        found.append(((*path, "key"), f"{spec.key!r} is a field of every paper; show it with type {shown!r}" if shown else f"{spec.key!r} is a field of every paper: choose another key"))
    if spec.type in SHOWN_FROM_PAPER.values() and SHOWN_FROM_PAPER.get(spec.key) != spec.type:
        key = next(k for k, v in SHOWN_FROM_PAPER.items() if v == spec.type)
        found.append(((*path, "type"), f"the type {spec.type!r} shows the paper's own {key!r}: write key: {key}"))
    if getattr(spec, "date_style", None) and spec.type not in ("date", "meeting"):
        found.append(((*path, "date_style"), f"a date style is for a date or a meeting, not a field of type {spec.type!r}"))
    if spec.type == "choice" and not getattr(spec, "options", None):
        found.append(((*path, "options"), "expected the values a choice may take, got none"))
    formula = getattr(spec, "formula", None)
    problem = formula_problem(formula) if formula else None
    if problem:
        found.append(((*path, "formula"), problem))
    if spec.type == "block" and getattr(spec, "block", None) not in BLOCK_KEYS:
        found.append(((*path, "block"), f"expected one of: {', '.join(BLOCK_KEYS)}, got {getattr(spec, 'block', None)!r}"))
    return found


def _content_problems(content: list[Any]) -> list[Located]:
    """Return what the blocks a kind fixes in a part say of themselves (a table whose rows do not fit its columns)."""
    from .paper import GENERAL, blocks_of

    return [((*path, *sub), message) for path, m in blocks_of(content) if isinstance(m, GENERAL) for sub, message in m.problems()]


def _table_problems(name: str, standard: StandardTable) -> list[Located]:
    """Return figures naming columns the standard table lacks, keys used twice, and fixed rows that do not fit it."""
    from .columns import table_problems

    table = Table.model_construct(caption=name, columns=standard.columns, rows=standard.rows)
    return table_problems(table)


def _pattern_names(pattern: str) -> list[str]:
    """Return the names a title pattern fills in; a format or conversion (which could pad a title without end) counts as a wrong name."""
    try:
        parsed = [(name, spec, conversion) for _, name, spec, conversion in string.Formatter().parse(pattern) if name is not None]
    except ValueError:
        return ["?"]
    return [name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") for name, spec, conversion in parsed]


def _annotation(spec: FrontSheetField | Part) -> Any:
    """Return the type a declared field or part holds."""
    kind = spec.type
    simple: dict[str, Any] = {
        "text": str, "prose": Prose, "date": datetime.date, "officer": Contact, "people": list[Contact],
        "yes-no": bool, "wards": Union[str, list[str]], "meeting": Meeting, "list": list[Prose],
        "paragraphs-refs": list[str], "paragraphs": list[Block], "sections": list[Section], "quarter": QuarterText,
        "timetable": list[TimetableEntry], "recommendations": list[Decision], "resolutions": list[Decision],
    }
    if kind == "choice":
        return Literal[tuple(spec.options)]  # type: ignore[union-attr]
    if kind == "block":
        block = BLOCK_KEYS[spec.block]  # type: ignore[union-attr,index]
        return block.model_fields[spec.block].annotation  # type: ignore[union-attr]
    return simple[kind]


def _field(spec: FrontSheetField | Part, examples: list[Any] | None = None) -> tuple[Any, Any]:
    annotation = _annotation(spec)
    label = getattr(spec, "label", None) or spec.heading or spec.key  # type: ignore[union-attr]
    description = f"{label}: {spec.help}" if spec.help else label
    is_list = spec.type in LISTS
    more = {"examples": examples} if examples else {}  # given as None, it would hide the examples of the field's type
    if spec.required:
        return annotation, Field(description=description, **more, **({"min_length": 1} if is_list else {}))
    if is_list:
        return annotation, Field(default=[], description=description, **more)
    return annotation | None, Field(default=None, description=description, **more)


def paper_model(kind: Kind, name: str, where: str) -> type[DeclaredPaper]:
    """Return the model of a paper of a declared kind: the fields every paper has, and the kind's own."""
    fields: dict[str, Any] = {"kind": (Literal[name], Field(description=f"The kind of paper: {name}."))}
    typed = "title" in _pattern_names(kind.title) or any(f.type == "title" for f in kind.front_sheet.fields)
    if not typed:  # the title is built from the front sheet: nothing to type
        fields["title"] = (SkipJsonSchema[str], Field(default="", description="Built from the kind's title pattern."))
    start = kind.numbering.paragraphs.start  # a text field holding a first number: its example is one
    for spec in (*kind.front_sheet.fields, *kind.parts):
        if spec.key not in SHOWN_FROM_PAPER:
            fields[spec.key] = _field(spec, [FIRST_NUMBER_EXAMPLE] if spec.key == start else None)
    title = "".join(word.capitalize() for word in re.split(r"[^A-Za-z0-9]+", name)) or "Declared"
    model = create_model(title, __base__=DeclaredPaper, __doc__=kind.description or kind.name, **fields)
    model.declaration = kind
    model.declared_as = where
    model.rebuild = rebuild_paper
    return model


@lru_cache(maxsize=256)
def _model_from_json(declaration: str, name: str, where: str) -> type[DeclaredPaper]:
    return paper_model(Kind.model_validate_json(declaration), name, where)


def rebuild_paper(declaration: str, name: str, where: str, values: dict[str, Any], order: list[str], data: dict[Any, Any]) -> DeclaredPaper:
    """Return a pickled paper of a declared kind, its model made again from the kind file it was checked with."""
    paper = _model_from_json(declaration, name, where).model_construct(**values)
    paper._order = order
    paper._data = data
    return paper


def kind_files(templates: Path, council: Any) -> dict[str, Path]:
    """Return the kind files a council's papers may name, by kind: its own first, then the defaults."""
    folders = [templates / "default" / FOLDER]
    if isinstance(council, str) and re.fullmatch(r"[a-z][a-z0-9-]*", council):
        folders.append(templates / council / FOLDER)
    return {path.stem: path for folder in folders if folder.is_dir() for path in sorted(folder.glob("*.yaml"))}


def declared_kinds(templates: Path, council: Any, root: Path) -> dict[str, Any]:
    """Return the model of each kind a council declares (or a ContentError saying what is wrong with its kind file)."""
    found: dict[str, Any] = {}
    for name, path in kind_files(templates, council).items():
        where = f"{relative(path.parent, root)}/{path.name}"  # as written, even where it is a link
        try:
            target = path.resolve(strict=True)
            stat = target.stat()
        except (OSError, RuntimeError):  # a broken link, or links round in a loop
            found[name] = _unreadable(where, "a link that leads to no file; point it at a kind file, or delete it")
            continue
        if not target.is_relative_to(root.resolve()):  # a link: nothing outside the project is read
            found[name] = _unreadable(where, f"leads outside the project (to {target}); "
                                      "nothing outside the project is read: copy the file in, or delete the link")
        elif not S_ISREG(stat.st_mode):
            what = "a folder" if S_ISDIR(stat.st_mode) else "no ordinary file (a pipe or a device)"
            found[name] = _unreadable(where, f"expected a kind file of YAML text, got {what}")
        else:
            found[name] = _read(target, stat.st_mtime_ns, stat.st_size, where)
    return found


def _unreadable(where: str, message: str) -> ContentError:
    return ContentError([Problem(where, 1, 1, "", message)])


@lru_cache(maxsize=256)
def _read(path: Path, mtime: int, size: int, name: str) -> type[DeclaredPaper] | ContentError:
    """Read, check and make the model of one kind file: once per process while the file is unchanged."""
    from .messages import problems_of

    try:
        source = load(path, name)
        kind = Kind.model_validate(source.data)
    except ContentError as err:
        return err
    except ValidationError as err:
        return ContentError(problems_of(source, Kind, err))
    problems = [source.problem(p, message) for p, message in kind.problems()]
    return ContentError(problems) if problems else paper_model(kind, path.stem, name)
