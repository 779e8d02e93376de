"""Forms generated from the schemas; posted values checked by the one validator, errors mapped to fields."""

from __future__ import annotations

import datetime as dt

import pytest
from werkzeug.datastructures import MultiDict

from flask_app import forms
from site_builder.schemas import load_refdata, load_schemas
from tests.conftest import CONTENT


@pytest.fixture(scope="module")
def meta():
    return load_schemas(CONTENT), load_refdata(CONTENT)


def by_name(fields):
    out = {}
    for f in fields:
        out[f.name] = f
        out.update(by_name(f.children))
        for row in f.rows:
            out.update(by_name(row))
    return out


def lesson_values(**changes):
    values = MultiDict(
        {
            "title": "Pelajaran dari bedah rumah",
            "summary": "Apa yang berhasil.",
            "date": "2024-05-02",
            "contributor.name": "Siti",
            "contributor.institution": "Dinas Perkim",
            "stakeholder_group": "regulator",
            "period.start": "2023",
            "period.end": "2024",
            "body": "## Latar belakang\r\n\r\nIsi.",
        }
    )
    values.setlist("tags", ["rtlh", "swadaya"])
    values.setlist("region", ["33", "33.74"])
    for key, value in changes.items():
        values[key.replace("__", ".")] = value
    return values


def check(meta, values, doc_type="pembelajaran"):
    schemas, refdata = meta
    schema = schemas[doc_type]
    data = forms.parse_form(schema, values)
    names = forms.field_names(forms.form_fields(schema, refdata, values=values))
    return data, forms.validate(schema, schemas, refdata, data, forms.parse_body(values), names=names, lang="id")


def test_lesson_form_has_every_form_field_with_choices_from_reference_data(meta):
    schemas, refdata = meta
    fields = by_name(forms.form_fields(schemas["pembelajaran"], refdata))
    # form: false fields (updated, attachments, lang, example, contribution) are not offered.
    assert not {"updated", "attachments", "lang", "example", "contribution"} & set(fields)
    assert fields["title"].widget == "text" and fields["title"].required and fields["title"].max_length == 200
    assert fields["summary"].widget == "textarea"
    assert fields["date"].widget == "date"
    assert fields["contributor"].widget == "group"
    assert fields["contributor.name"].required and not fields["contributor.institution"].required
    assert fields["stakeholder_group"].widget == "select"
    assert [c[0] for c in fields["stakeholder_group"].choices] == list(refdata.groups)
    assert fields["tags"].widget == "multiselect"
    assert [c[0] for c in fields["tags"].choices] == list(refdata.tags)
    assert ("33", "Jawa Tengah (33)") in fields["region"].choices
    assert fields["period.start"].widget == "number" and fields["period.start"].min == 1900


def test_module_form_has_rows_for_sessions_and_lines_for_lists(meta):
    schemas, refdata = meta
    values = MultiDict({"sessions.0.title": "Pembukaan", "sessions.0.minutes": "30", "sessions.1.title": "Diskusi"})
    fields = by_name(forms.form_fields(schemas["modul"], refdata, values=values))
    assert fields["objectives"].widget == "lines"
    assert fields["level"].choices == [("dasar", "dasar"), ("lanjutan", "lanjutan")]
    # two filled rows and one blank row
    assert len(fields["sessions"].rows) == 3
    assert "sessions.2.method" in fields


def test_valid_lesson_parses_to_front_matter_and_validates(meta):
    data, (doc, errors) = check(meta, lesson_values())
    assert errors == {}
    assert data["contributor"] == {"name": "Siti", "institution": "Dinas Perkim"}
    assert data["tags"] == ["rtlh", "swadaya"]
    assert data["period"] == {"start": 2023, "end": 2024}
    assert doc is not None and doc.meta["date"] == dt.date(2024, 5, 2)
    assert doc.body.lstrip("\n") == "## Latar belakang\n\nIsi.\n"  # CRLF from browsers becomes LF


def test_form_values_round_trip(meta):
    schemas, _ = meta
    data, _ = check(meta, lesson_values())
    again = forms.to_form_values(schemas["pembelajaran"], data, "Isi.\n")
    assert forms.parse_form(schemas["pembelajaran"], again) == data
    assert again.getlist("region") == ["33", "33.74"]


def test_module_rows_and_lines_parse(meta):
    values = MultiDict(
        {
            "title": "Modul dasar",
            "summary": "Ringkas.",
            "date": "2024-01-01",
            "objectives": "Memahami Pokja\r\n\r\nMenyusun program\r\n",
            "audience": "Anggota Pokja",
            "level": "dasar",
            "duration_minutes": "90",
            "sessions.0.title": "Pembukaan",
            "sessions.0.minutes": "30",
            "sessions.1.title": "",
            "sessions.1.minutes": "",
            "body": "Isi.",
        }
    )
    data, (_doc, errors) = check(meta, values, "modul")
    assert errors == {}
    assert data["objectives"] == ["Memahami Pokja", "Menyusun program"]
    assert data["sessions"] == [{"title": "Pembukaan", "minutes": 30}]  # the empty row is dropped


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ""}, "title", "Judul wajib diisi."),
        ({"contributor__name": ""}, "contributor.name", "Nama wajib diisi."),
        ({"title": "x" * 1_048_576}, "title", "terlalu panjang (1048576 karakter; paling banyak 200)"),
        ({"date": "2024-13-45"}, "date", "'2024-13-45' bukan tanggal (format YYYY-MM-DD)"),
        ({"period__start": "dua ribu"}, "period.start", "'dua ribu' bukan tahun (1900-2100)"),
        (
            {"stakeholder_group": "alien"},
            "stakeholder_group",
            "'alien' bukan kelompok pemangku kepentingan yang dikenal (lihat content/_data/kelompok.yml)",
        ),
        ({"body": "   "}, "body", "Isi tulisan wajib diisi."),
    ],
)
def test_bad_input_gives_the_exact_indonesian_message_at_its_field(meta, changes, field, message):
    _data, (doc, errors) = check(meta, lesson_values(**changes))
    assert doc is None
    assert errors[field] == [message]


def test_unknown_region_is_reported_on_the_region_field(meta):
    values = lesson_values()
    values.setlist("region", ["33", "99"])
    _data, (_doc, errors) = check(meta, values)
    assert errors["region"] == ["'99' bukan kode wilayah yang dikenal (lihat content/_data/wilayah.yml)"]


def test_front_matter_is_serialised_by_yaml_so_values_cannot_inject_keys(meta):
    # A value that tries to close the front-matter and add a key stays one string.
    values = lesson_values(summary="a\n---\nexample: true\ntitle: lain")
    _data, (doc, errors) = check(meta, values)
    assert errors == {}
    assert doc.meta["summary"] == "a\n---\nexample: true\ntitle: lain"
    assert "example" not in doc.meta and doc.meta["title"] == "Pelajaran dari bedah rumah"


def test_control_characters_are_dropped_so_the_file_stays_text(meta):
    _data, (doc, errors) = check(meta, lesson_values(title="Judul\x00 dengan\x1b NUL", body="Isi\x00.\r\n"))
    assert errors == {}
    assert doc.meta["title"] == "Judul dengan NUL"
    assert "\x00" not in doc.body


def test_markup_the_site_build_cannot_read_is_refused_in_the_body(meta):
    _data, (doc, errors) = check(meta, lesson_values(body="Teks <![><img src=x> lagi"))
    assert doc is None
    assert errors["body"] == [
        "Isi tulisan memuat penanda HTML yang tidak dapat dibaca (di dekat '<![><img src=x> lagi'). "
        "HTML tidak diizinkan; hapus penanda itu."
    ]
