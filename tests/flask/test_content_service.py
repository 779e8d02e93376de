"""The content service: one cache policy for schemas, reference data and corpus; one Markdown configuration."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from flask import Flask

from flask_app import publish as publisher
from flask_app.content import ContentService, get_content
from site_builder.render import MarkdownConfig, render_markdown
from tests.conftest import REPO, base_meta, write_doc
from tests.flask.test_publish import approve, people, pub_app, run_publish, submit  # noqa: F401 - fixtures

NEW_GUIDELINE = base_meta("Pedoman Baru", issuer="Kementerian PKP", status="berlaku")


@pytest.fixture
def service(content_tree: Path) -> ContentService:
    """A service on the small sample tree, with the project's mkdocs.yml."""
    return ContentService(content_tree, REPO / "mkdocs.yml")


def test_nothing_is_read_again_while_the_tree_is_unchanged(service: ContentService) -> None:
    first = service.current()
    assert service.current() is first
    assert first.corpus is first.corpus
    assert {d.slug for d in first.corpus.documents} == {"pedoman-koordinasi", "pelajaran-rtlh", "program-rtlh"}


def test_a_new_document_and_a_schema_edit_are_seen_on_the_next_call(service: ContentService) -> None:
    before = service.current()
    assert "pedoman-baru" not in before.slugs("pedoman")
    write_doc(service.root, "pedoman", "pedoman-baru", NEW_GUIDELINE)
    after = service.current()
    assert after is not before
    assert after.slugs("pedoman") == ["pedoman-baru", "pedoman-koordinasi"]
    assert "pedoman-baru" in after.corpus.by_slug
    # Schemas follow the same policy as the documents.
    schema_file = service.root / "_schemas" / "pedoman.yml"
    schema = yaml.safe_load(schema_file.read_text(encoding="utf-8"))
    schema["label"] = {"id": "Pedoman (diubah)", "en": "Guideline (changed)"}
    schema_file.write_text(yaml.safe_dump(schema, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert service.current().schemas["pedoman"].label_in("id") == "Pedoman (diubah)"


def test_invalidate_forgets_everything_even_when_the_fingerprint_did_not_move(
    service: ContentService, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service._fingerprints, "fingerprint", lambda full=False: (1, 1, 1))
    before = service.current()
    write_doc(service.root, "pedoman", "pedoman-baru", NEW_GUIDELINE)
    assert service.current() is before
    service.invalidate()
    assert "pedoman-baru" in service.current().corpus.by_slug


def test_a_broken_file_still_takes_its_slug(service: ContentService) -> None:
    broken = service.root / "pedoman" / "rusak.md"
    broken.write_text("---\ntitle: [tidak ditutup\n---\n\nIsi.\n", encoding="utf-8")
    snapshot = service.current()
    assert "rusak" not in snapshot.corpus.by_slug
    assert "rusak" in snapshot.slugs("pedoman") and "rusak" in snapshot.taken_slugs()


def test_the_markdown_configuration_is_the_one_of_mkdocs_yml(tmp_path: Path, content_tree: Path) -> None:
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    config["markdown_extensions"] = [e for e in config["markdown_extensions"] if e != "admonition"]
    config["docs_dir"] = str(content_tree)
    without = tmp_path / "tanpa-admonition.yml"
    without.write_text(yaml.safe_dump(config), encoding="utf-8")
    body = '!!! note "Catatan"\n    Isi.\n'
    assert '<div class="admonition note">' in ContentService(content_tree, REPO / "mkdocs.yml").render_body(body)
    assert "admonition" not in ContentService(content_tree, without).render_body(body)
    # MkDocs' built-in extensions come along (fenced_code is not listed in mkdocs.yml).
    site = MarkdownConfig.from_mkdocs(REPO / "mkdocs.yml")
    assert "fenced_code" in site.extensions and site.configs["toc"] == {"permalink": False}
    assert "<pre><code>x = 1" in render_markdown("```\nx = 1\n```\n", untrusted=True, config=site)


def test_without_a_readable_mkdocs_yml_previews_use_mkdocs_defaults(
    content_tree: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    service = ContentService(content_tree, tmp_path / "tidak-ada.yml")
    html = service.render_body("**tebal**\n\n```\nkode\n```\n\n!!! note\n    x\n\n<script>alert(1)</script>")
    assert "<strong>tebal</strong>" in html and "<pre><code>kode" in html
    assert "admonition" not in html and "<script>" not in html
    assert f"cannot read {tmp_path / 'tidak-ada.yml'}" in caplog.text
    assert service.markdown.extensions == ("toc", "tables", "fenced_code")


def test_the_configuration_is_read_once_per_app(service: ContentService, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Any] = []
    original = MarkdownConfig.from_mkdocs

    def counting(path: Any) -> MarkdownConfig:
        calls.append(path)
        return original(path)

    monkeypatch.setattr(MarkdownConfig, "from_mkdocs", staticmethod(counting))
    service.render_body("a")
    service.render_body("b")
    assert calls == [REPO / "mkdocs.yml"]


def test_the_publisher_invalidates_the_cache_after_writing(pub_app: Flask, people, monkeypatch) -> None:  # noqa: F811
    member, moderator = people
    sid = submit(pub_app, member)
    approve(pub_app, sid, moderator)
    content = get_content(pub_app)
    # A fingerprint that never moves: only the publisher's invalidate() can make the new file visible.
    monkeypatch.setattr(content._fingerprints, "fingerprint", lambda full=False: (1, 1, 1))
    monkeypatch.setattr(publisher, "rebuild_pages", lambda *_a, **_k: [])
    assert "pelajaran-dari-bedah-rumah-swadaya" not in content.current().corpus.by_slug
    result = run_publish(pub_app, sid, moderator)
    assert result.ok, result.error
    assert "pelajaran-dari-bedah-rumah-swadaya" in content.current().corpus.by_slug


def test_every_app_has_its_own_service(make_app, tmp_path: Path) -> None:
    first, second = make_app(), make_app(MKDOCS_CONFIG=str(tmp_path / "lain.yml"))
    assert get_content(first) is not get_content(second)
    assert get_content(first).root == Path(first.config["CONTENT_DIR"])
    assert get_content(second).mkdocs_config == tmp_path / "lain.yml"


def test_a_new_snapshot_parses_only_the_files_that_changed(
    service: ContentService, monkeypatch: pytest.MonkeyPatch
) -> None:
    import site_builder.content as content_module

    parsed: list[str] = []
    real_parse = content_module.parse_document
    monkeypatch.setattr(
        content_module,
        "parse_document",
        lambda text, rel, *a, **k: parsed.append(rel) or real_parse(text, rel, *a, **k),
    )
    assert len(service.current().corpus.documents) == 3 and len(parsed) == 3
    parsed.clear()
    new = write_doc(service.root, "pedoman", "pedoman-baru", NEW_GUIDELINE)
    corpus = service.current().corpus
    assert parsed == ["pedoman/pedoman-baru.md"]  # the other three are the last snapshot's
    assert {"pedoman-baru", "pedoman-koordinasi"} <= set(corpus.by_slug)
    assert corpus.by_slug["pedoman-koordinasi"] is not None

    # A rewrite that keeps size and mtime (a fast second write): the writer names the file, it is read again.
    stat = new.stat()
    text = new.read_text(encoding="utf-8").replace("Pedoman Baru", "Pedoman Lama")
    new.write_text(text, encoding="utf-8")
    os.utime(new, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    parsed.clear()
    service.invalidate([new])
    assert service.current().corpus.by_slug["pedoman-baru"].title == "Pedoman Lama"
    assert parsed == ["pedoman/pedoman-baru.md"]

    # A schema change makes every file be parsed again (their validation depends on it).
    schema_file = service.root / "_schemas" / "pedoman.yml"
    schema = yaml.safe_load(schema_file.read_text(encoding="utf-8"))
    schema["label"] = {"id": "Pedoman (diubah)", "en": "Guideline (changed)"}
    schema_file.write_text(yaml.safe_dump(schema, allow_unicode=True, sort_keys=False), encoding="utf-8")
    parsed.clear()
    assert len(service.current().corpus.documents) == 4
    assert sorted(parsed) == sorted(p.relative_to(service.root).as_posix() for p in service.current().paths)


def test_a_file_that_breaks_is_left_out_of_the_next_snapshot(service: ContentService) -> None:
    assert "pedoman-koordinasi" in service.current().corpus.by_slug
    target = service.root / "pedoman" / "pedoman-koordinasi.md"
    target.write_text("---\ntitle: [tidak ditutup\n---\n\nIsi.\n", encoding="utf-8")
    service.invalidate([target])
    snapshot = service.current()
    assert "pedoman-koordinasi" not in snapshot.corpus.by_slug
    assert any(p.path == "pedoman/pedoman-koordinasi.md" for p in snapshot.corpus.errors)


def _as_loaded(snapshot: Any) -> tuple[list[str], list[tuple[str, str, str]], int]:
    corpus = snapshot.corpus
    problems = [(p.path, p.field, p.key) for p in corpus.problems]
    return [d.rel_path for d in corpus.documents], problems, corpus.files_checked


def test_a_written_file_is_read_alone_and_gives_what_a_full_load_gives(
    service: ContentService, monkeypatch: pytest.MonkeyPatch
) -> None:
    import site_builder.content as content_module

    before = service.current()
    assert before.corpus.documents
    loads: list[Path] = []
    real_load = content_module._load
    monkeypatch.setattr(content_module, "_load", lambda root, *a: loads.append(root) or real_load(root, *a))
    new = write_doc(service.root, "pedoman", "pedoman-baru", NEW_GUIDELINE)
    after = service.written([new])
    assert loads == []  # no walk and no reload of the tree: the one file is parsed
    assert "pedoman-baru" in after.corpus.by_slug and after.corpus.by_slug["pedoman-baru"].path == new
    # The next call sees the tree as this snapshot says (its fingerprint moved by the one file): no reload.
    assert service.current() is after and loads == []
    incremental = _as_loaded(after)
    service.invalidate()
    assert _as_loaded(service.current()) == incremental  # the same documents, order and problems
    assert loads  # (that one was a full load)


def test_a_change_by_someone_else_still_reloads_after_a_written_file(service: ContentService) -> None:
    assert service.current().corpus.documents
    new = write_doc(service.root, "pedoman", "pedoman-baru", NEW_GUIDELINE)
    after = service.written([new])
    write_doc(
        service.root, "pedoman", "pedoman-lain", base_meta("Pedoman Lain", issuer="Kementerian PKP", status="berlaku")
    )
    now = service.current()
    assert now is not after and {"pedoman-baru", "pedoman-lain"} <= set(now.corpus.by_slug)


def test_a_new_slug_another_document_names_is_checked_by_a_full_load(service: ContentService) -> None:
    # A lesson naming a guideline that does not exist yet is refused; once the guideline is written it is valid.
    lesson_meta = base_meta("Pelajaran Rujukan", contributor={"name": "Uji"}, stakeholder_group="regulator")
    lesson_meta["related"] = ["pedoman-baru"]
    write_doc(service.root, "pembelajaran", "pelajaran-rujukan", lesson_meta)
    first = service.current()
    assert "pelajaran-rujukan" not in first.corpus.by_slug
    assert any(p.key == "unknown_document" for p in first.corpus.errors)
    new = write_doc(service.root, "pedoman", "pedoman-baru", NEW_GUIDELINE)
    after = service.written([new])
    assert {"pedoman-baru", "pelajaran-rujukan"} <= set(after.corpus.by_slug)
    assert not any(p.key == "unknown_document" for p in after.corpus.errors)


def test_slug_taken_sees_every_type_folder_and_broken_files(service: ContentService) -> None:
    snapshot = service.current()
    (service.root / "pembelajaran" / "rusak.md").write_text("---\ntitle: [tidak ditutup\n---\n", encoding="utf-8")
    assert snapshot.slug_taken("rusak") and snapshot.slug_taken("pedoman-koordinasi")
    assert not snapshot.slug_taken("belum-ada")
    (service.root / "_catatan").mkdir(exist_ok=True)
    (service.root / "_catatan" / "tersembunyi.md").write_text("x", encoding="utf-8")
    assert not snapshot.slug_taken("tersembunyi")  # not a type folder (nor in taken_slugs)
    assert {s for s in ("rusak", "pedoman-koordinasi", "tersembunyi") if snapshot.slug_taken(s)} == {
        s for s in ("rusak", "pedoman-koordinasi", "tersembunyi") if s in service.current().taken_slugs()
    }


def test_the_fingerprint_is_the_one_of_the_content_model(service: ContentService) -> None:
    from flask_app.content import TreeFingerprint
    from site_builder.content import CorpusCache

    root = service.root
    (root / "pedoman" / ".tersembunyi.md").write_text("x", encoding="utf-8")
    (root / "pedoman" / "lampiran").mkdir()
    (root / "pedoman" / "lampiran" / "berkas.pdf").write_bytes(b"%PDF")
    (root / "tautan").symlink_to(root / "pedoman", target_is_directory=True)  # counted once, not walked
    (root / "dokumen.md.bak").write_text("x", encoding="utf-8")
    assert TreeFingerprint(root).fingerprint() == CorpusCache(root).fingerprint()
    before = TreeFingerprint(root).fingerprint()
    write_doc(root, "pedoman", "pedoman-baru", NEW_GUIDELINE)
    assert TreeFingerprint(root).fingerprint() == CorpusCache(root).fingerprint() != before


def test_a_snapshot_taken_between_the_write_and_written_costs_no_reload(
    service: ContentService, monkeypatch: pytest.MonkeyPatch
) -> None:
    import site_builder.content as content_module

    base = service.current()
    assert base.corpus.documents
    new = write_doc(service.root, "pedoman", "pedoman-baru", NEW_GUIDELINE)
    assert service.current() is not base  # a request saw the new file first (its corpus not loaded)
    loads: list[Path] = []
    real_load = content_module._load
    monkeypatch.setattr(content_module, "_load", lambda root, *a: loads.append(root) or real_load(root, *a))
    after = service.written([new], base=base)
    assert "pedoman-baru" in after.corpus.by_slug and service.current() is after and loads == []


def test_a_page_that_only_shows_takes_the_last_loaded_corpus_instead_of_loading_the_tree_again(
    service: ContentService, monkeypatch: pytest.MonkeyPatch
) -> None:
    loaded = service.current().corpus
    assert service.recent_corpus() is loaded
    write_doc(service.root, "pedoman", "pedoman-baru", NEW_GUIDELINE)  # as a publication from elsewhere
    # The tree moved: the new snapshot's corpus is not loaded, so a preview shows the last one, unloaded.
    import flask_app.content as content_module

    def no_load(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("the whole tree was loaded again")

    monkeypatch.setattr(content_module, "load", no_load)
    assert service.recent_corpus() is loaded
    monkeypatch.undo()
    # Once something that decides has loaded the new corpus, that one is shown.
    fresh = service.current().corpus
    assert "pedoman-baru" in fresh.by_slug and service.recent_corpus() is fresh
    # Other schemas: the older corpus is never shown with them.
    schema_file = service.root / "_schemas" / "pedoman.yml"
    schema = yaml.safe_load(schema_file.read_text(encoding="utf-8"))
    schema["label"] = {"id": "Pedoman (diubah)", "en": "Guideline (changed)"}
    schema_file.write_text(yaml.safe_dump(schema, allow_unicode=True, sort_keys=False), encoding="utf-8")
    shown = service.recent_corpus()
    assert shown is not fresh and shown.schemas["pedoman"].label_in("id") == "Pedoman (diubah)"


def test_an_unknown_address_is_answered_without_a_walk_of_the_tree(
    pub_app: Flask,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client = pub_app.test_client()
    with pub_app.app_context():
        service = get_content()
        service.current()  # the definitions are loaded once
        walks: list[int] = []
        real = service._fingerprints.fingerprint
        monkeypatch.setattr(service._fingerprints, "fingerprint", lambda full=False: walks.append(1) or real())
    for address in ("/pedoman/tidak-ada/", "/pembelajaran/bukan-apa-apa/", "/bukan-jenis/x/"):
        assert client.get(address).status_code == 404
    assert walks == []


def _settle(root: Path) -> None:
    """Date every folder of the tree a minute back, as a tree nobody wrote to lately."""
    past = os.stat(root).st_mtime_ns - 60 * 10**9
    for folder in [root, *(p for p in root.rglob("*") if p.is_dir())]:
        os.utime(folder, ns=(past, past))


def test_an_unchanged_tree_costs_one_stat_per_folder_not_a_walk(
    service: ContentService, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flask_app import content as content_module

    _settle(service.root)
    first = service.current()
    walks: list[str] = []
    real_scandir = os.scandir
    monkeypatch.setattr(content_module.os, "scandir", lambda path: walks.append(path) or real_scandir(path))
    assert [service.current() for _ in range(3)] == [first] * 3
    assert walks == []
    # A file renamed into place (as the publisher, git and most editors write) moves its folder: seen at once.
    new = write_doc(service.root, "pedoman", "pedoman-baru", NEW_GUIDELINE)
    assert service.current() is not first and walks
    assert "pedoman-baru" in service.current().corpus.by_slug and new.is_file()


def test_a_file_rewritten_in_place_is_seen_after_the_full_walk_is_due(
    service: ContentService, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flask_app import content as content_module

    clock = [1000.0]
    monkeypatch.setattr(content_module.time, "monotonic", lambda: clock[0])
    _settle(service.root)
    first = service.current()
    path = service.root / "pedoman" / "pedoman-koordinasi.md"
    text = path.read_text(encoding="utf-8")
    with open(path, "r+", encoding="utf-8") as same_file:  # the same inode: its folder's time stays
        same_file.write(text.replace("title: ", "title: Baru ", 1))
    clock[0] += content_module.FULL_EVERY - 0.1
    assert service.current() is first  # not yet looked at by a request
    # The publisher, which writes by what it reads, walks the whole tree for each batch: it sees it now.
    assert service.current(full=True).corpus.by_slug["pedoman-koordinasi"].title.startswith("Baru ")
    with open(path, "r+", encoding="utf-8") as same_file:
        same_file.write(text.replace("title: ", "title: Lagi ", 1))
    clock[0] += content_module.FULL_EVERY - 0.1
    assert service.current().corpus.by_slug["pedoman-koordinasi"].title.startswith("Baru ")
    clock[0] += 0.2
    assert service.current().corpus.by_slug["pedoman-koordinasi"].title.startswith("Lagi ")


def test_a_folder_changed_just_before_it_was_read_is_read_again(service: ContentService) -> None:
    # Its time may move again within the same clock tick: it is not trusted until it is old enough.
    fingerprints = service._fingerprints
    write_doc(service.root, "pedoman", "pedoman-baru", NEW_GUIDELINE)
    _fingerprint, times = fingerprints.walk()
    assert times[str(service.root / "pedoman")] == -1
    _settle(service.root)
    _fingerprint, times = fingerprints.walk()
    assert min(times.values()) > 0 and str(service.root / "program") in times
