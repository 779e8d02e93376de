"""Every setting of the service and the ``pokja`` commands, declared once: config key, variable, default, help.

``resolve()`` is the only reader of ``POKJA_*`` environment variables. ``create_app``, the ``pokja`` command,
the publisher and ``pokja index`` all take their folders and limits from it; the README's configuration
table is ``markdown_table()`` (a test compares the two).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Setting:
    """One setting: its config key, its environment variable (None: config only), default and help text.

    A string default may name settings declared before it, as ``{ROOT_DIR}`` or ``{INSTANCE_DIR}``;
    ``{CWD}`` is the current directory. The default's type decides how the variable's text is read.
    """

    key: str
    env: str | None
    default: Any
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("ROOT_DIR", "POKJA_ROOT", "{CWD}", "project root holding `content/`, `site/`, `instance/`, `mkdocs.yml`"),
    Setting("INSTANCE_DIR", "POKJA_INSTANCE", "{ROOT_DIR}/instance", "SQLite database, secret key, uploads, index"),
    Setting("CONTENT_DIR", "POKJA_CONTENT", "{ROOT_DIR}/content", "the Markdown content tree (source of truth)"),
    Setting("SITE_DIR", "POKJA_SITE", "{ROOT_DIR}/site", "the built static site served at `/`"),
    Setting("MKDOCS_CONFIG", "POKJA_MKDOCS_CONFIG", "{ROOT_DIR}/mkdocs.yml", "MkDocs configuration of the site"),
    Setting("INDEX_DIR", "POKJA_INDEX", "{INSTANCE_DIR}/index", "the Whoosh search index folder"),
    Setting("SEARCH_AUTO_BUILD", "POKJA_SEARCH_AUTO_BUILD", True, "build a missing search index on the first search"),
    Setting(
        "DATABASE_URL", "POKJA_DATABASE_URL", "sqlite:///{INSTANCE_DIR}/pokja.db", "or `postgresql+psycopg://u@h/db`"
    ),
    Setting(
        "SECRET_KEY",
        "POKJA_SECRET_KEY",
        "",
        "signs session cookies and form tokens; empty: a random key kept in `<instance>/secret_key`",
    ),
    Setting(
        "BASE_URL",
        "POKJA_BASE_URL",
        "http://127.0.0.1:8000",
        "public address: one-time links, and the site's `site_url` (absolute links in feeds and sitemap)",
    ),
    Setting("TIMEZONE", "POKJA_TIMEZONE", "Asia/Jakarta", "time zone of the times the service shows (WIB, WITA, WIT)"),
    Setting("SECURE_COOKIES", "POKJA_SECURE_COOKIES", False, "`1`: session cookie over HTTPS only"),
    Setting("SESSION_HOURS", "POKJA_SESSION_HOURS", 12, "a login session lasts this many hours"),
    Setting(
        "FRESH_LOGIN_SECONDS",
        "POKJA_FRESH_LOGIN_SECONDS",
        900,
        "moderation and administration ask for the password again after this many seconds",
    ),
    Setting(
        "LOGIN_MAX_FAILURES",
        "POKJA_LOGIN_MAX_FAILURES",
        5,
        "failed logins for one email address (from any client) that lock the form for it",
    ),
    Setting(
        "LOGIN_MAX_FAILURES_PER_CLIENT",
        "POKJA_LOGIN_MAX_FAILURES_PER_CLIENT",
        20,
        "failed logins from one client address (for any accounts) that lock the form for it",
    ),
    Setting("LOGIN_FAILURE_MINUTES", "POKJA_LOGIN_FAILURE_MINUTES", 15, "minutes in which those failures count"),
    Setting("PASSWORD_LINK_HOURS", "POKJA_PASSWORD_LINK_HOURS", 72, "hours until a one-time set-password link expires"),
    Setting("CSRF_ENABLED", None, True, "check form tokens on every unsafe request (tests may turn it off)"),
    Setting("CSRF_TIME_LIMIT", "POKJA_CSRF_TIME_LIMIT", 8 * 3600, "seconds a form token stays valid"),
    Setting("UPLOAD_DIR", "POKJA_UPLOAD_DIR", "{INSTANCE_DIR}/uploads", "contribution attachments before publication"),
    Setting("MAX_UPLOAD_BYTES", "POKJA_MAX_UPLOAD_BYTES", 10 * 1024 * 1024, "size limit of one attachment"),
    Setting(
        "UPLOAD_QUOTA_ACCOUNT_BYTES",
        "POKJA_UPLOAD_QUOTA_ACCOUNT_BYTES",
        100 * 1024 * 1024,
        "attachments one account may keep in the upload folder",
    ),
    Setting(
        "UPLOAD_QUOTA_TOTAL_BYTES",
        "POKJA_UPLOAD_QUOTA_TOTAL_BYTES",
        5 * 1024**3,
        "attachments all accounts together may keep in the upload folder",
    ),
    Setting(
        "UPLOAD_UNSENT_HOURS",
        "POKJA_UPLOAD_UNSENT_HOURS",
        24.0,
        "hours an attachment of a form never sent (a preview, a refused post) is kept before the sweep removes it",
    ),
    Setting(
        "UPLOAD_SWEEP_MINUTES",
        "POKJA_UPLOAD_SWEEP_MINUTES",
        60.0,
        "the service sweeps unsent attachments this often (`0`: only `pokja unggahan bersihkan`)",
    ),
    Setting("PREVIEWS_PER_HOUR", "POKJA_PREVIEWS_PER_HOUR", 120, "previews of contribution forms per account and hour"),
    Setting(
        "SUBMISSIONS_PER_HOUR",
        "POKJA_SUBMISSIONS_PER_HOUR",
        30,
        "contributions sent (new or revised) per account and hour",
    ),
    Setting("PUBLISH_LOCK", "POKJA_PUBLISH_LOCK", "{INSTANCE_DIR}/publish.lock", "lock file of the one publisher"),
    Setting("PUBLISH_LOCK_TIMEOUT", "POKJA_PUBLISH_LOCK_TIMEOUT", 30.0, "seconds a publication waits for the lock"),
    Setting(
        "PUBLISH_WORKER",
        "POKJA_PUBLISH_WORKER",
        True,
        "publish approvals from a thread of the service; `0` on nodes where `pokja publisher` runs apart",
    ),
    Setting(
        "GIT_REMOTE",
        "POKJA_GIT_REMOTE",
        "",
        "git remote of `content/`: the publisher pulls (rebase) before writing and pushes after; `pokja sync` pulls",
    ),
    Setting(
        "SYNC_SECONDS",
        "POKJA_SYNC_SECONDS",
        60,
        "with a git remote: `pokja serve` pulls every this many seconds; `0`: never",
    ),
    Setting(
        "SYNC_NODES",
        "POKJA_SYNC_NODES",
        "",
        "comma-separated base URLs of the service nodes the publisher asks to sync (`POST /_sync`) after publishing",
    ),
    Setting("SYNC_SECRET", "POKJA_SYNC_SECRET", "", "shared secret of `POST /_sync`; empty: the endpoint refuses"),
    Setting(
        "SMTP_URL",
        "POKJA_SMTP_URL",
        "",
        "`smtp://user:pass@host:587` (STARTTLS if offered) or `smtps://…`; empty: `.eml` files in `<instance>/outbox`",
    ),
    Setting(
        "SMTP_CA_FILE", "POKJA_SMTP_CA_FILE", "", "extra CA certificate file the SMTP server's TLS is checked against"
    ),
    Setting("MAIL_FROM", "POKJA_MAIL_FROM", "Pokja PKP <noreply@localhost>", "sender address of every mail"),
    Setting(
        "MAIL_RETRY_HOURS",
        "POKJA_MAIL_RETRY_HOURS",
        24.0,
        "hours a mail is retried (with backoff) before it is marked failed",
    ),
    Setting(
        "MAIL_MAX_PER_HOUR", "POKJA_MAIL_MAX_PER_HOUR", 20, "mails per recipient and hour; more are dropped and logged"
    ),
    Setting("MAIL_WORKER", "POKJA_MAIL_WORKER", True, "send the outbox from a background thread of the service"),
    Setting(
        "REPORT_DEADLINE",
        "POKJA_REPORT_DEADLINE",
        "03-31",
        "month-day (MM-DD) of the year after a target year by which realisation is due; later it is late",
    ),
    Setting(
        "SELF_APPROVAL",
        "POKJA_SELF_APPROVAL",
        False,
        "`1`: a moderator may approve their own proposal (a Pokja with one moderator; the audit log records it)",
    ),
)

BY_KEY: dict[str, Setting] = {setting.key: setting for setting in SETTINGS}
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
_PLACEHOLDER_RE = re.compile(r"\{([A-Z_]+)\}")
# Settings whose value becomes an absolute path: Flask needs an absolute instance folder.
_ABSOLUTE = ("ROOT_DIR", "INSTANCE_DIR")


class SettingError(ValueError):
    """A setting's variable holds text that cannot be read as the setting's type."""


def _parse(setting: Setting, text: str) -> Any:
    """The value of ``text`` read as the type of the setting's default."""
    default = setting.default
    value = text.strip()
    if isinstance(default, bool):
        if value.lower() in _TRUE:
            return True
        if value.lower() in _FALSE:
            return False
        raise SettingError(f"{setting.env}: {text!r} bukan nilai ya/tidak (1/0) / {text!r} is not a yes/no value (1/0)")
    if isinstance(default, int | float):
        try:
            return type(default)(value)
        except ValueError:
            kinds = ("bilangan bulat", "an integer") if isinstance(default, int) else ("bilangan", "a number")
            raise SettingError(f"{setting.env}: {text!r} bukan {kinds[0]} / {text!r} is not {kinds[1]}") from None
    return text


def _fill(template: str, values: Mapping[str, Any]) -> str:
    return _PLACEHOLDER_RE.sub(lambda match: str(values[match.group(1)]), template)


def resolve(overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Every setting's value: ``overrides`` first, then its ``POKJA_*`` variable, then its default.

    An empty override or variable counts as unset. Keys of ``overrides`` that are no declared setting
    (``TESTING``, ...) are passed through unchanged.
    """
    overrides = dict(overrides or {})
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {"CWD": str(Path.cwd())}
    for setting in SETTINGS:
        given = overrides.get(setting.key)
        if given is not None and given != "":
            value = given
        elif setting.env and environ.get(setting.env, "") != "":
            value = _parse(setting, environ[setting.env])
        elif isinstance(setting.default, str):
            value = _fill(setting.default, values)
        else:
            value = setting.default
        if setting.key in _ABSOLUTE:
            value = str(Path(value).resolve())
        values[setting.key] = value
    del values["CWD"]
    return {**overrides, **values}


def shown_default(setting: Setting) -> str:
    """The default as the README shows it (Markdown: ```<root>/content```, ```0```, empty)."""
    default = setting.default
    if default == "":
        return "empty"
    if default == "{CWD}":
        return "current directory"
    if isinstance(default, bool):
        return "`1`" if default else "`0`"
    text = str(default).replace("{ROOT_DIR}", "<root>").replace("{INSTANCE_DIR}", "<instance>")
    return f"`{text}`"


def markdown_table() -> str:
    """The README's configuration table: one row per setting."""
    lines = ["| variable | config key | default | meaning |", "| --- | --- | --- | --- |"]
    for setting in SETTINGS:
        env = f"`{setting.env}`" if setting.env else "–"
        lines.append(f"| {env} | `{setting.key}` | {shown_default(setting)} | {setting.help} |")
    return "\n".join(lines)


def given(key: str, environ: Mapping[str, str] | None = None) -> bool:
    """Whether the setting's variable is set (not empty), rather than its default in force."""
    environ = os.environ if environ is None else environ
    env = BY_KEY[key].env
    return bool(env and environ.get(env, "") != "")


def site_url(environ: Mapping[str, str] | None = None) -> str:
    """The site's public address with a trailing slash (mkdocs ``site_url`` when mkdocs.yml sets none)."""
    return str(resolve(environ=environ)["BASE_URL"]).rstrip("/") + "/"


def report_deadline(environ: Mapping[str, str] | None = None) -> str:
    """The reporting deadline as MM-DD of the following year (the dashboard's completeness reads it)."""
    return str(resolve(environ=environ)["REPORT_DEADLINE"])
