"""A Word document (.docx) as a content document: headings, lists, tables, bold, italic, links, images.

``convert`` reads the file with python-docx and gives Markdown, the title (its first heading) and the
images; ``import_docx`` writes ``content/<type>/<slug>.md`` and the images into ``<type>/lampiran/``.
What a Word file cannot say (the type's required fields) is left out, so ``pokja check`` names it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

from .frontmatter import document_text, slugify
from .i18n import N_

# Limits: an archive or image over them is refused or skipped with a message (never loaded whole).
MAX_UNPACKED = 200 * 1024 * 1024
MAX_IMAGE_BYTES = 10 * 1024 * 1024
IMAGE_TYPES = {"png", "jpeg", "jpg", "gif", "webp", "svg"}
_SAFE_LINK = re.compile(r"^(https?://|mailto:)", re.I)
_ESCAPE = re.compile(r"([\\`*_\[\]<>|])")
_HEADING = re.compile(r"^(?:Heading|Judul)\s*(\d)$", re.I)


class ImportRefused(Exception):
    """A file that cannot be imported, with a message key and its parameters."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key, self.params = key, params


@dataclasses.dataclass
class Converted:
    """What a .docx gave: title, Markdown body, images (name -> bytes) and notes (message key, params)."""

    title: str
    body: str
    images: dict[str, bytes] = dataclasses.field(default_factory=dict)
    notes: list[tuple[str, dict[str, Any]]] = dataclasses.field(default_factory=list)


def _escape(text: str) -> str:
    return _ESCAPE.sub(r"\\\1", text)


def _styled(text: str, bold: bool, italic: bool) -> str:
    """``text`` with bold/italic markers inside its surrounding spaces (``** a**`` is no emphasis)."""
    core = text.strip()
    if not core or not (bold or italic):
        return text
    mark = ("**" if bold else "") + ("*" if italic else "")
    lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
    return f"{lead}{mark}{core}{mark[::-1]}{trail}"


class _Converter:
    """One pass over the body of one .docx."""

    def __init__(self, document: Any, image_prefix: str, keep_images: bool) -> None:
        self.doc = document
        self.prefix = image_prefix
        self.keep_images = keep_images
        self.images: dict[str, bytes] = {}
        self.notes: list[tuple[str, dict[str, Any]]] = []
        self.skipped_images = 0
        self.formats = self._numbering_formats()

    def _numbering_formats(self) -> dict[tuple[str, str], str]:
        """(numId, ilvl) -> numFmt ("bullet", "decimal", ...) from the numbering part."""
        from docx.oxml.ns import qn

        try:
            numbering = self.doc.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return {}
        abstract = {}
        for node in numbering.iter(qn("w:abstractNum")):
            levels = {lvl.get(qn("w:ilvl")): lvl.find(qn("w:numFmt")) for lvl in node.iter(qn("w:lvl"))}
            abstract[node.get(qn("w:abstractNumId"))] = {
                k: (v.get(qn("w:val")) if v is not None else "bullet") for k, v in levels.items()
            }
        out = {}
        for num in numbering.iter(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            for ilvl, fmt in abstract.get(ref.get(qn("w:val")) if ref is not None else "", {}).items():
                out[(num.get(qn("w:numId")), ilvl)] = fmt
        return out

    def inline(self, paragraph: Any) -> str:
        """A paragraph's runs and links as Markdown inline text; its images saved."""
        from docx.text.hyperlink import Hyperlink

        parts: list[str] = []
        for item in paragraph.iter_inner_content():
            if isinstance(item, Hyperlink):
                text = _escape(item.text)
                address = item.address or ""
                parts.append(f"[{text}]({address})" if text and _SAFE_LINK.match(address) else text)
                continue
            for image in self.run_images(item):
                parts.append(image)
            if item.text:
                parts.append(_styled(_escape(item.text), bool(item.bold), bool(item.italic)))
        return "".join(parts).replace("\n", " ")

    def run_images(self, run: Any) -> list[str]:
        """Markdown for the images of a run (each saved once under lampiran/)."""
        out = []
        for blip in run.element.xpath(".//a:blip"):
            rid = blip.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed")
            part = self.doc.part.related_parts.get(rid) if rid else None
            if part is None:
                continue
            ext = PurePosixPath(str(part.partname)).suffix.lstrip(".").lower()
            blob = part.blob
            if not self.keep_images or ext not in IMAGE_TYPES or len(blob) > MAX_IMAGE_BYTES:
                self.skipped_images += 1
                continue
            name = f"{self.prefix}-gambar-{len(self.images) + 1}.{'jpg' if ext == 'jpeg' else ext}"
            self.images[name] = blob
            descr = run.element.xpath(".//wp:docPr/@descr")
            alt = _escape(str(descr[0])) if descr else f"Gambar {len(self.images)}"
            out.append(f"![{alt}](lampiran/{name})")
        return out

    def list_marker(self, paragraph: Any) -> tuple[str, int] | None:
        """("-" or "1.", depth) when the paragraph is a list item (by numbering or by style)."""
        from docx.oxml.ns import qn

        style = paragraph.style.name if paragraph.style is not None else ""
        ppr = paragraph._p.pPr
        num = ppr.find(qn("w:numPr")) if ppr is not None else None
        if num is not None:
            ilvl_node, id_node = num.find(qn("w:ilvl")), num.find(qn("w:numId"))
            ilvl = ilvl_node.get(qn("w:val")) if ilvl_node is not None else "0"
            num_id = id_node.get(qn("w:val")) if id_node is not None else ""
            if num_id == "0":
                return None
            fmt = self.formats.get((num_id, ilvl), "number" if "Number" in style else "bullet")
            return ("-" if fmt == "bullet" else "1."), int(ilvl) if ilvl.isdigit() else 0
        match = re.match(r"^List (Bullet|Number)(?: (\d))?$", style)
        if match:
            return ("-" if match.group(1) == "Bullet" else "1."), int(match.group(2) or 1) - 1
        return None

    def table(self, table: Any) -> str:
        """A Word table as a Markdown table (first row the header)."""
        rows = []
        for row in table.rows:
            cells = [" ".join(self.inline(p) for p in cell.paragraphs).strip() or " " for cell in row.cells]
            rows.append(cells)
        if not rows:
            return ""
        width = max(len(r) for r in rows)
        rows = [r + [" "] * (width - len(r)) for r in rows]
        lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * width]
        lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
        return "\n".join(lines)

    def blocks(self) -> tuple[str, list[str]]:
        """The title (first heading) and the body's Markdown blocks."""
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        items: list[tuple[str, Any]] = []
        for block in self.doc.iter_inner_content():
            if isinstance(block, Paragraph):
                style = block.style.name if block.style is not None else ""
                match = _HEADING.match(style)
                level = 1 if style == "Title" else int(match.group(1)) if match else 0
                items.append(("h", (level, block)) if level else ("p", block))
            elif isinstance(block, Table):
                items.append(("t", block))
        title = ""
        heads = [i for i, (kind, _v) in enumerate(items) if kind == "h"]
        if heads:
            title = items[heads[0]][1][1].text.strip()
            del items[heads[0]]
        top = min((v[0] for kind, v in items if kind == "h"), default=2)
        out: list[str] = []
        previous = ""
        for kind, value in items:
            if kind == "h":
                text = self.inline(value[1]).strip()
                if text:
                    out.append("#" * min(6, value[0] - top + 2) + " " + text)
            elif kind == "t":
                out.append(self.table(value))
            else:
                marker = self.list_marker(value)
                text = self.inline(value).strip()
                if not text:
                    previous = ""
                    continue
                if marker:
                    line = "    " * marker[1] + f"{marker[0]} {text}"
                    if previous == f"list{marker[0]}" or (previous.startswith("list") and marker[1] > 0):
                        out[-1] += "\n" + line
                    else:
                        out.append(line)
                    previous = previous if marker[1] > 0 and previous.startswith("list") else f"list{marker[0]}"
                    continue
                out.append(text)
            previous = kind
        return title, out


def _check_archive(path: Path) -> None:
    """Refuse what is not a .docx, or unpacks to more than MAX_UNPACKED (a zip bomb)."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise ImportRefused(N_("import.not_docx"), file=path.name) from exc
    if "word/document.xml" not in {i.filename for i in infos}:
        raise ImportRefused(N_("import.not_docx"), file=path.name)
    unpacked = sum(i.file_size for i in infos)
    if unpacked > MAX_UNPACKED:
        raise ImportRefused(N_("import.too_big"), file=path.name, size=unpacked >> 20, limit=MAX_UNPACKED >> 20)


def convert(path: Path, image_prefix: str = "impor", keep_images: bool = True) -> Converted:
    """The title, Markdown body and images of a .docx (raises ImportRefused for a file it cannot read)."""
    import docx

    if path.suffix.lower() != ".docx":
        raise ImportRefused(N_("import.only_docx"), file=path.name)
    _check_archive(path)
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises many kinds on a broken package
        raise ImportRefused(N_("import.not_docx"), file=path.name) from exc
    converter = _Converter(document, image_prefix, keep_images)
    title, blocks = converter.blocks()
    notes = []
    if converter.skipped_images:
        notes.append((N_("import.images_skipped"), {"count": converter.skipped_images}))
    body = "\n\n".join(b for b in blocks if b.strip()) + "\n"
    return Converted(title=title or path.stem, body=body, images=converter.images, notes=notes)


@dataclasses.dataclass
class Imported:
    """A written document: its path, the notes of the conversion and the fields left for the author."""

    path: Path
    notes: list[tuple[str, dict[str, Any]]]
    missing: list[str]


def import_docx(path: Path, doc_type: str, root: Path, schema: Any, today: dt.date | None = None) -> Imported:
    """Write ``root/<type>/<slug>.md`` and its images (into ``<type>/lampiran/``) from a .docx; never overwrite."""
    token = "\x00img"  # the slug comes from the title, known only after the conversion
    converted = convert(path, image_prefix=token)
    slug = slugify(converted.title) or slugify(path.stem) or "impor"
    body = converted.body.replace(token, slug)
    images = {name.replace(token, slug): blob for name, blob in converted.images.items()}
    folder = root / doc_type
    target = folder / f"{slug}.md"
    if target.exists():
        raise ImportRefused(N_("new_exists"), path=target.as_posix())
    meta: dict[str, Any] = {"title": converted.title, "date": today or dt.date.today()}
    if images:  # the body links them; they are part of the page, not attachments to list
        (folder / "lampiran").mkdir(parents=True, exist_ok=True)
        for name, blob in images.items():
            (folder / "lampiran" / name).write_bytes(blob)
    folder.mkdir(parents=True, exist_ok=True)
    with target.open("x", encoding="utf-8") as handle:
        handle.write(document_text(meta, body, schema))
    return Imported(target, converted.notes, missing_fields(schema, meta))


def missing_fields(schema: Any, meta: dict[str, Any]) -> list[str]:
    """The required fields of ``schema`` the imported front-matter lacks (for the author to fill)."""
    return [name for name, spec in schema.fields.items() if spec.required and meta.get(name) in (None, "", [])]
