"""Flask service: search, contributions, moderation, administration, and the built site on one origin."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask, abort, send_from_directory

# Blueprint modules, each exposing ``bp`` (and optionally ``init_app(app)``). Add a module to add an area.
BLUEPRINT_MODULES: list[str] = []


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build a fresh app; ``config`` overrides defaults and POKJA_* environment settings."""
    app = Flask(__name__, instance_relative_config=True)
    root = Path(os.environ.get("POKJA_ROOT", Path.cwd()))
    app.config.from_mapping(
        SECRET_KEY=os.environ.get("POKJA_SECRET_KEY", ""),
        CONTENT_DIR=os.environ.get("POKJA_CONTENT", str(root / "content")),
        SITE_DIR=os.environ.get("POKJA_SITE", str(root / "site")),
        INDEX_DIR=os.environ.get("POKJA_INDEX", str(Path(app.instance_path) / "index")),
        DATABASE_URL=os.environ.get("POKJA_DATABASE_URL", ""),
        DEFAULT_LANG="id",
    )
    if config:
        app.config.update(config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path))

    import importlib

    for name in BLUEPRINT_MODULES:
        module = importlib.import_module(name)
        if hasattr(module, "init_app"):
            module.init_app(app)
        app.register_blueprint(module.bp)

    @app.get("/", defaults={"path": ""})
    @app.get("/<path:path>")
    def site(path: str):
        """Serve the built static site (directory URLs resolve to index.html)."""
        site_dir = Path(app.config["SITE_DIR"])
        target = site_dir / path
        if path == "" or path.endswith("/") or target.is_dir():
            path = f"{path.rstrip('/')}/index.html".lstrip("/")
        if not (site_dir / path).is_file():
            abort(404)
        return send_from_directory(site_dir, path)

    return app


def _instance_secret(instance: Path) -> str:
    """A random secret kept in the instance folder, so sessions survive restarts."""
    import secrets

    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()
