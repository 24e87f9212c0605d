"""Contacts with the partner region between visits (issue 24, part 5; B.c: human rights as "integraal deel … van de
doorlopende communicatie met de partnerregio"): the office logs letters, calls, video meetings and visits by others
with the focal themes raised and the partner's response; the self-censorship monitor reads them beside missions; a
follow-up may belong to the partnership or to a contact."""

from __future__ import annotations

import re
from datetime import date
from html import unescape

import pytest
from sqlalchemy import func, select
from support.pages import form_values
from support.readiness import freeze_today
from support.sql import Statements

from visitplanner.audit.models import AuditEntry
from visitplanner.auth.models import Role
from visitplanner.commit import commit
from visitplanner.contacts.models import Contact
from visitplanner.contacts.operations import log_contact
from visitplanner.disclosure import Audience, present_reminders
from visitplanner.errors import RuleViolation
from visitplanner.extensions import db
from visitplanner.followup.models import FollowUp
from visitplanner.followup.operations import add_partnership_follow_up
from visitplanner.main.dashboard import build_dashboard
from visitplanner.partnerships.models import FocalTheme
from visitplanner.partnerships.queries import themes_raised

TODAY = date(2027, 3, 1)


@pytest.fixture(autouse=True)
def _context(ctx):
    """Operations and queries run in the test's own application context."""


@pytest.fixture
def wuxi(make_partnership):
    """A partnership with two focal themes of its own choosing."""
    partnership = make_partnership(partner_region="Wuxi")
    partnership.focal_themes = [FocalTheme(name="Arbeidsrechten", line="region"),
                                FocalTheme(name="Gedetineerde advocaat", line="region")]
    commit()
    return partnership


def page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return unescape(response.get_data(as_text=True))


def audits(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def theme_row(html: str, theme: FocalTheme) -> str:
    return re.search(rf'<tr class="utrecht-table__row[^"]*" id="theme-{theme.id}">(.*?)</tr>', html, re.S).group(1)


def call_form(theme_ids=(), **overrides) -> dict:
    return {"kind": "call", "happened_on": "2027-02-10", "subject": "Gesprek met het bureau buitenlandse zaken",
            "focal_themes": [str(i) for i in theme_ids], "partner_response": "Men zal het nagaan.", **overrides}


# ---- the log: pages, access, audit ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.PROTOCOL, Role.ADVISOR])
def test_the_office_logs_a_call_raising_a_theme_and_finds_it_on_the_partnership_page(en, login, wuxi, role):
    labour, defender = wuxi.focal_themes
    login(role)
    form = page(en, f"/partnerships/{wuxi.id}/contacts/new")
    assert "Arbeidsrechten" in form and "Gedetineerde advocaat" in form, "the partnership's themes to tick"

    response = en.post(f"/partnerships/{wuxi.id}/contacts/new", data=call_form([defender.id]))

    [contact] = db.session.scalars(select(Contact))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/contacts/{contact.id}")
    shown = page(en, f"/contacts/{contact.id}")
    assert "Contact logged." in shown and 'role="status"' in shown
    assert "Gesprek met het bureau buitenlandse zaken" in shown and "Men zal het nagaan." in shown
    assert "Gedetineerde advocaat" in shown and "Call" in shown
    partnership_page = page(en, f"/partnerships/{wuxi.id}")
    assert f'href="/contacts/{contact.id}"' in partnership_page
    assert "Gesprek met het bureau buitenlandse zaken" in theme_row(partnership_page, defender)
    assert "Men zal het nagaan." in theme_row(partnership_page, defender), "the response beside the theme"
    assert "Gesprek met het bureau" not in theme_row(partnership_page, labour)
    [entry] = audits("contact.add")
    assert entry.partnership_id == wuxi.id and entry.changes["subject"] == [None, contact.subject]
    assert entry.changes["focal_themes"] == [[], ["Gedetineerde advocaat"]]


def test_editing_a_contact_is_audited_with_what_changed(en, login, wuxi):
    labour, defender = wuxi.focal_themes
    advisor = login(Role.ADVISOR)
    contact = log_contact(advisor, wuxi, kind="letter", happened_on=date(2027, 1, 5), subject="Brief",
                          partner_response="", theme_ids=[labour.id])
    commit()
    assert 'value="Brief"' in page(en, f"/contacts/{contact.id}/edit")

    loaded = form_values(page(en, f"/contacts/{contact.id}/edit"))
    response = en.post(f"/contacts/{contact.id}/edit",
                       data={**loaded, **call_form([labour.id, defender.id], kind="letter", happened_on="2027-01-05",
                                                   subject="Brief", partner_response="Ontvangst bevestigd.")})

    assert response.status_code == 302
    db.session.expire_all()
    contact = db.session.get(Contact, contact.id)
    assert contact.partner_response == "Ontvangst bevestigd."
    assert [t.name for t in contact.focal_themes] == ["Arbeidsrechten", "Gedetineerde advocaat"]
    [entry] = audits("contact.update")
    assert entry.changes == {"partner_response": ["", "Ontvangst bevestigd."],
                             "focal_themes": [["Arbeidsrechten"], ["Arbeidsrechten", "Gedetineerde advocaat"]]}


def test_staff_read_contacts_but_only_the_office_logs_them_and_delegates_see_none(client, login, wuxi, make_user):
    contact = log_contact(make_user(Role.ADVISOR), wuxi, kind="call", happened_on=date(2027, 2, 1),
                          subject="Gesprek", partner_response="", theme_ids=[])
    commit()
    login(Role.APPROVER)
    assert client.get(f"/contacts/{contact.id}").status_code == 200
    assert client.get(f"/contacts/{contact.id}/edit").status_code == 403
    assert client.post(f"/partnerships/{wuxi.id}/contacts/new", data=call_form()).status_code == 403
    client.post("/logout")
    login(Role.DELEGATE)
    for path in (f"/contacts/{contact.id}", f"/contacts/{contact.id}/edit", f"/partnerships/{wuxi.id}/contacts/new",
                 f"/contacts/{contact.id}/follow-ups/new", f"/partnerships/{wuxi.id}/follow-ups/new"):
        assert client.get(path).status_code == 403, path
    assert client.post(f"/partnerships/{wuxi.id}/contacts/new", data=call_form()).status_code == 403
    assert count(Contact) == 1


@pytest.mark.parametrize("bad, field, message", [
    ({"kind": ""}, "kind", "This field is required"),
    ({"kind": "telepathy"}, "kind", "Not a valid choice"),
    ({"happened_on": ""}, "happened_on", "Enter a date"),
    ({"happened_on": "gisteren"}, "happened_on", "Not a valid date"),
    ({"subject": "   "}, "subject", "This field is required"),
    ({"subject": "x" * 201}, "subject", "200"),
    ({"focal_themes": ["999999"]}, "focal_themes", "not a valid choice"),
])
def test_bad_input_says_why_at_the_field_and_changes_nothing(en, login, wuxi, bad, field, message):
    login(Role.ADVISOR)
    before = (count(Contact), count(AuditEntry))

    response = en.post(f"/partnerships/{wuxi.id}/contacts/new", data={**call_form(), **bad})

    assert response.status_code == 200
    html = unescape(response.get_data(as_text=True))
    error = re.search(rf'id="{field}-error">(.*?)</div>', html, re.S)
    assert error and message in error.group(1), html[:2000]
    assert (count(Contact), count(AuditEntry)) == before


def test_a_theme_of_another_partnership_is_refused_by_the_operation(wuxi, make_partnership, make_user, english):
    other = make_partnership(partner_region="Suzhou")
    other.focal_themes = [FocalTheme(name="Censuur", line="residents")]
    commit()
    with pytest.raises(RuleViolation, match="focal themes of this partnership"):
        log_contact(make_user(Role.ADVISOR), wuxi, kind="call", happened_on=date(2027, 2, 1), subject="Gesprek",
                    partner_response="", theme_ids=[other.focal_themes[0].id])


# ---- the self-censorship monitor reads contacts beside missions ------------------------------------------------


@pytest.fixture
def three_visits(wuxi, make_mission, make_item):
    """Three missions in 2026, each with an official meeting raising labour rights only."""
    labour, _ = wuxi.focal_themes
    for month in (3, 6, 9):
        mission = make_mission(partnership=wuxi, title=f"Bezoek {month}", start=date(2026, month, 1),
                               end=date(2026, month, 3))
        make_item(mission, f"2026-{month:02d}-01T10:00", f"2026-{month:02d}-01T11:00", kind="official_meeting",
                  talking_points="Arbeidsrechten.", focal_themes=[labour])
    commit()
    return wuxi


def silent(partnership) -> dict[str, bool]:
    return {r.theme.name: r.silent for r in themes_raised([partnership.id])[partnership.id]}


def test_a_contact_raising_a_theme_clears_the_not_raised_in_the_last_three_mark(three_visits, make_user, en, login):
    wuxi = three_visits
    labour, defender = wuxi.focal_themes
    assert silent(wuxi) == {"Arbeidsrechten": False, "Gedetineerde advocaat": True}

    log_contact(make_user(Role.ADVISOR), wuxi, kind="video_meeting", happened_on=date(2026, 11, 18),
                subject="Videogesprek over de advocaat", partner_response="Men doet navraag.",
                theme_ids=[defender.id])
    commit()

    assert silent(wuxi) == {"Arbeidsrechten": False, "Gedetineerde advocaat": False}
    [record] = [r for r in themes_raised([wuxi.id])[wuxi.id] if r.theme.id == defender.id]
    assert [(c.subject, c.response) for c in record.contacts] == [("Videogesprek over de advocaat",
                                                                    "Men doet navraag.")]
    login(Role.APPROVER)
    row = theme_row(page(en, f"/partnerships/{wuxi.id}"), defender)
    assert "Not raised in the last 3 missions and contacts" not in row
    assert "Videogesprek over de advocaat" in row and "Men doet navraag." in row
    assert not [t for _, t in build_dashboard(TODAY).silent_themes]


def test_a_contact_older_than_the_last_three_does_not_clear_it(three_visits, make_user, en, login):
    wuxi = three_visits
    _, defender = wuxi.focal_themes
    log_contact(make_user(Role.ADVISOR), wuxi, kind="letter", happened_on=date(2026, 1, 10),
                subject="Nieuwjaarsbrief", partner_response="", theme_ids=[defender.id])
    commit()

    assert silent(wuxi)["Gedetineerde advocaat"] is True
    login(Role.APPROVER)
    row = theme_row(page(en, f"/partnerships/{wuxi.id}"), defender)
    assert "Not raised in the last 3 missions and contacts" in row and "Nieuwjaarsbrief" in row


def test_contacts_count_in_the_window_of_the_last_three_like_missions(three_visits, make_user):
    """Three later contacts that raise nothing push every mission out of the window: labour rights goes silent."""
    wuxi = three_visits
    advisor = make_user(Role.ADVISOR)
    for day in (date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1)):
        log_contact(advisor, wuxi, kind="call", happened_on=day, subject="Overleg", partner_response="",
                    theme_ids=[])
    commit()
    assert silent(wuxi) == {"Arbeidsrechten": True, "Gedetineerde advocaat": True}


def test_a_partnership_with_contacts_only_has_a_window_too(wuxi, make_user):
    labour, _ = wuxi.focal_themes
    log_contact(make_user(Role.ADVISOR), wuxi, kind="call", happened_on=date(2027, 1, 5), subject="Gesprek",
                partner_response="", theme_ids=[labour.id])
    commit()
    assert silent(wuxi) == {"Arbeidsrechten": False, "Gedetineerde advocaat": True}


# ---- follow-ups of the partnership and of a contact ------------------------------------------------------------


def test_a_follow_up_on_the_partnership_and_one_on_a_contact_from_their_pages(en, login, wuxi):
    advisor = login(Role.ADVISOR)
    contact = log_contact(advisor, wuxi, kind="call", happened_on=date(2027, 2, 1), subject="Gesprek met Wuxi",
                          partner_response="", theme_ids=[])
    commit()
    form = {"what": "Brief sturen", "with_whom": "Stadsbestuur", "owner_id": str(advisor.id),
            "due_date": "2027-02-20", "objective_id": "0"}
    assert "Add a follow-up action" in page(en, f"/contacts/{contact.id}")

    on_partnership = en.post(f"/partnerships/{wuxi.id}/follow-ups/new", data=form)
    on_contact = en.post(f"/contacts/{contact.id}/follow-ups/new", data={**form, "what": "Antwoord nagaan"})

    assert on_partnership.status_code == on_contact.status_code == 302
    assert on_contact.headers["Location"].endswith(f"/contacts/{contact.id}#follow-ups")
    by_what = {f.what: f for f in db.session.scalars(select(FollowUp))}
    assert (by_what["Brief sturen"].mission_id, by_what["Brief sturen"].partnership_id,
            by_what["Brief sturen"].contact_id) == (None, wuxi.id, None)
    assert (by_what["Antwoord nagaan"].mission_id, by_what["Antwoord nagaan"].partnership_id,
            by_what["Antwoord nagaan"].contact_id) == (None, wuxi.id, contact.id)
    assert "Antwoord nagaan" in page(en, f"/contacts/{contact.id}")
    shown = page(en, f"/partnerships/{wuxi.id}")
    assert "Brief sturen" in shown and "Antwoord nagaan" in shown and "From the contact" in shown
    assert [e.partnership_id for e in audits("followup.add")] == [wuxi.id, wuxi.id]


def test_the_partnership_follow_up_table_saves_statuses(en, login, wuxi):
    advisor = login(Role.ADVISOR)
    follow_up = add_partnership_follow_up(advisor, wuxi, what="Brief sturen", with_whom="", owner=advisor,
                                          due_date=date(2027, 2, 20))
    commit()

    response = en.post(f"/partnerships/{wuxi.id}/follow-ups/status",
                       data={f"was-{follow_up.id}": "open", f"status-{follow_up.id}": "done"})

    assert response.status_code == 302 and response.headers["Location"].endswith(f"/partnerships/{wuxi.id}#follow-ups")
    db.session.expire_all()
    assert db.session.get(FollowUp, follow_up.id).status == "done"
    [entry] = audits("followup.update")
    assert entry.partnership_id == wuxi.id and entry.mission_id is None


def test_the_contact_page_saves_its_follow_ups_statuses_and_comes_back_to_the_contact(en, login, wuxi):
    advisor = login(Role.PROTOCOL)
    contact = log_contact(advisor, wuxi, kind="letter", happened_on=date(2027, 1, 5), subject="Brief",
                          partner_response="", theme_ids=[])
    follow_up = add_partnership_follow_up(advisor, wuxi, contact=contact, what="Antwoord nagaan", with_whom="",
                                          owner=advisor, due_date=date(2027, 2, 20))
    commit()
    html = page(en, f"/contacts/{contact.id}")
    action = re.search(r'<form method="post" action="([^"]+)">', html).group(1)

    response = en.post(action, data={f"was-{follow_up.id}": "open", f"status-{follow_up.id}": "in_progress"})

    assert response.headers["Location"].endswith(f"/contacts/{contact.id}#follow-ups")
    assert "Status saved: 1 follow-up action changed." in page(en, f"/contacts/{contact.id}")
    db.session.expire_all()
    assert db.session.get(FollowUp, follow_up.id).status == "in_progress"


def test_a_follow_up_belongs_to_a_mission_or_a_partnership_never_both_nor_neither(wuxi, make_mission):
    from sqlalchemy.exc import IntegrityError

    mission = make_mission(partnership=wuxi)
    for parents in ({}, {"mission_id": mission.id, "partnership_id": wuxi.id}):
        db.session.add(FollowUp(what="Iets", due_date=date(2027, 2, 1), **parents))
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()
    contact = Contact(partnership=wuxi, kind="call", happened_on=date(2027, 2, 1), subject="Gesprek")
    db.session.add(contact)
    commit()
    db.session.add(FollowUp(what="Iets", due_date=date(2027, 2, 1), mission_id=mission.id, contact_id=contact.id))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_a_contact_of_another_partnership_is_refused(wuxi, make_partnership, make_user):
    other = make_partnership(partner_region="Suzhou")
    advisor = make_user(Role.ADVISOR)
    contact = log_contact(advisor, other, kind="call", happened_on=date(2027, 2, 1), subject="Gesprek",
                          partner_response="", theme_ids=[])
    with pytest.raises(RuleViolation):
        add_partnership_follow_up(advisor, wuxi, contact=contact, what="Iets", with_whom="", owner=None,
                                  due_date=date(2027, 2, 1))


def test_overdue_follow_ups_without_a_mission_are_on_the_dashboard_linked_to_the_partnership(en, login, wuxi,
                                                                                             monkeypatch):
    freeze_today(monkeypatch, TODAY)
    advisor = login(Role.ADVISOR)
    contact = log_contact(advisor, wuxi, kind="call", happened_on=date(2027, 2, 1), subject="Gesprek",
                          partner_response="", theme_ids=[])
    own = add_partnership_follow_up(advisor, wuxi, what="Halfjaarlijkse brief", with_whom="", owner=advisor,
                                    due_date=date(2027, 2, 20))
    of_call = add_partnership_follow_up(advisor, wuxi, contact=contact, what="Antwoord nagaan", with_whom="",
                                        owner=advisor, due_date=date(2027, 2, 25))
    commit()
    board = build_dashboard(TODAY)
    assert {f.id for f in board.follow_ups} == {own.id, of_call.id}
    assert all(f.is_overdue(TODAY) for f in board.follow_ups)

    home = page(en, "/")
    assert f'href="/partnerships/{wuxi.id}#follow-up-{own.id}"' in home
    assert f'href="/partnerships/{wuxi.id}#follow-up-{of_call.id}"' in home
    assert "overdue since" in home


def test_the_organisation_feed_reminds_of_follow_ups_without_a_mission_naming_only_the_partnership(wuxi, make_user,
                                                                                                  english):
    advisor = make_user(Role.ADVISOR)
    contact = log_contact(advisor, wuxi, kind="call", happened_on=date(2027, 2, 1), subject="Gesprek over de advocaat",
                          partner_response="", theme_ids=[])
    follow_up = add_partnership_follow_up(advisor, wuxi, contact=contact, what="Antwoord van Li Wei nagaan",
                                          with_whom="Ambassade", owner=advisor, due_date=date(2027, 2, 25))
    commit()

    [reminder] = present_reminders(Audience.INTERNAL, lambda mission_id: f"/missions/{mission_id}/after",
                                   lambda partnership_id, part: f"/partnerships/{partnership_id}#{part}")

    assert reminder.uid == f"followup-{follow_up.id}@visitplanner" and reminder.day == date(2027, 2, 25)
    assert reminder.title == "Follow-up due: Gemeente Teststad – Wuxi"
    assert reminder.link == f"/partnerships/{wuxi.id}#follow-up-{follow_up.id}"
    for text in ("Li Wei", "Ambassade", "advocaat"):
        assert text not in reminder.title + reminder.link
    assert present_reminders(Audience.PARTNER, str, str) == []


# ---- the partnership page takes a fixed number of queries --------------------------------------------------------


def test_the_partnership_page_takes_the_same_queries_for_one_contact_or_many(en, login, wuxi, make_mission,
                                                                             make_item):
    advisor = login(Role.ADVISOR)
    labour, defender = wuxi.focal_themes
    mission = make_mission(partnership=wuxi)
    make_item(mission, kind="official_meeting", talking_points="Arbeid.", focal_themes=[labour])

    def grow(n: int) -> None:
        for k in range(n):
            contact = log_contact(advisor, wuxi, kind="call", happened_on=date(2027, 1, 1 + k), subject=f"Gesprek {k}",
                                  partner_response="Antwoord.", theme_ids=[labour.id, defender.id])
            add_partnership_follow_up(advisor, wuxi, contact=contact, what=f"Opvolging {k}", with_whom="",
                                      owner=advisor, due_date=date(2027, 2, 1 + k))
            add_partnership_follow_up(advisor, wuxi, what=f"Eigen opvolging {k}", with_whom="", owner=advisor,
                                      due_date=date(2027, 2, 1 + k))
        commit()
        db.session.expire_all()

    counts = []
    for n in (1, 6):
        grow(n)
        page(en, f"/partnerships/{wuxi.id}")  # a first fetch warms what is kept between requests
        with Statements() as sql:
            html = page(en, f"/partnerships/{wuxi.id}")
        counts.append(sql.count)
    assert "Gesprek 6" in html or "Gesprek 5" in html
    assert counts[0] == counts[1], counts


def test_two_people_editing_one_contact_keep_both_changes(en, login, wuxi, signed_in):
    """No save undoes someone else's work: the second save, based on the page as it was, is merged field by field."""
    labour, _defender = wuxi.focal_themes
    advisor = login(Role.ADVISOR)
    contact = log_contact(advisor, wuxi, kind="letter", happened_on=date(2027, 1, 5), subject="Brief",
                          partner_response="", theme_ids=[labour.id])
    commit()
    mine = form_values(page(en, f"/contacts/{contact.id}/edit"))
    other = signed_in(Role.PROTOCOL)
    theirs = form_values(other.get(f"/contacts/{contact.id}/edit").get_data(as_text=True))
    assert other.post(f"/contacts/{contact.id}/edit",
                      data={**theirs, "partner_response": "Ontvangst bevestigd."}).status_code == 302
    assert en.post(f"/contacts/{contact.id}/edit", data={**mine, "subject": "Brief over arbeidsinspecties"}) \
        .status_code == 302
    db.session.expire_all()
    saved = db.session.get(Contact, contact.id)
    assert (saved.subject, saved.partner_response) == ("Brief over arbeidsinspecties", "Ontvangst bevestigd.")
    assert saved.version == 3
