"""Charts drawn from a paper's data, once, as SVG (PDF and HTML) and PNG (DOCX).

A kind of paper describes a chart as one of the specifications below: plain,
frozen data with no drawing library behind it, so `check` can build and test
it without importing matplotlib. The render phase turns a specification into
dialect markup with `figure_markup`, which draws it once (matplotlib, Agg
backend, imported only then) to both formats, embeds both as data: URLs and
writes the alt text the specification generates from the same data (and,
when asked, the same data as a table). docs/dialect.md describes the markup.

To add a chart: add a frozen dataclass with `alt_text()`, `table()` and
`draw(figure)`; nothing else in the pipeline changes.
"""

from __future__ import annotations

import base64
import io
import textwrap
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from typing import Any, Protocol

PNG_DPI = 200
SVG_SALT = "committee-papers"  # fixes the ids matplotlib writes into SVG


@dataclass(frozen=True)
class DataTable:
    """The data behind a chart as a table: column headings and rows of text."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


class Chart(Protocol):
    """What every chart specification offers."""

    title: str
    size: tuple[float, float]

    def alt_text(self) -> str: ...

    def table(self) -> DataTable: ...

    def draw(self, figure: Any) -> None: ...


@dataclass(frozen=True)
class GridItem:
    """Something placed in a grid cell: a short label drawn in the cell, and its full name."""

    label: str
    name: str
    column: int
    """The cell's column, counted from 1 at the left."""
    row: int
    """The cell's row, counted from 1 at the bottom."""
    note: str = ""
    """More about the item for the alt text and table, such as its rating."""


@dataclass(frozen=True)
class GridChart:
    """A grid of shaded cells with items placed in them, or words written in them: a risk matrix, a heat map.

    Any kind can build one from its data: the scales may have any number of
    levels, labelled by number, name or code, and each cell may carry its
    own text (a count, or the references of the risks in it) in its own
    colour, so a black band can hold white figures.
    """

    title: str
    x_title: str
    x_levels: tuple[str, ...]
    """Column names, left to right (the first is column 1)."""
    y_title: str
    y_levels: tuple[str, ...]
    """Row names, bottom to top (the first is row 1)."""
    fills: tuple[tuple[str, ...], ...]
    """Cell colours (#RRGGBB) by row then column, bottom row first."""
    items: tuple[GridItem, ...] = ()
    legend: tuple[tuple[str, str], ...] = ()
    """Names and colours of the fills, for the key."""
    size: tuple[float, float] = (6.3, 3.8)
    """Width and height in inches."""
    numbered_levels: bool = True
    """Show each level as 'n Name'."""
    cell_text: tuple[tuple[str, ...], ...] = ()
    """Words written in each cell (a count, risk references), by row then column, bottom row first; none when empty."""
    text_colours: tuple[tuple[str, ...], ...] = ()
    """The colour of each cell's words, in the same order; black when not given."""
    what: str = "item"
    """What a cell's text counts, for the alt text: risk, indicator."""

    def level(self, axis: str, n: int) -> str:
        levels = self.x_levels if axis == "x" else self.y_levels
        return f"{n} {levels[n - 1]}" if self.numbered_levels else levels[n - 1]

    def alt_text(self) -> str:
        """Describe the grid and where every item sits (or what every cell holds), from the data."""
        grid = (
            f"{self.title}: a grid of {self.y_title} ({self.level('y', 1)} to {self.level('y', len(self.y_levels))}, "
            f"rows) by {self.x_title} ({self.level('x', 1)} to {self.level('x', len(self.x_levels))}, columns)"
        )
        if self.cell_text:
            filled = [
                f" {self.y_title} {self.level('y', r + 1)}, {self.x_title} {self.level('x', c + 1)}: {text}."
                for r, row in enumerate(self.cell_text) for c, text in enumerate(row) if text
            ]
            return grid + "." + ("".join(filled) or " Every cell is empty.")
        count = len(self.items)
        text = grid + f" with {count} {self.what}{'s' * (count != 1)} placed."
        for item in self.items:
            where = f"{self.y_title} {self.level('y', item.row)}, {self.x_title} {self.level('x', item.column)}"
            text += f" {item.label} {item.name}: {where}{'; ' + item.note if item.note else ''}."
        if not self.items:
            text += " The grid is empty."
        return text

    def table(self) -> DataTable:
        """Return the items and their cells, or every cell's words, as a table."""
        if self.cell_text:
            rows = tuple(
                (self.level("y", r + 1), *self.cell_text[r]) for r in reversed(range(len(self.y_levels)))
            )
            return DataTable((f"{self.y_title} / {self.x_title}", *(self.level("x", c + 1) for c in range(len(self.x_levels)))), rows)
        return DataTable(
            ("", "Item", self.y_title, self.x_title, ""),
            tuple(
                (i.label, i.name, self.level("y", i.row), self.level("x", i.column), i.note) for i in self.items
            ),
        )

    def draw(self, figure: Any) -> None:
        ax = figure.add_axes((0.25, 0.17, 0.5, 0.72))
        self.draw_panel(ax)
        if self.legend:
            _grid_legend(figure, self.legend, loc="center right")

    def draw_panel(self, ax: Any) -> None:
        """Draw the grid, its items or words, its axes and title on one set of axes."""
        from matplotlib.patches import Rectangle

        columns, rows = len(self.x_levels), len(self.y_levels)
        for r in range(rows):
            for c in range(columns):
                ax.add_patch(Rectangle((c, r), 1, 1, facecolor=self.fills[r][c], edgecolor="#FFFFFF", linewidth=2))
                text = self.cell_text[r][c] if self.cell_text else ""
                if text:
                    colour = self.text_colours[r][c] if self.text_colours else "#000000"
                    ax.text(c + 0.5, r + 0.5, text, ha="center", va="center", fontsize=8, fontweight="bold", color=colour, wrap=True)
        self._draw_items(ax)
        ax.set_xlim(0, columns)
        ax.set_ylim(0, rows)
        # A column is narrow: its label goes on two lines rather than into the next one's.
        ax.set_xticks([c + 0.5 for c in range(columns)], [textwrap.fill(self.level("x", c + 1), 9, break_long_words=False) for c in range(columns)], fontsize=7)
        ax.set_yticks([r + 0.5 for r in range(rows)], [self.level("y", r + 1) for r in range(rows)], fontsize=7)
        ax.tick_params(length=0)
        ax.set_xlabel(self.x_title, fontsize=9, fontweight="bold")
        ax.set_ylabel(self.y_title, fontsize=9, fontweight="bold")
        for side in ax.spines.values():
            side.set_visible(False)
        ax.set_title(self.title, fontsize=10, fontweight="bold")

    def _draw_items(self, ax: Any) -> None:
        cells: dict[tuple[int, int], list[GridItem]] = {}
        for item in self.items:
            cells.setdefault((item.column, item.row), []).append(item)
        for (column, row), placed in sorted(cells.items()):
            for k, item in enumerate(placed):
                offset = (k - (len(placed) - 1) / 2) * 0.3
                x, y = column - 0.5 + offset, row - 0.5
                ax.plot(x, y, "o", markersize=17, color="#FFFFFF", markeredgecolor="#1A1A1A", markeredgewidth=1.2)
                ax.text(x, y, item.label, ha="center", va="center", fontsize=7, fontweight="bold", color="#1A1A1A")


def _grid_legend(figure: Any, legend: tuple[tuple[str, str], ...], loc: str) -> None:
    from matplotlib.patches import Patch

    handles = [Patch(facecolor=colour, edgecolor="#595959", label=name) for name, colour in legend]
    figure.legend(handles=handles, loc=loc, fontsize=8, frameon=False, title="Band", title_fontsize=8,
                  ncol=1 if loc == "center right" else len(handles))


@dataclass(frozen=True)
class GridCharts:
    """Grids drawn side by side with one key: the previous and current heat maps of a register."""

    title: str
    charts: tuple[GridChart, ...]
    size: tuple[float, float] = (6.3, 3.4)

    def alt_text(self) -> str:
        """Describe each grid in turn."""
        return f"{self.title}: {len(self.charts)} grids side by side. " + " ".join(c.alt_text() for c in self.charts)

    def table(self) -> DataTable:
        """Return the first grid's table (each grid's own table is drawn by the template)."""
        return self.charts[0].table()

    def draw(self, figure: Any) -> None:
        count = len(self.charts)
        # Each grid's row labels and axis title sit left of it: room for the longest label (7 pt, about 0.055 in a
        # character) and the title, so a label such as "F Almost impossible" neither clips nor runs into the grid beside.
        longest = max(len(level) for chart in self.charts for level in (chart.level("y", n + 1) for n in range(len(chart.y_levels))))
        left = gap = max(0.12, (longest * 0.055 + 0.35) / figure.get_figwidth())
        right = 0.98
        width = (right - left - gap * (count - 1)) / count
        for k, chart in enumerate(self.charts):
            chart.draw_panel(figure.add_axes((left + k * (width + gap), 0.3, width, 0.58)))
        legend = self.charts[0].legend
        if legend:
            _grid_legend(figure, legend, loc="lower center")


@dataclass(frozen=True)
class Segment:
    """One kind of segment in stacked bars (a status): its name, fill, text colour on the fill and mark."""

    name: str
    colour: str
    text: str = "#000000"
    mark: str = ""
    """A shape or letter drawn with the name, so a segment never relies on colour alone."""

    @property
    def label(self) -> str:
        return f"{self.mark} {self.name}".strip()


@dataclass(frozen=True)
class StackPanel:
    """One panel of stacked bars (outcomes, delivery): a value per category and segment, None where not reported."""

    title: str
    values: tuple[tuple[int | None, ...], ...]
    """By category, then by segment in the chart's segment order."""


@dataclass(frozen=True)
class StackedBarChart:
    """Bars, one per category, split into coloured segments, in one or more panels: counts per block by status."""

    title: str
    value_title: str
    """What the bars count: Indicators."""
    category_title: str
    """What a bar is: Block."""
    categories: tuple[str, ...]
    segments: tuple[Segment, ...]
    panels: tuple[StackPanel, ...]
    size: tuple[float, float] = (6.3, 3.4)

    def described(self, panel: StackPanel, row: int) -> str:
        """Return one bar in words: 'Green 28, Amber 3', or 'not reported'."""
        counts = [f"{s.name} {_number(v)}" for s, v in zip(self.segments, panel.values[row]) if v is not None]
        return ", ".join(counts) if counts else "not reported"

    def alt_text(self) -> str:
        """Describe the chart and every bar's segments, from the data."""
        names = ", ".join(s.name for s in self.segments)
        panels = " and ".join(p.title.lower() for p in self.panels)
        parts = [
            f"{self.title}: stacked bars of {self.value_title.lower()} per {self.category_title.lower()} "
            f"by status ({names}), for {panels}."
        ]
        for row, category in enumerate(self.categories):
            bars = "; ".join(f"{p.title.lower()} {self.described(p, row)}" for p in self.panels)
            parts.append(f"{category}: {bars}.")
        return " ".join(parts)

    def table(self) -> DataTable:
        """Return every bar's segments as a table."""
        columns = tuple(f"{p.title}: {s.name}" for p in self.panels for s in self.segments)
        rows = tuple(
            (category, *("" if v is None else _number(v) for p in self.panels for v in p.values[row]))
            for row, category in enumerate(self.categories)
        )
        return DataTable((self.category_title, *columns), rows)

    def draw(self, figure: Any) -> None:
        from matplotlib.patches import Patch

        longest = max((sum(v or 0 for v in bar) for p in self.panels for bar in p.values), default=0) or 1
        left, right, gap = 0.22, 0.97, 0.05
        width = (right - left - gap * (len(self.panels) - 1)) / len(self.panels)
        for k, panel in enumerate(self.panels):
            ax = figure.add_axes((left + k * (width + gap), 0.2, width, 0.64))
            per_inch = longest * 1.15 / (width * self.size[0])
            self._draw_panel(ax, panel, per_inch, first=k == 0)
            ax.set_xlim(0, longest * 1.15)
        figure.suptitle(self.title, fontsize=10, fontweight="bold", x=(left + right) / 2, y=0.98)
        handles = [Patch(facecolor=s.colour, edgecolor="#1A1A1A", linewidth=0.5, label=s.label) for s in self.segments]
        figure.legend(handles=handles, loc="lower center", ncol=len(handles), fontsize=7.5, frameon=False,
                      bbox_to_anchor=((left + right) / 2, 0.0))

    def _draw_panel(self, ax: Any, panel: StackPanel, per_inch: float, *, first: bool) -> None:
        import textwrap

        positions = list(range(len(self.categories)))[::-1]
        for position, bar in zip(positions, panel.values):
            start = 0.0
            for segment, value in zip(self.segments, bar):
                if not value:
                    continue
                ax.barh(position, value, left=start, height=0.7, color=segment.colour, edgecolor="#1A1A1A",
                        linewidth=0.5)
                label = f"{segment.mark}{_number(value)}"
                # Label a segment only where its words fit inside it; the legend and alt text name every one.
                if value / per_inch >= 0.06 * len(label) + 0.05:
                    ax.text(start + value / 2, position, label, ha="center", va="center", fontsize=6.5,
                            color=segment.text)
                start += value
            total = " not reported" if all(v is None for v in bar) else f" {_number(start)}"
            ax.text(start, position, total, va="center", fontsize=7, color="#1A1A1A" if start else "#595959")
        names = [textwrap.fill(c, 18) for c in self.categories] if first else []
        ax.set_yticks(positions, names, fontsize=7.5)
        ax.set_ylim(-0.6, len(self.categories) - 0.4)
        ax.tick_params(axis="y", length=0)
        ax.tick_params(axis="x", labelsize=7)
        ax.set_xlabel(self.value_title, fontsize=8)
        ax.set_title(panel.title, fontsize=9, fontweight="bold")
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


@dataclass(frozen=True)
class Drawn:
    """A chart drawn in both formats."""

    svg: bytes
    png: bytes


@lru_cache(maxsize=64)
def draw(chart: Chart) -> Drawn:
    """Draw a chart once to SVG and PNG; the same chart gives the same bytes."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib.figure import Figure

    with matplotlib.rc_context(
        {"svg.hashsalt": SVG_SALT, "svg.fonttype": "path", "font.family": ["Liberation Sans", "DejaVu Sans"], "path.simplify": False}
    ):
        figure = Figure(figsize=chart.size)
        chart.draw(figure)
        svg, png = io.BytesIO(), io.BytesIO()
        figure.savefig(svg, format="svg", metadata={"Date": None, "Creator": None})
        figure.savefig(png, format="png", dpi=PNG_DPI, metadata={"Software": None})
    return Drawn(svg.getvalue(), png.getvalue())


def figure_markup(chart: Chart, *, id: str, caption: str | None = None, with_table: bool = False) -> str:
    """Return the dialect markup of a chart: a figure whose HTML/PDF image is the SVG and DOCX image the PNG."""
    drawn = draw(chart)
    svg = "data:image/svg+xml;base64," + base64.b64encode(drawn.svg).decode("ascii")
    png = "data:image/png;base64," + base64.b64encode(drawn.png).decode("ascii")
    alt = escape(chart.alt_text(), quote=True)
    width = f"{chart.size[0] * 25.4:.0f}mm"
    html = (
        f'<figure class="chart" id="{escape(id)}">'
        f'<img src="{svg}" data-docx-src="{png}" alt="{alt}" style="width: {width}">'
        + (f"<figcaption>{escape(caption)}</figcaption>" if caption else "")
        + "</figure>"
    )
    if with_table:
        data = chart.table()
        head = "".join(f'<th scope="col">{escape(c)}</th>' for c in data.columns)
        body = "".join("<tr>" + "".join(f"<td>{escape(v)}</td>" for v in row) + "</tr>" for row in data.rows)
        html += f'<table class="keep chart-data"><caption>{escape(chart.title)}: the data</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
    return html
