"""The dashboard and a province page in headless Chromium: charts, their tables, and no other host."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser import chromium, serve_directory

from .conftest import BuiltSite


@pytest.fixture
def served(starter_site: BuiltSite) -> Iterator[str]:
    """The built starter site on 127.0.0.1 (a free port), stopped after the test."""
    with serve_directory(starter_site.site) as base:
        yield base


def charts_in(site: Path, url: str) -> int:
    """How many charts the built page holds (what the browser must show)."""
    return (site / url / "index.html").read_text(encoding="utf-8").count('role="img"')


def check_charts(page: Any, expected: int) -> None:
    """Every chart of the built page is visible, named, and followed by its visible data table."""
    assert expected > 0
    charts = page.locator("svg[role=img]")
    assert charts.count() == expected
    for i in range(charts.count()):
        chart = charts.nth(i)
        chart_id = chart.get_attribute("id")
        assert chart.is_visible()
        box = chart.bounding_box()
        assert box is not None and box["width"] > 100 and box["height"] > 50
        assert chart.evaluate("e => e.querySelector('title').textContent")
        table = page.locator(f"table#{chart_id}-data")
        assert table.is_visible()
        assert table.locator("caption").inner_text()
        assert table.locator("tbody tr").count() >= 1


@pytest.mark.browser
def test_dashboard_and_province_page_in_a_browser(served: str, starter_site: BuiltSite) -> None:
    # the province page with the most charts, whichever the starter content makes it
    pages = sorted((starter_site.site / "wilayah").glob("*/index.html"))
    province = max(pages, key=lambda p: p.read_text(encoding="utf-8").count('role="img"')).parent.name
    hosts: list[str] = []
    failed: list[str] = []
    with chromium() as browser:
        for width in (1280, 360):  # desktop and phone
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.on("request", lambda req: hosts.append(urlsplit(req.url).hostname or req.url))
            page.on("requestfailed", lambda req: failed.append(req.url))
            response = page.goto(served + "/dasbor/", wait_until="networkidle")
            assert response is not None and response.status == 200
            check_charts(page, charts_in(starter_site.site, "dasbor"))
            # the charts fit the screen: nothing wider than the viewport
            widest = page.evaluate(
                "Math.max(...[...document.querySelectorAll('svg[role=img]')].map(e => e.getBoundingClientRect().right))"
            )
            assert widest <= width
            # the open-data links lead to files that load
            csv_link = page.locator('a[href$="agregat-provinsi.csv"]')
            assert csv_link.count() == 1
            loaded = page.request.get(served + "/data/agregat-provinsi.csv")
            assert loaded.ok and loaded.text().startswith("indicator,indicator_name,")
            response = page.goto(f"{served}/wilayah/{province}/", wait_until="networkidle")
            assert response is not None and response.status == 200
            check_charts(page, charts_in(starter_site.site, f"wilayah/{province}"))
            assert page.locator("h2#program").count() == 1
            page.close()
    assert hosts and set(hosts) == {"127.0.0.1"}, sorted(set(hosts))
    assert [u for u in failed if "/cari" not in u] == []
