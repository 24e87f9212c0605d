"""The talking-points library per focal theme (issue 24, part 4; B.a "openheid te verschaffen in de eigen
(Nederlandse) situatie"): the advisor prepares talking points and answers to whataboutism with their sources, every
edit a new version; the office composes a meeting's talking points from it as a copy that keeps what was prepared;
the theme's page shows what was said and answered before. And the organisation's own policy (part 7a)."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import func, select
from support.pages import form_values
from support.readiness import audit_count, finalise, freeze_today, post_and_void, ready_mission
from support.sql import Statements

from visitplanner.audit.models import AuditEntry
from visitplanner.auth.models import Role
from visitplanner.commit import commit
from visitplanner.errors import RuleViolation, StaleEdit
from visitplanner.extensions import db
from visitplanner.followup.models import MeetingOutcome
from visitplanner.itinerary.models import ProgrammeItem
from visitplanner.library.models import ComposedFrom, LibraryEntry, LibraryVersion, PolicyVersion
from visitplanner.library.operations import (
    add_entry,
    compose_talking_points,
    retire_entry,
    revise_entry,
    revise_policy,
)
from visitplanner.missions.models import MissionStatus
from visitplanner.partnerships.models import FocalTheme

ANSWER = ("Ja, ook Nederland kende discriminatie door de overheid: de toeslagenaffaire. Wij zijn daar open over, en "
          "verwachten dezelfde openheid over camerasystemen in Wuxi.")
SOURCES = "Ongekend onrecht — https://www.tweedekamer.nl — 2020-12-17"
LATER = "Ook etnisch profileren door de Marechaussee is door de rechter discriminatie genoemd."


@pytest.fixture(autouse=True)
def _frozen(english, monkeypatch):
    """The scenarios' day, and English for the messages of operations called directly."""
    freeze_today(monkeypatch)


@pytest.fixture
def s(make_user, make_mission, make_item):
    """A mission ready for sign-off, its official meeting raising the partnership's focal theme."""
    return ready_mission(make_user, make_mission, make_item)


def theme_of(s) -> FocalTheme:
    return s.meeting.focal_themes[0]


def prepared(s, text: str = ANSWER, title: str = "En de toeslagenaffaire dan?") -> LibraryEntry:
    entry = add_entry(s.advisor, theme_of(s), kind="whataboutism", title=title, text=text, sources=SOURCES)
    commit()
    return entry


def page(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", html))


def every_row() -> dict:
    """Every row of the library's tables and of the items, to tell that a refused change changed nothing."""
    rows = {}
    for model in (LibraryEntry, LibraryVersion, ComposedFrom, PolicyVersion, ProgrammeItem, AuditEntry):
        rows[model.__tablename__] = sorted(repr(tuple(r)) for r in db.session.execute(
            select(*model.__table__.columns)).all())
    return rows


# ---- versions -------------------------------------------------------------------------------------------------


def test_the_advisor_prepares_an_answer_and_an_edit_makes_version_2_leaving_version_1_as_it_was(s, client, en,
                                                                                               login):
    login(Role.ADVISOR)
    theme = theme_of(s)
    response = client.post(f"/themes/{theme.id}/library/new", data={
        "kind": "whataboutism", "title": "En de toeslagenaffaire dan?", "text": ANSWER, "sources": SOURCES})
    assert response.status_code == 302
    entry = db.session.scalar(select(LibraryEntry))
    assert [v.number for v in entry.versions] == [1]

    form = client.get(f"/library/{entry.id}/edit").get_data(as_text=True)
    assert 'name="based_on" type="hidden" value="1"' in form or 'value="1"' in form
    response = client.post(f"/library/{entry.id}/edit", data={
        "based_on": "1", "title": "En de toeslagenaffaire dan?", "text": f"{ANSWER} {LATER}",
        "sources": f"{SOURCES}\nGerechtshof Den Haag — https://www.rechtspraak.nl — 2023-02-14"})
    assert response.status_code == 302

    db.session.expire_all()
    first, second = db.session.scalars(select(LibraryVersion).order_by(LibraryVersion.number)).all()
    assert (first.number, first.text, first.sources) == (1, ANSWER, SOURCES)
    assert second.number == 2 and LATER in second.text and "rechtspraak.nl" in second.sources
    history = page(client.get(f"/library/{entry.id}").get_data(as_text=True))
    assert "Version 2 (current): En de toeslagenaffaire dan?" in history and "Version 1:" in history
    assert history.index("Version 2") < history.index("Version 1"), "the latest first"
    assert "Our own policy" in history


def test_the_library_shows_on_the_themes_page_linked_from_the_partnership(s, client, en, login):
    entry = prepared(s)
    login(Role.PROTOCOL)
    partnership = client.get(f"/partnerships/{s.mission.partnership_id}").get_data(as_text=True)
    assert f'href="/themes/{theme_of(s).id}"' in partnership
    theme = page(client.get(f"/themes/{theme_of(s).id}").get_data(as_text=True))
    assert ANSWER in theme and SOURCES in theme and "version 1" in theme
    assert "Answer to “what about the Netherlands?”" in theme
    assert f"/library/{entry.id}/edit" not in theme, "the protocol officer reads, the advisor keeps it"


def test_an_edit_based_on_an_older_version_is_refused_and_saves_nothing(s):
    entry = prepared(s)
    revise_entry(s.advisor, entry, based_on=1, title=entry.label, text=f"{ANSWER} {LATER}", sources=SOURCES)
    commit()
    before = every_row()
    with pytest.raises(StaleEdit):
        revise_entry(s.advisor, entry, based_on=1, title=entry.label, text="Mijn eigen versie", sources=SOURCES)
    db.session.rollback()
    assert every_row() == before


def test_a_stale_edit_on_the_page_keeps_the_text_and_says_so(s, client, en, login):
    entry = prepared(s)
    revise_entry(s.advisor, entry, based_on=1, title=entry.label, text=f"{ANSWER} {LATER}", sources=SOURCES)
    commit()
    login(Role.ADVISOR)
    before = every_row()
    response = client.post(f"/library/{entry.id}/edit", data={
        "based_on": "1", "title": entry.label, "text": "Mijn eigen versie", "sources": SOURCES})
    raw = response.get_data(as_text=True)
    html = page(raw)
    assert response.status_code == 200
    assert ("Someone else made a new version of this entry while you were editing. Its text is shown below and "
            "yours is kept in the form: compare them and save again.") in html
    newer = html[html.index('id="newer-title"'):html.index("</section>", html.index('id="newer-title"'))]
    assert "Version 2, saved meanwhile" in newer and f"{ANSWER} {LATER}" in newer, "the newer version is shown"
    again = form_values(raw)
    assert again["text"] == "Mijn eigen versie" and again["based_on"] == "2", "their text kept, based on version 2"
    assert every_row() == before

    assert client.post(f"/library/{entry.id}/edit", data=again).status_code == 302
    db.session.expire_all()
    assert [v.text for v in db.session.get(LibraryEntry, entry.id).versions][-1] == "Mijn eigen versie"


@pytest.mark.parametrize("data, field, message", [
    ({"kind": "whataboutism", "title": "T", "text": "", "sources": SOURCES}, "text", "This field is required."),
    ({"kind": "whataboutism", "title": "T", "text": ANSWER, "sources": "  "}, "sources", "This field is required."),
    ({"kind": "whataboutism", "title": "", "text": ANSWER, "sources": SOURCES}, "title", "This field is required."),
    ({"kind": "nonsense", "title": "T", "text": ANSWER, "sources": SOURCES}, "kind", "Not a valid choice"),
    ({"kind": "point", "title": "T", "text": "x" * 4001, "sources": SOURCES}, "text", "4000"),
    ({"kind": "point", "title": "T\x00", "text": ANSWER, "sources": SOURCES}, "title", "control characters"),
])
def test_bad_input_gives_a_message_at_the_field_and_changes_nothing(s, client, en, login, data, field, message):
    login(Role.ADVISOR)
    before = every_row()
    response = client.post(f"/themes/{theme_of(s).id}/library/new", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    error = re.search(rf'id="{field}-error">(.*?)</div>', html, re.DOTALL)
    assert error and message in unescape(error.group(1))
    assert 'role="alert"' in html and "There is a problem" in html
    assert every_row() == before


def test_an_unchanged_edit_makes_no_version(s):
    entry = prepared(s)
    with pytest.raises(RuleViolation, match="same as version 1"):
        revise_entry(s.advisor, entry, based_on=1, title=entry.label, text=ANSWER, sources=SOURCES)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(LibraryVersion)) == 1


def test_a_retired_entry_is_kept_but_no_longer_offered_nor_edited(s, client, en, login):
    entry = prepared(s)
    retire_entry(s.advisor, entry)
    commit()
    with pytest.raises(RuleViolation):
        revise_entry(s.advisor, entry, based_on=1, title=entry.label, text=LATER, sources=SOURCES)
    db.session.rollback()
    login(Role.PROTOCOL)
    compose = page(client.get(f"/items/{s.meeting.id}/talking-points").get_data(as_text=True))
    assert "Nothing prepared on this partnership's focal themes yet." in compose
    theme = page(client.get(f"/themes/{theme_of(s).id}").get_data(as_text=True))
    assert ANSWER in theme and "Retired" in theme


# ---- composing a meeting's talking points -------------------------------------------------------------------


def test_a_talking_point_composed_from_the_library_stays_as_it_was_after_the_library_changes(s, client, en, login):
    entry = prepared(s)
    version_1 = entry.current
    meeting = s.meeting
    before = meeting.talking_points
    login(Role.PROTOCOL)

    form = page(client.get(f"/items/{meeting.id}/talking-points").get_data(as_text=True))
    assert "En de toeslagenaffaire dan?" in form and ANSWER in form and SOURCES in form
    response = client.post(f"/items/{meeting.id}/talking-points",
                           data={"versions": [version_1.id], "version": meeting.version})
    assert response.status_code == 302
    db.session.expire_all()
    meeting = db.session.get(ProgrammeItem, meeting.id)
    assert meeting.talking_points == f"{before}\n\n{ANSWER}", "copied after what was there"

    revise_entry(s.advisor, entry, based_on=1, title="Toeslagen en etnisch profileren", text=f"{ANSWER} {LATER}",
                 sources=SOURCES)
    commit()
    db.session.expire_all()
    meeting = db.session.get(ProgrammeItem, meeting.id)
    assert meeting.talking_points == f"{before}\n\n{ANSWER}" and LATER not in meeting.talking_points
    [link] = db.session.scalars(select(ComposedFrom)).all()
    assert (link.item_id, link.version.number, link.version.text) == (meeting.id, 1, ANSWER)

    item_page = page(client.get(f"/items/{meeting.id}/edit").get_data(as_text=True))
    assert "From the library: version 1 of “En de toeslagenaffaire dan?”" in item_page
    assert "Compose talking points from the library" in item_page
    again = page(client.get(f"/items/{meeting.id}/talking-points").get_data(as_text=True))
    assert "From the library: version 1 of “En de toeslagenaffaire dan?”" in again
    assert "Toeslagen en etnisch profileren" in again, "the library now offers version 2"


def test_composing_is_an_item_edit_audited_and_voiding_the_sign_off(s, client, en, login):
    entry = prepared(s)
    finalise(s)
    assert s.mission.status == MissionStatus.FINALISED
    login(Role.PROTOCOL)
    answer = post_and_void(client, f"/items/{s.meeting.id}/talking-points",
                           {"versions": [entry.current.id], "version": s.meeting.version})
    assert answer.status_code == 302
    db.session.expire_all()
    assert s.mission.status != MissionStatus.FINALISED
    assert audit_count("mission.void_sign_off", s.mission) >= 1
    change = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "item.update",
                                                         AuditEntry.object_id == s.meeting.id)).all()[-1]
    assert "talking_points" in change.changes
    assert change.changes["composed_from"] == [None, ["En de toeslagenaffaire dan? (1)"]]


def test_composing_adds_the_theme_to_the_meeting_when_it_did_not_raise_it_yet(s, make_item):
    other = FocalTheme(name="Persvrijheid", line="residents")
    s.mission.partnership.focal_themes.append(other)
    commit()
    entry = add_entry(s.advisor, other, kind="point", title="Journalisten", text="Vrije pers.", sources=SOURCES)
    commit()
    compose_talking_points(s.protocol, s.meeting, [entry.current.id], expected_version=s.meeting.version)
    commit()
    assert other in s.meeting.focal_themes


@pytest.mark.parametrize("what", ["nothing", "unknown", "other theme", "twice", "stale", "retired", "old version"])
def test_composing_from_something_not_offered_is_refused_and_changes_nothing(s, what):
    entry = prepared(s)
    stranger = FocalTheme(name="Niet gekozen", line="region")
    db.session.add(stranger)
    commit()
    elsewhere = add_entry(s.advisor, stranger, kind="point", title="Elders", text="Elders.", sources=SOURCES)
    commit()
    version = s.meeting.version
    ids = {"nothing": [], "unknown": [999_999], "other theme": [elsewhere.current.id]}.get(what, [entry.current.id])
    if what == "twice":
        compose_talking_points(s.protocol, s.meeting, ids, expected_version=version)
        commit()
        version = s.meeting.version
    if what == "stale":
        version -= 1
    if what == "retired":
        retire_entry(s.advisor, entry)
        commit()
    if what == "old version":
        revise_entry(s.advisor, entry, based_on=1, title=entry.label, text=LATER, sources=SOURCES)
        commit()
        ids = [entry.versions[0].id]
    before = every_row()
    with pytest.raises((RuleViolation, StaleEdit)):
        compose_talking_points(s.protocol, s.meeting, ids, expected_version=version)
    db.session.rollback()
    assert every_row() == before


def test_composing_on_the_page_without_a_choice_says_so_and_changes_nothing(s, client, en, login):
    prepared(s)
    login(Role.PROTOCOL)
    before = every_row()
    response = client.post(f"/items/{s.meeting.id}/talking-points", data={"version": s.meeting.version})
    html = page(response.get_data(as_text=True))
    assert response.status_code == 200 and "Choose at least one entry of the library." in html
    response = client.post(f"/items/{s.meeting.id}/talking-points", data={"version": "x", "versions": ["abc"]})
    assert response.status_code == 200
    assert every_row() == before


# ---- who may do what -----------------------------------------------------------------------------------------


def test_the_protocol_officer_reads_and_composes_but_does_not_keep_the_library(s, client, en, login):
    entry = prepared(s)
    login(Role.PROTOCOL)
    assert client.get(f"/themes/{theme_of(s).id}").status_code == 200
    assert client.get(f"/library/{entry.id}").status_code == 200
    assert client.get(f"/items/{s.meeting.id}/talking-points").status_code == 200
    before = every_row()
    assert client.post(f"/themes/{theme_of(s).id}/library/new", data={
        "kind": "point", "title": "T", "text": "T", "sources": SOURCES}).status_code == 403
    assert client.post(f"/library/{entry.id}/edit", data={
        "based_on": "1", "title": "T", "text": "Anders", "sources": SOURCES}).status_code == 403
    assert client.post(f"/library/{entry.id}/retire").status_code == 403
    assert client.post("/policy/edit", data={"based_on": "0", "text": "T", "sources": SOURCES}).status_code == 403
    assert every_row() == before


@pytest.mark.parametrize("role", [Role.DELEGATE, Role.APPROVER, Role.ADMIN])
def test_others_reach_no_door_that_changes_the_library(s, client, en, login, role):
    entry = prepared(s)
    login(role)
    for url in (f"/themes/{theme_of(s).id}/library/new", f"/library/{entry.id}/edit", f"/library/{entry.id}/retire",
                f"/items/{s.meeting.id}/talking-points", "/policy/edit"):
        assert client.get(url).status_code == 403, url
    reads = [f"/themes/{theme_of(s).id}", f"/library/{entry.id}", "/policy"]
    expected = 403 if role == Role.DELEGATE else 200
    assert [client.get(url).status_code for url in reads] == [expected] * 3


# ---- what the theme's page remembers ---------------------------------------------------------------------------


def test_the_themes_page_shows_what_was_said_and_answered_at_earlier_meetings(s, client, en, login):
    entry = prepared(s)
    compose_talking_points(s.protocol, s.meeting, [entry.current.id], expected_version=s.meeting.version)
    db.session.add(MeetingOutcome(item_id=s.meeting.id, raised="De toeslagenaffaire en camerasystemen.",
                                  partner_response="Men zegde toe de vraag door te geleiden."))
    commit()
    login(Role.PROTOCOL)
    html = page(client.get(f"/themes/{theme_of(s).id}").get_data(as_text=True))
    earlier = html[html.index("Said and answered at earlier meetings"):]
    assert "Ontvangst door het stadsbestuur" in earlier
    assert "Arbeidsrechten; privacy bij slimme steden." in earlier, "the talking points used"
    assert "From the library: version 1 of “En de toeslagenaffaire dan?”" in earlier
    assert "De toeslagenaffaire en camerasystemen." in earlier
    assert "Men zegde toe de vraag door te geleiden." in earlier


def test_the_themes_page_takes_as_many_queries_for_many_entries_and_meetings_as_for_one(s, app, client, en, login,
                                                                                     make_item):
    login(Role.PROTOCOL)
    theme = theme_of(s)

    def grow(n: int) -> None:
        for i in range(n):
            entry = add_entry(s.advisor, theme, kind="point", title=f"Punt {i}", text=f"Tekst {i}", sources=SOURCES)
            revise_entry(s.advisor, entry, based_on=1, title=f"Punt {i}", text=f"Tekst {i}b", sources=SOURCES)
            item = make_item(s.mission, "2027-04-14T14:00", "2027-04-14T15:00", title=f"Overleg {i}",
                             talking_points="Eerder gezegd.", focal_themes=[theme])
            db.session.add(MeetingOutcome(item_id=item.id, raised="x", partner_response=f"Antwoord {i}"))
            commit()
            compose_talking_points(s.protocol, item, [entry.current.id], expected_version=item.version)
            commit()

    def counted(url: str) -> int:
        with Statements() as sql:
            assert client.get(url).status_code == 200
        return sql.count

    urls = [f"/themes/{theme.id}", f"/items/{s.meeting.id}/talking-points", "/policy"]
    grow(1)
    few = [counted(url) for url in urls]
    grow(12)
    many = [counted(url) for url in urls]
    assert few == many
    assert "Antwoord 11" in page(client.get(f"/themes/{theme.id}").get_data(as_text=True))


# ---- audit -----------------------------------------------------------------------------------------------------


def test_every_change_to_the_library_and_the_policy_is_in_the_audit_log(s):
    entry = prepared(s)
    revise_entry(s.advisor, entry, based_on=1, title=entry.label, text=LATER, sources=SOURCES)
    retire_entry(s.advisor, entry)
    revise_policy(s.advisor, based_on=0, text="Wij zijn open over onze eigen situatie.", sources=SOURCES)
    commit()
    entries = {e.action: e for e in db.session.scalars(select(AuditEntry).where(AuditEntry.action.in_(
        ["library.add", "library.revise", "library.retire", "policy.revise"])))}
    assert set(entries) == {"library.add", "library.revise", "library.retire", "policy.revise"}
    assert all(e.actor_id == s.advisor.id for e in entries.values())
    assert entries["library.revise"].changes["version"] == [1, 2]
    assert entries["library.revise"].changes["text"] == [ANSWER, LATER]
    assert entries["policy.revise"].changes["version"] == [None, 1]


# ---- our own policy (part 7a) ------------------------------------------------------------------------------------


def test_the_advisor_states_the_own_policy_and_every_edit_is_a_new_version(s, client, en, login):
    login(Role.ADVISOR)
    empty = page(client.get("/policy").get_data(as_text=True))
    assert "The policy has not been stated yet." in empty
    assert client.post("/policy/edit", data={"based_on": "0", "text": "Wij zijn open over discriminatie.",
                                             "sources": SOURCES}).status_code == 302
    assert client.post("/policy/edit", data={"based_on": "1", "text": "Wij zijn open, en verwachten openheid.",
                                             "sources": SOURCES}).status_code == 302
    before = every_row()
    stale = client.post("/policy/edit", data={"based_on": "1", "text": "Oud", "sources": SOURCES})
    raw = stale.get_data(as_text=True)
    assert stale.status_code == 200 and ("Someone else saved the policy while you were editing. Its text is shown "
                                         "below and yours is kept in the form") in page(raw)
    newer = raw[raw.index('id="newer-title"'):raw.index("</section>", raw.index('id="newer-title"'))]
    assert "Version 2 of the policy, saved meanwhile" in newer and "Wij zijn open, en verwachten openheid." in newer
    again = form_values(raw)
    assert again["text"] == "Oud" and again["based_on"] == "2", "their text kept, based on version 2"
    assert every_row() == before
    html = page(client.get("/policy").get_data(as_text=True))
    assert html.index("Wij zijn open, en verwachten openheid.") < html.index("Earlier versions")
    assert html.index("Earlier versions") < html.index("Wij zijn open over discriminatie.")
    assert [v.number for v in db.session.scalars(select(PolicyVersion).order_by(PolicyVersion.number))] == [1, 2]
    theme = client.get(f"/themes/{theme_of(s).id}").get_data(as_text=True)
    assert 'href="/policy"' in theme


def test_no_page_of_the_library_writes_on_a_get(s, client, en, login):
    entry = prepared(s)
    login(Role.ADVISOR)
    before = every_row()
    for url in (f"/themes/{theme_of(s).id}", f"/library/{entry.id}", f"/library/{entry.id}/edit",
                f"/library/{entry.id}/retire", f"/items/{s.meeting.id}/talking-points", "/policy", "/policy/edit",
                f"/themes/{theme_of(s).id}/library/new"):
        assert client.get(url).status_code == 200, url
    assert every_row() == before
    assert client.get("/themes/2147483647").status_code == 404
    assert client.get("/library/2147483647").status_code == 404

