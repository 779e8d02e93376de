"""The one message catalogue: gettext catalogues (Babel ``.po``/``.mo``) in Indonesian and English, one ``_()``.

The catalogues are ``site_builder/translations/<lang>/LC_MESSAGES/messages.po`` (compiled to the
``.mo`` beside them by ``make messages``). A msgid is the message's stable key, not a source text:
call sites and tests name messages by key, so a text can change without touching either. Texts hold
``str.format`` placeholders (``{name}``). A new language is one more ``.po`` file plus the schema labels.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import jinja2
from babel.support import Translations

DEFAULT_LANG = "id"
DOMAIN = "messages"
TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"
# Every language with a catalogue, Indonesian first: a new language is a new <lang>/LC_MESSAGES/messages.po.
LANGS = (
    DEFAULT_LANG,
    *sorted(
        d.name
        for d in TRANSLATIONS_DIR.iterdir()
        if d.name != DEFAULT_LANG and (d / "LC_MESSAGES" / f"{DOMAIN}.po").is_file()
    ),
)


def N_(key: str) -> str:
    """Mark a key the code builds at run time (gettext's no-op marker), so extraction keeps it."""
    return key


# Keys the code builds at run time (an f-string, a loop over names, a key passed on in a variable):
# Babel's extractor cannot see them at their call sites, so they are named here; `make messages`
# would otherwise mark them obsolete. When a call site passes a literal key, drop it from this list.
RUNTIME_KEYS = (
    # flask_app/notify.py: _(f"mail.{key}.subject"), one pair per mail; the action labels passed on by name
    N_("mail.set_password"),
    N_("mail.open"),
    N_("mail.invitation.subject"),
    N_("mail.invitation.body"),
    N_("mail.reset.subject"),
    N_("mail.reset.body"),
    N_("mail.review_waiting.subject"),
    N_("mail.review_waiting.body"),
    N_("mail.sent_back.subject"),
    N_("mail.sent_back.body"),
    N_("mail.approved.subject"),
    N_("mail.approved.body"),
    N_("mail.published.subject"),
    N_("mail.published.body"),
    N_("mail.rejected.subject"),
    N_("mail.rejected.body"),
    N_("mail.publish_failed.subject"),
    N_("mail.publish_failed.body"),
    N_("mail.doc_changed.subject"),
    N_("mail.doc_changed.body"),
    # site_builder/content.py: f"unknown_{spec.ref}", one per reference list a schema field can name
    N_("unknown_region"),
    N_("unknown_tag"),
    N_("unknown_stakeholder_group"),
    N_("unknown_reference"),
    N_("unknown_indicator"),
    # flask_app/contribute.py, moderate.py: _(f"contrib.status_{status}"), one per submission status
    N_("contrib.status_diajukan"),
    N_("contrib.status_perlu_revisi"),
    N_("contrib.status_disetujui"),
    N_("contrib.status_ditolak"),
    N_("contrib.status_diterbitkan"),
    # flask_app/templates/moderate/review.html: _('edit.kind_' ~ kind), one per kind of edit proposal
    N_("edit.kind_sunting"),
    N_("edit.kind_pulihkan"),
    N_("edit.kind_cabut"),
    # flask_app/templates (admin, account): _('role_' ~ role), one per role
    N_("role_anggota"),
    N_("role_pelatih"),
    N_("role_sekretariat"),
    N_("role_moderator"),
    N_("role_admin"),
    # search/query.py Vocabulary: f"facet_{name}", the structural facets (the others take schema labels)
    N_("facet_type"),
    N_("facet_year"),
    # generators/dashboard_blocks.py reason_text: why site_builder.aggregate left a figure out
    N_("covered_by_province"),
    N_("covered_by_nation"),
    N_("no_base"),
    # generators/dashboard_map.py: f"map_class_{cls}" per colour class, f"map_{kind}_title" per map
    N_("map_class_c1"),
    N_("map_class_c2"),
    N_("map_class_c3"),
    N_("map_class_c4"),
    N_("map_class_none"),
    N_("map_achievement_title"),
    N_("map_completeness_title"),
    # site_builder/fields/base.py kind_name: Phrase(f"kind_{name}"), what a YAML value was found to be
    N_("kind_null"),
    N_("kind_str"),
    N_("kind_int"),
    N_("kind_float"),
    N_("kind_bool"),
    N_("kind_list"),
    N_("kind_dict"),
    N_("kind_date"),
    N_("kind_datetime"),
    # site_builder/generators/dashboard_completeness.py: _(f"completeness.status_{status}")
    N_("completeness.status_reported"),
    N_("completeness.status_partial"),
    N_("completeness.status_pending"),
    N_("completeness.status_late"),
)


@functools.cache
def translations(lang: str) -> Translations:
    """The compiled catalogue of ``lang``, loaded once per process; an unknown language is a ``KeyError``."""
    loaded = Translations.load(str(TRANSLATIONS_DIR), [lang], DOMAIN)
    if not isinstance(loaded, Translations):  # Babel returns NullTranslations when no .mo exists
        raise KeyError(f"no message catalogue for language {lang!r} in {TRANSLATIONS_DIR}")
    return loaded


# ``_catalog`` is gettext.GNUTranslations' dict of the compiled messages: read directly so that a missing
# key is told apart from a text equal to its key (gettext() returns the msgid in both cases).


def keys(lang: str = DEFAULT_LANG) -> frozenset[str]:
    """Every message key of ``lang``'s catalogue."""
    return frozenset(k for k in translations(lang)._catalog if isinstance(k, str) and k)


def has(key: str, lang: str = DEFAULT_LANG) -> bool:
    """Whether the catalogue holds ``key``."""
    return key in translations(lang)._catalog


def request_lang() -> str:
    """The current Flask request's language (Flask-Babel's ``get_locale``); Indonesian outside a request."""
    try:
        from flask import current_app, has_request_context
    except ImportError:  # the site builder runs without the service's dependencies
        return DEFAULT_LANG
    if not has_request_context() or "babel" not in current_app.extensions:
        return DEFAULT_LANG
    from flask_babel import get_locale

    locale = get_locale()
    return str(locale) if locale is not None and str(locale) in LANGS else DEFAULT_LANG


def _(key: str, lang: str | None = None, **params: Any) -> str:
    """The message ``key`` in ``lang`` (None: the request's language), formatted with ``params``.

    A key missing from the catalogue is a bug and raises ``KeyError``; a language that lacks the key
    falls back to Indonesian, as an unknown language does.
    """
    lang = lang or request_lang()
    catalogue = translations(lang if lang in LANGS else DEFAULT_LANG)._catalog
    template = catalogue.get(key) or translations(DEFAULT_LANG)._catalog.get(key)
    if not template:
        raise KeyError(f"message key {key!r} is not in the catalogue ({TRANSLATIONS_DIR})")
    return template.format(**params) if params else template


def install_jinja(env: jinja2.Environment, lang: str | None = None) -> None:
    """Give ``env`` Jinja's i18n extension with our ``_``: ``{{ _('key', name=x) }}``, ``{% trans %}key{% endtrans %}``.

    The language is ``lang``, else the template's ``lang`` variable, else the request's language.
    """
    env.add_extension("jinja2.ext.i18n")

    @jinja2.pass_context
    def gettext(context: jinja2.runtime.Context, key: str, in_lang: str | None = None, **params: Any) -> str:
        return _(key, in_lang or lang or context.get("lang"), **params)

    @jinja2.pass_context
    def ngettext(
        context: jinja2.runtime.Context, singular: str, plural: str, n: int, in_lang: str | None = None, **params: Any
    ) -> str:
        return _(singular if n == 1 else plural, in_lang or lang or context.get("lang"), **params)

    # Set directly, not through install_gettext_callables: its newstyle wrapper formats with %, our texts use {}.
    env.globals.update(gettext=gettext, ngettext=ngettext)
    env.newstyle_gettext = True  # {% trans name=x %} passes name as a keyword, not through %
