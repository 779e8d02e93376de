"""Field types, the base class and what every type shares: contexts, form control, messages, formatting."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from ..content import Document
    from ..schemas import Field, RefData

# A display value: plain text, or a (site-root-relative URL, text) link.
Cell = str | tuple[str, str]

MAX_ROWS = 50  # rows of a list-of-objects field on a form (a module's sessions)
BLANK_ROWS = 1  # empty rows offered after the filled ones
ROW_SLOT = "__i__"  # the row number in a row template's names, replaced by the page's script
SEARCHABLE_AFTER = 12  # a choice list longer than this gets a filter box (552 regions, the tags)
# Keys every field may declare, whatever its type (read by schemas.py, forms and search).
COMMON_KEYS = frozenset({"type", "required", "label", "help", "default", "form", "boost", "facet"})


@dataclass(frozen=True)
class Phrase:
    """A catalogue word inside a message's parameters, translated when the message is formatted."""

    key: str


def kind_name(value: Any) -> Phrase | str:
    """What a YAML value is, as a translatable word ("teks"/"text") for "expected X, found Y"."""
    if value is None:
        return Phrase("kind_null")
    name = {str: "str", int: "int", float: "float", bool: "bool", list: "list", dict: "dict"}.get(type(value))
    if name is None and isinstance(value, dt.datetime):
        name = "datetime"
    elif name is None and isinstance(value, dt.date):
        name = "date"
    return Phrase(f"kind_{name}") if name else type(value).__name__


def cell_text(cell: Cell) -> str:
    """The text of a cell (a link's text)."""
    return cell[1] if isinstance(cell, tuple) else cell


@dataclass
class CellContext:
    """What a display needs besides the value: reference data, the documents by slug, the language."""

    refdata: RefData
    by_slug: Mapping[str, Document] = field(default_factory=dict)
    lang: str = "id"


@dataclass
class FormField:
    """One control of a generated form (or a group of them for objects and rows of a list)."""

    name: str  # dotted form name: "title", "contributor.name", "sessions.0.title"
    label: str
    help: str
    widget: str  # text, textarea, lines, number, date, checkbox, select, multiselect, group, rows
    required: bool = False
    choices: list[tuple[str, str]] = field(default_factory=list)
    max_length: int | None = None
    min: float | None = None
    max: float | None = None
    children: list[FormField] = field(default_factory=list)
    rows: list[list[FormField]] = field(default_factory=list)
    # rows: the controls of one more row with ROW_SLOT for its number (cloned by the page's script)
    template: list[FormField] = field(default_factory=list)
    blank: int = 0  # rows: how many empty rows the member asked for (posted back as "<name>._blank")
    searchable: bool = False  # a long choice list: a filter box over the plain control when scripts run


@dataclass
class FormContext:
    """What a form control needs: reference data, (slug, title) choices by type, posted values, language."""

    refdata: RefData
    documents: Mapping[str, list[tuple[str, str]]] = field(default_factory=dict)
    values: Mapping[str, Any] = field(default_factory=dict)
    lang: str = "id"


_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# What XML 1.0 cannot carry (feed.xml, sitemap) and Unicode's noncharacters (U+FFFE, U+FDD0...).
_NOT_XML = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufdd0-\ufdef"
    + "".join(f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17))
    + "]"
)
# Bidirectional overrides and isolates reorder what a title or file name shows (U+202E "exe.pdf").
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def clean_text(value: str) -> str:
    """A typed value with LF line ends, without control characters or surrounding blanks."""
    # Browsers send CRLF; the files in content/ use LF. Control characters (a NUL makes the loader
    # take the file for binary) have no place in a document.
    return _CONTROL_CHARS.sub("", value.replace("\r\n", "\n").replace("\r", "\n")).strip()


def row_indices(name: str, values: Mapping[str, Any]) -> list[int]:
    """The row numbers of a list-of-objects control present in posted ``values``."""
    pattern = re.compile(rf"^{re.escape(name)}\.(\d+)\.")
    found = {int(m.group(1)) for key in values if (m := pattern.match(key))}
    return sorted(i for i in found if i < MAX_ROWS)


class FieldType:
    """A scalar text field; subclasses change what differs. Methods take the field's ``spec``."""

    name: ClassVar[str] = ""
    keys: ClassVar[frozenset[str]] = frozenset()  # schema keys beyond COMMON_KEYS
    single_line: ClassVar[bool] = True  # titles and file names: no bidirectional overrides

    # --- validation
    def validate(self, spec: Field, value: Any, dotted: str, v: Any) -> Any:
        """Check a YAML value; report through ``v.report``; return it normalised or None."""
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            v.report(dotted, "expected_string", found=kind_name(value))
            return None
        if spec.max_length and len(value) > spec.max_length:
            v.report(dotted, "too_long", length=len(value), limit=spec.max_length)
        if (bad := _NOT_XML.search(value)) is not None:
            v.report(dotted, "invalid_character", char=f"U+{ord(bad.group()):04X}")
            return None
        if self.single_line and (bad := _BIDI.search(value)) is not None:
            v.report(dotted, "bidi_character", char=f"U+{ord(bad.group()):04X}")
            return None
        return value

    def check_row(self, spec: Field, key: str, row: dict[str, Any], dotted: str, v: Any) -> None:
        """Check the checked value ``row[key]`` against its sibling fields (may drop it from ``row``)."""

    def check_spec(self, spec: Field) -> str | None:
        """What is wrong with a declaration of this type (beyond unknown keys), or None."""
        return None

    # --- form
    widget: ClassVar[str] = "text"

    def configure(self, spec: Field, control: FormField, ctx: FormContext) -> None:
        """Set the control's widget and options."""
        control.widget = self.widget

    def configure_list(self, item: Field, control: FormField, ctx: FormContext) -> None:
        """Set the control of a list whose items are of this type (one per line)."""
        control.widget = "lines"
        control.max_length = item.max_length

    def parse(self, spec: Field, name: str, form: Any) -> Any:
        """The value posted under ``name`` (None when empty)."""
        value = form.get(name)
        return None if value is None else clean_text(value) or None

    def parse_line(self, spec: Field, line: str) -> Any:
        """One line of a one-per-line list control."""
        return line

    def parse_list(self, item: Field, name: str, form: Any) -> Any:
        """A list of these items posted under ``name``."""
        lines = [line.strip() for line in clean_text(form.get(name, "")).split("\n")]
        parsed = [self.parse_line(item, line) for line in lines]
        return [v for v in parsed if v not in (None, "")] or None

    def normalise(self, spec: Field, name: str, form: Any, action: tuple[str, str] | None) -> bool:
        """Apply a posted row action to ``form`` (a MultiDict) and tidy it; whether the action was handled."""
        return False

    def normalise_list(self, item: Field, name: str, form: Any, action: tuple[str, str] | None) -> bool:
        """As :meth:`normalise`, for a list of these items (only rows of objects have anything to do)."""
        return False

    def flatten(self, spec: Field, name: str, value: Any, out: Any) -> None:
        """Add the form values that show ``value`` again to ``out`` (a MultiDict)."""
        out.add(name, value.isoformat() if isinstance(value, dt.date) else str(value))

    def flatten_list(self, item: Field, name: str, values: list, out: Any) -> None:
        """Form values of a list of these items."""
        out.add(name, "\n".join(str(v) for v in values))

    # --- display
    # How the metadata panel lays out a value of this type, and a list of such values.
    panel: ClassVar[str] = "cell"  # cell, text (sub-fields with labels)
    list_panel: ClassVar[str] = "items"  # items (one per line), inline (comma-separated), table (rows)
    numeric: ClassVar[bool] = False  # right-aligned in tables

    def panel_shape(self, spec: Field) -> str:
        """The panel entry's shape: cell, text, items, inline or table."""
        return self.panel

    # --- everything else
    def skeleton(self, spec: Field) -> Any:
        """The placeholder value ``pokja new`` writes for a required field."""
        return "TODO"

    def cell(self, spec: Field, value: Any, ctx: CellContext) -> Cell:
        """The value shown in the metadata panel and a listing cell."""
        return "" if value is None else str(value)

    def search_text(self, spec: Field, value: Any) -> list[str]:
        """The words of the value that search finds."""
        return [value] if isinstance(value, str) else []

    def facet_values(self, spec: Field, value: Any) -> list[str]:
        """The facet value(s) a document gets from this field."""
        return [str(value)] if value not in (None, "") else []

    def facet_labels(self, spec: Field, refdata: RefData) -> dict[str, dict[str, str]] | None:
        """The known facet values with their labels by language; None when any value may occur."""
        return None

    def dump(self, spec: Field, value: Any) -> Any:
        """The value as written back into front-matter (plain YAML data)."""
        return value
