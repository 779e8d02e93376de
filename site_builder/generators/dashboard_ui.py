"""The UI text of the dashboard pages, the alignment matrix and the province sections, Indonesian first."""

from __future__ import annotations

from ..aggregate import COVERED_BY_NATION, COVERED_BY_PROVINCE, NO_BASE
from ..i18n import Catalogue

# UI text of the dashboard pages, Indonesian first.
DASHBOARD_UI: dict[str, dict[str, str]] = {
    "title": {"id": "Dasbor capaian program", "en": "Programme results dashboard"},
    "intro": {
        "id": "Target dan realisasi program PKP yang tercatat di rumah pengetahuan ini, digabung dari "
        "kabupaten/kota ke provinsi dan ke tingkat nasional per indikator dan tahun.",
        "en": "Targets and results of the housing programmes recorded here, rolled up from districts to "
        "provinces to the nation by indicator and year.",
    },
    "examples": {
        "id": "Sebagian angka di halaman ini adalah contoh untuk konten awal, bukan data resmi; angka itu "
        "ditandai \u201ccontoh\u201d di kolom Keterangan.",
        "en": "Some figures on this page are starter-content examples, not official data; they are marked "
        "\u201cexample\u201d in the Notes column.",
    },
    "no_data": {"id": "Belum ada target program yang tercatat.", "en": "No programme targets recorded yet."},
    "rule_heading": {"id": "Cara penghitungan", "en": "How figures are computed"},
    "rule": {
        "id": "- **Tanpa hitung ganda.** Untuk setiap indikator, tahun, dan provinsi: bila provinsi melaporkan "
        "angkanya sendiri (wilayah = kode provinsi), angka itu dipakai sebagai total provinsi, termasuk "
        "kabupaten/kotanya; angka kabupaten/kota tetap tampil sebagai rincian tetapi tidak ditambahkan lagi. "
        "Bila provinsi tidak melaporkan angkanya sendiri, angka kabupaten/kotanya dijumlahkan. Angka nasional "
        "dihitung dengan aturan yang sama dari provinsi (atau dari baris nasional, kode 00, bila ada).\n"
        "- **Penjumlahan.** Indikator jumlah (unit rumah, hektare) dijumlahkan; indikator persentase dihitung "
        "sebagai rata-rata tertimbang dengan basis pembobot yang dinyatakan pada setiap baris (misalnya jumlah "
        "rumah tangga).\n"
        "- **Realisasi yang belum dilaporkan bukan nol.** Realisasi hanya menggabungkan baris yang sudah "
        "melapor, dan capaian (%) = realisasi ÷ target baris yang sama × 100. Kolom *Baris melapor* "
        "menunjukkan berapa baris yang sudah melapor.\n"
        "- Beberapa program di wilayah yang sama dijumlahkan karena merupakan program yang berbeda.",
        "en": "- **No double counting.** For each indicator, year and province: when the province reports its "
        "own figure (region = the province code) it is the province total, districts included; district "
        "figures stay visible as detail but are not added again. Otherwise the districts are added up. The "
        "nation follows the same rule from the provinces (or a national row, code 00, when there is one).\n"
        "- **Combining.** Counts (housing units, hectares) are added; percentages are weighted by the base "
        "declared on each row (for example the number of households).\n"
        "- **A realisation not yet reported is not zero.** Only reporting rows are combined, and achievement "
        "(%) = realisation ÷ target of those same rows × 100.\n"
        "- Several programmes in the same region add up: they are different programmes.",
    },
    "national_heading": {"id": "Nasional: target dan realisasi per tahun", "en": "Nation: target and result by year"},
    "ranking_heading": {"id": "Peringkat provinsi menurut capaian, {year}", "en": "Provinces by achievement, {year}"},
    "ranking_none": {"id": "Belum ada provinsi yang melaporkan realisasi.", "en": "No province has reported yet."},
    "chart_years_title": {
        "id": "{name}, {region}: target dan realisasi per tahun",
        "en": "{name}, {region}: target and result by year",
    },
    "chart_years_desc": {"id": "Diagram batang: {points}.", "en": "Bar chart: {points}."},
    "chart_point": {
        "id": "{year} target {target}, realisasi {realization}",
        "en": "{year} target {target}, result {realization}",
    },
    "chart_rank_title": {
        "id": "{name}: capaian provinsi tahun {year}",
        "en": "{name}: provinces' achievement in {year}",
    },
    "chart_rank_desc": {
        "id": "Diagram batang mendatar, capaian tertinggi di atas: {points}.",
        "en": "Horizontal bar chart, highest first: {points}.",
    },
    "table_years": {"id": "{name}, {region} ({unit}): data diagram", "en": "{name}, {region} ({unit}): chart data"},
    "table_rank": {"id": "{name}: capaian provinsi tahun {year}", "en": "{name}: provinces' achievement in {year}"},
    "aggregation_sum": {"id": "dijumlahkan", "en": "added up"},
    "aggregation_weighted_mean": {"id": "rata-rata tertimbang menurut {base}", "en": "weighted by {base}"},
    "indicator_line": {"id": "Satuan: {unit}; cara agregasi: {how}.", "en": "Unit: {unit}; aggregation: {how}."},
    "year": {"id": "Tahun", "en": "Year"},
    "target": {"id": "Target", "en": "Target"},
    "realization": {"id": "Realisasi", "en": "Result"},
    "achievement": {"id": "Capaian", "en": "Achievement"},
    "rows_reported": {"id": "Baris melapor", "en": "Rows reported"},
    "notes": {"id": "Keterangan", "en": "Notes"},
    "rank": {"id": "Peringkat", "en": "Rank"},
    "province": {"id": "Provinsi", "en": "Province"},
    "district": {"id": "Kabupaten/kota", "en": "District"},
    "not_reported": {"id": "belum dilaporkan", "en": "not yet reported"},
    "not_reported_short": {"id": "belum", "en": "none"},
    "example": {"id": "contoh", "en": "example"},
    "partial": {
        "id": "capaian atas {reported} dari {rows} baris yang sudah melapor",
        "en": "achievement over the {reported} of {rows} rows reported",
    },
    "from_districts": {"id": "jumlah kabupaten/kota", "en": "sum of districts"},
    "from_provinces": {"id": "gabungan provinsi", "en": "combined provinces"},
    "own_figure": {"id": "angka wilayah sendiri", "en": "the region's own figure"},
    COVERED_BY_PROVINCE: {
        "id": "tidak ditambahkan: provinsi melaporkan totalnya",
        "en": "not added: the province reports its total",
    },
    COVERED_BY_NATION: {"id": "tidak ditambahkan: ada angka nasional", "en": "not added: there is a national figure"},
    NO_BASE: {"id": "tidak ditambahkan: tanpa basis pembobot", "en": "not added: no weighting base"},
    "open_data": {"id": "Data terbuka", "en": "Open data"},
    "open_data_intro": {
        "id": "Semua angka di dasbor ini tersedia sebagai CSV dan JSON (UTF-8, angka dengan titik desimal, "
        "tanggal ISO YYYY-MM-DD, sel kosong/null berarti belum dilaporkan, boolean true/false), dibuat ulang "
        "setiap kali situs dibangun. Nama kolom tetap; kolom baru hanya ditambahkan di akhir.",
        "en": "Every figure here is available as CSV and JSON, rebuilt with the site. Column names are stable.",
    },
    "dictionary": {"id": "Kamus data", "en": "Data dictionary"},
    "column": {"id": "Kolom", "en": "Column"},
    "type": {"id": "Tipe", "en": "Type"},
    "description": {"id": "Keterangan", "en": "Description"},
    "file": {"id": "Berkas", "en": "File"},
    "matrix_link": {
        "id": "Keselarasan program dengan rujukan perencanaan: lihat [matriks keselarasan]({url}).",
        "en": "Programmes against planning references: see the [alignment matrix]({url}).",
    },
    "matrix_title": {"id": "Matriks keselarasan program", "en": "Programme alignment matrix"},
    "matrix_intro": {
        "id": "Program PKP terhadap rujukan perencanaan (RPJMN, RPJMD, Renstra K/L, Renstra SKPD, SDG 11, dan "
        "kebijakan nasional), menurut isian keselarasan setiap dokumen program.",
        "en": "Housing programmes against planning references, as each programme document declares.",
    },
    "matrix_caption": {
        "id": "Program (baris) menurut rujukan perencanaan (kolom)",
        "en": "Programmes (rows) by planning reference (columns)",
    },
    "programme": {"id": "Program", "en": "Programme"},
    "aligned": {"id": "ya", "en": "yes"},
    "total": {"id": "Jumlah program", "en": "Programmes"},
    "references": {"id": "Rujukan perencanaan", "en": "Planning references"},
    "no_programmes": {"id": "Belum ada program.", "en": "No programmes yet."},
    "back_to_dashboard": {"id": "Kembali ke [dasbor capaian]({url}).", "en": "Back to the [dashboard]({url})."},
    "province_results": {"id": "Capaian indikator", "en": "Indicator results"},
    "province_no_targets": {
        "id": "Belum ada target program untuk provinsi ini.",
        "en": "No programme targets for this province yet.",
    },
    "district_detail": {"id": "Rincian kabupaten/kota: {name}", "en": "District detail: {name}"},
    "province_programmes": {"id": "Program", "en": "Programmes"},
    "province_no_programmes": {"id": "Belum ada program di provinsi ini.", "en": "No programmes in this province yet."},
    "lead_agency": {"id": "Instansi pelaksana", "en": "Lead agency"},
    "period": {"id": "Periode", "en": "Period"},
    "status": {"id": "Status", "en": "Status"},
    "indicators": {"id": "Indikator", "en": "Indicators"},
    "province_profile": {"id": "Profil Pokja", "en": "Pokja profile"},
    "province_no_profile": {
        "id": "Belum ada profil Pokja PKP untuk provinsi ini.",
        "en": "No Pokja profile for this province yet.",
    },
    "sk": {"id": "SK {number} tanggal {date}, oleh {issuer}", "en": "Decree {number} of {date}, by {issuer}"},
    "members": {"id": "{count} anggota: {groups}", "en": "{count} members: {groups}"},
    "see_dashboard": {
        "id": "Angka nasional dan peringkat provinsi: [dasbor capaian]({url}).",
        "en": "National figures and rankings: [dashboard]({url}).",
    },
}


dui = Catalogue(DASHBOARD_UI)
