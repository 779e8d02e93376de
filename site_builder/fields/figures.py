"""The ``figure`` field type: a programme figure whose indicator says how to read it.

``10.850`` in YAML is the float 10.85, yet an Indonesian writer meant ten thousand eight hundred
and fifty. A count indicator (housing units, households: ``kind: count`` in indikator.yml) takes
only whole numbers, and the message says how the value was read and how to write it. The forms
read Indonesian input: a dot groups thousands, a comma marks decimals.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ..formatting import fmt_number
from .base import FormField
from .scalars import NumberType

if TYPE_CHECKING:
    from ..schemas import Field
    from .base import FormContext

_GROUPED = re.compile(r"^-?\d{1,3}(?:\.\d{3})+$")  # 10.850, 1.500.000: dots group thousands
FAR_ABOVE_TARGET = 3  # a realisation over this many times its target is probably a typing slip


def id_figure(value: float) -> str:
    """A figure in Indonesian format with exactly its own decimals (``10,85``, ``10.850``, ``81,2``)."""
    if float(value).is_integer():
        return fmt_number(value, "id", 0)
    decimals = min(len(repr(float(value)).partition(".")[2]), 6)
    return fmt_number(value, "id", decimals)


def parse_id_number(raw: str) -> Any:
    """Indonesian number input as a number ("10.850" → 10850, "81,2" → 81.2); text when it is none."""
    text = raw.strip().replace(" ", "").replace("\u00a0", "")
    if not text:
        return None
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    elif _GROUPED.match(text):
        text = text.replace(".", "")
    try:
        number = float(text) if "." in text else int(text)
    except ValueError:
        return raw.strip()  # left as text: the validator says what was expected and what was found
    return int(number) if isinstance(number, float) and number.is_integer() and "." not in raw else number


class FigureType(NumberType):
    """A number read by its row's indicator: whole for counts, at most 100 for percentages."""

    name = "figure"
    keys = frozenset({"min", "max", "per", "count", "compare"})

    def configure(self, spec: Field, control: FormField, ctx: FormContext) -> None:
        """A text input: a number input would refuse "10.850" and "81,2"."""
        control.widget = "figure"

    def parse(self, spec: Field, name: str, form: Any) -> Any:
        """The typed figure, read the Indonesian way."""
        return parse_id_number(form.get(name, "") or "")

    def parse_line(self, spec: Field, line: str) -> Any:
        """One figure per line."""
        return parse_id_number(line)

    def flatten(self, spec: Field, name: str, value: Any, out: Any) -> None:
        """Shown again in Indonesian format (which :func:`parse_id_number` reads back)."""
        out.add(name, id_figure(value) if isinstance(value, (int, float)) else str(value))

    def check_row(self, spec: Field, key: str, row: dict[str, Any], dotted: str, v: Any) -> None:
        """Whole numbers for counts; a percentage over 100 or a realisation far above target warns."""
        value = row.get(key)
        if not self.accepts(value):
            return
        indicator = v.refdata.indicators.get(str(row.get(spec.per))) if spec.per else None
        count = bool(spec.count) or (indicator is not None and indicator.kind == "count")
        if count and isinstance(value, float) and not value.is_integer():
            del row[key]  # a misread figure must not reach the dashboard
            thousands = round(value * 1000)
            if abs(value * 1000 - thousands) < 1e-6:
                v.report(
                    dotted,
                    "figure_not_whole_thousands",
                    typed=f"{value:.3f}",
                    read=id_figure(value),
                    written=str(thousands),
                )
            else:
                v.report(dotted, "figure_not_whole", read=id_figure(value))
            return
        if indicator is not None and indicator.kind == "percent" and value > 100:
            v.report(dotted, "figure_percent_over_100", severity="warning", value=id_figure(value))
        compared = row.get(spec.compare) if spec.compare else None
        if self.accepts(compared) and compared > 0 and value > FAR_ABOVE_TARGET * compared:
            v.report(
                dotted,
                "figure_far_above_target",
                severity="warning",
                value=id_figure(value),
                target=id_figure(compared),
                times=FAR_ABOVE_TARGET,
            )
