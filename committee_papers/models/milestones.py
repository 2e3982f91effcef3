"""The milestones block: a workplan of numbered actions with lettered milestones, due dates, progress and status."""

from __future__ import annotations

import datetime
from string import ascii_lowercase
from typing import Any

from pydantic import Field

from .columns import Shown, ShownRow, TableView, date_text, read
from .common import Column, Prose, Strict, or_group
from .status import StatusName

Located = tuple[tuple[Any, ...], str]
_DUE = Column(title="Due", type="month")


class Milestone(Strict):
    """One milestone of an action; the build letters them a, b, c ..."""

    milestone: Prose
    """What is to be done by the due date."""
    due: str | None = None
    """When: a month (2015-09) or a date (2015-09-30)."""
    status: StatusName | None = None
    """Its status on the council's scale."""


class Progress(Strict):
    """A progress note, dated, covering one or more milestones of its action."""

    date: datetime.date
    """When the progress was reported (ISO: 2015-06-30)."""
    note: Prose
    """What has happened."""
    milestones: list[str] = Field(default=[], examples=[["a", "b"]])
    """The letters of the milestones the note covers, next to each other; all of them when not given."""


class Action(Strict):
    """A numbered action of the workplan and its milestones."""

    ref: str = Field(examples=["1"])
    """The action's number or reference; its milestones are lettered under it (1a, 1b)."""
    action: Prose
    """What the action is."""
    owner: str | None = None
    """Who leads it."""
    milestones: list[Milestone] = Field(min_length=1)
    """Its milestones, in order."""
    progress: list[Progress] = []
    """Progress notes; each covers milestones next to each other, and no milestone is covered twice."""

    def covered(self, progress: Progress) -> list[int]:
        """Return the places of the milestones a note covers."""
        if not progress.milestones:
            return list(range(len(self.milestones)))
        return [ascii_lowercase.index(m) for m in progress.milestones if m in ascii_lowercase[: len(self.milestones)]]


class Headings(Strict):
    """The column headings of a workplan, as the council writes them."""

    ref: str = "Ref"
    """The heading of the action numbers."""
    action: str = "Action"
    """The heading of the actions."""
    owner: str = "Lead"
    """The heading of who leads each action (shown only when an action names one)."""
    milestone: str = "Milestone"
    """The heading of the lettered milestones."""
    due: str = "End date"
    """The heading of the due dates."""
    progress: str = "Progress"
    """The heading of the progress notes."""
    status: str = "Status"
    """The heading of the milestones' statuses."""


class Milestones(Strict):
    """A workplan: numbered actions, lettered milestones with end dates, progress notes spanning milestones, statuses."""

    caption: str = Field(min_length=1)
    """The table's title."""
    id: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9-]*$")
    """A short name, if other parts refer to this workplan."""
    headings: Headings = Headings()
    """The column headings."""
    actions: list[or_group(Action, "expected a mapping with ref, action and milestones, or with group")] = Field(min_length=1)  # type: ignore[valid-type]
    """The actions, with `- group: Priority 1` rows between groups."""

    def problems(self) -> list[Located]:
        """Return due dates that are not dates, unknown milestone letters, and notes that overlap or leave gaps."""
        found: list[Located] = []
        for i, action in enumerate(self.actions):
            if not isinstance(action, Action):
                continue
            for j, milestone in enumerate(action.milestones):
                try:
                    read(_DUE, milestone.due or "", False)
                except ValueError as err:
                    found.append((("actions", i, "milestones", j, "due"), str(err)))
            found += self._progress_problems(action, ("actions", i))
        return found

    def _progress_problems(self, action: Action, path: tuple[Any, ...]) -> list[Located]:
        letters = ascii_lowercase[: len(action.milestones)]
        seen: set[int] = set()
        found: list[Located] = []
        for k, note in enumerate(action.progress):
            where = (*path, "progress", k, "milestones")
            unknown = [m for m in note.milestones if m not in letters]
            if unknown:
                found.append((where, f"expected milestone letters of this action ({', '.join(letters)}), got {unknown[0]!r}"))
                continue
            places = sorted(action.covered(note))
            if places != list(range(places[0], places[-1] + 1)):
                found.append((where, f"expected milestones next to each other, so the note can span them, got {', '.join(note.milestones)}"))
            twice = seen & set(places)
            if twice:
                found.append((where, f"expected each milestone in one progress note, but {letters[min(twice)]} is in an earlier one"))
            seen |= set(places)
        return found

    def view(self, theme: Any, scale_name: str | None = None) -> TableView:
        """Return the workplan laid out: ref and action spanning their milestones, notes spanning what they cover."""
        scale = theme.scale(scale_name)
        owners = any(a.owner for a in self.actions if isinstance(a, Action))
        h = self.headings
        titles = [h.ref, h.action] + ([h.owner] if owners else []) + [h.milestone, h.due, h.progress, h.status]
        head = [ShownRow([Shown(t, tag="th", scope="col") for t in titles])]
        body: list[ShownRow] = []
        for action in self.actions:
            if not isinstance(action, Action):
                body.append(ShownRow([], group=action.group))
                continue
            body += self._rows(action, owners, theme, scale)
        widths: list[int | None] = [6, 22] + ([10] if owners else []) + [22, 10, 22 if owners else 30, 10]
        return TableView(self.caption, self.id, widths, head, body, [], len(titles))

    def _rows(self, action: Action, owners: bool, theme: Any, scale: Any) -> list[ShownRow]:
        n = len(action.milestones)
        starts = {min(action.covered(p)): p for p in action.progress if action.covered(p)}
        covered = {i for p in action.progress for i in action.covered(p)}
        rows = []
        for j, milestone in enumerate(action.milestones):
            cells: list[Shown] = []
            if j == 0:
                cells += [Shown(action.ref, tag="th", scope="row", rowspan=n), Shown(action.action, kind="prose", rowspan=n)]
                cells += [Shown(action.owner or "", rowspan=n)] if owners else []
            cells.append(Shown(f"{action.ref}{ascii_lowercase[j]}. {milestone.milestone}", kind="prose"))
            cells.append(Shown(_due(milestone.due, theme)))
            if j in starts:
                note = starts[j]
                cells.append(Shown(f"{date_text(note.date, theme)}: {note.note}", kind="prose", rowspan=len(action.covered(note))))
            elif j not in covered:
                cells.append(Shown(""))
            status = scale.get(milestone.status) if milestone.status and scale else None
            cells.append(Shown(status.label, kind="status", fill=status.colour, colour=status.text_colour, mark=status.mark) if status else Shown(""))
            rows.append(ShownRow(cells))
        return rows


def _due(text: str | None, theme: Any) -> str:
    """Write a due month or date in the council's style."""
    value = read(_DUE, text or "", False)
    if value.day is None:
        return ""
    return date_text(value.day, theme) if value.has_day else f"{value.day:%B %Y}"
