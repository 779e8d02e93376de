"""The translation catalogue: every message people read, in Indonesian and English."""

from __future__ import annotations

LANGS = ("id", "en")
DEFAULT_LANG = "id"

# Keys are stable identifiers; tests and callers refer to them, people read the text.
CATALOGUE: dict[str, dict[str, str]] = {
    # content validation
    "too_large": {
        "id": "berkas terlalu besar ({size}); batasnya {limit}",
        "en": "file too large ({size}); the limit is {limit}",
    },
    "empty_file": {"id": "berkas kosong", "en": "empty file"},
    "binary_file": {
        "id": "berkas biner, bukan teks Markdown",
        "en": "binary file, not Markdown text",
    },
    "not_utf8": {
        "id": "bukan teks UTF-8 (byte tidak sah di posisi {pos})",
        "en": "not UTF-8 text (invalid byte at position {pos})",
    },
    "no_front_matter": {
        "id": "tidak ada front-matter YAML (berkas harus diawali baris '---')",
        "en": "no YAML front-matter (the file must start with a '---' line)",
    },
    "unclosed_front_matter": {
        "id": "front-matter tidak ditutup dengan baris '---'",
        "en": "front-matter is not closed by a '---' line",
    },
    "invalid_yaml": {"id": "YAML tidak sah: {detail}", "en": "invalid YAML: {detail}"},
    "yaml_alias": {
        "id": "alias/anchor YAML tidak diizinkan di front-matter",
        "en": "YAML aliases/anchors are not allowed in front-matter",
    },
    "yaml_too_deep": {
        "id": "front-matter bersarang terlalu dalam (lebih dari {limit} tingkat)",
        "en": "front-matter nested too deeply (more than {limit} levels)",
    },
    "yaml_too_big": {
        "id": "front-matter terlalu besar (lebih dari {limit} nilai)",
        "en": "front-matter too big (more than {limit} values)",
    },
    "not_mapping": {
        "id": "front-matter harus berupa pasangan kunci: nilai",
        "en": "front-matter must be a mapping of key: value",
    },
    "unknown_type": {
        "id": "jenis dokumen '{type}' tidak dikenal; yang dikenal: {known}",
        "en": "unknown document type '{type}'; known types: {known}",
    },
    "type_mismatch": {
        "id": "jenis '{found}' tidak cocok dengan folder '{folder}'",
        "en": "type '{found}' does not match the folder '{folder}'",
    },
    "bad_slug": {
        "id": "nama berkas '{slug}' bukan slug yang sah (huruf kecil ASCII, angka, tanda hubung)",
        "en": "file name '{slug}' is not a valid slug (lowercase ASCII, digits, hyphens)",
    },
    "duplicate_slug": {
        "id": "slug '{slug}' sudah dipakai oleh {other}",
        "en": "slug '{slug}' is already used by {other}",
    },
    "unknown_field": {
        "id": "kolom tidak dikenal dalam skema '{type}'",
        "en": "field not in the '{type}' schema",
    },
    "required_field": {"id": "kolom '{name}' wajib diisi", "en": "field '{name}' is required"},
    "expected_string": {"id": "harus berupa teks, ditemukan {found}", "en": "expected text, found {found}"},
    "expected_list": {"id": "harus berupa daftar, ditemukan {found}", "en": "expected a list, found {found}"},
    "expected_mapping": {
        "id": "harus berupa pasangan kunci: nilai, ditemukan {found}",
        "en": "expected a mapping, found {found}",
    },
    "expected_integer": {
        "id": "harus berupa bilangan bulat, ditemukan {found}",
        "en": "expected a whole number, found {found}",
    },
    "expected_number": {"id": "harus berupa angka, ditemukan {found}", "en": "expected a number, found {found}"},
    "expected_boolean": {
        "id": "harus true atau false, ditemukan {found}",
        "en": "expected true or false, found {found}",
    },
    "expected_date": {
        "id": "'{value}' bukan tanggal (format YYYY-MM-DD)",
        "en": "'{value}' is not a date (format YYYY-MM-DD)",
    },
    "expected_year": {
        "id": "'{value}' bukan tahun (1900-2100)",
        "en": "'{value}' is not a year (1900-2100)",
    },
    "not_in_enum": {
        "id": "'{value}' tidak termasuk pilihan: {allowed}",
        "en": "expected one of: {allowed} but received: '{value}'",
    },
    "too_long": {
        "id": "terlalu panjang ({length} karakter; paling banyak {limit})",
        "en": "too long ({length} characters; at most {limit})",
    },
    "below_min": {"id": "tidak boleh kurang dari {limit}", "en": "must not be less than {limit}"},
    "above_max": {"id": "tidak boleh lebih dari {limit}", "en": "must not be more than {limit}"},
    "unknown_region": {
        "id": "'{value}' bukan kode wilayah yang dikenal (lihat content/_data/wilayah.yml)",
        "en": "'{value}' is not a known region code (see content/_data/wilayah.yml)",
    },
    "unknown_tag": {
        "id": "'{value}' bukan tag yang dikenal (lihat content/_data/tags.yml)",
        "en": "'{value}' is not a known tag (see content/_data/tags.yml)",
    },
    "unknown_stakeholder_group": {
        "id": "'{value}' bukan kelompok pemangku kepentingan yang dikenal (lihat content/_data/kelompok.yml)",
        "en": "'{value}' is not a known stakeholder group (see content/_data/kelompok.yml)",
    },
    "unknown_reference": {
        "id": "'{value}' bukan rujukan perencanaan yang dikenal (lihat content/_data/rujukan.yml)",
        "en": "'{value}' is not a known planning reference (see content/_data/rujukan.yml)",
    },
    "unknown_indicator": {
        "id": "'{value}' bukan indikator yang dikenal (lihat content/_data/indikator.yml)",
        "en": "'{value}' is not a known indicator (see content/_data/indikator.yml)",
    },
    "unknown_document": {
        "id": "'{value}' tidak merujuk ke dokumen mana pun",
        "en": "'{value}' does not point to any document",
    },
    "wrong_document_type": {
        "id": "'{value}' adalah dokumen jenis '{found}', seharusnya '{expected}'",
        "en": "'{value}' is a '{found}' document, expected '{expected}'",
    },
    "missing_attachment": {
        "id": "berkas lampiran '{value}' tidak ditemukan",
        "en": "attachment file '{value}' not found",
    },
    "unsafe_attachment": {
        "id": "jalur lampiran '{value}' keluar dari folder content/",
        "en": "attachment path '{value}' leaves the content/ folder",
    },
    "unit_mismatch": {
        "id": "satuan '{value}' tidak cocok dengan katalog indikator '{indicator}' ({expected})",
        "en": "unit '{value}' does not match the catalogue for indicator '{indicator}' ({expected})",
    },
    "region_not_in_province": {
        "id": "wilayah '{value}' bukan kabupaten/kota dari provinsi dokumen ini ({provinces})",
        "en": "region '{value}' is not a district of this document's provinces ({provinces})",
    },
    "year_outside_period": {
        "id": "tahun {value} di luar periode program ({start}-{end})",
        "en": "year {value} is outside the programme period ({start}-{end})",
    },
    "period_reversed": {
        "id": "tahun selesai {end} sebelum tahun mulai {start}",
        "en": "end year {end} is before start year {start}",
    },
    "missing_base": {
        "id": "indikator persentase '{indicator}' membutuhkan 'base' (basis pembobot) bila realisasi diisi",
        "en": "percentage indicator '{indicator}' needs 'base' (weighting base) when a realisation is given",
    },
    "review_overdue": {
        "id": "pedoman melewati tanggal tinjau ulang ({value})",
        "en": "guideline is past its review date ({value})",
    },
    "unreadable": {"id": "tidak dapat dibaca: {detail}", "en": "cannot be read: {detail}"},
    # check command
    "check_summary": {
        "id": "{files} berkas diperiksa, {documents} dokumen sah: {errors} galat, {warnings} peringatan",
        "en": "{files} files checked, {documents} valid documents: {errors} errors, {warnings} warnings",
    },
    "warning_prefix": {"id": "peringatan", "en": "warning"},
    # new command
    "new_written": {"id": "Dokumen baru ditulis: {path}", "en": "New document written: {path}"},
    "new_exists": {
        "id": "{path} sudah ada; pilih judul lain atau sunting berkas itu",
        "en": "{path} already exists; choose another title or edit that file",
    },
    "new_bad_title": {
        "id": "judul '{title}' tidak menghasilkan slug yang sah; gunakan huruf atau angka",
        "en": "title '{title}' gives no valid slug; use letters or digits",
    },
}


class Catalogue:
    """Messages by key, in Indonesian and English; each area keeps its own, all are read the same way."""

    def __init__(self, messages: dict[str, dict[str, str]]) -> None:
        self.messages = messages

    def __call__(self, key: str, lang: str = DEFAULT_LANG, **params: object) -> str:
        """The message ``key`` in ``lang`` (Indonesian when missing), formatted with ``params``."""
        entry = self.messages[key]
        template = entry.get(lang) or entry[DEFAULT_LANG]
        return template.format(**params) if params else template


t = Catalogue(CATALOGUE)
