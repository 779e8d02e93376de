""" "Isi dari berkas Word" in the contribution form: a .docx fills the title and body of a new contribution.

A small form of its own (``contribute/_import_docx.html``, above the contribution form) posts the file here;
the answer is the contribution form with the converted text, for the member to check and complete. Images
are not taken over (a contribution's files are its attachments); the member is told so.
"""

from __future__ import annotations

import secrets
import tempfile
from pathlib import Path
from typing import Any

from flask import Blueprint, request

from flask_app import forms
from flask_app.auth import login_required
from flask_app.contribute import _render_form, contributable, upload_limit
from site_builder.i18n import _
from site_builder.importer import ImportRefused, convert

bp = Blueprint("docx_import", __name__, url_prefix="/kontribusi")


@bp.url_value_preprocessor
def _request_limit(_endpoint: str | None, _values: dict[str, Any] | None) -> None:
    # One file and a token: the upload limit of one attachment bounds the request.
    request.max_content_length = upload_limit() + 65536


@bp.post("/<doc_type>/dari-word")
@login_required
def from_word(doc_type: str) -> Any:
    """The contribution form of ``doc_type`` with title and body from the posted .docx."""
    user, snapshot, schema = contributable(doc_type)
    values = forms.initial_values(schema, contributor=user.display_name if user.name else "")
    values["form_token"] = secrets.token_urlsafe(24)
    upload = request.files.get("docx")
    if upload is None or not upload.filename:
        return _render_form(schema, snapshot, values, attachments=[], notice=_("import.no_upload"), status=400)
    name = Path(upload.filename.replace("\\", "/")).name[:200] or "berkas.docx"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / ("impor" + Path(name).suffix.lower()[:8])
        upload.save(path)
        try:
            converted = convert(path, keep_images=False)
        except ImportRefused as exc:
            params = {**exc.params, "file": name}
            return _render_form(schema, snapshot, values, attachments=[], notice=_(exc.key, **params), status=400)
    values["title"] = converted.title if converted.title != "impor" else ""
    values["body"] = converted.body
    notes = [_(key, **params) for key, params in converted.notes]
    notice = " ".join([_("import.form_filled", file=name), *notes])
    return _render_form(schema, snapshot, values, attachments=[], notice=notice)
