"""Two people edit the same company record at once (issue 23, part 1): no save undoes the other's work.

The company's own details, a briefing and the objectives the company is involved in: each person opens the form in a
browser of their own and saves what they changed in it. Changes to different fields are both kept; a list (the
briefing's topics and objectives, the company's objectives) keeps what each added and drops what each removed; the
same field changed by both is shown side by side (before, saved meanwhile, yours) and nothing is saved until the
person chooses; the History shows every save as it was made, and none that puts back what the other changed.
"""

from __future__ import annotations

from datetime import date

import pytest

from support.pages import conflict_row, form_values, opened
from support.readiness import TODAY, freeze_today, saved_changes
from visitplanner.auth.models import Role
from visitplanner.commit import commit
from visitplanner.companies.models import CompanyBriefing
from visitplanner.extensions import db
from visitplanner.missions.models import Company
from visitplanner.partnerships.models import Objective

COMPANY_BOTH_KEPT = "Someone else changed this company while you were editing: their changes and yours are both kept."
BRIEFING_BOTH_KEPT = ("Someone else changed this briefing while you were editing: their changes and yours are both "
                      "kept.")
CHANGED_TWICE = "while you were editing, in fields you changed too. Nothing is saved yet"





@pytest.fixture
def company(ctx):
    company = Company(name="Mulder Waterbouw B.V.", sector="Waterbouw", contact="", ties="")
    db.session.add(company)
    commit()
    return company


@pytest.fixture
def objectives(ctx, make_partnership):
    partnership = make_partnership(partner_region="Wuxi")
    found = [Objective(partnership=partnership, what=what, target_date=date(2027, 12, 31))
             for what in ("Arbeidsrechten agenderen", "Waterkwaliteit Taihu", "Vakbondsvrijheid", "Persvrijheid")]
    db.session.add_all(found)
    commit()
    return found


@pytest.fixture
def planners(signed_in):
    return signed_in(Role.PROTOCOL), signed_in(Role.PROTOCOL)


def stored_company(company_id: int) -> Company:
    db.session.expire_all()
    return db.session.get(Company, company_id)


# ---- the company's own details ------------------------------------------------------------------------------------


def test_company_details_changed_in_different_fields_are_both_kept(company, planners):
    anna, bram = planners
    url = f"/companies/{company.id}/edit"
    annas, brams = opened(anna, url), opened(bram, url)

    assert anna.post(url, data={**annas, "contact": "p.mulder@example.org"}).status_code == 302
    saved = bram.post(url, data={**brams, "sector": "Waterbouw en baggeren"}, follow_redirects=True)

    assert COMPANY_BOTH_KEPT in saved.get_data(as_text=True)
    stored = stored_company(company.id)
    assert (stored.contact, stored.sector) == ("p.mulder@example.org", "Waterbouw en baggeren")
    assert saved_changes("company.update") == [{"contact": ["", "p.mulder@example.org"]},
                                         {"sector": ["Waterbouw", "Waterbouw en baggeren"]}]


def test_company_details_changed_in_the_same_field_are_shown_side_by_side_until_chosen(company, planners):
    anna, bram = planners
    url = f"/companies/{company.id}/edit"
    annas, brams = opened(anna, url), opened(bram, url)
    assert anna.post(url, data={**annas, "ties": "Pompen voor het Taihu-meer"}).status_code == 302

    shown = bram.post(url, data={**brams, "ties": "Een fabriek in Wuxi", "contact": "06-12345678"})

    assert shown.status_code == 200
    html = shown.get_data(as_text=True)
    assert CHANGED_TWICE in html
    row = conflict_row(html, "Ties to China and the partner region")
    assert row.index("—") < row.index("Pompen voor het Taihu-meer") < row.index("Een fabriek in Wuxi")
    stored = stored_company(company.id)
    assert (stored.ties, stored.contact) == ("Pompen voor het Taihu-meer", "")

    assert bram.post(url, data={**form_values(html), "keep-ties": "theirs"}).status_code == 302
    stored = stored_company(company.id)
    assert (stored.ties, stored.contact) == ("Pompen voor het Taihu-meer", "06-12345678")
    assert saved_changes("company.update") == [{"ties": ["", "Pompen voor het Taihu-meer"]},
                                         {"contact": ["", "06-12345678"]}]


# ---- a briefing ------------------------------------------------------------------------------------------------------


@pytest.fixture
def briefing(company, objectives, monkeypatch):
    freeze_today(monkeypatch, TODAY)  # 1 March 2027
    briefing = CompanyBriefing(briefed_on=date(2027, 2, 20), held=False, briefing_note="")
    company.briefings.append(briefing)
    briefing.objectives = [objectives[0]]
    commit()
    return briefing


def stored_briefing(briefing_id: int) -> CompanyBriefing:
    db.session.expire_all()
    return db.session.get(CompanyBriefing, briefing_id)


def test_a_briefing_marked_held_stays_held_when_someone_saves_another_field_from_an_older_page(
        company, briefing, planners):
    anna, bram = planners
    url = f"/companies/{company.id}/briefings/{briefing.id}/edit"
    annas, brams = opened(anna, url), opened(bram, url)
    assert "held" not in brams

    assert anna.post(url, data={**annas, "held": "y"}).status_code == 302
    saved = bram.post(url, data={**brams, "note": "OESO-richtlijnen en UNGP's besproken"}, follow_redirects=True)

    assert BRIEFING_BOTH_KEPT in saved.get_data(as_text=True)
    stored = stored_briefing(briefing.id)
    assert stored.held and stored.briefing_note == "OESO-richtlijnen en UNGP's besproken"
    assert saved_changes("company.update_briefing") == [{"held": [False, True]},
                                                  {"briefing_note": ["", "OESO-richtlijnen en UNGP's besproken"]}]


def test_a_briefing_s_topics_and_objectives_keep_what_each_added_and_drop_what_each_removed(
        company, briefing, objectives, planners):
    anna, bram = planners
    url = f"/companies/{company.id}/briefings/{briefing.id}/edit"
    annas, brams = opened(anna, url), opened(bram, url)
    first, second, third, _fourth = (str(o.id) for o in objectives)

    # Anna adds a topic and an objective; Bram, from the same page, adds another topic and swaps the objective.
    assert anna.post(url, data={**annas, "topics": ["region"], "objectives": [first, second]}).status_code == 302
    saved = bram.post(url, data={**brams, "topics": ["theme"], "objectives": [third]}, follow_redirects=True)

    assert BRIEFING_BOTH_KEPT in saved.get_data(as_text=True)
    stored = stored_briefing(briefing.id)
    assert stored.topic_values == ["region", "theme"]
    assert [o.id for o in stored.objectives] == [objectives[1].id, objectives[2].id]
    anna_saved, bram_saved = saved_changes("company.update_briefing")
    assert anna_saved["topics"] == [[], ["region"]]
    assert bram_saved["topics"] == [["region"], ["region", "theme"]], "Bram's save keeps Anna's topic"
    assert objectives[1].label in bram_saved["objectives"][1], "and her objective"


def test_a_briefing_s_day_changed_by_both_is_shown_side_by_side_and_nothing_saved_until_chosen(
        company, briefing, planners):
    anna, bram = planners
    url = f"/companies/{company.id}/briefings/{briefing.id}/edit"
    annas, brams = opened(anna, url), opened(bram, url)
    assert anna.post(url, data={**annas, "briefed_on": "2027-02-18"}).status_code == 302

    shown = bram.post(url, data={**brams, "briefed_on": "2027-02-25", "held": "y"})

    assert shown.status_code == 200
    html = shown.get_data(as_text=True)
    assert CHANGED_TWICE in html
    row = conflict_row(html, "Day of the briefing")
    assert row.index("20 Feb 2027") < row.index("18 Feb 2027") < row.index("25 Feb 2027"), "in the one date style"
    assert 'name="keep-briefed_on" value="theirs"' in row and 'name="keep-briefed_on" value="mine"' in row
    stored = stored_briefing(briefing.id)
    assert (stored.briefed_on, stored.held) == (date(2027, 2, 18), False)

    again = form_values(html)
    unchosen = bram.post(url, data=again)
    assert "Choose which value to keep for each field that was changed twice." in unchosen.get_data(as_text=True)
    assert stored_briefing(briefing.id).briefed_on == date(2027, 2, 18)

    assert bram.post(url, data={**again, "keep-briefed_on": "mine"}).status_code == 302
    stored = stored_briefing(briefing.id)
    assert (stored.briefed_on, stored.held) == (date(2027, 2, 25), True)
    assert saved_changes("company.update_briefing") == [
        {"briefed_on": ["2027-02-20", "2027-02-18"]},
        {"briefed_on": ["2027-02-18", "2027-02-25"], "held": [False, True]}]


# ---- the objectives the company is involved in ---------------------------------------------------------------------


def test_the_company_s_objectives_keep_what_each_added_and_drop_what_each_removed(company, objectives, planners):
    company.objectives = objectives[:2]
    commit()
    anna, bram = planners
    url = f"/companies/{company.id}/objectives"
    annas, brams = opened(anna, url), opened(bram, url)
    first, second, third, fourth = (str(o.id) for o in objectives)

    # Anna adds the third; Bram, from the same page, takes the first off and adds the fourth.
    assert anna.post(url, data={**annas, "objectives": [first, second, third]}).status_code == 302
    saved = bram.post(url, data={**brams, "objectives": [second, fourth]}, follow_redirects=True)

    assert COMPANY_BOTH_KEPT in saved.get_data(as_text=True)
    assert [o.id for o in stored_company(company.id).objectives] == [o.id for o in objectives[1:]]
    anna_saved, bram_saved = (c["objectives"] for c in saved_changes("company.objectives"))
    assert objectives[2].label in anna_saved[1]
    assert objectives[2].label in bram_saved[0] and objectives[2].label in bram_saved[1], \
        "Bram's save keeps what Anna added: nothing erased"
    assert objectives[0].label not in bram_saved[1] and objectives[3].label in bram_saved[1]


def test_objectives_chosen_by_two_people_at_once_are_merged_not_refused(company, objectives, planners):
    """The version of the company goes up with its objectives alone: a second save from the same page is merged."""
    anna, bram = planners
    url = f"/companies/{company.id}/objectives"
    annas, brams = opened(anna, url), opened(bram, url)
    version = stored_company(company.id).version

    assert anna.post(url, data={**annas, "objectives": [str(objectives[0].id)]}).status_code == 302
    assert stored_company(company.id).version == version + 1
    assert bram.post(url, data={**brams, "objectives": [str(objectives[1].id)]}).status_code == 302

    assert [o.id for o in stored_company(company.id).objectives] == [objectives[0].id, objectives[1].id]
