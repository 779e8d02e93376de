"""A word's positions in one segment, decoded for the whole posting list at once (for phrases).

Whoosh's ``Positions`` format stores each posting's value as the count of positions (a big-endian
unsigned int) followed by the pickle (protocol 2) of the list of gaps between positions:
``\\x80\\x02 ] q\\x00``, then ``( items e`` (or ``item a`` for a single gap) and ``.``, each gap an
opcode ``K`` (one byte), ``M`` (two bytes, little-endian) or ``J`` (four bytes, signed). Whoosh
decodes one posting per Python call (``pickle.loads`` and a running sum): a common word at
100,000 documents is a hundred thousand calls. Here the values of a posting list are joined into
one buffer and read with numpy: the postings whose gaps are all one-byte ``K`` (nearly all) by one
gather, the others gap by gap over all of them at once, and anything else (more than 1,000 gaps,
another opcode, another layout) by the format's own decoder, so the positions are always Whoosh's.

The result is kept in compressed-row form (postings' documents, their offsets into one positions
array of the narrowest integer type that holds them, 16 bits for any document under 65,536 words):
a quarter of ``document << 32 | position`` keys, and a phrase can read only the rows of its
candidate documents. A phrase's other words are looked up in a :class:`PositionTable` (a bit a
position) when they are dense enough, by binary search when not.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from whoosh.formats import Positions

# Positions a posting may hold for the vectorized reading (pickle writes longer lists in batches).
MAX_BATCH = 1000
_HEADER = np.frombuffer(b"\x80\x02]q\x00", dtype=np.uint8)
_K, _M, _J = ord("K"), ord("M"), ord("J")
_MARK, _APPENDS, _APPEND, _STOP = ord("("), ord("e"), ord("a"), ord(".")
_MIN_VALUE = 13  # count (4) + header (5) + "K" gap (2) + "a" + "."
_EMPTY = np.zeros(0, dtype=np.int64)


@dataclass
class WordPositions:
    """One word's occurrences in one segment: ``positions[offsets[k]:offsets[k + 1]]`` are in ``ids[k]``."""

    ids: np.ndarray
    offsets: np.ndarray
    positions: np.ndarray

    @property
    def nbytes(self) -> int:
        """The memory the arrays hold."""
        return int(self.ids.nbytes + self.offsets.nbytes + self.positions.nbytes)

    def __len__(self) -> int:
        return len(self.positions)

    def occurrences(self, wanted: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Documents and positions (int64) of the occurrences in the documents ``wanted`` marks, ascending."""
        rows = None if wanted is None else np.flatnonzero(wanted[self.ids])
        if rows is None or len(rows) == len(self.ids):
            lengths = np.diff(self.offsets.astype(np.int64))
            return np.repeat(self.ids, lengths), self.positions.astype(np.int64)
        if not len(rows):
            return _EMPTY, _EMPTY
        first = self.offsets[rows].astype(np.int64)
        lengths = self.offsets[rows + 1].astype(np.int64) - first
        # The row's place in the output, subtracted from its place in the positions: one gather.
        within = np.repeat(first - (np.cumsum(lengths) - lengths), lengths) + np.arange(int(lengths.sum()))
        return np.repeat(self.ids[rows], lengths), self.positions[within].astype(np.int64)

    def keys(self, wanted: np.ndarray | None = None) -> np.ndarray:
        """``document << 32 | position`` of the occurrences in the documents ``wanted`` marks, ascending."""
        docs, positions = self.occurrences(wanted)
        return (docs << 32) | positions

    def holds(self, docs: np.ndarray, positions: np.ndarray, size: int) -> np.ndarray:
        """Whether the word stands at each (document, position): a binary search in its occurrences there."""
        valid = positions >= 0
        wanted = np.zeros(size, dtype=bool)
        wanted[docs] = True
        keys = self.keys(wanted)
        found = np.zeros(len(docs), dtype=bool)
        if len(keys):
            probe = (docs << 32) | np.where(valid, positions, 0)
            at = np.searchsorted(keys, probe).clip(max=len(keys) - 1)
            found = valid & (keys[at] == probe)
        return found


@dataclass
class PositionTable:
    """A word's positions in a segment as bits, one row of ``last position + 1`` bits a document.

    Built for the words a phrase looks up (not its rarest, whose occurrences are the starts): one
    gather per start instead of a binary search in millions of occurrences. Only for words dense
    enough that the bits take at most :data:`TABLE_BYTES_PER_POSITION` bytes an occurrence.
    """

    base: np.ndarray
    bits: np.ndarray

    @property
    def nbytes(self) -> int:
        """The memory the arrays hold."""
        return int(self.base.nbytes + self.bits.nbytes)

    def holds(self, docs: np.ndarray, positions: np.ndarray) -> np.ndarray:
        """Whether the word stands at each (document, position)."""
        at = self.base[docs] + positions
        inside = (positions >= 0) & (at < self.base[docs + 1])
        # Past every row: bit ``base[-1]``, never set; before the first: the last byte, zero.
        np.minimum(at, self.base[-1], out=at)
        return inside & ((self.bits[at >> 3] >> (at & 7)) & 1).astype(bool)


# A position table is built when its bits take at most this many bytes an occurrence (twice a key).
TABLE_BYTES_PER_POSITION = 16


def position_table(word: WordPositions, size: int) -> PositionTable | None:
    """The word's bit rows over a segment of ``size`` documents; None when too sparse (or rows are empty)."""
    lengths = np.diff(word.offsets.astype(np.int64))
    if not len(lengths) or not lengths.all():
        return None
    width = np.zeros(size, dtype=np.int64)
    width[word.ids] = np.maximum.reduceat(word.positions, word.offsets[:-1].astype(np.int64)).astype(np.int64) + 1
    total = int(width.sum())
    if total > 8 * TABLE_BYTES_PER_POSITION * len(word):
        return None
    base = np.concatenate([[0], np.cumsum(width)])
    at = np.repeat(base[word.ids], lengths) + word.positions  # ascending: rows in order, positions in rows
    byte = at >> 3
    first = np.flatnonzero(np.concatenate([[True], byte[1:] != byte[:-1]]))
    packed = np.zeros(total // 8 + 2, dtype=np.uint8)  # and a zero byte past the last row
    packed[byte[first]] = np.bitwise_or.reduceat(np.left_shift(1, at & 7).astype(np.uint8), first)
    return PositionTable(base.astype(np.int32) if total < 1 << 31 else base, packed)


def phrase_mask(
    words: list[WordPositions], table: Callable[[int], PositionTable | None], wanted: np.ndarray
) -> np.ndarray:
    """Documents among ``wanted`` in which ``words`` stand one after another (a mask over the segment).

    The starts are the rarest word's occurrences (in ``wanted`` documents) less its place in the
    phrase; each other word, rarest first, keeps the starts it stands after at its own place, read
    in its position table (``table(i)``) or, for a sparse word, by binary search.
    """
    size = len(wanted)
    hit = np.zeros(size, dtype=bool)
    if not all(len(w) for w in words):
        return hit
    order = sorted(range(len(words)), key=lambda i: len(words[i]))
    rarest = words[order[0]]
    # Starts in unwanted documents are only left out (hit is cut to ``wanted`` at the end) when that
    # saves work: when most documents are wanted, leaving them in is cheaper than the gather.
    narrow = np.count_nonzero(wanted[rarest.ids]) * 2 < len(rarest.ids)
    docs, starts = rarest.occurrences(wanted if narrow else None)
    starts -= order[0]
    for i in order[1:]:
        if not len(docs):
            break
        found = table(i)
        ok = found.holds(docs, starts + i) if found is not None else words[i].holds(docs, starts + i, size)
        docs = docs[ok]
        if i != order[-1]:
            starts = starts[ok]
    hit[docs] = True
    return hit & wanted


def _spread(starts: np.ndarray, counts: np.ndarray, step: int = 1) -> np.ndarray:
    """``starts[k] + step * j`` for ``j < counts[k]``, row after row (one repeat, one arange)."""
    before = np.cumsum(counts) - counts
    return np.repeat(starts - step * before, counts) + step * np.arange(int(counts.sum()))


def _gaps_one_byte(buf: np.ndarray, first: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Gaps of postings written as ``K`` items only (2 bytes each), and whether every item was a ``K``."""
    at = _spread(first, counts, 2)
    ok = buf[at] == _K
    good = np.ones(len(counts), dtype=bool)
    if not ok.all():
        good[np.repeat(np.arange(len(counts)), counts)[~ok]] = False
    return buf[at + 1].astype(np.int64), good


def _gaps_any_width(
    buf: np.ndarray, first: np.ndarray, counts: np.ndarray, ends: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Gaps of postings with ``K``, ``M`` and ``J`` items, item by item across all postings at once."""
    order = np.argsort(-counts, kind="stable")  # the postings still reading are a prefix
    cursor = first[order].copy()
    left = counts[order]
    out_start = np.cumsum(left) - left
    gaps = np.zeros(int(left.sum()), dtype=np.int64)
    good = np.ones(len(order), dtype=bool)
    limit = len(buf) - 5
    for k in range(int(left.max()) if len(left) else 0):
        live = int(np.searchsorted(-left, -k, side="left"))  # postings with more than k items
        at = np.minimum(cursor[:live], limit)
        op = buf[at]
        b1, b2, b3, b4 = (buf[at + i].astype(np.int64) for i in (1, 2, 3, 4))
        value = np.where(op == _K, b1, b1 | (b2 << 8))
        four = b1 | (b2 << 8) | (b3 << 16) | (b4 << 24)
        value = np.where(op == _J, np.where(four >= 1 << 31, four - (1 << 32), four), value)
        width = np.select([op == _K, op == _M, op == _J], [2, 3, 5], 0)
        good[:live] &= (width > 0) & (cursor[:live] < ends[order[:live]])
        gaps[out_start[:live] + k] = value
        cursor[:live] += np.maximum(width, 1)
    good &= cursor == ends[order] - 2  # each posting ends exactly at its closing "a" or "e"
    back = np.empty_like(order)
    back[order] = np.arange(len(order))
    return gaps[_spread(out_start[back], counts)], good[back]


def decode_values(values: list[bytes], fmt: Any) -> tuple[np.ndarray, np.ndarray]:
    """Counts and positions (each posting's ascending, one after another) of ``Positions`` values."""
    count = len(values)
    if not count:
        return np.zeros(0, dtype=np.int64), _EMPTY
    lengths = np.fromiter(map(len, values), dtype=np.int64, count=count)
    buf = np.frombuffer(b"".join(values) + b"\0" * 8, dtype=np.uint8)
    ends = np.cumsum(lengths)
    sized = lengths >= _MIN_VALUE
    head = np.where(sized, ends - lengths, 0)
    counts = (
        (buf[head].astype(np.int64) << 24)
        | (buf[head + 1].astype(np.int64) << 16)
        | (buf[head + 2].astype(np.int64) << 8)
        | buf[head + 3].astype(np.int64)
    )
    many = counts > 1
    last = np.where(sized, ends - 1, 1)
    framed = (
        sized
        & (buf[head[:, None] + 4 + np.arange(5)] == _HEADER).all(axis=1)
        & (counts >= 1)
        & (counts <= MAX_BATCH)
        & (buf[last] == _STOP)
        & (buf[last - 1] == np.where(many, _APPENDS, _APPEND))
        & (~many | (buf[head + 9] == _MARK))
    )
    first = head + 9 + many
    fast = framed & (lengths == 9 + many + 2 * counts + 2)
    read: list[tuple[np.ndarray, np.ndarray]] = []  # (postings, their gaps) read by numpy
    for mask, wide in ((fast, False), (framed & ~fast, True)):
        picked = np.flatnonzero(mask)
        if len(picked):
            if wide:
                found, good = _gaps_any_width(buf, first[picked], counts[picked], ends[picked])
            else:
                found, good = _gaps_one_byte(buf, first[picked], counts[picked])
            if not good.all():
                found = found[np.repeat(good, counts[picked])]
                framed[picked[~good]] = False
                picked = picked[good]
            read.append((picked, found))
    # Whatever numpy did not vouch for goes through Whoosh's own decoder (as gaps, like the rest).
    sizes = np.where(framed, counts, 0)
    rows = {k: np.array(fmt.decode_positions(values[k]), dtype=np.int64) for k in np.flatnonzero(~framed).tolist()}
    for k, row in rows.items():
        sizes[k] = len(row)
    place = np.cumsum(sizes) - sizes
    if len(read) == 1 and len(read[0][0]) == count:
        gaps = read[0][1]  # the usual case: every posting in one reading, already in place
    else:
        gaps = np.zeros(int(sizes.sum()), dtype=np.int64)
        for picked, found in read:
            gaps[_spread(place[picked], counts[picked])] = found
        for k, row in rows.items():
            gaps[place[k] : place[k] + len(row)] = np.diff(row, prepend=0)
    # Positions are running sums of the gaps within each posting.
    running = np.cumsum(gaps)
    before = np.concatenate([[0], running])[place]
    return sizes, running - np.repeat(before, sizes)


def _narrow(positions: np.ndarray) -> np.ndarray | None:
    """The positions in the narrowest unsigned type; None when one does not fit a key's 32 bits."""
    if not len(positions):
        return positions.astype(np.uint16)
    low, high = int(positions.min()), int(positions.max())
    if low < 0 or high >= 1 << 32:
        return None
    return positions.astype(np.uint16 if high < 1 << 16 else np.uint32)


def _block_values(matcher: Any) -> list[bytes] | None:
    """Every posting's value, a block at a time (None for a matcher without blocks)."""
    if not (hasattr(matcher, "_read_values") and hasattr(matcher, "_next_block")):
        return None
    blocks = []
    while matcher.is_active():
        matcher._read_values()
        blocks.append(matcher._values)
        matcher._next_block()
    return list(itertools.chain.from_iterable(blocks))


def read_positions(matcher: Any, ids: np.ndarray) -> WordPositions | None:
    """The positions of a posting list whose documents are ``ids``; None when they cannot be keys."""
    fmt = matcher.format
    values = _block_values(matcher) if type(fmt) is Positions else None
    if values is not None:
        if len(values) != len(ids):
            return None
        counts, positions = decode_values(values, fmt)
    else:  # another format or codec: Whoosh's decoder, one posting at a time
        decode = fmt.decoder("positions")
        found, docs = [], []
        while matcher.is_active():
            docs.append(matcher.id())
            found.append(np.array(decode(matcher.value()), dtype=np.int64))
            matcher.next()
        ids = np.array(docs, dtype=np.int64)
        counts = np.array([len(f) for f in found], dtype=np.int64)
        positions = np.concatenate(found) if found else _EMPTY
    offsets = np.concatenate([[0], np.cumsum(counts)])
    falls = np.flatnonzero(np.diff(positions) < 0)
    # Keys and position tables need each posting's positions ascending (a new row may start lower).
    if len(falls) and not np.isin(falls + 1, offsets).all():
        return None
    narrow = _narrow(positions)
    if narrow is None:
        return None
    offsets = offsets.astype(np.uint32 if offsets[-1] < 1 << 32 else np.int64)
    return WordPositions(ids, offsets, narrow)
