"""Text and facts of a document's attachments (PDF, .docx): read in a bounded subprocess, cached by file hash.

Each file is read by ``python -m search.attachments FILE`` with limits on its memory, CPU time and wall
time, so a hostile or broken file (encrypted, deeply nested, corrupt, huge) yields a message and never
stops an index build or a site build. What was read is kept as ``<cache>/v<version>-<sha256>.json``: an
unchanged file is read once, whatever document or tree it belongs to.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath
from typing import Any

# Bump when what is extracted changes: every cached entry is then read again.
VERSION = 1
# A file over this size is described but not read (a 50 MB scan holds no text worth the time).
MAX_BYTES = 32 * 1024 * 1024
# Limits of the reading subprocess.
MEMORY_MB = 768
CPU_SECONDS = 20
WALL_SECONDS = 30.0
MAX_PAGES = 2000
MAX_CHARS = 1_000_000  # of one file's text, all pages together
MAX_XML_BYTES = 24 * 1024 * 1024  # word/document.xml uncompressed
# Images of a .docx are never decoded; the ones above this size are named in the message.
BIG_IMAGE_BYTES = 8 * 1024 * 1024
KINDS = {".pdf": "pdf", ".docx": "docx"}
CACHE_FOLDER = "lampiran"


def N_(key: str) -> str:
    """Mark a message key for extraction (as site_builder.i18n.N_; not imported: the reader starts light)."""
    return key


@dataclasses.dataclass
class Extract:
    """What one attachment file holds: its kind, size, pages' text, page count, date and any problem."""

    kind: str
    size: int
    pages: list[str] = dataclasses.field(default_factory=list)
    page_count: int | None = None
    created: str | None = None
    problem: str | None = None  # a message key ("att.encrypted", ...)
    params: dict[str, Any] = dataclasses.field(default_factory=dict)
    note: str | None = None  # a message key for a partial read ("att.images_skipped")

    @property
    def scan(self) -> bool:
        """A PDF that was read and has no text layer (a scan)."""
        return self.kind == "pdf" and self.problem is None and not any(p.strip() for p in self.pages)

    @property
    def text(self) -> str:
        """Every page's text together."""
        return "\n\n".join(self.pages)

    def messages(self, shown: str, lang: str | None = None) -> list[str]:
        """What to tell about this file: its problem, a scan, or a partial read (empty when all went well)."""
        from site_builder.i18n import _

        out = []
        if self.problem:
            out.append(_(self.problem, lang, file=shown, **self.params))
        elif self.scan:
            out.append(_("att.no_text", lang, file=shown))
        if self.note:
            out.append(_(self.note, lang, file=shown, **self.params))
        return out


# -- the reading subprocess ----------------------------------------------------------------------


def _limit(memory_mb: int, cpu_seconds: int) -> None:
    """Bound this process (the reader): address space and CPU time."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (memory_mb * 1024 * 1024,) * 2)
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))


def _pdf_date(value: Any) -> str | None:
    try:
        return value.date().isoformat() if value is not None else None
    except (AttributeError, ValueError):
        return None


def read_pdf(path: Path) -> Extract:
    """The text of every page of a PDF (pypdf); an encrypted one is reported, not guessed at."""
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

    out = Extract(kind="pdf", size=path.stat().st_size)
    # pypdf reads a too deep or too large object as a partial one and only logs it: listen for that.
    logged = _Warnings()
    logging.getLogger("pypdf").addHandler(logged)
    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except (DependencyError, NotImplementedError, PdfReadError):
                opened = 0
            if not opened:
                out.problem = N_("att.encrypted")
                return out
        out.page_count = len(reader.pages)
        try:
            out.created = _pdf_date(reader.metadata.creation_date if reader.metadata else None)
        except (PdfReadError, ValueError, TypeError, KeyError):
            out.created = None
        total = 0
        for number, page in enumerate(reader.pages):
            if number >= MAX_PAGES or total >= MAX_CHARS:
                break
            text = (page.extract_text() or "")[: MAX_CHARS - total]
            total += len(text)
            out.pages.append(text)
        if logged.too_deep and not out.text.strip():
            out.problem, out.pages = N_("att.too_deep"), []
    except RecursionError:
        out.problem, out.pages = N_("att.too_deep"), []
    except FileNotDecryptedError:
        out.problem, out.pages = N_("att.encrypted"), []
    except Exception as exc:  # pypdf raises many kinds on a broken file; each is "corrupt"
        out.problem, out.params, out.pages = N_("att.corrupt"), {"detail": type(exc).__name__}, []
    finally:
        logging.getLogger("pypdf").removeHandler(logged)
    return out


class _Warnings(logging.Handler):
    """Notes whether pypdf gave up on an object for its depth or size (its MemoryError/RecursionError)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.too_deep = False

    def emit(self, record: logging.LogRecord) -> None:
        self.too_deep = self.too_deep or "Error reading PDF file" in record.getMessage()


def read_docx(path: Path) -> Extract:
    """The paragraphs (tables included) of a .docx, from word/document.xml alone: its images are never loaded."""
    from docx.oxml.ns import qn
    from docx.oxml.parser import parse_xml
    from docx.text.paragraph import Paragraph

    out = Extract(kind="docx", size=path.stat().st_size)
    try:
        with zipfile.ZipFile(path) as archive:
            infos = {i.filename: i for i in archive.infolist()}
            main = infos.get("word/document.xml")
            if main is None:
                raise KeyError("word/document.xml")
            if main.file_size > MAX_XML_BYTES:
                out.problem = N_("att.too_big")
                out.params = {"size": _mb(main.file_size), "limit": _mb(MAX_XML_BYTES)}
                return out
            big = [i for n, i in infos.items() if n.startswith("word/media/") and i.file_size > BIG_IMAGE_BYTES]
            if big:
                out.note = N_("att.images_skipped")
                out.params = {"count": len(big), "size": _mb(sum(i.file_size for i in big))}
            root = parse_xml(archive.read(main))
            pages = _docx_app_pages(archive, infos)
            out.created = _docx_created(archive, infos)
        lines, total = [], 0
        for element in root.iter(qn("w:p")):
            text = Paragraph(element, None).text  # type: ignore[arg-type]
            if text.strip():
                lines.append(text)
                total += len(text)
                if total >= MAX_CHARS:
                    break
        out.pages = ["\n".join(lines)[:MAX_CHARS]]
        out.page_count = pages
    except RecursionError:
        out.problem, out.pages = N_("att.too_deep"), []
    except Exception as exc:  # a broken zip or XML: "corrupt", with what broke
        out.problem, out.params, out.pages = N_("att.corrupt"), {"detail": type(exc).__name__}, []
    return out


def _docx_app_pages(archive: zipfile.ZipFile, infos: dict[str, zipfile.ZipInfo]) -> int | None:
    """The page count Word saved in docProps/app.xml (None when absent)."""
    info = infos.get("docProps/app.xml")
    if info is None or info.file_size > 1_000_000:
        return None
    text = archive.read(info).decode("utf-8", "replace")
    start = text.find("<Pages>")
    end = text.find("</Pages>", start)
    value = text[start + 7 : end] if start >= 0 and end > start else ""
    return int(value) if value.isdigit() else None


def _docx_created(archive: zipfile.ZipFile, infos: dict[str, zipfile.ZipInfo]) -> str | None:
    """The creation date of docProps/core.xml (YYYY-MM-DD), when present."""
    info = infos.get("docProps/core.xml")
    if info is None or info.file_size > 1_000_000:
        return None
    text = archive.read(info).decode("utf-8", "replace")
    start = text.find("<dcterms:created")
    start = text.find(">", start) + 1 if start >= 0 else -1
    value = text[start : start + 10] if start > 0 else ""
    return value if len(value) == 10 and value[4] == "-" else None


def read_file(path: Path) -> Extract:
    """Read one attachment in this process (the subprocess calls it; tests may too)."""
    kind = KINDS.get(path.suffix.lower(), "")
    size = path.stat().st_size
    if kind and size > MAX_BYTES:
        too_big = {"size": _mb(size), "limit": _mb(MAX_BYTES)}
        return Extract(kind=kind, size=size, problem=N_("att.too_big"), params=too_big)
    if kind == "pdf":
        return read_pdf(path)
    if kind == "docx":
        return read_docx(path)
    return Extract(kind=path.suffix.lower().lstrip(".") or "?", size=size)


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".replace(".", ",")


def read_bounded(path: Path) -> Extract:
    """Read one file in a subprocess bounded in memory, CPU and wall time; its failure is a message."""
    kind = KINDS.get(path.suffix.lower(), "")
    size = path.stat().st_size
    if not kind or size > MAX_BYTES:
        return read_file(path)  # nothing to parse: described from its size alone
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path(__file__).resolve().parent.parent), *sys.path])}
    try:
        done = subprocess.run(
            [sys.executable, "-m", "search.attachments", str(path)],
            capture_output=True,
            timeout=WALL_SECONDS,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return Extract(kind=kind, size=size, problem=N_("att.timeout"), params={"seconds": f"{WALL_SECONDS:g}"})
    if done.returncode == 0:
        try:
            return Extract(**json.loads(done.stdout))
        except (ValueError, TypeError):
            pass
    if b"MemoryError" in done.stderr:
        return Extract(kind=kind, size=size, problem=N_("att.memory"), params={"mb": MEMORY_MB})
    if done.returncode < 0 or b"CPU" in done.stderr:
        # Killed by a signal: SIGXCPU/SIGKILL at the CPU limit, SIGSEGV from a C library on a broken file.
        return Extract(kind=kind, size=size, problem=N_("att.timeout"), params={"seconds": f"{CPU_SECONDS:g}"})
    return Extract(kind=kind, size=size, problem=N_("att.corrupt"), params={"detail": f"exit {done.returncode}"})


# -- the cache -----------------------------------------------------------------------------------

_hashes: dict[tuple[str, int, int], str] = {}


def file_hash(path: Path) -> str:
    """SHA-256 of a file, remembered per (path, size, mtime) within this process."""
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    if key not in _hashes:
        sha = hashlib.sha256()
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                sha.update(block)
        _hashes[key] = sha.hexdigest()
    return _hashes[key]


def attachment_paths(doc: Any) -> list[tuple[str, str, Path]]:
    """(shown name, file as written, path) of each attachment of ``doc`` that exists beside it."""
    out = []
    for item in doc.meta.get("attachments") or []:
        if not isinstance(item, dict) or not isinstance(item.get("file"), str):
            continue
        path = doc.path.parent / item["file"]
        if path.is_file():
            out.append((str(item.get("title") or PurePosixPath(item["file"]).name), item["file"], path))
    return out


def fingerprint(doc: Any) -> list[str]:
    """The attachments' hashes (part of the index digest: a changed attachment makes its document stale)."""
    return [f"v{VERSION}:{file_hash(path)}" for _, _, path in attachment_paths(doc)]


class Cache:
    """Extracts by file hash in one folder; records the problems met, for ``pokja index`` to report."""

    def __init__(self, folder: Path | str, reader: Callable[[Path], Extract] = read_bounded) -> None:
        self.folder = Path(folder)
        self.reader = reader
        self.read = 0
        self.cached = 0
        self.problems: dict[str, list[str]] = {}  # rel path of the file -> its messages
        self.fresh: set[str] = set()  # entries this cache wrote (read now, not "from the cache")

    def _entry(self, path: Path) -> Path:
        return self.folder / f"v{VERSION}-{file_hash(path)}.json"

    def _store(self, path: Path, entry: Path) -> Extract:
        result = self.reader(path)
        self.read += 1
        self.fresh.add(entry.name)
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = entry.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(dataclasses.asdict(result), ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, entry)  # atomic: a concurrent reader sees the old or the whole new entry
        return result

    def prepare(self, docs: Iterable[Any]) -> None:
        """Read the attachments of ``docs`` not cached yet: before an index writer takes its lock."""
        for doc in docs:
            for _name, _file, path in attachment_paths(doc):
                entry = self._entry(path)
                if not entry.is_file():
                    self._store(path, entry)

    def get(self, path: Path, shown: str | None = None) -> Extract:
        """The extract of ``path``: from the cache, else read (bounded) and stored."""
        entry = self._entry(path)
        try:
            result = Extract(**json.loads(entry.read_text(encoding="utf-8")))
            if entry.name not in self.fresh:
                self.cached += 1
        except (OSError, ValueError, TypeError):
            result = self._store(path, entry)
        messages = result.messages(shown or path.name)
        if messages:
            self.problems[shown or str(path)] = messages
        return result

    def document(self, doc: Any) -> list[tuple[str, str, Extract]]:
        """(shown name, file, extract) of each attachment of ``doc``."""
        base = PurePosixPath(doc.rel_path).parent
        return [(name, file, self.get(path, str(base / file))) for name, file, path in attachment_paths(doc)]

    def index_fields(self, doc: Any) -> tuple[str, list[dict[str, Any]]]:
        """The searched text of ``doc``'s attachments and what the index stores to say where a word stood."""
        stored = []
        for name, _file, extract in self.document(doc):
            if extract.text.strip():
                stored.append({"name": name, "kind": extract.kind, "pages": extract.pages})
        return "\n\n".join(p for s in stored for p in s["pages"]), stored

    def lines(self, lang: str | None = None) -> list[str]:
        """Every problem met, one line each, then a summary."""
        from site_builder.i18n import _

        out = [m for messages in self.problems.values() for m in messages]
        if self.read or self.cached:
            out.append(_("att.summary", lang, read=self.read, cached=self.cached, problems=len(self.problems)))
        return out


def locate(
    stored: Iterable[dict[str, Any]], terms: set[str], snippet: Callable[[str, set[str]], str], lang: str = "id"
) -> tuple[str, str] | None:
    """Where the query's words stand in the attachments: ("di lampiran: X.pdf, hlm. 3", snippet) or None."""
    from site_builder.i18n import _

    for item in stored or ():
        for number, page in enumerate(item.get("pages") or [], start=1):
            found = snippet(page, terms)
            if found:
                if item.get("kind") == "pdf":
                    return _("att.in_attachment_page", lang, name=item["name"], page=number), found
                return _("att.in_attachment", lang, name=item["name"]), found
    return None


def _main(argv: list[str]) -> int:
    """The reading subprocess: limit itself, read one file, print its extract as JSON."""
    _limit(MEMORY_MB, CPU_SECONDS)
    result = read_file(Path(argv[0]))
    sys.stdout.write(json.dumps(dataclasses.asdict(result), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
