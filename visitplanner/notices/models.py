"""E-mail notices: the outbox, what each kind is for and who may get it, and the kinds a person turned off.

A notice carries no free text of the office: its parameters are dates, counts and roles only (``ALLOWED_TYPES``),
its link is an endpoint with ids. What a message says is fixed wording per kind (``templates/notices/mail/``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..access import roles_allowed
from ..auth.models import Role, User
from ..enums import LabelledEnum, MemberText, sql_in
from ..extensions import db
from ..facts import created, facts, row_id
from ..personal_data import USER, Category, personal
from ..timeutil import UTCDateTime, now_utc

#: What a notice holds of its person: that it was meant for them, and what about (dates, counts, a link).
NOTICE = personal(Category.ACCOUNT, USER)

#: Why none of it raises a revision: a notice is in no programme, feed or sign-off, only on its person's own list.
OWN_LIST = "a notice is shown only on its person's own list of notices, in no programme, feed or sign-off"


def _notice(audit=False) -> dict:
    return facts(ignored=OWN_LIST, fingerprint=False, privacy=NOTICE, audit=audit)


class NoticeKind(LabelledEnum):
    """What a notice tells; each kind has fixed wording, in ``templates/notices/mail/<kind>.txt``."""

    SIGNOFF_REQUESTED = "signoff_requested"
    SIGNOFFS_VOIDED = "signoffs_voided"
    CONSENT_ENDING = "consent_ending"
    ASSESSMENT_ENDING = "assessment_ending"
    FOLLOW_UP_DUE = "follow_up_due"
    MISSION_FINALISED = "mission_finalised"
    FEED_EXPIRING = "feed_expiring"

    __labels__ = {
        SIGNOFF_REQUESTED: _l("A mission waits for sign-off"),
        SIGNOFFS_VOIDED: _l("Sign-offs voided by a change"),
        CONSENT_ENDING: _l("A consent ends soon or before the meeting"),
        ASSESSMENT_ENDING: _l("A safety assessment ends soon or before the meeting"),
        FOLLOW_UP_DUE: _l("A follow-up of mine is due or overdue"),
        MISSION_FINALISED: _l("A mission I take part in is finalised"),
        FEED_EXPIRING: _l("A calendar feed of mine is about to expire"),
    }

    #: Who gets it, for the account page.
    audience = MemberText({
        SIGNOFF_REQUESTED: _l("Advisors and approvers, when a mission is submitted for sign-off."),
        SIGNOFFS_VOIDED: _l("Whoever submitted the mission and whoever signed it off."),
        CONSENT_ENDING: _l("Advisors, 14 days before a consent must be reconfirmed, or when it ends before the "
                           "person's meeting."),
        ASSESSMENT_ENDING: _l("Advisors, 14 days before a safety assessment ends, or when it ends before the "
                              "meeting."),
        FOLLOW_UP_DUE: _l("The owner, a week before the due date and once it is overdue."),
        MISSION_FINALISED: _l("The delegation members with an account."),
        FEED_EXPIRING: _l("The owner, 14 days before the feed expires."),
    })

    @property
    def roles(self) -> frozenset[Role]:
        """The roles whose holders may get this kind: those the access table admits to the page where what it tells
        is dealt with (``KIND_PAGES``)."""
        return frozenset(roles_allowed(KIND_PAGES[self]))

    def for_user(self, user: User) -> bool:
        return user.has_role(*self.roles)


#: Each kind's page where what it tells is dealt with: who may use it (``access.py``) is who gets the kind.
KIND_PAGES: dict[NoticeKind, str] = {
    NoticeKind.SIGNOFF_REQUESTED: "readiness.sign",
    NoticeKind.SIGNOFFS_VOIDED: "readiness.checklist",
    NoticeKind.CONSENT_ENDING: "participants.renew",
    NoticeKind.ASSESSMENT_ENDING: "participants.assess",
    NoticeKind.FOLLOW_UP_DUE: "followup.after",
    NoticeKind.MISSION_FINALISED: "missions.show",
    NoticeKind.FEED_EXPIRING: "calendar.feeds",
}

#: The only types a notice's parameters and link values may hold: dates are kept as ISO text, the rest as numbers,
#: flags and fixed codes (a role's value). Free text of the office never goes in (``operations.write_notice``).
ALLOWED_TYPES = (int, bool, str)


class Notice(db.Model):
    """One notice to one person: written in the transaction of what caused it, sent by ``flask notify``."""

    __tablename__ = "notices"
    __table_args__ = (CheckConstraint(f"kind IN ({sql_in(NoticeKind)})", name="known_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True, info=row_id())
    #: The person it is for; their address stays on the account and is read when it is sent.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True, info=_notice())
    kind: Mapped[str] = mapped_column(String(32), info=_notice())
    #: Dates (ISO), counts and codes only, by name: what the kind's wording fills in.
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, info=_notice())
    #: The page it links to: an endpoint and its ids, made absolute with BASE_URL when sent.
    link_endpoint: Mapped[str] = mapped_column(String(64), info=_notice())
    link_values: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, info=_notice())
    #: A time-driven notice is written once: (kind, subject, date, person).
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True, info=_notice())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, info=created(NOTICE))
    #: A run of ``notify`` claims the notice before it talks to the mail server, so that no other run sends it.
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, info=_notice())
    claim_token: Mapped[str | None] = mapped_column(String(32), info=_notice())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, info=_notice())
    attempts: Mapped[int] = mapped_column(default=0, info=_notice())
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, index=True, info=_notice())
    #: The mail server's answer code or the kind of failure: never an address or any content.
    last_error: Mapped[str] = mapped_column(String(200), default="", info=_notice())

    user: Mapped[User] = relationship(lazy="joined")

    @property
    def notice_kind(self) -> NoticeKind:
        return NoticeKind(self.kind)


class NoticeOptOut(db.Model):
    """A kind of notice a person turned off on their account page: none of that kind is written for them."""

    __tablename__ = "notice_opt_outs"
    __table_args__ = (CheckConstraint(f"kind IN ({sql_in(NoticeKind)})", name="known_kind"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True,
                                         info=_notice())
    kind: Mapped[str] = mapped_column(String(32), primary_key=True, info=_notice())
