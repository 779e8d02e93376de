"""The XSS corpora are part of the repository: licensed copies, read from inside it and from nowhere else."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Any

from tests.conftest import REPO
from tests.flask.test_xss import PAYLOAD_DIR, PAYLOADS, load_payloads

# Events of every way Python opens a file or lists a folder (sys.addaudithook's table).
_FILE_EVENTS = {"open", "os.scandir", "os.listdir"}
_opened: list[Any] | None = None  # set while a test listens; audit hooks cannot be removed


def _listen(event: str, args: tuple[Any, ...]) -> None:
    if _opened is not None and event in _FILE_EVENTS and args and isinstance(args[0], (str, bytes, os.PathLike)):
        _opened.append(args[0])


sys.addaudithook(_listen)


def _read_while_listening() -> tuple[list[str], list[Path]]:
    global _opened
    _opened = []
    try:
        payloads = load_payloads()
        return payloads, [Path(os.fsdecode(p)).resolve() for p in _opened]
    finally:
        _opened = None


def test_the_xss_tests_read_their_payloads_inside_the_repository_only() -> None:
    payloads, touched = _read_while_listening()
    assert payloads == PAYLOADS and len(payloads) > 700
    outside = [p for p in touched if not p.is_relative_to(REPO)]
    assert outside == []
    assert {p.name for p in touched if p.suffix == ".txt"} == {p.name for p in PAYLOAD_DIR.glob("*.txt")}
    assert PAYLOAD_DIR.resolve().is_relative_to(REPO / "tests" / "data")


def test_every_corpus_is_listed_with_its_source_and_its_licence_file_is_here() -> None:
    readme = (PAYLOAD_DIR / "README.md").read_text(encoding="utf-8")
    listed: dict[str, str] = {}
    for files, licence in re.findall(r"^\| ([^|]+\.txt[^|]*) \| [^|]+ \| [^|]*\((LICENSE-[\w-]+)\) \|$", readme, re.M):
        for name in files.split(","):
            listed[name.strip()] = licence
    assert set(listed) == {p.name for p in PAYLOAD_DIR.glob("*.txt")}
    for licence in set(listed.values()):
        assert (PAYLOAD_DIR / licence).read_text(encoding="utf-8").strip()
    # Vendored for the tests, nothing more: every file is a corpus, a licence or the README.
    assert {p.name for p in PAYLOAD_DIR.iterdir()} == set(listed) | set(listed.values()) | {"README.md"}
