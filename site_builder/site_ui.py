"""The UI text of the generated site pages and metadata panels, Indonesian first."""

from __future__ import annotations

from .i18n import Catalogue

# UI text of the site, Indonesian first.
UI: dict[str, dict[str, str]] = {
    "home": {"id": "Beranda", "en": "Home"},
    "home_intro": {
        "id": "Rumah pengetahuan Kelompok Kerja Perumahan dan Kawasan Permukiman: pedoman, pembelajaran, "
        "modul pelatihan, program, keputusan rapat, dan profil Pokja.",
        "en": "The knowledge house of the housing and settlement working group.",
    },
    "recent": {"id": "Dokumen terbaru", "en": "Recent documents"},
    "sections": {"id": "Jelajahi", "en": "Browse"},
    "regions": {"id": "Wilayah", "en": "Regions"},
    "regions_intro": {
        "id": "Dokumen menurut provinsi. Dokumen nasional berlaku untuk semua wilayah.",
        "en": "Documents by province. National documents apply everywhere.",
    },
    "national_docs": {"id": "Dokumen nasional", "en": "National documents"},
    "province": {"id": "Provinsi", "en": "Province"},
    "province_title": {"id": "Provinsi {name}", "en": "{name} Province"},
    "province_intro": {
        "id": "Dokumen tentang Provinsi {name} dan kabupaten/kotanya ({count} dokumen).",
        "en": "Documents about {name} Province and its districts ({count} documents).",
    },
    "documents": {"id": "Dokumen", "en": "Documents"},
    "count": {"id": "Jumlah", "en": "Count"},
    "tags": {"id": "Tag", "en": "Tags"},
    "tags_intro": {"id": "Semua tag dan jumlah dokumennya.", "en": "All tags and their documents."},
    "tag_title": {"id": "Tag: {label}", "en": "Tag: {label}"},
    "tag_intro": {"id": "{count} dokumen bertag {label}.", "en": "{count} documents tagged {label}."},
    "type": {"id": "Jenis", "en": "Type"},
    "title": {"id": "Judul", "en": "Title"},
    "date": {"id": "Tanggal", "en": "Date"},
    "region": {"id": "Wilayah", "en": "Region"},
    "none": {"id": "Belum ada dokumen.", "en": "No documents yet."},
    "filter": {"id": "Saring", "en": "Filter"},
    "filter_text": {"id": "Saring menurut kata", "en": "Filter by word"},
    "filter_region": {"id": "Semua wilayah", "en": "All regions"},
    "filter_tag": {"id": "Semua tag", "en": "All tags"},
    "filter_year": {"id": "Semua tahun", "en": "All years"},
    "filter_shown": {"id": "dokumen ditampilkan", "en": "documents shown"},
    "open_decisions": {"id": "Keputusan terbuka", "en": "Open decisions"},
    "dashboard": {"id": "Dasbor capaian", "en": "Results dashboard"},
    "open_intro": {
        "id": "Keputusan rapat berstatus terbuka, menurut tenggat ({count} keputusan).",
        "en": "Meeting decisions still open, by due date ({count} decisions).",
    },
    "due": {"id": "Tenggat", "en": "Due"},
    "decision": {"id": "Keputusan", "en": "Decision"},
    "owner": {"id": "Penanggung jawab", "en": "Owner"},
    "meeting": {"id": "Rapat", "en": "Meeting"},
    "overdue": {"id": "lewat tenggat", "en": "overdue"},
    "no_due": {"id": "tanpa tenggat", "en": "no due date"},
    "review_title": {"id": "Pedoman perlu ditinjau ulang", "en": "Guidelines due for review"},
    "review_intro": {
        "id": "Pedoman yang melewati tanggal tinjau ulang per {today} ({count} pedoman).",
        "en": "Guidelines past their review date as of {today} ({count} guidelines).",
    },
    "review_by": {"id": "Tinjau ulang paling lambat", "en": "Review by"},
    "issuer": {"id": "Penerbit", "en": "Issuer"},
    "status": {"id": "Status", "en": "Status"},
    "related": {"id": "Dokumen terkait", "en": "Related documents"},
    "backlinks": {"id": "Dirujuk oleh", "en": "Referred to by"},
    "metadata": {"id": "Keterangan dokumen", "en": "Document details"},
    "achievement": {"id": "Capaian (%)", "en": "Achievement (%)"},
    "baseline": {"id": "Baseline", "en": "Baseline"},
    "contributed": {
        "id": "Dikirim oleh anggota ({name}) dan disetujui moderator.",
        "en": "Contributed by a member ({name}) and approved by a moderator.",
    },
    "example": {
        "id": "Contoh: dokumen ini bagian dari konten awal, bukan data resmi.",
        "en": "Example: this document is starter content, not official data.",
    },
    "yes": {"id": "Ya", "en": "Yes"},
    "no": {"id": "Tidak", "en": "No"},
    "feed_title": {"id": "Dokumen baru dan diperbarui", "en": "New and updated documents"},
    "feeds": {"id": "Umpan RSS dan JSON", "en": "RSS and JSON feeds"},
    "generated_clash": {
        "id": "berkas ini bertabrakan dengan halaman yang dibuat otomatis; ganti namanya",
        "en": "this file clashes with a generated page; rename it",
    },
    "all_of_type": {"id": "{count} dokumen, terbaru lebih dulu.", "en": "{count} documents, newest first."},
}


ui = Catalogue(UI)
