"""Build a theme's reference .docx: the styles docx_writer lays a paper out in."""

from __future__ import annotations

import argparse
import copy
import datetime
import hashlib
import io
import logging
import sys
from pathlib import Path

import docx
from docx.document import Document as WordDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor, Twips
from docx.styles.style import BaseStyle, ParagraphStyle

from ..models.theme import FACTS_FILL, Theme, load_theme
from ..sources.errors import PaperError, relative
from .docx_writer import FIGURE_CAPTION, PPR_ORDER, deterministic_zip, insert_in_order, shading
from .output import write_atomic

log = logging.getLogger(__name__)

# The reference is a template, not a paper: a fixed date keeps its bytes stable.
BUILT = datetime.datetime(2000, 1, 1)
# Councils in the UK print on A4.
A4 = (Cm(21.0), Cm(29.7))
MARGIN = Cm(2.5)
NUMBER_INDENT = Cm(1.2)  # .para { padding-left: 12mm }: room for "12.10" then the text
FACTS_INDENT = Twips(284)
NOTE_INDENT = Cm(1.2)  # ol.endnotes li { padding-left: 12mm }
RUNNING_SIZE = 8.5  # points: the running header and footer, as the stylesheet sets them
# Heading sizes and the space above and below them, in points, as the stylesheet sets them.
HEADING_SIZE = {1: 17, 2: 13, 3: 11.5, 4: 11}
HEADING_BEFORE = {1: 14, 2: 16, 3: 12, 4: 10}
HEADING_AFTER = {1: 10, 2: 6, 3: 4, 4: 4}
LINE_HEIGHT = 1.35  # html { line-height: 1.35 }
HEADING_LINE_HEIGHT = 1.2  # h1, h2, h3, h4 { line-height: 1.2 }
PARAGRAPH_AFTER = 6  # p { margin: 0 0 6pt }
LIST_ITEM_AFTER = 2  # li { margin-bottom: 2pt }
CELL_PADDING = 3  # th, td { padding: 3pt 5pt }

FONT_THEME_ATTRIBUTES = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def make_reference(*, body_font: str, heading_font: str, font_size_pt: float, text_colour: str,
                   heading_colour: str, accent_colour: str, table_header_fill: str,
                   table_header_text: str, language: str, banner_colour: str = "B00020",
                   rule_colour: str = "6E6E6E", facts_fill: str = FACTS_FILL[1:]) -> bytes:
    """Return the bytes of a reference .docx holding every style the DOCX writer uses."""
    document = docx.Document()
    _drop_stale_parts(document)
    _set_page(document)
    _set_defaults(document, body_font, font_size_pt, text_colour, language)
    _style_headings(document, heading_font, font_size_pt, heading_colour)
    _add_body_styles(document, font_size_pt, heading_colour, accent_colour, facts_fill)
    _add_banner_style(document, font_size_pt, banner_colour)
    _add_table_styles(document, font_size_pt, table_header_fill, table_header_text, accent_colour)
    _style_table_grid(document, rule_colour)
    _add_running_styles(document, rule_colour)
    _set_core(document)
    _set_compatibility(document)
    out = io.BytesIO()
    document.save(out)
    return deterministic_zip(out.getvalue(), BUILT)


def _drop_stale_parts(document: WordDocument) -> None:
    """Drop the template's thumbnail and its copy of the styles, which would disagree with ours."""
    package_rels = document.part.package.rels
    for rid, rel in list(package_rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            package_rels.pop(rid)
    for rid, rel in list(document.part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            document.part.rels.pop(rid)


def _set_page(document: WordDocument) -> None:
    """Make the page A4 portrait with even margins."""
    section = document.sections[0]
    section.page_width, section.page_height = A4
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, MARGIN)
    section.header_distance = section.footer_distance = Cm(1.25)


def _set_defaults(document: WordDocument, font: str, size: float, colour: str, language: str) -> None:
    """Set the document defaults and Normal: font, size, colour, language, spacing."""
    rpr = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rpr, font)
    rpr.find(qn("w:lang")).set(qn("w:val"), language)
    normal = document.styles["Normal"]
    normal.font.name = font
    _set_fonts(normal.element.get_or_add_rPr(), font)
    normal.font.size = Pt(size)
    normal.font.color.rgb = RGBColor.from_string(colour)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(PARAGRAPH_AFTER)
    # The stylesheet's line height, as a least line pitch: a line with a bigger picture grows.
    normal.paragraph_format.line_spacing = Pt(round(size * LINE_HEIGHT, 2))
    normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.AT_LEAST
    normal.paragraph_format.widow_control = True


def _set_fonts(rpr: object, font: str) -> None:
    """Name the font for every script, removing theme fonts that would win over it."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in FONT_THEME_ATTRIBUTES:
        fonts.attrib.pop(qn(attribute), None)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), font)


def _style_headings(document: WordDocument, font: str, size: float, colour: str) -> None:
    """Set the four heading levels in the heading font and colour, scaled from the body size."""
    for level, points in HEADING_SIZE.items():
        style = document.styles[f"Heading {level}"]
        _set_fonts(style.element.get_or_add_rPr(), font)
        style.font.size = Pt(points)
        style.font.bold = True
        style.font.italic = False
        style.font.color.rgb = RGBColor.from_string(colour)
        style.paragraph_format.space_before = Pt(HEADING_BEFORE[level])
        style.paragraph_format.space_after = Pt(HEADING_AFTER[level])
        style.paragraph_format.line_spacing = Pt(round(points * HEADING_LINE_HEIGHT, 2))
        style.paragraph_format.line_spacing_rule = WD_LINE_SPACING.AT_LEAST
        style.paragraph_format.keep_with_next = True


def _add_body_styles(document: WordDocument, size: float, heading_colour: str, accent: str, facts_fill: str) -> None:
    """Add or adjust the paragraph styles of the paper body."""
    numbered = _paragraph_style(document, "Numbered Paragraph")
    numbered.paragraph_format.left_indent = NUMBER_INDENT
    numbered.paragraph_format.first_line_indent = -NUMBER_INDENT
    numbered.paragraph_format.tab_stops.add_tab_stop(NUMBER_INDENT)
    _paragraph_style(document, "Body Indent").paragraph_format.left_indent = NUMBER_INDENT

    label = _paragraph_style(document, "Cover Label")
    label.font.bold = True
    label.font.all_caps = True  # .cover .label { text-transform: uppercase; margin-top: 8pt }
    label.paragraph_format.space_before = Pt(8)
    label.paragraph_format.keep_with_next = True

    council = _paragraph_style(document, "Council Name")
    council.font.bold = True
    council.font.size = Pt(size * 1.8)
    council.font.color.rgb = RGBColor.from_string(heading_colour)
    council.paragraph_format.space_after = Pt(12)
    _border(council, accent, sides=("bottom",), size=18)

    report_of = _paragraph_style(document, "Report Of")
    report_of.font.bold = True
    report_of.paragraph_format.space_after = Pt(12)

    signature = _paragraph_style(document, "Signature")
    signature.font.italic = True

    _add_facts_styles(document, size, accent, facts_fill)
    _add_definition_styles(document)
    _add_quote_styles(document)
    _add_note_and_figure_styles(document, size, heading_colour)
    _add_list_styles(document, size)
    _add_hyperlink_style(document, accent)
    _add_title_styles(document, size, heading_colour)


def _add_banner_style(document: WordDocument, size: float, colour: str) -> None:
    """Add Banner: bold text in the banner colour inside a box of that colour, as the stylesheet draws it."""
    banner = _paragraph_style(document, "Banner")
    banner.font.bold = True
    banner.font.color.rgb = RGBColor.from_string(colour)
    banner.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    banner.paragraph_format.space_before = Pt(6 + 4)  # the stylesheet's margin, plus the padding
    banner.paragraph_format.space_after = Pt(10 + 4)
    # 2pt rule, text 4pt inside it left and right as the padding; the box stays within the margins.
    banner.paragraph_format.left_indent = banner.paragraph_format.right_indent = Pt(8)
    _border(banner, colour, sides=("top", "left", "bottom", "right"), size=16, space=4)


def _add_facts_styles(document: WordDocument, size: float, accent: str, fill: str) -> None:
    """Add Facts and Facts Heading: one bordered, shaded box with text bullets."""
    facts = _paragraph_style(document, "Facts")
    # The border sits 4pt outside the text: indent by as much to keep the box inside the margins.
    facts.paragraph_format.left_indent = FACTS_INDENT + Pt(4)
    facts.paragraph_format.first_line_indent = -FACTS_INDENT
    facts.paragraph_format.right_indent = Pt(4)
    facts.paragraph_format.tab_stops.add_tab_stop(FACTS_INDENT + Pt(4))
    facts.paragraph_format.space_after = Pt(LIST_ITEM_AFTER)
    _border(facts, accent, sides=("top", "left", "bottom", "right"), size=8)
    _paragraph_shading(facts, fill)
    heading = _paragraph_style(document, "Facts Heading", base="Facts")
    heading.font.bold = True
    heading.font.size = Pt(11)  # aside.facts h2, h3, h4 { font-size: 11pt; margin: 2pt 0 4pt }
    heading.paragraph_format.space_before = Pt(2)
    heading.paragraph_format.space_after = Pt(4)
    heading.paragraph_format.keep_with_next = True
    heading.next_paragraph_style = facts


def _add_definition_styles(document: WordDocument) -> None:
    """Add Definition Term (bold, kept with its description) and Definition (indented)."""
    term = _paragraph_style(document, "Definition Term")
    term.font.bold = True
    term.paragraph_format.space_after = Pt(0)
    term.paragraph_format.keep_with_next = True
    definition = _paragraph_style(document, "Definition")
    definition.paragraph_format.left_indent = Cm(1)
    term.next_paragraph_style = definition


def _add_quote_styles(document: WordDocument) -> None:
    """Indent Quote on both sides and add the right-aligned Quote Source."""
    quote = document.styles["Quote"]
    quote.paragraph_format.left_indent = quote.paragraph_format.right_indent = Cm(1)
    quote.font.color.rgb = None
    source = _paragraph_style(document, "Quote Source", base="Quote")
    source.font.italic = False
    source.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _add_note_and_figure_styles(document: WordDocument, size: float, heading_colour: str) -> None:
    """Add Endnote Text, Figure and Figure Caption; make Caption match the headings."""
    note = _paragraph_style(document, "Endnote Text")
    note.font.size = Pt(size - 1.5)  # ol.endnotes in the stylesheet
    _line_pitch(note, size - 1.5)
    note.paragraph_format.left_indent = NOTE_INDENT
    note.paragraph_format.first_line_indent = -NOTE_INDENT
    note.paragraph_format.tab_stops.add_tab_stop(NOTE_INDENT)
    note.paragraph_format.space_after = Pt(3)
    figure = _paragraph_style(document, "Figure")
    figure.paragraph_format.keep_with_next = True
    figure.paragraph_format.space_before = Pt(6)
    figure.paragraph_format.space_after = Pt(3)
    caption = document.styles["Caption"]
    caption.font.size = Pt(size - 1)
    _line_pitch(caption, size - 1)
    caption.font.bold = True
    caption.font.color.rgb = RGBColor.from_string(heading_colour)
    caption.paragraph_format.space_after = Pt(6)
    caption.hidden = False
    caption.unhide_when_used = False
    # figcaption in the stylesheet: bold body text, not a table caption's heading colour and smaller size.
    figure_caption = _paragraph_style(document, FIGURE_CAPTION)
    figure_caption.font.bold = True
    figure_caption.paragraph_format.keep_with_next = False


def _add_list_styles(document: WordDocument, size: float) -> None:
    """Space list items a little apart; the writer sets their indents."""
    for name in ("List Bullet", "List Bullet 2", "List Number", "List Number 2",
                 "List Continue", "List Continue 2"):
        style = document.styles[name]
        style.paragraph_format.space_after = Pt(LIST_ITEM_AFTER)
        contextual = style.element.pPr.find(qn("w:contextualSpacing"))
        if contextual is not None:
            style.element.pPr.remove(contextual)
        if "Number" in name:
            _drop_numbering(style)


def _add_hyperlink_style(document: WordDocument, accent: str) -> None:
    """Add the Hyperlink character style: accent colour, underlined."""
    names = {style.name for style in document.styles}
    link = document.styles["Hyperlink"] if "Hyperlink" in names else \
        document.styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
    link.font.color.rgb = RGBColor.from_string(accent)
    link.font.underline = True
    link.unhide_when_used = True


def _add_title_styles(document: WordDocument, size: float, heading_colour: str) -> None:
    """Make Subtitle the second line of a title: the heading colour, not bold, kept with what follows."""
    subtitle = document.styles["Subtitle"]
    _drop_numbering(subtitle)
    fonts = subtitle.element.rPr.find(qn("w:rFonts"))
    if fonts is not None:
        subtitle.element.rPr.remove(fonts)  # the theme font would win over the body font
    subtitle.font.size = Pt(round(size * 13 / 11 * 2) / 2)  # as h1 .subtitle in the stylesheet
    subtitle.font.italic = False
    subtitle.font.bold = False
    subtitle.font.color.theme_color = None  # drops the template's accent colour, so set ours after
    subtitle.font.color.rgb = RGBColor.from_string(heading_colour)
    spacing = subtitle.element.rPr.find(qn("w:spacing"))
    if spacing is not None:
        subtitle.element.rPr.remove(spacing)
    subtitle.paragraph_format.space_before = Pt(0)
    subtitle.paragraph_format.space_after = Pt(10)
    subtitle.paragraph_format.keep_with_next = True


def _drop_numbering(style: BaseStyle) -> None:
    """Remove a style's numbering: numbers the writer needs are written as text."""
    ppr = style.element.pPr
    if ppr is not None and ppr.find(qn("w:numPr")) is not None:
        ppr.remove(ppr.find(qn("w:numPr")))


def _add_table_styles(document: WordDocument, size: float, fill: str, text: str, accent: str) -> None:
    """Add the table paragraph styles; the heading and subheading carry the fills of their rows."""
    cell_text = _paragraph_style(document, "Table Text")
    cell_text.font.size = Pt(size - 1)
    _line_pitch(cell_text, size - 1)
    cell_text.paragraph_format.space_before = Pt(0)
    cell_text.paragraph_format.space_after = Pt(CELL_PADDING)
    heading = _paragraph_style(document, "Table Heading", base="Table Text")
    heading.font.bold = True
    heading.font.color.rgb = RGBColor.from_string(text)
    heading.paragraph_format.keep_with_next = True
    # The header fill lives on the heading style, where a council restyling in Word finds it;
    # a table-style header condition would be applied by LibreOffice to tables without a header.
    _paragraph_shading(heading, fill)
    subheading = _paragraph_style(document, "Table Subheading", base="Table Text")
    subheading.font.bold = True
    subheading.font.color.rgb = RGBColor.from_string("FFFFFF")  # white on the accent, as tr.group th
    subheading.paragraph_format.keep_with_next = True
    _paragraph_shading(subheading, accent)
    _add_cell_list_styles(document)


def _style_table_grid(document: WordDocument, rule: str) -> None:
    """Rule the table style as the stylesheet rules cells (0.75pt in the rule colour) and pad them."""
    tbl_pr = document.styles["Table Grid"].element.find(qn("w:tblPr"))
    for line in tbl_pr.find(qn("w:tblBorders")):
        line.set(qn("w:sz"), "6")
        line.set(qn("w:color"), rule)
    margins = tbl_pr.find(qn("w:tblCellMar"))
    for side, points in (("top", CELL_PADDING), ("bottom", 0), ("left", 5), ("right", 5)):
        margins.find(qn(f"w:{side}")).set(qn("w:w"), str(points * 20))


def _add_cell_list_styles(document: WordDocument) -> None:
    """Add the list styles of table cells: the cell's text size, bullets from List Bullet, little space."""
    for name in ("List Bullet", "List Bullet 2", "List Number", "List Number 2", "List Continue", "List Continue 2"):
        style = _paragraph_style(document, f"Table {name}", base="Table Text")
        style.paragraph_format.space_before = Pt(0)
        style.paragraph_format.space_after = Pt(1)
        numbering = document.styles[name].element.pPr.find(qn("w:numPr"))
        if numbering is not None:
            insert_in_order(style.element.get_or_add_pPr(), copy.deepcopy(numbering), PPR_ORDER)


def _add_running_styles(document: WordDocument, colour: str) -> None:
    """Add the Running Header (left) and Running Footer (centred) styles, as the stylesheet places them."""
    for name, alignment in (("Running Header", WD_ALIGN_PARAGRAPH.LEFT),
                            ("Running Footer", WD_ALIGN_PARAGRAPH.CENTER)):
        style = _paragraph_style(document, name)
        style.font.size = Pt(RUNNING_SIZE)
        style.font.color.rgb = RGBColor.from_string(colour)
        style.paragraph_format.alignment = alignment
        style.paragraph_format.space_after = Pt(0)
        style.paragraph_format.line_spacing = 1.0


def _line_pitch(style: ParagraphStyle, size: float) -> None:
    """Give a style the stylesheet's line height for its own text size, as a least line pitch."""
    style.paragraph_format.line_spacing = Pt(round(size * LINE_HEIGHT, 2))
    style.paragraph_format.line_spacing_rule = WD_LINE_SPACING.AT_LEAST


def _paragraph_style(document: WordDocument, name: str, base: str = "Normal") -> ParagraphStyle:
    """Return the named paragraph style, adding it based on `base` if missing."""
    if name in {style.name for style in document.styles}:
        return document.styles[name]
    style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = document.styles[base]
    style.quick_style = True
    return style


def _border(style: ParagraphStyle, colour: str, *, sides: tuple[str, ...], size: int, space: int = 4) -> None:
    """Give a paragraph style borders; neighbours with equal borders share one box."""
    borders = OxmlElement("w:pBdr")
    for side in sides:
        line = OxmlElement(f"w:{side}")
        for name, value in (("w:val", "single"), ("w:sz", str(size)), ("w:space", str(space)),
                            ("w:color", colour)):
            line.set(qn(name), value)
        borders.append(line)
    insert_in_order(style.element.get_or_add_pPr(), borders, PPR_ORDER)


def _paragraph_shading(style: ParagraphStyle, fill: str) -> None:
    """Give a paragraph style a solid fill."""
    insert_in_order(style.element.get_or_add_pPr(), shading(fill), PPR_ORDER)


def _set_compatibility(document: WordDocument) -> None:
    """Lay out as Word 2013 and later do: a table's indent is then to its border, as the stylesheet places tables."""
    settings = document.settings.element
    for setting in settings.xpath("w:compat/w:compatSetting[@w:name='compatibilityMode']"):
        setting.set(qn("w:val"), "15")


def _set_core(document: WordDocument) -> None:
    """Replace the template's core properties."""
    props = document.core_properties
    for child in list(props._element):
        props._element.remove(child)
    props.title = "Reference styles"
    props.author = props.last_modified_by = "committee-papers"
    props.created = props.modified = BUILT
    props.revision = 1


def for_theme(theme: Theme) -> bytes:
    """Return the reference .docx of a council's theme: its fonts, colours and language."""
    return make_reference(
        body_font=theme.fonts.body[0],
        heading_font=(theme.fonts.headings or theme.fonts.body)[0],
        font_size_pt=theme.fonts.size,
        text_colour=theme.hex("text"),
        heading_colour=theme.hex("heading"),
        accent_colour=theme.hex("accent"),
        table_header_fill=theme.hex("table_header_fill"),
        table_header_text=theme.hex("table_header_text"),
        language=theme.language,
        banner_colour=theme.hex("banner"),
        rule_colour=theme.hex("rule"),
    )


def derived_key(theme: Theme) -> str:
    """Return what a derived reference depends on: the theme's values (the engine's version is the build's)."""
    return "theme:" + hashlib.sha256(theme.model_dump_json().encode("utf-8")).hexdigest()


def main(argv: list[str] | None = None) -> int:
    """Write templates/<council>/reference.docx from the council's theme.yaml, to restyle in Word."""
    parser = argparse.ArgumentParser(
        prog="python -m committee_papers.outputs.reference_docx",
        description="Write a council's reference.docx (its Word styles) from its theme.yaml, "
        "to restyle in Word. Without this file the build derives the styles from theme.yaml "
        "each time; with it, the build uses the file as it is (delete it to go back).",
    )
    parser.add_argument("council", help="the theme folder in templates/, e.g. leicester-city")
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="the project folder (default: here)")
    args = parser.parse_args(argv)
    templates = args.root / "templates"
    try:
        theme = load_theme(templates, args.council, args.root)
    except PaperError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    target = templates / args.council / "reference.docx"
    write_atomic(target, for_theme(theme))
    print(f"wrote {relative(target, args.root)}: the build now uses it as it is instead of "
          f"deriving the styles from theme.yaml; delete it to go back")
    return 0


if __name__ == "__main__":
    sys.exit(main())
