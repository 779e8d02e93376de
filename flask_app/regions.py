"""Every account belongs to a Pokja: national (``00``), a province (``33``) or a kabupaten/kota (``33.02``).

A scope holds its own region and, for a province, that province's districts; national holds all.
Accounts propose documents only for regions in their scope, moderators see the queue of their scope
(a district without a moderator of its own is therefore seen by its province's, and so on up), and
admins create accounts only within their own scope.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy import or_
from werkzeug.exceptions import Forbidden

from flask_app.messages import _

if TYPE_CHECKING:
    from sqlalchemy.orm import Session
    from sqlalchemy.sql.elements import ColumnElement

    from flask_app.auth import User
    from site_builder.schemas import RefData

NATIONAL = "00"


class OutOfScope(Forbidden):
    """A 403 whose page says which region lies outside the account's Pokja."""

    def __init__(self, message: str) -> None:
        super().__init__(description=message)
        self.message = message


def scope_of(user: User | None) -> str:
    """The region code of an account's Pokja (national when none was given)."""
    return (getattr(user, "region", None) or NATIONAL) if user is not None else NATIONAL


def in_scope(scope: str, code: str) -> bool:
    """Whether region ``code`` lies within ``scope`` (itself, or a district of a province scope)."""
    return scope == NATIONAL or code == scope or (len(scope) == 2 and code.startswith(scope + "."))


def check_region(code: str, refdata: RefData) -> str:
    """A known region code, normalised; raises ValueError with an Indonesian message otherwise."""
    code = (code or NATIONAL).strip()
    if code not in refdata.regions:
        raise ValueError(_("region_unknown", code=code))
    return code


def region_label(code: str, refdata: RefData) -> str:
    """``33.02 Kabupaten Banyumas`` (the code alone when unknown)."""
    region = refdata.regions.get(code)
    return f"{code} {region.name}" if region else code


def document_regions(data: Mapping[str, Any]) -> list[str]:
    """The region codes a document (or a submission's data) names: its ``region`` and its target rows'."""
    codes = [str(c) for c in data.get("region") or [] if c]
    for row in data.get("targets") or []:
        if isinstance(row, Mapping) and row.get("region"):
            codes.append(str(row["region"]))
    return list(dict.fromkeys(codes))


def outside(user: User, codes: Iterable[str]) -> list[str]:
    """The codes among ``codes`` that lie outside ``user``'s scope."""
    scope = scope_of(user)
    return [c for c in codes if not in_scope(scope, c)]


def require_in_scope(user: User, data: Mapping[str, Any], refdata: RefData, doc_type: str = "") -> None:
    """Raise OutOfScope (403 with a message) when ``data`` names a region outside ``user``'s Pokja.

    A ``profil`` document describes one Pokja: a non-national account's profile names its own region.
    """
    scope = scope_of(user)
    bad = outside(user, document_regions(data))
    if bad:
        raise OutOfScope(
            _(
                "region_out_of_scope",
                regions=", ".join(region_label(c, refdata) for c in bad),
                scope=region_label(scope, refdata),
            )
        )
    if doc_type == "profil" and scope != NATIONAL and document_regions(data) not in ([], [scope]):
        raise OutOfScope(_("region_profile_mismatch", scope=region_label(scope, refdata)))


def scope_filter(column: ColumnElement[Any], scope: str) -> ColumnElement[bool] | None:
    """A SQL condition: ``column`` (a region code) within ``scope``; None for national (everything)."""
    if scope == NATIONAL:
        return None
    if len(scope) == 2:
        return or_(column == scope, column.like(scope + ".%"))
    return column == scope


def moderator_for(db: Session, code: str) -> str:
    """The region whose moderators receive a submission from ``code``: its own, else the next level up."""
    from sqlalchemy import select

    from flask_app.auth import User

    regions = set(db.scalars(select(User.region).where(User.active.is_(True), User.role.in_(("moderator", "admin")))))
    for candidate in (code, code.split(".")[0], NATIONAL):
        if candidate in regions:
            return candidate
    return NATIONAL


def scope_choices(user: User, refdata: RefData) -> list[tuple[str, str]]:
    """(code, label) of the regions an admin may give an account: its scope's regions."""
    scope = scope_of(user)
    return [(code, region_label(code, refdata)) for code in refdata.regions if in_scope(scope, code)]
