"""Rebuilds: nothing changed, and one paper of a 20-item agenda pack changed, against that paper's own render.

    python bench/rebuild.py --papers 150 --rounds 5

After one cold build, each round times (alternating) a build with nothing to
do, a build after one paper of the first meeting's 20-item pack is edited
(the first paper, or with --longest the longest; it is laid out again and
the pack bound again), the same in a warm process (WeasyPrint, fonts and
stylesheets already loaded, as in `watch`), and that paper's own render
(PDF, DOCX with its anchors back to the YAML, and HTML, in a warm process).
Targets: no-op under 0.5 s; one-paper rebuild under 1.5 times the paper's
own render.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from common import machine, make_corpus, median, papers_of, run_build, table, timed


def edit(paper: Path, n: int) -> None:
    """Change a paper as an officer would: a word in its portfolio's name."""
    text = paper.read_text(encoding="utf-8")
    paper.write_text(re.sub(r"^portfolio: (.*?)( rev \d+)?$", rf"portfolio: \1 rev {n}", text, count=1, flags=re.M), encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, default=150)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--folder", type=Path, default=Path("/tmp/committee-papers-bench/rebuild"))
    parser.add_argument("--longest", action="store_true", help="edit the pack's longest paper rather than its first")
    args = parser.parse_args()
    root = make_corpus(args.folder / "project", args.papers)
    meeting = sorted((root / "content" / "meetings").glob("*-01.yaml"))[0]
    papers = [root / "content" / name for name in re.findall(r"paper: (\S+)", meeting.read_text(encoding="utf-8"))]
    paper = max(papers, key=lambda p: p.stat().st_size) if args.longest else papers[0]
    run_build(root, "--jobs", str(args.jobs))
    from committee_papers.pipeline.build import Config, build
    from committee_papers.sources.provenance import Origin
    from committee_papers.outputs.render import Renderer

    renderer = Renderer(root / "content", root / "templates")
    build(Config(root, jobs=args.jobs))  # warms this process, as watch's first build does
    noop, changed, warm, own = [], [], [], []
    for n in range(args.rounds):
        noop.append(run_build(root, "--jobs", str(args.jobs)))
        edit(paper, 2 * n)
        changed.append(run_build(root, "--jobs", str(args.jobs)))
        edit(paper, 2 * n + 1)
        warm.append(timed(lambda: build(Config(root, jobs=args.jobs))))
        job = next(j for j in papers_of(root) if j.source.path == paper.resolve())
        origin = Origin.of(job.loaded(), [source for source, _ in job.paper.data_sources()])  # the DOCX's anchors, as the build makes them
        own.append(timed(lambda: renderer.outputs(job.paper, job.theme, paper.parent, job.source.name, origin=origin, stamp=job.stamp)))
    items = meeting.read_text(encoding="utf-8").count("paper:")
    print(f"Rebuilds, {args.papers} papers, {args.rounds} rounds alternating, medians; {machine()}")
    print(table(
        ["what", "seconds", "target", "runs"],
        [
            ["no-op rebuild of the whole corpus", median(noop), "< 0.5", ", ".join(f"{s:.2f}" for s in noop)],
            [f"one paper changed ({paper.name}, in a {items}-item pack)", median(changed), "", ", ".join(f"{s:.2f}" for s in changed)],
            ["the same in a warm process, as watch rebuilds", median(warm), "", ", ".join(f"{s:.2f}" for s in warm)],
            ["that paper's own render (PDF+DOCX+HTML, warm)", median(own), "", ", ".join(f"{s:.2f}" for s in own)],
            ["ratio changed / own render", median(changed) / median(own), "< 1.5", ""],
            ["ratio warm changed / own render", median(warm) / median(own), "< 1.5", ""],
        ],
    ))
    return 0


if __name__ == "__main__":
    sys.exit(main())
