"""The register's names leak nowhere (issue 24, part 1): the sentinel tests of participants, extended to the
organisations of the register and to what they said on an objective.

A property over the disclosure rules (any kind, protected or released, erased or not, any role), and a walk of every
page, file and feed link reachable from each demo account's home page.
"""

from __future__ import annotations

import re
import string
from datetime import date
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.accounts import sign_in_to_demo
from support.pdf import response_text

from visitplanner.auth.models import Role, User
from visitplanner.commit import commit
from visitplanner.demo import load_demo
from visitplanner.disclosure import involved_party, may_read_what_was_said, stakeholder_label
from visitplanner.stakeholders.models import ALWAYS_PROTECTED, Involvement, Stakeholder, StakeholderKind

NAME_ROLES = {Role.ADVISOR, Role.APPROVER, Role.ADMIN}

#: "QZ" + lowercase + "ZQ": a name no other text contains.
names = st.text(alphabet=string.ascii_lowercase, min_size=10, max_size=16).map(lambda m: f"QZ{m}ZQ")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=names, said=names, kind=st.sampled_from(list(StakeholderKind)), protected=st.booleans(),
       erased=st.booleans(), role=st.sampled_from(list(Role)))
def test_a_name_and_what_was_said_reach_a_role_only_as_the_rules_allow(ctx, name, said, kind, protected, erased,
                                                                         role):
    protected = protected or kind in ALWAYS_PROTECTED
    stakeholder = Stakeholder(name="" if erased else name, alias="Eik-1000", kind=kind.value, protected=protected)
    involvement = Involvement(stakeholder=stakeholder, said="" if erased else said, way="call",
                              held_on=date(2027, 1, 5))
    viewer = User(email="v@example.org", name="V")
    viewer.set_roles([role])
    shown = stakeholder_label(stakeholder, viewer)
    may_name = (role in NAME_ROLES or not protected) and not erased
    assert shown == (name if may_name else "Eik-1000")
    assert involved_party(involvement, viewer) == shown
    assert may_read_what_was_said(involvement, viewer) == (role in NAME_ROLES or not protected)
    assert not may_read_what_was_said(involvement, None) or not protected
    assert stakeholder_label(stakeholder, None) == (name if not protected and not erased else "Eik-1000")


# ---- every page, file and feed of the demo ------------------------------------------------------------------------

#: The demo's protected organisations and what they said (``visitplanner/demo.py``).
PROTECTED = ("Wuxi Gongyou Huzhu", "Stichting Oeigoerse Gemeenschap", "Alleen via de tussenpersoon in Hongkong",
             "Noem geen namen van arbeiders", "Vakbondsvrijheid is het kernpunt")
LINK = re.compile(r'href="(/[^"#]*)')


@pytest.fixture
def demo(app):
    with app.app_context():
        load_demo()
        commit()


def walk(client) -> dict[str, str]:
    """Every page, download (a briefing book by its text) and feed reachable by links from home: {url: body}."""
    seen: dict[str, str] = {}
    queue = ["/"]
    while queue:
        url = queue.pop()
        if url in seen or url.startswith("/static/") or url.startswith("/logout"):
            continue
        response = client.get(url)
        body = response_text(response) if response.status_code == 200 else ""  # a briefing book by its text
        seen[url] = body
        for link in LINK.findall(body):
            path = urlsplit(link.replace("&amp;", "&"))
            target = path.path + (f"?{path.query}" if path.query else "")
            if target not in seen:
                queue.append(target)
    return seen


@pytest.mark.parametrize("email", ["protocol@example.org", "delegate@example.org"])
def test_no_page_file_or_feed_a_role_reaches_names_a_protected_organisation(client, demo, email):
    assert sign_in_to_demo(client, email).status_code == 302
    pages = walk(client)
    assert len(pages) > 10
    found = {(url, secret) for url, body in pages.items() for secret in PROTECTED if secret in body}
    assert not found, found


def test_the_advisor_reaches_them_so_the_walk_would_find_a_leak(client, demo):
    assert sign_in_to_demo(client, "advisor@example.org").status_code == 302
    pages = walk(client)
    for secret in PROTECTED:
        assert any(secret in body for body in pages.values()), secret
