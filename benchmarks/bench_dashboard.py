"""Benchmark of the dashboard at national scale: aggregation, open-data exports, pages, province sections.

Generates a synthetic corpus (N documents, one in six a programme with two target rows) and times,
in one run, the corpus load (for scale) and then each dashboard step over the loaded corpus. Prints
each time, its ratio to the load, and peak memory.

    .venv/bin/python -m benchmarks.bench_dashboard --sizes 1000,10000
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.corpus import generate
from benchmarks.sizes import run_sizes
from site_builder.aggregate import aggregate_corpus
from site_builder.completeness import completeness
from site_builder.content import load
from site_builder.context import BuildContext
from site_builder.exports import export_files
from site_builder.generators import dashboard
from site_builder.generators.dashboard_completeness import deadline_setting
from site_builder.generators.province_section import province_section


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    """Seconds one call takes, and its result."""
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def run(n: int, workdir: Path) -> None:
    """Time each dashboard step over a corpus of ``n`` documents."""
    root = generate(workdir / f"content-{n}", n)
    load_s, corpus = timed(lambda: load(root))
    agg_s, agg = timed(lambda: aggregate_corpus(corpus))
    ctx = BuildContext(corpus=corpus)
    # The deadline setting lives with the service's settings (flask_app, which imports Flask): a build pays
    # that import once, for site_url as well; timed apart so the page figures stay comparable.
    import_s, _ = timed(deadline_setting)
    report_s, report = timed(lambda: completeness(agg, ctx.today))
    export_s, files = timed(lambda: export_files(agg, corpus.refdata, report))
    pages_s, _pages = timed(lambda: list(dashboard.pages(ctx)))
    provinces = corpus.refdata.provinces()
    sections_s, _ = timed(lambda: [province_section(ctx, p) for p in provinces])
    size_kb = sum(len(b) for b in files.values()) / 1024
    print(
        f"N={n:>6}  target rows {len(agg.rows):>5}  aggregates {len(agg.aggregates):>4}  load {load_s:6.2f} s\n"
        f"         aggregate {agg_s * 1000:7.1f} ms ({agg_s / load_s:6.1%} of load)  "
        f"settings import {import_s * 1000:7.1f} ms (once)  "
        f"completeness {report_s * 1000:7.1f} ms ({len(report.statuses)} region-years)  "
        f"exports {export_s * 1000:7.1f} ms ({size_kb:,.0f} KB)  "
        f"dashboard+matrix {pages_s * 1000:7.1f} ms  "
        f"{len(provinces)} province sections {sections_s * 1000:7.1f} ms  "
        f"all dashboard work {(agg_s + report_s + export_s + pages_s + sections_s) / load_s:6.1%} of load"
    )


def main() -> int:
    """Run each size."""
    return run_sizes(__doc__, run)


if __name__ == "__main__":
    raise SystemExit(main())
