"""Write a synthetic year of council papers and meetings, derived from the examples in content/.

    python bench/corpus.py /tmp/corpus-150 --papers 150

The corpus is a project folder of its own (content/, a copy of templates/)
that `python build.py --root /tmp/corpus-150 build` builds. Every paper is
one of the five examples with its title, dates, prose length and table rows
varied, so it stays valid; a few are long (40 pages or so, with long
tables). Meetings (one for every ten papers, each of one council) bind every
paper; the first binds twenty. The same arguments give the same corpus.
"""

from __future__ import annotations

import argparse
import copy
import datetime
import logging
import random
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

logger = logging.getLogger("bench.corpus")

# kind: (example in content/, its council, share of the corpus)
KINDS: dict[str, tuple[str, str, float]] = {
    "committee-report": ("cabinet/cpa-corporate-assessment-2007.yaml", "leicester-city", 0.20),
    "portfolio-plan": ("portfolio-plans/community-engagement-2012-13.yaml", "harborough", 0.20),
    "performance-statement": ("scrutiny/community-engagement-performance-2011-12.yaml", "harborough", 0.25),
    "commitments-monitoring": ("commitments/chief-executives-q3-2007-08.yaml", "leicestershire", 0.20),
    "performance-report": ("ssog/laa-quarter-3-performance-2006-07.yaml", "leicestershire", 0.15),
}

# Lists whose items can be repeated or dropped without breaking a rule: prose, table rows, actions.
SCALABLE = {"content", "actions", "measures", "remit", "achievements", "commitments", "rows", "vision", "communications"}

TOPICS = [
    "Waste and Recycling", "Housing Strategy", "Planning Enforcement", "Leisure Centres", "Car Parking",
    "Community Safety", "Economic Development", "Customer Services", "Revenues and Benefits", "Environmental Health",
    "Licensing", "Parks and Open Spaces", "Homelessness", "Town Centre Regeneration", "Climate Change",
    "Digital Services", "Asset Management", "Elections", "Tourism", "Health and Wellbeing",
]

COMMITTEES = {
    "harborough": "Scrutiny Panel - People",
    "leicester-city": "Cabinet",
    "leicestershire": "Leicestershire Strategic Senior Officers' Group",
}


class _Dumper(yaml.SafeDumper):
    """Write every value as a plain string, never an anchor or alias (the loader refuses them)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


_Dumper.add_representer(type(None), lambda dumper, _: dumper.represent_scalar("tag:yaml.org,2002:null", ""))


@dataclass
class Planned:
    """One paper of the corpus: its kind, where it goes, how long it is and which meeting binds it."""

    kind: str
    path: str
    factor: float
    long: bool
    meeting: int = 0


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments and write the corpus."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path, help="where to write the corpus (emptied first)")
    parser.add_argument("--papers", type=int, default=150, help="how many papers (default 150; try 50, 150, 600)")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--check", action="store_true", help="validate the corpus afterwards (python build.py check)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    write_corpus(args.folder, args.papers, args.seed)
    if args.check:
        return check(args.folder)
    return 0


def write_corpus(folder: Path, papers: int, seed: int = 8) -> list[Planned]:
    """Write a corpus of this many papers and its meetings into folder; return the papers."""
    rng = random.Random(seed)
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "content").mkdir(parents=True)
    shutil.copytree(REPO / "templates", folder / "templates")
    shutil.copytree(REPO / "content" / "data", folder / "content" / "data")
    plan = _plan(papers, rng)
    meetings = _meetings(plan, rng)
    examples = {kind: _read(REPO / "content" / example) for kind, (example, _, _) in KINDS.items()}
    for i, paper in enumerate(plan):
        date = meetings[paper.meeting]["date"]
        data = _vary(copy.deepcopy(examples[paper.kind]), paper, i, date, rng)
        _write(folder / "content" / paper.path, data)
    for i, meeting in enumerate(meetings):
        _write(folder / "content" / "meetings" / f"{meeting['council']}-{meeting['date']}-{i + 1:02d}.yaml", meeting)
    logger.info("wrote %d papers and %d meetings to %s", len(plan), len(meetings), folder)
    return plan


def _plan(papers: int, rng: random.Random) -> list[Planned]:
    """Decide each paper's kind and length: most a few pages, about one in twenty-five long."""
    kinds = [kind for kind, (_, _, share) in KINDS.items() for _ in range(round(share * papers))]
    kinds = (kinds + list(KINDS) * papers)[:papers]
    rng.shuffle(kinds)
    long_every = 25
    plan = []
    for i, kind in enumerate(kinds):
        long = kind in ("committee-report", "commitments-monitoring", "portfolio-plan") and i % long_every == 3
        folder = Path(KINDS[kind][0]).parent.as_posix()
        plan.append(Planned(kind, f"{folder}/{kind}-{i + 1:04d}.yaml", rng.uniform(0.4, 1.6), long))
    return plan


def _meetings(plan: list[Planned], rng: random.Random) -> list[dict[str, Any]]:
    """Give every paper a meeting of its council; return the meetings, dated through one municipal year."""
    by_council: dict[str, list[Planned]] = {}
    for paper in plan:
        by_council.setdefault(KINDS[paper.kind][1], []).append(paper)
    count = max(len(by_council), round(len(plan) / 10))
    councils = sorted(by_council, key=lambda c: -len(by_council[c]))
    shares = {c: max(1, round(count * len(by_council[c]) / len(plan))) for c in councils}
    grouped: list[tuple[str, list[Planned]]] = []
    for council in councils:
        papers, n = by_council[council], shares[council]
        first = min(20, len(papers)) if not grouped else 0  # the first meeting binds a 20-item pack
        groups = [papers[:first]] + _split(papers[first:], n - 1) if first else _split(papers, n)
        grouped += [(council, group) for group in groups if group]
    days = _meeting_days(len(grouped))
    meetings: list[dict[str, Any]] = []
    for index, (council, group) in enumerate(grouped):
        for paper in group:
            paper.meeting = index
        meetings.append(_meeting(council, days[index], group))
    return meetings


def _split(items: list[Planned], n: int) -> list[list[Planned]]:
    n = max(1, n)
    return [items[i::n] for i in range(n) if items[i::n]]


def _meeting_days(n: int) -> list[datetime.date]:
    """Return n weekdays (Tuesdays) spread through the year from May 2011."""
    start = datetime.date(2011, 5, 3)
    step = max(1, 48 // max(1, n))
    return [start + datetime.timedelta(weeks=(i * step) % 48) for i in range(n)]


def _meeting(council: str, date: datetime.date, papers: list[Planned]) -> dict[str, Any]:
    items: list[dict[str, str]] = [
        {"title": "Apologies for absence"},
        {"title": "Declarations of members' interests", "text": "Members are asked to declare any interests."},
    ]
    items += [{"title": f"Report {i + 1}", "paper": p.path} for i, p in enumerate(papers)]
    return {
        "kind": "meeting",
        "council": council,
        "committee": COMMITTEES[council],
        "date": date.isoformat(),
        "time": "18:30",
        "venue": "Council Chamber",
        "membership": {"chair": "Councillor A. Chair", "members": ["Councillor B. Member", "Councillor C. Member"]},
        "clerk": {"name": "D. Clerk", "post": "Democratic Services Officer", "phone": "01858 821 000",
                  "email": "democratic.services@example.gov.uk"},
        "published": (date - datetime.timedelta(days=14)).isoformat(),
        "items": items,
    }


def _vary(data: dict[str, Any], paper: Planned, i: int, date: str, rng: random.Random) -> dict[str, Any]:
    """Return an example paper with its title, dates and lengths varied for this place in the corpus."""
    topic = f"{TOPICS[i % len(TOPICS)]} ({i + 1})"
    factor = 6.0 if paper.long else paper.factor
    if paper.kind == "committee-report":
        data["title"] = f"{topic}: Corporate Assessment"
        data["meeting"]["date"] = date
        for entry in data.get("forward_timetable", []):
            entry["date"] = date
        if not paper.long:  # a short report keeps the first few sections of its appendix
            _shorten(data["appendices"][0], rng.randint(1, 3))
        factor = 1.0
    elif paper.kind == "portfolio-plan":
        data["portfolio"] = topic
    elif paper.kind == "performance-statement":
        data["portfolio"] = topic
    elif paper.kind == "commitments-monitoring":
        data["department"] = topic
        data["quarter"] = f"Q{i % 4 + 1} 2011-12"
    elif paper.kind == "performance-report":
        data["title"] = f"{topic.upper()}: LOCAL AREA AGREEMENT UPDATE"
        data["meeting"]["date"] = date
    scaled = _scale(data, factor, rng)
    if paper.kind == "portfolio-plan":  # the budget's net row is worked out from its two rows by name: keep them
        scaled["budget"] = data["budget"]
    return scaled


def _shorten(appendix: dict[str, Any], sections: int) -> None:
    """Keep an appendix's first sections and the notes they still refer to."""
    appendix["sections"] = appendix["sections"][:sections]
    text = yaml.dump(appendix["sections"], Dumper=_Dumper)
    appendix["notes"] = {k: v for k, v in appendix.get("notes", {}).items() if f"[^{k}]" in text}
    if not appendix["notes"]:
        del appendix["notes"]


def _scale(node: Any, factor: float, rng: random.Random, key: str = "") -> Any:
    """Repeat or drop items of the scalable lists so the paper is about factor times as long."""
    if isinstance(node, dict):
        return {k: _scale(v, factor, rng, k) for k, v in node.items()}
    if not isinstance(node, list):
        return node
    items = [_scale(v, factor, rng) for v in node]
    if key not in SCALABLE or not items or not all(_repeatable(item) for item in items):
        return items
    target = max(1, round(len(items) * factor))
    return [_copy(item, i // len(items)) for i, item in enumerate(_cycle(items, target))]


def _copy(item: Any, round_: int) -> Any:
    """Return a copy of an item for its round-th repeat; an action code or a section's ref must stay unique (each is an anchor)."""
    item = copy.deepcopy(item)
    for key in ("code", "ref"):
        if round_ and isinstance(item, dict) and isinstance(item.get(key), str):
            item[key] = f"{item[key]}.{round_}"
    return item


def _repeatable(item: Any) -> bool:
    """Return whether an item can appear twice: no id to clash, no note marker to number twice."""
    if isinstance(item, dict):
        # an id, a table worked out from data files, or a measure with its status columns is written once
        return not {"id", "count_table", "statuses"} & set(item) and all(_repeatable(v) for v in item.values())
    if isinstance(item, list):
        return all(_repeatable(v) for v in item)
    return "[^" not in str(item)


def _cycle(items: list[Any], n: int) -> Iterator[Any]:
    for i in range(n):
        yield items[i % len(items)]


def _read(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as f:
        data = yaml.load(f, Loader=yaml.BaseLoader)  # every value a string, as the project's loader reads it
    return _blanks(data)


def _blanks(node: Any) -> Any:
    """Return the tree with empty values of keys as None, so they are written empty again (left out), not as ''.

    An empty item of a list (a blank heading cell) stays '': the list needs it in its place.
    """
    if isinstance(node, dict):
        return {k: None if v == "" else _blanks(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_blanks(v) for v in node]
    return node


def _write(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    path.write_text(text, encoding="utf-8")


def check(folder: Path) -> int:
    """Validate the corpus as the clerk would; return the exit status."""
    from committee_papers.commands.cli import main as cli

    return cli(["--root", str(folder), "check"])


if __name__ == "__main__":
    sys.exit(main())
