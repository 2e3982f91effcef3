"""The last module the fork server imports: what it has loaded is kept for good, before it starts any worker.

A worker shares the server's memory until it writes to it, and a collection
writes to every object it walks: frozen in the server, the modules every
worker imports are never walked, so they stay shared (Python's documentation
of gc.freeze says the same). The workers inherit the seldom collection.
"""

from .collector import collect_seldom, keep_for_good

collect_seldom()
keep_for_good()
