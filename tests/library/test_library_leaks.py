"""The library itself (its answers, sources, versions) and the own policy leave the application only on the office's
own pages: never in a calendar file or feed, nor in what the delegation, the partner or the public are given. What a
meeting's talking points copied from it follows the rules talking points already have (``gets_talking_points``):
the office's own view carries it, the partner, the public and a travel-safe copy never do."""

from __future__ import annotations

import pytest
from support.readiness import freeze_today, ready_mission

from visitplanner.auth.models import Role
from visitplanner.calendar.operations import create_feed
from visitplanner.commit import commit
from visitplanner.disclosure import Audience
from visitplanner.facts import facts_of
from visitplanner.library.models import ComposedFrom, LibraryVersion, PolicyVersion
from visitplanner.library.operations import add_entry, compose_talking_points, revise_entry, revise_policy
from visitplanner.personal_data import NOTES
from visitplanner.privacy.classification import columns

#: Copied into the meeting's talking points: goes where talking points go.
COMPOSED = "ZZcomposedanswerQ"
#: Only in the library: never in any output but the office's own library pages.
LIBRARY_ONLY = ("ZZnevercomposedQ", "ZZlaterversionQ", "ZZsourceonlyQ", "ZZpolicytextQ", "ZZentrytitleQ")
AUDIENCES = [a.value for a in Audience]


@pytest.fixture
def site(app, make_user, make_mission, make_item, make_member):
    """A ready mission whose partner-visible official meeting was composed from the library; the library holds
    more (another entry, a later version, sources, the policy); a delegate of our own side; and feeds for every
    audience a feed may have."""
    with app.app_context():
        s = ready_mission(make_user, make_mission, make_item)
        theme = s.meeting.focal_themes[0]
        delegate = make_user(Role.DELEGATE)
        make_member(s.mission, user=delegate)
        entry = add_entry(s.advisor, theme, kind="whataboutism", title="ZZentrytitleQ",
                          text=f"Ja, ook Nederland: {COMPOSED}.", sources="ZZsourceonlyQ — 2020-12-17")
        add_entry(s.advisor, theme, kind="point", title="Ander punt", text="ZZnevercomposedQ",
                  sources="Bron — 2021")
        revise_policy(s.advisor, based_on=0, text="ZZpolicytextQ", sources="Raadsbesluit — 2025")
        commit()
        compose_talking_points(s.protocol, s.meeting, [entry.current.id], expected_version=s.meeting.version)
        commit()
        revise_entry(s.advisor, entry, based_on=1, title="ZZentrytitleQ", text=f"{COMPOSED} ZZlaterversionQ",
                     sources="ZZsourceonlyQ — 2020-12-17")
        commit()
        assert s.meeting.visibility == "partner" and COMPOSED in s.meeting.talking_points
        feeds = {}
        for audience in ("internal", "delegation", "partner", "public"):
            _feed, feeds[("partnership", audience)] = create_feed(s.protocol, kind="partnership", audience=audience,
                                                                  partnership=s.mission.partnership)
        _feed, feeds[("mission", "delegation")] = create_feed(delegate, kind="mission", audience="delegation",
                                                              mission=s.mission)
        commit()
        return {"mission": s.mission.id, "protocol": s.protocol.email, "delegate": delegate.email, "feeds": feeds,
                "theme": theme.id}


@pytest.fixture(autouse=True)
def _frozen(monkeypatch):
    freeze_today(monkeypatch)


def outputs(app, runner, signed_in, site) -> dict[str, str]:
    """Every page, file and feed a programme leaves the office in, by what it is."""
    found = {}
    office = signed_in(site["protocol"])
    delegate = signed_in(site["delegate"])
    mission = site["mission"]
    for audience in AUDIENCES:
        for what, path in (("page", "programme"), ("print", "programme/print"), ("week", "programme/week"),
                           ("ics", "programme.ics")):
            for who, client in (("office", office), ("delegate", delegate)):
                if who == "delegate" and audience == "internal":
                    continue
                response = client.get(f"/missions/{mission}/{path}?audience={audience}")
                assert response.status_code == 200, (who, what, audience)
                found[f"{who} {what} {audience}"] = response.get_data(as_text=True)
        result = runner.invoke(args=["export-ics", str(mission), "--audience", audience])
        assert result.exit_code == 0, result.output
        found[f"command line {audience}"] = result.output
    found["delegate mission page"] = delegate.get(f"/missions/{mission}").get_data(as_text=True)
    reader = app.test_client()
    for (kind, audience), token in site["feeds"].items():
        response = reader.get(f"/feeds/{token}.ics")
        assert response.status_code == 200, (kind, audience)
        found[f"feed {kind} {audience}"] = response.get_data(as_text=True)
    return found


def unfolded(text: str) -> str:
    return text.replace("\r\n ", "").replace("\r\n\t", "").replace("\\,", ",").replace("\\n", "\n")


def test_the_library_leaves_the_application_only_through_what_a_meeting_composed_from_it(app, runner, signed_in,
                                                                                         site):
    found = {name: unfolded(body) for name, body in outputs(app, runner, signed_in, site).items()}

    leaks = [(name, word) for name, body in found.items() for word in LIBRARY_ONLY if word in body]
    assert not leaks, f"the library left the application: {leaks}"

    # What was composed is talking points: the office's own view has them, the partner, the public and the
    # travel-safe copy never do, in no page, file, feed or export.
    assert COMPOSED in found["office page internal"] and COMPOSED in found["office ics internal"]
    assert COMPOSED in found["delegate page delegation"], "our own delegation has its talking points"
    closed = [name for name in found if any(name.endswith(a) for a in ("partner", "public", "travel"))]
    assert closed and not [name for name in closed if COMPOSED in found[name]]


def test_the_library_pages_carry_it_for_the_office(app, signed_in, site):
    office = signed_in(site["protocol"])
    html = office.get(f"/themes/{site['theme']}").get_data(as_text=True)
    assert "ZZlaterversionQ" in html and "ZZsourceonlyQ" in html and "ZZnevercomposedQ" in html


def test_the_columns_say_the_library_is_free_text_in_no_output(app):
    for column in (LibraryVersion.__table__.c.text, LibraryVersion.__table__.c.title, PolicyVersion.__table__.c.text):
        fact = facts_of(column)
        assert fact.privacy == NOTES, column
        assert not fact.raises and not fact.events and fact.fingerprint is None, column
    for column in ComposedFrom.__table__.columns:
        assert not facts_of(column).events, "a link to the library alters no calendar event"
    with app.app_context():
        tables = {column.table.name for column in columns()}
    assert {"talking_point_entries", "talking_point_versions", "item_talking_point_sources",
            "own_policy_versions"} <= tables, "the record of processing lists them"
