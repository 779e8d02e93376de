"""Rows of a list-of-objects control: "Tambah baris", "Hapus baris", empty rows dropped, rows numbered again."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from flask_app import forms
from site_builder.fields import MAX_ROWS, form_control, kind_of, parse_action
from site_builder.fields.base import FormContext
from site_builder.schemas import load_refdata, load_schemas
from tests.conftest import CONTENT


@pytest.fixture(scope="module")
def meeting():
    return load_schemas(CONTENT)["keputusan"], load_refdata(CONTENT)


def rows(**texts: str) -> MultiDict:
    values = MultiDict({"title": "Rapat"})
    for key, value in texts.items():
        values[key.replace("__", ".")] = value
    return values


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("add:decisions", ("add", "decisions")),
        ("remove:decisions.2", ("remove", "decisions.2")),
        ("hapus:decisions", None),
        ("add:", None),
        ("", None),
        (None, None),
    ],
)
def test_row_actions_are_read_strictly(raw, expected):
    assert parse_action(raw) == expected


def test_hapus_baris_drops_the_row_and_numbers_the_rest_again(meeting):
    schema, _refdata = meeting
    values = rows(
        decisions__0__text="satu", decisions__1__text="dua", decisions__2__text="tiga", row_action="remove:decisions.1"
    )
    assert forms.apply_row_action(schema, values) is True
    assert [values.get(f"decisions.{i}.text") for i in range(3)] == ["satu", "tiga", None]
    assert "row_action" not in values


def test_tambah_baris_asks_for_one_more_empty_row_and_the_form_shows_it(meeting):
    schema, refdata = meeting
    values = rows(decisions__0__text="satu", row_action="add:decisions")
    assert forms.apply_row_action(schema, values) is True
    assert values["decisions._blank"] == "2"
    control = form_control(schema.fields["decisions"], "decisions", FormContext(refdata, values=values))
    assert len(control.rows) == 3 and control.blank == 2  # the filled row and two empty ones
    assert [c.name for c in control.template][:2] == ["decisions.__i__.no", "decisions.__i__.text"]


def test_empty_rows_are_dropped_on_every_post_and_no_action_means_none_handled(meeting):
    schema, _refdata = meeting
    values = rows(decisions__0__text="", decisions__3__text="empat", decisions__3__no="4")
    assert forms.apply_row_action(schema, values) is False
    assert values.get("decisions.0.text") == "empat" and values.get("decisions.0.no") == "4"
    assert not any(k.startswith(("decisions.1.", "decisions.3.")) for k in values)
    assert kind_of(schema.fields["decisions"]).parse(schema.fields["decisions"], "decisions", values) == [
        {"no": 4, "text": "empat"}
    ]


def test_removing_an_empty_row_offers_one_empty_row_fewer(meeting):
    schema, _refdata = meeting
    values = rows(decisions__0__text="satu", decisions__1__text="", row_action="remove:decisions.1")
    values["decisions._blank"] = "2"
    forms.apply_row_action(schema, values)
    assert values["decisions._blank"] == "1"


@pytest.mark.parametrize(("posted", "blank"), [("banyak", "1"), ("-5", "0"), ("9999", str(MAX_ROWS))])
def test_a_posted_blank_count_is_bounded(meeting, posted, blank):
    schema, _refdata = meeting
    values = rows()
    values["decisions._blank"] = posted
    forms.apply_row_action(schema, values)
    assert values["decisions._blank"] == blank


def test_tambah_baris_stops_at_the_row_limit(meeting):
    schema, _refdata = meeting
    values = rows(**{f"decisions__{i}__text": f"k{i}" for i in range(MAX_ROWS)}, row_action="add:decisions")
    forms.apply_row_action(schema, values)
    assert values["decisions._blank"] == "0"
