"""Edit proposals of published documents: the current file, who may edit it, and the proposed text.

Every text a proposal stores or merges is *canonical*: the validated front-matter dumped in the
schema's field order and the body with one blank line before it. The base, the published file and
the proposal are compared and merged in that one form, so a file's hand formatting never shows as
a change or conflicts with one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from flask_app import notify
from flask_app.auth import User
from flask_app.content import Snapshot
from flask_app.db import utcnow
from flask_app.submissions import PUBLISHED, SUBMITTED, WITHDRAW, Submission, SubmissionEvent
from site_builder.content import Document, document_text, parse_document
from site_builder.frontmatter import YamlRejected, parse_front_matter
from site_builder.gitlog import blob_id, read_blob
from site_builder.schemas import Schema

DONE_FIELD = "done"  # a decision's completion date (content/_schemas/keputusan.yml)


@dataclass
class CurrentDocument:
    """A published document's file as it is now: its text, git blob id and parsed Document."""

    schema: Schema
    rel: str
    path: Path
    text: str
    blob: str
    doc: Document | None

    @property
    def title(self) -> str:
        """The document's title (its slug when the file does not parse)."""
        return self.doc.title if self.doc is not None else Path(self.rel).stem


def current_document(snapshot: Snapshot, doc_type: str, slug: str) -> CurrentDocument | None:
    """The file ``content/<doc_type>/<slug>.md`` as it is now, or None when there is none."""
    schema = snapshot.schemas.get(doc_type)
    if schema is None or not slug or "/" in slug or slug.startswith("."):
        return None
    rel = f"{doc_type}/{slug}.md"
    path = snapshot.root / rel
    if not path.is_file():
        return None
    data = path.read_bytes()
    text = data.decode("utf-8", "replace")
    doc, _problems, _v = parse_document(text, rel, snapshot.schemas, snapshot.refdata)
    return CurrentDocument(schema, rel, path, text, blob_id(data), doc)


def ordered_meta(meta: Mapping[str, Any], schema: Schema) -> dict[str, Any]:
    """``meta`` in the schema's field order, undeclared keys after them in their own order."""
    out = {name: meta[name] for name in schema.fields if name in meta}
    out.update({k: v for k, v in meta.items() if k not in out})
    return out


def canonical(text: str, rel: str, snapshot: Snapshot) -> str:
    """The canonical form of a document's text (the text itself when it does not validate)."""
    doc, _problems, _v = parse_document(text, rel, snapshot.schemas, snapshot.refdata)
    schema = snapshot.schemas.get(rel.split("/", 1)[0])
    if doc is None or schema is None:
        return text
    return canonical_from(doc.meta, doc.body, schema)


def canonical_from(meta: Mapping[str, Any], body: str, schema: Schema) -> str:
    """The canonical text of front-matter ``meta`` and ``body``.

    A top-level value equal to its field's default is left out: the validator fills it in again on
    load, and a hand-written file that never named it shows no change.
    """
    kept = {
        k: v
        for k, v in meta.items()
        if not (k in schema.fields and schema.fields[k].default is not None and v == schema.fields[k].default)
    }
    return document_text(ordered_meta(kept, schema), body.strip("\n") + "\n", schema)


def raw_meta(text: str) -> tuple[dict[str, Any], str]:
    """(front-matter, body) of a text as written, without validation."""
    try:
        data, _lines, body, _line = parse_front_matter(text)
    except YamlRejected:
        return {}, text
    return (dict(data) if isinstance(data, dict) else {}), body


def kept_fields(schema: Schema, base_text: str) -> dict[str, Any]:
    """The base's front-matter the form does not show (attachments, contribution, example...): kept as is."""
    meta, _body = raw_meta(base_text)
    return {k: v for k, v in meta.items() if not (k in schema.fields and schema.fields[k].form)}


def resolve_base(content_dir: Path, current: CurrentDocument, base: str) -> str | None:
    """The text of the revision ``base`` an edit started from (None when it no longer exists)."""
    if base == current.blob:
        return current.text
    return read_blob(content_dir, base)


class NoSuchDecision(LookupError):
    """A quick edit named a decision number the document does not have."""

    def __init__(self, number: str, known: list[str]) -> None:
        super().__init__(number)
        self.number, self.known = number, known


def set_decision(text: str, number: str, status: str, done: dt.date | None) -> tuple[dict[str, Any], str]:
    """The front-matter and body of ``text`` with decision ``number``'s status (and completion date) set."""
    meta, body = raw_meta(text)
    decisions = meta.get("decisions") if isinstance(meta.get("decisions"), list) else []
    known = [str(d.get("no")) for d in decisions if isinstance(d, dict)]
    for item in decisions:
        if isinstance(item, dict) and str(item.get("no")) == number.strip():
            item["status"] = status
            if done is not None and status == "selesai":
                item[DONE_FIELD] = done
            else:
                item.pop(DONE_FIELD, None)
            return meta, body
    raise NoSuchDecision(number, known)


def own_document(db: Session, user: User, doc: Document | None) -> bool:
    """Whether ``user`` wrote the submission ``doc`` was published from."""
    contribution = doc.meta.get("contribution") if doc is not None else None
    sub_id = contribution.get("submission") if isinstance(contribution, dict) else None
    if not isinstance(sub_id, int):
        return False
    sub = db.get(Submission, sub_id)
    return sub is not None and sub.author_id == user.id


def may_edit(db: Session, user: User, schema: Schema, doc: Document | None) -> bool:
    """The schema's ``contribute`` list may propose edits of a type, and so may a document's own author."""
    return schema.may_contribute(user.role) or own_document(db, user, doc)


def withdrawal(db: Session, rel: str) -> Submission | None:
    """The published proposal that removed ``rel``, if it was withdrawn."""
    return db.scalar(
        select(Submission)
        .where(Submission.target_path == rel, Submission.kind == WITHDRAW, Submission.status == PUBLISHED)
        .order_by(Submission.id.desc())
        .limit(1)
    )


def create_proposal(
    db: Session,
    *,
    user_id: int,
    region: str,
    kind: str,
    current: CurrentDocument,
    base_revision: str,
    base_text: str,
    proposed_text: str | None,
    data: Mapping[str, Any],
    body: str,
    form_token: str,
    note: str = "",
) -> tuple[Submission, bool]:
    """Store an edit proposal of ``current`` (committed); a replayed form returns the row it made."""
    existing = db.scalar(select(Submission).where(Submission.form_token == form_token))
    if existing is not None:
        return existing, False
    now = utcnow()
    sub = Submission(
        type=current.schema.type,
        status=SUBMITTED,
        kind=kind,
        data=dict(data),
        body=body,
        author_id=user_id,
        form_token=form_token,
        region=region,
        slug=Path(current.rel).stem,
        target_path=current.rel,
        base_revision=base_revision,
        base_text=base_text,
        proposed_text=proposed_text,
        reasons=note,
        created_at=now,
        updated_at=now,
    )
    sub.events.append(SubmissionEvent(at=now, actor_id=user_id, action=kind, to_status=SUBMITTED, note=note))
    db.add(sub)
    db.flush()
    notify.submission_changed(db, sub, "kirim")
    db.commit()
    return sub, True


def json_data(meta: Mapping[str, Any]) -> dict[str, Any]:
    """Front-matter made storable as JSON (dates as ISO text)."""

    def plain(value: Any) -> Any:
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, Mapping):
            return {str(k): plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value

    return plain(dict(meta))
