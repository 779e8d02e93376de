"""History pages at scale: 10,000 documents in git, 50 revisions on one; history page and diff p50/p95 over HTTP.

    .venv/bin/python benchmarks/bench_history.py [--docs 10000] [--revisions 50] [--runs 100]

Target (issue #16): the history page and a diff between two revisions under 200 ms at p95, through the
service (a real HTTP server on 127.0.0.1, as a reader's browser would ask).
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_search import serve
from benchmarks.corpus import generate


def git(repo: Path, *args: str) -> str:
    """Run git in ``repo`` with a fixed identity."""
    return subprocess.run(
        ["git", "-c", "user.name=Bench", "-c", "user.email=bench@contoh.id", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank) in milliseconds."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))] * 1000


def timed(url: str, runs: int) -> list[float]:
    """Seconds of ``runs`` GETs of ``url`` (each must answer 200)."""
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        with urllib.request.urlopen(url) as response:
            response.read()
            assert response.status == 200, url
        out.append(time.perf_counter() - started)
    return out


def main() -> None:
    """Build the tree and its history, serve it, time the pages."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--revisions", type=int, default=50)
    parser.add_argument("--runs", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-history-") as tmp:
        folder = Path(tmp)
        content = generate(folder / "content", args.docs)
        started = time.perf_counter()
        git(content, "init", "-q")
        git(content, "add", ".")
        git(content, "commit", "-qm", "Isi awal")
        target = sorted((content / "pedoman").glob("*.md"))[0]
        rel = target.relative_to(content).as_posix()
        for i in range(1, args.revisions):
            text = target.read_text(encoding="utf-8")
            target.write_text(text.rstrip("\n") + f"\n\nRevisi {i}: tambahan kalimat tentang pendataan.\n")
            git(content, "commit", "-qam", f"Revisi {i} dari {rel}")
        # Other documents change too, so the log walks a history that is not only this file's.
        for i, other in enumerate(sorted((content / "modul").glob("*.md"))[:50]):
            other.write_text(other.read_text(encoding="utf-8") + f"\nCatatan {i}.\n", encoding="utf-8")
            git(content, "commit", "-qam", f"Catatan {i}")
        setup_s = time.perf_counter() - started
        commits = git(content, "log", "--format=%H", "--", rel).split()
        from flask_app import create_app

        app = create_app(
            {
                "SECRET_KEY": "bench",
                "CONTENT_DIR": str(content),
                "SITE_DIR": str(folder / "site"),
                "INSTANCE_DIR": str(folder / "instance"),
                "INDEX_DIR": str(folder / "index"),
                "MAIL_WORKER": False,
            }
        )
        (folder / "site").mkdir()
        base, stop = serve(app)
        address = rel.removesuffix(".md")
        rng = random.Random(1)
        try:
            timed(f"{base}/riwayat/{address}", 3)  # warm: the corpus snapshot and the templates
            history = timed(f"{base}/riwayat/{address}", args.runs)
            diffs: list[float] = []
            for _ in range(args.runs):
                older, newer = sorted(rng.sample(range(len(commits)), 2), reverse=True)
                diffs += timed(f"{base}/riwayat/{address}/beda?dari={commits[older]}&ke={commits[newer]}", 1)
        finally:
            stop()
        print(f"\n== {args.docs:,} documents in git, {len(commits)} revisions of {rel} (set-up {setup_s:.1f} s)")
        for name, values in (("history page", history), ("diff of two revisions", diffs)):
            p50, p95 = statistics.median(values) * 1000, percentile(values, 95)
            verdict = "ok" if p95 < 200 else "OVER TARGET"
            print(f"{name:24} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   (target p95 < 200 ms: {verdict})")


if __name__ == "__main__":
    main()
