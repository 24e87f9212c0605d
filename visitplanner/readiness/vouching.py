"""What a sign-off vouches for, in words: the page a signer confirms before signing (issue 23, part 3).

The fingerprint (``fingerprint.py``) is what a sign-off is bound to; this says the same content as a person reads it
(the dates, the delegation, the companies' briefings, the programme, the civil-society participants by alias with
their consent and safety decisions, the manual checks confirmed), with the open warnings the signer accepts and
what their role vouches for. Civil-society participants appear by alias only, whoever signs.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _l

from ..formatting import format_date
from ..itinerary.kinds import HUMAN_RIGHTS_COMPONENTS, ItemKind
from ..messages import shown
from ..missions.models import Direction, Mission
from ..participants.models import Decision, consent_state, current_assessment
from .checks import PRE_SIGNOFF, Context, Status, live_items, run_checks
from .models import ManualCheck, SignOffRole, short_code

#: What each role vouches for by signing, beside the content below (the same for every mission).
PROMISES = {
    SignOffRole.ADVISOR: (
        _l("The human-rights components in the programme are real meetings, arranged with the people they concern."),
        _l("Every civil-society participant agreed to what they take part in, and was judged safe for each item "
           "they attend, with the embassy or another trusted channel consulted where the visit is abroad."),
        _l("Nothing names a participant beyond what they agreed to."),
    ),
    SignOffRole.APPROVER: (
        _l("You reviewed the checklist and the visit may go ahead as it stands in the programme."),
        _l("You did not prepare or submit this mission yourself (four eyes)."),
    ),
}


@dataclass(frozen=True)
class Section:
    """A heading and its lines, in words."""

    title: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Vouch:
    """What signing ``mission`` in ``role`` vouches for now: the code, the role's promises, the content in words, the
    open warnings."""

    role: SignOffRole
    code: str | None
    promises: tuple[str, ...]
    sections: tuple[Section, ...]
    warnings: tuple[tuple[str, str], ...]


def vouch(mission: Mission, role: SignOffRole, ctx: Context) -> Vouch:
    """The code is that of the mission as submitted (None while it is not): what a sign-off now is bound to."""
    results = run_checks(mission, ctx, PRE_SIGNOFF)
    return Vouch(
        role=role,
        code=short_code(mission.vouched_fingerprint) if mission.vouched_fingerprint else None,
        promises=tuple(str(p) for p in PROMISES[role]),
        sections=tuple(s for s in (_visit(mission), _programme(mission), _people(mission, ctx),
                                   _companies(mission, ctx), _confirmed(mission)) if s.lines),
        warnings=tuple((r.title, shown(r.message)) for r in results if r.status == Status.WARN),
    )


def _visit(mission: Mission) -> Section:
    members = sorted(m.display_name for m in mission.members)
    return Section(gettext("The visit"), (
        gettext("%(title)s, %(direction)s, from %(start)s to %(end)s.", title=mission.title,
                direction=Direction(mission.direction).label, start=format_date(mission.start_date),
                end=format_date(mission.end_date)),
        ngettext("Delegation: %(num)d member: %(names)s.", "Delegation: %(num)d members: %(names)s.", len(members),
                 names=", ".join(members)) if members else gettext("Delegation: no members recorded."),
    ))


def _programme(mission: Mission) -> Section:
    items = live_items(mission)
    components = [i for i in items if i.kind in HUMAN_RIGHTS_COMPONENTS]
    meetings = [i for i in items if i.kind == ItemKind.OFFICIAL_MEETING]
    with_points = [i for i in meetings if (i.talking_points or "").strip()]
    lines = [
        ngettext("%(num)d item, with its times, places, visibility and who attends.",
                 "%(num)d items, with their times, places, visibility and who attends.", len(items)),
        ngettext("%(num)d human-rights component: %(titles)s.", "%(num)d human-rights components: %(titles)s.",
                 len(components), titles=", ".join(f"“{i.title}”" for i in components))
        if components else gettext("No human-rights component."),
    ]
    if meetings:
        lines.append(gettext("Official meetings with human-rights talking points: %(with)d of %(all)d.",
                             **{"with": len(with_points), "all": len(meetings)}))
    return Section(gettext("The programme"), tuple(lines))


def _people(mission: Mission, ctx: Context) -> Section:
    lines = []
    seen = {}
    for item in live_items(mission):
        for person in item.participants:
            seen.setdefault(person.id, (person, []))[1].append(item)
    for person, items in sorted(seen.values(), key=lambda pair: pair[0].alias):
        state = consent_state(person.consents, mission.id, ctx.today)
        consent = (gettext("consent withdrawn") if state.withdrawn else gettext("consent expired") if state.expired
                   else gettext("consent: %(scopes)s", scopes=", ".join(str(s.label) for s in sorted(
                       state.scopes, key=lambda s: s.value))) if state.record is not None else gettext("no consent"))
        safety = []
        for item in items:
            assessment = current_assessment(person.assessments, item.id)
            decision = Decision(assessment.decision).label if assessment else gettext("not assessed")
            safety.append(gettext("at “%(item)s”: %(decision)s", item=item.title, decision=decision))
        lines.append(f"{person.alias}: {consent}; {'; '.join(safety)}.")
    return Section(gettext("Civil-society participants (by alias)"), tuple(lines))


def _companies(mission: Mission, ctx: Context) -> Section:
    return Section(gettext("Companies"), tuple(
        gettext("%(name)s: %(briefing)s.", name=c.name,
                briefing=c.briefing_before(mission.start_date, ctx.today).label)
        for c in sorted(mission.companies, key=lambda c: c.name)))


def _confirmed(mission: Mission) -> Section:
    return Section(gettext("Confirmed by hand"), tuple(
        gettext("%(check)s (%(name)s).", check=ManualCheck(c.key).label, name=c.confirmed_by.name)
        for c in sorted(mission.confirmations, key=lambda c: c.key)))
