"""Headless Chromium: a district Pokja reports a realisation on the web; after approval the district, province
and national aggregates on the dashboard and in the CSV show it.

Base3 has no ``sekretariat`` role yet: the district secretariat is an ``anggota`` account of Kabupaten
Banyumas (33.02), the role that may report there; its province's moderator (33) approves.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import chromium, serve_app
from tests.conftest import base_meta, write_doc
from tests.flask.conftest import DEFAULT_PASSWORD
from tests.flask.test_publish import pub_app  # noqa: F401 - shared fixture

pytestmark = pytest.mark.browser

SLUG = "penataan-kumuh-banyumas"
TITLE = "Penataan Permukiman Kumuh Banyumas 2025"


@pytest.fixture
def app(pub_app):  # noqa: F811
    """The app with one more programme (Banyumas slums 2025, not yet reported) and its site fully built."""
    from site_builder.build import build_site

    meta = base_meta(
        TITLE,
        region=["33.02"],
        period={"start": 2025, "end": 2025},
        lead_agency="Dinas Perkim Kabupaten Banyumas",
        status="berjalan",
        targets=[{"indicator": "kumuh-ditangani", "unit": "hektare", "region": "33.02", "year": 2025, "target": 12.5}],
    )
    write_doc(Path(pub_app.config["CONTENT_DIR"]), "program", SLUG, meta, "Program uji laporan realisasi.\n")
    build_site(
        pub_app.config["MKDOCS_CONFIG"], content_dir=pub_app.config["CONTENT_DIR"], site_dir=pub_app.config["SITE_DIR"]
    )
    return pub_app


@pytest.fixture
def served(app) -> Iterator[str]:
    with serve_app(app) as base:
        yield base


def regional_user(app: Any, make_user: Any, role: str, region: str) -> Any:
    from flask_app.auth import User
    from flask_app.db import session_scope

    user = make_user(role)
    with app.app_context(), session_scope() as db:
        db.get(User, user.id).region = region
    return user


def log_in(page: Any, base: str, email: str) -> None:
    page.goto(f"{base}/akun/masuk")
    page.fill('input[name="email"]', email)
    page.fill('input[name="password"]', DEFAULT_PASSWORD)
    page.click('form:has(input[name="password"]) button[type="submit"]')
    page.wait_for_load_state("load")


def year_row(page: Any, table_id: str, year: str) -> list[str]:
    """The cells of the row of ``year`` in the table ``table_id`` (first cell the row header)."""
    cells = page.locator(f"#{table_id} tbody tr").filter(has_text=year).first.locator("th, td")
    return [c.strip() for c in cells.all_inner_texts()]


def csv_row(page: Any, base: str, name: str, **match: str) -> dict[str, str]:
    response = page.request.get(f"{base}/data/{name}.csv")
    assert response.status == 200
    rows = [r for r in csv.DictReader(io.StringIO(response.text())) if all(r[k] == v for k, v in match.items())]
    assert len(rows) == 1, (name, match)
    return rows[0]


def test_district_reports_on_the_web_and_the_aggregates_show_it(served, make_user, app) -> None:
    district = regional_user(app, make_user, "anggota", "33.02")
    moderator = regional_user(app, make_user, "moderator", "33")
    problems: list[str] = []
    with chromium() as browser:
        context = browser.new_context()
        page = context.new_page()
        page.on("pageerror", lambda exc: problems.append(str(exc)))
        page.goto(f"{served}/dasbor/")
        before = year_row(page, "nasional-kumuh-ditangani-data", "2025")
        log_in(page, served, district.email)
        # The programme page's quick edit: "Laporkan realisasi tahun 2025".
        page.goto(f"{served}/program/{SLUG}/")
        page.click(".pokja-panel__report a:text('2025')")
        page.wait_for_selector("#kirim-laporan")
        assert page.locator("fieldset[data-region]").count() == 1
        page.fill("#realisasi-0", "9,75")  # Indonesian decimal comma
        page.fill("#note", "Hasil verifikasi lapangan Dinas Perkim.")
        page.click("#kirim-laporan")
        page.wait_for_selector("#sent-message")
        assert "Laporan realisasi 2025" in page.inner_text("#sent-message")
        context.close()

        context = browser.new_context()
        page = context.new_page()
        page.on("pageerror", lambda exc: problems.append(str(exc)))
        log_in(page, served, moderator.email)
        page.goto(f"{served}/moderasi/")
        page.click(f"text=Laporan realisasi 2025: {TITLE}")
        assert "9,75" in page.inner_text("#report-rows")
        page.click("#approve")
        page.wait_for_load_state("load")
        # Publication runs off the request: the review page reloads itself until it says where.
        page.wait_for_selector("#published", timeout=90_000)
        assert f"program/{SLUG}.md" in page.inner_text("#published")

        # District and province on the province page, the nation on the dashboard.
        page.goto(f"{served}/wilayah/33/")
        district_row = year_row(page, "kabkota-33-kumuh-ditangani", "2025")
        assert district_row[0] == "Kabupaten Banyumas" and district_row[2:4] == ["12,5", "9,75"]
        assert year_row(page, "provinsi-33-kumuh-ditangani-data", "2025")[1:4] == ["12,5", "9,75", "78\u00a0%"]
        page.goto(f"{served}/dasbor/")
        after = year_row(page, "nasional-kumuh-ditangani-data", "2025")
        # The nation: every province's 2025 slum figures, Banyumas's 9,75 ha now among them.
        assert before[1:3] == ["134,5", "119,9"] and after[1:3] == ["134,5", "129,65"]
        assert (
            csv_row(page, served, "agregat-kabkota", indicator="kumuh-ditangani", region_code="33.02", year="2025")[
                "realization"
            ]
            == "9.75"
        )
        province = csv_row(page, served, "agregat-provinsi", indicator="kumuh-ditangani", region_code="33", year="2025")
        assert (province["realization"], province["achievement_pct"]) == ("9.75", "78")
        nation = csv_row(page, served, "agregat-nasional", indicator="kumuh-ditangani", year="2025")
        assert (nation["target"], nation["realization"]) == ("134.5", "129.65")
        context.close()
    assert problems == []
    assert re.search(r"realization: 9\.75", (Path(app.config["CONTENT_DIR"]) / "program" / f"{SLUG}.md").read_text())
