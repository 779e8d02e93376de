"""The metadata panel of a document page, its related links, and the cells of panels and listings.

``PanelBuilder.scalar`` is the one function that turns one scalar field value into a cell; the panel,
its tables and the listing columns (``listing_cell``) all go through it.
"""

from __future__ import annotations

import html
from pathlib import PurePosixPath
from typing import Any

import markupsafe

from .attachment_info import describe_all
from .content import Document
from .context import BuildContext, region_names, sorted_docs, templates
from .fields import CellContext, kind_of
from .formatting import doc_url, fmt_date, fmt_number, href, listing_src, src_url
from .i18n import _
from .schemas import Field, Schema

# Fields every document has that the panel shows in its own header or not at all.
COMMON_SHOWN = ("date", "updated", "region", "tags")
COMMON_HIDDEN = {"title", "summary", "related", "lang", "example", "contribution", "attachments"}


Cell = str | tuple[str, str]  # plain text, or (href, text)


class PanelBuilder:
    """Turns one document's front-matter into panel entries, guided by its schema."""

    def __init__(self, ctx: BuildContext, doc: Document, page_url: str) -> None:
        self.ctx, self.doc, self.page_url = ctx, doc, page_url
        self.lang = ctx.lang
        self.refdata = ctx.corpus.refdata
        self.cells = CellContext(self.refdata, ctx.by_slug, self.lang)

    def link(self, url: str, text: str) -> tuple[str, str]:
        """A link cell to a site URL, relative to the panel's page."""
        return (href(self.page_url, url), text)

    def scalar(self, spec: Field, value: Any) -> Cell:
        """One value as text or a link: the field type's own display (site_builder.fields)."""
        if value is None or value == "":
            return ""
        cell = kind_of(spec).cell(spec, value, self.cells)
        return self.link(*cell) if isinstance(cell, tuple) else cell

    def entry(self, spec: Field, value: Any) -> dict[str, Any] | None:
        """The panel entry of one field, or None when it has no value."""
        special = getattr(self, f"field_{self.doc.type}_{spec.name}", None) or getattr(self, f"field_{spec.name}", None)
        if special is not None:
            return special(spec, value)
        label = spec.label_in(self.lang)
        shape = kind_of(spec).panel_shape(spec)
        if shape == "table":
            assert spec.items is not None
            return {"label": label, "kind": "table", "value": self.table(spec.items, value)}
        if shape in ("items", "inline"):
            assert spec.items is not None
            return {"label": label, "kind": shape, "value": [self.scalar(spec.items, v) for v in value]}
        if shape == "text":
            parts = [
                f"{sub.label_in(self.lang)}: {self.text(self.scalar(sub, value[name]))}"
                for name, sub in spec.fields.items()
                if value.get(name) not in (None, "")
            ]
            return {"label": label, "kind": "text", "value": " · ".join(parts)}
        return {"label": label, "kind": "cell", "value": self.scalar(spec, value)}

    @staticmethod
    def text(cell: Cell) -> str:
        """A cell's text, without its link."""
        return cell[1] if isinstance(cell, tuple) else cell

    def table(self, spec: Field, rows: list[dict[str, Any]]) -> dict[str, Any]:
        """A list of objects as a panel table: the columns that have a value in some row."""
        columns = [name for name in spec.fields if any(r.get(name) not in (None, "") for r in rows)]
        return {
            "columns": [spec.fields[c].label_in(self.lang) for c in columns],
            "numeric": [kind_of(spec.fields[c]).numeric for c in columns],
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
            f["baseline"].label_in(lang) if "baseline" in f else _("baseline", lang),
            f["target"].label_in(lang),
            f["realization"].label_in(lang),
            _("achievement", lang),
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
        # Each file with its type, size, pages and date, and a scan said so (site_builder/attachment_info.py).
        described = {d["file"]: d for d in describe_all(self.doc, self.lang)}
        rows = []
        for a in value:
            # Attachments are static files: link to the file itself, not a directory URL.
            href_, text = self.link(str(base / a["file"]).removesuffix("/"), a["title"])
            info = described.get(a["file"], {})
            rows.append(((href_.rstrip("/"), text), info.get("facts", ""), info.get("note", "")))
        return {"label": spec.label_in(self.lang), "kind": "files", "value": rows}


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
    elif kind == "files":
        out = "<ul>" + "".join(
            f'<li>{cell_html(c)} <span class="pokja-file">{html.escape(facts)}</span>'
            + (f' <span class="pokja-file-note">{html.escape(note)}</span>' if note else "")
            + "</li>"
            for c, facts, note in value
        )
        out += "</ul>"
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
        templates()
        .get_template("panel.html")
        .render(
            doc=doc,
            summary=doc.summary,
            type_label=ctx.corpus.schemas[doc.type].label_in(ctx.lang),
            type_href=href(page_url, src_url(listing_src(doc.type))),
            entries=entries,
            contributed=_("contributed", ctx.lang, name=contribution.get("contributor", "")) if contribution else "",
            example=_("example", ctx.lang) if doc.example else "",
            heading=_("metadata", ctx.lang),
            # The service's follow form on the same origin ("Ikuti dokumen ini"; login first when needed).
            follow_label=_("mail.follow_title", ctx.lang),
            follow_href=f"/akun/ikuti?doc={doc.type}/{doc.slug}",
            report_label=_("report.link", ctx.lang),
            report_links=report_links(doc),
        )
    )


def report_links(doc: Document) -> list[tuple[str, str]]:
    """(address, year) of the service's yearly realisation report of each target year (/laporan/<slug>/<year>)."""
    years = sorted({int(r["year"]) for r in doc.meta.get("targets") or [] if r.get("year")})
    return [(f"/laporan/{doc.slug}/{year}", str(year)) for year in years]


def document_footer(ctx: BuildContext, doc: Document, page_url: str) -> str:
    """Related documents and "Dirujuk oleh" below the body."""
    links = doc_links(ctx, doc, page_url)
    # The wiki line: when and by whom it last changed (git), "Sunting halaman ini" and "Riwayat" (the service).
    address = doc.rel_path.removesuffix(".md")
    changed = ctx.last_changes.get(doc.rel_path)
    wiki = {
        "edit": f"/sunting/{address}",
        "history": f"/riwayat/{address}",
        "changed": _("wiki_last_changed", ctx.lang, date=fmt_date(changed.date.date(), ctx.lang), name=changed.author)
        if changed is not None
        else "",
    }
    return (
        templates()
        .get_template("links.html")
        .render(
            links=links,
            wiki=wiki,
            related_label=_("related", ctx.lang),
            backlinks_label=_("backlinks", ctx.lang),
            edit_label=_("wiki_edit", ctx.lang),
            history_label=_("wiki_history", ctx.lang),
        )
    )


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
    return PanelBuilder.text(PanelBuilder(ctx, doc, page_url).scalar(spec, value))
