"""site_builder.render: the one Markdown module (configuration, sanitiser, plain text, markup check)."""

from __future__ import annotations

import pytest

from search import index as search_index
from site_builder.render import markup_problem, plain_text, sanitize_html

PLAIN_CASES = [
    ("## Latar belakang\n\nIsi **tebal** dan _miring_.", " Latar belakang\n\nIsi  tebal  dan  miring ."),
    ("Lihat [pedoman](../pedoman/x.md) dan ![foto](a.png).", "Lihat pedoman dan foto."),
    ("- satu\n1. dua\n> kutipan", " satu\n dua\n kutipan"),
    ("| a | b |\n|---|---|\n| 1 | 2 |", "  a   b  \n --- --- \n  1   2  "),
    ("`kode` tetap", " kode  tetap"),
]


@pytest.mark.parametrize(("source", "expected"), PLAIN_CASES)
def test_plain_text_strips_markup_as_search_did(source: str, expected: str) -> None:
    assert plain_text(source) == expected
    # search/index.py keeps its copy until it imports this one: both give the same text.
    assert search_index.plain_text(source) == expected


def test_markup_the_site_build_cannot_scan_is_named() -> None:
    assert markup_problem("## Judul\n\n<b>tebal</b> a < b") is None
    assert markup_problem('<![><img src="]><img src=x onerror=alert(39)//">') == '<![><img src="]><img'


def test_the_sanitiser_keeps_admonition_classes_only() -> None:
    html = (
        '<div class="admonition warning md-header"><p class="admonition-title">Awas</p><p class="x">Isi</p></div>'
        '<div class="md-dialog">Tiru</div><script>alert(1)</script><a href="javascript:alert(1)">x</a>'
    )
    clean = sanitize_html(html)
    assert '<div class="admonition warning"><p class="admonition-title">Awas</p><p>Isi</p></div>' in clean
    assert "<div>Tiru</div>" in clean
    assert "script" not in clean and "javascript" not in clean
