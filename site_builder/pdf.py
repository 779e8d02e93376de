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
# This many PDFs to typeset or more use worker processes (the service runs on 2 cores).
PARALLEL_FROM = 12
PROCS = 2
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
    # Guidelines and modules: the PDF built beside the page; any other document: the service's, on request.
    target = pdf_name(doc) if doc.type in PDF_TYPES else f"/pdf/{doc.type}/{doc.slug}.pdf"
    label = _("pdf.download", ctx.lang)
    link = f'<p class="pokja-pdf"><a href="{html.escape(target)}" download>{label}</a></p>\n'
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


def _fetcher(site_dir: Path, public_base: str = "") -> Any:
    """A URL fetcher serving files of the built site (by file URL or public address) and nothing else."""
    import mimetypes
    from urllib.parse import unquote

    from weasyprint.urls import URLFetcher, URLFetcherResponse

    roots = [site_dir.resolve(), CSS_FILE.parent.resolve()]
    base = public_base.rstrip("/") + "/" if public_base else ""

    class SiteFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            clean = url.split("#", 1)[0].split("?", 1)[0]
            if base and clean.startswith(base):
                path = site_dir / unquote(clean[len(base) :])
            elif clean.startswith("file://"):
                path = Path(unquote(clean[len("file://") :]))
            else:
                raise ValueError(f"not fetched: {url[:80]}")
            path = path.resolve()
            if not any(path.is_relative_to(r) for r in roots) or not path.is_file():
                raise ValueError(f"not fetched: {url[:80]}")
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": kind})

    return SiteFetcher(allowed_protocols={"file", "http", "https"})


def render_pdf(document: str, base_url: str, site_dir: Path, public_base: str = "") -> bytes:
    """Typeset one document's HTML (relative links resolved from ``base_url``) as A4 PDF bytes."""
    import weasyprint

    # WeasyPrint logs every refused fetch (a remote image) as a warning; the build's log stays for ours.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    page = weasyprint.HTML(string=document, base_url=base_url, url_fetcher=_fetcher(site_dir, public_base))
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
        written: list[str] = []
        todo: list[tuple[Document, str, Path, Path]] = []  # (doc, html, target, cache entry)
        for doc, page_url, body in self.pending:
            document = document_html(self.ctx, doc, page_url, body)
            cached = folder / f"{hashlib.sha256(css + document.encode('utf-8')).hexdigest()}.pdf"
            target = site / page_url / pdf_name(doc)
            target.parent.mkdir(parents=True, exist_ok=True)
            written.append(f"{page_url}{pdf_name(doc)}")
            if cached.is_file():
                shutil.copyfile(cached, target)
                self.stats.cached += 1
            else:
                todo.append((doc, document, target, cached))
        folder.mkdir(parents=True, exist_ok=True)
        results = self._typeset(todo, site, self.ctx.site_url)
        for (doc, _document, target, cached), data in zip(todo, results, strict=True):
            if isinstance(data, Exception):  # one document's failure must not stop the build
                log.warning("%s: %s", doc.rel_path, _("pdf.failed", self.ctx.lang, error=str(data)))
                written.remove(f"{target.parent.relative_to(site).as_posix()}/{target.name}")
                continue
            target.write_bytes(data)
            tmp = cached.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(data)
            os.replace(tmp, cached)
            self.stats.made += 1
        self.pending = []
        self.stats.seconds += time.perf_counter() - started
        return written

    @staticmethod
    def _typeset(todo: list[tuple[Document, str, Path, Path]], site: Path, public: str) -> list[bytes | Exception]:
        """Typeset ``todo``: in this process for a few, in worker processes (one per core, at most 2) for many."""
        jobs = [(document, *_base(target, site, public), site, public) for _doc, document, target, _cached in todo]
        workers = min(PROCS, os.cpu_count() or 1)
        if len(jobs) < PARALLEL_FROM or workers < 2:
            return [_safe_render(*job) for job in jobs]
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # "spawn": the build has worker threads (compression) that a fork would copy mid-lock.
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            return list(pool.map(_safe_render, *zip(*jobs, strict=True), chunksize=4))


def _base(target: Path, site: Path, public: str) -> tuple[str]:
    """The base URL of a PDF's links: the page's public address (links in the PDF work anywhere), else its folder."""
    if public:
        return (public.rstrip("/") + "/" + target.parent.relative_to(site).as_posix() + "/",)
    return (str(target.parent) + os.sep,)


def _safe_render(document: str, base_url: str, site_dir: Path, public: str) -> bytes | Exception:
    """render_pdf, its failure returned instead of raised (a worker's answer must pickle)."""
    try:
        return render_pdf(document, base_url, site_dir, public)
    except Exception as exc:
        return RuntimeError(type(exc).__name__)
