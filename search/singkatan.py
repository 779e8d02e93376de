"""Acronyms and regulation references as one form (content/_data/singkatan.yml).

At index time the analyzer adds, where a text spells out an expansion ("rumah tidak layak huni",
"masyarakat berpenghasilan rendah", "Peraturan Pemerintah"), the acronym's token beside the
words; and where it cites a regulation ("PP 14/2016", "PP No. 14 Tahun 2016", "Peraturan
Pemerintah Nomor 14 Tahun 2016", "Permen PUPR 29/PRT/M/2018", "Permen 29/2018") one reference
token ``reg_pp_14_2016``. At query time :func:`rewrite_query` replaces an expansion in the query
by its acronym and a reference by its token, so either form finds the same documents. Expansions
are compared as analysed stems, so affixed forms and stop words in between do not matter.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from site_builder.schemas import Abbreviation, load_abbreviations

from .words import STOP_WORDS, TOKEN_PATTERN, stem_word

REFERENCE_PREFIX = "reg_"
# Words between a regulation type and its number: the ministry or region ("PUPR", "Provinsi Jawa
# Tengah"); between the number and the year: the "/PRT/M/" series marks.
MAX_ISSUER_WORDS = 6
MAX_SERIES_WORDS = 3
_TOKEN = re.compile(TOKEN_PATTERN)
_YEAR = re.compile(r"(19|20)\d\d")


@dataclass
class Table:
    """The acronym data in the analyzer's terms (picklable: it lives in the index's schema)."""

    phrases: dict[str, list[tuple[tuple[str, ...], str]]] = field(default_factory=dict)  # first stem -> forms
    expansions: dict[str, str] = field(default_factory=dict)  # acronym token -> expansion as written
    acronyms: dict[str, str] = field(default_factory=dict)  # acronym token -> acronym as written
    regulations: frozenset[str] = frozenset()  # acronym tokens that are regulation types

    @classmethod
    def from_entries(cls, entries: Iterable[Abbreviation]) -> Table:
        """Build from the loaded entries (longest form first where two start alike)."""
        table = cls()
        regulations = set()
        for entry in entries:
            token = entry.acronym.lower()
            table.expansions[token] = entry.expansion
            table.acronyms[token] = entry.acronym
            if entry.regulation:
                regulations.add(token)
            for form in (entry.expansion, *entry.variants):
                stems = tuple(stems_of(form))
                if stems:
                    table.phrases.setdefault(stems[0], []).append((stems, token))
        for forms in table.phrases.values():
            forms.sort(key=lambda f: -len(f[0]))
        table.regulations = frozenset(regulations)
        return table

    @classmethod
    def from_content(cls, root: Path | str) -> Table:
        """Read a content tree's singkatan.yml."""
        return cls.from_entries(load_abbreviations(Path(root) / "_data" / "singkatan.yml"))


def stems_of(text: str) -> list[str]:
    """The analysed words of ``text`` without expansion (the analyzer's stems, stop words gone)."""
    return [stem_word(w) for w in (m.lower() for m in _TOKEN.findall(text)) if w not in STOP_WORDS]


@dataclass
class Span:
    """A run of tokens ``start``..``end`` (exclusive) that the table names ``token``."""

    start: int
    end: int
    token: str
    kind: str  # "acronym" (an expansion spelt out), "reference"


def find_spans(stems: list[str], table: Table | None) -> list[Span]:
    """Expansions (as acronym spans) and regulation references in a list of stems."""
    if table is None:
        return []
    spans: list[Span] = []
    # canonical[i]: the acronym at i when an expansion starts there (the reference scan reads it).
    canonical: list[tuple[str, int]] = []  # (token, index after it)
    i = 0
    while i < len(stems):
        for form, token in table.phrases.get(stems[i], ()):
            if tuple(stems[i : i + len(form)]) == form:
                spans.append(Span(i, i + len(form), token, "acronym"))
                canonical.append((token, i + len(form)))
                i += len(form)
                break
        else:
            canonical.append((stems[i], i + 1))
            i += 1
    starts = [0] + [end for _, end in canonical[:-1]]
    for k, (token, _) in enumerate(canonical):
        if token in table.regulations:
            ref = _reference(canonical, k, token)
            if ref:
                spans.append(Span(starts[k], ref[1], ref[0], "reference"))
    return spans


def _reference(canonical: list[tuple[str, int]], k: int, kind: str) -> tuple[str, int] | None:
    """The reference token starting at canonical position ``k`` and the stem index after it."""
    j, skipped = k + 1, 0
    while j < len(canonical) and not canonical[j][0].isdigit():
        if skipped == MAX_ISSUER_WORDS or canonical[j][0].startswith(REFERENCE_PREFIX):
            return None
        j, skipped = j + 1, skipped + 1
    if j >= len(canonical) or len(canonical[j][0]) > 6:
        return None
    number = canonical[j][0].lstrip("0") or "0"
    for m in range(j + 1, min(len(canonical), j + 2 + MAX_SERIES_WORDS)):
        word = canonical[m][0]
        if _YEAR.fullmatch(word):
            return f"{REFERENCE_PREFIX}{kind}_{number}_{word}", canonical[m][1]
        if len(word) > 4:
            return None
    return None


def describe_reference(token: str, table: Table | None) -> str:
    """``reg_pp_14_2016`` as a reader writes it: "PP 14/2016"."""
    kind, number, year = token.removeprefix(REFERENCE_PREFIX).rsplit("_", 2)
    name = table.acronyms.get(kind, kind.upper()) if table else kind.upper()
    return f"{name} {number}/{year}"


@dataclass
class Rewritten:
    """A query with expansions and references in the index's form, and what it now also finds."""

    q: str
    widened: list[str] = field(default_factory=list)  # the other forms searched ("rumah tidak layak huni")
    references: list[str] = field(default_factory=list)  # reference tokens of the query


def rewrite_query(q: str, table: Table | None) -> Rewritten:
    """Replace expansions by acronyms and references by their token; note the other forms."""
    if table is None or not q:
        return Rewritten(q)
    matches = [m for m in _TOKEN.finditer(q) if m.group().lower() not in STOP_WORDS]
    stems = [stem_word(m.group().lower()) for m in matches]
    spans = find_spans(stems, table)
    out = Rewritten(q)
    # References first, then acronyms outside them; replaced right to left so offsets hold.
    chosen: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.kind != "reference", s.start)):
        if all(span.end <= c.start or span.start >= c.end for c in chosen):
            chosen.append(span)
    text = q
    in_reference = {k for c in chosen if c.kind == "reference" for k in range(c.start, c.end)}
    for span in sorted(chosen, key=lambda s: -s.start):
        begin, end = matches[span.start].start(), matches[span.end - 1].end()
        if span.kind == "reference":
            out.references.insert(0, span.token)
            text = text[:begin] + span.token + text[end:]
        else:
            out.widened.insert(0, table.acronyms[span.token])
            text = text[:begin] + table.acronyms[span.token] + text[end:]
    for k, stem in enumerate(stems):
        if k in in_reference or stem in table.regulations:
            continue  # a reference is shown as the matched reference, not as a widening
        if stem in table.expansions and table.expansions[stem] not in out.widened:
            out.widened.append(table.expansions[stem])
    out.q = text
    return out
