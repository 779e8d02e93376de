"""The command line the size-driven benchmarks share: ``--sizes 1000,10000``, one run each, then peak memory."""

from __future__ import annotations

import argparse
import resource
import tempfile
from collections.abc import Callable
from pathlib import Path


def run_sizes(description: str | None, run: Callable[[int, Path], None], default: str = "1000,10000") -> int:
    """Parse ``--sizes``, call ``run(n, workdir)`` for each size in one temporary folder, print the peak memory."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--sizes", default=default, help="comma-separated corpus sizes")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(s) for s in args.sizes.split(",")):
            run(n, Path(tmp))
    print(f"peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return 0
