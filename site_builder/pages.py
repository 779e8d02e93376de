"""Generated pages: type listings, tags, regions, open decisions, overdue guidelines, metadata panels.

Everything here reads the one content model (site_builder.content) and the schemas; the MkDocs plugin
(site_builder.plugin) turns each GeneratedPage into a page of the site.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import Any

import jinja2
import markupsafe

from .content import Corpus, Document
from .i18n import Catalogue
from .schemas import Field, Region, Schema

THEME_DIR = Path(__file__).resolve().parent / "theme"

# Where generated content goes into a rendered page: big tables skip the Markdown parser (10,000 rows
# of raw HTML through Python-Markdown would cost more than the rest of the page).
HTML_SLOT = '<div class="pokja-slot"></div>'

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
MONTHS = {
    "id": "Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember".split(),
    "en": "January February March April May June July August September October November December".split(),
}
# Fields every document has that the panel shows in its own header or not at all.
COMMON_SHOWN = ("date", "updated", "region", "tags")
COMMON_HIDDEN = {"title", "summary", "related", "lang", "example", "contribution", "attachments"}


ui = Catalogue(UI)


@dataclass
class GeneratedPage:
    """A page the build adds to the site: Markdown rendered by MkDocs like any page."""

    src_uri: str
    title: str
    markdown: str
    # Ready HTML put where HTML_SLOT stands in the rendered page (appended when there is no slot).
    html: str = ""

    @property
    def url(self) -> str:
        """The page's site URL (directory URLs)."""
        path = PurePosixPath(self.src_uri)
        if path.stem == "index":
            return "" if str(path.parent) == "." else f"{path.parent}/"
        return f"{path.with_suffix('')}/"

    def fingerprint(self) -> str:
        """What decides whether the page must be rebuilt."""
        import hashlib

        return hashlib.sha256(f"{self.title}\0{self.markdown}\0{self.html}".encode()).hexdigest()


@dataclass
class BuildContext:
    """What generators get: the corpus, the language, the day, and files to write verbatim."""

    corpus: Corpus
    lang: str = "id"
    today: dt.date = field(default_factory=dt.date.today)
    site_url: str = ""
    extra_files: dict[str, bytes] = field(default_factory=dict)
    # Rendered table rows by (document, page depth, columns); see doc_table.
    row_cache: dict[tuple[str, int, tuple[str, ...] | None], tuple[str, frozenset[str]]] = field(
        default_factory=dict, repr=False
    )

    @cached_property
    def backlinks(self) -> dict[str, list[Document]]:
        """Documents pointing at each slug, computed once."""
        return self.corpus.backlinks()

    @cached_property
    def by_slug(self) -> dict[str, Document]:
        """Documents by slug, computed once."""
        return self.corpus.by_slug

    @cached_property
    def by_province(self) -> dict[str, list[Document]]:
        """Documents per province code ("00" for national ones), newest first."""
        regions = self.corpus.refdata.regions
        out: dict[str, list[Document]] = {}
        for doc in sorted_docs(self.corpus.documents):
            codes = set()
            for code in doc.regions:
                region = regions.get(code)
                if region is not None:
                    codes.add(region.province_code or "00")
            for code in sorted(codes):
                out.setdefault(code, []).append(doc)
        return out

    @cached_property
    def by_tag(self) -> dict[str, list[Document]]:
        """Documents per tag, newest first."""
        out: dict[str, list[Document]] = {}
        for doc in sorted_docs(self.corpus.documents):
            for tag in dict.fromkeys(doc.tags):
                out.setdefault(tag, []).append(doc)
        return out


def sorted_docs(docs: Iterable[Document]) -> list[Document]:
    """Newest first; ties by type and slug so every build orders alike."""
    return sorted(docs, key=lambda d: (-d.date.toordinal(), d.type, d.slug))


# --- formatting ----------------------------------------------------------------------------------


def fmt_date(value: dt.date, lang: str = "id") -> str:
    """``1 Maret 2024``."""
    return f"{value.day} {MONTHS.get(lang, MONTHS['id'])[value.month - 1]} {value.year}"


def fmt_number(value: float, lang: str = "id", decimals: int | None = None) -> str:
    """A number with Indonesian separators (``1.500.000``, ``90,5``)."""
    if decimals is None:
        decimals = 0 if float(value).is_integer() else 2
    text = f"{value:,.{decimals}f}"
    if lang == "id":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def href(from_url: str, to_url: str) -> str:
    """A relative link from one site URL to another (directory URLs, both relative to the site root)."""
    # Up to the root, then down: no path arithmetic per link (hundreds of thousands at national scale).
    return ("../" * from_url.count("/") + to_url) or "./"


def doc_url(doc: Document) -> str:
    """A document's site URL (as Document.url, without path objects: it is asked for very often)."""
    return doc.rel_path.removesuffix(".md") + "/"


def region_url(region: Region) -> str:
    """The page listing a region's documents (a district's province page, at its anchor)."""
    if region.level == "nasional":
        return "wilayah/#nasional"
    if region.level == "provinsi":
        return f"wilayah/{region.code}/"
    return f"wilayah/{region.province}/"


def region_names(ctx: BuildContext, codes: Iterable[str]) -> str:
    """Region names joined."""
    regions = ctx.corpus.refdata.regions
    return ", ".join(regions[c].name if c in regions else c for c in codes)


def doc_sort_year(doc: Document) -> list[int]:
    """Years a row can be filtered by."""
    return doc.years


# --- the metadata panel --------------------------------------------------------------------------

_ENV: jinja2.Environment | None = None


def template_env() -> jinja2.Environment:
    """The Jinja environment of the panel and listing templates (autoescaped)."""
    global _ENV
    if _ENV is None:
        _ENV = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(THEME_DIR / "pokja")),
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
            undefined=jinja2.StrictUndefined,
            # Templates ship with the package: no stat() per render (tens of thousands at national scale).
            auto_reload=False,
        )
    return _ENV


Cell = str | tuple[str, str]  # plain text, or (href, text)


class PanelBuilder:
    """Turns one document's front-matter into panel entries, guided by its schema."""

    def __init__(self, ctx: BuildContext, doc: Document, page_url: str) -> None:
        self.ctx, self.doc, self.page_url = ctx, doc, page_url
        self.lang = ctx.lang
        self.refdata = ctx.corpus.refdata

    def link(self, url: str, text: str) -> tuple[str, str]:
        return (href(self.page_url, url), text)

    def scalar(self, spec: Field, value: Any) -> Cell:
        """One value as text or a link."""
        if value is None or value == "":
            return ""
        if spec.type == "date":
            return fmt_date(value, self.lang)
        if spec.type == "boolean":
            return ui("yes" if value else "no", self.lang)
        if spec.type in ("integer", "number"):
            return fmt_number(value, self.lang)
        if spec.type == "ref":
            return self.ref(spec.ref or "", str(value))
        return str(value)

    def ref(self, kind: str, value: str) -> Cell:
        if kind == "region" and value in self.refdata.regions:
            region = self.refdata.regions[value]
            return self.link(region_url(region), region.name)
        if kind == "tag" and value in self.refdata.tags:
            return self.link(f"tag/{value}/", self.refdata.tags[value].label_in(self.lang))
        if kind == "document" and value in self.ctx.by_slug:
            target = self.ctx.by_slug[value]
            return self.link(doc_url(target), target.title)
        if kind == "stakeholder_group" and value in self.refdata.groups:
            return self.refdata.groups[value].label_in(self.lang)
        if kind == "reference" and value in self.refdata.references:
            return self.refdata.references[value].label_in(self.lang)
        if kind == "indicator" and value in self.refdata.indicators:
            return self.refdata.indicators[value].name_in(self.lang)
        return value

    def entry(self, spec: Field, value: Any) -> dict[str, Any] | None:
        """The panel entry of one field, or None when it has no value."""
        special = getattr(self, f"field_{self.doc.type}_{spec.name}", None) or getattr(self, f"field_{spec.name}", None)
        if special is not None:
            return special(spec, value)
        label = spec.label_in(self.lang)
        if spec.type == "list":
            assert spec.items is not None
            if spec.items.type == "object":
                return {"label": label, "kind": "table", "value": self.table(spec.items, value)}
            cells = [self.scalar(spec.items, v) for v in value]
            kind = "inline" if spec.items.type == "ref" else "items"
            return {"label": label, "kind": kind, "value": cells}
        if spec.type == "object":
            parts = [
                f"{sub.label_in(self.lang)}: {self.text(self.scalar(sub, value[name]))}"
                for name, sub in spec.fields.items()
                if value.get(name) not in (None, "")
            ]
            return {"label": label, "kind": "text", "value": " · ".join(parts)}
        return {"label": label, "kind": "cell", "value": self.scalar(spec, value)}

    @staticmethod
    def text(cell: Cell) -> str:
        return cell[1] if isinstance(cell, tuple) else cell

    def table(self, spec: Field, rows: list[dict[str, Any]]) -> dict[str, Any]:
        columns = [name for name in spec.fields if any(r.get(name) not in (None, "") for r in rows)]
        return {
            "columns": [spec.fields[c].label_in(self.lang) for c in columns],
            "numeric": [spec.fields[c].type in ("integer", "number") for c in columns],
            "rows": [[self.scalar(spec.fields[c], r.get(c)) for c in columns] for r in rows],
        }

    # Type-specific presentations the generic one cannot give.

    def field_period(self, spec: Field, value: dict[str, Any]) -> dict[str, Any]:
        end = value.get("end")
        text = f"{value['start']}–{end}" if end and end != value["start"] else str(value["start"])
        return {"label": spec.label_in(self.lang), "kind": "cell", "value": text}

    def field_funding(self, spec: Field, value: list[dict[str, Any]]) -> dict[str, Any]:
        assert spec.items is not None
        fields = spec.items.fields
        rows = [
            [row["source"], f"Rp {fmt_number(row['amount_idr'], self.lang)}" if row.get("amount_idr") else ""]
            for row in value
        ]
        total = sum(row.get("amount_idr") or 0 for row in value)
        if len(value) > 1 and total:
            rows.append(["Total", f"Rp {fmt_number(total, self.lang)}"])
        table = {
            "columns": [fields["source"].label_in(self.lang), fields["amount_idr"].label_in(self.lang)],
            "numeric": [False, True],
            "rows": rows,
        }
        return {"label": spec.label_in(self.lang), "kind": "table", "value": table}

    def field_program_targets(self, spec: Field, value: list[dict[str, Any]]) -> dict[str, Any]:
        assert spec.items is not None
        f = spec.items.fields
        lang = self.lang
        rows = []
        for row in value:
            indicator = self.refdata.indicators.get(row["indicator"])
            unit = row.get("unit") or (indicator.unit if indicator else "")
            achievement = ""
            if row.get("realization") is not None and row.get("target"):
                achievement = fmt_number(100 * row["realization"] / row["target"], lang, decimals=1)

            def num(key: str, row: dict[str, Any] = row) -> str:
                return fmt_number(row[key], lang) if row.get(key) is not None else ""

            rows.append(
                [
                    self.scalar(f["indicator"], row["indicator"]),
                    self.scalar(f["region"], row["region"]),
                    str(row["year"]),
                    unit,
                    num("baseline"),
                    num("target"),
                    num("realization"),
                    achievement,
                ]
            )
        columns = [
            f["indicator"].label_in(lang),
            f["region"].label_in(lang),
            f["year"].label_in(lang),
            f["unit"].label_in(lang),
            f["baseline"].label_in(lang) if "baseline" in f else ui("baseline", lang),
            f["target"].label_in(lang),
            f["realization"].label_in(lang),
            ui("achievement", lang),
        ]
        table = {"columns": columns, "numeric": [False, False, False, False, True, True, True, True], "rows": rows}
        return {"label": spec.label_in(lang), "kind": "table", "value": table}

    def field_profil_members(self, spec: Field, value: list[dict[str, Any]]) -> dict[str, Any]:
        assert spec.items is not None
        f = spec.items.fields
        groups = []
        for group_id, group in self.refdata.groups.items():
            members = [m for m in value if m["stakeholder_group"] == group_id]
            if members:
                rows = [[m["role"], m["institution"]] for m in members]
                table = {
                    "columns": [f["role"].label_in(self.lang), f["institution"].label_in(self.lang)],
                    "numeric": [False, False],
                    "rows": rows,
                }
                groups.append({"label": group.label_in(self.lang), "table": table})
        return {"label": spec.label_in(self.lang), "kind": "groups", "value": groups}

    def entries(self) -> list[dict[str, Any]]:
        """Panel entries in schema order: the common header fields first, then the type's own."""
        schema: Schema = self.ctx.corpus.schemas[self.doc.type]
        meta = self.doc.meta
        names = [n for n in COMMON_SHOWN if n in schema.fields] + [
            n for n in schema.fields if n not in COMMON_SHOWN and n not in COMMON_HIDDEN
        ]
        if meta.get("attachments"):
            names.append("attachments")
        out = []
        for name in names:
            value = meta.get(name)
            if value is None or value == "" or value == []:
                continue
            if name == "updated" and value == meta.get("date"):
                continue
            entry = self.entry(schema.fields[name], value)
            if entry is not None:
                out.append(entry)
        return out

    def field_attachments(self, spec: Field, value: list[dict[str, Any]]) -> dict[str, Any]:
        base = PurePosixPath(self.doc.rel_path).parent
        cells = [self.link(str(base / a["file"]).removesuffix("/"), a["title"]) for a in value]
        # Attachments are static files: link to the file itself, not a directory URL.
        cells = [(h.rstrip("/"), text) for h, text in cells]
        return {"label": spec.label_in(self.lang), "kind": "items", "value": cells}


def doc_links(ctx: BuildContext, doc: Document, page_url: str) -> dict[str, list[tuple[str, str, str]]]:
    """Related documents and backlinks as (href, title, type label)."""

    def row(d: Document) -> tuple[str, str, str]:
        return (href(page_url, doc_url(d)), d.title, ctx.corpus.schemas[d.type].label_in(ctx.lang))

    related = [ctx.by_slug[s] for s in dict.fromkeys(doc.related) if s in ctx.by_slug]
    program = doc.meta.get("program")
    back = [d for d in ctx.backlinks.get(doc.slug, []) if d.slug != doc.slug]
    return {
        "related": [row(d) for d in related if d.slug != program],
        "backlinks": [row(d) for d in sorted_docs(back)],
    }


def cell_html(cell: Cell) -> str:
    """One cell as escaped HTML: text, or a link."""
    # html.escape and f-strings, not Markup.format: thousands of panels per build.
    if isinstance(cell, tuple):
        return f'<a href="{html.escape(cell[0])}">{html.escape(cell[1])}</a>'
    return html.escape(cell)


def table_html(table: dict[str, Any]) -> str:
    """A panel table (columns, numeric flags, rows of cells) as escaped HTML."""
    attr = [' class="pokja-num"' if n else "" for n in table["numeric"]]
    head = "".join(f"<th{attr[i]}>{html.escape(h)}</th>" for i, h in enumerate(table["columns"]))
    body = "".join(
        "<tr>" + "".join(f"<td{attr[i]}>{cell_html(c)}</td>" for i, c in enumerate(row)) + "</tr>\n"
        for row in table["rows"]
    )
    return f'<table class="pokja-table">\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}</tbody>\n</table>'


def _entry_html(entry: dict[str, Any]) -> markupsafe.Markup:
    """An entry's value as escaped HTML (every piece of text passes html.escape)."""
    kind, value = entry["kind"], entry["value"]
    if kind == "cell":
        out = cell_html(value)
    elif kind == "text":
        out = html.escape(value)
    elif kind == "inline":
        out = ", ".join(cell_html(c) for c in value)
    elif kind == "items":
        out = "<ul>" + "".join(f"<li>{cell_html(c)}</li>" for c in value) + "</ul>"
    elif kind == "table":
        out = table_html(value)
    else:
        out = "".join(
            f'<p class="pokja-group">{html.escape(group["label"])}</p>{table_html(group["table"])}' for group in value
        )
    return markupsafe.Markup(out)


def document_panel(ctx: BuildContext, doc: Document, page_url: str) -> str:
    """The metadata panel of one document page (HTML, every value escaped)."""
    builder = PanelBuilder(ctx, doc, page_url)
    contribution = doc.meta.get("contribution") or {}
    entries = [dict(e, html=_entry_html(e)) for e in builder.entries()]
    return (
        template_env()
        .get_template("panel.html")
        .render(
            doc=doc,
            summary=doc.summary,
            type_label=ctx.corpus.schemas[doc.type].label_in(ctx.lang),
            type_href=href(page_url, f"{doc.type}/"),
            entries=entries,
            contributed=ui("contributed", ctx.lang, name=contribution.get("contributor", "")) if contribution else "",
            example=ui("example", ctx.lang) if doc.example else "",
            heading=ui("metadata", ctx.lang),
        )
    )


def document_footer(ctx: BuildContext, doc: Document, page_url: str) -> str:
    """Related documents and "Dirujuk oleh" below the body."""
    links = doc_links(ctx, doc, page_url)
    if not links["related"] and not links["backlinks"]:
        return ""
    return (
        template_env()
        .get_template("links.html")
        .render(links=links, related_label=ui("related", ctx.lang), backlinks_label=ui("backlinks", ctx.lang))
    )


# --- generated pages -----------------------------------------------------------------------------


def listing_cell(ctx: BuildContext, doc: Document, column: str, page_url: str) -> Cell:
    """A listing column's value for one document."""
    meta = doc.meta
    value = meta.get(column)
    if column == "title":
        return (href(page_url, doc_url(doc)), doc.title)
    if value is None or value == "" or value == []:
        return ""
    if column == "region":
        return region_names(ctx, value)
    if column == "period":
        end = value.get("end")
        return f"{value['start']}–{end}" if end and end != value["start"] else str(value["start"])
    if column == "meeting":
        return " · ".join(str(v) for v in (value.get("kind"), value.get("place")) if v)
    if column == "contributor":
        return str(value.get("name", ""))
    spec = ctx.corpus.schemas[doc.type].fields[column]
    builder = PanelBuilder(ctx, doc, page_url)
    if spec.type == "list":
        assert spec.items is not None
        return ", ".join(PanelBuilder.text(builder.scalar(spec.items, v)) for v in value)
    return PanelBuilder.text(builder.scalar(spec, value))


def _doc_row(ctx: BuildContext, doc: Document, page_url: str, columns: list[str] | None) -> tuple[str, frozenset[str]]:
    """One table row as escaped HTML (built in Python, not Jinja: rows are the bulk of generated HTML)."""
    lang = ctx.lang
    refdata = ctx.corpus.refdata
    if columns is None:
        cells: list[Cell] = [
            (href(page_url, doc_url(doc)), doc.title),
            ctx.corpus.schemas[doc.type].label_in(lang),
            region_names(ctx, doc.regions),
            fmt_date(doc.date, lang),
        ]
    else:
        cells = [listing_cell(ctx, doc, c, page_url) for c in columns]
    provinces = frozenset(refdata.regions[c].province_code or "00" for c in doc.regions if c in refdata.regions)
    esc = html.escape
    tds = "".join(
        f'<td><a href="{esc(c[0])}">{esc(c[1])}</a></td>' if isinstance(c, tuple) else f"<td>{esc(c)}</td>"
        for c in cells
    )
    row = (
        f'<tr data-region="{esc(" ".join(sorted(provinces | set(doc.regions))))}"'
        f' data-tags="{esc(" ".join(doc.tags))}" data-years="{" ".join(str(y) for y in doc.years)}"'
        f' data-text="{esc(f"{doc.title} {doc.summary}".lower())}">{tds}</tr>\n'
    )
    return row, provinces


def doc_table(ctx: BuildContext, docs: list[Document], page_url: str, columns: list[str] | None = None) -> str:
    """A filterable table of documents: the schema's listing columns, or title/type/region/date."""
    lang = ctx.lang
    refdata = ctx.corpus.refdata
    schemas = ctx.corpus.schemas
    if columns is None:
        headers = [ui("title", lang), ui("type", lang), ui("region", lang), ui("date", lang)]
    else:
        fields = schemas[docs[0].type].fields if docs else {}
        headers = [fields[c].label_in(lang) if c in fields else c for c in columns]
    provinces_seen: set[str] = set()
    body = []
    depth = page_url.count("/")
    for doc in docs:
        # A row depends on the document, the page's depth and the columns only: tag and province
        # pages (all at depth 2) share it, so each document's row is built about once per build.
        key = (doc.rel_path, depth, tuple(columns) if columns else None)
        cached = ctx.row_cache.get(key)
        if cached is None:
            cached = ctx.row_cache[key] = _doc_row(ctx, doc, page_url, columns)
        row, provinces = cached
        provinces_seen |= provinces
        body.append(row)
    years = sorted({y for d in docs for y in d.years}, reverse=True)
    tags = sorted({t for d in docs for t in d.tags})
    provinces = [r for r in refdata.provinces() if r.code in provinces_seen]
    return (
        template_env()
        .get_template("table.html")
        .render(
            headers=headers,
            body=markupsafe.Markup("".join(body)),
            empty=ui("none", lang),
            filters=len(docs) > 1,
            provinces=[(r.code, r.name) for r in provinces],
            tags=[(t, refdata.tags[t].label_in(lang) if t in refdata.tags else t) for t in tags],
            years=years,
            ui={k: ui(k, lang) for k in ("filter", "filter_text", "filter_region", "filter_tag", "filter_year")}
            | {"filter_shown": ui("filter_shown", lang)},
            total=len(docs),
        )
    )


def type_listing(ctx: BuildContext, schema: Schema) -> GeneratedPage:
    """``<type>/``: every document of one type, the schema's listing columns, newest first."""
    page = GeneratedPage(f"{schema.type}/index.md", schema.plural_in(ctx.lang), "")
    docs = sorted_docs(ctx.corpus.of_type(schema.type))
    description = schema.description.get(ctx.lang) or schema.description.get("id") or ""
    count = ui("all_of_type", ctx.lang, count=len(docs))
    page.markdown = f"# {_md(page.title)}\n\n{_md(description)} {count}\n\n{HTML_SLOT}\n"
    page.html = doc_table(ctx, docs, page.url, list(schema.listing))
    return page


def listings(ctx: BuildContext) -> Iterable[GeneratedPage]:
    """One listing page per document type."""
    for schema in ctx.corpus.schemas.values():
        yield type_listing(ctx, schema)


def tag_pages(ctx: BuildContext) -> Iterable[GeneratedPage]:
    """``tag/``: every tag with its count; ``tag/<id>/``: its documents."""
    lang = ctx.lang
    tags = ctx.corpus.refdata.tags
    index = GeneratedPage("tag/index.md", ui("tags", lang), "")
    rows = [
        (href(index.url, f"tag/{tid}/"), tag.label_in(lang), len(ctx.by_tag.get(tid, []))) for tid, tag in tags.items()
    ]
    index.markdown = f"# {_md(index.title)}\n\n{ui('tags_intro', lang)}\n\n{HTML_SLOT}\n"
    index.html = (
        template_env().get_template("counts.html").render(rows=rows, headers=[ui("tags", lang), ui("count", lang)])
    )
    yield index
    for tid, tag in tags.items():
        label = tag.label_in(lang)
        docs = ctx.by_tag.get(tid, [])
        page = GeneratedPage(f"tag/{tid}.md", ui("tag_title", lang, label=label), "")
        intro = ui("tag_intro", lang, count=len(docs), label=label)
        page.markdown = f"# {_md(page.title)}\n\n{_md(intro)}\n\n{HTML_SLOT}\n"
        page.html = doc_table(ctx, docs, page.url)
        yield page


# Sections other areas add to the province pages: ``hook(ctx, region) -> Markdown``.
PROVINCE_SECTIONS: list[Callable[[BuildContext, Region], str]] = []


def province_page(ctx: BuildContext, region: Region) -> GeneratedPage:
    """``wilayah/<code>/``: a province's documents, then the sections other areas add."""
    lang = ctx.lang
    docs = ctx.by_province.get(region.code, [])
    page = GeneratedPage(f"wilayah/{region.code}.md", ui("province_title", lang, name=region.name), "")
    intro = ui("province_intro", lang, name=region.name, count=len(docs))
    page.html = doc_table(ctx, docs, page.url)
    page.markdown = f"# {_md(page.title)}\n\n{_md(intro)}\n\n{HTML_SLOT}\n\n"
    page.markdown += "".join(hook(ctx, region) for hook in PROVINCE_SECTIONS)
    return page


def region_pages(ctx: BuildContext) -> Iterable[GeneratedPage]:
    """``wilayah/``: provinces with counts and national documents; one page per province."""
    lang = ctx.lang
    index = GeneratedPage("wilayah/index.md", ui("regions", lang), "")
    provinces = ctx.corpus.refdata.provinces()
    rows = [(href(index.url, f"wilayah/{p.code}/"), p.name, len(ctx.by_province.get(p.code, []))) for p in provinces]
    counts = (
        template_env().get_template("counts.html").render(rows=rows, headers=[ui("province", lang), ui("count", lang)])
    )
    national = doc_table(ctx, ctx.by_province.get("00", []), index.url)
    index.markdown = f"# {_md(index.title)}\n\n{ui('regions_intro', lang)}\n\n{HTML_SLOT}\n"
    index.html = f'{counts}<h2 id="nasional">{html.escape(ui("national_docs", lang))}</h2>{national}'
    yield index
    for province in provinces:
        yield province_page(ctx, province)


def open_decisions(ctx: BuildContext) -> Iterable[GeneratedPage]:
    """``keputusan-terbuka/``: every decision with status terbuka, by due date (none last)."""
    lang = ctx.lang
    page = GeneratedPage("keputusan-terbuka/index.md", ui("open_decisions", lang), "")
    rows = []
    for doc in ctx.corpus.documents:
        if doc.type != "keputusan":
            continue
        for decision in doc.meta.get("decisions") or []:
            if decision.get("status") != "terbuka":
                continue
            due = decision.get("due")
            rows.append(
                {
                    "sort": (due or dt.date.max, doc.slug, decision.get("no", 0)),
                    "due": fmt_date(due, lang) if due else ui("no_due", lang),
                    "overdue": bool(due and due < ctx.today),
                    "text": str(decision.get("text", "")),
                    "owner": str(decision.get("owner") or ""),
                    "meeting": (href(page.url, doc_url(doc)), doc.title),
                    "region": region_names(ctx, doc.regions),
                }
            )
    rows.sort(key=lambda r: r["sort"])
    page.markdown = f"# {_md(page.title)}\n\n{ui('open_intro', lang, count=len(rows))}\n\n{HTML_SLOT}\n"
    page.html = (
        template_env()
        .get_template("decisions.html")
        .render(
            rows=rows,
            headers=[ui(k, lang) for k in ("due", "decision", "owner", "meeting", "region")],
            overdue=ui("overdue", lang),
            empty=ui("none", lang),
        )
    )
    yield page


def overdue_guidelines(ctx: BuildContext) -> Iterable[GeneratedPage]:
    """``pedoman-tinjau-ulang/``: guidelines past their review date (revoked ones excepted)."""
    lang = ctx.lang
    page = GeneratedPage("pedoman-tinjau-ulang/index.md", ui("review_title", lang), "")
    docs = [
        d
        for d in ctx.corpus.documents
        if d.type == "pedoman"
        and d.meta.get("review_by")
        and d.meta["review_by"] < ctx.today
        and d.meta.get("status") != "dicabut"
    ]
    docs.sort(key=lambda d: (d.meta["review_by"], d.slug))
    rows = [
        [
            (href(page.url, doc_url(d)), d.title),
            str(d.meta.get("issuer") or ""),
            str(d.meta.get("status") or ""),
            fmt_date(d.meta["review_by"], lang),
        ]
        for d in docs
    ]
    intro = ui("review_intro", lang, today=fmt_date(ctx.today, lang), count=len(docs))
    page.markdown = f"# {_md(page.title)}\n\n{intro}\n\n{HTML_SLOT}\n"
    page.html = (
        template_env()
        .get_template("simple_table.html")
        .render(
            headers=[ui(k, lang) for k in ("title", "issuer", "status", "review_by")], rows=rows, empty=ui("none", lang)
        )
    )
    yield page


def home_page(ctx: BuildContext) -> Iterable[GeneratedPage]:
    """The home page when content/index.md does not exist: sections and the newest documents."""
    if (ctx.corpus.root / "index.md").exists():
        return
    lang = ctx.lang
    page = GeneratedPage("index.md", ui("home", lang), "")
    sections = [
        (href("", f"{s.type}/"), s.plural_in(lang), len(ctx.corpus.of_type(s.type)))
        for s in ctx.corpus.schemas.values()
    ]
    sections += [
        (href("", "wilayah/"), ui("regions", lang), len(ctx.corpus.refdata.provinces())),
        (href("", "tag/"), ui("tags", lang), len(ctx.corpus.refdata.tags)),
    ]
    counts = (
        template_env()
        .get_template("counts.html")
        .render(rows=sections, headers=[ui("sections", lang), ui("count", lang)])
    )
    recent = sorted(ctx.corpus.documents, key=lambda d: (-d.updated.toordinal(), d.type, d.slug))[:10]
    page.html = counts + f"<h2>{html.escape(ui('recent', lang))}</h2>" + doc_table(ctx, recent, page.url)
    page.markdown = f"# Rumah Pengetahuan Pokja PKP\n\n{ui('home_intro', lang)}\n\n{HTML_SLOT}\n"
    yield page


def _md(text: str) -> str:
    """Escape text for a Markdown paragraph or heading (no markup from titles)."""
    escaped = html.escape(text, quote=False)
    for ch in "\\`*_[]#!|":
        escaped = escaped.replace(ch, "\\" + ch)
    return escaped


# The generators the plugin runs, in order. Other areas append theirs here.
GENERATORS: list[Callable[[BuildContext], Iterable[GeneratedPage]]] = [
    home_page,
    listings,
    tag_pages,
    region_pages,
    open_decisions,
    overdue_guidelines,
]

# The dashboard appends its generator and province section to the lists above (it imports this module).
from . import dashboard  # noqa: E402, F401
