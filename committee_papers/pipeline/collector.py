"""How Python's cycle collector runs in a build: seldom, and never over what the process keeps to its end.

A build allocates millions of small objects (models, template output,
WeasyPrint's boxes) and keeps most of what it loads (models, fonts, compiled
templates) until it ends. Run every 700 allocations, as Python runs it by
default, the collector walked those again and again: about a tenth of a
build's time went to finding next to no garbage. Collected seldom, the
cycles a paper's layout leaves (WeasyPrint's boxes point at their parents)
would pile up paper after paper: they are collected as each paper ends.
"""

from __future__ import annotations

import gc

YOUNG = 10_000
"""Allocations between collections of the youngest objects (Python's default is 700)."""


def collect_seldom() -> None:
    """Collect cycles after ten thousand allocations, not seven hundred: a paper's garbage is still collected, in fewer runs."""
    gc.set_threshold(YOUNG, 10, 10)


def keep_for_good() -> None:
    """Leave every object the process holds now out of later collections: it lives as long as the process.

    Garbage frozen would never be freed, so what is garbage now is collected first.
    """
    gc.collect()
    gc.freeze()


def collect_layout() -> None:
    """Collect the cycles a paper's layout left, now that it is done, so they never pile up across papers."""
    gc.collect()
