"""A travel-safe programme (issue 14, part 6): for a laptop or phone taken into China, which may be inspected at the
border. Printed or downloaded as an .ics, never subscribed to as a feed. Civil-society participants by alias only;
NGO visits, meetings with residents and the other human-rights components as a neutral "Meeting" without place,
description or talking points; nothing that names human rights or the action plan; other items as the delegation
sees them, without talking points."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select
from support.feeds import refused
from support.ical import PRIVATE, assert_well_formed, events, item_data, unfold
from support.readiness import assess
from werkzeug.http import parse_options_header

from visitplanner.auth.models import Role
from visitplanner.calendar.forms import FeedForm
from visitplanner.calendar.models import CalendarFeed
from visitplanner.calendar.operations import create_feed
from visitplanner.calendar.programme import programme_ics
from visitplanner.commit import commit
from visitplanner.disclosure import Audience, present_item
from visitplanner.errors import RuleViolation
from visitplanner.extensions import db
from visitplanner.itinerary.operations import update_item
from visitplanner.missions.operations import set_high_risk
from visitplanner.missions.queries import mission_for_page
from visitplanner.participants.models import Scope
from visitplanner.participants.operations import create_participant, record_consent
from visitplanner.partnerships.models import FocalTheme
from visitplanner.timeutil import today_utc

#: What must never be on a device taken into China: real names (one of them consented to be named to the
#: delegation), the places and names of the civil-society items, the NGO, the talking points, the mission's own title.
NEVER = (
    "Li Wei", "Chen Mei", "Werkplaats Oost", "Theehuis De Lotus", "Wuxi Labour Rights Centre",
    "Gesprek met bewoners", "Bedrijvensessie", "gedetineerde advocaten", "Arbeidsrechten", "Geen foto's",
    "Werkbezoek Wuxi",
)
#: Words that name human rights, civil society or the action plan, in either language (case-insensitive).
NAMES_THE_PLAN = re.compile(
    r"mensenrecht|human[- ]rights?|actieplan|action plan|civil society|maatschappelijk|\bNGO\b|\bngo's\b|OESO|OECD"
    r"|UNGP|talking points|gesprekspunten|residents|bewoners|focal theme|speerpunt",
    re.IGNORECASE,
)


def text_of(response) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))))


def unescaped(text: str) -> str:
    return text.replace("\\,", ",").replace("\\;", ";").replace("\\n", "\n").replace("\\N", "\n").replace("\\\\", "\\")


def assert_carries_nothing_forbidden(text: str) -> None:
    for word in NEVER:
        assert word not in text, word
    found = NAMES_THE_PLAN.search(text)
    assert found is None, f"names what a travel copy leaves out: {found.group(0)!r} in …{text[max(found.start() - 60, 0):found.end() + 60]}…"


# Pages in English (the default is Dutch); ``ctx`` lets the test use the database between requests.
pytestmark = pytest.mark.usefixtures("ctx", "en")


@pytest.fixture
def trip(ctx, make_user, make_mission, make_item):
    """An outbound mission whose title names human rights, with an NGO visit (an at-risk defender), a meeting with
    residents (someone who consented to be named to the delegation), a business session on the OECD Guidelines, an
    official meeting with talking points, a dinner, and an internal talk with the embassy."""
    advisor = make_user(Role.ADVISOR, email="advisor@example.org")
    mission = make_mission(title="Werkbezoek Wuxi: mensenrechten en water")
    t = {}
    t["ngo"] = make_item(mission, "2027-04-13T09:00", "2027-04-13T10:30", kind="ngo_visit",
                         title="Bezoek aan Wuxi Labour Rights Centre", location="Werkplaats Oost, Binnenstraat 4",
                         description="Geen foto's; afgesproken via de ambassade.",
                         talking_points="Arbeidsrechten; human rights defenders in de regio.", visibility="delegation")
    t["residents"] = make_item(mission, "2027-04-13T11:00", "2027-04-13T12:00", kind="citizen_meeting",
                               title="Gesprek met bewoners over mensenrechten", location="Theehuis De Lotus",
                               description="Kleine groep.", visibility="delegation")
    t["business"] = make_item(mission, "2027-04-13T12:30", "2027-04-13T13:30", kind="business_session",
                              title="Bedrijvensessie OESO-richtlijnen en UNGP's", location="Wuxi Innovation Park",
                              visibility="partner")
    t["official"] = make_item(mission, "2027-04-13T14:00", "2027-04-13T15:30", kind="official_meeting",
                              title="Ontvangst door het stadsbestuur", location="Stadhuis Wuxi",
                              description="Tolk aanwezig.",
                              talking_points="Actieplan: vraag naar gedetineerde advocaten.", visibility="partner")
    t["dinner"] = make_item(mission, "2027-04-13T18:30", "2027-04-13T20:30", kind="meal", title="Welkomstdiner",
                            location="Hotel Wuxi Lakeside", description="Tafelschikking volgt.", visibility="partner")
    t["embassy"] = make_item(mission, "2027-04-14T08:00", "2027-04-14T08:45", kind="other",
                             title="Overleg met de ambassade over de mensenrechtensituatie", location="Consulaat",
                             visibility="internal")
    defender = create_participant(advisor, real_name="Li Wei", alias="Zwaluw-4471", kind="defender", at_risk=True)
    resident = create_participant(advisor, real_name="Chen Mei", alias="Kraanvogel-12", kind="resident",
                                  at_risk=False)
    t["ngo"].participants.append(defender)
    t["residents"].participants.append(resident)
    record_consent(advisor, resident, mission, method="in_person", information_version="v1",
                   scopes={Scope.TAKE_PART, Scope.NAMED_INTERNAL, Scope.NAMED_DELEGATION},
                   reconfirm_by=today_utc() + timedelta(days=90), today=today_utc())
    commit()
    return advisor, mission, t, defender


@pytest.fixture
def delegate(trip, login, make_member):
    """A delegation member who travels, signed in."""
    _, mission, _, _ = trip
    user = login(Role.DELEGATE)
    make_member(mission, user=user)
    return user


# ---- the .ics ----------------------------------------------------------------------------------------------


def test_a_delegate_downloads_a_travel_safe_ics_that_carries_nothing_of_civil_society_or_the_plan(
    client, trip, delegate
):
    _, mission, t, _ = trip
    response = client.get(f"/missions/{mission.id}/programme.ics?audience=travel")

    assert response.status_code == 200 and response.mimetype == "text/calendar"
    # Named by its dates, as its title is: neither the mission's title, its id nor "travel" says what it is at the
    # border.
    assert mission.title and mission.title.lower() not in response.headers["Content-Disposition"].lower()
    assert parse_options_header(response.headers["Content-Disposition"]) == (
        "attachment", {"filename": "programme-2027-04-12-2027-04-15.ics"})
    cal = assert_well_formed(response.data)
    assert str(cal["x-wr-calname"]) == "Programme 12 Apr 2027 – 15 Apr 2027"
    body = events(response.data)
    assert set(body) == {i.uid for i in t.values()}

    # Civil society and the human-rights components: "Meeting", the time, who is there by alias; nothing else.
    for key in ("ngo", "residents", "business"):
        ev = body[t[key].uid]
        assert str(ev["summary"]) == "Meeting"
        assert "location" not in ev
        assert str(ev["class"]) == "CONFIDENTIAL"
        assert ev.decoded("dtstart") == t[key].starts_at
    assert "Zwaluw-4471" in str(body[t["ngo"].uid]["description"])
    assert "Kraanvogel-12" in str(body[t["residents"].uid]["description"])
    assert "description" not in body[t["business"].uid]

    # The official meeting and the dinner as the delegation sees them, without talking points.
    official, dinner = body[t["official"].uid], body[t["dinner"].uid]
    assert (str(official["summary"]), str(official["location"])) == ("Ontvangst door het stadsbestuur", "Stadhuis Wuxi")
    assert "Tolk aanwezig." in str(official["description"]) and "advocaten" not in str(official["description"])
    assert (str(dinner["summary"]), str(dinner["location"])) == ("Welkomstdiner", "Hotel Wuxi Lakeside")
    assert "Tafelschikking volgt." in str(dinner["description"])
    assert str(dinner["class"]) == "PRIVATE"

    # The internal talk is a private appointment, as for the delegation: its time only.
    embassy = body[t["embassy"].uid]
    assert str(embassy["summary"]) in PRIVATE and "location" not in embassy and "description" not in embassy

    raw = unfold(response.data)
    assert_carries_nothing_forbidden(raw)
    assert_carries_nothing_forbidden(unescaped(raw))


def test_the_delegations_own_download_still_shows_what_the_travel_copy_leaves_out(client, trip, login, make_member):
    """Not vacuous: the same mission, for the delegation and by someone who may see names, shows it all."""
    _, mission, t, _ = trip
    advisor = login(Role.ADVISOR)
    make_member(mission, user=advisor)
    raw = unescaped(unfold(client.get(f"/missions/{mission.id}/programme.ics?audience=delegation").data))
    for word in ("Chen Mei", "Theehuis De Lotus", "Wuxi Labour Rights Centre", "gedetineerde advocaten",
                 "Werkbezoek Wuxi: mensenrechten en water"):
        assert word in raw, word
    assert "Li Wei" not in raw and "Zwaluw-4471" in raw  # no consent to be named: alias, as before


# ---- the print -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_travel_safe_print_names_nothing_of_civil_society_or_the_plan(client, trip, delegate, lang):
    _, mission, _, _ = trip
    with client.session_transaction() as session:
        session["lang"] = lang
    response = client.get(f"/missions/{mission.id}/programme/print?audience=travel")

    assert response.status_code == 200
    page = text_of(response)
    assert_carries_nothing_forbidden(page)
    for shown in ("Ontvangst door het stadsbestuur", "Stadhuis Wuxi", "Welkomstdiner", "Hotel Wuxi Lakeside",
                  "Zwaluw-4471", "Kraanvogel-12"):
        assert shown in page, shown
    with force_locale(lang):
        from flask_babel import gettext

        assert page.count(gettext("Meeting")) >= 3
        assert gettext("Private appointment") in page
        assert gettext("Travel-safe (devices taken into China)") not in page  # the copy does not say what it is


def test_the_print_for_the_delegation_is_unchanged(client, trip, delegate):
    _, mission, _, _ = trip
    page = text_of(client.get(f"/missions/{mission.id}/programme/print?audience=delegation"))
    assert "Werkbezoek Wuxi: mensenrechten en water" in page and "Theehuis De Lotus" in page
    assert "Programme for: Delegation" in page


def test_the_programme_page_offers_the_travel_copy_to_print_and_download_but_not_as_a_feed(client, trip, delegate):
    _, mission, _, _ = trip
    html = client.get(f"/missions/{mission.id}/programme").get_data(as_text=True)
    assert "<select" not in html  # a delegation member's travel copies are links beside her view, not a choice
    assert f"/missions/{mission.id}/programme/print?audience=travel" in html
    assert f"/missions/{mission.id}/programme.ics?audience=travel" in html
    delegation = client.get(f"/missions/{mission.id}/programme?audience=delegation").get_data(as_text=True)
    assert 'name="audience" value="delegation"' in delegation  # the view shown is the one subscribed to

    travel_page = client.get(f"/missions/{mission.id}/programme?audience=travel")
    travel = text_of(travel_page)
    assert "Theehuis De Lotus" not in travel and "Chen Mei" not in travel and "Meeting" in travel
    assert "Create a calendar feed" not in travel  # the travel-safe view is never offered as a feed


# ---- high-risk mode --------------------------------------------------------------------------------------------


def test_an_item_with_someone_at_critical_risk_is_not_in_the_travel_copy_at_all(client, trip, delegate):
    advisor, mission, t, defender = trip
    assess(advisor, defender, t["ngo"], risk_level="critical")
    commit()

    response = client.get(f"/missions/{mission.id}/programme.ics?audience=travel")
    # Made at once (nothing in it needs the password again): the item is simply not there, not even its time.
    assert response.status_code == 200 and b"BEGIN:VCALENDAR" in response.data
    body = events(response.data)
    assert t["ngo"].uid not in body and t["residents"].uid in body and t["dinner"].uid in body
    assert "Zwaluw-4471" not in text_of(client.get(f"/missions/{mission.id}/programme/print?audience=travel"))


def test_in_high_risk_mode_no_item_with_civil_society_is_in_the_travel_copy(client, trip, delegate):
    advisor, mission, t, _ = trip
    set_high_risk(advisor, mission, "Intimidatie van gesprekspartners.")
    commit()

    body = events(client.get(f"/missions/{mission.id}/programme.ics?audience=travel").data)
    assert t["ngo"].uid not in body and t["residents"].uid not in body
    assert str(body[t["business"].uid]["summary"]) == "Meeting"  # no civil society in it: still there, neutral
    page = text_of(client.get(f"/missions/{mission.id}/programme/print?audience=travel"))
    assert "Confirm it is you" not in page and "Zwaluw-4471" not in page and "Kraanvogel-12" not in page
    assert "Welkomstdiner" in page


# ---- the rules, item by item -----------------------------------------------------------------------------------


def test_no_consent_and_no_viewer_makes_a_real_name_appear(trip):
    advisor, mission, t, defender = trip
    for participant in (defender, *t["residents"].participants):
        record_consent(advisor, participant, mission, method="in_person", information_version="v2",
                       scopes=set(Scope), reconfirm_by=today_utc() + timedelta(days=90), today=today_utc())
    commit()
    mission = mission_for_page(mission.id)
    with force_locale("en"):
        for for_feed in (False, True):
            raw = unescaped(unfold(programme_ics([mission], Audience.TRAVEL, advisor, "x", today=today_utc(),
                                                 for_feed=for_feed)))
            assert "Li Wei" not in raw and "Chen Mei" not in raw
            assert "Zwaluw-4471" in raw and "Kraanvogel-12" in raw


def test_an_official_meeting_linked_to_a_focal_theme_carries_no_description(trip):
    _, mission, t, _ = trip
    official = t["official"]
    official.focal_themes.append(db.session.scalars(select(FocalTheme).where(FocalTheme.key.is_not(None))).first())
    commit()
    with force_locale("en"):
        view = present_item(official, Audience.TRAVEL)
        assert (view.title, view.location) == ("Ontvangst door het stadsbestuur", "Stadhuis Wuxi")
        assert (view.description, view.talking_points, view.themes) == ("", "", ())
        assert present_item(official, Audience.INTERNAL).themes  # the office still sees it


def test_the_offices_notes_on_an_item_only_the_delegation_sees_stay_at_home(trip, make_item):
    """A description goes on the device only where the partner may see the item anyway."""
    _, mission, t, _ = trip
    transfer = make_item(mission, "2027-04-14T10:00", "2027-04-14T11:00", kind="transport", title="Naar het hotel",
                         description="Chauffeur bellen via het consulaat", visibility="delegation")
    with force_locale("en"):
        assert present_item(transfer, Audience.TRAVEL).description == ""
        assert present_item(transfer, Audience.TRAVEL).title == "Naar het hotel"
        assert present_item(transfer, Audience.DELEGATION).description == "Chauffeur bellen via het consulaat"
        assert present_item(t["dinner"], Audience.TRAVEL).description == "Tafelschikking volgt."  # partner sees it


def test_the_labels_exist_in_english_and_dutch(trip):
    _, mission, t, _ = trip
    with force_locale("en"):
        assert present_item(t["ngo"], Audience.TRAVEL).title == "Meeting"
        english_label = Audience.TRAVEL.label
        assert english_label == "Travel-safe (devices taken into China)"
    with force_locale("nl"):
        dutch_title = present_item(t["ngo"], Audience.TRAVEL).title
        assert dutch_title and dutch_title != "Meeting", "no Dutch translation of the neutral title"
        assert Audience.TRAVEL.label != english_label, "no Dutch label for the travel-safe audience"


# ---- never a feed ------------------------------------------------------------------------------------------------


def test_the_feed_form_refuses_the_travel_audience(app, trip, make_user):
    for role in (Role.DELEGATE, Role.PROTOCOL, Role.ADVISOR):
        user = make_user(role)
        with app.test_request_context(method="POST", data={"kind": "person", "audience": "travel"}), \
                force_locale("en"):
            form = FeedForm.for_user(user)
            assert "travel" not in [value for value, _ in form.audience.choices]
            assert not form.validate()
            assert "audience" in form.errors
            assert form.refusal.startswith("The travel-safe programme is only printed or downloaded")
        with app.test_request_context(method="POST", data={"kind": "person", "audience": "delegation"}):
            assert FeedForm.for_user(user).validate()


def test_a_delegate_asking_for_a_travel_feed_gets_none_and_is_told_why(client, trip, delegate):
    _, mission, _, _ = trip
    messages = refused(client, kind="mission", audience="travel", mission_id=str(mission.id))
    assert any("never subscribed to as a calendar feed" in m for m in messages), messages
    assert db.session.scalar(select(func.count(CalendarFeed.id))) == 0


def test_no_operation_makes_a_travel_feed(trip):
    advisor, mission, _, _ = trip
    with pytest.raises(RuleViolation):
        create_feed(advisor, kind="mission", audience="travel", mission=mission)


def test_the_command_line_writes_the_travel_safe_copy(runner, trip):
    _, mission, t, _ = trip
    result = runner.invoke(args=["export-ics", str(mission.id), "--audience", "travel"])
    assert result.exit_code == 0, result.output
    assert_well_formed(result.stdout_bytes)
    assert set(events(result.stdout_bytes)) == {i.uid for i in t.values()}
    raw = unfold(result.stdout_bytes)
    assert "Werkbezoek" not in raw and "Theehuis De Lotus" not in raw and "Li Wei" not in raw


def test_a_travel_copy_downloaded_again_replaces_the_last_one_when_what_it_shows_changed(client, trip, delegate):
    """A file imported over the previous one replaces its events only with a higher SEQUENCE: the travel-safe copy is
    followed like every audience, so that its SEQUENCE rises when what it shows changes, and only then."""
    advisor, mission, t, _ = trip

    def sequences():
        body = events(client.get(f"/missions/{mission.id}/programme.ics?audience=travel").data)
        return {key: body[item.uid].decoded("sequence") for key, item in t.items()}

    def change(item, **changes):
        update_item(advisor, item, expected_version=item.version, **item_data(item, **changes))
        commit()

    before = sequences()
    change(t["ngo"], talking_points="Iets anders")  # not in the travel copy: its SEQUENCE stays
    change(t["dinner"], location="Restaurant Taihu")  # in it: its SEQUENCE rises
    after = sequences()
    assert after["ngo"] == before["ngo"]
    assert after["dinner"] > before["dinner"]
