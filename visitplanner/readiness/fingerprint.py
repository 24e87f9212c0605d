"""What a submission and a sign-off vouch for, its fingerprint, and what changed since, in words.

The content is split in *facts* (fingerprinted: a change to one voids the sign-offs) and *labels* (names to
show a change by: an item's title, a participant's alias; renaming alone voids nothing). It names
civil-society participants by alias only and holds no free text, only whether talking points are there and a
digest of them, since it is kept with the mission and shown in the audit log.

The facts of a mission, its companies and its items are their columns' values, as each column says it is vouched for
(``info=facts(fingerprint=Vouched(...))``, ``visitplanner/facts.py``): read as it says (a local wall-clock time, a
digest of free text), and shown in what changed by its audit label. Computed here are which items are live, the
delegation, the companies taking part, each participant's consent state and safety, and the checks' results.

**Adding a column the signers rely on?** Say so on the column (``fingerprint=Vouched(...)``): it is then
fingerprinted and described without a line here. ``tests/readiness/test_binding.py`` changes each kind of fact and expects
the sign-offs voided. What else a new column declares there is in ``docs/engineers.md``, "The commit pipeline and where
a new column declares its facts".
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import inspect

from ..facts import Vouched, facts_of
from ..itinerary.models import ProgrammeItem
from ..messages import LOWER, check_ref, field_ref, stored, value_ref
from ..missions.models import Company, DelegationMember, Mission
from ..participants.models import Participant, Scope, consent_state, current_assessment
from .checks import (
    PRE_SIGNOFF,
    Context,
    Status,
    consulted,
    last_meeting_days,
    live_items,
    meeting_day,
    run_checks,
)
from .models import short_code  # noqa: F401  (declared beside the sign-off it names; still importable here)


#: How the rows linked to an item are named in what changed (their labels are kept under ``prefix.id``).
LINKED_LABELS = {DelegationMember: "member", Participant: "participant"}


@dataclass(frozen=True)
class ColumnFact:
    """A value of a row that signers vouch for, as its column (or the link table of a relationship) says."""

    name: str
    read: Callable[[Any], Any]
    #: Shown as added, removed or changed (a digest of free text), never as old → new.
    digest: bool = False
    #: For a relationship: the kind of the linked rows, whose sorted ids are vouched for.
    linked: type | None = None


def _reader(key: str, how: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda row: how(getattr(row, key))


def _ids(key: str) -> Callable[[Any], list[str]]:
    return lambda row: sorted(str(linked.id) for linked in getattr(row, key))


@cache
def column_facts(model: type) -> tuple[ColumnFact, ...]:
    """What signers vouch for of a row of ``model``, in the order of its columns: each column declared ``Vouched``,
    and each relationship whose link table's columns are."""
    found = []
    mapper = inspect(model)
    for attr in mapper.column_attrs:
        fact = facts_of(attr.columns[0]).fingerprint
        if isinstance(fact, Vouched):
            found.append(ColumnFact(fact.name or attr.key, _reader(fact.read or attr.key, fact.how),
                                    digest=fact.shown_as_changed))
    for relationship in mapper.relationships:
        if relationship.secondary is not None and all(
                isinstance(facts_of(column).fingerprint, Vouched) for column in relationship.secondary.columns):
            found.append(ColumnFact(relationship.key, _ids(relationship.key), linked=relationship.mapper.class_))
    return tuple(found)


def vouched_values(row: Any) -> dict[str, Any]:
    """The values of ``row`` its columns say signers vouch for, read as they say."""
    return {fact.name: fact.read(row) for fact in column_facts(type(row))}


def vouched_content(mission: Mission, ctx: Context) -> dict[str, Any]:
    """What a submission or sign-off of ``mission`` vouches for today: ``{"facts": ..., "labels": ...}``."""
    labels: dict[str, str] = {}
    items, consent, safety = {}, {}, {}
    last_days = last_meeting_days(mission)
    for item in live_items(mission):
        labels[f"item.{item.uid}"] = item.title
        items[item.uid] = vouched_values(item)
        for member in item.attendees:
            labels[f"member.{member.id}"] = member.display_name
        for person in item.participants:
            labels[f"participant.{person.id}"] = person.alias
            state = consent_state(person.consents, mission.id, ctx.today)
            consent[str(person.id)] = {
                "state": "withdrawn" if state.withdrawn else "expired" if state.expired
                else "ends_before_meeting" if state.ends_before(last_days[person.id])
                else "given" if state.record is not None else "none",
                "scopes": sorted(s.value for s in state.scopes),
            }
            assessment = current_assessment(person.assessments, item.id)
            safety[f"{person.id}@{item.uid}"] = {
                "decision": assessment.decision if assessment else None,
                # Valid today and on the day of the item.
                "current": bool(assessment and assessment.is_current(ctx.today)
                                and assessment.holds_on(meeting_day(item))),
                "trusted_channel": consulted(mission, person.id, item, ctx.today),
            }
    for member in mission.members:
        labels[f"member.{member.id}"] = member.display_name
    for company in mission.companies:
        labels[f"company.{company.id}"] = company.name
    checks = {}
    for result in run_checks(mission, ctx, PRE_SIGNOFF):
        checks[result.name] = result.status.value
        labels[f"check_reason.{result.name}"] = result.message
    facts = {
        "mission": vouched_values(mission),
        "delegation": sorted(str(m.id) for m in mission.members),
        "companies": {str(c.id): vouched_values(c) | {"briefings": briefing_facts(c, mission)}
                      for c in mission.companies},
        "items": items,
        "consent": consent,
        "safety": safety,
        "checks": checks,
    }
    return {"facts": facts, "labels": labels}


def briefing_facts(company: Company, mission: Mission) -> list[str]:
    """The company's briefings up to the day of departure, each as its day and whether it was held: what the
    outbound check reads (a briefing after departure cannot count). A briefing recorded, dated otherwise or recorded
    as held moves it, as a changed briefing date on the company did before the register kept a history."""
    return sorted(f"{b.briefed_on.isoformat()} {'held' if b.held else 'planned'}" for b in company.briefings
                  if b.briefed_on <= mission.start_date)


def _briefings(facts: list[str]) -> Any:
    if not facts:
        return "—"
    return [stored("%(day)s, held", day=fact.split()[0]) if fact.endswith("held")
            else stored("%(day)s, planned", day=fact.split()[0]) for fact in facts]


def fingerprint(content: dict[str, Any]) -> str:
    """SHA-256 over the facts (not the labels) of a vouched content."""
    return hashlib.sha256(json.dumps(content["facts"], sort_keys=True).encode()).hexdigest()


# ---- what changed, in words ---------------------------------------------------------------------------------------

#: At most this many lines; the rest is counted.
MAX_LINES = 8


def _values(kind: str, value: Any) -> Any:
    """A fact's value, to be shown as a person reads it (labels looked up when shown, in the reader's language)."""
    if value in (None, "", []):
        return "—"
    if kind == "scopes":
        return [value_ref("scopes", s.value) | {LOWER: True} for s in Scope if s.value in value]
    if kind in ("kind", "visibility", "direction", "due_diligence", "decision") or isinstance(value, bool):
        return value_ref(kind, value)
    return str(value)


def _label(labels: dict, old_labels: dict, key: str, fallback: str) -> str:
    return labels.get(key) or old_labels.get(key) or fallback


def _names(ids, labels, old_labels, prefix) -> str:
    return ", ".join(sorted(_label(labels, old_labels, f"{prefix}.{i}", i) for i in ids))


def _describe(before: dict, after: dict) -> list[dict]:
    was, now = before.get("facts", {}), after["facts"]
    old_labels, labels = before.get("labels", {}), after["labels"]
    lines: list[dict] = []
    for key in (fact.name for fact in column_facts(Mission)):
        old, new = was.get("mission", {}).get(key), now["mission"][key]
        if old != new:
            lines.append(stored("Mission: %(field)s %(old)s → %(new)s", field=field_ref(key, lower=True),
                                old=_values(key, old), new=_values(key, new)))
    old_members, new_members = set(was.get("delegation", [])), set(now["delegation"])
    if new_members - old_members:
        lines.append(stored("Delegation: joined %(names)s",
                            names=_names(new_members - old_members, labels, old_labels, "member")))
    if old_members - new_members:
        lines.append(stored("Delegation: left %(names)s",
                            names=_names(old_members - new_members, labels, old_labels, "member")))
    old_companies, new_companies = was.get("companies", {}), now["companies"]
    for cid in sorted(set(old_companies) | set(new_companies)):
        name = _label(labels, old_labels, f"company.{cid}", cid)
        if cid not in old_companies:
            lines.append(stored("Company added: %(name)s", name=name))
        elif cid not in new_companies:
            lines.append(stored("Company removed: %(name)s", name=name))
        else:
            for key in (fact.name for fact in column_facts(Company)):
                if old_companies[cid].get(key) != new_companies[cid][key]:
                    lines.append(stored("%(name)s: %(field)s %(old)s → %(new)s", name=name,
                                        field=field_ref(key, lower=True),
                                        old=_values(key, old_companies[cid].get(key)),
                                        new=_values(key, new_companies[cid][key])))
            old_briefings, new_briefings = old_companies[cid].get("briefings", []), new_companies[cid]["briefings"]
            if old_briefings != new_briefings:
                lines.append(stored("%(name)s: %(field)s %(old)s → %(new)s", name=name,
                                    field=field_ref("briefings", lower=True), old=_briefings(old_briefings),
                                    new=_briefings(new_briefings)))
    old_items, new_items = was.get("items", {}), now["items"]
    for uid in sorted(set(old_items) | set(new_items), key=lambda u: (new_items.get(u) or old_items[u])["starts"]):
        title = _label(labels, old_labels, f"item.{uid}", "?")
        if uid not in old_items:
            lines.append(stored("Item added: “%(title)s”", title=title))
            continue
        if uid not in new_items:
            lines.append(stored("Item removed: “%(title)s”", title=title))
            continue
        old, new = old_items[uid], new_items[uid]
        item_facts = column_facts(ProgrammeItem)
        for key in (fact.name for fact in item_facts if not fact.digest and fact.linked is None):
            if old.get(key) != new[key]:  # .get: content vouched for before a fact was added
                lines.append(stored("“%(title)s”: %(field)s %(old)s → %(new)s", title=title,
                                    field=field_ref(key, lower=True), old=_values(key, old.get(key)),
                                    new=_values(key, new[key])))
        for key in (fact.name for fact in item_facts if fact.digest):
            if old.get(key, "") != new[key]:
                what = (stored("added") if not old.get(key) else stored("removed") if not new[key]
                        else stored("changed"))
                lines.append(stored("“%(title)s”: %(field)s %(what)s", title=title,
                                    field=field_ref(key, lower=True), what=what))
        for key, prefix in ((fact.name, LINKED_LABELS[fact.linked]) for fact in item_facts if fact.linked):
            gone, came = set(old.get(key, [])) - set(new[key]), set(new[key]) - set(old.get(key, []))
            if came:
                lines.append(stored("“%(title)s”: %(field)s added: %(names)s", title=title,
                                    field=field_ref(key, lower=True), names=_names(came, labels, old_labels, prefix)))
            if gone:
                lines.append(stored("“%(title)s”: %(field)s removed: %(names)s", title=title,
                                    field=field_ref(key, lower=True), names=_names(gone, labels, old_labels, prefix)))
    old_consent, new_consent = was.get("consent", {}), now["consent"]
    for pid in sorted(set(old_consent) & set(new_consent)):
        if old_consent[pid] != new_consent[pid]:
            lines.append(stored("%(alias)s: consent %(old)s → %(new)s",
                                alias=_label(labels, old_labels, f"participant.{pid}", pid),
                                old=_consent(old_consent[pid]), new=_consent(new_consent[pid])))
    old_safety, new_safety = was.get("safety", {}), now["safety"]
    for key in sorted(set(old_safety) & set(new_safety)):
        if old_safety[key] != new_safety[key]:
            pid, uid = key.split("@", 1)
            lines.append(stored("%(alias)s at “%(title)s”: safety %(old)s → %(new)s",
                                alias=_label(labels, old_labels, f"participant.{pid}", pid),
                                title=_label(labels, old_labels, f"item.{uid}", "?"),
                                old=_safety(old_safety[key]), new=_safety(new_safety[key])))
    old_checks, new_checks = was.get("checks", {}), now["checks"]
    for name, status in new_checks.items():
        if old_checks.get(name) != status:
            lines.append(stored("Check “%(check)s”: %(old)s → %(new)s (%(reason)s)", check=check_ref(name),
                                old=_status(old_checks.get(name)), new=_status(status),
                                reason=labels.get(f"check_reason.{name}", "")))
    return lines


def _consent(fact: dict) -> Any:
    if fact["state"] == "withdrawn":
        return stored("withdrawn")
    if fact["state"] == "expired":
        return stored("expired")
    if fact["state"] == "ends_before_meeting":
        return stored("ends before the meeting")
    if fact["state"] == "none":
        return stored("none recorded")
    return _values("scopes", fact["scopes"])


def _safety(fact: dict) -> Any:
    if fact["decision"] is None:
        return stored("not assessed")
    parts = [_values("decision", fact["decision"])]
    if not fact["current"]:
        parts.append(stored("expired or ends before the meeting"))
    if not fact["trusted_channel"]:
        parts.append(stored("no trusted channel consulted"))
    return parts


def _status(value: str | None) -> Any:
    return {Status.PASS.value: stored("pass"), Status.WARN.value: stored("warning"), Status.FAIL.value: stored("fail"),
            Status.NA.value: stored("not applicable")}.get(value or "", "—")


def changes_since(before: dict | None, after: dict) -> list[dict]:
    """What changed from ``before`` to ``after``, a line each (stored messages, ``messages.py``), at most
    ``MAX_LINES`` (the rest counted)."""
    if not before:
        return [stored("Submitted before sign-offs were bound to what they vouch for: submit it again.")]
    lines = _describe(before, after) or [stored("What the sign-off vouched for changed.")]
    if len(lines) > MAX_LINES:
        rest = len(lines) - MAX_LINES + 1
        lines = lines[:MAX_LINES - 1] + [stored("and %(n)d more changes", n=rest)]
    return lines
