"""/riwayat: a document's revisions from git (date, author, message), a diff between any two, restore.

Git is the history store: nothing here is kept in the database. A moderator's restore of an earlier
revision is a new proposal (flask_app/proposals.py), reviewed and published like any edit. A
withdrawn document's address answers with a page that says so and links here.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for

from flask_app import regions
from flask_app.auth import current_user, roles_required
from flask_app.content import get_content
from flask_app.db import audit, get_session
from flask_app.docdiff import diff_texts
from flask_app.proposals import canonical, create_proposal, current_document, raw_meta, withdrawal
from flask_app.submissions import RESTORE
from site_builder.gitlog import Revision, log, show, show_many
from site_builder.i18n import _
from site_builder.schemas import Schema, load_schemas

bp = Blueprint("history", __name__, url_prefix="/riwayat")

MODERATORS = ("moderator", "admin")
SCHEMA_CACHE = "pokja_history_schemas"


def _schemas() -> dict[str, Schema]:
    """The schemas, read again only when a schema file changed.

    The history pages need no corpus: they skip the content service's walk of every file (seconds at
    10,000 documents) and look only at the few schema files.
    """
    folder = Path(current_app.config["CONTENT_DIR"]) / "_schemas"
    stamp = tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(folder.glob("*.yml")))
    cached = current_app.extensions.get(SCHEMA_CACHE)
    if cached is None or cached[0] != stamp:
        cached = (stamp, load_schemas(folder.parent))
        current_app.extensions[SCHEMA_CACHE] = cached
    return cached[1]


def _revisions(doc_type: str, slug: str) -> tuple[str, list[Revision]]:
    if doc_type not in _schemas() or not slug or "/" in slug or slug.startswith("."):
        abort(404)
    rel = f"{doc_type}/{slug}.md"
    content_dir = Path(current_app.config["CONTENT_DIR"])
    revisions = log(content_dir, rel)
    if not revisions and not (content_dir / rel).is_file():
        abort(404)
    return rel, revisions


def _pick(revisions: list[Revision], commit: str) -> Revision | None:
    return next((r for r in revisions if commit and r.commit.startswith(commit) and len(commit) >= 7), None)


@bp.get("/<doc_type>/<slug>")
def revisions(doc_type: str, slug: str) -> Any:
    """The revisions of one document, newest first, with a form to compare any two."""
    rel, revs = _revisions(doc_type, slug)
    path = Path(current_app.config["CONTENT_DIR"]) / rel
    present = path.is_file()
    title = raw_meta(path.read_text(encoding="utf-8"))[0].get("title") if present else None
    user = current_user()
    return render_template(
        "history/revisions.html",
        rel=rel,
        doc_type=doc_type,
        slug=slug,
        title=str(title or slug),
        revisions=revs,
        withdrawn=not present,
        may_restore=user is not None and user.role in MODERATORS and present,
    )


@bp.get("/<doc_type>/<slug>/beda")
def compare(doc_type: str, slug: str) -> Any:
    """The changes between two revisions: front-matter field by field, the body word by word."""
    rel, revs = _revisions(doc_type, slug)
    if not revs:
        abort(404)
    newer = _pick(revs, request.args.get("ke", "")) or revs[0]
    older = _pick(revs, request.args.get("dari", ""))
    if older is None:
        position = revs.index(newer)
        older = revs[position + 1] if position + 1 < len(revs) else None
    if (request.args.get("dari") and _pick(revs, request.args["dari"]) is None) or (
        request.args.get("ke") and _pick(revs, request.args["ke"]) is None
    ):
        return render_template("history/unknown.html", message=_("history.unknown_revision"), rel=rel), 404
    content_dir = Path(current_app.config["CONTENT_DIR"])
    # Both texts in one git call: each process start counts at p95.
    wanted = [newer.commit] + ([older.commit] if older is not None else [])
    texts = show_many(content_dir, wanted, rel)
    new_text, old_text = texts[0] or "", (texts[1] or "") if older is not None else ""
    schema = _schemas().get(doc_type)
    return render_template(
        "history/compare.html",
        rel=rel,
        doc_type=doc_type,
        slug=slug,
        older=older,
        newer=newer,
        diff=diff_texts(schema, old_text, new_text),
    )


@bp.post("/<doc_type>/<slug>/pulihkan")
@roles_required(*MODERATORS)
def restore(doc_type: str, slug: str) -> Any:
    """A moderator proposes an earlier revision again: a new proposal, reviewed like any edit."""
    user = current_user()
    assert user is not None
    rel, revs = _revisions(doc_type, slug)
    snapshot = get_content().current()
    current = current_document(snapshot, doc_type, slug)
    chosen = _pick(revs, request.form.get("commit", ""))
    if current is None or chosen is None:
        flash(_("history.unknown_revision"), "error")
        return redirect(url_for("history.revisions", doc_type=doc_type, slug=slug), code=303)
    old = show(Path(current_app.config["CONTENT_DIR"]), chosen.commit, rel) or ""
    proposed = canonical(old, rel, snapshot)
    if proposed == canonical(current.text, rel, snapshot):
        flash(_("history.restore_same"), "error")
        return redirect(url_for("history.revisions", doc_type=doc_type, slug=slug), code=303)
    sub, _new = create_proposal(
        get_session(),
        user_id=user.id,
        region=regions.scope_of(user),
        kind=RESTORE,
        current=current,
        base_revision=current.blob,
        base_text=current.text,
        proposed_text=proposed,
        data={"title": current.title},
        body="",
        form_token=secrets.token_urlsafe(24),
        note=_("history.restore_note", commit=chosen.short, date=chosen.date.date().isoformat()),
    )
    audit(user, "submission.restore", f"submission:{sub.id}", f"{rel}@{chosen.commit}")
    flash(_("history.restore_proposed", id=sub.id), "info")
    return redirect(url_for("history.revisions", doc_type=doc_type, slug=slug), code=303)


def withdrawn_response(path: str) -> Any:
    """For a site address with no page: the "withdrawn" page when it was a withdrawn document, else None."""
    parts = [p for p in path.split("/") if p and p != "index.html"]
    if len(parts) != 2:
        return None
    doc_type, slug = parts
    # No snapshot: any unknown address comes here, and a walk of a national tree is a quarter of a second.
    content = get_content()
    if doc_type not in content.schema_types() or (content.root / f"{doc_type}/{slug}.md").is_file():
        return None
    if withdrawal(get_session(), f"{doc_type}/{slug}.md") is None:
        return None
    html = render_template(
        "edits/withdrawn.html",
        message=_("edit.withdrawn", path=f"{doc_type}/{slug}"),
        history=url_for("history.revisions", doc_type=doc_type, slug=slug),
    )
    return current_app.response_class(html, status=410, mimetype="text/html")
