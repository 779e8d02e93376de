"""Rows of a list-of-objects control (decisions, targets, members, sessions): add, remove, compact.

Without scripts the form posts a ``row_action`` button ("Tambah baris": ``add:<name>``, "Hapus baris":
``remove:<name>.<n>``) and the service answers with the changed rows; with scripts the page does the same
without a round trip. Either way the posted rows are compacted (empty rows dropped, the rest numbered
0, 1, 2...) before they are read, so a problem the validator reports for ``decisions.2`` is shown at the
third row of the form again.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .base import BLANK_ROWS, MAX_ROWS, row_indices

ADD, REMOVE = "add", "remove"


def blank_key(name: str) -> str:
    """The hidden form value that says how many empty rows the member asked for."""
    return f"{name}._blank"


def blank_rows(name: str, values: Any) -> int:
    """Empty rows to offer after the filled ones (BLANK_ROWS unless the form asked for more or fewer)."""
    try:
        wanted = int(values.get(blank_key(name), BLANK_ROWS))
    except (TypeError, ValueError):
        wanted = BLANK_ROWS
    return max(0, min(wanted, MAX_ROWS))


def parse_action(raw: str | None) -> tuple[str, str] | None:
    """``("add", "decisions")`` or ``("remove", "decisions.2")`` from a posted ``row_action``; None otherwise."""
    op, _sep, target = (raw or "").partition(":")
    return (op, target) if op in (ADD, REMOVE) and target else None


def _move(values: Any, name: str, old: int, new: int) -> None:
    prefix = f"{name}.{old}."
    for key in [k for k in list(values.keys()) if k.startswith(prefix)]:
        items = values.poplist(key)
        values.setlist(f"{name}.{new}.{key[len(prefix) :]}", items)


def _drop(values: Any, name: str, index: int) -> None:
    prefix = f"{name}.{index}."
    for key in [k for k in list(values.keys()) if k.startswith(prefix)]:
        values.poplist(key)


def normalise_rows(name: str, values: Any, filled: Callable[[int], bool], action: tuple[str, str] | None) -> bool:
    """Apply ``action`` to the rows of ``name`` in ``values`` (a MultiDict) and compact them.

    ``filled(i)`` says whether posted row ``i`` holds anything. Returns whether the action was about
    these rows.
    """
    blank = blank_rows(name, values)
    handled = False
    if action is not None and action[0] == REMOVE:
        match = re.fullmatch(rf"{re.escape(name)}\.(\d+)", action[1])
        if match is not None:
            index = int(match.group(1))
            if not filled(index):
                blank = max(blank - 1, 0)  # an empty row removed: one empty row fewer
            _drop(values, name, index)
            handled = True
    kept = [i for i in row_indices(name, values) if filled(i)]
    for i in row_indices(name, values):
        if i not in kept:
            _drop(values, name, i)
    for new, old in enumerate(kept):
        if new != old:
            _move(values, name, old, new)
    if action is not None and action == (ADD, name):
        blank = min(blank + 1, MAX_ROWS - len(kept))
        handled = True
    values.setlist(blank_key(name), [str(blank)])
    return handled
