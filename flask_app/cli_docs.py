"""``pokja import FILE.docx --type TYPE`` and ``pokja pdf``: a Word file as a document, documents as PDF."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from flask_app.cli_content import content_root
from site_builder.i18n import LANGS, _
from site_builder.importer import ImportRefused, import_docx
from site_builder.schemas import SchemaError, load_schemas


def cmd_import(args: argparse.Namespace) -> int:
    """Write a document (and its images) from a .docx; say which fields are left for the author."""
    root = content_root(args.content)
    source = Path(args.file)
    try:
        schemas = load_schemas(root)
    except SchemaError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    if args.type not in schemas:
        print(_("unknown_type", args.lang, type=args.type, known=", ".join(sorted(schemas))), file=sys.stderr)
        return 2
    if not source.is_file():
        print(_("import.no_file", args.lang, file=source.as_posix()), file=sys.stderr)
        return 2
    try:
        done = import_docx(source, args.type, root, schemas[args.type])
    except ImportRefused as exc:
        print(_(exc.key, args.lang, **exc.params), file=sys.stderr)
        return 1
    print(_("import.written", args.lang, path=done.path.as_posix()))
    for key, params in done.notes:
        print(_(key, args.lang, **params))
    if done.missing:
        print(_("import.fill", args.lang, fields=", ".join(done.missing), path=done.path.as_posix()))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``import`` to the ``pokja`` command."""
    p = sub.add_parser("import", help="tulis dokumen dari berkas Word (.docx)")
    p.add_argument("file", help="berkas .docx")
    p.add_argument("--type", required=True, help="jenis dokumen: pedoman, pembelajaran, modul, ...")
    p.add_argument("--content", help="folder konten (bawaan: content/)")
    p.add_argument("--lang", choices=LANGS, default="id", help="bahasa pesan (id atau en)")
    p.set_defaults(func=cmd_import)
