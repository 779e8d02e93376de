"""Headless Chromium, issue #16's whole decision scenario on ONE meeting, the one the secretariat records.

A ``sekretariat`` records a meeting with three decisions in the web form (rows added in the page); a
moderator approves; the decisions are on the meeting's page and on /keputusan-terbuka/; the secretariat
marks one done with the quick edit; the moderator sees exactly that decision's change in the diff and
approves; the open-decisions page drops it; the history lists both revisions with their authors and shows
the diff; a moderator restores the first revision, another approves, and the decision is open again.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask

from tests.flask.test_flow_browser import browser, log_in, served  # noqa: F401 - shared fixtures
from tests.flask.test_forms_browser import open_meeting_form, watch
from tests.flask.test_wiki_browser import app  # noqa: F401 - content in git, site built first

pytestmark = pytest.mark.browser

TITLE = "Rapat koordinasi Pokja PKP Banyumas April 2026"
DECISIONS = [
    ("1", "Pendataan RTLH Banyumas diperbarui bersama desa.", "Dinas Perkim Banyumas"),
    ("2", "Forum CSR perumahan Banyumas dibentuk.", "Bappeda Banyumas"),
    ("3", "Rapat teknis pembiayaan Banyumas digelar bulan depan.", ""),
]
DONE_ON = "2026-05-20"
PUBLISH_WAIT_MS = 90_000  # the publisher works off the request; the review page reloads itself until done


def named(application: Flask, user: Any, name: str) -> Any:
    """Give ``user`` a display name of its own (the history shows who wrote each revision)."""
    from flask_app.auth import User
    from flask_app.db import session_scope

    with application.app_context(), session_scope() as db:
        db.get(User, user.id).name = name
    user.name = name
    return user


def submission_id(url: str) -> int:
    """The submission number of the "sent" page's address."""
    match = re.search(r"/terkirim/(\d+)", url)
    assert match, url
    return int(match.group(1))


def review(page: Any, base: str, sid: int) -> None:
    """Open submission ``sid``'s review from the moderation queue."""
    page.goto(f"{base}/moderasi/")
    page.click(f'tr[data-submission="{sid}"] a')
    page.wait_for_load_state("load")
    assert page.url.endswith(f"/moderasi/{sid}")


def approve_and_wait(page: Any) -> str:
    """Approve the submission under review and wait for its publication; returns the published line."""
    page.click("#approve")
    page.wait_for_load_state("load")
    page.wait_for_selector("#published", timeout=PUBLISH_WAIT_MS)
    return page.inner_text("#published")


def decision_rows(page: Any) -> dict[str, tuple[str, str]]:
    """The meeting page's decision table: decision number → (status, completion date) as shown."""
    table = page.locator("article table", has_text=DECISIONS[0][1])
    assert table.count() == 1
    heads = [h.strip() for h in table.locator("thead th").all_inner_texts()]
    out: dict[str, tuple[str, str]] = {}
    for row in table.locator("tbody tr").all():
        cells = dict(zip(heads, (c.strip() for c in row.locator("td").all_inner_texts()), strict=True))
        # the column of the completion date is there only when a decision has one
        out[cells["No."]] = (cells["Status"], cells.get("Selesai pada", ""))
        _no, text, owner = DECISIONS[int(cells["No."]) - 1]
        assert (cells["Keputusan"], cells.get("Penanggung jawab", "")) == (text, owner), cells
    return out


def diff_rows(page: Any) -> list[tuple[str | None, str, str]]:
    """The field rows of the diff on the page: (field path, old value, new value)."""
    rows = page.locator("#diff-fields tbody tr")
    return [
        (
            rows.nth(i).get_attribute("data-field"),
            rows.nth(i).locator("del").inner_text().strip(),
            rows.nth(i).locator("ins").inner_text().strip(),
        )
        for i in range(rows.count())
    ]


def open_decisions(page: Any, base: str) -> str:
    """The text of /keputusan-terbuka/ (a 200)."""
    response = page.goto(f"{base}/keputusan-terbuka/")
    assert response.status == 200
    return page.inner_text("article")


def test_a_recorded_meeting_through_approval_quick_edit_diff_history_and_restore(
    app,  # noqa: F811
    served,  # noqa: F811
    browser,  # noqa: F811
    make_user,
):
    base = served
    secretary = named(app, make_user("sekretariat"), "Sari Sekretariat")
    moderator = named(app, make_user("moderator"), "Budi Moderator")
    second = named(app, make_user("moderator"), "Dewi Moderator")
    problems: list[str] = []

    def new_page(user: Any) -> Any:
        page = browser.new_context().new_page()
        watch(page, problems)
        log_in(page, base, user.email)
        return page

    # 1. The secretariat records the meeting with three decision rows, added in the page.
    sec = new_page(secretary)
    open_meeting_form(sec, base, TITLE, "Koordinasi triwulan: pendataan, forum CSR, pembiayaan.", "koordinasi")
    sec.evaluate("window.__samePage = true")  # lost if a row button posted the form
    for i, (no, text, owner) in enumerate(DECISIONS):
        if i:
            sec.click("#rows-decisions .svc-row-add")
            assert sec.evaluate("document.activeElement.name") == f"decisions.{i}.no"  # focus on the new row
        sec.fill(f'[name="decisions.{i}.no"]', no)
        sec.fill(f'[name="decisions.{i}.text"]', text)
        sec.select_option(f'[name="decisions.{i}.status"]', "terbuka")
        if owner:
            sec.fill(f'[name="decisions.{i}.owner"]', owner)
    assert sec.evaluate("window.__samePage") is True
    legends = sec.locator("#rows-decisions .svc-row > legend").all_inner_texts()
    assert [t.strip() for t in legends] == ["Baris 1", "Baris 2", "Baris 3"]
    sec.fill('[name="body"]', "## Jalannya rapat\n\nDibuka oleh Ketua Pokja.")
    sec.click('button[value="submit"]:visible')
    sec.wait_for_selector("#sent-message")
    assert "tersimpan dan menunggu pemeriksaan moderator" in sec.inner_text("#sent-message")
    meeting_sid = submission_id(sec.url)

    # 2. Another account, a moderator, approves; the publisher's job writes the file.
    mod = new_page(moderator)
    review(mod, base, meeting_sid)
    preview = mod.inner_text("#preview")
    for _no, text, _owner in DECISIONS:
        assert text in preview
    published = approve_and_wait(mod)
    found = re.search(r"keputusan/([a-z0-9-]+)\.md", published)
    assert found, published
    slug = found.group(1)
    meeting = f"{base}/keputusan/{slug}/"

    # 3. The three decisions are on the meeting's page, each open, and on the open-decisions page.
    response = sec.goto(meeting)
    assert response.status == 200
    assert sec.inner_text("h1") == TITLE
    first_state = {"1": ("terbuka", ""), "2": ("terbuka", ""), "3": ("terbuka", "")}
    assert decision_rows(sec) == first_state, sec.inner_text("article")
    listed = open_decisions(sec, base)
    for _no, text, _owner in DECISIONS:
        assert text in listed

    # 4. The secretariat marks decision 2 done with the quick edit, from the page's edit link.
    sec.goto(meeting)
    sec.click("text=Sunting halaman ini")
    sec.wait_for_load_state("load")
    assert sec.url.endswith(f"/sunting/keputusan/{slug}")
    sec.click("#quick-link")
    sec.wait_for_load_state("load")
    sec.fill("#q-no", "2")
    sec.select_option("#q-status", "selesai")
    sec.fill("#q-done", DONE_ON)
    sec.click("#quick-send")
    sec.wait_for_selector("#sent-message")
    edit_sid = submission_id(sec.url)
    assert edit_sid != meeting_sid

    # 5. The moderator's review shows exactly that decision's change (its status, and the completion
    # date the quick edit records with "selesai"); nothing else is marked changed; approve.
    review(mod, base, edit_sid)
    assert mod.get_attribute("#edit-kind", "data-kind") == "sunting"
    changed = diff_rows(mod)
    assert changed == [("decisions.2.status", "terbuka", "selesai"), ("decisions.2.done", "", DONE_ON)], changed
    assert "Keputusan › 2 › Status" in mod.inner_text("#diff-fields")
    assert mod.locator("#diff-body").count() == 0  # the body is unchanged
    approve_and_wait(mod)

    # 6. The open-decisions page no longer lists decision 2 but still lists the other two.
    listed = open_decisions(sec, base)
    assert DECISIONS[1][1] not in listed
    assert DECISIONS[0][1] in listed and DECISIONS[2][1] in listed
    sec.goto(meeting)
    assert decision_rows(sec) == {**first_state, "2": ("selesai", "20 Mei 2026")}
    assert f"oleh {secretary.name}" in sec.inner_text(".pokja-wiki")

    # 7. The history lists both revisions with their authors' names and shows the diff between them.
    sec.click(".pokja-wiki__history")
    sec.wait_for_load_state("load")
    assert sec.url.endswith(f"/riwayat/keputusan/{slug}")
    revisions = sec.locator("#revisions tbody tr")
    assert revisions.count() == 2
    newest, first = revisions.nth(0).inner_text(), revisions.nth(1).inner_text()
    assert secretary.name in newest and f"#{edit_sid}" in newest, newest
    assert secretary.name in first and f"#{meeting_sid}" in first, first
    sec.click("#compare")  # the form's default pair: the older revision → the newer
    sec.wait_for_load_state("load")
    span = sec.inner_text("#compare-range")
    assert span.count(secretary.name) == 2, span
    assert diff_rows(sec) == changed
    assert sec.locator("#diff-body").count() == 0
    sec.context.close()

    # 8. The moderator restores the first revision: a proposal that another moderator approves.
    mod.goto(f"{base}/riwayat/keputusan/{slug}")
    assert mod.locator("text=Pulihkan revisi ini").count() == 1  # only the older revision can be restored
    mod.click("text=Pulihkan revisi ini")
    mod.wait_for_load_state("load")
    flash = mod.inner_text(".svc-flash")
    assert "Pemulihan diusulkan sebagai kiriman" in flash
    restore_sid = int(re.search(r"kiriman #(\d+)", flash).group(1))
    mod.context.close()

    other = new_page(second)
    review(other, base, restore_sid)
    assert other.get_attribute("#edit-kind", "data-kind") == "pulihkan"
    assert diff_rows(other) == [("decisions.2.status", "selesai", "terbuka"), ("decisions.2.done", DONE_ON, "")]
    approve_and_wait(other)

    # 9. Decision 2 is open again, on the page and on the open-decisions page; the history has three revisions.
    other.goto(meeting)
    assert decision_rows(other) == first_state
    assert f"oleh {moderator.name}" in other.inner_text(".pokja-wiki")  # the restore's proposer
    listed = open_decisions(other, base)
    for _no, text, _owner in DECISIONS:
        assert text in listed
    other.goto(f"{base}/riwayat/keputusan/{slug}")
    assert other.locator("#revisions tbody tr").count() == 3
    assert moderator.name in other.locator("#revisions tbody tr").nth(0).inner_text()
    other.context.close()
    assert problems == []
