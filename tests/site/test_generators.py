"""The generator modules: addresses declared once, the plugin's ordered tuple, province sections by parameter."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from site_builder import plugin
from site_builder.content import load
from site_builder.context import TEMPLATE_DIR, BuildContext, templates
from site_builder.generators import dashboard, decisions, home, regions, review, tags
from site_builder.generators.province_section import province_section

from .conftest import make_site_tree


@pytest.fixture(scope="module")
def ctx(tmp_path_factory: pytest.TempPathFactory) -> BuildContext:
    """A build context over the small tree."""
    return BuildContext(corpus=load(make_site_tree(tmp_path_factory.mktemp("gen") / "content")))


def test_generators_are_an_ordered_tuple_of_modules() -> None:
    assert isinstance(plugin.GENERATORS, tuple)
    assert [g.__name__.rpartition(".")[2] for g in plugin.GENERATORS] == [
        "home",
        "dashboard",
        "listings",
        "regions",
        "tags",
        "decisions",
        "review",
        "offline",
    ]


def test_section_nav_takes_each_address_from_its_generator(ctx: BuildContext) -> None:
    nav = plugin.PokjaPlugin().section_nav(ctx)
    addresses = [next(iter(entry.values())) for entry in nav]
    schemas = list(ctx.corpus.schemas)
    assert addresses == [
        home.SRC_URI,
        dashboard.SRC_URI,
        *[f"{t}/index.md" for t in schemas],
        regions.SRC_URI,
        tags.SRC_URI,
        decisions.SRC_URI,
        review.SRC_URI,
    ]
    assert [next(iter(entry)) for entry in nav][:2] == ["Beranda", "Dasbor capaian"]
    # every address in the navigation is a page some generator makes
    generated = {page.src_uri for g in plugin.GENERATORS for page in g.pages(ctx)}
    assert set(addresses) <= generated


def test_province_pages_get_their_sections_by_parameter(ctx: BuildContext) -> None:
    assert (province_section,) == regions.PROVINCE_SECTIONS
    jateng = ctx.corpus.refdata.regions["33"]
    plain = regions.province_page(ctx, jateng)
    assert plain.src_uri == "wilayah/33.md" and "Capaian indikator" not in plain.markdown

    def extra(ctx: BuildContext, region: object) -> str:
        return "## Bagian uji\n"

    pages = {p.src_uri: p for p in regions.pages(ctx, sections=(extra,))}
    assert pages["wilayah/33.md"].markdown.endswith("## Bagian uji\n")
    assert "Capaian indikator" not in pages["wilayah/33.md"].markdown
    default = {p.src_uri: p for p in regions.pages(ctx)}
    assert "## Capaian indikator" in default["wilayah/33.md"].markdown
    # the province section links to the dashboard's declared source path, relative to the province page
    assert "](../dasbor/index.md)" in default["wilayah/33.md"].markdown


def test_dashboard_links_between_its_pages_from_its_declarations(ctx: BuildContext) -> None:
    index, matrix = dashboard.pages(ctx)
    assert (index.src_uri, matrix.src_uri) == (dashboard.SRC_URI, dashboard.MATRIX_SRC)
    assert "](matriks-keselarasan.md)" in index.markdown
    assert "](index.md)" in matrix.markdown


def test_templates_are_made_once_per_folder(tmp_path: Path) -> None:
    assert templates() is templates(TEMPLATE_DIR)
    (tmp_path / "x.html").write_text("{{ a }}", encoding="utf-8")
    other = templates(tmp_path)
    assert other is not templates() and other is templates(tmp_path)
    assert other.get_template("x.html").render(a="<b>") == "&lt;b&gt;"


def test_a_province_lists_at_most_forty_programmes_and_the_rest_through_search(tmp_path: Path) -> None:
    from site_builder.generators import province_section as section
    from tests.conftest import write_doc

    from .conftest import SITE_DOCS

    content = make_site_tree(tmp_path / "content")
    programme = SITE_DOCS[("program", "program-rtlh")]
    for n in range(section.SECTION_LIMIT):  # with the tree's own: one more than the limit
        write_doc(content, "program", f"program-tambahan-{n:02d}", dict(programme, title=f"Program Tambahan {n:02d}"))
    ctx = BuildContext(corpus=load(content))
    text = ctx.put_raw_blocks(province_section(ctx, ctx.corpus.refdata.regions["33"]))
    assert text.count('href="../../program/') == section.SECTION_LIMIT
    assert f"Menampilkan {section.SECTION_LIMIT} dari {section.SECTION_LIMIT + 1}; yang lain lewat pencarian." in text
    assert 'href="../../cari?type=program&amp;region=33"' in text
    # Under the limit the list is whole, with no such line.
    small = BuildContext(corpus=load(make_site_tree(tmp_path / "kecil")))
    assert "Menampilkan" not in province_section(small, small.corpus.refdata.regions["33"])


def test_a_province_page_shows_the_latest_years_of_completeness_and_sends_to_the_dashboard_for_the_rest(
    tmp_path: Path,
) -> None:
    from tests.conftest import write_doc

    from .conftest import SITE_DOCS

    content = make_site_tree(tmp_path / "content")
    programme = dict(SITE_DOCS[("program", "program-rtlh")])
    target = dict(programme["targets"][0])
    programme["targets"] = [dict(target, year=year) for year in range(2019, 2026)]
    programme["period"] = {"start": 2019, "end": 2025}
    write_doc(content, "program", "program-rtlh", programme)
    ctx = BuildContext(corpus=load(content))
    text = ctx.put_raw_blocks(province_section(ctx, ctx.corpus.refdata.regions["33"]))
    shown = re.findall(r"Kelengkapan pelaporan (\d{4})\n", text)
    assert shown == ["2023", "2024", "2025"]
    assert "Kelengkapan pelaporan 2019–2022 ada di dasbor nasional." in text
