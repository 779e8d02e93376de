"""Publication of edit proposals through the one publisher (registered in ``publish.KIND_STEPS``).

An edit (or a restored revision) whose file did not change since its base is written as proposed.
When the file changed, ``git merge-file`` merges the base, the published file and the proposal (all
canonical, see flask_app/proposals.py): a clean merge is published; a conflict sends the proposal
back to its author with both versions kept, and nothing is written. A withdrawal removes the file
(its history stays in git), its search entry and its pages. Author the proposer, committer the
moderator, the message names the proposal.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask_app import publish
from flask_app.content import Snapshot, get_content, mkdocs_config_path
from flask_app.proposals import canonical
from flask_app.publish import BatchContent, PublishResult, PublishStepError
from flask_app.submissions import EDIT, NEEDS_REVISION, RESTORE, WITHDRAW, Submission, record
from site_builder.content import parse_document, reference_problems
from site_builder.gitlog import blob_id, merge
from site_builder.i18n import _


def merged_text(
    sub: Submission, current_text: str, rel: str, snapshot: Snapshot | None = None
) -> tuple[str, bool, str]:
    """(text to publish, whether it conflicted, the published file canonical) for an edit of ``rel``."""
    snapshot = snapshot or get_content().current()
    proposed = sub.proposed_text or ""
    if blob_id(current_text.encode("utf-8")) == sub.base_revision:
        return proposed, False, current_text
    base = canonical(sub.base_text or "", rel, snapshot)
    ours = canonical(current_text, rel, snapshot)
    if ours == base:  # only the formatting changed
        return proposed, False, ours
    text, conflicted = merge(base, ours, proposed)
    return text, conflicted, ours


def _checked(text: str, rel: str, snapshot: Snapshot) -> Any:
    doc, problems, validator = parse_document(text, rel, snapshot.schemas, snapshot.refdata)
    if doc is not None and validator is not None:
        problems = problems + reference_problems(validator, snapshot.corpus)
        if any(p.severity == "error" for p in problems):
            doc = None
    if doc is None:
        detail = "; ".join(p.format() for p in problems if p.severity == "error")
        raise PublishStepError("validasi", _("contrib.publish_invalid", detail=detail))
    doc.path = snapshot.root / rel
    return doc


def _send_back(db: Any, sub: Submission, actor_id: int | None, published: str) -> None:
    """A conflict: the proposal returns to its author with the published version beside theirs."""
    note = _("edit.conflict_note")
    sub.conflict_text = published
    record(db, sub, actor_id, "konflik", NEEDS_REVISION, note=note)
    sub.reasons = note
    db.commit()
    raise PublishStepError("gabung", _("edit.conflict_sent_back", id=sub.id))


def _message(sub: Submission, verb_key: str, committer: str) -> str:
    title = " ".join(sub.title.split())[:120] or sub.target_path or ""
    return f"{_(verb_key, id=sub.id, path=sub.target_path)}: {title}\n\nDisetujui oleh {committer}."


def run_steps(
    db: Any,
    sub: Submission,
    content_dir: Path,
    config: Any,
    actor_id: int | None,
    result: PublishResult,
    batch: BatchContent,
) -> tuple[Path, Any] | None:
    """The file steps of an edit or a restored revision of ``sub.target_path`` (the publisher then indexes
    and rebuilds, with any other publications of the batch); a withdrawal does all its steps itself."""
    rel = sub.target_path or ""
    path = content_dir / rel
    content = get_content()
    result.step = "berkas"
    publish.clean_leftovers(path.parent)
    if sub.kind == WITHDRAW:
        _withdraw(db, sub, content_dir, config, actor_id, result)
        # A removal is read by a full load (whoever named the document is now wrong): rare, and exact.
        batch.snapshot = content.current(full=True)
        return None
    if not path.is_file():
        raise PublishStepError("berkas", _("edit.document_gone", path=rel))
    result.step = "gabung"
    current = path.read_text(encoding="utf-8")
    text, conflicted, published = merged_text(sub, current, rel, batch.snapshot)
    if conflicted:
        _send_back(db, sub, actor_id, published)
    result.step = "validasi"
    doc = _checked(text, rel, batch.snapshot)
    result.step = "berkas"
    try:
        publish.write_atomic(path, text.encode("utf-8"))
    except BaseException:
        content.invalidate([path])
        raise
    batch.wrote([path])
    result.path = rel
    result.step = "git"
    author, committer = publish._person(db, sub.author_id), publish._person(db, actor_id)
    verb = "edit.commit_restore" if sub.kind == RESTORE else "edit.commit_edit"
    result.committed = publish.git_commit(
        content_dir, [path], author=author, committer=committer, message=_message(sub, verb, committer[0])
    )
    return path, doc


def _withdraw(
    db: Any, sub: Submission, content_dir: Path, config: Any, actor_id: int | None, result: PublishResult
) -> None:
    from search.index import exists, update_documents
    from site_builder.build import publish_documents

    rel = sub.target_path or ""
    path = content_dir / rel
    content = get_content()
    try:
        path.unlink(missing_ok=True)  # a retry finds it gone already
    finally:
        content.invalidate([path])
    result.path = rel
    result.step = "git"
    author, committer = publish._person(db, sub.author_id), publish._person(db, actor_id)
    message = _message(sub, "edit.commit_withdraw", committer[0])
    result.committed = publish.git_commit(content_dir, [path], author=author, committer=committer, message=message)
    result.step = "indeks"
    index_dir = Path(config["INDEX_DIR"])
    if exists(index_dir):
        update_documents(index_dir, [], deleted_slugs=[Path(rel).stem])
    result.step = "situs"
    result.pages = list(
        publish_documents(
            [],
            config_file=mkdocs_config_path(config),
            content_dir=content_dir,
            site_dir=Path(config["SITE_DIR"]),
            deleted=[rel],
        )
        or []
    )
    result.step = None


publish.KIND_STEPS.update({EDIT: run_steps, RESTORE: run_steps, WITHDRAW: run_steps})
