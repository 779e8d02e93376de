"""CSRF protection on every state-changing request and security headers (CSP) on every response."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from flask import Flask, Response, current_app, g, render_template, request, session
from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer

from flask_app.messages import _

F = TypeVar("F", bound=Callable[..., Any])

FIELD_NAME = "csrf_token"
HEADER_NAME = "X-CSRF-Token"
SESSION_KEY = "_csrf"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# A lesson learned can take long to write: the token outlives a long editing session.
DEFAULT_CSRF_TIME_LIMIT = 8 * 3600

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


class CSRFError(Exception):
    """A missing, expired or mismatched CSRF token; ``reason`` is missing, expired or invalid."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="pokja-csrf")


def csrf_token() -> str:
    """A signed, timestamped form token bound to this session (also the Jinja global ``csrf_token()``)."""
    if SESSION_KEY not in session:
        session[SESSION_KEY] = secrets.token_hex(20)
    if "_csrf_signed" not in g:
        g._csrf_signed = _serializer().dumps(session[SESSION_KEY])
    return g._csrf_signed


def validate_csrf(token: str | None) -> None:
    """Raise CSRFError unless ``token`` was issued for this session within the time limit."""
    if not token:
        raise CSRFError("missing")
    raw = session.get(SESSION_KEY)
    if not raw:
        # No token in the session: the session expired or the cookie was dropped since the form was shown.
        raise CSRFError("expired")
    limit = current_app.config.get("CSRF_TIME_LIMIT", DEFAULT_CSRF_TIME_LIMIT)
    try:
        value = _serializer().loads(token, max_age=limit)
    except SignatureExpired as exc:
        raise CSRFError("expired") from exc
    except BadData as exc:
        raise CSRFError("invalid") from exc
    if not isinstance(value, str) or not hmac.compare_digest(value, raw):
        raise CSRFError("invalid")


def csrf_exempt(view: F) -> F:
    """Mark a view that takes no cookie-authenticated form posts (e.g. a public JSON API) as CSRF-exempt."""
    view.csrf_exempt = True  # type: ignore[attr-defined]
    return view


def csrf_deferred(view: F) -> F:
    """Let ``view`` handle a failed CSRF check itself (re-show the submitted data): see ``csrf_failure()``."""
    view.csrf_deferred = True  # type: ignore[attr-defined]
    return view


def csrf_failure() -> str | None:
    """Inside a ``csrf_deferred`` view: the Indonesian/English message when the token failed, else None."""
    return g.get("csrf_failure")


def _check_request() -> None:
    if request.method not in UNSAFE_METHODS or not current_app.config.get("CSRF_ENABLED", True):
        return
    view = current_app.view_functions.get(request.endpoint or "")
    if view is None or getattr(view, "csrf_exempt", False):
        return
    try:
        validate_csrf(request.form.get(FIELD_NAME) or request.headers.get(HEADER_NAME))
    except CSRFError as exc:
        if getattr(view, "csrf_deferred", False):
            g.csrf_failure = _("csrf_failed")
            g.csrf_reason = exc.reason
            return
        raise


def _csrf_error_page(exc: CSRFError) -> tuple[str, int]:
    current_app.logger.info("CSRF check failed (%s) on %s %s", exc.reason, request.method, request.path)
    return render_template("csrf_error.html", reason=exc.reason), 400


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
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.jinja_env.globals["csrf_field_name"] = FIELD_NAME
    app.before_request(_check_request)
    app.register_error_handler(CSRFError, _csrf_error_page)
    app.after_request(_security_headers)
