"""The ``pokja`` command: one entry point; each area registers its own subcommands."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# Each module exposes ``register(subparsers)``; add a module here to add its commands.
COMMAND_MODULES = [
    "flask_app.cli_content",
    "search.cli",
    "flask_app.cli_accounts",
    "flask_app.cli_mail",
    "site_builder.cli",
    "flask_app.cli_regions",
    "flask_app.cli_docs",
    "flask_app.cli_uploads",
    "flask_app.cli_jobs",
]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every area's subcommands."""
    parser = argparse.ArgumentParser(
        prog="pokja",
        description="Rumah Pengetahuan Pokja PKP: periksa, bangun, indeks, dan layani konten.",
    )
    sub = parser.add_subparsers(dest="command", metavar="PERINTAH")
    sub.required = True
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``pokja``; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("dibatalkan", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
