"""Who may do what: the one table of roles. Deny by default: an endpoint missing here answers 403 to everyone.

Two tables, one statement each: ``DECISIONS``, what a role may decide wherever it is asked (an operation asks
:func:`may` again, whoever calls it), and ``ACCESS``, who may use each route (:func:`allows`), built on the first.
Nothing else in the package names a role to decide what someone may do.

Object state (a retired entry is not edited, a partnership advised against needs an override) is ``can_<verb>`` and
``is_*`` on the models, which take no user; the views and operations ask both. This module sits with the models in
the layers (it imports only ``auth.models``), so that rules, operations and pages all read the same table.
"""

from __future__ import annotations

from flask import abort, request
from flask_login import current_user

from .auth.models import HoldsRoles, Role
from .extensions import login_manager

PUBLIC = "public"
SIGNED_IN = "signed-in"

#: The office: everyone but the delegation members.
STAFF = frozenset({Role.ADMIN, Role.PROTOCOL, Role.ADVISOR, Role.APPROVER})
EVERYONE = frozenset(Role)
PROTOCOL = frozenset({Role.PROTOCOL})
PLANNERS = frozenset({Role.PROTOCOL, Role.ADVISOR})
ADMIN = frozenset({Role.ADMIN})
ADVISOR = frozenset({Role.ADVISOR})
APPROVER = frozenset({Role.APPROVER})
#: A data subject's rights (GDPR Art. 15 and 17) are served by the advisor and the administrator.
PRIVACY = frozenset({Role.ADVISOR, Role.ADMIN})

#: Decisions that are not one page: the operation that takes one asks :func:`may`, and so do the pages that lead to
#: it, so that a role is written here once.
DECISIONS: dict[str, frozenset[Role]] = {
    # A sign-off in each of the two roles a mission needs (who may not sign, four eyes, is readiness/lifecycle.py's).
    "sign off as advisor": ADVISOR,
    "sign off as approver": APPROVER,
    # A mission is created by a protocol officer; while engagement with the partner is advised against, only an
    # approver goes ahead, with an override and its reason (at creation or afterwards).
    "create a mission": PROTOCOL,
    "override the advice against engagement": APPROVER,
    # Calendar feeds: each person lists and revokes their own; the administrator everyone's. A feed of a partnership
    # or of the whole organisation is for office staff (anyone follows the missions they take part in).
    "manage everyone's feeds": ADMIN,
    "follow a partnership or the organisation": STAFF,
    # The talking-points library and the own policy: kept by the advisor.
    "keep the library": ADVISOR,
    # A decision that protects people: whether an organisation is protected is the advisor's alone.
    "decide protection": ADVISOR,
    # Office staff see every mission, in the office's view (every audience, what an audience leaves out, why items
    # are kept out of calendars), and hold follow-ups; a delegation member sees the missions they take part in, as
    # the delegation does (disclosure.may_see_mission).
    "see every mission": STAFF,
    "hold a follow-up": STAFF,
    # Real names of civil-society participants, where their consent allows naming to the audience (disclosure.py).
    "see real names": frozenset({Role.ADVISOR, Role.APPROVER, Role.ADMIN}),
}

ACCESS: dict[str, str | frozenset[Role]] = {
    "static": PUBLIC,
    "auth.login": PUBLIC,
    # The second step of signing in: the view itself admits only someone whose password was just right.
    "auth.code": PUBLIC,
    "auth.enrol": PUBLIC,
    "main.set_language": PUBLIC,
    # The house style: every page needs it, the sign-in page too.
    "main.theme": PUBLIC,
    "main.logo": PUBLIC,
    "auth.logout": SIGNED_IN,
    "main.home": SIGNED_IN,
    # partnerships
    "partnerships.index": STAFF,
    "partnerships.create": PLANNERS,
    "partnerships.show": STAFF,
    "partnerships.edit": PLANNERS,
    "partnerships.advice": ADVISOR,
    "partnerships.add_dossier_entry": ADVISOR,
    "partnerships.review_dossier": ADVISOR,
    "partnerships.themes": ADVISOR,
    "partnerships.add_objective": ADVISOR,
    # the register of stakeholders, and who an objective's input rests on (B.b, B.c)
    "stakeholders.index": STAFF,
    "stakeholders.create": PLANNERS,
    "stakeholders.show": STAFF,
    "stakeholders.edit": PLANNERS,
    # A decision that protects people: the advisor's alone (the operation checks it too).
    "stakeholders.protection": DECISIONS["decide protection"],
    "stakeholders.erase": PRIVACY,
    "stakeholders.add_involvement": PLANNERS,
    # The periodic review of the whole partnership: read by the office (with its report for the office or the council),
    # recorded by the advisor, who keeps the action plan.
    "partnerships.review": STAFF,
    "partnerships.record_review": ADVISOR,
    "partnerships.review_report": STAFF,
    # The talking-points library per focal theme and the own policy (issue 24, parts 4 and 7a): read by the office
    # (protocol composes from it), kept by the advisor; composing is an item edit, for those who edit the programme.
    "library.theme": STAFF,
    "library.entry": STAFF,
    "library.add": DECISIONS["keep the library"],
    "library.revise": DECISIONS["keep the library"],
    "library.retire": DECISIONS["keep the library"],
    "library.compose": PLANNERS,
    "library.policy": STAFF,
    "library.edit_policy": DECISIONS["keep the library"],
    # missions, delegation and companies
    # An approver creates a mission only for a partnership advised against, with an override (see the operation).
    "missions.create": DECISIONS["create a mission"] | DECISIONS["override the advice against engagement"],
    "missions.show": EVERYONE,
    "missions.edit": PROTOCOL,
    "missions.history": STAFF,
    "missions.add_member": PROTOCOL,
    "missions.remove_member": PROTOCOL,
    "missions.member_side": PROTOCOL,
    "missions.add_company": PROTOCOL,
    "missions.remove_company": PROTOCOL,
    # High-risk mode: set and ended by the advisor, who judges the safety of civil-society participants.
    "missions.high_risk": ADVISOR,
    # An outbound mission's request to the partner for room to meet civil society: the protocol office asks.
    "missions.room_request": PROTOCOL,
    # The company register (B.c): read by the office, kept by the protocol officers and the advisors.
    "companies.index": STAFF,
    "companies.show": STAFF,
    "companies.create": PLANNERS,
    "companies.edit": PLANNERS,
    "companies.add_briefing": PLANNERS,
    "companies.edit_briefing": PLANNERS,
    "companies.due_diligence": PLANNERS,
    "companies.add_meeting": PLANNERS,
    "companies.add_connection": PLANNERS,
    "companies.objectives": PLANNERS,
    # itinerary
    "itinerary.programme": EVERYONE,
    "itinerary.printable": EVERYONE,
    "itinerary.book": EVERYONE,
    "itinerary.week": EVERYONE,
    "itinerary.create": PLANNERS,
    "itinerary.edit": PLANNERS,
    "itinerary.remove": PLANNERS,
    # A partner's draft programme from a calendar file: previewed, then confirmed, by those who edit the itinerary.
    "itinerary.import_preview": PLANNERS,
    "itinerary.import_confirm": PLANNERS,
    # An item kept out of calendars for someone at critical risk is released by the advisor alone, who owns that
    # decision.
    "itinerary.release": ADVISOR,
    # civil-society participants, consent and safety
    "participants.index": STAFF,
    # Only the advisor records and edits civil-society people: whoever types a real name must be allowed to see it.
    "participants.create": ADVISOR,
    "participants.show": STAFF,
    "participants.edit": ADVISOR,
    "participants.propose": PROTOCOL,
    # Adding someone to a programme item is a change of the item: for those who edit the programme.
    "participants.attach": PLANNERS,
    "participants.renew": ADVISOR,
    "participants.data": PRIVACY,
    "participants.erase": PRIVACY,
    "participants.consent": ADVISOR,
    "participants.withdraw": ADVISOR,
    "participants.assess": ADVISOR,
    # Consultations of the embassy or another trusted channel: read by the office, recorded by the advisor.
    "participants.consultations": STAFF,
    "participants.consult": ADVISOR,
    # readiness: checklist, sign-off, status
    "readiness.checklist": STAFF,
    "readiness.submit": PROTOCOL,
    "readiness.sign": DECISIONS["sign off as advisor"] | DECISIONS["sign off as approver"],
    "readiness.confirm": PLANNERS,
    "readiness.complete_view": PROTOCOL,
    "readiness.return_view": PROTOCOL,
    "readiness.cancel_view": PROTOCOL,
    "readiness.override": DECISIONS["override the advice against engagement"],
    "readiness.settings": ADMIN,
    # after the visit
    "followup.after": STAFF,
    "followup.outcome": PLANNERS,
    "followup.add": PLANNERS,
    "followup.status": PLANNERS,
    "followup.evaluate": ADVISOR,
    # between visits: follow-ups of the partnership or of a contact with the partner region
    "followup.add_to_partnership": PLANNERS,
    "followup.add_to_contact": PLANNERS,
    "followup.partnership_status": PLANNERS,
    # contacts with the partner region between visits: logged by the office, read by the staff
    "contacts.create": PLANNERS,
    "contacts.show": STAFF,
    "contacts.edit": PLANNERS,
    # calendar: downloads and feeds (a feed authenticates by its token alone)
    "calendar.download": EVERYONE,
    "calendar.feeds": SIGNED_IN,
    "calendar.create": SIGNED_IN,
    "calendar.revoke": SIGNED_IN,
    "calendar.feed": PUBLIC,
    "calendar.robots": PUBLIC,
    # notices: each person's own list, and their choices of kinds and language (the views read only their own)
    "notices.index": SIGNED_IN,
    "notices.settings": SIGNED_IN,
    # administration
    "admin.users": ADMIN,
    "admin.create_user": ADMIN,
    "admin.edit_user": ADMIN,
    "admin.sign_out_user": ADMIN,
    "admin.reset_second_factor": ADMIN,
    "admin.audit_log": ADMIN,
    # The record of processing (GDPR Art. 30), for the privacy officer: it lists every place personal data is kept.
    "admin.processing": ADMIN,
    "admin.processing_markdown": ADMIN,
}


def allows(user, endpoint: str) -> bool:
    """Whether the access table lets ``user`` use ``endpoint`` (for links: never offer a door that is shut)."""
    rule = ACCESS.get(endpoint)
    if rule is None:
        return False
    if rule == PUBLIC:
        return True
    if not user.is_authenticated:
        return False
    return rule == SIGNED_IN or user.has_role(*rule)


def may(user, decision: str) -> bool:
    """Whether ``user``'s roles take ``decision`` (a key of ``DECISIONS``; an unknown one is a mistake: KeyError).
    ``user`` is an account, or whatever else holds roles (a feed's owner as a revalidation reads it); no one who is
    not signed in takes any."""
    rule = DECISIONS[decision]
    return isinstance(user, HoldsRoles) and user.has_role(*rule)


def roles_allowed(endpoint: str) -> list[Role]:
    """The roles the access table lets use ``endpoint``, in the order roles are listed (for "who can fix this")."""
    rule = ACCESS.get(endpoint)
    if rule in (None, PUBLIC, SIGNED_IN):
        return [] if rule is None else list(Role)
    return [role for role in Role if role in rule]


def enforce_access():
    """Before every request: refuse what the access table does not allow."""
    endpoint = request.endpoint
    if endpoint is None:  # no such route: the 404 follows
        return None
    rule = ACCESS.get(endpoint)
    if rule is None:
        abort(403)
    if rule == PUBLIC:
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if rule == SIGNED_IN:
        return None
    if not current_user.has_role(*rule):
        abort(403)
    return None
