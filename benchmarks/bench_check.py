"""Benchmark ``pokja check``: a synthetic corpus of N documents plus every bad-input file, in one run.

Run: ``.venv/bin/python -m benchmarks.bench_check --sizes 1000,10000``
"""

from __future__ import annotations

import contextlib
import io
import sys
import time
from pathlib import Path

from benchmarks.corpus import generate
from benchmarks.sizes import run_sizes
from flask_app.cli import main as pokja
from tests.test_content import BAD_FILES, _write


def run(n: int, workdir: Path) -> None:
    """Time ``pokja check`` over N valid documents and the bad files of the test suite."""
    root = generate(workdir / f"content-{n}", n)
    for rel, data, _ in BAD_FILES:
        _write(root, rel, data)
    out, err = io.StringIO(), io.StringIO()
    start = time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = pokja(["check", str(root)])
    elapsed = time.perf_counter() - start
    reported = len(out.getvalue().splitlines())
    print(
        f"N={n:>6}  check {elapsed:6.2f} s  ({n / elapsed:,.0f} documents/s)  exit {code}  "
        f"problems reported {reported}/{len(BAD_FILES)}  target: under 10 s"
    )


def main() -> int:
    """Run each size."""
    return run_sizes(__doc__, run)


if __name__ == "__main__":
    sys.exit(main())
