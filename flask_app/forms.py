"""Contribution forms generated from the schemas; posted values parsed and checked by the one validator.

Fields come from ``site_builder.schemas`` (every field with ``form: true``); each field type's class
(``site_builder.fields``) gives its control and parses its posted value; the front-matter dict is
serialised by the content model (``document_text``) and run through
``site_builder.content.parse_document`` — the one validator — whose problems come back as inline
Indonesian errors next to the fields they are about.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

from werkzeug.datastructures import MultiDict

from flask_app.messages import add_messages, current_lang
from site_builder.content import Document, document_text, parse_document
from site_builder.fields import FormContext, FormField, clean_text, form_control, kind_of
from site_builder.i18n import t
from site_builder.schemas import Field, RefData, Schema

__all__ = ["FormField", "clean_text", "form_fields", "parse_form", "to_form_values", "validate"]

MAX_BODY_CHARS = 200_000
FORM_ERROR = "_form"  # errors about the form as a whole
BODY = "body"

# Messages of the contribution and moderation area; validation messages come from site_builder.i18n.
MESSAGES: dict[str, dict[str, str]] = {
    "required": {"id": "{label} wajib diisi.", "en": "{label} is required."},
    "body_required": {"id": "Isi tulisan wajib diisi.", "en": "The text is required."},
    "body_too_long": {
        "id": "Isi tulisan terlalu panjang ({length} karakter; paling banyak {limit}).",
        "en": "The text is too long ({length} characters; at most {limit}).",
    },
    "body_bad_markup": {
        "id": "Isi tulisan memuat penanda HTML yang tidak dapat dibaca (di dekat '{near}'). "
        "HTML tidak diizinkan; hapus penanda itu.",
        "en": "The text contains HTML markup that cannot be read (near '{near}'). HTML is not allowed; remove it.",
    },
    "form_has_errors": {
        "id": "Kiriman belum dapat diterima; perbaiki kolom yang ditandai di bawah.",
        "en": "The contribution cannot be accepted yet; correct the marked fields below.",
    },
    "csrf_expired": {
        "id": "Sesi formulir sudah kedaluwarsa. Isian Anda masih ada di bawah; periksa lalu kirim ulang.",
        "en": "The form's session has expired. What you typed is still below; check it and send again.",
    },
    "stale_form": {
        "id": "Kiriman ini sudah berubah sejak formulir dibuka (status: {status}). "
        "Isian Anda masih ada di bawah; periksa sebelum mengirim ulang.",
        "en": "This submission changed since the form was opened (status: {status}). "
        "What you typed is still below; check it before sending again.",
    },
    "already_sent": {
        "id": "Formulir ini sudah dikirim sebelumnya sebagai kiriman #{id}; tidak dikirim dua kali.",
        "en": "This form was already sent as submission #{id}; it was not sent twice.",
    },
    "request_too_large": {
        "id": "Kiriman terlalu besar (batas {limit}). Kecilkan lampiran lalu isi ulang formulir.",
        "en": "The request is too large (limit {limit}). Use smaller attachments and fill in the form again.",
    },
    "upload_too_large": {
        "id": "Berkas '{name}' terlalu besar ({size}); batasnya {limit}.",
        "en": "File '{name}' is too large ({size}); the limit is {limit}.",
    },
    "upload_bad_type": {
        "id": "Berkas '{name}' bukan PDF atau gambar PNG, JPEG, WebP menurut isinya.",
        "en": "File '{name}' is not a PDF or a PNG, JPEG, WebP image by its content.",
    },
    "upload_lies": {
        "id": "Berkas '{name}' mengaku {claimed} dari namanya, tetapi isinya {actual}.",
        "en": "File '{name}' claims to be {claimed} by its name, but its content is {actual}.",
    },
    "upload_empty": {"id": "Berkas '{name}' kosong.", "en": "File '{name}' is empty."},
    "upload_too_many": {
        "id": "Paling banyak {limit} lampiran per kiriman.",
        "en": "At most {limit} attachments per submission.",
    },
    "sent": {"id": "Terkirim", "en": "Sent"},
    "not_yours": {"id": "Kiriman ini bukan milik Anda.", "en": "This submission is not yours."},
    "not_revisable": {
        "id": "Kiriman #{id} berstatus {status} dan tidak dapat direvisi.",
        "en": "Submission #{id} is {status} and cannot be revised.",
    },
    "type_not_allowed": {
        "id": "Peran Anda ({role}) tidak dapat mengirim {type}.",
        "en": "Your role ({role}) cannot contribute {type}.",
    },
    "note_required": {
        "id": "Catatan untuk kontributor wajib diisi.",
        "en": "A note for the contributor is required.",
    },
    "reason_required": {"id": "Alasan penolakan wajib diisi.", "en": "A reason for the rejection is required."},
    "bad_transition": {
        "id": "Kiriman #{id} berstatus {status}; tindakan ini tidak dapat dilakukan.",
        "en": "Submission #{id} is {status}; this action is not possible.",
    },
    "approved_published": {
        "id": "Kiriman #{id} disetujui dan diterbitkan: {path}",
        "en": "Submission #{id} approved and published: {path}",
    },
    "published": {"id": "Kiriman #{id} diterbitkan: {path}", "en": "Submission #{id} published: {path}"},
    "publish_failed": {
        "id": "Kiriman #{id} disetujui tetapi belum terbit: {error}. Coba terbitkan ulang.",
        "en": "Submission #{id} is approved but not published: {error}. Retry the publication.",
    },
    "sent_back": {"id": "Kiriman #{id} dikembalikan untuk revisi.", "en": "Submission #{id} sent back for revision."},
    "rejected": {"id": "Kiriman #{id} ditolak.", "en": "Submission #{id} rejected."},
    "publish_busy": {
        "id": "penerbitan lain sedang berjalan; tunggu sebentar lalu coba lagi",
        "en": "another publication is running; wait a moment and retry",
    },
    "publish_step_failed": {"id": "langkah '{step}' gagal: {detail}", "en": "step '{step}' failed: {detail}"},
    "publish_invalid": {
        "id": "dokumen tidak lolos pemeriksaan: {detail}",
        "en": "the document does not pass the check: {detail}",
    },
    # labels of the contribution and moderation pages
    "ui_contribute": {"id": "Kontribusi", "en": "Contribute"},
    "ui_contribute_intro": {
        "id": "Pilih jenis dokumen yang ingin Anda kirim. Moderator memeriksa setiap kiriman sebelum terbit.",
        "en": "Choose the kind of document to send. Moderators review every contribution before it is published.",
    },
    "ui_no_types": {
        "id": "Peran Anda belum dapat mengirim dokumen.",
        "en": "Your role cannot contribute documents yet.",
    },
    "ui_new": {"id": "Kirim {type}", "en": "Send a {type}"},
    "ui_revise": {"id": "Revisi kiriman #{id}", "en": "Revise submission #{id}"},
    "ui_mine": {"id": "Kiriman saya", "en": "My submissions"},
    "ui_none": {"id": "Belum ada kiriman.", "en": "No submissions yet."},
    "ui_body": {"id": "Isi tulisan (Markdown)", "en": "Text (Markdown)"},
    "ui_body_help": {
        "id": "Gunakan ## untuk judul bagian, * untuk daftar. HTML tidak diizinkan.",
        "en": "Use ## for section headings, * for lists. HTML is not allowed.",
    },
    "ui_attachments": {"id": "Lampiran", "en": "Attachments"},
    "ui_attachments_help": {
        "id": "PDF atau gambar (PNG, JPEG, WebP), paling besar {mb} MB per berkas.",
        "en": "PDF or images (PNG, JPEG, WebP), at most {mb} MB per file.",
    },
    "ui_attachment_file": {"id": "Berkas", "en": "File"},
    "ui_attachment_title": {"id": "Judul lampiran", "en": "Attachment title"},
    "ui_attachment_remove": {"id": "hapus", "en": "remove"},
    "ui_one_per_line": {"id": "Satu per baris.", "en": "One per line."},
    "ui_row": {"id": "Baris {n}", "en": "Row {n}"},
    "ui_choose": {"id": "— pilih —", "en": "— choose —"},
    "ui_required": {"id": "wajib", "en": "required"},
    "ui_preview": {"id": "Pratinjau", "en": "Preview"},
    "ui_send": {"id": "Kirim", "en": "Send"},
    "ui_sent_title": {"id": "Terkirim", "en": "Sent"},
    "ui_sent": {
        "id": "Kiriman #{id} \u201c{title}\u201d tersimpan dan menunggu pemeriksaan moderator.",
        "en": "Submission #{id} \u201c{title}\u201d is stored and waits for a moderator's review.",
    },
    "ui_number": {"id": "No.", "en": "No."},
    "ui_type": {"id": "Jenis", "en": "Type"},
    "ui_title": {"id": "Judul", "en": "Title"},
    "ui_status": {"id": "Status", "en": "Status"},
    "ui_updated": {"id": "Diperbarui", "en": "Updated"},
    "ui_note": {"id": "Catatan moderator", "en": "Moderator's note"},
    "ui_history": {"id": "Riwayat", "en": "History"},
    "ui_open": {"id": "Buka", "en": "Open"},
    "ui_published_at": {"id": "Terbit di", "en": "Published at"},
    "ui_moderation": {"id": "Moderasi", "en": "Moderation"},
    "ui_queue": {"id": "Antrean pemeriksaan", "en": "Review queue"},
    "ui_queue_empty": {"id": "Tidak ada kiriman yang menunggu.", "en": "No submissions waiting."},
    "ui_unpublished": {"id": "Disetujui, belum terbit", "en": "Approved, not published"},
    "ui_author": {"id": "Pengirim", "en": "Sender"},
    "ui_approve": {"id": "Setujui dan terbitkan", "en": "Approve and publish"},
    "ui_send_back": {"id": "Kembalikan untuk revisi", "en": "Send back for revision"},
    "ui_reject": {"id": "Tolak", "en": "Reject"},
    "ui_retry": {"id": "Terbitkan ulang", "en": "Retry publication"},
    "ui_note_label": {"id": "Catatan untuk kontributor", "en": "Note for the contributor"},
    "ui_reason_label": {"id": "Alasan penolakan", "en": "Reason for rejection"},
    "ui_preview_heading": {
        "id": "Pratinjau seperti halaman yang akan terbit",
        "en": "Preview as the published page",
    },
    "ui_publish_error": {"id": "Galat penerbitan", "en": "Publication error"},
    "ui_too_large_title": {"id": "Kiriman terlalu besar", "en": "Request too large"},
    "ui_back": {"id": "Kembali ke formulir", "en": "Back to the form"},
    "status_diajukan": {"id": "diajukan", "en": "submitted"},
    "status_perlu_revisi": {"id": "perlu revisi", "en": "needs revision"},
    "status_disetujui": {"id": "disetujui", "en": "approved"},
    "status_ditolak": {"id": "ditolak", "en": "rejected"},
    "status_diterbitkan": {"id": "diterbitkan", "en": "published"},
}


PREFIX = "contrib."


def register_messages() -> None:
    """Add this area's messages to the service catalogue under the ``contrib.`` prefix (for templates)."""
    add_messages({PREFIX + key: entry for key, entry in MESSAGES.items()})


def msg(key: str, lang: str | None = None, **params: Any) -> str:
    """A message of this area (falling back to the content catalogue) in ``lang`` or the request's language."""
    lang = lang or current_lang()
    entry = MESSAGES.get(key)
    if entry is None:
        return t(key, lang, **params)
    return (entry.get(lang) or entry["id"]).format(**params)


def form_fields(
    schema: Schema,
    refdata: RefData,
    *,
    values: Mapping[str, Any] | None = None,
    documents: Mapping[str, list[tuple[str, str]]] | None = None,
    lang: str | None = None,
) -> list[FormField]:
    """The controls of ``schema``'s form (fields with ``form: true``), labelled in ``lang`` or the request's."""
    ctx = FormContext(refdata, documents or {}, values or {}, lang or current_lang())
    return [form_control(spec, name, ctx) for name, spec in schema.fields.items() if spec.form]


def field_names(fields: Iterable[FormField]) -> set[str]:
    """Every control and group name of a form, for mapping problems back to fields."""
    names: set[str] = set()
    for f in fields:
        names.add(f.name)
        names |= field_names(f.children)
        for row in f.rows:
            names |= field_names(row)
    return names


# --- posted values -> front-matter ---------------------------------------------------------


def parse_form(schema: Schema, form: MultiDict) -> dict[str, Any]:
    """The front-matter fields a posted form gives for ``schema`` (empty fields left out)."""
    data: dict[str, Any] = {}
    for name, spec in schema.fields.items():
        if not spec.form:
            continue
        value = kind_of(spec).parse(spec, name, form)
        if value not in (None, "", []):
            data[name] = value
    return data


def parse_body(form: MultiDict) -> str:
    """The Markdown body of a posted form, with LF line ends."""
    return clean_text(form.get(BODY, "")) + "\n"


def to_form_values(schema: Schema, data: Mapping[str, Any], body: str = "") -> MultiDict:
    """The form values that show stored front-matter ``data`` again (for a revision)."""
    out: MultiDict = MultiDict()
    for name, spec in schema.fields.items():
        if spec.form and data.get(name) is not None:
            kind_of(spec).flatten(spec, name, data[name], out)
    out.add(BODY, body.rstrip("\n"))
    return out


def initial_values(schema: Schema, *, today: dt.date | None = None, contributor: str = "") -> MultiDict:
    """Values of a fresh form: today's date, the member's name, the schema's body sections."""
    out: MultiDict = MultiDict()
    out.add("date", (today or dt.date.today()).isoformat())
    contributor_spec = schema.fields.get("contributor")
    if contributor_spec is not None and contributor:
        # A contributor with sub-fields (a lesson's name and institution) gets the name filled in.
        out.add("contributor.name" if "name" in contributor_spec.fields else "contributor", contributor)
    if "trainer" in schema.fields and contributor:
        out.add("trainer", contributor)
    out.add(BODY, "\n".join(f"## {section}\n\n" for section in schema.body_sections).rstrip("\n"))
    return out


# --- validation through the one validator --------------------------------------------------


_NEAR = re.compile(r"at '(.*)'$", re.S)


def markup_problem(body: str) -> str | None:
    """The text near markup that MkDocs' HTML scan of a page cannot tokenise, else None.

    MkDocs feeds every page's Markdown source to an HTML parser to find anchors; some broken markup
    (``<![>``) makes it raise, which would stop the whole site build. Such a body is refused here.
    """
    from markdown.htmlparser import htmlparser

    parser = htmlparser.HTMLParser()
    try:
        parser.feed(body)
        parser.close()
    except Exception as exc:  # the parser signals broken markup with AssertionError and others
        match = _NEAR.search(str(exc))
        return (match.group(1) if match else str(exc))[:40]
    return None


def _label_of(dotted: str, schema: Schema, lang: str) -> str:
    spec: Field | None = None
    fields = schema.fields
    for part in dotted.split("."):
        if part.isdigit() and spec is not None and spec.items is not None:
            spec = spec.items
            fields = spec.fields
            continue
        spec = fields.get(part)
        if spec is None:
            return dotted
        fields = spec.fields
    return spec.label_in(lang) if spec is not None else dotted


def _form_key(dotted: str, names: set[str]) -> str:
    while dotted:
        if dotted in names:
            return dotted
        dotted = dotted.rpartition(".")[0]
    return FORM_ERROR


def validate(
    schema: Schema,
    schemas: Mapping[str, Schema],
    refdata: RefData,
    data: Mapping[str, Any],
    body: str,
    *,
    names: set[str],
    extra: Mapping[str, Any] | None = None,
    lang: str | None = None,
    today: dt.date | None = None,
) -> tuple[Document | None, dict[str, list[str]]]:
    """Check a contribution with the one validator; return the document and errors by form field name."""
    lang = lang or current_lang()
    errors: dict[str, list[str]] = {}
    meta = {**data, **(extra or {})}
    if not body.strip():
        errors.setdefault(BODY, []).append(msg("body_required", lang))
    elif len(body) > MAX_BODY_CHARS:
        errors.setdefault(BODY, []).append(msg("body_too_long", lang, length=len(body), limit=MAX_BODY_CHARS))
    elif (near := markup_problem(body)) is not None:
        errors.setdefault(BODY, []).append(msg("body_bad_markup", lang, near=near))
    rel = f"{schema.type}/kiriman.md"  # a placeholder slug: the publisher chooses the real one
    doc, problems, _ = parse_document(document_text(meta, body, schema), rel, dict(schemas), refdata, today)
    for problem in problems:
        if problem.severity != "error":
            continue
        if problem.key == "required_field":
            text = msg("required", lang, label=_label_of(problem.field, schema, lang))
        else:
            text = problem.message(lang)
        key = "attachments" if problem.field.startswith("attachments") else _form_key(problem.field, names)
        errors.setdefault(key, []).append(text)
    return (doc if not errors else None), errors
