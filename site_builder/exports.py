"""Open data: every aggregate and every programme target as CSV and JSON, rebuilt with the site.

Column names are part of the public contract: they are declared once here (``DATA_DICTIONARY``),
documented on the dashboard page from this same constant, and never renamed; new columns are only
ever appended. Files are UTF-8, numbers are plain machine numbers (dot decimal, no thousands
separator; whole numbers without ``.0``), dates are ISO 8601 (YYYY-MM-DD), an empty CSV cell / JSON
``null`` means *not reported*, and booleans are ``true``/``false``.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .aggregate import LEVELS, Aggregate, Aggregation, TargetRow
from .completeness import Completeness, RegionStatus, Summary, completeness
from .schemas import Identity, RefData

DATA_DIR = "data"


@dataclass(frozen=True)
class Column:
    """One documented column of an export."""

    name: str
    type: str  # teks, bilangan, angka, tanggal, boolean
    description: str  # Indonesian


AGGREGATE_COLUMNS: tuple[Column, ...] = (
    Column("indicator", "teks", "Kode indikator dari katalog indikator (content/_data/indikator.yml)."),
    Column("indicator_name", "teks", "Nama indikator."),
    Column("unit", "teks", "Satuan indikator."),
    Column("aggregation", "teks", "Cara agregasi: sum (dijumlahkan) atau weighted_mean (rata-rata tertimbang basis)."),
    Column("level", "teks", "Tingkat wilayah: kabkota, provinsi, atau nasional."),
    Column("region_code", "teks", "Kode wilayah Kemendagri (00 untuk nasional)."),
    Column("region_name", "teks", "Nama wilayah."),
    Column("province_code", "teks", "Kode provinsi tempat wilayah berada (kosong untuk nasional)."),
    Column("year", "bilangan", "Tahun target."),
    Column("target", "angka", "Target gabungan semua baris yang dihitung."),
    Column("realization", "angka", "Realisasi gabungan baris yang sudah melapor; kosong bila belum ada yang melapor."),
    Column("target_reported", "angka", "Target gabungan baris yang sudah melaporkan realisasi."),
    Column("achievement_pct", "angka", "Capaian (%) = realization / target_reported × 100, dua desimal."),
    Column("rows", "bilangan", "Jumlah baris target program yang digabung."),
    Column("rows_reported", "bilangan", "Jumlah baris yang sudah melaporkan realisasi."),
    Column(
        "source_level",
        "teks",
        "Tingkat baris yang digabung: baris wilayah itu sendiri atau baris wilayah di bawahnya.",
    ),
    Column("example", "boolean", "true bila ada angka contoh (bukan data resmi) di dalamnya."),
)

TARGET_COLUMNS: tuple[Column, ...] = (
    Column("program", "teks", "Slug dokumen program."),
    Column("program_title", "teks", "Judul program."),
    Column("program_url", "teks", "Alamat halaman program, relatif terhadap akar situs."),
    Column("indicator", "teks", "Kode indikator."),
    Column("indicator_name", "teks", "Nama indikator."),
    Column("unit", "teks", "Satuan indikator."),
    Column("region_code", "teks", "Kode wilayah Kemendagri baris target."),
    Column("region_name", "teks", "Nama wilayah."),
    Column("level", "teks", "Tingkat wilayah: kabkota, provinsi, atau nasional."),
    Column("province_code", "teks", "Kode provinsi tempat wilayah berada (kosong untuk nasional)."),
    Column("year", "bilangan", "Tahun target."),
    Column("baseline", "angka", "Nilai awal; kosong bila tidak diisi."),
    Column("target", "angka", "Nilai yang ditargetkan."),
    Column("realization", "angka", "Nilai yang tercapai; kosong bila belum dilaporkan."),
    Column("base", "angka", "Basis pembobot untuk indikator persentase; kosong bila tidak diisi."),
    Column("achievement_pct", "angka", "Capaian baris ini (%) = realization / target × 100."),
    Column("counted", "boolean", "true bila baris ini masuk ke angka provinsi dan nasional."),
    Column(
        "not_counted_reason",
        "teks",
        "Bila tidak dihitung: covered_by_province (provinsi melaporkan angkanya sendiri), "
        "covered_by_nation (ada angka nasional), atau no_base (persentase tanpa basis pembobot).",
    ),
    Column("program_updated", "tanggal", "Tanggal terakhir dokumen program diperbarui (YYYY-MM-DD)."),
    Column("example", "boolean", "true bila angka ini contoh, bukan data resmi."),
)

COMPLETENESS_COLUMNS: tuple[Column, ...] = (
    Column("indicator", "teks", "Kode indikator."),
    Column("indicator_name", "teks", "Nama indikator."),
    Column("year", "bilangan", "Tahun target."),
    Column("level", "teks", "provinsi (provinsi itu dan kabupaten/kotanya) atau nasional (semua wilayah)."),
    Column("region_code", "teks", "Kode provinsi (00 untuk nasional)."),
    Column("region_name", "teks", "Nama wilayah."),
    Column("regions_with_targets", "bilangan", "Jumlah wilayah yang mempunyai target indikator ini pada tahun itu."),
    Column("regions_reported", "bilangan", "Jumlah wilayah yang sudah melaporkan realisasi semua baris targetnya."),
    Column("regions_late", "bilangan", "Jumlah wilayah yang belum melapor setelah batas waktu pelaporan."),
    Column("completeness_pct", "angka", "Kelengkapan (%) = regions_reported / regions_with_targets × 100."),
    Column("deadline", "tanggal", "Batas waktu pelaporan tahun itu (YYYY-MM-DD)."),
)

REGION_STATUS_COLUMNS: tuple[Column, ...] = (
    Column("indicator", "teks", "Kode indikator."),
    Column("indicator_name", "teks", "Nama indikator."),
    Column("year", "bilangan", "Tahun target."),
    Column("region_code", "teks", "Kode wilayah Kemendagri yang mempunyai target."),
    Column("region_name", "teks", "Nama wilayah."),
    Column("level", "teks", "Tingkat wilayah: kabkota, provinsi, atau nasional."),
    Column("province_code", "teks", "Kode provinsi tempat wilayah berada (kosong untuk nasional)."),
    Column("rows", "bilangan", "Jumlah baris target program untuk wilayah ini."),
    Column("rows_reported", "bilangan", "Jumlah baris yang sudah melaporkan realisasi."),
    Column(
        "status",
        "teks",
        "reported (semua baris melapor), partial (sebagian), pending (belum, sebelum batas waktu), "
        "atau late (belum lengkap setelah batas waktu).",
    ),
    Column("deadline", "tanggal", "Batas waktu pelaporan tahun itu (YYYY-MM-DD)."),
)

# The licence travels inside every file, in every row: a row copied out of a file keeps it, and a
# leading comment line would break every CSV reader that expects the header first.
LICENSE_COLUMNS: tuple[Column, ...] = (
    Column("license", "teks", "Lisensi data ini (kode SPDX, misalnya CC-BY-4.0)."),
    Column("license_url", "teks", "Alamat teks lisensi."),
)

_AGGREGATE_FILE = AGGREGATE_COLUMNS + LICENSE_COLUMNS  # one tuple: the dictionary documents it once

# Every file of the open data: its name (without extension), its title and its columns.
DATA_DICTIONARY: dict[str, tuple[str, tuple[Column, ...]]] = {
    "agregat-nasional": ("Agregat nasional per indikator dan tahun", _AGGREGATE_FILE),
    "agregat-provinsi": ("Agregat provinsi per indikator dan tahun", _AGGREGATE_FILE),
    "agregat-kabkota": ("Agregat kabupaten/kota per indikator dan tahun", _AGGREGATE_FILE),
    "target-program": ("Semua baris target dan realisasi program", TARGET_COLUMNS + LICENSE_COLUMNS),
    "kelengkapan-pelaporan": (
        "Kelengkapan pelaporan per indikator dan tahun: nasional dan per provinsi",
        COMPLETENESS_COLUMNS + LICENSE_COLUMNS,
    ),
    "kelengkapan-wilayah": (
        "Status pelaporan setiap wilayah yang mempunyai target",
        REGION_STATUS_COLUMNS + LICENSE_COLUMNS,
    ),
}
LEVEL_OF_FILE = {"agregat-nasional": "nasional", "agregat-provinsi": "provinsi", "agregat-kabkota": "kabkota"}
assert set(LEVEL_OF_FILE.values()) == set(LEVELS)


def aggregate_record(a: Aggregate, refdata: RefData) -> dict[str, Any]:
    """One aggregate as a record with the columns of ``AGGREGATE_COLUMNS``."""
    indicator = refdata.indicators[a.indicator]
    region = refdata.regions.get(a.region)
    return {
        "indicator": a.indicator,
        "indicator_name": indicator.name_in("id"),
        "unit": indicator.unit,
        "aggregation": indicator.aggregation,
        "level": a.level,
        "region_code": a.region,
        "region_name": region.name if region else a.region,
        "province_code": (region.province_code if region else None) or "",
        "year": a.year,
        "target": a.target,
        "realization": a.realization,
        "target_reported": a.target_reported,
        "achievement_pct": a.achievement_pct,
        "rows": a.rows,
        "rows_reported": a.rows_reported,
        "source_level": a.source_level,
        "example": a.example,
    }


def target_record(r: TargetRow, refdata: RefData) -> dict[str, Any]:
    """One programme target row as a record with the columns of ``TARGET_COLUMNS``."""
    region = refdata.regions.get(r.region)
    return {
        "program": r.program,
        "program_title": r.program_title,
        "program_url": r.program_url,
        "indicator": r.indicator,
        "indicator_name": refdata.indicators[r.indicator].name_in("id"),
        "unit": r.unit,
        "region_code": r.region,
        "region_name": region.name if region else r.region,
        "level": r.level,
        "province_code": r.province or "",
        "year": r.year,
        "baseline": r.baseline,
        "target": r.target,
        "realization": r.realization,
        "base": r.base,
        "achievement_pct": r.achievement_pct,
        "counted": not r.not_counted,
        "not_counted_reason": r.not_counted,
        "program_updated": r.program_updated,
        "example": r.example,
    }


def summary_record(s: Summary, refdata: RefData) -> dict[str, Any]:
    """One completeness summary as a record with the columns of ``COMPLETENESS_COLUMNS``."""
    region = refdata.regions.get(s.region)
    return {
        "indicator": s.indicator,
        "indicator_name": refdata.indicators[s.indicator].name_in("id"),
        "year": s.year,
        "level": s.level,
        "region_code": s.region,
        "region_name": region.name if region else s.region,
        "regions_with_targets": s.regions,
        "regions_reported": s.reported,
        "regions_late": s.late,
        "completeness_pct": s.pct,
        "deadline": s.deadline,
    }


def status_record(s: RegionStatus, refdata: RefData) -> dict[str, Any]:
    """One region's reporting status as a record with the columns of ``REGION_STATUS_COLUMNS``."""
    region = refdata.regions.get(s.region)
    return {
        "indicator": s.indicator,
        "indicator_name": refdata.indicators[s.indicator].name_in("id"),
        "year": s.year,
        "region_code": s.region,
        "region_name": region.name if region else s.region,
        "level": s.level,
        "province_code": s.province or "",
        "rows": s.rows,
        "rows_reported": s.rows_reported,
        "status": s.status,
        "deadline": s.deadline,
    }


def sources(name: str, aggregation: Aggregation, report: Completeness) -> list[Any]:
    """The objects one file of ``DATA_DICTIONARY`` has a record of, in the file's order."""
    if name == "target-program":
        return sorted(aggregation.rows, key=lambda r: (r.program, r.indicator, r.region, r.year))
    if name == "kelengkapan-pelaporan":
        return list(report.summaries)
    if name == "kelengkapan-wilayah":
        return list(report.statuses)
    return aggregation.at(LEVEL_OF_FILE[name])


def record(name: str, item: Any, refdata: RefData) -> dict[str, Any]:
    """The record of one object of ``sources(name, ...)``, with the licence columns."""
    if name == "target-program":
        out = target_record(item, refdata)
    elif name == "kelengkapan-pelaporan":
        out = summary_record(item, refdata)
    elif name == "kelengkapan-wilayah":
        out = status_record(item, refdata)
    else:
        out = aggregate_record(item, refdata)
    return {**out, "license": refdata.identity.license_id, "license_url": refdata.identity.license_url}


def records(
    name: str, aggregation: Aggregation, refdata: RefData, report: Completeness | None = None
) -> list[dict[str, Any]]:
    """The records of one file of ``DATA_DICTIONARY`` (with the licence columns)."""
    report = report or completeness(aggregation, dt.date.today())
    return [record(name, item, refdata) for item in sources(name, aggregation, report)]


def machine_value(value: Any) -> Any:
    """A value as JSON gets it: whole floats as integers, dates ISO, the rest unchanged."""
    kind = type(value)
    if kind is str or kind is int or value is None or kind is bool:
        return value
    if kind is float:
        return int(value) if value.is_integer() else value
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def csv_cell(value: Any) -> str:
    """A value as a CSV cell: plain machine numbers, ISO dates, true/false, empty for none."""
    kind = type(value)
    if kind is str:
        return value
    if value is None:
        return ""
    if kind is bool:
        return "true" if value else "false"
    if kind is float:
        # whole floats as integers, else the shortest text that reads back as the same float
        return str(int(value)) if value.is_integer() else repr(value)
    value = machine_value(value)
    return value if isinstance(value, str) else str(value)


class _Line:
    """A file for csv.writer that keeps the one line written last."""

    text = ""

    def write(self, text: str) -> int:
        self.text = text
        return len(text)


def csv_line(names: list[str], row: dict[str, Any]) -> str:
    """One CSV line (with its \\n) of ``row``'s ``names`` columns."""
    line = _Line()
    csv.writer(line, lineterminator="\n").writerow([csv_cell(row[n]) for n in names])
    return line.text


# json's C encoder: an indented dump goes through its pure-Python encoder, which was a quarter of an edited
# programme's publication at 10,000 documents. Each record is one line.
_encode = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode


def json_line(names: list[str], row: dict[str, Any]) -> str:
    """One record of a JSON file's ``rows``, on one line, machine values."""
    return f"  {_encode({n: machine_value(row[n]) for n in names})}"


def to_csv(columns: Iterable[Column], rows: Iterable[dict[str, Any]]) -> bytes:
    """CSV (comma-separated, header row, UTF-8, \\n line ends)."""
    names = [c.name for c in columns]
    return csv_file(names, [csv_line(names, row) for row in rows])


def csv_file(names: list[str], lines: list[str]) -> bytes:
    """The CSV file of a header and ``lines`` (each ending in \\n)."""
    return (csv_line(names, {n: n for n in names}) + "".join(lines)).encode("utf-8")


def to_json(
    name: str,
    columns: Iterable[Column],
    rows: Iterable[dict[str, Any]],
    data_as_of: str | None,
    identity: Identity | None = None,
) -> bytes:
    """JSON: ``{"dataset", "title", "publisher", "license", "data_as_of", "columns", "rows"}``."""
    columns = list(columns)
    names = [c.name for c in columns]
    return json_file(name, columns, [json_line(names, row) for row in rows], data_as_of, identity)


def json_file(
    name: str, columns: list[Column], lines: list[str], data_as_of: str | None, identity: Identity | None = None
) -> bytes:
    """The JSON file of one dataset whose ``rows`` are ``lines`` (json_line)."""
    who = identity or Identity()
    head = {
        "dataset": name,
        "title": DATA_DICTIONARY[name][0],
        "publisher": who.name,
        "license": who.license_record(),
        "data_as_of": data_as_of,
        "columns": [{"name": c.name, "type": c.type, "description": c.description} for c in columns],
    }
    top = json.dumps(head, ensure_ascii=False, indent=1)[: -len("\n}")]
    body = "[\n" + ",\n".join(lines) + "\n ]" if lines else "[]"
    return f'{top},\n "rows": {body}\n}}\n'.encode()


def data_as_of(aggregation: Aggregation) -> str | None:
    """The latest update of any programme with targets (ISO date): the data's date, stable across builds."""
    dates = [r.program_updated for r in aggregation.rows if r.program_updated]
    return max(dates).isoformat() if dates else None


def export_files(aggregation: Aggregation, refdata: RefData, report: Completeness | None = None) -> dict[str, bytes]:
    """Every open-data file by its site path (``data/<name>.csv`` and ``.json``)."""
    return Exporter()(aggregation, refdata, report)


# The files whose records are frozen completeness objects (site_builder.completeness), equal when unchanged.
BY_VALUE = frozenset({"kelengkapan-pelaporan", "kelengkapan-wilayah"})


class Exporter:
    """``export_files`` for a long-running publisher: a record's lines are made once per object.

    The publisher's aggregation keeps the objects of what a publication did not change
    (``site_builder.aggregate.Aggregator``): their CSV and JSON lines are reused, and an edited
    programme encodes only the records of the slices it reports in (issue #14).
    """

    def __init__(self) -> None:
        self._refdata: RefData | None = None
        self._lines: dict[tuple[str, Any], tuple[Any, str, str]] = {}
        self.encoded = 0  # records the last call encoded (the others' lines were reused)

    def __call__(
        self, aggregation: Aggregation, refdata: RefData, report: Completeness | None = None
    ) -> dict[str, bytes]:
        """Every open-data file by its site path."""
        if refdata is not self._refdata:
            self._refdata, self._lines = refdata, {}
        as_of = data_as_of(aggregation)
        report = report or completeness(aggregation, dt.date.today())
        kept: dict[tuple[str, Any], tuple[Any, str, str]] = {}
        files: dict[str, bytes] = {}
        self.encoded = 0
        for name, (_title, columns) in DATA_DICTIONARY.items():
            names = [c.name for c in columns]
            csv_lines, json_lines = [], []
            # Completeness is made anew whenever the aggregation changed: its small records are found by
            # value; the aggregation's rows and aggregates by identity (hashing 50,000 rows costs more).
            by_value = name in BY_VALUE
            for item in sources(name, aggregation, report):
                key = (name, item if by_value else id(item))
                found = self._lines.get(key)
                if found is None or (found[0] is not item and not by_value):
                    row = record(name, item, refdata)
                    found = (item, csv_line(names, row), json_line(names, row))
                    self.encoded += 1
                kept[key] = found
                csv_lines.append(found[1])
                json_lines.append(found[2])
            files[f"{DATA_DIR}/{name}.csv"] = csv_file(names, csv_lines)
            files[f"{DATA_DIR}/{name}.json"] = json_file(name, list(columns), json_lines, as_of, refdata.identity)
        self._lines = kept
        # Also beside the files, for a reader of the folder: the files themselves carry it in every row.
        files[f"{DATA_DIR}/LISENSI.txt"] = license_text(refdata.identity)
        return files


def license_text(identity: Identity) -> bytes:
    """The licence note of the open-data folder (publisher, licence name and address)."""
    lines = [
        f"{identity.name}: data terbuka Rumah Pengetahuan / open data",
        f"Lisensi / licence: {identity.license_name} ({identity.license_id})",
        identity.license_url,
    ]
    return ("\n".join(line for line in lines if line) + "\n").encode("utf-8")
