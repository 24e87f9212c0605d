from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..forms import BaseForm, VersionedForm, ZoneField, strip
from .models import Direction, RoomAnswer, Side


class MissionForm(VersionedForm):
    partnership_id = SelectField(_l("Partnership"), coerce=int, validators=[InputRequired()])
    direction = RadioField(
        _l("Direction"), choices=Direction.choices, validators=[InputRequired()]
    )
    title = StringField(_l("Title"), filters=[strip], validators=[DataRequired(), Length(max=200)])
    purpose = TextAreaField(_l("Purpose"), filters=[strip], validators=[Length(max=5000)])
    start_date = DateField(_l("First day"), validators=[InputRequired(message=_l("Enter a date, e.g. 11 May 2026."))])
    end_date = DateField(_l("Last day"), validators=[InputRequired(message=_l("Enter a date, e.g. 13 May 2026."))])
    override_reason = TextAreaField(
        _l("Override: why this mission goes ahead although engagement is advised against"), filters=[strip],
        validators=[Optional(), Length(max=2000)],
        description=_l("Only an approver can record this; it shows on the mission and in the checklist."),
    )
    timezone = ZoneField(
        _l("Time zone of the visit"), blank=_l("— where the direction says: home for inbound, China for outbound —"),
        validators=[Optional()],
        description=_l("Where the visit takes place; its programme items start in this zone unless they happen "
                       "elsewhere."),
    )


class MemberForm(BaseForm):
    user_id = SelectField(
        _l("Person with an account"),
        coerce=int,
        description=_l("Choose “external person” to enter someone without an account."),
    )
    name = StringField(
        _l("Name (external person)"), filters=[strip], validators=[Optional(), Length(max=200)]
    )
    function = StringField(_l("Function"), filters=[strip], validators=[Optional(), Length(max=200)])
    organisation = StringField(_l("Organisation"), filters=[strip], validators=[Optional(), Length(max=200)])
    #: Asked on an inbound mission only (an outbound delegation is our own people).
    side = RadioField(_l("Side"), choices=lambda: Side.choices(), default=Side.OURS.value, validators=[InputRequired(
        message=_l("Choose whether the person is one of our own people or of the visiting delegation."))],
        description=_l("Our own people see the human-rights talking points in their programme; the visiting "
                       "delegation never does."))


class SideForm(BaseForm):
    """Moving a delegation member to the other side: a button."""

    side = HiddenField(validators=[InputRequired()])


class CompanyForm(BaseForm):
    """A company for the mission: picked from the register, or a new one by name (which joins the register)."""

    company_id = SelectField(_l("Company from the register"), coerce=int, validators=[Optional()],
                             description=_l("Choose “a new company” to enter one that is not in the register yet."))
    name = StringField(_l("Name of a new company"), filters=[strip], validators=[Optional(), Length(max=200)])
    sector = StringField(_l("Sector"), filters=[strip], validators=[Optional(), Length(max=200)])
    contact = StringField(
        _l("Contact"), filters=[strip], validators=[Optional(), Length(max=300)],
        description=_l("Name, e-mail address or telephone number of the contact person."),
    )


class RoomRequestForm(VersionedForm):
    """An outbound mission's request to the partner for room to meet civil society, and the answer."""

    room_requested_on = DateField(_l("Asked on"),
                                  validators=[InputRequired(message=_l("Enter a date, e.g. 1 Apr 2027."))])
    room_request = TextAreaField(
        _l("What was asked"), filters=[strip], validators=[DataRequired(), Length(max=5000)],
        description=_l("E.g. a meeting with a local labour-rights organisation, or a visit to a community centre. "
                       "Name no civil-society people here."))
    room_answer = RadioField(_l("The partner's answer"), choices=RoomAnswer.choices,
                             default=RoomAnswer.PENDING.value, validators=[InputRequired()])
    room_answered_on = DateField(_l("Answered on"), validators=[Optional()],
                                 description=_l("Empty while there is no answer yet."))
    room_answer_notes = TextAreaField(_l("Notes on the answer"), filters=[strip],
                                      validators=[Optional(), Length(max=5000)],
                                      description=_l("For the office only: not in the council's report."))
