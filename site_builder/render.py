"""The one Markdown renderer, with the sanitising mode for contributed (untrusted) text."""

from __future__ import annotations

import markdown
import nh3

# Extensions safe for any author: no raw-attribute syntax (attr_list) for untrusted text.
TRUSTED_EXTENSIONS = ["tables", "attr_list", "def_list", "footnotes", "toc", "admonition", "sane_lists"]
UNTRUSTED_EXTENSIONS = ["tables", "def_list", "footnotes", "sane_lists"]

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


def sanitize_html(html: str) -> str:
    """Remove everything that could run script or load from elsewhere: the sanitiser's allowlist."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow ugc",
        strip_comments=True,
    )


def render_markdown(text: str, *, untrusted: bool) -> str:
    """Markdown to HTML; ``untrusted`` (member-typed) text comes out sanitised."""
    extensions = UNTRUSTED_EXTENSIONS if untrusted else TRUSTED_EXTENSIONS
    html = markdown.markdown(text, extensions=extensions, output_format="html")
    return sanitize_html(html) if untrusted else html
