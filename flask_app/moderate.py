"""/moderasi: the review queue, a preview drawn as the published page, approve (a publication job), send back,
reject, retry; the job's status (sedang diterbitkan, diterbitkan, or the error with a retry button)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_from_directory, url_for
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from flask_app import edits, forms, jobs, realisation, regions, submissions
from flask_app.auth import User, current_user, fresh_login_required, roles_required
from flask_app.content import get_content
from flask_app.db import audit, get_session
from flask_app.report import preview_html as report_preview
from flask_app.submissions import APPROVED, NEEDS_REVISION, NEW, REJECTED, BadTransition, Submission
from site_builder.content import Corpus, Document
from site_builder.context import BuildContext
from site_builder.formatting import href
from site_builder.i18n import _
from site_builder.panel import document_panel

bp = Blueprint("moderate", __name__, url_prefix="/moderasi")

MODERATORS = ("moderator", "admin")
MAX_NOTE_CHARS = 5000


def _get(submission_id: int) -> Submission:
    sub = get_session().get(Submission, submission_id)
    if sub is None:
        abort(404)
    scope = regions.scope_of(current_user())
    if not regions.in_scope(scope, sub.region):
        # Another Pokja's queue: its moderators (or the next level up) decide.
        refdata = get_content().current().refdata
        raise regions.OutOfScope(
            _(
                "region_not_your_queue",
                region=regions.region_label(sub.region, refdata),
                scope=regions.region_label(scope, refdata),
            )
        )
    return sub


def preview_document(sub: Submission, corpus: Corpus) -> tuple[Document | None, dict[str, list[str]]]:
    """The submission as the Document the publisher would write (validated by the one validator)."""
    schema = corpus.schemas.get(sub.type)
    if schema is None:
        return None, {forms.FORM_ERROR: [_("unknown_type", type=sub.type, known=", ".join(corpus.schemas))]}
    db = get_session()
    author = db.get(User, sub.author_id)
    contribution = {"submission": sub.id, "contributor": author.display_name if author else "-"}
    attachments = [{"file": f"lampiran/{a.stored_name}", "title": a.title or a.original_name} for a in sub.attachments]
    extra: dict[str, Any] = {"contribution": contribution}
    if attachments:
        extra["attachments"] = attachments
    doc, errors = forms.validate(
        schema, corpus.schemas, corpus.refdata, sub.data, sub.body, names=set(), extra=extra, corpus=corpus
    )
    if doc is not None:
        doc.rel_path = f"{sub.type}/{sub.slug or f'kiriman-{sub.id}'}.md"
    return doc, errors


def render_preview(sub: Submission) -> tuple[str, str, dict[str, list[str]]]:
    """(title, HTML) of the page as the site will draw it: the site's metadata panel and the sanitised body."""
    content = get_content()
    corpus = content.recent_corpus()
    if sub.type == realisation.KIND:  # a realisation report: its rows, not a document
        return sub.title, report_preview(sub, corpus.refdata), {}
    doc, errors = preview_document(sub, corpus)
    if doc is None:
        return sub.title, content.render_body(sub.body), errors
    ctx = BuildContext(corpus=corpus)
    # The site's own panel renderer (every value escaped) and the site's Markdown, sanitised.
    panel = document_panel(ctx, doc, doc.url)
    # Attachments are not published yet: the preview opens them from the moderation area.
    for att in sub.attachments:
        site_href = href(doc.url, f"{sub.type}/lampiran/{att.stored_name}")
        service = url_for("moderate.attachment", submission_id=sub.id, stored_name=att.stored_name)
        panel = panel.replace(f'href="{site_href}"', f'href="{service}"')
    return doc.title, panel + "\n" + content.render_body(doc.body), errors


@bp.get("/")
@roles_required(*MODERATORS)
def queue() -> Any:
    """Submissions waiting for review, and approved ones whose publication must be retried."""
    db = get_session()
    waiting, unpublished = submissions.moderation_queue(db, regions.scope_of(current_user()))
    publishing = jobs.active_submissions(db, [s.id for s in unpublished])
    schemas = get_content().current().schemas
    return render_template(
        "moderate/queue.html", waiting=waiting, unpublished=unpublished, publishing=publishing, schemas=schemas
    )


@bp.get("/<int:submission_id>")
@roles_required(*MODERATORS)
def review(submission_id: int) -> Any:
    """One submission: the preview drawn exactly as the published page, its history, the actions."""
    sub = _get(submission_id)
    db = get_session()
    author = db.get(User, sub.author_id)
    job = jobs.latest_job(db, sub.id)
    publishing = job is not None and job.status in jobs.ACTIVE
    if sub.kind != NEW:
        # An edit: the diff beside the preview of the page as it will be published.
        return render_template(
            "moderate/review.html",
            submission=sub,
            author=author,
            job=job,
            publishing=publishing,
            **edits.review_context(sub),
        )
    title, html, errors = render_preview(sub)
    return render_template(
        "moderate/review.html",
        submission=sub,
        title=title,
        preview_html=html,
        errors=errors,
        author=author,
        job=job,
        publishing=publishing,
    )


@bp.get("/<int:submission_id>/lampiran/<stored_name>")
@roles_required(*MODERATORS)
def attachment(submission_id: int, stored_name: str) -> Any:
    """An attachment of a submission under review, opened from its preview (not yet on the site)."""
    sub = _get(submission_id)
    att = next((a for a in sub.attachments if a.stored_name == stored_name), None)
    if att is None:
        abort(404)
    folder = Path(current_app.config["UPLOAD_DIR"])
    return send_from_directory(folder, att.stored_name, mimetype=att.mime, download_name=att.original_name)


def _act(
    submission_id: int,
    to_status: str,
    action: str,
    note_field: str | None,
    note_key: str,
    then: Callable[[Session, Submission], Any] | None = None,
) -> Any:
    user = current_user()
    assert user is not None
    db = get_session()
    sub = _get(submission_id)
    note = forms.clean_text(request.form.get(note_field, "")) if note_field else ""
    if note_field and not note:
        flash(_(note_key), "error")
        return redirect(url_for("moderate.review", submission_id=submission_id), code=303)
    note = note[:MAX_NOTE_CHARS]
    try:
        submissions.record(db, sub, user.id, action, to_status, note=note)
        sub.reviewer_id = user.id
        if note:
            sub.reasons = note
        if then is not None:
            then(db, sub)  # committed with the status change, or not at all
        db.commit()
    except (BadTransition, StaleDataError):
        # Another moderator acted first, or the page was stale: nothing changed.
        db.rollback()
        db.refresh(sub)
        flash(_("contrib.bad_transition", id=sub.id, status=_(f"contrib.status_{sub.status}")), "error")
        return redirect(url_for("moderate.review", submission_id=submission_id), code=303)
    audit(user, f"submission.{action}", f"submission:{sub.id}", note)
    return None


@bp.post("/<int:submission_id>/setujui")
@roles_required(*MODERATORS)
@fresh_login_required()
def approve(submission_id: int) -> Any:
    """Approve (not one's own proposal, unless SELF_APPROVAL): the approval and its publication job are
    committed together; the publisher does the rest."""
    user = current_user()
    assert user is not None
    sub = _get(submission_id)
    if sub.author_id == user.id:
        if not current_app.config.get("SELF_APPROVAL"):
            flash(_("moderation.self_approval_refused"), "error")
            return redirect(url_for("moderate.review", submission_id=submission_id), code=303)
        audit(user, "submission.self_approve", f"submission:{sub.id}")
    refused = _act(submission_id, APPROVED, "setujui", None, "", then=lambda db, sub: jobs.enqueue(db, sub.id, user.id))
    if refused is not None:
        return refused
    jobs.wake()
    flash(_("contrib.approved_queued", id=submission_id), "info")
    return redirect(url_for("moderate.review", submission_id=submission_id), code=303)


@bp.post("/<int:submission_id>/terbitkan")
@roles_required(*MODERATORS)
@fresh_login_required()
def retry(submission_id: int) -> Any:
    """Ask again for the publication of an approved submission after a failure."""
    sub = _get(submission_id)
    if sub.status != APPROVED:
        flash(_("contrib.bad_transition", id=sub.id, status=_(f"contrib.status_{sub.status}")), "error")
        return redirect(url_for("moderate.review", submission_id=submission_id), code=303)
    user = current_user()
    assert user is not None
    db = get_session()
    jobs.enqueue(db, sub.id, user.id)
    db.commit()
    audit(user, "submission.retry", f"submission:{sub.id}")
    jobs.wake()
    flash(_("contrib.publish_queued", id=submission_id), "info")
    return redirect(url_for("moderate.review", submission_id=submission_id), code=303)


@bp.post("/<int:submission_id>/kembalikan")
@roles_required(*MODERATORS)
def send_back(submission_id: int) -> Any:
    """Send the submission back to its author with a note."""
    refused = _act(submission_id, NEEDS_REVISION, "kembalikan", "note", "contrib.note_required")
    if refused is not None:
        return refused
    flash(_("contrib.sent_back", id=submission_id), "info")
    return redirect(url_for("moderate.queue"), code=303)


@bp.post("/<int:submission_id>/tolak")
@roles_required(*MODERATORS)
def reject(submission_id: int) -> Any:
    """Reject the submission with a reason."""
    refused = _act(submission_id, REJECTED, "tolak", "reason", "contrib.reason_required")
    if refused is not None:
        return refused
    flash(_("contrib.rejected", id=submission_id), "info")
    return redirect(url_for("moderate.queue"), code=303)
