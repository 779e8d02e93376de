"""Document-type schemas and reference data, read from content/_schemas and content/_data."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .fields import FIELD_TYPES, accepted_keys, kind_of
from .i18n import _
from .problems import Problem

# Top-level keys of a type's schema file and of _common.yml; each is read by load_schemas.
SCHEMA_KEYS = ("type", "label", "plural", "description", "listing", "facets", "contribute", "body_sections", "fields")
COMMON_SCHEMA_KEYS = ("fields",)
ROLES = ("anggota", "pelatih", "sekretariat", "moderator", "admin")


class SchemaError(Exception):
    """A schema or reference-data file is itself malformed (a developer error)."""


@dataclass(frozen=True)
class Field:
    """One declared field of a document type (possibly nested)."""

    name: str
    type: str
    required: bool = False
    label: dict[str, str] = field(default_factory=dict)
    help: dict[str, str] = field(default_factory=dict)
    values: tuple[str, ...] = ()
    ref: str | None = None
    document_type: str | None = None
    items: Field | None = None
    fields: dict[str, Field] = field(default_factory=dict)
    max_length: int | None = None
    min: float | None = None
    max: float | None = None
    default: Any = None
    form: bool = True
    boost: int = 1  # how many times the field's words count in search (0: not searched)
    facet: str | None = None  # the search parameter when a type lists the field as a facet
    per: str | None = None  # figure: the sibling field naming the row's indicator
    count: bool = False  # figure: always a whole count (households), whatever the indicator
    compare: str | None = None  # figure: the sibling target a realisation far above warns against

    @property
    def facet_name(self) -> str:
        """The name of this field's facet and search filter parameter."""
        return self.facet or self.name

    def label_in(self, lang: str = "id") -> str:
        """The field's label in ``lang``, falling back to Indonesian, then the name."""
        return self.label.get(lang) or self.label.get("id") or self.name

    def help_in(self, lang: str = "id") -> str:
        """The field's help text in ``lang``."""
        return self.help.get(lang) or self.help.get("id") or ""


@dataclass(frozen=True)
class Schema:
    """A document type: its fields (common ones included) and presentation."""

    type: str
    label: dict[str, str]
    plural: dict[str, str]
    description: dict[str, str]
    fields: dict[str, Field]
    listing: tuple[str, ...]
    facets: tuple[str, ...]
    contribute: tuple[str, ...]
    body_sections: tuple[str, ...] = ()
    path: Path | None = None

    def label_in(self, lang: str = "id") -> str:
        """The type's name in ``lang``."""
        return self.label.get(lang) or self.label["id"]

    def plural_in(self, lang: str = "id") -> str:
        """The type's plural name in ``lang``."""
        return self.plural.get(lang) or self.plural.get("id") or self.label_in(lang)

    def may_contribute(self, role: str) -> bool:
        """Whether a member with ``role`` may contribute documents of this type."""
        return role in self.contribute


def _field(name: str, spec: Any, where: str) -> Field:
    if not isinstance(spec, dict):
        raise SchemaError(f"{where}: field {name!r} must be a mapping")
    ftype = spec.get("type")
    if ftype not in FIELD_TYPES:
        raise SchemaError(f"{where}: field {name!r} has unknown type {ftype!r}")
    items = _field(name, spec["items"], where) if "items" in spec else None
    sub = {str(k): _field(str(k), v, where) for k, v in (spec.get("fields") or {}).items()}
    declared = Field(
        name=name,
        type=ftype,
        required=bool(spec.get("required", False)),
        label=dict(spec.get("label") or {}),
        help=dict(spec.get("help") or {}),
        values=tuple(str(v) for v in spec.get("values") or ()),
        ref=spec.get("ref"),
        document_type=spec.get("document_type"),
        items=items,
        fields=sub,
        max_length=spec.get("max_length"),
        min=spec.get("min"),
        max=spec.get("max"),
        default=spec.get("default"),
        form=bool(spec.get("form", True)),
        boost=int(spec.get("boost", 1)),
        facet=spec.get("facet"),
        per=spec.get("per"),
        count=bool(spec.get("count", False)),
        compare=spec.get("compare"),
    )
    problem = kind_of(declared).check_spec(declared)
    if problem:
        raise SchemaError(f"{where}: {problem}")
    return declared


def _read_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.safe_load(fh)
    except (OSError, yaml.YAMLError) as exc:
        raise SchemaError(f"{path}: {exc}") from exc


def _key_problems(node: yaml.Node, rel: str, known: tuple[str, ...], prefix: str = "") -> list[Problem]:
    """Keys of a schema mapping that no code reads (with the type's keys for a field)."""
    if not isinstance(node, yaml.MappingNode):
        return []
    problems = []
    for key_node, _value in node.value:
        key = str(key_node.value)
        if key not in known:
            line = key_node.start_mark.line + 1
            params = {"known": ", ".join(sorted(known))}
            problems.append(Problem(rel, line, f"{prefix}{key}", "schema_unknown_top_key", params))
    return problems


def _field_problems(name: str, node: yaml.Node, rel: str) -> list[Problem]:
    """Unknown types and keys of one field declaration and the fields inside it."""
    if not isinstance(node, yaml.MappingNode):
        return []
    values = {str(k.value): (k, v) for k, v in node.value}
    type_node = values.get("type", (None, None))[1]
    ftype = type_node.value if isinstance(type_node, yaml.ScalarNode) else None
    if ftype not in FIELD_TYPES:
        line = (type_node or node).start_mark.line + 1
        params = {"value": ftype, "known": ", ".join(sorted(FIELD_TYPES))}
        return [Problem(rel, line, f"{name}.type", "schema_unknown_type", params)]
    known = accepted_keys(ftype)
    problems = [
        Problem(
            rel,
            k.start_mark.line + 1,
            f"{name}.{key}",
            "schema_unknown_key",
            {"type": ftype, "known": ", ".join(sorted(known))},
        )
        for key, (k, _) in values.items()
        if key not in known
    ]
    if "items" in values and "items" in known:
        problems += _field_problems(f"{name}.items", values["items"][1], rel)
    if "fields" in values and "fields" in known and isinstance(values["fields"][1], yaml.MappingNode):
        for k, v in values["fields"][1].value:
            problems += _field_problems(f"{name}.{k.value}", v, rel)
    return problems


def schema_problems(content_root: Path) -> list[Problem]:
    """Every key of the schema files that no code reads, and every unknown field type, with its line."""
    folder = Path(content_root) / "_schemas"
    problems: list[Problem] = []
    for path in sorted(folder.glob("*.yml")):
        rel = path.relative_to(content_root).as_posix()
        try:
            node = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            problems.append(Problem(rel, 1, "", "schema_invalid", {"detail": str(exc)}))
            continue
        if not isinstance(node, yaml.MappingNode):
            continue
        known = COMMON_SCHEMA_KEYS if path.name.startswith("_") else SCHEMA_KEYS
        problems += _key_problems(node, rel, known)
        for key_node, value_node in node.value:
            if key_node.value == "fields" and isinstance(value_node, yaml.MappingNode):
                for k, v in value_node.value:
                    problems += _field_problems(str(k.value), v, rel)
    return problems


def load_schemas(content_root: Path) -> dict[str, Schema]:
    """Read every ``content/_schemas/<type>.yml``, common fields merged in."""
    folder = Path(content_root) / "_schemas"
    problems = schema_problems(Path(content_root))
    if problems:
        raise SchemaError(problems[0].format("en"))
    common_path = folder / "_common.yml"
    common = _read_yaml(common_path) if common_path.exists() else {}
    common_fields = {str(k): _field(str(k), v, str(common_path)) for k, v in (common.get("fields") or {}).items()}
    schemas: dict[str, Schema] = {}
    for path in sorted(folder.glob("*.yml")):
        if path.name.startswith("_"):
            continue
        data = _read_yaml(path)
        if not isinstance(data, dict) or data.get("type") != path.stem:
            raise SchemaError(f"{path}: 'type' must be {path.stem!r}")
        own = {str(k): _field(str(k), v, str(path)) for k, v in (data.get("fields") or {}).items()}
        fields = {**common_fields, **own}
        for column in list(data.get("listing") or []) + list(data.get("facets") or []):
            if column not in fields:
                raise SchemaError(f"{path}: listing/facet {column!r} is not a field")
        for role in data.get("contribute") or []:
            if role not in ROLES:
                raise SchemaError(f"{path}: unknown role {role!r}")
        schemas[path.stem] = Schema(
            type=path.stem,
            label=dict(data.get("label") or {"id": path.stem}),
            plural=dict(data.get("plural") or data.get("label") or {"id": path.stem}),
            description=dict(data.get("description") or {}),
            fields=fields,
            listing=tuple(data.get("listing") or ("title", "date")),
            facets=tuple(data.get("facets") or ()),
            contribute=tuple(data.get("contribute") or ()),
            body_sections=tuple(data.get("body_sections") or ()),
            path=path,
        )
    if not schemas:
        raise SchemaError(f"{folder}: no document schemas found")
    return schemas


@dataclass(frozen=True)
class Region:
    """A province, a district (kabupaten/kota) or the nation."""

    code: str
    name: str
    level: str  # nasional, provinsi, kabkota
    province: str | None = None  # the province code of a district

    @property
    def province_code(self) -> str | None:
        """The province this region is in (itself for a province, None for the nation)."""
        if self.level == "provinsi":
            return self.code
        return self.province


@dataclass(frozen=True)
class Indicator:
    """An indicator of the catalogue and how its figures aggregate."""

    id: str
    name: dict[str, str]
    unit: str
    aggregation: str  # sum or weighted_mean
    base: dict[str, str] = field(default_factory=dict)
    kind: str = "measure"  # count (whole numbers: units, households), percent, or measure (hectares)

    def name_in(self, lang: str = "id") -> str:
        """The indicator's name in ``lang``."""
        return self.name.get(lang) or self.name["id"]


@dataclass(frozen=True)
class RefItem:
    """An entry of a simple labelled list (tags, stakeholder groups, references)."""

    id: str
    label: dict[str, str]
    description: dict[str, str] = field(default_factory=dict)

    def label_in(self, lang: str = "id") -> str:
        """The entry's label in ``lang``."""
        return self.label.get(lang) or self.label.get("id") or self.id


@dataclass(frozen=True)
class Abbreviation:
    """One entry of content/_data/singkatan.yml: an acronym and its long forms."""

    acronym: str
    expansion: str
    variants: tuple[str, ...] = ()
    regulation: bool = False
    source: str = ""


@dataclass(frozen=True)
class Identity:
    """The Pokja that runs the site (content/_data/identitas.yml): name, logo, address, contact, data licence."""

    name: str = "Pokja PKP"
    site_name: str = "Rumah Pengetahuan Pokja PKP"
    logo: str = ""
    address: str = ""
    email: str = ""
    phone: str = ""
    license_id: str = ""
    license_name: str = ""
    license_url: str = ""
    example: bool = False

    def license_record(self) -> dict[str, str]:
        """The data licence as the open-data exports carry it."""
        return {"id": self.license_id, "name": self.license_name, "url": self.license_url}


def load_identity(folder: Path) -> Identity:
    """Read ``identitas.yml`` from a content/_data folder; the defaults when the file is absent."""
    path = folder / "identitas.yml"
    if not path.is_file():
        return Identity()
    data = _read_yaml(path)
    if not isinstance(data, dict) or not data.get("name"):
        raise SchemaError(f"{path}: expected a mapping with at least 'name'")
    lic = data.get("license") or {}
    return Identity(
        name=str(data["name"]),
        site_name=str(data.get("site_name") or Identity.site_name),
        logo=str(data.get("logo") or ""),
        address=str(data.get("address") or ""),
        email=str(data.get("email") or ""),
        phone=str(data.get("phone") or ""),
        license_id=str(lic.get("id") or ""),
        license_name=str(lic.get("name") or ""),
        license_url=str(lic.get("url") or ""),
        example=bool(data.get("example")),
    )


@dataclass
class RefData:
    """All reference lists of content/_data."""

    regions: dict[str, Region]
    tags: dict[str, RefItem]
    groups: dict[str, RefItem]
    references: dict[str, RefItem]
    indicators: dict[str, Indicator]
    region_source: str = ""
    abbreviations: tuple[Abbreviation, ...] = ()
    identity: Identity = field(default_factory=Identity)

    def provinces(self) -> list[Region]:
        """Provinces in code order."""
        return [r for r in self.regions.values() if r.level == "provinsi"]

    def values_for(self, ref: str) -> dict[str, Any]:
        """The known ids of one reference kind (not documents)."""
        return {
            "region": self.regions,
            "tag": self.tags,
            "stakeholder_group": self.groups,
            "reference": self.references,
            "indicator": self.indicators,
        }[ref]


def _items(data: Any, key: str, path: Path) -> list[RefItem]:
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        raise SchemaError(f"{path}: expected a list under {key!r}")
    return [
        RefItem(id=str(e["id"]), label=dict(e.get("label") or {}), description=dict(e.get("description") or {}))
        for e in data[key]
    ]


def load_refdata(content_root: Path) -> RefData:
    """Read the reference lists in ``content/_data``."""
    folder = Path(content_root) / "_data"
    wilayah_path = folder / "wilayah.yml"
    wilayah = _read_yaml(wilayah_path)
    regions: dict[str, Region] = {}
    national = wilayah.get("national") or {"code": "00", "name": "Nasional"}
    regions[str(national["code"])] = Region(str(national["code"]), str(national["name"]), "nasional")
    for prov in wilayah.get("provinces") or []:
        code = str(prov["code"])
        regions[code] = Region(code, str(prov["name"]), "provinsi")
        for dist in prov.get("districts") or []:
            dcode = str(dist["code"])
            if not dcode.startswith(code + "."):
                raise SchemaError(f"{wilayah_path}: district {dcode} is not under province {code}")
            regions[dcode] = Region(dcode, str(dist["name"]), "kabkota", province=code)
    ind_path = folder / "indikator.yml"
    ind_data = _read_yaml(ind_path)
    indicators = {}
    for e in ind_data.get("indicators") or []:
        if e.get("kind", "measure") not in ("count", "percent", "measure"):
            raise SchemaError(f"{ind_path}: indicator {e.get('id')!r}: kind must be count, percent or measure")
        if e.get("aggregation") not in ("sum", "weighted_mean"):
            raise SchemaError(f"{ind_path}: indicator {e.get('id')!r}: aggregation must be sum or weighted_mean")
        indicators[str(e["id"])] = Indicator(
            id=str(e["id"]),
            name=dict(e["name"]),
            unit=str(e["unit"]),
            aggregation=e["aggregation"],
            base=dict(e.get("base") or {}),
            kind=str(e.get("kind") or "measure"),
        )
    return RefData(
        regions=regions,
        tags={t.id: t for t in _items(_read_yaml(folder / "tags.yml"), "tags", folder / "tags.yml")},
        groups={g.id: g for g in _items(_read_yaml(folder / "kelompok.yml"), "groups", folder / "kelompok.yml")},
        references={r.id: r for r in _items(_read_yaml(folder / "rujukan.yml"), "references", folder / "rujukan.yml")},
        indicators=indicators,
        region_source=str(wilayah.get("source") or ""),
        abbreviations=load_abbreviations(folder / "singkatan.yml"),
        identity=load_identity(folder),
    )


def load_abbreviations(path: Path) -> tuple[Abbreviation, ...]:
    """The acronyms of ``path`` (none when the file is absent); SchemaError names a bad entry."""
    if not path.exists():
        return ()
    data = _read_yaml(path)
    entries = data.get("abbreviations") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise SchemaError(_("singkatan_bad_entry", path=path, number=0, reason="abbreviations: [...]"))
    out, seen = [], set()
    for number, e in enumerate(entries, start=1):
        reason = _abbreviation_problem(e)
        if reason:
            raise SchemaError(_("singkatan_bad_entry", path=path, number=number, reason=reason))
        item = Abbreviation(
            str(e["acronym"]),
            str(e["expansion"]),
            tuple(e.get("variants") or ()),
            bool(e.get("regulation")),
            str(e.get("source") or ""),
        )
        for form in (item.acronym, item.expansion, *item.variants):
            if form.lower() in seen:
                raise SchemaError(_("singkatan_duplicate", path=path, form=form))
            seen.add(form.lower())
        out.append(item)
    return tuple(out)


def _abbreviation_problem(e: Any) -> str:
    """Why one entry is not valid ('' when it is)."""
    if not isinstance(e, dict):
        return "mapping {acronym, expansion}"
    unknown = set(e) - {"acronym", "expansion", "variants", "regulation", "source"}
    if unknown:
        return ", ".join(sorted(map(str, unknown)))
    acronym, expansion = e.get("acronym"), e.get("expansion")
    if not isinstance(acronym, str) or not re.fullmatch(r"[A-Za-z][A-Za-z0-9]{1,14}", acronym):
        return f"acronym {acronym!r}"
    if not isinstance(expansion, str) or len(expansion.split()) < 1 or expansion.lower() == acronym.lower():
        return f"expansion {expansion!r}"
    variants = e.get("variants") or []
    if not isinstance(variants, list) or not all(isinstance(v, str) and v.strip() for v in variants):
        return f"variants {variants!r}"
    if not isinstance(e.get("regulation", False), bool) or not isinstance(e.get("source", ""), str):
        return "regulation: true|false, source: text"
    return ""
