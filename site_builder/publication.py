"""A publication's build: MkDocs' build loop over the pages a change touches, not over the whole site.

``mkdocs.commands.build.build`` (MkDocs 1.6) walks every file of content/ and the theme and makes a Page
of each before it looks at what changed: at 10,000 documents that was most of a publication's time
(issue #14). ``build_publication`` is the same sequence of plugin events and MkDocs steps over a
``PublicationFiles``: the changed documents, the files beside them and the generated pages the plugin
adds. Every other file of the site is found on demand when a page links to it (so links resolve as in a
full build) and is never rebuilt. The theme's own files and its static templates (404, sitemap) are the
last full build's: the plugin writes the sitemap itself, and a theme change is a full build.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath

from mkdocs.commands.build import _build_page, _populate_page
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, set_exclusions
from mkdocs.structure.nav import get_navigation
from mkdocs.structure.pages import Page

# Folders of content/ that hold schemas and reference data, not pages (site_builder.plugin uses these too).
PRIVATE_PREFIXES = ("_schemas/", "_data/")


class PublicationFiles(Files):
    """The files of one publication; any other file of the site is found when a page links to it.

    ``generated(src_uri)`` says whether a path is one of the plugin's generated pages (found on demand
    as an empty generated file: its address is all a link needs). ``left_out`` are content files with
    errors, absent from the site as in a full build.
    """

    def __init__(
        self,
        config: MkDocsConfig,
        files: Iterable[File],
        generated: Callable[[str], bool],
        left_out: set[str],
    ) -> None:
        super().__init__(files)
        self._config = config
        self._generated = generated
        self._left_out = left_out
        self._found: dict[str, File | None] = {}

    def get_file_from_path(self, path: str) -> File | None:
        """The file at ``path`` (relative to content/): one of this publication's, or found on disk."""
        found = super().get_file_from_path(path)
        if found is not None:
            return found
        uri = PurePosixPath(path).as_posix()
        if uri not in self._found:
            self._found[uri] = self._find(uri)
        return self._found[uri]

    def _find(self, uri: str) -> File | None:
        config = self._config
        if self._generated(uri):
            return File.generated(config, uri, content="")
        parts = uri.split("/")
        if (
            uri.startswith(PRIVATE_PREFIXES)
            or uri in self._left_out
            or any(part in ("", "..") or part.startswith(".") for part in parts)
        ):
            return None
        if not os.path.isfile(os.path.join(config.docs_dir, uri)):
            return None
        file = content_file(config, uri)
        if file.inclusion.is_excluded():
            return None
        if not file.is_documentation_page():
            # An attachment or image a changed page links to: copied when newer, like the files beside it.
            self.append(file)
        return file


def content_file(config: MkDocsConfig, rel: str) -> File:
    """A File of content/ as MkDocs' own walk makes it, with its inclusion worked out."""
    file = File(rel, config.docs_dir, config.site_dir, config.use_directory_urls)
    set_exclusions([file], config)
    return file


def files_beside(config: MkDocsConfig, rels: Iterable[str]) -> list[File]:
    """The non-Markdown files in the folders of the changed documents (attachments, images), recursively."""
    root = Path(config.docs_dir)
    folders = sorted({PurePosixPath(rel).parent.as_posix() for rel in rels if "/" in rel})
    out: list[File] = []
    seen: set[str] = set()
    for folder in folders:
        for current, dirnames, filenames in os.walk(root / folder):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "_")))
            for name in sorted(filenames):
                if name.endswith(".md") or name.startswith("."):
                    continue
                rel = Path(current, name).relative_to(root).as_posix()
                if rel not in seen:
                    seen.add(rel)
                    out.append(content_file(config, rel))
    return out


def build_publication(
    config: MkDocsConfig,
    pages: Iterable[str],
    generated: Callable[[str], bool],
    left_out: Callable[[], set[str]],
) -> None:
    """Build the ``pages`` (content/ paths) and the generated pages the plugin marks as changed.

    ``left_out()`` is read after the plugin's on_config (which finds the invalid documents).
    """
    try:
        config = config.plugins.on_config(config)
        config.plugins.on_pre_build(config=config)
        excluded = left_out()
        root = Path(config.docs_dir)
        wanted = sorted(rel for rel in set(pages) if rel not in excluded and (root / rel).is_file())
        own = [content_file(config, rel) for rel in wanted]
        own = [f for f in own if f.is_documentation_page() and not f.inclusion.is_excluded()]
        files: Files = PublicationFiles(config, [*own, *files_beside(config, wanted)], generated, excluded)
        env = config.theme.get_env()
        files = config.plugins.on_files(files, config=config)
        set_exclusions(files, config)
        nav = get_navigation(files, config)
        nav = config.plugins.on_nav(nav, config=config, files=files)
        for file in files.documentation_pages():
            if file.page is None:
                Page(None, file, config)
            assert file.page is not None
            _populate_page(file.page, config, files, dirty=True)
        env = config.plugins.on_env(env, config=config, files=files)
        files.copy_static_files(dirty=True)
        doc_files = files.documentation_pages()
        for file in doc_files:
            assert file.page is not None
            _build_page(file.page, config, doc_files, nav, env, dirty=True)
        config.plugins.on_post_build(config=config)
    except Exception as exc:
        config.plugins.on_build_error(error=exc)
        raise
