"""What the built site asks of the service for its readers: who is logged in, and the offline zip.

``/akun/status`` lets the site's header (pokja.js) show the account's name and its links; without
JavaScript the header keeps its plain "Masuk" link to ``/akun``. ``/unduh/situs-luring.zip`` is the
whole built site in one file for trainers who work without a connection (made once per site build).
"""

from __future__ import annotations

import hashlib
import os
import zipfile
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, abort, current_app, jsonify, send_file

from site_builder.i18n import _
from site_builder.schemas import Identity, SchemaError, load_identity

from .auth import current_user

bp = Blueprint("reader", __name__)

ZIP_NAME = "situs-luring.zip"
# The pre-compressed copies are for the wire, not for a reader's disk.
SKIPPED_SUFFIXES = (".gz", ".br", ".tmp")
IDENTITY_CACHE = "pokja_identity"


def identity() -> Identity:
    """The Pokja's identity (content/_data/identitas.yml) for the service's footer; the defaults if unreadable."""
    # Read from its one file, again only when that file changes: every service page shows it, and a
    # walk of the whole content tree per page costs seconds at 10,000 documents.
    folder = Path(current_app.config["CONTENT_DIR"]) / "_data"
    try:
        st = (folder / "identitas.yml").stat()
        stamp: tuple[int, int] | None = (st.st_mtime_ns, st.st_size)
    except OSError:
        stamp = None
    cached = current_app.extensions.get(IDENTITY_CACHE)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    try:
        found = load_identity(folder) if stamp is not None else Identity()
    except (SchemaError, OSError):
        return Identity()
    current_app.extensions[IDENTITY_CACHE] = (stamp, found)
    return found


def init_app(app: Flask) -> None:
    """Templates get ``pokja_identity()``, the same identity the site's footer shows."""
    app.jinja_env.globals["pokja_identity"] = identity


@bp.get("/akun/status")
def status() -> Any:
    """``{"logged_in": false}``, or the account's name, its page and the areas its role may use."""
    user = current_user()
    if user is None:
        return jsonify(logged_in=False)
    links = []
    if user.role in ("anggota", "pelatih", "sekretariat", "moderator", "admin"):
        links.append({"href": "/kontribusi", "label": _("nav_contribute")})
    if user.role in ("moderator", "admin"):
        links.append({"href": "/moderasi", "label": _("nav_moderation")})
    return jsonify(logged_in=True, name=user.display_name, account_url="/akun", links=links)


def site_files(site_dir: Path) -> list[tuple[Path, str]]:
    """Every file of the built site with its name in the zip, compressed copies left out."""
    found = []
    for folder, dirs, files in os.walk(site_dir):
        dirs.sort()
        for name in sorted(files):
            if name.endswith(SKIPPED_SUFFIXES):
                continue
            path = Path(folder) / name
            found.append((path, path.relative_to(site_dir).as_posix()))
    return found


def offline_zip(site_dir: Path, cache_dir: Path) -> Path:
    """The zip of the current site, made again only when a file of the site changed."""
    files = site_files(site_dir)
    signature = hashlib.sha256()
    for path, name in files:
        st = path.stat()
        signature.update(f"{name}\0{st.st_mtime_ns}\0{st.st_size}\n".encode())
    target = cache_dir / f"situs-{signature.hexdigest()[:16]}.zip"
    if target.is_file():
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        archive.writestr("BACA-SAYA.txt", _("offline_zip_readme", "id") + "\n\n" + _("offline_zip_readme", "en") + "\n")
        for path, name in files:
            archive.write(path, name)
    os.replace(tmp, target)
    for old in cache_dir.glob("situs-*.zip"):
        if old != target:
            old.unlink(missing_ok=True)
    return target


@bp.get(f"/unduh/{ZIP_NAME}")
def download_site() -> Any:
    """The whole static site as one zip (``python3 -m http.server`` inside it serves it offline)."""
    site_dir = Path(current_app.config["SITE_DIR"])
    if not (site_dir / "index.html").is_file():
        abort(404)
    path = offline_zip(site_dir, Path(current_app.instance_path) / "offline")
    response = send_file(path, mimetype="application/zip", as_attachment=True, download_name=ZIP_NAME)
    response.headers["Cache-Control"] = "no-cache"
    return response
