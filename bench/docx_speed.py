"""Our DOCX writer against pandoc (same HTML to DOCX) and against LibreOffice (our DOCX to PDF).

Named docx_speed.py, not docx.py: a script called docx.py would hide python-docx from itself.

    python bench/docx_speed.py --papers 150 --sample 10 --rounds 3

Every paper's dialect HTML is made once; then, alternating in each round,
our writer (python-docx, in this process) and pandoc (pypandoc-binary, one
call per paper) make a DOCX of each, and LibreOffice (soffice --headless,
one call per paper, as a council exporting from Word would) turns a sample
of our DOCX files into PDF. Times per page (pages of our PDF) and ratios.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urljoin

import pypandoc

from common import machine, make_corpus, median, papers_of, table, timed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, default=150)
    parser.add_argument("--sample", type=int, default=10, help="how many papers LibreOffice converts")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--folder", type=Path, default=Path("/tmp/committee-papers-bench/docx"))
    args = parser.parse_args()
    if not shutil.which("soffice"):
        raise SystemExit("soffice not found: apt-get install libreoffice-writer-nogui")
    root = make_corpus(args.folder / "project", args.papers)
    from committee_papers.outputs.docx_writer import write_docx
    from committee_papers.layout.html import created
    from committee_papers.outputs.render import Renderer

    renderer = Renderer(root / "content", root / "templates")
    papers = []
    for job in papers_of(root):
        dialect = renderer.dialect(job.paper, job.theme)
        base = job.source.path.parent.resolve().as_uri() + "/"
        papers.append((job, dialect, base))
    sample = papers[:: max(1, len(papers) // args.sample)][: args.sample]
    sample_pages = sum(_pages(renderer.pdf(d, j.theme, j.source.path.parent, j.source.name)) for j, d, _ in sample)
    out = Path(tempfile.mkdtemp(prefix="docx-bench-"))

    def ours() -> None:
        for i, (job, dialect, base) in enumerate(papers):
            data = write_docx(dialect, renderer.reference(job.theme), created=created(job.paper), language=job.theme.language,
                              resolve_image=lambda src, b=base: renderer.assets.read(urljoin(b, src)))
            (out / f"{i:04d}.docx").write_bytes(data)

    def pandoc() -> None:
        for i, (_, dialect, _) in enumerate(papers):
            pypandoc.convert_text(dialect, "docx", format="html", outputfile=str(out / f"{i:04d}-pandoc.docx"),
                                  extra_args=["--quiet"])  # it cannot embed the SVG logos without rsvg-convert

    def libreoffice() -> None:
        for i, _ in enumerate(sample):
            index = papers.index(sample[i])
            subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(out / "lo"), str(out / f"{index:04d}.docx")],
                           check=True, capture_output=True)

    mine, theirs, office = [], [], []
    for _ in range(args.rounds):
        mine.append(timed(ours))
        theirs.append(timed(pandoc))
        office.append(timed(libreoffice))
    all_pages = sum(_pages(renderer.pdf(d, j.theme, j.source.path.parent, j.source.name)) for j, d, _ in papers)
    ours_page = median(mine) / all_pages
    ours_sample = ours_page * sample_pages
    print(f"DOCX, {len(papers)} papers ({all_pages} pages), LibreOffice on {len(sample)} of them ({sample_pages} pages); "
          f"{args.rounds} rounds alternating, medians; {machine()}")
    print(table(
        ["what", "seconds", "ms/page", "ratio ours/theirs"],
        [
            ["our writer (dialect HTML to DOCX)", median(mine), 1000 * ours_page, ""],
            ["pandoc (same HTML to DOCX)", median(theirs), 1000 * median(theirs) / all_pages, ours_page / (median(theirs) / all_pages)],
            ["LibreOffice headless (our DOCX to PDF, sample)", median(office), 1000 * median(office) / sample_pages,
             ours_sample / median(office)],
        ],
    ))
    shutil.rmtree(out, ignore_errors=True)
    return 0


def _pages(pdf: bytes) -> int:
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


if __name__ == "__main__":
    sys.exit(main())
