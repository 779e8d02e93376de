"""Shared pieces of the wiki tests: a content tree in git, forms read back as a browser sends them."""

from __future__ import annotations

import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from flask import Flask

SECRETARIAT_TYPES = ("keputusan", "pedoman", "program", "profil")


def git(repo: Path, *args: str) -> str:
    """Run git in ``repo`` (failing the test on an error)."""
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True, timeout=30).stdout


def prepare_content(content: Path) -> None:
    """Let sekretariat and moderators propose the secretariat's types, and put the tree in git."""
    for doc_type in SECRETARIAT_TYPES:
        schema = content / "_schemas" / f"{doc_type}.yml"
        text = schema.read_text(encoding="utf-8").replace(
            "contribute: []", "contribute: [sekretariat, moderator, admin]"
        )
        schema.write_text(text, encoding="utf-8")
    git(content, "init", "-q")
    git(content, "-c", "user.name=Awal", "-c", "user.email=awal@contoh.id", "add", ".")
    git(content, "-c", "user.name=Awal", "-c", "user.email=awal@contoh.id", "commit", "-qm", "Isi awal")


class _FormReader(HTMLParser):
    """The fields of the page's first post form (not the header's logout), as a browser posts them."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self._textarea: str | None = None
        self._select: str | None = None
        self._text: list[str] = []
        self._forms = 0
        self._in_form = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method") == "post" and self._forms == 0 and "svc-inline" not in a.get("class", ""):
            self._in_form = True
            return
        if not self._in_form:
            return
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("file", "submit"):
                self.fields.append((a["name"], a.get("value", "")))
        elif tag == "textarea":
            self._textarea, self._text = a.get("name"), []
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a.get("value", "")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._in_form:
            self._in_form, self._forms = False, self._forms + 1
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea, "".join(self._text).removeprefix("\n")))
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)


def form_of(html: str) -> dict[str, Any]:
    """The first post form's fields of ``html`` (a repeated name becomes a list)."""
    reader = _FormReader()
    reader.feed(html)
    out: dict[str, Any] = {}
    for name, value in reader.fields:
        if name in out:
            out[name] = [*out[name], value] if isinstance(out[name], list) else [out[name], value]
        else:
            out[name] = value
    return out


def page_form(client: Any, url: str) -> dict[str, Any]:
    """GET ``url`` and return its form's fields (failing unless it answers 200)."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.get_data(as_text=True)[:500])
    return form_of(response.get_data(as_text=True))


def approve(client: Any, sid: int) -> Any:
    """Approve submission ``sid`` through the review page's form, then wait for the publisher's job."""
    from flask_app import jobs

    form = page_form(client, f"/moderasi/{sid}")
    response = client.post(f"/moderasi/{sid}/setujui", data={"csrf_token": form["csrf_token"]})
    if response.status_code == 303:  # approved: publication runs off the request
        jobs.wait_for(client.application, sid)
    return response


def status_of(app: Flask, sid: int) -> Any:
    """The stored submission (detached)."""
    from flask_app.db import session_scope
    from flask_app.submissions import Submission

    with app.app_context(), session_scope() as db:
        sub = db.get(Submission, sid)
        db.expunge(sub)
        return sub


def last_submission_id(app: Flask) -> int:
    """The newest submission's id."""
    from sqlalchemy import func, select

    from flask_app.db import session_scope
    from flask_app.submissions import Submission

    with app.app_context(), session_scope() as db:
        return int(db.scalar(select(func.max(Submission.id))))
