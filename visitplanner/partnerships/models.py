"""Partnerships between the own organisation and a partner region."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..timeutil import UTCDateTime, now_utc

if TYPE_CHECKING:
    from ..missions.models import Mission


class PartnershipKind(StrEnum):
    SISTER_CITY = "sister_city"
    FRIENDSHIP = "friendship"
    THEMATIC = "thematic"

    @property
    def label(self) -> str:
        return str(
            {
                PartnershipKind.SISTER_CITY: _l("Sister city / partner city"),
                PartnershipKind.FRIENDSHIP: _l("Friendship relation"),
                PartnershipKind.THEMATIC: _l("Thematic or strategic partnership"),
            }[self]
        )


class RegionType(StrEnum):
    CITY = "city"
    PROVINCE = "province"

    @property
    def label(self) -> str:
        return str({RegionType.CITY: _l("City"), RegionType.PROVINCE: _l("Province")}[self])


def _in(enum) -> str:
    return ", ".join(f"'{m.value}'" for m in enum)


class Partnership(db.Model):
    __tablename__ = "partnerships"
    __table_args__ = (
        CheckConstraint(f"kind IN ({_in(PartnershipKind)})", name="known_kind"),
        CheckConstraint(f"region_type IN ({_in(RegionType)})", name="known_region_type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    own_organisation: Mapped[str] = mapped_column(String(200))
    partner_region: Mapped[str] = mapped_column(String(200))
    region_type: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(32))
    #: Free text, e.g. "smart cities, water management".
    cooperation_themes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc)
    version: Mapped[int] = mapped_column(default=1)

    missions: Mapped[list[Mission]] = relationship(
        back_populates="partnership", order_by="Mission.start_date"
    )

    __mapper_args__ = {"version_id_col": version}

    AUDITED = ("own_organisation", "partner_region", "region_type", "kind", "cooperation_themes")

    @property
    def label(self) -> str:
        return f"{self.own_organisation} – {self.partner_region}"

    @property
    def kind_label(self) -> str:
        return PartnershipKind(self.kind).label

    @property
    def region_type_label(self) -> str:
        return RegionType(self.region_type).label
