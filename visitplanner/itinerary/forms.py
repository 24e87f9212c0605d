from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from itsdangerous import BadData, URLSafeSerializer
from wtforms import (
    HiddenField,
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..forms import BaseForm, MultiCheckboxField, VersionedForm, ZoneField, strip
from .models import AUTOMATIC, CHOSEN_KINDS, ItemKind, Visibility

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


def FOLD_CHOICES() -> list[tuple[str, str]]:  # noqa: N802 - choices, as WTForms calls them
    """When the clocks go back a time happens twice: which of the two."""
    return [("0", str(_l("The first time, before the clocks go back"))),
            ("1", str(_l("The second time, after the clocks go back")))]
def kind_choices(*, to_classify: bool = False) -> list[tuple[str, str]]:
    """The kinds a person may choose; for an imported item still to be classified, an empty choice first."""
    blank = [("", str(_l("— To be classified: choose its kind —")))] if to_classify else []
    return blank + ItemKind.choices(among=CHOSEN_KINDS)


DATETIME_HINT = _l("Enter a date and time, e.g. 11 May 2026, 14:00.")


#: What "delegation" means for the visibility of an item, by direction of the mission.
DELEGATION_MEANS = {
    "outbound": _l("“Delegation”: the members of this mission's delegation — our own travellers — see the item "
                   "whole, talking points included. “Internal” keeps it to the office; they see a private "
                   "appointment."),
    "inbound": _l("“Delegation”: everyone on this mission's delegation list sees the item — our own people with "
                  "the talking points, the visiting delegation without them. Choose “Internal” for what the "
                  "visitors must not read at all."),
}


class ItemForm(VersionedForm):
    #: Every kind but "to be classified", which only an import gives (an imported item's form offers an empty choice
    #: first: ``views.edit``).
    kind = SelectField(_l("Kind"), choices=lambda: kind_choices(),
                       validators=[InputRequired(message=_l("Choose a kind of programme item."))])
    title = StringField(_l("Title"), filters=[strip], validators=[DataRequired(), Length(max=200)])
    starts_at = DateTimeLocalField(
        _l("Start"), format=DATETIME_FORMATS, validators=[InputRequired(message=DATETIME_HINT)],
        description=_l("In the time zone where the item happens."),
    )
    starts_fold = RadioField(_l("Which start is meant?"), choices=lambda: FOLD_CHOICES(), validators=[Optional()])
    ends_at = DateTimeLocalField(
        _l("End"), format=DATETIME_FORMATS, validators=[InputRequired(message=DATETIME_HINT)],
        description=_l("In the time zone where the item ends."),
    )
    ends_fold = RadioField(_l("Which end is meant?"), choices=lambda: FOLD_CHOICES(), validators=[Optional()])
    timezone = ZoneField(
        _l("Time zone"), validators=[InputRequired()],
        description=_l("Where the item happens; the mission's zone unless it happens elsewhere."),
    )
    end_timezone = ZoneField(
        _l("Time zone at the end"), blank=_l("— the same as at the start —"), validators=[Optional()],
        description=_l("Only when the item ends elsewhere, e.g. a flight from Amsterdam landing in Shanghai."),
    )
    location = StringField(_l("Location"), filters=[strip], validators=[Optional(), Length(max=300)])
    description = TextAreaField(_l("Description"), filters=[strip], validators=[Optional(), Length(max=5000)])
    talking_points = TextAreaField(
        _l("Human-rights talking points"), filters=[strip], validators=[Optional(), Length(max=5000)],
        description=_l("What the delegation raises in this meeting. Never shared with the partner."),
    )
    no_talking_points_reason = TextAreaField(
        _l("Reason for having no talking points"), filters=[strip], validators=[Optional(), Length(max=2000)],
        description=_l("Only for an official meeting without human-rights talking points: why not."),
    )
    participants = MultiCheckboxField(
        _l("Civil-society participants"), coerce=int, validators=[Optional()],
        description=_l("Each needs consent to take part and a safety assessment before the mission is finalised."),
    )
    headcount = IntegerField(
        _l("People present who are kept off the record"), validators=[Optional(), NumberRange(min=1, max=10000)],
        description=_l("Only for a meeting with residents: how many take part whose names are not recorded, for "
                       "their own safety."),
    )
    headcount_reason = TextAreaField(
        _l("Why they are kept off the record"), filters=[strip], validators=[Optional(), Length(max=2000)],
    )
    attendees = MultiCheckboxField(_l("Who attends from the delegation"), coerce=int, validators=[Optional()])
    focal_themes = MultiCheckboxField(
        _l("Focal themes raised"), coerce=int, validators=[Optional()],
        description=_l("The partnership's focal themes this item raises; shown to the office only."),
    )
    visibility = RadioField(
        _l("Who may see this item"),
        choices=lambda: [(AUTOMATIC, _l("As its attendees need: the delegation when members of it attend, "
                                        "otherwise the office only"))] + Visibility.choices(),
        default=AUTOMATIC,
        validators=[InputRequired()],
    )
    parallel = BooleanField(
        _l("Runs in parallel with other items"),
        description=_l("Attendees of parallel items are not warned about double bookings."),
    )


# ---- a partner's draft programme, from a calendar file ---------------------------------------------------------


class ImportForm(BaseForm):
    """A calendar file to preview an import from (nothing is written until the preview is confirmed)."""

    file = FileField(
        _l("Calendar file (.ics)"), validators=[FileRequired(message=_l("Choose a calendar file (.ics) to import."))],
        description=_l("The partner's draft programme, as exported from Outlook, Google Calendar, Apple Calendar or "
                       "another calendar program: at most 1 MB and 500 events."),
    )


class ImportConfirmForm(BaseForm):
    """The confirmation of a previewed import: the events read from the file, signed by this application
    (:func:`signed_import`), so that what is imported is what the preview showed and nothing a browser made up."""

    plan = HiddenField(validators=[InputRequired()])


def _import_signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="visitplanner.programme-import")


def signed_import(payload: dict) -> str:
    """A preview's events and plan, signed (and compressed) for the confirmation form; never kept on the server."""
    return _import_signer().dumps(payload)


def read_signed_import(token: str | None) -> dict | None:
    """What :func:`signed_import` signed; None when the token is missing, altered or not one of ours."""
    try:
        payload = _import_signer().loads(token or "")
    except BadData:
        return None
    return payload if isinstance(payload, dict) else None
