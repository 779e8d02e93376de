"""Issue #13, Why 1 and 4: a reserved slug or an unchecked reference never wedges publication or the site."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.flask.test_contribute import post_form, text
from tests.flask.test_publish import approve, lesson, people, pub_app, run_publish, state, submit  # noqa: F401

REPO = Path(__file__).resolve().parents[2]


def test_a_lesson_titled_index_never_takes_the_listing_and_the_next_one_publishes(pub_app, people):  # noqa: F811
    member, moderator = people
    sid = submit(pub_app, member, lesson("Index"))
    approve(pub_app, sid, moderator)
    result = run_publish(pub_app, sid, moderator)
    assert result.ok, result.error
    assert result.path == "pembelajaran/index-2.md"
    site = Path(pub_app.config["SITE_DIR"])
    assert (site / "pembelajaran" / "index.html").is_file()  # the generated listing is still there
    later = submit(pub_app, member, lesson("Pelajaran berikutnya"))
    approve(pub_app, later, moderator)
    assert run_publish(pub_app, later, moderator).ok


def test_pokja_check_and_pokja_new_refuse_a_reserved_slug(tmp_path: Path) -> None:
    tree = tmp_path / "content"
    shutil.copytree(REPO / "content", tree)
    source = next((tree / "pembelajaran").glob("*.md"))
    shutil.copy(source, tree / "pembelajaran" / "index.md")
    pokja = str(Path(sys.executable).parent / "pokja")
    checked = subprocess.run([pokja, "check", str(tree)], capture_output=True, text=True, check=False)
    assert checked.returncode == 1
    expected = "pembelajaran/index.md:2: nama berkas 'index' dipakai oleh halaman yang dibuat situs sendiri"
    assert expected in checked.stdout
    (tree / "pembelajaran" / "index.md").unlink()
    new = subprocess.run(
        [pokja, "new", "pembelajaran", "Index"],
        capture_output=True,
        text=True,
        check=False,
        env={"POKJA_CONTENT": str(tree), "PATH": "/usr/bin:/bin"},
    )
    assert new.returncode == 2
    assert "nama berkas 'index' dipakai oleh halaman yang dibuat situs sendiri" in new.stderr
    assert not (tree / "pembelajaran" / "index.md").exists()


def test_an_unknown_program_reference_is_refused_in_the_form(app, logged_in) -> None:
    member = logged_in("anggota")
    response = post_form(member, program="tidak-ada-program")
    assert response.status_code == 400
    assert "tidak-ada-program" in text(response)
    wrong_type = post_form(member, program="pengertian-pokja-pkp")  # a guideline, not a programme
    assert wrong_type.status_code == 400
    assert "pengertian-pokja-pkp" in text(wrong_type)


def test_the_publisher_refuses_an_unknown_reference_before_writing(pub_app, people):  # noqa: F811
    member, moderator = people
    sid = submit(pub_app, member, lesson("Rujukan hilang", program="tidak-ada-program"))
    approve(pub_app, sid, moderator)
    result = run_publish(pub_app, sid, moderator)
    assert not result.ok and "tidak-ada-program" in (result.error or "")
    assert not (Path(pub_app.config["CONTENT_DIR"]) / "pembelajaran" / "rujukan-hilang.md").exists()
    later = submit(pub_app, member, lesson("Sesudah rujukan hilang"))
    approve(pub_app, later, moderator)
    assert run_publish(pub_app, later, moderator).ok
    assert state(pub_app, sid).status == "disetujui"


def test_after_an_index_lesson_a_full_build_and_a_restart_keep_every_page(pub_app, people):  # noqa: F811
    from flask_app.cli_accounts import ensure_site
    from site_builder.build import build_site

    member, moderator = people
    sid = submit(pub_app, member, lesson("Index"))
    approve(pub_app, sid, moderator)
    assert run_publish(pub_app, sid, moderator).ok
    site = Path(pub_app.config["SITE_DIR"])
    content = Path(pub_app.config["CONTENT_DIR"])
    build_site(Path(pub_app.config["MKDOCS_CONFIG"]), content_dir=content, site_dir=site)
    pages = sorted(str(p.relative_to(site)) for p in site.rglob("index.html"))
    assert "pembelajaran/index.html" in pages and "pembelajaran/index-2/index.html" in pages
    # A restart (pokja serve's start-up step) after content/ changed rebuilds the site: nothing is lost.
    (content / "pembelajaran" / "index-2.md").touch()
    with pub_app.app_context():
        said = ensure_site(pub_app)
    assert said.startswith("Situs dibangun dari"), said  # rebuilt, not skipped and not failed
    assert sorted(str(p.relative_to(site)) for p in site.rglob("index.html")) == pages
