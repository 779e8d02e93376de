"""One thing wrong with one file: the shape every check (documents and schemas) reports in."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .fields import Phrase
from .i18n import _


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one file: where, which field, and what (a catalogue message)."""

    path: str
    line: int
    field: str
    key: str
    params: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    severity: str = "error"

    def message(self, lang: str = "id") -> str:
        """The problem's message in ``lang`` (words such as kind names translated too)."""
        params = {k: _(v.key, lang) if isinstance(v, Phrase) else v for k, v in self.params.items()}
        return _(self.key, lang, **params)

    def format(self, lang: str = "id") -> str:
        """``path:line: field: message``, warnings marked as such."""
        where = f"{self.path}:{self.line}: "
        fieldpart = f"{self.field}: " if self.field else ""
        prefix = f"{_('warning_prefix', lang)}: " if self.severity == "warning" else ""
        return f"{where}{prefix}{fieldpart}{self.message(lang)}"
