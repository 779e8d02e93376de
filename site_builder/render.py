"""The one Markdown module: the site's Markdown configuration, the sanitiser, plain text for search."""

from __future__ import annotations

import hashlib
import os
import re
import threading
import time
from collections import OrderedDict
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import markdown
import nh3
from markdown.extensions.toc import slugify

from site_builder.i18n import N_

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

# Limits on member-typed Markdown (issue #13): Python-Markdown's cost grows quadratically with unclosed
# brackets and it recurses once per nesting level, so a body past these is refused before rendering.
MAX_BODY_CHARS = 200_000
MAX_NESTING = 32  # list/quote levels (two indentation columns or one marker each)
MAX_OPEN_BRACKETS = 400  # "[" left unclosed in one paragraph: 1,000 already cost half a second
MAX_BRACKETS = 20_000  # "[" in one body
MAX_EMPHASIS = 20_000  # "*" and "_" markers
RENDER_TIMEOUT = 2.0  # seconds a member's body may take in the worker before it is refused
WORKER_START_TIMEOUT = 60.0  # starting the workers (once, and after a timed-out render) is not the body's cost
# attr_list syntax ({: #id .class key=value }) would let member text set ids (``__config``) and attributes.
# Bounded repetitions: an unclosed "{:" run must not make the check itself quadratic.
_ATTR_LIST = re.compile(r"\{:[^}\n]{0,200}\}|\{[ ]{0,8}[#.][^}\n]{0,200}\}|\{[ ]{0,8}[\w-]{1,40}=[^}\n]{0,200}\}")
_LINE_NESTING = re.compile(r"^((?:[ \t]|>|[-*+][ \t]|\d{1,9}[.)][ \t])*)")


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


def heading_slug(value: str, separator: str) -> str:
    """The toc extension's heading id, never starting with "_" (Material's own ids are ``__config`` etc.)."""
    return slugify(value, separator).lstrip("_-") or "bagian"


def _keep_allowed_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "id":
        # Only the toc extension makes ids; one it did not make (or a theme-like "_x") is dropped.
        return value if value and not value.startswith(("_", "-")) else None
    return _keep_allowed_classes(tag, attribute, value)


def sanitize_html(html: str) -> str:
    """Remove everything that could run script or load from elsewhere: the sanitiser's allowlist."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        url_schemes=URL_SCHEMES,
        attributes={**ALLOWED_ATTRIBUTES, **{tag: {"class"} for tag in ALLOWED_CLASSES}},
        attribute_filter=_keep_allowed_attribute,
        link_rel="noopener noreferrer nofollow ugc",
        strip_comments=True,
    )


def sanitize_toc(items: Any) -> None:
    """Sanitise every table-of-contents title in place (HTML taken from member-typed headings)."""
    for item in items or ():
        item.title = sanitize_html(item.title)
        sanitize_toc(item.children)


def _member_config(config: MarkdownConfig) -> MarkdownConfig:
    # Member text gets no attr_list (ids and attributes) and toc ids that cannot take a theme id.
    extensions = tuple(e for e in config.extensions if _extension_name(e) != "attr_list")
    configs = {k: v for k, v in config.configs.items() if _extension_name(k) != "attr_list"}
    toc = {**configs.get("toc", {}), "slugify": heading_slug}
    if "toc" not in [_extension_name(e) for e in extensions]:
        extensions = (*extensions, "toc")
    return MarkdownConfig(extensions, {**configs, "toc": toc}, config.source)


def _extension_name(extension: Any) -> str:
    name = extension if isinstance(extension, str) else type(extension).__module__
    return name.rsplit(".", 1)[-1].removeprefix("markdown.extensions.")


def _process_alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (a zombie, killed but not yet reaped, does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            return stat.read().rpartition(")")[2].split()[0] not in ("Z", "X")
    except (OSError, IndexError):
        return True  # no /proc: that it exists is all we can know


def _exit_with_service(service_pid: int) -> None:
    """Worker initializer: leave as soon as the service that started the pool is gone.

    The forkserver outlives a killed service (every worker holds its "alive" pipe open), so the
    workers watch the service itself; without this they hang on forever holding its pipes and memory.
    """

    def watch() -> None:
        while _process_alive(service_pid):
            time.sleep(0.2)
        os._exit(0)

    threading.Thread(target=watch, name="render-service-watch", daemon=True).start()


def _render(text: str, extensions: tuple[Any, ...], configs: dict[str, Any]) -> str:
    return markdown.markdown(text, extensions=list(extensions), extension_configs=configs, output_format="html")


def render_markdown(text: str, *, untrusted: bool, config: MarkdownConfig) -> str:
    """Markdown to HTML with the site's ``config``; ``untrusted`` (member-typed) text comes out sanitised."""
    if untrusted:
        member = _member_config(config)
        return sanitize_html(_render(text, member.extensions, member.configs))
    return _render(text, config.extensions, config.configs)


class RenderRefused(ValueError):
    """A member's body that cannot be rendered within the limits; ``message`` says why (a catalogue key)."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key, self.params = key, params


def body_problem(body: str) -> tuple[str, dict[str, Any]] | None:
    """The first limit a member's body breaks, as (message key, parameters), else None (no rendering)."""
    if len(body) > MAX_BODY_CHARS:
        return N_("contrib.body_too_long"), {"length": len(body), "limit": MAX_BODY_CHARS}
    depth = 0
    for line in body.splitlines():
        prefix = _LINE_NESTING.match(line).group(1)  # type: ignore[union-attr]  # the pattern always matches
        columns = len(prefix.expandtabs(4)) - len(prefix.lstrip(" \t").expandtabs(4))
        markers = len(re.findall(r">|[-*+][ \t]|\d{1,9}[.)][ \t]", prefix))
        depth = max(depth, columns // 2 + markers)
    if depth > MAX_NESTING:
        return N_("contrib.body_too_deep"), {"depth": depth, "limit": MAX_NESTING}
    if (brackets := body.count("[")) > MAX_BRACKETS:
        return N_("contrib.body_too_many_links"), {"count": brackets, "limit": MAX_BRACKETS}
    if (unclosed := _unclosed_brackets(body)) > MAX_OPEN_BRACKETS:
        return N_("contrib.body_too_many_links"), {"count": unclosed, "limit": MAX_OPEN_BRACKETS}
    if (marks := body.count("*") + body.count("_")) > MAX_EMPHASIS:
        return N_("contrib.body_too_much_emphasis"), {"count": marks, "limit": MAX_EMPHASIS}
    if (match := _ATTR_LIST.search(body)) is not None:
        return N_("contrib.body_attributes"), {"near": match.group(0)[:40]}
    return None


def _unclosed_brackets(body: str) -> int:
    # The most "[" any paragraph leaves open: the link scanner retries from each of them to the paragraph's end.
    worst = 0
    for paragraph in re.split(r"\n[ \t]*\n", body):
        open_ = 0
        for char in paragraph:
            if char == "[":
                open_ += 1
            elif char == "]" and open_:
                open_ -= 1
        worst = max(worst, open_)
    return worst


_pool: ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()
_cache: OrderedDict[tuple[str, str], str] = OrderedDict()
_CACHE_SIZE = 256


def _worker_pool() -> ProcessPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            import multiprocessing

            # forkserver: a worker never inherits the service's threads or locks mid-use.
            pool = ProcessPoolExecutor(
                max_workers=2,
                mp_context=multiprocessing.get_context("forkserver"),
                initializer=_exit_with_service,
                initargs=(os.getpid(),),
            )
            # Started and warmed (Markdown imported) before any render is timed: the limit is the render's.
            for warm in [pool.submit(_render, "x", (), {}) for _ in range(2)]:
                warm.result(timeout=WORKER_START_TIMEOUT)
            _pool = pool
        return _pool


def _kill_pool(pool: ProcessPoolExecutor) -> None:
    global _pool
    with _pool_lock:
        if _pool is pool:
            _pool = None
    # A timed-out render cannot be cancelled inside its worker: the workers are stopped instead.
    for process in list(getattr(pool, "_processes", {}).values()):
        process.kill()
    pool.shutdown(wait=False, cancel_futures=True)


def render_member_markdown(body: str, *, config: MarkdownConfig, timeout: float = RENDER_TIMEOUT) -> str:
    """A member's body rendered and sanitised within the limits, in a worker with a time limit; cached per hash.

    Raises ``RenderRefused`` with the message key when a limit is broken, the time runs out or it fails.
    """
    if (problem := body_problem(body)) is not None:
        raise RenderRefused(problem[0], **problem[1])
    key = (hashlib.sha256(body.encode("utf-8", "surrogatepass")).hexdigest(), repr(config))
    with _pool_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    member = _member_config(config)
    pool = _worker_pool()
    try:
        html = pool.submit(_render, body, member.extensions, member.configs).result(timeout=timeout)
    except FutureTimeout:
        _kill_pool(pool)
        raise RenderRefused(N_("contrib.body_render_timeout"), seconds=timeout) from None
    except RecursionError:
        raise RenderRefused(N_("contrib.body_too_deep"), depth=MAX_NESTING + 1, limit=MAX_NESTING) from None
    except Exception as exc:  # a broken worker or an extension's error: the body is refused, never a 500
        if "BrokenProcessPool" in type(exc).__name__:
            _kill_pool(pool)
        raise RenderRefused(N_("contrib.body_render_failed"), error=type(exc).__name__) from None
    html = sanitize_html(html)
    with _pool_lock:
        _cache[key] = html
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return html


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
