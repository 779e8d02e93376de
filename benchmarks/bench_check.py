"""Benchmark ``pokja check``: a synthetic corpus of N documents plus every bad-input file, in one run.

Run: ``.venv/bin/python -m benchmarks.bench_check --sizes 1000,10000``
"""

from __future__ import annotations

import argparse
import contextlib
import io
import resource
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.corpus import generate
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
    """Parse arguments and run each size."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated corpus sizes")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(s) for s in args.sizes.split(",")):
            run(n, Path(tmp))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory {peak_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
