"""Contribution forms generated from the schemas; posted values parsed and checked by the one validator.

Fields come from ``site_builder.schemas`` (every field with ``form: true``); each field type's class
(``site_builder.fields``) gives its control and parses its posted value; the front-matter dict is
serialised by the content model (``document_text``) and run through
``site_builder.content.parse_document`` — the one validator — whose problems come back as inline
Indonesian errors next to the fields they are about.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from werkzeug.datastructures import MultiDict

from flask_app.messages import current_lang
from site_builder.content import Corpus, Document, document_text, parse_document, reference_problems
from site_builder.fields import FormContext, FormField, clean_text, form_control, kind_of, parse_action
from site_builder.i18n import _
from site_builder.render import MAX_BODY_CHARS, body_problem, markup_problem
from site_builder.schemas import Field, RefData, Schema

__all__ = ["MAX_BODY_CHARS", "FormField", "clean_text", "form_fields", "parse_form", "to_form_values", "validate"]

FORM_ERROR = "_form"  # errors about the form as a whole
BODY = "body"
ROW_ACTION = "row_action"  # the "Tambah baris" / "Hapus baris" buttons of a form without scripts


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


def apply_row_action(schema: Schema, form: MultiDict) -> bool:
    """Tidy posted rows (empty ones dropped, the rest numbered again) and apply a pressed row button.

    Returns whether a "Tambah baris" or "Hapus baris" button was pressed (the form is then shown again).
    """
    action = parse_action(form.get(ROW_ACTION))
    form.poplist(ROW_ACTION)
    done = [kind_of(spec).normalise(spec, name, form, action) for name, spec in schema.fields.items() if spec.form]
    return any(done)


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
    corpus: Corpus | None = None,
) -> tuple[Document | None, dict[str, list[str]]]:
    """Check a contribution with the one validator; return the document and errors by form field name."""
    lang = lang or current_lang()
    errors: dict[str, list[str]] = {}
    meta = {**data, **(extra or {})}
    if not body.strip():
        errors.setdefault(BODY, []).append(_("contrib.body_required", lang))
    elif (limit := body_problem(body)) is not None:
        errors.setdefault(BODY, []).append(_(limit[0], lang, **limit[1]))
    elif (near := markup_problem(body)) is not None:
        errors.setdefault(BODY, []).append(_("contrib.body_bad_markup", lang, near=near))
    rel = f"{schema.type}/kiriman.md"  # a placeholder slug: the publisher chooses the real one
    doc, problems, validator = parse_document(document_text(meta, body, schema), rel, dict(schemas), refdata, today)
    if corpus is not None and doc is not None and validator is not None:
        # The publisher resolves them too: a reference to nothing (or to another type) is refused here.
        problems = problems + reference_problems(validator, corpus)
    for problem in problems:
        if problem.severity != "error":
            continue
        if problem.key == "required_field":
            text = _("contrib.required", lang, label=_label_of(problem.field, schema, lang))
        else:
            text = problem.message(lang)
        key = "attachments" if problem.field.startswith("attachments") else _form_key(problem.field, names)
        errors.setdefault(key, []).append(text)
    return (doc if not errors else None), errors
