"""The risk register and heat map blocks: risks scored on the council's scales, ratings, bands and heat maps worked out."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import Field, model_validator

from .columns import Shown, ShownRow, TableView
from .common import Key, Prose, Strict, by_shape

_COUNT = re.compile(r"[0-9]{1,6}")
"""A count of risks in a heat map's cell: digits, not '²', and no more than any register holds."""

Located = tuple[tuple[Any, ...], str]
Position = Literal["current", "target", "previous"]


class Score(Strict):
    """Where a risk sits: its impact and likelihood, each as the level's number, name or code."""

    impact: str
    """The impact level: 3, Serious, or the council's code (II)."""
    likelihood: str
    """The likelihood level: 2, Low, or the council's code (C)."""


ScoreValue = by_shape(
    {str: str, dict: Score},
    "expected a code such as CII (likelihood then impact) or a mapping with impact and likelihood",
)


class Risk(Strict):
    """One risk of the register."""

    ref: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9./-]*$", examples=["SR26"])
    """The risk's reference: SR26, 1, R4; heat maps show it in the risk's cell."""
    title: Prose
    """What the risk is."""
    owner: str | None = None
    """The risk owner."""
    current: ScoreValue  # type: ignore[valid-type]
    """Where the risk sits now: a code (CII) or impact and likelihood."""
    target: ScoreValue | None = None  # type: ignore[valid-type]
    """Where it should sit once mitigated."""
    previous: ScoreValue | None = None  # type: ignore[valid-type]
    """Where it sat at the last review."""
    rating: int | None = Field(default=None, ge=1)
    """The current rating (impact x likelihood) if the paper states it; checked against the scales."""
    controls: Prose | None = None
    """Controls and mitigating actions."""


@dataclass(frozen=True)
class Placed:
    """A risk's position on the scales: impact and likelihood as level numbers."""

    impact: int
    likelihood: int


def placed(scales: Any, value: Any) -> Placed | None:
    """Return a score as level numbers on the council's scales, or None if a level is not on them."""
    if isinstance(value, Score):
        impact, likelihood = scales.impact.level_of(value.impact), scales.likelihood.level_of(value.likelihood)
    else:
        impact = likelihood = None
        codes = scales.likelihood.codes or []
        for code in sorted(codes, key=len, reverse=True):
            if value.startswith(code):
                likelihood, impact = scales.likelihood.level_of(code), scales.impact.level_of(value[len(code):])
                break
    if impact is None or likelihood is None:
        return None
    return Placed(impact, likelihood)


def _expected(scales: Any, axis: str) -> str:
    scale = getattr(scales, axis)
    levels = ", ".join(f"{n} {name}" + (f" ({scale.codes[n - 1]})" if scale.codes else "") for n, name in enumerate(scale.levels, 1))
    return f"a {scale.name.lower()} level: {levels}"


def score_problems(scales: Any, value: Any, path: tuple[Any, ...]) -> list[Located]:
    """Return what is wrong with a score on the council's scales."""
    if isinstance(value, Score):
        return [
            ((*path, axis), f"expected {_expected(scales, axis)}; got {getattr(value, axis)!r}")
            for axis in ("impact", "likelihood")
            if getattr(scales, axis).level_of(getattr(value, axis)) is None
        ]
    if placed(scales, value) is None:
        if not (scales.likelihood.codes and scales.impact.codes):
            return [(path, f"expected a mapping with impact and likelihood (the council's scales have no codes), got {value!r}")]
        examples = scales.code(len(scales.impact.levels), len(scales.likelihood.levels))
        return [(path, f"expected a likelihood code ({', '.join(scales.likelihood.codes)}) then an impact code "
                       f"({', '.join(scales.impact.codes)}), such as {examples}, got {value!r}")]
    return []


class RiskRegister(Strict):
    """Risks scored on the council's scales (its theme's `risk:`), with their ratings, bands and heat maps."""

    caption: str = Field(min_length=1)
    """The register's title."""
    id: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9-]*$")
    """A short name, so a heat map elsewhere can be checked against this register."""
    compare: Literal["target", "previous"] = "target"
    """Which other position the register shows beside the current one."""
    heat_maps: list[Position] = []
    """Heat maps drawn under the register, side by side in this order: [previous, current] or [current, target]."""
    show: Literal["counts", "refs"] = "counts"
    """What a heat map's cells hold: how many risks, or their references."""
    risks: list[Risk] = Field(min_length=1)
    """The risks."""

    def positions(self, scales: Any, which: Position) -> list[tuple[Risk, Placed]]:
        """Return each risk with a position of that kind, placed on the scales."""
        found = []
        for risk in self.risks:
            value = getattr(risk, which)
            where = placed(scales, value) if value is not None else None
            if where is not None:
                found.append((risk, where))
        return found

    def grid(self, scales: Any, which: Position) -> list[list[list[str]]]:
        """Return the references of the risks in each cell, by likelihood (lowest first) then impact."""
        cells: list[list[list[str]]] = [[[] for _ in scales.impact.levels] for _ in scales.likelihood.levels]
        for risk, where in self.positions(scales, which):
            cells[where.likelihood - 1][where.impact - 1].append(risk.ref)
        return cells

    def council_problems(self, theme: Any, scale: str | None) -> list[Located]:
        """Return levels not on the council's scales and stated ratings that disagree with them."""
        if theme.risk is None:
            return [(("risks",), f"the theme {theme.slug!r} defines no risk scales (risk: in its theme.yaml)")]
        scales, found = theme.risk, []
        for i, risk in enumerate(self.risks):
            for which in ("current", "target", "previous"):
                value = getattr(risk, which)
                if value is not None:
                    found += score_problems(scales, value, ("risks", i, which))
            where = placed(scales, risk.current)
            if where and risk.rating is not None and risk.rating != where.impact * where.likelihood:
                found.append((("risks", i, "rating"), f"the paper states a rating of {risk.rating} but impact {where.impact} "
                              f"x likelihood {where.likelihood} is {where.impact * where.likelihood}"))
        refs = [r.ref for r in self.risks]
        found += [(("risks", refs.index(ref), "ref"), f"each risk reference must be used once; {ref!r} is used more than once")
                  for ref in sorted({r for r in refs if refs.count(r) > 1})]
        return found

    def view(self, theme: Any) -> TableView:
        """Return the register laid out: reference, risk, owner, current and compared position, controls."""
        scales = theme.risk
        other = self.compare.capitalize()
        titles = ["Ref", "Risk", "Owner", "Current", other, "Controls and actions"]
        head = [ShownRow([Shown(t, tag="th", scope="col") for t in titles])]
        body = []
        for risk in self.risks:
            cells = [Shown(risk.ref, tag="th", scope="row"), Shown(risk.title, kind="prose"), Shown(risk.owner or "")]
            for value in (risk.current, getattr(risk, self.compare)):
                cells.append(position_cell(scales, value, theme))
            cells.append(Shown(risk.controls or "", kind="prose"))
            body.append(ShownRow(cells))
        return TableView(self.caption, self.id, [7, 30, 13, 13, 13, 24], head, body, [], len(titles))

    def heat_grids(self, theme: Any) -> list[HeatGrid]:
        """Return the register's heat maps, in the order it lists them."""
        return [self.heat_map(theme, which) for which in self.heat_maps]

    def heat_chart(self, theme: Any) -> Any:
        """Return the register's heat maps drawn side by side."""
        return heat_chart(self.heat_grids(theme), theme, self.caption)

    def heat_map(self, theme: Any, which: Position) -> HeatGrid:
        """Return one heat map of the register: what each cell holds, worked out from the risks."""
        cells = self.grid(theme.risk, which)
        shown = [[(str(len(refs)) if refs else "") if self.show == "counts" else ", ".join(refs) for refs in row] for row in cells]
        return HeatGrid(which.capitalize(), shown)


def position_cell(scales: Any, value: Any, theme: Any) -> Shown:
    """Show a position as the council writes it: its code or levels, its rating and band, in the band's colours."""
    if value is None:
        return Shown("")
    where = placed(scales, value)
    assert where is not None
    rating = where.impact * where.likelihood
    band = scales.band(rating)
    code = scales.code(where.impact, where.likelihood)
    levels = f"{scales.likelihood.levels[where.likelihood - 1]} / {scales.impact.levels[where.impact - 1]}"
    text = f"{code} ({levels}): {band.name}" if code else f"{levels}: {rating}, {band.name}"
    return Shown(text, kind="band", fill=band.colour, colour=band.text or theme.colours.text)


@dataclass(frozen=True)
class HeatGrid:
    """A heat map's title and the words in each cell, by likelihood (lowest first) then impact."""

    title: str
    cells: list[list[str]]

    def chart(self, theme: Any, caption: str) -> Any:
        """Return the grid as a chart: cells shaded by band, words in the band's text colour."""
        scales = theme.risk
        _, colours = _band_colours(theme)
        return _grid_chart(
            theme, self.title,
            x_levels=tuple(scales.impact.label(n) for n in range(1, len(scales.impact.levels) + 1)),
            y_levels=tuple(scales.likelihood.label(n) for n in range(1, len(scales.likelihood.levels) + 1)),
            numbered_levels=False,
            cell_text=tuple(tuple(row) for row in self.cells),
            text_colours=colours,
        )

    def view(self, theme: Any, caption: str) -> TableView:
        """Return the grid as a table: likelihood rows highest first, impact columns, cells in the band's colours."""
        scales = theme.risk
        fills, colours = _band_colours(theme)
        corner = f"{scales.likelihood.name} / {scales.impact.name}"
        titles = [corner] + [scales.impact.label(n) for n in range(1, len(scales.impact.levels) + 1)]
        head = [ShownRow([Shown(t, tag="th", scope="col") for t in titles])]
        body = []
        for r in reversed(range(len(scales.likelihood.levels))):
            cells = [Shown(scales.likelihood.label(r + 1), tag="th", scope="row")]
            cells += [Shown(text, fill=fills[r][c], colour=colours[r][c], align="center") for c, text in enumerate(self.cells[r])]
            body.append(ShownRow(cells))
        return TableView(f"{caption}: {self.title.lower()}", None, None, head, body, [], len(titles), keep=True)


def heat_chart(grids: list[HeatGrid], theme: Any, caption: str) -> Any:
    """Return heat maps as one chart: a single grid, or grids side by side with one key."""
    from .figures import GridCharts

    charts = tuple(grid.chart(theme, caption) for grid in grids)
    if len(charts) == 1:
        return charts[0]
    return GridCharts(caption, charts, size=(6.3, 3.0 + 0.1 * len(theme.risk.likelihood.levels)))


def _grid_chart(theme: Any, title: str, **drawn: Any) -> Any:
    """Return a chart of the council's risk grid, its axes named, cells shaded by band and a key, with what its cells show."""
    from .figures import GridChart

    scales = theme.risk
    fills, _ = _band_colours(theme)
    return GridChart(
        title=title,
        x_title=scales.impact.name,
        y_title=scales.likelihood.name,
        fills=fills,
        legend=tuple((b.name, b.colour) for b in scales.bands),
        what="risk",
        **drawn,
    )


def _band_colours(theme: Any) -> tuple[tuple[tuple[str, ...], ...], tuple[tuple[str, ...], ...]]:
    """Return each cell's fill and text colour by band, by likelihood (lowest first) then impact."""
    scales = theme.risk
    bands = [[scales.band(i * lk) for i in range(1, len(scales.impact.levels) + 1)] for lk in range(1, len(scales.likelihood.levels) + 1)]
    fills = tuple(tuple(b.colour for b in row) for row in bands)
    colours = tuple(tuple(b.text or theme.colours.text for b in row) for row in bands)
    return fills, colours


class HeatMap(Strict):
    """A heat map: counts per cell (checked against a register where one is named), or the risks of a typed table placed in their cells."""

    caption: str = Field(min_length=1)
    """The heat map's title."""
    id: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9-]*$")
    """A short name for the drawing, if other parts refer to it."""
    title: str = "Current"
    """The grid's own title: Current, Target, Quarter 1, Risk matrix."""
    counts: list[list[str]] = []
    """Risks in each cell: one row per likelihood level, highest first, one count per impact level, lowest first."""
    against: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9-]*$")
    """The id of a risk register in this paper to check the counts against."""
    position: Position = "current"
    """Which position of the register's risks the counts are of."""
    table: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9-]*$")
    """Instead of counts: the id of a table of this paper whose rows are risks, each placed in its cell and marked by its label."""
    impact: Key = "impact"
    """For a table: the key of its impact column (type impact)."""
    likelihood: Key = "likelihood"
    """For a table: the key of its likelihood column (type likelihood)."""
    label: Key | None = None
    """For a table: the key of the column whose text marks each risk in its cell (R1); R and the row's number when not given."""
    name: Key | None = None
    """For a table: the key of the column that says what each risk is, for the alt text and the drawing's table."""

    @model_validator(mode="after")
    def _counts_or_table(self) -> HeatMap:
        if bool(self.counts) == bool(self.table):
            raise ValueError("expected either counts or the id of a table of risks, not both" if self.counts else "expected counts or the id of a table of risks (table:)")
        return self

    def grid(self, theme: Any) -> HeatGrid:
        """Return the counts as a grid, lowest likelihood first."""
        return HeatGrid(self.title, [[c.strip() if c.strip() != "0" else "" for c in row] for row in reversed(self.counts)])

    def heat_chart(self, theme: Any) -> Any:
        """Return the heat map drawn."""
        return heat_chart([self.grid(theme)], theme, self.caption)

    def placed_chart(self, paper: Any, theme: Any) -> Any:
        """Return the risks of the table this heat map names placed in their cells, the cells shaded by band."""
        scales = theme.risk
        return _grid_chart(
            theme, self.title,
            x_levels=tuple(scales.impact.levels),
            y_levels=tuple(scales.likelihood.levels),
            items=tuple(self.items(tables_of(paper)[self.table], scales)),  # type: ignore[index]
        )

    def items(self, table: Any, scales: Any) -> list[Any]:
        """Return each row of the table as a risk placed by its impact and likelihood, with its rating and band."""
        from .columns import read_table
        from .figures import GridItem

        columns = {c.key: n for n, c in enumerate(table.column_specs) if c.key}
        result = read_table(table)
        found = []
        for k, row in enumerate(r for r in result.rows if r.group is None):
            texts = {c.column: c.text for c in row.cells}
            impact, likelihood = (result.values.get((row.index, columns[key])) for key in (self.impact, self.likelihood))
            if impact is None or likelihood is None or impact.number is None or likelihood.number is None:
                continue  # a risk not yet scored is in the table, not on the grid
            level, chance = int(impact.number), int(likelihood.number)
            label = texts.get(columns[self.label], "").strip() if self.label else ""
            name = _plain(texts.get(columns[self.name], "")) if self.name else ""
            found.append(GridItem(label=label or f"R{k + 1}", name=name, column=level, row=chance,
                                  note=f"rating {level * chance}, {scales.band(level * chance).name}"))
        return found

    def council_problems(self, theme: Any, scale: str | None) -> list[Located]:
        """Return a grid whose shape is not the council's scales, and counts that are not whole numbers."""
        if theme.risk is None:
            return [(("counts",), f"the theme {theme.slug!r} defines no risk scales (risk: in its theme.yaml)")]
        if self.table:
            return []
        rows, columns = len(theme.risk.likelihood.levels), len(theme.risk.impact.levels)
        if len(self.counts) != rows:
            return [(("counts",), f"expected {rows} rows, one per {theme.risk.likelihood.name.lower()} level, got {len(self.counts)}")]
        found: list[Located] = []
        for r, row in enumerate(self.counts):
            if len(row) != columns:
                found.append((("counts", r), f"expected {columns} counts, one per {theme.risk.impact.name.lower()} level, got {len(row)}"))
                continue
            found += [(("counts", r, c), f"expected a whole number of risks, got {v!r}") for c, v in enumerate(row) if v.strip() and not _COUNT.fullmatch(v.strip())]
        return found


def tables_of(paper: Any) -> dict[str, Any]:
    """Return the paper's tables that have an id, by id."""
    from .common import Table
    from .paper import blocks_of

    return {m.id: m for _, m in blocks_of(paper) if isinstance(m, Table) and m.id}


def _table_problems(path: tuple[Any, ...], heat_map: HeatMap, tables: dict[str, Any]) -> list[Located]:
    """Return a heat map naming a table the paper lacks, or columns that table lacks or that hold no risk levels."""
    table = tables.get(heat_map.table or "")
    if table is None:
        return [((*path, "table"), f"expected the id of a table in this paper ({', '.join(sorted(tables)) or 'none'}), got {heat_map.table!r}")]
    types = {c.key: c.type for c in table.column_specs if c.key}
    found: list[Located] = []
    for field in ("impact", "likelihood", "label", "name"):
        key = getattr(heat_map, field)
        if key is None:
            continue
        wanted = field if field in ("impact", "likelihood") else None
        if key not in types or (wanted and types[key] != wanted):
            keys = [k for k, t in types.items() if wanted is None or t == wanted]
            what = f"an {wanted} column" if wanted else "a column"
            found.append(((*path, field), f"expected the key of {what} of {heat_map.table!r} ({', '.join(keys) or 'none'}), got {key!r}"))
    return found


def heat_map_problems(models: list[tuple[tuple[Any, ...], Any]], theme: Any) -> list[Located]:
    """Return the counts of heat maps that disagree with the register they name (both numbers and the cell), and tables of risks that are not there."""
    from .common import Table

    registers = {m.id: m for _, m in models if isinstance(m, RiskRegister) and m.id}
    tables = {m.id: m for _, m in models if isinstance(m, Table) and m.id}
    found: list[Located] = []
    for path, heat_map in models:
        if isinstance(heat_map, HeatMap) and heat_map.table is not None:
            found += _table_problems(path, heat_map, tables)
        if not isinstance(heat_map, HeatMap) or heat_map.against is None:
            continue
        register = registers.get(heat_map.against)
        if register is None:
            found.append(((*path, "against"), f"expected the id of a risk register in this paper ({', '.join(registers) or 'none'}), got {heat_map.against!r}"))
            continue
        if theme.risk is None or heat_map.council_problems(theme, None) or register.council_problems(theme, None):
            continue
        scales = theme.risk
        worked = register.grid(scales, heat_map.position)
        top = len(scales.likelihood.levels)
        for r, row in enumerate(heat_map.counts):
            for c, text in enumerate(row):
                refs = worked[top - 1 - r][c]
                stated = int(text.strip() or 0)
                if stated != len(refs):
                    where = f"{scales.likelihood.levels[top - 1 - r]} / {scales.impact.levels[c]}"
                    found.append(((*path, "counts", r, c), f"the paper states {stated} risk(s) at {where} but the register "
                                  f"{register.id!r} has {len(refs)} there ({', '.join(refs) or 'none'})"))
    return found


def _plain(text: str) -> str:
    """Return Markdown as plain words for alt text."""
    return re.sub(r"[*_`\[\]]|\(https?://[^)]*\)|\[\^[^\]]*\]", "", text).strip()
