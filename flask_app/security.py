"""CSRF protection on every state-changing request (Flask-WTF's CSRFProtect) and security headers (CSP)."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from flask import Flask, Response, current_app, g, render_template, request
from flask_wtf.csrf import CSRFError, CSRFProtect, generate_csrf, validate_csrf
from wtforms import ValidationError

from flask_app.messages import _

F = TypeVar("F", bound=Callable[..., Any])

FIELD_NAME = "csrf_token"
HEADER_NAME = "X-CSRF-Token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# A lesson learned can take long to write: the token outlives a long editing session.
DEFAULT_CSRF_TIME_LIMIT = 8 * 3600

# One extension object, bound to each app by init_app; it holds only the exempt view names.
csrf = CSRFProtect()
_DEFERRED: set[str] = set()

# Flask-WTF's failure messages, as the three reasons the error page and the logs name.
_REASONS = {
    "The CSRF token is missing.": "missing",
    # No token in the session: the session expired or the cookie was dropped since the form was shown.
    "The CSRF session token is missing.": "expired",
    "The CSRF token has expired.": "expired",
}

BASE_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


def reason(message: str) -> str:
    """``missing``, ``expired`` or ``invalid`` for one of Flask-WTF's CSRF failure messages."""
    return _REASONS.get(message, "invalid")


def csrf_token() -> str:
    """A signed, timestamped form token bound to this session (also the Jinja global ``csrf_token()``)."""
    return generate_csrf()


def _view_name(view: Callable[..., Any]) -> str:
    return f"{view.__module__}.{view.__name__}"


def csrf_exempt(view: F) -> F:
    """Mark a view that takes no cookie-authenticated form posts (e.g. a public JSON API) as CSRF-exempt."""
    return csrf.exempt(view)


def csrf_deferred(view: F) -> F:
    """Let ``view`` handle a failed CSRF check itself (re-show the submitted data): see ``csrf_failure()``."""
    # CSRFProtect would refuse the request before the view runs; the view is exempt from it and checked
    # by _check_deferred instead, which records the failure for the view.
    _DEFERRED.add(_view_name(view))
    return csrf.exempt(view)


def csrf_failure() -> str | None:
    """Inside a ``csrf_deferred`` view: the Indonesian/English message when the token failed, else None."""
    return g.get("csrf_failure")


def _check_deferred() -> None:
    if request.method not in UNSAFE_METHODS or not current_app.config.get("CSRF_ENABLED", True):
        return
    view = current_app.view_functions.get(request.endpoint or "")
    if view is None or _view_name(view) not in _DEFERRED:
        return
    token = request.form.get(FIELD_NAME) or request.headers.get(HEADER_NAME)
    try:
        validate_csrf(token, time_limit=current_app.config.get("CSRF_TIME_LIMIT", DEFAULT_CSRF_TIME_LIMIT))
    except ValidationError as exc:
        g.csrf_failure = _("csrf_failed")
        g.csrf_reason = reason(str(exc.args[0]))


def _csrf_error_page(exc: CSRFError) -> tuple[str, int]:
    why = reason(exc.description or "")
    current_app.logger.info("CSRF check failed (%s) on %s %s", why, request.method, request.path)
    return render_template("csrf_error.html", reason=why), 400


_SCRIPT_RE = re.compile(r"<script>(.*?)</script>", re.S)
_JINJA_RE = re.compile(r"\{\{[^}]*\}\}")
_COMMENT_RE = re.compile(r"\{#.*?#\}", re.S)
_MAX_DEPTH = 12


@lru_cache(maxsize=1)
def theme_script_hashes() -> tuple[str, ...]:
    """CSP hashes of mkdocs-material's own inline scripts, for every base URL a built page can have.

    Material writes a few small inline scripts (local-storage helpers, palette, tabs). We allow exactly
    those by hash, computed from the installed theme's templates, so a script that reached a page any
    other way (e.g. through a contributed document) stays blocked: no 'unsafe-inline'.
    """
    try:
        import material
    except ImportError:  # pragma: no cover - material is a pinned dependency
        return ()
    folder = Path(material.__file__).parent / "templates" / "partials" / "javascripts"
    bases = [".", "/"] + ["/".join([".."] * depth) for depth in range(1, _MAX_DEPTH + 1)]
    hashes: set[str] = set()
    for template in sorted(folder.glob("*.html")):
        text = _COMMENT_RE.sub("", template.read_text(encoding="utf-8"))
        for body in _SCRIPT_RE.findall(text):
            variants = {_JINJA_RE.sub(base, body) for base in bases} if _JINJA_RE.search(body) else {body}
            for variant in variants:
                digest = hashlib.sha256(variant.encode("utf-8")).digest()
                hashes.add(f"'sha256-{base64.b64encode(digest).decode()}'")
    return tuple(sorted(hashes))


@lru_cache(maxsize=2)  # two values, built on every response otherwise
def content_security_policy(static_site: bool = False) -> str:
    """The CSP header value; pages of the built site also allow the theme's own inline scripts by hash."""
    policy = dict(BASE_CSP)
    if static_site:
        policy["script-src"] = " ".join(["'self'", *theme_script_hashes()])
    return "; ".join(f"{name} {value}" for name, value in policy.items())


def _security_headers(response: Response) -> Response:
    static_site = request.endpoint == "site"
    response.headers["Content-Security-Policy"] = content_security_policy(static_site)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Frame-Options"] = "DENY"
    if request.endpoint and request.endpoint != "site" and request.endpoint != "static":
        # Service pages may show personal data or one-time links: never cache them in shared caches.
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def init_app(app: Flask) -> None:
    """Check CSRF tokens before every unsafe request and add security headers to every response."""
    app.config.setdefault("CSRF_ENABLED", True)
    app.config.setdefault("CSRF_TIME_LIMIT", DEFAULT_CSRF_TIME_LIMIT)
    # Our settings are the one declaration; Flask-WTF reads its own names.
    app.config["WTF_CSRF_ENABLED"] = bool(app.config["CSRF_ENABLED"])
    app.config["WTF_CSRF_TIME_LIMIT"] = app.config["CSRF_TIME_LIMIT"]
    app.config["WTF_CSRF_FIELD_NAME"] = FIELD_NAME
    app.config["WTF_CSRF_HEADERS"] = [HEADER_NAME, "X-CSRFToken"]
    csrf.init_app(app)
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.jinja_env.globals["csrf_field_name"] = FIELD_NAME
    app.before_request(_check_deferred)
    app.register_error_handler(CSRFError, _csrf_error_page)
    app.after_request(_security_headers)
