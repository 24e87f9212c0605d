"""Issue 24, part 4, in a real browser: the advisor prepares an answer to "what about the Netherlands?" in the library
of a focal theme, and the protocol officer composes an official meeting's talking points from it (without
JavaScript); a later version of the answer leaves what was prepared for the meeting as it was.

``prepare_answer`` and ``compose_talking_points`` are the steps as a person takes them, for the walk tests to call.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import datetime

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from browser.signing_in import ADVISOR, PROTOCOL, sign_in
from visitplanner.auth.models import User
from visitplanner.commit import commit
from visitplanner.extensions import db
from visitplanner.itinerary.models import ItemKind, ProgrammeItem
from visitplanner.itinerary.operations import create_item
from visitplanner.library.models import ComposedFrom, LibraryEntry, LibraryVersion
from visitplanner.missions.models import Direction, Mission

pytestmark = pytest.mark.browser

PARTNERSHIP = "Gemeente Voorbeeldstad – Wuxi"
THEME = "Surveillance and smart cities (predictive policing)"
MEETING = "Gesprek over camerabewaking met het stadsbestuur (browsertest)"
ANSWER = ("Ja, ook in Nederland zette de overheid risicoprofielen in die discrimineerden: de toeslagenaffaire. Wij "
          "zijn daar open over, en vragen u even open te zijn over de camerasystemen in Wuxi.")
SOURCES = ("Parlementaire ondervragingscommissie Kinderopvangtoeslag, Ongekend onrecht — https://www.tweedekamer.nl — "
           "2020-12-17\nCollege voor de Rechten van de Mens, Etnisch profileren — https://www.mensenrechten.nl — 2023")
TITLE = "En de toeslagenaffaire dan? (browsertest)"


# ---- the steps, for walk tests -------------------------------------------------------------------------------


def prepare_answer(page: Page, theme_label: str, text: str, sources: str, title: str | None = None) -> None:
    """On a partnership's page, as the advisor: open the focal theme's page and prepare an answer to "what about the
    Netherlands?" in its library (``sources`` one per line). Ends on the theme's page, the answer in its library."""
    title = title or (text if len(text) <= 60 else text[:57].rstrip() + "…")
    page.get_by_role("region", name="Focal themes").get_by_role("link", name=theme_label, exact=True).click()
    expect(page.get_by_role("heading", name=theme_label, level=1)).to_be_visible()
    page.get_by_role("link", name="Prepare a talking point or an answer").click()
    page.get_by_role("radio", name="Answer to “what about the Netherlands?”").check()
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_label("Text", exact=True).fill(text)
    page.get_by_label("Sources", exact=True).fill(sources)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(f"The entry is in the library of “{theme_label}”.")
    expect(page.get_by_role("region", name="Talking-points library").get_by_text(text)).to_be_visible()


def compose_talking_points(page: Page, item_title: str, entry_text: str) -> None:
    """On a mission's programme, as the office: open the item, compose its talking points from the library entry
    whose text is ``entry_text``. Ends on the compose page, the text copied into the item's talking points and the
    version it came from named."""
    page.goto(re.sub(r"[?#].*$", "", page.url) + "?audience=internal")
    page.get_by_role("link", name=f"Edit {item_title}").click()
    page.get_by_role("link", name="Compose talking points from the library").click()
    expect(page.get_by_role("heading", name="Compose talking points from the library", level=1)).to_be_visible()
    page.locator(".vp-library-choice").filter(has_text=entry_text).get_by_role("checkbox").check()
    page.get_by_role("button", name="Copy into the talking points").click()
    expect(page.get_by_role("status")).to_contain_text(f"The talking points of “{item_title}” are composed from the "
                                                       "library")
    now = page.get_by_role("region", name="The item's talking points now")
    expect(now).to_contain_text(entry_text)
    expect(now).to_contain_text(re.compile(r"From the library: version \d+ of"))


# ---- the scenario ----------------------------------------------------------------------------------------------


@contextmanager
def a_meeting_to_compose(live_app, title: str, library_title: str, start: str, end: str):
    """An official meeting (``start``–``end``, "HH:MM") on the first day of the demo's inbound mission (a draft),
    without talking points; afterwards it is taken out again with what was composed into it and the library entries
    titled ``library_title``, for the other tests of the session. Yields {"mission": id, "item": id}."""
    with live_app.app_context():
        mission = db.session.scalar(select(Mission).where(Mission.direction == Direction.INBOUND.value))
        protocol = db.session.scalar(select(User).where(User.email == PROTOCOL[0]))
        day = mission.start_date.isoformat()
        item = create_item(protocol, mission, kind=ItemKind.OFFICIAL_MEETING.value, title=title,
                           starts_at=datetime.fromisoformat(f"{day}T{start}"),
                           ends_at=datetime.fromisoformat(f"{day}T{end}"), timezone=mission.timezone,
                           location="Stadhuis Voorbeeldstad", visibility="partner", attendees=[])
        commit(protocol)
        found = {"mission": mission.id, "item": item.id}
    yield found
    with live_app.app_context():
        entries = set(db.session.scalars(select(LibraryVersion.entry_id).where(LibraryVersion.title == library_title)))
        versions = list(db.session.scalars(select(LibraryVersion).where(LibraryVersion.entry_id.in_(entries))))
        links = list(db.session.scalars(select(ComposedFrom).where(
            ComposedFrom.version_id.in_([v.id for v in versions]) | (ComposedFrom.item_id == found["item"]))))
        for row in [*links, db.session.get(ProgrammeItem, found["item"]), *versions,
                    *(db.session.get(LibraryEntry, i) for i in entries)]:
            db.session.delete(row)
            db.session.flush()
        commit()


@pytest.fixture
def meeting(live_app):
    """An official meeting made for this test, taken out again afterwards with the library entry it prepares."""
    with a_meeting_to_compose(live_app, MEETING, TITLE, "16:30", "17:15") as found:
        yield found


def test_an_answer_prepared_in_the_library_becomes_a_meetings_talking_points_and_stays_as_prepared(
        new_context, demo_password, authenticator_code, meeting):
    advisor = new_context().new_page()
    sign_in(advisor, demo_password, ADVISOR, authenticator_code)
    advisor.get_by_role("navigation", name="Main menu").get_by_role("link", name="Partnerships").click()
    advisor.get_by_role("link", name=PARTNERSHIP).click()
    prepare_answer(advisor, THEME, ANSWER, SOURCES, title=TITLE)
    expect(advisor.get_by_role("link", name="Our own policy")).to_be_visible()

    office = new_context(java_script_enabled=False).new_page()
    sign_in(office, demo_password, PROTOCOL, authenticator_code)
    office.goto(f"/missions/{meeting['mission']}/programme")
    compose_talking_points(office, MEETING, ANSWER)
    expect(office.get_by_role("region", name="The item's talking points now")).to_contain_text(
        f"From the library: version 1 of “{TITLE}”")

    # The advisor sharpens the answer: version 2. The meeting keeps what was prepared for it.
    advisor.get_by_role("link", name=re.compile(rf"^Edit \(new version\)\s*:\s*{re.escape(TITLE)}$")).click()
    advisor.get_by_label("Text", exact=True).fill(ANSWER + " Ook de rechter noemde etnisch profileren discriminatie.")
    advisor.get_by_role("button", name="Save", exact=True).click()
    expect(advisor.get_by_role("status")).to_contain_text(f"Version 2 of “{TITLE}” saved")
    expect(advisor.get_by_role("heading", name=f"Version 1: {TITLE}")).to_be_visible()

    office.reload()
    now = office.get_by_role("region", name="The item's talking points now")
    expect(now).to_contain_text(f"From the library: version 1 of “{TITLE}”")
    expect(now).not_to_contain_text("Ook de rechter")

    # The theme's page remembers the meeting with the talking points it used.
    advisor.get_by_role("link", name=THEME).first.click()
    earlier = advisor.get_by_role("region", name="Said and answered at earlier meetings")
    expect(earlier.get_by_role("heading", name=MEETING)).to_be_visible()
    expect(earlier).to_contain_text(f"From the library: version 1 of “{TITLE}”")
