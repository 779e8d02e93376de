"""Benchmark of the static site at national scale.

Generates a synthetic corpus of valid documents of every type (N = 10,000 and 30,000 by default;
100,000 with ``--sizes 100000``, outside CI) and, in one run, times: the full build with the pokja
plugin (with and without pre-compression), plain mkdocs-material building the same Markdown with a
sections-only nav and no plugin, and five publications in one publisher process (its warm-up reading the
state at start, two programmes each edited just before its publication, then three new lessons). Prints
each time, the ratios against the targets (CPU counting the compressing process), peak memory, the
heaviest listing page and the bytes a reader downloads for one document page. The A4 PDFs are off:
bench_pdf.py times them.

    .venv/bin/python benchmarks/bench_site.py --sizes 10000,30000

Each measurement runs in its own Python process so that peak memory (ru_maxrss) is its own.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
CONTENT = REPO / "content"
TYPES = ["pedoman", "pembelajaran", "modul", "program", "keputusan", "profil"]
WORDS = (
    "pokja perumahan kawasan permukiman pemangku kepentingan koordinasi program rumah tidak layak huni "
    "pembiayaan masyarakat berpenghasilan rendah pemerintah daerah rencana kerja data kumuh pendampingan "
    "swadaya bantuan stimulan sertifikasi tanah tata ruang kelembagaan anggaran realisasi target capaian"
).split()


# --- the synthetic corpus -------------------------------------------------------------------------


class _NoAliasDumper(yaml.SafeDumper):
    """Front-matter may not use YAML aliases (the content model refuses them)."""

    def ignore_aliases(self, data: object) -> bool:
        return True


def _sentence(rng: random.Random, n: int = 14) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def _body(rng: random.Random, sections: list[str]) -> str:
    parts = []
    for title in sections:
        paragraph = " ".join(_sentence(rng) for _ in range(5))
        parts.append(f"## {title}\n\n{paragraph}\n\n- {_sentence(rng, 8)}\n- {_sentence(rng, 8)}\n")
    return "\n".join(parts)


def _regions(refdata: dict) -> list[tuple[str, list[str]]]:
    out = []
    for prov in refdata["provinces"]:
        out.append((str(prov["code"]), [str(d["code"]) for d in prov.get("districts") or []]))
    return out


def generate(root: Path, n: int, seed: int = 7) -> None:
    """Write ``n`` valid documents of all types under ``root`` (schemas and reference data copied)."""
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    shutil.copytree(CONTENT / "_schemas", root / "_schemas")
    shutil.copytree(CONTENT / "_data", root / "_data")
    rng = random.Random(seed)
    wilayah = yaml.safe_load((root / "_data" / "wilayah.yml").read_text(encoding="utf-8"))
    regions = _regions(wilayah)
    tags = [t["id"] for t in yaml.safe_load((root / "_data" / "tags.yml").read_text(encoding="utf-8"))["tags"]]
    slugs: list[str] = []
    programs: list[str] = []
    for i in range(n):
        doc_type = TYPES[i % len(TYPES)]
        slug = f"{doc_type}-{i:05d}"
        province, districts = rng.choice(regions)
        region = [province] + ([rng.choice(districts)] if districts and rng.random() < 0.5 else [])
        date = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randrange(0, 2500))
        meta: dict = {
            "title": f"{doc_type.capitalize()} {' '.join(rng.choice(WORDS) for _ in range(4))} {i}",
            "summary": _sentence(rng, 22),
            "date": date,
            "tags": rng.sample(tags, 2),
            "region": region,
        }
        if slugs:
            meta["related"] = rng.sample(slugs[-200:], min(2, len(slugs)))
        sections = ["Latar belakang", "Uraian", "Penutup"]
        if doc_type == "pedoman":
            meta.update(
                issuer="Kementerian PKP",
                legal_basis=["UU No. 1 Tahun 2011", "PP No. 12 Tahun 2021"],
                version="1.0",
                status=rng.choice(["draf", "berlaku", "dicabut"]),
                review_by=date + dt.timedelta(days=rng.randrange(365, 2000)),
            )
        elif doc_type == "pembelajaran":
            meta.update(
                contributor={"name": "Kontributor", "institution": "Dinas Perkim"}, stakeholder_group="penerima"
            )
            if programs:
                meta["program"] = rng.choice(programs[-50:])
            meta["period"] = {"start": date.year, "end": date.year + 1}
            sections = ["Latar belakang", "Yang berhasil", "Tantangan", "Rekomendasi"]
        elif doc_type == "modul":
            meta.update(
                objectives=[_sentence(rng, 8), _sentence(rng, 8)],
                audience=["Anggota Pokja"],
                level=rng.choice(["dasar", "lanjutan"]),
                duration_minutes=180,
                sessions=[
                    {"title": "Pengantar", "minutes": 60, "method": "ceramah"},
                    {"title": "Latihan", "minutes": 120},
                ],
                trainer="Tim Pelatih",
            )
        elif doc_type == "program":
            start = date.year
            rows = [
                {
                    "indicator": "rtlh-ditangani",
                    "region": r,
                    "year": y,
                    "target": 100,
                    "realization": rng.randrange(0, 120),
                }
                for r in region
                for y in (start, start + 1)
            ]
            meta.update(
                period={"start": start, "end": start + 1},
                lead_agency="Dinas Perkim",
                partners=["Bappeda", "BPN"],
                funding=[{"source": "APBD provinsi", "amount_idr": rng.randrange(10**8, 10**10)}],
                targets=rows,
                alignment=["rpjmn"] if rng.random() < 0.5 else [],
                status=rng.choice(["rencana", "berjalan", "selesai"]),
            )
            if not meta["alignment"]:
                del meta["alignment"]
            programs.append(slug)
        elif doc_type == "keputusan":
            meta.update(
                meeting={"kind": "koordinasi", "place": "Kantor Bappeda"},
                attendees=["Bappeda", "Dinas Perkim", "BPN"],
                decisions=[
                    {
                        "no": k,
                        "text": _sentence(rng, 12),
                        "owner": "Dinas Perkim",
                        "due": date + dt.timedelta(days=90 * k),
                        "status": rng.choice(["terbuka", "selesai", "batal"]),
                    }
                    for k in (1, 2, 3)
                ],
            )
        elif doc_type == "profil":
            meta.update(
                level="provinsi",
                sk={"number": f"050/{i}/{date.year}", "date": date, "issuer": "Gubernur"},
                members=[
                    {"role": "ketua", "institution": "Bappeda", "stakeholder_group": "regulator"},
                    {"role": "anggota", "institution": "REI", "stakeholder_group": "penyedia"},
                    {"role": "anggota", "institution": "Forum BKM", "stakeholder_group": "penerima"},
                ],
            )
            sections = ["Mekanisme kerja", "Program kerja"]
        path = root / doc_type / f"{slug}.md"
        path.parent.mkdir(exist_ok=True)
        front = yaml.dump(meta, Dumper=_NoAliasDumper, allow_unicode=True, sort_keys=False)
        path.write_text(f"---\n{front}---\n\n{_body(rng, sections)}", encoding="utf-8")
        slugs.append(slug)


# --- configurations -------------------------------------------------------------------------------


def write_configs(base: Path, content: Path) -> tuple[Path, Path]:
    """mkdocs.yml with the plugin (the repository's) and a plain one with a sections-only nav."""
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    config["docs_dir"] = str(content)
    # The site build only: the A4 PDFs of guidelines and modules are benchmarks/bench_pdf.py's to time
    # (a cold PDF cache at 10,000 documents is an hour of WeasyPrint, cached they add 4 %).
    config["plugins"] = [{"pokja": {"pdf": False}}]
    ours = base / "mkdocs-pokja.yml"
    ours.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    plain = dict(config, plugins=[])
    # The same Markdown and a sections-only nav of the same length as the plugin's (home, six types,
    # regions, tags, open decisions, guidelines to review: 11 entries), pointing at documents since
    # plain MkDocs has no section pages. MkDocs renders the nav into every page, so its length counts.
    firsts = {t: sorted(p.name for p in (content / t).glob("*.md"))[:2] for t in TYPES}
    entries = [f"{t}/{names[0]}" for t, names in firsts.items()] + [f"{t}/{names[1]}" for t, names in firsts.items()]
    plain["nav"] = [{f"Bagian {i + 1}": uri} for i, uri in enumerate(entries[:11])]
    plain_path = base / "mkdocs-plain.yml"
    plain_path.write_text(yaml.safe_dump(plain, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return ours, plain_path


# --- measurements, each in a child process ---------------------------------------------------------

CHILD = textwrap.dedent(
    """
    import json, os, resource, sys, time
    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    import logging
    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    kind, config, content, site, *rest = sys.argv[1:]
    # Imports first: the publisher (flask_app.publish) calls publish_documents in a running process.
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from site_builder.build import build_site, publish_documents
    import material.templates
    started = time.perf_counter()
    cpu = time.process_time()
    if kind == "pokja":
        build_site(config, content_dir=content, site_dir=site)
    elif kind == "publish":
        # A publisher just started reads the state first (flask_app.jobs.warm_up, as pokja serve's thread and
        # pokja publisher do), then one publication per file, in turn, in this one process.
        runs = []
        from pathlib import Path
        from benchmarks.bench_site import edit_programme, new_lesson
        from site_builder.build import warm_up
        one, one_cpu = time.perf_counter(), time.process_time()
        warm_up(config_file=config, content_dir=content, site_dir=site)
        warm = {"seconds": time.perf_counter() - one, "cpu": time.process_time() - one_cpu}
        for path in rest:
            if path.startswith("lesson:"):
                # Written just before its publication, as the publisher writes an approved lesson.
                _, n, k = path.split(":")
                path = str(new_lesson(Path(content), int(n), int(k)))
            elif path.startswith("edit:"):
                # Edited just before its publication: each publication has its own one change.
                path = str(edit_programme(Path(path[len("edit:"):])))
            one, one_cpu = time.perf_counter(), time.process_time()
            written = publish_documents([path], config_file=config, content_dir=content, site_dir=site)
            runs.append({"seconds": time.perf_counter() - one, "cpu": time.process_time() - one_cpu,
                         "written": len(written)})
    else:
        build(load_config(config, site_dir=site))
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    # (A child's ru_maxrss counts the pages it shared with this process when it was started: not its own.)
    out = {"seconds": seconds, "cpu": time.process_time() - cpu, "peak_mb": peak,
           "child_cpu": children.ru_utime + children.ru_stime}
    if kind == "publish":
        out["runs"], out["warm_up"] = runs, warm
    print(json.dumps(out))
    """
)


def run_child(*args: str) -> dict:
    """Run one measurement; returns its seconds (imports excluded), CPU seconds, peak MB, process time."""
    import time

    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", CHILD, *args], cwd=REPO, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"measurement {args[0]} failed:\n{proc.stderr[-3000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["process_seconds"] = time.perf_counter() - started
    return result


def page_weight(site: Path, url: str) -> tuple[int, int, int]:
    """(bytes, gzip bytes, requests) for one page and every asset it loads on first visit."""
    html_path = site / url / "index.html"
    html = html_path.read_text(encoding="utf-8")
    refs = re.findall(r'<(?:link[^>]+rel="(?:stylesheet|icon)"[^>]*href|script[^>]+src|img[^>]+src)="([^"]+)"', html)
    files = [html_path]
    for ref in refs:
        if ref.startswith(("http:", "https:", "//", "data:")):
            raise SystemExit(f"{url}: external asset {ref}")
        files.append((html_path.parent / ref.split("#")[0].split("?")[0]).resolve())
    raw = sum(f.stat().st_size for f in files)
    zipped = sum(len(gzip.compress(f.read_bytes(), 6)) for f in files)
    return raw, zipped, len(files)


# The generated listing pages (first pages and numbered ones): type listings, tags, regions, open decisions,
# the alignment matrix.
LISTING_GLOBS = (
    [f"{t}/index.html" for t in TYPES]
    + [f"{t}/halaman/*/index.html" for t in TYPES]
    + [
        "tag/*/index.html",
        "tag/*/halaman/*/index.html",
        "wilayah/index.html",
        "wilayah/*/index.html",
        "wilayah/*/halaman/*/index.html",
        "wilayah/halaman/*/index.html",
        "keputusan-terbuka/index.html",
        "keputusan-terbuka/halaman/*/index.html",
        "dasbor/matriks-keselarasan/index.html",
        "dasbor/matriks-keselarasan/halaman/*/index.html",
    ]
)


def listing_weight(site: Path) -> tuple[int, str, int]:
    """(bytes, page) of the heaviest listing page, and how many listing pages there are."""
    pages = {p for pattern in LISTING_GLOBS for p in site.glob(pattern)}
    heaviest = max(pages, key=lambda p: p.stat().st_size)
    return heaviest.stat().st_size, heaviest.parent.relative_to(site).as_posix() + "/", len(pages)


def new_lesson(content: Path, n: int, k: int = 0) -> Path:
    """A lesson dated today, as an approved contribution would be: the commonest publication."""
    meta = {
        "title": f"Pelajaran baru dari pendataan {n} nomor {k}",
        "summary": "Pelajaran baru yang baru saja disetujui moderator.",
        "date": dt.date(2026, 2, 1),
        "tags": ["koordinasi"],
        "region": ["33"],
        "contributor": {"name": "Anggota"},
        "stakeholder_group": "penerima",
    }
    path = content / "pembelajaran" / f"pelajaran-baru-benchmark-{k}.md"
    front = yaml.dump(meta, Dumper=_NoAliasDumper, allow_unicode=True, sort_keys=False)
    path.write_text(f"---\n{front}---\n\n## Latar belakang\n\nIsi.\n", encoding="utf-8")
    return path


def edit_programme(path: Path) -> Path:
    """A programme with a new title and update date, as an approved edit writes it (renamed into place)."""
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"^title: (.*)$", r"title: \1 (revisi)", text, count=1, flags=re.M)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text.replace("\ndate:", "\nupdated: 2026-01-15\ndate:", 1), encoding="utf-8")
    os.replace(tmp, path)
    return path


def interleaved(ours: Path, plain: Path, content: Path, base: Path, rounds: int) -> list[tuple[float, float]]:
    """Rounds 2.. of (pokja, plain) build seconds, plain first in every other round, each into a fresh folder.

    The machine's speed drifts by a quarter over minutes (the same plain 10,000-document build took 74 s and
    55 s forty minutes apart): pairs built back to back, in both orders, cancel most of it.
    """
    pairs = []
    for r in range(2, rounds + 1):
        sites = {kind: base / f"site-{kind}-round{r}" for kind in ("pokja", "plain")}
        order = ("plain", "pokja") if r % 2 == 0 else ("pokja", "plain")
        seconds = {}
        for kind in order:
            seconds[kind] = run_child(kind, str(ours if kind == "pokja" else plain), str(content), str(sites[kind]))[
                "seconds"
            ]
            shutil.rmtree(sites[kind], ignore_errors=True)
        pairs.append((seconds["pokja"], seconds["plain"]))
        print(
            f"round {r} ({' then '.join(order)}):       pokja {seconds['pokja']:.1f} s, plain {seconds['plain']:.1f} s,"
            f" ratio {seconds['pokja'] / seconds['plain']:.2f}",
            flush=True,
        )
    return pairs


def bench(n: int, workdir: Path, compare_raw: bool = True, compare_plain: bool = True, rounds: int = 1) -> dict:
    """Every measurement for one corpus size (``compare_plain=False``: no plain build, no ratios)."""
    base = workdir / f"n{n}"
    content = base / "content"
    print(f"\n== N = {n:,} documents ==", flush=True)
    generate(content, n)
    ours, plain = write_configs(base, content)
    site, plain_site = base / "site", base / "site-plain"

    full = run_child("pokja", str(ours), str(content), str(site))
    print(
        f"full build (pokja plugin):       {full['seconds']:8.1f} s   ({full['cpu']:.1f} s CPU)"
        f" peak {full['peak_mb']:7.0f} MB; its compressing process {full['child_cpu']:.1f} s CPU",
        flush=True,
    )
    # The same build without the .gz/.br copies: what pre-compression (site_builder/compress.py) adds.
    raw_config = base / "mkdocs-pokja-raw.yml"
    raw_yaml = yaml.safe_load(ours.read_text(encoding="utf-8"))
    raw_yaml["plugins"] = [{"pokja": {"precompress": False, "pdf": False}}]
    raw_config.write_text(yaml.safe_dump(raw_yaml, allow_unicode=True, sort_keys=False), encoding="utf-8")
    added = added_cpu = float("nan")
    uncompressed = None
    if compare_raw:
        uncompressed = run_child("pokja", str(raw_config), str(content), str(base / "site-raw"))
        shutil.rmtree(base / "site-raw", ignore_errors=True)
        added = full["seconds"] - uncompressed["seconds"]
        # The compressing process' CPU counts: on one core it would be the build's own.
        added_cpu = full["cpu"] + full["child_cpu"] - uncompressed["cpu"]
        sizes = {s: sum(p.stat().st_size for p in site.rglob(f"*{s}")) for s in (".html", ".gz", ".br")}
        print(
            f"pre-compression adds:            {added:8.1f} s   ({added / uncompressed['seconds']:+.0%} wall,"
            f" {added_cpu:+.1f} s CPU; without it {uncompressed['seconds']:.1f} s, peak"
            f" {uncompressed['peak_mb']:.0f} MB); HTML {sizes['.html'] / 2**20:.1f} MB,"
            f" .gz {sizes['.gz'] / 2**20:.1f} MB, .br {sizes['.br'] / 2**20:.1f} MB",
            flush=True,
        )
    weight, heaviest, listing_pages = listing_weight(site)
    print(
        f"heaviest listing page:           {weight / 1024:8.1f} KB   ({heaviest}; {listing_pages} listing pages;"
        " target < 150 KB)",
        flush=True,
    )
    if not compare_plain:
        # A national size outside CI: the plugin's build and the publications only (a plain build of
        # 100,000 documents is another quarter of an hour).
        baseline = {"seconds": float("nan"), "cpu": float("nan"), "peak_mb": float("nan")}
    else:
        baseline = run_child("plain", str(plain), str(content), str(plain_site))
    print(
        f"plain mkdocs-material:           {baseline['seconds']:8.1f} s   ({baseline['cpu']:.1f} s CPU)"
        f" peak {baseline['peak_mb']:7.0f} MB",
        flush=True,
    )

    # Two programmes change, one before each of the first two publications (new title and update date, as
    # an approved edit would): each publication has one edited programme to publish.
    programs = sorted((content / "program").glob("*.md"))
    targets = [programs[len(programs) // 2], programs[len(programs) // 3]]
    target = targets[0]
    lessons = [f"lesson:{n}:{k}" for k in range(3)]
    published = run_child("publish", str(ours), str(content), str(site), *(f"edit:{t}" for t in targets), *lessons)
    publish, second, *warm = published["runs"]
    print(
        f"publisher warm-up:               {published['warm_up']['seconds']:8.2f} s   (reading the state into"
        " memory when the publisher starts, before any job)",
        flush=True,
    )
    print(
        f"publish, edited programme:       {publish['seconds']:8.2f} s   ({publish['cpu']:.2f} s CPU;"
        f" {publish['written']} files written; the publisher's first job; {published['process_seconds']:.1f} s"
        " for the whole process with interpreter start; target < 1 s)",
        flush=True,
    )
    print(
        f"publish, edited programme 2:     {second['seconds']:8.2f} s   ({second['cpu']:.2f} s CPU;"
        f" {second['written']} files written; the running publisher; target < 1 s)",
        flush=True,
    )
    for k, run in enumerate(warm, 1):
        print(
            f"publish, new lesson {k}:           {run['seconds']:8.2f} s   ({run['cpu']:.2f} s CPU;"
            f" {run['written']} files written; the running publisher; target < 1 s)",
            flush=True,
        )
    lesson = {"seconds": statistics.median(r["seconds"] for r in warm)}
    print(
        f"publication peak memory:         {published['peak_mb']:8.0f} MB   (the publisher process, all five)",
        flush=True,
    )
    doc_url = target.relative_to(content).with_suffix("").as_posix()
    raw, zipped, requests = page_weight(site, doc_url)
    ratio = full["seconds"] / baseline["seconds"]
    if compare_plain and rounds > 1:
        pairs = [(full["seconds"], baseline["seconds"]), *interleaved(ours, plain, content, base, rounds)]
        ratio = sum(a for a, _b in pairs) / sum(b for _a, b in pairs)
        print(
            f"full / plain over {rounds} rounds:     {ratio:8.2f}   (total pokja {sum(a for a, _b in pairs):.1f} s"
            f" / plain {sum(b for _a, b in pairs):.1f} s; per round "
            + ", ".join(f"{a / b:.2f}" for a, b in pairs)
            + ")",
            flush=True,
        )
    cpu_ratio = (full["cpu"] + full["child_cpu"]) / baseline["cpu"]
    print(f"full / plain ratio:              {ratio:8.2f}   (target <= 1.15; wall clock)")
    print(
        f"peak memory full / plain:        {full['peak_mb'] / baseline['peak_mb']:8.2f}   (target <= 1.5;"
        f" {full['peak_mb']:.0f} MB / {baseline['peak_mb']:.0f} MB)"
    )
    print(
        f"full / plain CPU-time ratio:     {cpu_ratio:8.2f}   ({full['cpu'] + full['child_cpu']:.1f} s with the"
        f" compressing process / {baseline['cpu']:.1f} s; steadier on a shared machine)"
    )
    print(f"publish / full ratio:            {publish['seconds'] / full['seconds']:8.3f}")
    print(
        f"document page, first visit:      {raw / 1024:8.1f} KB in {requests} requests"
        f" ({zipped / 1024:.1f} KB gzip-compressed; target < 300 KB)"
    )
    return {
        "n": n,
        "full_s": full["seconds"],
        "plain_s": baseline["seconds"],
        "ratio": ratio,
        "cpu_ratio": cpu_ratio,
        "publish_s": max(publish["seconds"], second["seconds"]),
        "lesson_s": lesson["seconds"],
        "listing_kb": weight / 1024,
        "publish_process_s": published["process_seconds"],
        "peak_full_mb": full["peak_mb"],
        "peak_plain_mb": baseline["peak_mb"],
        "peak_publish_mb": published["peak_mb"],
        "page_kb": raw / 1024,
        "page_gzip_kb": zipped / 1024,
        "precompress_s": added,
    }


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark for each size and print a summary table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", default="10000,30000", help="comma-separated corpus sizes (default 10000,30000; 100000 outside CI)"
    )
    parser.add_argument(
        "--no-raw", action="store_true", help="skip the build without pre-compression (what it adds is not shown)"
    )
    parser.add_argument(
        "--no-plain", action="store_true", help="skip plain mkdocs-material (no ratios; for 100000 outside CI)"
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="build pokja and plain this many times, interleaved (plain first every other round); the ratio"
        " is of their totals",
    )
    parser.add_argument("--workdir", default=None, help="where corpora and sites go (default: a temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    workdir = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="pokja-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"cores: {os.cpu_count()}, python {sys.version.split()[0]}, work folder {workdir}")
    results = []
    try:
        results = [
            bench(n, workdir, compare_raw=not args.no_raw, compare_plain=not args.no_plain, rounds=args.rounds)
            for n in sizes
        ]
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    print(
        "\n     N  full s plain s ratio cpu ratio  publish s (programme/lesson)  peak MB (full/plain/publish)"
        "  listing KB  page KB (gzip)  pre-compression s"
    )
    for r in results:
        print(
            f"{r['n']:>6} {r['full_s']:7.1f} {r['plain_s']:7.1f} {r['ratio']:5.2f} {r['cpu_ratio']:9.2f}"
            f"  {r['publish_s']:9.2f} / {r['lesson_s']:.2f}"
            f"               {r['peak_full_mb']:6.0f}/{r['peak_plain_mb']:.0f}/{r['peak_publish_mb']:.0f}"
            f"              {r['listing_kb']:6.1f}  {r['page_kb']:6.1f} ({r['page_gzip_kb']:.1f})"
            f"  {r['precompress_s']:+.1f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
