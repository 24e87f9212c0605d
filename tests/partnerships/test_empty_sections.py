"""An empty section of a partnership page says who fills it in, so that the protocol officer is not left guessing.

The role comes from the access table (who may use the page that fills the section); those who fill it in themselves
see their link instead.
"""

from __future__ import annotations

import re
from html import unescape

import pytest

from visitplanner.auth.models import Role

pytestmark = pytest.mark.usefixtures("ctx")

DOSSIER = ("The research dossier is empty. The human-rights advisor adds the research here: the human-rights situation "
           "in China and in the partner region")
THEMES = ("No focal themes chosen yet. The human-rights advisor chooses them, along four lines: the partner region, our "
          "own policy, business interests and what lives among our residents.")
PLAN = ("The action plan has no objectives yet. The human-rights advisor adds them: what the partnership aims for on a "
        "focal theme, with a benchmark and a date to evaluate it.")


def text(response) -> str:
    return unescape(" ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split()))


@pytest.mark.parametrize("role", [Role.PROTOCOL, Role.APPROVER, Role.ADMIN])
def test_an_empty_section_names_the_advisor_who_fills_it_in(make_partnership, signed_in, role):
    partnership = make_partnership()

    page = text(signed_in(role).get(f"/partnerships/{partnership.id}"))

    assert DOSSIER in page
    assert page.count(THEMES) == 2  # the focal themes, and the themes raised with the partner
    assert PLAN in page
    assert "Add to the research dossier" not in page


def test_the_advisor_sees_the_links_that_fill_them_instead(make_partnership, signed_in):
    partnership = make_partnership()

    page = text(signed_in(Role.ADVISOR).get(f"/partnerships/{partnership.id}"))

    assert "The research dossier is empty." in page and "The human-rights advisor" not in page
    for link in ("Add to the research dossier", "Choose focal themes", "Add an objective"):
        assert link in page


def test_in_dutch_too(make_partnership, signed_in):
    partnership = make_partnership()

    page = text(signed_in(Role.PROTOCOL, lang="nl").get(f"/partnerships/{partnership.id}"))

    assert "De mensenrechtenadviseur" in page
