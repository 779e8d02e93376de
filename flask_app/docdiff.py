"""What changed between two versions of a document: front-matter field by field, the body word by word."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from site_builder.frontmatter import YamlRejected, parse_front_matter
from site_builder.schemas import Field, Schema

_WORDS = re.compile(r"\s+|[^\s]+")
MAX_DIFF_TOKENS = 20_000  # words of one changed block compared word by word; a bigger block as a whole


@dataclass(frozen=True)
class FieldChange:
    """One changed leaf of the front-matter: its dotted path, label, and the values before and after."""

    path: str
    label: str
    old: str
    new: str


def split_text(text: str) -> tuple[dict[str, Any], str]:
    """(front-matter, body) of a document's text; unreadable front-matter counts as empty."""
    try:
        data, _lines, body, _line = parse_front_matter(text)
    except YamlRejected:
        return {}, text
    return (data if isinstance(data, dict) else {}), body


def _show(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    return str(value)


def _leaves(value: Any, path: str, out: dict[str, str]) -> None:
    if isinstance(value, Mapping):
        for key, item in value.items():
            _leaves(item, f"{path}.{key}" if path else str(key), out)
    elif isinstance(value, list) and any(isinstance(v, (Mapping, list)) for v in value):
        for i, item in enumerate(value, start=1):
            _leaves(item, f"{path}.{i}", out)
    elif isinstance(value, list):
        out[path] = ", ".join(_show(v) for v in value)
    else:
        out[path] = _show(value)


def _label(schema: Schema | None, path: str, lang: str) -> str:
    if schema is None:
        return path
    parts: list[str] = []
    fields: Mapping[str, Field] = schema.fields
    spec: Field | None = None
    for part in path.split("."):
        if part.isdigit():
            parts.append(part)
            if spec is not None and spec.items is not None:
                fields = spec.items.fields
            continue
        spec = fields.get(part)
        if spec is None:
            parts.append(part)
            fields = {}
            continue
        parts.append(spec.label_in(lang))
        fields = spec.fields
    return " › ".join(parts)


def _with_defaults(schema: Schema | None, meta: Mapping[str, Any]) -> Mapping[str, Any]:
    if schema is None:
        return meta
    missing = {n: f.default for n, f in schema.fields.items() if f.default is not None and n not in meta}
    return {**meta, **missing} if missing else meta


def field_changes(
    schema: Schema | None, old: Mapping[str, Any], new: Mapping[str, Any], lang: str = "id"
) -> list[FieldChange]:
    """Every front-matter leaf whose value differs, in the order of the new version's fields.

    A top-level field left out counts as its declared default: the validator fills it in on load, and
    an edit's canonical text leaves it out (flask_app/proposals.py), so the publisher's ``lang: id`` of a
    new document must not show as removed in the first edit's diff.
    """
    before: dict[str, str] = {}
    after: dict[str, str] = {}
    _leaves(_with_defaults(schema, old), "", before)
    _leaves(_with_defaults(schema, new), "", after)
    paths = list(after) + [p for p in before if p not in after]
    return [
        FieldChange(p, _label(schema, p, lang), before.get(p, ""), after.get(p, ""))
        for p in paths
        if before.get(p, "") != after.get(p, "")
    ]


def _tokens_diff(a: list[str], b: list[str], out: list[str]) -> None:
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(str(escape("".join(a[i1:i2]))))
            continue
        if i2 > i1:
            out.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if j2 > j1:
            out.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")


def word_diff(old: str, new: str) -> Markup:
    """The body's change as escaped HTML: removed words in ``<del>``, added ones in ``<ins>``.

    Lines are matched first and words only within changed lines: a word diff of a whole long body
    (the same words again and again) is quadratic in difflib.
    """
    a_lines, b_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
    out: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a_lines, b_lines, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(str(escape("".join(a_lines[i1:i2]))))
            continue
        a, b = _WORDS.findall("".join(a_lines[i1:i2])), _WORDS.findall("".join(b_lines[j1:j2]))
        if op == "replace" and len(a) + len(b) <= MAX_DIFF_TOKENS:
            _tokens_diff(a, b, out)
        else:
            _tokens_diff(["".join(a)] if a else [], ["".join(b)] if b else [], out)
    return Markup("".join(out))


@dataclass
class DocumentDiff:
    """The changes between two texts of one document."""

    fields: list[FieldChange]
    body_html: Markup
    body_changed: bool

    @property
    def empty(self) -> bool:
        """Whether nothing changed."""
        return not self.fields and not self.body_changed


def diff_texts(schema: Schema | None, old_text: str, new_text: str, lang: str = "id") -> DocumentDiff:
    """Field-by-field and word-by-word changes from ``old_text`` to ``new_text``."""
    old_meta, old_body = split_text(old_text)
    new_meta, new_body = split_text(new_text)
    changed = old_body.strip() != new_body.strip()
    body = word_diff(old_body.strip("\n"), new_body.strip("\n")) if changed else Markup("")
    return DocumentDiff(field_changes(schema, old_meta, new_meta, lang), body, changed)
