"""Flask service: search, contributions, moderation, administration, and the built site on one origin.

Every setting is declared once in ``flask_app/settings.py`` (the README's "Configuration" table lists them);
``create_app(config)`` overrides any of them with their config keys.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from flask import Flask, abort, render_template, send_from_directory

# Blueprint modules, each exposing ``bp`` (and optionally ``init_app(app)``). Add a module to add an area.
BLUEPRINT_MODULES: list[str] = [
    "flask_app.auth",
    "flask_app.admin",
    "flask_app.search",
    "flask_app.contribute",
    "flask_app.docx_form",
    "flask_app.pdf_service",
    "flask_app.moderate",
    "flask_app.report",
    "flask_app.notify",
    "flask_app.reader",
    "flask_app.sync",
    "flask_app.edits",
    "flask_app.history",
]


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build a fresh app; ``config`` overrides the settings' defaults and their POKJA_* variables."""
    from flask_app import settings

    resolved = settings.resolve(config)
    app = Flask(__name__, instance_path=resolved["INSTANCE_DIR"], instance_relative_config=True)
    app.config.from_mapping(resolved)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path))

    from flask_app import compression, content, db, messages, security

    # Import every area first so all their tables exist before db.init_app creates them.
    modules = [importlib.import_module(name) for name in BLUEPRINT_MODULES]
    messages.init_app(app)
    content.init_app(app)
    db.init_app(app)
    security.init_app(app)
    compression.init_app(app)
    for module in modules:
        if hasattr(module, "init_app"):
            module.init_app(app)
        app.register_blueprint(module.bp)

    @app.errorhandler(403)
    def forbidden(exc: Exception) -> tuple[str, int]:
        # An out-of-scope refusal (flask_app/regions.py) says which region is another Pokja's.
        return render_template("error.html", status=403, message=getattr(exc, "message", None)), 403

    @app.errorhandler(404)
    def not_found(_exc: Exception) -> tuple[str, int]:
        site_404 = Path(app.config["SITE_DIR"]) / "404.html"
        if site_404.is_file():
            # The built site's own 404 page keeps the site's look for mistyped content URLs.
            response = send_from_directory(site_404.parent, "404.html")
            response.status_code = 404
            return response  # type: ignore[return-value]
        return render_template("error.html", status=404), 404

    @app.get("/", defaults={"path": ""})
    @app.get("/<path:path>")
    def site(path: str):
        """Serve the built static site (directory URLs resolve to index.html)."""
        site_dir = Path(app.config["SITE_DIR"])
        target = site_dir / path
        if path == "" or path.endswith("/") or target.is_dir():
            path = f"{path.rstrip('/')}/index.html".lstrip("/")
        if not (site_dir / path).is_file():
            from flask_app.history import withdrawn_response

            # A withdrawn document's address says so and links to its history, not a bare 404.
            withdrawn = withdrawn_response(path)
            if withdrawn is not None:
                return withdrawn
            abort(404)
        return compression.site_file(site_dir, path)

    return app


def _instance_secret(instance: Path) -> str:
    """A random secret kept in the instance folder, so sessions survive restarts."""
    import secrets

    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()
