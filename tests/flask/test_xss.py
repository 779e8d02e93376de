"""No contributed text runs script: every XSS payload of tests/data/xss through the form, the store and
the publisher, then one build, then headless Chromium on the published pages, the listings, search results
and the moderation previews.

A sample (every 20th payload) goes through the real HTTP form and moderation; all payloads go through the
same form parsing, one validator, store and publisher in bulk (one payload per field slot, all of them in
the body). Page rebuilds are deferred to one full build at the end (the per-document incremental rebuild
is tested in test_publish.py).
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from werkzeug.datastructures import MultiDict

from flask_app import forms, jobs
from flask_app import publish as publisher
from flask_app.db import session_scope
from flask_app.submissions import APPROVED, Submission, create_submission, record
from flask_app.uploads import store_upload
from site_builder.render import markup_problem
from site_builder.schemas import load_refdata, load_schemas
from tests.browser import chromium, serve_app
from tests.conftest import REPO
from tests.flask.conftest import DEFAULT_PASSWORD
from tests.flask.test_contribute import post_form
from tests.flask.test_publish import pub_app  # noqa: F401 - shared fixture
from tests.flask.test_uploads import small_pdf

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Copies of the public corpora with their licences (tests/data/xss/README.md names the sources).
PAYLOAD_DIR = REPO / "tests" / "data" / "xss"
SAMPLE_EVERY = 20
SLOTS = ("title", "summary", "contributor.name", "contributor.institution", "attachment")
LIMITS = {"title": 200, "summary": 600, "contributor.name": 200, "contributor.institution": 200, "attachment": 200}
SEARCH_WORDS = ["alert", "script", "javascript", "onerror", "img", "svg", "iframe", "xss", "prompt", "onload"]

# After load: markup that can run script and that no sanitised page should hold, and where it sits
# (Material's table of contents, "toc", or anywhere else, "page").
DOM_SCAN = """
() => {
  const URL_ATTRIBUTES = ['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'poster', 'background',
                          'srcset', 'ping', 'lowsrc', 'dynsrc', 'codebase', 'cite', 'longdesc'];
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    const where = el.closest('.md-nav--secondary') ? 'toc' : 'page';
    const tag = el.tagName.toLowerCase();
    for (const a of el.attributes) {
      const name = a.name.toLowerCase();
      if (name.startsWith('on')) found.push(where + ':' + tag + '[' + name + ']');
      if (URL_ATTRIBUTES.includes(name) && /^\\s*(javascript|vbscript):/i.test(a.value)) {
        found.push(where + ':' + tag + '[' + name + '=javascript:]');
      }
      if (['href', 'action', 'formaction', 'data'].includes(name) && /^\\s*data:/i.test(a.value)) {
        found.push(where + ':' + tag + '[' + name + '=data:]');
      }
    }
    if (['iframe', 'object', 'embed', 'frame', 'applet'].includes(tag)) found.push(where + ':' + tag);
    if (tag === 'script' && el.src && !el.src.startsWith(location.origin + '/')) found.push(where + ':script[src]');
  }
  return found;
}
"""

# Installed before any page script: any call of a dialog function, and any script the CSP had to
# block (which means the sanitiser let it through), is recorded on the window.
PROBE = """
window.__xss = [];
for (const name of ['alert', 'confirm', 'prompt', 'print']) {
  window[name] = function () { window.__xss.push(name + ':' + String(arguments[0])); };
}
document.addEventListener('securitypolicyviolation', function (e) {
  if (e.effectiveDirective.indexOf('script-src') === 0) {
    window.__xss.push('csp:' + e.effectiveDirective + ':' + e.blockedURI + ':' + e.sample);
  }
});
"""


def load_payloads() -> list[str]:
    """Every payload line of every corpus file, once each, without trailing whitespace."""
    seen: dict[str, None] = {}
    for path in sorted(PAYLOAD_DIR.glob("*.txt")):
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.strip():
                seen.setdefault(line.rstrip(), None)
    return list(seen)


PAYLOADS = load_payloads()


def body_with(payloads: list[str]) -> str:
    """Each payload as a paragraph, a heading, a list item, link text and a link target.

    Payloads the form refuses in the body (markup MkDocs' HTML scan cannot read) are left out here;
    test_refused_body_payloads_get_the_message checks their refusal.
    """
    parts = ["## Latar belakang", ""]
    for p in payloads:
        if markup_problem(p) is not None:
            continue
        parts += [p, "", f"### {p}", "", f"- {p}", "", f"[{p}](https://contoh.id/)", "", f"[tautan]({p})", ""]
    return "\n".join(parts)


def bulk_form(payloads: list[str], n: int, attachment: str | None) -> tuple[MultiDict, str | None]:
    """A lesson form whose field slots hold one payload each (where the schema allows its length)."""
    values = MultiDict(
        {
            "title": f"Uji XSS {n}",
            "summary": "Ringkasan uji.",
            "date": "2024-05-02",
            "contributor.name": "Penguji",
            "stakeholder_group": "penerima",
            "body": body_with(payloads),
        }
    )
    values.setlist("tags", ["rtlh"])
    values.setlist("region", ["33"])
    attachment_title = None
    for slot, payload in zip(SLOTS, payloads, strict=False):
        if len(payload.strip()) > LIMITS[slot]:
            if len(payload.strip()) <= LIMITS["summary"]:
                values["summary"] = payload
            continue
        if slot == "attachment":
            attachment_title = payload
        else:
            values[slot] = payload
    return values, attachment_title if attachment else None


def test_refused_body_payloads_get_the_message(logged_in):
    refused = [p for p in PAYLOADS if markup_problem(p) is not None]
    assert refused == ['<![><img src="]><img src=x onerror=alert(39)//">']
    response = post_form(logged_in("anggota"), body=refused[0])
    assert response.status_code == 400
    assert (
        "Isi tulisan memuat penanda HTML yang tidak dapat dibaca "
        "(di dekat &#39;&lt;![&gt;&lt;img src=&#34;]&gt;&lt;img&#39;)." in response.get_data(as_text=True)
    )


def test_no_payload_runs_script_anywhere(pub_app, make_user, logged_in, monkeypatch):  # noqa: F811
    app = pub_app
    assert len(PAYLOADS) > 700
    # Pages are rebuilt once, at the end, for every document together.
    monkeypatch.setattr(publisher, "rebuild_pages", lambda *_a, **_k: [])
    member_client, moderator_client = logged_in("anggota"), logged_in("moderator")
    member, moderator = member_client.user, moderator_client.user
    ids: list[int] = []

    # 1. A sample through the real form and moderation over HTTP.
    for n, payload in enumerate(PAYLOADS[::SAMPLE_EVERY]):
        title = payload if len(payload.strip()) <= 200 else f"Sampel XSS {n}"
        response = post_form(
            member_client,
            title=title,
            summary=payload if len(payload.strip()) <= 600 else "Ringkasan.",
            contributor__name=payload if len(payload.strip()) <= 200 else "Penguji",
            body=body_with([payload]),
        )
        assert response.status_code == 303, (payload, response.get_data(as_text=True)[-2000:])
        ids.append(int(re.search(r"/terkirim/(\d+)", response.headers["Location"]).group(1)))
    for sid in ids:
        page = moderator_client.get(f"/moderasi/{sid}").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        response = moderator_client.post(f"/moderasi/{sid}/setujui", data={"csrf_token": token})
        assert response.status_code == 303 and response.headers["Location"] == f"/moderasi/{sid}", sid
    for sid in ids:  # published by the app's publisher thread, before the inline publications below
        assert jobs.wait_for(app, sid).status == jobs.DONE, sid

    # 2. Every payload through the same form parsing, validator, store and publisher.
    content = Path(app.config["CONTENT_DIR"])
    schemas, refdata = load_schemas(content), load_refdata(content)
    schema = schemas["pembelajaran"]
    names = forms.field_names(forms.form_fields(schema, refdata))
    chunks = [PAYLOADS[i : i + len(SLOTS)] for i in range(0, len(PAYLOADS), len(SLOTS))]
    waiting: list[int] = []
    with app.test_request_context():
        for n, chunk in enumerate(chunks):
            values, attachment_title = bulk_form(chunk, n, attachment="pdf")
            data, body = forms.parse_form(schema, values), forms.parse_body(values)
            attachments = []
            if attachment_title is not None:
                stored = store_upload(io.BytesIO(small_pdf()), "lampiran.pdf", Path(app.config["UPLOAD_DIR"]), 10**6)
                attachments = [
                    {
                        "stored_name": stored.stored_name,
                        "original_name": stored.original_name,
                        "title": forms.clean_text(attachment_title),
                        "mime": stored.mime,
                        "size": stored.size,
                    }
                ]
            extra = {
                "attachments": [{"file": f"lampiran/{a['stored_name']}", "title": a["title"]} for a in attachments]
            }
            _doc, errors = forms.validate(schema, schemas, refdata, data, body, names=names, extra=extra, lang="id")
            assert errors == {}, (chunk, errors)
            with session_scope() as db:
                sub, _ = create_submission(
                    db,
                    doc_type="pembelajaran",
                    data=data,
                    body=body,
                    author_id=member.id,
                    form_token=f"xss-{n}",
                    attachments=attachments,
                )
                sid = sub.id
                if n % 25 == 24:
                    waiting.append(sid)  # left in the queue: the queue page shows their titles
                    continue
                record(db, sub, moderator.id, "setujui", APPROVED)
                sub.reviewer_id = moderator.id
            ids.append(sid)
            result = publisher.publish(sid, actor_id=moderator.id)
            assert result.ok, (chunk, result.error)

    # 3. One build of the whole site.
    from site_builder.build import build_site

    build_site(app.config["MKDOCS_CONFIG"], content_dir=content, site_dir=app.config["SITE_DIR"])
    with app.app_context(), session_scope() as db:
        paths = {sid: db.get(Submission, sid).published_path for sid in ids}
    site = Path(app.config["SITE_DIR"])
    urls = []
    for sid, rel in paths.items():
        assert rel, sid
        url = "/" + rel.removesuffix(".md") + "/"
        assert (site / url.strip("/") / "index.html").is_file(), (sid, url)
        urls.append(url)
    urls += ["/", "/pembelajaran/", "/tag/rtlh/"]
    urls += [f"/cari?q={word}" for word in SEARCH_WORDS]
    moderation = ["/moderasi/"] + [f"/moderasi/{sid}" for sid in ids + waiting]
    member_pages = ["/kontribusi/saya"] + [f"/kontribusi/{sid}" for sid in ids[:: SAMPLE_EVERY // 4]]

    # 4. Headless Chromium, one context per account, the probe in every page.
    dialogs: list[str] = []
    fired: dict[str, list[str]] = {}
    visited = 0
    with serve_app(app) as base, chromium() as browser:
        for account, pages in ((moderator, urls + moderation), (member, member_pages)):
            context = browser.new_context()
            context.add_init_script(PROBE)
            # Images and media are refused by the browser itself: an onerror handler would still
            # fire, and the test server is spared connections the browser drops mid-file.
            context.route(
                "**/*",
                lambda route: (
                    route.abort() if route.request.resource_type in ("image", "media", "font") else route.continue_()
                ),
            )
            page = context.new_page()
            page.on("dialog", lambda d: (dialogs.append(f"{d.type}:{d.message}"), d.dismiss()))
            _log_in(page, base, account.email)
            for url in pages:
                response = page.goto(base + url, wait_until="load")
                assert response is not None and response.status == 200, url
                page.wait_for_timeout(10)
                found: Any = page.evaluate("window.__xss") + page.evaluate(DOM_SCAN)
                if found:
                    fired[url] = found
                visited += 1
            context.close()
    assert visited > 2 * len(ids)
    # No script ran anywhere: no dialog, no probe call.
    assert dialogs == []
    ran = {
        url: [f for f in found if f.split(":")[0] in ("alert", "confirm", "prompt", "print")]
        for url, found in fired.items()
    }
    assert {url: found for url, found in ran.items() if found} == {}
    # Nothing the sanitiser should have removed reached a page ...
    leaks = {url: [f for f in found if f.startswith("page:")] for url, found in fired.items()}
    assert {url: found for url, found in leaks.items() if found} == {}
    # ... not even in the table of contents Material builds from the headings ...
    toc = {url: found for url, found in fired.items() if any(f.startswith("toc:") for f in found)}
    assert toc == {}
    # ... and the CSP had nothing to block.
    blocked = {url: found for url, found in fired.items() if any(f.startswith("csp:") for f in found)}
    assert blocked == {}


def _log_in(page: Any, base: str, email: str) -> None:
    page.goto(f"{base}/akun/masuk")
    page.fill('input[name="email"]', email)
    page.fill('input[name="password"]', DEFAULT_PASSWORD)
    page.click('form:has(input[name="password"]) button[type="submit"]')
    page.wait_for_load_state("load")
