"""A PDF of every guideline and module (WeasyPrint, A4), and the print footer of every document page.

Each PDF holds the title, the metadata panel (a module's session plan is its table), the body and the
list of attachments; every page carries the title, version, date and the page's address, and its number.
The build writes ``<type>/<slug>/<slug>.pdf`` beside the page; a PDF whose HTML did not change is copied
from the cache (``<cache>/pdf/<sha256>.pdf``) instead of being typeset again. WeasyPrint fetches nothing
but files inside the built site: a remote image in a body is left out, never requested.
"""

from __future__ import annotations

import hashlib
import html
import logging
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .attachment_info import describe_all
from .content import Document
from .context import BuildContext
from .formatting import fmt_date
from .i18n import _
from .panel import document_panel

PDF_TYPES = frozenset({"pedoman", "modul"})
CSS_FILE = Path(__file__).resolve().parent / "theme" / "assets" / "pokja" / "pdf.css"
log = logging.getLogger("mkdocs.plugins.pokja")


def pdf_name(doc: Document) -> str:
    """The PDF's file name beside the page (``<slug>.pdf``)."""
    return f"{doc.slug}.pdf"


def address(ctx: BuildContext, page_url: str) -> str:
    """The page's public address (``site_url`` + its URL)."""
    base = (ctx.site_url or "").rstrip("/")
    return f"{base}/{page_url.lstrip('/')}" if base else "/" + page_url.lstrip("/")


def footer_text(ctx: BuildContext, doc: Document, page_url: str) -> str:
    """``Judul · Versi 1.2 · 3 Maret 2025 · https://…/modul/x/`` (plain text)."""
    parts = [doc.title]
    version = doc.meta.get("version")
    if version not in (None, ""):
        parts.append(_("pdf.version", ctx.lang, version=version))
    parts.append(fmt_date(doc.updated, ctx.lang))
    parts.append(address(ctx, page_url))
    return " · ".join(str(p) for p in parts)


def print_block(ctx: BuildContext, doc: Document, page_url: str) -> str:
    """Below a document's body: the link to its PDF (guidelines, modules) and the footer printed pages carry."""
    link = ""
    if doc.type in PDF_TYPES:
        label = _("pdf.download", ctx.lang)
        link = f'<p class="pokja-pdf"><a href="{html.escape(pdf_name(doc))}" download>{label}</a></p>\n'
    # Shown only when printing (assets/pokja/print.css): the same footer as the PDF's.
    footer = f'<div class="pokja-print-footer" hidden>{html.escape(footer_text(ctx, doc, page_url))}</div>\n'
    return link + footer


def _css_string(text: str) -> str:
    """``text`` as a CSS string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def document_html(ctx: BuildContext, doc: Document, page_url: str, body_html: str) -> str:
    """The HTML WeasyPrint typesets: title, panel, body, attachments, footer on every page."""
    lang = ctx.lang
    files = describe_all(doc, lang)
    listed = "".join(
        f'<li>{html.escape(f["title"])} <span class="pokja-file">{html.escape(f["facts"])}</span></li>' for f in files
    )
    attachments = f'<section class="pdf-attachments"><h2>{_("pdf.attachments", lang)}</h2><ul>{listed}</ul></section>'
    page_label = _css_string(_("pdf.page", lang))
    of_label = _css_string(_("pdf.of", lang))
    numbers = f'{page_label} " " counter(page) " " {of_label} " " counter(pages)'
    return f"""<!doctype html>
<html lang="{html.escape(lang)}"><head><meta charset="utf-8"><title>{html.escape(doc.title)}</title>
<style>@page {{ @bottom-right {{ content: {numbers}; }} }}</style>
</head><body>
<footer class="pdf-footer">{html.escape(footer_text(ctx, doc, page_url))}</footer>
<h1>{html.escape(doc.title)}</h1>
{document_panel(ctx, doc, page_url)}
<main class="pdf-body">{body_html}</main>
{attachments if files else ""}
</body></html>"""


def _fetcher(site_dir: Path):
    """A URL fetcher that serves files of the built site and the package's assets, and refuses the rest."""
    import weasyprint

    allowed = [site_dir.resolve(), CSS_FILE.parent.resolve()]

    def fetch(url: str, *args: Any, **kwargs: Any) -> Any:
        if url.startswith("file://"):
            path = Path(url[len("file://") :].split("?", 1)[0].split("#", 1)[0]).resolve()
            if any(path.is_relative_to(a) for a in allowed) and path.is_file():
                return weasyprint.default_url_fetcher(url, *args, **kwargs)
        raise ValueError(f"not fetched: {url[:80]}")

    return fetch


def render_pdf(document: str, base_dir: Path, site_dir: Path) -> bytes:
    """Typeset one document's HTML (relative links resolved from ``base_dir``) as A4 PDF bytes."""
    import weasyprint

    # WeasyPrint logs every refused fetch (a remote image) as a warning; the build's log stays for ours.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    page = weasyprint.HTML(string=document, base_url=str(base_dir) + os.sep, url_fetcher=_fetcher(site_dir))
    return page.write_pdf(stylesheets=[weasyprint.CSS(filename=str(CSS_FILE))])


@dataclass
class PdfStats:
    """What a build's PDFs cost: how many typeset, how many from the cache, seconds."""

    made: int = 0
    cached: int = 0
    seconds: float = 0.0


@dataclass
class PdfQueue:
    """The PDFs of one build: documents queued while their pages render, written after the build."""

    ctx: BuildContext
    cache_dir: Path
    pending: list[tuple[Document, str, str]] = field(default_factory=list)
    stats: PdfStats = field(default_factory=PdfStats)

    def add(self, doc: Document, page_url: str, body_html: str) -> None:
        """Queue ``doc``'s PDF when its type has one."""
        if doc.type in PDF_TYPES:
            self.pending.append((doc, page_url, body_html))

    def write(self, site_dir: str | Path) -> list[str]:
        """Write every queued PDF into ``site_dir``; return the written paths (relative)."""
        started = time.perf_counter()
        site = Path(site_dir)
        folder = self.cache_dir / "pdf"
        css = CSS_FILE.read_bytes()
        written = []
        for doc, page_url, body in self.pending:
            document = document_html(self.ctx, doc, page_url, body)
            key = hashlib.sha256(css + document.encode("utf-8")).hexdigest()
            cached = folder / f"{key}.pdf"
            target = site / page_url / pdf_name(doc)
            target.parent.mkdir(parents=True, exist_ok=True)
            if cached.is_file():
                shutil.copyfile(cached, target)
                self.stats.cached += 1
            else:
                try:
                    data = render_pdf(document, target.parent, site)
                except Exception as exc:  # one document's failure must not stop the build
                    log.warning("%s: %s", doc.rel_path, _("pdf.failed", self.ctx.lang, error=type(exc).__name__))
                    continue
                target.write_bytes(data)
                folder.mkdir(parents=True, exist_ok=True)
                tmp = cached.with_suffix(f".{os.getpid()}.tmp")
                tmp.write_bytes(data)
                os.replace(tmp, cached)
                self.stats.made += 1
            written.append(f"{page_url}{pdf_name(doc)}")
        self.pending = []
        self.stats.seconds += time.perf_counter() - started
        return written
