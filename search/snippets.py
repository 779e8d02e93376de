"""Snippets: passages of a hit's text around the query's words, escaped, the words in <mark>."""

from __future__ import annotations

import html
import re
from functools import lru_cache

from .analysis import STOP_WORDS, TOKEN_PATTERN, stem_word

_TOKEN = re.compile(TOKEN_PATTERN)


def make_snippet(text: str, terms: set[str], fragments: int = 2, surround: int = 70) -> str:
    """Passages of ``text`` around words whose stem is in ``terms``: escaped, matches in <mark>.

    The text is escaped piece by piece and only the <mark> tags are added as markup, so a
    contributed document's "<script>" stays text. The scan stops once ``fragments`` passages are
    found (Whoosh's highlighter analyses the whole text of every hit).
    """
    groups: list[list[tuple[int, int]]] = []
    lowered = text.lower()
    if len(lowered) != len(text):  # a letter whose lower case is longer: offsets would shift
        lowered = text
    for span in matched_spans(lowered, terms):
        if groups and span[0] - groups[-1][-1][1] <= surround:
            groups[-1].append(span)
        elif len(groups) < fragments:
            groups.append([span])
        else:
            break
    parts = []
    for group in groups:
        start = _cut_left(text, max(0, group[0][0] - surround))
        end = _cut_right(text, min(len(text), group[-1][1] + surround))
        out, at = [], start
        for s, e in group:
            out.append(f"{html.escape(text[at:s], quote=False)}<mark>{html.escape(text[s:e], quote=False)}</mark>")
            at = e
        out.append(html.escape(text[at:end], quote=False))
        prefix = "… " if start > 0 else ""
        suffix = " …" if end < len(text) else ""
        parts.append(prefix + " ".join("".join(out).split()) + suffix)
    return " ".join(parts)


def matched_spans(lowered: str, terms: set[str]) -> list[tuple[int, int]]:
    r"""(start, end) of every token of ``lowered`` whose stem is in ``terms``, in the text's order.

    The same tokens as scanning with TOKEN_PATTERN, found faster: that scan cost about 1 ms a
    passage (most of a page's search time). Without a reference token ("reg_..."), a token is a
    maximal run of letters and digits (str.isalnum is the pattern's ``[^\W_]``), so the text's
    distinct words come from its whitespace-separated chunks, each is stemmed once, and only the
    matching words are looked for again (str.find, kept where both neighbours are not letters).
    """
    if "reg_" in lowered:  # a reference token holds letters of its own: the tokenizer's own scan
        return [m.span() for m in _TOKEN.finditer(lowered) if _surface_stem(m.group()) in terms]
    words: set[str] = set()
    for chunk in set(lowered.split()):
        if chunk.isalnum():
            words.add(chunk)
        else:
            words.update(_TOKEN.findall(chunk))
    spans = []
    size = len(lowered)
    for word in words:
        if _surface_stem(word) not in terms:
            continue
        at = lowered.find(word)
        while at >= 0:
            end = at + len(word)
            if (at == 0 or not lowered[at - 1].isalnum()) and (end == size or not lowered[end].isalnum()):
                spans.append((at, end))
            at = lowered.find(word, at + 1)
    spans.sort()
    return spans


@lru_cache(maxsize=200_000)
def _surface_stem(word: str) -> str:
    """The stem a word of the text is indexed under ("" for a stop word): one look-up a word."""
    word = word.lower()
    return "" if word in STOP_WORDS else stem_word(word)


def _cut_left(text: str, at: int) -> int:
    """Move a passage start forward to the next word boundary."""
    if at == 0:
        return 0
    space = text.find(" ", at)
    return space + 1 if 0 <= space < at + 20 else at


def _cut_right(text: str, at: int) -> int:
    """Move a passage end back to the previous word boundary."""
    if at >= len(text):
        return len(text)
    space = text.rfind(" ", at - 20, at)
    return space if space > 0 else at
