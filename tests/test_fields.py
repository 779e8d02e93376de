"""The field-type registry: one class per schema type, each owning validation, display, skeleton,
search values and serialisation; the schema files checked for keys no code reads."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from flask_app.cli import main
from site_builder.content import document_text, load, parse_document
from site_builder.fields import FIELD_TYPES, CellContext, kind_of
from site_builder.frontmatter import parse_front_matter
from site_builder.schemas import Field, SchemaError, load_refdata, load_schemas
from tests.conftest import CONTENT, base_meta, write_doc

SCHEMA_TYPES = [
    "string",
    "text",
    "integer",
    "number",
    "figure",
    "boolean",
    "date",
    "year",
    "enum",
    "ref",
    "list",
    "object",
]


@pytest.fixture(scope="module")
def refdata():
    return load_refdata(CONTENT)


@pytest.fixture(scope="module")
def corpus():
    return load(CONTENT)


def test_every_schema_type_has_its_class() -> None:
    assert set(SCHEMA_TYPES) | {"attachment"} == set(FIELD_TYPES)
    assert {name: cls.name for name, cls in FIELD_TYPES.items()} == {name: name for name in FIELD_TYPES}


def test_cells_show_values_as_text_or_site_relative_links(refdata, corpus) -> None:
    ctx = CellContext(refdata, corpus.by_slug, "id")
    program = corpus.of_type("program")[0]
    cases = [
        (Field("d", "date"), dt.date(2024, 3, 1), "1 Maret 2024"),
        (Field("n", "integer"), 1500000, "1.500.000"),
        (Field("y", "year"), 2024, "2024"),
        (Field("b", "boolean"), True, "Ya"),
        (Field("e", "enum", values=("a", "b")), "b", "b"),
        (Field("r", "ref", ref="region"), "33", ("wilayah/33/", refdata.regions["33"].name)),
        (Field("r", "ref", ref="region"), "00", ("wilayah/#nasional", refdata.regions["00"].name)),
        (Field("t", "ref", ref="tag"), "rtlh", ("tag/rtlh/", refdata.tags["rtlh"].label_in("id"))),
        (Field("g", "ref", ref="stakeholder_group"), "regulator", refdata.groups["regulator"].label_in("id")),
        (Field("p", "ref", ref="document"), program.slug, (f"program/{program.slug}/", program.title)),
        (Field("x", "ref", ref="tag"), "tidak-ada", "tidak-ada"),
        (
            Field("l", "list", items=Field("l", "ref", ref="tag")),
            ["rtlh", "mbr"],
            f"{refdata.tags['rtlh'].label_in('id')}, {refdata.tags['mbr'].label_in('id')}",
        ),
        (
            Field("o", "object", fields={"kind": Field("kind", "string"), "place": Field("place", "string")}),
            {"kind": "Rapat", "place": "Semarang"},
            "Rapat · Semarang",
        ),
    ]
    for spec, value, expected in cases:
        assert kind_of(spec).cell(spec, value, ctx) == expected, spec
    english = CellContext(refdata, corpus.by_slug, "en")
    assert kind_of(Field("d", "date")).cell(Field("d", "date"), dt.date(2024, 3, 1), english) == "1 March 2024"
    assert kind_of(Field("b", "boolean")).cell(Field("b", "boolean"), False, english) == "No"
    assert kind_of(Field("n", "number")).cell(Field("n", "number"), 90.5, english) == "90.50"


def test_search_text_and_facet_values_come_from_the_type() -> None:
    regions = Field("region", "list", items=Field("region", "ref", ref="region"))
    assert kind_of(regions).facet_values(regions, ["33.01", "33", "32"]) == ["33", "33.01", "32"]
    assert kind_of(regions).search_text(regions, ["33"]) == ["33"]
    minutes = Field("m", "integer")
    assert kind_of(minutes).search_text(minutes, 90) == []
    person = Field("c", "object", fields={"name": Field("name", "string"), "n": Field("n", "integer")})
    assert kind_of(person).search_text(person, {"name": "Siti", "n": 3}) == ["Siti"]


def test_skeleton_values_are_valid_placeholders() -> None:
    assert kind_of(Field("e", "enum", values=("x", "y"))).skeleton(Field("e", "enum", values=("x", "y"))) == "x"
    assert kind_of(Field("r", "ref", ref="region")).skeleton(Field("r", "ref", ref="region")) == "00"
    assert kind_of(Field("d", "date")).skeleton(Field("d", "date")) == dt.date.today()
    listed = Field("l", "list", items=Field("l", "integer", min=5))
    assert kind_of(listed).skeleton(listed) == [5]


def test_every_starter_document_survives_a_round_trip(corpus) -> None:
    assert corpus.documents
    for doc in corpus.documents:
        text = document_text(doc.meta, doc.body, corpus.schemas[doc.type])
        again, problems, _ = parse_document(text, doc.rel_path, corpus.schemas, corpus.refdata)
        assert again is not None, [p.format() for p in problems]
        assert again.meta == doc.meta, doc.rel_path
        assert again.body == doc.body


def test_serialiser_writes_dates_as_iso_dates(corpus) -> None:
    schema = corpus.schemas["pedoman"]
    text = document_text({"title": "X", "date": dt.datetime(2024, 3, 1, 10, 30), "review_by": "2025-01-31"}, "", schema)
    assert "date: 2024-03-01\n" in text and "review_by: 2025-01-31\n" in text
    data = parse_front_matter(text)[0]
    assert data["date"] == dt.date(2024, 3, 1) and data["review_by"] == dt.date(2025, 1, 31)


def test_check_names_kinds_in_english(empty_tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_doc(empty_tree, "pedoman", "tag-teks", base_meta("Pedoman", tags="rtlh", issuer="X", status="draf"))
    assert main(["check", str(empty_tree), "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert f"{empty_tree.as_posix()}/pedoman/tag-teks.md:7: tags: expected a list, found text" in out.splitlines()
    assert main(["check", str(empty_tree)]) == 1
    assert "tags: harus berupa daftar, ditemukan teks" in capsys.readouterr().out


def _schema_tree(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(CONTENT / "_schemas", root / "_schemas")
    shutil.copytree(CONTENT / "_data", root / "_data")
    return root


def test_check_reports_schema_keys_no_code_reads(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _schema_tree(tmp_path)
    path = root / "_schemas" / "pembelajaran.yml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("facets: [", "facet: [").replace("    required: true\n", "    requried: true\n", 1)
    text += "  scale:\n    type: enum\n    values: [desa, kota]\n    lable: {id: Skala}\n    max_length: 3\n"
    text += "  odd:\n    type: teks\n"
    path.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    where = {key: lines.index(next(x for x in lines if x.strip().startswith(key))) + 1 for key in ("facet:", "requ")}
    scale = lines.index("  scale:") + 1
    assert main(["check", str(root), "--lang", "en"]) == 1
    out = capsys.readouterr().out.splitlines()
    prefix = f"{root.as_posix()}/_schemas/pembelajaran.yml"
    assert out[0] == f"{prefix}:{where['facet:']}: facet: unknown schema key; known keys: " + ", ".join(
        sorted(("type", "label", "plural", "description", "listing", "facets", "contribute", "body_sections", "fields"))
    )
    assert out[1].startswith(f"{prefix}:{where['requ']}: contributor.requried: unknown key for a field of type object;")
    assert out[2].startswith(f"{prefix}:{scale + 3}: scale.lable: unknown key for a field of type enum; known keys: ")
    assert out[3].startswith(f"{prefix}:{scale + 4}: scale.max_length: unknown key for a field of type enum;")
    assert out[4].startswith(f"{prefix}:{scale + 6}: odd.type: unknown field type 'teks'; known types: attachment, ")
    assert len(out) == 5
    assert main(["check", str(root)]) == 1
    assert "contributor.requried: kunci tidak dikenal untuk bidang berjenis object" in capsys.readouterr().out
    with pytest.raises(SchemaError, match="facet: unknown schema key"):
        load_schemas(root)


def test_each_type_declares_the_keys_it_reads(tmp_path: Path) -> None:
    root = _schema_tree(tmp_path)
    path = root / "_schemas" / "modul.yml"
    path.write_text(
        path.read_text(encoding="utf-8") + "  rating:\n    type: integer\n    min: 1\n    max: 5\n    values: [a]\n",
        encoding="utf-8",
    )
    with pytest.raises(SchemaError, match=r"rating\.values: unknown key for a field of type integer"):
        load_schemas(root)
