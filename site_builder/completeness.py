"""Reporting completeness: per indicator and year, which regions with targets have reported, and who is late.

A region *has targets* for an indicator and year when some programme has a target row for it (the
region at its own level: a district, a province or the nation). It *has reported* when every one of
those rows carries a realisation (several programmes in one region each report their own row);
until then it is *partial* (some rows reported) or *pending* (none). After the reporting deadline of
the year (``POKJA_REPORT_DEADLINE``, by default 31 March of the following year) a region that has not
reported is *late*.

A province's completeness counts the province itself and its districts, the nation's every region.
Pure functions over an :class:`~site_builder.aggregate.Aggregation`: no files, no rendering.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from .aggregate import NATIONAL, PCT_DECIMALS, Aggregation

DEFAULT_DEADLINE = "03-31"  # month-day of the year after the reported year
REPORTED = "reported"
PARTIAL = "partial"
PENDING = "pending"
LATE = "late"
STATUSES = (REPORTED, PARTIAL, PENDING, LATE)


def deadline_for(year: int, month_day: str = DEFAULT_DEADLINE) -> dt.date:
    """The reporting deadline of ``year``: ``month_day`` (MM-DD) of the following year."""
    month, day = (int(part) for part in month_day.split("-"))
    return dt.date(year + 1, month, day)


def parse_deadline(text: str) -> str:
    """A month-day as MM-DD; raises ValueError on anything else (29 February included: not every year has it)."""
    month, _sep, day = text.strip().partition("-")
    dt.date(2001, int(month), int(day))  # raises ValueError for a day that does not exist
    return f"{int(month):02d}-{int(day):02d}"


@dataclass(frozen=True)
class RegionStatus:
    """Whether one region with targets has reported one indicator for one year."""

    indicator: str
    year: int
    region: str
    level: str
    province: str | None
    rows: int
    rows_reported: int
    deadline: dt.date
    late: bool

    @property
    def reported(self) -> bool:
        """Every target row of the region carries a realisation."""
        return self.rows_reported == self.rows

    @property
    def status(self) -> str:
        """reported, late (past the deadline and not reported), partial or pending."""
        if self.reported:
            return REPORTED
        if self.late:
            return LATE
        return PARTIAL if self.rows_reported else PENDING


@dataclass(frozen=True)
class Summary:
    """How many of a province's (or the nation's) regions with targets have reported."""

    indicator: str
    year: int
    level: str  # provinsi or nasional
    region: str
    regions: int
    reported: int
    late: int
    deadline: dt.date

    @property
    def pct(self) -> float | None:
        """Reported regions / regions with targets × 100 (None without any region with targets)."""
        return round(self.reported / self.regions * 100, PCT_DECIMALS) if self.regions else None


@dataclass
class Completeness:
    """Every region's status and the province and national summaries."""

    statuses: list[RegionStatus]
    summaries: list[Summary]

    def __post_init__(self) -> None:
        # 38 province pages ask for their rows of every indicator and year: look them up, never scan.
        self._summary = {(s.indicator, s.year, s.region): s for s in self.summaries}
        self._in_province: dict[tuple[str, int, str], list[RegionStatus]] = defaultdict(list)
        for s in self.statuses:
            if s.province:
                self._in_province[(s.indicator, s.year, s.province)].append(s)

    def summary(self, indicator: str, year: int, region: str) -> Summary | None:
        """The summary of one province (or ``00``) for one indicator and year."""
        return self._summary.get((indicator, year, region))

    def of(self, level: str, indicator: str | None = None, year: int | None = None) -> list[Summary]:
        """Summaries of one level, optionally of one indicator and year."""
        return [
            s
            for s in self.summaries
            if s.level == level and (indicator is None or s.indicator == indicator) and (year is None or s.year == year)
        ]

    def in_province(self, province: str, indicator: str, year: int) -> list[RegionStatus]:
        """The statuses of a province's own regions (itself and its districts), by code."""
        return list(self._in_province.get((indicator, year, province), []))

    def years(self, indicator: str) -> list[int]:
        """Years with targets of ``indicator``."""
        return sorted({s.year for s in self.statuses if s.indicator == indicator})


def completeness(aggregation: Aggregation, today: dt.date, month_day: str = DEFAULT_DEADLINE) -> Completeness:
    """Region statuses and summaries of every indicator and year of ``aggregation``."""
    rows: dict[tuple[str, int, str], list[bool]] = defaultdict(list)
    where: dict[str, tuple[str, str | None]] = {}
    for r in aggregation.rows:
        rows[(r.indicator, r.year, r.region)].append(r.realization is not None)
        where[r.region] = (r.level, r.province)
    order = {ind: n for n, ind in enumerate(aggregation.indicators)}
    statuses = []
    for (ind, year, region), flags in sorted(rows.items(), key=lambda kv: (order.get(kv[0][0], 0), kv[0][1:])):
        deadline = deadline_for(year, month_day)
        level, province = where[region]
        done = sum(flags)
        statuses.append(
            RegionStatus(
                ind, year, region, level, province, len(flags), done, deadline, done < len(flags) and today > deadline
            )
        )
    groups: dict[tuple[str, int, str, str], list[RegionStatus]] = defaultdict(list)
    for s in statuses:
        groups[(s.indicator, s.year, "nasional", NATIONAL)].append(s)
        if s.province:
            groups[(s.indicator, s.year, "provinsi", s.province)].append(s)
    summaries = [
        Summary(
            ind,
            year,
            level,
            region,
            len(items),
            sum(i.reported for i in items),
            sum(i.late for i in items),
            items[0].deadline,
        )
        for (ind, year, level, region), items in sorted(
            groups.items(), key=lambda kv: (kv[0][2] != "nasional", order.get(kv[0][0], 0), kv[0][3], kv[0][1])
        )
    ]
    return Completeness(statuses=statuses, summaries=summaries)
