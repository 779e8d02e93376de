"""What the PDFs of guidelines and modules add to a full build, at 1,000 and 10,000 documents.

For each size: a build without PDFs (``pdf: false``), a build with PDFs and an empty PDF cache (every PDF
typeset), and a second build with PDFs (every PDF copied from the cache); the PDFs' count and bytes.

    .venv/bin/python benchmarks/bench_pdf.py --sizes 1000,10000
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.bench_site import generate  # noqa: E402
from site_builder.build import build_site  # noqa: E402


def config(base: Path, content: Path, pdf: bool) -> Path:
    """The repository's mkdocs.yml with the plugin's ``pdf`` option and a cache in ``base``."""
    data = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    data["docs_dir"] = str(content)
    data["plugins"] = [{"pokja": {"pdf": pdf, "precompress": False, "cache_dir": str(base / "cache")}}]
    path = base / f"mkdocs-{'pdf' if pdf else 'plain'}.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def timed_build(cfg: Path, content: Path, site: Path) -> float:
    """Seconds of one full build."""
    shutil.rmtree(site, ignore_errors=True)
    started = time.perf_counter()
    build_site(cfg, content_dir=content, site_dir=site)
    return time.perf_counter() - started


def bench(n: int, workdir: Path) -> dict:
    """The three builds at ``n`` documents."""
    base = workdir / f"n{n}"
    content = base / "content"
    generate(content, n)
    plain = timed_build(config(base, content, False), content, base / "site-plain")
    cfg = config(base, content, True)
    cold = timed_build(cfg, content, base / "site-pdf")
    pdfs = list((base / "site-pdf").rglob("*.pdf"))
    pdfs = [p for p in pdfs if "lampiran" not in p.parts]
    warm = timed_build(cfg, content, base / "site-pdf")
    size = sum(p.stat().st_size for p in pdfs)
    return {
        "documents": n,
        "pdfs": len(pdfs),
        "build_without_pdf_s": round(plain, 1),
        "build_with_pdf_cold_s": round(cold, 1),
        "build_with_pdf_cached_s": round(warm, 1),
        "added_cold_s": round(cold - plain, 1),
        "added_cached_s": round(warm - plain, 1),
        "per_pdf_cold_ms": round(1000 * (cold - plain) / max(1, len(pdfs)), 1),
        "pdf_bytes_total": size,
        "pdf_bytes_mean": size // max(1, len(pdfs)),
    }


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark for each size and print one JSON line each, then a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--workdir", help="keep the trees here (default: a temporary folder)")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(args.workdir or tmp)
        results = []
        for n in sizes:
            result = bench(n, workdir)
            print(json.dumps(result), flush=True)
            results.append(result)
    print("\n| documents | PDFs | build without | with PDFs (cold) | with PDFs (cached) | per PDF cold | mean PDF |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for r in results:
        print(
            f"| {r['documents']} | {r['pdfs']} | {r['build_without_pdf_s']} s | {r['build_with_pdf_cold_s']} s "
            f"| {r['build_with_pdf_cached_s']} s | {r['per_pdf_cold_ms']} ms | {r['pdf_bytes_mean'] // 1024} KB |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
