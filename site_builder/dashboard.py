"""Dashboard pages: national results (``dasbor/``), the alignment matrix, and a section for each province page.

Registers itself in site_builder.pages (``GENERATORS`` and ``PROVINCE_SECTIONS``) when imported;
pages.py imports it at its end. The open-data files (site_builder.exports) are written with the site
through ``BuildContext.extra_files``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from . import exports
from .aggregate import COVERED_BY_NATION, COVERED_BY_PROVINCE, NO_BASE, Aggregate, Aggregation, aggregate_corpus
from .charts import (
    CHART_CSS,
    CHART_CSS_PATH,
    YearBars,
    chart_block,
    data_table,
    esc,
    ranking_chart,
    stylesheet_link,
    year_bar_chart,
)
from .content import Document
from .i18n import Catalogue
from .pages import (
    GENERATORS,
    PROVINCE_SECTIONS,
    BuildContext,
    GeneratedPage,
    _md,
    fmt_date,
    fmt_number,
    href,
    region_url,
)
from .schemas import Indicator, Region

DASHBOARD_URL = "dasbor/"
MATRIX_URL = "dasbor/matriks-keselarasan/"

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


def aggregation_of(ctx: BuildContext) -> Aggregation:
    """The corpus' aggregation, computed once per build context (province sections ask 38 times)."""
    return _cached(ctx, "aggregation", lambda: aggregate_corpus(ctx.corpus))


# --- number formatting (Indonesian on pages; exports keep machine numbers) -------------------------


def fmt_figure(value: float | None, lang: str = "id") -> str:
    """``1.234,5``: up to two decimals, none for whole numbers; "–" for no value."""
    if value is None:
        return "–"
    decimals = 0 if float(value).is_integer() else (1 if round(value, 1) == round(value, 2) else 2)
    return fmt_number(value, lang, decimals)


def fmt_pct(value: float | None, lang: str = "id") -> str:
    """``104,3 %``."""
    return "–" if value is None else f"{fmt_figure(value, lang)}\u00a0%"


# --- building blocks -------------------------------------------------------------------------------


def _aggregation_text(indicator: Indicator, lang: str) -> str:
    if indicator.aggregation == "weighted_mean":
        base = indicator.base.get(lang) or indicator.base.get("id") or "basis"
        return dui("aggregation_weighted_mean", lang, base=base)
    return dui("aggregation_sum", lang)


def _note(a: Aggregate, lang: str) -> str:
    notes = []
    if not a.reported:
        notes.append(dui("not_reported", lang))
    elif a.rows_reported < a.rows:
        notes.append(dui("partial", lang, reported=a.rows_reported, rows=a.rows))
    if a.level != "kabkota":
        source = {"kabkota": "from_districts", "provinsi": "from_provinces" if a.level == "nasional" else "own_figure"}
        notes.append(dui(source.get(a.source_level, "own_figure"), lang))
    if a.example:
        notes.append(dui("example", lang))
    return "; ".join(notes)


def _realization_cell(a: Aggregate, lang: str) -> str:
    return esc(fmt_figure(a.realization, lang)) if a.reported else esc(dui("not_reported", lang))


def years_block(ctx: BuildContext, indicator: Indicator, region: Region, cells: list[Aggregate], chart_id: str) -> str:
    """Chart of target vs realisation by year for one region, and its table."""
    lang = ctx.lang
    name = indicator.name_in(lang)
    bars = [YearBars(a.year, a.target, a.realization) for a in cells]
    points = "; ".join(
        dui(
            "chart_point",
            lang,
            year=a.year,
            target=fmt_figure(a.target, lang),
            realization=fmt_figure(a.realization, lang) if a.reported else dui("not_reported", lang),
        )
        for a in cells
    )
    labels = {
        "target": dui("target", lang),
        "realization": dui("realization", lang),
        "not_reported_short": dui("not_reported_short", lang),
    }
    svg = year_bar_chart(
        chart_id,
        dui("chart_years_title", lang, name=name, region=region.name),
        dui("chart_years_desc", lang, points=points),
        bars,
        lambda v: fmt_figure(v, lang),
        labels,
    )
    headers = [
        dui("year", lang),
        f"{dui('target', lang)} ({indicator.unit})",
        f"{dui('realization', lang)} ({indicator.unit})",
        dui("achievement", lang),
        dui("rows_reported", lang),
        dui("notes", lang),
    ]
    rows = [
        [
            str(a.year),
            esc(fmt_figure(a.target, lang)),
            _realization_cell(a, lang),
            esc(fmt_pct(a.achievement_pct, lang)),
            f"{a.rows_reported}/{a.rows}",
            esc(_note(a, lang)),
        ]
        for a in cells
    ]
    caption = dui("table_years", lang, name=name, region=region.name, unit=indicator.unit)
    table = data_table(caption, headers, rows, [False, True, True, True, True, False], f"{chart_id}-data")
    return chart_block(svg, table)


def ranking_block(ctx: BuildContext, indicator: Indicator, year: int, page_url: str, chart_id: str) -> str:
    """Provinces ranked by achievement in ``year``: chart and table."""
    lang = ctx.lang
    regions = ctx.corpus.refdata.regions
    agg = aggregation_of(ctx)
    ranked = agg.ranking(indicator.id, year)
    name = indicator.name_in(lang)
    items = [(regions[a.region].name, a.achievement_pct) for a in ranked]
    points = "; ".join(
        f"{label} {fmt_pct(v, lang) if v is not None else dui('not_reported', lang)}" for label, v in items
    )
    svg = ranking_chart(
        chart_id,
        dui("chart_rank_title", lang, name=name, year=year),
        dui("chart_rank_desc", lang, points=points),
        items,
        lambda v: fmt_pct(v, lang),
        dui("not_reported", lang),
    )
    rows = []
    rank = 0
    for a in ranked:
        rank += 1 if a.achievement_pct is not None else 0
        region = regions[a.region]
        link = f'<a href="{esc(href(page_url, region_url(region)))}">{esc(region.name)}</a>'
        rows.append(
            [
                str(rank) if a.achievement_pct is not None else "–",
                link,
                esc(fmt_figure(a.target, lang)),
                _realization_cell(a, lang),
                esc(fmt_pct(a.achievement_pct, lang)),
                esc(_note(a, lang)),
            ]
        )
    headers = [
        dui("rank", lang),
        dui("province", lang),
        f"{dui('target', lang)} ({indicator.unit})",
        f"{dui('realization', lang)} ({indicator.unit})",
        dui("achievement", lang),
        dui("notes", lang),
    ]
    table = data_table(
        dui("table_rank", lang, name=name, year=year),
        headers,
        rows,
        [True, False, True, True, True, False],
        f"{chart_id}-data",
    )
    return chart_block(svg, table)


def _reason_text(reason: str, lang: str) -> str:
    return dui(reason, lang) if reason in DASHBOARD_UI else reason


def open_data_markdown(lang: str, page_url: str) -> str:
    """The open-data section: file links and the data dictionary, from ``exports.DATA_DICTIONARY``."""
    parts = [f"## {dui('open_data', lang)}\n\n<p>{esc(dui('open_data_intro', lang))}</p>\n\n"]
    rows = []
    for name, (title, _columns) in exports.DATA_DICTIONARY.items():
        links = " · ".join(
            f'<a href="{esc(href(page_url, f"{exports.DATA_DIR}/{name}.{ext}"))}" download>{ext.upper()}</a>'
            for ext in ("csv", "json")
        )
        rows.append([f"<code>{esc(name)}</code>", esc(title), links])
    parts.append(
        data_table(
            dui("open_data", lang), [dui("file", lang), dui("description", lang), "CSV / JSON"], rows, [False] * 3
        )
    )
    parts.append(f"\n\n### {dui('dictionary', lang)}\n\n")
    seen: set[int] = set()
    for columns in (c for _title, c in exports.DATA_DICTIONARY.values()):
        if id(columns) in seen:
            continue
        seen.add(id(columns))
        users = [n for n, (_t, c) in exports.DATA_DICTIONARY.items() if c is columns]
        caption = ", ".join(f"{n}.csv/.json" for n in users)
        rows = [[f"<code>{esc(c.name)}</code>", esc(c.type), esc(c.description)] for c in columns]
        parts.append(
            data_table(caption, [dui("column", lang), dui("type", lang), dui("description", lang)], rows, [False] * 3)
        )
        parts.append("\n\n")
    return "".join(parts)


# --- pages -----------------------------------------------------------------------------------------


def dashboard_page(ctx: BuildContext) -> GeneratedPage:
    """``dasbor/``: per indicator, national target vs realisation by year and provinces by achievement."""
    lang = ctx.lang
    agg = aggregation_of(ctx)
    refdata = ctx.corpus.refdata
    page = GeneratedPage("dasbor/index.md", dui("title", lang), "")
    parts = [f"# {_md(page.title)}\n\n{stylesheet_link(page.url)}\n\n{_md(dui('intro', lang))}\n\n"]
    if any(a.example for a in agg.aggregates):
        parts.append(f'!!! note "{dui("example", lang).capitalize()}"\n\n    {_md(dui("examples", lang))}\n\n')
    parts.append(dui("matrix_link", lang, url="matriks-keselarasan.md") + "\n\n")
    indicators = agg.indicators_with_data()
    if not indicators:
        parts.append(f"{_md(dui('no_data', lang))}\n\n")
    national = refdata.regions["00"]
    for ind_id in indicators:
        indicator = refdata.indicators[ind_id]
        parts.append(f"## {_md(indicator.name_in(lang))}\n\n")
        how = _aggregation_text(indicator, lang)
        parts.append(f"{_md(dui('indicator_line', lang, unit=indicator.unit, how=how))}\n\n")
        parts.append(f"### {_md(dui('national_heading', lang))}\n\n")
        parts.append(years_block(ctx, indicator, national, agg.at("nasional", ind_id), f"nasional-{ind_id}") + "\n\n")
        year = agg.ranking_year(ind_id)
        if year is None:
            parts.append(f"{_md(dui('ranking_none', lang))}\n\n")
        else:
            parts.append(f"### {_md(dui('ranking_heading', lang, year=year))}\n\n")
            parts.append(ranking_block(ctx, indicator, year, page.url, f"peringkat-{ind_id}") + "\n\n")
    parts.append(f"## {dui('rule_heading', lang)}\n\n{dui('rule', lang)}\n\n")
    parts.append(open_data_markdown(lang, page.url))
    page.markdown = "".join(parts)
    return page


def matrix_page(ctx: BuildContext) -> GeneratedPage:
    """``dasbor/matriks-keselarasan/``: programmes × planning references (content/_data/rujukan.yml)."""
    lang = ctx.lang
    refs = ctx.corpus.refdata.references
    indicators = ctx.corpus.refdata.indicators
    page = GeneratedPage("dasbor/matriks-keselarasan.md", dui("matrix_title", lang), "")
    programmes = sorted(ctx.corpus.of_type("program"), key=lambda d: (d.title.casefold(), d.slug))
    parts = [f"# {_md(page.title)}\n\n{_md(dui('matrix_intro', lang))}\n\n"]
    if not programmes:
        parts.append(f"{_md(dui('no_programmes', lang))}\n\n")
    else:
        headers = [dui("programme", lang)] + [r.label_in(lang) for r in refs.values()] + [dui("indicators", lang)]
        rows = []
        counts = dict.fromkeys(refs, 0)
        aligned_cell = f'<span aria-hidden="true">✓</span> {esc(dui("aligned", lang))}'
        for doc in programmes:
            alignment = set(doc.meta.get("alignment") or [])
            for ref_id in alignment & set(refs):
                counts[ref_id] += 1
            inds = dict.fromkeys(t.get("indicator") for t in doc.meta.get("targets") or [])
            ind_names = ", ".join(indicators[i].name_in(lang) for i in inds if i in indicators)
            link = f'<a href="{esc(href(page.url, doc.url))}">{esc(doc.title)}</a>'
            rows.append([link] + [aligned_cell if r in alignment else "" for r in refs] + [esc(ind_names)])
        rows.append([esc(dui("total", lang))] + [str(counts[r]) for r in refs] + [""])
        numeric = [False] + [False] * len(refs) + [False]
        parts.append(data_table(dui("matrix_caption", lang), headers, rows, numeric, "matriks-keselarasan") + "\n\n")
    parts.append(f"## {dui('references', lang)}\n\n")
    items = "".join(
        f"<dt>{esc(r.label_in(lang))}</dt><dd>{esc(r.description.get(lang) or r.description.get('id') or '')}</dd>"
        for r in refs.values()
    )
    parts.append(f"<dl>{items}</dl>\n\n")
    parts.append(dui("back_to_dashboard", lang, url="index.md") + "\n")
    page.markdown = "".join(parts)
    return page


def dashboard_pages(ctx: BuildContext) -> Iterable[GeneratedPage]:
    """The dashboard and the alignment matrix; puts the open-data files into the build."""
    agg = aggregation_of(ctx)
    ctx.extra_files.update(exports.export_files(agg, ctx.corpus.refdata))
    ctx.extra_files[CHART_CSS_PATH] = CHART_CSS.encode("utf-8")
    yield dashboard_page(ctx)
    yield matrix_page(ctx)


# --- the province section --------------------------------------------------------------------------


def _cached(ctx: BuildContext, key: str, make: Any) -> Any:
    """A value computed once per build context and corpus."""
    store = vars(ctx).setdefault("_pokja_dashboard", {})
    cached = store.get(key)
    if cached is None or cached[0] is not ctx.corpus:
        cached = (ctx.corpus, make())
        store[key] = cached
    return cached[1]


def _by_province(ctx: BuildContext, doc_type: str) -> dict[str, list[Document]]:
    """Documents of one type per province they are about (a programme also by its target rows)."""

    def make() -> dict[str, list[Document]]:
        regions = ctx.corpus.refdata.regions
        out: dict[str, list[Document]] = {}
        for doc in ctx.corpus.of_type(doc_type):
            codes = set(doc.regions) | {str(t.get("region")) for t in doc.meta.get("targets") or []}
            provinces = {regions[c].province_code for c in codes if c in regions}
            for province in provinces - {None}:
                out.setdefault(str(province), []).append(doc)
        return out

    return _cached(ctx, f"by-province-{doc_type}", make)


def _programmes_in(ctx: BuildContext, province: str) -> list[Document]:
    return sorted(_by_province(ctx, "program").get(province, []), key=lambda d: (d.title.casefold(), d.slug))


def _profiles_in(ctx: BuildContext, province: str) -> list[Document]:
    docs = _by_province(ctx, "profil").get(province, [])
    # the province's own Pokja first, then its districts'
    return sorted(docs, key=lambda d: (d.meta.get("level") != "provinsi", d.title.casefold(), d.slug))


def _left_out(ctx: BuildContext) -> dict[tuple[str, str], list[Any]]:
    """District rows left out of their province's figure, by (indicator, province)."""

    def make() -> dict[tuple[str, str], list[Any]]:
        out: dict[tuple[str, str], list[Any]] = {}
        for r in aggregation_of(ctx).rows:
            if r.level == "kabkota" and r.not_counted:
                out.setdefault((r.indicator, r.province or ""), []).append(r)
        return out

    return _cached(ctx, "left-out", make)


def _district_table(ctx: BuildContext, indicator: Indicator, province: Region, table_id: str) -> str:
    lang = ctx.lang
    agg = aggregation_of(ctx)
    regions = ctx.corpus.refdata.regions
    reasons: dict[tuple[str, int], set[str]] = {}
    for r in _left_out(ctx).get((indicator.id, province.code), []):
        reasons.setdefault((r.region, r.year), set()).add(r.not_counted)
    cells = [a for a in agg.at("kabkota", indicator.id) if regions[a.region].province == province.code]
    if not cells:
        return ""
    rows = []
    for a in sorted(cells, key=lambda a: (a.region, a.year)):
        notes = [_reason_text(x, lang) for x in sorted(reasons.get((a.region, a.year), ()))]
        note = "; ".join(filter(None, [_note(a, lang), *notes]))
        rows.append(
            [
                esc(regions[a.region].name),
                str(a.year),
                esc(fmt_figure(a.target, lang)),
                _realization_cell(a, lang),
                esc(fmt_pct(a.achievement_pct, lang)),
                esc(note),
            ]
        )
    headers = [
        dui("district", lang),
        dui("year", lang),
        f"{dui('target', lang)} ({indicator.unit})",
        f"{dui('realization', lang)} ({indicator.unit})",
        dui("achievement", lang),
        dui("notes", lang),
    ]
    caption = dui("district_detail", lang, name=indicator.name_in(lang))
    table = data_table(caption, headers, rows, [False, False, True, True, True, False], table_id)
    return f'<div class="pokja-listing">{table}</div>'


def province_section(ctx: BuildContext, region: Region) -> str:
    """Markdown for a province page: its indicators (charts and tables), its programmes, its Pokja profile."""
    lang = ctx.lang
    agg = aggregation_of(ctx)
    page_url = region_url(region)
    refdata = ctx.corpus.refdata
    parts = [f"## {_md(dui('province_results', lang))}\n\n{stylesheet_link(page_url)}\n\n"]
    indicators = [i for i in refdata.indicators if agg.at("provinsi", i, region.code)]
    if not indicators:
        parts.append(f"{_md(dui('province_no_targets', lang))}\n\n")
    for ind_id in indicators:
        indicator = refdata.indicators[ind_id]
        parts.append(f"### {_md(indicator.name_in(lang))}\n\n")
        how = _aggregation_text(indicator, lang)
        parts.append(f"{_md(dui('indicator_line', lang, unit=indicator.unit, how=how))}\n\n")
        cells = agg.at("provinsi", ind_id, region.code)
        parts.append(years_block(ctx, indicator, region, cells, f"provinsi-{region.code}-{ind_id}") + "\n\n")
        detail = _district_table(ctx, indicator, region, f"kabkota-{region.code}-{ind_id}")
        if detail:
            parts.append(detail + "\n\n")
    # a link to the source file: MkDocs resolves and checks it (the province page is wilayah/<code>.md)
    parts.append(dui("see_dashboard", lang, url="../dasbor/index.md") + "\n\n")

    parts.append(f"## {_md(dui('province_programmes', lang))}\n\n")
    programmes = _programmes_in(ctx, region.code)
    if not programmes:
        parts.append(f"{_md(dui('province_no_programmes', lang))}\n\n")
    else:
        rows = []
        for doc in programmes:
            period = doc.meta.get("period") or {}
            inds = dict.fromkeys(t.get("indicator") for t in doc.meta.get("targets") or [])
            rows.append(
                [
                    f'<a href="{esc(href(page_url, doc.url))}">{esc(doc.title)}</a>',
                    esc(doc.meta.get("lead_agency") or ""),
                    esc(f"{period.get('start', '')}–{period.get('end', '')}"),
                    esc(doc.meta.get("status") or ""),
                    esc(", ".join(refdata.indicators[i].name_in(lang) for i in inds if i in refdata.indicators)),
                ]
            )
        headers = [dui(k, lang) for k in ("programme", "lead_agency", "period", "status", "indicators")]
        table = data_table(dui("province_programmes", lang), headers, rows, [False] * 5)
        parts.append(f'<div class="pokja-listing">{table}</div>\n\n')

    parts.append(f"## {_md(dui('province_profile', lang))}\n\n")
    profiles = _profiles_in(ctx, region.code)
    if not profiles:
        parts.append(f"{_md(dui('province_no_profile', lang))}\n\n")
    items = []
    for doc in profiles:
        sk = doc.meta.get("sk") or {}
        lines = [f'<a href="{esc(href(page_url, doc.url))}">{esc(doc.title)}</a>']
        if sk:
            date = fmt_date(sk["date"], lang) if sk.get("date") else "–"
            lines.append(esc(dui("sk", lang, number=sk.get("number", "–"), date=date, issuer=sk.get("issuer", "–"))))
        members = doc.meta.get("members") or []
        if members:
            counts: dict[str, int] = {}
            for m in members:
                counts[m.get("stakeholder_group", "")] = counts.get(m.get("stakeholder_group", ""), 0) + 1
            groups = ", ".join(
                f"{refdata.groups[g].label_in(lang) if g in refdata.groups else g} {n}" for g, n in counts.items()
            )
            lines.append(esc(dui("members", lang, count=len(members), groups=groups)))
        if doc.example:
            lines.append(esc(dui("example", lang)))
        items.append(f"<li>{'<br>'.join(lines)}</li>")
    if items:
        parts.append(f"<ul>{''.join(items)}</ul>\n\n")
    return "".join(parts)


# Register with the page generators (pages.py imports this module at its end).
if dashboard_pages not in GENERATORS:
    GENERATORS.append(dashboard_pages)
if province_section not in PROVINCE_SECTIONS:
    PROVINCE_SECTIONS.append(province_section)
