"""Reading a contribution form whose files are too large without losing what was typed.

A request over the plain limit (every attachment at its size limit plus the typed fields) used to be
refused whole with a 413, and everything typed was lost. Now the service reads such a request up to a
hard limit (HARD_FACTOR times the plain one): every typed field is read, each file part keeps at most
its size limit plus one byte on disk and the request keeps at most the plain limit in total; the rest
of a file is read and dropped. A file cut short says so (``truncated``), and the form is shown again
with its values and a message. Only a request over the hard limit still gets the 413 page (whose
script offers the browser's draft back).
"""

from __future__ import annotations

import tempfile
from typing import Any

HARD_FACTOR = 4
SPOOL_BYTES = 512 * 1024  # a part stays in memory up to this size, as werkzeug's own spool does


class CappedSpool(tempfile.SpooledTemporaryFile):  # type: ignore[type-arg]
    """A spooled file that keeps at most ``room`` bytes (shared budget permitting) and notes the rest."""

    def __init__(self, room: int, budget: list[int]) -> None:
        super().__init__(max_size=SPOOL_BYTES, mode="w+b")
        self.room = room
        self.budget = budget  # [bytes the whole request may still keep], shared by its parts
        self.truncated = False

    def write(self, data: Any) -> int:
        """Keep what fits; count the rest as read."""
        keep = max(0, min(len(data), self.room, self.budget[0]))
        if keep < len(data):
            self.truncated = True
        if keep:
            super().write(bytes(data[:keep]))
            self.room -= keep
            self.budget[0] -= keep
        return len(data)


def cap_file_parts(request: Any, per_file: int, total: int) -> None:
    """Make ``request`` keep at most ``per_file`` + 1 bytes of each file part and ``total`` in all."""
    budget = [total]

    def factory(
        total_content_length: int | None = None,
        content_type: str | None = None,
        filename: str | None = None,
        content_length: int | None = None,
    ) -> CappedSpool:
        return CappedSpool(per_file + 1, budget)

    # werkzeug's form parser asks the request for each file part's container (Request._get_file_stream).
    request._get_file_stream = factory


def size_text(size: int) -> str:
    """``4 KB``, ``10.0 MB``: a size as the upload messages write it."""
    return f"{size / 1048576:.1f} MB" if size >= 1048576 else f"{max(size // 1024, 1)} KB"


def truncated(file: Any) -> bool:
    """Whether an uploaded file was cut short by :func:`cap_file_parts`."""
    return bool(getattr(getattr(file, "stream", None), "truncated", False))
