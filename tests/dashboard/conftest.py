"""Fixtures of the dashboard tests: the starter content built once into a temporary folder."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from tests.conftest import CONTENT, REPO

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


@dataclass(frozen=True)
class BuiltSite:
    """A content tree copied from the starter content and the site built from it."""

    content: Path
    site: Path


def build_copy(base: Path, content_source: Path = CONTENT) -> BuiltSite:
    """Copy ``content_source`` under ``base``, write a test mkdocs.yml there, build strictly."""
    from site_builder.build import build_site

    content = base / "content"
    shutil.copytree(content_source, content)
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    config["plugins"] = [{"pokja": {"today": "2026-06-01", "cache_dir": str(base / "cache")}}]
    config_path = base / "mkdocs.yml"
    config_path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    build_site(config_path, content_dir=content, site_dir=base / "site", strict=True)
    return BuiltSite(content, base / "site")


@pytest.fixture(scope="session")
def starter_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """The repository's starter content, copied and built once per test session."""
    return build_copy(tmp_path_factory.mktemp("starter"))
