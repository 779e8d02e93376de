"""One settings declaration: resolution order, derived defaults, the README's table, the only reader of POKJA_*."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from flask_app import settings
from flask_app.content import mkdocs_config_path
from search.cli import content_dir, index_dir
from tests.conftest import REPO

_ROW_RE = re.compile(r"^\| (`POKJA_[A-Z_]+`|–) \| `([A-Z_]+)` \| (.+?) \| (.+) \|$")


def _readme_rows() -> dict[str, tuple[str, str, str]]:
    """The README's configuration table: config key → (variable, default, meaning)."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        match = _ROW_RE.match(line)
        if match:
            rows[match.group(2)] = (match.group(1).strip("`"), match.group(3), match.group(4))
    return rows


def test_readme_table_lists_exactly_the_declared_settings():
    rows = _readme_rows()
    declared = {s.key for s in settings.SETTINGS}
    assert sorted(declared - rows.keys()) == [], "add these settings to the README's configuration table"
    assert sorted(rows.keys() - declared) == [], "the README names settings that flask_app/settings.py lacks"
    for setting in settings.SETTINGS:
        assert rows[setting.key] == (setting.env or "–", settings.shown_default(setting), setting.help), setting.key


def test_readme_table_is_the_generated_one():
    assert settings.markdown_table() in (REPO / "README.md").read_text(encoding="utf-8")


def test_only_settings_reads_pokja_variables():
    declared = {s.env for s in settings.SETTINGS if s.env}
    readers: dict[str, set[str]] = {}
    for folder in ("flask_app", "search", "site_builder"):
        for path in (REPO / folder).rglob("*.py"):
            names = set(re.findall(r"[\"'](POKJA_[A-Z_]+)[\"']", path.read_text(encoding="utf-8")))
            if names:
                readers[path.relative_to(REPO).as_posix()] = names
    assert readers.pop("flask_app/settings.py") == declared
    assert readers == {}
    for path in [REPO / "Makefile", *Path(REPO / "scripts").glob("*.sh")]:
        used = set(re.findall(r"\b(POKJA_[A-Z_]+)\b", path.read_text(encoding="utf-8")))
        used.discard("POKJA_TEST_DATABASE_URL")  # a test-only variable, explained in scripts/run-tests.sh
        assert used <= declared, path


def test_defaults_derive_from_root_and_instance(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    values = settings.resolve({}, environ={})
    assert values["ROOT_DIR"] == str(tmp_path)
    assert values["CONTENT_DIR"] == f"{tmp_path}/content"
    assert values["INDEX_DIR"] == f"{tmp_path}/instance/index"
    assert values["DATABASE_URL"] == f"sqlite:///{tmp_path}/instance/pokja.db"
    assert values["MKDOCS_CONFIG"] == f"{tmp_path}/mkdocs.yml"
    assert (values["SECURE_COOKIES"], values["MAX_UPLOAD_BYTES"], values["CSRF_TIME_LIMIT"]) == (
        False,
        10 * 1024 * 1024,
        8 * 3600,
    )


def test_overrides_beat_variables_and_derived_defaults_follow_them(tmp_path):
    environ = {"POKJA_ROOT": str(tmp_path / "akar"), "POKJA_INDEX": str(tmp_path / "idx"), "POKJA_SITE": ""}
    values = settings.resolve({"INSTANCE_DIR": str(tmp_path / "inst"), "TESTING": True}, environ=environ)
    assert values["INSTANCE_DIR"] == str(tmp_path / "inst")
    assert values["UPLOAD_DIR"] == f"{tmp_path / 'inst'}/uploads"
    assert values["INDEX_DIR"] == str(tmp_path / "idx")
    assert values["SITE_DIR"] == f"{tmp_path / 'akar'}/site"  # an empty variable counts as unset
    assert values["TESTING"] is True
    assert settings.resolve({"INDEX_DIR": "/x"}, environ=environ)["INDEX_DIR"] == "/x"


def test_variables_are_read_as_the_defaults_type():
    environ = {
        "POKJA_SECURE_COOKIES": "yes",
        "POKJA_SEARCH_AUTO_BUILD": "0",
        "POKJA_MAX_UPLOAD_BYTES": "2048",
        "POKJA_PUBLISH_LOCK_TIMEOUT": "2.5",
    }
    values = settings.resolve({}, environ=environ)
    assert values["SECURE_COOKIES"] is True
    assert values["SEARCH_AUTO_BUILD"] is False
    assert values["MAX_UPLOAD_BYTES"] == 2048
    assert values["PUBLISH_LOCK_TIMEOUT"] == 2.5


@pytest.mark.parametrize(
    ("variable", "text", "message"),
    [
        (
            "POKJA_MAX_UPLOAD_BYTES",
            "10MB",
            "POKJA_MAX_UPLOAD_BYTES: '10MB' bukan bilangan bulat / '10MB' is not an integer",
        ),
        (
            "POKJA_PUBLISH_LOCK_TIMEOUT",
            "lama",
            "POKJA_PUBLISH_LOCK_TIMEOUT: 'lama' bukan bilangan / 'lama' is not a number",
        ),
        ("POKJA_SECURE_COOKIES", "mungkin", "POKJA_SECURE_COOKIES: 'mungkin' bukan nilai ya/tidak (1/0)"),
    ],
)
def test_a_bad_variable_names_itself(variable, text, message):
    with pytest.raises(settings.SettingError) as raised:
        settings.resolve({}, environ={variable: text})
    assert str(raised.value).startswith(message)


def test_create_app_publisher_and_search_cli_resolve_through_the_settings(make_app, tmp_path, monkeypatch):
    monkeypatch.setenv("POKJA_ROOT", str(tmp_path / "akar"))
    monkeypatch.setenv("POKJA_MAX_UPLOAD_BYTES", "4096")
    monkeypatch.delenv("POKJA_INDEX", raising=False)
    monkeypatch.delenv("POKJA_CONTENT", raising=False)
    monkeypatch.delenv("POKJA_INSTANCE", raising=False)
    app = make_app(INDEX_DIR="")
    assert app.config["MAX_UPLOAD_BYTES"] == 4096
    assert app.config["INDEX_DIR"] == f"{tmp_path / 'instance'}/index"
    assert mkdocs_config_path(app.config) == tmp_path / "akar" / "mkdocs.yml"
    assert index_dir(None) == tmp_path / "akar" / "instance" / "index"
    assert content_dir(None) == tmp_path / "akar" / "content"
    assert index_dir("elsewhere") == Path("elsewhere")
    from flask_app.db import dispose

    dispose(app)
