"""Forms for all six document types: each renders, a valid submission of each passes the one validator,
rows are added and removed without scripts ("Tambah baris" / "Hapus baris"), long lists are searchable,
references are chosen by title, attachments are replaced by a file of the same type only."""

from __future__ import annotations

import html as htmllib
import re
from typing import Any

import pytest
from werkzeug.datastructures import MultiDict

from flask_app import forms
from flask_app.submissions import Submission
from site_builder.schemas import load_refdata, load_schemas
from tests.conftest import CONTENT
from tests.flask.test_contribute import form_page, lesson_data, post_form
from tests.flask.test_uploads import PNG, small_pdf

BODY = "## Isi\n\nCatatan lengkap."
COMMON = {"summary": "Ringkasan singkat.", "date": "2025-03-04", "region": ["33"], "tags": ["koordinasi"]}

# type -> (role, posted form, what the stored front-matter holds)
VALID: dict[str, tuple[str, dict[str, Any], dict[str, Any]]] = {
    "keputusan": (
        "sekretariat",
        {
            "title": "Rapat pleno Pokja PKP Jawa Tengah Maret 2025",
            "meeting.kind": "pleno",
            "meeting.place": "Semarang",
            "attendees": "Dinas Perkim\r\nBappeda\r\n",
            "decisions.0.no": "1",
            "decisions.0.text": "Pendataan RTLH diperbarui.",
            "decisions.0.owner": "Dinas Perkim",
            "decisions.0.due": "2025-06-30",
            "decisions.0.status": "terbuka",
            "decisions.1.no": "2",
            "decisions.1.text": "Forum CSR dibentuk.",
            "decisions.1.status": "selesai",
        },
        {
            "meeting": {"kind": "pleno", "place": "Semarang"},
            "attendees": ["Dinas Perkim", "Bappeda"],
            "decisions": [
                {
                    "no": 1,
                    "text": "Pendataan RTLH diperbarui.",
                    "owner": "Dinas Perkim",
                    "due": "2025-06-30",
                    "status": "terbuka",
                },
                {"no": 2, "text": "Forum CSR dibentuk.", "status": "selesai"},
            ],
        },
    ),
    "program": (
        "sekretariat",
        {
            "title": "Bedah rumah Jawa Tengah 2025",
            "period.start": "2025",
            "period.end": "2026",
            "lead_agency": "Dinas Perkim Provinsi Jawa Tengah",
            "partners": "Baznas",
            "funding.0.source": "APBD provinsi",
            "funding.0.amount_idr": "1500000000",
            "targets.0.indicator": "rtlh-ditangani",
            "targets.0.region": "33",
            "targets.0.year": "2025",
            "targets.0.target": "10.850",
            "targets.0.realization": "2.500",
            "alignment": ["rpjmn"],
            "status": "berjalan",
        },
        {
            "period": {"start": 2025, "end": 2026},
            "funding": [{"source": "APBD provinsi", "amount_idr": 1500000000}],
            "targets": [
                {"indicator": "rtlh-ditangani", "region": "33", "year": 2025, "target": 10850, "realization": 2500}
            ],
            "alignment": ["rpjmn"],
        },
    ),
    "profil": (
        "sekretariat",
        {
            "title": "Pokja PKP Provinsi Jawa Tengah (uji)",
            "level": "provinsi",
            "sk.number": "050/12/2024",
            "sk.date": "2024-02-01",
            "sk.issuer": "Gubernur Jawa Tengah",
            "members.0.role": "ketua",
            "members.0.institution": "Bappeda",
            "members.0.stakeholder_group": "regulator",
            "members.1.role": "anggota",
            "members.1.institution": "REI",
            "members.1.stakeholder_group": "penyedia",
        },
        {
            "sk": {"number": "050/12/2024", "date": "2024-02-01", "issuer": "Gubernur Jawa Tengah"},
            "members": [
                {"role": "ketua", "institution": "Bappeda", "stakeholder_group": "regulator"},
                {"role": "anggota", "institution": "REI", "stakeholder_group": "penyedia"},
            ],
        },
    ),
    "pedoman": (
        "sekretariat",
        {
            "title": "Pedoman pendataan RTLH (uji)",
            "issuer": "Dinas Perkim",
            "legal_basis": "UU No. 1 Tahun 2011",
            "version": "1.0",
            "status": "berlaku",
            "review_by": "2027-01-01",
            "related": ["pengertian-pokja-pkp"],
        },
        {"legal_basis": ["UU No. 1 Tahun 2011"], "status": "berlaku", "related": ["pengertian-pokja-pkp"]},
    ),
    "modul": (
        "pelatih",
        {
            "title": "Modul pendataan (uji)",
            "objectives": "Memahami pendataan\r\nMenyusun daftar",
            "audience": "Anggota Pokja",
            "level": "dasar",
            "duration_minutes": "90",
            "sessions.0.title": "Pembukaan",
            "sessions.0.minutes": "30",
            "sessions.1.title": "Praktik",
            "sessions.1.minutes": "60",
            "sessions.1.method": "studi kasus",
        },
        {
            "sessions": [
                {"title": "Pembukaan", "minutes": 30},
                {"title": "Praktik", "minutes": 60, "method": "studi kasus"},
            ]
        },
    ),
    "pembelajaran": (
        "sekretariat",
        {k: v for k, v in lesson_data(program="peningkatan-kualitas-rtlh-jawa-tengah").items() if k != "action"},
        {"program": "peningkatan-kualitas-rtlh-jawa-tengah", "contributor": {"name": "Siti Aminah"}},
    ),
}


def text(response: Any) -> str:
    return htmllib.unescape(response.get_data(as_text=True))


def posted(doc_type: str, client: Any, **changes: Any) -> Any:
    """Post ``doc_type``'s valid form (with ``changes``), fetched first for its tokens."""
    _page, csrf, token = form_page(client, f"/kontribusi/{doc_type}/baru")
    data = {**COMMON, "body": BODY, "action": "submit", **VALID[doc_type][1], "csrf_token": csrf, "form_token": token}
    data.update({k.replace("__", "."): v for k, v in changes.items()})
    return client.post(f"/kontribusi/{doc_type}/baru", data={k: v for k, v in data.items() if v is not None})


def stored(app: Any, response: Any) -> Any:
    """The stored submission a 303 to its "terkirim" page names: type, data, attachments."""
    from types import SimpleNamespace

    from flask_app.db import session_scope

    sid = int(re.search(r"/terkirim/(\d+)", response.headers["Location"]).group(1))
    with app.app_context(), session_scope() as db:
        sub = db.get(Submission, sid)
        attachments = [
            SimpleNamespace(stored_name=a.stored_name, original_name=a.original_name, title=a.title)
            for a in sub.attachments
        ]
        return SimpleNamespace(type=sub.type, data=sub.data, attachments=attachments)


def subset(expected: Any, actual: Any) -> bool:
    """Whether every key of ``expected`` is in ``actual`` with that value (dates compared as text)."""
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(k in actual and subset(v, actual[k]) for k, v in expected.items())
    if isinstance(expected, list):
        return isinstance(actual, list) and len(expected) == len(actual) and all(map(subset, expected, actual))
    return str(expected) == str(actual)


def test_the_contribution_page_offers_every_type_the_secretariat_may_create(logged_in):
    page = text(logged_in("sekretariat").get("/kontribusi/"))
    for doc_type in ("keputusan", "program", "profil", "pedoman", "pembelajaran"):
        assert f'href="/kontribusi/{doc_type}/baru"' in page
    assert 'href="/kontribusi/modul/baru"' not in page  # training modules are the trainers'
    anggota = text(logged_in("anggota").get("/kontribusi/"))
    assert 'href="/kontribusi/keputusan/baru"' not in anggota and 'href="/kontribusi/pembelajaran/baru"' in anggota


@pytest.mark.parametrize("doc_type", sorted(VALID))
def test_every_type_has_a_form_with_its_rows_and_a_template_row(logged_in, doc_type):
    role, form, _expected = VALID[doc_type]
    page = text(logged_in(role).get(f"/kontribusi/{doc_type}/baru"))
    for name in form:
        if name.split(".")[0] in ("decisions", "targets", "funding", "members", "sessions") and ".1." in name:
            continue  # the second row comes with "Tambah baris"
        assert f'name="{name}"' in page, name
    for rows in re.findall(r'data-rows="([^"]+)"', page):
        # one empty row, a template row for the page's script, and the button that works without it
        assert f'name="{rows}.0.' in page and f'name="{rows}.__i__.' in page
        assert f'value="add:{rows}"' in page and f'value="remove:{rows}.0"' in page
    assert "Tambah baris" in page or doc_type in ("pedoman", "pembelajaran")


@pytest.mark.parametrize("doc_type", sorted(VALID))
def test_a_valid_submission_of_every_type_passes_the_one_validator_and_is_stored(app, logged_in, doc_type):
    role, _form, expected = VALID[doc_type]
    response = posted(doc_type, logged_in(role))
    assert response.status_code == 303, text(response)[:3000]
    sub = stored(app, response)
    assert sub.type == doc_type
    assert subset(expected, sub.data), sub.data


def test_the_same_forms_pass_the_validator_directly(app):
    schemas, refdata = load_schemas(CONTENT), load_refdata(CONTENT)
    for doc_type, (_role, form, expected) in VALID.items():
        values = MultiDict({**COMMON, "body": BODY})
        for key, value in form.items():
            values.setlist(key, value if isinstance(value, list) else [value])
        values.setlist("region", ["33"])
        values.setlist("tags", ["koordinasi"])
        schema = schemas[doc_type]
        forms.apply_row_action(schema, values)
        data = forms.parse_form(schema, values)
        names = forms.field_names(forms.form_fields(schema, refdata, values=values))
        doc, errors = forms.validate(schema, schemas, refdata, data, forms.parse_body(values), names=names, lang="id")
        assert errors == {} and doc is not None, (doc_type, errors)
        assert subset(expected, data)


def test_without_scripts_tambah_baris_adds_a_row_and_keeps_everything_typed(logged_in):
    client = logged_in("sekretariat")
    response = posted("keputusan", client, row_action="add:decisions", action=None)
    assert response.status_code == 200
    page = text(response)
    assert 'value="Pendataan RTLH diperbarui."' not in page  # a textarea keeps it as its content
    assert ">Pendataan RTLH diperbarui.</textarea>" in page and ">Forum CSR dibentuk.</textarea>" in page
    # two filled rows, the empty one asked for by "Tambah baris" and the one always offered
    assert 'name="decisions.3.text"' in page and 'name="decisions.4.text"' not in page
    assert 'name="decisions._blank" value="2"' in page
    assert "wajib diisi" not in page  # a row button checks nothing yet


def test_without_scripts_hapus_baris_removes_that_row_and_numbers_the_rest_again(app, logged_in):
    client = logged_in("sekretariat")
    third = {"decisions.2.no": "3", "decisions.2.text": "Rapat berikutnya Juni.", "decisions.2.status": "terbuka"}
    response = posted("keputusan", client, row_action="remove:decisions.0", action=None, **third)
    page = text(response)
    assert response.status_code == 200
    assert "Pendataan RTLH diperbarui." not in page
    assert re.search(r'name="decisions\.0\.text"[^>]*>Forum CSR dibentuk\.</textarea>', page)
    assert re.search(r'name="decisions\.1\.text"[^>]*>Rapat berikutnya Juni\.</textarea>', page)
    assert 'name="decisions.2.text"' in page and 'name="decisions.3.text"' not in page


def test_empty_rows_in_the_middle_are_dropped_so_messages_land_on_their_row(logged_in):
    client = logged_in("sekretariat")
    # Row 1 left empty (a script added it), row 2 lacks its text: the message is at the second row shown.
    response = posted(
        "keputusan",
        client,
        **{"decisions.1.no": "", "decisions.1.text": "", "decisions.1.status": ""},
        **{"decisions.2.no": "2", "decisions.2.status": "terbuka"},
    )
    page = text(response)
    assert response.status_code == 400
    assert re.search(r'id="err-decisions\.1\.text"[^>]*>Keputusan wajib diisi\.', page)
    assert 'name="decisions.2.text"' in page and 'name="decisions.3.text"' not in page


def test_a_decision_without_its_required_fields_gets_indonesian_messages(logged_in):
    response = posted("keputusan", logged_in("sekretariat"), **{"decisions.0.status": "", "decisions.0.no": "nol"})
    page = text(response)
    assert response.status_code == 400
    assert re.search(r'id="err-decisions\.0\.status"[^>]*>Status wajib diisi\.</p>', page)
    assert re.search(r'id="err-decisions\.0\.no"[^>]*>harus berupa bilangan bulat, ditemukan teks</p>', page)
    assert ">Pendataan RTLH diperbarui.</textarea>" in page  # nothing typed is lost


def test_an_anggota_cannot_record_a_meeting(logged_in):
    response = logged_in("anggota").get("/kontribusi/keputusan/baru")
    assert response.status_code == 403


def test_long_lists_are_searchable_and_documents_are_chosen_by_title(logged_in):
    page = text(logged_in("sekretariat").get("/kontribusi/pembelajaran/baru"))
    region = re.search(r'<select id="f-region" name="region"[^>]*>', page).group(0)
    tags = re.search(r'<select id="f-tags" name="tags"[^>]*>', page).group(0)
    group = re.search(r'<select id="f-stakeholder_group"[^>]*>', page).group(0)
    assert "data-search" in region and "data-search" in tags and "data-search" not in group
    program = page[page.index('name="program"') : page.index("</select>", page.index('name="program"'))]
    assert (
        '<option value="peningkatan-kualitas-rtlh-jawa-tengah">'
        "Peningkatan Kualitas Rumah Tidak Layak Huni Jawa Tengah 2024–2025</option>"
    ) in program
    related = page[page.index('name="related"') : page.index("</select>", page.index('name="related"'))]
    assert ">Pengertian Pokja PKP (pedoman)</option>" in related
    assert '<script src="/static/forms.js" defer></script>' in page


def test_a_form_says_where_its_draft_lives_and_what_it_may_send(logged_in):
    client = logged_in("sekretariat")
    page = text(client.get("/kontribusi/keputusan/baru"))
    assert f'data-draft-key="pokja-draft:{client.user.id}:new:keputusan"' in page
    assert 'data-max-file-bytes="10485760"' in page
    js = client.get("/static/forms.js")
    assert js.status_code == 200 and b"localStorage" in js.data
    js.close()


def test_a_413_page_offers_the_draft_back(app, logged_in):
    client = logged_in("sekretariat")
    _page, csrf, token = form_page(client, "/kontribusi/keputusan/baru")
    app.config["MAX_UPLOAD_BYTES"] = 1024  # the hard limit is then 4 × (6 KB + 4 MB)
    big = b"%PDF-1.4\n" + b"0" * 17_000_000
    from werkzeug.test import encode_multipart

    boundary, body = encode_multipart({"csrf_token": csrf, "form_token": token, "title": "x", "att_file_0": big})
    response = client.post(
        "/kontribusi/keputusan/baru", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 413
    page = text(response)
    assert "Isian Anda tetap tersimpan sebagai draf di peramban ini" in page and "data-draft-note hidden" in page


def replace_attachment(app: Any, client: Any, new: tuple[bytes, str]) -> Any:
    response = post_form(
        client, files={"att_file_0": (small_pdf(), "Laporan.pdf")}, att_new_title_0="Laporan", action="preview"
    )
    assert response.status_code == 200
    page = text(response)
    stored_name = re.search(r'name="att_stored_0" value="([^"]+)"', page).group(1)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    token = re.search(r'name="form_token" value="([^"]+)"', page).group(1)
    import io

    from werkzeug.datastructures import FileStorage

    data = {
        **lesson_data(),
        "csrf_token": csrf,
        "form_token": token,
        "att_stored_0": stored_name,
        "att_title_0": "Laporan",
        "att_replace_0": FileStorage(io.BytesIO(new[0]), filename=new[1]),
    }
    return client.post(FORM_URL, data=data), stored_name


FORM_URL = "/kontribusi/pembelajaran/baru"


def test_an_attachment_is_replaced_by_a_new_version_of_the_same_type(app, logged_in):
    response, old = replace_attachment(app, logged_in("anggota"), (small_pdf("Versi dua"), "Laporan v2.pdf"))
    assert response.status_code == 303
    sub = stored(app, response)
    [att] = sub.attachments
    assert att.stored_name != old and att.original_name == "Laporan v2.pdf" and att.title == "Laporan"


def test_a_replacement_of_another_type_is_refused_with_a_clear_message_and_the_old_one_kept(app, logged_in):
    response, old = replace_attachment(app, logged_in("anggota"), (PNG, "foto.png"))
    assert response.status_code == 400
    page = text(response)
    assert (
        "Lampiran 'Laporan' adalah PDF; versi barunya harus PDF juga, bukan PNG ('foto.png'). "
        "Lampiran lama tetap dipakai." in page
    )
    assert f'name="att_stored_0" value="{old}"' in page


def test_enter_in_a_field_previews_and_never_removes_a_row(app, logged_in):
    # The form's first submit button is a hidden "enter" one, so implicit submission previews.
    client = logged_in("sekretariat")
    page = text(client.get("/kontribusi/keputusan/baru"))
    first = re.search(r"<button[^>]*>", page[page.index('class="svc-form"') :]).group(0)
    assert 'value="enter"' in first
    response = posted("keputusan", client, action="enter")
    assert response.status_code == 200
    assert "Pratinjau" in text(response) and ">Forum CSR dibentuk.</textarea>" in text(response)
    from flask_app.db import session_scope

    with app.app_context(), session_scope() as db:
        assert db.query(Submission).count() == 0
