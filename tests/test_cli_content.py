"""``pokja check`` and ``pokja new`` as a user runs them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from flask_app.cli import main
from site_builder.content import load, slugify
from tests.conftest import CONTENT, base_meta
from tests.test_content import BAD_FILES, _write


def test_check_passes_on_the_starter_content(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(CONTENT)]) == 0
    err = capsys.readouterr().err
    assert " dokumen sah: 0 galat, " in err


def test_check_reports_every_bad_file_with_path_line_field_and_exits_1(
    empty_tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for rel, data, _ in BAD_FILES:
        _write(empty_tree, rel, data)
    assert main(["check", str(empty_tree)]) == 1
    out = capsys.readouterr()
    lines = out.out.splitlines()
    for _, _, expected in BAD_FILES:
        assert f"{empty_tree.as_posix()}/{expected}" in lines
    assert f"{len(BAD_FILES)} berkas diperiksa, 0 dokumen sah: {len(BAD_FILES)} galat, 0 peringatan" in out.err


def test_check_speaks_english_on_request(empty_tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _write(empty_tree, "pedoman/kosong.md", b"")
    assert main(["check", str(empty_tree), "--lang", "en"]) == 1
    out = capsys.readouterr()
    assert out.out.strip() == f"{empty_tree.as_posix()}/pedoman/kosong.md:1: empty file"
    assert "1 files checked, 0 valid documents: 1 errors, 0 warnings" in out.err


def test_warnings_fail_only_with_strict(make_doc, empty_tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    make_doc("pedoman", "lama", base_meta("Lama", issuer="X", status="berlaku", review_by=dt.date(2020, 1, 1)))
    assert main(["check", str(empty_tree)]) == 0
    assert main(["check", str(empty_tree), "--strict"]) == 1
    assert "peringatan: review_by: pedoman melewati tanggal tinjau ulang (2020-01-01)" in capsys.readouterr().out


def test_check_on_a_missing_folder_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(tmp_path / "tidak-ada")]) == 2
    assert "tidak-ada: folder tidak ditemukan" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Program Penanganan RTLH Jawa Tengah 2024", "program-penanganan-rtlh-jawa-tengah-2024"),
        ("../../etc/passwd", "etc-passwd"),
        ("Évaluasi  Pokja: «Kota» / Kabupaten", "evaluasi-pokja-kota-kabupaten"),
        ("  --Judul--  ", "judul"),
    ],
)
def test_slugify_is_ascii_lowercase_hyphens(title: str, slug: str) -> None:
    assert slugify(title) == slug


@pytest.mark.parametrize("doc_type", ["pedoman", "pembelajaran", "modul", "program", "keputusan", "profil"])
def test_new_writes_a_valid_skeleton(empty_tree: Path, doc_type: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", doc_type, "Judul Baru: Uji", "--content", str(empty_tree)]) == 0
    path = empty_tree / doc_type / "judul-baru-uji.md"
    assert capsys.readouterr().out.strip() == f"Dokumen baru ditulis: {path.as_posix()}"
    corpus = load(empty_tree)
    assert corpus.errors == []
    assert [d.title for d in corpus.documents] == ["Judul Baru: Uji"]


def test_new_never_overwrites_and_never_leaves_the_tree(empty_tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "pedoman", "../../luar", "--content", str(empty_tree)]) == 0
    assert (empty_tree / "pedoman" / "luar.md").is_file()
    assert not (empty_tree.parent / "luar.md").exists()
    (empty_tree / "pedoman" / "luar.md").write_text("disunting", encoding="utf-8")
    capsys.readouterr()
    assert main(["new", "pedoman", "Luar", "--content", str(empty_tree)]) == 1
    assert "pedoman/luar.md sudah ada; pilih judul lain atau sunting berkas itu" in capsys.readouterr().err
    assert (empty_tree / "pedoman" / "luar.md").read_text(encoding="utf-8") == "disunting"


def test_new_rejects_unknown_type_and_empty_title(empty_tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "resep", "Rendang", "--content", str(empty_tree)]) == 2
    assert "jenis dokumen 'resep' tidak dikenal" in capsys.readouterr().err
    assert main(["new", "pedoman", "!!!", "--content", str(empty_tree)]) == 2
    assert "judul '!!!' tidak menghasilkan slug yang sah" in capsys.readouterr().err
