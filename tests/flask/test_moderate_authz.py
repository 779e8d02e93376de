"""Every /kontribusi and /moderasi route against every role and anonymous visitors."""

from __future__ import annotations

import re

import pytest

from flask_app.auth import ROLES
from tests.flask.test_publish import submit

ANON = "anonim"
# endpoint -> (method, url, {role: expected status}); {sid} is another member's submission.
MEMBERS_OK = dict.fromkeys(ROLES, 200)
MODERATORS = {"anggota": 403, "pelatih": 403, "sekretariat": 403, "moderator": 200, "admin": 200}
MODERATORS_POST = {"anggota": 403, "pelatih": 403, "sekretariat": 403, "moderator": 303, "admin": 303}
MODERATORS_MISSING = {"anggota": 403, "pelatih": 403, "sekretariat": 403, "moderator": 404, "admin": 404}
NOT_OWN = dict.fromkeys(ROLES, 403)
TABLE: dict[str, list[tuple[str, str, dict[str, int]]]] = {
    "contribute.index": [("GET", "/kontribusi/", MEMBERS_OK)],
    "contribute.mine": [("GET", "/kontribusi/saya", MEMBERS_OK)],
    "contribute.new": [
        ("GET", "/kontribusi/pembelajaran/baru", MEMBERS_OK),
        ("GET", "/kontribusi/modul/baru", {**NOT_OWN, "pelatih": 200, "moderator": 200, "admin": 200}),
        # The secretariat records guidelines, programmes, meetings and the profile; members and trainers do not.
        ("GET", "/kontribusi/pedoman/baru", {**NOT_OWN, "sekretariat": 200, "moderator": 200, "admin": 200}),
        ("GET", "/kontribusi/keputusan/baru", {**NOT_OWN, "sekretariat": 200, "moderator": 200, "admin": 200}),
        ("GET", "/kontribusi/program/baru", {**NOT_OWN, "sekretariat": 200, "moderator": 200, "admin": 200}),
        ("GET", "/kontribusi/profil/baru", {**NOT_OWN, "sekretariat": 200, "moderator": 200, "admin": 200}),
        ("POST", "/kontribusi/modul/baru", {**NOT_OWN, "pelatih": 400, "moderator": 400, "admin": 400}),
    ],
    "contribute.sent": [("GET", "/kontribusi/terkirim/{sid}", NOT_OWN)],
    "contribute.detail": [("GET", "/kontribusi/{sid}", NOT_OWN)],
    "contribute.revise": [("GET", "/kontribusi/{sid}/revisi", NOT_OWN), ("POST", "/kontribusi/{sid}/revisi", NOT_OWN)],
    "moderate.queue": [("GET", "/moderasi/", MODERATORS)],
    "moderate.review": [("GET", "/moderasi/{sid}", MODERATORS)],
    # The actions run on a submission that cannot take them (note missing / not approved): a refusal
    # message and a redirect for moderators, nothing for anyone else.
    "moderate.send_back": [("POST", "/moderasi/{sid}/kembalikan", MODERATORS_POST)],
    "moderate.reject": [("POST", "/moderasi/{sid}/tolak", MODERATORS_POST)],
    "moderate.retry": [("POST", "/moderasi/{sid}/terbitkan", MODERATORS_POST)],
    "moderate.approve": [("POST", "/moderasi/{rejected}/setujui", MODERATORS_POST)],
    # An attachment the submission does not have.
    "moderate.attachment": [("GET", "/moderasi/{sid}/lampiran/tidak-ada.pdf", MODERATORS_MISSING)],
}


def test_every_route_of_the_two_areas_is_in_the_table(app):
    endpoints = {r.endpoint for r in app.url_map.iter_rules() if r.endpoint.startswith(("contribute.", "moderate."))}
    assert endpoints == set(TABLE)


def _csrf(client) -> str:
    page = client.get("/akun/masuk").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


@pytest.mark.parametrize("role", [ANON, *ROLES])
def test_route_access_by_role(app, logged_in, make_user, role):
    owner = make_user("anggota")
    sid = submit(app, owner)
    rejected = submit(app, owner)
    from flask_app.db import session_scope
    from flask_app.submissions import Submission, record

    with app.app_context(), session_scope() as db:
        record(db, db.get(Submission, rejected), None, "tolak", "ditolak", note="uji")
    client = app.test_client() if role == ANON else logged_in(role)
    token = _csrf(client)
    for endpoint, cases in TABLE.items():
        for method, url, expected in cases:
            url = url.format(sid=sid, rejected=rejected)
            response = client.get(url) if method == "GET" else client.post(url, data={"csrf_token": token})
            if role == ANON:
                assert response.status_code == 302, (endpoint, url)
                assert response.headers["Location"].startswith("/akun/masuk"), (endpoint, url)
            else:
                assert response.status_code == expected[role], (role, endpoint, method, url)
    # Nobody changed anything on someone else's submission along the way.
    with app.app_context(), session_scope() as db:
        assert db.get(Submission, sid).status == "diajukan"
        assert db.get(Submission, rejected).status == "ditolak"
