"""Yearly realisation reports: a submission kind that updates a programme's target rows once approved.

A report names one programme and one year and carries, for target rows of that year in the account's
regions, the realisation (read the Indonesian way), a base for percentages that have none, and the
warnings the reporter confirmed. It is checked by the one validator: the programme with the reported
figures applied is parsed as the publisher would write it, so a misread count is an error and a
realisation over three times its target (or a percentage over 100) a warning, with the same messages
as ``pokja check``. The publisher (flask_app/publish.py) asks :func:`programme_text` for the updated
programme file; nothing else writes it.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_app import regions
from site_builder.content import Document, document_text, parse_document, reference_problems
from site_builder.fields.figures import id_figure, parse_id_number
from site_builder.i18n import _

KIND = "laporan"  # Submission.type of a realisation report
PROGRAMME_TYPE = "program"


class ReportRefused(Exception):
    """The report cannot be applied to the programme as it is now (the message says why)."""


@dataclass
class Entry:
    """One target row of the report: what the programme holds, and what the reporter typed."""

    index: int
    row: dict[str, Any]
    raw: str = ""
    raw_base: str = ""
    value: Any = None
    base: Any = None
    confirmed: bool = False
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str, int]:
        """(indicator, region, year): what identifies the row when the programme changed meanwhile."""
        return (str(self.row.get("indicator")), str(self.row.get("region")), int(self.row.get("year") or 0))

    @property
    def filled(self) -> bool:
        """Whether the reporter typed a new figure for this row (the recorded one shown again is none)."""
        if self.value is None:
            return False
        return self.value != self.row.get("realization") or self.base is not None or isinstance(self.value, str)


def rows_in_scope(doc: Document, year: int, scope: str) -> list[Entry]:
    """The programme's target rows of ``year`` whose region lies within ``scope``, in file order."""
    return [
        Entry(i, dict(row))
        for i, row in enumerate(doc.meta.get("targets") or [])
        if int(row.get("year") or 0) == year and regions.in_scope(scope, str(row.get("region")))
    ]


def years_of(doc: Document) -> list[int]:
    """The years the programme has target rows for."""
    return sorted({int(r["year"]) for r in doc.meta.get("targets") or [] if r.get("year")})


def read_form(entries: list[Entry], form: Mapping[str, Any]) -> None:
    """Fill each entry from the posted form (``realisasi_<i>``, ``basis_<i>``, ``konfirmasi_<i>``)."""
    for e in entries:
        e.raw = str(form.get(f"realisasi_{e.index}", "") or "").strip()
        e.raw_base = str(form.get(f"basis_{e.index}", "") or "").strip()
        e.value = parse_id_number(e.raw) if e.raw else None
        e.base = parse_id_number(e.raw_base) if e.raw_base else None
        e.confirmed = bool(form.get(f"konfirmasi_{e.index}"))


def _apply(meta: dict[str, Any], entries: list[Entry]) -> dict[str, Any]:
    """A copy of the programme's front-matter with the entries' figures in their rows."""
    meta = copy.deepcopy(meta)
    for e in entries:
        if not e.filled:
            continue
        row = meta["targets"][e.index]
        row["realization"] = e.value
        if e.base is not None:
            row["base"] = e.base
    return meta


def check(doc: Document, entries: list[Entry], snapshot: Any) -> list[str]:
    """Validate the report against the programme (one validator); fills each entry's errors and warnings.

    Returns the messages that belong to no row (nothing reported, the programme itself refused).
    """
    filled = [e for e in entries if e.filled]
    if not filled:
        return [_("report.nothing")]
    meta = _apply(doc.meta, filled)
    text = document_text(meta, doc.body, snapshot.schemas[PROGRAMME_TYPE])
    _doc, problems, _v = parse_document(text, doc.rel_path, snapshot.schemas, snapshot.refdata)
    by_index = {e.index: e for e in filled}
    general = []
    for p in problems:
        parts = p.field.split(".")
        entry = by_index.get(int(parts[1])) if len(parts) > 1 and parts[0] == "targets" and parts[1].isdigit() else None
        if entry is None:
            if p.severity == "error":
                general.append(p.message())
            continue
        (entry.errors if p.severity == "error" else entry.warnings).append(p.message())
    return general


def needs_confirmation(entries: list[Entry]) -> list[Entry]:
    """Rows with a warning the reporter has not confirmed yet."""
    return [e for e in entries if e.filled and e.warnings and not e.confirmed]


def submission_data(doc: Document, year: int, entries: list[Entry], note: str) -> dict[str, Any]:
    """What the submission stores: the programme, the year, each reported row and the note."""
    rows = []
    for e in entries:
        if not e.filled:
            continue
        rows.append(
            {
                "index": e.index,
                "indicator": e.key[0],
                "region": e.key[1],
                "year": e.key[2],
                "target": e.row.get("target"),
                "previous": e.row.get("realization"),
                "realization": e.value,
                "base": e.base,
                "confirmed": list(e.warnings),
            }
        )
    title = _("report.title", year=year, title=doc.title)
    return {"title": title, "program": doc.slug, "year": year, "rows": rows, "note": note}


def _entries_from(data: Mapping[str, Any], doc: Document) -> list[Entry]:
    """The stored rows matched to the programme as it is now: by position, else by indicator, region and year."""
    targets = doc.meta.get("targets") or []
    entries = []
    for stored in data.get("rows") or []:
        key = (str(stored["indicator"]), str(stored["region"]), int(stored["year"]))
        index = int(stored.get("index", -1))
        if not (0 <= index < len(targets) and _key(targets[index]) == key):
            matches = [i for i, row in enumerate(targets) if _key(row) == key]
            if len(matches) != 1:
                raise ReportRefused(
                    _("report.row_gone", indicator=key[0], region=key[1], year=key[2], program=doc.slug)
                )
            index = matches[0]
        entries.append(Entry(index, dict(targets[index]), value=stored["realization"], base=stored.get("base")))
    return entries


def _key(row: Mapping[str, Any]) -> tuple[str, str, int]:
    return (str(row.get("indicator")), str(row.get("region")), int(row.get("year") or 0))


def programme_of(data: Mapping[str, Any], snapshot: Any) -> Document:
    """The programme a report names; ReportRefused when it is gone."""
    doc = snapshot.corpus.by_slug.get(str(data.get("program")))
    if doc is None or doc.type != PROGRAMME_TYPE:
        raise ReportRefused(_("report.programme_gone", program=data.get("program")))
    return doc


def programme_text(
    data: Mapping[str, Any], attachments: list[dict[str, str]], snapshot: Any, today: dt.date | None = None
) -> tuple[str, Document]:
    """The programme file with the report applied (figures, evidence, updated date), and its validated Document."""
    doc = programme_of(data, snapshot)
    meta = _apply(doc.meta, _entries_from(data, doc))
    meta["updated"] = today or dt.date.today()
    if attachments:
        meta["attachments"] = list(meta.get("attachments") or []) + attachments
    schema = snapshot.schemas[PROGRAMME_TYPE]
    text = document_text(meta, doc.body, schema)
    new, problems, validator = parse_document(text, doc.rel_path, snapshot.schemas, snapshot.refdata)
    if new is not None and validator is not None:
        problems = problems + reference_problems(validator, snapshot.corpus)
    errors = [p.format() for p in problems if p.severity == "error"]
    if new is None or errors:
        raise ReportRefused("; ".join(errors))
    # Written from the validated, normalised front-matter, as every published document is.
    new.path = snapshot.root / doc.rel_path
    return document_text(new.meta, doc.body, schema), new


def preview_rows(data: Mapping[str, Any], refdata: Any) -> list[dict[str, str]]:
    """The report's rows as the moderator reads them (figures in Indonesian format)."""

    def shown(value: Any) -> str:
        return id_figure(value) if isinstance(value, int | float) and not isinstance(value, bool) else "–"

    out = []
    for row in data.get("rows") or []:
        indicator = refdata.indicators.get(row["indicator"])
        out.append(
            {
                "region": regions.region_label(row["region"], refdata),
                "indicator": indicator.name_in("id") if indicator else row["indicator"],
                "unit": indicator.unit if indicator else "",
                "target": shown(row.get("target")),
                "previous": shown(row.get("previous")),
                "realization": shown(row.get("realization")),
                "base": shown(row.get("base")),
                "confirmed": "; ".join(row.get("confirmed") or []),
            }
        )
    return out
