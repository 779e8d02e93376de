"""Generated pages: one small module per page family, each declaring its address once.

Every module has ``pages(ctx) -> Iterable[GeneratedPage]`` and ``nav(ctx) -> list[dict[str, str]]``
(its entries in the sections-only navigation, addressed by the module's own declarations). The MkDocs
plugin (site_builder.plugin) holds the explicit, ordered tuple of these modules, ``GENERATORS``. A new
page family is one new module here and one entry in that tuple.

A module may also have ``touched(ctx) -> set[str] | None``: in a publication (``ctx.changes``, each
changed document before and after) the source paths of its pages the change alters, None for all. The
plugin makes only those pages (a page's content is lazy, see context.GeneratedPage); the others keep
their last build. Without ``touched`` every page of the family is made and compared by fingerprint.

And ``warm(ctx) -> dict[str, Any]``: what a publisher that has just started works out from the last
build's corpus before its first job (site_builder.build.warm_up), so that the first job costs what the
next ones do; it returns the inputs of its pages that the last build recorded (``BuildContext.inputs``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from ..context import BuildContext, GeneratedPage


class Generator(Protocol):
    """What the plugin asks of a generator module."""

    def pages(self, ctx: BuildContext) -> Iterable[GeneratedPage]:
        """The pages of this family."""
        ...

    def nav(self, ctx: BuildContext) -> list[dict[str, str]]:
        """Its entries in the sections-only navigation: ``{label: source path}``."""
        ...
