"""The talking-points library: per focal theme, prepared points and prepared answers to whataboutism, each kept in
immutable versions; the links from a meeting's talking points to the versions they were composed from; and the
organisation's own human-rights policy, versioned too.

The library is in no feed, export, check or sign-off: only what a meeting's talking points copy from it leaves the
office's pages, and then as those talking points (``disclosure.gets_talking_points``). So its columns raise no
revisions (the link from an item to a version does: it is the item's).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..enums import LabelledEnum, sql_in
from ..extensions import db
from ..facts import created, facts, raising, row_id
from ..itinerary.models import ProgrammeItem
from ..partnerships.models import FocalTheme
from ..personal_data import ACTED, KEY, NOTES, OFFICE
from ..timeutil import UTCDateTime, now_utc

if TYPE_CHECKING:
    from ..personal_data import Classification

#: Why a change to the library raises nothing: no output but its own pages shows it.
IN_NO_OUTPUT = ("the talking-points library and the own policy are shown on their own pages only, never in a feed, "
                "export or check; what a meeting uses of them is copied into its talking points, which raise")


def _kept(privacy: Classification, audit=False) -> dict:
    """A column of the library: raises nothing (see ``IN_NO_OUTPUT``)."""
    return facts(ignored=IN_NO_OUTPUT, fingerprint=False, privacy=privacy, audit=audit)


class EntryKind(LabelledEnum):
    """What a library entry prepares."""

    __fields__ = ("kind",)

    POINT = "point"
    WHATABOUTISM = "whataboutism"

    __labels__ = {
        POINT: _l("Talking point"),
        WHATABOUTISM: _l("Answer to “what about the Netherlands?”"),
    }


class LibraryEntry(db.Model):
    """A prepared talking point or answer on a focal theme. Its text lives in its versions; retired entries stay,
    with their versions, for the meetings that used them."""

    __tablename__ = "talking_point_entries"
    __table_args__ = (CheckConstraint(f"kind IN ({sql_in(EntryKind)})", name="known_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True, info=row_id())
    theme_id: Mapped[int] = mapped_column(ForeignKey("focal_themes.id", ondelete="CASCADE"), index=True,
                                          info=_kept(OFFICE))
    kind: Mapped[str] = mapped_column(String(16), info=_kept(OFFICE, _l("Kind")))
    #: Set when the advisor retires the entry: no longer offered to compose from; kept for what used it.
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime, info=_kept(OFFICE))
    retired_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), info=_kept(ACTED))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, info=created(OFFICE))

    theme: Mapped[FocalTheme] = relationship()
    versions: Mapped[list[LibraryVersion]] = relationship(back_populates="entry", order_by="LibraryVersion.number")

    @property
    def kind_label(self) -> str:
        return EntryKind(self.kind).label

    @property
    def current(self) -> LibraryVersion:
        """The latest version: what composing copies now."""
        return self.versions[-1]

    @property
    def label(self) -> str:
        return self.current.title

    @property
    def retired(self) -> bool:
        return self.retired_at is not None

    def can_edit(self) -> bool:
        """A retired entry is kept as it was (who keeps the library is ``access.py``'s)."""
        return not self.retired


class LibraryVersion(db.Model):
    """One version of an entry, never changed once written: an edit writes the next."""

    __tablename__ = "talking_point_versions"
    __table_args__ = (
        UniqueConstraint("entry_id", "number", name="uq_talking_point_versions_entry_number"),
        CheckConstraint("number > 0", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, info=row_id())
    entry_id: Mapped[int] = mapped_column(ForeignKey("talking_point_entries.id", ondelete="CASCADE"), index=True,
                                          info=_kept(OFFICE))
    #: 1, 2, 3 … per entry.
    number: Mapped[int] = mapped_column(info=_kept(KEY))
    title: Mapped[str] = mapped_column(String(200), info=_kept(NOTES, _l("Title")))
    text: Mapped[str] = mapped_column(Text, info=_kept(NOTES, _l("Text")))
    #: Sources, one per line: title, link and date.
    sources: Mapped[str] = mapped_column(Text, default="", info=_kept(OFFICE, _l("Sources")))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), info=_kept(ACTED))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, info=created(OFFICE))

    entry: Mapped[LibraryEntry] = relationship(back_populates="versions")
    author: Mapped[User | None] = relationship()

    AUDITED = ("title", "text", "sources")

    @property
    def label(self) -> str:
        return self.title

    @property
    def source_lines(self) -> list[str]:
        return [line.strip() for line in self.sources.splitlines() if line.strip()]


class ComposedFrom(db.Model):
    """A meeting's talking points were composed from this version: the text was copied into the item, and this link
    says from where, so that later versions never change what was prepared for the meeting."""

    __tablename__ = "item_talking_point_sources"
    __table_args__ = (UniqueConstraint("item_id", "version_id", name="uq_item_talking_point_sources_item_version"),)

    id: Mapped[int] = mapped_column(primary_key=True, info=row_id())
    item_id: Mapped[int] = mapped_column(ForeignKey("programme_items.id", ondelete="CASCADE"), index=True,
                                         info=raising(OFFICE, events=False))
    version_id: Mapped[int] = mapped_column(ForeignKey("talking_point_versions.id", ondelete="CASCADE"), index=True,
                                            info=raising(OFFICE, events=False))
    composed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), info=raising(ACTED, events=False))
    composed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, info=created(OFFICE))

    item: Mapped[ProgrammeItem] = relationship()
    version: Mapped[LibraryVersion] = relationship()


class PolicyVersion(db.Model):
    """The organisation's own human-rights policy and its openness commitments, stated up front (B, intro; B.a),
    one version per edit: the latest is current."""

    __tablename__ = "own_policy_versions"
    __table_args__ = (CheckConstraint("number > 0", name="number_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True, info=row_id())
    number: Mapped[int] = mapped_column(unique=True, info=_kept(KEY))
    text: Mapped[str] = mapped_column(Text, info=_kept(NOTES, _l("Text")))
    #: Sources, one per line: title, link and date (the council's decision, the policy document …).
    sources: Mapped[str] = mapped_column(Text, default="", info=_kept(OFFICE, _l("Sources")))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), info=_kept(ACTED))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, info=created(OFFICE))

    author: Mapped[User | None] = relationship()

    AUDITED = ("text", "sources")

    @property
    def label(self) -> str:
        return str(_l("Our own human-rights policy"))

    @property
    def source_lines(self) -> list[str]:
        return [line.strip() for line in self.sources.splitlines() if line.strip()]
