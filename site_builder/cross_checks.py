"""Checks across a document's fields that a per-field schema cannot say (site_builder.content runs them)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol

from .schemas import RefData


class Validator(Protocol):
    """What the checks need of site_builder.content's validator."""

    refdata: RefData

    def report(self, dotted: str, key: str, severity: str = "error", **params: Any) -> None:
        """Record a problem of the field at ``dotted``."""
        ...


def type_checks(doc_type: str, meta: dict[str, Any], v: Validator, today: dt.date) -> None:
    """Checks across fields that a per-field schema cannot say."""
    period = meta.get("period")
    if isinstance(period, dict) and period.get("start") and period.get("end") and period["end"] < period["start"]:
        v.report("period.end", "period_reversed", start=period["start"], end=period["end"])
    # Publication dates: a future one would stay on top of every feed. Against the clock too, so a build
    # pinned to an earlier day (reproducible overdue reviews) does not refuse what is already past.
    now = max(today, dt.date.today())
    for name in ("date", "updated"):
        value = meta.get(name)
        if isinstance(value, dt.date) and value > now:
            v.report(name, "future_date", value=value.isoformat(), today=now.isoformat())
    review_by = meta.get("review_by")
    if doc_type == "pedoman" and review_by and review_by < today and meta.get("status") != "dicabut":
        v.report("review_by", "review_overdue", severity="warning", value=review_by.isoformat())
    if doc_type == "program":
        program_checks(meta, v)


def program_checks(meta: dict[str, Any], v: Validator) -> None:
    """A programme's targets against its indicators, regions and period."""
    """A programme's targets against its indicators, regions and period."""
    refdata = v.refdata
    provinces = {refdata.regions[c].province_code for c in meta.get("region") or [] if c in refdata.regions}
    national = "00" in (meta.get("region") or [])
    period = meta.get("period") or {}
    for i, row in enumerate(meta.get("targets") or []):
        where = f"targets.{i}"
        indicator = refdata.indicators.get(row.get("indicator", ""))
        if indicator and row.get("unit") and row["unit"] != indicator.unit:
            v.report(
                f"{where}.unit", "unit_mismatch", value=row["unit"], indicator=indicator.id, expected=indicator.unit
            )
        weighted = indicator is not None and indicator.aggregation == "weighted_mean"
        if weighted and "base" not in row and row.get("realization") is not None:
            v.report(f"{where}.base", "missing_base", indicator=indicator.id)
        region = refdata.regions.get(row.get("region", ""))
        if region and not national and region.province_code not in provinces:
            v.report(
                f"{where}.region",
                "region_not_in_province",
                value=region.code,
                provinces=", ".join(sorted(p for p in provinces if p)) or "-",
            )
        year = row.get("year")
        start, end = period.get("start"), period.get("end")
        if year and start and end and not start <= year <= end:
            v.report(f"{where}.year", "year_outside_period", value=year, start=start, end=end)
