"""Index lifecycle: rebuild, one-document updates, the single writer, check and repair, a killed writer."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from flask_app.cli import main
from search import index
from site_builder.content import load
from tests.conftest import REPO, base_meta, write_doc

BUSY = "Indeks pencarian sedang ditulis oleh proses lain; sudah menunggu {} detik. Coba lagi nanti."


def indexed_slugs(index_dir: Path) -> set[str]:
    return set(index.indexed_digests(index_dir))


def count_hits(index_dir: Path, word: str) -> int:
    from whoosh.qparser import QueryParser

    ix = index.open_index(index_dir)
    with ix.searcher() as searcher:
        return len(searcher.search(QueryParser("content", ix.schema).parse(word), limit=None))


def test_rebuild_indexes_every_document(search_tree: Path, index_dir: Path) -> None:
    assert len(indexed_slugs(index_dir)) == 5
    ix = index.open_index(index_dir)
    with ix.searcher() as searcher:
        stored = searcher.document(slug="program-bedah-rumah")
    assert stored["title"] == "Program Bedah Rumah Jawa Tengah"
    assert stored["url"] == "program/program-bedah-rumah/"
    assert stored["regions"] == ["33.01"]
    assert stored["status"] == "berjalan"
    # A second rebuild replaces, never duplicates.
    index.rebuild(load(search_tree), index_dir)
    assert len(indexed_slugs(index_dir)) == 5
    assert index.open_index(index_dir).doc_count() == 5


def test_rebuild_reports_progress(search_tree: Path, tmp_path: Path) -> None:
    seen: list[str] = []

    def progress(items):
        for item in items:
            seen.append(item.slug)
            yield item

    assert index.rebuild(load(search_tree), tmp_path / "ix", progress=progress) == 5
    assert len(seen) == 5


def test_add_update_and_delete_one_document(search_tree: Path, index_dir: Path) -> None:
    path = write_doc(
        search_tree, "pedoman", "pedoman-air", base_meta("Pedoman Air", issuer="X", status="draf"), "Sumur.\n"
    )
    doc = next(d for d in load(search_tree).documents if d.slug == "pedoman-air")
    index.update_documents(index_dir, [doc])
    assert count_hits(index_dir, "sumur") == 1
    path.write_text(path.read_text(encoding="utf-8").replace("Sumur.", "Hujan."), encoding="utf-8")
    doc = next(d for d in load(search_tree).documents if d.slug == "pedoman-air")
    index.update_documents(index_dir, [doc])
    assert (count_hits(index_dir, "sumur"), count_hits(index_dir, "hujan")) == (0, 1)
    assert len(indexed_slugs(index_dir)) == 6
    index.update_documents(index_dir, [], deleted_slugs=["pedoman-air"])
    assert "pedoman-air" not in indexed_slugs(index_dir)
    assert count_hits(index_dir, "hujan") == 0


def test_one_writer_at_a_time_with_a_bounded_wait(search_tree: Path, index_dir: Path) -> None:
    doc = load(search_tree).documents[0]
    with index.write_lock(index_dir, timeout=1):
        started = time.monotonic()
        with pytest.raises(index.IndexBusy) as info:
            index.update_documents(index_dir, [doc], timeout=0.3)
        waited = time.monotonic() - started
    assert str(info.value) == BUSY.format("0.3")
    assert 0.25 <= waited < 2
    index.update_documents(index_dir, [doc], timeout=0.3)  # free again


def test_a_writer_waits_for_the_other_to_finish(search_tree: Path, index_dir: Path) -> None:
    doc = load(search_tree).documents[0]
    release = threading.Event()

    def hold() -> None:
        with index.write_lock(index_dir, timeout=1):
            release.wait(5)

    holder = threading.Thread(target=hold)
    holder.start()
    time.sleep(0.1)
    threading.Timer(0.3, release.set).start()
    index.update_documents(index_dir, [doc], timeout=5)  # succeeds once the holder lets go
    holder.join()


def test_another_process_holding_the_lock_makes_us_wait_then_fail(search_tree: Path, index_dir: Path) -> None:
    script = textwrap.dedent(
        f"""
        import sys, time
        from search import index
        with index.write_lock({str(index_dir)!r}, timeout=1):
            print("held", flush=True)
            time.sleep(30)
        """
    )
    with subprocess.Popen([sys.executable, "-c", script], cwd=REPO, stdout=subprocess.PIPE, text=True) as proc:
        try:
            assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
            with pytest.raises(index.IndexBusy):
                index.update_documents(index_dir, load(search_tree).documents[:1], timeout=0.2)
        finally:
            proc.kill()
    index.update_documents(index_dir, load(search_tree).documents[:1], timeout=2)


def test_searches_keep_working_during_a_write(search_tree: Path, index_dir: Path) -> None:
    ix = index.open_index(index_dir)
    with index.write_lock(index_dir, timeout=1) as storage:
        writer = storage.open_index(index.INDEX_NAME).writer(_lk=False)
        writer.delete_by_term("slug", "program-bedah-rumah")
        # Uncommitted: readers, old and new, see the last generation.
        assert count_hits(index_dir, "rendah") == 1
        with ix.searcher() as searcher:
            assert searcher.doc_count() == 5
        writer.commit()
    assert count_hits(index_dir, "rendah") == 0


def test_check_repairs_a_stale_index(search_tree: Path, index_dir: Path) -> None:
    # Make the index stale three ways: a new file, a changed file, a removed file.
    write_doc(search_tree, "pedoman", "pedoman-baru", base_meta("Pedoman Baru", issuer="X", status="draf"), "Baru.\n")
    changed = search_tree / "program" / "program-bedah-rumah.md"
    changed.write_text(changed.read_text(encoding="utf-8").replace("Pembangunan", "Renovasi"), encoding="utf-8")
    (search_tree / "pedoman" / "pedoman-koordinasi-pokja.md").unlink()
    corpus = load(search_tree)
    report = index.check(corpus, index_dir)
    assert (report.missing, report.stale, report.orphaned) == (
        ["pedoman-baru"],
        ["program-bedah-rumah"],
        ["pedoman-koordinasi-pokja"],
    )
    assert not report.ok and not report.repaired
    assert index.check(corpus, index_dir).missing == ["pedoman-baru"]  # reporting alone changes nothing
    repaired = index.check(corpus, index_dir, repair=True)
    assert repaired.repaired
    assert repaired.lines()[-1] == "Indeks diperbaiki: 1 ditambahkan, 1 diperbarui, 1 dihapus."
    assert index.check(corpus, index_dir).ok
    assert count_hits(index_dir, "renovasi") == 1


def test_check_builds_a_missing_index(search_tree: Path, tmp_path: Path) -> None:
    report = index.check(load(search_tree), tmp_path / "none", repair=True)
    assert report.repaired and len(report.missing) == 5
    assert index.check(load(search_tree), tmp_path / "none").ok


def test_a_writer_killed_mid_write_leaves_a_searchable_index(search_tree: Path, index_dir: Path) -> None:
    write_doc(search_tree, "pedoman", "pedoman-baru", base_meta("Pedoman Baru", issuer="X", status="draf"), "Lele.\n")
    script = textwrap.dedent(
        f"""
        import os, signal
        from search import index
        from site_builder.content import load
        docs = load({str(search_tree)!r}).documents
        with index.write_lock({str(index_dir)!r}, timeout=1) as storage:
            writer = storage.open_index(index.INDEX_NAME).writer(_lk=False)
            for doc in docs:
                writer.update_document(**index.document_fields(doc))
            writer.delete_by_term("slug", "program-bedah-rumah")
            # Flush the segment's files as a commit would, then die before the table of contents.
            writer._flush_segment()
            os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], cwd=REPO, timeout=60, check=False)
    assert proc.returncode == -signal.SIGKILL
    # The last committed generation is still there and searchable; the lock died with the process.
    assert count_hits(index_dir, "rendah") == 1
    assert count_hits(index_dir, "lele") == 0
    report = index.check(load(search_tree), index_dir, repair=True)
    assert report.missing == ["pedoman-baru"] and report.repaired
    assert count_hits(index_dir, "lele") == 1
    assert index.check(load(search_tree), index_dir).ok


def test_pokja_index_and_check(search_tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "cli-index"
    assert main(["index", "--content", str(search_tree), "--index", str(target)]) == 0
    assert "5 dokumen diindeks dalam" in capsys.readouterr().out
    (search_tree / "pedoman" / "pedoman-koordinasi-pokja.md").unlink()
    assert main(["index", "--content", str(search_tree), "--index", str(target), "--check", "--no-repair"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "tidak ada di konten: pedoman-koordinasi-pokja",
        "Indeks berbeda dari konten: 0 belum diindeks, 0 usang, 1 yatim.",
    ]
    assert main(["index", "--content", str(search_tree), "--index", str(target), "--check"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "Indeks diperbaiki: 0 ditambahkan, 0 diperbarui, 1 dihapus."
    assert main(["index", "--content", str(search_tree), "--index", str(target), "--check"]) == 0
    assert capsys.readouterr().out.splitlines() == ["Indeks sesuai dengan konten."]


def test_pokja_index_reports_a_busy_index(search_tree: Path, index_dir: Path, capsys, monkeypatch) -> None:
    monkeypatch.setattr(index, "REBUILD_TIMEOUT", 0.2)
    with index.write_lock(index_dir, timeout=1):
        assert main(["index", "--content", str(search_tree), "--index", str(index_dir)]) == 3
    assert capsys.readouterr().err.strip() == BUSY.format("0.2")
    assert os.path.isdir(index_dir)


def test_an_index_of_another_version_is_only_replaced_by_a_rebuild(search_tree: Path, tmp_path: Path) -> None:
    from whoosh.fields import ID, Schema

    old = tmp_path / "old-index"
    old.mkdir()
    from whoosh import index as whoosh_index

    whoosh_index.create_in(str(old), Schema(slug=ID(stored=True)), indexname=index.INDEX_NAME)
    corpus = load(search_tree)
    with pytest.raises(index.IndexOutdated) as info:
        index.update_documents(old, corpus.documents[:1])
    assert str(info.value) == (
        "Indeks pencarian dibuat oleh versi lain dan harus dibangun ulang: jalankan 'pokja index'."
    )
    report = index.check(corpus, old, repair=True)
    assert report.repaired and len(indexed_slugs(old)) == 5


def test_an_index_built_from_other_schemas_is_outdated_until_rebuilt(search_tree: Path, index_dir: Path) -> None:
    from site_builder.schemas import load_schemas

    corpus = load(search_tree)
    assert not index.is_outdated(index_dir, corpus.schemas)
    schema = search_tree / "_schemas" / "pembelajaran.yml"
    schema.write_text(
        schema.read_text(encoding="utf-8").replace(
            "facets: [region, tags, stakeholder_group]", "facets: [region, tags, stakeholder_group, program]"
        ),
        encoding="utf-8",
    )
    corpus = load(search_tree)
    assert index.is_outdated(index_dir, load_schemas(search_tree))
    with pytest.raises(index.IndexOutdated):
        index.update_documents(index_dir, corpus.of_type("pembelajaran")[:1])
    index.update_documents(index_dir, corpus.of_type("pedoman")[:1])  # its schema's facets are all there
    report = index.check(corpus, index_dir, repair=True)
    assert report.repaired and not index.is_outdated(index_dir, corpus.schemas)
    assert "facet_program" in index.open_index(index_dir).schema.names()
