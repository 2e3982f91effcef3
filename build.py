"""Build every committee paper in content/ into output/: python build.py [build|check] [paper.yaml ...]."""

import sys

from committee_papers.commands.cli import main

if __name__ == "__main__":
    sys.exit(main())
