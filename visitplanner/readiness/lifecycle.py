"""A mission's lifecycle as one table: ``(status, action) -> status``; a step taken by hand has a page.

Operations ask :func:`target` before they move a mission; pages render :func:`action_options`; the transition
tests import :data:`TRANSITIONS`. Nothing else names a status to decide what may happen next. Who takes a step is the
access table's (``access.py``: the roles its page admits); who may not sign, four eyes, is stated here once.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..access import allows, may
from ..auth.models import User
from ..enums import LabelledEnum, MemberText
from ..errors import RuleViolation
from ..messages import Message, stored
from ..missions.models import MissionStatus
from .models import SignOffRole


class Action(LabelledEnum):
    SUBMIT = "submit"
    SIGN_OFF = "sign_off"
    #: Taken by the system when the second required sign-off stands.
    FINALISE = "finalise"
    RETURN = "return"
    #: Taken by the system when what the sign-offs vouched for moved.
    VOID = "void"
    COMPLETE = "complete"
    CANCEL = "cancel"

    __labels__ = {
        SUBMIT: _l("Submit for sign-off"),
        SIGN_OFF: _l("Sign off"),
        FINALISE: _l("Finalise"),
        RETURN: _l("Return to draft"),
        VOID: _l("Void the sign-offs"),
        COMPLETE: _l("Mark as completed"),
        CANCEL: _l("Cancel mission"),
    }

    #: Why the action cannot be taken in the mission's current status.
    refused = MemberText({
        SUBMIT: _l("Only a draft mission can be submitted for sign-off."),
        SIGN_OFF: _l("Only a mission that is ready for sign-off can be signed off."),
        FINALISE: _l("Only a mission that is ready for sign-off can be finalised."),
        RETURN: _l("Only a mission that is ready for sign-off can be returned to draft."),
        VOID: _l("Only a submitted or finalised mission has sign-offs to void."),
        COMPLETE: _l("Only a finalised mission can be completed."),
        CANCEL: _l("A completed or cancelled mission cannot be cancelled."),
    })


D, R, F, C, X = (MissionStatus.DRAFT, MissionStatus.READY, MissionStatus.FINALISED, MissionStatus.COMPLETED,
                 MissionStatus.CANCELLED)

#: (status, action) -> status after. A step with a page (``ENDPOINTS``) is taken by hand, by the roles the access
#: table admits to that page; the others (finalising, voiding) the system takes.
TRANSITIONS: dict[tuple[MissionStatus, Action], MissionStatus] = {
    (D, Action.SUBMIT): R,
    (D, Action.CANCEL): X,
    (R, Action.SIGN_OFF): R,  # the first of two; the second is followed by FINALISE
    (R, Action.FINALISE): F,
    (R, Action.RETURN): D,
    (R, Action.VOID): D,
    (R, Action.CANCEL): X,
    (F, Action.VOID): D,
    (F, Action.COMPLETE): C,
    (F, Action.CANCEL): X,
}


def target(status: str, action: Action) -> MissionStatus:
    """The status ``action`` leads to from ``status``; a RuleViolation saying why when the table has no such step."""
    step = TRANSITIONS.get((MissionStatus(status), action))
    if step is None:
        raise RuleViolation(action.refused)
    return step


#: The decision (``access.py``) of signing off in each role.
SIGNS_AS = {SignOffRole.ADVISOR: "sign off as advisor", SignOffRole.APPROVER: "sign off as approver"}


def may_sign_as(user: User, role: SignOffRole) -> bool:
    """Whether ``user``'s roles sign off in ``role`` (four eyes aside: :func:`four_eyes_refusal`)."""
    return may(user, SIGNS_AS[role])


@dataclass(frozen=True)
class ActionOption:
    """A button on the checklist: the action, and for a sign-off the role signed in."""

    action: Action
    role: SignOffRole | None = None

    @property
    def label(self) -> str:
        if self.role is not None:
            return _("Sign off as %(role)s", role=self.role.label)
        return self.action.label

    @property
    def endpoint(self) -> str:
        return ENDPOINTS[self.action]

    @property
    def opens_page(self) -> bool:
        """The step is a link to a page that asks first: for a reason (returning, cancelling), or to confirm what a
        sign-off vouches for."""
        return self.action in (Action.RETURN, Action.CANCEL, Action.SIGN_OFF)

    @property
    def primary(self) -> bool:
        return self.action in (Action.SUBMIT, Action.SIGN_OFF)


ENDPOINTS = {
    Action.SUBMIT: "readiness.submit",
    Action.SIGN_OFF: "readiness.sign",
    Action.RETURN: "readiness.return_view",
    Action.COMPLETE: "readiness.complete_view",
    Action.CANCEL: "readiness.cancel_view",
}


def action_options(mission, user: User) -> list[ActionOption]:
    """The steps ``user`` may take on ``mission`` now, in the table's order; a sign-off once per role still open."""
    options = []
    for status, action in TRANSITIONS:
        if status != mission.status or action not in ENDPOINTS or not allows(user, ENDPOINTS[action]):
            continue
        if action == Action.SIGN_OFF:
            options += [ActionOption(action, role) for role in open_sign_off_roles(mission, user)]
        else:
            options.append(ActionOption(action))
    return options


def four_eyes_refusal(mission, user_id: int, others: list) -> Message | None:
    """Four eyes, the one statement of who may not sign ``mission`` off, and why (None: they may): the person who
    submitted it, the approver who overrode the advice against engagement, and whoever already signed it in another
    role (``others``: the sign-offs standing beside theirs). The checklist's buttons, the sign-off and the four-eyes
    check read it."""
    if user_id == mission.submitted_by_id:
        return stored("the person who submitted the mission cannot sign it off")
    if user_id == mission.override_by_id:
        return stored("the approver who overrode the advice against engagement cannot sign it off")
    if any(s.user_id == user_id for s in others):
        return stored("one person cannot sign in two roles")
    return None


def open_sign_off_roles(mission, user: User) -> list[SignOffRole]:
    """The roles ``user`` could still sign ``mission`` off in: held, not yet signed, and four eyes allow them."""
    standing = [s for s in mission.sign_offs if s.voided_at is None]
    if four_eyes_refusal(mission, user.id, standing) is not None:
        return []
    signed = {s.role for s in standing}
    return [role for role in SignOffRole if may_sign_as(user, role) and role.value not in signed]
