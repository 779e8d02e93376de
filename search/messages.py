"""The search area's message catalogue (Indonesian first, English available)."""

from __future__ import annotations

from site_builder.i18n import Catalogue

CATALOGUE: dict[str, dict[str, str]] = {
    "index_busy": {
        "id": "Indeks pencarian sedang ditulis oleh proses lain; sudah menunggu {timeout} detik. Coba lagi nanti.",
        "en": "The search index is being written by another process; waited {timeout} seconds. Try again later.",
    },
    "index_missing": {
        "id": "Indeks pencarian belum dibangun. Jalankan 'pokja index'.",
        "en": "The search index has not been built. Run 'pokja index'.",
    },
    "index_outdated": {
        "id": "Indeks pencarian dibuat oleh versi lain dan harus dibangun ulang: jalankan 'pokja index'.",
        "en": "The search index was made by another version and must be rebuilt: run 'pokja index'.",
    },
    "check_missing": {"id": "belum diindeks: {slug}", "en": "not indexed: {slug}"},
    "check_stale": {"id": "indeks usang: {slug}", "en": "stale in the index: {slug}"},
    "check_orphaned": {"id": "tidak ada di konten: {slug}", "en": "not in the content: {slug}"},
    "check_ok": {"id": "Indeks sesuai dengan konten.", "en": "The index matches the content."},
    "check_differs": {
        "id": "Indeks berbeda dari konten: {missing} belum diindeks, {stale} usang, {orphaned} yatim.",
        "en": "The index differs from the content: {missing} missing, {stale} stale, {orphaned} orphaned.",
    },
    "check_repaired": {
        "id": "Indeks diperbaiki: {missing} ditambahkan, {stale} diperbarui, {orphaned} dihapus.",
        "en": "Index repaired: {missing} added, {stale} updated, {orphaned} removed.",
    },
    "index_built": {
        "id": "{count} dokumen diindeks dalam {seconds} detik ke {path}.",
        "en": "{count} documents indexed in {seconds} seconds into {path}.",
    },
    "content_errors": {
        "id": "{count} berkas bermasalah dilewati; jalankan 'pokja check' untuk rinciannya.",
        "en": "{count} files with problems skipped; run 'pokja check' for details.",
    },
    "no_content": {"id": "{path}: folder konten tidak ditemukan", "en": "{path}: no such content folder"},
    # Bad queries: shown on /cari and returned by /api/search with status 400.
    "query_too_long": {
        "id": "Kata pencarian terlalu panjang ({length} karakter); paling banyak {limit} karakter.",
        "en": "The search text is too long ({length} characters); at most {limit} characters.",
    },
    "query_control_chars": {
        "id": "Kata pencarian mengandung karakter kendali yang tidak diizinkan.",
        "en": "The search text contains control characters, which are not allowed.",
    },
    "query_unbalanced_quotes": {
        "id": 'Tanda kutip tidak berpasangan; tutup frasa dengan tanda kutip (").',
        "en": 'Unbalanced quotes; close the phrase with a quotation mark (").',
    },
    "unknown_filter_value": {
        "id": "Nilai saring '{value}' untuk '{name}' tidak dikenal.",
        "en": "Unknown filter value '{value}' for '{name}'.",
    },
    "too_many_filters": {
        "id": "Terlalu banyak saringan (paling banyak {limit}).",
        "en": "Too many filters (at most {limit}).",
    },
    "bad_page": {
        "id": "Nomor halaman '{value}' tidak sah; gunakan bilangan bulat mulai 1.",
        "en": "Page number '{value}' is not valid; use a whole number from 1.",
    },
    "page_out_of_range": {
        "id": "Halaman {page} tidak ada; hasil pencarian hanya {pages} halaman.",
        "en": "Page {page} does not exist; the results have only {pages} pages.",
    },
    "bad_sort": {
        "id": "Urutan '{value}' tidak dikenal; gunakan 'relevansi' atau 'tanggal'.",
        "en": "Unknown sort order '{value}'; use 'relevansi' or 'tanggal'.",
    },
    "not_found": {"id": "Halaman tidak ditemukan.", "en": "Page not found."},
    # The /cari page.
    "search_title": {"id": "Cari", "en": "Search"},
    "results_for": {"id": "{total} hasil untuk “{query}”", "en": "{total} results for “{query}”"},
    "results_all": {"id": "{total} dokumen", "en": "{total} documents"},
    "no_results": {"id": "Tidak ada dokumen yang cocok.", "en": "No matching documents."},
    "any_word": {
        "id": "Tidak ada dokumen yang memuat semua kata; ditampilkan dokumen yang memuat salah satunya.",
        "en": "No document contains every word; showing documents that contain any of them.",
    },
    "did_you_mean": {"id": "Maksud Anda", "en": "Did you mean"},
    "sort_label": {"id": "Urutkan", "en": "Sort"},
    "sort_relevance": {"id": "Relevansi", "en": "Relevance"},
    "sort_date": {"id": "Tanggal terbaru", "en": "Newest"},
    "facet_type": {"id": "Jenis", "en": "Type"},
    "facet_region": {"id": "Wilayah", "en": "Region"},
    "facet_year": {"id": "Tahun", "en": "Year"},
    "facet_tag": {"id": "Tag", "en": "Tag"},
    "facet_status": {"id": "Status", "en": "Status"},
    "clear_filters": {"id": "Hapus semua saringan", "en": "Clear all filters"},
    "remove_filter": {"id": "hapus saringan", "en": "remove filter"},
    "filter_results": {"id": "Saring hasil", "en": "Filter results"},
    "previous": {"id": "Sebelumnya", "en": "Previous"},
    "next": {"id": "Berikutnya", "en": "Next"},
    "page_of": {"id": "Halaman {page} dari {pages}", "en": "Page {page} of {pages}"},
    "search_button": {"id": "Cari", "en": "Search"},
    "contributed": {"id": "kontribusi anggota", "en": "member contribution"},
}


msg = Catalogue(CATALOGUE)
