"""The content model: every bad file gets a precise message with path, line and field."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from site_builder.content import Corpus, load
from site_builder.schemas import load_schemas
from tests.conftest import CONTENT, base_meta, write_doc

FM_OK = "title: Judul\nsummary: Ringkas.\ndate: 2024-01-02\nregion: ['33']\n"


def _write(root: Path, rel: str, data: bytes | str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


def _problems(root: Path, lang: str = "id") -> list[str]:
    return [p.format(lang) for p in load(root, today=dt.date(2026, 1, 1)).problems]


# (file, content, expected "path:line: field: message" line) — one per bad-input case of issue 2.
BILLION_LAUGHS = (
    "---\n"
    + FM_OK
    + 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]\n" for i in range(8))
    + "---\n"
)
BAD_FILES: list[tuple[str, bytes | str, str]] = [
    (
        "pedoman/yaml-rusak.md",
        "---\ntitle: [tidak ditutup\nsummary: x\n---\n",
        "pedoman/yaml-rusak.md:3: YAML tidak sah: did not find expected ',' or ']'",
    ),
    (
        "pedoman/tanpa-fm.md",
        "# Judul saja\n\nTanpa front-matter.\n",
        "pedoman/tanpa-fm.md:1: tidak ada front-matter YAML (berkas harus diawali baris '---')",
    ),
    (
        "resep/rendang.md",
        f"---\n{FM_OK}---\n",
        "resep/rendang.md:1: jenis dokumen 'resep' tidak dikenal; yang dikenal: "
        "keputusan, modul, pedoman, pembelajaran, profil, program",
    ),
    (
        "pedoman/tanpa-penerbit.md",
        f"---\n{FM_OK}status: berlaku\n---\n",
        "pedoman/tanpa-penerbit.md:2: issuer: kolom 'issuer' wajib diisi",
    ),
    (
        "pedoman/tag-teks.md",
        f"---\n{FM_OK}issuer: X\nstatus: berlaku\ntags: koordinasi\n---\n",
        "pedoman/tag-teks.md:8: tags: harus berupa daftar, ditemukan teks",
    ),
    (
        "pedoman/tanggal-salah.md",
        "---\ntitle: Judul\nsummary: Ringkas.\ndate: 2024-13-45\nissuer: X\nstatus: berlaku\n---\n",
        "pedoman/tanggal-salah.md:4: date: '2024-13-45' bukan tanggal (format YYYY-MM-DD)",
    ),
    (
        "pedoman/status-aneh.md",
        f"---\n{FM_OK}issuer: X\nstatus: kedaluwarsa\n---\n",
        "pedoman/status-aneh.md:7: status: 'kedaluwarsa' tidak termasuk pilihan: draf, berlaku, dicabut",
    ),
    (
        "pedoman/wilayah-99.md",
        "---\ntitle: Judul\nsummary: Ringkas.\ndate: 2024-01-02\nregion:\n  - '99'\nissuer: X\nstatus: berlaku\n---\n",
        "pedoman/wilayah-99.md:6: region.0: '99' bukan kode wilayah yang dikenal (lihat content/_data/wilayah.yml)",
    ),
    (
        "pedoman/tag-asing.md",
        f"---\n{FM_OK}issuer: X\nstatus: berlaku\ntags: [kuliner]\n---\n",
        "pedoman/tag-asing.md:8: tags.0: 'kuliner' bukan tag yang dikenal (lihat content/_data/tags.yml)",
    ),
    (
        "pedoman/rujukan-hilang.md",
        f"---\n{FM_OK}issuer: X\nstatus: berlaku\nrelated: [tidak-ada]\n---\n",
        "pedoman/rujukan-hilang.md:8: related.0: 'tidak-ada' tidak merujuk ke dokumen mana pun",
    ),
    (
        "pedoman/lampiran-hilang.md",
        f"---\n{FM_OK}issuer: X\nstatus: berlaku\nattachments:\n  - file: lampiran/tidak-ada.pdf\n"
        "    title: Lampiran\n---\n",
        "pedoman/lampiran-hilang.md:9: attachments.0.file: berkas lampiran 'lampiran/tidak-ada.pdf' tidak ditemukan",
    ),
    (
        "pedoman/bukan-utf8.md",
        b"---\ntitle: Caf\xe9\n---\n",
        "pedoman/bukan-utf8.md:2: bukan teks UTF-8 (byte tidak sah di posisi 14)",
    ),
    (
        "pedoman/gambar.md",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00",
        "pedoman/gambar.md:1: berkas biner, bukan teks Markdown",
    ),
    ("pedoman/kosong.md", b"", "pedoman/kosong.md:1: berkas kosong"),
    (
        "pedoman/raksasa.md",
        "---\n" + FM_OK + "---\n" + ("x" * 99 + "\n") * 52_429,
        "pedoman/raksasa.md:1: berkas terlalu besar (5.0 MB); batasnya 1 MB",
    ),
    (
        "pedoman/bom-yaml.md",
        BILLION_LAUGHS,
        "pedoman/bom-yaml.md:6: alias/anchor YAML tidak diizinkan di front-matter",
    ),
    (
        "pedoman/kolom-asing.md",
        f"---\n{FM_OK}issuer: X\nstatus: berlaku\npengarang: Budi\n---\n",
        "pedoman/kolom-asing.md:8: pengarang: kolom tidak dikenal dalam skema 'pedoman'",
    ),
]


@pytest.mark.parametrize(("rel", "data", "expected"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_each_bad_file_gets_its_precise_message(empty_tree: Path, rel: str, data: bytes | str, expected: str) -> None:
    _write(empty_tree, rel, data)
    assert _problems(empty_tree) == [expected]


def test_duplicate_slug_across_types_is_reported_on_the_second(content_tree: Path) -> None:
    write_doc(content_tree, "modul", "pedoman-koordinasi", base_meta("Modul", objectives=["a"]))
    problems = _problems(content_tree)
    assert (
        "pedoman/pedoman-koordinasi.md:1: slug 'pedoman-koordinasi' sudah dipakai oleh modul/pedoman-koordinasi.md"
        in problems
    )


def test_all_bad_files_together_reported_at_once_in_english(empty_tree: Path) -> None:
    for rel, data, _ in BAD_FILES:
        _write(empty_tree, rel, data)
    corpus = load(empty_tree, today=dt.date(2026, 1, 1))
    assert len(corpus.errors) == len(BAD_FILES)
    assert corpus.documents == []
    english = {p.format("en") for p in corpus.problems}
    assert (
        "pedoman/status-aneh.md:7: status: expected one of: draf, berlaku, dicabut but received: 'kedaluwarsa'"
        in english
    )
    assert (
        "pedoman/wilayah-99.md:6: region.0: '99' is not a known region code (see content/_data/wilayah.yml)" in english
    )


def test_deep_alias_bomb_and_self_reference_are_refused(empty_tree: Path) -> None:
    _write(empty_tree, "pedoman/rekursif.md", f"---\n{FM_OK}issuer: &x [*x]\nstatus: berlaku\n---\n")
    deep = "x: " + "[" * 40 + "]" * 40
    _write(empty_tree, "pedoman/dalam.md", f"---\n{FM_OK}{deep}\n---\n")
    problems = _problems(empty_tree)
    assert problems[0] == "pedoman/dalam.md:6: front-matter bersarang terlalu dalam (lebih dari 20 tingkat)"
    assert problems[1].startswith("pedoman/rekursif.md:6: ")


def test_nested_errors_name_the_nested_field_and_line(make_doc, empty_tree: Path) -> None:
    meta = base_meta(
        "Program",
        period={"start": 2024, "end": 2025},
        lead_agency="Dinas",
        status="berjalan",
        funding=[{"source": "APBN", "amount_idr": "banyak"}],
    )
    make_doc("program", "program-x", meta)
    problems = _problems(empty_tree)
    assert problems == ["program/program-x.md:16: funding.0.amount_idr: harus berupa bilangan bulat, ditemukan teks"]


def test_overdue_guideline_is_a_warning_not_an_error(make_doc, empty_tree: Path) -> None:
    make_doc("pedoman", "lama", base_meta("Lama", issuer="X", status="berlaku", review_by=dt.date(2025, 1, 1)))
    corpus = load(empty_tree, today=dt.date(2026, 1, 1))
    assert corpus.errors == []
    assert [p.format() for p in corpus.warnings] == [
        "pedoman/lama.md:11: peringatan: review_by: pedoman melewati tanggal tinjau ulang (2025-01-01)"
    ]
    assert [d.slug for d in corpus.documents] == ["lama"]


def test_loader_returns_documents_with_normalised_metadata(content_tree: Path) -> None:
    corpus = load(content_tree)
    assert isinstance(corpus, Corpus)
    assert corpus.problems == []
    program = corpus.by_slug["program-rtlh"]
    assert program.type == "program"
    assert program.url == "program/program-rtlh/"
    assert program.years == [2023, 2024]
    assert program.meta["targets"][0]["realization"] == 80
    assert program.meta["lang"] == "id"  # the schema's default
    assert [d.slug for d in corpus.backlinks()["program-rtlh"]] == ["pelajaran-rtlh"]


def test_starter_content_loads_without_errors() -> None:
    corpus = load(CONTENT)
    assert [p.format() for p in corpus.errors] == []
    counts = {t: len(corpus.of_type(t)) for t in load_schemas(CONTENT)}
    assert all(n >= 2 for n in counts.values()), counts
    seed = {d.slug: d for d in corpus.of_type("pedoman")}
    assert "pengertian-pokja-pkp" in seed and "urgensi-pembentukan-pokja-pkp-provinsi" in seed
    assert "wadah berkumpulnya para pemangku kepentingan" in seed["pengertian-pokja-pkp"].body
    assert "dapat diagregasi secara nasional" in seed["urgensi-pembentukan-pokja-pkp-provinsi"].body
    examples = [d for d in corpus.documents if d.type != "pedoman"]
    assert all(d.example for d in examples), [d.slug for d in examples if not d.example]


def test_loader_never_crashes_on_mangled_files(content_tree: Path) -> None:
    """Truncated, spliced and byte-flipped versions of valid files are reported, never raised."""
    import random

    rng = random.Random(20261127)
    originals = [p.read_bytes() for p in sorted(content_tree.rglob("*.md"))]
    for i in range(150):
        data = bytearray(rng.choice(originals))
        cut = rng.randrange(len(data))
        if i % 3 == 0:
            data = data[:cut]
        elif i % 3 == 1:
            data[cut] = rng.randrange(256)
        else:
            data[cut:cut] = rng.choice([b": [", b"&a", b"*a", b"\t", b"---\n", b"{", b"!!python/object:os.system"])
        _write(content_tree, f"pedoman/mangled-{i}.md", bytes(data))
    corpus = load(content_tree)
    assert corpus.files_checked == len(originals) + 150
    bad = {p.path for p in corpus.errors}
    assert all(p.line >= 1 for p in corpus.problems)
    assert len(bad) + len(corpus.documents) == corpus.files_checked


def test_keys_are_taken_as_written_so_decision_no_works(make_doc, empty_tree: Path) -> None:
    path = make_doc("keputusan", "rapat", base_meta("Rapat", meeting={"kind": "pleno"}))
    text = path.read_text(encoding="utf-8").replace(
        "---\n\n", "decisions:\n- no: 1\n  text: Sepakat.\n  status: terbuka\n---\n\n", 1
    )
    path.write_text(text, encoding="utf-8")
    corpus = load(empty_tree)
    assert corpus.problems == []
    assert corpus.documents[0].meta["decisions"][0]["no"] == 1


def test_corpus_cache_reloads_only_after_a_change(content_tree: Path) -> None:
    from site_builder.content import CorpusCache

    cache = CorpusCache(content_tree)
    first = cache.get()
    assert cache.get() is first  # nothing changed: the same objects, no parsing
    write_doc(content_tree, "pedoman", "baru", base_meta("Baru", issuer="X", status="berlaku"))
    second = cache.get()
    assert second is not first and "baru" in second.by_slug
    (content_tree / "pedoman" / "baru.md").unlink()
    assert "baru" not in cache.get().by_slug
    tags = content_tree / "_data" / "tags.yml"
    tags.write_text(tags.read_text(encoding="utf-8").replace("koordinasi", "koordinasi-lama"), encoding="utf-8")
    assert "pedoman-koordinasi" not in cache.get().by_slug  # its tag is no longer in the vocabulary
