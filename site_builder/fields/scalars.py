"""Scalar field types: string, text, attachment, number, integer, year, boolean, date."""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import TYPE_CHECKING, Any, ClassVar

from ..formatting import fmt_date, fmt_number
from ..i18n import _
from .base import Cell, CellContext, FieldType, FormContext, FormField, kind_name

if TYPE_CHECKING:
    from ..schemas import Field


# A sane range for any date of a document (0001 and 9999 are typing slips, issue #13).
DATE_YEARS = (1900, 2100)


class StringType(FieldType):
    """One line of text."""

    name = "string"
    keys = frozenset({"max_length"})


class TextType(StringType):
    """Several lines of text."""

    name = "text"
    widget = "textarea"
    single_line = False  # running text may quote right-to-left script


class AttachmentType(StringType):
    """A file path relative to the document (checked to exist later)."""

    name = "attachment"

    def validate(self, spec: Field, value: Any, dotted: str, v: Any) -> Any:
        """A string path, remembered for the existence check."""
        if not isinstance(value, str):
            v.report(dotted, "expected_string", found=kind_name(value))
            return None
        value = super().validate(spec, value, dotted, v)
        v.attachments.append((dotted, value))
        return value


def _number(raw: str, integer: bool) -> Any:
    raw = raw.strip()
    if not raw:
        return None
    try:
        return int(raw) if integer or "." not in raw else float(raw)
    except ValueError:
        return raw  # left as text: the validator says what was expected and what was found


class NumberType(FieldType):
    """A number (integer or decimal), optionally bounded."""

    name = "number"
    numeric = True
    keys = frozenset({"min", "max"})
    widget = "number"
    integer: ClassVar[bool] = False

    def accepts(self, value: Any) -> bool:
        """Whether ``value`` has this type's Python type."""
        return not isinstance(value, bool) and isinstance(value, (int, float))

    def refuse(self, value: Any, dotted: str, v: Any) -> None:
        """Report a value of the wrong kind."""
        v.report(dotted, "expected_number", found=kind_name(value))

    def validate(self, spec: Field, value: Any, dotted: str, v: Any) -> Any:
        """A number within ``min``/``max``."""
        if not self.accepts(value):
            self.refuse(value, dotted, v)
            return None
        if spec.min is not None and value < spec.min:
            v.report(dotted, "below_min", limit=spec.min)
            return None
        if spec.max is not None and value > spec.max:
            v.report(dotted, "above_max", limit=spec.max)
            return None
        return value

    def configure(self, spec: Field, control: FormField, ctx: FormContext) -> None:
        """A number input."""
        control.widget = "number"

    def parse(self, spec: Field, name: str, form: Any) -> Any:
        """The typed number (text when it is none, for the validator to say so)."""
        return _number(form.get(name, ""), self.integer)

    def parse_line(self, spec: Field, line: str) -> Any:
        """One number per line."""
        return _number(line, self.integer)

    def skeleton(self, spec: Field) -> Any:
        """The lower bound, else 1."""
        return int(spec.min or 1)

    def cell(self, spec: Field, value: Any, ctx: CellContext) -> Cell:
        """With the language's separators."""
        return "" if value is None else fmt_number(value, ctx.lang)

    def search_text(self, spec: Field, value: Any) -> list[str]:
        """Figures are not searched by words."""
        return []


class IntegerType(NumberType):
    """A whole number."""

    name = "integer"
    integer = True

    def accepts(self, value: Any) -> bool:
        """Only ints (not booleans)."""
        return not isinstance(value, bool) and isinstance(value, int)

    def refuse(self, value: Any, dotted: str, v: Any) -> None:
        """Report a value that is no integer."""
        v.report(dotted, "expected_integer", found=kind_name(value))


class YearType(IntegerType):
    """A year between 1900 and 2100."""

    name = "year"
    numeric = False
    low, high = 1900, 2100

    def accepts(self, value: Any) -> bool:
        """An int within the years this service knows."""
        return super().accepts(value) and self.low <= value <= self.high

    def refuse(self, value: Any, dotted: str, v: Any) -> None:
        """Report a value that is no year."""
        v.report(dotted, "expected_year", value=value)

    def configure(self, spec: Field, control: FormField, ctx: FormContext) -> None:
        """A number input bounded to years."""
        control.widget = "number"
        control.min, control.max = self.low, self.high

    def skeleton(self, spec: Field) -> Any:
        """This year."""
        return dt.date.today().year

    def cell(self, spec: Field, value: Any, ctx: CellContext) -> Cell:
        """Years without separators."""
        return "" if value is None else str(value)


class BooleanType(FieldType):
    """Yes or no."""

    name = "boolean"

    def validate(self, spec: Field, value: Any, dotted: str, v: Any) -> Any:
        """Only true or false."""
        if not isinstance(value, bool):
            v.report(dotted, "expected_boolean", found=kind_name(value))
            return None
        return value

    def configure(self, spec: Field, control: FormField, ctx: FormContext) -> None:
        """A checkbox."""
        control.widget = "checkbox"

    def parse(self, spec: Field, name: str, form: Any) -> Any:
        """Ticked or left out."""
        return True if form.get(name) else None

    def flatten(self, spec: Field, name: str, value: Any, out: Any) -> None:
        """Ticked when true."""
        if value:
            out.add(name, "1")

    def skeleton(self, spec: Field) -> Any:
        """False."""
        return False

    def cell(self, spec: Field, value: Any, ctx: CellContext) -> Cell:
        """Ya/Tidak."""
        return _("field_yes" if value else "field_no", ctx.lang)

    def search_text(self, spec: Field, value: Any) -> list[str]:
        """Not searched."""
        return []


class DateType(FieldType):
    """A calendar date (YYYY-MM-DD)."""

    name = "date"

    def validate(self, spec: Field, value: Any, dotted: str, v: Any) -> Any:
        """A date, a date-time (its date) or ISO text, within DATE_YEARS."""
        date: dt.date | None = None
        if isinstance(value, dt.datetime):
            date = value.date()
        elif isinstance(value, dt.date):
            date = value
        elif isinstance(value, str):
            with contextlib.suppress(ValueError):
                date = dt.date.fromisoformat(value)
        if date is None:
            v.report(dotted, "expected_date", value=value)
            return None
        if not DATE_YEARS[0] <= date.year <= DATE_YEARS[1]:
            v.report(dotted, "date_out_of_range", value=date.isoformat(), low=DATE_YEARS[0], high=DATE_YEARS[1])
            return None
        return date

    def configure(self, spec: Field, control: FormField, ctx: FormContext) -> None:
        """A date input."""
        control.widget = "date"

    def skeleton(self, spec: Field) -> Any:
        """Today."""
        return dt.date.today()

    def cell(self, spec: Field, value: Any, ctx: CellContext) -> Cell:
        """``1 Maret 2024``."""
        return fmt_date(value, ctx.lang) if isinstance(value, dt.date) else ""

    def search_text(self, spec: Field, value: Any) -> list[str]:
        """Not searched by words."""
        return []

    def dump(self, spec: Field, value: Any) -> Any:
        """An ISO date (a date-time loses its time)."""
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                return value
        return value
