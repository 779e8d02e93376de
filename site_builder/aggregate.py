"""Programme targets rolled up from districts to provinces to the nation, per indicator and year.

Pure functions over the corpus: no files, no rendering.

The rule that keeps a figure from being counted twice, applied separately for every
indicator × year × region (the *cell*), across all programmes:

1. A district (kabupaten/kota) cell combines all rows reported for that district.
2. A province cell uses the province's own rows (region = the province code) when there is at
   least one: a figure reported for a province is its total, districts included. Its districts'
   rows are then left out of the province (and national) figure (``covered_by_province``) but keep
   their own district cells. Only when the province reports no row of its own for that indicator
   and year do its districts' rows roll up into it.
3. The national cell likewise uses rows reported for the nation itself (region ``00``) when there
   are any, and leaves the provinces' figures out of it (``covered_by_nation``); otherwise it
   combines exactly the rows that make up the province cells.

So every row enters each level at most once, and a row left out is still listed (with its reason)
in the programme-target export. Several programmes reporting for the same region are added
together: they are different programmes. A programme that reports for a district while another
reports the province's total therefore adds to its district's figure only.

How rows combine depends on the indicator catalogue (``content/_data/indikator.yml``):

- ``sum`` (counts, hectares): target = Σ target; realisation = Σ realisation.
- ``weighted_mean`` (percentages): target = Σ(target × base) / Σ base, likewise the realisation,
  weighted by the row's declared ``base`` (for example the number of households). A cell of one
  row needs no weight; where rows must be weighted together, a row without a base cannot be and is
  left out of that cell (``no_base``). ``pokja check`` already refuses a percentage row that
  reports a realisation without a base.

A missing realisation is *not yet reported*, never zero: the realisation combines only the rows that
report one, and achievement % = realisation / target of those same rows × 100, so a programme that
has not reported yet does not pull achievement down. ``target`` is over all rows of the cell;
``target_reported`` is over the reporting rows only.

Figures are rounded to 4 decimals and achievement to 2, once, here: pages and exports show
exactly these numbers.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

from .content import Corpus, Document
from .schemas import Indicator, RefData

LEVELS = ("kabkota", "provinsi", "nasional")
NATIONAL = "00"
# Why a row is not part of its province's (or the nation's) figure.
COVERED_BY_PROVINCE = "covered_by_province"
COVERED_BY_NATION = "covered_by_nation"
NO_BASE = "no_base"
FIGURE_DECIMALS = 4
PCT_DECIMALS = 2


@dataclass(frozen=True)
class TargetRow:
    """One ``targets`` row of one programme, with what aggregation did with it."""

    program: str
    program_title: str
    program_url: str
    indicator: str
    unit: str
    region: str
    level: str  # kabkota, provinsi or nasional
    province: str | None  # province code (None for the nation)
    year: int
    baseline: float | None
    target: float
    realization: float | None
    base: float | None
    example: bool
    not_counted: str = ""  # empty when counted at every level above it, else a reason code
    program_updated: dt.date | None = None

    @property
    def achievement_pct(self) -> float | None:
        """Realisation / target × 100 of this row alone (None when not reported or target is 0)."""
        if self.realization is None or not self.target:
            return None
        return round(self.realization / self.target * 100, PCT_DECIMALS)


@dataclass(frozen=True)
class Aggregate:
    """The combined figures of one indicator for one region and year."""

    indicator: str
    level: str
    region: str
    year: int
    target: float | None
    realization: float | None  # None: no row of the cell has reported yet
    target_reported: float | None  # target of the rows that reported a realisation
    achievement_pct: float | None
    rows: int
    rows_reported: int
    source_level: str  # the level whose rows were combined
    example: bool  # at least one combined figure is an example

    @property
    def reported(self) -> bool:
        """Whether any row of the cell has reported a realisation."""
        return self.rows_reported > 0


@dataclass
class Aggregation:
    """All target rows and all aggregates of a corpus."""

    rows: list[TargetRow]
    aggregates: list[Aggregate]
    indicators: dict[str, Indicator]

    def at(self, level: str, indicator: str | None = None, region: str | None = None) -> list[Aggregate]:
        """Aggregates of one level, optionally of one indicator and region, by indicator, region, year."""
        found = self._index.get((level, indicator, region))
        if found is not None:
            return list(found)
        return [
            a
            for a in self.aggregates
            if a.level == level
            and (indicator is None or a.indicator == indicator)
            and (region is None or a.region == region)
        ]

    @cached_property
    def _index(self) -> dict[tuple[str, str | None, str | None], list[Aggregate]]:
        # Province pages and the dashboard ask for one level, indicator and region hundreds of times a build:
        # each is one look-up (the lists keep the aggregates' order). Other combinations scan.
        out: dict[tuple[str, str | None, str | None], list[Aggregate]] = {}
        for a in self.aggregates:
            for key in ((a.level, None, None), (a.level, a.indicator, None), (a.level, a.indicator, a.region)):
                out.setdefault(key, []).append(a)
        return out

    def get(self, indicator: str, region: str, year: int) -> Aggregate | None:
        """The aggregate of one cell, if any row reported for it."""
        for level in LEVELS:
            for a in self._index.get((level, indicator, region), ()):
                if a.year == year:
                    return a
        return None

    def indicators_with_data(self) -> list[str]:
        """Indicator ids that have at least one national aggregate, in catalogue order."""
        present = {a.indicator for a in self.aggregates if a.level == "nasional"}
        return [i for i in self.indicators if i in present]

    def years(self, indicator: str | None = None) -> list[int]:
        """Years that have a figure (for one indicator, or any)."""
        return sorted({a.year for a in self.aggregates if indicator is None or a.indicator == indicator})

    def ranking_year(self, indicator: str) -> int | None:
        """The latest year in which some province has an achievement for ``indicator``."""
        years = [a.year for a in self.at("provinsi", indicator) if a.achievement_pct is not None]
        return max(years) if years else None

    def ranking(self, indicator: str, year: int) -> list[Aggregate]:
        """Provinces by achievement, highest first (ties by code); those not yet reported last."""
        cells = [a for a in self.at("provinsi", indicator) if a.year == year]
        return sorted(
            cells,
            key=lambda a: (a.achievement_pct is None, -(a.achievement_pct or 0.0), a.region),
        )


def _number(value: object) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    return float(value)  # type: ignore[arg-type]


def target_rows(corpus: Corpus) -> list[TargetRow]:
    """Every target row of every programme, in programme-slug then file order."""
    refdata = corpus.refdata
    return [row for doc in sorted(corpus.of_type("program"), key=lambda d: d.slug) for row in doc_rows(doc, refdata)]


def doc_rows(doc: Document, refdata: RefData) -> list[TargetRow]:
    """The target rows of one programme, in file order (rows the loader reported as wrong left out)."""
    rows: list[TargetRow] = []
    for raw in doc.meta.get("targets") or []:
        indicator = refdata.indicators.get(raw.get("indicator", ""))
        region = refdata.regions.get(str(raw.get("region", "")))
        if indicator is None or region is None or raw.get("target") is None or not raw.get("year"):
            continue  # the loader has reported it already; a valid corpus has none
        rows.append(
            TargetRow(
                program=doc.slug,
                program_title=doc.title,
                program_url=doc.url,
                indicator=indicator.id,
                unit=indicator.unit,
                region=region.code,
                level=region.level,
                province=region.province_code,
                year=int(raw["year"]),
                baseline=_number(raw.get("baseline")),
                target=float(raw["target"]),
                realization=_number(raw.get("realization")),
                base=_number(raw.get("base")),
                example=bool(raw.get("example")) or doc.example,
                program_updated=doc.updated,
            )
        )
    return rows


def weighable(indicator: Indicator, rows: list[TargetRow]) -> list[TargetRow]:
    """The rows that can enter one cell: all of them, except unweighted rows of a weighted mean of several."""
    if indicator.aggregation == "weighted_mean" and len(rows) > 1:
        return [r for r in rows if r.base]
    return rows


def combine(indicator: Indicator, rows: list[TargetRow]) -> dict[str, float | int | None]:
    """Target, realisation, reported target, achievement % and counts of rows combined by the indicator's rule."""
    rows = weighable(indicator, rows)
    reported = [r for r in rows if r.realization is not None]
    if indicator.aggregation == "weighted_mean":
        single = len(rows) == 1  # one row: its own figures, weight or no weight

        def mean(items: list[TargetRow], attr: str) -> float | None:
            weights = [1.0 if single else (r.base or 0.0) for r in items]
            if not items or not sum(weights):
                return None
            return sum(getattr(r, attr) * w for r, w in zip(items, weights, strict=True)) / sum(weights)

        target = mean(rows, "target")
        realization = mean(reported, "realization")
        target_reported = mean(reported, "target")
    else:
        target = sum(r.target for r in rows) if rows else None
        realization = sum(r.realization or 0.0 for r in reported) if reported else None
        target_reported = sum(r.target for r in reported) if reported else None
    achievement = None
    if realization is not None and target_reported:
        achievement = round(realization / target_reported * 100, PCT_DECIMALS)

    def rounded(x: float | None) -> float | None:
        return None if x is None else round(x, FIGURE_DECIMALS)

    return {
        "target": rounded(target),
        "realization": rounded(realization),
        "target_reported": rounded(target_reported),
        "achievement_pct": achievement,
        "rows": len(rows),
        "rows_reported": len(reported),
    }


class _Builder:
    """Collects aggregates and the reasons rows were left out."""

    def __init__(self, rows: list[TargetRow], refdata: RefData) -> None:
        self.rows, self.refdata = rows, refdata
        self.aggregates: list[Aggregate] = []
        self.reasons: dict[int, str] = {}

    def add(self, ind: str, level: str, region: str, year: int, idx: list[int], source: str) -> None:
        indicator = self.refdata.indicators[ind]
        rows = [self.rows[i] for i in idx]
        kept = {id(r) for r in weighable(indicator, rows)}
        for i, row in zip(idx, rows, strict=True):
            if id(row) not in kept:
                self.reasons.setdefault(i, NO_BASE)
        self.aggregates.append(
            Aggregate(
                indicator=ind,
                level=level,
                region=region,
                year=year,
                source_level=source,
                example=any(r.example for r in rows if id(r) in kept),
                **combine(indicator, rows),  # type: ignore[arg-type]
            )
        )


def aggregate_key(level_order: dict[str, int], order: dict[str, int]) -> Any:
    """The order of ``Aggregation.aggregates``: level, catalogue order of the indicator, region, year."""
    return lambda a: (level_order[a.level], order[a.indicator], a.region, a.year)


def aggregate(rows: Iterable[TargetRow], refdata: RefData) -> Aggregation:
    """Roll ``rows`` up to districts, provinces and the nation by the rule of this module's docstring."""
    rows = list(rows)
    build = _Builder(rows, refdata)
    # cells keyed by (indicator, year, region code) at each level, holding row indexes
    district_cells: dict[tuple[str, int, str], list[int]] = defaultdict(list)
    own_province: dict[tuple[str, int, str], list[int]] = defaultdict(list)
    own_national: dict[tuple[str, int], list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        if r.level == "kabkota":
            district_cells[(r.indicator, r.year, r.region)].append(i)
        elif r.level == "provinsi":
            own_province[(r.indicator, r.year, r.region)].append(i)
        else:
            own_national[(r.indicator, r.year)].append(i)

    from_districts: dict[tuple[str, int, str], list[int]] = defaultdict(list)
    for (ind, year, district), idx in sorted(district_cells.items()):
        build.add(ind, "kabkota", district, year, idx, "kabkota")
        from_districts[(ind, year, refdata.regions[district].province_code or "")].extend(idx)

    national_from_provinces: dict[tuple[str, int], list[int]] = defaultdict(list)
    for key in sorted(set(from_districts) | set(own_province)):
        ind, year, province = key
        if own_province.get(key):
            idx, source = own_province[key], "provinsi"
            for i in from_districts.get(key, []):
                build.reasons[i] = COVERED_BY_PROVINCE
        else:
            idx, source = from_districts[key], "kabkota"
        build.add(ind, "provinsi", province, year, idx, source)
        national_from_provinces[(ind, year)].extend(idx)

    for key in sorted(set(national_from_provinces) | set(own_national)):
        ind, year = key
        if own_national.get(key):
            idx, source = own_national[key], "nasional"
            for i in national_from_provinces.get(key, []):
                build.reasons.setdefault(i, COVERED_BY_NATION)
        else:
            idx, source = national_from_provinces[key], "provinsi"
        build.add(ind, "nasional", NATIONAL, year, idx, source)

    aggregates, reasons = build.aggregates, build.reasons
    order = {ind: n for n, ind in enumerate(refdata.indicators)}
    aggregates.sort(key=aggregate_key({lvl: n for n, lvl in enumerate(LEVELS)}, order))
    marked = [replace(r, not_counted=reasons[i]) if i in reasons else r for i, r in enumerate(rows)]
    return Aggregation(rows=marked, aggregates=aggregates, indicators=dict(refdata.indicators))


def aggregate_corpus(corpus: Corpus) -> Aggregation:
    """Target rows of the corpus, aggregated."""
    return aggregate(target_rows(corpus), corpus.refdata)


SliceKey = tuple[str, int]


class Aggregator:
    """``aggregate_corpus`` for a long-running publisher: what a publication did not change is reused.

    The rule of this module applies to each indicator × year on its own (every cell, and every reason a
    row is left out, lies within one), so the aggregation is the union of the aggregations of each
    (indicator, year) *slice*. A programme's rows are made again only when the programme's document
    changed (a new object), and a slice is aggregated again only when one of its rows did: an edited
    programme re-aggregates the few slices it reports in, not all of them (issue #14). Unchanged slices
    keep their objects, so later steps (completeness, exports, province pages) can tell them apart by
    identity. The result equals ``aggregate_corpus`` (tests/dashboard/test_aggregate.py checks it).
    """

    def __init__(self) -> None:
        self._refdata: RefData | None = None
        self._rows_of: dict[int, tuple[Document, list[TargetRow]]] = {}
        self._slices: dict[SliceKey, tuple[list[TargetRow], list[Aggregate], list[TargetRow]]] = {}
        self.slices_made = 0  # slices aggregated by the last call (the others were reused)

    def __call__(self, corpus: Corpus, programmes: Iterable[Document] | None = None) -> Aggregation:
        """The aggregation of ``corpus`` (``programmes``: its programmes, when the caller has them)."""
        refdata = corpus.refdata
        if refdata is not self._refdata:
            self._refdata, self._rows_of, self._slices = refdata, {}, {}
        rows: list[TargetRow] = []
        rows_of: dict[int, tuple[Document, list[TargetRow]]] = {}
        listed = corpus.of_type("program") if programmes is None else programmes
        for doc in sorted(listed, key=lambda d: d.slug):
            found = self._rows_of.get(id(doc))
            if found is None or found[0] is not doc:
                found = (doc, doc_rows(doc, refdata))
            rows_of[id(doc)] = found
            rows.extend(found[1])
        self._rows_of = rows_of
        members: dict[SliceKey, list[int]] = defaultdict(list)
        for i, r in enumerate(rows):
            members[(r.indicator, r.year)].append(i)
        marked: list[TargetRow] = list(rows)
        aggregates: list[Aggregate] = []
        slices: dict[SliceKey, tuple[list[TargetRow], list[Aggregate], list[TargetRow]]] = {}
        self.slices_made = 0
        for key in sorted(members):
            idx = members[key]
            inputs = [rows[i] for i in idx]
            last = self._slices.get(key)
            if (
                last is None
                or len(last[0]) != len(inputs)
                or any(a is not b for a, b in zip(last[0], inputs, strict=True))
            ):
                part = aggregate(inputs, refdata)
                last = (inputs, *_keep_equal(last, inputs, part))
                self.slices_made += 1
            slices[key] = last
            for i, row in zip(idx, last[2], strict=True):
                marked[i] = row
            aggregates.extend(last[1])
        self._slices = slices
        order = {ind: n for n, ind in enumerate(refdata.indicators)}
        aggregates.sort(key=aggregate_key({lvl: n for n, lvl in enumerate(LEVELS)}, order))
        return Aggregation(rows=marked, aggregates=aggregates, indicators=dict(refdata.indicators))


def _keep_equal(
    last: tuple[list[TargetRow], list[Aggregate], list[TargetRow]] | None, inputs: list[TargetRow], part: Aggregation
) -> tuple[list[Aggregate], list[TargetRow]]:
    """A slice aggregated again, with the objects of its ``last`` aggregation wherever they are equal.

    An edited programme changes a few cells of a slice: the other cells' aggregates, and the rows left out
    for the same reason as before, stay the same objects for what compares them by identity.
    """
    if last is None:
        return part.aggregates, part.rows
    before = {(a.level, a.region): a for a in last[1]}
    aggregates = [a if (was := before.get((a.level, a.region))) is None or was != a else was for a in part.aggregates]
    left_out = {id(row): done for row, done in zip(last[0], last[2], strict=True) if done is not row}
    rows = []
    for row, done in zip(inputs, part.rows, strict=True):
        was = left_out.get(id(row)) if done is not row else None
        rows.append(was if was is not None and was.not_counted == done.not_counted else done)
    return aggregates, rows
