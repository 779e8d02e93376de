"""Issue #9's "done when": one enum field added to a schema reaches every part without a code change."""

from __future__ import annotations

import html
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from flask_app.cli import main
from site_builder.build import build_site
from site_builder.content import load
from tests.conftest import CONTENT, REPO

SCALE = """  scale:
    type: enum
    values: [desa, kota]
    label: {id: Skala wilayah, en: Settlement scale}
    help: {id: Desa atau kota., en: Village or town.}
"""
LESSONS = ("gotong-royong-perbaikan-rtlh-kabupaten-bandung", "integrasi-data-kumuh-kota-surabaya")


def _set_front_matter(path: Path, line: str) -> None:
    """Add ``line`` right after the title line of a document."""
    text = path.read_text(encoding="utf-8")
    head, _, rest = text.partition("\ntitle:")
    title_line, _, tail = rest.partition("\n")
    path.write_text(f"{head}\ntitle:{title_line}\n{line}\n{tail}", encoding="utf-8")


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of the starter content whose lesson schema gained ``scale`` (a listing column and a facet)."""
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root)
    schema = root / "_schemas" / "pembelajaran.yml"
    text = schema.read_text(encoding="utf-8")
    text = text.replace("listing: [title, contributor,", "listing: [title, scale, contributor,")
    text = text.replace("facets: [region, tags, stakeholder_group]", "facets: [region, tags, stakeholder_group, scale]")
    schema.write_text(text + SCALE, encoding="utf-8")
    _set_front_matter(root / "pembelajaran" / f"{LESSONS[0]}.md", "scale: desa")
    _set_front_matter(root / "pembelajaran" / f"{LESSONS[1]}.md", "scale: kota")
    return root


def test_a_wrong_value_is_reported_with_path_line_and_field(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tree / "pembelajaran" / "pendampingan-bsps-berbasis-kelompok-banyumas.md"
    _set_front_matter(bad, "scale: kampung")
    line = bad.read_text(encoding="utf-8").splitlines().index("scale: kampung") + 1
    assert main(["check", str(tree), "--lang", "en"]) == 1
    rel = f"{tree.as_posix()}/pembelajaran/{bad.name}"
    assert (
        f"{rel}:{line}: scale: expected one of: desa, kota but received: 'kampung'"
        in capsys.readouterr().out.splitlines()
    )
    assert main(["check", str(tree)]) == 1
    assert f"{rel}:{line}: scale: 'kampung' tidak termasuk pilihan: desa, kota" in capsys.readouterr().out.splitlines()


def test_the_field_is_in_the_panel_and_the_listing(tree: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    build_site(REPO / "mkdocs.yml", content_dir=tree, site_dir=site)
    page = (site / "pembelajaran" / LESSONS[0] / "index.html").read_text(encoding="utf-8")
    panel = re.search(r"Skala wilayah</\w+>\s*<\w+[^>]*>\s*desa\s*<", page)
    assert panel, "the metadata panel shows the new field with its value"
    listing = html.unescape((site / "pembelajaran" / "index.html").read_text(encoding="utf-8"))
    assert "Skala wilayah" in listing
    rows = re.findall(r"<tr[^>]*>.*?</tr>", listing, re.S)
    assert any(LESSONS[0] in row and ">desa<" in row for row in rows)
    assert any(LESSONS[1] in row and ">kota<" in row for row in rows)


def test_api_search_counts_the_new_facet(tree: Path, client: FlaskClient) -> None:
    # The app's content is the tree (tmp_path/content) and its index is built from it on first use.
    data = client.get("/api/search").get_json()
    assert {(v["value"], v["count"]) for v in data["facets"]["scale"]} == {("desa", 1), ("kota", 1)}
    filtered = client.get("/api/search?scale=kota").get_json()
    assert [h["slug"] for h in filtered["hits"]] == [LESSONS[1]]
    refused = client.get("/api/search?scale=kampung")
    assert refused.status_code == 400
    assert refused.get_json()["ok"] is False and "kampung" in refused.get_json()["error"]
    page = client.get("/cari").get_data(as_text=True)
    assert 'data-facet="scale"' in page and "Skala wilayah" in page


def test_the_contribution_form_has_its_control(tree: Path, logged_in: Callable[[str], FlaskClient]) -> None:
    client = logged_in("anggota")
    page = client.get("/kontribusi/pembelajaran/baru").get_data(as_text=True)
    control = re.search(r'<select id="f-scale" name="scale".*?</select>', page, re.S)
    assert control and 'value="desa"' in control.group() and 'value="kota"' in control.group()
    assert "Skala wilayah" in page
    english = client.get("/kontribusi/pembelajaran/baru?lang=en").get_data(as_text=True)
    assert "Settlement scale" in english and "Village or town." in english


def test_the_corpus_keeps_the_values(tree: Path) -> None:
    by_slug = load(tree).by_slug
    assert by_slug[LESSONS[0]].meta["scale"] == "desa"
    assert by_slug[LESSONS[1]].meta["scale"] == "kota"
