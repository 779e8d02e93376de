"""The MkDocs plugin ``pokja``: the content model drives pages, metadata panels and generated pages.

Registered through the ``mkdocs.plugins`` entry point and configured in mkdocs.yml (``plugins: [pokja]``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import html
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import markdown
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils import write_file

from . import compress, feeds, fragments, pdf, state
from .content import Corpus, Document, load
from .context import HTML_SLOT, THEME_DIR, BuildContext, Change, GeneratedPage
from .formatting import doc_url
from .generators import Generator, dashboard, decisions, home, listings, offline, regions, review, tags
from .i18n import _
from .panel import document_footer, document_panel
from .publication import PRIVATE_PREFIXES, PublicationFiles
from .render import heading_slug, sanitize_html, sanitize_toc
from .schemas import SchemaError
from .site_files import cache_path, holds, nav_uris, problem_lines, remove_page
from .tree_scan import TreeScan, scan
from .views import CorpusViews

# The generated page families, in the order of the sections-only navigation.
GENERATORS: tuple[Generator, ...] = (home, dashboard, listings, regions, tags, decisions, review, offline)

# Where a document page's panel and footer go; put in when the page is written (on_post_page). HTML
# comments: Markdown and the sanitiser never make one from a member's text (it is escaped or dropped).
PANEL_SLOT = "<!--pokja:panel-->"
FOOTER_SLOT = "<!--pokja:footer-->"

# The document types a reader can save for offline reading with their attachments.
OFFLINE_TYPES = frozenset({"pedoman", "modul"})

log = logging.getLogger("mkdocs.plugins.pokja")


class PokjaConfig(base.Config):
    """Options of the ``pokja`` plugin in mkdocs.yml."""

    # Where the state for incremental publishing is kept (default: .cache/pokja beside mkdocs.yml).
    cache_dir = c.Optional(c.Type(str))
    # The day the build takes as today (ISO date; default the real today): overdue pages depend on it.
    today = c.Optional(c.Type(str))
    # Generate the sections-only navigation when mkdocs.yml has no ``nav``.
    section_nav = c.Type(bool, default=True)
    # Render every page with one reused Markdown converter instead of one new converter per page.
    reuse_markdown = c.Type(bool, default=True)
    # Render Material's navigation, header and configuration script once per folder (fragments.py).
    reuse_fragments = c.Type(bool, default=True)
    # Write .gz (and .br) copies of every text file after the build, for the service to send (compress.py).
    precompress = c.Type(bool, default=True)
    # Write a PDF of every guideline and module beside its page (site_builder/pdf.py; not under `serve`).
    pdf = c.Type(bool, default=True)
    # Documents on one page of a long listing (type, tag, region and open-decision pages).
    per_page = c.Type(int, default=50)


@dataclass
class Incremental:
    """What build.publish_documents hands the plugin: the updated corpus and the pages to rebuild."""

    corpus: Corpus
    dirty: set[str]
    fingerprints: dict[str, str]
    rows: dict[Any, Any] = field(default_factory=dict)
    stats: dict[str, tuple[int, int]] = field(default_factory=dict)
    # How the content tree looked when ``stats`` were taken (the next publication looks from there).
    scan: TreeScan | None = None
    removed_pages: set[str] = field(default_factory=set)
    # Each changed document (before, after): generators with ``touched`` make only what these alter.
    changes: list[Change] | None = None
    # The day the previous build took as today (pages that depend on it are all made again otherwise).
    today: dt.date | None = None
    # The content files whose (mtime, size) changed since the previous build, and the ones gone.
    stat_changes: set[tuple[str, tuple[int, int]]] = field(default_factory=set)
    stats_gone: set[str] = field(default_factory=set)
    # The updated corpus' sorted views and backlinks (site_builder.views), worked out by the plan already.
    views: CorpusViews | None = None
    # What some generated pages were made from (BuildContext.inputs), by src_uri, as the last build left it.
    inputs: dict[str, Any] = field(default_factory=dict)


class PokjaPlugin(BasePlugin[PokjaConfig]):
    """Loads the corpus once, renders metadata panels, adds generated pages, feeds and the sitemap."""

    def __init__(self) -> None:
        self.incremental: Incremental | None = None
        self.written: list[str] = []
        # A full build writes into a fresh folder swapped in afterwards; its state is kept for the live one.
        self.live_site_dir: str | None = None
        self.ctx: BuildContext | None = None
        self.generated: dict[str, GeneratedPage] = {}
        self.docs_by_src: dict[str, Document] = {}
        self.stats: dict[str, tuple[int, int]] = {}
        self.scan: TreeScan | None = None
        self.command = "build"
        self.gc_threshold: tuple[int, ...] | None = None
        self.converter: markdown.Markdown | None = None
        # Content files with errors: reported in on_config, not part of the site.
        self.left_out: set[str] = set()
        # Content files whose errors fail the build (the documents a publish was asked for).
        self.must_be_valid: set[str] = set()
        # Generated pages a publication leaves as they are (generators' ``touched``).
        self.untouched: set[str] = set()
        self.compress_stats: compress.CompressStats | None = None
        self.compressor: compress.Compressor | None = None
        self.pdfs: pdf.PdfQueue | None = None

    # --- configuration and corpus ---------------------------------------------------------------

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Remember the command: ``mkdocs serve`` builds into a temporary folder, nothing to keep."""
        self.command = command

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Load and validate the corpus (failing the build on any error), run the generators."""
        self.written = []
        self.converter = None
        self.compressor = None
        # The package's Material overrides come first, wherever mkdocs.yml lives.
        if str(THEME_DIR) not in config.theme.dirs:
            config.theme.dirs.insert(0, str(THEME_DIR))
        # Heading ids never start with "_" (Material's own elements are __config, __palette: issue #13).
        config.mdx_configs.setdefault("toc", {}).setdefault("slugify", heading_slug)
        today = dt.date.fromisoformat(self.config.today) if self.config.today else dt.date.today()
        if self.incremental is not None:
            corpus = self.incremental.corpus
            self.stats = self.incremental.stats
            self.scan = self.incremental.scan
        else:
            # Taken before reading: a file changed during the build is published next time.
            self.scan = scan(Path(config.docs_dir))
            self.stats = self.scan.stats
            try:
                corpus = load(config.docs_dir, today=today)
            except SchemaError as exc:
                raise PluginError(str(exc)) from exc
        # A bad document is reported and left out (see on_files); --strict fails on it, as pokja check does,
        # and so does a publish of that very document.
        problems = problem_lines(corpus, config.docs_dir)
        refused = [line for p, line in zip(corpus.errors, problems, strict=True) if p.path in self.must_be_valid]
        if refused or (problems and config.strict):
            raise PluginError("\n".join(refused or problems))
        for line in problems:
            log.warning(line)
        self.left_out = {p.path for p in corpus.errors}
        # Field line numbers only serve the messages above (a tenth of a national corpus' memory).
        changed = self.incremental.changes if self.incremental is not None else None
        for doc in corpus.documents if changed is None else [new for _old, new in changed if new is not None]:
            doc.lines = {}
        lang = config.theme.get("language") or "id"
        if not config.site_url:
            # POKJA_BASE_URL, declared once with the service's settings: feeds and sitemap carry absolute links.
            from flask_app.settings import site_url

            config.site_url = site_url()
        self.ctx = BuildContext(
            corpus=corpus, lang=lang, today=today, site_url=config.site_url or "", per_page=self.config.per_page
        )
        self.untouched = set()
        if self.incremental is not None:
            self.ctx.row_cache = self.incremental.rows
            views = self.incremental.views
            if views is not None:
                # The context's cached properties, kept up to date by the publisher instead of made again.
                for name in ("backlinks", "by_slug", "newest_first", "by_type", "by_tag", "by_province"):
                    self.ctx.__dict__[name] = getattr(views, name)
                self.ctx.by_updated = views.by_updated
            if self.incremental.today == today:
                self.ctx.changes = self.incremental.changes
                self.ctx.last_inputs = self.incremental.inputs
        pdf_cache = cache_path(config, self.config, self.live_site_dir).parent
        self.pdfs = pdf.PdfQueue(self.ctx, pdf_cache) if self.config.pdf and self.command != "serve" else None
        self.generated = {}
        for generator in GENERATORS:
            # A publication: the generator says which of its pages the change alters; the others are
            # never made (their content is lazy) and keep the fingerprint of the last build.
            touched = getattr(generator, "touched", None)
            wanted = touched(self.ctx) if touched is not None and self.ctx.changes is not None else None
            for page in generator.pages(self.ctx):
                self.generated[page.src_uri] = page
                if wanted is not None and page.src_uri not in wanted:
                    self.untouched.add(page.src_uri)
        views = self.incremental.views if self.incremental is not None else None
        self.docs_by_src = views.by_rel if views is not None else {doc.rel_path: doc for doc in corpus.documents}
        # The corpus and generated pages live until the end of the build: keep the cyclic garbage
        # collector from walking them again and again while 10,000 pages are rendered (measured: a
        # fifth of the build's CPU time at 1,000 documents went to collections). Restored afterwards.
        # (A publication runs with the collector off: site_builder.build.publish_documents.)
        if self.incremental is None:
            self.gc_threshold = gc.get_threshold()
            gc.set_threshold(10_000, 20, 100)
            gc.freeze()
        if self.incremental is not None:
            # A page the last build did not make is made now, whatever its generator said.
            self.untouched &= set(self.incremental.fingerprints)
            gone = set(self.incremental.fingerprints) - set(self.generated)
            self.incremental.removed_pages = {GeneratedPage(uri, "", "").url for uri in gone}
        if config.nav is None and self.config.section_nav:
            config.nav = self.section_nav(self.ctx)
        if self.config.precompress and self.command != "serve":
            # A full build into a fresh folder reuses the live site's copies of unchanged files; a
            # publication's few pages are compressed as they are written, a full build's in a process.
            pages = 0 if self.incremental is not None else len(corpus.documents) + len(self.generated)
            self.compressor = compress.Compressor(config.site_dir, previous_site=self.live_site_dir, pages=pages)
        return config

    def section_nav(self, ctx: BuildContext) -> list[Any]:
        """Sections only: MkDocs renders the whole nav into every page (all 10,000 of them)."""
        return [entry for generator in GENERATORS for entry in generator.nav(ctx)]

    # --- files and pages ------------------------------------------------------------------------

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        """Drop schemas, reference data and invalid documents from the site, add the generated pages."""
        for file in list(files):
            # An invalid document would otherwise be rendered with its raw front-matter as its text.
            if file.src_uri.startswith(PRIVATE_PREFIXES) or file.src_uri in self.left_out:
                files.remove(file)
        # One set up front: Files forgets its lookup table on every append (O(N) per lookup).
        existing = {file.src_uri for file in files}
        # A publication's files (site_builder.publication) find an untouched page when a link asks for it;
        # only the ones the navigation shows are needed up front.
        on_demand = isinstance(files, PublicationFiles)
        in_nav = nav_uris(config.nav) if on_demand else set()
        for src_uri, page in self.generated.items():
            if src_uri in existing:
                raise PluginError(f"{src_uri}: {_('generated_clash', 'id')}")
            if on_demand and src_uri in self.untouched and src_uri not in in_nav:
                continue
            # An untouched page is not rebuilt, so MkDocs never reads its content.
            content = "" if src_uri in self.untouched else page.markdown
            files.append(File.generated(config, src_uri, content=content))
            if src_uri not in self.untouched:
                # Its table goes into the page when the page is written (on_post_page), made again then.
                page.release()
        if self.incremental is not None:
            self._mark_dirty(files)
        return files

    def _mark_dirty(self, files: Files) -> None:
        """Incremental publish: only the pages the change touches count as modified."""
        assert self.incremental is not None
        dirty = self.incremental.dirty
        fingerprints = self.incremental.fingerprints
        for file in files.documentation_pages():
            uri = file.src_uri
            if uri in self.untouched:
                modified = False
            elif uri in self.generated:
                modified = fingerprints.get(uri) != self.generated[uri].fingerprint()
            else:
                modified = uri in dirty
            file.is_modified = (lambda value: lambda: value)(modified)  # type: ignore[method-assign]

    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        """Give the theme ``_()`` and the Pokja's identity; keep compiled templates between builds."""
        assert self.ctx is not None
        lang = self.ctx.lang
        env.globals["_"] = lambda key, **params: _(key, lang, **params)
        env.globals["pokja_identity"] = self.ctx.corpus.refdata.identity
        fragments.install(env, enabled=self.config.reuse_fragments)
        if self.command != "serve" and env.bytecode_cache is None:
            folder = cache_path(config, self.config, self.live_site_dir).parent / "jinja"
            folder.mkdir(parents=True, exist_ok=True)
            env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(folder))
        return env

    def on_pre_page(self, page: Page, *, config: MkDocsConfig, files: Files) -> Page:
        """Render with the build's one Markdown converter (MkDocs builds a new one for each page)."""
        if self.config.reuse_markdown:
            page.render = functools.partial(self.render_page, page)  # type: ignore[method-assign]
        return page

    def render_page(self, page: Page, config: MkDocsConfig, files: Files) -> None:
        """MkDocs 1.6's Page.render, with the converter reset between pages instead of rebuilt.

        Building a converter (loading every extension) cost as much as converting a page; Python-Markdown
        supports reuse through ``reset()``. The tests build a site both ways and compare every file.
        """
        from mkdocs.structure import pages as mkpages
        from mkdocs.structure.toc import get_toc

        if page.markdown is None:
            raise RuntimeError("`markdown` field hasn't been set (via `read_source`)")
        md = self.converter
        if md is None:
            md = self.converter = markdown.Markdown(
                extensions=config["markdown_extensions"], extension_configs=config["mdx_configs"] or {}
            )
        md.reset()
        # Each register() replaces the previous page's processor of the same name.
        raw_html = mkpages._RawHTMLPreprocessor()
        raw_html._register(md)
        anchors = mkpages._ExtractAnchorsTreeprocessor(page.file, files, config)
        anchors._register(md)
        relative = mkpages._RelativePathTreeprocessor(page.file, files, config)
        relative._register(md)
        title = mkpages._ExtractTitleTreeprocessor()
        title._register(md)
        page.content = md.convert(page.markdown)
        page.toc = get_toc(getattr(md, "toc_tokens", []))
        page._title_from_render = title.title
        page.present_anchor_ids = anchors.present_anchor_ids | raw_html.present_anchor_ids
        if mkpages.log.getEffectiveLevel() > logging.DEBUG:
            page.links_to_anchors = relative.links_to_anchors
        # Rendered once: drop the bound partial on_pre_page set (one per page, to the end of the build).
        vars(page).pop("render", None)

    def on_page_read_source(self, *, page: Page, config: MkDocsConfig) -> str | None:
        """A document's body comes from the loaded corpus: no second read or front-matter parse."""
        doc = self.docs_by_src.get(page.file.src_uri)
        return doc.markdown_body() if doc is not None else None

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        """Give document pages their title and description from the front-matter (escaped)."""
        doc = self.docs_by_src.get(page.file.src_uri)
        if doc is not None:
            # Material prints titles and descriptions as HTML: escape them, they may be member-typed.
            page.meta = {"title": html.escape(doc.title), "description": html.escape(doc.summary)}
            # Guidelines and modules get "Simpan untuk dibaca luring" (theme/main.html).
            page.meta["pokja_offline"] = doc.type in OFFLINE_TYPES
        return markdown

    def on_page_content(self, content: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        """Documents get their metadata panel and links; generated pages their ready HTML."""
        assert self.ctx is not None
        # MkDocs keeps every page's Markdown to the end of the build; nothing reads it after rendering.
        page.markdown = ""
        uri = page.file.src_uri
        doc = self.docs_by_src.get(uri)
        if doc is not None:
            if doc.contributed:
                content = sanitize_html(content)
                # Material prints the table of contents from the headings as HTML: sanitise them too.
                sanitize_toc(page.toc)
            if self.pdfs is not None:
                self.pdfs.add(doc, page.url, content)
            # Rendered: the body is read from its file again if ever needed (build memory; see Document).
            doc.body = None
            # The panel and the footer go in when the page is written (on_post_page): MkDocs keeps every
            # page's content from reading to the end of the build, the 10,000 panels need not be in it.
            return PANEL_SLOT + content + FOOTER_SLOT
        if uri == home.SRC_URI and uri not in self.generated:
            # The content's own home page gets the Pokja's identity and the way to contribute too.
            content += home.identity_block(self.ctx)
        if uri in self.generated:
            content = self.ctx.put_raw_blocks(content)
            if HTML_SLOT not in content:
                content += HTML_SLOT  # where on_post_page puts the page's ready HTML
        return content

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        """Put in the panel or the ready HTML; record what was written; compress it on a worker thread."""
        assert self.ctx is not None
        uri = page.file.src_uri
        doc = self.docs_by_src.get(uri)
        if doc is not None:
            footer = document_footer(self.ctx, doc, page.url) + pdf.print_block(self.ctx, doc, page.url)
            output = output.replace(PANEL_SLOT, document_panel(self.ctx, doc, page.url), 1)
            output = output.replace(FOOTER_SLOT, footer, 1)
        generated = self.generated.get(uri)
        if generated is not None:
            output = output.replace(HTML_SLOT, generated.html, 1)
            generated.release()
        # Written now: nothing reads the page's content again (it stayed in memory to the build's end).
        page.content = None
        self.written.append(page.file.dest_uri)
        if self.compressor is not None:
            self.compressor.submit(page.file.dest_uri, output)
        return output

    # --- after the pages ------------------------------------------------------------------------

    def restore_gc(self) -> None:
        """Give the garbage collector back its objects and thresholds."""
        if self.gc_threshold is not None:
            gc.unfreeze()
            gc.set_threshold(*self.gc_threshold)
            self.gc_threshold = None

    def on_build_error(self, *, error: Exception) -> None:
        """Hand the frozen objects back to the garbage collector; stop the compressing threads."""
        self.restore_gc()
        if self.compressor is not None:
            # The build's own error is the one to report, not a copy that failed with it.
            with contextlib.suppress(Exception):
                self.compressor.finish()
            self.compressor = None

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Feeds, the full sitemap, generators' extra files; then the state for incremental publish."""
        self.restore_gc()
        assert self.ctx is not None
        ctx = self.ctx
        views = self.incremental.views if self.incremental is not None else None
        docs = views.urls if views is not None else feeds.group_urls(doc_url(doc) for doc in ctx.corpus.documents)
        pages = [p.url for p in self.generated.values() if p.in_sitemap]
        if (Path(config.docs_dir) / "index.md").exists():
            pages.append("")
        made = views.sitemaps.setdefault(ctx.site_url, {}) if views is not None else None
        sitemap = feeds.sitemap(ctx, [docs, feeds.group_urls(pages)], with_gzip=self.compressor is None, made=made)
        out = {**ctx.extra_files, **feeds.feed_files(ctx), **sitemap}
        if self.incremental is not None:
            self.written += feeds.drop_sitemaps(config.site_dir, keep=set(out))
        for name, data in out.items():
            target = Path(config.site_dir) / name
            if self.incremental is not None and holds(target, data):
                continue
            write_file(data, str(target))
            self.written.append(name)
        if self.incremental is not None:
            for url in sorted(self.incremental.removed_pages):
                remove_page(config.site_dir, url)
                self.written.append(url)
        if self.pdfs is not None:
            self.written += self.pdfs.write(config.site_dir)
        if self.compressor is not None:
            # The pages were compressed as they were written; now the rest: a full build the whole tree
            # (the theme's assets too), a publish what it wrote.
            stats = self.compressor.finish()
            names = None if self.incremental is None else self.written
            self.compress_stats = compress.compress_tree(
                config.site_dir, names, self.compressor.done, stats, self.compressor.previous_site
            )
            self.compressor = None
        if self.command != "serve":
            self.save_state(config)

    def fingerprints(self) -> dict[str, str]:
        """Every generated page's fingerprint (an untouched page keeps the one of the last build)."""
        old = self.incremental.fingerprints if self.incremental is not None else {}
        return {
            uri: old[uri] if uri in self.untouched and uri in old else page.fingerprint()
            for uri, page in self.generated.items()
        }

    def save_state(self, config: MkDocsConfig) -> None:
        """Keep the corpus and page fingerprints so one changed document can be published alone.

        A full build writes the whole state; a publication only what it changed (per document).
        """
        assert self.ctx is not None
        path = cache_path(config, self.config, self.live_site_dir)
        fingerprints = self.fingerprints()
        inc = self.incremental
        kept = {
            "corpus": self.ctx.corpus,
            "stats": self.stats,
            "fingerprints": fingerprints,
            "today": self.ctx.today,
            "rows": self.ctx.row_cache,
        }
        if inc is not None and inc.views is not None:
            kept["views"] = inc.views
        kept["inputs"] = self.ctx.kept_inputs(self.untouched)
        if self.scan is not None:
            kept["scan"] = self.scan
        if inc is None or not path.is_file():
            state.save_all(path, self.ctx.corpus, self.stats, fingerprints, self.ctx.row_cache, self.ctx.today)
            state.remember(path, kept)
            return
        state.save_changes(
            path,
            self.ctx.corpus,
            [new for _old, new in inc.changes or [] if new is not None],
            inc.stat_changes,
            inc.stats_gone,
            fingerprints,
            inc.fingerprints,
            self.ctx.row_cache,
            inc.dirty,
            self.ctx.today,
        )
        # What the file now holds: the next publication of this process starts from it without reading it.
        state.remember(path, kept)
