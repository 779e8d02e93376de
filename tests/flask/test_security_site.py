"""The project's real built site (content/ copied to tmp_path) under the service's CSP."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from flask_app import security
from site_builder.build import build_site
from tests.browser import chromium, serve_app
from tests.conftest import CONTENT, REPO
from tests.flask.test_security import _sha

_SCRIPT_RE = re.compile(r"<script>(.*?)</script>", re.S)
_HANDLER_RE = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
_STYLE_RE = re.compile(r"<style|<[^>]+\sstyle\s*=", re.I)


@pytest.fixture(scope="module")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """content/ built once into tmp_path with the project's mkdocs.yml."""
    root = tmp_path_factory.mktemp("real-site")
    shutil.copytree(CONTENT, root / "content")
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    build_site(REPO / "mkdocs.yml", content_dir=root / "content", site_dir=root / "site")
    return root / "site"


def _pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_every_inline_script_of_the_built_site_is_allowed_by_hash(built_site):
    allowed = set(security.theme_script_hashes())
    pages = _pages(built_site)
    assert len(pages) > 20
    refused = [
        f"{page.relative_to(built_site)}: {script[:60]}"
        for page in pages
        for script in _SCRIPT_RE.findall(page.read_text(encoding="utf-8"))
        if _sha(script) not in allowed
    ]
    assert refused == []


def test_built_site_has_no_inline_event_handlers_or_styles(built_site):
    offenders = [
        str(page.relative_to(built_site))
        for page in _pages(built_site)
        if _HANDLER_RE.search(page.read_text(encoding="utf-8")) or _STYLE_RE.search(page.read_text(encoding="utf-8"))
    ]
    assert offenders == []


@pytest.mark.browser
def test_home_and_a_document_page_run_under_the_csp(built_site, make_app):
    document = next(p for p in sorted((built_site / "pedoman").iterdir()) if (p / "index.html").is_file())
    app = make_app(SITE_DIR=str(built_site))
    problems: list[str] = []
    with serve_app(app) as base, chromium() as browser:
        page = browser.new_page()
        page.on("console", lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None)
        page.on("pageerror", lambda exc: problems.append(str(exc)))
        for path in ["/", f"/pedoman/{document.name}/"]:
            response = page.goto(f"{base}{path}")
            assert response is not None and response.status == 200, path
            assert page.evaluate("typeof __md_get") == "function", path
    assert problems == []
