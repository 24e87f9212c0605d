"""The briefing book (issue 25, part 1): one PDF per audience, made on the server, read back here with pypdf.

Each edition is made once for the module (``editions``): an outbound mission with an official meeting with talking
points, a visit to an NGO where a defender takes part (named to the office only), a meeting with residents where a
second person takes part (named to every audience that may name people), a dinner and an item for the office only;
and an inbound mission whose delegation list has our own people and the visitors. What a test checks beyond reading
an edition (the re-check in high-risk mode, the audit log, bad addresses) it makes itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

import pytest
from pypdf import PdfReader
from sqlalchemy import select
from support.accounts import PASSWORD, Auth
from support.pdf import pdf_pages, pdf_reader
from support.readiness import (
    ALIAS,
    REAL_NAME,
    TODAY,
    add_groundwork,
    add_participant,
    assess,
    freeze_today,
    give_consent,
    join,
)

from visitplanner.audit.models import AuditEntry
from visitplanner.auth.models import Role, User
from visitplanner.commit import commit
from visitplanner.extensions import db
from visitplanner.itinerary.models import ItemKind, ProgrammeItem
from visitplanner.missions.models import DelegationMember, Mission
from visitplanner.missions.operations import set_high_risk
from visitplanner.participants.models import Scope
from visitplanner.partnerships.models import Partnership
from visitplanner.timeutil import to_utc

#: The second person: consent to be named to the office, the delegation and the partner.
OPEN_NAME, OPEN_ALIAS = "Wang Openbaar", "Kraanvogel-7"
TALKING_POINTS = "Vraag naar de vrijlating van gedetineerde arbeidsrechtenactivisten."
#: Where the civil-society items are: never in a travel-safe copy.
NGO_PLACE, RESIDENTS_PLACE = "Theehuis De Stille Tuin", "Buurthuis Oost"
NGO_TITLE = "Gesprek met arbeidsrechtenactivisten"
DOSSIER = "Arbeidsrechtenactivisten melden intimidatie."
OBJECTIVE = "Arbeidsrechten agenderen bij elk officieel bezoek"
INBOUND_POINTS = "Vraag naar de Oeigoerse gemeenschap in Nederland."


@dataclass(frozen=True)
class Edition:
    """A book as downloaded: its answer's headers, and the text of each page."""

    status: int
    headers: dict
    pages: list[str]
    reader: PdfReader | None

    @property
    def text(self) -> str:
        return " ".join(self.pages)


def read(response) -> Edition:
    if response.status_code != 200 or response.mimetype != "application/pdf":
        return Edition(response.status_code, dict(response.headers), [], None)
    reader = pdf_reader(response.data)
    return Edition(response.status_code, dict(response.headers), pdf_pages(reader), reader)


def _account(role: Role, email: str, name: str) -> User:
    user = User(email=email, name=name)
    user.set_password(PASSWORD)
    user.set_roles([role])
    db.session.add(user)
    return user


def _item(mission: Mission, start: str, end: str, **values) -> ProgrammeItem:
    item = ProgrammeItem(mission=mission, timezone=mission.timezone,
                         starts_at=to_utc(datetime.fromisoformat(start), mission.timezone),
                         ends_at=to_utc(datetime.fromisoformat(end), mission.timezone), **values)
    db.session.add(item)
    return item


def _build() -> dict:
    """Both missions and the accounts that read them (committed); returns the ids and addresses."""
    advisor = _account(Role.ADVISOR, "advisor@example.org", "Anna Advies")
    _account(Role.PROTOCOL, "protocol@example.org", "Piet Protocol")
    delegate = _account(Role.DELEGATE, "delegate@example.org", "Dirk Delegatie")
    visitor = _account(Role.DELEGATE, "visitor@example.org", "Zhang Bezoeker")
    partnership = Partnership(own_organisation="Gemeente Teststad", partner_region="Wuxi", region_type="city",
                              kind="sister_city", cooperation_themes="water")
    db.session.add(partnership)
    db.session.flush()
    theme = add_groundwork(advisor, partnership)
    mission = Mission(partnership=partnership, direction="outbound", title="Werkbezoek Wuxi", purpose="",
                      start_date=date(2027, 4, 12), end_date=date(2027, 4, 15), timezone="Asia/Shanghai")
    ours = DelegationMember(mission=mission, user=delegate, function="Wethouder")
    extern = DelegationMember(mission=mission, name="Extern Lid", function="Tolk", organisation="Tolkbureau")
    db.session.add_all([mission, ours, extern])
    _item(mission, "2027-04-13T14:00", "2027-04-13T15:30", kind=ItemKind.OFFICIAL_MEETING.value,
          title="Ontvangst door het stadsbestuur", visibility="partner", location="Stadhuis Wuxi",
          talking_points=TALKING_POINTS, focal_themes=[theme], attendees=[ours, extern])
    ngo = _item(mission, "2027-04-14T09:00", "2027-04-14T10:30", kind=ItemKind.NGO_VISIT.value, title=NGO_TITLE,
                visibility="delegation", location=NGO_PLACE, description="Over de stakingen.", attendees=[ours])
    residents = _item(mission, "2027-04-14T19:00", "2027-04-14T21:00", kind=ItemKind.CITIZEN_MEETING.value,
                      title="Avond met bewoners", visibility="partner", location=RESIDENTS_PLACE, attendees=[ours])
    _item(mission, "2027-04-13T19:00", "2027-04-13T21:00", kind=ItemKind.MEAL.value, title="Diner met de wethouder",
          visibility="delegation", location="Restaurant Lotus", attendees=[ours])
    _item(mission, "2027-04-12T08:00", "2027-04-12T09:00", kind=ItemKind.OTHER.value, title="Intern beraad",
          visibility="internal", location="Kantoor")
    db.session.flush()
    hidden = add_participant(advisor)  # REAL_NAME / ALIAS: named to the office only
    join(hidden, ngo)
    give_consent(advisor, hidden, mission)
    assess(advisor, hidden, ngo)
    named = add_participant(advisor, real_name=OPEN_NAME, alias=OPEN_ALIAS, kind="resident", at_risk=False)
    join(named, residents)
    give_consent(advisor, named, mission, (Scope.TAKE_PART, Scope.NAMED_INTERNAL, Scope.NAMED_DELEGATION,
                                           Scope.NAMED_PARTNER))
    assess(advisor, named, residents, risk_level="low", decision="proceed")

    inbound = Mission(partnership=partnership, direction="inbound", title="Bezoek uit Wuxi", purpose="",
                      start_date=date(2027, 5, 10), end_date=date(2027, 5, 12), timezone="Europe/Amsterdam")
    host = DelegationMember(mission=inbound, user=delegate, function="Wethouder")
    guest = DelegationMember(mission=inbound, user=visitor, side="visitors", function="Viceburgemeester",
                             organisation="Stad Wuxi")
    db.session.add_all([inbound, host, guest])
    _item(inbound, "2027-05-11T10:00", "2027-05-11T11:00", kind=ItemKind.OFFICIAL_MEETING.value,
          title="Gesprek op het stadhuis", visibility="delegation", location="Stadhuis Teststad",
          talking_points=INBOUND_POINTS, attendees=[host, guest])
    commit()
    return {"outbound": mission.id, "inbound": inbound.id, "theme": theme.label}


#: (who, language, mission, audience) of every edition the tests read.
EDITIONS = {
    "internal-advisor": ("advisor", "nl", "outbound", "internal"),
    "internal-protocol-en": ("protocol", "en", "outbound", "internal"),
    "delegation-advisor": ("advisor", "nl", "outbound", "delegation"),
    "delegation-delegate": ("delegate", "nl", "outbound", "delegation"),
    "travel": ("delegate", "nl", "outbound", "travel"),
    "travel-advisor": ("advisor", "nl", "outbound", "travel"),
    "partner": ("advisor", "nl", "outbound", "partner"),
    "public": ("protocol", "en", "outbound", "public"),
    "inbound-ours": ("delegate", "en", "inbound", "delegation"),
    "inbound-visitor": ("visitor", "en", "inbound", "delegation"),
}


@pytest.fixture(scope="module")
def editions(app):
    """Every edition, made once: {name: Edition}, with the missions' ids under "ids"."""
    with pytest.MonkeyPatch.context() as patch:
        freeze_today(patch, TODAY)
        with app.test_request_context():
            ids = _build()
        made = {"ids": ids}
        for name, (who, lang, mission, audience) in EDITIONS.items():
            browser = app.test_client()
            with browser.session_transaction() as session:
                session["lang"] = lang
            assert Auth(browser).login(f"{who}@example.org").status_code == 302
            made[name] = read(browser.get(f"/missions/{ids[mission]}/programme/book.pdf?audience={audience}"))
    return made


@pytest.mark.parametrize("name", EDITIONS)
def test_every_page_carries_the_marking_the_print_date_and_its_number(editions, name):
    book = editions[name]
    assert book.status == 200 and book.headers["Content-Type"] == "application/pdf"
    marking = {"internal-advisor": "Intern – vertrouwelijk", "internal-protocol-en": "Internal – confidential",
               "delegation-advisor": "Intern – vertrouwelijk", "delegation-delegate": "Intern – vertrouwelijk",
               "travel": "Programma 12 apr. 2027 – 15 apr. 2027", "travel-advisor": "Programma 12 apr. 2027",
               "partner": "Autoriteiten van de partner", "public": "Briefing book for: Public",
               "inbound-ours": "Internal – confidential", "inbound-visitor": "Briefing book for: Delegation"}[name]
    printed = "Printed on 1 Mar 2027" if EDITIONS[name][1] == "en" else "Afgedrukt op 1 mrt. 2027"
    assert len(book.pages) >= 3
    for number, page in enumerate(book.pages, start=1):
        assert marking in page, (number, page[:200])
        assert printed in page, number
        assert f"{number} / {len(book.pages)}" in page, number


def test_the_talking_points_are_for_the_office_and_our_own_side_only(editions):
    for name in ("internal-advisor", "internal-protocol-en", "delegation-advisor", "delegation-delegate"):
        assert TALKING_POINTS in editions[name].text, name
    assert INBOUND_POINTS in editions["inbound-ours"].text
    for name in ("inbound-visitor",):
        assert INBOUND_POINTS not in editions[name].text, name
    for name in ("travel", "travel-advisor", "partner", "public"):
        assert TALKING_POINTS not in editions[name].text, name


def test_a_real_name_appears_only_where_consent_and_the_readers_role_allow(editions):
    """The defender agreed to be named to the office only: the advisor's internal edition names her, no other does
    (the protocol officer's role does not see real names). The resident agreed to be named to the delegation and
    the partner too: by the advisor's editions for them, never by the delegate's (her role) nor the travel copy."""
    names_hidden = [name for name in EDITIONS if REAL_NAME in editions[name].text]
    assert names_hidden == ["internal-advisor"]
    names_open = [name for name in EDITIONS if OPEN_NAME in editions[name].text]
    assert names_open == ["internal-advisor", "delegation-advisor", "partner"]
    assert ALIAS in editions["internal-protocol-en"].text and ALIAS in editions["delegation-delegate"].text
    assert OPEN_ALIAS in editions["travel"].text and OPEN_ALIAS in editions["delegation-delegate"].text


def test_the_travel_safe_edition_keeps_to_the_travel_safe_rules(editions):
    for name in ("travel", "travel-advisor"):
        book = editions[name]
        for secret in (NGO_PLACE, RESIDENTS_PLACE, NGO_TITLE, "Avond met bewoners", "Over de stakingen",
                       DOSSIER, OBJECTIVE, TALKING_POINTS, "Arbeidsrechten", "Werkbezoek Wuxi",
                       "Intern beraad", "Kantoor", REAL_NAME, OPEN_NAME):
            assert secret not in book.text, (name, secret)
        assert "Afspraak" in book.text  # the civil-society items, as neutral meetings
        assert "Ontvangst door het stadsbestuur" in book.text and "Stadhuis Wuxi" in book.text
        assert book.reader.metadata.title == "Programma 12 apr. 2027 – 15 apr. 2027"
        assert book.headers["Content-Disposition"] == "attachment; filename=programme-2027-04-12-2027-04-15.pdf"


def test_the_internal_edition_has_the_background_and_the_safety_notes_by_alias(editions):
    book = editions["internal-protocol-en"]
    assert "Focal themes and research" in book.text and "Labour rights" in book.text and DOSSIER in book.text
    assert "Safety notes" in book.text and ALIAS in book.text and OPEN_ALIAS in book.text
    assert REAL_NAME not in book.text and OPEN_NAME not in book.text
    advisors = editions["internal-advisor"].pages[-1]  # her safety notes, though she may read the real names
    assert ALIAS in advisors and OPEN_ALIAS in advisors and "Hoog" in advisors
    assert REAL_NAME not in advisors and OPEN_NAME not in advisors
    for name in ("delegation-advisor", "delegation-delegate", "partner", "travel", "public", "inbound-ours"):
        assert DOSSIER not in editions[name].text, name
        assert not re.search("Veiligheidsnotities|Safety notes", editions[name].text), name


def test_the_book_has_the_programme_the_delegation_and_a_sheet_per_official_meeting(editions):
    book = editions["internal-protocol-en"]
    for heading in ("Programme", "Delegation", "Our own people", "Official meetings", "Counterpart",
                    "The authorities of Wuxi", "Dirk Delegatie", "Extern Lid", "Tolkbureau"):
        assert heading in book.text, heading
    sheet = next(page for page in book.pages if "Counterpart" in page and "Ontvangst door het stadsbestuur" in page)
    assert "Ontvangst door het stadsbestuur" in sheet and TALKING_POINTS in sheet and "Stadhuis Wuxi" in sheet
    assert "home: 08:00–09:30" in sheet  # 14:00 in Wuxi is 08:00 in the Netherlands, in summer time
    inbound = editions["inbound-ours"].text
    assert "The visiting delegation" in inbound and "Zhang Bezoeker" in inbound and "Viceburgemeester" in inbound
    assert "Counterpart Zhang Bezoeker" in inbound  # who we meet: the visitors at the meeting
    partner = editions["partner"].text  # the partner's edition names no one of the delegation (as its programme)
    assert "Dirk Delegatie" not in partner and "Extern Lid" not in partner


def test_each_edition_is_in_the_readers_language(editions):
    dutch, english = editions["internal-advisor"], editions["internal-protocol-en"]
    assert {"Programma", "Delegatie", "Speerpuntthema's"} <= set(_words(dutch.text, 3))
    assert english.reader.trailer["/Root"]["/Lang"] == "en" and dutch.reader.trailer["/Root"]["/Lang"] == "nl"
    assert "Briefing book" in english.reader.metadata.title
    for heading in ("Official meetings", "Safety notes", "Focal themes and research"):
        assert heading in english.text


def test_the_dutch_edition_has_the_books_own_headings_in_dutch(editions):
    """The book's new strings in Dutch (from the issue's translations, once they are in the catalogue)."""
    dutch = editions["internal-advisor"].text
    for heading in ("Briefingboek voor: Intern (eigen organisatie)", "Speerpuntthema's en onderzoek",
                    "Veiligheidsnotities", "Gesprekspartner", "De autoriteiten van Wuxi"):
        assert heading in dutch, heading


def _words(text: str, at_least: int) -> list[str]:
    return [w for w in re.split(r"[\s·:()]+", text) if len(w) >= at_least]


def _tags(node, found: list[str]) -> list[str]:
    """The structure types of the tagged PDF's elements, in reading order."""
    node = node.get_object()
    if isinstance(node, list):
        for kid in node:
            _tags(kid, found)
        return found
    if hasattr(node, "get") and node.get("/S") is not None:
        found.append(str(node["/S"]))
    kids = node.get("/K") if hasattr(node, "get") else None
    if kids is not None and not isinstance(kids, int):
        _tags(kids, found)
    return found


@pytest.mark.parametrize("name", ["internal-advisor", "travel", "inbound-visitor"])
def test_the_pdf_is_tagged_with_its_language_title_and_headings_in_order(editions, name):
    reader = editions[name].reader
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog and bool(catalog["/MarkInfo"]["/Marked"])
    assert catalog["/Lang"] == EDITIONS[name][1] and reader.metadata.title
    headings = [int(tag[2]) for tag in _tags(catalog["/StructTreeRoot"]["/K"], []) if re.fullmatch(r"/H[1-6]", tag)]
    assert headings[0] == 1 and headings.count(1) == 1
    assert all(later <= earlier + 1 for earlier, later in zip(headings, headings[1:])), headings
    assert "/Table" in _tags(catalog["/StructTreeRoot"]["/K"], [])


# ---- what a test makes itself -------------------------------------------------------------------------------


@pytest.fixture
def small(ctx, make_user, make_mission, make_item, make_member):
    """A small mission with a meeting where a defender takes part (for the re-check) and a delegate in it."""
    advisor = make_user(Role.ADVISOR)
    mission = make_mission(title="Bezoek \"Zürich\"; filename=evil.exe")
    make_item(mission, kind=ItemKind.OFFICIAL_MEETING.value, title="Ontvangst", visibility="delegation",
              talking_points=TALKING_POINTS)
    ngo = make_item(mission, "2027-04-14T09:00", "2027-04-14T10:00", kind=ItemKind.NGO_VISIT.value, title=NGO_TITLE,
                    visibility="delegation", location=NGO_PLACE)
    person = add_participant(advisor)
    join(person, ngo)
    commit()
    return advisor, mission


def test_the_download_is_audited_and_named_safely(client, login, small):
    advisor, mission = small
    user = login(Role.PROTOCOL)
    response = client.get(f"/missions/{mission.id}/programme/book.pdf?audience=internal")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=bezoek-zurich-filename-evil-exe-briefing-internal.pdf")
    db.session.expire_all()
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "programme.briefing_book")).one()
    assert (entry.actor_id, entry.mission_id, entry.changes["export"][1]) == (user.id, mission.id, "book:internal")


def test_in_high_risk_mode_the_book_is_made_only_after_the_re_check(client, login, small):
    advisor, mission = small
    set_high_risk(advisor, mission, "Intimidatie")
    commit()
    user = login(Role.PROTOCOL)
    url = f"/missions/{mission.id}/programme/book.pdf?audience=delegation"
    asked = client.get(url)
    assert asked.status_code == 200 and asked.mimetype == "text/html" and b'name="secret"' in asked.data
    assert client.post(url, data={"secret": "not my password"}).status_code == 403
    db.session.expire_all()
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "programme.briefing_book")) is None

    right = client.post(url, data={"secret": PASSWORD})
    assert right.status_code == 200 and right.mimetype == "application/pdf"
    assert NGO_TITLE in read(right).text
    db.session.expire_all()
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.actor_id == user.id,
                                                                 AuditEntry.action.like("programme.%"))).all()
    assert sorted(actions) == ["programme.briefing_book", "programme.high_risk_export",
                               "programme.high_risk_export_wrong"]


def test_an_edition_that_shows_no_high_risk_item_is_made_at_once(client, login, small):
    advisor, mission = small
    set_high_risk(advisor, mission, "Intimidatie")
    commit()
    login(Role.PROTOCOL)
    response = client.get(f"/missions/{mission.id}/programme/book.pdf?audience=partner")  # sees neither item
    assert response.status_code == 200 and response.mimetype == "application/pdf"


@pytest.mark.parametrize("audience", ["everyone", "INTERNAL", "", "internal%00"])
def test_an_unknown_audience_is_not_found(client, login, small, audience):
    advisor, mission = small
    login(Role.PROTOCOL)
    assert client.get(f"/missions/{mission.id}/programme/book.pdf?audience={audience}").status_code == 404


def test_a_delegate_gets_only_the_audiences_she_may_use_of_her_own_missions(client, login, small, make_mission,
                                                                            make_member):
    advisor, mission = small
    delegate = login(Role.DELEGATE)
    make_member(mission, user=delegate)
    elsewhere = make_mission(title="Andere missie")
    assert client.get(f"/missions/{mission.id}/programme/book.pdf?audience=internal").status_code == 404
    assert client.get(f"/missions/{elsewhere.id}/programme/book.pdf").status_code == 404
    assert client.get("/missions/999999/programme/book.pdf").status_code == 404
    assert client.get(f"/missions/{mission.id}/programme/book.pdf").mimetype == "application/pdf"


def test_the_programme_page_links_the_book_for_its_audience_and_the_travel_safe_one(client, login, small):
    advisor, mission = small
    login(Role.PROTOCOL)
    page = client.get(f"/missions/{mission.id}/programme?audience=partner").get_data(as_text=True)
    assert f'href="/missions/{mission.id}/programme/book.pdf?audience=partner"' in page
    assert f'href="/missions/{mission.id}/programme/book.pdf?audience=travel"' in page
