"""The service's language: Flask-Babel with our locale selector, the one catalogue's ``_`` in templates.

Indonesian by default, English with ``?lang=en`` (kept in the session). The messages themselves are the
one catalogue of ``site_builder.i18n`` (``site_builder/translations/<lang>/LC_MESSAGES/messages.po``).
"""

from __future__ import annotations

from flask import Flask, has_request_context, request, session
from flask_babel import Babel

from site_builder import i18n

LANGS = i18n.LANGS
DEFAULT_LANG = i18n.DEFAULT_LANG
_ = i18n._


def current_lang() -> str:
    """The language of the current request: ``?lang=``, then the session, then Indonesian."""
    if not has_request_context():
        return DEFAULT_LANG
    asked = request.args.get("lang")
    if asked in LANGS:
        return asked
    stored = session.get("lang")
    return stored if stored in LANGS else DEFAULT_LANG


def init_app(app: Flask) -> None:
    """Flask-Babel (locale: :func:`current_lang`); remember ``?lang=``; templates get ``_``, ``lang``, ``langs``."""
    Babel(
        app,
        locale_selector=current_lang,
        default_locale=DEFAULT_LANG,
        default_domain=i18n.DOMAIN,
        default_translation_directories=str(i18n.TRANSLATIONS_DIR),
    )
    # Flask-Babel installed Jinja's i18n extension with %-formatting callables; ours format {name}.
    i18n.install_jinja(app.jinja_env)

    @app.before_request
    def _remember_lang() -> None:
        asked = request.args.get("lang")
        if asked in LANGS and session.get("lang") != asked:
            session["lang"] = asked

    @app.context_processor
    def _lang_context() -> dict[str, object]:
        return {"lang": current_lang(), "langs": LANGS}
