"""``pokja check`` and ``pokja new``: validate a content tree, start a new document."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import unicodedata
from pathlib import Path
from typing import Any

import yaml

from site_builder.content import SLUG_RE, content_root, load
from site_builder.i18n import LANGS, t
from site_builder.schemas import Field, SchemaError, load_schemas


def progress_bar(label: str):
    """A progress wrapper: a bar on a terminal, nothing extra elsewhere (a log line follows)."""
    if not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return lambda items: tqdm(items, desc=label, unit="berkas", file=sys.stderr, leave=False)


def cmd_check(args: argparse.Namespace) -> int:
    """Validate a tree; print every problem; exit 1 on errors (or warnings with --strict)."""
    root = content_root(args.path)
    if not root.is_dir():
        print(f"{root}: folder tidak ditemukan" if args.lang == "id" else f"{root}: no such folder", file=sys.stderr)
        return 2
    try:
        corpus = load(root, progress=progress_bar("Memeriksa"))
    except SchemaError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    for problem in corpus.problems:
        print(f"{root.as_posix().rstrip('/')}/{problem.format(args.lang)}")
    print(
        t(
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


def slugify(title: str) -> str:
    """ASCII, lowercase, hyphen-separated slug of a title; no dots or slashes survive."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii").lower()
    words = "".join(c if c.isalnum() else " " for c in ascii_title).split()
    slug = "-".join(words)[:80].strip("-")
    return slug


def _skeleton_value(spec: Field) -> Any:
    if spec.type == "object":
        return {name: _skeleton_value(sub) for name, sub in spec.fields.items() if sub.required}
    if spec.type == "list":
        assert spec.items is not None
        return [_skeleton_value(spec.items)]
    if spec.type == "enum":
        return spec.values[0]
    if spec.type in ("integer", "number"):
        return int(spec.min or 1)
    if spec.type == "year":
        return dt.date.today().year
    if spec.type == "date":
        return dt.date.today()
    if spec.type == "boolean":
        return False
    if spec.type == "ref" and spec.ref == "region":
        return "00"
    if spec.type == "ref" and spec.ref == "stakeholder_group":
        return "regulator"
    return "TODO"


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
            meta[name] = _skeleton_value(spec)
    meta.setdefault("region", ["00"])
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, default_flow_style=False)
    sections = schema.body_sections or ("Isi",)
    body = "\n".join(f"## {s}\n\nTODO\n" for s in sections)
    return f"---\n{front}---\n\n{body}"


def cmd_new(args: argparse.Namespace) -> int:
    """Write a valid skeleton for a new document; never overwrite."""
    root = content_root(args.content)
    try:
        schemas = load_schemas(root)
    except SchemaError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    if args.type not in schemas:
        print(t("unknown_type", args.lang, type=args.type, known=", ".join(sorted(schemas))), file=sys.stderr)
        return 2
    slug = slugify(args.title)
    if not SLUG_RE.match(slug):
        print(t("new_bad_title", args.lang, title=args.title), file=sys.stderr)
        return 2
    folder = root / args.type
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{slug}.md"
    try:
        with path.open("x", encoding="utf-8") as fh:  # "x": fails if the file exists
            fh.write(skeleton(args.type, args.title, root))
    except FileExistsError:
        print(t("new_exists", args.lang, path=path.as_posix()), file=sys.stderr)
        return 1
    print(t("new_written", args.lang, path=path.as_posix()))
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
