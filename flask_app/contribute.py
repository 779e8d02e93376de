"""/kontribusi: contribution forms generated from the schemas, preview, submit, own submissions, revision."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, abort, current_app, redirect, render_template, request, session, url_for
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import RequestEntityTooLarge

from flask_app import forms, limits, realisation, regions, report, submissions
from flask_app.auth import User, current_user, login_required
from flask_app.content import Snapshot, get_content
from flask_app.db import get_session
from flask_app.form_intake import HARD_FACTOR, cap_file_parts, size_text, truncated
from flask_app.security import csrf_deferred, csrf_failure
from flask_app.submissions import NEEDS_REVISION, BadTransition, StaleSubmission, Submission
from flask_app.uploads import (
    DEFAULT_MAX_UPLOAD_BYTES,
    KIND_NAMES,
    MAX_ATTACHMENTS,
    UploadError,
    is_stored_name,
    store_counted,
)
from site_builder.i18n import _
from site_builder.schemas import Schema

bp = Blueprint("contribute", __name__, url_prefix="/kontribusi")

# Non-file form fields may be large enough that a 1 MB title reaches the validator and gets a clear
# message, instead of the generic 413 of the default 500 KB limit.
FORM_MEMORY_BYTES = 4 * 1024 * 1024
NEW_UPLOAD_SLOTS = 2
ENTER = "enter"  # the form's first (hidden) button: Enter in a field previews, as it always did
PENDING_KEY = "contrib_uploads"  # generated names this session uploaded but not yet submitted


def init_app(app: Flask) -> None:
    """Defaults, this area's messages, and the submission tables."""
    app.config.setdefault("MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES)
    app.config.setdefault("UPLOAD_DIR", str(Path(app.instance_path) / "uploads"))
    submissions.init_app(app)
    app.jinja_env.globals["contrib_status"] = status_label


def status_label(status: str) -> str:
    """A submission status as people read it."""
    return _(f"contrib.status_{status}")


def upload_limit() -> int:
    """The per-file attachment size limit in bytes."""
    return int(current_app.config.get("MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES))


@bp.url_value_preprocessor
def _request_limits(_endpoint: str | None, _values: dict[str, Any] | None) -> None:
    # URL value preprocessors run before every before_request function, so these limits already
    # hold when the CSRF check reads the form.
    request.max_form_memory_size = FORM_MEMORY_BYTES
    # Over request_limit() the typed fields are still read and the files cut short (flask_app.form_intake):
    # the form comes back with its values; only a request over the hard limit is refused unread (413).
    request.max_content_length = request_limit() * HARD_FACTOR
    cap_file_parts(request, upload_limit(), request_limit())


def request_limit() -> int:
    """The size of a posted form with its files kept in full (the page's script refuses bigger ones first)."""
    return upload_limit() * (MAX_ATTACHMENTS + 1) + FORM_MEMORY_BYTES


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_exc: RequestEntityTooLarge) -> tuple[str, int]:
    limit = f"{(request.max_content_length or 0) / 1048576:.0f} MB"
    return render_template("contribute/too_large.html", message=_("contrib.request_too_large", limit=limit)), 413


# --- helpers -----------------------------------------------------------------------------------


def document_choices(snapshot: Snapshot) -> dict[str, list[tuple[str, str]]]:
    """(slug, title) of the documents per type, by title: a reference is chosen by what people read."""
    docs = sorted(snapshot.corpus.documents, key=lambda d: d.title.casefold())
    return {t: [(d.slug, d.title) for d in docs if d.type == t] for t in snapshot.schemas}


def draft_key(user: User, schema: Schema, sub: Submission | None) -> str:
    """The browser's storage key of this form's draft: per account, per type or per revised submission."""
    return f"pokja-draft:{user.id}:" + (f"rev:{sub.id}" if sub is not None else f"new:{schema.type}")


def allowed_schemas(schemas: dict[str, Schema], user: User) -> list[Schema]:
    """Types ``user``'s role may contribute, per each schema's ``contribute`` list."""
    return [s for s in schemas.values() if s.may_contribute(user.role)]


def _pending() -> dict[str, dict[str, Any]]:
    return dict(session.get(PENDING_KEY) or {})


def _collect_attachments(
    values: MultiDict,
    known: dict[str, dict[str, Any]],
    errors: dict[str, list[str]],
    *,
    owner_id: int,
    accept_new: bool = True,
) -> list[dict[str, Any]]:
    """Kept attachments (by generated name) plus newly uploaded files; refused files become errors."""
    kept: list[dict[str, Any]] = []
    pending = _pending()
    upload_dir = Path(current_app.config["UPLOAD_DIR"])
    for key in sorted(k for k in values if k.startswith("att_stored_")):
        index = key.removeprefix("att_stored_")
        stored = values.get(key, "")
        if not is_stored_name(stored) or stored not in known or values.get(f"att_remove_{index}"):
            continue  # a name this session never uploaded (or one to remove) is dropped
        if not (upload_dir / stored).is_file():
            # Swept while the form stayed open: said, never sent on to fail at publication.
            hours = f"{float(current_app.config['UPLOAD_UNSENT_HOURS']):g}"
            name = known[stored]["original_name"]
            errors.setdefault("attachments", []).append(_("contrib.upload_expired", name=name, hours=hours))
            continue
        entry = {
            **known[stored],
            "stored_name": stored,
            "title": forms.clean_text(values.get(f"att_title_{index}", "")),
        }
        file = request.files.get(f"att_replace_{index}") if accept_new else None
        if file is not None and file.filename:
            entry = _replace(entry, file, upload_dir, pending, errors, owner_id)
        kept.append(entry)
    for i in range(NEW_UPLOAD_SLOTS if accept_new else 0):
        file = request.files.get(f"att_file_{i}")
        if file is None or not file.filename:
            continue
        if len(kept) >= MAX_ATTACHMENTS:
            errors.setdefault("attachments", []).append(_("contrib.upload_too_many", limit=MAX_ATTACHMENTS))
            break
        try:
            stored = _store(file, upload_dir, owner_id)
        except UploadError as exc:
            errors.setdefault("attachments", []).append(_(exc.key, **exc.params))
            continue
        info = {"original_name": stored.original_name, "mime": stored.mime, "size": stored.size}
        pending[stored.stored_name] = info
        title = forms.clean_text(values.get(f"att_new_title_{i}", "")) or stored.original_name
        kept.append({**info, "stored_name": stored.stored_name, "title": title})
    session[PENDING_KEY] = pending
    return kept


def _store(file: Any, upload_dir: Path, owner_id: int) -> Any:
    """Store one uploaded file within the quotas (raises UploadError); a file the service cut short is too large."""
    if truncated(file):
        limit = size_text(upload_limit())
        raise UploadError("contrib.upload_too_large", name=file.filename, size=f"> {limit}", limit=limit)
    return store_counted(
        get_session(),
        file.stream,
        file.filename,
        upload_dir,
        max_bytes=upload_limit(),
        owner_id=owner_id,
        account_quota=int(current_app.config["UPLOAD_QUOTA_ACCOUNT_BYTES"]),
        total_quota=int(current_app.config["UPLOAD_QUOTA_TOTAL_BYTES"]),
    )


def _replace(
    entry: dict[str, Any],
    file: Any,
    upload_dir: Path,
    pending: dict[str, Any],
    errors: dict[str, list[str]],
    owner_id: int,
) -> dict[str, Any]:
    """``entry`` with a new version of its file; unchanged (and an error) when refused or of another type."""
    try:
        new = _store(file, upload_dir, owner_id)
    except UploadError as exc:
        errors.setdefault("attachments", []).append(_(exc.key, **exc.params))
        return entry
    if new.mime != entry["mime"]:
        # A new version of a PDF is a PDF: another type would break every link that names the file.
        (upload_dir / new.stored_name).unlink(missing_ok=True)
        errors.setdefault("attachments", []).append(
            _(
                "contrib.attachment_replace_type",
                name=entry["title"] or entry["original_name"],
                file=new.original_name,
                expected=KIND_NAMES[entry["mime"]],
                found=KIND_NAMES[new.mime],
            )
        )
        return entry
    info = {"original_name": new.original_name, "mime": new.mime, "size": new.size}
    pending[new.stored_name] = info
    # "replaces" names the version this one follows (the publisher of an edit keeps the file's path).
    return {**info, "stored_name": new.stored_name, "title": entry["title"], "replaces": entry["stored_name"]}


def _attachment_meta(attachments: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [{"file": f"lampiran/{a['stored_name']}", "title": a["title"] or a["original_name"]} for a in attachments]


def _render_form(
    schema: Schema,
    snapshot: Snapshot,
    values: MultiDict,
    *,
    attachments: list[dict[str, Any]],
    errors: dict[str, list[str]] | None = None,
    notice: str | None = None,
    preview: str | None = None,
    submission: Submission | None = None,
    status: int = 200,
) -> tuple[str, int]:
    fields = forms.form_fields(schema, snapshot.refdata, values=values, documents=document_choices(snapshot))
    user = current_user()
    assert user is not None
    return (
        render_template(
            "contribute/form.html",
            schema=schema,
            fields=fields,
            values=values,
            errors=errors or {},
            notice=notice,
            preview=preview,
            attachments=attachments,
            upload_slots=range(NEW_UPLOAD_SLOTS),
            max_upload_mb=upload_limit() // 1048576,
            max_upload_bytes=upload_limit(),
            max_request_bytes=request_limit(),
            draft_key=draft_key(user, schema, submission),
            submission=submission,
        ),
        status,
    )


def _handle_post(schema: Schema, snapshot: Snapshot, user: User, sub: Submission | None):
    """Validate a posted form; preview it, re-show it with errors, or store it."""
    schemas, refdata = snapshot.schemas, snapshot.refdata
    values = MultiDict(request.form)
    errors: dict[str, list[str]] = {}
    known = _pending()
    if sub is not None:
        known.update(
            {a.stored_name: {"original_name": a.original_name, "mime": a.mime, "size": a.size} for a in sub.attachments}
        )
    # A request whose CSRF check failed is re-shown, but its new files are not stored.
    attachments = _collect_attachments(values, known, errors, owner_id=user.id, accept_new=csrf_failure() is None)
    # The re-shown form carries every attachment as kept, under fresh indices.
    for key in [k for k in values if k.startswith(("att_stored_", "att_title_", "att_remove_", "att_new_title_"))]:
        values.poplist(key)
    for i, att in enumerate(attachments):
        values.add(f"att_stored_{i}", att["stored_name"])
        values.add(f"att_title_{i}", att["title"])
    if not values.get("form_token"):
        values["form_token"] = secrets.token_urlsafe(24)
    render = {"attachments": attachments, "submission": sub}
    if forms.apply_row_action(schema, values):
        # "Tambah baris" / "Hapus baris" without scripts: the same form with the rows changed, nothing checked.
        return _render_form(schema, snapshot, values, **render)
    data = forms.parse_form(schema, values)
    body = forms.parse_body(values)
    # A Pokja files for its own region only (raises a 403 that names the region).
    regions.require_in_scope(user, data, refdata, schema.type)
    names = forms.field_names(forms.form_fields(schema, refdata, values=values))
    _doc, field_errors = forms.validate(
        schema,
        schemas,
        refdata,
        data,
        body,
        names=names,
        extra={"attachments": _attachment_meta(attachments)},
        corpus=snapshot.corpus,
    )
    for key, messages in field_errors.items():
        errors.setdefault(key, []).extend(messages)
    failed = csrf_failure()
    if failed:
        # An expired or missing token: keep everything typed, say why, let the member send again.
        return _render_form(
            schema, snapshot, values, errors=errors, notice=_("contrib.csrf_expired"), status=400, **render
        )
    db = get_session()
    if request.form.get("action") in ("preview", ENTER):
        if wait := limits.take(db, user.id, limits.PREVIEW):
            notice = _("contrib.preview_rate_limited", limit=limits.limit_of(limits.PREVIEW), minutes=wait)
            return _render_form(schema, snapshot, values, errors=errors, notice=notice, status=429, **render)
        preview = get_content().render_body(body)
        return _render_form(schema, snapshot, values, errors=errors, preview=preview, **render)
    if errors:
        notice = _("contrib.form_has_errors")
        return _render_form(schema, snapshot, values, errors=errors, notice=notice, status=400, **render)
    # A replayed form (double click) finds its stored row below and costs nothing.
    replay = sub is None and submissions.by_token(db, values["form_token"]) is not None
    if not replay and (wait := limits.take(db, user.id, limits.SUBMIT)):
        notice = _("contrib.submit_rate_limited", limit=limits.limit_of(limits.SUBMIT), minutes=wait)
        return _render_form(schema, snapshot, values, errors=errors, notice=notice, status=429, **render)
    stored_attachments = [
        {k: a[k] for k in ("stored_name", "original_name", "title", "mime", "size")} for a in attachments
    ]
    if sub is None:
        created, is_new = submissions.create_submission(
            db,
            doc_type=schema.type,
            data=data,
            body=body,
            author_id=user.id,
            form_token=values["form_token"],
            attachments=stored_attachments,
            region=regions.scope_of(user),
        )
        if is_new:
            _forget_pending(a["stored_name"] for a in attachments)
        return redirect(url_for("contribute.sent", submission_id=created.id, again=0 if is_new else 1), code=303)
    try:
        seen = int(values.get("revision", "0") or 0)
        submissions.revise_submission(
            db, sub, data=data, body=body, actor_id=user.id, seen_revision=seen, attachments=stored_attachments
        )
    except (StaleSubmission, BadTransition) as exc:
        db.rollback()
        db.refresh(sub)
        values["revision"] = str(sub.revision)
        notice = _("contrib.stale_form", status=status_label(exc.status))
        return _render_form(schema, snapshot, values, errors=errors, notice=notice, status=409, **render)
    _forget_pending(a["stored_name"] for a in attachments)
    return redirect(url_for("contribute.sent", submission_id=sub.id), code=303)


def _forget_pending(names: Any) -> None:
    pending = _pending()
    for name in names:
        pending.pop(name, None)
    session[PENDING_KEY] = pending


def _own(submission_id: int) -> tuple[Submission, User]:
    user = current_user()
    assert user is not None
    sub = get_session().get(Submission, submission_id)
    if sub is None:
        abort(404)
    if sub.author_id != user.id:
        abort(403)
    return sub, user


# --- views -------------------------------------------------------------------------------------


@bp.get("/")
@login_required
def index() -> Any:
    """The types this member may contribute."""
    user = current_user()
    assert user is not None
    schemas = get_content().current().schemas
    return render_template("contribute/index.html", schemas=allowed_schemas(schemas, user))


def contributable(doc_type: str) -> tuple[User, Snapshot, Schema]:
    """The logged-in account, the content snapshot and the schema of a type it may create (else 404 or 403)."""
    user = current_user()
    assert user is not None
    snapshot = get_content().current()
    schema = snapshot.schemas.get(doc_type)
    if schema is None:
        abort(404)
    if not schema.may_contribute(user.role):
        abort(403)
    return user, snapshot, schema


@bp.route("/<doc_type>/baru", methods=["GET", "POST"])
@login_required
@csrf_deferred
def new(doc_type: str) -> Any:
    """The form for a new contribution of ``doc_type``."""
    user, snapshot, schema = contributable(doc_type)
    if request.method == "POST":
        return _handle_post(schema, snapshot, user, None)
    values = forms.initial_values(schema, contributor=user.display_name if user.name else "")
    values["form_token"] = secrets.token_urlsafe(24)
    return _render_form(schema, snapshot, values, attachments=[])


@bp.get("/terkirim/<int:submission_id>")
@login_required
def sent(submission_id: int) -> Any:
    """Shown only after the submission is committed to the database."""
    sub, _user = _own(submission_id)
    again = request.args.get("again") == "1"
    return render_template("contribute/sent.html", submission=sub, again=again)


@bp.get("/saya")
@login_required
def mine() -> Any:
    """The member's own submissions, with their status and the moderators' notes."""
    user = current_user()
    assert user is not None
    schemas = get_content().current().schemas
    return render_template(
        "contribute/mine.html", submissions=submissions.own_submissions(get_session(), user.id), schemas=schemas
    )


@bp.get("/<int:submission_id>")
@login_required
def detail(submission_id: int) -> Any:
    """One own submission: its content, status and history."""
    sub, _user = _own(submission_id)
    content = get_content()
    return render_template(
        "contribute/detail.html",
        submission=sub,
        schema=content.current().schemas.get(sub.type),
        body_html=content.render_body(sub.body),
    )


@bp.route("/<int:submission_id>/revisi", methods=["GET", "POST"])
@login_required
@csrf_deferred
def revise(submission_id: int) -> Any:
    """Revise a submission a moderator sent back."""
    sub, user = _own(submission_id)
    if sub.type == realisation.KIND:  # a realisation report is revised on its own form
        return redirect(report.revise_url(sub), code=303)
    if sub.kind != submissions.NEW:
        # An edit of a published document is revised on its own form (flask_app/edits.py).
        return redirect(url_for("edits.revise", submission_id=sub.id), code=307)
    content = get_content()
    snapshot = content.current()
    schema = snapshot.schemas.get(sub.type)
    if schema is None:
        abort(404)
    if sub.status != NEEDS_REVISION and request.method == "GET":
        return render_template(
            "contribute/detail.html",
            submission=sub,
            schema=schema,
            body_html=content.render_body(sub.body),
            notice=_("contrib.not_revisable", id=sub.id, status=status_label(sub.status)),
        ), 409
    if request.method == "POST":
        return _handle_post(schema, snapshot, user, sub)
    values = forms.to_form_values(schema, sub.data, sub.body)
    values["form_token"] = sub.form_token
    values["revision"] = str(sub.revision)
    attachments = []
    for i, att in enumerate(sub.attachments):
        values.add(f"att_stored_{i}", att.stored_name)
        values.add(f"att_title_{i}", att.title)
        attachments.append(
            {
                "stored_name": att.stored_name,
                "original_name": att.original_name,
                "title": att.title,
                "mime": att.mime,
                "size": att.size,
            }
        )
    return _render_form(schema, snapshot, values, attachments=attachments, submission=sub)
