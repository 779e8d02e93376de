"""Issue #13, Why 2, 3 and 7: hostile Markdown gets a clear message fast, never a 500, and sets no id."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from site_builder.render import (
    MarkdownConfig,
    RenderRefused,
    body_problem,
    render_markdown,
    render_member_markdown,
)
from tests.flask.test_contribute import post_form, text

REPO = Path(__file__).resolve().parents[2]
NESTED = "".join("  " * i + "- x\n" for i in range(245))


def site_config() -> MarkdownConfig:
    return MarkdownConfig.from_mkdocs(REPO / "mkdocs.yml")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[" * 12_000, "Isi tulisan memuat terlalu banyak kurung siku '[' (12000; paling banyak 400)."),
        (NESTED, "Isi tulisan bersarang terlalu dalam (245 tingkat daftar atau kutipan; paling banyak 32)."),
        ("> " * 245 + "x", "Isi tulisan bersarang terlalu dalam (245 tingkat daftar atau kutipan; paling banyak 32)."),
    ],
)
def test_a_hostile_preview_gets_its_message_within_two_seconds(app, logged_in, body: str, message: str) -> None:
    started = time.monotonic()
    with pytest.raises(RenderRefused):
        render_member_markdown(body, config=site_config())
    assert time.monotonic() - started < 2  # the service's own cost (the HTTP round trip varies with load)
    response = post_form(logged_in("anggota"), body=body, action="preview")
    assert response.status_code == 200
    assert message in text(response)


def test_a_hostile_submission_is_refused_in_the_form(app, logged_in) -> None:
    response = post_form(logged_in("anggota"), body=NESTED)
    assert response.status_code == 400
    assert "Isi tulisan bersarang terlalu dalam" in text(response)


def test_attribute_lists_in_member_text_are_refused_and_reach_no_page(app, logged_in) -> None:
    body = "## Judul\n{: #__config }\n\nIsi."
    assert body_problem(body) == ("contrib.body_attributes", {"near": "{: #__config }"})
    # Even rendered (the preview), attr_list is off for member text and no id starts with "_".
    html = render_markdown(body + "\n\n## __config\n", untrusted=True, config=site_config())
    assert 'id="__config"' not in html and "<p>{: #__config }</p>" in html
    assert '<h2 id="config">__config</h2>' in html
    response = post_form(logged_in("anggota"), body=body)
    assert response.status_code == 400
    assert "Isi tulisan memuat atribut Markdown (di dekat '{: #__config }')" in text(response)


def test_a_slow_body_is_stopped_by_the_worker_time_limit() -> None:
    # Below the static limits yet slow: the worker's time limit gives the message instead of a held thread.
    body = "[" * 399 + "\n\n" + ("[" * 399 + "\n\n") * 4
    render_member_markdown("**hangat**", config=site_config())  # workers started: their start is not timed
    started = time.monotonic()
    with pytest.raises(RenderRefused) as caught:
        render_member_markdown(body, config=site_config(), timeout=0.01)
    assert caught.value.key == "contrib.body_render_timeout"
    assert time.monotonic() - started < 2
    # The pool is replaced: the next render works.
    assert "<strong>x</strong>" in render_member_markdown("**x**", config=site_config())


def test_previews_are_cached_per_body_hash() -> None:
    config = site_config()
    body = "Isi **unik** " + str(time.time())
    first = render_member_markdown(body, config=config)
    started = time.monotonic()
    assert render_member_markdown(body, config=config) == first
    assert time.monotonic() - started < 0.01
