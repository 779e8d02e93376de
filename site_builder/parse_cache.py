"""The parsed files a content service keeps between its snapshots (site_builder.content.load's ``cache``)."""

from __future__ import annotations

import datetime as dt
import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .content import Document
    from .problems import Problem

# One file's result: (reading problems, document, its problems, its validator).
Parsed = tuple["list[Problem]", "Document | None", "list[Problem]", Any]


class ParseCache:
    """Parsed files of one content tree by path, with the (mtime, size, day) they were parsed at."""

    def __init__(self) -> None:
        self.entries: dict[str, tuple[tuple[int, int, dt.date], Parsed]] = {}
        # One load at a time: the cached validators are checked again (their reference problems) by each.
        self.lock = threading.RLock()

    def clear(self) -> None:
        """Forget every file (the schemas or reference data changed)."""
        self.entries.clear()
