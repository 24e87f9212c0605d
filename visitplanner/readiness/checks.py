"""The rules a mission must meet before it is finalised (DOMAIN.md, rules 1–9).

Each check is a pure function of a loaded mission and a context (today's date, the organisation's
settings). It returns PASS, FAIL or WARN with a reason a person can read and where to fix it.
Reasons name civil-society participants by alias only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Callable

from flask_babel import lazy_gettext as _l

from ..enums import LabelledEnum
from ..itinerary.models import CIVIL_SOCIETY_KINDS, HUMAN_RIGHTS_COMPONENTS, ItemKind, ProgrammeItem
from ..itinerary.rules import double_bookings, item_days
from ..messages import Message, joined, shown, stored, stored_n, value_ref
from ..missions.models import BRIEFING_VALID_MONTHS, BriefingState, Direction, Mission, MissionStatus
from ..participants.models import Decision, ParticipantKind, Scope, consent_state, current_assessment
from ..timeutil import in_zone, last_day
from .lifecycle import four_eyes_refusal
from .models import SignOffRole


class Status(LabelledEnum):
    PASS = "PASS"
    WARN = "WARN"
    FAIL = "FAIL"
    #: The rule is for the other direction (an inbound rule on an outbound mission): neither met nor broken.
    NA = "NA"

    __labels__ = {PASS: _l("Pass"), WARN: _l("Warning"), FAIL: _l("Fail"), NA: _l("Not applicable")}


@dataclass(frozen=True)
class Context:
    today: date
    talking_points_block: bool = False
    #: How many months a company's held human-rights briefing counts for (``COMPANY_BRIEFING_VALID_MONTHS``).
    briefing_valid_months: int = BRIEFING_VALID_MONTHS


@dataclass(frozen=True)
class CheckResult:
    name: str
    status: Status
    #: Why, as a stored message (``messages.py``): shown in the reader's language, and kept with what a sign-off
    #: vouched for.
    message: Message
    #: Where the problem is fixed: an endpoint and its arguments.
    fix_endpoint: str | None = None
    fix_args: dict = field(default_factory=dict)
    #: The action that fixes it, when that is not the page linked to (a form on it, a step further): whoever the
    #: access table lets use it is who can fix the problem. None: the linked page is the action.
    fixed_by: str | None = None
    #: The direction of missions the rule is for: None for both.
    applies_to: Direction | None = None

    @property
    def passed(self) -> bool:
        return self.status == Status.PASS

    @property
    def title(self) -> str:
        """The check's title, in the reader's language (from its name: ``CHECK_TITLES``)."""
        return check_title(self.name)

    @property
    def reason(self) -> str:
        """Why, in the reader's language."""
        return shown(self.message)


def live_items(mission: Mission) -> list[ProgrammeItem]:
    return sorted((i for i in mission.items if i.removed_at is None), key=lambda i: (i.starts_at, i.id))


#: Each check's title by its name: what the checklist shows, and how a stored message names a check.
CHECK_TITLES = {
    "hr_component": _l("Human-rights component"),
    "inbound": _l("Inbound: NGO visit and meeting with residents"),
    "outbound": _l("Outbound: civil-society meeting, business session and company briefing"),
    "consent": _l("Consent of civil-society participants"),
    "safety": _l("Safety of civil-society participants"),
    "groundwork": _l("Partnership groundwork"),
    "itinerary": _l("Itinerary sanity"),
    "talking_points": _l("Human-rights talking points"),
    "four_eyes": _l("Four-eyes sign-off"),
    "themes_raised": _l("Focal themes raised with the partner"),
}


def check_title(name: str) -> str:
    return str(CHECK_TITLES.get(name, name))


def _programme(mission: Mission) -> dict:
    return {"fix_endpoint": "itinerary.programme", "fix_args": {"mission_id": mission.id},
            "fixed_by": "itinerary.create"}


def _result(name, ok: bool, reason_ok: Message, reason_fail: Message, fail=Status.FAIL, **fix) -> CheckResult:
    return CheckResult(name, Status.PASS if ok else fail, reason_ok if ok else reason_fail, **fix)


def _not_applicable(name: str, direction: Direction) -> CheckResult:
    reason = (stored("Applies to inbound missions only.") if direction == Direction.INBOUND
              else stored("Applies to outbound missions only."))
    return CheckResult(name, Status.NA, reason, applies_to=direction)


def check_hr_component(mission: Mission, ctx: Context) -> CheckResult:
    """Rule 1: every exchange has at least one human-rights component that is part of the exchange itself."""
    found = [i for i in live_items(mission) if i.kind in HUMAN_RIGHTS_COMPONENTS]
    return _result(
        "hr_component", bool(found),
        stored_n("%(num)d human-rights component in the programme.",
                 "%(num)d human-rights components in the programme.",
                 len(found)),
        stored("The programme has no human-rights component that is part of the exchange (an NGO visit, a meeting "
               "with residents, a business session on the OECD Guidelines and UNGPs, or a dialogue with civil society "
               "arranged with the partner). A briefing of our own companies does not count here."),
        **_programme(mission),
    )


def _meets_residents(item: ProgrammeItem) -> bool:
    """A meeting with residents concerned with human rights in China: one of them is a participant (a resident or
    diaspora member), or the people kept off the record for their own safety are counted, with the reason."""
    named = any(p.kind == ParticipantKind.RESIDENT for p in item.participants)
    counted = bool(item.headcount) and bool(item.headcount_reason.strip())
    return named or counted


def _raises_a_focal_theme(item: ProgrammeItem, mission: Mission) -> bool:
    chosen = {t.id for t in mission.partnership.focal_themes}
    return any(t.id in chosen for t in item.focal_themes)


def check_inbound(mission: Mission, ctx: Context) -> CheckResult:
    """Rule 2: an inbound delegation visits a human-rights organisation (preferably on a focal theme) and meets
    residents concerned with human rights in China."""
    if mission.direction != Direction.INBOUND:
        return _not_applicable("inbound", Direction.INBOUND)
    items = live_items(mission)
    visits = [i for i in items if i.kind == ItemKind.NGO_VISIT]
    meetings = [i for i in items if i.kind == ItemKind.CITIZEN_MEETING]
    missing = []
    if not visits:
        missing.append(stored("a visit to a human-rights or civil-society organisation"))
    if not meetings:
        missing.append(stored("a meeting with residents concerned with human rights in China"))
    elif not any(_meets_residents(i) for i in meetings):
        missing.append(stored("at the meeting with residents, a resident or diaspora member among the participants, or "
                              "a head-count with the reason they are kept off the record"))
    fix = _programme(mission)
    if missing:
        return CheckResult("inbound", Status.FAIL, stored("Missing: %(what)s.", what=joined(missing)),
                           applies_to=Direction.INBOUND, **fix)
    if not any(_raises_a_focal_theme(i, mission) for i in visits):
        return CheckResult("inbound", Status.WARN,
                           stored("The NGO visit raises none of the partnership's focal themes."),
                           applies_to=Direction.INBOUND, **fix)
    return CheckResult("inbound", Status.PASS,
                       stored("The programme has an NGO visit on a focal theme and a meeting with residents."),
                       applies_to=Direction.INBOUND, **fix)


def check_outbound(mission: Mission, ctx: Context) -> CheckResult:
    """Rule 3: an outbound mission meets civil society; with companies, a business session and a briefing held
    before departure (a briefing still to come is a plan: a warning, from the day before departure a failure)."""
    if mission.direction != Direction.OUTBOUND:
        return _not_applicable("outbound", Direction.OUTBOUND)
    items = live_items(mission)
    kinds = {i.kind for i in items}
    missing, planned, briefings = [], [], []
    if not kinds & CIVIL_SOCIETY_KINDS:
        missing.append(stored("a civil-society meeting or dialogue arranged with the partner"))
    if mission.companies:
        if ItemKind.BUSINESS_SESSION not in kinds:
            missing.append(stored("a business session on the OECD Guidelines and UNGPs"))
        states = {c: c.briefing_before(mission.start_date, ctx.today, ctx.briefing_valid_months)
                  for c in sorted(mission.companies, key=lambda c: c.name)}
        unbriefed = [c.name for c, state in states.items()
                     if state in (BriefingState.MISSING, BriefingState.TOO_LATE)]
        if unbriefed:
            missing.append(stored("a human-rights briefing before departure for: %(names)s",
                                  names=", ".join(unbriefed)))
        expired = [c.name for c, state in states.items() if state == BriefingState.EXPIRED]
        if expired:
            missing.append(stored_n(
                "a human-rights briefing within the period for: %(names)s (not briefed within the period: the latest "
                "was held more than %(num)d month before departure)",
                "a human-rights briefing within the period for: %(names)s (not briefed within the period: the latest "
                "was held more than %(num)d months before departure)",
                ctx.briefing_valid_months, names=", ".join(expired)))
        not_held = [c.name for c, state in states.items() if state == BriefingState.NOT_HELD]
        if not_held:
            missing.append(stored("a briefing recorded as held (departure is near) for: %(names)s",
                                  names=", ".join(not_held)))
        planned = [c.name for c, state in states.items() if state == BriefingState.PLANNED]
        briefings = [c for c, state in states.items() if state != BriefingState.HELD]
    # A missing meeting is added in the programme; a briefing is recorded on the company's page in the register.
    in_programme = not kinds & CIVIL_SOCIETY_KINDS or (mission.companies and ItemKind.BUSINESS_SESSION not in kinds)
    fix = _programme(mission) if in_programme or not briefings else {
        "fix_endpoint": "companies.show", "fix_args": {"company_id": briefings[0].id},
        "fixed_by": "companies.add_briefing"}
    if missing:
        return CheckResult("outbound", Status.FAIL, stored("Missing: %(what)s.", what=joined(missing)),
                           applies_to=Direction.OUTBOUND, **fix)
    if planned:
        return CheckResult("outbound", Status.WARN,
                           stored("Briefing planned, not yet recorded as held, for: %(names)s.",
                                  names=", ".join(planned)),
                           applies_to=Direction.OUTBOUND, **fix)
    return CheckResult("outbound", Status.PASS, stored("The outbound requirements are in the programme."),
                       applies_to=Direction.OUTBOUND, **fix)


def participant_links(mission: Mission):
    """Every (item, participant) pair in the live programme."""
    return [(item, p) for item in live_items(mission) for p in item.participants]


def meeting_day(item: ProgrammeItem) -> date:
    """The day an item takes place, where it happens (its own time zone): the day consent and safety must hold on."""
    return item.local_start.date()


def last_meeting_days(mission: Mission) -> dict[int, date]:
    """Per participant (by id), the day of the last live item of the mission they attend."""
    days: dict[int, date] = {}
    for item, p in participant_links(mission):
        days[p.id] = max(days.get(p.id, meeting_day(item)), meeting_day(item))
    return days


@dataclass(frozen=True)
class EndsEarly:
    """Consent that holds today but ends before the day of a meeting it is needed for: when, and that day."""

    ends_on: date
    meeting_on: date


def consent_ends_early(mission: Mission, participant, today: date) -> EndsEarly | None:
    """Whether the participant's consent for the mission, valid today, ends before the last item they attend."""
    day = last_meeting_days(mission).get(participant.id)
    state = consent_state(participant.consents, mission.id, today)
    return EndsEarly(state.record.reconfirm_by, day) if state.ends_before(day) else None


def _consent_problem(mission: Mission, participant, today: date, day: date) -> Message | None:
    """Why a participant's consent does not let them take part on every day they attend, or None."""
    state = consent_state(participant.consents, mission.id, today)
    alias = participant.alias
    if state.withdrawn:
        return stored("%(alias)s withdrew consent", alias=alias)
    if state.expired:
        return stored("%(alias)s: consent expired on %(day)s", alias=alias, day=state.record.reconfirm_by.isoformat())
    if not state.covers(Scope.TAKE_PART):
        return stored("%(alias)s has not agreed to take part", alias=alias)
    if state.ends_before(day):
        return stored("%(alias)s: consent ends on %(day)s, before the meeting on %(meeting)s", alias=alias,
                      day=state.record.reconfirm_by.isoformat(), meeting=day.isoformat())
    return None


def check_consent(mission: Mission, ctx: Context) -> CheckResult:
    """Rule 4: every civil-society participant has consent to take part, valid today and on the day of every item
    they attend."""
    days = last_meeting_days(mission)
    people = {p.id: p for _, p in participant_links(mission)}
    problems, first = [], None
    for p in sorted(people.values(), key=lambda p: p.alias):
        problem = _consent_problem(mission, p, ctx.today, days[p.id])
        if problem:
            problems.append(problem)
            first = first or p
    fix = {"fix_endpoint": "participants.consent", "fix_args": {"participant_id": first.id,
                                                                 "mission_id": mission.id}} if first else {}
    return _result(
        "consent", not problems,
        stored_n("%(num)d participant, with consent to take part on the day of each meeting.",
                 "%(num)d participants, each with consent to take part on the day of each meeting.", len(people))
        if people else stored("No civil-society participants in the programme."),
        joined([joined(problems), "."], ""), **fix,
    )


def consulted(mission: Mission, participant_id: int, item: ProgrammeItem, today: date) -> bool:
    """Whether a consultation of the embassy or another trusted channel covers this participant at this item, today
    and on the item's day."""
    day = meeting_day(item)
    return any(c.holds_for(participant_id, item.id, today=today, day=day) for c in mission.consultations)


def _consulted_until(mission: Mission, participant_id: int, item: ProgrammeItem, today: date) -> date | None:
    """Until when the consultations that cover this participant at this item today hold (None: none does)."""
    return max((c.valid_until for c in mission.consultations
                if c.holds_for(participant_id, item.id, today=today, day=today)), default=None)


def _safety_problem(mission: Mission, item: ProgrammeItem, p, today: date) -> tuple[Message | None, bool]:
    """Why a participant may not safely attend an item on its day, or None; and whether only the consultation of a
    trusted channel is missing (fixed on the consultations page, not with an assessment)."""
    a, day = current_assessment(p.assessments, item.id), meeting_day(item)
    names = {"alias": p.alias, "item": item.title}
    if a is None:
        return stored("%(alias)s at “%(item)s”: no safety assessment", **names), False
    if not a.is_current(today):
        return stored("%(alias)s at “%(item)s”: assessment expired on %(day)s", **names,
                      day=a.valid_until.isoformat()), False
    if not a.holds_on(day):
        return stored("%(alias)s at “%(item)s”: assessment valid until %(day)s, before the meeting on %(meeting)s",
                      **names, day=a.valid_until.isoformat(), meeting=day.isoformat()), False
    if a.decision == Decision.STOP:
        return stored("%(alias)s at “%(item)s”: decision is do not proceed", **names), False
    if mission.direction == Direction.OUTBOUND and not consulted(mission, p.id, item, today):
        until = _consulted_until(mission, p.id, item, today)
        if until is not None:
            return stored("%(alias)s at “%(item)s”: the consultation of the embassy or another trusted channel "
                          "holds until %(day)s, before the meeting on %(meeting)s", **names, day=until.isoformat(),
                          meeting=day.isoformat()), True
        return stored("%(alias)s at “%(item)s”: no current consultation of the embassy or another trusted channel",
                      **names), True
    return None, False


def check_safety(mission: Mission, ctx: Context) -> CheckResult:
    """Rule 5: every participant has an assessment to proceed, valid today and on the day of the item; outbound: a
    consultation of the embassy or another trusted channel covers them at that item, today and on its day."""
    problems, first, consulted_only = [], None, False
    links = participant_links(mission)
    for item, p in links:
        problem, only_consultation = _safety_problem(mission, item, p, ctx.today)
        if problem:
            problems.append(problem)
            if first is None:
                first, consulted_only = (p, item), only_consultation
    fix = ({"fix_endpoint": "participants.assess", "fix_args": {"participant_id": first[0].id,
                                                                 "item_id": first[1].id}} if first else {})
    if first and consulted_only:
        fix = {"fix_endpoint": "participants.consult", "fix_args": {"mission_id": mission.id}}
    return _result(
        "safety", not problems,
        stored("Every participant has an assessment to proceed, valid on the day of each meeting.") if links
        else stored("No civil-society participants in the programme."),
        joined([joined(problems), "."], ""), **fix,
    )


def check_groundwork(mission: Mission, ctx: Context) -> CheckResult:
    """Rule 6: the partnership has a research dossier and an action plan with a focal theme; advice against needs an override."""
    partnership = mission.partnership
    missing, actions = [], []  # what is missing, and the page where each is added
    unsourced = [e for e in partnership.dossier_entries if not e.sources.strip()]
    on_partnership = {"partnership_id": partnership.id}
    if not partnership.dossier_entries:
        missing.append(stored("a research dossier"))
        actions.append(("partnerships.add_dossier_entry", on_partnership))
    elif unsourced:
        missing.append(stored_n("a source (a link or a citation) for %(num)d dossier entry",
                                "a source (a link or a citation) for %(num)d dossier entries", len(unsourced)))
        actions.append(("partnerships.show", {**on_partnership, "_anchor": "dossier"}))
    if not partnership.focal_themes:
        missing.append(stored("at least one focal theme"))
        actions.append(("partnerships.themes", on_partnership))
    if not partnership.objectives:
        missing.append(stored("an action plan with at least one objective"))
        actions.append(("partnerships.add_objective", on_partnership))
    if partnership.advised_against and not mission.override_reason:
        missing.append(stored("an override with a reason, because engagement with this partner is advised against"))
        actions.append(("readiness.override", {"mission_id": mission.id}))
    endpoint, args = actions[0] if actions else ("partnerships.show", on_partnership)
    ok_reason = stored("The partnership has a research dossier and an action plan.")
    if partnership.advised_against and mission.override_reason:
        ok_reason = joined([ok_reason, stored("Advised against; override recorded: %(reason)s",
                                              reason=mission.override_reason)], " ")
    return _result(
        "groundwork", not missing, ok_reason,
        stored("The partnership needs %(what)s.", what=joined(missing)),
        fix_endpoint=endpoint, fix_args=args,
        # Sources are added to the entries by whoever may add one.
        fixed_by="partnerships.add_dossier_entry" if endpoint == "partnerships.show" else None,
    )


def check_itinerary(mission: Mission, ctx: Context) -> CheckResult:
    """Rule 7: items within the mission's dates (transport from the day before to the day after), ending after they
    start, nobody double-booked; and no item imported from a partner's calendar file still to be classified (it is
    in no calendar or print until the office chooses its kind and who may see it)."""
    unclassified = [i for i in live_items(mission) if i.to_be_classified]
    problems = [stored_n("%(num)d imported item is still to be classified (choose its kind and who may see it): "
                         "%(items)s", "%(num)d imported items are still to be classified (choose their kind and who "
                         "may see them): %(items)s", len(unclassified),
                         items=", ".join(f"“{i.title}”" for i in unclassified))] if unclassified else []
    for item in live_items(mission):
        start, end = in_zone(item.starts_at, item.timezone).date(), last_day(item.ends_at, item.end_zone)
        if item.ends_at <= item.starts_at:
            problems.append(stored("“%(item)s” ends before it starts", item=item.title))
        if not item_days(item.kind, mission.start_date, mission.end_date).holds(start, end):
            problems.append(stored("“%(item)s” falls outside the mission's dates", item=item.title))
    seen = set()
    for item_id, bookings in double_bookings(mission.items).items():
        for b in bookings:
            key = frozenset((item_id, b.other.id, b.member.id))
            if key not in seen:
                seen.add(key)
                problems.append(stored("%(name)s is double-booked at “%(item)s”", name=b.member.display_name,
                                       item=b.other.title))
    fix = ({"fix_endpoint": "itinerary.edit", "fix_args": {"item_id": unclassified[0].id}} if unclassified
           else _programme(mission))
    return _result(
        "itinerary", not problems,
        stored("Times are consistent and nobody is double-booked."),
        joined([joined(problems), "."], ""), **fix,
    )


def check_talking_points(mission: Mission, ctx: Context) -> CheckResult:
    """Rule 8: official meetings carry human-rights talking points, or a recorded reason why not."""
    bare = [i for i in live_items(mission) if i.kind == ItemKind.OFFICIAL_MEETING
            and not i.talking_points.strip() and not i.no_talking_points_reason.strip()]
    fix = {"fix_endpoint": "itinerary.edit", "fix_args": {"item_id": bare[0].id}} if bare else _programme(mission)
    return _result(
        "talking_points", not bare,
        stored("Every official meeting has talking points or a recorded reason."),
        stored("Official meetings without talking points or a reason: %(items)s.",
               items=", ".join(f"“{i.title}”" for i in bare)),
        fail=Status.FAIL if ctx.talking_points_block else Status.WARN, **fix,
    )


def check_four_eyes(mission: Mission, ctx: Context) -> CheckResult:
    """Rule 9: the advisor and the approver signed off, two people whom four eyes allow (``lifecycle``)."""

    active = [s for s in mission.sign_offs if s.voided_at is None]
    by_role = {s.role: s for s in active}
    missing = [value_ref("sign_off_role", r.value) for r in (SignOffRole.ADVISOR, SignOffRole.APPROVER)
               if r not in by_role]
    draft = mission.status == MissionStatus.DRAFT
    # While a draft, it waits for someone else first: the protocol officer who submits it (the step at the anchor).
    problems = [stored("it is still a draft, which a protocol officer submits for sign-off once the other checks "
                       "pass")] if draft and missing else []
    if missing:
        problems.append(stored("awaiting sign-off by: %(roles)s", roles=missing))
    for signed in active:
        refusal = four_eyes_refusal(mission, signed.user_id, [s for s in active if s is not signed])
        if refusal is not None and refusal not in problems:
            problems.append(refusal)
    reason_ok = stored("Signed off by %(names)s.", names=[
        stored("%(name)s (%(role)s)", name=s.user.name, role=value_ref("sign_off_role", s.role)) for s in active])
    return _result(
        "four_eyes", not problems, reason_ok,
        stored("Not yet signed off: %(what)s.", what=joined(problems)),
        fix_endpoint="readiness.checklist", fix_args={"mission_id": mission.id, "_anchor": "sign-off"},
        fixed_by="readiness.submit" if draft else "readiness.sign",
    )


def check_themes_raised(mission: Mission, ctx: Context) -> CheckResult:
    """Against self-censorship (B.a): the official meetings raise at least one of the partnership's focal themes."""
    meetings = [i for i in live_items(mission) if i.kind == ItemKind.OFFICIAL_MEETING]
    raising = [i for i in meetings if _raises_a_focal_theme(i, mission)]
    fix = {"fix_endpoint": "itinerary.edit", "fix_args": {"item_id": meetings[0].id}} if meetings else {}
    if not meetings:  # nothing in the programme where a theme could be raised with the partner's authorities
        return CheckResult("themes_raised", Status.WARN,
                           stored("No official meeting in the programme: no focal theme can be raised."),
                           **_programme(mission))
    return _result(
        "themes_raised", bool(raising),
        stored_n("%(num)d official meeting raises a focal theme.", "%(num)d official meetings raise a focal theme.",
                 len(raising)),
        stored("No official meeting raises any of the partnership's focal themes. Self-censorship is the failure the "
               "advice warns about: no theme is excluded up front."),
        fail=Status.WARN, **fix,
    )


#: Reasons the checks gave before consent and safety were judged on the day of each meeting: a sign-off made then
#: keeps them in what it vouched for, and they are still shown, translated, when what changed since is listed.
FORMER_REASONS = (
    stored_n("%(num)d participant, with current consent to take part.",
             "%(num)d participants, each with current consent to take part.", 1),
    stored("Every participant has a current assessment to proceed."),
    # "Focal themes raised" passed a mission without an official meeting until it warned (issue 24).
    stored("No official meeting in the programme."),
)

#: Every check, in the order of DOMAIN.md (the self-censorship warning beside rule 8).
CHECKS: tuple[Callable[[Mission, Context], CheckResult], ...] = (
    check_hr_component, check_inbound, check_outbound, check_consent, check_safety, check_groundwork,
    check_itinerary, check_talking_points, check_themes_raised, check_four_eyes,
)
#: The checks that must pass before a mission may be submitted for sign-off.
PRE_SIGNOFF = CHECKS[:-1]


def run_checks(mission: Mission, ctx: Context, checks=CHECKS) -> list[CheckResult]:
    return [check(mission, ctx) for check in checks]


def failing(results: list[CheckResult]) -> list[CheckResult]:
    return [r for r in results if r.status == Status.FAIL]
