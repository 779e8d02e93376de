"""The service's language: Flask-Babel with our locale selector, the one catalogue's ``_`` in templates.

Indonesian by default, English with ``?lang=en`` (kept in the session). The messages themselves are the
one catalogue of ``site_builder.i18n`` (``site_builder/translations/<lang>/LC_MESSAGES/messages.po``).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import Babel

from site_builder import i18n
from site_builder.formatting import fmt_date, fmt_datetime

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


def local_zone(name: str) -> dt.tzinfo:
    """The configured time zone; Western Indonesia Time (UTC+7) when the system has no zone data for it."""
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return dt.timezone(dt.timedelta(hours=7), "WIB")


def show_date(value: dt.date | dt.datetime | str | None) -> str:
    """A date or a time as the site writes it (``1 Maret 2024``, ``1 Maret 2024 14.05 WIB``); empty for none."""
    if not value:
        return ""
    if isinstance(value, str):  # an ISO date from the search index
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        return fmt_datetime(value, current_lang(), local_zone(current_app.config.get("TIMEZONE", "Asia/Jakarta")))
    return fmt_date(value, current_lang())


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
    # One date format for the site and the service: the site's (site_builder.formatting).
    app.jinja_env.filters["tanggal"] = show_date

    @app.before_request
    def _remember_lang() -> None:
        asked = request.args.get("lang")
        if asked in LANGS and session.get("lang") != asked:
            session["lang"] = asked

    @app.context_processor
    def _lang_context() -> dict[str, object]:
        return {"lang": current_lang(), "langs": LANGS}
