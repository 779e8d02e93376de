"""The one message catalogue: complete in Indonesian and English, every entry used, every used key present."""

from __future__ import annotations

import io
import string
from pathlib import Path

import jinja2
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask import Flask, render_template_string, session

from flask_app import messages
from site_builder import i18n
from site_builder.i18n_extract import extract_python_keys

ROOT = Path(__file__).resolve().parents[1]


def po(lang: str) -> dict[str, str]:
    """The messages of ``lang``'s .po file, by key."""
    with open(i18n.TRANSLATIONS_DIR / lang / "LC_MESSAGES" / "messages.po", "rb") as fh:
        catalog = read_po(fh, locale=lang)
    return {m.id: m.string for m in catalog if m.id}


def used_keys(root: Path) -> dict[str, str]:
    """The keys the code under ``root`` uses, found as ``make messages`` finds them (babel.cfg), with a place.

    Keys the code builds at run time are named in ``site_builder.i18n.RUNTIME_KEYS`` (through ``N_``), so the
    extraction finds them there: that list is the one place for dynamic keys (``f"unknown_{spec.ref}"``,
    ``_(f"contrib.status_{status}")``, ``_('role_' ~ role)``, ``f"facet_{name}"``, dashboard reasons).
    """
    with open(root / "babel.cfg") as fh:
        method_map, options_map = parse_mapping_cfg(fh, "babel.cfg")
    found: dict[str, str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(str(root), method_map, options_map):
        key = message if isinstance(message, str) else message[0]
        found.setdefault(key, f"{filename}:{lineno}")
    return found


def placeholders(text: str) -> set[str]:
    """The ``str.format`` field names of ``text`` (a format spec such as ``:.1f`` left aside)."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


# --- the catalogue files ------------------------------------------------------------------------


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_every_message_has_a_text(lang):
    empty = sorted(key for key, text in po(lang).items() if not text.strip())
    assert not empty, f"{lang}: messages without a text: {empty}"


def test_indonesian_and_english_have_the_same_keys():
    indonesian, english = set(po("id")), set(po("en"))
    assert sorted(indonesian - english) == []
    assert sorted(english - indonesian) == []
    assert len(indonesian) > 300  # every area's messages, not a stub


def test_placeholders_are_the_same_in_both_languages():
    indonesian, english = po("id"), po("en")
    differ = {
        key: (placeholders(indonesian[key]), placeholders(english[key]))
        for key in indonesian
        if placeholders(indonesian[key]) != placeholders(english.get(key, ""))
    }
    assert not differ


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_committed_mo_is_compiled_from_its_po(lang):
    folder = i18n.TRANSLATIONS_DIR / lang / "LC_MESSAGES"
    with open(folder / "messages.mo", "rb") as fh:
        compiled = {m.id: m.string for m in read_mo(fh) if m.id}
    assert compiled == po(lang), "run `make messages` to compile the .mo again"


# --- the catalogue against the code --------------------------------------------------------------


def test_every_catalogue_entry_is_used_by_code():
    unused = sorted(set(po("id")) - set(used_keys(ROOT)))
    assert not unused, f"messages no code uses (delete them, or name a built key in i18n.RUNTIME_KEYS): {unused}"


def test_every_key_the_code_uses_is_in_the_catalogue():
    used = used_keys(ROOT)
    missing = {key: where for key, where in used.items() if key not in po("id")}
    assert not missing, f"keys used in code but not in the catalogue: {missing}"


def _tree(tmp_path: Path, code: str) -> Path:
    (tmp_path / "babel.cfg").write_text(
        "[extractors]\npykeys = site_builder.i18n_extract:extract_python_keys\n\n[pykeys: pkg/**.py]\nkeywords = _\n"
    )
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "mod.py").write_text(code)
    return tmp_path


def test_the_check_sees_a_new_unused_entry_and_a_missing_key(tmp_path):
    root = _tree(tmp_path, '_("home", lang)\n_("no_such_key_yet", lang)\n')
    used = used_keys(root)
    assert set(used) == {"home", "no_such_key_yet"}
    assert "no_such_key_yet" not in po("id")  # would fail test_every_key_the_code_uses_is_in_the_catalogue
    assert "recent" in set(po("id")) - set(used)  # would fail test_every_catalogue_entry_is_used_by_code


def test_extractor_reads_fstrings_conditionals_loops_and_tables(tmp_path):
    code = (
        "def page(lang, ok, level):\n"
        "    key = 'check_ok' if ok else 'check_differs'\n"
        "    heads = [_(k, lang) for k in ('due', 'owner')]\n"
        "    source = {'kabkota': 'from_districts'}\n"
        "    note = _(source.get(level, 'own_figure'), lang)\n"
        "    return f\"## {_('rule_heading', lang)} {_(key, lang)} {_('dashboard.title', lang)}\"\n"
        "\n"
        "def other(lang):\n"
        "    return _(key, lang)  # another function's `key` is not this one's\n"
    )
    used = used_keys(_tree(tmp_path, code))
    assert set(used) == {
        "check_ok",
        "check_differs",
        "due",
        "owner",
        "from_districts",
        "own_figure",
        "rule_heading",
        "dashboard.title",
    }


def test_extractor_positions_follow_the_keyword_spec():
    code = b'Problem(rel, 1, "", "empty_file")\nadd("x", "too_long")\n'
    results = list(extract_python_keys(io.BytesIO(code), ["Problem", "add"], [], {}))
    assert (1, "Problem", (None, None, None, "empty_file"), []) in results
    assert (2, "add", ("x", None), []) in results
    assert (2, "add", (None, "too_long"), []) in results


# --- _() ------------------------------------------------------------


def test_underscore_in_both_languages_with_placeholders():
    assert i18n._("expected_list", "id", found="teks") == "harus berupa daftar, ditemukan teks"
    assert i18n._("expected_list", "en", found="text") == "expected a list, found text"
    assert (
        i18n._("build_done", "en", pages=3, seconds=1.25, site_dir="site") == "3 pages built in 1.2 seconds into site"
    )


def test_underscore_defaults_to_indonesian_outside_a_request_and_for_unknown_languages():
    assert i18n._("home") == "Beranda"
    assert i18n._("home", "fr") == "Beranda"


def test_a_missing_key_is_an_error_not_a_blank():
    with pytest.raises(KeyError, match="message key 'no_such_key' is not in the catalogue"):
        i18n._("no_such_key", "en")


# --- the service: Flask-Babel, the locale selector, templates ------------------------------------


@pytest.fixture
def app() -> Flask:
    app = Flask(__name__)
    app.secret_key = "test"
    messages.init_app(app)

    @app.route("/t")
    def page() -> str:
        return render_template_string(
            "{{ lang }}|{{ _('site_name') }}|{{ _('login_ok', name=who) }}|{% trans %}nav_login{% endtrans %}"
            "|{% trans name=who %}login_ok{% endtrans %}|{{ _('home', 'en') }}|{{ py }}",
            who="<Ani>",
            py=i18n._("nav_logout"),
        )

    @app.route("/stored")
    def stored() -> str:
        return str(session.get("lang"))

    return app


def test_service_is_indonesian_by_default(app):
    body = app.test_client().get("/t").get_data(as_text=True)
    assert body == (
        "id|Rumah Pengetahuan Pokja PKP|Selamat datang, &lt;Ani&gt;.|Masuk|Selamat datang, &lt;Ani&gt;.|Home|Keluar"
    )


def test_service_speaks_english_with_lang_and_remembers_it(app):
    client = app.test_client()
    english = client.get("/t?lang=en").get_data(as_text=True)
    assert english == ("en|Pokja PKP Knowledge House|Welcome, &lt;Ani&gt;.|Log in|Welcome, &lt;Ani&gt;.|Home|Log out")
    assert client.get("/stored").get_data(as_text=True) == "en"
    assert client.get("/t").get_data(as_text=True).startswith("en|Pokja PKP Knowledge House|")
    assert client.get("/t?lang=id").get_data(as_text=True).startswith("id|Rumah Pengetahuan Pokja PKP|")


def test_flask_babel_reports_the_selected_locale(app):
    from flask_babel import get_locale

    with app.test_request_context("/t?lang=en"):
        assert str(get_locale()) == "en"
        assert i18n.request_lang() == "en"
        assert i18n._("nav_login") == "Log in"


def test_install_jinja_gives_another_environment_the_catalogue():
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    i18n.install_jinja(env, "en")
    assert env.from_string("{{ _('tag_title', label='<b>') }}").render() == "Tag: &lt;b&gt;"
    by_context = jinja2.Environment(autoescape=True)
    i18n.install_jinja(by_context)
    template = by_context.from_string("{{ _('home') }}/{% trans %}recent{% endtrans %}")
    assert template.render(lang="en") == "Home/Recent documents"
    assert template.render() == "Beranda/Dokumen terbaru"
