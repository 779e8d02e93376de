"""The one Markdown module: the site's Markdown configuration, the sanitiser, plain text for search."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import markdown
import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "details", "div", "dl", "dt",
    "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li",
    "mark", "ol", "p", "pre", "q", "s", "small", "span", "strong", "sub", "summary", "sup", "table",
    "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan", "scope"},
    "abbr": {"title"},
    # Heading ids keep in-page links working; no other element may carry one (DOM clobbering).
    **{f"h{n}": {"id"} for n in range(1, 7)},
}
URL_SCHEMES = {"http", "https", "mailto"}
# Admonitions (``!!! note``) keep the classes Material styles them by; no other class is kept, so member
# text cannot borrow the look of the site's own interface.
ADMONITION_TYPES = {
    "note", "abstract", "summary", "tldr", "info", "todo", "tip", "hint", "important", "success", "check",
    "done", "question", "help", "faq", "warning", "caution", "attention", "failure", "fail", "missing",
    "danger", "error", "bug", "example", "quote", "cite",
}  # fmt: skip
ALLOWED_CLASSES = {"div": {"admonition", *ADMONITION_TYPES}, "p": {"admonition-title"}}

_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_MARKERS = re.compile(r"^[ \t]*(?:#{1,6}|>|[-*+]|\d+\.)[ \t]+|[*_`|]+|^[ \t]*[-=:|]{3,}[ \t]*$", re.M)
_NEAR = re.compile(r"at '(.*)'$", re.S)


@dataclass(frozen=True)
class MarkdownConfig:
    """The Markdown extensions and their settings, as MkDocs resolves them from one ``mkdocs.yml``."""

    extensions: tuple[Any, ...]
    configs: dict[str, Any] = field(default_factory=dict)
    source: str = ""

    @classmethod
    def from_mkdocs(cls, config_file: Path | str) -> MarkdownConfig:
        """Read ``markdown_extensions`` through MkDocs itself, so its built-in extensions are included too."""
        from mkdocs.config import load_config

        config = load_config(str(config_file))
        return cls(tuple(config.markdown_extensions), dict(config.mdx_configs or {}), str(config_file))

    @classmethod
    def mkdocs_defaults(cls) -> MarkdownConfig:
        """What MkDocs uses when a configuration names no extension (its built-in ones)."""
        from mkdocs.config.defaults import MkDocsConfig

        return cls(tuple(dict(MkDocsConfig._schema)["markdown_extensions"].builtins), {}, "")


def _keep_allowed_classes(tag: str, attribute: str, value: str) -> str | None:
    # nh3's own allowed_classes would leave an empty class="" behind on every other classed element.
    if attribute != "class":
        return value
    kept = [name for name in value.split() if name in ALLOWED_CLASSES.get(tag, ())]
    return " ".join(kept) or None


def sanitize_html(html: str) -> str:
    """Remove everything that could run script or load from elsewhere: the sanitiser's allowlist."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        url_schemes=URL_SCHEMES,
        attributes={**ALLOWED_ATTRIBUTES, **{tag: {"class"} for tag in ALLOWED_CLASSES}},
        attribute_filter=_keep_allowed_classes,
        link_rel="noopener noreferrer nofollow ugc",
        strip_comments=True,
    )


def render_markdown(text: str, *, untrusted: bool, config: MarkdownConfig) -> str:
    """Markdown to HTML with the site's ``config``; ``untrusted`` (member-typed) text comes out sanitised."""
    html = markdown.markdown(
        text, extensions=list(config.extensions), extension_configs=config.configs, output_format="html"
    )
    return sanitize_html(html) if untrusted else html


def plain_text(markdown_text: str) -> str:
    """Markdown source without its markup, for indexing and snippets (never rendered as HTML)."""
    return _MD_MARKERS.sub(" ", _MD_LINK.sub(r"\1", markdown_text))


def markup_problem(body: str) -> str | None:
    """The text near markup that MkDocs' HTML scan of a page cannot tokenise, else None.

    MkDocs feeds every page's Markdown source to an HTML parser to find anchors; some broken markup
    (``<![>``) makes it raise, which would stop the whole site build. Such a body is refused.
    """
    from markdown.htmlparser import htmlparser

    parser = htmlparser.HTMLParser()
    try:
        parser.feed(body)
        parser.close()
    except Exception as exc:  # the parser signals broken markup with AssertionError and others
        match = _NEAR.search(str(exc))
        return (match.group(1) if match else str(exc))[:40]
    return None
