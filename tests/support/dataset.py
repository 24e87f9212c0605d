"""One of everything a URL can point at, for tests that walk every route (access, reads, bad input), and every
kind of visitor signed in to walk them."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import select
from support.accounts import Auth
from support.app import make_app

from visitplanner.auth.models import Role, User
from visitplanner.calendar.operations import create_feed
from visitplanner.commit import commit
from visitplanner.contacts.models import Contact
from visitplanner.extensions import db
from visitplanner.followup.models import FollowUp
from visitplanner.companies.models import CompanyBriefing
from visitplanner.library.models import LibraryEntry, LibraryVersion
from visitplanner.missions.models import Company
from visitplanner.participants.models import Participant
from visitplanner.partnerships.models import FocalTheme, Objective
from visitplanner.readiness.models import ManualCheck
from visitplanner.stakeholders.models import Stakeholder


@dataclass
class Dataset:
    """One of everything a URL can point at; the delegate account is a member of the mission.

    The civil-society participant takes part in the mission's item, so that the consent, withdrawal and
    assessment pages (which answer 404 for a participant outside the mission or item) open; ``key`` is a
    manual checklist item that applies to every mission. ``token`` opens the delegate's feed of the mission;
    ``feed_id`` is a feed of whoever visits (see ``with_feed_of``), since only its owner (or an administrator)
    may open its revoke page.
    """

    delegate_email: str
    partnership_id: int
    mission_id: int
    member_id: int
    item_id: int
    company_id: int
    user_id: int
    participant_id: int
    token: str
    objective_id: int
    follow_up_id: int
    stakeholder_id: int
    contact_id: int
    briefing_id: int
    theme_id: int
    entry_id: int
    feed_id: int | None = None
    key: str = ManualCheck.DELEGATION_BRIEFED.value

    def url_values(self, rule) -> dict[str, int | str]:
        values = {}
        for argument in rule.arguments:
            assert hasattr(self, argument), f"{rule.endpoint}: no test value for URL parameter <{argument}>"
            values[argument] = getattr(self, argument)
        return values


def build_dataset(app, make_user, make_partnership, make_mission, make_member, make_item) -> Dataset:
    """The data set, made in an app context of its own that is closed before the first request: requests made
    inside a shared app context share ``g``, and Flask-Login keeps the signed-in user there."""
    with app.app_context():
        delegate = make_user(Role.DELEGATE, name="Delegation Member")
        partnership = make_partnership(partner_region="Wuxi")
        mission = make_mission(partnership=partnership, title="Werkbezoek Wuxi")
        member = make_member(mission, user=delegate)
        item = make_item(mission, title="Ontvangst op het stadhuis")
        company = Company(name="Waterbedrijf BV")
        mission.companies.append(company)
        participant = Participant(real_name="Wang Li", alias="Berk-1234", kind="defender", at_risk=True)
        item.participants.append(participant)
        feed, token = create_feed(delegate, kind="mission", audience="delegation", mission=mission)
        objective = Objective(partnership=partnership, what="Arbeidsrechten agenderen", target_date=date(2027, 12, 31))
        follow_up = FollowUp(mission_id=mission.id, what="Verslag sturen", due_date=date(2027, 5, 1))
        stakeholder = Stakeholder(name="Wuxi Arbeidersnetwerk", alias="Eik-4321", kind="partner_civil_society")
        contact = Contact(partnership=partnership, kind="call", happened_on=date(2027, 2, 1),
                          subject="Gesprek met het bureau buitenlandse zaken")
        db.session.add_all([objective, follow_up, stakeholder, contact])
        briefing = CompanyBriefing(briefed_on=date(2027, 3, 1), held=False)
        company.briefings.append(briefing)
        theme = FocalTheme(name="Arbeidsrechten in Wuxi", line="region")
        partnership.focal_themes.append(theme)
        entry = LibraryEntry(theme=theme, kind="whataboutism")
        LibraryVersion(entry=entry, number=1, title="Toeslagenaffaire", text="Wij zijn open over onze eigen fouten.",
                       sources="Ongekend onrecht, 2020")
        db.session.add_all([theme, entry])
        commit()
        return Dataset(
            delegate_email=delegate.email, partnership_id=partnership.id, mission_id=mission.id,
            member_id=member.id, item_id=item.id, company_id=company.id, user_id=delegate.id,
            participant_id=participant.id, token=token, feed_id=feed.id, objective_id=objective.id,
            follow_up_id=follow_up.id, stakeholder_id=stakeholder.id, contact_id=contact.id, briefing_id=briefing.id,
            theme_id=theme.id, entry_id=entry.id,
        )


# ---- every route, every kind of visitor ------------------------------------------------------------------

ANONYMOUS = "anonymous"
ADMIN, PROTOCOL, ADVISOR, APPROVER, DELEGATE = (
    Role.ADMIN, Role.PROTOCOL, Role.ADVISOR, Role.APPROVER, Role.DELEGATE,
)
#: Everyone who may knock: nobody signed in, and each role.
VISITORS = (ANONYMOUS, ADMIN, PROTOCOL, ADVISOR, APPROVER, DELEGATE)


def _routes_app():
    """The routes do not depend on the database; a throwaway app is enough to list them at collection."""
    import tempfile

    with tempfile.TemporaryDirectory() as instance:
        routes = make_app("sqlite://", instance)
    return routes


#: Signing out last: it ends the session the other requests need.
ROUTES = sorted(
    (rule for rule in _routes_app().url_map.iter_rules() if rule.endpoint != "static"),
    key=lambda rule: (rule.endpoint == "auth.logout", rule.endpoint),
)


def with_feed_of(app, dataset: Dataset, email: str | None) -> Dataset:
    """The data set with ``feed_id`` pointing at a feed of the account ``email`` (anonymous: left as it is)."""
    if email is None or email == dataset.delegate_email:
        return dataset
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        feed, _ = create_feed(user, kind="person", audience="public")
        commit()
        return replace(dataset, feed_id=feed.id)


def sign_in_as(client, account, dataset: Dataset, who) -> str | None:
    """Sign ``client`` in as ``who``: anonymous stays signed out; the delegate is the one in the mission; other roles
    get a fresh account (``account``: the fixture). Returns the e-mail address signed in with (None for anonymous).
    """
    if who == ANONYMOUS:
        return None
    email = dataset.delegate_email if who == DELEGATE else account(who)
    assert Auth(client).login(email).status_code == 302
    return email
