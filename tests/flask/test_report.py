"""The yearly realisation report: scoped rows, Indonesian figures, confirmed warnings, applied on approval."""

from __future__ import annotations

import html as htmllib
import io
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from flask_app import publish as publisher
from flask_app.db import session_scope
from flask_app.submissions import PUBLISHED, Submission
from site_builder.content import load
from tests.flask.conftest import csrf_from, sign_in
from tests.flask.test_publish import approve, pub_app, run_publish  # noqa: F401 - shared fixture
from tests.flask.test_uploads import small_pdf

JATENG = "peningkatan-kualitas-rtlh-jawa-tengah"
JATIM = "penanganan-permukiman-kumuh-jawa-timur"
URL = f"/laporan/{JATENG}/2025"
BANYUMAS_2025 = 5  # targets[5]: rtlh-ditangani, 33.02, 2025, target 800, not reported yet


def _text(response: Any) -> str:
    return htmllib.unescape(response.get_data(as_text=True))


@pytest.fixture
def published(pub_app):  # noqa: F811
    """An app whose site is built from its own content copy (the publisher's fixture)."""
    return pub_app


@pytest.fixture
def regional(make_user):
    """``regional(app, role, region)`` → a signed-in client whose account belongs to ``region``."""
    from flask_app.auth import User

    def make(app: Any, role: str, region: str) -> Any:
        user = make_user(role)
        with app.app_context(), session_scope() as db:
            db.get(User, user.id).region = region
        client = app.test_client()
        client.user = user
        return sign_in(client, user)

    return make


def post_report(client: Any, url: str = URL, files: dict[str, tuple[bytes, str]] | None = None, **fields: Any) -> Any:
    """Fetch the report form, then post it with ``fields`` (and the page's tokens)."""
    page = client.get(url).get_data(as_text=True)
    data: dict[str, Any] = {"csrf_token": csrf_from(page)}
    # Every hidden field of the form, as a browser sends them (form token, revision).
    data.update(re.findall(r'<input type="hidden" name="(form_token|revisi|revision)" value="([^"]*)"', page))
    data.update(fields)
    for name, (content, filename) in (files or {}).items():
        data[name] = FileStorage(io.BytesIO(content), filename=filename, content_type="application/octet-stream")
    boundary, body = encode_multipart(data)
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def reports(app: Any) -> list[Submission]:
    with app.app_context(), session_scope() as db:
        found = list(db.scalars(select(Submission).where(Submission.type == "laporan")))
        for s in found:
            _ = s.attachments
        db.expunge_all()
        return found


def test_jawa_tengah_district_gets_403_with_message_on_a_jawa_timur_programme(app, regional) -> None:
    banyumas = regional(app, "anggota", "33.02")
    response = banyumas.get(f"/laporan/{JATIM}/2025")
    assert response.status_code == 403
    text = _text(response)
    assert "di luar wilayah Pokja akun ini (33.02 Kabupaten Banyumas)" in text
    assert "35.78 Kota Surabaya" in text
    posted = banyumas.post(f"/laporan/{JATIM}/2024", data={"csrf_token": csrf_from(text), "realisasi_0": "50"})
    assert posted.status_code == 403 and not reports(app)


def test_the_form_lists_only_the_accounts_regions_of_that_year(app, regional) -> None:
    page = _text(regional(app, "anggota", "33.02").get(URL))
    rows = re.findall(r'<fieldset class="svc-group" id="baris-(\d+)" data-region="([\d.]+)"', page)
    assert rows == [(str(BANYUMAS_2025), "33.02")]
    jateng = _text(regional(app, "anggota", "33").get(URL))
    assert re.findall(r'id="baris-\d+" data-region="([\d.]+)"', jateng) == ["33", "33.01", "33.02", "33"]
    assert 'value="640"' in jateng  # Cilacap's recorded realisation is shown, in Indonesian format
    assert regional(app, "anggota", "33.02").get(f"/laporan/{JATENG}/2031").status_code == 404
    assert app.test_client().get(URL).status_code == 302  # login first


def test_far_above_target_is_a_warning_the_reporter_confirms(app, regional) -> None:
    banyumas = regional(app, "anggota", "33.02")
    response = post_report(banyumas, **{f"realisasi_{BANYUMAS_2025}": "2.500"})
    assert response.status_code == 400
    text = _text(response)
    assert "realisasi 2.500 lebih dari 3 kali target 800; periksa angkanya" in text
    assert f'id="konfirmasi-{BANYUMAS_2025}"' in text and not reports(app)
    confirmed = post_report(banyumas, **{f"realisasi_{BANYUMAS_2025}": "2.500", f"konfirmasi_{BANYUMAS_2025}": "1"})
    assert confirmed.status_code == 303
    (sub,) = reports(app)
    assert sub.region == "33.02" and sub.status == "diajukan"
    assert sub.data["rows"] == [
        {
            "index": BANYUMAS_2025,
            "indicator": "rtlh-ditangani",
            "region": "33.02",
            "year": 2025,
            "target": 800,
            "previous": None,
            "realization": 2500,
            "base": None,
            "confirmed": ["realisasi 2.500 lebih dari 3 kali target 800; periksa angkanya"],
        }
    ]


def test_a_percentage_over_100_warns_and_a_misread_count_is_an_error(app, regional) -> None:
    jateng = regional(app, "anggota", "33")
    response = post_report(jateng, **{"realisasi_3": "11.250", "realisasi_4": "10,85", "realisasi_8": "101,5"})
    assert response.status_code == 400
    text = _text(response)
    assert "10,85" in text and "terbaca 10,85" in text  # targets[4]: a count read as 10.85
    assert "persentase 101,5 melebihi 100; periksa angkanya" in text
    assert not reports(app)


def test_nothing_typed_says_so(app, regional) -> None:
    response = post_report(regional(app, "anggota", "33.02"))
    assert response.status_code == 400
    assert "Isi realisasi paling sedikit satu target." in _text(response)


def test_report_reaches_the_moderators_of_the_reporting_region(app, regional, make_user) -> None:
    from flask_app.auth import User

    make_user("moderator")  # a national moderator: the province's one reviews first
    moderator = make_user("moderator")
    with app.app_context(), session_scope() as db:
        db.get(User, moderator.id).region = "33"
    assert post_report(regional(app, "anggota", "33.02"), **{f"realisasi_{BANYUMAS_2025}": "780"}).status_code == 303
    (sub,) = reports(app)
    from flask_app.mail import OutboxMail

    with app.app_context(), session_scope() as db:
        # Banyumas has no moderator of its own: the mail goes to the province's, and to no one else.
        assert [m.recipient for m in db.scalars(select(OutboxMail))] == [moderator.email]
    queue = _text(sign_in(app.test_client(), moderator).get("/moderasi/"))
    assert f"#{sub.id}" in queue and "Laporan realisasi 2025" in queue
    review = _text(sign_in(app.test_client(), moderator).get(f"/moderasi/{sub.id}"))
    assert 'id="report-rows"' in review and "33.02 Kabupaten Banyumas" in review and ">780<" in review
    jatim = make_user("moderator")
    with app.app_context(), session_scope() as db:
        db.get(User, jatim.id).region = "35"
    assert sign_in(app.test_client(), jatim).get(f"/moderasi/{sub.id}").status_code == 403


def test_approval_writes_the_realisation_into_the_programme(published, regional, make_user, monkeypatch) -> None:
    # The site rebuild has its own tests; here the programme file and the aggregation are what count.
    monkeypatch.setattr(publisher, "rebuild_pages", lambda path, config: [])
    client = regional(published, "anggota", "33.02")
    response = post_report(
        client,
        files={"bukti": (small_pdf(), "bukti-banyumas.pdf")},
        note="Data dari Dinas Perkim Banyumas.",
        **{f"realisasi_{BANYUMAS_2025}": "780"},
    )
    assert response.status_code == 303
    (sub,) = reports(published)
    moderator = make_user("moderator")
    approve(published, sub.id, moderator)
    result = run_publish(published, sub.id, moderator)
    assert result.ok, result.error
    assert result.path == f"program/{JATENG}.md"
    content = Path(published.config["CONTENT_DIR"])
    corpus = load(content)
    assert not corpus.errors
    doc = corpus.by_slug[JATENG]
    row = doc.meta["targets"][BANYUMAS_2025]
    assert (row["region"], row["year"], row["realization"]) == ("33.02", 2025, 780)
    assert doc.meta["targets"][2]["realization"] == 702  # other rows untouched
    evidence = doc.meta["attachments"][-1]
    assert evidence["title"] == "Bukti realisasi 2025: bukti-banyumas.pdf"
    assert (content / "program" / evidence["file"]).is_file()
    with published.app_context(), session_scope() as db:
        assert db.get(Submission, sub.id).status == PUBLISHED
    from site_builder.aggregate import aggregate_corpus

    cell = aggregate_corpus(corpus).get("rtlh-ditangani", "33.02", 2025)
    assert (cell.realization, cell.achievement_pct) == (780, 97.5)


def test_a_report_whose_row_is_gone_stays_approved_with_the_reason(published, regional, make_user, monkeypatch) -> None:
    monkeypatch.setattr(publisher, "rebuild_pages", lambda path, config: [])
    assert (
        post_report(regional(published, "anggota", "33.02"), **{f"realisasi_{BANYUMAS_2025}": "780"}).status_code == 303
    )
    (sub,) = reports(published)
    path = Path(published.config["CONTENT_DIR"]) / "program" / f"{JATENG}.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('region: "33.02", year: 2025', 'region: "33.02", year: 2024'), encoding="utf-8")
    moderator = make_user("moderator")
    approve(published, sub.id, moderator)
    result = run_publish(published, sub.id, moderator)
    assert not result.ok
    assert "baris target rtlh-ditangani 33.02 2025 tidak ada lagi" in result.error


def test_the_programme_page_links_the_report_of_each_year() -> None:
    from site_builder.context import BuildContext
    from site_builder.panel import document_panel
    from tests.conftest import CONTENT

    corpus = load(CONTENT)
    doc = corpus.by_slug[JATENG]
    panel = document_panel(BuildContext(corpus=corpus), doc, doc.url)
    assert f'<a href="/laporan/{JATENG}/2024" rel="nofollow">2024</a>' in panel
    assert f'<a href="/laporan/{JATENG}/2025" rel="nofollow">2025</a>' in panel
    assert "Laporkan realisasi tahun" in panel


def test_an_evidence_file_over_the_limit_is_refused_with_the_limit(make_app, regional) -> None:
    app = make_app(MAX_UPLOAD_BYTES=1024 * 1024)
    client = regional(app, "anggota", "33.02")
    response = post_report(client, files={"bukti": (b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024), "besar.pdf")})
    assert response.status_code == 413
    assert "2 MB" in _text(response) and not reports(app)


def test_a_report_sent_back_is_revised_on_its_own_form(app, regional, make_user) -> None:
    from flask_app.submissions import NEEDS_REVISION, SUBMITTED, record

    client = regional(app, "anggota", "33.02")
    assert post_report(client, note="Angka sementara.", **{f"realisasi_{BANYUMAS_2025}": "700"}).status_code == 303
    (sub,) = reports(app)
    moderator = make_user("moderator")
    with app.app_context(), session_scope() as db:
        stored = db.get(Submission, sub.id)
        record(db, stored, moderator.id, "kembalikan", NEEDS_REVISION, note="Lampirkan angka final.")
        stored.reasons = "Lampirkan angka final."
    moved = client.get(f"/kontribusi/{sub.id}/revisi")
    assert moved.status_code == 303
    url = moved.headers["Location"]
    assert url == f"{URL}?revisi={sub.id}"
    page = _text(client.get(url))
    assert "Lampirkan angka final." in page and 'value="700"' in page and "Angka sementara." in page
    assert post_report(client, url, note="Angka final.", **{f"realisasi_{BANYUMAS_2025}": "760"}).status_code == 303
    (again,) = reports(app)
    assert again.id == sub.id and again.status == SUBMITTED
    assert again.data["rows"][0]["realization"] == 760 and again.data["note"] == "Angka final."
    other = regional(app, "anggota", "33.02")
    assert other.get(url).status_code == 403  # someone else's report
    assert client.get(f"{URL}?revisi={'9' * 40}").status_code == 404
