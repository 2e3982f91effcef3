"""A meeting: its details, membership and the agenda items the clerk publishes."""

from __future__ import annotations

import datetime
from typing import Any, Literal

from pydantic import Field

from .common import Prose, Status, Strict
from .paper import Located


class Membership(Strict):
    """Who sits on the committee."""

    chair: str = Field(examples=["Councillor A. Leader"])
    """The chair, as the agenda names them: Councillor A. Leader."""
    vice_chair: str | None = None
    """The vice-chair, if the committee has one."""
    members: list[str] = Field(default=[], examples=[["Councillor C. Member"]])
    """The other members, as the council lists them (Councillor ...)."""


class Clerk(Strict):
    """The democratic services officer to contact about the meeting."""

    name: str = Field(examples=["G. Clerk"])
    """The clerk's name."""
    post: str | None = Field(default=None, examples=["Democratic Services Officer"])
    """The clerk's post."""
    phone: str | None = Field(default=None, examples=["0116 252 6343"])
    """A telephone number or extension."""
    email: str | None = Field(default=None, examples=["committees@example.gov.uk"])
    """An email address."""


class Exemption(Strict):
    """Why an item is taken in private (Schedule 12A, Local Government Act 1972)."""

    paragraph: int = Field(ge=1, le=7)
    """The paragraph of Part 1 of Schedule 12A (1-7)."""
    public_interest: Prose
    """Why the public interest in keeping it exempt outweighs the interest in disclosing it."""


class AgendaItem(Strict):
    """One item of the agenda, in order."""

    title: str = Field(examples=["Apologies for absence"])
    """The item's title as the agenda lists it."""
    paper: str | None = None
    """The report for this item: a path inside content/ (cabinet/report.yaml). None for procedural items."""
    text: Prose | None = None
    """What the agenda says under the item (for procedural items such as apologies)."""
    supplementary: bool = False
    """Yes for an item added after the agenda was published."""
    published: datetime.date | None = None
    """When the item's papers were published, if later than the agenda."""
    urgency: Prose | None = None
    """The chair's reason for taking a late item as a matter of urgency; printed on the agenda."""
    exempt: Exemption | None = None
    """Set when the item is taken in private (Schedule 12A); its paper must be exempt too."""


class Meeting(Strict):
    """A meeting of a committee, Cabinet or panel, and its agenda."""

    kind: Literal["meeting"]
    """The kind of source: meeting."""
    council: str = Field(examples=["leicester-city"])
    """The council's theme (a folder in templates/)."""
    status: Status = "final"
    """draft or final; a draft agenda carries a DRAFT mark on every page."""
    committee: str = Field(examples=["Cabinet"])
    """The committee, board or Cabinet, as the council names it."""
    date: datetime.date
    """The meeting date, written 2007-11-10."""
    time: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    """The start time, 24-hour: 17:30."""
    venue: str = Field(examples=["Meeting Room 1, Town Hall"])
    """Where the meeting is held."""
    membership: Membership
    """Who sits on the committee."""
    clerk: Clerk
    """The officer to contact about the meeting."""
    published: datetime.date
    """The day the agenda and reports are published."""
    items: list[AgendaItem] = Field(min_length=1)
    """The agenda items, in order; they are numbered 1, 2, 3 ..."""

    @property
    def agenda_item(self) -> None:
        """Return nothing: an agenda is not itself an item (the base template asks)."""
        return None

    @property
    def exempt(self) -> None:
        """Return nothing: the agenda itself is always published; its exempt items say so."""
        return None

    @property
    def title(self) -> str:
        """Return the meeting's name as the agenda heads it."""
        return f"{self.committee}, {self.date:%-d %B %Y}"

    def problems(self) -> list[Located]:
        """Return items whose papers are stated inconsistently."""
        found: list[Located] = []
        for i, item in enumerate(self.items):
            if item.published and item.published < self.published:
                found.append((("items", i, "published"), f"expected a date on or after the agenda's publication ({self.published}), got {item.published}"))
            if item.supplementary and not item.paper:
                found.append((("items", i, "paper"), "expected a paper for a supplementary item, got nothing"))
        return found

    def derived(self) -> dict[str, Any]:
        """Return the item numbers."""
        return {"numbers": [str(n) for n in range(1, len(self.items) + 1)]}

    def document_date(self) -> datetime.date:
        """Return the day of publication, the date the agenda carries."""
        return self.published
