"""No e-mail carries a name, an alias, a title, a place, a talking point or any other text of the office: the
wording of each kind reads only its fixed variables, and every notice of every kind sent from the demo data, with a
sentinel in every free-text field, carries none of them (headers and body, every part)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from jinja2 import meta
from sqlalchemy import select
from support.clock import replace_clock

from visitplanner.access import allows
from visitplanner.auth.models import Role, User
from visitplanner.calendar.operations import create_feed
from visitplanner.disclosure import may_see_mission
from visitplanner.commit import commit
from visitplanner.demo import load_demo
from visitplanner.extensions import db
from visitplanner.followup.models import FollowUp, MeetingOutcome
from visitplanner.itinerary.models import ProgrammeItem
from visitplanner.missions.models import Company, DelegationMember, Mission
from visitplanner.notices.models import Notice, NoticeKind
from visitplanner.notices.rendering import COMMON, TEMPLATE, VARIABLES
from visitplanner.participants.models import Consultation, Participant, SafetyAssessment
from visitplanner.partnerships.models import Partnership
from visitplanner.stakeholders.models import Involvement, Stakeholder
from visitplanner.contacts.models import Contact
from visitplanner.timeutil import now_utc, today_utc

#: Every field of free text that names, places or describes people and meetings.
FREE_TEXT = {
    Participant: ("real_name", "alias", "organisation", "residence", "contact"),
    Stakeholder: ("name", "alias", "contact"),
    Involvement: ("said",),
    Mission: ("title", "purpose"),
    ProgrammeItem: ("title", "location", "description", "talking_points"),
    DelegationMember: ("name", "function", "organisation"),
    FollowUp: ("what", "with_whom"),
    MeetingOutcome: ("raised", "partner_response"),
    Contact: ("subject", "partner_response"),
    Company: ("name", "contact"),
    Partnership: ("own_organisation", "partner_region", "cooperation_themes"),
    SafetyAssessment: ("venue", "threats", "mitigations"),
    Consultation: ("question", "answer"),
    User: ("name",),
}
SENTINEL = "Sntnl"


def template_variables(app, name: str) -> set[str]:
    source = app.jinja_loader.get_source(app.jinja_env, name)[0]
    return meta.find_undeclared_variables(app.jinja_env.parse(source))


@pytest.mark.parametrize("kind", list(NoticeKind), ids=str)
def test_each_kind_s_wording_reads_only_its_fixed_variables(app, kind):
    assert template_variables(app, TEMPLATE.format(kind=kind.value)) <= VARIABLES[kind]
    assert template_variables(app, "notices/mail/base.txt") <= COMMON
    # None of them is a field of free text: dates, counts, a flag, links and the organisation's configured name.
    free = {name for fields in FREE_TEXT.values() for name in fields} - {"name"}
    assert not VARIABLES[kind] & free


def _sentinels() -> list[str]:
    """Put a sentinel of its own into every free-text field of every row; returns the old texts worth looking for
    (names, aliases, titles, places) and the sentinels."""
    numbers = itertools.count(1)
    looked_for = []
    for model, fields in FREE_TEXT.items():
        for row in db.session.scalars(select(model)):
            for field in fields:
                old = getattr(row, field)
                if isinstance(old, str) and len(old.strip()) >= 6:
                    looked_for.append(old.strip())
                new = f"{SENTINEL}{next(numbers):05d}"
                setattr(row, field, new)
                looked_for.append(new)
    return looked_for


def test_no_message_of_any_kind_carries_any_text_of_the_office(app, ctx, inbox, runner, monkeypatch):
    load_demo()
    commit()
    users = db.session.scalars(select(User).order_by(User.id)).all()
    for user in users[::2]:
        user.language = "en"  # both languages
    delegate = next(u for u in users if u.has_role(Role.DELEGATE))
    mission = next(m for m in db.session.scalars(select(Mission).order_by(Mission.id)) if may_see_mission(delegate, m))
    feed, _token = create_feed(delegate, kind="mission", audience="delegation", mission=mission)
    feed.expires_at = now_utc() + timedelta(days=5)
    commit()
    looked_for = _sentinels()
    advisor = next(u for u in users if u.has_role(Role.ADVISOR))
    commit(advisor)  # moving places voids the finalised mission's sign-offs: its submitter and signers are told

    # Every notice that falls due by date: today, and on the days the safety assessments run out.
    days = {today_utc()} | {a.valid_until - timedelta(days=3) for a in db.session.scalars(select(SafetyAssessment))}
    for day in sorted(days):
        replace_clock(monkeypatch, datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=8))
        result = runner.invoke(args=["notify"])
        assert result.exit_code == 0, result.output

    kinds = {n.kind for n in db.session.scalars(select(Notice))}
    assert kinds == {k.value for k in NoticeKind}, f"not every kind was written from the demo: {kinds}"
    assert db.session.scalars(select(Notice).where(Notice.sent_at.is_(None))).all() == []
    assert len(inbox.messages) == len(db.session.scalars(select(Notice)).all())

    leaks = []
    for raw, message in zip(inbox.raw, inbox.messages):
        texts = [raw.decode("utf-8", "replace"), *(f"{k}: {v}" for k, v in message.items())]
        texts += [part.get_content() for part in message.walk() if part.get_content_maintype() == "text"]
        whole = "\n".join(texts)
        leaks += [(message["Subject"], text) for text in looked_for if text in whole]
        assert SENTINEL not in whole
    assert leaks == []
    # Every notice leads its person to a page their roles open (the roles of each kind, those the access table admits to
    # its KIND_PAGES page, against the access table again for the page it links to).
    closed = [(n.kind, n.user.email, n.link_endpoint) for n in db.session.scalars(select(Notice))
              if not allows(n.user, n.link_endpoint)]
    assert closed == []
