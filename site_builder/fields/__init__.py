"""Field types as classes in one registry: each schema ``type:`` owns its validation, form control,
form parsing, display, skeleton value, search text, facet values and YAML serialisation.

MkDocs' ``config_options`` is the model: a type is a class, and nothing outside this package
branches on a type name. :func:`kind_of` picks the class of a declared field.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..formatting import fmt_date, fmt_number
from .base import (
    BLANK_ROWS,
    COMMON_KEYS,
    MAX_ROWS,
    ROW_SLOT,
    SEARCHABLE_AFTER,
    Cell,
    CellContext,
    FieldType,
    FormContext,
    FormField,
    Phrase,
    cell_text,
    clean_text,
    kind_name,
    row_indices,
)
from .choices import REF_KINDS, ChoiceType, EnumType, RefKind, RefType
from .figures import FigureType, parse_id_number
from .rows import blank_rows, normalise_rows, parse_action
from .scalars import AttachmentType, BooleanType, DateType, IntegerType, NumberType, StringType, TextType, YearType

if TYPE_CHECKING:
    from ..schemas import Field, RefData

__all__ = [
    "BLANK_ROWS",
    "COMMON_KEYS",
    "FIELD_TYPES",
    "MAX_ROWS",
    "REF_KINDS",
    "ROW_SLOT",
    "SEARCHABLE_AFTER",
    "Cell",
    "CellContext",
    "ChoiceType",
    "FieldType",
    "FormContext",
    "FormField",
    "Phrase",
    "RefKind",
    "accepted_keys",
    "cell_text",
    "clean_text",
    "dump_value",
    "fmt_date",
    "fmt_number",
    "form_control",
    "kind_name",
    "kind_of",
    "parse_action",
    "parse_id_number",
    "row_indices",
]


class ListType(FieldType):
    """A list of ``items``; the item type decides the control (lines, multi-select, rows)."""

    name = "list"
    keys = frozenset({"items"})

    def panel_shape(self, spec: Field) -> str:
        """As the items' type lays out a list of them."""
        return kind_of(spec.items).list_panel

    def check_spec(self, spec: Field) -> str | None:
        """A list needs items."""
        return None if spec.items is not None else f"list field {spec.name!r} needs items"

    def validate(self, spec: Field, value: Any, dotted: str, v: Any) -> Any:
        """A list, each item checked."""
        if not isinstance(value, list):
            v.report(dotted, "expected_list", found=kind_name(value))
            return None
        item = spec.items
        checked = [kind_of(item).validate(item, x, f"{dotted}.{i}", v) for i, x in enumerate(value)]
        return [x for x in checked if x is not None]

    def configure(self, spec: Field, control: FormField, ctx: FormContext) -> None:
        """The item type's list control."""
        kind_of(spec.items).configure_list(spec.items, control, ctx)

    def parse(self, spec: Field, name: str, form: Any) -> Any:
        """The item type's list parsing."""
        return kind_of(spec.items).parse_list(spec.items, name, form)

    def normalise(self, spec: Field, name: str, form: Any, action: tuple[str, str] | None) -> bool:
        """The item type's list tidying (rows of objects)."""
        return kind_of(spec.items).normalise_list(spec.items, name, form, action)

    def flatten(self, spec: Field, name: str, value: Any, out: Any) -> None:
        """The item type's list values."""
        if isinstance(value, list):
            kind_of(spec.items).flatten_list(spec.items, name, value, out)
        else:
            super().flatten(spec, name, value, out)

    def skeleton(self, spec: Field) -> Any:
        """One placeholder item."""
        return [kind_of(spec.items).skeleton(spec.items)]

    def cell(self, spec: Field, value: Any, ctx: CellContext) -> Cell:
        """The items' texts, comma-separated."""
        item = spec.items
        return ", ".join(cell_text(kind_of(item).cell(item, x, ctx)) for x in value or [])

    def search_text(self, spec: Field, value: Any) -> list[str]:
        """Every item's words."""
        return [s for x in value or [] for s in kind_of(spec.items).search_text(spec.items, x)]

    def facet_values(self, spec: Field, value: Any) -> list[str]:
        """Every item's facet values, once each."""
        found = (f for x in value or [] for f in kind_of(spec.items).facet_values(spec.items, x))
        return list(dict.fromkeys(found))

    def facet_labels(self, spec: Field, refdata: RefData) -> dict[str, dict[str, str]] | None:
        """The items' facet labels."""
        return kind_of(spec.items).facet_labels(spec.items, refdata)

    def dump(self, spec: Field, value: Any) -> Any:
        """Each item dumped."""
        if not isinstance(value, list):
            return value
        return [kind_of(spec.items).dump(spec.items, x) for x in value]


class ObjectType(FieldType):
    """A mapping of declared sub-``fields``."""

    name = "object"
    keys = frozenset({"fields"})
    panel = "text"
    list_panel = "table"

    def validate(self, spec: Field, value: Any, dotted: str, v: Any) -> Any:
        """A mapping whose keys are declared, each checked."""
        if not isinstance(value, dict):
            v.report(dotted, "expected_mapping", found=kind_name(value))
            return None
        row = v.mapping(spec.fields, value, dotted, type_name=spec.name)
        for key, sub in spec.fields.items():
            if key in row:
                kind_of(sub).check_row(sub, key, row, f"{dotted}.{key}", v)
        return row

    def configure(self, spec: Field, control: FormField, ctx: FormContext) -> None:
        """A group of the sub-fields' controls."""
        control.widget = "group"
        control.children = [form_control(sub, f"{control.name}.{k}", ctx) for k, sub in spec.fields.items() if sub.form]

    def configure_list(self, item: Field, control: FormField, ctx: FormContext) -> None:
        """Rows of sub-field controls: the filled ones, the empty ones asked for, and a template row."""
        control.widget = "rows"
        used = row_indices(control.name, ctx.values)
        control.blank = blank_rows(control.name, ctx.values)
        count = min((max(used) + 1 if used else 0) + control.blank, MAX_ROWS)
        control.max = MAX_ROWS
        control.rows = [
            [form_control(sub, f"{control.name}.{i}.{k}", ctx) for k, sub in item.fields.items() if sub.form]
            for i in range(count)
        ]
        control.template = [
            form_control(sub, f"{control.name}.{ROW_SLOT}.{k}", ctx) for k, sub in item.fields.items() if sub.form
        ]

    def normalise(self, spec: Field, name: str, form: Any, action: tuple[str, str] | None) -> bool:
        """The sub-fields' tidying (an object may hold rows)."""
        done = [kind_of(sub).normalise(sub, f"{name}.{k}", form, action) for k, sub in spec.fields.items() if sub.form]
        return any(done)

    def normalise_list(self, item: Field, name: str, form: Any, action: tuple[str, str] | None) -> bool:
        """Apply "Tambah baris" / "Hapus baris" and drop empty rows, numbering the rest 0, 1, 2..."""
        return normalise_rows(name, form, lambda i: self.parse(item, f"{name}.{i}", form) is not None, action)

    def parse(self, spec: Field, name: str, form: Any) -> Any:
        """The non-empty sub-fields (None when all are empty)."""
        out = {}
        for key, sub in spec.fields.items():
            if sub.form:
                value = kind_of(sub).parse(sub, f"{name}.{key}", form)
                if value not in (None, "", []):
                    out[key] = value
        return out or None

    def parse_list(self, item: Field, name: str, form: Any) -> Any:
        """The non-empty rows."""
        rows = [self.parse(item, f"{name}.{i}", form) for i in row_indices(name, form)]
        return [r for r in rows if r] or None

    def flatten(self, spec: Field, name: str, value: Any, out: Any) -> None:
        """Each sub-field under its dotted name."""
        if not isinstance(value, dict):
            return super().flatten(spec, name, value, out)
        for key, sub in spec.fields.items():
            if value.get(key) is not None:
                kind_of(sub).flatten(sub, f"{name}.{key}", value[key], out)

    def flatten_list(self, item: Field, name: str, values: list, out: Any) -> None:
        """Each row's sub-fields."""
        for i, row in enumerate(values):
            if row is not None:
                self.flatten(item, f"{name}.{i}", row, out)

    def skeleton(self, spec: Field) -> Any:
        """The required sub-fields' placeholders."""
        return {k: kind_of(sub).skeleton(sub) for k, sub in spec.fields.items() if sub.required}

    def cell(self, spec: Field, value: Any, ctx: CellContext) -> Cell:
        """The sub-fields' texts joined by a middle dot."""
        if not isinstance(value, dict):
            return ""
        texts = (cell_text(kind_of(sub).cell(sub, value.get(k), ctx)) for k, sub in spec.fields.items())
        return " · ".join(t for t in texts if t)

    def search_text(self, spec: Field, value: Any) -> list[str]:
        """Every sub-field's words."""
        if not isinstance(value, dict):
            return []
        return [s for k, sub in spec.fields.items() if k in value for s in kind_of(sub).search_text(sub, value[k])]

    def facet_values(self, spec: Field, value: Any) -> list[str]:
        """Objects are no facet."""
        return []

    def dump(self, spec: Field, value: Any) -> Any:
        """Each declared sub-field dumped; undeclared keys kept as given."""
        if not isinstance(value, dict):
            return value
        return {
            k: (kind_of(spec.fields[k]).dump(spec.fields[k], x) if k in spec.fields else x) for k, x in value.items()
        }


FIELD_TYPES: dict[str, FieldType] = {
    cls.name: cls()
    for cls in (
        StringType,
        TextType,
        IntegerType,
        NumberType,
        FigureType,
        BooleanType,
        DateType,
        YearType,
        EnumType,
        RefType,
        ListType,
        ObjectType,
        AttachmentType,
    )
}


def kind_of(spec: Field) -> FieldType:
    """The class of a declared field (its schema ``type:``)."""
    return FIELD_TYPES[spec.type]


def accepted_keys(type_name: str) -> frozenset[str]:
    """Every schema key a field of ``type_name`` may declare."""
    return COMMON_KEYS | FIELD_TYPES[type_name].keys


def form_control(spec: Field, name: str, ctx: FormContext) -> FormField:
    """The form control of one field (with its children for objects and lists of objects)."""
    control = FormField(
        name=name,
        label=spec.label_in(ctx.lang),
        help=spec.help_in(ctx.lang),
        widget="text",
        required=spec.required,
        max_length=spec.max_length,
        min=spec.min,
        max=spec.max,
    )
    kind_of(spec).configure(spec, control, ctx)
    return control


def dump_value(spec: Field | None, value: Any) -> Any:
    """A value as written into front-matter (as given for an undeclared key)."""
    return value if spec is None else kind_of(spec).dump(spec, value)
