"""The one content model: load Markdown files with YAML front-matter, validate, return Documents.

site_builder, search and flask_app all import this module; nothing else parses front-matter.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import InitVar, dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from .cross_checks import type_checks
from .fields import kind_of
from .frontmatter import (
    YamlRejected,
    document_text,
    dump_front_matter,
    parse_front_matter,
    slugify,
    split_front_matter,
)
from .parse_cache import ParseCache, Parsed
from .problems import Problem
from .schemas import Field, RefData, Schema, load_refdata, load_schemas

__all__ = ["Corpus", "Document", "Problem", "document_text", "dump_front_matter", "load", "load_one", "slugify"]

MAX_FILE_BYTES = 1024 * 1024
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Addresses the site generates itself (a type's listing is <type>/index.md) and names of its feeds and
# sections: a document under one of them would clash with a generated page at build (issue #13).
RESERVED_SLUGS = frozenset(
    {"index", "feed", "rss", "atom", "sitemap", "tag", "wilayah", "dasbor", "search", "cari", "lampiran", "assets"}
) | {"halaman"}  # the numbered pages of a long listing (formatting.PAGES_FOLDER)
# Top-level Markdown files (the home page and the like) are plain pages, not documents.
PLAIN_PAGE_NAMES = {"index.md"}


@dataclass
class Document:
    """A validated document: its type, slug, front-matter and Markdown body."""

    type: str
    slug: str
    rel_path: str  # relative to the content root, POSIX separators
    path: Path
    meta: dict[str, Any]
    # None once a build has rendered the page (build memory; the state keeps no bodies): markdown_body().
    body: str | None
    body_line: int = 1
    lines: dict[str, int] = field(default_factory=dict, repr=False)
    schema: Schema | None = field(default=None, repr=False, compare=False)  # its type's declaration

    def markdown_body(self) -> str:
        """The Markdown body: the one in memory, else read again from the file."""
        if self.body is not None:
            return self.body
        return split_front_matter(self.path.read_text(encoding="utf-8"))[1]

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
    adopt: InitVar[bool] = True  # False: every document has its schema (a publication's: no loop over all)

    def __post_init__(self, adopt: bool) -> None:
        # Documents made elsewhere (tests, benchmarks) learn their schema here, as loaded ones have it.
        for doc in self.documents if adopt else ():
            if doc.schema is None:
                doc.schema = self.schemas.get(doc.type)

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
            for slug in link_targets(doc):
                links.setdefault(slug, []).append(doc)
        return links


def link_targets(doc: Document) -> list[str]:
    """The slugs whose pages list ``doc`` as a backlink (its related documents and its programme), sorted."""
    targets = set(doc.related)
    if isinstance(doc.meta.get("program"), str):
        targets.add(doc.meta["program"])
    return sorted(targets)


# --- validation ----------------------------------------------------------------------------


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

    def report(self, dotted: str, key: str, severity: str = "error", **params: Any) -> None:
        self.problems.append(Problem(self.rel, self.line(dotted), dotted, key, params, severity))

    def value(self, spec: Field, value: Any, dotted: str) -> Any:
        """Check ``value`` against ``spec`` (its type's class does); return it normalised or None."""
        return kind_of(spec).validate(spec, value, dotted, self)

    def mapping(self, fields: dict[str, Field], data: dict[Any, Any], prefix: str, type_name: str) -> dict:
        out: dict[str, Any] = {}
        for key in data:
            if str(key) not in fields:
                self.report(f"{prefix}.{key}" if prefix else str(key), "unknown_field", type=type_name)
        for name, spec in fields.items():
            dotted = f"{prefix}.{name}" if prefix else name
            raw = data.get(name)
            if raw is None or raw == "" or raw == []:
                if spec.required:
                    self.report(dotted, "required_field", name=name)
                elif spec.default is not None:
                    out[name] = spec.default
                continue
            checked = self.value(spec, raw, dotted)
            if checked is not None:
                out[name] = checked
        return out


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
        data, lines, body, body_line = parse_front_matter(text)
    except YamlRejected as exc:
        return None, [Problem(rel, exc.line, "", exc.key, exc.params)], None
    if not isinstance(data, dict):
        return None, [Problem(rel, 2, "", "not_mapping")], None
    v = _Validator(rel, lines, refdata)
    problems = v.problems
    if not SLUG_RE.match(slug):
        v.report("", "bad_slug", slug=slug)
    elif slug in RESERVED_SLUGS:
        v.report("", "reserved_slug", slug=slug)
    declared = data.pop("type", None)
    if declared is not None and declared != folder:
        v.report("type", "type_mismatch", found=declared, folder=folder)
    schema = schemas[folder]
    meta = v.mapping(schema.fields, data, "", type_name=schema.type)
    if not any(p.severity == "error" for p in problems):
        type_checks(folder, meta, v, today or dt.date.today())
    if any(p.severity == "error" for p in problems):
        return None, problems, v
    doc = Document(
        type=folder,
        slug=slug,
        rel_path=rel,
        path=Path(rel),
        meta=meta,
        body=body,
        body_line=body_line,
        lines=lines,
        schema=schema,
    )
    return doc, problems, v


def iter_markdown(root: Path) -> Iterator[Path]:
    """Markdown files of a content tree in a stable order, skipping ``_``- and dot-folders."""
    for path in sorted(root.rglob("*.md")):
        rel_parts = path.relative_to(root).parts
        if any(p.startswith(("_", ".")) for p in rel_parts[:-1]):
            continue
        yield path


def _check_doc_refs(
    v: _Validator, find: Callable[[str], Document | None], failed: Mapping[str, str] | None = None
) -> None:
    failed = failed or {}
    for dotted, slug, spec in v.doc_refs:
        target = find(slug)
        # A file that exists but failed is reported once, in its own file: no cascade here.
        found = target.type if target is not None else failed.get(slug)
        if found is None:
            v.report(dotted, "unknown_document", value=slug)
        elif spec.document_type and found != spec.document_type:
            v.report(dotted, "wrong_document_type", value=slug, found=found, expected=spec.document_type)


def reference_problems(validator: _Validator, corpus: Corpus) -> list[Problem]:
    """The problems of a parsed document's references to other documents (unknown, or of another type)."""
    validator.problems = []
    _check_doc_refs(validator, corpus.by_slug.get)
    return list(validator.problems)


def _resolve(
    docs_with_validators: Iterable[tuple[Document, _Validator]],
    find: Callable[[str], Document | None],
    root: Path,
    failed: dict[str, str] | None = None,
) -> list[Problem]:
    """Check document references and attachments; ``failed`` maps the slugs of bad files to their type."""
    problems: list[Problem] = []
    failed = failed or {}
    for doc, v in docs_with_validators:
        v.problems = []
        _check_doc_refs(v, find, failed)
        base = (root / doc.rel_path).parent
        for dotted, name in v.attachments:
            target_path = (base / name).resolve()
            if not target_path.is_relative_to(root.resolve()):
                v.report(dotted, "unsafe_attachment", value=name)
            elif not target_path.is_file():
                v.report(dotted, "missing_attachment", value=name)
        problems.extend(v.problems)
    return problems


def load(
    root: Path | str,
    *,
    today: dt.date | None = None,
    schemas: dict[str, Schema] | None = None,
    refdata: RefData | None = None,
    progress: Any = None,
    cache: ParseCache | None = None,
) -> Corpus:
    """Load and validate every document under ``root``; bad files are reported and skipped.

    ``cache``: the files parsed by an earlier load with the same schemas and reference data, reused when
    a file's (mtime, size) and the day are unchanged (the service's content snapshots; never a build's,
    which changes its documents). References between documents are checked again either way.
    """
    root = Path(root)
    schemas = schemas if schemas is not None else load_schemas(root)
    refdata = refdata if refdata is not None else load_refdata(root)
    with cache.lock if cache is not None else contextlib.nullcontext():
        return _load(root, today, schemas, refdata, progress, cache)


def _load(
    root: Path,
    today: dt.date | None,
    schemas: dict[str, Schema],
    refdata: RefData,
    progress: Any,
    cache: ParseCache | None,
) -> Corpus:
    day = today or dt.date.today()
    problems: list[Problem] = []
    parsed: list[tuple[Document, _Validator]] = []
    first_by_slug: dict[str, str] = {}
    failed: dict[str, str] = {}  # slug -> type of the files that exist but did not validate
    files = list(iter_markdown(root))
    for path in files if progress is None else progress(files):
        rel = path.relative_to(root).as_posix()
        if rel in PLAIN_PAGE_NAMES:
            continue
        folder, slug = PurePosixPath(rel).parent.name, PurePosixPath(rel).stem
        parsed_file = _parse_file(path, rel, schemas, refdata, today, day, cache)
        if parsed_file is None:
            continue
        read_problems, doc, doc_problems, validator = parsed_file
        problems.extend(read_problems)
        if read_problems:  # unreadable: no text at all
            if folder in schemas:
                failed.setdefault(slug, folder)
            continue
        problems.extend(doc_problems)
        if slug in first_by_slug and folder in schemas:
            problems.append(Problem(rel, 1, "", "duplicate_slug", {"slug": slug, "other": first_by_slug[slug]}))
            continue
        first_by_slug.setdefault(slug, rel)
        if doc is not None and validator is not None:
            parsed.append((doc, validator))
        elif folder in schemas:
            failed.setdefault(slug, folder)
    by_slug = {d.slug: d for d, _ in parsed}
    problems.extend(_resolve(parsed, by_slug.get, root, failed))
    bad = {p.path for p in problems if p.severity == "error"}
    documents = [d for d, _ in parsed if d.rel_path not in bad]
    problems.sort(key=lambda p: (p.path, p.line, p.field))
    return Corpus(root, schemas, refdata, documents, problems, files_checked=len(files))


def _parse_file(
    path: Path,
    rel: str,
    schemas: dict[str, Schema],
    refdata: RefData,
    today: dt.date | None,
    day: dt.date,
    cache: ParseCache | None,
) -> Parsed | None:
    """Read and parse one file, or take it from ``cache``; None when it vanished before it was read."""
    key = None
    if cache is not None:
        try:
            st = path.stat()
        except OSError:
            return None
        key = (st.st_mtime_ns, st.st_size, day)
        hit = cache.entries.get(rel)
        if hit is not None and hit[0] == key:
            return hit[1]
    text, read_problems = read_text(path, rel)
    if text is None:
        result: Parsed = (read_problems, None, [], None)
    else:
        doc, doc_problems, validator = parse_document(text, rel, schemas, refdata, today)
        if doc is not None:
            doc.path = path
        result = (read_problems, doc, doc_problems, validator)
    if cache is not None and key is not None:
        cache.entries[rel] = (key, result)
    return result


def load_one(
    corpus: Corpus, path: Path, *, today: dt.date | None = None, by_slug: Mapping[str, Document] | None = None
) -> tuple[Document | None, list[Problem]]:
    """Load one file against an already loaded corpus (for incremental publish).

    ``by_slug``: the corpus' documents by slug when the caller keeps that map (site_builder.views).
    """
    rel = path.relative_to(corpus.root).as_posix()
    text, problems = read_text(path, rel)
    if text is None:
        return None, problems
    doc, problems, validator = parse_document(text, rel, corpus.schemas, corpus.refdata, today)
    if doc is None or validator is None:
        return None, problems
    doc.path = path
    known = by_slug if by_slug is not None else {d.slug: d for d in corpus.documents}
    other = known.get(doc.slug)
    if other is not None and other.rel_path != rel:
        return None, [Problem(rel, 1, "", "duplicate_slug", {"slug": doc.slug, "other": other.rel_path})]
    problems = problems + _resolve([(doc, validator)], lambda s: doc if s == doc.slug else known.get(s), corpus.root)
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
