"""/sunting: edits of published documents as proposals a moderator reviews as a diff.

"Sunting halaman ini" under every document page leads here. The form is the contribution form of
the type, prefilled from the current file, and records the revision it started from (the file's git
blob id). Quick edit of a decision's status, withdrawal, and the author's revision of a proposal
sent back (after a conflict: both versions shown) are here too. Publication: flask_app/publish_edit.py.
"""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path
from typing import Any

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import Forbidden

from flask_app import forms, publish_edit, regions, submissions  # noqa: F401  (publish_edit registers its steps)
from flask_app.auth import User, current_user, login_required
from flask_app.content import Snapshot, get_content
from flask_app.contribute import FORM_MEMORY_BYTES, document_choices, status_label
from flask_app.db import get_session
from flask_app.docdiff import diff_texts
from flask_app.history import withdrawn_response
from flask_app.proposals import (
    CurrentDocument,
    NoSuchDecision,
    canonical,
    canonical_from,
    create_proposal,
    current_document,
    json_data,
    kept_fields,
    may_edit,
    raw_meta,
    resolve_base,
    set_decision,
)
from flask_app.security import csrf_deferred, csrf_failure
from flask_app.submissions import EDIT, NEEDS_REVISION, NEW, SUBMITTED, WITHDRAW, Submission
from site_builder.content import document_text, parse_document
from site_builder.i18n import _
from site_builder.schemas import Schema

bp = Blueprint("edits", __name__, url_prefix="/sunting")

QUICK_STATUSES = ("selesai", "batal", "terbuka")
MAX_REASON_CHARS = 5000


class EditForbidden(Forbidden):
    """A 403 whose page says why this account may not edit this document."""

    def __init__(self, message: str) -> None:
        super().__init__(description=message)
        self.message = message


@bp.url_value_preprocessor
def _request_limits(_endpoint: str | None, _values: dict[str, Any] | None) -> None:
    # As for contributions: a 1 MB body reaches the validator and gets its message, not a bare 413.
    request.max_form_memory_size = FORM_MEMORY_BYTES
    request.max_content_length = FORM_MEMORY_BYTES * 2


def _content_dir() -> Path:
    return Path(current_app.config["CONTENT_DIR"])


def _document(doc_type: str, slug: str) -> tuple[Snapshot, CurrentDocument]:
    """The current file, a 410 page when it was withdrawn, else 404."""
    snapshot = get_content().current()
    current = current_document(snapshot, doc_type, slug)
    if current is not None:
        return snapshot, current
    if (page := withdrawn_response(f"{doc_type}/{slug}")) is not None:
        abort(page)
    abort(404)


def _require_editor(user: User, current: CurrentDocument) -> None:
    if not may_edit(get_session(), user, current.schema, current.doc):
        raise EditForbidden(
            _("edit.forbidden", type=current.schema.label_in("id"), roles=", ".join(current.schema.contribute) or "-")
        )


def _render(
    current: CurrentDocument,
    snapshot: Snapshot,
    values: MultiDict,
    *,
    errors: dict[str, list[str]] | None = None,
    notice: str | None = None,
    preview: str | None = None,
    submission: Submission | None = None,
    status: int = 200,
) -> tuple[str, int]:
    schema = current.schema
    fields = forms.form_fields(schema, snapshot.refdata, values=values, documents=document_choices(snapshot))
    conflict = None
    if submission is not None and submission.conflict_text:
        conflict = {"published": submission.conflict_text, "yours": submission.proposed_text or ""}
    page = render_template(
        "edits/form.html",
        schema=schema,
        current=current,
        fields=fields,
        values=values,
        errors=errors or {},
        notice=notice,
        preview=preview,
        submission=submission,
        conflict=conflict,
        has_decisions="decisions" in schema.fields,
    )
    return page, status


def _post(snapshot: Snapshot, user: User, current: CurrentDocument, sub: Submission | None) -> Any:
    """Validate a posted edit form; preview it, re-show it with a message, or store the proposal."""
    schema = current.schema
    values = MultiDict(request.form)
    if not values.get("form_token"):
        values["form_token"] = secrets.token_urlsafe(24)
    data = forms.parse_form(schema, values)
    body = forms.parse_body(values)
    regions.require_in_scope(user, data, snapshot.refdata, schema.type)
    base_text = resolve_base(_content_dir(), current, values.get("base", ""))
    names = forms.field_names(forms.form_fields(schema, snapshot.refdata, values=values))
    kept = kept_fields(schema, base_text or current.text)
    doc, errors = forms.validate(
        schema, snapshot.schemas, snapshot.refdata, data, body, names=names, extra=kept, corpus=snapshot.corpus
    )
    render: dict[str, Any] = {"errors": errors, "submission": sub}
    if csrf_failure():
        return _render(current, snapshot, values, notice=_("contrib.csrf_expired"), status=400, **render)
    if base_text is None:
        # Nothing typed is lost: the form comes back on the current version with a message.
        values["base"] = current.blob
        return _render(current, snapshot, values, notice=_("edit.base_missing"), status=409, **render)
    if request.form.get("action") == "preview":
        return _render(current, snapshot, values, preview=get_content().render_body(body), **render)
    if errors or doc is None:
        return _render(current, snapshot, values, notice=_("contrib.form_has_errors"), status=400, **render)
    proposed = canonical_from(doc.meta, body, schema)
    if proposed == canonical(base_text, current.rel, snapshot):
        return _render(current, snapshot, values, notice=_("edit.no_change"), status=400, **render)
    db = get_session()
    if sub is None:
        created, _new = create_proposal(
            db,
            user_id=user.id,
            region=regions.scope_of(user),
            kind=EDIT,
            current=current,
            base_revision=values["base"],
            base_text=base_text,
            proposed_text=proposed,
            data=json_data(data),
            body=body,
            form_token=values["form_token"],
        )
        return redirect(url_for("contribute.sent", submission_id=created.id), code=303)
    if str(sub.revision) != values.get("revision") or sub.status != NEEDS_REVISION:
        values["revision"] = str(sub.revision)
        notice = _("contrib.stale_form", status=status_label(sub.status))
        return _render(current, snapshot, values, notice=notice, status=409, **render)
    sub.data, sub.body, sub.proposed_text = json_data(data), body, proposed
    sub.base_revision, sub.base_text, sub.conflict_text = values["base"], base_text, None
    submissions.record(db, sub, user.id, "revisi", SUBMITTED)
    db.commit()
    return redirect(url_for("contribute.sent", submission_id=sub.id), code=303)


def _form_values(current: CurrentDocument, text: str, base: str) -> MultiDict:
    meta, body = raw_meta(text)
    doc, _p, _v = parse_document(text, current.rel, get_content().current().schemas, get_content().current().refdata)
    values = forms.to_form_values(current.schema, doc.meta if doc is not None else meta, body.strip("\n"))
    values["base"] = base
    values["form_token"] = secrets.token_urlsafe(24)
    return values


# --- views -------------------------------------------------------------------------------------


@bp.route("/<doc_type>/<slug>", methods=["GET", "POST"])
@login_required
@csrf_deferred
def edit(doc_type: str, slug: str) -> Any:
    """The form of a published document, prefilled from its current file."""
    user = current_user()
    assert user is not None
    snapshot, current = _document(doc_type, slug)
    _require_editor(user, current)
    if request.method == "POST":
        return _post(snapshot, user, current, None)
    return _render(current, snapshot, _form_values(current, current.text, current.blob))


@bp.route("/usulan/<int:submission_id>", methods=["GET", "POST"])
@login_required
@csrf_deferred
def revise(submission_id: int) -> Any:
    """The author revises an edit proposal sent back (after a conflict, beside the published version)."""
    user = current_user()
    assert user is not None
    sub = get_session().get(Submission, submission_id)
    if sub is None or sub.kind == NEW:
        abort(404)
    if sub.author_id != user.id:
        abort(403)
    doc_type, _sep, name = (sub.target_path or "").partition("/")
    snapshot, current = _document(doc_type, Path(name).stem)
    if request.method == "POST":
        return _post(snapshot, user, current, sub)
    values = _form_values(current, sub.proposed_text or current.text, current.blob)
    values["revision"] = str(sub.revision)
    if sub.status != NEEDS_REVISION:
        notice = _("contrib.not_revisable", id=sub.id, status=status_label(sub.status))
        return _render(current, snapshot, values, submission=sub, notice=notice, status=409)
    return _render(current, snapshot, values, submission=sub)


def _quick_page(current: CurrentDocument, values: MultiDict, error: str | None = None, status: int = 200) -> Any:
    meta, _body = raw_meta(current.text)
    decisions = [d for d in meta.get("decisions") or [] if isinstance(d, dict)]
    page = render_template(
        "edits/quick.html", current=current, decisions=decisions, values=values, error=error, statuses=QUICK_STATUSES
    )
    return page, status


@bp.route("/<doc_type>/<slug>/keputusan", methods=["GET", "POST"])
@login_required
@csrf_deferred
def quick(doc_type: str, slug: str) -> Any:
    """Quick edit: set one decision's status (selesai, batal) with its completion date."""
    user = current_user()
    assert user is not None
    snapshot, current = _document(doc_type, slug)
    _require_editor(user, current)
    if "decisions" not in current.schema.fields:
        abort(404)
    values = MultiDict(request.form) if request.method == "POST" else MultiDict({"base": current.blob})
    values.setdefault("form_token", secrets.token_urlsafe(24))
    if request.method == "GET":
        return _quick_page(current, values)
    if csrf_failure():
        return _quick_page(current, values, _("contrib.csrf_expired"), 400)
    number, status = values.get("no", "").strip(), values.get("status", "")
    if status not in QUICK_STATUSES:
        return _quick_page(current, values, _("edit.quick_bad_status", statuses=", ".join(QUICK_STATUSES)), 400)
    try:
        done = dt.date.fromisoformat(values.get("done", "").strip()) if values.get("done", "").strip() else None
    except ValueError:
        return _quick_page(current, values, _("edit.quick_bad_date", value=values.get("done", "")[:40]), 400)
    if status == "selesai" and done is None:
        done = dt.date.today()
    base_text = resolve_base(_content_dir(), current, values.get("base", ""))
    if base_text is None:
        values["base"] = current.blob
        return _quick_page(current, values, _("edit.base_missing"), 409)
    try:
        meta, body = set_decision(base_text, number, status, done)
    except NoSuchDecision as exc:
        message = _("edit.no_such_decision", no=exc.number[:20] or "-", known=", ".join(exc.known) or "-")
        return _quick_page(current, values, message, 400)
    proposed = canonical(document_text(meta, body, current.schema), current.rel, snapshot)
    db = get_session()
    created, _new = create_proposal(
        db,
        user_id=user.id,
        region=regions.scope_of(user),
        kind=EDIT,
        current=current,
        base_revision=values["base"],
        base_text=base_text,
        proposed_text=proposed,
        data={"title": current.title},
        body="",
        form_token=values["form_token"],
        note=_("edit.quick_note", no=number, status=status),
    )
    return redirect(url_for("contribute.sent", submission_id=created.id), code=303)


@bp.route("/<doc_type>/<slug>/cabut", methods=["GET", "POST"])
@login_required
@csrf_deferred
def withdraw(doc_type: str, slug: str) -> Any:
    """Propose removing a document (reviewed like any edit); its address then says it was withdrawn."""
    user = current_user()
    assert user is not None
    _snapshot, current = _document(doc_type, slug)
    _require_editor(user, current)
    values = MultiDict(request.form) if request.method == "POST" else MultiDict()
    values.setdefault("form_token", secrets.token_urlsafe(24))
    error = None
    if request.method == "POST":
        reason = forms.clean_text(values.get("reason", ""))[:MAX_REASON_CHARS]
        if csrf_failure():
            error = _("contrib.csrf_expired")
        elif not reason:
            error = _("contrib.reason_required")
        else:
            created, _new = create_proposal(
                get_session(),
                user_id=user.id,
                region=regions.scope_of(user),
                kind=WITHDRAW,
                current=current,
                base_revision=current.blob,
                base_text=current.text,
                proposed_text=None,
                data={"title": current.title},
                body="",
                form_token=values["form_token"],
                note=reason,
            )
            return redirect(url_for("contribute.sent", submission_id=created.id), code=303)
    page = render_template("edits/withdraw.html", current=current, values=values, error=error)
    return page, 400 if error else 200


def review_context(sub: Submission) -> dict[str, Any]:
    """What the moderator sees of an edit proposal: the diff, the preview as the page, the state of the file."""
    content = get_content()
    snapshot = content.current()
    rel = sub.target_path or ""
    schema: Schema | None = snapshot.schemas.get(sub.type)
    base = canonical(sub.base_text or "", rel, snapshot)
    path = snapshot.root / rel
    published = path.read_text(encoding="utf-8") if path.is_file() else None
    out: dict[str, Any] = {"kind": sub.kind, "changed_since": published is not None and published != sub.base_text}
    out["gone"] = published is None
    if sub.kind == WITHDRAW:
        out.update(diff=None, title=sub.title, preview_html="", errors={})
        return out
    proposed = sub.proposed_text or ""
    out["diff"] = diff_texts(schema, base, proposed)
    doc, problems, _v = parse_document(proposed, rel, snapshot.schemas, snapshot.refdata)
    errors = {"_form": [p.message("id") for p in problems if p.severity == "error"]} if doc is None else {}
    out["errors"] = errors
    if doc is None:
        out.update(title=sub.title, preview_html=content.render_body(raw_meta(proposed)[1]))
        return out
    from site_builder.context import BuildContext
    from site_builder.panel import document_panel

    panel = document_panel(BuildContext(corpus=snapshot.corpus), doc, doc.url)
    out.update(title=doc.title, preview_html=panel + "\n" + content.render_body(doc.body))
    return out
