"""Dashboard blocks of reporting completeness: the national table by province, and a province's own regions."""

from __future__ import annotations

from ..charts import data_table, esc
from ..completeness import DEFAULT_DEADLINE, Completeness, completeness, parse_deadline
from ..context import BuildContext, reused
from ..formatting import fmt_date, href, region_url
from ..i18n import _
from ..schemas import Indicator, Region
from .dashboard_blocks import aggregation_of, cached, fmt_pct


def deadline_setting() -> str:
    """``POKJA_REPORT_DEADLINE`` (MM-DD), declared once with the service's settings; a bad one stops the build."""
    from flask_app.settings import report_deadline

    text = report_deadline() or DEFAULT_DEADLINE
    try:
        return parse_deadline(text)
    except ValueError:
        raise ValueError(f"POKJA_REPORT_DEADLINE: {text!r} is not a month-day (MM-DD), e.g. 03-31") from None


def completeness_of(ctx: BuildContext) -> Completeness:
    """The corpus' reporting completeness on the build's day, computed once per build context."""

    def make() -> Completeness:
        agg, deadline = aggregation_of(ctx), deadline_setting()
        return reused("completeness", (agg, ctx.today, deadline), lambda: completeness(agg, ctx.today, deadline))

    return cached(ctx, "completeness", make)


def status_text(status: str, lang: str) -> str:
    """A region's reporting status in words."""
    return _(f"completeness.status_{status}", lang)


def _status_cell(status: str, lang: str) -> str:
    return f'<span data-status="{esc(status)}">{esc(status_text(status, lang))}</span>'


def national_block(ctx: BuildContext, indicator: Indicator, year: int, page_url: str, table_id: str) -> str:
    """How many regions with targets have reported, nationally and in each province (one table)."""
    lang = ctx.lang
    report = completeness_of(ctx)
    regions = ctx.corpus.refdata.regions
    national = report.summary(indicator.id, year, "00")
    if national is None:
        return ""
    rows = []
    for s in [national, *report.of("provinsi", indicator.id, year)]:
        region = regions[s.region]
        name = esc(region.name)
        label = name if s.level == "nasional" else f'<a href="{esc(href(page_url, region_url(region)))}">{name}</a>'
        rows.append([label, str(s.regions), str(s.reported), str(s.late), esc(fmt_pct(s.pct, lang))])
    headers = [
        _("completeness.region", lang),
        _("completeness.with_targets", lang),
        _("completeness.reported", lang),
        _("completeness.late", lang),
        _("completeness.pct", lang),
    ]
    caption = _("completeness.table_national", lang, name=indicator.name_in(lang), year=year)
    line = _("completeness.deadline_line", lang, date=fmt_date(national.deadline, lang))
    table = data_table(caption, headers, rows, [False, True, True, True, True], table_id)
    return f'<p>{esc(line)}</p>\n\n<div class="pokja-scroll">{table}</div>'


def province_block(ctx: BuildContext, indicator: Indicator, year: int, province: Region, table_id: str) -> str:
    """A province's completeness for one year and the status of each of its regions with targets."""
    lang = ctx.lang
    report = completeness_of(ctx)
    summary = report.summary(indicator.id, year, province.code)
    if summary is None:
        return ""
    regions = ctx.corpus.refdata.regions
    rows = [
        [
            esc(regions[s.region].name),
            f"{s.rows_reported}/{s.rows}",
            _status_cell(s.status, lang),
        ]
        for s in report.in_province(province.code, indicator.id, year)
    ]
    headers = [_("completeness.region", lang), _("rows_reported", lang), _("completeness.status", lang)]
    caption = _("completeness.table_province", lang, name=indicator.name_in(lang), year=year, region=province.name)
    line = _(
        "completeness.summary_line",
        lang,
        reported=summary.reported,
        regions=summary.regions,
        late=summary.late,
        date=fmt_date(summary.deadline, lang),
    )
    table = data_table(caption, headers, rows, [False, True, False], table_id)
    return f'<p>{esc(line)}</p>\n\n<div class="pokja-scroll">{table}</div>'
