"""The command line: parse arguments, call the build, turn user errors into messages."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

from .build import Config, Report, build, check
from .errors import PaperError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="committee-papers", description="Build council committee papers from YAML.")
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="the project folder (default: here)")
    parser.add_argument("-v", "--verbose", action="store_true", help="say what is done as it is done")
    commands = parser.add_subparsers(dest="command")
    build_command = commands.add_parser("build", help="build papers to PDF, DOCX and HTML (the default)")
    build_command.add_argument("papers", nargs="*", type=Path, help="papers or meetings to build (default: all of content/)")
    build_command.add_argument("--force", action="store_true", help="lay out everything again, even what is up to date")
    build_command.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes laying papers out at once (default: one per core)")
    check_command = commands.add_parser("check", help="validate papers without rendering")
    check_command.add_argument("papers", nargs="*", type=Path, help="papers to check (default: all of content/)")
    comments_command = commands.add_parser("comments", help="list a reviewed DOCX's comments with the YAML lines they are on")
    comments_command.add_argument("docx", type=Path, help="the reviewed .docx")
    comments_command.add_argument("--json", action="store_true", help="write JSON for tools")
    redline_command = commands.add_parser("redline", help="show what changed in a paper since a git revision, as tracked changes")
    redline_command.add_argument("--since", required=True, help="the git revision reviewers last read (a hash, tag or HEAD~1)")
    redline_command.add_argument("paper", type=Path, help="the paper's YAML")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s")
    if args.verbose:
        logging.getLogger("committee_papers").setLevel(logging.INFO)
    config = Config(
        root=args.root.resolve(),
        papers=[p.resolve() for p in getattr(args, "papers", [])],
        force=getattr(args, "force", False),
        jobs=max(1, getattr(args, "jobs", os.cpu_count() or 1)),
    )
    if args.command == "comments":
        return _comments(args.docx, args.json)
    if args.command == "redline":
        return _redline(config, args.since, args.paper.resolve())
    try:
        if args.command == "check":
            report, verb = check(config).report, "checked"
        else:
            report, verb = build(config), "built"
    except PaperError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    _print(report, verb)
    return 0 if report.ok else 1


def _print(report: Report, verb: str) -> None:
    for notice in report.notices:
        print(notice)
    for messages in report.failed.values():
        for message in messages:
            print(message, file=sys.stderr)
    print(report.summary(verb))


def _comments(path: Path, as_json: bool) -> int:
    from .review import read_comments, report

    try:
        comments = read_comments(path)
    except PaperError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(json.dumps([c.to_json() for c in comments], indent=2, ensure_ascii=False) if as_json else report(comments))
    return 0


def _redline(config: Config, since: str, paper: Path) -> int:
    from .redline import redline

    try:
        written = redline(config, since, paper)
    except PaperError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    for path in written:
        print(path)
    return 0
