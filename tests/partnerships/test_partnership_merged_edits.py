"""Two people edit the same partnership at once (issue 23, part 1): no save undoes the other's work.

The partnership's details, its risk and advice, and its focal themes: each person opens the form in a browser of
their own and saves what they changed in it. Changes to different fields are both kept; the focal themes keep what
each added and drop what each removed; the same field changed by both is shown side by side (before, saved
meanwhile, yours) and nothing is saved until the person chooses; the History shows every save as it was made, and
none that puts back what the other changed.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from support.pages import conflict_row, form_values, opened
from support.readiness import saved_changes
from visitplanner.auth.models import Role
from visitplanner.commit import commit
from visitplanner.extensions import db
from visitplanner.partnerships.models import FocalTheme, Partnership

BOTH_KEPT = "Someone else changed this partnership while you were editing: their changes and yours are both kept."
CHANGED_TWICE = "Someone else changed this partnership while you were editing, in fields you changed too."





def stored(partnership_id: int) -> Partnership:
    db.session.expire_all()
    return db.session.get(Partnership, partnership_id)


@pytest.fixture
def advisors(signed_in):
    return signed_in(Role.ADVISOR), signed_in(Role.ADVISOR)


# ---- the partnership's details --------------------------------------------------------------------------------------


def test_details_changed_in_different_fields_are_both_kept(ctx, make_partnership, signed_in):
    partnership = make_partnership(partner_region="Wuxi", cooperation_themes="water")
    url = f"/partnerships/{partnership.id}/edit"
    anna, bram = signed_in(Role.PROTOCOL), signed_in(Role.PROTOCOL)
    annas, brams = opened(anna, url), opened(bram, url)

    assert anna.post(url, data={**annas, "cooperation_themes": "water, onderwijs"}).status_code == 302
    saved = bram.post(url, data={**brams, "partner_region": "Wuxi (Jiangsu)"}, follow_redirects=True)

    assert BOTH_KEPT in saved.get_data(as_text=True)
    now = stored(partnership.id)
    assert (now.partner_region, now.cooperation_themes) == ("Wuxi (Jiangsu)", "water, onderwijs")
    assert saved_changes("partnership.update") == [{"cooperation_themes": ["water", "water, onderwijs"]},
                                             {"partner_region": ["Wuxi", "Wuxi (Jiangsu)"]}]


def test_details_changed_in_the_same_field_are_shown_side_by_side_until_chosen(ctx, make_partnership, signed_in):
    partnership = make_partnership(partner_region="Wuxi", cooperation_themes="water")
    url = f"/partnerships/{partnership.id}/edit"
    anna, bram = signed_in(Role.PROTOCOL), signed_in(Role.PROTOCOL)
    annas, brams = opened(anna, url), opened(bram, url)
    assert anna.post(url, data={**annas, "cooperation_themes": "water, onderwijs"}).status_code == 302

    shown = bram.post(url, data={**brams, "cooperation_themes": "water, slimme steden", "kind": "friendship"})

    assert shown.status_code == 200
    html = shown.get_data(as_text=True)
    assert CHANGED_TWICE in html
    row = conflict_row(html, "Cooperation themes")
    assert row.index("water") < row.index("water, onderwijs") < row.index("water, slimme steden")
    now = stored(partnership.id)
    assert (now.cooperation_themes, now.kind) == ("water, onderwijs", "sister_city")

    again = form_values(html)
    unchosen = bram.post(url, data=again)
    assert "Choose which value to keep for each field that was changed twice." in unchosen.get_data(as_text=True)
    assert stored(partnership.id).kind == "sister_city"

    assert bram.post(url, data={**again, "keep-cooperation_themes": "mine"}).status_code == 302
    now = stored(partnership.id)
    assert (now.cooperation_themes, now.kind) == ("water, slimme steden", "friendship")
    assert saved_changes("partnership.update") == [
        {"cooperation_themes": ["water", "water, onderwijs"]},
        {"cooperation_themes": ["water, onderwijs", "water, slimme steden"], "kind": ["sister_city", "friendship"]}]


# ---- risk and advice ------------------------------------------------------------------------------------------------


def test_advice_changed_in_different_fields_is_merged_not_refused(ctx, make_partnership, advisors):
    partnership = make_partnership(risk_level="medium")
    url = f"/partnerships/{partnership.id}/advice"
    anna, bram = advisors
    annas, brams = opened(anna, url), opened(bram, url)

    assert anna.post(url, data={**annas, "risk_level": "high"}).status_code == 302
    saved = bram.post(url, data={**brams, "advised_against": "y",
                                 "advised_against_reason": "Repressie maakt dialoog onmogelijk."},
                      follow_redirects=True)

    assert BOTH_KEPT in saved.get_data(as_text=True)
    now = stored(partnership.id)
    assert (now.risk_level, now.advised_against, now.advised_against_reason) == (
        "high", True, "Repressie maakt dialoog onmogelijk.")
    first, second = saved_changes("partnership.advice")
    assert first == {"risk_level": ["medium", "high"]} and set(second) == {"advised_against", "advised_against_reason"}



def test_advice_changed_in_the_same_field_is_shown_side_by_side_until_chosen(ctx, make_partnership, advisors):
    partnership = make_partnership()
    url = f"/partnerships/{partnership.id}/advice"
    anna, bram = advisors
    annas, brams = opened(anna, url), opened(bram, url)
    assert anna.post(url, data={**annas, "risk_level": "high"}).status_code == 302

    shown = bram.post(url, data={**brams, "risk_level": "medium"})

    assert shown.status_code == 200
    html = shown.get_data(as_text=True)
    assert CHANGED_TWICE in html
    row = conflict_row(html, "Risk level")
    assert row.index("—") < row.index("High") < row.index("Medium")
    assert stored(partnership.id).risk_level == "high"

    # The page shown carries the version saved meanwhile: saving it again, with a choice, goes through (it was
    # refused forever before, until the page was loaded anew).
    assert bram.post(url, data={**form_values(html), "keep-risk_level": "theirs"}).status_code == 302
    assert stored(partnership.id).risk_level == "high"
    assert saved_changes("partnership.advice") == [{"risk_level": [None, "high"]}]


# ---- focal themes ---------------------------------------------------------------------------------------------------


def themes(*keys: str) -> list[FocalTheme]:
    found = {t.key: t for t in db.session.scalars(select(FocalTheme).where(FocalTheme.key.in_(keys)))}
    return [found[k] for k in keys]


def test_focal_themes_keep_what_each_added_and_drop_what_each_removed(ctx, english, make_partnership, advisors):
    partnership = make_partnership()
    labour, surveillance, expression = themes("labour_rights", "surveillance_smart_cities", "freedom_of_expression")
    partnership.focal_themes = [labour]
    commit()
    url = f"/partnerships/{partnership.id}/themes"
    anna, bram = advisors
    annas, brams = opened(anna, url), opened(bram, url)

    # Anna adds one theme; Bram, from the same page, takes labour rights off and adds another.
    assert anna.post(url, data={**annas, "themes": [str(labour.id), str(surveillance.id)]}).status_code == 302
    saved = bram.post(url, data={**brams, "themes": [str(expression.id)]}, follow_redirects=True)

    assert BOTH_KEPT in saved.get_data(as_text=True)
    assert {t.id for t in stored(partnership.id).focal_themes} == {surveillance.id, expression.id}
    anna_saved, bram_saved = (c["focal_themes"] for c in saved_changes("partnership.themes"))
    assert surveillance.label in anna_saved[1]
    assert surveillance.label in bram_saved[0] and surveillance.label in bram_saved[1], \
        "Bram's save keeps the theme Anna added: nothing erased"
    assert labour.label not in bram_saved[1] and expression.label in bram_saved[1]


def test_themes_of_their_own_added_by_two_people_at_once_are_both_kept(ctx, make_partnership, advisors):
    partnership = make_partnership()
    url = f"/partnerships/{partnership.id}/themes"
    anna, bram = advisors
    annas, brams = opened(anna, url), opened(bram, url)

    assert anna.post(url, data={**annas, "custom_name": "Persvrijheid", "custom_line": "residents"}).status_code == 302
    assert bram.post(url, data={**brams, "custom_name": "Klimaatbeleid", "custom_line": "own_policy"}
                     ).status_code == 302

    assert sorted(t.name for t in stored(partnership.id).focal_themes) == ["Klimaatbeleid", "Persvrijheid"]
    assert [c["focal_themes"] for c in saved_changes("partnership.themes")] == [
        [[], ["Persvrijheid"]], [["Persvrijheid"], ["Klimaatbeleid", "Persvrijheid"]]]
