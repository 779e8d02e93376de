"""The one content model: load Markdown files with YAML front-matter, validate, return Documents.

site_builder, search and flask_app all import this module; nothing else parses front-matter.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from .i18n import t
from .schemas import Field, RefData, Schema, load_refdata, load_schemas

MAX_FILE_BYTES = 1024 * 1024
MAX_YAML_DEPTH = 20
MAX_YAML_NODES = 20_000
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Top-level Markdown files (the home page and the like) are plain pages, not documents.
PLAIN_PAGE_NAMES = {"index.md"}


def content_root(value: str | Path | None = None) -> Path:
    """The content tree a command works on: the argument, else $POKJA_CONTENT, else ./content."""
    return Path(value or os.environ.get("POKJA_CONTENT") or "content")


try:  # libyaml is much faster; fall back to the pure-Python composer.
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Loader = yaml.SafeLoader


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one file: where, which field, and what (a catalogue message)."""

    path: str
    line: int
    field: str
    key: str
    params: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    severity: str = "error"

    def message(self, lang: str = "id") -> str:
        """The problem's message in ``lang``."""
        return t(self.key, lang, **self.params)

    def format(self, lang: str = "id") -> str:
        """``path:line: field: message``, warnings marked as such."""
        where = f"{self.path}:{self.line}: "
        fieldpart = f"{self.field}: " if self.field else ""
        prefix = f"{t('warning_prefix', lang)}: " if self.severity == "warning" else ""
        return f"{where}{prefix}{fieldpart}{self.message(lang)}"


@dataclass
class Document:
    """A validated document: its type, slug, front-matter and Markdown body."""

    type: str
    slug: str
    rel_path: str  # relative to the content root, POSIX separators
    path: Path
    meta: dict[str, Any]
    body: str
    body_line: int = 1
    lines: dict[str, int] = field(default_factory=dict, repr=False)

    @property
    def title(self) -> str:
        """The document's title."""
        return str(self.meta["title"])

    @property
    def summary(self) -> str:
        """The one- or two-sentence summary."""
        return str(self.meta.get("summary") or "")

    @property
    def date(self) -> dt.date:
        """Date of publication."""
        return self.meta["date"]

    @property
    def updated(self) -> dt.date:
        """Date of the last change (the publication date when never updated)."""
        return self.meta.get("updated") or self.meta["date"]

    @property
    def tags(self) -> list[str]:
        """Tag ids."""
        return list(self.meta.get("tags") or [])

    @property
    def regions(self) -> list[str]:
        """Region codes."""
        return list(self.meta.get("region") or [])

    @property
    def related(self) -> list[str]:
        """Slugs of related documents."""
        return list(self.meta.get("related") or [])

    @property
    def lang(self) -> str:
        """The document's language."""
        return str(self.meta.get("lang") or "id")

    @property
    def contributed(self) -> bool:
        """Whether a member contributed it: then it is rendered by the sanitising renderer."""
        return bool(self.meta.get("contribution"))

    @property
    def example(self) -> bool:
        """Whether the document is starter-content example (contoh)."""
        return bool(self.meta.get("example"))

    @property
    def url(self) -> str:
        """Site URL relative to the site root, with MkDocs' directory URLs."""
        return f"{PurePosixPath(self.rel_path).with_suffix('')}/"

    @property
    def years(self) -> list[int]:
        """Years the document is about: its date, plus a programme's or lesson's period."""
        years = {self.date.year}
        period = self.meta.get("period")
        if isinstance(period, dict) and period.get("start"):
            end = period.get("end") or period["start"]
            years.update(range(int(period["start"]), int(end) + 1))
        return sorted(years)


@dataclass
class Corpus:
    """Everything loaded from one content tree."""

    root: Path
    schemas: dict[str, Schema]
    refdata: RefData
    documents: list[Document]
    problems: list[Problem]
    files_checked: int = 0

    @property
    def by_slug(self) -> dict[str, Document]:
        """Documents by slug."""
        return {d.slug: d for d in self.documents}

    def of_type(self, doc_type: str) -> list[Document]:
        """Documents of one type, newest first."""
        return sorted((d for d in self.documents if d.type == doc_type), key=lambda d: d.date, reverse=True)

    @property
    def errors(self) -> list[Problem]:
        """Problems that fail a check or a build."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """Problems that only warn."""
        return [p for p in self.problems if p.severity == "warning"]

    def backlinks(self) -> dict[str, list[Document]]:
        """For each slug, the documents that name it in ``related`` (or as their ``program``)."""
        links: dict[str, list[Document]] = {}
        for doc in self.documents:
            targets = set(doc.related)
            if isinstance(doc.meta.get("program"), str):
                targets.add(doc.meta["program"])
            for slug in sorted(targets):
                links.setdefault(slug, []).append(doc)
        return links


# --- YAML with line numbers and without aliases ------------------------------------------


class _YamlRejected(Exception):
    def __init__(self, key: str, line: int, **params: Any) -> None:
        super().__init__(key)
        self.key, self.line, self.params = key, line, params


_STR_TAG = "tag:yaml.org,2002:str"
_SCALAR_LOADER = yaml.SafeLoader("")  # used only to resolve scalar nodes (ints, dates, ...)


def _construct(node: yaml.Node, path: tuple[str, ...], lines: dict[str, int], state: dict[str, Any]) -> Any:
    """Turn a composed node into Python data, recording lines; refuse aliases and bombs."""
    if id(node) in state["seen"]:
        raise _YamlRejected("yaml_alias", node.start_mark.line)
    state["seen"].add(id(node))
    state["count"] += 1
    if state["count"] > MAX_YAML_NODES:
        raise _YamlRejected("yaml_too_big", node.start_mark.line, limit=MAX_YAML_NODES)
    if len(path) > MAX_YAML_DEPTH:
        raise _YamlRejected("yaml_too_deep", node.start_mark.line, limit=MAX_YAML_DEPTH)
    lines[".".join(path)] = node.start_mark.line
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise _YamlRejected("yaml_alias", key_node.start_mark.line)
            if not isinstance(key_node, yaml.ScalarNode):
                raise _YamlRejected("not_mapping", key_node.start_mark.line)
            # Keys are names, taken as written: YAML 1.1 would read `no:` (a decision's number) as False.
            key = key_node.value
            result[key] = _construct(value_node, (*path, str(key)), lines, state)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_construct(item, (*path, str(i)), lines, state) for i, item in enumerate(node.value)]
    if node.tag == _STR_TAG:  # the common case, without the constructor's overhead
        return node.value
    try:
        return _SCALAR_LOADER.construct_object(node, deep=True)
    except ValueError:
        # A scalar YAML recognises but cannot build (a date like 2024-13-45): keep the text, so
        # the field's validator reports it with its own message.
        return node.value


def _parse_front_matter(text: str) -> tuple[Any, dict[str, int], str, int]:
    """Split ``text`` into (front-matter data, field lines, body, body's first line); 1-based lines."""
    if not text.startswith("---"):
        raise _YamlRejected("no_front_matter", 1)
    first_break = text.find("\n")
    if first_break == -1 or text[:first_break].strip() != "---":
        raise _YamlRejected("no_front_matter", 1)
    match = re.compile(r"^(---|\.\.\.)[ \t]*\r?$", re.M).search(text, first_break + 1)
    if not match:
        raise _YamlRejected("unclosed_front_matter", 1)
    yaml_text = text[first_break + 1 : match.start()]
    body_start = text.find("\n", match.end())
    body = "" if body_start == -1 else text[body_start + 1 :]
    body_line = text.count("\n", 0, body_start + 1) + 1 if body_start != -1 else 1
    try:
        node = yaml.compose(yaml_text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 2) if mark else 1
        detail = exc.problem or str(exc)
        raise _YamlRejected("invalid_yaml", line, detail=detail) from exc
    except yaml.YAMLError as exc:
        raise _YamlRejected("invalid_yaml", 2, detail=str(exc)) from exc
    if node is None:
        return {}, {}, body, body_line
    lines: dict[str, int] = {}
    try:
        data = _construct(node, (), lines, {"seen": set(), "count": 0})
    except _YamlRejected as exc:
        exc.line += 2
        raise
    except (yaml.YAMLError, ValueError, TypeError) as exc:
        raise _YamlRejected("invalid_yaml", 2, detail=str(exc)) from exc
    # YAML lines are 0-based within the block, which starts on file line 2.
    return data, {k: v + 2 for k, v in lines.items()}, body, body_line


# --- validation ----------------------------------------------------------------------------


def _kind(value: Any) -> str:
    if value is None:
        return "kosong/null"
    return {
        str: "teks",
        int: "bilangan",
        float: "angka",
        bool: "boolean",
        list: "daftar",
        dict: "pasangan kunci",
        dt.date: "tanggal",
        dt.datetime: "tanggal-waktu",
    }.get(type(value), type(value).__name__)


class _Validator:
    def __init__(self, rel: str, lines: dict[str, int], refdata: RefData) -> None:
        self.rel, self.lines, self.refdata = rel, lines, refdata
        self.problems: list[Problem] = []
        self.doc_refs: list[tuple[str, str, Field]] = []  # (dotted path, slug, field)
        self.attachments: list[tuple[str, str]] = []

    def line(self, dotted: str) -> int:
        while dotted and dotted not in self.lines:
            dotted = dotted.rpartition(".")[0]
        return self.lines.get(dotted, 2)

    def add(self, dotted: str, key: str, severity: str = "error", **params: Any) -> None:
        self.problems.append(Problem(self.rel, self.line(dotted), dotted, key, params, severity))

    def value(self, spec: Field, value: Any, dotted: str) -> Any:
        """Check ``value`` against ``spec``; return it normalised (or None when invalid)."""
        kind = spec.type
        if kind in ("string", "text", "attachment"):
            if isinstance(value, (int, float)) and not isinstance(value, bool) and kind != "attachment":
                value = str(value)
            if not isinstance(value, str):
                self.add(dotted, "expected_string", found=_kind(value))
                return None
            if spec.max_length and len(value) > spec.max_length:
                self.add(dotted, "too_long", length=len(value), limit=spec.max_length)
            if kind == "attachment":
                self.attachments.append((dotted, value))
            return value
        if kind == "integer" or kind == "year":
            if isinstance(value, bool) or not isinstance(value, int):
                if kind == "year":
                    self.add(dotted, "expected_year", value=value)
                else:
                    self.add(dotted, "expected_integer", found=_kind(value))
                return None
            if kind == "year" and not 1900 <= value <= 2100:
                self.add(dotted, "expected_year", value=value)
                return None
            return self._bounds(spec, value, dotted)
        if kind == "number":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                self.add(dotted, "expected_number", found=_kind(value))
                return None
            return self._bounds(spec, value, dotted)
        if kind == "boolean":
            if not isinstance(value, bool):
                self.add(dotted, "expected_boolean", found=_kind(value))
                return None
            return value
        if kind == "date":
            if isinstance(value, dt.datetime):
                return value.date()
            if isinstance(value, dt.date):
                return value
            if isinstance(value, str):
                try:
                    return dt.date.fromisoformat(value)
                except ValueError:
                    pass
            self.add(dotted, "expected_date", value=value)
            return None
        if kind == "enum":
            if not isinstance(value, str) or value not in spec.values:
                self.add(dotted, "not_in_enum", value=value, allowed=", ".join(spec.values))
                return None
            return value
        if kind == "ref":
            if isinstance(value, int) and not isinstance(value, bool):
                value = str(value)
            if not isinstance(value, str):
                self.add(dotted, "expected_string", found=_kind(value))
                return None
            if spec.ref == "document":
                self.doc_refs.append((dotted, value, spec))
                return value
            if value not in self.refdata.values_for(spec.ref or ""):
                self.add(dotted, f"unknown_{spec.ref}", value=value)
                return None
            return value
        if kind == "list":
            if not isinstance(value, list):
                self.add(dotted, "expected_list", found=_kind(value))
                return None
            assert spec.items is not None
            out = [self.value(spec.items, item, f"{dotted}.{i}") for i, item in enumerate(value)]
            return [v for v in out if v is not None]
        if kind == "object":
            if not isinstance(value, dict):
                self.add(dotted, "expected_mapping", found=_kind(value))
                return None
            return self.mapping(spec.fields, value, dotted, type_name=spec.name)
        raise AssertionError(kind)  # schemas.py refuses unknown types

    def _bounds(self, spec: Field, value: float, dotted: str) -> float | None:
        if spec.min is not None and value < spec.min:
            self.add(dotted, "below_min", limit=spec.min)
            return None
        if spec.max is not None and value > spec.max:
            self.add(dotted, "above_max", limit=spec.max)
            return None
        return value

    def mapping(self, fields: dict[str, Field], data: dict[Any, Any], prefix: str, type_name: str) -> dict:
        out: dict[str, Any] = {}
        for key in data:
            if str(key) not in fields:
                self.add(f"{prefix}.{key}" if prefix else str(key), "unknown_field", type=type_name)
        for name, spec in fields.items():
            dotted = f"{prefix}.{name}" if prefix else name
            raw = data.get(name)
            if raw is None or raw == "" or raw == []:
                if spec.required:
                    self.add(dotted, "required_field", name=name)
                elif spec.default is not None:
                    out[name] = spec.default
                continue
            checked = self.value(spec, raw, dotted)
            if checked is not None:
                out[name] = checked
        return out


def _type_checks(doc_type: str, meta: dict[str, Any], v: _Validator, today: dt.date) -> None:
    """Checks across fields that a per-field schema cannot say."""
    period = meta.get("period")
    if isinstance(period, dict) and period.get("start") and period.get("end") and period["end"] < period["start"]:
        v.add("period.end", "period_reversed", start=period["start"], end=period["end"])
    review_by = meta.get("review_by")
    if doc_type == "pedoman" and review_by and review_by < today and meta.get("status") != "dicabut":
        v.add("review_by", "review_overdue", severity="warning", value=review_by.isoformat())
    if doc_type == "program":
        _program_checks(meta, v)


def _program_checks(meta: dict[str, Any], v: _Validator) -> None:
    refdata = v.refdata
    provinces = {refdata.regions[c].province_code for c in meta.get("region") or [] if c in refdata.regions}
    national = "00" in (meta.get("region") or [])
    period = meta.get("period") or {}
    for i, row in enumerate(meta.get("targets") or []):
        where = f"targets.{i}"
        indicator = refdata.indicators.get(row.get("indicator", ""))
        if indicator and row.get("unit") and row["unit"] != indicator.unit:
            v.add(f"{where}.unit", "unit_mismatch", value=row["unit"], indicator=indicator.id, expected=indicator.unit)
        weighted = indicator is not None and indicator.aggregation == "weighted_mean"
        if weighted and "base" not in row and row.get("realization") is not None:
            v.add(f"{where}.base", "missing_base", indicator=indicator.id)
        region = refdata.regions.get(row.get("region", ""))
        if region and not national and region.province_code not in provinces:
            v.add(
                f"{where}.region",
                "region_not_in_province",
                value=region.code,
                provinces=", ".join(sorted(p for p in provinces if p)) or "-",
            )
        year = row.get("year")
        start, end = period.get("start"), period.get("end")
        if year and start and end and not start <= year <= end:
            v.add(f"{where}.year", "year_outside_period", value=year, start=start, end=end)


def read_text(path: Path, rel: str) -> tuple[str | None, list[Problem]]:
    """Read a Markdown file safely: size, binary, encoding, empty; return (text, problems)."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, [Problem(rel, 1, "", "too_large", {"size": f"{size / 1048576:.1f} MB", "limit": "1 MB"})]
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Problem(rel, 1, "", "unreadable", {"detail": exc.strerror or str(exc)})]
    if not raw.strip():
        return None, [Problem(rel, 1, "", "empty_file")]
    if b"\x00" in raw[:8192]:
        return None, [Problem(rel, 1, "", "binary_file")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        return None, [Problem(rel, line, "", "not_utf8", {"pos": exc.start})]
    return text.removeprefix("\ufeff"), []


def parse_document(
    text: str,
    rel: str,
    schemas: dict[str, Schema],
    refdata: RefData,
    today: dt.date | None = None,
) -> tuple[Document | None, list[Problem], _Validator | None]:
    """Parse and validate one document's text (references to other documents checked later)."""
    parts = PurePosixPath(rel).parts
    folder = parts[0] if len(parts) > 1 else ""
    slug = PurePosixPath(rel).stem
    if folder not in schemas:
        known = ", ".join(sorted(schemas))
        return None, [Problem(rel, 1, "", "unknown_type", {"type": folder or "-", "known": known})], None
    try:
        data, lines, body, body_line = _parse_front_matter(text)
    except _YamlRejected as exc:
        return None, [Problem(rel, exc.line, "", exc.key, exc.params)], None
    if not isinstance(data, dict):
        return None, [Problem(rel, 2, "", "not_mapping")], None
    v = _Validator(rel, lines, refdata)
    problems = v.problems
    if not SLUG_RE.match(slug):
        v.add("", "bad_slug", slug=slug)
    declared = data.pop("type", None)
    if declared is not None and declared != folder:
        v.add("type", "type_mismatch", found=declared, folder=folder)
    schema = schemas[folder]
    meta = v.mapping(schema.fields, data, "", type_name=schema.type)
    if not any(p.severity == "error" for p in problems):
        _type_checks(folder, meta, v, today or dt.date.today())
    if any(p.severity == "error" for p in problems):
        return None, problems, v
    doc = Document(
        type=folder, slug=slug, rel_path=rel, path=Path(rel), meta=meta, body=body, body_line=body_line, lines=lines
    )
    return doc, problems, v


def iter_markdown(root: Path) -> Iterator[Path]:
    """Markdown files of a content tree in a stable order, skipping ``_``- and dot-folders."""
    for path in sorted(root.rglob("*.md")):
        rel_parts = path.relative_to(root).parts
        if any(p.startswith(("_", ".")) for p in rel_parts[:-1]):
            continue
        yield path


def _resolve(
    docs_with_validators: Iterable[tuple[Document, _Validator]], by_slug: dict[str, Document], root: Path
) -> list[Problem]:
    problems: list[Problem] = []
    for doc, v in docs_with_validators:
        v.problems = []
        for dotted, slug, spec in v.doc_refs:
            target = by_slug.get(slug)
            if target is None:
                v.add(dotted, "unknown_document", value=slug)
            elif spec.document_type and target.type != spec.document_type:
                v.add(dotted, "wrong_document_type", value=slug, found=target.type, expected=spec.document_type)
        base = (root / doc.rel_path).parent
        for dotted, name in v.attachments:
            target_path = (base / name).resolve()
            if not target_path.is_relative_to(root.resolve()):
                v.add(dotted, "unsafe_attachment", value=name)
            elif not target_path.is_file():
                v.add(dotted, "missing_attachment", value=name)
        problems.extend(v.problems)
    return problems


def load(
    root: Path | str,
    *,
    today: dt.date | None = None,
    schemas: dict[str, Schema] | None = None,
    refdata: RefData | None = None,
    progress: Any = None,
) -> Corpus:
    """Load and validate every document under ``root``; bad files are reported and skipped."""
    root = Path(root)
    schemas = schemas if schemas is not None else load_schemas(root)
    refdata = refdata if refdata is not None else load_refdata(root)
    problems: list[Problem] = []
    parsed: list[tuple[Document, _Validator]] = []
    first_by_slug: dict[str, str] = {}
    files = list(iter_markdown(root))
    for path in files if progress is None else progress(files):
        rel = path.relative_to(root).as_posix()
        if rel in PLAIN_PAGE_NAMES:
            continue
        text, read_problems = read_text(path, rel)
        problems.extend(read_problems)
        if text is None:
            continue
        doc, doc_problems, validator = parse_document(text, rel, schemas, refdata, today)
        problems.extend(doc_problems)
        slug = PurePosixPath(rel).stem
        if slug in first_by_slug and PurePosixPath(rel).parent.name in schemas:
            problems.append(Problem(rel, 1, "", "duplicate_slug", {"slug": slug, "other": first_by_slug[slug]}))
            continue
        first_by_slug.setdefault(slug, rel)
        if doc is not None and validator is not None:
            doc.path = path
            parsed.append((doc, validator))
    by_slug = {d.slug: d for d, _ in parsed}
    problems.extend(_resolve(parsed, by_slug, root))
    bad = {p.path for p in problems if p.severity == "error"}
    documents = [d for d, _ in parsed if d.rel_path not in bad]
    problems.sort(key=lambda p: (p.path, p.line, p.field))
    return Corpus(root, schemas, refdata, documents, problems, files_checked=len(files))


def load_one(corpus: Corpus, path: Path, *, today: dt.date | None = None) -> tuple[Document | None, list[Problem]]:
    """Load one file against an already loaded corpus (for incremental publish)."""
    rel = path.relative_to(corpus.root).as_posix()
    text, problems = read_text(path, rel)
    if text is None:
        return None, problems
    doc, problems, validator = parse_document(text, rel, corpus.schemas, corpus.refdata, today)
    if doc is None or validator is None:
        return None, problems
    doc.path = path
    by_slug = {d.slug: d for d in corpus.documents if d.rel_path != rel}
    if doc.slug in by_slug:
        return None, [Problem(rel, 1, "", "duplicate_slug", {"slug": doc.slug, "other": by_slug[doc.slug].rel_path})]
    by_slug[doc.slug] = doc
    problems = problems + _resolve([(doc, validator)], by_slug, corpus.root)
    if any(p.severity == "error" for p in problems):
        return None, problems
    return doc, problems


class CorpusCache:
    """The corpus of one content tree, loaded again only when a file in it changed (for request handlers)."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        self._fingerprint: tuple[int, int, int] | None = None
        self._corpus: Corpus | None = None

    def fingerprint(self) -> tuple[int, int, int]:
        """(files, newest modification, total size) of every Markdown, schema and reference file."""
        count = newest = size = 0
        for path in self.root.rglob("*"):
            if path.suffix not in (".md", ".yml"):
                continue
            try:
                st = path.stat()
            except OSError:  # removed while we walked: the next call sees the new state
                continue
            count, newest, size = count + 1, max(newest, st.st_mtime_ns), size + st.st_size
        return count, newest, size

    def get(self) -> Corpus:
        """The current corpus: a stat of each file when nothing changed, a full load otherwise."""
        fingerprint = self.fingerprint()
        if self._corpus is None or fingerprint != self._fingerprint:
            self._corpus, self._fingerprint = load(self.root), fingerprint
        return self._corpus
