"""The command line: parse arguments, call the build, turn user errors into messages."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

from ..pipeline.collector import collect_seldom
from ..sources.errors import PaperError
from ..sources.project import Config
from .console import Console


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="committee-papers", description="Build council committee papers from YAML.")
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="the project folder (default: here)")
    parser.add_argument("-v", "--verbose", action="store_true", help="say what is done as it is done")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only problems: no progress, no summary")
    _build_options(parser, default=True)
    commands = parser.add_subparsers(dest="command")
    build_command = commands.add_parser("build", help="build papers to PDF, DOCX and HTML (the default)")
    build_command.add_argument("papers", nargs="*", type=Path, help="papers or meetings to build (default: all of content/)")
    _build_options(build_command, default=False)
    check_command = commands.add_parser("check", help="validate papers without rendering")
    check_command.add_argument("papers", nargs="*", type=Path, help="papers to check (default: all of content/)")
    watch_command = commands.add_parser("watch", help="rebuild papers whenever their YAML, a template or a theme is saved")
    watch_command.add_argument("papers", nargs="*", type=Path, help="papers to watch (default: all of content/)")
    serve_command = commands.add_parser("serve", help="preview papers in a browser, rebuilt and reloaded on every save")
    serve_command.add_argument("papers", nargs="*", type=Path, help="papers to preview (default: all of content/)")
    serve_command.add_argument("--port", type=int, default=8000, help="the port on 127.0.0.1 to serve on (default: 8000)")
    serve_command.add_argument("--host", default="127.0.0.1", help="only 127.0.0.1 (or localhost): previews are not for the network")
    new_command = commands.add_parser("new", help="write a new paper with every field present and explained")
    new_command.add_argument("kind", help="the kind of paper, such as committee-report")
    new_command.add_argument("path", type=Path, help="where to write it, inside content/")
    new_command.add_argument("--council", help="the council, whose own kinds (templates/<council>/kinds/) may then be named")
    commands.add_parser("schema", help="regenerate the JSON Schemas in schemas/ and the block reference in docs/blocks.md from the models")
    comments_command = commands.add_parser("comments", help="list a reviewed DOCX's comments with the YAML lines they are on")
    comments_command.add_argument("docx", type=Path, help="the reviewed .docx")
    comments_command.add_argument("--json", action="store_true", help="write JSON for tools")
    apply_command = commands.add_parser("apply", help="write a reviewed DOCX's tracked changes back into the YAML they came from")
    apply_command.add_argument("docx", type=Path, help="the reviewed .docx")
    apply_command.add_argument("--force", action="store_true", default=argparse.SUPPRESS, help="apply to files with uncommitted changes too")
    redline_command = commands.add_parser("redline", help="show what changed in a paper since a git revision, as tracked changes")
    redline_command.add_argument("--since", required=True, help="the git revision reviewers last read (a hash, tag or HEAD~1)")
    redline_command.add_argument("paper", type=Path, help="the paper's YAML")
    return parser


def _build_options(parser: argparse.ArgumentParser, *, default: bool) -> None:
    """Add --force and --jobs, so `python build.py --force` works as well as `python build.py build --force`."""
    # Only the top-level parser sets defaults: a subcommand's default would undo an option given before it.
    unset = {} if default else {"default": argparse.SUPPRESS}
    parser.add_argument("--force", action="store_true", help="lay out everything again, even what is up to date", **unset)
    jobs = {"default": os.cpu_count() or 1} if default else unset
    parser.add_argument("--jobs", type=int, help="processes laying papers out at once (default: one per core)", **jobs)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    collect_seldom()
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
    show = Console(quiet=args.quiet)
    try:
        return _run(args, config, show)
    except PaperError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # Ctrl+C: the build has ended its workers; every output written is whole
        print("error: stopped (Ctrl+C): every output written is whole; build again to finish", file=sys.stderr)
        return 1


def _run(args: argparse.Namespace, config: Config, show: Console) -> int:
    if args.command == "new":
        from .skeleton import new_paper

        new_paper(args.kind, args.path.resolve(), config.root, args.council)
        if not args.quiet:
            print(f"wrote {args.path}: fill in the blanks, then run: python build.py check {args.path}")
        return 0
    if args.command == "schema":
        from . import block_docs
        from .schema import write

        for path in [*write(config.root), block_docs.write(config.root)]:
            if not args.quiet:
                print(f"wrote {path.relative_to(config.root).as_posix()}")
        return 0
    if args.command == "comments":
        return _comments(args.docx, args.json)
    if args.command == "apply":
        return _apply(config, args.docx, getattr(args, "force", False))
    if args.command == "redline":
        return _redline(config, args.since, args.paper.resolve())
    if args.command == "watch":
        from .watch import watch

        return watch(config, show=show)
    if args.command == "serve":
        from .serve import serve

        return serve(config, show=show, port=args.port, host=args.host)
    if args.command == "check":
        from ..pipeline.checking import check

        report, verb = check(config).report, "checked"
    else:
        from ..pipeline.build import build  # imports no models: a build with nothing to do never needs them

        with show.progress() as progress:
            report, verb = build(config, progress), "built"
    show.report(report, verb)
    return 0 if report.ok else 1


def _comments(path: Path, as_json: bool) -> int:
    from ..reviewing.review import read_review, report

    review = read_review(path)
    print(json.dumps(review.to_json(), indent=2, ensure_ascii=False) if as_json else report(review))
    return 0


def _apply(config: Config, path: Path, force: bool) -> int:
    from ..reviewing.apply import apply_review

    outcome = apply_review(config.root, path, force=force)
    print(outcome.report())
    return 0 if outcome.applied or not outcome.refused else 1


def _redline(config: Config, since: str, paper: Path) -> int:
    from ..reviewing.redline import redline

    for path in redline(config, since, paper):
        print(path)
    return 0
