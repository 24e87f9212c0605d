"""Property: no calendar file or feed names a civil-society participant beyond what their consent covers.

Generated sentinel names are put on participants (most of them at risk) in the items of a mission, with
generated consent (any subset of the scopes, withdrawn, expired or none). Every audience, every viewer role,
downloads and feeds are then searched for them, after unfolding and after unescaping. The travel-safe copy never
carries a real name, whatever the consent, nor anything of the items' own text: only "Meeting", the time and aliases.
"""

from __future__ import annotations

import string
from datetime import date, datetime, timedelta, timezone

from flask_babel import gettext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from visitplanner.auth.models import Role
from visitplanner.calendar.programme import programme_ics
from visitplanner.commit import commit
from visitplanner.disclosure import Audience
from visitplanner.extensions import db
from visitplanner.missions.queries import mission_for_page
from visitplanner.participants.models import Scope
from visitplanner.participants.operations import (
    create_participant,
    record_consent,
    withdraw_consent,
)

UTC = timezone.utc
TODAY = date(2027, 3, 1)
NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
ROLES = (Role.ADVISOR, Role.APPROVER, Role.ADMIN, Role.PROTOCOL, Role.DELEGATE)
NAME_ROLES = {Role.ADVISOR, Role.APPROVER, Role.ADMIN}
#: The scope that allows naming to each audience; the public: never.
NAMING = {
    Audience.INTERNAL: Scope.NAMED_INTERNAL,
    Audience.DELEGATION: Scope.NAMED_DELEGATION,
    Audience.PARTNER: Scope.NAMED_PARTNER,
}
VISIBILITIES = ("internal", "delegation", "partner", "public", "partner")  # the last one is removed
#: The items' own text: a travel-safe copy carries none of it (they are all NGO visits).
ITEM_TEXT = ("Onderdeel", "Gesprek", "Wuxi", "Arbeidsrechten")

#: "ZZ" + lowercase + "Q": no name can occur inside another, nor in any other text of the file.
middles = st.text(alphabet=string.ascii_lowercase, min_size=12, max_size=20)
consents = st.one_of(
    st.tuples(st.sampled_from(["given", "withdrawn", "expired"]), st.frozensets(st.sampled_from(list(Scope)))),
    st.just(("none", frozenset())),
)
people = st.lists(
    st.fixed_dictionaries({
        "middle": middles,
        "at_risk": st.booleans() | st.just(True),
        "consent": consents,
        "items": st.sets(st.integers(0, len(VISIBILITIES) - 1), min_size=1),
    }),
    min_size=1, max_size=4, unique_by=lambda p: p["middle"],
)


def unfolded(body: bytes) -> str:
    return body.decode("utf-8").replace("\r\n ", "").replace("\r\n\t", "")


def unescaped(text: str) -> str:
    return text.replace("\\,", ",").replace("\\;", ";").replace("\\n", "\n").replace("\\N", "\n").replace("\\\\", "\\")


def test_no_output_names_a_participant_beyond_their_consent(ctx, make_user, make_mission, make_item):
    viewers = {role: make_user(role) for role in ROLES}
    advisor = viewers[Role.ADVISOR]
    mission = make_mission()
    items = [
        make_item(mission, f"2027-04-13T{9 + n:02d}:00", f"2027-04-13T{9 + n:02d}:45", kind="ngo_visit",
                  visibility=visibility, title=f"Onderdeel {n}", description="Gesprek", location="Wuxi",
                  talking_points="Arbeidsrechten")
        for n, visibility in enumerate(VISIBILITIES)
    ]
    items[-1].removed_at = NOW - timedelta(days=2)
    items[-1].sequence += 1
    commit()
    mission_id = mission.id

    @settings(max_examples=40, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(people=people)
    def check(people):
        try:
            _check(people)
        finally:
            db.session.rollback()  # nothing of this example stays behind

    def _check(people):
        mission = mission_for_page(mission_id)
        by_id = {i.id: i for i in mission.items}
        attached = []
        for n, person in enumerate(people):
            real_name, alias = f"ZZ{person['middle']}Q", f"QQ{person['middle']}Q"
            participant = create_participant(advisor, real_name=real_name, alias=alias, kind="defender",
                                             at_risk=person["at_risk"])
            for index in sorted(person["items"]):
                by_id[items[index].id].participants.append(participant)
            state, scopes = person["consent"]
            if state in ("given", "withdrawn"):
                record_consent(advisor, participant, mission, scopes=scopes, method="in_person",
                               information_version="v1", reconfirm_by=date(2027, 5, 15), today=TODAY)
            if state == "withdrawn":
                withdraw_consent(advisor, participant, mission, method="phone")
            if state == "expired":
                record_consent(advisor, participant, mission, scopes=scopes, method="in_person",
                               information_version="v1", reconfirm_by=date(2027, 2, 1), today=date(2027, 1, 1))
            current = scopes if state == "given" else frozenset()
            attached.append((real_name, alias, person["at_risk"], current, person["items"]))
        db.session.flush()
        mission = mission_for_page(mission_id)

        for audience in Audience:
            for role, viewer in viewers.items():
                for for_feed in (False, True):
                    body = programme_ics([mission], audience, viewer, "Programma", today=TODAY,
                                         for_feed=for_feed)
                    raw = unfolded(body)
                    texts = (raw, unescaped(raw))
                    where = f"{audience.value} for {role.value}, {'feed' if for_feed else 'download'}"
                    for real_name, alias, at_risk, current, _ in attached:
                        shows_name = any(real_name in t for t in texts)
                        shows_alias = any(alias in t for t in texts)
                        # (a) a feed never carries the real name of an at-risk participant.
                        if for_feed and at_risk:
                            assert not shows_name, f"at-risk name in a feed: {where}"
                        # (b) a real name only where consent covers this audience, for a role that may see it.
                        if NAMING.get(audience) not in current:
                            assert not shows_name, f"name beyond consent: {where} ({sorted(current)})"
                        if role not in NAME_ROLES:
                            assert not shows_name, f"name for a role that may not see it: {where}"
                        # (c) the partner and the public learn not even the alias without consent to name to them.
                        if audience in (Audience.PARTNER, Audience.PUBLIC) and Scope.NAMED_PARTNER not in current:
                            assert not shows_alias and not shows_name, f"alias without consent: {where}"
                        if audience == Audience.PUBLIC:
                            assert not shows_name, f"name in a public output: {where}"
                        # (d) a travel-safe copy: never a real name, whatever the consent and whoever makes it.
                        if audience == Audience.TRAVEL:
                            assert not shows_name, f"real name in a travel-safe copy: {where}"
                    if audience == Audience.TRAVEL:
                        # ... and nothing beyond a neutral title, the time and aliases.
                        for word in ITEM_TEXT:
                            assert not any(word in t for t in texts), f"{word!r} in a travel-safe copy: {where}"
                        for ev in Calendar.from_ical(body).walk("VEVENT"):
                            assert str(ev["summary"]) in (gettext("Meeting"), gettext("Private appointment"))
                            assert "location" not in ev

        # Not vacuous: the internal download for an advisor names each person in a live item,
        # by real name when consent allows internal naming, else by alias.
        body = programme_ics([mission], Audience.INTERNAL, advisor, "Programma", today=TODAY,
                             for_feed=False)
        raw = unfolded(body)
        for real_name, alias, _, current, in_items in attached:
            if in_items - {len(VISIBILITIES) - 1}:
                assert (real_name if Scope.NAMED_INTERNAL in current else alias) in raw
        # ... and the travel-safe one by alias each person in a live item the delegation sees in full.
        raw = unfolded(programme_ics([mission], Audience.TRAVEL, advisor, "Programma", today=TODAY, for_feed=False))
        for real_name, alias, _, current, in_items in attached:
            if in_items & {1, 2, 3}:
                assert alias in raw and real_name not in raw

    check()
