"""Every page and export takes the same number of queries at 10 and at 300 programme items (issue 12, point 4).

Two sites of their own, built once for the module: each holds one partnership with one outbound mission, the same
accounts (one per role, the delegate in the delegation) and the same groundwork; one has 10 programme items, the
other 300. Every item has the delegation attending, a civil-society participant of its own with consent and a
safety assessment (medium risk: no high-risk mode, so nothing asks to confirm again), and one regular participant
who takes part in every item (the participant page and the access export of a person who is everywhere). Official
meetings carry talking points, a focal theme, an outcome and a follow-up; every item leaves audit entries; every
consent and assessment expires within the dashboard's 14 days, so that the dashboard lists them all.

Each page is fetched on both sites by a signed-in user whose role may see it, and its statements counted. Two sites
rather than one mission grown from 10 to 300 items, because the dashboard and the lists of participants and of the
audit log read the whole database, not one mission; built once per module, so that the cases cost only their fetches.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select
from weasyprint import HTML
from support.accounts import PASSWORD, Auth
from support.app import WORKER, drop_worker_database, make_app, reset_schema
from support.readiness import TODAY, freeze_today
from support.sql import Statements

from visitplanner.audit.models import AuditEntry
from visitplanner.auth.models import Role, User
from visitplanner.commit import commit
from visitplanner.extensions import db
from visitplanner.followup.models import FollowUp, MeetingOutcome
from visitplanner.itinerary.models import ItemKind, ProgrammeItem
from visitplanner.missions.models import Company, DelegationMember, Mission
from visitplanner.participants.models import (
    ConsentRecord,
    Consultation,
    ConsultationCover,
    Participant,
    SafetyAssessment,
)
from visitplanner.partnerships.models import DossierEntry, FocalTheme, Objective, Partnership
from visitplanner.stakeholders.models import Involvement, Stakeholder
from visitplanner.timeutil import to_utc

#: Below SQLAlchemy's batch of 500 ids per ``selectinload`` query: past it, a load takes one query more per 500.
SIZES = (10, 300)
#: Within the dashboard's 14 days of TODAY: every consent and assessment is listed there as expiring.
EXPIRES = TODAY + timedelta(days=10)
#: Kinds and visibilities the items cycle through (five against four: every kind in every visibility), so that every
#: audience sees some items whole, some as private appointments and some not at all.
KINDS = (ItemKind.OFFICIAL_MEETING, ItemKind.NGO_VISIT, ItemKind.CITIZEN_MEETING, ItemKind.MEAL, ItemKind.TRANSPORT)
VISIBILITIES = ("internal", "delegation", "partner", "public")


# ---- the site: a mission of ``size`` items --------------------------------------------------------------------


@dataclass
class Site:
    app: Flask
    size: int
    mission_id: int
    partnership_id: int
    #: The participant who takes part in every item.
    regular_id: int
    emails: dict[Role, str]


def account(role: Role) -> User:
    user = User(email=f"{role.value}@example.org", name=role.label)
    user.set_password(PASSWORD)
    user.set_roles([role])
    db.session.add(user)
    return user


def build(size: int) -> tuple[Mission, Participant, dict[Role, User]]:
    """The partnership with its groundwork, the mission with its delegation and company, and ``size`` items with
    everything that hangs off them, in two flushes and one commit (calendars are followed once, at the commit)."""
    users = {role: account(role) for role in Role}
    staff = users[Role.PROTOCOL]
    theme = db.session.scalar(select(FocalTheme).where(FocalTheme.key == "labour_rights"))
    partnership = Partnership(own_organisation="Gemeente Teststad", partner_region="Wuxi", region_type="city",
                              kind="sister_city", cooperation_themes="water", focal_themes=[theme])
    partnership.dossier_entries.append(DossierEntry(topic="region", summary="Intimidatie van activisten.",
                                                    sources="China Labour Bulletin", entry_date=date(2026, 9, 15)))
    objective = Objective(what="Arbeidsrechten agenderen", focal_theme_id=theme.id, target_date=date(2027, 12, 31),
                          evaluation_due=EXPIRES)
    partnership.objectives.append(objective)
    mission = Mission(partnership=partnership, direction="outbound", title="Werkbezoek Wuxi", purpose="",
                      start_date=date(2027, 4, 12), end_date=date(2027, 4, 15), timezone="Asia/Shanghai")
    members = [DelegationMember(mission=mission, user=users[Role.DELEGATE]),
               DelegationMember(mission=mission, name="Extern Lid")]
    mission.companies.append(Company(name="Mulder Waterbouw B.V."))
    consultation = Consultation(channel="consulate", consulted="Consulaat-generaal Shanghai", question="Veilig?",
                                answer="Ja.", consulted_on=date(2027, 2, 20), valid_until=date(2027, 6, 30))
    mission.consultations.append(consultation)
    regular = Participant(real_name="Chen Xiaoli", alias="Reiger-2041", kind="defender", at_risk=True)
    items, people = [], []
    for i in range(size):
        kind, start = KINDS[i % len(KINDS)], datetime(2027, 4, 12 + i % 4, 7) + timedelta(minutes=(i // 4) * 3)
        people.append(Participant(real_name=f"Naam {i}", alias=f"Alias-{i}", kind="resident", at_risk=False))
        items.append(ProgrammeItem(
            mission=mission, kind=kind.value, title=f"Onderdeel {i}", timezone=mission.timezone,
            visibility=VISIBILITIES[i % len(VISIBILITIES)], starts_at=to_utc(start, mission.timezone),
            ends_at=to_utc(start + timedelta(minutes=2), mission.timezone), location="Wuxi", description="Gesprek",
            attendees=list(members), participants=[regular, people[-1]],
            talking_points="Arbeidsrechten" if kind == ItemKind.OFFICIAL_MEETING else "",
            focal_themes=[theme] if kind == ItemKind.OFFICIAL_MEETING else [],
        ))
    db.session.add_all([partnership, mission, *members, regular, *people, *items])
    db.session.flush()
    for person in (regular, *people):
        db.session.add(ConsentRecord(participant_id=person.id, mission_id=mission.id, take_part=True,
                                     named_internal=True, named_delegation=True, method="in_person",
                                     reconfirm_by=EXPIRES))
    for item, person in zip(items, people):
        for who in (regular, person):
            db.session.add_all([
                SafetyAssessment(participant_id=who.id, item_id=item.id, risk_level="medium", decision="proceed",
                                 person_consulted=True, assessed_on=date(2027, 2, 20), valid_until=EXPIRES),
                ConsultationCover(consultation_id=consultation.id, participant_id=who.id, item_id=item.id),
            ])
        db.session.add_all([
            AuditEntry(actor_id=staff.id, action="item.create", object_type="ProgrammeItem", object_id=item.id,
                       mission_id=mission.id, partnership_id=partnership.id, label=item.title,
                       changes={"title": [None, item.title]}),
            AuditEntry(actor_id=users[Role.ADVISOR].id, action="safety.assess", object_type="Participant",
                       object_id=regular.id, mission_id=mission.id, partnership_id=partnership.id,
                       label=regular.alias, changes={"risk_level": [None, "medium"]}),
        ])
        if item.kind == ItemKind.OFFICIAL_MEETING:
            # Who the action plan rests on grows with the meetings: an organisation and a person consulted for each.
            organisation = Stakeholder(name=f"Organisatie {item.title}", alias=f"Org-{item.id}",
                                       kind="partner_civil_society")
            db.session.add(organisation)
            db.session.flush()
            db.session.add_all([
                Involvement(objective_id=objective.id, stakeholder_id=organisation.id, held_on=date(2027, 1, 5),
                            way="meeting", said=f"Inbreng {item.title}"),
                Involvement(objective_id=objective.id, participant_id=person.id, held_on=date(2027, 1, 6),
                            way="call"),
            ])
            db.session.add_all([
                MeetingOutcome(item_id=item.id, raised="Arbeidsrechten", partner_response="Genoteerd",
                               recorded_by_id=staff.id),
                FollowUp(mission_id=mission.id, what=f"Verslag {item.title}", owner_id=staff.id, due_date=EXPIRES,
                         objective_id=objective.id),
            ])
    commit()
    return mission, regular, users


def database_for(tmp_path_factory, name: str) -> str:
    """A database of the site's own: a SQLite file, or on PostgreSQL (TEST_DATABASE_URL) one beside the suite's."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return "sqlite:///" + str(tmp_path_factory.mktemp(name) / "test.sqlite")
    import psycopg
    from sqlalchemy.engine import make_url

    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    given = make_url(url)
    own = given.set(database="_".join(filter(None, (given.database, name, WORKER))))
    admin = given.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{own.database}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{own.database}"')
    return own.render_as_string(hide_password=False)


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """The two sites, built once: {10: Site, 300: Site}."""
    built = {}
    for size in SIZES:
        app = make_app(database_for(tmp_path_factory, f"counts{size}"), str(tmp_path_factory.mktemp(f"i{size}")))
        with app.app_context():
            reset_schema()
            mission, regular, users = build(size)
            built[size] = Site(app, size, mission.id, mission.partnership_id, regular.id,
                               {role: user.email for role, user in users.items()})
            assert db.session.scalar(select(func.count(ProgrammeItem.id))) == size
    yield built
    for site in built.values():
        with site.app.app_context():
            db.engine.dispose()
        if os.environ.get("TEST_DATABASE_URL"):
            drop_worker_database(site.app.config["SQLALCHEMY_DATABASE_URI"])


# ---- the pages and exports ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    #: What the page is, for the test id (``advisor-programme.ics-internal``).
    name: str
    role: Role
    #: The path, with {mission}, {partnership} and {participant} filled in from the site.
    path: str
    method: str = "GET"
    data: dict | None = None
    #: Text the page shows at every size, to know that it shows what was seeded ({last}, {public}, {official}: the
    #: numbers of items, see ``marks``).
    shows: str | None = None
    #: The most statements the page may take (loading the signed-in user included).
    most: int = 24

    def url(self, site: Site) -> str:
        return self.path.format(mission=site.mission_id, partnership=site.partnership_id,
                                participant=site.regular_id)

    @property
    def id(self) -> str:
        return f"{self.role.name.lower()}-{self.name}"


STAFF_AUDIENCES = ("internal", "delegation", "travel", "partner", "public")
DELEGATE_AUDIENCES = ("delegation", "travel", "partner", "public")


def for_audiences(name: str, path: str, role: Role, travel_shows: str = "Alias-{public}") -> list[Page]:
    """The page for every audience the role may pick. Every audience sees the last public item: by its title, or in
    the travel-safe copy as a neutral meeting (with the participant's alias, where the page lists who attends)."""
    audiences = DELEGATE_AUDIENCES if role == Role.DELEGATE else STAFF_AUDIENCES
    return [Page(f"{name}-{audience}", role, f"{path}?audience={audience}",
                 shows=travel_shows if audience == "travel" else "Onderdeel {public}") for audience in audiences]


PAGES = [
    # Two of them list the consents and the safety assessments that end before the meeting (issue 21, part 3).
    # The advisor and the protocol officer also get the queue of participants waiting for a step: one query more.
    # Issue 24: the partnerships latest reviews one more, contacts one more, objectives lacking input three, the
    # companies briefings (read with the missions and with the programmes) two.
    *(Page("dashboard", role, "/", shows="Alias-{last}", most=50 if role in (Role.PROTOCOL, Role.ADVISOR) else 48)
      for role in (Role.PROTOCOL, Role.ADVISOR, Role.APPROVER, Role.ADMIN)),
    Page("dashboard", Role.DELEGATE, "/", shows="Werkbezoek Wuxi", most=5),
    *(Page("mission", role, "/missions/{mission}", shows="Werkbezoek Wuxi")
      for role in (Role.PROTOCOL, Role.ADVISOR, Role.DELEGATE)),
    Page("mission-history", Role.PROTOCOL, "/missions/{mission}/history", shows="Onderdeel {last}"),
    *(Page("checklist", role, "/missions/{mission}/checklist", shows="Werkbezoek Wuxi")
      for role in (Role.PROTOCOL, Role.ADVISOR)),
    Page("consultations", Role.ADVISOR, "/participants/missions/{mission}/consultations", shows="Onderdeel {last}"),
    *(page for role in (Role.PROTOCOL, Role.ADVISOR, Role.DELEGATE)
      for page in for_audiences("programme", "/missions/{mission}/programme", role)),
    *(page for role in (Role.ADVISOR, Role.DELEGATE)
      for page in for_audiences("print", "/missions/{mission}/programme/print", role)),
    *(page for role in (Role.PROTOCOL, Role.DELEGATE)
      for page in for_audiences("week", "/missions/{mission}/programme/week", role, travel_shows=">Afspraak<")),
    *(page for role in (Role.ADVISOR, Role.DELEGATE)
      for page in for_audiences("programme.ics", "/missions/{mission}/programme.ics", role)),
    # The briefing book (issue 25, part 1): the office's edition, which reads the most (the background and the safety
    # notes too). Its queries are all made before the layout, which is given the finished HTML and reads nothing:
    # here the HTML is made in full and WeasyPrint's layout (140 pages at 300 items, some 20 s) is left out
    # (``LAID_OUT_ELSEWHERE``); tests/itinerary/test_briefing_book.py lays the book out and reads it.
    Page("book-internal", Role.ADVISOR, "/missions/{mission}/programme/book.pdf?audience=internal"),
    Page("after-the-visit", Role.PROTOCOL, "/missions/{mission}/after", shows="Verslag Onderdeel {official}"),
    Page("partnership", Role.ADVISOR, "/partnerships/{partnership}", shows="Onderdeel {official}"),
    Page("partnerships", Role.PROTOCOL, "/partnerships/", shows="Wuxi", most=6),
    # The partnership's review and its report for each audience (issue 24, part 6): the follow-ups of every item,
    # linked to the objective, are listed.
    Page("partnership-review", Role.ADVISOR, "/partnerships/{partnership}/review",
         shows="Verslag Onderdeel {official}"),
    *(Page(f"partnership-report-{audience}", Role.PROTOCOL, f"/partnerships/{{partnership}}/review/report"
           f"?audience={audience}", shows="Verslag Onderdeel {official}") for audience in ("internal", "council")),
    Page("participants", Role.ADVISOR, "/participants/", shows="Naam {last}", most=5),
    *(Page("stakeholders", role, "/stakeholders/", shows=shows, most=6)
      for role, shows in ((Role.ADVISOR, "Organisatie Onderdeel {official}"), (Role.PROTOCOL, "Org-"))),
    *(Page("participant", role, "/participants/{participant}", shows="Onderdeel {last}", most=10)
      for role in (Role.PROTOCOL, Role.ADVISOR)),
    Page("access-request", Role.ADVISOR, "/participants/{participant}/data", shows="Reiger-2041", most=8),
    *(Page(f"access-export-{form}", Role.ADVISOR, "/participants/{participant}/data", "POST", {"format": form},
           shows="Onderdeel {last}") for form in ("html", "json")),
    Page("audit-log", Role.ADMIN, "/admin/audit", shows="Onderdeel {last}", most=6),
]


def marks(size: int) -> dict[str, int]:
    """The numbers of the items a page shows at ``size``: the last, the last public one, the last official meeting."""
    numbers = range(size)
    return {"last": size - 1, "public": max(i for i in numbers if VISIBILITIES[i % len(VISIBILITIES)] == "public"),
            "official": max(i for i in numbers if KINDS[i % len(KINDS)] == ItemKind.OFFICIAL_MEETING)}


def fetch(site: Site, page: Page) -> tuple[int, object]:
    """Sign in as the page's role on the site, then fetch the page, counting the statements of that fetch only."""
    client = site.app.test_client()
    assert Auth(client).login(site.emails[page.role]).status_code == 302, "login failed"
    with site.app.app_context(), Statements() as sql:
        if page.method == "POST":
            response = client.post(page.url(site), data=page.data)
        else:
            response = client.get(page.url(site))
    return sql.count, response


#: The pages whose queries are counted up to the finished HTML of a PDF, without laying it out.
LAID_OUT_ELSEWHERE = {"advisor-book-internal"}


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.id)
def test_a_page_takes_the_same_number_of_queries_at_10_and_300_items(sites, monkeypatch, page):
    freeze_today(monkeypatch, TODAY)
    if page.id in LAID_OUT_ELSEWHERE:
        laid_out = []
        monkeypatch.setattr(HTML, "write_pdf", lambda html, **options: laid_out.append(html) or b"%PDF-")
    counts = {}
    for size, site in sites.items():
        counts[size], response = fetch(site, page)
        assert response.status_code == 200, (size, response.status_code)
        if page.shows:
            assert page.shows.format(**marks(size)) in response.get_data(as_text=True), size
    assert counts[10] == counts[300], counts
    assert counts[10] <= page.most, counts
    if page.id in LAID_OUT_ELSEWHERE:
        assert len(laid_out) == 2, "the book's HTML was made in full, at both sizes"
