"""The service writes dates and times as the site does (``1 Maret 2024 21.05 WIB``), in the Pokja's time zone."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from flask_app.db import session_scope
from flask_app.submissions import Submission
from site_builder.formatting import fmt_datetime
from tests.flask.test_phones_browser import submit_as

UTC_AFTERNOON = dt.datetime(2024, 3, 1, 14, 5, tzinfo=dt.UTC)


def test_times_are_written_the_site_way_in_the_given_zone() -> None:
    import zoneinfo

    assert fmt_datetime(UTC_AFTERNOON, "id", zoneinfo.ZoneInfo("Asia/Jakarta")) == "1 Maret 2024 21.05 WIB"
    assert fmt_datetime(UTC_AFTERNOON, "id", zoneinfo.ZoneInfo("Asia/Jayapura")) == "1 Maret 2024 23.05 WIT"
    assert fmt_datetime(UTC_AFTERNOON, "en", zoneinfo.ZoneInfo("Asia/Makassar")) == "1 March 2024 22:05 WITA"
    # A naive value from the database is UTC.
    assert fmt_datetime(UTC_AFTERNOON.replace(tzinfo=None), "id") == "1 Maret 2024 14.05 UTC"


def _set_updated(app: Any, sid: int) -> None:
    with app.app_context(), session_scope() as db:
        db.get(Submission, sid).updated_at = UTC_AFTERNOON


def test_own_submissions_and_the_queue_show_the_site_date(app: Any, logged_in: Callable[[str], Any]) -> None:
    app.config["TIMEZONE"] = "Asia/Makassar"  # POKJA_TIMEZONE
    client = logged_in("admin")
    sid = submit_as(app, client.user.id, "dates-1")
    _set_updated(app, sid)
    for url in ("/kontribusi/saya", "/moderasi/"):
        html = client.get(url).get_data(as_text=True)
        assert "1 Maret 2024 22.05 WITA" in html, url
        assert not re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", html), url  # no ISO timestamps left
    english = client.get("/kontribusi/saya?lang=en").get_data(as_text=True)
    assert "1 March 2024 22:05 WITA" in english
