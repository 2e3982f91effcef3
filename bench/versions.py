"""This engine against an earlier revision of itself, side by side on the same machine in one run.

    python bench/versions.py --against 8fd3307^ --papers 150 --rounds 2

The earlier revision is extracted from git into a temporary folder. Each side
writes its corpus with its own bench/corpus.py (the same arguments give the
same papers, written in the YAML shape that side reads), then, alternating
the two sides in every round: a cold build (`build --jobs 2`) with the peak
memory of its whole process tree sampled, a no-op rebuild, and `check`.
Medians are reported with the ratio this side / earlier side; target: every
ratio at most 1.1.

    python bench/versions.py --against 8fd3307^ --papers 150 --rounds 2 --seeds

With --seeds, each side builds the same papers instead: the five seed papers
in content/ (the same text and pages on both sides, each written in its side's
YAML), copied in turn until there are that many, with their data files and no
meetings. The generated corpora differ between revisions whose examples changed
shape; the seeds do not.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

from common import ENV, REPO, machine, median, table
from memory import build_sampled


class Side:
    """One revision of the engine with its own corpus."""

    def __init__(self, name: str, repo: Path, folder: Path, papers: int, seeds: bool) -> None:
        self.name, self.repo = name, repo
        self.root = folder / f"corpus-{name}"
        if seeds:
            copy_seeds(repo, self.root, papers)
        else:
            subprocess.run([sys.executable, str(repo / "bench" / "corpus.py"), str(self.root), "--papers", str(papers)],
                           env=ENV, cwd=repo, check=True, capture_output=True)
        self.cold: list[float] = []
        self.pss: list[float] = []
        self.noop: list[float] = []
        self.check: list[float] = []

    def command(self, *args: str) -> list[str]:
        return [sys.executable, str(self.repo / "build.py"), "--root", str(self.root), *args]

    def run(self, *args: str) -> float:
        """Run a command of this side's build.py on its corpus; return the wall-clock seconds."""
        start = time.perf_counter()
        done = subprocess.run(self.command(*args), env=ENV, cwd=self.repo, capture_output=True, text=True)
        if done.returncode:
            raise SystemExit(f"{self.name}: {' '.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
        return time.perf_counter() - start

    def round(self, jobs: int) -> None:
        """Build cold (sampling memory), then rebuild with nothing changed, then check."""
        for generated in ("output", ".cache"):
            shutil.rmtree(self.root / generated, ignore_errors=True)
        seconds, _, pss = build_sampled(self.root, jobs, self.command("build", "--jobs", str(jobs)), cwd=self.repo)
        self.cold.append(seconds)
        self.pss.append(pss / 2**20)
        self.noop.append(self.run("build", "--jobs", str(jobs)))
        self.check.append(self.run("check"))


SEEDS = [
    "cabinet/cpa-corporate-assessment-2007.yaml",
    "commitments/chief-executives-q3-2007-08.yaml",
    "portfolio-plans/community-engagement-2012-13.yaml",
    "scrutiny/community-engagement-performance-2011-12.yaml",
    "ssog/laa-quarter-3-performance-2006-07.yaml",
]
"""The five seed papers, at the same paths in every revision since the project began."""


def copy_seeds(repo: Path, root: Path, papers: int) -> None:
    """Write a project of a revision's seed papers, taken in turn until there are that many, beside their data files."""
    shutil.copytree(repo / "templates", root / "templates")
    shutil.copytree(repo / "content" / "data", root / "content" / "data")
    for n in range(papers):
        seed = Path(SEEDS[n % len(SEEDS)])
        target = root / "content" / seed.parent / f"{seed.stem}-{n:03d}.yaml"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(repo / "content" / seed, target)


def extract(revision: str, folder: Path) -> Path:
    """Write the files of a revision of this repository into folder; return it."""
    archive = folder / "reference.tar"
    with archive.open("wb") as out:
        subprocess.run(["git", "-C", str(REPO), "archive", revision], stdout=out, check=True)
    target = folder / "reference"
    with tarfile.open(archive) as tar:
        tar.extractall(target, filter="data")
    return target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--against", required=True, help="the earlier revision (any git revision name)")
    parser.add_argument("--papers", type=int, default=150)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seeds", action="store_true", help="build the seed papers on both sides, not each side's generated corpus")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="committee-papers-versions-") as temporary:
        folder = Path(temporary)
        earlier = Side("earlier", extract(args.against, folder), folder, args.papers, args.seeds)
        this = Side("this", REPO, folder, args.papers, args.seeds)
        for _ in range(args.rounds):
            for side in (earlier, this):
                side.round(args.jobs)
    measures = [("cold build, seconds", "cold"), ("peak PSS of the cold build, MB", "pss"),
                ("no-op rebuild, seconds", "noop"), ("check, seconds", "check")]
    rows = [[what, median(getattr(earlier, key)), median(getattr(this, key)),
             median(getattr(this, key)) / median(getattr(earlier, key))] for what, key in measures]
    corpus = "the seed papers in turn" if args.seeds else "each side's generated corpus"
    print(f"This engine against {args.against}, {args.papers} papers ({corpus}), {args.rounds} rounds alternating, medians; {machine()}")
    print(table(["what", args.against, "this", "ratio (target <= 1.1)"], rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
