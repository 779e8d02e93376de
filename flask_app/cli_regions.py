"""``pokja wilayah``: regenerate ``content/_data/wilayah.yml`` from a Kemendagri code CSV."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from flask_app.cli_content import content_root
from site_builder.i18n import LANGS, _
from site_builder.wilayah import DEFAULT_CSV, DEFAULT_SOURCE, WilayahError, read_csv, render_yaml


def cmd_wilayah(args: argparse.Namespace) -> int:
    """Regenerate ``wilayah.yml`` from a CSV; exit 1 on a malformed CSV."""
    try:
        provinces = read_csv(Path(args.csv))
    except (OSError, WilayahError) as exc:
        print(exc, file=sys.stderr)
        return 1
    out = Path(args.output) if args.output else content_root(args.content) / "_data" / "wilayah.yml"
    text = render_yaml(provinces, args.source or DEFAULT_SOURCE)
    tmp = out.with_suffix(".yml.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(out)  # atomic: a build running meanwhile reads the old or the new list, never half of one
    n_dist = sum(len(p["districts"]) for p in provinces)  # type: ignore[arg-type]
    print(_("wilayah_written", args.lang, path=out.as_posix(), provinces=len(provinces), districts=n_dist))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``wilayah`` to the ``pokja`` command."""
    p = sub.add_parser("wilayah", help="buat ulang content/_data/wilayah.yml dari CSV kode Kemendagri")
    p.add_argument("csv", nargs="?", default=str(DEFAULT_CSV), help="CSV kode,nama,tingkat,kode_provinsi")
    p.add_argument("--content", help="folder konten (bawaan: content/)")
    p.add_argument("--output", help="berkas tujuan (bawaan: <konten>/_data/wilayah.yml)")
    p.add_argument("--source", help="nama keputusan dan sumber yang dicatat di berkas")
    p.add_argument("--lang", choices=LANGS, default="id", help="bahasa pesan (id atau en)")
    p.set_defaults(func=cmd_wilayah)
