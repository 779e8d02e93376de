"""/laporan/<program>/<tahun>: the yearly realisation report of a programme, for the account's regions.

The form lists the programme's target rows of that year within the account's Pokja, takes each
realisation in Indonesian number input, an optional evidence file and a note, and asks the reporter
to confirm a figure the validator warns about (over three times its target, a percentage over 100).
The report is a moderated submission (kind ``laporan``, flask_app/realisation.py) that goes to the
moderators of the reporting region; the publisher applies it to the programme file on approval.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import RequestEntityTooLarge

from flask_app import forms, realisation, regions, submissions
from flask_app.auth import User, current_user, login_required
from flask_app.content import Snapshot, get_content
from flask_app.db import get_session
from flask_app.security import csrf_deferred, csrf_failure
from flask_app.submissions import BadTransition, StaleSubmission, Submission
from flask_app.uploads import DEFAULT_MAX_UPLOAD_BYTES, UploadError, store_upload
from site_builder.content import Document
from site_builder.fields.figures import FAR_ABOVE_TARGET, id_figure
from site_builder.i18n import _

bp = Blueprint("report", __name__, url_prefix="/laporan")

MAX_NOTE_CHARS = 5000
EVIDENCE_FIELD = "bukti"
FORM_MEMORY_BYTES = 1024 * 1024  # the figures and the note; the evidence file comes on top


@bp.url_value_preprocessor
def _request_limits(_endpoint: str | None, _values: dict[str, Any] | None) -> None:
    # Before the CSRF check reads the form: one evidence file of the upload limit, and the fields.
    request.max_form_memory_size = FORM_MEMORY_BYTES
    request.max_content_length = _limit() + FORM_MEMORY_BYTES


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_exc: RequestEntityTooLarge) -> tuple[str, int]:
    limit = f"{(request.max_content_length or 0) / 1048576:.0f} MB"
    return render_template("contribute/too_large.html", message=_("contrib.request_too_large", limit=limit)), 413


def _programme(snapshot: Snapshot, slug: str) -> Document:
    doc = snapshot.corpus.by_slug.get(slug)
    if doc is None or doc.type != realisation.PROGRAMME_TYPE:
        abort(404)
    return doc


def _entries(doc: Document, year: int, user: User, snapshot: Snapshot) -> list[realisation.Entry]:
    """The rows this account may report; a 403 that names the regions when there are none."""
    if year not in realisation.years_of(doc):
        abort(404)
    scope = regions.scope_of(user)
    entries = realisation.rows_in_scope(doc, year, scope)
    if not entries:
        refdata = snapshot.refdata
        codes = dict.fromkeys(str(r.get("region")) for r in doc.meta.get("targets") or [] if r.get("year") == year)
        raise regions.OutOfScope(
            _(
                "report.out_of_scope",
                program=doc.title,
                year=year,
                regions=", ".join(regions.region_label(c, refdata) for c in codes),
                scope=regions.region_label(scope, refdata),
            )
        )
    return entries


def _render(
    doc: Document,
    year: int,
    entries: list[realisation.Entry],
    values: MultiDict,
    snapshot: Snapshot,
    *,
    general: list[str] | None = None,
    notice: str | None = None,
    status: int = 200,
    revised: Submission | None = None,
) -> tuple[str, int]:
    refdata = snapshot.refdata
    rows = []
    for e in entries:
        indicator = refdata.indicators.get(e.key[0])
        target = e.row.get("target")
        previous = e.row.get("realization")
        rows.append(
            {
                "entry": e,
                "region": regions.region_label(e.key[1], refdata),
                "indicator": indicator.name_in("id") if indicator else e.key[0],
                "unit": indicator.unit if indicator else "",
                "percent": bool(indicator and indicator.kind == "percent"),
                "target": id_figure(target) if isinstance(target, int | float) else "–",
                "previous": id_figure(previous) if isinstance(previous, int | float) else "",
                "base": e.row.get("base"),
            }
        )
    page = render_template(
        "report/form.html",
        doc=doc,
        year=year,
        rows=rows,
        values=values,
        general=general or [],
        notice=notice,
        times=FAR_ABOVE_TARGET,
        max_upload_mb=_limit() // 1048576,
        revised=revised,
    )
    return page, status


def _limit() -> int:
    return int(current_app.config.get("MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES))


@bp.route("/<slug>/<int:year>", methods=["GET", "POST"])
@login_required
@csrf_deferred
def form(slug: str, year: int) -> Any:
    """The realisation report of one programme and year for the account's regions."""
    user = current_user()
    assert user is not None
    snapshot = get_content().current()
    doc = _programme(snapshot, slug)
    entries = _entries(doc, year, user, snapshot)
    revised = _sent_back(request.values.get("revisi"), user, doc, year)
    if request.method == "GET":
        values = MultiDict({"form_token": secrets.token_urlsafe(24)})
        for e in entries:
            if isinstance(e.row.get("realization"), int | float):
                values[f"realisasi_{e.index}"] = id_figure(e.row["realization"])
        if revised is not None:
            for key, value in _values_of(revised).items():
                values[key] = value
        return _render(doc, year, entries, values, snapshot, revised=revised)
    values = MultiDict(request.form)
    if not values.get("form_token"):
        values["form_token"] = secrets.token_urlsafe(24)
    realisation.read_form(entries, values)
    general = realisation.check(doc, entries, snapshot)
    if csrf_failure():
        return _render(doc, year, entries, values, snapshot, notice=_("contrib.csrf_expired"), status=400)
    unconfirmed = realisation.needs_confirmation(entries)
    if general or any(e.errors for e in entries) or unconfirmed:
        refused = general or any(e.errors for e in entries)
        notice = _("contrib.form_has_errors") if refused else _("report.confirm_needed")
        return _render(doc, year, entries, values, snapshot, general=general, notice=notice, status=400)
    attachments = []
    file = request.files.get(EVIDENCE_FIELD)
    if file is not None and file.filename:
        try:
            stored = store_upload(file.stream, file.filename, Path(current_app.config["UPLOAD_DIR"]), _limit())
        except UploadError as exc:
            general = [_(exc.key, **exc.params)]
            return _render(doc, year, entries, values, snapshot, general=general, status=400)
        title = _("report.evidence_title", year=year, name=stored.original_name)
        attachments.append(
            {
                "stored_name": stored.stored_name,
                "original_name": stored.original_name,
                "title": title,
                "mime": stored.mime,
                "size": stored.size,
            }
        )
    note = forms.clean_text(values.get("note", ""))[:MAX_NOTE_CHARS]
    data = realisation.submission_data(doc, year, entries, note)
    if revised is not None:
        return _revise(revised, data, attachments, user, values, (doc, year, entries, snapshot))
    created, is_new = submissions.create_submission(
        get_session(),
        doc_type=realisation.KIND,
        data=data,
        body="",
        author_id=user.id,
        form_token=values["form_token"],
        attachments=attachments,
        region=regions.scope_of(user),
    )
    return redirect(url_for("contribute.sent", submission_id=created.id, again=0 if is_new else 1), code=303)


def _sent_back(raw: str | None, user: User, doc: Document, year: int) -> Submission | None:
    """The own report of this programme and year that a moderator sent back (``?revisi=<id>``), if named."""
    if not raw:
        return None
    # A number SQLite can hold: anything else names no submission.
    sub = get_session().get(Submission, int(raw)) if raw.isdigit() and len(raw) < 12 else None
    if sub is None or sub.type != realisation.KIND or sub.data.get("program") != doc.slug:
        abort(404)
    if sub.author_id != user.id:
        abort(403)
    if sub.data.get("year") != year:
        abort(404)
    return sub


def _values_of(sub: Submission) -> MultiDict:
    """The form values of a stored report: its figures (Indonesian format), confirmations and note."""
    values = MultiDict({"note": sub.data.get("note") or "", "revision": str(sub.revision)})
    for row in sub.data.get("rows") or []:
        i = row["index"]
        if isinstance(row.get("realization"), int | float):
            values[f"realisasi_{i}"] = id_figure(row["realization"])
        if isinstance(row.get("base"), int | float):
            values[f"basis_{i}"] = id_figure(row["base"])
        if row.get("confirmed"):
            values[f"konfirmasi_{i}"] = "1"
    return values


def _revise(sub: Submission, data: dict[str, Any], attachments: list[dict[str, Any]], user: User, values, shown) -> Any:
    """Store the revised report on the sent-back submission (a new evidence file replaces the old one)."""
    db = get_session()
    kept = attachments or [
        {k: getattr(a, k) for k in ("stored_name", "original_name", "title", "mime", "size")} for a in sub.attachments
    ]
    try:
        seen = int(values.get("revision", "0") or 0)
        submissions.revise_submission(
            db, sub, data=data, body="", actor_id=user.id, seen_revision=seen, attachments=kept
        )
    except (StaleSubmission, BadTransition) as exc:
        db.rollback()
        notice = _("contrib.stale_form", status=_(f"contrib.status_{exc.status}"))
        doc, year, entries, snapshot = shown
        return _render(doc, year, entries, values, snapshot, notice=notice, status=409, revised=sub)
    return redirect(url_for("contribute.sent", submission_id=sub.id), code=303)


def revise_url(sub: Submission) -> str:
    """Where a sent-back report is revised: its own form, filled with what was sent."""
    return url_for("report.form", slug=sub.data.get("program"), year=sub.data.get("year"), revisi=sub.id)


def preview_html(sub: Any, refdata: Any) -> str:
    """The report as the moderator reviews it: each row's target, former and reported figure, note, evidence."""
    rows = realisation.preview_rows(sub.data, refdata)
    return render_template("report/preview.html", rows=rows, data=sub.data, attachments=sub.attachments)
