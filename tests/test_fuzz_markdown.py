"""Fuzz (hypothesis, fixed seed, bounded examples) of the member Markdown renderer: fast, safe, never a crash."""

from __future__ import annotations

import datetime as dt
import re
import time
from pathlib import Path

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from site_builder.render import MarkdownConfig, RenderRefused, render_member_markdown

REPO = Path(__file__).resolve().parents[1]
CONFIG = MarkdownConfig.from_mkdocs(REPO / "mkdocs.yml")
TIME_BOUND = 5.0  # seconds per case: the worker's 2 s limit, its (re)start and a loaded CI machine

# Pieces of Markdown and HTML that interact badly (brackets, emphasis, nesting, attributes, raw HTML).
PIECES = [
    "[", "]", "(", ")", "*", "_", "**", "`", "> ", "- ", "1. ", "  ", "\n", "\n\n", "#", "## ", "{: #__config }",
    "{#x}", "<", ">", "<script>", "</script>", "<img src=x onerror=alert(1)>", "javascript:", "!!! note\n    ",
    "|", "---", "[^1]", "[^1]: x", "<![", "&#", "\\", "\t", "a", "kata ", "\u202e", "\ufffe",
]  # fmt: skip
FUZZ = settings(
    max_examples=60,
    deadline=dt.timedelta(seconds=TIME_BOUND),
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
BAD = re.compile(r"<script|onerror=|javascript:|\bid=\"_", re.I)


def check(body: str) -> None:
    started = time.monotonic()
    try:
        html = render_member_markdown(body, config=CONFIG)
    except RenderRefused as refused:
        assert refused.key.startswith("contrib.body_")
    else:
        assert BAD.search(html) is None, html
    assert time.monotonic() - started < TIME_BOUND


@seed(13)
@FUZZ
@given(st.lists(st.sampled_from(PIECES), max_size=400).map("".join))
def test_markdown_pieces_render_fast_and_safe(body: str) -> None:
    check(body)


@seed(13)
@FUZZ
@given(st.sampled_from(["[", "*", "> ", "- ", "  - ", "_", "<", "{: "]), st.integers(min_value=1, max_value=20_000))
def test_long_runs_of_one_piece_render_fast_or_are_refused(piece: str, count: int) -> None:
    check(piece * count)


@seed(13)
@FUZZ
@given(st.text(max_size=2_000))
def test_any_text_renders_fast_and_safe(body: str) -> None:
    check(body)
