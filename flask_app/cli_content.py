"""``pokja check`` and ``pokja new``: validate a content tree, start a new document."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from flask_app import settings
from site_builder.content import RESERVED_SLUGS, SLUG_RE, document_text, load, slugify
from site_builder.fields import kind_of
from site_builder.i18n import LANGS, _
from site_builder.schemas import SchemaError, load_schemas, schema_problems


def progress_bar(label: str):
    """A progress wrapper: a bar on a terminal, nothing extra elsewhere (a log line follows)."""
    if not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return lambda items: tqdm(items, desc=label, unit="berkas", file=sys.stderr, leave=False)


def content_root(value: str | None) -> Path:
    """The content tree a command works on: the argument, else the CONTENT_DIR setting (shown relative)."""
    if value:
        return Path(value)
    configured = Path(settings.resolve()["CONTENT_DIR"])
    try:
        return configured.relative_to(Path.cwd())
    except ValueError:
        return configured


def cmd_check(args: argparse.Namespace) -> int:
    """Validate a tree; print every problem; exit 1 on errors (or warnings with --strict)."""
    root = content_root(args.path)
    if not root.is_dir():
        print(_("cli_no_folder", args.lang, path=root), file=sys.stderr)
        return 2
    # Schema files first: a key no code reads is reported like a document's problem.
    schema_errors = schema_problems(root)
    for problem in schema_errors:
        print(f"{root.as_posix().rstrip('/')}/{problem.format(args.lang)}")
    if schema_errors:
        return 1
    try:
        corpus = load(root, progress=progress_bar("Memeriksa"))
    except SchemaError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    for problem in corpus.problems:
        print(f"{root.as_posix().rstrip('/')}/{problem.format(args.lang)}")
    print(
        _(
            "check_summary",
            args.lang,
            files=corpus.files_checked,
            documents=len(corpus.documents),
            errors=len(corpus.errors),
            warnings=len(corpus.warnings),
        ),
        file=sys.stderr,
    )
    if corpus.errors or (args.strict and corpus.warnings):
        return 1
    return 0


def skeleton(doc_type: str, title: str, root: Path) -> str:
    """The text of a new document: every required field filled, a body outline from the schema."""
    schema = load_schemas(root)[doc_type]
    meta: dict[str, Any] = {
        "title": title,
        "summary": "TODO: satu atau dua kalimat ringkasan.",
        "date": dt.date.today(),
    }
    for name, spec in schema.fields.items():
        if spec.required and name not in meta:
            meta[name] = kind_of(spec).skeleton(spec)
    meta.setdefault("region", ["00"])
    sections = schema.body_sections or ("Isi",)
    body = "\n".join(f"## {s}\n\nTODO\n" for s in sections)
    return document_text(meta, body, schema)


def cmd_new(args: argparse.Namespace) -> int:
    """Write a valid skeleton for a new document; never overwrite."""
    root = content_root(args.content)
    try:
        schemas = load_schemas(root)
    except SchemaError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    if args.type not in schemas:
        print(_("unknown_type", args.lang, type=args.type, known=", ".join(sorted(schemas))), file=sys.stderr)
        return 2
    slug = slugify(args.title)
    if not SLUG_RE.match(slug):
        print(_("new_bad_title", args.lang, title=args.title), file=sys.stderr)
        return 2
    if slug in RESERVED_SLUGS:
        print(_("reserved_slug", args.lang, slug=slug), file=sys.stderr)
        return 2
    folder = root / args.type
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{slug}.md"
    try:
        with path.open("x", encoding="utf-8") as fh:  # "x": fails if the file exists
            fh.write(skeleton(args.type, args.title, root))
    except FileExistsError:
        print(_("new_exists", args.lang, path=path.as_posix()), file=sys.stderr)
        return 1
    print(_("new_written", args.lang, path=path.as_posix()))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``check`` and ``new`` to the ``pokja`` command."""
    p = sub.add_parser("check", help="periksa seluruh konten terhadap skema")
    p.add_argument("path", nargs="?", help="folder konten (bawaan: content/)")
    p.add_argument("--lang", choices=LANGS, default="id", help="bahasa pesan (id atau en)")
    p.add_argument("--strict", action="store_true", help="peringatan juga menggagalkan pemeriksaan")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("new", help="tulis kerangka dokumen baru")
    p.add_argument("type", help="jenis dokumen: pedoman, pembelajaran, modul, program, keputusan, profil")
    p.add_argument("title", help="judul dokumen")
    p.add_argument("--content", help="folder konten (bawaan: content/)")
    p.add_argument("--lang", choices=LANGS, default="id", help="bahasa pesan (id atau en)")
    p.set_defaults(func=cmd_new)
