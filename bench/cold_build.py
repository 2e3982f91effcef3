"""Cold build on two cores against WeasyPrint alone laying out the same HTML on one core.

    python bench/cold_build.py --papers 150 --rounds 3

Each round builds the corpus from nothing (`build.py build --jobs 2`: PDF,
DOCX and HTML of every paper, every pack copy, every agenda and pack), then
has WeasyPrint alone, in one process, lay out each paper's dialect HTML with
the same stylesheet, one after the other; only write_pdf is timed. The two
alternate; medians are reported. Target: ratio at most 0.6.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

from common import ENV, REPO, machine, make_corpus, median, papers_of, run_build, table


def dump_dialect(root: Path, folder: Path) -> list[dict[str, str]]:
    """Write each paper's dialect HTML and its council's stylesheet; return what WeasyPrint alone needs."""
    from committee_papers.layout.html import Templates

    folder.mkdir(parents=True, exist_ok=True)
    templates: dict[str, Templates] = {}
    entries = []
    for i, job in enumerate(papers_of(root)):
        slug = job.theme.slug
        if slug not in templates:
            templates[slug] = Templates(root / "templates", job.theme)
            (folder / f"{slug}.css").write_text(templates[slug].stylesheet(), encoding="utf-8")
        html = folder / f"{i:04d}.html"
        html.write_text(templates[slug].render(job.paper), encoding="utf-8")
        entries.append({"html": str(html), "css": str(folder / f"{slug}.css"), "base": job.source.path.parent.as_uri() + "/"})
    (folder / "papers.json").write_text(json.dumps(entries), encoding="utf-8")
    return entries


def weasyprint_alone(folder: Path) -> None:
    """Lay out every dumped paper with WeasyPrint in this process; print the seconds spent in write_pdf and the pages."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    sheets: dict[str, CSS] = {}
    seconds, pages = 0.0, 0
    for entry in json.loads((folder / "papers.json").read_text(encoding="utf-8")):
        if entry["css"] not in sheets:
            sheets[entry["css"]] = CSS(filename=entry["css"], font_config=fonts)
        html = HTML(filename=entry["html"], base_url=entry["base"])
        start = time.perf_counter()
        document = html.render(stylesheets=[sheets[entry["css"]]], font_config=fonts)
        document.write_pdf(pdf_tags=True)
        seconds += time.perf_counter() - start
        pages += len(document.pages)
    print(json.dumps({"seconds": seconds, "pages": pages}))


def _alone(folder: Path) -> dict[str, float]:
    done = subprocess.run([sys.executable, __file__, "--alone", str(folder)], env=ENV, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, default=150)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--folder", type=Path, default=Path("/tmp/committee-papers-bench/cold"))
    parser.add_argument("--alone", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.alone:
        weasyprint_alone(args.alone)
        return 0
    root = make_corpus(args.folder / "project", args.papers)
    dump_dialect(root, args.folder / "dialect")
    ours, alone, pages = [], [], 0
    for _ in range(args.rounds):
        shutil.rmtree(root / "output", ignore_errors=True)
        ours.append(run_build(root, "--jobs", str(args.jobs)))
        result = _alone(args.folder / "dialect")
        alone.append(result["seconds"])
        pages = int(result["pages"])
    ratio = median(ours) / median(alone)
    print(f"Cold build, {args.papers} papers ({pages} pages of papers), {args.rounds} rounds alternating, medians; {machine()}")
    print(table(
        ["what", "seconds", "pages/s", "runs"],
        [
            [f"build.py build --jobs {args.jobs} (PDF+DOCX+HTML, pack copies, packs)", median(ours), pages / median(ours), ", ".join(f"{s:.1f}" for s in ours)],
            ["WeasyPrint alone, one process, write_pdf only", median(alone), pages / median(alone), ", ".join(f"{s:.1f}" for s in alone)],
            ["ratio (target <= 0.6)", ratio, "", ""],
        ],
    ))
    return 0


if __name__ == "__main__":
    sys.exit(main())
