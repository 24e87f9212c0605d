"""History shows labels, never what is stored (issue 23, part 9): no enum code ("citizen_meeting", "embassy"), no
record's number, no ISO date or time, no 64-character fingerprint; in English and in Dutch. Checked over every
change the demo's audit log holds, and on the pages that show it."""

from __future__ import annotations

import re
from enum import StrEnum

import pytest
from flask import session
from flask_babel import refresh as refresh_babel
from sqlalchemy import select

from support.accounts import sign_in_to_demo

from visitplanner.audit.labels import REFERENCES, audit_value
from visitplanner.audit.models import AuditEntry
from visitplanner.commit import commit
from visitplanner.demo import load_demo
from visitplanner.enums import LabelledEnum
from visitplanner.extensions import db
from visitplanner.missions.models import Mission

ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
DIGEST = re.compile(r"\b[0-9a-f]{64}\b")
#: A code as the application stores it: lower-case words joined by underscores ("citizen_meeting").
CODE = re.compile(r"[a-z]+(?:_[a-z]+)+")


def _codes() -> set[str]:
    """Every value of every labelled enum: what a person must never read in History."""
    found, todo = set(), list(LabelledEnum.__subclasses__())
    while todo:
        enum = todo.pop()
        todo += enum.__subclasses__()
        found |= {member.value for member in enum if isinstance(member, StrEnum)}
    return found


@pytest.fixture
def demo(app):
    with app.app_context():
        load_demo()
        commit()


def _raw(field: str, stored, shown: str, codes: set[str]) -> str | None:
    """Why ``shown`` gives away how ``stored`` is kept, or None."""
    if ISO.search(shown) and not (isinstance(stored, str) and "http" in stored):
        return "an ISO date"
    if DIGEST.search(shown):
        return "a fingerprint"
    if field in REFERENCES and shown.isdigit():
        return "a record's number"
    values = stored if isinstance(stored, list) else [stored]
    for value in values:
        if isinstance(value, str) and (value in codes or CODE.fullmatch(value)) and value in shown.split(", "):
            return f"the code {value!r}"
    return None


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_every_recorded_change_of_the_demo_reads_as_labels(app, demo, lang):
    codes = _codes()
    problems = []
    with app.test_request_context():
        session["lang"] = lang
        refresh_babel()
        entries = db.session.scalars(select(AuditEntry)).all()
        assert len(entries) > 50
        for entry in entries:
            for field, values in (entry.changes or {}).items():
                for stored in values:
                    if stored in (None, "", []):
                        continue
                    shown = audit_value(field, stored)
                    why = _raw(field, stored, shown, codes)
                    if why:
                        problems.append(f"{entry.action} {field}: {stored!r} shown as {shown!r} ({why})")
    assert not problems, "\n".join(sorted(set(problems))[:40])


@pytest.mark.parametrize(("field", "stored", "en"), [
    ("kind", "citizen_meeting", "Meeting with residents"),
    ("channel", "embassy", "The embassy"),
    ("progress", "little", "Little progress"),
    ("status", "in_progress", "In progress"),
    ("fingerprint", "3b035a2b" + "0" * 56, "3B03-5A2B (the code of what was submitted and signed off: the checklist "
                                           "shows the same code while the mission is unchanged)"),
    ("starts_local", "2027-04-20 14:00 (Asia/Shanghai)", "20 Apr 2027, 14:00 China (UTC+8)"),
    ("due_date", "2027-02-07", "7 Feb 2027"),
    ("timezone", "Asia/Shanghai", "China (Asia/Shanghai)"),
    ("sign_off", "hr_advisor: Yusuf Demir", "Human-rights advisor: Yusuf Demir"),
    ("parallel", True, "yes"),
])
def test_a_stored_value_is_shown_by_its_label(app, field, stored, en):
    with app.test_request_context():
        session["lang"] = "en"
        refresh_babel()
        assert audit_value(field, stored) == en


def test_a_linked_record_is_named_and_one_gone_is_said_to_be(app, make_user, ctx):
    owner = make_user(name="Sanne de Vries")
    assert audit_value("owner_id", owner.id) == "Sanne de Vries"
    assert audit_value("owner_id", owner.id + 1000) != str(owner.id + 1000)


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_history_pages_show_no_stored_codes_dates_or_fingerprints(app, client, demo, lang):
    with client.session_transaction() as browser_session:
        browser_session["lang"] = lang
    assert sign_in_to_demo(client, "protocol@example.org").status_code == 302
    with app.app_context():
        missions = db.session.scalars(select(Mission.id)).all()
    for mission_id in missions:
        page = client.get(f"/missions/{mission_id}/history").get_data(as_text=True)
        changes = " ".join(re.findall(r'<dl class="vp-changes">(.*?)</dl>', page, re.DOTALL))
        assert changes, "the demo's missions have a history"
        assert not ISO.search(re.sub(r"https?://\S+|— \d{4}-\d{2}-\d{2}", "", changes)), "no ISO dates"
        assert not DIGEST.search(page), "no fingerprints"
        for code in ("citizen_meeting", "hr_advisor", "embassy", "ngo_visit", "proceed_with_mitigations"):
            assert f">{code}<" not in changes and f"{code}:" not in changes
        when = re.findall(r'<tr class="utrecht-table__row">\s*<td class="utrecht-table__cell">([^<]+)</td>', page)
        style = r"\d{1,2} [A-Za-z]{3,4}\.? \d{4}, \d{2}:\d{2}"
        assert when and all(re.fullmatch(style, w) for w in when), when[:3]
