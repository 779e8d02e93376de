"""Field types chosen from a list: enum and ref (whose ``ref:`` kind is a small class of REF_KINDS)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from ..formatting import region_url, rel_path_url, src_url, tag_src
from .base import SEARCHABLE_AFTER, Cell, CellContext, FieldType, FormContext, FormField, kind_name

if TYPE_CHECKING:
    from ..schemas import Field, RefData


class ChoiceType(FieldType):
    """A field whose values come from a list: a select, several in a multi-select."""

    def choices(self, spec: Field, ctx: FormContext) -> list[tuple[str, str]]:
        """(value, label) pairs of the control."""
        raise NotImplementedError

    def configure(self, spec: Field, control: FormField, ctx: FormContext) -> None:
        """A select of the choices (with a filter box when the list is long)."""
        control.widget = "select"
        control.choices = self.choices(spec, ctx)
        control.searchable = len(control.choices) > SEARCHABLE_AFTER

    def configure_list(self, item: Field, control: FormField, ctx: FormContext) -> None:
        """A multi-select of the choices (a filter box and chosen chips when the list is long)."""
        control.widget = "multiselect"
        control.choices = self.choices(item, ctx)
        control.searchable = len(control.choices) > SEARCHABLE_AFTER

    def parse_list(self, item: Field, name: str, form: Any) -> Any:
        """Every selected value."""
        return [v.strip() for v in form.getlist(name) if v.strip()] or None

    def flatten_list(self, item: Field, name: str, values: list, out: Any) -> None:
        """One form value per selected value."""
        for value in values:
            out.add(name, str(value))


class EnumType(ChoiceType):
    """One of the declared ``values``."""

    name = "enum"
    keys = frozenset({"values"})

    def check_spec(self, spec: Field) -> str | None:
        """An enum needs values."""
        return None if spec.values else f"enum field {spec.name!r} needs values"

    def validate(self, spec: Field, value: Any, dotted: str, v: Any) -> Any:
        """A declared value."""
        if not isinstance(value, str) or value not in spec.values:
            v.report(dotted, "not_in_enum", value=value, allowed=", ".join(spec.values))
            return None
        return value

    def choices(self, spec: Field, ctx: FormContext) -> list[tuple[str, str]]:
        """The declared values."""
        return [(value, value) for value in spec.values]

    def skeleton(self, spec: Field) -> Any:
        """The first declared value."""
        return spec.values[0]

    def facet_labels(self, spec: Field, refdata: RefData) -> dict[str, dict[str, str]] | None:
        """The declared values, capitalised."""
        return {value: {"id": value.capitalize()} for value in spec.values}


class RefKind:
    """One kind of reference (``ref:``): which ids exist, their labels, their display."""

    name: ClassVar[str] = ""
    skeleton: ClassVar[str] = "TODO"

    def known(self, refdata: RefData) -> Mapping[str, Any]:
        """The known ids."""
        return refdata.values_for(self.name)

    def label(self, item: Any, lang: str) -> str:
        """An entry's label."""
        return item.label_in(lang)

    def choices(self, spec: Field, ctx: FormContext) -> list[tuple[str, str]]:
        """(id, label) pairs."""
        return [(key, self.label(item, ctx.lang)) for key, item in self.known(ctx.refdata).items()]

    def cell(self, value: str, ctx: CellContext) -> Cell:
        """The entry's label (the id when unknown)."""
        item = self.known(ctx.refdata).get(value)
        return self.label(item, ctx.lang) if item is not None else value

    def facet_values(self, value: str) -> list[str]:
        """The id."""
        return [value]

    def facet_labels(self, refdata: RefData) -> dict[str, dict[str, str]] | None:
        """Every known id with its labels."""
        return {key: dict(item.label) for key, item in self.known(refdata).items()}


class RegionKind(RefKind):
    """A region code of content/_data/wilayah.yml; a district also counts for its province."""

    name = "region"
    skeleton = "00"

    def choices(self, spec: Field, ctx: FormContext) -> list[tuple[str, str]]:
        """Name and code."""
        return [(r.code, f"{r.name} ({r.code})") for r in ctx.refdata.regions.values()]

    def cell(self, value: str, ctx: CellContext) -> Cell:
        """A link to the region's page (a district's province page, at its anchor)."""
        region = ctx.refdata.regions.get(value)
        if region is None:
            return value
        return (region_url(region), region.name)

    def facet_labels(self, refdata: RefData) -> dict[str, dict[str, str]] | None:
        """Region names."""
        return {code: {"id": r.name} for code, r in refdata.regions.items()}

    def facet_values(self, value: str) -> list[str]:
        """The code with its province's, so a province filter finds its districts."""
        province = value.split(".")[0]
        return [province, value] if province != value else [value]


class TagKind(RefKind):
    """A tag of content/_data/tags.yml."""

    name = "tag"

    def cell(self, value: str, ctx: CellContext) -> Cell:
        """A link to the tag's page."""
        tag = ctx.refdata.tags.get(value)
        return (src_url(tag_src(value)), tag.label_in(ctx.lang)) if tag is not None else value


class GroupKind(RefKind):
    """A stakeholder group of content/_data/kelompok.yml."""

    name = "stakeholder_group"
    skeleton = "regulator"


class ReferenceKind(RefKind):
    """A planning reference of content/_data/rujukan.yml."""

    name = "reference"


class IndicatorKind(RefKind):
    """An indicator of content/_data/indikator.yml."""

    name = "indicator"

    def label(self, item: Any, lang: str) -> str:
        """The indicator's name."""
        return item.name_in(lang)

    def facet_labels(self, refdata: RefData) -> dict[str, dict[str, str]] | None:
        """Indicator names."""
        return {key: dict(item.name) for key, item in refdata.indicators.items()}


class DocumentKind(RefKind):
    """The slug of another document (checked once every document is loaded)."""

    name = "document"

    def known(self, refdata: RefData) -> Mapping[str, Any]:
        """Documents are not reference data."""
        return {}

    def choices(self, spec: Field, ctx: FormContext) -> list[tuple[str, str]]:
        """(slug, title) of the declared ``document_type``'s documents; of every type (named) when none is."""
        if spec.document_type:
            return list(ctx.documents.get(spec.document_type, []))
        return [(slug, f"{title} ({doc_type})") for doc_type, docs in ctx.documents.items() for slug, title in docs]

    def facet_labels(self, refdata: RefData) -> dict[str, dict[str, str]] | None:
        """Any slug (documents are not reference data)."""
        return None

    def cell(self, value: str, ctx: CellContext) -> Cell:
        """A link to the document, by its title."""
        target = ctx.by_slug.get(value)
        return (rel_path_url(target.rel_path), target.title) if target is not None else value


REF_KINDS: dict[str, RefKind] = {
    k.name: k() for k in (RegionKind, TagKind, GroupKind, ReferenceKind, IndicatorKind, DocumentKind)
}


class RefType(ChoiceType):
    """An id of reference data or another document; ``ref:`` picks the kind (REF_KINDS)."""

    name = "ref"
    keys = frozenset({"ref", "document_type"})
    list_panel = "inline"

    def check_spec(self, spec: Field) -> str | None:
        """A known ``ref:`` kind."""
        return None if spec.ref in REF_KINDS else f"field {spec.name!r} has unknown ref {spec.ref!r}"

    def kind(self, spec: Field) -> RefKind:
        """The reference kind of ``spec``."""
        return REF_KINDS[spec.ref or ""]

    def validate(self, spec: Field, value: Any, dotted: str, v: Any) -> Any:
        """A known id (documents are resolved after loading)."""
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            v.report(dotted, "expected_string", found=kind_name(value))
            return None
        if spec.ref == "document":
            v.doc_refs.append((dotted, value, spec))
            return value
        if value not in self.kind(spec).known(v.refdata):
            v.report(dotted, f"unknown_{spec.ref}", value=value)
            return None
        return value

    def choices(self, spec: Field, ctx: FormContext) -> list[tuple[str, str]]:
        """The kind's entries."""
        return self.kind(spec).choices(spec, ctx)

    def skeleton(self, spec: Field) -> Any:
        """The kind's placeholder."""
        return self.kind(spec).skeleton

    def cell(self, spec: Field, value: Any, ctx: CellContext) -> Cell:
        """The kind's display."""
        return "" if value in (None, "") else self.kind(spec).cell(str(value), ctx)

    def facet_labels(self, spec: Field, refdata: RefData) -> dict[str, dict[str, str]] | None:
        """The kind's entries."""
        return self.kind(spec).facet_labels(refdata)

    def facet_values(self, spec: Field, value: Any) -> list[str]:
        """The kind's facet values."""
        return self.kind(spec).facet_values(str(value)) if value not in (None, "") else []
