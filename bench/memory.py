"""Peak memory of a cold build (the build and all its workers) and how its time grows with the corpus.

    python bench/memory.py --sizes 50,150,600

For each size, a corpus is written and built cold (`build.py build --jobs 2`)
while the memory of the whole process tree, resident and proportional
(PSS: shared pages divided among their sharers), is sampled every 50 ms;
the peaks of the sums are reported with the seconds per paper. Target: PSS
under 600 MB at every size; seconds per paper roughly constant (linear
growth). The largest size is a parameter: 600 papers take about 6 minutes
on 2 cores.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

from common import ENV, REPO, machine, make_corpus, table


def tree_memory(process: psutil.Process) -> tuple[int, int]:
    """Return the resident and the proportional bytes of a process and all its descendants.

    Workers forked from the fork server share its pages (WeasyPrint,
    matplotlib, the engine): resident bytes count those once per process,
    proportional bytes (PSS) divide them among the processes sharing them,
    which is what the build costs the machine.
    """
    try:
        tree = [process, *process.children(recursive=True)]
    except psutil.Error:  # the build ended between two samples
        return 0, 0
    rss = pss = 0
    for p in tree:
        try:
            memory = p.memory_full_info()
        except psutil.Error:
            continue
        rss, pss = rss + memory.rss, pss + memory.pss
    return rss, pss


def build_sampled(root: Path, jobs: int, command: list[str] | None = None, cwd: Path | None = None) -> tuple[float, int, int]:
    """Build cold; return the seconds and the peak resident and proportional bytes of the process tree.

    The command is this repository's build unless another is given (an earlier revision's, by versions.py, run
    in that revision's folder: its fork server imports the package from the working folder before the installed one).
    """
    command = command or [sys.executable, str(REPO / "build.py"), "--root", str(root), "build", "--jobs", str(jobs)]
    start = time.perf_counter()
    errors = tempfile.TemporaryFile()  # a file, not a pipe: a build that says much must not block on it
    child = subprocess.Popen(command, env=ENV, cwd=cwd, stdout=subprocess.DEVNULL, stderr=errors)
    process, peak_rss, peak_pss = psutil.Process(child.pid), 0, 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak_rss, peak_pss
        while not done.is_set():
            rss, pss = tree_memory(process)
            peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
            time.sleep(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    status = child.wait()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    if status:
        errors.seek(0)
        raise SystemExit(f"build of {root} failed:\n{errors.read()[-3000:].decode('utf-8', 'replace')}")
    errors.close()
    return seconds, peak_rss, peak_pss


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="50,150", help="corpus sizes, comma-separated (default 50,150)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--folder", type=Path, default=Path("/tmp/committee-papers-bench/memory"))
    args = parser.parse_args()
    rows = []
    for size in [int(s) for s in args.sizes.split(",")]:
        root = make_corpus(args.folder / f"project-{size}", size)
        seconds, rss, pss = build_sampled(root, args.jobs)
        rows.append([size, seconds, seconds / size, pss / 2**20, rss / 2**20])
    print(f"Cold build time and peak memory (build, fork server and workers, sampled every 50 ms) by corpus size; {machine()}")
    print(table(["papers", "seconds", "seconds/paper", "peak PSS MB (target < 600)", "peak RSS summed MB"], rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
